"""Numbers at the edges: bounded exact folding, folding that keeps float bits, big integers,
and the rule for overflow, nan and inf (docs/reliability.md, "Numbers")."""

from __future__ import annotations

import math
import random
import time
from fractions import Fraction

import pytest

import symdiff
from symdiff import Symbol, parse
from symdiff._traversal import toposort

x = Symbol("x")


def _largest_constant_bits(e: symdiff.Expr) -> int:
    return max((abs(n.value).bit_length() for n in toposort([e])
                if n.is_constant and isinstance(n.value, int)), default=0)


# --- bounded exact folding ----------------------------------------------------------------

def test_every_exact_fold_is_bounded():
    # Sums, products and quotients of exact numbers fold only while the result stays within
    # 4096 bits (before, only powers were capped: a product of huge factors folded unbounded).
    for text in ("2**2000*2**2000*2**2000", "2**2048*2**2048", "x*2**1500*2**1500*2**1500",
                 "(2**2048 - 1)*(2**2048 - 1)*(2**2048 - 1)", "2**2048*2**2048/3",
                 "2**4095 + 2**4095 + 2**4095"):
        assert _largest_constant_bits(parse(text)) <= 4096, text
    assert parse("2**2047*2**2047").value == 2**4094  # within the cap: folded exactly
    assert parse("3*(2*x)") is parse("6*x")
    assert parse("2**2047*2**2047 + 2**2047*2**2047").value == 2**4095
    third = parse("(1/3)*(2/5) + 1/7")  # rationals (issue 12) still fold exactly
    assert third.value == Fraction(2, 15) + Fraction(1, 7)
    huge = Fraction(1, 3**2000)
    kept = symdiff.Constant(huge) * symdiff.Constant(huge) * symdiff.Constant(huge)
    assert kept.op.name == "mul"  # a 9,500-bit denominator is not folded


def test_a_64_kilobyte_product_of_huge_integers_parses_and_evaluates_quickly():
    text = "*".join(["2**2048"] * 8192)  # 64 KB; folding it whole ran past 120 s
    assert len(text) >= 65_535
    start = time.perf_counter()
    e = parse(text)
    assert _largest_constant_bits(e) <= 4096
    assert parse(str(e)) is e
    # Evaluating it redoes the products exactly: bounded too (it also ran past 120 s).
    with pytest.raises(symdiff.DomainError, match="too large for a float"):
        (e * x).evaluate(x=1.0)
    assert time.perf_counter() - start < 30


# --- no float re-association ----------------------------------------------------------------

def test_folding_never_reassociates_floats():
    # -(z*0.1)*1e16 was folded to (-1e15)*z: another rounding, and sin of a huge argument
    # turns the last bit into a different value (3.455 against Python's 2.450).
    e = parse("sin(-(z*0.1)*1e+16)**(-2)")
    rng = random.Random(0)
    for z in [1.0, 0.7, *(rng.uniform(-10, 10) for _ in range(200))]:
        assert e.evaluate(z=z) == math.sin(-(z * 0.1) * 1e16) ** (-2)
    tiny = parse("x*1e-200*1e-200")  # was folded to the constant 0.0
    assert not tiny.is_constant
    assert tiny.evaluate(x=1e300) == 1e300 * 1e-200 * 1e-200
    assert parse("2.0*(3.0*x)") is not parse("6.0*x")
    assert parse("3*(x*2.5)") is not parse("7.5*x")
    # Adjacent constants as written still fold: the very operation evaluation performs.
    assert parse("0.1*3").value == 0.1 * 3
    assert parse("x + 0.1*3") is parse("x + 0.30000000000000004")
    assert parse("1e200*1e200*x").op.name == "mul"  # inf is not a constant: kept as written


def test_zero_times_anything_folds_to_zero():
    # The documented choice (as SymPy; JAX does not fold): 0*f is 0 even where f fails, so
    # derivatives stay small; the folded expression is the one evaluated.
    assert parse("0*log(x)") is symdiff.Constant(0)
    assert parse("0*log(x)").evaluate(x=-1.0) == 0
    with pytest.raises(symdiff.DomainError):
        parse("0.5*log(x)").evaluate(x=-1.0)


# --- big integers -------------------------------------------------------------------------

def test_big_integers_are_symdiff_errors_or_right_values():
    with pytest.raises(symdiff.ParseError, match="4,301 digits"):
        parse("1" * 4301)  # Python's int/str limit: a bare ValueError before
    with pytest.raises(symdiff.ParseError, match="bits"):
        parse("1" * 4300)
    with pytest.raises(symdiff.ConversionError, match="bits"):
        symdiff.Constant(10**5000)
    with pytest.raises(symdiff.ConversionError, match="bits"):
        symdiff.Constant(Fraction(1, 10**5000))
    assert len(str(parse("1" * 4200))) == 4200
    product = parse("*".join(["2**2048"] * 8))  # one 4,933-digit int before: str() raised
    assert parse(str(product)) is product
    assert len(symdiff.latex(product)) > 4000
    with pytest.raises(symdiff.SymdiffError, match="too large for a float"):
        symdiff.lambdify([x], product * x)
    e = parse("2**2048*1.5")  # a bare OverflowError before: the int cannot become a float
    assert e.op.name == "mul"
    assert parse("10**400*x").evaluate(x=1e-300) == pytest.approx(1e100, rel=1e-15)
    assert parse("10**400*x/10**400").evaluate(x=1e-300) == 1e-300


# --- SymPy: bare errors and hangs -----------------------------------------------------------

def test_to_sympy_of_a_float_division_by_zero_is_a_conversion_error():
    pytest.importorskip("sympy")
    with pytest.raises(symdiff.ConversionError, match="zero float"):
        symdiff.to_sympy(parse("1.0/0.0"))  # a bare ZeroDivisionError before
    assert str(symdiff.to_sympy(parse("1/0"))) == "zoo"  # SymPy's own value for ints


def test_simplify_refuses_an_exact_power_sympy_would_never_finish():
    pytest.importorskip("sympy")
    derivative = symdiff.diff(parse("x*9**9**9"), x)  # 9**387420489 stays unfolded
    start = time.perf_counter()
    with pytest.raises(symdiff.ConversionError, match="exact power 9\\*\\*387420489"):
        symdiff.simplify(derivative)  # hung before: SymPy computed the 370M-digit power
    with pytest.raises(symdiff.ConversionError, match="exact power"):
        symdiff.to_sympy(parse("x*2**(10**7/3)"))
    assert time.perf_counter() - start < 5
    assert symdiff.to_sympy(parse("2**1000*x")) is not None  # small powers convert exactly
    assert str(symdiff.to_sympy(parse("9.0**9**9*x"))).endswith("*x")  # a float base: a Float


def test_cli_simplify_of_a_huge_power_is_one_line(capsys):
    from symdiff.cli import main

    assert main(["diff", "--simplify", "x*9**9**9", "x"]) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "exact power" in err
