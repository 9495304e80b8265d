from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest

from darksocial.errors import DataFormatError
from darksocial.io.search_console import load_search_console, read_search_console_queries


def test_bulk_export_daily_branded_nonbranded_anonymized(data_dir):
    df = load_search_console(data_dir / "search_console" / "searchdata_site_impression.csv")
    assert df.attrs["variant"] == "bulk_export" and df.attrs["brand_terms"] == ("trackmytools",)
    d1 = df.loc["2024-01-01"]  # IMAGE row excluded (search_type="web"), rows summed
    assert (d1["branded_clicks"], d1["nonbranded_clicks"], d1["anonymized_clicks"]) == (42, 8, 6)
    assert d1["clicks"] == 56 and d1["impressions"] == 860
    assert (
        d1["branded_impressions"] + d1["nonbranded_impressions"] + d1["anonymized_impressions"]
        == 860
    )
    d3 = df.loc["2024-01-03"]  # "tracking my tools in excel" is not brand
    assert (d3["branded_clicks"], d3["nonbranded_clicks"]) == (20, 4)
    assert d3["anonymized_click_share"] == pytest.approx(4 / 28)
    assert df.loc["2024-01-02", "missing"] and np.isnan(df.loc["2024-01-02", "clicks"])
    assert "lower bound" in df.attrs["brand_share"].report()
    every = load_search_console(
        data_dir / "search_console" / "searchdata_site_impression.csv", search_type=None
    )
    assert every.loc["2024-01-01", "branded_clicks"] == 43


def test_api_rows_json_with_brand_terms(data_dir):
    df = load_search_console(data_dir / "search_console" / "api_rows.json", brand="trackmytools")
    assert df.attrs["variant"] == "api_rows_json"
    assert (
        df.loc["2024-01-01", "branded_clicks"] == 12
        and df.loc["2024-01-01", "nonbranded_clicks"] == 3
    )
    assert df.loc["2024-01-02", "branded_clicks"] == 5
    assert df["anonymized_clicks"].isna().all()  # API rows omit anonymized queries


def test_ui_folder_chart_and_zip_with_newest_first_dates(data_dir, tmp_path):
    folder = data_dir / "search_console" / "ui_export"
    df = load_search_console(folder)
    assert df.attrs["variant"] == "ui_export_folder_chart"
    assert df["clicks"].tolist()[:2] == [50, 60] and df.loc["2024-01-03", "missing"]
    share = df.attrs["brand_share"]
    assert share.branded_clicks == 55 and share.nonbranded_clicks == 35
    assert share.anonymized_clicks == 150 - 90  # chart total minus visible queries
    assert df["branded_clicks"].isna().all()  # no daily split without a query filter
    # older exports: Dates.csv newest first, inside a zip, with a brand query filter
    zpath = tmp_path / "https___www.trackmytools.com_-Performance-on-Search-2024-01-05.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr(
            "Dates.csv",
            "Date,Clicks,Impressions,CTR,Position\n2024-01-02,9,90,10%,2\n2024-01-01,7,70,10%,2\n",
        )
        z.writestr("Queries.csv", (folder / "Queries.csv").read_text())
        z.writestr("Filters.csv", "Filter,Value\nSearch type,Web\nQuery,+trackmytools\n")
    zdf = load_search_console(zpath, brand=["trackmytools"])
    assert zdf.attrs["variant"] == "ui_export_zip_dates"
    assert zdf["branded_clicks"].tolist() == [7, 9] and zdf.index[0] == pd.Timestamp("2024-01-01")
    assert read_search_console_queries(zpath)["ctr"].iloc[0] == pytest.approx(0.2)


def test_bad_inputs(tmp_path, data_dir):
    zpath = tmp_path / "export.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr("Queries.csv", "Top queries,Clicks,Impressions,CTR,Position\n")
    with pytest.raises(DataFormatError, match=r"export\.zip: no Chart\.csv or Dates\.csv inside"):
        load_search_console(zpath)
    wrong = tmp_path / "other.csv"
    wrong.write_text("a,b\n1,2\n")
    with pytest.raises(
        DataFormatError, match=r"other\.csv: expected a Search Console bulk export"
    ):
        load_search_console(wrong)
    bad = tmp_path / "bulk.csv"
    bad.write_text(
        "data_date,query,is_anonymized_query,clicks,impressions\n2024-13-45,x,false,1,2\n"
    )
    with pytest.raises(DataFormatError, match=r"bulk\.csv: column 'date' row 1: cannot read date"):
        load_search_console(bad)
    with pytest.raises(DataFormatError, match="not a Search Analytics API response"):
        j = tmp_path / "r.json"
        j.write_text('{"foo": []}')
        load_search_console(j)


def test_brand_from_the_site_is_refined_by_what_people_search():
    # michelinman.com: the real export's top queries say "michelin tires", never
    # "michelinman"; a brand term nobody searches made every query non-branded
    from darksocial.io.search_console import brand_from_site, refine_brand

    site = brand_from_site("https://www.michelinman.com/")
    queries = ["michelin tires", "michelin", "michelin crossclimate 2", "tire pressure"]
    assert tuple(refine_brand(site, queries).terms) == ("michelin", "michelinman")
    # one query for the mascot among many for the brand (the real export had both)
    queries += ["michelin man", "michelin defender", "michelin wiper blades"]
    assert tuple(refine_brand(site, queries).terms) == ("michelin", "michelinman")
    # the site's name searched as such, or no word of it searched twice: unchanged
    assert tuple(refine_brand(site, ["michelinman app", "michelin"]).terms) == ("michelinman",)
    track = brand_from_site("https://trackmytools.com")
    assert tuple(refine_brand(track, ["track tools", "tools"]).terms) == ("trackmytools",)
    assert refine_brand(site, []) is site
    # a real export's top queries: "panda patches" (986 clicks), then "pandapatches"
    panda = brand_from_site("https://pandapatches.com/")
    queries = ["panda patches", "pandapatches", "panda patches official", "panda patch"]
    assert tuple(refine_brand(panda, queries).terms) == ("panda patches", "pandapatches")
    # a hyphenated address already spells it in words: not twice
    hyphen = brand_from_site("https://panda-patches.com/")
    assert tuple(refine_brand(hyphen, queries).terms) == ("panda patches", "pandapatches")


def test_a_generic_word_the_site_name_starts_with_is_not_the_brand(data_dir):
    # invoicekits.com: its top queries say "invoice vs receipt", "how to calculate an
    # invoice", where the site ranks 38 to 80; "invoice" became a brand term
    df = load_search_console(data_dir / "search_console" / "invoicekits")
    assert df.attrs["brand_terms"] == ("invoicekits",)
    # the same words where the site ranks first are people looking for it
    from darksocial.io.search_console import brand_from_site, refine_brand

    site = brand_from_site("https://www.michelinman.com/")
    queries = ["michelin tires", "michelin", "michelin crossclimate 2", "tire pressure"]
    top = dict.fromkeys(queries, 1.4)
    assert refine_brand(site, queries, positions=top).terms[0] == "michelin"
    low = dict.fromkeys(queries, 40.0)
    assert refine_brand(site, queries, positions=low).terms == ("michelinman",)
