"""GA4 BigQuery export -> the daily session aggregate (``ga4_bigquery/ga4_sessions_daily.csv``).

The aggregation :func:`darksocial.io.bigquery_sql` generates runs inside BigQuery and only
its daily rows come back (``session_date, raw_channel, ga_channel, landing_depth,
sessions``: the same rows :func:`darksocial.io.load_ga4_events` computes with DuckDB).
The query is dry-run first: the bytes it will scan are printed, and a query above the
settings' ``maximum_bytes_billed`` is refused unless ``--yes``; the real job carries the
limit too, so BigQuery itself refuses to bill more. ``_TABLE_SUFFIX`` bounds the scan to
the days fetched, so a daily run scans one day's table. GA4 adds late events to a day's
table for up to 72 hours: the last four days are not written and are fetched again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from darksocial.fetch._common import (
    FetchError,
    call,
    csv_text,
    fetch_window,
    iso,
    read_csv_rows,
)

NAME = "bigquery"
OUTPUT = Path("ga4_bigquery") / "ga4_sessions_daily.csv"
#: Days before today whose ``events_`` table may still receive late events (72 hours).
NOT_FINAL_DAYS = 4
SCOPES = ("https://www.googleapis.com/auth/bigquery",)
HEADER = ("session_date", "raw_channel", "ga_channel", "landing_depth", "sessions")


def build_client(credentials: Any, project: str, location: str | None) -> Any:
    """A ``google.cloud.bigquery.Client`` billed to ``project``."""
    from google.cloud import bigquery

    return bigquery.Client(project=project, credentials=credentials, location=location)


def classify(exc: BaseException) -> None:
    """Rate limits and server errors retry; the rest is one line naming the source."""
    from google.api_core import exceptions as gexc

    from darksocial.fetch.ga4 import classify as google_classify

    if isinstance(exc, gexc.Forbidden) and "bytes billed" in str(exc).lower():
        raise FetchError(
            f"{NAME}: the query would bill more than maximum_bytes_billed; raise it in "
            "darksocial.yml or run with --yes"
        )
    if isinstance(exc, gexc.Forbidden) and "quota" in str(exc).lower():
        raise FetchError(f"{NAME}: a BigQuery quota is used up; run again later")
    if isinstance(exc, gexc.Forbidden | gexc.PermissionDenied):
        raise FetchError(
            f"{NAME}: access denied; give the service account BigQuery Job User on the "
            "billing project and BigQuery Data Viewer on the GA4 dataset"
        )
    if isinstance(exc, gexc.NotFound):
        raise FetchError(
            f"{NAME}: dataset or events_ tables not found; write `dataset:` as "
            "project.analytics_123456"
        )
    google_classify(exc, NAME)


def human_bytes(n: float) -> str:
    """``1536`` -> ``1.5 KiB``."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def fetch(
    cfg: dict,
    *,
    directory: Path,
    state: dict | None,
    today: pd.Timestamp,
    client: Any,
    sleep: Callable[[float], None],
    log: Callable[[str], None],
    yes: bool = False,
) -> tuple[dict[Path, str], dict | None, str]:
    """Dry-run, check the bytes, run; return the file text, new state, summary."""
    from google.cloud import bigquery

    from darksocial.io import bigquery_sql

    dataset = cfg["dataset"]
    limit = int(cfg["maximum_bytes_billed"])
    identity = {"dataset": dataset}
    same, start, final = fetch_window(cfg, state, identity, today, NOT_FINAL_DAYS)
    if start > final:
        return {}, state, f"{NAME}: up to date (final through {state.get('final_through')})"
    sql = bigquery_sql(dataset, start=start, end=final)
    dry = call(
        NAME,
        lambda: client.query(
            sql, job_config=bigquery.QueryJobConfig(dry_run=True, use_query_cache=False)
        ),
        classify,
        sleep=sleep,
        log=log,
    )
    scanned = int(dry.total_bytes_processed or 0)
    log(
        f"{NAME}: the query of {iso(start)}..{iso(final)} will scan {human_bytes(scanned)} "
        f"(limit {human_bytes(limit)})"
    )
    if scanned > limit and not yes:
        raise FetchError(
            f"{NAME}: the query would scan {human_bytes(scanned)}, above maximum_bytes_billed "
            f"({human_bytes(limit)}); raise the limit in darksocial.yml or run with --yes"
        )
    cap = max(limit, int(scanned * 1.1)) if yes else limit
    config = bigquery.QueryJobConfig(maximum_bytes_billed=cap)
    job = call(NAME, lambda: client.query(sql, job_config=config), classify, sleep=sleep, log=log)
    result = call(NAME, job.result, classify, sleep=sleep, log=log)
    new = [
        (r["session_date"], r["raw_channel"], r["ga_channel"] or "", r["landing_depth"] or "",
         str(int(r["sessions"])))
        for r in result
    ]  # fmt: skip
    old = read_csv_rows(directory / OUTPUT) if same else []
    lo = start.strftime("%Y%m%d")
    rows = [tuple(r[h] for h in HEADER) for r in old if r["session_date"] < lo]
    rows += sorted(new)
    if not rows:
        return (
            {},
            state,
            (
                f"{NAME}: no sessions in {dataset} from {iso(start)} to {iso(final)}; nothing "
                "written (check the dataset name and that the daily export is on)"
            ),
        )
    new_state = {"identity": identity, "final_through": iso(final)}
    summary = (
        f"{NAME}: {len({r[0] for r in new})} days aggregated in BigQuery "
        f"({iso(start)}..{iso(final)}), {len(new)} rows, {human_bytes(scanned)} scanned"
    )
    return {OUTPUT: csv_text(HEADER, rows)}, new_state, summary
