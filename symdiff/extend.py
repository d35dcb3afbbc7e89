"""The extension surface: new functions, new backends, and the gradient oracle.

In the manner of ``autograd.extend``: everything a user needs to teach symdiff something new.

* :func:`register_op` — one call adds a function and fans out to every consumer's table: it
  is then ``symdiff.<name>``, parseable, printable (text and LaTeX), differentiable
  (``diff``, ``grad``, numeric AD), convertible to SymPy, compilable on every backend and
  drawable.
* :class:`Backend` — a code-generation target is one object (``symdiff.codegen.BACKENDS``
  holds ``math``, ``numpy``, ``numba`` and ``jax``); :func:`register_backend` adds one.
* :func:`check_grads` — forward and reverse derivatives, to any order, against central
  differences (as ``jax.test_util.check_grads`` and ``autograd.test_util.check_grads``).

>>> import math, symdiff
>>> from symdiff import extend
>>> gd = extend.register_op("gd", lambda x: 2 * math.atan(math.tanh(x / 2)),
...                         lambda F, a, out: 1 / F.cosh(a))
>>> x = symdiff.Symbol("x")
>>> print(symdiff.diff(symdiff.gd(x**2), x))
2*x/cosh(x**2)
>>> extend.check_grads(symdiff.gd(x), {x: 0.3}, order=2)
>>> _ = extend.unregister_op("gd")
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ._diff import diff, grad
from ._errors import SymdiffError
from ._evaluation import resolve_values
from ._expr import Expr, ExprLike, Point, as_expr, as_symbol, free_symbols
from ._ops import OPS, Op, Rule
from ._ops import register_op as _add_to_table
from ._ops import unregister_op as _remove_from_table
from ._printing import LATEX, LatexForm
from .ad import Tape
from .codegen import BACKENDS, Backend

__all__ = ["Backend", "GradientCheckError", "Op", "check_grads", "register_backend",
           "register_op", "unregister_op"]


class GradientCheckError(SymdiffError, AssertionError):
    """A derivative disagrees with central differences (raised by :func:`check_grads`)."""


def register_op(name: str | Op, evaluate: Callable[..., float] | None = None,
                partials: Rule | Sequence[Rule] | None = None, *, arity: int | None = None,
                text: str | None = None, latex: str | None = None, sympy: str | None = None,
                label: str | None = None, exact: Mapping[Any, Any] | None = None,
                doc: str = "", jvp: Rule | None = None, vjp: Rule | None = None,
                **code: str) -> Op:
    """Add the function ``name(x, …)`` to symdiff, and to every consumer's table at once.

    ``evaluate`` is its float implementation (raising ``ValueError`` outside its domain);
    ``partials`` its local partial rule(s), one per argument, written over the namespace
    ``F`` as the op table's are: ``rule(F, *args, out) -> ∂out/∂arg`` (``out`` is the op's
    own output). The other keywords are per-consumer forms, each optional (the consumer's
    default by name applies otherwise): ``latex`` (a ``str.format`` template over the
    operands' LaTeX), ``text`` (the name the text printer and the parser use), ``sympy``
    (the name of the SymPy function), ``label`` (the node label of pictures), and, for code,
    ``<backend>=template`` (``math="{m}.erf({0})"``, ``numpy="scipy_erf({0})"`` …; the
    default is ``{m}.<name>(...)``). ``jvp`` / ``vjp`` may give whole JVP/VJP rules instead
    of deriving them from the partials.

    An :class:`Op` built by hand is accepted too (``register_op(Op(...))``, as before).
    Registering a name twice is an error.
    """
    if isinstance(name, Op):
        if evaluate is not None or partials is not None:
            raise SymdiffError("give either an Op or (name, evaluate, partials), not both")
        return _add_to_table(name)
    if not isinstance(name, str) or not name.isidentifier():
        raise SymdiffError(f"an op name must be an identifier, not {name!r}")
    if name in OPS:
        raise SymdiffError(f"an op named {name!r} is already registered")
    if evaluate is None or partials is None:
        raise SymdiffError("register_op needs the float implementation and the partial rule(s)")
    rules = (partials,) if callable(partials) else tuple(partials)
    n = len(rules) if arity is None else arity
    unknown = sorted(set(code) - set(BACKENDS))
    if unknown:
        raise SymdiffError(f"no backend named {', '.join(map(repr, unknown))} "
                           f"(backends: {', '.join(BACKENDS)})")
    op = _add_to_table(Op(
        name=name, arity=n, kind="function", evaluate=evaluate, partials=rules,
        text=text or name, latex="", label=label or name, sympy=sympy or name,
        exact=dict(exact or {}), doc=doc, jvp=jvp, vjp=vjp))
    # The fan-out: each consumer that is given a form records it in its own table.
    if latex is not None:
        LATEX[name] = LatexForm(latex)
    for backend, template in code.items():
        BACKENDS[backend].register(name, template)
    return op


def unregister_op(name: str) -> Op:
    """Remove a function added by :func:`register_op` from symdiff and from every consumer's
    table (expressions already built keep their op). Returns the op.

    >>> import symdiff
    >>> op = register_op("sq", lambda v: v * v, lambda F, a, out: 2 * a)
    >>> unregister_op("sq") is op, hasattr(symdiff, "sq")
    (True, False)
    """
    op = _remove_from_table(name)
    LATEX.pop(name, None)
    for backend in BACKENDS.values():
        backend.forget(name)
    return op


def register_backend(backend: Backend) -> Backend:
    """Make ``backend`` available as ``lambdify(..., backend=backend.name)``."""
    if not isinstance(backend, Backend):
        raise SymdiffError(f"not a Backend: {backend!r}")
    if backend.name in BACKENDS:
        raise SymdiffError(f"a backend named {backend.name!r} is already registered")
    BACKENDS[backend.name] = backend
    return backend


# --- the oracle ---------------------------------------------------------------------------

def _central(f: Callable[[float], float], h: float) -> float:
    # Richardson-extrapolated central difference: error O(h⁴) instead of O(h²).
    d1 = (f(h) - f(-h)) / (2 * h)
    d2 = (f(h / 2) - f(-h / 2)) / h
    return (4 * d2 - d1) / 3


def _close(a: float, b: float, rtol: float, atol: float) -> bool:
    return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= atol + rtol * abs(b)


def check_grads(f: ExprLike, at: Point, order: int = 2,
                modes: Sequence[str] = ("fwd", "rev"), *, wrt: Sequence[Any] | None = None,
                rtol: float = 1e-5, atol: float = 1e-7, h: float = 1e-3,
                seed: int = 0) -> None:
    """Check the derivatives of the expression ``f`` at ``at`` against central differences,
    up to ``order``, as JAX's and autograd's ``check_grads`` do; raise
    :class:`GradientCheckError` on a mismatch, return ``None`` otherwise.

    Along a random direction v (fixed by ``seed``) over the variables ``wrt`` (default: the
    free symbols), mode ``"fwd"`` checks the symbolic forward derivative (``diff``) and
    numeric forward AD (``Tape.jvp``), mode ``"rev"`` the symbolic gradient (``grad``) and
    numeric reverse AD (``Tape.vjp``), each against a central difference of f along v. For
    ``order`` > 1 the directional derivative is itself checked, to order − 1.

    >>> import symdiff
    >>> x, y = symdiff.symbols("x y")
    >>> check_grads(symdiff.sin(x) * y**3, {x: 0.4, y: 1.2}, order=3)
    """
    if order < 1:
        raise SymdiffError(f"order must be at least 1, not {order}")
    unknown = [m for m in modes if m not in ("fwd", "rev")]
    if unknown or not modes:
        raise SymdiffError(f"modes are 'fwd' and 'rev', not {list(modes)!r}")
    expr = as_expr(f)
    point = resolve_values(at)
    variables = list(free_symbols(expr) if wrt is None else
                     (as_symbol(v, SymdiffError, "check derivatives with respect to") for v in wrt))
    if not variables:
        return
    rng = random.Random(seed)
    direction = {v: rng.uniform(-1.0, 1.0) for v in variables}
    names = [v.name for v in variables]

    def along(t: float) -> float:
        moved = dict(point)
        for v in variables:
            moved[v.name] = point[v.name] + t * direction[v]
        return expr.evaluate(moved)

    scale = max([1.0, *(abs(point[n]) for n in names if n in point)])
    try:
        expected = _central(along, h * scale)
    except SymdiffError as exc:
        raise GradientCheckError(f"f is not defined around the point ({exc})") from None
    derivatives: list[tuple[str, Expr | float]] = []
    tape = Tape(expr)
    tape_point = {**point, **{v.name: point[v.name] for v in variables}}
    if "fwd" in modes:
        forward_expr = sum((diff(expr, v) * direction[v] for v in variables), as_expr(0))
        derivatives.append(("forward (diff)", forward_expr))
        seeds = {s: direction.get(s, 0.0) for s in tape.inputs}
        derivatives.append(("forward AD (Tape.jvp)", tape.jvp(tape_point, seeds)[1][0]))
    if "rev" in modes:
        partials = grad(expr, variables)
        reverse_expr = sum((d * direction[v] for v, d in zip(variables, partials, strict=True)),
                           as_expr(0))
        derivatives.append(("reverse (grad)", reverse_expr))
        adjoints = tape.vjp(tape_point)[1]
        derivatives.append(("reverse AD (Tape.vjp)",
                            sum(adjoints.get(v, 0.0) * direction[v] for v in variables)))
    for what, derivative in derivatives:
        value = derivative.evaluate(point) if isinstance(derivative, Expr) else derivative
        if not _close(value, expected, rtol, atol):
            raise GradientCheckError(
                f"{what} of {expr} along {dict(zip(names, direction.values(), strict=True))} "
                f"at {point}: {value!r}, central differences: {expected!r}")
    if order > 1:
        for _, derivative in derivatives:
            if isinstance(derivative, Expr):
                check_grads(derivative, at, order - 1, modes, wrt=variables, rtol=rtol,
                            atol=atol, h=h, seed=seed + 1)
                break  # the symbolic directional derivatives are equal expressions' values
