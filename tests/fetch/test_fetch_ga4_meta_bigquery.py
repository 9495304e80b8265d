"""GA4 Data API, Meta Marketing API and BigQuery fetches, offline (patched clients, fake
transports), each compared with the loaders' reading of the equivalent export."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from fetch_fakes import DATA, FETCH, recorded, snapshot
from pandas.testing import assert_series_equal

from darksocial.fetch import FetchError, fetch_folder
from darksocial.io import load_folder

# --- GA4 ------------------------------------------------------------------------------------


def _ga4_client(monkeypatch, responses):
    pytest.importorskip("google.analytics.data_v1beta")
    from google.analytics.data_v1beta import BetaAnalyticsDataClient
    from google.analytics.data_v1beta.types import RunReportResponse
    from google.auth.credentials import AnonymousCredentials

    client = BetaAnalyticsDataClient(credentials=AnonymousCredentials())
    requests = []

    def run_report(request=None, **_):
        requests.append(request)
        item = responses.pop(0)
        if isinstance(item, Exception):
            raise item
        return RunReportResponse.from_json(item, ignore_unknown_fields=True)

    monkeypatch.setattr(client, "run_report", run_report)
    return client, requests


def _ga4_pages():
    return [
        recorded("ga4", "channels_page1.json"),
        recorded("ga4", "channels_page2.json"),
        recorded("ga4", "landing.json"),
    ]


GA4 = {"ga4": {"property": "123456", "start": "2024-01-01"}}


def test_ga4_pages_by_offset_and_loads_like_the_ui_export(folder, monkeypatch):
    root = folder(GA4)
    client, requests = _ga4_client(monkeypatch, _ga4_pages())
    lines: list[str] = []
    fetch_folder(root, today="2024-01-09", clients={"ga4": client}, log=lines.append)
    assert [r.offset for r in requests] == [0, 6, 0]
    assert requests[0].property == "properties/123456" and requests[0].return_property_quota
    assert (requests[0].date_ranges[0].start_date, requests[0].date_ranges[0].end_date) == (
        "2024-01-01",
        "2024-01-06",  # three days before "today" are not final
    )
    assert requests[2].dimension_filter.filter.string_filter.value == "Direct"
    assert any("property quota low: 15000 tokens left today" in line for line in lines)
    fetched = load_folder(root)
    ui_root = folder({}, name="ui")
    shutil.copy(
        DATA / "ga4" / "Traffic_acquisition_Session_default_channel_group.csv", ui_root / "t.csv"
    )
    ui = load_folder(ui_root).ga4_channels
    got = fetched.ga4_channels
    for col in ("direct", "organic_search", "referral", "total"):
        assert_series_equal(got[col], ui[col].reindex(got.index), check_freq=False)
    assert fetched.direct_landing["direct_sessions"].sum() == 650


def test_ga4_rerun_is_byte_identical(folder, monkeypatch):
    root = folder(GA4)
    client, _ = _ga4_client(monkeypatch, _ga4_pages())
    fetch_folder(root, today="2024-01-09", clients={"ga4": client}, log=lambda _: None)
    before = snapshot(root)
    lines: list[str] = []
    fetch_folder(root, today="2024-01-09", clients={"ga4": client}, log=lines.append)
    assert snapshot(root) == before and "up to date" in lines[0]


def test_ga4_empty_property_writes_nothing(folder, monkeypatch):
    root = folder(GA4)
    empty = recorded("ga4", "empty.json")
    client, _ = _ga4_client(monkeypatch, [empty, empty])
    lines: list[str] = []
    fetch_folder(root, today="2024-01-09", clients={"ga4": client}, log=lines.append)
    assert not (root / "ga4").exists()
    assert any("has no sessions" in line for line in lines)


def test_ga4_rate_limit_then_success_and_daily_quota(folder, monkeypatch):
    from google.api_core import exceptions as gexc

    root = folder(GA4)
    waits: list[float] = []
    client, _ = _ga4_client(
        monkeypatch, [gexc.TooManyRequests("Too many concurrent requests"), *_ga4_pages()]
    )
    fetch_folder(
        root, today="2024-01-09", clients={"ga4": client}, log=lambda _: None, sleep=waits.append
    )
    assert waits == [2.0]
    root2 = folder(GA4, name="quota")
    client, _ = _ga4_client(
        monkeypatch, [gexc.ResourceExhausted("Exhausted property tokens per day")]
    )
    with pytest.raises(FetchError, match=r"^ga4: the property's daily quota is used up"):
        fetch_folder(root2, today="2024-01-09", clients={"ga4": client}, log=lambda _: None)


def test_ga4_expired_credentials(folder, monkeypatch):
    from google.auth.exceptions import RefreshError

    root = folder(GA4)
    client, _ = _ga4_client(monkeypatch, [RefreshError("Token has been expired or revoked.")])
    with pytest.raises(FetchError, match=r"^ga4: the Google credentials are expired"):
        fetch_folder(root, today="2024-01-09", clients={"ga4": client}, log=lambda _: None)


# --- Meta -----------------------------------------------------------------------------------

META = {"meta": {"ad_account": "act_1234567890", "start": "2024-01-01"}}


class _Response:
    def __init__(self, status, body):
        self.status_code, self.text, self.headers = status, body, {}


class FakeGraph:
    """The ``requests`` session the SDK sends through: recorded Graph API responses."""

    GRAPH = "https://graph.facebook.com"
    timeout = None

    def __init__(self, responses):
        self.responses = list(responses)
        self.calls = []
        self.requests = self

    def request(self, method, path, params=None, **_):
        self.calls.append((method, path, dict(params or {})))
        status, body = self.responses.pop(0)
        return _Response(status, body)


def _meta_account(responses):
    pytest.importorskip("facebook_business")
    from facebook_business.adobjects.adaccount import AdAccount
    from facebook_business.api import FacebookAdsApi

    graph = FakeGraph(responses)
    return AdAccount("act_1234567890", api=FacebookAdsApi(graph)), graph


def _meta_pages():
    return [(200, recorded("meta", "insights_page1.json")),
            (200, recorded("meta", "insights_page2.json"))]  # fmt: skip


def test_meta_pages_the_cursor_and_loads_like_the_ads_manager_export(folder):
    root = folder(META)
    account, graph = _meta_account(_meta_pages())
    fetch_folder(root, today="2024-01-08", clients={"meta": account}, log=lambda _: None)
    assert len(graph.calls) == 2 and graph.calls[1][2]["after"] == "MAZDZD1"
    params = graph.calls[0][2]
    assert (params["level"], str(params["time_increment"])) == ("campaign", "1")
    assert json.loads(params["time_range"]) == {"since": "2024-01-01", "until": "2024-01-06"}
    fetched = load_folder(root).meta_ads
    ui_root = folder({}, name="ui")
    shutil.copy(FETCH / "meta" / "Acme-Campaigns-1-Jan-20246-Jan-2024.csv", ui_root)
    ui = load_folder(ui_root).meta_ads
    for col in ("spend", "impressions", "reach", "campaigns", "missing"):
        assert_series_equal(fetched[col], ui[col], check_freq=False)
    assert fetched.attrs["currency"] == ui.attrs["currency"] == "EUR"


def test_meta_rate_limit_then_success_and_expired_token(folder):
    limited = (400, '{"error": {"message": "User request limit reached", "code": 17}}')
    root = folder(META)
    account, _ = _meta_account([limited, *_meta_pages()])
    waits: list[float] = []
    fetch_folder(
        root, today="2024-01-08", clients={"meta": account}, log=lambda _: None,
        sleep=waits.append,
    )  # fmt: skip
    assert waits == [2.0]
    expired = (400, '{"error": {"message": "Error validating access token", "code": 190}}')
    account, _ = _meta_account([expired])
    with pytest.raises(FetchError, match=r"^meta: the access token is expired or invalid"):
        fetch_folder(
            folder(META, name="b"), today="2024-01-08", clients={"meta": account},
            log=lambda _: None,
        )  # fmt: skip


def test_meta_rerun_and_incremental_keep_earlier_days(folder):
    root = folder(META)
    account, _ = _meta_account(_meta_pages())
    fetch_folder(root, today="2024-01-08", clients={"meta": account}, log=lambda _: None)
    before = snapshot(root)
    fetch_folder(root, today="2024-01-08", clients={"meta": account}, log=lambda _: None)
    assert snapshot(root) == before
    new_day = {"data": [{"campaign_name": "Podcast launch", "campaign_id": "120001",
                         "spend": "9.5", "impressions": "800", "reach": "600",
                         "account_currency": "EUR", "date_start": "2024-01-07",
                         "date_stop": "2024-01-07"}], "paging": {"cursors": {}}}  # fmt: skip
    account, graph = _meta_account([(200, json.dumps(new_day))])
    fetch_folder(root, today="2024-01-09", clients={"meta": account}, log=lambda _: None)
    assert json.loads(graph.calls[0][2]["time_range"])["since"] == "2024-01-07"
    daily = load_folder(root).meta_ads
    assert daily.loc["2024-01-07", "spend"] == 9.5
    assert daily.loc["2024-01-01", "spend"] == 16.75


# --- BigQuery -------------------------------------------------------------------------------

BQ = {"bigquery": {"dataset": "acme.analytics_123", "maximum_bytes_billed": 1_000_000,
                   "start": "2024-01-02"}}  # fmt: skip


def _bigquery_client(monkeypatch, scanned):
    pytest.importorskip("google.cloud.bigquery")
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import bigquery

    from darksocial.io.ga4_bigquery import connect_events, duckdb_sql

    # what BigQuery computes: the same aggregation, run here on the events fixture
    con = connect_events(DATA / "ga4_bigquery")
    rows = con.execute(duckdb_sql()).df().to_dict("records")
    con.close()
    client = bigquery.Client(project="acme", credentials=AnonymousCredentials())
    calls = []

    class Job:
        def result(self):
            return rows

    def query(sql, job_config=None, **_):
        calls.append((sql, job_config))
        if job_config.dry_run:
            resource = {
                "jobReference": {"projectId": "acme", "jobId": "dry"},
                "configuration": {"query": {"query": sql}, "dryRun": True},
                "statistics": {"query": {"totalBytesProcessed": str(scanned)}},
            }
            return bigquery.QueryJob.from_api_repr(resource, client)
        return Job()

    monkeypatch.setattr(client, "query", query)
    return client, calls, rows


def test_bigquery_dry_run_then_query_bounded_by_table_suffix(folder, monkeypatch):
    root = folder(BQ)
    client, calls, rows = _bigquery_client(monkeypatch, 524_288)
    lines: list[str] = []
    fetch_folder(root, today="2024-01-08", clients={"bigquery": client}, log=lines.append)
    (dry_sql, dry), (sql, real) = calls
    assert dry.dry_run and not real.dry_run and real.maximum_bytes_billed == 1_000_000
    assert "_TABLE_SUFFIX BETWEEN '20240102' AND '20240104'" in sql
    assert "`acme.analytics_123.events_*`" in sql
    assert any("will scan 512.0 KiB" in line for line in lines)
    written = pd.read_csv(root / "ga4_bigquery" / "ga4_sessions_daily.csv", dtype=str)
    assert written["sessions"].astype(int).sum() == sum(int(r["sessions"]) for r in rows)


def test_bigquery_refuses_above_the_limit_unless_yes(folder, monkeypatch):
    root = folder(BQ)
    before = snapshot(root)
    client, calls, _ = _bigquery_client(monkeypatch, 5_000_000_000)
    with pytest.raises(FetchError, match=r"^bigquery: the query would scan 4.7 GiB"):
        fetch_folder(root, today="2024-01-08", clients={"bigquery": client}, log=lambda _: None)
    assert len(calls) == 1 and snapshot(root) == before  # only the dry run
    fetch_folder(
        root, today="2024-01-08", clients={"bigquery": client}, log=lambda _: None, yes=True
    )
    assert calls[-1][1].maximum_bytes_billed == 5_500_000_000
