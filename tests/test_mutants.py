"""Tests that kill the mutations of tools/mutate.py that the rest of the suite let live.

Each test names the mutation it was written against (``python tools/mutate.py NAME`` shows
it killed); the results are recorded in docs/reliability.md.
"""

from __future__ import annotations

import pytest

import symdiff
from symdiff import parse
from symdiff.studies import report


def test_power_is_right_associative():
    """Mutation pow-left-assoc: the hypothesis strategies only raise to constant powers, so
    x**(y**z) never met the parser."""
    x, y, z = symdiff.symbols("x y z")
    assert parse("x**y**z") is x ** (y ** z)
    assert parse("x^y^z") is x ** (y ** z)
    assert parse("2**3**2").evaluate() == 512.0
    for e in (x ** (y ** z), (x ** y) ** z, x ** (y ** (z ** 2))):
        assert parse(str(e)) is e


def test_folding_a_power_is_bounded():
    """Mutation fold-pow-uncapped: exact integer powers fold only while the result is small
    (9**9**9 has 369 million digits: folding it never ends)."""
    assert parse("3**5") is symdiff.Constant(243)
    huge = parse("2**100000")  # 100,001 bits: left as written
    assert huge.op.name == "pow" and huge.args == (symdiff.Constant(2), symdiff.Constant(100000))


def test_the_report_checks_that_its_assets_were_written(tmp_path, monkeypatch):
    """Mutation report-unchecked-assets: a section that names a picture it did not write must
    fail the build, not publish a page with a broken image."""

    def forgetful(ctx):
        ctx.asset("never-written.svg")
        return '<img src="assets/never-written.svg">'

    monkeypatch.setattr(report, "SECTIONS", [report.Section("f", "F", "forgets", forgetful)])
    with pytest.raises(symdiff.SymdiffError, match=r"never-written\.svg"):
        report.build_report(tmp_path / "r", quick=True)
    assert list(tmp_path.iterdir()) == []


def test_interning_keeps_the_order_of_operands():
    """Mutation intern-commutes: a table key that ignored the order of the operands made
    y - x the very node x - y; random expressions rarely hold both at once."""
    x, y = symdiff.symbols("x y")
    at = {x: 0.3, y: 1.9}
    for op in symdiff.OPS.values():
        if op.arity != 2 or op.name == "polygamma":
            continue
        a, b = symdiff._expr.apply(op, x, y), symdiff._expr.apply(op, y, x)
        assert a is not b and a.args == (x, y) and b.args == (y, x), op.name
    assert (x - y).evaluate(at) == -(y - x).evaluate(at) != 0


def test_every_mutation_still_applies_exactly_once():
    # A refactor that rewrites the mutated lines leaves the mutation matching nothing, and
    # tools/mutate.py would then report it neither killed nor alive (the reverse sweep's
    # accumulation mutation matched nothing after the sweep changed).
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root / "tools"))
    try:
        import mutate
    finally:
        sys.path.remove(str(root / "tools"))
    counts = {m.name: (root / m.path).read_text().count(m.old) for m in mutate.MUTATIONS}
    assert counts == dict.fromkeys(counts, 1)
