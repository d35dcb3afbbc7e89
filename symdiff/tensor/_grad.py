"""Matrix calculus: one reverse sweep over a tensor graph with per-op VJP rules.

``grad(L, [W, b])`` seeds the scalar ``L`` with 1 and walks the graph once in reverse
topological order, each node passing its adjoint to its operands through its vector-Jacobian
product rule: elementwise ops (tensor or scalar) use the scalar op table's one-line partials
evaluated on tensors (so ``sigmoid' = out ⊙ (1 − out)`` is reused, not rewritten), and
broadcasting is undone by summing; shape-changing ops have their rules in :data:`VJP`
(``A @ B`` gives ``G Bᵀ`` and ``Aᵀ G``). Every adjoint is a tensor expression of its node's
shape, so the gradient is in matrix form: for the seed's network the weight gradient comes out
as ``outer(…, x)``, not as thousands of scalar partials.

The same rules carry a *batch* of cotangents (leading axes): seeding ``f`` of shape ``S`` with
the identity of shape ``S + S`` gives the whole derivative tensor ``∂f/∂x`` of shape
``S + x.shape`` in one sweep, which is :func:`jacobian` (and :func:`hessian`, the Jacobian of
the gradient). :func:`hvp` differentiates ``⟨∇L, v⟩`` instead, never forming the Hessian.

This is the core's reverse sweep (``symdiff._sweeps.reverse``, the one ``symdiff.grad`` runs)
over the program IR, with tensor expressions as its algebra.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from .. import _ops
from .._errors import DifferentiationError
from .._expr import Constant, Expr, NamedConstant, Symbol
from .._ops import MUL, NEG, Op
from .._printing import Formulas
from .._program import lower
from .._sweeps import Algebra, depends_on
from .._sweeps import reverse as _reverse
from .._traversal import toposort
from . import _elementwise as E  # noqa: N812  (the constructors, as E.elementwise, S.matmul)
from . import _structural as S  # noqa: N812
from ._shapes import size_of
from ._texpr import Tensor, TensorExpr, as_operand, eye, ones, shape_of, zeros
from ._tops import TensorOp

__all__ = ["grad", "jacobian", "hessian", "hvp", "diff", "reverse", "VJP", "TENSOR_F"]


class _TensorFunctions:
    """The namespace ``F`` that the op table's partial rules call, on tensors (as the scalar
    core's: ``F.pi`` is the named constant, ``F(op, …)`` an op outside the table)."""

    def __call__(self, op: Op, *args: Any) -> Any:
        return E.elementwise(op, *args)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        try:
            op = _ops.OPS[name]
        except KeyError:
            raise AttributeError(name) from None
        if op.kind == "leaf":  # erf' = 2 exp(-x²)/sqrt(F.pi)
            constant = NamedConstant(op)
            setattr(self, name, constant)
            return constant  # type: ignore[return-value]
        builder = partial(E.elementwise, op)
        setattr(self, name, builder)
        return builder


TENSOR_F = _TensorFunctions()


def _reshape_g(g: Any, nb: int, shape: tuple[int, ...]) -> Any:
    return S.reshape(g, shape_of(g)[:nb] + shape)


def unbroadcast(t: Any, shape: tuple[int, ...], nb: int) -> Any:
    """Sum ``t`` (batch + a broadcast shape) down to batch + ``shape``."""
    ts = shape_of(t)
    target = ts[:nb] + shape
    if ts == target:
        return t
    if len(ts) < len(target):
        return E.broadcast_to(t, target)
    extra = len(ts) - len(target)
    axes = list(range(nb, nb + extra))
    axes += [nb + extra + i for i, d in enumerate(shape) if d == 1 and ts[nb + extra + i] != 1]
    return S.reshape(S.tsum(t, axes), target)


def _mT(t: Any) -> Any:
    n = len(shape_of(t))
    return S.transpose(t, (*range(n - 2), n - 1, n - 2))


def _matmul_vjp(node: Any, g: Any, nb: int) -> tuple[Any, Any]:
    a, b = node.args
    sa, sb = shape_of(a), shape_of(b)
    batch = shape_of(g)[:nb]
    if nb == 0 and len(sa) <= 2 and len(sb) <= 2 and 1 in (len(sa), len(sb)):
        # The textbook forms: g·v, outer(g, x) and Aᵀg.
        if len(sa) == 1 and len(sb) == 1:
            return g * b, g * a
        if len(sb) == 1:
            return S.outer(g, b), S.transpose(a) @ g
        return b @ g, S.outer(a, g)
    if len(sa) == 1 and len(sb) == 1:
        column = S.reshape(g, (*batch, 1))
        return column * b, column * a
    if len(sa) == 2 and len(sb) == 1:
        return S.reshape(g, (*batch, sa[0], 1)) * b, g @ a
    if len(sa) == 1 and len(sb) == 2:
        return g @ S.transpose(b), S.reshape(a, (sa[0], 1)) * S.reshape(g, (*batch, 1, sb[1]))
    if len(sb) == 1:  # a stack of matrices times a vector
        column = S.reshape(g, (*shape_of(g), 1))
        axes = tuple(range(nb, nb + len(node.shape)))
        return column * b, S.tsum(column * a, axes)
    if len(sa) == 1:  # a vector times a stack of matrices
        row = S.reshape(g, (*shape_of(g)[:-1], 1, sb[-1]))
        ga = S.tsum(row * b, (*tuple(range(nb, nb + len(node.shape) - 1)), len(shape_of(row)) - 1))
        return ga, S.reshape(a, (sa[0], 1)) * row
    return unbroadcast(g @ _mT(b), sa, nb), unbroadcast(_mT(a) @ g, sb, nb)


def _einsum_vjp(node: Any, g: Any, nb: int, i: int) -> Any:
    """Operand ``i``'s cotangent: the einsum of ``g`` with the other operands, over the
    operand's distinct indices; an index the operand repeats (``"ii->"``, ``"ii->i"``) is put
    back on its diagonal by an identity matrix per repetition, and an index summed within the
    operand alone is broadcast back by ones."""
    inputs, output = node.params[0].split("->")
    subs = inputs.split(",")
    mine = subs[i]
    fresh = iter(c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                 if c not in node.params[0])
    batch = "".join(next(fresh) for _ in range(nb))
    others = [s for j, s in enumerate(subs) if j != i]
    present = set(output).union(*others) if others else set(output)
    distinct = "".join(dict.fromkeys(mine))
    kept = "".join(c for c in distinct if c in present)
    spec = ",".join([batch + output, *others]) + "->" + batch + kept
    result = S.einsum(spec, g, *(a for j, a in enumerate(node.args) if j != i))
    if kept == mine:
        return result
    shape = shape_of(node.args[i])
    sizes = dict(zip(mine, shape, strict=True))
    if distinct == mine:  # no repeated index: broadcast the summed-out axes back
        expanded = S.reshape(result, shape_of(g)[:nb] + tuple(sizes[c] if c in kept else 1
                                                               for c in mine))
        return E.broadcast_to(expanded, shape_of(g)[:nb] + shape)
    operands, parts, seen = [result], [batch + kept], set(kept)
    renamed = ""
    for c in mine:
        if c not in seen:  # first use of an index summed within this operand alone
            seen.add(c)
            if mine.count(c) == 1:
                operands.append(ones((sizes[c],)))
                parts.append(c)
            renamed += c
        elif c in renamed:  # a repetition: on the diagonal with the first use
            other = next(fresh)
            operands.append(eye(sizes[c]))
            parts.append(c + other)
            renamed += other
        else:
            renamed += c
    return S.einsum(",".join(parts) + "->" + batch + renamed, *operands)


def _concat_vjp(node: Any, g: Any, nb: int) -> tuple[Any, ...]:
    axis = node.params[0]
    parts = []
    offset = 0
    for arg in node.args:
        n = shape_of(arg)[axis]
        index = (slice(None),) * (nb + axis) + (slice(offset, offset + n),)
        parts.append(S.getitem(g, index))
        offset += n
    return tuple(parts)


def _sum_vjp(node: Any, g: Any, nb: int) -> Any:
    (a,) = node.args
    axes = node.params[0]
    if nb == 0 and axes == tuple(range(len(axes))):  # leading axes: g broadcasts as it is
        return E.broadcast_to(g, shape_of(a))
    kept = tuple(1 if i in axes else d for i, d in enumerate(shape_of(a)))
    batch = shape_of(g)[:nb]
    return E.broadcast_to(S.reshape(g, batch + kept), batch + shape_of(a))


def _transpose_vjp(node: Any, g: Any, nb: int) -> Any:
    perm = node.params[0]
    inverse = [0] * len(perm)
    for position, axis in enumerate(perm):
        inverse[axis] = position
    return S.transpose(g, (*range(nb), *(nb + p for p in inverse)))


def _diag_vjp(node: Any, g: Any, nb: int) -> Any:
    (a,) = node.args
    n = shape_of(a)[0]
    if len(shape_of(a)) == 2:  # the diagonal of a matrix
        return S.reshape(g, (*shape_of(g)[:nb], 1, n)) * eye(n)
    if nb == 0:
        return S.diag(g)
    letters = "abcdefghijklmnopqrstuvwxy"[:nb]
    return S.einsum(f"{letters}zz->{letters}z", g)


def _scalar_column(g: Any, nb: int, ndim: int) -> Any:
    return S.reshape(g, shape_of(g)[:nb] + (1,) * ndim)


#: Each shape-changing op's vector-Jacobian product: ``rule(node, g, nb)`` → one cotangent
#: per operand, where ``g`` has the shape ``batch + node.shape`` and ``nb = len(batch)``.
VJP: dict[str, Callable[[Any, Any, int], tuple[Any, ...]]] = {
    "matmul": _matmul_vjp,
    "transpose": lambda node, g, nb: (_transpose_vjp(node, g, nb),),
    "sum": lambda node, g, nb: (_sum_vjp(node, g, nb),),
    "reshape": lambda node, g, nb: (_reshape_g(g, nb, shape_of(node.args[0])),),
    "broadcast_to": lambda node, g, nb: (unbroadcast(g, shape_of(node.args[0]), nb),),
    "getitem": lambda node, g, nb: (S.scatter(
        g, tuple(("slice", 0, d, 1) for d in shape_of(g)[:nb]) + node.params[0],
        shape_of(g)[:nb] + shape_of(node.args[0])),),
    "scatter": lambda node, g, nb: (S.getitem(g, (slice(None),) * nb + _as_slices(
        node.params[0])),),
    "outer": lambda node, g, nb: (g @ node.args[1], node.args[0] @ g),
    "trace": lambda node, g, nb: (_scalar_column(g, nb, 2) * eye(node.args[0].shape[0]),),
    "diag": lambda node, g, nb: (_diag_vjp(node, g, nb),),
    "det": lambda node, g, nb: (_scalar_column(g, nb, 2) * (node * _mT(S.inv(node.args[0]))),),
    "inv": lambda node, g, nb: (-(_mT(node) @ g @ _mT(node)),),
    "logdet": lambda node, g, nb: (_scalar_column(g, nb, 2) * _mT(S.inv(node.args[0])),),
    "norm": lambda node, g, nb: (_scalar_column(g, nb, len(shape_of(node.args[0])))
                                 * (node.args[0] / node),),
    "einsum": lambda node, g, nb: tuple(_einsum_vjp(node, g, nb, i)
                                        for i in range(len(node.args))),
    "concatenate": _concat_vjp,
}


def _as_slices(index: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(slice(i[1], None if i[2] < 0 else i[2], i[3]) if isinstance(i, tuple) else i
                 for i in index)


class _Tensors(Algebra):
    """Tensor expressions as the core sweep's algebra: the op table's partials evaluated on
    tensors (elementwise), broadcasting undone by summing, and the shape-changing ops' own
    VJP rules (:data:`VJP`). ``nb`` leading axes of every adjoint are a batch of cotangents
    (a Jacobian in one sweep)."""

    F = TENSOR_F

    def __init__(self, nb: int) -> None:
        self.nb = nb

    def reverse_term(self, adjoint: Any, partial: Any, operand: Any) -> Any:
        if partial.__class__ is int:  # +, - and unary -: no 1·g to build
            if partial == 0:
                return None
            contribution = adjoint if partial == 1 else (
                E.elementwise(NEG, adjoint) if partial == -1 else partial * adjoint)
        else:
            contribution = E.elementwise(MUL, adjoint, partial)
        return unbroadcast(contribution, shape_of(operand), self.nb)

    def add(self, a: Any, b: Any) -> Any:
        return a + b

    def jvp_rule(self, op: Any) -> Any:
        return None

    def vjp_rule(self, op: Any) -> Any:
        if op.__class__ is not TensorOp:
            return None
        rule, nb = VJP[op.name], self.nb
        return lambda F, args, node, g: rule(node, g, nb)


def reverse(root: Any, seed: Any, wrt: Sequence[Any], nb: int) -> list[Any]:
    """The reverse sweep (the core's, over the program of ``root``, with tensors as the
    algebra): adjoints of ``wrt`` when ``root``'s adjoint is ``seed`` (shape ``batch +
    root.shape``, ``nb = len(batch)``); an unreached variable gets zeros."""
    program = lower(root)
    slot = {node: k for k, node in enumerate(program.nodes)}
    targets = [slot[v] for v in wrt if v in slot]
    live = depends_on(program, targets)
    adjoint = _reverse(program, program.nodes, [(program.output_slots[0], seed)],
                       _Tensors(nb), live)
    batch = shape_of(seed)[:nb]
    return [a if v in slot and (a := adjoint[slot[v]]) is not None
            else zeros(batch + shape_of(v)) for v in wrt]


def _variable(v: Any) -> Any:
    if isinstance(v, (Tensor, Symbol)):
        return v
    raise DifferentiationError(f"can only differentiate with respect to a tensor variable "
                               f"or a symbol, not {v!r}")


def _variables(variables: Any, expr: Any) -> tuple[list[Any], bool]:
    if variables is None:
        found = [n for n in toposort((expr,)) if isinstance(n, (Tensor, Symbol))]
        return sorted(found, key=lambda n: n.name), False
    if isinstance(variables, (TensorExpr, Expr)):
        return [_variable(variables)], True
    return [_variable(v) for v in variables], False


def _operand(expr: Any) -> Any:
    return as_operand(expr)


def grad(expr: Any, variables: Any = None) -> Any:
    """The gradient of a scalar tensor expression, in matrix form: one reverse sweep; each
    result has its variable's shape. One variable gives one result, a list gives a tuple
    (a :class:`~symdiff.Formulas`, labelled ∂f/∂W in a notebook, as for scalars).

    >>> import symdiff
    >>> W, x, y = symdiff.Tensor("W", (2, 3)), symdiff.Tensor("x", (3,)), symdiff.Tensor("y", (2,))
    >>> print(symdiff.grad(symdiff.sum((W @ x - y)**2), W))
    outer(2*(W @ x - y), x)
    """
    expr = _operand(expr)
    if shape_of(expr):
        raise DifferentiationError(f"grad needs a scalar (shape ()) expression, not shape "
                                   f"{shape_of(expr)}; use jacobian for vector functions")
    wrt, single = _variables(variables, expr)
    result = reverse(expr, Constant(1), wrt, 0)
    return result[0] if single else Formulas.gradient(result, [v.name for v in wrt])


def _seed(shape: tuple[int, ...]) -> Any:
    if not shape:
        return Constant(1)
    return S.reshape(eye(size_of(shape)), shape + shape)


def jacobian(expr: Any, variables: Any) -> Any:
    """The derivative tensor ``∂f/∂x`` of shape ``f.shape + x.shape``, by one reverse sweep
    that carries the identity as a batch of cotangents (a matrix for a vector function).

    >>> import symdiff
    >>> W, x = symdiff.Tensor("W", (2, 3)), symdiff.Tensor("x", (3,))
    >>> print(symdiff.jacobian(W @ x, x))
    W
    """
    if isinstance(expr, (list, tuple)):
        return tuple(jacobian(e, variables) for e in expr)
    expr = _operand(expr)
    wrt, single = _variables(variables, expr)
    shape = shape_of(expr)
    result = reverse(expr, _seed(shape), wrt, len(shape))
    return result[0] if single else tuple(result)


def diff(expr: Any, *spec: Any) -> Any:
    """``diff(e, W)`` is the derivative tensor of shape ``e.shape + W.shape``; ``diff(e, x,
    y)`` and ``diff(e, x, 2)`` differentiate again."""
    variables: list[Any] = []
    for item in spec:
        if isinstance(item, int) and not isinstance(item, bool):
            if not variables or item < 0:
                raise DifferentiationError("an order ≥ 0 must follow a variable: diff(e, x, 2)")
            variables.extend([variables[-1]] * (item - 1))
            if item == 0:
                variables.pop()
        else:
            variables.append(_variable(item))
    if not spec:
        raise DifferentiationError("diff() needs a variable to differentiate with respect to")
    result = _operand(expr)
    for v in variables:
        result = jacobian(result, v)
    return result


def hessian(expr: Any, variables: Any) -> Any:
    """The Hessian of a scalar: the Jacobian of the gradient (``A + A.T`` for ``x @ A @ x``).

    >>> import symdiff
    >>> A, x = symdiff.Tensor("A", (3, 3)), symdiff.Tensor("x", (3,))
    >>> print(symdiff.hessian(x @ A @ x, x))
    A + A.T
    """
    return jacobian(grad(expr, variables), variables)


def hvp(expr: Any, x: Any, v: Any) -> Any:
    """The Hessian-vector product ``H v`` of a scalar without forming ``H``: the gradient of
    ``⟨∇L, v⟩`` (two reverse sweeps).

    >>> import symdiff
    >>> A, x, v = (symdiff.Tensor(n, s) for n, s in (("A", (3, 3)), ("x", (3,)), ("v", (3,))))
    >>> print(symdiff.hvp(x @ A @ x, x, v))
    A.T @ v + A @ v
    """
    g = grad(expr, x)
    v = _operand(v)
    if shape_of(v) != shape_of(g):
        raise DifferentiationError(f"hvp: v has shape {shape_of(v)}, x has {shape_of(g)}")
    return grad(S.tsum(g * v), x)

