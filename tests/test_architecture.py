"""The architecture holds: imports point down the layers, and the public API is what we say."""

from __future__ import annotations

import ast
from pathlib import Path

import symdiff

PACKAGE = Path(symdiff.__file__).parent

# Each module's layer (docs/architecture.md). A module may import only from lower layers.
LAYERS = {
    "errors": 0,
    "ops": 1, "traversal": 1,
    "printing": 2, "evaluation": 2,
    "expr": 3,
    "parse": 4, "interop": 4, "diff": 4, "program": 4, "workloads": 4,
    "measure": 5, "pycode": 5, "figures": 5,
    "ad": 6, "numeric": 6, "codegen": 6, "render": 6,
    "swell": 7, "compare": 7, "render_computation": 7, "approx": 7,
    "report": 8,
    "cli": 9,
    "__init__": 10, "__main__": 10,
}


def internal_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level >= 1:
                if node.module:
                    found.add(node.module.split(".")[0])
                else:
                    found.update(alias.name for alias in node.names)
            elif node.module and node.module.split(".")[0] == "symdiff":
                parts = node.module.split(".")
                found.update([parts[1]] if len(parts) > 1 else [a.name for a in node.names])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "symdiff" and len(parts) > 1:
                    found.add(parts[1])
    return {name for name in found if name in LAYERS}


def test_every_module_has_a_layer():
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    assert modules <= set(LAYERS), f"place new modules in LAYERS: {modules - set(LAYERS)}"


def test_imports_point_down():
    for path in PACKAGE.glob("*.py"):
        layer = LAYERS[path.stem]
        for imported in internal_imports(path):
            assert LAYERS[imported] < layer, (
                f"{path.stem} (layer {layer}) imports {imported} (layer {LAYERS[imported]})")


def test_heavy_dependencies_stay_at_the_edges():
    light = [name for name, layer in LAYERS.items() if layer <= 4 and name != "interop"]
    for name in light:
        path = PACKAGE / f"{name}.py"
        if not path.exists():
            continue
        text = path.read_text()
        for heavy in ("import sympy", "import numpy", "import graphviz", "import matplotlib",
                      "import networkx"):
            assert heavy not in text, f"{name} imports {heavy.split()[1]}"


def test_public_api_is_exported_and_documented():
    assert len(symdiff.__all__) == len(set(symdiff.__all__))
    for name in symdiff.__all__:
        obj = getattr(symdiff, name)
        if callable(obj) and not isinstance(obj, type(symdiff.Op)):
            assert obj.__doc__, f"symdiff.{name} has no docstring"


def test_every_op_is_reachable_from_the_api():
    x = symdiff.Symbol("x")
    for name, op in symdiff.OPS.items():
        if op.kind == "function":
            node = getattr(symdiff, name)(x)
            assert node.op is op
            assert symdiff.parse(str(node)) is node
            assert symdiff.from_sympy(symdiff.to_sympy(node)) is node
            assert symdiff.latex(node)


def test_py_typed_ships():
    assert (PACKAGE / "py.typed").exists()
