"""The user's side of undefined functions: :class:`Function` and :class:`Lambda`.

``Function("f")`` names a function with no formula; calling it builds ``f(x)`` nodes whose ops
are the family of :mod:`symdiff._undefined`, so ``diff``, ``grad``, the printers and the SymPy
bridge handle them through their tables. ``Lambda(u, sin(u))`` is a concrete function that can
take its place later: ``e.subs({f: Lambda(u, sin(u))})`` replaces every ``f(a)`` by ``sin(a)``
and every derivative node ``f'(a)``, ``D[1, 0](k)(a, b)`` by the concrete derivative, after
which the expression evaluates and compiles.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ._diff import diff
from ._errors import ConversionError
from ._expr import Expr, ExprLike, apply, as_expr, as_symbol, substitute
from ._undefined import UndefinedOp, check_name, undefined_op

__all__ = ["Function", "Lambda"]


class Function:
    """An undefined function: a name and a number of arguments, no formula.

    The number of arguments is ``arity``, or fixed by the first call. Derivatives are nodes of
    their own (``f'(x)``; ``D[1, 0](k)(x, y)`` is ∂k/∂(first argument)), and
    ``expr.subs({f: Lambda(u, ...)})`` replaces the function by a concrete one.

    >>> import symdiff
    >>> f, g = symdiff.Function("f"), symdiff.Function("g")
    >>> x = symdiff.Symbol("x")
    >>> print(symdiff.diff(f(g(x)), x))
    g'(x)*f'(g(x))
    >>> k = symdiff.Function("k", 2)
    >>> print(symdiff.diff(k(x, x**2), x))
    D[1, 0](k)(x, x**2) + D[0, 1](k)(x, x**2)*(2*x)
    """

    __slots__ = ("arity", "name")

    def __init__(self, name: str, arity: int | None = None) -> None:
        self.name = check_name(name)
        if arity is not None and (not isinstance(arity, int) or isinstance(arity, bool)
                                  or arity < 1):
            raise ConversionError(f"a function's arity must be an integer ≥ 1, not {arity!r}")
        self.arity = arity

    def __call__(self, *args: ExprLike) -> Expr:
        if not args:
            raise ConversionError(f"{self.name}() needs at least one argument")
        if self.arity is None:
            self.arity = len(args)  # fixed by the first use
        elif len(args) != self.arity:
            raise ConversionError(f"{self.name} takes {self.arity} argument(s), got "
                                  f"{len(args)}")
        return apply(undefined_op(self.name, self.arity), *args)

    def _symdiff_apply_(self, op: UndefinedOp, args: list[Expr]) -> Expr:
        """This function in the place of another's node ``op(*args)`` (a renaming)."""
        if self.arity is not None and op.arity != self.arity:
            raise ConversionError(f"{op.function} takes {op.arity} argument(s) but "
                                  f"{self.name} takes {self.arity}")
        return apply(undefined_op(self.name, op.arity, op.counts), *args)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Function) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("Function", self.name))

    def __repr__(self) -> str:
        return f"Function({self.name!r})"


class Lambda:
    """A concrete function ``variables ↦ body``, to call or to substitute for an undefined
    function.

    >>> import symdiff
    >>> u, x = symdiff.symbols("u x")
    >>> f = symdiff.Function("f")
    >>> d = symdiff.diff(f(x**2), x)
    >>> print(d)
    2*x*f'(x**2)
    >>> print(d.subs({f: symdiff.Lambda(u, symdiff.sin(u))}))
    2*x*cos(x**2)
    >>> symdiff.Lambda(u, u**2)(3)
    Constant(9)
    """

    __slots__ = ("_derivatives", "body", "variables")

    def __init__(self, variables: Any, body: ExprLike) -> None:
        items: Iterable[Any] = (
            variables if isinstance(variables, (list, tuple)) else (variables,))
        self.variables = tuple(as_symbol(v, ConversionError, "make a Lambda of a")
                               for v in items)
        if not self.variables or len(set(self.variables)) != len(self.variables):
            raise ConversionError("a Lambda needs one or more distinct variables")
        self.body = as_expr(body)
        # Derivatives of the body by counts, made once per Lambda (a memo of this object).
        self._derivatives: dict[tuple[int, ...], Expr] = {}

    def __call__(self, *args: ExprLike) -> Expr:
        if len(args) != len(self.variables):
            raise ConversionError(f"this Lambda takes {len(self.variables)} argument(s), got "
                                  f"{len(args)}")
        return substitute(self.body, dict(zip(self.variables, args, strict=True)))

    def derivative(self, counts: tuple[int, ...]) -> Expr:
        """The body differentiated ``counts[i]`` times in variable ``i``."""
        found = self._derivatives.get(counts)
        if found is None:
            spec: list[Any] = []
            for v, c in zip(self.variables, counts, strict=True):
                if c:
                    spec += [v, c]
            found = diff(self.body, *spec) if spec else self.body
            self._derivatives[counts] = found
        return found

    def _symdiff_apply_(self, op: UndefinedOp, args: list[Expr]) -> Expr:
        """The node ``op(*args)`` of an undefined function (or a derivative of it) with this
        function in its place."""
        if op.arity != len(self.variables):
            raise ConversionError(f"{op.function} takes {op.arity} argument(s) but the "
                                  f"Lambda has {len(self.variables)} variable(s)")
        return substitute(self.derivative(op.counts), dict(zip(self.variables, args,
                                                              strict=True)))

    def __repr__(self) -> str:
        names = ", ".join(v.name for v in self.variables)
        return f"Lambda(({names}), {self.body})"
