"""The overview report: every campaign from one fit per metric, checked against the sample truth."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from darksocial import campaign, config, overview, portfolio, reporting
from darksocial.errors import ParameterError
from darksocial.io import load_sample
from darksocial.pages.overview import OverviewPage, overview_report

METRICS = ["branded_clicks", "deep_direct_sessions"]


@pytest.fixture(scope="module")
def sources():
    return load_sample()


@pytest.fixture(scope="module")
def truth():
    return json.loads((config.SAMPLE_DIR / "TRUTH.json").read_text())


@pytest.fixture(scope="module")
def report(sources):
    analyses = overview.analyze_campaigns(sources, metrics=METRICS)
    return overview.OverviewReport(sources=sources, analyses=analyses)


@pytest.fixture(scope="module")
def page(report):
    return OverviewPage(report)


def test_one_fit_per_metric_gives_the_campaign_analysis_numbers(sources, report):
    # reference: the per-campaign analysis fits the same models one campaign at a time
    ref = campaign.analyze_campaign(sources, "webinar-series-may", metrics=METRICS)
    got = report.analyses["webinar-series-may"]
    pd.testing.assert_frame_equal(got.effects_frame(), ref.effects_frame())
    assert got.window == ref.window
    assert got.overlapping == ref.overlapping
    assert list(report.analyses) == list(sources.campaigns.sort_values("launch").index)


def test_campaign_table_against_truth(report, page, truth):
    eff = report.effects().set_index(["campaign", "metric"])
    for cid, t in truth["campaigns"].items():
        true = t["metrics"]["branded_clicks"]["relative"]
        row = eff.loc[(cid, "branded_clicks")]
        assert row.relative_lower <= true <= row.relative_upper, (cid, row)
    podcast = eff.loc[("podcast-s1", "branded_clicks")]
    assert podcast.direction == "up"
    assert eff.loc[("podcast-s1", "deep_direct_sessions")].direction == "up"
    assert not eff.loc["newsletter-relaunch", "significant"].any()
    # cost of one extra click: spend over the total extra clicks, range from the interval
    assert podcast.cost_per_unit == pytest.approx(12000 / podcast.cumulative)
    assert podcast.cost_lower == pytest.approx(12000 / podcast.cumulative_upper)
    assert podcast.cost_upper == pytest.approx(12000 / podcast.cumulative_lower)
    news = eff.loc[("newsletter-relaunch", "branded_clicks")]
    assert np.isnan(news.cost_per_unit) or news.cumulative > 0
    assert np.isinf(news.cost_upper)  # the interval reaches zero: no upper bound on cost
    html = page.campaigns_table().to_html()
    assert "€12,000" in html  # the sample's darksocial.yml says EUR
    # a lift whose interval includes zero has no cost per extra click
    assert not news.cost_measured and "no measurable lift" in html


def test_bottom_line_follows_the_intervals(report, page):
    text = page.bottom_line().html
    eff = report.effects()
    up = eff[(eff["metric"] == "branded_clicks") & (eff["direction"] == "up")]
    assert f"{len(up)} of 6 campaigns lifted it" in text
    assert "The Tool Crib podcast" in text.split("Branded search clicks")[1].split("</li>")[0]
    # every content type has one campaign in the sample: say so
    assert "single campaign" in text and "ranks campaigns, not content types" in text
    still = [line for line in text.split("<li>") if "We cannot tell whether" in line]
    assert len(still) == 1 and "Newsletter relaunch" in still[0]
    assert "Tool Crib" not in still[0]
    # the sample's podcast lift is one its report's placebo check doubts; this page runs no
    # placebo check and says where the verdict is
    assert "rests on each model's interval alone" in text
    assert "says when that test cannot confirm it; so does the reports index" in text


def test_content_types_single_campaigns_are_shown_not_pooled(report, page):
    pooled = report.pooled()
    eff = report.effects()
    assert len(pooled) == eff["content_type"].nunique() * len(METRICS)
    assert not pooled["pooled"].any() and (pooled["k"] == 1).all()
    row = pooled[(pooled["content_type"] == "podcast") & (pooled["metric"] == "branded_clicks")]
    ref = eff[(eff["campaign"] == "podcast-s1") & (eff["metric"] == "branded_clicks")]
    assert row["estimate"].item() == ref["relative"].item()
    assert "no pooling is possible" in page.content_type_html()


def test_groups_of_two_are_pooled_with_random_effects():
    est = pd.DataFrame(
        {
            "campaign": ["a", "b", "c"],
            "name": ["A", "B", "C"],
            "metric": "branded_clicks",
            "content_type": ["podcast", "podcast", "event"],
            "relative": [0.10, 0.20, 0.05],
            "relative_lower": [0.02, 0.08, -0.03],
            "relative_upper": [0.18, 0.32, 0.13],
            "spend": [1.0, 2.0, 3.0],
        }
    )
    out = overview.pool_content_types(est).set_index("content_type")
    se = (est["relative_upper"] - est["relative_lower"])[:2] / (2 * 1.959963984540054)
    ref = portfolio.random_effects(est["relative"][:2], se)
    assert out.at["podcast", "pooled"] and out.at["podcast", "k"] == 2
    assert out.at["podcast", "estimate"] == pytest.approx(ref["estimate"])
    assert out.at["podcast", "lower"] == pytest.approx(ref["lower"])
    assert out.at["podcast", "fragile"]
    assert not out.at["event", "pooled"] and out.at["event", "estimate"] == 0.05
    assert out.at["podcast", "spend"] == 3.0


def test_ads_to_search_covers_the_true_response(report, page, truth):
    t = truth["ads_to_search"]["meta-ads-spring"]
    res = report.ad_lag()
    within = overview.ADS_WITHIN
    true_cum = t["branded_clicks_per_1000_ad_impressions"] * sum(t["kernel"][: within + 1])
    cum = res.cumulative(within)
    assert cum["lower"] <= true_cum <= cum["upper"]
    cid, share = report.ads_share()
    assert cid == "meta-ads-spring"
    # truth: the flight's extra clicks within a week over the window's branded clicks
    true_extra = truth["campaigns"][cid]["metrics"]["branded_clicks"]["cumulative"]
    true_share = true_extra * sum(t["kernel"][: within + 1]) / share["window_clicks"]
    assert share["lower"] <= true_share <= share["upper"]
    assert "1,000 Meta impressions" in page.ads_html()


def test_survey_section_masks_and_counts(report, page, sources):
    gap = report.gap()
    direct = sources.survey["software_source"].isin(["DIRECT_TRAFFIC", "ORGANIC_SEARCH"])
    assert gap.n + gap.n_blank == int(direct.sum())
    html = page.gap_html() + page.unclassified_html()
    assert f"{gap.n:,}" in html
    assert "@example.com" not in html
    mix = overview.bucket_mix(report.survey()["bucket"], sources.survey["submitted_at"])
    full = mix.dropna()
    assert np.allclose(full.sum(axis=1), 1.0)
    assert int(mix.attrs["n"].sum()) == int((report.survey()["bucket"] != "blank").sum())


def test_bucket_mix_counts_by_hand():
    buckets = pd.Series(["podcast", "search", "blank", "podcast", "rare", "search"])
    dates = pd.Series(pd.to_datetime(["2025-01-03", "2025-01-20", "2025-01-21", "2025-03-02",
                                      "2025-03-05", "2025-03-09"]))  # fmt: skip
    mix = overview.bucket_mix(buckets, dates, top=2)
    assert list(mix.columns) == ["podcast", "search", "other"]
    assert mix.loc["2025-01-01"].tolist() == [0.5, 0.5, 0.0]
    assert mix.loc["2025-02-01"].isna().all()  # a month without answers stays empty
    assert mix.loc["2025-03-01"].tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 3])
    with pytest.raises(ParameterError, match="freq"):
        overview.bucket_mix(buckets, dates, freq="D")


def test_names_from_data_are_escaped(sources):
    cal = sources.campaigns.copy()
    cal.loc["podcast-s1", "name"] = "<script>alert(1)</script> pod"
    evil = dataclasses.replace(sources, campaigns=cal)
    analyses = overview.analyze_campaigns(evil, metrics=["branded_clicks"])
    rep = OverviewPage(overview.OverviewReport(sources=evil, analyses=analyses))
    pages = [
        rep.campaigns_table().to_html(),
        rep.bottom_line().html,
        rep.agreement_html(),
        rep.ads_html(),
        rep.caveats().html,
    ]
    for page in pages:
        assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; pod" in pages[0]
    assert "&lt;script&gt;" in pages[1]


def test_summary_is_json_and_gives_the_index_a_headline(report):
    summary = report.summary()
    payload = json.loads(json.dumps(summary, default=reporting._json_default))
    m = payload["campaigns"]["podcast-s1"]["metrics"]["branded_clicks"]
    eff = report.analyses["podcast-s1"].effects_frame().loc["branded_clicks"]
    assert m["relative_lower"] == pytest.approx(eff.relative_lower)
    assert m["significant"] is True and m["model"] == "segmented"
    assert set(m) >= {"estimate", "lower", "upper", "relative", "p_value"}
    assert payload["ads_share"]["campaign"] == "meta-ads-spring"
    assert 0 < payload["attribution_gap"]["share"] < 1
    line = reporting._verdicts(payload)
    n_up = sum(
        a.effects_frame().loc["branded_clicks", "direction"] == "up"
        for a in report.analyses.values()
    )
    assert n_up >= 2  # at least the podcast and the shorts, the two clearest true lifts
    assert line.startswith(f"{n_up} of 6 campaigns lifted branded search clicks")


def test_forest_figure_draws_the_lifts(report, page):
    fig = page.forest_figure()
    ax = fig.axes[0]
    eff = report.effects()
    part = eff[eff["metric"] == "branded_clicks"]
    drawn = ax.containers[0].lines[0].get_xdata()
    assert sorted(np.round(drawn, 10)) == sorted(np.round(part["relative"].to_numpy(), 10))
    assert ax.get_title() == "Branded search clicks"


def test_bad_parameters_say_how_to_fix():
    with pytest.raises(ParameterError, match="freq"):
        overview_report(freq="D")
    with pytest.raises(ParameterError, match="max_lag"):
        overview_report(max_lag=0)
    with pytest.raises(ParameterError, match="choose from"):
        overview_report(metrics=["likes"])
    with pytest.raises(ParameterError, match="alpha"):
        overview_report(alpha=0.7)


# --------------------------------------------------------------------------- own data folders
def _folder(tmp_path, name, parts, *, settings=True, currency=None):
    """A data folder built from the sample: the calendar plus the listed sub-folders."""
    import shutil

    folder = tmp_path / name
    folder.mkdir()
    shutil.copy(config.SAMPLE_DIR / "campaigns.yml", folder)
    if settings:
        text = (config.SAMPLE_DIR / "darksocial.yml").read_text()
        if currency:
            text = text.replace("currency: EUR", f"currency: {currency}")
        (folder / "darksocial.yml").write_text(text)
    for part in parts:
        shutil.copytree(config.SAMPLE_DIR / part, folder / part.replace("/", "_"))
    return folder


def _page_text(page):
    import re

    html = "\n".join(s.html for s in page.all_sections())
    return re.sub(r"<style.*?</style>", "", html, flags=re.S)


def _assert_clean(text):
    import re

    for bad in ("nan", "NaN", "None", "NaT", "Traceback", "inf"):
        assert not re.search(rf"\b{bad}\b", text), bad


#: Folders of increasing completeness: parts copied from the sample, and the overview
#: sections expected to be skipped.
FOLDERS = {
    "search-console-unfiltered": (["search_console/ui_export"], {"survey", "ads"}),
    "search-console": (["search_console"], {"survey", "ads"}),
    "search-console+ga4": (["search_console", "ga4"], {"survey", "ads"}),
    "search-console+ga4+survey": (["search_console", "ga4", "survey"], {"ads"}),
    "weekly-trends-only": (["google_trends"], {"survey", "ads"}),
    "meta-ads-without-search-console": (
        ["meta_ads", "survey"],
        {"bottom_line", "campaigns", "content_types", "ads"},
    ),
}


@pytest.mark.parametrize("name", list(FOLDERS))
def test_overview_of_a_partial_folder_skips_what_is_missing_in_one_sentence(tmp_path, name):
    from darksocial.pages.overview import overview_page

    parts, skipped = FOLDERS[name]
    page = overview_page(data_dir=str(_folder(tmp_path, name, parts)))
    summary = page.summary()
    sections = summary["sections"]
    assert list(sections) == list(OverviewPage.SECTIONS)
    assert {n for n, s in sections.items() if s["status"] == "skipped"} == skipped
    for n, s in sections.items():
        assert (s["why"] is None) == (s["status"] == "ran"), n
        if s["status"] == "skipped":
            assert page.sections[n].html.count("<p>") == 1  # one sentence, nothing else
    whys = " ".join(s["why"] for s in sections.values() if s["why"])
    if "survey" in skipped:
        assert "export the answers with their dates as CSV" in whys
    if "ads" in skipped and "meta_ads" not in parts:
        assert "Meta Ads Manager → Reports → Export table data" in whys
    _assert_clean(_page_text(page))
    json.dumps(summary, allow_nan=False)  # no NaN in summary.json
    assert "nan" not in json.dumps(summary).lower().replace("nonbranded", "")


def test_unfiltered_search_console_is_total_search_never_branded(tmp_path):
    from darksocial.pages.overview import overview_page

    folder = _folder(tmp_path, "ui", ["search_console/ui_export", "meta_ads"])
    page = overview_page(data_dir=str(folder))
    assert page.report.metrics == ["search_clicks"]
    text = page.bottom_line().html
    assert "Search clicks, branded and non-branded together" in text
    assert "cannot separate branded search" in text
    assert "Branded search" not in page.campaigns_table().to_html()
    # ads are related to branded search only: say which exports separate it
    assert "does not separate branded" in page.ads().why
    assert "filtered to queries containing the brand" in page.ads().why


def test_no_series_at_all_says_which_exports_add_one(tmp_path):
    from darksocial.pages.overview import overview_page

    page = overview_page(data_dir=str(_folder(tmp_path, "cal", [])))
    s = page.bottom_line()
    assert s.status == "skipped"
    assert "Search Console → Performance" in s.why and "GA4 → Reports → Acquisition" in s.why
    assert page.summary()["campaigns"] == {}


@pytest.mark.parametrize(
    ("currency", "shown"),
    [("USD", "$12,000"), ("GBP", "£12,000"), ("CHF", "12,000 CHF"), (None, "12,000")],
)
def test_spend_is_shown_in_the_folders_currency(report, currency, shown):
    from dataclasses import replace

    settings = replace(report.sources.settings, currency=currency)
    sources = dataclasses.replace(report.sources, settings=settings)
    page = OverviewPage(dataclasses.replace(report, sources=sources, cache={}))
    html = page.campaigns_table().to_html()
    assert shown in html
    if currency != "EUR":
        assert "€" not in html
    assert "€" not in page.content_type_table().to_html()


def test_cost_per_extra_click_only_for_a_measured_lift(report, page):
    eff = report.effects()
    costs = page.campaigns_table().data
    col = "Branded search: cost per extra click"
    for r in eff[eff["metric"] == "branded_clicks"].itertuples():
        cell = costs.loc[r.name, col]
        if r.relative_lower > 0:
            assert cell.startswith("€"), (r.name, cell)
        else:
            assert cell == "no measurable lift", (r.name, cell)


def test_a_calendar_outside_the_data_is_one_sentence_not_a_failure(tmp_path):
    from darksocial.pages.overview import overview_page

    folder = _folder(tmp_path, "early", ["search_console"])
    (folder / "campaigns.yml").write_text(
        "campaigns:\n- id: old\n  name: Old launch\n  channel: podcast\n"
        "  content_type: podcast\n  launch: 2019-03-01\n  spend: 100\n"
    )
    page = overview_page(data_dir=str(folder))
    s = page.bottom_line()
    assert s.status == "skipped" and "check the launch dates" in s.why
    assert page.campaigns().why.endswith("(the bottom line says why).")
    assert "Old launch: not measured" in page.data().html
    _assert_clean(_page_text(page))


def test_newsletter_has_no_cost_per_extra_unit(report, page):
    costs = page.campaigns_table().data
    name = report.name("newsletter-relaunch")
    cost_cols = [c for c in costs.columns if "cost per extra" in c]
    assert cost_cols
    for col in cost_cols:
        assert not costs.loc[name, col].startswith("€"), (col, costs.loc[name, col])


def test_podcast_scorecard_agrees_with_its_campaign_report(report, page):
    card = report.scorecard()
    v = card.verdicts()
    eff = report.analyses["podcast-s1"].effects_frame()
    words = {"up": "up", "down": "down", "no clear change": "no change"}
    keys = {"branded_clicks": "branded_search", "deep_direct_sessions": "deep_direct"}
    for metric, key in keys.items():
        if key in v.columns:
            assert v.at["podcast-s1", key] == words[eff.loc[metric, "direction"]]
    assert v.at["podcast-s1", "consensus"] == "up"
    assert "caution" not in v.at["podcast-s1", "agreement"]
    assert "disagree" not in page.agreement_html().split("podcast")[0]


def test_ads_sentence_follows_the_campaign_reports_verdict(report, page):
    text = page.bottom_line().html
    eff = report.analyses["meta-ads-spring"].effects_frame()
    if eff.loc["branded_clicks", "direction"] != "up":
        assert "were followed by more branded search" not in text
        assert "branded search showed no clear change during the" in text
    v = report.scorecard().verdicts()
    if "ads_share" in v.columns:
        assert v.at["meta-ads-spring", "ads_share"] != "up"


def test_answers_naming_a_campaign_count_as_its_channel():
    from darksocial.attribution import classify_answers

    calendar = pd.DataFrame(
        {
            "name": ["The Tool Crib podcast, season 1", "ToolExpo Lyon 2025 booth", "Spring"],
            "content_type": ["podcast", "event", "newsletter"],
            "keywords": [[], [], ["spring letter"]],
        },
        index=["pod", "expo", "news"],
    )
    answers = pd.Series(["ToolExpo", "the tool crib", "The", "autre", "a spring letter", "2025"])
    buckets = overview.calendar_buckets(answers, classify_answers(answers), calendar)
    assert buckets.tolist() == ["event", "podcast", "other", "other", "newsletter_blog", "other"]


def test_answer_mix_names_every_dark_social_channel():
    from darksocial.attribution import DARK_BUCKETS

    rare = ["podcast", "event", "newsletter_blog"]
    common = ["search", "review_site", "existing_customer", "word_of_mouth", "linkedin"]
    common += ["ai_assistant", "community", "youtube_video", "social_media"]
    values = [b for b in common for _ in range(20)] + rare
    dates = pd.Series(pd.date_range("2025-01-01", periods=len(values), freq="D"))
    mix = overview.bucket_mix(pd.Series(values), dates)
    for b in rare:
        assert b in mix.columns
    assert set(DARK_BUCKETS) & set(values) <= set(mix.columns)
    assert mix.columns[-1] == "other"


def test_an_unusable_export_is_listed_as_not_used_never_as_missing(tmp_path):
    from darksocial.pages.explore import explore_page

    folder = _folder(tmp_path, "meta-not-by-day", ["search_console"])
    (folder / "Untitled-report-Feb-1-2025-to-Aug-4-2025_Age.csv").write_text(
        '"Campaign name",Age,Reach,Impressions,"Amount spent (INR)","Reporting starts",'
        '"Reporting ends"\n'
        ",,635040,878306,33245.34,2025-02-01,2025-08-04\n"
        '"Add to Cart",18-24,13874,23657,2236.71,2025-02-01,2025-08-04\n'
    )
    page = overview_page_for(folder)
    text = page.data().html
    missing = text.split("Not in this folder")[-1] if "Not in this folder" in text else ""
    assert "Meta ads" not in missing
    assert "Exports in the folder that are not used" in text
    assert "not broken down by day" in text
    sources_text = explore_page(str(folder)).sources_table().html
    missing = sources_text.split("Not in this folder:")[-1].split("Files not used")[0]
    assert "Meta" not in missing
    assert "not broken down by day" in sources_text


def test_every_unusable_export_is_listed_under_its_own_name(tmp_path):
    # two real GA4 "Pages and screens" tables: the overview listed one of them, as "GA4
    # traffic acquisition (...)", and dropped the other (the campaign report listed both)
    import shutil

    folder = _folder(tmp_path, "pages-tables", ["search_console"])
    real = Path(__file__).parent / "data" / "ga4" / "suites_pages"
    names = sorted(p.name for p in real.glob("*.csv"))
    for name in names:
        shutil.copy(real / name, folder / name)
    text = overview_page_for(folder).data().html
    listed = text.split("Exports in the folder that are not used")[1].split("</ul>")[0]
    for name in names:
        assert name in listed
    assert "traffic acquisition (Pages" not in listed
    assert listed.count("<li>") == 2


def overview_page_for(folder):
    from darksocial.pages.overview import overview_page

    return overview_page(data_dir=str(folder), metrics=["branded_clicks"])


def test_a_jumping_control_is_named_as_the_campaign_report_names_it(beer_fr):
    # four real monthly Trends downloads (beer_fr): the campaign report's caveat named
    # "Google Trends interest in Michelob Ultra", the overview's "(michelob ultra)"
    from darksocial.pages.overview import overview_page

    html = overview_page(data_dir=beer_fr).caveats().html
    assert "The control series (Google Trends interest in Michelob Ultra) also moved" in html
    assert "(michelob ultra)" not in html


def test_a_mostly_zero_metric_is_read_in_its_units_not_as_a_percentage(tmp_path):
    # a real Search Console export of a small site: 0-1 clicks a day, zero on 51 of the
    # 60 days before launch; its relative lift read "+152% (-525% to +867%)"
    import re
    import shutil
    from pathlib import Path

    from darksocial.pages.overview import overview_page

    folder = tmp_path / "small-site"
    folder.mkdir()
    src = Path(__file__).parent / "data/search_console/abudhabi_dates/Dates.csv"
    shutil.copy(src, folder / "Dates.csv")
    (folder / "campaigns.yml").write_text(
        "campaigns:\n- {id: launch, name: Autumn newsletter, content_type: newsletter, "
        "launch: 2025-10-15}\n"
    )
    page = overview_page(data_dir=str(folder))
    eff = page.report.effects()
    assert eff["sparse"].all() and eff["relative"].isna().all()
    text = _page_text(page)
    _assert_clean(text)
    # the table, the scorecard's sentence and the index line give clicks a day
    row = eff.iloc[0]
    change = f"{row['average']:+.1f}".replace("-", "−")
    assert f"{change} clicks a day (" in page.campaigns_table().to_html()
    assert f"search clicks {change} clicks a day (" in page.agreement_html()
    assert not re.search(r"[+−]\d+% \(", text)  # no relative lift anywhere on the page
    assert "No relative lift to compare by content type" in page.content_type_html()
    summary = page.summary()
    json.dumps(summary, allow_nan=False)
    # the campaign report's line on the reports index, from its summary
    analysis = page.report.analyses["launch"]
    line = reporting._verdicts(analysis.summary())
    assert f"no clear change, {change} clicks a day (" in line


def test_index_line_of_a_mostly_zero_metric_without_a_relative_lift():
    # the relative lift is undefined where the expected total is zero or less: the line
    # still reads the change in units, and its direction from that interval
    entry = {"label": "search clicks", "sparse": True, "estimate": 0.6, "lower": 0.2,
             "upper": 1.0, "relative": None, "relative_lower": None, "relative_upper": None,
             "significant": True, "unit_text": "clicks a day"}  # fmt: skip
    line = reporting._verdicts({"metrics": {"search_clicks": entry}})
    assert line == "Search clicks: rose, +0.6 clicks a day (+0.2 to +1)"
    entry |= {"estimate": -0.6, "lower": -1.0, "upper": -0.2}
    assert "fell, −0.6 clicks a day" in reporting._verdicts({"metrics": {"x": entry}})


def _small_then_grown(tmp_path, calendar):
    """A site with almost no clicks for 60 days, then ~20 a day; Trends interest throughout."""
    rng = np.random.default_rng(8)
    days = pd.date_range("2025-01-01", periods=300, freq="D")
    clicks = np.r_[rng.poisson(0.1, 60), rng.poisson(20, 240)]
    folder = tmp_path / "grown"
    folder.mkdir(exist_ok=True)
    rows = [f"{d:%Y-%m-%d},{c},{c * 30 + 5},1%,9" for d, c in zip(days, clicks, strict=True)]
    (folder / "Dates.csv").write_text("Date,Clicks,Impressions,CTR,Position\n" + "\n".join(rows))
    interest = np.clip(rng.normal(50, 8, len(days)).round(), 1, 100).astype(int)
    trends = [f"{d:%Y-%m-%d},{v}" for d, v in zip(days, interest, strict=True)]
    (folder / "multiTimeline.csv").write_text(
        "Category: All categories\n\nDay,acme: (Worldwide)\n" + "\n".join(trends) + "\n"
    )
    (folder / "darksocial.yml").write_text("brand: [acme]\n")
    (folder / "campaigns.yml").write_text("campaigns:\n" + calendar)
    return folder


def test_overview_with_a_signal_mostly_zero_for_some_campaigns(tmp_path):
    from darksocial.pages.overview import overview_page

    early = "- {id: early, name: Early letter, content_type: newsletter, launch: 2025-02-15}\n"
    late = "- {id: late, name: Late letter, content_type: newsletter, launch: 2025-09-10}\n"
    # search clicks zero before the only launch, Trends interest not: the forest draws the
    # Trends panel only and says which metric it leaves out (it raised "metric
    # 'search_clicks' is not in the table")
    page = overview_page(data_dir=str(_small_then_grown(tmp_path, early)))
    eff = page.report.effects().set_index("metric")
    assert eff.loc["search_clicks", "sparse"] and not eff.loc["brand_interest", "sparse"]
    text = _page_text(page)
    _assert_clean(text)
    assert "Not drawn: search clicks" in page.campaigns().html
    assert len(page.forest_figure().axes) == 1
    # two newsletters, the early one mostly zero on search before launch: its search lift is
    # left out of the type's and named; the type still counts two campaigns
    page = overview_page(data_dir=str(_small_then_grown(tmp_path, early + late)))
    eff = page.report.effects()
    search = eff[eff["metric"] == "search_clicks"].set_index("campaign")
    assert search.loc["early", "sparse"] and not search.loc["late", "sparse"]
    pooled = page.report.pooled().set_index("metric")
    assert pooled.loc["search_clicks", "k"] == 1
    assert pooled.loc["search_clicks", "left_out"] == "Early letter"
    html = page.content_type_html()
    assert "Left out of the lifts by content type: Early letter" in html
    assert "There is a single campaign" not in html
    table = page.content_type_table().data
    assert table.iloc[0]["Campaigns"] == "2"
    # the search panel draws Late letter only, and says which campaign it leaves off
    assert "Not in the figure: Early letter on search clicks" in page.campaigns().html
    _assert_clean(_page_text(page))


def test_a_type_counts_its_campaigns_left_out_of_the_pooled_lift(real_folder):
    # a real export (niheating): one video without a percentage, one podcast; the note read
    # "Few campaigns per content type (podcast: 1, video: 0)"
    from darksocial.pages.overview import overview_page

    folder = real_folder(
        "search_console/niheating_gap/Chart.csv",
        calendar="campaigns:\n"
        "- {id: spring, name: Spring launch, content_type: video, launch: 2025-10-14, "
        "end: 2025-11-09}\n"
        "- {id: autumn, name: Autumn push, content_type: podcast, launch: 2026-09-20}\n",
    )
    page = overview_page(data_dir=str(folder))
    text = _page_text(page)
    assert "(podcast: 1, video: 1)" in text and "video: 0" not in text
    # the autumn push's expected level (a week after the gap) is unknown to within a factor
    # of 18 (-19%, -59% to +668%): it is read in clicks too, so neither is drawn
    assert "No relative lift to draw" in text


def test_answers_naming_a_campaign_in_cyrillic_count_as_its_channel():
    # the answers were read in ASCII only: a Cyrillic keyword or campaign name matched nothing
    from darksocial.attribution import classify_answers

    calendar = pd.DataFrame(
        {
            "name": ["Подкаст Кіноманія", "Spring"],
            "content_type": ["podcast", "newsletter"],
            "keywords": [["кіноманія"], []],
        },
        index=["pod", "news"],
    )
    answers = pd.Series(["Кіноманія!", "слухаю КІНОМАНІЯ щотижня", "друг"])
    buckets = overview.calendar_buckets(answers, classify_answers(answers), calendar)
    assert buckets.tolist() == ["podcast", "podcast", "other"]


def test_a_campaign_the_campaign_report_refuses_is_not_measured_here_either(tmp_path, rng):
    # a real weekly Search Console chart with 9 weeks before launch: the campaign report
    # said the estimate needs 12, the overview printed "+13% (-32% to +92%)"
    from darksocial.pages.overview import overview_page

    weeks = pd.date_range("2025-10-05", periods=20, freq="W-SUN")
    values = np.clip(rng.normal(50, 6, len(weeks)).round(), 1, 100).astype(int)
    rows = "\n".join(f"{d:%Y-%m-%d},{v}" for d, v in zip(weeks, values, strict=True))
    (tmp_path / "multiTimeline.csv").write_text(
        "Category: All categories\n\nWeek,acme: (Worldwide)\n" + rows + "\n"
    )
    (tmp_path / "darksocial.yml").write_text("brand: [acme]\n")
    launch = weeks[9]
    (tmp_path / "campaigns.yml").write_text(
        f"campaigns:\n- {{id: nrf, name: NRF booth, content_type: event, launch: {launch:%Y-%m-%d}}}\n"
    )
    page = overview_page(data_dir=str(tmp_path))
    assert page.report.effects().empty
    text = _page_text(page)
    assert "hold 9 weeks before launch; the estimate needs at least 12 weeks" in text


def test_ads_needs_names_a_meta_export_it_cannot_use(tmp_path):
    # a real French Meta export, one row for the whole year: the overview said "there is
    # no Meta ads export" while its data section named the file
    import shutil
    from pathlib import Path

    from darksocial.io import load_folder

    src = Path(__file__).parent / "data/ads/decocharpente_fr/meta-ads-2025.csv"
    shutil.copy(src, tmp_path)
    (tmp_path / "campaigns.yml").write_text("campaigns:\n- {id: a, launch: 2025-04-01}\n")
    why = overview.ads_needs(load_folder(tmp_path))
    assert why.startswith("meta-ads-2025.csv is not used (not broken down by day")


def test_no_measurable_campaign_is_said_once_with_its_own_fix(real_folder):
    # a real site whose export asked for the last 12 months holds 34 days: the overview read
    # "...Search Console has no earlier data for this site ...); export a range that starts
    # well before the first launch." in three sections, advice the first half ruled out
    from darksocial.pages.overview import overview_page

    folder = real_folder(
        *(f"search_console/hcidirect_34_days/{n}.csv" for n in ("Dates", "Filters")),
        calendar="campaigns:\n- {id: show, launch: 2025-04-10, end: 2025-04-13}\n"
        "- {id: post, launch: 2025-04-01}\n",
    )
    page = overview_page(data_dir=str(folder))
    why = page.bottom_line().why
    assert why.startswith(
        "No campaign of the calendar can be measured: each launches outside the data or with "
        "too little history before it. post: the data of search clicks"
    )
    assert "Search Console has no earlier data for this site" in why
    assert why.endswith("1 other campaign cannot be measured either; each report says why.")
    assert "export a range that starts well before" not in why and "))" not in why
    for other in (page.campaigns(), page.content_types()):
        assert other.why == "Not run: no campaign could be measured (the bottom line says why)."


def test_a_one_campaign_calendar_reads_as_one_on_the_index(tmp_path):
    # "0 of 1 campaigns lifted search clicks" on the index of five real one-campaign folders
    from darksocial.pages.overview import overview_page

    folder = _folder(tmp_path, "one", ["search_console"])
    (folder / "campaigns.yml").write_text(
        "campaigns:\n- {id: pod, name: Podcast, content_type: podcast, launch: 2025-02-03, "
        "end: 2025-03-30}\n"
    )
    headline = overview_page(data_dir=str(folder)).report.headline()
    assert headline.startswith(("The campaign lifted ", "The campaign did not measurably lift "))
    assert "of 1 campaigns" not in headline


def test_the_scorecard_figure_scrolls_on_a_phone_rather_than_shrinking(tmp_path):
    # one signal made it 550 px wide: a phone showed its 8.5-point labels at about 7 px
    from darksocial.pages.overview import overview_page
    from darksocial.theme import FIGURE_DPI, WIDE_FIGURE_PX, figure_html

    page = overview_page(data_dir=str(_folder(tmp_path, "ui", ["search_console/ui_export"])))
    fig = page.scorecard_figure()
    assert fig.get_figwidth() * FIGURE_DPI > WIDE_FIGURE_PX
    assert 'class="ds-figure ds-wide"' in figure_html(fig, alt="scorecard")


def test_a_calendar_without_content_types_is_not_pooled_as_one(tmp_path):
    # a real content calendar (Topic, Slug, PublishDate, Keyword): the overview showed "None"
    # as every campaign's content type and "Campaigns of the same type are pooled (None)"
    from darksocial.pages.overview import overview_page

    folder = _folder(tmp_path, "types", ["search_console"])
    (folder / "campaigns.yml").write_text(
        "campaigns:\n- {id: pod, name: Podcast, launch: 2025-02-03, end: 2025-03-30}\n"
        "- {id: expo, name: Expo, launch: 2025-09-16, end: 2025-10-05}\n"
    )
    page = overview_page(data_dir=str(folder))
    text = _page_text(page)
    assert "None" not in text
    assert "The calendar gives no content type, so campaigns cannot be compared by type" in text
    assert page.summary()["campaigns"]["pod"]["content_type"] is None
    assert "not given" in page.campaigns_table().to_html()


def test_a_metric_too_short_for_the_calendar_says_so_in_the_calendars_words(real_folder):
    # the overview read "The pre-period before 2026-06-01 has 7 non-missing periods but
    # model='segmented', method='intervention' needs at least 8; ... (seasonality=None, fewer
    # controls)" on a real folder, where the campaign report said "hold 7 days before launch"
    from darksocial.io import load_folder

    folder = real_folder(
        *(f"search_console/hcidirect_34_days/{n}.csv" for n in ("Dates", "Filters")),
        calendar="campaigns:\n- {id: early, launch: 2025-03-24}\n",
    )
    _, skipped, _ = overview.analyze_available(load_folder(folder), metrics=["search_clicks"])
    why = skipped["search_clicks"]
    assert "hold 7 days before launch; the estimate needs at least 28 days" in why
    assert "model=" not in why and "pre-period" not in why


def test_a_trends_folder_without_a_brand_names_its_terms_as_downloaded(real_folder):
    # "the Google Trends terms (صادرات_به_عراق) do not match the brand" on a real folder
    # with no brand set: the column names, and a mismatch that was not one
    from darksocial.pages.overview import overview_page

    folder = real_folder(
        *(f"trends/toiletpaper_places/multiTimeline{n}.csv" for n in ("", " (1)", " (2)")),
        calendar="campaigns:\n- {id: tv, launch: 2021-03-01, end: 2021-03-28}\n",
    )
    why = overview_page(data_dir=str(folder)).bottom_line().why
    assert "toilet paper" in why and "toilet_paper" not in why
    assert "no brand is set" in why and "do not match" not in why
