"""symdiff: symbolic differentiation that makes expression swell visible, then beats it.

>>> import symdiff
>>> x, w, b = symdiff.symbols("x w b")
>>> f = 1 / (symdiff.exp(-(w*x + b)) + 1)
>>> print(symdiff.diff(f, w))
x*exp(-(w*x + b))/(exp(-(w*x + b)) + 1)**2

The library is the core (``parse`` → expressions → ``diff`` / ``grad`` → ``cse`` programs) and
its consumers (``codegen``, ``drawing``, ``interop``, ``ad``, ``numeric``); the studies built on it
(workloads, the swell study, the comparison, universal approximation, the report) live in
:mod:`symdiff.studies`. See ``docs/architecture.md``.
"""

# The imports below come after the interrupt handler is installed:
# ruff: noqa: E402
from . import _util

_util.command_importing()  # (in the symdiff command only) a Ctrl-C while it imports exits 130

from . import _compat, ad, codegen, drawing, extend, interop, numeric, optimize, studies
from ._diff import JacobianRows, diff, grad, hessian, hvp, jacobian, jacobian_costs
from ._errors import (
    ConversionError,
    DifferentiationError,
    DomainError,
    EvaluationError,
    MissingValueError,
    ParseError,
    ShapeError,
    SymdiffError,
)
from ._expr import (
    FUNCTION_BUILDERS,
    Constant,
    Expr,
    Point,
    Roots,
    Symbol,
    as_expr,
    cse,
    free_symbols,
    natural_key,
    symbols,
)
from ._functions import Function, Lambda
from ._measure import (
    JacobianRatio,
    OpCounts,
    ProgramSize,
    compare_with_sympy,
    dag_size,
    depth,
    jacobian_ratio,
    op_counts,
    program_size,
    to_networkx,
    tree_size,
)
from ._ops import OPS, Op
from ._parse import parse
from ._printing import Formulas, to_text
from ._printing import to_latex as latex
from ._program import Assignment, Equation, Program
from ._sparsity import SparseMatrix, color, hessian_sparsity, jacobian_sparsity
from .ad import Tape, forward_trace, jvp, reverse_trace, vjp
from .codegen import lambdify, module_source, value_and_grad, write_module
from .drawing import (
    Computation,
    DagTooLargeError,
    GraphvizNotFoundError,
    RenderError,
    TreeTooLargeError,
    computation,
    derivative_dot,
    render,
    render_command,
    render_computation,
    render_derivative,
    show,
    to_dot,
    to_dot_computation,
)
from .extend import check_grads, register_op
from .interop import from_sympy, simplify, to_sympy
from .numeric import backward_difference, central_difference, forward_difference, richardson
from .optimize import ScipyProblem, scipy_problem
from .studies import approx, compare, swell, workloads
from .tensor import (
    Tensor,
    TensorConstant,
    TensorExpr,
    broadcast_to,
    concatenate,
    dask_sum,
    det,
    diag,
    dot,
    einsum,
    eye,
    inv,
    logdet,
    matmul,
    mean,
    norm,
    ones,
    outer,
    reshape,
    scalarize,
    stack,
    trace,
    transpose,
    zeros,
)
from .tensor import tsum as sum  # symdiff.sum, as numpy.sum

__version__ = "0.1.0"

# Sorted (case-insensitively); the op table's functions are inserted in order just below.
__all__ = [
    "ad", "approx", "as_expr", "Assignment", "backward_difference", "central_difference",
    "check_grads", "codegen", "compare", "compare_with_sympy", "Computation", "computation",
    "Constant", "ConversionError", "cse", "dag_size", "DagTooLargeError", "depth",
    "derivative_dot", "diff", "DifferentiationError", "DomainError", "drawing", "Equation",
    "EvaluationError", "Expr",
    "extend", "Formulas", "forward_difference", "forward_trace", "free_symbols", "from_sympy",
    "grad", "GraphvizNotFoundError", "hessian", "interop", "jacobian", "jvp", "lambdify", "latex",
    "MissingValueError", "module_source", "natural_key", "numeric", "Op", "op_counts", "OpCounts",
    "OPS", "parse", "ParseError", "Point", "Program", "program_size", "ProgramSize",
    "register_op", "render", "render_command", "render_computation", "render_derivative",
    "RenderError", "reverse_trace", "richardson", "Roots", "show", "simplify", "studies", "swell",
    "Symbol", "symbols", "SymdiffError", "Tape", "to_dot", "to_dot_computation", "to_networkx",
    "to_sympy", "to_text", "tree_size", "TreeTooLargeError", "value_and_grad", "vjp", "workloads",
    "write_module",
]
__all__ += ["optimize", "ScipyProblem", "scipy_problem"]
__all__ += ["color", "hessian_sparsity", "jacobian_costs", "jacobian_ratio", "JacobianRatio",
            "JacobianRows", "jacobian_sparsity", "SparseMatrix"]
# Undefined functions (issue 12).
__all__ += ["Function", "Lambda"]
# Tensors and matrix calculus (issue 11).
__all__ += ["broadcast_to", "concatenate", "dask_sum", "det", "diag", "dot", "einsum", "eye",
            "hvp", "inv", "logdet", "matmul", "mean", "norm", "ones", "outer", "reshape",
            "scalarize", "ShapeError", "stack", "sum", "tensor", "Tensor", "TensorConstant",
            "TensorExpr", "trace", "transpose", "zeros"]
__all__.sort(key=str.casefold)

# The elementary functions (exp, log, sin, …, sigmoid, relu) come from the op table; one
# registered later (``register_op``) appears here too.
_compat.export_functions(globals(), __all__)
del FUNCTION_BUILDERS
