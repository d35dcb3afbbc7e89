"""Saving matplotlib figures the same way everywhere: format from the suffix, the folder made
if needed, and reproducible SVG/PDF files (no date, fixed element ids), so that regenerating a
committed figure gives the same bytes. matplotlib is imported only when a figure is saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._errors import SymdiffError

__all__ = ["save_figure", "FIGURE_SUFFIXES"]

FIGURE_SUFFIXES = (".svg", ".png", ".pdf")


def save_figure(fig: Any, path: str | Path, **savefig: Any) -> Path:
    """Write ``fig`` to ``path`` (.svg, .png or .pdf); extra keywords go to ``savefig``.

    >>> from matplotlib.figure import Figure
    >>> save_figure(Figure(), "plot.txt")
    Traceback (most recent call last):
    ...
    symdiff.SymdiffError: write the figure as .svg, .png or .pdf, not 'plot.txt'
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FIGURE_SUFFIXES:
        raise SymdiffError(f"write the figure as .svg, .png or .pdf, not {path.name!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    import matplotlib

    if suffix in (".svg", ".pdf"):
        with matplotlib.rc_context({"svg.hashsalt": "symdiff"}):
            fig.savefig(path, metadata={"Date": None}, **savefig)
    else:
        fig.savefig(path, **savefig)
    return path
