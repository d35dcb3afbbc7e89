"""Finite differences: the seed's table bit for bit, Richardson, gradients, the error study."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given

import symdiff
from symdiff import DomainError, EvaluationError, MissingValueError, SymdiffError, symbols
from symdiff.numeric import (
    backward_difference,
    central_difference,
    default_step,
    error_study,
    format_seed_table,
    forward_difference,
    gradient,
    numeric_report,
    richardson,
    seed_table,
)
from tests.strategies import SMOOTH, X, expressions, points, value_or_none

x, y = symbols("x y")

# The seed's table, copied from shared/seed/README.md.
SEED = {
    "forward": (1.0517091807564771, 1.005016708416795, 1.0005001667083846),
    "backward": (0.9516258196404048, 0.9950166250831893, 0.9995001666249781),
    "central": (1.001667500198441, 1.0000166667499921, 1.0000001666666813),
}
DIFFERENCES = {"forward": forward_difference, "backward": backward_difference,
               "central": central_difference}


@pytest.mark.parametrize("method", list(SEED))
@pytest.mark.parametrize("index", [0, 1, 2])
def test_seed_table_bit_for_bit(method, index):
    h = (0.1, 0.01, 0.001)[index]
    expected = SEED[method][index]
    assert DIFFERENCES[method](math.exp, 0.0, h) == expected
    assert DIFFERENCES[method](symdiff.exp(x), 0.0, h) == expected
    assert seed_table()[method][index] == expected


def test_formatted_seed_table_shows_every_digit():
    text = format_seed_table()
    for row in SEED.values():
        for value in row:
            assert repr(value) in text


def test_expressions_with_a_variable_and_other_values():
    e = x**2 * y
    assert central_difference(e, 3.0, 0.5, var=x, at={y: 2.0}) == 12.0
    assert central_difference(e, 3.0, 0.5, var="x", at={"y": 2.0}) == 12.0
    # The variable is the one free symbol not given a value.
    assert central_difference(e, 3.0, 0.5, at={y: 2.0}) == 12.0
    assert forward_difference(e, 2.0, 0.25, var=y, at={x: 3.0}) == 9.0


def test_bad_arguments_raise_symdiff_errors():
    with pytest.raises(SymdiffError, match="var="):
        central_difference(x * y, 1.0, 0.1)
    with pytest.raises(MissingValueError):
        central_difference(x * y, 1.0, 0.1, var=x)
    for h in (0, -0.1, math.inf, math.nan, "big"):
        with pytest.raises(SymdiffError, match="step"):
            central_difference(math.exp, 0.0, h)
    with pytest.raises(SymdiffError, match="point"):
        central_difference(math.exp, math.inf, 0.1)
    with pytest.raises(SymdiffError, match="callable"):
        central_difference("exp(x)", 0.0, 0.1)
    with pytest.raises(SymdiffError, match="var"):
        central_difference(math.exp, 0.0, 0.1, var=x)
    with pytest.raises(EvaluationError, match="not a number"):
        central_difference(lambda t: "one", 0.0, 0.1)
    with pytest.raises(SymdiffError, match="method"):
        default_step("sideways")


def test_domain_errors():
    with pytest.raises(DomainError):
        central_difference(math.log, 0.0, 0.1)
    with pytest.raises(DomainError):
        central_difference(symdiff.log(x), 0.0, 0.1)


def test_default_steps_balance_the_errors():
    assert default_step("forward") == math.sqrt(2.0**-52)
    assert default_step("central", -10.0) == pytest.approx(10 * 2.0 ** (-52 / 3))
    # With the default step, forward loses about half the digits, central about a third.
    assert abs(forward_difference(math.sin, 1.0) - math.cos(1.0)) < 1e-7
    assert abs(central_difference(math.sin, 1.0) - math.cos(1.0)) < 1e-10


def test_richardson_beats_central_differences():
    assert abs(central_difference(math.exp, 0.0, 0.1) - 1) > 1e-3
    assert abs(richardson(math.exp, 0.0, 0.1) - 1) < 1e-12
    assert abs(richardson(symdiff.sin(x), 1.0, 0.2) - math.cos(1.0)) < 1e-12
    assert richardson(math.exp, 0.0, 0.1, levels=1) == central_difference(math.exp, 0.0, 0.1)
    with pytest.raises(SymdiffError, match="levels"):
        richardson(math.exp, 0.0, levels=0)


def test_gradient_of_an_expression_and_of_a_callable():
    e = x**2 * y + symdiff.sin(y)
    at = {x: 1.5, y: -0.5}
    g = gradient(e, at)
    assert list(g) == [x, y]
    assert g[x] == pytest.approx(2 * 1.5 * -0.5, abs=1e-9)
    assert g[y] == pytest.approx(1.5**2 + math.cos(-0.5), abs=1e-9)
    z = symdiff.Symbol("z")
    assert gradient(e, at, wrt=[y, z]) == {y: g[y], z: 0.0}
    as_list = gradient(lambda v: v[0] ** 2 * v[1] + math.sin(v[1]), [1.5, -0.5])
    assert as_list == [g[x], g[y]]
    forward = gradient(e, at, 1e-7, method="forward")
    assert forward[x] == pytest.approx(g[x], abs=1e-6)
    with pytest.raises(MissingValueError):
        gradient(e, {x: 1.0})
    with pytest.raises(SymdiffError, match="method"):
        gradient(e, at, method="upwind")


@given(expressions(SMOOTH, max_leaves=8), points)
def test_central_differences_agree_with_symbolic_derivatives(e, at):
    exact = value_or_none(symdiff.diff(e, X), at)
    assume(exact is not None and abs(exact) < 1e4)
    others = {k: v for k, v in at.items() if k is not X}
    h = 1e-5
    try:
        approx = central_difference(e, at[X], h, var=X, at=others)
        assume(all(value_or_none(e, {**at, X: at[X] + s}) is not None for s in (-h, h)))
    except DomainError:
        assume(False)
    magnitude = max(abs(value_or_none(e, at) or 0.0), 1.0)
    assert abs(approx - exact) <= 1e-4 * max(abs(exact), magnitude)


def test_error_study_shows_truncation_and_rounding():
    study = error_study(per_decade=4)
    assert study.exact == 1.0 and study.steps[0] == 1.0 and study.steps[-1] == 1e-16
    assert study.slope("forward") == pytest.approx(1.0, abs=0.05)
    assert study.slope("central") == pytest.approx(2.0, abs=0.05)
    # Rounding error grows as h shrinks below the optimum: slope about −1.
    assert study.slope("forward", "rounding") == pytest.approx(-1.0, abs=0.3)
    assert study.slope("central", "rounding") == pytest.approx(-1.0, abs=0.3)
    h_forward, e_forward = study.optimal("forward")
    h_central, e_central = study.optimal("central")
    assert 1e-9 <= h_forward <= 1e-7 and e_forward < 1e-7
    assert 1e-7 <= h_central <= 1e-4 and e_central < 1e-10
    tiny = study.steps.index(1e-12)
    assert study.errors["forward"][tiny] > 100 * e_forward
    assert study.errors["central"][tiny] > 100 * e_central


def test_error_study_table_and_other_functions():
    study = error_study()
    table = study.table()
    assert len(study.steps) == 17
    assert "1e-08" in table and "truncation slope 1.00" in table
    assert "truncation slope 2.00" in table
    sine = error_study(symdiff.sin(x), 1.0, methods=("central", "richardson"))
    assert sine.exact == math.cos(1.0)
    assert min(sine.errors["richardson"]) < 1e-13
    by_hand = error_study(math.sin, 1.0, exact=math.cos(1.0))
    assert by_hand.errors["central"] == sine.errors["central"]
    with pytest.raises(SymdiffError, match="exact="):
        error_study(math.sin, 1.0)


@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_error_plot_is_written(tmp_path, suffix):
    path = tmp_path / f"errors.{suffix}"
    error_study(per_decade=2).plot(str(path))
    data = path.read_bytes()
    assert data.startswith(b"<?xml" if suffix == "svg" else b"\x89PNG")


def test_numeric_report(tmp_path):
    path = tmp_path / "plot.svg"
    text = numeric_report(plot=str(path))
    assert "1.0000001666666813" in text and "optimal h" in text and "Richardson" in text
    assert path.exists()
