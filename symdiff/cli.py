"""The ``symdiff`` command: every part of the library from the shell.

Each subcommand is a small function over the library's public API. Bad input (a malformed
expression, an unknown variable, a bad option) exits with status 2 and one line on stderr,
never a traceback; an unwritable file exits 1, a Ctrl-C 130 (one line, and no partial files).
An expression that begins with a minus sign is an expression, not an option:
``symdiff diff "-x*y" x`` and ``symdiff diff --functions myfun "-myfun(x)" x`` work as
written (``--`` is not needed).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from . import __version__
from ._diff import diff, grad
from ._errors import SymdiffError
from ._expr import Expr, Symbol, cse
from ._measure import dag_size, tree_size
from ._parse import parse
from ._printing import to_latex
from ._util import InterruptGuard, command_started, interrupts_kept

__all__ = ["main", "build_parser"]


class UsageError(SymdiffError):
    """Bad command-line input."""


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line (its usage block is what ``--help`` is for)."""

    def error(self, message: str) -> NoReturn:
        message = " ".join(message.split())
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _subparser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[command]  # type: ignore[no-any-return]


def _reads_as_expression(text: str, functions: str | None = None) -> bool:
    try:
        _expression(text, functions=functions)
    except Exception:  # only a probe: the command parses again and reports its own errors
        return False
    return True


def _option(arg: str, options: dict[str, argparse.Action]
            ) -> tuple[argparse.Action | None, str | None]:
    """The option ``arg`` names, exactly or by an unambiguous abbreviation of a ``--`` name,
    and its value when given in the same argument (``--functions=f``), else None."""
    action = options.get(arg)
    if action is not None or not arg.startswith("--"):
        return action, None
    name, sep, value = arg.partition("=")
    matches = [a for s, a in options.items() if s.startswith(name)]  # as argparse counts
    if len(matches) != 1:
        return None, None
    return matches[0], value if sep else None


def _expressions_as_positionals(parser: argparse.ArgumentParser, argv: list[str]
                                ) -> tuple[list[str], dict[str, str]]:
    """``argv`` with every argument that begins with ``-``, is not an option of its command
    and reads as an expression (``-x*y``, ``-sin(x)``, and ``-myfun(x)`` where the command is
    given ``--functions myfun``) made positional for argparse (a space in front; argparse
    would take it for an unknown option), and the map back.

    The options of the command win: ``-h`` and ``-o`` stay options, arguments after ``--``
    are left alone, and so is anything that starts with ``--``. An option's value that
    begins with ``-`` is protected the same way (``--wrt -x`` is not a useful case, but
    ``--at`` and friends then get their value instead of an error)."""
    sub = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
    command = next((i for i, arg in enumerate(argv) if not arg.startswith("-")), None)
    if sub is None or command is None or argv[command] not in sub.choices:
        return argv, {}
    options = {s: a for a in sub.choices[argv[command]]._actions for s in a.option_strings}
    end = argv.index("--") if "--" in argv[command:] else len(argv)
    functions = None  # the command's --functions, before or after the expression
    for i in range(command + 1, end):
        action, inline = _option(argv[i], options)
        if action is not None and action.dest == "functions":
            functions = inline if inline is not None else (
                argv[i + 1] if i + 1 < end else None)
    out, restore = list(argv), {}
    i = command + 1
    while i < end:
        arg = out[i]
        action, inline = _option(arg, options)
        if action is None and not arg.startswith("--") and arg.startswith("-") and (
                _reads_as_expression(arg, functions)):
            out[i] = " " + arg
            restore[out[i]] = arg
        if action is not None and inline is None and action.nargs != 0 and i + 1 < len(out):
            value = out[i + 1]
            if value.startswith("-") and value not in options and _reads_as_expression(
                    value, functions):
                out[i + 1] = " " + value
                restore[out[i + 1]] = value
            i += 1
        i += 1
    return out, restore


# --- argument helpers ---------------------------------------------------------------------

def _expression(text: str, declared: Sequence[str] = (), functions: str | None = None
                ) -> Expr:
    # The variables the command names are symbols even where a name means a constant (e);
    # --functions declares longer names as undefined functions (one-letter ones always are).
    return parse(text, symbols=list(declared) or None,
                 functions=functions.replace(",", " ") if functions else None)


def _symbols(text: str) -> list[Symbol]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise UsageError("expected one or more variable names separated by commas")
    return [Symbol(n) for n in names]


def _point(text: str | None) -> dict[str, float]:
    """``x=1,w=0`` → {"x": 1.0, "w": 0.0}."""
    values: dict[str, float] = {}
    if not text:
        return values
    for item in text.split(","):
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"expected NAME=VALUE in --at, got {item!r}")
        try:
            values[name.strip()] = float(value)
        except ValueError:
            raise UsageError(f"not a number in --at: {value!r}") from None
    return values


def _progress(enabled: bool) -> Callable[[str], None] | None:
    if not enabled:
        return None

    def report(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    return report


# --- subcommands --------------------------------------------------------------------------

def _cmd_diff(args: argparse.Namespace) -> int:
    expr = _expression(args.expr, [args.var], args.functions)
    var = Symbol(args.var)
    if var not in expr.free_symbols and not args.allow_absent:
        names = ", ".join(s.name for s in expr.free_symbols) or "none"
        raise UsageError(f"{args.var!r} does not occur in the expression (its symbols: {names})"
                         "; pass --allow-absent to differentiate anyway")
    result = diff(expr, var, args.order)
    if args.simplify:
        from .interop._sympy import simplify

        result = simplify(result)
    print(to_latex(result) if args.latex else result)
    if args.sizes:
        print(f"# derivative: {dag_size(result)} distinct nodes, {tree_size(result)} as a tree",
              file=sys.stderr)
    return 0


def _cmd_grad(args: argparse.Namespace) -> int:
    expr = _expression(args.expr, functions=args.functions)
    wrt = _symbols(args.wrt) if args.wrt else list(expr.free_symbols)
    partials = grad(expr, wrt)
    at = _point(args.at)
    if at:
        where = r" \text{ at } " if args.latex else " at "
        print(f"f = {expr.evaluate(at)!r}{where}{args.at}")
    if args.cse:
        print(cse(partials))
    for var, partial in zip(wrt, partials, strict=True):
        if args.latex:  # one formula per line, as LaTeX throughout
            line = rf"\frac{{\partial f}}{{\partial {to_latex(var)}}} = {to_latex(partial)}"
            if at:
                line += rf" = {partial.evaluate(at)!r} \text{{ at }} {args.at}"
        else:
            line = f"d/d{var.name} = {partial}"
            if at:
                line += f"    = {partial.evaluate(at)!r} at {args.at}"
        print(line)
    print(f"# function {dag_size(expr)} nodes, gradient {dag_size(partials)} nodes "
          f"(ratio {dag_size(partials) / dag_size(expr):.2f})", file=sys.stderr)
    return 0


def _cmd_swell(args: argparse.Namespace) -> int:
    from .studies import swell

    if args.n < 1 or args.n > 10_000:
        raise UsageError("--n must be between 1 and 10000")
    say = _progress(not args.quiet and sys.stderr.isatty())
    study = args.study
    if say:
        say(f"symdiff swell {study}: computing (SymPy budget {args.budget:g} s per step)...")
    if study == "logistic":
        rows = swell.logistic_sweep(args.n, sympy=not args.no_sympy, budget=args.budget)
        text = swell.format_sweep(rows)
        if args.plot:
            swell.plot_sweep(rows, args.plot)
    elif study == "table1":
        text = swell.format_table_one(swell.table_one(min(args.n, 6)))
    elif study == "modes":
        text = swell.format_forward_vs_reverse(swell.forward_vs_reverse())
    elif study == "naive":
        naive = swell.naive_vs_memoized(args.n)
        text = swell.format_naive(naive)
        if args.plot:
            swell.plot_timing(naive, None, args.plot)
    elif study == "higher":
        text = swell.format_higher_order(swell.higher_order(
            min(args.n, 10), sympy=not args.no_sympy, budget=args.budget))
    elif study == "tensor":
        from ._figures import save_figure
        from .studies import tensor_swell

        network, logistic = tensor_swell.study(limit=2_000)
        text = tensor_swell.format_study(network, logistic)
        if args.plot:
            save_figure(tensor_swell.figure(network, logistic), args.plot)
    else:
        text = swell.format_study(args.n, budget=args.budget)
    print(text)
    if args.plot and study in ("logistic", "naive", "tensor"):
        print(f"plot written to {args.plot}")
    return 0


def _cmd_render(args: argparse.Namespace) -> int:
    from .drawing._computation import render_command

    expr = _expression(args.expr)
    wrt = _symbols(args.wrt) if args.wrt else None
    if wrt is not None and args.view != "computation" and len(wrt) == 1:
        wrt_arg: Any = wrt[0]
    elif wrt is not None and args.view == "computation":
        if len(wrt) != 1:
            raise UsageError("the computation view takes one variable in --wrt")
        wrt_arg = wrt[0]
    else:
        wrt_arg = wrt
    at = _point(args.at) or None
    if args.view == "computation" and at is None:
        raise UsageError("the computation view needs --at, e.g. --at x=1,w=0,b=0")
    size: tuple[float, float] | None = None
    if args.size:
        try:
            width, height = (float(v) for v in args.size.split(","))
        except ValueError:
            raise UsageError(f"--size is WIDTH,HEIGHT in inches, not {args.size!r}") from None
        size = (width, height)
    print(render_command(expr, args.output, view=args.view, wrt=wrt_arg, at=at, mode=args.mode,
                         max_tree_size=args.max_tree_size, dpi=args.dpi, size=size,
                         max_dag_size=args.max_dag_size))
    return 0


def _cmd_codegen(args: argparse.Namespace) -> int:
    from .codegen._lambdify import module_source, write_module

    expr = _expression(args.expr)
    wrt = _symbols(args.wrt) if args.wrt else list(expr.free_symbols)
    call_args = _symbols(args.args) if args.args else list(expr.free_symbols)
    functions = {args.name: expr, f"{args.name}_grad": grad(expr, wrt)}
    if args.output:
        path = write_module(args.output, functions, call_args, backend=args.backend)
        print(f"wrote {path}: {args.name}({', '.join(s.name for s in call_args)}) and "
              f"{args.name}_grad (∂/∂{', ∂/∂'.join(s.name for s in wrt)})")
    else:
        print(module_source(functions, call_args, backend=args.backend), end="")
        # The order is a choice the caller must know to call the functions: say it, on stderr
        # so that the module text on stdout stays pipeable into a file.
        chosen = "given by --args" if args.args else "the free symbols in natural order"
        print(f"parameters: {args.name}({', '.join(s.name for s in call_args)}) ({chosen})",
              file=sys.stderr)
    return 0


def _cmd_numeric(args: argparse.Namespace) -> int:
    from .numeric import numeric_report

    print(numeric_report(plot=args.plot, per_decade=args.per_decade))
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from .studies.compare import compare_report

    if args.hidden < 1 or args.points < 1 or args.repeats < 1:
        raise UsageError("--hidden, --points and --repeats must be positive")
    print(compare_report(hidden=args.hidden, points=args.points, repeats=args.repeats))
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from .studies.report import build_report

    index = build_report(args.output, quick=args.quick, progress=_progress(not args.quiet))
    print(f"report written to {index}")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "diff": _cmd_diff,
    "grad": _cmd_grad,
    "swell": _cmd_swell,
    "render": _cmd_render,
    "codegen": _cmd_codegen,
    "numeric": _cmd_numeric,
    "compare": _cmd_compare,
    "report": _cmd_report,
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``symdiff`` command."""
    parser = _Parser(
        prog="symdiff",
        description="Symbolic differentiation on shared graphs: see expression swell, then "
                    "beat it.",
        epilog="Expressions use Python syntax: + - * / ** and functions such as exp, log, sin, "
               "sigmoid, relu. Quote them for the shell.")
    parser.add_argument("--version", action="version", version=f"symdiff {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("diff", help="print a derivative",
                       description="Differentiate EXPR with respect to VAR.")
    p.add_argument("expr", help='the expression, e.g. "x*sin(x)"')
    p.add_argument("var", help="the variable")
    p.add_argument("--order", type=int, default=1, help="order of the derivative (default 1)")
    p.add_argument("--latex", action="store_true", help="print LaTeX instead of text")
    p.add_argument("--simplify", action="store_true", help="simplify with SymPy")
    p.add_argument("--sizes", action="store_true", help="report DAG and tree sizes on stderr")
    p.add_argument("--allow-absent", action="store_true",
                   help="differentiate even if VAR does not occur (the result is 0)")
    p.add_argument("--functions", metavar="NAMES",
                   help="names of undefined functions, comma-separated (one-letter names such "
                        "as f(x), k(x, y) are undefined functions without it)")

    p = sub.add_parser("grad", help="print a gradient (symbolic reverse mode)",
                       description="All partial derivatives of EXPR, sharing one graph.")
    p.add_argument("expr", help="the expression")
    p.add_argument("--wrt", help="variables, comma-separated (default: all free symbols)")
    p.add_argument("--at", help="evaluate at a point, e.g. x=1,w=0,b=0")
    p.add_argument("--latex", action="store_true", help="print LaTeX instead of text")
    p.add_argument("--cse", action="store_true",
                   help="also print the gradient as a straight-line program")
    p.add_argument("--functions", metavar="NAMES",
                   help="names of undefined functions, comma-separated (one-letter names such "
                        "as f(x), k(x, y) are undefined functions without it)")

    from .studies.swell import column_help

    p = sub.add_parser(
        "swell", help="measure expression swell (tree vs DAG vs CSE, SymPy alongside)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Expression swell, measured exactly.\n\n"
                    "studies:\n"
                    "  logistic  sizes for the logistic map l1..ln (default; --n up to 10000)\n"
                    "  table1    Baydin et al.'s Table 1 (n = 1..4): naive and simplified\n"
                    "  modes     one diff per variable (forward) vs grad (reverse)\n"
                    "  naive     a tree-walking differentiator vs the memoized one, timed\n"
                    "  higher    k-th derivatives, k = 1..10\n"
                    "  tensor    the seed's network and the logistic map as tensor\n"
                    "            expressions vs written out element by element\n"
                    "  all       everything above\n\n"
                    "columns of the logistic table:\n" + column_help())
    p.add_argument("study", nargs="?", default="logistic",
                   choices=("logistic", "table1", "modes", "naive", "higher", "tensor", "all"))
    p.add_argument("--n", type=int, default=20, help="largest n (default 20)")
    p.add_argument("--budget", type=float, default=10.0,
                   help="seconds SymPy may take per step before its columns stop (default 10)")
    p.add_argument("--no-sympy", action="store_true", help="leave SymPy out")
    p.add_argument("--plot", help="write the log-scale figure (.svg, .png, .pdf)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")

    p = sub.add_parser("render", help="draw an expression, its derivative or its computation "
                                      "graph with Graphviz",
                       description="Draw EXPR with Graphviz's dot. Views: dag (each distinct "
                                   "node once, shared nodes marked), tree (every shared "
                                   "subexpression repeated, refused above --max-tree-size), "
                                   "computation (the elementary operations h1, h2, ... with "
                                   "values and tangents or adjoints at --at), heat (the DAG "
                                   "coloured by how many copies of each node the tree form "
                                   "holds). With --wrt, the dag and tree views draw f with its "
                                   "derivative and the heat view the derivative.")
    p.add_argument("expr", help="the expression")
    p.add_argument("-o", "--output", required=True,
                   help="the picture to write: .svg, .png or .pdf")
    p.add_argument("--view", choices=("dag", "tree", "heat", "computation"), default="dag")
    p.add_argument("--wrt", help="variable(s), comma-separated")
    p.add_argument("--at", help="the point for the computation view, e.g. x=1,w=0,b=0")
    p.add_argument("--mode", choices=("forward", "reverse"), default="reverse",
                   help="computation view: forward tangents or reverse adjoints")
    p.add_argument("--max-tree-size", type=int, default=2000,
                   help="largest tree the tree view draws (default 2000)")
    p.add_argument("--max-dag-size", type=int, default=3000,
                   help="largest layout the dag, heat and computation views draw: distinct "
                        "nodes plus the ranks long edges cross (default 3000)")
    p.add_argument("--dpi", type=float, help="resolution of a .png (default 144)")
    p.add_argument("--size", help="the drawing's size in inches, WIDTH,HEIGHT (e.g. 8,6)")

    p = sub.add_parser("codegen", help="generate a Python module for an expression and its "
                                       "gradient",
                       description="Lower EXPR and its gradient (symbolic reverse mode, shared "
                                   "subexpressions computed once) to a standalone Python "
                                   "module that needs only math (or numpy). Prints it, or "
                                   "writes it with -o.")
    p.add_argument("expr", help="the expression")
    p.add_argument("--wrt", help="gradient variables, comma-separated (default: all)")
    p.add_argument("--args", help="the functions' parameters in order (default: all free "
                                  "symbols in natural order, x2 before x10)")
    p.add_argument("--name", default="f", help="function name (default f; the gradient is "
                                                "NAME_grad)")
    p.add_argument("--backend", choices=("math", "numpy"), default="math")
    p.add_argument("-o", "--output", help="write the module to this .py file")

    p = sub.add_parser("numeric", help="numerical differentiation: the seed's table and the "
                                       "error study",
                       description="Forward, backward and central differences of e^x at 0 "
                                   "(the seed's table, bit for bit), and their error against "
                                   "the exact derivative as h goes from 1 to 1e-16: truncation "
                                   "error (slopes 1 and 2), rounding error, the optimal h.")
    p.add_argument("--plot", help="also write the log-log error plot (.svg, .png, .pdf)")
    p.add_argument("--per-decade", type=int, default=1,
                   help="steps per decade of h in the table (default 1)")

    p = sub.add_parser("compare", help="four ways to a gradient, side by side",
                       description="Numerical differences, symbolic (compiled), forward-mode "
                                   "and reverse-mode AD on the network loss "
                                   "y = b + sum c_i*sigmoid(b_i + w_i*x): operations, time "
                                   "(median) and accuracy against the symbolic derivative.")
    p.add_argument("--hidden", type=int, default=10, help="hidden units (default 10)")
    p.add_argument("--points", type=int, default=20, help="data points (default 20)")
    p.add_argument("--repeats", type=int, default=5, help="timing repeats (default 5)")

    p = sub.add_parser("report", help="build the HTML report (the whole story)",
                       description="Build an HTML report (index.html and its pictures in "
                                   "assets/, nothing fetched from the network) from the "
                                   "built-in examples: the source notes' neuron, Baydin et "
                                   "al.'s Table 1 and the swell sweep, tree, DAG and heat "
                                   "pictures, generated code and its speed, numerical "
                                   "differentiation and AD, and the universal-approximation "
                                   "fit. The folder is replaced only when the build is "
                                   "complete.")
    p.add_argument("-o", "--output", default="report",
                   help="output folder, new or a previous report (default: report)")
    p.add_argument("--quick", action="store_true", help="small settings (a few seconds)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0, 1 for a file that cannot be
    written, 2 for bad input, 130 after a Ctrl-C), never raises."""
    command_started()  # this function's own handling of Ctrl-C takes over from the import's
    command = "symdiff"
    guard = InterruptGuard()
    try:
        # A Ctrl-C is never lost, not even one that lands in another library's callback
        # (where Python prints it and drops it): the command stops with status 130.
        with interrupts_kept() as guard:
            parser = build_parser()
            given = list(sys.argv[1:] if argv is None else argv)
            protected, restore = _expressions_as_positionals(parser, given)
            try:
                args, extra = parser.parse_known_args(protected)
                if extra:  # named by the command they were given to, as its other errors are
                    _subparser(parser, args.command).error(
                        f"unrecognized arguments: {' '.join(restore.get(a, a) for a in extra)}")
            except SystemExit as exc:  # --help, --version, or a usage error already printed
                return exc.code if isinstance(exc.code, int) else 2
            for name, value in vars(args).items():
                if isinstance(value, str) and value in restore:
                    setattr(args, name, restore[value])
            command = f"symdiff {args.command}"
            return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return _interrupted(command)
    except SymdiffError as exc:
        if guard.interrupted:  # e.g. Graphviz's dot, stopped by the same Ctrl-C
            return _interrupted(command)
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"{command}: error: {message}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (e.g. `symdiff numeric | head`): stop quietly.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        if guard.interrupted:
            return _interrupted(command)
        print(f"{command}: error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug: still one line, and the way to see more
        import os

        if guard.interrupted:
            return _interrupted(command)
        if os.environ.get("SYMDIFF_TRACEBACK"):
            raise
        first = (str(exc).splitlines() or [""])[0][:300]
        print(f"{command}: internal error: {type(exc).__name__}: {first} (a bug in symdiff; "
              "SYMDIFF_TRACEBACK=1 shows where)", file=sys.stderr)
        return 1


def _interrupted(command: str) -> int:
    print(f"{command}: interrupted", file=sys.stderr)
    return 130
