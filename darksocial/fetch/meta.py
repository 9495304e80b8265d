"""Meta Marketing API -> an Ads Manager-shaped CSV (``meta_ads/meta_ads_api.csv``).

Daily campaign insights of one ad account (``time_increment=1``, ``level=campaign``;
spend, impressions, reach, account currency) through the ``facebook-business`` SDK,
every page of the cursor. The file has the columns of an Ads Manager export broken down
by day (``Campaign name``, ``Day``, ``Amount spent (USD)``...), so the Meta loader reads
it as it reads a download. Delivery figures of the last two days can still move: they are
not written and are fetched again on the next run.
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
    fetch_window,
    first_day,
    iso,
    read_csv_rows,
)

NAME = "meta"
OUTPUT = Path("meta_ads") / "meta_ads_api.csv"
#: Days before today whose delivery figures Meta may still revise.
NOT_FINAL_DAYS = 2
#: Graph API error codes of rate limits (throttling of the app, the account or the user).
RATE_LIMIT_CODES = {4, 17, 32, 613, *range(80000, 80015)}
FIELDS = ("campaign_name", "campaign_id", "spend", "impressions", "reach", "account_currency")


def build_client(token: str, ad_account: str) -> Any:
    """The ``AdAccount`` object of the SDK, on an API session of its own."""
    from facebook_business.adobjects.adaccount import AdAccount
    from facebook_business.api import FacebookAdsApi

    api = FacebookAdsApi.init(access_token=token, crash_log=False)
    return AdAccount(ad_account, api=api)


def classify(exc: BaseException) -> None:
    """Turn a ``FacebookRequestError`` into :class:`Retry` or a one-line :class:`FetchError`."""
    from facebook_business.exceptions import FacebookRequestError

    if isinstance(exc, ConnectionError | TimeoutError):
        raise Retry("network error")
    if not isinstance(exc, FacebookRequestError):
        return
    code, status = exc.api_error_code(), exc.http_status()
    if code in RATE_LIMIT_CODES or status == 429:
        raise Retry(f"rate limited (error {code})")
    if code in (1, 2) or exc.api_transient_error() or (status and status >= 500):
        raise Retry(f"temporary server error (HTTP {status})")
    if code == 190:
        raise FetchError(
            f"{NAME}: the access token is expired or invalid; create a new system-user token "
            "with ads_read and put it in the environment variable named in darksocial.yml"
        )
    if code in (10, 200, 294) or status == 403:
        raise FetchError(f"{NAME}: permission denied; the token needs ads_read on the ad account")
    if code == 100:
        raise FetchError(
            f"{NAME}: the API refused the request (invalid parameter); check `ad_account:` "
            "looks like act_1234567890"
        )
    raise FetchError(f"{NAME}: the API refused the request (error {code}, HTTP {status})")


_END = object()


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
    account = cfg["ad_account"]
    identity = {"ad_account": account}
    same, start, final = fetch_window(cfg, state, identity, today, NOT_FINAL_DAYS)
    first = first_day(cfg, today)
    if same and state.get("final_through"):
        first = day(state.get("first") or first)
    if start > final:
        return {}, state, f"{NAME}: up to date (final through {state.get('final_through')})"
    params = {
        "level": "campaign",
        "time_increment": 1,
        "time_range": {"since": iso(start), "until": iso(final)},
    }
    cursor = call(
        NAME,
        lambda: client.get_insights(fields=list(FIELDS), params=params),
        classify,
        sleep=sleep,
        log=log,
    )
    it = iter(cursor)
    rows = []
    while (item := call(NAME, lambda: next(it, _END), classify, sleep=sleep, log=log)) is not _END:
        rows.append(dict(item))
    currencies = {r.get("account_currency") for r in rows} - {None}
    old = read_csv_rows(directory / OUTPUT) if same else []
    old_currency = next(
        (h[len("Amount spent (") : -1] for h in (old[0] if old else {}) if h.startswith("Amount")),
        None,
    )
    currency = (currencies or {old_currency or cfg.get("currency") or "USD"}).pop()
    if old_currency and old_currency != currency:
        raise FetchError(
            f"{NAME}: the ad account's currency changed from {old_currency} to {currency}; "
            f"move {OUTPUT} away and fetch again"
        )
    spent = f"Amount spent ({currency})"
    header = ("Campaign name", "Campaign ID", "Day", "Reach", "Impressions", "Currency", spent,
              "Reporting starts", "Reporting ends")  # fmt: skip
    body = [tuple(r[h] for h in header[:-2]) for r in old[1:] if day(r["Day"]) < start]
    for r in sorted(rows, key=lambda r: (r["date_start"], r.get("campaign_name", ""),
                                         r.get("campaign_id", ""))):  # fmt: skip
        body.append(
            (r.get("campaign_name", ""), r.get("campaign_id", ""), r["date_start"],
             r.get("reach", ""), r.get("impressions", ""), currency, r.get("spend", ""))
        )  # fmt: skip
    if not body:
        return (
            {},
            state,
            (
                f"{NAME}: no delivery in {account} from {iso(start)} to {iso(final)}; nothing written"
            ),
        )
    body = [(*b, b[2], b[2]) for b in body]
    # Ads Manager puts the account's totals first, unlabelled: the loader takes the
    # reporting period from it. Reach is not additive across days, so it stays empty.
    totals = (
        "", "", "", "",
        _sum(b[4] for b in body), currency, _sum(b[6] for b in body), iso(first), iso(final),
    )  # fmt: skip
    new_state = {"identity": identity, "first": iso(first), "final_through": iso(final)}
    summary = (
        f"{NAME}: {len({r['date_start'] for r in rows})} days fetched "
        f"({iso(start)}..{iso(final)}), {len(rows)} campaign-day rows in {currency}; the last "
        f"{NOT_FINAL_DAYS} days are not final and will be fetched next time"
    )
    return {OUTPUT: csv_text(header, [totals, *body])}, new_state, summary


def _sum(values) -> str:
    total = sum(float(v) for v in values if v not in ("", None))
    return (
        f"{total:.2f}".rstrip("0").rstrip(".")
        if not float(total).is_integer()
        else str(int(total))
    )
