"""Running derivatives: symdiff's generated code vs the peers, per call (issue 4).

Run from the repository root::

    python benchmarks/bench_codegen.py            # the full run (several minutes)
    python benchmarks/bench_codegen.py --quick    # small sizes, short timings (the smoke test)

Every tool gets the same workload (converted from symdiff's DAG, node by node, before any
timing) and is called the same way: at one point, with Python floats in (a list of floats for
the tools that take one vector argument: SymEngine, CasADi), one call per iteration. Only the
call is timed; building (differentiating, generating, compiling) is not. Each time is the median
of several repeats of a calibrated number of calls, with the garbage collector off (as
``timeit`` does). "vs symdiff" is the tool's time over symdiff's ``math`` gradient (> 1: symdiff
is faster). "err" is the largest difference from symdiff's gradient, relative to max(1, |g|).

The tools:

* symdiff: ``lambdify(args, grad(f, wrt))`` with the ``math`` backend (the reference), the same
  with ``numba``, ``value_and_grad``, and the function alone (for the gradient/function ratio).
* SymPy: ``sympy.lambdify`` of ``[sympy.diff(F, v) for v in wrt]``, with and without
  ``cse=True``. SymPy's build gets a time budget (``--budget``); its derivative of the logistic
  map swells (n = 16 takes half a minute), so larger n are skipped once one size overruns. The
  un-CSE'd version is skipped when the printed tree would exceed 10⁵ nodes.
* SymEngine ``Lambdify`` (``cse=True``; the lambda and the LLVM backends), CasADi ``Function``
  (one vector argument, ``casadi.gradient``), HIPS ``autograd.grad`` and ``jax.grad`` (un-jitted
  and ``jax.jit``-ed, float64). Neither SymEngine nor CasADi has a sigmoid: they get
  1/(1 + exp(−z)). autograd and JAX run a function that walks the DAG calling their primitives
  (the walk costs well under 1 % of their per-call time).

The second table times the NumPy backend on 10⁶ points (10⁴ with ``--quick``) against SymPy's
NumPy ``lambdify(cse=True)`` and ``jax.jit(jax.vmap(jax.grad(...)))`` on arrays already on the
device, for W1 at n = 10 (SymPy's derivative at n = 20 takes many minutes to build) and W2.
Peers that are not installed are skipped with a message (``pip install -e ".[bench]"``).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import gc
import inspect
import json
import math
import operator
import os
import platform
import resource
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from _peers import load_peer  # benchmarks/_peers.py: scripts run from this folder

import symdiff
from symdiff import workloads
from symdiff._ops import FLOAT
from symdiff._traversal import toposort
from symdiff._util import format_seconds
from symdiff.interop import rebuild


@dataclass
class Row:
    workload: str
    tool: str
    seconds: float | None = None
    err: float | None = None
    note: str = ""


@dataclass
class Case:
    name: str
    expr: symdiff.Expr
    wrt: tuple[symdiff.Symbol, ...]
    args: tuple[symdiff.Symbol, ...]
    point: tuple[float, ...]
    group: str  # the goal it counts for: W1, W2, W3 or W4


def cases(quick: bool) -> list[Case]:
    x = symdiff.Symbol("x")
    found = []
    for n in (10,) if quick else (10, 20, 50):
        found.append(Case(f"W1 logistic map n={n}", workloads.logistic_map(n), (x,), (x,),
                          (0.3,), "W1"))
    seed = workloads.seed_sigmoid()
    args = tuple(seed.at)
    found.append(Case("W2 seed sigmoid", seed.expr, seed.wrt, args,
                      tuple(seed.at[a] for a in args), "W2"))
    loss = workloads.network_loss(hidden=2, points=3) if quick else workloads.network_loss()
    found.append(Case(f"W3 network loss ({len(loss.wrt)} parameters)", loss.expr, loss.wrt,
                      loss.wrt, tuple(loss.at[a] for a in loss.wrt), "W3"))
    depth = 20 if quick else 300
    found.append(Case(f"W4 nested sin depth {depth}", workloads.nested_sin(depth), (x,), (x,),
                      (0.3,), "W4"))
    product = workloads.product_of_variables(8 if quick else 50)
    found.append(Case(f"W4 product of {len(product.wrt)} variables", product.expr, product.wrt,
                      product.wrt, tuple(product.at[a] for a in product.wrt), "W4"))
    return found


# --- timing ----------------------------------------------------------------------------------


def _run(function: Callable[..., Any], args: Sequence[Any], number: int) -> float:
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(number):
            function(*args)
        return time.perf_counter() - start
    finally:
        if enabled:
            gc.enable()


def _calibrate(function: Callable[..., Any], args: Sequence[Any], target: float) -> int:
    """How many calls make one repeat last at least ``target`` seconds."""
    function(*args)  # warm up (JIT compilation, caches)
    number = 1
    while True:
        elapsed = _run(function, args, number)
        if elapsed >= target or number >= 10**7:
            return number
        number = max(number * 2, int(number * target / max(elapsed, 1e-9) * 1.2))


def time_rows(entries: list[tuple[Row, Callable[..., Any], Sequence[Any]]], quick: bool
              ) -> None:
    """Set each row's median seconds per call. The repeats of all tools are interleaved, so
    that a change of load on the (shared) machine hits every tool alike."""
    target = 0.005 if quick else 0.1
    numbers = [_calibrate(function, args, target) for _, function, args in entries]
    samples: list[list[float]] = [[] for _ in entries]
    for _ in range(3 if quick else 7):
        for k, (_, function, args) in enumerate(entries):
            samples[k].append(_run(function, args, numbers[k]) / numbers[k])
    for (row, _, _), times in zip(entries, samples, strict=True):
        row.seconds = statistics.median(times)


class BudgetExceededError(Exception):
    pass


@contextlib.contextmanager
def budget(seconds: float) -> Iterator[None]:
    """Raise :class:`BudgetExceededError` in the block after ``seconds`` (by SIGALRM, which
    interrupts pure-Python work such as SymPy's)."""
    def alarm(signum: int, frame: Any) -> None:
        raise BudgetExceededError

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def deep_recursion() -> Iterator[None]:
    """SymPy's passes recurse (nested sin 300 needs thousands of frames): allow them."""
    limit = sys.getrecursionlimit()
    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    wanted = 1 << 30 if hard == resource.RLIM_INFINITY else min(hard, 1 << 30)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_STACK, (max(soft, wanted), hard))
    sys.setrecursionlimit(100_000)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


# --- the peers -------------------------------------------------------------------------------




_ARITHMETIC = {"add": operator.add, "sub": operator.sub, "mul": operator.mul,
               "div": operator.truediv, "pow": operator.pow, "neg": operator.neg}


def functions_of(module: Any) -> dict[str, Callable[..., Any]]:
    """Op name → the peer's function; sigmoid as 1/(1 + exp(−z)) where the peer lacks it."""
    table = dict(_ARITHMETIC)
    for name in symdiff.OPS:
        found = getattr(module, {"abs": "fabs"}.get(name, name)
                        if module.__name__ == "casadi" else name, None)
        if found is not None:
            table[name] = found
    exp = table["exp"]
    table["sigmoid"] = lambda z: 1 / (1 + exp(-z))
    return table


def convert(expr: symdiff.Expr, table: dict[str, Callable[..., Any]],
            symbol: Callable[[symdiff.Symbol], Any]) -> Any:
    """The same DAG in a peer's expression type, node by node (shared nodes stay shared)."""
    return rebuild(expr, symbol, function=lambda op: table[op.name])


def walker(expr: symdiff.Expr, args: Sequence[symdiff.Symbol],
           table: dict[str, Callable[..., Any]]) -> Callable[..., Any]:
    """A Python function of ``args`` that walks the DAG calling ``table``'s primitives."""
    order = toposort((expr,))
    steps = []
    for node in order:
        if node.op.name == "symbol":
            steps.append((0, list(args).index(node), ()))
        elif node.op.name == "const":
            steps.append((1, float(node.value), ()))
        else:
            steps.append((2, table[node.op.name], tuple(order.index(a) for a in node.args)))

    def run(*values: Any) -> Any:
        out: list[Any] = []
        for kind, what, operands in steps:
            if kind == 0:
                out.append(values[what])
            elif kind == 1:
                out.append(what)
            else:
                out.append(what(*(out[i] for i in operands)))
        return out[-1]

    return run


def floats(result: Any) -> list[float]:
    """Any tool's gradient as a flat list of floats (outside the timing)."""
    if hasattr(result, "full"):  # CasADi DM
        result = result.full()
    return [float(v) for v in np.ravel(np.asarray(result, dtype=float))]


def tree_size(roots: Sequence[Any]) -> int:
    """Nodes of SymPy expressions written out as trees (dynamic programming over the DAG)."""
    size: dict[int, int] = {}
    for root in roots:
        stack = [(root, False)]
        while stack:
            node, ready = stack.pop()
            if id(node) in size:
                continue
            if ready:
                size[id(node)] = 1 + sum(size[id(a)] for a in node.args)
            else:
                stack.append((node, True))
                stack.extend((a, False) for a in node.args)
    return sum(size[id(r)] for r in roots)


# --- one workload ----------------------------------------------------------------------------


def measure(case: Case, peers: dict[str, Any], quick: bool, sympy_budget: float,
            sympy_state: dict[str, bool]) -> tuple[list[Row], float]:
    rows: list[Row] = []
    point = list(case.point)
    gradient = symdiff.grad(case.expr, case.wrt)
    reference_function = symdiff.lambdify(case.args, gradient)
    reference = floats(reference_function(*point))

    entries: list[tuple[Row, Callable[..., Any], Sequence[Any]]] = []

    def add(tool: str, function: Callable[..., Any] | None, args: Sequence[Any],
            note: str = "", check: bool = True) -> Row:
        row = Row(case.name, tool, note=note)
        rows.append(row)
        if function is None:
            return row
        try:
            if check:
                got = floats(function(*args))
                row.err = max(abs(a - b) / max(1.0, abs(b))
                              for a, b in zip(got, reference, strict=True))
            _calibrate(function, args, 0.0)
        except Exception as exc:  # a peer failing is a result, not a crash
            row.note = f"failed: {type(exc).__name__}: {exc}"[:120]
        else:
            entries.append((row, function, args))
        return row

    add("symdiff math", reference_function, point)
    add("symdiff math value_and_grad",
        symdiff.value_and_grad(case.expr, case.wrt, case.args), point, check=False)
    function_only = symdiff.lambdify(case.args, case.expr)
    add("symdiff math f only", function_only, point, check=False)
    add("symdiff numba", symdiff.lambdify(case.args, gradient, backend="numba"), point)

    sympy = peers.get("sympy")
    if sympy is not None:
        if sympy_state.get(case.group + case.name.split()[1]):
            note = "skipped: a smaller size already overran the build budget"
            add("SymPy lambdify (cse)", None, point, note)
            add("SymPy lambdify", None, point, note)
        else:
            try:
                with deep_recursion(), budget(sympy_budget):
                    F = symdiff.to_sympy(case.expr)
                    A = [symdiff.to_sympy(a) for a in case.args]
                    G = [sympy.diff(F, symdiff.to_sympy(v)) for v in case.wrt]
                    modules = [{"sigmoid": FLOAT.sigmoid}, "math"]
                    with_cse = sympy.lambdify(A, G, modules=modules, cse=True)
            except (BudgetExceededError, RecursionError, symdiff.ConversionError) as exc:
                sympy_state[case.group + case.name.split()[1]] = True
                why = (f"building overran the {sympy_budget:g} s budget (SymPy's derivative "
                       "swells)" if isinstance(exc, BudgetExceededError) else "too deep for SymPy")
                add("SymPy lambdify (cse)", None, point, f"skipped: {why}")
                add("SymPy lambdify", None, point, f"skipped: {why}")
            else:
                add("SymPy lambdify (cse)", with_cse, point)
                size = tree_size(G)
                if size > 100_000:
                    add("SymPy lambdify", None, point,
                        f"skipped: the printed gradient has {size:.1e} tree nodes")
                else:
                    try:
                        with deep_recursion(), budget(sympy_budget):
                            plain = sympy.lambdify(A, G, modules=modules)
                    except Exception as exc:  # e.g. Python's limit on nested parentheses
                        add("SymPy lambdify", None, point,
                            f"failed: {type(exc).__name__}: {str(exc)[:60]}")
                    else:
                        add("SymPy lambdify", plain, point)

    symengine = peers.get("symengine")
    if symengine is not None:
        table = functions_of(symengine)
        F = convert(case.expr, table, lambda s: symengine.Symbol(s.name))
        A = [symengine.Symbol(a.name) for a in case.args]
        G = [symengine.diff(F, symengine.Symbol(v.name)) for v in case.wrt]
        add("SymEngine Lambdify (cse)", symengine.Lambdify(A, G, cse=True), [point])
        try:
            llvm = symengine.Lambdify(A, G, cse=True, backend="llvm")
        except Exception as exc:
            add("SymEngine Lambdify (cse, LLVM)", None, [point], f"no LLVM backend: {exc}")
        else:
            add("SymEngine Lambdify (cse, LLVM)", llvm, [point])

    casadi = peers.get("casadi")
    if casadi is not None:
        vector = casadi.SX.sym("v", len(case.args))
        index = {a: i for i, a in enumerate(case.args)}
        F = convert(case.expr, functions_of(casadi), lambda s: vector[index[s]])
        wrt = casadi.vertcat(*(vector[index[v]] for v in case.wrt))
        add("CasADi Function", casadi.Function("g", [vector], [casadi.gradient(F, wrt)]),
            [point])

    autograd = peers.get("autograd")
    if autograd is not None:
        import autograd.numpy as anp

        run = walker(case.expr, case.args, functions_of(anp))
        positions = [case.args.index(v) for v in case.wrt]
        gradient_of = autograd.grad(lambda values, run=run: run(*values))
        row = add("autograd.grad", gradient_of, [tuple(point)], check=False)
        if not row.note:
            got = gradient_of(tuple(point))
            row.err = max(abs(float(got[p]) - r) / max(1.0, abs(r))
                          for p, r in zip(positions, reference, strict=True))

    jax = peers.get("jax")
    if jax is not None:
        import jax.numpy as jnp

        run = walker(case.expr, case.args, functions_of(jnp))
        argnums = tuple(case.args.index(v) for v in case.wrt)
        add("jax.grad", jax.grad(run, argnums=argnums), point)
        add("jax.jit(jax.grad)", jax.jit(jax.grad(run, argnums=argnums)), point)

    time_rows(entries, quick)
    ratio = rows[0].seconds / rows[2].seconds if rows[0].seconds and rows[2].seconds else math.nan
    return rows, ratio


def measure_numpy(peers: dict[str, Any], quick: bool) -> list[Row]:
    """The NumPy backend on many points vs SymPy's NumPy lambdify and vectorised, jitted JAX."""
    size = 10_000 if quick else 1_000_000
    rng = np.random.default_rng(0)
    x = symdiff.Symbol("x")
    seed = workloads.seed_sigmoid()
    loads = [(f"W1 logistic map n=10, {size:.0e} points", workloads.logistic_map(10), (x,),
              (x,)), (f"W2 seed sigmoid, {size:.0e} points", seed.expr, seed.wrt, tuple(seed.at))]
    rows = []
    for name, expr, wrt, args in loads:
        arrays = [rng.uniform(0.1, 0.9, size) for _ in args]
        gradient = symdiff.grad(expr, wrt)
        ours = symdiff.lambdify(args, gradient, backend="numpy")
        reference = np.array(ours(*arrays))
        tools: list[tuple[str, Callable[..., Any] | None, list[Any], str]] = [
            ("symdiff numpy", ours, arrays, "")]
        sympy = peers.get("sympy")
        if sympy is not None:
            F = symdiff.to_sympy(expr)
            A = [symdiff.to_sympy(a) for a in args]
            G = [sympy.diff(F, symdiff.to_sympy(v)) for v in wrt]
            tools.append(("SymPy lambdify (numpy, cse)",
                          sympy.lambdify(A, G, modules="numpy", cse=True), arrays, ""))
        jax = peers.get("jax")
        if jax is not None:
            import jax.numpy as jnp

            run = walker(expr, args, functions_of(jnp))
            argnums = tuple(args.index(v) for v in wrt)
            batched = jax.jit(jax.vmap(jax.grad(run, argnums=argnums)))
            on_device = [jnp.asarray(a) for a in arrays]
            tools.append(("jax.jit(jax.vmap(jax.grad))",
                          lambda *a, f=batched, j=jax: j.block_until_ready(f(*a)),
                          on_device, ""))
        entries = []
        for tool, function, inputs, note in tools:
            got = np.array(function(*inputs), dtype=float)
            err = float(np.max(np.abs(got - reference) / np.maximum(1.0, np.abs(reference))))
            rows.append(Row(name, tool, None, err, note))
            entries.append((rows[-1], function, inputs))
        time_rows(entries, quick)
    return rows


# --- report ------------------------------------------------------------------------------------


def _time(seconds: float | None) -> str:
    return "—" if seconds is None else format_seconds(seconds)


def table(rows: list[Row], reference_tool: str) -> str:
    lines = ["| workload | tool | median per call | vs symdiff | err | note |",
             "|---|---|---|---|---|---|"]
    reference = {r.workload: r.seconds for r in rows if r.tool == reference_tool}
    for r in rows:
        base = reference.get(r.workload)
        ratio = f"{r.seconds / base:.2f}" if r.seconds and base else "—"
        err = f"{r.err:.1e}" if r.err is not None else ""
        lines.append(f"| {r.workload} | {r.tool} | {_time(r.seconds)} | {ratio} | {err} | "
                     f"{r.note} |")
    return "\n".join(lines)


def goals(rows: list[Row], ratios: dict[str, float], groups: dict[str, str]) -> str:
    by = {(r.workload, r.tool): r.seconds for r in rows}
    lines = []
    for workload, group in groups.items():
        ours = by.get((workload, "symdiff math"))
        sympy = by.get((workload, "SymPy lambdify (cse)"))
        need = 1.5 if group == "W3" else 2.0
        if ours and sympy:
            speedup = sympy / ours
            mark = "met" if speedup >= need else "MISSED"
            lines.append(f"- goal 1 ({group}, ≥ {need:g}× vs SymPy lambdify(cse)): {workload}: "
                         f"{speedup:.2f}× — {mark}")
        else:
            lines.append(f"- goal 1 ({group}): {workload}: SymPy has no time (see its note)")
        ratio = ratios[workload]
        lines.append(f"- goal 2 (gradient/function time ≤ 3): {workload}: {ratio:.2f} — "
                     f"{'met' if ratio <= 3 else 'MISSED'}")
        timed = [(s, tool) for (w, tool), s in by.items() if w == workload and s
                 and tool not in ("symdiff math f only", "symdiff math value_and_grad")]
        fastest = min(timed)[1] if timed else "?"
        lines.append(f"- goal 3 (numba fastest of all): {workload}: fastest is {fastest} — "
                     f"{'met' if fastest == 'symdiff numba' else 'MISSED'}")
    return "\n".join(lines)


def count_operations(source: str) -> dict[str, int]:
    """Operations in the generated function (the largest ``def`` of ``source``, not its
    helpers): arithmetic (``+ - * / **``, a minus that is not part of a number) and calls
    (``exp``, symdiff's ``_sigmoid``), by kind and in total."""
    counts: dict[str, int] = {}
    defs = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef)]
    body = max(defs, key=lambda d: len(d.body))
    for node in ast.walk(body):
        if isinstance(node, ast.BinOp):
            kind = type(node.op).__name__
        elif isinstance(node, ast.UnaryOp) and not isinstance(node.operand, ast.Constant):
            kind = "neg"
        elif isinstance(node, ast.Call):
            func = node.func
            kind = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "call")
        else:
            continue
        counts[kind] = counts.get(kind, 0) + 1
    counts["total"] = sum(counts.values())
    return counts


def w3_focus(rounds: int, quick: bool) -> str:
    """Issue 15 item 5b: symdiff's compiled W3 gradient (``math``) against SymPy's
    ``lambdify(cse=True)``, in alternating rounds (each a calibrated batch of calls, ≥ 0.1 s),
    the median of the per-round ratios, and both functions' operation counts."""
    import sympy

    loss = workloads.network_loss(hidden=2, points=3) if quick else workloads.network_loss()
    point = [loss.at[a] for a in loss.wrt]
    ours = symdiff.lambdify(loss.wrt, symdiff.grad(loss.expr, loss.wrt))
    F = symdiff.to_sympy(loss.expr)
    A = [symdiff.to_sympy(a) for a in loss.wrt]
    theirs = sympy.lambdify(A, [sympy.diff(F, a) for a in A],
                            modules=[{"sigmoid": FLOAT.sigmoid}, "math"], cse=True)
    ref = floats(ours(*point))
    err = max(abs(a - b) / max(1.0, abs(b)) for a, b in zip(floats(theirs(*point)), ref,
                                                            strict=True))
    target = 0.005 if quick else 0.1
    numbers = [_calibrate(f, point, target) for f in (ours, theirs)]
    times: list[list[float]] = [[], []]
    for r in range(rounds):
        for k in ((0, 1) if r % 2 == 0 else (1, 0)):
            times[k].append(_run((ours, theirs)[k], point, numbers[k]) / numbers[k])
    ratios = sorted(t / o for o, t in zip(times[0], times[1], strict=True))
    counts = [count_operations(ours.source), count_operations(inspect.getsource(theirs))]
    kinds = sorted({k for c in counts for k in c if k != "total"})
    lines = [f"{loss.name}: {rounds} alternating rounds, SymPy/symdiff per call = "
             f"**{statistics.median(ratios):.2f}×** (range {ratios[0]:.2f}–{ratios[-1]:.2f}); "
             f"largest difference between the two gradients {err:.1e}", "",
             "| tool | median per call | operations | " + " | ".join(kinds) + " |",
             "|---|---|---|" + "---|" * len(kinds)]
    for tool, t, c in zip(("symdiff math", "SymPy lambdify (cse)"), times, counts,
                          strict=True):
        lines.append(f"| {tool} | {_time(statistics.median(t))} | {c['total']} | "
                     + " | ".join(str(c.get(k, 0)) for k in kinds) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, short timings")
    parser.add_argument("--budget", type=float, default=None,
                        help="seconds SymPy may take to build one gradient (default 60; 10 "
                             "with --quick)")
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument("--w3", type=int, metavar="ROUNDS",
                        help="only W3's gradient, symdiff math against SymPy lambdify(cse), "
                             "in alternating rounds, with both operation counts")
    options = parser.parse_args(argv)
    if options.w3:
        print(w3_focus(options.w3, options.quick))
        return 0
    sympy_budget = options.budget or (10.0 if options.quick else 60.0)
    os.environ.setdefault("SYMDIFF_CACHE", os.path.join(tempfile.gettempdir(),
                                                        "symdiff-bench-cache"))
    peers = {name: load_peer(name) for name in ("sympy", "symengine", "casadi", "autograd",
                                                 "jax")}
    if peers["jax"] is not None:
        peers["jax"].config.update("jax_enable_x64", True)
    print(f"# bench_codegen: Python {platform.python_version()}, numpy {np.__version__}, "
          f"{os.cpu_count()} CPUs{' (--quick)' if options.quick else ''}\n")
    rows: list[Row] = []
    ratios: dict[str, float] = {}
    groups: dict[str, str] = {}
    sympy_state: dict[str, bool] = {}
    for case in cases(options.quick):
        found, ratio = measure(case, peers, options.quick, sympy_budget, sympy_state)
        rows.extend(found)
        ratios[case.name] = ratio
        groups[case.name] = case.group
        print(table(found, "symdiff math"), "\n", flush=True)
    print("## Per call at a point, all workloads\n")
    print(table(rows, "symdiff math"))
    print("\n## symdiff's gradient/function time ratio (math backend)\n")
    for name, ratio in ratios.items():
        print(f"- {name}: {ratio:.2f}")
    print("\n## NumPy backend on many points\n")
    vectorized = measure_numpy(peers, options.quick)
    print(table(vectorized, "symdiff numpy"))
    print("\n## Goals\n")
    print(goals(rows, ratios, groups))
    if options.json:
        with open(options.json, "w", encoding="utf-8") as out:
            json.dump([asdict(r) for r in rows + vectorized], out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
