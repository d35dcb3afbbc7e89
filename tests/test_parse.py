"""The parser: round trips with printing, positions in errors, no eval, unlimited depth."""

from __future__ import annotations

import pytest
from hypothesis import given

import symdiff
from symdiff import ParseError, Symbol, parse
from tests.strategies import KINKED, SMOOTH, expressions


@pytest.mark.parametrize("text", [
    "x", "2", "2.0", "-2", "1e-05", "x + y", "x - (y - z)", "x - y - z", "x*(y + z)",
    "x**y**z", "(x**y)**z", "-x**2", "(-x)**2", "x/(y*z)", "x/y/z", "2*x", "-(x*y)",
    "sin(x)*cos(y)", "1/(exp(-(w*x + b)) + 1)", "x*(-y)", "x**(-1)", "sigmoid(relu(x))",
    "`my var` + 1", "`sin` + 2", "`a``b`*x", "x - -2", "-2*x",
])
def test_printed_text_parses_back_to_the_same_object(text):
    e = parse(text)
    assert parse(str(e)) is e


@given(expressions(SMOOTH + KINKED + ("sign", "step", "asin", "acos", "cosh")))
def test_str_parse_round_trip_random(e):
    assert parse(str(e)) is e


def test_python_precedence():
    x, y = symdiff.symbols("x y")
    assert parse("-x**2") is -(x ** 2)
    assert parse("-2*x") is -2 * x
    assert parse("2**-x") is 2 ** (-x)
    assert parse("x - y + 1") is (x - y) + 1
    assert parse("+x") is x


@pytest.mark.parametrize(("text", "position", "message"), [
    ("x +", 3, "unexpected end"),
    ("x + foo(y)", 4, "unknown function 'foo'"),
    ("(x + 1", 0, "never closed"),
    ("x + 1)", 5, "unmatched"),
    ("x < < 2", 4, "expected an operand"),
    ("x y", 2, "expected an operator"),
    ("sin(x, y)", 0, "takes 1"),
    ("sin()", 0, "needs 1"),
    ("exp + 1", 0, "is a function"),
    ("x # 2", 2, "unexpected character"),
    ("__import__('os')", 11, "unexpected character"),
    ("__import__(x)", 0, "unknown function"),
    ("$1 + 1", 0, "before it is assigned"),
    ("", 0, "expected an expression"),
    ("x = 2", 0, "only [$]k"),
])
def test_parse_errors_name_the_position(text, position, message):
    with pytest.raises(ParseError, match=message) as info:
        parse(text)
    assert info.value.position == position
    assert isinstance(info.value, symdiff.SymdiffError)


def test_parse_rejects_non_strings():
    with pytest.raises(ParseError):
        parse(42)


def test_shared_form_parses():
    e = parse("$1 = x*(1 - x); $2 = 4*$1*(1 - $1)\n$2 + $1")
    x = Symbol("x")
    l2 = 4 * (x * (1 - x)) * (1 - x * (1 - x))
    assert e is l2 + x * (1 - x)


def test_deep_nesting_parses_without_recursion():
    depth = 50000
    text = "sin(" * depth + "x" + ")" * depth
    e = parse(text)
    assert symdiff.depth(e) == depth
    assert parse("(" * depth + "x" + ")" * depth) is Symbol("x")
