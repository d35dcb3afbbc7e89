"""The cross-cutting helpers, once each: number and time formatting and the timer.

(The others live where their types do: tables in ``symdiff._tables``, the "must be a symbol"
check in ``symdiff._expr.as_symbol``, resolving a point in ``symdiff._evaluation``.)
"""

from __future__ import annotations

import gc
import itertools
import math
import os
import signal
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, TypeVar

__all__ = ["short_number", "exact_number", "format_seconds", "time_call", "gc_paused",
           "InterruptGuard", "interrupts_kept", "command_importing", "command_started"]

T = TypeVar("T")

# The passes build large graphs of objects that hold no reference cycles (nodes refer only to
# their arguments), so the cyclic collector finds nothing in them, yet it runs over the whole
# heap again and again while they are built: 1.4–2× the time of a pass. It is paused for the
# duration of a pass (nested and threaded passes counted, so that the last one to finish
# resumes it, and only if it was running before).
_GC_LOCK = threading.Lock()
_GC_STATE = {"depth": 0, "resume": False}


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the block runs (reference counting
    still frees everything at once; only cycles wait for the collector's next run)."""
    with _GC_LOCK:
        if _GC_STATE["depth"] == 0:
            _GC_STATE["resume"] = gc.isenabled()
            gc.disable()
        _GC_STATE["depth"] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_STATE["depth"] -= 1
            if _GC_STATE["depth"] == 0 and _GC_STATE["resume"]:
                gc.enable()


def short_number(value: int | float | None, digits: int = 3) -> str:
    """A number for a table: floats to ``digits`` significant digits (``0`` for zero), ints
    exactly up to 12 digits and then as ``1.23e3014`` (exact, for any size: no conversion of
    a huge int to float or to its full decimal text). ``None`` is the empty cell.

    >>> short_number(0.25), short_number(0.0), short_number(2**64), short_number(10**5000)
    ('0.25', '0', '1.84e19', '1.00e5000')
    """
    if value is None:
        return ""
    if isinstance(value, float):
        return "0" if value == 0 else f"{value:.{digits}g}"
    if abs(value) < 10**12:
        return str(value)
    sign, value = ("-", -value) if value < 0 else ("", value)
    # log10 from the bit length: exact enough for a first guess at any size, then corrected.
    exponent = int((value.bit_length() - 1) * math.log10(2))
    while 10**exponent > value:
        exponent -= 1
    while 10 ** (exponent + 1) <= value:
        exponent += 1
    mantissa = str(value // 10 ** (exponent - digits + 1))
    return f"{sign}{mantissa[0]}.{mantissa[1:]}e{exponent}"


#: Python refuses to convert ints of more digits than this to text (sys.int_info).
_STR_DIGITS = getattr(sys.int_info, "default_max_str_digits", 4300) or 4300


def exact_number(value: int) -> str:
    """An int as text: exact while Python can write it (up to 4,300 digits), else in the
    scientific form of :func:`short_number` (``1.00e5000``), never a ``ValueError``.

    >>> exact_number(2**64), exact_number(-10**5000)
    ('18446744073709551616', '-1.00e5000')
    """
    # bit_length * log10(2) bounds the digits from above within one: cheap at any size.
    if value.bit_length() * 0.30103 < _STR_DIGITS - 1:
        return str(value)
    return short_number(value)


class InterruptGuard:
    """What :func:`interrupts_kept` yields: whether a Ctrl-C arrived, a ``check`` to raise it
    where it can be acted on, and ``deferred()`` for a block it must not cut in two."""

    def __init__(self, parent: InterruptGuard | None = None) -> None:
        self.interrupted = False
        self.parent = parent
        self._defer = 0

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        guard: InterruptGuard | None = self
        deferred = False
        while guard is not None:  # an outer guard learns of it too
            guard.interrupted = True
            deferred = deferred or guard._defer > 0
            guard = guard.parent
        if not deferred:
            raise KeyboardInterrupt

    def check(self) -> None:
        """Raise :class:`KeyboardInterrupt` if an interrupt arrived (even one swallowed)."""
        if self.interrupted:
            raise KeyboardInterrupt

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """An interrupt during the block is recorded and raised only after it."""
        self._defer += 1
        try:
            yield
        finally:
            self._defer -= 1
        self.check()


@contextmanager
def interrupts_kept() -> Iterator[InterruptGuard]:
    """A block in which a Ctrl-C is never lost. Python raises ``KeyboardInterrupt`` wherever
    the main thread is, also inside a weak reference's callback or a finalizer that another
    library runs (matplotlib's), where it is printed as "Exception ignored" and dropped: the
    work then goes on as if nothing happened. Here the interrupt is also recorded, that
    report is not printed, and the block ends with ``KeyboardInterrupt`` at the latest when
    it would have ended normally. Blocks nest (an inner one tells the outer ones). Outside the
    main thread, or when the program has a SIGINT handler of its own, nothing changes
    (``check`` never raises)."""
    previous = signal.getsignal(signal.SIGINT)
    outer = getattr(previous, "__self__", None)
    if not isinstance(outer, InterruptGuard):
        outer = None
    guard = InterruptGuard(outer)
    if threading.current_thread() is not threading.main_thread() or (
            outer is None and previous is not signal.default_int_handler):
        yield guard
        return
    previous_hook = sys.unraisablehook

    def unraisable(info: Any) -> None:
        if not (guard.interrupted and isinstance(info.exc_value, KeyboardInterrupt)):
            previous_hook(info)

    signal.signal(signal.SIGINT, guard._handler)
    sys.unraisablehook = unraisable
    try:
        yield guard
    finally:
        signal.signal(signal.SIGINT, previous)
        sys.unraisablehook = previous_hook
    guard.check()


def _is_the_command() -> bool:
    """Whether this process is the ``symdiff`` command, importing the package: the console
    script (``sys.argv[0]`` is the script, ``symdiff``), or ``python -m symdiff`` (while
    runpy imports the package, ``sys.argv[0]`` is ``"-m"``)."""
    first = sys.argv[0] if sys.argv else ""
    if first == "-m":
        arguments = getattr(sys, "orig_argv", [])
        return any(pair == ("-m", "symdiff") for pair in itertools.pairwise(arguments)
                   ) or "-msymdiff" in arguments
    return os.path.splitext(os.path.basename(first))[0] in ("symdiff", "symdiff-script")


_IMPORT_INTERRUPTED: list[bool] = []


def _interrupted_while_importing(signum: int, frame: FrameType | None) -> None:
    # SystemExit, which Python exits with and does not print (a KeyboardInterrupt raised in
    # the middle of an import is printed with its traceback); one line, only once.
    if not _IMPORT_INTERRUPTED:
        _IMPORT_INTERRUPTED.append(True)
        print("symdiff: interrupted", file=sys.stderr, flush=True)
    raise SystemExit(130)


def command_importing() -> None:
    """Called first by the package's ``__init__``: in the ``symdiff`` command only (the
    console script or ``python -m symdiff``; any other program that imports symdiff keeps
    its own SIGINT handling), a Ctrl-C from now until the command starts
    (:func:`command_started`) prints ``symdiff: interrupted`` and exits with status 130,
    not Python's traceback from the middle of the imports."""
    if not _is_the_command() or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return
    try:
        signal.signal(signal.SIGINT, _interrupted_while_importing)
    except ValueError:  # not the main thread (an embedding application imports symdiff)
        pass


def command_started() -> None:
    """The command's own handling of Ctrl-C takes over from :func:`command_importing`'s.
    (With ``$SYMDIFF_TEST_IMPORT_PAUSE`` set to a file name, the tests' hook: the command
    first creates that file and waits 60 s, the imports done, its handler still the
    import's, for a test's SIGINT.)"""
    if signal.getsignal(signal.SIGINT) is not _interrupted_while_importing:
        return
    pause = os.environ.get("SYMDIFF_TEST_IMPORT_PAUSE")
    if pause:
        with open(pause, "w", encoding="utf-8"):
            pass
        time.sleep(60)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def format_seconds(seconds: float | None, digits: int = 3) -> str:
    """Seconds with a unit, ``digits`` significant digits: ``52.1 µs``, ``1.51 ms``, ``2.4 s``.

    >>> format_seconds(0.0000521), format_seconds(2.4)
    ('52.1 µs', '2.4 s')
    """
    if seconds is None:
        return ""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.{digits}g} {unit}"
    return f"{seconds / 1e-9:.{digits}g} ns"


def time_call(fn: Callable[[], T], repeats: int = 3, stop_after: float | None = None
              ) -> tuple[T, float]:
    """``fn()``'s result and the median wall time of up to ``repeats`` calls (fewer once one
    call took longer than ``stop_after`` seconds). The previous result is released before each
    call, so that a call that builds expressions builds them again (no intern-table hits)."""
    times: list[float] = []
    result: Any = None
    for _ in range(max(1, repeats)):
        result = None
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
        if stop_after is not None and times[-1] > stop_after:
            break
    return result, statistics.median(times)
