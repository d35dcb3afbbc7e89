"""scipy.optimize in one call: a problem's objective, gradient, sparse Hessian, Hessian-vector
product and constraint Jacobians, compiled once from expressions.

>>> import numpy as np, symdiff
>>> from scipy.optimize import minimize
>>> xs = symdiff.symbols("x1:5")
>>> f = sum(100 * (xs[i + 1] - xs[i]**2)**2 + (1 - xs[i])**2 for i in range(3))
>>> p = symdiff.scipy_problem(f, xs)
>>> result = minimize(p.fun, np.zeros(4), jac=p.jac, hess=p.hess, method="trust-constr")
>>> np.round(result.x, 6)
array([1., 1., 1., 1.])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ._diff import grad, hessian, hvp, jacobian
from ._errors import SymdiffError
from ._expr import Expr, Symbol, as_expr, as_roots
from ._sparsity import check_variables, hessian_pattern
from .codegen import lambdify

__all__ = ["ScipyProblem", "scipy_problem", "SPARSE_BELOW"]

#: The Hessian is returned as a ``scipy.sparse.csr_array`` when at most this fraction of its
#: entries is structurally non-zero (else as a dense array).
SPARSE_BELOW = 0.25
_TYPES = ("eq", "ineq")


def _fresh(stem: str, n: int, taken: Iterable[Symbol]) -> tuple[Symbol, ...]:
    """``n`` symbols named ``stem0 …`` that no variable is called."""
    names = {s.name for s in taken}
    while any(f"{stem}{i}" in names for i in range(n)):
        stem = "_" + stem
    return tuple(Symbol(f"{stem}{i}") for i in range(n))


class ScipyProblem:
    """Everything ``scipy.optimize.minimize`` takes, compiled from one objective.

    ``fun(x)``, ``jac(x)`` (an array), ``hess(x)`` (a ``scipy.sparse.csr_array`` when the
    Hessian is sparse, see :data:`SPARSE_BELOW`, else an array), ``hessp(x, p)`` (by
    forward-over-reverse, never forming the Hessian); ``constraints`` (SciPy's dicts with
    ``fun`` and ``jac``, for SLSQP/COBYLA) and :meth:`nonlinear_constraints` (for
    ``trust-constr``, with sparse Jacobians and the Hessian of ``Σ vᵢ cᵢ``). ``sparse`` says
    which form ``hess`` has; ``pattern`` is the Hessian's structural pattern (rows).
    """

    def __init__(self, objective: Any, variables: Iterable[Any],
                 constraints: Sequence[Mapping[str, Any]] = (), backend: Any = "math",
                 sparse: bool | None = None) -> None:
        f = as_expr(objective)
        self.variables = tuple(check_variables(variables))
        wrt, n = self.variables, len(self.variables)
        self.backend = backend
        self.fun = lambdify([wrt], f, backend, name="fun")
        self.jac = lambdify([wrt], grad(f, wrt), backend, name="jac", output="array")
        self.pattern = hessian_pattern(f, wrt)
        nnz = sum(len(r) for r in self.pattern)
        self.sparse = nnz <= SPARSE_BELOW * n * n if sparse is None else sparse
        if self.sparse:
            self.hess = lambdify([wrt], hessian(f, wrt, sparse=True), backend, name="hess",
                                 output="sparse")
        else:
            self.hess = lambdify([wrt], hessian(f, wrt), backend, name="hess", output="array")
        direction = _fresh("p", n, wrt)
        self.hessp = lambdify([wrt, direction], hvp(f, wrt, direction), backend,
                              name="hessp", output="array")
        self._constraints = [self._constraint(c) for c in constraints]

    def _constraint(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        if not isinstance(spec, Mapping) or spec.get("type") not in _TYPES or "fun" not in spec:
            raise SymdiffError("a constraint is a mapping {'type': 'eq' or 'ineq', 'fun': "
                               "expression or expressions} (c = 0 or c ≥ 0)")
        exprs = list(as_roots(spec["fun"]))
        wrt = self.variables
        fun = lambdify([wrt], exprs, self.backend, name="constraint", output="array")
        jac = lambdify([wrt], jacobian(exprs, wrt), self.backend, name="constraint_jac",
                       output="array")
        return {"type": spec["type"], "fun": fun, "jac": jac, "exprs": exprs}

    @property
    def constraints(self) -> list[dict[str, Any]]:
        """SciPy's constraint dicts (``type``, ``fun``, ``jac``), for SLSQP and COBYLA."""
        return [{k: c[k] for k in ("type", "fun", "jac")} for c in self._constraints]

    def nonlinear_constraints(self) -> list[Any]:
        """One ``scipy.optimize.NonlinearConstraint`` per constraint, for ``trust-constr``:
        ``0 ≤ c`` (or ``c = 0``), the sparse Jacobian of ``c`` and the (sparse) Hessian of
        ``Σ vᵢ cᵢ`` as ``hess(x, v)``."""
        import numpy as np
        from scipy.optimize import NonlinearConstraint

        found = []
        wrt = self.variables
        for c in self._constraints:
            exprs: list[Expr] = c["exprs"]
            weights = _fresh("v", len(exprs), wrt)
            lagrangian = sum((w * e for w, e in zip(weights, exprs, strict=True)), as_expr(0))
            hess: Callable[..., Any] = lambdify(
                [wrt, weights], hessian(lagrangian, wrt, sparse=True), self.backend,
                name="constraint_hess", output="sparse")
            jac = lambdify([wrt], jacobian(exprs, wrt), self.backend, name="constraint_jac",
                           output="sparse")
            upper = 0.0 if c["type"] == "eq" else np.inf
            found.append(NonlinearConstraint(c["fun"], 0.0, upper, jac=jac, hess=hess))
        return found


def scipy_problem(objective: Any, variables: Iterable[Any],
                  constraints: Sequence[Mapping[str, Any]] = (), backend: Any = "math",
                  sparse: bool | None = None) -> ScipyProblem:
    """``objective`` and its derivatives compiled for ``scipy.optimize.minimize`` (see
    :class:`ScipyProblem`). ``constraints`` are mappings ``{"type": "eq" | "ineq",
    "fun": expression(s)}`` meaning ``c = 0`` or ``c ≥ 0``, as in SciPy.

    >>> import numpy as np, symdiff
    >>> from scipy.optimize import minimize
    >>> x, y = symdiff.symbols("x y")
    >>> p = symdiff.scipy_problem((x - 2)**2 + (y - 1)**2, [x, y],
    ...                           constraints=[{"type": "ineq", "fun": 1 - x**2 - y**2}])
    >>> r = minimize(p.fun, np.zeros(2), jac=p.jac, constraints=p.constraints, method="SLSQP")
    >>> np.round(r.x, 4)
    array([0.8944, 0.4472])
    """
    return ScipyProblem(objective, variables, constraints, backend, sparse)
