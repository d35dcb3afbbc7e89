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

x, w, v = symdiff.symbols("x w v")
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
    """One output per op of the table (unary on x, binary on x and w, ternary on x, w, v)."""
    outputs, ops = [], []
    for op in OPS.values():
        if op.kind == "leaf":
            continue
        node = symdiff._expr.apply(op, *(x, w, v)[:op.arity])
        if node.op is op:
            outputs.append(node)
            ops.append(op)
    return ops, outputs


def _check_every_op(backend, convert=float):
    ops, outputs = _every_op()
    f = lambdify([x, w, v], outputs, backend=backend)
    for p in POINTS:
        for q in POINTS:
            with np.errstate(all="ignore"):
                got = f(p, q, -q)
            for op, value in zip(ops, got, strict=True):
                try:
                    expected = op.evaluate(*(p, q, -q)[:op.arity])
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


def test_what_codegen_derives_from_the_tables_follows_every_change():
    # Reserved names, allowed attributes and analysed templates are computed once per state
    # of the tables; registering, forgetting and a new op must each be seen by the next compile.
    from symdiff.codegen._pycode import allowed_attributes, reserved_names

    helper = "def _cube_helper(x):\n    return x * x * x"
    assert "_cube_helper" not in reserved_names(MATH)
    MATH.register("sinh", "_cube_helper({0}) + {m}.degrees({0})", helper)
    try:
        assert "_cube_helper" in reserved_names(MATH) and "degrees" in allowed_attributes(MATH)
        f = lambdify([x], symdiff.sinh(x))
        assert "_cube_helper(x) + degrees(x)" in f.source and f(2.0) == 8.0 + math.degrees(2.0)
        # the same number of entries, another template and helper: seen too
        MATH.register("sinh", "_square_helper({0})", "def _square_helper(x):\n    return x * x")
        assert "_square_helper" in reserved_names(MATH)
        assert "_cube_helper" not in reserved_names(MATH)
        assert lambdify([x], symdiff.sinh(x))(2.0) == 4.0  # the new text, not the cached one
    finally:
        MATH.forget("sinh")
    assert "_cube_helper" not in reserved_names(MATH)
    assert "degrees" not in allowed_attributes(MATH)
    assert lambdify([x], symdiff.sinh(x))(2.0) == math.sinh(2.0)
    op = symdiff.extend.register_op("cube_test", lambda v: v**3, lambda F, a, out: 3 * a * a,
                                    math="_cube_helper({0})")
    try:
        with pytest.raises(SymdiffError, match="safety check"):  # no helper: unknown name
            lambdify([x], symdiff.cube_test(x))
        MATH.register("cube_test", "_cube_helper({0})", helper)
        assert lambdify([x], symdiff.cube_test(x))(2.0) == 8.0
    finally:
        symdiff.extend.unregister_op(op.name)
    assert "_cube_helper" not in reserved_names(MATH)


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


# --- vector arguments and array outputs ------------------------------------------------------

XS = symdiff.symbols("x1 x2 x3")
Y = symdiff.Symbol("y")
ROSEN = sum(100 * (XS[i + 1] - XS[i] ** 2) ** 2 + (1 - XS[i]) ** 2 for i in range(2))


def _available(backends=tuple(BACKENDS)):
    return [pytest.param(b, marks=pytest.mark.skipif(
        bool(BACKENDS[b].requires) and _missing(BACKENDS[b].requires),
        reason=f"{b} is not installed")) for b in backends]


@pytest.fixture(autouse=True)
def _x64(request):
    """JAX computes in float32 unless asked: compare its numbers in float64."""
    if "jax" in request.node.name and not _missing("jax"):
        import jax

        with jax.enable_x64(True):
            yield
    else:
        yield


def _missing(module):
    try:
        __import__(module)
    except ImportError:
        return True
    return False


@pytest.mark.parametrize("backend", _available())
def test_a_sequence_of_symbols_is_one_array_parameter(backend, tmp_path, monkeypatch):
    monkeypatch.setenv("SYMDIFF_CACHE", str(tmp_path))
    exprs = [ROSEN * Y, symdiff.grad(ROSEN, XS)]
    vector = lambdify([XS, Y], exprs, backend=backend)
    scalars = lambdify([*XS, Y], exprs)
    point = [0.3, -1.2, 2.0]
    for given in (point, tuple(point), np.array(point)):
        got = vector(given, 0.5)
        expected = scalars(*point, 0.5)
        assert close(float(got[0]), expected[0], rel=1e-6)
        assert [close(float(a), b, rel=1e-6) for a, b in zip(got[1], expected[1],
                                                             strict=True)] == [True] * 3
    assert vector.args == (XS, Y)
    assert "def f(v0, y):" in vector.source and "x1 = v0[0]" in vector.source


@pytest.mark.parametrize("backend", _available())
def test_array_output_has_the_declared_shape_on_every_backend(backend, tmp_path, monkeypatch):
    monkeypatch.setenv("SYMDIFF_CACHE", str(tmp_path))
    hessian = symdiff.hessian(ROSEN, XS)
    f = lambdify([XS], hessian, backend=backend, output="array")
    point = np.array([0.3, -1.2, 2.0])
    got = np.asarray(f(point))
    expected = np.array(lambdify([*XS], hessian)(*point))
    assert got.shape == (3, 3)
    assert np.allclose(got, expected, rtol=1e-6, atol=0)
    g = lambdify([XS], symdiff.grad(ROSEN, XS), backend=backend, output="array")
    assert np.asarray(g(point)).shape == (3,)
    h = lambdify([XS], ROSEN, backend=backend, output="array")
    assert np.asarray(h(point)).shape == ()


@pytest.mark.parametrize("backend", _available(("numpy", "jax")))
def test_array_output_on_array_backends_appends_the_broadcast_shape(backend):
    f = lambdify([XS[0], XS[1]], [[XS[0] * XS[1], 1.0], [XS[0], XS[1] ** 2]], backend=backend,
                 output="array")
    got = np.asarray(f(np.arange(4.0), 2.0))
    assert got.shape == (2, 2, 4)
    assert got[0, 1].tolist() == [1.0] * 4 and got[1, 1].tolist() == [4.0] * 4
    assert got[0, 0].tolist() == [0.0, 2.0, 4.0, 6.0]
    points = np.array([[0.3, -1.2, 2.0], [1.0, 1.0, 1.0]]).T  # columns are points
    hessians = np.asarray(lambdify([XS], symdiff.hessian(ROSEN, XS), backend=backend,
                                   output="array")(points))
    assert hessians.shape == (3, 3, 2)


def test_vector_and_array_errors_are_clear():
    with pytest.raises(SymdiffError, match="rectangular"):
        lambdify([Y], [[Y, Y], [Y]], output="array")
    with pytest.raises(SymdiffError, match="output must be one of"):
        lambdify([Y], Y, output="list")
    with pytest.raises(symdiff.ConversionError, match="sequence of symbols"):
        lambdify([[Y, 2]], Y)
    with pytest.raises(SymdiffError, match="more than once"):
        lambdify([XS, XS[0]], Y)


def test_vector_functions_pickle_and_write_standalone_modules(tmp_path):
    import pickle

    f = lambdify([XS, Y], symdiff.grad(ROSEN * Y, XS), output="array")
    g = pickle.loads(pickle.dumps(f))
    assert g([1.0, 2.0, 3.0], 2.0).tolist() == f([1.0, 2.0, 3.0], 2.0).tolist()
    source = symdiff.module_source({"rosen": ROSEN}, [XS])
    assert "def rosen(v0):" in source and "x1 = v0[0]" in source


# --- numba that scales ---------------------------------------------------------------------


@pytest.mark.slow
def test_long_programs_run_on_a_tape_with_the_straight_line_numbers(tmp_path, monkeypatch,
                                                                    capsys):
    pytest.importorskip("numba")
    import pickle

    from symdiff.codegen import _backends, _tape

    monkeypatch.setenv("SYMDIFF_CACHE", str(tmp_path))
    monkeypatch.setattr(_tape, "TAPE_ABOVE", 5)
    monkeypatch.setattr(_tape, "_INTERPRETERS", {})  # compile here, with the progress line
    monkeypatch.setattr(_backends, "PROGRESS_AFTER", 0.0)
    xs = symdiff.symbols("x1:7")
    # helpers (sigmoid), a three-operand op (where), constants and pi, unary minus
    f = sum(symdiff.sin(xs[i] * xs[i + 1]) + xs[i] ** 3 - symdiff.sigmoid(w * xs[i])
            for i in range(5)) + symdiff.where(xs[0] - w, symdiff.pi * w, -xs[5])
    hessian = symdiff.hessian(f, [*xs, w])
    compiled = lambdify([xs, w], hessian, backend="numba", output="array")
    assert isinstance(compiled, _tape.TapeFunction) and "def _tape(" in compiled.source
    assert "tape interpreter for" in capsys.readouterr().err  # progress on stderr
    tape = compiled.tape
    program = symdiff.cse([e for row in hessian for e in row])
    assert tape.n_operations == len(program.equations)
    assert len(tape.groups) < tape.n_operations  # one dispatch per run of one op
    assert len(tape.init) < program.n_slots  # slots reused by liveness
    reference = lambdify([xs, w], hessian, output="array")
    points = [(np.linspace(-1, 1, 6), 0.3), (np.arange(6.0), -2.0), (np.full(6, 0.5), 0.5)]
    for point in points:
        assert compiled(*point).tolist() == reference(*point).tolist()  # bit for bit
    again = pickle.loads(pickle.dumps(compiled))
    assert again(*points[0]).tolist() == reference(*points[0]).tolist()
    as_tuple = lambdify([*xs, w], [f, hessian[0]], backend="numba")
    assert as_tuple(*points[1][0], points[1][1]) == lambdify([*xs, w], [f, hessian[0]])(
        *points[1][0], points[1][1])
    sparse_h = lambdify([xs, w], symdiff.hessian(f, [*xs, w], sparse=True), backend="numba",
                        output="sparse")
    # (the sparse Hessian is built another way: by colours, so equal up to rounding)
    assert np.allclose(sparse_h(*points[0]).toarray(), reference(*points[0]), rtol=1e-13,
                       atol=1e-12)
    with pytest.raises(SymdiffError, match="vector of 6"):
        compiled(np.ones(5), 1.0)
    with pytest.raises(TypeError, match="takes 2 arguments"):
        compiled(np.ones(6))
    # The interpreter depends on the op set only: a longer program compiles nothing new.
    longer = [[e * 2.0 + xs[0] for e in row] * 3 for row in hessian]
    again = lambdify([xs, w], longer, "numba", output="array")
    assert again.tape.ops == tape.ops and again.tape.n_operations > tape.n_operations
    assert again.source.split("\n", 2)[2] == compiled.source.split("\n", 2)[2]


def test_numba_warns_above_its_documented_size(tmp_path, monkeypatch):
    pytest.importorskip("numba")
    from symdiff.codegen import _backends

    monkeypatch.setenv("SYMDIFF_CACHE", str(tmp_path))
    monkeypatch.setattr(_backends, "NUMBA_WARN_ABOVE", 3)
    with pytest.warns(RuntimeWarning, match="numba compiles"):
        lambdify([XS], [XS[0] * XS[1], XS[2]], backend="numba")


@pytest.mark.slow
def test_numba_vectorize_runs_one_compiled_loop_over_points(tmp_path, monkeypatch):
    pytest.importorskip("numba")
    import pickle

    from symdiff.codegen._tape import TapeFunction
    from symdiff.codegen._vectorize import VectorizedFunction

    monkeypatch.setenv("SYMDIFF_CACHE", str(tmp_path))
    xs = symdiff.symbols("x1:4")
    f = xs[0] ** 2 * xs[1] + symdiff.sin(xs[2] * w) - w / xs[0]
    hessian = symdiff.hessian(f, [*xs, w])
    one_point = lambdify([xs, w], hessian, output="array")
    rng = np.random.default_rng(0)
    vectors, scalars = rng.uniform(0.5, 2.0, (3, 4, 2)), rng.uniform(-1, 1, 2)  # broadcast
    for tape in (None, True):  # straight-line code in a loop, and the tape over points
        compiled = lambdify([xs, w], hessian, "numba", output="array", vectorize=True,
                            tape=tape)
        assert isinstance(compiled, TapeFunction if tape else VectorizedFunction)
        got = compiled(vectors, scalars)
        assert got.shape == (4, 4, 4, 2)  # the outputs' shape, then the points'
        for i in range(4):
            for j in range(2):
                want = one_point(vectors[:, i, j], scalars[j])
                assert np.allclose(got[..., i, j], want, rtol=1e-15, atol=0)
        nested = lambdify([xs, w], [f, [hessian[0][0], w]], "numba", vectorize=True,
                          tape=tape)
        value, (h00, same_w) = nested(vectors, scalars)
        assert value.shape == h00.shape == same_w.shape == (4, 2)
        assert same_w.tolist() == np.broadcast_to(scalars, (4, 2)).tolist()
        again = pickle.loads(pickle.dumps(compiled))
        assert again(vectors, scalars).tolist() == got.tolist()
    x = symdiff.Symbol("x")
    logistic = symdiff.grad(symdiff.workloads.logistic_map(6, x), [x])[0]
    points = np.linspace(0.0, 1.0, 11)
    numba_points = lambdify([x], logistic, "numba", vectorize=True)(points)
    assert numba_points.tolist() == [lambdify([x], logistic)(p) for p in points]  # bit for bit
    assert "for _i in range(_n):" in lambdify([x], logistic, "numba", vectorize=True).source
    with pytest.raises(SymdiffError, match="takes one point"):
        lambdify([x], logistic, vectorize=True)
    with pytest.raises(SymdiffError, match="output='sparse'"):
        lambdify([xs, w], symdiff.hessian(f, [*xs, w], sparse=True), "numba",
                 output="sparse", vectorize=True)
    with pytest.raises(SymdiffError, match=r"shape \(3, …\)"):
        compiled(np.ones((2, 5)), 1.0)
    with pytest.raises(SymdiffError, match="do not broadcast"):
        compiled(np.ones((3, 4)), np.ones(3))
