"""Smoke test: ``benchmarks/bench_diff.py --quick`` runs, and its timer refuses cache hits."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

import symdiff
from symdiff import workloads

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_diff.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("bench_diff", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_diff"] = module  # dataclasses look their module up by name
    if str(SCRIPT.parent) not in sys.path:
        sys.path.insert(0, str(SCRIPT.parent))  # as when run as a script: finds _peers.py
    spec.loader.exec_module(module)
    return module


def test_quick_run_prints_table_and_goals(tmp_path: Path) -> None:
    out = tmp_path / "rows.json"
    done = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--json", str(out)],
                          capture_output=True, text=True, timeout=120, cwd=SCRIPT.parent.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| workload | form | tool | method | median |" in done.stdout
    assert "1. symdiff ≥ 100× faster than SymPy" in done.stdout
    rows = json.loads(out.read_text(encoding="utf-8"))
    workloads_seen = {r["workload"].split()[0] for r in rows}
    assert workloads_seen == {"W1", "W2", "W3", "W4"}
    for row in rows:
        assert row["seconds"] is not None or row["note"], row
        if row["err"] is not None:  # every tool's gradient agrees with symdiff's reference
            assert row["err"] < 1e-9, row
    seed = workloads.seed_sigmoid()
    (ref,) = [r for r in rows if r["workload"] == seed.name and r["reference"]]
    assert ref["tool"] == "symdiff" and ref["method"].startswith("grad")
    assert ref["f_nodes"] == symdiff.dag_size(seed.expr)
    assert ref["g_nodes"] == symdiff.dag_size(symdiff.grad(seed.expr, seed.wrt))
    assert any(r["tool"] == "SymPy" and r["seconds"] for r in rows)


def test_timer_rejects_a_result_kept_alive_between_repeats() -> None:
    bench = _load_script()
    # A symbol of its own: no other test in this process can hold nodes of this derivative.
    x = symdiff.Symbol("x_bench_smoke")
    f = workloads.logistic_map(8, x)
    budget = bench.Budget(least=3, most=3, seconds=0.0)
    seconds, repeats, result = bench.time_builds(
        lambda: symdiff.diff(f, x), budget, fresh=bench.FreshGraphs(f))
    assert repeats == 3 and seconds > 0 and result is not None
    kept = []  # a leak: every repeat's derivative stays alive, so repeat 2 is a cache hit

    def leaky() -> symdiff.Expr:
        kept.append(symdiff.diff(f, x))
        return kept[-1]

    with pytest.raises(RuntimeError, match="outlived their repeat"):
        bench.time_builds(leaky, budget, fresh=bench.FreshGraphs(f))


@pytest.mark.slow
def test_optimise_benchmark_quick_run() -> None:
    script = SCRIPT.parent / "bench_optimise.py"
    done = subprocess.run([sys.executable, str(script), "--quick"], capture_output=True,
                          text=True, timeout=600, cwd=SCRIPT.parent.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| rosenbrock | 100 | symdiff math |" in done.stdout
    assert "trust-constr wall time" in done.stdout and "| bvp | 100 |" in done.stdout


@pytest.mark.slow
def test_optimise_benchmark_points_quick_run() -> None:
    script = SCRIPT.parent / "bench_optimise.py"
    done = subprocess.run([sys.executable, str(script), "--points", "--quick"],
                          capture_output=True, text=True, timeout=600, cwd=SCRIPT.parent.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| symdiff numba, vectorize=True |" in done.stdout and "1e+04 points" in done.stdout


def test_bench_build_quick_runs() -> None:
    script = SCRIPT.parent / "bench_build.py"
    root = str(SCRIPT.parent.parent)
    done = subprocess.run([sys.executable, str(script), root, "--quick", "--gc", "both"],
                          capture_output=True, text=True, timeout=120, cwd=root)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| checkout | gc | W1 diff n=100 | W3 grad | W4 grad d=100 |" in done.stdout
    assert done.stdout.count("(1.000x)") >= 3


def _quick(script: str, *args: str) -> str:
    root = SCRIPT.parent.parent
    done = subprocess.run([sys.executable, str(SCRIPT.parent / script), *args, "--quick"],
                          capture_output=True, text=True, timeout=300, cwd=root)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_issue15_speed_benchmarks_quick_run() -> None:
    """The issue-15 measurements: W3 diff ×31 against SymPy (interleaved), W3's compiled
    gradient with operation counts, the W3 Hessian against CasADi, the per-node floor."""
    out = _quick("bench_diff.py", "--interleaved", "2")
    assert "| W3 network loss (7 parameters) | sigmoid (7) |" in out
    out = _quick("bench_codegen.py", "--w3", "2")
    assert "| symdiff math |" in out and "| SymPy lambdify (cse) |" in out
    out = _quick("bench_nodes.py", "hessian", "--rounds", "1")
    assert "| sigmoid | symdiff |" in out
    out = _quick("bench_nodes.py", "floor", "--rounds", "1")
    assert "| key tuple |" in out and "| mul(a, b) (folding checks) | " in out
