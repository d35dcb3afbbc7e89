"""Running generated code: a restricted namespace, checked compilation, the on-disk cache.

Generated source is parsed, checked (by the caller's checker: :func:`._pycode.check_source`),
compiled under a unique file name registered in :mod:`linecache` (so tracebacks and
:func:`inspect.getsource` show it) and run with builtins cut down to a few pure functions and an
``__import__`` that knows only the backends' modules.

The numba backend compiles from a module file (numba's cache is keyed by file): the file is
content-addressed and written whole — a temporary file in the same directory, then
:func:`os.replace` — so threads and processes that compile the same code at once never see a
half-written file, and a lock per file keeps one thread from executing a module another is
still registering.
"""

from __future__ import annotations

import ast
import atexit
import builtins
import hashlib
import itertools
import linecache
import os
import shutil
import tempfile
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .._errors import SymdiffError
from .._evaluation import FLOAT_ERRORS

__all__ = ["namespace", "execute", "cache_dir", "write_cached", "file_lock", "unique_name",
           "SAFE_BUILTINS", "AST_LOCK", "parse_ast", "unregister_when_freed", "RECOVERED",
           "RECOVER"]

#: The only builtins generated code may name: pure functions of numbers.
SAFE_BUILTINS = frozenset({"abs", "min", "max", "float", "int", "round", "pow", "bool"})
#: The exceptions a recovering backend's function (math's) catches, in its one ``except``
#: clause, to evaluate that point again on symdiff's evaluator: ``return self._evaluate(...)``
#: (:data:`RECOVER`); the evaluator's own (``FLOAT_ERRORS``), which it classifies. Python
#: 3.11's ``try`` costs nothing until it raises.
RECOVERED = tuple(error.__name__ for error in FLOAT_ERRORS)
RECOVER = "_evaluate"
_counter = itertools.count()
_locks_guard = threading.Lock()
_locks: dict[str, threading.Lock] = {}
# CPython 3.11 keeps the AST converters' recursion depth in per-interpreter state, so two
# threads parsing or compiling ASTs at once can fail with "SystemError: AST constructor
# recursion depth mismatch". Every ast.parse and compile of an AST in codegen holds this lock.
AST_LOCK = threading.RLock()


# Generated functions whose linecache entry goes when they are freed. The weak references'
# callback is list.append (C): a Python callback (weakref.finalize) is run by the collector
# at any moment, and a Ctrl-C landing in it is printed as "Exception ignored" and lost.
_SOURCES: dict[weakref.ref[Any], str] = {}
_FREED: list[weakref.ref[Any]] = []


def unregister_when_freed(function: Any, filename: str) -> None:
    """Drop ``filename`` from :mod:`linecache` once ``function`` is freed (at a later call)."""
    while _FREED:
        try:
            freed = _FREED.pop()
        except IndexError:  # another thread took the last one
            break
        linecache.cache.pop(_SOURCES.pop(freed, ""), None)
    _SOURCES[weakref.ref(function, _FREED.append)] = filename


def parse_ast(source: str, *args: Any, **kwargs: Any) -> Any:
    """:func:`ast.parse` under :data:`AST_LOCK`."""
    with AST_LOCK:
        return ast.parse(source, *args, **kwargs)


def unique_name(kind: str) -> str:
    """A file name no other generated function has: ``<symdiff-numpy-17>``."""
    return f"<symdiff-{kind}-{next(_counter)}>"


def _restricted_import(allowed: frozenset[str]) -> Callable[..., Any]:
    def restricted(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (),
                   level: int = 0) -> Any:
        # Submodules too: numba's compiled code imports numba.core.serialize to box arrays.
        if level != 0 or not (name in allowed or any(name.startswith(m + ".")
                                                      for m in allowed)):
            raise ImportError(f"generated code may import only {', '.join(sorted(allowed))}, "
                              f"not {name!r}")
        # fromlist matters for "from jax.numpy import exp" (the submodule, not jax).
        return builtins.__import__(name, None, None, fromlist or (), 0)

    return restricted


def namespace(name: str, allowed: frozenset[str], **extra: Any) -> dict[str, Any]:
    """Module globals for generated code: safe builtins and a restricted ``__import__``."""
    safe: dict[str, Any] = {n: getattr(builtins, n) for n in SAFE_BUILTINS}
    safe["__import__"] = _restricted_import(allowed)
    safe.update({n: getattr(builtins, n) for n in RECOVERED})  # named only by the except
    return {"__builtins__": safe, "__name__": name, **extra}


def execute(source: str, filename: str, check: Callable[[ast.Module], None],
            space: dict[str, Any], register: bool = True) -> dict[str, Any]:
    """Parse, check, compile and run ``source`` in ``space``; its lines go into
    :mod:`linecache` (unless ``register`` is false: numba's files are real files)."""
    try:
        tree = parse_ast(source, filename)
    except (SyntaxError, RecursionError, MemoryError) as exc:
        raise SymdiffError(f"generated code does not parse: {exc}") from None
    check(tree)
    with AST_LOCK:
        code = compile(tree, filename, "exec")
    if register:
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    try:
        exec(code, space)
    except ImportError as exc:  # e.g. an op template that calls a function math lacks
        raise SymdiffError(f"generated code does not run: {exc}") from exc
    return space


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


def file_lock(path: Path) -> threading.Lock:
    """The lock of one generated module file (one per path, for this process)."""
    with _locks_guard:
        return _locks.setdefault(str(path), threading.Lock())


_FALLBACK: list[Path] = []


def _fallback_dir() -> Path:
    """Where generated modules go when the cache folder cannot be written: one temporary
    folder per process, removed when the process exits (a folder per compile was left in
    /tmp before)."""
    with _locks_guard:
        if not _FALLBACK:
            folder = Path(tempfile.mkdtemp(prefix="symdiff-"))
            atexit.register(shutil.rmtree, folder, True)
            _FALLBACK.append(folder)
        return _FALLBACK[0]


def write_cached(source: str) -> Path:
    """The module file holding ``source`` (content-addressed, so numba's cache stays valid),
    written whole or not at all: a private temporary file in the same directory, renamed."""
    file_name = f"symdiff_{hashlib.sha256(source.encode()).hexdigest()[:24]}.py"
    for directory in (cache_dir(), None):
        try:
            folder = _fallback_dir() if directory is None else directory
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / file_name
            if not path.exists() or path.read_text(encoding="utf-8") != source:
                handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp",
                                                     dir=folder)
                try:
                    with os.fdopen(handle, "w", encoding="utf-8") as stream:
                        stream.write(source)
                    os.replace(temporary, path)
                except BaseException:
                    Path(temporary).unlink(missing_ok=True)
                    raise
            return path
        except OSError:
            continue
    raise SymdiffError("the numba backend could not write its generated module anywhere")
