"""Boundary checks for :func:`darksocial.its.fit`: every bad input becomes one clear line."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from darksocial.errors import DataValidationError, InterventionDateError, ParameterError
from darksocial.its.design import Intervention, start_position

_FREQ_HINT = {"D": "D", "W": "W-SUN", "M": "MS", "Q": "QS", "Y": "YS"}


def _fmt(dates) -> str:
    dates = [pd.Timestamp(d).date().isoformat() for d in dates]
    shown = ", ".join(dates[:5])
    return shown + (f" and {len(dates) - 5} more" if len(dates) > 5 else "")


#: The most common step between dates (in days) that makes each family, for dates that
#: are not perfectly regular: a month is 28-31 days, a quarter 89-92, a year 365-366.
_STEP_FAMILY = (("D", 1, 1), ("W", 7, 7), ("M", 28, 31), ("Q", 89, 92), ("Y", 365, 366))
_FREQ_FAMILY = (
    ("D", ("D",)),
    ("W", ("W",)),
    ("M", ("MS", "ME", "M", "BMS", "BME", "BM")),
    ("Q", ("QS", "QE", "Q", "BQS", "BQE")),
    ("Y", ("YS", "YE", "Y", "AS", "A", "BYS", "BYE")),
)


def frequency_family(index: pd.DatetimeIndex, name: str = "y", *, regular: bool = True) -> str:
    """How often a series is observed: ``"D"``, ``"W"``, ``"M"``, ``"Q"`` or ``"Y"``.

    The one classifier of the package (the model, the explore page and the campaign
    report all ask it). A regular index is classified by :func:`pandas.infer_freq`
    (so month starts and month ends are both monthly, any weekday anchor is weekly).
    Dates that are not regular (a missing day or week, a skipped month) are classified
    by their most common step: 1 day is daily, 7 days weekly, 28-31 days monthly,
    89-92 days quarterly, 365-366 days yearly.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        The series' dates, sorted.
    name : str, default "y"
        The series' name, for the messages.
    regular : bool, default True
        Require regular dates, as the model does: irregular dates raise an error that
        names the gaps and the ``asfreq`` fix. With ``False`` (for describing data that
        will be regularised later) irregular dates are classified by their most
        common step, and fewer than two dates count as daily.

    Returns
    -------
    str
        ``"D"``, ``"W"``, ``"M"``, ``"Q"`` or ``"Y"``.

    Raises
    ------
    DataValidationError
        If the dates follow no supported frequency (their most common step is none of
        the above); with ``regular=True`` also if there are fewer than three dates, or
        the step changes.

    Examples
    --------
    >>> import pandas as pd
    >>> weeks = pd.date_range("2025-01-06", periods=10, freq="W-MON").delete(4)
    >>> frequency_family(weeks, regular=False)
    'W'
    """
    if len(index) < (3 if regular else 2):
        if not regular:
            return "D"
        raise DataValidationError(f"{name} has only {len(index)} dates; ITS needs a long series.")
    freq = pd.infer_freq(index) if len(index) >= 3 else None
    if freq is not None:
        base = freq.split("-")[0].upper()
        for fam, prefixes in _FREQ_FAMILY:
            if base in prefixes:
                return fam
        if regular:
            raise DataValidationError(
                f"{name} has frequency {freq!r}; only daily, weekly, monthly, quarterly and "
                "yearly series are supported (aggregate with y.resample('D').sum())."
            )
    # Irregular: the most common step decides, and names the fix
    steps = pd.Series(index[1:] - index[:-1])
    step = steps.mode().iloc[0]
    days = step / pd.Timedelta(days=1)
    fam = next((f for f, lo, hi in _STEP_FAMILY if lo <= days <= hi), None)
    if fam is None:
        raise DataValidationError(
            f"{name} has an irregular index (most common step {step}); resample it to a regular "
            "frequency first, e.g. y.resample('D').sum()."
        )
    if not regular:
        return fam
    gaps = index[1:][(steps != step).to_numpy()]
    hint = _FREQ_HINT[fam]
    raise DataValidationError(
        f"{name} has an irregular index: the step changes before {_fmt(gaps)}; "
        f"insert the missing dates as NaN with {name}.asfreq('{hint}') (missing values are "
        "handled by the model, never filled with zeros)."
    )


def check_y(y, *, transform: str | None, model: str) -> pd.Series:
    """Return a clean float copy of ``y`` or raise a one-line error."""
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise DataValidationError(
                f"y is a DataFrame with {y.shape[1]} columns; pass one Series, e.g. df['clicks']."
            )
        y = y.iloc[:, 0]
    if not isinstance(y, pd.Series):
        raise DataValidationError(
            "y must be a pandas Series with a DatetimeIndex, e.g. df.set_index('date')['clicks']."
        )
    name = y.name if y.name is not None else "y"
    if not isinstance(y.index, pd.DatetimeIndex):
        raise DataValidationError(
            f"{name} must have a DatetimeIndex; use y.index = pd.to_datetime(y.index)."
        )
    if y.index.tz is not None:
        y = y.tz_localize(None)
    dup = y.index[y.index.duplicated()]
    if len(dup):
        raise DataValidationError(
            f"{name} has duplicated dates ({_fmt(dup.unique())}); aggregate them first, "
            "e.g. y.groupby(level=0).sum()."
        )
    if not y.index.is_monotonic_increasing:
        y = y.sort_index()
    try:
        values = pd.to_numeric(y, errors="raise").astype(float)
    except (TypeError, ValueError):
        raise DataValidationError(
            f"{name} is not numeric; convert it with pd.to_numeric(y, errors='coerce')."
        ) from None
    values = values.replace([np.inf, -np.inf], np.nan)
    finite = values.dropna()
    if finite.empty:
        raise DataValidationError(f"{name} has no non-missing values.")
    if finite.nunique() == 1:
        raise DataValidationError(
            f"{name} is constant ({finite.iloc[0]:g}) wherever observed; there is nothing to "
            "model. Check the column you passed."
        )
    if transform == "log" and (finite <= 0).any():
        bad = finite.index[finite <= 0]
        raise DataValidationError(
            f"transform='log' needs {name} > 0 but it is <= 0 on {_fmt(bad)}; use "
            "transform=None, or model='poisson' for counts with zeros."
        )
    if model in ("poisson", "negbin") and (finite < 0).any():
        bad = finite.index[finite < 0]
        raise DataValidationError(
            f"model={model!r} needs counts >= 0 but {name} is negative on {_fmt(bad)}; "
            "use model='segmented'."
        )
    values.name = name
    return values


def as_interventions(interventions) -> list[Intervention]:
    """Normalise a date, an Intervention, or a list of either into Interventions."""
    if interventions is None:
        raise ParameterError("interventions is required: a date, an Intervention, or a list.")
    items = (
        list(interventions)
        if isinstance(interventions, Sequence | pd.Index | np.ndarray)
        and not isinstance(interventions, str)
        else [interventions]
    )
    if not items:
        raise ParameterError("interventions is empty; give at least one campaign start date.")
    out = []
    for i, item in enumerate(items):
        if isinstance(item, Intervention):
            out.append(item)
        else:
            name = "intervention" if len(items) == 1 else f"intervention_{i + 1}"
            try:
                out.append(Intervention(name, pd.Timestamp(item)))
            except (TypeError, ValueError):
                raise ParameterError(
                    f"interventions[{i}]={item!r} is neither a date nor an Intervention."
                ) from None
    names = [iv.name for iv in out]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ParameterError(
            f"Intervention names must be unique; {', '.join(dupes)} repeats. "
            "Give each campaign its own name."
        )
    return out


def check_dates(interventions: list[Intervention], index: pd.DatetimeIndex, name: str) -> None:
    """Every campaign must start inside the data and after its first date."""
    first, last = index[0], index[-1]
    span = f"{first.date()} to {last.date()}"
    for iv in interventions:
        if iv.start > last or iv.start < first:
            raise InterventionDateError(
                f"Campaign {iv.name!r} starts on {iv.start.date()}, outside the data "
                f"({name} runs {span}); fix the date or load the matching period."
            )
        if start_position(index, iv.start) == 0:
            raise InterventionDateError(
                f"Campaign {iv.name!r} starts on the first date of the data ({first.date()}), "
                "leaving no pre-period; load earlier data."
            )


def check_aligned(
    frame, index: pd.DatetimeIndex, *, what: str, needed: pd.DatetimeIndex
) -> pd.DataFrame:
    """Align controls or exposure to ``index``; refuse missing values on ``needed`` dates."""
    if isinstance(frame, pd.Series):
        frame = frame.to_frame(frame.name if frame.name is not None else what)
    if not isinstance(frame, pd.DataFrame):
        raise DataValidationError(f"{what} must be a pandas DataFrame indexed by date.")
    if not isinstance(frame.index, pd.DatetimeIndex):
        raise DataValidationError(
            f"{what} must have a DatetimeIndex; use {what}.index = pd.to_datetime({what}.index)."
        )
    if frame.index.tz is not None:
        frame = frame.tz_localize(None)
    if frame.index.duplicated().any():
        raise DataValidationError(
            f"{what} has duplicated dates ({_fmt(frame.index[frame.index.duplicated()])})."
        )
    out = {}
    for col in frame.columns:
        try:
            out[str(col)] = pd.to_numeric(frame[col], errors="raise").astype(float)
        except (TypeError, ValueError):
            raise DataValidationError(
                f"{what} column {col!r} is not numeric; convert or drop it."
            ) from None
    aligned = pd.DataFrame(out, index=frame.index).reindex(index)
    for col in aligned.columns:
        missing = needed[aligned.loc[needed, col].isna().to_numpy()]
        if len(missing):
            raise DataValidationError(
                f"{what} column {col!r} is missing on {_fmt(missing)}, where the outcome has "
                "a value: fill the gap or drop the column"
            )
        if aligned.loc[needed, col].nunique() <= 1 and what == "controls":
            raise DataValidationError(
                f"controls column {col!r} is constant; drop it (the constant is already in "
                "the model)."
            )
    return aligned
