"""The cross-checks of STYLE point 11 over the whole op table (issue 15): random expressions
drawn from every op (``tests.strategies.EVERY_OP``, read from the table, not named by hand),
and check_grads over every operator, not only the functions."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings

import symdiff
from symdiff import DomainError, extend
from symdiff.ad import gradient, jvp
from tests.strategies import EVERY_OP, VARIABLES, close, expressions, value_or_none

WHOLE_TABLE = expressions(EVERY_OP, max_leaves=6, exact=True)
POINT = {VARIABLES[0]: 0.37, VARIABLES[1]: 1.21, VARIABLES[2]: -0.63}


def test_every_op_is_drawn():
    functions = {n for n, op in symdiff.OPS.items() if op.kind == "function"}
    assert functions <= set(EVERY_OP)
    assert {"asin", "acos", "sign", "step"} <= set(EVERY_OP)  # missed by the old strategies


@settings(max_examples=60)
@given(WHOLE_TABLE)
def test_print_and_parse_round_trip(e):
    assert symdiff.parse(str(e)) is e


@settings(max_examples=60)
@given(WHOLE_TABLE)
def test_grad_agrees_with_diff(e):
    assume(value_or_none(e, POINT) is not None)
    for var, partial in zip(VARIABLES, symdiff.grad(e, VARIABLES), strict=True):
        expected, got = value_or_none(symdiff.diff(e, var), POINT), value_or_none(partial, POINT)
        if expected is None or got is None:
            continue
        assert close(got, expected, rel=1e-9, abs_=1e-9), (str(e), var)


@settings(max_examples=60)
@given(WHOLE_TABLE)
def test_numeric_forward_and_reverse_agree_with_symbolic(e):
    assume(value_or_none(e, POINT) is not None)
    try:
        grads = gradient(e, POINT, wrt=list(VARIABLES))
    except DomainError:
        return  # a local partial is undefined here (the symbolic one then is too)
    for var in VARIABLES:
        symbolic = value_or_none(symdiff.diff(e, var), POINT)
        if symbolic is None or not math.isfinite(grads[var]):
            continue
        value, tangent = jvp(e, POINT, var)
        assert value == e.evaluate(POINT)
        assert close(tangent, symbolic, rel=1e-9, abs_=1e-9), (str(e), var)
        assert close(grads[var], symbolic, rel=1e-9, abs_=1e-9), (str(e), var)


@settings(max_examples=40)
@given(WHOLE_TABLE)
def test_compiled_code_agrees_with_evaluate(e):
    value = value_or_none(e, POINT)
    assume(value is not None)
    f = symdiff.lambdify(list(VARIABLES), e)
    assert close(f(*POINT.values()), value, rel=1e-12, abs_=1e-12), str(e)


def _operators() -> list[symdiff.Op]:
    return [op for op in symdiff.OPS.values() if op.kind in ("infix", "prefix")]


@pytest.mark.parametrize("op", _operators(), ids=lambda op: op.name)
def test_check_grads_over_every_operator(op):
    """tests/test_extend.py runs check_grads over every function; the operators (+ − × ÷ **,
    unary −, comparisons, & and |) are ops of the same table."""
    x, y = VARIABLES[:2]
    node = symdiff._expr.apply(op, *(x, y)[: op.arity])
    assert node.op is op  # not folded away
    extend.check_grads(node, {x: 0.7, y: 1.3}, order=2)
