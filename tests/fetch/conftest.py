"""Fixtures of the ``darksocial fetch`` tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def folder(tmp_path: Path):
    """Return a function making a data folder (calendar + ``darksocial.yml``) in tmp_path."""

    def make(settings: dict, name: str = "acme") -> Path:
        root = tmp_path / name
        root.mkdir()
        shutil.copy(DATA / "calendar" / "campaigns.yml", root / "campaigns.yml")
        (root / "darksocial.yml").write_text(yaml.safe_dump(settings), encoding="utf-8")
        return root

    return make
