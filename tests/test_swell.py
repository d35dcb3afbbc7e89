"""The expression-swell study: Table 1, the sweep, forward vs reverse, naive_diff, plots."""

from __future__ import annotations

import time

import pytest
import sympy
from hypothesis import given

import symdiff
from symdiff import SymdiffError, diff, parse, swell
from symdiff._diff import derivative_table
from symdiff._measure import dag_size, sympy_tree_size, tree_size
from symdiff.studies.swell import (
    COLUMNS,
    column_help,
    format_forward_vs_reverse,
    format_higher_order,
    format_naive,
    format_sweep,
    format_table_one,
    forward_vs_reverse,
    higher_order,
    logistic_sweep,
    naive_diff,
    naive_vs_memoized,
    plot_sweep,
    plot_timing,
    table_one,
)
from symdiff.studies.workloads import logistic_map, nested_sin, product_of_variables

from .strategies import expressions

x = symdiff.Symbol("x")
SX = sympy.Symbol("x")

# Baydin, Pearlmutter, Radul & Siskind (JMLR 2018), Table 1: (l_n, naive d l_n/dx, simplified).
# n = 1..3 as the seed notes quote them; n = 4 in the same factored style.
PAPER = {
    1: ("x", "1", "1"),
    2: ("4*x*(1 - x)", "4*(1 - x) - 4*x", "4 - 8*x"),
    3: ("16*x*(1 - x)*(1 - 2*x)**2",
        "16*(1 - x)*(1 - 2*x)**2 - 16*x*(1 - 2*x)**2 - 64*x*(1 - x)*(1 - 2*x)",
        "16*(1 - 10*x + 24*x**2 - 16*x**3)"),
    4: ("64*x*(1 - x)*(1 - 2*x)**2*(1 - 8*x + 8*x**2)**2",
        "128*x*(1 - x)*(-8 + 16*x)*(1 - 2*x)**2*(1 - 8*x + 8*x**2)"
        " + 64*(1 - x)*(1 - 2*x)**2*(1 - 8*x + 8*x**2)**2"
        " - 64*x*(1 - 2*x)**2*(1 - 8*x + 8*x**2)**2"
        " - 256*x*(1 - x)*(1 - 2*x)*(1 - 8*x + 8*x**2)**2",
        "64*(1 - 42*x + 504*x**2 - 2640*x**3 + 7040*x**4 - 9984*x**5 + 7168*x**6"
        " - 2048*x**7)"),
}


def same(a: str, b: str) -> bool:
    sa, sb = (sympy.sympify(t, locals={"x": SX}) for t in (a, b))
    return sympy.expand(sa - sb) == 0


# --- Table 1 -------------------------------------------------------------------------------


def test_table_one_equals_the_paper():
    rows = table_one()
    assert [r.n for r in rows] == [1, 2, 3, 4]
    for row in rows:
        function, naive, simplified = PAPER[row.n]
        assert same(row.function, function)
        assert same(row.naive, naive)
        assert same(row.simplified, simplified)
        assert same(row.simplified, naive)


def test_table_one_prints_symdiffs_own_trees():
    for row in table_one():
        f = logistic_map(row.n)
        assert parse(row.function) is f
        assert parse(row.naive) is diff(f, x)  # the naive column is diff's output, as a tree
        assert (row.function_tree, row.naive_tree) == (tree_size(f), tree_size(diff(f, x)))
    row3 = table_one(3)[2]
    assert row3.simplified == "16*(1 - 10*x + 24*x**2 - 16*x**3)"
    assert row3.naive == ("4*(4*(1 - x) - 4*x)*(1 - 4*x*(1 - x)) "
                          "- 4*(4*x*(1 - x))*(4*(1 - x) - 4*x)")


def test_table_one_text_and_limits():
    text = format_table_one()
    assert "n = 4" in text and "16*(1 - 10*x + 24*x**2 - 16*x**3)" in text
    with pytest.raises(SymdiffError):
        table_one(9)
    with pytest.raises(SymdiffError):
        table_one(0)


# --- the sweep -----------------------------------------------------------------------------


def test_sweep_columns_are_exact():
    rows = logistic_sweep(14, sympy=False)
    assert [r.n for r in rows] == list(range(1, 15))
    for r in rows:
        f = logistic_map(r.n)
        d = diff(f, x)
        program = symdiff.cse(d)
        assert (r.f_tree, r.f_dag) == (tree_size(f), dag_size(f))
        assert (r.df_tree, r.df_dag) == (tree_size(d), dag_size(d))
        assert (r.cse_assignments, r.cse_operations) == (program.n_assignments,
                                                         program.n_operations)
        assert r.sympy_tree is None and r.sympy_seconds is None
    assert rows[-1].df_tree == (3 * 14 - 4) * 2**14 + 1
    assert rows[-1].swell == rows[-1].df_tree / rows[-1].df_dag


def test_sweep_derivatives_are_the_nodes_diff_returns():
    # The sweep's single forward pass must produce exactly symdiff.diff's nodes.
    memo = derivative_table(logistic_map(30), x)
    for n in range(1, 31):
        assert memo[logistic_map(n)] is diff(logistic_map(n), x)


def test_sweep_at_n_10000_is_fast_and_exact():
    n = 10_000
    start = time.perf_counter()
    rows = logistic_sweep(n, sympy=False)
    text = format_sweep(rows)
    assert time.perf_counter() - start < 60  # a hang guard, not a speed test
    last = rows[-1]
    assert last.df_tree == (3 * n - 4) * 2**n + 1
    assert last.f_tree == 6 * 2 ** (n - 1) - 5
    assert (last.f_dag, last.df_dag) == (3 * n, 7 * n - 7)
    assert [r.df_dag for r in rows[1:]] == [7 * k - 7 for k in range(2, n + 1)]
    assert "5.98e3014" in text.splitlines()[n]  # derivative tree nodes
    with pytest.raises(SymdiffError):
        logistic_sweep(10_001)


def test_sweep_growth_rates():
    rows = logistic_sweep(20, sympy=False)
    text = " ".join(format_sweep(rows).split())
    assert "grows x2.11 per step" in text and "by 7 nodes" in text
    assert rows[-1].df_tree == 58_720_257 and rows[-1].df_dag == 133


def test_sweep_sympy_columns_within_budget():
    rows = logistic_sweep(12, budget=0.05)
    measured = [r for r in rows if r.sympy_tree is not None]
    assert measured and measured == rows[:len(measured)]  # a prefix, blank after
    assert len(measured) < len(rows)
    for r in measured[:6]:
        expected = sympy.diff(symdiff.to_sympy(logistic_map(r.n)), sympy.Symbol("x"))
        assert r.sympy_tree == sympy_tree_size(expected)
        assert r.sympy_seconds > 0
    assert "SymPy's columns stop after n =" in format_sweep(rows)
    assert all(r.sympy_tree is None for r in logistic_sweep(5, budget=0))


def test_column_help_explains_every_column():
    text = column_help()
    header = format_sweep(logistic_sweep(3, sympy=False)).splitlines()[0].split("  ")
    for column in (c.strip() for c in header if c.strip()):
        assert column in COLUMNS
        assert column in text


# --- forward vs reverse --------------------------------------------------------------------


def test_reverse_stays_within_three_times_the_function():
    rows = forward_vs_reverse()
    names = {r.workload for r in rows}
    assert any("sigmoid" in n for n in names) and any("network" in n for n in names)
    assert any("nested" in n for n in names) and any("product" in n for n in names)
    for r in rows:
        assert r.reverse_dag <= 3 * r.f_dag, r
    products = [r for r in rows if r.workload.startswith("product")]
    ratios = [r.forward_dag / r.f_dag for r in products]
    assert ratios == sorted(ratios) and ratios[-1] > 10  # forward swells with the variables
    text = format_forward_vs_reverse(rows)
    assert "product of 100 variables" in text


def test_forward_vs_reverse_sizes_are_the_direct_ones():
    w = product_of_variables(12)
    (row,) = forward_vs_reverse([("p", w.expr, w.wrt)])
    assert row.forward_dag == dag_size(tuple(diff(w.expr, v) for v in w.wrt))
    assert row.reverse_dag == dag_size(symdiff.grad(w.expr, w.wrt))
    assert row.tree == tree_size(symdiff.grad(w.expr, w.wrt))
    assert row.variables == 12 and row.forward_seconds > 0 and row.reverse_seconds > 0


# --- naive differentiation -----------------------------------------------------------------


@given(expressions())
def test_naive_diff_gives_the_same_node_as_diff(e):
    for v in (x, symdiff.Symbol("y")):
        assert naive_diff(e, v) is diff(e, v)


def test_naive_diff_refuses_above_the_work_limit():
    f = logistic_map(12)  # 12283 tree nodes
    assert naive_diff(f, x, limit=20_000) is diff(f, x)
    with pytest.raises(SymdiffError, match="work limit"):
        naive_diff(f, x, limit=10_000)
    start = time.perf_counter()
    with pytest.raises(SymdiffError, match="tree"):
        naive_diff(logistic_map(10_000), x)  # refuses at once, does not hang
    assert time.perf_counter() - start < 60  # a hang guard, not a speed test


def test_naive_diff_is_iterative():
    deep = nested_sin(20_000)
    assert naive_diff(deep, x) is diff(deep, x)


def test_naive_diff_bad_input():
    with pytest.raises(SymdiffError):
        naive_diff(parse("x*y"), parse("x + 1"))
    with pytest.raises(SymdiffError):
        naive_diff("x", x)


def test_naive_vs_memoized_rows():
    rows = naive_vs_memoized(12, limit=5_000)
    assert [r.work for r in rows] == [tree_size(logistic_map(n)) for n in range(1, 13)]
    assert all((r.naive_seconds is None) == (r.work > 5_000) for r in rows)
    assert all(r.memo_seconds > 0 for r in rows)
    text = format_naive(rows)
    assert "refused" in text and "naive/diff" in text


# --- higher order --------------------------------------------------------------------------


def test_higher_order_sizes():
    rows = higher_order(5, budget=0.5)
    assert len(rows) == 15
    functions = {"sigmoid(x)": symdiff.sigmoid(x), "sin(x)**4": symdiff.sin(x) ** 4,
                 "exp(sin(x))": symdiff.exp(symdiff.sin(x))}
    for r in rows:
        d = diff(functions[r.function], x, r.k)
        assert (r.tree, r.dag) == (tree_size(d), dag_size(d))
        assert r.seconds > 0
    first = [r for r in rows if r.sympy_tree is not None and r.k == 1]
    assert len(first) == 3
    sig = sympy.diff(symdiff.to_sympy(symdiff.sigmoid(x)), sympy.Symbol("x"))
    assert first[0].sympy_tree == sympy_tree_size(sig)
    assert "exp(sin(x))" in format_higher_order(rows)
    with pytest.raises(SymdiffError):
        higher_order(0)


def test_higher_order_trees_swell_dags_do_not():
    rows = [r for r in higher_order(10, sympy=False) if r.function == "sigmoid(x)"]
    assert rows[-1].tree > 10**7 and rows[-1].dag < 300


# --- figures -------------------------------------------------------------------------------


def test_plots_are_written(tmp_path):
    rows = logistic_sweep(12, budget=0.05)
    svg = plot_sweep(rows, tmp_path / "swell.svg")
    png = plot_sweep(rows, tmp_path / "sub" / "swell.png")
    assert svg.read_text().lstrip().startswith("<?xml") and "<svg" in svg.read_text()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    timing = plot_timing(naive_vs_memoized(8), rows, tmp_path / "time.png")
    assert timing.stat().st_size > 10_000
    with pytest.raises(SymdiffError):
        plot_sweep(rows, tmp_path / "swell.txt")


def test_plot_of_astronomical_sizes(tmp_path):
    rows = logistic_sweep(3000, sympy=False)  # tree sizes far beyond a float
    assert plot_sweep(rows, tmp_path / "big.png").stat().st_size > 10_000


def test_format_helpers():
    assert swell._fmt(None) == ""
    assert swell._fmt(123) == "123"
    assert swell._fmt(10**5000) == "1.00e5000"
    assert swell._fmt(10**5000 - 1) == "9.99e4999"
    assert swell._fmt(2 * 10**15 + 5) == "2.00e15"
    assert swell._fmt(10**12) == "1.00e12"
    assert swell._fmt(999_999_999_999) == "999999999999"
    assert swell._ratio(10**400, 1) == "1.00e400"


def test_the_study_example_runs(tmp_path, capsys):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "examples" / "swell_study.py"
    spec = importlib.util.spec_from_file_location("example_swell_study", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--quick", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "## Table 1" in out and "## The logistic map, n = 1..10" in out
    for name in ("swell.svg", "swell.png", "swell-time.svg", "swell-time.png"):
        assert (tmp_path / name).stat().st_size > 10_000
