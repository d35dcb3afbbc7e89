"""A safe parser for the expression language (no ``eval``).

The grammar is Python's arithmetic: numbers, names, ``+ - * / **``, unary ``-``/``+``,
parentheses and calls of the op table's functions. Two extensions let every printed expression
read back: names in backquotes (```my var```) for symbols that are not identifiers, and the
shared form that :func:`symdiff.printing.to_text` writes for large expressions (statements
``$k = expr`` separated by newlines or ``;``, then the expression).

The parser is an iterative shunting-yard over a token list, so nesting depth is unlimited.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any, cast

from . import _ops
from ._errors import ParseError, SymdiffError
from ._expr import Constant, Expr, Symbol, apply, neg

__all__ = ["parse"]

_TOKEN = re.compile(r"""
    (?P<space>[ \t\r\f\v]+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[^\W\d]\w*)
  | (?P<quoted>`(?:[^`]|``)+`)
  | (?P<ref>\$\d+)
  | (?P<op>\*\*|[-+*/^])
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<comma>,)
  | (?P<assign>=)
  | (?P<end>[\n;])
""", re.VERBOSE)

# The infix operators, from the op table: symbol → (precedence, right-associative, builder).
_BINARY = {op.text: (op.precedence, op.right_associative, partial(apply, op))
           for op in _ops.OPS.values() if op.kind == "infix"}


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    tokens: list[tuple[str, str, int]] = []
    pos = 0
    depth = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ParseError(f"unexpected character {text[pos]!r}", text, pos)
        kind = cast(str, match.lastgroup)  # every alternative of _TOKEN is a named group
        value = match.group()
        if kind == "lparen":
            depth += 1
        elif kind == "rparen":
            depth -= 1
        if kind == "op" and value == "^":
            raise ParseError("'^' is not a power here; write x**2", text, pos)
        # Newlines inside parentheses are plain white space.
        if kind != "space" and not (kind == "end" and value == "\n" and depth > 0):
            tokens.append((kind, value, pos))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.refs: dict[str, Expr] = {}

    def error(self, message: str, pos: int) -> ParseError:
        return ParseError(message, self.text, pos)

    def statements(self, tokens: list[tuple[str, str, int]]) -> Expr:
        result: Expr | None = None
        start = 0
        for i in range(len(tokens) + 1):
            if i < len(tokens) and tokens[i][0] != "end":
                continue
            statement = tokens[start:i]
            start = i + 1
            if not statement:
                continue
            if result is not None:
                raise self.error("only the last statement may be a bare expression",
                                 statement[0][2])
            if len(statement) >= 2 and statement[1][0] == "assign":
                kind, name, pos = statement[0]
                if kind != "ref":
                    raise self.error("only $k names can be assigned", pos)
                if name in self.refs:
                    raise self.error(f"{name} is assigned twice", pos)
                if len(statement) == 2:
                    raise self.error("expected an expression", statement[1][2] + 1)
                self.refs[name] = self.expression(statement[2:])
            else:
                result = self.expression(statement)
        if result is None:
            raise self.error("expected an expression", len(self.text))
        return result

    def expression(self, tokens: list[tuple[str, str, int]]) -> Expr:
        values: list[Expr] = []
        # Operator stack entries: (kind, payload, precedence, position).
        stack: list[tuple[str, Any, int, int]] = []
        expect_operand = True
        i = 0
        n = len(tokens)

        def reduce() -> None:
            kind, payload, _prec, pos = stack.pop()
            try:
                if kind == "unary":
                    values.append(payload(values.pop()))
                else:
                    right = values.pop()
                    values.append(payload(values.pop(), right))
            except SymdiffError as exc:
                raise self.error(str(exc), pos) from None

        while i < n:
            kind, value, pos = tokens[i]
            if expect_operand:
                if kind == "number":
                    number = float(value) if any(c in value for c in ".eE") else int(value)
                    try:
                        values.append(Constant(number))
                    except SymdiffError as exc:
                        raise self.error(str(exc), pos) from None
                    expect_operand = False
                elif kind == "name" and i + 1 < n and tokens[i + 1][0] == "lparen":
                    op = _ops.FUNCTIONS.get(value)
                    if op is None:
                        raise self.error(f"unknown function {value!r}", pos)
                    stack.append(("call", op, 1, pos))
                    i += 1
                    if i + 1 < n and tokens[i + 1][0] == "rparen":
                        raise self.error(f"{value}() needs {op.arity} argument(s)", pos)
                elif kind == "name":
                    if value in _ops.FUNCTIONS:
                        raise self.error(f"{value!r} is a function: call it as {value}(...)",
                                         pos)
                    values.append(Symbol(value))
                    expect_operand = False
                elif kind == "quoted":
                    values.append(Symbol(value[1:-1].replace("``", "`")))
                    expect_operand = False
                elif kind == "ref":
                    if value not in self.refs:
                        raise self.error(f"{value} is used before it is assigned", pos)
                    values.append(self.refs[value])
                    expect_operand = False
                elif kind == "lparen":
                    stack.append(("paren", None, 0, pos))
                elif kind == "op" and value in "+-":
                    stack.append(("unary", neg if value == "-" else _identity, _ops.PREC_NEG,
                                  pos))
                else:
                    raise self.error(f"expected an operand, found {value!r}", pos)
            elif kind == "op":
                prec, right_assoc, build = _BINARY[value]
                while stack and stack[-1][0] in ("unary", "binary") and (
                        stack[-1][2] > prec or (stack[-1][2] == prec and not right_assoc)):
                    reduce()
                stack.append(("binary", build, prec, pos))
                expect_operand = True
            elif kind in ("rparen", "comma"):
                while stack and stack[-1][0] in ("unary", "binary"):
                    reduce()
                if not stack or stack[-1][0] not in ("paren", "call"):
                    raise self.error(f"unmatched {value!r}", pos)
                if kind == "comma":
                    if stack[-1][0] != "call":
                        raise self.error("',' outside a function call", pos)
                    top = stack.pop()
                    stack.append((top[0], top[1], top[2] + 1, top[3]))
                    expect_operand = True
                else:
                    opener, op, count, open_pos = stack.pop()
                    if opener == "call":
                        if count != op.arity:
                            raise self.error(f"{op.name}() takes {op.arity} argument(s), got "
                                             f"{count}", open_pos)
                        args = values[-count:]
                        del values[-count:]
                        values.append(apply(op, *args))
            else:
                raise self.error(f"expected an operator, found {value!r}", pos)
            i += 1
        if expect_operand:
            where = tokens[-1][2] + len(tokens[-1][1]) if tokens else len(self.text)
            raise self.error("unexpected end of expression", where)
        while stack:
            if stack[-1][0] in ("paren", "call"):
                raise self.error("'(' is never closed", stack[-1][3])
            reduce()
        return values[0]


def _identity(x: Expr) -> Expr:
    return x


def parse(text: str) -> Expr:
    """Read an expression from text; the inverse of ``str(expr)``.

    >>> parse("x*y") is parse("x*y")
    True
    >>> print(parse("1/(exp(-(w*x + b)) + 1)"))
    1/(exp(-(w*x + b)) + 1)

    Raises :class:`symdiff.ParseError` (with the position) for malformed text or unknown
    functions.
    """
    if not isinstance(text, str):
        raise ParseError(f"parse() needs a string, not {type(text).__name__}")
    parser = _Parser(text)
    return parser.statements(_tokenize(text))
