"""A team's own data folder: exports as downloaded, recognised by content, all but the calendar
optional, several exports of one source joined, settings stated or inferred."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pandas as pd
import pytest

from darksocial import config
from darksocial.errors import DataFormatError
from darksocial.io import load_folder, load_sample, read_settings, scan_folder


@pytest.fixture(scope="module")
def sample():
    return load_sample()


def _copy(tmp_path, keep=None):
    """The sample under the names another account's exports have, in other sub-folders."""
    target = tmp_path / "acme"
    shutil.copytree(config.SAMPLE_DIR, target)
    (meta,) = (target / "meta_ads").glob("*.csv")
    meta.rename(meta.with_name("Acme-Campaigns-1-Jan-202431-Dec-2025.csv"))
    (target / "survey" / "how_did_you_hear.csv").rename(target / "hubspot-contacts.csv")
    # GA4's default download name, in a folder of another name
    (target / "downloads").mkdir()
    (target / "ga4" / "Traffic_acquisition_Session_default_channel_group.csv").rename(
        target / "downloads" / "data-export.csv"
    )
    if keep is not None:
        for path in list(target.iterdir()):
            if path.name not in keep:
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    return target


def test_files_are_recognised_by_content_whatever_their_name(tmp_path, sample):
    folder = _copy(tmp_path)
    found = {e.path.relative_to(folder).as_posix(): e.source for e in scan_folder(folder)}
    assert found["downloads/data-export.csv"] == "ga4_channels"
    assert found["hubspot-contacts.csv"] == "survey"
    assert found["meta_ads/Acme-Campaigns-1-Jan-202431-Dec-2025.csv"] == "meta_ads"
    assert found["search_console/ui_export"] == "search_console"
    assert found["README.md"] is None and found["TRUTH.json"] is None
    mine = load_folder(folder)
    assert mine.ga4_channels["direct"].sum() == sample.ga4_channels["direct"].sum()
    assert len(mine.survey) == len(sample.survey)
    assert mine.meta_ads["impressions"].sum() == pytest.approx(
        sample.meta_ads["impressions"].sum()
    )


def test_the_calendar_is_the_one_file_an_analysis_requires(tmp_path):
    folder = _copy(tmp_path, keep={"campaigns.yml"})
    sources = load_folder(folder)
    assert sources.available() == ["campaigns"]
    assert sources.search_console is None and sources.survey is None
    (folder / "campaigns.yml").unlink()
    # the exports are still read (check and the exploration need no calendar); a campaign's
    # analysis asks for it
    sources = load_folder(folder)
    assert sources.campaigns is None and sources.available() == []
    with pytest.raises(DataFormatError, match="has no campaign calendar; add campaigns.yml"):
        sources.calendar()
    from darksocial.campaign import analyze_campaign
    from darksocial.overview import analyze_campaigns

    with pytest.raises(DataFormatError, match="has no campaign calendar"):
        analyze_campaign(sources, "podcast-s1")
    with pytest.raises(DataFormatError, match="has no campaign calendar"):
        analyze_campaigns(sources)
    with pytest.raises(DataFormatError, match="data folder not found"):
        load_folder(tmp_path / "nowhere")


def test_two_exports_of_one_source_for_different_periods_are_joined(tmp_path, sample):
    folder = _copy(tmp_path, keep={"campaigns.yml", "downloads"})
    full = folder / "downloads" / "data-export.csv"
    text = full.read_text(encoding="utf-8")
    header, rows = text.split("\n", 1)[0], text.split("\n")
    # split the rows (after the preamble and header) into 2024 and 2025 files
    body = [r for r in rows if r[:4] in ("2024", "2025")]
    pre = [r for r in rows if r and r[:4] not in ("2024", "2025")]
    assert header.startswith("#") and body
    (folder / "downloads" / "data-export (1).csv").write_text(
        "\n".join(pre + [r for r in body if r.startswith("2025")]) + "\n", encoding="utf-8"
    )
    full.write_text("\n".join(pre + [r for r in body if r.startswith("2024")]) + "\n")
    joined = load_folder(folder).ga4_channels
    assert joined.index[0] == pd.Timestamp("2024-01-01")
    assert joined.index[-1] == pd.Timestamp("2025-12-31")
    assert joined["direct"].sum() == sample.ga4_channels["direct"].sum()
    assert len(joined.attrs["paths"]) == 2


def test_overlapping_exports_that_disagree_name_both_files(tmp_path):
    folder = _copy(tmp_path, keep={"campaigns.yml", "downloads"})
    first = folder / "downloads" / "data-export.csv"
    text = first.read_text(encoding="utf-8")
    lines = text.split("\n")
    i = next(
        k for k, r in enumerate(lines) if r.startswith("2025-03-03") or r.startswith("20250303")
    )
    fields = lines[i].split(",")
    fields[2] = str(int(float(fields[2])) + 500)
    lines[i] = ",".join(fields)
    (folder / "downloads" / "again.csv").write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(
        DataFormatError, match=r"again\.csv.*data-export\.csv|data-export\.csv.*again\.csv"
    ):
        load_folder(folder)


def test_settings_are_read_and_inferred(tmp_path):
    folder = _copy(tmp_path)
    assert read_settings(folder).country == "FR"  # the sample states FR/EUR/Europe-Paris
    (folder / "darksocial.yml").write_text("brand: [trackmytools, track my tools]\n")
    sources = load_folder(folder)
    s = sources.settings
    assert s.brand == ("trackmytools", "track my tools") and s.currency == "EUR"
    assert "currency" in s.inferred and "brand" not in s.inferred
    (folder / "darksocial.yml").unlink()
    inferred = load_folder(folder).settings
    assert inferred.brand == ("trackmytools",)  # from www.trackmytools.com
    assert "brand" in inferred.inferred


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("brand: acme\ncountry: USA\n", "not a two-letter ISO code"),
        ("currency: dollars\n", "not a three-letter ISO code"),
        ("time_zone: Mars/Olympus\n", "not an IANA time zone"),
        ("brands: [acme]\n", "unknown setting brands"),
        ("brand: [acme\n", "is not valid YAML"),
    ],
)
def test_bad_settings_give_one_line(tmp_path, text, match):
    (tmp_path / "darksocial.yml").write_text(text)
    with pytest.raises(DataFormatError, match=match):
        read_settings(tmp_path)


def test_old_brand_file_is_still_read(tmp_path):
    (tmp_path / "brand.yml").write_text("terms: [acme, acme app]\nexclude: [acme jobs]\n")
    s = read_settings(tmp_path)
    assert s.brand == ("acme", "acme app") and s.exclude == ("acme jobs",)
    (tmp_path / "brand.yml").write_text("brands: acme\n")
    with pytest.raises(DataFormatError, match="needs a `terms:` list"):
        read_settings(tmp_path)


def test_an_empty_meta_download_is_listed_not_fatal(tmp_path):
    folder = _copy(tmp_path, keep={"campaigns.yml"})
    (folder / "Acme-Campaigns-1-Sep-202430-Sep-2024.csv").write_text(
        '"Reporting starts","Reporting ends","Campaign name",Impressions,"Amount spent (USD)"\n'
        '"No data available."\n'
    )
    found = scan_folder(folder)
    (meta,) = [e for e in found if e.path.suffix == ".csv"]
    assert meta.source is None and "No data available" in meta.note
    assert load_folder(folder).meta_ads is None


def test_input_files_are_never_modified(tmp_path):
    folder = _copy(tmp_path)
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    load_folder(folder)
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


_META_HEADER = (
    '"Campaign name","Day","Impressions","Reach","Amount spent (USD)",'
    '"Reporting starts","Reporting ends"\n'
)


def _meta(path, rows):
    lines = [_META_HEADER]
    for campaign, day, impressions, spend in rows:
        lines.append(f'"{campaign}",{day},{impressions},{impressions // 2},{spend},{day},{day}\n')
    path.write_text("".join(lines), encoding="utf-8")


def test_ads_exports_of_other_campaigns_add_up_and_a_shared_day_must_agree(tmp_path):
    folder = _copy(tmp_path, keep={"campaigns.yml"})
    _meta(
        folder / "Acme-A.csv",
        [("Spring A", "2025-04-01", 1000, 10.5), ("Spring A", "2025-04-02", 800, 9.0)],
    )
    _meta(
        folder / "Acme-B.csv",
        [("Spring B", "2025-04-01", 300, 3.0), ("Spring A", "2025-04-02", 800, 9.0)],
    )
    ads = load_folder(folder).meta_ads
    assert ads.loc["2025-04-01", "impressions"] == 1300  # two campaigns add up
    assert ads.loc["2025-04-02", "impressions"] == 800  # the same row in both counts once
    assert load_folder(folder).settings.currency == "USD"
    _meta(folder / "Acme-B.csv", [("Spring A", "2025-04-02", 950, 9.0)])
    with pytest.raises(DataFormatError, match="disagree on 2025-04-02 for campaign 'Spring A'"):
        load_folder(folder)


def test_only_bigquery_file_names_make_an_events_folder(tmp_path):
    folder = _copy(tmp_path, keep={"campaigns.yml", "ga4"})
    (folder / "ga4" / "Events_Event_name.csv").write_text("Event name,Event count\npage_view,3\n")
    found = {e.path.relative_to(folder).as_posix(): e.source for e in scan_folder(folder)}
    assert found["ga4/bigquery"] == "ga4_events"
    assert found["ga4/Events_Event_name.csv"] is None


def test_an_ads_export_not_by_day_is_listed_with_the_fix(tmp_path):
    folder = _copy(tmp_path, keep={"campaigns.yml"})
    (folder / "Untitled-report-Feb-1-2025-to-Aug-4-2025_Age.csv").write_text(
        '"Campaign name",Age,Reach,Impressions,"Amount spent (INR)","Reporting starts",'
        '"Reporting ends"\n'
        ",,635040,878306,33245.34,2025-02-01,2025-08-04\n"
        '"Add to Cart",18-24,13874,23657,2236.71,2025-02-01,2025-08-04\n'
    )
    (meta,) = [e for e in load_folder(folder).exports if e.path.suffix == ".csv"]
    assert meta.source is None
    assert "not broken down by day" in meta.note and "Breakdown > By time > Day" in meta.note


def test_two_trends_downloads_that_disagree_say_why(tmp_path):
    folder = _copy(tmp_path, keep={"campaigns.yml", "google_trends"})
    src = folder / "google_trends" / "multiTimeline.csv"
    text = src.read_text(encoding="utf-8").replace("2024-01-07,6,", "2024-01-07,60,")
    # over another period (its last weeks left out): Trends scaled each to its own peak
    lines = text.rstrip("\n").split("\n")
    (folder / "multiTimeline (1).csv").write_text("\n".join(lines[:-5]) + "\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="scales each download to its own peak"):
        load_folder(folder)
    # over the same period: a second download of one query, listed as not used
    (folder / "multiTimeline (1).csv").write_text(text, encoding="utf-8")
    sources = load_folder(folder)
    second = next(e for e in sources.exports if e.path.name == "multiTimeline (1).csv")
    assert second.source is None and second.note.startswith("a second download of the query")


def test_trends_downloads_for_other_places_are_other_series(tmp_path):
    folder = _copy(tmp_path, keep={"campaigns.yml"})
    for geo, value in (("Japon", 9), ("USA", 2)):
        (folder / f"multiTimeline ({geo}).csv").write_text(
            "类别：所有类别\n\nsemaine,toilet paper: ("
            + geo
            + ")\n"
            + "".join(f"2020-0{m}-0{d},{value + d}\n" for m in (2, 3) for d in (2, 9)),
            encoding="utf-8",
        )
    trends = load_folder(folder).trends
    assert {"toilet_paper_japon", "toilet_paper_usa"} <= set(trends.columns)
    assert trends.attrs["terms"][:2] == ["toilet paper (Japon)", "toilet paper (USA)"]


def test_an_export_unzipped_loose_keeps_its_tables(tmp_path):
    # a Search Console Performance export unzipped straight into the data folder (as the
    # real buyshedsdirect and albadecor exports were): its tables are part of it, not
    # "without its Dates.csv or Chart.csv beside it"
    src = config.PROJ_ROOT / "tests" / "data" / "search_console" / "performance_2025"
    folder = tmp_path / "acme"
    shutil.copytree(src, folder)
    (folder / "campaigns.yml").write_text(
        "campaigns:\n- id: c\n  name: C\n  launch: 2025-03-01\n", encoding="utf-8"
    )
    found = scan_folder(folder)
    assert [e.path.name for e in found if e.source is None] == []
    assert [e.source for e in found if e.path.suffix == ".csv"] == ["search_console"]
    # a table alone, without its daily table, is still listed with the fix
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(folder / "campaigns.yml", alone)
    shutil.copy(folder / "Queries.csv", alone)
    (note,) = [e.note for e in scan_folder(alone) if e.path.name == "Queries.csv"]
    assert "Search Console clicks by Top queries with no dates" in note
    assert "Dates.csv or Chart.csv (kept in one folder with the tables" in note
    # a script's table of pages beside the folder's own daily export: no "keep together"
    # only (a real one was told to keep the export's files together)
    (tmp_path / "loose").mkdir()
    shutil.copy(folder / "Chart.csv", tmp_path / "loose" / "Chart.csv")
    (tmp_path / "loose" / "reports").mkdir()
    (tmp_path / "loose" / "reports" / "touched-pages.csv").write_text(
        "page,clicks,impressions,ctr,position\n/,0,0,0.0000,0.00\n/pricing,3,40,0.0750,8.10\n"
    )
    (note,) = [e.note for e in scan_folder(tmp_path / "loose") if e.source is None]
    assert note.startswith("Search Console clicks by page with no dates")
    assert "API rows with the date dimension" in note


def _legacy_reports(root):
    """Reports as darksocial wrote them before its pages carried a generator tag."""
    run = root / "campaign-impact" / "20261130-222822-podcast-s1"
    run.mkdir(parents=True)
    (root / "index.html").write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        "<title>darksocial reports</title></head><body></body></html>\n"
    )
    (root / "campaign-impact" / "latest-podcast-s1.html").write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><meta http-equiv='refresh' "
        "content='0; url=20261130-222822-podcast-s1/campaign-impact.html'>"
        "<title>campaign-impact</title></head><body></body></html>"
    )
    (run / "campaign-impact.html").write_text(
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"/>\n'
        "<title>Campaign impact report</title><meta content=\"default-src 'none'; img-src "
        "data:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action "
        '\'none\'" http-equiv="Content-Security-Policy"/></head><body></body></html>'
    )
    (run / "status.json").write_text(
        '{"notebook": "campaign-impact", "run_id": "20261130-222822-podcast-s1", '
        '"status": "ok", "parameters": {"data_dir": ".."}}'
    )
    (run / "summary.json").write_text(
        '{"campaign": "podcast-s1", "sections": {"search": {"status": "ran", "why": ""}}}'
    )
    (run / "campaign-impact.ipynb").write_text(
        '{"cells": [], "metadata": {"papermill": {"input_path": '
        '"/x/notebooks/campaign-impact.ipynb"}}, "nbformat": 4, "nbformat_minor": 5}'
    )
    return run


def test_darksocial_reports_in_the_data_folder_are_not_read_as_input(tmp_path):
    # `darksocial report --reports-dir` inside the data folder used to make every later
    # `check` list out/... as "not used" and the report count them as other files
    folder = _copy(tmp_path, keep={"campaigns.yml", "search_console"})
    run = _legacy_reports(folder / "out")
    # a page and a summary saved beside the exports, and a run under way elsewhere
    shutil.copy(run / "campaign-impact.html", folder / "podcast report.html")
    shutil.copy(run / "summary.json", folder / "summary.json")
    busy = folder / "reports" / "explore-sources" / "20261201-080000"
    busy.mkdir(parents=True)
    (busy / "explore-sources.ipynb").write_text("{}")
    # files of the team's own are still listed, as before
    (folder / "notes.html").write_text("<html><body>our notes</body></html>")
    (folder / "numbers.json").write_text('{"sections": ["a", "b"]}')
    found = {e.path.relative_to(folder).as_posix(): e.source for e in scan_folder(folder)}
    assert found == {
        "campaigns.yml": "campaigns",
        "search_console/ui_export": "search_console",
        "search_console/searchdata_site_impression.csv": "search_console",
        "notes.html": None,
        "numbers.json": None,
    }


def test_search_console_downloads_without_a_chart_are_listed_with_the_fix(tmp_path, data_dir):
    # real downloads beside a usable export: a Discover export and a Compare-mode Excel
    # download have no clicks by day, and either one stopped check and report (exit 2)
    folder = _copy(tmp_path)
    for path in (data_dir / "search_console" / "no_chart").glob("*.*"):
        if path.suffix in (".zip", ".xlsx"):
            shutil.copy(path, folder)
    sources = load_folder(folder)
    assert sources.search_console is not None  # the sample's own export still runs
    notes = {e.path.name: e.note for e in sources.exports if e.path.parent == folder}
    discover = notes["racinggames.gg-Performance-on-Discover-2024-02-12.zip"]
    assert "Discover export" in discover and "not search" in discover
    compare = notes["https___amtec-group.com_-Performance-on-Search-2026-01-15.xlsx"]
    assert "comparing two date ranges" in compare and "turn Compare off" in compare


def test_a_search_console_chart_by_month_is_the_monthly_series(tmp_path, data_dir):
    # a real export whose chart was viewed by month (Date Range rows): Chart.csv was "not a
    # recognised export", then listed as not used; its whole months are the series now,
    # and the two part-months its date range cut are left out, and said
    from darksocial.pages.campaign import campaign_report

    shutil.copytree(data_dir / "search_console" / "itech_monthly", tmp_path / "f")
    folder = tmp_path / "f"
    (folder / "campaigns.yml").write_text(
        "campaigns:\n- {id: pc, launch: 2025-11-01, end: 2025-12-31}\n"
    )
    raw = pd.read_csv(folder / "Chart.csv")
    sc = load_folder(folder).search_console
    assert sc.index.freqstr == "MS" and len(sc) == 15
    assert sc.index[0] == pd.Timestamp("2024-11-01") and sc.index[-1] == pd.Timestamp("2026-01-01")
    np.testing.assert_array_equal(sc["clicks"].to_numpy(), raw["Clicks"].to_numpy()[1:-1])
    assert sc.attrs["partial_periods"] == ["2024-10-15 - 2024-10-31", "2026-02-01 - 2026-02-14"]
    (chart,) = [e for e in load_folder(folder).exports if e.path.name == "Chart.csv"]
    assert chart.source == "search_console"
    report = campaign_report(campaign_id="pc", data_dir=folder)
    html = report.search_section().html
    assert "clicks a month" in html and "has no Search Console" not in html
    res = report.analysis.results["search_clicks"]
    assert res.y.loc["2025-11-01"] == raw["Clicks"].iloc[13]


def test_a_search_console_chart_by_week_is_the_weekly_series(tmp_path):
    # the same export viewed by week: seven-day ranges from Monday; a first part-week
    rng = np.random.default_rng(3)
    weeks = pd.date_range("2024-01-01", periods=80, freq="W-MON")
    clicks = rng.poisson(700, len(weeks))
    rows = ["Date Range,Clicks,Impressions,CTR,Position", "2023-12-28 - 2023-12-31,90,900,10%,5"]
    rows += [
        f"{w:%Y-%m-%d} - {w + pd.Timedelta(days=6):%Y-%m-%d},{c},{c * 10},10%,5"
        for w, c in zip(weeks, clicks, strict=True)
    ]
    folder = tmp_path / "weekly"
    folder.mkdir()
    (folder / "campaigns.yml").write_text("campaigns:\n- {id: pc, launch: 2025-03-03}\n")
    (folder / "Chart.csv").write_text("\n".join(rows[:1] + rows[1:][::-1]) + "\n")
    sc = load_folder(folder).search_console
    assert sc.index.freqstr == "W-MON" and sc.index[0] == weeks[0]
    np.testing.assert_array_equal(sc["clicks"].to_numpy(), clicks)
    assert sc.attrs["partial_periods"] == ["2023-12-28 - 2023-12-31"]
    # measured in clicks a week; the data table says "weekly" (it printed "W-MON")
    from darksocial.pages.campaign import campaign_report

    report = campaign_report(campaign_id="pc", data_dir=folder)
    assert "clicks a week" in report.search_section().html
    assert re.search(r">weekly</td>", report.data_html()) and "W-MON" not in report.data_html()
    # ranges of mixed lengths inside are no series: listed as not used, with the fix
    bad = rows[:3] + ["2024-01-08 - 2024-01-20,10,100,10%,5"] + rows[4:]
    (folder / "Chart.csv").write_text("\n".join(bad) + "\n")
    (chart,) = [e for e in load_folder(folder).exports if e.path.name == "Chart.csv"]
    assert chart.source is None and "show the chart by day" in chart.note
    # seven-day rows that change weekday halfway are no weekly grid either
    shifted = rows[:31] + [
        f"{w:%Y-%m-%d} - {w + pd.Timedelta(days=6):%Y-%m-%d},{c},{c * 10},10%,5"
        for w, c in zip(weeks[30:] + pd.Timedelta(days=2), clicks[30:], strict=True)
    ]
    (folder / "Chart.csv").write_text("\n".join(shifted) + "\n")
    (chart,) = [e for e in load_folder(folder).exports if e.path.name == "Chart.csv"]
    assert chart.source is None and "show the chart by day" in chart.note


def test_search_console_exports_of_two_sites_say_so_in_plain_words(tmp_path, data_dir):
    # two real exports of two sites in one folder: the error read "x.xlsx: and
    # /full/path/Dates.csv are both search_console exports and disagree on 2025-08-16"
    folder = tmp_path / "agency"
    folder.mkdir()
    for path in (data_dir / "search_console" / "awningdepot_xlsx").glob("*.xlsx"):
        shutil.copy(path, folder)
    shutil.copy(data_dir / "search_console" / "abudhabi_dates" / "Dates.csv", folder)
    (folder / "campaigns.yml").write_text("campaigns:\n- {id: a, launch: 2025-10-01}\n")
    with pytest.raises(DataFormatError) as info:
        load_folder(folder)
    message = str(info.value)
    assert "search_console" not in message and str(tmp_path) not in message
    assert "disagrees with" in message and "both are Search Console exports" in message
    assert "Dates.csv" in message and "agency/https___awningdepot" in message  # with its folder
    assert "exports of two sites, or with other filters, each go in a data folder" in message


def test_the_summary_dates_a_weekly_or_monthly_series_to_its_last_day(tmp_path):
    # the data table read "To 11 Apr 2021" for the week of 11-17 April, "To 1 Jun 2025"
    # for June
    from darksocial.io import load_trends

    src = config.PROJ_ROOT / "tests" / "data" / "trends" / "multiTimeline.csv"
    weekly = load_trends(src)
    shutil.copy(src, tmp_path / "multiTimeline.csv")
    (tmp_path / "campaigns.yml").write_text(
        "campaigns:\n- id: c\n  name: C\n  launch: 2025-03-01\n", encoding="utf-8"
    )
    summary = load_folder(tmp_path).summary()
    assert weekly.index.freqstr == "W-SUN"
    assert summary.loc["trends", "end"] == weekly.index[-1] + pd.Timedelta(days=6)
    monthly = tmp_path / "monthly"
    monthly.mkdir()
    shutil.copy(tmp_path / "campaigns.yml", monthly)
    (monthly / "multiTimeline.csv").write_text(
        "Category: All categories\n\nMonth,acme: (Worldwide)\n"
        + "".join(f"2024-{m:02d},{40 + m}\n" for m in range(1, 13))
    )
    assert load_folder(monthly).summary().loc["trends", "end"] == pd.Timestamp("2024-12-31")


def test_a_folder_of_nothing_readable_has_an_empty_summary(tmp_path):
    # no calendar and no readable export: Sources.summary raised KeyError ('source'), and
    # the exploration page with it
    from darksocial.pages.sections import source_table

    (tmp_path / "x.csv").write_text("a,b\n1,2\n")
    sources = load_folder(tmp_path)
    assert sources.summary().empty and "rows" in sources.summary().columns
    assert source_table(sources).empty
    assert "Sources(" in repr(sources)
