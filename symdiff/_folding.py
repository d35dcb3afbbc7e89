"""Exact numbers in constants: the construction-time folding arithmetic of :mod:`symdiff._expr`.

What a constant may hold (:func:`real_number` normalises any real number, bounded by
:data:`MAX_INT_BITS`), how large an exact fold may grow (:data:`MAX_FOLDED_BITS`), and the
small predicates and measures the folding constructors (``add``, ``mul``, ``div``,
``power``, ...) test before computing. Nothing here builds a node; :mod:`symdiff._expr`
binds each name as a module global under its old private name, so the constructors call
them directly.
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction
from typing import TYPE_CHECKING, Any, cast

from ._errors import ConversionError
from ._ops import CONST

if TYPE_CHECKING:
    from ._expr import Expr

__all__ = [
    "MAX_FOLDED_BITS", "MAX_INT_BITS", "real_number", "too_large", "is_exact", "bit_size",
    "constant_value", "quotient",
]

# Exact folds (sums, differences, products, quotients and powers of ints and rationals) happen
# only while the result stays this small, checked before computing: a product of huge factors
# stays a product instead of taking minutes, and every folded constant prints.
MAX_FOLDED_BITS = 4096
# The largest exact integer (numerator, denominator) a constant may hold: its decimal text
# (about 4,200 digits) stays under Python's int/str conversion limit (4,300 digits), so every
# expression prints, compiles and parses back.
MAX_INT_BITS = 14_000


def real_number(value: Any) -> int | float | Fraction:
    kind = type(value)
    if kind is int:
        if value.bit_length() <= MAX_INT_BITS:
            return value  # type: ignore[no-any-return]
        raise too_large(value)
    if kind is float and math.isfinite(value):
        return value  # type: ignore[no-any-return]
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ConversionError(f"not a real number: {value!r}")
    if isinstance(value, numbers.Integral):
        return real_number(int(value))
    if isinstance(value, numbers.Rational):
        exact = Fraction(int(value.numerator), int(value.denominator))
        if exact.denominator == 1:
            return real_number(exact.numerator)
        if bit_size(exact) > MAX_INT_BITS:
            raise too_large(exact.numerator if abs(exact.numerator) > exact.denominator
                             else exact.denominator)
        return exact
    value = float(value)
    if not math.isfinite(value):
        raise ConversionError(f"constants must be finite, not {value!r}")
    return value


def too_large(value: int) -> ConversionError:
    return ConversionError(
        f"an exact number of {value.bit_length():,} bits is larger than a constant holds "
        f"({MAX_INT_BITS:,} bits, about 4,200 digits); write it as a power (10**5000) or a float")

def is_exact(value: Any) -> bool:
    return value.__class__ is int or value.__class__ is Fraction


def bit_size(value: int | Fraction) -> int:
    if value.__class__ is int:
        return value.bit_length()  # type: ignore[union-attr]
    exact = cast(Fraction, value)
    return max(exact.numerator.bit_length(), exact.denominator.bit_length())


def constant_value(node: Expr) -> int | float | Fraction | None:
    return node.value if node.op is CONST else None  # type: ignore[attr-defined]

def quotient(a: Any, b: Any) -> Any:
    return Fraction(a) / Fraction(b) if is_exact(a) and is_exact(b) else a / b
