"""Differentiation: the seed's numbers, SymPy and central differences as oracles, depth."""

from __future__ import annotations

import math

import pytest
import sympy
from hypothesis import assume, given
from hypothesis import strategies as st

import symdiff
from symdiff import diff, grad, hessian, jacobian, symbols, to_sympy
from tests.strategies import (
    KINKED,
    SMOOTH,
    VARIABLES,
    X,
    close,
    expressions,
    points,
    sympy_value,
    value_or_none,
)

x, w, b, y = symbols("x w b y")
SEED_F = 1 / (symdiff.exp(-(w * x + b)) + 1)
SEED_AT = {x: 1.0, w: 0.0, b: 0.0}


def test_seed_worked_example():
    assert SEED_F.evaluate(SEED_AT) == 0.5
    assert diff(SEED_F, w).evaluate(SEED_AT) == 0.25
    assert diff(SEED_F, b).evaluate(SEED_AT) == 0.25
    assert tuple(g.evaluate(SEED_AT) for g in grad(SEED_F, [w, b])) == (0.25, 0.25)


def test_rules_print_as_textbooks_write_them():
    assert str(diff(symdiff.parse("x*sin(x)"), x)) == "sin(x) + x*cos(x)"
    assert str(diff(symdiff.parse("sin(x**2)"), x)) == "2*x*cos(x**2)"
    assert str(diff(SEED_F, w)) == "x*exp(-(w*x + b))/(exp(-(w*x + b)) + 1)**2"
    assert str(diff(symdiff.parse("4*x*(1 - x)"), x)) == "4*(1 - x) - 4*x"


@given(expressions(SMOOTH), points, st.sampled_from(VARIABLES))
def test_diff_agrees_with_sympy(e, at, var):
    d = diff(e, var)
    value = value_or_none(d, at)
    assume(value is not None and value_or_none(e, at) is not None)
    expected = sympy_value(sympy.diff(to_sympy(e), sympy.Symbol(var.name)), at)
    assert close(value, expected, rel=1e-6, abs_=1e-6)


@given(expressions(SMOOTH + KINKED), points, st.sampled_from(VARIABLES))
def test_diff_agrees_with_central_differences(e, at, var):
    d = value_or_none(diff(e, var), at)
    h = 1e-6
    plus = value_or_none(e, {**at, var: at[var] + h})
    minus = value_or_none(e, {**at, var: at[var] - h})
    assume(d is not None and plus is not None and minus is not None)
    assume(abs(d) < 1e6 and abs(plus) < 1e6)
    # Skip points within h of a kink, where the one-sided slopes differ.
    second = value_or_none(diff(e, var, 2), at)
    assume(second is not None and abs(second) < 1e6)
    numeric = (plus - minus) / (2 * h)
    assert close(numeric, d, rel=1e-4, abs_=1e-4)


@given(expressions(SMOOTH + KINKED), points)
def test_grad_agrees_with_diff(e, at):
    partials = grad(e, VARIABLES)
    for var, partial in zip(VARIABLES, partials, strict=True):
        expected = value_or_none(diff(e, var), at)
        got = value_or_none(partial, at)
        assume(expected is not None and got is not None)
        assert close(got, expected, rel=1e-9, abs_=1e-9)


def test_higher_order_and_mixed_partials():
    e = symdiff.parse("x**3*y**2")
    assert diff(e, x, 3) is diff(diff(diff(e, x), x), x)
    assert diff(e, x, 3).evaluate(x=5, y=2) == 24.0
    assert diff(e, x, y).evaluate(x=1, y=1) == 6.0
    assert diff(e, x, 2, y).evaluate(x=1, y=1) == 12.0
    assert diff(e, x, 0) is e
    assert diff(symdiff.sin(x), x, 4) is symdiff.sin(x)


def test_the_hessian_is_forward_over_reverse_on_one_triangle():
    # Every entry equals the reverse sweep of its row's gradient (the old construction), the
    # entry below the diagonal is the very node above it, and the W3 network's Hessian is
    # far smaller than one reverse sweep per row (47,117 nodes).
    w = symdiff.workloads.network_loss()
    wrt = list(w.wrt)
    h = hessian(w.expr, wrt)
    rows = [symdiff.grad(g, wrt) for g in symdiff.grad(w.expr, wrt)]
    for i in range(len(wrt)):
        for j in range(len(wrt)):
            assert h[i][j] is h[j][i]
            assert math.isclose(h[i][j].evaluate(w.at), rows[i][j].evaluate(w.at),
                                rel_tol=1e-12, abs_tol=1e-12)
    assert symdiff.dag_size([e for row in h for e in row]) <= 27_000
    e = symdiff.parse("x**2*y + exp(y)")
    zero = symdiff.Constant(0)
    assert hessian(e, [x, symdiff.Symbol("z"), y])[1] == (zero, zero, zero)  # z not in e


def test_jacobian_and_hessian():
    e = symdiff.parse("x**2*y + sin(x*y)")
    h = hessian(e, [x, y])
    at = {x: 0.3, y: -0.7}
    s = to_sympy(e)
    sx, sy = sympy.symbols("x y")
    for i, u in enumerate((sx, sy)):
        for j, v in enumerate((sx, sy)):
            expected = float(sympy.diff(s, u, v).subs({sx: 0.3, sy: -0.7}))
            assert math.isclose(h[i][j].evaluate(at), expected, rel_tol=1e-12)
    assert h[0][1] is h[1][0] or math.isclose(h[0][1].evaluate(at), h[1][0].evaluate(at))
    j = jacobian([x * y, x + y], [x, y])
    assert [[str(d) for d in row] for row in j] == [["y", "x"], ["1", "1"]]


def test_grad_defaults_to_free_symbols_and_zero_for_absent():
    assert grad(x * y) == (y, x)
    assert grad(x * 2, [x, y]) == (symdiff.Constant(2), symdiff.Constant(0))


@pytest.mark.parametrize("bad", [x * y, 2, "", None, symdiff.Constant(1)])
def test_differentiating_by_non_symbol_raises(bad):
    with pytest.raises(symdiff.DifferentiationError):
        diff(x * y, bad)
    with pytest.raises(symdiff.DifferentiationError):
        grad(x * y, [bad])


def test_diff_argument_errors():
    with pytest.raises(symdiff.DifferentiationError):
        diff(x)
    with pytest.raises(symdiff.DifferentiationError):
        diff(x, 2)
    with pytest.raises(symdiff.DifferentiationError):
        diff(x, x, -1)


def logistic(n: int) -> symdiff.Expr:
    term = X
    for _ in range(n - 1):
        term = 4 * term * (1 - term)
    return term


@pytest.mark.slow
def test_logistic_map_at_depth_10000():
    l = logistic(10000)  # noqa: E741
    d = diff(l, X)
    assert symdiff.tree_size(l) > 10 ** 3000
    assert symdiff.dag_size(d) < 10 * symdiff.dag_size(l)
    assert 0 <= l.evaluate(x=0.3) <= 1
    # |dl/dx| grows like 2^n: it overflows to inf, and inf - inf would be a silent nan;
    # the evaluator reports it (docs/reliability.md, the overflow/nan/inf rule), quickly.
    with pytest.raises(symdiff.DomainError, match=r"is nan .*overflowed"):
        d.evaluate(x=0.3)
    text = str(d)
    assert len(text) < 200 * symdiff.dag_size(d)
    assert symdiff.parse(text) is d
    (g,) = grad(l, [X])
    assert symdiff.dag_size(g) < 10 * symdiff.dag_size(l)
    # Where the derivative is still finite, forward and reverse sweeps agree.
    l500 = logistic(500)
    forward, reverse = diff(l500, X).evaluate(x=0.3), grad(l500, [X])[0].evaluate(x=0.3)
    assert math.isfinite(forward)
    assert math.isclose(forward, reverse, rel_tol=1e-6)


@pytest.mark.slow
def test_hundred_thousand_node_dag():
    e = x
    for i in range(60000):
        e = symdiff.sin(e) * (1 + (i % 7)) if i % 2 else e + symdiff.cos(e)
    assert symdiff.dag_size(e) >= 100000
    d = diff(e, x)
    assert math.isfinite(d.evaluate(x=0.1))
    assert symdiff.parse(str(e)) is e
    (g,) = grad(e, [x])
    assert math.isclose(g.evaluate(x=0.1), d.evaluate(x=0.1), rel_tol=1e-9, abs_tol=1e-12)


def test_gradient_stays_within_three_times_the_function():
    params = symbols("c0:10")
    e = symdiff.Constant(0)
    for i, c in enumerate(params):
        e = e + c * symdiff.sigmoid(params[(i + 1) % 10] + c * x)
    assert symdiff.dag_size(grad(e, params)) <= 3 * symdiff.dag_size(e)


def test_variables_may_be_given_by_name():
    assert diff(x * y, "x") is y
    assert grad(x * y, ["x", "y"]) == (y, x)
    assert symdiff.jacobian([x * y], ["y"]) == ((x,),)


def test_diff_method():
    assert (x**3 * y).diff(x, 2, y) is diff(x**3 * y, x, 2, y)
    assert (x * y).diff("y") is x


def test_gradient_takes_symbol_weights_out_of_sums():
    """Issue 15 item 5b: the output weight cᵢ is multiplied into ∂/∂bᵢ and ∂/∂wᵢ once (not
    once per data point), and σ·(1 − σ)'s product with the adjoint reuses the product the
    sweep made for ∂/∂cᵢ: 2,789 operations became 2,409 on W3."""
    from symdiff import workloads
    from symdiff._program import lower

    w = workloads.network_loss()
    gradient = symdiff.grad(w.expr, w.wrt)
    assert lower(list(gradient)).n_operations <= 2409
    c0 = symdiff.Symbol("c0")
    d_b0 = gradient[w.wrt.index(symdiff.Symbol("b0"))]
    assert d_b0.op.name == "mul" and c0 in d_b0.args
    at = w.at
    step = 1e-6
    for k, v in enumerate(w.wrt):
        up, down = dict(at), dict(at)
        up[v] += step
        down[v] -= step
        numeric = (w.expr.evaluate(up) - w.expr.evaluate(down)) / (2 * step)
        assert abs(gradient[k].evaluate(at) - numeric) < 1e-6 * max(1.0, abs(numeric))


def test_every_adjoint_of_a_sweep_is_complete():
    """The symbolic reverse sweep defers symbol factors internally; asked for every slot,
    it returns each slot's whole adjoint (checked against the numeric sweep)."""
    from symdiff._program import lower
    from symdiff._sweeps import EXPRESSIONS, FLOATS, depends_on, reverse

    x, c, d = symdiff.symbols("x c d")
    f = symdiff.sin(x) * (c * symdiff.sigmoid(x * 2 + d) + d * symdiff.exp(c * symdiff.sin(x))
                          + c * (x + 1))
    program = lower(f)
    live = depends_on(program, range(len(program.inputs)))
    symbolic = reverse(program, program.nodes, [(program.output_slots[0], symdiff.Constant(1))],
                       EXPRESSIONS, live)
    point = {x: 0.3, c: -1.2, d: 0.7}
    values = program.values([point[s] for s in program.inputs], lambda k: float(k.value),
                            lambda op, a: op.evaluate(*a))
    numeric = reverse(program, values, [(program.output_slots[0], 1.0)], FLOATS, live)
    for s, n in zip(symbolic, numeric, strict=True):
        assert (s is None) == (n is None)
        if s is not None:
            assert isinstance(s, symdiff.Expr)
            assert abs(s.evaluate(point) - n) < 1e-12 * max(1.0, abs(n))
    leaves = reverse(program, program.nodes, [(program.output_slots[0], symdiff.Constant(1))],
                     EXPRESSIONS, live, leaves_only=True)
    assert any(isinstance(a, tuple) for a in leaves)  # pairs were deferred in this sweep
    assert leaves[:program.first_equation_slot] == symbolic[:program.first_equation_slot]
