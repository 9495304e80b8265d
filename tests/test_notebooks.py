"""Every report notebook runs end to end through the real runner on data/sample.

These runs are what a scheduled job does: papermill executes the template with the
project kernel, nbconvert exports HTML without code, and the runner writes summary.json.
The campaign report's headline numbers are checked against the sample's known truth.
"""

from __future__ import annotations

import json
import re

import pytest

from darksocial import config, reporting

pytestmark = [pytest.mark.slow, pytest.mark.notebook]

#: Quick settings for notebooks that have them; the podcast run keeps every default.
QUICK = {"campaign-impact": {"n_placebos": 10, "triangulate": False}}


def _notebooks():
    return sorted(p.stem for p in config.NOTEBOOKS_DIR.glob("*.ipynb"))


def _truth():
    return json.loads((config.SAMPLE_DIR / "TRUTH.json").read_text())


def _check_page(html: str) -> None:
    text = re.sub(r"<style.*?</style>|<script.*?</script>", "", html, flags=re.S)
    for bad in (
        "Traceback",
        "UserWarning",
        "RuntimeWarning",
        "FutureWarning",
        "import darksocial",
        "ds.campaign_report",
        "nan%",
    ):
        assert bad not in text, f"the report shows {bad!r}"


@pytest.mark.parametrize("name", _notebooks())
def test_notebook_runs_with_defaults(name, tmp_path):
    params = QUICK.get(name, {})
    record = reporting.run_notebook(
        reporting.Job(name, params, key=params.get("campaign_id")), reports_dir=tmp_path
    )
    assert record.status == "ok", record.error
    _check_page((tmp_path / name / record.run_id / f"{name}.html").read_text())
    assert (tmp_path / name / record.run_id / "summary.json").exists()


def test_campaign_report_covers_truth_for_a_real_effect(tmp_path):
    record = reporting.run_notebook(
        reporting.Job("campaign-impact", {"campaign_id": "podcast-s1"}, key="podcast-s1"),
        reports_dir=tmp_path,
    )
    assert record.status == "ok", record.error
    summary = json.loads(
        (tmp_path / "campaign-impact" / record.run_id / "summary.json").read_text()
    )
    truth = _truth()["campaigns"]["podcast-s1"]["metrics"]
    for metric in ("branded_clicks", "deep_direct_sessions"):
        got, true = summary["metrics"][metric], truth[metric]
        assert got["lower"] <= true["average"] <= got["upper"], (metric, got, true)
        assert got["relative_lower"] <= true["relative"] <= got["relative_upper"]
        assert got["significant"] and got["relative_lower"] > 0
    assert summary["triangulation"] == "significant up"
    assert summary["survey_mentions"]["diff_lower"] > 0
    html = (tmp_path / "campaign-impact" / record.run_id / "campaign-impact.html").read_text()
    assert "lifted branded search clicks" in html


def test_campaign_report_no_effect_is_not_significant(tmp_path):
    params = {"campaign_id": "newsletter-relaunch", **QUICK["campaign-impact"]}
    record = reporting.run_notebook(
        reporting.Job("campaign-impact", params, key="newsletter-relaunch"), reports_dir=tmp_path
    )
    assert record.status == "ok", record.error
    folder = tmp_path / "campaign-impact" / record.run_id
    summary = json.loads((folder / "summary.json").read_text())
    assert not any(m["significant"] for m in summary["metrics"].values()), summary
    assert (
        "We cannot tell whether Newsletter relaunch moved"
        in (folder / "campaign-impact.html").read_text()
    )


def test_unknown_metric_fails_with_a_clear_message(tmp_path):
    record = reporting.run_notebook(
        reporting.Job("campaign-impact", {"metrics": ["branded"], **QUICK["campaign-impact"]}),
        reports_dir=tmp_path,
    )
    assert record.status == "failed"
    assert "ParameterError: unknown metric 'branded'" in record.error
    assert not (tmp_path / "campaign-impact" / "latest.html").exists()
