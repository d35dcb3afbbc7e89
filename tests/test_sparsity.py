"""Sparsity, colouring, compressed and sparse derivatives, Hessian-vector products."""

from __future__ import annotations

import pickle

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from scipy import sparse
from scipy.optimize import rosen, rosen_der, rosen_hess

import symdiff
from symdiff import DifferentiationError, SymdiffError
from symdiff._sparsity import recover_symmetric
from tests.strategies import VARIABLES, close, expressions

XS = symdiff.symbols("x1:13")


def rosenbrock(xs):
    return sum(100 * (xs[i + 1] - xs[i] ** 2) ** 2 + (1 - xs[i]) ** 2
               for i in range(len(xs) - 1))


def _dense_pattern(matrix):
    return np.array([[0 if e is symdiff.Constant(0) else 1 for e in row] for row in matrix],
                    dtype=np.int8)


@settings(max_examples=60, deadline=None)
@given(expressions())
def test_patterns_match_the_symbolic_derivatives_exactly(e):
    # The structural pattern is the zero pattern of the derivatives symdiff builds.
    jac = _dense_pattern(symdiff.jacobian([e, e * e], VARIABLES))
    assert (symdiff.jacobian_sparsity([e, e * e], VARIABLES).toarray() == jac).all()
    hess = symdiff.hessian_sparsity(e, VARIABLES).toarray()
    built = _dense_pattern(symdiff.hessian(e, VARIABLES))
    assert (built <= hess).all()  # never misses a non-zero
    assert (hess == hess.T).all()


def test_rosenbrock_hessian_is_tridiagonal_and_exact():
    pattern = symdiff.hessian_sparsity(rosenbrock(XS), XS)
    assert isinstance(pattern, sparse.csr_array)
    n = len(XS)
    expected = (np.abs(np.subtract.outer(np.arange(n), np.arange(n))) <= 1).astype(np.int8)
    assert (pattern.toarray() == expected).all()
    assert (_dense_pattern(symdiff.hessian(rosenbrock(XS), XS)) == expected).all()


def test_structural_zeros_of_step_and_sign_and_linear_ops():
    x, y, z = symdiff.symbols("x y z")
    f = symdiff.step(x * y) + symdiff.sign(z) + 3 * x + y * z
    assert symdiff.jacobian_sparsity(f, [x, y, z]).toarray().tolist() == [[1, 1, 1]]
    assert symdiff.hessian_sparsity(f, [x, y, z]).toarray().tolist() == [
        [0, 0, 0], [0, 0, 1], [0, 1, 0]]
    with pytest.raises(DifferentiationError):
        symdiff.jacobian_sparsity(f, [x, x * y])


def test_pattern_is_linear_in_the_dag_size_at_depth():
    # A chain 10^5 deep: iterative, and the pattern is the obvious one.
    x, y = symdiff.symbols("x y")
    e = x
    for _ in range(100_000):
        e = symdiff.sin(e) + y
    assert symdiff.hessian_sparsity(e, [x, y]).toarray().tolist() == [[1, 1], [1, 1]]


def test_tridiagonal_takes_three_colours_and_networkx_strategies_are_no_better():
    n = 40
    tri = sparse.diags_array([1, 1, 1], offsets=[-1, 0, 1], shape=(n, n), dtype=np.int8).tocsr()
    star = symdiff.color(tri, kind="star")
    column = symdiff.color(tri)
    assert max(star) + 1 == 3 and max(column) + 1 == 3
    # 3 is optimal: three consecutive columns share a row, so they need 3 colours.
    graph = nx.power(nx.path_graph(n), 2)  # the column intersection graph
    for strategy in ("largest_first", "smallest_last", "independent_set",
                     "connected_sequential_bfs", "saturation_largest_first"):
        assert max(nx.greedy_color(graph, strategy).values()) + 1 >= 3


def test_colourings_are_valid_on_random_symmetric_patterns():
    rng = np.random.default_rng(1)
    for _ in range(20):
        n = int(rng.integers(2, 30))
        a = rng.random((n, n)) < 0.15
        a = a | a.T | np.eye(n, dtype=bool)
        rows = [tuple(np.flatnonzero(r)) for r in a]
        colors = symdiff.color(a.astype(int), kind="star")
        recover_symmetric(rows, colors)  # raises unless a star colouring
        column = symdiff.color(a.astype(int))
        for r in rows:  # structurally orthogonal groups
            assert len({column[j] for j in r}) == len(r)
        assert max(colors) <= max(column) + 1


def test_color_rejects_bad_input():
    with pytest.raises(SymdiffError, match="kind"):
        symdiff.color(np.eye(3), kind="acyclic")
    with pytest.raises(SymdiffError, match="square"):
        symdiff.color(np.ones((2, 3)), kind="star")


@pytest.mark.parametrize("method", ["reverse", "forward", "compressed", "auto"])
def test_every_jacobian_method_builds_the_same_values(method):
    xs = XS[:6]
    exprs = [symdiff.sin(xs[i] * xs[i + 1]) + xs[i] ** 2 for i in range(5)] + [rosenbrock(xs)]
    J = symdiff.jacobian(exprs, xs, method=method)
    at = {v: 0.1 * (k + 1) for k, v in enumerate(xs)}
    reference = symdiff.jacobian(exprs, xs)
    for row, ref in zip(J, reference, strict=True):
        for a, b in zip(row, ref, strict=True):
            assert close(a.evaluate(at), b.evaluate(at), rel=1e-13)
    assert J.method in ("reverse", "forward", "compressed")
    if method != "reverse":
        assert set(J.costs) == {"reverse", "forward", "compressed", "colors"}
        if method == "auto":
            assert J.costs[J.method] == min(J.costs[m] for m in
                                            ("reverse", "forward", "compressed"))
    with pytest.raises(DifferentiationError, match="method"):
        symdiff.jacobian(exprs, xs, method="magic")


def test_auto_picks_by_the_cost_of_each_method():
    assert symdiff.jacobian([rosenbrock(XS)], XS, method="auto").method == "reverse"
    # Rows that do not share work: a reverse sweep per row visits only that row.
    banded = [XS[i - 1] * XS[i] * XS[i + 1] for i in range(1, len(XS) - 1)]
    J = symdiff.jacobian(banded, XS, method="auto")
    assert J.costs["colors"] == 3 and J.method == "reverse"
    # Rows sharing a deep chain in x1: reverse repeats it per row, compressed (2 colours)
    # walks it twice.
    chain = XS[0]
    for _ in range(60):
        chain = symdiff.sin(chain)
    J = symdiff.jacobian([chain * x for x in XS[1:]], XS, method="auto")
    assert J.costs["colors"] == 2 and J.method == "compressed"
    assert J.costs["compressed"] < min(J.costs["forward"], J.costs["reverse"])


def test_sparse_jacobian_and_hessian_build_only_the_non_zeros():
    f = rosenbrock(XS)
    H = symdiff.hessian(f, XS, sparse=True)
    assert isinstance(H, symdiff.SparseMatrix) and H.nnz == 3 * len(XS) - 2
    dense = symdiff.hessian(f, XS)
    at = {v: 0.3 * k - 1 for k, v in enumerate(XS)}
    for i, j, e in H.entries():
        assert close(e.evaluate(at), dense[i][j].evaluate(at), rel=1e-13)
    assert (H.pattern().toarray() == symdiff.hessian_sparsity(f, XS).toarray()).all()
    J = symdiff.jacobian(symdiff.grad(f, XS), XS, sparse=True)
    assert J.rows == H.rows
    assert H[0, 5] is symdiff.Constant(0) and len(H.dense()) == len(XS)


def test_hvp_is_the_hessian_times_the_vector_and_stays_small():
    f = rosenbrock(XS)
    vs = symdiff.symbols("v1:13")
    product = symdiff.hvp(f, XS, vs)
    rng = np.random.default_rng(0)
    x, v = rng.normal(size=len(XS)), rng.normal(size=len(XS))
    at = {**dict(zip(XS, x, strict=True)), **dict(zip(vs, v, strict=True))}
    got = np.array([e.evaluate(at) for e in product])
    assert np.allclose(got, rosen_hess(x) @ v, rtol=1e-12, atol=1e-9)
    size = symdiff.dag_size(list(product))
    assert size <= 4 * symdiff.dag_size(list(symdiff.grad(f, XS)))
    numbers = symdiff.hvp(f, XS, list(v))  # a numeric direction
    assert np.allclose([e.evaluate(dict(zip(XS, x, strict=True))) for e in numbers], got)
    with pytest.raises(DifferentiationError, match="entries"):
        symdiff.hvp(f, XS, vs[:3])


@pytest.mark.parametrize("backend", ["math", "numpy"])
def test_lambdify_sparse_output_is_a_csr_array_with_a_fixed_pattern(backend):
    f = rosenbrock(XS)
    F = symdiff.lambdify([XS], symdiff.hessian(f, XS, sparse=True), backend=backend,
                         output="sparse")
    x = np.linspace(-1, 2, len(XS))
    H = F(x)
    assert isinstance(H, sparse.csr_array) and H.shape == (len(XS),) * 2
    assert np.allclose(H.toarray(), rosen_hess(x), rtol=1e-13, atol=1e-10)
    assert H.nnz == F.pattern.nnz == 3 * len(XS) - 2
    assert F(x + 1).indices.tolist() == H.indices.tolist()
    assert pickle.loads(pickle.dumps(F))(x).toarray().tolist() == H.toarray().tolist()
    grad = symdiff.lambdify([XS], symdiff.grad(f, XS), backend=backend, output="array")
    assert np.allclose(grad(x), rosen_der(x), rtol=1e-13) and close(
        float(symdiff.lambdify([XS], f, backend=backend)(x)), rosen(x), rel=1e-13)
    dense = symdiff.lambdify([XS], symdiff.hessian(f, XS), backend=backend, output="sparse")
    assert dense(x).nnz == H.nnz  # the constant-0 entries of a dense matrix are structural


def test_sparse_output_errors():
    with pytest.raises(SymdiffError, match="rows of one length"):
        symdiff.lambdify([XS[0]], [[XS[0]], [XS[0], 1]], output="sparse")


def test_jacobian_ratio_counts_the_jacobian_program_against_the_function():
    xs = symdiff.symbols("x1:11")
    f = sum((1 - xs[i]) ** 2 + 100 * (xs[i + 1] - xs[i] ** 2) ** 2 for i in range(9))
    r = symdiff.jacobian_ratio(f, xs)
    assert r.function == len(symdiff.cse(f).equations) == 71  # FastDifferentiation's count
    gradient = symdiff.jacobian([f], xs, method=r.method)
    assert r.jacobian == len(symdiff.cse(list(gradient[0])).equations)
    assert r.ratio == r.jacobian / r.function and 1.0 < r.ratio < 1.5
    outputs = [xs[i] * symdiff.sin(xs[i + 1]) for i in range(9)]
    for method in ("reverse", "forward", "compressed"):
        counted = symdiff.jacobian_ratio(outputs, xs, method=method)
        rows = symdiff.jacobian(outputs, xs, method=method)
        assert counted.method == method
        assert counted.jacobian == len(symdiff.cse([e for row in rows for e in row]).equations)
    assert symdiff.jacobian_ratio([xs[0] + 2 * xs[1]], xs).jacobian == 0  # constant entries
    assert "= 1.25 (reverse)" in str(r)


def test_star_colouring_orders_dsatur_by_default():
    line = sparse.diags_array([1, 1, 1], offsets=[-1, 0, 1], shape=(12, 12), dtype=np.int8)
    laplacian = sparse.kronsum(line, line).tocsr()
    rng = np.random.default_rng(3)
    random = sparse.random_array((120, 120), density=0.03, rng=rng)
    random = ((random + random.T + sparse.eye_array(120)) != 0).astype(np.int8).tocsr()
    orders = ("saturation_largest_first", "natural", "largest_first", "smallest_last")
    for strategy in orders:
        for pattern in (line, laplacian, random):
            colours = symdiff.color(pattern, "star", strategy=strategy)
            recover_symmetric([tuple(int(j) for j in r.indices) for r in sparse.csr_array(
                pattern)], colours)  # raises unless it is a star colouring
        assert max(symdiff.color(line, "star", strategy=strategy)) + 1 == 3
    assert symdiff.color(random, "star") == symdiff.color(random, "star", strategy="DSATUR")
    assert max(symdiff.color(laplacian, "star")) + 1 == 5  # a grid's star chromatic number
    default = max(symdiff.color(random, "star")) + 1
    assert default <= max(symdiff.color(random, "star", strategy="natural")) + 1
    with pytest.raises(SymdiffError, match="unknown colouring strategy"):
        symdiff.color(line, "star", strategy="alphabetical")
    with pytest.raises(SymdiffError, match="natural"):
        symdiff.color(line, strategy="natural")
