"""The command line: outputs, exit codes, one-line errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from symdiff.cli import build_parser, main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_diff(capsys):
    code, out, _ = run(capsys, "diff", "x*sin(x)", "x")
    assert code == 0
    assert out.strip() == "sin(x) + x*cos(x)"


def test_diff_options(capsys):
    assert run(capsys, "diff", "x**3", "x", "--order", "2")[1].strip() == "6*x"
    assert run(capsys, "diff", "x**2", "x", "--latex")[1].strip() == "2 x"
    assert run(capsys, "diff", "4*x*(1 - x)", "x", "--simplify")[1].strip() == "4 - 8*x"
    _, _, err = run(capsys, "diff", "x**2", "x", "--sizes")
    assert "distinct nodes" in err


def test_latex_output_is_latex_throughout(capsys):
    from tests.latex_check import latex_problem

    out = run(capsys, "diff", "4*x*(1 - x)*4*(1 - 4*x*(1 - x))", "x", "--latex")[1].strip()
    assert r"4 \cdot 4 x" in out and latex_problem(out) is None
    _, out, _ = run(capsys, "grad", "1/(exp(-(w*x+b))+1)", "--wrt", "w,b", "--at",
                    "x=1,w=0,b=0", "--latex")
    lines = out.strip().splitlines()
    assert lines[0] == r"f = 0.5 \text{ at } x=1,w=0,b=0"
    assert lines[1].startswith(r"\frac{\partial f}{\partial w} = \frac{")
    assert lines[2].startswith(r"\frac{\partial f}{\partial b} = ")
    assert all(latex_problem(line) is None for line in lines)


def test_grad_at_the_seed_point(capsys):
    code, out, err = run(capsys, "grad", "1/(exp(-(w*x+b))+1)", "--wrt", "w,b",
                         "--at", "x=1,w=0,b=0")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines.pop(0) == "f = 0.5 at x=1,w=0,b=0"
    assert lines[0].startswith("d/dw = ") and lines[0].endswith("= 0.25 at x=1,w=0,b=0")
    assert lines[1].startswith("d/db = ") and lines[1].endswith("= 0.25 at x=1,w=0,b=0")
    assert "ratio" in err


@pytest.mark.parametrize("argv", [
    ["diff", "x +", "x"],
    ["diff", "foo(x)", "x"],
    ["diff", "x*y", "z"],
    ["grad", "x*y", "--at", "x=one"],
    ["grad", "x*y", "--at", "x"],
    ["grad", "log(x)", "--at", "x=-1"],
    ["grad", "x*y", "--at", "x=1"],
    ["grad", "x*y", "--wrt", ","],
])
def test_bad_input_exits_2_with_one_line(capsys, argv):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(f"symdiff {argv[0]}: error: ")
    assert "Traceback" not in err


def test_every_subcommand_has_help():
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    for name, sub in subparsers.choices.items():
        assert sub.format_help(), name
        assert sub.description or sub.format_usage(), name


def test_python_dash_m_and_console_script():
    result = subprocess.run([sys.executable, "-m", "symdiff", "diff", "x +", "x"],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "position 3" in result.stderr
    result = subprocess.run([sys.executable, "-m", "symdiff", "--version"], capture_output=True,
                            text=True)
    assert result.returncode == 0 and "symdiff" in result.stdout


def test_render_views(capsys, tmp_path):
    out = tmp_path / "seed.svg"
    code, text, _ = run(capsys, "render", "1/(exp(-(w*x+b))+1)", "--view", "computation",
                        "--wrt", "w", "--at", "x=1,w=0,b=0", "--mode", "forward", "-o", str(out))
    assert code == 0 and out.stat().st_size > 1000
    assert "0.25" in text
    code, _, _ = run(capsys, "render", "x*sin(x)", "--wrt", "x", "-o", str(tmp_path / "d.png"))
    assert code == 0 and (tmp_path / "d.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("argv", [
    ["render", "x", "-o", "x.txt"],
    ["render", "x", "--view", "computation", "-o", "x.svg"],
    ["render", "4*x*(1-x)", "--view", "tree", "--max-tree-size", "3", "-o", "x.svg"],
    ["compare", "--hidden", "0"],
])
def test_render_and_compare_errors(capsys, tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, *argv)
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_unwritable_output_exits_1(capsys, tmp_path):
    code, _, err = run(capsys, "render", "x", "-o", str(tmp_path / "missing" / "x.svg"))
    assert code == 1 and "No such file" in err


def test_numeric_prints_the_seed_table(capsys, tmp_path):
    plot = tmp_path / "err.png"
    code, out, _ = run(capsys, "numeric", "--plot", str(plot))
    assert code == 0
    assert "1.0517091807564771" in out and "1.0000001666666813" in out
    assert plot.stat().st_size > 1000


def test_compare_small(capsys):
    code, out, _ = run(capsys, "compare", "--hidden", "2", "--points", "5", "--repeats", "1")
    assert code == 0
    for method in ("numeric", "symbolic", "forward-mode", "reverse-mode"):
        assert method in out


def test_codegen_prints_and_writes_a_module(capsys, tmp_path):
    code, out, _ = run(capsys, "codegen", "1/(exp(-(w*x+b))+1)", "--wrt", "w,b",
                       "--args", "x,w,b")
    assert code == 0 and "def f(x, w, b):" in out and "def f_grad(x, w, b):" in out
    target = tmp_path / "seed_module.py"
    code, out, _ = run(capsys, "codegen", "1/(exp(-(w*x+b))+1)", "--wrt", "w,b",
                       "--args", "x,w,b", "-o", str(target))
    assert code == 0 and "wrote" in out
    result = subprocess.run(
        [sys.executable, "-c", "import seed_module as m; print(m.f(1, 0, 0), m.f_grad(1, 0, 0))"],
        cwd=tmp_path, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "0.5 (0.25, 0.25)"


def test_diff_variable_is_a_symbol_even_if_it_names_a_constant(capsys):
    code, out, _ = run(capsys, "diff", "e*x", "e")
    assert code == 0 and out.strip() == "x"
    code, out, _ = run(capsys, "diff", "e**x", "x")
    assert code == 0 and out.strip() == "E**x"


# --- issue 15: leading minus signs, one-line argparse errors, internal errors, interrupts --

@pytest.mark.parametrize("argv, expected", [
    (["diff", "-x*y", "x"], "-y"),
    (["diff", "--order", "2", "-x**3", "x"], "-(6*x)"),
    (["diff", "-sin(x)", "x", "--latex"], r"-\cos{\left(x\right)}"),
    (["diff", "-x", "x"], "-1"),
    (["diff", "--", "-x*y", "x"], "-y"),  # the documented way still works
    # an undefined function declared by --functions, before or after, spelled any way
    (["diff", "--functions", "myfun", "-myfun(x)", "x"], "-myfun'(x)"),
    (["diff", "-myfun(x)*y", "x", "--functions=myfun"], "-(myfun'(x)*y)"),
    (["diff", "-g2(x)*myfun(x)", "x", "--func", "myfun,g2"],
     "-(g2'(x)*`myfun`(x) + g2(x)*myfun'(x))"),
    (["diff", "--functions", "myfun", "--", "-myfun(x)", "x"], "-myfun'(x)"),
])
def test_an_expression_may_begin_with_a_minus_sign(capsys, argv, expected):
    code, out, err = run(capsys, *argv)
    assert (code, err) == (0, "")
    assert out.strip() == expected


def test_a_leading_minus_in_grad_and_render(capsys, tmp_path):
    code, out, _ = run(capsys, "grad", "-x*y", "--wrt", "x,y", "--at", "x=2,y=3")
    assert code == 0 and out.splitlines()[0] == "f = -6.0 at x=2,y=3"
    code, out, _ = run(capsys, "render", "-exp(x)", "-o", str(tmp_path / "n.svg"))
    assert code == 0 and (tmp_path / "n.svg").is_file()
    code, out, _ = run(capsys, "grad", "--functions", "myfun", "-myfun(x)", "--wrt", "x")
    assert code == 0 and out.splitlines()[0] == "d/dx = -myfun'(x)"


def test_options_still_win_over_expressions(capsys):
    code, out, _ = run(capsys, "diff", "-h")
    assert code == 0 and out.startswith("usage: symdiff diff")
    code, _, err = run(capsys, "diff", "x", "x", "-y")
    assert code == 2 and err == ("symdiff diff: error: unrecognized arguments: -y "
                                 "(see symdiff diff --help)\n")


@pytest.mark.parametrize("argv", [
    [],
    ["frob"],
    ["diff"],
    ["diff", "x"],
    ["diff", "x", "x", "--order", "abc"],
    ["diff", "x", "x", "--bogus"],
    ["render", "x"],
    ["swell", "nope"],
    ["grad", "x", "--wrt"],
    ["report", "--quick", "extra"],
])
def test_every_argparse_error_is_one_line(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("symdiff") and ": error: " in err
    assert "usage:" not in err and "Traceback" not in err


def test_help_and_version_return_0(capsys):
    assert run(capsys, "--help")[0] == 0
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("symdiff ")


def test_an_internal_error_is_one_line_with_exit_1(capsys, monkeypatch):
    from symdiff import cli

    def broken(args):
        raise ValueError("something symdiff should have caught\nsecond line")

    monkeypatch.setitem(cli.COMMANDS, "diff", broken)
    code, out, err = run(capsys, "diff", "x", "x")
    assert code == 1 and out == ""
    assert err == ("symdiff diff: internal error: ValueError: something symdiff should have "
                   "caught (a bug in symdiff; SYMDIFF_TRACEBACK=1 shows where)\n")
    monkeypatch.setenv("SYMDIFF_TRACEBACK", "1")
    with pytest.raises(ValueError):
        main(["diff", "x", "x"])


def test_ctrl_c_exits_130_with_one_line(capsys, monkeypatch):
    from symdiff import cli

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setitem(cli.COMMANDS, "numeric", interrupted)
    assert run(capsys, "numeric") == (130, "", "symdiff numeric: interrupted\n")


def test_a_ctrl_c_swallowed_by_a_callback_still_exits_130(capsys, monkeypatch):
    """Python drops a KeyboardInterrupt raised in a weakref callback ("Exception ignored");
    the command must not then finish as if nothing happened."""
    import gc
    import os
    import signal
    import weakref

    from symdiff import cli

    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)

    class Thing:
        pass

    def callback(_ref):
        os.kill(os.getpid(), signal.SIGINT)
        sum(range(10))

    def command(args):
        thing = Thing()
        ref = weakref.ref(thing, callback)
        del thing
        gc.collect()
        print("done")
        return 0 if ref is not None else 1

    monkeypatch.setitem(cli.COMMANDS, "numeric", command)
    assert run(capsys, "numeric") == (130, "done\n", "symdiff numeric: interrupted\n")
    assert unraisable == []
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


_LAUNCHER = "import sys\nfrom symdiff.cli import main\nsys.exit(main())\n"  # as pip writes it


@pytest.mark.parametrize("form", ["console script", "python -m symdiff"])
def test_a_ctrl_c_while_the_command_imports_exits_130(tmp_path, form):
    """A Ctrl-C while the command imports the package: one line and status 130, not a
    traceback. The handler is installed by the package's __init__ before its first heavy
    import; the tests' hook ($SYMDIFF_TEST_IMPORT_PAUSE) holds the command at the last moment
    that handler is in charge (every import done, before main's own handling), so the signal
    lands there whatever the machine's load."""
    import ast
    import os
    import signal
    import time

    import symdiff

    first = ast.parse(open(symdiff.__file__, encoding="utf-8").read()).body[1:3]
    assert ast.unparse(first[0]) == "from . import _util"  # nothing heavy comes before it
    assert ast.unparse(first[1]) == "_util.command_importing()"
    script = tmp_path / "symdiff"
    script.write_text(_LAUNCHER, encoding="utf-8")
    command = [str(script)] if form == "console script" else ["-m", "symdiff"]
    ready = tmp_path / "ready"
    child = subprocess.Popen([sys.executable, *command, "diff", "x*x", "x"], cwd=tmp_path,
                             env={**os.environ, "SYMDIFF_TEST_IMPORT_PAUSE": str(ready)},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120  # the imports, on a loaded machine
        while not ready.exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ready.exists(), "the command never reached its import handler's last moment"
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert (child.returncode, out, err) == (130, "", "symdiff: interrupted\n")


def test_other_programs_keep_their_own_ctrl_c(tmp_path):
    """Importing symdiff in any other program changes no signal handler: a script, and a
    package run with -m that imports symdiff while runpy imports it (sys.argv[0] is "-m")."""
    code = ("import signal, symdiff\n"
            "print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)\n")
    (tmp_path / "script.py").write_text(code, encoding="utf-8")
    (tmp_path / "package").mkdir()
    (tmp_path / "package" / "__init__.py").write_text(code, encoding="utf-8")
    (tmp_path / "package" / "__main__.py").write_text("", encoding="utf-8")
    for argv in (["-c", code], ["script.py"], ["-m", "package"]):
        result = subprocess.run([sys.executable, *argv], capture_output=True, text=True,
                                cwd=tmp_path)
        assert (result.returncode, result.stdout) == (0, "True\n"), argv
