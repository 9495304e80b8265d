"""The two dependency lists (pyproject.toml for pip, environment.yml for conda) agree."""

from __future__ import annotations

import re
import tomllib

import yaml

from darksocial import config

#: conda-forge names that differ from the PyPI names.
CONDA_TO_PYPI = {"python-duckdb": "duckdb"}
#: conda-only entries that pip users get from the interpreter itself.
CONDA_ONLY = {"python", "pip"}


def _split(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    assert match, requirement
    name = match.group(1).lower().replace("_", "-")
    spec = match.group(2).replace(" ", "")
    return name, ",".join(sorted(spec.split(","))) if spec else ""


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((config.PROJ_ROOT / "pyproject.toml").read_text())
    project = data["project"]
    reqs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        reqs.extend(extra)
    return dict(_split(r) for r in reqs)


def _environment() -> dict[str, str]:
    data = yaml.safe_load((config.PROJ_ROOT / "environment.yml").read_text())
    out = {}
    for dep in data["dependencies"]:
        if isinstance(dep, dict):  # the pip: section installs the package itself
            assert dep.get("pip") == ["-e ."], dep
            continue
        name, spec = _split(dep)
        if name in CONDA_ONLY:
            continue
        out[CONDA_TO_PYPI.get(name, name)] = spec
    return out


def test_environment_yml_matches_pyproject():
    pip_deps, conda_deps = _pyproject(), _environment()
    assert sorted(pip_deps) == sorted(conda_deps), (
        f"only in pyproject.toml: {sorted(set(pip_deps) - set(conda_deps))}; "
        f"only in environment.yml: {sorted(set(conda_deps) - set(pip_deps))}"
    )
    differing = {n: (pip_deps[n], conda_deps[n]) for n in pip_deps if pip_deps[n] != conda_deps[n]}
    assert not differing, f"version ranges differ (pyproject, environment.yml): {differing}"


def test_environment_python_matches_requires_python():
    data = yaml.safe_load((config.PROJ_ROOT / "environment.yml").read_text())
    python = next(
        d for d in data["dependencies"] if isinstance(d, str) and d.startswith("python=")
    )
    requires = tomllib.loads((config.PROJ_ROOT / "pyproject.toml").read_text())["project"][
        "requires-python"
    ]
    assert requires == ">=" + python.split("=")[1]


def test_constraints_pin_every_direct_dependency():
    pins = {}
    for line in (config.PROJ_ROOT / "constraints.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version
    missing = sorted(set(_pyproject()) - set(pins))
    assert not missing, f"constraints.txt does not pin {missing}: run `make constraints`"
