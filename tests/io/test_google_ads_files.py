"""Real Google Ads downloads in a data folder: each is listed as not used, with one line saying
it is a Google Ads report, and the rest of the folder runs (exit 0). Before, a daily time series
(Date, Clicks, Impressions, Avg. CPC, Cost) was taken for a Search Console chart and stopped
``darksocial check`` on its dates (exit 2), and the UI reports with title lines above the header
and the Google Ads Editor's campaign and ad exports were "not a recognised export". The fixtures
are the downloads byte for byte; their SOURCE.md says from where."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from darksocial.cli import main
from darksocial.errors import DataFormatError
from darksocial.io import detect, load_folder

CALENDAR = "campaigns:\n- {id: launch, name: Launch, content_type: video, launch: 2026-01-12}\n"
#: What the line of every Google Ads file ends with.
NOTE = (
    "the reports do not read Google Ads; ads to branded search reads Meta or LinkedIn ads "
    "broken down by day"
)
TIME_SERIES = "Time_series(2026.02.05-2026.02.10).csv"
GOOGLE_ADS = Path(__file__).resolve().parents[1] / "data" / "google_ads"
#: Each real file and the start of its header, as the note shows it.
FILES = {
    f"londonclean/{TIME_SERIES}": "Date, Clicks, Impressions, Avg. CPC",
    "londonclean/Devices(2026.02.05-2026.02.10).csv": "Device, Cost, Impressions, Clicks",
    "londonclean/Search_keywords(2026.02.05-2026.02.10).csv": (
        "Search Keyword, Match type, Criterion Status, Campaign Status"
    ),
    "londonclean/Optimisation_score(2026.02.05).csv": "Optimisation score, Campaign Name",
    "dentplant/Campaign report.csv": "Campaign status, Campaign, Budget, Budget name",
    "calpreserving/Campaign report.csv": "Campaign status, Campaign, Budget, Budget name",
    "calpreserving/Ad report- 22nd Jan.csv": "Ad status, Final URL, Beacon URLs, Headline",
    "calpreserving/Cal Preserving+Current view+2026-01-16- Campaign.csv": (
        "Campaign, Labels, Campaign Type, Networks"
    ),
    "calpreserving/Cal Preserving+Current view+2026-01-16- Expanded text ads.csv": (
        "Campaign, Ad Group, Ad type, Labels"
    ),
    "calpreserving/Cal Preserving+Current view+2026-01-16- Text Ads.csv": (
        "Campaign, Ad Group, Ad type, Labels"
    ),
}


def _folder(tmp_path: Path, files: dict[str, Path]) -> Path:
    """A data folder: a calendar and the given files at the given places, as downloaded."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "campaigns.yml").write_text(CALENDAR)
    for name, path in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, folder / name)
    return folder


def _unused(sources) -> dict[str, str]:
    """Why each file is not used, by its path in the folder."""
    root = Path(sources.directory)
    return {
        e.path.relative_to(root).as_posix(): e.note for e in sources.exports if e.source is None
    }


@pytest.mark.parametrize("name", FILES)
def test_each_real_google_ads_file_is_named_a_google_ads_report(name):
    with pytest.raises(DataFormatError) as info:
        detect(GOOGLE_ADS / name)
    assert str(info.value).endswith(f"a Google Ads report ({FILES[name]}, ...): {NOTE}")


def test_a_time_series_beside_a_search_console_export_is_not_used_and_the_folder_runs(
    tmp_path, data_dir, capsys
):
    chart = data_dir / "search_console" / "alba" / "Chart.csv"
    folder = _folder(
        tmp_path,
        {f"ads/{TIME_SERIES}": GOOGLE_ADS / "londonclean" / TIME_SERIES, "gsc/Chart.csv": chart},
    )
    sources = load_folder(folder)
    assert _unused(sources) == {
        f"ads/{TIME_SERIES}": f"a Google Ads report (Date, Clicks, Impressions, Avg. CPC, ...): {NOTE}"
    }
    # the Search Console export beside it is still read, day by day
    assert detect(chart).source == "search_console"
    assert sources.search_console is not None
    assert sources.search_console.index.min() == pd.Timestamp("2025-10-20")
    assert main(["check", "--data", str(folder)]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "cannot read date" not in out + err
    line = next(x for x in out.splitlines() if TIME_SERIES in x)
    assert line.split(TIME_SERIES, 1)[1].strip() == (
        f"not used: a Google Ads report (Date, Clicks, Impressions, Avg. CPC, ...): {NOTE}"
    )


def test_a_folder_of_google_ads_files_runs_and_lists_each_as_not_used(tmp_path, capsys):
    folder = _folder(tmp_path, {name: GOOGLE_ADS / name for name in FILES})
    unused = _unused(load_folder(folder))
    assert set(unused) == set(FILES)
    assert all(note.startswith("a Google Ads report (") for note in unused.values())
    assert main(["check", "--data", str(folder)]) == 0
    out, _ = capsys.readouterr()
    assert "not a recognised export" not in out
    assert out.count("not used: a Google Ads report (") == len(FILES)
