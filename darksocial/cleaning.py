"""Cleaning: regular date grids, gap reports, outlier and tracking-outage flags.

Every function returns new objects (inputs are never modified) and nothing is ever
zero-filled: a day absent from an export becomes a row of NaN with ``missing=True``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from darksocial.errors import DataValidationError, ParameterError

__all__ = ["find_gaps", "flag_outages", "flag_outliers", "period_last_day", "regularize"]

Duplicates = Literal["sum", "mean", "first", "last", "error"]
_DUPLICATE_RULES = ("sum", "mean", "first", "last", "error")


def period_last_day(date, freq: str) -> pd.Timestamp:
    """The last day of the period dated ``date`` in a series of frequency ``freq``.

    Weekly, monthly, quarterly and yearly series date each period by its first day. One
    rule for the pages' dates, the data table's "To" and the figures' window (each had its
    own copy).

    Parameters
    ----------
    date : pandas.Timestamp
        A period's date.
    freq : str
        The series' frequency family (``"D"``, ``"W"``, ``"M"``, ``"Q"``, ``"Y"``:
        :func:`darksocial.its.frequency_family`) or a pandas frequency string (``"W-SUN"``,
        ``"MS"``).

    Returns
    -------
    pandas.Timestamp
        ``date`` for daily data, six days later for weekly, the period's end otherwise.
    """
    date = pd.Timestamp(date)
    code = str(freq).upper()
    if code.startswith("W"):
        return date + pd.Timedelta(days=6)
    if code in ("M", "MS", "ME"):
        return date + pd.offsets.MonthEnd(0)
    if code.startswith("Q"):
        return date + pd.offsets.QuarterEnd(0)
    if code.startswith(("Y", "A")):
        return date + pd.offsets.YearEnd(0)
    return date


def regularize(
    data: pd.DataFrame | pd.Series,
    freq: str = "D",
    *,
    duplicates: Duplicates = "sum",
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    flag: str = "missing",
) -> pd.DataFrame:
    """Put a dated table on a complete, regular grid with explicit missing rows.

    Parameters
    ----------
    data : pandas.DataFrame or pandas.Series
        Values indexed by dates (a DatetimeIndex, or a ``date`` column).
    freq : str, default "D"
        Grid frequency: ``"D"``, ``"W-SUN"`` (weeks starting Sunday, as Google Trends),
        ``"W-MON"``..., ``"MS"`` (month starts).
    duplicates : {"sum", "mean", "first", "last", "error"}, default "sum"
        What to do with several rows on one date: add them (right for counts split by
        an extra dimension), average, keep the first or last, or raise.
    start, end : str or pandas.Timestamp, optional
        Extend the grid to these dates (e.g. the report's Start/End date), so missing days
        at the edges are flagged too. Default: the first and last dates of ``data``.
    flag : str, default "missing"
        Name of the boolean column marking grid dates absent from ``data``. An existing
        column of that name is kept (OR-ed with the new flags).

    Returns
    -------
    pandas.DataFrame
        A new frame indexed by a DatetimeIndex named ``date`` with ``freq`` set, one row
        per grid date, NaN (never 0) on absent dates.

    Raises
    ------
    DataValidationError
        If dates do not fall on the grid (e.g. Mondays on a ``W-SUN`` grid), or if
        ``duplicates="error"`` and a date repeats.
    ParameterError
        If ``duplicates`` is not one of the rules above.

    Examples
    --------
    >>> s = pd.Series([1.0, 3.0], index=pd.to_datetime(["2024-01-01", "2024-01-03"]))
    >>> regularize(s.rename("sessions"))["missing"].tolist()
    [False, True, False]
    """
    if duplicates not in _DUPLICATE_RULES:
        raise ParameterError(
            f"duplicates={duplicates!r} is not a rule; use one of {', '.join(_DUPLICATE_RULES)}"
        )
    offset = _offset(freq)
    df = data.to_frame() if isinstance(data, pd.Series) else data.copy()
    if not isinstance(df.index, pd.DatetimeIndex):
        if "date" not in df.columns:
            raise DataValidationError(
                "regularize needs a DatetimeIndex or a 'date' column; set one with "
                "df.set_index(pd.to_datetime(df['your_date_column']))"
            )
        df = df.set_index(pd.DatetimeIndex(pd.to_datetime(df.pop("date"))))
    df.index = df.index.normalize()
    prior = df.pop(flag).astype(bool) if flag in df.columns else None
    if df.index.has_duplicates:
        if duplicates == "error":
            dup = df.index[df.index.duplicated()][0]
            raise DataValidationError(
                f"date {dup:%Y-%m-%d} appears more than once; choose duplicates='sum', "
                "'mean', 'first' or 'last'"
            )
        numeric = df.select_dtypes("number").columns
        other = df.columns.difference(numeric, sort=False)
        grouped = df.groupby(level=0, sort=True)
        parts = []
        if len(numeric):
            if duplicates == "sum":
                parts.append(grouped[list(numeric)].sum(min_count=1))
            else:
                parts.append(getattr(grouped[list(numeric)], duplicates)())
        if len(other):
            rule = "last" if duplicates == "last" else "first"
            parts.append(getattr(grouped[list(other)], rule)())
        df = pd.concat(parts, axis=1)[list(numeric) + list(other)] if parts else grouped.first()
        if prior is not None:
            prior = prior.groupby(level=0).all()
    df = df.sort_index()
    lo = pd.Timestamp(start) if start is not None else (df.index.min() if len(df) else None)
    hi = pd.Timestamp(end) if end is not None else (df.index.max() if len(df) else None)
    if lo is None or hi is None:
        raise DataValidationError("no dated rows to regularize; the export is empty")
    grid = pd.date_range(offset.rollback(lo), hi, freq=freq, name="date")
    off_grid = df.index.difference(grid)
    if len(off_grid):
        raise DataValidationError(
            f"date {off_grid[0]:%Y-%m-%d} is not on the {freq} grid; pass the frequency of "
            "the data (e.g. freq='W-SUN' for weeks starting Sunday)"
        )
    out = df.reindex(grid)
    missing = ~grid.isin(df.index)
    if prior is not None:
        missing |= prior.reindex(grid, fill_value=False).to_numpy(dtype=bool)
    out[flag] = missing
    out.index.freq = offset
    out.attrs = dict(getattr(data, "attrs", {}))
    return out


def find_gaps(
    data: pd.DataFrame | pd.Series, *, flag: str = "missing", column: str | None = None
) -> pd.DataFrame:
    """List runs of missing periods as a tidy table.

    Parameters
    ----------
    data : pandas.DataFrame or pandas.Series
        A regularized frame (with a ``flag`` column), a boolean Series (True = gap), or a
        numeric Series/column whose NaN values are gaps.
    flag : str, default "missing"
        Name of the boolean flag column when ``data`` is a frame.
    column : str, optional
        Use NaN in this column as the gap marker instead of ``flag``.

    Returns
    -------
    pandas.DataFrame
        One row per run with columns ``start``, ``end`` (inclusive) and ``periods``;
        empty when there is no gap.
    """
    if isinstance(data, pd.DataFrame):
        name = column if column is not None else flag
        if name not in data.columns:
            raise DataValidationError(
                f"find_gaps: no {name!r} column; run regularize() first or pass "
                "column= naming a column whose NaNs mark the gaps"
            )
        mask = data[column].isna() if column is not None else data[flag].astype(bool)
    elif data.dtype == bool:
        mask = data
    else:
        mask = data.isna()
    mask = mask.to_numpy(dtype=bool)
    index = data.index
    runs = []
    i = 0
    while i < len(mask):
        if mask[i]:
            j = i
            while j + 1 < len(mask) and mask[j + 1]:
                j += 1
            runs.append((index[i], index[j], j - i + 1))
            i = j + 1
        else:
            i += 1
    return pd.DataFrame(runs, columns=["start", "end", "periods"])


def _offset(freq: str) -> pd.DateOffset:
    try:
        return pd.tseries.frequencies.to_offset(freq)
    except (TypeError, ValueError):
        raise ParameterError(
            f"freq={freq!r} is not a frequency; use 'D' (daily), 'W-SUN' (weeks starting "
            "Sunday) or 'MS' (months)"
        ) from None


def _as_float(series: pd.Series, what: str) -> pd.Series:
    try:
        return series.astype(float)
    except (TypeError, ValueError):
        raise DataValidationError(
            f"{what} needs numbers; "
            f"{f'column {series.name!r}' if series.name is not None else 'the series'} "
            "holds text such as "
            f"{series[pd.to_numeric(series, errors='coerce').isna() & series.notna()].iloc[0]!r}"
        ) from None


def _dow_adjusted_residuals(y: pd.Series, window: int) -> pd.Series:
    level = y.rolling(window, center=True, min_periods=max(3, window // 3)).median()
    resid = y - level
    if isinstance(y.index, pd.DatetimeIndex) and getattr(y.index.freq, "name", None) == "D":
        resid = resid - resid.groupby(y.index.dayofweek).transform("median")
    return resid


def flag_outliers(series: pd.Series, *, window: int = 29, threshold: float = 5.0) -> pd.Series:
    """Flag outliers with a robust z-score; nothing is removed.

    The series is compared with its centred rolling median, the day-of-week median of
    the residuals is subtracted on daily data, and points whose residual exceeds
    ``threshold`` robust standard deviations (1.4826 × MAD) are flagged.

    Parameters
    ----------
    series : pandas.Series
        Numeric values on a regular grid (NaN allowed, never flagged).
    window : int, default 29
        Length of the rolling median, in periods.
    threshold : float, default 5.0
        Robust z beyond which a point is flagged.

    Returns
    -------
    pandas.Series
        Boolean, same index, named ``<name>_outlier``. On counts (whole numbers, none
        negative) a point is flagged only if a value that far from its centred rolling
        mean is also rare as a Poisson count there (probability under 0.001): one click
        on a site at a click a week is no outlier, five are.
    """
    y = _as_float(series, "flag_outliers")
    resid = _dow_adjusted_residuals(y, window)
    mad = 1.4826 * (resid - resid.median()).abs().median()
    if not np.isfinite(mad) or mad == 0:
        mad = resid.abs().mean() or 1.0
    z = (resid - resid.median()) / mad
    flagged = (z.abs() > threshold).fillna(False)
    seen = y.dropna()
    if len(seen) and (seen >= 0).all() and (seen % 1 == 0).all():
        # counts: on a site at a click every ten days the median is 0 and any click was
        # "5 robust sd" away (a real export: every 1-click day flagged); a count is an
        # outlier only if that far from its local mean is also rare as a count
        from scipy.stats import poisson

        mean = y.rolling(window, center=True, min_periods=1).mean()
        rare = pd.Series(np.minimum(poisson.sf(y - 1, mean), poisson.cdf(y, mean)), index=y.index)
        flagged &= (rare < 0.001).fillna(False)
    return flagged.rename(f"{series.name}_outlier")


def flag_outages(
    series: pd.Series,
    *,
    missing: pd.Series | None = None,
    ratio: float = 0.2,
    window: int = 28,
    alpha: float = 0.001,
) -> pd.Series:
    """Flag likely tracking outages: missing periods and implausibly low values.

    A value is an outage when it is near zero for the series, below ``ratio`` times its
    usual level (the median of the ``window`` periods before it), **and** a count that
    low would be a rare event there: its probability, ``P(Y <= value)``, is below
    ``alpha`` for a count ``Y`` with the usual level as its mean and the series' usual
    day-to-day spread (Poisson, widened to a negative binomial when the recent values
    vary more than Poisson counts would). Periods with no value (NaN, or ``missing``)
    are outages too.

    Parameters
    ----------
    series : pandas.Series
        Counts on a regular grid, e.g. daily sessions.
    missing : pandas.Series of bool, optional
        Periods absent from the export (a ``missing`` column); they are outages too.
    ratio : float, default 0.2
        A value must be below ``ratio`` × the trailing ``window``-period median.
    window : int, default 28
        Length of the trailing window that defines the usual level and spread.
    alpha : float, default 0.001
        Largest probability, at the usual level and spread, of a value this low.

    Returns
    -------
    pandas.Series
        Boolean, same index, named ``outage``. Combine with :func:`find_gaps` to list runs.

    Raises
    ------
    ParameterError
        If ``alpha`` is not between 0 and 1.

    Notes
    -----
    A zero is an ordinary count on a small series: at a usual level of 2 clicks a day,
    13.5% of days have none (``exp(-2)``). A real Search Console export at 0-6 clicks a
    day has 74 of its 166 days at zero, and the ratio alone called 38 of them outages.
    Under Poisson counts a zero needs a usual level of about 7 or more to be an outage
    (``exp(-6.9) = 0.001``); a series whose recent days vary more than that (a
    campaign's peak days among them) needs a higher level still. The usual level ``m``
    is the trailing median; on daily data, that of the same weekday (four Saturdays for a
    Saturday, when one or more has a value), so quiet weekends are not outages. The spread
    comes from the trailing changes between one
    period and the same weekday a week before (the previous period on weekly or monthly
    data), so the weekday pattern does not count as noise: their interquartile range /
    1.349 (the standard deviation, were they normal), squared and halved (a change
    between two days has twice a day's variance), is the variance ``v``; both are robust
    to a few outage days in the window, and every day of a run of low values is judged
    at the ``m`` and ``v`` of the day the run began (a two-week run of zeros at 15 a day
    widened ``v`` until its later zeros looked ordinary: 9 of 15 days flagged, now 15). A ``v`` above ``m`` gives the negative binomial
    of that mean and variance (``n = m² / (v - m)``). On a busy series (hundreds a day)
    a value below ``ratio`` × the level is almost always that rare, so the ratio decides
    as it did before this test was added.

    Examples
    --------
    >>> days = pd.date_range("2025-01-01", periods=60, freq="D")
    >>> small = pd.Series([2.0, 0.0, 3.0, 1.0] * 15, index=days)  # zeros are ordinary
    >>> int(flag_outages(small).sum())
    0
    >>> busy = pd.Series(500.0, index=days)
    >>> busy.iloc[40:42] = [0.0, 4.0]  # tracking broke for two days
    >>> busy.index[flag_outages(busy)].strftime("%d %b").tolist()
    ['10 Feb', '11 Feb']
    """
    y = _as_float(series, "flag_outages")
    if not 0 < alpha < 1:
        raise ParameterError(f"alpha={alpha!r} must be between 0 and 1, e.g. 0.001")
    least = max(3, window // 4)
    baseline = y.rolling(window, min_periods=least).median().shift(1).ffill()
    # the spread of same-weekday changes on daily data: the weekday pattern is no noise
    daily = isinstance(y.index, pd.DatetimeIndex) and getattr(y.index.freq, "name", None) == "D"
    if daily:
        # and the usual level of a day is that of its weekday: a site with quiet weekends
        # (13 and 12 clicks on a Saturday and Sunday, 60 on weekdays) had its weekend lows
        # called outages against the all-days median
        same = pd.concat([y.shift(7 * k) for k in range(1, window // 7 + 1)], axis=1)
        weekday = same.median(axis=1).where(same.notna().sum(axis=1) >= 1)
        baseline = weekday.fillna(baseline)
    change = y.diff(7 if daily else 1).rolling(window, min_periods=least)
    iqr = (change.quantile(0.75) - change.quantile(0.25)).shift(1).ffill()
    variance = (iqr / 1.349) ** 2 / 2  # a difference of two days has twice a day's variance
    # inside a run of low values the trailing window fills with the run itself (a week of
    # zeros widens the spread until later zeros look ordinary: 1.5 of 15 days flagged at 8
    # a day): each day of a run is judged at the level and spread before the run began
    below = (y < ratio * baseline).fillna(False)
    inside = below & below.shift(1, fill_value=False)
    baseline, variance = baseline.where(~inside).ffill(), variance.where(~inside).ffill()
    # floor() reads Trends' "<1" (0.5) as 0
    chance = _chance_of_at_most(np.floor(y.clip(lower=0)), baseline, variance)
    low = (y < ratio * baseline) & (baseline > 0) & (chance < alpha)
    out = low | y.isna()
    if missing is not None:
        out |= missing.reindex(y.index, fill_value=False).astype(bool)
    return out.fillna(False).astype(bool).rename("outage")


def _chance_of_at_most(k: pd.Series, mean: pd.Series, var: pd.Series) -> pd.Series:
    """``P(Y <= k)`` for a count of this mean and variance: Poisson, or negative binomial
    when the variance is larger (method of moments); NaN where the mean is unknown."""
    from scipy.stats import nbinom, poisson

    m, v = mean.to_numpy(dtype=float), var.to_numpy(dtype=float)
    over = v > m
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.where(over, m**2 / (v - m), 1.0)
        widened = nbinom.cdf(k, n, n / (n + m))
    return pd.Series(np.where(over, widened, poisson.cdf(k, m)), index=k.index)
