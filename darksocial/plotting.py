"""Figures of the analyses: each draws what an analysis function returned.

One home for the figures of :mod:`darksocial.explore`, :mod:`darksocial.attribution`,
:mod:`darksocial.adlag`, :mod:`darksocial.portfolio`, :mod:`darksocial.scorecard` and
:mod:`darksocial.overview`, and of the trust checks (:mod:`darksocial.checks`) and
planning, so that the analysis modules hold no drawing code (the ITS engine draws through
:mod:`darksocial.its.plotting`). Each function takes the data or result first,
keyword-only options next and ``ax=None`` last, draws on the given (or current) Axes and
returns it; the data drawn is the analysis' own output (its ``plot_data()`` twin where it
has one). The analysis modules re-export their figures (``explore.plot_search_shares`` is
``plotting.plot_search_shares``), so older imports keep working. matplotlib is imported
when a figure is drawn, not when the package is.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pandas as pd

from darksocial.errors import DataValidationError, ParameterError
from darksocial.formatting import count_ticks, number, percent, percent_ticks, points

__all__ = [
    "VERDICT_COLORS",
    "plot_ad_lag",
    "plot_bucket_mix",
    "plot_dark_social_share",
    "plot_direct_check",
    "plot_forest",
    "plot_placebo_in_space",
    "plot_placebo_in_time",
    "plot_power_curve",
    "plot_scorecard",
    "plot_search_shares",
    "plot_trends_vs_search",
    "plot_triangulation",
    "plot_weekday_profile",
    "plot_yearly_shape",
]

_REAL = "#c0392b"  # the real campaign, or a significant result, in the trust figures
_GREY = "#7f8c8d"

#: Colour of each verdict in :func:`plot_scorecard` (colour-blind safe Dark2 hues).
VERDICT_COLORS = {
    "up": "#1b9e77",
    "no change": "#7f7f7f",
    # a rise the other signals do not back: a pale "up", told apart from "no change"
    "unconfirmed": "#66c2a5",
    "down": "#d95f02",
}


# --------------------------------------------------------------------------- explore
def plot_weekday_profile(profile: pd.DataFrame, *, labels=None, ax: Any = None) -> Any:
    """Draw each series' day-of-week profile as lines around 1.

    Parameters
    ----------
    profile : pandas.DataFrame
        Output of :func:`darksocial.explore.weekday_profile`.
    labels : mapping of str to str, optional
        Legend label per column; default the column names with "_" as spaces.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default the current Axes.

    Returns
    -------
    matplotlib.axes.Axes
        One line per column (x = weekday position 0..6), a dashed line at 1.
    """
    import matplotlib.pyplot as plt

    ax = ax if ax is not None else plt.gca()
    labels = dict(labels or {})
    x = np.arange(len(profile))
    for col in profile.columns:
        ax.plot(x, profile[col].to_numpy(), marker="o", label=labels.get(col, _words(col)))
    ax.axhline(1, color="0.5", linestyle="--", linewidth=1)
    ax.set_xticks(x, list(profile.index))
    ax.set_xlabel("day of week")
    ax.set_ylabel("mean relative to an average day")
    percent_ticks(ax.yaxis)
    ax.legend(frameon=False)
    return ax


def plot_yearly_shape(weekly: pd.DataFrame, *, labels=None, campaigns=None, ax: Any = None) -> Any:
    """Draw the weekly means of each series over time.

    Parameters
    ----------
    weekly : pandas.DataFrame
        Output of :func:`darksocial.explore.yearly_shape`.
    labels : mapping of str to str, optional
        Legend label per column.
    campaigns : pandas.DataFrame, optional
        Campaign calendar; each launch is marked with a dotted vertical line.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default the current Axes.

    Returns
    -------
    matplotlib.axes.Axes
        One line per column; y axis with thousands separators.
    """
    import matplotlib.pyplot as plt

    ax = ax if ax is not None else plt.gca()
    labels = dict(labels or {})
    for col in weekly.columns:
        ax.plot(weekly.index, weekly[col].to_numpy(), label=labels.get(col, _words(col)))
    if campaigns is not None and "launch" in campaigns.columns:
        for launch in pd.to_datetime(campaigns["launch"]):
            ax.axvline(launch, color="0.6", linestyle=":", linewidth=1)
    ax.set_xlabel("week")
    ax.set_ylabel("mean per day")
    count_ticks(ax.yaxis)
    ax.legend(frameon=False, loc="upper left")
    return ax


def plot_search_shares(shares: pd.DataFrame, *, ax: Any = None) -> Any:
    """Draw the branded and anonymized shares of Search Console clicks.

    Parameters
    ----------
    shares : pandas.DataFrame
        Output of :func:`darksocial.explore.search_shares`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default the current Axes.

    Returns
    -------
    matplotlib.axes.Axes
        Two lines: ``branded_share`` and ``anonymized_share``.
    """
    import matplotlib.pyplot as plt

    ax = ax if ax is not None else plt.gca()
    ax.plot(shares.index, shares["branded_share"], label="branded (a lower bound)")
    ax.plot(shares.index, shares["anonymized_share"], label="anonymized queries")
    ax.set_ylim(0, max(0.5, float(np.nanmax(shares[["branded_share", "anonymized_share"]]))))
    ax.set_ylabel("share of all search clicks")
    percent_ticks(ax.yaxis)
    ax.legend(frameon=False)
    return ax


def plot_trends_vs_search(data: pd.DataFrame, *, ax: Any = None) -> Any:
    """Draw Google Trends and Search Console branded clicks on the same 0-100 scale.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`darksocial.explore.trends_vs_search`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default the current Axes.

    Returns
    -------
    matplotlib.axes.Axes
        Two lines: ``trends_scaled`` and ``clicks_scaled``.
    """
    import matplotlib.pyplot as plt

    ax = ax if ax is not None else plt.gca()
    term = data.attrs.get("term", "brand")
    ax.plot(data.index, data["trends_scaled"], label=f"Google Trends “{term}”")
    ax.plot(data.index, data["clicks_scaled"], label="Search Console branded clicks")
    ax.set_ylabel("weekly value, maximum = 100")
    ax.set_xlabel("week")
    ax.legend(frameon=False, loc="lower left")
    return ax


def plot_direct_check(data: pd.DataFrame, *, ax: Any = None) -> Any:
    """Draw raw direct sessions against GA4 Direct, per day.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`darksocial.explore.direct_check`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default the current Axes.

    Returns
    -------
    matplotlib.axes.Axes
        Three lines: ``raw_direct``, ``ga4_direct`` and ``deep_direct``.
    """
    import matplotlib.pyplot as plt

    ax = ax if ax is not None else plt.gca()
    ax.plot(data.index, data["raw_direct"], label="raw direct (no source, no referrer)")
    ax.plot(data.index, data["ga4_direct"], label="GA4 Direct channel")
    ax.plot(data.index, data["deep_direct"], label="raw direct on deep pages")
    ax.set_ylabel("sessions per day")
    ax.set_xlabel("day")
    count_ticks(ax.yaxis)
    ax.legend(frameon=False)
    return ax


# --------------------------------------------------------------------------- survey
def plot_dark_social_share(
    share: pd.DataFrame, *, ax: Any = None, color: str | None = None
) -> Any:
    """Plot the dark-social share over time with its Wilson band.

    Parameters
    ----------
    share : pandas.DataFrame
        Output of :func:`darksocial.attribution.dark_social_share`.
    color : str, optional
        Line colour; default the next colour of the Axes cycle.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default the current Axes.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on: one line (``share``, markers at periods with answers) and one
        band (``lower`` to ``upper``).

    Raises
    ------
    DataValidationError
        If ``share`` lacks the ``share``, ``lower`` or ``upper`` column.
    """
    import matplotlib.pyplot as plt

    missing = [c for c in ("share", "lower", "upper") if c not in getattr(share, "columns", [])]
    if missing:
        raise DataValidationError(
            f"plot_dark_social_share needs the output of dark_social_share (missing {missing})"
        )
    if ax is None:
        ax = plt.gca()
    (line,) = ax.plot(
        share.index, share["share"], marker="o", color=color, label="dark-social share"
    )
    ax.fill_between(
        share.index,
        share["lower"].to_numpy(dtype=float),
        share["upper"].to_numpy(dtype=float),
        color=line.get_color(),
        alpha=0.2,
        linewidth=0,
        label="95% Wilson interval"
        if abs(float(share.attrs.get("level", 0.95)) - 0.95) < 1e-9
        else "interval",
    )
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of answers naming a dark channel")
    percent_ticks(ax.yaxis)
    ax.legend(loc="upper left")
    return ax


def plot_bucket_mix(mix: pd.DataFrame, *, ax: Any = None) -> Any:
    """Draw the bucket mix as stacked areas over time.

    Parameters
    ----------
    mix : pandas.DataFrame
        Output of :func:`darksocial.overview.bucket_mix`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default the current Axes.

    Returns
    -------
    matplotlib.axes.Axes
        One stacked area per bucket, labelled with the bucket in words.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        ax = plt.gca()
    data = mix.fillna(0.0)
    colors = plt.get_cmap("tab10").colors
    ax.stackplot(
        data.index,
        *[data[c].to_numpy() for c in data.columns],
        labels=[str(c).replace("_", " ") for c in data.columns],
        colors=[colors[i % len(colors)] for i in range(len(data.columns))],
        alpha=0.85,
    )
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of answers")
    percent_ticks(ax.yaxis)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    return ax


# --------------------------------------------------------------------------- ads
def plot_ad_lag(
    result: Any,
    *,
    cumulative: bool = False,
    color: str | None = None,
    ax: Any = None,
) -> Any:
    """Plot the lag coefficients (or their running total) with intervals.

    Parameters
    ----------
    result : darksocial.adlag.AdLagResult
        Output of :func:`darksocial.adlag.fit_ad_lag`.
    cumulative : bool, default False
        Plot the running total of the coefficients instead of each lag.
    color : str, optional
        Colour; default the next colour of the Axes cycle.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default the current Axes.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes: one errorbar container (points at lags 0..max_lag, values from
        ``result.lag_frame()``) and a horizontal line at 0.
    """
    import matplotlib.pyplot as plt

    if not callable(getattr(result, "lag_frame", None)):
        raise DataValidationError("plot_ad_lag needs the result of fit_ad_lag")
    frame = result.lag_frame()
    est, lo, hi = (
        ("cumulative", "cum_lower", "cum_upper") if cumulative else ("estimate", "lower", "upper")
    )
    if ax is None:
        ax = plt.gca()
    values = frame[est].to_numpy(dtype=float)
    ax.errorbar(
        frame.index.to_numpy(dtype=float),
        values,
        yerr=[values - frame[lo].to_numpy(dtype=float), frame[hi].to_numpy(dtype=float) - values],
        fmt="o-",
        color=color,
        capsize=3,
        label="cumulative response" if cumulative else "response",
    )
    ax.axhline(0, color="0.5", linestyle="--", linewidth=1)
    ax.set_xlabel("days after the ad")
    ax.set_ylabel(
        "extra branded searches per ad unit, running total"
        if cumulative
        else "extra branded searches per ad unit"
    )
    return ax


# --------------------------------------------------------------------------- portfolio
def plot_forest(data: pd.DataFrame, *, color: str | None = None, ax: Any = None) -> Any:
    """Draw a forest plot: one interval per campaign, a diamond per pooled group.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`darksocial.portfolio.forest_data` (one row per campaign and
        pooled group, with its ``y`` position); :func:`darksocial.portfolio.forest_plot`
        builds it from the campaign and pooled tables.
    color : str, optional
        Colour of the campaign intervals; default the next colour of the Axes cycle.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default the current Axes.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes: one errorbar container for the campaigns (points at ``estimate``), one
        diamond patch per pooled row, a dashed vertical line at 0, y tick labels from
        ``data`` (top to bottom).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Polygon

    if ax is None:
        ax = plt.gca()
    camp = data[data["kind"] == "campaign"]
    est = camp["estimate"].to_numpy(dtype=float)
    ax.errorbar(
        est,
        camp["y"].to_numpy(dtype=float),
        xerr=[
            est - camp["lower"].to_numpy(dtype=float),
            camp["upper"].to_numpy(dtype=float) - est,
        ],
        fmt="o",
        color=color,
        capsize=3,
        label="campaign",
    )
    for _, r in data[data["kind"] == "pooled"].iterrows():
        y = r["y"]
        ax.add_patch(
            Polygon(
                [
                    (r["lower"], y),
                    (r["estimate"], y - 0.3),
                    (r["upper"], y),
                    (r["estimate"], y + 0.3),
                ],
                closed=True,
                color="0.25",
                label=f"pooled {r['group']}",
            )
        )
    ax.axvline(0, color="0.5", linestyle="--", linewidth=1)
    ax.set_yticks(data["y"].to_numpy(), data["label"].tolist())
    ax.set_ylim(len(data) - 0.5, -0.5)
    ax.set_xlabel(str(data.attrs["metric"]))
    return ax


# --------------------------------------------------------------------------- scorecard
def plot_scorecard(card: Any, *, ax: Any = None) -> Any:
    """Draw the scorecard as a grid: campaigns as rows, signals as columns.

    Each cell shows the estimate as a dot and its interval as a horizontal line on the
    signal's own scale (zero at the cell centre, dotted; the cell edge at
    ``half_range`` of :meth:`darksocial.scorecard.Scorecard.plot_data`), coloured by
    verdict (:data:`VERDICT_COLORS`); unmeasured cells read "n/a".

    Parameters
    ----------
    card : darksocial.scorecard.Scorecard
        The scorecard to draw.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default the current Axes.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes: one scatter collection per verdict present (labelled with it), one
        line collection of intervals, y tick labels = campaign names (top to bottom), x
        tick labels = signal labels with their half-range.
    """
    import matplotlib.pyplot as plt

    if not callable(getattr(card, "plot_data", None)) or not hasattr(card, "signals"):
        raise ParameterError("plot_scorecard needs a Scorecard; build one with scorecard(...).")
    data = card.plot_data()
    if ax is None:
        ax = plt.gca()
    n_rows, n_cols = len(card.campaigns), len(card.signals)
    for j in range(n_cols):
        ax.axvline(j + 0.5, color="0.6", linestyle=":", linewidth=1, zorder=0)
        if j:
            ax.axvline(j, color="0.85", linewidth=1, zorder=0)
    measured = data[data["verdict"].isin(list(VERDICT_COLORS))]
    ax.hlines(
        measured["y"].to_numpy(),
        measured["x_lower"].to_numpy(),
        measured["x_upper"].to_numpy(),
        colors=[VERDICT_COLORS[v] for v in measured["verdict"]],
        linewidth=2,
        label="_intervals",
    )
    for verdict, color in VERDICT_COLORS.items():
        part = measured[measured["verdict"] == verdict]
        if len(part):
            ax.scatter(part["x"], part["y"], color=color, s=40, zorder=3, label=verdict)
    # each estimate written above its row in the cell, in its own unit: a column can hold
    # a relative lift for one campaign and a change in clicks a day for another (one zero
    # in most days before launch), and the two scales share the cell's width. Centred on
    # the cell, a long label cannot run into the next one
    for _, r in measured.iterrows():
        ax.annotate(
            _cell_text(r),
            (r["col"] + 0.5, r["y"]),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8.5,
            color="0.25",
        )
    for _, r in data[~data["verdict"].isin(list(VERDICT_COLORS))].iterrows():
        ax.text(r["col"] + 0.5, r["y"], "n/a", ha="center", va="center", color="0.6", fontsize=8)
    ticks = []
    for s in card.signals:
        part = data[data["signal"] == s]
        measured_part = part[part["estimate"].notna()]
        edges = []
        # the value at the cell's edge, per scale the signal is shown in (a measured row's)
        shown = measured_part if len(measured_part) else part
        for _, first in shown.drop_duplicates("scale").iterrows():
            half, kind = float(first["half_range"]), first["scale"]
            edges.append(
                f"±{half:.0%}"
                if kind in ("relative", "share")
                else f"±{half * 100:.0f} pts"
                if kind == "points"
                # two significant digits below one, as the cells ("±1.48" read as precision)
                else f"±{number(half) if half >= 1 else f'{half:.2g}'} {first['unit']}".rstrip()
            )
        # wrapped: "self-reported mentions" ran into "ads-to-search share" beside it
        label = textwrap.fill(str(part["label"].iloc[0]), 16)
        ticks.append(f"{label}\n({'; '.join(edges)})")
    ax.set_xticks(np.arange(n_cols) + 0.5, ticks)
    ax.set_yticks(np.arange(n_rows), [card.names[c] for c in card.campaigns])
    ax.set_xlim(0, max(n_cols, 1))
    ax.set_ylim(n_rows - 0.5, -0.5)
    ax.tick_params(axis="x", length=0)
    ax.set_title(f"Dark-social scorecard ({1 - card.alpha:.0%} intervals)")
    if len(measured):
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, title="verdict")
    return ax


def _cell_text(r) -> str:
    """A scorecard estimate as the cell shows it: ``+12%``, ``+3 pts``, ``+6.1 clicks a day``."""
    if r["scale"] == "relative":
        return percent(r["estimate"])
    if r["scale"] == "share":
        return percent(r["estimate"], signed=False)
    if r["scale"] == "points":
        return f"{points(r['estimate'])} pts"
    return f"{number(r['estimate'], signed=True)} {r['unit']}".rstrip()


# --------------------------------------------------------------------------- trust checks and planning
def plot_placebo_in_time(result, *, bins: int | None = None, ax=None):
    """Histogram of placebo relative effects with the real effect as a vertical line.

    The average effects in the metric's units instead for a check whose ``statistic`` is
    ``"average"`` (a metric zero in most periods before launch).

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
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

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
    if getattr(result, "statistic", "relative") == "average":
        # a metric zero in most periods before launch: its effects in its own units
        ax.set_xlabel(f"Average effect ({result.unit}, against expected)")
    else:
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel("Relative effect (change against expected)")
    from matplotlib.ticker import MaxNLocator

    # at most five ticks: "-15.0%-12.5%-10.0%..." ran into each other on a real page
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.set_ylabel("Fake launches")
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))  # not "2.5 fake launches"
    ax.set_title("Effects found where no campaign ran", fontsize="medium")
    # under the axes: "best" put it over the bars or the red line on real reports
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.42), ncol=1, frameon=False)
    return ax


def _forest(ax, labels, est, lo, hi, colors, *, unit: str | None = None):
    from matplotlib.ticker import PercentFormatter

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
    if unit is not None:
        ax.set_xlabel(f"average effect ({unit})")
    else:
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
    import matplotlib.pyplot as plt

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
    import matplotlib.pyplot as plt

    ax = ax if ax is not None else plt.gca()
    d = result.plot_data()
    colors = [_REAL if s else _GREY for s in d["significant"]]
    unit = result.unit if getattr(result, "statistic", "relative") == "average" else None
    _forest(ax, list(d["label"]), d["estimate"], d["lower"], d["upper"], colors, unit=unit)
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
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

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


# --------------------------------------------------------------------------- helpers
def _words(name: str) -> str:
    return str(name).replace("_", " ")
