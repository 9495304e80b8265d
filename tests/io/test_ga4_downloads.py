"""GA4 downloads as teams have them: ``data-export.csv`` in its variants, explorations,
hourly reports, other UI languages, and files whose dates Excel re-typed.

Fixtures copy the format of public downloads (preambles, CRLF, missing final newline,
``Grand total`` rows with their extra field) with made-up numbers.
"""

from __future__ import annotations

import pandas as pd
import pytest

from darksocial.errors import DataFormatError
from darksocial.io import detect, inspect
from darksocial.io.ga4 import load_ga4_channels, read_ga4


def test_reports_snapshot_joins_its_daily_tables(data_dir):
    path = data_dir / "ga4" / "Reports_snapshot.csv"
    found = detect(path)
    assert found.source == "ga4" and found.loader is read_ga4  # channels are not by date
    df = read_ga4(path)
    assert list(df.columns) == ["date", "active_users", "new_users"]
    assert df["date"].tolist() == list(pd.date_range("2025-12-04", periods=3))
    assert df["new_users"].tolist() == [2, 0, 9] and df.attrs["tables_joined"] == 2
    channels = read_ga4(path, table=3)
    assert channels.set_index("channel")["sessions"].to_dict() == {"Direct": 20, "Referral": 6}


def test_daily_data_export_out_of_date_order(data_dir):
    df = read_ga4(data_dir / "ga4" / "data-export-daily.csv")
    assert df.attrs["variant"] == "ui_csv" and df.attrs["end"] == pd.Timestamp("2024-01-03")
    assert sorted(df["date"]) == list(pd.date_range("2024-01-01", periods=3))
    assert df.set_index("date").loc["2024-01-02", "total_users"] == 283


def test_exploration_grand_total_row_is_set_aside(data_dir):
    path = data_dir / "ga4" / "download (1).csv"
    assert detect(path).source == "ga4"
    df = read_ga4(path)
    assert df["landing_page"].tolist() == ["(not set)", "/", "/blog/how-to-track-tools"]
    assert df.attrs["totals"][0]["Sessions"] == "1756"
    assert df.attrs["start"] == pd.Timestamp("2025-12-01")
    assert df.attrs["end"] == pd.Timestamp("2025-12-31")


def test_hourly_channel_report_gives_daily_channels(data_dir):
    path = data_dir / "ga4" / "data-export-hourly.csv"
    assert detect(path).loader is load_ga4_channels
    long = read_ga4(path)
    assert long["date_hour"].iloc[0] == pd.Timestamp("2024-04-16 23:00")
    df = load_ga4_channels(path)
    assert df.index.freqstr == "D" and df.loc["2024-04-16", "direct"] == 53
    assert df.loc["2024-04-17", "total"] == 32
    # read as days, and said so: a real file of 3,182 hourly rows was "daily, rows 28"
    assert df.attrs["summed_from"] == "hour"
    daily = load_ga4_channels(
        data_dir / "ga4" / "Traffic_acquisition_Session_default_channel_group.csv"
    )
    assert "summed_from" not in daily.attrs


def test_dashboard_in_portuguese_is_read(data_dir):
    path = data_dir / "ga4" / "data-export-ptbr.csv"
    assert detect(path).source == "ga4"
    df = read_ga4(path)
    assert df.attrs["start"] == pd.Timestamp("2020-06-06")
    assert df["envolvimento_do_usuario"].iloc[0] == pytest.approx(0.74528401)


def test_dates_past_the_end_date_say_excel_retyped_them(data_dir):
    path = data_dir / "ga4" / "excel_retyped_dates.csv"
    for call in (read_ga4, load_ga4_channels, inspect):
        with pytest.raises(DataFormatError) as exc:
            call(path)
        msg = str(exc.value)
        assert msg.startswith("excel_retyped_dates.csv: dates run 2032-01-01..2032-01-03")
        assert "past the report's End date 2024-01-03" in msg and "\n" not in msg
        assert "download the CSV from GA4 again" in msg and "Excel" in msg


def test_future_dates_without_preamble_warn(tmp_path):
    path = tmp_path / "data-export.csv"
    path.write_text("Date,Sessions\n20990101,5\n20990102,6\n")
    with pytest.warns(UserWarning, match="beyond today"):
        read_ga4(path)


def test_events_report_is_not_a_bigquery_export(data_dir, tmp_path):
    path = data_dir / "ga4" / "Events_Event_name.csv"
    assert detect(path).source == "ga4"
    assert read_ga4(path)["event_count"].tolist() == [1375, 689]
    folder = tmp_path / "ga4"
    folder.mkdir()
    (folder / path.name).write_bytes(path.read_bytes())
    with pytest.raises(DataFormatError, match="neither a Search Console export nor GA4 events"):
        detect(folder)


def test_the_sources_summary_says_hourly_rows_were_summed(data_dir, tmp_path):
    import shutil

    from darksocial.io import load_folder

    shutil.copy(data_dir / "ga4" / "data-export-hourly.csv", tmp_path / "hours.csv")
    (tmp_path / "campaigns.yml").write_text(
        "campaigns:\n- {id: c, name: C, content_type: event, launch: 2024-04-17}\n"
    )
    summary = load_folder(tmp_path).summary()
    assert summary.loc["ga4_channels", "summed_from"] == "hour"
    assert summary.loc["campaigns", "summed_from"] is None


def test_a_warning_about_the_input_is_one_line_on_the_command_line(tmp_path, capsys):
    # darksocial check printed "/…/darksocial/io/ga4.py:458: UserWarning: …" and the
    # source line under it, for a real GA4 table dated to 2032
    from darksocial.cli import main

    (tmp_path / "data-export.csv").write_text(
        "Session default channel group,Date,Sessions\n"
        + "".join(f"Direct,2099{m:02d}{d:02d},5\n" for m in (1, 2) for d in range(1, 29))
    )
    (tmp_path / "campaigns.yml").write_text("campaigns:\n- {id: a, launch: 2099-02-10}\n")
    assert main(["check", "--data", str(tmp_path)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(
        "darksocial check: warning: data-export.csv: dates run 2099-01-01..2099-02-28, "
        "beyond today"
    )
    # and on the pages' data table (the calendar may hold next month's campaign: no word)
    from darksocial.io import load_folder
    from darksocial.pages.sections import source_table

    with pytest.warns(UserWarning, match="beyond today"):
        table = source_table(load_folder(tmp_path)).set_index("Source")
    assert table.loc["GA4 traffic acquisition", "To"] == (
        "28 Feb 2099 (after today: check the file's dates)"
    )
    assert table.loc["campaign calendar", "To"] == "10 Feb 2099"


def test_a_trends_download_of_this_week_is_not_after_today(tmp_path):
    # its last row is the current week, which runs past today by its nature: the data table
    # read "5 Dec 2026 (after today: check the file's dates)" for a normal download
    from darksocial.io import load_folder
    from darksocial.pages.sections import source_table

    today = pd.Timestamp.today().normalize()
    weeks = pd.date_range(end=today, periods=30, freq="W-SUN")  # the last Sunday on or before
    rows = "".join(f"{w:%Y-%m-%d},{40 + i % 7}\n" for i, w in enumerate(weeks))
    (tmp_path / "multiTimeline.csv").write_text(
        "Category: All categories\n\nWeek,acme: (Worldwide)\n" + rows
    )
    table = source_table(load_folder(tmp_path)).set_index("Source")
    assert "after today" not in table.loc["Google Trends", "To"]
