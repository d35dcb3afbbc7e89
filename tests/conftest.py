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


# Every LaTeX string the suite makes symdiff print is checked at the end of the session by
# matplotlib's mathtext and for numbers side by side (tests/latex_check.py): a wrong one fails
# the run even if the test that printed it only looked at something else.
def pytest_configure(config):
    from tests import latex_check

    latex_check.record_latex()


def pytest_sessionfinish(session, exitstatus):
    from tests import latex_check

    bad = latex_check.problems()
    session.config._symdiff_latex = (len(latex_check.SEEN), bad)
    if bad and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    seen, bad = getattr(config, "_symdiff_latex", (0, []))
    if not seen:
        return
    terminalreporter.write_line(f"LaTeX check: {seen} distinct strings printed by the suite, "
                                f"{len(bad)} wrong (mathtext / adjacent numbers)")
    for problem in bad:
        terminalreporter.write_line(f"  wrong LaTeX: {problem}")
