"""Building derivatives: symdiff vs SymPy, SymEngine and CasADi on the same workloads (issue 2).

Run from the repository root::

    python benchmarks/bench_diff.py            # the full run (a few minutes)
    python benchmarks/bench_diff.py --quick    # small sizes, a few seconds (the smoke test)

Every tool differentiates the same expression, converted from symdiff's DAG before any timing
(SymPy's through ``symdiff.to_sympy``; SymEngine's and CasADi's by one pass over the DAG, so they
share subexpressions exactly as symdiff does). Only the construction of the derivative is timed.

How the timing is kept honest:

* Each measurement is the **median** of several repeats, one call per repeat, with Python's
  garbage collector disabled while a call runs (as ``timeit`` does: the heap holds SymPy's and
  everybody's objects, and a collection landing inside one tool's call would bill it for the
  others).
* **symdiff** interns nodes in a *weak* table, so a derivative built in one repeat would be found
  again by the next repeat if it were still alive: the build would be a cache hit. The timer
  therefore releases each repeat's result before the next repeat starts, and verifies it: it
  holds weak references to every operation node of the result that is not part of the
  function, and stops with an error if any of them survived. Every symdiff time is a build from
  scratch.
* **SymPy**'s cache is cleared (``sympy.core.cache.clear_cache()``) before every repeat. SymPy
  gets a time budget: few repeats for slow calls, and in a size series (W1) the next size is
  skipped once one took longer than ``--skip-after`` seconds.
* **SymEngine** and **CasADi** (the compiled anchors, the ``bench`` extra) are skipped with a
  message when they are not installed. Neither has a sigmoid, so W3 is also built in the
  expanded form 1/(1 + exp(−z)) (``network_loss(expanded=True)``): that is the form they are
  compared on, symdiff included.

Node counts: symdiff's ``dag_size``; CasADi's ``Function.n_nodes()``; for SymPy and SymEngine the
number of distinct subexpressions (a set over the expression graph: what a hash-consed DAG of
their n-ary Add/Mul trees would hold, atoms included). The ∇/f column is gradient nodes over
function nodes. "vs symdiff" is the tool's time over symdiff's reference time on the same
workload and form (> 1: symdiff is faster); the reference is ``grad`` (symbolic reverse mode, one
sweep for all variables), except on W1 (one variable) where it is ``diff``. "err" is the
largest difference from symdiff's gradient at the workload's point, relative to max(1, |value|).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import statistics
import sys
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from _peers import load_peer  # benchmarks/_peers.py: scripts run from this folder

import symdiff
from symdiff import workloads
from symdiff._evaluation import evaluate_many

try:
    from symdiff._program import forget_lowerings
except ImportError:  # checkouts from before lowerings were remembered (a before/after run)
    def forget_lowerings() -> None:
        pass
from symdiff._traversal import toposort
from symdiff.interop import rebuild

# SymEngine's derivative of the logistic map swells (n = 300: ~1.4 s, n = 1000: ~70 s in a trial
# run on this machine), so the large-n part of W1 runs it only up to this n.
SYMENGINE_W1_MAX_N = 100

# The form of W3 that tools without a sigmoid primitive see (and symdiff too, for a fair count).
EXPANDED = "1/(1+exp(-z))"


@dataclass
class Case:
    """One workload in one form, and who runs on it."""

    workload: str
    form: str
    expr: symdiff.Expr
    wrt: tuple[symdiff.Symbol, ...]
    at: dict[symdiff.Symbol, float]
    methods: tuple[str, ...]            # symdiff methods; the first is the reference
    peers: tuple[str, ...]
    series: str = ""                    # cases of one series share SymPy's skip rule
    skip: dict[str, str] = field(default_factory=dict)  # peer → why it does not run here


@dataclass
class Row:
    """One measurement: a tool building one derivative of one case."""

    workload: str
    form: str
    tool: str
    method: str
    seconds: float | None = None
    repeats: int = 0
    f_nodes: int | None = None
    g_nodes: int | None = None
    vs_symdiff: float | None = None
    err: float | None = None
    note: str = ""
    reference: bool = False

    @property
    def node_ratio(self) -> float | None:
        if self.f_nodes and self.g_nodes is not None:
            return self.g_nodes / self.f_nodes
        return None


@dataclass
class Budget:
    """How many repeats a measurement gets: at least ``least``, at most ``most``, and no more
    once the repeats so far took ``seconds``."""

    least: int
    most: int
    seconds: float


# --- timing ------------------------------------------------------------------------------

class FreshGraphs:
    """Checks that a symdiff result did not survive into the next repeat (see the docstring)."""

    def __init__(self, function: symdiff.Expr) -> None:
        self.function_nodes = set(toposort((function,)))

    def watch(self, result: Any) -> list[weakref.ref]:
        roots = result if isinstance(result, (list, tuple)) else (result,)
        # Leaves (constants, symbols) are shared atoms that any live expression may hold; an
        # operation node is the work of a build, and must not outlive its repeat.
        return [weakref.ref(n) for n in toposort(roots)
                if n.args and n not in self.function_nodes]

    @staticmethod
    def verify(refs: list[weakref.ref]) -> None:
        alive = sum(ref() is not None for ref in refs)
        if alive:
            raise RuntimeError(f"{alive} of {len(refs)} derivative nodes outlived their repeat "
                               "(kept by the caller or by other live objects of this process): "
                               "the next build would have been a cache hit; run the benchmark "
                               "in a fresh process")


def time_builds(build: Callable[[], Any], budget: Budget, *,
                before: Callable[[], None] | None = None,
                fresh: FreshGraphs | None = None) -> tuple[float, int, Any]:
    """(median seconds, repeats, last result) of ``build()``. ``before()`` runs untimed before
    each repeat; every result but the last is released (and, with ``fresh``, checked dead)
    before the next repeat starts."""
    times: list[float] = []
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        while True:
            if before is not None:
                before()
            start = time.perf_counter()
            result = build()
            times.append(time.perf_counter() - start)
            n = len(times)
            if n >= budget.most or (n >= budget.least and sum(times) >= budget.seconds):
                return statistics.median(times), n, result
            refs = fresh.watch(result) if fresh is not None else []
            result = None
            FreshGraphs.verify(refs)
    finally:
        if was_enabled:
            gc.enable()


# --- the peers ---------------------------------------------------------------------------



_CASADI_NAMES = {"abs": "fabs"}


def convert(expr: symdiff.Expr, module: Any, symbol: Callable[[str], Any]) -> Any:
    """The same DAG in a peer's expression type (SymEngine or CasADi SX), node by node, so
    shared subexpressions stay shared. Drives off op names; raises for an op the peer lacks."""
    names = _CASADI_NAMES if module.__name__ == "casadi" else {}

    def function(op: Any) -> Callable[..., Any]:
        found = getattr(module, names.get(op.name, op.name), None)
        if found is None:
            raise NotImplementedError(f"{module.__name__} has no {op.name}")
        return found

    return rebuild(expr, lambda s: symbol(s.name), function=function)


def distinct_nodes(roots: Sequence[Any]) -> int:
    """Distinct subexpressions of SymPy or SymEngine expressions (atoms included), walked as
    a graph: a subexpression already seen is not entered again."""
    seen: set[Any] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(node.args)
    return len(seen)


def peer_values(roots: Sequence[Any], point: dict[str, float]) -> list[float]:
    """Float values of SymPy/SymEngine expressions, each distinct subexpression once."""
    value: dict[Any, float] = {}
    for root in roots:
        stack = [(root, False)]
        while stack:
            node, ready = stack.pop()
            if node in value:
                continue
            if not node.args:
                name = getattr(node, "name", None)
                value[node] = point[name] if name in point else float(node)
            elif ready:
                value[node] = float(node.func(*(value[a] for a in node.args)))
            else:
                stack.append((node, True))
                stack.extend((a, False) for a in node.args if a not in value)
    return [value[r] for r in roots]


def max_error(values: Sequence[float], reference: Sequence[float]) -> float | None:
    if not all(math.isfinite(v) for v in reference):
        return None  # e.g. the logistic map's derivative overflows at large n
    return max((abs(v - r) / max(1.0, abs(r)) for v, r in zip(values, reference, strict=True)),
               default=0.0)


# --- measurements ------------------------------------------------------------------------

def measure_symdiff(case: Case, method: str, budget: Budget
                    ) -> tuple[Row, list[float]]:
    f, wrt = case.expr, case.wrt
    if method == "grad":
        def build() -> Any:
            return symdiff.grad(f, wrt)
        label = "grad (reverse, 1 sweep)"
    else:
        def build() -> Any:
            return tuple(symdiff.diff(f, v) for v in wrt)
        label = f"diff ×{len(wrt)}"
    # Every repeat lowers f again (symdiff remembers the lowering of a live expression).
    seconds, repeats, result = time_builds(build, budget, before=forget_lowerings,
                                           fresh=FreshGraphs(f))
    row = Row(case.workload, case.form, "symdiff", label, seconds, repeats,
              symdiff.dag_size(f), symdiff.dag_size(result))
    values = evaluate_many(tuple(result), case.at)
    return row, values


def measure_sympy(case: Case, budget: Budget, reference: list[float]) -> Row:
    import sympy
    from sympy.core.cache import clear_cache

    row = Row(case.workload, case.form, "SymPy", f"diff ×{len(case.wrt)}")
    try:
        f = symdiff.to_sympy(case.expr)
    except (RecursionError, symdiff.ConversionError):
        row.note = "SymPy cannot build the function (its constructors recurse too deep)"
        return row
    wrt = [sympy.Symbol(v.name) for v in case.wrt]
    try:
        seconds, repeats, result = time_builds(
            lambda: [sympy.diff(f, v) for v in wrt], budget, before=clear_cache)
    except RecursionError:
        row.note = "sympy.diff fails (RecursionError)"
        return row
    row.seconds, row.repeats = seconds, repeats
    row.f_nodes, row.g_nodes = distinct_nodes([f]), distinct_nodes(result)
    point = {v.name: x for v, x in case.at.items()}
    row.err = max_error(peer_values(result, point), reference)
    return row


def measure_symengine(module: Any, case: Case, budget: Budget, reference: list[float]) -> Row:
    symbols: dict[str, Any] = {}
    f = convert(case.expr, module, lambda n: symbols.setdefault(n, module.Symbol(n)))
    wrt = [symbols[v.name] for v in case.wrt]
    seconds, repeats, result = time_builds(lambda: [f.diff(v) for v in wrt], budget)
    point = {v.name: x for v, x in case.at.items()}
    return Row(case.workload, case.form, "SymEngine", f"diff ×{len(wrt)}", seconds, repeats,
               distinct_nodes([f]), distinct_nodes(result),
               err=max_error(peer_values(result, point), reference))


def measure_casadi(module: Any, case: Case, budget: Budget, reference: list[float]) -> Row:
    symbols: dict[str, Any] = {}
    f = convert(case.expr, module, lambda n: symbols.setdefault(n, module.SX.sym(n)))
    x = module.vertcat(*(symbols[v.name] for v in case.wrt))
    rest = [v for v in case.at if v not in case.wrt]  # parameters (W2's x)
    p = module.vertcat(*(symbols[v.name] for v in rest))
    seconds, repeats, g = time_builds(lambda: module.gradient(f, x), budget)
    function = module.Function("f", [x, p], [f])
    gradient = module.Function("g", [x, p], [g])
    out = gradient([case.at[v] for v in case.wrt], [case.at[v] for v in rest])
    values = [float(v) for v in module.DM(out).full().ravel()]
    return Row(case.workload, case.form, "CasADi", "SX gradient", seconds, repeats,
               function.n_nodes(), gradient.n_nodes(), err=max_error(values, reference))


# --- the workloads -----------------------------------------------------------------------

def cases(quick: bool) -> Iterator[Case]:
    """The cases of a run (``quick``: small sizes that exercise every code path), built one at
    a time so that no other workload's graph is alive while one is measured."""
    x = symdiff.Symbol("x")
    peers = ("sympy", "symengine", "casadi")

    def from_workload(w: workloads.Workload, form: str, methods: tuple[str, ...],
                      on: tuple[str, ...] = peers) -> Case:
        return Case(w.name, form, w.expr, w.wrt, w.at, methods, on)

    # x = 3/4 is the map's fixed point: every lₖ is exactly 3/4 in floating point and
    # dlₙ/dx = (−2)ⁿ⁻¹, so the cross-check is not drowned by the map's chaos elsewhere.
    for n in (range(5, 8) if quick else range(5, 15)):
        yield Case(f"W1 logistic map n={n}", "", workloads.logistic_map(n), (x,), {x: 0.75},
                   ("diff",), peers, series="W1")
    for n in ((30,) if quick else (100, 1000, 10000)):
        skip = {} if n <= SYMENGINE_W1_MAX_N else {
            "symengine": f"skipped above n={SYMENGINE_W1_MAX_N} (its derivative swells: "
                         "~1.4 s at n=300, ~70 s at n=1000 in a trial run)"}
        yield Case(f"W1 logistic map n={n}", "", workloads.logistic_map(n), (x,), {x: 0.75},
                   ("diff",), ("symengine", "casadi"), skip=skip)
    yield from_workload(workloads.seed_sigmoid(), "", ("grad", "diff"))
    size = {"hidden": 2, "points": 4} if quick else {}
    yield from_workload(workloads.network_loss(**size), "sigmoid", ("grad", "diff"),
                        ("sympy",))
    yield from_workload(workloads.network_loss(**size, expanded=True), EXPANDED,
                        ("grad", "diff"))
    depth = 50 if quick else 1000
    yield Case(f"W4 nested sin depth {depth}", "", workloads.nested_sin(depth), (x,),
               {x: 0.7}, ("grad",), peers)
    yield from_workload(workloads.product_of_variables(10 if quick else 50), "",
                        ("grad", "diff"))


def run(quick: bool = False, repeats: int = 15, sympy_repeats: int = 5,
        sympy_budget: float = 5.0, skip_after: float = 10.0) -> list[Row]:
    """Measure every case; returns the rows (printing progress to stderr)."""
    fast = Budget(3, 3 if quick else repeats, 0.2 if quick else 1.0)
    slow = Budget(1, 1 if quick else sympy_repeats, sympy_budget)
    modules = {name: load_peer(name) for name in ("symengine", "casadi")}
    last_seconds: dict[tuple[str, str], float] = {}
    rows: list[Row] = []
    for case in cases(quick):
        print(f"  {case.workload} {case.form}".rstrip(), file=sys.stderr, flush=True)
        reference: list[float] = []
        ref_seconds = 1.0
        group: list[Row] = []
        for method in case.methods:
            row, values = measure_symdiff(case, method, fast)
            if not reference:
                reference, ref_seconds = values, row.seconds or 1.0
                row.reference = True
            else:
                row.err = max_error(values, reference)
            group.append(row)
        for peer in case.peers:
            key = (case.series, peer)
            if peer in case.skip:
                group.append(Row(case.workload, case.form, peer, "", note=case.skip[peer]))
                continue
            if case.series and last_seconds.get(key, 0.0) > skip_after:
                group.append(Row(case.workload, case.form, _TITLES[peer], "",
                                 note=f"skipped: the previous size took "
                                      f"{last_seconds[key]:.1f} s > {skip_after:g} s"))
                continue
            if peer == "sympy":
                row = measure_sympy(case, slow, reference)
            elif modules[peer] is None:
                continue
            elif peer == "symengine":
                row = measure_symengine(modules[peer], case, fast, reference)
            else:
                row = measure_casadi(modules[peer], case, fast, reference)
            if row.seconds is not None:
                last_seconds[key] = row.seconds
            group.append(row)
        for row in group:
            if row.seconds is not None:
                row.vs_symdiff = row.seconds / ref_seconds
            if row.tool in _TITLES:
                row.tool = _TITLES[row.tool]
        rows.extend(group)
    return rows


_TITLES = {"sympy": "SymPy", "symengine": "SymEngine", "casadi": "CasADi"}


# --- output ------------------------------------------------------------------------------

def _time(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"


def _ratio(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}×" if value >= 100 else f"{value:.3g}×"


def _num(value: float | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def format_table(rows: Sequence[Row]) -> str:
    """The rows as a Markdown table (readable in a terminal, pasteable into the docs)."""
    head = ["workload", "form", "tool", "method", "median", "reps", "f nodes", "∇ nodes",
            "∇/f", "vs symdiff", "err", "note"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        ratio = "ref" if r.reference else _ratio(r.vs_symdiff)
        cells = [r.workload, r.form, r.tool, r.method, _time(r.seconds),
                 str(r.repeats) if r.repeats else "—", _num(r.f_nodes, "d"),
                 _num(r.g_nodes, "d"), _num(r.node_ratio, ".2f"), ratio,
                 _num(r.err, ".1e"), r.note]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _find(rows: Sequence[Row], tool: str, workload: str, form: str | None = None,
          method: str = "") -> Row | None:
    for r in rows:
        if (r.tool == tool and r.workload.startswith(workload) and r.seconds is not None
                and (form is None or r.form == form) and r.method.startswith(method)):
            return r
    return None


def format_goals(rows: Sequence[Row]) -> str:
    """Issue 2's goals, each with the numbers that decide it."""
    out = []
    sympy_rows = [r for r in rows if r.tool == "SymPy" and r.vs_symdiff is not None]
    if sympy_rows:
        worst = min(sympy_rows, key=lambda r: r.vs_symdiff or 0.0)
        missed = [r for r in sympy_rows if (r.vs_symdiff or 0.0) < 100]
        verdict = "MET" if not missed else f"MISSED on {len(missed)} of {len(sympy_rows)}"
        out.append(f"1. symdiff ≥ 100× faster than SymPy wherever SymPy finishes: {verdict}. "
                   f"smallest ratio {_ratio(worst.vs_symdiff)} "
                   f"({f'{worst.workload} {worst.form}'.rstrip()}), "
                   f"largest {_ratio(max(r.vs_symdiff or 0.0 for r in sympy_rows))}.")
        for r in missed:
            where = f"{r.workload} {r.form}".rstrip()
            out.append(f"   below 100×: {where} — {_ratio(r.vs_symdiff)}")
    form = EXPANDED
    engine = _find(rows, "SymEngine", "W3", form)
    mine = _find(rows, "symdiff", "W3", form, "grad")
    mine_sig = _find(rows, "symdiff", "W3", "sigmoid", "grad")
    if engine and mine and engine.seconds and mine.seconds:
        verdict = "MET" if engine.seconds > mine.seconds else "MISSED"
        line = (f"2. W3: symdiff grad faster than SymEngine's per-variable diffs: {verdict} — "
                f"{_time(mine.seconds)} vs {_time(engine.seconds)} "
                f"({engine.seconds / mine.seconds:.2f}× on the expanded form")
        if mine_sig and mine_sig.seconds:
            line += (f"; {engine.seconds / mine_sig.seconds:.2f}× with symdiff on the sigmoid "
                     f"form, {_time(mine_sig.seconds)}")
        out.append(line + ").")
    casadi = _find(rows, "CasADi", "W3", form)
    if casadi and mine and casadi.node_ratio and mine.node_ratio:
        ok = mine.node_ratio <= casadi.node_ratio + 0.5
        margin = casadi.node_ratio + 0.5 - mine.node_ratio
        line = (f"3. W3 node ratio ∇/f ≤ CasADi's + 0.5: {'MET' if ok else 'MISSED'} — "
                f"symdiff {mine.node_ratio:.2f} (expanded, same form as CasADi) vs CasADi "
                f"{casadi.node_ratio:.2f} (margin {margin:+.2f})")
        if mine_sig and mine_sig.node_ratio:
            line += f"; symdiff on the sigmoid form: {mine_sig.node_ratio:.2f}"
        out.append(line + ".")
    worst_ratio = max((r for r in rows if r.tool == "symdiff" and r.method.startswith("grad")),
                      key=lambda r: r.node_ratio or 0.0, default=None)
    if worst_ratio and worst_ratio.node_ratio:
        out.append(f"4. cheap gradient (symdiff grad ≤ 3× the function's nodes): "
                   f"{'MET' if worst_ratio.node_ratio <= 3 else 'MISSED'} — largest ratio "
                   f"{worst_ratio.node_ratio:.2f} "
                   f"({f'{worst_ratio.workload} {worst_ratio.form}'.rstrip()}).")
    return "\n".join(out)


def interleaved_diffs(rounds: int, quick: bool = False) -> str:
    """Issue 15 item 5a: symdiff's per-variable ``diff`` ×31 against SymPy's on W3, in
    alternating rounds (one build each, symdiff's lowering forgotten and SymPy's cache
    cleared before each, the collector off during a build); the median of the per-round
    ratios, which the load of the shared machine hits alike."""
    import sympy
    from sympy.core.cache import clear_cache

    size = {"hidden": 2, "points": 4} if quick else {}
    lines = ["| workload | form | symdiff diff ×k | SymPy diff ×k | SymPy/symdiff (median of "
             "rounds) | range |", "|---|---|---|---|---|---|"]
    for form, expanded in (("sigmoid", False), (EXPANDED, True)):
        w = workloads.network_loss(**size, expanded=expanded)
        f, wrt, fresh = w.expr, w.wrt, FreshGraphs(w.expr)
        g = symdiff.to_sympy(f)
        names = [sympy.Symbol(v.name) for v in wrt]
        ours: list[float] = []
        theirs: list[float] = []
        tuple(symdiff.diff(f, v) for v in wrt)  # untimed: first-use costs of both tools
        [sympy.diff(g, v) for v in names]
        for r in range(rounds):
            for tool in (("symdiff", "sympy") if r % 2 == 0 else ("sympy", "symdiff")):
                if tool == "symdiff":
                    seconds, _, result = time_builds(
                        lambda f=f, wrt=wrt: tuple(symdiff.diff(f, v) for v in wrt),
                        Budget(1, 1, 0.0), before=forget_lowerings)
                    refs = fresh.watch(result)
                    result = None
                    FreshGraphs.verify(refs)
                    ours.append(seconds)
                else:
                    seconds, _, _ = time_builds(
                        lambda g=g, names=names: [sympy.diff(g, v) for v in names],
                        Budget(1, 1, 0.0), before=clear_cache)
                    theirs.append(seconds)
        ratios = sorted(t / o for o, t in zip(ours, theirs, strict=True))
        lines.append(f"| {w.name} | {form} ({len(wrt)}) | {_time(statistics.median(ours))} | "
                     f"{_time(statistics.median(theirs))} | "
                     f"**{statistics.median(ratios):.0f}×** | {ratios[0]:.0f}–{ratios[-1]:.0f}× |")
    return "\n".join(lines)


def environment() -> str:
    """One line about the machine and the versions, for the record."""
    versions = [f"python {platform.python_version()}", f"symdiff {symdiff.__version__}"]
    for name in ("sympy", "symengine", "casadi"):
        try:
            versions.append(f"{name} {__import__(name).__version__}")
        except ImportError:
            versions.append(f"{name} absent")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{', '.join(versions)}; {os.cpu_count()} CPUs, load average {load}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    parser.add_argument("--repeats", type=int, default=15,
                        help="most repeats for symdiff, SymEngine, CasADi (at least 3)")
    parser.add_argument("--sympy-repeats", type=int, default=5, help="most repeats for SymPy")
    parser.add_argument("--sympy-budget", type=float, default=5.0,
                        help="no more SymPy repeats once they took this many seconds")
    parser.add_argument("--skip-after", type=float, default=10.0,
                        help="in W1, skip SymPy's next n once one n took this many seconds")
    parser.add_argument("--json", metavar="PATH", help="also write the rows as JSON")
    parser.add_argument("--interleaved", type=int, metavar="ROUNDS",
                        help="only W3's diff ×31, symdiff and SymPy in alternating rounds")
    args = parser.parse_args(argv)
    print(f"before: {environment()}", flush=True)
    if args.interleaved:
        print(interleaved_diffs(args.interleaved, args.quick))
        print(f"after: load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
        return 0
    start = time.perf_counter()
    rows = run(args.quick, max(args.repeats, 3), args.sympy_repeats, args.sympy_budget,
               args.skip_after)
    print()
    print(format_table(rows))
    print()
    if args.quick:
        print("Goals, judged here on the quick sizes (the issue judges the full run):")
    print(format_goals(rows))
    print(f"\nafter: load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"total {time.perf_counter() - start:.0f} s")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump([asdict(r) for r in rows], handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
