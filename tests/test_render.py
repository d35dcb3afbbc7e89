"""Pictures through the real Graphviz `dot`: node counts, sharing marks, operand order, the
seed's computation graph, refusals and a missing `dot`."""

from __future__ import annotations

import math
import re
import runpy
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings

import symdiff
from symdiff import (
    GraphvizNotFoundError,
    RenderError,
    SymdiffError,
    TreeTooLargeError,
    computation,
    parse,
    workloads,
)
from symdiff._traversal import toposort, use_counts
from symdiff.drawing._dot import pipe

from .strategies import X, Y, Z, close, expressions, value_or_none

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")

SVG = "{http://www.w3.org/2000/svg}"
SEED = workloads.seed_sigmoid()


def svg_nodes(svg: str | bytes, cls: str = "expr") -> list[ET.Element]:
    """The <g> groups of the drawn nodes whose class list contains ``cls``."""
    root = ET.fromstring(svg)
    return [g for g in root.iter(f"{SVG}g")
            if "node" in g.get("class", "").split() and cls in g.get("class", "").split()]


def texts(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter(f"{SVG}text")]


def all_text(svg: str | bytes) -> list[str]:
    return texts(ET.fromstring(svg))


def outputs(svg: str | bytes) -> dict[str, str]:
    """Each output marker's text → the first text of the node its dashed edge comes from."""
    root = ET.fromstring(svg)
    label = {g.find(f"{SVG}title").text: (texts(g) or [""])[0] for g in root.iter(f"{SVG}g")
             if "node" in g.get("class", "").split()}
    found = {}
    for g in root.iter(f"{SVG}g"):
        if "edge" in g.get("class", "").split():
            source, target = g.find(f"{SVG}title").text.split("->")
            if target.startswith("out"):
                found[label[target]] = label[source]
    return found


def x_of(group: ET.Element) -> float:
    return float(next(group.iter(f"{SVG}text")).get("x"))


def drawn(graph) -> bytes:
    return pipe(graph, "svg")


# --- the DAG and tree views -------------------------------------------------------------------

@pytest.mark.parametrize("expr", [
    SEED.expr, workloads.logistic_map(4), parse("x*x + x*x"), parse("a + a"), X,
    symdiff.diff(workloads.logistic_map(4), X),
])
def test_dag_view_draws_each_distinct_node_once(expr):
    assert len(svg_nodes(drawn(symdiff.to_dot(expr)))) == symdiff.dag_size(expr)


@pytest.mark.parametrize("expr", [SEED.expr, workloads.logistic_map(4), parse("x*x + x*x")])
def test_tree_view_draws_tree_size_nodes(expr):
    assert len(svg_nodes(drawn(symdiff.to_dot(expr, view="tree")))) == symdiff.tree_size(expr)


@settings(max_examples=20)
@given(expressions(max_leaves=8))
def test_node_counts_for_random_expressions(expr):
    assert len(svg_nodes(drawn(symdiff.to_dot(expr)))) == symdiff.dag_size(expr)
    if symdiff.tree_size(expr) <= 300:
        tree = drawn(symdiff.to_dot(expr, view="tree"))
        assert len(svg_nodes(tree)) == symdiff.tree_size(expr)


def test_shared_nodes_are_marked_with_their_use_count():
    expr = workloads.logistic_map(4)
    order = toposort((expr,))
    counts = use_counts(order, (expr,))
    svg = drawn(symdiff.to_dot(expr))
    shared = svg_nodes(svg, "shared")
    assert len(shared) == sum(1 for n in order if counts[n] > 1) == 5  # l2, l3, x, 4, 1
    marks = sorted(t for g in shared for t in texts(g) if t.endswith("uses"))
    assert marks == sorted(f"{counts[n]} uses" for n in order if counts[n] > 1)
    # Unshared nodes carry no count.
    assert not any(t.endswith("uses") for g in svg_nodes(svg)
                   if "shared" not in g.get("class") for t in texts(g))


def test_labels_come_from_the_op_table():
    for name, op in symdiff.OPS.items():
        if op.kind == "function":
            args = symdiff.symbols('x y z')[:op.arity]
            svg = drawn(symdiff.to_dot(getattr(symdiff, name)(*args)))
            assert op.label in all_text(svg)
    svg = drawn(symdiff.to_dot(parse("x*2.5 - y/3 + z**2")))
    assert {"×", "÷", "−", "+", "^", "2.5", "3", "2", "x", "y", "z"} <= set(all_text(svg))


@pytest.mark.parametrize("text,left,right", [("a - b", "a", "b"), ("b - a", "b", "a"),
                                             ("b/a", "b", "a"), ("a**b", "a", "b")])
@pytest.mark.parametrize("view", ["dag", "tree"])
def test_operands_are_drawn_left_to_right(text, left, right, view):
    symdiff.Symbol(right)  # created first, so creation order cannot be what orders them
    svg = drawn(symdiff.to_dot(parse(text), view=view))
    position = {texts(g)[0]: x_of(g) for g in svg_nodes(svg)}
    assert position[left] < position[right]


def test_sequences_are_drawn_as_one_graph_with_labelled_outputs():
    f = SEED.expr
    gradient = symdiff.grad(f, [symdiff.Symbol("w"), symdiff.Symbol("b")])
    svg = drawn(symdiff.to_dot([f, *gradient], labels=["f", "df/dw", "df/db"]))
    assert len(svg_nodes(svg)) == symdiff.dag_size([f, *gradient])
    assert outputs(svg) == {"f": "÷", "df/dw": "×", "df/db": "÷"}
    assert set(outputs(drawn(symdiff.to_dot([f, f * 2])))) == {"output 1", "output 2"}


def test_symbol_names_are_escaped():
    odd = symdiff.Symbol("<a&b>")
    svg = drawn(symdiff.to_dot(odd + 1))
    assert "<a&b>" in all_text(svg)


# --- refusal of oversized trees ---------------------------------------------------------------

def test_oversized_trees_are_refused_before_expanding():
    huge = workloads.logistic_map(1000)  # more than 10^300 nodes as a tree
    with pytest.raises(TreeTooLargeError) as info:
        symdiff.to_dot(huge, view="tree")
    message = str(info.value)
    assert str(symdiff.tree_size(huge)) in message
    assert "view='dag'" in message and str(symdiff.dag_size(huge)) in message
    assert isinstance(info.value, SymdiffError)


def test_the_tree_limit_is_configurable():
    l6 = workloads.logistic_map(6)  # tree_size 187
    with pytest.raises(TreeTooLargeError, match="187"):
        symdiff.to_dot(l6, view="tree", max_tree_size=100)
    graph = symdiff.to_dot(l6, view="tree", max_tree_size=187)
    assert sum('class="expr' in line for line in graph.body) == 187


def test_deep_expressions_are_drawn_without_recursion():
    deep = workloads.nested_sin(20000)
    graph = symdiff.to_dot(deep, max_dag_size=10**6)
    assert sum('class="expr' in line for line in graph.body) == symdiff.dag_size(deep)
    chain = workloads.nested_sin(1999)
    tree = symdiff.to_dot(chain, view="tree")
    assert sum('class="expr' in line for line in tree.body) == symdiff.tree_size(chain)


# --- files, formats and errors ----------------------------------------------------------------

@pytest.mark.parametrize("suffix,magic", [(".svg", b"<?xml"), (".png", b"\x89PNG"),
                                          (".pdf", b"%PDF"), (".PNG", b"\x89PNG")])
def test_render_writes_the_format_of_the_suffix(tmp_path, suffix, magic):
    out = symdiff.render(SEED.expr, tmp_path / f"seed{suffix}")
    assert out.read_bytes().startswith(magic)


def test_render_tree_svg_has_tree_size_nodes(tmp_path):
    out = symdiff.render(workloads.logistic_map(4), tmp_path / "l4.svg", view="tree")
    assert len(svg_nodes(out.read_bytes())) == 43


@pytest.mark.parametrize("call", [
    lambda p: symdiff.render(X, p / "x.jpg"),
    lambda p: symdiff.render(X, p / "x"),
    lambda p: symdiff.render(X, p / "x.svg", view="forest"),
    lambda p: symdiff.render_derivative(X, X, p / "x.gif"),
    lambda p: symdiff.render_computation(X, {X: 1}, X, "forward", p / "x.txt"),
    lambda p: symdiff.to_dot(X, view="computation"),
    lambda p: symdiff.to_dot(X, rankdir="up"),
    lambda p: symdiff.to_dot([X, Y], labels=["only one"]),
    lambda p: symdiff.to_dot([]),
    lambda p: symdiff.to_dot("x + 1"),
    lambda p: symdiff.computation(X, {X: 1}, mode="sideways"),
    lambda p: symdiff.computation(X * Y, {X: 1, Y: 2}, mode="forward"),
    lambda p: symdiff.derivative_dot(X, 3),
    lambda p: symdiff.to_dot(X, view="tree", max_tree_size="many"),
])
def test_bad_requests_raise_render_errors(tmp_path, call):
    with pytest.raises(RenderError):
        call(tmp_path)
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_missing_dot_says_how_to_install_graphviz(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no dot anywhere
    with pytest.raises(GraphvizNotFoundError) as info:
        symdiff.render(SEED.expr, tmp_path / "seed.svg")
    assert "apt-get install graphviz" in str(info.value)
    assert "brew install graphviz" in str(info.value)
    with pytest.raises(GraphvizNotFoundError):
        symdiff.render_computation(SEED.expr, SEED.at, "w", "forward", tmp_path / "c.png")
    picture = SEED.expr.graph()._repr_mimebundle_()
    assert set(picture) == {"text/plain"} and "apt-get install graphviz" in picture["text/plain"]
    assert not (tmp_path / "seed.svg").exists()


def test_pictures_on_request():
    svg = SEED.expr.graph().svg
    assert len(svg_nodes(svg)) == symdiff.dag_size(SEED.expr)
    assert symdiff.show(SEED.expr, view="tree")._repr_svg_().count('class="node expr') == (
        symdiff.tree_size(SEED.expr))
    assert not hasattr(SEED.expr, "_repr_svg_")  # expressions display as formulas


# --- f with its derivative --------------------------------------------------------------------

@pytest.mark.parametrize("view", ["dag", "tree"])
def test_render_derivative_colours_the_derivative_apart(tmp_path, view):
    f = workloads.logistic_map(3)
    df = symdiff.diff(f, X)
    out = symdiff.render_derivative(f, X, tmp_path / "d.svg", view=view)
    svg = out.read_bytes()
    in_f = set(toposort((f,)))
    new = [n for n in toposort((df,)) if n not in in_f]
    if view == "dag":
        assert len(svg_nodes(svg)) == symdiff.dag_size([f, df])
        assert len(svg_nodes(svg, "derivative")) == len(new) > 0
    else:
        assert len(svg_nodes(svg)) == symdiff.tree_size([f, df])
    assert set(outputs(svg)) == {"f", "∂f/∂x"}
    # Some derivative nodes reuse nodes of f: the picture shows edges from blue to orange.
    assert any(a in in_f for n in new for a in n.args)


def test_render_derivative_of_a_gradient(tmp_path):
    w, b = symdiff.symbols("w b")
    out = symdiff.render_derivative(SEED.expr, ["w", b], tmp_path / "g.svg")
    svg = out.read_bytes()
    assert len(svg_nodes(svg)) == symdiff.dag_size([SEED.expr, *symdiff.grad(SEED.expr, [w, b])])
    assert outputs(svg) == {"f": "÷", "∂f/∂w": "×", "∂f/∂b": "÷"}


# --- the annotated computation graph ----------------------------------------------------------

def test_seed_forward_sweep_matches_the_notes():
    c = computation(SEED.expr, SEED.at, "w", mode="forward")
    assert [s.name for s in c.steps] == [f"h{i}" for i in range(1, 7)]
    assert [s.value for s in c.steps] == [0, 0, 0, 1, 2, 0.5]
    assert [s.derivative for s in c.steps] == [1, 1, -1, -1, -1, 0.25]
    assert c["h6"].local == (-0.25,) and c["h4"].local == (1.0,) and c["h3"].local == (-1.0,)
    assert c["h1"].operands == ("w", "x") and c["h1"].local == (1.0, 0.0)
    assert c.value == 0.5 and c.gradient == {"w": 0.25}


def test_seed_reverse_sweep_matches_the_notes():
    c = computation(SEED.expr, SEED.at, mode="reverse")
    assert [s.derivative for s in c.steps] == [0.25, 0.25, -0.25, -0.25, -0.25, 1]
    assert c.gradient == {"w": 0.25, "x": 0.0, "b": 0.25}
    assert "h6" in c.table() and "∂f/∂w = 0.25" in c.table()


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_seed_computation_graph_carries_the_values(tmp_path, mode):
    numbers = symdiff.render_computation(SEED.expr, SEED.at, wrt="w", mode=mode,
                                         path=tmp_path / "seed.svg")
    svg = (tmp_path / "seed.svg").read_bytes()
    steps = svg_nodes(svg, "step")
    assert len(steps) == 9  # x, w, b and h1…h6
    words = all_text(svg)
    assert "= 0.5" in words
    h6 = next(g for g in steps if texts(g)[0].startswith("h₆"))
    assert texts(h6)[:2] == ["h₆ = 1/h₅", "= 0.5"]
    if mode == "forward":
        assert "∂h₆/∂w = 0.25" in texts(h6)
        assert "−0.25 · (−1) = 0.25" in words  # the edge h5 → h6
    else:
        w = next(g for g in steps if texts(g)[0] == "w = 0")
        b = next(g for g in steps if texts(g)[0] == "b = 0")
        assert "∂f/∂w = 0.25" in texts(w) and "∂f/∂b = 0.25" in texts(b)
    assert "∂h₆/∂h₅ = −0.25" in words
    assert numbers.gradient["w"] == 0.25


@settings(max_examples=40)
@given(expressions(max_leaves=8))
def test_sweeps_agree_with_symbolic_derivatives(expr):
    at = {X: 0.7, Y: 1.3, Z: 0.4}
    if value_or_none(expr, at) is None:
        return
    try:
        reverse = computation(expr, at, mode="reverse")
    except symdiff.DomainError:
        return  # a local derivative undefined at the point (sqrt at 0 …)
    assert close(reverse.value, expr.evaluate(at))
    for var in (X, Y, Z):
        expected = value_or_none(symdiff.diff(expr, var), at)
        if expected is None:
            continue
        forward = computation(expr, at, var, mode="forward")
        assert close(forward.gradient[var.name], expected, rel=1e-6, abs_=1e-8)
        assert close(reverse.gradient.get(var.name, 0.0), expected, rel=1e-6, abs_=1e-8)


def test_computation_of_leaves_and_shared_operands():
    c = computation(X, {X: 3}, mode="forward")
    assert c.steps == () and c.value == 3 and c.gradient == {"x": 1.0}
    c = computation(symdiff.Constant(2), {}, mode="reverse")
    assert c.value == 2 and c.gradient == {}
    square = computation(X * X, {X: 3}, mode="reverse")
    assert square["h1"].operands == ("x", "x") and square.gradient == {"x": 6.0}
    svg = drawn(symdiff.to_dot_computation(X * X, {X: 3}, X, "forward")[0])
    assert all_text(svg).count("∂h₁/∂x = 3") == 2  # one edge per operand slot


def test_computation_errors_are_symdiff_errors():
    with pytest.raises(symdiff.MissingValueError, match="'b'"):
        computation(SEED.expr, {"x": 1, "w": 0})
    with pytest.raises(symdiff.DomainError):
        computation(symdiff.log(X), {X: -1.0})
    with pytest.raises(symdiff.DomainError, match="local derivative"):
        computation(symdiff.sqrt(X), {X: 0.0})
    with pytest.raises(symdiff.EvaluationError):
        computation(X, {X: "one"})


def test_temporaries_do_not_clash_with_symbols():
    h1, h2 = symdiff.symbols("h1 h2")
    c = computation(h1 * h2 + 1, {h1: 2, h2: 3})
    assert [s.name for s in c.steps] == ["_h1", "_h2"]
    assert c.gradient == {"h1": 3.0, "h2": 2.0}


def test_computation_pictures_for_a_network_stay_finite():
    loss = workloads.network_loss(hidden=2, points=3)
    graph, numbers = symdiff.to_dot_computation(loss.expr, loss.at, mode="reverse")
    assert all(math.isfinite(v) for v in numbers.gradient.values())
    expected = symdiff.grad(loss.expr, loss.wrt)
    for var, d in zip(loss.wrt, expected, strict=True):
        assert close(numbers.gradient[var.name], d.evaluate(loss.at))
    assert len(svg_nodes(drawn(graph), "step")) == len(numbers.inputs) + len(numbers.steps)


def test_gallery_script_runs(tmp_path):
    script = Path(__file__).parent.parent / "examples" / "render_gallery.py"
    namespace = runpy.run_path(str(script))  # defines make_gallery without running it
    written = namespace["make_gallery"](tmp_path)
    assert len(written) >= 5 and all(p.stat().st_size > 0 for p in written)


# --- what `symdiff render` calls --------------------------------------------------------------

def test_render_command_dispatches_on_the_view(tmp_path):
    f = SEED.expr
    text = symdiff.render_command(f, tmp_path / "dag.svg", "dag")
    assert text == f"dag view of 10 distinct nodes (a tree of 11): wrote {tmp_path / 'dag.svg'}"
    assert len(svg_nodes((tmp_path / "dag.svg").read_bytes())) == 10
    text = symdiff.render_command(f, tmp_path / "d.svg", "tree", wrt=[symdiff.Symbol("w")])
    assert text.startswith("tree view of f with ∂f/∂w")
    assert set(outputs((tmp_path / "d.svg").read_bytes())) == {"f", "∂f/∂w"}
    symdiff.render_command(f, tmp_path / "g.png", "dag", wrt=["w", "b"])
    assert (tmp_path / "g.png").read_bytes().startswith(b"\x89PNG")
    text = symdiff.render_command(f, tmp_path / "c.svg", "computation", wrt="w",
                                  at={"x": 1, "w": 0, "b": 0}, mode="reverse")
    assert "∂f/∂w = 0.25, ∂f/∂x = 0, ∂f/∂b = 0.25" in text
    assert len(svg_nodes((tmp_path / "c.svg").read_bytes(), "step")) == 9


@pytest.mark.parametrize("kwargs", [
    {"view": "computation"},                                   # no point
    {"view": "computation", "at": {"x": 1, "w": 0, "b": 0}, "wrt": ["w", "b"]},
    {"view": "forest"},
    {"view": "tree", "max_tree_size": 5},
])
def test_render_command_refuses_clearly(tmp_path, kwargs):
    with pytest.raises(RenderError):
        symdiff.render_command(SEED.expr, tmp_path / "x.svg", **kwargs)
    assert not list(tmp_path.iterdir())


# --- resolution and size ------------------------------------------------------------------------

def png_size(path):
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_png_dpi_and_size(tmp_path):
    e = symdiff.workloads.logistic_map(3)
    w72, _ = png_size(symdiff.render(e, tmp_path / "a.png", dpi=72))
    w144, _ = png_size(symdiff.render(e, tmp_path / "b.png"))  # the default: 144 dpi
    w288, _ = png_size(symdiff.render(e, tmp_path / "c.png", dpi=288))
    assert abs(w144 / w72 - 2) < 0.05 and abs(w288 / w72 - 4) < 0.05
    wide, tall = png_size(symdiff.render(e, tmp_path / "d.png", dpi=100, size=(20, 20)))
    assert max(wide, tall) == pytest.approx(2000, abs=5)  # scaled up to fill 20 inches
    svg = symdiff.render(e, tmp_path / "e.svg", size=(2, 2)).read_text()
    width = float(re.search(r'width="([\d.]+)pt"', svg).group(1))
    height = float(re.search(r'height="([\d.]+)pt"', svg).group(1))
    assert max(width, height) == pytest.approx(144, abs=2)  # 2 inches of 72 points
    symdiff.show(e).save(tmp_path / "f.png", dpi=50)
    assert png_size(tmp_path / "f.png")[0] < w72


@pytest.mark.parametrize(("options", "suffix"), [
    ({"dpi": 200}, ".svg"), ({"dpi": 0}, ".png"), ({"dpi": "high"}, ".png"),
    ({"size": (0, 3)}, ".png"), ({"size": "big"}, ".pdf"),
])
def test_bad_dpi_or_size_is_a_render_error(tmp_path, options, suffix):
    with pytest.raises(RenderError):
        symdiff.render(parse("x*y"), tmp_path / f"p{suffix}", **options)
    assert not list(tmp_path.iterdir())


# --- the heat view --------------------------------------------------------------------------------

def tree_copies(root):
    """Copies of each node in the tree form, by expanding the tree (small inputs only)."""
    counts = {}
    stack = [root]
    while stack:
        node = stack.pop()
        counts[node] = counts.get(node, 0) + 1
        stack.extend(node.args)
    return counts


def heat_labels(graph):
    return re.findall(r"×([\d.e]+)", "\n".join(graph.body))


@pytest.mark.parametrize("n", [2, 3, 5])
def test_heat_view_counts_the_copies_of_each_node(n):
    d = symdiff.diff(symdiff.workloads.logistic_map(n), symdiff.Symbol("x"))
    graph = symdiff.to_dot(d, view="heat")
    copies = tree_copies(d)
    assert sorted(int(v) for v in heat_labels(graph)) == sorted(copies.values())
    assert sum(copies.values()) == symdiff.tree_size(d)
    assert "copies of the node in the tree form" in graph.body[0] or "copies" in str(
        graph.graph_attr)


def test_heat_view_of_a_huge_derivative_is_exact_and_quick():
    import time

    d = symdiff.diff(symdiff.workloads.logistic_map(1000), symdiff.Symbol("x"))
    start = time.perf_counter()
    graph = symdiff.to_dot(d, view="heat", max_dag_size=10**8)
    assert time.perf_counter() - start < 60  # a hang guard, not a speed test
    assert symdiff.tree_size(d) > 10**300
    labels = heat_labels(graph)
    assert len(labels) == symdiff.dag_size(d)
    assert any(label.endswith(("e300", "e301", "e302")) for label in labels)


def test_copies_text_is_exact_at_any_size():
    from symdiff.drawing import copies_text

    assert copies_text(999_999) == "999999"
    assert copies_text(2 * 10**6 - 1) == "1.9e6"
    assert copies_text(10**5000 * 37) == "3.7e5001"  # beyond float range and int str limits


def test_heat_view_on_the_command_line(tmp_path, capsys):
    from symdiff.cli import main

    out = tmp_path / "heat.svg"
    assert main(["render", "4*x*(1 - x)", "--wrt", "x", "--view", "heat", "-o", str(out)]) == 0
    assert "heat view of the derivative: 7 distinct nodes, a tree of 9" in capsys.readouterr().out
    assert out.read_text().count("×") >= 7
    png = tmp_path / "heat.png"
    assert main(["render", "x*x", "--view", "heat", "-o", str(png), "--dpi", "72",
                 "--size", "3,3"]) == 0
    assert max(png_size(png)) == pytest.approx(216, abs=3)
