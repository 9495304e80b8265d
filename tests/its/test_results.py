"""Result tables, the report text and the figure agree with each other."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import START, ar1_from_zero, simulate

from darksocial.errors import ParameterError
from darksocial.its import Intervention, fit
from darksocial.its.wording import is_significant


def test_effects_layout_and_tidy_frame(series):
    res = fit(series, [Intervention("spring", START)])
    assert list(res.effects.index) == ["average", "cumulative", "relative"]
    assert list(res.effects.columns) == ["estimate", "lower", "upper"]
    assert list(res.params.columns) == ["estimate", "std_err", "lower", "upper", "p_value"]
    assert {"const", "trend", "spring:level"} <= set(res.params.index)
    tidy = res.effects_frame()
    row = tidy[(tidy.intervention == "all") & (tidy.metric == "average")].iloc[0]
    assert row["estimate"] == res.effects.loc["average", "estimate"]
    assert row["p_value"] == res.p_value
    cols = [
        "observed",
        "fitted",
        "counterfactual",
        "counterfactual_lower",
        "counterfactual_upper",
        "effect",
        "effect_lower",
        "effect_upper",
        "cumulative_effect",
        "cumulative_effect_lower",
        "cumulative_effect_upper",
    ]
    assert list(res.pointwise.columns) == cols
    pw = res.pointwise
    post = pw.loc[START:]
    # observed - counterfactual is the effect, and its mean is the average effect
    np.testing.assert_allclose(post["observed"] - post["counterfactual"], post["effect"])
    assert post["effect"].mean() == pytest.approx(res.effects.loc["average", "estimate"])


def test_evaluation_window(series):
    end = START + pd.Timedelta(days=55)
    res = fit(series, START, evaluation_end=end)
    assert res.window == (START, end)
    pw = res.pointwise.loc[START:end]
    assert res.effects.loc["cumulative", "estimate"] == pytest.approx(pw["effect"].sum())
    res2 = fit(series, Intervention("x", START, evaluation_end=end))
    pd.testing.assert_frame_equal(res.effects, res2.effects)


def test_default_window_is_the_campaigns_own_when_they_end():
    # +20 from START for 56 days, nothing after: a campaign with an end is evaluated over
    # launch..end by default, not over the months after it (issue #12)
    end = START + pd.Timedelta(days=55)
    base = simulate(21, effect=0.0)
    y = base + 20.0 * ((base.index >= START) & (base.index <= end))
    res = fit(y, Intervention("podcast", START, end=end))
    assert res.window == (START, end)
    avg = res.effects.loc["average"]
    assert avg["lower"] <= 20.0 <= avg["upper"]
    assert avg["estimate"] == pytest.approx(20.0, abs=3.0)
    assert "56 days" in res.report() or "8 weeks" in res.report()
    # an explicit evaluation_end still wins: to the end of the data the average is diluted
    full = fit(y, Intervention("podcast", START, end=end), evaluation_end=y.index[-1])
    assert full.window == (START, y.index[-1])
    assert full.effects.loc["average", "estimate"] < 10.0
    # several campaigns: the overall window runs to the last end, each keeps its own
    second = pd.Timestamp("2025-09-01")
    two = fit(
        y,
        [
            Intervention("podcast", START, end=end),
            Intervention("radio", second, end=second + pd.Timedelta(days=27)),
        ],
    )
    assert two.window == (START, second + pd.Timedelta(days=27))
    assert two.windows["podcast"] == (START, end)
    per = two.effects_by_intervention
    lo, hi = per.loc[("podcast", "average"), ["lower", "upper"]]
    assert lo <= 20.0 <= hi
    lo, hi = per.loc[("radio", "average"), ["lower", "upper"]]
    assert lo <= 0.0 <= hi
    # a campaign without an end keeps the old default, the end of the data
    open_ended = fit(y, [Intervention("podcast", START, end=end), Intervention("radio", second)])
    assert open_ended.window == (START, y.index[-1])


@pytest.mark.parametrize("method", ["intervention", "counterfactual"])
def test_one_campaigns_effects_alone_equal_its_block_of_the_table(method):
    # +20 during the podcast, nothing during the radio campaign
    end = START + pd.Timedelta(days=55)
    base = simulate(22, effect=0.0)
    y = base + 20.0 * ((base.index >= START) & (base.index <= end))
    second = pd.Timestamp("2025-09-01")
    ivs = [
        Intervention("podcast", START, end=end),
        Intervention("radio", second, end=second + pd.Timedelta(days=27)),
    ]
    alone = fit(y, ivs, method=method)
    podcast = alone.effects_for("podcast")
    assert podcast.loc["average", "lower"] <= 20.0 <= podcast.loc["average", "upper"]
    p_alone = alone.p_value_for("podcast")
    table = fit(y, ivs, method=method)
    pd.testing.assert_frame_equal(podcast, table.effects_by_intervention.loc["podcast"])
    assert p_alone == table.p_value_by_intervention["podcast"]
    with pytest.raises(ParameterError, match="no campaign 'tv'.*podcast, radio"):
        alone.effects_for("tv")


@pytest.mark.parametrize("effect", [20.0, 0.0, -20.0])
@pytest.mark.parametrize("method", ["intervention", "counterfactual"])
def test_report_never_contradicts_numbers(effect, method):
    y = simulate(13, effect=effect)
    res = fit(y, START, method=method, n_simulations=300)
    text = res.report(outcome="branded clicks")
    sig = is_significant(res.effects)
    assert ("unlikely to be noise" in text) == sig
    assert ("cannot tell this apart from noise" in text) == (not sig)
    cum = res.effects.loc["cumulative", "estimate"]
    assert f"{cum:,.0f}" in text
    assert f"p = {res.p_value:.3g}" in text
    if effect > 0:
        assert sig and "added" in text
    if effect < 0:
        assert sig and "removed" in text and "decrease" in text
    s = res.summary()
    assert "<table" in s._repr_html_() and "Effects" in s._repr_html_()
    assert "spring" not in str(s) and "average" in str(s)


def test_plot_draws_plot_data(series):
    res = fit(
        series,
        [
            Intervention("a", START, end=START + pd.Timedelta(days=30)),
            Intervention("b", "2025-09-01"),
        ],
        n_simulations=200,
    )
    fig = res.plot()
    axes = fig.axes
    assert len(axes) == 3
    data = res.plot_data()
    assert set(data["panel"]) == {"original", "pointwise", "cumulative"}
    obs = data[(data.panel == "original") & (data.line == "observed")]
    line = axes[0].get_lines()[0]
    np.testing.assert_allclose(np.asarray(line.get_ydata(), float), obs["value"].to_numpy())
    cum = data[data.panel == "cumulative"]
    np.testing.assert_allclose(
        np.asarray(axes[2].get_lines()[0].get_ydata(), float), cum["value"].to_numpy()
    )
    # each campaign window is shaded on each panel
    for ax in axes:
        spans = [p for p in ax.patches if p.__class__.__name__ in ("Rectangle", "Polygon")]
        assert len(spans) >= 2
    assert axes[0].get_legend() is not None


def test_plot_shades_the_public_windows(series):
    import matplotlib.dates as mdates

    end = START + pd.Timedelta(days=30)
    res = fit(
        series,
        [Intervention("a", START, end=end), Intervention("b", "2025-09-01")],
        n_simulations=200,
    )
    assert res.windows == {"a": (START, end), "b": (pd.Timestamp("2025-09-01"), series.index[-1])}
    assert res.window == (START, series.index[-1])
    ax = res.plot().axes[0]
    spans = [p for p in ax.patches if p.__class__.__name__ == "Rectangle"]
    got = sorted((p.get_x(), p.get_x() + p.get_width()) for p in spans)
    want = sorted(tuple(mdates.date2num(list(w))) for w in res.windows.values())
    np.testing.assert_allclose(got, want)
    # the first campaign start is the dotted line
    starts = [ln.get_xdata()[0] for ln in ax.get_lines() if ln.get_linestyle() == ":"]
    assert mdates.date2num(res.window[0]) in [mdates.date2num(x) for x in starts]


def test_result_is_an_immutable_value(series):
    import dataclasses

    res = fit(series, START, n_simulations=200)
    for name, value in [("alpha", 0.1), ("windows", {}), ("notes", ("x",)), ("effects", None)]:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(res, name, value)
    assert res.notes == ()
    noted = dataclasses.replace(res, notes=["checked by hand"])
    assert noted.notes == ("checked by hand",) and res.notes == ()
    pd.testing.assert_frame_equal(noted.effects_frame(), res.effects_frame())


@pytest.mark.parametrize("method", ["intervention", "counterfactual"])
def test_summary_frame_at_another_alpha_equals_a_refit(series, method):
    ivs = [
        Intervention("a", START, end=START + pd.Timedelta(days=30)),
        Intervention("b", "2025-09-01"),
    ]
    res = fit(series, ivs, method=method, n_simulations=300)
    # at the fit's own alpha: the stored intervals
    own = res.summary_frame()
    pd.testing.assert_frame_equal(own, res.effects_frame())
    pd.testing.assert_frame_equal(res.summary_frame(alpha=res.alpha), own)
    overall = own[own.intervention == "all"].set_index("metric")[["estimate", "lower", "upper"]]
    pd.testing.assert_frame_equal(overall, res.effects, check_names=False)
    per = own[own.intervention != "all"].set_index(["intervention", "metric"])
    pd.testing.assert_frame_equal(
        per[["estimate", "lower", "upper"]], res.effects_by_intervention, check_names=False
    )
    # at another alpha: what a refit at that alpha (same seed) reports, without the refit
    for alpha in (0.1, 0.01):
        refit = fit(series, ivs, method=method, n_simulations=300, alpha=alpha)
        pd.testing.assert_frame_equal(
            res.summary_frame(alpha=alpha), refit.effects_frame(), check_exact=False, rtol=1e-10
        )
    narrow, wide = res.summary_frame(alpha=0.2), res.summary_frame(alpha=0.01)
    assert (narrow["lower"] >= wide["lower"]).all() and (narrow["upper"] <= wide["upper"]).all()
    assert (narrow["upper"] - narrow["lower"] < own["upper"] - own["lower"]).all()
    with pytest.raises(ParameterError, match="alpha=1.5"):
        res.summary_frame(alpha=1.5)


def test_report_notes_when_the_relative_effect_and_the_point_ratio_disagree():
    # 80 persistent days before launch, original scale: the relative effect (the mean over
    # the simulated forecasts, as R CausalImpact >= 1.3) and the effect over the expected
    # level differ by 8 points; the report says so, as R 1.4 does. On the log scale the
    # relative effect is the point ratio itself (the per-draw mean of exponentials was
    # +118 points away), so there is nothing to note.
    import numpy as np
    import pandas as pd

    from darksocial.its import Intervention, fit

    rng = np.random.default_rng(1)
    n = 100
    idx = pd.date_range("2024-01-01", periods=n)
    e = ar1_from_zero(rng, n, 0.9, 0.15)
    y = pd.Series(np.exp(5 + e), idx)
    iv = Intervention("c", idx[80])
    wild = fit(y, iv, model="segmented", method="counterfactual")
    assert (wild.draws.cf_draws.sum(axis=1) > 0).all()  # else the point ratio is used
    assert "read the interval, not the point estimate" in wild.report()
    logged = fit(y, iv, model="segmented", method="counterfactual", transform="log")
    eff = logged.effects
    expected = y.iloc[80:].mean() - eff.loc["average", "estimate"]
    assert np.isclose(eff.loc["relative", "estimate"], eff.loc["average", "estimate"] / expected)
    assert "not the point estimate" not in logged.report()
    calm = fit(
        pd.Series(np.exp(5 + 0.02 * rng.standard_normal(n)), idx),
        iv,
        model="segmented",
        method="counterfactual",
    )
    assert "not the point estimate" not in calm.report()


def test_relative_effect_when_some_forecasts_total_zero_or_less():
    # Original scale near zero: forecasts of 0.5 a day with paths below zero. The mean of
    # sum(y) / sum(path) - 1 over such paths has no meaning (a real Search Console export
    # printed -118% (-345% to +371%) for -0.2 clicks a day against 0.5), and the absolute
    # interval over the expected total fell below -100% (a real export: -32%, -132% to
    # +74%). The per-path ratio falls as the path's total rises (a total of none or less:
    # an unbounded ratio), so its quantiles are the totals' quantiles, mapped.
    from darksocial.its.results import _effects

    rng = np.random.default_rng(3)
    n = 30
    y = np.full(n, 0.3)
    cf_point = np.full(n, 0.5)
    # a few paths (under 2.5%) total zero or less: the interval is bounded
    cf_draws = 0.5 + 0.4 * rng.standard_normal((1000, n)).cumsum(axis=1) / 5
    sims = cf_draws.sum(axis=1)
    assert 0 < (sims <= 0).mean() < 0.025
    frame, _p = _effects(y, cf_point, cf_draws, 0, n - 1, 0.05)
    rel = frame.loc["relative"]
    ratio = np.where(sims > 0, y.sum() / np.where(sims > 0, sims, 1) - 1, np.inf)
    assert np.isclose(rel["estimate"], y.sum() / cf_point.sum() - 1)  # -40%
    np.testing.assert_allclose(
        [rel["lower"], rel["upper"]], np.quantile(ratio, [0.025, 0.975]), rtol=0.02
    )
    assert -1 <= rel["lower"] <= rel["estimate"] <= rel["upper"]
    # many paths total zero or less: no upper end, no relative effect (reports use units)
    wide = 0.5 + 0.4 * rng.standard_normal((1000, n)).cumsum(axis=1) / 3
    assert (wide.sum(axis=1) <= 0).mean() > 0.025
    frame, _p = _effects(y, cf_point, wide, 0, n - 1, 0.05)
    assert frame.loc["relative"].isna().all()
    assert frame.loc["average"].notna().all()
    # every path positive: R CausalImpact's per-draw mean and quantiles, as before
    frame, _p = _effects(y, cf_point, np.abs(wide) + 0.2, 0, n - 1, 0.05)
    sims = (np.abs(wide) + 0.2).sum(axis=1)
    assert np.isclose(frame.loc["relative", "estimate"], np.mean(y.sum() / sims - 1))


def test_expected_totals_of_a_series_never_below_zero_are_floored_at_zero():
    # a real Trends term at an index of 1.4 read "+0.84 index points (95% interval -23 to
    # +26)": +26 needs an expected index of -24.6. Totals (not single periods) are floored,
    # so the interval only loses impossible values and keeps every true total it held.
    from darksocial.its.results import _effects

    rng = np.random.default_rng(11)
    n = 28
    y = rng.poisson(0.4, n).astype(float)
    truth = 0.4 * n
    kept = lost = 0
    for _ in range(300):
        cf_draws = 0.4 + rng.normal(0, 0.8, (1000, n)) + rng.normal(0, 0.6, (1000, 1))
        cf_point = cf_draws.mean(axis=0)
        raw, p_raw = _effects(y, cf_point, cf_draws, 0, n - 1, 0.05)
        out, p_out = _effects(y, cf_point, cf_draws, 0, n - 1, 0.05, floor=True)
        cum, cum_raw = out.loc["cumulative"], raw.loc["cumulative"]
        assert cum["upper"] <= y.sum() + 1e-9  # no more than observed was added
        assert cum_raw["lower"] == cum["lower"] and cum["upper"] <= cum_raw["upper"]
        assert np.isclose(out.loc["average", "upper"], cum["upper"] / n)
        was = cum_raw["lower"] <= y.sum() - truth <= cum_raw["upper"]
        now = cum["lower"] <= y.sum() - truth <= cum["upper"]
        kept += was and now
        lost += was and not now
        assert p_out == p_raw
    assert lost == 0 and kept > 250
    # some draws' totals were below zero, so the floor was tested, not idle
    assert (cf_draws.sum(axis=1) < 0).any()


def test_a_near_zero_fit_adds_no_more_than_observed_and_its_figure_agrees():
    from darksocial.its.plotting import campaign_plot_data

    rng = np.random.default_rng(5)
    idx = pd.date_range("2024-01-01", periods=160, freq="D")
    y = pd.Series(rng.poisson(0.25, len(idx)).astype(float), idx, name="index")
    launch = idx[120]
    res = fit(y, [Intervention("c", launch)], method="counterfactual", n_simulations=500)
    eff = res.effects_for("c")
    window = y.loc[launch:]
    assert eff.loc["cumulative", "upper"] <= window.sum() + 1e-9
    assert eff.loc["average", "upper"] <= window.mean() + 1e-9
    cum = campaign_plot_data(res, "c").query("panel == 'cumulative'").iloc[-1]
    np.testing.assert_allclose(
        [cum["value"], cum["lower"], cum["upper"]],
        eff.loc["cumulative", ["estimate", "lower", "upper"]].to_numpy(float),
    )
    # and the result's own table and plot (pointwise's upper read 10.1 beside effects' 5.0)
    last = res.pointwise.iloc[-1]
    np.testing.assert_allclose(
        [
            last["cumulative_effect"],
            last["cumulative_effect_lower"],
            last["cumulative_effect_upper"],
        ],
        eff.loc["cumulative", ["estimate", "lower", "upper"]].to_numpy(float),
    )


def test_a_ceiling_caps_expected_totals_and_keeps_every_true_total_held():
    # a real Trends week at 78 read "+39 index points (95% interval -38 to +65)": -38 needs
    # an expected index of 116 on a 0-100 index
    from darksocial.its.results import _effects

    rng = np.random.default_rng(12)
    n = 4
    y = np.array([100.0, 55.0, 90.0, 97.0])
    truth = 85.0 * n
    lost = kept = 0
    for _ in range(300):
        cf_draws = 85 + rng.normal(0, 20, (1000, n)) + rng.normal(0, 15, (1000, 1))
        raw, _ = _effects(y, cf_draws.mean(axis=0), cf_draws, 0, n - 1, 0.05, floor=True)
        out, _ = _effects(
            y, cf_draws.mean(axis=0), cf_draws, 0, n - 1, 0.05, floor=True, ceiling=100.0
        )
        cum, cum_raw = out.loc["cumulative"], raw.loc["cumulative"]
        assert cum["lower"] >= y.sum() - 100 * n - 1e-9  # no more taken than 100 allowed
        assert cum["upper"] == cum_raw["upper"] and cum["lower"] >= cum_raw["lower"]
        was = cum_raw["lower"] <= y.sum() - truth <= cum_raw["upper"]
        now = cum["lower"] <= y.sum() - truth <= cum["upper"]
        kept += was and now
        lost += was and not now
    assert lost == 0 and kept > 250
    assert (cf_draws.sum(axis=1) > 100 * n).any()  # the cap was tested, not idle


def test_a_ceiling_below_the_data_is_refused():
    idx = pd.date_range("2024-01-01", periods=120, freq="D")
    y = pd.Series(np.linspace(20, 120, 120), idx)
    with pytest.raises(ParameterError, match="ceiling=100 must be positive and at least"):
        fit(y, [Intervention("a", idx[100])], ceiling=100)


def test_share_above_ceiling_counts_paths_past_what_the_series_can_do():
    rng = np.random.default_rng(8)
    idx = pd.date_range("2024-01-01", periods=60, freq="W-SUN")
    y = pd.Series(np.clip(85 + rng.normal(0, 8, 60), 0, 100), idx)
    launch = idx[50]
    res = fit(y, [Intervention("c", launch)], method="counterfactual", ceiling=100)
    share = res.share_above_ceiling("c")
    assert 0 < share < 1
    # the cumulative interval's lower end is then the bound itself: observed - 100 a period
    eff = res.effects_for("c")
    assert eff.loc["average", "lower"] >= y.loc[launch:].mean() - 100 - 1e-9
    unbounded = fit(y, [Intervention("c", launch)], method="counterfactual")
    assert unbounded.share_above_ceiling("c") == 0.0
