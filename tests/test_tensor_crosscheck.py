"""The tensor derivative agrees with the scalar one (via scalarize), central differences and JAX."""

from __future__ import annotations

import numpy as np
import pytest

import symdiff as sd
from symdiff import Tensor
from symdiff.tensor import element_symbols, scalar_values

RNG = np.random.default_rng(7)
N, H, D = 5, 4, 3
W, b0, c = Tensor("W", (H, D)), Tensor("b0", (H,)), Tensor("c", (H,))
X, t, xs = Tensor("X", (N, D)), Tensor("t", (N,)), Tensor("xs", (D,))
b, ts = sd.symbols("b ts")
PARAMS = [W, b0, c, b]


def point():
    return {W: RNG.normal(size=(H, D)), b0: RNG.normal(size=H), c: RNG.normal(size=H), b: 0.4,
            X: RNG.normal(size=(N, D)), t: RNG.normal(size=N), xs: RNG.normal(size=D),
            ts: -0.3}


def flat_symbols(var):
    return list(element_symbols(var).flat) if isinstance(var, sd.TensorExpr) else [var]


def seed_vector_loss():
    return (b + c @ sd.sigmoid(W @ xs + b0) - ts) ** 2


def seed_data_loss():
    return sd.sum((b + sd.sigmoid(X @ W.T + b0) @ c - t) ** 2)


@pytest.mark.parametrize("loss", [seed_vector_loss, seed_data_loss])
def test_tensor_gradient_equals_scalarized_gradient_at_random_points(loss):
    L = loss()
    scalar = sd.scalarize(L)
    assert isinstance(scalar, sd.Expr)
    wrt = [s for v in PARAMS for s in flat_symbols(v)]
    scalar_grad = sd.grad(scalar, wrt)
    tensor_grad = sd.grad(L, PARAMS)
    for _ in range(3):
        values = point()
        at = scalar_values(values)
        tensor_flat = np.concatenate([np.ravel(g.evaluate(values)) for g in tensor_grad])
        scalar_flat = np.array([g.evaluate(at) for g in scalar_grad])
        np.testing.assert_allclose(tensor_flat, scalar_flat, rtol=1e-12, atol=1e-13)
        # and both agree with central differences of the scalarized loss
        h = 1e-6
        for symbol, expected in zip(wrt, scalar_flat, strict=True):
            plus = scalar.evaluate({**at, symbol: at[symbol] + h})
            minus = scalar.evaluate({**at, symbol: at[symbol] - h})
            assert (plus - minus) / (2 * h) == pytest.approx(expected, rel=1e-5, abs=1e-7)


def test_scalarized_tensor_gradient_is_the_scalar_gradient_elementwise():
    L = seed_vector_loss()
    values = point()
    at = scalar_values(values)
    gW = sd.scalarize(sd.grad(L, W))  # nested tuples of scalar expressions, shape (H, D)
    assert len(gW) == H and all(len(row) == D for row in gW)
    direct = sd.grad(sd.scalarize(L), flat_symbols(W))
    for row, i in zip(gW, range(H), strict=True):
        for e, j in zip(row, range(D), strict=True):
            assert e.evaluate(at) == pytest.approx(direct[i * D + j].evaluate(at), rel=1e-12)


def test_scalarize_of_each_op_evaluates_like_the_tensor():
    A, x = Tensor("A", (3, 3)), Tensor("x", (3,))
    values = {A: RNG.normal(size=(3, 3)) + 3 * np.eye(3), x: RNG.normal(size=3)}
    exprs = [sd.det(A), sd.logdet(A), sd.inv(A) @ x, sd.norm(A), sd.trace(A @ A), sd.diag(A),
             sd.diag(x), sd.einsum("ij,j->i", A, x), sd.concatenate([x, x[::-1]]),
             sd.outer(x, x)[1:, :2], sd.reshape(A, (9,)), sd.mean(A, axis=1), A.T * x]
    at = scalar_values(values)
    for e in exprs:
        want = e.evaluate(values)
        got = np.vectorize(lambda s: s.evaluate(at), otypes=[float])(
            np.array(sd.scalarize(e), dtype=object))
        np.testing.assert_allclose(got, want, rtol=1e-10, err_msg=str(e))


def test_tensor_gradient_agrees_with_jax_grad():
    jax = pytest.importorskip("jax")
    jnp = pytest.importorskip("jax.numpy")
    values = point()

    def loss(w, bias0, cc, bb):
        z = values[X] @ w.T + bias0
        return jnp.sum((bb + jax.nn.sigmoid(z) @ cc - values[t]) ** 2)

    with jax.enable_x64(True):
        expected = jax.grad(loss, argnums=(0, 1, 2, 3))(
            *(jnp.asarray(values[v], dtype=jnp.float64) for v in PARAMS))
    for g, want in zip(sd.grad(seed_data_loss(), PARAMS), expected, strict=True):
        np.testing.assert_allclose(g.evaluate(values), np.asarray(want), rtol=1e-12)


def test_tensor_swell_is_constant_while_the_scalarized_graph_grows():
    from symdiff.tensor import logistic_swell, network_swell, swell_table
    rows = network_swell([1, 4, 16], [1, 8])
    assert len({(r.tensor_function, r.tensor_gradient) for r in rows}) == 1
    scalar = {r.sizes: r.scalar_gradient for r in rows}
    assert scalar[(16, 8)] > 3 * scalar[(4, 8)] > 9 * scalar[(1, 8)]  # grows as N·H
    assert scalar[(16, 8)] > 6 * scalar[(16, 1)]
    logistic = logistic_swell([1, 100, 1000])
    assert len({r.tensor_gradient for r in logistic}) == 1
    assert logistic[-1].scalar_gradient > 9 * logistic[-2].scalar_gradient
    table = swell_table(rows, ["H", "N"])
    assert table.splitlines()[0].startswith("| H | N | tensor f")


def test_counted_sizes_equal_the_built_ones():
    from symdiff.tensor import logistic_swell, network_swell
    sizes = ([1, 2, 3, 6, 11], [1, 4, 9, 13])
    built = network_swell(*sizes, limit=10**9)
    counted = network_swell(*sizes, limit=0)
    assert not any(r.counted for r in built)
    assert [r.counted for r in counted] == [max(r.sizes) >= 3 for r in counted]
    assert [(r.scalar_function, r.scalar_gradient) for r in counted] == [
        (r.scalar_function, r.scalar_gradient) for r in built]
    built = logistic_swell([1, 2, 5, 40], limit=10**9)
    counted = logistic_swell([1, 2, 5, 40], limit=0)
    assert [(r.scalar_function, r.scalar_gradient) for r in counted] == [
        (r.scalar_function, r.scalar_gradient) for r in built]
    # Counted far beyond what is built: the exact polynomial (nodes 1 + 5H + 7N + 9NH etc.).
    big = network_swell([1000], [10_000], limit=0)[0]
    assert (big.scalar_function, big.scalar_gradient, big.counted) == (90_075_001, 210_070_002,
                                                                        True)


def test_counting_refuses_a_graph_whose_size_is_not_of_degree_one():
    from symdiff.tensor import counted_size

    def quadratic(sizes):  # sum(outer(x, x)): n² products, not of degree one in n
        x = Tensor("x", sizes)
        labels = {s: ((0, i),) for i, s in enumerate(element_symbols(x).flat)}
        return sd.sum(sd.outer(x, x)), [x], labels

    with pytest.raises(sd.SymdiffError, match="not of degree one"):
        counted_size(quadratic, (100,))


def test_counting_refuses_when_a_graph_built_in_the_same_call_disagrees():
    from symdiff.tensor._swell import _rows

    def late_quadratic(sizes):  # degree one up to n = 19, then n² more products
        x = Tensor("x", sizes)
        loss = sd.sum(x * x) + (sd.sum(sd.outer(x, x)) if sizes[0] >= 20 else 0)
        return loss, [x], {}

    assert [r.counted for r in _rows(late_quadratic, [(9,), (30,)], limit=10)] == [False, True]
    with pytest.raises(sd.SymdiffError, match="differs from the graph built there"):
        _rows(late_quadratic, [(20,), (30,)], limit=25)


def test_tensor_swell_figure_shows_function_and_gradient(tmp_path):
    from symdiff.studies import tensor_swell
    from symdiff.tensor import logistic_swell, network_swell
    network, logistic = network_swell([1, 3], [1, 4], limit=4), logistic_swell([1, 5])
    fig = tensor_swell.figure(network, logistic)
    left, right = fig.axes
    plotted = {tuple(line.get_ydata()) for line in left.lines + right.lines}
    for rows in (network, logistic):
        for value in ("scalar_function", "scalar_gradient", "tensor_function",
                      "tensor_gradient"):
            assert any(set(ys) >= {getattr(r, value) for r in rows if r.sizes[0] == 3
                                   or len(r.sizes) == 1} for ys in plotted), value
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "tensor: f 16, ∇ 27 nodes" in texts and "tensor: f 13, ∇ 24 nodes" in texts
    legend = [t.get_text() for t in right.get_legend().get_texts()]
    assert {"∇ (gradient)", "f (function)", "counted, not built"} <= set(legend)


def test_swell_table_marks_counted_rows():
    from symdiff.tensor import network_swell, swell_table
    table = swell_table(network_swell([3], [1, 5], limit=5), ["H", "N"]).splitlines()
    assert table[2].endswith("| built |") and table[3].endswith("| counted |")


@pytest.mark.slow
def test_the_docs_tables_are_what_the_study_prints():
    from pathlib import Path

    from symdiff.studies import tensor_swell
    docs = (Path(__file__).resolve().parent.parent / "docs" / "tensors.md").read_text()
    printed = tensor_swell.format_study(*tensor_swell.study())
    for table in printed.split("\n\n"):
        if table.startswith("|"):
            assert table in docs


def test_swell_cli_tensor_study(tmp_path, capsys):
    from symdiff.cli import main
    assert main(["swell", "tensor", "--plot", str(tmp_path / "t.svg")]) == 0
    out = capsys.readouterr().out
    assert "| 1,000 | 10,000 | 16 | 27 | 90,075,001 | 210,070,002 | counted |" in out
    assert (tmp_path / "t.svg").read_text().startswith("<?xml")


def test_tensor_benchmark_quick_run():
    import os
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "benchmarks/bench_tensor.py", "--quick"], cwd=root,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr
    assert "| 5 | 100 | symdiff (NumPy) |" in done.stdout
    assert "hand-written backprop | " in done.stdout


def test_tensor_swell_figure(tmp_path):
    from symdiff.studies import tensor_swell
    from symdiff.tensor import logistic_swell, network_swell
    fig = tensor_swell.figure(network_swell([1, 3], [1, 4]), logistic_swell([1, 5]))
    from symdiff._figures import save_figure
    assert save_figure(fig, tmp_path / "s.svg").read_text().startswith("<?xml")
