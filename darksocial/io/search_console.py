"""Google Search Console: UI export (zip, folder, workbook or loose CSVs), API rows, bulk export.

All variants produce daily totals; the query-level variants (API rows with a ``query``
dimension and the bulk export ``searchdata_site_impression``) also split them into
branded, non-branded and anonymized clicks and impressions. A UI export gives that split
only through its query filter (``Filters.csv``).

The tables of a UI export are recognised by their header, not by their file name, so
exports in another language (``Pays.csv``, ``Filtres.csv``) read the same way.
"""

from __future__ import annotations

import contextlib
import json
import re
import warnings
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from darksocial.brand import BrandClassifier, brand_share
from darksocial.cleaning import regularize
from darksocial.errors import DataFormatError, ParameterError, UnusableExportError
from darksocial.formatting import join_words, number
from darksocial.io._text import (
    country_code,
    decimal_mark,
    fail,
    header_key,
    is_workbook_file,
    map_columns,
    open_workbook,
    provenance,
    read_table,
    read_text,
    to_dates,
    to_number,
    workbook_sheets,
)

__all__ = [
    "EXPORT_PERFORMANCE",
    "REPORT_TABLE_NOTE",
    "brand_from_site",
    "is_report_table",
    "other_report",
    "refine_brand",
    "load_search_console",
    "read_search_console_queries",
    "read_search_console_table",
]

SYNONYMS: dict[str, tuple[str, ...]] = {
    # Chinese (simplified), Japanese and Polish UIs too: a real Chinese export was "not a
    # recognised export" in every table; Dutch "Aantal klikken" stopped a real folder (exit 2),
    # Spanish "Filtrar" and Portuguese "Top consultas" lost a filter and the brand
    "date": ("Date", "data_date", "Datum", "Fecha", "Data", "日期", "日付"),
    "query": (
        "Top queries",
        "query",
        "Query",
        "Requêtes les plus fréquentes",
        "Requête",
        "Häufigste Suchanfragen",
        "Suchanfrage",
        "Consultas principales",
        "Consulta",
        "Query più frequenti",
        "Principais consultas",
        "Top consultas",
        "Populairste zoekopdrachten",
        "热门查询",
        "上位のクエリ",
        "Najczęstsze zapytania",
    ),
    "page": (
        "Top pages",
        "page",
        "url",
        "Page",
        "Pages les plus populaires",
        "Top-Seiten",
        "Seite",
        "Páginas principales",
        "Pagine più visitate",
        "Principais páginas",
        "Páginas principais",
        "Populairste pagina's",
        "排名靠前的网页",
        "上位のページ",
        "Najpopularniejsze strony",
    ),
    "country": (
        "Country",
        "country",
        "Pays",
        "Land",
        "País",
        "Paese",
        "Países",
        "国家/地区",
        "国",
        "Kraj",
    ),
    "device": (
        "Device",
        "device",
        "Appareil",
        "Gerät",
        "Dispositivo",
        "Apparaat",
        "设备",
        "デバイス",
        "Urządzenie",
    ),
    "search_appearance": (
        "Search Appearance",
        "searchAppearance",
        "Apparence dans les résultats de recherche",
        "Darstellung in der Suche",
        "Aspecto en la búsqueda",
        "Aparición en búsquedas",
        "Zoekopmaak",
        "Aspetto nella ricerca",
        "Aparência de pesquisa",
        "Aspecto da pesquisa",
        "搜索结果呈现",
        "検索での見え方",
    ),
    "clicks": (
        "Clicks",
        "clicks",
        "Clics",
        "Klicks",
        "Clic",
        "Cliques",
        "Klikken",
        "Aantal klikken",
        "点击次数",
        "クリック数",
        "Kliknięcia",
    ),
    "impressions": (
        "Impressions",
        "impressions",
        "Impressionen",
        "Impresiones",
        "Impressioni",
        "Impressões",
        "Vertoningen",
        "展示",
        "表示回数",
        "Wyświetlenia",
    ),
    "ctr": ("CTR", "ctr", "点击率"),
    "position": (
        "Position",
        "position",
        "Posición",
        "Posizione",
        "Posição",
        "Positie",
        "排名",
        "掲載順位",
        "Pozycja",
    ),
    "site_url": ("site_url",),
    "is_anonymized_query": ("is_anonymized_query",),
    "search_type": ("search_type", "Search type"),
    "sum_top_position": ("sum_top_position",),
}
#: The first header cell of a ``Filters.csv`` (``Filter,Value``) in the UI languages.
_FILTER_HEADER = {"filter", "filtre", "filtro", "filtrar", "filtr", "过滤器", "フィルタ"}
#: Filter row names (``Filters.csv`` first column) -> canonical filter.
FILTER_NAMES: dict[str, tuple[str, ...]] = {
    "search_type": (
        "Search type",
        "Type de recherche",
        "Suchtyp",
        "Tipo de búsqueda",
        "Tipo di ricerca",
        "Tipo de pesquisa",
        "Zoektype",
        "搜索类型",
        "検索タイプ",
    ),
    "date": (
        "Date",
        "Datum",
        "Fecha",
        "Data",
        "Time range",
        "Période",
        "Plage de dates",
        "日期",
        "日付",
    ),
    "query": (
        "Query",
        "Requête",
        "Suchanfrage",
        "Consulta",
        "Zoekopdracht",
        "Queries",
        "查询",
        "クエリ",
    ),
    "page": ("Page", "Seite", "Página", "Pagina", "网页", "ページ"),
    "country": ("Country", "Pays", "Land", "País", "Paese", "国家/地区", "国"),
    "device": ("Device", "Appareil", "Gerät", "Dispositivo", "Apparaat", "设备", "デバイス"),
    "search_appearance": ("Search appearance", "Apparence dans les résultats de recherche"),
}
#: The kinds of a UI export's chart (its Chart.csv or Dates.csv): by day, by hour, by period.
CHART_KINDS = ("date", "hour", "period")
#: The tables of a UI export, by the canonical name of their first column.
TABLES = ("date", "query", "page", "country", "device", "search_appearance", "filter")
#: How ``read_search_console_table`` names them (``table=`` accepts either form).
TABLE_NAMES = {
    "dates": "date",
    "chart": "date",
    "queries": "query",
    "pages": "page",
    "countries": "country",
    "devices": "device",
    "search_appearance": "search_appearance",
    "filters": "filter",
}
DAILY_COLUMNS = (
    "clicks",
    "impressions",
    "branded_clicks",
    "branded_impressions",
    "nonbranded_clicks",
    "nonbranded_impressions",
    "anonymized_clicks",
    "anonymized_impressions",
    "anonymized_click_share",
)
#: An hourly chart (``Last 24 hours``) names its time column with the UTC offset.
_HOURLY = re.compile(r"\(\s*(UTC|GMT)\s*([+\-\u2212]\d{1,2}(:\d{2})?)?\s*\)", re.IGNORECASE)
#: The chart of an export viewed by week or by month: one row per period
#: (``Date Range,Clicks,...`` then ``2024-11-01 - 2024-11-30,31207,...``).
_PERIOD_HEADER = {"date range"}
#: Compare mode prefixes metrics with the periods (``Last 28 days Clicks``).
_COMPARE = re.compile(r"(last|previous|derni|précédent|letzte|vorherige).*\b(clicks|clics|klicks)")
#: What to export instead of a Search Console report that has no clicks.
EXPORT_PERFORMANCE = (
    "export Search Console → Performance → Search results → Export → Download CSV instead"
)
#: Charts of the Search Console reports other than Performance, by the words of their
#: columns (accents and case aside, in the UI languages): the pattern, whether every column
#: or any one must match it, the report, and what its chart counts.
_OTHER_CHARTS = (
    # "valid": the older coverage chart ("Fecha,No válidas,Válidas" in a real Spanish export)
    (re.compile(r"index|indicizz|valid"), any, "page-indexing", "indexed and not indexed pages"),
    (
        # Portuguese from a real export: "Data,Ruins,Melhorias necessárias,Bom"
        re.compile(r"^(poor|needs? improvement|good|ruins|melhorias necessarias|bom)$"),
        all,
        "Core Web Vitals",
        "URLs rated poor, need improvement or good",
    ),
    (
        re.compile(r"affected|afetad|afectad|concernee|betroffen|interessat|getroffen"),
        any,
        "issue",
        "affected pages",
    ),
)
#: Header cells of the other tables of those reports: ``Metadata.csv`` (``Property,Value``),
#: the issues tables (a ``Validation`` column) and the URL lists (``URL,Last crawled``).
_REPORT_METADATA = {
    ("property", "value"),
    ("propriedade", "valor"),
    ("propriete", "valeur"),
    ("propiedad", "valor"),
    ("eigenschaft", "wert"),
    ("proprieta", "valore"),
    ("eigenschap", "waarde"),
}
_REPORT_VALIDATION = {
    "validation",
    "validacao",
    "validacion",
    "validierung",
    "convalida",
    "validatie",
}
_REPORT_CRAWLED = re.compile(r"crawl|rastre|exploration|scansion")
#: Why such a table is not used.
REPORT_TABLE_NOTE = (
    "a table of a Search Console report other than Performance (page indexing, Core Web "
    "Vitals, an issue's pages): it has no clicks; " + EXPORT_PERFORMANCE
)


@lru_cache(maxsize=1)
def _suffix_list():  # noqa: ANN202 - publicsuffixlist has no type hints
    from publicsuffixlist import PublicSuffixList

    # the snapshot bundled with the package; no network access
    return PublicSuffixList()


def brand_from_site(site: str) -> BrandClassifier | None:
    """Guess brand terms from a Search Console property or site URL.

    The registrable name is found with the public suffix list bundled with the
    ``publicsuffixlist`` package (no network access), so multi-part suffixes and hosting
    platforms are handled: ``https://www.acme.co.uk/`` -> ``acme``,
    ``sc-domain:shop.acme-tools.com.au`` -> ``acmetools`` and ``acme tools``,
    ``https://acme.github.io/`` -> ``acme``.

    Parameters
    ----------
    site : str
        A URL-prefix property, a ``sc-domain:`` property, a page URL or a host name.

    Returns
    -------
    BrandClassifier or None
        None when no registrable name is found (an IP address, ``localhost``).
    """
    text = str(site).strip().lower()
    text = re.sub(r"^(sc-domain:|[a-z][a-z0-9+.-]*://)", "", text)
    host = re.split(r"[/?#]", text, maxsplit=1)[0].rsplit("@", 1)[-1].split(":")[0].strip(".")
    if not host or re.fullmatch(r"[\d.]+", host) or "." not in host:
        return None
    with contextlib.suppress(UnicodeError):
        host = host.encode("ascii").decode("idna") if "xn--" in host else host
    registrable = _suffix_list().privatesuffix(host)
    if not registrable:
        return None
    label = registrable.split(".")[0]
    if not re.search(r"\w", label):
        return None
    terms = (label.replace("-", ""), label.replace("-", " ")) if "-" in label else (label,)
    return BrandClassifier(terms)


def _site_from_export_name(name: str) -> str | None:
    """``https___www.acme.com_-Performance-on-Search-2026-05-24.zip`` -> the site URL."""
    m = re.match(r"^(.*?)-Performance-on-", name)
    if not m:
        return None
    return m.group(1).replace("___", "://").replace("_", "/")


def _as_brand(brand: BrandClassifier | Sequence[str] | str | None) -> BrandClassifier | None:
    if brand is None or isinstance(brand, BrandClassifier):
        return brand
    if not isinstance(brand, str | Sequence) or not all(isinstance(b, str) for b in brand):
        raise ParameterError(
            f"brand={brand!r} is not a list of brand terms; pass e.g. brand=['acme']"
        )
    return BrandClassifier((brand,) if isinstance(brand, str) else tuple(brand))


# --- the tables of a UI export --------------------------------------------------------------


@dataclass
class _Table:
    """One table of a UI export: its kind (``TABLES`` or ``hour``), name and raw cells."""

    kind: str
    name: str
    frame: pd.DataFrame


def _clicky(header: str) -> bool:
    return bool(re.search(r"cli[cq]|click|klick|klik|点击|クリック", header_key(header)))


def table_kind(columns: Sequence[object]) -> str | None:
    """Recognise a table of a UI Performance export by its header (any UI language).

    Parameters
    ----------
    columns : sequence of str
        The header cells.

    Returns
    -------
    str or None
        ``date`` (``Chart.csv``/``Dates.csv``), ``hour`` (the hourly chart of a "Last 24
        hours" export), ``period`` (the chart viewed by week or by month), ``query``, ``page``, ``country``, ``device``,
        ``search_appearance`` or ``filter``; None for any other header (API rows and bulk
        exports, which have a query and a date, included).
    """
    cols = _trimmed(columns)
    if len(cols) < 2:
        return None
    if header_key(cols[0]) in _FILTER_HEADER:
        return "filter"
    if not any(_clicky(c) for c in cols[1:]):
        return None
    if _HOURLY.search(cols[0]):
        return "hour"
    if header_key(cols[0]) in _PERIOD_HEADER:
        return "period"
    lookup = {header_key(s): k for k, names in SYNONYMS.items() for s in (k, *names)}
    keys = [lookup.get(header_key(c)) for c in cols]
    dimensions = set(TABLES) | {"site_url", "is_anonymized_query", "search_type", "data_date"}
    if keys[0] in TABLES and not set(keys[1:]) & dimensions and header_key(cols[0]) != "data date":
        return keys[0]
    return None


def _trimmed(columns: Sequence[object]) -> list[str]:
    cols = [str(c).strip().strip('"').strip() for c in columns]
    while cols and (cols[-1] in ("", "nan") or cols[-1].startswith("Unnamed:")):
        cols.pop()
    return cols


def other_report(columns: Sequence[object]) -> str | None:
    """Say why the chart of a Search Console report other than Performance is not used.

    Page indexing (``Date,Not indexed,Indexed,Impressions``, ``Data,Não indexadas,...``),
    an issue's affected pages (``Date,Affected pages``) and Core Web Vitals
    (``Date,Poor,Need improvement,Good``) export a chart by day too, but of pages, not
    clicks.

    Parameters
    ----------
    columns : sequence of str
        The header cells.

    Returns
    -------
    str or None
        One line naming the report, what it counts and what to export instead; None for
        any other header.
    """
    cols = _trimmed(columns)
    dates = {header_key(s) for s in ("date", *SYNONYMS["date"])}
    if len(cols) < 2 or header_key(cols[0]) not in dates or any(_clicky(c) for c in cols[1:]):
        return None
    keys = [header_key(c) for c in cols[1:]]
    for pattern, every_or_any, report, counts in _OTHER_CHARTS:
        if every_or_any(map(pattern.search, keys)):
            shown = ", ".join(cols[:5]) + (", ..." if len(cols) > 5 else "")
            return (
                f"a Search Console {report} export ({shown}): it counts {counts}, not "
                f"clicks; {EXPORT_PERFORMANCE}"
            )
    return None


def is_report_table(columns: Sequence[object]) -> bool:
    """True for another table of a report :func:`other_report` names (no clicks in any).

    ``Metadata.csv`` (``Property,Value``), the issues tables (``Reason,Source,Validation,
    Pages``, ``Severity,Issue,Validation,URLs``) and the URL lists (``URL,Last crawled``),
    in the UI languages.

    Parameters
    ----------
    columns : sequence of str
        The header cells.

    Returns
    -------
    bool
    """
    keys = [header_key(c) for c in _trimmed(columns)]
    if len(keys) < 2 or any(_clicky(c) for c in keys):
        return False
    return (
        tuple(keys) in _REPORT_METADATA
        or bool(set(keys) & _REPORT_VALIDATION)
        or (len(keys) == 2 and keys[0] == "url" and bool(_REPORT_CRAWLED.search(keys[1])))
    )


def _decode_member(path: Path, member: str, raw: bytes) -> str:
    try:
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
            return raw.decode("utf-16")
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise fail(path, f"{member} inside is not UTF-8 or UTF-16 text") from None


class _Export:
    """The tables of a UI export, zipped, unzipped, in a workbook or as loose CSVs."""

    def __init__(
        self,
        path: Path,
        form: str,
        tables: list[_Table],
        others: list[tuple[str, list[str]]] | None = None,
    ) -> None:
        self.path, self.form = path, form
        self.tables: dict[str, _Table] = {}
        for t in tables:
            self.tables.setdefault(t.kind, t)
        self.names = [t.name for t in tables]
        self.found = list(tables)
        # the files (members, sheets) that are no Performance table, with their header:
        # they say what an export without any Performance table is instead
        self.others = list(others or [])

    def get(self, kind: str) -> _Table | None:
        return self.tables.get(kind)

    def where(self, table: _Table) -> Path:
        """The path to name in messages: the file, or the archive and its member."""
        return self.path if self.form == "csv" else self.path / table.name

    # constructors ---------------------------------------------------------------------------

    @classmethod
    def read(cls, path: Path) -> _Export:
        if path.is_dir():
            return cls._folder(path)
        if is_workbook(path):
            return cls._workbook(path)
        if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
            return cls._zip(path)
        return cls._loose(path)

    @classmethod
    def _folder(cls, path: Path, *, skip: Path | None = None) -> _Export:
        tables, others = [], []
        for p in sorted(path.iterdir(), key=lambda p: p.name.lower()):
            if p == skip or not p.is_file() or p.suffix.lower() not in (".csv", ".tsv", ".txt"):
                continue
            try:
                text = read_text(p)[0]
            except DataFormatError:
                others.append((p.name, []))  # empty, or not a text file
                continue
            table = _text_table(p, p.name, text, strict=False)
            if table is not None:
                tables.append(table)
            else:
                others.append((p.name, first_header(text)))
        return cls(path, "folder", tables, others)

    @classmethod
    def _zip(cls, path: Path) -> _Export:
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError):
            raise fail(path, _BAD_ZIP) from None
        tables, others = [], []
        with archive:
            for member in archive.namelist():
                name = Path(member).name
                if member.endswith("/") or name.startswith(".") or "__MACOSX" in member:
                    continue
                try:
                    raw = archive.read(member)
                except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile):
                    raise fail(path, f"{member} inside cannot be extracted; {_BAD_ZIP}") from None
                if not raw.strip():
                    continue
                text = _decode_member(path, member, raw).replace("\r\n", "\n")
                table = _text_table(path / name, name, text, strict=True)
                if table is not None:
                    tables.append(table)
                else:
                    others.append((name, first_header(text)))
        return cls(path, "zip", tables, others)

    @classmethod
    def _workbook(cls, path: Path) -> _Export:
        tables, others = [], []
        for name, rows in workbook_sheets(path).items():
            rows = [r for r in rows if any(c.strip() for c in r)]
            if not rows:
                continue
            width = len(rows[0])
            # a sheet with only its header (no search appearance in the period) is empty,
            # not broken: it keeps its columns
            frame = pd.DataFrame(
                [(r + [""] * width)[:width] for r in rows[1:]], columns=rows[0], dtype=object
            )
            kind = table_kind(rows[0])
            if kind is not None:
                tables.append(_Table(kind, name, frame))
            else:
                others.append((name, rows[0]))
        return cls(path, "xlsx", tables, others)

    @classmethod
    def _loose(cls, path: Path) -> _Export:
        text = read_text(path)[0]
        table = _text_table(path, path.name, text, strict=True)
        if table is None:
            return cls(path, "csv", [])
        tables = [table]
        if table.kind in CHART_KINDS:
            # the other files of the unzipped export, when they sit beside it
            tables += list(cls._folder(path.parent, skip=path).tables.values())
        return cls(path, "csv", tables)


def first_header(text: str) -> list[str]:
    """The cells of a text table's first non-empty line (``,``, ``;`` or tab), unquoted."""
    first = next((ln for ln in text.split("\n") if ln.strip()), "")
    return [h.strip().strip('"') for h in re.split(r"[,;\t]", first)]


def _text_table(where: Path, name: str, text: str, *, strict: bool) -> _Table | None:
    if table_kind(first_header(text)) is None:
        return None
    try:
        frame = read_table(text, path=where, what="a Search Console export table")
    except DataFormatError:
        if strict:
            raise
        return None
    kind = table_kind(frame.columns)
    return None if kind is None else _Table(kind, name, frame)


def is_workbook(path: str | Path) -> bool:
    """True for an Excel workbook (by its suffix or, for a renamed file, its content)."""
    path = Path(path)
    return path.suffix.lower() in (".xlsx", ".xlsm") or is_workbook_file(path)


def sheet_names(path: str | Path) -> list[str]:
    """Return the sheet names of a workbook (``[]`` when it cannot be read)."""
    try:
        book = open_workbook(path, read_only=True)
    except Exception:  # a damaged file: the loader reports it
        return []
    try:
        return list(book.sheetnames)
    finally:
        book.close()


#: Sheet names of a Performance workbook (English and French UI).
PERFORMANCE_SHEETS = frozenset(
    {
        "chart",
        "dates",
        "queries",
        "pages",
        "countries",
        "devices",
        "search appearance",
        "filters",
        "graphique",
        "requetes",
        "pays",
        "appareils",
        "filtres",
        "apparence dans les resultats de recherche",
    }
)


def is_performance_workbook(path: str | Path) -> bool:
    """True when a workbook's sheets are those of a Search Console Performance export."""
    names = {header_key(n) for n in sheet_names(path)}
    return bool(names & {"chart", "dates", "graphique"}) or len(names & PERFORMANCE_SHEETS) >= 2


def is_ui_export(path: str | Path) -> bool:
    """True for a folder that holds the daily table of a Performance export (any language)."""
    path = Path(path)
    return path.is_dir() and any(k in CHART_KINDS for k in _Export._folder(path).tables)


def _metrics(table: _Table, where: Path) -> pd.DataFrame:
    """A UI table with its key column (named by its kind) and numeric metrics."""
    raw = table.frame
    raw = raw.loc[
        :, [c for c in raw.columns if str(c).strip() and not str(c).startswith("Unnamed")]
    ]
    if any(_COMPARE.search(header_key(c)) for c in raw.columns):
        raise fail(
            where,
            "this export compares two date ranges; in Search Console turn Compare off, "
            "choose one date range and export again",
        )
    mapping = map_columns(
        raw.columns[1:], SYNONYMS, path=where, required=("clicks", "impressions")
    )
    key = "date" if table.kind == "hour" else table.kind
    df = pd.DataFrame({key: raw.iloc[:, 0].astype(str).str.strip()})
    mark = decimal_mark(raw.iloc[:, 1:])
    for name, canon in mapping.items():
        if canon in ("clicks", "impressions", "ctr", "position"):
            df[canon] = to_number(raw[name], path=where, column=name, decimal=mark)
    return df.reset_index(drop=True)


# --- Filters.csv ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _QueryFilter:
    """A query filter: include or exclude some terms, or GSC's own brand filter."""

    raw: str
    include: bool = True
    terms: tuple[str, ...] = ()
    role: str | None = None  # "branded"/"nonbranded" from GSC's branded-queries filter


_BRANDED = re.compile(r"^(branded|brand|brand queries|de marque|marque|markenbezogen|de marca)$")
_NONBRANDED = re.compile(
    r"^(non ?-?branded|non ?-?brand|not branded|hors marque|sans marque|nicht markenbezogen|"
    r"sin marca|no de marca)$"
)
_EXCLUDING = re.compile(
    r"^(?:queries\s+)?(?P<op>not containing|doesn'?t contain|does not contain|excluding|"
    r"doesn'?t match(?:\s+regex)?|does not match(?:\s+regex)?|not matching(?:\s+regex)?|"
    r"custom \(regex\)\s*(?:-|:)?\s*(?:doesn'?t|does not) match|ne contient pas|"
    r"ne correspond pas(?: à l'expression régulière)?|enthält nicht|no contiene)\s*:?\s*",
    re.IGNORECASE,
)
_INCLUDING = re.compile(
    r"^(?:queries\s+)?(?P<op>containing|contains|exact(?:\s+query)?|matches(?:\s+regex)?|"
    r"matching(?:\s+regex)?|custom \(regex\)(?:\s*(?:-|:)?\s*matches(?:\s+regex)?)?|regex|"
    r"contient|correspond(?: à l'expression régulière)?|enthält|contiene)\s*:?\s*",
    re.IGNORECASE,
)


def _query_filter(value: str) -> _QueryFilter:
    """Parse the value of a ``Query`` filter row, in its UI forms and tolerant variants."""
    raw = str(value).strip()
    v = re.sub(
        r"^(quer(y|ies)|requêtes?|suchanfrage|consulta)\s*:\s*", "", raw, flags=re.IGNORECASE
    )
    low = header_key(v)
    if _BRANDED.match(low):
        return _QueryFilter(raw, True, (), "branded")
    if _NONBRANDED.match(low):
        return _QueryFilter(raw, False, (), "nonbranded")
    include, regex = True, False
    if m := _EXCLUDING.match(v):
        include, regex, v = False, "match" in m.group("op").lower(), v[m.end() :]
    elif m := _INCLUDING.match(v):
        op = m.group("op").lower()
        regex, v = "regex" in op or "match" in op or "correspond" in op, v[m.end() :]
    elif v.startswith("!~"):
        include, regex, v = False, True, v[2:]
    elif v.startswith(("=~", "~")):
        regex, v = True, v.lstrip("=~")
    elif v[:1] in ("-", "!"):
        include, v = False, v[1:]
    elif v[:1] in ("+", "="):
        v = v[1:]
    v = v.strip().strip('"').strip()
    terms = _regex_terms(v) if regex or re.search(r"[|^$()\[\]\\]", v) else (v,)
    return _QueryFilter(raw, include, tuple(t for t in terms if t))


def _regex_terms(pattern: str) -> tuple[str, ...]:
    """The literal alternatives of a simple regex: ``^(acme|acme app)$`` -> acme, acme app."""
    pattern = re.sub(r"\(\?[a-z]+\)", "", pattern)
    out = []
    for part in pattern.split("|"):
        part = re.sub(r"\\[sb]\*?\+?|\.\*|\.\+|\.\?|\[[^\]]*\]\??", " ", part)
        part = re.sub(r"[\\^$()?*+{}]", "", part)
        part = re.sub(r"\s+", " ", part).strip()
        if part:
            out.append(part)
    return tuple(dict.fromkeys(out))


@dataclass
class _Filters:
    """What a ``Filters.csv`` says, raw and canonical."""

    raw: dict[str, str] = field(default_factory=dict)
    search_type: str | None = None
    query: _QueryFilter | None = None
    page: str | None = None
    country: str | None = None
    device: str | None = None
    search_appearance: str | None = None
    date: str | None = None


def _parse_filters(frame: pd.DataFrame | None) -> _Filters:
    out = _Filters()
    if frame is None or frame.shape[1] < 2:
        return out
    lookup = {header_key(s): k for k, names in FILTER_NAMES.items() for s in (k, *names)}
    for name, value in zip(frame.iloc[:, 0], frame.iloc[:, 1], strict=True):
        name, value = str(name).strip(), str(value).strip()
        if not name:
            continue
        out.raw[name] = value
        canon = lookup.get(header_key(name))
        if canon is None and re.search(r"brand|marque|marke|marca", header_key(name)):
            canon = "query"  # GSC's "Branded queries" filter, whatever its row is called
        if canon == "search_type":
            out.search_type = value.lower() or None
        elif canon == "query":
            out.query = _query_filter(value)
        elif canon in ("page", "country", "device", "search_appearance", "date"):
            setattr(out, canon, value or None)
    return out


def _date_range(value: str | None) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """``1 Jan 2025-31 Dec 2025`` or ``Mar 1, 2026-Mar 31, 2026`` -> (start, end)."""
    if not value:
        return None
    for m in re.finditer(r"\s*[-\u2013\u2014]\s*", value):
        left, right = value[: m.start()].strip(), value[m.end() :].strip()
        try:
            start, end = pd.Timestamp(left), pd.Timestamp(right)
        except (ValueError, TypeError):
            continue
        if start is not pd.NaT and end is not pd.NaT and start <= end:
            return start.normalize(), end.normalize()
    return None


def _query_role(
    qf: _QueryFilter | None, brand: BrandClassifier | None, guessed: bool
) -> tuple[str | None, BrandClassifier | None]:
    """Is a query-filtered export a branded or a non-branded series? And which brand terms."""
    if qf is None:
        return None, brand
    if qf.role is not None:
        return qf.role, brand
    if not qf.terms:
        return None, brand
    role = "branded" if qf.include else "nonbranded"
    if brand is None:
        # no brand known: the filter names it
        return role, BrandClassifier(qf.terms)
    if any(brand.is_brand(t) for t in qf.terms):
        return role, brand
    if guessed and any(_prefix_of(t, brand) for t in qf.terms):
        # the filter term is a shorter or longer form of the name guessed from the site
        terms = tuple(dict.fromkeys((*brand.terms, *qf.terms)))
        return role, BrandClassifier(terms, exclude=brand.exclude)
    warnings.warn(
        f"the Search Console query filter '{qf.raw}' does not name the brand "
        f"({', '.join(brand.terms)}): clicks and impressions cover only the filtered "
        "queries, and are neither branded nor total search",
        UserWarning,
        stacklevel=3,
    )
    return None, brand


def _compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", header_key(text))


def _prefix_of(term: str, brand: BrandClassifier) -> bool:
    t = _compact(term)
    return len(t) >= 3 and any(
        b.startswith(t) or t.startswith(b) for b in map(_compact, brand.terms) if len(b) >= 3
    )


#: How many times the runner-up's clicks the top country needs to be called the site's
#: country (whose public holidays enter the models): a real export's 10 clicks from the
#: Philippines against 8 from the United States had put Philippine holidays in the models.
COUNTRY_LEAD = 1.5


def _top_country(table: pd.DataFrame | None, column: str = "country") -> tuple[str | None, str]:
    """The recognised country with clearly most clicks (then impressions), or why none.

    Returns
    -------
    tuple
        ``("US", "")``; ``(None, "Philippines 10 clicks, United States 8")`` when the top
        country has less than :data:`COUNTRY_LEAD` times the runner-up's; ``(None, "")``
        without a country table.
    """
    if table is None or column not in table.columns or table.empty:
        return None, ""
    sums = table.groupby(column)[["clicks", "impressions"]].sum()
    sums = sums[[country_code(name) is not None for name in sums.index]]
    if sums.empty:
        return None, ""
    sums = sums.sort_values(["clicks", "impressions"], ascending=False)
    if len(sums) > 1:
        by = "clicks" if sums["clicks"].iloc[0] > 0 else "impressions"
        (a, first), (b, second) = sums[by].iloc[:2].items()
        if first < COUNTRY_LEAD * second:
            return None, f"{a} {number(first)} {by}, {b} {number(second)}"
    return country_code(sums.index[0]), ""


def _country_attrs(table: pd.DataFrame | None) -> dict[str, str | None]:
    """``top_country`` and ``countries_close`` (why there is none) of a country table."""
    top, close = _top_country(table)
    return {"top_country": top, "countries_close": close or None}


# --- loaders ----------------------------------------------------------------------------------


def load_search_console(
    path: str | Path,
    *,
    brand: BrandClassifier | Sequence[str] | str | None = None,
    search_type: str | None = "web",
) -> pd.DataFrame:
    """Load a Search Console export as daily clicks and impressions.

    Parameters
    ----------
    path : str or pathlib.Path
        A Performance export from the UI as downloaded: the zip, its unzipped folder,
        the ``.xlsx`` workbook, or its ``Chart.csv``/``Dates.csv`` alone (the other files
        beside it are used when present). Or a bulk-export table saved as CSV
        (``searchdata_site_impression`` columns), or Search Analytics API rows (JSON
        response or CSV with ``date`` and ``query`` columns).
    brand : BrandClassifier or sequence of str, optional
        Brand terms. By default they are guessed from the site URL (``site_url`` column,
        the URLs in ``Pages.csv`` or the zip's name) or, for a UI export filtered on a
        query, taken from that filter; ``attrs["brand_terms"]`` says which were used.
    search_type : str or None, default "web"
        Keep only this search type when the file has a ``search_type`` column; None keeps
        all. A UI export holds one search type, named in ``attrs["search_type"]``.

    Returns
    -------
    pandas.DataFrame
        Daily frame (``date`` index, freq ``D``; ``h`` for a "Last 24 hours" export, in
        the time zone of ``attrs["time_zone"]``) with ``clicks``, ``impressions``,
        ``branded_clicks``, ``branded_impressions``, ``nonbranded_clicks``,
        ``nonbranded_impressions``, ``anonymized_clicks``, ``anonymized_impressions``,
        ``anonymized_click_share`` and ``missing``. Columns the variant cannot provide
        are NaN: a UI export fills the branded (or non-branded) columns only when its
        query filter names the brand (``attrs["query_filter"]`` is then ``"branded"`` or
        ``"nonbranded"``). ``attrs`` also holds ``filters`` (the raw ``Filters.csv``
        rows), ``search_type``, ``page_filter``, ``country_filter``, ``device_filter``,
        ``top_country`` (ISO alpha-2 code of the country with most clicks) and
        ``brand_share``, a :class:`darksocial.brand.BrandShare` over the whole period;
        branded counts are a lower bound because of anonymized queries.

    Raises
    ------
    DataFormatError
        If the path is not a Search Console export, or a table of one cannot be read.
    """
    path = Path(path)
    brand = _as_brand(brand)
    if path.is_dir() or (path.is_file() and (zipfile.is_zipfile(path) or is_workbook(path))):
        return _ui_export(path, brand, _Export.read(path))
    if path.suffix.lower() == ".zip" and path.is_file():
        raise fail(path, _BAD_ZIP)
    text, _ = read_text(path)
    if text.lstrip().startswith(("{", "[")):
        return _api_json(path, text, brand)
    raw = read_table(text, path=path, what="a Search Console bulk export or API rows CSV")
    kind = table_kind(raw.columns)
    if kind in CHART_KINDS:
        return _ui_export(path, brand, _Export._loose(path))
    reason = other_report(raw.columns) if kind is None else None
    if reason is not None:
        raise UnusableExportError(f"{path.name}: {reason}")
    if kind is not None:
        raise fail(
            path,
            f"this is the {_TABLE_TITLES[kind]} table of a Search Console Performance export, "
            "not a daily series; load the export's zip, folder or Chart.csv/Dates.csv, or "
            "read this table with read_search_console_table",
        )
    mapping = map_columns(raw.columns, SYNONYMS, path=path)
    df = raw.rename(columns=mapping)
    if "date" not in df.columns or "query" not in df.columns:
        raise fail(
            path,
            "expected a Search Console bulk export (data_date, query, clicks, impressions) "
            "or API rows (date, query, clicks, impressions); found " + ", ".join(raw.columns),
        )
    variant = "bulk_export" if "is_anonymized_query" in df.columns else "api_rows_csv"
    return _query_rows(path, df, brand, variant, search_type, list(raw.columns))


_TABLE_TITLES = {
    "query": "Queries",
    "page": "Pages",
    "country": "Countries",
    "device": "Devices",
    "search_appearance": "Search appearance",
    "filter": "Filters",
}


def _no_filters(**extra: object) -> dict[str, object]:
    return {
        "filters": {},
        "query_filter": None,
        "page_filter": None,
        "country_filter": None,
        "device_filter": None,
        **extra,
    }


def _query_rows(
    path: Path,
    df: pd.DataFrame,
    brand: BrandClassifier | None,
    variant: str,
    search_type: str | None,
    raw_headers: list[str],
) -> pd.DataFrame:
    for col in ("clicks", "impressions"):
        if col not in df.columns:
            raise fail(path, f"missing column '{col}'")
        df[col] = to_number(df[col], path=path, column=col)
    if df.empty:
        raise fail(path, "no rows; the export is empty")
    df["date"] = to_dates(df["date"], path=path, column="date")
    kept_type = None
    if search_type is not None and "search_type" in df.columns:
        df = df[df["search_type"].astype(str).str.lower() == search_type.lower()].copy()
        kept_type = search_type.lower()
    if brand is None and "site_url" in df.columns:
        brand = brand_from_site(df["site_url"].iloc[0])
    df["query"] = df["query"].fillna("").astype(str)
    if "is_anonymized_query" in df.columns:
        anon = df["is_anonymized_query"].astype(str).str.lower().isin(["true", "1"])
        anon |= df["query"].str.strip().eq("")
        anon_known = True
    else:
        anon = df["query"].str.strip().eq("")
        anon_known = bool(anon.any())
    is_brand = brand.classify(df["query"]) & ~anon if brand is not None else None
    daily = pd.DataFrame(
        {"date": df["date"], "clicks": df["clicks"], "impressions": df["impressions"]}
    )
    for metric in ("clicks", "impressions"):
        if is_brand is not None:
            daily[f"branded_{metric}"] = df[metric].where(is_brand, 0.0)
            daily[f"nonbranded_{metric}"] = df[metric].where(~is_brand & ~anon, 0.0)
        daily[f"anonymized_{metric}"] = df[metric].where(anon, 0.0)
    daily = daily.groupby("date").sum()
    if not anon_known:
        daily[["anonymized_clicks", "anonymized_impressions"]] = np.nan
    daily["anonymized_click_share"] = daily["anonymized_clicks"] / daily["clicks"]
    out = regularize(daily.reindex(columns=list(DAILY_COLUMNS)), "D")
    share = brand_share(df.assign(is_anonymized_query=anon), brand) if brand is not None else None
    return provenance(
        out,
        source="search_console",
        variant=variant,
        path=path,
        raw_headers=raw_headers,
        brand_terms=tuple(brand.terms) if brand is not None else None,
        brand_share=share,
        **_no_filters(search_type=kept_type, **_country_attrs(df)),
    )


def _api_json(path: Path, text: str, brand: BrandClassifier | None) -> pd.DataFrame:
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail(path, f"line {exc.lineno}: invalid JSON ({exc.msg})") from None
    rows = payload.get("rows") if isinstance(payload, dict) else payload
    if not isinstance(rows, list) or (rows and "keys" not in rows[0]):
        raise fail(path, "JSON is not a Search Analytics API response (no 'rows' with 'keys')")
    if not rows:
        raise fail(path, "the API response has no rows; widen the date range")
    keys = [r["keys"] for r in rows]
    date_first = bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(keys[0][0])))
    if len(keys[0]) < 2:
        raise fail(path, "API rows need the dimensions ['date', 'query']")
    df = pd.DataFrame(
        {
            "date": [k[0] if date_first else k[1] for k in keys],
            "query": [k[1] if date_first else k[0] for k in keys],
            "clicks": [r.get("clicks", 0) for r in rows],
            "impressions": [r.get("impressions", 0) for r in rows],
        }
    )
    return _query_rows(path, df, brand, "api_rows_json", None, ["keys", "clicks", "impressions"])


_BAD_ZIP = (
    "not a readable zip archive (damaged or incomplete download); download the Search "
    "Console export again"
)


def read_search_console_table(path: str | Path, table: str | None = None) -> pd.DataFrame:
    """Read one table of a Search Console Performance export.

    Parameters
    ----------
    path : str or pathlib.Path
        A table saved on its own (``Queries.csv``, ``Pages.csv``, ``Countries.csv``,
        ``Devices.csv``, ``Search appearance.csv``, ``Filters.csv`` or the daily
        ``Chart.csv``/``Dates.csv``, in any UI language), or a whole export (zip, folder
        or ``.xlsx``) together with ``table``.
    table : str, optional
        Which table of a whole export: ``queries``, ``pages``, ``countries``,
        ``devices``, ``search_appearance``, ``filters`` or ``dates``. Required for a
        whole export; for a single table it must match it when given.

    Returns
    -------
    pandas.DataFrame
        The table with canonical columns: the key (``query``, ``page``, ``country``,
        ``device``, ``search_appearance`` or ``date``), ``clicks``, ``impressions``,
        ``ctr`` (a fraction) and ``position``; ``Countries`` also get ``country_code``
        (ISO alpha-2, None for ``Unknown Region``). ``Filters`` come back as ``filter``
        and ``value`` columns. Totals cover the export's whole period; the UI keeps at
        most 1,000 rows and omits anonymized queries. ``attrs`` holds ``source``
        (``search_console``), ``variant`` (``ui_table_<kind>``), ``table``, ``path``,
        the filters of the export when known and ``top_country`` for countries.

    Raises
    ------
    DataFormatError
        If the file is not such a table or the export lacks it.
    """
    path = Path(path)
    wanted = None
    if table is not None:
        wanted = TABLE_NAMES.get(re.sub(r"[^a-z]+", "_", str(table).lower()).strip("_"))
        if wanted is None:
            raise ParameterError(
                f"table={table!r} is not a Search Console table; use one of "
                + ", ".join(k for k in TABLE_NAMES if k != "chart")
            )
    export = _Export.read(path)
    if export.form == "csv":
        found = next(iter(export.tables.values()), None)
        if found is None:
            raise fail(
                path,
                "not a Search Console export table; expected a header like "
                "'Top queries,Clicks,Impressions,CTR,Position' or 'Filter,Value'",
            )
        if wanted is not None and _base(found.kind) != wanted:
            raise fail(path, f"this is the {_title(found.kind)} table, not {_title(wanted)}")
    else:
        if wanted is None:
            raise ParameterError(
                "a whole Search Console export holds several tables; pass table='queries', "
                "'pages', 'countries', 'devices', 'search_appearance', 'filters' or 'dates'"
            )
        found = export.get(wanted) or (export.get("hour") if wanted == "date" else None)
        if found is None:
            raise fail(
                path,
                f"no {_title(wanted)} table inside; expected a Search Console Performance "
                f"export (found {', '.join(export.names) or 'no tables'})",
            )
    where = export.where(found)
    filters = _parse_filters(export.get("filter").frame if export.get("filter") else None)
    attrs = {
        "table": _title(found.kind),
        "filters": filters.raw,
        "search_type": filters.search_type,
    }
    if found.kind == "filter":
        df = pd.DataFrame(
            {
                "filter": found.frame.iloc[:, 0].astype(str).str.strip(),
                "value": found.frame.iloc[:, 1].astype(str).str.strip(),
            }
        )
        role, terms = _query_role(filters.query, None, False) if filters.query else (None, None)
        attrs.update(
            query_filter=role,
            brand_terms=tuple(terms.terms) if terms is not None and role else None,
            page_filter=filters.page,
            country_filter=filters.country,
            device_filter=filters.device,
        )
    else:
        df = _metrics(found, where)
        if found.kind == "country":
            df["country_code"] = [country_code(c) for c in df["country"]]
            attrs.update(_country_attrs(df))
        elif _base(found.kind) == "date":
            df["date"] = _parse_times(df["date"], found, where)
    return provenance(
        df,
        source="search_console",
        variant=f"ui_table_{_base(found.kind)}",
        path=path,
        raw_headers=[str(c) for c in found.frame.columns],
        **attrs,
    )


def _base(kind: str) -> str:
    return "date" if kind == "hour" else kind


def _title(kind: str) -> str:
    return {"date": "Dates/Chart", "hour": "Chart (hourly)"}.get(kind) or _TABLE_TITLES[kind]


def read_search_console_queries(path: str | Path) -> pd.DataFrame:
    """Read ``Queries.csv`` of a UI export (zip, folder, workbook or the file itself).

    Parameters
    ----------
    path : str or pathlib.Path
        The zip, folder or ``.xlsx`` workbook, or ``Queries.csv`` on its own.

    Returns
    -------
    pandas.DataFrame
        Columns ``query``, ``clicks``, ``impressions``, ``ctr`` (fraction), ``position``
        for the whole period of the export (the UI keeps at most 1,000 rows and omits
        anonymized queries).
    """
    path = Path(path)
    single = path.is_file() and not zipfile.is_zipfile(path)
    return read_search_console_table(path, None if single else "queries")


def _parse_times(values: pd.Series, table: _Table, where: Path) -> pd.DatetimeIndex:
    if table.kind == "hour":
        return to_dates(
            values.str.replace(" ", "T", regex=False),
            path=where,
            column=str(table.frame.columns[0]),
            formats=("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"),
        )
    return to_dates(values, path=where, column=str(table.frame.columns[0]))


def _period_stamps(values: pd.Series, where: Path, column: str):
    """Weeks or months of a chart viewed by week or month: ``(starts, full, freq, order)``.

    Each row reads ``2024-11-01 - 2024-11-30``. The chart is usable when every row but the
    first and the last is a whole calendar month (``freq`` ``"MS"``), or every such row is
    seven days starting on the same weekday (``"W-MON"``...). The first and last rows may
    cover part of a period (the export's date range cuts them): ``full`` is False there,
    and they are left out, since a part-month of clicks is not comparable with a month.
    ``order`` sorts the rows oldest first (``starts`` and ``full`` are in that order).
    None when the rows are not such ranges.
    """
    parts = values.str.extract(r"^\s*(\d{4}-\d{2}-\d{2})\s*[-\u2013]\s*(\d{4}-\d{2}-\d{2})\s*$")
    if parts.isna().any().any() or len(parts) < 2:
        return None
    start = to_dates(parts[0], path=where, column=column)
    end = to_dates(parts[1], path=where, column=column)
    order = np.argsort(start.to_numpy())
    start, end = start[order], end[order]
    days = (end - start).days + 1
    month = (start.day == 1) & (end == start + pd.offsets.MonthEnd(0))
    week = days == 7
    inner = slice(1, len(start) - 1)
    if month[inner].all() and (month[1:].any() or month[:-1].any()):
        full, freq = month, "MS"
    elif week[inner].all() and week.any():
        first = start[week][0]
        full = week & (start.dayofweek == first.dayofweek)
        if not full[inner].all():
            return None  # seven-day rows from different weekdays: no one weekly grid
        freq = f"W-{first.day_name()[:3].upper()}"
    else:
        return None
    return start, np.asarray(full), freq, order


def _ui_export(path: Path, brand: BrandClassifier | None, export: _Export) -> pd.DataFrame:
    daily_table = export.get("date") or export.get("hour")
    period = frame = None
    if daily_table is None and export.get("period") is not None:
        table = export.get("period")
        frame = _metrics(table, export.where(table))
        period = _period_stamps(frame["period"], export.where(table), str(table.frame.columns[0]))
        if period is not None:
            daily_table = table
    if daily_table is None and export.found:
        # a readable export with no chart by day: in a data folder it is listed as not
        # used, with the fix, and the rest of the folder runs
        raise UnusableExportError(f"{path.name}: {_no_chart_reason(export)}")
    if daily_table is None and (reason := _not_performance_reason(export)):
        # another Search Console report (Core Web Vitals, page indexing...), or a folder
        # holding a Chart.csv of no Search Console report: not used either, said so
        raise UnusableExportError(f"{path.name}: {reason}")
    if daily_table is None:
        raise fail(
            path,
            "no Chart.csv or Dates.csv inside; expected a Search Console Performance export "
            f"(found {', '.join(sorted(export.names)) or 'no export tables'})",
        )
    where = export.where(daily_table)
    hourly = daily_table.kind == "hour"
    # a chart by week or month was read once already, to recognise its ranges
    dates = frame if period is not None else _metrics(daily_table, where)
    if dates.empty:
        raise fail(
            where,
            "no rows under the header; the export is empty: choose a date range with data "
            "in Search Console and export again",
        )
    extra: dict[str, object] = {}
    if period is not None:
        # a chart viewed by week or month: one row per period, indexed by its start; a
        # part-period at either end (the date range cuts it) is left out, and said
        starts, full, freq, order = period
        labels = dates.pop("period").to_numpy()[order]
        dates = dates.iloc[order]
        dates.index = starts
        extra["partial_periods"] = [str(x) for x in labels[~full]]
        dates = dates[full]
        newest_first = bool(order[0] != 0)
    else:
        stamps = _parse_times(dates.pop("date"), daily_table, where)
        newest_first = len(stamps) > 1 and stamps[0] > stamps[-1]
        dates.index = stamps
        freq = "D"
    dates = dates.groupby(level=0).sum(min_count=1).sort_index()
    filters = _parse_filters(export.get("filter").frame if export.get("filter") else None)
    guessed = brand is None
    brand_from = None
    if brand is None:
        brand, brand_from = _brand_guess(path, export, filters)
    role, brand = _query_role(filters.query, brand, guessed)
    daily = pd.DataFrame(index=dates.index, columns=list(DAILY_COLUMNS), dtype=float)
    daily["clicks"], daily["impressions"] = dates["clicks"], dates["impressions"]
    if role == "branded":
        daily["branded_clicks"], daily["branded_impressions"] = (
            dates["clicks"],
            dates["impressions"],
        )
    elif role == "nonbranded":
        daily["nonbranded_clicks"] = dates["clicks"]
        daily["nonbranded_impressions"] = dates["impressions"]
    share = None
    queries = export.get("query")
    if queries is not None and brand is not None and filters.query is None:
        share = _ui_share(export.where(queries), queries, brand, dates)
    countries = export.get("country")
    top, close = (
        _top_country(_metrics(countries, export.where(countries))) if countries else (None, "")
    )
    if top is None and filters.country:
        top, close = country_code(filters.country.lstrip("+-!= ")), ""
    start = end = None
    span = None if hourly or period is not None else _date_range(filters.date)
    if span is not None and span[0] <= dates.index.min() and span[1] >= dates.index.max():
        start, end = span
    out = _hourly_grid(daily) if hourly else regularize(daily, freq, start=start, end=end)
    name = Path(daily_table.name).stem.lower()
    kind = (
        "hourly"
        if hourly
        else ("monthly" if freq == "MS" else "weekly")
        if period is not None
        else name
        if name in ("chart", "dates")
        else "dates"
        if newest_first
        else "chart"
    )
    if hourly:
        m = _HOURLY.search(str(daily_table.frame.columns[0]))
        extra["time_zone"] = (m.group(1).upper() + (m.group(2) or "")).replace("\u2212", "-")
    return provenance(
        out,
        source="search_console",
        variant=f"ui_export_{export.form}_{kind}",
        path=path,
        raw_headers=[str(c) for c in daily_table.frame.columns],
        tables=list(export.names),
        parts=_parts(
            export,
            filters,
            role=role,
            top=top,
            close=close,
            brand=brand if brand_from == "page" else None,
            partial=(
                "month" if freq == "MS" else "week",
                [f"'{x}'" for x in extra.get("partial_periods", [])],
            ),
        ),
        filters=filters.raw,
        search_type=filters.search_type,
        query_filter=role,
        page_filter=filters.page,
        country_filter=filters.country,
        device_filter=filters.device,
        date_filter=filters.date,
        top_country=top,
        countries_close=close or None,
        brand_terms=tuple(brand.terms) if brand is not None else None,
        brand_share=share,
        **extra,
    )


def _not_performance_reason(export: _Export) -> str | None:
    """Why an export holding no Performance table is not one, for a report or a folder."""
    for _, header in export.others:
        reason = other_report(header)
        if reason is not None:
            return reason
    if export.form != "folder":
        return None
    # a folder is taken for an export by its Chart.csv or Dates.csv: say what that holds
    for name, header in export.others:
        if Path(name).stem.lower() in ("chart", "dates") and any(header):
            shown = ", ".join(header[:5]) + (", ..." if len(header) > 5 else "")
            return (
                f"{name} has {shown}, not the Clicks and Impressions of a Search Console "
                f"Performance export; {EXPORT_PERFORMANCE}"
            )
    found = ", ".join(n for n, _ in export.others) or "no CSV file"
    return (
        f"no table of a Search Console Performance export inside (found {found}); "
        + EXPORT_PERFORMANCE
    )


def _no_chart_reason(export: _Export) -> str:
    """Why an export of recognised tables has no series by day, and what to export instead."""
    found = ", ".join(sorted(export.names))
    chart = export.get("period")
    if chart is not None:
        first = str(chart.frame.iloc[0, 0]).strip() if len(chart.frame) else ""
        example = f" ({first}, ...)" if first else ""
        return (
            f"{chart.name} has one row per week or month{example}, not per day; in the "
            "Search Console Performance report show the chart by day and export again"
        )
    table = export.get("filter")
    search_type = _parse_filters(table.frame if table else None).search_type
    if search_type == "discover" or any("discover" in n.lower() for n in export.names):
        return (
            f"a Search Console Discover export ({found}): Discover is Google's feed, not "
            "search, and the export has no clicks by day; export Performance → Search results"
        )
    compared = any(
        _COMPARE.search(header_key(c)) or re.match(r"\d.*\d\s*-\s*\d.*\d\s+\w", str(c))
        for t in export.found
        for c in t.frame.columns[1:]
    )
    if compared:
        return (
            f"a Search Console export comparing two date ranges ({found}) has no clicks by day; "
            "in Search Console turn Compare off, choose one date range and export again"
        )
    return (
        f"no Chart.csv or Dates.csv inside (found {found}), so no clicks by day; export the "
        "Search Console Performance report again, with its chart"
    )


def _hourly_grid(hours: pd.DataFrame) -> pd.DataFrame:
    """The hourly chart on a complete ``h`` grid (``regularize`` works in whole days)."""
    grid = pd.date_range(hours.index.min(), hours.index.max(), freq="h", name="date")
    out = hours.reindex(grid)
    out["missing"] = ~grid.isin(hours.index)
    return out


def _brand_guess(
    path: Path, export: _Export, filters: _Filters
) -> tuple[BrandClassifier | None, str | None]:
    """Brand terms from the site: a page URL, the page filter, or the zip's name; and which."""
    table = export.get("query")
    queries = [] if table is None else [str(q) for q in table.frame.iloc[:, 0]]
    positions = None
    with contextlib.suppress(DataFormatError):
        ranked = _metrics(table, export.where(table)) if table is not None else None
        if ranked is not None and "position" in ranked:
            positions = dict(zip(ranked["query"], ranked["position"], strict=True))
    pages = export.get("page")
    if pages is not None and len(pages.frame):
        for url in pages.frame.iloc[:5, 0]:
            guess = brand_from_site(url)
            if guess is not None:
                return refine_brand(guess, queries, positions=positions), "page"
    if filters.page and "://" in filters.page:
        guess = brand_from_site(filters.page.lstrip("+-!= "))
        if guess is not None:
            return refine_brand(guess, queries, positions=positions), "filter"
    site = _site_from_export_name(path.name)
    guess = brand_from_site(site) if site else None
    refined = refine_brand(guess, queries, positions=positions) if guess else None
    return refined, "name" if guess is not None else None


#: Median Search Console position at or above which a word's queries look for the site
#: itself: people who search a brand find it first; "invoice vs receipt" found
#: invoicekits.com at 75.
NAVIGATIONAL_POSITION = 5.0


def refine_brand(
    guess: BrandClassifier,
    queries: Sequence[str],
    *,
    positions: Mapping[str, float] | None = None,
) -> BrandClassifier:
    """The site's name, or the word of it that people search for.

    A site address often adds to the brand (``michelinman.com``: people search "michelin
    tires", rarely "michelin man"). When at least 5% of the top queries, and three times
    as many as mention the site-derived terms, contain a word of four letters or more
    that the name starts with, and (where the export gives positions) the site ranks at
    :data:`NAVIGATIONAL_POSITION` or better in the median of those queries, that word leads
    the terms (the site's name stays as a second spelling): a generic word the name starts
    with ("invoice" of invoicekits.com, whose "invoice" queries found it at 38-80) is not
    the brand. Otherwise the name as the top queries spell it, in words, leads
    (``panda patches`` for pandapatches.com; the classifier matched it already, the pages
    named the brand "pandapatches").

    Parameters
    ----------
    guess : BrandClassifier
        Terms from :func:`brand_from_site`.
    queries : sequence of str
        Top queries of the same export (may be empty).
    positions : mapping, optional
        Each query's average position in the export.

    Returns
    -------
    BrandClassifier
    """
    if not queries:
        return guess
    label = re.sub(r"\W", "", str(guess.terms[0]).lower())
    counts: dict[str, int] = {}
    for q in queries:
        for word in set(re.findall(r"\w+", q.lower())):
            if len(word) >= 4 and label.startswith(word) and word != label:
                counts[word] = counts.get(word, 0) + 1
    n_site = sum(guess.is_brand(q) for q in queries)
    if counts:
        word, n = max(counts.items(), key=lambda kv: (kv[1], len(kv[0])))
        ranks = [
            positions[q]
            for q in queries
            if positions and word in re.findall(r"\w+", q.lower()) and q in positions
        ]
        navigational = not ranks or float(np.median(ranks)) <= NAVIGATIONAL_POSITION
        if n >= max(2, len(queries) // 20) and n >= 3 * n_site and navigational:
            return BrandClassifier((word, *guess.terms))
    # the name as people write it: "panda patches" (986 clicks) for pandapatches.com
    spaced = next(
        (
            " ".join(q.lower().split())
            for q in queries
            if len(q.split()) > 1 and re.sub(r"\W", "", q.lower()) == label
        ),
        None,
    )
    if spaced is None:
        return guess
    return BrandClassifier((spaced, *(t for t in guess.terms if t != spaced)))


#: What each table of a UI export is, in the list of files ``darksocial check`` shows.
_TABLE_WORDS = {
    "date": "clicks and impressions by day",
    "hour": "clicks and impressions by hour",
    "query": "top queries",
    "page": "top pages",
    "country": "countries",
    "device": "devices",
    "search_appearance": "search appearance",
    "filter": "the export's filters",
}


def _parts(
    export: _Export,
    filters: _Filters,
    *,
    role: str | None,
    top: str | None,
    close: str = "",
    brand: BrandClassifier | None,
    partial: tuple[str, list[str]] = ("period", []),
) -> list[tuple[str, str]]:
    """Each file of the export (or sheet, or zip member) and what it gave the report.

    ``partial``: for a chart viewed by week or month, the period word and the rows left
    out because they cover part of a period.
    """
    out = []
    for table in export.found:
        what = _TABLE_WORDS.get(table.kind, table.kind.replace("_", " "))
        used = export.get(table.kind) is table
        if not used:
            what += " (a second copy, not read)"
        elif table.kind == "filter":
            raw = "; ".join(f"{k} {v}" for k, v in filters.raw.items())
            what += f" ({raw})" if raw else ""
            if role:
                what += f", read as {'non-branded' if role == 'nonbranded' else role} search"
        elif table.kind == "country" and top:
            what += f", for the top country ({top})"
        elif table.kind == "country" and close:
            what += f", no clear top country ({close})"
        elif table.kind == "page" and brand is not None:
            what += f", for the brand from the site address ({', '.join(brand.terms)})"
        elif table.kind == "period":
            # a chart viewed by week or month (only found when read as the series)
            what = f"clicks and impressions by {partial[0]}"
            if partial[1]:
                one = len(partial[1]) == 1
                what += (
                    f"; {join_words(partial[1])} {'covers' if one else 'cover'} part of a "
                    f"{partial[0]} and {'is' if one else 'are'} left out"
                )
        elif table.kind not in ("date", "hour"):
            what += " (not needed)"
        where = export.path.parent if export.form == "csv" else export.path
        out.append((str(where / table.name), what))
    return out


def _ui_share(where: Path, queries: _Table, brand: BrandClassifier, dates: pd.DataFrame) -> object:
    qt = _metrics(queries, where)
    visible = brand_share(qt, brand, anonymized=None)
    # Chart totals include anonymized queries; Queries.csv does not.
    anon_c = max(
        float(dates["clicks"].sum()) - visible.branded_clicks - visible.nonbranded_clicks, 0.0
    )
    anon_i = max(
        float(dates["impressions"].sum())
        - visible.branded_impressions
        - visible.nonbranded_impressions,
        0.0,
    )
    return type(visible)(
        visible.branded_clicks,
        visible.branded_impressions,
        visible.nonbranded_clicks,
        visible.nonbranded_impressions,
        anon_c,
        anon_i,
        row_capped=len(qt) >= _UI_ROW_CAP,
    )


#: The Search Console UI exports at most this many rows per table.
_UI_ROW_CAP = 1000
