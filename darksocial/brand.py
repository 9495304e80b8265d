"""Classify search queries as branded or not, and measure the branded share.

Matching is done on normalised text (case, accents and punctuation removed) and whole
words: a brand term matches a run of consecutive query words, written together or
apart (``track my tools`` = ``trackmytools``), within a small edit distance to catch
misspellings (``trakmytools``, ``trackmytool``). Explicit exclusions win.

Search Console hides rare queries ("anonymized"), and rare queries are disproportionately
branded long tails, so branded counts from query-level data are a **lower bound**;
:class:`BrandShare` reports how large the hidden part is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd
from rapidfuzz.distance import Levenshtein

from darksocial.errors import ParameterError

__all__ = ["BrandClassifier", "BrandShare", "brand_share"]


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _norm(text: str) -> tuple[str, ...]:
    return tuple(re.sub(r"[^a-z0-9]+", " ", _strip_accents(str(text)).lower()).split())


@dataclass(frozen=True)
class BrandClassifier:
    """Decide whether a search query mentions the brand.

    Parameters
    ----------
    terms : sequence of str
        Brand spellings, e.g. ``("trackmytools", "track my tools")``. Case, accents,
        punctuation and spaces between words do not matter.
    exclude : sequence of str, optional
        Phrases that make a query non-branded even if it matches (e.g. a competitor
        named like the brand, ``"my tools app"``).
    max_distance : int, default 1
        Largest edit distance (insertions, deletions, substitutions) accepted between a
        run of query words and a brand term written without spaces.
    min_fuzzy_length : int, default 6
        Terms shorter than this must match exactly (fuzzy matching short names
        produces false positives).

    Examples
    --------
    >>> brand = BrandClassifier(["trackmytools", "track my tools"])
    >>> [brand.is_brand(q) for q in ["trakmytools login", "track tools", "TrackMyTools"]]
    [True, False, True]
    """

    terms: Sequence[str]
    exclude: Sequence[str] = ()
    max_distance: int = 1
    min_fuzzy_length: int = 6
    _compiled: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.terms, str):
            object.__setattr__(self, "terms", (self.terms,))
        compact = tuple(sorted({"".join(_norm(t)) for t in self.terms} - {""}))
        if not compact:
            raise ParameterError("BrandClassifier needs at least one brand term, e.g. ['acme']")
        if self.max_distance < 0:
            raise ParameterError("max_distance must be 0 or more")
        excluded = tuple(_norm(e) for e in self.exclude if _norm(e))
        # a compact term may be typed as several words ("track my tools"): allow 4+
        widths = max(4, max(len(_norm(t)) for t in self.terms) + 1)
        object.__setattr__(self, "terms", tuple(self.terms))
        object.__setattr__(self, "exclude", tuple(self.exclude))
        object.__setattr__(self, "_compiled", (compact, excluded, widths))

    def is_brand(self, query: str | None) -> bool:
        """Return True if ``query`` mentions the brand (False for empty/anonymized)."""
        if query is None or (isinstance(query, float) and query != query):
            return False
        return _match(self._compiled, self.max_distance, self.min_fuzzy_length, str(query))

    def classify(self, queries: Iterable[str]) -> pd.Series:
        """Classify many queries.

        Parameters
        ----------
        queries : iterable of str
            Search queries; empty strings and NaN (anonymized queries) are not branded.

        Returns
        -------
        pandas.Series of bool
            True for branded queries, aligned with ``queries`` when it is a Series.
        """
        s = queries if isinstance(queries, pd.Series) else pd.Series(list(queries), dtype=object)
        uniques = pd.unique(s.astype(object))
        lookup = {q: self.is_brand(q) for q in uniques}
        return s.map(lookup).astype(bool).rename("is_brand")


@lru_cache(maxsize=200_000)
def _match(compiled: tuple, max_distance: int, min_fuzzy: int, query: str) -> bool:
    compact_terms, excluded, widths = compiled
    words = _norm(query)
    if not words:
        return False
    for phrase in excluded:
        n = len(phrase)
        if any(words[i : i + n] == phrase for i in range(len(words) - n + 1)):
            return False
    for width in range(1, min(widths, len(words)) + 1):
        for i in range(len(words) - width + 1):
            chunk = "".join(words[i : i + width])
            for term in compact_terms:
                if chunk == term:
                    return True
                if (
                    len(term) >= min_fuzzy
                    and max_distance
                    and abs(len(chunk) - len(term)) <= max_distance
                    and Levenshtein.distance(chunk, term, score_cutoff=max_distance)
                    <= max_distance
                ):
                    return True
    return False


@dataclass(frozen=True)
class BrandShare:
    """Branded, non-branded and anonymized totals of a set of query rows.

    Attributes
    ----------
    branded_clicks, branded_impressions : float
        Totals of queries the classifier calls branded.
    nonbranded_clicks, nonbranded_impressions : float
        Totals of visible queries that are not branded.
    anonymized_clicks, anonymized_impressions : float
        Totals of anonymized (hidden) queries; NaN when the source does not tell.
    row_capped : bool, default False
        True when the query list stopped at the UI's 1,000 rows: the hidden totals then
        also hold the visible queries past the cap, not only anonymized ones.
    """

    branded_clicks: float
    branded_impressions: float
    nonbranded_clicks: float
    nonbranded_impressions: float
    anonymized_clicks: float
    anonymized_impressions: float
    row_capped: bool = False

    @property
    def total_clicks(self) -> float:
        """All clicks, anonymized included when known."""
        anon = 0.0 if pd.isna(self.anonymized_clicks) else self.anonymized_clicks
        return self.branded_clicks + self.nonbranded_clicks + anon

    @property
    def branded_click_share(self) -> float:
        """Branded share of all clicks: a lower bound (anonymized queries may be branded)."""
        return self.branded_clicks / self.total_clicks if self.total_clicks else float("nan")

    @property
    def anonymized_click_share(self) -> float:
        """Share of clicks from anonymized queries (NaN when unknown)."""
        if pd.isna(self.anonymized_clicks) or not self.total_clicks:
            return float("nan")
        return self.anonymized_clicks / self.total_clicks

    def summary_frame(self) -> pd.DataFrame:
        """Return a tidy table: one row per group, clicks, impressions and shares."""
        rows = {
            "branded": (self.branded_clicks, self.branded_impressions),
            "nonbranded": (self.nonbranded_clicks, self.nonbranded_impressions),
            "anonymized": (self.anonymized_clicks, self.anonymized_impressions),
        }
        df = pd.DataFrame.from_dict(rows, orient="index", columns=["clicks", "impressions"])
        df.index.name = "group"
        df["click_share"] = df["clicks"] / self.total_clicks if self.total_clicks else float("nan")
        return df

    def report(self) -> str:
        """Return one plain-language paragraph, stating that branded counts are a lower bound."""
        share = self.branded_click_share
        text = (
            f"Branded queries account for {share:.1%} of search clicks "
            f"({self.branded_clicks:,.0f} of {self.total_clicks:,.0f})."
        )
        anon = self.anonymized_click_share
        if pd.isna(anon):
            return text + (
                " This source omits anonymized (rare) queries, so the branded share is a "
                "lower bound of unknown slack."
            )
        hidden = (
            "queries the export does not list (anonymized by Google, or past the 1,000 rows "
            "the Search Console UI exports)"
            if self.row_capped
            else "anonymized queries that Google does not show"
        )
        return text + (
            f" A further {anon:.1%} of clicks come from {hidden}; some are branded, so the "
            f"branded share is a lower bound: the true value lies between {share:.1%} and "
            f"{share + anon:.1%}."
        )

    def __str__(self) -> str:
        return self.report()


def brand_share(
    queries: pd.DataFrame,
    brand: BrandClassifier,
    *,
    query: str = "query",
    clicks: str = "clicks",
    impressions: str = "impressions",
    anonymized: str | None = "is_anonymized_query",
) -> BrandShare:
    """Sum clicks and impressions of branded, non-branded and anonymized queries.

    Parameters
    ----------
    queries : pandas.DataFrame
        One row per query (per day or for a whole period).
    brand : BrandClassifier
        The brand classifier.
    query, clicks, impressions : str
        Column names.
    anonymized : str or None, default "is_anonymized_query"
        Boolean column marking anonymized rows. If absent, empty queries are treated as
        anonymized when present, otherwise the anonymized totals are unknown (NaN).

    Returns
    -------
    BrandShare
        Totals, shares and a :meth:`BrandShare.report` paragraph.
    """
    q = queries[query].fillna("").astype(str)
    if anonymized is not None and anonymized in queries.columns:
        anon = queries[anonymized].astype(str).str.lower().isin(["true", "1"])
        known = True
    else:
        anon = q.str.strip().eq("")
        known = bool(anon.any())
    is_brand = brand.classify(q) & ~anon
    c, i = queries[clicks].astype(float), queries[impressions].astype(float)
    nan = float("nan")
    return BrandShare(
        branded_clicks=float(c[is_brand].sum()),
        branded_impressions=float(i[is_brand].sum()),
        nonbranded_clicks=float(c[~is_brand & ~anon].sum()),
        nonbranded_impressions=float(i[~is_brand & ~anon].sum()),
        anonymized_clicks=float(c[anon].sum()) if known else nan,
        anonymized_impressions=float(i[anon].sum()) if known else nan,
    )
