"""The expression-swell study, end to end: every table of docs/expression-swell.md and its figures.

    python examples/swell_study.py                      # tables on stdout, figures in the cwd
    python examples/swell_study.py --out docs/images    # how the docs' figures were made
    python examples/swell_study.py --quick              # small sizes, a few seconds

Writes swell.svg/.png (sizes against n) and swell-time.svg/.png (seconds against n) into
``--out``. SymPy's columns are measured while each step stays within ``--budget`` seconds.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from symdiff import swell


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20, help="largest n of the sweep (20)")
    parser.add_argument("--naive-n", type=int, default=18,
                        help="largest n for naive vs memoized differentiation (18)")
    parser.add_argument("--orders", type=int, default=10, help="highest derivative order (10)")
    parser.add_argument("--budget", type=float, default=10.0,
                        help="seconds SymPy may take per step (10)")
    parser.add_argument("--out", type=Path, default=Path("."), help="folder for the figures")
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.naive_n, args.orders, args.budget = 10, 10, 4, 0.2

    sweep = swell.logistic_sweep(args.n, budget=args.budget)
    naive = swell.naive_vs_memoized(args.naive_n)
    sections = [
        ("Table 1 (Baydin et al. 2018)", swell.format_table_one()),
        (f"The logistic map, n = 1..{args.n}", swell.format_sweep(sweep)),
        ("Forward (one diff per variable) vs reverse (grad)",
         swell.format_forward_vs_reverse(swell.forward_vs_reverse())),
        ("Naive (tree-walking) vs memoized differentiation of l_n", swell.format_naive(naive)),
        (f"Higher-order derivatives, k = 1..{args.orders}",
         swell.format_higher_order(swell.higher_order(args.orders, budget=args.budget))),
    ]
    for title, text in sections:
        print(f"## {title}\n\n{text}\n")
    written = []
    for suffix in (".svg", ".png"):
        written.append(swell.plot_sweep(sweep, args.out / f"swell{suffix}"))
        written.append(swell.plot_timing(naive, sweep, args.out / f"swell-time{suffix}"))
    print("figures: " + ", ".join(str(p) for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
