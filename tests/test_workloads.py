"""The shared workloads."""

from __future__ import annotations

import pytest

import symdiff
from symdiff import workloads


def test_logistic_map_sizes_are_linear():
    for n in (1, 2, 10, 100):
        e = workloads.logistic_map(n)
        assert symdiff.dag_size(e) == 1 + 3 * (n - 1) + (2 if n > 1 else 0)


def test_seed_sigmoid_values():
    w = workloads.seed_sigmoid()
    assert w.expr.evaluate(w.at) == 0.5
    assert tuple(g.evaluate(w.at) for g in symdiff.grad(w.expr, w.wrt)) == (0.25, 0.25)


def test_network_loss_has_31_parameters_and_expanded_form_agrees():
    w = workloads.network_loss()
    assert len(w.wrt) == 31
    expanded = workloads.network_loss(expanded=True)
    assert expanded.expr.evaluate(w.at) == pytest.approx(w.expr.evaluate(w.at), rel=1e-12)
    assert symdiff.dag_size(expanded.expr) > symdiff.dag_size(w.expr)


def test_nested_and_product():
    assert symdiff.depth(workloads.nested_sin(300)) == 300
    p = workloads.product_of_variables(50)
    assert len(p.wrt) == 50
    assert symdiff.dag_size(symdiff.grad(p.expr, p.wrt)) <= 3 * symdiff.dag_size(p.expr)


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_bad_sizes(bad):
    with pytest.raises(symdiff.SymdiffError):
        workloads.logistic_map(bad)
