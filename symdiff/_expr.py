"""Expression nodes: immutable, slotted, hash-consed.

Every node is built through a factory that first folds the trivial cases (constants, 0 and 1,
``-(-x)``, ``x - x``) and then interns the result in a weak-value table keyed by (op, args). Two
structurally equal expressions are therefore the same object, equality is identity, and an
expression is a DAG in which every shared subexpression is stored once. The weak table is the
only global state in symdiff: nodes nobody references are freed.
"""

from __future__ import annotations

import math
import numbers
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from functools import partial
from typing import Any, Union, cast

from . import _ops
from ._errors import ConversionError, DifferentiationError, SymdiffError
from ._evaluation import evaluate_many
from ._folding import MAX_FOLDED_BITS as _MAX_FOLDED_BITS
from ._folding import MAX_INT_BITS as _MAX_INT_BITS  # noqa: F401  (kept importable here)
from ._folding import bit_size as _bits
from ._folding import constant_value as _value
from ._folding import is_exact as _exact
from ._folding import quotient as _quotient
from ._folding import real_number as _number
from ._folding import too_large as _too_large  # noqa: F401  (kept importable here)
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
from ._ops import ADD, CONST, DIV, MUL, NEG, POW, SUB, SYMBOL, Op
from ._printing import display_bundle, latex_display, to_text
from ._program import Program, lower
from ._traversal import flatten, natural_key, toposort

__all__ = [
    "Expr", "Symbol", "Constant", "NamedConstant", "ExprLike", "call", "symbols", "as_expr",
    "apply", "add", "sub", "mul", "div", "power", "neg", "FUNCTION_BUILDERS", "SYMBOLIC",
    "free_symbols", "substitute", "as_roots", "as_symbol",
    "Roots", "Point", "natural_key", "intern_node", "cse",
]

ExprLike = Union["Expr", int, float, Fraction]
#: One expression (or number), or a sequence of them nested to any depth (a gradient, a
#: Jacobian): what every pass over several roots takes (see :func:`as_roots`).
Roots = ExprLike | Iterable[Any]
#: Values of symbols: a mapping from symbols (or their names) to numbers.
Point = Mapping[Any, float]



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

    def __reduce__(self) -> tuple[Callable[..., Expr], tuple[Any, ...]]:
        # The program IR as a flat instruction list: pickling never recurses, whatever the
        # depth. Slot k of the program is instruction k.
        program = lower(self)
        code: list[tuple[Any, ...]] = [node._leaf_key() for node in program.nodes
                                       if not node.args]
        # Table ops by name; ops made on demand (undefined functions) pickle themselves.
        code += [(eq.op if eq.op.family else eq.op.name, *eq.args)
                 for eq in program.equations]
        return _rebuild, (code, program.output_slots[0])

    def _leaf_key(self) -> tuple[Any, ...]:
        raise NotImplementedError

    # --- arithmetic ---------------------------------------------------------------------
    def __add__(self, other: ExprLike) -> Expr:
        o = _coerce(other)
        return NotImplemented if o is None else add(self, o)

    def __radd__(self, other: ExprLike) -> Expr:
        o = _coerce(other)
        return NotImplemented if o is None else add(o, self)

    def __sub__(self, other: ExprLike) -> Expr:
        o = _coerce(other)
        return NotImplemented if o is None else sub(self, o)

    def __rsub__(self, other: ExprLike) -> Expr:
        o = _coerce(other)
        return NotImplemented if o is None else sub(o, self)

    def __mul__(self, other: ExprLike) -> Expr:
        o = _coerce(other)
        return NotImplemented if o is None else mul(self, o)

    def __rmul__(self, other: ExprLike) -> Expr:
        o = _coerce(other)
        return NotImplemented if o is None else mul(o, self)

    def __truediv__(self, other: ExprLike) -> Expr:
        o = _coerce(other)
        return NotImplemented if o is None else div(self, o)

    def __rtruediv__(self, other: ExprLike) -> Expr:
        o = _coerce(other)
        return NotImplemented if o is None else div(o, self)

    def __pow__(self, other: ExprLike, modulo: None = None) -> Expr:
        o = _coerce(other)
        return NotImplemented if o is None or modulo is not None else power(self, o)

    def __rpow__(self, other: ExprLike) -> Expr:
        o = _coerce(other)
        return NotImplemented if o is None else power(o, self)

    def __neg__(self) -> Expr:
        return neg(self)

    # Comparisons and & | build nodes (1.0 or 0.0) for where(cond, a, b); == and != stay
    # identity (interning makes them structural), so write those as parse("x == y").
    def __lt__(self, other: ExprLike) -> Expr:
        return self._compare("lt", other)

    def __le__(self, other: ExprLike) -> Expr:
        return self._compare("le", other)

    def __gt__(self, other: ExprLike) -> Expr:
        return self._compare("gt", other)

    def __ge__(self, other: ExprLike) -> Expr:
        return self._compare("ge", other)

    def __and__(self, other: ExprLike) -> Expr:
        return self._compare("logical_and", other)

    def __rand__(self, other: ExprLike) -> Expr:
        return self._compare("logical_and", other, reflected=True)

    def __or__(self, other: ExprLike) -> Expr:
        return self._compare("logical_or", other)

    def __ror__(self, other: ExprLike) -> Expr:
        return self._compare("logical_or", other, reflected=True)

    def _compare(self, name: str, other: ExprLike, reflected: bool = False) -> Expr:
        o = _coerce(other)
        if o is None:
            return NotImplemented
        return apply(_ops.OPS[name], *((o, self) if reflected else (self, o)))

    def __bool__(self) -> bool:
        if self.op.kind == "infix" and self.op.precedence < _ops.PREC_ADD:
            raise ConversionError(f"the truth of {to_text(self)} is not known until it is "
                                  f"evaluated: use where({to_text(self)}, a, b)")
        return True

    def __pos__(self) -> Expr:
        return self

    def __abs__(self) -> Expr:
        return apply(_ops.FUNCTIONS["abs"], self)

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

    def subs(self, mapping: Mapping[Any, ExprLike]) -> Expr:
        """Replace symbols (keys: symbols or names) by expressions or numbers."""
        return substitute(self, mapping)

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


def _coerce(value: Any) -> Expr | None:
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
    node = _coerce(value)
    if node is None:
        hint = " (use symdiff.parse for text)" if isinstance(value, str) else ""
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
    if isinstance(exprs, str) or not hasattr(exprs, "__iter__"):
        return (as_expr(exprs),)  # a number; anything else raises ConversionError
    return tuple(as_expr(item) for item in flatten(cast(Iterable[Any], exprs)))


def _make(op: Op, args: tuple[Expr, ...]) -> Expr:
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


# --- constructors with construction-time folding ------------------------------------------
# (the exact-number arithmetic they test first is in _folding)

def _folded(result: Any) -> Expr | None:
    if isinstance(result, float) and not math.isfinite(result):
        return None  # keep the node: evaluating it reports the problem
    return Constant(result)


def _fold(fn: Callable[[Any, Any], Any], va: Any, vb: Any, additive: bool = False
          ) -> Expr | None:
    """The constant ``fn(va, vb)`` for + - * /, or None to keep the node as written.

    Exact operands (ints, rationals) fold exactly, but only while the result stays within
    _MAX_FOLDED_BITS, bounded before computing (a sum of ints has at most one bit more than
    its larger term, of rationals one more than the operands' bits together; a product or a
    quotient at most the operands' bits together). With a float
    operand, Python's own arithmetic folds: the very bits evaluation computes, kept only when
    finite (an int too large for a float keeps the node: evaluation scales it exactly)."""
    if _exact(va) and _exact(vb):
        ba, bb = _bits(va), _bits(vb)
        if not additive:
            bound = ba + bb
        elif va.__class__ is int and vb.__class__ is int:
            bound = max(ba, bb) + 1
        else:
            bound = ba + bb + 1  # a/b + c/d = (a*d + b*c)/(b*d)
        return Constant(fn(va, vb)) if bound <= _MAX_FOLDED_BITS else None
    try:
        return _folded(fn(va, vb))
    except (OverflowError, ZeroDivisionError):
        return None


def _zero_like(*values: Any) -> Constant:
    return Constant(0.0 if any(isinstance(v, float) for v in values) else 0)


def add(a: ExprLike, b: ExprLike) -> Expr:
    """``a + b``, folding constants and ``x + 0``; ``a + (-b)`` becomes ``a - b``."""
    if not isinstance(a, Expr):
        a = as_expr(a)
    if not isinstance(b, Expr):
        b = as_expr(b)
    # _value(a), _value(b) inlined: a call each is a fifth of a constructor's cost
    va = a.value if a.op is CONST else None  # type: ignore[attr-defined]
    vb = b.value if b.op is CONST else None  # type: ignore[attr-defined]
    if va is None and vb is None and b.op is not NEG:  # the rules below all need one
        return _make(ADD, (a, b))
    if va is not None and vb is not None:
        return _fold(operator.add, va, vb, True) or _make(ADD, (a, b))
    if va == 0:
        return b
    if vb is not None:
        if vb == 0:
            return a
        if vb < 0:
            return _make(SUB, (a, Constant(-vb)))
    if b.op is NEG:
        return sub(a, b.args[0])
    return _make(ADD, (a, b))


def sub(a: ExprLike, b: ExprLike) -> Expr:
    """``a - b``, folding constants, ``x - 0``, ``0 - x → -x`` and ``x - x → 0``."""
    if not isinstance(a, Expr):
        a = as_expr(a)
    if not isinstance(b, Expr):
        b = as_expr(b)
    # _value(a), _value(b) inlined: a call each is a fifth of a constructor's cost
    va = a.value if a.op is CONST else None  # type: ignore[attr-defined]
    vb = b.value if b.op is CONST else None  # type: ignore[attr-defined]
    if va is None and vb is None and a is not b and b.op is not NEG:  # as in add
        return _make(SUB, (a, b))
    if va is not None and vb is not None:
        return _fold(operator.sub, va, vb, True) or _make(SUB, (a, b))
    if a is b:
        return Constant(0)
    if vb is not None:
        if vb == 0:
            return a
        if vb < 0:
            return add(a, Constant(-vb))
    if va == 0:
        return neg(b)
    if b.op is NEG:
        return add(a, b.args[0])
    return _make(SUB, (a, b))


def mul(a: ExprLike, b: ExprLike) -> Expr:
    """``a * b``, folding constants, ``x*0``, ``x*1``, ``x*(-1) → -x``; a constant factor is
    written first, signs move out of products and ``(1/y)*z`` becomes ``z/y``."""
    if not isinstance(a, Expr):
        a = as_expr(a)
    if not isinstance(b, Expr):
        b = as_expr(b)
    # _value(a), _value(b) inlined: a call each is a fifth of a constructor's cost
    va = a.value if a.op is CONST else None  # type: ignore[attr-defined]
    vb = b.value if b.op is CONST else None  # type: ignore[attr-defined]
    if va is None and vb is None and a.op is not NEG and b.op is not NEG and (
            a.op is not DIV and b.op is not DIV):  # as in add: no rule below applies
        return _make(MUL, (a, b))
    if va is not None and vb is not None:
        return _fold(operator.mul, va, vb) or _make(MUL, (a, b))
    if va == 0 or vb == 0:
        return _zero_like(va, vb)
    if va == 1:
        return b
    if vb == 1:
        return a
    if va == -1:
        return neg(b)
    if vb == -1:
        return neg(a)
    if vb is not None:
        return mul(b, a)
    if va is not None and b.op is MUL and b.args[0].op is CONST and _exact(va) and _exact(
            inner := cast(Constant, b.args[0]).value):
        # 3*(2*x) → 6*x for exact coefficients only: with a float, a*(c*x) and (a*c)*x
        # round differently (-(z*0.1)*1e16 is not -1e15*z), and 1e-200*(1e-200*x) is not 0.
        coefficient = _fold(operator.mul, va, inner)
        if coefficient is not None:
            return mul(coefficient, b.args[1])
    # Signs move outward (so that sums turn them into subtractions) and reciprocals become
    # quotients: (-a)*b → -(a*b), (1/y)*z → z/y.
    if a.op is NEG:
        return neg(mul(a.args[0], b))
    if b.op is NEG:
        return neg(mul(a, b.args[0]))
    if b.op is DIV and _value(b.args[0]) == 1 and isinstance(_value(b.args[0]), int):
        return div(a, b.args[1])
    if a.op is DIV and _value(a.args[0]) == 1 and isinstance(_value(a.args[0]), int):
        return div(b, a.args[1])
    return _make(MUL, (a, b))


def div(a: ExprLike, b: ExprLike) -> Expr:
    """``a / b``, folding float quotients, exact ones into rationals (``1/3`` stays exact),
    ``x/1``, ``0/x`` and ``x/x → 1``. Division by a zero constant is kept (evaluating it raises
    :class:`DomainError`)."""
    if not isinstance(a, Expr):
        a = as_expr(a)
    if not isinstance(b, Expr):
        b = as_expr(b)
    # _value(a), _value(b) inlined: a call each is a fifth of a constructor's cost
    va = a.value if a.op is CONST else None  # type: ignore[attr-defined]
    vb = b.value if b.op is CONST else None  # type: ignore[attr-defined]
    if vb == 0:
        return _make(DIV, (a, b))
    if va is not None and vb is not None:
        folded = _fold(_quotient, va, vb)
        return folded or _make(DIV, (a, b))
    if va == 0:
        return _zero_like(va, vb)
    if vb == 1:
        return a
    if vb == -1:
        return neg(a)
    if a is b:
        return Constant(1)
    if a.op is NEG:
        return neg(div(a.args[0], b))
    if va is not None and va < 0:
        return neg(div(Constant(-va), b))
    if b.op is NEG:
        return neg(div(a, b.args[0]))
    return _make(DIV, (a, b))


def power(a: ExprLike, b: ExprLike) -> Expr:
    """``a ** b``, folding ``x**0 → 1``, ``x**1 → x``, ``1**x → 1`` and constant powers."""
    if not isinstance(a, Expr):
        a = as_expr(a)
    if not isinstance(b, Expr):
        b = as_expr(b)
    # _value(a), _value(b) inlined: a call each is a fifth of a constructor's cost
    va = a.value if a.op is CONST else None  # type: ignore[attr-defined]
    vb = b.value if b.op is CONST else None  # type: ignore[attr-defined]
    if vb == 0:
        return Constant(1)
    if vb == 1:
        return a
    if va == 1 and isinstance(va, int):
        return Constant(1)
    if va is not None and vb is not None:
        if _exact(va) and _exact(vb):
            # Positive integer powers fold while small; 10**(-3) and 8**(1/3) stay as written.
            if isinstance(vb, int) and vb > 0 and (
                    _bits(cast(Fraction, va)) * vb <= _MAX_FOLDED_BITS):
                return Constant(Fraction(va) ** vb)
            return _make(POW, (a, b))
        try:
            return _folded(math.pow(va, vb)) or _make(POW, (a, b))
        except (ValueError, OverflowError, ZeroDivisionError):
            return _make(POW, (a, b))
    return _make(POW, (a, b))


def neg(a: ExprLike) -> Expr:
    """``-a``, folding constants and ``-(-x) → x``."""
    if not isinstance(a, Expr):
        a = as_expr(a)
    va = a.value if a.op is CONST else None  # type: ignore[attr-defined]
    if va is not None:
        return Constant(-va)
    if a.op is NEG:
        return a.args[0]
    return _make(NEG, (a,))


_ARITHMETIC: dict[Op, Callable[..., Expr]] = {
    ADD: add, SUB: sub, MUL: mul, DIV: div, POW: power, NEG: neg,
}


def apply(op: Op, *args: ExprLike) -> Expr:
    """The node ``op(*args)``, folded where trivial. The one constructor every pass uses."""
    builder = _ARITHMETIC.get(op)
    if builder is not None:
        return builder(*args)
    if len(args) != op.arity:
        raise ConversionError(f"{op.name} takes {op.arity} argument(s), got {len(args)}")
    if op.kind == "leaf":
        return NamedConstant(op)
    nodes = tuple(as_expr(a) for a in args)
    if op.fold is not None:
        folded = op.fold(SYMBOLIC, *nodes)
        if folded is not None:
            return as_expr(folded)
    if len(nodes) == 1 and nodes[0].__class__ is NamedConstant and nodes[0].op.name in op.exact:
        return as_expr(op.exact[nodes[0].op.name])  # log(E) → 1, sin(pi) → 0
    values = [_value(n) for n in nodes]
    if op.kind == "function" and all(v is not None for v in values):
        if len(values) == 1 and values[0] in op.exact:
            exact = op.exact[values[0]]
            return Constant(float(exact) if isinstance(values[0], float) else exact)
        if any(isinstance(v, float) for v in values):
            try:
                return _folded(op.evaluate(*values)) or _make(op, nodes)
            except (ValueError, OverflowError, ZeroDivisionError):
                pass
    return _make(op, nodes)


class _SymbolicFunctions:
    """The namespace ``F`` that partial-derivative rules call, building nodes."""

    def __call__(self, op: Op, *args: Expr) -> Expr:
        """``op(*args)`` for an op outside the table (an undefined function's derivative)."""
        return apply(op, *args)

    def __getattr__(self, name: str) -> Callable[..., Expr]:
        try:
            op = _ops.OPS[name]
        except KeyError:
            raise AttributeError(name) from None
        if op.kind == "leaf":  # F.pi is the constant itself (a float in the FLOAT namespace)
            constant = NamedConstant(op)
            setattr(self, name, constant)
            return constant  # type: ignore[return-value]
        builder = _ARITHMETIC.get(op) or partial(apply, op)
        setattr(self, name, builder)
        return builder


SYMBOLIC = _SymbolicFunctions()


def call(op: Op, *args: Any) -> Expr:
    """``op`` called with ``args`` as a user writes it: :func:`apply`, or one of the op's
    other argument counts (``log(x, 2)`` is ``log(x)/log(2)``). A tensor argument of a
    one-argument function applies it elementwise."""
    if len(args) == 1 and not isinstance(args[0], Expr):
        elementwise = getattr(type(args[0]), "_symdiff_elementwise_", None)
        if elementwise is not None:
            return elementwise(op, args[0])  # type: ignore[no-any-return]
    if len(args) != op.arity and len(args) in op.variants:
        return as_expr(op.variants[len(args)](SYMBOLIC, *(as_expr(a) for a in args)))
    if len(args) != op.arity:
        counts = " or ".join(str(n) for n in sorted({op.arity, *op.variants}))
        raise ConversionError(f"{op.name}() takes {counts} argument(s), got {len(args)}")
    return apply(op, *args)


def _function_builder(op: Op) -> Callable[..., Expr]:
    def build(*args: ExprLike) -> Expr:
        return call(op, *args)

    names = ", ".join(("x", "y", "z", "w")[:op.arity]) if op.arity <= 4 else "..."
    example = ", ".join(f"symdiff.Symbol({n!r})" for n in names.split(", "))
    build.__name__ = build.__qualname__ = op.name
    build.__doc__ = (op.doc or f"The function {op.name}({names}).") + (
        f"\n\n>>> import symdiff\n>>> print(symdiff.{op.name}({example}))\n"
        f"{op.name}({names})\n")
    return build


#: ``{name: builder}`` for every function of the op table (``symdiff.sin`` is one of them).
FUNCTION_BUILDERS: dict[str, Callable[..., Expr]] = {}


def _add_builder(op: Op) -> None:
    if op.kind == "function":
        FUNCTION_BUILDERS[op.name] = _function_builder(op)


def _forget_builder(op: Op) -> None:
    FUNCTION_BUILDERS.pop(op.name, None)
    SYMBOLIC.__dict__.pop(op.name, None)


_ops.on_register(_add_builder, _forget_builder)


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


def cse(exprs: Roots, three_address: bool = False) -> Program:
    """The straight-line program (the IR, see :class:`symdiff.Program`) of one expression or
    a sequence of them. It prints with a temporary for exactly the operations used more than
    once (counting uses across all outputs), or for every operation with
    ``three_address=True`` (the form of the seed's h₁…h₆ and of generated code).

    >>> from symdiff import parse
    >>> print(cse([parse("x*y + 1"), parse("sin(x*y)")]))
    t0 = x*y
    return t0 + 1, sin(t0)
    """
    return lower(as_roots(exprs), three_address=three_address)


def substitute(expr: Expr, mapping: Mapping[Any, ExprLike]) -> Expr:
    """``expr`` with symbols replaced (keys: symbols or names), rebuilt in one pass, all at
    once. A key may also be an undefined function (:class:`symdiff.Function`, or its name)
    whose value is a :class:`symdiff.Lambda` (or another ``Function``): its applications and
    their derivative nodes become the concrete function and its derivatives."""
    by_name: dict[str, Expr] = {}
    functions: dict[str, Any] = {}
    for key, value in mapping.items():
        name = key if isinstance(key, str) else getattr(key, "name", None)
        if not isinstance(name, str):
            raise ConversionError(f"substitution key {key!r} is not a symbol, a function "
                                  f"or a name")
        if hasattr(value, "_symdiff_apply_"):  # a Lambda or a Function
            functions[name] = value
        elif getattr(key, "_symdiff_apply_", None) is not None:
            raise ConversionError(f"the function {name} can only be replaced by a function "
                                  f"(symdiff.Lambda or symdiff.Function), not {value!r}")
        else:
            by_name[name] = as_expr(value)
    new: dict[Expr, Expr] = {}
    for node in toposort((expr,)):
        if node.op is SYMBOL:
            new[node] = by_name.get(node.name, node)  # type: ignore[attr-defined]
        elif node.op is CONST:
            new[node] = node
        else:
            args = [new[a] for a in node.args]
            function = functions.get(getattr(node.op, "function", "")) if functions else None
            new[node] = (apply(node.op, *args) if function is None else
                         as_expr(function._symdiff_apply_(node.op, args)))
    return new[expr]


def _rebuild(code: list[tuple[Any, ...]], output: int = -1) -> Expr:
    built: list[Expr] = []
    for instruction in code:
        head = instruction[0]
        if head == "symbol":
            built.append(Symbol(instruction[1]))
        elif head == "const":
            built.append(Constant(instruction[1]))
        elif head == "named":
            built.append(NamedConstant(_ops.get_op(instruction[1])))
        else:
            op = head if isinstance(head, Op) else _ops.get_op(head)
            built.append(apply(op, *(built[i] for i in instruction[1:])))
    return built[output]
