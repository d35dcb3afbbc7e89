"""The names in generated code: which a symbol may keep, and which modules and attributes the
code may use.

Symbol names are user data: a name is used verbatim only when it is a plain ASCII identifier
that means nothing else here (not a keyword, builtin, module, imported function, helper or
generated name); every other symbol becomes ``a<i>`` (:func:`identifiers`). The reserved
names and allowed attributes are computed from the op table's templates and helpers once per
state of the tables. :mod:`._pycode` writes the source with them; :mod:`._check` checks it.
"""

from __future__ import annotations

import ast
import builtins
import functools
import keyword
import re
from typing import Any

from .._errors import SymdiffError
from .._expr import Symbol
from .._ops import OPS, Op
from ._backends import BACKENDS, Backend, dotted_name, tables_version
from ._runtime import parse_ast

__all__ = ["allowed_modules", "reserved_names", "allowed_attributes", "identifiers",
           "check_function_name", "module_attributes"]


def allowed_modules() -> frozenset[str]:
    """Every module some backend's code may import (dotted, e.g. ``jax.numpy``)."""
    return frozenset(m for b in BACKENDS.values() for m in b.imports)


def _module_roots() -> frozenset[str]:
    return frozenset(m.split(".")[0] for m in allowed_modules())

# Names the generator itself uses; user symbols never take them.
_INTERNAL = frozenset({"self", "_shape", "_zeros", "_jit", "_out", "_array", "_w", "_done",
                       "_i", "_n"})
# Module attributes the generator itself uses, besides the op table's.
_OWN_ATTRIBUTES = frozenset({"asarray", "float64", "shape", "broadcast_shapes", "zeros", "njit",
                             "empty"})
_PLAIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_GENERATED_NAME = re.compile(r"[atv]\d+\Z")


def module_attributes(tree: ast.AST, modules: frozenset[str]) -> set[str]:
    """The attributes of ``modules`` that ``tree`` uses (``exp`` in ``math.exp(x)``)."""
    return {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
            and dotted_name(n.value) in modules}


@functools.lru_cache(maxsize=8)
def _table_facts(table: tuple[Op, ...], backends: tuple[Backend, ...], state: Any
                 ) -> tuple[frozenset[str], frozenset[str]]:
    """The global names that the backends' code for the op table uses (imported functions,
    helpers, builtins), and the module attributes it uses. ``state`` (the backends' own
    tables) only keys the cache."""
    names: set[str] = set()
    attributes: set[str] = set()
    modules = allowed_modules() | frozenset(m for b in backends for m in b.imports)
    for backend in backends:
        for op in table:
            marks = [f"_{i}" for i in range(op.arity)]
            template = backend.template(op)
            try:
                tree = parse_ast(template.format(*marks, m=backend.module), mode="eval")
                short = parse_ast(template.replace("{m}.", "").format(*marks, m=backend.module),
                                  mode="eval")
            except (SyntaxError, IndexError, KeyError, ValueError):
                pass  # reported when the template is used
            else:
                attributes |= module_attributes(tree, modules)
                names.update(n.id for n in ast.walk(short) if isinstance(n, ast.Name))
            try:
                module_tree = parse_ast(backend.helper(op).replace("{m}", backend.module))
            except SyntaxError:
                continue
            names.update(n.name for n in module_tree.body if isinstance(n, ast.FunctionDef))
            attributes |= module_attributes(module_tree, modules)
    return frozenset(names), frozenset(attributes)


def _state(backend: Backend | None) -> tuple[Any, ...]:
    """What the name sets below depend on: the tables' version, the extra backend (and the
    size of its tables) and the builtins (a notebook adds some)."""
    extra = None if backend is None else (backend, len(backend.code), len(backend.helpers))
    return (tables_version(), extra, len(vars(builtins)))


def _facts(extra: Backend | None = None) -> tuple[frozenset[str], frozenset[str]]:
    backends = tuple(BACKENDS.values())
    if extra is not None and extra not in backends:
        backends += (extra,)
    return _table_facts(tuple(OPS.values()), backends, _state(extra))


@functools.lru_cache(maxsize=16)
def _reserved(backend: Backend | None, state: Any) -> tuple[frozenset[str], frozenset[str]]:
    roots = _module_roots() | ({m.split(".")[0] for m in backend.imports} if backend else set())
    names, attributes = _facts(backend)
    return (frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))
            | roots | _INTERNAL | names), _OWN_ATTRIBUTES | attributes


def reserved_names(backend: Backend | None = None) -> frozenset[str]:
    """Names a symbol may not keep in generated code: keywords, builtins, modules, the names
    the backends' code for the op table uses and the generator's own. (Computed once per
    state of the tables, like :func:`allowed_attributes`: a compile asks for both.)"""
    return _reserved(backend, _state(backend))[0]


def allowed_attributes(backend: Backend | None = None) -> frozenset[str]:
    return _reserved(backend, _state(backend))[1]


def identifiers(args: tuple[Symbol, ...], reserved: frozenset[str], longest: int = 0
                 ) -> list[str]:
    """The Python identifier of each argument: its name if plain, free and not longer than
    ``longest`` (0: any length), else ``a<i>``."""
    return [s.name if _PLAIN_NAME.match(s.name) and not _GENERATED_NAME.match(s.name)
            and s.name not in reserved and (not longest or len(s.name) <= longest)
            else f"a{i}" for i, s in enumerate(args)]


def check_function_name(name: Any, reserved: frozenset[str]) -> str:
    """``name`` if it can name a generated function, else a :class:`SymdiffError`."""
    if not isinstance(name, str) or not _PLAIN_NAME.match(name) or name in reserved:
        raise SymdiffError(f"a generated function needs a plain identifier as its name that "
                           f"is not a keyword, builtin, module or helper name, not {name!r}")
    return name
