"""The LaTeX printer: right by construction, checked by matplotlib's mathtext and on tokens."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import symdiff
from symdiff import diff, latex, parse
from symdiff.studies.workloads import logistic_map, seed_sigmoid

from .latex_check import ADJACENT_NUMBERS, MIXED_NUMBER, SEEN, latex_problem, mathtext_error
from .strategies import KINKED, SMOOTH, VARIABLES

x, y = symdiff.symbols("x y")

def _numbers() -> st.SearchStrategy:
    return st.one_of(st.integers(-20, 20), st.sampled_from(
        [0.5, -2.25, 1e-05, -3e-12, 2.5e20, 10**30, 1.0]))


def _latex_expressions() -> st.SearchStrategy:
    leaves = st.one_of(st.sampled_from(VARIABLES), _numbers().map(symdiff.Constant))
    functions = st.sampled_from(SMOOTH + KINKED + ("step", "sign", "asin"))

    def extend(children: st.SearchStrategy) -> st.SearchStrategy:
        return st.one_of(
            st.tuples(st.sampled_from("+-*/^"), children, children).map(_binary),
            st.tuples(functions, children).map(lambda t: getattr(symdiff, t[0])(t[1])),
            children.map(lambda c: -c),
        )

    return st.recursive(leaves, extend, max_leaves=10)


def _binary(args: tuple) -> symdiff.Expr:
    op, a, b = args
    a, b = symdiff.as_expr(a), symdiff.as_expr(b)
    return {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b,
            "^": lambda: a ** b}[op]()


@given(_latex_expressions())
def test_generated_latex_renders_and_never_runs_numbers_together(e):
    tex = latex(e)
    assert mathtext_error(tex) is None
    assert not ADJACENT_NUMBERS.search(tex), tex
    assert not MIXED_NUMBER.search(tex), tex


@pytest.mark.parametrize(("text", "expected"), [
    ("2*10**(-3)*x", r"2 \cdot 10^{-3} x"),
    ("exp(x)**2", r"\left(e^{x}\right)^{2}"),
    ("(x**y)**2", r"\left(x^{y}\right)^{2}"),
    ("x**(y**2)", r"x^{y^{2}}"),
    ("-(x*y)", "-x y"),
    ("exp(-x**2/2)", r"e^{-\frac{x^{2}}{2}}"),
    ("1/(1 + x*x)", r"\frac{1}{1 + x^{2}}"),
    ("(x/y)**2", r"\left(\frac{x}{y}\right)^{2}"),
    ("2*(3/x)", r"2 \cdot \frac{3}{x}"),  # 3/4 of integers is the exact rational: 2*(3/4) = 3/2
    ("x*(y/z)", r"x \frac{y}{z}"),
    ("x + -2*x", "x - 2 x"), ("x - -2*x", "x + 2 x"), ("x - (y + z)", r"x - \left(y + z\right)"),
    ("2**x*3", r"3 \cdot 2^{x}"), ("(-2)**x", r"\left(-2\right)^{x}"), ("-x**2", "-x^{2}"),
    ("x*1e-05", r"1 \cdot 10^{-5} x"), ("1e-05**x", r"\left(1 \cdot 10^{-5}\right)^{x}"),
    ("sin(x)**2", r"\sin{\left(x\right)}^{2}"), ("abs(x)**2", r"\left|x\right|^{2}"),
    ("relu(x) + sign(x)", r"\operatorname{relu}{\left(x\right)} + "
                          r"\operatorname{sign}{\left(x\right)}"),
])
def test_latex_reads_right(text, expected):
    tex = latex(parse(text))
    assert tex == expected
    assert mathtext_error(tex) is None


def test_juxtaposed_numbers_get_a_dot():
    # The report: "4 4 x (1 - x) ..." rendered as 44x(1−x)...
    assert latex(logistic_map(3)) == (
        r"4 \cdot 4 x \left(1 - x\right) \left(1 - 4 x \left(1 - x\right)\right)")


def test_seed_formulas():
    w, b = symdiff.symbols("w b")
    f = seed_sigmoid().expr
    assert latex(f) == r"\frac{1}{e^{-\left(w x + b\right)} + 1}"
    assert latex(diff(f, w)) == (
        r"\frac{x e^{-\left(w x + b\right)}}{\left(e^{-\left(w x + b\right)} + 1\right)^{2}}")
    assert latex(diff(f, b)) == (
        r"\frac{e^{-\left(w x + b\right)}}{\left(e^{-\left(w x + b\right)} + 1\right)^{2}}")
    h = symdiff.Symbol("h")
    assert latex((symdiff.exp(x + h) - symdiff.exp(x - h)) / (2 * h)) == (
        r"\frac{e^{x + h} - e^{x - h}}{2 h}")
    theta, eta = symdiff.symbols("theta eta")
    assert latex(theta - eta * diff(theta**2, theta)) == r"\theta - \eta \cdot 2 \theta"


# Baydin et al. (2018), Table 1: l_n, and d l_n/dx as naive symbolic differentiation writes it.
TABLE_ONE = [
    (1, "x", "1"),
    (2, r"4 x \left(1 - x\right)", r"4 \left(1 - x\right) - 4 x"),
    (3, r"4 \cdot 4 x \left(1 - x\right) \left(1 - 4 x \left(1 - x\right)\right)",
     r"4 \left(4 \left(1 - x\right) - 4 x\right) \left(1 - 4 x \left(1 - x\right)\right)"
     r" - 4 \cdot 4 x \left(1 - x\right) \left(4 \left(1 - x\right) - 4 x\right)"),
]


@pytest.mark.parametrize(("n", "function", "derivative"), TABLE_ONE)
def test_table_one(n, function, derivative):
    f = logistic_map(n)
    assert latex(f) == function
    assert latex(diff(f, x)) == derivative


def test_table_one_n4_renders():
    tex = latex(diff(logistic_map(4), x))
    assert mathtext_error(tex) is None and not ADJACENT_NUMBERS.search(tex)
    assert tex.count(r"\cdot") == 5  # 4·4 three times, 4·4·4 once


def test_huge_expressions_render_line_by_line():
    tex = latex(diff(logistic_map(30), x))
    assert tex.startswith(r"\begin{aligned}")
    assert mathtext_error(tex) is None


@pytest.mark.parametrize("wrong", [
    r"4 4 x \left(1 - x\right)", r"2 10^{-3} x", r"e^{x}^{2}", r"2 \frac{3}{4}", r"x^{2} 3",
])
def test_the_checks_catch_what_the_old_printer_wrote(wrong):
    assert latex_problem(wrong) is not None


def test_every_latex_the_suite_prints_is_collected():
    # conftest wraps the printer; the session fails if any collected string is wrong.
    latex(parse("q*r + 1"))
    parse("q**3")._repr_latex_()
    assert {"q r + 1", "q^{3}"} <= SEEN


@pytest.mark.parametrize("name", ["a\nimport os", "a$b_c", "x{1}", "tab\there", "αβ",
                                  "__builtins__", "x_y", "_"])
def test_any_symbol_name_renders(name):
    tex = latex(symdiff.Symbol(name) + 1)
    assert mathtext_error(tex) is None, tex
