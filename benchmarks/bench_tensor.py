"""The seed's network in matrix form: symdiff's generated NumPy gradient vs the peers (issue 11).

Run from the repository root::

    python benchmarks/bench_tensor.py             # H ∈ {10, 100, 1000}, N ∈ {10³, 10⁵}
    python benchmarks/bench_tensor.py --big       # also H = 1000, N = 10⁵ (GBs of temporaries)
    python benchmarks/bench_tensor.py --quick     # tiny sizes (the smoke test)
    python benchmarks/bench_tensor.py --sizes 100x1000 --scalarized-limit 100000
                                                  # one size, scalarized contender too

The workload: L = Σᵢ (b + cᵀσ(b0 + W xᵢ) − tᵢ)² over N points (D = 3), its value and gradient
with respect to (W, b0, c, b), per call, on arrays already in memory. Contenders:

* symdiff: ``value_and_grad(L, [W, b0, c, b], backend="numpy")`` on tensor expressions — the
  generated NumPy function (steps computed in place where an array it made is free), and the
  same program in the plain form (``symdiff.tensor.tensor_function(..., inplace=False)``:
  every step allocates);
* hand-written NumPy backprop (the floor; sigmoid as 1/(1 + exp(−z)));
* ``jax.jit(jax.value_and_grad(loss))`` on CPU in float64, arrays already on the device;
* HIPS ``autograd.value_and_grad``;
* the scalarized symdiff gradient (``scalarize`` → scalar ``grad`` → ``lambdify`` math
  backend), only where N·H ≤ ``--scalarized-limit`` (10⁴ by default: at H = 100, N = 10³,
  10⁵ elements, its build takes about 2 minutes and 4 GB).

BLAS runs single-threaded for everyone (the environment variables are set before NumPy loads).
Calls are interleaved (one round times every contender in turn, each for a calibrated number of
calls, ≥ 20 ms), each time is the median over the rounds, with the garbage collector off; "÷
backprop" is a contender's median over the hand-written backprop's. Build times (differentiating
and generating code) and the gradient's node count are reported too. Peers that are not
installed are skipped with a message.
"""

from __future__ import annotations

import os

# One BLAS thread for every contender: the machine's 2 cores are shared, and idle OpenBLAS
# threads spinning after a NumPy call starve JAX's dispatch thread (×20 on small sizes).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import gc  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from _peers import load_peer  # noqa: E402  (benchmarks/_peers.py: run from this folder)

import symdiff as sd  # noqa: E402
from symdiff.tensor import element_symbols  # noqa: E402

D = 3


def problem(H: int, N: int, seed: int = 0) -> tuple[Any, list[Any], dict[Any, Any]]:
    W, b0, c = sd.Tensor("W", (H, D)), sd.Tensor("b0", (H,)), sd.Tensor("c", (H,))
    b = sd.Symbol("b")
    X, t = sd.Tensor("X", (N, D)), sd.Tensor("t", (N,))
    L = sd.sum((b + sd.sigmoid(X @ W.T + b0) @ c - t) ** 2)
    rng = np.random.default_rng(seed)
    values = {W: rng.normal(size=(H, D)), b0: rng.normal(size=H), c: rng.normal(size=H) / H,
              b: 0.1, X: rng.normal(size=(N, D)), t: rng.normal(size=N)}
    return L, [W, b0, c, b, X, t], values


def backprop(W: Any, b0: Any, c: Any, b: Any, X: Any, t: Any) -> Any:
    S = 1.0 / (1.0 + np.exp(-(X @ W.T + b0)))
    r = b + S @ c - t
    g = 2.0 * r
    dZ = np.outer(g, c) * (S * (1.0 - S))
    return r @ r, (dZ.T @ X, dZ.sum(axis=0), S.T @ g, g.sum())


def contenders(L: Any, args: list[Any], values: dict[Any, Any], H: int, N: int,
               scalarized_limit: int = 10_000
               ) -> tuple[dict[str, Callable[[], Any]], dict[str, float], int]:
    params = args[:4]
    arrays = [values[a] for a in args]
    calls: dict[str, Callable[[], Any]] = {}
    builds: dict[str, float] = {}
    start = time.perf_counter()
    gradient = sd.grad(L, params)
    f = sd.value_and_grad(L, params, args=args, backend="numpy")
    builds["symdiff (NumPy)"] = time.perf_counter() - start
    nodes = sd.tensor.node_count([L, *gradient])
    calls["symdiff (NumPy)"] = lambda: f(*arrays)
    # The same program in the plain form (every step allocates): what the in-place steps save.
    plain = sd.tensor.tensor_function(args, [L, gradient], "numpy", name="value_and_grad",
                                      inplace=False)
    calls["symdiff (NumPy, plain form)"] = lambda: plain(*arrays)
    calls["hand-written backprop"] = lambda: backprop(*arrays)
    jax = load_peer("jax")
    if jax is not None:
        import jax.numpy as jnp

        def jloss(w: Any, bias0: Any, cc: Any, bb: Any, x: Any, tt: Any) -> Any:
            return jnp.sum((bb + jax.nn.sigmoid(x @ w.T + bias0) @ cc - tt) ** 2)

        start = time.perf_counter()
        jf = jax.jit(jax.value_and_grad(jloss, argnums=(0, 1, 2, 3)))
        device = [jnp.asarray(a, dtype=jnp.float64) for a in arrays]
        jax.block_until_ready(jf(*device))
        builds["jax.jit(value_and_grad)"] = time.perf_counter() - start
        calls["jax.jit(value_and_grad)"] = lambda: jax.block_until_ready(jf(*device))
    autograd = load_peer("autograd")
    if autograd is not None:
        import autograd.numpy as anp

        def aloss(w: Any, bias0: Any, cc: Any, bb: Any, x: Any, tt: Any) -> Any:
            s = 1.0 / (1.0 + anp.exp(-(anp.dot(x, w.T) + bias0)))
            return anp.sum((bb + anp.dot(s, cc) - tt) ** 2)

        af = autograd.value_and_grad(aloss, argnum=[0, 1, 2, 3])
        calls["autograd"] = lambda: af(*arrays)
    if N * H <= scalarized_limit:
        start = time.perf_counter()
        scalar = sd.scalarize(L)
        flat = [s for p in params for s in (element_symbols(p).flat
                                             if isinstance(p, sd.Tensor) else [p])]
        inputs = [s for a in args for s in (element_symbols(a).flat
                                             if isinstance(a, sd.Tensor) else [a])]
        sf = sd.lambdify(inputs, [scalar, sd.grad(scalar, flat)], backend="math")
        builds["scalarized symdiff (math)"] = time.perf_counter() - start
        numbers = [float(v) for a in args for v in np.ravel(values[a])]
        calls["scalarized symdiff (math)"] = lambda: sf(*numbers)
    return calls, builds, nodes


def check(calls: dict[str, Callable[[], Any]]) -> float:
    """The largest relative difference of any contender's loss from the backprop's."""
    reference = float(calls["hand-written backprop"]()[0])
    worst = 0.0
    for call in calls.values():
        worst = max(worst, abs(float(call()[0]) - reference) / max(1.0, abs(reference)))
    return worst


def interleaved(calls: dict[str, Callable[[], Any]], rounds: int) -> dict[str, float]:
    """Median time per call: each round times every contender in turn, a calibrated number
    of calls each (≥ 20 ms per contender per round, at least one call)."""
    batch = {}
    for name, call in calls.items():
        start = time.perf_counter()
        call()
        batch[name] = max(1, min(200, int(0.02 / max(time.perf_counter() - start, 1e-7))))
    times: dict[str, list[float]] = {name: [] for name in calls}
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(rounds):
            for name, call in calls.items():
                start = time.perf_counter()
                for _ in range(batch[name]):
                    call()
                times[name].append((time.perf_counter() - start) / batch[name])
    finally:
        if enabled:
            gc.enable()
    return {name: statistics.median(ts) for name, ts in times.items()}


def run(sizes: list[tuple[int, int]], rounds: int, scalarized_limit: int = 10_000
        ) -> list[str]:
    lines = ["| H | N | contender | per call | ÷ backprop | ÷ symdiff | build | ∇ nodes |",
             "|---:|---:|---|---:|---:|---:|---:|---:|"]
    for H, N in sizes:
        L, args, values = problem(H, N)
        calls, builds, nodes = contenders(L, args, values, H, N, scalarized_limit)
        error = check(calls)
        if error > 1e-6:
            raise SystemExit(f"contenders disagree at H={H}, N={N}: {error:.1e}")
        medians = interleaved(calls, rounds)
        floor = medians["hand-written backprop"]
        ours = medians["symdiff (NumPy)"]
        for name, median in medians.items():
            build = f"{builds[name] * 1e3:.0f} ms" if name in builds else ""
            node_text = str(nodes) if name.startswith("symdiff") else ""
            lines.append(f"| {H} | {N:,} | {name} | {_time(median)} | {median / floor:.2f} | "
                         f"{median / ours:.2f} | {build} | {node_text} |")
        print("\n".join(lines[-len(medians):]), flush=True)
    return lines


def _time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def _size(text: str) -> tuple[int, int]:
    try:
        H, N = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise SystemExit(f"--sizes: write HxN, e.g. 100x1000, not {text!r}") from None
    return H, N


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, 3 rounds")
    parser.add_argument("--big", action="store_true", help="also H = 1000, N = 10⁵")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--sizes", nargs="+", metavar="HxN",
                        help="run only these sizes, e.g. 100x1000 1000x100000")
    parser.add_argument("--scalarized-limit", type=int, default=10_000, metavar="N·H",
                        help="build the scalarized contender up to this many elements N·H")
    args = parser.parse_args(argv)
    if args.sizes:
        sizes = [_size(text) for text in args.sizes]
        rounds = args.rounds
    elif args.quick:
        sizes, rounds = [(5, 100)], 3
    else:
        sizes = [(H, N) for N in (1_000, 100_000) for H in (10, 100, 1000)
                 if args.big or (H, N) != (1000, 100_000)]
        rounds = args.rounds
    jax = load_peer("jax")
    if jax is not None:
        jax.config.update("jax_enable_x64", True)  # float64, as the other contenders
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}; {rounds} interleaved "
          f"rounds, medians", flush=True)
    lines = run(sizes, rounds, args.scalarized_limit)
    print()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
