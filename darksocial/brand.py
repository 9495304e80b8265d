"""Classify search queries as branded or not, and measure the branded share.

Matching is done on normalised text (case, accents and punctuation removed, letters and
digits of every script kept) and whole words: a brand term matches a run of consecutive
query words, written together or apart (``track my tools`` = ``trackmytools``), within a
small edit distance to catch misspellings (``trakmytools``, ``trackmytool``). A term in a
script written without spaces between words (Chinese, Japanese, Thai...) matches anywhere
in the query instead. Explicit exclusions win.

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

__all__ = ["BrandClassifier", "BrandShare", "brand_share", "words"]


#: Combining marks people leave out when they type a query, dropped after NFKD splits them
#: from their letter: Latin, Greek and Cyrillic accents (``é``, ``ά``, ``ї``), Hebrew points
#: and Arabic vowel marks. Other marks are part of the spelling and stay (Japanese voicing
#: marks, Indic vowel signs and viramas, Thai tone marks).
_OPTIONAL_MARKS = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
    "\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]"
)
#: Latin letters NFKD does not split, written as people type them without the accent.
_LATIN_FOLD = str.maketrans(
    {"ø": "o", "đ": "d", "ð": "d", "ł": "l", "ħ": "h", "ı": "i", "œ": "oe", "æ": "ae", "þ": "th"}
)
_NOT_ASCII_WORD = re.compile(r"[^a-z0-9]+")
#: Scripts written without spaces between words (Unicode character-name prefixes).
_UNSPACED = ("CJK", "HIRAGANA", "KATAKANA", "THAI", "LAO", "KHMER", "MYANMAR", "TIBETAN")


def _norm(text: str) -> tuple[str, ...]:
    """The words of ``text``: case-folded, accents dropped, letters and digits of any script.

    Everything that is neither a letter, a mark kept by :data:`_OPTIONAL_MARKS`, nor a
    digit separates words; invisible format characters (zero-width joiners, soft hyphens)
    are removed without separating. Digits of any script become ASCII digits. A script
    written without spaces meeting another one starts a word (``"acme手机"`` is ``acme``
    and ``手机``), as a Latin brand is often typed straight into a Chinese query.
    """
    text = str(text)
    if text.isascii():  # most queries: the same result, without the loop
        return tuple(_NOT_ASCII_WORD.sub(" ", text.lower()).split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    out = []
    was_unspaced = None
    for c in _OPTIONAL_MARKS.sub("", decomposed):
        kind = unicodedata.category(c)
        if kind[0] in "LN":
            unspaced = _unspaced(c)
            if was_unspaced is not None and unspaced != was_unspaced:
                out.append(" ")
            was_unspaced = unspaced
            out.append(str(unicodedata.decimal(c)) if kind == "Nd" else c)
        elif kind[0] == "M":
            out.append(c)
        elif kind != "Cf":
            out.append(" ")
            was_unspaced = None
    folded = "".join(out).casefold().translate(_LATIN_FOLD)
    # NFC joins what NFKD split and nothing dropped: Hangul syllables, kana with voicing
    return tuple(unicodedata.normalize("NFC", folded).split())


def words(text: str) -> list[str]:
    """The words of ``text`` as brand matching reads them, in any script.

    For matching free text such as survey answers against calendar keywords.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    list of str
        Case-folded, optional accents dropped, punctuation removed: ``"Le Podcast,
        épisode 2!"`` gives ``["le", "podcast", "episode", "2"]``, ``"Подкаст «Кіно»"``
        gives ``["подкаст", "кіно"]``.
    """
    return list(_norm(text))


def _unspaced(term: str) -> bool:
    # every script in _UNSPACED starts at or after Thai (U+0E00): a quick test first
    return any(c >= "\u0e00" and unicodedata.name(c, "").startswith(_UNSPACED) for c in term)


@dataclass(frozen=True)
class BrandClassifier:
    """Decide whether a search query mentions the brand.

    Parameters
    ----------
    terms : sequence of str
        Brand spellings in any script, e.g. ``("trackmytools", "track my tools")`` or
        ``("українське кіно",)``. Case, accents, punctuation and spaces between words do
        not matter. Blank terms are ignored.
    exclude : sequence of str, optional
        Phrases that make a query non-branded even if it matches (e.g. a competitor
        named like the brand, ``"my tools app"``).
    max_distance : int, default 1
        Largest edit distance (insertions, deletions, substitutions) accepted between a
        run of query words and a brand term written without spaces.
    min_fuzzy_length : int, default 6
        Terms shorter than this must match exactly (fuzzy matching short names
        produces false positives).

    Raises
    ------
    ParameterError
        If no term is given, or a term has no letter or digit (``"!!!"``), naming it.

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
        given = [t for t in self.terms if str(t).strip()]
        if not given:
            raise ParameterError("BrandClassifier needs at least one brand term, e.g. ['acme']")
        for t in given:
            if not _norm(t):
                raise ParameterError(
                    f"brand term {str(t)!r} has no letter or digit to match search queries "
                    "with; write the brand as people type it in a search, e.g. "
                    "brand: [acme] in darksocial.yml"
                )
        if self.max_distance < 0:
            raise ParameterError("max_distance must be 0 or more")
        compact = {"".join(_norm(t)) for t in given}
        unspaced = tuple(sorted(t for t in compact if _unspaced(t)))
        spaced = tuple(sorted(compact.difference(unspaced)))
        excluded = tuple(_norm(e) for e in self.exclude if _norm(e))
        excluded_unspaced = tuple("".join(e) for e in excluded if _unspaced("".join(e)))
        excluded = tuple(e for e in excluded if not _unspaced("".join(e)))
        # a compact term may be typed as several words ("track my tools"): allow 4+
        widths = max(4, max(len(_norm(t)) for t in given) + 1)
        object.__setattr__(self, "terms", tuple(self.terms))
        object.__setattr__(self, "exclude", tuple(self.exclude))
        compiled = (spaced, unspaced, excluded, excluded_unspaced, widths)
        object.__setattr__(self, "_compiled", compiled)

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
    compact_terms, unspaced_terms, excluded, excluded_unspaced, widths = compiled
    words = _norm(query)
    if not words:
        return False
    # scripts without spaces between words: no word boundary to match on, so anywhere
    joined = "".join(words)
    if any(phrase in joined for phrase in excluded_unspaced):
        return False
    for phrase in excluded:
        n = len(phrase)
        if any(words[i : i + n] == phrase for i in range(len(words) - n + 1)):
            return False
    if any(term in joined for term in unspaced_terms):
        return True
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
