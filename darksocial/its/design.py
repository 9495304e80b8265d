"""Campaign specifications and the regressors of an interrupted time-series design.

Boundary convention (the data contract): a campaign takes effect from the first period
whose *label* is on or after its ``start`` date, and stops after the last period whose
label is on or before its ``end`` date. For daily data that is simply "from the start day
through the end day, both inclusive"; for weekly or monthly data a campaign starting
mid-period counts from the next label, so the partly treated period stays in the
pre-period (a conservative choice that never leaks campaign days into the baseline fit
unnoticed).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from darksocial.constants import (
    FOURIER_YEARLY_HARMONICS,
    HALF_LIFE_GRID,
    MIN_YEARS_FOR_YEARLY_SEASONALITY,
    RAMP_GRID_MAX,
    YEAR_END,
)
from darksocial.errors import ParameterError
from darksocial.its.spec import COUNT_MODELS

__all__ = [
    "Intervention",
    "Shape",
    "campaign_columns",
    "holiday_columns",
    "profile_shapes",
    "seasonal_columns",
]

Shape = Literal["level", "slope", "level+slope", "ramp", "pulse"]
_SHAPES = ("level", "slope", "level+slope", "ramp", "pulse")
_AFTER_END = ("off", "decay")

#: Periods per year for each supported frequency family.
PERIODS_PER_YEAR = {"D": 365.25, "W": 365.25 / 7, "M": 12.0, "Q": 4.0, "Y": 1.0}


@dataclasses.dataclass(frozen=True)
class Intervention:
    """One campaign: when it ran and the shape of its effect.

    Parameters
    ----------
    name : str, default "intervention"
        Label used in term names (``"<name>:level"``) and result tables.
    start : str or pandas.Timestamp
        First day of the campaign. The effect starts at the first period labelled on or
        after this date.
    end : str or pandas.Timestamp, optional
        Last day of the campaign. After it the effect is switched off (``after_end="off"``)
        or decays (``after_end="decay"``). Without an end the effect lasts to the end of
        the data (a pulse still decays).
    shape : {"level", "slope", "level+slope", "ramp", "pulse"}, default "level"
        ``"level"``: a step. ``"slope"``: a change of trend, ``t - start`` periods.
        ``"level+slope"``: both (textbook segmented ITS). ``"ramp"``: a linear build-up
        over ``ramp_periods`` periods to a plateau; the coefficient is the plateau.
        ``"pulse"``: a jump decaying as ``0.5 ** (k / half_life)``; the coefficient is the
        jump on the first period.
    ramp_periods : int, optional
        Length of the ramp. Estimated by profile least squares when not given.
    half_life : float, optional
        Half-life of a pulse (or of the decay after ``end``) in periods. Estimated by
        profile least squares when not given.
    after_end : {"off", "decay"}, default "off"
        What happens after ``end``.
    evaluation_end : str or pandas.Timestamp, optional
        Last day of this campaign's evaluation window in ``effects_by_intervention``
        (default: ``end`` if given, else the end of the data).

    Examples
    --------
    >>> Intervention("tv", "2025-03-03", end="2025-04-27", shape="ramp", ramp_periods=21)
    Intervention(name='tv', start=Timestamp('2025-03-03 00:00:00'), ...)
    """

    name: str = "intervention"
    start: pd.Timestamp | str | None = None
    end: pd.Timestamp | str | None = None
    shape: Shape = "level"
    ramp_periods: int | None = None
    half_life: float | None = None
    after_end: Literal["off", "decay"] = "off"
    evaluation_end: pd.Timestamp | str | None = None

    def __post_init__(self) -> None:
        if self.start is None:
            raise ParameterError(
                f"Intervention {self.name!r} has no start date; pass start='YYYY-MM-DD'."
            )
        for field in ("start", "end", "evaluation_end"):
            value = getattr(self, field)
            if value is None:
                continue
            try:
                stamp = pd.Timestamp(value)
            except (TypeError, ValueError):
                raise ParameterError(
                    f"Intervention {self.name!r}: {field}={value!r} is not a date; "
                    "use 'YYYY-MM-DD'."
                ) from None
            if stamp.tzinfo is not None:
                stamp = stamp.tz_localize(None)
            object.__setattr__(self, field, stamp)
        if not isinstance(self.name, str) or not self.name or ":" in self.name:
            raise ParameterError(
                f"Intervention name {self.name!r} must be a non-empty string without ':'."
            )
        if self.shape not in _SHAPES:
            raise ParameterError(
                f"Intervention {self.name!r}: shape={self.shape!r} is unknown; "
                f"use one of {', '.join(_SHAPES)}."
            )
        if self.after_end not in _AFTER_END:
            raise ParameterError(
                f"Intervention {self.name!r}: after_end={self.after_end!r} is unknown; "
                "use 'off' or 'decay'."
            )
        if self.end is not None and self.end < self.start:
            raise ParameterError(
                f"Intervention {self.name!r} ends ({self.end.date()}) before it starts "
                f"({self.start.date()}); swap the dates."
            )
        if self.evaluation_end is not None and self.evaluation_end < self.start:
            raise ParameterError(
                f"Intervention {self.name!r}: evaluation_end ({self.evaluation_end.date()}) "
                f"is before start ({self.start.date()})."
            )
        if self.ramp_periods is not None and (int(self.ramp_periods) < 1):
            raise ParameterError(
                f"Intervention {self.name!r}: ramp_periods must be a positive integer."
            )
        if self.half_life is not None and not float(self.half_life) > 0:
            raise ParameterError(f"Intervention {self.name!r}: half_life must be positive.")

    @property
    def terms(self) -> list[str]:
        """Names of the regression terms this campaign adds, e.g. ``["tv:level"]``."""
        parts = {"level+slope": ["level", "slope"]}.get(self.shape, [self.shape])
        return [f"{self.name}:{p}" for p in parts]

    @property
    def needs_half_life(self) -> bool:
        """Whether the design needs a half-life (a pulse, or decay after the end)."""
        return self.shape == "pulse" or (self.after_end == "decay" and self.end is not None)


def start_position(index: pd.DatetimeIndex, date: pd.Timestamp) -> int:
    """Position of the first label on or after ``date`` (``len(index)`` if none)."""
    return int(index.searchsorted(date, side="left"))


def end_position(index: pd.DatetimeIndex, date: pd.Timestamp | None) -> int:
    """Position of the last label on or before ``date`` (last position if ``None``)."""
    if date is None:
        return len(index) - 1
    return int(index.searchsorted(date, side="right")) - 1


def campaign_columns(
    iv: Intervention,
    index: pd.DatetimeIndex,
    *,
    ramp_periods: int | None = None,
    half_life: float | None = None,
) -> pd.DataFrame:
    """Regressor columns of one campaign on ``index``.

    Parameters
    ----------
    iv : Intervention
        The campaign.
    index : pandas.DatetimeIndex
        Dates of the series.
    ramp_periods : int, optional
        Ramp length, overriding ``iv.ramp_periods`` (used while profiling).
    half_life : float, optional
        Half-life, overriding ``iv.half_life`` (used while profiling).

    Returns
    -------
    pandas.DataFrame
        One column per term in ``iv.terms``, zero before the campaign.
    """
    n = len(index)
    s = start_position(index, iv.start)
    e = end_position(index, iv.end)
    ramp = int(ramp_periods or iv.ramp_periods or 1)
    hl = float(half_life or iv.half_life or 1.0)
    k = np.arange(n, dtype=float) - s
    active = (k >= 0) & (np.arange(n) <= e)
    after = np.arange(n) > e
    out = {}
    parts = {"level+slope": ["level", "slope"]}.get(iv.shape, [iv.shape])
    for part in parts:
        if part == "level":
            shape_vals = np.ones(n)
        elif part == "slope":
            shape_vals = np.maximum(k, 0.0)
        elif part == "ramp":
            shape_vals = np.minimum(np.maximum(k + 1, 0.0), ramp) / ramp
        else:  # pulse
            shape_vals = 0.5 ** (np.maximum(k, 0.0) / hl)
        col = np.where(active, shape_vals, 0.0)
        if iv.after_end == "decay" and iv.end is not None and e >= s and e + 1 < n:
            steps = np.arange(n) - e
            col = np.where(after, shape_vals[e] * 0.5 ** (steps / hl), col)
        out[f"{iv.name}:{part}"] = col
    return pd.DataFrame(out, index=index)


def _fourier(t: np.ndarray, period: float, harmonics: int, prefix: str) -> dict[str, np.ndarray]:
    cols = {}
    for j in range(1, harmonics + 1):
        cols[f"{prefix}_sin{j}"] = np.sin(2 * np.pi * j * t / period)
        cols[f"{prefix}_cos{j}"] = np.cos(2 * np.pi * j * t / period)
    return cols


def _dummies(codes: np.ndarray, labels: Sequence[str], prefix: str) -> dict[str, np.ndarray]:
    # the first category is the baseline absorbed by the constant
    present = sorted(set(codes.tolist()))
    return {
        f"{prefix}[{labels[c]}]": (codes == c).astype(float) for c in present if c != present[0]
    }


_DOW = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# English names whatever the locale (calendar.day_name and %B follow LC_TIME)
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August")
_MONTH_NAMES += ("September", "October", "November", "December")


#: The categories of the calendar dummies (the first is the baseline, left out of the design).
CALENDAR_CATEGORIES = {"dow": _DOW, "month": _MONTHS}


def term_words(names: list[str]) -> list[str]:
    """Calendar terms in words, to follow "every": ``dow[Wed]`` -> ``Wednesday``.

    ``month[Jan]`` -> ``January``, ``holiday`` -> ``public holiday``, ``yearend`` -> ``day
    of the year-end holidays (21 Dec to 3 Jan)``; other terms read ``period of '<name>'``.
    """
    words = {f"dow[{a}]": d for a, d in zip(_DOW, _DAY_NAMES, strict=True)}
    words |= {f"month[{a}]": m for a, m in zip(_MONTHS, _MONTH_NAMES, strict=True)}
    words |= {
        "holiday": "public holiday",
        "yearend": "day of the year-end holidays (21 Dec to 3 Jan)",
    }
    return [words.get(name, f"period of '{name}'") for name in names]


def seasonal_columns(
    index: pd.DatetimeIndex,
    seasonality,
    *,
    freq: str,
    fit_span_years: float,
) -> pd.DataFrame:
    """Seasonal regressors for ``index``.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Dates of the series.
    seasonality : None, "auto", int, or list
        ``None``: no seasonal terms. ``"auto"``: day-of-week dummies for daily data plus
        yearly Fourier terms (3 harmonics) and, for daily data, a year-end holiday dummy (21 Dec to 3 Jan) when the fitted data span at least 1.5 years;
        yearly Fourier terms for weekly data under the same condition; month dummies for
        monthly data with at least three years; quarter dummies for quarterly data with at
        least three years; nothing for yearly data. An integer ``p``: dummies for the
        position modulo ``p`` when ``p <= 24``, else Fourier terms with 3 harmonics. A list
        may mix ``"dayofweek"``, ``"month"``, ``"yearly"``, ``"yearend"``, integers and ``(period,
        harmonics)`` tuples.
    freq : {"D", "W", "M", "Q", "Y"}
        Frequency family of ``index``.
    fit_span_years : float
        Length in years of the data the model is fitted on (decides ``"auto"``).

    Returns
    -------
    pandas.DataFrame
        The seasonal columns (possibly none).
    """
    t = np.arange(len(index), dtype=float)
    if seasonality is None:
        items: list = []
    elif isinstance(seasonality, str) and seasonality == "auto":
        items = []
        if freq == "D":
            items.append("dayofweek")
        if freq in ("D", "W") and fit_span_years >= MIN_YEARS_FOR_YEARLY_SEASONALITY:
            items.append("yearly")
            if freq == "D":
                # 1.5 years of consecutive days always contain a whole year-end period
                items.append("yearend")
        if freq == "M" and fit_span_years >= 3:
            items.append("month")
        if freq == "Q" and fit_span_years >= 3:
            items.append(4)
    elif isinstance(seasonality, str | int | tuple):
        items = [seasonality]
    else:
        items = list(seasonality)
    cols: dict[str, np.ndarray] = {}
    for item in items:
        if item == "dayofweek":
            if freq != "D":
                raise ParameterError(
                    "seasonality='dayofweek' needs daily data; use seasonality='auto' or None."
                )
            cols.update(_dummies(index.dayofweek.to_numpy(), _DOW, "dow"))
        elif item == "month":
            cols.update(_dummies(index.month.to_numpy() - 1, _MONTHS, "month"))
        elif item == "yearly":
            if freq == "Y":
                raise ParameterError("Yearly data cannot have yearly seasonality; use None.")
            # Fourier terms on calendar time so leap years and gaps do not shift the phase
            days = (index - pd.Timestamp("2000-01-01")).days.to_numpy(dtype=float)
            cols.update(_fourier(days, 365.25, FOURIER_YEARLY_HARMONICS, "yearly"))
        elif item == "yearend":
            if freq != "D":
                raise ParameterError(
                    "seasonality='yearend' needs daily data; use seasonality='auto' or None."
                )
            (m0, d0), (m1, d1) = YEAR_END
            md = index.month * 100 + index.day
            cols["yearend"] = ((md >= m0 * 100 + d0) | (md <= m1 * 100 + d1)).astype(float)
        elif isinstance(item, tuple) and len(item) == 2:
            period, harmonics = float(item[0]), int(item[1])
            cols.update(_fourier(t, period, harmonics, f"fourier{item[0]:g}"))
        elif isinstance(item, int | np.integer) and not isinstance(item, bool) and item >= 2:
            if item <= 24:
                labels = [str(i) for i in range(item)]
                cols.update(_dummies((np.arange(len(index)) % item), labels, f"season{item}"))
            else:
                cols.update(_fourier(t, float(item), 3, f"fourier{item}"))
        else:
            raise ParameterError(
                f"seasonality item {item!r} is not understood; use None, 'auto', 'dayofweek', "
                "'month', 'yearly', an integer period or a (period, harmonics) tuple."
            )
    return pd.DataFrame(cols, index=index)


def holiday_columns(index: pd.DatetimeIndex, holidays, *, freq: str) -> pd.DataFrame:
    """A ``holiday`` column: 1 on holidays (daily) or the count of holidays in a period.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Dates of the series.
    holidays : None, str, or list of dates
        A country code understood by the ``holidays`` package (``"FR"``, ``"US"``, ...)
        or explicit dates.
    freq : {"D", "W", "M", "Q", "Y"}
        Frequency family of ``index``.

    Returns
    -------
    pandas.DataFrame
        Zero or one column named ``holiday``.
    """
    if holidays is None:
        return pd.DataFrame(index=index)
    if isinstance(holidays, str):
        import holidays as holidays_pkg

        years = range(index[0].year - 1, index[-1].year + 2)
        try:
            cal = holidays_pkg.country_holidays(holidays, years=years)
        except NotImplementedError:
            raise ParameterError(
                f"holidays={holidays!r} is not a country code the 'holidays' package knows; "
                "use an ISO code such as 'FR' or pass a list of dates."
            ) from None
        dates = pd.DatetimeIndex(sorted(cal.keys()))
    else:
        try:
            dates = pd.DatetimeIndex(pd.to_datetime(list(holidays)))
        except (TypeError, ValueError):
            raise ParameterError(
                "holidays must be a country code or a list of dates like '2025-12-25'."
            ) from None
    dates = dates.normalize()
    if freq == "D":
        col = index.normalize().isin(dates).astype(float)
    else:
        pos = index.searchsorted(dates, side="right") - 1
        pos = pos[(pos >= 0) & (dates <= index[-1] + (index[-1] - index[-2]))]
        col = np.bincount(pos, minlength=len(index)).astype(float)[: len(index)]
    if not np.any(col):
        return pd.DataFrame(index=index)
    return pd.DataFrame({"holiday": col}, index=index)


def profile_shapes(
    ivs: Sequence[Intervention],
    z: np.ndarray,
    base: pd.DataFrame,
    model: str,
    index: pd.DatetimeIndex,
) -> tuple[list[Intervention], dict[str, str]]:
    """Estimate unknown ramp lengths and half-lives by profile least squares.

    Parameters
    ----------
    ivs : sequence of Intervention
        The campaigns; a ramp without ``ramp_periods`` or a pulse (or decay) without
        ``half_life`` gets them estimated.
    z : numpy.ndarray
        The outcome on the modelling scale (NaN where missing).
    base : pandas.DataFrame
        The other regressors (trend, seasonality, controls), partialled out once.
    model : str
        For count models the target is ``log(z + 0.5)``.
    index : pandas.DatetimeIndex
        Dates of the series.

    Returns
    -------
    campaigns : list of Intervention
        The campaigns with every shape parameter set.
    estimated : dict
        Campaign name to what was estimated, in words (``"ramp of 12 periods
        (estimated)"``); empty when nothing was.
    """
    todo = [
        iv
        for iv in ivs
        if (iv.shape == "ramp" and iv.ramp_periods is None)
        or (iv.needs_half_life and iv.half_life is None)
    ]
    if not todo:
        return ivs, {}
    target = np.log(np.where(np.isnan(z), np.nan, z) + 0.5) if model in COUNT_MODELS else z
    mask = ~np.isnan(target)
    B = base.to_numpy()[mask]
    t = target[mask]
    current = {}
    for iv in ivs:
        current[iv.name] = dataclasses.replace(
            iv,
            ramp_periods=iv.ramp_periods or (14 if iv.shape == "ramp" else None),
            half_life=iv.half_life or (7.0 if iv.needs_half_life else None),
        )

    # Frisch-Waugh: partial the base regressors out once, then each trial is a small
    # regression of the target on the (partialled) campaign columns
    Q, _ = np.linalg.qr(B)

    def partial(v):
        cols = campaign_columns(v, index).to_numpy()[mask]
        return cols - Q @ (Q.T @ cols)

    t = t - Q @ (Q.T @ t)
    cols = {name: partial(v) for name, v in current.items()}

    def sse(name, candidate):
        trial = dict(cols)
        trial[name] = partial(candidate)
        Xm = np.column_stack(list(trial.values()))
        beta, *_ = np.linalg.lstsq(Xm, t, rcond=None)
        r = t - Xm @ beta
        return float(r @ r)

    def best_of(name, field, grid):
        """Profile least squares: the value of ``field`` on ``grid`` with the least SSE."""
        cands = [dataclasses.replace(current[name], **{field: v}) for v in grid]
        best = min(cands, key=lambda c: sse(name, c))  # first of equals, as before
        current[name] = best
        cols[name] = partial(best)
        return best

    n_post = len(index) - min(start_position(index, iv.start) for iv in ivs)
    estimated = {}
    for _sweep in range(2 if len(todo) > 1 else 1):
        for iv in todo:
            if iv.shape == "ramp" and iv.ramp_periods is None:
                grid = range(1, max(2, min(RAMP_GRID_MAX, n_post)) + 1)
                r = best_of(iv.name, "ramp_periods", grid).ramp_periods
                estimated[iv.name] = f"ramp of {r} periods (estimated)"
            if iv.needs_half_life and iv.half_life is None:
                hl = best_of(iv.name, "half_life", HALF_LIFE_GRID).half_life
                estimated[iv.name] = f"half-life of {hl:g} periods (estimated)"
    return [current[iv.name] for iv in ivs], estimated
