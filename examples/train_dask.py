"""Train the seed's network y = b + cᵀσ(b0 + W x) by gradient descent on a Dask array.

The data (N points, D inputs) live in a chunked ``dask.array``; the loss over all of them and
its gradient are one tensor expression each, differentiated in matrix form by symdiff, compiled
once to NumPy, and evaluated chunk by chunk by :func:`symdiff.dask_sum` (the chunks' sums
added by Dask's reduction, on a local ``dask.distributed`` cluster with ``--cluster``).

    python examples/train_dask.py                  # 10⁵ points, threads
    python examples/train_dask.py --points 1000000 --cluster
"""

from __future__ import annotations

import argparse
import time

import dask.array as da
import numpy as np

import symdiff as sd


def target(X: np.ndarray) -> np.ndarray:
    """What the network should learn: a smooth function of the inputs."""
    return np.sin(X[:, 0]) + 0.5 * X[:, 1] * X[:, 2]


def train(points: int = 100_000, hidden: int = 8, steps: int = 30, rate: float = 0.5,
          chunk: int = 25_000, client: object = None, seed: int = 0) -> list[float]:
    """Full-batch gradient descent; returns the mean squared error after every step."""
    D = 3
    W, b0, c = sd.Tensor("W", (hidden, D)), sd.Tensor("b0", (hidden,)), sd.Tensor("c", (hidden,))
    b = sd.Symbol("b")
    X, t = sd.Tensor("X", (points, D)), sd.Tensor("t", (points,))
    y = b + sd.sigmoid(X @ W.T + b0) @ c
    loss = sd.sum((y - t) ** 2) / points
    params = [W, b0, c, b]
    outputs = [loss, sd.grad(loss, params)]

    rs = da.random.RandomState(seed)
    data_X = rs.uniform(-2, 2, size=(points, D), chunks=(chunk, D))
    data_t = data_X.map_blocks(target, drop_axis=1, dtype=float)
    data_X, data_t = data_X.persist(), data_t.persist()

    rng = np.random.default_rng(seed)
    values = {W: rng.normal(size=(hidden, D)), b0: rng.normal(size=hidden),
              c: rng.normal(size=hidden) * 0.1, b: 0.0}
    history = []
    for _ in range(steps):
        value, grads = sd.dask_sum(outputs, {**values, X: data_X, t: data_t}, data=[X, t],
                                   client=client)
        history.append(float(value))
        for p, g in zip(params, grads, strict=True):
            values[p] = values[p] - rate * g
    return history


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--hidden", type=int, default=8)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--chunk", type=int, default=25_000)
    parser.add_argument("--cluster", action="store_true", help="run on a LocalCluster")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.cluster:
        from dask.distributed import Client, LocalCluster
        with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            history = train(args.points, args.hidden, args.steps, chunk=args.chunk,
                            client=client)
    else:
        history = train(args.points, args.hidden, args.steps, chunk=args.chunk)
    elapsed = time.perf_counter() - start
    print(f"{args.points} points in chunks of {args.chunk}, {args.hidden} hidden units")
    for step in (0, len(history) // 2, len(history) - 1):
        print(f"step {step:3d}: mean squared error {history[step]:.4f}")
    print(f"{len(history)} steps in {elapsed:.1f} s; the error fell "
          f"{history[0] / history[-1]:.1f}-fold")
    return 0 if history[-1] < history[0] else 1


if __name__ == "__main__":
    raise SystemExit(main())
