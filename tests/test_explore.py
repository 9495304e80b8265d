"""Quick looks at the sources, checked against the sample's known facts and simulated truth."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from darksocial import config, explore
from darksocial.errors import DataValidationError, ParameterError
from darksocial.io import load_sample
from darksocial.pages.explore import direct_sentence, display_table


@pytest.fixture(scope="module")
def sources():
    return load_sample()


@pytest.fixture(scope="module")
def truth():
    return json.loads((config.SAMPLE_DIR / "TRUTH.json").read_text())


def test_gaps_are_the_known_outage_and_ad_pauses(sources, truth):
    gaps = explore.gap_table(sources)
    ga4 = gaps[gaps["source"].isin(["ga4_channels", "direct_landing"])]
    outage = pd.to_datetime(truth["ga4_outage"])
    assert len(ga4) == 2
    assert (ga4["start"] == outage.min()).all() and (ga4["end"] == outage.max()).all()
    assert (ga4["periods"] == len(outage)).all()
    meta = gaps[gaps["source"] == "meta_ads"]
    assert meta["meaning"].str.contains("no ad delivery").all()
    delivered = sources.meta_ads["impressions"].notna().sum()
    assert meta["periods"].sum() + delivered == len(sources.meta_ads)
    s = explore.summary(sources)
    assert s["gaps"] == 2 and s["missing_periods"] == 2 * len(outage)


def test_anomalies_find_the_outage_and_an_injected_spike_not_the_missing_days(rng):
    days = pd.date_range("2025-01-01", periods=200, freq="D")
    y = pd.Series(100 + rng.normal(0, 3, len(days)), index=days)
    y.iloc[50] = 400.0  # an injected spike
    y.iloc[120:123] = [0.0, 2.0, 0.0]  # tracking broke: near zero
    y.iloc[160:162] = np.nan  # no row at all: a gap, not a flagged day
    table = explore.anomaly_table(y.to_frame("sessions"))
    outliers = table[table["kind"] == "outlier"]["date"].tolist()
    outages = table[table["kind"] == "outage"]["date"].tolist()
    assert outliers == [days[50]]
    assert outages == list(days[120:123])


def test_a_busy_series_outage_is_flagged_and_its_missing_days_are_a_gap(rng):
    days = pd.date_range("2024-01-01", periods=365, freq="D")
    weekly = np.where(days.dayofweek < 5, 1.15, 0.63)
    clicks = rng.poisson(2000 * weekly * rng.gamma(25, 1 / 25, len(days))).astype(float)
    sc = pd.DataFrame({"branded_clicks": clicks}, index=days)
    sc.iloc[200:203, 0] = [0.0, 6.0, 14.0]  # a 3-day tracking outage, near zero
    sc["missing"] = False
    sc.iloc[300:302] = [np.nan, True]  # two days the export left out
    from types import SimpleNamespace

    sources = SimpleNamespace(search_console=sc, available=lambda: ["search_console"])
    table = explore.anomaly_table(explore.main_series(sources))
    assert table[table["kind"] == "outage"]["date"].tolist() == list(days[200:203])
    assert not table["date"].isin(days[300:302]).any()
    summary = explore.summary(sources)
    assert summary["missing_periods"] == 2 and summary["gaps"] == 1
    assert "1 gap of 2 missing days" in summary["headline"]


def test_sample_ga4_outage_is_a_gap_not_a_flagged_day(sources, truth):
    # the sample's GA4 outage leaves no rows: it is listed as a gap, not as flagged days
    table = explore.anomaly_table(explore.main_series(sources))
    outage = pd.to_datetime(truth["ga4_outage"])
    assert not table["date"].isin(outage).any()
    gaps = explore.gap_table(sources)
    assert (gaps[gaps["source"] == "ga4_channels"]["start"] == outage.min()).all()
    # Search Console is unaffected by the GA4 outage
    assert not (table[table["series"] == "branded_clicks"]["kind"] == "outage").any()


@pytest.mark.parametrize(
    ("name", "headline", "zeros"),
    [
        # alba's one outlier was 6 clicks at a local mean of 1.7 (one day in 130 reaches
        # that by chance): counts are outliers only when also rare as counts
        ("alba", "1 data source; no gaps; no day flagged in the main series", 74),
        (
            "niheating_gap",
            "1 data source; 1 gap of 283 missing days; 2 days flagged in the main series",
            39,
        ),
    ],
    ids=["alba", "niheating"],
)
def test_real_small_sites_zero_days_are_not_outages(tmp_path, name, headline, zeros):
    # real exports at 0-18 clicks a day: before, their zero days (and niheating's 283 days
    # without a row) were "outages": 39 and 324 days flagged in the reports index
    import shutil

    from darksocial.pages.explore import explore_page

    folder = tmp_path / name
    folder.mkdir()
    shutil.copy(config.PROJ_ROOT / "tests/data/search_console" / name / "Chart.csv", folder)
    (folder / "campaigns.yml").write_text(
        "campaigns:\n- {id: launch, name: Launch, content_type: video, launch: 2025-11-01}\n"
    )
    page = explore_page(str(folder))
    main = page.main()
    assert int((main["search_clicks"] == 0).sum()) == zeros
    table = explore.anomaly_table(main)
    assert not (table["kind"] == "outage").any()
    assert page.summary()["headline"] == headline
    text = page.anomalies().html
    assert "outage day" not in text and "0 outage" not in text
    if name == "niheating_gap":
        assert "283 days in all search clicks" in text


def test_headline_says_no_gaps_and_no_flagged_day_instead_of_zero_counts(rng):
    # it said "0 gaps of 0 periods outside ad exports; 0 days flagged in the main series"
    from types import SimpleNamespace

    days = pd.date_range("2025-01-01", periods=60, freq="D")
    sc = pd.DataFrame({"branded_clicks": rng.poisson(100, 60) * 1.0, "missing": False}, days)
    summary = explore.summary(
        SimpleNamespace(search_console=sc, available=lambda: ["search_console"])
    )
    assert summary["headline"] == ("1 data source; no gaps; no day flagged in the main series")


def test_weekday_profile_recovers_a_known_weekly_pattern(rng):
    days = pd.date_range("2024-01-01", periods=7 * 80, freq="D")  # starts on a Monday
    factors = np.array([1.2, 1.3, 1.2, 1.2, 1.1, 0.5, 0.5])
    y = 100 * factors[days.dayofweek] * np.exp(rng.normal(0, 0.02, len(days)))
    profile = explore.weekday_profile(pd.DataFrame({"y": y}, index=days))
    assert list(profile.index) == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    np.testing.assert_allclose(profile["y"], factors / factors.mean(), rtol=0.01)


def test_yearly_shape_is_the_monday_to_sunday_mean():
    days = pd.date_range("2024-01-01", periods=21, freq="D")  # three Monday-Sunday weeks
    frame = pd.DataFrame({"y": np.arange(21.0)}, index=days)
    frame.iloc[8, 0] = np.nan
    weekly = explore.yearly_shape(frame)
    assert list(weekly.index) == list(pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-15"]))
    assert weekly["y"].iloc[0] == 3.0
    assert weekly["y"].iloc[1] == np.mean([7, 9, 10, 11, 12, 13])  # missing day ignored


def test_search_shares_and_anonymized_share_match_truth(sources, truth):
    shares = explore.search_shares(sources.search_console, freq="MS")
    sc = sources.search_console
    jan = sc.loc["2024-01"]
    assert shares.loc["2024-01-01", "branded_share"] == pytest.approx(
        jan["branded_clicks"].sum() / jan["clicks"].sum()
    )
    overall = (shares["anonymized_share"] * shares["clicks"]).sum() / shares["clicks"].sum()
    assert overall == pytest.approx(truth["search_console"]["anonymized_click_share"], abs=0.005)
    with pytest.raises(ParameterError, match="freq"):
        explore.search_shares(sc, freq="D")
    with pytest.raises(DataValidationError, match="load_search_console"):
        explore.search_shares(sc.drop(columns="anonymized_clicks"))


def test_trends_weeks_align_with_search_console(sources):
    tvs = explore.trends_vs_search(sources.trends, sources.search_console)
    week = pd.Timestamp("2024-03-03")  # a Sunday: Trends weeks run Sunday to Saturday
    clicks = sources.search_console.loc["2024-03-03":"2024-03-09", "branded_clicks"].sum()
    assert tvs.at[week, "branded_clicks"] == clicks
    assert np.isnan(tvs["branded_clicks"].iloc[0])  # the first Trends week starts before SC
    assert tvs["trends_scaled"].max() == pytest.approx(100)
    assert tvs.attrs["correlation"] > 0.6  # both follow the same brand interest
    with pytest.raises(DataValidationError, match="term="):
        explore.trends_vs_search(sources.trends, sources.search_console, term="nope")


def test_direct_check_totals_and_sentence(sources):
    dc = explore.direct_check(sources.ga4_events)
    ev = sources.ga4_events
    assert dc.attrs["raw_total"] == ev["raw_direct_sessions"].sum()
    assert dc.attrs["ga4_total"] == ev["ga4_direct"].sum()
    share = ev["deep_direct_sessions"].sum() / ev["raw_direct_sessions"].sum()
    assert dc.attrs["deep_share_total"] == pytest.approx(share)
    text = direct_sentence(dc)
    assert f"<b>{dc.attrs['raw_total']:,.0f}</b>" in text


def test_plots_draw_their_data(sources):
    import matplotlib.pyplot as plt

    main = explore.main_series(sources, names=["branded_clicks", "direct_sessions"])
    profile = explore.weekday_profile(main)
    ax = explore.plot_weekday_profile(profile, labels=main.attrs["labels"])
    assert len(ax.lines) == 3  # two series and the reference line at 1
    np.testing.assert_allclose(ax.lines[0].get_ydata(), profile["branded_clicks"])
    assert ax.get_legend().get_texts()[0].get_text() == "branded search clicks"
    _, ax = plt.subplots()
    tvs = explore.trends_vs_search(sources.trends, sources.search_console)
    explore.plot_trends_vs_search(tvs, ax=ax)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), tvs["clicks_scaled"])
    with pytest.raises(ParameterError, match="choose from"):
        explore.main_series(sources, names=["likes"])


def test_display_table_formats_and_escapes():
    frame = pd.DataFrame(
        {"when": pd.to_datetime(["2024-08-12"]), "n": [12345.0], "name": ["<b>x</b>"]},
        index=pd.Index(["a_source"], name="source"),
    )
    html = display_table(frame).to_html()
    assert "12 Aug 2024" in html and "12,345" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html


def test_exports_of_different_ranges_are_not_outages(rng):
    # two exports that do not overlap: before this fix each one's missing range (~280 days)
    # was listed as "outages" of the other
    days = pd.date_range("2024-01-01", periods=400, freq="D")
    a = pd.Series(100 + rng.normal(0, 3, 200), index=days[:200])
    b = pd.Series(50 + rng.normal(0, 2, 220), index=days[180:])
    b.iloc[100:102] = [0.0, 1.0]  # a real outage inside b's own range
    data = pd.concat({"a": a, "b": b}, axis=1)
    table = explore.anomaly_table(data)
    outages = table[table["kind"] == "outage"]
    assert outages["series"].tolist() == ["b", "b"]
    assert outages["date"].tolist() == list(b.index[100:102])


def _folder(tmp_path, parts):
    import shutil

    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(config.SAMPLE_DIR / "campaigns.yml", folder)
    shutil.copy(config.SAMPLE_DIR / "darksocial.yml", folder)
    for part in parts:
        shutil.copytree(config.SAMPLE_DIR / part, folder / part.replace("/", "_"))
    return folder


EXPLORE_FOLDERS = {
    "search-console-unfiltered": (
        ["search_console/ui_export"],
        {"search_shares", "trends_vs_search", "direct_check"},
    ),
    "search-console+ga4": (["search_console", "ga4"], {"trends_vs_search"}),
    "weekly-trends-only": (
        ["google_trends"],
        {
            "anomalies",
            "weekly_seasonality",
            "search_shares",
            "trends_vs_search",
            "direct_check",
        },
    ),  # fmt: skip
    "meta-ads-without-search-console": (
        ["meta_ads", "ga4"],
        {"search_shares", "trends_vs_search"},
    ),
    "sample": (
        ["search_console", "ga4", "google_trends", "meta_ads", "survey"],
        set(),
    ),
}


@pytest.mark.parametrize("name", list(EXPLORE_FOLDERS))
def test_explore_page_of_a_partial_folder(tmp_path, name):
    import re

    from darksocial.pages.explore import ExplorePage, explore_page

    parts, skipped = EXPLORE_FOLDERS[name]
    page = explore_page(str(_folder(tmp_path, parts)))
    summary = page.summary()
    sections = summary["sections"]
    assert list(sections) == list(ExplorePage.SECTIONS)
    assert {n for n, s in sections.items() if s["status"] == "skipped"} == skipped
    json.dumps(summary, allow_nan=False)
    html = re.sub(
        r"<style.*?</style>", "", "\n".join(s.html for s in page.all_sections()), flags=re.S
    )
    for bad in ("nan", "NaN", "None", "NaT", "Traceback"):
        assert not re.search(rf"\b{bad}\b", html), bad
    for n in skipped:
        assert page.sections[n].html.count("<p>") == 1
    if name == "sample":
        # 11 outliers; the GA4 outage's 4 days without rows are gaps, not flagged days
        assert summary["sources"] == 7 and summary["flagged_days"] == 11
        assert summary["missing_periods"] == 4 * 2  # 4 days, 2 GA4 exports
    if name == "weekly-trends-only":
        # Trends alone: the download over time with the launches, not "no daily series"
        shape = page.sections["yearly_shape"]
        assert "the Google Trends download is weekly; its weeks are shown as they are" in (
            shape.html
        )
        ax = page.sections["yearly_shape"].parts[0].axes[0]
        assert ax.get_title() == "Google Trends interest, as downloaded (one value a week)"
        assert len(ax.get_lines()) >= 1
    if "ga4" in parts and "search_console" in parts:
        # GA4 starts later than Search Console in the sample: nothing there is an outage,
        # and the GA4 outage's missing days are named in the section, not flagged
        flagged = explore.anomaly_table(page.main())
        assert not (flagged["kind"] == "outage").any()
        assert "4 days in direct sessions" in page.sections["anomalies"].html


# --------------------------------------------------------------------------- frequency
def _without(index: pd.DatetimeIndex, *positions: int) -> pd.DatetimeIndex:
    return index.delete(list(positions))


@pytest.mark.parametrize(
    ("index", "family"),
    [
        (pd.date_range("2025-01-01", periods=60, freq="D"), "D"),
        (_without(pd.date_range("2025-01-01", periods=60, freq="D"), 10, 11, 40), "D"),
        (pd.date_range("2025-01-05", periods=30, freq="W-SUN"), "W"),
        (_without(pd.date_range("2025-01-06", periods=30, freq="W-MON"), 12), "W"),
        (pd.date_range("2024-01-31", periods=18, freq="ME"), "M"),
        (_without(pd.date_range("2024-01-31", periods=18, freq="ME"), 5), "M"),
        (_without(pd.date_range("2024-01-01", periods=18, freq="MS"), 1, 9), "M"),
        (pd.date_range("2020-01-01", periods=12, freq="QS"), "Q"),
        (pd.DatetimeIndex(["2025-01-01", "2025-01-08"]), "W"),
    ],
    ids=[
        "daily",
        "daily-with-gaps",
        "weekly",
        "weekly-missing-a-week",
        "month-ends",
        "month-ends-skipping-one",
        "month-starts-skipping-two",
        "quarterly",
        "two-dates",
    ],
)
def test_one_classifier_reads_irregular_dates_by_their_common_step(index, family):
    from darksocial.its import frequency_family

    assert frequency_family(index, regular=False) == family
    assert explore.period_family(index) == family


def test_the_model_still_refuses_irregular_dates_and_names_the_fix():
    from darksocial.its import frequency_family

    weeks = _without(pd.date_range("2025-01-05", periods=30, freq="W-SUN"), 12)
    with pytest.raises(DataValidationError, match=r"2025-04-06.*asfreq\('W-SUN'\)"):
        frequency_family(weeks, "clicks")
    days = _without(pd.date_range("2025-01-01", periods=60, freq="D"), 10)
    with pytest.raises(DataValidationError, match=r"2025-01-12.*asfreq\('D'\)"):
        frequency_family(days, "clicks")
    # regular dates get the same answer in both modes, month ends included
    month_ends = pd.date_range("2024-01-31", periods=18, freq="ME")
    assert frequency_family(month_ends) == frequency_family(month_ends, regular=False) == "M"


def test_dates_with_no_common_step_are_refused_not_guessed():
    from darksocial.its import frequency_family

    every_other_day = pd.date_range("2025-01-01", periods=40, freq="2D")
    with pytest.raises(DataValidationError, match="most common step 2 days"):
        frequency_family(every_other_day, regular=False)
    assert not explore.is_daily(every_other_day)
    assert explore.period_family(pd.DatetimeIndex(["2025-01-01"])) == "D"


def test_main_series_keeps_daily_exports_with_gaps_and_drops_weekly_ones():
    from types import SimpleNamespace

    days = _without(pd.date_range("2025-01-01", periods=90, freq="D"), 30, 31)
    weeks = _without(pd.date_range("2025-01-05", periods=20, freq="W-SUN"), 7)
    sc = pd.DataFrame({"branded_clicks": np.arange(len(days), dtype=float) + 1}, index=days)
    landing = pd.DataFrame({"direct_sessions": np.ones(len(weeks))}, index=weeks)
    out = explore.main_series(SimpleNamespace(search_console=sc, direct_landing=landing))
    assert list(out.columns) == ["branded_clicks"]
    assert out.index.freqstr == "D" and out["branded_clicks"].isna().sum() == 2
    assert "not daily" in out.attrs["left_out"]["direct_sessions"]


def test_rows_by_query_are_not_said_to_lack_the_branded_split(tmp_path, rng):
    # a real Search Console API export (date x page x query) drew branded and non-branded
    # clicks, and the shares section said the export "does not separate branded" queries
    from darksocial.pages.explore import explore_page

    days = pd.date_range("2025-01-01", periods=90, freq="D")
    rows = [
        f"{d:%Y-%m-%d},{q},{rng.poisson(20 if 'acme' in q else 60)},500,0.1,5"
        for d in days
        for q in ("acme login", "acme", "best tool crib", "tool storage ideas")
    ]
    (tmp_path / "gsc_data.csv").write_text(
        "Date,Query,Clicks,Impressions,CTR,Position\n" + "\n".join(rows) + "\n"
    )
    (tmp_path / "darksocial.yml").write_text("brand: [acme]\n")
    (tmp_path / "campaigns.yml").write_text("campaigns:\n- {id: a, launch: 2025-03-01}\n")
    page = explore_page(str(tmp_path))
    assert page.sources.search_console["branded_clicks"].notna().any()
    section = page.search_shares()
    assert section.status == "skipped"
    assert "does not separate branded" not in section.why
    assert "leave out the queries Search Console anonymizes" in section.why


def test_an_unusable_export_is_named_where_its_series_would_be(tmp_path):
    # a Search Console "Last 24 hours" export: the explore page said "No Search Console
    # export in this folder" and "the folder holds only the calendar"
    from darksocial.pages.explore import explore_page

    (tmp_path / "Chart.csv").write_text(
        "Time (UTC+03:00),Clicks,Impressions,CTR,Position\n"
        + "".join(f"2026-03-05T{h:02d}:00:00,{h % 4},{10 + h},1%,9\n" for h in range(24))
    )
    (tmp_path / "campaigns.yml").write_text(
        "campaigns:\n- {id: c, name: C, content_type: event, launch: 2026-03-05}\n"
    )
    page = explore_page(str(tmp_path))
    for section in (page.search_shares(), page.gaps()):
        assert section.status == "skipped"
        assert "Chart.csv in the data folder is not used (Search Console clicks every hour" in (
            section.why
        )
        assert "No Search Console export in this folder" not in section.why


def test_a_zero_click_day_with_impressions_is_not_an_outage(tmp_path):
    # a real site at about 3 clicks a day: 11-14 Apr 2025 had no click and 10, 4, 16 and
    # 21 impressions (Search Console was recording), and the explore page called all four
    # "outage"; with no impression either, such a run is still flagged
    import shutil
    from pathlib import Path

    from darksocial.explore import anomaly_table, main_series
    from darksocial.io import load_folder

    shutil.copytree(
        Path(__file__).parent / "data/search_console/hcidirect_34_days", tmp_path / "d"
    )
    (tmp_path / "d" / "campaigns.yml").write_text("campaigns:\n- {id: a, launch: 2025-04-10}\n")
    flagged = anomaly_table(main_series(load_folder(tmp_path / "d")))
    assert "outage" not in set(flagged["kind"])
    dates = tmp_path / "d" / "Dates.csv"
    table = pd.read_csv(dates)
    quiet = table["Date"].between("2025-04-11", "2025-04-14")
    assert (table.loc[quiet, "Clicks"] == 0).all() and (table.loc[quiet, "Impressions"] > 0).all()
    table.loc[quiet, "Impressions"] = 0
    table.to_csv(dates, index=False)
    flagged = anomaly_table(main_series(load_folder(tmp_path / "d")))
    outages = flagged.loc[flagged["kind"] == "outage", "date"]
    assert list(outages.dt.strftime("%d %b")) == ["11 Apr", "12 Apr", "13 Apr", "14 Apr"]


def test_a_folder_without_any_series_says_so_in_its_headline(tmp_path):
    # a real GA4 dashboard export without dates was the folder's one file: the index read
    # "0 data sources; no gaps; no day flagged in the main series"
    from darksocial.io import load_folder

    (tmp_path / "data-export.csv").write_text("Page path,Views\n/,10\n/about,3\n")
    summary = explore.summary(load_folder(tmp_path))
    assert summary["sources"] == 0
    assert summary["headline"] == (
        "no data source the reports can read (the page lists the files and why)"
    )
