"""Downloads in other UI languages and Excel re-saves: every text loader reads them.

Fixtures copy the format of public downloads (preamble text, separators, quoting,
no-break spaces, line endings) with made-up numbers.
"""

from __future__ import annotations

import pandas as pd
import pytest

from darksocial.io import detect, load
from darksocial.io._text import decimal_mark, sniff_delimiter, to_number
from darksocial.io.ads import load_meta_ads
from darksocial.io.ga4 import load_ga4_channels
from darksocial.io.search_console import load_search_console
from darksocial.io.trends import LESS_THAN_ONE, load_trends

TRENDS = {
    "multiTimeline_fr_day.csv": ("D", "France", [20, LESS_THAN_ONE, 100]),
    "multiTimeline_ko_day.csv": ("D", "대한민국", [0, 7, 100]),
    "multiTimeline_excel_mdy.csv": ("D", "Worldwide", [1, 3, 100, 40]),
    "multiTimeline_ptbr_no_category.csv": ("W-SUN", "Brasil", [37, 50, 100]),
    "multiTimeline_it_quoted_terms.csv": ("MS", "Italia", [70, 100]),
    "multiTimeline_zh_fr_week.csv": ("W-SUN", "Japon", [9, LESS_THAN_ONE, 100]),
    "multiTimeline_de_semicolon.csv": ("W-SUN", "Deutschland", [12, 100, LESS_THAN_ONE]),
}


@pytest.mark.parametrize(("name", "expected"), TRENDS.items(), ids=list(TRENDS))
def test_trends_in_any_ui_language(data_dir, name, expected):
    path = data_dir / "trends" / name
    assert detect(path).source == "google_trends"
    freq, geo, first = expected
    df = load_trends(path)
    assert df.index.freqstr == freq and df.attrs["geo"] == geo
    assert df.iloc[:, 0].tolist() == first


def test_trends_excel_month_first_dates_and_quoted_terms(data_dir):
    mdy = load_trends(data_dir / "trends" / "multiTimeline_excel_mdy.csv")
    assert mdy.index[0] == pd.Timestamp("2022-04-01") and len(mdy) == 4
    it = load_trends(data_dir / "trends" / "multiTimeline_it_quoted_terms.csv")
    assert it.attrs["terms"] == ["Acme", "Rival Srl"] and list(it.columns)[:2] == [
        "acme",
        "rival_srl",
    ]
    assert it.attrs["category"] == "Tutte le categorie"


def test_trends_hourly_and_past_day_downloads(data_dir):
    hourly = load_trends(data_dir / "trends" / "multiTimeline_past_7_days.csv")
    assert hourly.index.freqstr == "h" and hourly.attrs["variant"] == "multitimeline_hour"
    assert hourly["missing"].tolist() == [False, False, True, False]
    day = load_trends(data_dir / "trends" / "multiTimeline_past_day.csv")
    assert day.index.freqstr == "8min" and day.attrs["time_zone"] == "UTC-06:00"
    assert day.index[0] == pd.Timestamp("2024-02-21 20:16")  # local time, as shown
    assert day["rival"].tolist() == [76, 84, 100]


# --- semicolon re-saves and decimal commas --------------------------------------------------


def test_sniffing_prefers_the_regular_separator():
    semi = ["Date;Clicks;CTR;Position", "2025-03-01;12;3 %;9,5", "2025-03-02;15;3,66 %;9,25"]
    assert sniff_delimiter(semi) == ";"
    comma = ['"Campaign name","CPM (cost per 1,000 impressions) (USD)"', "A,1.5", "B,2"]
    assert sniff_delimiter(comma) == ","
    tabs = ["Start Date\tClicks", "1/1/2024\t1,200", "1/2/2024\t900"]
    assert sniff_delimiter(tabs) == "\t"


@pytest.mark.parametrize(
    ("cells", "mark", "values"),
    [
        (["6,47 %", "0 %", "12,5 %"], ",", [0.0647, 0, 0.125]),
        (["1.234", "12", "3,5"], ",", [1234, 12, 3.5]),
        (["3,215", "12", "1.5"], ".", [3215, 12, 1.5]),
        (["1.234,56 €", "7"], ",", [1234.56, 7]),
    ],
)
def test_decimal_commas(cells, mark, values):
    frame = pd.DataFrame({"x": cells})
    assert decimal_mark(frame) == mark
    got = to_number(frame["x"], path="f.csv", column="x", decimal=decimal_mark(frame))
    assert got.tolist() == pytest.approx(values)


def test_search_console_chart_resaved_with_semicolons(tmp_path):
    path = tmp_path / "Chart.csv"
    path.write_bytes(
        b"Date;Clicks;Impressions;CTR;Position\r\n01.03.2025;12;400;3 %;9,5\r\n"
        b"02.03.2025;15;410;3,66 %;9,1\r\n04.03.2025;1.234;50.000;2,47 %;8,75\r\n"
    )
    assert detect(path).source == "search_console"
    df = load_search_console(path)
    assert df["clicks"].dropna().tolist() == [12, 15, 1234]
    assert df["impressions"].dropna().tolist() == [400, 410, 50000]


def test_ga4_resaved_with_semicolons(tmp_path):
    path = tmp_path / "Traffic_acquisition_Session_default_channel_group.csv"
    path.write_text(
        "# ----------------------------------------;;;\n"
        "# Traffic acquisition: Session default channel group;;;\n"
        "# Account: Acme;;;\n# Property: Acme - GA4;;;\n"
        "# ----------------------------------------;;;\n# ;;;\n# All Users;;;\n"
        "# Start date: 20240101;;;\n# End date: 20240103;;;\n"
        "Session default channel group;Date;Sessions;Engagement rate\n"
        "Direct;20240101;1.120;0,61\nOrganic Search;20240101;300;0,7\n"
        "Direct;20240102;100;0,5\n"
    )
    assert detect(path).source == "ga4"
    df = load_ga4_channels(path)
    assert df.loc["2024-01-01", "direct"] == 1120 and df.loc["2024-01-01", "total"] == 1420
    assert df.index[-1] == pd.Timestamp("2024-01-03") and df.loc["2024-01-03", "missing"]


def test_meta_resaved_with_semicolons(tmp_path):
    path = tmp_path / "Acme-Campaigns-1-Jan-20252-Jan-2025.csv"
    path.write_text(
        '"Campaign name";Day;Impressions;"Amount spent (EUR)";"CPM (cost per 1,000 '
        'impressions) (EUR)";"Reporting starts";"Reporting ends"\n'
        ";;3.300;12,5;3,79;2025-01-01;2025-01-02\n"
        "Launch;2025-01-01;1.100;5;4,55;2025-01-01;2025-01-02\n"
        "Launch;2025-01-02;2.200;7,5;3,41;2025-01-01;2025-01-02\n"
    )
    df = load(path)
    assert df.attrs["source"] == "meta_ads" and df.attrs["currency"] == "EUR"
    assert df["impressions"].tolist() == [1100, 2200] and df["spend"].tolist() == [5, 7.5]


def test_meta_loader_names_a_semicolon_file_it_cannot_read(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a;b\n1;2\n")
    with pytest.raises(Exception, match=r"^x\.csv: "):
        load_meta_ads(path)
