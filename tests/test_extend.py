"""The extension surface: one register_op call reaches every consumer; every op of the table
works in every consumer's table; check_grads is a real oracle."""

from __future__ import annotations

import importlib.util
import math

import pytest

import symdiff
from symdiff import extend
from symdiff.codegen import BACKENDS

X, Y, Z = symdiff.symbols("x y z")
# Points inside every op's domain and away from the kinks of floor/round/mod/sign …
POINTS = (0.37, 1.37, 2.37, -0.63)


@pytest.fixture(autouse=True)
def clean_table():
    """Ops a test registers are unregistered after it: other tests draw from the whole table."""
    before = set(symdiff.OPS)
    yield
    for name in set(symdiff.OPS) - before:
        extend.unregister_op(name)
    assert set(symdiff.OPS) == before


def available_backends() -> list[str]:
    needs = {"numba": "numba", "jax": "jax"}
    return [name for name in BACKENDS
            if name not in needs or importlib.util.find_spec(needs[name]) is not None]


def test_register_op_reaches_every_consumer(tmp_path):
    import sympy

    gd = extend.register_op(
        "gudermannian", lambda v: 2 * math.atan(math.tanh(v / 2)), lambda F, a, out: 1 / F.cosh(a),
        latex=r"\operatorname{{gd}}{{\left({0}\right)}}", label="gd",
        math="2.0 * {m}.atan({m}.tanh({0} / 2.0))",
        numba="2.0 * {m}.atan({m}.tanh({0} / 2.0))",
        numpy="2.0 * {m}.arctan({m}.tanh({0} / 2.0))",
        jax="2.0 * {m}.arctan({m}.tanh({0} / 2.0))",
        doc="The Gudermannian function.")
    node = symdiff.gudermannian(X**2)
    assert node.op is gd and "gudermannian" in symdiff.__all__
    assert symdiff.__all__ == sorted(symdiff.__all__, key=str.casefold)
    assert symdiff.parse(str(node)) is node                          # parser and printer
    assert symdiff.latex(node) == r"\operatorname{gd}{\left(x^{2}\right)}"
    assert str(symdiff.diff(node, X)) == "2*x/cosh(x**2)"            # diff
    (dx,) = symdiff.grad(node, [X])                                    # grad
    assert dx.evaluate(x=0.7) == pytest.approx(2 * 0.7 / math.cosh(0.49))
    expected = 2 * math.atan(math.tanh(0.49 / 2))
    assert node.evaluate(x=0.7) == pytest.approx(expected)              # evaluate
    assert symdiff.ad.gradient(node, {X: 0.7})[X] == pytest.approx(dx.evaluate(x=0.7))
    for backend in available_backends():                               # every backend
        f = symdiff.lambdify([X], node, backend=backend)
        assert float(f(0.7)) == pytest.approx(expected), backend
    assert symdiff.from_sympy(symdiff.to_sympy(node)) is node          # SymPy both ways
    assert isinstance(symdiff.to_sympy(node), sympy.Expr)
    assert "gd" in symdiff.to_dot(node).source                         # pictures
    extend.check_grads(node, {X: 0.7}, order=2)


def test_register_op_refuses_bad_input():
    with pytest.raises(symdiff.SymdiffError, match="already registered"):
        extend.register_op("sin", math.sin, lambda F, a, out: F.cos(a))
    with pytest.raises(symdiff.SymdiffError, match="identifier"):
        extend.register_op("not a name", math.sin, lambda F, a, out: F.cos(a))
    with pytest.raises(symdiff.SymdiffError, match="no backend named 'fortran'"):
        extend.register_op("sin2", math.sin, lambda F, a, out: F.cos(a), fortran="sin({0})")
    with pytest.raises(symdiff.SymdiffError, match="partial"):
        extend.register_op("sin3", math.sin)


def test_compiling_a_function_without_code_for_a_backend_names_the_keyword_to_give():
    # Was "generated code does not run: cannot import name 'gd' from 'math'".
    extend.register_op("gd2", lambda v: 2 * math.atan(math.tanh(v / 2)),
                       lambda F, a, out: 1 / F.cosh(a),
                       numpy="2.0 * {m}.arctan({m}.tanh({0} / 2.0))")
    try:
        with pytest.raises(symdiff.SymdiffError, match=r"no code for the math backend.*math="):
            symdiff.lambdify([X], symdiff.gd2(X))
        assert symdiff.lambdify([X], symdiff.gd2(X), backend="numpy")(0.3) == pytest.approx(
            2 * math.atan(math.tanh(0.15)))
    finally:
        extend.unregister_op("gd2")


def _functions() -> list[symdiff.Op]:
    return [op for op in symdiff.OPS.values() if op.kind == "function"]


def _node_and_point(op: symdiff.Op) -> tuple[symdiff.Expr, dict]:
    """``op`` applied to symbols, at the first point where it is defined."""
    symbols = (X, Y, Z)[: op.arity]
    # polygamma(n, x) needs an integer n: an integer in front when symbols alone never work.
    for args in (symbols, (symdiff.Constant(1), *symbols[1:])):
        node = symdiff._expr.apply(op, *args)
        for value in POINTS:
            at = {s: value + 0.11 * k for k, s in enumerate(symbols) if s in args}
            try:
                if math.isfinite(node.evaluate(at)):
                    return node, at
            except symdiff.SymdiffError:
                continue
    raise AssertionError(f"no point of POINTS is in the domain of {op.name}")


@pytest.mark.parametrize("op", _functions(), ids=lambda op: op.name)
def test_every_op_in_every_core_table(op):
    node, at = _node_and_point(op)
    assert symdiff.parse(str(node)) is node
    assert symdiff.latex(node)
    assert symdiff.from_sympy(symdiff.to_sympy(node)) is node
    assert op.label or op.name in symdiff.to_dot(node).source
    for s in list(at):
        symdiff.diff(node, s).evaluate(at)
    extend.check_grads(node, at, order=2)


@pytest.mark.parametrize("backend", available_backends())
def test_every_op_on_every_backend(backend):
    # One compiled function per backend returns every op's value (a compile per op would
    # cost numba a second each).
    cases = [_node_and_point(op) for op in _functions()]
    args = [X, Y, Z]
    point = {X: 0.0, Y: 0.0, Z: 0.0}
    exprs = []
    for node, at in cases:
        # Each op at its own point: substitute the point's offsets into the shared symbols.
        exprs.append(node.subs({s: s + (at[s] - point[s]) for s in at}))
    f = symdiff.lambdify(args, exprs, backend=backend)
    got = f(0.0, 0.0, 0.0)
    tolerance = 1e-5 if backend == "jax" else 1e-12  # JAX computes in float32 by default
    for (node, at), value in zip(cases, got, strict=True):
        assert float(value) == pytest.approx(node.evaluate(at), rel=tolerance, abs=tolerance), node


def test_check_grads_catches_a_wrong_rule():
    bad = extend.register_op("badsin", math.sin, lambda F, a, out: F.sin(a))  # should be cos
    with pytest.raises(extend.GradientCheckError, match="badsin"):
        extend.check_grads(symdiff.badsin(X), {X: 0.4}, order=1)
    assert bad.name == "badsin"


def test_check_grads_catches_a_wrong_second_derivative():
    # mysin's rule is right and calls mycos, whose own rule is wrong (+sin instead of −sin):
    # every first derivative is right, the second is not — order 1 passes, order 2 fails.
    extend.register_op("mycos", math.cos, lambda F, a, out: F.sin(a))
    extend.register_op("mysin", math.sin, lambda F, a, out: F.mycos(a))
    extend.check_grads(symdiff.mysin(X), {X: 0.4}, order=1)
    with pytest.raises(extend.GradientCheckError, match="mycos"):
        extend.check_grads(symdiff.mysin(X), {X: 0.4}, order=2)
    # |cos| written as sqrt(1 - sin²): right below π/2, wrong beyond.
    extend.register_op("oddsin", math.sin, lambda F, a, out: F.sqrt(1 - out * out))
    extend.check_grads(symdiff.oddsin(X), {X: 0.4}, order=1)
    with pytest.raises(extend.GradientCheckError):
        extend.check_grads(symdiff.oddsin(X), {X: 2.0}, order=1)


def test_check_grads_arguments():
    with pytest.raises(symdiff.SymdiffError, match="order"):
        extend.check_grads(X, {X: 1.0}, order=0)
    with pytest.raises(symdiff.SymdiffError, match="modes"):
        extend.check_grads(X, {X: 1.0}, modes=("sideways",))
    extend.check_grads(symdiff.Constant(3), {}, order=2)  # nothing to check


def test_unregister_op_forgets_everywhere():
    extend.register_op("sq", lambda v: v * v, lambda F, a, out: 2 * a, latex=r"{0}^{{2}}",
                       math="({0}) ** 2")
    assert symdiff.diff(symdiff.sq(X), X) is 2 * X
    extend.unregister_op("sq")
    assert "sq" not in symdiff.__all__ and not hasattr(symdiff, "sq")
    assert "sq" not in symdiff.codegen.BACKENDS["math"].code
    with pytest.raises(symdiff.ParseError):
        symdiff.parse("sq(x)")
    extend.register_op("sq", lambda v: v * v, lambda F, a, out: 2 * a)  # again, as a rerun cell
    with pytest.raises(symdiff.SymdiffError, match="built in"):
        extend.unregister_op("sin")
