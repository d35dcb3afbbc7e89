"""The report: one HTML page, with its pictures beside it, that tells the whole story on
built-in examples to a reader who knows none of symdiff's vocabulary.

``symdiff report -o DIR`` (or :func:`build_report`) writes ``DIR/index.html`` and its SVG
pictures under ``DIR/assets/``. Nothing is fetched from the network: styles are inline,
pictures are local files, formulas are shown as text. Each section is a function returning
HTML. The build writes into a temporary folder next to ``DIR`` and moves it into place only
when it is complete, so an interrupted or failed build leaves the previous report (or nothing),
and a quick build after a full one leaves no stale pictures.
"""

from __future__ import annotations

import html
import os
import platform
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from .._errors import SymdiffError
from .._util import interrupts_kept
from .workloads import Workload

__all__ = ["build_report", "SECTIONS"]


@dataclass
class _Context:
    out: Path
    quick: bool
    progress: Callable[[str], None] | None
    assets: list[str] = field(default_factory=list)

    def asset(self, name: str) -> Path:
        """A path for an asset file, recorded so the report can check it exists."""
        path = self.out / "assets" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        self.assets.append(f"assets/{name}")
        return path

    def say(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message)


def _pre(text: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<pre{attr}>{html.escape(text)}</pre>"


def _code(text: str) -> str:
    return f"<code>{html.escape(text)}</code>"


def _img(src: str, alt: str, width: str = "") -> str:
    style = f' style="width:{width}"' if width else ""
    return (f'<figure{style}><img src="{html.escape(src)}" alt="{html.escape(alt)}">'
            f"<figcaption>{html.escape(alt)}</figcaption></figure>")


def _table(header: list[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
        for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_STYLE = """
body { font-family: "DejaVu Sans", sans-serif; max-width: 1100px; margin: 2em auto;
       padding: 0 1em; color: #222; line-height: 1.5; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #ddd; margin-top: 2em; }
pre { background: #f6f8fa; padding: 0.8em; font-size: 0.85em;
      white-space: pre-wrap; overflow-wrap: anywhere; }
pre.grid { white-space: pre; overflow-x: auto; }
code { background: #f6f8fa; padding: 0 0.2em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th { background: #eef; } td:first-child, th:first-child { text-align: left; }
figure { margin: 1em 0; display: inline-flex; flex-direction: column; vertical-align: top;
         max-width: 100%; }
figure img { width: 100%; border: 1px solid #eee; }
figure:not([style]) img { width: auto; max-width: 100%; }
figcaption { font-size: 0.85em; color: #555; order: -1; margin-bottom: 0.3em; }
.row { display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start; }
.row figure { flex: 1 1 320px; margin: 0.5em 0; }
dl.terms dt { font-weight: bold; margin-top: 0.5em; } dl.terms dd { margin-left: 1.5em; }
.lead { font-size: 1.1em; } .note { color: #555; font-size: 0.9em; }
nav ol { columns: 2; }
@media (max-width: 700px) {
  body { margin: 1em auto; } nav ol { columns: 1; } figure { width: 100% !important; }
  table { display: block; overflow-x: auto; }
}
@media print {
  body { max-width: none; margin: 0; font-size: 10pt; } nav { display: none; }
  pre, code { background: none; } pre { border: 1px solid #ccc; }
  pre.grid { white-space: pre-wrap; font-size: 7pt; }
  h2 { break-after: avoid; } figure, table, pre, dl { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""

# Marks in the page for the browser test: how many images loaded.
_IMAGE_CHECK = """
<script>
window.addEventListener("load", function () {
  var imgs = Array.prototype.slice.call(document.images);
  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
  document.body.setAttribute("data-images-total", imgs.length);
  document.body.setAttribute("data-images-loaded", ok);
});
</script>
"""


@dataclass(frozen=True)
class Section:
    """One section of the report: an anchor, a title, what it says, and its builder."""

    anchor: str
    title: str
    explanation: str
    build: Callable[[_Context], str]


SECTIONS: list[Section] = []


def _section(anchor: str, title: str, explanation: str
             ) -> Callable[[Callable[[_Context], str]], Callable[[_Context], str]]:
    def register(build: Callable[[_Context], str]) -> Callable[[_Context], str]:
        SECTIONS.append(Section(anchor, title, explanation, build))
        return build

    return register


_TERMS = """<dl class="terms">
<dt>The source notes</dt><dd>Study notes (in Chinese) on chapters 4 and 5 of a neural-network
textbook, from which this project grew: gradient descent and backpropagation, numerical
differentiation, symbolic differentiation and its drawback, expression swell, automatic
differentiation on a computation graph, and universal approximation. Their worked numbers are
reproduced below as test cases.</dd>
<dt>Expression swell</dt><dd>Differentiating by the textbook rules (sum, product, chain) and
writing the result out as a <em>tree</em>, where every repeated part is written again, makes
derivatives grow exponentially. A <em>DAG</em> (directed acyclic graph) stores each distinct part
once and lets every use point to it; symdiff keeps every expression that way.</dd>
<dt>Forward and reverse mode</dt><dd>Two ways to apply the chain rule on a computation graph:
forward mode carries derivatives with respect to one input from the inputs to the output;
reverse mode (backpropagation is a case of it) carries derivatives of the output back to every
input at once.</dd>
<dt>The workloads</dt><dd>The examples measured throughout: <b>the neuron</b>
f(x; w, b) = 1/(exp(−(wx + b)) + 1), the source notes' worked example; <b>the logistic map</b>
l₁ = x, lₙ₊₁ = 4lₙ(1 − lₙ), the classic illustration of swell (Baydin et al., JMLR 2018);
<b>the network loss</b>, the squared error of a one-hidden-layer network
y(x) = b + Σᵢ cᵢ·sigmoid(bᵢ + wᵢx) on fixed data points, differentiated with respect to all its
parameters; <b>nested sin</b> sin(sin(…sin(x))) and <b>the product of n variables</b>
x₁x₂…xₙ, for depth and for many inputs.</dd>
</dl>"""


def build_report(out: str | Path = "report", quick: bool = False,
                 progress: Callable[[str], None] | None = None) -> Path:
    """Write the report to ``out/index.html`` (with ``out/assets/``); returns the page's path.

    ``quick=True`` uses small settings (seconds instead of a minute or two); the tests build
    the report that way. The report is built in a temporary folder beside ``out`` and moved
    into place only when complete: a failed or interrupted build leaves the previous report
    (or nothing). ``out`` must be a new folder or a previous report.
    """
    out = Path(out)
    if out.exists() and not _is_report(out):
        raise SymdiffError(f"{out} exists and is not a symdiff report (index.html and "
                           "assets/ only); choose a new folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    # A Ctrl-C is never lost (one that lands in another library's callback is otherwise
    # printed and dropped, and the build went on to replace the report), and never cuts the
    # creation, the move into place or the removal of the staging folder in two.
    with interrupts_kept() as guard:
        with guard.deferred():
            staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
        try:
            _build(staging, quick, progress, guard.check)
            with guard.deferred():
                guard.check()
                _move_into_place(staging, out)
        except BaseException:
            with guard.deferred():
                shutil.rmtree(staging, ignore_errors=True)
            raise
    return out / "index.html"


def _is_report(folder: Path) -> bool:
    if not folder.is_dir():
        return False
    return {p.name for p in folder.iterdir()} <= {"index.html", "assets"}


def _move_into_place(staging: Path, out: Path) -> None:
    """Replace ``out`` by the finished ``staging`` folder (two renames in one file system)."""
    if not out.exists():
        os.replace(staging, out)
        return
    previous = out.with_name(f".{out.name}.previous-{os.getpid()}")
    os.replace(out, previous)
    try:
        os.replace(staging, out)
    except BaseException:
        os.replace(previous, out)  # put the old report back
        raise
    shutil.rmtree(previous, ignore_errors=True)


def _build(out: Path, quick: bool, progress: Callable[[str], None] | None,
           check: Callable[[], None] = lambda: None) -> None:
    context = _Context(out, quick, progress)
    started = time.perf_counter()
    parts = []
    for number, section in enumerate(SECTIONS, 1):
        check()  # an interrupt swallowed during the last section stops the build here
        context.say(f"[{number}/{len(SECTIONS)}] {section.title}")
        body = section.build(context)
        parts.append(f'<section id="{section.anchor}"><h2>{number}. '
                     f"{html.escape(section.title)}</h2>"
                     f'<p class="lead">{section.explanation}</p>{body}</section>')
    missing = [a for a in context.assets if not (out / a).is_file()]
    if missing:
        raise SymdiffError(f"report assets were not written: {', '.join(missing)}")
    elapsed = time.perf_counter() - started
    nav = "".join(f'<li><a href="#{s.anchor}">{html.escape(s.title)}</a></li>'
                  for s in SECTIONS)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>symdiff report</title><style>{_STYLE}</style></head>
<body>
<h1>symdiff: expression swell, seen and beaten</h1>
<p class="note">symdiff {__version__} · Python {platform.python_version()} ·
built in {elapsed:.1f} s{' (quick mode: small sizes)' if quick else ''} on this machine.
This page and the pictures in its <code>assets/</code> folder are all it needs; nothing is
fetched from the network.</p>
<p class="lead">Symbolic differentiation by the textbook rules writes derivatives that grow
exponentially when written out as trees: <em>expression swell</em>. The swell comes from
repeating shared subexpressions. symdiff keeps every expression as a shared graph (a DAG), so a
derivative, and even a whole gradient, stays as small and as cheap as reverse-mode automatic
differentiation.</p>
<h2>The words this page uses</h2>
{_TERMS}
<nav><ol>{nav}</ol></nav>
{''.join(parts)}
{_IMAGE_CHECK}
</body></html>
"""
    (out / "index.html").write_text(page, encoding="utf-8")


# --- the sections, in the order of the story ----------------------------------------------

@_section("neuron", "A worked example: one neuron, its derivative and its computation graph",
          "The source notes work through one sigmoid neuron, "
          "f(x; w, b) = 1/(exp(−(wx + b)) + 1), at x = 1, w = 0, b = 0. symdiff "
          "differentiates it by the textbook rules, and decomposes it into the elementary "
          "operations h₁…h₆ of its computation graph (each hᵢ one operation on earlier "
          "results). Forward mode carries ∂hᵢ/∂w along the graph (the source notes list 1, 1, "
          "−1, −1, −1, 0.25); reverse mode carries the adjoints ∂f/∂hᵢ (how much f changes "
          "with hᵢ) back from the output and gets ∂f/∂w and ∂f/∂b = 0.25 in one sweep.")
def _seed(ctx: _Context) -> str:
    from .._diff import diff, grad
    from .._expr import cse
    from ..ad import forward_trace, reverse_trace
    from ..drawing._computation import render_computation
    from .workloads import seed_sigmoid

    seed = seed_sigmoid()
    f = seed.expr
    w, b = seed.wrt
    dw, db = grad(f, seed.wrt)
    lines = [f"f(x; w, b) = {f}", f"∂f/∂w = {diff(f, w)}", f"∂f/∂b = {diff(f, b)}",
             f"at x = 1, w = 0, b = 0:  f = {f.evaluate(seed.at)!r},  "
             f"∂f/∂w = {dw.evaluate(seed.at)!r},  ∂f/∂b = {db.evaluate(seed.at)!r}"]
    forward = render_computation(f, seed.at, w, "forward", ctx.asset("neuron-forward.svg"))
    reverse = render_computation(f, seed.at, w, "reverse", ctx.asset("neuron-reverse.svg"))
    if forward.gradient.get("w") != 0.25 or reverse.gradient.get("b") != 0.25:
        raise SymdiffError("the neuron's derivatives came out wrong")
    return (_pre("\n".join(lines))
            + "<p>The elementary operations (symdiff's three-address form):</p>"
            + _pre(str(cse(f, three_address=True)))
            + '<div class="row">'
            + _img("assets/neuron-forward.svg", "Forward mode: tangents ∂hᵢ/∂w")
            + _img("assets/neuron-reverse.svg", "Reverse mode: adjoints ∂f/∂hᵢ")
            + "</div>"
            + "<p>The same sweeps as tables (numeric AD on the graph):</p>"
            + _pre(str(forward_trace(f, seed.at, {w: 1.0})), "grid")
            + _pre(str(reverse_trace(f, seed.at)), "grid"))


@_section("swell", "Expression swell: Baydin et al.'s Table 1, then the sweep",
          "Baydin et al. (JMLR 2018) illustrate swell with the logistic map "
          "lₙ₊₁ = 4lₙ(1 − lₙ): differentiated naively and written as a tree, dlₙ/dx roughly "
          "doubles at every step (the product rule references lₙ twice, and each reference "
          "is copied). Stored as a shared graph, the same derivative grows by a constant per "
          "step, and so does the straight-line program that common-subexpression elimination "
          "(CSE: compute each repeated part once, name it, reuse it) makes of it. SymPy, the "
          "best-known Python library for symbolic mathematics, is measured alongside.")
def _swell(ctx: _Context) -> str:
    from . import swell

    n = 12 if ctx.quick else 20
    budget = 0.5 if ctx.quick else 5.0
    rows = swell.logistic_sweep(n, budget=budget)
    swell.plot_sweep(rows, ctx.asset("swell.svg"))
    modes = swell.forward_vs_reverse()
    return (_pre(swell.format_table_one())
            + f"<p>The sweep for n = 1..{n} (SymPy columns while each step takes under "
            f"{budget:g} s):</p>"
            + _pre(swell.format_sweep(rows), "grid")
            + _img("assets/swell.svg", "Sizes against n, log scale: trees swell, DAGs do not",
                   "80%")
            + "<p>With many variables, one forward <code>diff</code> per variable swells with "
              "their number; symbolic reverse mode (<code>grad</code>) stays within a small "
              "factor of the function:</p>"
            + _pre(swell.format_forward_vs_reverse(modes), "grid"))


@_section("tensor-swell", "Swell at tensor level: the network in matrix form",
          "Written out unit by unit and point by point, the network's loss over N data "
          "points with H hidden units has a graph that grows as N·H, and so does its "
          "gradient. Written as the source notes end, in matrix form, "
          "L = Σ (b + σ(X Wᵀ + b0) c − t)², the loss and its gradient (∂L/∂W, ∂L/∂b0, ∂L/∂c, "
          "∂L/∂b, in matrix form) have the same few nodes at every size. The same holds for "
          "the logistic map applied to every entry of a vector.")
def _tensor_swell(ctx: _Context) -> str:
    from . import tensor_swell

    limit = 200 if ctx.quick else 2_000
    network, logistic = tensor_swell.study(limit)
    from .._figures import save_figure

    save_figure(tensor_swell.figure(network, logistic), ctx.asset("tensor-swell.svg"))
    return (f"<p>Scalarized graphs are built up to {limit:,} elements (N·H or n) and counted "
            "exactly beyond, without building them (their size is a polynomial of degree "
            "one in each size, solved from small built graphs and checked on every other "
            "graph built here; see docs/tensors.md).</p>"
            + _pre(tensor_swell.format_study(network, logistic), "grid")
            + _img("assets/tensor-swell.svg", "Nodes of the function (dashed) and the "
                   "gradient (solid): tensor (black, flat) against scalarized (growing as N·H "
                   "and n); open markers counted", "90%"))


@_section("pictures", "Tree view versus DAG view of the same derivative",
          "Here is the derivative of the logistic map l₃ drawn twice. As a tree (what "
          "naive symbolic differentiation writes) every shared subexpression is repeated; as "
          "symdiff stores it (a DAG) each appears once, and purple borders with use counts "
          "show what is shared. The tree doubles with every step of the map; the DAG grows "
          "by a constant.")
def _pictures(ctx: _Context) -> str:
    from .._diff import diff
    from .._measure import dag_size, tree_size
    from ..drawing._dot import render
    from .workloads import logistic_map

    n = 3
    f = logistic_map(n)
    d = diff(f, f.free_symbols[0])
    render(d, ctx.asset("derivative-tree.svg"), view="tree")
    render(d, ctx.asset("derivative-dag.svg"), view="dag")
    sizes = (f"d l{n}/dx = {d}\n\ntree: {tree_size(d)} nodes    DAG: {dag_size(d)} "
             f"distinct nodes")
    heat_n = 6
    heat = diff(logistic_map(heat_n), f.free_symbols[0])
    render(heat, ctx.asset("derivative-heat.svg"), view="heat")
    return (_pre(sizes)
            + _img("assets/derivative-tree.svg", f"d l{n}/dx as a tree ({tree_size(d)} nodes)",
                   "100%")
            + _img("assets/derivative-dag.svg",
                   f"d l{n}/dx as a DAG ({dag_size(d)} nodes)", "45%")
            + "<p>Where does the derivative swell? The heat view colours each node of the "
              "shared graph by how many copies of it the tree form holds (the number of paths "
              "from the result down to it, counted exactly from the graph): the hot nodes "
              "near the inputs are the ones a tree-based differentiator writes out again and "
              "again.</p>"
            + _img("assets/derivative-heat.svg",
                   f"d l{heat_n}/dx, heat view: {dag_size(heat)} distinct nodes holding a tree "
                   f"of {tree_size(heat)}", "60%"))


def _median_time(fn: Callable[[], object], repeats: int, number: int) -> float:
    """Median seconds per call over ``repeats`` batches of ``number`` calls."""
    import statistics
    import timeit

    return statistics.median(timeit.repeat(fn, repeat=repeats, number=number)) / number


def _peer_timings(workload: Workload, quick: bool
                  ) -> list[tuple[str, float | None, float | None]]:
    """Per-call gradient time of symdiff's generated code and of the installed peers."""
    import importlib.util

    from ..codegen._lambdify import lambdify, value_and_grad
    from ..interop._sympy import to_sympy

    expr, wrt, at = workload.expr, workload.wrt, workload.at
    point = [at[v] for v in wrt]
    repeats, number = (3, 100) if quick else (7, 500)
    rows: list[tuple[str, float | None, float | None]] = []
    function = lambdify(wrt, expr)
    gradient = value_and_grad(expr, wrt)
    base = _median_time(lambda: gradient(*point), repeats, number)
    rows.append(("symdiff value_and_grad (plain Python, math)", base, 1.0))
    alone = _median_time(lambda: function(*point), repeats, number)
    rows.append((f"symdiff function alone (gradient/function time: {base / alone:.1f})",
                 alone, None))
    if not quick and importlib.util.find_spec("numba") is not None:
        fast = value_and_grad(expr, wrt, backend="numba")
        fast(*point)  # compile once, outside the timing
        t = _median_time(lambda: fast(*point), repeats, number)
        rows.append(("symdiff value_and_grad (numba)", t, t / base))
    import sympy

    symbols = [sympy.Symbol(v.name) for v in wrt]
    s = to_sympy(expr)
    sympy_grad = [sympy.diff(s, v) for v in symbols]
    from .._ops import FUNCTIONS

    lambdified = sympy.lambdify(symbols, [s, *sympy_grad], cse=True,
                                modules=[{"sigmoid": FUNCTIONS["sigmoid"].evaluate}, "math"])
    t = _median_time(lambda: lambdified(*point), repeats, number)
    rows.append(("SymPy lambdify(cse=True) of its gradient", t, t / base))
    if importlib.util.find_spec("symengine") is not None:
        import symengine

        from .workloads import network_loss

        # SymEngine has no sigmoid: it gets the same loss with 1/(1 + exp(-z)) written out.
        hidden = (len(wrt) - 1) // 3
        expanded = network_loss(hidden=hidden, points=_POINTS[quick], expanded=True).expr
        se_symbols = [symengine.Symbol(v.name) for v in wrt]
        se = symengine.sympify(to_sympy(expanded))
        se_grad = [se.diff(v) for v in se_symbols]
        lam = symengine.Lambdify(se_symbols, [se, *se_grad], cse=True)
        t = _median_time(lambda: lam(point), repeats, number)
        rows.append(("SymEngine Lambdify(cse=True) (C++)", t, t / base))
    else:
        rows.append(("SymEngine: not installed (pip install symdiff[bench])", None, None))
    return rows


_POINTS = {True: 10, False: 20}


@_section("codegen", "Generated gradient code for the network loss, and its speed",
          "symdiff lowers the gradient to a straight-line Python function: shared "
          "subexpressions are computed once, nothing but math is imported, and the module "
          "runs without symdiff. Here is the value and gradient of the network loss "
          "y = b + Σ cᵢ·sigmoid(bᵢ + wᵢx), timed per call on this machine against the peers "
          "that are installed (medians; ratios relative to symdiff's plain-Python function).")
def _codegen(ctx: _Context) -> str:
    from .._diff import grad
    from .._measure import dag_size
    from ..codegen._lambdify import module_source
    from .workloads import network_loss

    workload = network_loss(hidden=3 if ctx.quick else 10, points=_POINTS[ctx.quick])
    expr, wrt = workload.expr, workload.wrt
    gradient = grad(expr, wrt)
    small = network_loss(hidden=2, points=3)
    source = module_source({"loss": small.expr, "loss_grad": grad(small.expr, small.wrt)},
                           small.wrt)
    rows = []
    for name, seconds, ratio in _peer_timings(workload, ctx.quick):
        rows.append([name, "—" if seconds is None else f"{seconds * 1e6:,.1f} µs",
                     "—" if ratio is None else f"{ratio:.2f}×"])
    sizes = (f"{len(wrt)} parameters; the loss has {dag_size(expr)} distinct nodes, loss and "
             f"gradient together {dag_size([expr, *gradient])} "
             f"(ratio {dag_size([expr, *gradient]) / dag_size(expr):.2f})")
    return (f"<p>{html.escape(sizes)}.</p>"
            + "<p>The generated module for a small instance (2 units, 3 data points):</p>"
            + _pre(source)
            + _table(["gradient function", "time per call", "relative to symdiff"], rows))


@_section("methods", "Numerical differentiation, forward and reverse AD",
          "Difference quotients need no derivative at all but lose digits: a large step h "
          "gives truncation error (slope 1 for forward, 2 for central differences), a small "
          "one rounding error. The first table is the source notes' own, reproduced bit for "
          "bit. For a "
          "loss with many inputs, forward mode needs one sweep per input while reverse mode "
          "(and symdiff's symbolic reverse mode, compiled) gets the whole gradient at once.")
def _methods(ctx: _Context) -> str:
    from ..numeric import error_study, format_seed_table
    from .compare import compare_report

    study = error_study(per_decade=2 if ctx.quick else 4)
    study.plot(str(ctx.asset("numeric-error.svg")))
    comparison = compare_report(hidden=3 if ctx.quick else 10, repeats=2 if ctx.quick else 5)
    return ("<p>f(x) = eˣ at x = 0 (true derivative 1):</p>" + _pre(format_seed_table())
            + _img("assets/numeric-error.svg", "Error of difference quotients against h",
                   "70%")
            + _pre(study.table(), "grid")
            + "<p>Four ways to the gradient of the network loss:</p>"
            + _pre(re.sub(r"\bW\d ", "", comparison), "grid"))


@_section("approximation", "Universal approximation, trained with symdiff's gradient",
          "The source notes close on why one hidden layer of sigmoids can fit any continuous "
          "function: a piecewise-linear curve is a sum of ramps, and each ramp is a scaled "
          "sigmoid. Here gradient descent on the squared error, with the gradient generated by "
          "symdiff, fits such a curve; the thin lines are the individual scaled sigmoids.")
def _approximation(ctx: _Context) -> str:
    from .approx import fit, piecewise_linear_target

    xs, ys = piecewise_linear_target(20)
    hidden, steps = (3, 600) if ctx.quick else (6, 8000)
    result = fit(xs, ys, hidden, steps=steps)
    result.plot(str(ctx.asset("approximation.svg")))
    marks = sorted({0, 10, 100, 1000, steps} & set(range(len(result.history))))
    rows = [[str(m), f"{result.history[m]:.3e}"] for m in marks]
    return (f"<p>{hidden} sigmoid units, {steps} steps of gradient descent with momentum "
            f"(backend: {html.escape(result.backend)}); final mean squared error "
            f"{result.mse:.2e}.</p>"
            + _table(["step", "mean squared error"], rows)
            + _img("assets/approximation.svg", "Target, fit and the individual scaled sigmoids",
                   "100%"))
