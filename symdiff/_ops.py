"""The table of operations: every fact about an op lives in its one entry.

Each :class:`Op` declares its arity, how to evaluate it on floats, its local partial derivatives,
its text and LaTeX forms, its Python and NumPy code, its render label and its SymPy name. The
differentiator, evaluator, printers, parser, SymPy bridge, code generator and renderer all read
this table, so adding a function means adding one entry (see ``docs/architecture.md``).

Partial-derivative rules are written over arithmetic and a namespace ``F`` of elementary
functions: ``F`` is the float namespace (:data:`FLOAT`) for numeric AD, and the symbolic one
(built in ``expr``) for symbolic differentiation. A rule receives ``(F, *args, out)`` where
``out`` is the op's own output, which keeps derivative graphs small (``exp' = out``).

This module imports nothing else from symdiff but the errors, so every layer may read it.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from ._errors import SymdiffError

__all__ = ["Op", "OPS", "FUNCTIONS", "FLOAT", "register_op", "get_op", "on_register",
           "unregister_op",
           "PREC_ADD", "PREC_MUL", "PREC_NEG", "PREC_POW", "PREC_ATOM"]

# Printing precedences (Python's): higher binds tighter.
PREC_ADD = 10
PREC_MUL = 20
PREC_NEG = 30
PREC_POW = 40
PREC_ATOM = 100

Rule = Callable[..., Any]


@dataclass(frozen=True, eq=False)
class Op:
    """One operation. Instances are compared by identity; ``name`` is unique in :data:`OPS`.

    kind: ``"leaf"`` (symbol, constant), ``"infix"`` (binary operator), ``"prefix"`` (unary
    minus) or ``"function"`` (called by name, e.g. ``sin(x)``).
    evaluate: the float implementation (raises ValueError/ZeroDivisionError/OverflowError
    outside the domain; callers translate these to :class:`symdiff.DomainError`).
    partials: one rule per argument, ``rule(F, *args, out) -> ∂out/∂arg``.
    text: the infix symbol (``"+"``) or the function name.
    latex: a ``str.format`` template over the operands' LaTeX.
    latex_delimits: per operand, whether the LaTeX template already delimits it (no parens).
    python / numpy: ``str.format`` templates over operand code; ``{m}`` is the math/numpy module
    alias. ``helper`` is the source of a helper function the template calls, if any.
    exact: exact values at exact arguments, used for folding (``exp(0) → 1``).
    """

    name: str
    arity: int
    kind: str
    evaluate: Callable[..., float]
    partials: tuple[Rule, ...]
    text: str
    latex: str
    precedence: int = PREC_ATOM
    latex_delimits: tuple[bool, ...] = ()
    python: str = ""
    numpy: str = ""
    helper: str = ""
    numpy_helper: str = ""
    label: str = ""
    sympy: str | None = None
    exact: dict[Any, Any] = field(default_factory=dict)
    doc: str = ""
    # Whole JVP / VJP rules, for ops whose chain rule is not "partial times tangent" (the
    # sweeps derive both from ``partials`` when these are None): jvp(F, args, out, tangents)
    # and vjp(F, args, out, adjoint) -> one contribution (or None) per argument.
    jvp: Callable[..., Any] | None = None
    vjp: Callable[..., Any] | None = None
    # How the parser groups a chain of this infix operator: a - b - c is (a - b) - c, but
    # a ** b ** c is a ** (b ** c).
    right_associative: bool = False

    def __repr__(self) -> str:
        return f"<op {self.name}>"


# --- float implementations that the math module lacks --------------------------------------


def _sigmoid(x: float) -> float:
    # Two branches so that neither exp() overflows: stable for any finite x.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _relu(x: float) -> float:
    return x if x > 0 else 0.0


def _step(x: float) -> float:
    return 1.0 if x > 0 else 0.0


def _sign(x: float) -> float:
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


def _pow(x: float, y: float) -> float:
    # math.pow raises ValueError for (-8) ** (1/3) where ** would return a complex number.
    return math.pow(x, y)


_SIGMOID_HELPER = '''def _sigmoid(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)'''
_SIGMOID_NUMPY_HELPER = '''def _sigmoid(x):
    z = numpy.exp(-numpy.abs(x))
    return numpy.where(numpy.asarray(x) >= 0, 1.0 / (1.0 + z), z / (1.0 + z))'''
_RELU_HELPER = '''def _relu(x):
    return x if x > 0 else 0.0'''
_STEP_HELPER = '''def _step(x):
    return 1.0 if x > 0 else 0.0'''
_SIGN_HELPER = '''def _sign(x):
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)'''


OPS: dict[str, Op] = {}
FUNCTIONS: dict[str, Op] = {}
# Rules evaluated on floats (numeric forward/reverse AD) call F.<name>: this namespace maps each
# op name to its float implementation.
FLOAT = SimpleNamespace()
# Consumers that keep a table of their own (function builders, the package namespace, …) hear
# of every op, those registered before they subscribed and those registered after.
_LISTENERS: list[Callable[[Op], None]] = []
_FORGETTERS: list[Callable[[Op], None]] = []


def on_register(listener: Callable[[Op], None],
                forget: Callable[[Op], None] | None = None) -> None:
    """Call ``listener(op)`` for every op in the table now and for every op registered later;
    ``forget(op)`` when one is unregistered."""
    _LISTENERS.append(listener)
    if forget is not None:
        _FORGETTERS.append(forget)
    for op in list(OPS.values()):
        listener(op)


def unregister_op(name: str) -> Op:
    """Remove the function ``name`` from the table and from every consumer's table (a
    notebook cell that registers a function can then be run again). Built-in ops stay."""
    op = get_op(name)
    if op.kind != "function" or name in _BUILTIN:
        raise SymdiffError(f"{name!r} is built in and cannot be unregistered")
    for forget in _FORGETTERS:
        forget(op)
    del OPS[name]
    FUNCTIONS.pop(name, None)
    if hasattr(FLOAT, name):
        delattr(FLOAT, name)
    return op


def register_op(op: Op) -> Op:
    """Add ``op`` to the table (functions become callable as ``symdiff.<name>``, parseable,
    printable, differentiable, compilable and renderable). Returns the op."""
    if op.name in OPS:
        raise SymdiffError(f"an op named {op.name!r} is already registered")
    if op.kind not in ("leaf", "infix", "prefix", "function"):
        raise SymdiffError(f"unknown op kind {op.kind!r}")
    if op.kind != "leaf" and len(op.partials) != op.arity:
        raise SymdiffError(f"op {op.name!r} needs one partial rule per argument")
    OPS[op.name] = op
    if op.kind != "leaf":
        setattr(FLOAT, op.name, op.evaluate)
    if op.kind == "function":
        FUNCTIONS[op.name] = op
    for listener in _LISTENERS:
        listener(op)
    return op


def get_op(name: str) -> Op:
    """The op called ``name``; raises :class:`SymdiffError` for an unknown name."""
    try:
        return OPS[name]
    except KeyError:
        raise SymdiffError(f"unknown op {name!r}") from None


def _function(name: str, evaluate: Callable[..., float], partial: Rule, latex: str, *,
              python: str | None = None, numpy: str | None = None, helper: str = "",
              numpy_helper: str = "", sympy: str | None = None, exact: dict | None = None,
              doc: str = "") -> Op:
    """Register a unary function ``name(x)``."""
    return register_op(Op(
        name=name, arity=1, kind="function", evaluate=evaluate, partials=(partial,),
        text=name, latex=latex, precedence=PREC_ATOM, latex_delimits=(True,),
        python=python if python is not None else f"{{m}}.{name}({{0}})",
        numpy=numpy if numpy is not None else f"{{m}}.{name}({{0}})",
        helper=helper, numpy_helper=numpy_helper, label=name,
        sympy=sympy if sympy is not None else name, exact=exact or {}, doc=doc,
    ))


# --- the table -----------------------------------------------------------------------------

SYMBOL = register_op(Op("symbol", 0, "leaf", lambda: 0.0, (), "", "", label="symbol"))
CONST = register_op(Op("const", 0, "leaf", lambda: 0.0, (), "", "", label="const"))

ADD = register_op(Op(
    "add", 2, "infix", operator.add, (lambda F, a, b, out: 1, lambda F, a, b, out: 1),
    "+", "{0} + {1}", PREC_ADD, (False, False), "{0} + {1}", "{0} + {1}", label="+",
    sympy="Add"))
SUB = register_op(Op(
    "sub", 2, "infix", operator.sub, (lambda F, a, b, out: 1, lambda F, a, b, out: -1),
    "-", "{0} - {1}", PREC_ADD, (False, False), "{0} - {1}", "{0} - {1}", label="−",
    sympy="Add"))
MUL = register_op(Op(
    "mul", 2, "infix", operator.mul, (lambda F, a, b, out: b, lambda F, a, b, out: a),
    "*", "{0} {1}", PREC_MUL, (False, False), "{0} * {1}", "{0} * {1}", label="×",
    sympy="Mul"))
DIV = register_op(Op(
    "div", 2, "infix", operator.truediv,
    (lambda F, a, b, out: 1 / b, lambda F, a, b, out: -a / F.pow(b, 2)),
    "/", r"\frac{{{0}}}{{{1}}}", PREC_MUL, (True, True), "{0} / {1}", "{0} / {1}", label="÷",
    sympy="Mul"))
POW = register_op(Op(
    "pow", 2, "infix", _pow,
    (lambda F, a, b, out: b * F.pow(a, b - 1), lambda F, a, b, out: out * F.log(a)),
    "**", "{0}^{{{1}}}", PREC_POW, (False, True), "{m}.pow({0}, {1})", "{m}.power({0}, {1})",
    label="^", sympy="Pow", right_associative=True))
NEG = register_op(Op(
    "neg", 1, "prefix", operator.neg, (lambda F, a, out: -1,),
    "-", "-{0}", PREC_NEG, (False,), "-{0}", "-{0}", label="−", sympy="Mul"))

_function("exp", math.exp, lambda F, a, out: out, "e^{{{0}}}", exact={0: 1},
          doc="Exponential; derivative exp(x), reusing the output node.")
_function("log", math.log, lambda F, a, out: 1 / a, r"\log{{\left({0}\right)}}", exact={1: 0},
          doc="Natural logarithm; domain x > 0.")
_function("sin", math.sin, lambda F, a, out: F.cos(a), r"\sin{{\left({0}\right)}}",
          exact={0: 0})
_function("cos", math.cos, lambda F, a, out: -F.sin(a), r"\cos{{\left({0}\right)}}",
          exact={0: 1})
_function("tan", math.tan, lambda F, a, out: 1 + out * out, r"\tan{{\left({0}\right)}}",
          exact={0: 0}, doc="Tangent; derivative 1 + tan(x)², reusing the output node.")
_function("asin", math.asin, lambda F, a, out: 1 / F.sqrt(1 - a * a),
          r"\operatorname{{asin}}{{\left({0}\right)}}", exact={0: 0})
_function("acos", math.acos, lambda F, a, out: -1 / F.sqrt(1 - a * a),
          r"\operatorname{{acos}}{{\left({0}\right)}}", exact={1: 0})
_function("atan", math.atan, lambda F, a, out: 1 / (1 + a * a),
          r"\operatorname{{atan}}{{\left({0}\right)}}", exact={0: 0})
_function("sinh", math.sinh, lambda F, a, out: F.cosh(a), r"\sinh{{\left({0}\right)}}",
          exact={0: 0})
_function("cosh", math.cosh, lambda F, a, out: F.sinh(a), r"\cosh{{\left({0}\right)}}",
          exact={0: 1})
_function("tanh", math.tanh, lambda F, a, out: 1 - out * out, r"\tanh{{\left({0}\right)}}",
          exact={0: 0}, doc="Hyperbolic tangent; derivative 1 − tanh(x)², reusing the output.")
_function("sqrt", math.sqrt, lambda F, a, out: 1 / (2 * out), r"\sqrt{{{0}}}",
          exact={0: 0, 1: 1}, doc="Square root; domain x ≥ 0. Derivative 1/(2·sqrt(x)).")
_function("sigmoid", _sigmoid, lambda F, a, out: out * (1 - out),
          r"\sigma\left({0}\right)", python="_sigmoid({0})", numpy="_sigmoid({0})",
          helper=_SIGMOID_HELPER, numpy_helper=_SIGMOID_NUMPY_HELPER,
          doc="Logistic sigmoid 1/(1 + exp(-x)); derivative σ(x)(1 − σ(x)), reusing the "
              "output. Evaluated without overflow for any finite x.")
_function("abs", abs, lambda F, a, out: F.sign(a), r"\left|{0}\right|",
          python="abs({0})", numpy="{m}.abs({0})", sympy="Abs",
          doc="Absolute value. Derivative sign(x), with the convention sign(0) = 0 "
              "(as JAX), so d|x|/dx = 0 at x = 0.")
_function("sign", _sign, lambda F, a, out: 0, r"\operatorname{{sign}}{{\left({0}\right)}}",
          python="_sign({0})", numpy="{m}.sign({0})", helper=_SIGN_HELPER, exact={0: 0},
          doc="Sign: -1, 0 or 1. Derivative 0 everywhere (by convention also at 0).")
_function("relu", _relu, lambda F, a, out: F.step(a),
          r"\operatorname{{relu}}{{\left({0}\right)}}", python="_relu({0})",
          numpy="{m}.maximum({0}, 0.0)", helper=_RELU_HELPER, exact={0: 0}, sympy="Max",
          doc="max(x, 0). Derivative step(x), with the convention relu'(0) = 0 (as JAX).")
_function("step", _step, lambda F, a, out: 0, r"\theta\left({0}\right)",
          python="_step({0})", numpy="{m}.heaviside({0}, 0.0)", helper=_STEP_HELPER,
          exact={0: 0}, sympy="Heaviside",
          doc="Heaviside step with step(0) = 0 (1 for x > 0, else 0). Derivative 0.")


# What the table holds at import; unregister_op refuses these.
_BUILTIN = frozenset(OPS)
