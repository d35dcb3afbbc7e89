"""Symbolic differentiation on the DAG: forward (``diff``) and reverse (``grad``) sweeps.

Both are calls to the one forward and the one reverse sweep (``symdiff._sweeps``) over the
program IR, with expressions as the algebra; they apply the chain rule once, generically, over
the op table's local partials:

* :func:`diff` walks the expression in topological order and gives every node its derivative
  ``d(node) = Σᵢ ∂node/∂argᵢ · d(argᵢ)`` (the sum, product, quotient and chain rules fall out
  of the ops' partials). Each distinct node is differentiated once, so the result has O(n)
  distinct nodes for an input of n.
* :func:`grad` is symbolic reverse mode: adjoints flow from the output back to the inputs,
  accumulated per node, so all partial derivatives share one graph and the whole gradient stays
  within a small constant factor of the function, however many variables there are.

Memo tables live for one call. The one thing kept between calls is the lowering of a live
expression (``symdiff._program.lower`` remembers it weakly), so that ``diff(f, v)`` for each of
31 variables lowers ``f`` once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ._errors import DifferentiationError
from ._expr import SYMBOLIC as _SYMBOLIC_F
from ._expr import Constant, Expr, Symbol, as_expr, as_roots, as_symbol
from ._printing import Formulas
from ._program import Program, lower
from ._sparsity import (
    SparseMatrix,
    check_variables,
    color_rows,
    hessian_pattern,
    jacobian_pattern,
    recover_symmetric,
)
from ._sweeps import EXPRESSIONS, depends_on, forward, reverse
from ._util import gc_paused

__all__ = ["diff", "grad", "jacobian", "hessian", "local_partial", "derivative_table", "hvp",
           "JacobianRows", "jacobian_costs", "JACOBIAN_METHODS"]

_ZERO = Constant(0)
_ONE = Constant(1)
#: Every pass here runs with the cyclic collector paused: it builds nodes, which make no
#: cycles, so a collection during it would traverse them for nothing (tests/test_collector.py
#: checks that no pass leaves cyclic garbage).
_PASS = gc_paused()


def local_partial(node: Expr, index: int) -> Expr:
    """∂node/∂(its argument ``index``), from the op table's rule, as an expression."""
    rule = node.op.partials[index]
    return as_expr(rule(_SYMBOLIC_F, *node.args, node))


def _tensor_rule(name: str, *operands: Any) -> Any:
    """The tensor package's version of ``name`` when an operand is a tensor expression (this
    layer cannot import :mod:`symdiff.tensor`; its node class carries the rules)."""
    for operand in operands:
        for item in operand if isinstance(operand, (list, tuple)) else (operand,):
            rule = getattr(type(item), name, None)
            if rule is not None:
                return rule
    return None




def _derivative(expr: Expr, var: Symbol) -> Expr:
    """One first derivative by a forward sweep over the program."""
    program = lower(expr)
    if var not in program.inputs:
        return _ZERO
    tangents = forward(program, program.nodes, [(program.inputs.index(var), _ONE)],
                       EXPRESSIONS)
    result = tangents[program.output_slots[0]]
    return _ZERO if result is None else result


@_PASS
def derivative_table(expr: Expr, var: Symbol) -> dict[Expr, Expr]:
    """The forward sweep's table: the derivative of every node of ``expr`` with respect
    to ``var``, so ``table[e] is diff(e, var)`` for every subexpression ``e``. One pass gives
    the derivatives of all of them (the swell study uses it for l₁ … lₙ at once).

    >>> from symdiff import parse, Symbol
    >>> x = Symbol("x")
    >>> table = derivative_table(parse("sin(x**2)"), x)
    >>> print(table[parse("x**2")])
    2*x
    """
    var = as_symbol(var)
    program = lower(expr)
    seeds = [(program.inputs.index(var), _ONE)] if var in program.inputs else []
    tangents = forward(program, program.nodes, seeds, EXPRESSIONS)
    return {node: _ZERO if t is None else t
            for node, t in zip(program.nodes, tangents, strict=True)}


def _variables(spec: Sequence[Any]) -> list[tuple[Symbol, int]]:
    """``(x, 2, y)`` as ``[(x, 2), (y, 1)]``: each variable with its order (never expanded,
    so ``diff(e, x, 10**8)`` costs what its nonzero derivatives cost)."""
    if not spec:
        raise DifferentiationError("diff() needs a variable to differentiate with respect to")
    variables: list[tuple[Symbol, int]] = []
    for item in spec:
        if isinstance(item, int) and not isinstance(item, bool):
            if not variables:
                raise DifferentiationError("an order must follow a variable: diff(e, x, 3)")
            if item < 0:
                raise DifferentiationError(f"the order of a derivative must be ≥ 0, not {item}")
            variables[-1] = (variables[-1][0], variables[-1][1] - 1 + item)
        else:
            variables.append((as_symbol(item), 1))
    return variables


@_PASS
def diff(expr: Any, *spec: Any) -> Expr:
    """The derivative of ``expr``: ``diff(e, x)``, ``diff(e, x, 3)`` (third derivative),
    ``diff(e, x, y)`` (mixed partial), ``diff(e, x, 2, y)``.

    >>> from symdiff import parse, Symbol
    >>> print(diff(parse("x*sin(x)"), Symbol("x")))
    sin(x) + x*cos(x)
    """
    rule = _tensor_rule("_symdiff_diff_", expr, spec)
    if rule is not None:
        return rule(expr, *spec)  # type: ignore[no-any-return]
    result = as_expr(expr)
    pairs = _variables(spec)
    left = sum(order for _, order in pairs)
    for var, order in pairs:
        for _ in range(order):
            if not result.args and left > 1:
                # A leaf's derivative is a number, whose derivatives are 0: stop (SymPy too).
                return _ZERO
            result = _derivative(result, var)
            left -= 1
    return result


@_PASS
def grad(expr: Any, variables: Iterable[Any] | None = None) -> Formulas:
    """All partial derivatives of ``expr`` by symbolic reverse mode (one backward sweep).

    ``variables`` defaults to ``expr.free_symbols``. The partials share one DAG.

    >>> from symdiff import parse, symbols
    >>> x, w, b = symbols("x w b")
    >>> dw, db = grad(parse("1/(exp(-(w*x + b)) + 1)"), [w, b])
    >>> dw.evaluate({x: 1, w: 0, b: 0}), db.evaluate({x: 1, w: 0, b: 0})
    (0.25, 0.25)
    """
    rule = _tensor_rule("_symdiff_grad_", expr, variables)
    if rule is not None:
        return rule(expr, variables)  # type: ignore[no-any-return]
    expr = as_expr(expr)
    wrt = list(expr.free_symbols) if variables is None else [as_symbol(v) for v in variables]
    program = lower(expr)
    slot = {s: k for k, s in enumerate(program.inputs)}
    live = depends_on(program, [slot[v] for v in wrt if v in slot])
    adjoint = reverse(program, program.nodes, [(program.output_slots[0], _ONE)], EXPRESSIONS, live,
                      leaves_only=True)
    return _gradient_formulas(tuple(_ZERO if (v not in slot or (a := adjoint[slot[v]]) is None)
                                    else a for v in wrt), wrt)


def _gradient_formulas(partials: tuple[Expr, ...], wrt: Sequence[Symbol]) -> Formulas:
    """The partials as a :class:`~symdiff._printing.Formulas` labelled ∂f/∂v (a tuple that a
    notebook shows as a column of formulas)."""
    return Formulas.gradient(partials, [v.name for v in wrt])


#: How :func:`jacobian` may accumulate: one reverse sweep per row, one forward sweep per
#: column, one forward sweep per colour of a column colouring, or whichever costs least.
JACOBIAN_METHODS = ("reverse", "forward", "compressed", "auto")


class JacobianRows(tuple):  # type: ignore[type-arg]
    """The rows of a Jacobian (a tuple of tuples of expressions) that also say how they were
    built: ``method`` (``"reverse"``, ``"forward"`` or ``"compressed"``) and ``costs`` (the
    chain-rule terms each method would perform: :func:`jacobian_costs`)."""

    method: str
    costs: dict[str, int]


def _tangents(program: Program, groups: Sequence[Sequence[Symbol]]) -> list[list[Any]]:
    """Per group of variables, the outputs' tangents along the sum of the group's unit
    vectors (one forward sweep each; ``None`` is a structural zero)."""
    slot = {s: k for k, s in enumerate(program.inputs)}
    columns = []
    for group in groups:
        seeds = [(slot[v], _ONE) for v in group if v in slot]
        tangent = forward(program, program.nodes, seeds, EXPRESSIONS) if seeds else None
        columns.append([None if tangent is None else tangent[s]
                        for s in program.output_slots])
    return columns


def jacobian_costs(exprs: Iterable[Any], variables: Iterable[Any]) -> dict[str, int]:
    """What each way of building the Jacobian costs, counted exactly from the program in
    bit-mask passes, without building anything: the equations its sweeps visit plus the
    chain-rule terms (multiply-adds) they perform. ``reverse``: one reverse sweep per row
    over that row's cone; ``forward``: one forward sweep per variable over the whole program;
    ``compressed``: one forward sweep per colour of the column colouring (``colors``).

    >>> import symdiff
    >>> xs = symdiff.symbols("x1:9")
    >>> costs = jacobian_costs([xs[i] * xs[i + 1] for i in range(7)], xs)
    >>> costs["colors"], costs["compressed"] < costs["forward"]
    (2, True)
    """
    roots = list(as_roots(exprs))
    wrt = check_variables(variables)
    program = lower(roots)
    slot = {s: k for k, s in enumerate(program.inputs)}
    pattern = jacobian_pattern(roots, wrt)
    colors = color_rows(pattern, len(wrt), "column") if wrt else []
    n = program.n_slots
    dep, hue = [0] * n, [0] * n
    for j, v in enumerate(wrt):
        if v in slot:
            dep[slot[v]] = 1 << j
            hue[slot[v]] |= 1 << colors[j]
    for out, _, args, _ in program.equations:
        for a in args:
            dep[out] |= dep[a]
            hue[out] |= hue[a]
    reach = [0] * n  # which outputs each slot feeds
    for i, s in enumerate(program.output_slots):
        reach[s] |= 1 << i
    n_colors = max(colors, default=-1) + 1
    equations = len(program.equations)
    forward_cost = len(wrt) * equations
    compressed_cost = n_colors * equations
    reverse_cost = 0
    for out, _, args, _ in reversed(program.equations):
        live = [a for a in args if dep[a]]
        cone = reach[out].bit_count()
        reverse_cost += cone  # each row's reverse sweep visits the equations of its cone
        for a in args:
            reach[a] |= reach[out]
        for a in live:
            forward_cost += dep[a].bit_count()
            compressed_cost += hue[a].bit_count()
        if dep[out]:
            reverse_cost += cone * len(live)
    return {"reverse": reverse_cost, "forward": forward_cost, "compressed": compressed_cost,
            "colors": n_colors}


@_PASS
def jacobian(exprs: Iterable[Any], variables: Iterable[Any], *, sparse: bool = False,
             method: str = "reverse") -> Any:
    """Rows of partial derivatives, one row per expression.

    ``method``: ``"reverse"`` (one reverse sweep per row, the default), ``"forward"`` (one
    forward sweep per variable), ``"compressed"`` (one forward sweep per colour of a column
    colouring of the sparsity pattern: columns that share no row are differentiated
    together) or ``"auto"`` (whichever :func:`jacobian_costs` says performs the fewest
    chain-rule terms). All give the same expressions' values. The result is a
    :class:`JacobianRows` (a tuple of rows) whose ``method`` and ``costs`` say what was done.
    With ``sparse=True`` only the structural non-zeros are built and a
    :class:`~symdiff.SparseMatrix` is returned.

    >>> import symdiff
    >>> from symdiff import parse, symbols
    >>> x, y = symbols("x y")
    >>> [[str(d) for d in row] for row in jacobian([parse("x*y"), parse("x + y")], [x, y])]
    [['y', 'x'], ['1', '1']]
    >>> u = symdiff.sin(x * y)
    >>> J = jacobian([2 * u, u + 1, u * u, symdiff.exp(u)], [x, y], method="auto")
    >>> J.method, J.costs
    ('forward', {'reverse': 29, 'forward': 26, 'compressed': 26, 'colors': 2})
    """
    rule = _tensor_rule("_symdiff_jacobian_", exprs, variables)
    if rule is not None:
        return rule(exprs, variables)
    roots = [as_expr(e) for e in exprs]
    wrt = [as_symbol(v) for v in variables]
    if method not in JACOBIAN_METHODS:
        raise DifferentiationError(f"method must be one of {', '.join(JACOBIAN_METHODS)}, "
                                   f"not {method!r}")
    if sparse:
        rows = jacobian_pattern(roots, wrt)
        values = tuple(grad(e, [wrt[j] for j in row]) for e, row in zip(roots, rows,
                                                                          strict=True))
        return SparseMatrix((len(roots), len(wrt)), rows, values)
    # The default (reverse) does not pay for counting (which colours the pattern).
    costs = jacobian_costs(roots, wrt) if method != "reverse" else {}
    if method == "auto":
        method = min(("reverse", "forward", "compressed"), key=lambda m: costs[m])
    if method == "reverse":
        result: Any = [grad(e, wrt) for e in roots]
    elif not roots:
        result = []
    else:
        program = lower(roots)
        if method == "forward":
            groups: list[list[Symbol]] = [[v] for v in wrt]
            colors = list(range(len(wrt)))
        else:
            colors = color_rows(jacobian_pattern(roots, wrt), len(wrt)) if wrt else []
            groups = [[] for _ in range(max(colors, default=-1) + 1)]
            for v, c in zip(wrt, colors, strict=True):
                groups[c].append(v)
        columns = _tangents(program, groups)
        pattern = [set(row) for row in jacobian_pattern(roots, wrt)]
        result = [[(t if (t := columns[colors[j]][i]) is not None and j in pattern[i]
                    else _ZERO) for j in range(len(wrt))] for i in range(len(roots))]
    jac = JacobianRows(tuple(tuple(row) for row in result))
    jac.method, jac.costs = method, costs
    return jac


@_PASS
def hessian(expr: Any, variables: Iterable[Any], *, sparse: bool = False) -> Any:
    """The matrix of second partial derivatives (the Jacobian of the gradient), built
    forward over reverse: the gradient by one reverse sweep, then one forward sweep over it per
    variable, each computing only the entries on and above the diagonal (the entry below is
    the same node).

    With ``sparse=True`` only the structural non-zeros are built (the pattern comes from
    :func:`symdiff.hessian_sparsity`): the gradient by one reverse sweep, then one forward
    sweep over it per colour of a star colouring of the pattern (forward-over-reverse), each
    entry read off where it is alone in its colour; a :class:`~symdiff.SparseMatrix` with both
    triangles is returned. A tridiagonal Hessian takes three forward sweeps, whatever n.

    >>> from symdiff import parse, symbols
    >>> x, y = symbols("x y")
    >>> [[str(d) for d in row] for row in hessian(parse("x**2*y"), [x, y])]
    [['2*y', '2*x'], ['2*x', '0']]
    """
    rule = _tensor_rule("_symdiff_hessian_", expr, variables)
    if rule is not None:
        return rule(expr, variables)
    wrt = [as_symbol(v) for v in variables]
    if not sparse:
        return _dense_hessian(expr, wrt)
    rows = hessian_pattern(expr, wrt)
    n = len(wrt)
    gradient = grad(expr, wrt)
    colors = color_rows(rows, n, "star") if n else []
    groups: list[list[Symbol]] = [[] for _ in range(max(colors, default=-1) + 1)]
    for v, c in zip(wrt, colors, strict=True):
        groups[c].append(v)
    columns = _tangents(lower(list(gradient)), groups) if n else []
    entries: dict[tuple[int, int], Expr] = {}
    for (i, j), (c, r) in recover_symmetric(rows, colors).items():
        value = columns[c][r]
        entries[i, j] = entries[j, i] = _ZERO if value is None else value
    full = [sorted({j for (a, j) in entries if a == i}) for i in range(n)]
    return SparseMatrix((n, n), tuple(tuple(r) for r in full),
                        tuple(tuple(entries[i, j] for j in r) for i, r in enumerate(full)))


def _dense_hessian(expr: Any, wrt: Sequence[Symbol]) -> tuple[tuple[Expr, ...], ...]:
    """Forward over reverse, one triangle: the gradient by one reverse sweep, then column j
    by one forward sweep seeded with e_j over the gradient's program, run only as far as the
    entries i ≤ j need (the program's slots are in dependency order, and the entries' slots
    in the order of the gradient). Entry (j, i) is the same node as (i, j): a Hessian is
    symmetric, so half of the entries are never built (about half the nodes of one reverse
    sweep per row)."""
    gradient = grad(expr, wrt)
    program = lower(list(gradient))
    slot = {s: k for k, s in enumerate(program.inputs)}
    outputs = program.output_slots
    n = len(wrt)
    rows: list[list[Expr]] = [[_ZERO] * n for _ in range(n)]
    stop = program.first_equation_slot
    for j, v in enumerate(wrt):
        stop = max(stop, outputs[j] + 1)
        if v not in slot:
            continue
        tangent = forward(program, program.nodes, [(slot[v], _ONE)], EXPRESSIONS, stop)
        for i in range(j + 1):
            entry = tangent[outputs[i]]
            if entry is not None:
                rows[i][j] = rows[j][i] = entry
    return tuple(tuple(row) for row in rows)


@_PASS
def hvp(expr: Any, variables: Iterable[Any], vector: Iterable[Any]) -> tuple[Expr, ...]:
    """The Hessian-vector product ``∇²f · v`` by forward-over-reverse on the graph: the
    gradient by one reverse sweep, then one forward sweep over the gradient's program with
    tangents ``v`` (expressions: symbols for a product at any ``v``, or numbers). Its size is
    a small constant times the gradient's, however many variables there are.

    >>> from symdiff import parse, symbols
    >>> x, y, u, w = symbols("x y u w")
    >>> [str(e) for e in hvp(parse("x**2*y"), [x, y], [u, w])]
    ['w*(2*x) + y*(2*u)', 'u*(2*x)']
    """
    rule = _tensor_rule("_symdiff_hvp_", expr, variables, vector)
    if rule is not None:
        return rule(expr, variables, vector)  # type: ignore[no-any-return]
    wrt = check_variables(variables)
    direction = [as_expr(v) for v in vector]
    if len(direction) != len(wrt):
        raise DifferentiationError(f"the vector has {len(direction)} entries for "
                                   f"{len(wrt)} variables")
    gradient = grad(expr, wrt)
    program = lower(list(gradient))
    slot = {s: k for k, s in enumerate(program.inputs)}
    seeds = [(slot[v], d) for v, d in zip(wrt, direction, strict=True)
             if v in slot and not (d.op is _ZERO.op and d is _ZERO)]
    tangent = forward(program, program.nodes, seeds, EXPRESSIONS)
    return tuple(_ZERO if (t := tangent[s]) is None else t for s in program.output_slots)


def _diff_method(self: Expr, *spec: Any) -> Expr:
    """The derivative of this expression: ``e.diff(x)`` is ``symdiff.diff(e, x)`` (any order,
    mixed partials, symbols or their names).

    >>> from symdiff import parse
    >>> print(parse("x**3*y").diff("x", 2, "y"))
    6*x
    """
    return diff(self, *spec)


_diff_method.__name__ = _diff_method.__qualname__ = "diff"
Expr.diff = _diff_method
