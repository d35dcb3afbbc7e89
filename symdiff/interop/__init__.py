"""Bridges to other libraries: SymPy both ways (and networkx export, in ``symdiff.measure``)."""

from ._sympy import (
    ARITHMETIC,
    FROM_SYMPY,
    SYMPY_FAMILIES,
    TO_SYMPY,
    from_sympy,
    rebuild,
    simplify,
    to_sympy,
)

__all__ = ["ARITHMETIC", "FROM_SYMPY", "SYMPY_FAMILIES", "TO_SYMPY", "from_sympy", "rebuild",
           "simplify", "to_sympy"]
