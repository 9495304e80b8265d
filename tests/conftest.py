"""Shared test set-up: a headless plotting backend, closed figures, a seeded generator."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from darksocial import checks, config  # noqa: E402


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


@pytest.fixture
def placebo_check():
    """Build a placebo check in time from given effects: no fit, its arithmetic and words.

    ``placebo_check(effects, real, significant=0, alpha=0.05)``: the first ``significant``
    placebos get a model p of 0.01 (called significant), the rest 0.5.
    """

    def build(placebo_effects, real, *, significant=0, alpha=0.05, real_p=0.001):
        est = np.asarray(placebo_effects, dtype=float)
        n = len(est)
        placebos = pd.DataFrame(
            {
                "launch": pd.date_range("2024-01-01", periods=n),
                "estimate": est,
                "p_value": [0.01] * significant + [0.5] * (n - significant),
            }
        )
        placebos["significant"] = placebos["p_value"] < alpha
        p = (1 + int(np.sum(np.abs(est) >= abs(real)))) / (1 + n)
        return checks.PlaceboInTime(
            placebos=placebos,
            real=pd.Series({"estimate": real, "p_value": real_p}),
            p_value=p,
            false_positive_rate=significant / n,
            n_failed=0,
            model="segmented",
            method="intervention",
            alpha=alpha,
        )

    return build


@pytest.fixture
def beer_fr(tmp_path):
    """A data folder of four real monthly Trends downloads (tests/data/trends/beer_fr) and a
    March 2020 campaign; 'corona' is the brand, heineken and Michelob Ultra jump at launch."""
    import shutil
    from pathlib import Path

    for src in (Path(__file__).parent / "data/trends/beer_fr").glob("*.csv"):
        shutil.copy(src, tmp_path / src.name)
    (tmp_path / "campaigns.yml").write_text(
        "campaigns:\n- {id: fest, launch: 2020-03-01, end: 2020-04-26}\n"
    )
    (tmp_path / "darksocial.yml").write_text("brand: [corona]\n")
    return tmp_path


@pytest.fixture
def real_folder(tmp_path):
    """Make a data folder of real fixture files (paths under tests/data) and a calendar.

    ``real_folder("trends/x/multiTimeline.csv", calendar, settings="brand: doge\\n")``
    copies each file into ``tmp_path`` as downloaded, writes ``campaigns.yml`` (and
    ``darksocial.yml`` when given) and returns the folder.
    """
    import shutil

    data = Path(__file__).parent / "data"

    def make(*files: str, calendar: str, settings: str | None = None) -> Path:
        for name in files:
            shutil.copy(data / name, tmp_path / Path(name).name)
        (tmp_path / "campaigns.yml").write_text(calendar)
        if settings is not None:
            (tmp_path / "darksocial.yml").write_text(settings, encoding="utf-8")
        return tmp_path

    return make
