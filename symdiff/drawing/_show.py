"""Pictures on request: :func:`show` and ``Expr.graph()`` return a :class:`Picture`, an object
whose notebook display is the SVG drawing. Expressions themselves display as formulas (see
``Expr._repr_mimebundle_``); nothing is drawn unless asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._errors import SymdiffError
from .._expr import Expr, as_roots
from .._traversal import toposort
from ._dot import pipe, to_dot, write

if TYPE_CHECKING:
    import graphviz

__all__ = ["Picture", "show"]


class Picture:
    """A Graphviz drawing that shows itself. In a notebook its display is the SVG (with a
    one-line text fallback); ``.svg`` is the SVG text, ``.save(path)`` writes ``.svg``, ``.png``
    or ``.pdf``, ``.graph`` is the ``graphviz.Digraph``.

    >>> import symdiff
    >>> p = symdiff.show(symdiff.parse("x*x + x"))
    >>> p
    <Picture: dag view, 3 distinct nodes>
    >>> p.svg.count('class="node expr')
    3
    """

    def __init__(self, graph: graphviz.Digraph, description: str) -> None:
        self.graph = graph
        self.description = description
        self._svg: str | None = None

    @property
    def svg(self) -> str:
        """The drawing as SVG text (Graphviz runs once; raises
        :class:`~symdiff.GraphvizNotFoundError` when ``dot`` is missing)."""
        if self._svg is None:
            self._svg = pipe(self.graph, "svg").decode("utf-8")
        return self._svg

    def save(self, path: str | Path, *, dpi: float | None = None,
             size: float | tuple[float, float] | None = None) -> Path:
        """Write the drawing to ``path`` (format from the suffix; ``dpi`` and ``size`` as
        :func:`symdiff.render`'s); returns the path."""
        return write(self.graph, path, dpi=dpi, size=size)

    def __repr__(self) -> str:
        return f"<Picture: {self.description}>"

    def _repr_svg_(self) -> str | None:
        try:
            return self.svg
        except SymdiffError:
            return None

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        try:
            return {"image/svg+xml": self.svg, "text/plain": repr(self)}
        except SymdiffError as exc:  # no Graphviz: say why instead of failing the cell
            return {"text/plain": f"{self!r} (not drawn: {exc})"}


def show(exprs: Any, view: str = "dag", **options: Any) -> Picture:
    """The picture of one expression or several (see :func:`symdiff.to_dot` for ``view``,
    ``"dag"``, ``"tree"`` or ``"heat"``, and the options); a notebook displays it as SVG.
    ``e.graph(view, **options)`` is the same for one expression.

    >>> import symdiff
    >>> symdiff.show(symdiff.parse("x*x + x"), view="tree")
    <Picture: tree view, 3 distinct nodes>
    """
    graph = to_dot(exprs, view, **options)  # checks exprs, view and options
    return Picture(graph, f"{view} view, {len(toposort(as_roots(exprs)))} distinct nodes")


def _graph(self: Expr, view: str = "dag", **options: Any) -> Picture:
    """This expression's picture (see :func:`symdiff.show`); a notebook displays it as SVG.

    >>> import symdiff
    >>> symdiff.parse("sin(x)*x").graph()
    <Picture: dag view, 3 distinct nodes>
    """
    return show(self, view, **options)


# Expressions sit below the drawing layer and cannot import Graphviz code, so the method is
# attached here; symdiff/__init__ imports this package, so every Expr has it.
Expr.graph = _graph  # type: ignore[attr-defined]
