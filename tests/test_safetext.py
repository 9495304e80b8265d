"""Text from input files is shown as text: escaped per output, masked, shortened, checked.

One test per row of the hostile-input table of issue 11 that a unit can show; the
end-to-end run through the report runner is tests/test_hostile_reports.py.
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from darksocial import config, reporting
from darksocial.attribution import classify_answers, explain_answers, unclassified
from darksocial.errors import DataFormatError, DataValidationError
from darksocial.formatting import escape, styled_table
from darksocial.io import load_campaigns, load_survey
from darksocial.safetext import (
    ANSWER_DISPLAY_LIMIT,
    clean,
    markdown_text,
    mask_pii,
    safe_message,
    shorten,
)

RLO = "\u202e"

#: Markdown that must render as the text itself: no link, image, tag, entity or maths.
HOSTILE_MARKDOWN = [
    "[click](javascript:alert(1))",
    "![x](http://outside.example/b.gif)",
    "[x](javascript&#58;alert(1))",
    "[x]: http://outside.example",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<http://outside.example>",
    "see https://outside.example/p and www.outside.example",
    "$$$ Big Savings $$$",
    "$x^2$ and $50 … $99",
    "# heading",
    "1. first",
    "- item",
    "*bold* _it_ `code` ~~gone~~",
    "line one\n\n# two",
]


@pytest.mark.parametrize("text", HOSTILE_MARKDOWN)
def test_markdown_from_data_is_only_text(text):
    rendered = markdown2html_mistune("- " + markdown_text(text))
    for bad in ("<a", "<img", "<svg", "<h1", "<em", "<strong", "<code", "<del", "<ol", "$$"):
        if bad == "$$" and "$$" in text:
            continue
        assert bad not in rendered.replace("<ul>", "").replace("<li>", ""), (text, rendered)
    # the reader sees what was written (white space collapsed)
    shown = rendered.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    assert " ".join(text.split()) in shown.replace("&quot;", '"')


def test_bidi_controls_are_removed_everywhere():
    text = f"{RLO}gnp.exe"
    assert clean(text) == "gnp.exe"
    assert escape(text) == "gnp.exe"
    assert markdown_text(text) == "gnp.exe"
    html = styled_table(pd.DataFrame({"name": [text]}, index=[text])).to_html()
    assert RLO not in html


def test_table_cells_are_masked():
    frame = pd.DataFrame({"page": ["/reset?email=marie@localhost", "/blog/"], "n": [1, 2]})
    html = styled_table(frame).to_html()
    assert "marie" not in html and "[email]" in html and "/blog/" in html


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("write to marie@localhost please", "write to [email] please"),
        ("jo＠example.com", "[email]"),
        ("mail jo.doe+x@mail.example.fr now", "mail [email] now"),
        ("tel0612345678", "tel[phone]"),
        ("0612345678pls", "[phone]pls"),
        ("06 12 34 56 78 06 98 76 54 32", "[phone]"),
        ("call 06.12.34.56.78 or +33 (0)1 23 45 67 89", "call [phone] or [phone]"),
        ("(555) 123-4567", "[phone]"),
        ("IBAN FR76 3000 6000 0112 3456 7890 189 merci", "IBAN [iban] merci"),
        ("DE89 3704 0044 0532 0130 00", "[iban]"),
        ("de89370400440532013000.", "[iban]."),
        ("card 4111 1111 1111 1111 thanks", "card [card] thanks"),
        ("4111-1111-1111-1111", "[card]"),
        # kept: years, dates, times and counts
        ("3 colleagues in 2025", "3 colleagues in 2025"),
        ("on 2025-01-15 at 12/03/2025 14:30", "on 2025-01-15 at 12/03/2025 14:30"),
        ("podcast episode 42", "podcast episode 42"),
    ],
)
def test_personal_data_is_masked(text, masked):
    assert mask_pii(text) == masked


def test_masking_leaves_the_sample_survey_classification_unchanged():
    survey = load_survey(config.SAMPLE_DIR / "survey" / "how_did_you_hear.csv")
    buckets = classify_answers(survey["answer"])
    # counts as the sample README documents them do not move
    assert (buckets == "blank").sum() > 0
    masked = survey["answer"].map(mask_pii)
    assert classify_answers(masked).equals(buckets)


def test_a_long_answer_is_shortened_for_display():
    long = "podcast " + "z" * 100_000
    shown = explain_answers(pd.Series([long]))["answer"].iloc[0]
    assert len(shown) == ANSWER_DISPLAY_LIMIT and shown.endswith("…")
    rest = unclassified(pd.Series(["z" * 100_000]), pd.Series(["other"]))
    assert len(rest["answer"].iloc[0]) == ANSWER_DISPLAY_LIMIT
    assert shorten("abc", 5) == "abc"


def test_error_messages_are_safe_to_publish():
    msg = safe_message("/srv/clients/acme/survey.csv: cannot read date 'jo@ex.com 0612345678'")
    assert msg == "survey.csv: cannot read date '[email] [phone]'"
    assert "\n" not in safe_message("a\nTraceback\n  b")
    assert len(safe_message("x" * 10_000)) <= 500


def _calendar(tmp_path, ids, *, notes="n"):
    lines = ["campaigns:"]
    for i, cid in enumerate(ids):
        lines += [f"- id: {json.dumps(cid)}", f"  launch: 2025-0{i + 1}-01", f"  notes: {notes}"]
    path = tmp_path / "campaigns.yml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "cid", ["a:b", "a/b", "a b", "x" * 300, "../../etc", "[x](javascript&#58;alert(1))", ""]
)
def test_a_bad_campaign_id_is_one_line(tmp_path, cid):
    with pytest.raises(DataFormatError, match="ids use letters, digits") as err:
        load_campaigns(_calendar(tmp_path, [cid or " "]))
    assert "\n" not in str(err.value) and len(str(err.value)) < 400


def test_ids_that_differ_only_in_case_would_share_a_file_and_are_refused(tmp_path):
    with pytest.raises(DataValidationError, match="only in case"):
        load_campaigns(_calendar(tmp_path, ["Podcast", "podcast"]))


def test_calendar_notes_are_masked_and_cleaned(tmp_path):
    notes = f"'{RLO}call marie@localhost, 06 12 34 56 78, FR76 3000 6000 0112 3456 7890 189'"
    frame = load_campaigns(_calendar(tmp_path, ["c1"], notes=notes))
    assert frame.loc["c1", "notes"] == "call [email], [phone], [iban]"


def test_a_survey_date_error_does_not_quote_personal_data(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text(
        "Create Date,How did you hear about us?\n"
        "2025-01-01 10:00,podcast\n"
        "marie@localhost 0612345678,friend\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFormatError) as err:
        load_survey(path)
    assert "[email] [phone]" in str(err.value)
    assert "marie" not in str(err.value) and "0612345678" not in str(err.value)


def test_cli_stops_on_a_bad_id_before_anything_runs(tmp_path, capsys):
    from darksocial import cli

    folder = tmp_path / "data"
    shutil.copytree(config.SAMPLE_DIR, folder)
    text = (folder / "campaigns.yml").read_text().replace("id: podcast-s1", "id: 'pod:cast'")
    (folder / "campaigns.yml").write_text(text)
    reports = tmp_path / "reports"
    reports.mkdir()
    code = cli.main(["report", "--data", str(folder), "--reports-dir", str(reports)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "pod:cast" in err[0]
    assert not any(reports.iterdir())


def test_two_keys_never_share_a_latest_link():
    names = {reporting._slug(k) for k in ("a/b", "a b", "a-b", "a:b", "x" * 300, "x" * 301)}
    assert len(names) == 6
    assert all(len(n) <= 64 for n in names)
    assert reporting._slug("podcast-s1") == "podcast-s1"


def test_summary_strings_are_cleaned_and_masked():
    out = reporting._safe_strings({"name": f"{RLO}x", "notes": ["jo@ex.com"], "n": 3})
    assert out == {"name": "x", "notes": ["[email]"], "n": 3}


def test_date_ranges_in_messages_are_not_taken_for_cards_or_phones():
    from darksocial.io._text import fail

    msg = str(fail("x.csv", "dates run 2032-01-01..2032-01-03; call 0612345678"))
    assert "2032-01-01..2032-01-03" in msg and "[phone]" in msg and "0612345678" not in msg


def test_a_file_name_with_a_date_and_a_copy_number_is_not_a_phone():
    # a real data table read "impulse-english.es-Performance-on-Search-[phone].xlsx" for
    # the browser's second copy of a download
    name = "impulse-english.es-Performance-on-Search-2026-07-11 (1).xlsx"
    assert mask_pii(name) == name
    assert mask_pii("2026-07-11 (1) 06 12 34 56 78") == "[phone]"
    assert mask_pii("call (1) 06 12 34 56 78") == "call [phone]"
    # a copy number only after a real date: these stay phones
    for phone in ("(06) 12-34-5678", "(0) 612-34-5678", "Tel 020-12-1234 (0)"):
        assert "[phone]" in mask_pii(phone)
