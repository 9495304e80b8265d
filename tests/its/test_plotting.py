"""The campaign figure shows one campaign: its window, its effect, its total."""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from conftest import START

from darksocial.its import Intervention, fit
from darksocial.its.plotting import campaign_plot_data, plot_campaign


@pytest.fixture
def two_campaigns(series):
    end = START + pd.Timedelta(days=41)
    return fit(
        series,
        [Intervention("a", START, end=end), Intervention("b", "2025-09-01")],
        n_simulations=200,
    )


@pytest.mark.parametrize("weekly", [False, True])
@pytest.mark.parametrize("name", ["a", "b"])
def test_running_total_ends_at_this_campaigns_total(two_campaigns, name, weekly):
    res = two_campaigns
    data = campaign_plot_data(res, name, weekly=weekly)
    cum = data[data["panel"] == "cumulative"]
    total = res.effects_by_intervention.loc[(name, "cumulative")]
    np.testing.assert_allclose(cum["value"].iloc[-1], total["estimate"])
    np.testing.assert_allclose(cum["lower"].iloc[-1], total["lower"])
    np.testing.assert_allclose(cum["upper"].iloc[-1], total["upper"])
    start, end = res.windows[name]
    assert cum["date"].iloc[0] == start and cum["date"].iloc[-1] == end


def test_zoom_runs_from_four_weeks_before_launch_to_the_window_end(two_campaigns):
    data = campaign_plot_data(two_campaigns, "a")
    zoom = data[data["panel"] == "original"]
    start, end = two_campaigns.windows["a"]
    assert zoom["date"].min() == start - pd.Timedelta(days=28)
    assert zoom["date"].max() == end
    # the effect before launch is zero: only this campaign is switched off
    eff = data[(data["panel"] == "pointwise") & (data["date"] < start)]
    np.testing.assert_allclose(eff["value"], 0.0, atol=1e-9)
    # the context panel is the whole history
    ctx = data[data["panel"] == "context"]
    assert ctx["date"].min() <= two_campaigns.y.index[0] + pd.Timedelta(days=7)


def test_weekly_bins_start_on_launch_day(two_campaigns):
    data = campaign_plot_data(two_campaigns, "a", weekly=True)
    start, _ = two_campaigns.windows["a"]
    dates = data.loc[data["panel"] == "original", "date"].drop_duplicates()
    assert start in set(dates)
    assert ((dates - start).dt.days % 7 == 0).all()


def test_figure_draws_its_data_and_only_this_window(two_campaigns):
    res = two_campaigns
    fig = plot_campaign(res, "a", unit="clicks", title="Branded clicks")
    assert len(fig.axes) == 4
    data = campaign_plot_data(res, "a")
    cum = data[data["panel"] == "cumulative"]
    line = fig.axes[3].get_lines()[0]
    np.testing.assert_allclose(np.asarray(line.get_ydata(), float), cum["value"].to_numpy())
    start, end = res.windows["a"]
    for ax in fig.axes[1:]:
        edges = sorted(
            mdates.date2num(ln.get_xdata()[0])
            if not isinstance(ln.get_xdata()[0], float)
            else ln.get_xdata()[0]
            for ln in ax.get_lines()
            if ln.get_linestyle() == ":"
        )
        np.testing.assert_allclose(edges, mdates.date2num([start, end]))
    labels = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert labels == ["expected without the campaign", "observed"]
    titles = [ax.get_title(loc="left") for ax in fig.axes[1:]]
    assert titles == [
        "Clicks a day",
        "Extra clicks a day",
        "Extra clicks in total since launch",
    ]


def test_an_index_has_no_running_total(two_campaigns):
    fig = plot_campaign(two_campaigns, "a", count=False)
    assert len(fig.axes) == 3
    assert fig.axes[1].get_title(loc="left") == "Index"


def test_unknown_campaign_is_a_clear_error(two_campaigns):
    with pytest.raises(KeyError, match="not a campaign"):
        campaign_plot_data(two_campaigns, "zzz")


@pytest.mark.parametrize(
    ("freq", "launch", "zoom_start"),
    [("W-SUN", "2023-04-02", "2023-03-05"), ("MS", "2023-11-01", "2023-07-01")],
)
def test_zoom_starts_four_weeks_or_four_months_before_launch(rng, freq, launch, zoom_start):
    # 28 days before a monthly launch held no month at all: the zoom began at launch
    index = pd.date_range(end="2024-06-01", periods=120 if freq == "MS" else 160, freq=freq)
    y = pd.Series(50 + rng.normal(0, 3, len(index)), index=index)
    end = pd.Timestamp(launch) + pd.Timedelta(days=60)
    res = fit(y, [Intervention("a", launch, end=end)], n_simulations=100)
    data = campaign_plot_data(res, "a")
    zoom = data.loc[data["panel"] == "original", "date"]
    assert zoom.min() == pd.Timestamp(zoom_start)
    if freq == "MS":
        # monthly ticks on the series' own dates, launch among them
        fig = plot_campaign(res, "a", count=False)
        ticks = {
            pd.Timestamp(t).tz_localize(None) for t in mdates.num2date(fig.axes[2].get_xticks())
        }
        assert pd.Timestamp(launch) in ticks and ticks <= set(index)


@pytest.mark.parametrize("days", [60, 120, 200])
def test_daily_ticks_fall_on_launch_whatever_the_window(rng, days):
    # with two or more weeks between ticks, matplotlib's weekday locator counted from the
    # axis start and could step over launch
    index = pd.date_range("2024-01-01", periods=500, freq="D")
    y = pd.Series(50 + rng.normal(0, 3, len(index)), index=index)
    launch = pd.Timestamp("2024-09-04")
    res = fit(y, [Intervention("a", launch, end=launch + pd.Timedelta(days=days))])
    fig = plot_campaign(res, "a", count=False)
    ticks = [pd.Timestamp(t).tz_localize(None) for t in mdates.num2date(fig.axes[2].get_xticks())]
    assert launch in ticks
    steps = {(b - a).days for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1 and steps.pop() % 7 == 0
    assert 3 <= len(ticks) <= 9


def test_a_long_title_wraps_to_the_figure(two_campaigns):
    # a metric label of 73 characters (a real export's "Search clicks, branded and
    # non-branded together (the filtered pages only)") ran off both sides of the figure
    title = "Search clicks, branded and non-branded together (the filtered pages only)"
    fig = plot_campaign(two_campaigns, "a", unit="clicks", title=title)
    text = fig._suptitle.get_text()
    assert text.replace("\n", " ") == title
    lines = text.split("\n")
    assert len(lines) == 2 and all(len(ln) <= fig.get_figwidth() * 9 for ln in lines)
    fig.canvas.draw()
    box = fig._suptitle.get_window_extent()
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width  # inside the figure
    top_axes = fig.axes[0].get_tightbbox(fig.canvas.get_renderer())
    assert box.y0 >= top_axes.y1  # above the first panel and its title


def test_a_count_near_zero_is_not_expected_below_zero(rng):
    # a real 86-day Search Console export at 0-1 clicks a day drew "-0.1 clicks a day"
    # expected (band to -0.5) in a week that saw no click: the additive model's
    # counterfactual is observed minus the effect
    index = pd.date_range("2025-08-16", periods=86, freq="D")
    y = pd.Series(rng.poisson(0.2, len(index)).astype(float), index=index)
    y.iloc[64:71] = 0.0  # a week after launch with no click
    y.iloc[71:] += 1.0
    res = fit(y, [Intervention("a", index[64])], n_simulations=300)
    assert (
        res.draws.cf_point.min() < 0 and res.draws.cf_draws.min() < 0
    )  # the model itself reaches below zero
    data = campaign_plot_data(res, "a", weekly=True)
    assert data.attrs["floored"]
    zoom = data[(data["panel"] == "original") & (data["line"] == "counterfactual")]
    assert zoom["value"].min() >= 0 and zoom["lower"].min() >= 0
    # the effect per period cannot exceed what was observed; the running total is the model's
    obs = data[(data["panel"] == "original") & (data["line"] == "observed")]
    eff = data[data["panel"] == "pointwise"]
    assert (eff["upper"].to_numpy() <= obs["value"].to_numpy() + 1e-12).all()
    total = res.effects_by_intervention.loc[("a", "cumulative"), "estimate"]
    cum = data[data["panel"] == "cumulative"]
    np.testing.assert_allclose(cum["value"].iloc[-1], total)


def test_a_series_that_goes_negative_is_not_floored(rng):
    index = pd.date_range("2025-01-01", periods=120, freq="D")
    y = pd.Series(rng.normal(0, 1, len(index)), index=index)
    res = fit(y, [Intervention("a", index[90])], n_simulations=200)
    data = campaign_plot_data(res, "a")
    assert not data.attrs["floored"]
    assert data.loc[data["panel"] == "original", "lower"].min() < 0


@pytest.mark.parametrize(
    ("freq", "launch", "end", "drawn_to"),
    [
        ("MS", "2021-11-01", "2021-11-15", "2021-11-30"),  # one month: launch == last period
        ("W-SUN", "2023-04-02", "2023-04-12", "2023-04-15"),  # last week is 9 to 15 April
    ],
)
def test_the_window_is_drawn_to_its_last_periods_end(rng, freq, launch, end, drawn_to):
    # a real monthly Trends campaign of one month drew no orange at all (its window's first
    # and last period are one date) while the caption described the orange bar
    index = pd.date_range(end="2024-06-01", periods=120 if freq == "MS" else 160, freq=freq)
    y = pd.Series(50 + rng.normal(0, 3, len(index)), index=index)
    res = fit(y, [Intervention("a", launch, end=end)], n_simulations=100)
    fig = plot_campaign(res, "a", count=False)
    for ax in fig.axes[1:]:
        edges = sorted(
            pd.Timestamp(mdates.num2date(mdates.date2num(ln.get_xdata()[0]))).tz_localize(None)
            for ln in ax.get_lines()
            if ln.get_linestyle() == ":"
        )
        assert edges == [pd.Timestamp(launch), pd.Timestamp(drawn_to)]
        assert ax.get_xlim()[1] > mdates.date2num(pd.Timestamp(drawn_to))


def test_a_week_with_data_on_less_than_half_its_days_is_not_averaged(series):
    # a real export's gap left one day of the week before launch: its weekly point was that
    # day alone, drawn as a spike nothing marked
    gappy = series.copy()
    week = gappy.index.get_loc(START) - 7
    gappy.iloc[week : week + 6] = np.nan  # one day of that week left
    gappy.iloc[week - 7 : week - 4] = np.nan  # four days of the week before left
    res = fit(gappy, [Intervention("a", START, end=START + pd.Timedelta(days=41))])
    data = campaign_plot_data(res, "a", weekly=True)
    obs = data[(data["panel"] == "original") & (data["line"] == "observed")].set_index("date")
    assert np.isnan(obs.loc[START - pd.Timedelta(days=7), "value"])
    assert np.isfinite(obs.loc[START - pd.Timedelta(days=14), "value"])
