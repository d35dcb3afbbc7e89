"""The annotated computation graph: the seed's h₁…h₆ with values, local derivatives and the
tangents (forward mode) or adjoints (reverse mode) that flow along it.

:func:`computation` lowers an expression to its three-address program
(``cse(f, three_address=True)``) and takes its numbers from :mod:`symdiff.ad`'s sweeps
over that program (values, local derivatives, then tangents or adjoints, all on floats with the
op table's rules): the picture and the traces of ``symdiff.ad`` always show the same numbers.
:func:`to_dot_computation` draws them with Graphviz; :func:`render_computation` writes the file.

This module sits one layer above :mod:`symdiff.render` and reuses its Graphviz plumbing.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .._diff import diff, grad
from .._errors import MissingValueError
from .._evaluation import resolve_values
from .._expr import Expr, Symbol, apply, as_expr
from .._measure import dag_size, tree_size
from .._printing import to_text
from .._tables import html_table, text_table
from .._util import exact_number, short_number
from ..ad import Tape, forward_trace, reverse_trace
from ._dot import (
    DEFAULT_MAX_DAG_SIZE,
    DEFAULT_MAX_TREE_SIZE,
    FORWARD_COLOR,
    NODE_STYLE,
    REVERSE_COLOR,
    RenderError,
    as_symbol,
    check_dag_size,
    new_digraph,
    node_label,
    output_format,
    render,
    render_derivative,
    write,
)

if TYPE_CHECKING:
    import graphviz

__all__ = ["computation", "to_dot_computation", "render_computation", "render_command",
           "Computation", "ComputationStep"]

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


@dataclass(frozen=True)
class ComputationStep:
    """One node of the computation graph: an input (``formula == ""``) or an operation
    ``name = formula`` of the three-address program.

    ``derivative`` is the tangent ∂name/∂wrt (forward mode) or the adjoint ∂f/∂name (reverse
    mode). ``operands`` names the non-constant argument in each slot and ``local`` holds the
    matching local derivatives ∂name/∂operand (one per slot, so ``x*x`` lists ``x`` twice).
    """

    name: str
    node: Expr
    formula: str
    value: float
    derivative: float
    operands: tuple[str, ...] = ()
    local: tuple[float, ...] = ()


@dataclass(frozen=True)
class Computation:
    """The numbers of a forward or reverse sweep over an expression's computation graph.

    ``inputs`` and ``steps`` (h1, h2, …) in evaluation order; ``value`` is f; ``gradient``
    maps input names to ∂f/∂input: the one ``wrt`` in forward mode, every input in reverse.
    """

    expr: Expr
    mode: str
    wrt: Symbol | None
    at: dict[str, float]
    inputs: tuple[ComputationStep, ...]
    steps: tuple[ComputationStep, ...]
    output: str
    value: float
    gradient: dict[str, float]

    def __getitem__(self, name: str) -> ComputationStep:
        for step in (*self.inputs, *self.steps):
            if step.name == name:
                return step
        raise KeyError(name)

    def derivative_label(self, name: str) -> str:
        """What ``derivative`` means for step ``name``: ``∂h3/∂w`` (forward) or ``∂f/∂h3``
        (reverse)."""
        if self.mode == "forward" and self.wrt is not None:
            return f"∂{name}/∂{self.wrt.name}"
        return f"∂f/∂{name}"

    def _cells(self) -> tuple[str, list[str], list[tuple[str, ...]], str]:
        """Title, headers, rows and result line: the table's contents, for text and HTML."""
        point = ", ".join(f"{k}={_number(v)}" for k, v in self.at.items())
        head = ["step", "definition", "value", "forward: ∂·/∂" + self.wrt.name
                if self.mode == "forward" and self.wrt is not None else "reverse: ∂f/∂·",
                "local derivatives"]
        rows: list[tuple[str, ...]] = []
        for s in (*self.inputs, *self.steps):
            local = ", ".join(f"∂{s.name}/∂{o} = {_number(v)}"
                              for o, v in zip(s.operands, s.local, strict=True))
            rows.append((s.name, s.formula or "input", _number(s.value),
                         _number(s.derivative), local))
        result = ", ".join(f"∂f/∂{k} = {_number(v)}" for k, v in self.gradient.items())
        return f"{self.mode} mode at {point}; f = {self.output}", head, rows, result

    def table(self) -> str:
        """The sweep as a text table: one row per input and operation, then the result."""
        title, head, rows, result = self._cells()
        return "\n".join([title, text_table(head, rows, sep="  ", rule=False), result])

    def __str__(self) -> str:
        return self.table()

    def __repr__(self) -> str:  # reads like print(); the fields are attributes
        return self.table()

    def _repr_html_(self) -> str:
        title, head, rows, result = self._cells()
        return html_table(head, rows, caption=title, footer=result)


def _number(value: float) -> str:
    """Compact: 0.25, 1, -1, 0.1966 (4 significant digits)."""
    return short_number(float(value), 4)


def _formula(node: Expr, names: Mapping[Expr, str]) -> str:
    """The operation written over its operands' names (symbols stand in for them)."""
    return to_text(apply(node.op, *(Symbol(names[a]) if a in names else a for a in node.args)))


def computation(f: Expr, at: Mapping[Any, Any], wrt: Any = None,
                mode: str = "reverse") -> Computation:
    """Sweep the three-address program of ``f`` (``cse(f, three_address=True)``) at ``at``:
    values forward, then tangents ∂hᵢ/∂wrt (``mode="forward"``, ``wrt`` needed unless f has
    one input) or adjoints ∂f/∂hᵢ (``mode="reverse"``), with the op table's float rules.

    >>> from symdiff import workloads
    >>> seed = workloads.seed_sigmoid()
    >>> c = computation(seed.expr, seed.at, "w", mode="forward")
    >>> [c[f"h{i}"].derivative for i in range(1, 7)]
    [1.0, 1.0, -1.0, -1.0, -1.0, 0.25]
    >>> computation(seed.expr, seed.at).gradient
    {'w': 0.25, 'x': 0.0, 'b': 0.25}
    """
    if mode not in ("forward", "reverse"):
        raise RenderError(f"unknown mode {mode!r}: choose 'forward' or 'reverse'")
    f = as_expr(f)
    # One lowering: the tape's three-address program gives the names, the steps and (through
    # symdiff.ad's sweeps over it) the numbers, slot by slot.
    tape = Tape(f)
    program = tape.program
    nodes = program.nodes
    # Inputs in order of first use (the seed's w, x, b), not alphabetically.
    n_inputs = len(program.inputs)
    first_use = dict.fromkeys(a for eq in program.equations for a in eq.args if a < n_inputs)
    first_use.update(dict.fromkeys(s for s in program.output_slots if s < n_inputs))
    symbols = tuple(cast(Symbol, nodes[s]) for s in first_use)
    var = None if wrt is None else as_symbol(wrt)
    if mode == "forward" and var is None:
        if len(symbols) != 1:
            raise RenderError("forward mode needs wrt=<the input to differentiate by>")
        var = symbols[0]
    env = resolve_values(at)
    missing = [s.name for s in symbols if s.name not in env]
    if missing:
        raise MissingValueError(f"no value given for {', '.join(map(repr, missing))}")
    names: dict[Expr, str] = {s: s.name for s in symbols}
    names.update(program.node_names("h", start=1, three_address=True))
    trace = (forward_trace(f, env, var, tape=tape) if mode == "forward"
             else reverse_trace(f, env, tape=tape))
    given = {name: (value, derivative) for name, value, derivative in trace.inputs}
    inputs = tuple(ComputationStep(s.name, s, "", *given[s.name]) for s in symbols)
    steps = tuple(
        ComputationStep(names[nodes[eq.out]], nodes[eq.out], _formula(nodes[eq.out], names),
                        t.value, t.derivative, tuple(o for o, _ in t.partials),
                        tuple(d for _, d in t.partials))
        for eq, t in zip(program.equations, trace.steps, strict=True))
    if mode == "forward":
        gradient = {var.name: trace.derivative}  # type: ignore[union-attr]
    else:
        gradient = {s.name: given[s.name][1] for s in symbols}
    output = names.get(f, to_text(f))
    used = {s.name for s in symbols}
    return Computation(f, mode, var, {k: v for k, v in env.items() if k in used}, inputs, steps,
                       output, trace.value, gradient)


def _display(step: ComputationStep) -> str:
    """h12 → h₁₂ for operations; inputs keep their names."""
    if not step.formula:
        return step.name
    stem = step.name.rstrip("0123456789")
    return stem + step.name[len(stem):].translate(_SUBSCRIPTS)


def _minus(text: str) -> str:
    return text.replace("-", "−")


def to_dot_computation(f: Expr, at: Mapping[Any, Any], wrt: Any = None, mode: str = "reverse",
                       *, rankdir: str = "BT", title: str | None = None,
                       max_dag_size: int = DEFAULT_MAX_DAG_SIZE,
                       ) -> tuple[graphviz.Digraph, Computation]:
    """The annotated computation graph of ``f`` and the numbers on it (see
    :func:`computation`). Inputs and the operations h₁, h₂, … are nodes labelled with their
    definition, value and tangent (forward) or adjoint (reverse); each edge operand → operation
    carries the local derivative and what it propagates. Constants appear inside definitions.

    >>> from symdiff import workloads
    >>> seed = workloads.seed_sigmoid()
    >>> graph, numbers = to_dot_computation(seed.expr, seed.at, "w", mode="forward")
    >>> numbers.value, numbers.gradient
    (0.5, {'w': 0.25})

    Above ``max_dag_size`` (the DAG's layout size, see :func:`symdiff.to_dot`) it raises
    :class:`symdiff.DagTooLargeError`, as the DAG view does.
    """
    check_dag_size(as_expr(f), max_dag_size, "computation")
    numbers = computation(f, at, wrt, mode)
    forward = mode == "forward"
    colour = FORWARD_COLOR if forward else REVERSE_COLOR
    steps = (*numbers.inputs, *numbers.steps)
    show = {s.name: _display(s) for s in steps}
    shown = {s.node: show[s.name] for s in steps}
    by_name = {s.name: s for s in steps}
    point = ", ".join(f"{k} = {_minus(_number(v))}" for k, v in numbers.at.items())
    result = ", ".join(f"∂f/∂{k} = {_minus(_number(v))}" for k, v in numbers.gradient.items())
    if title is None:
        what = (f"forward mode: tangents ∂hᵢ/∂{numbers.wrt.name}"  # type: ignore[union-attr]
                if forward else "reverse mode: adjoints ∂f/∂hᵢ")
        title = f"{what}  at {point}\n{result}\n "  # the blank line keeps the top node clear
    graph = new_digraph(rankdir, title)
    graph.attr(ranksep="0.45", nodesep="0.5")
    for step in steps:
        name = show[step.name]
        d_line = (f"{numbers.derivative_label(name)} = {_minus(_number(step.derivative))}",
                  colour)
        is_input = step.formula == ""
        if is_input:
            head = f"{name} = {_minus(_number(step.value))}"
        else:  # the definition with subscripted names and a centred dot for multiplication
            text = _formula(step.node, shown).replace("**", "^").replace("*", "·")
            head = f"{name} = {_minus(text)}"
        lines = [d_line] if is_input else [(f"= {_minus(_number(step.value))}", "black"),
                                           d_line]
        attrs = dict(NODE_STYLE["symbol" if is_input else "op"])
        if step.name == numbers.output:
            attrs.update(penwidth="2.4")
            lines.append(("output f", "#636363"))
        if is_input and numbers.wrt is not None and step.node is numbers.wrt:
            attrs.update(penwidth="2.4", color=colour)
        attrs["class"] = "step input" if is_input else "step op"
        graph.node(f"s_{step.name}", node_label(head, *lines, bold=True), **attrs)
    for step in numbers.steps:
        for operand, local in zip(step.operands, step.local, strict=True):
            source = by_name[operand]
            if forward:
                flow = f"{_number(local)} · {_paren(source.derivative)}"
                total = local * source.derivative
            else:
                flow = f"{_number(step.derivative)} · {_paren(local)}"
                total = step.derivative * local
            label = _edge_label(f"∂{show[step.name]}/∂{show[operand]} = "
                                f"{_minus(_number(local))}",
                                (_minus(f"{flow} = {_number(total)}"), colour))
            graph.edge(f"s_{operand}", f"s_{step.name}", label=label,
                       **({} if forward else {"dir": "back", "color": colour}))
    return graph, numbers


def _edge_label(*lines: Any) -> str:
    """Lines in a borderless table: the padding keeps the text clear of the edge it labels."""
    cells = [f'<TD ALIGN="LEFT"><FONT COLOR="{c}">{html.escape(t)}</FONT></TD>'
             for t, c in [(lines[0], "black"), *lines[1:]]]
    gap = f'<TD ROWSPAN="{len(cells)}" WIDTH="6"></TD>'
    rows = f"<TR>{gap}{cells[0]}</TR>" + "".join(f"<TR>{c}</TR>" for c in cells[1:])
    return f'<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1">{rows}</TABLE>>'


def _paren(value: float) -> str:
    text = _number(value)
    return f"({text})" if text.startswith("-") else text


def render_computation(f: Expr, at: Mapping[Any, Any], wrt: Any = None,
                       mode: str = "reverse", path: str | Path | None = None, *,
                       dpi: float | None = None, size: float | tuple[float, float] | None = None,
                       **options: Any) -> Computation:
    """Draw the annotated computation graph of ``f`` (see :func:`to_dot_computation`) to
    ``path`` (.svg, .png or .pdf; ``dpi`` and ``size`` as :func:`symdiff.render`'s) when
    given; returns the numbers (:class:`Computation`),
    whose :meth:`Computation.table` is the same sweep as text.

    >>> import tempfile, pathlib, symdiff
    >>> seed = symdiff.workloads.seed_sigmoid()
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "seed.svg"
    >>> render_computation(seed.expr, seed.at, "w", "reverse", out).gradient["w"]
    0.25
    """
    if path is not None:
        output_format(path)
    graph, numbers = to_dot_computation(f, at, wrt, mode, **options)
    if path is not None:
        write(graph, path, dpi=dpi, size=size)
    return numbers


def render_command(f: Expr, path: str | Path, view: str = "dag", wrt: Any = None,
                   at: Mapping[Any, Any] | None = None, mode: str = "reverse",
                   max_tree_size: int = DEFAULT_MAX_TREE_SIZE, dpi: float | None = None,
                   size: float | tuple[float, float] | None = None,
                   max_dag_size: int = DEFAULT_MAX_DAG_SIZE) -> str:
    """What ``symdiff render`` does: draw ``f`` to ``path`` and return the text to print.

    ``view`` is ``"dag"`` or ``"tree"`` (with ``wrt``: f with its derivative, or its gradient
    for several variables) or ``"computation"`` (needs ``at``; ``wrt`` is the variable of
    forward mode, or the one highlighted in reverse mode). The text is the computation table,
    or the sizes drawn, and the path written.

    >>> import tempfile, pathlib, symdiff
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "l4.svg"
    >>> print(render_command(symdiff.workloads.logistic_map(4), out, "tree").split(":")[0])
    tree view of 43 nodes (12 distinct)
    """
    f = as_expr(f)
    output_format(path)
    if isinstance(wrt, (list, tuple)) and len(wrt) <= 1:
        wrt = wrt[0] if wrt else None
    if view == "computation":
        if at is None:
            raise RenderError("the computation view needs a point: at={x: 1, ...} "
                              "(--at x=1,w=0,b=0)")
        if isinstance(wrt, (list, tuple)):
            raise RenderError("the computation view takes one variable in wrt")
        numbers = render_computation(f, at, wrt, mode, path, dpi=dpi, size=size,
                                     max_dag_size=max_dag_size)
        return f"{numbers.table()}\nwrote {path}"
    if view == "heat":  # of the derivative when wrt is given: where it swells
        target = f if wrt is None else (diff(f, as_symbol(wrt)) if not isinstance(
            wrt, (list, tuple)) else grad(f, [as_symbol(v) for v in wrt]))
        render(target, path, "heat", dpi=dpi, size=size, max_dag_size=max_dag_size)
        what = "f" if wrt is None else "the derivative"
        return (f"heat view of {what}: {dag_size(target)} distinct nodes, a tree of "
                f"{exact_number(tree_size(target))}: wrote {path}")
    if wrt is not None:
        render_derivative(f, wrt, path, view, max_tree_size=max_tree_size, dpi=dpi, size=size,
                          max_dag_size=max_dag_size)
        what = "f with its gradient" if isinstance(wrt, (list, tuple)) else "f with ∂f/∂" + (
            wrt if isinstance(wrt, str) else as_symbol(wrt).name)
        return f"{view} view of {what}: wrote {path}"
    render(f, path, view, max_tree_size=max_tree_size, legend=True, dpi=dpi, size=size,
           max_dag_size=max_dag_size)
    sizes = f"{tree_size(f)} nodes ({dag_size(f)} distinct)" if view == "tree" else (
        f"{dag_size(f)} distinct nodes (a tree of {exact_number(tree_size(f))})")
    return f"{view} view of {sizes}: wrote {path}"
