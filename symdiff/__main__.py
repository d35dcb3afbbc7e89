"""``python -m symdiff``: the same as the ``symdiff`` command."""

from .cli import main

raise SystemExit(main())
