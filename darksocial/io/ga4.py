"""Google Analytics 4 reports: UI CSV downloads and Data API ``runReport`` output.

Variants read: the UI CSV with its ``#`` preamble (English or French headers, old and
new channel/metric names), files holding several tables, files without preamble, Excel
re-saves (trailing commas, ``DD-MM-YYYY`` dates), the API JSON response (all values
strings) and the flat CSV people write from it (API names as headers).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from darksocial.cleaning import Duplicates, regularize
from darksocial.errors import ParameterError
from darksocial.io._text import (
    check_not_truncated,
    decimal_mark,
    fail,
    map_columns,
    provenance,
    read_text,
    snake,
    split_sections,
    to_dates,
    to_number,
)
from darksocial.io.landing import PathRules

__all__ = ["CHANNELS", "load_direct_landing", "load_ga4_channels", "read_ga4"]

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
_DIMENSIONS = ("date", "nth_day", "channel", "landing_page")
_FRENCH_HINTS = ("groupe de canaux", "page de destination", "evenements cles", "jour")
_TOTAL_LABELS = {"grand total", "total", "totals", "total général"}


def read_ga4(path: str | Path, *, table: int | None = None) -> pd.DataFrame:
    """Read one GA4 report into a long tidy table.

    Parameters
    ----------
    path : str or pathlib.Path
        A UI CSV download, an API ``runReport`` JSON response, or a CSV written from the
        API (API names as headers).
    table : int, optional
        Which table of a multi-table UI file to read (0-based). By default, the first
        table with a ``Date`` or ``Nth day`` column, else the first table.

    Returns
    -------
    pandas.DataFrame
        One row per exported row; canonical snake_case columns (``date`` as Timestamps,
        ``channel``, ``landing_page``, ``sessions``, ``key_events``...), unknown columns
        snake_cased; numbers as floats. ``attrs`` holds ``source``, ``variant``, ``path``,
        ``raw_headers``, ``language`` and, for UI files, ``start``/``end``.

    Raises
    ------
    DataFormatError
        On an empty export, a file that is not a GA4 report, an unparseable date or a
        non-numeric metric.
    """
    path = Path(path)
    text, encoding = read_text(path)
    if text.lstrip().startswith("{"):
        return _read_api_json(path, text)
    check_not_truncated(text, path=path)
    sections = split_sections(text)
    if not sections:
        raise fail(path, "no table found; expected a GA4 CSV export with a header row")
    if table is None:
        dated = [
            i
            for i, s in enumerate(sections)
            if {"date", "nth_day"} & set(map_columns(s.header, SYNONYMS, path=path).values())
        ]
        table = dated[0] if dated else 0
    if not 0 <= table < len(sections):
        raise fail(path, f"table {table} requested but the file holds {len(sections)} tables")
    section = sections[table]
    raw = section.frame()
    mapping = map_columns(raw.columns, SYNONYMS, path=path)
    if not set(mapping.values()) - set(_DIMENSIONS):
        raise fail(
            path,
            f"line {section.line}: no GA4 metric column (Sessions, Key events...) in header "
            f"{', '.join(raw.columns)}",
        )
    df = raw.rename(columns=mapping)
    df.columns = [c if c in mapping.values() else snake(c) for c in df.columns]
    dims = [c for c in df.columns if c in _DIMENSIONS]
    if dims:
        first = df[dims[0]].astype(str).str.strip().str.lower()
        df = df[~first.isin(_TOTAL_LABELS)].reset_index(drop=True)
    metrics = [c for c in df.columns if c in mapping.values() and c not in _DIMENSIONS]
    mark = decimal_mark(df[metrics])
    start = section.meta_value("Start date") or section.meta_value("Date de début")
    end = section.meta_value("End date") or section.meta_value("Date de fin")
    for col in df.columns:
        if col in ("channel", "landing_page"):
            df[col] = df[col].astype(str).str.strip()
        elif col == "date":
            df[col] = to_dates(df[col], path=path, column=_raw(mapping, col))
        elif col == "nth_day":
            if start is None:
                raise fail(path, "'Nth day' column without a '# Start date:' line above it")
            origin = pd.Timestamp(start)
            offsets = to_number(df[col], path=path, column="Nth day")
            df["date"] = origin + pd.to_timedelta(offsets, unit="D")
        elif col in mapping.values():
            df[col] = to_number(df[col], path=path, column=_raw(mapping, col), decimal=mark)
    if "nth_day" in df.columns:
        df = df.drop(columns="nth_day")
        df = df[["date", *[c for c in df.columns if c != "date"]]]
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
        start=pd.Timestamp(start) if start else None,
        end=pd.Timestamp(end) if end else None,
        tables=len(sections),
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
    return out
