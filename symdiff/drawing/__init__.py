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
    DEFAULT_MAX_DAG_SIZE,
    DEFAULT_MAX_TREE_SIZE,
    DEFAULT_PNG_DPI,
    FORMATS,
    HEAT_COLORS,
    VIEWS,
    DagTooLargeError,
    GraphvizNotFoundError,
    RenderError,
    TreeTooLargeError,
    copies_text,
    derivative_dot,
    pipe,
    render,
    render_derivative,
    to_dot,
    write,
)
from ._show import Picture, show

__all__ = ["DEFAULT_MAX_DAG_SIZE", "DEFAULT_MAX_TREE_SIZE", "DEFAULT_PNG_DPI", "FORMATS",
           "HEAT_COLORS", "VIEWS", "Computation", "ComputationStep", "DagTooLargeError",
           "GraphvizNotFoundError", "Picture", "RenderError",
           "TreeTooLargeError", "computation", "copies_text", "derivative_dot", "pipe",
           "render", "render_command", "render_computation", "render_derivative", "show",
           "to_dot", "to_dot_computation", "write"]
