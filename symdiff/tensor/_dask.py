"""Sums over a dataset too large for memory, chunk by chunk on Dask.

A loss summed over N data points, and its gradient, are sums over the rows of the data: each
chunk of rows contributes its own partial sum. :func:`dask_sum` compiles the expressions once
to NumPy (:func:`symdiff.lambdify`), applies the generated function to every chunk of the
Dask arrays (``map_blocks``: one task per chunk, each returning its contributions flattened to
one row), and adds the rows with Dask's tree reduction (``sum(axis=0)``) on whatever scheduler
is running, a ``dask.distributed`` cluster when a client is given. Only the parameters travel
with the tasks; the data stay where Dask put them.

The generated code is applied to chunks whose row count differs from the one the data tensors
were declared with, so the expressions must treat rows uniformly (as a loss over points does:
``X @ W.T``, elementwise functions, sums); code that writes a row count into a shape (an
explicit ``reshape``/``broadcast_to`` over rows) is refused up front.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._errors import SymdiffError
from .._traversal import toposort
from ._codegen import tensor_function
from ._shapes import size_of
from ._texpr import Tensor, TensorExpr, shape_of
from ._tops import TensorOp

__all__ = ["dask_sum"]

_ROW_FIXING = ("reshape", "broadcast_to", "scatter", "fill", "concatenate")


def _flatten(exprs: Any, roots: list[Any]) -> Any:
    if isinstance(exprs, (list, tuple)):
        return [_flatten(e, roots) for e in exprs]
    roots.append(exprs)
    return len(roots) - 1


def _unflatten(structure: Any, values: list[Any]) -> Any:
    if isinstance(structure, int):
        return values[structure]
    return tuple(_unflatten(s, values) for s in structure)


def _check_rows(roots: list[Any], data: Sequence[Tensor]) -> None:
    rows = {v.shape[0] for v in data}
    for node in toposort(roots):
        if not (isinstance(node, TensorExpr) and node.op.__class__ is TensorOp):
            continue
        if node.op.name == "getitem":
            first = node.params[0][0] if node.params[0] else None
            fixes = (isinstance(first, tuple) and node.args[0].shape[0] in rows
                     and first[1:] != (0, node.args[0].shape[0], 1))
        else:
            fixes = node.op.name in _ROW_FIXING and bool(node.shape[:1]) and node.shape[0] in rows
        if fixes:
            raise SymdiffError(f"dask_sum: {node.op.name} fixes a row count in its shape "
                               f"{node.shape}; it cannot run on chunks of other sizes")


def dask_sum(exprs: Any, values: Mapping[Any, Any], data: Sequence[Tensor],
             client: Any = None) -> Any:
    """The value of ``exprs`` (an expression or nested sequence of expressions, each a sum
    over the rows of the ``data`` tensors) where the data are ``dask.array`` values chunked by
    rows: the generated NumPy function runs once per chunk and Dask's reduction adds the
    chunks' contributions. ``values`` gives NumPy values for every other variable. With a
    ``dask.distributed`` ``client``, the work runs on its cluster.

    >>> import dask.array as da, numpy, symdiff
    >>> X, w = symdiff.Tensor("X", (4, 2)), symdiff.Tensor("w", (2,))
    >>> L = symdiff.sum((X @ w) ** 2)
    >>> data = da.from_array(numpy.arange(8.0).reshape(4, 2), chunks=(2, 2))
    >>> symdiff.dask_sum([L, symdiff.grad(L, w)], {X: data, w: numpy.ones(2)}, data=[X])
    (np.float64(276.0), array([248., 304.]))
    """
    import dask.array as da

    roots: list[Any] = []
    structure = _flatten(exprs, roots)
    data = list(data)
    if not data or not all(isinstance(v, Tensor) for v in data):
        raise SymdiffError("dask_sum: data must list the tensor variables holding the rows")
    _check_rows(roots, data)
    params = sorted({n for n in toposort(roots) if n.op.name in ("symbol", "tensor")
                     and n not in data}, key=lambda n: n.name)
    missing = [p.name for p in params if p not in values and p.name not in values]
    if missing:
        raise SymdiffError(f"dask_sum: no value given for {', '.join(map(repr, missing))}")
    param_values = [values[p] if p in values else values[p.name] for p in params]
    function = tensor_function([*params, *data], list(roots), "numpy", name="chunk")
    arrays = [da.asarray(values[v] if v in values else values[v.name]) for v in data]
    if any(a.shape[1:] != v.shape[1:] for a, v in zip(arrays, data, strict=True)):
        raise SymdiffError("dask_sum: a data array's shape differs from its tensor's "
                           "beyond the rows")
    rows = arrays[0].shape[0]
    if any(a.shape[0] != rows for a in arrays):
        raise SymdiffError("dask_sum: the data arrays have different numbers of rows")
    # One chunking along the rows for all, whole along the other axes, as 2-D arrays.
    chunks = arrays[0].chunks[0]
    flat = [a.reshape(rows, max(1, size_of(a.shape[1:]))).rechunk((chunks, -1)) for a in arrays]
    tails = [a.shape[1:] for a in arrays]
    sizes = [size_of(shape_of(r)) for r in roots]

    def block(*blocks: Any) -> Any:
        pieces = [b.reshape((b.shape[0], *tail)) for b, tail in zip(blocks, tails, strict=True)]
        out = function(*param_values, *pieces)
        return np.concatenate([np.ravel(np.asarray(o, dtype=np.float64)) for o in out])[None, :]

    parts = da.map_blocks(block, *flat, chunks=((1,) * len(chunks), (sum(sizes),)),
                          dtype=np.float64)
    total = parts.sum(axis=0)
    result = client.compute(total).result() if client is not None else total.compute()
    values_out = []
    offset = 0
    for root, size in zip(roots, sizes, strict=True):
        piece = result[offset:offset + size]
        values_out.append(piece.reshape(shape_of(root)) if shape_of(root) else piece[0])
        offset += size
    return _unflatten(structure, values_out)
