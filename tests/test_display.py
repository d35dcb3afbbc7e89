"""Notebook display: formulas by default, pictures on request, tables as tables."""

from __future__ import annotations

import pickle

import pytest

import symdiff
from symdiff import Formulas, grad, parse
from symdiff._printing import DISPLAY_LATEX_MAX_NODES
from symdiff.studies import swell
from symdiff.studies.workloads import logistic_map, nested_sin, seed_sigmoid

SEED = seed_sigmoid()
x = symdiff.Symbol("x")


def test_expressions_show_their_formula_with_a_text_fallback():
    bundle = parse("x*sin(x)")._repr_mimebundle_()
    assert bundle == {"text/plain": "parse('x*sin(x)')",
                      "text/latex": r"$x \sin{\left(x\right)}$"}
    assert not hasattr(parse("x"), "_repr_svg_")


def test_large_expressions_show_aligned_blocks_and_huge_ones_text():
    d12 = symdiff.diff(logistic_map(12), x)
    tex = d12._repr_mimebundle_()["text/latex"]
    assert tex.startswith(r"$$\begin{aligned}") and tex.endswith(r"\end{aligned}$$")
    huge = nested_sin(DISPLAY_LATEX_MAX_NODES + 1)
    assert set(huge._repr_mimebundle_()) == {"text/plain"}


def test_gradient_is_a_tuple_that_displays_as_a_column():
    w, b = SEED.wrt
    g = grad(SEED.expr, [w, b])
    dw, db = g
    assert isinstance(g, tuple) and isinstance(g, Formulas)
    assert g == (dw, db) and g[1] is db and len(g) == 2
    assert repr(g) == repr((dw, db))
    assert g.labels == ("∂f/∂w", "∂f/∂b")
    assert str(g).splitlines()[0] == f"∂f/∂w = {dw}"
    tex = g._repr_mimebundle_()["text/latex"]
    assert tex.startswith("$$\\begin{aligned}\n\\frac{\\partial f}{\\partial w} &= ")
    back = pickle.loads(pickle.dumps(g))
    assert back == g and back.labels == g.labels
    column = Formulas((dw, db))._repr_latex_()
    assert column.startswith("$$\\begin{pmatrix}")
    with pytest.raises(ValueError):
        Formulas((dw,), ["a", "b"])


def test_pictures_are_objects_whose_display_is_svg():
    picture = symdiff.show(SEED.expr)
    assert repr(picture) == f"<Picture: dag view, {symdiff.dag_size(SEED.expr)} distinct nodes>"
    bundle = picture._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "text/plain"}
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")
    assert SEED.expr.graph(view="tree").description.startswith("tree view")
    with pytest.raises(symdiff.RenderError):
        symdiff.show(SEED.expr, view="nope")


def test_picture_saves(tmp_path):
    out = symdiff.show(parse("x*x")).save(tmp_path / "p.svg")
    assert out.read_text().count('class="node expr') == 2


def _reads_like_print(obj):
    assert repr(obj) == str(obj)
    html = obj._repr_html_()
    assert html.startswith('<table class="symdiff">') and html.endswith("</table>")
    return html


def test_programs_sweeps_traces_and_tables_read_like_their_print():
    w, b = SEED.wrt
    html = _reads_like_print(symdiff.cse(grad(SEED.expr, [w, b])))
    assert "<td>return</td>" in html
    html = _reads_like_print(symdiff.computation(SEED.expr, SEED.at))
    assert "<td>h6</td>" in html and "∂f/∂w = 0.25" in html
    _reads_like_print(symdiff.forward_trace(SEED.expr, SEED.at, w))
    _reads_like_print(symdiff.reverse_trace(SEED.expr, SEED.at))
    table = swell.table_one(2)
    assert isinstance(table, list) and table[1].n == 2
    assert str(table) == swell.format_table_one(table)
    assert "<td>4*(1 - x) - 4*x</td>" in _reads_like_print(table)
    sweep = swell.logistic_sweep(3, sympy=False)
    assert str(sweep) == swell.format_sweep(sweep)
    assert "exponential" in _reads_like_print(sweep)
    assert pickle.loads(pickle.dumps(sweep)) == sweep


def test_html_tables_escape_their_cells():
    from symdiff._tables import html_table

    assert "<td>a&lt;b</td>" in html_table(["h"], [["a<b"]])
