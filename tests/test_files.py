"""Files (issue 15): numba's fallback cache folder, and names numba cannot take."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import symdiff

ROOT = Path(__file__).parent.parent
pytest.importorskip("numba")


def test_numba_takes_symbol_names_of_any_length(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMDIFF_CACHE", str(tmp_path))
    long, short = symdiff.Symbol("a" * 1100), symdiff.Symbol("b")  # LLVM failed past 1,020
    f = symdiff.lambdify([long, short], symdiff.sin(long) * short, backend="numba")
    assert f(2.0, 3.0) == (symdiff.sin(long) * short).evaluate({long: 2.0, short: 3.0})
    assert "a" * 300 not in f.source.split("#")[0]  # mangled in the code, named in a comment


@pytest.mark.slow
def test_an_unwritable_numba_cache_leaves_no_folders_behind(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    code = textwrap.dedent("""
        import os, symdiff
        x = symdiff.Symbol("x")
        for k in (2, 3):  # two compiles, one fallback folder
            assert symdiff.lambdify([x], symdiff.sin(x) * k, backend="numba")(0.0) == 0.0
        print(len(os.listdir(os.environ["TMPDIR"])))
    """)
    env = dict(os.environ, SYMDIFF_CACHE=str(blocker / "cache"), TMPDIR=str(temporary),
               PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "1"  # one folder while running (one per compile before)
    assert list(temporary.iterdir()) == []  # and none once the process has exited


def test_a_damaged_numba_cache_file_is_rewritten(tmp_path, monkeypatch):
    """The module files are content-addressed; one cut short (a crash mid-write by an older
    version, a full disk) has the right name and the wrong text: it must be rewritten, not
    trusted."""
    from symdiff.codegen._runtime import write_cached

    monkeypatch.setenv("SYMDIFF_CACHE", str(tmp_path))
    source = "def f(x):\n    return x + 1\n"
    path = write_cached(source)
    assert path.read_text() == source
    path.write_text(source[:10])
    assert write_cached(source) == path and path.read_text() == source
    x = symdiff.Symbol("x")
    f = symdiff.lambdify([x], symdiff.sin(x) + 2, backend="numba")
    cached = next(p for p in tmp_path.glob("symdiff_*.py") if p != path)
    text = cached.read_text()
    cached.write_text(text[: len(text) // 2])  # half a module: would not even compile
    for module in [m for m in sys.modules if m == cached.stem]:
        del sys.modules[module]
    g = symdiff.lambdify([x], symdiff.sin(x) + 2, backend="numba")
    assert g(0.5) == f(0.5) and cached.read_text() == text
