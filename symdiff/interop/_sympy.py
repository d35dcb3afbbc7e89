"""SymPy interop: :func:`to_sympy` and :func:`from_sympy`, iterative over both DAGs.

SymPy is imported only here (and lazily), so ``import symdiff`` stays light. The bridge owns
two tables keyed by op name: :data:`TO_SYMPY` says how an op is written in SymPy (default: the
SymPy function of the op's name), :data:`FROM_SYMPY` how that form is recognised back. Ops SymPy
lacks are written in SymPy's own terms, so SymPy's ``diff``, ``simplify``, ``lambdify`` and
``latex`` understand them: ``sigmoid(x)`` is ``1/(1 + exp(-x))``, ``relu(x)`` is
``Max(0, x)``, ``step(x)`` is ``Heaviside(x, 0)`` (step(0) = 0), ``softplus(x)`` (when
registered) is ``log(1 + exp(x))``. Symbols are plain ``sympy.Symbol(name)``, as every SymPy
user writes them.

An op's ``sympy`` field names its SymPy function (``sympy.<name>``, or a dotted path such as
``sympy.codegen.cfunctions.log2``); ``""`` means SymPy has none, and :func:`op_function` makes
one from the op's own entry (its partials and its float value), so ``cbrt`` or ``logaddexp``
still differentiate in SymPy. Named constants are ``sympy.pi``/``sympy.E``, rationals
``sympy.Rational``, both ways. Comparisons are numbers in symdiff (1.0 or 0.0) and booleans in
SymPy: they are written ``Piecewise((1, x < y), (0, True))``, and ``where(c, a, b)`` is
``Piecewise((a, c), (b, True))``; a ``Piecewise`` reads back as nested ``where``.
"""

from __future__ import annotations

import functools
import importlib
import operator
from collections.abc import Callable
from fractions import Fraction
from types import SimpleNamespace
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
    as_expr,
    div,
    mul,
    neg,
    power,
    sub,
    substitute,
)
from .._program import lower
from .._sweeps import EXPRESSIONS, forward
from .._traversal import toposort
from .._undefined import undefined_op

__all__ = ["to_sympy", "from_sympy", "simplify", "rebuild", "op_function", "ARITHMETIC",
           "TO_SYMPY", "FROM_SYMPY", "SYMPY_FAMILIES"]


# --- op → SymPy -------------------------------------------------------------------------------

def _comparison(relation: str) -> Callable[..., Any]:
    def build(sp: Any, a: Any, b: Any) -> Any:
        return sp.Piecewise((1, getattr(sp, relation)(a, b)), (0, True))

    return build


#: How ops are written in SymPy: op name → ``builder(sympy, *args)``. An op not listed is the
#: SymPy function named by its ``sympy`` field (default: its own name), e.g. ``sympy.sin``.
TO_SYMPY: dict[str, Callable[..., Any]] = {
    # exp(-a) stays unevaluated so that SymPy does not split off a float factor
    # (exp(-x - 0.25) → 0.7788·exp(-x)) and from_sympy still recognises the sigmoid.
    "sigmoid": lambda sp, a: 1 / (1 + sp.exp(-a, evaluate=False)),
    "softplus": lambda sp, a: sp.log(1 + sp.exp(a, evaluate=False)),
    "relu": lambda sp, a: sp.Max(0, a),
    "step": lambda sp, a: sp.Heaviside(a, 0),
    "where": lambda sp, c, a, b: sp.Piecewise((a, _truth(sp, c)), (b, True)),
    **{name: _comparison(relation) for name, relation in (
        ("lt", "Lt"), ("le", "Le"), ("gt", "Gt"), ("ge", "Ge"), ("eq", "Eq"), ("ne", "Ne"))},
    "logical_and": lambda sp, a, b: sp.Piecewise((1, sp.And(_truth(sp, a), _truth(sp, b))),
                                                 (0, True)),
    "logical_or": lambda sp, a, b: sp.Piecewise((1, sp.Or(_truth(sp, a), _truth(sp, b))),
                                                (0, True)),
}


def _truth(sp: Any, value: Any) -> Any:
    """The SymPy condition that a symdiff truth value (non-zero is true) stands for."""
    if isinstance(value, sp.Piecewise) and len(value.args) == 2 and (
            value.args[0].expr == 1 and value.args[1].expr == 0
            and value.args[1].cond is sp.true):
        return value.args[0].cond
    return sp.Ne(value, 0)


def _undefined_to_sympy(sp: Any, op: Any, *args: Any) -> Any:
    """An undefined function ``f(a)`` is ``sympy.Function("f")(a)``; a derivative node is a
    ``Derivative`` in the arguments that are symbols found nowhere else among the arguments,
    and SymPy's own ``Subs(Derivative(f(ξ), ξ), ξ, a)`` form for the others (what
    ``sympy.diff(f(g(x)), x)`` makes)."""
    function = sp.Function(op.function)
    if not op.order:
        return function(*args)
    call = list(args)
    variables: list[tuple[Any, int]] = []
    dummies: list[Any] = []
    points: list[Any] = []
    for i, (arg, count) in enumerate(zip(args, op.counts, strict=True)):
        if not count:
            continue
        elsewhere = any(arg in getattr(b, "free_symbols", ()) for j, b in enumerate(args)
                        if j != i)
        if isinstance(arg, sp.Symbol) and not elsewhere:
            variables.append((arg, count))
            continue
        xi = sp.Dummy(f"xi_{i + 1}")
        call[i] = xi
        variables.append((xi, count))
        dummies.append(xi)
        points.append(arg)
    derivative = sp.Derivative(function(*call), *variables)
    return sp.Subs(derivative, tuple(dummies), tuple(points)) if dummies else derivative


#: How whole families of ops made on demand are written in SymPy: family →
#: ``builder(sympy, op, *args)`` (undefined functions: ``Function``, ``Derivative``, ``Subs``).
SYMPY_FAMILIES: dict[str, Callable[..., Any]] = {"undefined": _undefined_to_sympy}


def _sympy_builder(op: _ops.Op) -> Callable[..., Any]:
    """The SymPy callable for a function op: its :data:`TO_SYMPY` entry (or its family's in
    :data:`SYMPY_FAMILIES`), else by name."""
    import sympy

    if op.family:
        family = SYMPY_FAMILIES.get(op.family)
        if family is None:
            raise ConversionError(f"op {op.name!r} has no SymPy counterpart")
        return functools.partial(family, sympy, op)
    builder = TO_SYMPY.get(op.name)
    if builder is not None:
        return functools.partial(builder, sympy)
    if op.kind == "leaf":  # a named constant: sympy.pi, sympy.E
        value = _by_name(sympy, op)
        return lambda: value
    return _by_name(sympy, op)


def _by_name(sympy: Any, op: _ops.Op) -> Any:
    """The default by name: SymPy's function of that name, or else an undefined function
    called so (what SymPy itself makes of a name it does not know), mapped back by name."""
    if op.sympy is None:
        raise ConversionError(f"op {op.name!r} has no SymPy counterpart")
    if op.sympy == "":
        return op_function(op)
    module, _, name = op.sympy.rpartition(".")
    found = getattr(importlib.import_module(module) if module else sympy, name, None)
    return found if found is not None else sympy.Function(name)


#: The namespace ``F`` of partial-derivative rules over SymPy (for :func:`op_function`).
_SYMPY_RULES = SimpleNamespace()


def _sympy_rules() -> Any:
    for op in _ops.OPS.values():
        if op.kind != "leaf" or op.name in _ops.CONSTANTS:
            try:
                build = ARITHMETIC.get(op.name) or _sympy_builder(op)
            except ConversionError:
                continue
            setattr(_SYMPY_RULES, op.name, build() if op.kind == "leaf" else build)
    return _SYMPY_RULES


@functools.cache
def op_function(op: _ops.Op) -> Any:
    """A SymPy function class for an op SymPy has no counterpart of: its derivative comes from
    the op's partial rules, its numeric value from the op's float implementation."""
    import sympy

    def fdiff(self: Any, argindex: int = 1) -> Any:
        return op.partials[argindex - 1](_sympy_rules(), *self.args, self)

    def _eval_evalf(self: Any, prec: int) -> Any:
        values = [a.evalf(prec) for a in self.args]
        if not all(v.is_Number and v.is_real for v in values):
            return None
        try:
            return sympy.Float(op.evaluate(*map(float, values)), precision=53)
        except (ValueError, ArithmeticError):
            return None

    def _eval_is_real(self: Any) -> Any:
        return True if all(a.is_real for a in self.args) else None

    return type(op.name, (sympy.Function,), {
        "nargs": op.arity, "fdiff": fdiff, "_eval_evalf": _eval_evalf,
        "_eval_is_real": _eval_is_real, "__module__": __name__,
        "__doc__": op.doc or f"symdiff's {op.name}."})


def to_sympy(exprs: Any, real: bool = False) -> Any:
    """The SymPy expression (or tuple of them) for symdiff expression(s).

    Symbols become plain ``sympy.Symbol(name)``, the very symbols a SymPy user writes, so
    ``sympy.diff(to_sympy(e), sympy.Symbol("x"))`` differentiates; ``real=True`` makes them
    ``sympy.Symbol(name, real=True)`` instead (SymPy simplifies more with it). Ints stay exact,
    floats become ``sympy.Float`` of the same binary value; ops SymPy lacks are written in its
    terms (see :data:`TO_SYMPY`).

    >>> import sympy, symdiff
    >>> to_sympy(symdiff.parse("x*sin(x)"))
    x*sin(x)
    >>> to_sympy(symdiff.parse("sigmoid(x)"))
    1/(1 + exp(-x))
    >>> sympy.diff(to_sympy(symdiff.parse("x**3")), sympy.Symbol("x"))
    3*x**2
    """
    try:
        return _to_sympy(exprs, real)
    except ZeroDivisionError:  # SymPy's Float(1.0)/Float(0.0) (Integer division gives zoo)
        raise ConversionError("SymPy cannot divide a float by a zero float (1.0/0.0); "
                              "symdiff keeps the division, and evaluating it is a "
                              "DomainError") from None
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


# SymPy computes an exact power of exact numbers in full as it builds it (Integer(9)**9**9
# never returns), even unevaluated once it meets Mul: refuse results larger than this.
_MAX_SYMPY_POWER_BITS = 1 << 20


def _check_exact_powers(exprs: Any) -> None:
    single = isinstance(exprs, Expr) or not hasattr(exprs, "__iter__")
    roots = (as_expr(exprs),) if single else tuple(as_expr(e) for e in exprs)
    for node in toposort(roots):
        if node.op is not _ops.POW:
            continue
        base: Any = getattr(node.args[0], "value", None)
        exponent: Any = getattr(node.args[1], "value", None)
        if isinstance(base, (int, Fraction)) and isinstance(exponent, (int, Fraction)):
            exact = Fraction(base)
            size = max(abs(exact.numerator).bit_length(), exact.denominator.bit_length())
            bits = (size - 1) * abs(float(exponent))
            if bits > _MAX_SYMPY_POWER_BITS:
                raise ConversionError(
                    f"SymPy would compute the exact power {node} in full (about "
                    f"{int(bits * 0.30103):,} digits) and not return; "
                    "symdiff keeps it unfolded: write the base as a float to convert it")


def _to_sympy(exprs: Any, real: bool) -> Any:
    import sympy

    _check_exact_powers(exprs)

    def constant(value: int | float | Fraction) -> Any:
        if isinstance(value, int):
            return sympy.Integer(value)
        if isinstance(value, Fraction):
            return sympy.Rational(value.numerator, value.denominator)
        return sympy.Float(value, precision=53)

    def symbol(s: Symbol) -> Any:
        return sympy.Symbol(s.name, real=True) if real else sympy.Symbol(s.name)

    return rebuild(exprs, symbol, constant, _sympy_builder)


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


# --- SymPy → op -------------------------------------------------------------------------------

def _match_sigmoid(sp: Any, node: Any) -> tuple[Any, ...] | None:
    # 1/(1 + exp(u)) is sigmoid(-u)
    if isinstance(node, sp.Pow) and node.exp == -1 and isinstance(node.base, sp.Add):
        terms = node.base.args
        if len(terms) == 2 and sp.S.One in terms:
            other = terms[1] if terms[0] == 1 else terms[0]
            if isinstance(other, sp.exp):
                return (-other.args[0],)
    return None


def _match_softplus(sp: Any, node: Any) -> tuple[Any, ...] | None:
    # log(1 + exp(u)) is softplus(u)
    if isinstance(node, sp.log) and len(node.args) == 1 and isinstance(node.args[0], sp.Add):
        terms = node.args[0].args
        if len(terms) == 2 and sp.S.One in terms:
            other = terms[1] if terms[0] == 1 else terms[0]
            if isinstance(other, sp.exp):
                return other.args
    return None


def _match_relu(sp: Any, node: Any) -> tuple[Any, ...] | None:
    if isinstance(node, sp.Max) and len(node.args) == 2 and sp.S.Zero in node.args:
        return (node.args[1] if node.args[0] == 0 else node.args[0],)
    return None


def _match_truth(relation: str) -> Callable[[Any, Any], tuple[Any, ...] | None]:
    # Piecewise((1, a < b), (0, True)) is the comparison a < b (And/Or: of two conditions)
    def match(sp: Any, node: Any) -> tuple[Any, ...] | None:
        if isinstance(node, sp.Piecewise) and len(node.args) == 2:
            (one, condition), (zero, otherwise) = node.args
            if (one == 1 and zero == 0 and otherwise is sp.true
                    and isinstance(condition, getattr(sp, relation))
                    and len(condition.args) == 2):
                return tuple(condition.args)
        return None

    return match


def _match_where(sp: Any, node: Any) -> tuple[Any, ...] | None:
    # Piecewise((a, c), (b, True)) is where(c, a, b); more branches nest.
    if not isinstance(node, sp.Piecewise):
        return None
    if node.args[-1].cond is not sp.true:
        raise ConversionError("a Piecewise needs a last branch (expr, True) for symdiff's "
                              "where(cond, a, b)")
    if len(node.args) == 1:
        return None  # Piecewise((a, True)) is a itself; SymPy folds it anyway
    (value, condition), *rest = node.args
    otherwise = sp.Piecewise(*rest) if len(rest) > 1 else rest[0].expr
    return (condition, value, otherwise)


def _match_step(sp: Any, node: Any) -> tuple[Any, ...] | None:
    if isinstance(node, sp.Heaviside):
        if len(node.args) == 2 and node.args[1] != 0:
            raise ConversionError("only Heaviside(x, 0) matches symdiff's step (step(0) = 0); "
                                  f"SymPy's {node} has H(0) = {node.args[1]}")
        return node.args[:1]
    return None


#: How SymPy forms are recognised back: op name → ``matcher(sympy, node)`` giving the SymPy
#: arguments of that op when ``node`` is its form (see :data:`TO_SYMPY`), else None. Tried
#: before SymPy's classes are looked up by name; a matcher applies only while its op exists.
FROM_SYMPY: dict[str, Callable[[Any, Any], tuple[Any, ...] | None]] = {
    "sigmoid": _match_sigmoid, "softplus": _match_softplus, "relu": _match_relu,
    "step": _match_step,
    **{name: _match_truth(relation) for name, relation in (
        ("lt", "StrictLessThan"), ("le", "LessThan"), ("gt", "StrictGreaterThan"),
        ("ge", "GreaterThan"), ("eq", "Equality"), ("ne", "Unequality"), ("logical_and", "And"),
        ("logical_or", "Or"))},
    "where": _match_where,  # after the truth values, which are Piecewise forms too
}


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


def simplify(expr: Any) -> Expr:
    """``expr`` simplified by SymPy (``sympy.simplify``), converted back.

    This is the only real simplification symdiff offers, and it is explicit: swell is always
    measured on raw results. SymPy's simplify is slow on large expressions.

    >>> import symdiff
    >>> print(simplify(symdiff.parse("4*(1 - x) - 4*x")))
    4 - 8*x
    """
    import sympy

    # Real symbols: symdiff's expressions are real, and SymPy simplifies more knowing it.
    return from_sympy(sympy.simplify(to_sympy(as_expr(expr), real=True)))
