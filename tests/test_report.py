"""The report: every section and asset is there, and a real browser renders it with images."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from symdiff.studies.report import SECTIONS, build_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    return build_report(out, quick=True)


def test_every_section_and_asset_is_present(report):
    page = report.read_text(encoding="utf-8")
    assert len(SECTIONS) == 7
    for section in SECTIONS:
        assert f'id="{section.anchor}"' in page
        assert section.title.replace("'", "&#x27;") in page
    sources = re.findall(r'<img src="([^"]+)"', page)
    assert len(sources) >= 7
    for src in sources:
        asset = report.parent / src
        assert asset.is_file() and asset.stat().st_size > 1000, src
        if src.endswith(".svg"):
            assert asset.read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))
    assert "http://" not in page.replace("http://www.w3.org", "")
    assert "https://" not in page


def test_the_report_carries_the_seed_numbers(report):
    page = report.read_text(encoding="utf-8")
    assert "f = 0.5,  ∂f/∂w = 0.25,  ∂f/∂b = 0.25" in page
    assert "1.0517091807564771" in page  # the seed's forward difference at h = 0.1
    assert "16*x**3" in page or "16x" in page  # Table 1, n = 3 simplified
    assert "def loss_grad(" in page


def _chromium(*args: str, tmp_path) -> subprocess.CompletedProcess:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True,
                          timeout=120)


def _need_chromium():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium for the browser test")
        pytest.skip("chromium is not installed")


def test_chromium_renders_the_report_with_all_images(report, tmp_path):
    _need_chromium()
    result = _chromium("--virtual-time-budget=10000", "--dump-dom", report.as_uri(),
                       tmp_path=tmp_path)
    total = re.search(r'data-images-total="(\d+)"', result.stdout)
    loaded = re.search(r'data-images-loaded="(\d+)"', result.stdout)
    assert total and loaded, result.stderr[-2000:]
    assert int(total.group(1)) >= 7
    assert loaded.group(1) == total.group(1)


def test_chromium_screenshot_is_not_blank(report, tmp_path):
    _need_chromium()
    shot = tmp_path / "report.png"
    _chromium("--window-size=1200,3000", f"--screenshot={shot}", report.as_uri(),
              tmp_path=tmp_path)
    assert shot.read_bytes()[:4] == b"\x89PNG"
    from matplotlib.image import imread

    pixels = imread(str(shot))
    assert pixels.shape[0] == 3000 and pixels.shape[1] == 1200
    assert pixels.std() > 0.05  # text and pictures, not an empty page


def test_the_readme_command_builds_the_report(tmp_path):
    import sys

    result = subprocess.run([sys.executable, "-m", "symdiff", "report", "-o",
                             str(tmp_path / "out"), "--quick", "--quiet"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "index.html").is_file()
    assert "report written to" in result.stdout


# --- for a stranger -------------------------------------------------------------------------

def visible_text(page):
    import html as html_module

    page = re.sub(r"<script.*?</script>|<style.*?</style>", "", page, flags=re.S)
    return html_module.unescape(re.sub(r"<[^>]+>", " ", page))


def test_every_term_is_defined_and_no_insider_words(report):
    page = report.read_text(encoding="utf-8")
    text = visible_text(page)
    for term in ("The source notes", "Expression swell", "Forward and reverse mode",
                 "The workloads", "the network loss", "the logistic map", "CSE: compute"):
        assert term in text, term
    # Terms come before their first use in a section.
    assert text.index("The source notes") < text.index("1. A worked example")
    for insider in ("seed", "W1", "W2", "W3", "W4", "issue", "the notes'"):
        assert insider not in text, insider
    assert "self-contained" not in text


def test_layout_wraps_code_aligns_captions_and_prints(report):
    page = report.read_text(encoding="utf-8")
    assert "white-space: pre-wrap" in page and "@media print" in page
    assert "@media (max-width: 700px)" in page and 'name="viewport"' in page
    # The forward and reverse pictures share a row, captions above the pictures.
    row = re.search(r'<div class="row">(.*?)</div>', page, flags=re.S).group(1)
    assert row.count("<figure") == 2 and "order: -1" in page


@pytest.fixture
def tiny_sections(monkeypatch):
    """Two fast sections (one writes an asset, the other may fail) instead of the real seven."""
    from symdiff.studies import report as module

    state = {"fail": False}

    def picture(ctx):
        ctx.asset("p.svg").write_text("<svg " + "x" * 2000 + "/>")
        return "<p>a picture</p>"

    def second(ctx):
        if state["fail"]:
            raise module.SymdiffError("this section failed")
        return "<p>second</p>"

    monkeypatch.setattr(module, "SECTIONS", [module.Section("a", "A", "first", picture),
                                              module.Section("b", "B", "second", second)])
    return state


def test_a_failed_build_leaves_the_previous_report(tmp_path, tiny_sections):
    out = tmp_path / "r"
    index = build_report(out, quick=True)
    before = index.read_bytes()
    tiny_sections["fail"] = True
    with pytest.raises(Exception, match="this section failed"):
        build_report(out, quick=True)
    assert index.read_bytes() == before and (out / "assets" / "p.svg").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]  # no half-built folder left


def test_a_failed_first_build_leaves_nothing(tmp_path, tiny_sections):
    tiny_sections["fail"] = True
    with pytest.raises(Exception, match="this section failed"):
        build_report(tmp_path / "r", quick=True)
    assert list(tmp_path.iterdir()) == []  # no report, no empty assets/


def test_missing_graphviz_leaves_no_empty_assets(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(symdiff_errors()):
        build_report(tmp_path / "r", quick=True)
    assert list(tmp_path.iterdir()) == []


def symdiff_errors():
    import symdiff

    return symdiff.SymdiffError


def test_a_rebuild_leaves_no_stale_assets(tmp_path, tiny_sections):
    out = tmp_path / "r"
    build_report(out, quick=True)
    (out / "assets" / "stale.svg").write_text("from a previous, fuller build")
    build_report(out, quick=True)
    assert sorted(p.name for p in (out / "assets").iterdir()) == ["p.svg"]


def test_a_folder_that_is_not_a_report_is_refused(tmp_path, tiny_sections):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(symdiff_errors(), match="not a symdiff report"):
        build_report(tmp_path, quick=True)
    assert (tmp_path / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("width", [1400, 400])
def test_chromium_at_desktop_and_phone_widths(report, tmp_path, width):
    _need_chromium()
    shot = tmp_path / f"report-{width}.png"
    _chromium(f"--window-size={width},2400", f"--screenshot={shot}", report.as_uri(),
              tmp_path=tmp_path)
    from matplotlib.image import imread

    image = imread(str(shot))
    assert image.shape[1] == width
    # Something is drawn across the page (not blank, not one colour).
    assert image[:, :, :3].std() > 0.05


def _swallowed_interrupt():
    """A Ctrl-C that lands in a weak reference's callback, as it did in matplotlib's during a
    real build: Python reports it as "Exception ignored" and drops it."""
    import gc
    import signal
    import weakref

    class Thing:
        pass

    def callback(_ref):
        os.kill(os.getpid(), signal.SIGINT)
        sum(range(10))  # the handler runs here, inside the callback

    thing = Thing()
    ref = weakref.ref(thing, callback)
    del thing
    gc.collect()
    return ref


@pytest.mark.parametrize("at", ["first", "last"])
def test_an_interrupt_swallowed_by_a_callback_still_stops_the_build(tmp_path, tiny_sections,
                                                                   monkeypatch, at):
    import sys

    from symdiff.studies import report as module

    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    sections = list(module.SECTIONS)
    index = 0 if at == "first" else -1
    build = sections[index].build

    def interrupted(ctx):
        _swallowed_interrupt()
        return build(ctx)

    sections[index] = module.Section("i", "I", "interrupted", interrupted)
    monkeypatch.setattr(module, "SECTIONS", sections)
    with pytest.raises(KeyboardInterrupt):
        build_report(tmp_path / "r", quick=True)
    assert list(tmp_path.iterdir()) == []  # nothing written, no staging folder left
    assert unraisable == []  # and no "Exception ignored" report of it


def test_an_interrupt_during_the_move_into_place_leaves_a_whole_report(tmp_path, tiny_sections,
                                                                       monkeypatch):
    import signal
    import types

    from symdiff.studies import report as module

    out = tmp_path / "r"
    build_report(out, quick=True)

    def rmtree(path, **options):  # the old report is being removed when Ctrl-C comes
        os.kill(os.getpid(), signal.SIGINT)
        shutil.rmtree(path, **options)

    monkeypatch.setattr(module, "shutil", types.SimpleNamespace(rmtree=rmtree))
    with pytest.raises(KeyboardInterrupt):
        build_report(out, quick=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]  # no .previous, no staging
    assert (out / "index.html").is_file() and (out / "assets" / "p.svg").is_file()


@pytest.mark.slow
def test_ctrl_c_during_symdiff_report_exits_130_and_writes_nothing(tmp_path):
    import signal
    import sys

    out = tmp_path / "r"
    process = subprocess.Popen([sys.executable, "-m", "symdiff", "report", "--quick", "-o",
                                str(out)], stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    assert process.stderr is not None
    lines = []
    for line in process.stderr:
        lines.append(line)
        if line.startswith("[2/"):  # SymPy and matplotlib at work
            os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: dot too
            break
    lines += process.stderr.readlines()
    assert process.wait(60) == 130, lines
    assert lines[-1] == "symdiff report: interrupted\n"
    assert not any("Traceback" in line or "Exception ignored" in line for line in lines)
    assert list(tmp_path.iterdir()) == []
