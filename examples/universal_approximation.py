"""Universal approximation, the seed's last chapter: y = b + Σᵢ cᵢ·sigmoid(bᵢ + wᵢx).

A piecewise-linear target (the seed's red curve) is a constant plus a few ramps, and each ramp is
approximately a scaled sigmoid (the seed's blue curves), so one hidden layer of H sigmoid units
fits it. We fit by gradient descent θ ← θ − η∇L(θ) (with momentum) on the mean squared error,
where ∇L comes from symdiff: ``symdiff.grad`` (symbolic reverse mode) compiled once by
``symdiff.codegen.value_and_grad`` (see ``symdiff.approx.gradient_function``). Then a smooth
curve, sin(2πx), with more and more units: more units, smaller error.

    python examples/universal_approximation.py            # full run, figures in the cwd
    python examples/universal_approximation.py --quick    # a small configuration, seconds
    python examples/universal_approximation.py --out docs/images/methods

Exits with status 1 if a fit misses its stated threshold.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from symdiff import approx

# The stated thresholds: final mean squared error on the training points.
PIECEWISE_THRESHOLD = 1e-3   # the piecewise-linear target takes values in [0.2, 1.25]
SMOOTH_THRESHOLD = 1e-4      # sin(2πx)/2 + 1/2 with the largest number of units

FULL = {"piecewise": {"points": 20, "hidden": 6, "steps": 20000},
        "smooth": {"points": 40, "hidden": (2, 4, 8), "steps": 5000}}
QUICK = {"piecewise": {"points": 20, "hidden": 3, "steps": 500},
         "smooth": {"points": 20, "hidden": (2, 6), "steps": 1000}}


def show_history(fit: approx.Fit) -> None:
    marks = sorted({0, 10, 100, 1000, 10000, len(fit.history) - 1} & set(
        range(len(fit.history))))
    print("  step " + "".join(f"{m:>11}" for m in marks))
    print("  MSE  " + "".join(f"{fit.history[m]:>11.3e}" for m in marks))


def plot_smooth(fits: list[approx.Fit], path: Path) -> None:
    """The target and the fits with more and more units, on one plot."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 4))
    ax = fig.add_subplot()
    first = fits[0]
    ax.plot(first.xs, first.ys, "o", color="tab:red", markersize=4, label="target sin")
    lo, hi = min(first.xs), max(first.xs)
    grid = [lo + (hi - lo) * k / 400 for k in range(401)]
    for fit in fits:
        ax.plot(grid, [fit.predict(x) for x in grid],
                label=f"{fit.hidden} units, MSE {fit.mse:.1e}")
    ax.set_title("More sigmoid units approximate a smooth curve better")
    ax.set_xlabel("x")
    ax.legend(fontsize=8)
    fig.tight_layout()
    approx.save_figure(fig, str(path))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small configuration (seconds)")
    parser.add_argument("--out", default=".", help="directory for the figures (default: .)")
    parser.add_argument("--format", default="png", choices=["png", "svg", "pdf"])
    args = parser.parse_args(argv)
    config = QUICK if args.quick else FULL
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    ok = True

    c = config["piecewise"]
    xs, ys = approx.piecewise_linear_target(c["points"])
    start = time.perf_counter()
    fit = approx.fit(xs, ys, c["hidden"], steps=c["steps"])
    seconds = time.perf_counter() - start
    print(f"Piecewise-linear target, {c['points']} points, {c['hidden']} sigmoid units, "
          f"{c['steps']} steps of gradient descent with momentum ({seconds:.1f} s)")
    print(f"  gradient by {fit.backend}")
    show_history(fit)
    passed = fit.mse < PIECEWISE_THRESHOLD
    ok &= passed
    print(f"  final MSE {fit.mse:.2e} {'<' if passed else '≥'} threshold "
          f"{PIECEWISE_THRESHOLD:g}: {'fits' if passed else 'DOES NOT FIT'}")
    for i in range(fit.hidden):
        p = fit.params
        w = p[f"w{i}"]
        print(f"  unit {i}: {p[f'c{i}']:+.3f}·sigmoid({p[f'b{i}']:.3f} {'+-'[w < 0]} "
              f"{abs(w):.3f}·x)")
    print(f"  constant b = {fit.params['b']:+.3f}")
    path = out / f"universal_approximation_piecewise.{args.format}"
    fit.plot(str(path), title=f"Piecewise-linear target, {fit.hidden} sigmoid units")
    print(f"  figure: {path}\n")

    c = config["smooth"]
    xs, ys = approx.sine_target(c["points"])
    print(f"Smooth target sin(2πx)/2 + 1/2, {c['points']} points, {c['steps']} steps")
    fits = []
    for hidden in c["hidden"]:
        start = time.perf_counter()
        fits.append(approx.fit(xs, ys, hidden, steps=c["steps"]))
        print(f"  {hidden:2d} units: final MSE {fits[-1].mse:.2e} "
              f"({time.perf_counter() - start:.1f} s)")
    passed = fits[-1].mse < SMOOTH_THRESHOLD
    ok &= passed
    print(f"  with {fits[-1].hidden} units: MSE {fits[-1].mse:.2e} "
          f"{'<' if passed else '≥'} threshold {SMOOTH_THRESHOLD:g}")
    path = out / f"universal_approximation_sine.{args.format}"
    plot_smooth(fits, path)
    detail = out / f"universal_approximation_sine_units.{args.format}"
    fits[-1].plot(str(detail), title=f"sin(2πx)/2 + 1/2, {fits[-1].hidden} sigmoid units")
    print(f"  figures: {path}, {detail}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
