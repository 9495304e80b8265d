"""Time the reports end to end (kernel start to HTML written), as a scheduled job runs them.

Targets on the 2-core development machine: one campaign report under 30 s; every sample
campaign under 3 minutes. Prints wall times and the ratio to each target (below 1 is
within target). Writes into a temporary folder, never into reports/.

    python benchmarks/bench_report.py
"""

from __future__ import annotations

import tempfile
import time

from darksocial import reporting

ONE_CAMPAIGN_TARGET_S = 30.0
ALL_CAMPAIGNS_TARGET_S = 180.0


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        record = reporting.run_notebook(
            reporting.Job("campaign-impact", {"campaign_id": "podcast-s1"}, key="podcast-s1"),
            reports_dir=tmp,
        )
        one = time.perf_counter() - t0
        assert record.status == "ok", record.error
        print(
            f"one campaign report (podcast-s1, all sections): {one:6.1f} s  "
            f"target {ONE_CAMPAIGN_TARGET_S:.0f} s  ratio {one / ONE_CAMPAIGN_TARGET_S:.2f}"
        )
        jobs = reporting.plan_jobs(notebooks=["campaign-impact"])
        t0 = time.perf_counter()
        records = reporting.run_jobs(jobs, reports_dir=tmp, log=lambda line: None)
        every = time.perf_counter() - t0
        assert all(r.status == "ok" for r in records), [r.error for r in records]
        print(
            f"every sample campaign ({len(jobs)} reports, 2 workers): {every:6.1f} s  "
            f"target {ALL_CAMPAIGNS_TARGET_S:.0f} s  ratio {every / ALL_CAMPAIGNS_TARGET_S:.2f}"
        )
        print("per report: " + ", ".join(f"{r.key} {r.seconds:.1f} s" for r in records))


if __name__ == "__main__":
    main()
