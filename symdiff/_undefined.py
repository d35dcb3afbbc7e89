"""Undefined functions as a family of ops: ``f(x)``, ``k(x, y)`` and their derivatives.

An undefined function has a name and an arity but no formula. Each of its derivatives is an op
of the same family, named by how often each argument is differentiated (its *counts*):
``f`` is counts ``(0,)``, ``f'`` is ``(1,)``, ``D[1, 0](k)`` is ∂₁k, ``D[1, 1](k)`` the mixed
partial ∂₁∂₂k (partial derivatives commute, so counts are the canonical order). The op with
counts ``c`` has as its partial in argument ``i`` the op with ``c[i] + 1``: the differentiator's
one sum, product and chain rule then give ``diff(f(g(x)), x) = g'(x)*f'(g(x))`` with no special
case, and so do grad, jacobian, hessian, the sweeps and sparsity.

The ops are made on demand and interned here by ``(name, arity, counts)``; they are not in the
op table (``symdiff.f`` does not exist), and consumers' tables hold one entry for the whole
family (``op.family == "undefined"``). They have no numeric value: evaluating or compiling one
raises an error saying to substitute a concrete function first (``e.subs({f: Lambda(u, …)})``).

Text (read back by :func:`symdiff.parse`): ``f(x)``; ``f'(x)``, ``f''(x)``, ``f'''(x)`` for a
one-argument function to order 3; ``D[n](f)(x)`` above; ``D[1, 0](k)(x, y)`` for several
arguments. A function name that is not one letter (optionally followed by digits) prints in
backquotes, ```phi`(x)``, because the parser reads only such short names, declared names and
quoted ones as undefined functions (anything else is an unknown function with suggestions).

This module sits just above the op table (it imports only the table and the errors).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from . import _ops
from ._errors import ConversionError, EvaluationError

__all__ = ["UndefinedOp", "FAMILY", "undefined_op", "is_short_name", "check_name",
           "quoted_name", "op_text", "PRIME_LIMIT"]

FAMILY = "undefined"
#: One-argument derivatives up to this order print with primes (``f'''``), higher as ``D[4](f)``.
PRIME_LIMIT = 3

_SHORT = re.compile(r"[^\W\d_]\d*\Z")
_IDENTIFIER = re.compile(r"[^\W\d]\w*\Z")


@dataclass(frozen=True, eq=False)
class UndefinedOp(_ops.Op):
    """An undefined function (``counts`` all 0) or one of its derivatives: ``function`` is its
    name, ``counts[i]`` how often argument ``i`` is differentiated."""

    function: str = ""
    counts: tuple[int, ...] = ()

    @property
    def order(self) -> int:
        """The total order of the derivative (0 for the function itself)."""
        return sum(self.counts)

    @property
    def base(self) -> UndefinedOp:
        """The undefined function itself (counts all 0)."""
        return undefined_op(self.function, self.arity)

    def __reduce__(self) -> Any:  # pickled by reference: the family re-interns it
        return undefined_op, (self.function, self.arity, self.counts)

    def __repr__(self) -> str:
        return f"<op {self.name}>"


def is_short_name(name: str) -> bool:
    """Whether the parser reads a call of ``name`` as an undefined function without being
    told: one letter, optionally followed by digits (``f``, ``g``, ``k2``, ``φ``)."""
    return bool(_SHORT.match(name))


def check_name(name: Any) -> str:
    """``name`` if it can name an undefined function, else a :class:`ConversionError`."""
    if not isinstance(name, str) or not name:
        raise ConversionError(f"a function name must be a non-empty string, not {name!r}")
    if name in _ops.OPS or name in _ops.ALIASES or name in _ops.CONSTANTS:
        raise ConversionError(f"{name!r} is already a symdiff function or constant: an "
                              f"undefined function needs another name")
    return name


def quoted_name(name: str, short_plain: bool) -> str:
    """The function's name as printed: plain if the parser reads it so (a short name, or any
    identifier when ``short_plain`` is False, i.e. where primes or ``D[…]`` mark it), else in
    backquotes (a backquote inside doubled)."""
    plain = is_short_name(name) if short_plain else bool(_IDENTIFIER.match(name))
    return name if plain else "`" + name.replace("`", "``") + "`"


def op_text(name: str, counts: tuple[int, ...]) -> str:
    """The head the text printer writes before the arguments: ``f``, ``f''``, ``D[1, 0](k)``."""
    order = sum(counts)
    if order == 0:
        return quoted_name(name, short_plain=True)
    if len(counts) == 1 and order <= PRIME_LIMIT:
        return quoted_name(name, short_plain=False) + "'" * order
    return f"D[{', '.join(map(str, counts))}]({quoted_name(name, short_plain=False)})"


def _message(name: str) -> str:
    return (f"{name} is an undefined function: it has no value until it is replaced by a "
            f"concrete one, e.g. expr.subs({{{name}: symdiff.Lambda(u, u**2)}}) (or "
            f"symdiff.Function({name!r}) as the key)")


def _no_value(name: str) -> Any:
    message = _message(name)

    def evaluate(*args: float) -> float:
        raise EvaluationError(message)

    return evaluate


def _partial(name: str, arity: int, counts: tuple[int, ...], i: int) -> _ops.Rule:
    bumped = (*counts[:i], counts[i] + 1, *counts[i + 1:])

    def rule(F: Any, *operands: Any) -> Any:
        op = undefined_op(name, arity, bumped)
        args = operands[:-1]  # the last operand is the op's own output
        # The symbolic namespace is callable (it builds op(*args)); on floats the op has no
        # value, and evaluating it says so.
        return F(op, *args) if callable(F) else op.evaluate(*args)

    return rule


_FAMILY: dict[tuple[str, int, tuple[int, ...]], UndefinedOp] = {}


def undefined_op(name: str, arity: int, counts: tuple[int, ...] | None = None) -> UndefinedOp:
    """The op of the undefined function ``name`` of ``arity`` arguments differentiated
    ``counts[i]`` times in argument ``i`` (default: not at all). Interned: the same arguments
    give the same op."""
    key = (name, arity, (0,) * arity if counts is None else tuple(counts))
    op = _FAMILY.get(key)
    if op is not None:
        return op
    check_name(name)
    if not isinstance(arity, int) or isinstance(arity, bool) or arity < 1:
        raise ConversionError(f"an undefined function takes at least one argument, "
                              f"not {arity!r}")
    counts = key[2]
    if len(counts) != arity or not all(
            isinstance(c, int) and not isinstance(c, bool) and c >= 0 for c in counts):
        raise ConversionError(f"derivative counts of {name} must be {arity} integer(s) ≥ 0, "
                              f"not {counts!r}")
    text = op_text(name, counts)
    op = UndefinedOp(
        name=text, arity=arity, kind="function", evaluate=_no_value(name),
        partials=tuple(_partial(name, arity, counts, i) for i in range(arity)), text=text,
        latex="", label=text.replace("'", "′"), sympy=None, doc=_message(name), family=FAMILY,
        function=name, counts=counts)
    return _FAMILY.setdefault(key, op)
