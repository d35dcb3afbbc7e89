"""The tensor operations that are not elementwise.

Elementwise tensor nodes reuse the scalar op table's entries (``add``, ``mul``, ``sigmoid`` …):
a tensor node whose op is a scalar :class:`symdiff.Op` applies that op element by element with
broadcasting, and its derivative comes from the op's own one-line partials. The operations
below change shapes (``matmul``, ``transpose``, ``sum`` …) and have no scalar counterpart;
each is a :class:`TensorOp`, and each consumer (evaluation, printing, code, the reverse sweep,
scalarization) owns a table keyed by these names, as JAX's transformations own theirs (a test
checks that every table covers every op).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TensorOp", "TENSOR_OPS", "LEAVES"]


@dataclass(frozen=True, eq=False)
class TensorOp:
    """One shape-changing tensor operation (compared by identity).

    arity: the number of operands, or -1 for any number (``einsum``, ``concatenate``).
    """

    name: str
    arity: int
    kind: str = "structural"
    doc: str = ""

    def __repr__(self) -> str:
        return f"<tensor op {self.name}>"


TENSOR_OPS: dict[str, TensorOp] = {}


def _op(name: str, arity: int, doc: str, kind: str = "structural") -> TensorOp:
    op = TensorOp(name, arity, kind, doc)
    TENSOR_OPS[name] = op
    return op


TSYMBOL = _op("tensor", 0, "a named tensor variable", "leaf")
FILL = _op("fill", 0, "a constant tensor with every element equal (zeros, ones)", "leaf")
EYE = _op("eye", 0, "the identity matrix", "leaf")
ARRAY = _op("array", 0, "a constant NumPy array, hashed by content", "leaf")
MATMUL = _op("matmul", 2, "a @ b with NumPy's rules (vectors, matrices, stacks)")
TRANSPOSE = _op("transpose", 1, "axes permuted (a.T for a matrix)")
SUM = _op("sum", 1, "sum over axes")
RESHAPE = _op("reshape", 1, "the same elements in a new shape (row-major)")
BROADCAST = _op("broadcast_to", 1, "an operand repeated to a larger shape")
GETITEM = _op("getitem", 1, "basic indexing and slicing")
SCATTER = _op("scatter", 1, "zeros with the operand placed at an index (indexing's adjoint)")
OUTER = _op("outer", 2, "outer product of two vectors")
TRACE = _op("trace", 1, "sum of the diagonal of a matrix")
DIAG = _op("diag", 1, "vector → diagonal matrix, matrix → its diagonal")
DET = _op("det", 1, "determinant of a square matrix")
INV = _op("inv", 1, "inverse of a square matrix")
LOGDET = _op("logdet", 1, "log |det| of a square matrix")
NORM = _op("norm", 1, "Euclidean (Frobenius) norm of all elements")
EINSUM = _op("einsum", -1, "Einstein summation over explicit subscripts")
CONCAT = _op("concatenate", -1, "operands joined along an axis")

LEAVES = (TSYMBOL, FILL, EYE, ARRAY)
