"""Controls without their own sampling noise (darksocial.its.controls), against known truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from darksocial.its import Intervention, fit
from darksocial.its.controls import denoise


def _market(seed, *, n=700, phi=0.8, sd=0.08, level=150.0):
    """A persistent market signal, a weekly shape and a Poisson count measuring both."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2023-01-02", periods=n, freq="D")
    u = np.empty(n)
    u[0] = rng.normal(0, sd)
    for t in range(1, n):
        u[t] = phi * u[t - 1] + rng.normal(0, sd * np.sqrt(1 - phi**2))
    weekly = np.log([1.0, 1.05, 1.05, 1.0, 0.95, 0.6, 0.55])[idx.dayofweek]
    calendar = pd.DataFrame({"const": 1.0}, idx).join(
        pd.get_dummies(idx.dayofweek, prefix="dow", drop_first=True, dtype=float).set_index(idx)
    )
    count = rng.poisson(level * np.exp(weekly + u)).astype(float)
    return idx, u, weekly, calendar, pd.DataFrame({"x": count}, idx)


def test_denoise_recovers_the_market_signal_of_a_count():
    idx, u, weekly, calendar, ctrl = _market(1)
    raw = np.log(ctrl["x"].to_numpy()) - weekly
    clean = np.log(denoise(ctrl, calendar)["x"].to_numpy()) - weekly
    # Poisson noise of 150 a day (variance ~1/150) against a signal of sd 0.08
    err_raw = np.mean((raw - raw.mean() - (u - u.mean())) ** 2)
    err_clean = np.mean((clean - clean.mean() - (u - u.mean())) ** 2)
    assert err_clean < 0.5 * err_raw


def test_a_control_without_sampling_noise_comes_back_unchanged():
    idx, u, weekly, calendar, _ = _market(2)
    smooth = pd.DataFrame({"x": 150 * np.exp(weekly + u)}, idx)
    out = denoise(smooth, calendar)
    np.testing.assert_allclose(out["x"], smooth["x"], rtol=0.01)
    short = smooth.iloc[:60]
    pd.testing.assert_frame_equal(denoise(short, calendar.iloc[:60]), short)


def test_a_noisy_control_carries_the_shared_swings_unattenuated():
    # y shares the market signal one for one; a regression on the measured count reads
    # the coefficient attenuated by its noise (errors in variables), and the effect of a
    # campaign is then estimated with the unexplained swings left in
    slopes = {"raw": [], "clean": []}
    for seed in range(6):
        idx, u, weekly, calendar, ctrl = _market(10 + seed, level=60.0)
        rng = np.random.default_rng(100 + seed)
        y = np.log(4000 * np.exp(weekly + u + rng.normal(0, 0.01, len(idx))))
        for label, c in (("raw", ctrl), ("clean", denoise(ctrl, calendar))):
            X = np.column_stack([calendar.to_numpy(), np.log(c["x"].to_numpy())])
            coef, *_ = np.linalg.lstsq(X, y, rcond=None)
            slopes[label].append(coef[-1])
    assert np.mean(slopes["raw"]) < 0.7
    assert np.mean(slopes["clean"]) == pytest.approx(1.0, abs=0.12)


def test_fit_takes_the_controls_without_noise_and_keeps_them_as_given():
    idx, u, weekly, calendar, ctrl = _market(3)
    rng = np.random.default_rng(3)
    y = pd.Series(rng.poisson(900 * np.exp(weekly + u)).astype(float), idx, name="y")
    res = fit(y, Intervention("c", idx[600]), controls=ctrl, transform="log")
    assert res.controls is not None
    pd.testing.assert_series_equal(res.controls["x"], ctrl["x"])
    assert not np.allclose(res.design["x"].to_numpy(), ctrl["x"].to_numpy())
    # R CausalImpact's model takes the controls as measured
    bsts = fit(y, idx[600], controls=ctrl, model="structural", seasonality=None)
    np.testing.assert_allclose(bsts.design["x"].to_numpy(), ctrl["x"].to_numpy())
