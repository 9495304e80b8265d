"""A tiny version of the calibration study (benchmarks/calibration.py), marked slow."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from darksocial import config

_spec = importlib.util.spec_from_file_location(
    "calibration", config.PROJ_ROOT / "benchmarks" / "calibration.py"
)
calibration = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(calibration)


def test_simulated_truth_is_what_was_injected():
    y, controls, truth = calibration.simulate(("level +10%", "level", 0.10), rep=3)
    assert len(y) == calibration.N_DAYS
    assert truth["relative"] == pytest.approx(0.10)
    # the same replication number gives the same noise whatever the effect
    y0, _, truth0 = calibration.simulate(("no effect", "level", 0.0), rep=3)
    pre = y.index < truth["launch"]
    np.testing.assert_array_equal(y[pre], y0[pre])
    assert truth0["cumulative"] == 0


@pytest.mark.slow
def test_segmented_model_is_calibrated_within_monte_carlo_bounds():
    rows = [
        calibration.run_one("segmented", "intervention", scen, rep, n_simulations=200)
        for scen in (calibration.SCENARIOS[0], calibration.SCENARIOS[2])
        for rep in range(40)
    ]
    import pandas as pd

    table = calibration.summarise(pd.DataFrame(rows)).set_index("scenario")
    overall = table.loc["overall"]
    assert overall["n_failed"] == 0
    # 40 null fits: a true 5% rate exceeds 20% with probability < 0.1%
    assert overall["false_positive_rate"] <= 0.20
    # 80 fits: a true 95% coverage falls below 82% with probability < 0.1%
    assert overall["coverage_average"] >= 0.82
    assert overall["power_10"] >= 0.5
    assert abs(overall["bias_relative"]) < 0.02
