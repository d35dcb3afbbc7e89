"""SymPy interop: :func:`to_sympy` and :func:`from_sympy`, iterative over both DAGs.

SymPy is imported only here (and lazily), so ``import symdiff`` stays light. SymPy has no
``sigmoid``; :class:`sigmoid` below is a SymPy function with its derivative, evaluation and a
rewrite to exponentials, so the round trip through SymPy is exact for every op of the table.
``relu`` maps to ``Max(0, x)`` and ``step`` to ``Heaviside(x, 0)`` (step(0) = 0).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from typing import Any

from .. import _ops
from .._errors import ConversionError
from .._expr import Constant, Expr, Symbol, add, apply, as_expr, div, mul, neg, power, sub
from .._traversal import toposort

__all__ = ["to_sympy", "from_sympy", "simplify", "sympy_sigmoid", "rebuild", "ARITHMETIC"]


@functools.cache
def sympy_sigmoid() -> Any:
    """The SymPy function class standing for symdiff's ``sigmoid``."""
    import sympy

    class sigmoid(sympy.Function):  # noqa: N801 - named like SymPy's functions
        """Logistic sigmoid 1/(1 + exp(-x))."""

        @classmethod
        def eval(cls, arg: Any) -> Any:
            if arg.is_zero:
                return sympy.S.Half
            return None

        def fdiff(self, argindex: int = 1) -> Any:
            return self * (1 - self)

        def _eval_rewrite_as_exp(self, arg: Any, **kwargs: Any) -> Any:
            return 1 / (1 + sympy.exp(-arg))

        def _eval_evalf(self, prec: int) -> Any:
            return (1 / (1 + sympy.exp(-self.args[0])))._eval_evalf(prec)

        def _eval_is_real(self) -> Any:
            return self.args[0].is_real

        def _eval_is_positive(self) -> Any:
            return self.args[0].is_real

    return sigmoid


def _sympy_function(op: _ops.Op) -> Any:
    import sympy

    if op.name == "sigmoid":
        return sympy_sigmoid()
    if op.name == "relu":
        return lambda a: sympy.Max(0, a)
    if op.name == "step":
        return lambda a: sympy.Heaviside(a, 0)
    if op.sympy is None:
        raise ConversionError(f"op {op.name!r} has no SymPy counterpart")
    # The default by name: SymPy's function of that name, or else an undefined function
    # called so (what SymPy itself makes of a name it does not know), mapped back by name.
    found = getattr(sympy, op.sympy, None)
    return found if found is not None else sympy.Function(op.sympy)


def to_sympy(exprs: Any, real: bool = True) -> Any:
    """The SymPy expression (or tuple of them) for symdiff expression(s).

    Symbols become ``sympy.Symbol(name, real=real)``; ints stay exact, floats become
    ``sympy.Float`` of the same binary value.

    >>> import symdiff
    >>> to_sympy(symdiff.parse("x*sin(x)"))
    x*sin(x)
    """
    try:
        return _to_sympy(exprs, real)
    except RecursionError:
        # Our walk is iterative, but SymPy's constructors recurse on deep nesting.
        raise ConversionError("SymPy cannot build an expression this deep (its constructors "
                              "recurse); symdiff itself has no depth limit") from None


#: How the arithmetic ops are rebuilt in any library with Python's operators.
ARITHMETIC: dict[str, Callable[..., Any]] = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv,
    "pow": operator.pow, "neg": operator.neg,
}


def rebuild(exprs: Any, symbol: Callable[[Symbol], Any],
            constant: Callable[[int | float], Any] | None = None,
            function: Callable[[_ops.Op], Callable[..., Any]] | None = None) -> Any:
    """Rebuild one expression (or a sequence) in another library, node by node, iteratively,
    so shared subexpressions stay shared: ``symbol(node)`` and ``constant(value)`` make the
    leaves, arithmetic uses Python's operators, and ``function(op)`` gives the library's
    callable for each other op (asked once per op). :func:`to_sympy` is this with SymPy; the
    benchmarks use it for SymEngine and CasADi.

    >>> import math, symdiff
    >>> rebuild(symdiff.parse("x*sin(x)"), lambda s: 2.0, function=lambda op: math.sin)
    1.8185948536513634
    """
    single = isinstance(exprs, Expr) or not hasattr(exprs, "__iter__")
    roots = (as_expr(exprs),) if single else tuple(as_expr(e) for e in exprs)
    builders: dict[_ops.Op, Callable[..., Any]] = {}
    out: dict[Expr, Any] = {}
    for node in toposort(roots):
        op = node.op
        if op is _ops.SYMBOL:
            out[node] = symbol(node)  # type: ignore[arg-type]
        elif op is _ops.CONST:
            value = node.value  # type: ignore[attr-defined]
            out[node] = value if constant is None else constant(value)
        else:
            build = builders.get(op)
            if build is None:
                build = ARITHMETIC.get(op.name) if op.kind != "function" else None
                if build is None:
                    if function is None:
                        raise ConversionError(f"no way given to rebuild op {op.name!r}")
                    build = function(op)
                builders[op] = build
            out[node] = build(*(out[a] for a in node.args))
    return out[roots[0]] if single else tuple(out[r] for r in roots)


def _to_sympy(exprs: Any, real: bool) -> Any:
    import sympy

    def constant(value: int | float) -> Any:
        return sympy.Integer(value) if isinstance(value, int) else sympy.Float(value,
                                                                              precision=53)

    return rebuild(exprs, lambda s: sympy.Symbol(s.name, real=real), constant, _sympy_function)


def _from_mul(args: list[Any], convert: dict[Any, Expr]) -> Expr:
    import sympy

    numerator: Expr = Constant(1)
    denominator: Expr = Constant(1)
    for arg in args:
        if isinstance(arg, sympy.Pow) and arg.exp.is_Rational and arg.exp.is_negative:
            denominator = mul(denominator, _power(convert[arg.base], -arg.exp, convert))
        elif isinstance(arg, sympy.Rational) and not isinstance(arg, sympy.Integer):
            numerator = mul(numerator, Constant(int(arg.p)))
            denominator = mul(denominator, Constant(int(arg.q)))
        else:
            numerator = mul(numerator, convert[arg])
    return div(numerator, denominator)


def _power(base: Expr, exponent: Any, convert: dict[Any, Expr]) -> Expr:
    """``base ** exponent`` for a SymPy exponent, with ``1/2`` as sqrt and ``-1`` as 1/base."""
    import sympy

    if exponent == sympy.S.Half:
        return apply(_ops.FUNCTIONS["sqrt"], base)
    if exponent.is_Number and exponent.is_negative:
        return div(1, _power(base, -exponent, convert))
    return power(base, _number(exponent) if exponent.is_Number else convert[exponent])


def _number(value: Any) -> Expr:
    import sympy

    if isinstance(value, sympy.Integer):
        return Constant(int(value))
    if isinstance(value, sympy.Rational):
        return div(Constant(int(value.p)), Constant(int(value.q)))
    if isinstance(value, sympy.Float):
        return Constant(float(value))
    raise ConversionError(f"SymPy number {value!r} has no exact symdiff form")


def from_sympy(expr: Any) -> Expr:
    """The symdiff expression for a SymPy expression (the inverse of :func:`to_sympy`).

    Raises :class:`symdiff.ConversionError` for what symdiff cannot represent (``pi``,
    ``oo``, unknown functions).

    >>> import sympy
    >>> print(from_sympy(sympy.sympify("x*sin(x) + 1")))
    1 + x*sin(x)
    """
    import sympy

    try:
        expr = sympy.sympify(expr)
    except (sympy.SympifyError, TypeError) as exc:
        raise ConversionError(f"not a SymPy expression: {expr!r}") from exc
    by_class = {}
    for op in _ops.FUNCTIONS.values():
        if op.name in ("relu", "step"):
            continue
        try:
            cls = _sympy_function(op)
        except ConversionError:
            continue
        if isinstance(cls, type):  # sympy.sqrt is a function building Pow, not a class
            by_class[cls] = op
    convert: dict[Any, Expr] = {}
    # Iterative post-order over SymPy's (shared) expression graph.
    stack: list[tuple[Any, bool]] = [(expr, False)]
    while stack:
        node, ready = stack.pop()
        if node in convert:
            continue
        if not ready:
            stack.append((node, True))
            stack.extend((a, False) for a in reversed(node.args) if a not in convert)
            continue
        convert[node] = _convert_one(node, convert, by_class)
    return convert[expr]


def _negation_of(term: Expr) -> Expr | None:
    """``t`` when ``term`` is ``-t`` (a negation or a product with a negative coefficient)."""
    if term.op is _ops.NEG:
        return term.args[0]
    if term.op is _ops.MUL:
        coefficient = term.args[0]
        if coefficient.op is _ops.CONST and coefficient.value < 0:  # type: ignore[attr-defined]
            return mul(-coefficient.value, term.args[1])  # type: ignore[attr-defined]
    return None


def _convert_one(node: Any, convert: dict[Any, Expr], by_class: dict[Any, _ops.Op]) -> Expr:
    import sympy

    args = node.args
    if isinstance(node, sympy.Symbol):
        return Symbol(node.name)
    if isinstance(node, sympy.Number):
        if isinstance(node, (sympy.Integer, sympy.Rational, sympy.Float)):
            return _number(node)
        raise ConversionError(f"SymPy number {node!r} has no symdiff form")
    if node is sympy.E:
        return apply(_ops.FUNCTIONS["exp"], 1)
    if isinstance(node, sympy.Add):
        result = convert[args[0]]
        for arg in args[1:]:
            term = convert[arg]
            positive = _negation_of(term)
            result = add(result, term) if positive is None else sub(result, positive)
        return result
    if isinstance(node, sympy.Mul):
        if args[0] == -1:
            return neg(_from_mul(list(args[1:]), convert))
        return _from_mul(list(args), convert)
    if isinstance(node, sympy.Pow):
        return _power(convert[args[0]], args[1], convert)
    if isinstance(node, sympy.Max) and len(args) == 2 and 0 in args:
        other = args[1] if args[0] == 0 else args[0]
        return apply(_ops.FUNCTIONS["relu"], convert[other])
    if isinstance(node, sympy.Heaviside):
        if len(args) == 2 and args[1] != 0:
            raise ConversionError("only Heaviside(x, 0) matches symdiff's step (step(0) = 0)")
        return apply(_ops.FUNCTIONS["step"], convert[args[0]])
    op = by_class.get(type(node))
    if op is None:
        for cls, candidate in by_class.items():
            if isinstance(node, cls):
                op = candidate
                break
    if op is None or len(args) != op.arity:
        raise ConversionError(f"symdiff has no op for SymPy's {type(node).__name__}")
    return apply(op, *(convert[a] for a in args))


def simplify(expr: Any) -> Expr:
    """``expr`` simplified by SymPy (``sympy.simplify``), converted back.

    This is the only real simplification symdiff offers, and it is explicit: swell is always
    measured on raw results. SymPy's simplify is slow on large expressions.

    >>> import symdiff
    >>> print(simplify(symdiff.parse("4*(1 - x) - 4*x")))
    4 - 8*x
    """
    import sympy

    return from_sympy(sympy.simplify(to_sympy(as_expr(expr))))
