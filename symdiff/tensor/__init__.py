"""Tensor expressions and matrix calculus (see ``docs/tensors.md``)."""

from __future__ import annotations

from ._codegen import tensor_function, tensor_source
from ._dask import dask_sum
from ._elementwise import broadcast_to
from ._grad import diff, grad, hessian, hvp, jacobian
from ._print import tensor_latex, tensor_text
from ._scalarize import element_symbols, scalar_values, scalarize
from ._structural import (
    concatenate,
    det,
    diag,
    dot,
    einsum,
    inv,
    logdet,
    matmul,
    mean,
    norm,
    outer,
    reshape,
    stack,
    trace,
    transpose,
    tsum,
)
from ._swell import (
    MAX_SCALARIZED,
    SwellRow,
    counted_size,
    logistic_swell,
    network_swell,
    node_count,
    swell_table,
)
from ._texpr import Tensor, TensorConstant, TensorExpr, eye, full, ones, shape_of, zeros
from ._tops import TENSOR_OPS, TensorOp

__all__ = ["broadcast_to", "concatenate", "counted_size", "dask_sum", "det", "diag", "diff", "dot",
           "einsum", "element_symbols", "eye", "full", "grad", "hessian", "hvp", "inv", "jacobian",
           "logdet", "logistic_swell", "matmul", "MAX_SCALARIZED", "mean", "network_swell",
           "node_count", "norm", "ones", "outer", "reshape", "scalar_values", "scalarize",
           "shape_of", "stack", "swell_table", "SwellRow", "Tensor", "tensor_function",
           "tensor_latex", "TENSOR_OPS", "tensor_source", "tensor_text", "TensorConstant",
           "TensorExpr", "TensorOp", "trace", "transpose", "tsum", "zeros"]

# The core's diff/grad/jacobian/hessian hand tensor arguments to these (it cannot import this
# package, which sits above it).
TensorExpr._symdiff_grad_ = staticmethod(grad)  # type: ignore[attr-defined]
TensorExpr._symdiff_diff_ = staticmethod(diff)  # type: ignore[attr-defined]
TensorExpr._symdiff_jacobian_ = staticmethod(jacobian)  # type: ignore[attr-defined]
TensorExpr._symdiff_hessian_ = staticmethod(hessian)  # type: ignore[attr-defined]
TensorExpr._symdiff_hvp_ = staticmethod(hvp)  # type: ignore[attr-defined]
TensorExpr._symdiff_lambdify_ = staticmethod(tensor_function)  # type: ignore[attr-defined]
