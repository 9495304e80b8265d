"""Search Console query rows and Google Trends for the simulated site."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from darksocial.sample.scenario import Scenario

__all__ = ["BRAND_QUERIES", "NONBRAND_QUERIES", "simulate_search", "simulate_trends"]


@dataclass(frozen=True)
class Query:
    """One Search Console query: its share of its group's impressions and its behaviour."""

    text: str
    share: float  # share of the group's daily impressions
    ctr: float  # click-through rate relative to the group's average
    position: float  # average position (1 = top)
    cells: str  # which country x device cells it appears in (key of _CELLS)
    page: str  # landing page for the UI Pages export
    kind: str = "brand"  # brand, nonbrand or near_miss
    active: tuple[str, str] | None = None  # only searched between these dates


_ANON = ""  # anonymized rows have an empty query

#: Brand queries; the empty query is the anonymized long tail of brand searches.
BRAND_QUERIES = (
    Query("trackmytools", 0.38, 1.10, 1.05, "brand_main", "/"),
    Query("trackmytools login", 0.12, 1.55, 1.0, "brand_desk", "/login"),
    Query("track my tools", 0.10, 0.90, 1.3, "brand_main", "/"),
    Query("trackmytools pricing", 0.05, 1.05, 1.2, "brand_desk", "/pricing"),
    Query("trackmytools app", 0.03, 1.10, 1.1, "brand_mob", "/"),
    Query("trackmytool", 0.03, 0.90, 1.4, "brand_main", "/"),
    Query("trakmytools", 0.02, 0.80, 1.6, "brand_fr", "/"),
    Query("track my tool app", 0.015, 0.70, 2.1, "brand_mob", "/features"),
    Query("trackmytools avis", 0.012, 0.90, 1.5, "brand_fr", "/customers"),
    Query("trackmytools review", 0.01, 0.80, 2.4, "en", "/customers"),
    Query(_ANON, 0.233, 0.85, 1.8, "anon", "/"),
)

#: Non-brand queries (``kind="near_miss"`` look like brand to a sloppy classifier).
NONBRAND_QUERIES = (
    Query(
        "logiciel suivi outillage",
        0.060,
        1.3,
        5.2,
        "fr",
        "/fr/logiciel-suivi-outillage",
        "nonbrand",
    ),
    Query(
        "suivi outillage chantier",
        0.045,
        1.2,
        6.1,
        "fr",
        "/blog/fr/suivi-outillage-chantier",
        "nonbrand",
    ),
    Query(
        "gestion parc outillage", 0.035, 1.0, 7.4, "fr", "/fr/logiciel-suivi-outillage", "nonbrand"
    ),
    Query(
        "application gestion outillage",
        0.030,
        1.1,
        6.8,
        "fr",
        "/fr/logiciel-suivi-outillage",
        "nonbrand",
    ),
    Query(
        "équipement suivi outils",
        0.015,
        0.9,
        9.5,
        "fr",
        "/blog/fr/suivi-outillage-chantier",
        "nonbrand",
    ),
    Query(
        "inventaire outillage excel",
        0.030,
        0.7,
        8.9,
        "fr",
        "/blog/construction-tool-inventory-template",
        "nonbrand",
    ),
    Query(
        "traceur bluetooth outils",
        0.020,
        1.0,
        7.7,
        "fr",
        "/features/bluetooth-tags/setup",
        "nonbrand",
    ),
    Query(
        "étiquette qr code outils",
        0.015,
        0.9,
        8.2,
        "fr",
        "/features/qr-codes/print-labels",
        "nonbrand",
    ),
    Query(
        "logiciel gestion matériel btp",
        0.025,
        0.8,
        11.3,
        "fr",
        "/fr/logiciel-suivi-outillage",
        "nonbrand",
    ),
    Query("tool tracking app", 0.050, 1.0, 8.4, "en", "/features", "nonbrand"),
    Query("tool tracking software", 0.040, 0.9, 9.8, "en", "/features", "nonbrand"),
    Query("construction tool inventory software", 0.025, 1.0, 10.5, "en", "/features", "nonbrand"),
    Query(
        "best tool tracking software 2024",
        0.020,
        0.8,
        12.2,
        "en",
        "/blog/best-tool-tracking-software",
        "nonbrand",
        ("2024-01-01", "2024-12-31"),
    ),
    Query(
        "best tool tracking software 2025",
        0.020,
        0.8,
        11.6,
        "en",
        "/blog/best-tool-tracking-software",
        "nonbrand",
        ("2025-01-01", "2025-12-31"),
    ),
    Query("tool inventory app", 0.020, 0.9, 12.8, "en", "/features", "nonbrand"),
    Query("equipment tracking app", 0.020, 0.6, 18.5, "en", "/features", "nonbrand"),
    Query(
        "bluetooth tool tracker",
        0.015,
        1.1,
        9.1,
        "en",
        "/features/bluetooth-tags/setup",
        "nonbrand",
    ),
    Query(
        "qr code tool tracking",
        0.012,
        1.2,
        6.9,
        "en",
        "/features/qr-codes/print-labels",
        "nonbrand",
    ),
    Query(
        "tool crib management software",
        0.008,
        0.9,
        10.2,
        "en",
        "/blog/how-to-stop-losing-tools-on-site",
        "nonbrand",
    ),
    Query("tool tracking app, construction", 0.006, 1.0, 8.8, "en", "/features", "nonbrand"),
    Query(
        "hilti, dewalt tool tracking",
        0.005,
        0.8,
        13.4,
        "en",
        "/blog/tool-tracking-qr-vs-bluetooth",
        "nonbrand",
    ),
    Query("track tools", 0.012, 0.5, 14.6, "en", "/features", "near_miss"),
    Query("my tools", 0.010, 0.3, 21.0, "en", "/", "near_miss"),
    Query(
        "tracking my tools in excel",
        0.006,
        1.1,
        7.3,
        "en",
        "/blog/construction-tool-inventory-template",
        "near_miss",
    ),
    Query("tool track", 0.004, 0.5, 15.2, "en", "/features", "near_miss"),
    Query(_ANON, 0.400, 0.90, 9.0, "anon", "/blog/how-to-stop-losing-tools-on-site", "nonbrand"),
)

#: Country (ISO alpha-3, lowercase as in the bulk export) x device cells per audience.
_CELLS = {
    "brand_main": [("fra", "DESKTOP", 0.50), ("fra", "MOBILE", 0.28), ("bel", "DESKTOP", 0.12), ("che", "DESKTOP", 0.10)],
    "brand_desk": [("fra", "DESKTOP", 0.82), ("bel", "DESKTOP", 0.18)],
    "brand_mob": [("fra", "MOBILE", 0.85), ("fra", "TABLET", 0.15)],
    "brand_fr": [("fra", "MOBILE", 0.6), ("fra", "DESKTOP", 0.4)],
    "fr": [("fra", "DESKTOP", 0.62), ("fra", "MOBILE", 0.38)],
    "en": [("usa", "DESKTOP", 0.45), ("can", "DESKTOP", 0.35), ("gbr", "MOBILE", 0.20)],
    "anon": [("fra", "DESKTOP", 0.42), ("fra", "MOBILE", 0.25), ("bel", "DESKTOP", 0.08), ("che", "DESKTOP", 0.06), ("can", "DESKTOP", 0.07), ("usa", "DESKTOP", 0.07), ("gbr", "MOBILE", 0.05)],
}  # fmt: skip

#: Average click-through rate of non-brand impressions.
NONBRAND_CTR = 0.021


class SearchResult(NamedTuple):
    daily: pd.DataFrame
    rows: pd.DataFrame
    truth: dict[str, Any]


def _group(rng, day, total, ctr, queries):
    """Split a day's impressions over queries and cells; draw clicks."""
    active = np.array(
        [q.active is None or (q.active[0] <= f"{day:%Y-%m-%d}" <= q.active[1]) for q in queries]
    )
    share = np.array([q.share for q in queries]) * active
    share = share / share.sum()
    rel = np.array([q.ctr for q in queries])
    rel = rel / (share * rel).sum()  # keeps the group's expected CTR at ``ctr``
    imp = rng.multinomial(total, share)
    clk = rng.binomial(imp, np.minimum(ctr * rel, 0.95))
    rows = []
    for q, i, c in zip(queries, imp, clk, strict=True):
        if i == 0:
            continue
        cells = _CELLS[q.cells]
        ci = rng.multinomial(i, [p for *_, p in cells])
        cc = rng.multivariate_hypergeometric(ci, c)
        for (country, device, _), ii, cc_ in zip(cells, ci, cc, strict=True):
            if ii == 0:
                continue
            pos0 = max(q.position - 1, 0.0) * float(np.exp(rng.normal(0, 0.08)))
            rows.append((day, q.text, q.kind, country, device, ii, cc_, round(ii * pos0)))
    return int(imp.sum()), int(clk.sum()), rows


def simulate_search(scn: Scenario, expected, noise, rng) -> SearchResult:
    """Draw daily Search Console rows for brand and non-brand queries.

    Parameters
    ----------
    scn : Scenario
        The scenario.
    expected : pandas.DataFrame
        Expected daily values (brand and non-brand impressions and clicks).
    noise : dict of str to numpy.ndarray
        Multiplicative noise paths ``"branded"`` and ``"nonbrand"``.
    rng : numpy.random.Generator
        Random stream.

    Returns
    -------
    SearchResult
        ``daily`` totals (brand totals include anonymized brand queries), ``rows`` in the
        shape of the bulk export (one row per date, query, country and device) and a
        truth dict with anonymized shares.
    """
    exp_bi = expected["branded_impressions"].to_numpy()
    exp_bc = expected["branded_clicks"].to_numpy()
    exp_ni = expected["nonbrand_impressions"].to_numpy()
    exp_nc = expected["nonbrand_clicks"].to_numpy()
    bi = rng.poisson(exp_bi * noise["branded"])
    ni = rng.poisson(exp_ni * noise["nonbrand"])
    daily, rows = [], []
    for t, day in enumerate(expected.index):
        b = _group(rng, day, bi[t], exp_bc[t] / exp_bi[t], BRAND_QUERIES)
        nb = _group(rng, day, ni[t], exp_nc[t] / exp_ni[t], NONBRAND_QUERIES)
        daily.append((b[0], b[1], nb[0], nb[1]))
        rows.extend(b[2])
        rows.extend(nb[2])
    daily = pd.DataFrame(
        daily,
        index=expected.index,
        columns=[
            "branded_impressions",
            "branded_clicks",
            "nonbrand_impressions",
            "nonbrand_clicks",
        ],
    )
    rows = pd.DataFrame(
        rows,
        columns=[
            "date",
            "query",
            "kind",
            "country",
            "device",
            "impressions",
            "clicks",
            "sum_top_position",
        ],
    )
    rows["is_anonymized_query"] = rows["query"] == _ANON
    anon = rows[rows["is_anonymized_query"]]
    brand_anon = anon[anon["kind"] == "brand"]["clicks"].sum()
    truth = {
        "anonymized_click_share": round(float(anon["clicks"].sum() / rows["clicks"].sum()), 4),
        "anonymized_click_share_brand": round(
            float(brand_anon / daily["branded_clicks"].sum()), 4
        ),
        "brand_queries": [q.text for q in BRAND_QUERIES if q.text],
        "near_miss_nonbrand_queries": [q.text for q in NONBRAND_QUERIES if q.kind == "near_miss"],
        "note": "anonymized rows (empty query) mix brand and non-brand long-tail searches; "
        "branded_clicks in TRUTH includes the brand part, which no query classifier sees",
    }
    return SearchResult(daily, rows, truth)


def simulate_trends(scn: Scenario, expected: pd.DataFrame, rng) -> pd.DataFrame:
    """Draw weekly Google Trends interest for the brand term and a category term.

    Parameters
    ----------
    scn : Scenario
        The scenario.
    expected : pandas.DataFrame
        Expected daily values.
    rng : numpy.random.Generator
        Random stream.

    Returns
    -------
    pandas.DataFrame
        Index ``week`` (Sunday starts), columns ``brand`` and ``category`` on a common
        raw scale (before the 0-100 normalisation the writer applies). Brand interest
        follows brand impressions; the category term follows non-brand impressions
        times a worldwide factor, with 6 % sampling noise.
    """
    daily = pd.DataFrame(
        {
            "brand": expected["branded_impressions"],
            "category": expected["nonbrand_impressions"] * 0.6,
        }
    )
    week = daily.index - pd.to_timedelta((daily.index.dayofweek + 1) % 7, unit="D")
    weekly = daily.groupby(week).mean() * 7  # partial first/last weeks scaled to 7 days
    weekly.index.name = "week"
    weekly = weekly * np.exp(rng.normal(0, 0.06, size=weekly.shape))
    return weekly
