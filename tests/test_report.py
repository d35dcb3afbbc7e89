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
    assert len(SECTIONS) == 6
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
