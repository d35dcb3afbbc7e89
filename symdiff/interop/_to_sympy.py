"""symdiff → SymPy: :func:`to_sympy`, one iterative walk (:func:`rebuild`) over the DAG that
writes each op as :data:`symdiff.interop.TO_SYMPY` says."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from .. import _ops
from .._errors import ConversionError
from .._expr import Expr, Symbol, as_expr
from .._traversal import toposort
from ._sympy_tables import ARITHMETIC
from ._sympy_tables import sympy_builder as _sympy_builder

__all__ = ["to_sympy", "rebuild"]


def to_sympy(exprs: Any, real: bool = False) -> Any:
    """The SymPy expression (or tuple of them) for symdiff expression(s).

    Symbols become plain ``sympy.Symbol(name)``, the very symbols a SymPy user writes, so
    ``sympy.diff(to_sympy(e), sympy.Symbol("x"))`` differentiates; ``real=True`` makes them
    ``sympy.Symbol(name, real=True)`` instead (SymPy simplifies more with it). Ints stay exact,
    floats become ``sympy.Float`` of the same binary value; ops SymPy lacks are written in its
    terms (see :data:`TO_SYMPY`).

    >>> import sympy, symdiff
    >>> to_sympy(symdiff.parse("x*sin(x)"))
    x*sin(x)
    >>> to_sympy(symdiff.parse("sigmoid(x)"))
    1/(1 + exp(-x))
    >>> sympy.diff(to_sympy(symdiff.parse("x**3")), sympy.Symbol("x"))
    3*x**2
    """
    try:
        return _to_sympy(exprs, real)
    except ZeroDivisionError:  # SymPy's Float(1.0)/Float(0.0) (Integer division gives zoo)
        raise ConversionError("SymPy cannot divide a float by a zero float (1.0/0.0); "
                              "symdiff keeps the division, and evaluating it is a "
                              "DomainError") from None
    except RecursionError:
        # Our walk is iterative, but SymPy's constructors recurse on deep nesting.
        raise ConversionError("SymPy cannot build an expression this deep (its constructors "
                              "recurse); symdiff itself has no depth limit") from None


def rebuild(exprs: Any, symbol: Callable[[Symbol], Any],
            constant: Callable[[int | float], Any] | None = None,
            function: Callable[[_ops.Op], Callable[..., Any]] | None = None) -> Any:
    """Rebuild one expression (or a sequence) in another library, node by node, iteratively,
    so shared subexpressions stay shared: ``symbol(node)`` and ``constant(value)`` make the
    leaves, arithmetic uses Python's operators, and ``function(op)`` gives the library's
    callable for each other op (asked once per op). :func:`to_sympy` is this with SymPy; the
    benchmarks use it for SymEngine and CasADi.

    >>> import math, symdiff
    >>> rebuild(symdiff.parse("x*sin(x)"), lambda s: 2.0, function=lambda op: math.sin)
    1.8185948536513634
    """
    single = isinstance(exprs, Expr) or getattr(exprs, "__iter__", None) is None
    roots = (as_expr(exprs),) if single else tuple(as_expr(e) for e in exprs)
    builders: dict[_ops.Op, Callable[..., Any]] = {}
    out: dict[Expr, Any] = {}
    for node in toposort(roots):
        op = node.op
        if op is _ops.SYMBOL:
            out[node] = symbol(node)  # type: ignore[arg-type]
        elif op is _ops.CONST:
            value = node.value  # type: ignore[attr-defined]
            out[node] = value if constant is None else constant(value)
        else:
            build = builders.get(op)
            if build is None:
                build = ARITHMETIC.get(op.name) if op.kind != "function" else None
                if build is None:
                    if function is None:
                        raise ConversionError(f"no way given to rebuild op {op.name!r}")
                    build = function(op)
                builders[op] = build
            out[node] = build(*(out[a] for a in node.args))
    return out[roots[0]] if single else tuple(out[r] for r in roots)


# SymPy computes an exact power of exact numbers in full as it builds it (Integer(9)**9**9
# never returns), even unevaluated once it meets Mul: refuse results larger than this.
_MAX_SYMPY_POWER_BITS = 1 << 20


def _check_exact_powers(exprs: Any) -> None:
    single = isinstance(exprs, Expr) or getattr(exprs, "__iter__", None) is None
    roots = (as_expr(exprs),) if single else tuple(as_expr(e) for e in exprs)
    for node in toposort(roots):
        if node.op is not _ops.POW:
            continue
        base: Any = getattr(node.args[0], "value", None)
        exponent: Any = getattr(node.args[1], "value", None)
        if isinstance(base, (int, Fraction)) and isinstance(exponent, (int, Fraction)):
            exact = Fraction(base)
            size = max(abs(exact.numerator).bit_length(), exact.denominator.bit_length())
            bits = (size - 1) * abs(float(exponent))
            if bits > _MAX_SYMPY_POWER_BITS:
                raise ConversionError(
                    f"SymPy would compute the exact power {node} in full (about "
                    f"{int(bits * 0.30103):,} digits) and not return; "
                    "symdiff keeps it unfolded: write the base as a float to convert it")


def _to_sympy(exprs: Any, real: bool) -> Any:
    import sympy

    _check_exact_powers(exprs)

    def constant(value: int | float | Fraction) -> Any:
        if isinstance(value, int):
            return sympy.Integer(value)
        if isinstance(value, Fraction):
            return sympy.Rational(value.numerator, value.denominator)
        return sympy.Float(value, precision=53)

    def symbol(s: Symbol) -> Any:
        return sympy.Symbol(s.name, real=True) if real else sympy.Symbol(s.name)

    return rebuild(exprs, symbol, constant, _sympy_builder)
