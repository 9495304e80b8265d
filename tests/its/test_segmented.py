"""Segmented ITS (OLS + HAC): recovery of known effects, parity with statsmodels, inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from conftest import START, simulate
from numpy.testing import assert_allclose

from darksocial.errors import DataValidationError, InterventionDateError, ParameterError
from darksocial.its import Intervention, fit, newey_west_lags


def test_level_recovered_both_methods(series):
    # tolerance: 3 HAC standard errors of a level shift with AR(1) sd 5 (~1.2 each)
    for method in ("intervention", "counterfactual"):
        res = fit(series, START, method=method)
        est = res.effects.loc["average"]
        assert abs(est["estimate"] - 20) < 3.5, method
        assert est["lower"] < 20 < est["upper"], method
        assert res.p_value < 0.01


def test_coefficients_and_hac_match_statsmodels(series):
    res = fit(series, START, method="intervention", errors="hac")
    X = res.design
    L = newey_west_lags(len(series))
    assert int(np.floor(4 * (len(series) / 100) ** (2 / 9))) == L
    ref = sm.OLS(series.to_numpy(), X.to_numpy()).fit(
        cov_type="HAC", cov_kwds={"maxlags": L, "use_correction": True}, use_t=True
    )
    assert_allclose(res.params["estimate"].to_numpy(), ref.params, rtol=1e-10)
    assert_allclose(res.params["std_err"].to_numpy(), ref.bse, rtol=1e-10)
    assert_allclose(res.params["p_value"].to_numpy(), ref.pvalues, rtol=1e-8)
    assert res.diagnostics.maxlags == L
    # the Wald p of a single term equals its t-test p
    assert_allclose(res.p_value, res.params.loc["intervention:level", "p_value"], rtol=1e-8)
    # maxlags is overridable
    res2 = fit(series, START, errors="hac", maxlags=15, use_t=False, small_sample=False)
    ref2 = sm.OLS(series.to_numpy(), X.to_numpy()).fit(
        cov_type="HAC", cov_kwds={"maxlags": 15}, use_t=False
    )
    assert_allclose(res2.params["std_err"].to_numpy(), ref2.bse, rtol=1e-10)


def test_ar_errors_match_statsmodels_glsar(series):
    # the default errors="ar" is GLS with AR(AR_ERROR_ORDER) errors whose coefficients
    # are Yule-Walker on the OLS residuals corrected for what the regression absorbs (issue
    # #14; it was iterated Cochrane-Orcutt, whose coefficients were biased toward zero);
    # p-values use the Satterthwaite df of the AR-based variance
    res = fit(series, START, method="intervention")
    X = res.design
    rho = res.backend.rho
    model = sm.GLSAR(series.to_numpy(), X.to_numpy(), rho=rho)
    ref = model.fit()
    assert_allclose(res.params["estimate"].to_numpy(), ref.params, rtol=1e-8)
    assert_allclose(res.params["std_err"].to_numpy(), ref.bse, rtol=1e-8)
    # the true process is AR(1) with phi 0.5: the first AR coefficient finds it
    assert abs(rho[0] - 0.5) < 0.1 and abs(rho[1]) < 0.1
    assert_allclose(res.p_value, res.params.loc["intervention:level", "p_value"], rtol=1e-8)


def test_ar_errors_with_normal_inference(series):
    # use_t=False with the default AR errors raised ValueError (statsmodels'
    # get_robustcov_results has no "nonrobust"); it gives normal p-values and a chi2 Wald p
    from scipy import stats

    res = fit(series, START, method="intervention", use_t=False)
    row = res.params.loc["intervention:level"]
    assert res.backend.draw_df is None
    assert row["p_value"] == pytest.approx(
        2 * stats.norm.sf(abs(row["estimate"] / row["std_err"])), rel=1e-8
    )
    assert res.p_value == pytest.approx(row["p_value"], rel=1e-8)


def test_cumulative_interval_and_tail_p_follow_causalimpact_definitions(series):
    res = fit(series, START, method="counterfactual", n_simulations=500, seed=3)
    d = res.draws
    y = d.y[d.start :]
    sims = d.cf_draws.sum(axis=1)
    total = y.sum()
    p = min(np.sum(np.append(sims, total) >= total), np.sum(np.append(sims, total) <= total))
    assert res.p_value == pytest.approx(p / 501)
    assert res.effects.loc["cumulative", "upper"] == pytest.approx(
        total - np.quantile(sims, 0.025)
    )
    rel = total / sims - 1
    assert res.effects.loc["relative", "estimate"] == pytest.approx(rel.mean())
    # the last cumulative pointwise value ties to the summary (R's consistency assert)
    pw = res.pointwise
    assert pw["cumulative_effect"].iloc[-1] == pytest.approx(
        res.effects.loc["cumulative", "estimate"]
    )
    assert (pw.loc[: START - pd.Timedelta(days=1), "cumulative_effect"] == 0).all()


def test_deterministic_given_seed(series):
    a = fit(series, START, method="counterfactual", seed=11)
    b = fit(series, START, method="counterfactual", seed=11)
    c = fit(series, START, method="counterfactual", seed=12)
    pd.testing.assert_frame_equal(a.effects, b.effects)
    assert a.p_value == b.p_value
    assert not a.effects.equals(c.effects)


def test_two_overlapping_campaigns_recovered_separately():
    y = simulate(3, effect=0)
    idx = y.index
    a = (idx >= "2025-03-01") & (idx <= "2025-06-30")
    b = idx >= "2025-05-01"
    y = y + 8 * a + 12 * b
    res = fit(
        y,
        [
            Intervention("spring", "2025-03-01", end="2025-06-30"),
            Intervention("summer", "2025-05-01"),
        ],
    )
    p = res.params["estimate"]
    # tolerance 3 units: ~3 HAC standard errors of each step
    assert abs(p["spring:level"] - 8) < 3
    assert abs(p["summer:level"] - 12) < 3
    by = res.effects_by_intervention
    assert abs(by.loc[("spring", "average"), "estimate"] - 8) < 3
    assert abs(by.loc[("summer", "average"), "estimate"] - 12) < 3
    assert res.p_value_by_intervention["summer"] < 0.01


def test_ramp_and_pulse_recovered_with_estimated_shape():
    y = simulate(5, effect=0, sd=3)
    idx = y.index
    k = np.arange(len(y)) - idx.searchsorted(pd.Timestamp("2025-02-01"))
    ramp = np.clip(k + 1, 0, 21) / 21 * 15 * (k >= 0)
    j = np.arange(len(y)) - idx.searchsorted(pd.Timestamp("2025-08-01"))
    pulse = 40 * 0.5 ** (np.maximum(j, 0) / 6) * (j >= 0)
    y = y + ramp + pulse
    res = fit(
        y,
        [
            Intervention("tv", "2025-02-01", shape="ramp"),
            Intervention("pr", "2025-08-01", shape="pulse"),
        ],
    )
    p = res.params["estimate"]
    hl = {iv.name: iv for iv in res.interventions}
    # estimated shapes land near the truth (grid of half-lives; ramp lengths in days)
    assert abs(hl["tv"].ramp_periods - 21) <= 5
    assert 4 <= hl["pr"].half_life <= 8
    assert abs(p["tv:ramp"] - 15) < 2.5
    assert abs(p["pr:pulse"] - 40) < 8
    # given shapes are used as is
    res2 = fit(
        y,
        [
            Intervention("tv", "2025-02-01", shape="ramp", ramp_periods=21),
            Intervention("pr", "2025-08-01", shape="pulse", half_life=6),
        ],
    )
    assert abs(res2.params.loc["pr:pulse", "estimate"] - 40) < 6
    # (13.0 with AR(5) errors, 13.6 with AR(2): 1.2 and 0.9 of its standard error, 1.7)
    assert abs(res2.params.loc["tv:ramp", "estimate"] - 15) < 2.5


def test_level_plus_slope_and_end_date():
    y = simulate(9, effect=0)
    idx = y.index
    k = np.arange(len(y)) - idx.searchsorted(START)
    y = y + np.where(k >= 0, 10 + 0.1 * k, 0)
    res = fit(y, Intervention("launch", START, shape="level+slope"))
    p = res.params["estimate"]
    assert abs(p["launch:level"] - 10) < 4
    assert abs(p["launch:slope"] - 0.1) < 0.03
    # an end date switches the step off: a campaign that stopped after 60 days
    y2 = simulate(9, effect=0) + 20 * ((idx >= START) & (idx < START + pd.Timedelta(days=60)))
    res2 = fit(y2, Intervention("burst", START, end=START + pd.Timedelta(days=59)))
    assert abs(res2.params.loc["burst:level", "estimate"] - 20) < 3
    assert res2.effects_by_intervention.loc[("burst", "cumulative"), "estimate"] == pytest.approx(
        60 * res2.params.loc["burst:level", "estimate"], rel=1e-6
    )


def test_outage_is_missing_not_zero(series):
    y = series.copy()
    y.iloc[100:104] = np.nan  # a 4-day tracking outage in the pre-period
    y.iloc[600:603] = np.nan  # and one after launch
    for method in ("intervention", "counterfactual"):
        res = fit(y, START, method=method)
        assert abs(res.effects.loc["average", "estimate"] - 20) < 3.5
        assert res.pointwise["observed"].isna().sum() == 7
        assert res.diagnostics.n_missing == 7
        assert np.isfinite(res.effects.to_numpy()).all()


def test_weekly_and_monthly_series():
    w = simulate(2, n=160, freq="W-SUN", effect=15, start="2026-01-04", sd=4, trend=0.1)
    res = fit(w, "2026-01-04")
    assert abs(res.effects.loc["average", "estimate"] - 15) < 4
    m = simulate(4, n=96, freq="MS", effect=25, start="2029-01-01", sd=5, trend=0.3)
    for method in ("intervention", "counterfactual"):
        res = fit(m, "2029-01-01", method=method)
        assert abs(res.effects.loc["average", "estimate"] - 25) < 8, method
    y = simulate(6, n=45, freq="YS", effect=30, start="2050-01-01", sd=4, phi=0.2, trend=1)
    res = fit(y, "2050-01-01")
    assert abs(res.effects.loc["average", "estimate"] - 30) < 8


def test_log_transform_reports_original_scale():
    base = simulate(8, effect=0, level=200, trend=0.0)
    idx = base.index
    y = base * np.where(idx >= START, 1.15, 1.0)  # +15% multiplicative lift
    res = fit(y, START, transform="log")
    rel = res.effects.loc["relative"]
    assert abs(rel["estimate"] - 0.15) < 0.03
    assert rel["lower"] < 0.15 < rel["upper"]
    pre_mean = y[idx >= START].mean() / 1.15
    assert abs(res.effects.loc["average", "estimate"] - 0.15 * pre_mean) < 0.03 * pre_mean


@pytest.mark.parametrize(
    ("kwargs", "error", "text"),
    [
        ({"interventions": "2030-01-01"}, InterventionDateError, "outside the data"),
        ({"interventions": "2024-01-01"}, InterventionDateError, "no pre-period"),
        (
            {"interventions": "2024-01-05", "method": "counterfactual"},
            InterventionDateError,
            "needs at least",
        ),
        ({"interventions": START, "model": "lasso"}, ParameterError, "model="),
        ({"interventions": START, "transform": "sqrt"}, ParameterError, "transform"),
    ],
)
def test_bad_inputs_name_the_fix(series, kwargs, error, text):
    with pytest.raises(error, match=text):
        fit(series, **kwargs)


def test_bad_series_name_the_fix(series):
    with pytest.raises(DataValidationError, match=r"asfreq\('D'\)"):
        fit(series.drop(series.index[[10, 11]]), START)
    with pytest.raises(DataValidationError, match="duplicated dates"):
        fit(pd.concat([series, series.iloc[:1]]), START)
    with pytest.raises(DataValidationError, match="constant"):
        fit(series * 0 + 3, START)
    zeros = series.copy()
    zeros.iloc[3] = 0
    with pytest.raises(DataValidationError, match="model='poisson'"):
        fit(zeros, START, transform="log")
    ctrl = pd.DataFrame(
        {"organic": np.arange(len(series), dtype=float) % 7 + 1}, index=series.index
    )
    ctrl.iloc[650:652, 0] = np.nan
    with pytest.raises(DataValidationError, match="'organic' is missing on 2025-10-12"):
        fit(series, START, controls=ctrl)


def test_days_missing_from_both_the_series_and_its_control_are_left_out():
    # a real Search Console API export had 28 days with no row: branded and non-branded
    # clicks both missing there, and the whole metric was refused ("controls column
    # 'nonbranded_clicks' is missing on 2025-02-01 ...")
    rng = np.random.default_rng(0)
    days = pd.date_range("2024-01-01", periods=500, freq="D")
    market = np.cumsum(rng.normal(0, 0.02, len(days)))
    control = 800 * np.exp(market + rng.normal(0, 0.02, len(days)))
    y = 300 * np.exp(market + rng.normal(0, 0.03, len(days)))
    launch = days[400]
    y[400:] *= 1.2
    y, control = pd.Series(y, days), pd.DataFrame({"control": control}, index=days)
    full = fit(y, launch, controls=control, transform="log", n_simulations=300)
    gaps = days[[100, 101, 250, 401, 430, 431, 432]]
    y[gaps], control.loc[gaps, "control"] = np.nan, np.nan
    res = fit(y, launch, controls=control, transform="log", n_simulations=300)
    # the same estimate as with every day (and the injected +20% inside both intervals)
    rel, ref = res.effects.loc["relative"], full.effects.loc["relative"]
    assert abs(rel["estimate"] - ref["estimate"]) < 0.01
    assert rel["lower"] < 0.2 < rel["upper"] and ref["lower"] < 0.2 < ref["upper"]
    # a control missing where the series has a value is still refused, with the fix
    control.loc[days[300], "control"] = np.nan
    with pytest.raises(DataValidationError, match="where the outcome has a value"):
        fit(y, launch, controls=control, transform="log")


def test_terms_that_cannot_be_told_apart_are_named_with_their_fix(series):
    # every collinear design said "two campaigns ... merge campaigns with identical dates",
    # whatever the cause (a control that is a straight line, a control copied twice)
    n = len(series)
    idx = series.index
    cases = [
        (
            {"interventions": [Intervention("a", START), Intervention("b", START)]},
            r"campaigns' terms 'b:level' and 'a:level' are the same .* merge the campaigns",
        ),
        (
            {
                "interventions": START,
                "controls": pd.DataFrame({"visits": np.arange(n) * 2.0 + 5}, idx),
            },
            r"control 'visits' is a combination of 'const' and 'trend' .* drop it",
        ),
        (
            {
                "interventions": START,
                "controls": pd.DataFrame({"spend": (idx >= START) * 3.0}, idx),
            },
            r"'intervention:level' cannot be told apart from 'spend' .* control 'spend' moves "
            "exactly with the campaign",
        ),
    ]
    for kwargs, text in cases:
        for model in ("segmented", "arima"):
            with pytest.raises(DataValidationError, match=text):
                fit(series, model=model, **kwargs)


def test_a_campaign_with_few_days_of_data_after_launch_says_so():
    from darksocial.its.fitting import _collinear_message

    X = pd.DataFrame({"const": 1.0, "holiday": [0, 0, 0, 1.0], "tv:level": [0, 0, 0, 1.0]})
    text = _collinear_message(X, campaigns=["tv:level"], controls=[], post_obs=1, period="day")
    assert text == (
        "The campaign term 'tv:level' cannot be told apart from 'holiday' on the days with "
        "data: only 1 day after launch has data; load more data after the launch, or "
        "simplify the model (seasonality=None, holidays=None)."
    )
    few_rows = _collinear_message(
        X.iloc[:2], campaigns=["tv:level"], controls=[], post_obs=1, period="day"
    )
    assert few_rows.startswith("Only 2 days have data for 3 model terms; load more data")


def test_one_day_of_data_for_several_terms_is_counted_in_the_singular():
    # with one row of data it read "Only 1 days have data for 3 model terms"
    from darksocial.its.fitting import _collinear_message

    X = pd.DataFrame({"const": [1.0], "holiday": [0.0], "tv:level": [1.0]})
    text = _collinear_message(X, campaigns=["tv:level"], controls=[], post_obs=1, period="week")
    assert text.startswith("Only 1 week has data for 3 model terms; load more data")
