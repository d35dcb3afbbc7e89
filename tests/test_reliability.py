"""Reliability: threads, interrupts, limits and errors (docs/reliability.md)."""

from __future__ import annotations

import gc
import random
import signal
import sys
import threading

import pytest

import symdiff
from symdiff import Symbol, diff, parse

x = Symbol("x")


@pytest.fixture
def fast_switching():
    """Make the interpreter switch threads every microsecond, to expose races."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


def test_interning_holds_under_eight_threads(fast_switching):
    # Build and drop the same expressions from 8 threads: every rebuild must return the one
    # live node (before the fix, a check-then-insert race broke this dozens of times).
    violations = {"reparse": 0, "rebuild": 0, "diff": 0}

    def churn(tid: int) -> None:
        for r in range(250):
            text = f"sin(x*{r % 7} + y)*exp(x - {tid % 3}) + x**3"
            e = parse(text)
            if parse(str(e)) is not e:
                violations["reparse"] += 1
            for _ in range(3):
                if parse(text) is not e:
                    violations["rebuild"] += 1
            if diff(e, x) is not diff(parse(text), x):
                violations["diff"] += 1
            del e

    threads = [threading.Thread(target=churn, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert violations == {"reparse": 0, "rebuild": 0, "diff": 0}


def _build_and_drop() -> None:
    term = x
    for i in range(30):
        term = symdiff.sin(term) * (i + 2) + term
    del term


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs POSIX interval timers")
def test_an_interrupt_during_build_and_drop_is_never_lost():
    # SIGALRM raises KeyboardInterrupt at a random moment of a build/drop loop. If it landed
    # in a Python weakref callback, Python would print "Exception ignored" and drop it: the
    # loop would then run to its end. Every one of the interrupts must reach the loop.
    # (Other libraries' collector hooks run Python code too — Hypothesis and JAX install
    # gc.callbacks — and could lose one the same way: they are set aside for the test.)
    unraisable: list[object] = []
    old_hook = sys.unraisablehook
    sys.unraisablehook = unraisable.append
    foreign_hooks = gc.callbacks[:]
    gc.callbacks.clear()
    gc.collect()

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    old_handler = signal.signal(signal.SIGALRM, interrupt)
    rng = random.Random(15)
    lost = 0
    try:
        for _ in range(200):
            caught = False
            try:
                signal.setitimer(signal.ITIMER_REAL, rng.uniform(1e-4, 2e-3))
                for _ in range(2000):
                    _build_and_drop()
            except KeyboardInterrupt:
                caught = True
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            lost += not caught
    finally:
        signal.signal(signal.SIGALRM, old_handler)
        sys.unraisablehook = old_hook
        gc.callbacks[:] = foreign_hooks
    assert unraisable == []
    assert lost == 0


class _Cycle:
    """Cyclic garbage with a finalizer: the collector runs Python code mid-compile."""

    def __del__(self) -> None:
        pass


def test_lambdify_from_eight_threads(fast_switching):
    # CPython 3.11: two threads converting ASTs at once fail with "SystemError: AST
    # constructor recursion depth mismatch" unless codegen serialises parse and compile.
    errors: list[str] = []
    thresholds = gc.get_threshold()
    gc.set_threshold(50, 5, 5)  # collections (and finalizers) inside compile()

    def work(tid: int) -> None:
        y = Symbol("y")
        for r in range(15):
            e = x
            for k in range(60 + r):
                e = symdiff.sin(e * (k + tid + 2) + y)
            try:
                f = symdiff.lambdify([x, y], e)
                assert f(0.5, 0.25) == e.evaluate(x=0.5, y=0.25)
            except Exception as exc:
                errors.append(repr(exc))
            for _ in range(50):
                c = _Cycle()
                c.self = c  # type: ignore[attr-defined]

    try:
        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        gc.set_threshold(*thresholds)
    assert errors == []


def test_generated_source_leaves_linecache_when_the_function_is_freed():
    import linecache

    f = symdiff.lambdify([x], symdiff.sin(x) * 3)
    filename = f.__code__.co_filename if hasattr(f, "__code__") else f.__func__.__code__.co_filename
    assert filename in linecache.cache
    del f
    gc.collect()
    symdiff.lambdify([x], symdiff.cos(x))  # entries of freed functions go at the next compile
    assert filename not in linecache.cache
