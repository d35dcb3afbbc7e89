"""Code generation: lower expressions and their derivatives to Python, NumPy, numba or JAX code.

The public entry points (``lambdify``, ``value_and_grad``, ``module_source``, ``write_module``)
are re-exported at the top level of :mod:`symdiff`. A target is a :class:`Backend` object
(``BACKENDS`` holds the four built-in ones by name; ``symdiff.extend`` re-exports the type).
"""

from ._backends import BACKENDS, JAX, MATH, NUMBA, NUMPY, Backend, get_backend
from ._check import check_source
from ._lambdify import (
    CompiledFunction,
    SparseFunction,
    cache_dir,
    lambdify,
    module_source,
    value_and_grad,
    write_module,
)
from ._pycode import MAX_INLINE_DEPTH

__all__ = ["BACKENDS", "JAX", "MATH", "MAX_INLINE_DEPTH", "NUMBA", "NUMPY", "Backend",
           "CompiledFunction", "SparseFunction", "cache_dir", "check_source", "get_backend",
           "lambdify", "module_source", "value_and_grad", "write_module"]
