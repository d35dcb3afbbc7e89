"""The documentation stays true: generated references are current, links resolve."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_generated_references_are_current():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_docs.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_relative_links_in_docs_and_readme_resolve():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")),
             ROOT / "benchmarks" / "README.md"]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        # Code is not a link: D[1, 0](k)(x, y) in a code span or block names a derivative.
        text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
        text = re.sub(r"^>>> .*?(?:\n\n|\Z)", "", text, flags=re.DOTALL | re.MULTILINE)
        text = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", text)
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if "://" in target:
                continue
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"


def test_every_topic_page_is_in_the_guide():
    guide = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    for page in (ROOT / "docs").glob("*.md"):
        if page.name != "index.md":
            assert f"({page.name})" in guide, f"docs/index.md does not link {page.name}"
