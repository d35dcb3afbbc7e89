"""Backends are objects: four built-in ones, every op on every backend, a function registered
at run time compiles everywhere by its name, and a backend of one's own is one object."""

from __future__ import annotations

import math
import pathlib
import re

import numpy as np
import pytest

import symdiff
from symdiff import SymdiffError, lambdify
from symdiff._expr import SYMBOLIC
from symdiff._ops import FLOAT, FUNCTIONS, OPS, Op
from symdiff.codegen import BACKENDS, JAX, MATH, NUMBA, NUMPY, Backend, check_source
from tests.strategies import close

x, w = symdiff.symbols("x w")
POINTS = [-2.5, -1.0, -0.3, 0.0, 0.4, 1.0, 2.0, 3.7]
CODEGEN = pathlib.Path(symdiff.codegen.__file__).parent


def _jax():
    return pytest.importorskip("jax", reason="the jax backend needs jax (pip install "
                                             "'symdiff[fast]')")


def test_the_four_backends_are_objects_found_by_name():
    assert list(BACKENDS) == ["math", "numpy", "numba", "jax"]
    assert [BACKENDS[n] for n in BACKENDS] == [MATH, NUMPY, NUMBA, JAX]
    assert all(isinstance(b, Backend) for b in BACKENDS.values())
    with pytest.raises(SymdiffError, match="jax"):  # the message lists the choices
        lambdify([x], x, backend="fortran")


def test_no_string_branches_on_backend_names_are_left():
    for path in CODEGEN.glob("*.py"):
        text = path.read_text()
        assert not re.search(r"backend\s*[!=]=\s*['\"]", text), path.name
        assert not re.search(r"==\s*['\"](math|numpy|numba|jax)['\"]", text), path.name


def _every_op():
    """One output per op of the table (unary on x, binary on x and w)."""
    outputs, ops = [], []
    for op in OPS.values():
        if op.kind == "leaf":
            continue
        node = symdiff._expr.apply(op, *(x, w)[:op.arity])
        if node.op is op:
            outputs.append(node)
            ops.append(op)
    return ops, outputs


def _check_every_op(backend, convert=float):
    ops, outputs = _every_op()
    f = lambdify([x, w], outputs, backend=backend)
    for p in POINTS:
        for q in POINTS:
            with np.errstate(all="ignore"):
                got = f(p, q)
            for op, value in zip(ops, got, strict=True):
                try:
                    expected = op.evaluate(*(p, q)[:op.arity])
                except (ValueError, ArithmeticError):
                    continue
                value = convert(value)
                assert value == expected or close(value, expected, rel=1e-12), (
                    backend, op.name, p, q, value, expected)


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_every_op_of_the_table_on_the_array_and_compiled_backends(backend, tmp_path,
                                                                  monkeypatch):
    monkeypatch.setenv("SYMDIFF_CACHE", str(tmp_path))
    _check_every_op(backend)


def test_every_op_of_the_table_on_jax():
    jax = _jax()
    with jax.enable_x64(True):
        _check_every_op("jax")


def test_jax_functions_jit_vmap_and_grad():
    jax = _jax()
    f = 1 / (symdiff.exp(-(w * x)) + 1)
    g = lambdify([x, w], [f, *symdiff.grad(f, [x, w]), symdiff.Constant(2.0)], backend="jax")
    assert "import jax.numpy" in g.source and "numpy.asarray" in g.source
    with jax.enable_x64(True):
        jitted = jax.jit(g)
        xs = np.linspace(-1, 1, 5)
        value, dx, dw, two = jitted(xs, 0.5)
        expected = lambdify([x, w], [f, *symdiff.grad(f, [x, w])], backend="numpy")(xs, 0.5)
        for a, b in zip((value, dx, dw), expected, strict=True):
            assert np.allclose(np.asarray(a), b, rtol=1e-14, atol=0)
        assert np.asarray(two).shape == (5,)  # constants broadcast as on numpy
        d = jax.grad(lambda a, b: g(a, b)[0], argnums=1)(0.3, 0.5)
        assert close(float(d), symdiff.grad(f, [w])[0].evaluate({x: 0.3, w: 0.5}), rel=1e-14)


@pytest.fixture
def fabs():
    """A function registered at run time with no code templates at all (cleaned up after)."""
    if "fabs" in OPS:
        pytest.skip("fabs is part of the op table now")
    op = symdiff.register_op(Op("fabs", 1, "function", math.fabs,
                                (lambda F, a, out: F.sign(a),), "fabs", r"|{0}|"))
    yield op
    for table in (OPS, FUNCTIONS):
        table.pop("fabs", None)
    for space in (FLOAT, SYMBOLIC):
        if "fabs" in vars(space):
            delattr(space, "fabs")


def test_a_function_registered_at_run_time_compiles_on_every_backend(fabs, tmp_path,
                                                                    monkeypatch):
    monkeypatch.setenv("SYMDIFF_CACHE", str(tmp_path))
    e = symdiff._expr.apply(fabs, x) * w
    for name, backend in BACKENDS.items():
        assert backend.template(fabs) == "{m}.fabs({0})"  # the default by name
        if backend.requires:
            pytest.importorskip(backend.requires)
        f = lambdify([x, w], [e, *symdiff.grad(e, [x, w])], backend=name)
        assert [float(v) for v in f(-1.5, 2.0)] == [3.0, -2.0, 1.5], name


def test_a_backend_of_ones_own_is_one_object():
    # Python floats, with one op written differently: its own table wins over the op's form.
    mine = Backend("mine", "math", ("math",), code={"sqrt": "{0} ** 0.5"})
    f = lambdify([x], symdiff.sqrt(x) + symdiff.exp(x), backend=mine)
    assert "x ** 0.5" in f.source and "from math import exp" in f.source
    assert f(4.0) == 2.0 + math.exp(4.0) and f.backend == "mine"
    check_source(__import__("ast").parse(f.source), mine)
    mine.register("exp", "_e({0})", "def _e(x):\n    return {m}.exp(x)")
    g = lambdify([x], symdiff.exp(x), backend=mine)
    assert "def _e(x):" in g.source and g(1.0) == math.exp(1.0)


def test_generated_code_can_import_only_its_backends_modules():
    import ast

    for source, backend in [("import jax.numpy", "math"), ("import numba", "numpy"),
                            ("from jax.numpy import exp", "numpy"), ("import os", "jax")]:
        with pytest.raises(SymdiffError, match="safety check"):
            check_source(ast.parse(source), backend)
    check_source(ast.parse("import jax.numpy\nfrom jax.numpy import exp"), "jax")
    with pytest.raises(SymdiffError, match="safety check"):
        check_source(ast.parse("import jax.numpy\ndef f(x):\n    return jax.numpy.load(x)"),
                     "jax")
    with pytest.raises(SymdiffError, match="safety check"):
        check_source(ast.parse("import jax.numpy\ndef f(x):\n    return jax.config"), "jax")
