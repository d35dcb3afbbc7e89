"""Numeric evaluation: one pass over the DAG in topological order, each shared node once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from ._errors import DomainError, EvaluationError, MissingValueError
from ._program import Program, lower

__all__ = ["evaluate_many", "program_values", "resolve_values", "apply_float"]


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
        if getattr(value, "ndim", 0) or isinstance(value, (list, tuple)):
            raise EvaluationError(
                f"value for {name!r} is an array or sequence: evaluate takes one number per "
                f"symbol; for arrays compile the expression, symdiff.lambdify(args, expr, "
                f"backend=\"numpy\"), which broadcasts")
        try:
            resolved[name] = float(value)
        except (TypeError, ValueError):
            raise EvaluationError(f"value for {name!r} is not a real number: {value!r}") from None
    return resolved


def apply_float(op: Any, args: tuple[float, ...]) -> float:
    """``op.evaluate(*args)``, with math's exceptions turned into :class:`DomainError`."""
    try:
        return op.evaluate(*args)
    except EvaluationError:
        raise  # the op's own message (an undefined function has no value)
    except ZeroDivisionError:
        raise DomainError(f"division by zero in {op.name}{args}") from None
    except OverflowError:
        raise DomainError(f"overflow in {op.name}{args}") from None
    except ValueError:
        raise DomainError(f"{op.name} is undefined at {', '.join(map(repr, args))}") from None


def program_values(program: Program, inputs: Sequence[float]) -> list[float]:
    """The float value of every slot of ``program`` with ``inputs`` in its input slots: the
    one float evaluator (``Expr.evaluate``, numeric AD's tapes and finite differences use it).
    Math errors become :class:`DomainError` naming the op and its arguments."""
    constants = [_number(c.value) for c in program.constants]
    vals: list[Any] = [*inputs, *constants]
    vals.extend([0.0] * len(program.equations))
    if not all(type(c) is float for c in constants):
        return _exactly(program, vals)  # the fast loop would multiply huge ints exactly
    op: Any = None
    args: tuple[int, ...] = ()
    try:
        for out, op, args, _ in program.equations:
            if len(args) == 2:
                vals[out] = op.evaluate(vals[args[0]], vals[args[1]])
            elif len(args) == 1:
                vals[out] = op.evaluate(vals[args[0]])
            else:
                vals[out] = op.evaluate(*[vals[a] for a in args])
    except (ZeroDivisionError, OverflowError, ValueError):
        operands = tuple(vals[a] for a in args)
        if not any(isinstance(v, (int, Fraction)) for v in operands):
            apply_float(op, operands)  # raises the DomainError
            raise
        return _exactly(program, vals)
    return vals


def _number(value: Any) -> Any:
    """A constant as a float, or exact when no float holds it (10**400)."""
    try:
        return float(value)
    except OverflowError:
        return value


def _exactly(program: Program, vals: list[Any]) -> list[Any]:
    """The slow path for huge exact constants: an operation with an operand no float holds is
    done on exact rationals (10**400 * 1e-300 is 1e100), and its result is a float again as
    soon as one holds it. Exact values stay below _MAX_EXACT_BITS; an output too large for
    any float is a DomainError."""
    for out, op, args, _ in program.equations:
        operands = tuple(vals[a] for a in args)
        if all(type(v) is float for v in operands):
            try:
                vals[out] = op.evaluate(*operands)
            except (ZeroDivisionError, OverflowError, ValueError):
                apply_float(op, operands)  # raises the DomainError
                raise
            continue
        exact = tuple(Fraction(v) if type(v) is float else v for v in operands)
        try:
            result = op.evaluate(*exact)
        except (ZeroDivisionError, OverflowError, ValueError, TypeError):
            raise DomainError(f"{op.name} of a number too large for a float") from None
        vals[out] = _number(result)
        if not isinstance(vals[out], float) and _bits(vals[out]) > _MAX_EXACT_BITS:
            _too_large(vals[out])  # a product of many huge constants: stop before it is slow
    for slot in program.output_slots:
        if not isinstance(vals[slot], float):
            _too_large(vals[slot])
    return vals


# Exact intermediate values are kept only this large (a float ends near 2**1024).
_MAX_EXACT_BITS = 65_536


def _bits(value: Any) -> int:
    exact = Fraction(value)
    return max(exact.numerator.bit_length(), exact.denominator.bit_length())


def _too_large(value: Any) -> None:
    exact = Fraction(value)
    digits = int((abs(exact.numerator).bit_length() - exact.denominator.bit_length())
                 * 0.30103)
    raise DomainError(f"the value, about 10**{digits}, is too large for a float")


def evaluate_many(roots: tuple[Any, ...], values: Mapping[Any, Any]) -> list[float]:
    """Float values of ``roots`` at ``values`` (see :meth:`symdiff.Expr.evaluate`): one pass
    over their program, each shared node computed once."""
    env = resolve_values(values)
    program = lower(roots)
    missing = [s.name for s in program.inputs if s.name not in env]
    if missing:
        raise MissingValueError(f"no value given for {', '.join(map(repr, missing))}")
    vals = program_values(program, [env[s.name] for s in program.inputs])
    return [vals[s] for s in program.output_slots]
