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

Memo tables live for one call; nothing is cached between calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ._errors import DifferentiationError
from ._expr import SYMBOLIC as _SYMBOLIC_F
from ._expr import Constant, Expr, Symbol, as_expr
from ._printing import Formulas, to_latex
from ._program import lower
from ._sweeps import EXPRESSIONS, depends_on, forward, reverse

__all__ = ["diff", "grad", "jacobian", "hessian", "local_partial", "derivative_table"]

_ZERO = Constant(0)
_ONE = Constant(1)


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


def _check_symbol(var: Any) -> Symbol:
    if not isinstance(var, Symbol):
        raise DifferentiationError(
            f"can only differentiate with respect to a symbol, not {var!r}")
    return var


def _derivative(expr: Expr, var: Symbol) -> Expr:
    """One first derivative by a forward sweep over the program."""
    program = lower(expr)
    if var not in program.inputs:
        return _ZERO
    tangents = forward(program, program.nodes, [(program.inputs.index(var), _ONE)],
                       EXPRESSIONS)
    result = tangents[program.output_slots[0]]
    return _ZERO if result is None else result


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
    _check_symbol(var)
    program = lower(expr)
    seeds = [(program.inputs.index(var), _ONE)] if var in program.inputs else []
    tangents = forward(program, program.nodes, seeds, EXPRESSIONS)
    return {node: _ZERO if t is None else t
            for node, t in zip(program.nodes, tangents, strict=True)}


def _variables(spec: Sequence[Any]) -> list[Symbol]:
    """Expand ``(x, 2, y)`` into ``[x, x, y]``."""
    if not spec:
        raise DifferentiationError("diff() needs a variable to differentiate with respect to")
    variables: list[Symbol] = []
    for item in spec:
        if isinstance(item, int) and not isinstance(item, bool):
            if not variables:
                raise DifferentiationError("an order must follow a variable: diff(e, x, 3)")
            if item < 0:
                raise DifferentiationError(f"the order of a derivative must be ≥ 0, not {item}")
            variables.extend([variables[-1]] * (item - 1))
            if item == 0:
                variables.pop()
        else:
            variables.append(_check_symbol(item))
    return variables


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
    for var in _variables(spec):
        result = _derivative(result, var)
    return result


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
    wrt = list(expr.free_symbols) if variables is None else [_check_symbol(v) for v in variables]
    program = lower(expr)
    slot = {s: k for k, s in enumerate(program.inputs)}
    live = depends_on(program, [slot[v] for v in wrt if v in slot])
    adjoint = reverse(program, program.nodes, [(program.output_slots[0], _ONE)], EXPRESSIONS, live)
    return _gradient_formulas(tuple(_ZERO if (v not in slot or (a := adjoint[slot[v]]) is None)
                                    else a for v in wrt), wrt)


def _gradient_formulas(partials: tuple[Expr, ...], wrt: Sequence[Symbol]) -> Formulas:
    """The partials as a :class:`~symdiff._printing.Formulas` labelled ∂f/∂v (a tuple that a
    notebook shows as a column of formulas)."""
    return Formulas(partials, [f"∂f/∂{v.name}" for v in wrt],
                    [rf"\frac{{\partial f}}{{\partial {to_latex(v)}}}" for v in wrt])


def jacobian(exprs: Iterable[Any], variables: Iterable[Any]) -> tuple[tuple[Expr, ...], ...]:
    """Rows of partial derivatives, one row per expression (each row by reverse mode).

    >>> from symdiff import parse, symbols
    >>> x, y = symbols("x y")
    >>> [[str(d) for d in row] for row in jacobian([parse("x*y"), parse("x + y")], [x, y])]
    [['y', 'x'], ['1', '1']]
    """
    rule = _tensor_rule("_symdiff_jacobian_", exprs, variables)
    if rule is not None:
        return rule(exprs, variables)  # type: ignore[no-any-return]
    wrt = [_check_symbol(v) for v in variables]
    return tuple(grad(e, wrt) for e in exprs)


def hessian(expr: Any, variables: Iterable[Any]) -> tuple[tuple[Expr, ...], ...]:
    """The matrix of second partial derivatives (the Jacobian of the gradient).

    >>> from symdiff import parse, symbols
    >>> x, y = symbols("x y")
    >>> [[str(d) for d in row] for row in hessian(parse("x**2*y"), [x, y])]
    [['2*y', '2*x'], ['2*x', '0']]
    """
    rule = _tensor_rule("_symdiff_hessian_", expr, variables)
    if rule is not None:
        return rule(expr, variables)  # type: ignore[no-any-return]
    wrt = [_check_symbol(v) for v in variables]
    return jacobian(grad(expr, wrt), wrt)
