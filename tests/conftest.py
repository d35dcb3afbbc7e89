"""Shared test set-up: a deterministic Hypothesis profile, so CI runs are repeatable."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "symdiff",
    deadline=None,
    derandomize=True,
    max_examples=int(os.environ.get("SYMDIFF_EXAMPLES", "60")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.load_profile("symdiff")
