"""Tests of darksocial.planning: minimum detectable lift, duration needed, power curve, CLI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from darksocial import cli, planning
from darksocial.errors import InterventionDateError, ParameterError
from darksocial.sample import simulate_series
from darksocial.validation import exclusion_mask

NOISE_SD = 0.05
PHI = 0.5


@pytest.fixture(scope="module")
def history():
    """Two years of continuous values with known AR(1) noise and no seasonality."""
    y, _, _ = simulate_series(
        730,
        effect=0.0,
        weekly=False,
        yearly=False,
        trend=0.0,
        phi=PHI,
        noise_sd=NOISE_SD,
        counts=False,
        n_controls=1,
        control_share=0.0,
        seed=5,
    )
    return y


def _launch(y):
    return y.index[-1] + pd.Timedelta(days=1)


def test_analytic_mde_matches_the_known_noise(history):
    res = planning.minimum_detectable_lift(
        history, _launch(history), duration=28, n_sim=10, seasonality=None, lifts=[0.0, 0.2]
    )
    # (z_0.975 + z_0.8) * sd * sqrt((1 + phi)/(1 - phi) * (1/28 + 1/n_pre)), sd on log scale
    lrv = (1 + PHI) / (1 - PHI)
    expected = 2.8016 * NOISE_SD * np.sqrt(lrv * (1 / 28 + 1 / 730))
    assert res.analytic_answer == pytest.approx(expected, rel=0.2)


def test_simulated_mde_agrees_with_analytic_on_simple_noise(history):
    res = planning.minimum_detectable_lift(
        history, _launch(history), duration=28, n_sim=30, seasonality=None
    )
    t = res.frame()
    assert list(t.columns[:4]) == ["lift", "power", "power_lower", "power_upper"]
    assert t["power"].is_monotonic_increasing
    # no lift: detection is a false positive, close to alpha
    assert t.loc[t["lift"] == 0, "power"].iloc[0] <= 0.2
    assert 0.6 * res.analytic_answer <= res.answer <= 1.8 * res.analytic_answer
    assert "needs a lift of at least" in res.report()
    ax = res.plot()
    assert len(ax.lines) >= 3
    np.testing.assert_allclose(ax.lines[0].get_ydata(), t["power"])


def test_duration_needed_shrinks_with_a_larger_lift(history):
    kw = {"durations": [7, 14, 28, 56], "n_sim": 16, "seasonality": None}
    small = planning.duration_needed(history, _launch(history), lift=0.05, **kw)
    large = planning.duration_needed(history, _launch(history), lift=0.15, **kw)
    assert large.answer <= small.answer or np.isnan(small.answer)
    assert large.answer <= 14
    assert list(large.frame()["duration"]) == [7, 14, 28, 56]
    assert "must run about" in large.report()


def test_planning_bad_input(history):
    launch = _launch(history)
    with pytest.raises(ParameterError, match="positive fraction"):
        planning.duration_needed(history, launch, lift=0)
    with pytest.raises(ParameterError, match="positive fraction"):
        planning.duration_needed(history, launch, lift=-0.1)
    with pytest.raises(ParameterError, match="fraction such as 0.10"):
        planning.duration_needed(history, launch, lift=10)
    with pytest.raises(ParameterError, match=">= 1"):
        planning.minimum_detectable_lift(history, launch, duration=0)
    with pytest.raises(ParameterError, match="power"):
        planning.minimum_detectable_lift(history, launch, duration=28, power=1.5)
    with pytest.raises(InterventionDateError, match="needs at least 60"):
        planning.minimum_detectable_lift(history, history.index[40], duration=28)
    with pytest.raises(ParameterError, match="exactly one"):
        planning.power_curve(history, launch)


def test_plan_cli_prints_tables_and_fails_in_one_line(history, tmp_path, capsys):
    path = tmp_path / "clicks.csv"
    history.rename("clicks").rename_axis("date").reset_index().to_csv(path, index=False)
    argv = ["plan", "--csv", str(path), "--column", "clicks", "--launch", "2026-01-01"]
    assert cli.main([*argv, "--duration", "14", "--n-sim", "10"]) == 0
    out = capsys.readouterr().out
    assert "needs a lift of at least" in out and "analytic_power" in out
    assert cli.main([*argv, "--lift", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "lift=0" in err
    assert (
        cli.main(["plan", "--csv", str(path), "--column", "nope", "--launch", "2026-01-01"]) == 2
    )
    assert "use --column with one of" in capsys.readouterr().err


def test_exclude_keeps_pseudo_campaigns_away_from_past_campaigns(history):
    launch = _launch(history)
    past = ("2025-09-01", "2025-10-31")
    lifted = history.copy()
    inside = (lifted.index >= past[0]) & (lifted.index <= past[1])
    lifted[inside] *= 1.5  # a big past campaign inside the history
    plan = planning._make_plan(
        lifted,
        launch,
        controls=None,
        model="segmented",
        method="intervention",
        shape="level",
        alpha=0.05,
        power=0.8,
        min_pre=None,
        seed=1,
        n_sim=20,
        fit_kwargs={},
        need=28,
        exclude=[past],
    )
    starts = plan.starts(28, 20)
    assert len(starts) >= 10
    for s in starts:
        window = lifted.index[s : s + 28]
        assert not ((window >= past[0]) & (window <= past[1])).any()
    with pytest.raises(ParameterError, match="pair of dates"):
        exclusion_mask(history.index, [("soon",)])


def test_report_warns_when_the_analysis_detects_lifts_that_are_not_there():
    table = pd.DataFrame(
        {
            "lift": [0.0, 0.1, 0.2],
            "power": [0.3, 0.6, 0.9],
            "power_lower": [0.2, 0.5, 0.8],
            "power_upper": [0.4, 0.7, 0.95],
            "detected": [12, 24, 36],
            "n_sims": [40, 40, 40],
            "analytic_power": [0.025, 0.5, 0.9],
        }
    )
    kw = {
        "varying": "lift",
        "answer": 0.167,
        "analytic_answer": 0.15,
        "fixed": 28.0,
        "launch": pd.Timestamp("2026-01-12"),
        "model": "segmented",
        "method": "intervention",
        "shape": "level",
        "alpha": 0.05,
        "power": 0.8,
        "n_history": 700,
    }
    assert "Warning: with no lift injected" in planning.PowerAnalysis(table=table, **kw).report()
    ok = table.assign(power=[0.05, 0.6, 0.9])
    assert "Warning" not in planning.PowerAnalysis(table=ok, **kw).report()
