"""The report runner: parameters checked first, HTML without code, failures kept apart."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from darksocial import config, reporting
from darksocial.errors import ParameterError
from darksocial.io import cache as datacache


def _template(path, body):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(
        "threshold: float = 1.5  # how high is high\nname: str = 'x'"
    )
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Toy report"),
        params,
        nbformat.v4.new_markdown_cell("## Numbers"),
        nbformat.v4.new_code_cell(body),
    ]
    nbformat.write(nb, path)
    return path


def _notebook(path, params: str, body: str):
    """A two-cell notebook at ``path``: ``params`` (tagged parameters), then ``body``."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(params)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell(body)]
    nbformat.write(nb, path)
    return path


GOOD = """
import warnings
from darksocial.reporting import publish_summary
warnings.warn("analyst-only warning")
print(f"THE-ANSWER-{threshold * 2}")
publish_summary({"metrics": {"branded_clicks": {"relative": 0.12, "relative_lower": 0.05,
                 "relative_upper": 0.2}}, "name": name})
"""


@pytest.mark.notebook
def test_run_writes_html_without_code_and_summary(tmp_path):
    nb = _template(tmp_path / "toy.ipynb", GOOD)
    record = reporting.run_notebook(
        reporting.Job(str(nb), {"threshold": 21, "name": "<b>Podcast</b>"}, key="c1"),
        reports_dir=tmp_path / "reports",
    )
    assert record.status == "ok", record.error
    page = (tmp_path / "reports" / "toy" / record.run_id / "toy.html").read_text()
    assert "THE-ANSWER-42" in page
    assert "publish_summary" not in page  # no code
    assert "analyst-only warning" not in page  # no stderr
    summary = json.loads(
        (tmp_path / "reports" / "toy" / record.run_id / "summary.json").read_text()
    )
    assert summary["metrics"]["branded_clicks"]["relative"] == 0.12
    assert summary["name"] == "<b>Podcast</b>"
    latest = (tmp_path / "reports" / "toy" / "latest-c1.html").read_text()
    assert record.run_id in latest
    index = reporting.write_index(tmp_path / "reports").read_text()
    # the index rounds as the reports do (darksocial.formatting.percent)
    assert "+12% (+5.0% to +20%)" in index


@pytest.mark.notebook
def test_failed_run_keeps_record_and_last_good_link(tmp_path):
    reports = tmp_path / "reports"
    good = _template(tmp_path / "toy.ipynb", "x = threshold")
    first = reporting.run_notebook(reporting.Job(str(good)), reports_dir=reports)
    _template(tmp_path / "toy.ipynb", "raise ValueError('launch date is after the data')")
    second = reporting.run_notebook(reporting.Job(str(good)), reports_dir=reports)
    assert second.status == "failed"
    assert second.error == "section 'Numbers' failed: ValueError: launch date is after the data"
    page = (reports / "toy" / second.run_id / "toy.html").read_text()
    # the reader gets a plain sentence and what to do; no code, traceback or server path
    assert "This report could not be built" in page and "What to do" in page
    assert "The section “Numbers” could not be built" in page
    for hidden in ("raise ValueError", "Traceback", str(tmp_path), "launch date is after"):
        assert hidden not in page
    # the data scientist keeps the traceback in the run folder
    assert "raise ValueError" in (reports / "toy" / second.run_id / "run.log").read_text()
    assert (reports / "toy" / second.run_id / "toy.ipynb").exists()
    assert first.run_id in (reports / "toy" / "latest.html").read_text()
    status_text = (reports / "toy" / second.run_id / "status.json").read_text()
    status = json.loads(status_text)
    assert status["status"] == "failed"
    assert str(tmp_path) not in status_text
    assert status["html"] == f"toy/{second.run_id}/toy.html"


def test_unknown_parameter_is_rejected_before_running(tmp_path):
    nb = _template(tmp_path / "toy.ipynb", "x = 1")
    with pytest.raises(ParameterError, match=r"no parameter 'treshold'.*accepts: name, threshold"):
        reporting.run_notebook(reporting.Job(str(nb), {"treshold": 2}), reports_dir=tmp_path)
    assert not (tmp_path / "toy").exists()


def test_parameters_from_file_and_command_line(tmp_path):
    f = tmp_path / "p.yml"
    f.write_text("launch: 2025-03-03\nalpha: 0.1\n")
    pairs = [["alpha", "0.2"], ["name", "pod"]]
    assert reporting.parse_parameters(pairs, params_file=f) == {
        "launch": "2025-03-03",
        "alpha": 0.2,
        "name": "pod",
    }
    f.write_text("a: [1,\n")
    with pytest.raises(ParameterError, match="not valid YAML"):
        reporting.parse_parameters(pairs, params_file=f)


def test_plan_jobs_runs_every_campaign_and_checks_ids():
    from darksocial import config
    from darksocial.io import load_campaigns

    ids = list(load_campaigns(config.SAMPLE_DIR / "campaigns.yml").index)
    jobs = reporting.plan_jobs(notebooks=["campaign-impact"])
    assert [j.parameters["campaign_id"] for j in jobs] == ids
    assert [j.key for j in jobs] == ids
    jobs = reporting.plan_jobs(campaigns=["podcast-s1"], parameters={"alpha": 0.1})
    assert [(j.name, j.parameters) for j in jobs] == [
        ("campaign-impact", {"alpha": 0.1, "campaign_id": "podcast-s1"})
    ]
    with pytest.raises(ParameterError, match="campaign 'podcast-s9' is not in the calendar"):
        reporting.plan_jobs(campaigns=["podcast-s9"])
    with pytest.raises(ParameterError, match="campaign 'nope' is not in the calendar"):
        reporting.plan_jobs(parameters={"campaign_id": "nope"})
    with pytest.raises(ParameterError, match="no selected notebook has parameter 'alhpa'"):
        reporting.plan_jobs(campaigns=["podcast-s1"], parameters={"alhpa": 0.1})


def test_cli_report_bad_campaign_exits_2_with_one_line(capsys, tmp_path):
    from darksocial import cli

    code = cli.main(["report", "--campaign", "nope", "--reports-dir", str(tmp_path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and "campaign 'nope' is not in the calendar" in err[0]
    assert not any(tmp_path.iterdir())


def test_a_date_that_does_not_exist_is_one_clear_line(tmp_path):
    with pytest.raises(ParameterError, match="-p launch '2025-13-01' cannot be read"):
        reporting.parse_parameters([["launch", "2025-13-01"]])
    f = tmp_path / "p.yml"
    f.write_text("launch: 2025-02-30\n")
    with pytest.raises(ParameterError, match="write dates as YYYY-MM-DD"):
        reporting.parse_parameters(params_file=f)


def test_data_cache_is_used_only_for_its_folder_unchanged(tmp_path):
    """The runner's copy of the data stands in for the folder only while it is the same."""
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "Chart.csv").write_text("Date,Clicks\n2025-01-01,3\n")
    other = tmp_path / "other"
    other.mkdir()
    cache = datacache.write_data_cache({"clicks": [3]}, folder, tmp_path)
    assert datacache.read_data_cache(cache, folder) == {"clicks": [3]}
    assert datacache.read_data_cache(cache, other) is None  # written for another folder
    assert datacache.read_data_cache(tmp_path / "gone.pickle", folder) is None
    (folder / "Chart.csv").write_text("Date,Clicks\n2025-01-01,4\n")  # the export changed
    assert datacache.read_data_cache(cache, folder) is None
    datacache.write_data_cache({"clicks": [4]}, folder, tmp_path)
    (folder / "campaigns.yml").write_text("campaigns: []\n")  # a file added
    assert datacache.read_data_cache(cache, folder) is None


def test_data_cache_holds_exactly_what_the_folder_gives(tmp_path):
    import pandas as pd

    from darksocial import config
    from darksocial.io import load_folder

    sources = load_folder(config.SAMPLE_DIR)
    cached = datacache.read_data_cache(
        datacache.write_data_cache(sources, config.SAMPLE_DIR, tmp_path), config.SAMPLE_DIR
    )
    for name in ("campaigns", "search_console", "ga4_channels", "direct_landing", "survey"):
        pd.testing.assert_frame_equal(getattr(cached, name), getattr(sources, name))
        assert getattr(cached, name).attrs.keys() == getattr(sources, name).attrs.keys()
    assert cached.settings == sources.settings


@pytest.mark.notebook
def test_report_hands_the_data_it_read_to_the_notebooks(tmp_path):
    path = _notebook(
        tmp_path / "toy.ipynb",
        'data_cache: str = ""  # set by the runner',
        "from darksocial.pages.params import data_folder\n"
        "from darksocial.io.cache import read_data_cache\n"
        "s = read_data_cache(data_cache, data_folder(''))\n"
        "print('CACHE-' + ('hit' if s is not None and len(s.campaigns) else 'miss'))",
    )
    code = reporting.run_reports(notebooks=[str(path)], reports_dir=tmp_path / "reports")
    assert code == 0
    (status,) = (tmp_path / "reports" / "toy").glob("*/status.json")
    record = json.loads(status.read_text())
    assert reporting.DATA_CACHE_PARAMETER not in record["parameters"]  # no server path
    executed = nbformat.read(status.parent / "toy.ipynb", as_version=4)
    out = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    assert "CACHE-hit" in out
    injected = next(
        c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])
    )
    cache = injected.source.split("data_cache = ")[1].strip().strip("\"'")
    assert not Path(cache).exists()  # the run's temporary copy is gone


def test_every_report_page_reads_the_data_through_one_cache_rule(tmp_path):
    # resolve_report_params is the one place a page reads the runner's data: the cached
    # data when they are for this folder, the folder itself when a brand override asks
    # for another classification
    from darksocial.io import load_folder
    from darksocial.pages.params import resolve_report_params

    sources = load_folder(config.SAMPLE_DIR)
    sources.search_console.attrs["handed_over"] = True  # only the cached copy has it
    cache = datacache.write_data_cache(sources, config.SAMPLE_DIR, tmp_path)
    cached = resolve_report_params(data_dir=config.SAMPLE_DIR, data_cache=cache)
    assert cached.sources.search_console.attrs.get("handed_over")  # not read again
    branded = resolve_report_params(data_dir=config.SAMPLE_DIR, data_cache=cache, brand=["tmt"])
    assert not branded.sources.search_console.attrs.get("handed_over")
    alone = resolve_report_params(data_dir=config.SAMPLE_DIR)
    assert not alone.sources.search_console.attrs.get("handed_over")
    for name in ("dark-social-overview", "explore-sources", "campaign-impact"):
        path = config.NOTEBOOKS_DIR / f"{name}.ipynb"
        assert "data_cache" in reporting.notebook_parameters(path), name


@pytest.mark.notebook
def test_reports_written_inside_the_data_folder_are_not_read_back(tmp_path):
    # a reports folder inside the data folder was read as input: the runner's copy of the
    # data went stale as soon as a run folder appeared, and each report listed out/... files
    import shutil

    from darksocial.io import is_own_output, scan_folder

    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copy(config.SAMPLE_DIR / "campaigns.yml", folder)
    shutil.copytree(config.SAMPLE_DIR / "search_console" / "ui_export", folder / "ui_export")
    path = _notebook(
        tmp_path / "toy.ipynb",
        'data_dir: str = ""\ndata_cache: str = ""',
        "from darksocial.io import load_folder\n"
        "from darksocial.io.cache import read_data_cache\n"
        "s = read_data_cache(data_cache, data_dir)\n"
        "print('CACHE-' + ('hit' if s is not None else 'miss'))\n"
        "names = sorted(e.path.name for e in load_folder(data_dir).exports)\n"
        "print('FILES-' + ','.join(names))",
    )
    for _ in range(2):
        code = reporting.run_reports(
            notebooks=[str(path)], data_dir=folder, reports_dir=folder / "out"
        )
        assert code == 0
    executed = sorted((folder / "out" / "toy").glob("*/toy.ipynb"))
    assert len(executed) == 2
    for run in executed:
        cells = nbformat.read(run, as_version=4).cells
        out = "".join(o.get("text", "") for c in cells for o in c.get("outputs", []))
        assert "CACHE-hit" in out and "FILES-campaigns.yml,ui_export\n" in out, out
    assert [e.path.name for e in scan_folder(folder)] == ["campaigns.yml", "ui_export"]
    pages = sorted((folder / "out").rglob("*.html"))
    assert len(pages) == 4  # the index, the latest link and two report pages
    for page in pages:  # nbconvert writes the tag's attributes the other way round
        text = page.read_text()
        assert config.HTML_GENERATOR_TAG in text or (
            '<meta content="darksocial" name="generator"/>' in text
        ), page
        assert is_own_output(page), page
    failure = reporting._failure_page(reporting.Job(str(path)), None, "r1")
    assert config.HTML_GENERATOR_TAG in failure


@pytest.mark.notebook
def test_a_kernel_that_dies_while_starting_gets_one_more_try(tmp_path, monkeypatch):
    # "RuntimeError: Kernel died before replying to kernel_info" failed a report once in a
    # full test run on a busy machine: no cell had run, so a scheduled run tries again
    import papermill

    real = papermill.execute_notebook
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return real(*args, **kwargs)

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    nb = _template(tmp_path / "toy.ipynb", GOOD)
    job = reporting.Job(str(nb), {"threshold": 21, "name": "x"}, key="c1")
    record = reporting.run_notebook(job, reports_dir=tmp_path / "reports")
    assert record.status == "ok", record.error
    assert len(calls) == 2
    # any other failure to start is not retried
    calls.clear()
    monkeypatch.setattr(papermill, "execute_notebook", lambda *a, **k: calls.append(1) or 1 / 0)
    record = reporting.run_notebook(job, reports_dir=tmp_path / "reports")
    assert record.status == "failed" and len(calls) == 1


def test_a_folder_without_series_is_not_told_only_about_branded_search_in_the_index():
    # a real folder of one unusable GA4 dashboard export: the index cell gave the branded
    # search advice alone ("... a Google Trends download of your brand term ...")
    why = (
        "Branded search not measured: this data folder has no Search Console or Google Trends "
        "export. Add ...; or a Google Trends download of your brand term (trends.google.com)."
    )
    summary = {"campaign": "c", "metrics": {}, "sections": {"search": {"why": why}}}
    assert reporting._verdicts(summary) == (
        "Not measured: this data folder holds no series to measure it on (Search Console, "
        "Google Trends or GA4)."
    )
