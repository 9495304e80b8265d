"""Shared test set-up: a headless plotting backend, closed figures, a seeded generator."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from darksocial import config  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def rng():
    """A generator seeded from the project name, so every run draws the same numbers."""
    return np.random.default_rng(sum(map(ord, "darksocial")))


@pytest.fixture(scope="session")
def sample_dir():
    """The committed sample data folder (read-only input)."""
    if not (config.SAMPLE_DIR / "campaigns.yml").exists():
        pytest.fail("data/sample is missing: run `darksocial sample` to regenerate it")
    return config.SAMPLE_DIR
