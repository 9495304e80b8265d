"""Google Trends' by-region and related-queries downloads: named, listed as not used."""

import shutil
from pathlib import Path

import pytest

from darksocial.errors import UnusableExportError
from darksocial.io import load_folder, load_trends
from darksocial.io.detect import detect
from darksocial.io.trends import side_table

HERE = Path(__file__).resolve().parents[1] / "data" / "trends"
SIDE = HERE / "side_tables"
REGION = ["modi_geoMap.csv", "hughesnet_es_geoMap.csv", "bitcoin_fr_geoMap.csv"]
RELATED = ["modi_relatedQueries.csv", "modi_relatedEntities.csv"]


@pytest.mark.parametrize("name", REGION + RELATED)
def test_side_table_is_refused_with_what_it_is(name):
    path = SIDE / name
    assert detect(path).source == "google_trends"
    with pytest.raises(UnusableExportError) as err:
        load_trends(path)
    text = str(err.value)
    kind = "interest-by-region" if name in REGION else "related queries or topics"
    assert kind in text
    assert "multiTimeline.csv" in text and "\n" not in text


def test_no_chart_over_time_is_a_side_table():
    charts = sorted(HERE.rglob("*.csv"))
    charts = [p for p in charts if p.parent != SIDE] + [SIDE / "modi_multiTimeline.csv"]
    assert len(charts) > 15
    for path in charts:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert side_table(text) is None, path.name


def test_folder_with_side_tables_runs_and_lists_them(tmp_path):
    for name in ["modi_multiTimeline.csv", *REGION[:1], *RELATED]:
        shutil.copy(SIDE / name, tmp_path / name)
    (tmp_path / "campaigns.yml").write_text(
        "campaigns:\n- {id: tour, name: Tour, content_type: event, launch: 2019-05-01, "
        "end: 2019-06-30}\n"
    )
    (tmp_path / "darksocial.yml").write_text("brand: pm modi\n")
    sources = load_folder(tmp_path)
    assert "pm_modi" in sources.trends.columns
    notes = {Path(e.path).name: e.note for e in sources.exports}
    assert "interest-by-region" in notes["modi_geoMap.csv"]
    assert "related queries" in notes["modi_relatedQueries.csv"]
    assert "related queries" in notes["modi_relatedEntities.csv"]
    assert notes["modi_multiTimeline.csv"] in (None, "")
