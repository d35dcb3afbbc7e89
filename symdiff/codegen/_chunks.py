"""Long programs for compilers that optimise whole functions: cut into chunks.

LLVM (numba's back end) spends time superlinear in the size of one function: a 100×100
Jacobian written as one function of 20,000 statements takes many minutes. Cut into functions
of :data:`CHUNK` statements each, the same program compiles in time linear in its length. Each
chunk takes the original parameters, a scratch vector ``_w`` and the output array ``_out``:
it reads the vector elements it needs itself, loads from ``_w`` the temporaries that earlier
chunks computed and it reads, writes its share of the outputs into ``_out``, and stores in
``_w`` the temporaries that later chunks read. The main function allocates both arrays and
calls the chunks in order. The operations and their order are those of the unchunked
program, so the numbers are the same, bit for bit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

__all__ = ["CHUNK", "chunked"]

#: Statements per chunk.
CHUNK = 200
_TEMPORARY = re.compile(r"t\d+\Z")
_NAME = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")


def chunked(name: str, params: Sequence[str], elements: dict[str, str],
            statements: Sequence[str], allocate: str, array_module: str,
            decorator: Callable[[], str]) -> tuple[list[str], list[str]]:
    """``(chunk functions, main body)`` as source lines.

    ``elements`` maps the name of each vector element to its read (``x3`` → ``v0[2]``);
    ``statements`` are ``target = expression`` lines (temporaries and ``_out[...]`` writes)
    in order; ``allocate`` is the statement creating ``_out``; ``decorator()`` gives each
    chunk's decorator line."""
    pieces = [list(statements[k:k + CHUNK]) for k in range(0, len(statements), CHUNK)]
    reads: list[list[str]] = []
    writes: list[set[str]] = []
    for piece in pieces:
        defined: set[str] = set()
        before: dict[str, None] = {}  # names read before this chunk defines them
        for line in piece:
            target, _, text = line.partition(" = ")
            before.update((n, None) for n in _NAME.findall(text) if n not in defined)
            if _TEMPORARY.match(target):
                defined.add(target)
        reads.append(list(before))
        writes.append(defined)
    # A temporary read by a chunk comes from the last earlier chunk that defined it; each
    # (temporary, defining chunk) pair has one slot of the scratch vector.
    slot: dict[tuple[str, int], int] = {}
    loads: list[list[tuple[str, int]]] = [[] for _ in pieces]
    for k, names in enumerate(reads):
        for t in names:
            if _TEMPORARY.match(t):
                source = max(m for m in range(k) if t in writes[m])
                loads[k].append((t, slot.setdefault((t, source), len(slot))))
    stores: list[list[tuple[str, int]]] = [[] for _ in pieces]
    for (t, source), s in slot.items():
        stores[source].append((t, s))
    functions: list[str] = []
    call_params = [*params, "_w", "_out"]
    for k, piece in enumerate(pieces):
        functions.append(decorator())
        functions.append(f"def _{name}_chunk{k}({', '.join(call_params)}):")
        functions.extend(f"    {n} = {elements[n]}" for n in reads[k] if n in elements)
        functions.extend(f"    {t} = _w[{s}]" for t, s in loads[k])
        functions.extend("    " + line for line in piece)
        functions.extend(f"    _w[{s}] = {t}" for t, s in stores[k])
        functions.append("    return 0.0")
        functions.append("")
        functions.append("")
    body = [allocate, f"_w = {array_module}.empty({max(len(slot), 1)})"]
    body += [f"_done = _{name}_chunk{k}({', '.join(call_params)})" for k in range(len(pieces))]
    body.append("return _out")
    return functions, body
