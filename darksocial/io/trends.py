"""Google Trends ``multiTimeline.csv`` downloads, in any UI language."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from darksocial.cleaning import regularize
from darksocial.errors import UnusableExportError
from darksocial.io._text import (
    column_key,
    fail,
    provenance,
    read_table,
    read_text,
    sniff_delimiter,
    to_dates,
)

__all__ = [
    "LESS_THAN_ONE",
    "is_trends",
    "load_trends",
    "lost_places",
    "side_table",
    "term_names",
]

#: Value given to Google Trends' ``<1`` cells (non-zero but below 1 on the 0-100 scale).
LESS_THAN_ONE = 0.5
#: Time column names of the UI languages seen in downloads (the dates decide the grid).
TIME_COLUMNS = frozenset(
    {
        "day", "week", "month", "time",
        "jour", "semaine", "mois", "heure", "temps",
        "tag", "woche", "monat", "zeit",
        "dia", "día", "semana", "mes", "mês", "hora", "tiempo", "tempo",
        "giorno", "settimana", "mese", "ora",
        "dag", "maand", "tijd",
        "dzień", "tydzień", "miesiąc", "czas",
        "gün", "hafta", "ay", "zaman",
        "день", "неделя", "месяц", "время",
        "일", "주", "월", "시간",
        "日", "周", "週", "星期", "月", "时间", "時間",
        "ngày", "tuần", "tháng", "thời gian",
    }
)  # fmt: skip
#: A date or time in the first column of a data row.
_STAMP = re.compile(r"^\s*(\d{4}-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?([+-]\d{2}:?\d{2}|Z)?)?)?|"
                    r"\d{1,2}[/.]\d{1,2}[/.]\d{4})\s*$")  # fmt: skip
#: A term column of a download: ``term: (place)``.
_PLACE = re.compile(r"^(.*?):\s*\((.*)\)\s*$")
#: A value of a term column: an integer 0-100, or ``<1``.
_INDEX_VALUE = re.compile(r"^(<\s*1|\d{1,3})$")
#: A term column of a download's other tables: ``term: (7/30/14 - 8/30/20[, place])``, the
#: time range in the parentheses (any date style, any dash) where the chart has a place.
_RANGED = re.compile(r":\s*\(\s*\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\s*[-\u2013\u2014]\s*\d")
#: The section lines of a related queries or topics table (``TOP``, ``RISING``), in the UI
#: languages of TIME_COLUMNS where known.
_RELATED_SECTIONS = frozenset(
    {
        "top", "rising", "principales", "en augmentation", "en hausse", "steigend",
        "en aumento", "in aumento", "em ascensão", "stijgend", "rosnące",
        "популярные", "растущие", "상승", "인기", "急上昇", "トップ", "上升", "热门",
    }
)  # fmt: skip
#: The word the variant uses for each grid.
_GRIDS = {"MS": "month", "W-SUN": "week", "D": "day", "h": "hour"}


def load_trends(path: str | Path) -> pd.DataFrame:
    """Load a Google Trends ``multiTimeline.csv``.

    Parameters
    ----------
    path : str or pathlib.Path
        The downloaded file, in any UI language (``Category:``, ``Catégorie :``,
        ``카테고리:`` preamble, or none), Excel re-saves accepted (``m/d/yyyy`` dates,
        trailing commas, semicolons).

    Returns
    -------
    pandas.DataFrame
        Frame on the file's grid, read from the dates whatever the time column is called:
        ``MS`` for months, ``W-SUN`` for weeks, ``D`` for days, ``h`` for the hourly
        "past 7 days" download and the sub-hourly step of a "past day" download (local
        times; the UTC offset is kept in ``attrs["time_zone"]``). One float column per
        search term in snake_case and ``missing``. ``<1`` becomes :data:`LESS_THAN_ONE`
        (0.5). ``attrs`` holds ``geo``, ``terms`` (raw names), ``category`` and the
        frequency, ``places`` the place of each term column (None where its header has
        none). Values are relative (max = 100 across all terms of the file); two
        downloads are not comparable without a common anchor term.

    Raises
    ------
    DataFormatError
        If the file has no time column over dates, or a value is not a number or ``<1``.
    UnusableExportError
        If no term column carries its ``: (place)`` suffix (a download whose columns
        were renamed, :func:`lost_places`): it is not read as Trends.
    """
    path = Path(path)
    text, encoding = read_text(path)
    lines = text.split("\n")
    start = _header_line(lines)
    if start is None and (what := side_table(text)):
        raise UnusableExportError(
            f"{path.name}: {what}, not a series over time; the reports read the 'Interest "
            "over time' chart: in Google Trends, download that chart (⤓, multiTimeline.csv)"
        )
    if start is None:
        raise fail(
            path,
            "no Day, Week or Month header line followed by dates; expected a Google Trends "
            "multiTimeline.csv",
        )
    delimiter = sniff_delimiter(lines[start : start + 20])
    category = next(
        (
            re.split(r"[:：]", ln, maxsplit=1)[1].strip(" ,;\t")
            for ln in lines[:start]
            if re.search(r"[:：]", ln)
        ),
        None,
    )
    raw = read_table(
        text, delimiter=delimiter, skip=start, path=path, what="a Google Trends multiTimeline.csv"
    )
    raw = raw.loc[:, [c for c in raw.columns if c.strip() and not c.startswith("Unnamed")]]
    time_col = raw.columns[0]
    raw = raw[raw[time_col].str.strip() != ""]
    if raw.empty or raw.shape[1] < 2:
        raise fail(path, "no data rows or no search-term column under the header")
    if not any(_PLACE.match(c) for c in raw.columns[1:]):
        raise UnusableExportError(f"{path.name}: {_lost_places_reason(list(raw.columns))}")
    index, freq, time_zone = _stamps(path, raw[time_col].str.strip(), time_col)
    terms, geos, places, data = [], set(), [], {}
    for col in raw.columns[1:]:
        m = _PLACE.match(col)
        term, geo = (m.group(1), m.group(2)) if m else (col, None)
        term = term.strip().strip('"').strip()
        geos.add(geo)
        places.append(geo.strip() if geo else None)
        terms.append(term)
        # "<1", or "< 1" with a (narrow) no-break space in the French UI
        values = (
            raw[col]
            .str.replace(r"[\s\u00a0\u202f]", "", regex=True)
            .replace({"<1": str(LESS_THAN_ONE), "": None})
        )
        num = pd.to_numeric(values, errors="coerce")
        bad = num.isna() & values.notna()
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            raise fail(
                path, f"column '{col}' row {row + 1}: '{raw[col].iloc[row]}' is not a number or <1"
            )
        data[_column_name(term, data)] = num.astype(float).to_numpy()
    df = pd.DataFrame(data, index=index)
    if freq in ("MS", "W-SUN", "D"):
        out = regularize(df, freq, duplicates="error")
    else:
        out = _grid(path, df, freq)
    geo = geos.pop() if len(geos) == 1 else sorted(g for g in geos if g)
    return provenance(
        out,
        source="google_trends",
        variant=f"multitimeline_{_GRIDS.get(freq, 'minute')}",
        path=path,
        encoding=encoding,
        raw_headers=list(raw.columns),
        geo=geo,
        terms=terms,
        places=places,
        category=category,
        freq=freq,
        time_zone=time_zone,
    )


def is_trends(text: str) -> bool:
    """True when a text's header names search terms with a geography (``term: (Canada)``)."""
    lines = text.split("\n")
    start = _header_line(lines)
    return start is not None and bool(re.search(r":\s*\([^)]*\)", lines[start]))


def term_names(df: pd.DataFrame) -> list[str]:
    """The search term of each column of a Trends frame, as downloaded ("Українське кіно").

    From ``attrs["terms"]`` when it has one term per column; else the column names in words
    (a frame whose columns were joined or dropped).

    Parameters
    ----------
    df : pandas.DataFrame
        A frame of :func:`load_trends`, or Trends downloads joined.

    Returns
    -------
    list of str
        One term per column other than ``missing``, in column order.
    """
    cols = [c for c in df.columns if c != "missing"]
    terms = [str(t) for t in df.attrs.get("terms") or []]
    return terms if len(terms) == len(cols) else [str(c).replace("_", " ") for c in cols]


def side_table(text: str) -> str | None:
    """What a Google Trends download other than the chart over time is, or None.

    Trends' Explore page downloads four tables beside ``multiTimeline.csv``: interest by
    region (``geoMap.csv``: ``Region,term: (7/30/14 - 8/30/20)``), and related topics and
    queries (``relatedEntities.csv``, ``relatedQueries.csv``: ``TOP`` and ``RISING``
    sections). Their term columns carry the time range, not the place, and they have no
    dates: an English ``geoMap.csv`` in a data folder stopped the whole run as a
    multiTimeline.csv that could not be read.

    Parameters
    ----------
    text : str
        The decoded file.

    Returns
    -------
    str or None
        ``"a Google Trends interest-by-region table"`` or ``"a Google Trends related
        queries or topics table"``.
    """
    lines = [ln.strip().strip("\ufeff") for ln in text.split("\n")[:8]]
    if not any(_RANGED.search(ln) for ln in lines):
        return None
    if any(ln.strip(" ,;\t").lower() in _RELATED_SECTIONS for ln in lines):
        return "a Google Trends related queries or topics table"
    return "a Google Trends interest-by-region table"


def lost_places(text: str) -> list[str] | None:
    """The header of a Google Trends download whose term columns lost ``: (place)``.

    A time column named as Trends names it in some UI language (``Week``, ``Tháng``...)
    over dates, then only columns of whole numbers 0-100 (or ``<1``), and no ``term:
    (place)`` header: a download whose columns were renamed by hand (``Week,PulauPari``).
    Such a file is recognised, never read as Trends (:func:`load_trends` refuses it).

    Parameters
    ----------
    text : str
        The decoded file.

    Returns
    -------
    list of str or None
        The header cells; None when the text does not look so.
    """
    lines = text.split("\n")
    start = _header_line(lines)
    if start is None:
        return None
    delimiter = sniff_delimiter(lines[start : start + 20])
    header = [h.strip() for h in next(csv.reader([lines[start]], delimiter=delimiter))]
    while header and not header[-1]:
        header.pop()
    if (
        len(header) < 2
        or header[0].lower() not in TIME_COLUMNS
        or any(_PLACE.match(h) for h in header[1:])
    ):
        return None
    rows = [
        [c.strip() for c in row]
        for row in csv.reader(
            (ln for ln in lines[start + 1 :] if ln.strip(" ,;\t")), delimiter=delimiter
        )
    ]
    if len(rows) < 3:
        return None
    for row in rows:
        values = row[1 : len(header)]
        if not _STAMP.match(row[0]) or len(values) != len(header) - 1:
            return None
        if not all(_INDEX_VALUE.match(v) and int(v.lstrip("<").strip()) <= 100 for v in values):
            return None
    return header


def _lost_places_reason(header: list[str]) -> str:
    header = [str(h).strip() for h in header]
    term = header[1] if len(header) > 1 else "term"
    return (
        f"looks like a Google Trends download whose term columns lost their ': (place)' "
        f"suffix ({', '.join(header[1:6])}{', ...' if len(header) > 6 else ''}); download it again from trends.google.com "
        f"(Explore → your terms → ⤓ Interest over time) and keep it as downloaded, or add "
        f"the place to each term column, e.g. '{term}: (Worldwide)'"
    )


def _column_name(term: str, taken) -> str:
    """A term's column: snake_case in any script, unique among ``taken``.

    ``snake`` keeps ASCII only, so the five Ukrainian terms of a real download were all
    ``unnamed`` and overwrote each other; two terms differing only in case
    (``Українське кіно``, ``українське кіно``) get ``_2``.
    """
    base = column_key(term)
    name, k = base, 2
    while name in taken or name == "missing":
        name, k = f"{base}_{k}", k + 1
    return name


def _header_line(lines: list[str]) -> int | None:
    """The line holding the column names: a time column followed by dated rows."""
    for i, line in enumerate(lines[:30]):
        first = re.split(r"[,;\t]", line, maxsplit=1)[0].strip().strip('"')
        if not first or len(re.split(r"[,;\t]", line)) < 2:
            continue
        after = next((ln for ln in lines[i + 1 : i + 5] if ln.strip(" ,;\t")), "")
        # a re-save may quote every cell ("Time","AI"... then "2004-01-01",2...)
        dated = bool(_STAMP.match(re.split(r"[,;\t]", after, maxsplit=1)[0].strip().strip('"')))
        if dated and (first.lower() in TIME_COLUMNS or ": (" in line or not _STAMP.match(first)):
            return i
    return None


def _stamps(
    path: Path, values: pd.Series, column: str
) -> tuple[pd.DatetimeIndex, str, str | None]:
    """Parse the time column and tell its grid (and UTC offset for sub-daily downloads)."""
    sample = values.iloc[0]
    if re.fullmatch(r"\d{4}-\d{2}", sample):
        return to_dates(values, path=path, column=column, formats=("%Y-%m",)), "MS", None
    if "T" in sample:
        offset = re.search(r"([+-]\d{2}:?\d{2}|Z)$", sample)
        parsed = pd.to_datetime(values, errors="coerce", format="ISO8601", utc=bool(offset))
        if parsed.isna().any():
            row = int(parsed.isna().to_numpy().nonzero()[0][0])
            raise fail(
                path, f"column '{column}' row {row + 1}: cannot read time '{values.iloc[row]}'"
            )
        zone = None
        if offset is not None:
            shift = pd.Timedelta(hours=int(offset.group(1)[:3]), minutes=int(offset.group(1)[-2:]))
            parsed = parsed.dt.tz_localize(None) + shift
            zone = f"UTC{offset.group(1)}"
        index = pd.DatetimeIndex(parsed)
        step = pd.Series(index).diff().dropna().mode()
        freq = "h" if step.empty or step.iloc[0] == pd.Timedelta(hours=1) else _step(step.iloc[0])
        return index, freq, zone
    formats = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y")
    best = None
    for fmt in formats:
        parsed = pd.to_datetime(values, format=fmt, errors="coerce")
        if parsed.notna().all():
            steps = parsed.diff().dropna().unique()
            # Excel's m/d/yyyy and d/m/yyyy both parse when every day is below 13:
            # the right reading is the one with evenly spaced dates
            if len(steps) <= 1:
                best = pd.DatetimeIndex(parsed)
                break
            best = best if best is not None else pd.DatetimeIndex(parsed)
    if best is None:
        best = to_dates(values, path=path, column=column, formats=formats)
    days = pd.Series(best).diff().dropna().dt.days
    freq = "W-SUN" if len(days) and (days % 7 == 0).all() and best[0].dayofweek == 6 else "D"
    return best, freq, None


def _step(delta: pd.Timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes}min" if minutes < 60 else f"{minutes // 60}h"


def _grid(path: Path, df: pd.DataFrame, freq: str) -> pd.DataFrame:
    """Sub-daily downloads on their own complete grid (``regularize`` works in days)."""
    if df.index.duplicated().any():
        raise fail(path, f"time {df.index[df.index.duplicated()][0]} appears twice")
    grid = pd.date_range(df.index.min(), df.index.max(), freq=freq, name="date")
    out = df.reindex(grid)
    out["missing"] = ~grid.isin(df.index)
    return out
