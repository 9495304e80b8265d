from __future__ import annotations

import math

import pandas as pd
import pytest

from darksocial.brand import BrandClassifier, brand_share
from darksocial.errors import ParameterError

BRAND = BrandClassifier(["trackmytools", "track my tools"], exclude=["my tools app"])


@pytest.mark.parametrize(
    "query",
    [
        "trackmytools",
        "Track My Tools",
        "trakmytools",
        "trackmytool",
        "track my tool",
        "TrackMyTööls pricing",
        "trackmytools-login",
        "login trackmytools.com",
    ],
)
def test_brand_queries_including_misspellings_case_accents(query):
    assert BRAND.is_brand(query)


@pytest.mark.parametrize(
    "query",
    [
        "track tools",
        "my tools",
        "tracking my tools in excel",
        "tools tracker",
        "",
        "my tools app trackmytools",
        None,
        float("nan"),
    ],
)
def test_near_misses_exclusions_and_anonymized_are_not_brand(query):
    assert not BRAND.is_brand(query)


def test_distance_zero_and_short_terms_are_exact():
    exact = BrandClassifier(["trackmytools"], max_distance=0)
    assert exact.is_brand("trackmytools") and not exact.is_brand("trakmytools")
    short = BrandClassifier(["acme"])
    assert (
        short.is_brand("acme reviews")
        and not short.is_brand("acne")
        and not short.is_brand("acmeist")
    )
    with pytest.raises(ParameterError, match="at least one brand term"):
        BrandClassifier(["  "])


def test_brand_share_is_a_reported_lower_bound():
    rows = pd.DataFrame(
        {
            "query": ["trackmytools", "track tools", "", "trakmytools"],
            "is_anonymized_query": [False, False, True, False],
            "clicks": [30, 10, 20, 5],
            "impressions": [100, 400, 300, 10],
        }
    )
    share = brand_share(rows, BRAND)
    assert share.branded_clicks == 35 and share.nonbranded_clicks == 10
    assert share.anonymized_clicks == 20 and math.isclose(share.branded_click_share, 35 / 65)
    assert math.isclose(share.anonymized_click_share, 20 / 65)
    text = share.report()
    assert "lower bound" in text and "53.8%" in text and "84.6%" in text
    assert share.summary_frame().loc["anonymized", "clicks"] == 20
    unknown = brand_share(rows[rows["query"] != ""], BRAND, anonymized=None)
    assert math.isnan(unknown.anonymized_clicks) and "lower bound" in unknown.report()
