"""Scalarization: a tensor expression written out element by element as scalar expressions.

Each tensor variable ``W`` of shape ``(H, D)`` stands for the symbols ``W[0,0]`` … ``W[H-1,D-1]``;
each node becomes a NumPy object array of scalar :class:`symdiff.Expr` nodes, computed with
NumPy's own operations on object arrays (``matmul``, ``einsum``, ``sum`` … call the scalar
builders, so construction-time folding applies). The result is nested tuples of scalar
expressions, to which every scalar tool applies (``dag_size``, ``cse``, ``lambdify``, ``grad``):
the cross-check of the tensor derivative against the scalar one, and the swell study's
"scalarized" column, are built on it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from .._errors import ConversionError
from .._expr import Constant, Expr, Symbol, apply
from .._ops import OPS
from .._traversal import toposort
from ._evaluate import STRUCTURAL, to_numpy_index
from ._texpr import TensorExpr
from ._tops import TensorOp

__all__ = ["scalarize", "element_symbols", "scalar_values", "MAX_SYMBOLIC_DET"]

#: ``det``, ``inv`` and ``logdet`` are written out by cofactor expansion up to this size.
MAX_SYMBOLIC_DET = 4


def element_symbols(tensor: Any) -> np.ndarray:
    """The object array of symbols ``name[i,j,…]`` that a tensor variable stands for."""
    out = np.empty(tensor.shape, dtype=object)
    for index in np.ndindex(tensor.shape):
        out[index] = Symbol(f"{tensor.name}[{','.join(map(str, index))}]")
    return out


def scalar_values(values: Any) -> dict[Symbol, float]:
    """A point for tensors (``{W: array}``) as a point for their element symbols."""
    point: dict[Symbol, float] = {}
    for key, value in values.items():
        if getattr(key, "op", None) is not None and key.op.name == "tensor":
            array = np.asarray(value, dtype=float)
            for symbol, number in zip(element_symbols(key).flat, array.flat, strict=True):
                point[symbol] = float(number)
        else:
            point[key] = float(value)
    return point


def _det(m: np.ndarray) -> Expr:
    n = m.shape[0]
    if n > MAX_SYMBOLIC_DET:
        raise ConversionError(f"scalarize: det/inv/logdet of a {n}×{n} matrix is not written "
                              f"out (at most {MAX_SYMBOLIC_DET}×{MAX_SYMBOLIC_DET})")
    if n == 1:
        return m[0, 0]  # type: ignore[no-any-return]
    total: Any = Constant(0)
    for j in range(n):
        minor = np.delete(np.delete(m, 0, axis=0), j, axis=1)
        term = m[0, j] * _det(minor)
        total = total + term if j % 2 == 0 else total - term
    return total  # type: ignore[no-any-return]


def _inv(m: np.ndarray) -> np.ndarray:
    n = m.shape[0]
    d = _det(m)
    out = np.empty((n, n), dtype=object)
    for i, j in itertools.product(range(n), repeat=2):
        if n == 1:
            out[0, 0] = 1 / d
            continue
        minor = np.delete(np.delete(m, j, axis=0), i, axis=1)
        cofactor = _det(minor)
        out[i, j] = (cofactor if (i + j) % 2 == 0 else -cofactor) / d
    return out


def _scatter(node: Any, g: np.ndarray) -> np.ndarray:
    out = np.full(node.shape, Constant(0), dtype=object)
    out[to_numpy_index(node.params[0])] = g
    return out


def _full(shape: tuple[int, ...], value: Any) -> np.ndarray:
    out = np.empty(shape, dtype=object)
    out.fill(value)
    return out


# The layout ops are the evaluator's (NumPy moves the elements, whatever they are); what
# computes with the elements is rebuilt here over object arrays of scalar expressions.
_STRUCTURAL: dict[str, Callable[..., Any]] = {
    **STRUCTURAL,
    "scatter": _scatter,
    "outer": lambda node, u, v: np.multiply.outer(u, v),
    "diag": lambda node, a: _diag(a),
    "det": lambda node, a: _det(a),
    "inv": lambda node, a: _inv(a),
    "logdet": lambda node, a: apply(_op("log"), apply(_op("abs"), _det(a))),
    "norm": lambda node, a: apply(_op("sqrt"), np.sum(a * a)),
    "fill": lambda node: _full(node.shape, Constant(node.params[0])),
    "eye": lambda node: np.where(np.eye(node.shape[0]) == 1, _full(node.shape, Constant(1)),
                                 _full(node.shape, Constant(0))),
    "array": lambda node: np.vectorize(Constant, otypes=[object])(node.value),
    "tensor": element_symbols,
}


def _op(name: str) -> Any:
    return OPS[name]


def _diag(a: np.ndarray) -> np.ndarray:
    if a.ndim == 2:
        return np.array([a[i, i] for i in range(a.shape[0])], dtype=object)
    out = _full((a.shape[0], a.shape[0]), Constant(0))
    for i in range(a.shape[0]):
        out[i, i] = a[i]
    return out


def _nested(array: Any) -> Any:
    if not isinstance(array, np.ndarray):
        return array
    if array.ndim == 0:
        return array[()]
    if array.ndim == 1:
        return tuple(array.tolist())
    return tuple(_nested(row) for row in array)


def scalarize(expr: Any) -> Any:
    """``expr`` written out as scalar expressions: one :class:`symdiff.Expr` for shape
    ``()``, else nested tuples of the shape's lengths. A tensor variable ``W`` stands for the
    symbols ``W[i,j]``.

    >>> import symdiff
    >>> W, x = symdiff.Tensor("W", (2, 2)), symdiff.Tensor("x", (2,))
    >>> [str(e) for e in symdiff.scalarize(W @ x)]
    ['`W[0,0]`*`x[0]` + `W[0,1]`*`x[1]`', '`W[1,0]`*`x[0]` + `W[1,1]`*`x[1]`']
    """
    if not isinstance(expr, (Expr, TensorExpr)):
        raise ConversionError(f"scalarize takes a tensor or scalar expression, not {expr!r}")
    if isinstance(expr, Expr):
        return expr
    value: dict[Any, Any] = {}
    for node in toposort((expr,)):
        if isinstance(node, Expr):
            value[node] = node  # a scalar subexpression is already written out
        elif node.op.__class__ is TensorOp:
            value[node] = _STRUCTURAL[node.op.name](node, *(value[a] for a in node.args))
        else:
            function = np.frompyfunc(lambda *a, op=node.op: apply(op, *a), len(node.args), 1)
            value[node] = function(*(value[a] for a in node.args))
    return _nested(value[expr])
