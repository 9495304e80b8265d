"""Google Trends terms in any script keep a column each."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from darksocial.campaign import metric_series
from darksocial.io import load_folder, load_trends

UK = Path(__file__).parents[1] / "data" / "trends" / "uk_weekly" / "multiTimeline.csv"


def test_five_cyrillic_terms_are_five_columns():
    # snake() kept ASCII only: all five were "unnamed" and the last overwrote the others
    df = load_trends(UK)
    terms = df.attrs["terms"]
    assert len(terms) == 5
    cols = [c for c in df.columns if c != "missing"]
    assert len(set(cols)) == 5
    raw = pd.read_csv(UK, skiprows=2)
    for col, raw_col in zip(cols, raw.columns[1:], strict=True):
        assert (df[col].to_numpy() == raw[raw_col].to_numpy()).all()


def test_the_brand_term_of_a_cyrillic_download_is_measured(tmp_path):
    shutil.copy(UK, tmp_path)
    (tmp_path / "campaigns.yml").write_text("campaigns:\n- {id: launch, launch: 2023-04-02}\n")
    (tmp_path / "darksocial.yml").write_text("brand: [українські фільми]\n", encoding="utf-8")
    y, controls = metric_series(load_folder(tmp_path), "brand_interest")
    raw = pd.read_csv(UK, skiprows=2)
    assert (y.to_numpy() == raw["українські фільми: (Україна)"].to_numpy()).all()
    assert controls.shape[1] == 4


def test_downloads_for_two_places_in_cyrillic_stay_two_series(tmp_path):
    # the place suffix was ASCII only: "(Україна)" and "(Польща)" both became "_unnamed",
    # and the folder stopped with "b.csv disagrees with a.csv"
    text = UK.read_text(encoding="utf-8")
    (tmp_path / "a.csv").write_text(text, encoding="utf-8")
    (tmp_path / "b.csv").write_text(text.replace("(Україна)", "(Польща)"), encoding="utf-8")
    (tmp_path / "campaigns.yml").write_text("campaigns:\n- {id: launch, launch: 2023-04-02}\n")
    trends = load_folder(tmp_path).trends
    cols = [c for c in trends.columns if c != "missing"]
    assert len(cols) == 10
    # spelled as written (no accent stripped from a Cyrillic letter)
    assert "українські_фільми_україна" in cols and "українські_фільми_польща" in cols
