"""Tables, as text (``print``) and as HTML (notebooks' ``_repr_html_``): the one formatter of
each that every layer may use (it imports nothing of symdiff's)."""

from __future__ import annotations

import html
from collections.abc import Collection, Sequence

__all__ = ["html_table", "text_table"]


def html_table(headers: Sequence[object], rows: Sequence[Sequence[object]],
               caption: str | None = None, footer: str | None = None) -> str:
    """Rows of cells as an HTML table (cells escaped), for notebooks' ``_repr_html_``; the
    same cells ``text_table`` lays out as text."""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    foot = (f'<tfoot><tr><td colspan="{len(headers)}">{html.escape(footer)}</td></tr></tfoot>'
            if footer else "")
    return (f'<table class="symdiff">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
            f"{foot}</table>")


def text_table(headers: Sequence[object], rows: Sequence[Sequence[object]], *,
               right: Collection[int] | bool = (), sep: str = " | ", rule: bool = True) -> str:
    """Rows of cells as aligned text: columns padded to their widest cell and separated by
    ``sep``, with a rule under the headers (``rule``); the columns in ``right`` (or every
    column, ``right=True``) right-aligned. Trailing spaces are stripped.

    >>> print(text_table(["h", "error"], [["0.1", "5e-02"], ["0.01", "5e-03"]]))
    h    | error
    -----|------
    0.1  | 5e-02
    0.01 | 5e-03
    >>> print(text_table(["n", "size"], [["1", "5"], ["20", "133"]], right=[1], sep="  ",
    ...                  rule=False))
    n   size
    1      5
    20   133
    """
    table = [[str(c) for c in headers], *([str(c) for c in row] for row in rows)]
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    aligned = set(range(len(widths))) if right is True else set(right or ())

    def line(cells: list[str]) -> str:
        return sep.join(c.rjust(w) if i in aligned else c.ljust(w)
                        for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    lines = [line(table[0])]
    if rule:
        lines.append(sep.replace(" ", "-").join("-" * w for w in widths))
    lines.extend(line(r) for r in table[1:])
    return "\n".join(lines)
