"""Google Analytics 4 reports: UI CSV downloads and Data API ``runReport`` output.

Variants read: the UI CSV with its ``#`` preamble (English or French headers, old and
new channel/metric names), files holding several tables, files without preamble, Excel
re-saves (trailing commas, ``DD-MM-YYYY`` dates), the API JSON response (all values
strings) and the flat CSV people write from it (API names as headers).
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pandas as pd

from darksocial.cleaning import Duplicates, regularize
from darksocial.errors import DataFormatError, ParameterError
from darksocial.io._text import (
    Section,
    check_not_truncated,
    decimal_mark,
    fail,
    header_key,
    map_columns,
    provenance,
    read_text,
    snake,
    split_sections,
    to_dates,
    to_number,
)
from darksocial.io.landing import PathRules

__all__ = ["CHANNELS", "load_direct_landing", "load_ga4_channels", "read_ga4", "unused_reason"]

#: GA4 default channel groups always present as columns of :func:`load_ga4_channels`.
CHANNELS = (
    "direct",
    "organic_search",
    "paid_search",
    "organic_social",
    "paid_social",
    "referral",
    "email",
    "unassigned",
)

#: Canonical column -> header spellings seen in GA4 exports (UI en/fr, old/new, API names).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": ("Date", "date", "Jour", "Day"),
    "nth_day": ("Nth day", "nthDay", "Nième jour", "Jour N"),
    "date_hour": (
        "Date + hour (YYYYMMDDHH)",
        "dateHour",
        "Date + hour",
        "Date et heure (AAAAMMJJHH)",
    ),
    "channel": (
        "Session primary channel group (Default channel group)",
        "Session default channel group",
        "Session primary channel group (Default Channel Group)",
        "sessionDefaultChannelGroup",
        "sessionPrimaryChannelGroup",
        "Session default channel grouping",
        "Groupe de canaux principal de la session (Groupe de canaux par défaut)",
        "Groupe de canaux par défaut de la session",
        "Groupe de canaux par défaut associé à la session",
        "Default Channel Grouping",
        "First user primary channel group (Default Channel Group)",
        "First user default channel group",
        "firstUserDefaultChannelGroup",
        "firstUserPrimaryChannelGroup",
    ),
    "landing_page": (
        "Landing page",
        "landingPage",
        "Landing page + query string",
        "landingPagePlusQueryString",
        "Page de destination",
        "Page de destination + chaîne de requête",
        "Landing Page",
    ),
    "sessions": ("Sessions", "sessions", "Sessies"),
    "engaged_sessions": ("Engaged sessions", "engagedSessions", "Sessions avec engagement"),
    "key_events": (
        "Key events",
        "keyEvents",
        "Conversions",
        "conversions",
        "Événements clés",
        "Evenements cles",
    ),
    "total_users": ("Total users", "totalUsers", "Users", "Utilisateurs totaux", "Utilisateurs"),
    "active_users": ("Active users", "activeUsers", "Utilisateurs actifs"),
    "new_users": ("New users", "newUsers", "Nouveaux utilisateurs"),
    "engagement_rate": ("Engagement rate", "engagementRate", "Taux d'engagement"),
    "session_key_event_rate": (
        "Session key event rate",
        "sessionKeyEventRate",
        "Session conversion rate",
        "sessionConversionRate",
    ),
    "total_revenue": ("Total revenue", "totalRevenue", "Revenus totaux"),
}
_DIMENSIONS = ("date", "date_hour", "nth_day", "channel", "landing_page")
_FRENCH_HINTS = ("groupe de canaux", "page de destination", "evenements cles", "jour")
_TOTAL_LABELS = {
    "grand total",
    "total",
    "totals",
    "total général",
    "total geral",
    "gesamtsumme",
    "totale complessivo",
    "suma całkowita",
    "eindtotaal",
}


def read_ga4(path: str | Path, *, table: int | None = None) -> pd.DataFrame:
    """Read one GA4 report into a long tidy table.

    Parameters
    ----------
    path : str or pathlib.Path
        A UI CSV download (a standard report, an exploration, or a home-page or
        dashboard ``data-export.csv`` holding many tables, in any UI language), an API
        ``runReport`` JSON response, or a CSV written from the API (API names as
        headers).
    table : int, optional
        Which table of a multi-table UI file to read (0-based). By default, the first
        table with a ``Date``, ``Date + hour`` or ``Nth day`` column, else the first
        table; the other tables of the same dimension and dates are joined to it (a
        home-page export puts Users, New users... in one table each).

    Returns
    -------
    pandas.DataFrame
        One row per exported row; canonical snake_case columns (``date`` as Timestamps,
        ``channel``, ``landing_page``, ``sessions``, ``key_events``...), unknown columns
        snake_cased; numbers as floats. An hourly report (``Date + hour``) keeps the hour
        in ``date_hour`` and its day in ``date``. Total rows (``Grand total``) are
        dropped and kept in ``attrs["totals"]``. ``attrs`` holds ``source``,
        ``variant``, ``path``, ``raw_headers``, ``language`` and, for UI files,
        ``start``/``end``.

    Raises
    ------
    DataFormatError
        On an empty export, a file that is not a GA4 report, an unparseable date or a
        non-numeric metric, and on dates outside the report's Start/End dates (a date
        column re-typed by Excel).
    """
    path = Path(path)
    text, encoding = read_text(path)
    if text.lstrip().startswith("{"):
        return _read_api_json(path, text)
    check_not_truncated(text, path=path)
    sections = split_sections(text)
    if not sections:
        raise fail(path, "no table found; expected a GA4 CSV export with a header row")
    keys = [set(map_columns(s.header, SYNONYMS, path=path).values()) for s in sections]
    if table is None:
        dated = [
            i
            for i, (s, k) in enumerate(zip(sections, keys, strict=True))
            if k & {"nth_day", "date_hour"} or ("date" in k and _dated_rows(s))
        ]
        table = dated[0] if dated else 0
    if not 0 <= table < len(sections):
        raise fail(path, f"table {table} requested but the file holds {len(sections)} tables")
    section = sections[table]
    preamble = _has_preamble(sections)
    df, mapping, raw, totals = _read_section(path, section, lenient=preamble)
    start, end = _meta_dates(section)
    merged = 1
    if len(sections) > 1 and len(df) and "date" in df.columns:
        df, merged = _join_tables(path, df, section, sections, table)
    _check_dates(path, df, start, end)
    excel = any(r and r[-1] == "" for r in section.rows[:5]) or (
        "date" in mapping.values()
        and not raw[_raw(mapping, "date")].astype(str).str.fullmatch(r"\d{8}").all()
    )
    api_names = any(c[:1].islower() and not c.islower() for c in raw.columns)
    if api_names:
        variant = "api_csv"
    elif not section.meta:
        variant = "ui_csv_no_preamble"
    elif len(sections) > 1:
        variant = "ui_csv_multi_table"
    else:
        variant = "ui_csv"
    if excel:
        variant += "_excel_resave"
    lang = "fr" if any(h in " ".join(raw.columns).lower() for h in _FRENCH_HINTS) else "en"
    return provenance(
        df,
        source="ga4",
        variant=variant,
        path=path,
        encoding=encoding,
        raw_headers=list(raw.columns),
        language=lang,
        report=(section.meta[1].lstrip("# ").rstrip(", ") if len(section.meta) > 1 else None),
        start=start,
        end=end,
        tables=len(sections),
        tables_joined=merged,
        totals=totals,
    )


#: Preamble lines of the report dates in the UI languages.
_START_KEYS = ("Start date", "Date de début", "Data de início", "Fecha de inicio", "Startdatum")
_END_KEYS = ("End date", "Date de fin", "Data de término", "Fecha de finalización", "Enddatum")


def _meta_dates(section: Section) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    out = []
    for keys in (_START_KEYS, _END_KEYS):
        value = next((v for k in keys if (v := section.meta_value(k))), None)
        if value is None:
            # an exploration writes its range on one line: "# 20251201-20251231"
            found = (re.match(r"#\s*(\d{8})-(\d{8})[,;\s]*$", ln) for ln in section.meta)
            m = next((f for f in found if f), None)
            value = m.group(1 if keys is _START_KEYS else 2) if m else None
        parsed = pd.to_datetime(value, format="%Y%m%d", errors="coerce") if value else pd.NaT
        out.append(None if pd.isna(parsed) else parsed)
    return out[0], out[1]


def _has_preamble(sections: list[Section]) -> bool:
    return any(ln.startswith("# ---") for s in sections[:1] for ln in s.meta)


def _dated_rows(section: Section) -> bool:
    """A ``Date`` column holding dates (a cohort table labels weeks ``Nov 16 - Nov 22``)."""
    header = [header_key(h) for h in section.header]
    col = next((i for i, h in enumerate(header) if h in ("date", "jour", "day", "data")), None)
    return col is None or all(
        re.fullmatch(r"\d{8}|[\d/.-]{8,10}", (r + [""] * len(header))[col].strip())
        for r in section.rows[:5]
    )


def _read_section(
    path: Path, section: Section, *, lenient: bool = False
) -> tuple[pd.DataFrame, dict[str, str], pd.DataFrame, list[dict[str, str]] | None]:
    """Parse one table: canonical columns, dates, numbers; total rows set aside."""
    totals = [r for r in section.rows if any(c.strip().lower() in _TOTAL_LABELS for c in r)]
    if totals:
        section = Section(
            meta=section.meta,
            header=section.header,
            rows=[r for r in section.rows if r not in totals],
            line=section.line,
        )
    raw = section.frame()
    mapping = map_columns(raw.columns, SYNONYMS, path=path)
    known = set(mapping.values()) - set(_DIMENSIONS) - {"date_hour"}
    if not known and not lenient:
        raise fail(
            path,
            f"line {section.line}: no GA4 metric column (Sessions, Key events...) in header "
            f"{', '.join(raw.columns)}",
        )
    df = raw.rename(columns=mapping)
    df.columns = [c if c in mapping.values() else snake(c) for c in df.columns]
    metrics = [c for c in df.columns if c in mapping.values() and c not in _DIMENSIONS]
    # columns the synonyms do not know (Event count, a dashboard in another language)
    # are metrics when every cell is a number
    metrics += [
        c
        for c in df.columns[1:]
        if c not in mapping.values()
        and c not in metrics
        and df[c].astype(str).str.strip().str.fullmatch(r"-?[\d.,]+(e-?\d+)?%?|").all()
        and df[c].astype(str).str.strip().ne("").any()
    ]
    mark = decimal_mark(df[metrics])
    start, _ = _meta_dates(section)
    names = {canon: raw_name for raw_name, canon in mapping.items()}
    for col in list(df.columns):
        if col in ("channel", "landing_page"):
            df[col] = df[col].astype(str).str.strip()
        elif col == "date":
            df[col] = to_dates(df[col], path=path, column=names[col])
        elif col == "date_hour":
            hours = to_dates(df[col], path=path, column=names[col], formats=("%Y%m%d%H",))
            df[col] = hours
            df["date"] = hours.normalize()
        elif col == "nth_day":
            if start is None:
                raise fail(path, "'Nth day' column without a '# Start date:' line above it")
            offsets = to_number(df[col], path=path, column="Nth day")
            df["date"] = start + pd.to_timedelta(offsets, unit="D")
        elif col in metrics:
            df[col] = to_number(df[col], path=path, column=names.get(col, col), decimal=mark)
    if "nth_day" in df.columns:
        df = df.drop(columns="nth_day")
    if "date" in df.columns:
        df = df[["date", *[c for c in df.columns if c != "date"]]]
    kept = [dict(zip(section.header, r, strict=False)) for r in totals] or None
    return df.reset_index(drop=True), mapping, raw, kept


def _join_tables(
    path: Path, df: pd.DataFrame, section: Section, sections: list[Section], index: int
) -> tuple[pd.DataFrame, int]:
    """Join the other one-metric tables of a home-page export that share its days."""
    head = [header_key(h) for h in section.header]
    if len(head) != 2 or df["date"].duplicated().any():
        return df, 1
    dates = _meta_dates(section)
    joined, count = df.set_index("date"), 1
    for i, other in enumerate(sections):
        if i == index or not other.rows or _meta_dates(other) != dates:
            continue
        if len(other.header) != 2 or header_key(other.header[0]) != head[0]:
            continue
        try:
            extra = _read_section(path, other, lenient=True)[0]
        except DataFormatError:
            continue
        column = extra.columns[-1]
        if column in joined.columns or extra["date"].duplicated().any():
            continue
        joined = joined.join(extra.set_index("date")[[column]], how="outer")
        count += 1
    return joined.reset_index(), count


def _check_dates(
    path: Path, df: pd.DataFrame, start: pd.Timestamp | None, end: pd.Timestamp | None
) -> None:
    """Refuse dates outside the report's range: Excel re-typed the date column."""
    if "date" not in df.columns or df.empty:
        return
    first, last = df["date"].min(), df["date"].max()
    fix = "download the CSV from GA4 again and load it without opening it in Excel"
    if end is not None and last > end + pd.Timedelta(days=1):
        raise fail(
            path,
            f"dates run {first:%Y-%m-%d}..{last:%Y-%m-%d}, past the report's End date "
            f"{end:%Y-%m-%d}: the date column was re-typed (e.g. by Excel); {fix}",
        )
    if start is not None and first < start - pd.Timedelta(days=1):
        raise fail(
            path,
            f"dates run {first:%Y-%m-%d}..{last:%Y-%m-%d}, before the report's Start date "
            f"{start:%Y-%m-%d}: the date column was re-typed (e.g. by Excel); {fix}",
        )
    today = pd.Timestamp.today().normalize()
    if end is None and last > today + pd.Timedelta(days=1):
        warnings.warn(
            f"{path.name}: dates run {first:%Y-%m-%d}..{last:%Y-%m-%d}, beyond today; the "
            f"date column may have been re-typed (e.g. by Excel); {fix}",
            UserWarning,
            stacklevel=3,
        )


def _raw(mapping: dict[str, str], canonical: str) -> str:
    return next(raw for raw, canon in mapping.items() if canon == canonical)


def _read_api_json(path: Path, text: str) -> pd.DataFrame:
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail(path, f"line {exc.lineno}: invalid JSON ({exc.msg})") from None
    if isinstance(payload, dict) and "reports" in payload:
        payload = payload["reports"][0] if payload["reports"] else {}
    if not isinstance(payload, dict) or "dimensionHeaders" not in payload:
        raise fail(path, "JSON is not a GA4 runReport response (no 'dimensionHeaders')")
    dims = [h["name"] for h in payload.get("dimensionHeaders", [])]
    mets = [h["name"] for h in payload.get("metricHeaders", [])]
    rows = payload.get("rows", [])
    if not rows:
        raise fail(path, "the runReport response has no rows; widen the date range")
    records = [
        [v.get("value") for v in r.get("dimensionValues", [])]
        + [v.get("value") for v in r.get("metricValues", [])]
        for r in rows
    ]
    raw = pd.DataFrame(records, columns=dims + mets, dtype=object)
    mapping = map_columns(raw.columns, SYNONYMS, path=path)
    df = raw.rename(columns=mapping)
    df.columns = [c if c in mapping.values() else snake(c) for c in df.columns]
    for raw_name, col in zip(raw.columns, df.columns, strict=True):
        if raw_name in mets:
            df[col] = to_number(df[col], path=path, column=raw_name)
        elif col == "date":
            df[col] = to_dates(df[col], path=path, column=raw_name, formats=("%Y%m%d",))
    meta = payload.get("metadata", {})
    return provenance(
        df,
        source="ga4",
        variant="api_json",
        path=path,
        raw_headers=list(raw.columns),
        language="api",
        time_zone=meta.get("timeZone"),
        currency=meta.get("currencyCode"),
        start=None,
        end=None,
        tables=1,
    )


def _require(df: pd.DataFrame, path: Path, cols: tuple[str, ...], what: str) -> None:
    for col in cols:
        if col not in df.columns:
            raise fail(
                path,
                f"no {col.replace('_', ' ')} column; expected {what} (found "
                f"{', '.join(df.attrs.get('raw_headers', df.columns))})",
            )


def load_ga4_channels(
    path: str | Path, *, metric: str = "sessions", duplicates: Duplicates = "sum"
) -> pd.DataFrame:
    """Load a GA4 "Traffic acquisition" export as daily sessions per channel.

    Parameters
    ----------
    path : str or pathlib.Path
        A GA4 report with a date and a session channel-group dimension (UI CSV, API JSON
        or API CSV).
    metric : str, default "sessions"
        Canonical metric to spread by channel (``sessions``, ``engaged_sessions``,
        ``key_events``...).
    duplicates : {"sum", "mean", "first", "last", "error"}, default "sum"
        Rule for a channel listed twice on one date (see :func:`darksocial.cleaning.regularize`).

    Returns
    -------
    pandas.DataFrame
        Daily frame (``date`` index, freq ``D``) with one column per channel in
        snake_case (the eight GA4 defaults always present), ``total`` and a boolean
        ``missing``. A channel absent on an exported date is 0 (GA4 omits zero rows); a
        date absent from the export, within the report's Start/End dates, is NaN with
        ``missing=True``.

    Raises
    ------
    DataFormatError
        If the file lacks a date, channel or ``metric`` column.
    """
    path = Path(path)
    if duplicates not in ("sum", "mean", "first", "last", "error"):
        raise ParameterError(
            f"duplicates={duplicates!r} is not a rule; use one of sum, mean, first, last, error"
        )
    long = read_ga4(path)
    what = "a GA4 report with Date and Session default channel group dimensions"
    _require(long, path, ("date", "channel", metric), what)
    long = long.assign(channel=long["channel"].map(snake))
    if duplicates == "error":
        dup = long.duplicated(["date", "channel"])
        if dup.any():
            row = long[dup].iloc[0]
            raise fail(
                path,
                f"{row['channel']} appears twice on {row['date']:%Y-%m-%d}; "
                "use duplicates='sum' or fix the export",
            )
        duplicates = "sum"
    agg = "sum" if duplicates == "sum" else duplicates
    wide = long.pivot_table(index="date", columns="channel", values=metric, aggfunc=agg)
    extra = sorted(c for c in wide.columns if c not in CHANNELS)
    wide = wide.reindex(columns=[*CHANNELS, *extra]).fillna(0.0)
    wide.columns.name = None
    wide["total"] = wide.sum(axis=1)
    out = regularize(wide, "D", start=long.attrs.get("start"), end=long.attrs.get("end"))
    out.attrs = {**long.attrs, "metric": metric}
    if "date_hour" in long.columns:
        out.attrs["summed_from"] = "hour"  # Date + hour rows, summed to days
    return out


def load_direct_landing(
    path: str | Path, *, rules: PathRules | None = None, duplicates: Duplicates = "sum"
) -> pd.DataFrame:
    """Load a GA4 "Landing page" export of Direct sessions as daily deep/shallow counts.

    Parameters
    ----------
    path : str or pathlib.Path
        A GA4 report with Date and Landing page dimensions and Sessions, filtered to the
        Direct channel in the UI, or with a channel column (then only ``Direct`` rows are
        used).
    rules : PathRules, optional
        Which landing pages are shallow; default :class:`darksocial.io.landing.PathRules`.
    duplicates : {"sum", "mean", "first", "last", "error"}, default "sum"
        Rule for repeated rows (see :func:`darksocial.cleaning.regularize`).

    Returns
    -------
    pandas.DataFrame
        Daily frame with ``direct_sessions``, ``deep_direct_sessions``,
        ``shallow_direct_sessions`` and ``missing``.
    """
    path = Path(path)
    rules = rules or PathRules()
    long = read_ga4(path)
    _require(long, path, ("date", "landing_page", "sessions"), "Date, Landing page and Sessions")
    assumed = "channel" not in long.columns
    if not assumed:
        long = long[long["channel"].map(snake).eq("direct")]
    depth = rules.classify(long["landing_page"])
    frame = pd.DataFrame(
        {
            "date": long["date"],
            "direct_sessions": long["sessions"],
            "deep_direct_sessions": long["sessions"].where(depth.eq("deep"), 0.0),
            "shallow_direct_sessions": long["sessions"].where(depth.eq("shallow"), 0.0),
        }
    )
    daily = frame.groupby("date").sum()
    if duplicates != "sum":
        daily = regularize(frame.set_index("date"), "D", duplicates=duplicates).drop(
            columns="missing"
        )
    out = regularize(daily, "D", start=long.attrs.get("start"), end=long.attrs.get("end"))
    out.attrs = {**long.attrs, "assumed_direct_only": assumed, "rules": rules}
    if "date_hour" in long.columns:
        out.attrs["summed_from"] = "hour"
    return out


#: Where the table the reports need is, in the GA4 interface.
_TRAFFIC_ACQUISITION = (
    "in GA4 open Reports → Acquisition → Traffic acquisition (Session default channel group), "
    "add Date, then Share this report → Download file → CSV"
)


#: The fix for a Landing page table without dates (its export kind is told by it).
LANDING_PAGE_EXPORT = (
    "in GA4 open Reports → Engagement → Landing page, add Date, filter Session default "
    "channel group = Direct, then Share this report → Download file → CSV"
)


def unused_reason(path: str | Path) -> str:
    """Say in one line why a GA4 table is not used, and which export to make instead.

    For a GA4 download that is neither traffic acquisition nor landing pages by date: a
    table without a Date column (``First user source / medium``), or one by date without
    a channel column (a home-page ``Report CSV Export`` of users and events by day).

    Parameters
    ----------
    path : str or pathlib.Path
        The GA4 CSV download.

    Returns
    -------
    str
        The reason, starting with what the table is.
    """
    text, _ = read_text(path)
    sections = [s for s in split_sections(text) if s.header]
    keys = [set(map_columns(s.header, SYNONYMS, path=path).values()) for s in sections]
    dated = [k & {"date", "date_hour", "nth_day"} for k in keys]
    if sections and not any(dated):
        first = sections[0].header[0]
        if "landing_page" in keys[0]:
            # a Landing page table: its fix is that table by date, not traffic acquisition
            return (
                f"a GA4 table by {first} without a Date column, so no sessions by day; "
                + LANDING_PAGE_EXPORT
            )
        return (
            f"a GA4 table by {first} without a Date column, so no sessions by day; "
            + _TRAFFIC_ACQUISITION
        )
    if sections and not any(k & {"channel", "landing_page"} for k in keys):
        section = next(s for s, d in zip(sections, dated, strict=True) if d)
        shown = ", ".join(section.header[1:4]) + (", ..." if len(section.header) > 4 else "")
        return (
            f"a GA4 export by date without a channel column ({shown}), so direct sessions "
            "cannot be told apart; " + _TRAFFIC_ACQUISITION
        )
    return (
        "a GA4 table with neither a session default channel group nor a landing page by "
        "date; " + _TRAFFIC_ACQUISITION
    )
