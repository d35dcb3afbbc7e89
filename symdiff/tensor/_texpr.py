"""Tensor expression nodes: immutable, slotted, interned in the scalar core's table.

A :class:`TensorExpr` has an ``op`` (a scalar :class:`symdiff.Op` applied elementwise, or a
:class:`TensorOp`), ``args`` (tensor nodes, or scalar expressions standing for shape ``()``
operands), a ``shape`` and hashable ``params`` (axes, an index, an einsum spec). This module
holds the nodes, the leaves (variables, constant arrays, fills, the identity) and
:func:`make_node`, which interns a node under ``(op, shape, params, *args)`` in the core's one
weak intern table, so structural equality is identity and tensor graphs share nodes exactly as
scalar ones do. The constructors that check shapes (:class:`symdiff.ShapeError` names the
operation and both shapes) and fold the cheap identities build on it: :mod:`._elementwise`
(broadcasting), then :mod:`._structural` (products, sums, indexing, linear algebra). A
shape-``()`` tensor variable *is* a scalar :class:`symdiff.Symbol`, and an elementwise
operation whose operands are all scalars is built by the scalar core, so scalars and tensors
mix freely.
"""

from __future__ import annotations

import hashlib
import numbers
from collections.abc import Mapping, Sequence
from typing import Any, cast

import numpy as np

from .. import _ops
from .._errors import ConversionError
from .._expr import Constant, Expr, Symbol, as_expr, intern_node
from .._ops import ADD, CONST, DIV, MUL, NEG, POW, SUB, Op
from .._printing import display_bundle, latex_display
from .._traversal import toposort
from . import _tops as T  # noqa: N812  (the table of tensor ops, as T.MATMUL)
from ._evaluate import STRUCTURAL, evaluate_tensors
from ._print import tensor_latex, tensor_text
from ._shapes import Shape, as_shape, size_of

__all__ = ["TensorExpr", "Tensor", "TensorConstant", "Operand", "make_node", "shape_of",
           "is_tensor", "as_operand", "full", "zeros", "ones", "eye", "fill_value", "is_zero",
           "is_one", "FOLD_MAX_ELEMENTS"]

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
        return S.transpose(self)

    def transpose(self, axes: Sequence[int] | None = None) -> Operand:
        return S.transpose(self, axes)

    def sum(self, axis: Any = None) -> Operand:
        return S.tsum(self, axis)

    def mean(self, axis: Any = None) -> Operand:
        return S.mean(self, axis)

    def reshape(self, *shape: Any) -> Operand:
        return S.reshape(self, shape[0] if len(shape) == 1 else shape)

    def __getitem__(self, index: Any) -> Operand:
        return S.getitem(self, index)

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    # --- arithmetic (NumPy semantics, broadcasting) ---------------------------------------
    def __add__(self, o: Any) -> Operand:
        return E.elementwise(ADD, self, o)

    def __radd__(self, o: Any) -> Operand:
        return E.elementwise(ADD, o, self)

    def __sub__(self, o: Any) -> Operand:
        return E.elementwise(SUB, self, o)

    def __rsub__(self, o: Any) -> Operand:
        return E.elementwise(SUB, o, self)

    def __mul__(self, o: Any) -> Operand:
        return E.elementwise(MUL, self, o)

    def __rmul__(self, o: Any) -> Operand:
        return E.elementwise(MUL, o, self)

    def __truediv__(self, o: Any) -> Operand:
        return E.elementwise(DIV, self, o)

    def __rtruediv__(self, o: Any) -> Operand:
        return E.elementwise(DIV, o, self)

    def __pow__(self, o: Any) -> Operand:
        return E.elementwise(POW, self, o)

    def __rpow__(self, o: Any) -> Operand:
        return E.elementwise(POW, o, self)

    def __matmul__(self, o: Any) -> Operand:
        return S.matmul(self, o)

    def __rmatmul__(self, o: Any) -> Operand:
        return S.matmul(o, self)

    def __neg__(self) -> Operand:
        return E.elementwise(NEG, self)

    def __pos__(self) -> TensorExpr:
        return self

    def __abs__(self) -> Operand:
        return E.elementwise(_ops.FUNCTIONS["abs"], self)

    @staticmethod
    def _symdiff_elementwise_(op: Op, *operands: Any) -> Operand:
        return E.elementwise(op, *operands)  # symdiff.sin(W) and friends land here

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


def make_node(op: Any, args: tuple[Operand, ...], shape: Shape, params: tuple[Any, ...] = ()
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


def fill_value(x: Operand) -> int | float | None:
    """The one value of every element of a constant scalar or fill, else None."""
    if isinstance(x, Expr):
        return x.value if x.op is CONST else None  # type: ignore[attr-defined, no-any-return]
    return x.params[0] if x.op is T.FILL else None  # type: ignore[no-any-return]


def is_zero(x: Operand) -> bool:
    return fill_value(x) == 0


def is_one(x: Operand) -> bool:
    return fill_value(x) == 1


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
                built.append(make_node(op, args, shape, params))
    return cast(TensorExpr, built[-1])


# The operators above build through the constructors, which need the classes defined here:
# their modules come last and are looked up when an operator runs (E.elementwise, S.matmul).
from . import _elementwise as E  # noqa: E402, N812
from . import _structural as S  # noqa: E402, N812
