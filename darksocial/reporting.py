"""Run parameterized notebooks through papermill and publish them as HTML reports.

Each run goes to ``reports/<notebook>/<run-id>/`` and holds the executed notebook, an
HTML export without code, ``status.json`` (what ran, with which parameters, how it
ended) and, when the notebook publishes one, ``summary.json`` with its headline numbers.
A failed run also keeps ``run.log`` (the traceback, personal data masked).
``reports/index.html`` lists every run; ``reports/<notebook>/latest[-<key>].html``
points to the latest *successful* run, so a failing run never replaces a good report.

A notebook publishes its headline numbers with :func:`publish_summary`; the runner reads
them back from the executed notebook, so notebooks never write files themselves.

Published files hold no server paths (``status.json`` gives paths relative to the
reports folder) and no personal data (error lines go through
:func:`darksocial.safetext.safe_message`). Pages load nothing from outside: the export
template drops nbconvert's CDN scripts (require.js, MathJax, mermaid) and forbids scripts
and outside requests with a Content-Security-Policy. A failed run's page tells the reader
which section stopped, why in one sentence, and what to do; the traceback stays in the
executed notebook of the run folder, for the data scientist.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from darksocial import config, errors
from darksocial.errors import InterventionDateError, ParameterError, ReportError
from darksocial.formatting import finite_or_none
from darksocial.safetext import clean, mask_pii, safe_message

__all__ = [
    "Job",
    "RunRecord",
    "export_html",
    "notebook_parameters",
    "parse_parameters",
    "publish_summary",
    "plan_jobs",
    "run_jobs",
    "run_reports",
    "run_notebook",
    "validate_parameters",
    "write_index",
]

#: MIME type under which a notebook publishes its machine-readable headline numbers.
SUMMARY_MIMETYPE = "application/vnd.darksocial.summary+json"
#: Cell tags removed from the rendered HTML (papermill tags its injected cell).
REMOVED_CELL_TAGS = ("injected-parameters", "parameters", "remove-cell")


@dataclass(frozen=True)
class Job:
    """One notebook to run with its parameters.

    Parameters
    ----------
    notebook : str
        Notebook stem inside ``notebooks/`` (``"campaign-impact"``) or a path to a notebook.
    parameters : dict
        Values for the notebook's ``parameters`` cell.
    key : str, optional
        What distinguishes this run from other runs of the same notebook (a campaign id);
        the stable link ``latest-<key>.html`` follows it.
    """

    notebook: str
    parameters: dict[str, Any] = field(default_factory=dict)
    key: str | None = None

    @property
    def path(self) -> Path:
        """Path of the template notebook."""
        candidate = Path(self.notebook)
        if candidate.suffix == ".ipynb":
            return candidate
        return config.NOTEBOOKS_DIR / f"{self.notebook}.ipynb"

    @property
    def name(self) -> str:
        """Notebook stem, used as the folder name under ``reports/``."""
        return self.path.stem


@dataclass(frozen=True)
class RunRecord:
    """What one notebook run produced.

    Attributes
    ----------
    notebook, key, run_id : str
        Which notebook, for what, and the run's folder name.
    status : {"ok", "failed"}
        How the run ended.
    directory, html, executed : str
        Paths of the run folder, the HTML report and the executed notebook (relative to
        the reports folder in ``status.json``).
    parameters : dict
        Parameters the notebook ran with.
    seconds : float
        Wall time from kernel start to HTML written.
    error : str or None
        One line saying which step failed and why, for failed runs.
    summary : dict or None
        Headline numbers the notebook published with :func:`publish_summary`.
    """

    notebook: str
    key: str | None
    run_id: str
    status: str
    directory: str
    html: str
    executed: str
    parameters: dict[str, Any]
    started: str
    seconds: float
    error: str | None = None
    summary: dict[str, Any] | None = None


def notebook_parameters(notebook: str | os.PathLike) -> dict[str, dict[str, Any]]:
    """Describe the parameters a notebook template accepts.

    Parameters
    ----------
    notebook : str or path-like
        Path to the template.

    Returns
    -------
    dict
        Parameter name to ``{"type": ..., "default": ..., "help": ...}`` as papermill reads
        them from the cell tagged ``parameters``.

    Raises
    ------
    ReportError
        If the notebook does not exist or has no ``parameters`` cell.
    """
    import nbformat
    from papermill.translators import papermill_translators

    path = Path(notebook)
    if not path.exists():
        available = ", ".join(sorted(p.stem for p in config.NOTEBOOKS_DIR.glob("*.ipynb")))
        raise ReportError(f"notebook {path} not found; available notebooks: {available}")
    nb = nbformat.read(str(path), as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        raise ReportError(f"{path.name} has no cell tagged 'parameters'; tag one in Jupyter")
    # Templates are stripped of kernel metadata, so name the Python translator explicitly
    # (papermill.inspect_notebook would need the kernelspec).
    translator = papermill_translators.find_translator("python3", "python")
    return {
        p.name: {"type": p.inferred_type_name, "default": p.default, "help": p.help}
        for p in translator.inspect(cells[0])
    }


def validate_parameters(notebook: str | os.PathLike, parameters: Mapping[str, Any]) -> None:
    """Reject parameter names the notebook does not declare.

    Papermill only warns about unknown names and runs anyway; a scheduled job with a typo
    would then silently use the default. We stop before running instead.

    Parameters
    ----------
    notebook : str or path-like
        Path to the template.
    parameters : mapping
        Parameter values to check.

    Raises
    ------
    ParameterError
        Naming the unknown parameters and listing the accepted ones.
    """
    declared = notebook_parameters(notebook)
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ParameterError(
            f"{Path(notebook).name} has no parameter {', '.join(map(repr, unknown))}; "
            f"it accepts: {', '.join(sorted(declared))}"
        )


def publish_summary(summary: Mapping[str, Any]) -> None:
    """Publish a notebook's headline numbers for ``summary.json``.

    Call it once, in a cell of the report notebook. Nothing is shown in the HTML report;
    the runner reads the numbers back from the executed notebook and writes them to
    ``summary.json`` beside the HTML, for dashboards and scheduled jobs.

    Parameters
    ----------
    summary : mapping
        JSON-serializable headline numbers (for example, per metric: estimate, lower,
        upper, p-value and model).
    """
    from IPython.display import display

    payload = _safe_strings(finite_or_none(json.loads(json.dumps(summary, default=_json_default))))
    display({SUMMARY_MIMETYPE: payload}, raw=True)


def _safe_strings(value: Any) -> Any:
    """Every string of a summary without control characters or personal data: dashboards
    show campaign names and notes as they are."""
    if isinstance(value, dict):
        return {clean(k): _safe_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_safe_strings(v) for v in value]
    if isinstance(value, str):
        return mask_pii(clean(value))
    return value


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot serialize {type(value).__name__} in a report summary")


def _extract_summary(nb: Any) -> dict[str, Any] | None:
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if SUMMARY_MIMETYPE in data:
                return dict(data[SUMMARY_MIMETYPE])
    return None


#: Exceptions raised on purpose on bad input, whose message is written for people.
_INPUT_ERRORS = frozenset(errors.__all__)


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class _Failure:
    section: str | None
    ename: str
    evalue: str
    traceback: str = ""

    @property
    def line(self) -> str:
        """One line for stdout, ``status.json`` and the index (masked, no paths)."""
        where = f"section '{safe_message(self.section, limit=80)}'" if self.section else "a cell"
        return f"{where} failed: {self.ename}: {safe_message(self.evalue)}"


def _failure(nb: Any) -> _Failure | None:
    """Which section failed and why, from the executed notebook."""
    heading = None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#+\s*(.+)$", cell.source, flags=re.M)
            if match:
                heading = match.group(1).strip()
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                trace = _ANSI.sub("", "\n".join(output.get("traceback", [])))
                return _Failure(
                    heading, str(output.get("ename")), str(output.get("evalue")), trace
                )
    return None


#: nbconvert template of the report pages: the lab page without CDN scripts.
REPORT_TEMPLATE = Path(__file__).parent / "templates" / "report.html.j2"


def export_html(
    executed: str | os.PathLike, target: str | os.PathLike, *, show_code: bool = False
) -> Path:
    """Export an executed notebook to a stand-alone HTML page.

    The page loads nothing from outside (no require.js, MathJax or mermaid from a CDN;
    figures are embedded PNG) and its Content-Security-Policy forbids scripts and outside
    requests.

    Parameters
    ----------
    executed : str or path-like
        The executed notebook.
    target : str or path-like
        The HTML file to write.
    show_code : bool, default False
        Keep code cells and warnings, for the data scientist; report pages hide them.

    Returns
    -------
    pathlib.Path
        The written HTML file.
    """
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.read(str(executed), as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        # Machine-readable summaries go to summary.json, not to the page; warnings printed
        # to stderr are for the analyst, not for the reader (failure pages keep them).
        cell["outputs"] = [
            o
            for o in cell.get("outputs", [])
            if SUMMARY_MIMETYPE not in o.get("data", {})
            and (show_code or not (o.get("output_type") == "stream" and o.get("name") == "stderr"))
        ]
    exporter = HTMLExporter(
        template_name="lab",
        template_file=REPORT_TEMPLATE.name,
        extra_template_paths=[str(REPORT_TEMPLATE.parent)],
    )
    exporter.exclude_input = not show_code
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    remover = TagRemovePreprocessor(
        remove_cell_tags=set(REMOVED_CELL_TAGS) if not show_code else {"injected-parameters"},
        remove_all_outputs_tags={"remove-output"},
        remove_input_tags={"remove-input"},
    )
    exporter.register_preprocessor(remover, enabled=True)
    title = nb.metadata.get("title") or Path(executed).stem.replace("-", " ").capitalize()
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    target = Path(target)
    _atomic_write(target, body)
    return target


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _new_run_id(job: Job, reports_dir: Path) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    base = f"{stamp}-{_slug(job.key)}" if job.key else stamp
    run_id, n = base, 1
    while (reports_dir / job.name / run_id).exists():
        n += 1
        run_id = f"{base}-{n}"
    return run_id


def _slug(text: str) -> str:
    """A file-name part for a key, distinct for distinct keys.

    Calendar ids are file names as they are (``io.calendar.ID_PATTERN``); any other key
    ("a/b", "a b", 300 characters) is cut, cleaned and suffixed with a hash of the key, so
    that two keys never share a folder name or a ``latest-*.html`` link.
    """
    text = str(text)
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-.")[:48] or "run"
    if slug == text and len(text) <= 64:
        return slug
    return f"{slug}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:10]}"


#: Thread pools of the numeric libraries, pinned to one thread in every report kernel.
#: The models solve small systems (hundreds of rows, tens of columns), where OpenBLAS's
#: extra threads only spin: on the 2-core machine, with other work running, one campaign
#: report used 29 s of CPU with the default pools against 6 s with one thread, and two
#: kernels in parallel each with a thread per core ran six times slower. A value the
#: caller set in the environment is kept.
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@contextlib.contextmanager
def _one_thread_kernels():
    """Start kernels with the numeric thread pools at one thread (the kernel inherits the
    environment of this process), then restore the environment."""
    added = [name for name in _THREAD_VARIABLES if name not in os.environ]
    for name in added:
        os.environ[name] = "1"
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


def run_notebook(
    job: Job,
    *,
    reports_dir: str | os.PathLike = config.REPORTS_DIR,
    kernel_name: str = config.KERNEL_NAME,
    progress: bool = False,
) -> RunRecord:
    """Execute one notebook with papermill and export it to HTML.

    Parameters
    ----------
    job : Job
        The notebook and its parameters. Unknown parameter names are rejected first.
    reports_dir : str or path-like, optional
        Root folder of the reports; ``config.REPORTS_DIR`` by default.
    kernel_name : str, optional
        Jupyter kernel to run the notebook with; the project's kernel by default.
    progress : bool, default False
        Show papermill's cell progress bar.

    Returns
    -------
    RunRecord
        The run's outcome. A failed run keeps its executed notebook and an HTML page that
        says which step failed; the stable ``latest`` link keeps pointing to the last
        successful run.

    Raises
    ------
    ParameterError
        If a parameter name is unknown.
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    validate_parameters(job.path, job.parameters)
    reports_dir = Path(reports_dir)
    run_id = _new_run_id(job, reports_dir)
    run_dir = reports_dir / job.name / run_id
    run_dir.mkdir(parents=True)
    executed = run_dir / f"{job.name}.ipynb"
    html_path = run_dir / f"{job.name}.html"
    started = time.strftime("%Y-%m-%dT%H:%M:%S")
    t0 = time.perf_counter()
    error = None
    failure = None

    def execute() -> None:
        with _one_thread_kernels():
            papermill.execute_notebook(
                str(job.path),
                str(executed),
                parameters=dict(job.parameters),
                kernel_name=kernel_name,
                language="python",
                cwd=str(config.PROJ_ROOT),
                progress_bar=progress,
                log_output=False,
                # the kernel warns on stderr that it uses TCP on localhost: noise in cron logs;
                # and jupyter_client 8 interrupts the kernel before every shutdown, which
                # ipykernel logs as "ERROR | KeyboardInterrupt caught in kernel." after a run
                # that went well. Cell errors still reach the executed notebook and run.log.
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
                # every output is in once the last cell has run (nbclient waits for the
                # kernel to go idle after each cell): end the kernel at once, instead of
                # letting it tear down its interpreter (0.5 s for a campaign report's)
                shutdown_kernel="immediate",
            )

    try:
        try:
            execute()
        except RuntimeError as exc:
            # a kernel that died while starting ran no cell (seen once in a full test run
            # on a busy two-core machine): a scheduled report tries once more
            if "before replying to kernel_info" not in str(exc):
                raise
            execute()
    except PapermillExecutionError:
        failure = _failure(nbformat.read(str(executed), as_version=4))
        error = (
            failure.line if failure else "the notebook failed before any cell reported an error"
        )
    except Exception as exc:  # kernel missing or dead: still leave a record of the run
        error = f"the notebook could not run: {type(exc).__name__}: {safe_message(exc)}"
        if "No such kernel" in str(exc):
            error += " (register it with `make install`)"
    summary = None
    if error is None:
        nb = nbformat.read(str(executed), as_version=4)
        summary = _extract_summary(nb)
        export_html(executed, html_path)
    else:
        # the reader gets a plain page; the traceback stays in the executed notebook and
        # run.log, for the data scientist (personal data masked there too)
        _atomic_write(html_path, _failure_page(job, failure, run_id))
        trace = failure.traceback if failure is not None else ""
        _atomic_write(run_dir / "run.log", mask_pii(f"{error}\n\n{trace}".strip()) + "\n")
    record = RunRecord(
        notebook=job.name,
        key=job.key,
        run_id=run_id,
        status="ok" if error is None else "failed",
        directory=str(run_dir),
        html=str(html_path),
        executed=str(executed),
        parameters={k: v for k, v in job.parameters.items() if k != DATA_CACHE_PARAMETER},
        started=started,
        seconds=round(time.perf_counter() - t0, 2),
        error=error,
        summary=summary,
    )
    if summary is not None:
        _atomic_write(
            run_dir / "summary.json",
            json.dumps(finite_or_none(summary), indent=2, sort_keys=True, allow_nan=False),
        )
    _atomic_write(
        run_dir / "status.json",
        json.dumps(_published(record, reports_dir), indent=2, sort_keys=True),
    )
    if record.status == "ok":
        _write_latest_link(reports_dir, record)
    return record


#: Notebook parameter through which ``darksocial report`` hands the data it has already
#: read (and checked) to the notebooks, so that no notebook reads the folder a second time.
#: Set by the runner only, for notebooks that declare it; left out of ``status.json``.
DATA_CACHE_PARAMETER = "data_cache"


def _with_data_cache(jobs: Sequence[Job], cache: Path) -> list[Job]:
    """The jobs, each notebook that declares ``data_cache`` pointed at ``cache``."""
    declared: dict[Path, bool] = {}
    out = []
    for job in jobs:
        if job.path not in declared:
            declared[job.path] = DATA_CACHE_PARAMETER in notebook_parameters(job.path)
        if declared[job.path] and not job.parameters.get(DATA_CACHE_PARAMETER):
            job = Job(job.notebook, {**job.parameters, DATA_CACHE_PARAMETER: str(cache)}, job.key)
        out.append(job)
    return out


def _published(record: RunRecord, reports_dir: Path) -> dict[str, Any]:
    """The record as ``status.json`` holds it: paths relative to the reports folder."""
    out = asdict(record)
    for name in ("directory", "html", "executed"):
        out[name] = _relative(out[name], reports_dir)
    params = dict(out["parameters"])
    if params.get("data_dir"):
        params["data_dir"] = _relative(params["data_dir"], reports_dir)
    out["parameters"] = _safe_strings(params)
    return out


def _relative(path: str | os.PathLike, reports_dir: Path) -> str:
    path = Path(path)
    if not path.is_absolute():
        return path.as_posix()
    try:
        return Path(os.path.relpath(path, reports_dir.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return path.name


#: What the reader of a failed report can do, by kind of failure.
_FIX_INPUT = (
    "Correct the data folder or the report's settings as the sentence above says, then "
    "run the report again. "
    "Until then, the last good report stays published."
)
_FIX_UNEXPECTED = (
    "This is not a problem with your data that we recognise. Send the run name {run_id} "
    "to whoever maintains the reports: the details are in the executed notebook of that "
    "run folder. Until then, the last good report stays published."
)


def _failure_page(job: Job, failure: _Failure | None, run_id: str) -> str:
    """A failed run's page, for a reader: which section, why in plain words, what to do.

    No code, traceback or server path: those stay in the run's executed notebook.
    """
    title = job.name.replace("-", " ").capitalize()
    if failure is not None and failure.ename in _INPUT_ERRORS:
        why = safe_message(failure.evalue).rstrip(".") + "."
        todo = _FIX_INPUT
    else:
        why = "the analysis stopped on an unexpected error."
        todo = _FIX_UNEXPECTED.format(run_id=run_id)
    where = (
        f"The section “{html.escape(safe_message(failure.section, limit=80))}” could not be "
        "built: "
        if failure is not None and failure.section
        else "The report could not be built: "
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"{config.HTML_GENERATOR_TAG}"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "style-src 'unsafe-inline'\">"
        f"<title>{html.escape(title)}: not available</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:2em auto;"
        "padding:0 1em;color:#222;line-height:1.5}"
        ".box{background:#fde8e8;border:2px solid #c0392b;padding:1em}</style></head>"
        f"<body><h1>{html.escape(title)}</h1><div class='box'>"
        "<p><strong>This report could not be built.</strong></p>"
        f"<p>{where}{html.escape(why)}</p>"
        f"<p><strong>What to do:</strong> {html.escape(todo)}</p></div></body></html>"
    )


def _latest_name(record: RunRecord) -> str:
    return f"latest-{_slug(record.key)}.html" if record.key else "latest.html"


def _write_latest_link(reports_dir: Path, record: RunRecord) -> None:
    target = f"{record.run_id}/{Path(record.html).name}"
    page = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'>{config.HTML_GENERATOR_TAG}"
        f"<meta http-equiv='refresh' content='0; url={html.escape(target)}'>"
        f"<title>{html.escape(record.notebook)}</title></head>"
        f"<body><a href='{html.escape(target)}'>Latest report</a></body></html>"
    )
    _atomic_write(reports_dir / record.notebook / _latest_name(record), page)


def _load_records(reports_dir: Path) -> list[RunRecord]:
    records = []
    for status in sorted(reports_dir.glob("*/*/status.json")):
        try:
            records.append(RunRecord(**json.loads(status.read_text())))
        except (TypeError, ValueError):
            continue  # a run folder from an older layout: skip rather than fail the index
    return records


#: Runs kept per report (per notebook and campaign) when the index is written; older run
#: folders are deleted, except the newest successful run, which the stable link opens.
#: None keeps every run.
KEEP_RUNS = 10

#: What each report notebook is, in words, for the index.
_REPORT_TITLES = {
    "campaign-impact": "Campaign report",
    "dark-social-overview": "Overview of every campaign",
    "explore-sources": "The data, source by source",
}


def prune_runs(reports_dir: str | os.PathLike, *, keep: int | None = KEEP_RUNS) -> list[Path]:
    """Delete old run folders, keeping the last ``keep`` runs of each report.

    A report is one notebook for one key (campaign). The newest successful run is always
    kept, so ``latest-<key>.html`` never points at a deleted page.

    Parameters
    ----------
    reports_dir : str or path-like
        Root folder of the reports.
    keep : int or None, default KEEP_RUNS (10)
        Runs to keep per report; None keeps all.

    Returns
    -------
    list of pathlib.Path
        The deleted run folders.
    """
    import shutil

    if keep is None:
        return []
    if keep < 1:
        raise ParameterError(f"keep={keep}: keep at least one run per report, or None for all")
    reports_dir = Path(reports_dir)
    groups: dict[tuple[str, str | None], list[RunRecord]] = {}
    for r in _load_records(reports_dir):
        groups.setdefault((r.notebook, r.key), []).append(r)
    deleted = []
    for runs in groups.values():
        runs.sort(key=lambda r: (r.started or "", r.run_id), reverse=True)
        kept = runs[:keep]
        good = next((r for r in runs if r.status == "ok"), None)
        if good is not None and good not in kept:
            kept.append(good)
        for r in runs:
            if r in kept:
                continue
            folder = reports_dir / r.notebook / r.run_id
            # only ever a run folder of this reports folder: it holds the status.json read
            if folder.is_dir() and (folder / "status.json").exists():
                shutil.rmtree(folder)
                deleted.append(folder)
    return deleted


def _when(record: RunRecord) -> str:
    """The run's start as a reader writes it: ``30 Nov 2026, 14:08``."""
    try:
        t = time.strptime(str(record.started)[:16], "%Y-%m-%dT%H:%M")
    except (TypeError, ValueError):
        return html.escape(record.run_id)
    return f"{t.tm_mday} {time.strftime('%b %Y, %H:%M', t)}"


def _verdicts(summary: Mapping[str, Any] | None) -> str:
    """One line per metric: its verdict as the campaign report words it, with the lift."""
    from darksocial.campaign import PLACEBO_DOUBTS
    from darksocial.formatting import interval, number, percent

    if not summary:
        return ""
    metrics = summary.get("metrics")
    if not isinstance(metrics, Mapping):
        return html.escape(str(summary.get("headline", "")))
    lines = []
    for metric, v in metrics.items():
        if not isinstance(v, Mapping):
            continue
        # zero in most periods before launch: the change in units, as the report says it
        # (its relative lift may be undefined there, an expected total of zero or less)
        sparse = bool(v.get("sparse")) and v.get("estimate") is not None
        if v.get("relative") is None and not sparse:
            continue
        key = "" if sparse else "relative_"
        lo, hi = v.get(f"{key}lower"), v.get(f"{key}upper")
        word = "no clear change"
        if v.get("significant"):
            word = "rose" if (lo or 0) > 0 else "fell"
        label = str(v.get("label") or metric.replace("_", " "))
        text = f"{label[:1].upper() + label[1:]}: {word}, "
        if sparse:
            text += f"{number(v['estimate'], signed=True)} {v.get('unit_text') or ''}".rstrip()
            if lo is not None and hi is not None:
                text += f" ({interval(lo, hi, kind='number')})"
        else:
            text += percent(v["relative"])
            if lo is not None and hi is not None:
                text += f" ({interval(lo, hi)})"
        # the bottom line's reconciled verdict when the placebo check overrules the model
        doubt = PLACEBO_DOUBTS.get(str(v.get("placebo_verdict")))
        if v.get("significant") and doubt:
            text += f", but {doubt}"
        moved = v.get("moved_too")
        if v.get("significant") and isinstance(moved, list) and moved:
            # as the bottom line's last bullet: the market may have moved it
            names = ", ".join(str(m) for m in moved)
            text += f"; {names} {'rose' if (lo or 0) > 0 else 'fell'} too (the market?)"
        lines.append(html.escape(text))
    skipped = summary.get("skipped_metrics")
    if not lines and isinstance(skipped, Mapping) and skipped:
        # a campaign no series could measure: its cell was blank in the index
        lines = [html.escape(f"Not measured: {why}.") for why in dict.fromkeys(skipped.values())]
    elif not lines and not metrics and summary.get("campaign") is not None:
        # a folder without any series (only ads files and a calendar): blank as well; one
        # with a Trends download not read as the brand says why (its search section does)
        search = (summary.get("sections") or {}).get("search") or {}
        why = str(search.get("why") or "")
        lines = [
            html.escape(why)
            # the folder's own download ("the Google Trends download ... holds ..."), not the
            # advice to make one, which a folder of one unusable GA4 file got as its reason
            if "the Google Trends download" in why
            else "Not measured: this data folder holds no series to measure it on (Search "
            "Console, Google Trends or GA4)."
        ]
    if summary.get("placebo_intervals_too_narrow"):
        p = summary.get("placebo_in_time_p")
        # in words: "intervals too narrow; calibrated p" read as jargon on the index
        lines.append(
            "<i>The model also finds lifts at fake launches before the campaign, so its own "
            "p-value overstates how sure we are; the placebo check gives p = "
            + (f"{p:.2f}" if isinstance(p, float) else "n/a")
            + "</i>"
        )
    return "<br>".join(lines)


def write_index(
    reports_dir: str | os.PathLike = config.REPORTS_DIR, *, keep: int | None = KEEP_RUNS
) -> Path:
    """Write ``reports/index.html``: the latest run of each report, then older runs.

    Each report's row names its campaign, gives the verdict per metric in the campaign
    report's words, the run's date, and a stable link when a successful run exists. Old
    runs beyond ``keep`` per report are deleted first (:func:`prune_runs`).

    Parameters
    ----------
    reports_dir : str or path-like, optional
        Root folder of the reports.
    keep : int or None, default KEEP_RUNS (10)
        Runs kept per report (notebook and campaign); None keeps every run.

    Returns
    -------
    pathlib.Path
        The index file.
    """
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    prune_runs(reports_dir, keep=keep)
    records = sorted(
        _load_records(reports_dir), key=lambda r: (r.started or "", r.run_id), reverse=True
    )
    latest: dict[tuple[str, str | None], RunRecord] = {}
    for r in records:
        latest.setdefault((r.notebook, r.key), r)
    order = list(_REPORT_TITLES)

    def rank(r: RunRecord):
        first = order.index(r.notebook) if r.notebook in order else len(order)
        launch = str((r.summary or {}).get("window", [""])[0] or "")
        return (first, launch, r.key or "")

    def page_link(r: RunRecord, text: str) -> str:
        href = Path(r.notebook, r.run_id, Path(r.html).name).as_posix()
        return f"<a href='{html.escape(href)}'>{text}</a>"

    rows = []
    for r in sorted(latest.values(), key=rank):
        title = _REPORT_TITLES.get(r.notebook, r.notebook.replace("-", " ").capitalize())
        name = (r.summary or {}).get("name") if r.key else None
        what = html.escape(title) + (
            f": <b>{html.escape(str(name or r.key))}</b>" if r.key else ""
        )
        window = (r.summary or {}).get("window")
        if r.key and isinstance(window, list) and len(window) == 2:
            try:
                a, b = (time.strptime(w, "%Y-%m-%d") for w in window)
                what += f"<br><small>{_day_text(a)} to {_day_text(b)}</small>"
            except (TypeError, ValueError):
                pass
        if r.status == "ok":
            verdict = _verdicts(r.summary)
        else:
            verdict = "<b>This run failed</b>: " + html.escape(str(r.error or "see the page"))
        stable = reports_dir / r.notebook / _latest_name(r)
        good = any(x.status == "ok" for x in records if (x.notebook, x.key) == (r.notebook, r.key))
        link = (
            f"<a href='{html.escape(Path(r.notebook, _latest_name(r)).as_posix())}'>"
            "latest good</a>"
            if good and stable.exists()
            else "no successful run yet"
        )
        rows.append(
            f"<tr><td>{what}</td><td>{verdict}</td>"
            f"<td class='when'>{page_link(r, _when(r))}</td><td>{link}</td></tr>"
        )
    older = [r for r in records if latest.get((r.notebook, r.key)) is not r]
    old_items = "".join(
        f"<li>{page_link(r, _when(r))}: "
        + html.escape(_REPORT_TITLES.get(r.notebook, r.notebook))
        + (f", {html.escape(str((r.summary or {}).get('name') or r.key))}" if r.key else "")
        + ("" if r.status == "ok" else " (failed)")
        + "</li>"
        for r in older
    )
    keep_text = "every run is kept" if keep is None else f"the last {keep} runs of each are kept"
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
{config.HTML_GENERATOR_TAG}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>darksocial reports</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5em auto; max-width: 72em;
        padding: 0 1em; color: #222; line-height: 1.45; }}
.scroll {{ overflow-x: auto; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border-bottom: 1px solid #ddd; padding: .5em .7em; text-align: left;
          vertical-align: top; }}
th {{ background: #f4f4f4; }}
td.when {{ white-space: nowrap; }}
@media (max-width: 600px) {{
  table, tbody, tr, td {{ display: block; width: auto; }}
  tr:first-child {{ display: none; }}
  tr {{ border-bottom: 2px solid #ccc; padding: .4em 0; }}
  td {{ border: none; padding: .2em 0; }}
}}
</style></head>
<body><h1>darksocial reports</h1>
<p>The latest run of each report. “Latest good” always opens the most recent successful
run; {keep_text}.</p>
<div class="scroll"><table><tr><th>Report</th><th>What it found</th><th>Run</th>
<th>Stable link</th></tr>
{chr(10).join(rows)}
</table></div>
{f"<h2>Earlier runs</h2><ul>{old_items}</ul>" if old_items else ""}
</body></html>
"""
    index = reports_dir / "index.html"
    _atomic_write(index, page)
    return index


def _day_text(t: time.struct_time) -> str:
    """A date as ``3 Feb 2025`` from a ``time.struct_time``."""
    return f"{t.tm_mday} {time.strftime('%b %Y', t)}"


def _run_job(args: tuple[Job, str, str]) -> RunRecord:
    job, reports_dir, kernel_name = args
    return run_notebook(job, reports_dir=reports_dir, kernel_name=kernel_name)


def run_jobs(
    jobs: Sequence[Job],
    *,
    reports_dir: str | os.PathLike = config.REPORTS_DIR,
    kernel_name: str = config.KERNEL_NAME,
    workers: int | None = None,
    log=print,
) -> list[RunRecord]:
    """Run several notebooks, in parallel over the machine's cores, and refresh the index.

    Parameters
    ----------
    jobs : sequence of Job
        What to run. Every job's parameters are validated before any notebook starts.
    reports_dir : str or path-like, optional
        Root folder of the reports.
    kernel_name : str, optional
        Jupyter kernel to run the notebooks with.
    workers : int, optional
        Parallel runs; the number of cores by default.
    log : callable, optional
        Receives one progress line per finished run.

    Returns
    -------
    list of RunRecord
        In the order of ``jobs``.
    """
    for job in jobs:
        validate_parameters(job.path, job.parameters)
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    args = [(job, str(reports_dir), kernel_name) for job in jobs]
    records: list[RunRecord] = []
    if workers == 1:
        iterator: Iterable[RunRecord] = map(_run_job, args)
        for n, record in enumerate(iterator, 1):
            log(_progress_line(n, len(jobs), record))
            records.append(record)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for n, record in enumerate(pool.map(_run_job, args), 1):
                log(_progress_line(n, len(jobs), record))
                records.append(record)
    write_index(reports_dir)
    return records


def _progress_line(n: int, total: int, record: RunRecord) -> str:
    what = f"{record.notebook}" + (f" [{record.key}]" if record.key else "")
    if record.status == "ok":
        return f"[{n}/{total}] {what}: ok in {record.seconds:.1f} s -> {record.html}"
    return f"[{n}/{total}] {what}: FAILED ({safe_message(record.error)}) -> {record.html}"


# --- the report command -----------------------------------------------------------------


def parse_parameters(
    pairs: Sequence[Sequence[str]] = (), *, params_file: str | os.PathLike | None = None
) -> dict[str, Any]:
    """Read notebook parameters given as text: a YAML file, then ``NAME VALUE`` pairs.

    Parameters
    ----------
    pairs : sequence of (str, str), optional
        Names and values as typed (``-p alpha 0.1``); each value is read as YAML, so
        ``0.1``, ``true`` and ``[a, b]`` become numbers, booleans and lists. They win over
        the file.
    params_file : str or path-like, optional
        A YAML file holding a mapping of name: value.

    Returns
    -------
    dict
        Parameter values; dates as ISO strings, as the notebooks take them.

    Raises
    ------
    ParameterError
        A missing or broken file, or a value that cannot be read (a date that does not
        exist, broken YAML).
    """
    params_file = None if params_file is None else Path(params_file)
    params: dict[str, Any] = {}
    if params_file is not None:
        if not params_file.exists():
            raise ParameterError(f"parameters file {params_file} not found")
        try:
            loaded = yaml.safe_load(params_file.read_text()) or {}
        except ValueError as exc:  # a date that does not exist, e.g. 2025-13-01
            raise ParameterError(f"{params_file}: {exc}; write dates as YYYY-MM-DD") from None
        except yaml.YAMLError as exc:
            line = getattr(getattr(exc, "problem_mark", None), "line", None)
            where = f" line {line + 1}" if line is not None else ""
            raise ParameterError(f"{params_file}{where} is not valid YAML") from None
        if not isinstance(loaded, dict):
            raise ParameterError(f"{params_file} must hold a mapping of name: value")
        params.update(loaded)
    for name, value in pairs:
        try:
            params[name] = yaml.safe_load(value)
        except (ValueError, yaml.YAMLError):
            raise ParameterError(
                f"-p {name} {value!r} cannot be read (a date that does not exist, or broken "
                "YAML); write dates as YYYY-MM-DD and quote text with special characters"
            ) from None
    # YAML reads 2025-03-01 as a date; notebooks take dates as ISO strings.
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in params.items()}


#: The campaign report notebook, run once per campaign.
CAMPAIGN_NOTEBOOK = "campaign-impact"
#: Notebooks of the main job besides the campaign reports, in the order they run.
#: The one notebook that needs no campaign calendar: a first look at a folder's exports.
EXPLORE_NOTEBOOK = "explore-sources"
MAIN_NOTEBOOKS = ("dark-social-overview", EXPLORE_NOTEBOOK)


def _for_notebook(notebook: str, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """Keep the shared parameters that this notebook declares."""
    declared = notebook_parameters(Job(notebook).path)
    return {k: v for k, v in parameters.items() if k in declared}


def _calendar_ids(data_dir: str | os.PathLike | None, selected: Sequence[str]) -> list[str]:
    """The calendar's campaign ids; an error when the selected notebooks need one and it lacks."""
    from darksocial.io import load_campaigns, scan_folder
    from darksocial.io.calendar import NO_CALENDAR
    from darksocial.pages.params import data_folder

    folder = data_folder(data_dir)
    calendars = [e.path for e in scan_folder(folder) if e.source == "campaigns"]
    if calendars:
        return [str(i) for i in load_campaigns(calendars[0]).index]
    if any(Path(n).stem != EXPLORE_NOTEBOOK for n in selected):
        raise ParameterError(
            f"data folder {folder} {NO_CALENDAR}; `darksocial check --data {folder}` lists "
            "what the exports hold and the launch dates they can measure, and "
            f"`--notebook {EXPLORE_NOTEBOOK}` explores them without a calendar"
        )
    return []


def plan_jobs(
    *,
    campaigns: Sequence[str] | None = None,
    notebooks: Sequence[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
    data_dir: str | os.PathLike | None = None,
) -> list[Job]:
    """Decide what ``darksocial report`` runs.

    Parameters
    ----------
    campaigns : sequence of str, optional
        Campaign ids for the campaign report; every calendar campaign by default.
    notebooks : sequence of str, optional
        Notebooks to run; by default the campaign report for each campaign, then the
        overview and exploration notebooks. With ``campaigns`` and no ``notebooks``, only the
        campaign reports run.
    parameters : mapping, optional
        Parameters for every notebook; each notebook gets the ones it declares, except that a
        parameter no notebook declares is an error.
    data_dir : str or path-like, optional
        Data folder (``data_dir`` parameter of the notebooks); the bundled sample by default.

    Returns
    -------
    list of Job

    Raises
    ------
    ParameterError
        An unknown campaign id, or a parameter no selected notebook declares.
    """
    from darksocial.pages.params import data_folder

    params = dict(parameters or {})
    if data_dir:
        params["data_dir"] = str(data_dir)
    if params.get("data_dir"):
        # notebooks run from notebooks/: a relative folder must not be read from there
        params["data_dir"] = str(data_folder(params["data_dir"]))
    if "campaign_id" in params:
        campaigns = [*(campaigns or []), str(params.pop("campaign_id"))]
    if notebooks:
        selected = list(notebooks)
    elif campaigns:
        selected = [CAMPAIGN_NOTEBOOK]
    else:
        selected = [CAMPAIGN_NOTEBOOK] + [
            n for n in MAIN_NOTEBOOKS if (config.NOTEBOOKS_DIR / f"{n}.ipynb").exists()
        ]
    known = _calendar_ids(params.get("data_dir"), [CAMPAIGN_NOTEBOOK] if campaigns else selected)
    if campaigns:
        unknown = [c for c in campaigns if c not in known]
        if unknown:
            raise ParameterError(
                f"campaign {', '.join(map(repr, unknown))} is not in the calendar; "
                f"known: {', '.join(known)}"
            )
    declared: set[str] = set()
    for name in selected:
        declared |= set(notebook_parameters(Job(name).path))
    unused = sorted(set(params) - declared)
    if unused:
        raise ParameterError(
            f"no selected notebook has parameter {', '.join(map(repr, unused))}; "
            f"they accept: {', '.join(sorted(declared))}"
        )
    jobs = []
    for name in selected:
        own = _for_notebook(name, params)
        if "campaign_id" in notebook_parameters(Job(name).path):
            for cid in campaigns or known:
                jobs.append(Job(name, {**own, "campaign_id": cid}, key=cid))
        else:
            jobs.append(Job(name, own))
    return jobs


def _check_launches(statuses: Any, asked: Sequence[str] | None) -> None:
    """Stop (exit 2) on a campaign the data cannot measure, when that is a mistake.

    A campaign asked for by id (``--campaign``) that no series can measure (its launch
    outside the data, too little history, a gap), or a calendar none of whose launches the
    data reach (a wrong year, the wrong folder), stops the run with one line. In a
    folder's run with other campaigns to measure, such a campaign (next month's, say) gets
    a page that says why it was not measured.
    """
    from darksocial.campaign import OUTSIDE_DATA

    if statuses is None or not len(statuses.columns):
        return  # no calendar (an exploration of the exports alone) or no measurable series
    for cid in asked or ():
        row = statuses.loc[cid] if cid in statuses.index else None
        if row is not None and not (row == "measured").any():
            # check_covers' own line, which ends with the fix
            raise InterventionDateError(f"campaign {cid!r} cannot be measured: {row.iloc[0]}")
    outside = {
        str(cid): str(row.iloc[0]).split("; export")[0]
        for cid, row in statuses.iterrows()
        if all(OUTSIDE_DATA in str(v) for v in row)
    }
    fix = "check the launch date in the calendar or export a range that covers it"
    if not asked and outside and len(outside) == len(statuses):
        raise InterventionDateError(
            "no campaign in the calendar launches inside the data ("
            + "; ".join(f"{cid!r}: {why}" for cid, why in outside.items())
            + f"); {fix}"
        )


def run_reports(
    *,
    campaigns: Sequence[str] | None = None,
    notebooks: Sequence[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
    data_dir: str | os.PathLike | None = None,
    reports_dir: str | os.PathLike = config.REPORTS_DIR,
    workers: int | None = None,
) -> int:
    """Run ``darksocial report``: check the data folder, run the notebooks, write the index.

    Parameters
    ----------
    campaigns, notebooks, parameters, data_dir
        As :func:`plan_jobs`.
    reports_dir : str or path-like, default ``config.REPORTS_DIR``
        Where the reports and ``index.html`` are written.
    workers : int, optional
        Parallel runs; the number of cores by default.

    Returns
    -------
    int
        0 when every run succeeded, 1 when any failed.
    """
    from darksocial.coverage import assess
    from darksocial.io import load_folder
    from darksocial.io.cache import write_data_cache
    from darksocial.pages.params import data_folder

    reports_dir = Path(reports_dir)
    jobs = plan_jobs(
        campaigns=campaigns, notebooks=notebooks, parameters=parameters, data_dir=data_dir
    )
    folder = data_folder(jobs[0].parameters.get("data_dir") if jobs else data_dir)
    # read every export once before any notebook runs: unreadable input stops here (exit 2);
    # the notebooks then get what was read here instead of reading the folder again
    # the reports folder may lie inside the data folder: its pages are not exports
    sources = load_folder(folder, skip=[reports_dir])
    coverage = assess(sources)
    print(f"data folder {folder}:")
    print("\n".join(coverage.lines()))
    _check_launches(coverage.campaigns, campaigns)
    print(f"running {len(jobs)} report(s) into {reports_dir} ...", flush=True)
    with tempfile.TemporaryDirectory(prefix="darksocial-") as tmp:
        cache = write_data_cache(sources, folder, tmp, skip=[reports_dir])
        records = run_jobs(_with_data_cache(jobs, cache), reports_dir=reports_dir, workers=workers)
    index = write_index(reports_dir)
    failed = [r for r in records if r.status != "ok"]
    print(f"reports index: {index}")
    if failed:
        print(f"{len(failed)} of {len(records)} report(s) failed", file=sys.stderr)
        return 1
    return 0
