"""Long programs on numba: a tape run by one compiled loop, instead of straight-line code.

numba types and lowers every statement of straight-line code in Python, at 10–30 ms each
here, and LLVM optimises one function in more than linear time in its length: the 20×20
Jacobian of ``tanh(W x)`` (542 lines) compiles in 15 s, and cutting long code into chunks of
200 statements (what this backend did before) leaves the per-statement cost as it is (the
30×30 Jacobian took 37 s). So code that would have more than :data:`TAPE_ABOVE` lines is not
written for numba at all. The program is written as a **tape** — arrays of op numbers and
slot numbers, as CasADi's SX functions are a flat instruction list run by a virtual machine —
and run by one interpreter loop that numba compiles. The interpreter depends only on the set
of ops the program uses (one branch per op, from the op table's math templates, which are
checked as every generated function is), so it is compiled once per op set and then found in
numba's disk cache; building the tape is linear in the program's size, and so is the compile.

The tape is level-scheduled: an equation's level is one more than its operands' highest, so
the equations of one level do not depend on each other; they are ordered by level and then
op, and a run of equations with one op is a *group*. The interpreter dispatches once per
group and runs a tight loop over the group's equations (gather the operands, compute, store).
Slots are then reused by liveness, so the working vector holds what is live rather than the
whole program. Every equation is exactly the straight-line code's operation in IEEE double
(``error_model="numpy"``), so the numbers are those of the math backend, bit for bit.

One call runs the tape at each of a batch of points (a 2-D array of inputs, a row per point),
which is how ``vectorize=True`` runs long programs.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from typing import Any

from .._errors import SymdiffError
from .._program import Program
from ._backends import Backend
from ._vectorize import broadcast_points, nest, shape_results

__all__ = ["STORE_WEIGHT", "TAPE_ABOVE", "Tape", "TapeFunction", "compile_tape",
           "interpreter_source", "statements"]

#: Programs whose straight-line code would cost more than this many lines (see
#: :func:`statements`) run on a tape on the numba backend (``lambdify(..., tape=None)``).
#: numba compiles straight-line code at 10–30 ms per line here (W3's gradient, 486 lines
#: returned as a tuple: 10.7 s) and 2–4 times that per store into an output array (the
#: 20×20 Jacobian of tanh(W x), 83 lines and 400 stores: 15–46 s); the interpreter compiles
#: in 1–4 s once per op set (then comes from numba's disk cache). The tape costs 3–5 ns per
#: operation per call, straight-line code under 2 ns.
TAPE_ABOVE = 500
#: What one store into an output array counts in that budget (measured: 400 stores into a
#: 2-D array compile 2.4 times as long as 400 into a 1-D one, and a 1-D store costs about as
#: much as a line of arithmetic).
STORE_WEIGHT = 3


def statements(program: Program, store_weight: int = 0) -> int:
    """What the straight-line code of ``program`` costs numba, in lines, at least: one per
    operation whose result is used more than once (single-use ones are written inline), and
    ``store_weight`` per output (:data:`STORE_WEIGHT` for stores into an output array; 0
    for outputs returned as a tuple, one line)."""
    uses = program.uses
    return (sum(1 for e in program.equations if uses[e.out] != 1)
            + store_weight * len(program.output_slots))


_SIGNATURE = ("float64(int64[:, ::1], int64[::1], int64[:, ::1], float64[::1], "
              "float64[:, ::1], int64[::1], float64[:, ::1])")


class Tape:
    """A program as arrays for the interpreter (see the module doc).

    ``ops``: the ops the groups dispatch on (group op ``i`` is ``ops[i]``); ``groups``:
    ``(op, start, stop)`` rows; ``outs`` / ``args``: each equation's target slot and operand
    slots (``args`` has three rows, unused ones 0); ``init``: the working vector with the
    constants in place (the inputs come first, then the constants); ``results``: the slot of
    each output. Slots are the working vector's, reused by liveness.
    """

    def __init__(self, program: Program) -> None:
        import numpy as np

        equations = program.equations
        n_in, n_const = len(program.inputs), len(program.constants)
        first = n_in + n_const
        level = [0] * program.n_slots
        for out, _, args, _ in equations:
            level[out] = 1 + max((level[a] for a in args), default=0)
        self.ops: tuple[Any, ...] = tuple(sorted({e.op for e in equations},
                                                 key=lambda op: op.name))
        number = {op: i for i, op in enumerate(self.ops)}
        order = sorted(range(len(equations)),
                       key=lambda k: (level[equations[k].out], number[equations[k].op]))
        # Reuse slots by liveness, in the order the tape runs: a slot is free after its last
        # read (an equation may write the slot one of its operands dies in, as in
        # straight-line code); outputs, inputs and constants are never freed.
        last = [-1] * program.n_slots
        for position, k in enumerate(order):
            for a in equations[k].args:
                last[a] = position
        for s in program.output_slots:
            last[s] = len(order)
        where = list(range(first)) + [-1] * (program.n_slots - first)
        free: list[int] = []
        size = first
        outs = np.empty(len(order), dtype=np.int64)
        operand_slots = np.zeros((3, len(order)), dtype=np.int64)
        runs: list[list[int]] = []
        previous = None
        for position, k in enumerate(order):
            out, op, operands, _ = equations[k]
            if len(operands) > 3:
                raise SymdiffError(f"op {op.name!r} takes {len(operands)} operands; the tape "
                                   f"runs ops of at most 3")
            for i, a in enumerate(operands):
                operand_slots[i, position] = where[a]
            for a in set(operands):
                if a >= first and last[a] == position:
                    free.append(where[a])
            if free:
                where[out] = free.pop()
            else:
                where[out], size = size, size + 1
            outs[position] = where[out]
            key = (level[out], number[op])
            if key == previous:
                runs[-1][2] = position + 1
            else:
                runs.append([number[op], position, position + 1])
                previous = key
        self.groups = np.array(runs, dtype=np.int64).reshape(len(runs), 3)
        self.outs = outs
        self.args = operand_slots
        self.init = np.zeros(size)
        for i, c in enumerate(program.constants):
            try:
                self.init[n_in + i] = float(c.value)
            except OverflowError:
                raise SymdiffError(f"constant {c.value} is too large for a float") from None
        self.results = np.array([where[s] for s in program.output_slots], dtype=np.int64)
        self.n_inputs = n_in
        self.n_operations = len(order)

    def run(self, interpreter: Callable[..., Any], inputs: Any) -> Any:
        """The outputs at each row of ``inputs`` (points × inputs): a (points × outputs)
        array."""
        import numpy as np

        out = np.empty((inputs.shape[0], len(self.results)))
        interpreter(self.groups, self.outs, self.args, self.init.copy(), inputs,
                    self.results, out)
        return out


def _operands(arity: int) -> list[str]:
    return [f"work[args[{i}, k]]" for i in range(arity)]


def interpreter_source(ops: Sequence[Any], backend: Backend) -> tuple[str, str]:
    """``(interpreter module, probe module)``: the interpreter for ``ops`` (branch ``i``
    computes ``ops[i]``) and the probe that the safety check reads, one plain function per
    op with the same code on named operands, and the helpers."""
    module = backend.module
    helpers: list[str] = []
    for op in ops:
        helper = backend.helper(op).rstrip()
        if helper and helper not in helpers:
            helpers.append(helper)
    helper_text = [backend.decorate_helper(h.replace("{m}", module)) for h in helpers]
    head = [f"import {module}", "import numba"]
    probe = [*head, *helper_text]
    body = [
        f'@numba.njit("{_SIGNATURE}", cache=True, error_model="numpy", boundscheck=False)',
        "def _tape(groups, outs, args, work, inputs, results, out):",
        "    for p in range(inputs.shape[0]):",
        "        for k in range(inputs.shape[1]):",
        "            work[k] = inputs[p, k]",
        "        for g in range(groups.shape[0]):",
        "            op = groups[g, 0]",
    ]
    for i, op in enumerate(ops):
        template = backend.template(op)
        if not template:
            raise SymdiffError(f"op {op.name!r} has no {backend.name} code template")
        try:
            code = template.format(*_operands(op.arity), m=module)
            named = template.format(*[f"_a{j}" for j in range(op.arity)], m=module)
        except (IndexError, KeyError, ValueError):
            raise SymdiffError(f"op {op.name!r} has a bad {backend.name} template: "
                               f"{template!r}") from None
        probe.append(f"def _op{i}({', '.join(f'_a{j}' for j in range(op.arity))}):\n"
                     f"    return {named}")
        body += [f"            {'if' if i == 0 else 'elif'} op == {i}:  # {op.name}",
                 "                for k in range(groups[g, 1], groups[g, 2]):",
                 f"                    work[outs[k]] = {code}"]
    body += ["        for k in range(results.shape[0]):",
             "            out[p, k] = work[results[k]]",
             "    return 0.0"]
    source = "\n\n\n".join(["\n".join(head), *helper_text, "\n".join(body)]) + "\n"
    return source, "\n\n\n".join(probe) + "\n"


_INTERPRETERS: dict[str, Any] = {}


def compile_tape(tape: Tape, backend: Any, check: Callable[..., None]) -> tuple[Any, str]:
    """The compiled interpreter for the tape's ops (numba's entry point) and its source.

    ``check(tree, backend)`` is the generated-code check: it reads the probe module, whose
    functions hold each op's code exactly as the interpreter's branches do, on named
    operands (the interpreter's loop is this module's own text, with no user data in it)."""
    source, probe = interpreter_source(tape.ops, backend)
    entry = _INTERPRETERS.get(source)
    if entry is not None:
        return entry, source
    from ._runtime import parse_ast

    try:
        probe_tree = parse_ast(probe)
    except SyntaxError as exc:
        raise SymdiffError(f"generated code does not parse: {exc}") from None

    def check_probe(tree: ast.Module) -> None:
        check(probe_tree, backend)

    names = ", ".join(op.name for op in tape.ops)
    module = backend.load_module(source, check_probe, f"the tape interpreter for {names}")
    dispatcher = module.__dict__["_tape"]
    entry = dispatcher.overloads[dispatcher.signatures[0]].entry_point
    _INTERPRETERS[source] = entry
    return entry, source


class TapeFunction:
    """A compiled function whose program runs on a tape (see the module doc): called as the
    straight-line function would be, with the same results. ``.source`` is the interpreter's
    source; ``.tape`` the tape; ``.args`` and ``.backend`` as for every compiled function.
    It pickles by its expressions (compiled again on load)."""

    def __init__(self, name: str, args: tuple[Any, ...], structure: Any,
                 shape: tuple[int, ...] | None, tape: Tape, interpreter: Any, source: str,
                 rebuild: tuple[Any, ...], vectorize: bool = False) -> None:
        self.__name__ = self.__qualname__ = name
        self.args = args
        self.backend = "numba"
        self.tape = tape
        self.source = (f"# {name}({', '.join(_param_names(args))}) runs a tape of "
                       f"{tape.n_operations} operations ({len(tape.groups)} groups) on this "
                       f"interpreter\n# (symdiff.codegen._tape: programs of more than "
                       f"{TAPE_ABOVE} statements)\n" + source)
        self._structure = structure
        self._shape = shape
        self._lengths = [len(a) if isinstance(a, tuple) else None for a in args]
        self._scalars = all(n is None for n in self._lengths)
        self._interpreter = interpreter
        self._rebuild = rebuild
        self._vectorize = vectorize

    def _inputs(self, values: tuple[Any, ...]) -> Any:
        import numpy as np

        if len(values) != len(self._lengths):
            raise TypeError(f"{self.__name__}() takes {len(self._lengths)} arguments "
                            f"({len(values)} given)")
        if self._scalars:
            return np.array([values], dtype=np.float64)
        if len(values) == 1:  # one vector: the common case, no copy
            vector = np.asarray(values[0], dtype=np.float64)
            if vector.shape == (self.tape.n_inputs,):
                return vector.reshape(1, -1)
        parts = []
        for value, n in zip(values, self._lengths, strict=True):
            part = np.asarray(value, dtype=np.float64).reshape(-1)
            if n is not None and part.shape != (n,):
                raise SymdiffError(f"{self.__name__}() takes a vector of {n} numbers for a "
                                   f"vector parameter, not an array of shape "
                                   f"{np.shape(value)}")
            parts.append(part)
        return np.concatenate(parts).reshape(1, self.tape.n_inputs)

    def __call__(self, *values: Any) -> Any:
        if self._vectorize:
            return self._at_points(values)
        out = self.tape.run(self._interpreter, self._inputs(values))
        if self._shape is not None:
            return out[0].reshape(self._shape)
        if isinstance(self._structure, int):
            return float(out[0, 0])
        return nest(self._structure, out[0].tolist())

    def _at_points(self, values: tuple[Any, ...]) -> Any:
        import math

        import numpy as np

        points, columns = broadcast_points(values, self._lengths, self.__name__)
        inputs = np.empty((math.prod(points), self.tape.n_inputs))
        start = 0
        for column, n in zip(columns, self._lengths, strict=True):
            if n is None:
                inputs[:, start] = column
                start += 1
            else:
                inputs[:, start:start + n] = column
                start += n
        out = self.tape.run(self._interpreter, inputs)
        return shape_results(out.T, points, self._structure, self._shape)

    def __reduce__(self) -> tuple[Any, ...]:
        return self._rebuild

    def __repr__(self) -> str:
        return (f"<symdiff numba function {self.__name__}({', '.join(_param_names(self.args))})"
                f" on a tape of {self.tape.n_operations} operations>")


def _param_names(args: tuple[Any, ...]) -> list[str]:
    return [f"[{a[0].name}, …]" if isinstance(a, tuple) else a.name for a in args]
