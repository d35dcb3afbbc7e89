"""The table of operations: every fact about an op lives in its one entry (the record and the
registry are :mod:`symdiff._op`; this module makes the built-in entries).

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
from typing import Any

from . import _special
from ._errors import DifferentiationError
from ._op import (
    ALIASES,
    BUILTIN,
    CONSTANTS,
    FLOAT,
    FUNCTIONS,
    OPS,
    PREC_ADD,
    PREC_AND,
    PREC_ATOM,
    PREC_CMP,
    PREC_MUL,
    PREC_NEG,
    PREC_OR,
    PREC_POW,
    Op,
    Rule,
    get_op,
    on_register,
    register_op,
    unregister_op,
)
from ._op import register_function as _function

# The registry's names too, so that every reader of the table keeps importing from here.
__all__ = ["Op", "Rule", "OPS", "FUNCTIONS", "CONSTANTS", "ALIASES", "FLOAT", "register_op",
           "get_op", "on_register", "unregister_op", "PREC_OR", "PREC_AND", "PREC_CMP",
           "PREC_ADD", "PREC_MUL", "PREC_NEG", "PREC_POW", "PREC_ATOM"]

# --- helpers of the rules (the float implementations the math module lacks are _special's) --


def _is_zero(a: Any) -> bool:
    """``a`` is the number 0 (a float in numeric AD, a constant node symbolically)."""
    if isinstance(a, (int, float)):
        return a == 0
    return a.op.name == "const" and a.value == 0  # type: ignore[no-any-return]


def _is_number(a: Any) -> bool:
    """``a`` is a number: a float in numeric AD, a constant or named constant symbolically."""
    return isinstance(a, (int, float)) or (a.op.kind == "leaf" and a.op.name != "symbol")


def _pow(x: float, y: float) -> float:
    # math.pow raises ValueError for (-8) ** (1/3) where ** would return a complex number.
    return math.pow(x, y)


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
    (lambda F, a, b, out: b * F.pow(a, b - 1),
     # d(x**y)/dy is 0 where x is 0 (autograd's and JAX's convention), not 0*log(0): at a
     # number base out*log(a), at any other base xlogy(out, a), which is 0 where out is.
     lambda F, a, b, out: 0 if _is_zero(a) else (
         out * F.log(a) if _is_number(a) else F.xlogy(out, a))),
    "**", "{0}^{{{1}}}", PREC_POW, (False, True), "{m}.pow({0}, {1})", "{m}.power({0}, {1})",
    label="^", sympy="Pow", right_associative=True))
NEG = register_op(Op(
    "neg", 1, "prefix", operator.neg, (lambda F, a, out: -1,),
    "-", "-{0}", PREC_NEG, (False,), "-{0}", "-{0}", label="−", sympy="Mul"))

_function("exp", math.exp, lambda F, a, out: out, "e^{{{0}}}", exact={0: 1},
          doc="Exponential; derivative exp(x), reusing the output node.")
_function("log", math.log, lambda F, a, out: 1 / a, r"\log{{\left({0}\right)}}",
          exact={1: 0, "E": 1}, aliases=("ln",),
          variants={2: lambda F, x, base: F.log(x) / F.log(base)},
          doc="Natural logarithm; domain x > 0. ``log(x, base)`` is log(x)/log(base).")
_function("sin", math.sin, lambda F, a, out: F.cos(a), r"\sin{{\left({0}\right)}}",
          exact={0: 0, "pi": 0})
_function("cos", math.cos, lambda F, a, out: -F.sin(a), r"\cos{{\left({0}\right)}}",
          exact={0: 1, "pi": -1})
_function("tan", math.tan, lambda F, a, out: 1 + out * out, r"\tan{{\left({0}\right)}}",
          exact={0: 0}, doc="Tangent; derivative 1 + tan(x)², reusing the output node.")
_function("asin", math.asin, lambda F, a, out: 1 / F.sqrt(1 - a * a),
          r"\operatorname{{asin}}{{\left({0}\right)}}", exact={0: 0}, aliases=("arcsin",))
_function("acos", math.acos, lambda F, a, out: -1 / F.sqrt(1 - a * a),
          r"\operatorname{{acos}}{{\left({0}\right)}}", exact={1: 0}, aliases=("arccos",))
_function("atan", math.atan, lambda F, a, out: 1 / (1 + a * a),
          r"\operatorname{{atan}}{{\left({0}\right)}}", exact={0: 0}, aliases=("arctan",))
_function("sinh", math.sinh, lambda F, a, out: F.cosh(a), r"\sinh{{\left({0}\right)}}",
          exact={0: 0})
_function("cosh", math.cosh, lambda F, a, out: F.sinh(a), r"\cosh{{\left({0}\right)}}",
          exact={0: 1})
_function("tanh", math.tanh, lambda F, a, out: 1 - out * out, r"\tanh{{\left({0}\right)}}",
          exact={0: 0}, doc="Hyperbolic tangent; derivative 1 − tanh(x)², reusing the output.")
_function("sqrt", math.sqrt, lambda F, a, out: 1 / (2 * out), r"\sqrt{{{0}}}",
          exact={0: 0, 1: 1}, doc="Square root; domain x ≥ 0. Derivative 1/(2·sqrt(x)).")
_function("sigmoid", _special.sigmoid, lambda F, a, out: out * (1 - out),
          r"\sigma\left({0}\right)", python="_sigmoid({0})", numpy="_sigmoid({0})",
          helper=_special.SIGMOID, numpy_helper=_special.SIGMOID_NUMPY, aliases=("expit",),
          doc="Logistic sigmoid 1/(1 + exp(-x)); derivative σ(x)(1 − σ(x)), reusing the "
              "output. Evaluated without overflow for any finite x.")
_function("abs", abs, lambda F, a, out: F.sign(a), r"\left|{0}\right|",
          python="abs({0})", numpy="{m}.abs({0})", sympy="Abs",
          aliases=("Abs", "absolute", "fabs"),
          doc="Absolute value. Derivative sign(x), with the convention sign(0) = 0 "
              "(as JAX), so d|x|/dx = 0 at x = 0.")
_function("sign", _special.sign, lambda F, a, out: 0, r"\operatorname{{sign}}{{\left({0}\right)}}",
          python="_sign({0})", numpy="{m}.sign({0})", helper=_special.SIGN, exact={0: 0},
          doc="Sign: -1, 0 or 1. Derivative 0 everywhere (by convention also at 0).")
_function("relu", _special.relu, lambda F, a, out: F.step(a),
          r"\operatorname{{relu}}{{\left({0}\right)}}", python="_relu({0})",
          numpy="{m}.maximum({0}, 0.0)", helper=_special.RELU, exact={0: 0}, sympy="Max",
          doc="max(x, 0). Derivative step(x), with the convention relu'(0) = 0 (as JAX).")
_function("step", _special.step, lambda F, a, out: 0, r"\theta\left({0}\right)",
          python="_step({0})", numpy="{m}.heaviside({0}, 0.0)", helper=_special.STEP,
          exact={0: 0}, sympy="Heaviside", aliases=("Heaviside", "heaviside"),
          doc="Heaviside step with step(0) = 0 (1 for x > 0, else 0). Derivative 0.")

# --- named constants ----------------------------------------------------------------------

PI = register_op(Op("pi", 0, "leaf", lambda: math.pi, (), "pi", r"\pi", python="{m}.pi",
                    numpy="{m}.pi", label="π", sympy="pi",
                    doc="π, exact: a float only when evaluated (``symdiff.pi``)."))
EULER = register_op(Op("E", 0, "leaf", lambda: math.e, (), "E", "e", python="{m}.e",
                       numpy="{m}.e", label="e", sympy="E",
                       doc="Euler's number e, exact (``symdiff.E``; ``exp(x)`` is E**x)."))


_CFUNCTIONS = "sympy.codegen.cfunctions."


def _const_value(node: Any) -> Any:
    """A number argument's exact value (for the fold rules), else None."""
    return getattr(node, "value", None) if node.op is CONST else None


def _no_derivative(name: str, what: str) -> Any:
    raise DifferentiationError(f"{name} is not differentiable in {what}")


# --- more elementary functions --------------------------------------------------------------

_function("sec", lambda x: 1.0 / math.cos(x), lambda F, a, out: out * F.tan(a),
          r"\sec{{\left({0}\right)}}", python="1.0 / {m}.cos({0})",
          numpy="1.0 / {m}.cos({0})", doc="Secant 1/cos(x); derivative sec(x)·tan(x).")
_function("csc", lambda x: 1.0 / math.sin(x), lambda F, a, out: -out * F.cot(a),
          r"\csc{{\left({0}\right)}}", python="1.0 / {m}.sin({0})",
          numpy="1.0 / {m}.sin({0})", doc="Cosecant 1/sin(x); derivative −csc(x)·cot(x).")
_function("cot", lambda x: 1.0 / math.tan(x), lambda F, a, out: -(1 + out * out),
          r"\cot{{\left({0}\right)}}", python="1.0 / {m}.tan({0})",
          numpy="1.0 / {m}.tan({0})", doc="Cotangent 1/tan(x); derivative −(1 + cot(x)²).")
_function("sech", lambda x: 1.0 / math.cosh(x), lambda F, a, out: -out * F.tanh(a),
          r"\operatorname{{sech}}{{\left({0}\right)}}", python="1.0 / {m}.cosh({0})",
          numpy="1.0 / {m}.cosh({0})", doc="Hyperbolic secant 1/cosh(x).")
_function("csch", lambda x: 1.0 / math.sinh(x), lambda F, a, out: -out * F.coth(a),
          r"\operatorname{{csch}}{{\left({0}\right)}}", python="1.0 / {m}.sinh({0})",
          numpy="1.0 / {m}.sinh({0})", doc="Hyperbolic cosecant 1/sinh(x).")
_function("coth", lambda x: 1.0 / math.tanh(x), lambda F, a, out: 1 - out * out,
          r"\coth{{\left({0}\right)}}", python="1.0 / {m}.tanh({0})",
          numpy="1.0 / {m}.tanh({0})", doc="Hyperbolic cotangent 1/tanh(x).")
_function("asinh", math.asinh, lambda F, a, out: 1 / F.sqrt(a * a + 1),
          r"\operatorname{{asinh}}{{\left({0}\right)}}", numpy="{m}.arcsinh({0})",
          aliases=("arcsinh",),
          exact={0: 0})
_function("acosh", math.acosh, lambda F, a, out: 1 / F.sqrt(a * a - 1),
          r"\operatorname{{acosh}}{{\left({0}\right)}}", numpy="{m}.arccosh({0})",
          aliases=("arccosh",),
          exact={1: 0}, doc="Inverse hyperbolic cosine; domain x ≥ 1.")
_function("atanh", math.atanh, lambda F, a, out: 1 / (1 - a * a),
          r"\operatorname{{atanh}}{{\left({0}\right)}}", numpy="{m}.arctanh({0})",
          aliases=("arctanh",),
          exact={0: 0}, doc="Inverse hyperbolic tangent; domain −1 < x < 1.")
_function("acot", _special.acot, lambda F, a, out: -1 / (1 + a * a),
          r"\operatorname{{acot}}{{\left({0}\right)}}", python="_acot({0})",
          numpy="{m}.arctan(1.0 / {0})", helper=_special.ACOT,
          doc="Inverse cotangent atan(1/x) (SymPy's branch: acot(0) = π/2, a jump at 0).")
_function("acoth", lambda x: math.atanh(1.0 / x), lambda F, a, out: 1 / (1 - a * a),
          r"\operatorname{{acoth}}{{\left({0}\right)}}", python="{m}.atanh(1.0 / {0})",
          numpy="{m}.arctanh(1.0 / {0})", doc="Inverse hyperbolic cotangent; domain |x| > 1.")
_function("acsc", lambda x: math.asin(1.0 / x),
          lambda F, a, out: -1 / (a * a * F.sqrt(1 - 1 / (a * a))),
          r"\operatorname{{acsc}}{{\left({0}\right)}}", python="{m}.asin(1.0 / {0})",
          numpy="{m}.arcsin(1.0 / {0})", doc="Inverse cosecant asin(1/x); domain |x| ≥ 1.")
_function("asec", lambda x: math.acos(1.0 / x),
          lambda F, a, out: 1 / (a * a * F.sqrt(1 - 1 / (a * a))),
          r"\operatorname{{asec}}{{\left({0}\right)}}", python="{m}.acos(1.0 / {0})",
          numpy="{m}.arccos(1.0 / {0})", doc="Inverse secant acos(1/x); domain |x| ≥ 1.")
_function("sinc", _special.sinc, lambda F, a, out: (F.cos(a) - out) / a,
          r"\operatorname{{sinc}}{{\left({0}\right)}}", python="_sinc({0})",
          numpy="{m}.sinc({0} / {m}.pi)", helper=_special.SINC, exact={0: 1},
          doc="sin(x)/x with sinc(0) = 1 (SymPy's unnormalised sinc; NumPy's np.sinc(x) is "
              "sinc(πx) here). The derivative (cos(x) − sinc(x))/x is undefined at 0.")
_function("exp2", math.exp2, lambda F, a, out: out * F.log(2), r"2^{{{0}}}",
          sympy=_CFUNCTIONS + "exp2", exact={0: 1}, doc="2**x; derivative 2**x·log(2).")
_function("expm1", math.expm1, lambda F, a, out: F.exp(a),
          r"\operatorname{{expm1}}{{\left({0}\right)}}", sympy=_CFUNCTIONS + "expm1",
          exact={0: 0}, doc="exp(x) − 1, accurate near 0.")
_function("log1p", math.log1p, lambda F, a, out: 1 / (1 + a),
          r"\operatorname{{log1p}}{{\left({0}\right)}}", sympy=_CFUNCTIONS + "log1p",
          exact={0: 0}, doc="log(1 + x), accurate near 0; domain x > −1.")
_function("log2", math.log2, lambda F, a, out: 1 / (a * F.log(2)),
          r"\log_{{2}}{{\left({0}\right)}}",
          sympy=_CFUNCTIONS + "log2", exact={1: 0}, doc="Base-2 logarithm.")
_function("log10", math.log10, lambda F, a, out: 1 / (a * F.log(10)),
          r"\log_{{10}}{{\left({0}\right)}}", sympy=_CFUNCTIONS + "log10", exact={1: 0},
          doc="Base-10 logarithm.")
_function("cbrt", _special.cbrt, lambda F, a, out: 1 / (3 * out * out), r"\sqrt[3]{{{0}}}",
          python="_cbrt({0})", numpy="{m}.cbrt({0})", helper=_special.CBRT, sympy="",
          exact={0: 0, 1: 1}, doc="Real cube root (cbrt(−8) = −2, unlike (−8)**(1/3), which "
                                  "is a DomainError). Derivative 1/(3·cbrt(x)²).")
_function("softplus", _special.softplus, lambda F, a, out: F.sigmoid(a),
          r"\operatorname{{softplus}}{{\left({0}\right)}}", python="_softplus({0})",
          numpy="{m}.logaddexp(0.0, {0})", helper=_special.SOFTPLUS, sympy="",
          doc="log(1 + exp(x)), without overflow for any finite x; derivative sigmoid(x).")
_function("erf", math.erf, lambda F, a, out: 2 * F.exp(-(a * a)) / F.sqrt(F.pi),
          r"\operatorname{{erf}}{{\left({0}\right)}}", numpy="_erf({0})",
          numpy_helper=_special.vectorized("_erf", "math.erf"), exact={0: 0},
          doc="Error function (math.erf); derivative 2·exp(−x²)/sqrt(π).")
_function("erfc", math.erfc, lambda F, a, out: -2 * F.exp(-(a * a)) / F.sqrt(F.pi),
          r"\operatorname{{erfc}}{{\left({0}\right)}}", numpy="_erfc({0})",
          numpy_helper=_special.vectorized("_erfc", "math.erfc"), exact={0: 1},
          doc="Complementary error function 1 − erf(x) (math.erfc).")
_function("gamma", math.gamma, lambda F, a, out: out * F.digamma(a),
          r"\Gamma\left({0}\right)", numpy="_gamma({0})",
          numpy_helper=_special.vectorized("_gamma", "_gamma1", needs=_special.NUMPY_SPECIAL
                                      + "\n\n\n" + _special.POLYGAMMA),
          exact={1: 1, 2: 1}, doc="The gamma function (math.gamma); derivative "
                                  "gamma(x)·digamma(x).")
_function("loggamma", math.lgamma, lambda F, a, out: F.digamma(a),
          r"\log\Gamma\left({0}\right)", python="{m}.lgamma({0})",
          aliases=("lgamma", "gammaln"), numpy="_lgamma({0})",
          numpy_helper=_special.vectorized("_lgamma", "_lgamma1", needs=_special.NUMPY_SPECIAL
                                      + "\n\n\n" + _special.POLYGAMMA),
          exact={1: 0, 2: 0}, doc="log|Γ(x)| (math.lgamma; SymPy's loggamma for x > 0); "
                                  "derivative digamma(x).")
_function("digamma", lambda x: _special.polygamma(0, x), lambda F, a, out: F.polygamma(1, a),
          r"\psi\left({0}\right)", python="_polygamma(0.0, {0})", aliases=("psi",),
          numpy="_polygamma_np(0.0, {0})", helper=_special.POLYGAMMA,
          numpy_helper=_special.vectorized("_polygamma_np", "_polygamma1", 2, _special.NUMPY_SPECIAL
                                      + "\n\n\n" + _special.POLYGAMMA),
          doc="ψ(x) = Γ'(x)/Γ(x); derivative polygamma(1, x). symdiff's own implementation "
              "(recurrence and asymptotic series, within 1e-12 of scipy.special) so that it "
              "compiles on every backend.")
_function("polygamma", _special.polygamma,
          (lambda F, n, a, out: _no_derivative("polygamma", "its order n"),
           lambda F, n, a, out: F.polygamma(n + 1, a)),
          r"\psi^{{\left({0}\right)}}\left({1}\right)", python="_polygamma({0}, {1})",
          numpy="_polygamma_np({0}, {1})", helper=_special.POLYGAMMA,
          numpy_helper=_special.vectorized("_polygamma_np", "_polygamma1", 2, _special.NUMPY_SPECIAL
                                      + "\n\n\n" + _special.POLYGAMMA),
          fold=lambda F, n, a: F.digamma(a) if _const_value(n) == 0 else None,
          doc="polygamma(n, x), the n-th derivative of digamma, for integers n ≥ 0. "
              "Not differentiable in n.")
_function("atan2", math.atan2, (lambda F, y, x, out: x / (x * x + y * y),
                                lambda F, y, x, out: -y / (x * x + y * y)),
          r"\operatorname{{atan_2}}{{\left({0}, {1}\right)}}", numpy="{m}.arctan2({0}, {1})",
          aliases=("arctan2",),
          doc="atan2(y, x), the angle of the point (x, y); partials x/(x²+y²), −y/(x²+y²).")
_function("hypot", math.hypot, (lambda F, a, b, out: a / out, lambda F, a, b, out: b / out),
          r"\operatorname{{hypot}}{{\left({0}, {1}\right)}}", sympy=_CFUNCTIONS + "hypot",
          doc="sqrt(x² + y²) without overflow; partials x/hypot, y/hypot.")
_function("logaddexp", _special.logaddexp, (lambda F, a, b, out: F.exp(a - out),
                                    lambda F, a, b, out: F.exp(b - out)),
          r"\operatorname{{logaddexp}}{{\left({0}, {1}\right)}}", python="_logaddexp({0}, {1})",
          helper=_special.LOGADDEXP, sympy="",
          doc="log(exp(x) + exp(y)) without overflow; partials exp(x − out), exp(y − out).")


_function("xlogy", _special.xlogy, (lambda F, a, b, out: F.log(b), lambda F, a, b, out: a / b),
          r"\operatorname{{xlogy}}{{\left({0}, {1}\right)}}", python="_xlogy({0}, {1})",
          numpy="{m}.where({0} == 0, 0.0, {0} * {m}.log({m}.where({0} == 0, 1.0, {1})))",
          helper=_special.XLOGY, sympy="",
          doc="x·log(y), and 0 where x = 0 (even at y = 0, as scipy.special.xlogy): the "
              "derivative of a**b in b is xlogy(a**b, a), 0 at a = 0 as in autograd and JAX.")


# --- kinks and jumps: derivative 0 at a jump, the branch taken elsewhere (as JAX) -----------

_function("floor", lambda x: float(math.floor(x)), lambda F, a, out: 0,
          r"\left\lfloor{{{0}}}\right\rfloor", python="float({m}.floor({0}))",
          doc="Largest integer ≤ x, as a float. Derivative 0 (also at the jumps, as JAX).")
_function("ceil", lambda x: float(math.ceil(x)), lambda F, a, out: 0,
          r"\left\lceil{{{0}}}\right\rceil", python="float({m}.ceil({0}))",
          sympy="ceiling", aliases=("ceiling",),
          doc="Smallest integer ≥ x, as a float. Derivative 0.")
_function("round", lambda x: float(round(x)), lambda F, a, out: 0,
          r"\operatorname{{round}}{{\left({0}\right)}}", python="float(round({0}))",
          sympy="", aliases=("rint",),
          doc="Nearest integer, halves to even (Python's and NumPy's rule), as a float. "
              "Derivative 0.")
_function("mod", operator.mod, (lambda F, a, b, out: 1, lambda F, a, b, out: -F.floor(a / b)),
          r"\operatorname{{mod}}{{\left({0}, {1}\right)}}", python="{0} % {1}",
          numpy="{m}.mod({0}, {1})", sympy="Mod", aliases=("Mod", "remainder"),
          doc="x mod y = x − y·floor(x/y) (Python's %: the sign of y). Partials 1 and "
              "−floor(x/y) (as JAX), 0-width jumps ignored.")
_function("max", max, (lambda F, a, b, out: F.gt(a, b) + 0.5 * F.eq(a, b),
                       lambda F, a, b, out: F.gt(b, a) + 0.5 * F.eq(a, b)),
          r"\max\left({0}, {1}\right)", python="max({0}, {1})", numpy="{m}.maximum({0}, {1})",
          sympy="Max", aliases=("Max", "maximum"), fold=lambda F, a, b: a if a is b else None,
          doc="The larger of x and y. Partials: 1 for the larger, ½ each at a tie (as JAX).")
_function("min", min, (lambda F, a, b, out: F.lt(a, b) + 0.5 * F.eq(a, b),
                       lambda F, a, b, out: F.lt(b, a) + 0.5 * F.eq(a, b)),
          r"\min\left({0}, {1}\right)", python="min({0}, {1})", numpy="{m}.minimum({0}, {1})",
          sympy="Min", aliases=("Min", "minimum"), fold=lambda F, a, b: a if a is b else None,
          doc="The smaller of x and y. Partials: 1 for the smaller, ½ each at a tie (as JAX).")


def _comparison(name: str, text: str, latex: str, test: Callable[[Any, Any], Any],
                sympy: str, precedence: int = PREC_CMP) -> Op:
    return register_op(Op(
        name, 2, "infix", lambda a, b: 1.0 * test(a, b),
        (lambda F, a, b, out: 0, lambda F, a, b, out: 0), text, "{0} " + latex + " {1}",
        precedence, (False, False), f"1.0 * ({{0}} {text} {{1}})", f"1.0 * ({{0}} {text} {{1}})",
        label=text, sympy=sympy,
        doc=f"1.0 where x {text} y, else 0.0. Derivative 0 in both arguments."))


LT = _comparison("lt", "<", "<", operator.lt, "StrictLessThan")
LE = _comparison("le", "<=", r"\leq", operator.le, "LessThan")
GT = _comparison("gt", ">", ">", operator.gt, "StrictGreaterThan")
GE = _comparison("ge", ">=", r"\geq", operator.ge, "GreaterThan")
EQ = _comparison("eq", "==", "=", operator.eq, "Eq")
NE = _comparison("ne", "!=", r"\neq", operator.ne, "Ne")
AND = register_op(Op(
    "logical_and", 2, "infix", lambda a, b: 1.0 * ((a != 0) & (b != 0)),
    (lambda F, a, b, out: 0, lambda F, a, b, out: 0), "&", r"{0} \wedge {1}", PREC_AND,
    (False, False), "1.0 * (({0} != 0) & ({1} != 0))", "1.0 * (({0} != 0) & ({1} != 0))",
    label="&", sympy="And", doc="1.0 where both x and y are non-zero (true), else 0.0."))
OR = register_op(Op(
    "logical_or", 2, "infix", lambda a, b: 1.0 * ((a != 0) | (b != 0)),
    (lambda F, a, b, out: 0, lambda F, a, b, out: 0), "|", r"{0} \vee {1}", PREC_OR,
    (False, False), "1.0 * (({0} != 0) | ({1} != 0))", "1.0 * (({0} != 0) | ({1} != 0))",
    label="|", sympy="Or", doc="1.0 where x or y is non-zero (true), else 0.0."))


def _truth_valued(node: Any) -> bool:
    """Whether ``node`` is 1.0 or 0.0 by construction: a comparison, ``&`` or ``|``."""
    return node.op.kind == "infix" and node.op.precedence < PREC_ADD


# Both branches are computed before the call, as the evaluator and numpy.where do.
_WHERE_HELPER = '''def _where(c, a, b):
    return a if c != 0 else b'''


def _fold_where(F: Any, c: Any, a: Any, b: Any) -> Any:
    value = _const_value(c)
    if value is not None:
        return a if value != 0 else b
    if a is b:
        return a
    if c.op is NE and _const_value(c.args[1]) == 0:
        return F.where(c.args[0], a, b)  # where(c != 0, a, b) is where(c, a, b)
    if _truth_valued(c) and _const_value(a) == 1 and _const_value(b) == 0:
        return c  # where(x < y, 1, 0) is x < y
    return None


_function("where", lambda c, a, b: a if c != 0 else b,
          (lambda F, c, a, b, out: 0, lambda F, c, a, b, out: F.where(c, 1, 0),
           lambda F, c, a, b, out: F.where(c, 0, 1)),
          r"\operatorname{{where}}\left({0}, {1}, {2}\right)",
          python="_where({0}, {1}, {2})", helper=_WHERE_HELPER,
          numpy="{m}.where({0} != 0, {1}, {2})",
          sympy="Piecewise", fold=_fold_where,
          doc="a where the condition is true (non-zero), else b: piecewise functions, e.g. "
              "where(x > 0, x, 0). The derivative is the derivative of the branch taken; "
              "the condition is not differentiated (a jump has derivative 0, as JAX). Both "
              "branches are evaluated, as numpy.where does, so each must be defined.")


# What the table holds at import; unregister_op refuses these.
BUILTIN.update(OPS)
