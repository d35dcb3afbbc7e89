"""Printing: minimal parentheses, LaTeX, bounded shared form for huge trees."""

from __future__ import annotations

import time

import pytest

import symdiff
from symdiff import latex, parse

x, y = symdiff.symbols("x y")


@pytest.mark.parametrize(("text", "expected"), [
    ("x + (y + 1)", "x + (y + 1)"), ("(x + y) + 1", "x + y + 1"), ("x*(y*2)", "x*(2*y)"),
    ("(x**y)**2", "(x**y)**2"), ("x**(y**2)", "x**y**2"), ("-(x + y)", "-(x + y)"),
    ("x*-y", "-(x*y)"), ("(-x)**2", "(-x)**2"), ("x - (y - 1)", "x - (y - 1)"),
    ("2.50*x", "2.5*x"), ("x/(2*y)", "x/(2*y)"), ("sin(x)**2", "sin(x)**2"),
])
def test_minimal_parentheses(text, expected):
    assert str(parse(text)) == expected


def test_repr_is_unambiguous():
    assert repr(parse("x*sin(x)")) == "parse('x*sin(x)')"
    assert repr(symdiff.Constant(2.0)) == "Constant(2.0)"
    assert repr(symdiff.Symbol("a b")) == "Symbol('a b')"
    assert str(symdiff.Symbol("a b") + 1) == "`a b` + 1"


@pytest.mark.parametrize(("text", "expected"), [
    ("1/(exp(-(w*x + b)) + 1)", r"\frac{1}{e^{-\left(w x + b\right)} + 1}"),
    ("sqrt(x)*sigmoid(y)", r"\sqrt{x} \sigma\left(y\right)"),
    ("x**(y + 1)", "x^{y + 1}"),
    ("(x + 1)**2", r"\left(x + 1\right)^{2}"),
    ("x*2.5", r"2.5 x"), ("x*1e-05", r"1e-05 x".replace("1e-05", r"1 \cdot 10^{-5}")),
    ("alpha1 + theta", r"\alpha_{1} + \theta"), ("abs(w12)", r"\left|w_{12}\right|"),
    ("3*(2*x)", "6 x"), ("3*(x*2.5)", r"3 \cdot 2.5 x"), ("2*(x*y)", "2 x y"),
])
def test_latex(text, expected):
    assert latex(parse(text)) == expected


def logistic(n):
    e = x
    for _ in range(n - 1):
        e = 4 * e * (1 - e)
    return e


def test_huge_tree_prints_in_shared_form_quickly():
    e = symdiff.diff(logistic(1000), x)
    assert symdiff.tree_size(e) > 10 ** 300
    start = time.perf_counter()
    text = str(e)
    assert time.perf_counter() - start < 60  # a hang guard, not a speed test
    assert text.startswith("$1 = ")
    assert len(text) < 100 * symdiff.dag_size(e)
    assert parse(text) is e
    tex = latex(e)
    assert tex.startswith(r"\begin{aligned}") and "t_{1} &=" in tex


def test_small_expressions_are_inline():
    assert "\n" not in str(logistic(4))
    assert str(logistic(2)) == "4*x*(1 - x)"


def test_jupyter_latex():
    assert parse("x**2")._repr_latex_() == "$x^{2}$"
