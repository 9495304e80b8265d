"""Counterfactual method on the public CausalImpact comparison series (sanity checks).

Where R CausalImpact's published numbers exist the comparison is in the ITS section of the
lead's report; here we only require sane answers: a strong injected effect is found with
an interval covering it, no effect is not found.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from darksocial.its import fit

#: Copies of the public series (sources and licences in the README beside them).
REF = Path(__file__).resolve().parents[1] / "data" / "reference"


def load(name: str) -> pd.DataFrame:
    df = pd.read_csv(REF / f"{name}.csv")
    if "date" in df:
        return df.set_index(pd.DatetimeIndex(df.pop("date")))
    # undated series: read t as days so the engine sees a regular daily index
    t = df.pop("t")
    return df.set_index(pd.date_range("2000-01-01", periods=len(t), freq="D"))


def test_strong_effect_found_and_no_effect_not():
    strong = load("sim_strong_effect")["y"]
    null = load("sim_no_effect")["y"]
    start = strong.index[70]  # t = 71
    jump = strong.iloc[70:].mean() - strong.iloc[:70].mean()
    for model in ("segmented", "structural"):
        res = fit(strong, start, model=model, method="counterfactual", seasonality=None)
        e = res.effects.loc["average"]
        assert e["lower"] < jump < e["upper"], model
        assert res.p_value < 0.01
        res0 = fit(null, start, model=model, method="counterfactual", seasonality=None)
        assert res0.p_value > 0.05, model


def test_arma_with_injected_five():
    df = load("arma")
    y = df["y"].copy()
    y.iloc[70:] += 5  # the tfcausalimpact README example: truth is +5 from t = 71
    res = fit(y, y.index[70], controls=df[["x1"]], method="counterfactual", seasonality=None)
    e = res.effects.loc["average"]
    assert abs(e["estimate"] - 5) < 1.0
    assert e["lower"] < 5 < e["upper"]
    assert res.params.loc["x1", "estimate"] == pytest.approx(1.2, abs=0.15)


@pytest.mark.parametrize(
    ("name", "start", "sign", "p_below"),
    [
        ("comparison", "2019-07-15", 0, None),
        ("volkswagen", "2015-09-20", -1, 0.05),
        # the exact posterior's p is about 0.046 (20,000 draws, with and without the
        # sampler's coefficient-level move): 1,000 draws land either side of 0.05
        ("basque", "1970-01-01", -1, 0.1),
    ],
)
def test_public_series_give_sane_structural_counterfactuals(name, start, sign, p_below):
    df = load(name)
    res = fit(df["y"], start, controls=df.drop(columns="y"), model="structural")
    e = res.effects.loc["relative"]
    assert np.isfinite(res.effects.to_numpy()).all()
    if sign:  # the diesel scandal and the ETA years lowered the series
        assert np.sign(e["estimate"]) == sign
        assert res.p_value < p_below
    else:  # comparison.csv: a small change (about -1.5%) that the interval does not settle
        assert abs(e["estimate"]) < 0.05
    assert 0 < res.p_value <= 0.5
    assert res.pointwise.loc[start:, "counterfactual"].notna().all()
