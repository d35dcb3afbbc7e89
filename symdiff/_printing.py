"""Text and LaTeX printing, driven by the op table.

Small expressions print as ordinary infix with minimal parentheses. An expression whose tree
form is large (the logistic map at n = 1000 has more than 10^300 tree nodes) prints in a shared
form, where every subexpression used more than once is named once::

    $1 = 4*x*(1 - x)
    $2 = 4*$1*(1 - $1)
    4*$2*(1 - $2)

Both forms are read back by :func:`symdiff.parse` to the very same node. Printing never
recurses: each node's text is a list of parts (strings and references to child nodes) that is
expanded by one iterative pass, so output is linear in its size, even for deep chains.

LaTeX is for readers, not for reading back: the printer owns a table of forms (:data:`LATEX`,
with a default by name) and places brackets and ``\\cdot`` from what each operand's LaTeX
starts and ends with, so numbers never run together and a superscripted base is bracketed.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ._ops import CONSTANTS, FUNCTIONS, PREC_ADD, PREC_ATOM, PREC_MUL, PREC_NEG, PREC_POW
from ._program import lower, set_printer
from ._traversal import toposort, tree_sizes

__all__ = ["to_text", "to_latex", "symbol_text", "symbol_latex", "number_text", "shared_names",
           "render_with_names", "emit_parts", "INLINE_TREE_LIMIT", "LATEX", "LATEX_FAMILIES",
           "Latex", "LatexForm", "Operand", "latex_rule", "Formulas", "latex_display",
           "DISPLAY_LATEX_MAX_NODES", "display_bundle"]

#: Expressions whose tree form has more nodes than this print in the shared form.
INLINE_TREE_LIMIT = 1000

_FORMATTER = string.Formatter()
_IDENTIFIER = re.compile(r"[^\W\d]\w*\Z")
_GREEK = frozenset(
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau "
    "upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega".split())


def symbol_text(name: str) -> str:
    """A symbol's name as the parser reads it: plain if it is an identifier that is not a
    function name, else in backquotes (a backquote inside is doubled)."""
    if _IDENTIFIER.match(name) and name not in FUNCTIONS and name not in CONSTANTS and (
            name != "e"):  # parse reads a bare e as Euler's number
        return name
    return "`" + name.replace("`", "``") + "`"


def number_text(value: Any) -> str:
    """Shortest text that reads back as the same int, rational (``2/3``) or float."""
    return repr(value) if isinstance(value, float) else str(value)


def _precedence(node: Any) -> int:
    op = node.op
    if op.kind == "leaf":
        if op.name == "const":
            if isinstance(node.value, Fraction):
                return PREC_MUL  # 2/3 reads as a quotient: x**(2/3)
            if node.value < 0 or str(node.value).startswith("-"):
                return PREC_NEG
        return PREC_ATOM
    return op.precedence


def _parts_text(node: Any, child: Any, names: dict[Any, str]) -> list[Any]:
    """Text parts of ``node``; ``child(c, wrap)`` gives the parts that reference argument c."""
    op = node.op
    if op.kind == "infix":
        left, right = node.args
        p = op.precedence
        lp = PREC_ATOM if left in names else _precedence(left)
        rp = PREC_ATOM if right in names else _precedence(right)
        wrap_left = lp < p or (lp == p and op.precedence == PREC_POW)
        # Left-associative operators need parentheses on an equal-precedence right operand;
        # a negated right operand is parenthesized for readability (a*(-b), not a*-b).
        wrap_right = rp < p or (rp == p and p != PREC_POW) or (rp == PREC_NEG and p >= PREC_ADD)
        sep = f" {op.text} " if op.precedence <= PREC_ADD else op.text
        return [*child(left, wrap_left), sep, *child(right, wrap_right)]
    if op.kind == "prefix":
        (arg,) = node.args
        ap = PREC_ATOM if arg in names else _precedence(arg)
        return [op.text, *child(arg, ap <= PREC_NEG and ap != PREC_ATOM)]
    parts: list[Any] = [op.text, "("]
    for i, arg in enumerate(node.args):
        if i:
            parts.append(", ")
        parts.extend(child(arg, False))
    parts.append(")")
    return parts


def _leaf_text(node: Any) -> str:
    if node.op.name == "symbol":
        return symbol_text(node.name)
    if node.op.name == "const":
        return number_text(node.value)
    return str(node.op.text)  # a named constant: pi, E


def symbol_latex(name: str) -> str:
    match = re.fullmatch(r"([A-Za-z]+)_?(\d+)", name)
    base, sub = (match.group(1), match.group(2)) if match else (name, "")
    if base in _GREEK:
        base = "\\" + base
    elif re.fullmatch(r"[A-Za-z]+", base):
        if len(base) > 1:
            base = rf"\mathrm{{{base}}}"
    else:
        # Escaped for LaTeX; whitespace and control characters (a newline) read as a space.
        text = re.sub(r"[\s\x00-\x1f\x7f]", " ", name)
        base = r"\text{" + re.sub(r"([\\{}$&#^_%~])", r"\\\1", text) + "}"
        sub = ""
    return f"{base}_{{{sub}}}" if sub else base


# --- LaTeX -----------------------------------------------------------------------------------
# The LaTeX printer owns its table of forms (op name → how to write it), with a default by name
# for ops it does not know. Each node's LaTeX is built from its operands' LaTeX *facts* (how
# tightly it binds, how it begins and ends, whether it already carries a superscript), so the
# rules that keep juxtaposition readable are applied at every node, not patched on afterwards.

DIGIT, MINUS, NUMERIC_FRACTION = "digit", "minus", "numeric fraction"


@dataclass(frozen=True, eq=False)
class Latex:
    """One node's LaTeX while printing: ``parts`` (strings, and operand nodes that the final
    pass expands) and what its neighbours need to know to place it correctly.

    precedence: how tightly the printed form binds (the ``PREC_*`` scale of the op table).
    lead: ``"digit"`` (starts with a number), ``"minus"`` (starts with a minus sign that
    negates the whole of it), ``"numeric fraction"`` (a ``\\frac`` whose numerator starts with a
    number), or ``""``.
    trail_digit: ends with a number (so a following numeric fraction would read as a mixed
    number).
    script: carries a superscript at its top level (``x^{2}``, ``e^{x}``), so as the base of a
    power it needs brackets (``e^{x}^{2}`` is not LaTeX).
    fraction: is a ``\\frac`` (an atom beside other factors, but bracketed as a base).
    """

    parts: tuple[Any, ...]
    precedence: int = PREC_ATOM
    lead: str = ""
    trail_digit: bool = False
    script: bool = False
    fraction: bool = False


class Operand:
    """An operand as a LaTeX rule sees it: its facts (``.latex``) and the ways to write it."""

    __slots__ = ("latex", "ref")

    def __init__(self, ref: Any, latex: Latex) -> None:
        self.ref, self.latex = ref, latex

    def plain(self) -> list[Any]:
        return [self.ref]

    def bracketed(self) -> list[Any]:
        return [r"\left(", self.ref, r"\right)"]

    def unsigned(self) -> list[Any]:
        """The operand without its leading minus sign (only when ``lead == "minus"``)."""
        return [_Unsigned(self.ref)]


class _Unsigned:
    """Marks a reference to be expanded without its leading minus sign."""

    __slots__ = ("ref",)

    def __init__(self, ref: Any) -> None:
        self.ref = ref


def _number_latex(value: Any) -> Latex:
    """A number's LaTeX: ``2.5``, ``1 \\cdot 10^{-5}`` (never ``1e-05``), ``\\frac{2}{3}``; a
    negative number leads with a minus sign that the neighbours may absorb (``x - 2``, not
    ``x + -2``)."""
    if isinstance(value, Fraction):
        body = rf"\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"
        if value < 0:
            return Latex(("-", body), PREC_NEG, MINUS)
        return Latex((body,), PREC_ATOM, NUMERIC_FRACTION, fraction=True)
    text = number_text(value)
    sign = text.startswith("-")
    digits = text[1:] if sign else text
    if "e" in digits:
        mantissa, exponent = digits.split("e")
        body, scientific = rf"{mantissa} \cdot 10^{{{int(exponent)}}}", True
    else:
        body, scientific = digits, False
    if sign:
        return Latex(("-", body), PREC_NEG, MINUS, not scientific)
    if scientific:
        return Latex((body,), PREC_MUL, DIGIT, script=True)
    return Latex((body,), PREC_ATOM, DIGIT, True)


LatexRule = Callable[..., Latex]


def _add_latex(a: Operand, b: Operand) -> Latex:
    if b.latex.lead == MINUS:  # a + (-b) reads as a - b
        return Latex((*a.plain(), " - ", *b.unsigned()), PREC_ADD, a.latex.lead)
    return Latex((*a.plain(), " + ", *b.plain()), PREC_ADD, a.latex.lead, b.latex.trail_digit)


def _sub_latex(a: Operand, b: Operand) -> Latex:
    if b.latex.precedence <= PREC_ADD:
        return Latex((*a.plain(), " - ", *b.bracketed()), PREC_ADD, a.latex.lead)
    if b.latex.lead == MINUS:  # a - (-b) reads as a + b
        return Latex((*a.plain(), " + ", *b.unsigned()), PREC_ADD, a.latex.lead)
    return Latex((*a.plain(), " - ", *b.plain()), PREC_ADD, a.latex.lead, b.latex.trail_digit)


def _mul_latex(a: Operand, b: Operand) -> Latex:
    if a.ref is b.ref:  # x*x reads as x² (the text form keeps x*x, which parses back)
        return _pow_latex(a, Operand("2", _number_latex(2)))
    wrap_a = a.latex.precedence < PREC_MUL
    wrap_b = b.latex.precedence < PREC_MUL or b.latex.lead == MINUS
    left = a.bracketed() if wrap_a else a.plain()
    right = b.bracketed() if wrap_b else b.plain()
    # Juxtaposition would misread: "4 4 x" as 44x, "2 10^{-3}" as 210⁻³, "x 2" as x₂,
    # "2 \frac{3}{4}" as the mixed number 2¾. A centred dot keeps the factors apart.
    trail_digit = a.latex.trail_digit and not wrap_a
    dot = not wrap_b and (b.latex.lead == DIGIT
                          or (b.latex.lead == NUMERIC_FRACTION and trail_digit))
    lead = "" if wrap_a else a.latex.lead
    return Latex((*left, r" \cdot " if dot else " ", *right), PREC_MUL,
                 NUMERIC_FRACTION if lead == NUMERIC_FRACTION else lead,
                 not wrap_b and b.latex.trail_digit)


def _div_latex(a: Operand, b: Operand) -> Latex:
    lead = NUMERIC_FRACTION if a.latex.lead == DIGIT else ""
    return Latex((r"\frac{", *a.plain(), "}{", *b.plain(), "}"), PREC_ATOM, lead,
                 fraction=True)


def _pow_latex(a: Operand, b: Operand) -> Latex:
    base = a.latex
    # Brackets unless the base is an atom that carries no superscript of its own; a fraction
    # is an atom for juxtaposition but not as a base.
    wrap = base.precedence < PREC_ATOM or base.script or base.fraction or base.lead == MINUS
    left = a.bracketed() if wrap else a.plain()
    return Latex((*left, "^{", *b.plain(), "}"), PREC_POW, "" if wrap else base.lead,
                 script=True)


def _neg_latex(a: Operand) -> Latex:
    wrap = a.latex.precedence <= PREC_ADD or a.latex.lead == MINUS
    inner = a.bracketed() if wrap else a.plain()
    return Latex(("-", *inner), PREC_NEG, MINUS, not wrap and a.latex.trail_digit)


@dataclass(frozen=True)
class LatexForm:
    """A LaTeX form given as a ``str.format`` template over the operands (each already
    delimited by the template, e.g. ``\\sqrt{{{0}}}``); ``script`` says the form ends in a
    superscript (``e^{{{0}}}``)."""

    template: str
    script: bool = False

    def __call__(self, *operands: Operand) -> Latex:
        parts: list[Any] = []
        for literal, field_name, _spec, _conv in _FORMATTER.parse(self.template):
            if literal:
                parts.append(literal)
            if field_name is not None:
                parts.extend(operands[int(field_name)].plain())
        return Latex(tuple(parts), PREC_ATOM, script=self.script)


@dataclass(frozen=True)
class _InfixLatex:
    """An infix operator by its template (``{0} \\leq {1}``): operands that bind less tightly
    than it are bracketed, and so is an equal one on the right (comparisons do not chain)."""

    template: str
    precedence: int

    def __call__(self, a: Operand, b: Operand) -> Latex:
        left = a.bracketed() if a.latex.precedence <= self.precedence else a.plain()
        right = b.bracketed() if b.latex.precedence <= self.precedence else b.plain()
        parts: list[Any] = []
        for literal, field_name, _spec, _conv in _FORMATTER.parse(self.template):
            if literal:
                parts.append(literal)
            if field_name is not None:
                parts.extend(left if field_name == "0" else right)
        return Latex(tuple(parts), self.precedence, "" if a.latex.precedence <= self.precedence
                     else a.latex.lead)


def _xlogy_latex(a: Operand, b: Operand) -> Latex:
    # xlogy(u, v) reads as the product it is (u log v); its convention at u = 0 is in the text
    wrap = a.latex.precedence < PREC_MUL or a.latex.lead == MINUS
    left = a.bracketed() if wrap else a.plain()
    return Latex((*left, r" \log{\left(", *b.plain(), r"\right)}"), PREC_MUL,
                 "" if wrap else a.latex.lead)


#: The LaTeX printer's table: op name → rule ``(*operands) -> Latex`` (a :class:`LatexForm`
#: or a function over :class:`Operand` s). Ops not listed are written by :func:`latex_rule`'s
#: default: their registered template, else ``\operatorname{name}\left(…\right)``.
LATEX: dict[str, LatexRule] = {
    "add": _add_latex, "sub": _sub_latex, "mul": _mul_latex, "div": _div_latex,
    "pow": _pow_latex, "neg": _neg_latex,
    "exp": LatexForm("e^{{{0}}}", script=True),
    "log": LatexForm(r"\log{{\left({0}\right)}}"),
    "sqrt": LatexForm(r"\sqrt{{{0}}}"),
    "abs": LatexForm(r"\left|{0}\right|"),
    "sigmoid": LatexForm(r"\sigma\left({0}\right)"),
    "step": LatexForm(r"\theta\left({0}\right)"),
    "xlogy": _xlogy_latex,
}


def _undefined_latex(op: Any) -> LatexRule:
    r"""An undefined function and its derivatives: ``f{\left(x\right)}``; Leibniz notation
    when the arguments are distinct symbols (``\frac{d}{d x} f{\left(x\right)}``,
    ``\frac{\partial^{2}}{\partial x \partial y} k{\left(x, y\right)}``), else primes for one
    argument (``f'{\left(g{\left(x\right)}\right)}``, ``f^{(4)}``) and ``\partial_{i}``
    for several (``\partial_{1} k{\left(g, h\right)}``, 1-based)."""
    head = symbol_latex(op.function)
    counts, order = op.counts, sum(op.counts)

    def rule(*operands: Operand) -> Latex:
        inner: list[Any] = []
        for i, operand in enumerate(operands):
            inner.extend((", ", *operand.plain()) if i else operand.plain())
        call = (r"{\left(", *inner, r"\right)}")
        if order == 0:
            return Latex((head, *call))
        refs = [o.ref for o in operands]
        symbolic = all(getattr(getattr(r, "op", None), "name", "") == "symbol" for r in refs)
        if symbolic and len(set(refs)) == len(refs):
            d = "d" if len(counts) == 1 else r"\partial"
            top = d if order == 1 else f"{d}^{{{order}}}"
            bottom: list[Any] = []
            for ref, count in zip(refs, counts, strict=True):
                if count:
                    bottom.extend((" " if bottom else "", d, " ", ref,
                                   f"^{{{count}}}" if count > 1 else ""))
            return Latex((r"\frac{", top, "}{", *bottom, "} ", head, *call), PREC_MUL - 1)
        if len(counts) == 1:
            mark = "'" * order if order <= 3 else f"^{{({order})}}"
            return Latex((head, mark, *call))
        partials = " ".join(rf"\partial_{{{i + 1}}}" + (f"^{{{c}}}" if c > 1 else "")
                            for i, c in enumerate(counts) if c)
        return Latex((partials, " ", head, *call), PREC_MUL - 1)

    return rule


#: Rules for a whole family of ops made on demand: family → ``factory(op) -> rule``.
LATEX_FAMILIES: dict[str, Callable[[Any], LatexRule]] = {"undefined": _undefined_latex}


def latex_rule(op: Any) -> LatexRule:
    """How the LaTeX printer writes ``op``: its entry in :data:`LATEX` (or its family's in
    :data:`LATEX_FAMILIES`), else the template the op was registered with, else
    ``\\operatorname{name}\\left(a, b\\right)`` by name."""
    if op.family and op.family in LATEX_FAMILIES:
        return LATEX_FAMILIES[op.family](op)
    rule = LATEX.get(op.name)
    if rule is not None:
        return rule
    if op.kind == "infix":
        return _InfixLatex(op.latex, op.precedence)
    if op.latex:
        return LatexForm(op.latex)
    fields = ", ".join(f"{{{i}}}" for i in range(op.arity))
    return LatexForm(rf"\operatorname{{{{{op.name}}}}}\left({fields}\right)")


def shared_names(roots: tuple[Any, ...], latex: bool = False) -> dict[Any, str]:
    """Names (``$1``, ``$2`` … or ``t_{1}`` …) for the operations used more than once: the
    named view of the roots' program."""
    program = lower(roots)
    nodes = program.nodes
    return {nodes[slot]: (f"t_{{{k}}}" if latex else f"${k}")
            for k, slot in enumerate(program.named_slots(three_address=False), start=1)}


def render_with_names(roots: tuple[Any, ...], names: dict[Any, str], latex: bool = False
                      ) -> tuple[list[tuple[str, str]], list[str]]:
    """Definitions ``(name, body)`` for the named nodes, in dependency order, and the bodies
    of the roots; a named node is referred to by its name everywhere but its definition."""
    order = toposort(roots)
    parts = _latex_parts(order, names) if latex else _text_parts(order, names)
    definitions = [(names[node], emit_parts(parts, node)) for node in order if node in names]
    return definitions, [names[r] if r in names else emit_parts(parts, r) for r in roots]


def emit_parts(parts: Mapping[Any, Sequence[Any]], node: Any) -> str:
    """The text of ``node`` from every node's parts (strings, and nodes whose parts stand
    there) by one loop over a stack, never recursive; the scalar and tensor printers' own."""
    out: list[str] = []
    stack: list[Any] = list(reversed(parts[node]))
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, _Unsigned):  # the operand without its leading "-"
            first, *rest = parts[item.ref]
            stack.extend(reversed(rest))
            if first != "-":
                stack.append(first if isinstance(first, str) else _Unsigned(first))
        else:
            stack.extend(reversed(parts[item]))
    return "".join(out)


def _text_parts(order: list[Any], names: dict[Any, str]) -> dict[Any, list[Any]]:
    def child(arg: Any, wrap: bool) -> list[Any]:
        ref = names.get(arg, arg)
        return ["(", ref, ")"] if wrap else [ref]

    return {node: [_leaf_text(node)] if node.op.kind == "leaf"
            else _parts_text(node, child, names) for node in order}


_NAMED = Latex(())  # a name of the shared form is an atom


def _latex_parts(order: list[Any], names: dict[Any, str]) -> dict[Any, Any]:
    facts: dict[Any, Latex] = {}
    rules: dict[Any, LatexRule] = {}
    for node in order:
        op = node.op
        if op.kind == "leaf":
            facts[node] = (Latex((symbol_latex(node.name),)) if op.name == "symbol"
                           else _number_latex(node.value) if op.name == "const"
                           else Latex((op.latex,)))  # a named constant: \pi, e
            continue
        rule = rules.get(op)
        if rule is None:
            rule = rules[op] = latex_rule(op)
        facts[node] = rule(*(Operand(names[a], _NAMED) if a in names else Operand(a, facts[a])
                             for a in node.args))
    return {node: fact.parts for node, fact in facts.items()}


def _render(roots: tuple[Any, ...], latex: bool, max_tree: int
            ) -> tuple[list[tuple[str, str]], list[str]]:
    # Sizes capped at the limit: comparing them needs no exact (huge) ints, so memory stays
    # linear in the DAG however swollen its tree.
    sizes = tree_sizes(toposort(roots), cap=max_tree)
    large = sum(sizes[r] for r in roots) > max_tree
    names = shared_names(roots, latex) if large else {}
    return render_with_names(roots, names, latex)


def to_text(node: Any, max_tree: int = INLINE_TREE_LIMIT) -> str:
    """Infix text of ``node``; the shared form when its tree has more than ``max_tree`` nodes.

    >>> from symdiff import parse
    >>> to_text(parse("x*(y + 1)"))
    'x*(y + 1)'
    """
    printer = getattr(type(node), "_symdiff_text_", None)
    if printer is not None:  # a tensor expression prints itself (symdiff.tensor)
        return printer(node, max_tree)  # type: ignore[no-any-return]
    definitions, (body,) = _render((node,), False, max_tree)
    return "\n".join([f"{name} = {text}" for name, text in definitions] + [body])


def to_latex(node: Any, max_tree: int = INLINE_TREE_LIMIT) -> str:
    r"""LaTeX of ``node``; large expressions become an ``aligned`` block of named parts.

    >>> from symdiff import parse
    >>> to_latex(parse("sigmoid(w*x)/2"))
    '\\frac{\\sigma\\left(w x\\right)}{2}'
    """
    printer = getattr(type(node), "_symdiff_latex_", None)
    if printer is not None:  # a tensor expression prints itself (symdiff.tensor)
        return printer(node, max_tree)  # type: ignore[no-any-return]
    definitions, (body,) = _render((node,), True, max_tree)
    if not definitions:
        return body
    lines = [f"{name} &= {text}" for name, text in definitions] + [f"f &= {body}"]
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"


# --- notebook display ----------------------------------------------------------------------

#: Notebooks show expressions with more distinct nodes than this as text only (MathJax would
#: take long over the hundreds of lines of their LaTeX).
DISPLAY_LATEX_MAX_NODES = 500


def display_bundle(obj: Any) -> dict[str, str]:
    """The MIME bundle a notebook shows for ``obj`` (a scalar or tensor expression, or
    :class:`Formulas`): ``repr`` as text, and ``obj._repr_latex_()`` as LaTeX unless that is
    None (too large to show as a formula)."""
    bundle = {"text/plain": repr(obj)}
    tex = obj._repr_latex_()
    if tex is not None:
        bundle["text/latex"] = tex
    return bundle


def latex_display(node: Any) -> str | None:
    """The LaTeX a notebook shows for ``node`` (``$…$``, or ``$$…$$`` for an aligned block), or
    None above :data:`DISPLAY_LATEX_MAX_NODES` distinct nodes."""
    if len(toposort((node,))) > DISPLAY_LATEX_MAX_NODES:
        return None
    tex = to_latex(node)
    return f"$${tex}$$" if tex.startswith(r"\begin") else f"${tex}$"


class Formulas(tuple):  # type: ignore[type-arg]
    """A tuple of expressions (what :func:`symdiff.grad` returns) that a notebook shows as a
    column of formulas, each with its label (``∂f/∂w``) when it has one. It is a tuple in every
    other way: unpacking, indexing, equality with plain tuples, ``repr``.

    >>> from symdiff import grad, parse, symbols
    >>> g = grad(parse("w*x + b"), symbols("w b"))
    >>> g
    (Symbol('x'), Constant(1))
    >>> g.labels
    ('∂f/∂w', '∂f/∂b')
    >>> print(g)
    ∂f/∂w = x
    ∂f/∂b = 1
    """

    labels: tuple[str, ...] | None
    # The LaTeX labels, or the symbols of ∂f/∂v labels not written yet (grad makes them only
    # when a notebook asks: LaTeX names cost more than a small gradient's sweep).
    _latex: tuple[str, ...] | tuple[Any, ...] | None
    _latex_pending: bool = False

    def __new__(cls, items: Any, labels: Sequence[str] | None = None,
                latex_labels: Sequence[str] | None = None) -> Formulas:
        self = super().__new__(cls, items)
        for given in (labels, latex_labels):
            if given is not None and len(given) != len(self):
                raise ValueError(f"{len(given)} labels for {len(self)} formulas")
        self.labels = None if labels is None else tuple(labels)
        self._latex = None if latex_labels is None else tuple(latex_labels)
        return self

    @property
    def latex_labels(self) -> tuple[str, ...] | None:
        if self._latex_pending:
            names: tuple[Any, ...] = self._latex or ()
            self._latex = tuple(rf"\frac{{\partial f}}{{\partial {symbol_latex(name)}}}"
                                for name in names)
            self._latex_pending = False
        return self._latex

    def __reduce__(self) -> Any:
        return (Formulas, (tuple(self), self.labels, self.latex_labels))

    @classmethod
    def gradient(cls, partials: Sequence[Any], names: Sequence[str]) -> Formulas:
        """The partials of ``f`` with respect to the variables ``names``, labelled ``∂f/∂v``
        (what scalar and tensor ``grad`` return for several variables)."""
        self = cls(partials, [f"∂f/∂{name}" for name in names])
        self._latex, self._latex_pending = tuple(names), True  # LaTeX labels on first use
        return self

    def __repr__(self) -> str:
        return tuple.__repr__(self)

    def __str__(self) -> str:
        if self.labels is None:
            return "\n".join(str(e) for e in self)
        return "\n".join(f"{label} = {e}" for label, e in zip(self.labels, self, strict=True))

    def _repr_latex_(self) -> str | None:
        if any(len(toposort((e,))) > DISPLAY_LATEX_MAX_NODES for e in self):
            return None
        formulas = [to_latex(e) for e in self]
        if self.latex_labels is not None:
            lines = [f"{label} &= {tex}" for label, tex in zip(self.latex_labels, formulas,
                                                                 strict=True)]
            return "$$\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}$$"
        return "$$\\begin{pmatrix}\n" + " \\\\\n".join(formulas) + "\n\\end{pmatrix}$$"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return display_bundle(self)


set_printer(render_with_names)
