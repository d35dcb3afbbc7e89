"""Printing tensor expressions: NumPy-like text, matrix-notation LaTeX, and NumPy source.

One iterative printer serves three styles. Each node becomes a list of parts (strings and
references to argument nodes), expanded without recursion by the scalar printer's own loop
(:func:`symdiff._printing.emit_parts`), so printing is linear in the output and never hits the
recursion limit. Elementwise nodes (tensor or scalar) print from the scalar
op table's own forms (``op.text``, ``op.latex``, ``op.numpy``); shape-changing ops from the
tables here (``W.T``, ``outer(u, v)``, ``W^{T}``, ``\\odot``, ``numpy.outer(u, v)``). An
expression whose tree form is large prints in a shared form (``$1 = …``), as scalars do.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from .._ops import PREC_ATOM, PREC_MUL, PREC_NEG, PREC_POW
from .._printing import INLINE_TREE_LIMIT, emit_parts, number_text, symbol_text, to_latex
from .._traversal import toposort, tree_sizes, use_counts
from ._shapes import index_text
from ._tops import TensorOp

__all__ = ["tensor_text", "tensor_latex", "render_parts", "index_code", "PREC_POSTFIX",
           "SCATTER_HELPER"]

#: ``a.T`` and ``a[1:]`` bind tighter than any operator.
PREC_POSTFIX = 90
_FORMATTER = string.Formatter()

#: The NumPy helper that generated code calls for indexing's adjoint.
SCATTER_HELPER = '''def _scatter(g, index, shape):
    out = numpy.zeros(shape, dtype=numpy.result_type(g, 0.0))
    out[index] = g
    return out'''


def _shape(node: Any) -> tuple[int, ...]:
    return getattr(node, "shape", ())


def _precedence(node: Any, style: str) -> int:
    op = node.op
    if op.__class__ is TensorOp:
        name = op.name
        if name == "matmul":
            return PREC_MUL
        if name == "getitem" or (name == "transpose" and _is_plain_t(node)):
            return PREC_POSTFIX
        if style == "latex" and name in ("inv", "transpose"):
            return PREC_POSTFIX
        if style == "latex" and name == "outer":
            return PREC_MUL
        return PREC_ATOM
    if op.kind == "leaf":
        if op.name == "const" and (node.value < 0 or str(node.value).startswith("-")):
            return PREC_NEG
        return PREC_ATOM
    return op.precedence  # type: ignore[no-any-return]


def _is_plain_t(node: Any) -> bool:
    return len(node.shape) == 2 and node.params[0] == (1, 0)


def _infix_wraps(p: int, lp: int, rp: int) -> tuple[bool, bool]:
    # As the scalar printer: equal precedence on the right needs parentheses (left-assoc).
    left = lp < p or (lp == p and p == PREC_POW)
    right = rp < p or (rp == p and p != PREC_POW) or rp == PREC_NEG
    return left, right


def _template(template: str, pieces: list[list[Any]]) -> list[Any]:
    parts: list[Any] = []
    for literal, field, _spec, _conv in _FORMATTER.parse(template):
        if literal:
            parts.append(literal)
        if field is not None:
            parts.extend(pieces[int(field)])
    return parts


def _shape_text(shape: tuple[int, ...]) -> str:
    return f"({shape[0]},)" if len(shape) == 1 else str(shape)


def index_code(index: tuple[Any, ...]) -> str:
    """A normalized index as Python source (slices written out)."""
    items = []
    for i in index:
        if isinstance(i, tuple):
            items.append(f"slice({i[1]}, {None if i[2] < 0 else i[2]}, {i[3]})")
        else:
            items.append(repr(i))
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def _leaf(node: Any, style: str) -> str:
    name = node.op.name
    if name in ("symbol", "tensor"):
        if style == "latex":
            from .._expr import Symbol
            return to_latex(Symbol(node.name))
        return symbol_text(node.name)
    if name == "const":
        return number_text(node.value)
    if not hasattr(node, "shape"):  # a named constant (pi, E), as the scalar printer
        return {"latex": node.op.latex, "code": node.op.numpy.replace("{m}", "numpy")
                }.get(style, node.op.text)
    shape = _shape_text(node.shape)
    np_ = "numpy." if style == "code" else ""
    if name == "fill":
        value = node.params[0]
        if style == "latex":
            return "0" if value == 0 else (r"\mathbf{1}" if value == 1 else
                                           rf"{number_text(value)} \mathbf{{1}}")
        if value == 0:
            return f"{np_}zeros({shape})"
        if value == 1:
            return f"{np_}ones({shape})"
        return f"{np_}full({shape}, {number_text(value)})"
    if name == "eye":
        return "I" if style == "latex" else f"{np_}eye({node.shape[0]})"
    # a constant array
    if style == "latex":
        if node.value.ndim <= 2 and node.value.size <= 12:
            rows = node.value.reshape(-1, 1) if node.value.ndim == 1 else node.value
            body = r" \\ ".join(" & ".join(number_text(float(v)) for v in row) for row in rows)
            return rf"\left[\begin{{smallmatrix}}{body}\end{{smallmatrix}}\right]"
        return rf"C_{{{node.params[0][:6]}}}"
    if node.value.size <= 12:
        return f"{np_}array({node.value.tolist()!r})"
    return f"{np_}array(<{'x'.join(map(str, node.shape))} constant {node.params[0][:8]}>)"


def _structural(node: Any, style: str, pieces: list[list[Any]]) -> list[Any]:
    name = node.op.name
    params = node.params
    np_ = "numpy." if style == "code" else ""
    if style == "latex":
        return _structural_latex(node, pieces)
    args = [p for piece in pieces for p in ([*piece, ", "])][:-1]
    if name == "matmul":
        return [*pieces[0], " @ ", *pieces[1]]
    if name == "transpose":
        if _is_plain_t(node):
            return [*pieces[0], ".T"]
        return [f"{np_}transpose(", *pieces[0], f", {params[0]})"]
    if name == "getitem":
        index = params[0]
        text = index_text(index, _shape(node.args[0]))
        return [*pieces[0], f"[{text}]"]
    if name == "sum":
        axes = params[0]
        full_axes = axes == tuple(range(len(_shape(node.args[0]))))
        return [f"{np_}sum(", *pieces[0], ")" if full_axes else f", axis={_axis_text(axes)})"]
    if name in ("reshape", "broadcast_to"):
        return [f"{np_}{name}(", *pieces[0], f", {_shape_text(node.shape)})"]
    if name == "scatter":
        if style == "code":
            return ["_scatter(", *pieces[0], f", {index_code(params[0])}, "
                    f"{_shape_text(node.shape)})"]
        text = index_text(params[0], node.shape)
        return [f"zeros({_shape_text(node.shape)}).at[{text}].set(", *pieces[0], ")"]
    if name == "einsum":
        return [f"{np_}einsum({params[0]!r}, ", *args, ")"]
    if name == "concatenate":
        return [f"{np_}concatenate([", *args, f"], axis={params[0]})"]
    if style == "code":
        function = {"det": "numpy.linalg.det", "inv": "numpy.linalg.inv",
                    "norm": "numpy.linalg.norm"}.get(name, f"numpy.{name}")
        if name == "logdet":
            return ["numpy.linalg.slogdet(", *args, ")[1]"]
        return [f"{function}(", *args, ")"]
    return [f"{name}(", *args, ")"]


def _axis_text(axes: tuple[int, ...]) -> str:
    return str(axes[0]) if len(axes) == 1 else str(axes)


def _is_row(node: Any) -> bool:
    """A 1-D result that LaTeX writes as a row: xᵀA (a vector times a matrix)."""
    return (node.op.__class__ is TensorOp and node.op.name == "matmul"
            and len(_shape(node.args[0])) == 1 and len(_shape(node.args[1])) == 2)


def _structural_latex(node: Any, pieces: list[list[Any]]) -> list[Any]:
    name = node.op.name
    args = [p for piece in pieces for p in ([*piece, ", "])][:-1]
    if name == "matmul":
        left, _right = node.args
        if len(_shape(left)) == 1 and not _is_row(left):
            return [*pieces[0], "^{T} ", *pieces[1]]
        return [*pieces[0], " ", *pieces[1]]
    if name == "transpose":
        return [*pieces[0], "^{T}"]
    if name == "inv":
        return [*pieces[0], "^{-1}"]
    if name == "outer":
        return [*pieces[0], " ", *pieces[1], "^{T}"]
    if name == "getitem":
        return [*pieces[0], "_{[" + index_text(node.params[0], _shape(node.args[0])) + "]}"]
    if name == "norm":
        return [r"\left\lVert ", *pieces[0], r" \right\rVert"]
    if name == "broadcast_to":
        return pieces[0]
    if name == "logdet":
        return [r"\log\left|\det\left(", *pieces[0], r"\right)\right|"]
    if name == "det":
        return [r"\det\left(", *pieces[0], r"\right)"]
    label = {"trace": "tr", "sum": "sum"}.get(name, name)
    sub = ""
    if name == "sum" and node.params[0] != tuple(range(len(_shape(node.args[0])))):
        sub = "_{" + _axis_text(node.params[0]) + "}"
    if name == "einsum":
        sub = r"_{\text{" + node.params[0] + "}}"
    return [rf"\operatorname{{{label}}}{sub}\left(", *args, r"\right)"]


def _elementwise(node: Any, style: str, pieces: list[list[Any]]) -> list[Any]:
    op = node.op
    if op.kind == "infix":
        if style == "latex":
            if op.name == "mul":
                left, right = node.args
                if _shape(left) and _shape(right):
                    return [*pieces[0], r" \odot ", *pieces[1]]
                if right.op.name == "const" or (not _shape(right) and right.op.kind == "infix"
                                                 and right.args[0].op.name == "const"):
                    return [*pieces[0], r" \cdot ", *pieces[1]]
            return _template(op.latex, pieces)
        sep = f" {op.text} " if op.text in "+-" or style == "code" else op.text
        return [*pieces[0], sep, *pieces[1]]
    if op.kind == "prefix":
        return _template(op.latex, pieces) if style == "latex" else [op.text, *pieces[0]]
    if style == "latex":
        return _template(op.latex, pieces)
    if style == "code":
        return _template(op.numpy.replace("{m}", "numpy"), pieces)
    return [op.text, "(", *[p for piece in pieces for p in ([*piece, ", "])][:-1], ")"]


def _wraps(node: Any, style: str, names: dict[Any, str]) -> list[bool]:
    op = node.op
    prec = [PREC_ATOM if a in names else _precedence(a, style) for a in node.args]
    if op.__class__ is TensorOp:
        p = _precedence(node, style)
        if op.name == "matmul":
            return list(_infix_wraps(PREC_MUL, prec[0], prec[1]))
        if p == PREC_POSTFIX or (style == "latex" and op.name == "outer"):
            return [q < PREC_POSTFIX for q in prec]
        return [False] * len(prec)
    if op.kind == "infix":
        if style == "latex" and op.name in ("div",):
            return [False, False]
        left, right = _infix_wraps(op.precedence, prec[0], prec[1])
        if style == "latex" and op.name == "pow":
            right = False
        if style == "latex" and op.name in ("add", "mul") and prec[1] == op.precedence:
            right = False  # display only: a + (b + c) needs no parentheses
        return [left, right]
    if op.kind == "prefix":
        return [prec[0] <= PREC_NEG and prec[0] != PREC_ATOM]
    return [False] * len(prec)


def render_parts(roots: tuple[Any, ...], style: str, names: dict[Any, str],
                 inplace: Mapping[Any, tuple[int, str]] | None = None
                 ) -> tuple[list[tuple[str, str]], list[str]]:
    """Definitions ``(name, body)`` for the named nodes in dependency order, and the bodies of
    the roots. ``style`` is ``"text"``, ``"latex"`` or ``"code"``. A node in ``inplace``,
    ``(i, how)``, overwrites its operand ``i`` (named as the node is): the body of a binary
    one is its other operand (the code writes ``t0 += body``), of a unary one ``how(t0)``."""
    inplace = inplace or {}
    order = toposort(roots)
    opening, closing = (r"\left(", r"\right)") if style == "latex" else ("(", ")")
    parts: dict[Any, list[Any]] = {}
    for node in order:
        if not node.args:
            parts[node] = [names.get(node) or _leaf(node, style)]
            continue
        wraps = _wraps(node, style, names)
        pieces = []
        for arg, wrap in zip(node.args, wraps, strict=True):
            ref = names.get(arg, arg)
            pieces.append([opening, ref, closing] if wrap else [ref])
        if node in inplace:
            target, how = inplace[node]
            parts[node] = ([names.get(a, a) for i, a in enumerate(node.args) if i != target]
                           if len(node.args) == 2 else [how, "(", names[node], ")"])
        elif node.op.__class__ is TensorOp:
            parts[node] = _structural(node, style, pieces)
        else:
            parts[node] = _elementwise(node, style, pieces)

    definitions = [(names[n], emit_parts(parts, n)) for n in order if n in names and n.args]
    return definitions, [names[r] if r in names else emit_parts(parts, r) for r in roots]


def _shared(roots: tuple[Any, ...], latex: bool, max_tree: int) -> dict[Any, str]:
    order = toposort(roots)
    if sum(tree_sizes(order)[r] for r in roots) <= max_tree:
        return {}
    names: dict[Any, str] = {}
    for node, count in use_counts(order).items():
        if count > 1 and node.args:
            names[node] = f"t_{{{len(names) + 1}}}" if latex else f"${len(names) + 1}"
    return names


def tensor_text(node: Any, max_tree: int = INLINE_TREE_LIMIT) -> str:
    """NumPy-like text; the shared form when the tree has more than ``max_tree`` nodes."""
    definitions, (body,) = render_parts((node,), "text", _shared((node,), False, max_tree))
    return "\n".join([f"{n} = {t}" for n, t in definitions] + [body])


def tensor_latex(node: Any, max_tree: int = INLINE_TREE_LIMIT) -> str:
    """LaTeX in matrix notation (``W^{T}``, ``\\odot``, ``x^{T} A x``)."""
    definitions, (body,) = render_parts((node,), "latex", _shared((node,), True, max_tree))
    if not definitions:
        return body
    lines = [f"{n} &= {t}" for n, t in definitions] + [f"f &= {body}"]
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"

