"""Regenerate the figures of docs/methods.md (run from the repository root):

    python docs/images/methods/make_methods_figures.py

Writes, next to this file: the finite-difference error plot (``finite_difference_error.svg``)
and the universal-approximation figures of ``examples/universal_approximation.py`` (full
configuration, ``universal_approximation_*.svg``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]


def main() -> None:
    from symdiff.numeric import error_study

    print(error_study(per_decade=4).plot(str(HERE / "finite_difference_error.svg")))
    spec = importlib.util.spec_from_file_location(
        "universal_approximation", ROOT / "examples" / "universal_approximation.py")
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    status = example.main(["--out", str(HERE), "--format", "svg"])
    if status:
        raise SystemExit(status)


if __name__ == "__main__":
    main()
