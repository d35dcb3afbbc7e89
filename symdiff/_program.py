"""The program IR: expressions lowered once to a straight-line program over numbered slots.

Because nodes are hash-consed, common subexpressions are already shared, so lowering is one
linear walk in topological order. A :class:`Program` holds

* ``inputs`` — the symbols, in slots ``0 … len(inputs) − 1``;
* ``constants`` — the constant nodes, in the next slots;
* ``equations`` — one :class:`Equation` ``(out, op, args, params)`` per operation, in
  dependency order, each writing its own slot;
* ``output_slots`` — the slots of the outputs; ``uses`` — how often each slot is read.

Everything that needs a straight-line form reads this one IR: evaluation, the forward and
reverse sweeps (``symdiff._sweeps``: ``diff``, ``grad``, numeric AD, traces, operation counts),
code generation, the annotated computation graph, the printer's shared form for huge
expressions and pickling. Naming is a *view* of slots (:meth:`Program.slot_names`: ``t0 …``,
``h1 …``, ``$1 …``), not a second lowering.

The module reads nodes only through ``.op`` and ``.args`` (and ``.name`` / ``.value`` of
leaves), so it sits below the expression module and every printer can use it.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from itertools import count
from operator import attrgetter
from typing import Any, NamedTuple

from ._errors import SymdiffError
from ._ops import SYMBOL
from ._tables import html_table
from ._traversal import flatten, natural_key
from ._util import gc_paused

__all__ = ["Equation", "Program", "Assignment", "lower", "temporary_prefix", "set_printer",
           "node_text", "forget_lowerings"]


class Equation(NamedTuple):
    """``slot[out] = op(slot[a] for a in args)``; ``params`` are the op's static parameters
    (empty for the scalar ops)."""

    out: int
    op: Any
    args: tuple[int, ...]
    params: tuple[Any, ...] = ()


class Assignment(NamedTuple):
    """``target = node`` in the named view of a program (what :func:`symdiff.cse` printed
    before the IR had slots); the node's named arguments are referred to by name."""

    target: str
    node: Any

    @property
    def op(self) -> Any:
        return self.node.op


_ARGS = attrgetter("args")
_OP = attrgetter("op")
_PARAMS = attrgetter("params")
_EQUATION = partial(tuple.__new__, Equation)  # Equation(*row) without keyword handling


# The printer renders nodes with names for some of them; it lives above this module (it uses
# the IR for its shared form), so it hands its renderer down once, at import.
_PRINTER: list[Callable[..., tuple[list[tuple[str, str]], list[str]]]] = []


def set_printer(render_with_names: Callable[..., tuple[list[tuple[str, str]], list[str]]]
                ) -> None:
    """Give programs the text printer (called once by ``symdiff._printing``)."""
    _PRINTER[:] = [render_with_names]


def node_text(node: Any, limit: int = 80) -> str:
    """``node`` as it prints, for messages: whole if it is small (at most 40 distinct nodes and
    ``limit`` characters), else its op with the large operands written ``…``."""
    if not _PRINTER:
        return ""
    seen = {node}
    stack = [node]
    while stack and len(seen) <= 40:
        for arg in stack.pop().args:
            if arg not in seen:
                seen.add(arg)
                stack.append(arg)
    text = _PRINTER[0]((node,), {})[1][0] if len(seen) <= 40 else ""
    if not text or len(text) > limit:
        # The op with its operations as "…": printing a large operand would cost a pass
        # over it (and the printer writes named nodes' definitions out in full).
        operands = [_PRINTER[0]((a,), {})[1][0] if not a.args else "…" for a in node.args]
        op = node.op
        if op.kind == "infix" and len(operands) == 2:
            text = f"{operands[0]} {op.text} {operands[1]}"
        elif op.kind == "prefix" and len(operands) == 1:
            text = f"{op.text}{operands[0]}"
        else:
            text = f"{op.name}({', '.join(operands)})"
    return text if len(text) <= limit else text[:limit - 1] + "…"


def temporary_prefix(taken: Iterable[str], stem: str = "t") -> str:
    """A prefix for temporaries (``t0``, ``t1`` … or ``h1`` …) that no name in ``taken``
    could be mistaken for: ``stem``, or ``_stem``, ``__stem`` … if a symbol reads like one.

    >>> temporary_prefix(["x", "t3"])
    '_t'
    """
    names = set(taken)
    prefix = stem
    while any(re.fullmatch(re.escape(prefix) + r"\d+", name) for name in names):
        prefix = "_" + prefix
    return prefix


class Program:
    """A straight-line program computing one or more expressions (see the module docstring).

    ``outputs`` are the output expressions and ``output_slots`` their slots; ``nodes[s]`` is
    the expression whose value slot ``s`` holds. ``three_address`` only says how the program
    prints (every operation named, or only those used more than once); the IR is the same.

    >>> from symdiff import parse
    >>> print(lower(parse("(x*y + 1)*sin(x*y + 1)")))
    t0 = x*y + 1
    return t0*sin(t0)
    """

    __slots__ = ("__dict__", "arg_slots", "constants", "inputs", "nodes", "output_slots",
                 "outputs", "three_address")

    def __init__(self, inputs: tuple[Any, ...], constants: tuple[Any, ...],
                 equations: tuple[Equation, ...], output_slots: tuple[int, ...],
                 nodes: tuple[Any, ...], three_address: bool = False) -> None:
        equations = tuple(equations)
        self._set(inputs, constants, tuple(eq.args for eq in equations), output_slots, nodes,
                  three_address)
        self.__dict__["equations"] = equations

    @classmethod
    def _make(cls, inputs: tuple[Any, ...], constants: tuple[Any, ...],
              arg_slots: tuple[tuple[int, ...], ...], output_slots: tuple[int, ...],
              nodes: tuple[Any, ...], three_address: bool = False) -> Program:
        """The program from its parallel arrays (what :func:`lower` makes): equation ``k``
        writes slot ``len(inputs) + len(constants) + k``, computing ``nodes[slot].op`` of
        the slots ``arg_slots[k]``."""
        program = cls.__new__(cls)
        program._set(inputs, constants, arg_slots, output_slots, nodes, three_address)
        return program

    def _set(self, inputs: tuple[Any, ...], constants: tuple[Any, ...],
             arg_slots: tuple[tuple[int, ...], ...], output_slots: tuple[int, ...],
             nodes: tuple[Any, ...], three_address: bool) -> None:
        self.inputs = inputs
        self.constants = constants
        self.arg_slots = arg_slots
        self.output_slots = output_slots
        self.nodes = nodes
        self.three_address = three_address
        self.outputs = tuple([nodes[s] for s in output_slots])

    @property
    def equations(self) -> tuple[Equation, ...]:
        """``Equation(out, op, args, params)`` per operation, in dependency order (made on
        first use from :attr:`arg_slots` and :attr:`nodes`; the sweeps and the evaluator
        read those directly)."""
        cached = self.__dict__.get("equations")
        if cached is None:
            operations = self.operations
            cached = self.__dict__["equations"] = tuple(map(_EQUATION, zip(
                count(self.first_equation_slot), map(_OP, operations), self.arg_slots,
                map(_PARAMS, operations))))
        return cached  # type: ignore[no-any-return]

    @property
    def operations(self) -> tuple[Any, ...]:
        """The nodes the equations compute, in order (``nodes`` after the leaves)."""
        return self.nodes[len(self.inputs) + len(self.constants):]

    @property
    def uses(self) -> tuple[int, ...]:
        """How often each slot is read: by the equations' arguments (``a + a`` reads ``a``
        twice) and once per appearance among the outputs."""
        cached = self.__dict__.get("uses")
        if cached is None:
            counts = [0] * len(self.nodes)
            for args in self.arg_slots:
                for a in args:
                    counts[a] += 1
            for s in self.output_slots:
                counts[s] += 1
            cached = self.__dict__["uses"] = tuple(counts)
        return cached

    # --- sizes -------------------------------------------------------------------------
    @property
    def n_slots(self) -> int:
        return len(self.nodes)

    @property
    def first_equation_slot(self) -> int:
        return len(self.inputs) + len(self.constants)

    @property
    def n_operations(self) -> int:
        """Operations executed: every distinct operation is computed exactly once."""
        return len(self.arg_slots)

    # --- the named view ----------------------------------------------------------------
    def named_slots(self, three_address: bool | None = None) -> list[int]:
        """The equation slots that get a name: every one (three-address form) or those read
        more than once (counting reads across all outputs)."""
        every = self.three_address if three_address is None else three_address
        first = self.first_equation_slot
        slots = range(first, first + len(self.arg_slots))
        if every:
            return list(slots)
        uses = self.uses
        return [s for s in slots if uses[s] > 1]

    def slot_names(self, stem: str = "t", start: int = 0, three_address: bool | None = None
                   ) -> dict[int, str]:
        """Names for :meth:`named_slots`: ``t0, t1 …`` (``stem``, ``start``), prefixed with
        underscores when a symbol of the program reads like a temporary."""
        prefix = stem if not stem[-1:].isalpha() else temporary_prefix(
            (s.name for s in self.inputs), stem)
        return {slot: f"{prefix}{start + k}"
                for k, slot in enumerate(self.named_slots(three_address))}

    def node_names(self, stem: str = "t", start: int = 0, three_address: bool | None = None
                   ) -> dict[Any, str]:
        """:meth:`slot_names` keyed by the nodes the slots hold (what printers take)."""
        nodes = self.nodes
        return {nodes[s]: name for s, name in self.slot_names(stem, start, three_address).items()}

    @property
    def names(self) -> dict[Any, str]:
        """Node → temporary name in this program's own view (``t0 …``)."""
        cached = self.__dict__.get("names")
        if cached is None:
            cached = self.__dict__["names"] = self.node_names()
        return cached

    @property
    def assignments(self) -> tuple[Assignment, ...]:
        """The named view as ``target = node`` pairs, in dependency order."""
        return tuple(Assignment(name, node) for node, name in self.names.items())

    @property
    def n_assignments(self) -> int:
        return len(self.names)

    def __iter__(self) -> Iterator[Assignment]:
        return iter(self.assignments)

    def __len__(self) -> int:
        return len(self.names)

    def lines(self) -> list[str]:
        """The program as text: one assignment per line, then ``return``."""
        if not _PRINTER:
            raise SymdiffError("no printer registered")  # import symdiff registers it
        definitions, outputs = _PRINTER[0](self.outputs, self.names)
        lines = [f"{name} = {text}" for name, text in definitions]
        lines.append("return " + ", ".join(outputs))
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:  # reads like print(); the sizes are in the HTML caption
        return str(self)

    def _repr_html_(self) -> str:
        if not _PRINTER:
            raise SymdiffError("no printer registered")  # import symdiff registers it
        definitions, outputs = _PRINTER[0](self.outputs, self.names)
        rows = [*definitions, ("return", ", ".join(outputs))]
        return html_table(["name", "definition"], rows, caption=(
            f"{len(self.inputs)} inputs, {len(self.constants)} constants, "
            f"{len(self.equations)} equations, {len(self.output_slots)} outputs"))


    def values(self, inputs: Sequence[Any], constant: Callable[[Any], Any],
               apply: Callable[[Any, tuple[Any, ...]], Any]) -> list[Any]:
        """Every slot's value: ``inputs`` for the input slots, ``constant(node)`` for the
        constants, then ``apply(op, arg values)`` equation by equation (one forward pass)."""
        vals: list[Any] = [*inputs, *(constant(c) for c in self.constants)]
        for node, args in zip(self.operations, self.arg_slots, strict=True):
            vals.append(apply(node.op, tuple([vals[a] for a in args])))
        return vals


def lower(exprs: Any, inputs: Sequence[Any] | None = None, three_address: bool = False
          ) -> Program:
    """The program for one expression or a (nested) sequence of them: one walk.

    ``inputs`` fixes the order of the input slots (default: the free symbols in natural
    order, ``x2`` before ``x10``); a symbol of the expressions missing from it is an error.
    The lowering of one expression with the default inputs is remembered while the
    expression lives (see :func:`forget_lowerings`): ``diff(f, v)`` for each of many ``v``
    lowers ``f`` once.
    """
    if inputs is None and getattr(exprs, "args", None):
        entry = _LOWERED.get(id(exprs))
        if entry is not None and entry[0]() is exprs:
            _, input_nodes, constants, arg_slots, rest = entry
            return Program._make(input_nodes, constants, arg_slots, (len(rest),),
                                 (*rest, exprs), three_address)
        with gc_paused():  # lowering makes no cycles: the collector would find nothing
            program = _lower(exprs, None, three_address)
        _remember(exprs, program)
        return program
    with gc_paused():
        return _lower(exprs, inputs, three_address)


# The lowerings of single expressions, by id(expression): (weak reference to it, inputs,
# constants, argument slots, every node but the expression itself). An entry holds only what
# the expression holds anyway (its descendants), never the expression, so it keeps no graph
# alive: the expression's death removes its entry at once, by a weak-reference callback that
# is a C call (``dict.pop(id, ref)``: no Python code, so no lock and no interrupt can land
# in it), and the entry's references go with it. Graphs are immutable and interned, so an
# entry never goes stale. At most _LOWERED_ENTRIES entries and _LOWERED_SLOTS slots are
# kept (the oldest go first).
_LOWERED: dict[int, tuple[Any, ...]] = {}
_LOWERED_LOCK = threading.Lock()
_LOWERED_ENTRIES = 8
_LOWERED_SLOTS = 2_000_000


def _remember(root: Any, program: Program) -> None:
    nodes = program.nodes
    if nodes[-1] is not root:  # the root of one walk is its last node; nothing else caches
        return
    key = id(root)
    try:
        ref = weakref.ref(root, partial(_LOWERED.pop, key))
    except TypeError:  # a node type without weak references: not remembered
        return
    entry = (ref, program.inputs, program.constants, program.arg_slots, nodes[:-1])
    with _LOWERED_LOCK:
        _LOWERED[key] = entry
        while len(_LOWERED) > 1 and (len(_LOWERED) > _LOWERED_ENTRIES or sum(
                len(e[4]) for e in list(_LOWERED.values())) > _LOWERED_SLOTS):
            try:
                _LOWERED.pop(next(iter(_LOWERED)), None)
            except (RuntimeError, StopIteration):  # an entry died meanwhile: look again
                continue


def forget_lowerings() -> None:
    """Drop the remembered lowerings (benchmarks call it so that every repeat lowers)."""
    with _LOWERED_LOCK:
        _LOWERED.clear()


def _walk(roots: list[Any]) -> tuple[list[Any], list[Any], list[Any]]:
    """The distinct nodes under ``roots`` split into symbols, constants and operations, each
    in the order of :func:`~symdiff._traversal.toposort` (a depth-first post-order, arguments
    left to right). One walk, fused with the split; leaves never go on the stack."""
    seen: set[Any] = set()
    mark = seen.add
    symbols: list[Any] = []
    constants: list[Any] = []
    operations: list[Any] = []
    finish = operations.append
    for root in roots:
        if root in seen:
            continue
        mark(root)
        if not root.args:
            (symbols if root.op is SYMBOL else constants).append(root)
            continue
        stack = [(root, iter(root.args))]
        push, pop = stack.append, stack.pop
        while stack:
            node, children = stack[-1]
            for child in children:
                if child not in seen:
                    mark(child)
                    if child.args:
                        push((child, iter(child.args)))
                        break
                    (symbols if child.op is SYMBOL else constants).append(child)
            else:
                pop()
                finish(node)
    return symbols, constants, operations


def _lower(exprs: Any, inputs: Sequence[Any] | None, three_address: bool) -> Program:
    roots: list[Any] = [exprs] if hasattr(exprs, "op") else flatten(exprs)
    for root in roots:
        if not hasattr(root, "op"):
            raise SymdiffError(f"cannot lower {root!r}: not an expression")
    symbols, constants, operations = _walk(roots)
    if inputs is None:
        input_nodes = tuple(sorted(symbols, key=lambda s: natural_key(s.name)))
    else:
        input_nodes = tuple(inputs)
        missing = set(symbols) - set(input_nodes)
        if missing:
            names = ", ".join(sorted(s.name for s in missing))
            raise SymdiffError(f"the expressions depend on {names}, not among the inputs")
    nodes = (*input_nodes, *constants, *operations)
    slot = dict(zip(nodes, range(len(nodes)), strict=True))
    get = slot.__getitem__
    # The argument slots of every operation; the Equation objects are made only when asked
    # for (Program.equations): the hot readers take these parallel arrays.
    arg_slots: list[tuple[int, ...]] = []
    append = arg_slots.append
    for args in map(_ARGS, operations):
        if len(args) == 2:  # most ops: two lookups, no map() object
            a, b = args
            append((get(a), get(b)))
        else:
            append(tuple(map(get, args)))
    return Program._make(input_nodes, tuple(constants), tuple(arg_slots),
                         tuple([get(r) for r in roots]), nodes, three_address)
