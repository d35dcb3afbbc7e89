"""Tensor expression nodes: immutable, slotted, interned in the scalar core's table.

A :class:`TensorExpr` has an ``op`` (a scalar :class:`symdiff.Op` applied elementwise, or a
:class:`TensorOp`), ``args`` (tensor nodes, or scalar expressions standing for shape ``()``
operands), a ``shape`` and hashable ``params`` (axes, an index, an einsum spec). Nodes are made
by the constructors below, which check shapes (:class:`symdiff.ShapeError` names the operation
and both shapes), fold the cheap identities, and intern the result under
``(op, shape, params, *args)`` in the core's one weak intern table, so structural equality is
identity and tensor graphs share nodes exactly as scalar ones do. A shape-``()`` tensor variable
*is* a scalar :class:`symdiff.Symbol`, and an elementwise operation whose operands are all
scalars is built by the scalar core, so scalars and tensors mix freely.
"""

from __future__ import annotations

import hashlib
import numbers
from collections.abc import Mapping, Sequence
from typing import Any, cast

import numpy as np

from .. import _ops
from .._errors import ConversionError, ShapeError
from .._expr import Constant, Expr, Symbol, apply, as_expr, intern_node
from .._ops import ADD, CONST, DIV, MUL, NEG, POW, SUB, Op
from .._printing import display_bundle, latex_display
from .._traversal import toposort
from . import _tops as T  # noqa: N812  (the table of tensor ops, as T.MATMUL)
from ._evaluate import STRUCTURAL, evaluate_tensors
from ._print import tensor_latex, tensor_text
from ._shapes import (
    Shape,
    as_shape,
    broadcast,
    index_shape,
    matmul_shape,
    normalize_axes,
    normalize_index,
    size_of,
)

__all__ = ["TensorExpr", "Tensor", "TensorConstant", "Operand", "shape_of", "is_tensor",
           "as_operand", "elementwise", "zeros", "ones", "full", "eye", "matmul", "transpose",
           "tsum", "mean", "reshape", "broadcast_to", "getitem", "scatter", "outer", "dot",
           "trace", "diag", "det", "inv", "logdet", "norm", "einsum", "concatenate", "stack"]

Operand = Any  # TensorExpr | Expr


class TensorExpr:
    """A tensor-valued expression node. Build with :class:`Tensor`, operators and the
    functions of :mod:`symdiff` (``symdiff.sigmoid(W @ x + b)``, ``symdiff.sum(e, axis=0)``).

    >>> import symdiff
    >>> W, x = symdiff.Tensor("W", (2, 3)), symdiff.Tensor("x", (3,))
    >>> (W @ x).shape, (W @ x).ndim, str(W.T @ (W @ x))
    ((2,), 1, 'W.T @ (W @ x)')
    """

    __slots__ = ("__weakref__", "_ref", "args", "op", "params", "shape")
    op: Any
    args: tuple[Operand, ...]
    shape: Shape
    params: tuple[Any, ...]
    # NumPy defers to our reflected operators (array * W is a tensor expression, not an
    # object array), and a tensor is not iterated element by element by accident.
    __array_ufunc__ = None
    __iter__ = None

    def __new__(cls, *args: Any, **kwargs: Any) -> TensorExpr:
        raise ConversionError("build tensor expressions with symdiff.Tensor(name, shape), "
                              "operators and symdiff's functions")

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # A flat instruction list over the tensor nodes (scalar operands pickle themselves):
        # pickling never recurses, whatever the depth.
        order = [n for n in toposort((self,)) if isinstance(n, TensorExpr)]
        index = {node: i for i, node in enumerate(order)}
        code: list[tuple[Any, ...]] = []
        for node in order:
            name = node.op.name
            if name == "tensor":
                code.append(("tensor", node.name, node.shape))  # type: ignore[attr-defined]
            elif name == "array":
                code.append(("array", node.value))  # type: ignore[attr-defined]
            else:
                refs = tuple(index[a] if isinstance(a, TensorExpr) else a for a in node.args)
                code.append((name, node.op.__class__ is T.TensorOp, node.shape, node.params,
                             refs))
        return _rebuild, (code,)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return size_of(self.shape)

    @property
    def T(self) -> Operand:
        """The transpose (axes reversed), as NumPy's ``.T``."""
        return transpose(self)

    def transpose(self, axes: Sequence[int] | None = None) -> Operand:
        return transpose(self, axes)

    def sum(self, axis: Any = None) -> Operand:
        return tsum(self, axis)

    def mean(self, axis: Any = None) -> Operand:
        return mean(self, axis)

    def reshape(self, *shape: Any) -> Operand:
        return reshape(self, shape[0] if len(shape) == 1 else shape)

    def __getitem__(self, index: Any) -> Operand:
        return getitem(self, index)

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    # --- arithmetic (NumPy semantics, broadcasting) ---------------------------------------
    def __add__(self, o: Any) -> Operand:
        return elementwise(ADD, self, o)

    def __radd__(self, o: Any) -> Operand:
        return elementwise(ADD, o, self)

    def __sub__(self, o: Any) -> Operand:
        return elementwise(SUB, self, o)

    def __rsub__(self, o: Any) -> Operand:
        return elementwise(SUB, o, self)

    def __mul__(self, o: Any) -> Operand:
        return elementwise(MUL, self, o)

    def __rmul__(self, o: Any) -> Operand:
        return elementwise(MUL, o, self)

    def __truediv__(self, o: Any) -> Operand:
        return elementwise(DIV, self, o)

    def __rtruediv__(self, o: Any) -> Operand:
        return elementwise(DIV, o, self)

    def __pow__(self, o: Any) -> Operand:
        return elementwise(POW, self, o)

    def __rpow__(self, o: Any) -> Operand:
        return elementwise(POW, o, self)

    def __matmul__(self, o: Any) -> Operand:
        return matmul(self, o)

    def __rmatmul__(self, o: Any) -> Operand:
        return matmul(o, self)

    def __neg__(self) -> Operand:
        return elementwise(NEG, self)

    def __pos__(self) -> TensorExpr:
        return self

    def __abs__(self) -> Operand:
        return elementwise(_ops.FUNCTIONS["abs"], self)

    @staticmethod
    def _symdiff_elementwise_(op: Op, x: Any) -> Operand:
        return elementwise(op, x)  # symdiff.sin(W) and friends land here

    # --- evaluation and printing ----------------------------------------------------------
    def evaluate(self, values: Mapping[Any, Any] | None = None, /, **by_name: Any) -> Any:
        """The value as a NumPy array, with ``values`` mapping tensors (or their names) to
        arrays of their declared shapes and scalar symbols to numbers.

        >>> import numpy, symdiff
        >>> A, x = symdiff.Tensor("A", (2, 2)), symdiff.Tensor("x", (2,))
        >>> (A @ x).evaluate({A: numpy.eye(2), x: [1.0, 2.0]})
        array([1., 2.])
        """
        return evaluate_tensors((self,), {**(values or {}), **by_name})[0]

    _symdiff_text_ = staticmethod(tensor_text)  # symdiff.to_text and symdiff.latex
    _symdiff_latex_ = staticmethod(tensor_latex)

    def __str__(self) -> str:
        return tensor_text(self)

    def __repr__(self) -> str:
        return f"<tensor {self.shape} {tensor_text(self, max_tree=60)}>"

    def _repr_latex_(self) -> str | None:
        return latex_display(self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """What a notebook shows: the formula in matrix notation (LaTeX), with the text form
        as the fallback (the only form above ``DISPLAY_LATEX_MAX_NODES`` distinct nodes), as
        for scalar expressions."""
        return display_bundle(self)


class Tensor(TensorExpr):
    """A named tensor variable of a given shape; ``Tensor("b", ())`` is ``Symbol("b")``.

    >>> import symdiff
    >>> W = symdiff.Tensor("W", (3, 2))
    >>> W is symdiff.Tensor("W", (3, 2)), W.shape, symdiff.Tensor("b", ())
    (True, (3, 2), Symbol('b'))
    """

    __slots__ = ("name",)
    name: str

    def __new__(cls, name: str, shape: Any = ()) -> Any:  # type: ignore[misc]
        dims = as_shape(shape)
        if not dims:
            return Symbol(name)
        if not isinstance(name, str) or not name:
            raise ConversionError(f"a tensor name must be a non-empty string, not {name!r}")

        def build() -> Tensor:
            node = object.__new__(cls)
            node.op, node.args, node.shape, node.params, node.name = (
                T.TSYMBOL, (), dims, (name,), name)
            return node

        return intern_node((T.TSYMBOL, dims, (name,)), build)


class TensorConstant(TensorExpr):
    """A constant NumPy array (float64), interned by its content.

    >>> import numpy, symdiff
    >>> symdiff.TensorConstant(numpy.ones(2)) is symdiff.TensorConstant([1.0, 1.0])
    True
    """

    __slots__ = ("value",)
    value: np.ndarray

    def __new__(cls, value: Any) -> Any:  # type: ignore[misc]
        try:
            array = np.array(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise ConversionError(f"not an array of real numbers: {value!r}") from None
        if not np.all(np.isfinite(array)):
            raise ConversionError("constant arrays must be finite")
        if array.ndim == 0:
            return Constant(float(array))
        array.setflags(write=False)
        digest = hashlib.sha256(array.tobytes()).hexdigest()

        def build() -> TensorConstant:
            node = object.__new__(cls)
            node.op, node.args, node.shape, node.params, node.value = (
                T.ARRAY, (), array.shape, (digest,), array)
            return node

        return intern_node((T.ARRAY, array.shape, (digest,)), build)


def _make(op: Any, args: tuple[Operand, ...], shape: Shape, params: tuple[Any, ...] = ()
          ) -> TensorExpr:
    def build() -> TensorExpr:
        node = object.__new__(TensorExpr)
        node.op, node.args, node.shape, node.params = op, args, shape, params
        return node

    # Children by their intern references, as the scalar core's keys (see symdiff._intern).
    node = cast(TensorExpr, intern_node((op, shape, params, *(a._ref for a in args)), build))
    if op.name in _DATA_MOVES and all(isinstance(a, TensorConstant) for a in args) and (
            size_of(shape) <= FOLD_MAX_ELEMENTS):
        # Moving a constant array's elements is exact: the result is the constant array.
        return cast(TensorExpr, TensorConstant(STRUCTURAL[op.name](
            node, *(cast(TensorConstant, a).value for a in args))))
    return node


#: Constant arrays up to this many elements fold through the operations on them: the data
#: moves (transpose, reshape, indexing, broadcasting, concatenation) exactly, the elementwise
#: ops element by element through the scalar core's own folding (so by its exactness rules).
FOLD_MAX_ELEMENTS = 1000
_DATA_MOVES = frozenset({"transpose", "reshape", "getitem", "broadcast_to", "concatenate"})


def _constant_array(x: Operand) -> np.ndarray | None:
    """The value of a constant operand (scalar, fill, identity or array) as an array."""
    value = _fill_value(x)
    if value is not None:
        return np.full(shape_of(x), float(value))
    if isinstance(x, TensorConstant):
        return x.value
    if isinstance(x, TensorExpr) and x.op is T.EYE:
        return np.eye(x.shape[0])
    return None


def _fold_elementwise(op: Op, args: tuple[Operand, ...], shape: Shape) -> Operand | None:
    """``op`` on constant operands, element by element by the scalar core (None unless every
    element folds to a finite number)."""
    if size_of(shape) > FOLD_MAX_ELEMENTS:
        return None
    arrays = [_constant_array(a) for a in args]
    if any(a is None for a in arrays):
        return None
    spread = [np.broadcast_to(cast(np.ndarray, a), shape) for a in arrays]
    out = np.empty(shape)
    for index in np.ndindex(shape):
        element = _scalar(op, tuple(Constant(float(a[index])) for a in spread))
        if element.op is not CONST or not np.isfinite(float(element.value)):  # type: ignore[attr-defined]
            return None
        out[index] = float(element.value)  # type: ignore[attr-defined]
    return cast(Operand, TensorConstant(out))


def is_tensor(x: Any) -> bool:
    return isinstance(x, TensorExpr)


def shape_of(x: Operand) -> Shape:
    return x.shape if isinstance(x, TensorExpr) else ()


def as_operand(x: Any) -> Operand:
    """A tensor node or scalar expression from ``x`` (arrays become constants)."""
    if isinstance(x, (TensorExpr, Expr)):
        return x
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return as_expr(x)
    if isinstance(x, (np.ndarray, list, tuple)) or np.isscalar(x):
        return TensorConstant(x)
    raise ConversionError(f"cannot make a tensor expression from {x!r}")


# --- constants --------------------------------------------------------------------------

def full(shape: Any, value: int | float) -> Operand:
    """A constant tensor with every element ``value`` (a scalar constant for shape ``()``)."""
    dims = as_shape(shape)
    if not dims:
        return Constant(value)
    number = Constant(value).value  # normalises and checks the number

    def build() -> TensorExpr:
        node = object.__new__(TensorExpr)
        node.op, node.args, node.shape, node.params = T.FILL, (), dims, (number,)
        return node

    key_value = ("i", number) if isinstance(number, int) else ("f", float(number).hex())
    return intern_node((T.FILL, dims, key_value), build)


def zeros(shape: Any) -> Operand:
    """The zero tensor of ``shape``.

    >>> import symdiff
    >>> print(symdiff.zeros((2, 3)) + symdiff.Tensor("A", (2, 3)))
    A
    """
    return full(shape, 0)


def ones(shape: Any) -> Operand:
    """The tensor of ones of ``shape``."""
    return full(shape, 1)


def eye(n: int) -> TensorExpr:
    """The ``n × n`` identity matrix (``A @ eye(n)`` folds to ``A``)."""
    (size,) = as_shape(n)
    shape = (size, size)

    def build() -> TensorExpr:
        node = object.__new__(TensorExpr)
        node.op, node.args, node.shape, node.params = T.EYE, (), shape, ()
        return node

    return cast(TensorExpr, intern_node((T.EYE, shape, ()), build))


def _fill_value(x: Operand) -> int | float | None:
    """The one value of every element of a constant scalar or fill, else None."""
    if isinstance(x, Expr):
        return x.value if x.op is CONST else None  # type: ignore[attr-defined, no-any-return]
    return x.params[0] if x.op is T.FILL else None  # type: ignore[no-any-return]


def _is_zero(x: Operand) -> bool:
    return _fill_value(x) == 0


def _is_one(x: Operand) -> bool:
    return _fill_value(x) == 1


def _to_shape(x: Operand, shape: Shape) -> Operand:
    return x if shape_of(x) == shape else broadcast_to(x, shape)


# --- elementwise --------------------------------------------------------------------------

def _scalar(op: Op, args: tuple[Expr, ...]) -> Expr:
    return apply(op, *args)


def elementwise(op: Op, *operands: Any) -> Operand:
    """``op`` applied element by element with NumPy broadcasting; scalars build scalars."""
    args = tuple(as_operand(a) for a in operands)
    if len(args) != op.arity:
        raise ShapeError(f"{op.name} takes {op.arity} operand(s), got {len(args)}")
    if not any(isinstance(a, TensorExpr) for a in args):
        return _scalar(op, args)
    shape = broadcast(op.name, *(shape_of(a) for a in args))
    if len(args) == 2:  # an explicit broadcast_to that the operation does anyway is dropped
        a, b = args
        if isinstance(a, TensorExpr) and a.op is T.BROADCAST and a.shape == shape \
                and broadcast(op.name, shape_of(a.args[0]), shape_of(b)) == shape:
            args = (a.args[0], b)
        elif isinstance(b, TensorExpr) and b.op is T.BROADCAST and b.shape == shape \
                and broadcast(op.name, shape_of(a), shape_of(b.args[0])) == shape:
            args = (a, b.args[0])
        if not any(isinstance(x, TensorExpr) for x in args):
            return _scalar(op, args)
    values = [_fill_value(a) for a in args]
    if len(args) == 2 and None in values:
        # A constant fill that the other operand broadcasts anyway is its scalar value.
        a, b = args
        if values[0] is not None and isinstance(a, TensorExpr) and shape_of(b) == shape:
            args = (Constant(values[0]), b)
        elif values[1] is not None and isinstance(b, TensorExpr) and shape_of(a) == shape:
            args = (a, Constant(values[1]))
    if all(v is not None for v in values):  # constants: fold through the scalar core
        folded = _scalar(op, tuple(Constant(cast(float, v)) for v in values))
        if folded.op is CONST:
            return full(shape, folded.value)  # type: ignore[attr-defined]
    elif any(isinstance(a, TensorConstant) for a in args) and all(
            isinstance(a, (TensorConstant, Expr)) or a.op in (T.FILL, T.EYE) for a in args):
        # (fills and identities alone keep their own rules below: eye(3) * 1 is eye(3))
        constant = _fold_elementwise(op, args, shape)
        if constant is not None:
            return constant
    if op is ADD:
        a, b = args
        if _is_zero(a):
            return _to_shape(b, shape)
        if _is_zero(b):
            return _to_shape(a, shape)
        if isinstance(b, TensorExpr) and b.op is NEG:
            return elementwise(SUB, a, b.args[0])
    elif op is SUB:
        a, b = args
        if a is b:
            return zeros(shape)
        if _is_zero(b):
            return _to_shape(a, shape)
        if _is_zero(a):
            return _to_shape(elementwise(NEG, b), shape)
    elif op is MUL:
        a, b = args
        if _is_zero(a) or _is_zero(b):
            return zeros(shape)
        if _is_one(a):
            return _to_shape(b, shape)
        if _is_one(b):
            return _to_shape(a, shape)
        if _fill_value(a) == -1:
            return _to_shape(elementwise(NEG, b), shape)
        if _fill_value(b) == -1:
            return _to_shape(elementwise(NEG, a), shape)
        if _fill_value(b) is not None and _fill_value(a) is None:
            return elementwise(MUL, b, a)  # constant factors first, as for scalars
    elif op is DIV:
        a, b = args
        if _is_zero(a):
            return zeros(shape)
        if _is_one(b):
            return _to_shape(a, shape)
    elif op is POW:
        a, b = args
        if _is_one(b):
            return _to_shape(a, shape)
        if _is_zero(b):
            return ones(shape)
    elif op is NEG:
        (a,) = args
        if isinstance(a, TensorExpr) and a.op is NEG:
            return a.args[0]
    return _make(op, args, shape)


# --- structural operations ---------------------------------------------------------------

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
    if _is_zero(a) or _is_zero(b):
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
    return _make(T.MATMUL, (a, b), shape)


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
    return _make(T.TRANSPOSE, (a,), shape, (perm,))


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
    value = _fill_value(a)
    if value is not None:
        count = size_of(tuple(shape[i] for i in axes))
        return full(out, value * count)
    return _make(T.SUM, (a,), out, (axes,))


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
    value = _fill_value(a)
    if value is not None:
        return full(dims, value)
    if not dims:
        return _make(T.RESHAPE, (a,), dims)
    if isinstance(a, TensorExpr) and a.op is T.RESHAPE:
        return reshape(a.args[0], dims)
    return _make(T.RESHAPE, (a,), dims)


def broadcast_to(a: Any, shape: Any) -> Operand:
    """``a`` repeated to ``shape`` (NumPy's broadcasting rules)."""
    a = as_operand(a)
    dims = as_shape(shape)
    if broadcast("broadcast_to", shape_of(a), dims) != dims:
        raise ShapeError(f"broadcast_to: cannot broadcast {shape_of(a)} to {dims}")
    if shape_of(a) == dims:
        return a
    value = _fill_value(a)
    if value is not None:
        return full(dims, value)
    return _make(T.BROADCAST, (a,), dims)


def getitem(a: Any, index: Any) -> Operand:
    """Basic indexing: ints, slices, ``None`` and ``...`` (``x[1:] - x[:-1]**2``)."""
    a = as_operand(a)
    shape = shape_of(a)
    items = normalize_index(shape, index)
    out = index_shape(items)
    if len(items) == len(shape) and all(
            isinstance(i, tuple) and i[1:] == (0, n, 1) for i, n in zip(items, shape, strict=True)):
        return a
    value = _fill_value(a)
    if value is not None:
        return full(out, value)
    return _make(T.GETITEM, (a,), out, (items,))


def scatter(g: Any, index: tuple[Any, ...], shape: Shape) -> Operand:
    """Zeros of ``shape`` with ``g`` at ``index`` (a normalized index): indexing's adjoint."""
    g = as_operand(g)
    if index_shape(index) != shape_of(g):
        raise ShapeError(f"scatter: {shape_of(g)} does not fill the index of {shape}")
    if _is_zero(g):
        return zeros(shape)
    return _make(T.SCATTER, (g,), shape, (index,))


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
    if _is_zero(u) or _is_zero(v):
        return zeros(shape)
    return _make(T.OUTER, (u, v), shape)


def trace(a: Any) -> Operand:
    """The trace of a square matrix."""
    a = as_operand(a)
    _square("trace", a)
    if isinstance(a, TensorExpr) and a.op is T.EYE:
        return Constant(a.shape[0])
    if _is_zero(a):
        return Constant(0)
    return _make(T.TRACE, (a,), ())


def diag(a: Any) -> Operand:
    """A vector's diagonal matrix, or a square matrix's diagonal (as ``numpy.diag``)."""
    a = as_operand(a)
    shape = shape_of(a)
    if len(shape) == 1:
        out: Shape = (shape[0], shape[0])
    else:
        _square("diag", a)
        out = shape[:1]
    if _is_zero(a):
        return zeros(out)
    return _make(T.DIAG, (a,), out)


def det(a: Any) -> Operand:
    """The determinant of a square matrix."""
    a = as_operand(a)
    _square("det", a)
    return _make(T.DET, (a,), ())


def inv(a: Any) -> Operand:
    """The inverse of a square matrix."""
    a = as_operand(a)
    _square("inv", a)
    if isinstance(a, TensorExpr) and a.op is T.EYE:
        return a
    return _make(T.INV, (a,), shape_of(a))


def logdet(a: Any) -> Operand:
    """``log |det a|`` of a square matrix (``numpy.linalg.slogdet``'s second value)."""
    a = as_operand(a)
    _square("logdet", a)
    return _make(T.LOGDET, (a,), ())


def norm(a: Any) -> Operand:
    """The Euclidean norm of all elements (Frobenius for a matrix)."""
    a = as_operand(a)
    if not shape_of(a):
        return elementwise(_ops.FUNCTIONS["abs"], a)
    return _make(T.NORM, (a,), ())


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
    if any(_is_zero(a) for a in args):
        return zeros(tuple(sizes[c] for c in output))
    ones_dropped = [(s, a) for s, a in zip(inputs, args, strict=True)
                    if not (s == "" and _is_one(a))]  # a factor 1 (the seed of a sweep)
    if ones_dropped and len(ones_dropped) < len(args):
        inputs, args = [s for s, _ in ones_dropped], tuple(a for _, a in ones_dropped)
    if len(args) == 1 and inputs[0] == output:  # einsum("ij->ij", A) is A
        return args[0]
    normalized = ",".join(inputs) + "->" + output
    return _make(T.EINSUM, args, tuple(sizes[c] for c in output), (normalized,))


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
    return _make(T.CONCAT, args, shape, (axis,))


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


def _rebuild(code: list[tuple[Any, ...]]) -> TensorExpr:
    built: list[Any] = []
    for entry in code:
        if entry[0] == "tensor":
            built.append(Tensor(entry[1], entry[2]))
        elif entry[0] == "array":
            built.append(TensorConstant(entry[1]))
        else:
            name, structural, shape, params, refs = entry
            op = T.TENSOR_OPS[name] if structural else _ops.get_op(name)
            args = tuple(built[r] if isinstance(r, int) else r for r in refs)
            if not args and name == "fill":
                built.append(full(shape, params[0]))
            else:
                built.append(_make(op, args, shape, params))
    return cast(TensorExpr, built[-1])
