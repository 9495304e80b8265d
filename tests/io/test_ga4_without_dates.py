"""GA4 tables without a Date column: each says which export to make instead."""

import shutil
from pathlib import Path

from darksocial.coverage import assess
from darksocial.io import load_folder

HERE = Path(__file__).resolve().parents[1] / "data" / "ga4" / "uttam"


def _folder(tmp_path):
    for src in HERE.glob("*.csv"):
        shutil.copy(src, tmp_path / src.name)
    (tmp_path / "campaigns.yml").write_text(
        "campaigns:\n- {id: c, name: C, content_type: event, launch: 2023-04-01}\n"
    )
    return load_folder(tmp_path)


def test_a_landing_page_table_without_dates_is_told_to_export_landing_pages(tmp_path):
    sources = _folder(tmp_path)
    by_name = {e.path.name: e for e in sources.exports}
    landing = by_name["landing_no_date.csv"]
    assert landing.kind == "direct_landing"
    assert "Reports → Engagement → Landing page, add Date" in landing.note
    assert "Traffic acquisition" not in landing.note
    channels = by_name["channels_no_date.csv"]
    assert channels.kind == "ga4_channels" and "Traffic acquisition" in channels.note


def test_the_sources_summary_does_not_let_one_file_stand_for_several(tmp_path):
    shutil.copy(HERE / "channels_no_date.csv", tmp_path / "more.csv")
    text = assess(_folder(tmp_path)).report()
    line = next(ln for ln in text.splitlines() if "GA4 traffic acquisition" in ln)
    assert "2 files, each named, with why, by darksocial check" in line
    line = next(ln for ln in text.splitlines() if "GA4 landing pages" in ln)
    assert "Landing page without a Date column" in line


def test_a_download_of_tables_by_nth_day_is_named_as_ga4():
    # a real home-page download (Average engagement time, Views... by Nth day): it was "not
    # a recognised export", and the campaign report said the folder had no GA4 export
    from darksocial.io.detect import detect
    from darksocial.io.folder import scan_folder

    path = HERE.parent / "nth_day" / "data-export.csv"
    assert detect(path).source == "ga4"
    (found,) = [e for e in scan_folder(path.parent) if e.path.name == "data-export.csv"]
    assert found.kind == "ga4_channels" and found.source is None
    assert found.note.startswith("a GA4 export by date without a channel column")
