"""The code generator: compiled functions agree with the evaluator, SymPy and each other; the
generated source is safe whatever the symbols are called; it scales; it pickles."""

from __future__ import annotations

import ast
import inspect
import itertools
import math
import pickle
import subprocess
import sys
import textwrap
import time
import traceback
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

import symdiff
from symdiff import DomainError, SymdiffError, lambdify, value_and_grad, workloads
from symdiff._ops import FLOAT, OPS, Op
from symdiff.codegen import MAX_INLINE_DEPTH, check_source
from symdiff.codegen._lambdify import _standalone
from tests.strategies import KINKED, SMOOTH, VARIABLES, X, Y, Z, close, expressions, points

x, w, b = symdiff.symbols("x w b")
SEED_F = 1 / (symdiff.exp(-(w * x + b)) + 1)
ROOT = Path(__file__).resolve().parent.parent

# The seed's value and gradient, as docs/codegen.md shows it.
SEED_SOURCE = '''\
from math import exp, pow


def value_and_grad(x, w, b):
    t0 = exp(-(w * x + b))
    t1 = t0 + 1.0
    t2 = t0 / pow(t1, 2.0)
    return 1.0 / t1, (t2 * x, t2)
'''


def _build(steps):
    """A DAG from construction steps: each combines earlier nodes (so nodes are shared)."""
    pool = [X, Y, Z, symdiff.Constant(2), symdiff.Constant(-0.5)]
    for kind, i, j in steps:
        a, c = pool[-1 - i % len(pool)], pool[-1 - j % len(pool)]  # mostly recent nodes
        if kind < 4:
            pool.append([a + c, a - c, a * c, a / c][kind])
        elif kind == 4:
            pool.append(a ** [2, 3, -1, 0.5][j % 4])
        else:
            pool.append(getattr(symdiff, (SMOOTH + KINKED)[kind - 5])(a))
    return pool[-1]


#: Random DAGs with shared nodes and up to 40 operations (the recursive strategy of
#: tests/strategies.py draws mostly small trees; these reach the inlining and naming paths).
dags = st.lists(st.tuples(st.integers(0, 4 + len(SMOOTH + KINKED)), st.integers(0, 60),
                          st.integers(0, 60)), min_size=8, max_size=40).map(_build)
random_expressions = st.one_of(expressions(SMOOTH + KINKED), dags)


def _evaluate_or_none(exprs, at):
    try:
        return [e.evaluate(at) for e in exprs]
    except DomainError:
        return None


def _same(a: float, b: float) -> bool:
    """Bitwise equal floats (nan equals nan)."""
    return a == b or (math.isnan(a) and math.isnan(b))


# --- the seed example ----------------------------------------------------------------------


def test_seed_value_and_grad():
    f = value_and_grad(SEED_F, [w, b], args=[x, w, b])
    assert f(1.0, 0.0, 0.0) == (0.5, (0.25, 0.25))
    assert f.source == SEED_SOURCE


def test_seed_function_and_single_variable_gradient():
    assert lambdify([x, w, b], SEED_F)(1.0, 0.0, 0.0) == 0.5
    assert value_and_grad(SEED_F, w, args=[x, w, b])(1.0, 0.0, 0.0) == (0.5, 0.25)
    assert value_and_grad(x * x, x)(3.0) == (9.0, 6.0)


def test_outputs_keep_their_nesting():
    h = symdiff.hessian(x ** 2 * w, [x, w])
    f = lambdify([x, w], [x, [x * w], h, []])
    assert f(3.0, 2.0) == (3.0, (6.0,), ((4.0, 6.0), (6.0, 0.0)), ())
    assert lambdify([x], [x + 1])(1.0) == (2.0,)


def test_source_is_plain_python_that_imports_only_math():
    f = lambdify([x, w, b], [SEED_F, *symdiff.grad(symdiff.sigmoid(SEED_F), [w, b])])
    tree = ast.parse(f.source)
    imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert {a.name for n in imports if isinstance(n, ast.Import) for a in n.names} <= {"math"}
    assert {n.module for n in imports if isinstance(n, ast.ImportFrom)} <= {"math"}
    body = tree.body[-1].body
    assert all(isinstance(s, ast.Assign) for s in body[:-1])
    assert isinstance(body[-1], ast.Return)
    # Registered in linecache; .source omits only the unused self of the bound method and
    # the try whose except hands the point to the evaluator through it.
    compiled = inspect.getsource(f)
    assert "    try:\n" in compiled and "return self._evaluate(x, w, b)" in compiled
    assert "try" not in f.source and "self" not in f.source
    assert _standalone(compiled, "f") in f.source
    assert f.args == (x, w, b) and f.backend == "math"


# --- agreement with the evaluator, SymPy and each other ------------------------------------


@given(random_expressions, points)
def test_math_backend_is_the_evaluator_bit_for_bit(e, at):
    gradient = symdiff.grad(e, VARIABLES)
    expected = _evaluate_or_none([e, *gradient], at)
    f = lambdify(VARIABLES, [e, gradient])
    try:
        value, partials = f(at[X], at[Y], at[Z])
    except DomainError:  # where Python's arithmetic raises, the evaluator's rule holds
        assert expected is None
        return
    if expected is None:  # the evaluator raised where Python's float arithmetic gave nan
        return
    assert all(_same(a, b) for a, b in zip([value, *partials], expected, strict=True))


@given(random_expressions, st.lists(points, min_size=1, max_size=4))
def test_numpy_backend_agrees_with_the_evaluator_pointwise(e, at_many):
    gradient = symdiff.grad(e, (X, Y))
    f = lambdify(VARIABLES, [e, *gradient], backend="numpy")
    with np.errstate(all="ignore"):
        columns = f(*(np.array([at[v] for at in at_many]) for v in VARIABLES))
    for k, at in enumerate(at_many):
        expected = _evaluate_or_none([e, *gradient], at)
        if expected is None:
            continue
        for column, value in zip(columns, expected, strict=True):
            assert np.shape(column) == (len(at_many),)
            got = float(column[k])
            assert _same(got, value) or close(got, value, rel=1e-9, abs_=1e-12), (got, value)


def _sympy_function(exprs, args):
    modules = [{"sigmoid": FLOAT.sigmoid}, "math"]
    return sympy.lambdify([symdiff.to_sympy(a) for a in args],
                          [symdiff.to_sympy(e) for e in exprs], modules=modules)


@given(random_expressions, points)
def test_math_backend_agrees_with_sympy_lambdify(e, at):
    gradient = list(symdiff.grad(e, VARIABLES))
    theirs = _sympy_function([e, *gradient], VARIABLES)
    ours = lambdify(VARIABLES, [e, *gradient])
    point = [at[v] for v in VARIABLES]
    try:
        expected = theirs(*point)
        got = ours(*point)
    except (ValueError, ArithmeticError, TypeError):
        return  # outside the domain for one of them (SymPy may simplify a singularity away)
    for a, b in zip(got, expected, strict=True):
        if isinstance(b, complex) or not (math.isfinite(a) and math.isfinite(b)):
            continue
        assert close(a, b, rel=1e-6, abs_=1e-6), (a, b)


def test_every_op_of_the_table_compiles_to_its_evaluate():
    at = [-2.5, -1.0, -0.3, 0.0, 0.4, 1.0, 2.0, 3.7]
    for op in OPS.values():
        if op.kind == "leaf":
            continue
        args = (x, w, symdiff.Symbol("v"))[:op.arity]
        node = symdiff._expr.apply(op, *args)
        if node.op is not op:
            continue
        compiled = lambdify(args, node)
        vectorized = lambdify(args, node, backend="numpy")
        for point in itertools.product(at, repeat=op.arity):
            try:
                expected = node.evaluate(dict(zip(args, point, strict=True)))
            except DomainError:
                with pytest.raises(DomainError):
                    compiled(*point)
                continue
            assert _same(compiled(*point), expected), (op.name, point)
            with np.errstate(all="ignore"):
                got = float(vectorized(*point))
            assert _same(got, expected) or close(got, expected, rel=1e-14), (op.name, point)


def test_workloads_compile_to_the_evaluator_bit_for_bit():
    for load in (workloads.seed_sigmoid(), workloads.network_loss(),
                 workloads.product_of_variables(50)):
        args = tuple(load.at)
        gradient = symdiff.grad(load.expr, load.wrt)
        f = value_and_grad(load.expr, load.wrt, args=args)
        value, partials = f(*(load.at[a] for a in args))
        assert value == load.expr.evaluate(load.at)
        assert list(partials) == [g.evaluate(load.at) for g in gradient]


# --- NumPy: broadcasting and domain ---------------------------------------------------------


def test_numpy_outputs_broadcast_to_the_inputs_shape():
    f = lambdify([x, w], [1, x, x * w, -x, symdiff.sigmoid(w)], backend="numpy")
    outputs = f(np.zeros(3), np.ones((2, 1)))
    assert [np.shape(o) for o in outputs] == [(2, 3)] * 5
    assert np.all(outputs[0] == 1.0) and np.all(outputs[4] == FLOAT.sigmoid(1.0))
    assert [float(o) for o in f(2.0, 3.0)] == [1.0, 2.0, 6.0, -2.0, FLOAT.sigmoid(3.0)]


def test_numpy_backend_returns_nan_and_inf_with_numpy_warnings():
    f = lambdify([x], [symdiff.log(x), 1 / x], backend="numpy")
    with pytest.warns(RuntimeWarning):
        log, inverse = f(np.array([-1.0, 0.0, 1.0]))
    assert np.isnan(log[0]) and log[1] == -np.inf and log[2] == 0.0
    assert inverse[1] == np.inf
    constant = lambdify([x], -(symdiff.Constant(3) / 0), backend="numpy")  # not Python's 3/0
    with pytest.warns(RuntimeWarning):
        assert constant(np.ones(2)).tolist() == [-np.inf, -np.inf]


def test_numpy_backend_takes_python_numbers_and_ints():
    f = lambdify([x, w], x / w, backend="numpy")
    with np.errstate(divide="ignore"):
        assert f(1, 0) == np.inf  # NumPy semantics even for Python ints in
    assert f(np.arange(3), 2.0).tolist() == [0.0, 0.5, 1.0]


# --- math: domain errors, arguments ----------------------------------------------------------


def test_math_backend_gives_the_evaluators_inf_and_domain_errors():
    # Python's float arithmetic raises OverflowError, ValueError or ZeroDivisionError; the
    # compiled function hands that point to the evaluator, which gives its rule
    # (docs/reliability.md): ±inf for an overflow, a DomainError naming the subexpression.
    for e, at in [(x**2, 1e200), (symdiff.exp(x), 1e6), (symdiff.cosh(x), -1e6),
                  (x**3, -1e200), (symdiff.sinh(x), -1e6)]:
        assert lambdify([x], e)(at) == e.evaluate({x: at}), e
    for e, at, message in [(symdiff.log(x), -1.0, "log(x) is undefined at x = -1.0"),
                           (symdiff.sqrt(x), -1.0, "sqrt(x) is undefined at x = -1.0"),
                           (1 / x, 0.0, "1/x divides by zero at x = 0.0"),
                           (symdiff.exp(x) / x, 0.0, "exp(x)/x divides by zero at x = 0.0")]:
        with pytest.raises(DomainError) as raised:
            lambdify([x], e)(at)
        assert str(raised.value) == message
        assert raised.value.__suppress_context__  # not "during handling of" Python's error
    # every way in: several outputs, value_and_grad, vector arguments, arrays, a hessian
    f = lambdify([x, w], [symdiff.exp(x) * w, [x, symdiff.log(w)]])
    assert f(1e6, 2.0) == (math.inf, (1e6, math.log(2.0)))
    with pytest.raises(DomainError, match=r"log\(w\) is undefined at x = 1.0, w = -2.0"):
        f(1.0, -2.0)
    g = value_and_grad(x**2 * w, [x, w])
    assert g(1e200, 1.0) == (math.inf, (2e200, math.inf))
    with pytest.raises(DomainError, match=r"at x = 0\.0, w = 1\.0"):
        value_and_grad(symdiff.sqrt(x) * w, [x, w])(0.0, 1.0)
    h = lambdify([[x, w]], symdiff.hessian(symdiff.exp(x) * w, [x, w]), output="array")
    assert h(np.array([1e6, 2.0])).tolist() == [[math.inf, math.inf], [math.inf, 0.0]]
    product = symdiff.hvp(symdiff.exp(x) * w**2, [x, w], [b, 1.0])
    at = {x: 1e6, w: 2.0, b: 1.0}
    assert lambdify([[x, w], [b]], product)([1e6, 2.0], [1.0]) == tuple(
        e.evaluate(at) for e in product) == (math.inf, math.inf)
    with pytest.raises(DomainError):
        lambdify([[x]], [1 / x], output="array")([0.0])
    sparse = pytest.importorskip("scipy.sparse")
    s = lambdify([x], [[symdiff.exp(x), 0], [0, x]], output="sparse")(1e6)
    assert isinstance(s, sparse.csr_array) and s.toarray().tolist() == [[math.inf, 0], [0, 1e6]]
    # pickled: rebuilt from the source with its expressions
    again = pickle.loads(pickle.dumps(f))
    assert again(1e6, 2.0) == f(1e6, 2.0) and again.source == f.source
    with pytest.raises(DomainError, match="log"):
        again(1.0, -2.0)


def test_tracebacks_show_the_generated_line():
    f = lambdify([x, w], symdiff.log(x) * w)
    try:
        f("-1", 2.0)  # an error Python raises on the way: not handed to the evaluator
    except TypeError:
        text = traceback.format_exc()
    assert "return log(x) * w" in text


def test_argument_errors_are_clear():
    with pytest.raises(SymdiffError, match="more than once"):
        lambdify([x, x], x)
    with pytest.raises(SymdiffError, match="symbol"):
        lambdify([x, 2], x)
    with pytest.raises(SymdiffError, match="symbol"):
        lambdify("x", x)
    with pytest.raises(SymdiffError, match=r"'w'.*not among args"):
        lambdify([x], x * w)
    with pytest.raises(SymdiffError, match="'b', 'w'"):
        value_and_grad(SEED_F, [x])
    with pytest.raises(SymdiffError, match="backend"):
        lambdify([x], x, backend="fortran")
    with pytest.raises(SymdiffError, match="identifier"):
        lambdify([x], x, name="exp")
    with pytest.raises(SymdiffError):
        lambdify([x], "x + 1")
    with pytest.raises(symdiff.DifferentiationError):
        value_and_grad(x * w, [x * w], args=[x, w])
    f = lambdify([x, w], x * w)
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'w'"):
        f(1.0)
    with pytest.raises(TypeError, match=r"CompiledFunction\.f\(\) takes"):
        f(1.0, 2.0, 3.0)
    assert lambdify([], 2.5)() == 2.5


# --- safety ---------------------------------------------------------------------------------

HOSTILE = ["__import__('os').system('x')", "lambda", "print", "t0", "a0", "a 1", "x y", "λ",
           "self", "math", "exp", "pow", "_sigmoid", "numpy", "a\nimport os", '"""', "#",
           "a\u2028b", "__builtins__", "open", "None", "1x", "_shape", "f"]


def test_hostile_symbol_names_give_correct_safe_code(tmp_path):
    symbols = [symdiff.Symbol(name) for name in HOSTILE]
    expr = symdiff.Constant(0)
    for k, s in enumerate(symbols):
        expr = expr + (k + 1) * symdiff.sin(s)
    values = [0.1 * (k + 1) for k in range(len(symbols))]
    expected = expr.evaluate(dict(zip(symbols, values, strict=True)))
    for backend in ("math", "numpy"):
        f = lambdify(symbols, [expr, *symdiff.grad(expr, symbols)], backend=backend)
        assert float(f(*values)[0]) == pytest.approx(expected, rel=1e-15)
        tree = ast.parse(f.source)
        check_source(tree, backend)
        params = [a.arg for a in tree.body[-1].args.args]
        for name, param in zip(HOSTILE, params, strict=True):
            if name in ("print", "lambda", "math", "exp", "open", "self", "t0", "a0"):
                assert param != name
        # A renamed symbol reaches the source only through repr, in a comment.
        for i, (name, param) in enumerate(zip(HOSTILE, params, strict=True)):
            assert param == name or f"    # a{i} is the symbol {name!r}\n" in f.source
        imported = {a.name for n in tree.body if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module for n in tree.body if isinstance(n, ast.ImportFrom)}
        assert imported == {backend}
        assert not any(isinstance(n, ast.Constant) and isinstance(n.value, str)
                       for n in ast.walk(tree))
    symdiff.write_module(tmp_path / "hostile.py", {"f": expr}, symbols)
    out = _run_fresh(tmp_path, f"import hostile; print(repr(hostile.f(*{values!r})))")
    assert float(out) == expected


def test_the_checker_rejects_anything_else():
    bad = ["import os", "from os import system", "import math as m",
           "def f(x):\n    return __import__('os')", "def f(x):\n    return math.__dict__",
           "import numpy\ndef f(x):\n    return numpy.load(x)", "def f(x):\n    return x[0]",
           "def f(x):\n    return (lambda: x)()", "def f(x):\n    return 'text'",
           "def f(x):\n    return open(x)", "def f(x):\n    return g(x)",
           "def f(x, *a):\n    return x", "def f(x=1):\n    return x",
           "def f(x):\n    global y\n    return x", "def f(x):\n    return abs(x, key=1)",
           "x = 1", "def f(x):\n    return [x]", "@staticmethod\ndef f(x):\n    return x",
           "from math import *", "def f(x):\n    return f'{x}'"]
    # The one try the math backend writes, and nothing like it.
    good = ("def f(self, x):\n    try:\n        return exp(x)\n"
            "    except (ZeroDivisionError, OverflowError, ValueError):\n"
            "        return self._evaluate(x)")
    bad += [good.replace("self._evaluate(x)", "self._evaluate(x, x)"),
            good.replace("self._evaluate", "self.evaluate"),
            good.replace("self._evaluate", "x._evaluate"),
            good.replace("ValueError)", "ValueError, KeyError)"),
            good.replace("ValueError)", "ValueError) as e"),
            good.replace("(ZeroDivisionError, OverflowError, ValueError)", "Exception"),
            good.replace("def f(self, x)", "def f(y, x)").replace("self.", "y."),
            good + "\n    finally:\n        x = 1", good + "\n    else:\n        x = 1",
            good.replace("return exp(x)", "return open(x)"),
            good.replace("    try:", "    x = 1\n    try:"),
            good.replace("return self._evaluate(x)", "return exp(x)")]
    for source in bad:
        with pytest.raises(SymdiffError, match="safety check"):
            check_source(ast.parse("from math import exp\n" + source), "math")
    check_source(ast.parse("from math import exp\ndef f(x):\n    return exp(x)"), "math")
    check_source(ast.parse("from math import exp\n" + good), "math")


def test_an_op_with_a_hostile_template_is_refused():
    evil = Op("evil", 1, "function", lambda a: a, (lambda F, a, out: 1,), "evil", "evil",
              python="{0}.__class__", numpy="{0}.__class__")
    node = symdiff._expr.apply(evil, x)
    with pytest.raises(SymdiffError, match="safety check"):
        lambdify([x], node)


def test_generated_code_sees_only_safe_builtins():
    f = lambdify([x], symdiff.exp(x))
    space = f.__func__.__globals__
    assert set(space["__builtins__"]) <= {"abs", "min", "max", "float", "int", "round", "pow",
                                          "bool", "__import__",
                                          "ZeroDivisionError", "OverflowError",
                                          "ValueError"}  # the except's
    with pytest.raises(ImportError):
        space["__builtins__"]["__import__"]("os")


# --- pickling, modules, scale ------------------------------------------------------------------


def _run_fresh(cwd: Path, code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=cwd, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def test_compiled_functions_pickle_by_source(tmp_path):
    for backend in ("math", "numpy"):
        f = value_and_grad(SEED_F, [w, b], args=[x, w, b], backend=backend)
        g = pickle.loads(pickle.dumps(f))
        assert g.source == f.source and g.args == f.args
        assert str(g(1.0, 0.0, 0.0)) == str(f(1.0, 0.0, 0.0))
    data = tmp_path / "f.pickle"
    data.write_bytes(pickle.dumps(lambdify([x, w, b], symdiff.grad(SEED_F, [w, b]))))
    out = _run_fresh(tmp_path, "import pickle; f = pickle.load(open('f.pickle', 'rb')); "
                               "print(f(1.0, 0.0, 0.0))")
    assert out == "(0.25, 0.25)"


def test_write_module_runs_in_a_fresh_process_without_symdiff(tmp_path):
    loss = workloads.network_loss(hidden=3, points=4)
    args = loss.wrt
    symdiff.write_module(tmp_path / "model.py", {
        "loss": loss.expr, "loss_grad": symdiff.grad(loss.expr, args)}, args)
    point = [loss.at[a] for a in args]
    out = _run_fresh(tmp_path, textwrap.dedent(f"""
        import sys, model
        assert "symdiff" not in sys.modules
        print(repr((model.loss(*{point!r}), model.loss_grad(*{point!r}))))"""))
    value, gradient = eval(out)
    assert value == loss.expr.evaluate(loss.at)
    assert list(gradient) == [g.evaluate(loss.at) for g in symdiff.grad(loss.expr, args)]


def test_module_source_for_the_cli():
    source = symdiff.module_source({"f": SEED_F, "f_grad": symdiff.grad(SEED_F, [w, b])},
                                   [x, w, b], backend="numpy")
    assert source.startswith('"""Generated by symdiff. Needs only numpy."""')
    assert "def f(x, w, b):" in source and "def f_grad(x, w, b):" in source
    with pytest.raises(SymdiffError):
        symdiff.module_source({}, [x])
    with pytest.raises(SymdiffError):
        symdiff.module_source({"two words": x}, [x])


def test_inline_expressions_stay_shallow():
    f = lambdify([x], symdiff.grad(workloads.nested_sin(200), [x]))
    assert max(line.count("sin(") for line in f.source.splitlines()) <= MAX_INLINE_DEPTH
    assert f(0.3)[0] == symdiff.grad(workloads.nested_sin(200), [x])[0].evaluate({x: 0.3})


@pytest.mark.slow
def test_a_100000_operation_program_compiles_and_runs():
    e = workloads.logistic_map(33_400)  # 3n - 2 operations
    assert symdiff.cse(e, three_address=True).n_operations >= 100_000
    start = time.perf_counter()
    f = lambdify([x], e)
    assert f(0.3) == e.evaluate({x: 0.3})
    assert time.perf_counter() - start < 120  # a hang guard, not a speed test


# --- numba ----------------------------------------------------------------------------------


def test_numba_backend_value_and_grad(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMDIFF_CACHE", str(tmp_path))
    f = value_and_grad(symdiff.sigmoid(SEED_F) * w, [w, b], args=[x, w, b], backend="numba")
    g = value_and_grad(symdiff.sigmoid(SEED_F) * w, [w, b], args=[x, w, b])
    for point in [(1.0, 0.0, 0.0), (0.3, -1.2, 2.5)]:
        (v1, d1), (v2, d2) = f(*point), g(*point)
        assert close(v1, v2, rel=1e-14)
        assert all(close(a, c, rel=1e-14) for a, c in zip(d1, d2, strict=True))
    assert "@numba.njit(" in f.source and list(tmp_path.glob("symdiff_*.py"))
    assert pickle.loads(pickle.dumps(f))(1.0, 0.0, 0.0) == f(1.0, 0.0, 0.0)
    assert lambdify([x], [symdiff.log(x), 1 / x], backend="numba")(0.0) == (-math.inf, math.inf)
    assert math.isnan(lambdify([x], symdiff.log(x), backend="numba")(-1.0))


@pytest.mark.slow
def test_numba_reuses_its_disk_cache_across_processes(tmp_path):
    code = textwrap.dedent("""
        import symdiff
        x, w = symdiff.symbols("x w")
        f = symdiff.lambdify([x, w], [symdiff.tanh(x * w), x / w], backend="numba")
        assert f(1.0, 2.0) == (symdiff.tanh(x * w).evaluate({x: 1.0, w: 2.0}), 0.5)
        print(sum(f.dispatcher.stats.cache_hits.values()))""")
    env_code = f"import os; os.environ['SYMDIFF_CACHE'] = {str(tmp_path)!r}\n" + code
    assert _run_fresh(tmp_path, env_code) == "0"
    assert _run_fresh(tmp_path, env_code) == "1"


def test_numba_missing_gives_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)
    with pytest.raises(SymdiffError, match=r"pip install 'symdiff\[fast\]'"):
        lambdify([x], x, backend="numba")


# --- the benchmark cannot rot ---------------------------------------------------------------


@pytest.mark.slow
def test_benchmark_quick_run():
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_codegen.py"),
                           "--quick"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "symdiff math" in done.stdout and "goal" in done.stdout


def test_the_math_backend_writes_the_sigmoid_out_with_the_evaluators_floats():
    # Its own template (Backend.code): no helper call per sigmoid (a fifth of W3's gradient's
    # time); both branches of the helper in one conditional, so the floats are the same.
    x = symdiff.Symbol("x")
    f = symdiff.lambdify([x], symdiff.sigmoid(x))
    assert "_sigmoid" not in f.source and " if x >= 0 else " in f.source
    points = [0.0, -0.0, 1e-300, -1e-300, 3.5, -3.5, 36.7, -36.7, 709.8, -709.8, 745.2,
              -745.2, 1e308, -1e308, *(k / 7 - 60 for k in range(841))]
    for p in points:
        assert f(p) == symdiff.sigmoid(x).evaluate(x=p), p
    assert math.isnan(f(math.nan))
    numpy_source = symdiff.lambdify([x], symdiff.sigmoid(x), backend="numpy").source
    assert "_sigmoid" in numpy_source  # the other backends keep their helpers
