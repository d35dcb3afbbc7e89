"""Size measurements on expression DAGs: exact, iterative, O(distinct nodes).

``tree_size`` is what an expression costs written out as a tree (every shared subexpression
counted each time it is used); ``dag_size`` is what it costs with sharing. Their ratio is the
expression swell that tree-based symbolic differentiation suffers.
"""

from __future__ import annotations

from typing import Any

from .expr import Expr, as_expr
from .traversal import depths, toposort, tree_sizes

__all__ = ["dag_size", "tree_size", "depth"]


def _roots(exprs: Any) -> tuple[Expr, ...]:
    if isinstance(exprs, Expr):
        return (exprs,)
    if isinstance(exprs, (int, float)):
        return (as_expr(exprs),)
    return tuple(as_expr(e) for e in _flatten(exprs))


def _flatten(exprs: Any) -> list[Any]:
    # Jacobians and Hessians are nested tuples; measure them as one forest.
    flat: list[Any] = []
    stack = [exprs]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        else:
            flat.append(item)
    return flat


def dag_size(exprs: Any) -> int:
    """Distinct nodes in one expression or a sequence (shared nodes counted once).

    >>> from symdiff import parse
    >>> dag_size(parse("x*x + x*x"))   # x, x*x, and the sum
    3
    """
    return len(toposort(_roots(exprs)))


def tree_size(exprs: Any) -> int:
    """Nodes when written out as a tree: an exact int computed on the DAG, never by expanding.

    >>> from symdiff import parse
    >>> tree_size(parse("x*x + x*x"))
    7
    """
    roots = _roots(exprs)
    sizes = tree_sizes(toposort(roots))
    return sum(sizes[r] for r in roots)


def depth(exprs: Any) -> int:
    """The longest path from a root to a leaf, in edges (0 for a symbol or a constant)."""
    roots = _roots(exprs)
    heights = depths(toposort(roots))
    return max((heights[r] for r in roots), default=0)
