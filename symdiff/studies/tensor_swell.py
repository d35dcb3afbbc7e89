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
    """Two panels: the seed's network against N·H, the logistic map against n; in each the
    function (f, dashed) and the gradient (∇, solid), scalarized (one colour per H) and tensor
    (black). Built sizes are filled markers, counted ones open."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    fig = Figure(figsize=(9, 4), layout="constrained")
    left, right = fig.subplots(1, 2)
    colours = []
    for H in sorted({r.sizes[0] for r in network}):
        rows = [r for r in network if r.sizes[0] == H and r.scalar_gradient is not None]
        colours.append((_scalarized(left, [(r.sizes[1] * H, r) for r in rows], None),
                        f"H = {H:,}"))
    flat = sorted(((r.sizes[0] * r.sizes[1], r) for r in network), key=lambda p: p[0])
    _tensor(left, flat)
    left.set(xscale="log", yscale="log", xlabel="N·H (points × hidden units)",
             ylabel="distinct nodes", title="network loss")
    left.legend([Line2D([], [], color=c) for c, _ in colours], [h for _, h in colours],
                fontsize="small", loc="upper left", title="scalarized", title_fontsize="small")
    rows = [r for r in logistic if r.scalar_gradient is not None]
    _scalarized(right, [(r.sizes[0], r) for r in rows], "C0")
    _tensor(right, [(r.sizes[0], r) for r in logistic])
    right.set(xscale="log", yscale="log", xlabel="n (vector length)",
              title="logistic map, elementwise")
    right.legend([Line2D([], [], ls="-", color="grey"), Line2D([], [], ls="--", color="grey"),
                  Line2D([], [], color="C0"), Line2D([], [], color="k"),
                  Line2D([], [], ls="", marker="o", color="grey"),
                  Line2D([], [], ls="", marker="o", mfc="none", color="grey")],
                 ["∇ (gradient)", "f (function)", "scalarized", "tensor (every size)",
                  "built", "counted, not built"], fontsize="small", loc="upper left")
    return fig


def _scalarized(ax: Any, points: list[tuple[int, SwellRow]], colour: str | None) -> str:
    """The scalarized gradient (solid) and function (dashed) in one colour, with markers."""
    xs = [x for x, _ in points]
    line, = ax.plot(xs, [r.scalar_gradient for _, r in points], "-", color=colour)
    colour = line.get_color()
    ax.plot(xs, [r.scalar_function for _, r in points], "--", color=colour)
    for counted in (False, True):
        chosen = [(x, r) for x, r in points if r.counted == counted]
        for value in ("scalar_gradient", "scalar_function"):
            if chosen:
                ax.plot([x for x, _ in chosen], [getattr(r, value) for _, r in chosen], "o",
                        color=colour, mfc="none" if counted else colour, ms=4)
    return colour


def _tensor(ax: Any, points: list[tuple[int, SwellRow]]) -> None:
    xs = [x for x, _ in points]
    ax.plot(xs, [r.tensor_gradient for _, r in points], "k-")
    ax.plot(xs, [r.tensor_function for _, r in points], "k--")
    sizes = sorted({(r.tensor_function, r.tensor_gradient) for _, r in points})
    if len(sizes) == 1:  # the same at every size: say how many
        ax.annotate(f"tensor: f {sizes[0][0]}, ∇ {sizes[0][1]} nodes", (xs[-1], sizes[0][1]),
                    xytext=(0, 4), textcoords="offset points", ha="right", fontsize="small")


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
