"""What the math backend's ``try`` costs per call: the same compiled function with and without.

    python benchmarks/bench_recover.py [--rounds 21] [--calls 20000]

The math backend's generated body runs inside one ``try`` whose ``except`` hands a failing
point to symdiff's evaluator (docs/reliability.md, "Numbers: overflow, nan and inf"). This
compiles ``value_and_grad`` of W1 (logistic map, n = 10) and W3 (the network loss) as
``lambdify`` does, and the same source without the ``try`` (the code before it), both bound
methods of a ``CompiledFunction``, in one process; each round times ``calls`` calls of each
(alternating which goes first) and the table gives the median per call over rounds and the
ratio with/without. (``benchmarks/bench_refactor.py --only "per call"`` compares two
checkouts end to end.)
"""

from __future__ import annotations

import argparse
import inspect
import statistics
import time
import types
from typing import Any

import symdiff as s
from symdiff.codegen import MATH, CompiledFunction, check_source


def without_try(f: Any) -> Any:
    """``f`` compiled again from its source as it was before the ``try``: the standalone
    source with the unused ``self`` back on the ``def`` line."""
    name = f.__func__.__name__
    source = f.source.replace(f"def {name}(", f"def {name}(self, ", 1)
    code = f.__func__.__code__
    params = code.co_varnames[1:code.co_argcount]  # the parameters after self
    function = MATH.compile(source, name, params, check_source)
    return types.MethodType(function, CompiledFunction((source, name, "math", f.args, params),
                                                       function))


def per_call(f: Any, point: tuple[float, ...], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        f(*point)
    return (time.perf_counter() - start) / calls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--calls", type=int, default=20_000)
    args = parser.parse_args()
    x = s.Symbol("x")
    w3 = s.workloads.network_loss()
    cases = {
        "W1 logistic n=10": (s.workloads.logistic_map(10), (x,), (0.3,)),
        "W3 network loss": (w3.expr, tuple(w3.wrt), tuple(w3.at[v] for v in w3.wrt)),
    }
    print("| value_and_grad per call | without try | with try | with/without |\n|---|---|---|---|")
    for label, (expr, wrt, point) in cases.items():
        with_try = s.value_and_grad(expr, list(wrt))
        plain = without_try(with_try)
        assert "try:" in inspect.getsource(with_try)
        assert "try:" not in inspect.getsource(plain) and plain(*point) == with_try(*point)
        times: dict[str, list[float]] = {"with": [], "without": []}
        pair: list[tuple[str, Any]] = [("with", with_try), ("without", plain)]
        for r in range(args.rounds):
            for key, f in pair if r % 2 == 0 else reversed(pair):
                times[key].append(per_call(f, point, args.calls))
        a, b = statistics.median(times["with"]), statistics.median(times["without"])
        print(f"| {label} | {b * 1e9:.0f} ns | {a * 1e9:.0f} ns | {a / b:.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
