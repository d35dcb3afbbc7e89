"""Numerical differentiation: finite differences, Richardson extrapolation, the error study.

The seed's three difference quotients, written exactly as the seed writes them so that its table
is reproduced bit for bit:

* forward  ``(f(x + h) − f(x)) / h``         truncation error O(h)
* backward ``(f(x) − f(x − h)) / h``         truncation error O(h)
* central  ``(f(x + h) − f(x − h)) / (2h)``  truncation error O(h²)

``f`` is a Python callable of one float, or a symdiff expression with ``var=`` naming the variable
and ``at=`` giving the others. Too large an h gives truncation error, too small an h gives
rounding error (``f(x ± h)`` carry a relative error ε ≈ 2.2e-16, divided by h); the error study
measures both against the exact derivative from :func:`symdiff.diff`.

Higher accuracy: :func:`richardson` extrapolates central differences at h, h/2, h/4, … to h → 0
(L. F. Richardson, "The deferred approach to the limit", Phil. Trans. R. Soc. A 226 (1927);
the tableau is Neville's, as in Press et al., *Numerical Recipes*, 3rd ed., §5.7).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._diff import diff
from ._errors import DomainError, EvaluationError, MissingValueError, SymdiffError
from ._evaluation import FLOAT_ERRORS, program_values, resolve_values
from ._expr import FUNCTION_BUILDERS, Expr, Symbol, as_expr, as_symbol, free_symbols
from ._figures import save_figure
from ._program import lower
from ._tables import text_table

__all__ = [
    "forward_difference", "backward_difference", "central_difference", "richardson",
    "gradient", "default_step", "seed_table", "format_seed_table", "SEED_STEPS",
    "ErrorStudy", "error_study", "numeric_report",
]

EPS = 2.0**-52
#: The seed's step sizes.
SEED_STEPS = (0.1, 0.01, 0.001)
_METHODS = ("forward", "backward", "central")


# --- turning the argument into a function of one float -------------------------------------

def _expression_function(expr: Expr, var: Symbol | None,
                         at: Mapping[Any, Any] | None) -> Callable[[float], float]:
    """``t ↦ expr`` at ``at`` with ``var = t``; lowered once, evaluated per call."""
    env = resolve_values(at or {})
    program = lower(expr)
    name = None if var is None else var.name
    missing = [s.name for s in program.inputs if s.name != name and s.name not in env]
    if missing:
        raise MissingValueError(f"no value given for {', '.join(map(repr, missing))} "
                                f"(pass them in at=...)")
    point = [0.0 if s.name == name else env[s.name] for s in program.inputs]
    where = [k for k, s in enumerate(program.inputs) if s.name == name]
    out = program.output_slots[0]

    def f(t: float) -> float:
        for k in where:
            point[k] = t
        return program_values(program, point)[out]  # type: ignore[no-any-return]

    return f


def _variable(expr: Expr, var: Any, at: Mapping[Any, Any] | None = None) -> Symbol | None:
    if var is None:
        given = set(resolve_values(at or {}))
        symbols = [s for s in free_symbols(expr) if s.name not in given] or free_symbols(expr)
        if len(symbols) > 1:
            names = ", ".join(s.name for s in symbols)
            raise SymdiffError(f"the expression depends on {names}: say which one with var=")
        return symbols[0] if symbols else None
    return as_symbol(var, SymdiffError, "take var=")


def _callable(f: Any, var: Any, at: Mapping[Any, Any] | None) -> Callable[[float], float]:
    if isinstance(f, (Expr, int, float)) and not isinstance(f, bool):
        expr = as_expr(f)
        return _expression_function(expr, _variable(expr, var, at), at)
    if callable(f):
        if var is not None or at:
            raise SymdiffError("var= and at= apply to symdiff expressions, not to callables")
        return _checked(f)
    raise SymdiffError(f"expected a callable or a symdiff expression, not {type(f).__name__}")


def _checked(f: Callable[..., Any]) -> Callable[..., float]:
    """``f`` with math's exceptions turned into DomainError and its result checked."""

    def call(*args: Any) -> float:
        try:
            result = f(*args)
        except SymdiffError:
            raise
        except FLOAT_ERRORS as exc:
            raise DomainError(f"the function is undefined at {args[0]!r}: {exc}") from None
        try:
            return float(result)
        except (TypeError, ValueError):
            raise EvaluationError(f"the function returned {result!r}, not a number") from None

    return call


def _point(x0: Any) -> float:
    try:
        x = float(x0)
    except (TypeError, ValueError):
        raise SymdiffError(f"the point must be a real number, not {x0!r}") from None
    if not math.isfinite(x):
        raise EvaluationError(f"the point must be finite, not {x0!r}")
    return x


def default_step(method: str, x0: float = 0.0) -> float:
    """The step that balances truncation against rounding error, for f of size ~1:
    √ε·max(1, |x₀|) for one-sided differences, ∛ε·max(1, |x₀|) for central ones.

    >>> default_step("forward")
    1.4901161193847656e-08
    """
    scale = max(1.0, abs(x0))
    if method in ("forward", "backward"):
        return math.sqrt(EPS) * scale
    if method == "central":
        return EPS ** (1 / 3) * scale
    raise SymdiffError(f"unknown difference method {method!r}: use one of {_METHODS}")


def _step(h: Any, method: str, x0: float) -> float:
    if h is None:
        return default_step(method, x0)
    try:
        step = float(h)
    except (TypeError, ValueError):
        raise SymdiffError(f"the step h must be a positive number, not {h!r}") from None
    if not (math.isfinite(step) and step > 0):
        raise SymdiffError(f"the step h must be a positive finite number, not {h!r}")
    return step


def _quotient(method: str, f: Callable[[float], float], x: float, h: float) -> float:
    # Exactly the seed's formulas (the evaluation order matters for bit-equality).
    if method == "forward":
        result = (f(x + h) - f(x)) / h
    elif method == "backward":
        result = (f(x) - f(x - h)) / h
    elif method == "central":
        result = (f(x + h) - f(x - h)) / (2 * h)
    else:
        raise SymdiffError(f"unknown difference method {method!r}: use one of {_METHODS}")
    if result != result:  # inf - inf: the rule of symdiff._evaluation, nan never silently
        raise DomainError(f"the {method} difference at {x!r} is nan: the function overflows "
                          f"to inf there (h = {h!r})")
    return result


# --- the difference quotients --------------------------------------------------------------

def forward_difference(f: Any, x0: float, h: float | None = None, *, var: Any = None,
                       at: Mapping[Any, Any] | None = None) -> float:
    """(f(x₀ + h) − f(x₀)) / h. ``f``: a callable of one float, or an expression (``var``
    names the variable when there are several, ``at`` gives the others' values). ``h``
    defaults to :func:`default_step`.

    >>> import math
    >>> forward_difference(math.exp, 0.0, 0.1)      # the seed's first entry
    1.0517091807564771
    """
    x = _point(x0)
    return _quotient("forward", _callable(f, var, at), x, _step(h, "forward", x))


def backward_difference(f: Any, x0: float, h: float | None = None, *, var: Any = None,
                        at: Mapping[Any, Any] | None = None) -> float:
    """(f(x₀) − f(x₀ − h)) / h; arguments as :func:`forward_difference`.

    >>> from symdiff import parse
    >>> backward_difference(parse("exp(x)"), 0.0, 0.1)
    0.9516258196404048
    """
    x = _point(x0)
    return _quotient("backward", _callable(f, var, at), x, _step(h, "backward", x))


def central_difference(f: Any, x0: float, h: float | None = None, *, var: Any = None,
                       at: Mapping[Any, Any] | None = None) -> float:
    """(f(x₀ + h) − f(x₀ − h)) / (2h); arguments as :func:`forward_difference`.

    >>> from symdiff import parse, Symbol
    >>> central_difference(parse("x*y"), 2.0, 0.5, var=Symbol("x"), at={"y": 3.0})
    3.0
    """
    x = _point(x0)
    return _quotient("central", _callable(f, var, at), x, _step(h, "central", x))


def richardson(f: Any, x0: float, h: float = 0.1, *, levels: int = 4, var: Any = None,
               at: Mapping[Any, Any] | None = None) -> float:
    """Richardson extrapolation of central differences D(h), D(h/2), …, D(h/2^(levels−1)).

    D(h) = f′(x) + c₂h² + c₄h⁴ + …, so D₁ = (4D(h/2) − D(h))/3 cancels the h² term, the
    next column the h⁴ term, and so on (Neville's tableau): with ``levels`` steps the
    truncation error is O(h^(2·levels)), for 2·levels evaluations of f.

    >>> import math
    >>> abs(richardson(math.exp, 0.0, 0.1) - 1.0) < 1e-12
    True
    """
    if not isinstance(levels, int) or isinstance(levels, bool) or levels < 1:
        raise SymdiffError(f"levels must be a positive integer, not {levels!r}")
    fn, x = _callable(f, var, at), _point(x0)
    step = _step(h, "central", x)
    previous: list[float] = []
    for k in range(levels):
        row = [_quotient("central", fn, x, step / 2**k)]
        for j in range(1, k + 1):
            factor = 4.0**j
            row.append(row[j - 1] + (row[j - 1] - previous[j - 1]) / (factor - 1))
        previous = row
    return previous[-1]


def gradient(f: Any, at: Any, h: float | None = None, *, wrt: Sequence[Any] | None = None,
             method: str = "central") -> Any:
    """All partial derivatives by finite differences: 2 evaluations per variable (central)
    or 1 + 1 per variable (one-sided).

    For an expression, ``at`` maps symbols (or names) to values and the result is a dict from
    each symbol of ``wrt`` (default: the free symbols) to its partial. For a callable ``f``
    taking a list of floats, ``at`` is a sequence of floats and the result a list.
    With ``h=None`` each coordinate gets :func:`default_step` scaled by its size.

    >>> from symdiff import parse, symbols
    >>> x, y = symbols("x y")
    >>> g = gradient(parse("x*y"), {x: 2.0, y: 3.0}, 0.5)
    >>> g[x], g[y]
    (3.0, 2.0)
    """
    if method not in _METHODS:
        raise SymdiffError(f"unknown difference method {method!r}: use one of {_METHODS}")
    if isinstance(f, Expr):
        env = resolve_values(at)
        present = free_symbols(f)
        variables = list(present) if wrt is None else [_variable(f, v) for v in wrt]
        result: dict[Any, float] = {}
        for v in variables:
            if v is None:
                continue
            if v not in present:
                result[v] = 0.0
                continue
            x = env.get(v.name)
            if x is None:
                raise MissingValueError(f"no value given for {v.name!r}")
            others = {k: val for k, val in env.items() if k != v.name}
            fn = _expression_function(f, v, others)
            result[v] = _quotient(method, fn, x, _step(h, method, x))
        return result
    if not callable(f):
        raise SymdiffError(f"expected a callable or a symdiff expression, not {type(f).__name__}")
    if wrt is not None:
        raise SymdiffError("wrt= applies to symdiff expressions, not to callables")
    point = [_point(v) for v in at]
    call = _checked(f)
    partials = []
    for i, x in enumerate(point):

        def along(t: float, i: int = i) -> float:
            shifted = point.copy()
            shifted[i] = t
            return call(shifted)

        partials.append(_quotient(method, along, x, _step(h, method, x)))
    return partials


# --- the seed's table ----------------------------------------------------------------------

def seed_table(f: Callable[[float], float] | Expr | None = None, x0: float = 0.0,
               steps: Sequence[float] = SEED_STEPS) -> dict[str, tuple[float, ...]]:
    """The seed's table: forward, backward and central differences of ``f`` (default eˣ, as
    ``math.exp``) at ``x0`` for each step. Bit-for-bit the seed's numbers.

    >>> seed_table()["central"]
    (1.001667500198441, 1.0000166667499921, 1.0000001666666813)
    """
    fn = _callable(math.exp if f is None else f, None, None)
    x = _point(x0)
    return {m: tuple(_quotient(m, fn, x, _step(h, m, x)) for h in steps) for m in _METHODS}


def format_seed_table(table: Mapping[str, Sequence[float]] | None = None,
                      steps: Sequence[float] = SEED_STEPS) -> str:
    """The seed's table as text (f = eˣ at x = 0, true derivative 1).

    >>> print(format_seed_table().splitlines()[2])
    forward  | 1.0517091807564771 | 1.005016708416795  | 1.0005001667083846
    """
    table = seed_table(steps=steps) if table is None else table
    headers = ["method", *(f"h = {h:g}" for h in steps)]
    rows = [[m, *(repr(v) for v in table[m])] for m in table]
    return text_table(headers, rows)


# --- the error study -----------------------------------------------------------------------

def _fit_slope(hs: Sequence[float], errors: Sequence[float]) -> float:
    """Least-squares slope of log10(error) against log10(h)."""
    pairs = [(math.log10(h), math.log10(e)) for h, e in zip(hs, errors, strict=True) if e > 0]
    if len(pairs) < 2:
        return math.nan
    mx = sum(p[0] for p in pairs) / len(pairs)
    my = sum(p[1] for p in pairs) / len(pairs)
    sxx = sum((p[0] - mx) ** 2 for p in pairs)
    sxy = sum((p[0] - mx) * (p[1] - my) for p in pairs)
    return sxy / sxx


@dataclass(frozen=True)
class ErrorStudy:
    """Absolute errors |Dₕf(x₀) − f′(x₀)| of difference quotients over a range of steps.

    ``errors[method][i]`` is the error at ``steps[i]``. The *truncation regime* of a method is
    the steps between 100× its optimal step and 0.1, where the error falls like hᵖ (p = 1 for
    forward, 2 for central); below the optimum, rounding error (≈ ε/h) takes over.
    """

    label: str
    x0: float
    exact: float
    steps: tuple[float, ...]
    errors: dict[str, tuple[float, ...]]
    per_decade: int = 1

    def optimal(self, method: str) -> tuple[float, float]:
        """(h, error) at the smallest error measured."""
        errs = self.errors[method]
        i = min(range(len(errs)), key=errs.__getitem__)
        return self.steps[i], errs[i]

    def truncation_regime(self, method: str) -> list[int]:
        """Indices of the steps in the truncation regime (see the class docstring)."""
        h_opt = self.optimal(method)[0]
        return [i for i, h in enumerate(self.steps) if 100 * h_opt <= h <= 0.1 * (1 + 1e-9)]

    def rounding_regime(self, method: str) -> list[int]:
        """Indices of the steps 100× below the optimum, where rounding error dominates."""
        h_opt = self.optimal(method)[0]
        return [i for i, h in enumerate(self.steps) if h <= h_opt / 100]

    def slope(self, method: str, regime: str = "truncation") -> float:
        """Fitted slope of log(error) against log(h) in the ``"truncation"`` regime (≈ 1 for
        forward, ≈ 2 for central) or the ``"rounding"`` regime (≈ −1, noisy)."""
        indices = (self.truncation_regime(method) if regime == "truncation"
                   else self.rounding_regime(method))
        return _fit_slope([self.steps[i] for i in indices],
                          [self.errors[method][i] for i in indices])

    def table(self, decades_only: bool = True) -> str:
        """The errors as a text table (one row per power of ten by default), then the slopes
        and optimal steps."""
        methods = list(self.errors)
        headers = ["h", *(f"{m} error" for m in methods)]
        rows = []
        for i, h in enumerate(self.steps):
            if decades_only and i % self.per_decade:
                continue
            rows.append([f"{h:.0e}", *(f"{self.errors[m][i]:.3e}" for m in methods)])
        lines = [f"error of difference quotients of {self.label} at x = {self.x0:g} "
                 f"(exact derivative {self.exact!r}, from symdiff.diff)", "",
                 text_table(headers, rows), ""]
        for m in methods:
            h_opt, e_opt = self.optimal(m)
            lines.append(f"{m}: truncation slope {self.slope(m):.2f}, rounding slope "
                         f"{self.slope(m, 'rounding'):.2f}, optimal h ≈ {h_opt:.1e} "
                         f"(error {e_opt:.1e})")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def plot(self, path: str) -> str:
        """Write the log-log error plot (SVG, PNG or any format matplotlib knows by the
        file's extension); returns the path."""
        from matplotlib.figure import Figure

        fig = Figure(figsize=(7, 4.5))
        ax = fig.add_subplot()
        styles = {"forward": ("tab:blue", "o"), "backward": ("tab:green", "v"),
                  "central": ("tab:red", "s"), "richardson": ("tab:purple", "d")}
        for m, errs in self.errors.items():
            color, marker = styles.get(m, ("black", "."))
            pts = [(h, e) for h, e in zip(self.steps, errs, strict=True) if e > 0]
            slope = self.slope(m)
            label = m if math.isnan(slope) else f"{m} (slope {slope:.2f})"
            ax.loglog([p[0] for p in pts], [p[1] for p in pts], marker=marker, color=color,
                      markersize=3, linewidth=1, label=label)
            h_opt, e_opt = self.optimal(m)
            ax.loglog([h_opt], [e_opt], marker="*", color=color, markersize=14, linestyle="")
        hs = [h for h in self.steps if h >= 1e-16]
        scale = max(abs(self.exact), 1.0)
        ax.loglog(hs, [EPS * scale / h for h in hs], "k:", linewidth=1, label="ε/h (rounding)")
        ax.set_xlabel("step h")
        ax.set_ylabel("absolute error")
        ax.set_title(f"Finite-difference error, {self.label} at x = {self.x0:g} "
                     "(★ optimal h)")
        ax.set_ylim(1e-17, 10)
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(loc="lower left", fontsize=8)
        fig.tight_layout()
        save_figure(fig, path)
        return path


def error_study(f: Any = None, x0: float = 0.0, *, var: Any = None,
                at: Mapping[Any, Any] | None = None, exact: float | None = None,
                methods: Sequence[str] = ("forward", "central"), smallest: float = 1e-16,
                per_decade: int = 1) -> ErrorStudy:
    """Errors of difference quotients for h = 1, 10^(−1/per_decade), …, down to ``smallest``.

    ``f`` defaults to the seed's eˣ (as a symdiff expression); the exact derivative comes
    from :func:`symdiff.diff` (for a plain callable pass ``exact=``). ``methods`` may include
    ``"richardson"`` (4 levels from h).

    >>> study = error_study()
    >>> round(study.slope("forward")), round(study.slope("central"))
    (1, 2)
    """
    if f is None:
        f = FUNCTION_BUILDERS["exp"](Symbol("x"))
    fn = _callable(f, var, at)
    x = _point(x0)
    label = str(f) if isinstance(f, Expr) else getattr(f, "__name__", "f")
    if exact is None:
        if not isinstance(f, Expr):
            raise SymdiffError("pass exact= (the true derivative) for a callable")
        v = _variable(f, var, at)
        derivative = diff(f, v) if v is not None else as_expr(0)
        exact = _expression_function(derivative, v, at)(x)
    if not isinstance(per_decade, int) or per_decade < 1:
        raise SymdiffError(f"per_decade must be a positive integer, not {per_decade!r}")
    count = round(-math.log10(smallest) * per_decade)
    steps = tuple(10.0 ** (-k / per_decade) for k in range(count + 1))
    errors = {}
    for m in methods:
        if m == "richardson":
            errors[m] = tuple(abs(richardson(fn, x, h) - exact) for h in steps)
        else:
            errors[m] = tuple(abs(_quotient(m, fn, x, h) - exact) for h in steps)
    return ErrorStudy(label, x, float(exact), steps, errors, per_decade)


def numeric_report(plot: str | None = None, per_decade: int = 4) -> str:
    """What ``symdiff numeric`` prints: the seed's table (checked), the error study of eˣ at
    0 and the Richardson estimate; with ``plot`` (a file name), also writes the log-log plot.
    """
    table = seed_table()
    study = error_study(per_decade=per_decade)
    lines = ["The seed's table: difference quotients of f(x) = e^x at x = 0 (true value 1)", "",
             format_seed_table(table), "", study.table(), "",
             f"Richardson extrapolation (4 levels from h = 0.1): "
             f"{richardson(math.exp, 0.0, 0.1)!r}"]
    if plot:
        dense = study if per_decade >= 4 else error_study(per_decade=4)
        dense.plot(plot)
        lines += ["", f"plot written to {plot}"]
    return "\n".join(lines)
