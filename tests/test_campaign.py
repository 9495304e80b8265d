"""The campaign analysis behind the report, checked against the sample's known truth."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from darksocial import campaign, config
from darksocial.errors import DataValidationError, InterventionDateError, ParameterError
from darksocial.io import load_sample


@pytest.fixture(scope="module")
def sources():
    return load_sample()


@pytest.fixture(scope="module")
def truth():
    return json.loads((config.SAMPLE_DIR / "TRUTH.json").read_text())


def test_evaluation_window_follows_the_calendar(sources, truth):
    for cid, t in truth["campaigns"].items():
        start, end = campaign.evaluation_window(sources.campaigns, cid)
        assert (start, end) == (pd.Timestamp(t["window_start"]), pd.Timestamp(t["window_end"]))


@pytest.mark.slow
@pytest.mark.parametrize("cid", ["podcast-s1", "shorts-summer", "webinar-series-may"])
def test_real_effects_are_found_and_covered(sources, truth, cid):
    a = campaign.analyze_campaign(sources, cid, metrics=["branded_clicks", "deep_direct_sessions"])
    eff = a.effects_frame()
    for metric, row in eff.iterrows():
        true = truth["campaigns"][cid]["metrics"][metric]
        assert row.relative_lower <= true["relative"] <= row.relative_upper, (metric, row)
        assert row.average_lower <= true["average"] <= row.average_upper, (metric, row)
        # power: the podcast (the biggest step) is detected on both metrics, the ramp on
        # branded search; the webinar overlaps the Meta ads for most of its window, so the
        # model cannot split their lifts with confidence: only coverage is required there
        if cid == "podcast-s1" or (cid == "shorts-summer" and metric == "branded_clicks"):
            assert row.direction == "up", (metric, row)
        assert row.direction != "down", (metric, row)


@pytest.mark.slow
def test_no_effect_campaign_is_not_significant(sources):
    a = campaign.analyze_campaign(sources, "newsletter-relaunch")
    eff = a.effects_frame()
    assert not eff["significant"].any(), eff
    assert "We cannot tell whether Newsletter relaunch moved" in a.bottom_line()


def test_bottom_line_never_contradicts_the_numbers(sources):
    a = campaign.analyze_campaign(sources, "podcast-s1", metrics=["branded_clicks"])
    row = a.effects_frame().loc["branded_clicks"]
    text = a.bottom_line()
    assert ("rose" in text) == (row.relative_lower > 0)
    assert f"+{row.relative * 100:.0f}%" in text
    summary = a.summary()
    assert summary["metrics"]["branded_clicks"]["relative"] == pytest.approx(row.relative)
    json.dumps(summary)  # serializable for summary.json


def test_overlap_and_anonymized_caveats(sources):
    a = campaign.analyze_campaign(sources, "webinar-series-may", metrics=["branded_clicks"])
    assert a.overlapping == ["meta-ads-spring"]
    text = " ".join(a.caveats())
    assert "meta-ads-spring" in text and "lower bound" in text


def test_bad_campaign_and_metric(sources):
    with pytest.raises(ParameterError, match="not in the calendar; known: podcast-s1"):
        campaign.analyze_campaign(sources, "podcast-s9")
    with pytest.raises(ParameterError, match="unknown metric 'branded'"):
        campaign.analyze_campaign(sources, "podcast-s1", metrics=["branded"])


def test_launch_outside_the_data(sources):
    cal = sources.campaigns.rename(index={"newsletter-relaunch": "future"})
    cal.loc["future", ["launch", "end"]] = [pd.Timestamp("2026-03-01"), pd.Timestamp("2026-04-01")]
    moved = type(sources)(**{**sources.__dict__, "campaigns": cal})
    with pytest.raises(InterventionDateError, match="launches outside every series"):
        campaign.analyze_campaign(moved, "future", metrics=["branded_clicks"])


@pytest.mark.slow
def test_checks_rerun_the_headline_analysis(sources):
    a = campaign.analyze_campaign(sources, "podcast-s1", metrics=["branded_clicks"])
    headline = a.effects_frame().loc["branded_clicks"]
    tri = a.triangulate().frame()
    first = tri.iloc[0]
    # the first row is the headline model itself: same numbers
    assert (first.model, first.method, first.pre_period) == ("segmented", "intervention", "all")
    assert first.estimate == pytest.approx(headline.relative)
    assert first.lower == pytest.approx(headline.relative_lower)
    placebo = a.placebo_in_time(n_placebos=12)
    assert placebo.real["estimate"] == pytest.approx(headline.relative)
    # placebo windows never touch a campaign and end before launch
    assert (placebo.placebos["window_end"] < a.window[0]).all()
    assert len(placebo.placebos) == 12
    # a real +16% lift beats nearly all fake launches on this series
    assert placebo.p_value <= 2 / 13
    space = a.placebo_in_space()
    assert not space.any_moved


def test_calendar_keywords_count_in_survey_mentions(sources):
    # "ToolExpo" is a proper name no generic rule knows: the calendar's keywords catch it
    a = campaign.analyze_campaign(sources, "toolexpo-2025", metrics=["branded_clicks"])
    plain = a.mentions()
    cal = sources.campaigns.copy()
    cal["keywords"] = [[] for _ in cal.index]
    cal.at["toolexpo-2025", "keywords"] = ["toolexpo", "tool expo"]
    with_keywords = type(sources)(**{**sources.__dict__, "campaigns": cal})
    b = campaign.analyze_campaign(with_keywords, "toolexpo-2025", metrics=["branded_clicks"])
    more = b.mentions()
    after = "after"
    assert more.table.loc[after, "k"] > plain.table.loc[after, "k"]
    assert "toolexpo" in more.label


@pytest.mark.slow
def test_refits_share_their_inputs_and_give_the_numbers_of_a_fresh_fit(sources):
    """The checks reuse the prepared series and the headline fit: same numbers, bit for bit."""
    from darksocial.its import Intervention

    a = campaign.analyze_campaign(sources, "podcast-s1", metrics=["branded_clicks"])
    # the headline row of the triangulation is the headline fit itself
    assert a._joint_fit("branded_clicks") is a.results["branded_clicks"]
    fake = Intervention("placebo", "2024-06-03", end="2024-07-28", evaluation_end="2024-07-28")
    shared = [a._joint_fit("branded_clicks", extra=[fake]) for _ in range(2)]
    fresh = campaign.fit_joint(
        sources, "branded_clicks", a.options, alpha=a.alpha, seed=a.seed, extra=[fake]
    )
    for res in shared:
        pd.testing.assert_frame_equal(
            res.effects_by_intervention, fresh.effects_by_intervention, check_exact=True
        )
        assert res.p_value_by_intervention.equals(fresh.p_value_by_intervention)
    assert len(a._prepared) == 1  # prepared once for both refits
    short = a._joint_fit("branded_clicks", start="2024-02-03", model="negbin")
    fresh = campaign.fit_joint(
        sources,
        "branded_clicks",
        {**a.options, "model": "negbin"},
        alpha=a.alpha,
        seed=a.seed,
        start="2024-02-03",
    )
    pd.testing.assert_frame_equal(
        short.effects_by_intervention, fresh.effects_by_intervention, check_exact=True
    )


@pytest.mark.slow
def test_page_with_only_search_console_says_why_each_other_section_is_skipped(tmp_path):
    """A folder with one Search Console export: the page runs, every gap is one sentence."""
    import shutil

    from darksocial.formatting import escape
    from darksocial.pages.campaign import campaign_report

    folder = tmp_path / "exports"
    shutil.copytree(config.SAMPLE_DIR / "search_console", folder)
    shutil.copy(config.SAMPLE_DIR / "campaigns.yml", folder)
    page = campaign_report(campaign_id="podcast-s1", data_dir=folder)
    page.triangulation_section(enabled=False)
    page.placebo_in_time_section(n_placebos=6)
    records = page.summary()["sections"]
    assert list(records) == list(page.SECTIONS)
    for name in ("data", "search", "placebo_in_time", "placebo_in_space"):
        assert records[name] == {"status": "ran", "why": None}, name
    for name, says in (
        ("direct", "no GA4 export"),
        ("survey", "No survey answers"),
        ("triangulation", "parameter triangulate is off"),
    ):
        section = page.sections[name]
        assert records[name]["status"] == "skipped" and says in records[name]["why"]
        # the page shows the recorded sentence, and nothing else
        assert section.html == f"<p><i>{escape(records[name]['why'])}</i></p>"
    # every built figure is a Chart with real alt text
    charts = [p for s in page.sections.values() for p in s.parts if not isinstance(p, str)]
    assert len(charts) == 2 and all(len(c.alt) > 40 for c in charts)


def test_period_code_reads_gappy_weekly_and_monthly_series_and_refuses_quarterly():
    from darksocial.campaign import period_code, period_word

    weeks = pd.date_range("2025-01-06", periods=30, freq="W-MON").delete([4, 11])
    month_ends = pd.date_range("2023-01-31", periods=24, freq="ME").delete(7)
    days = pd.date_range("2025-01-01", periods=90, freq="D").delete([10, 11, 40])
    assert (period_code(weeks), period_code(month_ends), period_code(days)) == ("W", "M", "D")
    assert period_word(weeks) == "week"
    quarters = pd.date_range("2015-03-31", periods=20, freq="QE")
    with pytest.raises(DataValidationError, match="quarterly.*daily, weekly or monthly"):
        period_code(quarters)
