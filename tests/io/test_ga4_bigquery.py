from __future__ import annotations

import duckdb
import pandas as pd
import pytest
import sqlglot

from darksocial.errors import DataFormatError
from darksocial.io.ga4_bigquery import bigquery_sql, connect_events, duckdb_sql, load_ga4_events
from darksocial.io.landing import PathRules


@pytest.fixture
def events(data_dir):
    return data_dir / "ga4_bigquery"


def test_daily_counts_match_hand_counts(events):
    # Hand count of tests/data/ga4_bigquery (see comments in the fixture builder):
    # 2 Jan: 8 sessions (the consent ping without user_pseudo_id is not one);
    # raw direct = home, /blog/how-to..., /features/inventory, /pricing/ = 4, of which
    # deep = 2; fbclid -> organic social; HN referrer -> referral; utm linkedin paid.
    df = load_ga4_events(events, start="2024-01-01", end="2024-01-04")
    d2, d3 = df.loc["2024-01-02"], df.loc["2024-01-03"]
    assert d2["sessions"] == 8 and d3["sessions"] == 2
    assert d2["raw_direct_sessions"] == 4 and d2["deep_direct_sessions"] == 2
    assert d2["shallow_direct_sessions"] == 2
    assert d2["raw_organic_social"] == 1 and d2["raw_referral"] == 1
    assert d2["raw_organic_search"] == 1 and d2["raw_paid_social"] == 1
    # GA4's last-non-direct channel moves the returning /features visit to Organic Search
    assert d2["ga4_direct"] == 3 and d2["ga4_organic_search"] == 2
    # 3 Jan: li_fat_id click is paid social, the /app/... visit is shallow direct
    assert d3["raw_paid_social"] == 1 and d3["raw_direct_sessions"] == 1
    assert d3["deep_direct_sessions"] == 0 and d3["shallow_direct_sessions"] == 1
    assert d3["ga4_not_available"] == 2
    assert df["missing"].tolist() == [True, False, False, True]
    assert df.index.freqstr == "D"
    raw_cols = [c for c in df.columns if c.startswith("raw_") and c != "raw_direct_sessions"]
    assert (df[raw_cols].sum(axis=1)[~df["missing"]] == df["sessions"][~df["missing"]]).all()


def test_path_rules_are_configurable(events):
    every_path_deep = PathRules(shallow=(r"^/$",))
    df = load_ga4_events(events, rules=every_path_deep)
    assert df.loc["2024-01-02", "deep_direct_sessions"] == 3  # /pricing/ now deep too


def test_bigquery_sql_parses_and_targets_tables(events):
    sql = bigquery_sql("acme-prod.analytics_42", start="2024-01-01", end="2024-01-31")
    tree = sqlglot.parse_one(sql, read="bigquery")
    tables = {t.sql(dialect="bigquery") for t in tree.find_all(sqlglot.exp.Table)}
    assert "`acme-prod.analytics_42.events_*`" in tables
    assert "_TABLE_SUFFIX BETWEEN '20240101' AND '20240131'" in sql
    assert "REGEXP_CONTAINS" in sql and "SAFE_CAST" in sql and "UNNEST(event_params)" in sql


def test_transpiled_bigquery_sql_agrees_with_duckdb(events):
    con = connect_events(events)
    local = con.execute(duckdb_sql(start="2024-01-01", end="2024-01-31")).df()
    bq = bigquery_sql("acme.analytics_1", start="2024-01-01", end="2024-01-31")
    back = sqlglot.transpile(bq, read="bigquery", write="duckdb")[0]
    back = back.replace('"acme"."analytics_1"."events_*"', "events")
    back = back.replace("AND _TABLE_SUFFIX BETWEEN '20240101' AND '20240131'", "")
    remote = con.execute(back).df()
    pd.testing.assert_frame_equal(local, remote)
    assert local["sessions"].sum() == 10


def test_parquet_export_gives_same_counts(events, tmp_path):
    con = connect_events(events)
    con.execute(
        f"COPY (SELECT * FROM events) TO '{tmp_path / 'events_x.parquet'}' (FORMAT parquet)"
    )
    a = load_ga4_events(events)
    b = load_ga4_events(tmp_path)
    pd.testing.assert_frame_equal(a.drop(columns="missing"), b.drop(columns="missing"))


def test_bad_inputs(tmp_path):
    with pytest.raises(DataFormatError, match="no events_"):
        load_ga4_events(tmp_path)
    (tmp_path / "events_20240101.json").write_text("this is not json\n")
    with pytest.raises(DataFormatError, match=r"events_20240101\.json: not a GA4 BigQuery export"):
        load_ga4_events(tmp_path)
    with pytest.raises(DataFormatError, match="must look like"):
        bigquery_sql("no dataset", start="2024-01-01", end="2024-01-02")
    assert isinstance(duckdb.__version__, str)
