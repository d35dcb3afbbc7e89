"""Numeric evaluation: one pass over the DAG in topological order, each shared node once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._errors import DomainError, EvaluationError, MissingValueError
from ._traversal import toposort

__all__ = ["evaluate_many", "resolve_values", "apply_float"]


def resolve_values(values: Mapping[Any, Any]) -> dict[str, float]:
    """Map symbol names to floats; keys may be symbols or their names."""
    if not isinstance(values, Mapping):
        raise EvaluationError(f"values must be a mapping from symbols to numbers, "
                              f"not {type(values).__name__}")
    resolved: dict[str, float] = {}
    for key, value in values.items():
        name = key if isinstance(key, str) else getattr(key, "name", None)
        if not isinstance(name, str):
            raise EvaluationError(f"value key {key!r} is neither a symbol nor a name")
        try:
            resolved[name] = float(value)
        except (TypeError, ValueError):
            raise EvaluationError(f"value for {name!r} is not a real number: {value!r}") from None
    return resolved


def apply_float(op: Any, args: tuple[float, ...]) -> float:
    """``op.evaluate(*args)``, with math's exceptions turned into :class:`DomainError`."""
    try:
        return op.evaluate(*args)
    except ZeroDivisionError:
        raise DomainError(f"division by zero in {op.name}{args}") from None
    except OverflowError:
        raise DomainError(f"overflow in {op.name}{args}") from None
    except ValueError:
        raise DomainError(f"{op.name} is undefined at {', '.join(map(repr, args))}") from None


def evaluate_many(roots: tuple[Any, ...], values: Mapping[Any, Any]) -> list[float]:
    """Float values of ``roots`` at ``values`` (see :meth:`symdiff.Expr.evaluate`)."""
    env = resolve_values(values)
    order = toposort(roots)
    missing = sorted({n.name for n in order if n.op.name == "symbol" and n.name not in env})
    if missing:
        raise MissingValueError(f"no value given for {', '.join(map(repr, missing))}")
    value: dict[Any, float] = {}
    for node in order:
        kind = node.op.name
        if kind == "symbol":
            value[node] = env[node.name]
        elif kind == "const":
            value[node] = float(node.value)
        else:
            value[node] = apply_float(node.op, tuple(value[a] for a in node.args))
    return [value[r] for r in roots]

