"""Tests for darksocial.portfolio: campaign table, random-effects pooling, forest plot."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

from darksocial.errors import DataValidationError, ParameterError
from darksocial.portfolio import (
    campaign_table,
    compare_groups,
    forest_data,
    forest_plot,
    pool_by,
    random_effects,
)

# A small worked example: four campaigns, effects y and variances v.
Y = np.array([0.30, 0.10, 0.50, -0.05])
V = np.array([0.010, 0.020, 0.015, 0.030])


def test_dersimonian_laird_matches_hand_computation():
    # Fixed-effect weights w = 1/v = 100, 50, 66.667, 33.333; sum 250.
    # Fixed-effect mean = (30 + 5 + 33.333 - 1.667) / 250 = 0.266667.
    # Q = 100(0.0333)^2 + 50(0.1667)^2 + 66.667(0.2333)^2 + 33.333(0.3167)^2
    #   = 0.1111 + 1.3889 + 3.6296 + 3.3426 = 8.472222.
    # C = 250 - (100^2 + 50^2 + 66.667^2 + 33.333^2) / 250 = 250 - 72.2222 = 177.7778.
    # tau^2 = (8.472222 - 3) / 177.7778 = 0.0307813.
    # RE weights 1/(v + tau^2) = 24.521, 19.692, 21.843, 16.452 (sum 82.509);
    # pooled = (7.3563 + 1.9692 + 10.9215 - 0.8226) / 82.509 = 0.235422; se = 0.110090.
    # I^2 = (8.472222 - 3) / 8.472222 = 0.645902.
    res = random_effects(Y, np.sqrt(V), method="DL", hksj="none")
    assert_allclose(res["fe_estimate"], 0.266667, atol=1e-6)
    assert_allclose(res["q"], 8.472222, atol=1e-6)
    assert_allclose(res["tau2"], 5.472222 / 177.7778, rtol=1e-6)
    assert_allclose(res["estimate"], 0.235422, atol=1e-6)
    assert_allclose(res["std_err"], 0.110090, atol=1e-6)
    assert_allclose(res["i2"], 5.472222 / 8.472222, rtol=1e-6)
    z = stats.norm.ppf(0.975)
    assert_allclose(
        [res["lower"], res["upper"]], 0.235422 + np.array([-1, 1]) * z * 0.110090, atol=1e-5
    )


@pytest.mark.filterwarnings("ignore:`use_t=True` requires")
def test_matches_statsmodels_combine_effects():
    ref = combine_effects(Y, V, method_re="dl").summary_frame()
    res = random_effects(Y, np.sqrt(V), method="DL", hksj="none")
    row = ref.loc["random effect"]
    assert_allclose(
        [res["estimate"], res["std_err"], res["lower"], res["upper"]],
        row[["eff", "sd_eff", "ci_low", "ci_upp"]].to_numpy(dtype=float),
        rtol=1e-10,
    )
    # HKSJ = statsmodels' "random effect wls" with a t(k - 1) interval.
    ref_t = combine_effects(Y, V, method_re="dl", use_t=True)
    hk = random_effects(Y, np.sqrt(V), method="DL", hksj="standard")
    row = ref_t.summary_frame().loc["random effect wls"]
    assert_allclose(
        [hk["std_err"], hk["lower"], hk["upper"]],
        row[["sd_eff", "ci_low", "ci_upp"]].to_numpy(dtype=float),
        rtol=1e-10,
    )
    # Paule–Mandel = statsmodels "iterated".
    pm = random_effects(Y, np.sqrt(V), method="PM", hksj="none")
    # statsmodels stops its iteration at a looser tolerance than our root finder.
    assert_allclose(pm["tau2"], combine_effects(Y, V, method_re="iterated").tau2, rtol=1e-4)


def test_reml_maximises_restricted_likelihood():
    res = random_effects(Y, np.sqrt(V), method="REML")

    def nll(t2):
        w = 1 / (V + t2)
        m = np.sum(w * Y) / np.sum(w)
        return 0.5 * (np.sum(np.log(V + t2)) + np.log(np.sum(w)) + np.sum(w * (Y - m) ** 2))

    grid = np.linspace(0, 0.3, 30001)
    assert_allclose(res["tau2"], grid[np.argmin([nll(t) for t in grid])], atol=2e-5)
    assert res["tau2"] > 0


def test_modified_hksj_is_never_narrower_than_normal():
    # Homogeneous effects: q < 1, so the standard HKSJ interval would be too narrow.
    y = np.array([0.20, 0.21, 0.19, 0.20])
    se = np.full(4, 0.05)
    mod = random_effects(y, se, hksj="modified")
    norm = random_effects(y, se, hksj="none")
    std = random_effects(y, se, hksj="standard")
    assert mod["upper"] - mod["lower"] > norm["upper"] - norm["lower"]
    assert std["std_err"] < norm["std_err"]
    assert_allclose(mod["std_err"], norm["std_err"])
    assert mod["tau2"] == 0


def test_hksj_covers_truth_with_few_campaigns(rng):
    # Coverage check: k = 3 campaigns with heterogeneity; the modified HKSJ interval keeps
    # coverage near 95% where the normal DL interval under-covers.
    true_mean, tau = 1.0, 0.5
    hits = {"modified": 0, "standard": 0, "none": 0}
    n_rep = 400
    for _ in range(n_rep):
        se = rng.uniform(0.2, 0.5, size=3)
        y = rng.normal(true_mean, np.sqrt(tau**2 + se**2))
        for kind in hits:
            r = random_effects(y, se, hksj=kind)
            hits[kind] += r["lower"] <= true_mean <= r["upper"]
    # Measured with this seed: modified 0.99, standard 0.945, normal 0.865.
    assert hits["modified"] / n_rep > 0.95
    assert 0.92 < hits["standard"] / n_rep < 0.97
    assert hits["none"] / n_rep < 0.90


def _estimates(rng):
    rows = []
    truth = {"podcast": 120.0, "short_video": 40.0}
    for ctype, mu in truth.items():
        for i in range(5):
            se = rng.uniform(15, 30)
            rows.append(
                {
                    "campaign": f"{ctype}-{i}",
                    "metric": "branded_search",
                    "content_type": ctype,
                    "estimate": rng.normal(rng.normal(mu, 10), se),
                    "std_err": se,
                    "spend": 5000.0,
                }
            )
    return pd.DataFrame(rows)


def test_campaign_table_intervals_and_cost():
    est = pd.DataFrame(
        {
            "campaign": ["a", "b", "c"],
            "estimate": [100.0, 20.0, -5.0],
            "lower": [60.0, -10.0, -30.0],
            "upper": [140.0, 50.0, 20.0],
            "spend": [2000.0, 1000.0, 500.0],
            "launch": ["2025-01-01", "2025-02-01", "2025-03-01"],
        }
    )
    table = campaign_table(est)
    a = table.set_index("campaign").loc["a"]
    assert_allclose(a["std_err"], (140 - 60) / (2 * stats.norm.ppf(0.975)))
    assert_allclose(
        [a["cost_per_unit"], a["cost_per_unit_low"], a["cost_per_unit_high"]],
        [20.0, 2000 / 140, 2000 / 60],
    )
    b = table.set_index("campaign").loc["b"]
    assert np.isinf(b["cost_per_unit_high"]) and not b["significant"]
    assert np.isnan(table.set_index("campaign").loc["c", "cost_per_unit"])
    assert table["campaign"].tolist() == ["a", "b", "c"]
    assert "launch" in table.columns
    assert "metric" not in est.columns  # input untouched


def test_campaign_table_rejects_bad_input():
    with pytest.raises(DataValidationError, match="std_err"):
        campaign_table(pd.DataFrame({"campaign": ["a"], "estimate": [1.0]}))
    with pytest.raises(DataValidationError, match="more than once"):
        campaign_table(
            pd.DataFrame({"campaign": ["a", "a"], "estimate": [1.0, 2.0], "std_err": [1.0, 1.0]})
        )
    with pytest.raises(DataValidationError, match="standard error <= 0"):
        campaign_table(pd.DataFrame({"campaign": ["a"], "estimate": [1.0], "std_err": [0.0]}))


def test_pool_by_recovers_group_means_and_compares(rng):
    est = _estimates(rng)
    pooled = pool_by(est, by="content_type")
    assert pooled["content_type"].tolist() == ["podcast", "short_video"]
    pod = pooled.set_index("content_type").loc["podcast"]
    vid = pooled.set_index("content_type").loc["short_video"]
    assert pod["lower"] < 120 < pod["upper"]
    assert vid["lower"] < 40 < vid["upper"]
    assert pod["k"] == 5 and not pod["fragile"]
    assert pod["spend"] == 25000.0
    # Each group matches a direct call on its rows.
    part = est[est["content_type"] == "podcast"]
    direct = random_effects(part["estimate"], part["std_err"])
    assert_allclose(pod["estimate"], direct["estimate"])
    diff = compare_groups(pooled, "podcast", "short_video")
    assert_allclose(diff["difference"], pod["estimate"] - vid["estimate"])
    assert diff["lower"] > 0  # podcasts lift more, as simulated
    assert diff["lower"] < 80 < diff["upper"]


def test_pool_by_small_groups(rng):
    est = _estimates(rng)
    two = est.groupby("content_type").head(2)
    pooled = pool_by(two)
    assert pooled["fragile"].all()
    assert pooled["note"].str.contains("fragile").all()
    one = pd.concat([est, est.iloc[[0]].assign(campaign="webinar-1", content_type="webinar")])
    with pytest.raises(DataValidationError, match="'webinar'.*at least 2|at least 2.*'webinar'"):
        pool_by(one)
    with pytest.raises(DataValidationError, match="pass by="):
        pool_by(est, by="channel")
    with pytest.raises(ParameterError, match="method"):
        pool_by(est, method="HS")


def test_forest_plot_artists_match_table(rng):
    est = _estimates(rng)
    table = campaign_table(est)
    pooled = pool_by(est)
    data = forest_data(table, pooled=pooled)
    ax = forest_plot(table, pooled=pooled)
    container = ax.containers[0]
    points = container.lines[0].get_xydata()
    camp = data[data["kind"] == "campaign"]
    assert_allclose(points[:, 0], camp["estimate"])
    assert_allclose(points[:, 1], camp["y"])
    # Horizontal error bars span lower..upper of each campaign.
    segments = container.lines[2][0].get_segments()
    assert_allclose([s[0][0] for s in segments], camp["lower"])
    assert_allclose([s[1][0] for s in segments], camp["upper"])
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == data["label"].tolist()
    assert labels[5] == "Pooled podcast (k=5)"
    assert len(ax.patches) == 2
    diamond = ax.patches[0].get_xy()
    pod = pooled.set_index("content_type").loc["podcast"]
    assert_allclose([diamond[:, 0].min(), diamond[:, 0].max()], [pod["lower"], pod["upper"]])
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # first row at the top
