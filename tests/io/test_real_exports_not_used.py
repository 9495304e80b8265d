"""Real public downloads a data folder holds but no report can use: each is listed as not used,
with one true line saying what it is and what to export instead, and the rest of the folder
runs (exit 0). Before, each one stopped ``darksocial check`` and ``report`` (exit 2) or was
named wrongly. The fixtures are the downloads byte for byte; their SOURCE.md says from where."""

from __future__ import annotations

import re
import shutil
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from darksocial.cli import main
from darksocial.coverage import assess
from darksocial.errors import DataFormatError, UnusableExportError
from darksocial.io import detect, load_folder, load_search_console, load_trends

CALENDAR = "campaigns:\n- {id: launch, name: Launch, content_type: video, launch: 2025-03-03}\n"
#: What every refusal of a Search Console report other than Performance ends with.
INSTEAD = "export Search Console → Performance → Search results → Export → Download CSV instead"
CWV = "https___www.uagc.edu_-core-web-vitals-2025-07-23"


def _folder(tmp_path: Path, *paths: Path) -> Path:
    """A data folder: a calendar and the given files or folders, as downloaded."""
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    (folder / "campaigns.yml").write_text(CALENDAR)
    for path in paths:
        if path.is_dir():
            shutil.copytree(path, folder / path.name)
        else:
            shutil.copy(path, folder / path.name)
    return folder


def _unused(sources) -> dict[str, tuple[str | None, str]]:
    """Each file not used, by its path in the folder: what it was taken for, and why."""
    root = Path(sources.directory)
    return {
        e.path.relative_to(root).as_posix(): (e.kind, e.note)
        for e in sources.exports
        if e.source is None
    }


def _check(folder: Path, capsys) -> str:
    assert main(["check", "--data", str(folder)]) == 0
    out, err = capsys.readouterr()
    assert "Warning" not in err and "Traceback" not in err
    return out


# --- 1. a Core Web Vitals export beside a Performance export --------------------------------


def test_core_web_vitals_folder_is_not_used_and_the_performance_export_beside_it_runs(
    tmp_path, data_dir, capsys
):
    # uagc: the sub-folder stopped the run, exit 2: "no Chart.csv or Dates.csv inside;
    # expected a Search Console Performance export (found no export tables)", false and fatal
    real = data_dir / "search_console" / "uagc_core_web_vitals"
    folder = _folder(tmp_path, real / CWV, real / "Dates.csv", real / "Filters.csv")
    sources = load_folder(folder)
    assert len(sources.search_console) == 365  # the Performance export beside it runs
    unused = _unused(sources)
    # one line for the export: its Table.csv and Metadata.csv are part of it
    assert list(unused) == [CWV]
    kind, note = unused[CWV]
    assert kind == "search_console"
    assert note == (
        "a Search Console Core Web Vitals export (Date, Poor, Need improvement, Good): it "
        f"counts URLs rated poor, need improvement or good, not clicks; {INSTEAD}"
    )
    out = _check(folder, capsys)
    assert f"{CWV} Search Console, not used: a Search Console Core Web Vitals export" in out
    assert "found    Search Console               2024-07-12 to 2025-07-11, daily" in out


def test_core_web_vitals_folder_alone_refuses_in_one_true_line(data_dir):
    folder = data_dir / "search_console" / "uagc_core_web_vitals" / CWV
    assert detect(folder).source == "search_console"
    with pytest.raises(UnusableExportError) as exc:
        load_search_console(folder)
    message = str(exc.value)
    assert "\n" not in message and "no Chart.csv" not in message
    assert message.startswith(f"{CWV}: a Search Console Core Web Vitals export")


def test_a_folder_with_a_chart_of_no_search_console_report_is_not_used(tmp_path, capsys):
    # a Chart.csv is what makes a folder an export: one of another tool is said to be so
    other = tmp_path / "exports"
    other.mkdir()
    (other / "Chart.csv").write_text("Date,Sessions\n2025-01-01,4\n2025-01-02,5\n")
    folder = _folder(tmp_path, other)
    kind, note = _unused(load_folder(folder))["exports"]
    assert kind == "search_console"
    assert note == (
        "Chart.csv has Date, Sessions, not the Clicks and Impressions of a Search Console "
        f"Performance export; {INSTEAD}"
    )
    _check(folder, capsys)


# --- 2. Meta Ads Manager exports saved as .xlsx --------------------------------------------


def test_meta_ads_xlsx_is_recognised_by_its_columns_as_its_csv_is(tmp_path, data_dir, capsys):
    # mh4u: both were read as survey answers and stopped the run, exit 2 ("missing column
    # 'How did you hear about us?'"), and openpyxl's style warning leaked to stderr
    real = data_dir / "ads" / "mh4u_xlsx"
    ads = sorted(real.glob("*.xlsx"))
    assert [detect(p).source for p in ads] == ["meta_ads", "meta_ads"]
    folder = _folder(tmp_path, *ads)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sources = load_folder(folder)
    assert not [w for w in caught if "default style" in str(w.message)]
    assert sources.meta_ads is None
    unused = _unused(sources)
    assert unused["MH4U-Ads-Feb-11-2021-Mar-11-2024.xlsx"] == (
        "meta_ads",
        "not broken down by day (each row covers 2023-04-14..2024-03-11); in Ads Manager "
        "choose Breakdown > By time > Day and export again",
    )
    # rows by Region x Month: a row is a month, not the report's whole Reporting starts/ends
    assert unused["Untitled-report-Apr-1-2023-to-Mar-11-2024.xlsx"] == (
        "meta_ads",
        "not broken down by day (one row per month: 2023-04-01 - 2023-04-30, ..., "
        "2024-03-01 - 2024-03-11); in Ads Manager choose Breakdown > By time > Day and "
        "export again",
    )
    out = _check(folder, capsys)
    assert "Untitled-report-Apr-1-2023-to-Mar-11-2024.xlsx   Meta ads, not used:" in out


def test_a_workbook_that_matches_no_export_is_listed_not_used(tmp_path, capsys):
    book = openpyxl.Workbook()
    book.active.append(["Colour", "Shape"])
    book.active.append(["red", "round"])
    book.save(tmp_path / "notes.xlsx")
    folder = _folder(tmp_path, tmp_path / "notes.xlsx")
    kind, note = _unused(load_folder(folder))["notes.xlsx"]
    assert kind is None and note.startswith("not a recognised export")
    _check(folder, capsys)


# --- 3. Google Trends at steps shorter than a day ------------------------------------------


@pytest.mark.parametrize(
    ("rel", "every"),
    [
        ("trends/id_past_day/multiTimeline.csv", "every 8 minutes (a 'Past day' download)"),
        ("trends/multiTimeline_past_day.csv", "every 8 minutes (a 'Past day' download)"),
        ("trends/multiTimeline_past_7_days.csv", "every hour (a 'Past 7 days' download)"),
    ],
)
def test_sub_daily_trends_download_is_not_used(tmp_path, data_dir, capsys, rel, every):
    # trends_id_8min: exit 2, "the series has an irregular index (most common step 0 days
    # 00:08:00); resample it to a regular frequency first, e.g. y.resample('D').sum()."
    folder = _folder(tmp_path, data_dir / rel)
    sources = load_folder(folder)
    assert sources.trends is None
    assert _unused(sources)[Path(rel).name] == (
        "trends",
        f"Google Trends values {every}; the reports need values by day, week or month: in "
        "Google Trends choose a time range of 90 days or more (values by day or week), then "
        "download again",
    )
    out = _check(folder, capsys)
    assert "Google Trends, not used: Google Trends values every" in out
    assert "irregular index" not in out


def test_sub_daily_trends_download_still_loads_on_its_own(data_dir):
    # `darksocial inspect` shows it as it is; only the reports cannot use it
    df = load_trends(data_dir / "trends" / "id_past_day" / "multiTimeline.csv")
    assert df.index.freqstr == "8min" and df.attrs["time_zone"] == "UTC+07:00"


def test_search_console_last_24_hours_export_is_not_used(tmp_path, data_dir, capsys):
    # the same stop (exit 2, "irregular index ... 01:00:00") for clicks by hour
    folder = _folder(tmp_path, data_dir / "search_console" / "last_24_hours")
    sources = load_folder(folder)
    assert sources.search_console is None
    assert _unused(sources)["last_24_hours"] == (
        "search_console",
        "Search Console clicks every hour (a 'Last 24 hours' export); the reports need "
        "clicks by day: in Search Console choose a date range of 3 months or more and "
        "export again",
    )
    _check(folder, capsys)
    # the export's Filters.csv was listed neither as used nor as not used
    report = assess(sources).report()
    for table in ("Chart.csv", "Filters.csv"):
        assert re.search(
            rf"last_24_hours/{table} +Search Console, not used: part of the export of "
            r"last_24_hours, which is not used",
            report,
        )


# --- 4. page indexing and issue exports ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "chart", "what"),
    [
        (
            "page_indexing",
            "Chart.csv",
            "a Search Console page-indexing export (Date, Not indexed, Indexed, Impressions): "
            "it counts indexed and not indexed pages, not clicks",
        ),
        (
            "page_indexing_pt",
            "Gráfico.csv",
            "a Search Console page-indexing export (Data, Não indexadas, Indexados, "
            "Impressões): it counts indexed and not indexed pages, not clicks",
        ),
        (
            "issue_affected",
            "Chart.csv",
            "a Search Console issue export (Date, Affected pages): it counts affected pages, "
            "not clicks",
        ),
    ],
)
def test_page_indexing_and_issue_exports_say_what_they_are(
    tmp_path, data_dir, capsys, name, chart, what
):
    # indexing, indexing_pt, affected: "not a recognised export; expected GA4, Search
    # Console, Google Trends, ..." for each file
    real = data_dir / "search_console" / name
    assert detect(real / chart).source == "search_console"
    with pytest.raises(UnusableExportError, match=f"^{chart}: a Search Console"):
        load_search_console(real / chart)
    folder = _folder(tmp_path, *(p for p in real.glob("*.csv")))
    unused = _unused(load_folder(folder))
    assert unused.pop(chart) == ("search_console", f"{what}; {INSTEAD}")
    # its other tables (Metadata.csv, Table.csv, the issues) are said to belong to it
    for kind, note in unused.values():
        assert kind is None and note.startswith(
            "a table of a Search Console report other than Performance (page indexing, "
            "Core Web Vitals, an issue's pages): it has no clicks;"
        )
    out = _check(folder, capsys)
    assert f"unusable Search Console               in the folder but not used: {what}" in out
    assert "not a recognised export" not in out


# --- 5. Google Trends downloads whose columns were renamed ----------------------------------


@pytest.mark.parametrize(
    ("name", "header"),
    [("vi_monthly_renamed", "Tháng, Vn-Index"), ("pulau_pari_renamed", "Week, PulauPari")],
)
def test_trends_download_without_place_suffix_is_named_not_read(
    tmp_path, data_dir, capsys, name, header
):
    # trends_vi_monthly, trends_stripped: "not a recognised export; expected GA4, ..."
    path = data_dir / "trends" / name / "multiTimeline.csv"
    assert detect(path).source == "google_trends"
    term = header.split(", ")[1]
    reason = (
        "looks like a Google Trends download whose term columns lost their ': (place)' "
        f"suffix ({term}); download it again from trends.google.com (Explore → your terms "
        "→ ⤓ Interest over time) and keep it as downloaded, or add the place to each term "
        f"column, e.g. '{term}: (Worldwide)'"
    )
    with pytest.raises(UnusableExportError) as exc:
        load_trends(path)  # never read as Trends
    assert str(exc.value) == f"multiTimeline.csv: {reason}"
    folder = _folder(tmp_path, path)
    sources = load_folder(folder)
    assert sources.trends is None
    assert _unused(sources)["multiTimeline.csv"] == ("trends", reason)
    _check(folder, capsys)


def test_renamed_trends_recognition_is_narrow(tmp_path, data_dir):
    # real downloads keep their suffix; dated tables of other tools are not taken for Trends
    from darksocial.io.trends import lost_places

    for rel in ("multiTimeline.csv", "multiTimeline_ko_day.csv", "innomatics/multiTimeline.csv"):
        assert lost_places((data_dir / "trends" / rel).read_text(encoding="utf-8")) is None
    assert lost_places("Day,Sessions\n2025-01-01,140\n2025-01-02,98\n2025-01-03,77\n") is None
    assert lost_places("Date,Users\n2025-01-01,14\n2025-01-02,9\n2025-01-03,7\n") is None
    assert lost_places("Week,Spend\n2025-01-05,14.5\n2025-01-12,9\n2025-01-19,7\n") is None
    assert lost_places("Week,acme\n2025-01-05,14\n2025-01-12,<1\n2025-01-19,100\n") == [
        "Week",
        "acme",
    ]
    with pytest.raises(DataFormatError, match="not a recognised export"):
        detect(_write(tmp_path, "users.csv", "Date,Visitors\n2025-01-01,14\n2025-01-02,9\n"))


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- 6. GA4 tables that are not traffic acquisition --------------------------------------


def test_ga4_tables_that_are_not_traffic_acquisition_say_what_they_are(tmp_path, data_dir, capsys):
    # both were "GA4 traffic acquisition, not used: a GA4 table with neither a session
    # default channel group nor a landing page by date"; the note now says what each is
    fix = (
        "in GA4 open Reports → Acquisition → Traffic acquisition (Session default channel "
        "group), add Date, then Share this report → Download file → CSV"
    )
    by_date = data_dir / "ga4" / "mh4u_data_export" / "data-export.csv"
    no_date = (
        data_dir / "ga4" / "awningdepot_pages" / "Pages_and_screens_Page_path_and_screen_class.csv"
    )
    folder = _folder(tmp_path, by_date, no_date)
    unused = _unused(load_folder(folder))
    # the kind stays the source it would feed: the report then names the file, never says
    # the folder has no GA4 export
    assert unused["data-export.csv"] == (
        "ga4_channels",
        "a GA4 export by date without a channel column (Event count, Total users, Event "
        f"count per user, ...), so direct sessions cannot be told apart; {fix}",
    )
    assert unused[no_date.name] == (
        "ga4_channels",
        "a GA4 table by Page path and screen class without a Date column, so no sessions "
        f"by day; {fix}",
    )
    out = _check(folder, capsys)
    assert "not used: a GA4 export by date without a channel column" in out
    assert "neither a session default channel group" not in out
    # recognised as GA4, not as traffic acquisition (which neither is)
    assert "data-export.csv" in out and "GA4 traffic acquisition, not used" not in out
    assert "GA4, not used: a GA4 export by date" in out


def test_a_french_meta_export_and_a_google_ads_report_say_what_they_are(
    tmp_path, data_dir, capsys
):
    src = data_dir / "ads" / "decocharpente_fr"
    meta = src / "meta-ads-2025.csv"
    google = next(src.glob("Campagnes*.csv"))
    terms = next(src.glob("Recherches*.csv"))
    folder = _folder(tmp_path, meta, google, terms)
    unused = _unused(load_folder(folder))
    assert unused[meta.name][0] == "meta_ads"
    assert "not broken down by day" in unused[meta.name][1]
    assert unused[google.name][1].startswith("a Google Ads report (Nom de la campagne")
    assert unused[terms.name][1].startswith("a Google Ads report (Rechercher, Coût")
    out = _check(folder, capsys)
    assert "a GA4 table by Nom de la campagne" not in out


def test_a_quoted_trends_download_without_places_is_named_not_unrecognised(tmp_path):
    # a real monthly file with every cell quoted and spaces after the commas ("Time","AI","
    # Machine Learning"...): "not a recognised export"; its reason then listed "Time" as a term
    text = '"Time","AI"," Machine Learning","Big Data"\n' + "".join(
        f'"20{y:02d}-{m:02d}-01",{m},{y % 7},{(m + y) % 9}\n'
        for y in range(4, 8)
        for m in range(1, 13)
    )
    path = tmp_path / "multiTimeline.csv"
    path.write_text(text)
    assert detect(path).source == "google_trends"
    with pytest.raises(UnusableExportError) as exc:
        load_trends(path)
    assert "lost their ': (place)' suffix (AI, Machine Learning, Big Data);" in str(exc.value)


def test_a_bing_export_beside_search_console_is_named_not_read_as_google(
    tmp_path, data_dir, capsys
):
    # it was read as a Search Console chart: its dates stopped the folder (exit 2), and with
    # other dates its Bing clicks would have been joined to Google's
    bing = data_dir / "bing" / "lazytimer.com_SearchPerformanceOverview_All_1_12_2026.csv"
    folder = _folder(tmp_path, bing, data_dir / "search_console" / "lazytimer")
    sources = load_folder(folder)
    assert _unused(sources)[bing.name][1] == (
        "a Bing Webmaster Tools export (Date, Clicks, Impressions, Avg. CTR): Bing's clicks, "
        "not Google's; the reports read Google Search Console (Performance → Search results → "
        "Export)"
    )
    assert sources.search_console.index[-1] == pd.Timestamp("2025-12-28")
    assert "Bing Webmaster Tools export" in _check(folder, capsys)
