"""Bridges to other libraries: SymPy both ways (and networkx export, in ``symdiff.measure``)."""

from ._sympy import ARITHMETIC, from_sympy, rebuild, simplify, sympy_sigmoid, to_sympy

__all__ = ["ARITHMETIC", "from_sympy", "rebuild", "simplify", "sympy_sigmoid", "to_sympy"]
