"""Shared fixtures of the ITS engine tests: simulated series with a known effect."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

START = pd.Timestamp("2025-05-15")


def simulate(
    seed: int,
    *,
    n: int = 731,
    start: str | pd.Timestamp = START,
    effect: float = 20.0,
    phi: float = 0.5,
    sd: float = 5.0,
    freq: str = "D",
    trend: float = 0.02,
    level: float = 100.0,
) -> pd.Series:
    """AR(1) noise + trend + day-of-week pattern + a step of ``effect`` from ``start``."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2024-01-01", periods=n, freq=freq)
    e = np.zeros(n)
    shocks = rng.normal(0, sd, n)
    e[0] = shocks[0] / np.sqrt(1 - phi**2)
    for t in range(1, n):
        e[t] = phi * e[t - 1] + shocks[t]
    season = np.array([0, 2, 3, 2, 1, -4, -6])[idx.dayofweek] if freq == "D" else 0
    y = level + trend * np.arange(n) + season + e
    y = y + effect * (idx >= pd.Timestamp(start))
    return pd.Series(y, idx, name="clicks")


def ar1(rng, n: int, phi: float, sd: float = 1.0) -> np.ndarray:
    """Stationary AR(1) with innovation sd ``sd``, started from its stationary law."""
    e = np.empty(n)
    e[0] = rng.standard_normal() * sd / np.sqrt(1 - phi**2)
    shocks = rng.standard_normal(n) * sd
    for j in range(1, n):
        e[j] = phi * e[j - 1] + shocks[j]
    return e


def ar1_from_zero(rng, n: int, phi: float, sd: float) -> np.ndarray:
    """AR(1) started at zero (not from its stationary law), innovation sd ``sd``."""
    e = np.zeros(n)
    for t in range(1, n):
        e[t] = phi * e[t - 1] + sd * rng.standard_normal()
    return e


@pytest.fixture
def series():
    """Two years of daily data with a +20 step on 2025-05-15 (AR(1) phi=0.5, sd 5)."""
    return simulate(7)


@pytest.fixture(autouse=True)
def _close_figures():
    import matplotlib.pyplot as plt

    yield
    plt.close("all")
