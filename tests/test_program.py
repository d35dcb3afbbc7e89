"""CSE: the straight-line program."""

from __future__ import annotations

import symdiff
from symdiff import cse, parse

x, w, b = symdiff.symbols("x w b")
SEED_F = 1 / (symdiff.exp(-(w * x + b)) + 1)


def test_seed_three_address_form_is_h1_to_h6():
    program = cse(SEED_F, three_address=True)
    assert [str(program).splitlines()[i] for i in range(6)] == [
        "t0 = w*x", "t1 = t0 + b", "t2 = -t1", "t3 = exp(t2)", "t4 = t3 + 1", "t5 = 1/t4"]
    assert program.n_assignments == 6 == program.n_operations


def test_temporaries_exactly_for_shared_operations():
    e = parse("(x*w + 1)*sin(x*w + 1) + x*x")
    program = cse(e)
    assert [a.node for a in program] == [parse("x*w + 1")]
    assert str(program) == "t0 = x*w + 1\nreturn t0*sin(t0) + x*x"


def test_gradient_program_shares_across_outputs():
    program = cse(symdiff.grad(SEED_F, [w, b]))
    assert program.n_assignments >= 1
    leaves = 5  # x, w, b, 1 and 2
    assert program.n_operations == symdiff.dag_size(program.outputs) - leaves
    assert program.inputs == (b, w, x)


def test_temporary_names_avoid_symbols():
    t0 = symdiff.Symbol("t0")
    program = cse((t0 * x + 1) * (t0 * x + 1) + 0 * t0, three_address=True)
    assert all(a.target.startswith("_t") for a in program)


def test_an_output_used_by_another_output_is_computed_once():
    f = symdiff.sin(x) * w
    program = cse([f, f + 1])
    assert [a.node for a in program] == [f]
    assert str(program).splitlines()[-1] == "return t0, t0 + 1"
