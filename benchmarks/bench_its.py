"""Fit times of the ITS engine on a two-year daily series with two controls.

Run: ``.venv/bin/python benchmarks/bench_its.py``. Prints the median of five runs per
configuration next to the target from issue #4 (segmented < 50 ms, arima < 2 s,
structural counterfactual with 1,000 simulated paths < 3 s, on a 2-core machine).
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd

from darksocial.its import Intervention, fit


def make_series(seed: int = 0) -> tuple[pd.Series, pd.DataFrame]:
    """Daily 2024-2025 series with weekly + yearly seasonality, AR(1) noise, two controls."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2024-01-01", "2025-12-31", freq="D")
    n = len(idx)
    e = np.zeros(n)
    for t in range(1, n):
        e[t] = 0.5 * e[t - 1] + rng.normal(0, 5)
    controls = pd.DataFrame(
        {
            "nonbranded": 50 + np.cumsum(rng.normal(0, 1, n)) / 3,
            "organic": 200 + 10 * np.sin(2 * np.pi * np.arange(n) / 365.25) + rng.normal(0, 3, n),
        },
        index=idx,
    )
    dow = np.array([0, 2, 3, 2, 1, -4, -6])[idx.dayofweek]
    y = 100 + dow + e + 0.5 * controls["nonbranded"] + 0.2 * controls["organic"]
    y = y + 15 * (idx >= "2025-05-15")
    return pd.Series(y.to_numpy(), idx, name="clicks"), controls


CASES = [
    ("segmented, intervention", {"model": "segmented"}, 0.05),
    ("segmented, counterfactual", {"model": "segmented", "method": "counterfactual"}, 0.05),
    ("segmented, errors=hac (Newey-West)", {"model": "segmented", "errors": "hac"}, 0.05),
    ("arima, intervention", {"model": "arima"}, 2.0),
    ("arima, counterfactual", {"model": "arima", "method": "counterfactual"}, 2.0),
    ("structural, counterfactual, 1000 paths", {"model": "structural"}, 3.0),
    ("poisson, intervention", {"model": "poisson"}, None),
]


def main() -> None:
    """Time every case and print a table."""
    y, controls = make_series()
    campaign = Intervention("spring", "2025-05-15")
    fit(y, campaign, controls=controls)  # warm imports
    print(f"{'case':42s} {'median s':>9s} {'target s':>9s}")
    for label, kwargs, target in CASES:
        yy = y.round() if kwargs["model"] == "poisson" else y
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            fit(yy, campaign, controls=controls, n_simulations=1000, **kwargs)
            times.append(time.perf_counter() - t0)
        med = statistics.median(times)
        tgt = f"{target:9.2f}" if target else f"{'-':>9s}"
        flag = "" if target is None or med < target else "  (over target)"
        print(f"{label:42s} {med:9.3f} {tgt}{flag}")


if __name__ == "__main__":
    main()
