from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from darksocial.errors import DataFormatError, DataValidationError, UnusableExportError
from darksocial.io.ads import load_linkedin_ads, load_meta_ads
from darksocial.io.calendar import load_campaigns
from darksocial.io.survey import load_survey
from darksocial.io.trends import LESS_THAN_ONE, load_trends


def test_trends_weekly_terms_geo_and_less_than_one(data_dir):
    df = load_trends(data_dir / "trends" / "multiTimeline.csv")
    assert df.index.freqstr == "W-SUN" and list(df.columns) == [
        "trackmytools",
        "tool_tracking",
        "missing",
    ]
    assert df["trackmytools"].tolist() == [LESS_THAN_ONE, 12, 35, 28]
    assert df["tool_tracking"].max() == 100
    assert df.attrs["geo"] == "France" and df.attrs["terms"] == ["trackmytools", "tool tracking"]
    monthly = load_trends(data_dir / "trends" / "multiTimeline_monthly_excel.csv")
    assert monthly.index.freqstr == "MS" and monthly.attrs["geo"] == "Worldwide"
    assert monthly["trackmytools"].tolist() == [3, 0.5, 100]


def test_trends_bad_inputs(tmp_path):
    p = tmp_path / "multiTimeline.csv"
    p.write_text("Category: All categories\n\nWeek,x: (France)\n2024-01-07,lots\n")
    with pytest.raises(DataFormatError, match=r"row 1: 'lots' is not a number"):
        load_trends(p)
    p.write_text("Category: All categories\n\nfoo,bar\n1,2\n")
    with pytest.raises(DataFormatError, match="no Day, Week or Month header"):
        load_trends(p)


def test_meta_totals_row_currency_and_daily_sums(data_dir):
    df = load_meta_ads(data_dir / "ads" / "TrackMyTools-Campaigns-1-Jan-20243-Jan-2024.csv")
    assert df.attrs["currency"] == "EUR" and df.attrs["totals"]["impressions"] == "9000"
    assert df.loc["2024-01-01", "impressions"] == 6500 and df.loc[
        "2024-01-01", "spend"
    ] == pytest.approx(210.5)
    assert df.loc["2024-01-01", "campaigns"] == 2
    assert df.loc["2024-01-02", "missing"] and np.isnan(df.loc["2024-01-02", "spend"])
    # the unlabelled totals row is not counted: daily sums equal the exported totals
    assert df["impressions"].sum() == 9000 and df["spend"].sum() == pytest.approx(300.5)
    zero = load_meta_ads(
        data_dir / "ads" / "TrackMyTools-Campaigns-1-Jan-20243-Jan-2024.csv", no_delivery="zero"
    )
    assert zero.loc["2024-01-02", "spend"] == 0 and not zero["missing"].any()
    long = df.attrs["long"]
    assert set(long["campaign"]) == {"Launch – video", "Retargeting"}


def test_meta_empty_export_and_not_daily(data_dir, tmp_path):
    with pytest.raises(DataFormatError, match=r"Empty-Campaigns.*No data available"):
        load_meta_ads(data_dir / "ads" / "Empty-Campaigns-1-Jan-20241-Feb-2024.csv")
    p = tmp_path / "m.csv"
    p.write_text(
        '"Campaign name",Impressions,"Amount spent (USD)","Reporting starts","Reporting ends"\n'
        "A,10,1,2024-01-01,2024-01-31\nB,5,1,2024-01-01,2024-01-31\n"
    )
    with pytest.raises(DataFormatError, match="not broken down by day"):
        load_meta_ads(p)
    p.write_text('"Ad name",Reach\nA,10\n')
    with pytest.raises(DataFormatError, match="no 'Impressions' or 'Amount spent' column"):
        load_meta_ads(p)


def test_linkedin_utf16_tab_separated_with_preamble(tmp_path):
    text = (
        "Campaign Performance Report (in UTC)\n"
        "Report Start: 1/1/2024, 12:00 AM\nReport End: 1/3/2024, 11:59 PM\n"
        "Date Generated: 1/4/2024, 9:00 AM\nAccount Name: TrackMyTools\n"
        "Start Date (in UTC)\tAccount Name\tCampaign Name\tCurrency\tTotal Spent\tImpressions\tClicks\n"
        "1/1/2024\tTrackMyTools\tThought leadership\tEUR\t50.5\t1,200\t30\n"
        "1/1/2024\tTrackMyTools\tDemo ads\tEUR\t20\t800\t10\n"
        "1/3/2024\tTrackMyTools\tDemo ads\tEUR\t25\t900\t12\n"
    )
    p = tmp_path / "campaign_performance_report.csv"
    p.write_bytes(text.encode("utf-16"))
    df = load_linkedin_ads(p)
    assert df.attrs["variant"] == "campaign_manager_utf16" and df.attrs["currency"] == "EUR"
    assert df.loc["2024-01-01", "impressions"] == 2000 and df.loc["2024-01-01", "spend"] == 70.5
    assert df["missing"].tolist() == [False, True, False]
    p.write_bytes("Campaign Performance Report\nfoo\tbar\n".encode("utf-16"))
    with pytest.raises(DataFormatError, match="no 'Start Date \\(in UTC\\)' header"):
        load_linkedin_ads(p)


def test_survey_csv_raw_text_kept_and_sorted(data_dir):
    df = load_survey(data_dir / "survey" / "how_did_you_hear.csv")
    assert list(df.columns) == [
        "submitted_at",
        "answer",
        "software_source",
        "software_source_detail",
        "record_id",
    ]
    assert df["submitted_at"].is_monotonic_increasing and df["record_id"].tolist() == [
        "102",
        "103",
        "104",
        "101",
    ]
    assert df.loc[df["record_id"] == "101", "answer"].item() == (
        "A colleague shared your post on LinkedIn, then I googled you"
    )
    assert df.loc[df["record_id"] == "104", "answer"].item() == "podcast 🎧 (The Tool Show)"
    assert df.loc[df["record_id"] == "103", "answer"].item() == ""


def test_survey_xlsx_with_configured_columns(tmp_path):
    p = tmp_path / "typeform.xlsx"
    pd.DataFrame(
        {
            "Submitted": ["2024-02-01 10:00:00", "2024-01-31 09:00:00"],
            "Where from?": ["Slack group", "ChatGPT"],
        }
    ).to_excel(p, index=False)
    df = load_survey(p, answer_column="Where from?", date_column="Submitted")
    assert df["answer"].tolist() == ["ChatGPT", "Slack group"]
    assert df.attrs["variant"] == "xlsx"
    with pytest.raises(DataFormatError, match="missing column"):
        load_survey(p)
    bad = tmp_path / "s.csv"
    bad.write_text("Create Date,How did you hear about us?\nyesterday,Google\n")
    with pytest.raises(DataFormatError, match="row 1: cannot read date 'yesterday'"):
        load_survey(bad)


@pytest.mark.parametrize(
    "question",
    [
        "How did you first hear about Acme?",
        "How did you find us? (optional)",
        "Where did you hear about Acme Tools",
        "how_did_you_hear_about_acme",
        "Comment avez-vous connu Acme ?",
        "Wie haben Sie von uns erfahren?",
        "¿Cómo nos conociste?",
        "Come ci hai conosciuto?",
        "Como você nos conheceu?",
        "Hoe heeft u over ons gehoord?",
        "Où avez-vous entendu parler de nous ?",
        "Wo haben Sie von uns gehört?",
        "¿Dónde nos conociste?",
    ],
)
def test_survey_question_in_a_form_s_own_words(tmp_path, question):
    # the loader read six fixed wordings: a form asking "How did you first hear about
    # Acme?" was "missing column 'How did you hear about us?'", and a folder scan did not
    # recognise it as survey answers at all
    from darksocial.io import detect

    p = tmp_path / "answers.csv"
    pd.DataFrame(
        {
            "Email": ["a@x.io", "b@y.io"],
            "Submitted At": ["2024-02-01 10:00:00", "2024-01-31 09:00:00"],
            question: ["a Slack group", "ChatGPT"],
        }
    ).to_csv(p, index=False)
    df = load_survey(p)
    assert df["answer"].tolist() == ["ChatGPT", "a Slack group"]
    assert detect(p).source == "survey"


def test_survey_question_is_not_guessed_between_two_columns(tmp_path):
    from darksocial.io.survey import question_column

    cols = ["Date", "How did you hear about us?", "Notes"]
    assert question_column(cols) == "How did you hear about us?"
    assert question_column(["Date", "Notes", "Name"]) is None
    two = ["Date", "How did you first hear about us?", "Where did you find us?"]
    assert question_column(two) is None  # ambiguous: answer_column= says which
    p = tmp_path / "two.csv"
    p.write_text("Date," + ",".join(two[1:]) + "\n2024-01-02,a podcast,Google\n")
    with pytest.raises(UnusableExportError, match="more than one column asks how people heard"):
        load_survey(p)
    # in a data folder it is the survey, listed as not used with that fix; the rest runs
    from darksocial.io import detect

    assert detect(p).source == "survey"
    assert load_survey(p, answer_column=two[2])["answer"].tolist() == ["Google"]
    # questions that are not "how did you hear about us" (opinions, yes/no, skills), and
    # a GA4 custom dimension, are not taken for it
    for header in (
        "How did you find the onboarding?",
        "How do you find our new dashboard?",
        "Come ha trovato il servizio?",
        "Hoe heeft u de website gevonden?",
        "Have you heard of us before?",
        "Did you hear about us from a friend?",
        "How did you learn to code?",
        "Wie erfahren sind Sie mit Excel?",
        "¿Cómo encontraste el servicio?",
        "how_did_you_hear",
    ):
        assert question_column(["Date", header]) is None, header


def test_calendar_yaml_and_csv(data_dir):
    cal = load_campaigns(data_dir / "calendar" / "campaigns.yml")
    assert list(cal.index) == ["linkedin-video", "podcast-jan"]  # sorted by launch
    assert cal.loc["podcast-jan", "launch"] == pd.Timestamp("2024-01-15")
    assert (
        pd.isna(cal.loc["linkedin-video", "end"]) and cal.loc["linkedin-video", "spend"] == 2500.5
    )
    assert cal.loc["linkedin-video", "evaluation_end"] == pd.Timestamp("2024-03-01")
    csv = load_campaigns(data_dir / "calendar" / "campaigns.csv")
    assert csv.loc["a", "end"] == pd.Timestamp("2024-01-10") and np.isnan(csv.loc["b", "spend"])


def test_calendar_validation(tmp_path):
    p = tmp_path / "c.yml"
    p.write_text("campaigns:\n  - {id: a, launch: 2024-01-10, end: 2024-01-01}\n")
    with pytest.raises(
        DataValidationError, match="'a' ends 2024-01-01 before it launches 2024-01-10"
    ):
        load_campaigns(p)
    p.write_text("campaigns:\n  - {id: a, launch: 2024-01-10}\n  - {id: a, launch: 2024-02-10}\n")
    with pytest.raises(DataValidationError, match="id 'a' is used twice"):
        load_campaigns(p)
    p.write_text("campaigns:\n  - {id: a, launch: next monday}\n")
    with pytest.raises(DataFormatError, match="cannot read launch date 'next monday'"):
        load_campaigns(p)
    p.write_text("campaigns: [a, b\n")
    with pytest.raises(DataFormatError, match="invalid YAML"):
        load_campaigns(p)


def test_calendar_date_that_does_not_exist_names_the_campaign(tmp_path):
    from darksocial.errors import DataFormatError
    from darksocial.io import load_campaigns

    path = tmp_path / "campaigns.yml"
    path.write_text("campaigns:\n- id: expo\n  name: Expo\n  launch: 2025-13-01\n")
    with pytest.raises(DataFormatError, match="campaign 'expo': cannot read launch date"):
        load_campaigns(path)


# --- ads exports as real accounts download them (formats of public exports, own numbers) ----


def test_meta_ad_level_daily_export_keeps_its_currency(data_dir):
    df = load_meta_ads(data_dir / "ads" / "Creative-Analysis-Acme.csv")
    assert df.attrs["currency"] == "USD"
    assert df.loc["2025-08-12", "spend"] == pytest.approx(29.81)
    assert df.loc["2025-08-12", "campaigns"] == 2 and df.attrs["totals"] is None
    assert list(df.index.strftime("%d")) == ["12", "13", "14"]


@pytest.mark.parametrize(
    "header",
    ["Amount spent (EUR)", "Amount Spent (EUR)", "AMOUNT SPENT (EUR)", "Montant dépensé (EUR)"],
)
def test_meta_currency_from_the_spend_header_in_any_case(tmp_path, header):
    p = tmp_path / "Acme-Campaigns-1-Jan-20252-Jan-2025.csv"
    p.write_text(
        f'"Campaign name",Day,Impressions,"{header}","Reporting starts","Reporting ends"\n'
        ",,300,12.5,2025-01-01,2025-01-02\n"
        "Launch,2025-01-01,100,5,2025-01-01,2025-01-02\n"
        "Launch,2025-01-02,200,7.5,2025-01-01,2025-01-02\n"
    )
    df = load_meta_ads(p)
    assert df.attrs["currency"] == "EUR" and df["spend"].tolist() == [5, 7.5]


def test_meta_export_without_names_or_currency(data_dir):
    df = load_meta_ads(data_dir / "ads" / "Facebook Ads.csv")
    assert df.attrs["currency"] is None
    assert df.loc["2022-09-22", "impressions"] == 1416 and df.loc["2022-09-23", "missing"]
    assert df.loc["2022-09-22", "spend"] == pytest.approx(38.55)


def test_meta_whole_period_export_says_to_break_down_by_day(data_dir):
    with pytest.raises(
        DataFormatError,
        match=r"_Age.csv: not broken down by day \(each row covers 2025-02-01..2025-08-04\)",
    ):
        load_meta_ads(data_dir / "ads" / "Untitled-report-Feb-1-2025-to-Aug-4-2025_Age.csv")
    with pytest.raises(DataFormatError, match="No data available"):
        load_meta_ads(data_dir / "ads" / "Acme-Campaigns-1-Sep-202430-Sep-2024.csv")


def test_linkedin_currency_column(tmp_path):
    head = "Start Date (in UTC),Campaign Name,Currency,Total Spent,Impressions,Clicks\n"
    p = tmp_path / "campaign_performance_report.csv"
    p.write_text(head + "1/1/2024,Demo,usd,20,800,10\n1/2/2024,Demo,usd,25,900,12\n")
    assert load_linkedin_ads(p).attrs["currency"] == "USD"
    p.write_text(head + "1/1/2024,Demo,USD,20,800,10\n1/2/2024,Brand,EUR,25,900,12\n")
    with pytest.raises(DataFormatError, match=r"several currencies \(EUR, USD\)"):
        load_linkedin_ads(p)


@pytest.mark.parametrize(
    ("rows", "launch", "end"),
    [
        # a spreadsheet's day-first dates: "01/12/2025" was read as 12 January beside
        # "14/12/2025", 14 December, and the campaign was "not covered" by data that held it
        ("pod;01/12/2025;14/12/2025", "2025-12-01", "2025-12-14"),
        ("pod;12/01/2025;12/24/2025", "2025-12-01", "2025-12-24"),  # month first
        ("pod;01.12.2025;02.12.2025", "2025-12-01", "2025-12-02"),  # dotted: day first
        ("pod;2025-12-01;2025-12-14", "2025-12-01", "2025-12-14"),
    ],
)
def test_calendar_dates_as_numbers_are_read_in_one_order(tmp_path, rows, launch, end):
    p = tmp_path / "campaigns.csv"
    p.write_text("id;launch;end\r\n" + rows + "\r\n")
    cal = load_campaigns(p)
    assert cal.loc["pod", "launch"] == pd.Timestamp(launch)
    assert cal.loc["pod", "end"] == pd.Timestamp(end)


def test_calendar_dates_that_read_both_ways_are_refused_with_the_fix(tmp_path):
    p = tmp_path / "campaigns.csv"
    p.write_text("id;launch;end\r\npod;01/12/2025;02/12/2025\r\n")
    with pytest.raises(DataFormatError, match="every date reads both day first and month first"):
        load_campaigns(p)
    with pytest.raises(DataFormatError, match=r"write the dates as YYYY-MM-DD"):
        load_campaigns(p)


def test_a_teams_own_calendar_spreadsheet_is_read(tmp_path):
    # "Campaign, Start date, End date, Budget" was "not a recognised export", and the folder
    # "has no campaign calendar"
    from darksocial.io import detect

    p = tmp_path / "Marketing calendar 2025.csv"
    p.write_text(
        "Campaign,Start date,End date,Budget,Platform,Type\n"
        'Reddit AMA,2025-12-01,2025-12-14,"$1,200",reddit,Community\n'
        "Lançamento no YouTube,2025-12-10,,500,youtube,Short video\n"
        "Reddit AMA,2026-01-05,2026-01-10,,reddit,Community\n"
    )
    assert detect(p).source == "campaigns"
    cal = load_campaigns(p)
    assert list(cal.index) == ["reddit-ama", "lancamento-no-youtube", "reddit-ama-2"]
    assert cal.loc["reddit-ama", "launch"] == pd.Timestamp("2025-12-01")
    assert cal.loc["reddit-ama", "end"] == pd.Timestamp("2025-12-14")
    assert cal.loc["reddit-ama", "spend"] == 1200.0
    assert cal.loc["lancamento-no-youtube", "channel"] == "youtube"
    # the types the reports pool and the survey buckets know
    assert cal.loc["lancamento-no-youtube", "content_type"] == "short_video"
    # a performance table by campaign, with its dates, is not a calendar
    q = tmp_path / "campaign-performance.csv"
    q.write_text("Campaign,Start date,Clicks,Impressions\nReddit AMA,2025-12-01,10,300\n")
    with pytest.raises(DataFormatError, match="not a recognised export"):
        detect(q)


def test_real_content_calendars_are_read(data_dir):
    from darksocial.io import detect

    elhub = data_dir / "calendar" / "elhub_content_calendar.csv"
    assert detect(elhub).source == "campaigns"
    cal = load_campaigns(elhub)
    assert len(cal) == 24 and cal.index[0].startswith("the-best-web-development-agency")
    assert cal["launch"].min() == pd.Timestamp("2026-04-12")
    assert cal["content_type"].isna().all()
    fusion = load_campaigns(data_dir / "calendar" / "fusionbars_content_calendar.csv")
    assert len(fusion) == 13 and set(fusion["content_type"]) == {"article"}
    assert fusion.loc["how-a-bar-is-eaten-here", "launch"] == pd.Timestamp("2026-09-26")


def test_a_notes_file_quoting_calendar_headers_is_not_a_calendar(tmp_path):
    # a folder's notes ("... a real content calendar: Topic,Slug,PublishDate,Keyword ...")
    # made a second calendar of its folder: "has several campaign calendars; keep one"
    from darksocial.io import detect

    p = tmp_path / "SOURCE.txt"
    p.write_text(
        "content_calendar.csv: from a repository, path content_calendar.csv (a real content "
        "calendar: Topic,Slug,PublishDate,Keyword; no end dates)\n"
        "gsc/: an export of another site, paired by hand, dates overlap the launches\n"
    )
    with pytest.raises(DataFormatError, match="not a recognised export"):
        detect(p)


def test_a_content_calendar_beside_campaigns_yml_is_listed_not_a_second_calendar(
    tmp_path, data_dir
):
    # campaigns.yml and the team's content calendar stopped the folder: "has several campaign
    # calendars ...; keep one"
    from darksocial.io import load_folder

    shutil.copy(data_dir / "calendar" / "elhub_content_calendar.csv", tmp_path)
    (tmp_path / "campaigns.yml").write_text("campaigns:\n- {id: p, launch: 2025-12-01}\n")
    sources = load_folder(tmp_path)
    assert list(sources.campaigns.index) == ["p"]
    (other,) = [e for e in sources.exports if e.path.name == "elhub_content_calendar.csv"]
    assert other.source is None and other.note == (
        "another campaign calendar; campaigns.yml is the one read"
    )
    # dates in words, as a Notion export writes them, are a calendar's dates too
    from darksocial.io import detect

    words = tmp_path / "notion.csv"
    words.write_text('Name,Start date\nSpring launch,"March 3, 2025"\n')
    assert detect(words).source == "campaigns"
