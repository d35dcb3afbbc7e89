"""Size measurements on expression DAGs: exact, iterative, O(distinct nodes).

``tree_size`` is what an expression costs written out as a tree (every shared subexpression
counted each time it is used); ``dag_size`` is what it costs with sharing. Their ratio is the
expression swell that tree-based symbolic differentiation suffers. :func:`op_counts` splits both
by operation, :func:`program_size` measures the straight-line program of :func:`symdiff.cse`,
:func:`to_networkx` exports the DAG, and the ``sympy_*`` helpers measure the same expressions
the way SymPy counts them, for side-by-side comparisons.

Every function accepts one expression or a sequence of them (nested tuples too, such as a
Jacobian); nodes shared across the sequence are counted once by the DAG measures.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from ._diff import jacobian
from ._expr import Expr, as_expr, as_roots, cse
from ._ops import OPS
from ._printing import number_text
from ._program import lower
from ._traversal import depths, flatten, toposort, tree_total, use_counts
from ._util import exact_number

__all__ = ["dag_size", "tree_size", "depth", "op_counts", "OpCounts", "program_size",
           "ProgramSize", "to_networkx", "sympy_tree_size", "sympy_count_ops", "sympy_cse",
           "compare_with_sympy", "SympyComparison", "nested_sizes", "NestedSize",
           "tree_occurrences", "JacobianRatio", "jacobian_ratio"]


def dag_size(exprs: Any) -> int:
    """Distinct nodes in one expression or a sequence (shared nodes counted once).

    >>> from symdiff import parse
    >>> dag_size(parse("x*x + x*x"))   # x, x*x, and the sum
    3
    """
    return len(toposort(as_roots(exprs)))


def tree_size(exprs: Any) -> int:
    """Nodes when written out as a tree: an exact int computed on the DAG, never by expanding.

    >>> from symdiff import parse
    >>> tree_size(parse("x*x + x*x"))
    7
    """
    roots = as_roots(exprs)
    return tree_total(toposort(roots), roots)


def depth(exprs: Any) -> int:
    """The longest path from a root to a leaf, in edges (0 for a symbol or a constant).

    >>> from symdiff import parse
    >>> depth(parse("sin(x*y) + 1"))
    3
    """
    roots = as_roots(exprs)
    heights = depths(toposort(roots))
    return max((heights[r] for r in roots), default=0)


# --- operation counts ----------------------------------------------------------------------


@dataclass(frozen=True)
class OpCounts:
    """Operations by name: ``dag`` counts distinct nodes, ``tree`` counts every occurrence in
    the tree form (exact ints). Both are ordered as the op table."""

    dag: dict[str, int]
    tree: dict[str, int]

    def __str__(self) -> str:
        # Tree counts can have more digits than Python writes out (exact_number).
        rows = [("op", "DAG", "tree")] + [(k, str(v), exact_number(self.tree[k]))
                                          for k, v in self.dag.items()]
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        return "\n".join(f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c:>{widths[2]}}"
                         for a, b, c in rows)


def tree_occurrences(order: list[Any], roots: tuple[Any, ...]) -> dict[Any, int]:
    """How many times each node of ``order`` appears in the tree form of ``roots``: the number
    of root-to-node paths, by one pass over the reversed topological order."""
    paths = dict.fromkeys(order, 0)
    for root in roots:
        paths[root] += 1
    for node in reversed(order):
        count = paths[node]
        for child in node.args:
            paths[child] += count
    return paths


def op_counts(exprs: Any, leaves: bool = False) -> OpCounts:
    """Distinct operations by name, and the same counted as a tree.

    With ``leaves=True`` symbols and constants are included (as ``"symbol"``/``"const"``), so
    the DAG counts add up to :func:`dag_size` and the tree counts to :func:`tree_size`.

    >>> from symdiff import parse
    >>> counts = op_counts(parse("x*x + x*x"))
    >>> counts.dag, counts.tree
    ({'add': 1, 'mul': 1}, {'add': 1, 'mul': 2})
    """
    roots = as_roots(exprs)
    order = toposort(roots)
    paths = tree_occurrences(order, roots)
    dag: dict[str, int] = {}
    tree: dict[str, int] = {}
    for node in order:
        if node.op.kind == "leaf" and not leaves:
            continue
        name = node.op.name
        dag[name] = dag.get(name, 0) + 1
        tree[name] = tree.get(name, 0) + paths[node]
    rank = {name: i for i, name in enumerate(OPS)}
    ordered = sorted(dag, key=lambda name: rank.get(name, len(rank)))
    return OpCounts({k: dag[k] for k in ordered}, {k: tree[k] for k in ordered})


# --- straight-line programs ----------------------------------------------------------------


@dataclass(frozen=True)
class ProgramSize:
    """The size of a straight-line program: ``assignments`` (temporaries), ``operations``
    executed, and ``nodes``, the nodes of all right-hand sides and outputs written as trees in
    which a temporary counts as one leaf. ``seconds`` is the time taken to build it, if
    measured."""

    assignments: int
    operations: int
    nodes: int
    seconds: float | None = None


def program_size(exprs: Any, three_address: bool = False) -> ProgramSize:
    """The size of ``symdiff.cse(exprs)``, and the time it took to build.

    >>> from symdiff import parse
    >>> size = program_size(parse("(x*y + 1)*sin(x*y + 1)"))   # t0 = x*y + 1; t0*sin(t0)
    >>> size.assignments, size.operations, size.nodes
    (1, 4, 9)
    """
    roots = as_roots(exprs)
    start = time.perf_counter()
    program = cse(roots, three_address=three_address)
    seconds = time.perf_counter() - start
    names = program.names
    # inline[n]: nodes of n's right-hand side with named arguments counted as one leaf.
    inline: dict[Expr, int] = {}
    for node in toposort(roots):
        inline[node] = 1 + sum(1 if a in names else inline[a] for a in node.args)
    nodes = sum(inline[n] for n in names)
    nodes += sum(1 if r in names else inline[r] for r in roots)
    return ProgramSize(program.n_assignments, program.n_operations, nodes, seconds)


class NestedSize(NamedTuple):
    """Sizes of one expression of a nested sequence: distinct nodes, operations (non-leaf
    nodes) and the temporaries :func:`symdiff.cse` gives it (operations used twice or more)."""

    dag: int
    operations: int
    assignments: int


def nested_sizes(roots: Sequence[Expr]) -> list[NestedSize]:
    """:class:`NestedSize` of each expression of ``roots``, measured separately, exactly.

    Linear in the total when each expression contains the previous one (as lₖ₊₁ contains lₖ):
    the counts of the union so far are then those of the newest expression, so a sweep over
    n = 1..10,000 costs one walk. Nesting is checked on the way (the previous expression must
    be an argument of a newly reached node); where it fails, the rest is measured one by one.

    >>> from symdiff import parse
    >>> a = parse("x*y"); b = a*a + 1
    >>> nested_sizes([a, b])
    [NestedSize(dag=3, operations=1, assignments=0), NestedSize(dag=6, operations=3, \
assignments=1)]
    """
    roots = [as_expr(r) for r in roots]
    seen: set[Expr] = set()
    uses: dict[Expr, int] = {}
    nodes = operations = shared = 0
    out: list[NestedSize] = []
    previous: Expr | None = None
    for i, root in enumerate(roots):
        if root is previous:
            out.append(out[-1])
            continue
        nested = previous is None and root not in seen
        if root not in seen:
            seen.add(root)
            stack = [root]
            while stack:
                node = stack.pop()
                nodes += 1
                if node.args:
                    operations += 1
                for child in node.args:
                    if child is previous:
                        nested = True
                    count = uses.get(child, 0) + 1
                    uses[child] = count
                    if count == 2 and child.args:
                        shared += 1
                    if child not in seen:
                        seen.add(child)
                        stack.append(child)
        if not nested:
            return out + [_sizes_alone(r) for r in roots[i:]]
        out.append(NestedSize(nodes, operations, shared))
        previous = root
    return out


def _sizes_alone(root: Expr) -> NestedSize:
    order = toposort((root,))
    uses = use_counts(order)
    operations = sum(1 for n in order if n.args)
    return NestedSize(len(order), operations, sum(1 for n in order if n.args and uses[n] > 1))


# --- networkx ------------------------------------------------------------------------------


def to_networkx(exprs: Any, at: Any = None) -> Any:
    """The DAG as a ``networkx.DiGraph``: one node per distinct expression node, numbered in
    topological order (operands first), with an edge from each operand to the operation that
    uses it (data flow, as in a computation graph).

    Node attributes: ``op`` (the op's name), ``label`` (symbol name, number, or the op's render
    label), ``value`` (a constant's value, or with ``at`` given, the node's float value there;
    else None) and ``expr`` (the node). Edge attribute ``positions``: the argument slots the
    operand fills (``x*x`` has one edge with positions ``(0, 1)``). The graph attribute
    ``roots`` lists the numbers of the outputs.

    >>> from symdiff import parse
    >>> g = to_networkx(parse("x*x + 1"))
    >>> g.number_of_nodes(), g.number_of_edges(), g.graph["roots"]
    (4, 3, [3])
    """
    import networkx

    roots = as_roots(exprs)
    order = toposort(roots)
    index = {node: i for i, node in enumerate(order)}
    values: dict[Any, float] = {}
    if at is not None:
        from ._evaluation import evaluate_many

        evaluated = evaluate_many(tuple(order), at)
        values = dict(zip(order, evaluated, strict=True))
    graph = networkx.DiGraph(roots=[index[r] for r in roots])
    for node in order:
        name = node.op.name
        if name == "symbol":
            label = node.name
        elif name == "const":
            label = number_text(node.value)
        else:
            label = node.op.label or name
        value = values.get(node, node.value if name == "const" else None)
        graph.add_node(index[node], op=name, label=label, value=value, expr=node)
        positions: dict[Any, list[int]] = {}
        for i, arg in enumerate(node.args):
            positions.setdefault(arg, []).append(i)
        for arg, slots in positions.items():
            graph.add_edge(index[arg], index[node], positions=tuple(slots))
    return graph


# --- SymPy's counts, for comparisons -------------------------------------------------------


def _sympyas_roots(exprs: Any) -> list[Any]:
    """SymPy expressions for symdiff expression(s), or SymPy expression(s) as they are."""
    items = [exprs] if isinstance(exprs, Expr) or not isinstance(exprs, (list, tuple)) \
        else flatten(exprs)
    if any(isinstance(e, (Expr, int, float)) for e in items):
        from .interop._sympy import to_sympy

        return [to_sympy(as_expr(e)) if isinstance(e, (Expr, int, float)) else e
                for e in items]
    return items


def sympy_tree_size(exprs: Any) -> int:
    """The number of nodes SymPy's ``preorder_traversal`` visits (summed over a sequence),
    computed by dynamic programming over SymPy's shared objects so that it is fast even when
    the tree is huge. Accepts symdiff expressions (converted with :func:`symdiff.to_sympy`,
    which lets SymPy apply its automatic simplifications) or SymPy expressions.

    >>> import sympy
    >>> sympy_tree_size(sympy.sympify("x*y + sin(x*y)"))   # Add, Mul, x, y, sin, Mul, x, y
    8
    """
    total = 0
    memo: dict[int, int] = {}
    for root in _sympyas_roots(exprs):
        stack = [root]
        while stack:
            node = stack[-1]
            if id(node) in memo:
                stack.pop()
                continue
            args = getattr(node, "args", ())
            pending = [a for a in args if id(a) not in memo]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            memo[id(node)] = 1 + sum(memo[id(a)] for a in args)
        total += memo[id(root)]
    return total


def sympy_count_ops(exprs: Any) -> int:
    """``sympy.count_ops`` of the SymPy form of the expression(s) (summed over a sequence).

    >>> from symdiff import parse
    >>> sympy_count_ops(parse("x*y + sin(x*y)"))   # count_ops does not share x*y
    4
    """
    import sympy

    return int(sum(sympy.count_ops(e) for e in _sympyas_roots(exprs)))


def sympy_cse(exprs: Any, clear_cache: bool = True) -> ProgramSize:
    """Run ``sympy.cse`` on the SymPy form of the expression(s) and measure its program the
    way :func:`program_size` measures symdiff's: replacements, ``count_ops`` of all
    right-hand sides and outputs, their preorder nodes, and the time ``sympy.cse`` took.
    SymPy's global cache is cleared first (``clear_cache=False`` keeps it).

    >>> from symdiff import parse
    >>> size = sympy_cse(parse("(x*y + 1)*sin(x*y + 1)"))
    >>> size.assignments, size.operations, size.nodes
    (1, 4, 9)
    """
    import sympy
    from sympy.core.cache import clear_cache as clear

    roots = _sympyas_roots(exprs)
    if clear_cache:
        clear()
    start = time.perf_counter()
    replacements, reduced = sympy.cse(roots)
    seconds = time.perf_counter() - start
    bodies = [rhs for _, rhs in replacements] + list(reduced)
    operations = int(sum(sympy.count_ops(b) for b in bodies))
    nodes = sum(sympy_tree_size(b) for b in bodies)
    return ProgramSize(len(replacements), operations, nodes, seconds)


@dataclass(frozen=True)
class SympyComparison:
    """symdiff's and SymPy's counts of the same expression(s), side by side."""

    tree_size: int
    dag_size: int
    program: ProgramSize
    sympy_tree_size: int
    sympy_count_ops: int
    sympy_program: ProgramSize

    def __str__(self) -> str:
        p, q = self.program, self.sympy_program
        return "\n".join([
            f"{'':24}{'symdiff':>14}{'SymPy':>14}",
            f"{'tree nodes':24}{self.tree_size:>14}{self.sympy_tree_size:>14}",
            f"{'distinct nodes / ops':24}{self.dag_size:>14}{self.sympy_count_ops:>14}",
            f"{'CSE assignments':24}{p.assignments:>14}{q.assignments:>14}",
            f"{'CSE operations':24}{p.operations:>14}{q.operations:>14}",
            f"{'CSE program nodes':24}{p.nodes:>14}{q.nodes:>14}",
            f"{'CSE seconds':24}{p.seconds or 0:>14.2e}{q.seconds or 0:>14.2e}",
        ])


def compare_with_sympy(exprs: Any) -> SympyComparison:
    """Tree size, DAG size and CSE program of the expression(s) by symdiff, and SymPy's tree
    size (preorder nodes), ``count_ops`` and ``cse`` program of the same expression(s).

    >>> from symdiff import parse
    >>> c = compare_with_sympy(parse("(x*y + 1)*sin(x*y + 1)"))
    >>> c.tree_size, c.sympy_tree_size, c.program.operations, c.sympy_program.operations
    (12, 12, 4, 4)
    """
    roots = as_roots(exprs)
    sympy_roots = _sympyas_roots(roots)
    return SympyComparison(
        tree_size(roots), dag_size(roots), program_size(roots),
        sympy_tree_size(sympy_roots), sympy_count_ops(sympy_roots), sympy_cse(sympy_roots))


class JacobianRatio(NamedTuple):
    """The operations of a Jacobian's program against the function's (see
    :func:`jacobian_ratio`)."""

    function: int
    jacobian: int
    method: str

    @property
    def ratio(self) -> float:
        """Jacobian operations over function operations."""
        return self.jacobian / self.function if self.function else float("nan")

    def __str__(self) -> str:
        return (f"Jacobian/function operations: {self.jacobian}/{self.function} = "
                f"{self.ratio:.2f} ({self.method})")


def jacobian_ratio(exprs: Any, variables: Any, method: str = "auto") -> JacobianRatio:
    """How many operations the Jacobian of ``exprs`` with respect to ``variables`` takes
    against the function itself: the distinct operations (equations of the program IR, so
    shared subexpressions count once) of all the Jacobian's entries, and of the outputs.
    This is FastDifferentiation.jl's ``number_of_operations(jacobian) /
    number_of_operations(f)``, so its published ratios can be compared on the same problem
    families (docs/optimisation.md). ``method`` is :func:`symdiff.jacobian`'s.

    >>> import symdiff
    >>> xs = symdiff.symbols("x1:5")
    >>> r = jacobian_ratio([xs[i] * symdiff.sin(xs[i + 1]) for i in range(3)], xs)
    >>> r.function, r.jacobian, r.method
    (6, 9, 'reverse')
    >>> print(r)
    Jacobian/function operations: 9/6 = 1.50 (reverse)
    """
    roots = list(as_roots(exprs))
    rows = jacobian(roots, variables, method=method)
    entries = [e for row in rows for e in row]
    return JacobianRatio(len(lower(roots).equations), len(lower(entries).equations),
                         getattr(rows, "method", method))
