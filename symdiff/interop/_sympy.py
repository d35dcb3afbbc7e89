"""SymPy interop: :func:`to_sympy` and :func:`from_sympy`, iterative over both DAGs.

SymPy is imported only in this package (and lazily), so ``import symdiff`` stays light. The
bridge owns two tables keyed by op name: :data:`TO_SYMPY` says how an op is written in SymPy
(default: the SymPy function of the op's name), :data:`FROM_SYMPY` how that form is recognised
back. Ops SymPy lacks are written in SymPy's own terms, so SymPy's ``diff``, ``simplify``,
``lambdify`` and ``latex`` understand them: ``sigmoid(x)`` is ``1/(1 + exp(-x))``, ``relu(x)``
is ``Max(0, x)``, ``step(x)`` is ``Heaviside(x, 0)`` (step(0) = 0), ``softplus(x)`` (when
registered) is ``log(1 + exp(x))``. Symbols are plain ``sympy.Symbol(name)``, as every SymPy
user writes them.

An op's ``sympy`` field names its SymPy function (``sympy.<name>``, or a dotted path such as
``sympy.codegen.cfunctions.log2``); ``""`` means SymPy has none, and :func:`op_function` makes
one from the op's own entry (its partials and its float value), so ``cbrt`` or ``logaddexp``
still differentiate in SymPy. Named constants are ``sympy.pi``/``sympy.E``, rationals
``sympy.Rational``, both ways. Comparisons are numbers in symdiff (1.0 or 0.0) and booleans in
SymPy: they are written ``Piecewise((1, x < y), (0, True))``, and ``where(c, a, b)`` is
``Piecewise((a, c), (b, True))``; a ``Piecewise`` reads back as nested ``where``.

The bridge is three modules along the data flow, and this one is its front: the tables
(:mod:`symdiff.interop._sympy_tables`), the walk to SymPy (:mod:`symdiff.interop._to_sympy`)
and the walk back (:mod:`symdiff.interop._from_sympy`); :func:`simplify` takes both.
"""

from __future__ import annotations

from typing import Any

from .._expr import Expr, as_expr
from ._from_sympy import from_sympy
from ._sympy_tables import ARITHMETIC, FROM_SYMPY, SYMPY_FAMILIES, TO_SYMPY, op_function
from ._to_sympy import rebuild, to_sympy

__all__ = ["to_sympy", "from_sympy", "simplify", "rebuild", "op_function", "ARITHMETIC",
           "TO_SYMPY", "FROM_SYMPY", "SYMPY_FAMILIES"]


def simplify(expr: Any) -> Expr:
    """``expr`` simplified by SymPy (``sympy.simplify``), converted back.

    This is the only real simplification symdiff offers, and it is explicit: swell is always
    measured on raw results. SymPy's simplify is slow on large expressions.

    >>> import symdiff
    >>> print(simplify(symdiff.parse("4*(1 - x) - 4*x")))
    4 - 8*x
    """
    import sympy

    # Real symbols: symdiff's expressions are real, and SymPy simplifies more knowing it.
    return from_sympy(sympy.simplify(to_sympy(as_expr(expr), real=True)))
