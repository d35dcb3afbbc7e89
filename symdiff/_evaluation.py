"""Numeric evaluation: one pass over the DAG in topological order, each shared node once.

The rule for the edges of floating point, the same for ``Expr.evaluate``, numeric AD's tapes
and finite differences (all run :func:`program_values`; docs/reliability.md, "Overflow, nan
and inf"):

* inputs are finite floats (a nan or ±inf value is an :class:`EvaluationError`);
* an operation whose result is too large for a float gives ±inf, as IEEE arithmetic does
  (``x*x``, ``x**2`` and ``exp(x)`` at ``x = 1e200`` alike), and so do exact constants no
  float holds;
* an operation outside its domain (``log(-1)``, ``1/0``, ``sqrt(-2)``) and one that makes a
  nan of non-nan operands (``inf - inf``, ``0*inf``) raise :class:`DomainError`, naming the
  subexpression as it prints and the values of the inputs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from itertools import count
from types import SimpleNamespace
from typing import Any

from . import _ops
from ._errors import DomainError, EvaluationError, MissingValueError
from ._program import Program, lower, node_text

__all__ = ["IEEE_FLOAT", "OVERFLOW", "FLOAT_ERRORS", "float_error", "evaluate_many",
           "program_values", "resolve_values"]

_INF = math.inf


def _pow_overflow(a: float, b: float) -> float:
    odd = b == int(b) and int(b) % 2 == 1
    return -_INF if a < 0 and odd else _INF


#: What an op gives when its result is too large for a float (its float implementation
#: raised OverflowError): the IEEE value, by op name. An op not listed (polygamma, a
#: registered op) reports the overflow as a DomainError instead. sech and csch overflow only
#: inside their implementation (1/cosh): their value there is ±0.
OVERFLOW: dict[str, Callable[..., float]] = {
    "pow": _pow_overflow,
    "exp": lambda a: _INF, "exp2": lambda a: _INF, "expm1": lambda a: _INF,
    "cosh": lambda a: _INF, "sinh": lambda a: math.copysign(_INF, a),
    "sech": lambda a: 0.0, "csch": lambda a: math.copysign(0.0, a),
    "gamma": lambda a: _INF, "loggamma": lambda a: _INF,
}


def resolve_values(values: Mapping[Any, Any]) -> dict[str, float]:
    """Map symbol names to floats; keys may be symbols or their names. Values must be finite."""
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
            number = resolved[name] = float(value)
        except (TypeError, ValueError, OverflowError):
            raise EvaluationError(f"value for {name!r} is not a real number: {value!r}") from None
        if number - number != 0.0:  # nan or ±inf
            raise EvaluationError(f"value for {name!r} is {number!r}: symdiff evaluates at "
                                  "finite points (compiled NumPy/numba/JAX functions take "
                                  "nan and inf)")
    return resolved


def _shown(args: Sequence[Any]) -> str:
    return ", ".join(repr(a) if isinstance(a, float) else "<an exact number>" for a in args)


#: The exceptions Python's float functions raise where IEEE arithmetic would not
#: (:func:`float_error` says what each means).
FLOAT_ERRORS = (ZeroDivisionError, OverflowError, ValueError)


def float_error(op: Any, error: BaseException, operands: Sequence[Any]) -> float | str:
    """What ``error``, raised by ``op``'s float implementation at ``operands``, means under
    the rule (the one place that decides it): the IEEE value for an overflow the table
    :data:`OVERFLOW` knows, else how the operation failed, for the DomainError (``"overflows"``,
    ``"divides by zero"``, ``"is undefined"``). (An :class:`EvaluationError`, the op's own
    message, is the caller's to pass on.)"""
    if isinstance(error, OverflowError):
        rule = OVERFLOW.get(op.name)
        return "overflows" if rule is None else rule(*operands)
    if isinstance(error, ZeroDivisionError):
        return "divides by zero"
    return "is undefined"


def _ieee(op: Any) -> Callable[..., Any]:
    evaluate = op.evaluate
    if op.name not in OVERFLOW:
        return evaluate  # type: ignore[no-any-return]

    def safe(*args: float) -> Any:
        try:
            return evaluate(*args)
        except OverflowError as error:
            return float_error(op, error, args)  # a float: the op has an overflow rule

    safe.__name__ = op.name
    return safe


#: The float namespace ``F`` that numeric AD's partial rules compute with: the op table's
#: floats (``symdiff._ops.FLOAT``) with the overflow rule, so a local derivative that
#: overflows is ±inf as the evaluated symbolic derivative is (``cosh'`` at 1000).
IEEE_FLOAT = SimpleNamespace()


def _add_float(op: Any) -> None:
    if op.kind == "leaf":
        if op.name in _ops.CONSTANTS:
            setattr(IEEE_FLOAT, op.name, op.evaluate())
    else:
        setattr(IEEE_FLOAT, op.name, _ieee(op))


def _forget_float(op: Any) -> None:
    IEEE_FLOAT.__dict__.pop(op.name, None)


_ops.on_register(_add_float, _forget_float)


def program_values(program: Program, inputs: Sequence[float]) -> list[float]:
    """The float value of every slot of ``program`` with ``inputs`` in its input slots: the
    one float evaluator (``Expr.evaluate``, numeric AD's tapes and finite differences use it),
    under the rule of this module's docstring."""
    try:
        vals: list[Any] = [*inputs, *[float(c.value) for c in program.constants]]
    except OverflowError:  # a constant no float holds: the fast loop would compute exactly
        vals = [*inputs, *[_number(c.value) for c in program.constants]]
        vals.extend([0.0] * len(program.arg_slots))
        return _carefully(program, vals)
    first = len(vals)
    vals.extend([0.0] * len(program.arg_slots))
    try:  # the program's parallel arrays: no Equation objects made
        for out, node, args in zip(count(first), program.operations, program.arg_slots):
            op = node.op
            if len(args) == 2:
                vals[out] = op.evaluate(vals[args[0]], vals[args[1]])
            elif len(args) == 1:
                vals[out] = op.evaluate(vals[args[0]])
            else:
                vals[out] = op.evaluate(*[vals[a] for a in args])
    except FLOAT_ERRORS:
        return _carefully(program, vals)
    total = sum(vals)  # nan if a value is nan (or if both +inf and -inf are there)
    if total != total:
        return _carefully(program, vals)
    return vals


def _number(value: Any) -> Any:
    """A constant as a float, or exact when no float holds it (10**400)."""
    try:
        return float(value)
    except OverflowError:
        return value


# Exact intermediate values are kept only this large (a float ends near 2**1024).
_MAX_EXACT_BITS = 65_536


def _carefully(program: Program, vals: list[Any]) -> list[Any]:
    """The slow path, one operation at a time: overflow gives ±inf, a domain error or a new
    nan raises DomainError naming the subexpression; an operation with an operand no float
    holds (10**400) is done on exact rationals (10**400 * 1e-300 is 1e100), and its result is
    a float again as soon as one holds it."""
    for out, op, args, _ in program.equations:
        operands = tuple(vals[a] for a in args)
        if not all(type(v) is float for v in operands):
            try:  # (an inf operand, from an earlier overflow, raises OverflowError here)
                exact = tuple(Fraction(v) if type(v) is float else v for v in operands)
                result = _number(op.evaluate(*exact))  # + - * / exact; math functions: floats
                if not isinstance(result, float) and _bits(result) > _MAX_EXACT_BITS:
                    result = _float(result)  # a product of many huge constants: stop exactness
                vals[out] = result
                continue
            except OverflowError:
                operands = tuple(_float(v) for v in operands)  # then the float rule below
            except EvaluationError:
                raise
            except (ZeroDivisionError, ValueError, TypeError):
                raise _domain_error(program, vals, out, "is undefined") from None
        try:
            result = op.evaluate(*operands)
        except EvaluationError:
            raise  # the op's own message (an undefined function has no value)
        except FLOAT_ERRORS as error:
            result = float_error(op, error, operands)
            if isinstance(result, str):
                raise _domain_error(program, vals, out, result) from None
        if result != result and not any(v != v for v in operands):
            raise _domain_error(program, vals, out, f"is nan ({op.name} of "
                                f"{_shown(operands)}: an operand overflowed)")
        vals[out] = result
    for slot in program.output_slots:
        if not isinstance(vals[slot], float):
            vals[slot] = _float(vals[slot])
    return vals


def _float(value: Any) -> float:
    try:
        return float(value)
    except OverflowError:
        return _INF if value > 0 else -_INF


def _bits(value: Any) -> int:
    exact = Fraction(value)
    return max(exact.numerator.bit_length(), exact.denominator.bit_length())


def _domain_error(program: Program, vals: list[Any], out: int, what: str) -> DomainError:
    """The DomainError for slot ``out``: the subexpression as it prints (what the user wrote,
    or the derivative they asked for), what went wrong, and the values of the inputs."""
    node = program.nodes[out]
    text = node_text(node, 80) or node.op.name
    if not program.inputs:
        return DomainError(f"{text} {what}")
    at = ", ".join(f"{s.name} = {vals[k]!r}" for k, s in enumerate(program.inputs[:6]))
    return DomainError(f"{text} {what} at {at}{', …' if len(program.inputs) > 6 else ''}")


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
