"""numba over arrays of points: ``lambdify(..., backend="numba", vectorize=True)``.

The generated function is the straight-line code inside one loop over the points,
``for _i in range(_n):``, compiled by numba as a whole (so nothing is called per point and
LLVM sees the loop): each scalar parameter is a vector of the points' values, each vector
parameter a matrix with a row per point, and output ``k`` is stored into ``_out[k, _i]``.
Long programs run on the tape (:mod:`._tape`), whose interpreter takes a batch of points in
the same way.

The arguments broadcast against each other as NumPy's do, and the results have the NumPy
backend's layout: a scalar parameter takes an array of any shape ``P``, a vector parameter of
``m`` symbols an array of shape ``(m, *P)``; an output is an array of shape ``P``, nested in
tuples as the outputs are, or with ``output="array"`` one array of shape ``(*S, *P)`` for
outputs of shape ``S``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .._errors import SymdiffError

__all__ = ["broadcast_points", "shape_results", "nest", "VectorizedFunction"]


def _spread(array: Any, shape: tuple[int, ...]) -> Any:
    """``array`` broadcast to ``shape``, C-contiguous and writable (numba's signature)."""
    import numpy as np

    if array.shape == shape:
        return np.ascontiguousarray(array)
    out = np.empty(shape)
    out[...] = array
    return out


def broadcast_points(values: Sequence[Any], lengths: Sequence[int | None], name: str
                     ) -> tuple[tuple[int, ...], list[Any]]:
    """``(P, columns)``: the points' shape and each argument flattened over the points — a
    vector of ``N = prod(P)`` values for a scalar parameter, an ``N × m`` matrix for a
    vector parameter of ``m`` symbols (``lengths[i]``, None for a scalar)."""
    import numpy as np

    if len(values) != len(lengths):
        raise TypeError(f"{name}() takes {len(lengths)} arguments ({len(values)} given)")
    arrays = [np.asarray(v, dtype=np.float64) for v in values]
    shapes = []
    for array, m in zip(arrays, lengths, strict=True):
        if m is not None and (array.ndim == 0 or array.shape[0] != m):
            raise SymdiffError(f"{name}() takes an array of shape ({m}, …) for a vector "
                               f"parameter of {m} symbols, not one of shape {array.shape}")
        shapes.append(array.shape if m is None else array.shape[1:])
    try:
        points = np.broadcast_shapes(*shapes)
    except ValueError:
        raise SymdiffError(f"{name}(): the arguments' point shapes {shapes} do not "
                           f"broadcast") from None
    n = math.prod(points)
    columns = []
    for array, m in zip(arrays, lengths, strict=True):
        if m is None:
            columns.append(_spread(array, points).reshape(n))
        else:
            columns.append(np.ascontiguousarray(_spread(array, (m, *points)).reshape(m, n).T))
    return points, columns


def nest(structure: Any, values: list[Any]) -> Any:
    """The values nested as ``structure`` (an output number, or a list of structures)."""
    if isinstance(structure, int):
        return values[structure]
    return tuple(nest(s, values) for s in structure)


def shape_results(out: Any, points: tuple[int, ...], structure: Any,
                  shape: tuple[int, ...] | None) -> Any:
    """The results from ``out`` (outputs × points): an array of shape ``(*shape, *points)``
    with ``output="array"``, else arrays of shape ``points`` nested as ``structure``."""
    if shape is not None:
        return out.reshape((*shape, *points))
    return nest(structure, [row.reshape(points) for row in out])


class VectorizedFunction:
    """A numba function over arrays of points (see the module doc). ``.source`` is the
    generated module; ``.args`` and ``.backend`` as for every compiled function. It pickles
    by its expressions (compiled again on load)."""

    def __init__(self, name: str, args: tuple[Any, ...], structure: Any,
                 shape: tuple[int, ...] | None, n_outputs: int, entry: Any, source: str,
                 rebuild: tuple[Any, ...]) -> None:
        self.__name__ = self.__qualname__ = name
        self.args = args
        self.backend = "numba"
        self.source = source
        self._structure = structure
        self._shape = shape
        self._n_outputs = n_outputs
        self._lengths = [len(a) if isinstance(a, tuple) else None for a in args]
        self._entry = entry
        self._rebuild = rebuild

    def __call__(self, *values: Any) -> Any:
        import numpy as np

        points, columns = broadcast_points(values, self._lengths, self.__name__)
        n = math.prod(points)
        out = np.empty((self._n_outputs, n))
        self._entry(n, *columns, out)
        return shape_results(out, points, self._structure, self._shape)

    def __reduce__(self) -> tuple[Any, ...]:
        return self._rebuild

    def __repr__(self) -> str:
        names = ", ".join(f"[{a[0].name}, …]" if isinstance(a, tuple) else a.name
                          for a in self.args)
        return f"<symdiff numba function {self.__name__}({names}) over arrays of points>"
