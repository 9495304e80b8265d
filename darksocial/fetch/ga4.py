"""GA4 Data API -> the Data API CSVs the GA4 loaders read.

Two ``runReport`` reports, paged with ``limit``/``offset`` to ``rowCount``: sessions by
``date`` x ``sessionDefaultChannelGroup`` (``ga4/ga4_channels_api.csv``) and Direct
sessions by ``date`` x ``landingPage`` (``ga4/ga4_direct_landing_api.csv``). GA4 processes
a day within 48 hours, so the last three days are not written and are fetched again on the
next run. Each response's property quota is read and reported when it runs low.
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
    fetch_window,
    iso,
    read_csv_rows,
)

NAME = "ga4"
CHANNELS = Path("ga4") / "ga4_channels_api.csv"
LANDING = Path("ga4") / "ga4_direct_landing_api.csv"
#: Rows per page (the API allows up to 250,000).
PAGE = 100_000
#: Days before today that GA4 may still be processing (standard properties: 24-48 hours).
NOT_FINAL_DAYS = 3
#: Report the property quota when fewer tokens than these are left (standard property:
#: 200,000 a day, 40,000 an hour).
LOW_DAY, LOW_HOUR = 20_000, 4_000
SCOPES = ("https://www.googleapis.com/auth/analytics.readonly",)
CHANNEL_HEADER = ("date", "sessionDefaultChannelGroup", "sessions")
LANDING_HEADER = ("date", "landingPage", "sessions")


def build_client(credentials: Any) -> Any:
    """A ``BetaAnalyticsDataClient`` of ``google-analytics-data``."""
    from google.analytics.data_v1beta import BetaAnalyticsDataClient

    return BetaAnalyticsDataClient(credentials=credentials)


def classify(exc: BaseException, name: str = NAME) -> None:
    """Turn a ``google.api_core`` error into :class:`Retry` or a one-line :class:`FetchError`."""
    from google.api_core import exceptions as gexc
    from google.auth.exceptions import RefreshError

    if isinstance(exc, RefreshError | gexc.Unauthenticated):
        raise FetchError(
            f"{name}: the Google credentials are expired or revoked; renew the key or run "
            "`gcloud auth application-default login` again"
        )
    if isinstance(exc, gexc.ResourceExhausted | gexc.TooManyRequests):
        text = str(getattr(exc, "message", "")).lower()
        if "per day" in text or "daily" in text:
            raise FetchError(f"{name}: the property's daily quota is used up; run again tomorrow")
        raise Retry("rate limited (quota per hour or concurrent requests)")
    if isinstance(exc, gexc.ServerError | gexc.DeadlineExceeded | gexc.ServiceUnavailable):
        raise Retry(f"server error ({type(exc).__name__})")
    if isinstance(exc, gexc.PermissionDenied | gexc.Forbidden):
        raise FetchError(
            f"{name}: access denied; give the service account's e-mail the Viewer role on the "
            "property (GA4 Admin > Property access management)"
        )
    if isinstance(exc, gexc.NotFound | gexc.InvalidArgument | gexc.BadRequest):
        raise FetchError(
            f"{name}: the API refused the request ({type(exc).__name__}); check `property:` "
            "is the numeric property id (GA4 Admin > Property details)"
        )


def _report(client, prop, dims, start, end, sleep, log, dimension_filter=None):
    from google.analytics.data_v1beta.types import DateRange, Dimension, Metric, RunReportRequest

    rows, offset, quota = [], 0, None
    while True:
        request = RunReportRequest(
            property=f"properties/{prop}",
            dimensions=[Dimension(name=d) for d in dims],
            metrics=[Metric(name="sessions")],
            date_ranges=[DateRange(start_date=iso(start), end_date=iso(end))],
            dimension_filter=dimension_filter,
            limit=PAGE,
            offset=offset,
            return_property_quota=True,
        )
        response = call(
            NAME, lambda r=request: client.run_report(request=r), classify, sleep=sleep, log=log
        )
        if type(response).pb(response).HasField("property_quota"):
            quota = response.property_quota
        page = [
            (*(v.value for v in r.dimension_values), r.metric_values[0].value)
            for r in response.rows
        ]
        rows.extend(page)
        offset += len(page)
        if not page or offset >= response.row_count:
            return rows, quota


def _direct_only():
    from google.analytics.data_v1beta.types import Filter, FilterExpression

    return FilterExpression(
        filter=Filter(
            field_name="sessionDefaultChannelGroup",
            string_filter=Filter.StringFilter(
                value="Direct", match_type=Filter.StringFilter.MatchType.EXACT
            ),
        )
    )


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
    """Fetch what is missing or not final; return the files' text, new state, summary."""
    prop = str(cfg["property"])
    identity = {"property": prop}
    same, start, final = fetch_window(cfg, state, identity, today, NOT_FINAL_DAYS)
    if start > final:
        return {}, state, f"{NAME}: up to date (final through {state.get('final_through')})"
    channels, quota = _report(
        client, prop, ("date", "sessionDefaultChannelGroup"), start, final, sleep, log
    )
    landing, quota2 = _report(
        client, prop, ("date", "landingPage"), start, final, sleep, log, _direct_only()
    )
    _quota_note(quota2 or quota, log)
    if not channels and not same:
        return (
            {},
            state,
            f"{NAME}: property {prop} has no sessions from {iso(start)} to {iso(final)}; "
            "nothing written (check the property id and that its web stream collects data)",
        )
    files = {}
    for rel, header, new in (
        (CHANNELS, CHANNEL_HEADER, channels),
        (LANDING, LANDING_HEADER, landing),
    ):
        old = read_csv_rows(directory / rel) if same else []
        lo = start.strftime("%Y%m%d")
        rows = [tuple(r[h] for h in header) for r in old if r["date"] < lo]
        rows += sorted(new, key=lambda r: (r[0], r[1]))
        if rows:
            files[rel] = csv_text(header, rows)
    new_state = {"identity": identity, "final_through": iso(final)}
    summary = (
        f"{NAME}: {len({r[0] for r in channels})} days fetched ({iso(start)}..{iso(final)}), "
        f"{len(channels)} channel rows and {len(landing)} Direct landing-page rows; the last "
        f"{NOT_FINAL_DAYS} days are not final and will be fetched next time"
    )
    return files, new_state, summary


def _quota_note(quota: Any, log: Callable[[str], None]) -> None:
    if quota is None:
        return
    left_day = quota.tokens_per_day.remaining
    left_hour = quota.tokens_per_hour.remaining
    if left_day < LOW_DAY or left_hour < LOW_HOUR:
        log(
            f"{NAME}: property quota low: {left_day} tokens left today, {left_hour} this hour "
            "(fetch less often, or fetch later)"
        )
