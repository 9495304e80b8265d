"""Fixtures of the loader tests: the fixture folder and an input-unchanged guard."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The folder of small export fixtures (``tests/data``)."""
    return DATA


def _state(root: Path) -> dict[str, tuple[str, int]]:
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    return {
        str(p): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in files
    }


@pytest.fixture(autouse=True)
def _inputs_unchanged():
    """Every loader test also checks that no fixture file was modified."""
    before = _state(DATA)
    yield
    assert _state(DATA) == before, "a loader modified an input file"
