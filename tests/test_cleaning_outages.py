"""Tracking outages: a zero is an outage only where the series' usual level makes it rare.

Before this fix :func:`darksocial.cleaning.flag_outages` flagged any value below a fifth of
the trailing median, so on a small site (0-6 clicks a day) every other zero day was an
"outage"; the real exports below are two such sites.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from darksocial.cleaning import flag_outages
from darksocial.errors import ParameterError

DATA = Path(__file__).parent / "data" / "search_console"


def _clicks(name: str) -> pd.Series:
    from darksocial.io import load_search_console

    return load_search_console(DATA / name / "Chart.csv")["clicks"]


@pytest.mark.parametrize(("name", "zeros"), [("alba", 74), ("niheating_gap", 39)])
def test_zero_days_of_a_real_small_site_are_not_outages(name, zeros):
    y = _clicks(name)
    assert int((y == 0).sum()) == zeros  # ordinary days at a few clicks a day
    flags = flag_outages(y)
    assert flags[y.notna()].sum() == 0
    assert flags[y.isna()].all()  # days with no row stay outages for this function


def test_a_tracking_outage_on_a_busy_series_is_still_flagged_and_small_zeros_are_not(rng):
    days = pd.date_range("2024-01-01", periods=365, freq="D")
    weekly = np.where(days.dayofweek < 5, 1.15, 0.63)
    # counts more variable than Poisson (day-to-day swings of ~20%), as real clicks are
    busy = pd.Series(rng.poisson(2000 * weekly * rng.gamma(25, 1 / 25, len(days))), index=days)
    busy = busy.astype(float)
    busy.iloc[200:203] = [0.0, 6.0, 14.0]  # tracking broke for three days
    assert list(np.flatnonzero(flag_outages(busy).to_numpy())) == [200, 201, 202]
    small = pd.Series(rng.poisson(2 * weekly).astype(float), index=days)
    assert (small == 0).sum() > 30  # exp(-2.3) to exp(-1.3): one day in 10 to 4 has no click
    assert not flag_outages(small).any()


@pytest.mark.parametrize(("level", "flagged"), [(5.0, False), (10.0, True), (200.0, True)])
def test_a_zero_is_an_outage_once_poisson_makes_it_rarer_than_alpha(level, flagged):
    # P(0) at the usual level: exp(-5) = 0.7%, exp(-10) = 0.005%, against alpha = 0.1%
    assert (math.exp(-level) < 0.001) is flagged
    days = pd.date_range("2025-01-01", periods=60, freq="D")
    y = pd.Series(level, index=days)
    y.iloc[45] = 0.0
    assert bool(flag_outages(y).iloc[45]) is flagged
    assert bool(flag_outages(y, alpha=0.01).iloc[45])  # a looser alpha flags both


def test_alpha_outside_zero_to_one_is_refused():
    y = pd.Series(1.0, index=pd.date_range("2025-01-01", periods=10, freq="D"))
    with pytest.raises(ParameterError, match="alpha"):
        flag_outages(y, alpha=0)


def test_a_two_week_outage_of_a_mid_sized_series_is_flagged_throughout(rng):
    # inside a run of zeros the trailing window filled with the run itself: at 15 a day
    # about 9 of 15 zero days were flagged (the spread widened until zeros looked ordinary)
    days = pd.date_range("2024-01-01", periods=200, freq="D")
    y = pd.Series(rng.poisson(15 * np.exp(rng.normal(0, 0.2, len(days)))).astype(float), days)
    y.iloc[120:135] = 0.0
    flags = flag_outages(y)
    assert flags.iloc[120:135].all()
    assert flags.iloc[:120].sum() + flags.iloc[135:].sum() <= 1


def test_a_click_on_a_site_at_a_click_a_week_is_no_outlier(rng):
    # a real export with 1 click in 67 days: the robust sd of a mostly-zero series is zero,
    # and every 1-click day was an "outlier"
    from darksocial.cleaning import flag_outliers

    days = pd.date_range("2025-06-01", periods=120, freq="D")
    y = pd.Series(rng.poisson(0.15, len(days)).astype(float), days)
    y.iloc[90] = 9.0  # a real spike at this level
    flags = flag_outliers(y)
    assert flags.iloc[90]
    assert not flags.drop(days[90]).any()
    # not counts (an index with halves): the robust z alone, as before
    z_only = flag_outliers(y + 0.5)
    assert z_only.sum() > 1


def test_quiet_weekends_are_not_outages_but_a_broken_weekday_is():
    # a real site at about 80 clicks on weekdays and 22-48 at weekends: a Saturday of 13
    # and a Sunday of 12 were flagged as outages against the all-days median
    from darksocial.cleaning import flag_outages

    gen = np.random.default_rng(5)
    days = pd.date_range("2026-02-02", periods=56, freq="D")  # starts on a Monday
    level = np.where(days.dayofweek >= 5, 30.0, 80.0)
    y = pd.Series(gen.poisson(level).astype(float), index=days)
    y.loc["2026-03-14"], y.loc["2026-03-15"] = 13.0, 12.0  # a quiet weekend
    y.loc["2026-03-18"] = 1.0  # a Wednesday: tracking broke
    flagged = y.index[flag_outages(y)].strftime("%Y-%m-%d").tolist()
    assert flagged == ["2026-03-18"]
