"""The op record and the registry: what an operation is, and the one table that holds them.

An :class:`Op` declares everything about one operation (arity, float evaluation, partial
rules, text, LaTeX, code templates, render label, SymPy name); :func:`register_op` puts it in
:data:`OPS` and tells every consumer that keeps a table of its own (:func:`on_register`).
The built-in entries are made in :mod:`symdiff._ops`; ``symdiff.extend`` registers more.

This module imports nothing else from symdiff but the errors, so every layer may read it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from ._errors import SymdiffError

__all__ = ["Op", "Rule", "OPS", "FUNCTIONS", "CONSTANTS", "ALIASES", "FLOAT", "BUILTIN",
           "register_op", "register_function", "get_op", "on_register", "unregister_op",
           "PREC_OR", "PREC_AND", "PREC_CMP", "PREC_ADD", "PREC_MUL", "PREC_NEG", "PREC_POW",
           "PREC_ATOM"]

# Printing precedences: higher binds tighter. Arithmetic is Python's; ``&`` and ``|`` bind
# looser than comparisons (like Python's ``and``/``or``), so ``x > 0 & x < 1`` means what it says.
PREC_OR = 2
PREC_AND = 4
PREC_CMP = 6
PREC_ADD = 10
PREC_MUL = 20
PREC_NEG = 30
PREC_POW = 40
PREC_ATOM = 100

Rule = Callable[..., Any]


@dataclass(frozen=True, eq=False)
class Op:
    """One operation. Instances are compared by identity; ``name`` is unique in :data:`OPS`.

    kind: ``"leaf"`` (symbol, number, or a named constant such as ``pi``, whose ``evaluate()``
    gives its float), ``"infix"`` (binary operator), ``"prefix"`` (unary minus) or
    ``"function"`` (called by name, e.g. ``sin(x)``, ``atan2(y, x)``).
    evaluate: the float implementation (raises ValueError/ZeroDivisionError/OverflowError
    outside the domain; callers translate these to :class:`symdiff.DomainError`).
    partials: one rule per argument, ``rule(F, *args, out) -> ∂out/∂arg``.
    text: the infix symbol (``"+"``) or the function name.
    latex: a ``str.format`` template over the operands' LaTeX.
    latex_delimits: per operand, whether the LaTeX template already delimits it (no parens).
    python / numpy: ``str.format`` templates over operand code; ``{m}`` is the math/numpy module
    alias. ``helper`` is the source of a helper function the template calls, if any.
    exact: exact values at exact arguments, used for folding (``exp(0) → 1``); a named
    constant's key is its name (``log(E) → 1``).
    fold: a construction-time rewrite ``fold(F, *args) -> expression or None`` (e.g.
    ``where(1, a, b) → a``).
    variants: other argument counts, ``{count: rule(F, *args)}`` building the expression
    (``log(x, base) = log(x)/log(base)``).
    aliases: other spellings the parser accepts (SymPy's ``Abs``, NumPy's ``arctan``).
    family: the family of an op made on demand (undefined functions), "" for table ops.
    """

    name: str
    arity: int
    kind: str
    evaluate: Callable[..., float]
    partials: tuple[Rule, ...]
    text: str
    latex: str
    precedence: int = PREC_ATOM
    latex_delimits: tuple[bool, ...] = ()
    python: str = ""
    numpy: str = ""
    helper: str = ""
    numpy_helper: str = ""
    label: str = ""
    sympy: str | None = None
    exact: dict[Any, Any] = field(default_factory=dict)
    doc: str = ""
    # Whole JVP / VJP rules, for ops whose chain rule is not "partial times tangent" (the
    # sweeps derive both from ``partials`` when these are None): jvp(F, args, out, tangents)
    # and vjp(F, args, out, adjoint) -> one contribution (or None) per argument.
    jvp: Callable[..., Any] | None = None
    vjp: Callable[..., Any] | None = None
    # How the parser groups a chain of this infix operator: a - b - c is (a - b) - c, but
    # a ** b ** c is a ** (b ** c).
    right_associative: bool = False
    fold: Callable[..., Any] | None = None
    variants: dict[int, Rule] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    # A family of ops made on demand rather than listed in the table (``"undefined"``: the
    # undefined functions f, k and their derivative ops, symdiff/_undefined.py). A consumer's
    # table holds one entry per family; the family's ops have no numeric value and no code.
    family: str = ""

    def __repr__(self) -> str:
        return f"<op {self.name}>"


OPS: dict[str, Op] = {}
FUNCTIONS: dict[str, Op] = {}
#: Named constants (``pi``, ``E``): leaves that evaluate to a float only when evaluated.
CONSTANTS: dict[str, Op] = {}
#: Other spellings of functions and constants → the op's name (``arctan`` → ``atan``).
ALIASES: dict[str, str] = {}
# Rules evaluated on floats (numeric forward/reverse AD) call F.<name>: this namespace maps each
# op name to its float implementation.
FLOAT = SimpleNamespace()
# Consumers that keep a table of their own (function builders, the package namespace, …) hear
# of every op, those registered before they subscribed and those registered after.
_LISTENERS: list[Callable[[Op], None]] = []
_FORGETTERS: list[Callable[[Op], None]] = []
#: The names of the ops the package defines (symdiff._ops fills it): unregister_op refuses them.
BUILTIN: set[str] = set()


def on_register(listener: Callable[[Op], None],
                forget: Callable[[Op], None] | None = None) -> None:
    """Call ``listener(op)`` for every op in the table now and for every op registered later;
    ``forget(op)`` when one is unregistered."""
    _LISTENERS.append(listener)
    if forget is not None:
        _FORGETTERS.append(forget)
    for op in list(OPS.values()):
        listener(op)


def unregister_op(name: str) -> Op:
    """Remove the function ``name`` from the table and from every consumer's table (a
    notebook cell that registers a function can then be run again). Built-in ops stay."""
    op = get_op(name)
    if op.kind != "function" or name in BUILTIN:
        raise SymdiffError(f"{name!r} is built in and cannot be unregistered")
    for forget in _FORGETTERS:
        forget(op)
    del OPS[name]
    FUNCTIONS.pop(name, None)
    for alias in op.aliases:
        ALIASES.pop(alias, None)
    if hasattr(FLOAT, name):
        delattr(FLOAT, name)
    return op


def register_op(op: Op) -> Op:
    """Add ``op`` to the table (functions become callable as ``symdiff.<name>``, parseable,
    printable, differentiable, compilable and renderable). Returns the op."""
    if op.name in OPS:
        raise SymdiffError(f"an op named {op.name!r} is already registered")
    if op.kind not in ("leaf", "infix", "prefix", "function"):
        raise SymdiffError(f"unknown op kind {op.kind!r}")
    if op.kind != "leaf" and len(op.partials) != op.arity:
        raise SymdiffError(f"op {op.name!r} needs one partial rule per argument")
    taken = [a for a in op.aliases if a in OPS or a in ALIASES]
    if taken:
        raise SymdiffError(f"op {op.name!r}: the alias {taken[0]!r} is already taken")
    OPS[op.name] = op
    if op.kind != "leaf":
        setattr(FLOAT, op.name, op.evaluate)
    if op.kind == "function":
        FUNCTIONS[op.name] = op
    if op.kind == "leaf" and op.name not in ("symbol", "const"):
        CONSTANTS[op.name] = op
        setattr(FLOAT, op.name, op.evaluate())  # rules write F.pi, a float here
    ALIASES.update(dict.fromkeys(op.aliases, op.name))
    for listener in _LISTENERS:
        listener(op)
    return op


def get_op(name: str) -> Op:
    """The op called ``name``; raises :class:`SymdiffError` for an unknown name."""
    try:
        return OPS[name]
    except KeyError:
        raise SymdiffError(f"unknown op {name!r}") from None


def register_function(name: str, evaluate: Callable[..., float], partial: Rule | tuple[Rule, ...],
              latex: str, *, python: str | None = None, numpy: str | None = None,
              helper: str = "", numpy_helper: str = "", sympy: str | None = None,
              exact: dict | None = None, fold: Callable[..., Any] | None = None,
              variants: dict[int, Rule] | None = None, aliases: tuple[str, ...] = (),
              doc: str = "") -> Op:
    """Register a function ``name(x)``, or ``name(x, y, …)`` when ``partial`` is a tuple of
    rules (one per argument). The code defaults to ``{m}.name(…)``, SymPy's counterpart to
    ``sympy.<name>`` (a dotted path names another module; ``""`` means none: the bridge makes
    a SymPy function from this entry)."""
    partials = partial if isinstance(partial, tuple) else (partial,)
    operands = ", ".join(f"{{{i}}}" for i in range(len(partials)))
    return register_op(Op(
        name=name, arity=len(partials), kind="function", evaluate=evaluate, partials=partials,
        text=name, latex=latex, precedence=PREC_ATOM, latex_delimits=(True,) * len(partials),
        python=python if python is not None else f"{{m}}.{name}({operands})",
        numpy=numpy if numpy is not None else f"{{m}}.{name}({operands})",
        helper=helper, numpy_helper=numpy_helper, label=name,
        sympy=sympy if sympy is not None else name, exact=exact or {}, doc=doc, fold=fold,
        variants=variants or {}, aliases=aliases,
    ))
