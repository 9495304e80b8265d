"""Search Console Performance exports in every form they are downloaded in.

The fixtures under ``tests/data/search_console/`` copy the format of real exports
(headers, quoting, no final newline, ``Unknown Region``, French file names and headers,
the hourly "Last 24 hours" chart) with made-up numbers.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile

import pandas as pd
import pytest

from darksocial.errors import DataFormatError
from darksocial.io import detect, load_folder
from darksocial.io.search_console import (
    brand_from_site,
    load_search_console,
    read_search_console_queries,
    read_search_console_table,
)

PARTS = ("Queries", "Pages", "Countries", "Devices", "Search appearance", "Filters")


@pytest.fixture
def export_2025(data_dir):
    return data_dir / "search_console" / "performance_2025"


def _zip(folder, target):
    with zipfile.ZipFile(target, "w") as z:
        for p in sorted(folder.iterdir()):
            z.write(p, p.name)
    return target


def test_folder_zip_and_loose_chart_give_the_same_series(export_2025, tmp_path):
    folder = load_search_console(export_2025)
    assert folder.attrs["variant"] == "ui_export_folder_chart"
    assert folder.index.freqstr == "D"
    assert folder["clicks"].fillna(-1).tolist() == [12, 15, 0, 20, -1]
    # the Filters.csv date range puts 5 March on the grid although the chart stops on the 4th
    assert folder.loc["2025-03-05", "missing"] and not folder.loc["2025-03-03", "missing"]
    zpath = _zip(
        export_2025,
        tmp_path / "https___www.acme-tools.co.uk_-Performance-on-Search-2025-03-06.zip",
    )
    zipped = load_search_console(zpath)
    assert zipped.attrs["variant"] == "ui_export_zip_chart"
    pd.testing.assert_frame_equal(zipped, folder)
    loose = load_search_console(export_2025 / "Chart.csv")
    assert loose.attrs["variant"] == "ui_export_csv_chart"
    assert loose.attrs["top_country"] == "GB"  # its companions beside it are used
    for path in (export_2025, zpath, export_2025 / "Chart.csv"):
        assert detect(path).source == "search_console"


def test_loose_dates_csv_alone_newest_first(tmp_path):
    alone = tmp_path / "Dates.csv"
    alone.write_text(
        "Date,Clicks,Impressions,CTR,Position\n2025-09-24,7,533,1.31%,41.6\n"
        "2025-09-23,2,524,0.38%,43.7\n2025-09-21,1,505,0.2%,47.82"
    )
    assert detect(alone).source == "search_console"
    df = load_search_console(alone)
    assert df.attrs["variant"] == "ui_export_csv_dates"
    assert df.index[0] == pd.Timestamp("2025-09-21") and df.loc["2025-09-22", "missing"]
    assert df["clicks"].dropna().tolist() == [1, 2, 7]
    assert df.attrs["brand_terms"] is None and df.attrs["query_filter"] is None
    assert df["branded_clicks"].isna().all()


@pytest.mark.parametrize("part", PARTS)
def test_companion_tables_are_recognised_and_read(export_2025, part):
    path = export_2025 / f"{part}.csv"
    found = detect(path)
    assert found.source == "search_console_table"
    table = found.loader(path)
    assert table.attrs["source"] == "search_console" and len(table) > 0
    if part == "Filters":
        assert list(table.columns) == ["filter", "value"]
    else:
        assert {"clicks", "impressions", "ctr", "position"} <= set(table.columns)
    with pytest.raises(DataFormatError, match="not a daily series"):
        load_search_console(path)


def test_read_tables_of_a_whole_export(export_2025, tmp_path):
    countries = read_search_console_table(export_2025, "countries")
    assert countries["country_code"].tolist() == [None, "GB", "US", "IE"]
    assert countries.attrs["top_country"] == "GB"  # Unknown Region has more clicks
    queries = read_search_console_queries(_zip(export_2025, tmp_path / "e.zip"))
    assert queries["query"].tolist()[2] == "shed base, concrete"
    assert queries["ctr"].iloc[0] == pytest.approx(0.3333)
    assert read_search_console_queries(export_2025 / "Queries.csv")["clicks"].sum() == 40
    with pytest.raises(DataFormatError, match="this is the Countries table, not Queries"):
        read_search_console_table(export_2025 / "Countries.csv", "queries")


def test_french_export_by_content(data_dir):
    folder = data_dir / "search_console" / "performance_fr"
    df = load_search_console(folder)
    assert df.attrs["variant"] == "ui_export_folder_dates"
    assert df["clicks"].tolist() == [60, 50, 70]
    assert df.attrs["top_country"] == "US" and df.attrs["search_type"] == "web"
    assert df.attrs["filters"] == {"Type de recherche": "Web", "Date": "Les 3 derniers mois"}
    for name in ("Pays.csv", "Appareils.csv", "Filtres.csv"):
        assert detect(folder / name).source == "search_console_table"
    assert read_search_console_table(folder / "Pays.csv")["country_code"].tolist() == [
        "US",
        "GB",
        "IN",
    ]


def test_last_24_hours_export_is_hourly(data_dir):
    df = load_search_console(data_dir / "search_console" / "last_24_hours")
    assert df.attrs["variant"] == "ui_export_folder_hourly" and df.index.freqstr == "h"
    assert df.attrs["time_zone"] == "UTC+03:00" and df.attrs["device_filter"] == "Desktop"
    assert df["impressions"].tolist() == [0, 2, 4, 5]


def _workbook(path, daily_sheet="Chart"):
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = daily_sheet
    ws.append(["Date", "Clicks", "Impressions", "CTR", "Position"])
    for day, clicks, impressions in ((1, 12, 400), (2, 15, 410), (4, 20, 500)):
        ws.append([dt.datetime(2025, 3, day), clicks, impressions, clicks / impressions, 9.5])
        ws.cell(ws.max_row, 4).number_format = "0.00%"
    sheets = {
        "Queries": [
            ["Top queries", "Clicks", "Impressions", "CTR", "Position"],
            ["acme", 9, 30, "30%", 1.4],
        ],
        "Pages": [
            ["Top pages", "Clicks", "Impressions", "CTR", "Position"],
            ["https://acme.github.io/", 47, 1310, "3.59%", 8],
        ],
        "Countries": [
            ["Country", "Clicks", "Impressions", "CTR", "Position"],
            ["Germany", 30, 900, "3.33%", 8.1],
        ],
        "Devices": [
            ["Device", "Clicks", "Impressions", "CTR", "Position"],
            ["Mobile", 47, 1310, "3.59%", 8],
        ],
        "Filters": [["Filter", "Value"], ["Search type", "Web"], ["Query", "+acme"]],
    }
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_xlsx_download(tmp_path):
    path = _workbook(tmp_path / "acme.github.io-Performance-on-Search-2025-03-05.xlsx")
    assert detect(path).source == "search_console"
    df = load_search_console(path)
    assert df.attrs["variant"] == "ui_export_xlsx_chart"
    assert df["clicks"].fillna(-1).tolist() == [12, 15, -1, 20]
    assert df.attrs["query_filter"] == "branded" and df["branded_clicks"].sum() == 47
    assert df.attrs["brand_terms"] == ("acme",) and df.attrs["top_country"] == "DE"
    assert read_search_console_table(path, "queries")["ctr"].iloc[0] == pytest.approx(0.3)
    dates = _workbook(tmp_path / "old.xlsx", daily_sheet="Dates")
    assert load_search_console(dates)["impressions"].sum() == 1310


def test_xlsx_that_is_not_search_console_is_a_survey(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Submitted at", "How did you hear about us?"])
    book.active.append(["2025-01-02", "a podcast"])
    book.save(tmp_path / "answers.xlsx")
    assert detect(tmp_path / "answers.xlsx").source == "survey"


def test_broken_table_inside_zip_names_the_member(export_2025, tmp_path):
    target = tmp_path / "export.zip"
    with zipfile.ZipFile(target, "w") as z:
        z.write(export_2025 / "Chart.csv", "Chart.csv")
        z.writestr("Countries.csv", "Country,Clicks,Impressions,CTR,Position\nFrance,abc,3,1%,2")
    with pytest.raises(DataFormatError, match=r"Countries\.csv: column 'Clicks' row 1: 'abc'"):
        load_search_console(target)


def test_compare_mode_export_says_how_to_fix(tmp_path):
    path = tmp_path / "Chart.csv"
    path.write_text(
        "Date,Last 28 days Clicks,Previous 28 days Clicks,Last 28 days Impressions,"
        "Previous 28 days Impressions\n2025-01-01,1,2,3,4"
    )
    with pytest.raises(DataFormatError, match="turn Compare off"):
        load_search_console(path)


# --- Filters.csv ----------------------------------------------------------------------------


def _filtered(tmp_path, rows, pages=True):
    folder = tmp_path / "export"
    folder.mkdir(exist_ok=True)
    (folder / "Chart.csv").write_text(
        "Date,Clicks,Impressions,CTR,Position\n2025-01-01,10,100,10%,3\n2025-01-02,20,200,10%,3"
    )
    (folder / "Filters.csv").write_text("Filter,Value\nSearch type,Web\n" + "\n".join(rows))
    if pages:
        (folder / "Pages.csv").write_text(
            "Top pages,Clicks,Impressions,CTR,Position\nhttps://www.acme.co.uk/,30,300,10%,3"
        )
    return folder


@pytest.mark.parametrize(
    ("value", "role"),
    [
        ("+acme", "branded"),
        ("-acme", "nonbranded"),
        ("acme", "branded"),
        ("+Acme App", "branded"),
        ("Custom (regex): acme|acme app", "branded"),
        ("~^(acme|acmee)$", "branded"),
        ("Doesn't match regex: acme|acme app", "nonbranded"),
        ("Query: -acme", "nonbranded"),
        ("Queries not containing: acme", "nonbranded"),
        ("Branded", "branded"),
        ("Non-branded", "nonbranded"),
    ],
)
def test_query_filter_makes_a_branded_or_nonbranded_series(tmp_path, value, role):
    df = load_search_console(_filtered(tmp_path, [f'Query,"{value}"']))
    assert df.attrs["query_filter"] == role
    assert df.attrs["filters"]["Query"] == value
    filled, empty = ("branded", "nonbranded") if role == "branded" else ("nonbranded", "branded")
    assert df[f"{filled}_clicks"].tolist() == [10, 20]
    assert df[f"{filled}_impressions"].tolist() == [100, 200]
    assert df[f"{empty}_clicks"].isna().all() and df["clicks"].tolist() == [10, 20]
    assert df.attrs["brand_share"] is None  # Queries.csv would only hold filtered queries


def test_unfiltered_export_is_total_search(tmp_path):
    df = load_search_console(_filtered(tmp_path, ["Date,Last 3 months"]))
    assert df.attrs["query_filter"] is None and df.attrs["filters"]["Date"] == "Last 3 months"
    assert df["branded_clicks"].isna().all() and df["nonbranded_clicks"].isna().all()
    assert df["clicks"].tolist() == [10, 20] and df.attrs["search_type"] == "web"


def test_query_filter_without_any_brand_guess_names_the_brand(tmp_path):
    df = load_search_console(_filtered(tmp_path, ["Query,+trackmytools"], pages=False))
    assert df.attrs["query_filter"] == "branded"
    assert df.attrs["brand_terms"] == ("trackmytools",)
    neg = load_search_console(_filtered(tmp_path, ["Query,-trackmytools"], pages=False))
    assert neg.attrs["query_filter"] == "nonbranded" and neg["nonbranded_clicks"].sum() == 30


def test_query_filter_that_is_a_short_form_of_the_site_name(tmp_path):
    folder = _filtered(tmp_path, ["Query,+acme"], pages=False)
    (folder / "Pages.csv").write_text(
        "Top pages,Clicks,Impressions,CTR,Position\nhttps://shop.acme-tools.com.au/,30,300,10%,3"
    )
    df = load_search_console(folder)
    assert df.attrs["query_filter"] == "branded"
    assert set(df.attrs["brand_terms"]) == {"acmetools", "acme tools", "acme"}


def test_query_filter_on_another_word_is_neither(tmp_path):
    with pytest.warns(UserWarning, match="does not name the brand"):
        df = load_search_console(_filtered(tmp_path, ["Query,+pricing"]), brand=["acme"])
    assert df.attrs["query_filter"] is None and df["branded_clicks"].isna().all()


def test_page_country_device_filters(tmp_path):
    rows = ["Page,+/blog/", "Country,United Kingdom", "Device,Mobile"]
    df = load_search_console(_filtered(tmp_path, rows))
    assert df.attrs["page_filter"] == "+/blog/"
    assert df.attrs["country_filter"] == "United Kingdom"
    assert df.attrs["device_filter"] == "Mobile"
    assert df.attrs["top_country"] == "GB"  # no Countries.csv: the country filter tells
    table = read_search_console_table(_filtered(tmp_path, rows) / "Filters.csv")
    assert table.attrs["page_filter"] == "+/blog/" and table.attrs["search_type"] == "web"


def test_folder_keeps_its_inputs(export_2025, tmp_path):
    copy = shutil.copytree(export_2025, tmp_path / "copy")
    before = {p.name: p.read_bytes() for p in copy.iterdir()}
    load_search_console(copy)
    assert {p.name: p.read_bytes() for p in copy.iterdir()} == before


# --- country and brand inference ------------------------------------------------------------


def test_top_country_from_bulk_alpha3(tmp_path):
    path = tmp_path / "searchdata_site_impression.csv"
    path.write_text(
        "data_date,site_url,query,is_anonymized_query,country,search_type,device,impressions,"
        "clicks,sum_top_position\n"
        "2025-01-01,sc-domain:acme.com,acme,false,usa,WEB,DESKTOP,10,3,5\n"
        "2025-01-01,sc-domain:acme.com,acme,false,gbr,WEB,MOBILE,10,2,5\n"
        "2025-01-02,sc-domain:acme.com,,true,usa,WEB,MOBILE,10,4,5\n"
    )
    df = load_search_console(path)
    assert df.attrs["top_country"] == "US" and df.attrs["brand_terms"] == ("acme",)


@pytest.mark.parametrize(
    ("site", "terms"),
    [
        ("https://www.acme.co.uk/", ("acme",)),
        ("sc-domain:shop.acme-tools.com.au", ("acmetools", "acme tools")),
        ("https://acme.github.io/docs/", ("acme",)),
        ("https://blog.acme.com/", ("acme",)),
        ("acme.com.br", ("acme",)),
        ("http://xn--bcher-kva.de/", ("bücher",)),
    ],
)
def test_brand_from_site_uses_the_public_suffix_list(site, terms):
    assert brand_from_site(site).terms == terms


@pytest.mark.parametrize("site", ["http://localhost:8000/", "https://192.168.0.1/", "co.uk", ""])
def test_brand_from_site_gives_none_without_a_registrable_name(site):
    assert brand_from_site(site) is None


def test_queries_at_the_ui_row_cap_are_not_all_anonymized(export_2025, tmp_path):
    folder = shutil.copytree(export_2025, tmp_path / "capped")
    rows = "\n".join(f"shed idea {i},1,10,10%,5.5" for i in range(1000))
    (folder / "Queries.csv").write_text("Top queries,Clicks,Impressions,CTR,Position\n" + rows)
    share = load_search_console(folder).attrs["brand_share"]
    assert share.row_capped and "past the 1,000 rows" in share.report()
    assert not load_search_console(export_2025).attrs["brand_share"].row_capped


def test_inspect_shows_country_and_filters(tmp_path):
    from darksocial.io import inspect

    text = inspect(_filtered(tmp_path, ["Query,+acme", "Country,Ireland"]))
    assert "country    IE (most clicks)" in text
    assert (
        "filters    Search type: Web; Query: +acme; Country: Ireland -> a branded series" in text
    )


def test_header_only_chart_names_the_file(tmp_path):
    path = tmp_path / "Chart.csv"
    path.write_text("Date,Clicks,Impressions,CTR,Position")
    with pytest.raises(DataFormatError, match=r"^Chart\.csv: no rows under the header"):
        load_search_console(path)


def test_xlsx_with_a_header_only_sheet_loads(data_dir):
    # a real Excel download whose Search appearance sheet has only its header: check and
    # report stopped with "ValueError: Length mismatch: Expected axis has 0 elements"
    folder = data_dir / "search_console" / "awningdepot_xlsx"
    (path,) = folder.glob("*.xlsx")
    df = load_search_console(path)
    assert len(df) == 365 and df.index[0] == pd.Timestamp("2025-02-23")
    # the top queries write it "awning depot": that spelling leads (refine_brand)
    assert df.attrs["brand_terms"] == ("awning depot", "awningdepot")
    assert "Search appearance" in df.attrs["tables"]


def test_excel_download_loads_without_a_python_warning(data_dir):
    # Search Console's Excel downloads have no default cell style: every darksocial check
    # printed "UserWarning: Workbook contains no default style, apply openpyxl's default"
    import warnings

    (path,) = (data_dir / "search_console" / "matterofform_xlsx").glob("*.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert detect(path).source == "search_console"
        df = load_search_console(path)
    assert len(df) == 365 and df.attrs["brand_terms"] == ("matter of form", "matterofform")


def test_a_chinese_ui_export_is_read(tmp_path, data_dir):
    # a real Simplified-Chinese export (Excel and CSV): "not a recognised export" in every
    # table, and "this data folder has no Search Console export"
    from darksocial.coverage import assess
    from darksocial.io import load_folder

    shutil.copytree(data_dir / "search_console" / "xgrok_zh", tmp_path / "d")
    (tmp_path / "d" / "campaigns.yml").write_text("campaigns:\n- {id: a, launch: 2026-02-01}\n")
    sources = load_folder(tmp_path / "d")
    sc = sources.search_console
    assert (sc.index[0], sc.index[-1]) == (pd.Timestamp("2025-12-15"), pd.Timestamp("2026-02-19"))
    assert sc.loc["2025-12-16", "clicks"] == 1 and sc.loc["2025-12-16", "impressions"] == 4
    report = assess(sources).report()
    assert "图表.csv" in report and "not a recognised export" not in report.split("SOURCE")[0]
    assert "the export's filters (搜索类型 网络; 日期 过去 3 个月)" in report
    assert "a: measured on search_clicks" in report
    # its top country, 中国, read as China: its public holidays
    assert sources.settings.country == "CN"


def test_no_country_is_taken_from_a_close_race(data_dir):
    # 10 clicks from the Philippines against 8 from the United States had put Philippine
    # holidays in the models of a US site's report
    df = load_search_console(data_dir / "search_console" / "lazytimer")
    assert df.attrs["top_country"] is None
    assert df.attrs["countries_close"] == "Philippines 10 clicks, United States 8"
    folder = load_folder(data_dir / "search_console" / "lazytimer")
    assert folder.settings.country is None
    assert folder.settings.frame().loc["country", "from"] == (
        "unknown (Search Console's top countries are close: Philippines 10 clicks, "
        "United States 8)"
    )
    assert folder.settings.override(country="US").frame().loc["country", "from"] == (
        "report parameter"
    )


def test_dutch_spanish_and_portuguese_exports_as_downloaded(data_dir, tmp_path):
    # Dutch "Aantal klikken" stopped a real folder (exit 2, "missing column 'Clicks'");
    # Spanish "Filtrar,Valor", Portuguese "Top consultas" and "Páginas principais", a Spanish
    # coverage chart and a Portuguese Core Web Vitals chart were "not a recognised export"
    from darksocial.campaign import check_covers
    from darksocial.errors import DataValidationError
    from darksocial.io.search_console import other_report, table_kind

    nl = load_search_console(data_dir / "search_console" / "superscout_nl")
    assert nl.index[0] == pd.Timestamp("2026-07-05") and nl["clicks"].sum() > 0
    assert nl.attrs["top_country"] == "NL" and nl.attrs["date_filter"] == "Afgelopen 3 maanden"
    es = load_search_console(data_dir / "search_console" / "myenglishspot_es")
    assert es.attrs["search_type"] == "web" and es.attrs["date_filter"] == "Últimos 7 días"
    pt = data_dir / "search_console" / "guanabara_pt"
    for name, kind in (("Consultas.csv", "query"), ("Páginas.csv", "page")):
        header = (pt / name).read_text(encoding="utf-8").splitlines()[0].split(",")
        assert table_kind(header) == kind
    charts = (
        pt / "cwv" / "Gráfico.csv",
        data_dir / "search_console" / "myenglishspot_es" / "Gráfico copia.csv",
    )
    for path in charts:
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert "not clicks" in other_report(header)
    # "the export asked for the last 3 months" in the export's own words: no earlier data
    folder = tmp_path / "nl"
    shutil.copytree(data_dir / "search_console" / "superscout_nl", folder)
    (folder / "campaigns.yml").write_text("campaigns:\n- {id: c, launch: 2026-07-20}\n")
    with pytest.raises(DataValidationError, match="Search Console has no earlier data") as exc:
        check_covers(load_folder(folder), "search_clicks", "c")
    assert "the export asked for 'Afgelopen 3 maanden'" in str(exc.value)
