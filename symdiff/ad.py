"""Numeric automatic differentiation on the DAG: forward mode (``jvp``) and reverse mode (``vjp``).

Nothing here builds derivative expressions. An expression is lowered once to a :class:`Tape`
(a Wengert list: the three-address program of :func:`symdiff.cse` with integer slots), and the
sweeps run over floats, reading each op's ``evaluate`` and ``partials`` from the op table with
``F`` the float namespace (the op table's floats with the overflow rule of
:mod:`symdiff._evaluation`: a local partial too large for a float is ±inf):

* **forward mode** carries (value, tangent) pairs in topological order: one sweep gives one
  directional derivative, so a full gradient of n inputs costs n sweeps;
* **reverse mode** computes the values in one forward sweep, then carries adjoints
  h̄ = ∂f/∂h backwards, accumulating over every use: one backward sweep gives the derivative
  with respect to every input (backpropagation is this, on a network).

:func:`forward_trace` and :func:`reverse_trace` record both sweeps step by step, with the seed's
h₁…hₙ naming, and print as tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._errors import DomainError, MissingValueError, SymdiffError
from ._evaluation import FLOAT_ERRORS, IEEE_FLOAT, program_values, resolve_values
from ._expr import Expr, ExprLike, Point, Roots, Symbol, as_expr, as_roots, as_symbol
from ._ops import CONST, SYMBOL
from ._printing import number_text, render_with_names
from ._program import lower
from ._sweeps import COUNT, FLOATS, depends_on, forward, reverse
from ._tables import html_table, text_table
from ._util import short_number

__all__ = ["Tape", "jvp", "vjp", "gradient", "adjoints", "forward_trace", "reverse_trace",
           "TraceStep", "ForwardTrace", "ReverseTrace"]


def _partial(op: Any, index: int, args: tuple[float, ...], out: float) -> float:
    """The op's local partial ∂out/∂args[index] on floats; math errors → DomainError."""
    try:
        return float(op.partials[index](IEEE_FLOAT, *args, out))
    except FLOAT_ERRORS:
        shown = ", ".join(map(repr, args))
        raise DomainError(f"the local derivative of {op.name} with respect to argument {index} is "
                          f"undefined at {shown}") from None


def _roots(exprs: Any) -> tuple[Expr, ...]:
    roots = as_roots(exprs)
    if not roots:
        raise SymdiffError("no expressions given")
    return roots


class Tape:
    """One or more expressions lowered to the program IR (numbered slots), ready to sweep.

    Slots hold the inputs (the free symbols, in natural order: :attr:`inputs`), the constants
    and one result per operation. Build the tape once, then sweep it at many points: ``at`` is
    a mapping from symbols (or names) to values, or a sequence of values in the order of
    :attr:`inputs`. The sweeps are the ones symbolic differentiation uses (``symdiff._sweeps``)
    with floats as the algebra.

    >>> from symdiff import parse
    >>> tape = Tape(parse("x*y + sin(x)"))
    >>> tape.inputs, tape.n_operations
    ((Symbol('x'), Symbol('y')), 3)
    >>> tape.evaluate([0.0, 2.0])
    (0.0,)
    """

    def __init__(self, exprs: Any) -> None:
        self.outputs: tuple[Expr, ...] = _roots(exprs)
        self.program = lower(self.outputs, three_address=True)
        self.inputs: tuple[Symbol, ...] = self.program.inputs
        self._out = self.program.output_slots
        self._slot = {node: k for k, node in enumerate(self.program.nodes)}
        self._live = depends_on(self.program, range(len(self.inputs)))

    @property
    def n_operations(self) -> int:
        """Elementary operations in one evaluation (each shared node counted once)."""
        return self.program.n_operations

    def slot_of(self, node: Expr) -> int:
        """The slot holding ``node``'s value (a symbol, a constant or an operation)."""
        try:
            return self._slot[node]
        except KeyError:
            raise SymdiffError(f"{node} is not part of this tape") from None

    # --- inputs ------------------------------------------------------------------------
    def point(self, at: Any) -> list[float]:
        """``at`` as a list of floats in the order of :attr:`inputs`."""
        if isinstance(at, Mapping):
            env = resolve_values(at)
            missing = [s.name for s in self.inputs if s.name not in env]
            if missing:
                raise MissingValueError(f"no value given for {', '.join(map(repr, missing))}")
            return [env[s.name] for s in self.inputs]
        try:
            values = [float(v) for v in at]
        except (TypeError, ValueError):
            raise SymdiffError(f"at must be a mapping or a sequence of numbers, not {at!r}"
                               ) from None
        if len(values) != len(self.inputs):
            raise SymdiffError(f"expected {len(self.inputs)} values (for "
                               f"{', '.join(s.name for s in self.inputs)}), got {len(values)}")
        if sum(values) - sum(values) != 0.0:  # a nan or ±inf: the rule of resolve_values
            resolve_values(dict(zip((s.name for s in self.inputs), values, strict=True)))
        return values

    def _direction(self, direction: Any) -> list[float]:
        if isinstance(direction, (Symbol, str)):
            name = direction if isinstance(direction, str) else direction.name
            return [1.0 if s.name == name else 0.0 for s in self.inputs]
        if isinstance(direction, Mapping):
            given = resolve_values(direction)
            return [given.get(s.name, 0.0) for s in self.inputs]
        return self.point(direction)

    # --- sweeps ------------------------------------------------------------------------
    def values(self, at: Any) -> list[float]:
        """The value of every slot (one forward pass)."""
        return program_values(self.program, self.point(at))

    def evaluate(self, at: Any) -> tuple[float, ...]:
        """The outputs' values."""
        vals = self.values(at)
        return tuple(vals[o] for o in self._out)

    def jvp(self, at: Any, direction: Any) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """Forward mode: (values, directional derivatives) of the outputs along ``direction``
        (a mapping from symbols to tangents — missing ones are 0 —, a single symbol meaning
        its unit vector, or a sequence in the order of :attr:`inputs`). One sweep carries
        the tangents; a structurally zero tangent is never multiplied."""
        vals, tangent = self._forward(at, direction)
        return (tuple(vals[o] for o in self._out),
                tuple(0.0 if (t := tangent[o]) is None else t for o in self._out))

    def _forward(self, at: Any, direction: Any) -> tuple[list[float], list[float | None]]:
        vals = self.values(at)
        seeds = [(i, t) for i, t in enumerate(self._direction(direction)) if t != 0.0]
        try:
            return vals, forward(self.program, vals, seeds, FLOATS)
        except FLOAT_ERRORS:
            self._fail(vals)
            raise

    def _backward(self, vals: list[float], cotangents: Sequence[float]
                  ) -> list[float | None]:
        seeds = list(zip(self._out, cotangents, strict=True))
        try:
            return reverse(self.program, vals, seeds, FLOATS, self._live)
        except FLOAT_ERRORS:
            self._fail(vals)
            raise

    def _fail(self, vals: list[float]) -> None:
        """Raise the DomainError for the first local partial that math refuses."""
        for out, op, args, _ in self.program.equations:
            argvals = tuple(vals[a] for a in args)
            for j, a in enumerate(args):
                if self._live[a]:
                    _partial(op, j, argvals, vals[out])

    def _cotangents(self, cotangents: Any) -> list[float]:
        if cotangents is None:
            if len(self._out) != 1:
                raise SymdiffError(f"{len(self._out)} outputs: give one cotangent per output")
            return [1.0]
        if isinstance(cotangents, (int, float)) and not isinstance(cotangents, bool):
            cotangents = [cotangents]
        values = [float(c) for c in cotangents]
        if len(values) != len(self._out):
            raise SymdiffError(f"expected {len(self._out)} cotangents, got {len(values)}")
        return values

    def vjp(self, at: Any, cotangents: Any = None
            ) -> tuple[tuple[float, ...], dict[Symbol, float]]:
        """Reverse mode: (values, Σₖ ȳₖ·∂yₖ/∂x for every input x), where ȳₖ are the
        ``cotangents`` (one per output; default 1 for a single output). One forward sweep for
        the values, one backward sweep for the adjoints."""
        vals = self.values(at)
        adjoint = self._backward(vals, self._cotangents(cotangents))
        grads = {s: (0.0 if (g := adjoint[i]) is None else g) for i, s in enumerate(self.inputs)}
        return tuple(vals[o] for o in self._out), grads

    def gradient(self, at: Any, wrt: Sequence[Any] | None = None) -> dict[Symbol, float]:
        """∂f/∂x for every input x (or for the symbols of ``wrt``) of a single-output tape."""
        if len(self._out) != 1:
            raise SymdiffError("gradient() needs one output; use vjp() with cotangents")
        grads = self.vjp(at)[1]
        if wrt is None:
            return grads
        result = {}
        for v in map(as_symbol, wrt):
            result[v] = grads.get(v, 0.0)
        return result

    def adjoints(self, at: Any, cotangents: Any = None) -> dict[Expr, float]:
        """The adjoint ∂f/∂node of every node that depends on an input (0 when no path from
        the outputs reaches it): what backpropagation computes layer by layer."""
        vals = self.values(at)
        adjoint = self._backward(vals, self._cotangents(cotangents))
        return {node: (0.0 if adjoint[i] is None else adjoint[i])  # type: ignore[misc]
                for node, i in self._slot.items() if self._live[i]}

    def count_operations(self, mode: str, direction: Any = None) -> int:
        """Elementary operations of one sweep, counted on the structure: every op evaluated
        once, plus one per chain-rule term (a local partial times a tangent or an adjoint).
        ``mode`` is ``"evaluate"``, ``"forward"`` (along ``direction``) or ``"reverse"``.
        The count is the sweep itself, run with an operation-counting algebra."""
        program = self.program
        if mode == "evaluate":
            return program.n_operations
        counter = COUNT()
        blank = [None] * program.n_slots
        if mode == "forward":
            seeds = [(i, True) for i, t in enumerate(self._direction(direction)) if t != 0.0]
            forward(program, blank, seeds, counter)
        elif mode == "reverse":
            reverse(program, blank, [(o, True) for o in self._out], counter, self._live)
        else:
            raise SymdiffError(f"unknown mode {mode!r}: use 'evaluate', 'forward' or 'reverse'")
        return program.n_operations + counter.terms  # type: ignore[no-any-return]


# --- one-shot functions --------------------------------------------------------------------

def jvp(exprs: Roots, at: Point | Sequence[float], direction: Any) -> tuple[Any, Any]:
    """Forward mode: ``(value, directional derivative)`` of an expression at ``at`` along
    ``direction`` (a mapping from symbols to floats, or one symbol for its partial); for a
    sequence of expressions, a tuple of values and a tuple of derivatives.

    >>> from symdiff import workloads
    >>> seed = workloads.seed_sigmoid()
    >>> w = seed.wrt[0]
    >>> jvp(seed.expr, seed.at, {w: 1.0})
    (0.5, 0.25)
    """
    values, tangents = Tape(exprs).jvp(at, direction)
    return (values[0], tangents[0]) if isinstance(exprs, Expr) else (values, tangents)


def vjp(exprs: Roots, at: Point | Sequence[float], cotangents: Any = None
        ) -> tuple[Any, dict[Symbol, float]]:
    """Reverse mode: ``(value(s), {x: Σₖ ȳₖ·∂yₖ/∂x})`` for every free symbol x, where ȳₖ
    are the ``cotangents`` (one float per expression; default 1 for a single expression, so
    the dict is then the gradient).

    >>> from symdiff import parse, symbols
    >>> x, y = symbols("x y")
    >>> vjp([parse("x*y"), parse("x + y")], {x: 2, y: 3}, [1.0, 10.0])
    ((6.0, 5.0), {Symbol('x'): 13.0, Symbol('y'): 12.0})
    """
    values, grads = Tape(exprs).vjp(at, cotangents)
    return (values[0] if isinstance(exprs, Expr) else values), grads


def gradient(expr: ExprLike, at: Point | Sequence[float], wrt: Sequence[Any] | None = None
             ) -> dict[Symbol, float]:
    """Every partial derivative ∂e/∂x by reverse mode (one forward and one backward sweep), as
    a dict over the free symbols of ``expr`` (or over ``wrt``).

    >>> from symdiff import workloads
    >>> seed = workloads.seed_sigmoid()
    >>> {s.name: v for s, v in gradient(seed.expr, seed.at).items()}
    {'b': 0.25, 'w': 0.25, 'x': 0.0}
    """
    return Tape(expr).gradient(at, wrt)


def adjoints(expr: ExprLike, at: Point | Sequence[float]) -> dict[Expr, float]:
    """∂e/∂node for every node of ``expr`` that depends on a symbol (see :meth:`Tape.adjoints`).

    >>> from symdiff import symbols
    >>> x, y = symbols("x y")
    >>> adjoints((x*y)**2, {x: 1.0, y: 3.0})[x*y]     # ∂e/∂(xy) = 2xy
    6.0
    """
    return Tape(expr).adjoints(at)


# --- traces --------------------------------------------------------------------------------

def _num(v: float) -> str:
    return short_number(v, 6)


@dataclass(frozen=True)
class TraceStep:
    """One elementary operation ``name = operation``: its value, its tangent (forward mode) or
    adjoint (reverse mode) as ``derivative``, and its local partials ``(operand, ∂name/∂operand)``
    with respect to the operands that depend on an input."""

    name: str
    operation: str
    value: float
    derivative: float
    partials: tuple[tuple[str, float], ...]


def _step_rows(steps: Sequence[TraceStep]) -> list[list[str]]:
    return [[s.name, s.operation, _num(s.value), _num(s.derivative),
             ", ".join(f"∂{s.name}/∂{o} = {_num(p)}" for o, p in s.partials)] for s in steps]


class _Table:
    """Display of a trace from its ``_cells()``: ``print`` and ``repr`` give the text table,
    notebooks the HTML one."""

    def _cells(self) -> tuple[str, list[str], list[list[str]], str]:
        raise NotImplementedError

    def __str__(self) -> str:
        return _text(*self._cells())

    def __repr__(self) -> str:  # reads like print(); the fields are attributes
        return str(self)

    def _repr_html_(self) -> str:
        return _html(*self._cells())


@dataclass(frozen=True, repr=False)
class ForwardTrace(_Table):
    """Forward mode step by step: ``inputs`` are ``(name, value, tangent)``; ``steps`` follow
    the topological order; ``wrt`` names the symbol when the direction is a unit vector."""

    expr: Expr
    inputs: tuple[tuple[str, float, float], ...]
    steps: tuple[TraceStep, ...]
    value: float
    derivative: float
    wrt: str | None

    def _cells(self) -> tuple[str, list[str], list[list[str]], str]:
        what = f"∂hᵢ/∂{self.wrt}" if self.wrt else "tangent"
        rows = [[n, "input", _num(v), _num(t), ""] for n, v, t in self.inputs]
        rows += _step_rows(self.steps)
        at = ", ".join(f"{n} = {_num(v)}" for n, v, _ in self.inputs)
        last = self.steps[-1].name if self.steps else "f"
        return (f"forward mode at {at}: each step carries (value, {what})",
                ["step", "operation", "value", what, "local partials"], rows,
                f"f = {last} = {_num(self.value)}, derivative = {_num(self.derivative)}")



@dataclass(frozen=True, repr=False)
class ReverseTrace(_Table):
    """Reverse mode step by step: values from the forward sweep, adjoints ∂f/∂hᵢ from the
    backward sweep (``steps`` in topological order; printed last to first), then the
    ``gradient`` with respect to every input."""

    expr: Expr
    inputs: tuple[tuple[str, float, float], ...]
    steps: tuple[TraceStep, ...]
    value: float
    gradient: dict[Symbol, float]

    def _cells(self) -> tuple[str, list[str], list[list[str]], str]:
        rows = _step_rows(list(reversed(self.steps)))
        rows += [[n, "input", _num(v), _num(a), ""] for n, v, a in self.inputs]
        grads = ", ".join(f"∂f/∂{s.name} = {_num(v)}" for s, v in self.gradient.items())
        return ("reverse mode: values by a forward sweep, then adjoints ∂f/∂hᵢ from the output "
                "back to the inputs",
                ["step", "operation", "value", "adjoint ∂f/∂hᵢ", "local partials"], rows,
                f"gradient: {grads}")



def _text(title: str, headers: list[str], rows: list[list[str]], result: str) -> str:
    return "\n".join([title, text_table(headers, rows), result])


def _html(title: str, headers: list[str], rows: list[list[str]], result: str) -> str:
    return html_table(headers, rows, caption=title, footer=result)


def _named(tape: Tape) -> tuple[dict[Expr, str], dict[Expr, str]]:
    """The seed's names h1, h2, … for the operations (the program's three-address view),
    and each operation's text."""
    names = tape.program.node_names("h", start=1, three_address=True)
    definitions, _ = render_with_names(tape.outputs, names)
    return names, dict(zip(names, (text for _, text in definitions), strict=True))


def _label(node: Expr, names: dict[Expr, str]) -> str:
    if node in names:
        return names[node]
    if node.op is SYMBOL:
        return node.name  # type: ignore[attr-defined]
    if node.op is CONST:
        return number_text(node.value)  # type: ignore[attr-defined]
    return str(node)


def _trace_steps(tape: Tape, vals: list[float], derivative: list[float | None]
                 ) -> tuple[TraceStep, ...]:
    names, texts = _named(tape)
    live = tape._live
    nodes = tape.program.nodes
    steps = []
    for out, op, args, _ in tape.program.equations:
        node = nodes[out]
        argvals = tuple(vals[a] for a in args)
        partials = tuple((_label(nodes[a], names), _partial(op, j, argvals, vals[out]))
                         for j, a in enumerate(args) if live[a])
        d = derivative[out]
        steps.append(TraceStep(names[node], texts[node], vals[out],
                               0.0 if d is None else d, partials))
    return tuple(steps)


def _tape_of(expr: Expr, tape: Tape | None) -> Tape:
    """The tape of ``expr``: ``tape`` if given (a caller that has lowered already), else new."""
    if tape is None:
        return Tape(expr)
    if tape.outputs != (expr,):
        raise SymdiffError("the tape given is not the tape of this expression")
    return tape


def forward_trace(expr: Any, at: Any, direction: Any, *, tape: Tape | None = None
                  ) -> ForwardTrace:
    """Forward mode on one expression, recorded step by step (see :class:`ForwardTrace`).

    >>> from symdiff import workloads
    >>> seed = workloads.seed_sigmoid()
    >>> [s.derivative for s in forward_trace(seed.expr, seed.at, "w").steps]
    [1.0, 1.0, -1.0, -1.0, -1.0, 0.25]
    """
    expr = as_expr(expr)
    tape = _tape_of(expr, tape)
    vals, tangent = tape._forward(at, direction)
    seeds = tape._direction(direction)
    nonzero = [(s.name, t) for s, t in zip(tape.inputs, seeds, strict=True) if t != 0.0]
    wrt = nonzero[0][0] if len(nonzero) == 1 and nonzero[0][1] == 1.0 else None
    inputs = tuple((s.name, vals[i], seeds[i]) for i, s in enumerate(tape.inputs))
    out = tape._out[0]
    return ForwardTrace(expr, inputs, _trace_steps(tape, vals, tangent), vals[out],
                        0.0 if (dt := tangent[out]) is None else dt, wrt)


def reverse_trace(expr: Any, at: Any, *, tape: Tape | None = None) -> ReverseTrace:
    """Reverse mode on one expression, recorded step by step (see :class:`ReverseTrace`).

    >>> from symdiff import workloads
    >>> seed = workloads.seed_sigmoid()
    >>> [s.derivative for s in reversed(reverse_trace(seed.expr, seed.at).steps)]
    [1.0, -0.25, -0.25, -0.25, 0.25, 0.25]
    """
    expr = as_expr(expr)
    tape = _tape_of(expr, tape)
    vals = tape.values(at)
    adjoint = tape._backward(vals, [1.0])
    grads = {s: (0.0 if (g := adjoint[i]) is None else g) for i, s in enumerate(tape.inputs)}
    inputs = tuple((s.name, vals[i], grads[s]) for i, s in enumerate(tape.inputs))
    return ReverseTrace(expr, inputs, _trace_steps(tape, vals, adjoint),
                        vals[tape._out[0]], grads)
