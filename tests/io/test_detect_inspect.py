from __future__ import annotations

import zipfile

import pandas as pd
import pytest

from darksocial.cli import main
from darksocial.errors import DataFormatError
from darksocial.io import detect

CASES = {
    "ga4/Traffic_acquisition_Session_default_channel_group.csv": "ga4",
    "ga4/francais.csv": "ga4",
    "ga4/excel_resave.csv": "ga4",
    "ga4/runReport.json": "ga4",
    "ga4/data-export.csv": "ga4",
    "ga4/Landing_page_Landing_page.csv": "ga4_landing",
    "ga4_bigquery": "ga4_bigquery",
    "ga4_bigquery/events_20240102.json": "ga4_bigquery",
    "search_console/ui_export": "search_console",
    "search_console/searchdata_site_impression.csv": "search_console",
    "search_console/api_rows.json": "search_console",
    "trends/multiTimeline.csv": "google_trends",
    "trends/multiTimeline_monthly_excel.csv": "google_trends",
    "ads/TrackMyTools-Campaigns-1-Jan-20243-Jan-2024.csv": "meta_ads",
    "survey/how_did_you_hear.csv": "survey",
    "calendar/campaigns.yml": "campaigns",
    "calendar/campaigns.csv": "campaigns",
    "search_console/performance_2025": "search_console",
    "search_console/performance_2025/Chart.csv": "search_console",
    "search_console/performance_2025/Countries.csv": "search_console_table",
    "search_console/performance_fr/Filtres.csv": "search_console_table",
    "search_console/last_24_hours": "search_console",
    "ga4/Reports_snapshot.csv": "ga4",
    "ga4/data-export-daily.csv": "ga4",
    "ga4/data-export-hourly.csv": "ga4",
    "ga4/download (1).csv": "ga4",
    "ga4/data-export-ptbr.csv": "ga4",
    "trends/multiTimeline_ko_day.csv": "google_trends",
    "trends/multiTimeline_past_day.csv": "google_trends",
    "ads/Creative-Analysis-Acme.csv": "meta_ads",
    "ads/Facebook Ads.csv": "meta_ads",
}


@pytest.mark.parametrize(("rel", "source"), CASES.items(), ids=list(CASES))
def test_detect_recognises_every_fixture(data_dir, rel, source):
    assert detect(data_dir / rel).source == source


@pytest.mark.parametrize("rel", list(CASES), ids=list(CASES))
def test_cli_inspect_prints_one_screen(data_dir, rel, capsys):
    assert main(["inspect", str(data_dir / rel)]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") <= 24
    assert "source" in out and "rows" in out and "columns" in out


def test_cli_inspect_content(data_dir, capsys):
    main(
        [
            "inspect",
            str(data_dir / "ga4" / "Traffic_acquisition_Session_default_channel_group.csv"),
        ]
    )
    out = capsys.readouterr().out
    assert "ga4 (ui_csv)" in out and "2024-01-01 .. 2024-01-06" in out and "frequency D" in out
    assert "2 run(s), 2 period(s) missing" in out
    main(
        [
            "inspect",
            str(data_dir / "search_console" / "searchdata_site_impression.csv"),
            "--brand",
            "trackmytools",
            "--brand",
            "track my tools",
        ]
    )
    out = capsys.readouterr().out
    assert "lower bound" in out and "73.8%" in out


def test_cli_inspect_bad_input_one_line_exit_2(data_dir, tmp_path, capsys):
    cases = [
        data_dir / "ads" / "Empty-Campaigns-1-Jan-20241-Feb-2024.csv",
        tmp_path / "missing.csv",
    ]
    z = tmp_path / "export.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("readme.txt", "hello")
    cases.append(z)
    odd = tmp_path / "notes.csv"
    odd.write_text("colour,shape\nred,round\n")
    cases.append(odd)
    for path in cases:
        assert main(["inspect", str(path)]) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and path.name in err and "Traceback" not in err
    with pytest.raises(DataFormatError, match="not a recognised export"):
        detect(odd)


@pytest.mark.parametrize(
    ("rel", "freq"),
    [
        ("ga4/data-export-daily.csv", "frequency D\n"),  # records, out of date order
        ("ga4/Landing_page_Landing_page.csv", "frequency D"),
        ("ga4/Reports_snapshot.csv", "frequency D\n"),
        ("search_console/last_24_hours", "frequency h\n"),
        ("trends/multiTimeline_past_day.csv", "frequency 8min\n"),
    ],
)
def test_inspect_reports_the_grid_of_a_table_without_freq(data_dir, rel, freq, capsys):
    assert main(["inspect", str(data_dir / rel)]) == 0
    assert freq in capsys.readouterr().out


def test_infer_frequency():
    from darksocial.io.detect import infer_frequency

    dates = pd.to_datetime(["2024-01-02", "2024-01-01", "2024-01-01", "2024-01-04"])
    assert infer_frequency(dates) == "D (1 missing)"
    assert infer_frequency(pd.date_range("2024-01-07", periods=4, freq="W-SUN")) == "W-SUN"
    assert infer_frequency(pd.date_range("2024-01-01", periods=3, freq="MS")) == "MS"
    # month ends are monthly, as the model's classifier says, with a skipped month counted
    month_ends = pd.date_range("2024-01-31", periods=6, freq="ME")
    assert infer_frequency(month_ends) == "ME"
    assert infer_frequency(month_ends.delete(2)) == "ME (1 missing)"
    assert infer_frequency(pd.to_datetime(["2024-01-01", "2024-01-05", "2024-01-08"])) == (
        "irregular"
    )
    assert infer_frequency(pd.to_datetime(["2024-01-01"])) == "single date"


def test_settings_file_is_not_an_export(tmp_path):
    path = tmp_path / "darksocial.yml"
    path.write_text("brand: [acme]\ncountry: GB\n")
    with pytest.raises(DataFormatError, match="settings file"):
        detect(path)
