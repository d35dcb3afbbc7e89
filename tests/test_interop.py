"""SymPy interop: exact round trips for every op of the table."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given

import symdiff
from symdiff import from_sympy, parse, to_sympy
from symdiff._ops import FUNCTIONS
from tests.strategies import KINKED, SMOOTH, close, expressions

EVERY_FUNCTION_EXAMPLE = {name: parse(f"{name}(x*y + 0.25)") for name in FUNCTIONS}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_function_round_trips_exactly(name):
    e = EVERY_FUNCTION_EXAMPLE[name]
    s = to_sympy(e)
    back = from_sympy(s)
    assert to_sympy(back) == s
    if name != "exp":  # SymPy splits exp(a + 0.25) into 1.284…·exp(a)
        assert back.op is e.op  # SymPy may reorder the sum inside; the function survives
    assert back.evaluate(x=0.3, y=0.6) == pytest.approx(e.evaluate(x=0.3, y=0.6), rel=1e-15)


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
    x = sympy.Symbol("x", real=True)
    assert float(sympy.diff(s, x).subs(x, 0)) == 0.25
    assert float(s.subs(x, 0)) == 0.5


@pytest.mark.parametrize("bad", [
    sympy.pi, sympy.oo, sympy.I, sympy.Function("f")(sympy.Symbol("x")),
    "not an expression ((", object(),
])
def test_unrepresentable_sympy_raises(bad):
    with pytest.raises(symdiff.ConversionError):
        from_sympy(bad)


def test_sympy_e_and_negative_powers():
    x = sympy.Symbol("x")
    assert from_sympy(sympy.E) is symdiff.exp(1)
    assert str(from_sympy(1 / x**2)) == "1/x**2"
    assert str(from_sympy(x ** sympy.Rational(-1, 2))) == "1/sqrt(x)"


def test_too_deep_for_sympy_is_a_conversion_error():
    with pytest.raises(symdiff.ConversionError, match="deep"):
        to_sympy(symdiff.workloads.nested_sin(5000))
