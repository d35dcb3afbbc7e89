"""The expression-swell study: trees swell, shared graphs do not.

Every table is returned as data (lists of frozen dataclasses) by one function and formatted as
text by another, so the command line, the report and the docs print the same thing:

* :func:`table_one` / :func:`format_table_one` — Baydin et al. (JMLR 2018), Table 1: the
  logistic map lₙ, its derivative as naive symbolic differentiation writes it, and simplified.
* :func:`logistic_sweep` / :func:`format_sweep` — sizes for n = 1..N (any N up to 10,000): the
  function and its derivative as trees and as DAGs, the CSE program, and SymPy alongside.
* :func:`forward_vs_reverse` / :func:`format_forward_vs_reverse` — one forward ``diff`` per
  variable against one reverse sweep (``grad``) on the other workloads.
* :func:`naive_diff`, :func:`naive_vs_memoized` / :func:`format_naive` — the same derivative by
  a tree walk without memoization: exponential seconds, not only exponential nodes.
* :func:`higher_order` / :func:`format_higher_order` — dᵏ/dxᵏ for k = 1..10.
* :func:`plot_sweep`, :func:`plot_timing` — log-scale figures (SVG or PNG, by file suffix).
* swell at tensor level (the last section of :func:`format_study`): the seed's network and the
  logistic map as tensor expressions against the same written out element by element —
  :mod:`symdiff.studies.tensor_swell`.

:data:`COLUMNS` explains every column of the sweep table. SymPy's columns are measured while a
step stays within a time budget (``budget`` seconds, 10 by default) and left blank after.
"""

from __future__ import annotations

import math
import textwrap
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .._diff import derivative_table, diff, grad, local_partial
from .._errors import SymdiffError
from .._expr import FUNCTION_BUILDERS, Constant, Expr, Symbol, add, as_symbol, mul
from .._measure import dag_size, nested_sizes, sympy_tree_size, tree_size
from .._ops import CONST, SYMBOL
from .._printing import to_text
from .._tables import html_table
from .._traversal import toposort, tree_sizes
from ._swell_common import Budget as _Budget
from ._swell_common import check_n as _check_n
from ._swell_common import clear_sympy_cache as _clear_sympy_cache
from ._swell_common import fmt as _fmt
from ._swell_common import fmt_time as _time
from ._swell_common import ratio as _ratio
from ._swell_common import sympy_available as _sympy_available
from ._swell_common import table as _table
from ._swell_common import timed as _timed
from ._swell_plots import plot_sweep, plot_timing
from .workloads import logistic_map, nested_sin, network_loss, product_of_variables, seed_sigmoid

__all__ = [
    "COLUMNS", "column_help", "TableOneRow", "table_one", "format_table_one",
    "SweepRow", "logistic_sweep", "format_sweep", "ModeRow", "forward_vs_reverse",
    "format_forward_vs_reverse", "naive_diff", "DEFAULT_WORK_LIMIT", "NaiveRow",
    "naive_vs_memoized", "format_naive", "HigherOrderRow", "higher_order",
    "format_higher_order", "plot_sweep", "plot_timing", "format_study", "StudyTable",
]

_ZERO = Constant(0)
_ONE = Constant(1)
_X = Symbol("x")

#: What each column of the logistic-map sweep (:func:`format_sweep`) means.
COLUMNS: dict[str, str] = {
    "n": "iteration of the logistic map: l1 = x, l(n+1) = 4*l(n)*(1 - l(n))",
    "f tree": "nodes of l(n) written out as a tree (shared subexpressions repeated)",
    "f DAG": "distinct nodes of l(n) as symdiff stores it (a shared graph)",
    "df tree": "nodes of dl(n)/dx written as a tree: what tree-based symbolic "
               "differentiation produces (grows exponentially)",
    "df DAG": "distinct nodes of symdiff's dl(n)/dx (grows linearly)",
    "CSE asg": "assignments (temporaries) of symdiff.cse(dl(n)/dx)",
    "CSE ops": "operations executed by that straight-line program",
    "SymPy tree": "nodes of sympy.diff(l(n), x) (preorder_traversal count; SymPy folds "
                  "constants and like terms as it builds); blank past the time budget",
    "SymPy time": "time sympy.diff took (SymPy's cache cleared first); blank past the budget",
    "swell": "df tree / df DAG: how much larger the tree is than the shared graph",
    "df/f": "df DAG / f DAG: the derivative's cost relative to the function's (stays ~2.3)",
}


def column_help() -> str:
    """The explanations of :data:`COLUMNS` as text (for ``symdiff swell --help``).

    >>> print(column_help().splitlines()[0])
    n           iteration of the logistic map: l1 = x, l(n+1) = 4*l(n)*(1 - l(n))
    """
    width = max(map(len, COLUMNS)) + 2
    return "\n".join(f"{name:<{width}}{text}" for name, text in COLUMNS.items())


class StudyTable(list):  # type: ignore[type-arg]
    """The rows of a study (its row dataclasses; a list in every way) that ``print`` and
    ``repr`` as the study's text table and display in notebooks as an HTML table of the same
    cells.

    >>> rows = naive_vs_memoized(2)
    >>> rows[0].n, len(rows)
    (1, 2)
    >>> rows._repr_html_().startswith('<table class="symdiff">')
    True
    """

    def __init__(self, rows: Iterable[Any], text: Callable[[Any], str],
                 cells: Callable[[Any], tuple[list[str], list[list[str]], str]]) -> None:
        super().__init__(rows)
        self._text, self._cells = text, cells

    def __str__(self) -> str:
        return self._text(self)

    def __repr__(self) -> str:
        return self._text(self)

    def _repr_html_(self) -> str:
        header, body, notes = self._cells(self)
        return html_table(header, body, footer=notes or None)

    def __reduce__(self) -> Any:
        return (StudyTable, (list(self), self._text, self._cells))


# --- Table 1 -------------------------------------------------------------------------------

@dataclass(frozen=True)
class TableOneRow:
    """One row of Table 1: lₙ and its naive derivative as symdiff prints them (as trees),
    the derivative simplified by SymPy, and the tree sizes."""

    n: int
    function: str
    naive: str
    simplified: str
    function_tree: int
    naive_tree: int


def table_one(n: int = 4) -> StudyTable:
    """Table 1 of Baydin et al. for 1..n (n ≤ 8: the naive column is printed in full).

    >>> print(table_one(2)[1].naive, "=", table_one(2)[1].simplified)
    4*(1 - x) - 4*x = 4*(1 - 2*x)
    """
    import sympy

    _check_n(n, limit=8)
    rows = []
    for k in range(1, n + 1):
        f = logistic_map(k)
        df = diff(f, _X)
        expanded = sympy.expand(sympy.sympify(to_text(df, max_tree=10**9),
                                              locals={"x": sympy.Symbol("x")}))
        simplified = sympy.sstr(sympy.factor_terms(expanded), order="rev-lex")
        rows.append(TableOneRow(k, to_text(f, max_tree=10**9), to_text(df, max_tree=10**9),
                                simplified, tree_size(f), tree_size(df)))
    return StudyTable(rows, format_table_one, _table_one_cells)


def format_table_one(rows: Sequence[TableOneRow] | None = None) -> str:
    """Table 1 as text: one block per n (the naive derivative is long)."""
    rows = table_one() if rows is None else rows
    lines = ["Baydin et al. (2018), Table 1: l(n+1) = 4 l(n) (1 - l(n)), l1 = x"]
    for r in rows:
        lines += ["", f"n = {r.n}",
                  f"  l_n                 {r.function}   [{r.function_tree} tree nodes]",
                  f"  d l_n/dx (naive)    {r.naive}   [{r.naive_tree} tree nodes]",
                  f"  simplified (SymPy)  {r.simplified}"]
    return "\n".join(lines)


def _table_one_cells(rows: Sequence[TableOneRow]) -> tuple[list[str], list[list[str]], str]:
    body = [[str(r.n), r.function, str(r.function_tree), r.naive, str(r.naive_tree),
             r.simplified] for r in rows]
    return (["n", "l_n", "tree nodes", "d l_n/dx (naive)", "tree nodes", "simplified (SymPy)"],
            body, "Baydin et al. (2018), Table 1: l(n+1) = 4 l(n) (1 - l(n)), l1 = x")


# --- the logistic-map sweep ----------------------------------------------------------------


@dataclass(frozen=True)
class SweepRow:
    """Sizes at one n of the logistic-map sweep (see :data:`COLUMNS`). The SymPy fields are
    None where SymPy was not run (past the time budget, or not asked for)."""

    n: int
    f_tree: int
    f_dag: int
    df_tree: int
    df_dag: int
    cse_assignments: int
    cse_operations: int
    sympy_tree: int | None = None
    sympy_seconds: float | None = None

    @property
    def swell(self) -> float:
        """df tree / df DAG (a float; may be inf for astronomically large trees)."""
        try:
            return self.df_tree / self.df_dag
        except OverflowError:
            return math.inf


def logistic_sweep(n: int = 20, *, sympy: bool = True, budget: float = 10.0
                   ) -> StudyTable:
    """Rows for lₙ, n = 1..``n`` (at most 10,000): every symdiff column exactly, in one pass
    over lₙ's DAG; SymPy's derivative size and time while each ``sympy.diff`` stays within
    ``budget`` seconds (``sympy=False`` skips SymPy).

    >>> rows = logistic_sweep(4, sympy=False)
    >>> [(r.df_tree, r.df_dag) for r in rows]
    [(1, 1), (9, 7), (41, 14), (129, 21)]
    """
    _check_n(n)
    # lₖ = (4·lₖ₋₁)·(1 − lₖ₋₁): walk down from lₙ instead of building every lₖ anew (O(n²)).
    functions = [logistic_map(n)]
    for _ in range(n - 1):
        functions.append(functions[-1].args[0].args[1])
    functions.reverse()
    memo = derivative_table(functions[-1], _X)
    derivatives = [memo[f] for f in functions]
    f_tree = tree_sizes(toposort(functions))
    df_tree = tree_sizes(toposort(derivatives))
    f_sizes = nested_sizes(functions)
    df_sizes = nested_sizes(derivatives)
    sympy_cols = _sympy_logistic(functions, budget) if sympy and _sympy_available() else {}
    rows = []
    for k, (f, df) in enumerate(zip(functions, derivatives, strict=True), start=1):
        tree, seconds = sympy_cols.get(k, (None, None))
        rows.append(SweepRow(k, f_tree[f], f_sizes[k - 1][0], df_tree[df], df_sizes[k - 1][0],
                             df_sizes[k - 1][2], df_sizes[k - 1][1], tree, seconds))
    return StudyTable(rows, format_sweep, _sweep_cells)


def _sympy_logistic(functions: Sequence[Expr], budget: float) -> dict[int, tuple[int, float]]:
    import sympy

    from ..interop._sympy import to_sympy

    x = sympy.Symbol("x")
    results: dict[int, tuple[int, float]] = {}
    clock = _Budget(budget)
    for k, f in enumerate(functions, start=1):
        if not clock.allows():
            break
        expr = to_sympy(f)
        _clear_sympy_cache()
        start = time.perf_counter()
        derivative = sympy.diff(expr, x)
        seconds = time.perf_counter() - start
        clock.spent(seconds)
        results[k] = (sympy_tree_size(derivative), seconds)
    return results


def _growth_summary(rows: Sequence[SweepRow]) -> list[str]:
    if len(rows) < 3:
        return []
    a, b = rows[-2], rows[-1]
    text = (f"From n = {a.n} to {b.n}: the derivative's tree grows "
            f"x{_ratio(b.df_tree, a.df_tree)} per step (exponential); its DAG grows by "
            f"{b.df_dag - a.df_dag} nodes and the CSE program by "
            f"{b.cse_operations - a.cse_operations} operations per step (linear).")
    timed = [r for r in rows if r.sympy_seconds is not None]
    if timed and len(timed) < len(rows):
        text += (f" SymPy's columns stop after n = {timed[-1].n}: the next sympy.diff would "
                 f"have been over the time budget.")
    return textwrap.wrap(text, 96)


def format_sweep(rows: Sequence[SweepRow]) -> str:
    """The sweep as a text table, with the growth rates underneath (:data:`COLUMNS` explains
    the columns).

    >>> print(format_sweep(logistic_sweep(3, sympy=False)))  # doctest: +NORMALIZE_WHITESPACE
    n  f tree  f DAG  df tree  df DAG  CSE asg  CSE ops  SymPy tree  SymPy time  swell  df/f
    1       1      1        1       1        0        0                           1     1
    2       7      6        9       7        0        4                        1.29  1.17
    3      19      9       41      14        4       11                        2.93  1.56
    <BLANKLINE>
    From n = 2 to 3: the derivative's tree grows x4.56 per step (exponential); its DAG grows by
    7 nodes and the CSE program by 7 operations per step (linear).
    """
    header, body, _ = _sweep_cells(rows)
    return "\n".join([_table(header, body, left=0), "", *_growth_summary(rows)]).rstrip()


def _sweep_cells(rows: Sequence[SweepRow]) -> tuple[list[str], list[list[str]], str]:
    body = [[str(r.n), _fmt(r.f_tree), str(r.f_dag), _fmt(r.df_tree), str(r.df_dag),
             str(r.cse_assignments), str(r.cse_operations), _fmt(r.sympy_tree),
             _time(r.sympy_seconds), _ratio(r.df_tree, r.df_dag), _ratio(r.df_dag, r.f_dag)]
            for r in rows]
    return list(COLUMNS), body, " ".join(_growth_summary(rows))


# --- forward (one diff per variable) vs reverse (grad) -------------------------------------


@dataclass(frozen=True)
class ModeRow:
    """One workload differentiated with respect to all its variables, two ways: forward, one
    ``diff`` per variable (the derivatives measured together, shared nodes counted once), and
    reverse, one ``grad``. Sizes in distinct nodes; ``tree`` is the gradient's tree size."""

    workload: str
    variables: int
    f_dag: int
    forward_dag: int
    reverse_dag: int
    tree: int
    forward_seconds: float
    reverse_seconds: float


def _mode_cases() -> list[tuple[str, Expr, tuple[Symbol, ...]]]:
    seed = seed_sigmoid()
    cases = [("neuron sigmoid(wx + b)", seed.expr, seed.wrt)]
    for hidden in (1, 2, 5, 10, 20):
        w = network_loss(hidden=hidden)
        cases.append((f"network loss, {hidden} hidden", w.expr, w.wrt))
    for d in (10, 100, 1000):
        cases.append((f"nested sin, depth {d}", nested_sin(d), (_X,)))
    for n in (5, 10, 20, 50, 100):
        w = product_of_variables(n)
        cases.append((f"product of {n} variables", w.expr, w.wrt))
    return cases


def forward_vs_reverse(cases: Iterable[tuple[str, Expr, Sequence[Symbol]]] | None = None
                       ) -> StudyTable:
    """Per-variable forward ``diff`` against reverse ``grad`` on the workloads: the seed's
    sigmoid, the network loss with all its parameters, deep nesting and a product of many
    variables (or on ``cases``: ``(name, expression, variables)`` triples).

    >>> x, y = Symbol("x"), Symbol("y")
    >>> row = forward_vs_reverse([("x*y", x * y, (x, y))])[0]
    >>> row.f_dag, row.forward_dag, row.reverse_dag
    (3, 2, 2)
    """
    rows = []
    for name, f, wrt in _mode_cases() if cases is None else cases:
        wrt = tuple(wrt)
        forward, t_forward = _timed(lambda f=f, wrt=wrt: tuple(diff(f, v) for v in wrt))
        sizes = dag_size(forward)
        forward = None  # released before reverse mode is timed (no intern-table hits)
        reverse, t_reverse = _timed(lambda f=f, wrt=wrt: grad(f, wrt))
        rows.append(ModeRow(name, len(wrt), dag_size(f), sizes, dag_size(reverse),
                            tree_size(reverse), t_forward, t_reverse))
    return StudyTable(rows, format_forward_vs_reverse, _mode_cells)


def format_forward_vs_reverse(rows: Sequence[ModeRow]) -> str:
    """The forward-vs-reverse study as a text table."""
    header, body, _ = _mode_cells(rows)
    return _table(header, body)


def _mode_cells(rows: Sequence[ModeRow]) -> tuple[list[str], list[list[str]], str]:
    header = ["workload", "vars", "f DAG", "fwd DAG", "fwd/f", "rev DAG", "rev/f",
              "grad tree", "fwd time", "rev time", "fwd/rev time"]
    body = [[r.workload, str(r.variables), str(r.f_dag), str(r.forward_dag),
             _ratio(r.forward_dag, r.f_dag), str(r.reverse_dag), _ratio(r.reverse_dag, r.f_dag),
             _fmt(r.tree), _time(r.forward_seconds), _time(r.reverse_seconds),
             _ratio(r.forward_seconds, r.reverse_seconds)]
            for r in rows]
    return header, body, ""


# --- naive (tree-walking, unmemoized) differentiation --------------------------------------

#: :func:`naive_diff` refuses expressions whose tree has more nodes than this (~seconds).
DEFAULT_WORK_LIMIT = 2_000_000


def naive_diff(expr: Expr, var: Symbol, *, limit: int = DEFAULT_WORK_LIMIT) -> Expr:
    """d expr/d var by walking the expression as a tree, without memoization: every
    occurrence of a shared subexpression is differentiated again, so the work is
    :func:`symdiff.tree_size` of ``expr`` — exponential in n for the logistic map. Kept for the
    swell study; use :func:`symdiff.diff`. It applies the same rules as ``diff`` (and nodes are
    interned), so the result is the very same node ``diff`` returns, only slower.

    Iterative (an explicit stack), and it refuses, with :class:`symdiff.SymdiffError`, an
    expression whose tree has more than ``limit`` nodes rather than run for hours.

    >>> from symdiff import parse
    >>> e = parse("x*sin(x)")
    >>> print(naive_diff(e, Symbol("x")))
    sin(x) + x*cos(x)
    >>> naive_diff(e, Symbol("x")) is diff(e, Symbol("x"))
    True
    """
    if not isinstance(expr, Expr):
        raise SymdiffError(f"naive_diff needs an expression, not {type(expr).__name__}")
    var = as_symbol(var, SymdiffError)
    work = tree_size(expr)
    if work > limit:
        raise SymdiffError(
            f"naive_diff refuses: the expression has {_fmt(work)} nodes as a tree, over the "
            f"work limit of {limit} (use symdiff.diff, which differentiates each distinct "
            f"node once, or raise limit=)")
    results: list[Expr] = []
    stack: list[tuple[Expr, bool]] = [(expr, False)]
    while stack:
        node, ready = stack.pop()
        if node.op is SYMBOL:
            results.append(_ONE if node is var else _ZERO)
        elif node.op is CONST:
            results.append(_ZERO)
        elif not ready:
            stack.append((node, True))
            stack.extend((arg, False) for arg in reversed(node.args))
        else:
            k = len(node.args)
            dargs = results[-k:]
            del results[-k:]
            total: Expr | None = None
            for i, darg in enumerate(dargs):
                if darg is _ZERO:
                    continue
                partial = local_partial(node, i)
                term = mul(darg, partial) if i == 0 else mul(partial, darg)
                total = term if total is None else add(total, term)
            results.append(_ZERO if total is None else total)
    return results[0]


@dataclass(frozen=True)
class NaiveRow:
    """Seconds to differentiate lₙ by :func:`naive_diff` (None: refused, over the work
    limit) and by the memoized :func:`symdiff.diff`; ``work`` is lₙ's tree size."""

    n: int
    work: int
    naive_seconds: float | None
    memo_seconds: float


def naive_vs_memoized(n: int = 16, *, limit: int = DEFAULT_WORK_LIMIT) -> StudyTable:
    """Time both differentiators on lₙ for 1..n; the naive one only up to ``limit`` tree
    nodes.

    >>> [r.work for r in naive_vs_memoized(4)]
    [1, 7, 19, 43]
    """
    _check_n(n)
    rows = []
    for k in range(1, n + 1):
        f = logistic_map(k)
        work = tree_size(f)
        memo = _timed(lambda f=f: diff(f, _X))[1]
        naive = None
        if work <= limit:
            naive = _timed(lambda f=f: naive_diff(f, _X, limit=limit))[1]
        rows.append(NaiveRow(k, work, naive, memo))
    return StudyTable(rows, format_naive, _naive_cells)


def format_naive(rows: Sequence[NaiveRow]) -> str:
    """Naive against memoized differentiation as a text table."""
    header, body, _ = _naive_cells(rows)
    return _table(header, body, left=0)


def _naive_cells(rows: Sequence[NaiveRow]) -> tuple[list[str], list[list[str]], str]:
    body = [[str(r.n), _fmt(r.work), _time(r.naive_seconds) if r.naive_seconds is not None
             else "refused", _time(r.memo_seconds),
             _ratio(r.naive_seconds, r.memo_seconds) if r.naive_seconds else ""]
            for r in rows]
    return ["n", "f tree (work)", "naive time", "diff time", "naive/diff"], body, ""


# --- higher-order derivatives --------------------------------------------------------------


@dataclass(frozen=True)
class HigherOrderRow:
    """dᵏf/dxᵏ by repeated ``diff``: its tree and DAG sizes and the seconds to build it from
    f; SymPy's repeated ``diff`` alongside (None past the time budget)."""

    function: str
    k: int
    tree: int
    dag: int
    seconds: float
    sympy_tree: int | None = None
    sympy_seconds: float | None = None


def _higher_order_cases() -> list[tuple[str, Expr]]:
    sigmoid, sin, exp = (FUNCTION_BUILDERS[name] for name in ("sigmoid", "sin", "exp"))
    return [("sigmoid(x)", sigmoid(_X)), ("sin(x)**4", sin(_X) ** 4),
            ("exp(sin(x))", exp(sin(_X)))]


def higher_order(k: int = 10, *, cases: Iterable[tuple[str, Expr]] | None = None,
                 sympy: bool = True, budget: float = 10.0) -> StudyTable:
    """dᵏ/dxᵏ for 1..k of sigmoid(x), sin(x)**4 and exp(sin(x)) (or ``cases``:
    ``(name, expression of x)`` pairs), against SymPy's repeated ``diff``.

    >>> [(r.k, r.tree, r.dag) for r in higher_order(3, sympy=False)[:3]]
    [(1, 7, 5), (2, 23, 8), (3, 87, 14)]
    """
    _check_n(k, "k", limit=100)
    rows = []
    for name, f in _higher_order_cases() if cases is None else cases:
        mine = []
        d, elapsed = f, 0.0
        for _ in range(k):
            start = time.perf_counter()
            d = diff(d, _X)
            elapsed += time.perf_counter() - start
            mine.append((tree_size(d), dag_size(d), elapsed))
        theirs = _sympy_higher(f, k, budget) if sympy and _sympy_available() else []
        for j, (tree, dag, seconds) in enumerate(mine):
            s_tree, s_seconds = theirs[j] if j < len(theirs) else (None, None)
            rows.append(HigherOrderRow(name, j + 1, tree, dag, seconds, s_tree, s_seconds))
    return StudyTable(rows, format_higher_order, _higher_cells)


def _sympy_higher(f: Expr, k: int, budget: float) -> list[tuple[int, float]]:
    import sympy

    from ..interop._sympy import to_sympy

    x = sympy.Symbol("x")
    d = to_sympy(f)
    _clear_sympy_cache()
    out: list[tuple[int, float]] = []
    clock = _Budget(budget)
    elapsed = 0.0
    for _ in range(k):
        if not clock.allows():
            break
        start = time.perf_counter()
        d = sympy.diff(d, x)
        step = time.perf_counter() - start
        clock.spent(step)
        elapsed += step
        out.append((sympy_tree_size(d), elapsed))
    return out


def format_higher_order(rows: Sequence[HigherOrderRow]) -> str:
    """The higher-order study as a text table."""
    header, body, _ = _higher_cells(rows)
    return _table(header, body)


def _higher_cells(rows: Sequence[HigherOrderRow]) -> tuple[list[str], list[list[str]], str]:
    body = [[r.function, str(r.k), _fmt(r.tree), str(r.dag), _ratio(r.tree, r.dag),
             _time(r.seconds), _fmt(r.sympy_tree), _time(r.sympy_seconds)] for r in rows]
    return ["f", "k", "tree", "DAG", "swell", "build time", "SymPy tree", "SymPy time"], body, ""


def format_study(n: int = 20, *, budget: float = 10.0, naive_n: int = 16,
                 orders: int = 10, tensor_limit: int = 2_000) -> str:
    """The whole study as text: Table 1, the sweep, forward vs reverse, naive vs memoized,
    higher order, and swell at tensor level (scalarized graphs built up to ``tensor_limit``
    elements, counted exactly beyond)."""
    from . import tensor_swell

    sections = [
        ("Table 1", format_table_one()),
        ("Logistic map sweep", format_sweep(logistic_sweep(n, budget=budget))),
        ("Forward (one diff per variable) vs reverse (grad)",
         format_forward_vs_reverse(forward_vs_reverse())),
        ("Naive vs memoized differentiation", format_naive(naive_vs_memoized(naive_n))),
        ("Higher-order derivatives", format_higher_order(higher_order(orders, budget=budget))),
        ("Swell at tensor level", tensor_swell.format_study(*tensor_swell.study(tensor_limit))),
    ]
    return "\n\n".join(f"## {title}\n\n{text}" for title, text in sections)
