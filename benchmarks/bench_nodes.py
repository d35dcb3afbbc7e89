"""Issue 15 item 4: what a node costs — the Hessian against CasADi, and the pure-Python floor.

Run from the repository root::

    python benchmarks/bench_nodes.py hessian --rounds 9   # W3 Hessian: symdiff vs CasADi SX
    python benchmarks/bench_nodes.py floor --rounds 9     # the cost of one new node, step by step
    python benchmarks/bench_nodes.py floor --quick        # small sizes (the smoke test)

**hessian** builds the Hessian of the network loss W3 (31 parameters) in the expanded form
1/(1 + exp(−z)) that CasADi can build too (symdiff also on its sigmoid form), in alternating
rounds, one build per tool per round, the collector off during a build (as ``timeit``).
symdiff's lowering of the function is forgotten and each result released (and checked
dead) before the next round, so every build is from scratch. Nodes: symdiff's ``dag_size`` of
the whole matrix; CasADi's ``Function.n_nodes()`` of the matrix as a function.

**floor** times making n new nodes ``x_k * y`` (distinct keys), one step of the constructor
more in each row: the key tuple alone; with the intern table's look-up (a miss); with the
slotted object; with its weak reference and the table's insert (the whole of ``make_node``,
inlined); the ``make_node`` call; the public ``mul`` (its folding checks). Then what a pass pays
per node it builds (``grad`` of the nested sine, W4, whose gradient has 2 new nodes per
sine), and CasADi's time per node for the same gradient (``casadi.gradient``: C++) and for
building its function node by node from Python. Rounds alternate, times are medians of
rounds, per new node.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from _peers import load_peer  # benchmarks/_peers.py: scripts run from this folder
from bench_diff import EXPANDED, Budget, FreshGraphs, convert, time_builds

import symdiff
from symdiff import workloads
from symdiff._expr import mul
from symdiff._intern import DEAD, ON_DEATH, SWEEP_BATCH, TABLE, InternRef, settle, sweep
from symdiff._nodes import Expr, make_node
from symdiff._ops import MUL
from symdiff._program import forget_lowerings
from symdiff._traversal import toposort
from symdiff._util import format_seconds


def _median_ratio(a: Sequence[float], b: Sequence[float]) -> float:
    return statistics.median(y / x for x, y in zip(a, b, strict=True))


def hessian(rounds: int, quick: bool) -> str:
    casadi = load_peer("casadi")
    size = {"hidden": 2, "points": 4} if quick else {}
    lines = ["| form | tool | median build | Hessian nodes | f nodes | tool / symdiff "
             "(median of rounds) |", "|---|---|---|---|---|---|"]
    for form, expanded in (("sigmoid", False), (EXPANDED, True)):
        w = workloads.network_loss(**size, expanded=expanded)
        f, wrt = w.expr, w.wrt
        fresh = FreshGraphs(f)
        one = Budget(1, 1, 0.0)

        def ours(f: Expr = f, wrt: tuple[Any, ...] = wrt) -> Any:
            return symdiff.hessian(f, wrt)

        tools: dict[str, Callable[[], Any]] = {"symdiff": ours}
        if casadi is not None and expanded:
            names: dict[str, Any] = {}
            F = convert(f, casadi, lambda n, names=names: names.setdefault(n, casadi.SX.sym(n)))
            x = casadi.vertcat(*(names[v.name] for v in wrt))
            tools["CasADi SX"] = lambda F=F, x=x: casadi.hessian(F, x)[0]
        times: dict[str, list[float]] = {t: [] for t in tools}
        nodes: dict[str, int] = {}
        for r in range(rounds + 1):  # round 0 is untimed: first-use costs
            for tool in (list(tools) if r % 2 else list(tools)[::-1]):
                if tool == "symdiff":
                    seconds, _, result = time_builds(ours, one, before=forget_lowerings)
                    nodes[tool] = symdiff.dag_size([e for row in result for e in row])
                    refs = fresh.watch([e for row in result for e in row])
                    result = None
                    FreshGraphs.verify(refs)
                else:
                    seconds, _, result = time_builds(tools[tool], one)
                    nodes[tool] = casadi.Function("h", [x], [result]).n_nodes()
                if r:
                    times[tool].append(seconds)
        f_nodes = symdiff.dag_size(f)
        for tool, t in times.items():
            ratio = "ref" if tool == "symdiff" else f"{_median_ratio(times['symdiff'], t):.3f}"
            lines.append(f"| {form} | {tool} | {format_seconds(statistics.median(t))} | "
                         f"{nodes[tool]:,} | {f_nodes:,} | {ratio} |")
    return "\n".join(lines)


# --- the floor -----------------------------------------------------------------------------

def _steps(xs: list[Expr], y: Expr) -> dict[str, Callable[[], list[Any]]]:
    """Each step of making the nodes ``x * y`` for ``x`` in ``xs``, cumulatively."""
    yref = y._ref

    def key() -> list[Any]:
        return [(MUL, x._ref, yref) for x in xs]

    def lookup() -> list[Any]:
        get = TABLE.get
        return [get((MUL, x._ref, yref)) for x in xs]

    def obj() -> list[Any]:
        get, new = TABLE.get, object.__new__
        out = []
        for x in xs:
            k = (MUL, x._ref, yref)
            get(k)
            node = new(Expr)
            node.op, node.args = MUL, (x, y)
            out.append(node)
        return out

    def register() -> list[Any]:  # make_node, inlined
        get, new, setdefault = TABLE.get, object.__new__, TABLE.setdefault
        out = []
        for x in xs:
            k = (MUL, x._ref, yref)
            get(k)
            node = new(Expr)
            node.op, node.args = MUL, (x, y)
            node._ref = ref = InternRef(node, ON_DEATH)
            ref.key = k
            found = setdefault(k, ref)
            if found is not ref or len(DEAD) > SWEEP_BATCH:
                node = settle(k, node, ref, found)
            out.append(node)
        return out

    def make() -> list[Any]:
        return [make_node(MUL, (x, y)) for x in xs]

    def public() -> list[Any]:
        return [mul(x, y) for x in xs]

    return {"key tuple": key, "+ table look-up (miss)": lookup,
            "+ slotted object": obj, "+ weak reference and insert (= make_node inlined)": register,
            "make_node(op, args) call": make, "mul(a, b) (folding checks)": public}


def _timed(build: Callable[[], Any]) -> float:
    """Seconds of one ``build()``, its result then freed and the table swept (untimed)."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        result = build()
        seconds = time.perf_counter() - start
        del result
        sweep()
    finally:
        gc.enable()
    return seconds


def floor(rounds: int, quick: bool) -> str:
    n = 2_000 if quick else 50_000
    depth = 200 if quick else 10_000
    xs = list(symdiff.symbols(f"floor_x0:{n}"))
    y = symdiff.Symbol("floor_y")
    x = symdiff.Symbol("x")
    chain = workloads.nested_sin(depth)
    steps = _steps(xs, y)
    per: dict[str, tuple[int, Callable[[], Any]]] = {name: (n, fn) for name, fn in
                                                     steps.items()}
    # The nodes a gradient build makes: those of the gradient that the function lacks.
    new_nodes = len(set(toposort(list(symdiff.grad(chain, [x])))) - set(toposort([chain])))

    def grad_pass() -> Any:
        forget_lowerings()
        return symdiff.grad(chain, [x])

    per[f"grad of W4 (nested sin, depth {depth}), per new node"] = (new_nodes, grad_pass)
    casadi = load_peer("casadi")
    casadi_nodes = 0
    if casadi is not None:
        cx = casadi.SX.sym("x")
        cf = convert(chain, casadi, lambda _: cx)
        cg = casadi.gradient(cf, cx)
        casadi_nodes = (casadi.Function("g", [cx], [cg]).n_nodes()
                        - casadi.Function("f", [cx], [cf]).n_nodes())
        per["CasADi gradient (C++), per new node"] = (
            casadi_nodes, lambda: casadi.gradient(cf, cx))

        def casadi_build() -> Any:
            t = cx
            for _ in range(depth):
                t = casadi.sin(t)
            return t

        per["CasADi SX built from Python (sin per node)"] = (depth, casadi_build)
    times: dict[str, list[float]] = {name: [] for name in per}
    for r in range(rounds + 1):  # round 0 untimed
        for name in (list(per) if r % 2 else list(per)[::-1]):
            count, build = per[name]
            seconds = _timed(build) / count
            if r:
                times[name].append(seconds)
    base = times["mul(a, b) (folding checks)"]
    lines = [f"n = {n:,} new nodes per row (W4: {new_nodes:,} new nodes; CasADi's gradient "
             f"{casadi_nodes:,}); {rounds} alternating rounds, medians per node",
             "", "| step | per node | row / mul(a, b) (median of rounds) |", "|---|---|---|"]
    for name, t in times.items():
        lines.append(f"| {name} | {format_seconds(statistics.median(t))} | "
                     f"{_median_ratio(base, t):.3f} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["hessian", "floor"])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    args = parser.parse_args(argv)
    print((hessian if args.what == "hessian" else floor)(max(1, args.rounds), args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())
