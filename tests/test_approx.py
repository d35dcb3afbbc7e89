"""Universal approximation: gradient descent on symdiff's gradient actually fits."""

from __future__ import annotations

import math

import pytest

import symdiff
from symdiff import SymdiffError, approx
from symdiff.ad import gradient


def test_network_and_loss():
    y, params = approx.network(3)
    assert [p.name for p in params] == ["b", "c0", "c1", "c2", "b0", "b1", "b2", "w0", "w1",
                                        "w2"]
    loss, same = approx.mse_loss([0.0, 1.0], [1.0, 2.0], 3)
    assert same == params
    theta = {p: 0.1 * (i + 1) for i, p in enumerate(params)}
    x = symdiff.Symbol("x")

    def model(at_x):
        return y.evaluate({**theta, x: at_x})

    expected = ((model(0.0) - 1.0) ** 2 + (model(1.0) - 2.0) ** 2) / 2
    assert loss.evaluate(theta) == pytest.approx(expected, rel=1e-15)


def test_gradient_function_is_symdiffs_gradient():
    loss, params = approx.mse_loss([-0.5, 0.25, 1.0], [0.0, 1.0, 0.5], 2)
    value_and_grad, backend = approx.gradient_function(loss, params)
    theta = [0.3, -0.2, 0.5, 0.1, -0.4, 2.0, -1.5]
    value, g = value_and_grad(theta)
    at = dict(zip(params, theta, strict=True))
    assert value == pytest.approx(loss.evaluate(at), rel=1e-14)
    reverse = gradient(loss, at)
    assert g == pytest.approx([reverse[p] for p in params], rel=1e-12, abs=1e-15)
    assert "symdiff" in backend


def test_fits_the_piecewise_linear_target():
    xs, ys = approx.piecewise_linear_target(20)
    result = approx.fit(xs, ys, hidden=3, steps=500)
    assert result.mse < 1e-3                   # the threshold stated in the example
    assert result.mse < result.history[0] / 100
    assert len(result.history) == 501
    # The prediction is the constant plus the units (the seed's ramps).
    assert result.predict(0.1) == pytest.approx(result.params["b"] + sum(result.units(0.1)))
    worst = max(abs(result.predict(x) - t) for x, t in zip(xs, ys, strict=True))
    assert worst < 0.08
    assert approx.fit(xs, ys, hidden=3, steps=500) == result   # deterministic


def test_more_units_fit_a_smooth_curve_better():
    xs, ys = approx.sine_target(20)
    few = approx.fit(xs, ys, hidden=2, steps=1000)
    many = approx.fit(xs, ys, hidden=6, steps=1000)
    assert many.mse < 1e-4 < 1e-2 < few.mse


def test_plot_is_written(tmp_path):
    xs, ys = approx.piecewise_linear_target(8)
    result = approx.fit(xs, ys, hidden=2, steps=20)
    path = result.plot(str(tmp_path / "fit.png"), title="test")
    with open(path, "rb") as f:
        assert f.read(4) == b"\x89PNG"


def test_bad_input():
    with pytest.raises(SymdiffError, match="hidden"):
        approx.network(0)
    with pytest.raises(SymdiffError, match="same length"):
        approx.fit([0.0, 1.0], [1.0], 2)
    with pytest.raises(SymdiffError, match="learning_rate"):
        approx.fit([0.0, 1.0], [1.0, 0.0], 2, learning_rate=-1)
    with pytest.raises(SymdiffError, match="steps"):
        approx.fit([0.0, 1.0], [1.0, 0.0], 2, steps=-5)
    with pytest.raises(SymdiffError, match="diverged"):
        approx.fit([0.0, 1.0], [1.0, 0.0], 2, steps=200, learning_rate=1e6, momentum=0.0)
    with pytest.raises(SymdiffError, match="points"):
        approx.sine_target(1)
    assert math.isclose(approx.sine_target(5)[1][2], 0.5)
