"""Limits (issue 15): huge numbers in messages, the DAG view's size limit, printing memory."""

from __future__ import annotations

import tracemalloc

import pytest

import symdiff
from symdiff import workloads
from symdiff._util import exact_number


@pytest.fixture(scope="module")
def l15000():
    return workloads.logistic_map(15000)  # a tree of 8.45e4515 nodes: past int→str limits


def test_exact_number_writes_any_int():
    assert exact_number(12345) == "12345"
    assert exact_number(10**4000) == str(10**4000)  # exact while Python can write it
    assert exact_number(3 * 10**5000) == "3.00e5000"
    assert exact_number(-(2**20000)) == "-3.98e6020"


def test_the_tree_views_refusal_names_a_huge_size(l15000):
    with pytest.raises(symdiff.TreeTooLargeError, match=r"8\.45e4515 nodes") as info:
        symdiff.to_dot(l15000, view="tree")
    assert "view='dag': 45000 distinct nodes" in str(info.value)


def test_op_counts_print_at_any_size(l15000):
    text = str(symdiff.op_counts(l15000))
    assert text.splitlines()[1].split() == ["sub", "14999", "1.40e4515"]


def test_the_dag_view_refuses_a_layout_graphviz_cannot_finish():
    l50 = workloads.logistic_map(50)  # 150 nodes, but 4,704 rank crossings of long edges
    with pytest.raises(symdiff.DagTooLargeError, match="lay out 4854 nodes") as info:
        symdiff.to_dot(l50)
    assert isinstance(info.value, symdiff.RenderError) and "max_dag_size" in str(info.value)
    with pytest.raises(symdiff.DagTooLargeError):
        symdiff.to_dot(l50, view="heat")
    with pytest.raises(symdiff.DagTooLargeError):
        symdiff.derivative_dot(l50, "x")
    with pytest.raises(symdiff.DagTooLargeError):
        symdiff.to_dot_computation(l50, {"x": 0.1})
    graph = symdiff.to_dot(l50, max_dag_size=5000)  # the override
    assert sum('class="expr' in line for line in graph.body) == 150
    chain = workloads.nested_sin(2999)  # a chain has no long edges: 3,000 points
    assert sum('class="expr' in line for line in symdiff.to_dot(chain).body) == 3000
    with pytest.raises(symdiff.DagTooLargeError):
        symdiff.to_dot(workloads.nested_sin(3000))
    with pytest.raises(symdiff.RenderError, match="max_dag_size must be an int"):
        symdiff.to_dot(chain, max_dag_size="big")


def test_the_dag_limit_on_the_command_line(tmp_path, capsys):
    from symdiff.cli import main

    text = "4*x*(1-x)"
    for _ in range(5):  # logistic l6: 18 nodes, a few long edges
        text = f"4*({text})*(1-({text}))"
    out = tmp_path / "l.svg"
    assert main(["render", text, "-o", str(out), "--max-dag-size", "20"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("symdiff render: error: the dag view would lay out") and (
        err.count("\n") == 1)
    assert not out.exists()
    assert main(["render", text, "-o", str(out)]) == 0 and out.is_file()


def _peak_bytes(fn):
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_printing_a_deeply_shared_dag_takes_memory_linear_in_it():
    """Printing compares tree sizes with a limit: capped at it, they are small ints (exact
    ones grow a bit per level: 330 MB for str(logistic_map(40000)) before, 39 MB after)."""
    e = workloads.logistic_map(20000)
    nodes = symdiff.dag_size(e)
    peak = _peak_bytes(lambda: str(e))
    assert peak < 400 * nodes, peak / nodes  # about 250 bytes a node; 1 KB before the fix
