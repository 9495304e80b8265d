"""The three-panel impact figure and its data twin."""

from __future__ import annotations

import textwrap

import pandas as pd

__all__ = ["campaign_plot_data", "impact_plot_data", "plot_campaign", "plot_impact"]

_PANELS = (
    ("original", [("observed", None), ("counterfactual", "counterfactual")]),
    ("pointwise", [("effect", "effect")]),
    ("cumulative", [("cumulative_effect", "cumulative_effect")]),
)


def impact_plot_data(result) -> pd.DataFrame:
    """Tidy data of the impact figure.

    Parameters
    ----------
    result : ImpactResult
        The fitted result.

    Returns
    -------
    pandas.DataFrame
        Columns ``date, panel, line, value, lower, upper`` (bands are NaN for the
        observed line).
    """
    pw = result.pointwise
    frames = []
    for panel, lines in _PANELS:
        for line, band in lines:
            frames.append(
                pd.DataFrame(
                    {
                        "date": pw.index,
                        "panel": panel,
                        "line": line,
                        "value": pw[line].to_numpy(),
                        "lower": pw[f"{band}_lower"].to_numpy() if band else float("nan"),
                        "upper": pw[f"{band}_upper"].to_numpy() if band else float("nan"),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def plot_impact(result, *, figsize=(10, 8), title=None):
    """Draw observed vs counterfactual, pointwise effect and cumulative effect.

    Parameters
    ----------
    result : ImpactResult
        The fitted result.
    figsize : tuple, default (10, 8)
        Figure size in inches.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        A figure with three stacked Axes sharing the date axis. Each campaign window is
        shaded (``axvspan``) and the first campaign start marked by a dashed line.
    """
    import matplotlib.pyplot as plt

    data = impact_plot_data(result)
    fig, axes = plt.subplots(3, 1, figsize=figsize, sharex=True)
    colors = {
        "observed": "black",
        "counterfactual": "C0",
        "effect": "C0",
        "cumulative_effect": "C0",
    }
    ylabels = {
        "original": str(result.y.name or "y"),
        "pointwise": "effect",
        "cumulative": "cumulative",
    }
    for ax, (panel, lines) in zip(axes, _PANELS, strict=True):
        for line, band in lines:
            d = data[(data["panel"] == panel) & (data["line"] == line)]
            if band:
                ax.fill_between(d["date"], d["lower"], d["upper"], color="C0", alpha=0.2, lw=0)
            ax.plot(
                d["date"],
                d["value"],
                color=colors[line],
                lw=1,
                ls="--" if line == "counterfactual" else "-",
                label=line.replace("_", " "),
            )
        if panel != "original":
            ax.axhline(0, color="grey", lw=0.8)
        for iv in result.interventions:
            start, end = result.windows[iv.name]
            ax.axvspan(start, end, color="C1", alpha=0.1, lw=0)
        ax.axvline(result.window[0], color="grey", ls=":", lw=1)
        ax.set_ylabel(ylabels[panel])
    axes[0].legend(loc="upper left", frameon=False)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


#: Where the campaign figure's zoom starts, in periods of the series before launch: four
#: weeks of daily or weekly data, four months of monthly data (four weeks would show no month
#: before launch), four quarters or years of quarterly or yearly data.
ZOOM_BEFORE = {
    "D": (28, "day"),
    "W": (4, "week"),
    "M": (4, "month"),
    "Q": (4, "quarter"),
    "Y": (4, "year"),
}


def _campaign_arrays(result, name):
    """Observed values and this campaign's counterfactual (point, draws) on every date.

    With the intervention method only ``name`` is switched off (the other campaigns stay
    on), so the difference is this campaign's effect alone; with the counterfactual method
    it is observed minus the no-campaign forecast. Before the draws start the
    counterfactual is the observed value: no effect.
    """
    import numpy as np

    d = result.draws
    y = np.asarray(d.y, dtype=float)
    if d.per is not None and name in d.per:
        cp, cd = d.per[name]
    else:
        cp, cd = d.cf_point, d.cf_draws
    n, s = len(y), d.start
    point = y.copy()
    point[s:] = cp
    draws = np.broadcast_to(y, (cd.shape[0], n)).copy()
    draws[:, s:] = cd
    return y, point, draws


def campaign_plot_data(
    result, name: str, *, before: int | None = None, weekly: bool = False
) -> pd.DataFrame:
    """Tidy data of one campaign's figure (:func:`plot_campaign`).

    Parameters
    ----------
    result : ImpactResult
        The fitted result; ``name`` must be one of its interventions.
    name : str
        The campaign whose effect is drawn.
    before : int, optional
        Periods of the series before launch shown in the zoom; by default
        :data:`ZOOM_BEFORE` (28 days, 4 weeks or 4 months).
    weekly : bool, default False
        Show the zoom's observed, expected and effect as averages per day over weeks
        counted from launch (daily data only; the model stays daily). The cumulative
        panel stays daily.

    Returns
    -------
    pandas.DataFrame
        Columns ``date, panel, line, value, lower, upper``. Panels: ``"context"`` (the
        whole observed series, weekly averages for daily data), ``"original"`` (observed
        and ``"counterfactual"``: expected without this campaign), ``"pointwise"`` (this
        campaign's effect) and ``"cumulative"`` (its running total over its own window;
        the last value is the campaign's cumulative effect in
        ``result.effects_by_intervention``). For a series never below zero the expected
        values and their band are floored at zero (the effect per period is observed minus
        the floored value), and so is each running total of the expected values (the
        cumulative effect is at most what was observed); with ``result.ceiling`` (a Trends
        index) both are capped at it too. ``data.attrs["floored"]`` says whether any
        period's band was floored.
    """
    import numpy as np

    from darksocial.its.results import bound_running_totals

    if name not in result.windows:
        raise KeyError(f"{name!r} is not a campaign of this result")
    alpha = result.alpha
    q = [alpha / 2, 1 - alpha / 2]
    index = result.y.index
    y, point, draws = _campaign_arrays(result, name)
    lo_date, hi_date = result.windows[name]
    lo, hi = index.get_loc(lo_date), index.get_loc(hi_date)
    if before is None:
        before = ZOOM_BEFORE[result.freq][0]
    a = max(lo - int(before), 0)
    daily = result.freq == "D"
    frames = []

    def add(panel, line, dates, value, lower=None, upper=None):
        nan = np.full(len(dates), np.nan)
        frames.append(
            pd.DataFrame(
                {
                    "date": dates,
                    "panel": panel,
                    "line": line,
                    "value": np.asarray(value, dtype=float),
                    "lower": nan if lower is None else np.asarray(lower, dtype=float),
                    "upper": nan if upper is None else np.asarray(upper, dtype=float),
                }
            )
        )

    context = result.y.astype(float)
    if daily:
        context = context.resample("W").mean()
    add("context", "observed", context.index, context.to_numpy())

    pos = np.arange(a, hi + 1)
    if weekly and daily:
        # weeks counted from launch, so one bin starts on the launch day
        bins = np.floor_divide(pos - lo, 7)
        groups = [pos[bins == b] for b in np.unique(bins)]
    else:
        groups = [np.array([p]) for p in pos]
    dates, obs, cf, cf_lo, cf_hi = [], [], [], [], []
    for g in groups:
        ok = g[~np.isnan(y[g])]
        dates.append(index[g[0]])
        if 2 * len(ok) < len(g):
            # a week with data on one day of seven (an export's gap) was drawn as that day,
            # a spike just before launch that nothing marked: less than half is no average
            obs.append(np.nan), cf.append(np.nan), cf_lo.append(np.nan), cf_hi.append(np.nan)
            continue
        obs.append(y[ok].mean())
        cf.append(point[ok].mean())
        qs = np.quantile(draws[:, ok].mean(axis=1), q)
        cf_lo.append(qs[0]), cf_hi.append(qs[1])
    dates = pd.DatetimeIndex(dates)
    obs, cf, cf_lo, cf_hi = map(np.asarray, (obs, cf, cf_lo, cf_hi))
    # a series never below zero (counts, an index) is not expected below zero either: an
    # additive model on a mostly-zero series draws "-0.1 clicks a day" expected when a week
    # saw none. The floor keeps every true value inside the band; the effect per period
    # then cannot exceed what was observed. The running total is floored the same way, on
    # each running sum (never on single periods), as the report's totals are
    # (its.results._effects).
    floored = bool(np.nanmin(y) >= 0 and np.nanmin(np.r_[cf, cf_lo], initial=0.0) < 0)
    if floored:
        cf, cf_lo, cf_hi = (np.maximum(v, 0.0) for v in (cf, cf_lo, cf_hi))
    top = getattr(result, "ceiling", None)  # a Trends index cannot be expected above 100
    if top is not None:
        cf, cf_lo, cf_hi = (np.minimum(v, top) for v in (cf, cf_lo, cf_hi))
    add("original", "observed", dates, obs)
    add("original", "counterfactual", dates, cf, cf_lo, cf_hi)
    add("pointwise", "effect", dates, obs - cf, obs - cf_hi, obs - cf_lo)

    w = np.arange(lo, hi + 1)
    yw = y[w]
    miss = np.isnan(yw)
    cum, paths = bound_running_totals(
        yw,
        np.cumsum(np.where(miss, 0.0, yw - point[w])),
        np.cumsum(np.where(miss[None, :], 0.0, yw[None, :] - draws[:, w]), axis=1),
        floor=bool(np.nanmin(y) >= 0),
        ceiling=top,
    )
    cq = np.quantile(paths, q, axis=0)
    add("cumulative", "cumulative_effect", index[w], cum, cq[0], cq[1])
    data = pd.concat(frames, ignore_index=True)
    data.attrs["floored"] = floored
    return data


#: Characters of a bold medium-size figure title per inch of figure width (a title wraps
#: at this many times the width: 48 characters in the campaign figure's 5.4 inches).
TITLE_CHARS = 9


def plot_campaign(
    result,
    name: str,
    *,
    unit: str = "",
    period: str = "day",
    before: int | None = None,
    weekly: bool = False,
    count: bool = True,
    figsize=(5.4, 7.0),
    title: str | None = None,
):
    """Draw one campaign: context, zoom on its window, its effect and its running total.

    Parameters
    ----------
    result : ImpactResult
        The fitted result; ``name`` must be one of its interventions.
    name : str
        The campaign drawn.
    unit : str, optional
        What the series counts, in words (``"clicks"``); used in the axis labels.
    period : str, default "day"
        The series' period word.
    before : int, optional
        Periods of the series before launch shown in the zoom; by default
        :data:`ZOOM_BEFORE` (28 days, 4 weeks or 4 months).
    weekly : bool, default False
        Average the zoom by week from launch (daily data; display only).
    count : bool, default True
        False for an index (Google Trends): no running total panel.
    figsize : tuple, default (5.4, 7.0)
        Figure size in inches; narrow enough for labels to stay legible on a phone.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        Axes, top to bottom: whole history (small, the window and zoom marked), zoom
        (observed vs expected without this campaign), effect per period and (counts)
        running total over the campaign's window. The campaign's window is the only
        marked span (:data:`darksocial.theme.WINDOW_COLOUR`): shaded in the context panel,
        a bar along the top and dotted edges in the others.
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    import numpy as np

    from darksocial.cleaning import period_last_day
    from darksocial.theme import BAND_COLOUR, OBSERVED_COLOUR, WINDOW_COLOUR

    data = campaign_plot_data(result, name, before=before, weekly=weekly)
    start, end = result.windows[name]
    # the window drawn to its last period's end: a one-month window on monthly data (launch
    # and last period the same date) had no orange at all, and a weekly one stopped at its
    # last week's first day
    last = period_last_day(end, result.freq)
    ratios = [1, 2.6, 1.7] + ([1.7] if count else [])
    fig, axes = plt.subplots(
        len(ratios), 1, figsize=figsize, gridspec_kw={"height_ratios": ratios}
    )
    ctx, main, eff = axes[:3]
    shown = data[data["panel"] != "context"]
    z0, z1 = shown["date"].min(), shown["date"].max()

    def part(panel, line):
        return data[(data["panel"] == panel) & (data["line"] == line)]

    c = part("context", "observed")
    ctx.plot(c["date"], c["value"], color=OBSERVED_COLOUR[0], lw=0.8)
    ctx.axvspan(z0, max(z1, last), color="0.85", lw=0, label="zoom below")
    ctx.axvspan(start, last, color=WINDOW_COLOUR[0], alpha=0.5, lw=0)
    ctx.set_title(
        "Whole history" + (" (weekly averages)" if result.freq == "D" else ""),
        fontsize="small",
        loc="left",
        y=_TITLE_Y,
    )
    ctx.tick_params(labelsize="x-small")
    ctx.set_yticks([])
    ctx.grid(False)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ctx.xaxis.set_major_locator(locator)
    ctx.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))

    avg = " (weekly average)" if weekly and result.freq == "D" else ""
    per = f"{unit} a {period}" if count else "index"
    o = part("original", "observed")
    f = part("original", "counterfactual")
    main.fill_between(f["date"], f["lower"], f["upper"], color=BAND_COLOUR[0], alpha=0.25, lw=0)
    main.plot(
        f["date"],
        f["value"],
        color=BAND_COLOUR[0],
        ls="--",
        lw=1.5,
        label="expected without the campaign",
    )
    main.plot(
        o["date"],
        o["value"],
        color=OBSERVED_COLOUR[0],
        lw=1.5,
        label="observed",
        marker="o" if avg else None,
        ms=3,
    )
    main.set_title(per[:1].upper() + per[1:] + avg, fontsize="small", loc="left", y=_TITLE_Y)
    # headroom above the data for a one-row legend that never covers a line
    values = pd.concat([o["value"], f["upper"], f["lower"]]).dropna()
    if len(values):
        lo, hi = float(values.min()), float(values.max())
        pad = (hi - lo) or abs(hi) or 1.0
        main.set_ylim(lo - 0.08 * pad, hi + 0.38 * pad)
    main.legend(loc="upper left", fontsize="small", ncol=2, handlelength=1.6, columnspacing=1.0)
    e = part("pointwise", "effect")
    eff.fill_between(e["date"], e["lower"], e["upper"], color=BAND_COLOUR[0], alpha=0.25, lw=0)
    eff.plot(
        e["date"], e["value"], color=BAND_COLOUR[0], lw=1.5, marker="o" if avg else None, ms=3
    )
    eff.axhline(0, color="0.4", lw=0.8)
    eff.set_title(
        (f"Extra {unit} a {period}" if count else "Change in the index") + avg,
        fontsize="small",
        loc="left",
        y=_TITLE_Y,
    )
    zoomed = [main, eff]
    if count:
        cum_ax = axes[3]
        k = part("cumulative", "cumulative_effect")
        cum_ax.fill_between(
            k["date"], k["lower"], k["upper"], color=BAND_COLOUR[0], alpha=0.25, lw=0
        )
        cum_ax.plot(k["date"], k["value"], color=BAND_COLOUR[0], lw=1.8)
        cum_ax.axhline(0, color="0.4", lw=0.8)
        cum_ax.set_title(
            f"Extra {unit} in total since launch", fontsize="small", loc="left", y=_TITLE_Y
        )
        zoomed.append(cum_ax)
    for ax in zoomed:
        # the window as a bar along the top and dotted edges: a full-height fill would
        # mix with the interval band into a third colour the caption cannot name
        ax.axvspan(start, last, ymin=0.94, ymax=1, color=WINDOW_COLOUR[0], lw=0)
        for edge in (start, last):
            ax.axvline(edge, color=WINDOW_COLOUR[0], ls=":", lw=1.2)
        ax.tick_params(labelsize="small")
        ax.set_xlim(z0 - pd.Timedelta(days=1), max(z1, last) + pd.Timedelta(days=1))
        if result.freq in ("D", "W"):
            # ticks on the launch weekday, about five of them: launch is always a tick
            # (counted from launch: a WeekdayLocator with an interval counts from the axis
            # start, and every other launch weekday could skip launch itself)
            weeks = max(1, round((z1 - z0).days / 7 / 5))
            step = pd.Timedelta(weeks=weeks)
            first = start - step * ((start - z0) // step)
            ax.set_xticks(list(pd.date_range(first, z1, freq=step)))
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%-d %b"))
        else:
            # monthly (or longer) data: ticks on the series' own dates, about five of
            # them, launch always one
            dates = pd.DatetimeIndex(shown["date"].drop_duplicates().sort_values())
            step = max(1, -(-len(dates) // 5))
            at = dates.get_loc(start) if start in dates else 0
            ax.set_xticks(dates[(np.arange(len(dates)) - at) % step == 0])
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
        ax.yaxis.set_major_formatter(_thousands())
    for ax in zoomed[:-1]:
        ax.tick_params(labelbottom=False)
    lines = 0
    if title:
        # a long metric label ("Search clicks, branded and non-branded together (the
        # filtered pages only)") ran off both sides of the figure: wrap it to its width
        title = textwrap.fill(str(title), width=max(20, int(fig.get_figwidth() * TITLE_CHARS)))
        lines = title.count("\n")
        fig.suptitle(title, fontsize="medium", fontweight="bold")
    # fixed margins for a fixed-size figure: tight_layout measured every tick label
    # first, about a third of the time this figure takes
    top = (0.9 - 0.03 * lines) if title else 0.95
    fig.subplots_adjust(left=0.14, right=0.94, top=top, bottom=0.05, hspace=0.6)
    return fig


#: Panel titles sit on the top edge of their panel (plus matplotlib's pad). Said explicitly,
#: matplotlib skips measuring the panels' tick labels to find where a title could go: no
#: panel has ticks or an offset text on top, so the place (and every pixel) is the same,
#: and a campaign figure draws about a tenth faster.
_TITLE_Y = 1.0


def _thousands():
    import matplotlib.ticker as mticker

    return mticker.FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 10 else f"{v:,.3g}")
