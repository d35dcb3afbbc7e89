"""Helpers shared by the swell study's modules (:mod:`symdiff.studies.swell` and its parts):
argument checks, the table cells' number formats, timing, and SymPy's time budget."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .._errors import SymdiffError
from .._tables import text_table
from .._util import format_seconds, short_number, time_call

MAX_N = 10_000


def check_n(n: Any, what: str = "n", limit: int = MAX_N) -> int:
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= limit:
        raise SymdiffError(f"{what} must be an integer from 1 to {limit}, not {n!r}")
    return n


def ratio(a: float, b: float) -> str:
    """a/b to 3 significant digits, as a whole number from 1000 on (1704, not 1.7e+03)."""
    if b == 0:
        return ""
    if a < 1000 * b:
        return f"{a / b:.3g}"
    return fmt(round(a / b) if a < 10**300 * b else a // b)


# Short local names for the table cells' formats (the helpers live in symdiff._util).
fmt = short_number
fmt_time = format_seconds


def table(header: Sequence[str], rows: Iterable[Sequence[str]], left: int = 1) -> str:
    """Columns right-aligned (the first ``left`` left-aligned), two spaces apart."""
    return text_table(header, list(rows), right=range(left, len(header)), sep="  ", rule=False)


def timed(fn: Callable[..., Any], repeat: int = 3) -> tuple[Any, float]:
    """The result of ``fn()`` and the median of up to ``repeat`` timings (one if it is slow),
    each build from scratch (see :func:`symdiff._util.time_call`)."""
    return time_call(fn, repeat, stop_after=0.2)


class Budget:
    """Decides whether the next step of a growing SymPy computation should run: not after a
    step took longer than ``seconds``, nor when the growth of the last two steps predicts it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.times: list[float] = []

    def allows(self) -> bool:
        if not self.times:
            return self.seconds > 0
        last = self.times[-1]
        if last > self.seconds:
            return False
        if len(self.times) >= 2 and self.times[-2] > 0:
            growth = max(1.0, last / self.times[-2])
            return last * growth <= self.seconds
        return True

    def spent(self, seconds: float) -> None:
        self.times.append(seconds)


def sympy_available() -> bool:
    try:
        import sympy  # noqa: F401
    except ImportError:  # pragma: no cover - SymPy is a dependency
        return False
    return True


def clear_sympy_cache() -> None:
    from sympy.core.cache import clear_cache

    clear_cache()
