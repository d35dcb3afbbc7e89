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
#: Every function and every non-arithmetic infix operator (comparisons, & and |) of the op
#: table, read from the table, so that an op added to it meets every oracle that uses these.
EVERY_OP = tuple(sorted(name for name, op in symdiff.OPS.items() if op.kind == "function" or (
    op.kind == "infix" and op.precedence < symdiff._ops.PREC_ADD)))

leaves = st.one_of(
    st.sampled_from(VARIABLES),
    st.integers(-3, 3).map(symdiff.Constant),
    st.sampled_from([0.5, 1.5, -2.25]).map(symdiff.Constant),
)
#: Leaves with the exact numbers too: rationals and the named constants of the op table.
exact_leaves = st.one_of(
    leaves,
    st.sampled_from([symdiff.parse("1/3"), symdiff.parse("-2/3")]),
    st.sampled_from([getattr(symdiff, name) for name in symdiff._ops.CONSTANTS]),
)


def _combine(children: st.SearchStrategy, functions: tuple[str, ...]) -> st.SearchStrategy:
    # Each op of ``functions`` gets as many children as its arity says.
    ops = [symdiff.OPS[name] for name in functions]
    fns = st.sampled_from(ops).flatmap(lambda op: st.tuples(
        st.just(op), st.tuples(*[children] * op.arity)))
    binary = st.sampled_from(["add", "sub", "mul", "div"])

    def build_binary(args: tuple) -> symdiff.Expr:
        name, a, b = args
        return {"add": a + b, "sub": a - b, "mul": a * b, "div": a / b}[name]

    return st.one_of(
        st.tuples(binary, children, children).map(build_binary),
        fns.map(lambda t: symdiff._expr.apply(t[0], *t[1])),
        st.tuples(children, st.sampled_from([2, 3, -1, 0.5])).map(lambda t: t[0] ** t[1]),
        children.map(lambda c: -c),
    )


def expressions(functions: tuple[str, ...] = SMOOTH, max_leaves: int = 12,
                exact: bool = False) -> st.SearchStrategy:
    """Random expressions over x, y, z built from ``functions`` (names of ops of any arity)
    and + - * / ** and unary -; ``exact`` adds rationals and named constants to the leaves."""
    return st.recursive(exact_leaves if exact else leaves, lambda c: _combine(c, functions),
                        max_leaves=max_leaves)


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
