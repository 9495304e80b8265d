"""Reading helpers shared by the loaders: encodings, delimiters, sections, numbers, dates.

Every helper raises :class:`darksocial.errors.DataFormatError` with a one-line message
that names the file (and line or column) and says what was expected.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from darksocial.errors import DataFormatError, UnusableExportError
from darksocial.safetext import safe_message

#: Bytes that cp1252 leaves undefined: a file holding them is not a Windows-1252 text.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
#: Date formats tried in order when a loader does not force one.
DATE_FORMATS = ("%Y%m%d", "%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%m/%d/%Y", "%Y/%m/%d")


def fail(path: str | Path, message: str) -> DataFormatError:
    """Build a :class:`DataFormatError` whose message starts with the file name.

    Values the message quotes from the file pass through :func:`darksocial.safetext.mask_pii`
    (an e-mail in a date cell must not reach a terminal, a log or a report).
    """
    from darksocial.safetext import clean, mask_pii

    return DataFormatError(f"{Path(path).name}: {clean(mask_pii(message))}")


def read_text(path: str | Path) -> tuple[str, str]:
    """Read a text export whatever its encoding.

    Parameters
    ----------
    path : str or pathlib.Path
        The file to read; it is opened read-only.

    Returns
    -------
    text : str
        The decoded text, without byte-order mark, newlines normalised to ``\\n``. An
        Excel workbook (an export saved as ``.xlsx``) gives its first sheet holding any
        value as CSV text (:func:`workbook_text`), so it is read as its CSV form is.
    encoding : str
        The encoding detected: ``utf-8``, ``utf-8-sig``, ``utf-16`` or ``cp1252``, or
        ``xlsx`` for a workbook.

    Raises
    ------
    DataFormatError
        If the file is missing, binary (a zip or Parquet file, a damaged workbook), or in
        no encoding the exports use.
    """
    path = Path(path)
    if path.is_dir():
        raise fail(path, "this is a folder, not a file; give the path of the export file")
    if not path.is_file():
        raise fail(path, f"file not found at {path}; check the path")
    raw = path.read_bytes()
    if not raw.strip():
        raise fail(path, "the file is empty; export the report again with a non-empty date range")
    if raw[:4] == b"PK\x03\x04":
        if is_workbook_file(path):
            # an export saved as .xlsx is read as the CSV it would have been saved as
            return workbook_text(path), "xlsx"
        raise fail(
            path, "this is a zip or spreadsheet file, not a CSV; unzip it or save it as CSV"
        )
    if raw[:4] == b"PAR1":
        raise fail(path, "this is a Parquet file, not a CSV export")
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text, encoding = _decode(path, raw, "utf-16"), "utf-16"
    elif raw[:3] == b"\xef\xbb\xbf":
        text, encoding = _decode(path, raw[3:], "utf-8"), "utf-8-sig"
    elif _looks_utf16(raw):
        codec = "utf-16-le" if raw[1:2] == b"\x00" else "utf-16-be"
        try:
            text, encoding = raw.decode(codec), "utf-16"
        except UnicodeDecodeError:
            raise fail(path, _BINARY) from None
    elif b"\x00" in raw:
        raise fail(path, _BINARY)
    else:
        try:
            text, encoding = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            if _CP1252_UNDEFINED & set(raw):
                raise fail(
                    path, "unknown text encoding; re-export the file as UTF-8 or UTF-16"
                ) from None
            text, encoding = raw.decode("cp1252"), "cp1252"
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL.search(text[:4000]):
        raise fail(path, _BINARY)
    return text, encoding


_BINARY = "binary content found; expected a text (CSV/TSV/JSON) export"


def is_workbook_file(path: str | Path) -> bool:
    """True for an Excel workbook by its content (a zip holding ``xl/workbook.xml``)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            return "xl/workbook.xml" in z.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def open_workbook(path: str | Path, **options):  # noqa: ANN201 - openpyxl has no type hints
    """``openpyxl.load_workbook`` without its warning about the workbook's styles.

    Search Console's and Meta Ads Manager's Excel downloads have no default cell style;
    openpyxl then warns "Workbook contains no default style", which ``darksocial check``
    printed as a Python warning for every such file. The values are read all the same.
    """
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Workbook contains no default style", UserWarning)
        return openpyxl.load_workbook(path, **options)


def cell_text(value: object) -> str:
    """One workbook cell as an export's CSV would hold it (dates as ``YYYY-MM-DD``)."""
    if value is None:
        return ""
    if isinstance(value, pd.Timestamp | np.datetime64) or hasattr(value, "isoformat"):
        ts = pd.Timestamp(value)
        return f"{ts:%Y-%m-%d}" if ts == ts.normalize() else ts.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def workbook_sheets(path: str | Path) -> dict[str, list[list[str]]]:
    """Every sheet of a workbook as rows of strings (:func:`cell_text`), by sheet name.

    Raises
    ------
    DataFormatError
        If the file cannot be read as a workbook.
    """
    try:
        book = open_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged or foreign file
        raise fail(
            path, "cannot be read as an Excel workbook; download the export again as .xlsx or CSV"
        ) from None
    try:
        return {
            ws.title: [[cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
            for ws in book.worksheets
        }
    finally:
        book.close()


def workbook_text(path: str | Path) -> str:
    """The first sheet holding any value, as CSV text: the file the tool would have saved.

    Trailing empty cells and empty rows at the end of the sheet are dropped (a sheet's
    used range is often wider than its table).

    Raises
    ------
    DataFormatError
        If the file cannot be read as a workbook, or every sheet is empty.
    """
    for rows in workbook_sheets(path).values():
        rows = [list(r) for r in rows]
        while rows and not any(c.strip() for c in rows[-1]):
            rows.pop()
        if not rows:
            continue
        width = max(
            len(r) - next((i for i, c in enumerate(reversed(r)) if c.strip()), len(r))
            for r in rows
        )
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerows((r + [""] * width)[:width] for r in rows)
        return out.getvalue()
    raise fail(path, "every sheet of the workbook is empty; export the report again")


#: Control characters no text export holds (tab, newline and carriage return excepted).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f]")


def _looks_utf16(raw: bytes) -> bool:
    head = raw[:200]
    return len(head) >= 4 and (
        head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4
    )


def _decode(path: Path, raw: bytes, codec: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        raise fail(path, f"cannot be decoded as {codec}; re-export it as UTF-8") from None


def sniff_delimiter(lines: Sequence[str]) -> str:
    """Return the most likely field delimiter (tab, comma or semicolon) of some lines.

    Counts each candidate outside double quotes on every line and keeps the one whose
    count is the most regular across lines (then the larger count): a semicolon file
    re-saved by a European Excel has decimal commas (``6,47 %``) whose number varies
    from row to row, while its semicolons do not.
    """
    sample = [ln for ln in lines[:50] if ln.strip() and not ln.startswith("#")]
    scored = []
    for order, delim in enumerate(("\t", ",", ";")):
        counts = [_count_unquoted(ln, delim) for ln in sample]
        if not counts:
            continue
        mode = max(set(counts), key=lambda c: (counts.count(c), c))
        if mode == 0:
            continue
        agree = sum(c == mode for c in counts) / len(counts)
        scored.append((agree, mode, -order, delim))
    if not scored:
        return ","
    scored.sort(reverse=True)
    best = scored[0]
    # near-equal regularity: the delimiter that splits lines into more fields wins
    close = [c for c in scored if best[0] - c[0] <= 0.05]
    return max(close, key=lambda c: (c[1], c[2]))[3]


def _count_unquoted(line: str, char: str) -> int:
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


@dataclass
class Section:
    """One table of a text export: its comment preamble, header and rows."""

    meta: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    line: int = 0  # 1-based line number of the header

    def frame(self) -> pd.DataFrame:
        """Return the section as a DataFrame of strings, trailing empty columns dropped."""
        header = list(self.header)
        while header and header[-1] == "":
            header.pop()
        width = len(header)
        rows = [(r + [""] * width)[:width] for r in self.rows]
        return pd.DataFrame(rows, columns=header, dtype=object)

    def meta_value(self, key: str) -> str | None:
        """Return the value of a ``# Key: value`` preamble line, or None."""
        for line in self.meta:
            m = re.match(rf"#\s*{re.escape(key)}\s*:\s*(.*?)[,;\s]*$", line, re.IGNORECASE)
            if m:
                return m.group(1)
        return None


def split_sections(text: str, delimiter: str | None = None) -> list[Section]:
    """Split a text export into tables separated by blank lines and ``#`` comment blocks.

    Parameters
    ----------
    text : str
        The decoded file.
    delimiter : str, optional
        Field delimiter; sniffed when omitted.

    Returns
    -------
    list of Section
        The tables in file order. Excel re-saves (trailing commas, ``,,,`` blank rows)
        are accepted.
    """
    lines = text.split("\n")
    delimiter = delimiter or sniff_delimiter(lines)
    sections: list[Section] = []
    current: Section | None = None
    meta: list[str] = []
    pending_break = False
    for number, line in enumerate(lines, start=1):
        blank = not line.strip(delimiter + ' \t"')
        if line.startswith("#"):
            if current is not None:
                sections.append(current)
                current = None
            meta.append(line)
            continue
        if blank:
            pending_break = True
            continue
        fields = next(csv.reader([line], delimiter=delimiter))
        fields = [f.strip() for f in fields]
        # A blank line ends a table only when a new header follows: Excel re-saves leave
        # ",,,," rows inside tables, UA files start a new table after one blank line.
        if current is not None and pending_break and _looks_like_header(fields):
            sections.append(current)
            current = None
        pending_break = False
        if current is None:
            current = Section(meta=meta, header=fields, line=number)
            meta = []
        else:
            current.rows.append(fields)
    if current is not None:
        sections.append(current)
    return sections


def _looks_like_header(fields: Sequence[str]) -> bool:
    values = [f for f in fields if f]
    return bool(values) and not any(re.fullmatch(r"[-+$€£]?[\d.,:/ %-]+", f) for f in values)


def check_not_truncated(text: str, *, path: str | Path, delimiter: str | None = None) -> None:
    """Refuse a file whose last line is shorter than the one above and lacks a newline.

    An export cut off during download ends mid-row; read as is, its last row would come
    back with empty or partial values. Raises :class:`DataFormatError` naming the line.
    """
    if not text or text.endswith("\n"):
        return
    lines = text.split("\n")
    body = [(i, ln) for i, ln in enumerate(lines, start=1) if ln.strip() and ln[:1] != "#"]
    if len(body) < 2:
        return
    delimiter = delimiter or sniff_delimiter([ln for _, ln in body[-50:]])
    (_, above), (number, last) = body[-2], body[-1]
    width = len(next(csv.reader([above], delimiter=delimiter)))
    got = len(next(csv.reader([last], delimiter=delimiter)))
    if got < width:
        raise fail(
            path,
            f"line {number} is cut short ({got} of {width} fields) and the file does not end "
            "with a newline; the download looks truncated, export it again",
        )


def read_table(
    text: str,
    *,
    delimiter: str | None = None,
    skip: int = 0,
    path: str | Path = "input",
    what: str = "a single table with one header row",
) -> pd.DataFrame:
    """Read a plain delimited table of strings (no sections), skipping ``skip`` lines.

    Raises :class:`DataFormatError` naming ``path`` when the rows do not fit the header
    (a different export, or one with a preamble) or nothing is left to read.
    """
    lines = text.split("\n")[skip:]
    delimiter = delimiter or sniff_delimiter(lines)
    check_not_truncated(text, path=path, delimiter=delimiter)
    try:
        return pd.read_csv(
            io.StringIO("\n".join(lines)),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=True,
        )
    except pd.errors.EmptyDataError:
        raise fail(path, f"no header row found; expected {what}") from None
    except pd.errors.ParserError as exc:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        where = (
            f"line {int(m.group(2)) + skip} has {m.group(3)} fields but the header has "
            f"{m.group(1)}"
            if m
            else "rows do not fit the header"
        )
        raise fail(path, f"{where}; expected {what} (is it a different export?)") from None


def snake(name: str) -> str:
    """Return ``name`` in snake_case ASCII (``"Organic Search"`` -> ``"organic_search"``)."""
    name = strip_accents(str(name)).lower()
    name = re.sub(r"[^a-z0-9]+", "_", name).strip("_")
    return name or "unnamed"


def column_key(name: str) -> str:
    """A column name for ``name`` in any script.

    :func:`snake` for Latin text (``"Café crème"`` -> ``"cafe_creme"``); text with letters
    of another script keeps them, case-folded, with their marks (``"Українське кіно"`` ->
    ``"українське_кіно"``): :func:`snake` would make every such name ``"unnamed"``.
    """
    text = str(name)
    if not any(c.isalpha() and not unicodedata.name(c, "").startswith("LATIN") for c in text):
        return snake(text)
    key = re.sub(r"[\W_]+", "_", unicodedata.normalize("NFC", text.casefold())).strip("_")
    return key or "unnamed"


def strip_accents(text: str) -> str:
    """Remove accents: ``"Événements"`` -> ``"Evenements"``."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def header_key(name: str) -> str:
    """Normalise a header for synonym lookup (case, accents, punctuation, spacing).

    Letters of every script are kept: a Chinese or Japanese header ("日期", "クリック数")
    was reduced to nothing, so no synonym could match it.
    """
    return re.sub(r"[\W_]+", " ", strip_accents(str(name)).lower()).strip()


def map_columns(
    columns: Iterable[str],
    synonyms: Mapping[str, Sequence[str]],
    *,
    path: str | Path,
    required: Sequence[str] = (),
) -> dict[str, str]:
    """Map raw headers to canonical names through a synonym table.

    Parameters
    ----------
    columns : iterable of str
        Raw headers as they appear in the file.
    synonyms : mapping of str to sequence of str
        Canonical name -> accepted header spellings (any case, accents, punctuation).
    path : str or pathlib.Path
        The file, named in error messages.
    required : sequence of str
        Canonical names that must be found.

    Returns
    -------
    dict
        Raw header -> canonical name, for the headers that matched.

    Raises
    ------
    DataFormatError
        If a required column is missing; the message lists the headers found.
    """
    lookup = {header_key(s): canon for canon, names in synonyms.items() for s in (canon, *names)}
    mapping: dict[str, str] = {}
    for col in columns:
        canon = lookup.get(header_key(col))
        if canon is not None and canon not in mapping.values():
            mapping[col] = canon
    missing = [c for c in required if c not in mapping.values()]
    if missing:
        want = " or ".join(f"'{s}'" for s in synonyms[missing[0]][:2]) or f"'{missing[0]}'"
        found = ", ".join(f"'{c}'" for c in columns)
        raise fail(path, f"missing column {want}; found {found}")
    return mapping


def to_number(
    values: pd.Series, *, path: str | Path, column: str, decimal: str | None = None
) -> pd.Series:
    """Parse export numbers: ``"3,215"``, ``"6.47%"``, ``"6,47 %"``, ``"$12.50"``, ``"--"``.

    Empty cells and placeholders become NaN; percentages are returned as fractions.

    Parameters
    ----------
    values : pandas.Series
        The raw cells.
    path : str or pathlib.Path
        The file, named in error messages.
    column : str
        The raw column name, named in error messages.
    decimal : {",", "."}, optional
        The file's decimal mark (see :func:`decimal_mark`). By default the column's own
        values decide: ``3,2`` or ``1.234,5`` mean decimal commas (a European Excel
        re-save), and ``"3,215"`` alone stays three thousand two hundred and fifteen.
        With ``","``, a dot before exactly three digits groups thousands (``1.234``).

    Raises
    ------
    DataFormatError
        Naming the first value that is not a number.
    """
    s = values.astype("string").str.strip()
    pct = s.str.endswith("%").fillna(False)
    core = s.str.replace(r"[%\s\u00a0\u202f$€£¥]", "", regex=True)
    if decimal == "," or (decimal is None and _decimal_comma(core)):
        core = core.str.replace(r"(?<=\d)\.(?=\d{3}(\D|$))", "", regex=True).str.replace(
            ",", ".", regex=False
        )
    else:
        core = core.str.replace(r"(?<=\d),(?=\d{3}(\D|$))", "", regex=True)
    cleaned = core.replace(
        {"": pd.NA, "--": pd.NA, "-": pd.NA, "—": pd.NA, "n/a": pd.NA, "N/A": pd.NA}
    )
    out = pd.to_numeric(cleaned, errors="coerce")
    bad = out.isna() & cleaned.notna()
    if bad.any():
        first = bad.to_numpy().nonzero()[0][0]
        raise fail(
            path, f"column '{column}' row {first + 1}: '{values.iloc[first]}' is not a number"
        )
    out = out.astype(float)
    out[pct.to_numpy()] = out[pct.to_numpy()] / 100.0
    return out


#: A decimal comma: not followed by exactly three digits, or after dotted thousands.
_DECIMAL_COMMA = re.compile(r"\d,(?:\d{1,2}|\d{4,})(?!\d)|\d\.\d{3},\d")
#: A decimal point: the same shapes with the roles swapped.
_DECIMAL_POINT = re.compile(r"\d\.(?:\d{1,2}|\d{4,})(?!\d)|\d,\d{3}\.\d")


def _decimal_comma(values: pd.Series) -> bool:
    present = values.dropna()
    return bool(
        present.str.contains(_DECIMAL_COMMA).any()
        and not present.str.contains(_DECIMAL_POINT).any()
    )


def decimal_mark(frame: pd.DataFrame) -> str | None:
    """Return the decimal mark a table of strings is written with: ``","``, ``"."`` or None.

    A file re-saved by a European Excel writes ``6,47 %`` and ``1.234`` (one thousand
    two hundred and thirty-four); that is only visible across columns, so loaders ask
    once per table and pass the answer to :func:`to_number`. None when no cell tells.
    """
    cells = pd.Series(frame.to_numpy().ravel(), dtype="string").dropna()
    cells = cells[cells.str.contains(r"\d[.,]\d", regex=True)]
    cells = cells[~cells.str.contains(r"\d[-/.]\d{1,2}[-/.]\d|[a-zA-Z:]", regex=True)]
    cells = cells.str.replace(r"[%\s\u00a0\u202f$€£¥]", "", regex=True)
    comma = bool(cells.str.contains(_DECIMAL_COMMA).any())
    point = bool(cells.str.contains(_DECIMAL_POINT).any())
    if comma != point:
        return "," if comma else "."
    return None


def to_dates(
    values: pd.Series,
    *,
    path: str | Path,
    column: str,
    formats: Sequence[str] = DATE_FORMATS,
) -> pd.DatetimeIndex:
    """Parse a column of dates trying each format in turn; all values must share one format.

    Raises :class:`DataFormatError` naming the column and the first value that no format
    parses.
    """
    s = values.astype(str).str.strip()
    best: pd.Series | None = None
    for fmt in formats:
        parsed = pd.to_datetime(s, format=fmt, errors="coerce")
        if parsed.notna().all():
            return pd.DatetimeIndex(parsed)
        if best is None or parsed.notna().sum() > best.notna().sum():
            best = parsed
    assert best is not None
    first = int(np.flatnonzero(best.isna().to_numpy())[0]) if len(s) else 0
    value = s.iloc[first] if len(s) else ""
    raise fail(
        path,
        f"column '{column}' row {first + 1}: cannot read date '{value}'; expected YYYYMMDD, "
        "YYYY-MM-DD or DD-MM-YYYY",
    )


#: A date written with numbers only: day and month in either order, 2- or 4-digit year,
#: optional time with or without seconds (":" or the Italian "."), optional AM/PM.
NUMERIC_DATE = re.compile(
    r"^(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
    r"(?:,?[ T]+(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2}))?\s*(?P<p>[AaPp]\.?[Mm]\.?)?)?$"
)


def local_dates(values: pd.Series, *, path: str | Path, column: str, what: str) -> pd.Series:
    """Parse a column of dates: ISO, or numbers in one order for all rows.

    Form tools write the date as the account's locale does: ``11/29/24 22:28`` (Eventbrite,
    US), ``11/29/2024 22:28:00`` (Google Forms, US), ``29/11/2024 22:28:00`` (UK, Spain),
    ``29.11.2024 22:28:00`` (Germany), ``29/11/2024 22.28.00`` (Italy). Which of day and
    month comes first is read from the column as a whole: a first number above 12 means
    day first, a second one above 12 month first; dotted dates are day first. A column
    whose dates read both ways (every day 12 or less) is refused, with the fix, rather
    than guessed: the wrong guess moves answers by months without a warning.
    """
    when = values.astype(str).str.strip()
    parsed = pd.to_datetime(when, errors="coerce", format="ISO8601")
    if parsed.notna().all():
        return parsed
    parts = when.str.extract(NUMERIC_DATE)
    numeric = parts["a"].notna()
    if not numeric.all():
        # a row no format reads; else the column mixes ISO and numeric dates, and the row
        # named is the first the more common of the two cannot read
        bad = ~numeric & parsed.isna()
        if not bad.any():
            bad = parsed.isna() if parsed.notna().sum() >= numeric.sum() else ~numeric
        _unreadable(when, bad, path=path, column=column)
    a, b = parts["a"].astype(int), parts["b"].astype(int)
    year = parts["y"].astype(int)
    # Python's %y: 69-99 are the 1900s, 00-68 the 2000s
    year = year.where(parts["y"].str.len() == 4, year + np.where(year < 69, 2000, 1900))
    hour = parts["H"].fillna("0").astype(int)
    pm = parts["p"].fillna("").str.lower().str.startswith("p")
    twelve = parts["p"].notna()
    hour = hour.where(~twelve, hour % 12 + np.where(pm, 12, 0))
    minute = parts["M"].fillna("0").astype(int)
    second = parts["S"].fillna("0").astype(int)

    def build(day: pd.Series, month: pd.Series) -> pd.Series:
        fields = {"year": year, "month": month, "day": day}
        fields |= {"hour": hour, "minute": minute, "second": second}
        # an impossible date (31 November, month 13) becomes NaT
        return pd.to_datetime(pd.DataFrame(fields), errors="coerce")

    day_first, month_first = build(a, b), build(b, a)
    if (parts["sep"] == ".").all():
        # 29.11.2024: no locale writes the month first with dots
        month_first = pd.Series(pd.NaT, index=when.index)
    both = day_first.notna().all() and month_first.notna().all()
    if both and not day_first.equals(month_first):
        example = when.iloc[int(np.flatnonzero((a != b).to_numpy())[0])]
        why = (
            f"column '{column}': every date reads both day first and month first (every "
            f"day is 12 or less, e.g. '{safe_message(example, limit=40)}'), so {what} "
            "cannot be placed in time without a guess; write the dates as YYYY-MM-DD (in a "
            "spreadsheet, format the column as yyyy-mm-dd) and save the file again"
        )
        # read fine, but in no shape to use: in a data folder it is listed as not used
        raise UnusableExportError(*fail(path, why).args)
    best = day_first if day_first.notna().sum() >= month_first.notna().sum() else month_first
    if best.isna().any():
        _unreadable(when, best.isna(), path=path, column=column)
    return best


def _unreadable(when: pd.Series, bad: pd.Series, *, path: Path, column: str) -> None:
    row = int(np.flatnonzero(bad.to_numpy())[0])
    raise fail(
        path,
        # the cell may hold anything, an answer's e-mail or phone included
        f"column '{column}' row {row + 1}: cannot read date "
        f"'{safe_message(when.iloc[row], limit=60)}'; expected one format for every row: "
        "YYYY-MM-DD hh:mm, or day and month as numbers (29/11/2024 22:28, 11/29/24 22:28, "
        "29.11.2024)",
    )


class AttrsFrame(pd.DataFrame):
    """A table kept in another frame's ``attrs`` (e.g. ``attrs["long"]``).

    pandas compares ``attrs`` with ``==`` whenever it combines frames (printing a wide
    frame, ``pd.concat`` of two slices); a plain DataFrame there raises "The truth value
    of a DataFrame is ambiguous". This one compares equal only to itself and is not
    copied when ``attrs`` is; everything derived from it is an ordinary DataFrame (use
    ``.eq()`` for an element-wise comparison).
    """

    def __eq__(self, other: object) -> bool:  # type: ignore[override]
        return self is other

    def __ne__(self, other: object) -> bool:  # type: ignore[override]
        return self is not other

    __hash__ = object.__hash__

    def __deepcopy__(self, memo: dict) -> AttrsFrame:
        return self


def provenance(
    df: pd.DataFrame, *, source: str, variant: str, path: str | Path, **extra: object
) -> pd.DataFrame:
    """Attach provenance (source, variant, file, raw headers...) to ``df.attrs`` and return it."""
    extra = {
        k: AttrsFrame(v) if isinstance(v, pd.DataFrame) and not isinstance(v, AttrsFrame) else v
        for k, v in extra.items()
    }
    df.attrs.update({"source": source, "variant": variant, "path": str(path), **extra})
    return df


#: Country names Google's exports use that are neither an ISO 3166 name nor a common name.
_COUNTRY_ALIASES = {
    "russia": "RU",
    "turkey": "TR",
    "brunei": "BN",
    "cape verde": "CV",
    "micronesia": "FM",
    "palestine": "PS",
    "kosovo": "XK",
    "macedonia": "MK",
    "swaziland": "SZ",
    "macau": "MO",
    "myanmar burma": "MM",
    "congo kinshasa": "CD",
    "congo brazzaville": "CG",
    "vatican city": "VA",
    "u s virgin islands": "VI",
    "us virgin islands": "VI",
    "falkland islands islas malvinas": "FK",
    "north korea": "KP",
    "the bahamas": "BS",
    "the gambia": "GM",
    "caribbean netherlands": "BQ",
    "st martin": "MF",
}
#: UI languages whose country names are recognised (ISO names translated by pycountry).
_COUNTRY_LANGUAGES = (
    "fr",
    "de",
    "es",
    "it",
    "pt",
    "pt_BR",
    "nl",
    "pl",
    "sv",
    "da",
    "fi",
    "zh_CN",
    "zh_TW",
    "ja",
    "ko",
)


def _country_key(name: str) -> str:
    text = strip_accents(str(name)).lower().replace("&", " and ")
    text = re.sub(r"\bst\b\.?", "saint", text)
    # letters of every script: a Chinese export's top country is 中国
    text = re.sub(r"[\W_]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


@lru_cache(maxsize=1)
def _country_index() -> dict[str, str]:
    import gettext

    import pycountry

    index: dict[str, str] = {}
    names: list[tuple[str, str]] = []
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            if getattr(c, attr, None):
                names.append((getattr(c, attr), c.alpha_2))
    for lang in _COUNTRY_LANGUAGES:
        try:
            tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        except OSError:
            continue
        for english, code in names:
            index.setdefault(_country_key(tr.gettext(english)), code)
    for english, code in names:
        index[_country_key(english)] = code
    index.update({_country_key(k): v for k, v in _COUNTRY_ALIASES.items()})
    return index


def country_code(name: object) -> str | None:
    """Return the ISO 3166 alpha-2 code of a country as exports write it, or None.

    Accepts English names as Google writes them (``United Kingdom``, ``South Korea``,
    ``Myanmar (Burma)``), ISO names in the main UI languages (``Royaume-Uni``), and
    alpha-2 or alpha-3 codes in any case (``usa``, as the Search Console API and bulk
    export write them). ``Unknown Region``, ``(not set)`` and empty values give None.
    """
    if name is None or (isinstance(name, float) and name != name):
        return None
    text = str(name).strip()
    if len(text) in (2, 3) and text.isalpha():
        import pycountry

        found = (
            pycountry.countries.get(alpha_2=text.upper())
            if len(text) == 2
            else pycountry.countries.get(alpha_3=text.upper())
        )
        if found is not None:
            return found.alpha_2
        if text.upper() in ("XK", "XKK"):
            return "XK"
    return _country_index().get(_country_key(text))
