"""Ctrl-C at random moments of the ``symdiff`` command's start: what the user sees.

    python tools/interrupt_startup.py [--checkout DIR] [--rounds 30] [--within 1.0]

Each round starts ``symdiff diff x*x x`` twice, as a console script (a launcher file named
``symdiff``, as pip writes it) and as ``python -m symdiff``, with ``PYTHONPATH`` set to the
checkout, sends SIGINT after a uniformly random delay in ``[0, within)`` seconds and sorts
what came back: the one line and status 130 (``symdiff: interrupted`` during the imports,
``symdiff diff: interrupted`` once the command runs), a traceback, a silent death by the
signal (before Python installed its handler), or a normal finish (the signal came too late).
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAUNCHER = "import sys\nfrom symdiff.cli import main\nsys.exit(main())\n"


def outcome(code: int, err: str) -> str:
    if code == 130 and err == "symdiff: interrupted\n":
        return "130, one line (during the imports)"
    if code == 130 and err.count("\n") == 1 and err.endswith(": interrupted\n"):
        return "130, one line (the command running)"
    if "Traceback" in err:
        return "traceback"
    if code == -signal.SIGINT and not err:
        return "killed by the signal, silent (interpreter start)"
    if code == 0:
        return "finished (too late)"
    return f"other: status {code}, {err.strip()[:60]!r}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkout", type=Path, default=ROOT)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--within", type=float, default=1.0, help="latest delay, seconds")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    counts: dict[str, collections.Counter[str]] = {}
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "symdiff"
        script.write_text(LAUNCHER, encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(args.checkout.resolve())}
        forms = {"console script": [str(script)], "python -m symdiff": ["-m", "symdiff"]}
        for _ in range(args.rounds):
            for form, command in forms.items():
                child = subprocess.Popen([sys.executable, *command, "diff", "x*x", "x"],
                                         cwd=folder, env=env, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.PIPE, text=True)
                time.sleep(rng.uniform(0.0, args.within))
                if child.poll() is None:
                    child.send_signal(signal.SIGINT)
                _, err = child.communicate(timeout=120)
                counts.setdefault(form, collections.Counter())[outcome(child.returncode,
                                                                       err)] += 1
    for form, counter in counts.items():
        print(f"{form} ({args.checkout}): " + "; ".join(f"{n} {what}" for what, n in
                                                       counter.most_common()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
