"""Elementwise tensor operations: NumPy broadcasting, the constant folding and the cheap
identities (``A + 0``, ``1 * A``, ``--A``), built on the nodes of :mod:`._texpr`.

An operation whose operands are all scalars is built by the scalar core; constant arrays up to
:data:`~._texpr.FOLD_MAX_ELEMENTS` elements fold element by element through the scalar core's
own folding (so by its exactness rules).
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from .._errors import ShapeError
from .._expr import Constant, Expr, apply
from .._ops import ADD, CONST, DIV, MUL, NEG, POW, SUB, Op
from . import _tops as T  # noqa: N812  (the table of tensor ops, as T.MATMUL)
from ._shapes import Shape, as_shape, broadcast, size_of
from ._texpr import (
    FOLD_MAX_ELEMENTS,
    Operand,
    TensorConstant,
    TensorExpr,
    as_operand,
    fill_value,
    full,
    is_one,
    is_zero,
    make_node,
    ones,
    shape_of,
    zeros,
)

__all__ = ["elementwise", "broadcast_to"]


def _constant_array(x: Operand) -> np.ndarray | None:
    """The value of a constant operand (scalar, fill, identity or array) as an array."""
    value = fill_value(x)
    if value is not None:
        return np.full(shape_of(x), float(value))
    if isinstance(x, TensorConstant):
        return x.value
    if isinstance(x, TensorExpr) and x.op is T.EYE:
        return np.eye(x.shape[0])
    return None


def _fold_elementwise(op: Op, args: tuple[Operand, ...], shape: Shape) -> Operand | None:
    """``op`` on constant operands, element by element by the scalar core (None unless every
    element folds to a finite number)."""
    if size_of(shape) > FOLD_MAX_ELEMENTS:
        return None
    arrays = [_constant_array(a) for a in args]
    if any(a is None for a in arrays):
        return None
    spread = [np.broadcast_to(cast(np.ndarray, a), shape) for a in arrays]
    out = np.empty(shape)
    for index in np.ndindex(shape):
        element = _scalar(op, tuple(Constant(float(a[index])) for a in spread))
        if element.op is not CONST or not np.isfinite(float(element.value)):  # type: ignore[attr-defined]
            return None
        out[index] = float(element.value)  # type: ignore[attr-defined]
    return cast(Operand, TensorConstant(out))


def _to_shape(x: Operand, shape: Shape) -> Operand:
    return x if shape_of(x) == shape else broadcast_to(x, shape)


def _scalar(op: Op, args: tuple[Expr, ...]) -> Expr:
    return apply(op, *args)


def elementwise(op: Op, *operands: Any) -> Operand:
    """``op`` applied element by element with NumPy broadcasting; scalars build scalars."""
    args = tuple(as_operand(a) for a in operands)
    if len(args) != op.arity:
        raise ShapeError(f"{op.name} takes {op.arity} operand(s), got {len(args)}")
    if not any(isinstance(a, TensorExpr) for a in args):
        return _scalar(op, args)
    shape = broadcast(op.name, *(shape_of(a) for a in args))
    if len(args) == 2:  # an explicit broadcast_to that the operation does anyway is dropped
        a, b = args
        if isinstance(a, TensorExpr) and a.op is T.BROADCAST and a.shape == shape \
                and broadcast(op.name, shape_of(a.args[0]), shape_of(b)) == shape:
            args = (a.args[0], b)
        elif isinstance(b, TensorExpr) and b.op is T.BROADCAST and b.shape == shape \
                and broadcast(op.name, shape_of(a), shape_of(b.args[0])) == shape:
            args = (a, b.args[0])
        if not any(isinstance(x, TensorExpr) for x in args):
            return _scalar(op, args)
    values = [fill_value(a) for a in args]
    if len(args) == 2 and None in values:
        # A constant fill that the other operand broadcasts anyway is its scalar value.
        a, b = args
        if values[0] is not None and isinstance(a, TensorExpr) and shape_of(b) == shape:
            args = (Constant(values[0]), b)
        elif values[1] is not None and isinstance(b, TensorExpr) and shape_of(a) == shape:
            args = (a, Constant(values[1]))
    if all(v is not None for v in values):  # constants: fold through the scalar core
        folded = _scalar(op, tuple(Constant(cast(float, v)) for v in values))
        if folded.op is CONST:
            return full(shape, folded.value)  # type: ignore[attr-defined]
    elif any(isinstance(a, TensorConstant) for a in args) and all(
            isinstance(a, (TensorConstant, Expr)) or a.op in (T.FILL, T.EYE) for a in args):
        # (fills and identities alone keep their own rules below: eye(3) * 1 is eye(3))
        constant = _fold_elementwise(op, args, shape)
        if constant is not None:
            return constant
    if op is ADD:
        a, b = args
        if is_zero(a):
            return _to_shape(b, shape)
        if is_zero(b):
            return _to_shape(a, shape)
        if isinstance(b, TensorExpr) and b.op is NEG:
            return elementwise(SUB, a, b.args[0])
    elif op is SUB:
        a, b = args
        if a is b:
            return zeros(shape)
        if is_zero(b):
            return _to_shape(a, shape)
        if is_zero(a):
            return _to_shape(elementwise(NEG, b), shape)
    elif op is MUL:
        a, b = args
        if is_zero(a) or is_zero(b):
            return zeros(shape)
        if is_one(a):
            return _to_shape(b, shape)
        if is_one(b):
            return _to_shape(a, shape)
        if fill_value(a) == -1:
            return _to_shape(elementwise(NEG, b), shape)
        if fill_value(b) == -1:
            return _to_shape(elementwise(NEG, a), shape)
        if fill_value(b) is not None and fill_value(a) is None:
            return elementwise(MUL, b, a)  # constant factors first, as for scalars
    elif op is DIV:
        a, b = args
        if is_zero(a):
            return zeros(shape)
        if is_one(b):
            return _to_shape(a, shape)
    elif op is POW:
        a, b = args
        if is_one(b):
            return _to_shape(a, shape)
        if is_zero(b):
            return ones(shape)
    elif op is NEG:
        (a,) = args
        if isinstance(a, TensorExpr) and a.op is NEG:
            return a.args[0]
    return make_node(op, args, shape)


def broadcast_to(a: Any, shape: Any) -> Operand:
    """``a`` repeated to ``shape`` (NumPy's broadcasting rules)."""
    a = as_operand(a)
    dims = as_shape(shape)
    if broadcast("broadcast_to", shape_of(a), dims) != dims:
        raise ShapeError(f"broadcast_to: cannot broadcast {shape_of(a)} to {dims}")
    if shape_of(a) == dims:
        return a
    value = fill_value(a)
    if value is not None:
        return full(dims, value)
    return make_node(T.BROADCAST, (a,), dims)
