"""The four-methods comparison: all agree with the symbolic gradient; costs scale as expected."""

from __future__ import annotations

import importlib.util

import pytest

import symdiff
from symdiff import SymdiffError, symbols, workloads
from symdiff.ad import Tape
from symdiff.studies.compare import (
    compare_methods,
    compare_report,
    scaling_table,
    symbolic_gradient_function,
)

x, y, w, b = symbols("x y w b")


def test_four_methods_on_the_network_loss():
    wl = workloads.network_loss(hidden=3, points=5)
    c = compare_methods(wl, repeats=2)
    n, ops = 10, Tape(wl.expr).n_operations
    assert c.n_inputs == n and c.n_operations == ops
    assert [r.method.split(" (")[0] for r in c.results] == [
        "numeric", "symbolic", "forward-mode AD", "reverse-mode AD"]
    numeric, symbolic, forward, reverse = c.results
    # Accuracy: differences lose digits, the other three are exact to rounding.
    assert 1e-13 < numeric.max_error < 1e-6
    assert symbolic.max_error < 1e-13 and forward.max_error < 1e-13
    assert reverse.max_error < 1e-13
    # Cost: 2 evaluations per input, one sweep per input, one sweep in all.
    assert numeric.operations == 2 * n * ops
    assert numeric.passes == "20 evaluations of f" and forward.passes == "10 forward sweeps"
    assert forward.operations > 5 * ops
    assert ops < reverse.operations < 4 * ops
    assert symbolic.operations < 4 * ops
    assert all(r.seconds > 0 and r.setup_seconds > 0 for r in c.results)
    text = str(c)
    assert "reverse-mode AD" in text and "1 forward + 1 backward sweep" in text
    assert f"{2 * n * ops:,}" in text


def test_reverse_mode_cost_does_not_grow_with_the_inputs():
    small = compare_methods(workloads.network_loss(hidden=2, points=4), repeats=1)
    large = compare_methods(workloads.network_loss(hidden=12, points=4), repeats=1)

    def ratio(c, method):
        return c.result(method).operations / c.n_operations

    assert ratio(large, "forward") > 3 * ratio(small, "forward")
    assert ratio(large, "numeric") == 2 * large.n_inputs
    assert abs(ratio(large, "reverse") - ratio(small, "reverse")) < 0.5


def test_any_expression_and_fixed_symbols():
    c = compare_methods(x * symdiff.sin(y), {x: 2.0, y: 0.5}, repeats=1)
    assert c.n_inputs == 2 and c.result("reverse").max_error < 1e-15
    # x is fixed at 1 (so w*x folds to w) and the gradient is taken with respect to (w, b).
    seed = compare_methods(workloads.seed_sigmoid(), repeats=1)
    assert seed.n_inputs == 2 and seed.n_operations == 5
    assert seed.result("forward").operations == 10 + 10
    assert seed.result("reverse").operations == 5 + 6
    with pytest.raises(SymdiffError, match="point"):
        compare_methods(x * y)
    with pytest.raises(SymdiffError, match="repeats"):
        compare_methods(x * y, {x: 1, y: 2}, repeats=0)
    with pytest.raises(SymdiffError, match="no method"):
        c.result("telepathy")


def test_symbolic_gradient_function():
    f, how = symbolic_gradient_function(x * x * y, [y, x])
    assert f(3.0, 2.0) == (12.0, (4.0, 12.0))
    expected = "compiled" if importlib.util.find_spec("symdiff.codegen") else "interpreted"
    assert how == expected
    with pytest.raises(SymdiffError, match="depends on y"):
        symbolic_gradient_function(x * y, [x])


def test_report_and_scaling_table():
    text = compare_report(hidden=2, points=3, repeats=1)
    assert "7 inputs" in text and "forward-mode AD" in text
    table = scaling_table((1, 2), points=3, repeats=1)
    assert table.count("\n") == 5 and "inputs n" in table
