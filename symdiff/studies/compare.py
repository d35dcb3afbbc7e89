"""The four ways to get a gradient, side by side on one function of many inputs.

For a function with n inputs and one output (by default the network loss W3, n = 31):

* **numeric** central differences: 2 evaluations of f per input, and digits lost to rounding;
* **symbolic (compiled)**: :func:`symdiff.grad` once (symbolic reverse mode), compiled by
  ``symdiff.codegen.value_and_grad`` when the code generator is installed (else the same
  straight-line program run by the :class:`symdiff.ad.Tape` interpreter), then one call;
* **forward-mode AD**: one (value, tangent) sweep per input, so n sweeps;
* **reverse-mode AD**: one forward sweep for values and one backward sweep for adjoints, for
  the whole gradient.

Each is measured for elementary operations executed, time (median of repeats) and accuracy
against the symbolic derivative evaluated by :meth:`symdiff.Expr.evaluate`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from .. import numeric
from .._diff import grad
from .._errors import SymdiffError
from .._evaluation import evaluate_many
from .._expr import Expr, as_expr, free_symbols
from .._tables import text_table
from .._util import format_seconds, time_call
from ..ad import Tape
from .workloads import Workload, network_loss

__all__ = ["MethodResult", "Comparison", "compare_methods", "compare_report", "scaling_table",
           "symbolic_gradient_function"]


@dataclass(frozen=True)
class MethodResult:
    """One row: how a method computed the gradient, what it cost and how accurate it was.

    ``operations``: elementary operations executed for one gradient — op evaluations, plus one
    per chain-rule term (a local partial times a tangent or an adjoint) for the AD sweeps;
    for the symbolic method, the operations of the compiled program (function and gradient).
    ``setup_seconds``: one-off work (lowering to a tape; building and compiling the symbolic
    gradient). ``seconds``: median time per gradient. ``max_error``: the largest absolute
    difference from the symbolic derivative.
    """

    method: str
    passes: str
    operations: int
    setup_seconds: float
    seconds: float
    max_error: float


@dataclass(frozen=True)
class Comparison:
    """The comparison on one workload; ``str()`` gives the table ``symdiff compare`` prints."""

    name: str
    n_inputs: int
    n_operations: int
    results: tuple[MethodResult, ...]
    repeats: int

    def result(self, method: str) -> MethodResult:
        """The row whose method name starts with ``method`` (e.g. ``"reverse"``)."""
        for r in self.results:
            if r.method.startswith(method):
                return r
        raise SymdiffError(f"no method {method!r} in this comparison")

    def table(self) -> str:
        headers = ["method", "passes", "operations", "setup", "time per gradient",
                   "max abs error"]
        rows = [[r.method, r.passes, f"{r.operations:,}", format_seconds(r.setup_seconds),
                 format_seconds(r.seconds), f"{r.max_error:.1e}"] for r in self.results]
        return "\n".join([
            f"Gradient of {self.name}: {self.n_inputs} inputs, 1 output, "
            f"{self.n_operations:,} operations per evaluation of f", "",
            text_table(headers, rows, right={2, 3, 4, 5}), "",
            "operations: op evaluations + one per chain-rule term (local partial × tangent or "
            "adjoint); symbolic: operations of the compiled value-and-gradient program.",
            f"time: median of {self.repeats} repeats; error: max |difference| from the "
            "symbolic derivative (symdiff.grad, evaluated by the interpreter)."])

    def __str__(self) -> str:
        return self.table()




def symbolic_gradient_function(expr: Expr, wrt: Sequence[Any]
                               ) -> tuple[Callable[..., tuple[float, tuple[float, ...]]], str]:
    """A function of the values of ``wrt`` (positional) returning ``(value, gradient)``, from
    symdiff's symbolic gradient, and how it runs: ``"compiled"`` by
    ``symdiff.codegen.value_and_grad`` when available, else ``"interpreted"`` (the same
    straight-line program on a :class:`~symdiff.ad.Tape`). Symbols of ``expr`` not in ``wrt``
    are not allowed (give them values by substitution first).

    >>> from symdiff import parse, symbols
    >>> x, y = symbols("x y")
    >>> f, how = symbolic_gradient_function(parse("x*y"), [x, y])
    >>> f(2.0, 3.0)
    (6.0, (3.0, 2.0))
    """
    wrt = tuple(wrt)
    extra = [s.name for s in free_symbols(expr) if s not in wrt]
    if extra:
        raise SymdiffError(f"the expression also depends on {', '.join(extra)}: substitute "
                           "values for them or add them to wrt")
    try:
        from ..codegen._lambdify import value_and_grad  # the code generator (issue 4), when present

        compiled = value_and_grad(expr, list(wrt))

        def call_compiled(*values: float) -> tuple[float, tuple[float, ...]]:
            value, grads = compiled(*values)
            return float(value), grads if isinstance(grads, tuple) else (grads,)

        return call_compiled, "compiled"
    except ImportError:
        pass
    tape = Tape([expr, *grad(expr, wrt)])
    order = [wrt.index(s) for s in tape.inputs]

    def call_interpreted(*values: float) -> tuple[float, tuple[float, ...]]:
        outputs = tape.evaluate([values[i] for i in order])
        return outputs[0], outputs[1:]

    return call_interpreted, "interpreted"


def compare_methods(workload: Workload | Expr | None = None, at: Any = None, *,
                    repeats: int = 5, h: float | None = None) -> Comparison:
    """Numeric, symbolic, forward and reverse gradients of one scalar function (default: the
    network loss W3 with 31 parameters), measured. ``workload`` may be an expression, with
    ``at`` mapping every free symbol to a value (the gradient is taken with respect to all).

    >>> from symdiff import workloads
    >>> c = compare_methods(workloads.network_loss(hidden=2, points=3), repeats=1)
    >>> [r.method for r in c.results]  # doctest: +ELLIPSIS
    ['numeric (central differences)', 'symbolic (...)', 'forward-mode AD', 'reverse-mode AD']
    >>> c.result("reverse").max_error < 1e-12 < c.result("numeric").max_error
    True
    """
    if not isinstance(repeats, int) or repeats < 1:
        raise SymdiffError(f"repeats must be a positive integer, not {repeats!r}")
    if workload is None:
        workload = network_loss()
    if isinstance(workload, Workload):
        expr, wrt, point_at, name = workload.expr, workload.wrt, workload.at, workload.name
        if at is not None:
            point_at = at
    else:
        expr = as_expr(workload)
        wrt, point_at, name = free_symbols(expr), at, str(expr)
        if len(name) > 60:
            name = name[:57] + "..."
    if point_at is None:
        raise SymdiffError("give the point: at={symbol: value, ...}")
    # Symbols we do not differentiate with respect to are fixed at their values.
    fixed = {s: point_at[s] for s in free_symbols(expr) if s not in wrt}
    if fixed:
        expr = expr.subs(fixed)
    wrt = tuple(wrt)

    start = time.perf_counter()
    tape = Tape(expr)
    tape_seconds = time.perf_counter() - start
    base = tape.point({s: point_at[s] for s in tape.inputs})
    slot = {s: i for i, s in enumerate(tape.inputs)}
    values = [base[slot[s]] if s in slot else float(point_at[s]) for s in wrt]

    start = time.perf_counter()
    gradient_exprs = grad(expr, wrt)
    grad_seconds = time.perf_counter() - start
    reference = evaluate_many(gradient_exprs, {s: v for s, v in zip(wrt, values, strict=True)})

    def error(found: Sequence[float]) -> float:
        return max((abs(a - b) for a, b in zip(found, reference, strict=True)), default=0.0)

    n = len(wrt)
    results = []

    # numeric: central differences on f (run on the tape, as the AD sweeps are)
    def f_of(coords: Sequence[float]) -> float:
        point = base.copy()
        for s, v in zip(wrt, coords, strict=True):
            if s in slot:
                point[slot[s]] = v
        return tape.evaluate(point)[0]

    found, seconds = time_call(lambda: numeric.gradient(f_of, values, h), repeats)
    results.append(MethodResult("numeric (central differences)", f"{2 * n} evaluations of f",
                                2 * n * tape.n_operations, tape_seconds, seconds, error(found)))

    # symbolic: grad once, compiled once, then called
    start = time.perf_counter()
    function, how = symbolic_gradient_function(expr, wrt)
    compile_seconds = time.perf_counter() - start
    (_, found), seconds = time_call(lambda: function(*values), repeats)
    program_ops = Tape([expr, *gradient_exprs]).n_operations
    results.append(MethodResult(f"symbolic ({how})", "1 call of value-and-gradient",
                                program_ops, grad_seconds + compile_seconds, seconds,
                                error(found)))

    # forward mode: one sweep per input
    units = [[1.0 if i == slot.get(s) else 0.0 for i in range(len(base))] for s in wrt]

    def forward() -> list[float]:
        return [tape.jvp(base, u)[1][0] for u in units]

    found, seconds = time_call(forward, repeats)
    ops = sum(tape.count_operations("forward", u) for u in units)
    results.append(MethodResult("forward-mode AD", f"{n} forward sweeps", ops, tape_seconds,
                                seconds, error(found)))

    # reverse mode: one forward and one backward sweep
    def reverse() -> list[float]:
        grads = tape.vjp(base)[1]
        return [grads.get(s, 0.0) for s in wrt]

    found, seconds = time_call(reverse, repeats)
    results.append(MethodResult("reverse-mode AD", "1 forward + 1 backward sweep",
                                tape.count_operations("reverse"), tape_seconds, seconds,
                                error(found)))
    return Comparison(name, n, tape.n_operations, tuple(results), repeats)


def compare_report(hidden: int = 10, points: int = 20, repeats: int = 5) -> str:
    """What ``symdiff compare`` prints: the four methods on the network loss W3 with
    ``hidden`` units and ``points`` data points (3·hidden + 1 parameters)."""
    return str(compare_methods(network_loss(hidden, points), repeats=repeats))


def scaling_table(hidden_sizes: Sequence[int] = (1, 3, 10, 30), points: int = 20,
                  repeats: int = 3) -> str:
    """How each method's cost grows with the number of inputs n = 3·hidden + 1 (network loss):
    operations and time relative to one evaluation of f. Forward mode and differences grow
    like n, reverse mode and the compiled symbolic gradient stay a small constant."""
    header = ["inputs n", "ops of f", "numeric", "symbolic", "forward", "reverse",
              "time of f", "numeric", "symbolic", "forward", "reverse"]
    rows = []
    for hidden in hidden_sizes:
        wl = network_loss(hidden, points)
        comparison = compare_methods(wl, repeats=repeats)
        tape = Tape(wl.expr)
        _, f_time = time_call(partial(tape.evaluate, wl.at), max(repeats, 5))
        r = comparison.results
        rows.append([str(comparison.n_inputs), f"{comparison.n_operations:,}",
                     *(f"{m.operations / comparison.n_operations:.1f}×" for m in r),
                     format_seconds(f_time), *(f"{m.seconds / f_time:.1f}×" for m in r)])
    return "\n".join([
        "Cost of one gradient relative to one evaluation of f (network loss, "
        f"{points} points): operations (left) and time (right)", "",
        text_table(header, rows, right=True)])
