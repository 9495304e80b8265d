"""Search Console API -> daily query rows (``search_console/search_console_api.csv``).

Two Search Analytics queries per run, both paged to the end (25,000 rows a page): daily
totals (dimension ``date``) and daily rows by query (``date``, ``query``), search type web,
``dataState: all``. The file holds the query rows plus, per day, one row with an empty
query carrying the clicks and impressions of anonymized queries (the day's total minus its
query rows), as in the BigQuery bulk export, so the loader's totals equal Search Console's
and its branded / non-branded split uses the folder's brand terms. Days at or after the
response's ``metadata.firstIncompleteDate`` are not final: they are not written and are
fetched again on the next run.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from darksocial.fetch._common import (
    FetchError,
    Retry,
    call,
    csv_text,
    day,
    iso,
    number,
    read_csv_rows,
)

NAME = "search_console"
#: Where the rows go, relative to the data folder.
OUTPUT = Path("search_console") / "search_console_api.csv"
#: Rows per page: the API's maximum.
ROW_LIMIT = 25_000
#: Months of data the Search Analytics API keeps.
WINDOW_MONTHS = 16
#: OAuth scope: read-only.
SCOPES = ("https://www.googleapis.com/auth/webmasters.readonly",)
HEADER = ("date", "query", "clicks", "impressions", "site_url", "search_type")


def earliest(today: pd.Timestamp) -> pd.Timestamp:
    """The first day the API still holds (16 months back)."""
    return today - pd.DateOffset(months=WINDOW_MONTHS) + pd.Timedelta(days=1)


def build_client(credentials: Any) -> Any:
    """The ``searchconsole`` v1 service of ``google-api-python-client``."""
    from googleapiclient.discovery import build

    return build("searchconsole", "v1", credentials=credentials, cache_discovery=False)


def classify(exc: BaseException) -> None:
    """Turn a client error into :class:`Retry` or a one-line :class:`FetchError`."""
    from google.auth.exceptions import RefreshError, TransportError
    from googleapiclient.errors import HttpError

    if isinstance(exc, RefreshError):
        raise FetchError(
            f"{NAME}: the Google credentials are expired or revoked; renew the key or run "
            "`gcloud auth application-default login` again"
        )
    if isinstance(exc, TransportError | ConnectionError | TimeoutError):
        raise Retry("network error")
    if not isinstance(exc, HttpError):
        return
    status = int(exc.resp.status)
    reason = str(getattr(exc, "reason", "") or "").lower()
    if status == 429 or (status == 403 and "rate" in reason):
        raise Retry(f"rate limited (HTTP {status})")
    if status >= 500:
        raise Retry(f"server error (HTTP {status})")
    if status == 401:
        raise FetchError(
            f"{NAME}: the Google credentials were refused (HTTP 401); renew the key or the "
            "application default login"
        )
    if status == 403 and "quota" in reason:
        raise FetchError(f"{NAME}: the daily API quota is used up; run again tomorrow")
    if status == 403:
        raise FetchError(
            f"{NAME}: access denied (HTTP 403); add the service account's e-mail as a user "
            "of the property in Search Console (Settings > Users and permissions)"
        )
    if status == 404:
        raise FetchError(
            f"{NAME}: property not found (HTTP 404); write `site:` as in Search Console, "
            "e.g. sc-domain:acme.com or https://www.acme.com/"
        )
    raise FetchError(f"{NAME}: the API refused the request (HTTP {status})")


def _pages(service, site, body, sleep, log) -> tuple[list[dict], dict]:
    rows: list[dict] = []
    metadata: dict = {}
    start_row = 0
    while True:
        page_body = {**body, "rowLimit": ROW_LIMIT, "startRow": start_row}
        request = service.searchanalytics().query(siteUrl=site, body=page_body)
        response = call(NAME, lambda r=request: r.execute(), classify, sleep=sleep, log=log)
        page = response.get("rows") or []
        metadata = response.get("metadata") or metadata
        rows.extend(page)
        if len(page) < ROW_LIMIT:
            return rows, metadata
        start_row += ROW_LIMIT


def fetch(
    cfg: dict,
    *,
    directory: Path,
    state: dict | None,
    today: pd.Timestamp,
    client: Any,
    sleep: Callable[[float], None],
    log: Callable[[str], None],
) -> tuple[dict[Path, str], dict | None, str]:
    """Fetch what is missing or not final; return the file text, new state, summary."""
    site = cfg["site"]
    identity = {"site": site}
    path = directory / OUTPUT
    old = read_csv_rows(path) if state and state.get("identity") == identity else []
    first_day = earliest(today)
    asked = day(cfg["start"]) if cfg.get("start") else first_day
    if asked < first_day:
        log(
            f"{NAME}: the Search Console API keeps {WINDOW_MONTHS} months of data; asked "
            f"from {iso(asked)}, fetching from {iso(first_day)} (older days: the UI export "
            "you already have, or the BigQuery bulk export)"
        )
    start = max(asked, first_day)
    if old and state.get("final_through"):
        start = max(start, day(state["final_through"]) + pd.Timedelta(days=1))
    end = today - pd.Timedelta(days=1)
    if start > end:
        return {}, state, f"{NAME}: up to date (final through {state.get('final_through')})"
    body = {
        "startDate": iso(start),
        "endDate": iso(end),
        "type": "web",
        "dataState": "all",
        "aggregationType": "byProperty",
    }
    totals, meta = _pages(client, site, {**body, "dimensions": ["date"]}, sleep, log)
    queries, _ = _pages(client, site, {**body, "dimensions": ["date", "query"]}, sleep, log)
    incomplete = meta.get("firstIncompleteDate")
    final = day(incomplete) - pd.Timedelta(days=1) if incomplete else end
    keep = [r for r in old if day(r["date"]) < start]
    by_day: dict[str, list[tuple]] = {}
    for r in queries:
        d, q = r["keys"][0], r["keys"][1]
        if day(d) <= final:
            by_day.setdefault(d, []).append((q, r.get("clicks", 0), r.get("impressions", 0)))
    new_rows = []
    for t in sorted(totals, key=lambda r: r["keys"][0]):
        d = t["keys"][0]
        if day(d) > final:
            continue
        rows = sorted(by_day.pop(d, []), key=lambda x: (-x[1], -x[2], x[0]))
        clicks = max(0.0, t.get("clicks", 0) - sum(x[1] for x in rows))
        impressions = max(0.0, t.get("impressions", 0) - sum(x[2] for x in rows))
        for q, c, i in rows:
            new_rows.append((d, q, number(c), number(i), site, "web"))
        if clicks or impressions:
            new_rows.append((d, "", number(clicks), number(impressions), site, "web"))
    for d, rows in sorted(by_day.items()):  # query rows of a day without a total row
        for q, c, i in sorted(rows, key=lambda x: (-x[1], -x[2], x[0])):
            new_rows.append((d, q, number(c), number(i), site, "web"))
    all_rows = [tuple(r[h] for h in HEADER) for r in keep] + new_rows
    if final < start and not keep:
        return {}, state, f"{NAME}: no final day yet from {iso(start)}; nothing written"
    final_through = max(final, day(state["final_through"])) if old else final
    new_state = {
        "identity": identity,
        "first": (state or {}).get("first") if old else iso(start),
        "final_through": iso(final_through),
    }
    days = len({r[0] for r in new_rows})
    summary = (
        f"{NAME}: {days} final days fetched ({iso(start)}..{iso(final)}), "
        f"{len(new_rows)} rows; days from {incomplete or iso(end + pd.Timedelta(days=1))} "
        "are not final and will be fetched again"
    )
    return {OUTPUT: csv_text(HEADER, all_rows)}, new_state, summary
