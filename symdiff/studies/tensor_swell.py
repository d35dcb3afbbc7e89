"""The tensor swell plot: node counts of tensor vs scalarized graphs (docs/tensors.md).

    python -m symdiff.studies.tensor_swell docs/images/tensor-swell.svg

The numbers come from :func:`symdiff.tensor.network_swell` and
:func:`symdiff.tensor.logistic_swell` (graphs actually built; sizes too large to scalarize are
not plotted, never extrapolated).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .._figures import save_figure
from ..tensor import SwellRow, logistic_swell, network_swell

__all__ = ["figure", "main"]


def figure(network: list[SwellRow], logistic: list[SwellRow]) -> Any:
    """Two panels: the seed's network against N·H, the logistic map against n."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 3.6), layout="constrained")
    left, right = fig.subplots(1, 2)
    hidden = sorted({r.sizes[0] for r in network})
    for H in hidden:
        rows = [r for r in network if r.sizes[0] == H and r.scalar_gradient is not None]
        left.plot([r.sizes[1] * H for r in rows], [r.scalar_gradient for r in rows], "o-",
                  label=f"scalarized ∇, H = {H}")
    flat = sorted((r.sizes[0] * r.sizes[1], r.tensor_gradient) for r in network)
    left.plot([x for x, _ in flat], [y for _, y in flat], "k--", label="tensor ∇ (every H, N)")
    left.set(xscale="log", yscale="log", xlabel="N·H (points × hidden units)",
             ylabel="distinct nodes", title="seed's network: loss gradient")
    left.legend(fontsize="small")
    rows = [r for r in logistic if r.scalar_gradient is not None]
    right.plot([r.sizes[0] for r in rows], [r.scalar_gradient for r in rows], "o-",
               label="scalarized ∇")
    right.plot([r.sizes[0] for r in logistic], [r.tensor_gradient for r in logistic], "k--",
               label="tensor ∇")
    right.set(xscale="log", yscale="log", xlabel="n (vector length)",
              title="logistic map, elementwise")
    right.legend(fontsize="small")
    return fig


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0] if args else "tensor-swell.svg")
    network = network_swell([1, 10, 100, 1000], [1, 10, 100, 10_000])
    logistic = logistic_swell([1, 10, 100, 1000, 10_000])
    save_figure(figure(network, logistic), path)
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
