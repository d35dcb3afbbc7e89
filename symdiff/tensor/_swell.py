"""Swell at tensor level: node counts of the tensor and the scalarized graphs, side by side.

For the seed's network over a data matrix (``H`` hidden units, ``N`` points, ``D = 3``) and for
Baydin's logistic map applied elementwise to a vector of ``n`` entries, the tensor loss and its
matrix-form gradient have a number of nodes that does not depend on the sizes, while the same
functions written out element by element (:func:`symdiff.scalarize`, then the scalar
``grad``) grow with ``N·H`` (or ``n``).

The tensor counts are always measured on the built graphs. A scalarized graph is built when it
has at most :data:`MAX_SCALARIZED` elements (``N·H`` or ``n``); beyond that its size is
*counted* without building it (:func:`counted_size`): each node of the scalarized graph belongs
to at most one point and one hidden unit, or is one of the sums over them (written as chains of
additions, one partial sum per term), so its size is a polynomial of degree one in each size.
The polynomial is solved exactly (integers) from the graphs built at the corners of
``{3, 4} × {3, 4}``, must reproduce graphs built at ``(5, 7)`` and ``(7, 5)`` and every graph
the same call builds at sizes of at least 3 (else :class:`~symdiff.SymdiffError`), and is used
only where every size is at least 3. Rows say which sizes were counted. A counted size is the
value of that polynomial, exact given the structure described above (which those checks
test); it is not a measured size scaled up.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._diff import grad as scalar_grad
from .._errors import SymdiffError
from .._expr import Symbol
from .._ops import FUNCTIONS
from .._traversal import flatten, toposort
from ._elementwise import elementwise
from ._grad import grad
from ._scalarize import element_symbols, scalarize
from ._structural import tsum
from ._texpr import Tensor

__all__ = ["node_count", "SwellRow", "network_swell", "logistic_swell", "swell_table",
           "MAX_SCALARIZED", "counted_size"]

#: Scalarize only when the element count (``N·H`` or ``n``) is at most this.
MAX_SCALARIZED = 20_000


@dataclass(frozen=True)
class SwellRow:
    """One size: the tensor function and gradient node counts, and the scalarized ones
    (``None`` when not computed). ``counted`` is True when the scalarized sizes were counted
    by :func:`counted_size` instead of measured on built graphs."""

    sizes: tuple[int, ...]
    tensor_function: int
    tensor_gradient: int
    scalar_function: int | None
    scalar_gradient: int | None
    counted: bool = False


def node_count(roots: Sequence[Any]) -> int:
    """Distinct nodes (tensor and scalar) of one expression or a nested sequence of them."""
    return len(toposort(list(flatten(list(roots)))))


# A problem: sizes -> (loss, parameters, labels); labels maps each element symbol of the
# scalarized loss to the (family, index) pairs it belongs to (family: a position in sizes).
_Labels = dict[Any, tuple[tuple[int, int], ...]]
_Problem = Callable[[tuple[int, ...]], tuple[Any, list[Any], _Labels]]


def _scalarized(loss: Any, params: list[Any]) -> tuple[Any, tuple[Any, ...]]:
    scalar = scalarize(loss)
    wrt = [s for p in params for s in (element_symbols(p).flat if isinstance(p, Tensor)
                                       else [p])]
    return scalar, tuple(scalar_grad(scalar, wrt))


def _rows(problem: _Problem, all_sizes: Iterable[tuple[int, ...]], limit: int
          ) -> list[SwellRow]:
    rows = []
    counters: dict[tuple[int | None, ...], Callable[[tuple[int, ...]], tuple[int, int]]] = {}
    for sizes in all_sizes:
        loss, params, _ = problem(sizes)
        gradient = grad(loss, params)
        tensor_f, tensor_g = node_count([loss]), node_count(list(gradient))
        elements = math.prod(sizes)
        if elements <= limit or max(sizes) < _CORNERS[0]:  # (tiny sizes: always built)
            scalar, scalar_g = _scalarized(loss, params)
            rows.append(SwellRow(sizes, tensor_f, tensor_g, node_count([scalar]),
                                 node_count(list(scalar_g))))
        else:
            fixed = _fixed(sizes)
            if fixed not in counters:
                counters[fixed] = _counter(problem, fixed)
            f, g = counters[fixed](sizes)
            rows.append(SwellRow(sizes, tensor_f, tensor_g, f, g, counted=True))
    for row in rows:  # every graph built here is one more check of the count
        count = counters.get(_fixed(row.sizes))
        if not row.counted and count is not None:
            if count(row.sizes) != (row.scalar_function, row.scalar_gradient):
                raise SymdiffError(f"counted_size: the count at {row.sizes} differs from the "
                                   "graph built there; the larger sizes cannot be counted so")
    return rows


_CORNERS = (3, 4)  # the sizes the multilinear count is solved from (per family)
_CHECKS = ((5, 7), (7, 5))  # sizes it must reproduce exactly before it is used


def _scalarized_sizes(problem: _Problem, sizes: tuple[int, ...]) -> tuple[int, int]:
    loss, params, _ = problem(sizes)
    scalar, gradient = _scalarized(loss, params)
    return node_count([scalar]), node_count(list(gradient))


def counted_size(problem: _Problem, sizes: tuple[int, ...]) -> tuple[int, int]:
    """The scalarized function's and gradient's distinct nodes at ``sizes``, counted without
    building them: the polynomial of degree one in each size of at least 3 through the graphs
    built at the corners ``{3, 4}`` (a size below 3 is kept as it is), checked to reproduce
    graphs built at other sizes (see the module docstring)."""
    return _counter(problem, _fixed(sizes))(sizes)


def _fixed(sizes: tuple[int, ...]) -> tuple[int | None, ...]:
    """Which sizes the polynomial keeps fixed (below the corners) and which it varies."""
    return tuple(s if s < _CORNERS[0] else None for s in sizes)


def _counter(problem: _Problem, fixed: tuple[int | None, ...]
             ) -> Callable[[tuple[int, ...]], tuple[int, int]]:
    low, high = _CORNERS
    choices = [_CORNERS if f is None else (f,) for f in fixed]
    corners = {c: _scalarized_sizes(problem, c) for c in itertools.product(*choices)}

    def polynomial(at: tuple[int, ...]) -> tuple[int, int]:
        total = [0, 0]
        for corner, counts in corners.items():
            weight = math.prod(1 if f is not None else (high - s) if c == low else (s - low)
                               for c, s, f in zip(corner, at, fixed, strict=True))
            total = [t + weight * n for t, n in zip(total, counts, strict=True)]
        return total[0], total[1]

    for check in _CHECKS:
        at = tuple(c if f is None else f for c, f in zip(check, fixed, strict=False))
        if polynomial(at) != _scalarized_sizes(problem, at):
            raise SymdiffError(f"counted_size: the sizes at {at} are not of degree one in "
                               f"each size from {_CORNERS}; the graph cannot be counted so")

    def count(sizes: tuple[int, ...]) -> tuple[int, int]:
        if _fixed(sizes) != fixed:
            raise SymdiffError(f"this counter keeps the sizes {fixed} fixed, not {sizes}")
        return polynomial(sizes)

    return count


def _network(inputs: int) -> _Problem:
    def problem(sizes: tuple[int, ...]) -> tuple[Any, list[Any], _Labels]:
        H, N = sizes
        W, b0, c = Tensor("W", (H, inputs)), Tensor("b0", (H,)), Tensor("c", (H,))
        X, t, b = Tensor("X", (N, inputs)), Tensor("t", (N,)), Symbol("b")
        loss = tsum((b + _sigmoid(X @ W.T + b0) @ c - t) ** 2)
        labels: _Labels = {}
        for tensor, family in ((W, 0), (b0, 0), (c, 0), (X, 1), (t, 1)):
            symbols = element_symbols(tensor)
            for index in np.ndindex(symbols.shape):
                labels[symbols[index]] = ((family, index[0]),)
        return loss, [W, b0, c, b], labels

    return problem


def network_swell(hidden: Iterable[int], points: Iterable[int], inputs: int = 3,
                  limit: int = MAX_SCALARIZED) -> list[SwellRow]:
    """The seed's network ``sum((b + σ(X Wᵀ + b0) c − t)²)`` over ``N`` points: one row per
    ``(H, N)``, gradient with respect to ``W, b0, c, b``; scalarized graphs built up to
    ``limit`` elements ``N·H``, counted beyond (:func:`counted_size`)."""
    points = list(points)
    return _rows(_network(inputs), [(H, N) for H in hidden for N in points], limit)


def _logistic(steps: int) -> _Problem:
    def problem(sizes: tuple[int, ...]) -> tuple[Any, list[Any], _Labels]:
        x = Tensor("x", sizes)
        value: Any = x
        for _ in range(steps - 1):
            value = 4 * value * (1 - value)
        labels: _Labels = {s: ((0, i),) for i, s in enumerate(element_symbols(x).flat)}
        return tsum(value), [x], labels

    return problem


def logistic_swell(lengths: Iterable[int], steps: int = 4, limit: int = MAX_SCALARIZED
                   ) -> list[SwellRow]:
    """Baydin's logistic map l₁ = x, lₖ₊₁ = 4lₖ(1 − lₖ) applied elementwise to a vector
    ``x`` of ``n`` entries, summed: one row per ``n``, gradient with respect to ``x``
    (scalarized built up to ``limit`` entries, counted beyond)."""
    return _rows(_logistic(steps), [(n,) for n in lengths], limit)


def _sigmoid(z: Any) -> Any:
    return elementwise(FUNCTIONS["sigmoid"], z)


def swell_table(rows: Sequence[SwellRow], size_names: Sequence[str]) -> str:
    """The rows as a Markdown table."""
    header = [*size_names, "tensor f", "tensor ∇", "scalarized f", "scalarized ∇", "scalarized"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---:|" * (len(header) - 1) + "---|"]
    for r in rows:
        cells = [*(f"{s:,}" for s in r.sizes), str(r.tensor_function), str(r.tensor_gradient),
                 "—" if r.scalar_function is None else f"{r.scalar_function:,}",
                 "—" if r.scalar_gradient is None else f"{r.scalar_gradient:,}",
                 "—" if r.scalar_function is None else "counted" if r.counted else "built"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
