"""The built-in workloads that the swell study, the benchmarks, the report and the tests share.

* W1 :func:`logistic_map` — lₙ with l₁ = x, lₖ₊₁ = 4lₖ(1 − lₖ) (Baydin et al., Table 1).
* W2 :func:`seed_sigmoid` — the seed's f(x; w, b) = 1/(exp(−(wx + b)) + 1).
* W3 :func:`network_loss` — squared error of y(x) = b + Σᵢ cᵢ·sigmoid(bᵢ + wᵢx) on fixed data.
* W4 :func:`nested_sin` and :func:`product_of_variables`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._errors import SymdiffError
from .._expr import FUNCTION_BUILDERS, Constant, Expr, Symbol, symbols

__all__ = ["Workload", "logistic_map", "seed_sigmoid", "network_loss", "nested_sin",
           "product_of_variables", "network_data"]

_sigmoid = FUNCTION_BUILDERS["sigmoid"]
_sin = FUNCTION_BUILDERS["sin"]
_exp = FUNCTION_BUILDERS["exp"]


@dataclass(frozen=True)
class Workload:
    """An expression, the variables to differentiate with respect to, and a point."""

    name: str
    expr: Expr
    wrt: tuple[Symbol, ...]
    at: dict[Symbol, float]


def _positive(n: int, what: str) -> int:
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise SymdiffError(f"{what} must be a positive integer, not {n!r}")
    return n


def logistic_map(n: int, x: Symbol | None = None) -> Expr:
    """lₙ of the logistic map: l₁ = x, lₖ₊₁ = 4lₖ(1 − lₖ). Its DAG has 3(n − 1) operations.

    >>> print(logistic_map(3))
    4*(4*x*(1 - x))*(1 - 4*x*(1 - x))
    """
    _positive(n, "n")
    term: Expr = Symbol("x") if x is None else x
    for _ in range(n - 1):
        term = 4 * term * (1 - term)
    return term


def seed_sigmoid() -> Workload:
    """The seed's worked example at x = 1, w = 0, b = 0 (f = 0.5, ∂f/∂w = ∂f/∂b = 0.25)."""
    x, w, b = symbols("x w b")
    f = 1 / (_exp(-(w * x + b)) + 1)
    return Workload("W2 seed sigmoid", f, (w, b), {x: 1.0, w: 0.0, b: 0.0})


def network_data(points: int = 20) -> tuple[list[float], list[float]]:
    """Fixed training data: ``points`` inputs evenly spaced in [−1, 1] and a piecewise-linear
    target (a ramp with two kinks, like the seed's red curve)."""
    _positive(points, "points")
    xs = [-1 + 2 * i / (points - 1) if points > 1 else 0.0 for i in range(points)]
    ys = [0.2 if x < -0.4 else (0.2 + 1.5 * (x + 0.4) if x < 0.3 else 1.25 - 0.5 * (x - 0.3))
          for x in xs]
    return xs, ys


def network_loss(hidden: int = 10, points: int = 20, expanded: bool = False) -> Workload:
    """Σⱼ (y(xⱼ) − tⱼ)² with y(x) = b + Σᵢ cᵢ·sigmoid(bᵢ + wᵢx): 3·hidden + 1 parameters.

    ``expanded=True`` writes each sigmoid as 1/(1 + exp(−z)), as tools without a sigmoid
    primitive must (useful when comparing node counts with them).
    """
    _positive(hidden, "hidden")
    xs, ys = network_data(points)
    c = symbols([f"c{i}" for i in range(hidden)])
    bias = symbols([f"b{i}" for i in range(hidden)])
    w = symbols([f"w{i}" for i in range(hidden)])
    b = Symbol("b")
    loss: Expr = Constant(0)
    for xj, tj in zip(xs, ys, strict=True):
        y: Expr = b
        for i in range(hidden):
            z = bias[i] + w[i] * xj
            y = y + c[i] * (1 / (1 + _exp(-z)) if expanded else _sigmoid(z))
        loss = loss + (y - tj) ** 2
    params = (b, *c, *bias, *w)
    at = {p: 0.1 * ((k * 7) % 11 - 5) for k, p in enumerate(params)}
    return Workload(f"W3 network loss ({len(params)} parameters)", loss, params, at)


def nested_sin(depth: int) -> Expr:
    """sin(sin(…sin(x)…)) with ``depth`` sines."""
    _positive(depth, "depth")
    term: Expr = Symbol("x")
    for _ in range(depth):
        term = _sin(term)
    return term


def product_of_variables(n: int) -> Workload:
    """x₀·x₁·…·xₙ₋₁, at xᵢ = 1 + i/n."""
    _positive(n, "n")
    xs = symbols([f"x{i}" for i in range(n)])
    term: Expr = xs[0]
    for v in xs[1:]:
        term = term * v
    return Workload(f"W4 product of {n} variables", term, xs,
                    {v: 1 + i / n for i, v in enumerate(xs)})
