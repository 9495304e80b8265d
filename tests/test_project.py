"""Project hygiene: CLI entry points, stripped notebooks, strict pytest config."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from darksocial import cli, config


def test_cli_help_lists_commands(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in ("report", "sample"):
        assert command in out


def test_python_m_darksocial_help():
    proc = subprocess.run(
        [sys.executable, "-m", "darksocial", "--help"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert "usage: darksocial" in proc.stdout


def test_python_m_darksocial_cli_runs_the_command(tmp_path):
    # `python -m darksocial.cli` used to import the module and exit 0 without doing anything
    run = [sys.executable, "-m", "darksocial.cli"]
    proc = subprocess.run([*run, "--help"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "usage: darksocial" in proc.stdout
    missing = tmp_path / "no-such-folder"
    proc = subprocess.run(
        [*run, "check", "--data", str(missing)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert "data folder not found" in proc.stderr


def test_cli_prints_one_line_on_bad_input(capsys, tmp_path):
    (tmp_path / "user-file.txt").write_text("mine\n")
    code = cli.main(["sample", "--output", str(tmp_path)])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and "error:" in err
    assert (tmp_path / "user-file.txt").read_text() == "mine\n"


def _notebooks():
    return sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.name)
def test_committed_notebooks_have_no_outputs(path):
    nb = json.loads(path.read_text())
    dirty = [
        i
        for i, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]
    assert not dirty, f"{path.name}: cells {dirty} carry outputs; clear them before committing"


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.name)
def test_notebooks_have_one_parameters_cell(path):
    nb = json.loads(path.read_text())
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, (
        f"{path.name}: expected one cell tagged 'parameters', got {len(tagged)}"
    )


def test_pytest_markers_are_strict():
    import tomllib

    opts = tomllib.loads((config.PROJ_ROOT / "pyproject.toml").read_text())["tool"]["pytest"][
        "ini_options"
    ]
    assert "--strict-markers" in opts["addopts"]
    assert {m.split(":")[0] for m in opts["markers"]} == {"slow", "notebook"}


def test_ruff_is_clean():
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--quiet", str(config.PROJ_ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]


def test_test_file_names_are_unique():
    # pytest's default import mode cannot hold two test modules with the same basename
    names = [p.name for p in (config.PROJ_ROOT / "tests").rglob("test_*.py")]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


def test_top_level_namespace_resolves_every_public_name():
    import darksocial

    for name in darksocial.__all__:
        assert getattr(darksocial, name) is not None, name
    assert callable(darksocial.campaign_report) and callable(darksocial.load_sample)
