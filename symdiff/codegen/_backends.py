"""Backends as objects: each owns its per-op code table, its imports and its prologue.

A :class:`Backend` says everything the code generator needs to know about one target: the
module its templates call through ``{m}``, the modules generated code may import, how a
parameter is converted on entry (the prologue), whether it computes on arrays (so outputs that
do not depend on every argument are broadcast), and its own per-op templates and helper
functions. An op without an entry of its own takes the form the op declares for this family
(``op.python`` or ``op.numpy``), and a function without either takes the default by name,
``{m}.<name>(x)`` — so a function registered at run time compiles on every backend at once
(``numpy.erf`` does not exist, and the error then says so when the code runs).

``math``, ``numpy``, ``numba`` and ``jax`` below are four instances; :func:`get_backend` finds
one by name. This module writes no code: :mod:`._pycode` asks a backend for templates and
:mod:`._lambdify` asks it to compile what was written (:meth:`Backend.compile`).
"""

from __future__ import annotations

import ast
import functools
import importlib
import keyword
import sys
import threading
import time
import types
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .._errors import SymdiffError
from .._ops import Op, on_register
from ._runtime import (
    execute,
    file_lock,
    namespace,
    unique_name,
    unregister_when_freed,
    write_cached,
)

__all__ = ["Backend", "BACKENDS", "MATH", "NUMPY", "NUMBA", "JAX", "get_backend",
           "NUMBA_OPTIONS", "dotted_name", "PROGRESS_AFTER", "NUMBA_WARN_ABOVE",
           "tables_version"]

NUMBA_OPTIONS = 'cache=True, error_model="numpy"'
#: numba compiles that take longer than this many seconds print a progress line on stderr.
PROGRESS_AFTER = 3.0
#: Above this many lines of generated code, the numba backend warns that compiling takes
#: long (numba types and lowers every operation: about 1 ms each here, more on a loaded
#: machine); the math backend compiles the same program in a fraction of the time.
NUMBA_WARN_ABOVE = 20_000


class _Progress:
    """A line on stderr every few seconds while a long compile runs (none for short ones)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.start = time.perf_counter()
        self.done = threading.Event()
        self.printed = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        wait = PROGRESS_AFTER
        while not self.done.wait(wait):
            elapsed = time.perf_counter() - self.start
            print(f"symdiff: numba is compiling {self.what}: {elapsed:.0f} s so far",
                  file=sys.stderr, flush=True)
            self.printed = True
            wait = 10.0

    def stop(self) -> None:
        self.done.set()
        self.thread.join()
        if self.printed:
            print(f"symdiff: numba compiled {self.what} in "
                  f"{time.perf_counter() - self.start:.1f} s", file=sys.stderr, flush=True)
# What the code generator derives from the op table and the backends' tables (the names
# their code uses, each op's analysed template) is computed once per version of the tables:
# registering or unregistering an op, Backend.register / forget and a new backend change it.
_VERSION = [0]


def _tables_changed(*_: Any) -> None:
    _VERSION[0] += 1


def tables_version() -> tuple[Any, ...]:
    """A key that changes whenever the op table or a backend's table may have changed (the
    registered backends and the sizes of their tables count too, for tables written into
    directly)."""
    return (_VERSION[0], *((b, len(b.code), len(b.helpers)) for b in BACKENDS.values()))


#: How a backend has its source checked: ``check(tree, backend, extra_names)``.
Checker = Callable[[ast.Module, "Backend", frozenset[str]], None]


def dotted_name(node: ast.AST) -> str | None:
    """``"jax.numpy"`` for the expression ``jax.numpy``, ``"math"`` for ``math``, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


@dataclass(eq=False)
class Backend:
    """One target of the code generator.

    name: what ``lambdify(..., backend=name)`` calls it.
    module: the module the templates call through ``{m}`` (``"math"``, ``"jax.numpy"``).
    imports: every module generated code for this backend may import.
    family: which template the op table's entries offer it, ``"python"`` or ``"numpy"``.
    arrays: True for array backends: parameters pass through ``prologue``, operations on
    constants alone through ``constant``, and outputs broadcast to the inputs' shape.
    prologue: per parameter ``{p}``, the statement that converts it on entry.
    constant: the wrapper of an operand of an operation on constants alone (``{0}``), so that
    the backend's semantics (nan, inf, warnings) also hold there.
    requires: the package the backend needs, imported when it is first used.
    always_import: modules every generated module imports (numba, for its decorators).
    array_module: the module of ``output="array"``'s arrays; ``fills``: whether the function
    assigns into a preallocated array (False for immutable arrays: it stacks the outputs).
    code / helpers: the backend's own per-op templates and helper sources, by op name.
    max_name: the longest symbol name used verbatim in the code (0: no limit); longer names
    become ``a<i>``, as names that are not plain identifiers do.
    recovers: the generated function catches the exceptions of Python's float arithmetic
    (``ZeroDivisionError``, ``OverflowError``, ``ValueError``) and computes that point again
    on symdiff's evaluator, which gives ±inf for an overflow and a
    :class:`~symdiff.DomainError` naming the subexpression for a domain error (math: its code
    computes the evaluator's numbers, so the two agree wherever both return).
    """

    name: str
    module: str
    imports: tuple[str, ...]
    family: str = "python"
    arrays: bool = False
    prologue: str = ""
    constant: str = ""
    requires: str = ""
    always_import: tuple[str, ...] = ()
    array_module: str = "numpy"
    fills: bool = True
    code: dict[str, str] = field(default_factory=dict)
    helpers: dict[str, str] = field(default_factory=dict)
    max_name: int = 0
    recovers: bool = False

    def __repr__(self) -> str:
        return f"<symdiff backend {self.name}>"

    # --- the per-op table ------------------------------------------------------------------

    def register(self, name: str, code: str, helper: str = "") -> None:
        """Give the op ``name`` a template of this backend's own (and a helper it calls).
        (Change the table through this method and :meth:`forget`: the code generator keeps
        what it derives from the tables until they change.)"""
        self.code[name] = code
        if helper:
            self.helpers[name] = helper
        else:
            self.helpers.pop(name, None)
        _tables_changed()

    def forget(self, name: str) -> None:
        """Drop this backend's own template (and helper) for the op ``name``, if any."""
        self.code.pop(name, None)
        self.helpers.pop(name, None)
        _tables_changed()

    def template(self, op: Op) -> str:
        """The op's code template: this backend's own, else the op's for this family, else
        ``{m}.<name>(...)`` for a function."""
        own = self.code.get(op.name)
        if own is not None:
            return own
        declared = getattr(op, self.family, "")
        if declared:
            return declared
        if op.kind == "function" and not op.family:  # a family's ops have no code
            return f"{{m}}.{op.name}({', '.join(f'{{{i}}}' for i in range(op.arity))})"
        return ""

    def helper(self, op: Op) -> str:
        """The source of the helper function the op's template calls ("" if none)."""
        if op.name in self.code:
            return self.helpers.get(op.name, "")
        return getattr(op, "helper" if self.family == "python" else "numpy_helper", "")

    # --- compiling -------------------------------------------------------------------------

    @property
    def binds_self(self) -> bool:
        """Whether the generated function takes the unused ``self`` of a bound method
        itself (numba's cannot: a plain Python trampoline takes it instead)."""
        return True

    def compile(self, source: str, name: str, params: tuple[str, ...], check: Checker,
                vectors: tuple[bool, ...] = ()) -> Any:
        """The function ``name`` of ``source``, checked by ``check`` and run in a restricted
        namespace; its lines are registered in :mod:`linecache` while it lives."""
        self.load()
        filename = unique_name(self.name)
        space = namespace("symdiff_generated", frozenset(self.imports))
        function = execute(source, filename, lambda tree: check(tree, self, frozenset()),
                           space)[name]
        unregister_when_freed(function, filename)
        return function

    def load(self) -> Any:
        """Import the package the backend needs (a :class:`SymdiffError` if it is missing)."""
        if not self.requires:
            return None
        try:
            return importlib.import_module(self.requires)
        except ImportError:
            raise SymdiffError(f"backend={self.name!r} needs {self.requires}: "
                               f"pip install 'symdiff[fast]'") from None

    def decorate_helper(self, source: str) -> str:
        """A helper's source as this backend compiles it (numba adds ``@numba.njit``)."""
        return source

    def decorator(self, signature: str) -> str:
        """The decorator line of a generated function ("" for none)."""
        return ""

    @property
    def decorates(self) -> bool:
        return False


class _Numba(Backend):
    """numba: the math backend's code, compiled by ``numba.njit`` from a file on disk."""

    @property
    def binds_self(self) -> bool:
        return False

    def compile(self, source: str, name: str, params: tuple[str, ...], check: Checker,
                vectors: tuple[bool, ...] = ()) -> Any:
        self.load()
        lines = source.count("\n")
        if lines > NUMBA_WARN_ABOVE:
            warnings.warn(f"numba compiles {lines} lines of generated code slowly (about 1 ms "
                          f"per operation; more than {NUMBA_WARN_ABOVE} lines warns): the math "
                          f"backend compiles it in a fraction of the time", RuntimeWarning,
                          stacklevel=4)
        module = self.load_module(source, lambda tree: check(tree, self, frozenset()),
                                  f"{name} ({lines} lines)")
        dispatcher = module.__dict__[name]
        try:  # the compiled entry point skips numba's type dispatch (explicit signature)
            entry = dispatcher.overloads[dispatcher.signatures[0]].entry_point
        except (AttributeError, IndexError, KeyError):
            entry = dispatcher
        for p in params:
            if not p.isidentifier() or keyword.iskeyword(p):
                raise SymdiffError(f"bad parameter name {p!r}")
        # A vector parameter enters as a contiguous float64 array (what the signature says).
        call = ", ".join(f"_array({p})" if vector else p
                         for p, vector in zip(params, vectors or [False] * len(params),
                                              strict=True))
        trampoline = f"def {name}({', '.join(['self', *params])}):\n    return _jit({call})\n"
        filename = unique_name(self.name)
        import numpy

        space = namespace(module.__name__, frozenset({"numba"}), _jit=entry,
                          _array=functools.partial(numpy.ascontiguousarray, dtype=numpy.float64))
        function = execute(trampoline, filename,
                           lambda tree: check(tree, MATH, frozenset({"_jit", "_array"})),
                           space)[name]
        unregister_when_freed(function, filename)
        function.dispatcher = dispatcher
        return function

    def load_module(self, source: str, check: Callable[[ast.Module], None], what: str
                    ) -> types.ModuleType:
        """The module of ``source``, compiled by numba from its content-addressed file (numba's
        disk cache is keyed by the file), checked by ``check`` first; a progress line on
        stderr while a long compile runs. A module this process already loaded is reused."""
        path = write_cached(source)
        # numba reloads cached code by importing the function's module by name: register it
        # (under the file's lock, so a second thread never runs a half-registered module).
        with file_lock(path):
            module = sys.modules.get(path.stem)
            if module is None or getattr(module, "__file__", None) != str(path):
                module = types.ModuleType(path.stem)
                module.__dict__.update(namespace(path.stem, frozenset(self.imports),
                                                 __file__=str(path)))
                sys.modules[path.stem] = module
                progress = _Progress(what)
                try:
                    execute(source, str(path), check, module.__dict__, register=False)
                except SymdiffError:
                    del sys.modules[path.stem]
                    raise
                except Exception as exc:  # numba's typing and lowering errors
                    del sys.modules[path.stem]
                    raise SymdiffError(f"numba could not compile the generated code: "
                                       f"{exc}") from exc
                finally:
                    progress.stop()
        return module

    def decorate_helper(self, source: str) -> str:
        return "\n".join(f"@numba.njit({NUMBA_OPTIONS})\n{line}" if line.startswith("def ")
                         else line for line in source.split("\n"))

    def decorator(self, signature: str) -> str:
        return f'@numba.njit("{signature}", {NUMBA_OPTIONS})'

    @property
    def decorates(self) -> bool:
        return True


_JAX_SIGMOID = '''def _sigmoid(x):
    z = {m}.exp(-{m}.abs(x))
    return {m}.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))'''

#: Python floats: the evaluator's numbers bit for bit, and where Python's arithmetic raises
#: (OverflowError, a domain error) the evaluator's rule: ±inf, or a DomainError.
# The sigmoid written out, the helper's two branches as one conditional expression (the same
# floats bit for bit): a Python call per sigmoid cost about a fifth of the network gradient's
# time (issue 15, docs/benchmarks.md). numba keeps the helper (it cannot type a conditional
# inside a returned tuple).
_MATH_SIGMOID = ("(1.0 / (1.0 + {m}.exp(-{0})) if {0} >= 0 "
                 "else {m}.exp({0}) / (1.0 + {m}.exp({0})))")
MATH = Backend("math", "math", ("math", "numpy"), recovers=True,
               code={"sigmoid": _MATH_SIGMOID})
#: NumPy arrays with broadcasting; nan/inf and NumPy's warnings outside the domain.
NUMPY = Backend("numpy", "numpy", ("numpy", "math"), family="numpy", arrays=True,
                prologue="{p} = {m}.asarray({p}, {m}.float64)", constant="{m}.float64({0})")
# (LLVM fails on numba's argument names past about 1,020 characters, "redefinition of
# argument": longer symbol names are mangled.)
#: The math backend's code compiled by ``numba.njit(cache=True)``; IEEE nan/inf.
NUMBA = _Numba("numba", "math", ("math", "numba", "numpy"), requires="numba", max_name=255,
               always_import=("numba",))
#: ``jax.numpy``: the function can be ``jax.jit``-ed, ``jax.grad``-ed and ``jax.vmap``-ed
#: (float32 unless jax's x64 mode is on, as everywhere in JAX).
# NumPy lacks the special functions (its code applies math's element by element, which JAX
# cannot trace); jax.scipy.special has them (polygamma wants an integer order).
_JAX_SPECIAL = {"erf": "erf", "erfc": "erfc", "gamma": "gamma", "loggamma": "gammaln",
                "digamma": "digamma"}
_JAX_CODE = {"sigmoid": "_sigmoid({0})", "polygamma": "_polygamma({0}, {1})",
             **{op: f"_{op}({{0}})" for op in _JAX_SPECIAL}}
_JAX_HELPERS = {"sigmoid": _JAX_SIGMOID,
                "polygamma": "def _polygamma(n, x):\n"
                             "    return jax.scipy.special.polygamma({m}.int32(n), x)",
                **{op: f"def _{op}(x):\n    return jax.scipy.special.{name}(x)"
                   for op, name in _JAX_SPECIAL.items()}}
JAX = Backend("jax", "jax.numpy", ("jax", "jax.numpy", "jax.scipy", "jax.scipy.special"),
              family="numpy", arrays=True, prologue="{p} = {m}.asarray({p})",
              constant="{m}.asarray({0})", requires="jax", array_module="jax.numpy",
              fills=False, code=_JAX_CODE, helpers=_JAX_HELPERS)

#: The backends by name.
BACKENDS: dict[str, Backend] = {b.name: b for b in (MATH, NUMPY, NUMBA, JAX)}
on_register(_tables_changed, _tables_changed)


def get_backend(backend: Any) -> Backend:
    """A backend given by name or as a :class:`Backend`."""
    if isinstance(backend, Backend):
        return backend
    found = BACKENDS.get(backend) if isinstance(backend, str) else None
    if found is None:
        raise SymdiffError(f"unknown backend {backend!r}; choose one of "
                           f"{', '.join(BACKENDS)} or pass a symdiff.codegen.Backend")
    return found


