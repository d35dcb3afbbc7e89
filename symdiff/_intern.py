"""The intern table: the one global of symdiff, safe under threads and interrupts.

A key maps to a weak reference (an :class:`InternRef`) to the one live node with that
structure. Keys name a node's children by *their* references (each node keeps its own in
``node._ref``), not by the children themselves: the table keeps no node alive, so a freed
node's children are freed with it, and the entry of a freed node can never match a new node
(a reference is equal to another only while both referents live and are the same node).

Three rules make it correct without a lock on the hot path:

* **Check-and-insert is one atomic** ``dict.setdefault``: of two threads building the same
  node, one inserts and the other gets the winner's node back (and drops its own).
* **The weakref callback runs no Python code**: it is ``list.append`` (C), so it takes no
  lock, cannot race another thread between a test and a delete, and a ``KeyboardInterrupt``
  can never land inside it (Python prints an exception raised in a callback as "Exception
  ignored" and drops it).
* **Dead entries are dropped in C**, by ``_weakref._remove_dead_weakref`` (the helper
  :class:`weakref.WeakValueDictionary` uses): it deletes a key only while its value is a dead
  reference, atomically, so it can never remove a live node that another thread has just
  put in a dead node's place. Sweeps run in batches, from :func:`insert`.
"""

from __future__ import annotations

import _weakref
import threading
import weakref
from collections import deque
from collections.abc import Callable
from functools import partial
from operator import attrgetter
from typing import Any

__all__ = ["TABLE", "InternRef", "ON_DEATH", "lookup", "insert", "settle", "sweep",
           "live_count", "SWEEP_BATCH", "DEAD"]


class InternRef(weakref.ref):
    """A weak reference that knows its table key, so that a sweep can drop its entry."""

    __slots__ = ("key",)
    key: Any


#: key → weak reference to the node.
TABLE: dict[Any, InternRef] = {}
#: References to freed nodes, appended by the weakref machinery (in C) as nodes die.
DEAD: list[InternRef] = []
#: The callback of every reference in the table.
ON_DEATH = DEAD.append
_SWEEPING = threading.Lock()
#: A sweep runs when a new node is made and more nodes than this have died since the last:
#: one C loop per batch.
SWEEP_BATCH = 1024
# _remove_dead_weakref(table, key): del table[key] if it is a dead reference, atomically (in C).
_remove_dead_weakref: Callable[[dict[Any, Any], Any], None] = vars(_weakref)[
    "_remove_dead_weakref"]
_drop_dead = partial(_remove_dead_weakref, TABLE)
_key_of = attrgetter("key")


def lookup(key: Any) -> Any:
    """The live node under ``key``, or None."""
    ref = TABLE.get(key)
    return None if ref is None else ref()


def insert(key: Any, node: Any) -> Any:
    """Put ``node`` under ``key`` and return the node that now holds the key: ``node``, or
    an equal node another thread inserted first (then ``node`` is simply dropped).

    ``_nodes.make_node``, the hot path, inlines this up to the call of :func:`settle`."""
    node._ref = ref = InternRef(node, ON_DEATH)
    ref.key = key
    found = TABLE.setdefault(key, ref)
    if found is ref and len(DEAD) <= SWEEP_BATCH:
        return node
    return settle(key, node, ref, found)


def settle(key: Any, node: Any, ref: InternRef, found: InternRef) -> Any:
    """The rest of :func:`insert` after ``found = TABLE.setdefault(key, ref)``: sweep when a
    batch is due; if the key was taken, return the live holder or replace a dead one."""
    if len(DEAD) > SWEEP_BATCH:
        sweep()
    while found is not ref:
        winner = found()
        if winner is not None:
            return winner
        _drop_dead(key)  # a freed node's entry that no sweep has dropped yet
        found = TABLE.setdefault(key, ref)
    return node


def sweep() -> None:
    """Drop the entries of freed nodes (each at most once; concurrent sweeps skip)."""
    if not _SWEEPING.acquire(blocking=False):
        return
    try:
        count = len(DEAD)
        batch = DEAD[:count]
        del DEAD[:count]  # appends made meanwhile by other threads come after the batch
        deque(map(_drop_dead, map(_key_of, batch)), maxlen=0)  # the loop runs in C
    finally:
        _SWEEPING.release()


def live_count() -> int:
    """Entries of the table after a sweep: the number of live interned nodes."""
    sweep()
    return len(TABLE)
