"""Expression nodes and their interning: the node classes, the one factory of operation nodes
(:func:`make_node`), and what reads nodes without building operations (coercion, the symbol
checks, free symbols, evaluation, printing).

Nodes are immutable and slotted, interned in the weak table of :mod:`symdiff._intern`. The
constructors that fold (``add`` … ``apply``) are in :mod:`symdiff._construct`, above this module;
Expr's operators and its node-building methods (``+``, ``<``, ``abs``, ``subs``, pickling) call
them, so :mod:`symdiff._expr`, the front the rest of the package imports from, attaches them to
:class:`Expr`.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar, Union, cast

from . import _ops
from ._errors import ConversionError, DifferentiationError, SymdiffError
from ._evaluation import evaluate_many
from ._folding import real_number as _number
from ._intern import (
    DEAD,
    ON_DEATH,
    SWEEP_BATCH,
    TABLE,
    InternRef,
    insert,
    lookup,
    settle,
)
from ._ops import CONST, SYMBOL, Op
from ._printing import display_bundle, latex_display, to_text
from ._traversal import flatten, natural_key, toposort

__all__ = [
    "Expr", "Symbol", "Constant", "NamedConstant", "ExprLike", "Roots", "Point",
    "intern_node", "make_node", "coerce", "as_expr", "as_symbol", "as_roots", "symbols",
    "free_symbols",
]

ExprLike = Union["Expr", int, float, Fraction]
#: One expression (or number), or a sequence of them nested to any depth (a gradient, a
#: Jacobian): what every pass over several roots takes (see :func:`as_roots`).
Roots = ExprLike | Iterable[Any]
#: Values of symbols: a mapping from symbols (or their names) to numbers.
Point = Mapping[Any, float]
# An operator's type: (self, other) -> node.
_Binary = Callable[["Expr", ExprLike], "Expr"]


def intern_node(key: Any, build: Callable[[], Any]) -> Any:
    """The live node interned under ``key``, else ``build()`` interned under it: the one intern
    table that every kind of node shares (scalar expressions here, tensor expressions in
    :mod:`symdiff.tensor`, whose keys start with their own op objects). Keys name child
    nodes by their ``_ref`` (see :mod:`symdiff._intern`), never by the nodes themselves; the
    built node needs a ``_ref`` slot. Thread-safe."""
    node = lookup(key)
    if node is None:
        node = insert(key, build())
    return node


class Expr:
    """An expression node. Build nodes with :func:`symbols`, numbers, operators and the
    functions of the op table (``symdiff.sin`` …), or with :func:`symdiff.parse`.

    >>> from symdiff import symbols, exp
    >>> x, w, b = symbols("x w b")
    >>> f = 1 / (exp(-(w*x + b)) + 1)
    >>> f.evaluate({x: 1.0, w: 0.0, b: 0.0})
    0.5
    """

    # Equality and hashing are by identity (the default): interning makes them structural.
    __slots__ = ("__weakref__", "_ref", "args", "op")
    op: Op
    args: tuple[Expr, ...]
    _ref: InternRef  # its entry's reference: its name in its parents' keys (see _intern)
    #: Static parameters of the op (an axis, a shape …); scalar ops have none.
    params: tuple[Any, ...] = ()
    #: ``e.diff(x)``, ``e.diff(x, 2, y)``: :func:`symdiff.diff` as a method (set by the
    #: differentiation module, which sits above this one).
    diff: Callable[..., Expr]

    def __new__(cls, *args: Any, **kwargs: Any) -> Expr:
        raise ConversionError("build expressions with symbols(), numbers and operators, "
                              "or with symdiff.parse()")

    if TYPE_CHECKING:
        # The operators and node-building methods: symdiff._expr attaches them (they call
        # the constructors, which import this module), in the class dict as if written here.
        __add__: ClassVar[_Binary]
        __radd__: ClassVar[_Binary]
        __sub__: ClassVar[_Binary]
        __rsub__: ClassVar[_Binary]
        __mul__: ClassVar[_Binary]
        __rmul__: ClassVar[_Binary]
        __truediv__: ClassVar[_Binary]
        __rtruediv__: ClassVar[_Binary]
        __pow__: ClassVar[Callable[..., Expr]]
        __rpow__: ClassVar[_Binary]
        __neg__: ClassVar[Callable[[Expr], Expr]]
        __lt__: ClassVar[_Binary]
        __le__: ClassVar[_Binary]
        __gt__: ClassVar[_Binary]
        __ge__: ClassVar[_Binary]
        __and__: ClassVar[_Binary]
        __rand__: ClassVar[_Binary]
        __or__: ClassVar[_Binary]
        __ror__: ClassVar[_Binary]
        __abs__: ClassVar[Callable[[Expr], Expr]]
        subs: ClassVar[Callable[[Expr, Mapping[Any, ExprLike]], Expr]]
        __reduce__: ClassVar[Callable[[Expr], tuple[Any, ...]]]

    def _leaf_key(self) -> tuple[Any, ...]:
        raise NotImplementedError

    def __bool__(self) -> bool:
        if self.op.kind == "infix" and self.op.precedence < _ops.PREC_ADD:
            raise ConversionError(f"the truth of {to_text(self)} is not known until it is "
                                  f"evaluated: use where({to_text(self)}, a, b)")
        return True

    def __pos__(self) -> Expr:
        return self

    # --- inspection ---------------------------------------------------------------------
    @property
    def free_symbols(self) -> tuple[Symbol, ...]:
        """The symbols the expression depends on, in natural order of their names (``x2``
        before ``x10``)."""
        return free_symbols(self)

    @property
    def is_symbol(self) -> bool:
        return self.op is SYMBOL

    @property
    def is_constant(self) -> bool:
        return self.op is CONST

    def evaluate(self, values: Point | None = None, /, **by_name: float) -> float:
        """The float value at ``values`` (keys: symbols or names; or keyword arguments).

        One pass over the DAG: each shared node is computed once. Raises
        :class:`symdiff.MissingValueError` for a symbol without a value and
        :class:`symdiff.DomainError` outside an op's domain (``log(-1)``, ``1/0``).

        >>> from symdiff import parse
        >>> parse("x*y + 1").evaluate(x=2, y=3)
        7.0
        """
        if by_name:
            if values is not None and not isinstance(values, Mapping):
                return evaluate_many((self,), values)[0]  # reports the bad mapping
            values = {**(values or {}), **by_name}
        return evaluate_many((self,), {} if values is None else values)[0]

    # --- printing -----------------------------------------------------------------------
    def __str__(self) -> str:
        return to_text(self)

    def __repr__(self) -> str:
        return f"parse({to_text(self)!r})"

    def _repr_latex_(self) -> str | None:
        return latex_display(self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """What a notebook shows: the formula (LaTeX), with the text form as the fallback (the
        only form above :data:`DISPLAY_LATEX_MAX_NODES` distinct nodes). The DAG picture is
        shown on request: ``e.graph()`` or ``symdiff.show(e)``."""
        return display_bundle(self)


class Symbol(Expr):
    """A named variable. ``Symbol("x") is Symbol("x")``."""

    __slots__ = ("name",)
    name: str

    def __new__(cls, name: str) -> Symbol:
        if not isinstance(name, str) or not name:
            raise ConversionError(f"a symbol name must be a non-empty string, not {name!r}")
        key = ("symbol", name)
        node = lookup(key)
        if node is None:
            node = object.__new__(cls)
            node.op, node.args, node.name = SYMBOL, (), name
            node = insert(key, node)
        return node  # type: ignore[return-value]

    def _leaf_key(self) -> tuple[Any, ...]:
        return ("symbol", self.name)

    def __repr__(self) -> str:
        return f"Symbol({self.name!r})"


class Constant(Expr):
    """A number: an exact int, an exact rational (:class:`fractions.Fraction`, e.g. ``1/3``
    of two integers) or a finite float. ``Constant(2)`` and ``Constant(2.0)`` differ."""

    __slots__ = ("value",)
    value: int | float | Fraction

    def __new__(cls, value: int | float | Fraction) -> Constant:
        value = _number(value)
        if isinstance(value, int):
            key: tuple[Any, ...] = ("const", "i", value)
        elif isinstance(value, Fraction):
            key = ("const", "q", value.numerator, value.denominator)
        else:
            key = ("const", "f", value.hex())
        node = lookup(key)
        if node is None:
            node = object.__new__(cls)
            node.op, node.args, node.value = CONST, (), value
            node = insert(key, node)
        return node  # type: ignore[return-value]

    def _leaf_key(self) -> tuple[Any, ...]:
        return ("const", self.value)

    def __repr__(self) -> str:
        return f"Constant({self.value!r})"


class NamedConstant(Expr):
    """An exact named constant of the op table: ``symdiff.pi``, ``symdiff.E``. It stays a
    name through folding, differentiation and SymPy (``sympy.pi``); ``value`` is its float,
    used only when an expression is evaluated or compiled."""

    __slots__ = ("value",)
    value: float

    def __new__(cls, op: Op) -> NamedConstant:
        if op.name not in _ops.CONSTANTS:
            raise ConversionError(f"{op.name!r} is not a named constant")
        key = ("named", op.name)
        node = lookup(key)
        if node is None:
            node = object.__new__(cls)
            node.op, node.args, node.value = op, (), float(op.evaluate())
            node = insert(key, node)
        return node  # type: ignore[return-value]

    def _leaf_key(self) -> tuple[Any, ...]:
        return ("named", self.op.name)

    def __repr__(self) -> str:
        return f"symdiff.{self.op.name}"


def coerce(value: Any) -> Expr | None:
    """``value`` as an expression if it is one or a real number, else None (an operator then
    returns ``NotImplemented``)."""
    if isinstance(value, Expr):
        return value
    if type(value) is int or type(value) is float or type(value) is Fraction:
        return Constant(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return Constant(cast(float, value))  # Constant normalises any real number
    return None


def as_expr(value: Any) -> Expr:
    """``value`` as an expression: expressions pass through, numbers become constants,
    strings are not accepted (use :func:`symdiff.parse`)."""
    node = coerce(value)
    if node is None:
        hint = (" (use symdiff.parse for text)" if isinstance(value, str) else
                " (a tensor expression: symdiff.scalarize(e) gives its scalar entries, and "
                "symdiff.tensor.node_count(e) its size)" if hasattr(value, "shape") else "")
        raise ConversionError(f"cannot make an expression from {value!r}{hint}")
    return node


def as_symbol(value: Any, error: type[SymdiffError] = DifferentiationError,
              what: str = "differentiate with respect to") -> Symbol:
    """``value`` if it is a symbol, the symbol of that name if it is a string, else ``error``
    saying what needed a symbol: the one "must be a symbol" check of the package.

    >>> as_symbol("x") is Symbol("x")
    True
    """
    if isinstance(value, Symbol):
        return value
    if isinstance(value, str) and value:
        return Symbol(value)
    raise error(f"can only {what} a symbol or a symbol name, not {value!r}")


def as_roots(exprs: Roots) -> tuple[Expr, ...]:
    """One expression (or number), or a sequence of them, nested or not (a gradient, a
    Jacobian), as a flat tuple of expressions: what every pass over several roots takes.

    >>> as_roots([Symbol("x"), (2, Symbol("y"))])
    (Symbol('x'), Constant(2), Symbol('y'))
    """
    if isinstance(exprs, Expr):
        return (exprs,)
    # getattr, not hasattr: tensor expressions set __iter__ = None (as NumPy's 0-d arrays
    # refuse iteration) and must reach as_expr's message, not a TypeError from iter().
    if isinstance(exprs, str) or getattr(exprs, "__iter__", None) is None:
        return (as_expr(exprs),)  # a number; anything else raises ConversionError
    return tuple(as_expr(item) for item in flatten(cast(Iterable[Any], exprs)))


def make_node(op: Op, args: tuple[Expr, ...]) -> Expr:
    """The interned node ``op(*args)``, as written: the factory of every operation node (the
    constructors of symdiff._construct fold first, then call it)."""
    # Children by their references (see _intern): the table must not keep them alive.
    n = len(args)
    key = ((op, args[0]._ref, args[1]._ref) if n == 2 else (op, args[0]._ref)
           if n == 1 else (op, *(a._ref for a in args)))
    ref = TABLE.get(key)
    if ref is not None:
        node = ref()
        if node is not None:
            return node  # type: ignore[no-any-return]
    node = object.__new__(Expr)
    node.op, node.args = op, args
    # _intern.insert, inlined: this is the hot path of every pass.
    node._ref = new = InternRef(node, ON_DEATH)
    new.key = key
    found = TABLE.setdefault(key, new)
    if found is new and len(DEAD) <= SWEEP_BATCH:
        return node
    return settle(key, node, new, found)  # type: ignore[no-any-return]


def symbols(names: str | Iterable[str]) -> Any:
    """Symbols from a string of names separated by spaces or commas (or an iterable of names);
    ``"w0:3"`` stands for ``w0 w1 w2``.

    As in SymPy, one plain name gives one :class:`Symbol`; several names, a trailing comma, a
    range or an iterable give a tuple (so ``x = symbols("x")`` and ``x, = symbols("x,")`` both
    work).

    >>> symbols("x w b")
    (Symbol('x'), Symbol('w'), Symbol('b'))
    >>> symbols("w0:3")
    (Symbol('w0'), Symbol('w1'), Symbol('w2'))
    >>> symbols("x"), symbols("x,")
    (Symbol('x'), (Symbol('x'),))
    """
    if isinstance(names, str):
        parts: list[str] = []
        ranged = False
        for part in re.split(r"[\s,]+", names):
            span = re.fullmatch(r"(.*?)(\d+):(\d+)", part)
            if span:  # "w0:3" → w0, w1, w2 (as SymPy)
                stem, start, stop = span.group(1), int(span.group(2)), int(span.group(3))
                parts.extend(f"{stem}{i}" for i in range(start, stop))
                ranged = True
            elif part:
                parts.append(part)
        if len(parts) == 1 and not ranged and not re.search(r"[\s,]", names.strip()):
            return Symbol(parts[0])  # one plain name: one symbol, as SymPy
    else:
        parts = list(names)
    if not parts:
        raise ConversionError("symbols() needs at least one name")
    return tuple(Symbol(p) for p in parts)


def free_symbols(exprs: Roots) -> tuple[Symbol, ...]:
    """Symbols that one expression or a sequence of them depends on, in natural order of
    their names (``x2`` before ``x10``: :func:`natural_key`).

    >>> from symdiff import parse
    >>> [s.name for s in free_symbols(parse("x1*x2 + x10*x3"))]
    ['x1', 'x2', 'x3', 'x10']
    """
    roots = as_roots(exprs)
    found = [cast(Symbol, n) for n in toposort(roots) if n.op is SYMBOL]
    return tuple(sorted(found, key=lambda s: natural_key(s.name)))
