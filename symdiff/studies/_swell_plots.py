"""The swell study's figures: log-scale plots of the logistic-map sweep's sizes and of the
seconds to differentiate (SVG, PNG or PDF, by file suffix). Part of
:mod:`symdiff.studies.swell`, which exports them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._figures import save_figure
from ._swell_common import fmt, ratio

if TYPE_CHECKING:
    from .swell import NaiveRow, SweepRow


def _log10(value: int | float) -> float:
    return math.log10(value) if value > 0 else math.nan


def _figure() -> tuple[Any, Any]:
    """A figure and its axes, drawn by the Agg canvas. No pyplot: no global state, no GUI."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 5.2))
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _power_axis(ax: Any, label: str) -> None:
    """A y axis of log10 values labelled as powers of ten (huge ints do not fit a float), and
    an x axis of n with integer ticks."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.set_xlabel("n (iterations of the logistic map)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"$10^{{{int(v)}}}$"))
    ax.set_ylabel(label)
    ax.grid(True, which="major", alpha=0.3)


def plot_sweep(rows: Sequence[SweepRow], path: str | Path) -> Path:
    """Write the log-scale plot of the sweep's sizes against n to ``path`` (``.svg``,
    ``.png`` or ``.pdf``) and return the path. Each curve is labelled at its end."""
    fig, ax = _figure()
    ns = [r.n for r in rows]
    series: list[tuple[str, str, str, Sequence[int | None]]] = [
        ("derivative as a tree (naive symbolic differentiation)", "#c0392b", "-",
         [r.df_tree for r in rows]),
        ("function as a tree", "#e67e22", "--", [r.f_tree for r in rows]),
        ("SymPy's derivative (sympy.diff)", "#8e44ad", ":",
         [r.sympy_tree for r in rows]),
        ("derivative as a shared graph (symdiff DAG)", "#2471a3", "-",
         [r.df_dag for r in rows]),
        ("operations of the derivative's CSE program", "#17a589", "-.",
         [r.cse_operations for r in rows]),
        ("function as a shared graph", "#5d6d7e", "--", [r.f_dag for r in rows]),
    ]
    for label, color, style, values in series:
        points = [(n, _log10(v)) for n, v in zip(ns, values, strict=True) if v is not None]
        if not points:
            continue
        xs, ys = zip(*points, strict=True)
        ax.plot(xs, ys, style, color=color, lw=2, marker="o" if len(xs) <= 30 else None,
                ms=3, label=label)
    _power_axis(ax, "nodes (log scale)")
    last = rows[-1]
    tree = f"{last.df_tree:,}" if last.df_tree < 10**12 else fmt(last.df_tree)
    ax.set_title("Expression swell: $l_{n+1} = 4\\,l_n(1-l_n)$ and its derivative\n"
                 f"at n = {last.n} the derivative has {tree} nodes as a tree, "
                 f"{last.df_dag} as a shared graph", fontsize=11)
    if len(rows) >= 3:
        before = rows[-2]
        ax.annotate(f"×{ratio(last.df_tree, before.df_tree)} per step: exponential",
                    (last.n, _log10(last.df_tree)), xytext=(-14, -14),
                    textcoords="offset points", ha="right", va="top", color="#c0392b")
        ax.annotate(f"+{last.df_dag - before.df_dag} nodes per step: linear",
                    (last.n, _log10(last.df_dag)), xytext=(-8, 8),
                    textcoords="offset points", ha="right", va="bottom", color="#2471a3")
    ax.legend(loc="upper left", fontsize=8.5, frameon=False)
    return save_figure(fig, path, dpi=150, bbox_inches="tight")


def plot_timing(naive: Sequence[NaiveRow], sweep: Sequence[SweepRow] | None,
                path: str | Path) -> Path:
    """Write the log-scale plot of seconds against n: naive (tree-walking) differentiation,
    memoized ``diff`` and ``sympy.diff`` (from ``sweep``, where measured)."""
    fig, ax = _figure()
    curves: list[tuple[str, str, str, list[tuple[int, float | None]]]] = [
        ("naive tree-walking differentiation (no memo)", "#c0392b", "-",
         [(r.n, r.naive_seconds) for r in naive]),
        ("sympy.diff", "#8e44ad", ":",
         [(r.n, r.sympy_seconds) for r in sweep or ()]),
        ("symdiff.diff (memoized, on the DAG)", "#2471a3", "-",
         [(r.n, r.memo_seconds) for r in naive]),
    ]
    for label, color, style, points in curves:
        points = [(n, _log10(s)) for n, s in points if s is not None and s > 0]
        if points:
            xs, ys = zip(*points, strict=True)
            ax.plot(xs, ys, style, color=color, lw=2, marker="o", ms=3, label=label)
    _power_axis(ax, "seconds to differentiate (log scale)")
    ax.set_title("Time, not only size: differentiating $l_n$ with and without sharing",
                 fontsize=11)
    ax.legend(loc="upper left", fontsize=8.5, frameon=False)
    return save_figure(fig, path, dpi=150, bbox_inches="tight")
