"""The reports index: names, verdicts, human dates, stable links that exist, retention."""

from __future__ import annotations

import json

import pytest

from darksocial import reporting
from darksocial.errors import ParameterError


def _run(reports, notebook, run_id, *, key=None, status="ok", started, summary=None):
    folder = reports / notebook / run_id
    folder.mkdir(parents=True)
    (folder / f"{notebook}.html").write_text("<html></html>")
    record = {
        "notebook": notebook,
        "key": key,
        "run_id": run_id,
        "status": status,
        "directory": f"{notebook}/{run_id}",
        "html": f"{notebook}/{run_id}/{notebook}.html",
        "executed": f"{notebook}/{run_id}/{notebook}.ipynb",
        "parameters": {},
        "seconds": 1.0,
        "error": None if status == "ok" else "section 'Numbers' failed",
        "summary": summary,
        "started": started,
    }
    (folder / "status.json").write_text(json.dumps(record))
    if status == "ok":
        name = f"latest-{key}.html" if key else "latest.html"
        (reports / notebook / name).write_text(f"<a href='{run_id}/'>latest</a>")
    return folder


PODCAST = {
    "name": "The Tool Crib podcast",
    "window": ["2025-02-03", "2025-03-30"],
    "metrics": {
        "branded_clicks": {
            "label": "branded search clicks",
            "relative": 0.1354,
            "relative_lower": 0.056,
            "relative_upper": 0.22,
            "significant": True,
        },
        "direct_sessions": {
            "label": "direct sessions",
            "relative": 0.036,
            "relative_lower": -0.029,
            "relative_upper": 0.10,
            "significant": False,
        },
    },
    "placebo_in_time_p": 0.45,
    "placebo_intervals_too_narrow": True,
}


def test_index_names_campaigns_gives_verdicts_and_human_dates(tmp_path):
    reports = tmp_path / "reports"
    _run(reports, "campaign-impact", "20261130-140809-podcast-s1", key="podcast-s1",
         started="2026-11-30T14:08:09", summary=PODCAST)  # fmt: skip
    _run(reports, "dark-social-overview", "20261130-140847",
         started="2026-11-30T14:08:47", summary={"headline": "2 of 6 campaigns lifted"})  # fmt: skip
    page = reporting.write_index(reports).read_text()
    assert "The Tool Crib podcast" in page and "3 Feb 2025 to 30 Mar 2025" in page
    assert "Branded search clicks: rose, +14% (+5.6% to +22%)" in page
    assert "Direct sessions: no clear change, +3.6% (−2.9% to +10%)" in page
    assert "The model also finds lifts at fake launches before the campaign" in page
    assert "the placebo check gives p = 0.45" in page
    assert "30 Nov 2026, 14:08" in page and ">20261130-140809" not in page
    assert "Overview of every campaign" in page and "2 of 6 campaigns lifted" in page
    assert 'name="viewport"' in page


def test_no_latest_good_link_without_a_successful_run(tmp_path):
    reports = tmp_path / "reports"
    _run(reports, "campaign-impact", "20261130-1-meta", key="meta", status="failed",
         started="2026-11-30T14:00:00")  # fmt: skip
    page = reporting.write_index(reports).read_text()
    assert "latest-meta.html" not in page
    assert "no successful run yet" in page and "This run failed" in page


def test_retention_keeps_the_last_runs_and_the_last_good_one(tmp_path):
    reports = tmp_path / "reports"
    good = _run(reports, "campaign-impact", "20261101-000000-pod", key="pod",
                started="2026-11-01T00:00:00")  # fmt: skip
    failed = [
        _run(
            reports,
            "campaign-impact",
            f"202611{d:02d}-000000-pod",
            key="pod",
            status="failed",
            started=f"2026-11-{d:02d}T00:00:00",
        )  # fmt: skip
        for d in range(2, 6)
    ]
    other = _run(reports, "campaign-impact", "20261001-000000-news", key="news",
                 started="2026-10-01T00:00:00")  # fmt: skip
    reporting.write_index(reports, keep=2)
    assert failed[-1].exists() and failed[-2].exists()
    assert not failed[0].exists() and not failed[1].exists()
    assert good.exists()  # the newest successful run: the stable link opens it
    assert other.exists()  # retention counts per report
    page = (reports / "index.html").read_text()
    assert "latest-pod.html" in page
    assert reporting.KEEP_RUNS == 10
    with pytest.raises(ParameterError, match="keep at least one"):
        reporting.prune_runs(reports, keep=0)
    assert reporting.prune_runs(reports, keep=None) == []


def test_a_campaign_no_series_measured_says_why_in_the_index():
    # a real weekly chart with 9 weeks before launch: the "What it found" cell was blank
    from darksocial import reporting

    why = (
        "the data of search clicks hold 9 weeks before launch; the estimate needs at least 12 "
        "weeks (export a longer history)"
    )
    cell = reporting._verdicts({"metrics": {}, "skipped_metrics": {"search_clicks": why}})
    assert cell == f"Not measured: {why}."
    assert reporting._verdicts({"metrics": {}, "skipped_metrics": {}}) == ""
    # a real folder of Google Ads files and a calendar: no series at all, blank as well
    cell = reporting._verdicts({"campaign": "rsa", "metrics": {}, "skipped_metrics": {}})
    assert cell.startswith("Not measured: this data folder holds no series to measure it on")


def test_the_index_line_says_when_series_that_should_not_move_moved_too():
    # a real Trends download: the index read "rose, +160% (+42% to +389%)" while the campaign
    # report's bottom line ends with pepe and bonk rising too
    from darksocial import reporting

    entry = {
        "label": "Google Trends interest in the brand",
        "relative": 1.6,
        "relative_lower": 0.42,
        "relative_upper": 3.89,
        "significant": True,
        "moved_too": ["Google Trends interest in pepe", "Google Trends interest in bonk"],
    }
    cell = reporting._verdicts({"metrics": {"brand_interest": entry}})
    assert cell.startswith("Google Trends interest in the brand: rose, +160%")
    assert cell.endswith("pepe, Google Trends interest in bonk rose too (the market?)")
    entry["significant"] = False
    assert "too (the market?)" not in reporting._verdicts({"metrics": {"brand_interest": entry}})
