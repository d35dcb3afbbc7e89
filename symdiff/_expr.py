"""Expression nodes: immutable, slotted, hash-consed.

Every node is built through a factory that first folds the trivial cases (constants, 0 and 1,
``-(-x)``, ``x - x``) and then interns the result in a weak-value table keyed by (op, args). Two
structurally equal expressions are therefore the same object, equality is identity, and an
expression is a DAG in which every shared subexpression is stored once. The weak table is the
only global state in symdiff: nodes nobody references are freed.

The expression core is three modules along the way a node is made, and this one is its front:
every other module imports from here. :mod:`symdiff._nodes` holds the node classes and the
interning, :mod:`symdiff._construct` the constructors with construction-time folding, and this
module Expr's operators and node-building methods (attached to the class below: they call the
constructors, which need the classes), substitution, pickling and :func:`cse`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from . import _ops
from ._construct import (
    FUNCTION_BUILDERS,
    SYMBOLIC,
    add,
    apply,
    call,
    div,
    mul,
    neg,
    power,
    sub,
)
from ._errors import ConversionError
from ._folding import MAX_INT_BITS as _MAX_INT_BITS  # noqa: F401  (kept importable here)
from ._folding import too_large as _too_large  # noqa: F401  (kept importable here)
from ._nodes import (
    Constant,
    Expr,
    ExprLike,
    NamedConstant,
    Point,
    Roots,
    Symbol,
    as_expr,
    as_roots,
    as_symbol,
    free_symbols,
    intern_node,
    symbols,
)
from ._nodes import coerce as _coerce
from ._ops import CONST, SYMBOL, Op
from ._program import Program, lower
from ._traversal import natural_key, toposort

__all__ = [
    "Expr", "Symbol", "Constant", "NamedConstant", "ExprLike", "call", "symbols", "as_expr",
    "apply", "add", "sub", "mul", "div", "power", "neg", "FUNCTION_BUILDERS", "SYMBOLIC",
    "free_symbols", "substitute", "as_roots", "as_symbol",
    "Roots", "Point", "natural_key", "intern_node", "cse",
]


# --- Expr's operators and node-building methods ---------------------------------------------
# Attached to the class below, in its dict as if written in its body: an operator costs what
# it did.

def _add(self: Expr, other: ExprLike) -> Expr:
    o = _coerce(other)
    return NotImplemented if o is None else add(self, o)


def _radd(self: Expr, other: ExprLike) -> Expr:
    o = _coerce(other)
    return NotImplemented if o is None else add(o, self)


def _sub(self: Expr, other: ExprLike) -> Expr:
    o = _coerce(other)
    return NotImplemented if o is None else sub(self, o)


def _rsub(self: Expr, other: ExprLike) -> Expr:
    o = _coerce(other)
    return NotImplemented if o is None else sub(o, self)


def _mul(self: Expr, other: ExprLike) -> Expr:
    o = _coerce(other)
    return NotImplemented if o is None else mul(self, o)


def _rmul(self: Expr, other: ExprLike) -> Expr:
    o = _coerce(other)
    return NotImplemented if o is None else mul(o, self)


def _truediv(self: Expr, other: ExprLike) -> Expr:
    o = _coerce(other)
    return NotImplemented if o is None else div(self, o)


def _rtruediv(self: Expr, other: ExprLike) -> Expr:
    o = _coerce(other)
    return NotImplemented if o is None else div(o, self)


def _pow(self: Expr, other: ExprLike, modulo: None = None) -> Expr:
    o = _coerce(other)
    return NotImplemented if o is None or modulo is not None else power(self, o)


def _rpow(self: Expr, other: ExprLike) -> Expr:
    o = _coerce(other)
    return NotImplemented if o is None else power(o, self)


def _neg(self: Expr) -> Expr:
    return neg(self)


def _abs(self: Expr) -> Expr:
    return apply(_ops.FUNCTIONS["abs"], self)


# Comparisons and & | build nodes (1.0 or 0.0) for where(cond, a, b); == and != stay
# identity (interning makes them structural), so write those as parse("x == y").
def _comparison(name: str, reflected: bool = False) -> Callable[[Expr, ExprLike], Expr]:
    def compare(self: Expr, other: ExprLike) -> Expr:
        o = _coerce(other)
        if o is None:
            return NotImplemented
        return apply(_ops.OPS[name], *((o, self) if reflected else (self, o)))

    return compare


def _subs(self: Expr, mapping: Mapping[Any, ExprLike]) -> Expr:
    """Replace symbols (keys: symbols or names) by expressions or numbers."""
    return substitute(self, mapping)


def _reduce(self: Expr) -> tuple[Callable[..., Expr], tuple[Any, ...]]:
    # The program IR as a flat instruction list: pickling never recurses, whatever the
    # depth. Slot k of the program is instruction k.
    program = lower(self)
    code: list[tuple[Any, ...]] = [node._leaf_key() for node in program.nodes
                                   if not node.args]
    # Table ops by name; ops made on demand (undefined functions) pickle themselves.
    code += [(eq.op if eq.op.family else eq.op.name, *eq.args)
             for eq in program.equations]
    return _rebuild, (code, program.output_slots[0])


Expr.__add__, Expr.__radd__, Expr.__sub__, Expr.__rsub__ = _add, _radd, _sub, _rsub
Expr.__mul__, Expr.__rmul__, Expr.__truediv__, Expr.__rtruediv__ = (
    _mul, _rmul, _truediv, _rtruediv)
Expr.__pow__, Expr.__rpow__, Expr.__neg__, Expr.__abs__ = _pow, _rpow, _neg, _abs
Expr.__lt__, Expr.__le__ = _comparison("lt"), _comparison("le")
Expr.__gt__, Expr.__ge__ = _comparison("gt"), _comparison("ge")
Expr.__and__, Expr.__rand__ = _comparison("logical_and"), _comparison("logical_and", True)
Expr.__or__, Expr.__ror__ = _comparison("logical_or"), _comparison("logical_or", True)
Expr.subs, Expr.__reduce__ = _subs, _reduce
for _name, _method in list(vars(Expr).items()):  # named as methods (help(), repr)
    if getattr(_method, "__module__", None) == __name__:
        _method.__name__, _method.__qualname__ = _name, f"Expr.{_name}"
del _name, _method


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
