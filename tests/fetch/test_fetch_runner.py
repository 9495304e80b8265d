"""The fetch runner: settings, extras, atomic writes, credentials never written, CLI."""

from __future__ import annotations

import ast
import importlib.util
import json
import os
from pathlib import Path

import pytest
import yaml
from fetch_fakes import recorded, search_console_service, snapshot

from darksocial import cli
from darksocial.errors import DataFormatError
from darksocial.fetch import FetchError, fetch_folder, runner
from darksocial.fetch import _common as common
from darksocial.io import read_settings

ROOT = Path(__file__).resolve().parents[2]
SC = {"search_console": {"site": "sc-domain:trackmytools.com", "start": "2024-01-01"}}
OK = {"status": "200"}
EMPTY = '{"responseAggregationType": "byProperty"}'


def _sc_pages():
    return [(OK, recorded("search_console", "totals.json")), (OK, EMPTY),
            (OK, recorded("search_console", "queries_page1.json")),
            (OK, recorded("search_console", "queries_page2.json")), (OK, EMPTY)]  # fmt: skip


# --- settings -------------------------------------------------------------------------------


def test_settings_keys_are_read_and_validated(folder):
    root = folder({
        **SC,
        "ga4": {"property": 123456},
        "bigquery": {"dataset": "acme.analytics_1", "maximum_bytes_billed": 10**10},
        "meta": {"ad_account": "act_99"},
        "credentials": {"google": "application_default", "meta": {"token_env": "META_TOKEN"}},
    })  # fmt: skip
    fetch = read_settings(root).fetch
    assert fetch["ga4"] == {"property": "123456"}
    assert fetch["bigquery"]["maximum_bytes_billed"] == "10000000000"
    assert fetch["credentials"]["meta"] == {"token_env": "META_TOKEN"}


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"ga4": {"property": "G-ABC123"}}, "`ga4: property` must look like"),
        ({"meta": {"ad_account": "act_1", "access_token": "EAAB-secret"}}, "unknown key"),
        ({"bigquery": {"dataset": "acme.analytics_1"}}, "maximum_bytes_billed"),
        ({"credentials": {"meta": {"token": "EAAB-secret"}}}, "never written"),
        ({"credentials": {"meta": {"token_env": "EAAB-secret-value"}}}, "not its value"),
    ],
)
def test_bad_settings_say_how_to_fix_without_echoing_secrets(folder, settings, message):
    root = folder(settings)
    with pytest.raises(DataFormatError, match=message) as info:
        read_settings(root)
    assert "EAAB-secret" not in str(info.value)


def test_key_file_inside_the_data_folder_is_refused(folder):
    root = folder({"credentials": {"google": {"key_file": "key.json"}}})
    with pytest.raises(DataFormatError, match="inside the data folder"):
        read_settings(root)


def test_settings_without_a_source(folder):
    with pytest.raises(FetchError, match="names no source to fetch"):
        fetch_folder(folder({"brand": ["acme"]}), log=lambda _: None)


def test_missing_extra_names_it(folder, monkeypatch):
    monkeypatch.setattr(runner, "_installed", lambda module: False)
    with pytest.raises(FetchError, match=r"^meta: .*pip install -e \.\[meta\]"):
        fetch_folder(folder({"meta": {"ad_account": "act_1"}}), log=lambda _: None)


# --- writes ---------------------------------------------------------------------------------


def test_interrupted_write_leaves_no_partial_file(folder, monkeypatch):
    pytest.importorskip("googleapiclient")
    root = folder(SC)
    before = snapshot(root)

    def crash(src, dst):
        raise KeyboardInterrupt  # interrupted between the temporary file and the rename

    monkeypatch.setattr(common.os, "replace", crash)
    service, _ = search_console_service(_sc_pages())
    with pytest.raises(KeyboardInterrupt):
        fetch_folder(root, today="2024-01-07", clients={"search_console": service},
                     log=lambda _: None)  # fmt: skip
    assert snapshot(root) == before  # no partial file, no temporary file left


def test_failure_of_one_source_writes_nothing(folder, monkeypatch):
    pytest.importorskip("googleapiclient")
    root = folder({**SC, "meta": {"ad_account": "act_1"}})
    before = snapshot(root)
    monkeypatch.delenv("META_ACCESS_TOKEN", raising=False)
    service, _ = search_console_service(_sc_pages())
    with pytest.raises(FetchError, match="META_ACCESS_TOKEN"):
        fetch_folder(root, today="2024-01-07", clients={"search_console": service},
                     log=lambda _: None)  # fmt: skip
    assert snapshot(root) == before


# --- credentials ----------------------------------------------------------------------------


def _planted_key(tmp_path: Path) -> tuple[Path, dict]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    info = {
        "type": "service_account",
        "project_id": "acme",
        "private_key_id": "PLANTEDKEYID0123456789abcdef",
        "private_key": pem.decode(),
        "client_email": "darksocial@acme.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    path = tmp_path / "secrets" / "key.json"
    path.parent.mkdir()
    path.write_text(json.dumps(info))
    return path, info


def test_no_credential_string_in_any_file_or_line(folder, tmp_path, monkeypatch, capsys):
    pytest.importorskip("googleapiclient")
    pytest.importorskip("facebook_business")
    from test_fetch_ga4_meta_bigquery import _meta_account, _meta_pages

    key_path, info = _planted_key(tmp_path)
    token = "EAAPLANTEDFAKETOKEN0123456789"
    monkeypatch.setenv("META_ACCESS_TOKEN", token)
    root = folder({
        **SC,
        "meta": {"ad_account": "act_1234567890", "start": "2024-01-01"},
        "credentials": {"google": {"key_file": str(key_path)}},
    })  # fmt: skip
    seen = {}
    service, _ = search_console_service(_sc_pages())
    monkeypatch.setattr(
        runner.search_console, "build_client",
        lambda credentials: seen.setdefault("sc", credentials) and service,
    )  # fmt: skip
    # the first Graph response is a rate limit whose message echoes the token
    echo = (400, json.dumps({"error": {"message": f"limit for token {token}", "code": 17}}))
    account, _ = _meta_account([echo, *_meta_pages()])
    monkeypatch.setattr(runner.meta, "build_client", lambda t, a: seen.setdefault("meta", t)
                        and account)  # fmt: skip
    lines: list[str] = []
    fetch_folder(root, today="2024-01-08", log=lines.append, sleep=lambda _: None)
    assert seen["meta"] == token and seen["sc"].service_account_email.startswith("darksocial@")
    planted = [token, info["private_key_id"], info["private_key"].splitlines()[1]]
    texts = [p.read_bytes().decode("utf-8", "replace") for p in root.rglob("*") if p.is_file()]
    texts += lines + list(capsys.readouterr())
    for secret in planted:
        assert not any(secret in t for t in texts)
    # and an error that carries the token is redacted
    secrets = common.Secrets()
    secrets.add(token)
    assert token not in secrets.redact(f"meta: refused {token}")


# --- command line ---------------------------------------------------------------------------


def test_cli_fetch_error_is_one_line_and_exit_2(folder, capsys):
    root = folder({"brand": ["acme"]})
    assert cli.main(["fetch", "--data", str(root)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("darksocial fetch: error:") and "\n" not in err


def test_cli_fetch_runs(folder, monkeypatch, capsys):
    pytest.importorskip("googleapiclient")
    root = folder(SC)
    service, _ = search_console_service(_sc_pages())
    monkeypatch.setattr(runner.search_console, "build_client", lambda credentials: service)
    monkeypatch.setattr(runner, "_google_credentials", lambda *a: object())
    monkeypatch.setattr(runner.pd.Timestamp, "now", classmethod(lambda cls: cls("2024-01-07")))
    assert cli.main(["fetch", "--data", str(root), "--source", "search_console"]) == 0
    assert "wrote 1 file(s)" in capsys.readouterr().out
    assert (root / common.STATE_FILE).is_file()


# --- Airflow DAG ----------------------------------------------------------------------------

DAG = ROOT / "dags" / "darksocial_dag.py"


def test_dag_file_is_valid_python_with_fetch_then_reports():
    tree = ast.parse(DAG.read_text(encoding="utf-8"))
    text = ast.unparse(tree)
    assert "darksocial" in text and "fetch" in text and "report" in text
    assert "expand" in text  # one report task per campaign


@pytest.mark.skipif(importlib.util.find_spec("airflow") is None, reason="Airflow not installed")
def test_dag_imports_with_airflow(monkeypatch, tmp_path):
    monkeypatch.setenv("DARKSOCIAL_DATA", str(tmp_path))
    spec = importlib.util.spec_from_file_location("darksocial_dag", DAG)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dag = module.dag
    assert {"fetch", "campaign_ids", "report"} <= set(dag.task_ids)


def test_state_file_is_hidden_from_the_folder_scan(folder):
    from darksocial.io import scan_folder

    root = folder({})
    (root / common.STATE_FILE).write_text("{}\n")
    assert all(e.path.name != common.STATE_FILE for e in scan_folder(root))
    assert os.path.basename(common.STATE_FILE).startswith(".")
    assert yaml.safe_load((root / "darksocial.yml").read_text()) == {}
