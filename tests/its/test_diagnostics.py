"""Typed diagnostics: each warning has a code and its numbers; str() is the sentence."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from conftest import START, simulate

from darksocial.campaign import plain_warning
from darksocial.constants import SHORT_PRE_PERIODS
from darksocial.its import WARNING_CODES, FitWarning, Intervention, fit


def test_short_history_with_an_outage_and_an_estimated_ramp():
    y = simulate(7).loc["2025-04-28":].copy()  # 17 days before launch
    y.iloc[3:5] = np.nan  # a 2-day outage before launch
    y.iloc[40:43] = np.nan  # and 3 days after
    res = fit(y, Intervention("tv", START, shape="ramp"))
    d = res.diagnostics
    assert set(d.codes) >= {"short_pre_period", "missing_values", "estimated_shape"}
    assert set(d.codes) <= set(WARNING_CODES)
    by = {w.code: w for w in d.warnings}
    assert by["short_pre_period"].n == d.n_pre == 15 < SHORT_PRE_PERIODS
    assert (by["missing_values"].n, by["missing_values"].n_post) == (5, 3)
    assert by["estimated_shape"].campaign == "tv"
    assert by["estimated_shape"].detail.startswith("ramp of ")
    # the English sentence is unchanged, so prints and reports read as before
    assert str(by["missing_values"]) == (
        "5 values of y are missing (3 after the first campaign); they are left out of the "
        "fit and of the effect sums, not filled with zeros."
    )
    assert str(d).splitlines()[2:] == [f"Warning: {w.message}" for w in d.warnings]


def test_warnings_are_frozen_values():
    w = FitWarning("level_shift", "a shift", date=pd.Timestamp("2024-09-07"), t=11.9)
    with pytest.raises(dataclasses.FrozenInstanceError):
        w.code = "other"
    assert str(w) == "a shift"
    assert w == FitWarning("level_shift", "a shift", date=pd.Timestamp("2024-09-07"), t=11.9)


def test_plain_warning_switches_on_the_code():
    label = "branded clicks"
    when = pd.Timestamp("2024-09-07")
    assert plain_warning(FitWarning("autocorrelation", "x", errors="ar"), label) is None
    assert plain_warning(FitWarning("missing_values", "x", n=5, n_post=3), label) is None
    shift = plain_warning(FitWarning("level_shift", "x", date=when, t=12.0), label)
    assert shift.startswith("The history of branded clicks shows an unexplained shift around ")
    assert "Sep" in shift and "2024" in shift
    jump = FitWarning("control_jump", "x", control="brand_total", change=0.2, t=14.0)
    assert plain_warning(jump, label).startswith("The control series (brand total) also moved")
    assert plain_warning(FitWarning("short_pre_period", "x", n=15), label) == (
        "Little history before launch for branded clicks: the baseline rests on few days."
    )
    other = FitWarning("covariance_failed", "The parameter covariance could not be estimated.")
    assert plain_warning(other, label) == (
        "Branded clicks: The parameter covariance could not be estimated."
    )
