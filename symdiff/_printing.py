"""Text and LaTeX printing, driven by the op table.

Small expressions print as ordinary infix with minimal parentheses. An expression whose tree
form is large (the logistic map at n = 1000 has more than 10^300 tree nodes) prints in a shared
form, where every subexpression used more than once is named once::

    $1 = 4*x*(1 - x)
    $2 = 4*$1*(1 - $1)
    4*$2*(1 - $2)

Both forms are read back by :func:`symdiff.parse` to the very same node. Printing never
recurses: each node's text is a list of parts (strings and references to child nodes) that is
expanded by one iterative pass, so output is linear in its size, even for deep chains.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from typing import Any

from ._ops import FUNCTIONS, PREC_ATOM, PREC_NEG, PREC_POW
from ._traversal import toposort, tree_sizes, use_counts

__all__ = ["to_text", "to_latex", "symbol_text", "number_text", "shared_names",
           "render_with_names", "text_table", "INLINE_TREE_LIMIT"]

#: Expressions whose tree form has more nodes than this print in the shared form.
INLINE_TREE_LIMIT = 1000

_FORMATTER = string.Formatter()
_IDENTIFIER = re.compile(r"[^\W\d]\w*\Z")
_GREEK = frozenset(
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau "
    "upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega".split())


def symbol_text(name: str) -> str:
    """A symbol's name as the parser reads it: plain if it is an identifier that is not a
    function name, else in backquotes (a backquote inside is doubled)."""
    if _IDENTIFIER.match(name) and name not in FUNCTIONS:
        return name
    return "`" + name.replace("`", "``") + "`"


def number_text(value: int | float) -> str:
    """Shortest text that reads back as the same int or float."""
    return str(value) if isinstance(value, int) else repr(value)


def _precedence(node: Any) -> int:
    op = node.op
    if op.kind == "leaf":
        if op.name == "const" and (node.value < 0 or str(node.value).startswith("-")):
            return PREC_NEG
        return PREC_ATOM
    return op.precedence


def _parts_text(node: Any, child: Any, names: dict[Any, str]) -> list[Any]:
    """Text parts of ``node``; ``child(c, wrap)`` gives the parts that reference argument c."""
    op = node.op
    if op.kind == "infix":
        left, right = node.args
        p = op.precedence
        lp = PREC_ATOM if left in names else _precedence(left)
        rp = PREC_ATOM if right in names else _precedence(right)
        wrap_left = lp < p or (lp == p and op.precedence == PREC_POW)
        # Left-associative operators need parentheses on an equal-precedence right operand;
        # a negated right operand is parenthesized for readability (a*(-b), not a*-b).
        wrap_right = rp < p or (rp == p and p != PREC_POW) or rp == PREC_NEG
        sep = f" {op.text} " if op.text in "+-" else op.text
        return [*child(left, wrap_left), sep, *child(right, wrap_right)]
    if op.kind == "prefix":
        (arg,) = node.args
        ap = PREC_ATOM if arg in names else _precedence(arg)
        return [op.text, *child(arg, ap <= PREC_NEG and ap != PREC_ATOM)]
    parts: list[Any] = [op.text, "("]
    for i, arg in enumerate(node.args):
        if i:
            parts.append(", ")
        parts.extend(child(arg, False))
    parts.append(")")
    return parts


def _leaf_text(node: Any) -> str:
    if node.op.name == "symbol":
        return symbol_text(node.name)
    return number_text(node.value)


def _latex_symbol(name: str) -> str:
    match = re.fullmatch(r"([A-Za-z]+)_?(\d+)", name)
    base, sub = (match.group(1), match.group(2)) if match else (name, "")
    if base in _GREEK:
        base = "\\" + base
    elif _IDENTIFIER.match(base) and base.isascii():
        if len(base) > 1:
            base = rf"\mathrm{{{base}}}"
    else:
        base = r"\text{" + re.sub(r"([\\{}$&#^_%~])", r"\\\1", name) + "}"
        sub = ""
    return f"{base}_{{{sub}}}" if sub else base


def _latex_number(value: int | float) -> str:
    text = number_text(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \cdot 10^{{{int(exponent)}}}"
    return text


def _leaf_latex(node: Any) -> str:
    if node.op.name == "symbol":
        return _latex_symbol(node.name)
    return _latex_number(node.value)


def _parts_latex(node: Any, child: Any, names: dict[Any, str]) -> list[Any]:
    op = node.op
    args = node.args
    pieces = []
    for i, arg in enumerate(args):
        ap = PREC_ATOM if arg in names else _precedence(arg)
        delimited = op.latex_delimits[i] if i < len(op.latex_delimits) else True
        if delimited:
            wrap = False
        elif op.kind == "prefix":
            wrap = ap <= PREC_NEG and ap != PREC_ATOM
        elif i == 0:
            wrap = ap < op.precedence or (ap == op.precedence and op.precedence == PREC_POW)
        else:
            # Display only: a + (b + c) and a·(b·c) need no parentheses in LaTeX.
            associative = op.name in ("add", "mul")
            wrap = ap < op.precedence or ap == PREC_NEG or (
                ap == op.precedence and op.precedence != PREC_POW and not associative)
        pieces.append(child(arg, wrap))
    template = op.latex
    if op.name == "mul" and (args[1].op.name == "const" or (
            args[1] not in names and args[1].op.name in ("mul", "div")
            and args[1].args[0].op.name == "const")):
        template = r"{0} \cdot {1}"  # juxtaposed numbers would read as one number
    parts: list[Any] = []
    # Split the template on its {i} fields; literal braces were doubled for str.format.
    for literal, field_name, _spec, _conv in _FORMATTER.parse(template):
        if literal:
            parts.append(literal)
        if field_name is not None:
            parts.extend(pieces[int(field_name)])
    return parts


def shared_names(roots: tuple[Any, ...], latex: bool = False) -> dict[Any, str]:
    """Names (``$1``, ``$2`` … or ``t_{1}`` …) for the operations used more than once."""
    counts = use_counts(toposort(roots))
    names: dict[Any, str] = {}
    for node, count in counts.items():
        if count > 1 and node.op.kind != "leaf":
            names[node] = f"t_{{{len(names) + 1}}}" if latex else f"${len(names) + 1}"
    return names


def render_with_names(roots: tuple[Any, ...], names: dict[Any, str], latex: bool = False
                      ) -> tuple[list[tuple[str, str]], list[str]]:
    """Definitions ``(name, body)`` for the named nodes, in dependency order, and the bodies
    of the roots; a named node is referred to by its name everywhere but its definition."""
    order = toposort(roots)
    parts_of = _parts_latex if latex else _parts_text
    leaf_of = _leaf_latex if latex else _leaf_text
    open_paren, close_paren = (r"\left(", r"\right)") if latex else ("(", ")")

    def child(arg: Any, wrap: bool) -> list[Any]:
        ref = names.get(arg, arg)
        return [open_paren, ref, close_paren] if wrap else [ref]

    parts: dict[Any, list[Any]] = {}
    for node in order:
        parts[node] = [leaf_of(node)] if node.op.kind == "leaf" else parts_of(node, child, names)

    def emit(node: Any) -> str:
        out: list[str] = []
        stack: list[Any] = list(reversed(parts[node]))
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                out.append(item)
            else:
                stack.extend(reversed(parts[item]))
        return "".join(out)

    definitions = [(names[node], emit(node)) for node in order if node in names]
    return definitions, [names[r] if r in names else emit(r) for r in roots]


def _render(roots: tuple[Any, ...], latex: bool, max_tree: int
            ) -> tuple[list[tuple[str, str]], list[str]]:
    large = sum(tree_sizes(toposort(roots))[r] for r in roots) > max_tree
    names = shared_names(roots, latex) if large else {}
    return render_with_names(roots, names, latex)


def to_text(node: Any, max_tree: int = INLINE_TREE_LIMIT) -> str:
    """Infix text of ``node``; the shared form when its tree has more than ``max_tree`` nodes.

    >>> from symdiff import parse
    >>> to_text(parse("x*(y + 1)"))
    'x*(y + 1)'
    """
    definitions, (body,) = _render((node,), False, max_tree)
    return "\n".join([f"{name} = {text}" for name, text in definitions] + [body])


def to_latex(node: Any, max_tree: int = INLINE_TREE_LIMIT) -> str:
    r"""LaTeX of ``node``; large expressions become an ``aligned`` block of named parts.

    >>> from symdiff import parse
    >>> to_latex(parse("sigmoid(w*x)/2"))
    '\\frac{\\sigma\\left(w x\\right)}{2}'
    """
    definitions, (body,) = _render((node,), True, max_tree)
    if not definitions:
        return body
    lines = [f"{name} &= {text}" for name, text in definitions] + [f"f &= {body}"]
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"



def text_table(headers: Sequence[object], rows: Sequence[Sequence[object]]) -> str:
    """Rows of cells as aligned text: columns padded to their widest cell and separated by
    ``" | "``, a rule under the headers.

    >>> print(text_table(["h", "error"], [["0.1", "5e-02"], ["0.01", "5e-03"]]))
    h    | error
    -----|------
    0.1  | 5e-02
    0.01 | 5e-03
    """
    table = [[str(c) for c in headers], *([str(c) for c in row] for row in rows)]
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]

    def line(cells: list[str]) -> str:
        return " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(table[0]), "-|-".join("-" * w for w in widths),
                      *(line(r) for r in table[1:])])
