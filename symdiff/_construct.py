"""The constructors: every operation node is built here, folding the trivial cases first.

``add``, ``sub``, ``mul``, ``div``, ``power`` and ``neg`` fold constants, 0 and 1, ``-(-x)``,
``x - x``, a constant factor written first and signs moved out of products (the exact-number
arithmetic they test first is in :mod:`symdiff._folding`), then intern the node through
:func:`symdiff._nodes.make_node`. :func:`apply` is the one constructor every pass uses,
``SYMBOLIC`` the namespace ``F`` that partial rules call, and :func:`call` and
``FUNCTION_BUILDERS`` the functions a user calls (``symdiff.sin``).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from fractions import Fraction
from functools import partial
from typing import Any, cast

from . import _ops
from ._errors import ConversionError
from ._folding import MAX_FOLDED_BITS as _MAX_FOLDED_BITS
from ._folding import bit_size as _bits
from ._folding import constant_value as _value
from ._folding import is_exact as _exact
from ._folding import quotient as _quotient
from ._nodes import Constant, Expr, ExprLike, NamedConstant, as_expr
from ._nodes import make_node as _make
from ._ops import ADD, CONST, DIV, MUL, NEG, POW, SUB, Op

__all__ = [
    "add", "sub", "mul", "div", "power", "neg", "apply", "SYMBOLIC", "call",
    "FUNCTION_BUILDERS",
]


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
