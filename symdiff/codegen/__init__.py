"""Code generation: lower expressions and their derivatives to Python, NumPy or numba code.

The public entry points (``lambdify``, ``value_and_grad``, ``module_source``, ``write_module``)
are re-exported at the top level of :mod:`symdiff`.
"""

from ._lambdify import (
    BACKENDS,
    CompiledFunction,
    cache_dir,
    lambdify,
    module_source,
    value_and_grad,
    write_module,
)
from ._pycode import MAX_INLINE_DEPTH, check_source

__all__ = ["BACKENDS", "MAX_INLINE_DEPTH", "CompiledFunction", "cache_dir", "check_source",
           "lambdify", "module_source", "value_and_grad", "write_module"]
