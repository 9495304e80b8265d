"""Bad inputs found by a user-style sweep: each must give one DarkSocialError line."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest

from darksocial import cli
from darksocial.errors import DarkSocialError, DataFormatError
from darksocial.io import inspect
from darksocial.io.ads import load_meta_ads
from darksocial.io.calendar import load_campaigns
from darksocial.io.search_console import load_search_console
from darksocial.io.survey import load_survey
from darksocial.io.trends import load_trends

GA4 = (
    "# ----------------------------------------\n"
    "# Traffic acquisition: Session default channel group\n"
    "# ----------------------------------------\n"
    "#\n"
    "# Start date: 20240101\n"
    "# End date: 20240102\n"
    "Date,Session default channel group,Sessions,Engaged sessions,Key events\n"
    "20240101,Direct,386,243,8\n"
    "20240102,Direct,400,250,9\n"
)


def _one_line(exc: pytest.ExceptionInfo) -> str:
    msg = str(exc.value)
    assert "\n" not in msg
    return msg


@pytest.mark.parametrize("loader", [load_survey, load_meta_ads, load_campaigns, load_trends])
def test_wrong_loader_on_a_file_with_preamble_names_the_file_not_pandas(tmp_path, loader):
    p = tmp_path / "ga4.csv"
    p.write_text(GA4)
    with pytest.raises(DataFormatError) as exc:
        loader(p)
    msg = _one_line(exc)
    assert msg.startswith("ga4.csv: ") and "Error tokenizing" not in msg


def test_search_console_rows_with_preamble_give_one_line(tmp_path):
    p = tmp_path / "rows.csv"
    p.write_text(GA4)
    with pytest.raises(DataFormatError, match=r"rows.csv: line \d+ has 5 fields"):
        load_search_console(p)


def test_executable_without_nul_heavy_utf16_look_is_binary(tmp_path):
    p = tmp_path / "export"
    p.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8)
    with pytest.raises(DataFormatError, match="binary content found"):
        inspect(p)


def test_text_with_control_characters_is_binary(tmp_path):
    p = tmp_path / "x.csv"
    p.write_bytes(b"Date,Sessions\n2024\x01\x02\x03,5\n")
    with pytest.raises(DataFormatError, match="binary content found"):
        load_survey(p)


def test_folder_given_to_a_file_loader_says_so(tmp_path):
    with pytest.raises(DataFormatError, match="is a folder, not a file"):
        load_survey(tmp_path)


@pytest.mark.parametrize("content", [b"not a zip", None])
def test_damaged_search_console_zip(tmp_path, content):
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w") as z:
        z.writestr("Chart.csv", "Date,Clicks,Impressions,CTR,Position\n" * 200)
    p = tmp_path / "export.zip"
    p.write_bytes(content if content is not None else good.read_bytes()[:100])
    for fn in (load_search_console, inspect):
        with pytest.raises(DataFormatError) as exc:
            fn(p)
        assert "damaged or incomplete download" in _one_line(exc)


def _plan(path, *extra):
    return cli.main(["plan", "--csv", str(path), "--launch", "2024-06-01", *extra])


def test_plan_csv_with_text_in_the_number_column_is_refused(tmp_path, capsys):
    p = tmp_path / "s.csv"
    rows = [f"2024-01-{d:02d},{'lots' if d == 6 else 100 + d}" for d in range(1, 29)]
    p.write_text("date,sessions\n" + "\n".join(rows) + "\n")
    assert _plan(p, "--column", "sessions") == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "'sessions' row 6: 'lots' is not a number" in err


def test_plan_csv_with_duplicated_dates_names_file_and_date(tmp_path, capsys):
    p = tmp_path / "s.csv"
    p.write_text("date,sessions\n2024-01-01,5\n2024-01-02,6\n2024-01-01,7\n")
    assert _plan(p, "--column", "sessions") == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "s.csv" in err and "2024-01-01 more than once" in err


@pytest.mark.parametrize("kind", ["missing", "folder", "utf16", "numbers-as-dates"])
def test_plan_csv_unreadable_gives_one_line(tmp_path, capsys, kind):
    p = tmp_path / "s.csv"
    if kind == "folder":
        p = tmp_path
    elif kind == "utf16":
        p.write_bytes("date,sessions\n2024-01-01,5\n".encode("utf-16"))
    elif kind == "numbers-as-dates":
        p.write_text("day,sessions\n1,5\n2,6\n")
    assert _plan(p, "--column", "sessions") == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "codec" not in err and "Errno" not in err
    if kind == "numbers-as-dates":
        assert "'day'" in err
    if kind == "utf16":  # read fine, then too short a history: a planning message
        assert "history" in err


def test_plan_csv_with_timestamps_still_reads(tmp_path):
    from darksocial import planning

    p = tmp_path / "s.csv"
    p.write_text("date,sessions\n2024-01-01 00:00:00,5\n2024-01-02 00:00:00,6\n")
    y = planning.load_series("sessions", csv=p)
    assert list(y) == [5.0, 6.0] and str(y.index[1].date()) == "2024-01-02"


def test_errors_are_darksocial_errors():
    assert issubclass(DataFormatError, DarkSocialError)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("ga4.csv", GA4 + "20240103,Direct,41"),
        (
            "answers.csv",
            "Record ID,Create Date,How did you hear about us?\n1,2024-01-01 10:00,pod\n2,",
        ),
        (
            "multiTimeline.csv",
            "Category: All categories\n\nWeek,tmt: (Worldwide)\n2024-01-07,5\n2024-",
        ),
    ],
)
def test_truncated_download_is_refused_not_read_with_a_partial_last_row(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    with pytest.raises(DataFormatError) as exc:
        inspect(p)
    assert "looks truncated" in _one_line(exc) and "is cut short" in str(exc.value)


def test_file_without_final_newline_but_complete_rows_still_loads(tmp_path):
    p = tmp_path / "ga4.csv"
    p.write_text(GA4.rstrip("\n"))
    assert "frequency D" in inspect(p)


def test_survey_without_its_date_column_names_the_column(tmp_path):
    p = tmp_path / "answers.csv"
    p.write_text("Record ID,How did you hear about us?\n1,podcast\n")
    with pytest.raises(DataFormatError, match="missing column 'Create Date'"):
        inspect(p)


def test_calendar_csv_problems_name_the_column_or_campaign(tmp_path):
    p = tmp_path / "cal.csv"
    p.write_text("id,name,begins,end\na,A,2025-02-03,2025-03-01\n")
    with pytest.raises(
        DataFormatError, match=r"no 'launch' column \(found id, name, begins, end\)"
    ):
        inspect(p)
    # a team's own heading of it is read ("Start date", "start": the launch)
    p.write_text("id,name,start,end\na,A,2025-02-03,2025-03-01\n")
    assert load_campaigns(p).loc["a", "launch"] == pd.Timestamp("2025-02-03")
    p.write_text("id,launch\na,2025-01-01\nb,\n")
    with pytest.raises(DataFormatError, match="campaign 'b' has no 'launch'"):
        load_campaigns(p)
    y = tmp_path / "cal.yml"
    y.write_text("campaigns:\n- id: a\n  launch: 2025-02-03\n  spend: 12k\n")
    with pytest.raises(DataFormatError, match="campaign 'a': spend '12k' is not a number"):
        load_campaigns(y)
    y.write_text("campaigns:\n- id: a\n  launch: 2025-02-03\n  spend: 1200\n")
    assert load_campaigns(y)["spend"].tolist() == [1200.0]


def test_inspect_flags_repeated_dates_of_a_long_table(tmp_path):
    p = tmp_path / "ga4.csv"
    p.write_text("Date,Sessions\n20240101,5\n20240101,6\n20240102,7\n")
    assert "repeats    1 row(s) repeat a date (first 2024-01-01)" in inspect(p)
    p.write_text("Date,Country,Sessions\n20240101,France,5\n20240101,Belgium,6\n")
    assert "repeats" not in inspect(p)


def test_frames_holding_a_table_in_attrs_can_be_printed_and_concatenated(tmp_path):
    import pandas as pd

    from darksocial.io._text import AttrsFrame, provenance

    long = pd.DataFrame({"campaign": ["a", "b"], "spend": [1.0, 2.0]})
    wide = pd.DataFrame({f"c{i}": range(8) for i in range(30)})
    out = provenance(wide, source="x", variant="y", path=tmp_path / "f.csv", long=long)
    assert isinstance(out.attrs["long"], AttrsFrame)
    with pd.option_context("display.width", 60, "display.max_columns", 6):
        assert "c0" in repr(out)  # the horizontal truncation concatenates two slices
    both = pd.concat([out.iloc[:3], out.iloc[3:]])
    assert both.attrs["long"] is out.attrs["long"]
    assert type(out.attrs["long"].groupby("campaign").sum()) is pd.DataFrame


def test_bad_options_of_loaders_and_cleaning_are_parameter_errors(data_dir):
    import pandas as pd

    from darksocial import cleaning
    from darksocial.errors import DataValidationError, ParameterError
    from darksocial.io.ga4 import load_ga4_channels

    ga4 = data_dir / "ga4"
    channels = next(p for p in sorted(ga4.glob("*.csv")) if "channel" in p.name.lower())
    with pytest.raises(ParameterError, match="duplicates='bogus' is not a rule"):
        load_ga4_channels(channels, duplicates="bogus")
    day = pd.DataFrame({"x": [1.0]}, index=pd.DatetimeIndex(["2024-01-01"]))
    with pytest.raises(ParameterError, match="freq='Q-bogus' is not a frequency"):
        cleaning.regularize(day, "Q-bogus")
    with pytest.raises(DataValidationError, match="no 'missing' column"):
        cleaning.find_gaps(day)
    text = pd.Series(["a", "b"] * 20, index=pd.date_range("2024-01-01", periods=40), name="s")
    with pytest.raises(DataValidationError, match="column 's' holds text such as 'a'"):
        cleaning.flag_outliers(text)


def test_search_console_brand_of_the_wrong_type(tmp_path):
    from darksocial.errors import ParameterError

    p = tmp_path / "rows.csv"
    p.write_text("date,query,clicks,impressions\n2024-01-01,acme,1,2\n")
    with pytest.raises(ParameterError, match="brand=5 is not a list of brand terms"):
        load_search_console(p, brand=5)


def test_survey_xlsx_that_is_not_a_workbook_or_lacks_the_sheet(tmp_path):
    import pandas as pd

    fake = tmp_path / "answers.xlsx"
    fake.write_text("Record ID,Create Date\n1,2024-01-01\n")
    with pytest.raises(DataFormatError, match="not a spreadsheet.*rename it to .csv"):
        inspect(fake)
    book = tmp_path / "book.xlsx"
    pd.DataFrame(
        {"Create Date": ["2024-01-01 10:00"], "How did you hear about us?": ["podcast"]}
    ).to_excel(book, index=False, sheet_name="Answers")
    assert len(load_survey(book)) == 1
    for sheet in (3, "Nope"):
        with pytest.raises(DataFormatError, match=r"no sheet .*; the workbook has 'Answers'"):
            load_survey(book, sheet=sheet)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(book.read_bytes()[:300])
    with pytest.raises(DataFormatError, match="cannot read the spreadsheet"):
        load_survey(cut)


def test_bigquery_folder_with_one_truncated_file_names_that_file(data_dir, tmp_path):
    import shutil

    from darksocial.io.ga4_bigquery import load_ga4_events

    for p in sorted((data_dir / "ga4_bigquery").glob("events_*.json")):
        shutil.copy(p, tmp_path / p.name)
    good = sorted(tmp_path.glob("events_*.json"))[0]
    (tmp_path / "events_20991231.json").write_text(good.read_text()[:150])
    with pytest.raises(DataFormatError) as exc:
        load_ga4_events(tmp_path)
    msg = _one_line(exc)
    assert (
        msg.startswith("events_20991231.json: not a GA4 BigQuery export")
        and str(tmp_path) not in msg
    )
