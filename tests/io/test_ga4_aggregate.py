"""The GA4 session query's daily aggregate, run in BigQuery (darksocial fetch, or bq query),
loads to the same daily series as the events it was computed from."""

from __future__ import annotations

import pandas as pd
import pytest

from darksocial import config
from darksocial.errors import DataFormatError
from darksocial.io import detect, load_folder
from darksocial.io.ga4_bigquery import (
    AGGREGATE_COLUMNS,
    load_ga4_events,
    load_ga4_sessions_daily,
)

EVENTS = config.SAMPLE_DIR / "ga4" / "bigquery"


def test_aggregate_equals_the_events_it_was_computed_from(tmp_path):
    events = load_ga4_events(EVENTS)
    long = events.attrs["long"].copy()
    long["session_date"] = long.pop("date").dt.strftime("%Y-%m-%d")
    path = tmp_path / "ga4_bigquery" / "ga4_sessions_daily.csv"
    path.parent.mkdir()
    long[list(AGGREGATE_COLUMNS)].to_csv(path, index=False)
    assert detect(path).source == "ga4_bigquery"
    daily = load_ga4_sessions_daily(path)
    cols = [c for c in events.columns if c != "missing"]
    pd.testing.assert_frame_equal(daily[cols], events[cols], check_freq=False)
    assert daily.attrs["variant"] == "bigquery_aggregate"
    # in a data folder it is the ga4_events source
    (tmp_path / "campaigns.yml").write_text("campaigns:\n- id: c\n  launch: 2025-02-01\n")
    sources = load_folder(tmp_path)
    assert sources.ga4_events is not None
    assert sources.ga4_events["raw_direct_sessions"].sum() == events["raw_direct_sessions"].sum()


def test_an_aggregate_without_its_columns_is_one_line(tmp_path):
    path = tmp_path / "agg.csv"
    path.write_text("session_date,raw_channel,landing_depth,sessions\n20250101,Direct,deep,3\n")
    with pytest.raises(DataFormatError, match="missing column"):
        load_ga4_sessions_daily(path)
