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


def _fresh_loss():
    # Symbols of their own: no other test holds these nodes.
    a, c = symdiff.symbols("a_lowered c_lowered")
    return symdiff.sin(a * c + 1) * symdiff.exp(a) + a * a


def test_lowering_of_one_expression_is_reused_while_it_lives():
    from symdiff._program import forget_lowerings, lower

    f = _fresh_loss()
    first, second = lower(f), lower(f, three_address=True)
    assert second.arg_slots is first.arg_slots and second.inputs is first.inputs
    assert second.nodes == first.nodes and second.outputs == (f,)
    assert second.three_address and not first.three_address
    assert str(lower(f)) == str(first)
    kept = [symdiff.diff(f, v) for v in f.free_symbols]
    forget_lowerings()
    assert [symdiff.diff(f, v) for v in f.free_symbols] == kept
    a = f.free_symbols[0]
    assert lower(f, inputs=[*reversed(f.free_symbols)]).inputs[0] is not a


def _consistent(program) -> bool:
    """Every equation's argument slots hold its node's arguments."""
    nodes, first = program.nodes, program.first_equation_slot
    return all(tuple(nodes[a] for a in args) == nodes[first + k].args
               for k, args in enumerate(program.arg_slots))


def test_remembered_lowering_keeps_no_graph_alive():
    import gc
    import weakref

    from symdiff._program import _LOWERED, forget_lowerings, lower

    f = _fresh_loss()
    inner = f.args[0]
    lower(f)
    assert id(f) in _LOWERED
    refs = [weakref.ref(f), weakref.ref(inner)]
    del f, inner
    gc.collect()
    assert all(r() is None for r in refs)
    g = _fresh_loss()
    lower(g)
    forget_lowerings()
    assert id(g) not in _LOWERED


def test_remembered_lowerings_are_bounded():
    from symdiff._program import _LOWERED, _LOWERED_ENTRIES, lower

    xs = symdiff.symbols("q_lowered0:40")
    kept = [symdiff.sin(v) * v for v in xs]
    for e in kept:
        lower(e)
    assert len(_LOWERED) <= _LOWERED_ENTRIES
    assert id(kept[-1]) in _LOWERED and id(kept[0]) not in _LOWERED


def test_lowering_from_threads_agrees():
    import sys
    import threading

    from symdiff._diff import derivative_table
    from symdiff._program import lower

    x = symdiff.Symbol("x_lowered_threads")
    failures: list[str] = []
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)

    def churn(k: int) -> None:
        try:
            work(k)
        except Exception as error:  # reported below, not lost in the thread
            failures.append(repr(error))

    def work(k: int) -> None:
        for i in range(200):
            f = symdiff.sin(x * (i % 7 + 2)) + x ** (k + 2)
            program = lower(f)
            if program.outputs != (f,) or not _consistent(program):
                failures.append(f"{k}/{i}")
            if symdiff.diff(f, x).evaluate({x: 0.5}) != derivative_table(
                    f, x)[f].evaluate({x: 0.5}):
                failures.append(f"diff {k}/{i}")

    try:
        threads = [threading.Thread(target=churn, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert not failures
