"""Every file of the bundled sample loads cleanly and tells a consistent story."""

from __future__ import annotations

import pandas as pd
import pytest

from darksocial import config
from darksocial.io import SAMPLE_FILES, load, load_sample


@pytest.fixture(scope="module")
def sample_root(tmp_path_factory):
    """data/sample when it has been generated, else a fresh copy written to a temp folder."""
    if all((config.SAMPLE_DIR / rel).exists() for rel in SAMPLE_FILES.values()):
        return config.SAMPLE_DIR
    from darksocial.sample import write_sample

    target = tmp_path_factory.mktemp("sample") / "sample"
    write_sample(target)
    return target


@pytest.fixture(scope="module")
def sources(sample_root):
    return load_sample(sample_root)


def test_every_sample_file_is_recognised(sample_root):
    files = [p for p in sample_root.rglob("*") if p.is_file() and p.suffix in (".csv", ".yml")]
    files = [p for p in files if "ui_export" not in p.parts and p.name != "darksocial.yml"]
    for path in files:
        df = load(path)  # raises on an unrecognised or malformed file
        assert len(df) > 0 and df.attrs["path"] == str(path)
    ui = load(sample_root / "search_console" / "ui_export")
    assert ui.attrs["source"] == "search_console" and ui["clicks"].notna().sum() > 30
    assert ui.attrs["brand_share"].branded_clicks > 0


def test_sample_sources_ranges_and_grids(sources):
    summary = sources.summary()
    assert set(summary.index) == set(SAMPLE_FILES)
    for name in ("ga4_channels", "direct_landing", "search_console", "meta_ads"):
        df = getattr(sources, name)
        assert df.index.freqstr == "D" and df.index.is_monotonic_increasing
        assert df.index.min() >= pd.Timestamp("2023-01-01") and len(df) > 300
    assert sources.trends.index.freqstr == "W-SUN"
    assert sources.trends.to_numpy(dtype=float, na_value=0).max() <= 100
    # the 4-day tracking outage is explicit NaN, not zero
    ch = sources.ga4_channels
    assert ch["missing"].sum() == 4 and ch.loc[ch["missing"], "total"].isna().all()
    assert (ch.loc[~ch["missing"], "total"] > 0).all()
    cal = sources.campaigns
    assert cal.index.is_unique and (cal["end"].isna() | (cal["end"] >= cal["launch"])).all()
    assert sources.survey["submitted_at"].is_monotonic_increasing


def test_search_console_brand_split_adds_up(sources):
    sc = sources.search_console.dropna(subset=["clicks"])
    parts = sc["branded_clicks"] + sc["nonbranded_clicks"] + sc["anonymized_clicks"]
    pd.testing.assert_series_equal(parts, sc["clicks"], check_names=False)
    assert 0 < sc["branded_clicks"].sum() < sc["clicks"].sum()


def test_bigquery_events_agree_with_ui_exports_in_direction(sources):
    ev = sources.ga4_events[~sources.ga4_events["missing"]]
    ui = sources.ga4_channels.loc[ev.index]
    landing = sources.direct_landing.loc[ev.index]
    # raw no-referrer direct is at least GA4's last-non-direct Direct
    assert ev["raw_direct_sessions"].sum() >= ev["ga4_direct"].sum()
    # deep share of direct sessions is similar in the event sample and the UI export
    ev_share = ev["deep_direct_sessions"].sum() / ev["raw_direct_sessions"].sum()
    ui_share = landing["deep_direct_sessions"].sum() / landing["direct_sessions"].sum()
    assert abs(ev_share - ui_share) < 0.1
    # the thinned event sample tracks the UI totals day by day
    corr = ev["sessions"].corr(ui["total"])
    assert corr > 0.3
