"""Regenerate docs/api.md (from docstrings) and docs/cli.md (from the command's --help).

    python tools/gen_docs.py          # rewrite both files
    python tools/gen_docs.py --check  # exit 1 if either is out of date (the tests run this)
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
from pathlib import Path

import symdiff
from symdiff.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent

# The order of the API reference: each group of public names and a line about it.
GROUPS = [
    ("Expressions", "Build, inspect and evaluate expressions.",
     ["Expr", "Symbol", "Constant", "symbols", "as_expr", "free_symbols", "parse"]),
    ("Elementary functions", "From the op table; each is also a parser function name.",
     sorted(name for name, op in symdiff.OPS.items() if op.kind == "function")),
    ("Printing and SymPy", "", ["latex", "to_text", "to_sympy", "from_sympy", "simplify"]),
    ("Differentiation", "", ["diff", "grad", "jacobian", "hessian"]),
    ("Measurement", "", None),  # filled below with what measure exports
    ("Straight-line programs", "", ["cse", "Program", "Assignment"]),
    ("Code generation", "", None),
    ("Rendering", "", None),
    ("Numeric methods and AD", "", None),
    ("Errors", "", ["SymdiffError", "ParseError", "EvaluationError", "DomainError",
                    "MissingValueError", "DifferentiationError", "ConversionError"]),
    ("The op table", "", ["Op", "OPS", "register_op"]),
]
MODULE_GROUPS = {
    "Measurement": ("symdiff._measure",),
    "Code generation": ("symdiff.codegen",),
    "Rendering": ("symdiff.drawing",),
    "Numeric methods and AD": ("symdiff.numeric", "symdiff.ad"),
}
MODULES = ["workloads", "swell", "numeric", "ad", "compare", "approx", "studies", "codegen",
           "drawing", "interop"]


def _signature(obj: object) -> str:
    try:
        return str(inspect.signature(obj))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""


def _entry(name: str, obj: object) -> str:
    kind = "class" if inspect.isclass(obj) else ("function" if callable(obj) else "value")
    head = f"### `symdiff.{name}{_signature(obj) if kind != 'value' else ''}`"
    doc = inspect.getdoc(obj) if kind != "value" else None
    if kind == "value":
        doc = f"A {type(obj).__name__}."
    return f"{head}\n\n{doc or '(undocumented)'}\n"


def api_markdown() -> str:
    exported = list(symdiff.__all__)
    placed: set[str] = set()
    parts = ["# API reference\n",
             "Generated from the docstrings by `python tools/gen_docs.py`; do not edit by hand. "
             "Everything here is importable from the top-level `symdiff` package.\n"]
    for title, blurb, names in GROUPS:
        if names is None:
            modules = MODULE_GROUPS[title]
            names = [n for n in exported if n not in placed and
                     getattr(getattr(symdiff, n), "__module__", "").startswith(modules)]
        names = [n for n in names if n in exported]
        if not names:
            continue
        parts.append(f"## {title}\n")
        if blurb:
            parts.append(f"{blurb}\n")
        for name in names:
            placed.add(name)
            if title == "Elementary functions":
                op = symdiff.OPS[name]
                parts.append(f"* `symdiff.{name}(x)` — {op.doc or 'the function ' + name}\n")
            else:
                parts.append(_entry(name, getattr(symdiff, name)))
    rest = [n for n in exported if n not in placed and n not in MODULES]
    if rest:
        parts.append("## Other names\n")
        parts.extend(_entry(n, getattr(symdiff, n)) for n in rest)
    parts.append("## Modules\n")
    for module in MODULES:
        mod = getattr(symdiff, module, None)
        if mod is None:
            continue
        parts.append(f"### `symdiff.{module}`\n\n{inspect.getdoc(mod) or ''}\n")
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            if callable(obj) and not inspect.isclass(obj):
                summary = (inspect.getdoc(obj) or "").split("\n\n")[0].replace("\n", " ")
                parts.append(f"* `{module}.{name}{_signature(obj)}` — {summary}")
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"


def cli_markdown() -> str:
    os.environ["COLUMNS"] = "100"  # argparse wraps to the terminal; fix it for stable docs
    parser = build_parser()
    parts = ["# The `symdiff` command\n",
             "Generated from the command's own help by `python tools/gen_docs.py`. "
             "`python -m symdiff` is the same command. Bad input exits with status 2 and one "
             "line on stderr; a file that cannot be written exits with status 1.\n",
             "```text", parser.format_help().rstrip(), "```\n"]
    subparsers = next(a for a in parser._actions if a.dest == "command")
    for name, sub in subparsers.choices.items():  # type: ignore[union-attr]
        parts += [f"## `symdiff {name}`\n", "```text", sub.format_help().rstrip(), "```\n"]
    return "\n".join(parts)


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--check", action="store_true", help="only check the files are current")
    check = args.parse_args().check
    stale = []
    for path, text in ((ROOT / "docs" / "api.md", api_markdown()),
                       (ROOT / "docs" / "cli.md", cli_markdown())):
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print(f"out of date: {', '.join(stale)}; run python tools/gen_docs.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
