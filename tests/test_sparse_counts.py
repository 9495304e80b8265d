"""The small-site benchmark (benchmarks/sparse_counts.py) measures what it says."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd

from darksocial import config

_spec = importlib.util.spec_from_file_location(
    "sparse_counts", config.PROJ_ROOT / "benchmarks" / "sparse_counts.py"
)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def test_the_true_effect_is_the_extra_clicks_actually_added():
    rng = np.random.default_rng(3)
    y, launch, truth = bench.simulate(rng, 4.0, 0.0)
    assert truth == 0 and len(y) == bench.N_PRE + bench.N_POST and y.index[bench.N_PRE] == launch
    effects = [bench.simulate(np.random.default_rng(s), 4.0, 0.5)[2] for s in range(200)]
    # +50% of about 4 clicks a day (weekday and noise factors average ~1)
    assert 1.6 < np.mean(effects) < 2.4


def test_coverage_and_false_positives_are_counted_on_the_right_scenarios():
    # no effect: one interval covers zero, one excludes it (a false positive); +50%: one
    # covers the truth and excludes zero (found), one misses the truth
    runs = pd.DataFrame(
        {
            "lam": 1.0,
            "model": "m",
            "zeros": 0.5,
            "effect": [0.0, 0.0, 0.5, 0.5],
            "truth": [0.0, 0.0, 0.5, 0.5],
            "estimate": [0.1, 0.9, 0.6, -0.2],
            "lower": [-0.5, 0.2, 0.1, -0.9],
            "upper": [0.7, 1.6, 1.1, 0.4],
        }
    )
    row = bench.summarise(runs).loc[(1.0, "m")]
    assert row["coverage"] == 0.5  # covered: first and third
    assert row["false positives"] == 0.5
    assert row["power +50%"] == 0.5
    np.testing.assert_allclose(row["mean error"], (0.1 + 0.9 + 0.1 - 0.7) / 4)


def test_both_models_fit_a_small_site_series():
    rows = [bench.fit_one((0, 0.5, 0.0, name)) for name in bench.MODELS]
    assert all("error" not in r and r["lower"] < r["upper"] for r in rows)
