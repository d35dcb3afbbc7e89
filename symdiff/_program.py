"""Common-subexpression elimination: lower expressions to a straight-line program.

Because nodes are hash-consed, common subexpressions are already shared, so CSE is one linear
pass: walk the DAG in topological order and give a temporary to every node that is used more
than once (or, in three-address form, to every operation). The code generator, the renderer of
computation graphs and the printer of large expressions all consume this program.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from ._expr import Expr, Symbol, as_roots, free_symbols
from ._printing import render_with_names
from ._traversal import toposort

__all__ = ["Program", "Assignment", "cse", "temporary_prefix"]


class Assignment(NamedTuple):
    """``target = node``, where the node's arguments that have temporaries are referred to by
    name. ``operands`` are those arguments: temporaries, symbols and constants."""

    target: str
    node: Expr

    @property
    def op(self) -> Any:
        return self.node.op


@dataclass(frozen=True)
class Program:
    """A straight-line program computing ``outputs`` (one or more expressions).

    ``assignments`` are in dependency order; ``names`` maps each node that has a temporary to
    its name. With ``three_address=True`` every right-hand side is one operation over symbols,
    constants and earlier temporaries.

    >>> from symdiff import parse
    >>> print(cse(parse("(x*y + 1)*sin(x*y + 1)")))
    t0 = x*y + 1
    return t0*sin(t0)
    """

    assignments: tuple[Assignment, ...]
    outputs: tuple[Expr, ...]
    names: dict[Expr, str]
    three_address: bool

    @property
    def inputs(self) -> tuple[Any, ...]:
        """The free symbols of the outputs, sorted by name."""
        return free_symbols(self.outputs)

    @property
    def n_assignments(self) -> int:
        return len(self.assignments)

    @property
    def n_operations(self) -> int:
        """Operations executed: every distinct non-leaf node is computed exactly once."""
        return sum(1 for n in toposort(self.outputs) if n.op.kind != "leaf")

    def __iter__(self) -> Iterator[Assignment]:
        return iter(self.assignments)

    def __len__(self) -> int:
        return len(self.assignments)

    def lines(self) -> list[str]:
        """The program as text: one assignment per line, then ``return``."""
        definitions, outputs = render_with_names(self.outputs, self.names)
        lines = [f"{name} = {text}" for name, text in definitions]
        lines.append("return " + ", ".join(outputs))
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())


def temporary_prefix(taken: Iterable[str], stem: str = "t") -> str:
    """A prefix for temporaries (``t0``, ``t1`` … or ``h1`` …) that no name in ``taken``
    could be mistaken for: ``stem``, or ``_stem``, ``__stem`` … if a symbol reads like one.

    >>> temporary_prefix(["x", "t3"])
    '_t'
    """
    names = set(taken)
    prefix = stem
    while any(re.fullmatch(re.escape(prefix) + r"\d+", name) for name in names):
        prefix = "_" + prefix
    return prefix


def cse(exprs: Any, three_address: bool = False) -> Program:
    """The straight-line program for one expression or a sequence of them.

    Temporaries are introduced exactly for operations used more than once (counting uses
    across all outputs); single-use operations stay inline. With ``three_address=True`` every
    operation gets its own temporary (the form of the seed's h₁…h₆ and of generated code).
    """
    roots = as_roots(exprs)
    # One iterative post-order walk that also counts references (CSE is this linear pass:
    # interning has already merged every common subexpression).
    order: list[Expr] = []
    counts: dict[Expr, int] = {}
    for root in roots:
        if root in counts:
            counts[root] += 1
            continue
        counts[root] = 1
        stack = [(root, iter(root.args))]
        while stack:
            node, children = stack[-1]
            for child in children:
                if child in counts:
                    counts[child] += 1
                else:
                    counts[child] = 1
                    stack.append((child, iter(child.args)))
                    break
            else:
                stack.pop()
                order.append(node)
    prefix = temporary_prefix(cast(Symbol, n).name for n in order if n.op.name == "symbol")
    names: dict[Expr, str] = {}
    assignments = []
    for node in order:
        if node.args and (three_address or counts[node] > 1):
            name = f"{prefix}{len(names)}"
            names[node] = name
            assignments.append(Assignment(name, node))
    return Program(tuple(assignments), roots, names, three_address)
