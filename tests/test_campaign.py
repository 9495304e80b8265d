"""The campaign analysis behind the report, checked against the sample's known truth."""

from __future__ import annotations

import json
import re

import numpy as np
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
    name = sources.campaigns.loc["meta-ads-spring", "name"]
    assert f"Other campaigns ran during this window ({name})" in text and "lower bound" in text


def test_a_brand_guessed_from_the_site_address_is_a_caveat(sources):
    # a real folder's brand was guessed from kwara.gov.ng: "kwara" is also a state's name,
    # and the report said nothing of the guess beyond the data section
    import dataclasses

    a = campaign.analyze_campaign(sources, "webinar-series-may", metrics=["branded_clicks"])
    assert not any("were guessed" in c for c in a.caveats())  # the sample states its brand
    how = {**sources.settings.inferred, "brand": "from the Search Console site address"}
    guessed = dataclasses.replace(sources.settings, brand=("kwara",), inferred=how)
    a.sources = dataclasses.replace(sources, settings=guessed)
    caveat = next(c for c in a.caveats() if "were guessed" in c)
    assert caveat.startswith("The brand terms (kwara) were guessed from the Search Console site")
    assert "List the brand's own terms under brand: in darksocial.yml." in caveat


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


# -- the bottom line reconciled with the placebo check in time ------------------------------
@pytest.fixture(scope="module")
def podcast_two(sources):
    return campaign.analyze_campaign(
        sources, "podcast-s1", metrics=["branded_clicks", "deep_direct_sessions"]
    )


def _head(text):
    return text.split("**")[1]


def _bullet(text, start):
    return next(ln for ln in text.splitlines() if ln.startswith(f"- **{start}"))


def test_bottom_line_does_not_vouch_for_a_lift_the_placebo_check_calls_noise(
    podcast_two, placebo_check
):
    # viking-gaps: the model's p < 0.001, but 5 of 30 placebos "significant" (17%: its
    # intervals are too narrow) and one placebo as large as the real +13%
    row = podcast_two.effects_frame().loc["branded_clicks"]
    effects = np.r_[np.linspace(-0.06, 0.06, 29), -0.2]
    check = placebo_check(effects, row.relative, significant=5)
    assert check.intervals_too_narrow and check.verdict == "could be noise"
    text = podcast_two.bottom_line(placebos={"branded_clicks": check})
    head = _head(text)
    assert head == (
        "The Tool Crib podcast, season 1 sponsorship lifted direct sessions on deep pages. "
        "Branded search clicks rose by 13%, but the placebo check says it could be noise."
    )
    line = _bullet(text, "Branded search clicks")
    assert line.startswith("- **Branded search clicks: rose, but this could be noise.**")
    assert "1 of the 30 fake launch dates was as large; calibrated p = 0.06" in line
    assert "own p = 0.002 overstates how sure we are" in line and "17% of 30" in line
    # the metric the check did not cover keeps the model's verdict; nothing else vouches
    assert text.count("unlikely to be noise") == 1
    assert "unlikely to be noise" in _bullet(text, "Direct sessions on deep pages")


def test_bottom_line_with_too_few_placebos_to_confirm(podcast_two, placebo_check):
    row = podcast_two.effects_frame().loc["branded_clicks"]
    check = placebo_check(np.linspace(-0.03, 0.03, 9), row.relative, significant=3)
    assert check.intervals_too_narrow and check.verdict == "too few"
    text = podcast_two.bottom_line(placebos={"branded_clicks": check})
    assert "Branded search clicks rose by 13%, but the checks cannot confirm it." in _head(text)
    line = _bullet(text, "Branded search clicks")
    assert "rose, but the checks cannot confirm it.**" in line
    assert "9 fake launch dates are too few" in line and "at least 20" in line
    assert "could be noise" not in line and "unlikely to be noise" not in line


def test_bottom_line_when_the_placebo_check_confirms_or_trusts_the_model(
    podcast_two, placebo_check
):
    plain = podcast_two.bottom_line()
    row = podcast_two.effects_frame().loc["branded_clicks"]
    effects = np.linspace(-0.06, 0.06, 30)
    # intervals too narrow, but the real lift beats all 30 placebos: it stands, with the
    # calibrated p and why the model's own p is not the one to read
    confirmed = podcast_two.bottom_line(
        placebos={"branded_clicks": placebo_check(effects, row.relative, significant=6)}
    )
    assert _head(confirmed) == _head(plain)
    line = _bullet(confirmed, "Branded search clicks")
    assert line.startswith("- **Branded search clicks: rose.**")
    assert "unlikely to be noise: the placebo check confirms it (calibrated p = 0.03)" in line
    assert "overstates how sure we are" in line
    # a check that finds the model's intervals fine leaves the verdict to the model; where
    # its own calibrated p does not confirm the change, the bullet says so (the placebo
    # section says "could be noise"; a real monthly Trends download read as a contradiction)
    fine = placebo_check(np.r_[effects[:29], 0.3], row.relative, significant=1)
    assert not fine.intervals_too_narrow and fine.verdict == "could be noise"
    text = podcast_two.bottom_line(placebos={"branded_clicks": fine})
    assert _head(text) == _head(plain)
    line = _bullet(text, "Branded search clicks")
    assert line.startswith("- **Branded search clicks: rose.**")
    assert "unlikely to be noise (p " in line
    assert (
        "the placebo check is less sure (calibrated p = 0.06: 1 of the 30 fake launch dates "
        "was as large), but it finds the model's intervals sound on this series" in line
    )
    rare = placebo_check(effects, row.relative, significant=1)
    assert not rare.intervals_too_narrow and rare.verdict == "rare"
    assert podcast_two.bottom_line(placebos={"branded_clicks": rare}) == plain


def test_bottom_line_no_clear_change_stays_so_with_a_placebo_check(sources, placebo_check):
    a = campaign.analyze_campaign(sources, "newsletter-relaunch", metrics=["branded_clicks"])
    row = a.effects_frame().loc["branded_clicks"]
    for effects, says in [
        (np.linspace(-0.06, 0.06, 30), "the placebo check agrees (calibrated p = "),
        (np.linspace(-0.0005, 0.0005, 30), "the placebo check alone finds it rare"),
    ]:
        check = placebo_check(effects, row.relative, significant=6)
        text = a.bottom_line(placebos={"branded_clicks": check})
        assert _head(text).startswith("We cannot tell whether Newsletter relaunch moved")
        line = _bullet(text, "Branded search clicks")
        assert "no clear change.**" in line and says in line
        assert "too narrow" in line and "unlikely to be noise" not in line


def test_placebo_verdict_reconciles_model_and_check(placebo_check):
    assert campaign.placebo_verdict(True, None) == "model"
    ok = placebo_check(np.linspace(-0.1, 0.1, 30), 0.5, significant=1)
    assert campaign.placebo_verdict(True, ok) == "model"
    narrow = {"significant": 10}
    assert campaign.placebo_verdict(True, placebo_check([0.1] * 30, 0.5, **narrow)) == (
        "confirmed"
    )
    assert campaign.placebo_verdict(True, placebo_check([0.6] * 30, 0.5, **narrow)) == (
        "could be noise"
    )
    assert campaign.placebo_verdict(True, placebo_check([0.1] * 9, 0.5, significant=4)) == (
        "unconfirmed"
    )
    assert campaign.placebo_verdict(False, placebo_check([0.6] * 30, 0.5, **narrow)) == (
        "no clear change"
    )


def test_report_bottom_line_summary_and_index_say_the_same_thing(podcast_two, placebo_check):
    from darksocial import reporting
    from darksocial.pages.campaign import CampaignReport

    row = podcast_two.effects_frame().loc["branded_clicks"]
    check = placebo_check(np.r_[np.linspace(-0.06, 0.06, 29), -0.2], row.relative, significant=5)
    page = CampaignReport(analysis=podcast_two, checks={"placebo_in_time": check})
    bottom = page.bottom_line_markdown()
    # one verdict, not a claim and its retraction
    assert "rose, but this could be noise" in bottom and "too narrow on branded" not in bottom
    assert bottom == podcast_two.bottom_line(placebos={"branded_clicks": check})
    summary = json.loads(json.dumps(page.summary(), default=reporting._json_default))
    assert summary["metrics"]["branded_clicks"]["placebo_verdict"] == "could be noise"
    assert "placebo_verdict" not in summary["metrics"]["deep_direct_sessions"]
    index = reporting._verdicts(summary)
    assert "Branded search clicks: rose, +13% (+4.7% to +23%), but the placebo check says it " in (
        index
    )
    assert "Direct sessions on deep pages: rose, +10% (+2.4% to +18%)<br>" in index


def _trends_folder(tmp_path, freq, launch, end, *, periods, terms=("acme", "widgets")):
    """A data folder holding one Google Trends download (weekly or monthly) and a campaign."""
    import numpy as np

    rng = np.random.default_rng(sum(map(ord, "darksocial")))
    folder = tmp_path / f"trends-{freq}-{len(terms)}"
    folder.mkdir()
    if freq == "W":
        dates = pd.date_range(
            end=pd.Timestamp(end) + pd.Timedelta(weeks=8), periods=periods, freq="W-SUN"
        )
        head, stamp = "Week", "%Y-%m-%d"
    else:
        dates = pd.date_range(
            end=pd.Timestamp(end) + pd.DateOffset(months=6), periods=periods, freq="MS"
        )
        head, stamp = "Month", "%Y-%m"
    values = np.clip(np.round(50 + rng.normal(0, 6, (len(dates), len(terms)))), 1, 100)
    rows = [f"{head}," + ",".join(f"{t}: (Worldwide)" for t in terms)]
    rows += [
        f"{d:{stamp}}," + ",".join(str(int(v)) for v in row)
        for d, row in zip(dates, values, strict=True)
    ]
    (folder / "multiTimeline.csv").write_text("Category: All categories\n\n" + "\n".join(rows))
    (folder / "campaigns.yml").write_text(
        f"campaigns:\n- id: launch\n  name: Launch\n  launch: {launch}\n  end: {end}\n"
    )
    (folder / "darksocial.yml").write_text("brand: [acme]\n")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize(
    ("freq", "launch", "end", "periods", "span", "lead", "last"),
    [
        # 2 Apr to 14 May on Sunday-dated weeks: 7 weeks, not 43 days; the week dated 14 May
        # ends on 20 May (the pages said "to 14 May")
        ("W", "2023-04-02", "2023-05-14", 29, "7 weeks", "four weeks", "2023-05-20"),
        # November and December: 2 months, not 61 days, to 31 Dec (not 1 Dec)
        ("M", "2023-11-01", "2023-12-31", 48, "2 months", "four months", "2023-12-31"),
    ],
)
def test_weekly_and_monthly_pages_count_time_in_their_own_period(
    tmp_path, freq, launch, end, periods, span, lead, last
):
    from darksocial.formatting import day
    from darksocial.its.plotting import campaign_plot_data
    from darksocial.pages.campaign import campaign_report

    folder = _trends_folder(tmp_path, freq, launch, end, periods=periods)
    page = campaign_report(campaign_id="launch", data_dir=folder)
    a = page.analysis
    assert a.period == {"W": "week", "M": "month"}[freq]
    assert f"({span})" in page.header_html()
    assert f"Measured over {span} from" in a.bottom_line()
    # the window ends on its last period's last day, wherever a page dates it
    assert a.last_day == pd.Timestamp(last)
    assert f"to {day(pd.Timestamp(last))} (" in page.header_html()
    assert f"to {day(pd.Timestamp(last))}, against" in a.bottom_line()
    chart = page.metric_chart("brand_interest")
    assert f"from {lead} before launch" in chart.caption
    assert f"from 4 {lead.split()[1]} before launch" in chart.alt
    assert f"to {day(pd.Timestamp(last))})" in chart.alt
    # the figure's zoom does start four periods before launch
    res = a.results["brand_interest"]
    data = campaign_plot_data(res, "launch")
    zoom = data.loc[data["panel"] == "original", "date"]
    assert zoom.min() == res.y.index[res.y.index.get_loc(pd.Timestamp(launch)) - 4]
    page.placebo_in_time_section(n_placebos=6)
    text = " ".join([a.bottom_line(), page.header_html(), chart.caption, chart.alt])
    text += " ".join(a.caveats()) + " ".join(s.html for s in page.sections.values())
    assert " days" not in text and " day " not in text
    if freq == "W":
        # 14 weeks before launch: history, placebos and the short baseline in weeks
        caveats = " ".join(a.caveats())
        assert "Only 14 weeks of history before launch" in caveats
        assert "the baseline rests on few weeks" in caveats
        why = page.summary()["sections"]["placebo_in_time"]["why"]
        assert "each followed by 7 weeks without any campaign, after the first 13 weeks" in why


@pytest.mark.slow
@pytest.mark.parametrize(
    ("end", "last"),
    [
        # a Wednesday end on Sunday-dated weeks: measured through the week of 14-20 May
        # (header and bottom line said "to 23 May", the figure's text "to 20 May")
        ("2023-05-17", "2023-05-20"),
        # no end: 56 days from 2 Apr, eight weeks, the last dated 21 May (said "to 2 Jun")
        (None, "2023-05-27"),
    ],
)
def test_a_weekly_window_ends_on_its_last_week_s_last_day(tmp_path, end, last):
    from darksocial.formatting import day
    from darksocial.pages.campaign import campaign_report

    folder = _trends_folder(tmp_path, "W", "2023-04-02", "2023-05-17", periods=29)
    if end is None:
        (folder / "campaigns.yml").write_text(
            "campaigns:\n- id: launch\n  name: Launch\n  launch: 2023-04-02\n"
        )
    page = campaign_report(campaign_id="launch", data_dir=folder)
    a = page.analysis
    assert a.last_day == pd.Timestamp(last)
    said = f"to {day(pd.Timestamp(last))}"
    assert said + " (" in page.header_html()
    assert said + ", against" in a.bottom_line()
    assert said + ")" in page.metric_chart("brand_interest").alt


@pytest.mark.slow
def test_placebo_in_space_runs_on_the_other_trends_term(tmp_path):
    from darksocial.pages.campaign import campaign_report

    folder = _trends_folder(tmp_path, "W", "2024-04-14", "2024-05-26", periods=200)
    page = campaign_report(campaign_id="launch", data_dir=folder)
    assert list(page.analysis.control_series()) == ["Google Trends interest in widgets"]
    section = page.placebo_in_space_section()
    assert page.summary()["sections"]["placebo_in_space"] == {"status": "ran", "why": None}
    assert "Google Trends interest in widgets showed no clear change" in section.html
    # the brand term alone: the sentence names the missing Trends term, not Search Console
    alone = _trends_folder(tmp_path, "W", "2024-04-14", "2024-05-26", periods=200, terms=["acme"])
    page = campaign_report(campaign_id="launch", data_dir=alone)
    page.placebo_in_space_section()
    why = page.summary()["sections"]["placebo_in_space"]["why"]
    assert "a second Google Trends term" in why and "non-branded search" not in why


@pytest.mark.slow
def test_each_metric_says_what_it_is_compared_with(tmp_path, podcast_two):
    # a real monthly Trends download alone: the branded-search section named Search Console
    # and non-branded search as the control (the notebook's fixed intro); it is the other
    # Trends term, and nothing on the page speaks of Search Console as if it were there
    import shutil
    from pathlib import Path

    from darksocial.pages.campaign import CampaignReport, campaign_report

    src = Path(__file__).parent / "data/trends/allianz_prima/multiTimeline.csv"
    shutil.copy(src, tmp_path / "multiTimeline.csv")
    (tmp_path / "campaigns.yml").write_text("campaigns:\n- {id: tv, launch: 2025-01-01}\n")
    (tmp_path / "darksocial.yml").write_text("brand: [Prima Assicurazioni]\n")
    page = campaign_report(campaign_id="tv", data_dir=tmp_path)
    assert page.analysis.model_controls("brand_interest") == {
        "Google Trends interest in Allianz": "trends"
    }
    html = page.search_section().html
    assert "from Google Trends interest in Allianz as a control" in html
    assert "Search Console" not in html and "non-branded" not in html
    # the sample: non-branded search for branded clicks and deep-page direct sessions alike
    sample = CampaignReport(analysis=podcast_two)
    for metric in ("branded_clicks", "deep_direct_sessions"):
        assert "from non-branded search clicks as a control" in sample.baseline_html(metric)
    # a Search Console export without a query filter has no control: the page says so
    bare = tmp_path / "bare"
    shutil.copytree(config.SAMPLE_DIR / "search_console" / "ui_export", bare / "ui_export")
    shutil.copy(config.SAMPLE_DIR / "campaigns.yml", bare)
    page = campaign_report(campaign_id="podcast-s1", data_dir=bare, metrics=["search_clicks"])
    assert page.analysis.model_controls("search_clicks") == {}
    assert "<p>No control series for search clicks" in page.search_section().html


def test_a_mostly_zero_metric_is_reported_in_counts_not_percentages(real_folder):
    # a real Search Console export with no click on 55 of the 64 days before launch: its
    # bottom line said "+0.1 clicks a day (+37%, 95% interval -1,569% to +1,570%)"
    from darksocial.pages.campaign import campaign_report

    folder = real_folder(
        "search_console/abudhabi_dates/Dates.csv",
        calendar="campaigns:\n- {id: nad, name: Newsletter, content_type: newsletter, "
        "launch: 2025-10-19, end: 2025-11-09}\n",
    )
    page = campaign_report(campaign_id="nad", data_dir=folder)
    a = page.analysis
    assert a.sparse_metrics() == {"search_clicks": (55, 64)}
    # its figure drew -0.1 clicks a day expected (band to -0.5) in a week without a click
    caption = page.metric_chart("search_clicks").caption
    assert "drawn no lower than zero, since there cannot be fewer than no clicks" in caption
    line = next(ln for ln in a.bottom_line().splitlines() if ln.startswith("- **Search clicks"))
    assert "%" not in line.replace("95% interval", "")
    # (to +0.5 before the expected total was floored at zero: 0.2 a day were observed)
    assert "clicks a day (95% interval \u22120.3 to +0.2)" in line
    # "no clear change" on a site this small: how large a change it could have shown
    assert "only a change of more than about \u00b10.4 clicks a day would stand out" in line
    assert any("zero on 55 of the 64 days" in c for c in a.caveats())


def test_metrics_with_few_zero_days_keep_their_relative_lift(podcast_two):
    assert podcast_two.sparse_metrics() == {}
    assert "(+13%, 95% interval +" in podcast_two.bottom_line()


def test_control_jump_caveat_says_it_is_the_blunter_check():
    # a raw before/after jump of the control sat next to a placebo in space that "did not
    # move" it (trends-btc-alts); the caveat now says which check is which
    from darksocial.its import FitWarning

    w = FitWarning(
        "control_jump", "control jumped", control="altcoin_interest", change=0.37, t=4.2
    )
    text = campaign.plain_warning(w, "Google Trends interest")
    assert "altcoin interest" in text and "+37% after launch against before" in text
    assert "placebo in space" in text and "sharper test" in text
    assert text.endswith("the lift in Google Trends interest is understated.")


def test_a_control_that_fell_at_launch_means_an_overstated_lift():
    # a real monthly Trends download (heineken, -38% after launch): the caveat said a
    # control that fell would make the lift "understated"; the expected level falls with
    # it, so the lift would read larger, not smaller
    from darksocial.its import FitWarning

    w = FitWarning("control_jump", "control jumped", control="heineken", change=-0.38, t=3.1)
    text = campaign.plain_warning(w, "Google Trends interest in the brand")
    assert "(−38% after launch against before)" in text
    assert text.endswith("the lift in Google Trends interest in the brand is overstated.")


def test_a_control_that_moves_against_the_metric_turns_the_caveat_around():
    # the model's coefficient on Michelob Ultra is negative in a real monthly Trends
    # download (beer_fr): the control rose +264% at launch, which lowers what is expected,
    # yet the caveat said the lift was "understated"
    from darksocial.its import FitWarning

    w = FitWarning("control_jump", "jumped", control="michelob_ultra", change=2.64, t=4.0)
    text = campaign.plain_warning(w, "brand interest", slope=-0.0018)
    assert text.endswith("the lift in brand interest is overstated.")
    w = FitWarning("control_jump", "jumped", control="heineken", change=-0.2, t=4.0)
    assert campaign.plain_warning(w, "brand interest", slope=-0.5).endswith("is understated.")
    assert campaign.plain_warning(w, "brand interest", slope=0.0).endswith("may be off.")


def test_a_control_jump_is_measured_around_launch_and_named_as_downloaded(beer_fr):
    # four real monthly Trends downloads over 22 years: the caveat compared every month
    # after a March 2020 launch with every month before ("michelob ultra +525%", a decade
    # of growth) and lowered the term's capitals
    from darksocial.pages.campaign import campaign_report

    caveats = campaign_report(campaign_id="fest", data_dir=beer_fr).analysis.caveats()
    jumps = [c for c in caveats if c.startswith("The control series")]
    assert len(jumps) == 2
    assert jumps[1].startswith(
        "The control series (Google Trends interest in Michelob Ultra) also moved at launch "
        "(+264% in the 2 months from launch against the 2 months before)"
    )
    assert "(Google Trends interest in heineken)" in jumps[0] and "(−20% in the 2" in jumps[0]
    # the model's coefficient on Michelob Ultra is negative: its rise lowered what is
    # expected, so the lift would read larger if the campaign moved it
    assert jumps[1].endswith("is overstated.")
    assert "michelob ultra" not in " ".join(caveats)


def _innomatics_report(tmp_path):
    """The campaign report of a real weekly Trends download whose brand is mostly zero."""
    import shutil
    from pathlib import Path

    from darksocial.pages.campaign import campaign_report

    src = Path(__file__).parent / "data/trends/innomatics/multiTimeline.csv"
    shutil.copy(src, tmp_path / "multiTimeline.csv")
    (tmp_path / "campaigns.yml").write_text(
        "campaigns:\n- {id: web, launch: 2021-01-10, end: 2021-02-21}\n"
    )
    (tmp_path / "darksocial.yml").write_text("brand: [innomatics]\n")
    return campaign_report(campaign_id="web", data_dir=tmp_path)


def test_placebo_in_space_on_trends_controls_with_zero_weeks(tmp_path):
    # a real weekly Trends download whose other terms are 0 in some weeks: the placebo in
    # space fitted them on the log scale and failed the whole report ("transform='log'
    # needs 360digitmg_... > 0"); like the metric itself, such a control is fitted on the
    # original scale
    page = _innomatics_report(tmp_path)
    section = page.placebo_in_space_section()
    assert section.status == "ran"
    table = page.placebo_in_space().table
    assert len(table) == 4 and table["average"].notna().all()
    # Social Prachar is 0 in 29 of the 38 weeks before launch: its change is in index
    # points, and an interval that holds zero is not "moved" (it said "moved too (-100%,
    # -100% to -100%)")
    assert (
        "Social Prachar - Data Science Course AI Training in Hyderabad showed no clear change (−6.2 index points, −15 to 0)"
        in section.html
    )
    assert not table["moved"].any()


def test_several_controls_are_named_as_controls(tmp_path):
    # the four other terms of a real weekly Trends download were named "... and
    # Google Trends interest in 360DigiTMG ... as a control"
    # (38 weeks before launch support 3 control columns: the four enter as their patterns)
    html = _innomatics_report(tmp_path).baseline_html("brand_interest")
    assert (
        "from 3 summary trends of the common ups and downs of the 4 other Google Trends "
        "terms as controls"
    ) in html
    assert "as a control" not in html and "summary trend 2" not in html


def test_notes_keep_the_capitals_of_google_trends(tmp_path):
    # the zero-weeks note of a real weekly Trends download read "Google trends interest in
    # the brand is zero on 31 weeks" (str.capitalize lowers the rest of the label)
    caveats = " ".join(_innomatics_report(tmp_path).analysis.caveats())
    assert "Google Trends interest in the brand is zero on 31 weeks" in caveats
    assert "Google trends" not in caveats


def test_a_mostly_zero_metric_is_in_counts_in_its_section_too(tmp_path):
    # a real weekly Trends download, brand at 0 in 26 of the 38 weeks before launch: the
    # bottom line gave index points, but the section said "Read the relative change" and
    # "+16 index points (+168%; 95% interval +28% to +781%)" (with its second download)
    page = _innomatics_report(tmp_path)
    # (its 4 other terms enter as 3 summary trends of them: 38 weeks support 3)
    assert page.analysis.sparse_metrics() == {"brand_interest": (26, 38)}
    html = page.search_section().html
    assert "Read the relative change" not in html and "Read the change in index points" in html
    # (+15, +6.2 to +24 before India's holidays entered the model: the country now comes
    # from the download's place)
    assert "+16 index points (95% interval +7.8 to +25)" in html
    assert "Relative lift" not in html and "%;" not in html


def test_a_mostly_zero_metric_is_in_units_in_the_checks_too(tmp_path):
    # a real weekly Trends download, brand at 0 in 26 of the 38 weeks before launch: the
    # triangulation table and the placebo in time still gave relative lifts ("-84%, below
    # -10,000% to +15%", "'effects' mostly between -68% and +172%") under a bottom line
    # and a section in index points; the placebo check ranked those relative effects
    page = _innomatics_report(tmp_path)
    html = page.triangulation_section().html
    assert "Average effect (index points)" in html and "Relative lift" not in html
    assert "the average effect ranges from" in html and "+16 index points" in html
    assert "%" not in html.replace("95% interval", "").split("</style>")[-1]
    check = page.placebo_in_time()
    assert check.statistic == "average" and check.unit == "index points"
    # the rank is on the average effect's size, in the units the sentence gives
    avg = check.placebos["average"].abs().to_numpy()
    real = abs(check.real["average"])
    assert check.p_value == (1 + int(np.sum(avg >= real))) / (1 + len(avg))
    text = page.placebo_in_time_section().html
    assert "mostly between \u22125.2 and +7.7 index points" in text
    assert "The real effect, +16 index points, is larger (in size) than all 19" in text
    head = page.bottom_line_markdown().splitlines()[0]
    assert "a rise of 16 index points in Google Trends interest" in head and "%" not in head


def test_checks_keep_the_relative_lift_on_metrics_with_few_zero_days(podcast_two):
    from darksocial.pages.campaign import CampaignReport

    page = CampaignReport(analysis=podcast_two)
    assert podcast_two.placebo_in_time("branded_clicks", n_placebos=5).statistic == "relative"
    assert "Relative lift" in page.triangulation_table("branded_clicks").to_html()


def test_a_long_page_filter_is_not_quoted_in_every_label(tmp_path):
    # a real Excel export filtered by a regular expression of 16 page addresses: the whole
    # regex sat in the bottom line, every heading and sentence, and the figure title, where
    # it was cut off on both sides
    import shutil
    from pathlib import Path

    from darksocial.io import load_folder

    folder = Path(__file__).parent / "data/search_console/awningdepot_xlsx"
    for path in folder.glob("*.xlsx"):
        shutil.copy(path, tmp_path)
    (tmp_path / "campaigns.yml").write_text(
        "campaigns:\n- {id: pod, launch: 2025-11-17, end: 2025-12-28}\n"
    )
    sources = load_folder(tmp_path)
    assert sources.search_console.attrs["page_filter"].startswith("+^https://awningdepot")
    assert campaign.metric_label(sources, "search_clicks") == (
        "search clicks, branded and non-branded together (the filtered pages only)"
    )


def test_a_clear_change_on_an_expected_total_below_zero_is_not_no_clear_change(tmp_path):
    # a weekly index that fell to zero before launch: the model's expected total is below
    # zero, so the relative effect is undefined (NaN); the bottom line read "no clear
    # change. +2.0 index points (95% interval +1.0 to +3.0); ... (p = 0.007)"
    import datetime as dt

    from darksocial.pages.campaign import campaign_report

    start = dt.date(2024, 1, 7)
    values = [3] * 10 + [1] * 10 + [0] * 30 + [2] * 10
    rows = [f"{start + dt.timedelta(weeks=i)},{v}" for i, v in enumerate(values)]
    (tmp_path / "multiTimeline.csv").write_text(
        "Category: All categories\n\nWeek,acme: (Worldwide)\n" + "\n".join(rows) + "\n"
    )
    (tmp_path / "campaigns.yml").write_text(
        "campaigns:\n- {id: web, launch: 2024-12-22, end: 2025-02-23}\n"
    )
    (tmp_path / "darksocial.yml").write_text("brand: [acme]\n")
    analysis = campaign_report(campaign_id="web", data_dir=tmp_path).analysis
    row = analysis.effects_frame().loc["brand_interest"]
    assert np.isnan(row["relative"]) and row["average_lower"] > 0
    assert row["significant"] and row["direction"] == "up"
    assert "no clear change" not in analysis.bottom_line()


def _real_chart(tmp_path, name, calendar):
    """A data folder of a real Search Console Chart.csv (tests/data/search_console/NAME)."""
    import shutil
    from pathlib import Path

    src = Path(__file__).parent / "data/search_console" / name / "Chart.csv"
    shutil.copy(src, tmp_path / "Chart.csv")
    (tmp_path / "campaigns.yml").write_text(calendar)
    return tmp_path


def _niheating(tmp_path, calendar):
    return _real_chart(tmp_path, "niheating_gap", calendar)


def test_a_campaign_just_after_a_long_gap_in_the_export_gets_its_report(tmp_path):
    # a real export with no row for 283 days; a campaign launched a week after it crashed
    # the report ("section 'The bottom line' failed: IndexError"): a fake launch of the
    # placebo check fell in the gap, where its term is zero on every day with data
    from darksocial.pages.campaign import campaign_report

    folder = _niheating(
        tmp_path,
        "campaigns:\n- {id: autumn, name: Autumn push, content_type: podcast, "
        "launch: 2026-09-20}\n",
    )
    page = campaign_report(campaign_id="autumn", data_dir=folder)
    assert "Autumn push" in page.bottom_line_markdown()
    check = page.placebo_in_time()
    y = page.analysis.results["search_clicks"].y
    assert len(check.placebos) >= 20
    for row in check.placebos.itertuples():
        assert y.loc[row.launch : row.window_end].notna().mean() >= 0.8
    # a fall cannot be more than everything: the interval read -132% to +74% (now no
    # percentage where it has no bound, else one that stops at -100%)
    eff = page.analysis.effects_frame().loc["search_clicks"]
    assert not eff.relative_lower < -1
    assert "n/a" not in page.bottom_line_markdown()
    # only the figure showed that 7 of the 90 days before launch have data
    assert any(
        "only 7 days of the 90 days before launch have data (a gap in the export)" in c
        for c in page.analysis.caveats()
    )


def test_a_lift_whose_percentage_has_no_bound_is_read_in_counts(tmp_path):
    # the same export's first campaign: 7.6 clicks a day against 1.5 expected, with so
    # uncertain an expected level that some of its paths total none or less. Its percentage
    # interval has no upper end, so the report gives clicks a day, with a caveat saying why
    from darksocial.pages.campaign import campaign_report

    folder = _niheating(
        tmp_path,
        "campaigns:\n- {id: spring, name: Spring launch, content_type: video, "
        "launch: 2025-10-14, end: 2025-11-09}\n",
    )
    page = campaign_report(campaign_id="spring", data_dir=folder)
    a = page.analysis
    assert np.isnan(a.effects_frame().loc["search_clicks", "relative"])
    assert "search_clicks" in a.sparse_metrics()
    line = next(ln for ln in a.bottom_line().splitlines() if ln.startswith("- **Search clicks"))
    assert "n/a" not in line and "clicks a day (95% interval +" in line
    assert any("a percentage of none has no bound" in c for c in a.caveats())
    assert "n/a" not in page.placebo_in_time_section().html
    # the sentence under the figure said "rose ... p < 0.001" with no word of the doubt
    # the bottom line reads over the same numbers
    assert "rose, but the checks cannot confirm it" in page.bottom_line_markdown()
    assert "p &lt; 0.001, but the checks cannot confirm it" in page.metric_html("search_clicks")
    # the plain level before launch beside the model's expected one (7.6 a day against 1.5
    # expected read as if the site had been at 1.5; it averaged 4.9 in the weeks before)
    raw = pd.read_csv(folder / "Chart.csv", parse_dates=["Date"]).set_index("Date")["Clicks"]
    before = raw.loc["2025-09-16":"2025-10-13"].mean()
    assert (
        f"In the 28 days before launch (as the figure shows them) it averaged {before:.1f} a day."
        in (page.metric_html("search_clicks"))
    )


def test_an_interval_that_just_excludes_zero_with_p_above_alpha_is_at_the_edge(sources):
    # the interval is read off simulated paths, the intervention method's p is a Wald test:
    # at the edge they disagree, and a real monthly Trends series read "rose ... unlikely
    # to be noise (p = 0.06)". The direction stays the interval's (as on every other page);
    # the bullet says it is at the edge
    a = campaign.analyze_campaign(sources, "podcast-s1", metrics=["branded_clicks"])
    res = a.results["branded_clicks"]
    assert not a.effects_frame().loc["branded_clicks", "borderline"]
    p = res.p_value_by_intervention.copy()
    p[:] = 0.06
    res.__dict__["p_value_by_intervention"] = p  # the cached value, as if the test said so
    row = a.effects_frame().loc["branded_clicks"]
    assert row.direction == "up" and row.borderline and row.significant
    text = a.bottom_line()
    assert "unlikely to be noise" not in text
    assert (
        "at the edge: its interval just excludes zero, but the model's test gives p = 0.06" in text
    )


def test_a_triangulation_row_without_a_bounded_percentage_is_compared_in_units(
    sources, monkeypatch
):
    # a fitted row whose percentage has no bound (some expected paths total none or less)
    # was counted among those that "could not be fitted"; the table then compares every
    # row in the metric's units
    a = campaign.analyze_campaign(sources, "podcast-s1", metrics=["branded_clicks"])
    real = campaign.CampaignAnalysis._effect_row

    def effect_row(self, res, name, *, sparse=False):
        row = real(self, res, name, sparse=sparse)
        if res.model == "arima":
            row.update(estimate=np.nan, lower=np.nan, upper=np.nan)
        return row

    monkeypatch.setattr(campaign.CampaignAnalysis, "_effect_row", effect_row)
    tri = a.triangulate("branded_clicks")
    assert tri.statistic == "average"
    assert "could not be fitted" not in tri.report()
    arima = tri.table.set_index("model").loc["arima"]
    assert np.isnan(arima["estimate"]) and np.isfinite(arima["average"])
    # the sentence compares every row in the metric's units, arima's among them
    assert "average effect ranges from" in tri.report()


def test_an_expected_level_below_zero_is_said_to_be_a_poor_fit(tmp_path):
    # a real hand-merged Trends file: "an index of 64 on average against -13 expected"
    import re
    import shutil
    from pathlib import Path

    from darksocial.pages.campaign import campaign_report

    src = Path(__file__).parent / "data/trends/it_merged/multiTimeline.csv"
    shutil.copy(src, tmp_path / "multiTimeline.csv")
    (tmp_path / "campaigns.yml").write_text("campaigns:\n- {id: launch, launch: 2021-02-01}\n")
    (tmp_path / "darksocial.yml").write_text("brand: [Mario Draghi]\n")
    page = campaign_report(campaign_id="launch", data_dir=tmp_path)
    row = page.analysis.effects_frame().loc["brand_interest"]
    # the model's expected level (-13) is floored at zero: no more than all that was
    # observed can be the campaign's
    assert row.counterfactual == 0 and row.average == row.observed
    assert row.average_upper <= row.observed
    text = re.sub("<[^>]+>", "", page.metric_html("brand_interest"))
    assert (
        "against 0 expected without it (the model's own forecast is below zero, where this "
        "series never goes, so it is taken as zero" in text
    )
    # its percentage has no bound (not a mostly-zero index): the section and the caveat
    # say so, in index points (they said "zero in most periods" and "read ... in counts")
    assert "brand_interest" in page.analysis.sparse_metrics()
    section = re.sub("<[^>]+>", "", page.search_section().html)
    assert "Read the change in index points" in section and "could be none at all" in section
    caveat = next(c for c in page.analysis.caveats() if "has no bound" in c)
    assert "read the change in index points" in caveat


def test_a_control_that_did_not_change_at_launch_is_not_said_to_move(tmp_path):
    # the control's t compares all months after launch with all before (16 years of
    # monthly Trends); its words, the launch's own window: "also moved at launch (0% in
    # the 2 months from launch against the 2 months before)"
    import shutil
    from pathlib import Path

    from darksocial.pages.campaign import campaign_report

    shutil.copy(Path(__file__).parent / "data/trends/it_merged/multiTimeline.csv", tmp_path)
    (tmp_path / "campaigns.yml").write_text("campaigns:\n- {id: launch, launch: 2021-02-01}\n")
    (tmp_path / "darksocial.yml").write_text("brand: [Mario Draghi]\n")
    page = campaign_report(campaign_id="launch", data_dir=tmp_path)
    res = page.analysis.results["brand_interest"]
    jumps = [w for w in res.diagnostics.warnings if w.code == "control_jump"]
    assert jumps and all(abs(w.change) >= 0.005 for w in jumps)
    assert not [c for c in page.analysis.caveats() if "(0% in the" in c]


def test_placebo_launches_without_a_bounded_percentage_are_compared_in_counts(tmp_path):
    # with both campaigns of the calendar, 10 of the 27 fake launches before Autumn push had
    # no bounded percentage: they ranked as smaller than the real effect (p too small) and
    # the text read "found 'effects' mostly between n/a and n/a"
    from darksocial.pages.campaign import campaign_report

    folder = _niheating(
        tmp_path,
        "campaigns:\n"
        "- {id: spring, name: Spring launch, content_type: video, launch: 2025-10-14, "
        "end: 2025-11-09}\n"
        "- {id: autumn, name: Autumn push, content_type: podcast, launch: 2026-09-20}\n",
    )
    page = campaign_report(campaign_id="autumn", data_dir=folder)
    check = page.placebo_in_time()
    assert check.statistic == "average"
    fake, real = check.placebos["average"].abs(), abs(check.real["average"])
    assert check.p_value == (1 + int((fake >= real).sum())) / (1 + len(fake))
    html = page.placebo_in_time_section().html
    assert "n/a" not in html and "clicks a day" in html
    # the count counterfactual forecast a year across the gap: "-1,903,269 to +3.3 clicks a
    # day" on a site of at most 18 was a row of the table and of its "ranges from" sentence
    t = page.triangulation().table
    (row,) = t[(t["model"] == "negbin") & (t["method"] == "counterfactual")].itertuples()
    assert np.isnan(row.average) and "far outside anything the series has seen" in row.note
    # the table cuts notes at 80 characters: they are in full under it
    section = page.triangulation_section().html
    assert (
        "Notes:</p><ul><li>Negative binomial count model, forecast from before launch: "
        "could not be estimated" in section
    )
    assert "(at most 18)</li>" in section


def test_the_bottom_line_says_when_series_that_should_not_move_rose_too(tmp_path):
    import shutil
    from pathlib import Path

    from darksocial.pages.campaign import campaign_report

    src = Path(__file__).parent / "data/trends/memecoins_weekly/multiTimeline.csv"
    shutil.copy(src, tmp_path)
    (tmp_path / "darksocial.yml").write_text("brand: [doge]\n")
    (tmp_path / "campaigns.yml").write_text(
        "campaigns:\n- {id: listing, name: Exchange listing push, content_type: paid_social, "
        "launch: 2024-11-10, end: 2024-12-08}\n"
    )
    page = campaign_report(campaign_id="listing", data_dir=tmp_path)
    moved = page.placebo_in_space().table
    rose = set(moved.loc[moved["moved"] & (moved["estimate"] > 0), "series"])
    assert rose and page.analysis.effects_frame().loc["brand_interest", "direction"] == "up"
    text = page.bottom_line_markdown(triangulate=False)
    last = text.splitlines()[-1]
    assert last.startswith("- **But ") and "rose too**" in last
    assert all(name in last for name in rose)
    assert "may come from the market, not the campaign" in last
    assert set(page.summary()["metrics"]["brand_interest"]["moved_too"]) == rose


def test_a_percentage_of_a_very_uncertain_expected_level_is_read_in_counts(tmp_path):
    # a real small site (2.6 clicks a day): the relative lift read "+6.1%, 95% interval -41%
    # to +1,481%" and "only a change of more than about +-761% would stand out", beside
    # -1.9 to +2.5 clicks a day: the expected total spanned a factor of 27

    from darksocial.campaign import PERCENT_SPAN
    from darksocial.pages.campaign import campaign_report

    _real_chart(
        tmp_path,
        "videotext",
        "campaigns:\n- {id: ph, name: Product Hunt launch, content_type: event, "
        "launch: 2026-04-13, end: 2026-04-26}\n",
    )
    page = campaign_report(campaign_id="ph", data_dir=tmp_path)
    rel = page.analysis.results["search_clicks"].effects_for("ph").loc["relative"]
    assert (1 + rel["upper"]) / (1 + rel["lower"]) > PERCENT_SPAN
    assert "search_clicks" in page.analysis.sparse_metrics()
    line = page.bottom_line_markdown()
    assert "clicks a day (95% interval" in line
    assert not re.search(r"[+\u2212-]\d[\d,.]*%", line), line
    assert any("factor of 4" in c for c in page.analysis.caveats())


def test_a_percentage_with_a_well_known_expected_level_stays_a_percentage(sources):
    # the sample's podcast: expected levels known to within a few percent
    from darksocial.campaign import PERCENT_SPAN

    a = campaign.analyze_campaign(sources, "podcast-s1", metrics=["branded_clicks"])
    rel = a.results["branded_clicks"].effects_for("podcast-s1").loc["relative"]
    assert (1 + rel["upper"]) / (1 + rel["lower"]) < PERCENT_SPAN / 2
    assert not a.sparse_metrics()
    assert re.search(r"[+\u2212-]\d[\d,.]*%", a.bottom_line())


def test_more_controls_than_the_history_supports_become_their_shared_patterns(rng):
    # a real folder of 20 weekly Trends downloads fitted the brand on 19 controls with 26
    # weeks before launch, and said nothing
    from darksocial.campaign import PATTERN_PREFIX, select_controls

    idx = pd.date_range("2024-01-07", periods=40, freq="W-SUN")
    market = np.cumsum(rng.normal(0, 3, 40)) + 50
    controls = pd.DataFrame(
        {f"term_{i}": market * (0.5 + i / 10) + rng.normal(0, 2, 40) for i in range(11)},
        index=idx,
    )
    y = pd.Series(market + rng.normal(0, 1, 40), idx)
    launch = idx[26]
    kept, note = select_controls(y, controls, launch, label="brand interest")
    assert list(kept.columns) == [f"{PATTERN_PREFIX}1", f"{PATTERN_PREFIX}2"]  # 26 // 10
    # the first pattern is the market the terms share, rising with it
    assert np.corrcoef(kept[f"{PATTERN_PREFIX}1"], market)[0, 1] > 0.95
    assert "11 comparison series are too many for 26 weeks of history before launch" in note
    assert "compared with 2 summary trends of their common ups and downs" in note
    # found from the controls alone: another metric gets the same columns
    other, _ = select_controls(pd.Series(rng.normal(size=40), idx), controls, launch)
    pd.testing.assert_frame_equal(kept, other)
    # with history enough for every control, nothing changes
    same, none = select_controls(y, controls[["term_0", "term_1"]], launch)
    assert list(same.columns) == ["term_0", "term_1"] and none is None


@pytest.mark.slow
def test_shared_patterns_do_not_flatter_the_fit_as_picking_by_correlation_did():
    # no effect, 24 candidate controls of noise and 26 weeks before launch: picking the two
    # that correlated most with the metric made 95% intervals exclude zero far more often
    import warnings

    from darksocial.campaign import select_controls
    from darksocial.its import Intervention, fit

    idx = pd.date_range("2021-01-03", periods=30, freq="W-SUN")
    launch = idx[26]
    rejected = {"patterns": 0, "correlation": 0}
    reps = 150
    for rep in range(reps):
        gen = np.random.default_rng([2026, rep])
        y = pd.Series(50 + gen.normal(0, 1, 30).cumsum() + gen.normal(0, 3, 30), idx)
        c = pd.DataFrame(
            {
                f"t{i}": 50 + gen.normal(0, 2, 30).cumsum() + gen.normal(0, 2, 30)
                for i in range(24)
            },
            index=idx,
        )
        r = {k: abs(np.corrcoef(y.iloc[:26], c[k].iloc[:26])[0, 1]) for k in c}
        picked = c[sorted(c, key=lambda k: -r[k])[:2]]
        for name, ctrl in (
            ("patterns", select_controls(y, c, launch)[0]),
            ("correlation", picked),
        ):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                e = fit(y, Intervention("c", launch), controls=ctrl, seed=rep).effects
            rejected[name] += bool(e.loc["average", "lower"] > 0 or e.loc["average", "upper"] < 0)
    # 600 series: patterns 9.7%, correlation 15.5%, two random candidates 8.0%, none 8.7%
    assert rejected["patterns"] / reps < 0.13
    assert rejected["correlation"] - rejected["patterns"] >= 0.03 * reps


def test_a_window_cut_short_by_the_data_and_overlaps_are_said_by_name(tmp_path):
    # a real chart ending on 4 May 2026: a campaign to 20 May was "Evaluated 20 Apr to 4 May
    # (15 days)" without a word; overlapping campaigns were named by their ids

    from darksocial.pages.campaign import campaign_report

    _real_chart(
        tmp_path,
        "videotext",
        "campaigns:\n"
        "- {id: late, name: Late push, content_type: event, launch: 2026-04-20, "
        "end: 2026-05-20}\n"
        "- {id: mid, name: Mid-April mailing, content_type: newsletter, launch: 2026-04-13, "
        "end: 2026-04-26}\n",
    )
    caveats = " ".join(campaign_report(campaign_id="late", data_dir=tmp_path).analysis.caveats())
    assert "runs this campaign's window to 20 May 2026, but the data end on 4 May 2026" in caveats
    assert "covers 15 of its 31 days" in caveats
    assert "Other campaigns ran during this window (Mid-April mailing)" in caveats


def test_a_metric_without_a_control_says_so_among_the_caveats(tmp_path, sources):
    # the warning sat in the middle of the metric's section only

    from darksocial.pages.campaign import campaign_report

    _real_chart(
        tmp_path,
        "videotext",
        "campaigns:\n- {id: ph, name: Launch, content_type: event, launch: 2026-04-13, "
        "end: 2026-04-26}\n",
    )
    caveats = " ".join(campaign_report(campaign_id="ph", data_dir=tmp_path).analysis.caveats())
    assert "Search clicks, branded and non-branded together has no comparison series" in caveats
    # the sample's branded search has non-branded search as its control
    a = campaign.analyze_campaign(sources, "podcast-s1", metrics=["branded_clicks"])
    assert "no comparison series" not in " ".join(a.caveats())


def test_summary_json_dates_a_weekly_window_as_the_page_does(real_folder):
    # a weekly Trends window: the reports index read "5 Jul 2020 to 2 Aug 2020" (the last
    # week's first day) where the campaign page read "to 8 Aug 2020"
    from darksocial.pages.campaign import campaign_report

    folder = real_folder(
        "trends/memecoins_weekly/multiTimeline.csv",
        calendar="campaigns:\n- {id: c, name: C, content_type: podcast, launch: 2024-03-03, "
        "end: 2024-03-20}\n",
        settings="brand: doge\n",
    )
    analysis = campaign_report(campaign_id="c", data_dir=folder).analysis
    window = analysis.summary()["window"]
    assert window == ["2024-03-03", "2024-03-23"]  # the week of 17-23 March
    assert pd.Timestamp(window[1]) == analysis.last_day


def test_twenty_real_trends_downloads_use_summary_trends_and_no_impossible_row(tmp_path):
    # a real folder of 20 one-term weekly downloads, 26 weeks before launch: the brand was
    # fitted on 19 controls without a word, and a triangulation row read "-12 (-330 to
    # +1.4)" index points on a 0-100 index
    import shutil
    from pathlib import Path

    from darksocial.campaign import PATTERN_PREFIX
    from darksocial.pages.campaign import campaign_report

    for src in (Path(__file__).parent / "data/trends/ua_20_downloads").glob("*.csv"):
        shutil.copy(src, tmp_path / src.name)
    (tmp_path / "campaigns.yml").write_text(
        "campaigns:\n- {id: mask, name: Mask how-to video, content_type: short_video, "
        "launch: 2020-07-05, end: 2020-08-02}\n"
    )
    (tmp_path / "darksocial.yml").write_text("brand: [как сшить маску]\n", encoding="utf-8")
    page = campaign_report(campaign_id="mask", data_dir=tmp_path)
    design = page.analysis.results["brand_interest"].design
    assert [c for c in design if c.startswith(PATTERN_PREFIX)] == [
        f"{PATTERN_PREFIX}1",
        f"{PATTERN_PREFIX}2",
    ]
    assert any("19 comparison series are too many" in c for c in page.analysis.caveats())
    # at an index of 1.4 it read "+0.84 index points (95% interval -23 to +26)": a gain of
    # 26 needs an expected index of -24.6
    head = page.analysis.effects_frame().loc["brand_interest"]
    assert head["average_upper"] <= head["observed"] + 1e-9
    # a count model's row, beyond the index, was "could not be estimated"; every model's
    # expected level is now capped at the index's 100 (fit(ceiling=)), and every row stands
    table = page.triangulation().table
    assert np.isfinite(table["average_lower"]).all()
    assert (table["average_lower"] >= -100).all() and (table["average_upper"] <= 100).all()


def test_a_row_without_an_interval_has_no_verdict_when_rows_are_compared_in_units():
    # on a real monthly Trends page, rows that could not be estimated read "Interval
    # excludes zero: no" (on another campaign's page the same rows read "n/a")
    from darksocial.campaign import _to_units

    table = pd.DataFrame(
        {
            "estimate": [np.nan, 0.1, np.nan],
            "average": [1.0, 2.0, np.nan],
            "average_lower": [0.5, -1.0, np.nan],
            "average_upper": [2.0, 3.0, np.nan],
        }
    )
    assert _to_units(table)
    assert table["significant"].iloc[:2].tolist() == [True, False]
    assert pd.isna(table["significant"].iloc[2])
