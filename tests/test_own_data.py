"""The own-data path end to end: folders of increasing completeness, as a team has them, each
give a campaign report through the real runner (exit 0), with the sections the data support
run and the others skipped with the reason, and no NaN, None or traceback text."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from darksocial import cli, config, reporting
from darksocial.coverage import assess
from darksocial.io import load_folder

SAMPLE = config.SAMPLE_DIR
UI = SAMPLE / "search_console" / "ui_export"


def _folder(tmp_path: Path, name: str, *parts: str, settings: str | None = None) -> Path:
    """A data folder with the sample's calendar and the named parts of the sample."""
    target = tmp_path / name
    target.mkdir(parents=True)
    shutil.copy(SAMPLE / "campaigns.yml", target)
    for part in parts:
        src = SAMPLE / part
        if src.is_dir():
            shutil.copytree(src, target / src.name)
        else:
            shutil.copy(src, target / src.name)
    if settings is not None:
        (target / "darksocial.yml").write_text(settings)
    return target


def _zero_days(tmp_path: Path) -> Path:
    """A small site: a Performance export whose daily clicks are zero on some days, written
    as the UI writes them (empty CTR and Position when there are no impressions)."""
    target = _folder(tmp_path, "small")
    shutil.copytree(UI, target / "small-site-Performance-on-Search-2026-01-04")
    chart = target / "small-site-Performance-on-Search-2026-01-04" / "Chart.csv"
    df = pd.read_csv(chart)
    rng = np.random.default_rng(7)
    small = rng.poisson(3.0, len(df))
    rows = ["Date,Clicks,Impressions,CTR,Position"]
    for d, c in zip(df["Date"], small, strict=True):
        rows.append(f"{d},{c},0,," if c == 0 else f"{d},{c},{c * 30},{100 / 30:.2f}%,9.1")
    chart.write_text("\n".join(rows))
    return target


def _missing_control(tmp_path: Path) -> Path:
    """GA4 for two years, but the Search Console bulk export (non-branded search, the control
    of direct traffic) only from July 2024."""
    target = _folder(tmp_path, "late-gsc", "ga4/Landing_page_Landing_page.csv")
    bulk = pd.read_csv(SAMPLE / "search_console" / "searchdata_site_impression.csv")
    bulk[bulk["data_date"] >= "2024-07-01"].to_csv(
        target / "searchdata_site_impression.csv", index=False
    )
    (target / "darksocial.yml").write_text("brand: [trackmytools, track my tools]\ncountry: FR\n")
    return target


def _meta_only(tmp_path: Path) -> Path:
    """A calendar with only ids and launch dates, and a Meta export: nothing to measure."""
    target = tmp_path / "meta-only"
    target.mkdir(parents=True)
    (target / "campaigns.yml").write_text(
        "campaigns:\n- id: podcast-s1\n  launch: 2025-02-03\n  end: 2025-03-30\n"
    )
    (meta,) = (SAMPLE / "meta_ads").glob("*.csv")
    shutil.copy(meta, target / meta.name)
    return target


FOLDERS = {
    # name: (builder, sections that must run, sections that must be skipped, metrics)
    "search-console-only": (
        lambda t: _folder(t, "a", "search_console/ui_export"),
        {"search", "triangulation", "placebo_in_time"},
        {"direct", "survey", "placebo_in_space"},
        {"search_clicks"},
    ),
    "plus-ga4": (
        lambda t: _folder(
            t,
            "b",
            "search_console/ui_export",
            "ga4/Landing_page_Landing_page.csv",
            "ga4/Traffic_acquisition_Session_default_channel_group.csv",
        ),
        {"search", "direct"},
        {"survey", "placebo_in_space"},
        {"search_clicks", "direct_sessions", "deep_direct_sessions"},
    ),
    "plus-survey": (
        lambda t: _folder(
            t,
            "c",
            "search_console/ui_export",
            "ga4/Traffic_acquisition_Session_default_channel_group.csv",
            "survey/how_did_you_hear.csv",
        ),
        {"search", "direct", "survey"},
        {"placebo_in_space"},
        {"search_clicks", "direct_sessions"},
    ),
    "weekly-trends-only": (
        lambda t: _folder(
            t, "d", "google_trends/multiTimeline.csv", settings="brand: [trackmytools]\n"
        ),
        {"search", "placebo_in_space"},
        {"direct", "survey"},
        {"brand_interest"},
    ),
    "zero-days": (
        _zero_days,
        {"search"},
        {"direct", "survey"},
        {"search_clicks"},
    ),
    "meta-only": (
        _meta_only,
        set(),
        {"search", "direct", "survey", "triangulation", "placebo_in_time"},
        set(),
    ),
    "missing-control": (
        _missing_control,
        {"search", "direct", "placebo_in_space"},
        {"survey"},
        {"branded_clicks", "direct_sessions", "deep_direct_sessions"},
    ),
}


def _text(html: str) -> str:
    html = re.sub(r"<style.*?</style>|<script.*?</script>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("name", sorted(FOLDERS))
def test_coverage_is_decided_before_any_notebook(name, tmp_path):
    build, _, _, metrics = FOLDERS[name]
    cov = assess(load_folder(build(tmp_path)))
    assert set(cov.campaigns.columns) == metrics
    assert (cov.campaigns.loc["podcast-s1"] == "measured").all()
    assert cli.main(["check", "--data", str(build(tmp_path / "again"))]) == 0


@pytest.mark.slow
@pytest.mark.notebook
def test_each_folder_gives_a_report(tmp_path):
    jobs, folders = [], {}
    for name, (build, *_rest) in FOLDERS.items():
        folders[name] = build(tmp_path / name)
        jobs.append(
            reporting.Job(
                "campaign-impact",
                {"campaign_id": "podcast-s1", "data_dir": str(folders[name]), "n_placebos": 8},
                key=name,
            )
        )
    records = reporting.run_jobs(
        jobs, reports_dir=tmp_path / "reports", workers=2, log=lambda line: None
    )
    for (name, (_, ran, skipped, metrics)), record in zip(FOLDERS.items(), records, strict=True):
        assert record.status == "ok", f"{name}: {record.error}"
        run = Path(record.directory)
        summary = json.loads((run / "summary.json").read_text())
        sections = summary["sections"]
        assert {s for s, v in sections.items() if v["status"] == "ran"} >= ran, name
        assert {s for s, v in sections.items() if v["status"] == "skipped"} >= skipped, name
        assert all(v["why"] for v in sections.values() if v["status"] == "skipped")
        assert set(summary["metrics"]) == metrics, name
        assert "NaN" not in (run / "summary.json").read_text()
        text = _text(Path(record.html).read_text())
        for bad in (r"\bnan\b", r"\bNone\b", "Traceback", r"\bNaN\b"):
            assert not re.search(bad, text), f"{name}: the report shows {bad}"
        if name == "zero-days":
            assert "Measured over 56 days" not in text and "Measured over 8 weeks" in text
        if name == "search-console-only":
            assert "branded search" not in summary["metrics"]["search_clicks"]["label"]
            assert "cannot be separated" in text
        if name == "zero-days":
            assert "log scale cannot hold zero" in text
        if name == "missing-control":
            assert "so the model runs without it" in text
        if name == "weekly-trends-only":
            assert "an index of" in text and "index points a week" not in text
            # the other Trends term is the control, and the placebo in space runs on it
            assert "Google Trends interest in tool tracking showed no clear change" in text
            assert re.search(r"Measured over \d+ weeks", text) and " days)" not in text


def test_relative_data_folder_is_resolved_for_the_notebook(tmp_path, monkeypatch):
    folder = _folder(tmp_path, "rel", "search_console/ui_export")
    monkeypatch.chdir(tmp_path)
    jobs = reporting.plan_jobs(campaigns=["podcast-s1"], data_dir="rel")
    assert jobs[0].parameters["data_dir"] == str(folder.resolve())


def test_report_parameters_override_the_folder_settings(tmp_path):
    from darksocial.errors import ParameterError
    from darksocial.pages.params import resolve_report_params

    folder = _folder(tmp_path, "p", "search_console/ui_export", settings="country: FR\n")
    params = resolve_report_params(data_dir=folder, country="us", currency="USD", brand=["tmt"])
    s = params.sources.settings
    assert (s.country, s.currency, s.brand) == ("US", "USD", ("tmt",))
    assert s.frame().loc["country", "from"] == "report parameter"
    assert resolve_report_params(data_dir=folder).sources.settings.country == "FR"
    with pytest.raises(ParameterError, match="two-letter ISO code"):
        resolve_report_params(data_dir=folder, country="USA")
    # the runner accepts them as notebook parameters (-p country US)
    jobs = reporting.plan_jobs(
        campaigns=["podcast-s1"], data_dir=folder, parameters={"country": "US"}
    )
    assert jobs[0].parameters["country"] == "US"


def test_trends_without_a_matching_brand_term_says_how_to_fix_it(tmp_path):
    from darksocial.campaign import missing_reason

    folder = _folder(tmp_path, "t", "google_trends/multiTimeline.csv", settings="brand: [acme]\n")
    sources = load_folder(folder)
    why = missing_reason(sources, "brand_interest")
    assert "trackmytools, tool tracking" in why and "none of them matches the brand" in why
    assert "`brand: [acme, trackmytools]` or `brand: [acme, tool tracking]`" in why
    assert assess(sources).campaigns.columns.empty


def test_check_says_to_set_the_brand_when_the_trends_download_is_there(tmp_path, capsys):
    # `check` said "needs a Google Trends download of your brand term" beside the download
    two = _folder(tmp_path, "two-terms", "google_trends/multiTimeline.csv")
    one = _folder(tmp_path, "one-term")
    lines = (SAMPLE / "google_trends" / "multiTimeline.csv").read_text().splitlines()
    (one / "multiTimeline.csv").write_text(
        "\n".join([*lines[:2], "Week,TrackMyTools: (Worldwide)"])
        + "\n"
        + "\n".join(ln.rsplit(",", 1)[0] for ln in lines[3:])
        + "\n"
    )
    expected = {
        two: "the Google Trends download multiTimeline.csv holds trackmytools, tool tracking, "
        "but no brand is set, so none of them is read as your brand: add the one that is "
        "your brand to darksocial.yml, `brand: [trackmytools]` or `brand: [tool tracking]`",
        one: "the Google Trends download multiTimeline.csv holds TrackMyTools, but no brand "
        "is set, so it is not read as your brand: if TrackMyTools is your brand, add "
        "`brand: [TrackMyTools]` to darksocial.yml",
    }
    for folder, line in expected.items():
        assert cli.main(["check", "--data", str(folder)]) == 0
        out = capsys.readouterr().out
        assert f"brand_interest         not available: {line}" in out
        # the line it gives is the fix
        suggestion = re.search(r"`(brand: \[[^]]+\])`", line).group(1)
        (folder / "darksocial.yml").write_text(suggestion + "\n")
        cov = assess(load_folder(folder))
        assert cov.metrics.loc["brand_interest", "available"]
        assert (cov.campaigns["brand_interest"] == "measured").any()


def test_check_lists_every_file_of_a_search_console_export(tmp_path, capsys):
    # `check` listed only Dates.csv of an export unzipped loose, and only the folder of one
    # kept in its folder: every file of the export is now listed with what it gave
    loose = _folder(tmp_path, "loose")
    for part in UI.iterdir():
        shutil.copy(part, loose / part.name)
    kept = _folder(tmp_path, "kept", "search_console/ui_export")
    for folder, prefix in ((loose, ""), (kept, "ui_export/")):
        (folder / prefix / "Search appearance.csv").write_text(
            "Search Appearance,Clicks,Impressions,CTR,Position\nReview snippet,10,100,10%,3.2\n"
        )
        assert cli.main(["check", "--data", str(folder)]) == 0
        files = capsys.readouterr().out.split("\n\n")[0].splitlines()[1:]
        text = "\n".join(files)
        for name, use in (
            ("Chart.csv", "clicks and impressions by day"),
            ("Countries.csv", "countries, for the top country (FR)"),
            ("Devices.csv", "devices (not needed)"),
            ("Filters.csv", "the export's filters (Search type Web; Date 1 Sep 2024-31 Dec 2025)"),
            ("Pages.csv", "top pages"),
            ("Queries.csv", "top queries"),
            ("Search appearance.csv", "search appearance (not needed)"),
        ):
            assert re.search(
                rf"^  {re.escape(prefix + name)} +Search Console: {re.escape(use)}", text, re.M
            ), f"{prefix}{name}\n{text}"
        assert len(files) == 8 + bool(prefix), text  # the calendar, the folder, 7 files


def test_a_page_filter_is_in_every_label_of_the_search_metric(tmp_path):
    from darksocial.campaign import metric_label

    folder = _folder(tmp_path, "blog", "search_console/ui_export")
    filters = folder / "ui_export" / "Filters.csv"
    filters.write_text(filters.read_text() + "\nPage,+/blog/\n")
    sources = load_folder(folder)
    assert metric_label(sources, "search_clicks") == (
        "search clicks, branded and non-branded together (/blog/ pages only)"
    )
    from darksocial.campaign import analyze_campaign

    a = analyze_campaign(sources, "podcast-s1", metrics=["search_clicks"])
    assert "(/blog/ pages only)" in a.bottom_line()


def _filtered_export(target: Path, name: str, daily: pd.Series, query_filter: str) -> None:
    """A Performance export folder as the UI writes it with a query filter."""
    folder = target / name
    shutil.copytree(UI, folder)
    rows = ["Date,Clicks,Impressions,CTR,Position"]
    rows += [f"{d:%Y-%m-%d},{int(v)},{int(v) * 20},5%,3.1" for d, v in daily.items()]
    (folder / "Chart.csv").write_text("\n".join(rows) + "\n")
    (folder / "Filters.csv").write_text(
        f"Filter,Value\nSearch type,Web\nDate,Last 16 months\nQuery,{query_filter}\n"
    )


def test_two_filtered_performance_exports_give_branded_search_and_its_control(tmp_path):
    truth = load_folder(SAMPLE).search_console.loc["2024-09-01":]
    target = _folder(tmp_path, "two", settings="brand: [trackmytools, track my tools]\n")
    _filtered_export(target, "branded", truth["branded_clicks"], "+trackmytools")
    _filtered_export(target, "non-branded", truth["nonbranded_clicks"], "-trackmytools")
    sc = load_folder(target).search_console
    assert (sc["branded_clicks"] == truth["branded_clicks"]).all()
    assert (sc["nonbranded_clicks"] == truth["nonbranded_clicks"]).all()
    cov = assess(load_folder(target))
    assert cov.metrics.loc["branded_clicks", "controls"] == "nonbranded_clicks"
    assert "search_clicks" not in cov.campaigns.columns


def test_the_data_section_lists_unusable_exports_and_counts_other_files(tmp_path):
    import darksocial as ds

    folder = _folder(tmp_path, "mixed", "search_console/ui_export")
    (folder / "notes.md").write_text("# our notes\n")
    (folder / "Acme-Campaigns-1-Sep-202430-Sep-2024.csv").write_text(
        '"Reporting starts","Reporting ends","Campaign name",Impressions,"Amount spent (USD)"\n'
        '"No data available."\n'
    )
    html = ds.campaign_report(campaign_id="podcast-s1", data_dir=folder).data_html()
    assert "Exports in the folder that are not used" in html
    assert "Acme-Campaigns-1-Sep-202430-Sep-2024.csv" in html and "No data available" in html
    assert "1 other file in the folder" in html and "notes.md" not in html


def _with_outages(tmp_path: Path) -> Path:
    """The sample's Performance export (487 days) with 13 days deleted in 5 outages."""
    folder = _folder(tmp_path, "outages", "search_console/ui_export")
    chart = folder / "ui_export" / "Chart.csv"
    lines = chart.read_text().splitlines()
    drop = {
        start + i
        for start, n in ((20, 1), (60, 2), (150, 3), (300, 3), (400, 4))
        for i in range(n)
    }
    chart.write_text("\n".join(ln for i, ln in enumerate(lines) if i not in drop) + "\n")
    return folder


def test_the_data_table_counts_days_with_data_not_calendar_days(tmp_path):
    # the column said "Rows 487" for 474 rows: it counted the days the dates span
    import darksocial as ds

    folder = _with_outages(tmp_path)
    summary = load_folder(folder).summary().loc["search_console"]
    assert (summary["rows"], summary["periods"], summary["gaps"]) == (474, 487, 5)
    table = ds.campaign_report(campaign_id="podcast-s1", data_dir=folder).sources_table().data
    assert table.loc["Search Console", "With data"] == "474 of 487 days"
    assert table.loc["Search Console", "Gaps"] == "5 (13 days missing)"
    assert (
        table.loc["campaign calendar", "With data"]
        == f"{len(load_folder(SAMPLE).campaigns)} records"
    )
    whole = ds.campaign_report(
        campaign_id="podcast-s1", data_dir=_folder(tmp_path, "whole", "search_console/ui_export")
    )
    assert whole.sources_table().data.loc["Search Console", "With data"] == "all 487 days"


def test_check_says_how_many_days_are_missing(tmp_path, capsys):
    folder = _with_outages(tmp_path)
    assert cli.main(["check", "--data", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "2024-09-01 to 2025-12-31, daily, 13 days missing in 5 gaps" in out


def test_many_unusable_exports_are_counted_not_repeated(tmp_path):
    # fifteen real GA4 downloads without sessions by day: "Direct traffic not measured"
    # repeated the same 200-character fix fifteen times
    import shutil

    from darksocial.pages.campaign import campaign_report

    real = Path(__file__).parent / "data" / "ga4" / "suites_pages"
    for i, src in enumerate(sorted(real.glob("*.csv")) * 2):
        shutil.copy(src, tmp_path / f"{i}_{src.name}")
    shutil.copy(Path(__file__).parent / "data/search_console/videotext/Chart.csv", tmp_path)
    (tmp_path / "campaigns.yml").write_text(
        "campaigns:\n- {id: ph, name: Launch, content_type: event, launch: 2026-04-13, "
        "end: 2026-04-26}\n"
    )
    page = campaign_report(campaign_id="ph", data_dir=tmp_path)
    section = page.direct_section()
    assert section.status == "skipped"
    assert "4 exports in the data folder are not used (0_Pages" in section.why
    assert section.why.count("Traffic acquisition") == 1
    assert "the data section above lists them with why" in section.why


def test_a_trends_brand_measured_in_one_of_several_places_says_which(tmp_path):
    # a real term downloaded for Worldwide and for India: the India series was measured and
    # no page said so
    from darksocial.pages.campaign import campaign_report

    real = Path(__file__).parent / "data" / "trends" / "modi_places"
    for src in real.glob("*.csv"):
        shutil.copy(src, tmp_path / src.name)
    (tmp_path / "campaigns.yml").write_text(
        "campaigns:\n- {id: tour, name: Tour, content_type: podcast, launch: 2019-05-01, "
        "end: 2019-06-30}\n"
    )
    (tmp_path / "darksocial.yml").write_text("brand: pm modi\ncountry: IN\n")
    page = campaign_report(campaign_id="tour", data_dir=tmp_path)
    assert "Google Trends interest in the brand (India)" in page.bottom_line_markdown()


def test_a_survey_export_that_cannot_be_read_is_named_in_its_section(tmp_path):
    # a form export with the question but no submission date: listed as not used in the
    # data section, while the survey sections said the folder had no survey answers
    from darksocial.pages.campaign import campaign_report
    from darksocial.pages.overview import overview_page

    shutil.copy(Path(__file__).parent / "data/search_console/videotext/Chart.csv", tmp_path)
    (tmp_path / "answers.csv").write_text(
        "Order #,How did you hear about us?\n1,Podcast\n2,A friend\n3,Google\n"
    )
    (tmp_path / "campaigns.yml").write_text(
        "campaigns:\n- {id: ph, name: Launch, content_type: event, launch: 2026-04-13, "
        "end: 2026-04-26}\n"
    )
    campaign = campaign_report(campaign_id="ph", data_dir=tmp_path).survey_section()
    overview = overview_page(data_dir=str(tmp_path)).survey()
    for section in (campaign, overview):
        assert section.status == "skipped"
        assert "No survey answers could be read: answers.csv" in section.why
        assert "submission" in section.why and "in this folder" not in section.why


def _two_exports(tmp_path, more=""):
    """Two real Dates.csv of one site 57 days apart, with a campaign in the first (and MORE)."""
    shutil.copytree(
        Path(__file__).parent / "data/search_console/tactical_two_exports", tmp_path / "d"
    )
    folder = tmp_path / "d"
    (folder / "campaigns.yml").write_text(
        "campaigns:\n- {id: w, name: Winter videos, content_type: short_video, "
        "launch: 2024-02-20, end: 2024-03-01}\n" + more
    )
    return folder


def test_days_between_two_exports_are_not_called_an_outage(tmp_path):
    # two real Dates.csv of one site 57 days apart: "57 days, a tracking outage"
    from darksocial.explore import gap_table
    from darksocial.pages.campaign import campaign_report
    from darksocial.pages.overview import overview_page

    folder = _two_exports(tmp_path)
    page = campaign_report(campaign_id="w", data_dir=folder)
    caveats = " ".join(page.analysis.caveats())
    assert "no export in the folder covers 6 Mar 2024 to 1 May 2024 (57 days" in caveats
    assert "tracking outage" not in caveats
    notes = " ".join(overview_page(data_dir=str(folder)).caveat_list())
    assert "covers 6 Mar 2024 to 1 May 2024" in notes and "tracking outage" not in notes
    gaps = gap_table(page.analysis.sources)
    assert list(gaps["meaning"]) == ["between two exports: no file covers these dates"]


def test_a_campaign_between_two_exports_is_not_measured_and_harms_no_other(tmp_path):
    # a launch in the 57 days no export covers: its term was zero on every day with data,
    # the joint fit failed for every campaign of the metric, and check called it measured
    from darksocial.coverage import assess
    from darksocial.pages.campaign import campaign_report
    from darksocial.pages.overview import overview_page

    folder = _two_exports(
        tmp_path,
        "- {id: gap, name: Spring mailing, content_type: newsletter, launch: 2024-03-20, "
        "end: 2024-04-10}\n",
    )
    report = assess(load_folder(folder)).report()
    assert "gap: cannot be measured" in report
    assert "have no date from 20 Mar 2024 to 10 Apr 2024" in report
    assert "w: measured on search_clicks" in report
    page = campaign_report(campaign_id="w", data_dir=folder)
    assert "search_clicks" in page.analysis.results
    overview = overview_page(data_dir=str(folder))
    assert "w" in overview.report.analyses and "gap" not in overview.report.analyses
    # the overview gave "its launch ... falls outside the data or has too little history"
    why = overview.report.skipped_campaigns["gap"]
    assert why.startswith("the data of search clicks") and "have no date from 20 Mar" in why
    # a label with a comma is closed by one: "... non-branded together have no date" read as
    # a list
    assert "the data of search clicks, branded and non-branded together, have no date" in why
    # the index read "0 of 1 campaigns lifted" for a calendar of two
    assert re.search(
        r"^\d of 1 measured campaign lifted .* \(1 not measured\)", overview.report.headline()
    )
    gap_page = campaign_report(campaign_id="gap", data_dir=folder)
    assert gap_page.caveats_markdown().startswith("Nothing was measured for this campaign")
    assert "Window (not measured)" in gap_page.header_html()
    assert "Evaluated" not in gap_page.header_html() and "Evaluated" in page.header_html()


def test_a_branded_gap_beside_an_unfiltered_export_is_not_an_outage(tmp_path):
    # the real unfiltered Dates.csv of a site over 91 days, and two branded exports (its
    # first 35 and last 40 days, Query +tactical) 16 days apart: the unfiltered export
    # covered those days, so the branded gap read "16 days, a tracking outage", check said
    # nothing of it, and the brand the query filter names was "unknown" (the unfiltered
    # export, joined first, had no filter)
    from darksocial.campaign import analyze_campaign

    folder = tmp_path / "d"
    (folder / "all").mkdir(parents=True)
    dates = Path(__file__).parent / "data/search_console/tactical_two_exports/march/Dates.csv"
    shutil.copy(dates, folder / "all")
    rows = pd.read_csv(dates).sort_values("Date")
    for name, part in (("brand1", rows.head(35)), ("brand2", rows.tail(40))):
        (folder / name).mkdir()
        part = part.assign(Clicks=part["Clicks"] // 5, Impressions=part["Impressions"] // 10)
        part.iloc[::-1].to_csv(folder / name / "Dates.csv", index=False)
        (folder / name / "Filters.csv").write_text(
            "Filter,Value\nSearch type,Web\nDate,Last 3 months\nQuery,+tactical\n"
        )
    (folder / "campaigns.yml").write_text(
        "campaigns:\n- {id: w, name: Winter videos, content_type: short_video, "
        "launch: 2024-02-20, end: 2024-03-01}\n"
    )
    report = assess(load_folder(folder)).report()
    assert re.search(
        r"branded_clicks +2023-12-06 to 2024-03-05, daily, 16 days missing in 1 gap", report
    )
    assert re.search(r"search_clicks +2023-12-06 to 2024-03-05, daily, from", report)
    assert re.search(r"brand +tactical +inferred from the Search Console query filter", report)
    caveats = " ".join(analyze_campaign(load_folder(folder), "w").caveats())
    assert "no export in the folder covers 10 Jan 2024 to 25 Jan 2024 (16 days" in caveats
    assert "tracking outage" not in caveats


def test_an_interval_that_just_reaches_zero_beside_a_passing_test_is_a_weak_sign(tmp_path):
    # a real Trends download: "no clear change. +46 index points (95% interval -0.7 to +66);
    # we cannot tell it apart from noise (p = 0.04); on this series only a change of more
    # than about +-33 index points would stand out" (three contradictions in one line)
    from darksocial.pages.campaign import campaign_report

    for src in (Path(__file__).parent / "data" / "trends" / "modi_places").glob("*.csv"):
        shutil.copy(src, tmp_path / src.name)
    (tmp_path / "campaigns.yml").write_text(
        "campaigns:\n- {id: tour, name: Tour, content_type: podcast, launch: 2019-05-01, "
        "end: 2019-06-30}\n"
    )
    (tmp_path / "darksocial.yml").write_text("brand: pm modi\n")
    line = campaign_report(campaign_id="tour", data_dir=tmp_path).bottom_line_markdown()
    assert "no clear change" in line and "p = 0.04" in line
    assert "at the edge: its interval just reaches zero" in line
    assert "weak sign of a rise" in line
    assert "cannot tell it apart from noise" not in line and "would stand out" not in line
    # the triangulation row of the same fit says its test and interval disagree at the edge
    # ("+42 (-13 to +48), p = 0.04, excludes zero: no" read as an error)
    table = campaign_report(campaign_id="tour", data_dir=tmp_path).triangulation().table
    row = table[(table["model"] == "segmented") & (table["pre_period"] == "all")].iloc[0]
    assert row["note"] == "at the edge: its test gives p = 0.04 while its interval holds zero"
    clear = table[table["significant"] & (table["p_value"] < 0.05)]
    assert len(clear) and (clear["note"] == "").all()


def test_a_source_of_many_files_fits_its_cell():
    # twenty weekly Trends downloads: the data table's File cell listed all twenty, and the
    # row was taller than a phone's screen
    from darksocial.pages.sections import _files_cell

    many = ", ".join(f"multiTimeline ({i}).csv" for i in range(20))
    assert _files_cell(many) == "multiTimeline (0).csv, multiTimeline (1).csv and 18 more"
    assert _files_cell("Chart.csv, Dates.csv") == "Chart.csv, Dates.csv"


def _hcidirect(tmp_path, calendar: str) -> Path:
    """A real 34-day Search Console export (17 Mar to 19 Apr 2025) and CALENDAR."""
    folder = tmp_path / "d"
    shutil.copytree(Path(__file__).parent / "data/search_console/hcidirect_34_days", folder)
    (folder / "campaigns.yml").write_text(calendar)
    return folder


#: A campaign that launches three days after the export ends.
_AFTER = "- {id: posts, name: LinkedIn posts, content_type: paid_social, launch: 2025-04-22}\n"


def test_a_launch_after_the_data_gets_a_page_and_the_run_goes_on(tmp_path, capsys):
    # a real calendar with next week's campaign beside a measurable one: that campaign's
    # report FAILED with "InterventionDateError: ..." on the index and the run exited 1
    from darksocial.pages.campaign import campaign_report

    folder = _hcidirect(
        tmp_path,
        "campaigns:\n- {id: show, name: Trade show, content_type: event, launch: 2025-04-16, "
        "end: 2025-04-19}\n" + _AFTER,
    )
    page = campaign_report(campaign_id="posts", data_dir=folder)
    assert not page.analysis.results
    # (the label once: "Search clicks, ...: the data of search clicks, ... run" said it twice)
    assert (
        "Search clicks, branded and non-branded together: its data run from 17 Mar 2025 to "
        "19 Apr 2025 and do not cover the launch on 22 Apr 2025" in page.analysis.bottom_line()
    )
    assert "Window (not measured)" in page.header_html()
    out = tmp_path / "out"
    code = cli.main(
        [
            "report",
            "--data",
            str(folder),
            "--reports-dir",
            str(out),
            "--notebook",
            "campaign-impact",
        ]
    )
    assert code == 0
    index = (out / "index.html").read_text()
    assert "Not measured: the data of search clicks" in index and "Error" not in index
    # asked for by id, it stops before any notebook with that one line
    capsys.readouterr()
    code = cli.main(
        ["report", "--data", str(folder), "--reports-dir", str(out), "--campaign", "posts"]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert err[0].startswith(
        "darksocial report: error: campaign 'posts' cannot be measured: the data of search"
    )
    assert err[0].endswith("export a range that starts well before launch and runs past it")


def test_a_calendar_whose_launches_the_data_never_reach_stops_with_one_line(tmp_path, capsys):
    folder = _hcidirect(tmp_path, "campaigns:\n" + _AFTER)
    code = cli.main(["report", "--data", str(folder), "--reports-dir", str(tmp_path / "o")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert "no campaign in the calendar launches inside the data ('posts': the data of" in err[0]
    assert not (tmp_path / "o").exists()


def test_a_weekly_series_measures_the_week_that_holds_the_launch(tmp_path, real_folder):
    # a real weekly Trends download and a launch on Tuesday 29 June 2021: the week dated
    # Sunday 27 June (the download's peak, 100) was the last week "before launch", only
    # the week of 4 July was measured, and the page read "1 week from 29 Jun 2021"
    from darksocial.campaign import check_covers
    from darksocial.errors import DataValidationError
    from darksocial.pages.campaign import campaign_report

    real_folder(
        "trends/kr_weekly_two_terms/multiTimeline.csv",
        calendar="campaigns:\n- {id: bid, name: The bid, content_type: event, "
        "launch: 2021-06-29, end: 2021-07-10}\n",
        settings="brand: [윤석열]\n",
    )
    page = campaign_report(campaign_id="bid", data_dir=tmp_path)
    a = page.analysis
    res = a.results["brand_interest"]
    assert res.windows["bid"][0] == pd.Timestamp("2021-06-27")
    assert a.first_day == pd.Timestamp("2021-06-27") and a.periods() == 2
    assert "Measured over 2 weeks from 27 Jun 2021 to 10 Jul 2021" in a.bottom_line()
    row = a.effects_frame().loc["brand_interest"]
    assert row["observed"] == (100 + 55) / 2
    # no lower than the 0-100 index allows: it read -38, an expected index of 116
    assert row["average_lower"] == pytest.approx(row["observed"] - 100)
    from darksocial.its.plotting import campaign_plot_data

    band = campaign_plot_data(res, "bid").query("line == 'counterfactual'")
    assert band["upper"].max() <= 100
    # a model whose paths often run past 100 is no row to compare: bounded, they came back
    # as "-41% to over +10,000%" where they had been "could not be estimated"
    notes = a.triangulate("brand_interest").table["note"]
    assert notes.str.contains("simulated paths leave the top of the 0–100 index").any()
    assert res.share_above_ceiling("bid") <= 0.1  # the headline's own fit stands
    # the four weeks before it are those of 30 May to 20 June (25, 20, 19, 74: 34.5)
    text = re.sub("<[^>]+>", "", page.metric_html("brand_interest"))
    assert (
        "In the 4 weeks before launch (as the figure shows them) it averaged an index of 34"
        in text
    )
    assert a.summary()["window"] == ["2021-06-27", "2021-07-10"]
    header = re.sub(r"<[^>]+>", " ", page.header_html())
    assert "27 Jun 2021 to 10 Jul 2021 (2 weeks)" in header
    # the calendar's own dates beside the weeks measured (a real folder's 1 to 28 March read
    # "28 Feb 2021 to 3 Apr 2021 (5 weeks)" alone)
    assert "In the calendar  29 Jun 2021 to 10 Jul 2021" in header
    # a launch in the first week has no week before it
    (tmp_path / "campaigns.yml").write_text(
        "campaigns:\n- {id: bid, name: The bid, launch: 2020-11-10}\n"
    )
    with pytest.raises(DataValidationError, match="hold 0 weeks before launch"):
        check_covers(load_folder(tmp_path), "brand_interest", "bid")


def test_the_country_of_a_trends_place_gives_the_holidays(tmp_path, real_folder):
    # a real download for South Korea, without darksocial.yml's country: no holiday terms,
    # and no word why
    real_folder(
        "trends/kr_weekly_two_terms/multiTimeline.csv",
        calendar="campaigns:\n- {id: bid, launch: 2021-06-29}\n",
        settings="brand: [윤석열]\n",
    )
    sources = load_folder(tmp_path)
    assert sources.settings.country == "KR"
    report = assess(sources).report()
    assert re.search(r"country +KR +inferred from the Google Trends place \(South Korea\)", report)
    # a country the settings state wins
    (tmp_path / "darksocial.yml").write_text("brand: [윤석열]\ncountry: US\n", encoding="utf-8")
    assert load_folder(tmp_path).settings.country == "US"


def test_the_percentage_has_the_sign_of_the_change(tmp_path):
    # five real overlapping exports of one site: "-0.3 clicks a day (+25%, 95% interval
    # -26% to +50%)", "10 clicks a day against 11 expected": R's mean of per-path ratios,
    # pulled up by paths with small expected totals; the pages read observed over expected
    from darksocial.campaign import analyze_campaign

    shutil.copytree(
        Path(__file__).parent / "data/search_console/fsidigital_five_exports", tmp_path / "d"
    )
    (tmp_path / "d" / "campaigns.yml").write_text(
        "campaigns:\n- {id: push, name: Grants guide push, launch: 2026-07-01, end: 2026-07-21}\n"
    )
    a = analyze_campaign(load_folder(tmp_path / "d"), "push")
    row = a.effects_frame().loc["search_clicks"]
    assert row["average"] < 0 and row["relative"] < 0
    assert row["relative"] == pytest.approx(row["observed"] / row["counterfactual"] - 1)
    assert row["relative_lower"] <= row["relative"] <= row["relative_upper"]
    # the engine keeps R CausalImpact's definition, and its report says they differ
    res = a.results["search_clicks"]
    assert res.effects_for("push").loc["relative", "estimate"] > 0
    assert "(−3.0%, 95% interval" in a.bottom_line()


def test_a_second_download_of_one_trends_query_is_listed_not_joined(tmp_path, capsys):
    # two real downloads of one query, which Google sampled differently: exit 2, "download
    # the whole period once" (both were)
    for src in (Path(__file__).parent / "data/trends/repeat_downloads").glob("*.csv"):
        shutil.copy(src, tmp_path / src.name)
    (tmp_path / "campaigns.yml").write_text("campaigns:\n- {id: a, launch: 2024-06-02}\n")
    (tmp_path / "darksocial.yml").write_text("brand: [Project Preserve Destiny]\n")
    sources = load_folder(tmp_path)
    assert sources.trends.attrs["paths"] == [str(tmp_path / "multiTimeline.csv")]
    why = next(e.note for e in sources.exports if e.path.name.startswith("multiTimeline_web"))
    assert why.startswith("a second download of the query of multiTimeline.csv")
    assert cli.main(["check", "--data", str(tmp_path)]) == 0
    assert "Keep one download of each query" in capsys.readouterr().out
    # the browser's later copy "multiTimeline (1).csv" sorted before the original
    shutil.copy(
        tmp_path / "multiTimeline_web_Project_Preserve_Destiny.csv",
        tmp_path / "multiTimeline (1).csv",
    )
    assert load_folder(tmp_path).trends.attrs["paths"] == [str(tmp_path / "multiTimeline.csv")]


def test_a_count_model_on_a_window_without_a_click_is_not_a_result(tmp_path):
    # a real new site: 12 days without a click; the negative binomial row read
    # "0 | n/a | p = 1.00", an effect of zero that no model found
    from darksocial.campaign import analyze_campaign

    shutil.copytree(Path(__file__).parent / "data/search_console/myrecoverypal", tmp_path / "d")
    (tmp_path / "d" / "campaigns.yml").write_text(
        "campaigns:\n- {id: post, launch: 2025-12-20, end: 2025-12-31}\n"
    )
    a = analyze_campaign(load_folder(tmp_path / "d"), "post")
    table = a.triangulate("search_clicks").table
    row = table[(table["model"] == "negbin") & (table["method"] == "intervention")].iloc[0]
    assert row["note"].startswith("could not be estimated on this series: every period")
    assert not np.isfinite(row.get("average", np.nan))
    # as the headline model it read "0 clicks a day (95% interval n/a to n/a)"
    a = analyze_campaign(load_folder(tmp_path / "d"), "post", model="negbin")
    assert not a.results
    assert a.skipped["search_clicks"].startswith("every period of the window is zero")


def test_no_longer_history_is_asked_of_a_site_that_has_none(tmp_path):
    # a real export asked for the last 12 months and holds 34 days: "export a longer
    # history" was advice nobody could follow
    from darksocial.campaign import check_covers
    from darksocial.errors import DataValidationError

    folder = _hcidirect(
        tmp_path, "campaigns:\n- {id: show, launch: 2025-04-10, end: 2025-04-13}\n"
    )
    with pytest.raises(DataValidationError) as err:
        check_covers(load_folder(folder), "search_clicks", "show")
    assert "hold 24 days before launch; the estimate needs at least 28 days and Search " in str(
        err.value
    )
    assert "(the export asked for the last 12 months; its data start 17 Mar 2025)" in str(
        err.value
    )
    assert "export a longer history" not in str(err.value)
    # the page gave no number at all for a campaign the data covered: the plain averages
    from darksocial.campaign import analyze_campaign

    line = analyze_campaign(load_folder(folder), "show").bottom_line().replace("\\", "")
    assert (
        "For reference, without a model: search clicks, branded and non-branded together "
        "averaged 4.4 a day in the 24 days before launch and 0.2 a day during" in line
    )


def test_a_short_branded_export_beside_a_long_one_is_told_to_export_more(tmp_path):
    # an unfiltered export of 16 months beside a branded one of 28 days: "Search Console
    # has no earlier data for this site", of a site with 16 months of it
    from darksocial.campaign import check_covers
    from darksocial.errors import DataValidationError

    rng = np.random.default_rng(1)
    for name, start, filters in (
        ("all", "2024-01-01", "Date,Last 16 months"),
        ("brand", "2025-04-03", 'Query,"+acme"\nDate,Last 28 days'),
    ):
        days = pd.date_range(start, "2025-04-30")
        clicks = rng.poisson(20, len(days))
        (tmp_path / name).mkdir()
        pd.DataFrame(
            {"Date": days.strftime("%Y-%m-%d"), "Clicks": clicks, "Impressions": clicks * 10}
        ).to_csv(tmp_path / name / "Chart.csv", index=False)
        (tmp_path / name / "Filters.csv").write_text(
            "Filter,Value\nSearch type,Web\n" + filters + "\n"
        )
    (tmp_path / "campaigns.yml").write_text("campaigns:\n- {id: c, launch: 2025-04-20}\n")
    (tmp_path / "darksocial.yml").write_text("brand: [acme]\n")
    with pytest.raises(DataValidationError, match=r"\(export a longer history\)"):
        check_covers(load_folder(tmp_path), "branded_clicks", "c")


def test_a_model_row_with_an_interval_of_no_width_is_not_a_result(tmp_path, real_folder):
    # a real Trends term at 0 for months before a campaign: the negative binomial
    # counterfactual read "0 | 0 to 0 | p = 1.00", a result no data supported
    from darksocial.campaign import analyze_campaign

    real_folder(
        "trends/repeat_downloads/multiTimeline.csv",
        calendar="campaigns:\n- {id: tour, launch: 2025-02-03, end: 2025-02-28}\n",
        settings="brand: [Project Preserve Destiny]\n",
    )
    import warnings

    with warnings.catch_warnings():
        # the degenerate fits warn (statsmodels, on a series of zeros); the row is the point
        warnings.simplefilter("ignore", RuntimeWarning)
        table = analyze_campaign(load_folder(tmp_path), "tour").triangulate("brand_interest")
    table = table.table
    row = table[(table["model"] == "negbin") & (table["method"] == "counterfactual")].iloc[0]
    assert row["note"] == (
        "could not be estimated on this series: its interval has no width: the series gave "
        "the model no variation to learn from"
    )


def test_a_trends_download_without_a_brand_says_so_in_the_bottom_line_and_index(
    tmp_path, real_folder
):
    # a real download and no brand set: the bottom line and the index read "this data
    # folder holds no series to measure it on" beside "1 data source"
    from darksocial import reporting
    from darksocial.pages.campaign import campaign_report

    real_folder(
        "trends/repeat_downloads/multiTimeline.csv",
        calendar="campaigns:\n- {id: tour, launch: 2025-02-03}\n",
    )
    page = campaign_report(campaign_id="tour", data_dir=tmp_path)
    line = page.analysis.bottom_line()
    assert "Google Trends download is not read as your brand" in line
    assert "no series" not in line
    summary = page.analysis.summary()
    summary["sections"] = {"search": {"status": "skipped", "why": page.search_section().why}}
    cell = reporting._verdicts(summary)
    assert "holds Project Preserve Destiny, but no brand is set" in cell


def test_a_folder_without_a_calendar_is_checked_and_explored(tmp_path, capsys):
    # a new user's first run is on the exports alone: check stopped at "has no campaign
    # calendar" without a word on what the exports hold or which launch dates they reach
    folder = _folder(tmp_path, "exports", "search_console/ui_export")
    (folder / "campaigns.yml").unlink()
    assert cli.main(["check", "--data", str(folder)]) == 2
    out, err = capsys.readouterr()
    assert "Search Console: clicks and impressions by day" in out
    assert "no campaign calendar in the folder" in out
    first = load_folder(folder).search_console.index[0]
    assert f"{first + pd.Timedelta(days=28):%Y-%m-%d} to " in out
    assert err.strip().endswith("with a campaign and a start date column")
    assert err.count("\n") == 1

    reports = tmp_path / "out"
    assert cli.main(["report", "--data", str(folder), "--reports-dir", str(reports)]) == 2
    err = capsys.readouterr().err
    assert "has no campaign calendar" in err and "--notebook explore-sources" in err
    assert err.count("\n") == 1 and not reports.exists()

    args = ["report", "--data", str(folder), "--reports-dir", str(reports)]
    assert cli.main([*args, "--notebook", "explore-sources"]) == 0
    (page,) = reports.glob("explore-sources/*/explore-sources.html")
    assert "campaign calendar: adds the campaign reports" in page.read_text(encoding="utf-8")


def test_several_trends_downloads_not_read_as_the_brand_are_plural(tmp_path, real_folder):
    # "the data folder's Google Trends download is not read ... The Google Trends downloads
    # ... hold" on a real folder of three downloads
    from darksocial.pages.campaign import campaign_report

    real_folder(
        *(f"trends/toiletpaper_places/multiTimeline{n}.csv" for n in ("", " (1)", " (2)")),
        calendar="campaigns:\n- {id: tour, launch: 2021-03-01, end: 2021-03-28}\n",
    )
    line = campaign_report(campaign_id="tour", data_dir=tmp_path).analysis.bottom_line()
    assert "Google Trends downloads are not read as your brand" in line


def test_an_unusable_ga4_file_gives_its_fix_once(tmp_path, real_folder):
    # a real GA4 "Reports snapshot" beside Search Console: "Direct traffic not measured:
    # Reports_snapshot.csv ... (in GA4 open Reports → Acquisition → Traffic acquisition ...).
    # Add a GA4 traffic acquisition export by date (GA4 → Reports → Acquisition → Traffic
    # acquisition ...)" gave the same menu path twice
    from darksocial.pages.campaign import campaign_report

    real_folder(
        "ga4/Reports_snapshot.csv",
        *(f"search_console/lazytimer/{n}.csv" for n in ("Chart", "Filters")),
        calendar="campaigns:\n- {id: p, launch: 2025-12-01, end: 2025-12-14}\n",
    )
    why = campaign_report(campaign_id="p", data_dir=tmp_path).direct_section().why
    assert why.count("Traffic acquisition") == 1 and "For deep pages, add" in why
