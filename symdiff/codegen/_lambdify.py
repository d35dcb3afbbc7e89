"""Code generation: expressions and their derivatives as compiled Python, NumPy or numba code.

:func:`lambdify` writes one expression, or a (nested) sequence of them, as a straight-line Python
function (see :mod:`symdiff.pycode`: one assignment per line, single-use operations inline to a
bounded depth, so even a 100,000-operation program compiles without deep recursion), checks the
source, compiles it and returns it as a callable. :func:`value_and_grad` does the same for a
value and its gradient from one program; :func:`module_source`/:func:`write_module` produce a
standalone module that needs only ``math``.

Safety: symbol names never reach the code (see :mod:`symdiff.pycode`); the source is parsed
back and checked against a whitelist before it is compiled, and it runs with builtins cut down
to a few pure functions and an ``__import__`` that knows only ``math``, ``numpy`` and
``numba``.

The callable is a bound method of a :class:`CompiledFunction`, which keeps the source: calls
cost what a plain function call costs, and the function pickles by its source (rebuilt,
re-checked and recompiled on load). Its code is registered in :mod:`linecache` under a unique
file name, so tracebacks and :func:`inspect.getsource` show it.

Backends: ``"math"`` (Python floats; the numbers of :meth:`symdiff.Expr.evaluate`, bit for bit,
and Python's exceptions outside the domain), ``"numpy"`` (arrays, broadcasting; nan/inf and
NumPy's warnings outside the domain) and ``"numba"`` (the same code compiled by
``numba.njit(cache=True)`` from a module file in :func:`cache_dir`; IEEE nan/inf, no
exceptions). numba is imported only when that backend is asked for.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import itertools
import keyword
import linecache
import os
import sys
import tempfile
import types
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .._diff import grad
from .._errors import SymdiffError
from .._expr import Symbol, as_expr
from ._pycode import (
    ALLOWED_MODULES,
    IMPORTS,
    SAFE_BUILTINS,
    FunctionSource,
    check_args,
    check_function_name,
    check_source,
    module_text,
    reserved_names,
)

__all__ = ["lambdify", "value_and_grad", "module_source", "write_module", "CompiledFunction",
           "BACKENDS", "cache_dir"]

#: The code generator's targets.
BACKENDS = ("math", "numpy", "numba")
_counter = itertools.count()


def _restricted_import(name: str, globals: Any = None, locals: Any = None,
                       fromlist: Any = (), level: int = 0) -> Any:
    if level != 0 or name not in ALLOWED_MODULES:
        raise ImportError(f"generated code may import only math, numpy and numba, not {name!r}")
    return builtins.__import__(name)


def _namespace(name: str, **extra: Any) -> dict[str, Any]:
    safe = {n: getattr(builtins, n) for n in SAFE_BUILTINS}
    safe["__import__"] = _restricted_import
    return {"__builtins__": safe, "__name__": name, **extra}


def _execute(source: str, filename: str, backend: str, namespace: dict[str, Any],
             extra: frozenset[str] = frozenset(), register: bool = True) -> dict[str, Any]:
    """Parse, check, compile and run ``source``; its lines go into :mod:`linecache`."""
    try:
        tree = ast.parse(source, filename)
    except (SyntaxError, RecursionError, MemoryError) as exc:
        raise SymdiffError(f"generated code does not parse: {exc}") from None
    check_source(tree, backend, extra)
    code = compile(tree, filename, "exec")
    if register:
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    try:
        exec(code, namespace)
    except ImportError as exc:  # e.g. an op template that calls a function math lacks
        raise SymdiffError(f"generated code does not run: {exc}") from exc
    return namespace


def cache_dir() -> Path:
    """Where the numba backend writes its generated modules (and numba its compiled code):
    ``$SYMDIFF_CACHE``, else ``$XDG_CACHE_HOME/symdiff``, else ``~/.cache/symdiff``.

    >>> cache_dir().name != ""
    True
    """
    if os.environ.get("SYMDIFF_CACHE"):
        return Path(os.environ["SYMDIFF_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "symdiff"


def _write_cached(source: str) -> Path:
    """The module file holding ``source`` (content-addressed, so numba's cache stays valid)."""
    file_name = f"symdiff_{hashlib.sha256(source.encode()).hexdigest()[:24]}.py"
    for directory in (cache_dir(), None):
        try:
            folder = Path(tempfile.mkdtemp(prefix="symdiff-")) if directory is None else directory
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / file_name
            if not path.exists() or path.read_text(encoding="utf-8") != source:
                temporary = path.with_suffix(f".{os.getpid()}.tmp")
                temporary.write_text(source, encoding="utf-8")
                os.replace(temporary, path)
            return path
        except OSError:
            continue
    raise SymdiffError("the numba backend could not write its generated module anywhere")


def _numba_module() -> Any:
    try:
        import numba
    except ImportError:
        raise SymdiffError("backend='numba' needs numba: pip install 'symdiff[fast]'") from None
    return numba


class CompiledFunction:
    """What a compiled function is bound to: its generated source and arguments.

    :func:`lambdify` returns ``MethodType(function, compiled)``, so the generated function
    takes an unused first parameter ``self`` and calls cost what a plain function call costs.
    Pickling the bound method pickles this object, which is rebuilt from the source (checked
    and compiled again) on load.
    """

    __slots__ = ("__weakref__", "_function", "_spec")

    def __init__(self, spec: tuple[Any, ...], function: Callable[..., Any]) -> None:
        self._spec = spec
        self._function = function

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
        return _rebuild, self._spec

    def __repr__(self) -> str:
        _source, name, backend, args, _params = self._spec
        return f"<symdiff {backend} function {name}({', '.join(s.name for s in args)})>"


def _standalone(source: str, name: str) -> str:
    """The source as a reader would paste it: without the unused ``self`` that binding the
    function to its :class:`CompiledFunction` needs (only the ``def`` line differs)."""
    return (source.replace(f"def {name}(self, ", f"def {name}(", 1)
            .replace(f"def {name}(self)", f"def {name}()", 1))


def _rebuild(source: str, name: str, backend: str, args: tuple[Symbol, ...],
             params: tuple[str, ...]) -> CompiledFunction:
    spec = (source, name, backend, tuple(args), tuple(params))
    if backend == "numba":
        function = _numba_function(source, name, params)
    else:
        filename = f"<symdiff-{backend}-{next(_counter)}>"
        function = _execute(source, filename, backend, _namespace("symdiff_generated"))[name]
        weakref.finalize(function, linecache.cache.pop, filename, None)
    # A method's TypeError for a wrong argument count counts self: say it is a method.
    function.__qualname__ = f"{CompiledFunction.__name__}.{name}"
    function.source = _standalone(source, name)
    function.args = spec[3]
    function.backend = backend
    return CompiledFunction(spec, function)


def _numba_function(source: str, name: str, params: tuple[str, ...]) -> Any:
    _numba_module()
    path = _write_cached(source)
    # numba reloads cached code by importing the function's module by name: register it.
    module = sys.modules.get(path.stem)
    if module is None or getattr(module, "__file__", None) != str(path):
        module = types.ModuleType(path.stem)
        module.__dict__.update(_namespace(path.stem, __file__=str(path)))
        sys.modules[path.stem] = module
        try:
            _execute(source, str(path), "numba", module.__dict__, register=False)
        except SymdiffError:
            del sys.modules[path.stem]
            raise
        except Exception as exc:  # numba's typing and lowering errors
            del sys.modules[path.stem]
            raise SymdiffError(f"numba could not compile the generated code: {exc}") from exc
    dispatcher = module.__dict__[name]
    try:  # the compiled entry point skips numba's type dispatch (explicit signature)
        entry = dispatcher.overloads[dispatcher.signatures[0]].entry_point
    except (AttributeError, IndexError, KeyError):
        entry = dispatcher
    for p in params:
        if not p.isidentifier() or keyword.iskeyword(p):
            raise SymdiffError(f"bad parameter name {p!r}")
    call = ", ".join(params)
    trampoline = f"def {name}({', '.join(['self', *params])}):\n    return _jit({call})\n"
    filename = f"<symdiff-numba-{next(_counter)}>"
    function = _execute(trampoline, filename, "math", _namespace(path.stem, _jit=entry),
                        extra=frozenset({"_jit"}))[name]
    weakref.finalize(function, linecache.cache.pop, filename, None)
    function.dispatcher = dispatcher
    return function


# --- public API ----------------------------------------------------------------------------


def _check_backend(backend: Any) -> str:
    if backend not in BACKENDS:
        raise SymdiffError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    return backend


def lambdify(args: Any, exprs: Any, backend: str = "math", *, name: str = "f"
             ) -> Callable[..., Any]:
    """A compiled function of ``args`` (symbols, in call order) computing ``exprs``.

    ``exprs`` is one expression (the function returns a float) or a sequence, possibly nested
    (it returns tuples of the same shape). Shared subexpressions are computed once. Backends:
    ``"math"`` (plain Python floats, same numbers as :meth:`Expr.evaluate`), ``"numpy"``
    (vectorized over arrays, with broadcasting) and ``"numba"`` (the same code compiled by
    ``numba.njit``, cached on disk). The result has ``.source``, ``.args`` and ``.backend``.

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
    """
    backend = _check_backend(backend)
    reserved = reserved_names()
    function = FunctionSource(check_function_name(name, reserved), check_args(args), exprs,
                              backend, reserved)
    source = module_text([function], backend, bound=backend != "numba")
    compiled = _rebuild(source, name, backend, function.args, tuple(function.params))
    return getattr(compiled, name)


def value_and_grad(expr: Any, wrt: Any, args: Any = None, backend: str = "math"
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
    expr = as_expr(expr)
    single = isinstance(wrt, Symbol)
    variables = (wrt,) if single else tuple(wrt)
    partials = grad(expr, variables)
    outputs = (expr, partials[0] if single else partials)
    return lambdify(variables if args is None else args, outputs, backend,
                    name="value_and_grad")


def module_source(functions: Mapping[str, Any], args: Any, backend: str = "math") -> str:
    """The source of a standalone module defining one function of ``args`` per entry of
    ``functions`` (name → expression or sequence of expressions). It imports only ``math``
    (``numpy`` for ``backend="numpy"``) and does not need symdiff.

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
    backend = _check_backend(backend)
    if not isinstance(functions, Mapping) or not functions:
        raise SymdiffError("functions must be a non-empty mapping from names to expressions")
    reserved = reserved_names()
    symbols = check_args(args)
    generated = [FunctionSource(check_function_name(name, reserved), symbols, exprs, backend,
                                reserved) for name, exprs in functions.items()]
    needs = " and ".join(IMPORTS[backend])
    source = module_text(generated, backend, bound=False,
                         docstring=f"Generated by symdiff. Needs only {needs}.")
    check_source(ast.parse(source), backend)
    return source


def write_module(path: str | os.PathLike[str], functions: Mapping[str, Any], args: Any,
                 backend: str = "math") -> Path:
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
