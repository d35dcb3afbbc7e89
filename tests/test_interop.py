"""SymPy interop: exact round trips for every op of the table."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given

import symdiff
from symdiff import from_sympy, parse, to_sympy
from symdiff._ops import FUNCTIONS
from tests.strategies import KINKED, SMOOTH, close, expressions

_ARGUMENTS = ("x*y + 0.25", "y + 2", "x - y")
EVERY_FUNCTION_EXAMPLE = {name: parse(f"{name}({', '.join(_ARGUMENTS[:op.arity])})")
                          for name, op in FUNCTIONS.items()}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_function_round_trips_exactly(name):
    e = EVERY_FUNCTION_EXAMPLE[name]
    s = to_sympy(e)
    back = from_sympy(s)
    assert to_sympy(back) == s
    if name not in ("exp", "expm1"):  # SymPy splits exp(a + 0.25) into 1.284…·exp(a)
        assert back.op is e.op  # SymPy may reorder the sum inside; the function survives
    try:
        expected = e.evaluate(x=0.3, y=0.6)
    except symdiff.DomainError:
        return  # polygamma(n, x) needs an integer n
    assert back.evaluate(x=0.3, y=0.6) == pytest.approx(expected, rel=1e-15)


@given(expressions(SMOOTH + KINKED + ("sign", "step", "asin", "acos")))
def test_round_trip_through_sympy(e):
    s = to_sympy(e)
    if s.has(sympy.zoo, sympy.oo, sympy.nan):  # e.g. log(0): SymPy folds to infinity
        with pytest.raises(symdiff.ConversionError):
            from_sympy(s)
        return
    back = from_sympy(s)
    assert to_sympy(back) == s
    at = {"x": 0.7, "y": 1.3, "z": 0.4}
    try:
        expected = e.evaluate(at)
    except symdiff.DomainError:
        return
    try:
        got = back.evaluate(at)
    except symdiff.DomainError:
        return  # SymPy may rewrite into a form with a different domain, e.g. sqrt(x)**2 → x
    assert close(got, expected, rel=1e-9, abs_=1e-12)


def test_numbers_stay_exact():
    assert to_sympy(parse("1/3")) == sympy.Rational(1, 3)
    assert from_sympy(sympy.Rational(1, 3)) is parse("1/3")
    assert to_sympy(symdiff.Constant(0.1)) == sympy.Float(0.1, precision=53)
    assert from_sympy(to_sympy(symdiff.Constant(0.1))).value == 0.1


def test_sigmoid_in_sympy_differentiates_and_evaluates():
    s = to_sympy(parse("sigmoid(x)"))
    x = sympy.Symbol("x")
    assert float(sympy.diff(s, x).subs(x, 0)) == 0.25
    assert float(s.subs(x, 0)) == 0.5


def test_a_product_over_a_power_sympy_reads_as_a_sigmoid_converts():
    # c/(exp(w) + 1): the factor (exp(w) + 1)**-1 is recognised whole as sigmoid(-w), so its
    # base is never converted; reading it as a denominator raised a bare KeyError.
    c, w = sympy.symbols("c w")
    assert str(from_sympy(c / (sympy.exp(w) + 1))) == "c*sigmoid(-w)"
    loss = symdiff.workloads.network_loss(expanded=True)  # W3 in SymPy's form, and back
    back = from_sympy(to_sympy(loss.expr))
    assert close(back.evaluate(loss.at), loss.expr.evaluate(loss.at))


@pytest.mark.parametrize("bad", [
    # f(x) is an undefined function now (symdiff.Function); one named like a constant is not
    sympy.oo, sympy.I, sympy.zoo, sympy.Function("E")(sympy.Symbol("x")),
    "not an expression ((", object(),
])
def test_unrepresentable_sympy_raises(bad):
    with pytest.raises(symdiff.ConversionError):
        from_sympy(bad)


def test_sympy_e_and_negative_powers():
    x = sympy.Symbol("x")
    assert from_sympy(sympy.E) is symdiff.E and from_sympy(sympy.pi) is symdiff.pi
    assert to_sympy(symdiff.pi) is sympy.pi and to_sympy(symdiff.exp(1)) is sympy.E
    assert str(from_sympy(1 / x**2)) == "1/x**2"
    assert str(from_sympy(x ** sympy.Rational(-1, 2))) == "1/sqrt(x)"


def test_too_deep_for_sympy_is_a_conversion_error():
    with pytest.raises(symdiff.ConversionError, match="deep"):
        to_sympy(symdiff.workloads.nested_sin(5000))


# --- what a SymPy user does, without traps ---------------------------------------------------

def test_symbols_are_plain_sympy_symbols():
    s = to_sympy(parse("x*y"))
    assert s.free_symbols == {sympy.Symbol("x"), sympy.Symbol("y")}
    assert to_sympy(parse("x"), real=False) == sympy.Symbol("x")
    real = to_sympy(parse("x"), real=True)
    assert real == sympy.Symbol("x", real=True) and real.is_real
    assert from_sympy(real) is parse("x")  # back by name, whatever the assumptions


@pytest.mark.parametrize("text", [
    "x*sin(x)", "sigmoid(w*x + b)", "exp(-x**2/2)/sqrt(1 + x**2)", "log(1 + exp(x))*tanh(x)",
    "sigmoid(x)*(1 - sigmoid(x)) + atan(x)", "x**3 - 2*x + 1/x",
])
def test_sympy_diff_of_to_sympy_agrees_with_symdiff(text):
    # The user's check: plain SymPy symbols, sympy.diff against symdiff.diff.
    e = parse(text)
    x = sympy.Symbol("x")
    difference = sympy.diff(to_sympy(e), x) - to_sympy(symdiff.diff(e, symdiff.Symbol("x")))
    assert sympy.simplify(difference) == 0


@pytest.mark.parametrize(("text", "form"), [
    ("sigmoid(x)", 1 / (1 + sympy.exp(-sympy.Symbol("x")))),
    ("relu(x)", sympy.Max(0, sympy.Symbol("x"))),
    ("step(x)", sympy.Heaviside(sympy.Symbol("x"), 0)),
])
def test_functions_sympy_lacks_are_written_in_its_terms(text, form):
    x = sympy.Symbol("x")
    s = to_sympy(parse(text))
    assert s == form
    assert from_sympy(form) is parse(text)  # recognised back
    f = sympy.lambdify(x, s)  # SymPy's own printers understand it
    assert f(0.5) == pytest.approx(parse(text).evaluate(x=0.5))
    assert sympy.latex(s) and sympy.simplify(s - form) == 0


def test_sigmoid_survives_float_offsets_and_sympy_derivatives_evaluate():
    x = sympy.Symbol("x")
    e = parse("sigmoid(x + 0.25)")
    s = to_sympy(e)
    assert from_sympy(s).op is e.op
    d = sympy.lambdify(x, sympy.diff(s, x))
    assert d(0.3) == pytest.approx(symdiff.diff(e, symdiff.Symbol("x")).evaluate(x=0.3))


def test_heaviside_with_another_value_at_zero_is_refused():
    with pytest.raises(symdiff.ConversionError, match="H"):
        from_sympy(sympy.Heaviside(sympy.Symbol("x")))


def test_the_bridge_owns_its_tables():
    from symdiff.interop import FROM_SYMPY, TO_SYMPY

    assert set(FROM_SYMPY) == set(TO_SYMPY)  # every form written is recognised back
    assert {"sigmoid", "relu", "step", "softplus"} <= set(TO_SYMPY)


def test_softplus_when_registered_goes_both_ways():
    import math

    from symdiff.extend import register_op, unregister_op

    if "softplus" in symdiff.OPS:
        op = symdiff.OPS["softplus"]
        registered = False
    else:
        op = register_op("softplus", lambda v: math.log1p(math.exp(v)),
                         lambda F, a, out: F.sigmoid(a))
        registered = True
    try:
        x = sympy.Symbol("x")
        e = parse("softplus(x)")
        assert e.op is op
        s = to_sympy(e)
        assert s == sympy.log(1 + sympy.exp(x))
        assert from_sympy(s) is e
        d = to_sympy(symdiff.diff(e, symdiff.Symbol("x")))
        assert sympy.simplify(sympy.diff(s, x) - d) == 0
    finally:
        if registered:
            unregister_op("softplus")
