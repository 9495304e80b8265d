"""Checks of analysis arguments shared by several modules, each raising a one-line fix.

Every analysis validates its inputs at the boundary with these functions, so the same
mistake gets the same message whichever function it was passed to: an ``alpha`` outside
its bounds, an unknown option, a series that is not a dated numeric :class:`pandas.Series`,
a launch that is not a date, a duration that is not a whole number of periods, past
campaigns to leave out of a history.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from darksocial.errors import DataValidationError, ParameterError

__all__ = [
    "as_date",
    "as_numeric",
    "check_alpha",
    "check_choice",
    "check_duration",
    "check_series",
    "exclusion_mask",
    "is_count_series",
    "launch_position",
]


def check_alpha(alpha: Any, *, upper: float = 1.0) -> float:
    """Return ``alpha`` as a float, or raise when it is not a number in ``(0, upper)``.

    Parameters
    ----------
    alpha : float
        One minus the interval level (0.05 for 95% intervals).
    upper : float, default 1.0
        Exclusive upper bound. Analyses accept any level in (0, 1); the report pages pass
        ``upper=0.5`` because an interval narrower than 50% is not one a reader can use.

    Returns
    -------
    float

    Raises
    ------
    ParameterError
        ``alpha`` is a bool, is not a number, or lies outside ``(0, upper)``.

    Examples
    --------
    >>> check_alpha(0.1)
    0.1
    """
    try:
        value = float(alpha)
    except (TypeError, ValueError):
        value = float("nan")
    if isinstance(alpha, bool) or not 0 < value < upper:
        raise ParameterError(
            f"alpha={alpha!r} must be between 0 and {upper:g} (e.g. 0.05, which gives 95% "
            "intervals)"
        )
    return value


def check_choice(value: Any, allowed: Iterable[Any], name: str) -> None:
    """Raise unless ``value`` is one of ``allowed``.

    Parameters
    ----------
    value : object
        The argument given.
    allowed : iterable
        The accepted values, listed in the message.
    name : str
        The argument's name, as the caller spells it.

    Raises
    ------
    ParameterError
        ``value`` is not in ``allowed``.
    """
    allowed = tuple(allowed)
    if value not in allowed:
        raise ParameterError(f"{name}={value!r} is unknown; use one of {', '.join(allowed)}.")


def check_series(y: Any, what: str = "y") -> pd.Series:
    """Return ``y`` as a float Series on a sorted, unique DatetimeIndex, or raise.

    Parameters
    ----------
    y : pandas.Series or one-column pandas.DataFrame
        The series to check.
    what : str, default "y"
        Its name in the error message.

    Returns
    -------
    pandas.Series
        ``y`` as floats (a one-column frame becomes its column).

    Raises
    ------
    DataValidationError
        Not a Series, not dated, unsorted or duplicated dates, or not numeric.
    """
    if isinstance(y, pd.DataFrame) and y.shape[1] == 1:
        y = y.iloc[:, 0]
    if not isinstance(y, pd.Series):
        raise DataValidationError(
            f"{what} must be a pandas Series with a DatetimeIndex, not {type(y).__name__}; "
            "select one column, e.g. df['branded_clicks']."
        )
    if not isinstance(y.index, pd.DatetimeIndex):
        raise DataValidationError(
            f"{what} has a {type(y.index).__name__}, not a DatetimeIndex; use "
            "df.set_index(pd.to_datetime(df['date']))."
        )
    if not y.index.is_monotonic_increasing or y.index.has_duplicates:
        raise DataValidationError(
            f"{what} has unsorted or duplicated dates; use y.groupby(level=0).sum().sort_index()."
        )
    if not pd.api.types.is_numeric_dtype(y):
        raise DataValidationError(
            f"{what} is not numeric (dtype {y.dtype}); convert it with pd.to_numeric."
        )
    return y.astype(float)


def launch_position(index: pd.DatetimeIndex, launch: Any) -> int:
    """Position of the first period on or after ``launch`` (may be ``len(index)``).

    Parameters
    ----------
    index : pandas.DatetimeIndex
        The series' dates, sorted.
    launch : str or pandas.Timestamp
        The launch date; a timezone is dropped.

    Returns
    -------
    int

    Raises
    ------
    ParameterError
        ``launch`` is not a date.
    """
    return int(index.searchsorted(as_date(launch, "launch"), side="left"))


def as_date(value: Any, name: str, *, error: type[Exception] = ParameterError) -> pd.Timestamp:
    """Read a date argument (a launch, the end of a pre-period) as a naive Timestamp.

    Parameters
    ----------
    value : str, datetime or pandas.Timestamp
        The date; a timezone is dropped (dates in the package are naive).
    name : str
        The argument's name in the error message.
    error : type of Exception, default ParameterError
        The error raised when ``value`` is not a date.

    Returns
    -------
    pandas.Timestamp

    Raises
    ------
    ParameterError
        ``value`` is not a date (or ``error``, when given).
    """
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise error(f"{name}={value!r} is not a date; use 'YYYY-MM-DD'.") from None
    return ts.tz_localize(None) if ts.tzinfo is not None else ts


def as_numeric(series: pd.Series, what: str) -> pd.Series:
    """Return ``series`` as floats, or raise a one-line error that names the fix.

    Parameters
    ----------
    series : pandas.Series
        Values that should be numbers (strings of digits are converted).
    what : str
        The series' name in the error message.

    Returns
    -------
    pandas.Series

    Raises
    ------
    DataValidationError
        A value is not a number.
    """
    try:
        return pd.to_numeric(series, errors="raise").astype(float)
    except (TypeError, ValueError):
        raise DataValidationError(
            f"{what} is not numeric; convert it with pd.to_numeric(..., errors='coerce')."
        ) from None


def check_duration(duration: Any) -> int | None:
    """Return ``duration`` as a whole number of periods (None stays None), or raise.

    Parameters
    ----------
    duration : int or None
        Campaign length in periods.

    Returns
    -------
    int or None

    Raises
    ------
    ParameterError
        Not a whole number of at least 1.
    """
    if duration is None:
        return None
    if isinstance(duration, bool) or not float(duration).is_integer() or int(duration) < 1:
        raise ParameterError(
            f"duration={duration!r} must be a whole number of periods >= 1, e.g. 28 days."
        )
    return int(duration)


def is_count_series(y: pd.Series) -> bool:
    """Whether every non-missing value of ``y`` is a non-negative whole number.

    Parameters
    ----------
    y : pandas.Series

    Returns
    -------
    bool
        False for an empty (or all-missing) series.
    """
    v = y.dropna().to_numpy()
    return bool(len(v) and np.all(v >= 0) and np.all(np.equal(np.round(v), v)))


def exclusion_mask(index: pd.DatetimeIndex, exclude: Any) -> np.ndarray:
    """Boolean mask of the periods of ``index`` inside excluded windows (past campaigns).

    Parameters
    ----------
    index : pandas.DatetimeIndex
        The history's dates.
    exclude : pandas.DataFrame, iterable of (start, end) pairs, or None
        A campaign calendar (``launch`` and ``end`` or ``evaluation_end`` columns) or
        date pairs. A missing end means an 8-week window.

    Returns
    -------
    numpy.ndarray of bool

    Raises
    ------
    ParameterError
        A frame without ``launch``, or an item that is not a pair of dates.
    """
    mask = np.zeros(len(index), dtype=bool)
    if exclude is None:
        return mask
    if isinstance(exclude, pd.DataFrame):
        if "launch" not in exclude.columns:
            raise ParameterError(
                "exclude must have 'launch' and 'end' (or 'evaluation_end') columns, like "
                "the campaign calendar, or be a list of (start, end) pairs."
            )
        ends = exclude["evaluation_end"] if "evaluation_end" in exclude else exclude.get("end")
        if ends is None:
            ends = pd.Series(pd.NaT, index=exclude.index)
        ends = ends.fillna(exclude.get("end", pd.Series(pd.NaT, index=exclude.index)))
        pairs = list(zip(exclude["launch"], ends, strict=True))
    else:
        pairs = list(exclude)
    for pair in pairs:
        try:
            start, end = (pd.Timestamp(v) for v in pair)
        except (TypeError, ValueError):
            raise ParameterError(
                f"exclude item {pair!r} is not a (start, end) pair of dates like "
                "('2025-03-03', '2025-04-27')."
            ) from None
        if pd.isna(end):
            end = start + pd.Timedelta(days=55)  # no end given: assume an 8-week window
        mask |= (index >= start) & (index <= end)
    return mask
