"""Derivatives for optimisers (issue 14): gradient, sparse Hessian and Hessian-vector product.

Run from the repository root::

    python benchmarks/bench_optimise.py            # n = 10, 100, 1000 (a few minutes)
    python benchmarks/bench_optimise.py --quick    # n = 10, 100 (the smoke test)
    python benchmarks/bench_optimise.py --numba    # also symdiff's numba backend
    python benchmarks/bench_optimise.py --scaling  # only: numba compile time vs outputs
    python benchmarks/bench_optimise.py --points   # only: W1 n = 10 on 10⁶ points
    python benchmarks/bench_optimise.py --ratios   # only: Jacobian/function operation ratios
    python benchmarks/bench_optimise.py --colours  # only: the colouring table

Two problem families with tridiagonal Hessians: Rosenbrock (``scipy.optimize.rosen``) and a
discretised 1-D boundary-value problem, the energy ``Σ (u[i+1] − u[i])² / 2h + h (u[i]⁴/4 −
u[i])`` of ``−u'' + u³ = 1`` with ``u = 0`` outside. For each n and each contender the table has
the build time (differentiating: symdiff's expressions, CasADi's graph), the compile time
(``lambdify``; CasADi's ``Function``; JAX's first call of the ``jit``-ed function) and the
per-call time at one point (a float64 NumPy vector in; the median of 5 repeats of a calibrated
number of calls, the contenders' repeats interleaved so that load on the shared machine hits
all of them alike). "× scipy" is the per-call time over scipy's hand-written ``rosen_der`` /
``rosen_hess`` / ``rosen_hess_prod`` (Rosenbrock only). The last table times
``minimize(method="trust-constr")`` to convergence from the same start with each contender's
gradient and Hessian. Every contender's numbers are checked against symdiff's math backend
before timing. Missing peers (CasADi, JAX) are skipped with a message.

``--scaling`` measures the numba backend on the Jacobian of ``tanh(W x)`` (W a fixed random
n×n matrix) at n = 10, 30, 50, 100 (100 to 10,000 outputs): each size in a fresh process with
an empty cache directory (so numba's start-up and the interpreter's compile are in the figure,
as a user's first run sees it), the lambdify time of the numba and math backends, and their
per-call times (interleaved medians); with ``--straight`` also straight-line numba code (the
tape switched off) at the sizes where that compiles in reasonable time.

``--points`` times W1 (the logistic map, n = 10: dlₙ/dx) on 10⁶ points: symdiff's numba
backend with ``vectorize=True`` against ``jax.jit(jax.vmap(jax.grad(f)))`` (float64, arrays
already on the device), a hand-written ``numba.njit`` loop over symdiff's scalar numba
function, symdiff's NumPy backend and SymPy's NumPy ``lambdify(cse=True)``; medians of 7
interleaved repeats, each contender's result checked against symdiff's NumPy backend first.

``--ratios`` prints ``symdiff.jacobian_ratio`` (Jacobian operations over function operations)
on FastDifferentiation.jl's three problem families at its three sizes, next to its published
ratios (docs/src/benchmarks.md of FastDifferentiation.jl; the families as in
brianguenter/Benchmarks): the Rosenbrock gradient (n = 10, 100, 1000), the Jacobian of the
real spherical harmonics up to order l (l = 4, 11, 35, with respect to x, y, z) and of the
matrix function ``(A + B)(AB)ᵀ`` (n×n matrices, n = 2, 4, 9, with respect to A and B).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from _peers import load_peer  # benchmarks/_peers.py: scripts run from this folder
from scipy import optimize

import symdiff

Fn = Callable[[np.ndarray], Any]


def rosenbrock(xs: Any, lib: Any = None) -> Any:
    return sum(100 * (xs[i + 1] - xs[i] ** 2) ** 2 + (1 - xs[i]) ** 2
               for i in range(len(xs) - 1))


def bvp(xs: Any, lib: Any = None) -> Any:
    n = len(xs)
    h = 1.0 / (n + 1)
    return (sum((xs[i + 1] - xs[i]) ** 2 for i in range(n - 1)) / (2 * h)
            + (xs[0] ** 2 + xs[-1] ** 2) / (2 * h)
            + h * sum(x ** 4 / 4 - x for x in xs))


FAMILIES = {"rosenbrock": rosenbrock, "bvp": bvp}


def _timed(build: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = build()
    return result, time.perf_counter() - start


def _calibrate(fn: Callable[[], Any], budget: float) -> int:
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        if time.perf_counter() - start > budget or number > 1_000_000:
            return number
        number *= 4


def interleaved(calls: dict[str, Callable[[], Any]], repeats: int, budget: float
                ) -> dict[str, float]:
    """Median seconds per call of each function, the repeats of all interleaved."""
    numbers = {name: _calibrate(fn, budget) for name, fn in calls.items()}
    times: dict[str, list[float]] = {name: [] for name in calls}
    gc.disable()
    try:
        for _ in range(repeats):
            for name, fn in calls.items():
                start = time.perf_counter()
                for _ in range(numbers[name]):
                    fn()
                times[name].append((time.perf_counter() - start) / numbers[name])
    finally:
        gc.enable()
    return {name: statistics.median(t) for name, t in times.items()}


def _dense(h: Any) -> np.ndarray:
    return np.asarray(h.toarray() if hasattr(h, "toarray") else h, dtype=float)


class Contender:
    """One tool's three functions for one problem, with its build and compile times."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.build = 0.0
        self.compile = 0.0
        self.grad: Fn | None = None
        self.hess: Fn | None = None
        self.hessp: Callable[[np.ndarray, np.ndarray], Any] | None = None


def symdiff_contender(family: Callable[..., Any], n: int, backend: str) -> Contender:
    c = Contender(f"symdiff {backend}")
    xs = symdiff.symbols(f"x1:{n + 1}")
    ps = symdiff.symbols(f"p1:{n + 1}")
    start = time.perf_counter()
    f = family(xs)
    g = symdiff.grad(f, xs)
    h = symdiff.hessian(f, xs, sparse=True)
    hv = symdiff.hvp(f, xs, ps)
    c.build = time.perf_counter() - start
    start = time.perf_counter()
    c.grad = symdiff.lambdify([xs], g, backend, output="array")
    c.hess = symdiff.lambdify([xs], h, backend, output="sparse")
    c.hessp = symdiff.lambdify([xs, ps], hv, backend, output="array")
    c.compile = time.perf_counter() - start
    return c


def scipy_contender() -> Contender:
    c = Contender("scipy (hand-written)")
    c.grad, c.hess, c.hessp = optimize.rosen_der, optimize.rosen_hess, optimize.rosen_hess_prod
    return c


def casadi_contender(ca: Any, family: Callable[..., Any], n: int) -> Contender:
    c = Contender("CasADi")
    start = time.perf_counter()
    x = ca.SX.sym("x", n)
    p = ca.SX.sym("p", n)
    f = family([x[i] for i in range(n)])
    g = ca.gradient(f, x)
    h, _ = ca.hessian(f, x)  # a sparse SX matrix
    hv = ca.jtimes(g, x, p)
    c.build = time.perf_counter() - start
    start = time.perf_counter()
    fg, fh, fv = (ca.Function("g", [x], [g]), ca.Function("h", [x], [h]),
                  ca.Function("hv", [x, p], [hv]))
    c.compile = time.perf_counter() - start
    c.grad = lambda v: fg(v).full().ravel()
    c.hess = lambda v: fh(v).sparse()  # scipy.sparse, CasADi's pattern
    c.hessp = lambda v, w: fv(v, w).full().ravel()
    return c


def jax_contender(jax: Any, family: Callable[..., Any], n: int) -> Contender:
    c = Contender("JAX jit")
    jnp = jax.numpy

    def f(v: Any) -> Any:
        return _vector(family, jnp, v)

    g = jax.jit(jax.grad(f))
    h = jax.jit(jax.hessian(f))
    hv = jax.jit(lambda v, w: jax.jvp(jax.grad(f), (v,), (w,))[1])
    x0 = jnp.zeros(n)
    start = time.perf_counter()
    g(x0).block_until_ready()
    h(x0).block_until_ready()
    hv(x0, x0).block_until_ready()
    c.compile = time.perf_counter() - start
    c.grad = lambda v: np.asarray(g(v))
    c.hess = lambda v: np.asarray(h(v))
    c.hessp = lambda v, w: np.asarray(hv(v, w))
    return c


def _vector(family: Callable[..., Any], jnp: Any, v: Any) -> Any:
    """The families written on whole vectors, as a JAX user writes them (an unrolled scalar
    loop takes JAX 16 s to compile at n = 100)."""
    if family is rosenbrock:
        return jnp.sum(100 * (v[1:] - v[:-1] ** 2) ** 2 + (1 - v[:-1]) ** 2)
    h = 1.0 / (v.shape[0] + 1)
    return (jnp.sum((v[1:] - v[:-1]) ** 2) / (2 * h) + (v[0] ** 2 + v[-1] ** 2) / (2 * h)
            + h * jnp.sum(v ** 4 / 4 - v))


def check(c: Contender, reference: Contender, x: np.ndarray, p: np.ndarray) -> None:
    assert c.grad and c.hess and c.hessp and reference.grad and reference.hess
    assert reference.hessp
    for got, want in ((c.grad(x), reference.grad(x)), (_dense(c.hess(x)),
                                                       _dense(reference.hess(x))),
                      (c.hessp(x, p), reference.hessp(x, p))):
        scale = max(1.0, float(np.max(np.abs(want))))
        error = float(np.max(np.abs(np.asarray(got) - want))) / scale
        assert error < 1e-9, (c.name, error)


def _caller(c: Contender, kind: str, x: np.ndarray, p: np.ndarray) -> Callable[[], Any]:
    fn = getattr(c, kind)
    return (lambda: fn(x, p)) if kind == "hessp" else (lambda: fn(x))


STRATEGIES = ("largest_first", "smallest_last", "independent_set", "connected_sequential_bfs",
              "saturation_largest_first")


STAR_ORDERS = ("saturation_largest_first", "natural", "largest_first", "smallest_last")


def colour_table() -> None:
    """Colours per pattern: symdiff's star colouring in four vertex orders and its column
    colouring against networkx's greedy strategies on the column intersection graph (what a
    column colouring needs), and the optimum where it is known."""
    import networkx as nx
    from scipy import sparse

    rng = np.random.default_rng(0)
    grid = 30
    line = sparse.diags_array([1, 1, 1], offsets=[-1, 0, 1], shape=(grid, grid),
                              dtype=np.int8)
    laplacian = sparse.kronsum(line, line).tocsr()
    random = sparse.random_array((300, 300), density=0.01, rng=rng)
    random = ((random + random.T + sparse.eye_array(300)) != 0).astype(np.int8).tocsr()
    patterns = {  # (pattern, the optimum star colouring where known)
        "tridiagonal (Rosenbrock, n = 1000)": (sparse.diags_array(
            [1, 1, 1], offsets=[-1, 0, 1], shape=(1000, 1000), dtype=np.int8).tocsr(), "3"),
        "pentadiagonal (n = 1000)": (sparse.diags_array(
            [1] * 5, offsets=[-2, -1, 0, 1, 2], shape=(1000, 1000), dtype=np.int8).tocsr(),
            ""),
        f"2-D 5-point Laplacian ({grid}×{grid})": (laplacian, "5"),
        "random symmetric (n = 300, 1 %)": (random, ""),
    }
    print("\n| pattern | " + " | ".join(f"symdiff star, {o} order" for o in STAR_ORDERS)
          + " | star optimum | symdiff column (DSATUR) | "
          + " | ".join(f"networkx {s}" for s in STRATEGIES) + " |")
    print("|---" * (3 + len(STAR_ORDERS) + len(STRATEGIES)) + "|")
    for name, (pattern, optimum) in patterns.items():
        stars = [max(symdiff.color(pattern, "star", strategy=o)) + 1 for o in STAR_ORDERS]
        column = max(symdiff.color(pattern)) + 1
        coo = pattern.tocoo()
        graph = nx.Graph()
        graph.add_nodes_from(range(pattern.shape[1]))
        rows: dict[int, list[int]] = {}
        for i, j in zip(coo.row, coo.col, strict=True):
            rows.setdefault(int(i), []).append(int(j))
        for cols in rows.values():
            graph.add_edges_from((a, b) for k, a in enumerate(cols) for b in cols[k + 1:])
        theirs = [max(nx.greedy_color(graph, s).values()) + 1 for s in STRATEGIES]
        print(f"| {name} | " + " | ".join(map(str, stars)) + f" | {optimum} | {column} | "
              + " | ".join(map(str, theirs)) + " |")


def tanh_jacobian(n: int) -> tuple[Any, Any]:
    """The variables and the n×n Jacobian of tanh(W x), W fixed (seeded)."""
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(n, n)).round(3)
    xs = symdiff.symbols(f"x1:{n + 1}")
    outputs = [symdiff.tanh(sum(float(weights[i, j]) * xs[j] for j in range(n)))
               for i in range(n)]
    return xs, symdiff.jacobian(outputs, xs)


def scaling_one(n: int, straight: bool) -> dict[str, Any]:
    """One size of the scaling table, in this (fresh) process."""
    from symdiff.codegen import _tape

    xs, jacobian = tanh_jacobian(n)
    row: dict[str, Any] = {"n": n, "outputs": n * n,
                           "operations": len(symdiff.cse([e for r in jacobian for e in r])
                                             .equations)}
    start = time.perf_counter()
    numba_f = symdiff.lambdify([xs], jacobian, "numba", output="array")
    row["numba compile"] = time.perf_counter() - start
    row["tape"] = isinstance(numba_f, _tape.TapeFunction)
    start = time.perf_counter()
    symdiff.lambdify([xs], jacobian, "numba", output="array")
    row["numba again"] = time.perf_counter() - start
    calls = {"numba": numba_f}
    if straight:
        start = time.perf_counter()
        calls["numba straight-line"] = symdiff.lambdify([xs], jacobian, "numba",
                                                        output="array", tape=False)
        row["straight compile"] = time.perf_counter() - start
    start = time.perf_counter()
    calls["math"] = symdiff.lambdify([xs], jacobian, "math", output="array")
    row["math compile"] = time.perf_counter() - start
    x = np.random.default_rng(1).normal(size=n)
    reference = calls["math"](x)
    for f in calls.values():
        assert np.array_equal(f(x), reference)  # bit for bit
    timings = interleaved({name: (lambda f=f: f(x)) for name, f in calls.items()}, 5, 0.05)
    row.update({f"{name} call": t for name, t in timings.items()})
    return row


def scaling_table(sizes: tuple[int, ...], straight: tuple[int, ...]) -> None:
    print("\n| n | outputs | operations | numba lambdify (fresh process) | again (same "
          "process) | straight-line numba lambdify | math lambdify | numba per call | "
          "straight-line per call | math per call | math / numba |")
    print("|---" * 11 + "|")
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="symdiff-bench-") as cache:
            command = [sys.executable, __file__, "--scaling-one", str(n)]
            command += ["--straight"] if n in straight else []
            done = subprocess.run(command, capture_output=True, text=True, check=True,
                                  env={**os.environ, "SYMDIFF_CACHE": cache})
        row = json.loads(done.stdout.strip().splitlines()[-1])
        mode = " (tape)" if row["tape"] else " (straight-line)"
        print(f"| {n} | {row['outputs']} | {row['operations']} | "
              f"{fmt(row['numba compile'])}{mode} | {fmt(row['numba again'])} | "
              f"{fmt(row.get('straight compile'))} | {fmt(row['math compile'])} | "
              f"{fmt(row['numba call'])} | {fmt(row.get('numba straight-line call'))} | "
              f"{fmt(row['math call'])} | {row['math call'] / row['numba call']:.1f} |")


def points_table(size: int) -> None:
    from symdiff.studies import workloads

    x = symdiff.Symbol("x")
    f = workloads.logistic_map(10, x)
    gradient = symdiff.grad(f, [x])[0]
    points = np.random.default_rng(0).uniform(0.1, 0.9, size)
    ours = symdiff.lambdify([x], gradient, "numpy")
    reference = ours(points)
    start = time.perf_counter()
    vectorized = symdiff.lambdify([x], gradient, "numba", vectorize=True)
    compile_seconds = time.perf_counter() - start
    calls: dict[str, Callable[[], Any]] = {
        "symdiff numba, vectorize=True": lambda: vectorized(points)}
    numba = load_peer("numba")
    if numba is not None:
        scalar = symdiff.lambdify([x], gradient, "numba").dispatcher

        @numba.njit
        def loop(xs: Any) -> Any:  # what a user writes around the scalar function
            out = np.empty(xs.shape[0])
            for i in range(xs.shape[0]):
                out[i] = scalar(xs[i])
            return out

        calls["hand-written njit loop over symdiff's numba function"] = lambda: loop(points)
    jax = load_peer("jax")
    if jax is not None:
        jax.config.update("jax_enable_x64", True)

        def logistic(v: Any) -> Any:
            for _ in range(9):
                v = 4 * v * (1 - v)
            return v

        batched = jax.jit(jax.vmap(jax.grad(logistic)))
        on_device = jax.numpy.asarray(points)
        calls["jax.jit(jax.vmap(jax.grad))"] = lambda: batched(on_device).block_until_ready()
    calls["symdiff numpy"] = lambda: ours(points)
    sympy = load_peer("sympy")
    if sympy is not None:
        X = symdiff.to_sympy(x)
        G = sympy.diff(symdiff.to_sympy(f), X)
        # (without cse=True SymPy prints the derivative as a tree of thousands of NumPy
        # calls: seconds per call, so only its cse form is timed)
        cse = sympy.lambdify([X], G, modules="numpy", cse=True)
        calls["SymPy lambdify (numpy, cse)"] = lambda: cse(points)
    for name, call in calls.items():
        got = np.asarray(call(), dtype=float)
        error = float(np.max(np.abs(got - reference) / np.maximum(1.0, np.abs(reference))))
        assert error < 1e-9, (name, error)
    timings = interleaved(calls, 7, 0.0)
    jax_time = timings.get("jax.jit(jax.vmap(jax.grad))")
    numpy_time = timings["symdiff numpy"]
    print(f"\nW1 logistic map n = 10, dl/dx at {size:.0e} points (numba vectorize=True "
          f"compiled in {fmt(compile_seconds)})\n")
    print("| contender | per call | × JAX | × symdiff numpy |")
    print("|---|---|---|---|")
    for name, seconds in timings.items():
        versus = f"{seconds / jax_time:.2f}" if jax_time else "(JAX not installed)"
        print(f"| {name} | {fmt(seconds)} | {versus} | {seconds / numpy_time:.2f} |")


def spherical_harmonics(max_l: int) -> tuple[list[Any], tuple[Any, ...]]:
    """Benchmarks.jl's SHFunctions(max_l, x, y, z), term for term (its memoised recursions
    for P, S, C; its normalisation N with its Stirling approximation of the factorial, which
    is 0 at 0 in Julia, so the m = ±l harmonics are the constant 0 there and here)."""
    import functools
    import math

    x, y, z = symdiff.symbols("x y z")

    @functools.cache
    def legendre(l: int, m: int) -> Any:  # noqa: E741 (Benchmarks.jl's names)
        if l == 0 and m == 0:
            return symdiff.Constant(1.0)
        if l == m:
            return (1 - 2 * m) * legendre(m - 1, m - 1)
        if l == m + 1:
            return (2 * m + 1) * z * legendre(m, m)
        return ((2 * l - 1) / (l - m) * z * legendre(l - 1, m)
                - (l + m - 1) / (l - m) * legendre(l - 2, m))

    @functools.cache
    def sine(m: int) -> Any:
        return 0 if m == 0 else x * cosine(m - 1) - y * sine(m - 1)

    @functools.cache
    def cosine(m: int) -> Any:
        return 1 if m == 0 else x * sine(m - 1) + y * cosine(m - 1)

    def factorial(n: int) -> float:
        if n == 0:
            return 0.0
        return math.sqrt(2 * math.pi * n) * (n / math.e * math.sqrt(
            n * math.sinh(1 / n) + 1 / (810 * n ** 6))) ** n

    def norm(l: int, m: int) -> float:  # noqa: E741
        if m == 0:
            return math.sqrt(2 * l + 1 / (4 * math.pi))
        return math.sqrt((2 * l + 1) / (2 * math.pi) * factorial(l - m) / factorial(l + m))

    harmonics = [norm(l, abs(m)) * legendre(l, abs(m)) * (sine(-m) if m < 0 else cosine(m))
                 for l in range(max_l) for m in range(-l, l + 1)]  # noqa: E741
    return harmonics, (x, y, z)


def matrix_function(n: int) -> tuple[list[Any], tuple[Any, ...]]:
    """Benchmarks.jl's f(A, B) = (A + B) * (A * B)' on n×n matrices of variables (column-major,
    as Julia's reshape), its n² entries as outputs."""
    a, b = symdiff.symbols(f"a1:{n * n + 1}"), symdiff.symbols(f"b1:{n * n + 1}")
    A = [[a[i + n * j] for j in range(n)] for i in range(n)]
    B = [[b[i + n * j] for j in range(n)] for i in range(n)]

    def product(X: list[list[Any]], Y: list[list[Any]]) -> list[list[Any]]:
        result = []
        for i in range(n):
            row = []
            for j in range(n):
                total = X[i][0] * Y[0][j]
                for k in range(1, n):
                    total = total + X[i][k] * Y[k][j]
                row.append(total)
            result.append(row)
        return result

    AB = product(A, B)
    F = product([[A[i][j] + B[i][j] for j in range(n)] for i in range(n)],
                [[AB[j][i] for j in range(n)] for i in range(n)])
    return [F[i][j] for j in range(n) for i in range(n)], (*a, *b)


def ratio_table() -> None:
    families = [
        ("Rosenbrock gradient", lambda n: ([rosenbrock(symdiff.symbols(f"x1:{n + 1}"))],
                                           symdiff.symbols(f"x1:{n + 1}")),
         (10, 100, 1000), (1.13, 1.13, 1.13)),
        ("spherical harmonics Jacobian", spherical_harmonics, (4, 11, 35), (2.2, 2.34, 2.4)),
        ("matrix function (A+B)(AB)ᵀ Jacobian", matrix_function, (2, 4, 9), (2.6, 3.5, 3.8)),
    ]
    print("\n| problem | size | function operations | Jacobian operations | symdiff ratio | "
          "method (auto) | FastDifferentiation.jl ratio |")
    print("|---|---|---|---|---|---|---|")
    for name, family, sizes, published in families:
        for n, theirs in zip(sizes, published, strict=True):
            outputs, variables = family(n)
            r = symdiff.jacobian_ratio(outputs, variables)
            print(f"| {name} | {n} | {r.function} | {r.jacobian} | {r.ratio:.2f} | {r.method} "
                  f"| {theirs} |")


def fmt(seconds: float | None) -> str:
    return "" if seconds is None else symdiff._util.format_seconds(seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n = 10, 100; short timings")
    parser.add_argument("--numba", action="store_true", help="also time the numba backend")
    parser.add_argument("--scaling", action="store_true",
                        help="only the numba compile time vs outputs table")
    parser.add_argument("--straight", action="store_true",
                        help="with --scaling: also straight-line numba at n = 10, 20")
    parser.add_argument("--points", action="store_true",
                        help="only W1 n = 10 on 10⁶ points (numba vectorize=True vs JAX)")
    parser.add_argument("--colours", action="store_true", help="only the colouring table")
    parser.add_argument("--ratios", action="store_true",
                        help="only the Jacobian/function operation ratios")
    parser.add_argument("--scaling-one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scaling_one:
        print(json.dumps(scaling_one(args.scaling_one, args.straight)))
        return 0
    if args.ratios:
        ratio_table()
        return 0
    if args.colours:
        colour_table()
        return 0
    if args.points:
        print(f"python {sys.version.split()[0]}, numpy {np.__version__}")
        points_table(10**4 if args.quick else 10**6)
        return 0
    if args.scaling:
        print(f"python {sys.version.split()[0]}, numpy {np.__version__}")
        scaling_table((10, 20, 30, 50, 100), (10, 20) if args.straight else ())
        return 0
    os.environ.setdefault("SYMDIFF_CACHE", tempfile.mkdtemp(prefix="symdiff-bench-"))
    sizes = (10, 100) if args.quick else (10, 100, 1000)
    repeats, budget = (3, 0.02) if args.quick else (5, 0.1)
    ca, jax = load_peer("casadi"), load_peer("jax")
    if jax is not None:
        jax.config.update("jax_enable_x64", True)
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}; sizes {sizes}\n")
    print("| problem | n | contender | build | compile | gradient | sparse Hessian | HVP "
          "| Hessian × scipy | colours |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    rng = np.random.default_rng(0)
    minimize_rows = []
    for family_name, family in FAMILIES.items():
        for n in sizes:
            x, p = rng.normal(size=n) * 0.5, rng.normal(size=n)
            backends = ["math", "numpy"] + (["numba"] if args.numba else [])
            contenders = [symdiff_contender(family, n, b) for b in backends]
            reference = contenders[0]
            if family is rosenbrock:
                contenders.append(scipy_contender())
            if ca is not None:
                contenders.append(casadi_contender(ca, family, n))
            if jax is not None:
                contenders.append(jax_contender(jax, family, n))
            for c in contenders:
                check(c, reference, x, p)
            timings = {kind: interleaved({c.name: _caller(c, kind, x, p) for c in contenders},
                                         repeats, budget)
                       for kind in ("grad", "hess", "hessp")}
            xs = symdiff.symbols(f"x1:{n + 1}")
            colours = max(symdiff.color(symdiff.hessian_sparsity(family(xs), xs), "star")) + 1
            scipy_hess = timings["hess"].get("scipy (hand-written)")
            for c in contenders:
                ratio = (f"{timings['hess'][c.name] / scipy_hess:.2f}" if scipy_hess else "")
                builds = fmt(c.build) if c.build else ""
                compiles = fmt(c.compile) if c.compile else ""
                print(f"| {family_name} | {n} | {c.name} | {builds} | {compiles} | "
                      f"{fmt(timings['grad'][c.name])} | {fmt(timings['hess'][c.name])} | "
                      f"{fmt(timings['hessp'][c.name])} | {ratio} | "
                      f"{colours if c is reference else ''} |")
            if n == 100:
                objective = symdiff.lambdify([xs], family(xs))  # the same objective for all
                for c in contenders:
                    fun = optimize.rosen if c.name.startswith("scipy") else objective
                    start = time.perf_counter()
                    result = optimize.minimize(fun, np.full(n, 0.5), jac=c.grad, hess=c.hess,
                                               method="trust-constr")
                    minimize_rows.append((family_name, n, c.name, time.perf_counter() - start,
                                          result.nit, result.fun))
    colour_table()
    print("\n| problem | n | derivatives from | trust-constr wall time | iterations | f* |")
    print("|---|---|---|---|---|---|")
    for family_name, n, name, seconds, nit, value in minimize_rows:
        print(f"| {family_name} | {n} | {name} | {fmt(seconds)} | {nit} | {value:.3g} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
