"""Draw the pictures of docs/rendering.md (committed as SVG under docs/images/render/).

    python examples/render_gallery.py               # writes docs/images/render/*.svg
    python examples/render_gallery.py /tmp/out png  # elsewhere, or as PNG/PDF

Needs Graphviz's `dot` (apt-get install graphviz / brew install graphviz).
"""

from __future__ import annotations

import sys
from pathlib import Path

import symdiff
from symdiff import workloads

DOCS_IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images" / "render"


def make_gallery(out_dir: Path | str = DOCS_IMAGES, fmt: str = "svg") -> list[Path]:
    """Write every picture of docs/rendering.md to ``out_dir``; returns the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []

    # The logistic map l4 (W1) as a tree (43 nodes) and as a shared DAG (12 nodes).
    l4 = workloads.logistic_map(4)
    written.append(symdiff.render(l4, out / f"l4_tree.{fmt}", view="tree", legend=True))
    written.append(symdiff.render(l4, out / f"l4_dag.{fmt}", view="dag", legend=True))

    # l4 with its derivative dl4/dx: orange nodes are new, blue ones are reused from l4.
    x = symdiff.Symbol("x")
    written.append(symdiff.render_derivative(l4, x, out / f"l4_derivative.{fmt}"))

    # The seed's f(x; w, b) = 1/(exp(-(w*x + b)) + 1) with its whole gradient (∂f/∂w, ∂f/∂b).
    seed = workloads.seed_sigmoid()
    w, b = symdiff.symbols("w b")
    written.append(symdiff.render_derivative(seed.expr, [w, b], out / f"seed_gradient.{fmt}"))

    # The seed's computation graph h1…h6 at x = 1, w = 0, b = 0, in both modes.
    at = {x: 1, w: 0, b: 0}
    for mode in ("forward", "reverse"):
        path = out / f"seed_{mode}.{fmt}"
        numbers = symdiff.render_computation(seed.expr, at=at, wrt=w, mode=mode, path=path)
        print(numbers.table(), end="\n\n")
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DOCS_IMAGES
    for path in make_gallery(target, sys.argv[2] if len(sys.argv) > 2 else "svg"):
        print("wrote", path)
