from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from darksocial.cleaning import find_gaps, flag_outages, flag_outliers, regularize
from darksocial.errors import DataValidationError, ParameterError


def _daily(rng, n=120, level=200.0):
    idx = pd.date_range("2024-01-01", periods=n, freq="D")
    weekly = 1 + 0.3 * (idx.dayofweek < 5)
    return pd.Series(rng.poisson(level * weekly).astype(float), index=idx, name="sessions")


def test_regularize_fills_grid_with_nan_and_flag_never_zero():
    idx = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-05"])
    df = pd.DataFrame({"sessions": [1.0, 2.0, 5.0]}, index=idx)
    out = regularize(df, start="2023-12-31", end="2024-01-06")
    assert out.index.freqstr == "D" and out.index.name == "date" and len(out) == 7
    assert out["missing"].tolist() == [True, False, False, True, True, False, True]
    assert out["sessions"].isna().sum() == 4 and (out["sessions"] == 0).sum() == 0
    assert len(df) == 3  # input untouched


@pytest.mark.parametrize(
    ("rule", "expected"), [("sum", 5.0), ("mean", 2.5), ("first", 2.0), ("last", 3.0)]
)
def test_duplicate_rules(rule, expected):
    idx = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-02"])
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0], "label": ["a", "b", "c"]}, index=idx)
    out = regularize(df, duplicates=rule)
    assert out.loc["2024-01-02", "x"] == expected
    with pytest.raises(DataValidationError, match="2024-01-02 appears more than once"):
        regularize(df, duplicates="error")
    with pytest.raises(ParameterError, match="duplicates='median' is not a rule"):
        regularize(df, duplicates="median")


def test_weekly_grid_and_off_grid_dates():
    sundays = pd.date_range("2024-01-07", periods=4, freq="W-SUN")
    s = pd.Series([1.0, 2.0, 4.0], index=sundays.delete(2), name="t")
    out = regularize(s, "W-SUN")
    assert out.index.freqstr == "W-SUN" and out["missing"].tolist() == [False, False, True, False]
    with pytest.raises(DataValidationError, match="not on the W-SUN grid"):
        regularize(s.set_axis(s.index + pd.Timedelta(days=1)), "W-SUN")


def test_find_gaps_lists_runs():
    out = regularize(
        pd.Series(
            [1.0] * 4,
            index=pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-06", "2024-01-08"]),
        )
    )
    gaps = find_gaps(out)
    assert gaps.to_dict("list") == {
        "start": [pd.Timestamp("2024-01-03"), pd.Timestamp("2024-01-07")],
        "end": [pd.Timestamp("2024-01-05"), pd.Timestamp("2024-01-07")],
        "periods": [3, 1],
    }
    assert find_gaps(out.iloc[:2]).empty


def test_flag_outliers_finds_injected_spikes_only(rng):
    y = _daily(rng)
    spikes = [30, 77]
    y.iloc[spikes] *= 3
    flags = flag_outliers(y)
    assert flags.name == "sessions_outlier"
    assert list(np.flatnonzero(flags.to_numpy())) == spikes
    assert y.iloc[spikes].notna().all()  # flagged, not removed


def test_flag_outages_finds_missing_and_near_zero_runs(rng):
    y = _daily(rng)
    y.iloc[50:53] = [3.0, 0.0, 1.0]  # tracking broke
    y.iloc[90] = np.nan
    flags = flag_outages(y)
    assert list(np.flatnonzero(flags.to_numpy())) == [50, 51, 52, 90]
    runs = find_gaps(flags)
    assert runs["periods"].tolist() == [3, 1]
