"""Tests of darksocial.checks: placebo in time and space, triangulation, calibration warning."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from darksocial import checks, config
from darksocial.errors import (
    DataFormatError,
    DataValidationError,
    InterventionDateError,
    ParameterError,
)
from darksocial.its import Intervention, fit
from darksocial.sample import simulate_series


def _series(effect, seed, **kw):
    kw.setdefault("yearly", False)
    return simulate_series(730, effect=effect, seed=seed, **kw)


def test_placebo_in_time_ranks_a_large_effect_first():
    y, c, truth = _series(0.3, seed=11)
    res = checks.placebo_in_time(y, truth["launch"], duration=56, controls=c, n_placebos=20)
    n = len(res.placebos)
    assert n == 20 and res.n_failed == 0
    # +30% is far outside what noise produces: the smallest possible calibrated p
    assert res.p_value == pytest.approx(1 / (n + 1))
    assert res.real["estimate"] == pytest.approx(truth["relative"], abs=0.08)
    # placebo windows never touch the real campaign
    assert (res.placebos["window_end"] < truth["launch"]).all()
    assert "rarely produced by noise" in res.report()


def test_placebo_in_time_p_value_formula_and_null_series():
    y, c, truth = _series(0.0, seed=12)
    res = checks.placebo_in_time(y, truth["launch"], duration=56, controls=c, n_placebos=20)
    est = res.placebos["estimate"].to_numpy()
    real = res.real["estimate"]
    expected = (1 + np.sum(np.abs(est) >= abs(real))) / (1 + len(est))
    assert res.p_value == pytest.approx(expected)
    # no campaign: the real "effect" is an ordinary draw among the placebos
    assert res.p_value > 0.1
    assert "could be noise" in res.report()


def test_placebo_estimate_matches_a_direct_engine_fit():
    y, c, truth = _series(0.1, seed=13)
    res = checks.placebo_in_time(y, truth["launch"], duration=28, controls=c, n_placebos=6)
    row = res.placebos.iloc[2]
    pos0 = y.index.get_loc(truth["launch"])
    s = y.index.get_loc(row["launch"])
    cut = min(s + len(y) - pos0, pos0)
    direct = fit(
        y.iloc[:cut],
        Intervention("placebo", row["launch"], evaluation_end=row["window_end"]),
        controls=c.iloc[:cut],
        n_simulations=checks.CHECK_SIMULATIONS,
    )
    assert row["estimate"] == pytest.approx(direct.effects.loc["relative", "estimate"])
    assert row["p_value"] == pytest.approx(direct.p_value)


def test_placebo_in_time_from_a_fitted_result_reuses_its_spec():
    y, c, truth = _series(0.15, seed=14)
    iv = Intervention("c", truth["launch"], evaluation_end=truth["window_end"])
    res = fit(y, iv, controls=c, n_simulations=checks.CHECK_SIMULATIONS)
    a = checks.placebo_in_time(res, n_placebos=8)
    b = checks.placebo_in_time(y, truth["launch"], duration=56, controls=c, n_placebos=8)
    pd.testing.assert_series_equal(a.placebos["estimate"], b.placebos["estimate"])
    assert a.p_value == b.p_value


def test_placebo_report_larger_than_all_with_enough_placebos(placebo_check):
    res = placebo_check(np.linspace(-0.04, 0.04, 30), 0.2)
    text = res.report()
    assert "larger (in size) than all 30 of them: calibrated p = 0.03" in text
    assert "rarely produced by noise" in text
    assert "happen without any campaign" not in text
    assert res.p_value == pytest.approx(1 / 31) and res.verdict == "rare"


def test_placebo_report_too_few_placebos_to_call_anything_unusual(placebo_check):
    # gsc-duo: 9 placebos, the real +5.2% beats them all, p = 0.10 is the floor
    res = placebo_check([0.007, 0.01, 0.012, 0.015, 0.018, 0.02, 0.024, 0.028, 0.031], 0.052)
    text = res.report()
    assert "larger (in size) than all 9 of them: calibrated p = 0.10" in text
    assert "happen without any campaign" not in text and "could be noise" not in text
    assert "too few" in text and "at least 20" in text and "longer history" in text
    assert res.p_value == pytest.approx(0.1) == pytest.approx(res.smallest_p)
    assert res.verdict == "too few" and res.placebos_needed == 20


def test_placebo_report_larger_than_some_could_be_noise(placebo_check):
    res = placebo_check([0.01, -0.02, 0.03, -0.4, 0.05, 0.06, -0.07, 0.5, 0.02, 0.01], -0.3)
    text = res.report()
    assert "larger (in size) than 8 of them" in text and "than all" not in text
    assert "2 of the 10 fake launch dates were at least as large" in text
    assert "could be noise" in text and "too few" not in text
    assert res.p_value == pytest.approx(3 / 11) and res.verdict == "could be noise"
    # one placebo as large: still noise, in the singular
    one = placebo_check(np.r_[np.linspace(-0.1, 0.1, 29), 0.5], 0.37)
    assert "1 of the 30 fake launch dates was at least as large" in one.report()
    assert one.verdict == "could be noise"


def test_placebo_floor_depends_on_alpha(placebo_check):
    # 9 placebos can call an effect unusual at alpha = 0.2 (floor 0.10 < 0.2)
    res = placebo_check(np.linspace(-0.03, 0.03, 9), 0.1, alpha=0.2)
    assert res.verdict == "rare" and res.placebos_needed == 5
    assert "rarely produced by noise" in res.report()


def test_placebo_in_time_bad_input():
    y, _, _ = _series(0.0, seed=15)
    with pytest.raises(InterventionDateError, match="load more history"):
        checks.placebo_in_time(y, y.index[60], duration=56)
    with pytest.raises(ParameterError, match="at least 5"):
        checks.placebo_in_time(y, y.index[-56], n_placebos=2)
    with pytest.raises(InterventionDateError, match="after the first date"):
        checks.placebo_in_time(y, "2020-01-01")
    with pytest.raises(DataValidationError, match="DatetimeIndex"):
        checks.placebo_in_time(y.reset_index(drop=True), 500)
    with pytest.raises(ParameterError, match="model"):
        checks.placebo_in_time(y, y.index[-56], model="prophet")


def test_placebo_in_time_plot_marks_the_real_effect():
    y, c, truth = _series(0.2, seed=16)
    res = checks.placebo_in_time(y, truth["launch"], duration=56, n_placebos=10)
    ax = res.plot()
    xs = [line.get_xdata()[0] for line in ax.lines]
    assert res.real["estimate"] in xs and 0 in xs
    heights = sum(p.get_height() for p in ax.patches)
    assert heights == len(res.placebos)


def test_placebo_in_space_says_which_series_moved():
    y, c, truth = _series(0.0, seed=17)
    moved = y.copy()
    post = moved.index >= truth["launch"]
    moved[post] = moved[post] * 1.3
    res = checks.placebo_in_space(
        {"non-branded search": y, "paid search": moved}, truth["launch"], duration=56
    )
    t = res.frame().set_index("series")
    assert not t.loc["non-branded search", "moved"]
    assert t.loc["paid search", "moved"]
    assert t.loc["paid search", "estimate"] == pytest.approx(0.3, abs=0.08)
    text = res.report()
    assert text.startswith("non-branded search did not move (")
    assert "paid search moved too: the lift may not be the campaign" in text
    # with no lift of the campaign's own there is none to explain away (a real page read
    # "moved too: the lift may not be the campaign" beside -1.5%, no clear change)
    text = res.report(lift=False)
    assert "the lift may not be the campaign" not in text
    assert "paid search moved during the campaign's window while the campaign's own" in text
    ax = res.plot()
    assert len(ax.collections) >= 2
    with pytest.raises(DataValidationError, match="empty"):
        checks.placebo_in_space({}, truth["launch"])


def test_triangulate_table_agrees_on_a_clear_effect_and_notes_failures(monkeypatch):
    y, c, truth = _series(0.25, seed=18)
    tri = checks.triangulate(
        y,
        truth["launch"],
        duration=56,
        controls=c,
        models=("segmented", "poisson"),
        pre_periods=(None, 6),
    )
    t = tri.frame()
    assert len(t) == 2 * 2 * 2
    assert set(t["pre_period"]) == {"all", "6 months"}
    np.testing.assert_allclose(t["estimate"], truth["relative"], atol=0.1)
    assert tri.agreement == "significant up"
    assert "does not depend" in tri.report()
    assert len(tri.plot().collections) >= 1

    # a failing fit becomes a noted row, never an exception
    real_fit = checks._engine()[0]

    def flaky(y, iv, **kw):
        if kw["model"] == "poisson":
            raise RuntimeError("did not converge")
        return real_fit(y, iv, **kw)

    monkeypatch.setattr(checks, "_engine", lambda: (flaky, Intervention))
    t2 = checks.triangulate(
        y, truth["launch"], duration=56, models=("segmented", "poisson"), pre_periods=(None,)
    ).frame()
    failed = t2[t2["model"] == "poisson"]
    assert failed["estimate"].isna().all()
    assert failed["note"].str.contains("did not converge").all()


def test_triangulate_skips_count_models_on_non_counts():
    y, _, truth = _series(0.1, seed=19, counts=False)
    t = checks.triangulate(
        y, truth["launch"], duration=56, models=("segmented", "poisson"), pre_periods=(None,)
    ).frame()
    assert t.loc[t["model"] == "poisson", "note"].str.contains("not applicable").all()
    with pytest.raises(ParameterError, match="months"):
        checks.triangulate(y, truth["launch"], pre_periods=(0,))


def _calibration_csv(tmp_path, **columns):
    """A calibration table of "overall" rows with the given columns, written to tmp_path."""
    path = tmp_path / "calibration.csv"
    frame = pd.DataFrame(columns)
    frame.insert(2, "scenario", "overall")
    frame.to_csv(path, index=False)
    return path


def test_calibration_warning_reads_the_table(tmp_path):
    path = _calibration_csv(
        tmp_path,
        model=["segmented", "arima"],
        method=["intervention", "intervention"],
        coverage_average=[0.95, 0.80],
        coverage_cumulative=[0.95, 0.81],
        false_positive_rate=[0.05, 0.12],
    )
    assert checks.calibration_warning("segmented", "intervention", path=path) is None
    msg = checks.calibration_warning("arima", "intervention", path=path)
    assert "80%" in msg and "12%" in msg
    assert checks.calibration_warning("structural", "counterfactual", path=path) is None
    assert "caution" in msg and "wider than" not in msg
    # a missing table is an error, not a silent "no warning"
    with pytest.raises(DataFormatError, match="calibration table"):
        checks.calibration_warning("arima", "intervention", path=tmp_path / "no.csv")


def test_placebo_in_time_exclude_avoids_earlier_campaigns():
    y, c, truth = _series(0.0, seed=20)
    past = [("2024-09-01", "2024-10-15")]
    res = checks.placebo_in_time(y, truth["launch"], duration=28, n_placebos=15, exclude=past)
    start, end = (pd.Timestamp(d) for d in past[0])
    overlaps = (res.placebos["launch"] <= end) & (res.placebos["window_end"] >= start)
    assert not overlaps.any()
    assert len(res.placebos) == 15
    with pytest.raises(InterventionDateError, match="overlaps an excluded campaign"):
        checks.placebo_in_time(
            y, truth["launch"], duration=28, exclude=[(y.index[0], truth["launch"])]
        )


def test_calibration_warning_by_shape_uses_that_shape_rows(tmp_path):
    path = tmp_path / "calibration.csv"
    rows = [
        ("overall", 0.93, 0.05),
        ("level +10%", 0.95, None),
        ("pulse +30%", 0.40, None),
    ]
    pd.DataFrame(
        {
            "model": "segmented",
            "method": "intervention",
            "scenario": [r[0] for r in rows],
            "coverage_average": [r[1] for r in rows],
            "coverage_cumulative": [r[1] for r in rows],
            "false_positive_rate": [r[2] for r in rows],
        }
    ).to_csv(path, index=False)
    assert checks.calibration_warning("segmented", "intervention", path=path) is None
    assert (
        checks.calibration_warning("segmented", "intervention", shape="level", path=path) is None
    )
    msg = checks.calibration_warning("segmented", "intervention", shape="pulse", path=path)
    assert "of pulse campaigns" in msg and "40%" in msg


def test_committed_calibration_table_is_read():
    # the committed study: the warning names the real numbers of the table
    table = checks.calibration_table()
    row = table[
        (table["model"] == "segmented")
        & (table["method"] == "intervention")
        & (table["scenario"] == "overall")
    ].iloc[0]
    msg = checks.calibration_warning("segmented", "intervention")
    if 0.92 <= row["coverage_average"] <= 0.98 and row["false_positive_rate"] <= 0.06:
        assert msg is None
    else:
        assert (
            f"{row['false_positive_rate']:.0%}" in msg or f"{row['coverage_average']:.0%}" in msg
        )


def test_calibration_table_ships_with_the_package_and_matches_the_benchmark_output():
    # the package reads its own copy; benchmarks/calibration.py writes both
    assert checks.CALIBRATION_TABLE.is_file()
    assert checks.CALIBRATION_TABLE.parent == Path(checks.__file__).resolve().parent / "data"
    committed = config.PROJ_ROOT / "benchmarks" / "results" / "calibration.csv"
    pd.testing.assert_frame_equal(checks.calibration_table(), checks.calibration_table(committed))
    pyproject = (config.PROJ_ROOT / "pyproject.toml").read_text()
    assert '"data/*.csv"' in pyproject


def test_calibration_warning_says_when_intervals_are_too_wide(tmp_path):
    path = _calibration_csv(
        tmp_path,
        model=["structural", "negbin"],
        method=["counterfactual", "counterfactual"],
        coverage_average=[1.0, 0.99],
        coverage_cumulative=[1.0, 0.99],
        false_positive_rate=[0.0, 0.08],
    )
    wide = checks.calibration_warning("structural", "counterfactual", path=path)
    assert "100%" in wide and "wider than they need be" in wide and "caution" not in wide
    # too wide and too many false positives at once is not "just conservative"
    mixed = checks.calibration_warning("negbin", "counterfactual", path=path)
    assert "8%" in mixed and "caution" in mixed


def test_a_row_without_a_verdict_is_not_counted_as_significant():
    # rows compared in units keep "n/a" (NaN) where they have no interval; astype(bool) made
    # such a row "a significant effect" in the sentence beside an "n/a" in the table
    import numpy as np
    import pandas as pd

    from darksocial.checks import Triangulation

    table = pd.DataFrame(
        {
            "model": ["segmented", "arima"],
            "method": ["intervention", "intervention"],
            "pre_period": ["all", "all"],
            "average": [2.0, 1.5],
            "average_lower": [1.0, 0.2],
            "average_upper": [3.0, 2.8],
            "p_value": [0.01, 0.04],
            "significant": [True, np.nan],
            "note": ["", ""],
        }
    )
    tri = Triangulation(table, 0.05, "average", "clicks a day")
    assert tri.agreement == "mixed"
    assert "1 of 2 finds a significant effect" in tri.report()
    one = Triangulation(table.iloc[[1]].reset_index(drop=True), 0.05, "average", "clicks a day")
    assert "it finds no effect whose interval excludes zero" in one.report()
