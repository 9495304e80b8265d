"""Google Trends downloads of one term in several places, or at several granularities."""

import shutil
from pathlib import Path

import pytest

from darksocial.campaign import metric_series
from darksocial.coverage import assess
from darksocial.io import load_folder

HERE = Path(__file__).resolve().parents[1] / "data" / "trends"
MODI = HERE / "modi_places"
STEVEN = HERE / "steven_week_month"


def _folder(tmp_path, src, *, launch, settings="", files=None):
    folder = tmp_path / "data"
    folder.mkdir(parents=True)
    for path in sorted(src.glob("*.csv")) if files is None else files:
        shutil.copy(path, folder / path.name)
    (folder / "campaigns.yml").write_text(
        f"campaigns:\n- {{id: push, name: Push, content_type: podcast, launch: {launch}}}\n",
        encoding="utf-8",
    )
    if settings:
        (folder / "darksocial.yml").write_text(settings, encoding="utf-8")
    return folder


def _notes(sources):
    return {e.path.name: e.note for e in sources.exports}


def _files_line(sources, name):
    lines = assess(sources).report().splitlines()
    return next(line for line in lines if line.strip().startswith(f"{name} "))


def _trends(head, rows):
    return "Category: All categories\n\n" + head + "\n" + "".join(rows)


def _weeks(start, n, *values):
    import pandas as pd

    days = pd.date_range(start, periods=n, freq="W-SUN")
    return [
        f"{d:%Y-%m-%d}," + ",".join(str(v + i % 7) for v in values) + "\n"
        for i, d in enumerate(days)
    ]


# --- one term, two places (real: PM MODI, Worldwide and India) --------------------------------


def test_real_term_in_two_places_measures_worldwide_without_a_country(tmp_path):
    # without a brand, nothing is chosen: two series, each named with its place
    bare = load_folder(_folder(tmp_path / "bare", MODI, launch="2019-05-01"))
    assert {"pm_modi_india", "pm_modi_worldwide"} <= set(bare.trends.columns)
    folder = _folder(tmp_path, MODI, launch="2019-05-01", settings="brand: [pm modi]\n")
    sources = load_folder(folder)
    assert list(sources.trends.columns) == ["pm_modi_worldwide", "missing"]
    y, controls = metric_series(sources, "brand_interest")
    assert y.name == "pm_modi_worldwide" and controls is None
    note = _notes(sources)["multiTimeline (2).csv"]
    assert note.startswith("PM MODI (India): the brand term in another place")
    assert "set `country: IN` in darksocial.yml" in note and "\n" not in note
    line = _files_line(sources, "multiTimeline (1).csv")
    assert "brand interest in PM MODI (Worldwide), chosen as the worldwide series" in line


def test_real_term_in_two_places_measures_the_country_setting(tmp_path):
    folder = _folder(
        tmp_path, MODI, launch="2019-05-01", settings="brand: [pm modi]\ncountry: IN\n"
    )
    sources = load_folder(folder)
    y, _ = metric_series(sources, "brand_interest")
    assert y.name == "pm_modi_india"
    assert sources.trends.attrs["brand_place"] == "India"
    assert sources.trends.attrs["brand_place_how"] == "chosen by `country: IN`"
    assert y["2014-08-01"] == 16  # the India download's first month, not Worldwide's 11
    note = _notes(sources)["multiTimeline (1).csv"]
    assert "PM MODI (India) (multiTimeline (2).csv) is measured, chosen by `country: IN`" in note
    assert "move multiTimeline (2).csv out of the data folder" in note
    assert "brand interest in PM MODI (India), chosen by `country: IN`" in _files_line(
        sources, "multiTimeline (2).csv"
    )


def test_brand_in_another_place_leaves_the_other_terms_as_controls(tmp_path):
    folder = _folder(
        tmp_path, MODI, launch="2024-06-02", settings="brand: [acme]\ncountry: DE\n", files=[]
    )
    (folder / "world.csv").write_text(
        _trends("Woche,acme: (Weltweit),tools: (Weltweit)", _weeks("2024-01-07", 40, 20, 50)),
        encoding="utf-8",
    )
    (folder / "de.csv").write_text(
        _trends("Woche,acme: (Deutschland)", _weeks("2024-01-07", 40, 30)), encoding="utf-8"
    )
    sources = load_folder(folder)
    y, controls = metric_series(sources, "brand_interest")
    assert y.name == "acme_deutschland"
    assert list(controls.columns) == ["tools_weltweit"]
    assert sources.trends.attrs["terms"] == ["acme (Deutschland)", "tools (Weltweit)"]
    world = next(e for e in sources.exports if e.path.name == "world.csv")
    assert world.source == "trends" and not world.note
    assert "not used: acme (Weltweit): the brand term in another place" in _files_line(
        sources, "world.csv"
    )


def test_one_download_comparing_two_places(tmp_path):
    folder = _folder(tmp_path, MODI, launch="2024-06-02", settings="brand: [acme]\n", files=[])
    (folder / "multiTimeline.csv").write_text(
        _trends("Week,acme: (France),acme: (Todo el mundo)", _weeks("2024-01-07", 40, 20, 50)),
        encoding="utf-8",
    )
    sources = load_folder(folder)
    y, _ = metric_series(sources, "brand_interest")
    assert y.name == "acme_todo_el_mundo"
    line = _files_line(sources, "multiTimeline.csv")
    assert "brand interest in acme (Todo el mundo), chosen as the worldwide series" in line
    assert "not used: acme (France)" in line and "`country: FR`" in line


# --- one term, two granularities (real: steven universe, weekly and monthly) ------------------


def test_real_week_and_month_downloads_run_on_the_brand_weeks(tmp_path):
    folder = _folder(tmp_path, STEVEN, launch="2018-07-01", settings="brand: [steven universe]\n")
    sources = load_folder(folder)
    assert sources.trends.index.freqstr == "W-SUN"
    y, _ = metric_series(sources, "brand_interest")
    assert y.name == "steven_universe_worldwide"
    assert sources.trends.attrs["brand_place"] == "Worldwide"
    note = _notes(sources)["GoogleStevenTimeline.csv"]
    assert note.startswith("by month (2004-01-01 to 2019-06-01), while multiTimeline.csv, by week")
    assert note.endswith(
        "to measure by month instead, move multiTimeline.csv out of the data folder"
    )
    line = _files_line(sources, "multiTimeline.csv")
    assert "brand interest in steven universe (Worldwide), by week" in line
    assert assess(sources).campaigns.loc["push", "brand_interest"] == "measured"


def test_granularity_follows_the_campaigns_history(tmp_path):
    # weeks start a month before launch: too few to measure; the months have years of history
    folder = _folder(tmp_path, STEVEN, launch="2014-07-13", settings="brand: [steven universe]\n")
    sources = load_folder(folder)
    assert sources.trends.index.freqstr == "MS"
    note = _notes(sources)["multiTimeline.csv"]
    assert "it has enough periods before more campaigns' launch" in note


def test_granularity_follows_the_brand_term(tmp_path):
    folder = _folder(tmp_path, STEVEN, launch="2024-06-02", settings="brand: [acme]\n", files=[])
    (folder / "weeks.csv").write_text(
        _trends("Week,tools: (Worldwide)", _weeks("2020-01-05", 250, 40)), encoding="utf-8"
    )
    months = "".join(f"{y}-{m:02d},{10 + m}\n" for y in range(2015, 2025) for m in range(1, 13))
    (folder / "months.csv").write_text(
        "Category: All categories\n\nMonth,acme: (Worldwide)\n" + months, encoding="utf-8"
    )
    sources = load_folder(folder)
    assert list(sources.trends.columns) == ["acme", "missing"]
    assert "(it holds the brand term)" in _notes(sources)["weeks.csv"]


def test_granularity_without_a_brand_is_the_finest(tmp_path):
    folder = _folder(tmp_path, STEVEN, launch="2018-07-01")
    sources = load_folder(folder)
    assert sources.trends.index.freqstr == "W-SUN"
    assert "(it is finer)" in _notes(sources)["GoogleStevenTimeline.csv"]


@pytest.mark.parametrize("src", [MODI, STEVEN], ids=["places", "granularities"])
def test_no_download_vanishes(tmp_path, src):
    # each download is measured, a control, or listed as not used with its reason
    settings = "brand: [pm modi, steven universe]\n"
    sources = load_folder(_folder(tmp_path, src, launch="2018-07-01", settings=settings))
    y, controls = metric_series(sources, "brand_interest")
    series = {y.name, *(controls.columns if controls is not None else ())}
    assert set(sources.trends.columns) - {"missing"} == series
    for e in sources.exports:
        if e.path.suffix == ".csv":
            assert (e.source == "trends") != bool(e.note), e.path.name
