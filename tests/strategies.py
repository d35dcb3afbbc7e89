"""Hypothesis strategies for random symdiff expressions, and numeric oracles used by tests."""

from __future__ import annotations

import math

import sympy
from hypothesis import strategies as st

import symdiff
from symdiff import DomainError

X, Y, Z = symdiff.symbols("x y z")
VARIABLES = (X, Y, Z)

# Smooth functions (differentiable everywhere they are defined) and the ones with a kink.
SMOOTH = ("exp", "log", "sin", "cos", "tan", "atan", "sinh", "cosh", "tanh", "sqrt", "sigmoid")
KINKED = ("abs", "relu")

leaves = st.one_of(
    st.sampled_from(VARIABLES),
    st.integers(-3, 3).map(symdiff.Constant),
    st.sampled_from([0.5, 1.5, -2.25]).map(symdiff.Constant),
)


def _combine(children: st.SearchStrategy, functions: tuple[str, ...]) -> st.SearchStrategy:
    fns = st.sampled_from(functions).map(lambda name: getattr(symdiff, name))
    binary = st.sampled_from(["add", "sub", "mul", "div"])

    def build_binary(args: tuple) -> symdiff.Expr:
        name, a, b = args
        return {"add": a + b, "sub": a - b, "mul": a * b, "div": a / b}[name]

    return st.one_of(
        st.tuples(binary, children, children).map(build_binary),
        st.tuples(fns, children).map(lambda t: t[0](t[1])),
        st.tuples(children, st.sampled_from([2, 3, -1, 0.5])).map(lambda t: t[0] ** t[1]),
        children.map(lambda c: -c),
    )


def expressions(functions: tuple[str, ...] = SMOOTH, max_leaves: int = 12) -> st.SearchStrategy:
    """Random expressions over x, y, z built from ``functions`` and + - * / ** and unary -."""
    return st.recursive(leaves, lambda c: _combine(c, functions), max_leaves=max_leaves)


points = st.fixed_dictionaries({
    v: st.floats(0.2, 1.8, allow_nan=False) for v in VARIABLES
})


def value_or_none(expr: symdiff.Expr, at: dict) -> float | None:
    """The value at ``at``, or None outside the domain or when not finite."""
    try:
        value = expr.evaluate(at)
    except DomainError:
        return None
    return value if math.isfinite(value) else None


def sympy_value(expr: sympy.Expr, at: dict) -> float:
    """SymPy's value at ``at`` (keys: symdiff symbols), to 30 digits."""
    subs = {sympy.Symbol(k.name): sympy.Float(v, 30) for k, v in at.items()}
    return complex(expr.evalf(30, subs=subs)).real


def close(a: float, b: float, rel: float = 1e-7, abs_: float = 1e-9) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)
