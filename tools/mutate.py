"""Mutation testing of symdiff's own suite: does it catch deliberate bugs?

Each mutation below is one named, deliberate bug: a piece of symdiff's source replaced by a
wrong one. For each, the script copies the working tree into a temporary folder, applies the
mutation to the copy (never to your files), runs the tests that should catch it against the
copy, and reports who killed it: the first failing test, or SURVIVED when every test passed.
A survivor is a hole in the suite: close it with a test that fails on the mutated code.

Run on demand (not in CI; each mutation runs a part of the suite):

    python tools/mutate.py                      # every mutation, each against its tests
    python tools/mutate.py --list               # the mutations and their tests
    python tools/mutate.py pow-left-assoc ...   # chosen mutations
    python tools/mutate.py --tests tests        # every mutation against the whole suite
    python tools/mutate.py --jobs 2             # two mutations at a time

A mutation whose original text is no longer in the source (the code moved on) is reported as
STALE and makes the exit status non-zero, as a survivor does: update its text here.
The results of the last full run are recorded in docs/reliability.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutation:
    """A deliberate bug: in ``path``, the text ``old`` (exactly once) becomes ``new``."""

    name: str
    what: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


MUTATIONS = [
    # --- the four that survived the suite when issue 15 was filed ---------------------------
    Mutation("pow-left-assoc", "** parsed left-associatively: 2**3**2 reads as (2**3)**2",
             "symdiff/_ops.py",
             'label="^", sympy="Pow", right_associative=True))',
             'label="^", sympy="Pow", right_associative=False))',
             ("tests/test_mutants.py", "tests/test_parse.py", "tests/test_printing.py")),
    Mutation("fold-pow-uncapped", "the cap on folded integer powers removed (9**9**9 folds)",
             "symdiff/_construct.py",
             "_bits(cast(Fraction, va)) * vb <= _MAX_FOLDED_BITS):",
             "True):",
             ("tests/test_mutants.py", "tests/test_expr.py", "tests/test_functions.py")),
    Mutation("report-unchecked-assets", "the report no longer checks that its assets exist",
             "symdiff/studies/report.py",
             "    if missing:\n        raise SymdiffError(f\"report assets were not written",
             "    if False:\n        raise SymdiffError(f\"report assets were not written",
             ("tests/test_mutants.py", "tests/test_report.py")),
    Mutation("numba-stale-cache", "a numba cache file with other contents is never rewritten",
             "symdiff/codegen/_runtime.py",
             'if not path.exists() or path.read_text(encoding="utf-8") != source:',
             "if not path.exists():",
             ("tests/test_codegen.py", "tests/test_files.py", "-k", "numba")),
    # --- the op table: wrong local partials ----------------------------------------------
    Mutation("partial-sin-sign", "d sin(x)/dx = -cos(x)", "symdiff/_ops.py",
             'lambda F, a, out: F.cos(a), r"\\sin',
             'lambda F, a, out: -F.cos(a), r"\\sin',
             ("tests/test_oracles.py", "tests/test_diff.py")),
    Mutation("partial-div-sign", "d(a/b)/db = +a/b**2", "symdiff/_ops.py",
             "lambda F, a, b, out: -a / F.pow(b, 2)),",
             "lambda F, a, b, out: a / F.pow(b, 2)),",
             ("tests/test_oracles.py", "tests/test_diff.py")),
    Mutation("partial-tanh", "d tanh(x)/dx = 1 + tanh(x)**2", "symdiff/_ops.py",
             'lambda F, a, out: 1 - out * out, r"\\tanh',
             'lambda F, a, out: 1 + out * out, r"\\tanh',
             ("tests/test_extend.py", "-k", "core_table")),
    # --- the sweeps --------------------------------------------------------------------------
    Mutation("reverse-drops-accumulation",
             "the reverse sweep overwrites an adjoint instead of adding to it",
             "symdiff/_sweeps.py",
             "            adjoint[a] = contribution if previous is None else "
             "add_(previous, contribution)\n    if pairs:",
             "            adjoint[a] = contribution\n    if pairs:",
             ("tests/test_oracles.py", "tests/test_ad.py")),
    Mutation("forward-first-term-only",
             "the forward sweep keeps only the first argument's term",
             "symdiff/_sweeps.py",
             "total = contribution if total is None else add_(total, contribution)",
             "total = contribution if total is None else total",
             ("tests/test_oracles.py", "tests/test_ad.py")),
    # --- interning and the DAG ---------------------------------------------------------------
    Mutation("intern-commutes", "interning merges a - b with b - a (unequal nodes, one object)",
             "symdiff/_nodes.py",
             "key = ((op, args[0]._ref, args[1]._ref) if n == 2",
             "key = ((op, *sorted((args[0]._ref, args[1]._ref), key=id)) if n == 2",
             ("tests/test_mutants.py", "tests/test_expr.py", "tests/test_diff.py")),
    Mutation("intern-signed-zero", "interning merges the constants 0.0 and -0.0",
             "symdiff/_nodes.py",
             'key = ("const", "f", value.hex())',
             'key = ("const", "f", value)',
             ("tests/test_expr.py", "tests/test_printing.py", "tests/test_parse.py")),
    Mutation("use-counts-set", "use counts of a + a count a once (micrograd's set of children)",
             "symdiff/_traversal.py",
             "        for child in node.args:\n            counts[child] += 1",
             "        for child in set(node.args):\n            counts[child] += 1",
             ("tests/test_render.py", "tests/test_program.py", "tests/test_measure.py")),
    # --- printing ------------------------------------------------------------------------
    Mutation("print-sub-parens", "a - (b - c) printed as a - b - c", "symdiff/_printing.py",
             "wrap_right = rp < p or (rp == p and p != PREC_POW) or",
             "wrap_right = rp < p or",
             ("tests/test_printing.py", "tests/test_parse.py")),
    Mutation("print-exact-tree-sizes",
             "printing computes exact tree sizes again (memory quadratic in depth)",
             "symdiff/_printing.py",
             "sizes = tree_sizes(toposort(roots), cap=max_tree)",
             "sizes = tree_sizes(toposort(roots))",
             ("tests/test_limits.py",)),
    # --- evaluation ------------------------------------------------------------------------
    Mutation("evaluate-swaps-operands", "the float evaluator passes b, a to two-argument ops",
             "symdiff/_evaluation.py",
             "vals[out] = op.evaluate(vals[args[0]], vals[args[1]])",
             "vals[out] = op.evaluate(vals[args[1]], vals[args[0]])",
             ("tests/test_expr.py", "tests/test_numeric.py")),
    # --- command line, drawing and files (issue 15) --------------------------------------
    Mutation("cli-minus-as-option", "an expression that begins with - is an option again",
             "symdiff/cli.py",
             "    try:\n        _expression(text, functions=functions)\n    except Exception:",
             "    try:\n        raise ValueError(text)\n    except Exception:",
             ("tests/test_cli.py",)),
    Mutation("interrupt-not-recorded", "a Ctrl-C swallowed by a callback is lost again",
             "symdiff/_util.py",
             "            guard.interrupted = True\n",
             "            guard.interrupted = guard.interrupted\n",
             ("tests/test_cli.py", "tests/test_report.py")),
    Mutation("dag-view-unlimited", "the DAG view draws any size again",
             "symdiff/drawing/_dot.py",
             "    if size > limit:\n        raise DagTooLargeError(",
             "    if False:\n        raise DagTooLargeError(",
             ("tests/test_limits.py", "tests/test_render.py")),
    Mutation("report-not-staged", "the report is written in place, not moved in when whole",
             "symdiff/studies/report.py",
             "            _build(staging, quick, progress, guard.check)",
             "            staging = out; out.mkdir(exist_ok=True)\n"
             "            _build(staging, quick, progress, guard.check)\n"
             "            return out / \"index.html\"",
             ("tests/test_report.py",)),
]


@dataclass
class Result:
    mutation: Mutation
    status: str  # "killed", "SURVIVED", "STALE", "ERROR"
    detail: str
    seconds: float


def _tree_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [line for line in listed.splitlines() if (ROOT / line).is_file()]


def _copy_tree(files: list[str], target: Path) -> None:
    for name in files:
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, destination)


_FAILED = re.compile(r"^(?:FAILED|ERROR) (.+?)(?: - .*)?$", re.MULTILINE)


def run_tests(folder: Path, tests: tuple[str, ...], timeout: float) -> tuple[bool, str]:
    """Run ``tests`` against the package in ``folder``: (passed, first failure or summary)."""
    env = dict(os.environ, PYTHONPATH=str(folder), PYTHONDONTWRITEBYTECODE="1")
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
               "-o", "addopts=", *tests]
    try:
        done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        raise _NoVerdictError(f"timed out after {timeout:.0f} s") from None
    output = done.stdout + done.stderr
    failed = _FAILED.search(output)
    if done.returncode == 0:
        return True, output.strip().splitlines()[-1] if output.strip() else "passed"
    if done.returncode == 1 and failed:  # 1: tests failed; 2-5: interrupted, internal error…
        return False, failed.group(1)
    tail = " | ".join(output.splitlines()[-3:])
    raise _NoVerdictError(f"pytest exited {done.returncode}: {tail}")


class _NoVerdictError(Exception):
    """The tests did not run to a verdict (pytest's internal or usage error, a timeout)."""


def mutate(mutation: Mutation, files: list[str], tests: tuple[str, ...] | None,
           timeout: float) -> Result:
    start = time.perf_counter()
    source = (ROOT / mutation.path).read_text(encoding="utf-8")
    count = source.count(mutation.old)
    if count != 1:
        return Result(mutation, "STALE", f"original text found {count} times in "
                      f"{mutation.path}", 0.0)
    with tempfile.TemporaryDirectory(prefix=f"symdiff-mutant-{mutation.name}-") as folder:
        copy = Path(folder)
        _copy_tree(files, copy)
        (copy / mutation.path).write_text(source.replace(mutation.old, mutation.new),
                                          encoding="utf-8")
        try:
            passed, detail = run_tests(copy, tests or mutation.tests, timeout)
        except _NoVerdictError as exc:
            return Result(mutation, "ERROR", str(exc), time.perf_counter() - start)
    return Result(mutation, "SURVIVED" if passed else "killed", detail,
                  time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="mutations to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutations and stop")
    parser.add_argument("--tests", nargs="+", help="run these tests against every mutation "
                                                   "instead of each mutation's own")
    parser.add_argument("--jobs", type=int, default=1, help="mutations run at once")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per mutation")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip checking that the tests pass on the unmutated code")
    args = parser.parse_args(argv)
    by_name = {m.name: m for m in MUTATIONS}
    unknown = [n for n in args.names if n not in by_name]
    if unknown:
        parser.error(f"unknown mutations: {', '.join(unknown)} (see --list)")
    chosen = [by_name[n] for n in args.names] or MUTATIONS
    if args.list:
        for m in chosen:
            print(f"{m.name:28} {m.what}\n{'':28} {m.path}; tests: {' '.join(m.tests)}")
        return 0
    files = _tree_files()
    tests = tuple(args.tests) if args.tests else None
    if not args.no_baseline:
        wanted = tests or tuple(sorted({t for m in chosen for t in m.tests}))
        with tempfile.TemporaryDirectory(prefix="symdiff-baseline-") as folder:
            _copy_tree(files, Path(folder))
            try:
                passed, detail = run_tests(Path(folder), wanted, args.timeout * 2)
            except _NoVerdictError as exc:
                passed, detail = False, str(exc)
        if not passed:
            print(f"the tests fail on the unmutated code ({detail}): fix that first")
            return 2
        print(f"baseline: {detail}", flush=True)
    results = []
    with ThreadPoolExecutor(max(1, args.jobs)) as pool:
        for result in pool.map(lambda m: mutate(m, files, tests, args.timeout), chosen):
            print(f"{result.mutation.name:28} {result.status:9} {result.detail} "
                  f"({result.seconds:.0f} s)", flush=True)
            results.append(result)
    bad = [r for r in results if r.status != "killed"]
    killed = len(results) - len(bad)
    print(f"\n{killed} of {len(results)} mutations killed"
          + (f"; not killed: {', '.join(r.mutation.name for r in bad)}" if bad else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
