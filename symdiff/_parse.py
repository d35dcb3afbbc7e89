"""A safe parser for the expression language (no ``eval``).

The grammar is Python's arithmetic: numbers, names, ``+ - * / **`` (``^`` is read as ``**``,
as SymPy's parser does), unary ``-``/``+``, parentheses, calls of the op table's functions
(or their SymPy/NumPy spellings: ``arctan``, ``Abs``, ``Max``), the named constants ``pi`` and
``E``, and the comparisons ``< <= > >= == !=`` with ``&`` and ``|`` (which bind looser than
comparisons) for ``where(cond, a, b)``; every infix operator comes from the op table. A bare
``e`` is Euler's number too, unless ``e`` is declared a symbol (``parse(text, symbols="e")``;
the CLI declares the variables it differentiates by). Two extensions let every printed
expression read back: names in backquotes (```my var```) for symbols that are not identifiers,
and the shared form that :func:`symdiff.printing.to_text` writes for large expressions (statements
``$k = expr`` separated by newlines or ``;``, then the expression).

The parser is an iterative shunting-yard over a token list, so nesting depth is unlimited.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable
from typing import Any, cast

from . import _ops
from ._errors import ParseError, SymdiffError
from ._expr import Constant, Expr, NamedConstant, Symbol, apply, call, neg
from ._undefined import is_short_name, undefined_op

__all__ = ["parse"]

_TOKENS = r"""
    (?P<space>[ \t\r\f\v]+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<derivative>D\[[ ]*\d+(?:[ ]*,[ ]*\d+)*[ ]*\]\([ ]*(?:[^\W\d]\w*|`(?:[^`]|``)+`)[ ]*\))
  | (?P<primed>(?:[^\W\d]\w*|`(?:[^`]|``)+`)'+)
  | (?P<name>[^\W\d]\w*)
  | (?P<quoted>`(?:[^`]|``)+`)
  | (?P<ref>\$\d+)
  | (?P<op>{ops})
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<comma>,)
  | (?P<assign>=)
  | (?P<end>[\n;])
"""


def _infix() -> dict[str, _ops.Op]:
    """The op table's infix operators by their text (``**`` also as ``^``)."""
    table = {op.text: op for op in _ops.OPS.values() if op.kind == "infix"}
    table["^"] = table["**"]
    return table


@functools.lru_cache(maxsize=8)
def _token_pattern(texts: tuple[str, ...]) -> re.Pattern[str]:
    # Longest operators first, so that ** is not read as two *, nor <= as <.
    ops = "|".join(re.escape(t) for t in sorted(texts, key=len, reverse=True))
    return re.compile(_TOKENS.replace("{ops}", ops), re.VERBOSE)


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    tokens: list[tuple[str, str, int]] = []
    pos = 0
    depth = 0
    pattern = _token_pattern(tuple(_infix()))
    while pos < len(text):
        match = pattern.match(text, pos)
        if match is None:
            raise ParseError(f"unexpected character {text[pos]!r}", text, pos)
        kind = cast(str, match.lastgroup)  # every alternative of _TOKEN is a named group
        value = match.group()
        if kind == "lparen":
            depth += 1
        elif kind == "rparen":
            depth -= 1
        # Newlines inside parentheses are plain white space.
        if kind != "space" and not (kind == "end" and value == "\n" and depth > 0):
            tokens.append((kind, value, pos))
        pos = match.end()
    return tokens


def _known_names() -> list[str]:
    return sorted({*_ops.FUNCTIONS, *_ops.CONSTANTS, *_ops.ALIASES})


def _suggestion(name: str) -> str:
    """`` (did you mean atan?)`` for a name close to a known function or constant."""
    known = _known_names()
    close = [k for k in known if k.casefold() == name.casefold()]
    close += difflib.get_close_matches(name, known, n=4, cutoff=0.6)
    canonical = list(dict.fromkeys(_ops.ALIASES.get(k, k) for k in close))[:3]
    return f" (did you mean {' or '.join(canonical)}?)" if canonical else ""


def _unquote(name: str) -> str:
    return name[1:-1].replace("``", "`") if name.startswith("`") else name


class _Parser:
    def __init__(self, text: str, symbols: frozenset[str] = frozenset(),
                 functions: frozenset[str] = frozenset()) -> None:
        self.text = text
        self.refs: dict[str, Expr] = {}
        self.symbols = symbols
        self.functions = functions
        self.arities: dict[str, tuple[int, int]] = {}  # undefined function → (arity, pos)
        self.binary = {t: (op.precedence, op.right_associative, functools.partial(apply, op))
                       for t, op in _infix().items()}

    def function(self, name: str) -> _ops.Op | None:
        return _ops.FUNCTIONS.get(_ops.ALIASES.get(name, name))

    def name(self, name: str, pos: int) -> Expr:
        """A bare name: a declared symbol, a named constant (``pi``, ``E``, ``e``), a symbol."""
        if name in self.symbols:
            return Symbol(name)
        constant = _ops.CONSTANTS.get(_ops.ALIASES.get(name, name))
        if constant is None and name == "e":
            constant = _ops.CONSTANTS.get("E")
        if constant is not None:
            return NamedConstant(constant)
        if self.function(name) is not None:
            raise self.error(f"{name!r} is a function: call it as {name}(...)", pos)
        if name.lower() in ("inf", "infinity", "nan"):  # float("inf") reads these names
            raise self.error(f"{name!r} is not a number here: constants are finite (declare "
                             f"it, parse(text, symbols={name!r}), to use it as a symbol)", pos)
        return Symbol(name)

    def error(self, message: str, pos: int) -> ParseError:
        return ParseError(message, self.text, pos)

    def undefined(self, name: str, counts: tuple[int, ...] | None, pos: int) -> Any:
        """A builder of an undefined function's call (or of its derivative's, ``counts``):
        its arity is fixed by its first use in the text."""

        def build(*args: Expr) -> Expr:
            arity = len(args) if counts is None else len(counts)
            if len(args) != arity:
                raise SymdiffError(f"{name}'s derivative {'[' + ', '.join(map(str, counts or ()))}"
                                   f"] is of a function of {arity} argument(s), called with "
                                   f"{len(args)}")
            first = self.arities.setdefault(name, (arity, pos))
            if first[0] != arity:
                raise SymdiffError(f"the undefined function {name} takes {first[0]} "
                                   f"argument(s) (its first use at position {first[1]}), "
                                   f"not {arity}")
            return apply(undefined_op(name, arity, counts), *args)

        return build

    def head(self, kind: str, value: str, pos: int) -> tuple[str, Any]:
        """The name and builder of a call whose head is a derivative, ``f'`` or
        ``D[1, 0](k)``."""
        if kind == "primed":
            bare = value.rstrip("'")
            name, order = _unquote(bare), len(value) - len(bare)
            return name, self.undefined(name, (order,), pos)
        indices, _, rest = value[2:].partition("]")
        name = _unquote(rest.strip()[1:-1].strip())
        counts = tuple(int(c) for c in indices.split(","))
        return name, self.undefined(name, counts, pos)

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
                    try:
                        number = (float(value) if any(c in value for c in ".eE")
                                  else int(value))
                    except ValueError:  # Python converts at most 4,300 digits to an int
                        raise self.error(f"an integer of {len(value):,} digits is too long; "
                                         "write it as a power (10**5000) or a float",
                                         pos) from None
                    try:
                        values.append(Constant(number))
                    except SymdiffError as exc:
                        raise self.error(str(exc), pos) from None
                    expect_operand = False
                elif kind in ("name", "quoted", "primed", "derivative") and (
                        i + 1 < n and tokens[i + 1][0] == "lparen"):
                    op: Any = self.function(value) if kind == "name" else None
                    if kind in ("primed", "derivative"):
                        value, op = self.head(kind, value, pos)
                    elif kind == "quoted" or (op is None and value not in _ops.CONSTANTS and (
                            value in self.functions or (is_short_name(value) and value not in
                                                        self.symbols))):
                        value = _unquote(value)
                        op = self.undefined(value, None, pos)
                    if op is None:
                        if value in _ops.CONSTANTS or value in self.symbols:
                            raise self.error(f"{value!r} is not a function (write {value}*(...) "
                                             f"for a product)", pos)
                        hint = _suggestion(value) or (
                            f": for an undefined function of that name, declare it "
                            f"(parse(text, functions={value!r})) or write `{value}`(...)")
                        raise self.error(f"unknown function {value!r}{hint}", pos)
                    stack.append(("call", op, 1, pos))
                    i += 1
                    if i + 1 < n and tokens[i + 1][0] == "rparen":
                        needs = (f"{op.arity} argument(s)" if isinstance(op, _ops.Op)
                                 else "at least one argument")
                        raise self.error(f"{value}() needs {needs}", pos)
                elif kind in ("primed", "derivative"):
                    raise self.error(f"{value} is a derivative of an undefined function: call "
                                     f"it with its arguments, {value}(x)", pos)
                elif kind == "name":
                    values.append(self.name(value, pos))
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
                prec, right_assoc, build = self.binary[value]
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
                        args = values[-count:]
                        del values[-count:]
                        try:
                            values.append(call(op, *args) if isinstance(op, _ops.Op)
                                          else op(*args))
                        except SymdiffError as exc:
                            raise self.error(str(exc), open_pos) from None
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


def _names(given: Any, what: str) -> frozenset[str]:
    if given is None:
        return frozenset()
    items: Iterable[Any] = given.replace(",", " ").split() if isinstance(given, str) else given
    names = []
    for item in items:
        name = item if isinstance(item, str) else getattr(item, "name", None)
        if not isinstance(name, str):
            raise ParseError(f"{what} must be names or symbols, not {item!r}")
        names.append(name)
    return frozenset(names)


def parse(text: str, symbols: Any = None, functions: Any = None) -> Expr:
    """Read an expression from text; the inverse of ``str(expr)``.

    ``symbols`` (names or symbols, or one string of names) are always read as symbols, even
    where a name would otherwise mean a constant: ``e`` is Euler's number unless declared.

    A call of a name that is no symdiff function is an undefined function
    (:class:`symdiff.Function`) when the name is one letter, optionally followed by digits
    (``f(x)``, ``k(x, y)``, ``g2(t)``), is declared in ``functions`` (names or
    ``Function`` objects), or is written in backquotes (as the printer writes such names);
    any other unknown name is an error that names the closest known functions. Derivatives
    read as they print:
    ``f'(x)``, ``f''(x)``, ``D[4](f)(x)``, ``D[1, 0](k)(x, y)``. Within one text a function
    keeps the number of arguments of its first use.

    >>> print(parse("f(x)*g(x)").diff("x"))
    f'(x)*g(x) + f(x)*g'(x)

    >>> parse("x*y") is parse("x*y")
    True
    >>> print(parse("1/(exp(-(w*x + b)) + 1)"))
    1/(exp(-(w*x + b)) + 1)
    >>> print(parse("e^x + pi"), parse("e^x", symbols="e"))
    E**x + pi `e`**x

    Raises :class:`symdiff.ParseError` (with the position) for malformed text or unknown
    functions (naming the closest known ones).
    """
    if not isinstance(text, str):
        raise ParseError(f"parse() needs a string, not {type(text).__name__}")
    parser = _Parser(text, _names(symbols, "symbols"), _names(functions, "functions"))
    return parser.statements(_tokenize(text))
