"""Universal approximation (the seed's last chapter): fit y = b + Σᵢ cᵢ·sigmoid(bᵢ + wᵢx).

A piecewise-linear function is a constant plus a sum of "hard sigmoid" ramps, and each ramp is
approximated by a scaled sigmoid c·sigmoid(b + wx); so one hidden layer of sigmoids can fit it,
and with more units any continuous function on an interval. :func:`fit` does it by gradient
descent θ ← θ − η∇L(θ) (with momentum) on the mean squared error, where ∇L is symdiff's
symbolic gradient (:func:`symdiff.grad`, symbolic reverse mode), compiled once.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .._diff import grad
from .._errors import SymdiffError
from .._expr import FUNCTION_BUILDERS, Constant, Expr, Symbol
from .._figures import save_figure
from .._ops import FLOAT
from ..ad import Tape
from .workloads import network_data

__all__ = ["network", "mse_loss", "gradient_function", "fit", "Fit", "piecewise_linear_target",
           "sine_target", "save_figure"]

_sigmoid = FUNCTION_BUILDERS["sigmoid"]


def network(hidden: int, x: Symbol | None = None) -> tuple[Expr, tuple[Symbol, ...]]:
    """y(x) = b + Σᵢ cᵢ·sigmoid(bᵢ + wᵢx) and its parameters (b, c₀…, b₀…, w₀…).

    >>> y, params = network(2)
    >>> print(y)
    b + c0*sigmoid(b0 + w0*x) + c1*sigmoid(b1 + w1*x)
    """
    if not isinstance(hidden, int) or isinstance(hidden, bool) or hidden < 1:
        raise SymdiffError(f"hidden must be a positive integer, not {hidden!r}")
    x = Symbol("x") if x is None else x
    b = Symbol("b")
    c = [Symbol(f"c{i}") for i in range(hidden)]
    bias = [Symbol(f"b{i}") for i in range(hidden)]
    w = [Symbol(f"w{i}") for i in range(hidden)]
    y: Expr = b
    for i in range(hidden):
        y = y + c[i] * _sigmoid(bias[i] + w[i] * x)
    return y, (b, *c, *bias, *w)


def mse_loss(xs: Sequence[float], ys: Sequence[float], hidden: int
             ) -> tuple[Expr, tuple[Symbol, ...]]:
    """The mean squared error (1/N)·Σⱼ (y(xⱼ) − tⱼ)² of the network on the data, as one
    expression of the parameters (the data are constants), and the parameters."""
    if len(xs) != len(ys) or not xs:
        raise SymdiffError("xs and ys must be non-empty and of the same length")
    y, params = network(hidden)
    x = Symbol("x")
    total: Expr = Constant(0)
    for xj, tj in zip(xs, ys, strict=True):
        total = total + (y.subs({x: float(xj)}) - float(tj)) ** 2
    return total / float(len(xs)), params


def gradient_function(loss: Expr, params: Sequence[Symbol]
                      ) -> tuple[Callable[[Sequence[float]], tuple[float, list[float]]], str]:
    """θ ↦ (L(θ), ∇L(θ)) from symdiff's symbolic gradient, and the backend that runs it.

    ``symdiff.codegen.value_and_grad`` compiles it to Python when the code generator is
    present; otherwise the same program (loss and gradient, shared subexpressions computed
    once) runs on the :class:`symdiff.ad.Tape` interpreter.
    """
    params = tuple(params)
    try:
        from ..codegen._lambdify import value_and_grad  # one line decides the backend

        compiled = value_and_grad(loss, list(params))

        def run_compiled(theta: Sequence[float]) -> tuple[float, list[float]]:
            value, grads = compiled(*theta)
            return float(value), list(grads) if isinstance(grads, tuple) else [grads]

        return run_compiled, "symdiff.codegen.value_and_grad"
    except ImportError:
        pass
    tape = Tape([loss, *grad(loss, params)])
    order = [params.index(s) for s in tape.inputs]

    def run_interpreted(theta: Sequence[float]) -> tuple[float, list[float]]:
        out = tape.evaluate([theta[i] for i in order])
        return out[0], list(out[1:])

    return run_interpreted, "symdiff.grad on the tape interpreter"


@dataclass(frozen=True)
class Fit:
    """A fitted network: parameters by name, the loss (MSE) before every step and after the
    last, the data, and how the gradient was computed."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    hidden: int
    params: dict[str, float]
    history: tuple[float, ...]
    backend: str
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def mse(self) -> float:
        """The final mean squared error on the training points."""
        return self.history[-1]

    def units(self, x: float) -> list[float]:
        """Each hidden unit's contribution cᵢ·sigmoid(bᵢ + wᵢx) (the seed's blue ramps)."""
        p = self.params
        return [p[f"c{i}"] * FLOAT.sigmoid(p[f"b{i}"] + p[f"w{i}"] * x)
                for i in range(self.hidden)]

    def predict(self, x: float) -> float:
        """The network's output y(x)."""
        return self.params["b"] + sum(self.units(x))

    def plot(self, path: str, title: str | None = None) -> str:
        """Write a three-panel figure: the loss falling, the fit against the target, and the
        scaled sigmoids that add up to it. The format follows the file's extension."""
        from matplotlib.figure import Figure

        lo, hi = min(self.xs), max(self.xs)
        grid = [lo + (hi - lo) * k / 400 for k in range(401)]
        fig = Figure(figsize=(13, 3.8))
        ax_loss, ax_fit, ax_units = fig.subplots(1, 3)
        ax_loss.loglog(range(1, len(self.history) + 1), self.history, color="black")
        ax_loss.set_xlabel("gradient-descent step + 1")
        ax_loss.set_ylabel("mean squared error")
        ax_loss.set_title(f"loss: {self.history[0]:.2g} → {self.mse:.2g}")
        ax_loss.grid(True, alpha=0.3)
        ax_fit.plot(self.xs, self.ys, "o-", color="tab:red", markersize=4, linewidth=1,
                    label="target")
        ax_fit.plot(grid, [self.predict(x) for x in grid], color="black",
                    label=f"network, {self.hidden} units")
        ax_fit.set_title("fit")
        ax_fit.legend(fontsize=8)
        ax_fit.set_xlabel("x")
        units = [self.units(x) for x in grid]
        for i in range(self.hidden):
            ax_units.plot(grid, [u[i] for u in units], color="tab:blue", linewidth=1,
                          alpha=0.8, label=r"$c_i\,\sigma(b_i + w_i x)$" if i == 0 else None)
        ax_units.axhline(self.params["b"], color="tab:gray", linestyle="--", linewidth=1,
                         label="b")
        ax_units.plot(grid, [self.predict(x) for x in grid], color="black", linewidth=1.5,
                      label=r"$b + \sum_i c_i\,\sigma(b_i + w_i x)$")
        ax_units.set_title("the scaled sigmoids that add up to the fit")
        ax_units.legend(fontsize=8)
        ax_units.set_xlabel("x")
        if title:
            fig.suptitle(title)
        fig.tight_layout()
        save_figure(fig, path)
        return path


def _initial(xs: Sequence[float], ys: Sequence[float], hidden: int, seed: int) -> list[float]:
    """Units spread over the data: unit i centred at the i-th of ``hidden`` equal intervals,
    with a slope that makes its ramp about one interval wide; small random output weights."""
    rng = random.Random(seed)
    lo, hi = min(xs), max(xs)
    width = (hi - lo) / hidden if hi > lo else 1.0
    w = [2.0 / width * rng.uniform(0.8, 1.2) for _ in range(hidden)]
    centres = [lo + (i + 0.5) * width for i in range(hidden)]
    bias = [-wi * ci for wi, ci in zip(w, centres, strict=True)]
    c = [rng.uniform(-0.1, 0.1) for _ in range(hidden)]
    return [sum(ys) / len(ys), *c, *bias, *w]


def fit(xs: Sequence[float], ys: Sequence[float], hidden: int = 4, *, steps: int = 2000,
        learning_rate: float = 0.2, momentum: float = 0.95, seed: int = 0) -> Fit:
    """Fit the network to the points by gradient descent with momentum:
    v ← μv − η∇L(θ), θ ← θ + v, with ∇L from :func:`gradient_function`.

    >>> xs, ys = piecewise_linear_target(12)
    >>> result = fit(xs, ys, hidden=3, steps=300)
    >>> result.mse < result.history[0] / 10
    True
    """
    for name, number in (("steps", steps), ("seed", seed)):
        if not isinstance(number, int) or isinstance(number, bool) or number < 0:
            raise SymdiffError(f"{name} must be a non-negative integer, not {number!r}")
    if not (learning_rate > 0 and 0 <= momentum < 1):
        raise SymdiffError("need learning_rate > 0 and 0 ≤ momentum < 1")
    loss, params = mse_loss(xs, ys, hidden)
    value_and_grad, backend = gradient_function(loss, params)
    theta = _initial(xs, ys, hidden, seed)
    velocity = [0.0] * len(theta)
    history = []
    for step in range(steps + 1):
        try:
            value, g = value_and_grad(theta)
        except (ArithmeticError, ValueError):  # math's overflow, or symdiff's DomainError
            value = math.inf
        if not math.isfinite(value):
            raise SymdiffError(f"gradient descent diverged at step {step}: lower the "
                               "learning rate")
        history.append(value)
        if step == steps:
            break
        velocity = [momentum * v - learning_rate * gi for v, gi in zip(velocity, g, strict=True)]
        theta = [t + v for t, v in zip(theta, velocity, strict=True)]
    return Fit(tuple(map(float, xs)), tuple(map(float, ys)), hidden,
               {p.name: t for p, t in zip(params, theta, strict=True)}, tuple(history), backend,
               {"steps": steps, "learning_rate": learning_rate, "momentum": momentum,
                "seed": seed})


def piecewise_linear_target(points: int = 20) -> tuple[list[float], list[float]]:
    """The seed's red curve: a flat piece, a ramp up and a gentler ramp down on [−1, 1]
    (the data of the network-loss workload W3)."""
    return network_data(points)


def sine_target(points: int = 40, frequency: float = 1.0) -> tuple[list[float], list[float]]:
    """A smooth target: sin(2π·frequency·x)/2 + 1/2 at ``points`` points evenly spaced in
    [−1, 1] (two full periods for the default frequency)."""
    if not isinstance(points, int) or points < 2:
        raise SymdiffError(f"points must be an integer ≥ 2, not {points!r}")
    xs = [-1 + 2 * i / (points - 1) for i in range(points)]
    return xs, [0.5 + 0.5 * math.sin(2 * math.pi * frequency * x) for x in xs]
