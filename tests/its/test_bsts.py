"""The Bayesian structural counterfactual (``model="structural"``, Gibbs) against known truth
and against R CausalImpact's published numbers on the public reference series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_reference import load

from darksocial.errors import ParameterError
from darksocial.its import fit
from darksocial.its.bsts import sample_posterior

#: name -> (first post row or date, options, R's average effect and 95% interval, and the
#: estimate this engine reached with the default seed). R's numbers and their sources:
#: benchmarks/bench_bsts.py.
REFERENCE = {
    "sim_basic": (70, {}, (2.9023, 2.3957, 3.3939), 2.911),
    "sim_covariates": (70, {}, (2.8859, 2.4680, 3.2974), 2.877),
    "sim_strong_effect": (70, {}, (7.9511, 7.6979, 8.1969), 7.955),
    "sim_no_effect": (70, {}, (-0.0977, -0.6043, 0.3939), -0.089),
    "sim_seasonal": (84, {"nseasons": 7}, (2.9822, 2.7770, 3.1868), 2.983),
    "arma": (70, {}, (0.89, 0.27, 1.5), 0.891),
    "google": ("2020-03-02", {}, (27.0, 18.0, 36.0), 27.34),
    "comparison": ("2019-07-15", {}, (-657.0, -2076.0, 832.0), -612.2),
    "volkswagen": ("2015-09-20", {}, (-44.0, -55.0, -33.0), -44.14),
    "basque": ("1976-01-01", {}, (-0.76, -1.4, -0.2), -0.7756),
}


def _fit_reference(name):
    start, opts, _, _ = REFERENCE[name]
    df = load(name)
    y, X = df["y"], df.drop(columns="y")
    s0 = y.index[start] if isinstance(start, int) else pd.Timestamp(start)
    return fit(
        y,
        s0,
        controls=X if X.shape[1] else None,
        model="structural",
        seasonality=None,
        **opts,
    )


@pytest.mark.parametrize("name", list(REFERENCE))
def test_reference_series_match_r_causalimpact(name):
    _, _, (r_est, r_lo, r_hi), ours = REFERENCE[name]
    res = _fit_reference(name)
    assert res.backend.__class__.__name__ == "BstsBackend"
    a = res.effects.loc["average"]
    # the numbers this engine reached (regression check), within 2% of R's interval width
    assert a["estimate"] == pytest.approx(ours, abs=0.02 * (r_hi - r_lo))
    # R's targets: estimate inside R's interval, width 0.67-1.5 of R's, same significance
    assert r_lo <= a["estimate"] <= r_hi
    assert 0.8 <= (a["upper"] - a["lower"]) / (r_hi - r_lo) <= 1.25
    assert (a["lower"] < 0 < a["upper"]) == (r_lo < 0 < r_hi)
    assert 1 / 1001 <= res.p_value <= 0.5


def test_deterministic_for_a_seed():
    df = load("google")
    kw = {"controls": df[["x1", "x2"]], "model": "structural", "seasonality": None}
    a = fit(df["y"], "2020-03-02", seed=3, **kw).effects
    b = fit(df["y"], "2020-03-02", seed=3, **kw).effects
    c = fit(df["y"], "2020-03-02", seed=4, **kw).effects
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def _local_level(seed, *, n=300, post=60, effect=0.0, freq="D"):
    """A series from the model itself: slow local level + one control + noise."""
    rng = np.random.default_rng(seed)
    level = 50 + np.cumsum(rng.normal(0, 0.05, n))
    x = 20 + np.cumsum(rng.normal(0, 1, n))
    y = level + 0.8 * x + rng.normal(0, 1, n)
    y[n - post :] += effect
    idx = pd.date_range("2020-01-05", periods=n, freq=freq)
    return pd.Series(y, idx, name="y"), pd.DataFrame({"x": x}, idx), idx[n - post]


def test_covers_an_injected_effect_over_seeded_replications():
    covered, found = 0, 0
    reps = 10
    for seed in range(reps):
        y, X, start = _local_level(seed, effect=2.0)
        res = fit(y, start, controls=X, model="structural", seasonality=None, n_simulations=500)
        a = res.effects.loc["average"]
        covered += a["lower"] <= 2.0 <= a["upper"]
        found += res.p_value < 0.05
    assert covered >= 8
    assert found >= 8


def test_no_effect_is_rarely_significant():
    hits = 0
    for seed in range(10):
        y, X, start = _local_level(100 + seed)
        res = fit(y, start, controls=X, model="structural", seasonality=None, n_simulations=500)
        hits += res.p_value < 0.025
    assert hits <= 2


def test_missing_days_are_skipped_not_imputed():
    y, X, start = _local_level(5, effect=2.0)
    holed = y.copy()
    holed.iloc[100:110] = np.nan
    kw = {"controls": X, "model": "structural", "seasonality": None}
    full = fit(y, start, **kw).effects.loc["average"]
    res = fit(holed, start, **kw)
    gap = res.effects.loc["average"]
    assert np.isfinite(res.fitted[100:110]).all()  # the level runs through the gap
    assert gap["estimate"] == pytest.approx(full["estimate"], abs=0.3)
    assert "missing_values" in res.diagnostics.codes


def test_spike_and_slab_leaves_out_an_irrelevant_control():
    y, X, start = _local_level(11, effect=2.0)
    rng = np.random.default_rng(0)
    X = X.assign(
        noise1=rng.normal(size=len(y)),
        noise2=rng.normal(size=len(y)),
        noise3=rng.normal(size=len(y)),
    )
    res = fit(y, start, controls=X, model="structural", seasonality=None)
    inc = res.params["inclusion_prob"]
    assert inc["x"] > 0.95
    assert inc[["noise1", "noise2", "noise3"]].max() < 0.5
    assert res.params.loc["x", "estimate"] == pytest.approx(0.8, abs=0.1)


@pytest.mark.parametrize("freq", ["W", "MS"])
def test_weekly_and_monthly_data(freq):
    # seed 3: the exact posterior's interval covers the effect (seed 2's, read with 20,000
    # draws, starts at 3.04: it passed on Monte-Carlo error)
    y, X, start = _local_level(3, n=120, post=20, effect=3.0, freq=freq)
    # no calendar pattern in these series: seasonality=None keeps 11 month dummies out
    res = fit(y, start, controls=X, model="structural", seasonality=None)
    a = res.effects.loc["average"]
    assert a["lower"] <= 3.0 <= a["upper"]
    assert res.freq == freq[0]


def test_prior_level_sd_widens_and_options_are_checked():
    y, X, start = _local_level(3, effect=2.0)
    kw = {"controls": X, "model": "structural", "seasonality": None}
    narrow = fit(y, start, **kw).effects.loc["average"]
    wide = fit(y, start, prior_level_sd=0.1, **kw).effects.loc["average"]
    assert wide["upper"] - wide["lower"] > narrow["upper"] - narrow["lower"]
    with pytest.raises(ParameterError):
        fit(y, start, method="intervention", estimation="gibbs", **kw)
    with pytest.raises(ParameterError):
        fit(y, start, prior_level_sd=0, **kw)
    with pytest.raises(ParameterError):
        fit(y, start, method="intervention", nseasons=7, **kw)
    old = fit(y, start, estimation="mle", **kw)  # the statsmodels backend stays selectable
    assert old.backend.__class__.__name__ == "StateSpaceBackend"


def test_sampler_recovers_the_level_sd_and_noise():
    rng = np.random.default_rng(9)
    n = 400
    y = np.cumsum(rng.normal(0, 0.3, n)) + rng.normal(0, 1.0, n)
    z = (y - y.mean()) / y.std(ddof=1)
    d = sample_posterior(z, None, prior_level_sd=0.1, n_draws=1000, seed=1)
    sd = y.std(ddof=1)
    assert np.median(d.sigma_obs) * sd == pytest.approx(1.0, rel=0.15)
    assert np.median(d.sigma_level) * sd == pytest.approx(0.3, rel=0.35)


def test_sampler_recovers_an_ar1_component_beside_the_level():
    # a fixed level, AR(1) swings with coefficient 0.8 and white noise: the AR part is found
    # and the level stays near its prior instead of following the swings
    rng = np.random.default_rng(21)
    n, phi = 600, 0.8
    a = np.zeros(n)
    for t in range(1, n):
        a[t] = phi * a[t - 1] + rng.normal(0, 0.5)
    y = 10 + a + rng.normal(0, 0.4, n)
    z = (y - y.mean()) / y.std(ddof=1)
    d = sample_posterior(z, None, ar=True, n_draws=600, seed=2)
    sd = y.std(ddof=1)
    assert np.median(d.phi) == pytest.approx(phi, abs=0.08)
    assert np.median(d.sigma_ar) * sd == pytest.approx(0.5, rel=0.25)
    assert np.median(d.sigma_obs) * sd == pytest.approx(0.4, rel=0.25)
    assert np.median(d.sigma_level) * sd < 0.05


def _ar_series(seed, *, n=500, post=120, effect=0.0, phi=0.8):
    """Constant mean, AR(1) noise (coefficient ``phi``), one control sharing none of it."""
    rng = np.random.default_rng(seed)
    a = np.zeros(n)
    for t in range(1, n):
        a[t] = phi * a[t - 1] + rng.normal(0, 0.6)
    x = 20 + rng.normal(0, 1, n)
    y = 50 + 0.5 * x + a + rng.normal(0, 0.5, n)
    y[n - post :] += effect
    idx = pd.date_range("2021-01-04", periods=n, freq="D")
    return pd.Series(y, idx, name="y"), pd.DataFrame({"x": x}, idx), idx[n - post]


def test_ar_component_makes_the_forecast_of_persistent_noise_honest():
    # AR(1) noise with coefficient 0.8 (innovation sd 0.6) plus white noise (0.5): the sd of
    # a 120-day average is about 0.6 / 0.2 / sqrt(120) = 0.27, so an honest 95% interval of
    # the average effect is about 1.1 wide. Taken as white noise (R's model, no AR) the
    # interval comes out far narrower than that; with the AR component it is at least that
    # wide (plus the local level's own uncertainty) and covers the injected 1.5.
    honest = 2 * 1.96 * np.hypot(0.6 / 0.2, 0.5) / np.sqrt(120)
    widths = {0: [], 1: []}
    covered = 0
    for seed in range(6):
        y, X, start = _ar_series(300 + seed, effect=1.5)
        for ar in (0, 1):
            res = fit(
                y, start, controls=X, model="structural", autoregressive=ar, n_simulations=400
            )
            a = res.effects.loc["average"]
            widths[ar].append(a["upper"] - a["lower"])
            if ar:
                covered += a["lower"] <= 1.5 <= a["upper"]
    assert covered >= 5
    assert np.median(widths[0]) < 0.75 * honest
    assert np.median(widths[1]) > 0.9 * honest


def test_autoregressive_defaults_and_checks():
    y, X, start = _ar_series(7, n=200, post=40)
    res = fit(y, start, controls=X, model="structural", n_simulations=200)
    assert "ar.L1" in res.params.index
    r_model = fit(y, start, controls=X, model="structural", seasonality=None, n_simulations=200)
    assert "ar.L1" not in r_model.params.index
    mle = fit(y, start, controls=X, model="structural", method="intervention")
    assert "ar.L1" in mle.params.index
    with pytest.raises(ParameterError, match="autoregressive"):
        fit(y, start, model="segmented", autoregressive=1)
    with pytest.raises(ParameterError, match="autoregressive"):
        fit(y, start, model="structural", autoregressive=2)


def _calendar_series(seed, n=730):
    """Daily log-scale series: weekly and yearly shape, AR(1) 0.8 swings, white noise 0.02."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2023-01-02", periods=n, freq="D")
    weekly = np.log([1.0, 1.05, 1.05, 1.02, 0.95, 0.75, 0.72])[idx.dayofweek]
    yearly = 0.12 * np.sin(2 * np.pi * idx.dayofyear.to_numpy() / 365.25)
    a = np.zeros(n)
    for t in range(1, n):
        a[t] = 0.8 * a[t - 1] + rng.normal(0, 0.03)
    log_y = 7 + weekly + yearly + a + rng.normal(0, 0.02, n)
    x = np.exp(6 + weekly + rng.normal(0, 0.05, n))
    return pd.Series(np.exp(log_y), idx, name="y"), pd.DataFrame({"x": x}, idx)


def _autocorrelation_time(v):
    v = np.asarray(v) - np.mean(v)
    tau, var = 1.0, v @ v
    for k in range(1, len(v) // 2):
        r = (v[:-k] @ v[k:]) / var
        if r < 0.05:
            break
        tau += 2 * r
    return tau


def test_trend_coefficient_mixes_with_the_level():
    # a straight line can sit in the trend regressor or in the level; drawn in turn, the
    # trend coefficient's draws were ~90 sweeps apart for one independent one, so 1,000
    # draws held ~11 and the 180-day forecast's spread came out ~10% short (intervals 13%
    # wider with 3,000 draws). The joint move along the line keeps them a few sweeps apart.
    y, X = _calendar_series(1)
    res = fit(
        y, y.index[-180], controls=X, model="structural", transform="log", n_simulations=1000
    )
    draws = res.backend.posterior
    trend = draws.beta[:, res.backend.param_names.index("trend")]
    assert _autocorrelation_time(trend) < 15
    assert _autocorrelation_time(draws.final[:, 0]) < 5  # the level at launch


def test_noise_prior_refers_to_what_calendar_terms_leave():
    # daily log counts: a strong weekly and yearly pattern, AR(1) swings (0.8, innovations
    # 0.03) and white noise 0.02. R's noise prior guesses 20% of sd(y)^2, and sd(y) here is
    # mostly the calendar: with that guess the sampler read white noise 0.04 and an AR
    # coefficient of 0.9, whose long-run sd (0.19) overstates the truth's (0.15), and the
    # structural intervals were ~1.3 times wider than they need be. The guess refers to what
    # the calendar terms leave, as the level prior's does.
    y, X = _calendar_series(1)
    res = fit(
        y,
        y.index[-90],
        controls=X,
        model="structural",
        transform="log",
        n_simulations=400,
    )
    p = res.params["estimate"]
    assert p["ar.L1"] == pytest.approx(0.8, abs=0.06)
    assert p["sigma.irregular"] == pytest.approx(0.02, rel=0.3)
    assert p["sigma.ar"] == pytest.approx(0.03, rel=0.3)
