"""Search Console API fetch, offline against recorded responses (HttpMockSequence)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from fetch_fakes import DATA, recorded, search_console_service, snapshot
from pandas.testing import assert_series_equal

pytest.importorskip("googleapiclient")

from darksocial.fetch import FetchError, fetch_folder  # noqa: E402
from darksocial.fetch import search_console as sc  # noqa: E402
from darksocial.io import load_folder  # noqa: E402

SETTINGS = {
    "brand": ["trackmytools", "track my tools"],
    "search_console": {"site": "sc-domain:trackmytools.com", "start": "2024-01-01"},
}
OK = {"status": "200"}
EMPTY = '{"responseAggregationType": "byProperty"}'


def _pages():
    return [
        (OK, recorded("search_console", "totals.json")),
        (OK, EMPTY),
        (OK, recorded("search_console", "queries_page1.json")),
        (OK, recorded("search_console", "queries_page2.json")),
        (OK, EMPTY),
    ]


@pytest.fixture(autouse=True)
def _small_pages(monkeypatch):
    # four rows a page, so the recorded responses span several pages
    monkeypatch.setattr(sc, "ROW_LIMIT", 4)


def _run(root, responses, *, today="2024-01-07", lines=None):
    service, http = search_console_service(responses)
    log = lines.append if lines is not None else (lambda _: None)
    fetch_folder(
        root,
        today=today,
        clients={"search_console": service},
        log=log,
        sleep=lambda _: None,
    )
    return http


def test_pages_to_the_end_and_sends_the_documented_query(folder):
    root = folder(SETTINGS)
    http = _run(root, _pages())
    assert [b["startRow"] for b in http.bodies] == [0, 4, 0, 4, 8]
    assert {b["rowLimit"] for b in http.bodies} == {4}
    first = http.bodies[0]
    assert first["dimensions"] == ["date"] and http.bodies[2]["dimensions"] == ["date", "query"]
    assert (first["type"], first["dataState"]) == ("web", "all")
    assert (first["startDate"], first["endDate"]) == ("2024-01-01", "2024-01-06")
    rows = pd.read_csv(root / sc.OUTPUT, keep_default_na=False)
    # the day after firstIncompleteDate is not final: not written
    assert sorted(rows["date"].unique()) == ["2024-01-01", "2024-01-02", "2024-01-04"]
    # one anonymized row a day: total minus the query rows
    anon = rows[rows["query"] == ""].set_index("date")
    assert anon.loc["2024-01-01", "clicks"] == 50 - 35
    assert anon.loc["2024-01-02", "impressions"] == 1100 - 570


def test_fetched_folder_loads_like_the_ui_export(folder, tmp_path):
    root = folder(SETTINGS)
    _run(root, _pages())
    fetched = load_folder(root).search_console
    ui_root = folder({"brand": SETTINGS["brand"]}, name="ui")
    shutil.copytree(DATA / "search_console" / "ui_export", ui_root / "Performance")
    ui = load_folder(ui_root).search_console
    for col in ("clicks", "impressions"):
        assert_series_equal(fetched[col], ui[col].reindex(fetched.index), check_freq=False)
    # and the API rows split brand from the folder's terms
    assert fetched.loc["2024-01-01", "branded_clicks"] == 25
    assert fetched.loc["2024-01-01", "nonbranded_clicks"] == 10
    assert fetched.loc["2024-01-01", "anonymized_clicks"] == 15


def test_second_run_fetches_only_days_not_final_and_changes_nothing(folder):
    root = folder(SETTINGS)
    _run(root, _pages())
    before = snapshot(root)
    again = [
        (OK, '{"rows": [{"keys": ["2024-01-05"], "clicks": 7, "impressions": 100}], '
         '"metadata": {"firstIncompleteDate": "2024-01-05"}}'),
        (OK, '{"rows": [{"keys": ["2024-01-05", "trackmytools"], "clicks": 3, '
         '"impressions": 20}]}'),
    ]  # fmt: skip
    lines: list[str] = []
    http = _run(root, again, lines=lines)
    assert http.bodies[0]["startDate"] == "2024-01-05"  # the first day not final
    assert snapshot(root) == before  # byte-identical
    assert lines[-1] == "no file changed"


def test_day_becomes_final_on_a_later_run(folder):
    root = folder(SETTINGS)
    _run(root, _pages())
    later = [
        (OK, '{"rows": [{"keys": ["2024-01-05"], "clicks": 9, "impressions": 120}]}'),
        (OK, '{"rows": [{"keys": ["2024-01-05", "trackmytools"], "clicks": 4, '
         '"impressions": 30}]}'),
    ]  # fmt: skip
    _run(root, later, today="2024-01-08")
    daily = load_folder(root).search_console
    assert daily.loc["2024-01-05", "clicks"] == 9
    assert daily.loc["2024-01-01", "clicks"] == 50  # earlier days kept


def test_rate_limit_then_success_retries_with_backoff(folder):
    root = folder(SETTINGS)
    waits: list[float] = []
    service, _ = search_console_service(
        [({"status": "429"}, '{"error": {"code": 429, "message": "Rate limited"}}'), *_pages()]
    )
    fetch_folder(
        root, today="2024-01-07", clients={"search_console": service},
        log=lambda _: None, sleep=waits.append,
    )  # fmt: skip
    assert waits == [2.0]
    assert (root / sc.OUTPUT).is_file()


def test_rate_limit_that_persists_stops_with_one_line(folder):
    root = folder(SETTINGS)
    before = snapshot(root)
    error = ({"status": "503"}, '{"error": {"code": 503, "message": "Backend Error"}}')
    service, _ = search_console_service([error] * 5)
    with pytest.raises(FetchError) as info:
        fetch_folder(
            root, today="2024-01-07", clients={"search_console": service},
            log=lambda _: None, sleep=lambda _: None,
        )  # fmt: skip
    message = str(info.value)
    assert message.startswith("search_console: server error (HTTP 503)")
    assert "\n" not in message and "run `darksocial fetch` again" in message
    assert snapshot(root) == before  # the folder as it was


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        ("403", '{"error": {"code": 403, "message": "Quota exceeded for quota metric"}}',
         "search_console: the daily API quota is used up"),
        ("401", '{"error": {"code": 401, "message": "Request had invalid credentials."}}',
         "search_console: the Google credentials were refused"),
        ("403", '{"error": {"code": 403, "message": "User does not have sufficient '
         'permission for site"}}', "search_console: access denied"),
    ],
)  # fmt: skip
def test_quota_and_credential_errors_are_one_line(folder, status, body, expected):
    root = folder(SETTINGS)
    service, _ = search_console_service([({"status": status}, body)])
    with pytest.raises(FetchError, match=expected):
        fetch_folder(
            root, today="2024-01-07", clients={"search_console": service},
            log=lambda _: None, sleep=lambda _: None,
        )  # fmt: skip


def test_expired_credential_refresh_error(folder):
    from google.auth.exceptions import RefreshError

    with pytest.raises(FetchError, match="expired or revoked"):
        sc.classify(RefreshError("invalid_grant: Token has been expired or revoked."))


def test_sixteen_month_window_is_stated(folder):
    settings = {**SETTINGS, "search_console": {**SETTINGS["search_console"],
                                               "start": "2020-01-01"}}  # fmt: skip
    root = folder(settings)
    lines: list[str] = []
    http = _run(root, _pages(), lines=lines)
    assert any("keeps 16 months" in line for line in lines)
    assert http.bodies[0]["startDate"] == "2022-09-08"  # 2024-01-07 minus 16 months, + 1 day
