"""What each op is in SymPy, both ways: the bridge's tables and their defaults by name.

:data:`TO_SYMPY` says how an op is written in SymPy (default: the SymPy function named by the
op's ``sympy`` field, see :func:`by_name`; :func:`op_function` for an op SymPy has no function
of), :data:`SYMPY_FAMILIES` the same for a whole family of ops made on demand, and
:data:`FROM_SYMPY` how a written form is recognised back. :mod:`symdiff.interop._to_sympy` and
:mod:`symdiff.interop._from_sympy` walk the expressions with them.
"""

from __future__ import annotations

import functools
import importlib
import operator
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from .. import _ops
from .._errors import ConversionError

__all__ = ["TO_SYMPY", "SYMPY_FAMILIES", "FROM_SYMPY", "ARITHMETIC", "sympy_builder", "by_name",
           "op_function"]


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


def sympy_builder(op: _ops.Op) -> Callable[..., Any]:
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
        value = by_name(sympy, op)
        return lambda: value
    return by_name(sympy, op)


def by_name(sympy: Any, op: _ops.Op) -> Any:
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
                build = ARITHMETIC.get(op.name) or sympy_builder(op)
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


#: How the arithmetic ops are rebuilt in any library with Python's operators.
ARITHMETIC: dict[str, Callable[..., Any]] = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv,
    "pow": operator.pow, "neg": operator.neg,
}


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
