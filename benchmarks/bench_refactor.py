"""Before/after timing of a refactor: the same workloads on two checkouts of symdiff, in one run.

    python benchmarks/bench_refactor.py --before /path/to/old/checkout [--rounds 7]

Each round runs every workload once in a fresh subprocess per checkout (``PYTHONPATH`` set to
that checkout), alternating which goes first, so both see the same machine load; each child
makes one untimed call of its workload (imports, first-use caches), runs the garbage collector
once (so that both start from the same collector state, not from whatever the imports left),
forgets any lowering ``lower`` keeps for a live expression (so that each timed call builds
from scratch, as the old code did), then times the workload several times with the
collector on, as users run it (CPU time of the
process, which other processes on a shared machine disturb less than wall-clock time) and
reports the median. The table gives the median over
rounds of both and the ratio after/before (below 1.05 is "within 5 %"). The workloads are
the ones the IR redesign promised not to slow down: ``diff`` of the logistic map at n = 10⁴,
``grad`` of the network loss W3, ``cse`` of a large derivative, and ``lambdify``'s compile and
per-call times on W1–W4.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Each workload: (name, set-up code, timed statement, repeats inside the child).
WORKLOADS = [
    ("diff W1 logistic n=1e4", "x = s.Symbol('x'); f = s.workloads.logistic_map(10_000)",
     "s.diff(f, x)", 5),
    ("grad W3 network loss", "w = s.workloads.network_loss(); f, v = w.expr, w.wrt",
     "s.grad(f, v)", 15),
    ("cse of dl/dx, n=1e4", "x = s.Symbol('x'); d = s.diff(s.workloads.logistic_map(10_000), x)",
     "s.cse(d)", 5),
    ("evaluate W3 loss", "w = s.workloads.network_loss(); f, at = w.expr, w.at",
     "f.evaluate(at)", 15),
]
_CASES = {
    "W1": "x = s.Symbol('x'); f, v, a = s.workloads.logistic_map(10), (x,), (x,); p = (0.3,)",
    "W2": "w = s.workloads.seed_sigmoid(); f, v = w.expr, w.wrt; a = tuple(w.at); "
          "p = tuple(w.at[k] for k in a)",
    "W3": "w = s.workloads.network_loss(); f, v, a = w.expr, w.wrt, w.wrt; "
          "p = tuple(w.at[k] for k in a)",
    "W4": "x = s.Symbol('x'); f, v, a = s.workloads.nested_sin(300), (x,), (x,); p = (0.3,)",
}
for _name, _setup in _CASES.items():
    WORKLOADS.append((f"lambdify compile {_name}", _setup,
                      "s.value_and_grad(f, v, args=a)", 21 if _name in ("W1", "W2") else 5))
    WORKLOADS.append((f"per call {_name}", _setup + "; g = s.value_and_grad(f, v, args=a)",
                      "g(*p)", 2001))

CHILD = r"""
import gc, json, statistics, sys, time
import symdiff as s
{setup}
{statement}  # one untimed call: imports, first-use caches
gc.collect()  # both checkouts start timing from the same collector state
# Since issue 15, lower() reuses the lowering of an expression that is still alive: forget it
# before each repeat, so that every timed call builds from scratch as the old code did.
forget = getattr(sys.modules.get("symdiff._program"), "forget_lowerings", lambda: None)
times = []
for _ in range({repeats}):
    forget()
    start = time.process_time()
    {statement}
    times.append(time.process_time() - start)
print(json.dumps(statistics.median(times)))
"""


def run_child(checkout: Path, setup: str, statement: str, repeats: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    code = CHILD.format(setup=setup, statement=statement, repeats=repeats)
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=checkout,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{checkout}: {statement}: {done.stderr.strip().splitlines()[-1]}")
    return float(json.loads(done.stdout))


def fmt(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds:.3g} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="checkout of the old code")
    parser.add_argument("--after", type=Path, default=ROOT, help="checkout of the new code")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--only", default="", help="run only workloads containing this text")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    rows = []
    for name, setup, statement, repeats in WORKLOADS:
        if args.only not in name:
            continue
        before: list[float] = []
        after: list[float] = []
        for r in range(args.rounds):
            pair = [(args.before, before), (args.after, after)]
            for checkout, into in pair if r % 2 == 0 else reversed(pair):
                into.append(run_child(checkout, setup, statement, repeats))
        b, a = statistics.median(before), statistics.median(after)
        rows.append({"workload": name, "before": b, "after": a, "ratio": a / b})
        print(f"| {name} | {fmt(b)} | {fmt(a)} | {a / b:.2f} |", flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    print("| workload | before | after | after/before |\n|---|---|---|---|", flush=True)
    raise SystemExit(main())
