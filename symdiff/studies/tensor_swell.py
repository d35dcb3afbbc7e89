"""Swell at tensor level: the tables and the plot (docs/tensors.md, the swell study, the report).

    python -m symdiff.studies.tensor_swell docs/images/tensor-swell.svg

regenerates the committed figure and prints the tables of docs/tensors.md. The numbers come
from :func:`symdiff.tensor.network_swell` and :func:`symdiff.tensor.logistic_swell`: tensor
graphs always built; scalarized graphs built up to ``limit`` elements and *counted* beyond
(exact, see :mod:`symdiff.tensor._swell`; the rows and the plot say which), never extrapolated.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .._figures import save_figure
from ..tensor import MAX_SCALARIZED, SwellRow, logistic_swell, network_swell, swell_table

__all__ = ["HIDDEN", "POINTS", "LENGTHS", "study", "format_study", "figure", "main"]

#: The sizes of the study: hidden units H, data points N, vector lengths n.
HIDDEN = (1, 10, 100, 1000)
POINTS = (1, 10, 100, 1000, 10_000)
LENGTHS = (1, 10, 100, 1000, 10_000)


def study(limit: int = MAX_SCALARIZED) -> tuple[list[SwellRow], list[SwellRow]]:
    """The seed's network over ``HIDDEN × POINTS`` and the logistic map over ``LENGTHS``;
    scalarized graphs built up to ``limit`` elements, counted beyond."""
    return network_swell(HIDDEN, POINTS, limit=limit), logistic_swell(LENGTHS, limit=limit)


def format_study(network: list[SwellRow], logistic: list[SwellRow]) -> str:
    """Both tables as Markdown, with what the columns mean."""
    return ("Distinct nodes of the function (f) and of its gradient (∇, including the forward "
            "nodes it shares), as tensor expressions and scalarized (written out element by "
            "element, then the scalar grad); 'counted': the scalarized size counted exactly "
            "without building the graph.\n\n"
            "The network loss sum((b + sigmoid(X W.T + b0) c - t)**2), D = 3, gradient "
            "with respect to W, b0, c, b:\n\n" + swell_table(network, ["H", "N"])
            + "\n\nBaydin's logistic map (4 terms) applied elementwise to a vector of n "
            "entries and summed, gradient with respect to x:\n\n"
            + swell_table(logistic, ["n"]))


def figure(network: list[SwellRow], logistic: list[SwellRow]) -> Any:
    """Two panels: the seed's network against N·H, the logistic map against n. Built sizes
    are filled markers, counted ones open."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 3.6), layout="constrained")
    left, right = fig.subplots(1, 2)
    hidden = sorted({r.sizes[0] for r in network})
    for H in hidden:
        rows = [r for r in network if r.sizes[0] == H and r.scalar_gradient is not None]
        line, = left.plot([r.sizes[1] * H for r in rows], [r.scalar_gradient for r in rows],
                          "-", label=f"scalarized ∇, H = {H}")
        _markers(left, [(r.sizes[1] * H, r) for r in rows], line.get_color())
    flat = sorted((r.sizes[0] * r.sizes[1], r.tensor_gradient) for r in network)
    left.plot([x for x, _ in flat], [y for _, y in flat], "k--", label="tensor ∇ (every H, N)")
    left.set(xscale="log", yscale="log", xlabel="N·H (points × hidden units)",
             ylabel="distinct nodes", title="network loss: gradient")
    left.plot([], [], "o", color="grey", mfc="none", label="open: counted, not built")
    left.legend(fontsize="small")
    rows = [r for r in logistic if r.scalar_gradient is not None]
    line, = right.plot([r.sizes[0] for r in rows], [r.scalar_gradient for r in rows], "-",
                       label="scalarized ∇")
    _markers(right, [(r.sizes[0], r) for r in rows], line.get_color())
    right.plot([r.sizes[0] for r in logistic], [r.tensor_gradient for r in logistic], "k--",
               label="tensor ∇")
    right.set(xscale="log", yscale="log", xlabel="n (vector length)",
              title="logistic map, elementwise")
    right.legend(fontsize="small")
    return fig


def _markers(ax: Any, points: list[tuple[int, SwellRow]], color: str) -> None:
    for counted in (False, True):
        chosen = [(x, r.scalar_gradient) for x, r in points if r.counted == counted]
        if chosen:
            ax.plot([x for x, _ in chosen], [y for _, y in chosen], "o", color=color,
                    mfc="none" if counted else color)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0] if args else "tensor-swell.svg")
    network, logistic = study()
    save_figure(figure(network, logistic), path)
    print(format_study(network, logistic))
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
