"""Iterative graph walks over expression DAGs.

Everything here works on any node with an ``args`` tuple and never recurses, so expressions
hundreds of thousands of levels deep are walked without touching Python's recursion limit.
Every other pass in symdiff is a loop over :func:`toposort`'s order with a local memo dict.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["toposort", "use_counts", "tree_sizes", "tree_total", "depths", "flatten",
           "natural_key"]

_DIGITS = re.compile(r"([0-9]+)")


def natural_key(name: str) -> tuple[tuple[Any, ...], str]:
    """The sort key that puts ``x2`` before ``x10``: runs of digits compare as numbers
    (by value, then by their leading zeros), everything else as text; ties break by the name.
    No int() conversion, so a name with thousands of digits sorts too.

    >>> sorted(["x10", "x2", "y", "x1", "x02"], key=natural_key)
    ['x1', 'x2', 'x02', 'x10', 'y']
    """
    parts: list[Any] = []
    for i, part in enumerate(_DIGITS.split(name)):
        if i % 2:
            digits = part.lstrip("0")
            parts.append((len(digits), digits, len(part)))
        else:
            parts.append(part)
    return tuple(parts), name


def flatten(items: Iterable[Any]) -> list[Any]:
    """The leaves of nested lists and tuples, in order (iteratively: any nesting depth).

    >>> flatten([1, (2, [3]), 4])
    [1, 2, 3, 4]
    """
    flat: list[Any] = []
    stack = [iter(items)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, (list, tuple)):
                stack.append(iter(item))
                break
            flat.append(item)
        else:
            stack.pop()
    return flat


def toposort(roots: Iterable[Any]) -> list[Any]:
    """Distinct nodes reachable from ``roots``, children before parents.

    Deterministic: a depth-first post-order that visits arguments left to right.
    """
    order: list[Any] = []
    seen: set[int] = set()
    append = order.append
    for root in roots:
        if id(root) in seen:
            continue
        seen.add(id(root))
        stack = [(root, iter(root.args))]
        while stack:
            node, children = stack[-1]
            for child in children:
                if id(child) not in seen:
                    seen.add(id(child))
                    stack.append((child, iter(child.args)))
                    break
            else:
                stack.pop()
                append(node)
    return order


def use_counts(order: list[Any], roots: Iterable[Any] = ()) -> dict[Any, int]:
    """How many times each node is referenced: by parents' argument slots (``a + a`` counts
    ``a`` twice) and once per appearance in ``roots``."""
    counts = dict.fromkeys(order, 0)
    for node in order:
        for child in node.args:
            counts[child] += 1
    for root in roots:
        counts[root] += 1
    return counts


def tree_sizes(order: list[Any], cap: int | None = None) -> dict[Any, int]:
    """Size of each node written out as a tree (exact ints, by dynamic programming).

    With ``cap``, a size above it is stored as ``cap + 1``: enough to compare with a limit,
    and small ints however swollen the tree (the exact sizes of a deeply shared DAG are ints
    of up to one bit per level: quadratic memory, 1.3 GB for the logistic map at n = 8·10⁴).
    """
    size: dict[Any, int] = {}
    if cap is None:
        for node in order:
            total = 1
            for child in node.args:
                total += size[child]
            size[node] = total
        return size
    over = cap + 1
    for node in order:
        total = 1
        for child in node.args:
            total += size[child]
        size[node] = total if total <= cap else over
    return size


def tree_total(order: list[Any], roots: Iterable[Any]) -> int:
    """The exact tree size of ``roots`` (``order`` is their :func:`toposort`), holding a
    node's size only until its last parent has read it: the big ints of a deeply shared DAG
    are not all kept at once."""
    roots = list(roots)
    wanted = set(map(id, roots))
    remaining = use_counts(order)
    size: dict[Any, int] = {}
    for node in order:
        total = 1
        for child in node.args:
            total += size[child]
            remaining[child] -= 1
            if not remaining[child] and id(child) not in wanted:
                del size[child]
        size[node] = total
    return sum(size[r] for r in roots)


def depths(order: list[Any]) -> dict[Any, int]:
    """Height of each node: 0 for leaves, 1 + the deepest argument otherwise."""
    depth: dict[Any, int] = {}
    for node in order:
        depth[node] = 1 + max((depth[c] for c in node.args), default=-1)
    return depth
