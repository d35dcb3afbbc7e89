"""Shape-changing tensor operations: products (``@``, ``outer``, ``dot``, ``einsum``),
transposes, sums and means, reshaping, indexing and its adjoint, the linear algebra of square
matrices (``trace``, ``diag``, ``det``, ``inv``, ``logdet``) and ``norm``, concatenation and
stacking. Each checks shapes (:class:`symdiff.ShapeError` names the operation and the shapes)
and folds its cheap identities (``(Aᵀ)ᵀ = A``, ``A @ I = A``, ``0 @ A = 0``) before making the
node.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import _ops
from .._errors import ShapeError
from .._expr import Constant
from .._ops import DIV, MUL
from . import _tops as T  # noqa: N812  (the table of tensor ops, as T.MATMUL)
from ._elementwise import elementwise
from ._shapes import (
    Shape,
    as_shape,
    index_shape,
    matmul_shape,
    normalize_axes,
    normalize_index,
    size_of,
)
from ._texpr import (
    Operand,
    TensorExpr,
    as_operand,
    fill_value,
    full,
    is_one,
    is_zero,
    make_node,
    shape_of,
    zeros,
)

__all__ = ["matmul", "dot", "transpose", "tsum", "mean", "reshape", "getitem", "scatter",
           "outer", "trace", "diag", "det", "inv", "logdet", "norm", "einsum", "concatenate",
           "stack"]


def matmul(a: Any, b: Any) -> Operand:
    """``a @ b`` with NumPy's rules; folds ``I @ A``, ``A @ I``, ``0 @ A`` and
    ``diag(s) @ A → s[:, None] * A`` (what a Jacobian's chain rule produces).

    >>> import symdiff
    >>> A = symdiff.Tensor("A", (3, 3))
    >>> symdiff.eye(3) @ A is A
    True
    """
    a, b = as_operand(a), as_operand(b)
    shape = matmul_shape(shape_of(a), shape_of(b))
    if is_zero(a) or is_zero(b):
        return zeros(shape)
    if isinstance(a, TensorExpr) and a.op is T.EYE and shape_of(b) == shape:
        return b
    if isinstance(b, TensorExpr) and b.op is T.EYE and shape_of(a) == shape:
        return a
    if isinstance(a, TensorExpr) and a.op is MUL and a.ndim == 2:
        # (I ⊙ s) @ B: a diagonal matrix times B scales B's rows.
        left, right = a.args
        scale = right if isinstance(left, TensorExpr) and left.op is T.EYE else (
            left if isinstance(right, TensorExpr) and right.op is T.EYE else None)
        n = a.shape[0]
        if scale is not None and shape_of(scale) in ((), (n,), (1, n)):
            column = scale if shape_of(scale) == () else reshape(scale, (n,) + (1,) * (
                len(shape_of(b)) - 1))
            return elementwise(MUL, column, b)
    return make_node(T.MATMUL, (a, b), shape)


def dot(a: Any, b: Any) -> Operand:
    """``numpy.dot`` for scalars, vectors and matrices (``u @ v`` for vectors)."""
    a, b = as_operand(a), as_operand(b)
    if not shape_of(a) or not shape_of(b):
        return elementwise(MUL, a, b)
    if len(shape_of(a)) > 2 or len(shape_of(b)) > 2:
        raise ShapeError(f"dot: use matmul or einsum for {shape_of(a)} and {shape_of(b)}")
    return matmul(a, b)


def transpose(a: Any, axes: Sequence[int] | None = None) -> Operand:
    """Axes permuted (reversed by default); ``(Aᵀ)ᵀ`` folds to ``A``."""
    a = as_operand(a)
    ndim = len(shape_of(a))
    perm = tuple(reversed(range(ndim))) if axes is None else tuple(axes)
    if sorted(perm) != list(range(ndim)):
        raise ShapeError(f"transpose: axes {perm} are not a permutation for shape "
                         f"{shape_of(a)}")
    if perm == tuple(range(ndim)):
        return a
    assert isinstance(a, TensorExpr)
    shape = tuple(a.shape[i] for i in perm)
    if a.op is T.FILL:
        return full(shape, a.params[0])
    if a.op is T.EYE:
        return a
    if a.op is T.TRANSPOSE:
        inner = a.params[0]
        return transpose(a.args[0], tuple(inner[i] for i in perm))
    return make_node(T.TRANSPOSE, (a,), shape, (perm,))


def tsum(a: Any, axis: Any = None) -> Operand:
    """The sum over ``axis`` (all axes by default), as ``numpy.sum``.

    >>> import symdiff
    >>> x = symdiff.Tensor("x", (3,))
    >>> print(symdiff.sum(x**2)), symdiff.sum(x**2).shape
    sum(x**2)
    (None, ())
    """
    a = as_operand(a)
    shape = shape_of(a)
    axes = normalize_axes("sum", axis, len(shape))
    if not axes:
        return a
    out = tuple(d for i, d in enumerate(shape) if i not in axes)
    value = fill_value(a)
    if value is not None:
        count = size_of(tuple(shape[i] for i in axes))
        return full(out, value * count)
    return make_node(T.SUM, (a,), out, (axes,))


def mean(a: Any, axis: Any = None) -> Operand:
    """The mean over ``axis`` (all axes by default): the sum divided by the count."""
    a = as_operand(a)
    shape = shape_of(a)
    axes = normalize_axes("mean", axis, len(shape))
    return elementwise(DIV, tsum(a, axes), size_of(tuple(shape[i] for i in axes)))


def reshape(a: Any, shape: Any) -> Operand:
    """The elements of ``a`` in a new shape (row-major; one ``-1`` is inferred)."""
    a = as_operand(a)
    old = shape_of(a)
    dims = (shape,) if isinstance(shape, int) else tuple(shape)
    if dims.count(-1) == 1:
        known = size_of(tuple(d for d in dims if d != -1))
        dims = tuple(size_of(old) // known if d == -1 and known else d for d in dims)
    dims = as_shape(dims)
    if size_of(dims) != size_of(old):
        raise ShapeError(f"reshape: cannot reshape {old} into {dims}")
    if dims == old:
        return a
    value = fill_value(a)
    if value is not None:
        return full(dims, value)
    if not dims:
        return make_node(T.RESHAPE, (a,), dims)
    if isinstance(a, TensorExpr) and a.op is T.RESHAPE:
        return reshape(a.args[0], dims)
    return make_node(T.RESHAPE, (a,), dims)


def getitem(a: Any, index: Any) -> Operand:
    """Basic indexing: ints, slices, ``None`` and ``...`` (``x[1:] - x[:-1]**2``)."""
    a = as_operand(a)
    shape = shape_of(a)
    items = normalize_index(shape, index)
    out = index_shape(items)
    if len(items) == len(shape) and all(
            isinstance(i, tuple) and i[1:] == (0, n, 1) for i, n in zip(items, shape, strict=True)):
        return a
    value = fill_value(a)
    if value is not None:
        return full(out, value)
    return make_node(T.GETITEM, (a,), out, (items,))


def scatter(g: Any, index: tuple[Any, ...], shape: Shape) -> Operand:
    """Zeros of ``shape`` with ``g`` at ``index`` (a normalized index): indexing's adjoint."""
    g = as_operand(g)
    if index_shape(index) != shape_of(g):
        raise ShapeError(f"scatter: {shape_of(g)} does not fill the index of {shape}")
    if is_zero(g):
        return zeros(shape)
    return make_node(T.SCATTER, (g,), shape, (index,))


def _vector(op: str, x: Operand) -> None:
    if len(shape_of(x)) != 1:
        raise ShapeError(f"{op}: needs a vector, got shape {shape_of(x)}")


def _square(op: str, x: Operand) -> None:
    s = shape_of(x)
    if len(s) != 2 or s[0] != s[1]:
        raise ShapeError(f"{op}: needs a square matrix, got shape {s}")


def outer(u: Any, v: Any) -> Operand:
    """The outer product ``u vᵀ`` of two vectors."""
    u, v = as_operand(u), as_operand(v)
    _vector("outer", u)
    _vector("outer", v)
    shape = shape_of(u) + shape_of(v)
    if is_zero(u) or is_zero(v):
        return zeros(shape)
    return make_node(T.OUTER, (u, v), shape)


def trace(a: Any) -> Operand:
    """The trace of a square matrix."""
    a = as_operand(a)
    _square("trace", a)
    if isinstance(a, TensorExpr) and a.op is T.EYE:
        return Constant(a.shape[0])
    if is_zero(a):
        return Constant(0)
    return make_node(T.TRACE, (a,), ())


def diag(a: Any) -> Operand:
    """A vector's diagonal matrix, or a square matrix's diagonal (as ``numpy.diag``)."""
    a = as_operand(a)
    shape = shape_of(a)
    if len(shape) == 1:
        out: Shape = (shape[0], shape[0])
    else:
        _square("diag", a)
        out = shape[:1]
    if is_zero(a):
        return zeros(out)
    return make_node(T.DIAG, (a,), out)


def det(a: Any) -> Operand:
    """The determinant of a square matrix."""
    a = as_operand(a)
    _square("det", a)
    return make_node(T.DET, (a,), ())


def inv(a: Any) -> Operand:
    """The inverse of a square matrix."""
    a = as_operand(a)
    _square("inv", a)
    if isinstance(a, TensorExpr) and a.op is T.EYE:
        return a
    return make_node(T.INV, (a,), shape_of(a))


def logdet(a: Any) -> Operand:
    """``log |det a|`` of a square matrix (``numpy.linalg.slogdet``'s second value)."""
    a = as_operand(a)
    _square("logdet", a)
    return make_node(T.LOGDET, (a,), ())


def norm(a: Any) -> Operand:
    """The Euclidean norm of all elements (Frobenius for a matrix)."""
    a = as_operand(a)
    if not shape_of(a):
        return elementwise(_ops.FUNCTIONS["abs"], a)
    return make_node(T.NORM, (a,), ())


def einsum(spec: str, *operands: Any) -> Operand:
    """Einstein summation, as ``numpy.einsum`` with explicit subscripts (``"ij,j->i"``); an
    output written without ``->`` follows NumPy's implicit rule."""
    args = tuple(as_operand(o) for o in operands)
    if not isinstance(spec, str):
        raise ShapeError(f"einsum: the spec must be a string, not {spec!r}")
    text = spec.replace(" ", "")
    inputs_text, arrow, output = text.partition("->")
    inputs = inputs_text.split(",")
    if len(inputs) != len(args):
        raise ShapeError(f"einsum: {spec!r} names {len(inputs)} operands, got {len(args)}")
    sizes: dict[str, int] = {}
    for subs, arg in zip(inputs, args, strict=True):
        shape = shape_of(arg)
        if (not subs.isalpha() and subs != "") or len(subs) != len(shape):
            raise ShapeError(f"einsum: subscripts {subs!r} do not fit shape {shape}")
        for letter, size in zip(subs, shape, strict=True):
            if sizes.setdefault(letter, size) != size:
                raise ShapeError(f"einsum: index {letter!r} is {sizes[letter]} in one operand "
                                 f"and {size} in another ({spec!r})")
    if not arrow:
        counts = {c: inputs_text.count(c) for c in sizes}
        output = "".join(sorted(c for c, n in counts.items() if n == 1))
    if len(set(output)) != len(output) or any(c not in sizes for c in output):
        raise ShapeError(f"einsum: bad output subscripts {output!r} in {spec!r}")
    if any(is_zero(a) for a in args):
        return zeros(tuple(sizes[c] for c in output))
    ones_dropped = [(s, a) for s, a in zip(inputs, args, strict=True)
                    if not (s == "" and is_one(a))]  # a factor 1 (the seed of a sweep)
    if ones_dropped and len(ones_dropped) < len(args):
        inputs, args = [s for s, _ in ones_dropped], tuple(a for _, a in ones_dropped)
    if len(args) == 1 and inputs[0] == output:  # einsum("ij->ij", A) is A
        return args[0]
    normalized = ",".join(inputs) + "->" + output
    return make_node(T.EINSUM, args, tuple(sizes[c] for c in output), (normalized,))


def concatenate(operands: Sequence[Any], axis: int = 0) -> Operand:
    """Operands joined along an existing ``axis``."""
    args = tuple(as_operand(o) for o in operands)
    if not args:
        raise ShapeError("concatenate: needs at least one operand")
    first = shape_of(args[0])
    if not first:
        raise ShapeError("concatenate: zero-dimensional operands cannot be concatenated")
    (axis,) = normalize_axes("concatenate", axis, len(first))
    for a in args[1:]:
        s = shape_of(a)
        if len(s) != len(first) or any(
                s[i] != first[i] for i in range(len(first)) if i != axis):
            raise ShapeError(f"concatenate: shapes {first} and {s} differ off axis {axis}")
    if len(args) == 1:
        return args[0]
    total = sum(shape_of(a)[axis] for a in args)
    shape = (*first[:axis], total, *first[axis + 1:])
    return make_node(T.CONCAT, args, shape, (axis,))


def stack(operands: Sequence[Any], axis: int = 0) -> Operand:
    """Operands of one shape stacked along a new ``axis``."""
    args = [as_operand(o) for o in operands]
    if not args:
        raise ShapeError("stack: needs at least one operand")
    first = shape_of(args[0])
    if any(shape_of(a) != first for a in args):
        raise ShapeError(f"stack: shapes differ: {[shape_of(a) for a in args]}")
    (axis,) = normalize_axes("stack", axis, len(first) + 1)
    expanded = [reshape(a, (*first[:axis], 1, *first[axis:])) for a in args]
    return concatenate(expanded, axis)
