"""Expression core: interning, folding, evaluation, substitution, pickling, errors."""

from __future__ import annotations

import gc
import math
import pickle
from fractions import Fraction

import pytest

import symdiff
from symdiff import Constant, Symbol, parse, symbols
from symdiff._intern import live_count

x, y, w, b = symbols("x y w b")


def test_hash_consing_makes_equal_expressions_identical():
    assert parse("x*y") is parse("x*y")
    assert (x * y + 1) is (x * y + 1)
    assert Symbol("x") is x
    assert Constant(2) is Constant(2)
    assert Constant(2) is not Constant(2.0)
    assert Constant(0.0) is not Constant(-0.0)


def test_intern_table_does_not_leak():
    gc.collect()
    before = live_count()
    e = Symbol("leak_probe")
    for i in range(200):
        e = symdiff.sin(e) * (i + 7)
    assert live_count() >= before + 400
    del e
    gc.collect()
    assert live_count() <= before + 2


@pytest.mark.parametrize(("built", "expected"), [
    (x + 0, x), (0 + x, x), (x * 1, x), (1 * x, x), (x * 0, Constant(0)),
    (x ** 1, x), (x ** 0, Constant(1)), (-(-x), x),  # noqa: B002
    (x - x, Constant(0)),
    (x / 1, x), (x / x, Constant(1)), (Constant(2) + 3, Constant(5)),
    (Constant(6) / 3, Constant(2)), (Constant(2) ** 10, Constant(1024)),
    (Constant(1.5) * 2, Constant(3.0)), (x * -1, -x), (x * 2, 2 * x),
    (x + (-y), x - y), (x - (-y), x + y), (x + -2, x - 2), (3 * (2 * x), 6 * x),
])
def test_construction_folds_only_the_trivial(built, expected):
    assert built is expected


def test_exact_integers_stay_exact():
    half = Constant(1) / 2
    assert half is Constant(Fraction(1, 2)) and half.value == Fraction(1, 2)  # exact rational
    assert str(half) == "1/2"
    assert half - 1 is parse("-1/2") and half * 2 is Constant(1)
    assert symdiff.exp(0) is Constant(1)
    assert symdiff.exp(1).op.name == "exp"  # e is not folded into a float
    assert symdiff.sin(Constant(0.5)).value == math.sin(0.5)


def test_seed_example_value():
    f = 1 / (symdiff.exp(-(w * x + b)) + 1)
    assert f.evaluate({x: 1.0, w: 0.0, b: 0.0}) == 0.5
    assert f.evaluate({"x": 1, "w": 0, "b": 0}) == 0.5
    assert f.evaluate(x=1, w=0, b=0) == 0.5


def test_evaluate_computes_each_shared_node_once():
    calls = []
    op = symdiff.OPS["sin"]
    original = op.evaluate
    object.__setattr__(op, "evaluate", lambda v: calls.append(v) or original(v))
    try:
        s = symdiff.sin(x)
        (s * s + s).evaluate(x=0.3)
    finally:
        object.__setattr__(op, "evaluate", original)
    assert len(calls) == 1


def test_missing_value_and_domain_errors():
    with pytest.raises(symdiff.MissingValueError, match="'y'"):
        (x + y).evaluate(x=1)
    with pytest.raises(symdiff.DomainError):
        symdiff.log(x).evaluate(x=-1)
    with pytest.raises(symdiff.DomainError):
        (1 / x).evaluate(x=0)
    assert symdiff.exp(x).evaluate(x=1e6) == math.inf  # overflow is inf (tests/test_numbers.py)
    with pytest.raises(symdiff.DomainError):
        (x ** 0.5).evaluate(x=-2)
    with pytest.raises(symdiff.EvaluationError):
        x.evaluate(x="not a number")
    with pytest.raises(symdiff.EvaluationError):
        x.evaluate([1, 2])


def test_bad_constructions_raise_symdiff_errors():
    for bad in (float("nan"), float("inf"), True, 1j, "x", None):
        with pytest.raises(symdiff.ConversionError):
            Constant(bad)
    with pytest.raises(symdiff.ConversionError):
        Symbol("")
    with pytest.raises(symdiff.ConversionError):
        symdiff.Expr()
    with pytest.raises(symdiff.ConversionError):
        symdiff.as_expr("x + 1")
    with pytest.raises(symdiff.ConversionError):
        symbols("")


def test_sigmoid_is_stable_and_relu_abs_conventions():
    s = symdiff.sigmoid(x)
    assert s.evaluate(x=-1000.0) == 0.0
    assert s.evaluate(x=1000.0) == 1.0
    assert symdiff.diff(symdiff.relu(x), x).evaluate(x=0) == 0.0
    assert symdiff.diff(abs(x), x).evaluate(x=0) == 0.0
    assert symdiff.diff(abs(x), x).evaluate(x=-2) == -1.0


def test_subs_and_free_symbols():
    e = x * y + symdiff.sin(x)
    assert e.free_symbols == (x, y)
    assert e.subs({y: 2}) is 2 * x + symdiff.sin(x)
    assert e.subs({"x": 0}) is Constant(0)


def test_pickle_round_trip_is_identity_even_when_deep():
    e = x
    for _ in range(20000):
        e = symdiff.sin(e) + 1
    assert pickle.loads(pickle.dumps(e)) is e


def test_symbols_accepts_commas_and_iterables():
    assert symbols("a, b c") == (Symbol("a"), Symbol("b"), Symbol("c"))
    assert symbols(["p", "q"]) == (Symbol("p"), Symbol("q"))


def test_folding_never_makes_infinite_constants():
    e = Constant(1e200) * (Constant(1e200) * x)
    assert e.op.name == "mul"
    assert (Constant(1e300) * 1e300).op.name == "mul"


def test_symbols_follows_sympy_one_name_is_one_symbol():
    import sympy

    u = symbols("u")
    assert isinstance(u, Symbol) and u is Symbol("u")
    assert (u**2).evaluate(u=3) == 9
    for spec in ("u,", "u0:1", ["u"], "u v"):
        assert isinstance(symbols(spec), tuple)
        assert len(symbols(spec)) == len(sympy.symbols(spec))
    assert isinstance(sympy.symbols("u"), sympy.Symbol)
