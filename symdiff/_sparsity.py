"""Structural sparsity of Jacobians and Hessians, read off the DAG.

Which entries of a Jacobian or Hessian can be non-zero is a property of the graph: entry
``(i, j)`` of the Jacobian is structurally non-zero when output ``i`` reaches variable ``j``
through edges whose local partial is not identically zero (``step``'s and ``sign``'s are), and
entry ``(j, k)`` of the Hessian is when some node on such a path *mixes* ``j`` and ``k``
non-linearly (``x*y`` mixes x and y; ``sin(u)`` mixes every pair of u's variables; ``u + v``
mixes nothing). Both facts come from the op table, not from a list of op names: an op's
partial rules are evaluated once per call on fresh symbols, and which operands each partial
depends on says how the op mixes them. The patterns are exact for the graph as built (a
cancellation such as ``x*y - y*x`` is not seen: it is a structural pattern).

Cost: one forward pass (the variable set of every node, as a bit mask) and, for Hessians, one
reverse pass (which nodes the output depends on), each linear in the DAG size times the cost
of a set union of the variables involved.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ._errors import DifferentiationError, SymdiffError
from ._expr import SYMBOLIC, Constant, Expr, Symbol, as_expr, as_roots, as_symbol
from ._ops import CONST, SYMBOL, Op
from ._program import lower
from ._sweeps import Algebra, forward
from ._traversal import toposort

__all__ = ["SparseMatrix", "jacobian_pattern", "hessian_pattern", "as_scipy_pattern",
           "check_variables", "jacobian_sparsity", "hessian_sparsity", "color", "COLORINGS",
           "color_rows",
           "recover_symmetric"]


@dataclass(frozen=True)
class SparseMatrix:
    """A matrix of expressions that stores only its structural non-zeros, by rows.

    ``rows[i]`` is the tuple of column indices of row ``i`` (increasing) and ``values[i]`` the
    expressions at those columns. :func:`symdiff.lambdify` with ``output="sparse"`` compiles it
    to a function returning a ``scipy.sparse.csr_array`` with this pattern.

    >>> import symdiff
    >>> x, y = symdiff.symbols("x y")
    >>> H = symdiff.hessian(x**2 * y, [x, y], sparse=True)
    >>> H.shape, H.nnz
    ((2, 2), 3)
    >>> print(H[0, 1], H[1, 1])
    2*x 0
    """

    shape: tuple[int, int]
    rows: tuple[tuple[int, ...], ...]
    values: tuple[tuple[Expr, ...], ...]

    @property
    def nnz(self) -> int:
        """The number of structural non-zeros."""
        return sum(len(r) for r in self.rows)

    def __getitem__(self, index: tuple[int, int]) -> Expr:
        i, j = index
        row = self.rows[i]
        if j in row:
            return self.values[i][row.index(j)]
        if not 0 <= j < self.shape[1] and not -self.shape[1] <= j < 0:
            raise IndexError(f"column {j} is out of range for shape {self.shape}")
        return _ZERO

    def entries(self) -> list[tuple[int, int, Expr]]:
        """``(row, column, expression)`` of every structural non-zero, row by row."""
        return [(i, j, e) for i, (row, vals) in enumerate(zip(self.rows, self.values,
                                                               strict=True))
                for j, e in zip(row, vals, strict=True)]

    def dense(self) -> tuple[tuple[Expr, ...], ...]:
        """The full matrix as nested tuples, with ``0`` at the structural zeros."""
        out: list[list[Expr]] = [[_ZERO] * self.shape[1] for _ in range(self.shape[0])]
        for i, j, e in self.entries():
            out[i][j] = e
        return tuple(tuple(r) for r in out)

    def pattern(self) -> Any:
        """The pattern as a ``scipy.sparse.csr_array`` of ones (int8)."""
        return as_scipy_pattern(self.rows, self.shape)


_ZERO = Constant(0)


def check_variables(variables: Iterable[Any]) -> list[Symbol]:
    wrt = [as_symbol(v) for v in ([variables] if isinstance(variables, Symbol) else variables)]
    if len(set(wrt)) != len(wrt):
        raise DifferentiationError("a variable appears more than once")
    return wrt


class _OpShape:
    """How one op's output depends on its operands, from its partial rules: per operand,
    whether the partial can be non-zero, and the operands the partial itself depends on."""

    __slots__ = ("mixes", "nonzero")

    def __init__(self, op: Op) -> None:
        operands = [Symbol(f"_sparsity_operand_{i}") for i in range(op.arity)]
        out = Symbol("_sparsity_output")
        partials: list[Any] = []
        for rule in op.partials:
            try:
                partials.append(rule(SYMBOLIC, *operands, out))
            except Exception:  # a rule that cannot take symbols: assume the worst
                partials.append(None)
        self.nonzero = [not (isinstance(p, (int, float)) and p == 0)
                        and not (isinstance(p, Constant) and p.value == 0) for p in partials]
        every = frozenset(i for i in range(op.arity) if self.nonzero[i])
        self.mixes: list[frozenset[int]] = []
        for p in partials:
            if p is None:
                self.mixes.append(frozenset(range(op.arity)))
            elif not isinstance(p, Expr) or p.op is CONST:
                self.mixes.append(frozenset())
            else:
                found = {n for n in toposort((p,)) if n.op is SYMBOL}
                used = {i for i, s in enumerate(operands) if s in found}
                self.mixes.append(frozenset(used | (every if out in found else set())))


class _Patterns(Algebra):
    """Structure as the forward sweep's algebra: a tangent is the set of variables a node
    depends on through structurally non-zero partials (a bit mask; bit j is variable j), so
    one forward sweep seeded with every variable's bit gives every node's pattern."""

    def __init__(self) -> None:
        self.shapes: dict[Op, _OpShape] = {}

    def jvp_rule(self, op: Any) -> Any:
        shape = self.shapes.get(op)
        if shape is None:
            shape = self.shapes[op] = _OpShape(op)
        nonzero = shape.nonzero

        def union(F: Any, args: Any, out: Any, tangents: Sequence[int | None]) -> int | None:
            m = 0
            for t, flag in zip(tangents, nonzero, strict=True):
                if flag and t:
                    m |= t
            return m or None

        return union


def _masks(roots: Sequence[Expr], wrt: Sequence[Symbol]
           ) -> tuple[list[Expr], dict[Expr, int], dict[Op, _OpShape]]:
    """Topological order, each node's variable set (bit j = variable j) and the ops' shapes:
    the forward sweep over the roots' program, with patterns as its algebra."""
    program = lower(list(roots))
    slot = {s: k for k, s in enumerate(program.inputs)}
    seeds = [(slot[v], 1 << j) for j, v in enumerate(wrt) if v in slot]
    patterns = _Patterns()
    tangents = forward(program, program.nodes, seeds, patterns)
    mask = {node: t or 0 for node, t in zip(program.nodes, tangents, strict=True)}
    for eq in program.equations:  # every op's shape, also where no tangent reached
        patterns.jvp_rule(eq.op)
    return list(program.nodes), mask, patterns.shapes


def _bits(mask: int) -> list[int]:
    found = []
    while mask:
        low = mask & -mask
        found.append(low.bit_length() - 1)
        mask ^= low
    return found


def jacobian_pattern(exprs: Any, variables: Iterable[Any]) -> tuple[tuple[int, ...], ...]:
    """Per output, the indices of the variables its row of the Jacobian may be non-zero at."""
    roots = as_roots(exprs)
    wrt = check_variables(variables)
    _, mask, _ = _masks(roots, wrt)
    return tuple(tuple(_bits(mask[r])) for r in roots)


def hessian_pattern(expr: Any, variables: Iterable[Any]) -> tuple[tuple[int, ...], ...]:
    """Per variable ``j``, the variables ``k`` with ∂²f/∂xⱼ∂xₖ structurally non-zero."""
    root = as_expr(expr)
    wrt = check_variables(variables)
    order, mask, shapes = _masks((root,), wrt)
    rows = [0] * len(wrt)
    live = {root}  # nodes the output depends on through non-zero partials
    for node in reversed(order):
        if node not in live or not node.args:
            continue
        shape = shapes[node.op]
        for i, arg in enumerate(node.args):
            if not shape.nonzero[i] or not mask[arg]:
                continue
            live.add(arg)
            for k in shape.mixes[i]:
                a, b = mask[arg], mask[node.args[k]]
                if not b:
                    continue
                for j in _bits(a):
                    rows[j] |= b
                for j in _bits(b):
                    rows[j] |= a
    return tuple(tuple(_bits(r)) for r in rows)


def as_scipy_pattern(rows: Sequence[Sequence[int]], shape: tuple[int, int]) -> Any:
    """Rows of column indices as a ``scipy.sparse.csr_array`` of ones (int8)."""
    import numpy as np
    from scipy import sparse

    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(r) for r in rows])
    indices = np.fromiter((j for r in rows for j in r), dtype=np.int64, count=int(indptr[-1]))
    data = np.ones(len(indices), dtype=np.int8)
    return sparse.csr_array((data, indices, indptr), shape=shape)


# --- the public patterns ---------------------------------------------------------------------


def jacobian_sparsity(exprs: Any, variables: Iterable[Any]) -> Any:
    """The structural pattern of the Jacobian of ``exprs`` (one or a sequence of expressions)
    with respect to ``variables``, as a ``scipy.sparse.csr_array`` of ones, from one pass
    over the DAG (see the module notes: exact for the graph as built).

    >>> import symdiff
    >>> x1, x2, x3 = symdiff.symbols("x1 x2 x3")
    >>> symdiff.jacobian_sparsity([x1 * x2, symdiff.sin(x3)], [x1, x2, x3]).toarray()
    array([[1, 1, 0],
           [0, 0, 1]], dtype=int8)
    """
    roots = as_roots(exprs)
    wrt = check_variables(variables)
    return as_scipy_pattern(jacobian_pattern(roots, wrt), (len(roots), len(wrt)))


def hessian_sparsity(expr: Any, variables: Iterable[Any]) -> Any:
    """The structural pattern of the Hessian of ``expr`` with respect to ``variables``, as a
    symmetric ``scipy.sparse.csr_array`` of ones: ``(j, k)`` is set when some node that the
    output depends on mixes ``xⱼ`` and ``xₖ`` non-linearly (one forward and one reverse
    pass over the DAG).

    >>> import symdiff
    >>> x1, x2, x3 = symdiff.symbols("x1 x2 x3")
    >>> symdiff.hessian_sparsity(x1 * x2 + symdiff.exp(x3) + x1, [x1, x2, x3]).toarray()
    array([[0, 1, 0],
           [1, 0, 0],
           [0, 0, 1]], dtype=int8)
    """
    wrt = check_variables(variables)
    return as_scipy_pattern(hessian_pattern(expr, wrt), (len(wrt), len(wrt)))


# --- colouring ---------------------------------------------------------------------------------

#: The kinds of :func:`color`.
COLORINGS = ("column", "star")


def _rows_of(pattern: Any) -> tuple[tuple[tuple[int, ...], ...], int]:
    """A pattern (scipy sparse matrix, dense array or rows of column indices) as rows of
    column indices and the number of columns."""
    if hasattr(pattern, "tocsr"):
        csr = pattern.tocsr()
        csr.sum_duplicates()
        rows = tuple(tuple(sorted(int(j) for j, d in zip(
            csr.indices[csr.indptr[i]:csr.indptr[i + 1]],
            csr.data[csr.indptr[i]:csr.indptr[i + 1]], strict=True) if d != 0))
            for i in range(csr.shape[0]))
        return rows, int(csr.shape[1])
    import numpy as np

    dense = np.asarray(pattern)
    if dense.ndim != 2:
        raise SymdiffError("a sparsity pattern is a 2-D matrix")
    return tuple(tuple(int(j) for j in np.flatnonzero(row)) for row in dense), dense.shape[1]


def _column_coloring(rows: Sequence[Sequence[int]], n: int, strategy: str) -> list[int]:
    """Greedy colouring of the column intersection graph (columns that share a row are
    adjacent) with networkx: structurally orthogonal groups of columns."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    for row in rows:
        for a in range(len(row)):
            for b in range(a + 1, len(row)):
                graph.add_edge(row[a], row[b])
    coloring = nx.coloring.greedy_color(graph, strategy=strategy)
    return [coloring[j] for j in range(n)]


def _star_order(neighbours: list[set[int]], strategy: str, known: dict[int, int]
                ) -> Iterable[int]:
    """The vertices in the order ``strategy`` takes them: ``"natural"`` (column order) or
    one of networkx's greedy strategies, which may read the colours given so far (DSATUR
    does: the caller keeps ``known`` up to date while it consumes the order)."""
    n = len(neighbours)
    if strategy == "natural":
        return range(n)
    if strategy in ("saturation_largest_first", "DSATUR"):
        return _dsatur_order(neighbours, known)
    import networkx as nx
    from networkx.algorithms.coloring import greedy_coloring

    chosen = greedy_coloring.STRATEGIES.get(strategy)
    if chosen is None:
        raise SymdiffError(f"unknown colouring strategy {strategy!r}; choose natural or one "
                           f"of {', '.join(greedy_coloring.STRATEGIES)}")
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from((v, w) for v in range(n) for w in neighbours[v] if v < w)
    return (int(v) for v in chosen(graph, known))


def _dsatur_order(neighbours: list[set[int]], known: dict[int, int]) -> Iterator[int]:
    """DSATUR's order (Brélaz 1979; networkx's ``saturation_largest_first``): next the
    uncoloured vertex with the most distinct colours among its neighbours, then the highest
    degree, then the lowest index. A heap with lazy deletion, so O((V + E) log V) where
    networkx's scan of every vertex per step is O(V²)."""
    import heapq

    saturation: list[set[int]] = [set() for _ in neighbours]
    heap = [(0, -len(ws), v) for v, ws in enumerate(neighbours)]
    heapq.heapify(heap)
    while heap:
        minus_sat, _, v = heapq.heappop(heap)
        if v in known or -minus_sat != len(saturation[v]):
            continue  # coloured already, or a stale entry
        yield v
        c = known[v]  # the caller coloured v before asking for the next vertex
        for w in neighbours[v]:
            if w not in known and c not in saturation[w]:
                saturation[w].add(c)
                heapq.heappush(heap, (-len(saturation[w]), -len(neighbours[w]), w))


def _star_coloring(rows: Sequence[Sequence[int]], n: int, strategy: str = "natural"
                   ) -> list[int]:
    """Greedy star colouring of the adjacency graph of a symmetric pattern (vertex j, edge
    j–k for every off-diagonal non-zero): a proper colouring in which every path on four
    vertices uses at least three colours, which is what direct recovery of a symmetric
    matrix from compressed columns needs. Vertices are taken in order; a colour is refused
    if it equals a neighbour's or would close a two-coloured path on four coloured vertices
    through the new vertex (Gebremedhin, Manne & Pothen, SIAM Review 47 (2005), §4)."""
    neighbours: list[set[int]] = [set() for _ in range(n)]
    for i, row in enumerate(rows):
        for j in row:
            if j != i:
                neighbours[i].add(j)
                neighbours[j].add(i)
    color = [-1] * n
    known: dict[int, int] = {}  # the colours so far, for strategies that read them
    for v in _star_order(neighbours, strategy, known):
        forbidden = {color[w] for w in neighbours[v] if color[w] >= 0}
        for w in neighbours[v]:
            cw = color[w]
            if cw < 0:
                continue
            # v–w–x is two-coloured if v takes x's colour; refuse it when a path
            # y–v–w–x or v–w–x–y would be two-coloured as well.
            v_has_cw = any(color[u] == cw for u in neighbours[v] if u != w)
            for x in neighbours[w]:
                cx = color[x]
                if x == v or cx < 0 or cx in forbidden:
                    continue
                if v_has_cw or any(color[y] == cw for y in neighbours[x] if y != w):
                    forbidden.add(cx)
        c = 0
        while c in forbidden:
            c += 1
        color[v] = known[v] = c
    return color


def color(pattern: Any, kind: str = "column", strategy: str = "saturation_largest_first"
          ) -> list[int]:
    """One colour per column of a sparsity ``pattern`` (a scipy sparse matrix, a dense 0/1
    array, or the output of :func:`jacobian_sparsity` / :func:`hessian_sparsity`).

    ``kind="column"``: columns of one colour share no row, so a Jacobian is recovered from
    one directional derivative per colour. It is networkx's greedy colouring of the column
    intersection graph, with ``strategy`` one of networkx's (default DSATUR,
    ``"saturation_largest_first"``). ``kind="star"`` (symmetric patterns, Hessians): a greedy
    star colouring (every path on four vertices has three colours), which recovers a
    symmetric matrix directly and needs no more colours than a column colouring — often
    fewer; its vertices are taken in DSATUR order by default (ours, O((V + E) log V)),
    ``strategy="natural"`` takes them in column order and any other networkx strategy name
    in that strategy's order. A tridiagonal pattern takes 3 colours either way (the
    optimum).

    >>> import numpy as np, symdiff
    >>> tridiagonal = np.eye(6) + np.eye(6, k=1) + np.eye(6, k=-1)
    >>> symdiff.color(tridiagonal, kind="star")
    [2, 0, 1, 0, 2, 0]
    >>> max(symdiff.color(tridiagonal)) + 1
    3
    """
    rows, n = _rows_of(pattern)
    return color_rows(rows, n, kind, strategy)


def color_rows(rows: Sequence[Sequence[int]], n: int, kind: str = "column",
               strategy: str = "saturation_largest_first") -> list[int]:
    """:func:`color` of a pattern given as rows of column indices, with ``n`` columns."""
    if kind not in COLORINGS:
        raise SymdiffError(f"kind must be one of {', '.join(COLORINGS)}, not {kind!r}")
    if kind == "star":
        if len(rows) != n:
            raise SymdiffError(f"a star colouring needs a square (symmetric) pattern, not "
                               f"{len(rows)}×{n}")
        return _star_coloring(rows, n, strategy)
    if strategy == "natural":
        raise SymdiffError("strategy='natural' is for star colourings; a column colouring "
                           "takes one of networkx's strategies")
    return _column_coloring(rows, n, strategy)


def recover_symmetric(rows: Sequence[Sequence[int]], colors: Sequence[int]
                      ) -> dict[tuple[int, int], tuple[int, int]]:
    """For every non-zero ``(i, j)``, ``j ≤ i``, of a symmetric pattern with a star
    colouring: ``(colour, row)`` such that ``H[i, j]`` is entry ``row`` of the compressed
    column ``colour`` (the Hessian times the sum of that colour's unit vectors). Row ``i``
    gives it when ``j`` is the only column of its colour there, else row ``j`` does (the star
    property guarantees one of the two)."""
    row_sets = [set(r) for r in rows]
    for i, r in enumerate(rows):
        for j in r:
            row_sets[j].add(i)
    counts = [dict[int, int]() for _ in rows]
    for i, members in enumerate(row_sets):
        for j in members:
            counts[i][colors[j]] = counts[i].get(colors[j], 0) + 1
    found: dict[tuple[int, int], tuple[int, int]] = {}
    for i, members in enumerate(row_sets):
        for j in members:
            if j > i:
                continue
            if counts[i][colors[j]] == 1:
                found[i, j] = (colors[j], i)
            elif counts[j][colors[i]] == 1:
                found[i, j] = (colors[i], j)
            else:
                raise SymdiffError(f"the colouring is not a star colouring at ({i}, {j})")
    return found
