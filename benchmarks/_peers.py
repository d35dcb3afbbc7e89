"""What the benchmark scripts share: loading an optional peer library."""

from __future__ import annotations

import importlib
from typing import Any


def load_peer(name: str) -> Any | None:
    """The peer's module, or None (with a message) when it is not installed."""
    try:
        return importlib.import_module(name)
    except ImportError:
        print(f"[{name} is not installed: its rows are skipped; pip install -e '.[bench]']")
        return None
