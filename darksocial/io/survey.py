"""Self-reported attribution answers ("How did you hear about us?"): loading only.

Classifying answers into channels is :mod:`darksocial.attribution`'s job.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from darksocial.errors import UnusableExportError
from darksocial.io._text import (
    fail,
    header_key,
    local_dates,
    map_columns,
    provenance,
    read_table,
    read_text,
)
from darksocial.safetext import clean

__all__ = ["load_survey", "question_column", "worded_columns"]

SYNONYMS: dict[str, tuple[str, ...]] = {
    "answer": (
        "How did you hear about us?",
        "how_did_you_hear_about_us",
        "How did you hear about us",
        "Where did you hear about us?",
        "Comment avez-vous entendu parler de nous ?",
        "Comment nous avez-vous connus ?",
    ),
    # Submission dates. Added here only with evidence of real exports: the header as written
    # in public code and fixtures that read the files (found with the code index; the
    # vendors' own help pages were not in the documentation searched). Typeform "Submit Date
    # (UTC)", beside "Start Date (UTC)" and "Network ID"; Eventbrite's attendee report "Order
    # Date", after "Order #" (the real example in tests/data/survey/eventbrite_attendees.csv);
    # a Google Forms response sheet's first column in German, Spanish, Portuguese and
    # Italian, before its e-mail column: "Zeitstempel" / "E-Mail-Adresse", "Marca temporal" /
    # "Dirección de correo electrónico", "Carimbo de data/hora" / "Endereço de e-mail",
    # "Informazioni cronologiche" / "Indirizzo email". Tally's "Submitted at" (after
    # "Submission ID", "Respondent ID") was there before and checks out the same way. Not
    # added: the French "Horodatage", of which no export was found.
    "submitted_at": (
        "Create Date",
        "createdate",
        "Submitted At",
        "Submitted at",
        "Submit Date (UTC)",
        "Submission Date",
        "Order Date",
        "Timestamp",
        "Zeitstempel",
        "Marca temporal",
        "Carimbo de data/hora",
        "Informazioni cronologiche",
        "Created",
        "Date de création",
        "Date",
    ),
    "software_source": ("Original Source", "hs_analytics_source", "Source d'origine"),
    "software_source_detail": (
        "Original Source Drill-Down 1",
        "hs_analytics_source_data_1",
        "Source d'origine - Détail 1",
    ),
    "record_id": ("Record ID", "hs_object_id", "Response ID", "id", "ID"),
}


#: How forms word the question, beyond the exact headers above (matched on the header as
#: :func:`darksocial.io._text.header_key` spells it: lower case, no accents or punctuation):
#: "How did you first hear about Acme?", "Where did you find us", "Wie haben Sie von uns
#: erfahren?", "¿Cómo nos conociste?"...
QUESTION_PATTERNS = (
    r"\b(how|where) did you (first |originally )?(hear|learn|find out) (about|of)\b",
    r"\b(how|where) did you (first |originally )?(find|discover|come across|see) us\b",
    r"\b(comment|ou) (nous )?(avez vous|as tu) (connu|entendu parler de|decouvert)\b",
    r"\bcomment nous (avez vous|as tu) (connus?|decouverts?|trouves?)\b",
    r"\b(wie|wo) (haben sie|hast du) von (uns|\w+) (erfahren|gehort)\b",
    r"\bwie (haben sie|hast du) (uns|\w+) gefunden\b",
    r"\b(como|donde) (nos )?(conociste|conocio|conocieron)\b",
    r"\b(como|donde) nos (encontraste|encontro|encontraron)\b",
    r"\b(como|donde) (te enteraste|se entero) de nosotros\b",
    r"\bcome (ci )?(hai|ha|avete) (conosciuto|scoperto)\b",
    r"\bcome ci (hai|ha|avete) trovat[oiae]\b",
    r"\bcome (hai|ha|avete) saputo di noi\b",
    r"\bcomo (voce |voces )?nos (conheceu|conheceram|encontrou|encontraram)\b",
    r"\bcomo (voce |voces )?(soube|souberam|ficou sabendo) de nos\b",
    r"\bhoe (heeft u|heb je|hebben jullie) (over|van) ons gehoord\b",
    r"\bhoe (bent u|ben je) (bij ons terechtgekomen|ons tegengekomen)\b",
)


def question_column(columns: Iterable[str]) -> str | None:
    """The column holding the answers to "How did you hear about us?", or None.

    A header among :data:`SYNONYMS` first; else the one header worded like the question
    (:data:`QUESTION_PATTERNS`). Two headers worded like it are not guessed between.

    Parameters
    ----------
    columns : iterable of str
        Headers as in the file.

    Returns
    -------
    str or None
    """
    columns = [str(c) for c in columns]
    exact = {header_key(s) for s in ("answer", *SYNONYMS["answer"])}
    for col in columns:
        if header_key(col) in exact:
            return col
    worded = worded_columns(columns)
    return worded[0] if len(worded) == 1 else None


def worded_columns(columns: Iterable[str]) -> list[str]:
    """The headers worded like the question (:data:`QUESTION_PATTERNS`), in file order.

    Parameters
    ----------
    columns : iterable of str
        Headers as in the file.

    Returns
    -------
    list of str
    """
    return [str(c) for c in columns if any(re.search(p, header_key(c)) for p in QUESTION_PATTERNS)]


def load_survey(
    path: str | Path,
    *,
    answer_column: str | None = None,
    date_column: str | None = None,
    sheet: str | int = 0,
) -> pd.DataFrame:
    """Load "How did you hear about us?" answers from a form tool or CRM export.

    Parameters
    ----------
    path : str or pathlib.Path
        CSV (any encoding/delimiter the exports use) or XLSX file.
    answer_column, date_column : str, optional
        Headers of the answer and submission-date columns, when they are not among the
        usual names (HubSpot labels and internal names, Typeform, Google Forms...).
    sheet : str or int, default 0
        Worksheet of an XLSX file.

    Returns
    -------
    pandas.DataFrame
        One row per answer, sorted by time: ``submitted_at`` (Timestamp), ``answer``
        (text as written, less bidirectional and other control characters, which can make
        text display reversed; blank answers are empty strings), and when present
        ``software_source``, ``software_source_detail``, ``record_id``.
    """
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        if path.is_dir() or not path.is_file():
            read_text(path)  # the one-line "folder" / "file not found" message
        head = path.read_bytes()[:4]
        if head != b"PK\x03\x04":
            what = "empty" if not head else "not a spreadsheet (no .xlsx zip inside)"
            raise fail(
                path,
                f"the file is {what}; if it holds CSV text rename it to .csv, else export the "
                "answers again",
            )
        try:
            with warnings.catch_warnings():
                # openpyxl's "Workbook contains no default style": the values read all the same
                warnings.filterwarnings("ignore", "Workbook contains no default style")
                book = pd.ExcelFile(path)
        except Exception as exc:  # openpyxl raises many types on corrupt files
            raise fail(
                path,
                f"cannot read the spreadsheet ({type(exc).__name__}); save it again as .xlsx or CSV",
            ) from None
        try:
            names = book.sheet_names
            if (isinstance(sheet, int) and not 0 <= sheet < len(names)) or (
                isinstance(sheet, str) and sheet not in names
            ):
                raise fail(
                    path, f"no sheet {sheet!r}; the workbook has {', '.join(map(repr, names))}"
                )
            try:
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", "Workbook contains no default style")
                    raw = book.parse(sheet, dtype=str).fillna("")
            except Exception as exc:  # openpyxl raises many types on corrupt files
                raise fail(
                    path,
                    f"cannot read sheet {sheet!r} ({type(exc).__name__}); save it again as .xlsx or CSV",
                ) from None
        finally:
            book.close()
        variant, encoding = "xlsx", None
    else:
        text, encoding = read_text(path)
        raw = read_table(text, path=path, what="a survey export (CSV or XLSX) with a header row")
        variant = "csv"
    synonyms = dict(SYNONYMS)
    if answer_column is None:
        # a form's own wording of the question ("How did you first hear about Acme?")
        answer_column = question_column(raw.columns)
        worded = [] if answer_column is not None else worded_columns(raw.columns)
        if len(worded) > 1:
            # read fine, but which answers to count is the team's call: in a data folder it
            # is listed as not used and the rest runs
            why = (
                "more than one column asks how people heard about you ("
                + ", ".join(f"'{c}'" for c in worded)
                + "); delete or rename the one not to read, or pass answer_column= to "
                "load_survey"
            )
            raise UnusableExportError(*fail(path, why).args)
    if answer_column is not None:
        synonyms["answer"] = (answer_column,)
    if date_column is not None:
        synonyms["submitted_at"] = (date_column,)
    mapping = map_columns(raw.columns, synonyms, path=path, required=("answer",))
    if "submitted_at" not in mapping.values():
        # the answers are there but cannot be placed in time: in a data folder the file is
        # listed as not used, with the fix, and the rest of the folder runs
        raise UnusableExportError(*fail(path, _NO_DATE).args)
    df = raw.rename(columns=mapping)[list(mapping.values())].copy()
    if df.empty:
        raise fail(path, "no answers; the export is empty")
    header = next(raw_name for raw_name, canon in mapping.items() if canon == "submitted_at")
    # a row without a submission date (a form's test entry, a cell cleared by hand) cannot
    # be placed in time: it is left out and counted, where one blank cell stopped the folder
    stamp = df["submitted_at"].astype(str).str.strip()
    blank = df["submitted_at"].isna() | stamp.eq("") | stamp.str.lower().isin(["nan", "nat"])
    if blank.all():
        raise UnusableExportError(
            *fail(path, f"column '{header}' is empty on every row: no answer can be dated").args
        )
    df = df[~blank].copy()
    parsed = _submission_times(df["submitted_at"], path=path, column=header)
    df["submitted_at"] = parsed
    df["answer"] = df["answer"].fillna("").astype(str).map(clean)
    order = ["submitted_at", "answer", "software_source", "software_source_detail", "record_id"]
    df = df[[c for c in order if c in df.columns]].sort_values("submitted_at", kind="stable")
    return provenance(
        df.reset_index(drop=True),
        source="survey",
        variant=variant,
        path=path,
        encoding=encoding,
        raw_headers=list(raw.columns),
        undated=int(blank.sum()),
    )


#: The fix when answers come without a submission date; "missing column 'Create Date'"
#: first, as every loader names a missing column. Both fixes work in a data folder, where
#: no ``date_column=`` can be passed.
_NO_DATE = (
    "missing column 'Create Date' or another submission date (Typeform 'Submit Date (UTC)', "
    "Tally 'Submitted at', Jotform 'Submission Date', Google Forms 'Timestamp', Eventbrite "
    "'Order Date'...); export the responses with their submission timestamp, or rename the "
    "column that holds it 'Submitted at'"
)


def _submission_times(values: pd.Series, *, path: Path, column: str) -> pd.Series:
    """Parse the submission dates of one column (:func:`darksocial.io._text.local_dates`).

    ISO stamps with UTC offsets, two of them across a change of daylight saving time
    (+01:00, +02:00), are read in UTC, then as local times of the folder.
    """
    when = values.astype(str).str.strip()
    if when.str.contains(r"(?:[+-]\d{2}:?\d{2}|Z)$", regex=True).any():
        parsed = pd.to_datetime(when, errors="coerce", format="ISO8601", utc=True)
        if parsed.notna().all():
            return parsed.dt.tz_convert("Europe/Paris").dt.tz_localize(None)
    return local_dates(when, path=path, column=column, what="the answers")
