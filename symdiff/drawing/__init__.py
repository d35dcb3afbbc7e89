"""Pictures: expression trees and DAGs, derivatives, and annotated computation graphs, drawn
with Graphviz. The public functions are re-exported at the top level of :mod:`symdiff`."""

from ._computation import (
    Computation,
    ComputationStep,
    computation,
    render_command,
    render_computation,
    to_dot_computation,
)
from ._dot import (
    DEFAULT_MAX_TREE_SIZE,
    FORMATS,
    REPR_SVG_MAX_NODES,
    VIEWS,
    GraphvizNotFoundError,
    RenderError,
    TreeTooLargeError,
    derivative_dot,
    pipe,
    render,
    render_derivative,
    to_dot,
    write,
)

__all__ = ["DEFAULT_MAX_TREE_SIZE", "FORMATS", "REPR_SVG_MAX_NODES", "VIEWS", "Computation",
           "ComputationStep", "GraphvizNotFoundError", "RenderError", "TreeTooLargeError",
           "computation", "derivative_dot", "pipe", "render", "render_command",
           "render_computation", "render_derivative", "to_dot", "to_dot_computation", "write"]
