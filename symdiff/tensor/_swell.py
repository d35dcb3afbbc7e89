"""Swell at tensor level: node counts of the tensor and the scalarized graphs, side by side.

For the seed's network over a data matrix (``H`` hidden units, ``N`` points, ``D = 3``) and for
Baydin's logistic map applied elementwise to a vector of ``n`` entries, the tensor loss and its
matrix-form gradient have a number of nodes that does not depend on the sizes, while the same
functions written out element by element (:func:`symdiff.scalarize`, then the scalar
``grad``) grow with ``N·H`` (or ``n``). Every count is measured on graphs actually built;
sizes too large to scalarize are left blank, never extrapolated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .._diff import grad as scalar_grad
from .._expr import Symbol
from .._ops import FUNCTIONS
from .._traversal import flatten, toposort
from ._grad import grad
from ._scalarize import element_symbols, scalarize
from ._texpr import Tensor, elementwise, tsum

__all__ = ["node_count", "SwellRow", "network_swell", "logistic_swell", "swell_table",
           "MAX_SCALARIZED"]

#: Scalarize only when the element count (``N·H`` or ``n``) is at most this.
MAX_SCALARIZED = 20_000


@dataclass(frozen=True)
class SwellRow:
    """One size: the tensor function and gradient node counts, and the scalarized ones
    (``None`` when too large to build)."""

    sizes: tuple[int, ...]
    tensor_function: int
    tensor_gradient: int
    scalar_function: int | None
    scalar_gradient: int | None


def node_count(roots: Sequence[Any]) -> int:
    """Distinct nodes (tensor and scalar) of one expression or a nested sequence of them."""
    return len(toposort(list(flatten(list(roots)))))


def _row(sizes: tuple[int, ...], loss: Any, params: list[Any], elements: int) -> SwellRow:
    gradient = grad(loss, params)
    tensor_f, tensor_g = node_count([loss]), node_count(list(gradient))
    if elements > MAX_SCALARIZED:
        return SwellRow(sizes, tensor_f, tensor_g, None, None)
    scalar = scalarize(loss)
    wrt = [s for p in params for s in (element_symbols(p).flat if isinstance(p, Tensor)
                                       else [p])]
    scalar_g = scalar_grad(scalar, wrt)
    return SwellRow(sizes, tensor_f, tensor_g, node_count([scalar]), node_count(list(scalar_g)))


def network_swell(hidden: Iterable[int], points: Iterable[int], inputs: int = 3
                  ) -> list[SwellRow]:
    """The seed's network ``sum((b + σ(X Wᵀ + b0) c − t)²)`` over ``N`` points: one row per
    ``(H, N)``, gradient with respect to ``W, b0, c, b``."""
    rows = []
    for H in hidden:
        for N in points:
            W, b0, c = Tensor("W", (H, inputs)), Tensor("b0", (H,)), Tensor("c", (H,))
            X, t, b = Tensor("X", (N, inputs)), Tensor("t", (N,)), Symbol("b")
            loss = tsum((b + _sigmoid(X @ W.T + b0) @ c - t) ** 2)
            rows.append(_row((H, N), loss, [W, b0, c, b], N * H))
    return rows


def logistic_swell(lengths: Iterable[int], steps: int = 4) -> list[SwellRow]:
    """Baydin's logistic map l₁ = x, lₖ₊₁ = 4lₖ(1 − lₖ) applied elementwise to a vector
    ``x`` of ``n`` entries, summed: one row per ``n``, gradient with respect to ``x``."""
    rows = []
    for n in lengths:
        x = Tensor("x", (n,))
        value: Any = x
        for _ in range(steps - 1):
            value = 4 * value * (1 - value)
        rows.append(_row((n,), tsum(value), [x], n))
    return rows


def _sigmoid(z: Any) -> Any:
    return elementwise(FUNCTIONS["sigmoid"], z)


def swell_table(rows: Sequence[SwellRow], size_names: Sequence[str]) -> str:
    """The rows as a Markdown table."""
    header = [*size_names, "tensor f", "tensor ∇", "scalarized f", "scalarized ∇"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---:|" * len(header)]
    for r in rows:
        cells = [*(f"{s:,}" for s in r.sizes), str(r.tensor_function), str(r.tensor_gradient),
                 "—" if r.scalar_function is None else f"{r.scalar_function:,}",
                 "—" if r.scalar_gradient is None else f"{r.scalar_gradient:,}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
