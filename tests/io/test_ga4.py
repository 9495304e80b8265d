from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from darksocial.errors import DataFormatError
from darksocial.io.ga4 import CHANNELS, load_direct_landing, load_ga4_channels, read_ga4
from darksocial.io.landing import PathRules


def test_ui_csv_channels_known_values_and_outage_rows(data_dir):
    df = load_ga4_channels(
        data_dir / "ga4" / "Traffic_acquisition_Session_default_channel_group.csv"
    )
    assert df.index.freqstr == "D" and df.index.name == "date"
    assert list(df.index) == list(pd.date_range("2024-01-01", "2024-01-06"))
    assert list(df.columns[: len(CHANNELS)]) == list(CHANNELS)
    assert df.loc["2024-01-01", "direct"] == 120
    assert df.loc["2024-01-01", "paid_search"] == 0  # GA4 omits zero rows on exported dates
    assert df.loc["2024-01-02", "cross_network"] == 2
    assert df.loc["2024-01-02", "total"] == 130 + 210 + 2
    # 3 Jan absent (outage) and 6 Jan absent (inside the report's End date): NaN, flagged
    assert df["missing"].tolist() == [False, False, True, False, False, True]
    assert df.loc["2024-01-03"].drop("missing").isna().all()
    assert df.attrs["variant"] == "ui_csv" and df.attrs["source"] == "ga4"
    assert "Session default channel group" in df.attrs["raw_headers"]


def test_new_header_names_conversions_and_duplicate_rule(data_dir):
    path = data_dir / "ga4" / "Traffic_acquisition_2025_headers.csv"
    long = read_ga4(path)
    assert {"channel", "key_events", "engagement_rate"} <= set(long.columns)
    assert load_ga4_channels(path).loc["2024-01-02", "direct"] == 135
    assert load_ga4_channels(path, duplicates="first").loc["2024-01-02", "direct"] == 130
    with pytest.raises(DataFormatError, match="twice on 2024-01-02"):
        load_ga4_channels(path, duplicates="error")


def test_excel_resave_trailing_commas_day_first_dates(data_dir):
    df = load_ga4_channels(data_dir / "ga4" / "excel_resave.csv")
    assert df.attrs["variant"].endswith("_excel_resave")
    assert df.loc["2024-01-03", "direct"] == 1125  # "1,125" thousands separator
    assert df.loc["2024-01-02", "organic_search"] == 0
    assert not df["missing"].any() and len(df) == 3


def test_french_headers(data_dir):
    df = load_ga4_channels(data_dir / "ga4" / "francais.csv", metric="key_events")
    assert df.attrs["language"] == "fr"
    assert df.loc["2024-01-01", "total"] == 8
    assert df.index[-1] == pd.Timestamp("2024-01-02")


def test_multi_table_file_picks_dated_table_and_nth_day(data_dir):
    path = data_dir / "ga4" / "data-export.csv"
    long = read_ga4(path)
    assert long.attrs["variant"] == "ui_csv_multi_table" and long.attrs["tables"] == 3
    assert long["date"].tolist() == list(pd.date_range("2024-01-01", periods=3))
    assert long["sessions"].tolist() == [300, 310, 290]
    first = read_ga4(path, table=0)
    assert first.set_index("channel")["new_users"].to_dict() == {
        "Direct": 40,
        "Organic Search": 75,
    }
    assert read_ga4(path, table=2).empty  # header-only section


def test_api_json_and_api_csv(data_dir):
    df = load_ga4_channels(data_dir / "ga4" / "runReport.json")
    assert df.attrs["variant"] == "api_json" and df.attrs["time_zone"] == "Europe/Paris"
    assert df.loc["2024-01-01", "paid_social"] == 7 and df.loc["2024-01-02", "direct"] == 130
    flat = load_ga4_channels(data_dir / "ga4" / "api_flat.csv", metric="key_events")
    assert flat.attrs["variant"] == "api_csv"
    assert flat.loc["2024-01-01", "total"] == 4


def test_direct_landing_deep_and_shallow(data_dir):
    df = load_direct_landing(data_dir / "ga4" / "Landing_page_Landing_page.csv")
    day = df.loc["2024-01-01"]
    assert day["direct_sessions"] == 95
    assert day["deep_direct_sessions"] == 12  # only /blog/how-to-track-tools
    assert day["shallow_direct_sessions"] == 50 + 20 + 5 + 3 + 1 + 4
    assert df["missing"].tolist() == [False, True, False]
    assert np.isnan(df.loc["2024-01-02", "deep_direct_sessions"])
    assert df.loc["2024-01-03", "deep_direct_sessions"] == 9
    flat = PathRules(shallow=(r"^/?$", r"^/(pricing|blog)/?$"))
    custom = load_direct_landing(data_dir / "ga4" / "Landing_page_Landing_page.csv", rules=flat)
    assert custom.loc["2024-01-01", "deep_direct_sessions"] == 12 + 4


def test_path_rules_full_urls_and_query_strings():
    pages = pd.Series(["https://x.com/blog/a?utm=1", "https://x.com", "/Pricing/", "/a/b#c"])
    assert PathRules().classify(pages).tolist() == ["deep", "shallow", "shallow", "deep"]


def _write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_bad_inputs_name_file_and_expectation(tmp_path, data_dir):
    with pytest.raises(DataFormatError, match=r"nope\.csv: file not found"):
        read_ga4(tmp_path / "nope.csv")
    with pytest.raises(DataFormatError, match=r"empty\.csv: the file is empty"):
        read_ga4(_write(tmp_path, "empty.csv", "\n"))
    bad_date = _write(
        tmp_path, "d.csv", "Date,Session default channel group,Sessions\n2024013X,Direct,3\n"
    )
    with pytest.raises(
        DataFormatError, match=r"d\.csv: column 'Date' row 1: cannot read date '2024013X'"
    ):
        read_ga4(bad_date)
    no_channel = _write(tmp_path, "c.csv", "Date,Sessions\n20240101,3\n")
    with pytest.raises(DataFormatError, match=r"c\.csv: no channel column"):
        load_ga4_channels(no_channel)
    not_ga4 = _write(tmp_path, "x.csv", "foo,bar\n1,2\n")
    with pytest.raises(DataFormatError, match=r"x\.csv: line 1: no GA4 metric column"):
        read_ga4(not_ga4)
    bad_number = _write(
        tmp_path, "n.csv", "Date,Session default channel group,Sessions\n20240101,Direct,lots\n"
    )
    with pytest.raises(DataFormatError, match=r"'Sessions' row 1: 'lots' is not a number"):
        read_ga4(bad_number)
    xlsx = tmp_path / "report.xlsx"
    xlsx.write_bytes(b"PK\x03\x04" + bytes(50))
    with pytest.raises(DataFormatError, match="not a CSV"):
        read_ga4(xlsx)
    with pytest.raises(DataFormatError, match="unknown text encoding"):
        read_ga4(tmp_path.joinpath("enc.csv") if False else _bytes(tmp_path, b"Date,\x81\x8d\n"))
    with pytest.raises(DataFormatError, match="not a GA4 runReport"):
        read_ga4(_write(tmp_path, "r.json", '{"foo": 1}'))


def _bytes(tmp_path, raw):
    path = tmp_path / "enc.csv"
    path.write_bytes(raw)
    return path


def test_utf16_and_bom_variants(tmp_path, data_dir):
    text = (data_dir / "ga4" / "francais.csv").read_text("utf-8")
    for enc, name in (("utf-16", "u16.csv"), ("utf-8-sig", "bom.csv")):
        df = load_ga4_channels(_write(tmp_path, name, text, enc))
        assert df.loc["2024-01-01", "organic_search"] == 200
        assert df.attrs["encoding"] == ("utf-16" if enc == "utf-16" else "utf-8-sig")
    tsv = text.replace(",", "\t")
    assert (
        load_ga4_channels(_write(tmp_path, "tab.tsv", tsv, "utf-16")).loc["2024-01-02", "direct"]
        == 130
    )
