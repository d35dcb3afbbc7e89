"""HTML tables for notebooks' ``_repr_html_``: one small formatter every layer may use (it
imports nothing of symdiff's)."""

from __future__ import annotations

import html
from collections.abc import Sequence

__all__ = ["html_table"]


def html_table(headers: Sequence[object], rows: Sequence[Sequence[object]],
               caption: str | None = None, footer: str | None = None) -> str:
    """Rows of cells as an HTML table (cells escaped), for notebooks' ``_repr_html_``; the
    same cells ``symdiff._printing.text_table`` lays out as text."""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    foot = (f'<tfoot><tr><td colspan="{len(headers)}">{html.escape(footer)}</td></tr></tfoot>'
            if footer else "")
    return (f'<table class="symdiff">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
            f"{foot}</table>")
