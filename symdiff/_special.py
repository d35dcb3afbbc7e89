"""Source of the helper functions that some ops of the table compile into generated code.

Evaluation runs this very source (compiled once here), so the evaluator and the math and
numba backends compute the same numbers, bit for bit. NumPy lacks erf, gamma and polygamma:
its helpers apply the scalar versions element by element, with nan (not an exception) at the
poles, as NumPy's own functions do. digamma and polygamma are symdiff's own (a recurrence and
the asymptotic series), within about 1e-12 of ``scipy.special`` (``tests/test_functions.py``),
so that they compile on every backend; ``math`` serves erf, erfc, gamma and lgamma.

This module imports nothing from symdiff.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

__all__ = ["CBRT", "SINC", "ACOT", "SOFTPLUS", "LOGADDEXP", "POLYGAMMA", "XLOGY", "NUMPY_SPECIAL",
           "SIGMOID", "SIGMOID_NUMPY", "RELU", "STEP", "SIGN",
           "compiled", "vectorized", "cbrt", "sinc", "acot", "softplus", "logaddexp",
           "polygamma", "xlogy", "sigmoid", "relu", "step", "sign"]


def compiled(source: str) -> Callable[..., float]:
    """The function that a helper's source defines."""
    namespace: dict[str, Any] = {"math": math}
    exec(source, namespace)  # a constant of this module, never user input
    name = source.split("(", 1)[0].removeprefix("def ").strip()
    return namespace[name]  # type: ignore[no-any-return]


# Two branches so that neither exp() overflows: stable for any finite x.
SIGMOID = '''def _sigmoid(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)'''
SIGMOID_NUMPY = '''def _sigmoid(x):
    z = numpy.exp(-numpy.abs(x))
    return numpy.where(numpy.asarray(x) >= 0, 1.0 / (1.0 + z), z / (1.0 + z))'''
RELU = '''def _relu(x):
    return x if x > 0 else 0.0'''
STEP = '''def _step(x):
    return 1.0 if x > 0 else 0.0'''
SIGN = '''def _sign(x):
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)'''
CBRT = '''def _cbrt(x):
    # Real cube root: the float power, then one Newton step (numba has no math.cbrt).
    y = math.copysign(abs(x) ** (1.0 / 3.0), x)
    if 0.0 < abs(y) < math.inf:
        y = y - (y - x / (y * y)) / 3.0
    return y'''
SINC = '''def _sinc(x):
    return math.sin(x) / x if x != 0 else 1.0'''
ACOT = '''def _acot(x):
    return math.atan(1.0 / x) if x != 0 else math.pi / 2'''
SOFTPLUS = '''def _softplus(x):
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))'''
LOGADDEXP = '''def _logaddexp(x, y):
    m = max(x, y)
    return m + math.log1p(math.exp(-abs(x - y)))'''
XLOGY = '''def _xlogy(x, y):
    return 0.0 if x == 0 else x * math.log(y)'''
POLYGAMMA = '''def _polygamma(n, x):
    # The recurrence up to x >= 20, then the asymptotic series (Bernoulli numbers B2 ... B20).
    k = int(n)
    if k != n or k < 0 or (x <= 0 and x == math.floor(x)):
        # Outside the domain (n not a natural number, or a pole): sqrt(-1) is math's
        # ValueError in Python and nan in numba, as for every other function.
        return math.sqrt(-1.0)
    total = 0.0
    if x < 0 and k == 0:
        total = -math.pi / math.tan(math.pi * x)  # reflection: psi(x) = psi(1 - x) - pi cot(pi x)
        x = 1.0 - x
    sign = -1.0 if k % 2 == 0 else 1.0
    fact = math.gamma(k + 1.0)
    while x < 20.0:
        total = total + sign * fact / x ** (k + 1)
        x = x + 1.0
    if k == 0:
        t = 1.0 / (x * x)
        series = t * (1.0 / 12 - t * (1.0 / 120 - t * (1.0 / 252 - t * (1.0 / 240 - t * (
            1.0 / 132 - t * (691.0 / 32760 - t * (1.0 / 12 - t * (3617.0 / 8160 - t * (
                43867.0 / 14364 - t * 174611.0 / 6600)))))))))
        return total + math.log(x) - 0.5 / x - series
    # sum over j of B(2j) (2j + k - 1)! / ((2j)! x**(2j + k)), j = 1 ... 10
    series = math.gamma(k) / x ** k + fact / (2.0 * x ** (k + 1))
    series = series + _polygamma_terms(k, x)
    return total + sign * series


def _polygamma_terms(k, x):
    # B2 ... B20, each with its term (2j + k - 1)! / ((2j)! x**(2j + k)).
    return (1.0 / 6 * _pg_term(k, x, 2) - 1.0 / 30 * _pg_term(k, x, 4)
            + 1.0 / 42 * _pg_term(k, x, 6) - 1.0 / 30 * _pg_term(k, x, 8)
            + 5.0 / 66 * _pg_term(k, x, 10) - 691.0 / 2730 * _pg_term(k, x, 12)
            + 7.0 / 6 * _pg_term(k, x, 14) - 3617.0 / 510 * _pg_term(k, x, 16)
            + 43867.0 / 798 * _pg_term(k, x, 18) - 174611.0 / 330 * _pg_term(k, x, 20))


def _pg_term(k, x, m):
    return math.gamma(m + k) / (math.gamma(m + 1.0) * x ** (m + k))'''
NUMPY_SPECIAL = '''def _nan_at_poles(x):
    return x <= 0 and x == math.floor(x)


def _gamma1(x):
    return math.nan if _nan_at_poles(x) else (math.inf if x > 171.7 else math.gamma(x))


def _lgamma1(x):
    return math.inf if _nan_at_poles(x) else math.lgamma(x)


def _polygamma1(n, x):
    if n != int(n) or n < 0 or _nan_at_poles(x):
        return math.nan
    return _polygamma(n, x)'''


def vectorized(name: str, scalar: str, arity: int = 1, needs: str = "") -> str:
    """A NumPy helper ``name`` applying the scalar function ``scalar`` element-wise
    (after the helper source ``needs``, if any)."""
    params = ", ".join(("x", "y", "z")[:arity])
    wrapper = (f"def {name}({params}):\n    elementwise = numpy.frompyfunc({scalar}, {arity}, 1)\n"
               f"    return numpy.asarray(elementwise({params}), numpy.float64)")
    return "\n\n\n".join(p for p in (needs, wrapper) if p)


cbrt, sinc, acot, softplus, logaddexp, polygamma, xlogy = map(compiled, (
    CBRT, SINC, ACOT, SOFTPLUS, LOGADDEXP, POLYGAMMA, XLOGY))
sigmoid, relu, step, sign = map(compiled, (SIGMOID, RELU, STEP, SIGN))
