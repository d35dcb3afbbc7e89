"""Tensor expressions compiled to NumPy/JAX source, and summed chunk by chunk on Dask."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import symdiff as sd
from symdiff import Tensor

RNG = np.random.default_rng(3)
H, D = 5, 3
W, b0, c, b = Tensor("W", (H, D)), Tensor("b0", (H,)), Tensor("c", (H,)), sd.Symbol("b")
PARAMS = [W, b0, c, b]


def network(n):
    X, t = Tensor("X", (n, D)), Tensor("t", (n,))
    L = sd.sum((b + sd.sigmoid(X @ W.T + b0) @ c - t) ** 2)
    return X, t, L


def params():
    return {W: RNG.normal(size=(H, D)), b0: RNG.normal(size=H), c: RNG.normal(size=H), b: 0.2}


def test_generated_numpy_is_readable_and_matches_evaluate():
    X, t, L = network(7)
    f = sd.value_and_grad(L, PARAMS, args=[*PARAMS, X, t], backend="numpy")
    assert f.source == '''import numpy


def _sigmoid(x):
    with numpy.errstate(over="ignore"):
        return 1.0 / (1.0 + numpy.exp(-x))


def value_and_grad(W, b0, c, b, X, t):
    t0 = _sigmoid(X @ W.T + b0)
    t1 = b + t0 @ c - t
    t2 = 2 * t1
    t3 = numpy.outer(t2, c) * (t0 * (1 - t0))
    return (numpy.sum(t1 ** 2), ((X.T @ t3).T, numpy.sum(t3, axis=0), t0.T @ t2, numpy.sum(t2)))
'''
    values = {**params(), X: RNG.normal(size=(7, D)), t: RNG.normal(size=7)}
    value, grads = f(*(values[v] for v in [*PARAMS, X, t]))
    assert value == pytest.approx(L.evaluate(values), rel=1e-14)
    for got, g in zip(grads, sd.grad(L, PARAMS), strict=True):
        np.testing.assert_allclose(got, g.evaluate(values), rtol=1e-14)
    assert "numpy.outer" in inspect.getsource(f)


INPLACE_SOURCE = '''def value_and_grad(W, b0, c, b, X, t):
    W, b0, c, X, t = _float(W), _float(b0), _float(c), _float(X), _float(t)
    t0 = X @ W.T
    t0 += b0
    t0 = _sigmoid_inplace(t0)
    t1 = t0 @ c
    t1 += b
    t1 -= t
    t2 = 2 * t1
    t3 = numpy.outer(t2, c)
    t4 = 1 - t0
    t4 *= t0
    t3 *= t4
    return (numpy.sum(t1 ** 2), ((X.T @ t3).T, numpy.sum(t3, axis=0), t0.T @ t2, numpy.sum(t2)))
'''


def test_steps_in_place_leave_the_arguments_alone_and_any_dtype_works(monkeypatch):
    # Three full-size arrays (X @ W.T, the outer product, 1 - σ) instead of ten; the
    # arguments are never written into, integer and float32 arguments give the float64
    # result, and an array still needed elsewhere (a root, an operand used twice) is copied.
    # (Arrays of 2²² elements and more are overwritten; here every size is.)
    from symdiff.tensor import _codegen
    assert _codegen.INPLACE_MIN_ELEMENTS == 2 ** 22
    X, t, L = network(7)
    assert "+=" not in sd.value_and_grad(L, PARAMS, args=[*PARAMS, X, t]).source
    monkeypatch.setattr(_codegen, "INPLACE_MIN_ELEMENTS", 1)
    f = sd.value_and_grad(L, PARAMS, args=[*PARAMS, X, t], backend="numpy")
    assert f.source.endswith(INPLACE_SOURCE) and "def _sigmoid_inplace(x):" in f.source
    values = {**params(), X: RNG.integers(-3, 4, size=(7, D)), t: RNG.normal(size=7)}
    values[W] = np.round(values[W] * 4).astype(np.int64)
    before = {v: np.copy(values[v]) for v in values}
    value, grads = f(*(values[v] for v in [*PARAMS, X, t]))
    for v in values:
        np.testing.assert_array_equal(values[v], before[v])
    assert value == pytest.approx(L.evaluate(values), rel=1e-14)
    for got, g in zip(grads, sd.grad(L, PARAMS), strict=True):
        np.testing.assert_allclose(got, g.evaluate(values), rtol=1e-14)
    Wv, b0v, cv, bv, Xv, tv = (np.asarray(values[v], np.float64) for v in [*PARAMS, X, t])
    with np.errstate(over="ignore"):  # the plain form's code, operation for operation
        t0 = 1.0 / (1.0 + np.exp(-(Xv @ Wv.T + b0v)))
    t1 = bv + t0 @ cv - tv
    t2 = 2 * t1
    t3 = np.outer(t2, cv) * (t0 * (1 - t0))
    plain = ((Xv.T @ t3).T, np.sum(t3, axis=0), t0.T @ t2, np.sum(t2))
    assert value == np.sum(t1 ** 2)  # to the last bit
    for got, want in zip(grads, plain, strict=True):
        np.testing.assert_array_equal(got, want)
    single = {v: np.asarray(values[v], np.float32) for v in values}
    value32, _ = f(*(single[v] for v in [*PARAMS, X, t]))
    assert np.asarray(value32).dtype == np.float64
    x = Tensor("x", (4,))
    s = sd.sigmoid(x * 2)
    g = sd.lambdify([x], [s, s + 1, sd.exp(x) * 3])  # s is a root: s + 1 may not overwrite it
    assert "t0 += 1" not in g.source and "*= 3" in g.source
    got = g(np.arange(4))  # integers: made float64 on entry
    np.testing.assert_allclose(got[1], got[0] + 1)
    np.testing.assert_allclose(got[2], 3 * np.exp(np.arange(4.0)), rtol=1e-15)


def test_the_plain_form_allocates_every_step(monkeypatch):
    from symdiff.tensor import _codegen
    monkeypatch.setattr(_codegen, "INPLACE_MIN_ELEMENTS", 1)
    X, t, L = network(7)
    f = sd.tensor.tensor_function([*PARAMS, X, t], [L, sd.grad(L, PARAMS)], inplace=False)
    assert f.source.split("def f")[1] == '''(W, b0, c, b, X, t):
    t0 = _sigmoid(X @ W.T + b0)
    t1 = b + t0 @ c - t
    t2 = 2 * t1
    t3 = numpy.outer(t2, c) * (t0 * (1 - t0))
    return (numpy.sum(t1 ** 2), ((X.T @ t3).T, numpy.sum(t3, axis=0), t0.T @ t2, numpy.sum(t2)))
'''
    g = sd.tensor.tensor_function([*PARAMS, X, t], [L, sd.grad(L, PARAMS)])
    values = [params()[v] for v in PARAMS] + [RNG.normal(size=(7, D)), RNG.normal(size=7)]
    (a, ga), (b_, gb) = f(*values), g(*values)
    assert a == b_ and all(np.array_equal(x, y) for x, y in zip(ga, gb, strict=True))


def test_every_op_compiles_like_it_evaluates():
    A, x, r = Tensor("A", (3, 3)), Tensor("in", (3,)), Tensor("r", (6,))
    exprs = [sd.inv(A) @ x, sd.logdet(A), sd.det(A), sd.einsum("ij,j->i", A, x), sd.trace(A),
             sd.norm(x), sd.diag(A), sd.diag(x), sd.outer(x, x)[::2, 1:],
             sd.concatenate([x, x]), sd.stack([x, x], axis=1), sd.reshape(A, (9,)),
             A @ np.arange(20.0).reshape(4, 5)[:3, :], sd.transpose(A) * x,
             sd.grad(sd.sum(100 * (r[1:] - r[:-1] ** 2) ** 2 + (1 - r[:-1]) ** 2), r),
             sd.mean(sd.tanh(A), axis=0), sd.relu(x) + sd.abs(x) + sd.sign(x), sd.eye(3) * 2.5]
    f = sd.lambdify([A, x, r], exprs, backend="numpy")
    assert "# a1 is 'in'" in f.source and "_c0" in f.source  # names and big constants
    values = {A: RNG.normal(size=(3, 3)) + 3 * np.eye(3), x: RNG.normal(size=3),
              r: RNG.normal(size=6)}
    for got, e in zip(f(values[A], values[x], values[r]), exprs, strict=True):
        np.testing.assert_allclose(got, e.evaluate(values), rtol=1e-12, err_msg=str(e))


def test_jax_backend_runs_the_same_program_under_jit():
    pytest.importorskip("jax")
    X, t, L = network(9)
    outputs = [L, sd.grad(L, PARAMS)]
    f = sd.lambdify([*PARAMS, X, t], outputs, backend="jax")
    assert f.source.startswith("import jax.numpy as numpy")
    values = {**params(), X: RNG.normal(size=(9, D)), t: RNG.normal(size=9)}
    value, grads = f(*(values[v] for v in [*PARAMS, X, t]))
    assert float(value) == pytest.approx(L.evaluate(values), rel=1e-5)
    for got, g in zip(grads, sd.grad(L, PARAMS), strict=True):
        np.testing.assert_allclose(np.asarray(got), g.evaluate(values), rtol=1e-4, atol=1e-5)


def test_codegen_errors():
    X, t, L = network(4)
    with pytest.raises(sd.SymdiffError, match="backends numpy, jax"):
        sd.lambdify([*PARAMS, X, t], L, backend="numba")
    with pytest.raises(sd.SymdiffError, match="'t'"):
        sd.lambdify([*PARAMS, X], L)
    with pytest.raises(sd.ConversionError):
        sd.lambdify([W @ W.T], L)


# --- Dask ----------------------------------------------------------------------------------

def dask_problem(n, chunk):
    da = pytest.importorskip("dask.array")
    X, t, L = network(n)
    rs = da.random.RandomState(5)
    data = {X: rs.normal(size=(n, D), chunks=(chunk, D)), t: rs.normal(size=n, chunks=chunk)}
    return X, t, L, data


def in_memory(L, X, t, values, data):
    f = sd.lambdify([*PARAMS, X, t], [L, sd.grad(L, PARAMS)], backend="numpy")
    return f(*(values[v] for v in PARAMS), data[X].compute(), data[t].compute())


def assert_same(got, want, rtol):
    value, grads = got
    assert value == pytest.approx(want[0], rel=rtol)
    for g, w in zip(grads, want[1], strict=True):
        np.testing.assert_allclose(g, w, rtol=rtol, atol=rtol * np.max(np.abs(w)))


def test_dask_sum_adds_chunk_contributions():
    X, t, L, data = dask_problem(20_000, 3_001)  # uneven chunks
    values = {**params(), **data}
    got = sd.dask_sum([L, sd.grad(L, PARAMS)], values, data=[X, t])
    assert_same(got, in_memory(L, X, t, values, data), 1e-12)
    with pytest.raises(sd.SymdiffError, match="fixes a row count"):
        sd.dask_sum(sd.sum(X[1:]), values, data=[X, t])


def test_dask_sum_on_a_local_cluster_of_processes():
    distributed = pytest.importorskip("dask.distributed")
    X, t, L, data = dask_problem(100_000, 25_000)
    values = {**params(), **data}
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        got = sd.dask_sum([L, sd.grad(L, PARAMS)], values, data=[X, t], client=client)
    assert_same(got, in_memory(L, X, t, values, data), 1e-12)


@pytest.mark.slow
def test_dask_sum_of_ten_million_points_on_a_local_cluster():
    # The size: 10⁷ points (D = 3, two hidden units to keep the in-memory reference
    # light on a shared machine), a LocalCluster started and stopped here; ~20 s on 2 cores.
    distributed = pytest.importorskip("dask.distributed")
    da = pytest.importorskip("dask.array")
    n, hidden = 10_000_000, 2
    w, bias0, cc = Tensor("W2", (hidden, D)), Tensor("b02", (hidden,)), Tensor("c2", (hidden,))
    X, t = Tensor("X", (n, D)), Tensor("t", (n,))
    L = sd.sum((b + sd.sigmoid(X @ w.T + bias0) @ cc - t) ** 2)
    wrt = [w, bias0, cc, b]
    values = {w: RNG.normal(size=(hidden, D)), bias0: RNG.normal(size=hidden),
              cc: RNG.normal(size=hidden), b: 0.2}
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        rs = da.random.RandomState(5)
        data = {X: rs.normal(size=(n, D), chunks=(1_000_000, D)),
                t: rs.normal(size=n, chunks=1_000_000)}
        data = {k: v.persist() for k, v in data.items()}
        got = sd.dask_sum([L, sd.grad(L, wrt)], {**values, **data}, data=[X, t], client=client)
        rows, targets = data[X].compute(), data[t].compute()
    f = sd.lambdify([*wrt, X, t], [L, sd.grad(L, wrt)], backend="numpy")
    assert_same(got, f(*(values[v] for v in wrt), rows, targets), 1e-12)


def test_generated_sigmoid_is_the_exact_limit_without_warnings():
    import warnings
    x = Tensor("x", (6,))
    f = sd.lambdify([x], [sd.sigmoid(x), sd.grad(sd.sum(sd.sigmoid(x)), x)])
    v = np.array([-800.0, -30.0, -1e-3, 0.0, 30.0, 800.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s, g = f(v)
    np.testing.assert_allclose(s, sd.sigmoid(x).evaluate({x: v}), rtol=1e-15, atol=0)
    np.testing.assert_allclose(g, s * (1 - s), rtol=1e-15, atol=0)


def _function_cases():
    from symdiff._ops import FUNCTIONS
    return sorted(FUNCTIONS)


@pytest.mark.parametrize("name", _function_cases())
def test_every_function_of_the_op_table_compiles_and_differentiates_on_tensors(name):
    # Each elementwise function of the op table on tensors: the generated NumPy (and JAX,
    # under jit) code equals evaluate, and so does the compiled gradient (erf's rule uses the
    # named constant pi; gamma's helpers call math element by element under NumPy, and
    # jax.scipy.special under JAX).
    import warnings

    from symdiff._ops import FUNCTIONS
    from symdiff.tensor._elementwise import elementwise
    op = FUNCTIONS[name]
    xs = [Tensor(f"x{i}", (3,)) for i in range(op.arity)]
    args = [1 if name == "polygamma" and i == 0 else x for i, x in enumerate(xs)]
    e = elementwise(op, *args)
    f = sd.sum(e * np.array([1.0, -2.0, 0.5]))
    exprs = [e, sd.grad(f, xs)]
    for points in ([0.3, 0.55, 0.7], [1.3, 1.55, 1.7]):
        values = {x: np.array(points) + 0.1 * i for i, x in enumerate(xs)}
        try:
            want = [e.evaluate(values), [g.evaluate(values) for g in exprs[1]]]
        except sd.DomainError:
            continue
        break
    backends = ["numpy"]
    try:
        import jax
        backends.append("jax")
    except ImportError:
        pass
    for backend in backends:
        compiled = sd.lambdify(xs, exprs, backend=backend)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if backend == "jax":
                with jax.enable_x64(True):
                    got = compiled(*(values[x] for x in xs))
            else:
                got = compiled(*(values[x] for x in xs))
        np.testing.assert_allclose(np.asarray(got[0]), want[0], rtol=1e-9, err_msg=backend)
        for g, w in zip(got[1], want[1], strict=True):
            np.testing.assert_allclose(np.asarray(g), w, rtol=1e-9, atol=1e-12,
                                       err_msg=backend)


@pytest.mark.parametrize("inplace_from", [None, 1])  # the plain form, and steps in place
def test_generated_numpy_runs_on_dask_arrays_themselves(monkeypatch, inplace_from):
    # The generated code calls only what dask.array implements (@, .T, numpy.outer,
    # numpy.sum(axis=…), elementwise ufuncs), so given Dask arrays it builds a lazy Dask
    # graph, whose result is the NumPy call's.
    import warnings
    da = pytest.importorskip("dask.array")
    import dask

    from symdiff.tensor import _codegen
    if inplace_from:
        monkeypatch.setattr(_codegen, "INPLACE_MIN_ELEMENTS", inplace_from)
    X, t, L = network(1000)
    f = sd.value_and_grad(L, PARAMS, args=[*PARAMS, X, t], backend="numpy")
    assert ("_sigmoid_inplace(t0)" in f.source) == bool(inplace_from)
    values = {**params(), X: RNG.normal(size=(1000, D)), t: RNG.normal(size=1000)}
    lazy = {X: da.from_array(values[X], chunks=(300, D)), t: da.from_array(values[t], chunks=300)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NumPy fallback (Dask warns when it computes one)
        value, grads = f(*(values[v] for v in PARAMS), lazy[X], lazy[t])
    assert all(isinstance(a, da.Array) for a in (value, *grads))
    want = f(*(values[v] for v in [*PARAMS, X, t]))
    got = dask.compute(value, grads)
    assert got[0] == pytest.approx(want[0], rel=1e-12)
    for g, w in zip(got[1], want[1], strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-12)
