"""Keeping old spellings working for one release, and the top-level function namespace.

Before 0.2 every module sat flat in the package (``symdiff.ops``, ``symdiff.expr``,
``symdiff.workloads`` …). They are private modules or subpackages now; importing an old path
still works and warns (``DeprecationWarning``) with the new place. ``symdiff.diff``,
``symdiff.parse`` and ``symdiff.render`` are the functions, as they always were in practice.
"""

from __future__ import annotations

import bisect
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import warnings
from types import ModuleType
from typing import Any

from . import _ops

__all__ = ["MOVED", "export_functions"]

#: Old module path → where it lives now.
MOVED = {
    "symdiff.errors": "symdiff._errors", "symdiff.ops": "symdiff._ops",
    "symdiff.traversal": "symdiff._traversal", "symdiff.printing": "symdiff._printing",
    "symdiff.evaluation": "symdiff._evaluation", "symdiff.expr": "symdiff._expr",
    "symdiff.program": "symdiff._program", "symdiff.measure": "symdiff._measure",
    "symdiff.figures": "symdiff._figures", "symdiff.pycode": "symdiff.codegen._pycode",
    "symdiff.workloads": "symdiff.studies.workloads", "symdiff.swell": "symdiff.studies.swell",
    "symdiff.compare": "symdiff.studies.compare", "symdiff.approx": "symdiff.studies.approx",
    "symdiff.report": "symdiff.studies.report",
}
# Studies that stay reachable as attributes of the package without a warning.
_QUIET = {"symdiff.workloads", "symdiff.swell", "symdiff.compare", "symdiff.approx"}


class _MovedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Answers ``import symdiff.<old>`` with the module at its new place."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(name, self)

    def create_module(self, spec: Any) -> ModuleType:
        if spec.name not in _QUIET:
            warnings.warn(f"{spec.name} is deprecated: its contents moved to {MOVED[spec.name]} "
                          "(use the names exported by symdiff)", DeprecationWarning, stacklevel=2)
        return importlib.import_module(MOVED[spec.name])

    def exec_module(self, module: ModuleType) -> None:
        # Already executed at its new place; the import system stamped the alias's spec on
        # it, so put the real one back.
        module.__spec__ = importlib.util.find_spec(module.__name__)


if not any(isinstance(f, _MovedModules) for f in sys.meta_path):
    sys.meta_path.insert(0, _MovedModules())
for _old in _QUIET:
    if MOVED[_old] in sys.modules:
        sys.modules.setdefault(_old, sys.modules[MOVED[_old]])


def export_functions(namespace: dict[str, Any], names: list[str]) -> None:
    """Make every function of the op table ``symdiff.<name>`` (kept in the sorted ``names``),
    and every named constant (``symdiff.pi``), now and whenever one is registered later."""
    from ._expr import FUNCTION_BUILDERS, NamedConstant

    def export(op: _ops.Op) -> None:
        if op.kind == "function":
            namespace[op.name] = FUNCTION_BUILDERS[op.name]
        elif op.name in _ops.CONSTANTS:
            namespace[op.name] = NamedConstant(op)
        else:
            return
        if op.name not in names:
            keys = [n.casefold() for n in names]
            names.insert(bisect.bisect(keys, op.name.casefold()), op.name)

    def forget(op: _ops.Op) -> None:
        namespace.pop(op.name, None)
        if op.name in names:
            names.remove(op.name)

    _ops.on_register(export, forget)
