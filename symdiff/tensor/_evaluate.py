"""Evaluating tensor expressions with NumPy: one pass in topological order, each node once.

Elementwise nodes use :data:`ELEMENTWISE` (NumPy's ufuncs by op name; an op registered at run
time without an entry there is applied through ``numpy.vectorize`` of its float function), the
shape-changing ops use :data:`STRUCTURAL`. Values are checked against the declared shapes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .._errors import DomainError, EvaluationError, MissingValueError, ShapeError
from .._traversal import toposort
from ._tops import TensorOp

__all__ = ["ELEMENTWISE", "STRUCTURAL", "evaluate_tensors", "numpy_sigmoid", "scatter_into"]


def numpy_sigmoid(x: Any) -> Any:
    """σ(x) without overflow for any finite x (as the scalar op)."""
    z = np.exp(-np.abs(x))
    return np.where(np.asarray(x) >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


ELEMENTWISE: dict[str, Callable[..., Any]] = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
    "pow": np.power, "neg": np.negative, "exp": np.exp, "log": np.log, "sin": np.sin,
    "cos": np.cos, "tan": np.tan, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan,
    "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "sqrt": np.sqrt,
    "sigmoid": numpy_sigmoid, "abs": np.abs, "sign": np.sign,
    "relu": lambda x: np.maximum(x, 0.0), "step": lambda x: np.heaviside(x, 0.0),
}


def scatter_into(g: Any, index: tuple[Any, ...], shape: tuple[int, ...]) -> Any:
    """Zeros of ``shape`` with ``g`` written at a normalized ``index``."""
    out = np.zeros(shape, dtype=np.result_type(g, np.float64))
    out[to_numpy_index(index)] = g
    return out


def to_numpy_index(index: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(slice(i[1], None if i[2] < 0 else i[2], i[3]) if isinstance(i, tuple) else i
                 for i in index)


STRUCTURAL: dict[str, Callable[..., Any]] = {
    "matmul": lambda node, a, b: np.matmul(a, b),
    "transpose": lambda node, a: np.transpose(a, node.params[0]),
    "sum": lambda node, a: np.sum(a, axis=node.params[0]),
    "reshape": lambda node, a: np.reshape(a, node.shape),
    "broadcast_to": lambda node, a: np.broadcast_to(a, node.shape),
    "getitem": lambda node, a: a[to_numpy_index(node.params[0])],
    "scatter": lambda node, g: scatter_into(g, node.params[0], node.shape),
    "outer": lambda node, u, v: np.outer(u, v),
    "trace": lambda node, a: np.trace(a),
    "diag": lambda node, a: np.diag(a),
    "det": lambda node, a: np.linalg.det(a),
    "inv": lambda node, a: np.linalg.inv(a),
    "logdet": lambda node, a: np.linalg.slogdet(a)[1],
    "norm": lambda node, a: np.linalg.norm(a),
    "einsum": lambda node, *xs: np.einsum(node.params[0], *xs),
    "concatenate": lambda node, *xs: np.concatenate(xs, axis=node.params[0]),
    "tensor": lambda node: None,  # variables take their values from the point
    "fill": lambda node: np.full(node.shape, float(node.params[0])),
    "eye": lambda node: np.eye(node.shape[0]), "array": lambda node: node.value,
}


def _elementwise(op: Any) -> Callable[..., Any]:
    function = ELEMENTWISE.get(op.name)
    if function is None:
        function = np.vectorize(op.evaluate, otypes=[np.float64])
    return function


def _name(key: Any) -> str:
    name = key if isinstance(key, str) else getattr(key, "name", None)
    if not isinstance(name, str):
        raise EvaluationError(f"value key {key!r} is neither a tensor, a symbol nor a name")
    return name


def evaluate_tensors(roots: tuple[Any, ...], values: Mapping[Any, Any]) -> list[Any]:
    """NumPy values of ``roots`` (tensor nodes or scalar expressions) at ``values``."""
    if not isinstance(values, Mapping):
        raise EvaluationError(f"values must be a mapping, not {type(values).__name__}")
    env = {_name(k): v for k, v in values.items()}
    order = toposort(roots)
    missing = sorted({n.name for n in order if n.op.name in ("symbol", "tensor")
                      and n.name not in env})
    if missing:
        raise MissingValueError(f"no value given for {', '.join(map(repr, missing))}")
    value: dict[Any, Any] = {}
    with np.errstate(divide="raise", over="raise", invalid="raise", under="ignore"):
        for node in order:
            name = node.op.name
            try:
                if name == "symbol":
                    value[node] = _leaf_value(node, env[node.name], ())
                elif name == "tensor":
                    value[node] = _leaf_value(node, env[node.name], node.shape)
                elif name == "const":
                    value[node] = np.float64(node.value)
                elif node.op.__class__ is TensorOp:
                    value[node] = STRUCTURAL[name](node, *(value[a] for a in node.args))
                else:
                    value[node] = _elementwise(node.op)(*(value[a] for a in node.args))
            except (ShapeError, EvaluationError):
                raise
            except (FloatingPointError, np.linalg.LinAlgError, ZeroDivisionError,
                    ValueError, OverflowError) as exc:
                raise DomainError(f"{name} failed during evaluation: {exc}") from None
    return [value[r] for r in roots]


def _leaf_value(node: Any, given: Any, shape: tuple[int, ...]) -> Any:
    try:
        if np.iscomplexobj(given):  # (casting would drop the imaginary part, with a warning)
            raise TypeError
        array = np.asarray(given, dtype=np.float64)
    except (TypeError, ValueError):
        raise EvaluationError(f"value for {node.name!r} is not numeric: {given!r}") from None
    if array.shape != shape:
        raise ShapeError(f"value for {node.name!r} has shape {array.shape}, but it was "
                         f"declared with shape {shape}")
    return array
