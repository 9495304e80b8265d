"""``darksocial fetch``: bring a data folder up to date from the APIs its settings name."""

from __future__ import annotations

import importlib.util
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from darksocial.fetch import bigquery, ga4, meta, search_console
from darksocial.fetch._common import (
    STATE_FILE,
    FetchError,
    Secrets,
    read_state,
    state_text,
    write_atomic,
)

#: The sources, in the order they are fetched: settings key -> module.
SOURCES = {
    "search_console": search_console,
    "ga4": ga4,
    "bigquery": bigquery,
    "meta": meta,
}
#: The optional extra that installs each source's client, and a module it provides.
EXTRAS = {
    "search_console": ("google", "googleapiclient"),
    "ga4": ("google", "google.analytics.data_v1beta"),
    "bigquery": ("google", "google.cloud.bigquery"),
    "meta": ("meta", "facebook_business"),
}


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def _google_credentials(creds: Mapping[str, Any], scopes: Sequence[str], secrets: Secrets):
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError
    from google.oauth2 import service_account

    key_file = creds.get("key_file")
    if "key_file_env" in creds:
        key_file = os.environ.get(creds["key_file_env"])
        if not key_file:
            raise FetchError(
                f"credentials: the environment variable {creds['key_file_env']} is not set; "
                "set it to the path of the service-account key file"
            )
    if key_file:
        try:
            info = json.loads(Path(key_file).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise FetchError(
                "credentials: the Google key file cannot be read as a service-account JSON "
                "key; check the path in darksocial.yml"
            ) from None
        secrets.add(info.get("private_key"), info.get("private_key_id"))
        try:
            return service_account.Credentials.from_service_account_info(info, scopes=scopes)
        except (ValueError, KeyError):
            raise FetchError(
                "credentials: the Google key file is not a service-account key; create one "
                "in Google Cloud > IAM > Service accounts > Keys"
            ) from None
    try:
        credentials, _ = google.auth.default(scopes=list(scopes))
    except DefaultCredentialsError:
        raise FetchError(
            "credentials: no Google Application Default Credentials; run `gcloud auth "
            "application-default login`, or name a key file in darksocial.yml"
        ) from None
    return credentials


def _build(name: str, cfg: dict, creds: Mapping[str, Any], secrets: Secrets) -> Any:
    google = creds.get("google", {"application_default": True})
    if name == "meta":
        env = creds.get("meta", {}).get("token_env", "META_ACCESS_TOKEN")
        token = os.environ.get(env)
        if not token:
            raise FetchError(
                f"meta: the environment variable {env} holding the access token is not set"
            )
        secrets.add(token)
        return meta.build_client(token, cfg["ad_account"])
    module = SOURCES[name]
    credentials = _google_credentials(google, module.SCOPES, secrets)
    if name == "bigquery":
        project = cfg.get("project") or cfg["dataset"].split(".")[0]
        return bigquery.build_client(credentials, project, cfg.get("location"))
    return module.build_client(credentials)


def fetch_folder(
    directory: str | Path,
    *,
    sources: Sequence[str] | None = None,
    yes: bool = False,
    today: str | pd.Timestamp | None = None,
    clients: Mapping[str, Any] | None = None,
    log: Callable[[str], None] = print,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, str]:
    """Fetch every source a data folder's ``darksocial.yml`` names and write its files.

    Each source fetches only the days missing or not yet final on disk (the state is in
    the hidden ``.darksocial-fetch.json``). All sources are fetched before anything is
    written, so a failure leaves the folder as it was; each file is then replaced
    atomically (temporary file and :func:`os.replace`), and a file whose content did not
    change is not touched.

    Parameters
    ----------
    directory : str or pathlib.Path
        The data folder.
    sources : sequence of str, optional
        Fetch only these (``search_console``, ``ga4``, ``bigquery``, ``meta``); default:
        every source the settings name.
    yes : bool, default False
        Run a BigQuery query even when its dry run scans more than
        ``maximum_bytes_billed``.
    today : str or pandas.Timestamp, optional
        The run's date (default: the local date); days are final relative to it.
    clients : mapping, optional
        Ready API clients by source name (tests pass fakes); built from the settings'
        credentials otherwise.
    log : callable, default print
        Receives each progress line (credentials removed).
    sleep : callable, default time.sleep
        Waits between retries.

    Returns
    -------
    dict
        Source name -> its one-line summary.

    Raises
    ------
    FetchError
        One line naming the source and what to do: a missing extra, missing credentials,
        a rate limit that outlasted the retries, a refused request.
    """
    from darksocial.io.folder import read_settings

    directory = Path(directory)
    if not directory.is_dir():
        raise FetchError(f"{directory}: data folder not found")
    settings = read_settings(directory).fetch
    wanted = [s for s in SOURCES if s in settings]
    if sources:
        unknown = sorted(set(sources) - set(SOURCES))
        if unknown:
            raise FetchError(
                f"unknown source {', '.join(unknown)}; choose from {', '.join(SOURCES)}"
            )
        missing = [s for s in sources if s not in settings]
        if missing:
            raise FetchError(
                f"{missing[0]}: not in {directory / 'darksocial.yml'}; add e.g. "
                + {
                    "search_console": "`search_console: {site: sc-domain:acme.com}`",
                    "ga4": '`ga4: {property: "123456"}`',
                    "bigquery": "`bigquery: {dataset: my-project.analytics_123456, "
                    "maximum_bytes_billed: 10000000000}`",
                    "meta": "`meta: {ad_account: act_1234567890}`",
                }[missing[0]]
            )
        wanted = [s for s in SOURCES if s in sources]
    if not wanted:
        raise FetchError(
            f"{directory / 'darksocial.yml'} names no source to fetch; add search_console, "
            "ga4, bigquery or meta (see docs/live-data.md)"
        )
    clients = dict(clients or {})
    for name in wanted:
        extra, module = EXTRAS[name]
        if name not in clients and not _installed(module):
            raise FetchError(
                f"{name}: its API client is not installed; run `pip install -e .[{extra}]`"
            )
    secrets = Secrets()

    def say(line: str) -> None:
        log(secrets.redact(line))

    day = pd.Timestamp(str(today)) if today is not None else pd.Timestamp.now()
    day = day.normalize()
    state = read_state(directory)
    files: dict[Path, str] = {}
    new_state = dict(state)
    summaries = {}
    for name in wanted:
        cfg = settings[name]
        try:
            client = clients.get(name) or _build(
                name, cfg, settings.get("credentials", {}), secrets
            )
            module = SOURCES[name]
            options = {"yes": yes} if name == "bigquery" else {}
            written, source_state, summary = module.fetch(
                cfg,
                directory=directory,
                state=state.get(name),
                today=day,
                client=client,
                sleep=sleep,
                log=say,
                **options,
            )
        except FetchError as exc:
            raise FetchError(secrets.redact(str(exc))) from None
        files.update(written)
        if source_state is not None:
            new_state[name] = source_state
        summaries[name] = secrets.redact(summary)
    # everything is fetched: now write, data files first and the state last, so an
    # interruption between them only costs a re-fetch
    changed = [rel for rel, text in sorted(files.items()) if write_atomic(directory / rel, text)]
    if new_state != state or not (directory / STATE_FILE).exists() and new_state:
        write_atomic(directory / STATE_FILE, state_text(new_state))
    for line in summaries.values():
        say(line)
    say(
        f"wrote {len(changed)} file(s): {', '.join(str(p) for p in changed)}"
        if changed
        else "no file changed"
    )
    return summaries
