"""Survey answers as form and event tools export them: the submission date under each tool's
own header, written in the account's locale, and a file with answers but no date.

The real file is an Eventbrite attendee report (tests/data/survey/SOURCE.md). Before, a data
folder listed it as "not a recognised export" (its ``Order Date`` was no known header);
renamed ``Date`` it stopped ``darksocial check`` (exit 2) with "column 'Create Date' row 1:
cannot read date '11/29/24 22:28'", naming a column the file does not have; and answers with
no date column stopped it too ("missing column 'Create Date' or 'createdate'").
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from darksocial.cli import main
from darksocial.errors import DataFormatError, UnusableExportError
from darksocial.io import detect, load_folder, load_survey

CALENDAR = "campaigns:\n- {id: launch, name: Launch, content_type: video, launch: 2024-11-17}\n"
#: The two orders of the real file, as the loader returns them.
ORDERS = [pd.Timestamp("2024-11-29 22:28"), pd.Timestamp("2024-11-29 22:54")]


@pytest.fixture
def eventbrite(data_dir) -> Path:
    return data_dir / "survey" / "eventbrite_attendees.csv"


def _variant(eventbrite: Path, tmp_path: Path, *edits: tuple[str, str]) -> Path:
    """The real report with text replaced (a header renamed, dates rewritten)."""
    text = eventbrite.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    out = tmp_path / eventbrite.name
    out.write_text(text, encoding="utf-8")
    return out


def _folder(tmp_path: Path, export: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "campaigns.yml").write_text(CALENDAR)
    (folder / export.name).write_bytes(export.read_bytes())
    return folder


# --- 1. the submission-date header each tool writes ----------------------------------------


def test_real_eventbrite_report_is_survey_answers_dated_by_order(eventbrite, tmp_path, capsys):
    assert detect(eventbrite).source == "survey"
    df = load_survey(eventbrite)
    assert df["submitted_at"].tolist() == ORDERS
    assert df["answer"].tolist() == ["CNSV Email", "CNSV Email"]
    assert df.attrs["raw_headers"][1] == "Order Date"
    folder = _folder(tmp_path, eventbrite)
    assert main(["check", "--data", str(folder)]) == 0
    out = capsys.readouterr().out
    files = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ")}
    assert files["eventbrite_attendees.csv"].split(None, 1)[1].strip() == "survey answers"
    assert "found    survey answers               2 rows, 2024-11-29 to 2024-11-29" in out


@pytest.mark.parametrize(
    "header",
    [
        "Submit Date (UTC)",  # Typeform
        "Order Date",  # Eventbrite
        "Zeitstempel",  # Google Forms, German
        "Marca temporal",  # Google Forms, Spanish
        "Carimbo de data/hora",  # Google Forms, Portuguese
        "Informazioni cronologiche",  # Google Forms, Italian
    ],
)
def test_form_tools_submission_date_headers(tmp_path, header):
    p = tmp_path / "answers.csv"
    pd.DataFrame(
        {
            header: ["2024-02-01 10:00:00", "2024-01-31 09:00:00"],
            "Email": ["a@x.io", "b@y.io"],
            "How did you first hear about Acme?": ["a Slack group", "ChatGPT"],
        }
    ).to_csv(p, index=False)
    assert detect(p).source == "survey"
    df = load_survey(p)
    assert df["answer"].tolist() == ["ChatGPT", "a Slack group"]
    assert df["submitted_at"].tolist() == [
        pd.Timestamp("2024-01-31 09:00"),
        pd.Timestamp("2024-02-01 10:00"),
    ]


# --- 2. dates in the account's locale -------------------------------------------------------


@pytest.mark.parametrize(
    "fmt",
    [
        "%m/%d/%y %H:%M",  # Eventbrite, US
        "%m/%d/%Y %H:%M",
        "%m/%d/%Y %H:%M:%S",  # Google Forms, US
        "%m/%d/%Y %I:%M %p",
        "%d/%m/%Y %H:%M",
        "%d/%m/%y %H:%M:%S",
        "%d.%m.%Y %H:%M:%S",  # Google Forms, German
        "%d/%m/%Y %H.%M.%S",  # Google Forms, Italian
    ],
)
def test_numeric_dates_read_in_the_one_order_the_column_allows(tmp_path, fmt):
    # 5 Nov reads both ways on its own; 29 Nov tells the column's order
    when = [pd.Timestamp("2024-11-05 08:01"), pd.Timestamp("2024-11-29 22:28")]
    p = tmp_path / "answers.csv"
    rows = "".join(f"{t.strftime(fmt)},answer {i}\n" for i, t in enumerate(when))
    p.write_text("Date,How did you hear about us?\n" + rows)
    assert load_survey(p)["submitted_at"].tolist() == when


@pytest.mark.parametrize(
    ("edits", "stamps"),
    [
        # f07b: the header renamed Date; f07c: 4-digit years; f07d: ISO dates
        ((), ("11/29/24 22:28", "11/29/24 22:54")),
        ((("11/29/24", "11/29/2024"),), ("11/29/2024 22:28", "11/29/2024 22:54")),
        ((("11/29/24", "2024-11-29"),), ("2024-11-29 22:28", "2024-11-29 22:54")),
    ],
)
def test_real_report_with_its_date_header_renamed_date(eventbrite, tmp_path, edits, stamps):
    p = _variant(eventbrite, tmp_path, (",Order Date,", ",Date,"), *edits)
    assert p.read_text().count(stamps[0]) == 1
    assert load_survey(p)["submitted_at"].tolist() == ORDERS


def test_ambiguous_day_month_dates_are_refused_with_the_fix(eventbrite, tmp_path, capsys):
    # every day 12 or less: 5 November (US) or 11 May, 6 November or 11 June
    p = _variant(
        eventbrite,
        tmp_path,
        (",Order Date,", ",Date,"),
        ("11/29/24 22:28", "11/05/24 22:28"),
        ("11/29/24 22:54", "11/06/24 22:54"),
    )
    with pytest.raises(UnusableExportError) as caught:
        load_survey(p)
    message = str(caught.value)
    assert message.startswith("eventbrite_attendees.csv: column 'Date': every date reads both")
    assert "'11/05/24 22:28'" in message and "YYYY-MM-DD" in message
    # the rest of a data folder runs; the file is listed as not used, with that line
    folder = _folder(tmp_path, p)
    sources = load_folder(folder)
    assert sources.survey is None
    [export] = [e for e in sources.exports if e.path.name == p.name]
    assert export.source is None and "every date reads both" in export.note
    assert main(["check", "--data", str(folder)]) == 0
    assert "not used: column 'Date': every date reads both" in capsys.readouterr().out


def test_dotted_dates_are_day_first_even_when_every_day_is_12_or_less(tmp_path):
    p = tmp_path / "answers.csv"
    p.write_text("Zeitstempel,Wie haben Sie von uns erfahren?\n05.11.2024 08:01:00,Podcast\n")
    assert load_survey(p)["submitted_at"].tolist() == [pd.Timestamp("2024-11-05 08:01")]


@pytest.mark.parametrize(
    ("stamps", "row", "bad"),
    [
        (("soon", "11/29/24 22:54"), 1, "soon"),
        (("11/29/24 22:28", "29/11/24 22:54"), 1, "11/29/24 22:28"),  # two orders in a column
        (("11/29/24 22:28", "11/31/24 22:54"), 2, "11/31/24 22:54"),  # no 31 November
        (("2024-11-29 22:28", "soon"), 2, "soon"),
        (("2024-11-29 22:28", "11/29/24 22:54"), 2, "11/29/24 22:54"),  # ISO, then not
    ],
)
def test_unreadable_date_names_the_file_s_own_column(eventbrite, tmp_path, stamps, row, bad):
    p = _variant(
        eventbrite,
        tmp_path,
        (",Order Date,", ",Date,"),
        ("11/29/24 22:28", stamps[0]),
        ("11/29/24 22:54", stamps[1]),
    )
    with pytest.raises(DataFormatError) as caught:
        load_survey(p)
    assert not isinstance(caught.value, UnusableExportError)
    message = str(caught.value)
    assert f"column 'Date' row {row}: cannot read date '{bad}'" in message
    assert "Create Date" not in message


# --- 3. answers without a submission date -------------------------------------------------


def test_answers_without_a_date_column_are_not_used_and_the_folder_runs(
    eventbrite, tmp_path, capsys
):
    p = _variant(
        eventbrite,
        tmp_path,
        ("How did you hear about this event?", "How did you hear about us?"),
        (",Order Date,", ",Purchased,"),
    )
    assert detect(p).source == "survey"
    with pytest.raises(UnusableExportError) as caught:
        load_survey(p)
    message = str(caught.value)
    assert message.startswith("eventbrite_attendees.csv: missing column 'Create Date' or ")
    for header in ("Submit Date (UTC)", "Submitted at", "Timestamp", "Order Date"):
        assert f"'{header}'" in message
    assert "export the responses with their submission timestamp" in message
    assert message.endswith("or rename the column that holds it 'Submitted at'")
    assert "\n" not in message
    folder = _folder(tmp_path, p)
    assert main(["check", "--data", str(folder)]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.strip().startswith("eventbrite_attendees.csv"))
    assert "not used: missing column 'Create Date' or another submission date" in line
    assert (
        "unusable survey answers               in the folder but not used: missing column" in out
    )
    # renamed as the line says, the same file is read
    p.write_text(p.read_text().replace(",Purchased,", ",Submitted at,"))
    assert load_survey(p)["submitted_at"].tolist() == ORDERS


def test_a_blank_date_is_left_out_and_offsets_across_daylight_saving_are_read(tmp_path):
    # a blank submission date stopped the whole folder ("cannot read date ''"); two UTC
    # offsets in one column (+01:00 and +02:00) raised an AttributeError traceback
    from darksocial.io import load_survey

    blank = tmp_path / "blank.csv"
    blank.write_text(
        "Timestamp,How did you hear about us?\n11/29/2024 10:28:00 PM,Podcast\n,Friend\n"
    )
    df = load_survey(blank)
    assert list(df["answer"]) == ["Podcast"] and df.attrs["undated"] == 1
    assert df["submitted_at"].iloc[0] == pd.Timestamp("2024-11-29 22:28")
    dst = tmp_path / "dst.csv"
    dst.write_text(
        "Submitted at,How did you hear about us?\n"
        "2024-03-30T10:00:00+01:00,Podcast\n2024-04-02T10:00:00+02:00,Friend\n"
    )
    df = load_survey(dst)
    # Europe/Paris local times: 10:00 on both days
    assert list(df["submitted_at"]) == [
        pd.Timestamp("2024-03-30 10:00"),
        pd.Timestamp("2024-04-02 10:00"),
    ]
