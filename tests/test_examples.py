"""The examples of issue 6 run (in their small configurations) and reach their stated goals."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_universal_approximation_quick(tmp_path, capsys):
    example = load("universal_approximation")
    assert example.main(["--quick", "--out", str(tmp_path), "--format", "svg"]) == 0
    out = capsys.readouterr().out
    assert "fits" in out and "DOES NOT FIT" not in out
    mse = float(out.split("final MSE ")[1].split()[0])
    assert mse < example.PIECEWISE_THRESHOLD
    for name in ("piecewise", "sine", "sine_units"):
        assert (tmp_path / f"universal_approximation_{name}.svg").read_text().startswith("<?xml")


def test_backprop(capsys):
    example = load("backprop")
    assert example.main(["--trace"]) == 0
    out = capsys.readouterr().out
    assert "they agree" in out and "formulas match the reverse sweep" in out
    assert "∂C/∂z2_1" in out and "∂C/∂z1_2" in out and "∂C/∂W1_21" in out
    assert "reverse mode" in out          # the trace


@pytest.mark.slow
def test_examples_run_as_scripts(tmp_path):
    for script, args in (("backprop.py", []),
                         ("universal_approximation.py", ["--quick", "--out", str(tmp_path)])):
        done = subprocess.run([sys.executable, str(EXAMPLES / script), *args],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr


def test_train_dask_quick(capsys):
    pytest.importorskip("dask.array")
    example = load("train_dask")
    assert example.main(["--points", "8000", "--steps", "12", "--chunk", "2000"]) == 0
    out = capsys.readouterr().out
    assert "8000 points in chunks of 2000" in out and "the error fell" in out
