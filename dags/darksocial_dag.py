"""Airflow DAG: bring a darksocial data folder up to date from the APIs, then report.

Copy this file into Airflow's ``dags/`` folder on a worker where darksocial is installed
with its extras (``pip install -e .[google,meta]``) and set, in the worker's environment:

- ``DARKSOCIAL_DATA``: the data folder (campaign calendar, ``darksocial.yml``);
- ``DARKSOCIAL_BIN`` (optional): the ``darksocial`` executable, default ``darksocial``;
- the credentials ``darksocial.yml`` names (``GOOGLE_APPLICATION_CREDENTIALS`` or a key file
  path, ``META_ACCESS_TOKEN``), never in the DAG or the folder.

Tasks: ``fetch`` (``darksocial fetch --data DIR``), then ``campaign_ids`` (the calendar's
ids), then one mapped ``report`` task per campaign (``darksocial report --campaign ID``).
A failed fetch stops the run, so no report is made on stale data. Written for Airflow 2.4+
(``schedule``, dynamic task mapping); works on Airflow 3.
"""

from __future__ import annotations

import os
import subprocess
from datetime import datetime, timedelta

from airflow.decorators import dag, task

DATA = os.environ.get("DARKSOCIAL_DATA", "/srv/darksocial/data")
BIN = os.environ.get("DARKSOCIAL_BIN", "darksocial")


def _run(*args: str) -> None:
    # darksocial prints one line on a known error; Airflow's log keeps it
    subprocess.run([BIN, *args], check=True)


@dag(
    dag_id="darksocial",
    schedule="0 6 * * 1",  # Mondays 06:00, after the weekend's data is final
    start_date=datetime(2024, 1, 1),
    catchup=False,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=30)},
    tags=["darksocial"],
)
def darksocial_dag():
    """Fetch, then one campaign report per calendar entry."""

    @task
    def fetch() -> None:
        _run("fetch", "--data", DATA)

    @task
    def campaign_ids() -> list[str]:
        from darksocial.io import load_campaigns, scan_folder

        calendar = next(e.path for e in scan_folder(DATA) if e.source == "campaigns")
        return [str(i) for i in load_campaigns(calendar).index]

    @task
    def report(campaign: str) -> None:
        _run("report", "--data", DATA, "--campaign", campaign)

    ids = campaign_ids()
    fetch() >> ids
    report.expand(campaign=ids)


dag = darksocial_dag()
