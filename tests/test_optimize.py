"""scipy_problem: everything scipy.optimize.minimize takes, checked against scipy's own."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import minimize, rosen, rosen_der, rosen_hess, rosen_hess_prod

import symdiff
from symdiff import SymdiffError

N = 20
XS = symdiff.symbols(f"x1:{N + 1}")
ROSEN = sum(100 * (XS[i + 1] - XS[i] ** 2) ** 2 + (1 - XS[i]) ** 2 for i in range(N - 1))


@pytest.fixture(scope="module")
def problem():
    return symdiff.scipy_problem(ROSEN, XS)


def test_the_problem_matches_scipys_hand_written_rosenbrock(problem):
    rng = np.random.default_rng(3)
    for _ in range(3):
        x, p = rng.normal(size=N), rng.normal(size=N)
        assert problem.fun(x) == pytest.approx(rosen(x), rel=1e-13)
        assert np.allclose(problem.jac(x), rosen_der(x), rtol=1e-13, atol=1e-10)
        H = problem.hess(x)
        assert isinstance(H, sparse.csr_array) and problem.sparse
        assert np.allclose(H.toarray(), rosen_hess(x), rtol=1e-13, atol=1e-10)
        assert np.allclose(problem.hessp(x, p), rosen_hess_prod(x, p), rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("method", ["trust-constr", "Newton-CG", "trust-ncg"])
def test_minimize_converges_with_each_second_order_method(problem, method):
    second = {"hessp": problem.hessp} if method == "Newton-CG" else {"hess": problem.hess}
    if method == "trust-ncg":
        second = {"hess": lambda x: problem.hess(x).toarray()}
    result = minimize(problem.fun, np.full(N, -0.5), jac=problem.jac, method=method,
                      options={"maxiter": 2000}, **second)
    assert np.allclose(result.x, np.ones(N), atol=1e-4), (method, result.message)


def test_dense_hessians_are_arrays():
    x, y = symdiff.symbols("x y")
    p = symdiff.scipy_problem(symdiff.exp(x * y) + x ** 2, [x, y])
    assert not p.sparse and isinstance(p.hess(np.ones(2)), np.ndarray)
    assert symdiff.scipy_problem(ROSEN, XS, sparse=False).hess(np.ones(N)).shape == (N, N)


def test_constraints_for_slsqp_and_trust_constr():
    x, y = symdiff.symbols("x y")
    f = (x - 2) ** 2 + (y - 1) ** 2
    disc = {"type": "ineq", "fun": 1 - x ** 2 - y ** 2}
    line = {"type": "eq", "fun": [x - 2 * y]}
    p = symdiff.scipy_problem(f, [x, y], constraints=[disc, line])
    expected = np.array([2, 1]) / np.sqrt(5)  # the disc's point nearest (2, 1), on x = 2y
    r = minimize(p.fun, np.zeros(2), jac=p.jac, constraints=p.constraints, method="SLSQP")
    assert np.allclose(r.x, expected, atol=1e-6)
    assert np.allclose(p.constraints[0]["jac"](np.array([0.5, 0.25])), [[-1.0, -0.5]])
    r = minimize(p.fun, np.zeros(2), jac=p.jac, hess=p.hess, method="trust-constr",
                 constraints=p.nonlinear_constraints())
    assert np.allclose(r.x, expected, atol=1e-3)  # the interior point stops near it
    # The same run with hand-written derivatives takes the same steps.
    from scipy.optimize import NonlinearConstraint

    hand = [NonlinearConstraint(lambda z: [1 - z[0] ** 2 - z[1] ** 2], 0, np.inf,
                                jac=lambda z: [[-2 * z[0], -2 * z[1]]],
                                hess=lambda z, v: -2 * v[0] * np.eye(2)),
            NonlinearConstraint(lambda z: [z[0] - 2 * z[1]], 0, 0, jac=lambda z: [[1, -2]],
                                hess=lambda z, v: np.zeros((2, 2)))]
    theirs = minimize(lambda z: (z[0] - 2) ** 2 + (z[1] - 1) ** 2, np.zeros(2),
                      jac=lambda z: [2 * (z[0] - 2), 2 * (z[1] - 1)],
                      hess=lambda z: 2 * np.eye(2), method="trust-constr", constraints=hand)
    assert np.allclose(r.x, theirs.x, rtol=1e-9) and r.nit == theirs.nit
    c = p.nonlinear_constraints()[0]
    assert isinstance(c.jac(np.ones(2)), sparse.csr_array)
    assert np.allclose(c.hess(np.ones(2), np.array([2.0])).toarray(), [[-4, 0], [0, -4]])
    with pytest.raises(SymdiffError, match="constraint"):
        symdiff.scipy_problem(f, [x, y], constraints=[{"type": "le", "fun": x}])
