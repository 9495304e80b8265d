"""One campaign report against the floor of any papermill report here.

Each report is timed as a whole process, as a scheduled job runs it: a fresh Python runs
:func:`darksocial.reporting.run_notebook` (imports, kernel start, execution, HTML
export). The floor is a two-cell notebook (a parameters cell and one print) through the
same runner: what any papermill report here costs before darksocial does any work. The
campaign report is podcast-s1 with every section (30 placebos, triangulation). Each runs
``REPEATS`` times, alternating, one at a time; the medians are compared. Target: a ratio
under 2. Run it on an otherwise idle machine: other load inflates the report more than
the floor.

    python benchmarks/bench_report_floor.py
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPEATS = 3
TARGET_RATIO = 2.0


def _floor_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("x: int = 1  # a parameter")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("print(x + 1)")]
    path = folder / "floor.ipynb"
    nbformat.write(nb, path)
    return path


_RUN = """
import json, sys
from darksocial import reporting
notebook, params, key, reports = json.loads(sys.argv[1])
record = reporting.run_notebook(reporting.Job(notebook, params, key=key), reports_dir=reports)
assert record.status == "ok", record.error
"""


def _time(notebook: str, params: dict, key: str | None, reports: Path) -> float:
    args = json.dumps([notebook, params, key, str(reports)])
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _RUN, args], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{notebook} failed:\n{done.stderr[-2000:]}")
    if "ERROR" in done.stderr:  # a successful run prints nothing alarming
        print(f"stderr of {Path(notebook).stem}: {done.stderr.strip()[-300:]}")
    return time.perf_counter() - t0


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        floor_nb = _floor_notebook(tmp)
        floor, report = [], []
        for _ in range(REPEATS):
            floor.append(_time(str(floor_nb), {}, None, tmp / "reports"))
            report.append(
                _time(
                    "campaign-impact", {"campaign_id": "podcast-s1"}, "podcast-s1", tmp / "reports"
                )
            )
        f, r = statistics.median(floor), statistics.median(report)
        runs = lambda xs: ", ".join(f"{x:.1f}" for x in xs)  # noqa: E731
        print(f"floor (two-cell notebook, whole process):       {f:5.1f} s  ({runs(floor)})")
        print(f"one campaign report (podcast-s1, every section): {r:5.1f} s  ({runs(report)})")
        print(f"ratio {r / f:.2f}  (target under {TARGET_RATIO:.1f})")


if __name__ == "__main__":
    main()
