"""Figures of the trust checks and of campaign planning.

Each function takes a result first, keyword-only options next and ``ax=None`` last; it
draws on the given (or current) Axes and returns it. The data drawn is the result's
``plot_data()``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import PercentFormatter

__all__ = [
    "plot_placebo_in_space",
    "plot_placebo_in_time",
    "plot_power_curve",
    "plot_triangulation",
]

_REAL = "#c0392b"
_GREY = "#7f8c8d"


def plot_placebo_in_time(result, *, bins: int | None = None, ax=None):
    """Histogram of placebo relative effects with the real effect as a vertical line.

    Parameters
    ----------
    result : darksocial.checks.PlaceboInTime
        The placebo check.
    bins : int, optional
        Histogram bins (default: about one per three placebos, at least 8).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default: the current Axes).

    Returns
    -------
    matplotlib.axes.Axes
        One histogram of the placebo effects and one ``axvline`` at the real effect.
    """
    ax = ax if ax is not None else plt.gca()
    data = result.plot_data()
    est = data.loc[data["kind"] == "placebo", "estimate"].to_numpy(dtype=float)
    real = float(data.loc[data["kind"] == "real", "estimate"].iloc[0])
    import seaborn as sns

    nb = bins or max(8, len(est) // 3)
    sns.histplot(
        x=est, bins=nb, color=_GREY, alpha=0.7, label=f"{len(est)} placebo launches", ax=ax
    )
    ax.axvline(
        real, color=_REAL, lw=2, label=f"real campaign (calibrated p = {result.p_value:.2f})"
    )
    ax.axvline(0, color="black", lw=0.8, ls=":")
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("Relative effect (change against expected)")
    ax.set_ylabel("Fake launches")
    ax.set_title("Effects found where no campaign ran", fontsize="medium")
    ax.legend(loc="best", frameon=False)
    return ax


def _forest(ax, labels, est, lo, hi, colors):
    ypos = np.arange(len(labels))[::-1]
    est, lo, hi = (np.asarray(v, dtype=float) for v in (est, lo, hi))
    ax.errorbar(
        est,
        ypos,
        xerr=np.vstack([est - lo, hi - est]),
        fmt="none",
        ecolor=colors,
        elinewidth=1.5,
    )
    ax.scatter(est, ypos, c=colors, zorder=3)
    ax.axvline(0, color="black", lw=0.8, ls=":")
    ax.set_yticks(ypos)
    ax.set_yticklabels(labels)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("relative effect")
    return ax


def plot_placebo_in_space(result, *, ax=None):
    """Relative effect and interval of each series that should not move.

    Parameters
    ----------
    result : darksocial.checks.PlaceboInSpace
        The placebo check.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default: the current Axes).

    Returns
    -------
    matplotlib.axes.Axes
        One point and error bar per series; series that moved are drawn in red.
    """
    ax = ax if ax is not None else plt.gca()
    d = result.plot_data().dropna(subset=["estimate"])
    colors = [_REAL if m else _GREY for m in d["moved"]]
    _forest(ax, list(d["series"]), d["estimate"], d["lower"], d["upper"], colors)
    ax.set_title("Placebo in space: series that should not move")
    return ax


def plot_triangulation(result, *, ax=None):
    """Forest plot of the relative effect by model, method and pre-period length.

    Parameters
    ----------
    result : darksocial.checks.Triangulation
        The triangulation table.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default: the current Axes).

    Returns
    -------
    matplotlib.axes.Axes
        One point and error bar per fitted combination; significant ones in red.
    """
    ax = ax if ax is not None else plt.gca()
    d = result.plot_data()
    colors = [_REAL if s else _GREY for s in d["significant"]]
    _forest(ax, list(d["label"]), d["estimate"], d["lower"], d["upper"], colors)
    ax.set_title("Triangulation: the same campaign, every model")
    return ax


def plot_power_curve(result, *, ax=None):
    """Power against lift (or duration) with Monte-Carlo intervals and the analytic curve.

    Parameters
    ----------
    result : darksocial.planning.PowerAnalysis
        The power analysis.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default: the current Axes).

    Returns
    -------
    matplotlib.axes.Axes
        Lines: simulated power, analytic power (when available), the target power
        (horizontal) and the answer (vertical, when reached).
    """
    ax = ax if ax is not None else plt.gca()
    d = result.plot_data()
    x = d[result.varying].to_numpy(dtype=float)
    ax.fill_between(x, d["power_lower"], d["power_upper"], color=_GREY, alpha=0.25, lw=0)
    ax.plot(x, d["power"], marker="o", color="black", label="simulated on your history")
    if d["analytic_power"].notna().any():
        ax.plot(x, d["analytic_power"], ls="--", color=_GREY, label="analytic approximation")
    ax.axhline(result.power, color=_REAL, lw=0.8, ls=":", label=f"target power {result.power:.0%}")
    if np.isfinite(result.answer):
        ax.axvline(result.answer, color=_REAL, lw=1.2)
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    if result.varying == "lift":
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel("true lift")
    else:
        ax.set_xlabel("campaign duration (periods)")
    ax.set_ylabel(f"power at alpha = {result.alpha:g}")
    ax.set_title("Power curve")
    ax.legend(loc="lower right", frameon=False)
    return ax
