"""The exception hierarchy: every error symdiff raises on purpose derives from SymdiffError."""

from __future__ import annotations

__all__ = [
    "SymdiffError",
    "ParseError",
    "EvaluationError",
    "DomainError",
    "MissingValueError",
    "DifferentiationError",
    "ConversionError",
    "ShapeError",
]


class SymdiffError(Exception):
    """Base class of every symdiff error."""


class ParseError(SymdiffError, ValueError):
    """Text that is not an expression. ``position`` is the 0-based offset of the problem."""

    def __init__(self, message: str, text: str = "", position: int | None = None) -> None:
        self.text = text
        self.position = position
        if position is not None and text and "\n" not in text and len(text) <= 200:
            message = f"{message} at position {position}\n  {text}\n  {' ' * position}^"
        elif position is not None:
            message = f"{message} at position {position}"
        super().__init__(message)


class EvaluationError(SymdiffError, ValueError):
    """An expression could not be evaluated to a number."""


class DomainError(EvaluationError):
    """An operation was applied outside its domain (log(-1), 1/0, sqrt(-2)), or made a nan of
    non-nan operands (inf - inf); an overflow is ±inf, not an error."""


class MissingValueError(EvaluationError):
    """A symbol of the expression was given no value."""


class DifferentiationError(SymdiffError, TypeError):
    """A differentiation request that makes no sense (e.g. with respect to a non-symbol)."""


class ConversionError(SymdiffError, TypeError):
    """A value that cannot become a symdiff expression (or a SymPy object symdiff cannot map)."""


class ShapeError(SymdiffError, ValueError):
    """Tensor operands whose shapes do not fit the operation (raised when the expression is
    built, before any evaluation); the message names the operation and both shapes."""


# Users meet these as ``symdiff.<Name>`` (tracebacks and doctests print this path).
for _error in (SymdiffError, ParseError, EvaluationError, DomainError, MissingValueError,
               DifferentiationError, ConversionError, ShapeError):
    _error.__module__ = "symdiff"
