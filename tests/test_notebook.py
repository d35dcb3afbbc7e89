"""One predictable notebook display: examples/tour.ipynb, executed by a real Jupyter kernel.

Expressions show their formula (LaTeX with a text fallback) and never a picture unless asked;
pictures are SVG; gradients are a column of formulas; programs, sweeps, traces and study tables
are HTML tables. The committed notebook is executed (its outputs are what a reader sees).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
TOUR = ROOT / "examples" / "tour.ipynb"

# What each tagged cell's result must carry, and must not.
EXPECTED = {
    "formula": ({"text/latex", "text/plain"}, {"image/svg+xml", "text/html"}),
    "column": ({"text/latex", "text/plain"}, {"image/svg+xml"}),
    "picture": ({"image/svg+xml", "text/plain"}, {"text/latex"}),
    "table": ({"text/html", "text/plain"}, {"image/svg+xml"}),
}


def results(nb):
    """(tag, mimetypes of the cell's result) for every tagged code cell."""
    found = []
    for cell in nb.cells:
        tags = [t for t in cell.get("metadata", {}).get("tags", []) if t in EXPECTED]
        if cell.cell_type == "code" and tags:
            data = [o for o in cell.outputs if o.output_type == "execute_result"]
            assert len(data) == 1, f"cell {cell.source!r} has no result"
            found.append((tags[0], set(data[0]["data"]), data[0]["data"], cell.source))
    return found


@pytest.fixture(scope="module")
def executed():
    nb = nbformat.read(TOUR, as_version=4)
    run = copy.deepcopy(nb)
    # Prove the kernel runs this checkout's symdiff (not another installed copy).
    run.cells.insert(0, nbformat.v4.new_code_cell("import symdiff; symdiff.__file__"))
    client = nbclient.NotebookClient(run, timeout=180, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT)}})
    client.execute()
    where = run.cells.pop(0).outputs[0]["data"]["text/plain"]
    assert str(ROOT / "symdiff") in where, where
    return nb, run


def test_every_result_has_the_display_it_promises(executed):
    _, run = executed
    found = results(run)
    assert {tag for tag, *_ in found} == set(EXPECTED)
    for tag, mimetypes, _, source in found:
        must, must_not = EXPECTED[tag]
        assert must <= mimetypes, (source, mimetypes)
        assert not mimetypes & must_not, (source, mimetypes)


def test_formulas_are_latex_and_the_gradient_a_column(executed):
    from tests.latex_check import latex_problem

    _, run = executed
    for tag, _, data, source in results(run):
        if tag in ("formula", "column"):
            # SymPy's own display starts with \displaystyle, which mathtext does not know.
            tex = data["text/latex"].strip("$").removeprefix("\\displaystyle ")
            if tag == "column":
                assert tex.startswith(r"\begin{aligned}")
                assert r"\frac{\partial f}{\partial w} &=" in tex
            assert latex_problem(tex) is None, source  # aligned blocks: line by line


def test_the_committed_notebook_is_executed_and_current(executed):
    committed, run = executed
    assert [(t, m) for t, m, *_ in results(committed)] == [(t, m) for t, m, *_ in results(run)]


def test_html_export_shows_formulas_not_graphs(executed):
    nbconvert = pytest.importorskip("nbconvert")
    _, run = executed
    body, _ = nbconvert.HTMLExporter().from_notebook_node(run)
    pictures = sum(1 for tag, *_ in results(run) if tag == "picture")
    # One Graphviz drawing per requested picture, none for the formulas (the old display
    # turned every expression into its graph in an HTML export).
    assert body.count('data-mime-type="image/svg+xml"') == pictures == 2
    formulas = sum(1 for tag, *_ in results(run) if tag in ("formula", "column"))
    assert body.count('data-mime-type="text/latex"') == formulas
    assert r"\frac{\partial f}{\partial w}" in body
