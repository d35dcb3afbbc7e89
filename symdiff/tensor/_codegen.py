"""Tensor expressions as readable NumPy (or JAX) source, compiled to a function.

:func:`tensor_function` lowers one tensor expression, or a nested sequence of them, to a
straight-line function: every operation used more than once (or nested too deeply) gets a
temporary ``t0, t1 …`` in topological order, single-use operations are written inline, and the
text of each operation is the printer's ``"code"`` style (``W @ x``, ``numpy.outer(u, v)``,
``numpy.einsum('ij,j->i', A, x)``, ``_sigmoid(z)``). For NumPy, a step whose operand is an
array of at least 2²² elements the function has just made and nothing else uses overwrites
it (``t0 += b0``, see :func:`inplace_steps`), after the array arguments are made float64.
The code uses only
operations that ``dask.array`` implements too (but for ``det``, ``slogdet``, and ``inv``
across chunks, of square matrices that are usually parameters), so the same function runs on
Dask chunks and on Dask arrays themselves, lazily.

Safety as for scalar code generation: argument names reach the code only when they are plain
identifiers that mean nothing else here (else ``a0, a1 …``, named in a comment through
``repr``); large constant arrays are passed in the function's namespace (``_c0 …``), not
written as text; the source is compiled under a unique file name registered in
:mod:`linecache`, so tracebacks and :func:`inspect.getsource` show it.

``backend="numpy"`` (also what lambdify's default ``"math"`` means for tensors) or ``"jax"``
(the same text with ``jax.numpy`` under the name ``numpy``, wrapped in ``jax.jit``); the
core's :func:`symdiff.lambdify` hands tensor arguments to this function.
"""

from __future__ import annotations

import builtins
import itertools
import keyword
import linecache
import re
from collections.abc import Callable
from typing import Any

from .._errors import ConversionError, SymdiffError
from .._expr import Expr, Symbol
from .._traversal import toposort, use_counts
from ._print import SCATTER_HELPER, render_parts
from ._shapes import size_of
from ._texpr import Tensor, TensorExpr, as_operand
from ._tops import TensorOp

__all__ = ["tensor_function", "tensor_source", "TENSOR_BACKENDS", "TENSOR_HELPERS",
           "MAX_INLINE_DEPTH", "inplace_steps", "INPLACE_MIN_ELEMENTS"]

TENSOR_BACKENDS = ("numpy", "jax")
#: Single-use operations are written inline down to this depth, then given a temporary.
MAX_INLINE_DEPTH = 8
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_GENERATED = re.compile(r"(t|a|_c)\d+\Z")
_JAX_SCATTER_HELPER = '''def _scatter(g, index, shape):
    return numpy.zeros(shape, dtype=g.dtype).at[index].set(g)'''
# Helpers the tensor code uses instead of an op's scalar NumPy helper (by op name): the
# sigmoid as 1/(1 + exp(-x)), three array passes instead of the two-branch form's nine; where
# exp(-x) overflows, the quotient is the exact limit 0, so only the warning is silenced.
TENSOR_HELPERS = {
    "sigmoid": (
        "def _sigmoid(x):\n"
        "    with numpy.errstate(over=\"ignore\"):\n"
        "        return 1.0 / (1.0 + numpy.exp(-x))",
        "def _sigmoid(x):\n"
        "    return 1.0 / (1.0 + numpy.exp(-x))"),
    # NumPy lacks the special functions: its code applies math's element by element (the
    # op's own helper), which JAX cannot trace; under JAX the names the op's NumPy template
    # calls are jax.scipy.special's functions (polygamma wants an integer order).
    **{op: (None, f"def {helper}(x):\n    return jax.scipy.special.{name}(x)")
       for op, helper, name in (("erf", "_erf", "erf"), ("erfc", "_erfc", "erfc"),
                                ("gamma", "_gamma", "gamma"), ("loggamma", "_lgamma", "gammaln"))},
    **{op: (None, "def _polygamma_np(n, x):\n"
                  "    return jax.scipy.special.polygamma(numpy.int32(n), x)")
       for op in ("digamma", "polygamma")},
}
_USES_MATH = re.compile(r"\bmath\.")

# --- steps computed in place (NumPy) -------------------------------------------------------
# A full-size temporary is 0.8 GB at H = 1000, N = 10⁵: a step whose operand is an array this
# function has just made, used by nothing else, overwrites it (t0 += b0) instead of
# allocating another. The arguments are made float64 on entry (the arrays made from them stay
# float64, so nothing is cast in place); Dask arrays have no in-place operators (Python
# rebinds, `t0 = t0 + b0`) and the in-place sigmoid leaves them to the plain one.
_AUGMENTED = {"add": "+=", "sub": "-=", "mul": "*=", "div": "/="}
#: Only arrays of at least this many elements are overwritten: 2²² float64 are 32 MiB, the
#: largest block glibc's malloc still recycles (larger ones are fresh pages from mmap every
#: time, which is what the in-place steps save; below it they measured no faster).
INPLACE_MIN_ELEMENTS = 2 ** 22
#: Ops whose result is an array of their own, float64 when an operand is.
_FRESH = frozenset({"add", "sub", "mul", "div", "neg", "exp", "tanh", "sigmoid", "matmul",
                    "outer"})
_INPLACE_HELPERS = '''def _float(x):
    return x.astype(numpy.float64, copy=False) if hasattr(x, "astype") else numpy.asarray(
        x, numpy.float64)


def _sigmoid_inplace(x):
    if type(x) is not numpy.ndarray:  # (a Dask array: no writing into it)
        return _sigmoid(x)
    with numpy.errstate(over="ignore"):
        numpy.negative(x, out=x)
        numpy.exp(x, out=x)
        x += 1.0
        return numpy.reciprocal(x, out=x)'''


def inplace_steps(order: list[Any], counts: dict[Any, int]) -> dict[Any, tuple[int, str]]:
    """The steps that overwrite an operand, as ``{node: (operand index, how)}``: ``how`` is
    the augmented operator of ``+ - * /`` (either operand of ``+`` and ``*``) or the in-place
    sigmoid's name. The operand must be a float64 array made by this function (by an op of
    ``_FRESH``), of the result's shape (at least :data:`INPLACE_MIN_ELEMENTS` elements), used
    only by this step."""
    is_float: dict[Any, bool] = {}
    fresh: set[Any] = set()
    steps: dict[Any, tuple[int, str]] = {}
    for node in order:
        if not isinstance(node, TensorExpr):
            continue
        name = node.op.name
        if not node.args:
            is_float[node] = name != "fill" or isinstance(node.params[0], float) or (
                node.params[0] in (0, 1))
            continue
        operands = node.args[1:] if name == "where" else node.args
        is_float[node] = any(is_float.get(a, False) for a in operands)
        if size_of(node.shape) < INPLACE_MIN_ELEMENTS or not node.shape:
            continue
        how = _AUGMENTED.get(name, "_sigmoid_inplace" if name == "sigmoid" else "")
        for i in ((0, 1) if name in ("add", "mul") else (0,)) if how else ():
            a = node.args[i]
            if a in fresh and counts[a] == 1 and a.shape == node.shape:
                steps[node] = (i, how)
                break
        if name in _FRESH and is_float[node]:
            fresh.add(node)
    return steps
_counter = itertools.count()


def _structure(exprs: Any, roots: list[Any]) -> Any:
    if isinstance(exprs, (list, tuple)):
        return [_structure(e, roots) for e in exprs]
    roots.append(as_operand(exprs))
    return len(roots) - 1


def _return_text(structure: Any, texts: list[str]) -> str:
    if isinstance(structure, int):
        return texts[structure]
    inner = ", ".join(_return_text(s, texts) for s in structure)
    return f"({inner},)" if len(structure) == 1 else f"({inner})"


def _arguments(args: Any) -> tuple[Any, ...]:
    items = (args,) if isinstance(args, (TensorExpr, Expr)) else tuple(args)
    for a in items:
        if not isinstance(a, (Tensor, Symbol)):
            raise ConversionError(f"every argument must be a tensor variable or a symbol, "
                                  f"not {a!r}")
    if len(set(items)) != len(items):
        raise SymdiffError("an argument appears more than once in args")
    return items


def tensor_source(args: Any, exprs: Any, backend: str = "numpy", name: str = "f",
                  inplace: bool = True) -> tuple[str, dict[str, Any], tuple[Any, ...]]:
    """The source of the function, the constants its namespace needs, and its arguments
    (``inplace=False``: every step allocates, the plain form)."""
    backend = getattr(backend, "name", backend)  # a codegen Backend object, or its name
    if backend == "math":  # lambdify's default: tensors compute with NumPy
        backend = "numpy"
    if backend not in TENSOR_BACKENDS:
        raise SymdiffError(f"tensor expressions compile for the backends "
                           f"{', '.join(TENSOR_BACKENDS)}, not {backend!r}")
    arguments = _arguments(args)
    roots: list[Any] = []
    structure = _structure(exprs, roots)
    order = toposort(roots)
    reserved = (set(keyword.kwlist) | set(dir(builtins)) | {"numpy", "jax", "_sigmoid",
                                                             "_scatter", name})
    identifiers = [a.name if _PLAIN.match(a.name) and not _GENERATED.match(a.name)
                   and a.name not in reserved else f"a{i}" for i, a in enumerate(arguments)]
    names: dict[Any, str] = dict(zip(arguments, identifiers, strict=True))
    missing = sorted({n.name for n in order if n.op.name in ("symbol", "tensor")} -
                     {a.name for a in arguments})
    if missing:
        raise SymdiffError(f"the expressions use {', '.join(map(repr, missing))}, which "
                           f"args does not list")
    constants: dict[str, Any] = {}
    for node in order:
        if node.op.__class__ is TensorOp and node.op.name == "array" and node.value.size > 12:
            names[node] = f"_c{len(constants)}"
            constants[names[node]] = node.value
    counts = use_counts(order, roots)
    steps = inplace_steps(order, counts) if backend == "numpy" and inplace else {}
    overwritten = {node.args[i] for node, (i, _) in steps.items()}
    depth: dict[Any, int] = {}
    temporaries: list[Any] = []
    for node in order:
        if not node.args:
            depth[node] = 0
            continue
        d = 1 + max(0 if a in names else depth[a] for a in node.args)
        if node in steps:  # the name of the array it overwrites
            names[node] = names[node.args[steps[node][0]]]
            d = 0
        elif counts[node] > 1 or d > MAX_INLINE_DEPTH or node in overwritten:
            names[node] = f"t{len(temporaries)}"
            temporaries.append(node)
            d = 0
        depth[node] = d
    definitions, returns = render_parts(tuple(roots), "code", names, steps)
    defined = [n for n in order if n in names and n.args]
    statements = [f"{target} {steps[n][1]} {body}" if n in steps and len(n.args) == 2
                  else f"{target} = {body}"
                  for n, (target, body) in zip(defined, definitions, strict=True)]
    helpers = []
    used = {n.op for n in order}
    for op in sorted(used, key=lambda o: o.name):
        if op.__class__ is TensorOp:
            continue
        own = TENSOR_HELPERS.get(op.name, (None, None))[backend == "jax"]
        helper = own if own is not None else getattr(op, "numpy_helper", "")
        if helper and helper not in helpers:  # (gamma's and polygamma's are one block)
            helpers.append(helper)
    if any(getattr(op, "name", "") == "scatter" and op.__class__ is TensorOp for op in used):
        helpers.append(_JAX_SCATTER_HELPER if backend == "jax" else SCATTER_HELPER)
    if steps:
        helpers.append(_INPLACE_HELPERS)
    lines = ["import jax.numpy as numpy" if backend == "jax" else "import numpy"]
    if backend == "jax" and any("jax.scipy" in h for h in helpers):
        lines.append("import jax.scipy.special")
    if backend != "jax" and any(_USES_MATH.search(h) for h in helpers):
        lines.insert(0, "import math")
    lines += ["", ""]
    for helper in helpers:
        lines += [helper, "", ""]
    lines.append(f"def {name}({', '.join(identifiers)}):")
    for a, ident in zip(arguments, identifiers, strict=True):
        if ident != a.name:
            lines.append(f"    # {ident} is {a.name!r}")
    tensors = [i for a, i in zip(arguments, identifiers, strict=True) if isinstance(a, Tensor)]
    if steps and tensors:
        lines.append(f"    {', '.join(tensors)} = {', '.join(f'_float({i})' for i in tensors)}")
    lines += [f"    {statement}" for statement in statements]
    lines.append(f"    return {_return_text(structure, returns)}")
    return "\n".join(lines) + "\n", constants, arguments


def tensor_function(args: Any, exprs: Any, backend: str = "numpy", *, name: str = "f",
                    inplace: bool = True) -> Callable[..., Any]:
    """A compiled function of ``args`` (tensor variables and symbols, in call order)
    computing ``exprs`` with NumPy (or JAX); it returns arrays in the structure of ``exprs``.
    ``inplace=False`` writes the plain form, where every step allocates its own array (the
    NumPy code otherwise overwrites arrays it has made and no longer needs: ``t0 += b0``).

    >>> import numpy, symdiff
    >>> W, x, b = symdiff.Tensor("W", (2, 3)), symdiff.Tensor("x", (3,)), symdiff.Tensor("b", (2,))
    >>> f = symdiff.lambdify([W, x, b], symdiff.sigmoid(W @ x + b), backend="numpy")
    >>> f(numpy.zeros((2, 3)), numpy.ones(3), numpy.zeros(2))
    array([0.5, 0.5])
    """
    if not isinstance(name, str) or not _PLAIN.match(name) or keyword.iskeyword(name):
        raise SymdiffError(f"a generated function needs a plain identifier as its name, "
                           f"not {name!r}")
    source, constants, arguments = tensor_source(args, exprs, backend, name, inplace)
    filename = f"<symdiff-tensor-{backend}-{next(_counter)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace: dict[str, Any] = {"__name__": "symdiff_generated", **constants}
    exec(compile(source, filename, "exec"), namespace)
    function = namespace[name]
    if backend == "jax":
        import jax
        compiled = jax.jit(function)
    else:
        compiled = function
    compiled.source = source  # type: ignore[attr-defined]
    compiled.args = arguments  # type: ignore[attr-defined]
    compiled.backend = backend  # type: ignore[attr-defined]
    return compiled  # type: ignore[no-any-return]

