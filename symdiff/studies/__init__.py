"""The studies built on the library: the workloads W1–W4, the expression-swell study, the
four-methods comparison, universal approximation, and the HTML report (``studies.report``).

These are applications of symdiff, not part of its core: nothing in the library imports them.
"""

from . import approx, compare, swell, workloads

__all__ = ["approx", "compare", "swell", "workloads"]
