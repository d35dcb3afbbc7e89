"""Build time of derivatives, one checkout against another (issue 15).

Each contender is a source checkout (a directory holding ``symdiff/``) and a collector mode
(``--gc off``: collector off during a build, as ``timeit``; ``on``: as users run it). Times
are the process's CPU time by default (``--clock wall`` for elapsed time). Rounds
are interleaved (A B, B A, A B …), each round a fresh process per contender that times
``--repeats`` builds of each workload and reports their median; the table gives the median
over rounds and the ratio to the first contender. A build is the function, its derivative
and dropping both: freeing is part of a build's cost, including the intern table's removal
of the freed nodes' entries (done as each node dies before issue 15, in batches since: the
timed region ends with a sweep).

    python benchmarks/bench_build.py /path/to/baseline .            # baseline vs this tree
    python benchmarks/bench_build.py . --gc both                     # collector off vs on
    python benchmarks/bench_build.py . --quick                       # smoke test
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

CHILD = r'''
import gc, json, statistics, sys, time
import symdiff
try:
    from symdiff.studies import workloads as W
except ImportError:  # checkouts from before the package layout
    from symdiff import workloads as W

try:  # the intern table drops freed nodes' entries in batches: count that work too
    from symdiff._intern import sweep
except ImportError:  # checkouts whose table drops each entry as its node dies
    def sweep():
        pass

gc_on, repeats, scale = sys.argv[1] == "on", int(sys.argv[2]), float(sys.argv[3])
clock = time.process_time if sys.argv[4] == "cpu" else time.perf_counter
x = symdiff.Symbol("x")
n1, n4 = max(2, int(10_000 * scale)), max(2, int(10_000 * scale))


def w1():
    return symdiff.diff(W.logistic_map(n1), x)


def w3():
    w = W.network_loss()
    return symdiff.grad(w.expr, w.wrt)


def w4():
    return symdiff.grad(W.nested_sin(n4), [x])


out = {}
for name, build in ((f"W1 diff n={n1}", w1), ("W3 grad", w3), (f"W4 grad d={n4}", w4)):
    times = []
    for _ in range(repeats):
        gc.collect()
        if not gc_on:
            gc.disable()
        start = clock()
        result = build()
        del result
        sweep()
        times.append(clock() - start)
        gc.enable()
    out[name] = statistics.median(times)
print(json.dumps(out))
'''


def run_child(path: str, gc_mode: str, repeats: int, scale: float, clock: str
              ) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": path, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-c", CHILD, gc_mode, str(repeats), str(scale), clock],
                          env=env, capture_output=True, text=True, cwd=path, check=False)
    if done.returncode:
        raise SystemExit(f"{path}: {done.stderr[-2000:]}")
    return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+", help="checkouts to compare (the first is the base)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--gc", choices=["on", "off", "both"], default="off")
    parser.add_argument("--clock", choices=["cpu", "wall"], default="cpu",
                        help="cpu: the process's CPU time (the default: the machine is shared, "
                             "and time spent descheduled is not the build's); wall: elapsed")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one round")
    args = parser.parse_args(argv)
    scale = 0.01 if args.quick else 1.0
    rounds = 1 if args.quick else args.rounds
    modes = ["off", "on"] if args.gc == "both" else [args.gc]
    contenders = [(str(Path(p).resolve()), m) for p in args.paths for m in modes]
    results: dict[tuple[str, str], list[dict[str, float]]] = {c: [] for c in contenders}
    for r in range(rounds):
        for c in contenders if r % 2 == 0 else contenders[::-1]:
            results[c].append(run_child(c[0], c[1], args.repeats, scale, args.clock))
    base = contenders[0]
    names = list(results[base][0])
    print(f"{rounds} interleaved rounds x {args.repeats} builds, {args.clock} time; median of "
          f"round medians, ratio to the first row; load average {os.getloadavg()[0]:.2f}")
    print("| checkout | gc | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for c in contenders:
        cells = []
        for n in names:
            median = statistics.median(row[n] for row in results[c])
            ref = statistics.median(row[n] for row in results[base])
            cells.append(f"{median * 1e3:.1f} ms ({median / ref:.3f}x)")
        print(f"| {c[0]} | {c[1]} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
