"""Quick looks at every source: coverage, gaps, anomalies, seasonality and cross-checks.

The functions behind ``notebooks/explore-sources.ipynb``, for data scientists meeting a new
export. Each table function takes :class:`darksocial.io.Sources` (or a frame) and returns a
tidy DataFrame; the figures that draw them (``plot_weekday_profile`` ...) live in
:mod:`darksocial.plotting` and are re-exported here.

* :func:`gap_table`, :func:`anomaly_table`: missing periods per source, flagged outliers
  and tracking outages (:mod:`darksocial.cleaning`);
* :func:`main_series`, :func:`weekday_profile`, :func:`yearly_shape`: the daily series the
  models use, their day-of-week pattern and their weekly shape over the year;
* :func:`search_shares`: branded and anonymized shares of Search Console clicks;
* :func:`trends_vs_search`: Google Trends against Search Console branded clicks, weekly and
  on one scale;
* :func:`direct_check`: BigQuery raw direct sessions against GA4's Direct, and the deep share.

Every source but the calendar may be missing; :func:`main_series` keeps the daily series the
folder has, and each check says what it needs (:func:`needs`). The report page
(:mod:`darksocial.pages.explore`) turns these into sections.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from darksocial.errors import DataValidationError, ParameterError
from darksocial.formatting import plural
from darksocial.its import frequency_family
from darksocial.plotting import (  # the figures live in plotting; re-exported here
    plot_direct_check,
    plot_search_shares,
    plot_trends_vs_search,
    plot_weekday_profile,
    plot_yearly_shape,
)

__all__ = [
    "MAIN_SERIES",
    "anomaly_table",
    "direct_check",
    "gap_table",
    "is_daily",
    "is_monthly",
    "load_sources",
    "main_series",
    "period_family",
    "plot_direct_check",
    "plot_search_shares",
    "plot_trends_vs_search",
    "plot_weekday_profile",
    "plot_yearly_shape",
    "search_shares",
    "summary",
    "trends_vs_search",
    "weekday_profile",
    "weekend_sentence",
    "yearly_shape",
]

#: The daily series the models use: name -> (source attribute, column, label).
MAIN_SERIES: dict[str, tuple[str, str, str]] = {
    "branded_clicks": ("search_console", "branded_clicks", "branded search clicks"),
    "nonbranded_clicks": ("search_console", "nonbranded_clicks", "non-branded search clicks"),
    "direct_sessions": ("direct_landing", "direct_sessions", "direct sessions"),
    "deep_direct_sessions": (
        "direct_landing",
        "deep_direct_sessions",
        "deep-page direct sessions",
    ),
}

#: Where a main series comes from when its first source is absent: the GA4 traffic
#: acquisition export has Direct sessions too; an unfiltered Search Console export has only
#: total search clicks (shown as such, never as branded).
_FALLBACK: dict[str, tuple[str, str, str]] = {
    "direct_sessions": ("ga4_channels", "direct", "direct sessions"),
}
_TOTAL_SEARCH = ("search_console", "clicks", "all search clicks (branded cannot be separated)")
#: The impressions beside each Search Console click series (:func:`main_series`).
_IMPRESSIONS = {
    "branded_clicks": "branded_impressions",
    "nonbranded_clicks": "nonbranded_impressions",
    "search_clicks": "impressions",
}

#: What a missing period means, per source (ads exports omit days without delivery).
_GAP_MEANING = {
    "meta_ads": "no ad delivery (Ads Manager omits days without impressions)",
    "linkedin_ads": "no ad delivery (the export omits days without impressions)",
}

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _frames(sources) -> dict[str, pd.DataFrame]:
    """The sources present, by name (absent ones left out)."""
    available = getattr(sources, "available", None)
    if available is None:
        raise DataValidationError(
            "expected the Sources of darksocial.io.load_folder(...); load the data first"
        )
    return {name: getattr(sources, name) for name in available()}


def load_sources(data_dir: str | Path = ""):
    """Load every export of a data folder (:func:`darksocial.io.load_folder`).

    Parameters
    ----------
    data_dir : str or path-like, optional
        The folder; empty for the bundled sample.

    Returns
    -------
    darksocial.io.Sources

    Raises
    ------
    DataFormatError
        If a file is missing or is not the export it should be.
    """
    from darksocial import config
    from darksocial.io import load_folder

    return load_folder(Path(data_dir).expanduser().resolve() if data_dir else config.SAMPLE_DIR)


def summary(sources) -> dict[str, Any]:
    """Headline numbers of the exploration for ``summary.json``.

    Parameters
    ----------
    sources : darksocial.io.Sources
        Loaded data.

    Returns
    -------
    dict
        ``sources`` (count of the data sources present, the calendar not counted), ``gaps``
        (missing runs outside ads exports,
        where a gap is just a day without delivery), ``missing_periods`` (the periods in
        those runs), ``flagged_days`` (days with a value flagged as an outlier or outage
        in the main series; a day with no value is a missing period, not a flagged day)
        and ``headline`` (one line for the reports index, e.g. ``"1 data source; 1 gap of
        283 missing days; no day flagged in the main series"``; "outside ad exports" where
        the folder has some).
    """
    gaps = gap_table(sources)
    real = gaps[~gaps["source"].isin(list(_GAP_MEANING))]
    main = main_series(sources)
    flagged = anomaly_table(main) if main.shape[1] else pd.DataFrame({"date": []})
    # the calendar is not a data source; "outside ad exports" only where there are some
    frames = _frames(sources)
    n_sources = len([n for n in frames if n != "campaigns"])
    ads = any(n in _GAP_MEANING for n in frames)
    n_days = int(flagged["date"].nunique())
    n_missing = int(real["periods"].sum())
    if real.empty:
        gap_text = "no gaps"
    else:
        unit = "missing day" if set(real["freq"]) == {"D"} else "missing period"
        gap_text = f"{plural(len(real), 'gap')} of {plural(n_missing, unit)}"
    flag_text = f"{plural(n_days, 'day')} flagged" if n_days else "no day flagged"
    headline = (
        f"{plural(n_sources, 'data source')}; {gap_text}{' outside ad exports' if ads else ''}; "
        f"{flag_text} in the main series"
        if n_sources
        # "0 data sources; no gaps; no day flagged in the main series" said nothing
        else "no data source the reports can read (the page lists the files and why)"
    )
    return {
        "sources": n_sources,
        "gaps": int(len(real)),
        "missing_periods": n_missing,
        "flagged_days": n_days,
        "headline": headline,
    }


def gap_table(sources) -> pd.DataFrame:
    """List every run of missing periods in every dated source.

    Parameters
    ----------
    sources : darksocial.io.Sources
        Loaded data.

    Returns
    -------
    pandas.DataFrame
        One row per gap: ``source``, ``start``, ``end`` (inclusive), ``periods``,
        ``freq`` and ``meaning`` (what a gap means for that source); sources without a ``missing`` column (survey, calendar) are skipped.
        Empty (with these columns) when nothing is missing.
    """
    from darksocial.cleaning import find_gaps

    parts = []
    for name, df in _frames(sources).items():
        if "missing" not in getattr(df, "columns", ()):
            continue
        gaps = find_gaps(df)
        if len(gaps):
            gaps.insert(0, "source", name)
            gaps["freq"] = df.index.freqstr if isinstance(df.index, pd.DatetimeIndex) else None
            gaps["meaning"] = _GAP_MEANING.get(name, "absent from the export (outage?)")
            # between two exports' date ranges: nobody exported those dates
            between = [
                any(a <= start and end <= b for a, b in df.attrs.get("uncovered") or [])
                for start, end in zip(gaps["start"], gaps["end"], strict=True)
            ]
            gaps.loc[between, "meaning"] = "between two exports: no file covers these dates"
            parts.append(gaps)
    cols = ["source", "start", "end", "periods", "freq", "meaning"]
    if not parts:
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True)[cols]


def main_series(sources, *, names=None) -> pd.DataFrame:
    """Return the daily series the models use, side by side, for those the data have.

    Parameters
    ----------
    sources : darksocial.io.Sources
        Loaded data; any source may be missing.
    names : sequence of str, optional
        Keys of :data:`MAIN_SERIES`; by default every one the data have.

    Returns
    -------
    pandas.DataFrame
        Daily DatetimeIndex, one float column per series the data have, NaN where the
        export has no data (each series over its own range, so two exports of different
        ranges leave NaN outside each other's). ``attrs["labels"]`` maps each column to
        its plain-language label; ``attrs["left_out"]`` maps each series asked for but not
        shown to why (no export, or an export that is weekly or monthly). When Search
        Console cannot separate branded search, its total clicks appear as
        ``search_clicks`` instead. ``attrs["recorded"]`` maps each Search Console click
        column to the set of days its impressions were above zero (the export was recording:
        :func:`anomaly_table` calls no such day an outage).

    Raises
    ------
    ParameterError
        If a name is not in :data:`MAIN_SERIES`.
    """
    asked = names is not None
    names = list(names or MAIN_SERIES)
    unknown = [n for n in names if n not in MAIN_SERIES]
    if unknown:
        raise ParameterError(f"unknown series {unknown}; choose from {', '.join(MAIN_SERIES)}")
    cols, labels, left_out = {}, {}, {}
    for n in names:
        found = _series(sources, *MAIN_SERIES[n][:2])
        where = MAIN_SERIES[n]
        if found is None and n in _FALLBACK:
            found, where = _series(sources, *_FALLBACK[n][:2]), _FALLBACK[n]
        if found is None:
            left_out[n] = f"no {where[0].replace('_', ' ')} export with {where[2]}"
            continue
        if not is_daily(found.index):
            left_out[n] = f"the {where[0].replace('_', ' ')} export is not daily"
            continue
        cols[n], labels[n] = found, where[2]
    if not asked and "branded_clicks" not in cols:
        total = _series(sources, *_TOTAL_SEARCH[:2])
        if total is not None and is_daily(total.index):
            cols["search_clicks"], labels["search_clicks"] = total, _TOTAL_SEARCH[2]
    out = pd.concat(cols, axis=1) if cols else pd.DataFrame(index=pd.DatetimeIndex([]))
    if cols:
        out = out.asfreq("D")
    out.attrs["labels"] = labels
    out.attrs["left_out"] = left_out
    # days Search Console shows impressions: it was recording, so no click is no outage
    sc = getattr(sources, "search_console", None)
    # (a frozenset: attrs travel with every column and are compared, a Series cannot be)
    out.attrs["recorded"] = {
        col: frozenset(sc.index[(sc[shown] > 0).to_numpy()])
        for col, shown in _IMPRESSIONS.items()
        if col in cols and sc is not None and shown in sc.columns
    }
    return out


def _series(sources, source: str, column: str) -> pd.Series | None:
    df = getattr(sources, source, None)
    if df is None or column not in df.columns or not isinstance(df.index, pd.DatetimeIndex):
        return None
    y = df[column].astype(float)
    if "missing" in df.columns:
        y = y.where(~df["missing"].astype(bool))
    return y if y.notna().any() else None


def period_family(index: pd.DatetimeIndex) -> str:
    """How often a series is observed (``"D"``, ``"W"``, ``"M"``, ``"Q"`` or ``"Y"``).

    The package's one classifier, :func:`darksocial.its.frequency_family`, reading
    irregular dates (a missing day, week or month) by their most common step.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        The series' dates.

    Returns
    -------
    str

    Raises
    ------
    DataValidationError
        If the dates follow no daily, weekly, monthly, quarterly or yearly step.
    """
    return frequency_family(index, "the series", regular=False)


def _is_family(index: pd.DatetimeIndex, family: str) -> bool:
    try:
        return period_family(index) == family
    except DataValidationError:  # dates with no regular step are neither
        return False


def is_daily(index: pd.DatetimeIndex) -> bool:
    """Whether dates are daily (a few missing days allowed), by :func:`period_family`."""
    return _is_family(index, "D")


def is_monthly(index: pd.DatetimeIndex) -> bool:
    """Whether dates are monthly (a skipped month allowed), by :func:`period_family`."""
    return _is_family(index, "M")


def anomaly_table(
    data: pd.DataFrame, *, threshold: float = 5.0, window: int = 29, ratio: float = 0.2
) -> pd.DataFrame:
    """Flag outliers and tracking outages in each column of a daily frame.

    Parameters
    ----------
    data : pandas.DataFrame
        Daily series, e.g. :func:`main_series`.
    threshold : float, default 5.0
        Robust z-score beyond which a day is an outlier
        (:func:`darksocial.cleaning.flag_outliers`).
    window : int, default 29
        Rolling-median window of the outlier check, in days.
    ratio : float, default 0.2
        A day below ``ratio`` times the trailing median, and implausibly low as a count
        at that level, is an outage (:func:`darksocial.cleaning.flag_outages`).

    Returns
    -------
    pandas.DataFrame
        One row per flagged day and series: ``series``, ``date``, ``value`` and ``kind``
        (``"outage"`` or ``"outlier"``; an outage wins), sorted by date.

    Notes
    -----
    Only days with a value are flagged. A day with no value (no row in the export) is a
    missing day, listed with its run in :func:`gap_table`, not a flagged day; a zero is
    an outage only when the series' usual level makes it implausible (on a site at a few
    clicks a day, zero days are ordinary counts), and never on a day ``data.attrs
    ["recorded"]`` marks (Search Console impressions that day: :func:`main_series`). Each series is checked over its own
    range, from its first to its last value, so another export covering more dates does
    not make days outside it look wrong. A series with fewer than ``window`` days is
    checked for outages only.
    """
    from darksocial.cleaning import flag_outages, flag_outliers

    rows = []
    for col in data.columns:
        y = data[col].astype(float)
        first, last = y.first_valid_index(), y.last_valid_index()
        if first is None:
            continue
        y = y.loc[first:last]
        # a day without a value is a gap (gap_table), not an outage day with data; nor is
        # a day Search Console shows impressions on (a real site at 3 clicks a day had
        # four zero-click days with 4-21 impressions each, called outages)
        outage = flag_outages(y, ratio=ratio) & y.notna()
        recorded = (data.attrs.get("recorded") or {}).get(col)
        if recorded:
            outage &= ~y.index.isin(list(recorded))
        if y.notna().sum() >= window:
            outlier = flag_outliers(y, window=window, threshold=threshold) & ~outage
        else:  # no rolling median to compare with: outages only
            outlier = pd.Series(False, index=y.index)
        for kind, mask in (("outage", outage), ("outlier", outlier)):
            for day in y.index[mask.to_numpy()]:
                rows.append({"series": col, "date": day, "value": y.loc[day], "kind": kind})
    out = pd.DataFrame(rows, columns=["series", "date", "value", "kind"])
    return out.sort_values(["date", "series"], kind="stable").reset_index(drop=True)


def weekday_profile(data: pd.DataFrame) -> pd.DataFrame:
    """Mean of each series by day of week, relative to its overall mean.

    Parameters
    ----------
    data : pandas.DataFrame
        Daily series (DatetimeIndex).

    Returns
    -------
    pandas.DataFrame
        Index ``Mon`` .. ``Sun`` (named ``weekday``), one column per series: mean on that
        weekday divided by the mean over all days (1.0 = an average day). Missing days are
        ignored.
    """
    _check_daily(data)
    means = data.groupby(data.index.dayofweek).mean()
    out = means / data.mean()
    out.index = pd.Index([_WEEKDAYS[d] for d in out.index], name="weekday")
    return out


def weekend_sentence(profile: pd.DataFrame, labels=None) -> str:
    """Say, from the data, how each series' weekends compare with its weekdays.

    Parameters
    ----------
    profile : pandas.DataFrame
        :func:`weekday_profile` output.
    labels : mapping, optional
        Column name to the words shown for it.

    Returns
    -------
    str
        E.g. ``"Weekends are lower than weekdays in direct sessions (−58%) and branded
        clicks (−61%); Trends interest is about the same (+2%)."``; a change within 10% counts
        as about the same.
    """
    from darksocial.formatting import join_words, percent

    labels = dict(labels or {})
    have = [d for d in ("Sat", "Sun") if d in profile.index]
    week = [d for d in ("Mon", "Tue", "Wed", "Thu", "Fri") if d in profile.index]
    if not have or not week:
        return ""
    groups: dict[str, list[str]] = {"lower": [], "higher": [], "about the same": []}
    for col in profile.columns:
        end, work = profile.loc[have, col].mean(), profile.loc[week, col].mean()
        if not (np.isfinite(end) and np.isfinite(work)) or work == 0:
            continue
        change = end / work - 1
        word = "about the same" if abs(change) < 0.10 else ("lower" if change < 0 else "higher")
        groups[word].append(f"{labels.get(col, col)} ({percent(change)})")
    parts = []
    if groups["lower"]:
        parts.append(f"lower than weekdays in {join_words(groups['lower'])}")
    if groups["higher"]:
        parts.append(f"higher than weekdays in {join_words(groups['higher'])}")
    if groups["about the same"]:
        parts.append(f"about the same as weekdays in {join_words(groups['about the same'])}")
    if not parts:
        return ""
    return "Weekends are " + "; ".join(parts) + " (weekend against weekday average)."


def yearly_shape(data: pd.DataFrame) -> pd.DataFrame:
    """Weekly means of each series over time (the yearly shape without the weekday noise).

    Parameters
    ----------
    data : pandas.DataFrame
        Daily series (DatetimeIndex).

    Returns
    -------
    pandas.DataFrame
        Indexed by week start (Monday), the mean per day of each series over that week
        (NaN days ignored; a week with no data is NaN).
    """
    _check_daily(data)
    out = data.resample("W-SUN", label="left", closed="right").mean()
    out.index = out.index + pd.Timedelta(days=1)
    out.index.name = "week"
    return out


def search_shares(search_console: pd.DataFrame, *, freq: str = "W") -> pd.DataFrame:
    """Branded and anonymized shares of Search Console clicks per period.

    Parameters
    ----------
    search_console : pandas.DataFrame
        ``sources.search_console`` (daily ``clicks``, ``branded_clicks``,
        ``anonymized_clicks``).
    freq : {"W", "MS"}, default "W"
        Weeks starting on Monday or calendar months.

    Returns
    -------
    pandas.DataFrame
        Indexed by period start: ``clicks``, ``branded_share`` (branded / all clicks: a
        lower bound, anonymized brand queries are not counted) and ``anonymized_share``
        (anonymized / all clicks).

    Raises
    ------
    DataValidationError
        If a needed column is missing.
    ParameterError
        If ``freq`` is not "W" or "MS".
    """
    need = ["clicks", "branded_clicks", "anonymized_clicks"]
    missing = [c for c in need if c not in search_console.columns]
    if missing:
        raise DataValidationError(
            f"search_console lacks {missing}; load it with darksocial.io.load_search_console"
        )
    sums = _resample_sum(search_console[need], freq)
    clicks = sums["clicks"].where(sums["clicks"] > 0)
    return pd.DataFrame(
        {
            "clicks": sums["clicks"],
            "branded_share": sums["branded_clicks"] / clicks,
            "anonymized_share": sums["anonymized_clicks"] / clicks,
        }
    )


def trends_vs_search(
    trends: pd.DataFrame, search_console: pd.DataFrame, *, term: str | None = None
):
    """Google Trends interest against Search Console branded clicks, weekly, on one scale.

    Parameters
    ----------
    trends : pandas.DataFrame
        ``sources.trends``: weekly (weeks starting Sunday) interest per term.
    search_console : pandas.DataFrame
        ``sources.search_console`` with daily ``branded_clicks``.
    term : str, optional
        Trends column of the brand; default the first term column.

    Returns
    -------
    pandas.DataFrame
        Indexed by Trends week start: ``trends`` (as exported, 0-100), ``branded_clicks``
        (sum over the same Sunday-to-Saturday week; NaN for incomplete weeks), and both
        scaled so their maximum over the common weeks is 100 (``trends_scaled``,
        ``clicks_scaled``). ``attrs["correlation"]`` is their Pearson correlation.

    Raises
    ------
    DataValidationError
        If the term is not a Trends column or the two sources share no week.
    """
    terms = [c for c in trends.columns if c != "missing"]
    term = term or (terms[0] if terms else None)
    if term not in trends.columns:
        raise DataValidationError(
            f"Trends has no column {term!r} (columns: {terms}); pass term= naming the brand"
        )
    daily = search_console["branded_clicks"].astype(float)
    # Trends weeks start on Sunday; count only complete weeks of clicks.
    weekly = daily.resample("W-SAT", label="left", closed="right").agg(["sum", "count"])
    weekly.index = weekly.index + pd.Timedelta(days=1)
    clicks = weekly["sum"].where(weekly["count"] == 7)
    out = pd.DataFrame({"trends": trends[term].astype(float)}).join(
        clicks.rename("branded_clicks"), how="inner"
    )
    both = out.dropna()
    if both.empty:
        raise DataValidationError(
            "Google Trends and Search Console share no complete week; export overlapping ranges"
        )
    out["trends_scaled"] = 100 * out["trends"] / both["trends"].max()
    out["clicks_scaled"] = 100 * out["branded_clicks"] / both["branded_clicks"].max()
    out.index.name = "week"
    out.attrs["correlation"] = float(both["trends"].corr(both["branded_clicks"]))
    out.attrs["term"] = term
    return out


def direct_check(ga4_events: pd.DataFrame) -> pd.DataFrame:
    """Raw direct sessions (BigQuery) against GA4's Direct channel, and the deep share.

    GA4's "Direct" uses last non-direct attribution: a returning visitor with no referrer
    is credited to their earlier channel, so raw no-referrer sessions outnumber GA4 Direct.

    Parameters
    ----------
    ga4_events : pandas.DataFrame
        ``sources.ga4_events`` (:func:`darksocial.io.load_ga4_events`).

    Returns
    -------
    pandas.DataFrame
        Daily: ``raw_direct`` (no source, no click ID, no foreign referrer),
        ``ga4_direct``, ``ratio`` (raw / GA4), ``deep_direct`` and ``deep_share`` (deep /
        raw direct). ``attrs`` holds the totals ``raw_total``, ``ga4_total`` and
        ``deep_share_total``.

    Raises
    ------
    DataValidationError
        If the columns of the BigQuery aggregation are missing.
    """
    need = ["raw_direct_sessions", "ga4_direct", "deep_direct_sessions"]
    missing = [c for c in need if c not in ga4_events.columns]
    if missing:
        raise DataValidationError(
            f"ga4_events lacks {missing}; load the BigQuery export with "
            "darksocial.io.load_ga4_events (GA4 channels need session_traffic_source_last_click)"
        )
    raw = ga4_events["raw_direct_sessions"].astype(float)
    ga4 = ga4_events["ga4_direct"].astype(float)
    deep = ga4_events["deep_direct_sessions"].astype(float)
    out = pd.DataFrame(
        {
            "raw_direct": raw,
            "ga4_direct": ga4,
            "ratio": raw / ga4.where(ga4 > 0),
            "deep_direct": deep,
            "deep_share": deep / raw.where(raw > 0),
        }
    )
    raw_t, ga4_t, deep_t = float(raw.sum()), float(ga4.sum()), float(deep.sum())
    out.attrs.update(
        raw_total=raw_t,
        ga4_total=ga4_t,
        deep_share_total=deep_t / raw_t if raw_t > 0 else np.nan,
    )
    return out


# --------------------------------------------------------------------------- plots
# --------------------------------------------------------------------------- helpers
def _check_daily(data: pd.DataFrame) -> None:
    if not isinstance(data.index, pd.DatetimeIndex):
        raise DataValidationError(
            "expected daily series indexed by date; use main_series(sources) or set a "
            "DatetimeIndex"
        )


def _resample_sum(frame: pd.DataFrame, freq: str) -> pd.DataFrame:
    if freq not in ("W", "MS"):
        raise ParameterError(f"freq must be 'W' (weekly) or 'MS' (monthly), got {freq!r}")
    if freq == "MS":
        return frame.resample("MS").sum(min_count=1)
    out = frame.resample("W-SUN", label="left", closed="right").sum(min_count=1)
    out.index = out.index + pd.Timedelta(days=1)
    return out
