"""The check that generated source is safe to run: it accepts only what the generator emits.

Imports of the backend's modules, helper and function definitions with plain parameters
(numba's may carry ``@numba.njit``), single-name assignments and assignments to an element of
a local output array, ``if``/``return``, arithmetic, comparisons, calls of known names,
attributes of the imported modules that the backends' tables use, integer subscripts of
plain names (the elements of a vector parameter, the entries of an output array), and a
recovering backend's one ``try`` around a whole body, whose ``except`` only passes the
parameters to ``self._evaluate``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from .._errors import SymdiffError
from ._backends import Backend, dotted_name, get_backend
from ._names import allowed_attributes
from ._runtime import RECOVER, RECOVERED, SAFE_BUILTINS

__all__ = ["check_source"]


_EXPRESSIONS = (ast.BinOp, ast.UnaryOp, ast.Call, ast.Name, ast.Attribute, ast.Constant,
                ast.Tuple, ast.Compare, ast.IfExp, ast.BoolOp, ast.Load, ast.Store,
                ast.operator, ast.unaryop, ast.cmpop, ast.boolop, ast.Subscript)
# Vector parameters and the chunks' scratch vector: the only names read by subscript; the
# output array and the scratch vector: the only names written by subscript.
_VECTOR = re.compile(r"(v\d+|_w)\Z")
_OUTPUT = ("_out", "_w")


def _index(node: ast.AST) -> bool:
    """A literal index: a non-negative int, or a tuple of them; the point loop's ``_i``
    may stand for one of them."""
    items = node.elts if isinstance(node, ast.Tuple) else [node]
    return all((isinstance(i, ast.Constant) and type(i.value) is int and i.value >= 0)
               or (isinstance(i, ast.Name) and i.id == "_i") for i in items)


def _point_loop(statement: ast.stmt) -> bool:
    """``for _i in range(_n):`` (vectorised numba functions loop over points)."""
    return (isinstance(statement, ast.For) and not statement.orelse
            and isinstance(statement.target, ast.Name) and statement.target.id == "_i"
            and isinstance(statement.iter, ast.Call) and not statement.iter.keywords
            and isinstance(statement.iter.func, ast.Name) and statement.iter.func.id == "range"
            and len(statement.iter.args) == 1 and isinstance(statement.iter.args[0], ast.Name)
            and statement.iter.args[0].id == "_n")


def _recovery(statement: ast.stmt, params: list[str]) -> bool:
    """``try: ... except (<RECOVERED>): return self._evaluate(<params>)``
    (a recovering backend's body; ``self`` is the first of ``params``)."""
    if not (isinstance(statement, ast.Try) and len(statement.handlers) == 1
            and not statement.orelse and not statement.finalbody and params[:1] == ["self"]):
        return False
    handler = statement.handlers[0]
    kinds = handler.type
    if not (handler.name is None and isinstance(kinds, ast.Tuple)
            and [getattr(k, "id", None) for k in kinds.elts] == list(RECOVERED)
            and len(handler.body) == 1 and isinstance(handler.body[0], ast.Return)):
        return False
    call = handler.body[0].value
    return (isinstance(call, ast.Call) and not call.keywords
            and isinstance(call.func, ast.Attribute) and call.func.attr == RECOVER
            and isinstance(call.func.value, ast.Name) and call.func.value.id == "self"
            and [getattr(a, "id", None) for a in call.args] == params[1:])


def _reject(node: ast.AST, why: str) -> SymdiffError:
    return SymdiffError(f"generated code failed the safety check at line "
                        f"{getattr(node, 'lineno', '?')}: {why}")


def _is_docstring(statement: ast.stmt) -> bool:
    return (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str))


def _walk(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node under ``tree`` (faster than :func:`ast.walk`; the order does not matter)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, ast.AST):
                stack.append(value)
            elif isinstance(value, list):
                stack.extend(item for item in value if isinstance(item, ast.AST))


def _check_expression(tree: ast.AST, names: set[str], modules: set[str],
                      attributes: frozenset[str], strings: bool = False) -> None:
    for node in _walk(tree):
        if isinstance(node, ast.keyword) and strings:
            if node.arg is None:
                raise _reject(node, "** arguments")
            continue
        if not isinstance(node, _EXPRESSIONS):
            raise _reject(node, f"{type(node).__name__} is not allowed")
        if isinstance(node, ast.Name):
            if node.id.startswith("__") or node.id not in names:
                raise _reject(node, f"unknown name {node.id!r}")
        elif isinstance(node, ast.Attribute):
            # math.exp, jax.numpy.exp (and the inner jax.numpy, a module of its own)
            if not (dotted_name(node.value) in modules and (
                    node.attr in attributes or f"{dotted_name(node.value)}.{node.attr}"
                    in modules)):
                raise _reject(node, f"attribute {node.attr!r} (only the functions the op "
                                    f"table uses, of math, numpy or numba)")
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, (ast.Name, ast.Attribute)) or (
                    node.keywords and not strings):
                raise _reject(node, "only plain calls of functions")
        elif isinstance(node, ast.Subscript):
            if not (isinstance(node.value, ast.Name) and _VECTOR.match(node.value.id)
                    and isinstance(node.ctx, ast.Load) and _index(node.slice)):
                raise _reject(node, "subscripts other than an element of a vector parameter")
        elif isinstance(node, ast.Constant):
            value = node.value
            if (isinstance(value, bool) and not strings) or not isinstance(
                    value, (int, float, str) if strings else (int, float)):
                raise _reject(node, f"constant {value!r}")


def _check_statements(body: list[ast.stmt], names: set[str], modules: set[str],
                      attributes: frozenset[str], params: list[str] | None = None) -> None:
    for statement in body:
        if params is not None and len(body) == 1 and _recovery(statement, params):
            assert isinstance(statement, ast.Try)
            _check_statements(statement.body, names, modules, attributes)
            continue
        if isinstance(statement, ast.Assign):
            target = statement.targets[0] if len(statement.targets) == 1 else None
            if not (isinstance(target, ast.Name) or (
                    isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
                    and target.value.id in _OUTPUT and _index(target.slice))):
                raise _reject(statement, "only assignments to one name or output element")
            _check_expression(statement.value, names, modules, attributes)
        elif isinstance(statement, ast.Return) and statement.value is not None:
            _check_expression(statement.value, names, modules, attributes)
        elif _point_loop(statement):
            assert isinstance(statement, ast.For)
            _check_statements(statement.body, names, modules, attributes)
        elif isinstance(statement, ast.If) or (
                isinstance(statement, ast.While) and not statement.orelse):
            # while: the op table's helpers iterate (polygamma's recurrence)
            _check_expression(statement.test, names, modules, attributes)
            _check_statements(statement.body, names, modules, attributes)
            _check_statements(statement.orelse, names, modules, attributes)
        else:
            raise _reject(statement, f"{type(statement).__name__} statement")


def check_source(tree: ast.Module, backend: Backend | str,
                 extra: frozenset[str] = frozenset()) -> None:
    """Raise unless ``tree`` is made only of what the generator emits (see module doc)."""
    backend = get_backend(backend)
    modules: set[str] = set()
    attributes = allowed_attributes(backend)
    functions = {s.name for s in tree.body if isinstance(s, ast.FunctionDef)}
    globals_ = set(SAFE_BUILTINS) | functions | extra
    for index, statement in enumerate(tree.body):
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.name not in backend.imports or alias.asname is not None:
                    raise _reject(statement, f"import of {alias.name!r}")
                modules.add(alias.name)
                modules.add(alias.name.split(".")[0])  # import jax.numpy binds jax
        elif isinstance(statement, ast.ImportFrom):
            if statement.module not in backend.imports or statement.level:
                raise _reject(statement, f"import from {statement.module!r}")
            for alias in statement.names:
                if alias.name not in attributes or alias.asname is not None:
                    raise _reject(statement, f"import of {alias.name!r}")
                globals_.add(alias.name)
        elif isinstance(statement, ast.FunctionDef):
            args = statement.args
            if (args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs
                    or args.defaults or statement.returns
                    or any(a.annotation for a in args.args)):
                raise _reject(statement, "only plain positional parameters")
            for decorator in statement.decorator_list:
                if not backend.decorates or not (
                        isinstance(decorator, ast.Call)
                        and isinstance(decorator.func, ast.Attribute)
                        and decorator.func.attr == "njit"):
                    raise _reject(decorator, "decorator")
                _check_expression(decorator, {"numba"}, {"numba"}, attributes, strings=True)
            local = {a.arg for a in args.args}
            local |= {n.id for n in _walk(statement) if isinstance(n, ast.Name)
                      and isinstance(n.ctx, ast.Store)}
            if any(name.startswith("__") for name in local):
                raise _reject(statement, "dunder names")
            _check_statements(statement.body, local | globals_ | modules, modules, attributes,
                              [a.arg for a in args.args])
        elif not (index == 0 and _is_docstring(statement)):
            raise _reject(statement, f"{type(statement).__name__} at module level")
