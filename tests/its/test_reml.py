"""REML for regressions with ARMA errors (``darksocial.its.reml``) and ``model="arima"``."""

import dataclasses

import numpy as np
import pandas as pd
from conftest import ar1
from statsmodels.tsa.arima_process import arma_acovf

from darksocial.its import Intervention, fit
from darksocial.its.reml import arma_reml, restricted_loglike


def _design(n):
    """Constant, trend and three yearly harmonics: the smooth columns of a daily design."""
    t = np.arange(n)
    cols = [np.ones(n), t / n]
    for h in (1, 2, 3):
        cols += [np.sin(2 * np.pi * h * t / 365.25), np.cos(2 * np.pi * h * t / 365.25)]
    return np.column_stack(cols)


def _dense_restricted_loglike(z, X, ar, ma):
    """The reference: R from the ARMA autocovariances at the observed days' calendar lags,
    everything by dense linear algebra."""
    idx = np.flatnonzero(~np.isnan(z))
    g = arma_acovf(np.r_[1, -ar], np.r_[1, ma], nobs=len(z), sigma2=1.0)
    R = g[np.abs(idx[:, None] - idx[None, :])]
    Ri = np.linalg.inv(R)
    Xo, zo = X[idx], z[idx]
    XtRX = Xo.T @ Ri @ Xo
    beta = np.linalg.solve(XtRX, Xo.T @ Ri @ zo)
    rss = (zo - Xo @ beta) @ Ri @ (zo - Xo @ beta)
    m, k = len(idx), X.shape[1]
    return -0.5 * (
        (m - k) * np.log(rss / (m - k)) + np.linalg.slogdet(R)[1] + np.linalg.slogdet(XtRX)[1]
    )


def test_restricted_loglike_matches_the_dense_formula():
    rng = np.random.default_rng(3)
    n, ar, ma = 60, np.array([0.6]), np.array([-0.3])
    X = _design(n)[:, :4]
    z = X @ np.array([1.0, 2.0, 0.3, -0.2]) + ar1(rng, n, 0.6)
    dense = _dense_restricted_loglike(z, X, ar, ma)
    assert np.isclose(restricted_loglike(z, X, ar, ma), dense, rtol=0, atol=1e-8)


def test_reml_recovers_persistence_that_maximum_likelihood_understates():
    # AR(1) errors with phi = 0.7 beside a trend and yearly harmonics, 400 days. On these
    # 40 series statsmodels SARIMAX (maximum likelihood) averages 0.662: the smooth columns
    # absorb the slow part of the noise. REML averages 0.700 (se of the mean ~0.006).
    rng = np.random.default_rng(7)
    n, phi = 400, 0.7
    X = _design(n)
    beta = np.r_[1.0, 0.5, np.zeros(X.shape[1] - 2)]
    est = [arma_reml(X @ beta + ar1(rng, n, phi), X, 1, 0).ar[0] for _ in range(40)]
    assert abs(np.mean(est) - phi) < 0.015


def test_reml_gls_coefficients_and_covariance_cover_the_truth():
    rng = np.random.default_rng(11)
    n = 500
    X = _design(n)
    beta = np.r_[1.0, 0.5, 0.1, -0.1, 0, 0, 0, 0]
    t = []
    for _ in range(60):
        r = arma_reml(X @ beta + ar1(rng, n, 0.5), X, 1, 1)
        t.append((r.beta[1] - beta[1]) / np.sqrt(r.beta_cov[1, 1]))
        assert r.converged and r.beta_cov.shape == (8, 8)
    # t statistics of the trend coefficient: mean square near 1 (0.64-1.5 holds for 60
    # draws of a chi-square(1) mean with probability > 0.99)
    assert 0.64 < np.mean(np.square(t)) < 1.5


def test_arima_long_run_variance_and_campaign_t_under_the_null():
    # Log counts: AR(1) noise (phi 0.6, marginal sd 0.05) plus Poisson noise, i.e. ARMA(1,1)
    # errors, weekly shape, trend and yearly terms, a 90-day "campaign" with no effect.
    # The intervals rest on the errors' long-run variance, known here. On these 60 series
    # REML ARMA(1,1) estimates it at 1.02 times the truth on average (sd 0.22 a series);
    # maximum likelihood (SARIMAX.fit, same design) at 0.90 on the first 30.
    rng = np.random.default_rng(2026)
    n, n_post = 730, 90
    idx = pd.date_range("2024-01-01", periods=n, freq="D")
    weekly = np.log([1.0, 1.05, 1.05, 1.02, 0.95, 0.75, 0.72])[idx.dayofweek]
    doy = idx.dayofyear.to_numpy() / 365.25
    t2, ratio = [], []
    for _ in range(60):
        u = ar1(rng, n, 0.6, 0.05 * np.sqrt(1 - 0.36))
        lam = 2000 * np.exp(
            0.14 * np.arange(n) / 365.25 + weekly + 0.1 * np.sin(2 * np.pi * doy) + u
        )
        y = pd.Series(rng.poisson(lam).astype(float), idx)
        res = fit(y, Intervention("c", idx[n - n_post]), model="arima", transform="log")
        row = res.params.loc["c:level"]
        t2.append((row["estimate"] / row["std_err"]) ** 2)
        r = res.backend.reml
        lrv = r.sigma2 * (1 + r.ma.sum()) ** 2 / (1 - r.ar.sum()) ** 2
        ratio.append(lrv / (0.0025 * 1.6 / 0.4 + np.mean(1 / lam)))
    assert 0.95 < np.mean(ratio) < 1.10
    # t with ~50 Satterthwaite degrees of freedom: E[t^2] ~1.04 if calibrated (1.18 here,
    # se ~0.2); the ML AR(1) default before gave ~1.6 on the grid's central cell
    assert np.mean(t2) < 1.45
    assert 20 < res.backend.draw_df < 700


def _arima_series(n=300, seed=4):
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2024-01-01", periods=n, freq="D")
    return pd.Series(100 + np.cumsum(rng.standard_normal(n)) * 0.3 + rng.standard_normal(n), idx)


def test_arima_model_result_carries_the_reml_covariance():
    # res.model_result is the public statsmodels object: its standard errors were all NaN
    # (smoothed with cov_type="none") while res.params showed the REML ones
    y = _arima_series()
    res = fit(y, Intervention("c", y.index[250]), model="arima", order=(1, 0, 1))
    bse = np.asarray(res.model_result.bse, dtype=float)
    assert np.all(np.isfinite(bse))
    np.testing.assert_allclose(bse, res.params["std_err"].to_numpy(), rtol=1e-12)
    assert "nan" not in str(res.model_result.summary()).split("sigma2")[0].lower()


def test_arima_failed_arma_information_keeps_the_regression_uncertainty(monkeypatch):
    # Where the REML information of the ARMA coefficients is not positive definite or
    # cannot be inverted, that block of the covariance is negative or NaN. The ARMA rows
    # then have an unknown standard error (not 0 with p = 0), and the counterfactual
    # draws keep the regression coefficients' uncertainty (a NaN anywhere made
    # mvn_draws return the point estimates for every coefficient).
    import darksocial.its.models as models

    real = models.arma_reml

    def broken(kind):
        def f(z, X, p, q):
            r = real(z, X, p, q)
            m = len(r.u_hat)
            if kind == "nan":
                bad = np.full((m, m), np.nan)
                return dataclasses.replace(r, arma_cov=bad, u_cov=bad)
            if kind == "negative":
                return dataclasses.replace(r, arma_cov=-np.abs(r.arma_cov))
            return dataclasses.replace(r, arma_cov=np.zeros((m, m)), u_cov=np.zeros((m, m)))

        return f

    y = _arima_series()
    iv = Intervention("c", y.index[250])
    kw = {"model": "arima", "order": (1, 0, 0), "method": "counterfactual", "use_t": False}
    out = {}
    for kind in ("zero", "nan", "negative"):
        monkeypatch.setattr(models, "arma_reml", broken(kind))
        out[kind] = fit(y, iv, **kw)
    assert np.isnan(out["negative"].params.loc["ar.L1", "std_err"])
    assert np.isnan(out["negative"].params.loc["ar.L1", "p_value"])
    assert np.isnan(out["nan"].params.loc["ar.L1", "std_err"])
    # same regression covariance, ARMA coefficients fixed either way: same draws
    pd.testing.assert_frame_equal(out["nan"].effects, out["zero"].effects)
    lo, hi = out["nan"].effects.loc["average", ["lower", "upper"]]
    assert hi - lo > 0
    # and the warning says which uncertainty is missing (it said "intervals ignore
    # parameter uncertainty", which the regression part does not)
    (w,) = [w for w in out["nan"].diagnostics.warnings if w.code == "covariance_failed"]
    assert "ARMA" in w.message and "keep the regression" in w.message
    assert "covariance_failed" not in out["zero"].diagnostics.codes


def test_arima_reml_that_did_not_converge_says_so(monkeypatch):
    import darksocial.its.models as models

    real = models.arma_reml
    y = _arima_series()
    iv = Intervention("c", y.index[250])
    assert "not_converged" not in fit(y, iv, model="arima").diagnostics.codes
    monkeypatch.setattr(
        models, "arma_reml", lambda *a: dataclasses.replace(real(*a), converged=False)
    )
    res = fit(y, iv, model="arima")
    assert "not_converged" in res.diagnostics.codes
    assert "order=(1, 0, 0)" in str(res.diagnostics.warnings[-1])


def test_arima_malformed_orders_raise_a_parameter_error():
    # statsmodels' own ValueError ("`order` argument must be an iterable with three
    # elements", "Must include nonzero seasonal periodicity ...") or a TypeError from the
    # design reached the user before
    import pytest

    from darksocial.errors import ParameterError

    y = _arima_series(120)
    iv = Intervention("c", y.index[100])
    bad = [
        {"order": (1, 0)},
        {"order": (-1, 0, 0)},
        {"order": (1.5, 0, 0)},
        {"order": "101"},
        {"seasonal_order": (1, 0, 0)},
        {"seasonal_order": (1, 0, 0, 0)},
        {"seasonal_order": (0, 0, 0, 1)},
    ]
    for kw in bad:
        with pytest.raises(ParameterError, match="order"):
            fit(y, iv, model="arima", **kw)
    res = fit(y, iv, model="arima", order=[2, 0, 0], seasonal_order=(0, 0, 0, 0))
    assert res.backend.reml is not None and len(res.backend.reml.ar) == 2


def test_reml_parameters_mean_the_same_model_to_sarimax():
    # the backend hands (beta, ar, ma, sigma2) to statsmodels' SARIMAX, whose Kalman
    # likelihood must equal the exact ARMA likelihood of z - X beta with those coefficients
    # (catches a swapped ar/ma or a sign convention that differs); orders with q >= 2 also
    # exercise the invertibility map of the MA part
    from statsmodels.tsa.innovations.arma_innovations import arma_loglike
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    rng = np.random.default_rng(5)
    n = 300
    X = _design(n)[:, :4]
    for p, q in ((1, 1), (2, 2), (0, 2)):
        z = X @ np.array([1.0, 0.5, 0.2, -0.1]) + ar1(rng, n, 0.5)
        r = arma_reml(z, X, p, q)
        assert np.all(np.abs(np.roots(np.r_[1.0, r.ma][::-1])) > 1) if q else True
        params = np.r_[r.beta, r.ar, r.ma, r.sigma2]
        kalman = SARIMAX(z, exog=X, order=(p, 0, q), trend="n").loglike(params)
        exact = arma_loglike(z - X @ r.beta, r.ar, r.ma, r.sigma2)
        assert np.isclose(kalman, exact, rtol=0, atol=1e-5)


def test_restricted_loglike_with_missing_periods_matches_the_dense_formula():
    # missing days inside the span: R is the ARMA correlation of the observed days only
    # (lags counted in calendar days)
    rng = np.random.default_rng(5)
    n, ar, ma = 80, np.array([0.6]), np.array([-0.3])
    X = _design(n)[:, :4]
    z = X @ np.array([1.0, 2.0, 0.3, -0.2]) + ar1(rng, n, 0.6)
    z[[0, 1, 20, 21, 22, 23, 40, 77, 79]] = np.nan
    dense = _dense_restricted_loglike(z, X, ar, ma)
    assert np.isclose(restricted_loglike(z, X, ar, ma), dense, rtol=0, atol=1e-8)
    # and for ARMA(2, 2), whose filter has more states than the AR part
    ar2, ma2 = np.array([0.5, 0.2]), np.array([0.4, -0.2])
    dense = _dense_restricted_loglike(z, X, ar2, ma2)
    assert np.isclose(restricted_loglike(z, X, ar2, ma2), dense, rtol=0, atol=1e-8)


def test_reml_with_missing_days_does_not_close_the_gaps():
    # 30% of days missing at random. Closing the gaps (the rows as consecutive days) reads
    # a two-day step as one and put phi = 0.7 at 0.63 on these 20 series; predicting
    # across the gaps gives 0.706 (se of the mean ~0.011)
    rng = np.random.default_rng(11)
    n, phi = 400, 0.7
    X = _design(n)
    beta = np.r_[1.0, 0.5, np.zeros(X.shape[1] - 2)]
    est = []
    for _ in range(20):
        z = X @ beta + ar1(rng, n, phi)
        z[rng.random(n) < 0.3] = np.nan
        fit_ = arma_reml(z, X, 1, 0)
        assert fit_.df_resid == np.sum(~np.isnan(z)) - X.shape[1]
        est.append(fit_.ar[0])
    assert abs(np.mean(est) - phi) < 0.035


def test_arima_fit_on_a_series_with_missing_days_uses_the_calendar():
    # the engine passes the missing days to REML: the fitted ARMA is the one of the
    # series on its calendar, not of the observed days closed up
    rng = np.random.default_rng(8)
    n = 500
    idx = pd.date_range("2024-01-01", periods=n, freq="D")
    y = pd.Series(np.exp(4.0 + 0.1 * ar1(rng, n, 0.8)), idx)
    gappy = y.mask(rng.random(n) < 0.35)
    res = fit(gappy, Intervention("c", idx[420]), model="arima", order=(1, 0, 0))
    closed = fit(
        pd.Series(gappy.dropna().to_numpy(), pd.date_range("2024-01-01", periods=gappy.count())),
        Intervention("c", pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(0.65 * 420))),
        model="arima",
        order=(1, 0, 0),
    )
    assert abs(res.backend.reml.ar[0] - 0.8) < 0.06
    assert res.backend.reml.ar[0] - closed.backend.reml.ar[0] > 0.05


def test_batched_arma_filter_matches_statsmodels_sarimax():
    # the paths of model="arima" start from arma_filter_end's state; the reference is
    # SARIMAX's own Kalman filter at the same coefficients, on a series with missing days
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    from darksocial.its.reml import arma_filter_end

    rng = np.random.default_rng(0)
    u = ar1(rng, 200, 0.7)
    u[[3, 40, 41, 42, 150]] = np.nan
    for ar, ma in [([0.6], [-0.3]), ([0.5, 0.2], [0.4, -0.2]), ([0.8], []), ([], [0.5])]:
        fr = SARIMAX(u, order=(len(ar), 0, len(ma)), trend="n").filter(np.r_[ar, ma, 2.0])
        fr = fr.filter_results
        # two rows: the same series under these coefficients and under white noise
        rows = np.vstack([u, u])
        ar_b = np.array([ar, np.zeros(len(ar))]).reshape(2, -1)
        ma_b = np.array([ma, np.zeros(len(ma))]).reshape(2, -1)
        a, P, T, R = arma_filter_end(rows, ar_b, ma_b)
        np.testing.assert_allclose(a[0], fr.predicted_state[:, -1], atol=1e-8)
        np.testing.assert_allclose(2.0 * P[0], fr.predicted_state_cov[:, :, -1], atol=1e-8)
        np.testing.assert_allclose(T[0], fr.transition[:, :, 0], atol=0)
        np.testing.assert_allclose(a[1], 0.0, atol=1e-12)  # white noise: nothing to carry


def test_arima_counterfactual_paths_match_the_statsmodels_forecast_at_known_parameters(
    monkeypatch,
):
    # with the parameter uncertainty switched off, the paths' mean and variance are the
    # SARIMAX forecast's at the REML estimates (mean exact, variance within Monte-Carlo
    # error of 4000 paths)
    rng = np.random.default_rng(2)
    n = 400
    idx = pd.date_range("2024-01-01", periods=n, freq="D")
    y = pd.Series(np.exp(4.0 + 0.1 * ar1(rng, n, 0.7)), idx).mask(rng.random(n) < 0.1)
    res = fit(y, Intervention("c", idx[360]), model="arima", method="counterfactual")
    b = res.backend
    r = b.reml
    fixed = dataclasses.replace(
        r, beta_cov=np.zeros_like(r.beta_cov), u_cov=np.zeros_like(r.u_cov), df_resid=10**9
    )
    monkeypatch.setattr(b, "reml", fixed)
    monkeypatch.setattr(b, "draw_df", None)
    X_f = pd.DataFrame(np.ones((40, b.X_fit.shape[1])) * b.X_fit[-1], columns=b.exog_names)
    monkeypatch.setattr(b, "log", False)
    point, draws = b.simulate(X_f, None, 4000, np.random.default_rng(1))
    fc = b.res.get_forecast(40, exog=X_f.to_numpy())
    np.testing.assert_allclose(point, fc.predicted_mean, atol=1e-8)
    var = np.asarray(fc.var_pred_mean)
    ratio = draws.var(axis=0) / var
    assert np.all(np.abs(ratio - 1) < 0.12)
    assert abs(ratio.mean() - 1) < 0.04


def test_reml_finds_the_persistent_maximum_on_a_real_series_with_missing_days():
    # A real Search Console export (tests/data/search_console/viking_dates) with 13 days
    # removed inside the series. From white noise alone BFGS stopped at ar 0.40, ma -0.09
    # (restricted log-likelihood -768.2, reported converged) while the maximum is near a
    # unit root with a cancelling MA (-756.9), where the full series also lands: 13
    # missing days turned a campaign's -29% (-47% to +9%) into -39% (-47% to -29%).
    from pathlib import Path

    from darksocial.io import load

    path = Path(__file__).parents[1] / "data/search_console/viking_dates/Dates.csv"
    y = load(path)["clicks"]
    gone = ["2021-09-01", "2021-09-02", "2021-09-03", "2021-12-25", "2022-02-14", "2022-07-04"]
    gone += [f"2022-04-{d}" for d in range(10, 17)]
    gappy = y.mask(y.index.isin(pd.to_datetime(gone)))
    iv = Intervention("viking-event", "2022-06-17", end="2022-08-12")
    res = fit(gappy, iv, model="arima")
    full = fit(y, iv, model="arima")
    assert res.backend.reml.loglike > -760
    assert res.backend.reml.ar[0] > 0.99 and res.backend.reml.converged
    lo, est, hi = res.effects.loc["relative", ["lower", "estimate", "upper"]]
    lo_f, est_f, hi_f = full.effects.loc["relative", ["lower", "estimate", "upper"]]
    assert abs(est - est_f) < 0.05
    assert lo < 0 < hi and lo_f < 0 < hi_f
