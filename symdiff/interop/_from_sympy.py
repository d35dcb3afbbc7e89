"""SymPy → symdiff: :func:`from_sympy`, one iterative post-order over SymPy's (shared)
expression graph, recognising the forms of :data:`symdiff.interop.FROM_SYMPY` first and SymPy's
classes by name after."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import _ops
from .._errors import ConversionError
from .._expr import (
    Constant,
    Expr,
    NamedConstant,
    Symbol,
    add,
    apply,
    div,
    mul,
    neg,
    power,
    sub,
    substitute,
)
from .._program import lower
from .._sweeps import EXPRESSIONS, forward
from .._undefined import undefined_op
from ._sympy_tables import ARITHMETIC, FROM_SYMPY, TO_SYMPY
from ._sympy_tables import by_name as _by_name

__all__ = ["from_sympy"]


def _from_mul(args: list[Any], convert: dict[Any, Expr]) -> Expr:
    import sympy

    numerator: Expr = Constant(1)
    denominator: Expr = Constant(1)
    for arg in args:
        # A factor 1/b goes to the denominator, unless the whole power was recognised as an
        # op of its own (1/(exp(w) + 1) is sigmoid(-w)): then its base was never converted.
        if (isinstance(arg, sympy.Pow) and arg.exp.is_Rational and arg.exp.is_negative
                and arg.base in convert):
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


def _matchers() -> list[tuple[_ops.Op, Callable[[Any, Any], tuple[Any, ...] | None]]]:
    return [(_ops.FUNCTIONS[name], match) for name, match in FROM_SYMPY.items()
            if name in _ops.FUNCTIONS]


def _classes() -> dict[Any, _ops.Op]:
    """SymPy's function classes that stand for function ops by name (``sympy.sin`` → sin)."""
    import sympy

    by_class: dict[Any, _ops.Op] = {}
    for op in _ops.FUNCTIONS.values():
        if op.name in TO_SYMPY:
            continue
        try:
            cls = _by_name(sympy, op)
        except ConversionError:
            continue
        if isinstance(cls, type):  # sympy.sqrt is a function building Pow, not a class
            by_class[cls] = op
    for op in _ops.OPS.values():
        # Conditions inside a Piecewise: SymPy's relationals, And, Or (their ``sympy`` class).
        if op.kind == "infix" and op.name not in ARITHMETIC and op.sympy:
            by_class[getattr(sympy, op.sympy)] = op
    for op in _ops.CONSTANTS.values():
        by_class[_by_name(sympy, op)] = op  # sympy.pi → pi (an instance, not a class)
    return by_class


def from_sympy(expr: Any) -> Expr:
    """The symdiff expression for a SymPy expression (the inverse of :func:`to_sympy`).

    Symbols are matched by name, whatever their assumptions. SymPy's forms of the ops it lacks
    are recognised (``1/(1 + exp(-x))`` is ``sigmoid(x)``, ``Max(0, x)`` is ``relu(x)``).
    Raises :class:`symdiff.ConversionError` for what symdiff cannot represent (``oo``,
    ``I``, unknown functions).

    >>> import sympy
    >>> print(from_sympy(sympy.sympify("x*sin(x) + 1")))
    1 + x*sin(x)
    >>> print(from_sympy(sympy.sympify("1/(1 + exp(-x)) + Max(0, x)")))
    sigmoid(x) + relu(x)
    """
    import sympy

    try:
        expr = sympy.sympify(expr)
    except (sympy.SympifyError, TypeError) as exc:
        raise ConversionError(f"not a SymPy expression: {expr!r}") from exc
    matchers = _matchers()
    by_class = _classes()
    convert: dict[Any, Expr] = {}
    recognised: dict[Any, tuple[_ops.Op, tuple[Any, ...]]] = {}
    aliases: dict[Any, Any] = {}
    # Iterative post-order over SymPy's (shared) expression graph.
    stack: list[tuple[Any, bool]] = [(expr, False)]
    while stack:
        node, ready = stack.pop()
        if node in convert:
            continue
        if ready:
            if node in aliases:
                convert[node] = convert[aliases[node]]
            elif node in recognised:
                op, operands = recognised[node]
                convert[node] = apply(op, *(convert[a] for a in operands))
            else:
                convert[node] = _convert_one(node, convert, by_class)
            continue
        stack.append((node, True))
        children: tuple[Any, ...] = node.args
        if isinstance(node, sympy.Derivative):
            by_symbols = _by_symbols(sympy, node)
            if by_symbols is not node:
                aliases[node] = by_symbols  # Derivative(f(g(x)), g(x)) as a Subs
                children = (by_symbols,)
            else:
                children = (node.expr,)  # its variables are symbols, its counts integers
        elif isinstance(node, sympy.Subs):
            children = (node.expr, *node.point)
        else:
            for op, match in matchers:
                found = match(sympy, node)
                if found is not None:
                    recognised[node] = (op, found)
                    children = found
                    break
        stack.extend((a, False) for a in reversed(children) if a not in convert)
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
        return _symbol(sympy, node)
    if isinstance(node, sympy.Derivative):
        result = convert[node.expr]
        for variable, count in node.variable_count:
            if not isinstance(variable, sympy.Symbol) or not isinstance(count, (int,
                                                                                sympy.Integer)):
                raise ConversionError(f"symdiff differentiates by symbols only, a whole "
                                      f"number of times: not {node}")
            result = _derivative(result, _symbol(sympy, variable), int(count))
        return result
    if isinstance(node, sympy.Subs):
        return substitute(convert[node.expr], {
            _symbol(sympy, v): convert[p] for v, p in zip(node.variables, node.point,
                                                          strict=True)})
    named = by_class.get(node) if not args else None
    if named is not None and named.kind == "leaf":
        return NamedConstant(named)  # sympy.pi, sympy.E
    if node is sympy.true or node is sympy.false:
        return Constant(1 if node is sympy.true else 0)
    if isinstance(node, sympy.Number):
        if isinstance(node, (sympy.Integer, sympy.Rational, sympy.Float)):
            return _number(node)
        raise ConversionError(f"SymPy number {node!r} has no symdiff form")
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
    op = by_class.get(type(node))
    if op is None:
        for cls, candidate in by_class.items():
            if isinstance(cls, type) and isinstance(node, cls):
                op = candidate
                break
    if op is not None and op.arity == 2 and len(args) > 2 and isinstance(
            node, sympy.core.operations.LatticeOp):  # Max, Min, And, Or of several
        result = convert[args[0]]
        for arg in args[1:]:
            result = apply(op, result, convert[arg])
        return result
    if op is None and isinstance(node, sympy.core.function.AppliedUndef):
        # SymPy's undefined function (one symdiff's table does not stand for by name)
        return apply(undefined_op(node.func.__name__, len(args)), *(convert[a] for a in args))
    if op is None or len(args) != op.arity:
        raise ConversionError(f"symdiff has no op for SymPy's {type(node).__name__}")
    return apply(op, *(convert[a] for a in args))


def _by_symbols(sp: Any, node: Any) -> Any:
    """A ``Derivative`` by symbols only: SymPy writes ``diff(f(g(x)), x)`` with
    ``Derivative(f(g(x)), g(x))``, which is ``Subs(Derivative(f(ξ), ξ), ξ, g(x))``."""
    if all(isinstance(v, sp.Symbol) for v, _ in node.variable_count):
        return node
    expr = node.expr
    variables: list[tuple[Any, Any]] = []
    dummies: list[Any] = []
    points: list[Any] = []
    for variable, count in node.variable_count:
        if not isinstance(variable, sp.Symbol):
            xi = sp.Dummy("xi")
            expr = expr.xreplace({variable: xi})
            dummies.append(xi)
            points.append(variable)
            variable = xi
        variables.append((variable, count))
    return sp.Subs(sp.Derivative(expr, *variables), tuple(dummies), tuple(points))


def _symbol(sp: Any, node: Any) -> Symbol:
    """A SymPy symbol by name; a ``Dummy`` (SymPy's ``_xi_1`` of a ``Subs``) by a name of its
    own, so that it never meets a user's symbol of the same name."""
    if isinstance(node, sp.Dummy):
        return Symbol(f"_{node.name}_{node.dummy_index}")
    return Symbol(node.name)


def _derivative(expr: Expr, var: Symbol, order: int) -> Expr:
    """``expr`` differentiated ``order`` times by ``var`` (forward sweeps over its program;
    what ``symdiff.diff`` does, which sits beside this module)."""
    for _ in range(order):
        program = lower(expr)
        if var not in program.inputs:
            return Constant(0)
        tangents = forward(program, program.nodes, [(program.inputs.index(var), Constant(1))],
                           EXPRESSIONS)
        found = tangents[program.output_slots[0]]
        expr = Constant(0) if found is None else found
    return expr
