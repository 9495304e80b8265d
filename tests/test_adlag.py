"""Tests for darksocial.adlag: distributed-lag model and prewhitened cross-correlation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

from darksocial.adlag import AdLagResult, fit_ad_lag, plot_ad_lag, prewhitened_ccf
from darksocial.errors import DataValidationError, ParameterError

# Extra branded searches on day t + k per unit of ads on day t: peak at lag 2, gone by 10.
KERNEL = 0.2 * np.array([0.3, 0.8, 1.0, 0.8, 0.55, 0.35, 0.2, 0.1, 0.05, 0.02, 0, 0, 0, 0, 0])


def _simulate(rng, n=548, phi=0.5):
    """Ad flights, weekly seasonality, AR(1) noise and a known lag kernel."""
    days = pd.date_range("2024-01-01", periods=n, freq="D")
    on = np.zeros(n, dtype=bool)
    state = False
    for t in range(n):
        if rng.random() < (0.08 if state else 0.05):
            state = not state
        on[t] = state
    ads = np.where(on, rng.gamma(4, 12.5, n), 0.0)
    eps = rng.normal(0, 10, n)
    noise = np.zeros(n)
    for t in range(1, n):
        noise[t] = phi * noise[t - 1] + eps[t]
    weekly = 20 * np.sin(2 * np.pi * days.dayofweek / 7)
    driven = np.convolve(ads, KERNEL)[:n]
    search = 200 + weekly + noise + driven
    return pd.Series(ads, index=days, name="impressions_k"), pd.Series(search, index=days)


@pytest.fixture
def simulated(rng):
    return _simulate(rng)


def test_free_lags_recover_kernel_and_share(simulated):
    ads, search = simulated
    res = fit_ad_lag(ads, search, max_lag=14)
    assert isinstance(res, AdLagResult)
    frame = res.lag_frame()
    assert res.peak_lag() == 2
    assert_allclose(frame["estimate"], KERNEL, atol=0.045)
    # Most true coefficients lie inside their 95% intervals (15 lags).
    inside = (frame["lower"] <= KERNEL) & (frame["upper"] >= KERNEL)
    assert inside.sum() >= 13
    # Cumulative response within 7 days: true sum of lags 0..7.
    cum = res.cumulative(7)
    assert cum["lower"] < KERNEL[:8].sum() < cum["upper"]
    # Share of branded search that follows ads within 7 days, over the fitted days.
    days = res.data.index
    driven7 = np.convolve(ads.to_numpy(), np.r_[KERNEL[:8], np.zeros(7)])[: len(ads)]
    true_share = driven7[ads.index.isin(days)].sum() / search.loc[days].sum()
    share = res.share_within(7)
    assert share["lower"] < true_share < share["upper"]
    assert_allclose(share["estimate"], true_share, rtol=0.1)
    assert_allclose(share["total"], search.loc[days].sum())


def test_free_lags_match_direct_ols(simulated):
    ads, search = simulated
    res = fit_ad_lag(ads, search, max_lag=5, seasonality="none", trend=False)
    lagged = pd.concat({f"l{k}": ads.shift(k) for k in range(6)}, axis=1).dropna()
    ref = sm.OLS(search.loc[lagged.index], sm.add_constant(lagged)).fit(
        cov_type="HAC", cov_kwds={"maxlags": res.hac_maxlags}
    )
    assert_allclose(res.coef.to_numpy(), ref.params.iloc[1:].to_numpy(), rtol=1e-8)
    assert_allclose(res.lag_frame()["std_err"], ref.bse.iloc[1:].to_numpy(), rtol=1e-8)


def test_almon_smooths_and_finds_peak(simulated):
    ads, search = simulated
    res = fit_ad_lag(ads, search, method="almon", degree=4)
    assert res.peak_lag() == 2
    assert_allclose(res.coef.to_numpy(), KERNEL, atol=0.045)
    # The polynomial has 5 parameters, so the 15 x 15 covariance has rank 5.
    assert np.linalg.matrix_rank(res.cov.to_numpy(), tol=1e-12) == 5


def test_no_effect_gives_share_interval_around_zero(rng):
    ads, search = _simulate(rng)
    search = search - np.convolve(ads.to_numpy(), KERNEL)[: len(ads)]
    res = fit_ad_lag(ads, search)
    share = res.share_within(14)
    assert share["lower"] < 0 < share["upper"]
    assert "cannot rule out" in res.report()


def test_summary_report_and_plot(simulated):
    ads, search = simulated
    res = fit_ad_lag(ads, search)
    text = res.summary().as_text()
    assert "Peak lag" in text and "share of search, 7 days" in text
    assert "<table" in res.summary()._repr_html_()
    report = res.report(within=7, per=1, unit="1,000 impressions")
    assert "1,000 impressions" in report and "peaks 2 day(s)" in report
    ax = plot_ad_lag(res)
    xy = ax.containers[0].lines[0].get_xydata()
    assert_allclose(xy[:, 0], np.arange(15))
    assert_allclose(xy[:, 1], res.lag_frame()["estimate"])
    ax2 = plot_ad_lag(res, cumulative=True, ax=ax.figure.add_subplot(2, 1, 2))
    assert_allclose(ax2.containers[0].lines[0].get_ydata(), res.lag_frame()["cumulative"])
    shares = res.share_frame()
    assert np.all(np.diff(shares["estimate"].to_numpy()[:6]) > 0)  # accumulates over lags 0..5


def test_prewhitened_ccf_finds_peak_lag(simulated):
    ads, search = simulated
    ccf = prewhitened_ccf(ads, search, max_lag=14)
    assert ccf.attrs["peak_lag"] == 2
    assert ccf.loc[2, "significant"]
    assert list(ccf.index) == list(range(-14, 15))
    # Search does not lead ads: no significant negative lag stands out as the maximum.
    assert ccf.loc[-14:-1, "ccf"].max() < ccf.loc[2, "ccf"] / 2


def test_prewhitening_sharpens_a_smeared_raw_ccf(rng):
    # Strongly autocorrelated ads and a single lag-3 response: the raw correlation is
    # nearly flat around the peak, the prewhitened one picks lag 3.
    n = 700
    days = pd.date_range("2023-01-01", periods=n, freq="D")
    x = np.zeros(n)
    for t in range(1, n):
        x[t] = 0.9 * x[t - 1] + rng.normal()
    y = 0.8 * np.r_[np.zeros(3), x[:-3]] + rng.normal(0, 1, n)
    ccf = prewhitened_ccf(pd.Series(x, days), pd.Series(y, days), max_lag=10)
    assert ccf.attrs["peak_lag"] == 3
    assert ccf.attrs["ar_order"] >= 1
    assert ccf.loc[3, "ccf"] > 3 * abs(ccf.loc[5, "ccf"])


def test_ads_without_delivery_days_are_zero_filled(simulated):
    ads, search = simulated
    sparse = ads[ads > 0]
    res_full = fit_ad_lag(ads.loc[sparse.index.min() :], search)
    res_sparse = fit_ad_lag(sparse, search)
    assert_allclose(res_sparse.coef, res_full.coef)


def test_bad_input_messages(simulated):
    ads, search = simulated
    later = ads.copy()
    later.index = later.index + pd.Timedelta(days=2000)
    with pytest.raises(DataValidationError, match="do not overlap"):
        fit_ad_lag(later, search)
    with pytest.raises(DataValidationError, match="missing day"):
        fit_ad_lag(ads, search.drop(search.index[100]))
    with pytest.raises(DataValidationError, match="lower max_lag"):
        fit_ad_lag(ads.iloc[:40], search.iloc[:40])
    with pytest.raises(DataValidationError, match="DatetimeIndex"):
        fit_ad_lag(ads.reset_index(drop=True), search)
    with pytest.raises(DataValidationError, match="more than one value"):
        fit_ad_lag(pd.concat([ads, ads.iloc[:1]]), search)
    with pytest.raises(ParameterError, match="method"):
        fit_ad_lag(ads, search, method="koyck")
    with pytest.raises(ParameterError, match="within"):
        fit_ad_lag(ads, search, max_lag=7).share_within(10)
