"""CSE and size counting: ``symdiff.cse`` vs ``sympy.cse`` on the same derivatives (issue 3).

Run from the repository root::

    python benchmarks/bench_cse.py            # logistic map n = 8..14 and the network loss
    python benchmarks/bench_cse.py --quick    # n = 8..9 and a small network (the smoke test)

The expressions are symdiff's derivatives: dlₙ/dx of the logistic map (n = 8..14) and the
gradient of the network loss W3 (31 partial derivatives, one program). SymPy gets the very same
expressions, converted node by node with ``symdiff.to_sympy`` before any timing (SymPy applies
its automatic simplifications while building, so its tree differs a little from ours; both
sizes are shown).

Timed, each as the median of several repeats with the garbage collector off:

* ``symdiff.cse(d)`` vs ``sympy.cse(D)``. SymPy's global cache is cleared before every repeat
  (``sympy.core.cache.clear_cache()``, untimed), so no repeat reuses the previous one's work.
  symdiff keeps no cache: its memo tables live for one call.
* Counting: ``symdiff.tree_size`` and ``dag_size`` vs counting SymPy's tree with
  ``preorder_traversal`` and ``sympy.count_ops``.

Program size is measured the same way for both (``symdiff.measure.program_size`` and
``sympy_cse``): assignments, operations (``count_ops`` of every right-hand side and output for
SymPy; distinct operations for symdiff) and the nodes of all right-hand sides written as trees.
The goal: symdiff's CSE ≥ 1,000× faster than ``sympy.cse`` on expressions of 10,000+ tree
nodes, with a program no larger than SymPy's.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import symdiff
from symdiff import workloads
from symdiff._measure import dag_size, program_size, sympy_cse, tree_size


@dataclass
class Case:
    name: str
    exprs: tuple[symdiff.Expr, ...]


@dataclass
class Row:
    case: str
    tree: int
    dag: int
    sympy_tree: int | None = None
    cse_seconds: float = 0.0
    sympy_cse_seconds: float | None = None
    ops: int = 0
    assignments: int = 0
    nodes: int = 0
    sympy_ops: int | None = None
    sympy_assignments: int | None = None
    sympy_nodes: int | None = None
    count_seconds: float = 0.0        # tree_size + dag_size
    sympy_count_seconds: float | None = None  # preorder_traversal + count_ops

    @property
    def cse_ratio(self) -> float | None:
        if self.sympy_cse_seconds is None or not self.cse_seconds:
            return None
        return self.sympy_cse_seconds / self.cse_seconds

    @property
    def count_ratio(self) -> float | None:
        if self.sympy_count_seconds is None or not self.count_seconds:
            return None
        return self.sympy_count_seconds / self.count_seconds


def median_seconds(fn: Callable[[], Any], repeats: int, *, before: Callable[[], None] | None =
                   None, min_time: float = 0.02) -> float:
    """Median seconds per call of ``fn`` over ``repeats`` repeats. A repeat calls ``fn`` in a
    loop calibrated to last ``min_time`` (fast calls), unless ``before`` must run before every
    call (then one call per repeat, ``before`` untimed)."""
    loops = 1
    if before is None:
        while True:
            start = time.perf_counter()
            for _ in range(loops):
                fn()
            if time.perf_counter() - start >= min_time or loops >= 1 << 20:
                break
            loops *= 2
    times = []
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeats):
            if before is not None:
                before()
            start = time.perf_counter()
            for _ in range(loops):
                fn()
            times.append((time.perf_counter() - start) / loops)
    finally:
        if enabled:
            gc.enable()
    return statistics.median(times)


def cases(quick: bool) -> list[Case]:
    x = symdiff.Symbol("x")
    ns = range(8, 10) if quick else range(8, 15)
    out = [Case(f"W1 logistic dl/dx, n = {n}", (symdiff.diff(workloads.logistic_map(n), x),))
           for n in ns]
    loss = workloads.network_loss(hidden=2, points=5) if quick else workloads.network_loss()
    out.append(Case(f"W3 network loss gradient ({len(loss.wrt)} outputs)",
                    symdiff.grad(loss.expr, loss.wrt)))
    return out


def measure(case: Case, repeats: int, sympy: Any) -> Row:
    exprs = case.exprs
    size = program_size(exprs)
    row = Row(case.name, tree_size(exprs), dag_size(exprs), ops=size.operations,
              assignments=size.assignments, nodes=size.nodes)
    row.cse_seconds = median_seconds(lambda: symdiff.cse(exprs), repeats)
    row.count_seconds = median_seconds(lambda: (tree_size(exprs), dag_size(exprs)), repeats)
    if sympy is None:
        return row
    from sympy.core.cache import clear_cache

    converted = list(symdiff.to_sympy(exprs))
    theirs = sympy_cse(converted)
    row.sympy_ops, row.sympy_assignments = theirs.operations, theirs.assignments
    row.sympy_nodes = theirs.nodes
    row.sympy_tree = sum(sum(1 for _ in sympy.preorder_traversal(e)) for e in converted)
    row.sympy_cse_seconds = median_seconds(lambda: sympy.cse(converted), max(3, repeats // 2),
                                           before=clear_cache)

    def count() -> None:
        sum(sum(1 for _ in sympy.preorder_traversal(e)) for e in converted)
        sympy.count_ops(converted)

    row.sympy_count_seconds = median_seconds(count, max(3, repeats // 2), before=clear_cache)
    return row


def fmt(value: float | int | None, spec: str = ".3g") -> str:
    if value is None:
        return "—"
    return format(value, ",") if isinstance(value, int) else format(value, spec)


def duration(seconds: float | None) -> str:
    """3 significant digits in s, ms or µs."""
    if seconds is None:
        return "—"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale or unit == "µs":
            return f"{seconds / scale:.3g} {unit}"
    raise AssertionError  # unreachable


def report(rows: Sequence[Row]) -> str:
    lines = [
        "| expression | tree nodes (symdiff / SymPy) | DAG | symdiff.cse | sympy.cse | ratio |"
        " program ops (symdiff / SymPy) | assignments | program nodes |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.case} | {r.tree:,} / {fmt(r.sympy_tree)} | {r.dag:,} "
            f"| {duration(r.cse_seconds)} | {duration(r.sympy_cse_seconds)} "
            f"| {fmt(r.cse_ratio, ',.0f')}× | {r.ops:,} / {fmt(r.sympy_ops)} "
            f"| {r.assignments:,} / {fmt(r.sympy_assignments)} | {r.nodes:,} / "
            f"{fmt(r.sympy_nodes)} |")
    lines += [
        "",
        "| expression | tree_size + dag_size | preorder_traversal + count_ops | ratio |",
        "|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r.case} | {duration(r.count_seconds)} "
                     f"| {duration(r.sympy_count_seconds)} | {fmt(r.count_ratio, ',.0f')}× |")
    return "\n".join(lines)


def goals(rows: Sequence[Row]) -> list[str]:
    big = [r for r in rows if r.tree >= 10_000 and r.cse_ratio is not None]
    if not big:
        return ["(no expression of 10,000+ tree nodes was compared with SymPy)"]
    fast = [r for r in big if r.cse_ratio >= 1000]
    small = [r for r in big if r.sympy_ops is not None and r.ops <= r.sympy_ops]
    worst = min(big, key=lambda r: r.cse_ratio)
    return [
        f"1. symdiff.cse ≥ 1,000× faster than sympy.cse on 10,000+ tree nodes: "
        f"{len(fast)} of {len(big)} expressions (smallest ratio {worst.cse_ratio:,.0f}×, "
        f"{worst.case}) — {'MET' if len(fast) == len(big) else 'NOT MET'}",
        f"2. symdiff's program no larger than SymPy's (operations): {len(small)} of {len(big)}"
        f" — {'MET' if len(small) == len(big) else 'NOT MET'}",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    parser.add_argument("--repeats", type=int, default=9, help="repeats per median")
    parser.add_argument("--json", metavar="PATH", help="also write the rows as JSON")
    args = parser.parse_args(argv)
    try:
        import sympy
    except ImportError:
        print("[sympy is not installed: its columns are skipped]")
        sympy = None
    repeats = 3 if args.quick else args.repeats
    print(f"# bench_cse: Python {platform.python_version()}, symdiff {symdiff.__version__}, "
          f"SymPy {sympy.__version__ if sympy else '—'}; medians of {repeats} repeats")
    rows = []
    for case in cases(args.quick):
        rows.append(measure(case, repeats, sympy))
        print(f"  measured {case.name}", file=sys.stderr, flush=True)
    print()
    print(report(rows))
    print()
    print("\n".join(goals(rows)))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump([{**asdict(r), "cse_ratio": r.cse_ratio, "count_ratio": r.count_ratio}
                       for r in rows], out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
