"""One campaign report against the floor of any papermill report here, two ways.

Each report is timed as a whole process, as a scheduled job runs it, against a floor
timed the same way in the same run: a two-cell notebook (a parameters cell and one
print), what any papermill report here costs before darksocial does any work. The
campaign report is podcast-s1 with every section (30 placebos, placebo in space,
triangulation with the structural counterfactual row, every figure and table).

- **runner only**: a fresh Python runs :func:`darksocial.reporting.run_notebook` (imports,
  kernel start, execution, HTML export); the notebook reads the data folder itself, as
  it does when run by hand or by Airflow's ``PapermillOperator``.
- **darksocial report**: the whole command, ``python -m darksocial report --campaign
  podcast-s1`` against ``python -m darksocial report --notebook <floor>``. Both read and
  check the data folder first; the campaign notebook then gets that data from the runner.

Each command runs ``REPEATS`` times, the four alternating, one at a time; the ratio is the
median of the run-by-run ratios, for wall time and for CPU time (the command and every
process it waited for, the kernel included). Target: a ratio under 2. Run it on an otherwise idle machine:
other load inflates the report more than the floor.

    python benchmarks/bench_report_floor.py [--repeats N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPEATS = 5
TARGET_RATIO = 2.0
CAMPAIGN = "podcast-s1"


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


def _time(cmd: list[str], name: str) -> tuple[float, float]:
    """Wall and CPU seconds of one command (CPU: it and every process it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"{name} failed:\n{done.stdout[-1000:]}\n{done.stderr[-2000:]}")
    if "ERROR" in done.stderr:  # a successful run prints nothing alarming
        print(f"stderr of {name}: {done.stderr.strip()[-300:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _runner(notebook: str, params: dict, key: str | None, reports: Path) -> list[str]:
    return [sys.executable, "-c", _RUN, json.dumps([notebook, params, key, str(reports)])]


def _command(args: list[str], reports: Path) -> list[str]:
    return [sys.executable, "-m", "darksocial", "report", *args, "--reports", str(reports)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=REPEATS)
    repeats = parser.parse_args(argv).repeats
    import darksocial

    print(f"darksocial from {Path(darksocial.__file__).parent}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        floor_nb = _floor_notebook(tmp)
        reports = tmp / "reports"
        commands = {
            "runner floor": _runner(str(floor_nb), {}, None, reports),
            "runner report": _runner(
                "campaign-impact", {"campaign_id": CAMPAIGN}, CAMPAIGN, reports
            ),
            "command floor": _command(["--notebook", str(floor_nb)], reports),
            "command report": _command(["--campaign", CAMPAIGN], reports),
        }
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(repeats):
            for name, cmd in commands.items():
                times[name].append(_time(cmd, name))

    def med(name: str, i: int) -> float:
        return statistics.median(t[i] for t in times[name])

    def ratio(a: str, b: str, i: int) -> float:
        # paired run by run: a drift in the machine's speed moves both sides
        return statistics.median(x[i] / y[i] for x, y in zip(times[a], times[b], strict=True))

    def runs(name: str) -> str:
        return ", ".join(f"{t[0]:.1f}" for t in times[name])

    for way, what in (("runner", "runner only (run_notebook)"), ("command", "darksocial report")):
        floor, report = f"{way} floor", f"{way} report"
        print(f"{what}:")
        print(
            f"  floor (two-cell notebook):  wall {med(floor, 0):5.1f} s  cpu "
            f"{med(floor, 1):5.1f} s  (wall runs: {runs(floor)})"
        )
        print(
            f"  {CAMPAIGN}, every section: wall {med(report, 0):5.1f} s  cpu "
            f"{med(report, 1):5.1f} s  (wall runs: {runs(report)})"
        )
        print(
            f"  ratio wall {ratio(report, floor, 0):.2f}, cpu {ratio(report, floor, 1):.2f}"
            f"  (median of the {repeats} paired ratios; target under {TARGET_RATIO:.1f})"
        )


if __name__ == "__main__":
    main()
