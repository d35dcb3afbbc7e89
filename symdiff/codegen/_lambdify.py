"""Code generation: expressions and their derivatives as compiled Python, NumPy or numba code.

:func:`lambdify` writes one expression, or a (nested) sequence of them, as a straight-line Python
function (see :mod:`symdiff.pycode`: one assignment per line, single-use operations inline to a
bounded depth, so even a 100,000-operation program compiles without deep recursion), checks the
source, compiles it and returns it as a callable. :func:`value_and_grad` does the same for a
value and its gradient from one program; :func:`module_source`/:func:`write_module` produce a
standalone module that needs only ``math`` (and raises Python's own errors: it has no
evaluator to fall back on).

Safety: symbol names never reach the code (see :mod:`symdiff.pycode`); the source is parsed
back and checked against a whitelist before it is compiled, and it runs with builtins cut down
to a few pure functions and an ``__import__`` that knows only the backends' modules
(:mod:`._runtime`).

The callable is a bound method of a :class:`CompiledFunction`, which keeps the source: calls
cost what a plain function call costs, and the function pickles by its source (rebuilt,
re-checked and recompiled on load). Its code is registered in :mod:`linecache` under a unique
file name, so tracebacks and :func:`inspect.getsource` show it.

Backends: ``"math"`` (Python floats; the numbers of :meth:`symdiff.Expr.evaluate`, bit for bit,
and where Python's arithmetic raises, the evaluator's rule: ±inf for an overflow, a
:class:`~symdiff.DomainError` outside the domain), ``"numpy"`` (arrays, broadcasting; nan/inf and
NumPy's warnings outside the domain), ``"numba"`` (the same code compiled by
``numba.njit(cache=True)`` from a module file in :func:`cache_dir`; IEEE nan/inf, no
exceptions) and ``"jax"`` (``jax.numpy``; jit-able). Each is a :class:`Backend` object
(:mod:`._backends`), and a caller's own ``Backend`` goes wherever a name does. numba and jax
are imported only when their backend is asked for.
"""

from __future__ import annotations

import ast
import os
import types
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .._diff import grad
from .._errors import EvaluationError, SymdiffError
from .._evaluation import program_values
from .._expr import Constant, Expr, Symbol, apply, as_expr
from .._ops import Op, get_op
from .._program import Program, lower
from .._sparsity import SparseMatrix
from .._traversal import flatten
from . import _tape
from ._backends import BACKENDS, Backend, get_backend
from ._check import check_source
from ._pycode import (
    Arg,
    FunctionSource,
    check_args,
    check_function_name,
    module_text,
    reserved_names,
)
from ._runtime import cache_dir, parse_ast
from ._vectorize import VectorizedFunction

__all__ = ["lambdify", "value_and_grad", "module_source", "write_module", "CompiledFunction",
           "BACKENDS", "cache_dir", "SparseFunction", "Outputs"]


class CompiledFunction:
    """What a compiled function is bound to: its generated source and arguments.

    :func:`lambdify` returns ``MethodType(function, compiled)``, so the generated function
    takes an unused first parameter ``self`` and calls cost what a plain function call costs.
    Pickling the bound method pickles this object, which is rebuilt from the source (checked
    and compiled again) on load.

    On the math backend the generated body runs inside ``try`` (free until it raises); a
    ``ZeroDivisionError``, ``OverflowError`` or ``ValueError`` calls :meth:`_evaluate` with
    the same arguments, which computes the point again on symdiff's evaluator: ±inf for an
    overflow, a :class:`~symdiff.DomainError` naming the subexpression for a domain error or
    a pole, as :meth:`symdiff.Expr.evaluate` gives. For this the object keeps the output expressions
    (and pickles them as one program).
    """

    __slots__ = ("__weakref__", "_function", "_outputs", "_program", "_spec")

    def __init__(self, spec: tuple[Any, ...], function: Callable[..., Any],
                 outputs: Outputs | None = None) -> None:
        self._spec = spec
        self._function = function
        self._outputs = outputs
        self._program: Program | None = None

    def __getattr__(self, name: str) -> Any:
        # Unpickling a bound method calls getattr(compiled, function name).
        try:
            function = object.__getattribute__(self, "_function")
        except AttributeError:
            raise AttributeError(name) from None
        if name == function.__name__:
            return types.MethodType(function, self)
        raise AttributeError(name)

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, (*self._spec, self._outputs)

    def __repr__(self) -> str:
        _source, name, backend, args, _params = self._spec
        return f"<symdiff {backend} function {name}({', '.join(s.name for s in args)})>"

    def _evaluate(self, *params: Any) -> Any:
        """The function's value at ``params`` computed by symdiff's evaluator (what the
        generated code calls when Python's arithmetic raised)."""
        outputs = self._outputs
        if outputs is None:  # (a pickle of a version that kept no expressions)
            raise EvaluationError(f"{self._spec[1]} failed at {params!r} (Python's float "
                                  f"arithmetic raised)")
        args = self._spec[3]
        program = self._program
        if program is None:
            symbols = tuple(s for a in args for s in (a if isinstance(a, tuple) else (a,)))
            program = self._program = lower(outputs.roots, inputs=symbols)
        inputs: list[float] = []
        for arg, value in zip(args, params, strict=True):
            if isinstance(arg, tuple):  # a vector parameter, read as the code reads it
                inputs.extend(_number(symbol, value[k]) for k, symbol in enumerate(arg))
            else:
                inputs.append(_number(arg, value))
        try:
            values = program_values(program, inputs)
        except EvaluationError as error:  # not "during handling of" Python's error
            raise error from None
        result = _nest(outputs.structure, [values[s] for s in program.output_slots])
        if outputs.shape is None:
            return result
        import numpy

        return numpy.array(result, dtype=numpy.float64).reshape(outputs.shape)


def _number(symbol: Symbol, value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        pass
    raise EvaluationError(f"value for {symbol.name!r} is not a real number: {value!r}")


def _nest(structure: Any, values: list[float]) -> Any:
    """The outputs nested as the generated function returns them (tuples, ``structure``)."""
    if isinstance(structure, int):
        return values[structure]
    return tuple(_nest(s, values) for s in structure)


class Outputs:
    """A compiled function's output expressions, as the evaluator needs them: ``roots`` in
    order, their nesting ``structure`` (indices into ``roots``) and the array ``shape`` of
    ``output="array"`` (else None). Pickled as one program, so shared subexpressions of
    several outputs are written once."""

    __slots__ = ("roots", "shape", "structure")

    def __init__(self, roots: tuple[Expr, ...], structure: Any,
                 shape: tuple[int, ...] | None) -> None:
        self.roots = roots
        self.structure = structure
        self.shape = shape

    def __reduce__(self) -> tuple[Any, ...]:
        program = lower(self.roots)
        leaves = program.nodes[:program.first_equation_slot]
        code = [(eq.op if eq.op.family else eq.op.name, *eq.args)
                for eq in program.equations]
        return _outputs, (leaves, code, program.output_slots, self.structure, self.shape)


def _outputs(leaves: tuple[Expr, ...], code: list[tuple[Any, ...]],
             output_slots: tuple[int, ...], structure: Any,
             shape: tuple[int, ...] | None) -> Outputs:
    built = list(leaves)
    for head, *args in code:
        built.append(apply(head if isinstance(head, Op) else get_op(head),
                           *(built[a] for a in args)))
    return Outputs(tuple(built[s] for s in output_slots), structure, shape)


def _standalone(source: str, name: str) -> str:
    """The source as a reader would paste it: without the unused ``self`` that binding the
    function to its :class:`CompiledFunction` needs, and without the math backend's ``try``
    whose ``except`` calls the evaluator through it (only these lines differ)."""
    lines = source.split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith(f"def {name}(self")),
                 None)
    if start is None:
        return source
    lines[start] = (lines[start].replace(f"def {name}(self, ", f"def {name}(", 1)
                    .replace(f"def {name}(self)", f"def {name}()", 1))
    body = start + 1
    while lines[body].startswith("    #"):  # the comments naming mangled symbols
        body += 1
    if lines[body] == "    try:":
        handler = max(i for i, line in enumerate(lines) if line.startswith("    except ("))
        lines[body:handler + 2] = [line[4:] for line in lines[body + 1:handler]]
    return "\n".join(lines)


def _rebuild(source: str, name: str, backend: Backend | str, args: tuple[Arg, ...],
             params: tuple[str, ...], outputs: Outputs | None = None) -> CompiledFunction:
    # A built-in backend travels (and pickles) by name, one of the caller's own by value.
    spec = (source, name, backend, tuple(args), tuple(params))
    target = get_backend(backend)
    vectors = tuple(isinstance(a, tuple) for a in args)
    function = target.compile(source, name, params, check_source, vectors)
    # A method's TypeError for a wrong argument count counts self: say it is a method.
    function.__qualname__ = f"{CompiledFunction.__name__}.{name}"
    function.source = _standalone(source, name)
    function.args = spec[3]
    function.backend = target.name
    return CompiledFunction(spec, function, outputs if target.recovers else None)


# --- public API ----------------------------------------------------------------------------


def _spec_backend(backend: Backend) -> Backend | str:
    return backend.name if BACKENDS.get(backend.name) is backend else backend


def lambdify(args: Any, exprs: Any, backend: str | Backend = "math", *, name: str = "f",
             output: str = "tuple", vectorize: bool = False, tape: bool | None = None
             ) -> Callable[..., Any]:
    """A compiled function of ``args`` (in call order) computing ``exprs``.

    Each element of ``args`` is a symbol (a number) or a sequence of symbols, which is one
    parameter taking an array (SymPy's nested-args convention: ``lambdify([xs, y], e)`` is
    called as ``f(array, y)``). ``exprs`` is one expression (the function returns a float) or
    a sequence, possibly nested (it returns tuples of the same shape); with
    ``output="array"`` it returns one NumPy array of that shape instead (on array backends,
    that shape followed by the inputs' broadcast shape). With ``output="sparse"``, ``exprs``
    is a :class:`~symdiff.SparseMatrix` (``hessian(..., sparse=True)``) or a 2-D nesting
    whose constant-0 entries are structural zeros, and the function returns a
    ``scipy.sparse.csr_array`` with the pattern fixed now and only the non-zeros computed
    per call (a :class:`SparseFunction`). Shared subexpressions are computed
    once. Backends:
    ``"math"`` (plain Python floats, with the numbers, ±inf and
    :class:`~symdiff.DomainError` of :meth:`Expr.evaluate`), ``"numpy"``
    (vectorized over arrays, with broadcasting), ``"numba"`` (the same code compiled by
    ``numba.njit``, cached on disk), ``"jax"`` (``jax.numpy``, jit-able) or a
    :class:`symdiff.codegen.Backend` of your own. The result has ``.source``, ``.args`` and
    ``.backend``.

    numba only: ``vectorize=True`` compiles one loop over arrays of points (arguments
    broadcast as on the NumPy backend: a scalar parameter takes an array of points, a vector
    parameter an array of shape ``(len, *points)``; results have the NumPy backend's layout);
    the numpy and jax backends take arrays anyway and ignore it. ``tape``: programs whose
    straight-line code would exceed ``symdiff.codegen._tape.TAPE_ABOVE`` lines run on a tape,
    a compiled interpreter loop whose compile does not grow with the program (``tape=None``,
    the default); ``True`` or ``False`` force either (see docs/codegen.md).

    >>> import symdiff
    >>> x, w, b = symdiff.symbols("x w b")
    >>> f = lambdify([x, w, b], 1 / (symdiff.exp(-(w*x + b)) + 1))
    >>> f(1.0, 0.0, 0.0)
    0.5
    >>> print(f.source)
    from math import exp
    <BLANKLINE>
    <BLANKLINE>
    def f(x, w, b):
        return 1.0 / (exp(-(w * x + b)) + 1.0)
    <BLANKLINE>
    >>> xs = symdiff.symbols("x1 x2")
    >>> g = lambdify([xs], symdiff.hessian(xs[0]**2 * xs[1], xs), output="array")
    >>> g([3.0, 2.0])
    array([[4., 6.],
           [6., 0.]])
    """
    for item in flatten([args, exprs]):
        tensor_function = getattr(type(item), "_symdiff_lambdify_", None)
        if tensor_function is not None:  # tensor expressions lower through symdiff.tensor
            return tensor_function(args, exprs, backend, name=name)  # type: ignore[no-any-return]
    target = get_backend(backend)
    reserved = reserved_names(target)
    if vectorize and not (target.decorates or target.arrays):
        raise SymdiffError(f"vectorize=True compiles a loop over points for numba; the "
                           f"{target.name} backend takes one point (numpy and jax take "
                           f"arrays as they are)")
    vectorize = vectorize and target.decorates
    if vectorize and output == "sparse":
        raise SymdiffError("output='sparse' returns one matrix for one point; with "
                           "vectorize=True use output='array' or 'tuple'")
    matrix = _as_sparse(exprs) if output == "sparse" else None
    if matrix is not None:
        exprs, output = [e for row in matrix.values for e in row], "array"
    function = FunctionSource(check_function_name(name, reserved), check_args(args), exprs,
                              target, reserved, output, vectorize, tape)
    rebuild = (_relambdify, (args, exprs, name, function.output, vectorize, tape))
    if function.on_tape:
        on_tape = _tape_function(function, target, rebuild, vectorize)
        return on_tape if matrix is None else SparseFunction(on_tape, matrix.shape, matrix.rows)
    if vectorize:
        return _vectorized_function(function, target, rebuild)
    source = module_text([function], target, bound=target.binds_self)
    outputs = Outputs(function.program.outputs, function.structure, function.shape)
    compiled = _rebuild(source, name, _spec_backend(target), function.args,
                        tuple(function.params), outputs)
    values = getattr(compiled, name)
    return values if matrix is None else SparseFunction(values, matrix.shape, matrix.rows)


def _tape_function(function: FunctionSource, target: Backend, rebuild: tuple[Any, ...],
                   vectorize: bool) -> _tape.TapeFunction:
    """The function on a tape: long programs on numba (see :mod:`._tape`)."""
    target.load()
    tape = _tape.Tape(function.program)
    interpreter, source = _tape.compile_tape(tape, target, check_source)
    return _tape.TapeFunction(function.name, function.args, function.structure, function.shape,
                              tape, interpreter, source, rebuild, vectorize)


def _vectorized_function(function: FunctionSource, target: Any, rebuild: tuple[Any, ...]
                         ) -> VectorizedFunction:
    """The straight-line code in a loop over points, compiled by numba (:mod:`._vectorize`)."""
    target.load()
    source = module_text([function], target, bound=False)
    lines = source.count("\n")
    module = target.load_module(source, lambda tree: check_source(tree, target),
                                f"{function.name} over points ({lines} lines)")
    dispatcher = module.__dict__[function.name]
    entry = dispatcher.overloads[dispatcher.signatures[0]].entry_point
    return VectorizedFunction(function.name, function.args, function.structure, function.shape,
                              len(function.outputs), entry, source, rebuild)


def _relambdify(args: Any, exprs: Any, name: str, output: str, vectorize: bool,
                tape: bool | None) -> Any:
    """A tape or vectorised numba function compiled again from its expressions (unpickling)."""
    return lambdify(args, exprs, "numba", name=name, output=output, vectorize=vectorize,
                    tape=tape)


def _as_sparse(exprs: Any) -> SparseMatrix:
    """``exprs`` as a :class:`SparseMatrix`: itself, or a dense 2-D nesting whose structural
    zeros are the entries that are the constant 0."""
    if isinstance(exprs, SparseMatrix):
        return exprs
    try:
        dense = [[as_expr(e) for e in row] for row in exprs]
    except TypeError:
        raise SymdiffError("output='sparse' needs a SparseMatrix (hessian(..., sparse=True)) "
                           "or a 2-D nesting of expressions") from None
    widths = {len(row) for row in dense}
    if len(widths) > 1:
        raise SymdiffError(f"output='sparse' needs rows of one length, not {sorted(widths)}")
    zero = Constant(0)
    rows = tuple(tuple(j for j, e in enumerate(row) if e is not zero) for row in dense)
    values = tuple(tuple(row[j] for j in r) for row, r in zip(dense, rows, strict=True))
    return SparseMatrix((len(dense), widths.pop() if widths else 0), rows, values)


class SparseFunction:
    """A compiled sparse matrix: calling it computes only the structural non-zeros (one
    compiled function returning them as a vector) and returns a ``scipy.sparse.csr_array``
    whose pattern was fixed when it was compiled. ``.source``, ``.args`` and ``.backend`` are
    those of the values' function; ``.pattern`` is the pattern."""

    __slots__ = ("_indices", "_indptr", "_rows", "_values", "shape")

    def __init__(self, values: Callable[..., Any], shape: tuple[int, int],
                 rows: tuple[tuple[int, ...], ...]) -> None:
        import numpy as np

        self._values = values
        self.shape = shape
        self._rows = rows
        self._indptr = np.zeros(len(rows) + 1, dtype=np.int32)
        self._indptr[1:] = np.cumsum([len(r) for r in rows])
        self._indices = np.array([j for r in rows for j in r], dtype=np.int32)

    def __call__(self, *args: Any) -> Any:
        import numpy as np
        from scipy.sparse import csr_array

        data = np.asarray(self._values(*args), dtype=np.float64)
        return csr_array((data, self._indices, self._indptr), shape=self.shape)

    @property
    def pattern(self) -> Any:
        """The pattern, a ``scipy.sparse.csr_array`` of ones (int8)."""
        import numpy as np
        from scipy.sparse import csr_array

        return csr_array((np.ones(len(self._indices), dtype=np.int8), self._indices,
                          self._indptr), shape=self.shape)

    def __getattr__(self, name: str) -> Any:
        if name in ("source", "args", "backend"):
            return getattr(self._values, name)
        raise AttributeError(name)

    def __reduce__(self) -> tuple[Any, ...]:
        return SparseFunction, (self._values, self.shape, self._rows)

    def __repr__(self) -> str:
        rows, columns = self.shape
        return f"<symdiff sparse {rows}×{columns} function, nnz={len(self._indices)}>"


def value_and_grad(expr: Any, wrt: Any, args: Any = None, backend: str | Backend = "math"
                   ) -> Callable[..., Any]:
    """A compiled function of ``args`` (default ``wrt``) returning ``(value, gradient)`` from
    one straight-line program, like ``jax.value_and_grad``. The gradient is a tuple (one
    partial per variable of ``wrt``), or one number if ``wrt`` is a single symbol.

    >>> import symdiff
    >>> x, w, b = symdiff.symbols("x w b")
    >>> f = value_and_grad(1 / (symdiff.exp(-(w*x + b)) + 1), [w, b], args=[x, w, b])
    >>> f(1.0, 0.0, 0.0)
    (0.5, (0.25, 0.25))
    """
    if not hasattr(type(expr), "_symdiff_lambdify_"):  # tensors stay tensors
        expr = as_expr(expr)
    single = isinstance(wrt, Symbol) or hasattr(type(wrt), "_symdiff_lambdify_")  # a tensor
    variables = (wrt,) if single else tuple(wrt)
    partials = grad(expr, variables)
    outputs = (expr, partials[0] if single else partials)
    return lambdify(variables if args is None else args, outputs, backend,
                    name="value_and_grad")


def module_source(functions: Mapping[str, Any], args: Any, backend: str | Backend = "math") -> str:
    """The source of a standalone module defining one function of ``args`` per entry of
    ``functions`` (name → expression or sequence of expressions). It imports only ``math``
    (``numpy`` for ``backend="numpy"``) and does not need symdiff, so it has no evaluator to
    hand a failing point to: where Python's float arithmetic raises (``OverflowError``,
    ``ValueError``, ``ZeroDivisionError``), the module's functions raise it, where
    :func:`lambdify`'s give ±inf or a :class:`~symdiff.DomainError`.

    >>> import symdiff
    >>> x, y = symdiff.symbols("x y")
    >>> print(module_source({"area": x * y}, [x, y]))
    \"\"\"Generated by symdiff. Needs only math.\"\"\"
    <BLANKLINE>
    <BLANKLINE>
    def area(x, y):
        return x * y
    <BLANKLINE>
    """
    target = get_backend(backend)
    if not isinstance(functions, Mapping) or not functions:
        raise SymdiffError("functions must be a non-empty mapping from names to expressions")
    reserved = reserved_names(target)
    symbols = check_args(args)
    generated = [FunctionSource(check_function_name(name, reserved), symbols, exprs, target,
                                reserved) for name, exprs in functions.items()]
    plain = parse_ast(module_text(generated, target, bound=False))
    modules = {alias.name for n in plain.body if isinstance(n, ast.Import) for alias in n.names}
    modules |= {n.module for n in plain.body if isinstance(n, ast.ImportFrom) and n.module}
    needs = " and ".join(sorted({m.split(".")[0] for m in modules}
                                or {target.module.split(".")[0]}))
    source = module_text(generated, target, bound=False,
                         docstring=f"Generated by symdiff. Needs only {needs}.")
    check_source(parse_ast(source), target)
    return source


def write_module(path: str | os.PathLike[str], functions: Mapping[str, Any], args: Any,
                 backend: str | Backend = "math") -> Path:
    """Write :func:`module_source` to ``path`` (a standalone ``.py`` file); return the path.

    >>> import symdiff, tempfile, pathlib
    >>> x, w, b = symdiff.symbols("x w b")
    >>> f = 1 / (symdiff.exp(-(w*x + b)) + 1)
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "model.py"
    >>> write_module(target, {"f": f, "f_grad": symdiff.grad(f, [w, b])}, [x, w, b]).exists()
    True
    """
    source = module_source(functions, args, backend)
    target = Path(path)
    target.write_text(source, encoding="utf-8")
    return target
