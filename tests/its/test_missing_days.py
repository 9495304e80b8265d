"""Missing days inside a series: the AR error models predict across them, never close them up.

A day an export left out (an outage, a tracking gap) is NaN in ``y``. The segmented model's
AR errors and the count models' latent AR count lags in calendar periods: autocovariances
over the observed pairs that many days apart, GLS whitened by a Kalman filter that
predicts across the gap, and counterfactual paths that start from the filtered state.
References are dense linear algebra and known AR(1) truth.
"""

import numpy as np
import pandas as pd
from conftest import ar1
from statsmodels.regression.linear_model import GLSAR

from darksocial.its import Intervention, fit
from darksocial.its.models import (
    _autocov,
    _filtered_ar_paths,
    _WhitenedGLS,
    ar_autocov,
    latent_ar,
)


def test_autocovariances_count_lags_in_periods_across_missing_days():
    # AR(1) phi = 0.8, 30% of days missing: dividing by the observed values shrank the
    # lag-1 autocorrelation to about 0.8 * 0.7 = 0.56
    rng = np.random.default_rng(1)
    r = ar1(rng, 20_000, 0.8)
    r[rng.random(len(r)) < 0.3] = np.nan
    g = _autocov(r, 3)
    np.testing.assert_allclose(g[1:] / g[0], 0.8 ** np.arange(1, 4), atol=0.02)
    # no missing value inside the span: the usual biased estimator, exactly
    c = np.r_[np.nan, ar1(rng, 50, 0.5), np.nan]
    x = c[1:-1] - c[1:-1].mean()
    ref = [np.dot(x[k:], x[: len(x) - k]) / len(x) for k in range(4)]
    np.testing.assert_allclose(_autocov(c, 3), ref, rtol=1e-12)


def test_latent_ar_with_missing_days_and_smooth_regressors_recovers_persistence():
    # the regression-bias correction runs over the same pairs as the autocovariances
    rng = np.random.default_rng(2)
    n = 500
    t = np.arange(n)
    X = np.column_stack([np.ones(n), t / n, np.sin(2 * np.pi * t / 365.25)])
    sums = []
    for _ in range(20):
        z = X @ np.array([1.0, 0.5, 0.2]) + ar1(rng, n, 0.8)
        z[rng.random(n) < 0.3] = np.nan
        ok = ~np.isnan(z)
        beta = np.linalg.lstsq(X[ok], z[ok], rcond=None)[0]
        r = np.where(ok, z - X @ beta, np.nan)
        rho, _s2, _v = latent_ar(r, 0.0, 5, X=X[ok])
        sums.append(rho.sum())
    # the long-run variance depends on sum(rho): 0.8 for AR(1) noise (0.68 before)
    assert abs(np.mean(sums) - 0.8) < 0.05


def test_whitened_gls_with_missing_days_is_dense_gls():
    rng = np.random.default_rng(3)
    n = 120
    X = np.column_stack([np.ones(n), np.arange(n) / n])
    z = X @ np.array([1.0, 2.0]) + ar1(rng, n, 0.6)
    z[[0, 10, 11, 12, 60, 119]] = np.nan
    rho = np.array([0.5, 0.1])
    res = _WhitenedGLS(z, X, rho).fit()
    idx = np.flatnonzero(~np.isnan(z))
    g = ar_autocov(rho, 1.0, n)
    Si = np.linalg.inv(g[np.abs(idx[:, None] - idx[None, :])])
    Xo, zo = X[idx], z[idx]
    XtSX = Xo.T @ Si @ Xo
    beta = np.linalg.solve(XtSX, Xo.T @ Si @ zo)
    s2 = (zo - Xo @ beta) @ Si @ (zo - Xo @ beta) / (len(idx) - 2)
    np.testing.assert_allclose(res.params, beta, rtol=1e-9)
    np.testing.assert_allclose(res.cov_params(), s2 * np.linalg.inv(XtSX), rtol=1e-8)
    assert res.df_resid == len(idx) - 2


def test_paths_after_missing_last_days_start_from_the_filtered_state():
    # AR(1) residuals whose last 3 days are missing: the forecast j days ahead has mean
    # phi^(j+4) r_last and variance sd^2 (1 - phi^(2(j+4))) / (1 - phi^2)
    rng = np.random.default_rng(4)
    phi, sd = 0.7, 0.5
    r = ar1(rng, 300, phi, sd)
    r[-3:] = np.nan
    paths = _filtered_ar_paths(r, np.array([phi]), sd, 5, 40_000, rng)
    steps = np.arange(5) + 4
    np.testing.assert_allclose(paths.mean(axis=0), phi**steps * r[-4], atol=0.01)
    var = sd**2 * (1 - phi ** (2 * steps)) / (1 - phi**2)
    np.testing.assert_allclose(paths.var(axis=0) / var, 1.0, atol=0.03)


def test_segmented_fit_on_a_series_with_missing_days_uses_the_calendar():
    # 30% of days missing: the AR errors read persistence in calendar days (GLSAR on the
    # observed rows put the AR(5) sum at 0.68 for phi = 0.8), and the innovations the
    # diagnostics test are white
    rng = np.random.default_rng(8)
    n = 500
    idx = pd.date_range("2024-01-01", periods=n, freq="D")
    sums, lb = [], []
    for _ in range(10):
        y = pd.Series(np.exp(4.0 + 0.1 * ar1(rng, n, 0.8)), idx).mask(rng.random(n) < 0.3)
        res = fit(y, Intervention("c", idx[420]), model="segmented", transform="log")
        sums.append(res.backend.rho.sum())
        lb.append(res.diagnostics.ljung_box_p)
    assert abs(np.mean(sums) - 0.8) < 0.06
    assert np.median(lb) > 0.05
    # a series without missing days inside still goes through GLSAR
    y = pd.Series(np.exp(4.0 + 0.1 * ar1(rng, n, 0.8)), idx)
    assert isinstance(fit(y, Intervention("c", idx[420]), model="segmented").backend.model, GLSAR)


def test_counterfactual_with_missing_days_before_launch_runs_every_model():
    # the last pre-period days missing (an outage just before launch): every model's
    # counterfactual paths start across the gap; the effect is finite and the interval
    # covers a null effect on this series
    rng = np.random.default_rng(9)
    n = 400
    idx = pd.date_range("2024-01-01", periods=n, freq="D")
    y = pd.Series(rng.poisson(200 * np.exp(0.1 * ar1(rng, n, 0.6, 0.8))).astype(float), idx)
    y.iloc[[100, 101, 200, 357, 358, 359]] = np.nan
    for model in ("segmented", "poisson", "negbin", "arima"):
        res = fit(y, Intervention("c", idx[360]), model=model, method="counterfactual")
        lo, est, hi = res.effects.loc["average", ["lower", "estimate", "upper"]]
        assert np.isfinite([lo, est, hi]).all() and lo < est < hi, model
