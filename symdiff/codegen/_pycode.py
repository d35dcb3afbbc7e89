"""Python source for straight-line programs, and the check that such source is safe to run.

:class:`FunctionSource` prints the three-address program of :func:`symdiff.cse` (every operation
in topological order) as the body of a Python function. Every operation's code comes from the op
table's ``python``/``numpy`` templates and helper sources (this module knows no op by name); a
template is analysed once (with :mod:`ast`) for the precedence of what it produces and the
precedence each operand needs, so that an operation used only once can be written inline into
the expression that uses it, with exactly the parentheses it needs, down to a bounded depth
(:data:`MAX_INLINE_DEPTH`). Large programs reuse the names of dead temporaries
(:data:`REUSE_NAMES_ABOVE`). Neither changes an operation or its operands, so the numbers are
the evaluator's, bit for bit.

Symbol names are user data: a name is used verbatim only when it is a plain ASCII identifier
that means nothing else here (not a keyword, builtin, module, imported function, helper or
generated name; see :mod:`._names`); every other symbol becomes ``a<i>`` and is named in a
comment through ``repr``. :func:`check_source` then accepts only what the generator emits:
imports of the backend's modules, helper and function definitions with plain parameters,
single-name assignments, ``if``/``return``, arithmetic, comparisons and calls of known names.

The code generator (``codegen``) compiles and runs this source; this module only writes it.
"""

from __future__ import annotations

import ast
import functools
import numbers
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from .._errors import ConversionError, SymdiffError
from .._expr import Expr, Symbol, as_expr
from .._ops import Op
from .._program import Program, lower
from . import _tape
from ._backends import Backend
from ._names import (
    allowed_attributes,
    allowed_modules,
    check_function_name,
    identifiers,
    module_attributes,
    reserved_names,
)
from ._runtime import RECOVER, RECOVERED, parse_ast

__all__ = ["FunctionSource", "module_text", "reserved_names", "check_args", "Arg",
           "check_function_name", "allowed_modules", "allowed_attributes", "MAX_INLINE_DEPTH",
           "REUSE_NAMES_ABOVE", "OUTPUTS"]

#: What a generated function returns: nested tuples as the outputs are nested, or one array.
OUTPUTS = ("tuple", "array")
#: One parameter: a symbol (a number), or a tuple of symbols (one array of numbers).
Arg = Symbol | tuple[Symbol, ...]
_MAX_NESTING = 32


# --- arguments and outputs -----------------------------------------------------------------


def check_args(args: Any) -> tuple[Arg, ...]:
    """``args`` as a tuple of parameters: each a symbol, or a sequence of symbols that is one
    array parameter (SymPy's nested-args convention). A single symbol is accepted too. Every
    symbol appears once."""
    if isinstance(args, Symbol):
        return (args,)
    if isinstance(args, (str, bytes)) or not isinstance(args, Iterable):
        raise ConversionError(f"args must be a symbol or a sequence of symbols, not {args!r}")
    result: list[Arg] = []
    seen: set[Symbol] = set()
    for arg in args:
        if isinstance(arg, Symbol):
            members: tuple[Any, ...] = (arg,)
            result.append(arg)
        elif isinstance(arg, Iterable) and not isinstance(arg, (str, bytes, Expr)):
            members = tuple(arg)
            result.append(members)
        else:
            members = (arg,)
        for member in members:
            if not isinstance(member, Symbol):
                raise ConversionError(f"every argument must be a symbol or a sequence of "
                                      f"symbols (one array parameter), not {member!r}")
            if member in seen:
                raise SymdiffError(f"argument {member.name!r} appears more than once in args")
            seen.add(member)
    return tuple(result)


def output_shape(structure: Any) -> tuple[int, ...]:
    """The array shape of a nesting of outputs (``()`` for one expression); it must be
    rectangular."""
    if isinstance(structure, int):
        return ()
    shapes = {output_shape(s) for s in structure}
    if len(shapes) > 1:
        raise SymdiffError("output='array' needs outputs nested as a rectangular array; "
                           f"these rows have shapes {sorted(shapes)}")
    return (len(structure), *(shapes.pop() if shapes else ()))


def _leaves(structure: Any) -> list[tuple[tuple[int, ...], int]]:
    """(index in the array, output number) of every output, in order (iteratively)."""
    found: list[tuple[tuple[int, ...], int]] = []
    stack: list[tuple[tuple[int, ...], Any]] = [((), structure)]
    while stack:
        index, item = stack.pop()
        if isinstance(item, int):
            found.append((index, item))
        else:
            stack.extend((((*index, k), s) for k, s in reversed(list(enumerate(item)))))
    return found


def _flatten(exprs: Any, roots: list[Expr], depth: int = 0) -> Any:
    """Append the expressions of ``exprs`` to ``roots``; return its structure: an index for
    one expression, a list of structures for a sequence."""
    if isinstance(exprs, (Expr, numbers.Number, str, bytes, Mapping)):
        roots.append(as_expr(exprs))
        return len(roots) - 1
    if not isinstance(exprs, Iterable):
        roots.append(as_expr(exprs))  # raises a ConversionError that names the value
    if depth >= _MAX_NESTING:
        raise SymdiffError(f"outputs are nested more than {_MAX_NESTING} levels deep")
    return [_flatten(item, roots, depth + 1) for item in exprs]


def _output_text(structure: Any, codes: list[str], top: bool = True) -> str:
    if isinstance(structure, int):
        return codes[structure]
    items = [_output_text(s, codes, False) for s in structure]
    if len(items) == 1:
        return f"({items[0]},)"
    if top and items:
        return ", ".join(items)
    return "(" + ", ".join(items) + ")"


def _literal(value: Any) -> str:
    """A constant as a float literal (the evaluator computes every constant as a float)."""
    try:
        return repr(float(value))
    except OverflowError:
        raise SymdiffError(f"an exact constant of {int(value).bit_length():,} bits is too large "
                           "for a float") from None


# --- templates: where an operand may stand without parentheses ----------------------------

# Python's binding strengths, loosest first (as in the grammar and ast.unparse).
_TUPLE, _TEST, _OR, _AND, _NOT, _CMP, _BOR, _BXOR, _BAND, _SHIFT, _ARITH, _TERM, _FACTOR, \
    _POWER, _AWAIT, _ATOM = range(16)
_BINARY = {ast.Add: _ARITH, ast.Sub: _ARITH, ast.Mult: _TERM, ast.Div: _TERM,
           ast.FloorDiv: _TERM, ast.Mod: _TERM, ast.MatMult: _TERM, ast.Pow: _POWER,
           ast.LShift: _SHIFT, ast.RShift: _SHIFT, ast.BitOr: _BOR, ast.BitXor: _BXOR,
           ast.BitAnd: _BAND}
#: Single-use operations are written inline into the one expression that uses them, down to
#: this depth; deeper chains are cut into statements, so Python's compiler never recurses far.
MAX_INLINE_DEPTH = 12


def _precedence(node: ast.AST) -> int:
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)]
    if isinstance(node, ast.UnaryOp):
        return _NOT if isinstance(node.op, ast.Not) else _FACTOR
    if isinstance(node, ast.Compare):
        return _CMP
    if isinstance(node, ast.BoolOp):
        return _AND if isinstance(node.op, ast.And) else _OR
    if isinstance(node, (ast.IfExp, ast.Lambda, ast.NamedExpr)):
        return _TEST
    if isinstance(node, ast.Tuple):
        return _TUPLE
    return _ATOM


def _needs(parent: ast.AST, child: ast.AST) -> int:
    """The least precedence ``child`` may have to stand unparenthesized under ``parent``."""
    if isinstance(parent, ast.BinOp):
        p = _BINARY[type(parent.op)]
        if p == _POWER:  # right-associative, and -x ** y means -(x ** y)
            return _AWAIT if child is parent.left else _FACTOR
        return p if child is parent.left else p + 1
    if isinstance(parent, ast.UnaryOp):
        return _NOT if isinstance(parent.op, ast.Not) else _FACTOR
    if isinstance(parent, ast.Compare):
        return _CMP + 1
    if isinstance(parent, ast.BoolOp):
        return _precedence(parent) + 1
    if isinstance(parent, ast.IfExp):
        return _TEST if child is parent.orelse else _TEST + 1
    if isinstance(parent, (ast.Call, ast.keyword, ast.Tuple, ast.List)) and not (
            isinstance(parent, ast.Call) and child is parent.func):
        return _TEST
    return _ATOM


class _Template:
    """An op's code template, analysed once: the precedence of what it produces and, per
    operand, the precedence the operand needs and whether it appears exactly once."""

    def __init__(self, op: Op, backend: str, module: str, text: str) -> None:
        self.op = op
        self.module = module
        if not text:
            if op.family:  # an undefined function: its doc says to substitute it first
                raise SymdiffError(f"cannot compile {op.name}(...): {op.doc}")
            raise SymdiffError(f"op {op.name!r} has no {backend} code template")
        # The module's functions are imported by name (from math import exp): shorter code,
        # and a global lookup instead of a global and an attribute lookup per call.
        self.text = text.replace("{m}.", "")
        marks = [f"_symdiff_operand_{i}" for i in range(op.arity)]
        try:
            tree = parse_ast(self.text.format(*marks, m=self.module), mode="eval").body
            full = parse_ast(text.format(*marks, m=self.module), mode="eval")
        except (IndexError, KeyError, ValueError, SyntaxError):
            raise SymdiffError(f"op {op.name!r} has a bad {backend} template: "
                               f"{text!r}") from None
        self.imports = sorted(module_attributes(full, frozenset({self.module})))
        # The default template {m}.<name> of an op registered without one: say so now, not
        # as an ImportError from the generated code (a module not yet imported is checked
        # when the code runs).
        loaded = sys.modules.get(self.module)
        missing = [a for a in self.imports if loaded is not None and not hasattr(loaded, a)]
        if missing:
            raise SymdiffError(
                f"op {op.name!r} has no code for the {backend} backend: {self.module} has no "
                f"{missing[0]!r}; give a template when registering it (register_op(..., "
                f"{backend}=\"...\")) or with the backend's register")
        self.precedence = _precedence(tree)
        needs = [_TUPLE] * op.arity
        counts = [0] * op.arity
        stack: list[ast.AST] = [tree]
        while stack:
            parent = stack.pop()
            for child in ast.iter_child_nodes(parent):
                if isinstance(child, ast.Name) and child.id in marks:
                    i = marks.index(child.id)
                    counts[i] += 1
                    needs[i] = max(needs[i], _needs(parent, child))
                stack.append(child)
        if isinstance(tree, ast.Name) and tree.id in marks:  # the identity template "{0}"
            counts[marks.index(tree.id)] += 1
        self.needs = needs
        self.once = [c == 1 for c in counts]

    def format(self, operands: list[str]) -> str:
        return self.text.format(*operands, m=self.module)


# Parsing a template costs more than the rest of a small compile: each is analysed once per
# text (a template that changes is a new key; errors are not cached, so they repeat).
_analysed = functools.lru_cache(maxsize=1024)(_Template)


def _template(op: Op, backend: Backend) -> _Template:
    """The op's template for ``backend``, analysed (:class:`_Template`)."""
    return _analysed(op, backend.name, backend.module, backend.template(op))


# --- the straight-line body ----------------------------------------------------------------


#: Programs with more temporaries than this reuse the names of dead ones, so that Python frees
#: each intermediate float (or array) as soon as it is no longer needed: a smaller working set
#: that is markedly faster for large programs, and the only way NumPy code on large arrays fits
#: in memory. Smaller programs keep one name per value, which reads better.
REUSE_NAMES_ABOVE = 100

# While statements are generated, a reference to a temporary is written as this marker
# around its slot number; names are given afterwards, by liveness (no code contains \x00).
_REF = "\x00"


def _name_temporaries(statements: list[tuple[int, str]], outputs: list[str], reuse: bool
                      ) -> tuple[list[str], list[str]]:
    """Give the temporaries (slots) of ``statements`` their names: ``t0, t1 …`` in order of
    definition, or, with ``reuse``, the name of a temporary whose value is dead."""
    pieces = [text.split(_REF) for _, text in statements]
    output_pieces = [text.split(_REF) for text in outputs]
    last: dict[int, int] = {}
    for i, parts in enumerate(pieces):
        for ref in parts[1::2]:
            last[int(ref)] = i
    for parts in output_pieces:
        for ref in parts[1::2]:
            last[int(ref)] = len(statements)
    name: dict[int, str] = {}
    free: list[str] = []
    count = 0

    def text_of(parts: list[str]) -> str:
        return "".join(name[int(p)] if k % 2 else p for k, p in enumerate(parts))

    lines = []
    for i, ((slot, _), parts) in enumerate(zip(statements, pieces, strict=True)):
        text = text_of(parts)
        if reuse:
            free.extend(name[ref] for ref in sorted({int(r) for r in parts[1::2]})
                        if last[ref] == i)
        if free:
            target = free.pop()
        else:
            target, count = f"t{count}", count + 1
        name[slot] = target
        lines.append(f"{target} = {text}")
    return lines, [text_of(parts) for parts in output_pieces]


class FunctionSource:
    """One generated function: its statements, return expression and the ops it uses,
    written from the program IR of its outputs (:func:`symdiff._program.lower`).

    ``args`` are the parameters (symbols, or tuples of symbols taking one array each);
    ``output`` is ``"tuple"`` (nested as ``exprs``) or ``"array"`` (one array of that shape,
    and on array backends of that shape followed by the inputs' broadcast shape).
    """

    def __init__(self, name: str, args: tuple[Arg, ...], exprs: Any, backend: Backend,
                 reserved: frozenset[str], output: str = "tuple", vectorize: bool = False,
                 tape: bool | None = None) -> None:
        if output not in OUTPUTS:
            raise SymdiffError(f"output must be one of {', '.join(OUTPUTS)}, not {output!r}")
        self.name = name
        self.args = args
        self.backend = backend
        self.output = output
        self.symbols = tuple(s for a in args for s in (a if isinstance(a, tuple) else (a,)))
        # each symbol's name in the code
        self.names = identifiers(self.symbols, reserved, backend.max_name)
        # vectorize: a loop over points, every parameter an array (a row per point for a
        # vector), the outputs stored into _out[k, _i] (numba; see ._vectorize).
        self.vectorize = vectorize
        self.params = []
        position = 0
        for i, a in enumerate(args):
            self.params.append(self.names[position] if isinstance(a, Symbol) and not vectorize
                               else f"v{i}")
            position += 1 if isinstance(a, Symbol) else len(a)
        self.vectors = [isinstance(a, tuple) for a in args]
        roots: list[Expr] = []
        self.structure = _flatten(exprs, roots)
        self.shape = output_shape(self.structure) if output == "array" else None
        try:
            program = lower(roots, inputs=self.symbols)
        except SymdiffError:
            arg_set = set(self.symbols)
            missing = sorted({s.name for s in lower(roots).inputs if s not in arg_set})
            raise SymdiffError(f"the expression depends on {', '.join(map(repr, missing))}, "
                               f"which {'is' if len(missing) == 1 else 'are'} not among args"
                               ) from None
        self.ops: dict[Op, None] = {}
        self.imports: dict[str, None] = {}
        self.elements: dict[str, str] = {}  # vector element name -> its read (x3: v0[2])
        self.program = program
        # numba runs long programs on a tape (._tape) instead of straight-line code: with
        # tape=None when the code would cost more than TAPE_ABOVE lines (written only if
        # its lower bound does not already say so).
        # (tuple outputs are one return line; each store into an output array counts more)
        weight = _tape.STORE_WEIGHT if vectorize or self.shape is not None else 0
        self.on_tape = backend.decorates and (tape if tape is not None else _tape.statements(
            program, weight) > _tape.TAPE_ABOVE)
        self.body = [] if self.on_tape else self._statements(program)
        if backend.decorates and tape is None and not self.on_tape and (
                len(self.body) + weight * len(self.outputs) > _tape.TAPE_ABOVE):
            self.on_tape, self.body = True, []

    def _statements(self, program: Program) -> list[str]:
        """One statement per operation of the program, except that an operation used once
        is written into its user's expression (to a bounded depth)."""
        backend = self.backend
        prologue = [backend.prologue.format(p=p, m=backend.module) for p in self.params
                    ] if backend.prologue else []
        named = iter(self.names)
        for parameter, param in zip(self.args, self.params, strict=True):
            point = "_i, " if self.vectorize else ""
            if isinstance(parameter, tuple):  # a vector parameter: name its elements
                for k in range(len(parameter)):
                    element = next(named)
                    self.elements[element] = f"{param}[{point}{k}]"
                    prologue.append(f"{element} = {param}[{point}{k}]")
            elif self.vectorize:
                prologue.append(f"{next(named)} = {param}[_i]")
            else:
                next(named)
        # slot -> (code, precedence, inline depth); names and literals have depth 0.
        code: list[tuple[str, int, int]] = [(p, _ATOM, 0) for p in self.names]
        for c in program.constants:
            text = _literal(c.value)
            code.append((text, _FACTOR if text.startswith("-") else _ATOM, 0))
        code.extend([("", 0, 0)] * len(program.equations))
        is_constant = [False] * len(self.names) + [True] * len(program.constants)
        is_constant.extend([False] * len(program.equations))
        uses = program.uses
        templates: dict[Op, _Template] = {}
        statements: list[tuple[int, str]] = []

        def name(slot: int, text: str) -> tuple[str, int, int]:
            statements.append((slot, text))
            code[slot] = (f"{_REF}{slot}{_REF}", _ATOM, 0)
            return code[slot]

        for out, op, args, _ in program.equations:
            template = templates.get(op) or templates.setdefault(op, _template(op, backend))
            parts, depth = [], 0
            # NumPy semantics (inf, nan, warnings) also for an operation on constants alone,
            # which Python would otherwise compute (and raise on) with its own floats.
            wrap = backend.constant and all(is_constant[a] for a in args)
            for i, a in enumerate(args):
                text, precedence, d = code[a]
                if wrap:
                    text, precedence = backend.constant.format(text, m=backend.module), _ATOM
                if d and (not template.once[i] or d >= MAX_INLINE_DEPTH):
                    text, precedence, d = name(a, text)
                if precedence < template.needs[i]:
                    text = f"({text})"
                parts.append(text)
                depth = max(depth, d)
            text = template.format(parts)
            self.imports.update(dict.fromkeys(template.imports))
            if uses[out] == 1:
                code[out] = (text, template.precedence, depth + 1)
            else:
                name(out, text)
            self.ops[op] = None
        outputs = [code[s][:2] for s in program.output_slots]
        broadcast = self._broadcast(program, outputs) if backend.arrays else []
        outputs_text = [f"({text})" if precedence < _TEST else text
                        for text, precedence in outputs]
        lines, self.outputs = _name_temporaries(statements, outputs_text,
                                                len(statements) > REUSE_NAMES_ABOVE)
        return prologue + lines + broadcast

    def _broadcast(self, program: Program, outputs: list[tuple[str, int]]) -> list[str]:
        """Make outputs that do not depend on every argument broadcast to the inputs' shape."""
        mask = [1 << i for i in range(len(self.symbols))] + [0] * (
            len(program.constants) + len(program.equations))
        for out, _, args, _ in program.equations:
            m = 0
            for a in args:
                m |= mask[a]
            mask[out] = m
        full = (1 << len(self.symbols)) - 1
        partial = [i for i, s in enumerate(program.output_slots) if mask[s] != full]
        module = self.backend.module
        shapes = ", ".join(f"{module}.shape({p})" for p in self.names)
        shape_line = f"_shape = {module}.broadcast_shapes({shapes})"
        if self.output == "array" and self.backend.fills:
            return [shape_line]  # assigning into the output array broadcasts
        if not partial:
            return []
        for i in partial:
            text, precedence = outputs[i]
            outputs[i] = (f"({text})" if precedence < _ARITH else text) + " + _zeros", _ARITH
        return [shape_line, f"_zeros = {module}.zeros(_shape)"]

    def lines(self, bound: bool, decorator: str = "", recover: bool = False) -> list[str]:
        """The function's lines; ``recover`` (a bound function only): the body in a ``try``
        whose one ``except`` evaluates the point again on symdiff's evaluator
        (``self._evaluate``, see :class:`symdiff.codegen.CompiledFunction`)."""
        params = ["self", *self.params] if bound else self.params
        lines: list[str] = []
        body = [*self.body, *self._return()]
        if self.vectorize:
            params = ["_n", *params, "_out"]
            body = ["for _i in range(_n):", *("    " + line for line in body), "return 0.0"]
        elif recover and bound:
            body = ["try:", *("    " + line for line in body),
                    f"except ({', '.join(RECOVERED)}):  # symdiff's evaluator",
                    f"    return self.{RECOVER}({', '.join(self.params)})"]
        lines += [decorator] if decorator else []
        lines.append(f"def {self.name}({', '.join(params)}):")
        # repr() never contains a line break, so a comment cannot end early.
        lines.extend(f"    # {p} is the symbol {s.name!r}"
                     for p, s in zip(self.names, self.symbols, strict=True) if p != s.name)
        lines.extend("    " + line for line in body)
        return lines

    def _return(self) -> list[str]:
        if self.vectorize:
            return [f"_out[{k}, _i] = {text}" for k, text in enumerate(self.outputs)]
        if self.shape is None:
            return ["return " + _output_text(self.structure, self.outputs)]
        backend = self.backend
        module = backend.array_module
        if not backend.fills:  # immutable arrays (jax): stack the broadcast outputs
            if not self.shape:
                return [f"return {module}.asarray({self.outputs[0]})"]
            nested = _output_text(self.structure, self.outputs, top=False)
            return [f"return {module}.asarray({nested})"]
        shape = repr(self.shape) + (" + _shape" if backend.arrays else "")
        lines = [f"_out = {module}.empty({shape})"]
        for index, k in _leaves(self.structure):
            lines.append(f"_out[{', '.join(map(str, index)) if index else '()'}] = "
                         f"{self.outputs[k]}")
        lines.append("return _out")
        return lines

    @property
    def modules(self) -> tuple[str, ...]:
        """Modules the function itself needs beyond the backend's (numpy for its array)."""
        return (self.backend.array_module,) if self.shape is not None else ()

    def numba_signature(self) -> str:
        def kind(structure: Any) -> str:
            if isinstance(structure, int):
                return "float64"
            items = [kind(s) for s in structure]
            if items and all(item == "float64" for item in items):
                return f"UniTuple(float64, {len(items)})"
            return f"Tuple(({', '.join(items)}{',' if len(items) == 1 else ''}))"

        if self.shape is None:
            result = kind(self.structure)
        elif self.shape:
            result = f"float64[{', '.join([':'] * (len(self.shape) - 1) + ['::1'])}]"
        else:
            result = "Array(float64, 0, 'C')"
        params = ["float64[::1]" if vector else "float64" for vector in self.vectors]
        if self.vectorize:
            params = ["int64", *("float64[:, ::1]" if vector else "float64[::1]"
                                 for vector in self.vectors), "float64[:, ::1]"]
            result = "float64"
        return f"{result}({', '.join(params)})"


def module_text(functions: list[FunctionSource], backend: Backend, bound: bool,
                docstring: str = "") -> str:
    """Imports, the helpers the functions need (once), then the functions."""
    module = backend.module
    helpers: list[str] = []
    for function in functions:
        for op in function.ops:
            helper = backend.helper(op)
            if helper and helper.rstrip() not in helpers:
                helpers.append(helper.rstrip())
    names = sorted({name for function in functions for name in function.imports})
    imports = [f"import {module}"] if helpers or backend.prologue else []
    # A helper may call another allowed module (NumPy's erf applies math.erf element-wise).
    imports += [f"import {m}" for m in backend.imports if m != module
                and m not in backend.always_import and any(f"{m}." in h for h in helpers)]
    imports += [f"import {m}" for m in backend.always_import]
    for extra in (m for function in functions for m in function.modules):
        if f"import {extra}" not in imports:
            imports.append(f"import {extra}")
    imports += [f"from {module} import {', '.join(names)}"] if names else []
    parts = ["\n".join(imports)] if imports else []
    if docstring:
        parts[:1] = [f'"""{docstring}"""' + "".join("\n\n" + p for p in parts[:1])]
    for helper in helpers:
        parts.append(backend.decorate_helper(helper.replace("{m}", module)))
    for function in functions:
        decorator = backend.decorator(function.numba_signature())
        parts.append("\n".join(function.lines(bound, decorator, backend.recovers)))
    return "\n\n\n".join(parts) + "\n"
