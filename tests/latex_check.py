"""Checks for LaTeX that the printer writes: matplotlib's mathtext must render it, and no two
numbers may stand side by side (juxtaposition would read "4 4" as 44)."""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from typing import Any

# A digit, closing braces and a space, then (opening braces and) a digit: "4 4", "x^{2} 3".
ADJACENT_NUMBERS = re.compile(r"\d\}*\s+\{*-?\d")
# A number juxtaposed with a numeric fraction reads as a mixed number: "2 \frac{3}{4}" = 2¾.
MIXED_NUMBER = re.compile(r"\d\}*\s+\\frac\{\d")


@functools.cache
def _parser() -> Any:
    from matplotlib.mathtext import MathTextParser

    return MathTextParser("path")


def lines_of(tex: str) -> list[str]:
    """The formulas in ``tex``: itself, or each line of an ``aligned`` block (mathtext has no
    environments), with the alignment marks removed."""
    if not tex.startswith(r"\begin{aligned}"):
        return [tex]
    body = tex.removeprefix("\\begin{aligned}\n").removesuffix("\n\\end{aligned}")
    return [line.replace("&=", "=") for line in body.split(" \\\\\n")]


def mathtext_error(tex: str) -> str | None:
    """What matplotlib's mathtext says about ``tex`` (None: every line renders)."""
    for line in lines_of(tex):
        try:
            _parser().parse(f"${line}$")
        except ValueError as exc:
            return f"{line!r}: {str(exc).splitlines()[-1]}"
    return None


def latex_problem(tex: str) -> str | None:
    """Why ``tex`` is wrong (mathtext error, adjacent numbers, mixed number), or None."""
    for pattern, what in ((ADJACENT_NUMBERS, "two numbers side by side"),
                          (MIXED_NUMBER, "a number beside a numeric fraction")):
        match = pattern.search(tex)
        if match:
            return f"{what} at {tex[max(0, match.start() - 20):match.end() + 20]!r}"
    return mathtext_error(tex)


# --- collecting every LaTeX string the suite produces ---------------------------------------

SEEN: set[str] = set()


def record_latex() -> None:
    """Make the printer record what it returns in :data:`SEEN`: ``to_latex`` is replaced, in
    every loaded symdiff module that holds it, by a wrapper with the same signature."""
    from symdiff import _printing

    original: Callable[..., str] = _printing.to_latex

    @functools.wraps(original)
    def recording(*args: Any, **kwargs: Any) -> str:
        tex = original(*args, **kwargs)
        SEEN.add(tex)
        return tex

    for name, module in list(sys.modules.items()):
        if name == "symdiff" or name.startswith("symdiff."):
            for attr, value in list(vars(module).items()):
                if value is original:
                    setattr(module, attr, recording)


def problems() -> list[str]:
    """The recorded LaTeX strings that are wrong, with the reason."""
    found = []
    for tex in sorted(SEEN):
        problem = latex_problem(tex)
        if problem is not None:
            found.append(problem)
    return found
