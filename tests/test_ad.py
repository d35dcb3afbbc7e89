"""Numeric forward and reverse AD: the seed's traces number by number, and agreement with
symbolic differentiation and central differences."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import symdiff
from symdiff import (
    Constant,
    DifferentiationError,
    DomainError,
    MissingValueError,
    SymdiffError,
    symbols,
    workloads,
)
from symdiff.ad import Tape, adjoints, forward_trace, gradient, jvp, reverse_trace, vjp
from tests.strategies import SMOOTH, VARIABLES, expressions, points, value_or_none

x, w, b, y = symbols("x w b y")
SEED = workloads.seed_sigmoid()


def test_seed_forward_mode_steps():
    trace = forward_trace(SEED.expr, SEED.at, w)
    assert [s.name for s in trace.steps] == ["h1", "h2", "h3", "h4", "h5", "h6"]
    assert [s.operation for s in trace.steps] == [
        "w*x", "h1 + b", "-h2", "exp(h3)", "h4 + 1", "1/h5"]
    assert [s.value for s in trace.steps] == [0.0, 0.0, 0.0, 1.0, 2.0, 0.5]
    # The seed: ∂hᵢ/∂w = 1, 1, −1, −1, −1, 0.25.
    assert [s.derivative for s in trace.steps] == [1.0, 1.0, -1.0, -1.0, -1.0, 0.25]
    assert trace.value == 0.5 and trace.derivative == 0.25 and trace.wrt == "w"
    assert dict(trace.steps[0].partials) == {"w": 1.0, "x": 0.0}      # ∂h1/∂w = x = 1
    assert dict(trace.steps[1].partials) == {"h1": 1.0, "b": 1.0}     # ∂h2/∂b = 1
    assert dict(trace.steps[2].partials) == {"h2": -1.0}              # ∂h3/∂h2 = −1
    assert dict(trace.steps[3].partials) == {"h3": 1.0}               # exp(h3) = 1
    assert dict(trace.steps[4].partials) == {"h4": 1.0}
    assert dict(trace.steps[5].partials) == {"h5": -0.25}             # −1/h5²
    text = str(trace)
    assert "∂hᵢ/∂w" in text and "h6   | 1/h5" in text and "derivative = 0.25" in text
    by_b = forward_trace(SEED.expr, SEED.at, {b: 1.0})
    assert [s.derivative for s in by_b.steps] == [0.0, 1.0, -1.0, -1.0, -1.0, 0.25]


def test_seed_reverse_mode_adjoints():
    trace = reverse_trace(SEED.expr, SEED.at)
    adjoint = {s.name: s.derivative for s in trace.steps}
    assert adjoint == {"h6": 1.0, "h5": -0.25, "h4": -0.25, "h3": -0.25, "h2": 0.25,
                       "h1": 0.25}
    assert trace.gradient == {b: 0.25, w: 0.25, x: 0.0}
    assert trace.value == 0.5
    text = str(trace)
    assert text.index("h6 ") < text.index("h1 ")  # printed in the backward sweep's order
    assert "∂f/∂w = 0.25" in text and "∂f/∂b = 0.25" in text


def test_one_shot_functions_on_the_seed():
    assert jvp(SEED.expr, SEED.at, {w: 1.0}) == (0.5, 0.25)
    assert jvp(SEED.expr, SEED.at, "b") == (0.5, 0.25)
    assert jvp(SEED.expr, SEED.at, {w: 2.0, b: -1.0}) == (0.5, 0.25)
    assert gradient(SEED.expr, SEED.at) == {b: 0.25, w: 0.25, x: 0.0}
    assert gradient(SEED.expr, SEED.at, wrt=[w, b, y]) == {w: 0.25, b: 0.25, y: 0.0}
    value, grads = vjp(SEED.expr, SEED.at, 4.0)
    assert value == 0.5 and grads[w] == 1.0


def test_vjp_of_several_outputs():
    outputs = [x * y, x + y, Constant(7)]
    values, grads = vjp(outputs, {x: 2.0, y: 3.0}, [1.0, 10.0, 5.0])
    assert values == (6.0, 5.0, 7.0)
    assert grads == {x: 13.0, y: 12.0}
    values, tangents = jvp(outputs, {x: 2.0, y: 3.0}, {x: 1.0})
    assert tangents == (3.0, 1.0, 0.0)
    # The same output twice: adjoints add up.
    assert vjp([x * y, x * y], {x: 2.0, y: 3.0}, [1.0, 2.0])[1] == {x: 9.0, y: 6.0}
    with pytest.raises(SymdiffError, match="cotangent"):
        vjp(outputs, {x: 2.0, y: 3.0})
    with pytest.raises(SymdiffError, match="cotangents"):
        vjp(outputs, {x: 2.0, y: 3.0}, [1.0])


def test_adjoints_are_backpropagation():
    z = w * x + b
    loss = (symdiff.sigmoid(z) - 1) ** 2
    at = {x: 2.0, w: 0.5, b: -0.25}
    adj = adjoints(loss, at)
    s = 1 / (1 + math.exp(-(0.5 * 2 - 0.25)))
    dc_dz = 2 * (s - 1) * s * (1 - s)
    assert adj[z] == pytest.approx(dc_dz, rel=1e-15)
    # ∂C/∂w = ∂z/∂w · ∂C/∂z = x · ∂C/∂z
    assert adj[w] == pytest.approx(2.0 * dc_dz, rel=1e-15)


def test_tapes_are_reusable_and_take_sequences():
    tape = Tape(SEED.expr)
    assert tape.inputs == (b, w, x)
    assert tape.n_operations == 6
    assert tape.evaluate([0.0, 0.0, 1.0]) == (0.5,)
    assert tape.jvp([0.0, 0.0, 1.0], [0.0, 1.0, 0.0]) == ((0.5,), (0.25,))
    assert tape.gradient([0.0, 0.0, 1.0]) == {b: 0.25, w: 0.25, x: 0.0}
    assert tape.slot_of(w) == 1
    with pytest.raises(SymdiffError, match="expected 3 values"):
        tape.evaluate([1.0])
    with pytest.raises(SymdiffError, match="not part"):
        tape.slot_of(y)
    assert Tape(Constant(3)).gradient({}) == {}
    assert Tape(x).gradient({x: 5.0}) == {x: 1.0}


def test_operation_counts():
    tape = Tape(SEED.expr)
    assert tape.count_operations("evaluate") == 6
    assert tape.count_operations("forward", w) == 6 + 6   # one chain-rule term per step
    assert tape.count_operations("forward", x) == 6 + 6
    assert tape.count_operations("forward", b) == 6 + 5
    assert tape.count_operations("reverse") == 6 + 8      # every edge into a live node
    with pytest.raises(SymdiffError, match="mode"):
        tape.count_operations("sideways")


def test_errors():
    with pytest.raises(MissingValueError, match="'w'"):
        gradient(SEED.expr, {x: 1.0, b: 0.0})
    with pytest.raises(DomainError):
        gradient(symdiff.log(x), {x: -1.0})
    with pytest.raises(DomainError, match="derivative of sqrt"):
        gradient(symdiff.sqrt(x), {x: 0.0})        # the value exists, the derivative does not
    with pytest.raises(DomainError, match="derivative of sqrt"):
        jvp(symdiff.sqrt(x), {x: 0.0}, x)
    with pytest.raises(DifferentiationError):
        gradient(x * y, {x: 1, y: 2}, wrt=[x * y])
    with pytest.raises(SymdiffError, match="one output"):
        Tape([x, y]).gradient({x: 1, y: 2})
    with pytest.raises(SymdiffError):
        jvp("x*y", {x: 1.0}, x)


@given(expressions(SMOOTH, max_leaves=10), points, st.sampled_from(VARIABLES))
def test_forward_and_reverse_agree_with_symbolic(e, at, v):
    assume(value_or_none(e, at) is not None)
    try:
        grads = gradient(e, at, wrt=list(VARIABLES))
        value, tangent = jvp(e, at, v)
    except DomainError:
        # A local partial is undefined: the symbolic derivatives cannot be evaluated either.
        assert any(value_or_none(d, at) is None for d in symdiff.grad(e, list(VARIABLES)))
        return
    symbolic = value_or_none(symdiff.diff(e, v), at)
    assume(symbolic is not None)
    assert value == e.evaluate(at)
    assert math.isclose(tangent, symbolic, rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(grads[v], symbolic, rel_tol=1e-9, abs_tol=1e-9)


def test_network_loss_gradient_matches_symbolic_reverse_mode():
    wl = workloads.network_loss(hidden=4, points=6)
    g = gradient(wl.expr, wl.at)
    exact = symdiff.grad(wl.expr, wl.wrt)
    for v, d in zip(wl.wrt, exact, strict=True):
        assert g[v] == pytest.approx(d.evaluate(wl.at), rel=1e-12, abs=1e-12)
        assert jvp(wl.expr, wl.at, v)[1] == pytest.approx(g[v], rel=1e-12, abs=1e-12)


def test_deep_expressions_do_not_recurse():
    deep = workloads.nested_sin(20000)
    value, tangent = jvp(deep, {x: 0.5}, x)
    assert value == deep.evaluate({x: 0.5})
    g = gradient(deep, {x: 0.5})
    assert g[x] == pytest.approx(tangent, rel=1e-12)
    assert tangent == pytest.approx(symdiff.diff(deep, x).evaluate({x: 0.5}), rel=1e-12)
    trace = reverse_trace(workloads.logistic_map(2000), {x: 0.3})
    assert len(trace.steps) == 3 * 2000 - 3
