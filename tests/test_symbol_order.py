"""Symbol order a person expects: natural sort (x2 before x10) wherever symdiff picks one."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import symdiff
from symdiff import cli
from symdiff._expr import natural_key


def test_free_symbols_sort_naturally():
    e = symdiff.parse("x1*x2 + x10*x3 + y + x02")
    assert [s.name for s in e.free_symbols] == ["x1", "x2", "x02", "x3", "x10", "y"]
    found = symdiff.free_symbols([symdiff.parse("a10"), symdiff.parse("a9")])
    assert [s.name for s in found] == ["a9", "a10"]


def test_names_with_thousands_of_digits_sort_without_int_conversion():
    big, bigger = "x" + "9" * 5000, "x1" + "0" * 5000
    assert sorted([bigger, big, "x2"], key=natural_key) == ["x2", big, bigger]


@given(st.lists(st.text(alphabet="ab019_", max_size=6), max_size=8))
def test_natural_key_is_a_total_order_that_keeps_distinct_names_apart(names):
    ordered = sorted(names, key=natural_key)  # never a TypeError between mixed parts
    assert sorted(ordered) == sorted(names)
    assert len({natural_key(n) for n in names}) == len(set(names))
    digits = sorted((n for n in names if n.isdigit() and not n.startswith("0")), key=natural_key)
    assert [int(n) for n in digits] == sorted(int(n) for n in digits)


def test_default_gradient_variables_take_the_natural_order():
    x2, x10 = symdiff.symbols("x2 x10")
    e = 3 * x2 + 5 * x10
    assert [str(d) for d in symdiff.grad(e)] == ["3", "5"]


def test_cli_codegen_takes_and_prints_the_natural_order(capsys):
    assert cli.main(["codegen", "x1*x2 + x10*x3"]) == 0
    out, err = capsys.readouterr()
    assert "def f(x1, x2, x3, x10):" in out and "def f_grad(x1, x2, x3, x10):" in out
    assert "parameters: f(x1, x2, x3, x10) (the free symbols in natural order)" in err
    assert cli.main(["codegen", "x1*x2", "--args", "x2,x1"]) == 0
    assert "parameters: f(x2, x1) (given by --args)" in capsys.readouterr().err
