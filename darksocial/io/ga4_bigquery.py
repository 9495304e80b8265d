"""The GA4 BigQuery export (``events_*`` tables), aggregated with DuckDB or in BigQuery.

The aggregation lives in one SQL file, ``darksocial/data/ga4_sessions.sql`` (DuckDB
dialect). :func:`load_ga4_events` runs it locally with DuckDB on newline-delimited JSON
or Parquet exports; :func:`bigquery_sql` transpiles the same text to BigQuery SQL with
sqlglot for properties too large for one machine.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd
import sqlglot
from sqlglot import exp

from darksocial.cleaning import regularize
from darksocial.io._text import fail, provenance, snake
from darksocial.io.landing import PathRules

__all__ = [
    "AGGREGATE_COLUMNS",
    "load_ga4_sessions_daily",
    "bigquery_sql",
    "connect_events",
    "duckdb_sql",
    "load_ga4_events",
]

#: Explicit schema for NDJSON exports: int64 values arrive as strings, missing records as NULL.
_JSON_COLUMNS = {
    "event_date": "VARCHAR",
    "event_timestamp": "VARCHAR",
    "event_name": "VARCHAR",
    "user_pseudo_id": "VARCHAR",
    "event_params": "STRUCT(key VARCHAR, value STRUCT(string_value VARCHAR, "
    "int_value VARCHAR, float_value VARCHAR, double_value VARCHAR))[]",
    "collected_traffic_source": "STRUCT(manual_source VARCHAR, manual_medium VARCHAR, "
    "manual_campaign_name VARCHAR, gclid VARCHAR)",
    "session_traffic_source_last_click": "STRUCT(cross_channel_campaign STRUCT("
    "default_channel_group VARCHAR, primary_channel_group VARCHAR))",
}


def _template() -> str:
    return resources.files("darksocial.data").joinpath("ga4_sessions.sql").read_text("utf-8")


def _yyyymmdd(value: str | pd.Timestamp | None, default: str) -> str:
    if value is None:
        return default
    try:
        return pd.Timestamp(str(value)).strftime("%Y%m%d")
    except ValueError:
        raise fail("bigquery_sql", f"cannot read date {value!r}; use YYYY-MM-DD") from None


def duckdb_sql(
    *,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    rules: PathRules | None = None,
) -> str:
    """Return the aggregation as DuckDB SQL reading a relation named ``events``.

    Parameters
    ----------
    start, end : str or pandas.Timestamp, optional
        Inclusive bounds on ``event_date``; unbounded by default.
    rules : PathRules, optional
        Landing-page rules for deep vs shallow direct sessions.

    Returns
    -------
    str
        One ``SELECT`` returning ``session_date`` (``YYYYMMDD``), ``raw_channel``,
        ``ga_channel``, ``landing_depth`` and ``sessions``.
    """
    rules = rules or PathRules()
    shallow = "(?i)" + rules.pattern()
    return _template().format(
        start=_yyyymmdd(start, "00000000"),
        end=_yyyymmdd(end, "99999999"),
        shallow=shallow.replace("'", "''"),
    )


def bigquery_sql(
    project_dataset: str = "my-project.analytics_123456",
    *,
    start: str | pd.Timestamp,
    end: str | pd.Timestamp,
    rules: PathRules | None = None,
) -> str:
    """Return the aggregation as BigQuery Standard SQL over ``events_*``.

    Parameters
    ----------
    project_dataset : str, default "my-project.analytics_123456"
        ``project.dataset`` of the GA4 export.
    start, end : str or pandas.Timestamp
        Inclusive date range; also restricts ``_TABLE_SUFFIX`` so BigQuery scans only
        those daily tables.
    rules : PathRules, optional
        Landing-page rules for deep vs shallow direct sessions.

    Returns
    -------
    str
        SQL text; run it with ``bq query --use_legacy_sql=false < ga4_sessions.sql``.

    Examples
    --------
    >>> sql = bigquery_sql("acme.analytics_1", start="2024-01-01", end="2024-01-31")
    >>> "`acme.analytics_1.events_*`" in sql
    True
    """
    if not re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_]+", project_dataset):
        raise fail(
            "bigquery_sql",
            f"project_dataset {project_dataset!r} must look like 'my-project.analytics_123456'",
        )
    lo, hi = _yyyymmdd(start, ""), _yyyymmdd(end, "")
    tree = sqlglot.parse_one(duckdb_sql(start=start, end=end, rules=rules), read="duckdb")
    source = f"`{project_dataset}.events_*`"
    for table in list(tree.find_all(exp.Table)):
        if table.name == "events":
            select = table.find_ancestor(exp.Select)
            table.replace(exp.to_table(source, dialect="bigquery"))
            select.where(
                f"_TABLE_SUFFIX BETWEEN '{lo}' AND '{hi}'", dialect="bigquery", copy=False
            )
    header = (
        "-- darksocial: GA4 daily sessions by channel and landing depth\n"
        f"-- bq query --use_legacy_sql=false < this_file.sql   ({lo}..{hi})\n"
    )
    return header + tree.sql(dialect="bigquery", pretty=True) + "\n"


def _files(path: Path) -> tuple[list[Path], str]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.name.startswith("events"))
        files = files or sorted(path.iterdir())
    elif path.is_file():
        files = [path]
    else:
        files = sorted(path.parent.glob(path.name))
    files = [p for p in files if p.suffix in (".json", ".ndjson", ".jsonl", ".gz", ".parquet")]
    if not files:
        raise fail(
            path,
            "no events_*.json (newline-delimited) or events_*.parquet files found; point to "
            "the folder of the BigQuery export",
        )
    kinds = {"parquet" if p.suffix == ".parquet" else "json" for p in files}
    if len(kinds) > 1:
        raise fail(path, "mixes JSON and Parquet files; keep one format per folder")
    return files, kinds.pop()


def connect_events(path: str | Path) -> duckdb.DuckDBPyConnection:
    """Open an in-memory DuckDB with a view ``events`` over a GA4 BigQuery export.

    Parameters
    ----------
    path : str or pathlib.Path
        A folder of ``events_YYYYMMDD.json`` (newline-delimited JSON) or ``.parquet``
        files, one such file, or a glob.

    Returns
    -------
    duckdb.DuckDBPyConnection
        A connection; the files are read lazily and never modified.
    """
    path = Path(path)
    files, kind = _files(path)
    con = duckdb.connect()
    names = [str(p) for p in files]
    try:
        if kind == "json":
            con.execute(
                f"CREATE VIEW events AS SELECT * FROM read_json({names!r}, "
                f"format='newline_delimited', columns={_JSON_COLUMNS!r})"
            )
        else:
            rel = f"read_parquet({names!r}, union_by_name = true)"
            have = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()}
            cols = [
                c if c in have else f"CAST(NULL AS {t}) AS {c}" for c, t in _JSON_COLUMNS.items()
            ]
            con.execute(f"CREATE VIEW events AS SELECT {', '.join(cols)} FROM {rel}")
        con.execute("SELECT count(*) FROM events").fetchone()
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0]
        named = [f for f in files if str(f) in first or Path(f).name in first]
        bad = named[0] if named else files[0]
        first = first.replace(f'in file "{bad}", ', "").replace(f'"{bad}"', "the file")
        hint = "download it again" if "JSON" in first else "check it is a BigQuery events_* export"
        raise fail(bad, f"not a GA4 BigQuery export ({first[:160]}); {hint}") from None
    return con


def load_ga4_events(
    path: str | Path,
    *,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    rules: PathRules | None = None,
) -> pd.DataFrame:
    """Aggregate a GA4 BigQuery export to daily sessions with DuckDB.

    Parameters
    ----------
    path : str or pathlib.Path
        Folder (or file, or glob) of ``events_*`` NDJSON or Parquet files.
    start, end : str or pandas.Timestamp, optional
        Inclusive bounds on ``event_date``.
    rules : PathRules, optional
        Landing-page rules for deep vs shallow direct sessions.

    Returns
    -------
    pandas.DataFrame
        Daily frame (``date`` index, freq ``D``): ``sessions``; ``raw_<channel>``
        (last click, derived from the session's own source/medium, click IDs and
        referrer); ``ga4_<channel>`` (GA4's last-non-direct channel, when the export has
        ``session_traffic_source_last_click``); ``raw_direct_sessions`` (no source, no
        click ID, no foreign referrer); ``deep_direct_sessions`` and
        ``shallow_direct_sessions``; ``missing``. Session date = date of its first event.
        ``attrs["long"]`` keeps the tidy query output.

    Notes
    -----
    Sessions are keyed by ``user_pseudo_id`` and ``ga_session_id``; consent-mode pings
    without them are not counted. Untagged landing URLs carrying ``fbclid``,
    ``li_fat_id``, ``ttclid``, ``twclid`` count as social, ``gclid``/``msclkid`` as paid
    search: they are not dark.
    """
    path = Path(path)
    con = connect_events(path)
    try:
        long = con.execute(duckdb_sql(start=start, end=end, rules=rules)).df()
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0][:160]
        raise fail(path, f"the GA4 aggregation failed on these files ({first})") from None
    finally:
        con.close()
    if long.empty:
        raise fail(path, "no sessions found (no events with user_pseudo_id and ga_session_id)")
    return _daily_sessions(
        long, path, variant="bigquery_export", start=start, end=end, rules=rules
    )


#: Columns of the daily aggregate the GA4 session query returns (and ``darksocial fetch``
#: writes after running it in BigQuery).
AGGREGATE_COLUMNS = ("session_date", "raw_channel", "ga_channel", "landing_depth", "sessions")


def load_ga4_sessions_daily(path: str | Path) -> pd.DataFrame:
    """Load the daily session aggregate of the GA4 query, as run in BigQuery.

    Parameters
    ----------
    path : str or pathlib.Path
        A CSV with the columns of :data:`AGGREGATE_COLUMNS` (``darksocial fetch`` writes
        ``ga4_bigquery/ga4_sessions_daily.csv``; ``bq query --format=csv`` with the SQL of
        :func:`bigquery_sql` gives the same).

    Returns
    -------
    pandas.DataFrame
        The frame of :func:`load_ga4_events`, variant ``bigquery_aggregate``.
    """
    from darksocial.io._text import read_table, read_text, to_number

    path = Path(path)
    text, _ = read_text(path)
    raw = read_table(text, path=path, what="the GA4 session aggregate")
    missing = [c for c in AGGREGATE_COLUMNS if c not in raw.columns]
    if missing:
        raise fail(path, f"missing column(s) {', '.join(missing)}; expected {AGGREGATE_COLUMNS}")
    if raw.empty:
        raise fail(path, "no rows; the aggregate is empty")
    long = raw[list(AGGREGATE_COLUMNS)].copy()
    long["sessions"] = to_number(long["sessions"], path=path, column="sessions")
    long["session_date"] = long["session_date"].astype(str).str.replace("-", "", regex=False)
    long["ga_channel"] = long["ga_channel"].replace("", pd.NA)
    return _daily_sessions(long, path, variant="bigquery_aggregate")


def _daily_sessions(long, path, *, variant, start=None, end=None, rules=None) -> pd.DataFrame:
    """Pivot the session query's tidy rows into the daily frame of :func:`load_ga4_events`."""
    long = long.copy()
    try:
        long["date"] = pd.to_datetime(long.pop("session_date"), format="%Y%m%d")
    except ValueError:
        raise fail(path, "session_date is not dates (YYYYMMDD or YYYY-MM-DD)") from None
    total = long.groupby("date")["sessions"].sum().rename("sessions")
    raw = long.pivot_table(index="date", columns="raw_channel", values="sessions", aggfunc="sum")
    raw.columns = [f"raw_{snake(c)}" for c in raw.columns]
    parts = [total, raw]
    has_ga = long["ga_channel"].notna().any()
    if has_ga:
        ga = long.assign(ga_channel=long["ga_channel"].fillna("(not available)"))
        ga = ga.pivot_table(index="date", columns="ga_channel", values="sessions", aggfunc="sum")
        ga.columns = [f"ga4_{snake(c)}" for c in ga.columns]
        parts.append(ga)
    depth = long.pivot_table(
        index="date", columns="landing_depth", values="sessions", aggfunc="sum"
    )
    depth = depth.reindex(columns=["deep", "shallow"])
    parts.append(depth.add_suffix("_direct_sessions"))
    wide = pd.concat(parts, axis=1).fillna(0.0).astype(float)
    for ch in ("raw_direct", "raw_organic_search", "raw_organic_social", "raw_referral"):
        if ch not in wide.columns:
            wide[ch] = 0.0
    wide["raw_direct_sessions"] = wide["raw_direct"]
    out = regularize(wide, "D", start=start, end=end)
    return provenance(
        out,
        source="ga4_bigquery",
        variant=variant,
        path=path,
        has_ga4_channel=bool(has_ga),
        long=long,
        rules=rules or PathRules(),
    )
