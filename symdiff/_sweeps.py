"""The forward and the reverse sweep: the chain rule, written once, over an algebra.

Both sweeps walk a :class:`~symdiff.Program` (the IR). What a tangent or an adjoint *is* comes
from an :class:`Algebra`:

* :data:`EXPRESSIONS` — expressions (``diff``, ``derivative_table``, ``grad``, ``jacobian``);
* :data:`FLOATS` — floats (numeric forward and reverse AD, the traces);
* :data:`COUNT` — nothing but structure: how many chain-rule terms a sweep performs (the
  operation counts of :meth:`symdiff.Tape.count_operations`).

An op gives its local partials (``op.partials``, one rule per argument, over the namespace
``F`` the algebra supplies), from which both sweeps derive ``Σᵢ ∂out/∂argᵢ · ṫᵢ`` and
``argᵢ̄ += out̄ · ∂out/∂argᵢ``; an op may instead give whole JVP / VJP rules of its own
(``op.jvp``, ``op.vjp``: matrix-valued ops need them). ``None`` stands for a structural zero
and is never multiplied. The symbolic reverse sweep multiplies a symbol factor in late (where
sums of its terms meet: ``c·Σⱼ tⱼ``, not ``Σⱼ c·tⱼ``) and writes a partial that reuses the
op's output as ``(adjoint·out)·B``, which shares products the sweep made already; both make
fewer operations (issue 15). (``symdiff.studies.swell.naive_diff`` is the one deliberate exception
to "one sweep": it differentiates the *tree*, to show swell.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import count, islice
from typing import Any

from ._evaluation import IEEE_FLOAT as _FLOAT_F
from ._expr import SYMBOLIC as _SYMBOLIC_F
from ._expr import Constant, add, mul
from ._ops import ADD, CONST, MUL, SUB, SYMBOL
from ._program import Program
from ._util import gc_paused

__all__ = ["Algebra", "EXPRESSIONS", "FLOATS", "COUNT", "forward", "reverse", "depends_on"]


class Algebra:
    """How the sweeps combine local partials with tangents (forward) and adjoints (reverse).

    ``F`` is the namespace partial rules compute with (``None``: rules are not called, only
    the structure matters). ``forward_term(partial, tangent, index)`` and
    ``reverse_term(adjoint, partial)`` return the chain-rule term, or ``None`` for a
    structural zero; ``add`` accumulates; ``is_zero`` says when a sum vanished.
    """

    F: Any = None

    def forward_term(self, partial: Any, tangent: Any, index: int) -> Any:
        return partial * tangent

    def reverse_term(self, adjoint: Any, partial: Any, operand: Any) -> Any:
        """``adjoint · partial``, the contribution to ``operand``'s adjoint (``operand`` is
        its primal value: a tensor algebra undoes broadcasting to its shape)."""
        return adjoint * partial

    def jvp_rule(self, op: Any) -> Any:
        """The op's whole JVP rule, if it has one (else the sweep uses its partials)."""
        return op.jvp

    def vjp_rule(self, op: Any) -> Any:
        """The op's whole VJP rule ``rule(F, args, out, adjoint)``, if it has one."""
        return op.vjp

    def add(self, a: Any, b: Any) -> Any:
        return a + b

    def is_zero(self, value: Any) -> bool:
        return False


_ZERO = Constant(0)


class _Symbolic(Algebra):
    """Expressions. The operand's derivative stands where the operand stood, so the product
    rule reads (df)g + f(dg) and the chain rule u'·cos(u); the integer partials of +, - and
    unary - build no ``1·d``."""

    F = _SYMBOLIC_F

    def forward_term(self, partial: Any, tangent: Any, index: int) -> Any:
        if partial.__class__ is int:
            if partial == 0:
                return None
            return tangent if partial == 1 else mul(partial, tangent)
        return mul(tangent, partial) if index == 0 else mul(partial, tangent)

    def reverse_term(self, adjoint: Any, partial: Any, operand: Any) -> Any:
        if partial.__class__ is int:
            if partial == 0:
                return None
            return adjoint if partial == 1 else mul(partial, adjoint)
        return mul(adjoint, partial)

    def add(self, a: Any, b: Any) -> Any:
        return add(a, b)

    def is_zero(self, value: Any) -> bool:
        return value is _ZERO


class _Float(Algebra):
    """Floats: numeric forward and reverse mode."""

    F = _FLOAT_F

    def forward_term(self, partial: Any, tangent: Any, index: int) -> Any:
        return float(partial) * tangent

    def reverse_term(self, adjoint: Any, partial: Any, operand: Any) -> Any:
        return adjoint * float(partial)


class _Count(Algebra):
    """Structure only: every term is one multiply-add; ``terms`` counts them."""

    def __init__(self) -> None:
        self.terms = 0

    def forward_term(self, partial: Any, tangent: Any, index: int) -> Any:
        self.terms += 1
        return True

    def reverse_term(self, adjoint: Any, partial: Any, operand: Any) -> Any:
        self.terms += 1
        return True

    def add(self, a: Any, b: Any) -> Any:
        return True


EXPRESSIONS: Algebra = _Symbolic()
FLOATS: Algebra = _Float()


def COUNT() -> Any:
    """A fresh operation-counting algebra (its ``terms`` start at 0)."""
    return _Count()


def depends_on(program: Program, slots: Iterable[int]) -> list[bool]:
    """For every slot, whether its value depends on one of ``slots`` (one forward pass)."""
    live = [False] * program.n_slots
    for s in slots:
        live[s] = True
    for out, args in enumerate(program.arg_slots, program.first_equation_slot):
        for a in args:
            if live[a]:
                live[out] = True
                break
    return live


def forward(program: Program, primal: Sequence[Any], seeds: Iterable[tuple[int, Any]],
            algebra: Algebra, stop: int | None = None) -> list[Any]:
    """Tangents of every slot (``None`` = structurally zero), from ``seeds`` ``(slot,
    tangent)``. ``primal`` holds each slot's value (the program's nodes for
    :data:`EXPRESSIONS`, floats for :data:`FLOATS`, anything for :func:`COUNT`). With
    ``stop``, only the equations writing slots below it run (the later slots stay ``None``):
    slots are in dependency order, so everything those slots need is computed."""
    with gc_paused():  # the sweep makes no cycles: the collector would find nothing
        return _forward(program, primal, seeds, algebra, stop)


def _forward(program: Program, primal: Sequence[Any], seeds: Iterable[tuple[int, Any]],
             algebra: Algebra, stop: int | None = None) -> list[Any]:
    tangent: list[Any] = [None] * program.n_slots
    for slot, seed in seeds:
        tangent[slot] = seed
    F, term, add_, is_zero = algebra.F, algebra.forward_term, algebra.add, algebra.is_zero
    jvp_rule = None if type(algebra).jvp_rule is Algebra.jvp_rule else algebra.jvp_rule
    # When the primal values are the program's own nodes, a node's arguments are its
    # operands' values: no list to build per equation (the hot path of symbolic diff).
    nodes = primal if primal is program.nodes else None
    symbolic = type(algebra) is _Symbolic
    first = program.first_equation_slot
    equations: Iterable[tuple[int, Any, tuple[int, ...]]] = zip(
        count(first), program.operations, program.arg_slots)
    if stop is not None:
        equations = islice(equations, max(0, stop - first))
    for out, node, args in equations:
        for a in args:  # most equations of a sweep along one variable have no tangent in
            if tangent[a] is not None:  # their operands: leave them before any lookup
                break
        else:
            continue
        op = node.op
        argvals: Any = None if nodes is None else node.args
        rule = op.jvp if jvp_rule is None else jvp_rule(op)
        if rule is not None:
            tangents = [tangent[a] for a in args]
            if any(t is not None for t in tangents):
                if argvals is None:
                    argvals = [primal[a] for a in args]
                tangent[out] = rule(F, argvals, primal[out], tangents)
            continue
        total = None
        partials = op.partials
        for j, a in enumerate(args):
            t = tangent[a]
            if t is None:
                continue
            if symbolic:  # EXPRESSIONS' forward_term and add, inlined: the hot path of diff
                if argvals is None:
                    argvals = [primal[i] for i in args]
                partial = partials[j](F, *argvals, primal[out])
                if partial.__class__ is int:
                    if partial == 0:
                        continue
                    contribution = t if partial == 1 else mul(partial, t)
                else:
                    contribution = mul(t, partial) if j == 0 else mul(partial, t)
                total = contribution if total is None else add(total, contribution)
                continue
            if F is None:
                partial = None
            else:
                if argvals is None:
                    argvals = [primal[i] for i in args]
                partial = partials[j](F, *argvals, primal[out])
            contribution = term(partial, t, j)
            if contribution is None:
                continue
            total = contribution if total is None else add_(total, contribution)
        tangent[out] = (None if total is None or (total is _ZERO if symbolic else
                                                  is_zero(total)) else total)
    return tangent


def reverse(program: Program, primal: Sequence[Any], cotangents: Iterable[tuple[int, Any]],
            algebra: Algebra, live: Sequence[bool], leaves_only: bool = False) -> list[Any]:
    """Adjoints of every slot (``None`` = structurally zero), from ``cotangents`` ``(slot,
    adjoint)`` of the outputs. Only slots marked ``live`` (those that depend on the
    variables of interest: :func:`depends_on`) receive adjoints. With ``leaves_only`` only
    the leaves' adjoints are wanted (what a gradient reads): an operation's slot may then
    hold an internal pair of :data:`EXPRESSIONS` (see ``_scaled_sum``)."""
    with gc_paused():  # the sweep makes no cycles: the collector would find nothing
        return _reverse(program, primal, cotangents, algebra, live, leaves_only)


def _reverse(program: Program, primal: Sequence[Any], cotangents: Iterable[tuple[int, Any]],
             algebra: Algebra, live: Sequence[bool], leaves_only: bool = False) -> list[Any]:
    adjoint: list[Any] = [None] * program.n_slots
    F, term, add_ = algebra.F, algebra.reverse_term, algebra.add
    # An algebra that keeps the default rule lookup reads op.vjp directly (the hot loop).
    vjp_rule = None if type(algebra).vjp_rule is Algebra.vjp_rule else algebra.vjp_rule
    nodes = primal if primal is program.nodes else None
    symbolic = type(algebra) is _Symbolic
    pairs = False  # whether a symbol factor was deferred (see _scaled_sum)
    for slot, seed in cotangents:
        if live[slot]:
            previous = adjoint[slot]
            adjoint[slot] = seed if previous is None else add_(previous, seed)
    first = program.first_equation_slot
    for out, node, args in zip(range(first + len(program.arg_slots) - 1, first - 1, -1),
                               reversed(program.operations), reversed(program.arg_slots),
                               strict=True):
        bar = adjoint[out]
        if bar is None:
            continue
        op = node.op
        value = primal[out]
        argvals: Any = (None if F is None else
                        value.args if nodes is not None else [primal[a] for a in args])
        rule = op.vjp if vjp_rule is None else vjp_rule(op)
        scale = None
        if symbolic and bar.__class__ is tuple:  # a deferred symbol factor (see _scaled)
            if rule is None and (len(args) == 1 or _one_live(args, live) or (
                    (op is ADD or op is SUB) and _merges(program, primal, args, live))):
                scale, bar = bar  # it travels on: what this node sends on is scaled alike
            else:
                bar = adjoint[out] = mul(bar[1], bar[0])
        if rule is not None:
            contributions = rule(F, argvals, value, bar)
            for j, a in enumerate(args):
                contribution = contributions[j]
                if contribution is not None and live[a]:
                    previous = adjoint[a]
                    adjoint[a] = contribution if previous is None else add_(previous,
                                                                            contribution)
            continue
        partials = op.partials
        for j, a in enumerate(args):
            if not live[a]:
                continue
            if symbolic:  # EXPRESSIONS' reverse_term and add, inlined: the hot path of grad
                partial = partials[j](F, *argvals, value)
                if partial.__class__ is int:
                    if partial == 0:
                        continue
                    contribution = bar if partial == 1 else mul(partial, bar)
                elif partial.op is MUL and partial.args[0] is value:
                    # A partial that reuses the output, out·B (the sigmoid's σ·(1 − σ)):
                    # written (bar·out)·B, bar·out is often made already (the adjoint this
                    # sweep sent to out's weight in bar's product), and is then shared.
                    contribution = mul(mul(bar, value), partial.args[1])
                elif (scale is None and partial.op is SYMBOL and bar.op is not CONST and (
                        (target := primal[a].op) is ADD or target is SUB
                        or target.arity == 1)):
                    # bar·symbol, the multiplication deferred: sent to a node that passes
                    # it on (a sum, a function of one operand), never to a leaf
                    contribution = (partial, bar)
                    pairs = True
                else:
                    contribution = mul(bar, partial)
                if scale is not None:
                    contribution = (scale, contribution)
                previous = adjoint[a]
                if previous is None:
                    adjoint[a] = contribution
                elif previous.__class__ is tuple or contribution.__class__ is tuple:
                    adjoint[a] = _scaled_sum(previous, contribution)
                else:
                    adjoint[a] = add(previous, contribution)
                continue
            if F is None:
                contribution = term(bar, None, None)
            else:
                contribution = term(bar, partials[j](F, *argvals, value), argvals[j])
            if contribution is None:
                continue
            previous = adjoint[a]
            adjoint[a] = contribution if previous is None else add_(previous, contribution)
    if pairs:  # the deferred factors multiplied in (into the leaves' adjoints only if asked)
        for k in range(first if leaves_only else len(adjoint)):
            value = adjoint[k]
            if value.__class__ is tuple:
                adjoint[k] = mul(value[1], value[0])
    return adjoint


# Deferred symbol factors (the symbolic reverse sweep). A product's adjoint sends bar·c to
# its other operand; when c is a symbol (a weight), the sweep carries the pair (c, bar)
# instead, through ops with one live operand and through sums, multiplying each chain-rule
# term into bar alone, and adds pairs of the same c as pairs. The symbol is multiplied in
# once, where contributions of different factors meet or at the end: Σⱼ c·tⱼ becomes
# c·Σⱼ tⱼ. On the network loss W3 this takes the output weight cᵢ out of the sums over the
# data points (200 products of 2,855 nodes). A pair is resolved before a node would send it
# to two operands, except by a sum whose operands can merge it (see _merges), so that it does
# not add multiplications where no sum of its terms forms.


def _merges(program: Program, primal: Sequence[Any], args: tuple[int, ...],
            live: Sequence[bool]) -> bool:
    """Whether a pair a sum sends to each of its live operands may meet pairs of the same
    factor there, so that the copies cost nothing: every live operand is read more than
    once, or passes the pair on (one live operand of its own) to a slot that is. Else the
    sum multiplies the factor in once, as the sweep without pairs would."""
    uses = program.uses
    first = program.first_equation_slot
    for a in args:
        if not live[a] or uses[a] > 1:
            continue
        if a < first:
            return False
        inner = [b for b in program.arg_slots[a - first] if live[b]]
        if len(inner) != 1 or uses[inner[0]] < 2 or primal[a].op.vjp is not None:
            return False
    return True


def _one_live(args: tuple[int, ...], live: Sequence[bool]) -> bool:
    """At most one of ``args`` is live (an op sending a pair on makes no second copy)."""
    return sum([live[a] for a in args]) <= 1


def _scaled_sum(previous: Any, contribution: Any) -> Any:
    """``previous + contribution`` where either may be a deferred pair ``(c, t)`` = t·c."""
    if previous.__class__ is tuple:
        if contribution.__class__ is tuple and contribution[0] is previous[0]:
            return (previous[0], add(previous[1], contribution[1]))
        previous = mul(previous[1], previous[0])
    if contribution.__class__ is tuple:
        contribution = mul(contribution[1], contribution[0])
    return add(previous, contribution)
