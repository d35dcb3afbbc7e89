"""Measurements: tree and DAG sizes, op counts, CSE sizes, networkx export, SymPy's counts."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from pathlib import Path

import networkx
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

import symdiff
from symdiff import ConversionError, diff, parse
from symdiff._measure import (
    NestedSize,
    compare_with_sympy,
    dag_size,
    depth,
    nested_sizes,
    op_counts,
    program_size,
    sympy_count_ops,
    sympy_cse,
    sympy_tree_size,
    to_networkx,
    tree_size,
)
from symdiff.studies.workloads import logistic_map, nested_sin, network_loss

from .strategies import X, expressions, points, value_or_none

x, y = symdiff.symbols("x y")


def brute_force_tree_size(expr: symdiff.Expr) -> int:
    """Count the tree by visiting every occurrence (no memo): only for small trees."""
    count, stack = 0, [expr]
    while stack:
        node = stack.pop()
        count += 1
        stack.extend(node.args)
    return count


def brute_force_op_counts(expr: symdiff.Expr) -> dict[str, int]:
    counts: dict[str, int] = {}
    stack = [expr]
    while stack:
        node = stack.pop()
        counts[node.op.name] = counts.get(node.op.name, 0) + 1
        stack.extend(node.args)
    return counts


# --- tree, DAG, depth ----------------------------------------------------------------------


def test_logistic_derivative_tree_sizes_by_brute_force():
    for n in range(1, 11):
        d = diff(logistic_map(n), x)
        assert tree_size(d) == brute_force_tree_size(d)
        assert tree_size(logistic_map(n)) == brute_force_tree_size(logistic_map(n))


def test_logistic_closed_forms():
    # l(n) = (4*l)*(1 - l): T(n) = 2T(n-1) + 5, so T(n) = 6*2^(n-1) - 5; its derivative
    # (4*d)*(1 - l) - (4*l)*d has D(n) = 2D(n-1) + 2T(n-1) + 9 = (3n - 4)*2^n + 1 for n >= 3.
    for n in (3, 4, 5, 20, 57):
        f = logistic_map(n)
        d = diff(f, x)
        assert tree_size(f) == 6 * 2 ** (n - 1) - 5
        assert tree_size(d) == (3 * n - 4) * 2**n + 1
        assert dag_size(f) == 3 * n
        assert dag_size(d) == 7 * n - 7
    assert tree_size(diff(logistic_map(20), x)) == 58_720_257


def test_tree_size_at_n_10000_is_exact():
    n = 10_000
    f = logistic_map(n)
    d = diff(f, x)
    start = time.perf_counter()
    size = tree_size(d)
    assert time.perf_counter() - start < 60  # ~0.2 s quiet; a hang guard, not a speed test
    assert size == (3 * n - 4) * 2**n + 1
    assert len(str(size)) == 3015  # thousands of digits, exactly
    assert dag_size(d) == 7 * n - 7
    assert depth(f) == 2 * (n - 1)  # (4*l)*(1 - l): two levels per step


def test_sequences_count_shared_nodes_once():
    a = parse("x*y")
    assert dag_size([a, a + 1]) == dag_size(a + 1)
    assert tree_size([a, a + 1]) == 3 + 5
    assert tree_size([[a], (a, [a + 1])]) == 3 + 3 + 5  # nested tuples, like a Hessian
    hess = symdiff.hessian(parse("x**2*y"), [x, y])
    assert dag_size(hess) == dag_size([e for row in hess for e in row])
    assert depth([x, a + 1]) == 2
    assert tree_size(3) == dag_size(2.5) == 1


def test_bad_input_is_a_symdiff_error():
    with pytest.raises(ConversionError):
        dag_size("x*y")
    with pytest.raises(ConversionError):
        op_counts([x, None])


@given(expressions())
def test_depth_and_sizes_agree_with_brute_force(e):
    assert tree_size(e) == brute_force_tree_size(e)
    assert dag_size(e) <= tree_size(e)


# --- op counts -----------------------------------------------------------------------------


def test_op_counts_example():
    counts = op_counts(parse("x*x + x*x"))
    assert counts.dag == {"add": 1, "mul": 1}
    assert counts.tree == {"add": 1, "mul": 2}
    assert "mul" in str(counts)


@given(expressions())
def test_op_counts_add_up_to_the_sizes(e):
    counts = op_counts(e, leaves=True)
    assert sum(counts.dag.values()) == dag_size(e)
    assert sum(counts.tree.values()) == tree_size(e)
    assert counts.tree == {k: v for k, v in brute_force_op_counts(e).items()}
    without = op_counts(e)
    assert set(without.dag) == set(counts.dag) - {"symbol", "const"}


def test_op_counts_of_a_huge_tree_are_exact():
    n = 3000
    counts = op_counts(diff(logistic_map(n), x))
    assert sum(counts.dag.values()) == dag_size(diff(logistic_map(n), x)) - 3  # x, 1, 4
    assert counts.tree["mul"] > 2**n


# --- CSE program sizes ---------------------------------------------------------------------


def test_program_size_example():
    size = program_size(parse("(x*y + 1)*sin(x*y + 1)"))
    assert (size.assignments, size.operations, size.nodes) == (1, 4, 9)
    assert size.seconds is not None and size.seconds >= 0


@given(st.lists(expressions(), min_size=1, max_size=3), st.booleans())
def test_program_size_matches_the_printed_program(exprs, three_address):
    program = symdiff.cse(exprs, three_address=three_address)
    size = program_size(exprs, three_address=three_address)
    assert size.assignments == program.n_assignments
    assert size.operations == program.n_operations
    # Read every right-hand side and output back: temporaries become symbols, so the tree
    # size of the text is the program's node count.
    lines = program.lines()
    bodies = [line.split(" = ", 1)[1] for line in lines[:-1]]
    outputs = lines[-1][len("return "):]
    expected = sum(tree_size(parse(b)) for b in bodies)
    expected += sum(tree_size(parse(o)) for o in _split_outputs(outputs))
    assert size.nodes == expected


def _split_outputs(text: str) -> list[str]:
    """Split ``a, b, c`` at top-level commas."""
    parts, level, current = [], 0, ""
    for ch in text:
        if ch == "," and level == 0:
            parts.append(current)
            current = ""
            continue
        level += ch == "("
        level -= ch == ")"
        current += ch
    return [*parts, current]


def test_program_size_of_a_gradient_is_linear():
    loss = network_loss(hidden=3, points=5)
    size = program_size(symdiff.grad(loss.expr, loss.wrt))
    assert size.operations == symdiff.cse(symdiff.grad(loss.expr, loss.wrt)).n_operations
    assert size.nodes < tree_size(symdiff.grad(loss.expr, loss.wrt))


# --- nested sizes --------------------------------------------------------------------------


def test_nested_sizes_of_the_logistic_chain():
    ls = [logistic_map(n) for n in range(1, 30)]
    ds = [diff(f, x) for f in ls]
    for exprs in (ls, ds):
        got = nested_sizes(exprs)
        for e, size in zip(exprs, got, strict=True):
            program = symdiff.cse(e)
            assert size == NestedSize(dag_size(e), program.n_operations, program.n_assignments)


@given(st.lists(expressions(max_leaves=8), min_size=1, max_size=5))
def test_nested_sizes_of_any_sequence_are_exact(exprs):
    # Arbitrary sequences are mostly not nested: the fallback must still be exact.
    exprs = [*exprs, exprs[-1] * exprs[-1], exprs[0]]
    for e, size in zip(exprs, nested_sizes(exprs), strict=True):
        program = symdiff.cse(e)
        assert size == (dag_size(e), program.n_operations, program.n_assignments)


# --- networkx ------------------------------------------------------------------------------


@given(st.lists(expressions(), min_size=1, max_size=3))
def test_networkx_cross_checks(exprs):
    g = to_networkx(exprs)
    assert g.number_of_nodes() == dag_size(exprs)
    assert networkx.is_directed_acyclic_graph(g)
    assert networkx.dag_longest_path_length(g) == depth(exprs)
    distinct_args = sum(len(set(data["expr"].args)) for _, data in g.nodes(data=True))
    assert g.number_of_edges() == distinct_args
    for node, data in g.nodes(data=True):
        e = data["expr"]
        assert data["op"] == e.op.name
        assert g.in_degree(node) == len(set(e.args))
        if e.is_constant:
            assert data["value"] == e.value and data["label"] == str(e.value)
        elif e.is_symbol:
            assert data["label"] == e.name and data["value"] is None
        else:
            assert data["label"] == e.op.label and data["value"] is None
    for root, r in zip(g.graph["roots"], (symdiff.as_expr(e) for e in exprs), strict=True):
        assert g.nodes[root]["expr"] is r


@given(expressions(), points)
def test_networkx_values_at_a_point(e, at):
    if value_or_none(e, at) is None:
        return
    g = to_networkx(e, at=at)
    for _, data in g.nodes(data=True):
        assert math.isclose(data["value"], data["expr"].evaluate(at), rel_tol=1e-12,
                            abs_tol=1e-12) or data["value"] == data["expr"].evaluate(at)


def test_networkx_edges_record_argument_slots_and_data_flow():
    g = to_networkx(parse("x*x + 1"))
    ids = {data["label"]: node for node, data in g.nodes(data=True)}
    assert g.edges[ids["x"], ids["×"]]["positions"] == (0, 1)
    assert g.graph["roots"] == [ids["+"]]
    assert list(networkx.topological_sort(g))[-1] == ids["+"]


@pytest.mark.slow
def test_networkx_of_a_deep_graph():
    g = to_networkx(nested_sin(20_000))
    assert g.number_of_nodes() == 20_001
    assert networkx.dag_longest_path_length(g) == 20_000


# --- SymPy's counts ------------------------------------------------------------------------


@given(st.lists(expressions(max_leaves=8), min_size=1, max_size=2))
def test_sympy_tree_size_is_the_preorder_count(exprs):
    converted = symdiff.to_sympy(exprs)
    preorder = sum(sum(1 for _ in sympy.preorder_traversal(s)) for s in converted)
    assert sympy_tree_size(exprs) == preorder
    assert sympy_tree_size(list(converted)) == preorder
    assert sympy_count_ops(exprs) == sum(sympy.count_ops(s) for s in converted)


def test_sympy_tree_size_of_a_huge_shared_sympy_tree():
    X = sympy.Symbol("x")
    e = X
    for _ in range(40):
        e = sympy.sin(e) * sympy.cos(e)  # each level uses the previous one twice
    size = sympy_tree_size(e)  # T(k) = 2T(k-1) + 3, T(0) = 1 (never let pytest print e)
    assert size == 4 * 2**40 - 3


def test_sympy_cse_is_measured_like_ours():
    e = diff(logistic_map(5), x)
    theirs = sympy_cse(e)
    replacements, reduced = sympy.cse(symdiff.to_sympy(e))
    assert theirs.assignments == len(replacements)
    assert theirs.operations == sum(sympy.count_ops(r) for _, r in replacements) + sum(
        sympy.count_ops(r) for r in reduced)
    assert theirs.nodes == sum(sympy_tree_size(r) for _, r in replacements) + sum(
        sympy_tree_size(r) for r in reduced)
    assert theirs.seconds > 0


def test_compare_with_sympy():
    c = compare_with_sympy(parse("(x*y + 1)*sin(x*y + 1)"))
    assert (c.tree_size, c.dag_size, c.sympy_tree_size, c.sympy_count_ops) == (12, 7, 12, 6)
    assert c.program.operations == c.sympy_program.operations == 4
    text = str(c)
    assert "symdiff" in text and "SymPy" in text and "CSE operations" in text


def test_the_derivative_of_x_is_counted_everywhere():
    assert tree_size(diff(X, X)) == 1
    assert sympy_tree_size(diff(X, X)) == 1


# --- the benchmark's smoke test ------------------------------------------------------------

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_cse.py"


@pytest.mark.slow
def test_bench_cse_quick_runs(tmp_path):
    out = tmp_path / "rows.json"
    done = subprocess.run([sys.executable, str(BENCH), "--quick", "--json", str(out)],
                          capture_output=True, text=True, timeout=180, cwd=BENCH.parent.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| expression | tree nodes (symdiff / SymPy) |" in done.stdout
    assert "1. symdiff.cse ≥ 1,000× faster than sympy.cse" in done.stdout
    rows = {r["case"]: r for r in json.loads(out.read_text(encoding="utf-8"))}
    row = rows["W1 logistic dl/dx, n = 8"]
    d = diff(logistic_map(8), x)
    assert (row["tree"], row["dag"]) == (tree_size(d), dag_size(d))
    assert row["ops"] == symdiff.cse(d).n_operations
    assert row["sympy_tree"] == sympy_tree_size(d)
    assert row["cse_seconds"] > 0 and row["sympy_cse_seconds"] > row["cse_seconds"]
    assert row["ops"] <= row["sympy_ops"]
