"""Pictures of expressions, derivatives and computation graphs, drawn by Graphviz.

* :func:`to_dot` builds a ``graphviz.Digraph`` of one expression or several: the shared DAG
  (``view="dag"``: one box per distinct node, nodes used more than once marked with a colour and
  a use count) or the tree that naive symbolic differentiation writes (``view="tree"``: every
  shared subexpression repeated; refused above a size limit, checked before expanding).
* :func:`render` writes such a picture to ``.svg``, ``.png`` or ``.pdf`` through the real
  Graphviz ``dot`` program; :func:`render_derivative` draws a function with its derivative
  (derivative nodes coloured apart, so reuse of the function's nodes is visible).
* The annotated computation graph (values, local derivatives, tangents or adjoints) is in
  :mod:`symdiff.render_computation`, which reuses this module's Graphviz plumbing.
* Pictures on request in notebooks (``symdiff.show``, ``Expr.graph``) are in
  :mod:`symdiff.drawing._show`; expressions display as formulas, never as pictures by default.

Edges point the way data flows (operand → operation), so with ``rankdir="BT"`` the inputs sit
at the bottom and the result on top; ``ordering="in"`` keeps operands left to right. Layout is
Graphviz's; this module only decides what is drawn. ``graphviz`` is imported lazily.
"""

from __future__ import annotations

import html
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .._diff import diff, grad
from .._errors import SymdiffError
from .._expr import Expr, Symbol, as_expr, as_roots
from .._expr import as_symbol as _as_symbol
from .._measure import tree_occurrences
from .._printing import to_text
from .._traversal import depths, flatten, toposort, tree_sizes, tree_total, use_counts
from .._util import exact_number
from ..tensor import TensorExpr

if TYPE_CHECKING:
    import graphviz

__all__ = [
    "to_dot", "render", "derivative_dot", "render_derivative", "pipe", "write",
    "RenderError", "TreeTooLargeError", "DagTooLargeError", "GraphvizNotFoundError", "VIEWS",
    "FORMATS", "DEFAULT_MAX_TREE_SIZE", "DEFAULT_MAX_DAG_SIZE", "check_dag_size", "layout_size",
    "DEFAULT_PNG_DPI", "HEAT_COLORS", "copies_text",
]

#: The views :func:`to_dot` draws.
VIEWS = ("dag", "tree", "heat")
#: The heat view's colours, from one copy to the most (ColorBrewer YlOrRd, 7 classes).
HEAT_COLORS = ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026")
#: File suffix → Graphviz output format.
FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf"}
#: Largest tree (in nodes) that ``view="tree"`` expands unless told otherwise.
DEFAULT_MAX_TREE_SIZE = 2000
#: Largest layout (:func:`layout_size`: distinct nodes plus the ranks long edges cross) the DAG
#: and heat views draw unless told otherwise. Graphviz's time grows faster than the layout:
#: an 8,001-node DAG took 31 s, 20,001 nodes more than two minutes.
DEFAULT_MAX_DAG_SIZE = 3000

FONT = "Helvetica"
# Fill and line colours by role (ColorBrewer tones, distinguishable in print and for most
# colour-blind readers).
NODE_STYLE = {
    "op": {"shape": "box", "style": "rounded,filled", "fillcolor": "#deebf7",
           "color": "#3182bd"},
    "symbol": {"shape": "ellipse", "style": "filled", "fillcolor": "#e5f5e0",
               "color": "#31a354"},
    "const": {"shape": "box", "style": "filled", "fillcolor": "#f0f0f0", "color": "#969696",
              "fontsize": "12"},
}
_DERIVATIVE_FILL, _DERIVATIVE_LINE = "#fdd0a2", "#d94801"
_SHARED = "#7b3294"
# Edges into derivative-only nodes: an orange edge leaving a blue node is the derivative
# reusing a node of the function.
_DERIVATIVE_EDGE = {"color": _DERIVATIVE_LINE}
FORWARD_COLOR, REVERSE_COLOR = "#2166ac", "#b2182b"

_INSTALL_HINT = ("Graphviz's `dot` program was not found on PATH. Install Graphviz: "
                 "`apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS), "
                 "or see https://graphviz.org/download/")


class RenderError(SymdiffError, ValueError):
    """A picture that cannot be drawn as asked (unknown view, mode or file format)."""


class TreeTooLargeError(RenderError):
    """The tree view of an expression has more nodes than the limit allows."""


class DagTooLargeError(RenderError):
    """The DAG (or heat) view of an expression has more distinct nodes than the limit."""


class GraphvizNotFoundError(SymdiffError, RuntimeError):
    """Graphviz (the ``dot`` program or the ``graphviz`` Python package) is not installed."""


for _error in (RenderError, TreeTooLargeError, DagTooLargeError, GraphvizNotFoundError):
    _error.__module__ = "symdiff"


# --- helpers ---------------------------------------------------------------------------------

def _roots(exprs: Any) -> tuple[Expr, ...]:
    if isinstance(exprs, str):
        raise RenderError("render an expression, not text: use symdiff.parse() first")
    items = [exprs] if isinstance(exprs, TensorExpr) else (
        flatten(exprs) if isinstance(exprs, (list, tuple)) else None)
    if items is not None and any(isinstance(e, TensorExpr) for e in items):
        # Tensor nodes draw like expressions (op, args); typed as Expr for the drawing code.
        roots = cast(tuple[Expr, ...], tuple(e if isinstance(e, TensorExpr) else as_expr(e)
                                             for e in items))
    else:
        roots = as_roots(exprs)
    if not roots:
        raise RenderError("nothing to draw: the sequence of expressions is empty")
    return roots


def as_symbol(var: Any) -> Symbol:
    return _as_symbol(var, RenderError, "draw the derivative with respect to")


def node_label(main: str, *lines: tuple[str, str], bold: bool = False) -> str:
    """An HTML-like Graphviz label: ``main``, then smaller coloured ``(text, colour)`` lines.
    Text is escaped, so any symbol name is safe."""
    text = html.escape(main)
    parts = [f"<B>{text}</B>" if bold else text]
    for line, colour in lines:
        parts.append(f'<FONT POINT-SIZE="10" COLOR="{colour}">{html.escape(line)}</FONT>')
    return "<" + "<BR/>".join(parts) + ">"


def _node_text(node: Expr) -> str:
    """What a node's box says: the symbol's name, the constant's value or the op's label."""
    if node.op.kind == "leaf":
        if node.op.name in ("symbol", "tensor"):  # a tensor variable draws like a symbol
            return node.name  # type: ignore[attr-defined, no-any-return]
        return to_text(node)
    return getattr(node.op, "label", "") or node.op.name  # tensor ops have no label


def _kind(node: Expr) -> str:
    if node.op.kind == "leaf":
        return "symbol" if node.op.name in ("symbol", "tensor") else "const"
    return "op"


def new_digraph(rankdir: str, title: str | None = None) -> graphviz.Digraph:
    try:
        import graphviz
    except ImportError:  # pragma: no cover - graphviz is a dependency
        raise GraphvizNotFoundError("the `graphviz` Python package is missing: "
                                    "pip install graphviz") from None
    if rankdir not in ("BT", "TB", "LR", "RL"):
        raise RenderError(f"rankdir must be one of BT, TB, LR, RL, not {rankdir!r}")
    graph = graphviz.Digraph(
        graph_attr={"rankdir": rankdir, "ordering": "in", "nodesep": "0.25", "ranksep": "0.35",
                    "fontname": FONT, "bgcolor": "white", "pad": "0.15"},
        node_attr={"fontname": FONT, "fontsize": "14", "height": "0.32", "width": "0.4",
                   "margin": "0.1,0.04", "penwidth": "1.2"},
        edge_attr={"fontname": FONT, "fontsize": "10", "arrowsize": "0.6", "color": "#636363"},
    )
    if title is not None:
        graph.attr(label=title, labelloc="t", fontsize="13")
    return graph


def _outputs(graph: graphviz.Digraph, ids: list[str], labels: list[str] | None) -> None:
    """A plain-text marker above each output naming it, with a dashed arrow from the output."""
    if labels is None:
        return
    for i, (node_id, label) in enumerate(zip(ids, labels, strict=True)):
        graph.node(f"out{i}", node_label(label, bold=True), shape="plaintext", height="0.2",
                   **{"class": "output"})
        graph.edge(node_id, f"out{i}", style="dashed", arrowhead="none")


def _output_labels(roots: tuple[Expr, ...], labels: Any) -> list[str] | None:
    if labels is None:
        return None if len(roots) == 1 else [f"output {i + 1}" for i in range(len(roots))]
    labels = [labels] if isinstance(labels, str) else [str(s) for s in labels]
    if len(labels) != len(roots):
        raise RenderError(f"{len(labels)} labels for {len(roots)} expressions")
    return labels


def _legend(view: str, derivative: bool) -> str:
    cells = [("operation", NODE_STYLE["op"]["fillcolor"]),
             ("symbol", NODE_STYLE["symbol"]["fillcolor"]),
             ("constant", NODE_STYLE["const"]["fillcolor"])]
    if derivative:
        cells[0] = ("function", cells[0][1])
        cells.append(("derivative only", _DERIVATIVE_FILL))
    row = "".join(f'<TD BGCOLOR="{fill}">{text}</TD>' for text, fill in cells)
    shared = "n uses: shared node" if view == "dag" else "copy of a shared node"
    row += f'<TD COLOR="{_SHARED}"><FONT COLOR="{_SHARED}">{shared}</FONT></TD>'
    return ('<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="4" CELLPADDING="3"><TR>'
            f"{row}</TR></TABLE>>")


# --- the heat view: where the tree form repeats a node --------------------------------------

def _log10(n: int) -> float:
    """log10 of a positive int of any size (math.log10 of a float would overflow past 1e308)."""
    bits = n.bit_length()
    if bits <= 1000:
        return math.log10(n)
    shift = bits - 60
    return math.log10(n >> shift) + shift * math.log10(2)


def copies_text(n: int) -> str:
    """A count of copies, exact up to a million, then as 1.2e45 (exact digits, any size).

    >>> copies_text(12), copies_text(1234567), copies_text(10**400)
    ('12', '1.2e6', '1.0e400')
    """
    if n < 10**6:
        return str(n)
    exponent = math.floor(_log10(n))
    # Two significant digits, exactly: integer division, no float of the (huge) count.
    if 10 ** exponent > n:
        exponent -= 1
    elif 10 ** (exponent + 1) <= n:
        exponent += 1
    digits = n // 10 ** (exponent - 1)
    return f"{digits // 10}.{digits % 10}e{exponent}"


def _heat_class(copies: int, top: float) -> int:
    """Which of the :data:`HEAT_COLORS` a node with ``copies`` copies gets, on a log scale
    whose top class ends at ``10**top`` (the most copies of any node)."""
    if top <= 0:
        return 0
    return min(len(HEAT_COLORS) - 1, int(_log10(copies) / top * len(HEAT_COLORS)))


def _power_text(log10_value: float) -> str:
    """10 ** log10_value, rounded for a legend: 1, 37, 5000, 1.2e45."""
    if log10_value < 6:
        return str(max(1, round(10**log10_value)))
    exponent = math.floor(log10_value)
    return f"{10 ** (log10_value - exponent):.1f}e{exponent}"


def _heat_legend(top: float) -> str:
    """The scale: one cell per colour class with the range of copies it stands for."""
    k = len(HEAT_COLORS)
    if top <= 0:
        classes = [(HEAT_COLORS[0], "1 copy each")]
    else:
        classes = [(fill, f"{_power_text(top * i / k)}–{_power_text(top * (i + 1) / k)}")
                   for i, fill in enumerate(HEAT_COLORS)]
    cells = "".join(
        f'<TD BGCOLOR="{fill}"><FONT COLOR="{"white" if i >= k - 2 else "black"}">'
        f"{html.escape(text)}</FONT></TD>" for i, (fill, text) in enumerate(classes))
    return ('<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="2" CELLPADDING="3"><TR>'
            f'<TD BORDER="0">copies of the node in the tree form:</TD>{cells}</TR></TABLE>>')


def _heat_attributes(node: Expr, copies: int, top: float) -> dict[str, str]:
    kind = _kind(node)
    attrs = dict(NODE_STYLE[kind])
    level = _heat_class(copies, top)
    attrs.update(fillcolor=HEAT_COLORS[level], color="#636363", style="filled" if kind !=
                 "op" else "rounded,filled")
    if level >= len(HEAT_COLORS) - 2:
        attrs["fontcolor"] = "white"
    attrs["class"] = f"expr {kind} heat{level}"
    colour = "white" if level >= len(HEAT_COLORS) - 2 else "#444444"
    attrs["label"] = node_label(_node_text(node), (f"×{copies_text(copies)}", colour))
    return attrs


# --- expression pictures ---------------------------------------------------------------------

def _attributes(node: Expr, uses: int, shared_mark: bool, derivative: bool) -> dict[str, str]:
    kind = _kind(node)
    attrs = dict(NODE_STYLE[kind])
    lines = []
    if shared_mark:
        attrs.update(color=_SHARED, penwidth="2.4")
        lines.append((f"{uses} uses", _SHARED))
    if derivative:
        attrs["fillcolor"] = _DERIVATIVE_FILL
        if not shared_mark:
            attrs["color"] = _DERIVATIVE_LINE
    classes = ["expr", kind] + (["shared"] if shared_mark else []) + (
        ["derivative"] if derivative else [])
    attrs["class"] = " ".join(classes)
    shape = getattr(node, "shape", None)  # tensor nodes show their shape
    if shape is not None:
        lines.append(("×".join(map(str, shape)) or "scalar", "#636363"))
    attrs["label"] = node_label(_node_text(node), *lines)
    return attrs


def _check_view(view: str) -> None:
    if view not in VIEWS:
        raise RenderError(f"unknown view {view!r}: choose one of {', '.join(VIEWS)} "
                          "(or use render_computation for the computation graph)")


def layout_size(order: list[Expr]) -> int:
    """What Graphviz lays out for a DAG: its distinct nodes plus, for every edge that spans
    more than one rank, a point per rank crossed (``dot`` routes long edges through such
    virtual nodes). Ranks are heights; a leaf sits just below its lowest user. Long edges, not
    boxes, are what make a layout slow: the logistic map's constants feed every level, so its
    150-node DAG at n = 50 lays out about 4,900 points (about 20 s in ``dot`` here), while a
    4,001-node chain lays out 4,001 (3 s)."""
    height = depths(order)
    low: dict[Expr, int] = {}
    for node in order:
        for arg in node.args:
            if not arg.args:
                low[arg] = min(low.get(arg, height[node]), height[node])
    rank = {node: height[node] if node.args else low.get(node, 1) - 1 for node in order}
    return len(order) + sum(rank[node] - rank[arg] - 1 for node in order for arg in node.args)


def _dag_limit(order: list[Expr], limit: int, view: str) -> None:
    size = layout_size(order)
    if size > limit:
        raise DagTooLargeError(
            f"the {view} view would lay out {size} nodes and edge points ({len(order)} "
            f"distinct nodes; long edges add {size - len(order)}), more than the limit of "
            f"{limit} (Graphviz's layout time grows faster than that: tens of seconds here, "
            "minutes past 10,000); pass max_dag_size (--max-dag-size) to draw it anyway")


def check_dag_size(expr: Expr, limit: int, view: str) -> None:
    """Raise :class:`DagTooLargeError` if drawing ``expr``'s DAG would lay out more than
    ``limit`` nodes and edge points (:func:`layout_size`)."""
    _check_limit("max_dag_size", limit)
    _dag_limit(toposort((expr,)), limit, view)


def _check_limit(name: str, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise RenderError(f"{name} must be an int ≥ 0, not {value!r}")


def _draw(roots: tuple[Expr, ...], view: str, labels: list[str] | None, max_tree_size: int,
          rankdir: str, derivative: frozenset[Expr] = frozenset(),
          title: str | None = None, max_dag_size: int = DEFAULT_MAX_DAG_SIZE
          ) -> graphviz.Digraph:
    _check_view(view)
    _check_limit("max_tree_size", max_tree_size)
    _check_limit("max_dag_size", max_dag_size)
    order = toposort(roots)
    if view == "tree":
        # Capped sizes for the test (small ints however swollen the tree); the exact count
        # only for the message, and written so that any number of digits prints.
        size = tree_sizes(order, cap=max_tree_size)
        if sum(size[r] for r in roots) > max_tree_size:
            total = exact_number(tree_total(order, roots))
            raise TreeTooLargeError(
                f"the tree view would draw {total} nodes (tree_size), more than the limit of "
                f"{max_tree_size}; draw the shared DAG instead (view='dag': {len(order)} "
                "distinct nodes) or raise max_tree_size")
    else:
        _dag_limit(order, max_dag_size, view)
    counts = use_counts(order, roots)
    if view == "heat":
        paths = tree_occurrences(order, roots)
        top = max(_log10(n) for n in paths.values())
        graph = new_digraph(rankdir, _heat_legend(top) if title is None else title)
        ids = {node: f"n{i}" for i, node in enumerate(order)}
        for node in order:
            graph.node(ids[node], **_heat_attributes(node, paths[node], top))
        for node in order:
            for arg in node.args:
                graph.edge(ids[arg], ids[node])
        _outputs(graph, [ids[r] for r in roots], labels)
        return graph
    graph = new_digraph(rankdir, title)
    root_ids = []
    if view == "dag":
        ids = {node: f"n{i}" for i, node in enumerate(order)}
        for node in order:
            graph.node(ids[node], **_attributes(node, counts[node], counts[node] > 1,
                                                node in derivative))
        for node in order:  # in-edges in argument order: ordering="in" keeps them left→right
            edge = _DERIVATIVE_EDGE if node in derivative else {}
            for arg in node.args:
                graph.edge(ids[arg], ids[node], **edge)
        root_ids = [ids[r] for r in roots]
    else:
        counter = 0
        for root in roots:
            # Explicit-stack pre-order; children pushed reversed so each parent's in-edges
            # are emitted in argument order.
            stack: list[tuple[Expr, str | None, dict[str, str]]] = [(root, None, {})]
            while stack:
                node, parent, edge = stack.pop()
                node_id = f"t{counter}"
                counter += 1
                shared = counts[node] > 1 and node.op.kind != "leaf"
                attrs = _attributes(node, counts[node], False, node in derivative)
                if shared:  # a repeated copy of a shared DAG node: same colour, no count
                    attrs.update(color=_SHARED, penwidth="2.4")
                graph.node(node_id, **attrs)
                if parent is None:
                    root_ids.append(node_id)
                else:
                    graph.edge(node_id, parent, **edge)
                edge = _DERIVATIVE_EDGE if node in derivative else {}
                stack.extend((arg, node_id, edge) for arg in reversed(node.args))
    _outputs(graph, root_ids, labels)
    return graph


def to_dot(exprs: Any, view: str = "dag", *, labels: Any = None,
           max_tree_size: int = DEFAULT_MAX_TREE_SIZE,
           max_dag_size: int = DEFAULT_MAX_DAG_SIZE, rankdir: str = "BT",
           title: str | None = None, legend: bool = False) -> graphviz.Digraph:
    """A ``graphviz.Digraph`` of one expression or a sequence of them (outputs labelled).

    ``view="dag"`` draws each distinct node once; nodes used more than once get a purple
    border and a use count (``3 uses``). ``view="tree"`` repeats every shared subexpression, as a
    tree-based differentiator would write it, and raises :class:`TreeTooLargeError` when the
    tree has more than ``max_tree_size`` nodes (checked before anything is expanded); the
    DAG and heat views raise :class:`DagTooLargeError` when what Graphviz would lay out
    (:func:`layout_size`: distinct nodes plus the ranks long edges cross) exceeds
    ``max_dag_size`` (default :data:`DEFAULT_MAX_DAG_SIZE`; Graphviz would take minutes).
    ``labels`` name the outputs (default: none for one expression, "output i" for several);
    ``legend=True`` explains the colours in the title; ``rankdir`` is Graphviz's (``"BT"``:
    inputs at the bottom).

    >>> from symdiff import parse
    >>> g = to_dot(parse("x*x + x"))
    >>> sum(1 for line in g.body if 'class="expr' in line)
    3
    >>> sum(1 for line in to_dot(parse("x*x + x"), view="tree").body if 'class="expr' in line)
    5
    """
    _check_view(view)
    roots = _roots(exprs)
    if legend and title is None:
        title = _legend(view, False)
    return _draw(roots, view, _output_labels(roots, labels), max_tree_size, rankdir,
                 title=title, max_dag_size=max_dag_size)


def output_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise RenderError(f"cannot tell the picture format from {str(path)!r}: use one of "
                          f"{', '.join(FORMATS)}")
    return FORMATS[suffix]


def pipe(graph: graphviz.Digraph, fmt: str) -> bytes:
    """Run Graphviz ``dot`` on ``graph``; the picture's bytes in format ``fmt``."""
    import graphviz

    try:
        return graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise GraphvizNotFoundError(_INSTALL_HINT) from None
    except graphviz.CalledProcessError as exc:
        stderr = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else ""
        raise RenderError(f"Graphviz dot failed: {stderr.strip() or exc}") from None


#: Resolution of PNG pictures unless ``dpi=`` says otherwise (Graphviz's own is 96).
DEFAULT_PNG_DPI = 144


def _sized(graph: graphviz.Digraph, fmt: str, dpi: float | None,
           size: float | tuple[float, float] | None) -> graphviz.Digraph:
    """``graph`` with the resolution and size asked for (a copy; the original is unchanged)."""
    if dpi is None and size is None and fmt != "png":
        return graph
    graph = graph.copy()
    if dpi is not None and fmt != "png":
        raise RenderError(f"dpi applies to PNG pictures; {fmt.upper()} is a vector format "
                          "(use size= to scale it)")
    if fmt == "png":
        dpi = DEFAULT_PNG_DPI if dpi is None else dpi
        if isinstance(dpi, bool) or not isinstance(dpi, (int, float)) or not 10 <= dpi <= 2400:
            raise RenderError(f"dpi must be a number from 10 to 2400, not {dpi!r}")
        graph.attr(dpi=f"{dpi:g}")
    if size is not None:
        box = (size, size) if isinstance(size, (int, float)) else (
            tuple(size) if isinstance(size, (tuple, list)) else ())
        if len(box) != 2 or not all(not isinstance(v, bool) and isinstance(v, (int, float))
                                    and 0 < v <= 1000 for v in box):
            raise RenderError(f"size is (width, height) in inches, each in (0, 1000], "
                              f"not {size!r}")
        width, height = box
        # "!" scales the drawing up or down until it fills the box (aspect ratio kept).
        graph.attr(size=f"{width:g},{height:g}!")
    return graph


def write(graph: graphviz.Digraph, path: str | Path, *, dpi: float | None = None,
          size: float | tuple[float, float] | None = None) -> Path:
    """Write ``graph`` to ``path`` in the format its suffix names (.svg, .png, .pdf), whole
    or not at all (a temporary file renamed into place). ``dpi`` is the resolution of a PNG
    (default :data:`DEFAULT_PNG_DPI`); ``size`` scales the drawing to fit ``(width, height)``
    inches (one number: a square)."""
    fmt = output_format(path)
    data = pipe(_sized(graph, fmt, dpi, size), fmt)
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def render(exprs: Any, path: str | Path, view: str = "dag", *, dpi: float | None = None,
           size: float | tuple[float, float] | None = None, **options: Any) -> Path:
    """Draw ``exprs`` (see :func:`to_dot` for ``view`` and ``options``) to ``path``; the format
    comes from the suffix (.svg, .png, .pdf). Returns the path written. ``dpi`` sets a PNG's
    resolution (default 144), ``size=(width, height)`` the drawing's size in inches.

    Raises :class:`GraphvizNotFoundError` (with installation instructions) when Graphviz's
    ``dot`` is not installed, :class:`RenderError` for an unknown suffix or view.

    >>> import tempfile, pathlib, symdiff
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "f.svg"
    >>> render(symdiff.parse("sin(x)*x"), out).read_text().count('class="node expr')
    3
    """
    output_format(path)  # a bad suffix fails before any work
    _check_view(view)
    return write(to_dot(exprs, view, **options), path, dpi=dpi, size=size)


def derivative_dot(f: Expr, x: Any, view: str = "dag", *,
                   max_tree_size: int = DEFAULT_MAX_TREE_SIZE,
                   max_dag_size: int = DEFAULT_MAX_DAG_SIZE, rankdir: str = "BT",
                   title: str | None = None) -> graphviz.Digraph:
    """``f`` and its derivative with respect to ``x`` in one picture. ``x`` is a symbol (or
    name), or a sequence of them for the gradient. Nodes that only the derivative uses are
    filled orange; the derivative's edges from the function's (blue) nodes show reuse.

    >>> from symdiff import parse
    >>> g = derivative_dot(parse("sin(x)"), "x")
    >>> sum(1 for line in g.body if 'derivative"' in line)   # cos(x) is new, x is reused
    1
    """
    f = as_expr(f)
    if isinstance(x, (str, Symbol)):
        var = as_symbol(x)
        derivatives: tuple[Expr, ...] = (diff(f, var),)
        names = [f"∂f/∂{var.name}"]
    else:
        if not isinstance(x, (list, tuple)):
            raise RenderError(f"differentiate with respect to a symbol, a name or a list of "
                              f"them, not {x!r}")
        variables = [as_symbol(v) for v in x]
        derivatives = grad(f, variables)
        names = [f"∂f/∂{v.name}" for v in variables]
    in_f = set(toposort((f,)))
    new = frozenset(n for n in toposort(derivatives) if n not in in_f)
    roots = (f, *derivatives)
    return _draw(roots, view, ["f", *names], max_tree_size, rankdir, new,
                 title if title is not None else _legend(view, True), max_dag_size)


def render_derivative(f: Expr, x: Any, path: str | Path, view: str = "dag", *,
                      dpi: float | None = None, size: float | tuple[float, float] | None = None,
                      **options: Any) -> Path:
    """Draw ``f`` with its derivative (see :func:`derivative_dot`) to ``path`` (.svg, .png,
    .pdf). Returns the path written.

    >>> import tempfile, pathlib, symdiff
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "df.svg"
    >>> render_derivative(symdiff.parse("exp(2*x)"), "x", out).exists()
    True
    """
    output_format(path)
    _check_view(view)
    return write(derivative_dot(f, x, view, **options), path, dpi=dpi, size=size)
