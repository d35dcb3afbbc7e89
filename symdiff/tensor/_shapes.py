"""Shape rules, checked when a tensor expression is built (NumPy's rules, before any data).

Every function here takes and returns plain tuples of ints and raises :class:`ShapeError` with
the operation's name and the operand shapes, so a mistake is reported where it is written.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

from .._errors import ShapeError

__all__ = ["Shape", "as_shape", "broadcast", "normalize_axes", "matmul_shape",
           "normalize_index", "index_shape", "index_text", "size_of"]

Shape = tuple[int, ...]


def as_shape(shape: Any) -> Shape:
    """``shape`` as a tuple of non-negative ints (an int means a vector)."""
    if isinstance(shape, int) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        if any(isinstance(d, bool) for d in shape):  # (True, 3) is no shape
            raise TypeError
        dims = tuple(operator.index(d) for d in shape)
    except TypeError:
        raise ShapeError(f"a shape is a tuple of ints, not {shape!r}") from None
    if any(d < 0 for d in dims):
        raise ShapeError(f"a shape has no negative sizes: {dims}")
    return dims


def size_of(shape: Shape) -> int:
    size = 1
    for d in shape:
        size *= d
    return size


def broadcast(op: str, *shapes: Shape) -> Shape:
    """NumPy's broadcast of ``shapes`` for operation ``op``."""
    ndim = max(len(s) for s in shapes)
    out = []
    for axis in range(-ndim, 0):
        size = 1
        for s in shapes:
            d = s[axis] if -axis <= len(s) else 1
            if d != 1:
                if size not in (1, d):
                    raise ShapeError(f"{op}: shapes {' and '.join(map(str, shapes))} do not "
                                     f"broadcast (axis {axis}: {size} vs {d})")
                size = d
        out.append(size)
    return tuple(out)


def normalize_axes(op: str, axis: Any, ndim: int) -> tuple[int, ...]:
    """``axis`` (None, an int or a sequence of ints, negative allowed) as sorted non-negative
    axes of an ``ndim``-dimensional operand."""
    if axis is None:
        return tuple(range(ndim))
    try:
        items = tuple(axis) if hasattr(axis, "__iter__") else (axis,)
        if any(isinstance(a, bool) for a in items):
            raise TypeError
        numbers = [operator.index(a) for a in items]  # (NumPy's integers too)
    except TypeError:  # axis=1.5
        raise ShapeError(f"{op}: an axis is an int or a sequence of ints, not {axis!r}") from None
    axes = []
    for a in numbers:
        if not -ndim <= a < ndim:
            raise ShapeError(f"{op}: axis {a!r} is out of range for {ndim} dimensions")
        axes.append(a % ndim)
    if len(set(axes)) != len(axes):
        raise ShapeError(f"{op}: repeated axis in {axis!r}")
    return tuple(sorted(axes))


def matmul_shape(a: Shape, b: Shape) -> Shape:
    """The shape of ``a @ b`` (vector·vector, matrix·vector, vector·matrix, matrix·matrix and
    batched stacks of matrices, as NumPy)."""
    if not a or not b:
        raise ShapeError(f"matmul: operands must have at least one dimension, got {a} and {b}")
    ka = a[-1]
    kb = b[0] if len(b) == 1 else b[-2]
    if ka != kb:
        raise ShapeError(f"matmul: shapes {a} and {b} do not align ({ka} vs {kb})")
    if len(a) == 1 and len(b) == 1:
        return ()
    if len(a) == 1:
        return b[:-2] + b[-1:]
    if len(b) == 1:
        return a[:-1]
    batch = broadcast("matmul", a[:-2], b[:-2])
    return (*batch, a[-2], b[-1])


IndexItem = Any  # int, slice (as a (start, stop, step) triple) or None (a new axis)


def normalize_index(shape: Shape, index: Any) -> tuple[IndexItem, ...]:
    """A basic NumPy index (ints, slices, ``None``, one ``...``) as a hashable tuple with one
    entry per axis: ints in range, slices as ``("slice", start, stop, step)`` resolved against
    the axis length, ``None`` for new axes."""
    items = index if isinstance(index, tuple) else (index,)
    if sum(1 for i in items if i is Ellipsis) > 1:
        raise ShapeError("index: at most one '...'")
    used = sum(1 for i in items if i is not None and i is not Ellipsis)
    if used > len(shape):
        raise ShapeError(f"index: too many indices ({used}) for shape {shape}")
    if not any(i is Ellipsis for i in items):  # (not `in`: an array item compares as arrays)
        items = (*items, Ellipsis)
    out: list[IndexItem] = []
    axis = 0
    for item in items:
        if item is Ellipsis:
            for _ in range(len(shape) - used):
                out.append(("slice", 0, shape[axis], 1))
                axis += 1
        elif item is None:
            out.append(None)
        elif isinstance(item, slice):
            try:
                start, stop, step = item.indices(shape[axis])
            except (TypeError, ValueError) as error:  # x[0.5:], x[::0]
                raise ShapeError(f"index: bad slice {item!r} ({error})") from None
            out.append(("slice", start, stop, step))
            axis += 1
        else:
            try:
                i = operator.index(item)
            except TypeError:
                raise ShapeError(f"index: only ints, slices, None and ... are supported, not "
                                 f"{item!r}") from None
            if not -shape[axis] <= i < shape[axis]:
                raise ShapeError(f"index: {i} is out of range for axis {axis} of shape {shape}")
            out.append(i % shape[axis])
            axis += 1
    return tuple(out)


def index_shape(index: Sequence[IndexItem]) -> Shape:
    """The shape that a normalized index selects."""
    shape = []
    for item in index:
        if item is None:
            shape.append(1)
        elif isinstance(item, tuple):
            _, start, stop, step = item
            shape.append(len(range(start, stop, step)))
    return tuple(shape)


def index_text(index: Sequence[IndexItem], full: Shape) -> str:
    """NumPy text of a normalized index (``1:``, ``:-1`` are kept short; trailing full slices
    are dropped)."""
    parts = []
    axis = 0
    for item in index:
        if item is None:
            parts.append("None")
            continue
        if isinstance(item, tuple):
            _, start, stop, step = item
            n = full[axis]
            if stop == n and start == 0 and step == 1:
                text = ":"
            else:
                if step > 0:
                    first = "" if start == 0 else str(start)
                    last = "" if stop >= n else ("-1" if stop == n - 1 else str(stop))
                else:  # a negative step: a stop of -1 means "through index 0"
                    first = "" if start == n - 1 else str(start)
                    last = "" if stop < 0 else str(stop)
                text = f"{first}:{last}"
                if step != 1:
                    text += f":{step}"
            parts.append(text)
        else:
            parts.append(str(item))
        axis += 1
    while len(parts) > 1 and parts[-1] == ":":
        parts.pop()
    return ", ".join(parts)
