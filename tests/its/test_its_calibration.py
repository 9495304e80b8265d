"""Coverage and null calibration over many seeds (slow)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import START, simulate

from darksocial.its import fit

pytestmark = pytest.mark.slow


def test_counterfactual_interval_covers_truth_about_95_percent():
    # 60 seeds of AR(1) + trend + weekly pattern with a +20 step: the 95% interval of the
    # average effect should cover 20 in ~57 of them; binomial 99% band is 50..60
    hits = 0
    for seed in range(60):
        res = fit(
            simulate(1000 + seed), START, method="counterfactual", n_simulations=300, seed=seed
        )
        e = res.effects.loc["average"]
        hits += e["lower"] < 20 < e["upper"]
    assert 50 <= hits <= 60, hits


@pytest.mark.parametrize("method", ["intervention", "counterfactual"])
def test_null_series_rarely_significant(method):
    # no effect: p > alpha in about 95% of seeds (99% binomial band for 60 seeds: >= 51)
    ps = np.array(
        [
            fit(
                simulate(2000 + s, effect=0), START, method=method, n_simulations=300, seed=s
            ).p_value
            for s in range(60)
        ]
    )
    assert np.mean(ps > 0.05) >= 51 / 60, np.mean(ps > 0.05)
