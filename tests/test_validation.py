"""The shared argument checks: one message per mistake, whichever analysis gets it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from darksocial import adlag, attribution, checks, planning, portfolio
from darksocial.errors import DataValidationError, ParameterError
from darksocial.validation import check_alpha


@pytest.mark.parametrize("alpha", [0.05, 0.1, 0.9, 1e-6])
def test_check_alpha_accepts_levels_inside_the_open_interval(alpha):
    assert check_alpha(alpha) == alpha


@pytest.mark.parametrize("alpha", [0, 1, 1.5, -0.1, True, None, "x", float("nan")])
def test_check_alpha_rejects_what_is_not_a_level(alpha):
    with pytest.raises(ParameterError, match="alpha"):
        check_alpha(alpha)


def test_report_pages_restrict_alpha_below_one_half():
    assert check_alpha(0.49, upper=0.5) == 0.49
    assert check_alpha(0.7) == 0.7
    with pytest.raises(ParameterError, match="between 0 and 0.5"):
        check_alpha(0.7, upper=0.5)


def test_analyses_share_one_alpha_check():
    for module in (adlag, attribution, checks, planning, portfolio):
        assert module.check_alpha is check_alpha


def test_wilson_interval_matches_the_closed_form_for_scalars_and_arrays():
    k, n, z = 7, 40, 1.959963984540054
    p = k / n
    mid = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    lo, hi = attribution.wilson_interval(k, n, 0.05)
    assert isinstance(lo, float)
    np.testing.assert_allclose([lo, hi], [mid - half, mid + half], rtol=1e-12)
    lower, upper = attribution.wilson_interval(np.array([k, 0]), np.array([n, 0]), 0.05)
    np.testing.assert_allclose(lower, [mid - half, np.nan], rtol=1e-12)
    assert np.isnan(upper[1])


def test_as_date_drops_the_timezone_and_names_the_argument():
    from darksocial.errors import InterventionDateError
    from darksocial.validation import as_date

    assert as_date("2025-03-01T00:00:00+02:00", "launch") == pd.Timestamp("2025-03-01")
    with pytest.raises(ParameterError, match=r"pre_end='soon' is not a date; use 'YYYY-MM-DD'"):
        as_date("soon", "pre_end")
    with pytest.raises(InterventionDateError, match="launch='soon'"):
        as_date("soon", "launch", error=InterventionDateError)


def test_as_numeric_converts_digits_and_refuses_words():
    from darksocial.validation import as_numeric

    assert as_numeric(pd.Series(["1", "2.5"]), "clicks").tolist() == [1.0, 2.5]
    with pytest.raises(DataValidationError, match=r"clicks is not numeric; convert it"):
        as_numeric(pd.Series(["1", "many"]), "clicks")
