"""Self-reported attribution: what people say when asked "How did you hear about us?".

The functions here take the survey frame produced by the loader (columns ``submitted_at``,
``answer``, ``software_source``, ``software_source_detail``) or plain Series, and never
modify their input.

* :func:`classify_answers` turns free-text answers into channel buckets with keyword
  rules kept as data (``darksocial/data/attribution_rules.yml``, English and French);
  :func:`unclassified` lists the answers no rule matched so the rules can be improved.
* :func:`dark_social_share` gives the share of answers naming a dark-social channel per
  week or month with Wilson intervals; :func:`mentions_around` compares mentions before and
  after a campaign launch.
* :func:`attribution_gap` cross-tabulates the self-reported bucket against the source the
  analytics software recorded, with the headline share of "Direct" or "Organic" leads who
  name a dark channel.
* :func:`mask_pii` (from :mod:`darksocial.safetext`) and :func:`mask_pii_frame` replace
  e-mail addresses, IBANs, card and phone numbers by ``[email]``, ``[iban]``, ``[card]``
  and ``[phone]`` before anything is shown in a report.

Matching rules
--------------
Answers and patterns are compared after Unicode normalisation: lower case, accents
stripped (``"Collègue"`` equals ``"collegue"``), punctuation turned into spaces. A pattern
matches whole words, optionally followed by a plural ``s`` or ``x``; a trailing ``*``
matches any ending. Patterns of at least ``fuzzy_min_length`` letters (5 by default) also
match with one typo (one insertion, deletion, substitution or swap of adjacent letters:
optimal string alignment distance 1, through :mod:`rapidfuzz`), except those listed
under ``exact``; explicit ``misspellings`` catch the rest. ``weak`` patterns (such as "heard
you on" or "video") count only when no ordinary pattern matched. When several buckets
match, the first bucket in ``precedence`` wins: named channels before word of mouth, and
generic search last, so "heard on a podcast then googled you" is ``podcast``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
)
from statsmodels.stats.proportion import test_proportions_2indep as _two_proportion_test
from statsmodels.stats.rates import confint_poisson_2indep
from statsmodels.stats.rates import test_poisson_2indep as _poisson_rate_test

from darksocial.config import ALPHA
from darksocial.errors import (
    DataFormatError,
    DataValidationError,
    InterventionDateError,
    ParameterError,
)
from darksocial.formatting import day, number, percent, plural, rounded_percent
from darksocial.formatting import p_value as format_p
from darksocial.plotting import plot_dark_social_share  # re-exported: its home is plotting
from darksocial.safetext import mask_pii, shorten
from darksocial.validation import as_date, check_alpha

__all__ = [
    "BLANK",
    "DARK_BUCKETS",
    "MIN_MENTION_ANSWERS",
    "OTHER",
    "AttributionGap",
    "AttributionRules",
    "MentionsResult",
    "attribution_gap",
    "classify_answers",
    "dark_social_share",
    "explain_answers",
    "load_rules",
    "mask_pii",
    "mask_pii_frame",
    "mentions_around",
    "plot_dark_social_share",
    "unclassified",
    "wilson_interval",
]

#: Bucket given to empty answers and placeholders such as "-" or "n/a".
BLANK = "blank"
#: Bucket given to answers that no rule matches.
OTHER = "other"
#: Buckets counted as dark social: channels analytics software cannot see.
DARK_BUCKETS: tuple[str, ...] = (
    "podcast",
    "word_of_mouth",
    "community",
    "linkedin",
    "youtube_video",
    "event",
    "newsletter_blog",
    "ai_assistant",
)
#: Fewest non-blank answers on each side of a launch for :func:`mentions_around` to compare
#: shares: below five, a Wilson interval spans most of 0-100% and the score tests are
#: undefined for one answer, so the result says there are too few answers instead.
MIN_MENTION_ANSWERS = 5
#: Software sources whose leads are checked for a dark-social answer (HubSpot enum).
SOFTWARE_DARK_SOURCES: tuple[str, ...] = ("DIRECT_TRAFFIC", "ORGANIC_SEARCH")

_TOP_KEYS = {"version", "fuzzy_min_length", "blank_answers", "precedence", "buckets"}
_BUCKET_KEYS = {"description", "patterns", "weak", "misspellings", "exact"}
_BUCKET_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_SOURCE_ALIASES = {
    "DIRECT": "DIRECT_TRAFFIC",
    "DIRECT_TRAFFIC": "DIRECT_TRAFFIC",
    "ORGANIC": "ORGANIC_SEARCH",
    "ORGANIC_SEARCH": "ORGANIC_SEARCH",
}


# --------------------------------------------------------------------------- normalisation
def _normalise(text: str) -> str:
    """Lower-case, strip accents, turn punctuation into spaces, collapse spaces."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    text = re.sub(r"[^\w*]+", " ", text)
    return re.sub(r"\s+", " ", text.replace("_", " ")).strip()


# --------------------------------------------------------------------------- rules
@dataclass(frozen=True)
class _Pattern:
    bucket: str
    text: str  # normalised, without the trailing "*"
    weak: bool
    fuzzy: bool
    prefix: bool
    regex: re.Pattern = field(repr=False, compare=False)


@dataclass(frozen=True)
class AttributionRules:
    """Keyword rules that map answers to channel buckets, validated.

    Build it with :func:`load_rules`; the attributes are read-only.

    Attributes
    ----------
    buckets : tuple of str
        Bucket names in precedence order (the first matching bucket wins).
    languages : tuple of str
        Language codes that have at least one pattern.
    fuzzy_min_length : int
        Patterns with at least this many letters also match with one typo.
    blank_answers : frozenset of str
        Normalised answers treated as blank.
    raw : dict
        The rules as read from YAML (after merging with the defaults if asked).
    source : str
        Where the rules came from (file path or ``"<dict>"``).
    """

    buckets: tuple[str, ...]
    languages: tuple[str, ...]
    fuzzy_min_length: int
    blank_answers: frozenset[str]
    raw: dict = field(repr=False)
    source: str = "<dict>"
    patterns: tuple[_Pattern, ...] = field(default=(), repr=False)

    def bucket_descriptions(self) -> pd.DataFrame:
        """Return one row per bucket with its description and pattern count.

        Returns
        -------
        pandas.DataFrame
            Columns ``bucket``, ``description``, ``n_patterns``, ``languages``, in
            precedence order.
        """
        rows = []
        for name in self.buckets:
            spec = self.raw["buckets"][name]
            langs = sorted(set(spec.get("patterns", {})) | set(spec.get("weak", {}) or {}))
            rows.append(
                {
                    "bucket": name,
                    "description": spec.get("description", ""),
                    "n_patterns": sum(p.bucket == name for p in self.patterns),
                    "languages": ", ".join(langs),
                }
            )
        return pd.DataFrame(rows)


def _default_rules_text() -> str:
    return resources.files("darksocial").joinpath("data/attribution_rules.yml").read_text("utf-8")


def _bad(source: str, what: str) -> DataFormatError:
    return DataFormatError(f"attribution rules {source}: {what}")


def _as_str_list(value: Any, source: str, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise _bad(source, f"{where} must be a list of strings, got {value!r}")
    return [str(v) for v in value]


def _merge(base: dict, extra: dict) -> dict:
    """Add the patterns of ``extra`` to ``base`` (lists are concatenated)."""
    out = {k: v for k, v in base.items() if k != "buckets"}
    for key, value in extra.items():
        if key not in ("buckets", "precedence", "blank_answers"):
            out[key] = value
    out["blank_answers"] = list(base.get("blank_answers") or []) + list(
        extra.get("blank_answers") or []
    )
    buckets = {name: dict(spec) for name, spec in (base.get("buckets") or {}).items()}
    for name, spec in (extra.get("buckets") or {}).items():
        if name not in buckets or not isinstance(spec, dict):
            buckets[name] = spec
            continue
        merged = dict(buckets[name])
        for key, value in spec.items():
            if key in ("patterns", "weak") and isinstance(value, dict):
                langs = dict(merged.get(key) or {})
                for lang, pats in value.items():
                    langs[lang] = list(langs.get(lang) or []) + list(pats or [])
                merged[key] = langs
            elif key in ("misspellings", "exact") and isinstance(value, list):
                merged[key] = list(merged.get(key) or []) + value
            else:
                merged[key] = value
        buckets[name] = merged
    out["buckets"] = buckets
    precedence = list(extra.get("precedence") or base.get("precedence") or [])
    out["precedence"] = precedence
    return out


def _compile(text: str, prefix: bool) -> re.Pattern:
    body = r"\s".join(re.escape(tok) for tok in text.split(" "))
    tail = r"\w*" if prefix else r"(?:s|x|es)?"
    return re.compile(rf"(?<!\w){body}{tail}(?!\w)")


def _validate(raw: Any, source: str) -> AttributionRules:
    if not isinstance(raw, dict):
        raise _bad(source, "the file must be a YAML mapping with a 'buckets' key")
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        raise _bad(
            source,
            f"unknown key(s) {sorted(unknown)}; allowed top-level keys are {sorted(_TOP_KEYS)}",
        )
    buckets = raw.get("buckets")
    if not isinstance(buckets, dict) or not buckets:
        raise _bad(source, "'buckets' must map bucket names to their patterns")
    fuzzy_min = raw.get("fuzzy_min_length", 5)
    if not isinstance(fuzzy_min, int) or fuzzy_min < 3:
        raise _bad(source, f"fuzzy_min_length must be an integer >= 3, got {fuzzy_min!r}")
    patterns: list[_Pattern] = []
    languages: set[str] = set()
    for name, spec in buckets.items():
        if not isinstance(name, str) or not _BUCKET_NAME.match(name):
            raise _bad(source, f"bucket name {name!r} must be lower_snake_case")
        if name in (BLANK, OTHER):
            raise _bad(source, f"bucket name {name!r} is reserved; rename the bucket")
        if not isinstance(spec, dict):
            raise _bad(source, f"bucket {name!r} must be a mapping with a 'patterns' key")
        unknown = set(spec) - _BUCKET_KEYS
        if unknown:
            raise _bad(
                source,
                f"bucket {name!r} has unknown key(s) {sorted(unknown)}; "
                f"allowed keys are {sorted(_BUCKET_KEYS)}",
            )
        exact = {_normalise(p) for p in _as_str_list(spec.get("exact"), source, f"{name}.exact")}
        strong_count = 0
        for key, weak in (("patterns", False), ("weak", True)):
            by_lang = spec.get(key) or {}
            if not isinstance(by_lang, dict):
                raise _bad(
                    source,
                    f"bucket {name!r}: '{key}' must map language codes to lists, "
                    f"e.g. {key}: {{en: [podcast]}}",
                )
            for lang, pats in by_lang.items():
                plist = _as_str_list(pats, source, f"{name}.{key}.{lang}")
                languages.add(str(lang))
                for pat in plist:
                    norm = _normalise(pat)
                    if not norm.replace("*", ""):
                        raise _bad(source, f"bucket {name!r} has an empty pattern {pat!r}")
                    prefix = norm.endswith("*")
                    norm = norm.rstrip("*").strip()
                    fuzzy = (
                        not prefix
                        and norm not in exact
                        and len(norm.replace(" ", "")) >= fuzzy_min
                    )
                    patterns.append(
                        _Pattern(name, norm, weak, fuzzy, prefix, _compile(norm, prefix))
                    )
                    strong_count += not weak
        for pat in _as_str_list(spec.get("misspellings"), source, f"{name}.misspellings"):
            norm = _normalise(pat).rstrip("*").strip()
            if norm:
                patterns.append(_Pattern(name, norm, False, False, False, _compile(norm, False)))
        if strong_count == 0:
            raise _bad(
                source,
                f"bucket {name!r} has no patterns; add e.g. patterns: {{en: [{name}]}}",
            )
    precedence = _as_str_list(raw.get("precedence"), source, "precedence")
    unknown = [p for p in precedence if p not in buckets]
    if unknown:
        raise _bad(source, f"precedence names unknown bucket(s) {unknown}; add them to 'buckets'")
    order = list(dict.fromkeys(precedence)) + [b for b in buckets if b not in precedence]
    blanks = frozenset(
        _normalise(b) for b in _as_str_list(raw.get("blank_answers"), source, "blank_answers")
    )
    return AttributionRules(
        buckets=tuple(order),
        languages=tuple(sorted(languages)),
        fuzzy_min_length=fuzzy_min,
        blank_answers=blanks,
        raw=raw,
        source=source,
        patterns=tuple(patterns),
    )


@lru_cache(maxsize=1)
def _default_rules() -> AttributionRules:
    return _validate(
        yaml.safe_load(_default_rules_text()), "darksocial/data/attribution_rules.yml"
    )


def load_rules(
    path: str | Path | Mapping | None = None, *, extend: bool = False
) -> AttributionRules:
    """Load and validate classification rules.

    Parameters
    ----------
    path : str, pathlib.Path, dict or None, optional
        A YAML file (or an already parsed mapping) in the format of
        ``darksocial/data/attribution_rules.yml``. ``None`` (default) loads the bundled
        English and French rules.
    extend : bool, default False
        If True, add the patterns of ``path`` to the bundled rules instead of replacing
        them: new buckets are appended, pattern lists of existing buckets are extended (use
        this to add a language or a bucket without copying the whole file).

    Returns
    -------
    AttributionRules
        The validated rules.

    Raises
    ------
    DataFormatError
        If the file cannot be read, is not valid YAML, has an unknown key, or a bucket has
        no patterns.

    Examples
    --------
    >>> rules = load_rules()
    >>> rules.buckets[:3]
    ('podcast', 'linkedin', 'youtube_video')
    """
    if path is None:
        return _default_rules()
    if isinstance(path, Mapping):
        raw, source = dict(path), "<dict>"
    else:
        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise DataFormatError(
                f"cannot read attribution rules {source} ({exc.strerror}); check the path"
            ) from None
        except UnicodeDecodeError:
            raise DataFormatError(
                f"attribution rules {source} are not UTF-8 text; save the file as UTF-8"
            ) from None
        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            raise DataFormatError(
                f"attribution rules {source} are not valid YAML{where}; "
                "check indentation and quoting"
            ) from None
    if extend:
        if not isinstance(raw, dict):
            raise _bad(source, "the file must be a YAML mapping with a 'buckets' key")
        unknown = set(raw) - _TOP_KEYS
        if unknown:
            raise _bad(
                source,
                f"unknown key(s) {sorted(unknown)}; allowed top-level keys are {sorted(_TOP_KEYS)}",
            )
        raw = _merge(_default_rules().raw, raw)
    return _validate(raw, source)


def _resolve_rules(rules: AttributionRules | str | Path | Mapping | None) -> AttributionRules:
    if isinstance(rules, AttributionRules):
        return rules
    return load_rules(rules)


# --------------------------------------------------------------------------- classification
def _match_one(norm: str, rules: AttributionRules) -> list[tuple[str, str, bool]]:
    """Return (bucket, pattern, weak) for every pattern matching a normalised answer."""
    hits: list[tuple[str, str, bool]] = []
    tokens = norm.split(" ")
    grams_of: dict[int, list[str]] = {}
    for pat in rules.patterns:
        if pat.regex.search(norm):
            hits.append((pat.bucket, pat.text, pat.weak))
            continue
        if not pat.fuzzy:
            continue
        n = pat.text.count(" ") + 1
        if n not in grams_of:
            # Each distinct run of n words once, compared in C: a 100,000-character answer
            # costs one pass, not one Python loop per pattern and position.
            grams_of[n] = [
                gram
                for gram in {" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}
                if len(gram) - gram.count(" ") >= rules.fuzzy_min_length
            ]
        if grams_of[n] and (
            process.extractOne(pat.text, grams_of[n], scorer=OSA.distance, score_cutoff=1)
            is not None
        ):
            hits.append((pat.bucket, f"~{pat.text}", pat.weak))
    return hits


def _is_blank(value: Any, rules: AttributionRules) -> bool:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return True
    norm = _normalise(value)
    return not norm or norm in rules.blank_answers


def _decide(hits: list[tuple[str, str, bool]], rules: AttributionRules) -> str:
    strong = {b for b, _, weak in hits if not weak}
    candidates = strong or {b for b, _, _ in hits}
    for bucket in rules.buckets:
        if bucket in candidates:
            return bucket
    return OTHER


_PII_TAG = re.compile(r"\[(?:email|phone|iban|card)\]")


def _without_pii(value: Any) -> Any:
    # Contact details are not an answer: "jo@ex.com" alone is blank, and digits of a
    # phone number must not fuzzy-match anything.
    if not isinstance(value, str):
        return value
    return _PII_TAG.sub(" ", mask_pii(value))


def _classify_values(values: Sequence[Any], rules: AttributionRules) -> tuple[list, list]:
    cache: dict[str, tuple[str, list]] = {}
    buckets, matches = [], []
    for value in values:
        value = _without_pii(value)
        if _is_blank(value, rules):
            buckets.append(BLANK)
            matches.append([])
            continue
        norm = _normalise(value)
        if norm not in cache:
            hits = _match_one(norm, rules)
            cache[norm] = (_decide(hits, rules), hits)
        bucket, hits = cache[norm]
        buckets.append(bucket)
        matches.append(hits)
    return buckets, matches


def _check_answers(answers: Any, name: str = "answers") -> pd.Series:
    if isinstance(answers, pd.DataFrame):
        raise DataValidationError(
            f"{name} must be one column (a Series), got a DataFrame with columns "
            f"{list(answers.columns)}; pass frame['answer']"
        )
    if not isinstance(answers, pd.Series):
        try:
            answers = pd.Series(list(answers))
        except TypeError:
            raise DataValidationError(
                f"{name} must be a pandas Series of text answers, got {type(answers).__name__}"
            ) from None
    return answers


def classify_answers(
    answers: pd.Series, *, rules: AttributionRules | str | Path | Mapping | None = None
) -> pd.Series:
    """Classify free-text "How did you hear about us?" answers into channel buckets.

    Parameters
    ----------
    answers : pandas.Series
        Raw answers (text; NaN allowed). Not modified.
    rules : AttributionRules, str, pathlib.Path, dict or None, optional
        Classification rules; a path is read with :func:`load_rules`. ``None`` (default)
        uses the bundled English and French rules.

    Returns
    -------
    pandas.Series
        Bucket names (str) on the same index, named ``"bucket"``: one of the rule buckets,
        ``"blank"`` for empty answers, whitespace, NaN, placeholders ("-", "n/a") and
        answers that hold only contact details, or ``"other"`` when no rule matches. See the module docstring for the matching rules
        and the precedence when several buckets match.

    Raises
    ------
    DataValidationError
        If ``answers`` is not a single column of answers.
    DataFormatError
        If the rules file is invalid.

    Examples
    --------
    >>> classify_answers(pd.Series(["Un collègue", "heard you on a podcast", "", "??"])).tolist()
    ['word_of_mouth', 'podcast', 'blank', 'blank']
    """
    answers = _check_answers(answers)
    rules = _resolve_rules(rules)
    buckets, _ = _classify_values(answers.tolist(), rules)
    return pd.Series(buckets, index=answers.index, name="bucket", dtype=object)


def explain_answers(
    answers: pd.Series,
    *,
    rules: AttributionRules | str | Path | Mapping | None = None,
    mask: bool = True,
) -> pd.DataFrame:
    """Show which patterns matched each answer, to debug and improve the rules.

    Parameters
    ----------
    answers : pandas.Series
        Raw answers.
    rules : AttributionRules, str, pathlib.Path, dict or None, optional
        Rules as in :func:`classify_answers`; default the bundled rules.
    mask : bool, default True
        Mask personal data in the ``answer`` column and cut answers longer than
        ``safetext.ANSWER_DISPLAY_LIMIT`` characters, for display.

    Returns
    -------
    pandas.DataFrame
        Same index as ``answers``; columns ``answer``, ``bucket`` and ``matched`` (patterns
        as ``bucket:pattern``; ``~`` marks a match with one typo, ``(weak)`` a weak
        pattern).
    """
    answers = _check_answers(answers)
    rules = _resolve_rules(rules)
    buckets, matches = _classify_values(answers.tolist(), rules)
    matched = [
        "; ".join(dict.fromkeys(f"{b}:{p}{' (weak)' if w else ''}" for b, p, w in hits))
        for hits in matches
    ]
    shown = (
        answers.map(lambda a: shorten(mask_pii(a)) if isinstance(a, str) else a)
        if mask
        else answers
    )
    return pd.DataFrame(
        {"answer": shown, "bucket": buckets, "matched": matched}, index=answers.index
    )


def unclassified(answers: pd.Series, buckets: pd.Series, *, mask: bool = True) -> pd.DataFrame:
    """List the answers no rule matched, most frequent first.

    Answers that differ only in case, accents or punctuation are counted together and shown
    in their most common spelling.

    Parameters
    ----------
    answers : pandas.Series
        Raw answers.
    buckets : pandas.Series
        Output of :func:`classify_answers` for ``answers`` (same index).
    mask : bool, default True
        Mask personal data in the listed answers and cut those longer than
        ``safetext.ANSWER_DISPLAY_LIMIT`` characters, for display.

    Returns
    -------
    pandas.DataFrame
        Columns ``answer``, ``count`` and ``share`` (of all ``other`` answers), sorted by
        decreasing count; empty when every answer was classified.

    Raises
    ------
    DataValidationError
        If ``answers`` and ``buckets`` are not on the same index.
    """
    answers = _check_answers(answers)
    buckets = _check_answers(buckets, "buckets")
    if not answers.index.equals(buckets.index):
        raise DataValidationError(
            "answers and buckets have different indexes; pass buckets=classify_answers(answers)"
        )
    rest = answers[buckets == OTHER].astype(str).str.strip()
    if rest.empty:
        return pd.DataFrame({"answer": pd.Series(dtype=object), "count": [], "share": []})
    frame = pd.DataFrame({"answer": rest, "key": rest.map(_normalise)})
    shown = frame.groupby("key")["answer"].agg(lambda s: s.value_counts().index[0])
    counts = frame["key"].value_counts()
    out = pd.DataFrame(
        {
            "answer": shown.loc[counts.index].to_numpy(),
            "count": counts.to_numpy(),
            "key": counts.index,
        }
    )
    out = out.sort_values(["count", "key"], ascending=[False, True], kind="stable")
    out = out.drop(columns="key")
    out["share"] = out["count"] / out["count"].sum()
    if mask:
        out["answer"] = out["answer"].map(lambda a: shorten(mask_pii(a)))
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- PII masking
def mask_pii_frame(
    frame: pd.DataFrame, *, columns: Sequence[Hashable] | None = None
) -> pd.DataFrame:
    """Return a copy of a frame with personal data masked in its text columns.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table about to be shown or written to a report. Not modified.
    columns : sequence of str, optional
        Columns to mask; default every column of object or string dtype.

    Returns
    -------
    pandas.DataFrame
        A copy with :func:`mask_pii` applied to those columns.

    Raises
    ------
    DataValidationError
        If a requested column does not exist.
    """
    if not isinstance(frame, pd.DataFrame):
        raise DataValidationError(
            f"mask_pii_frame needs a DataFrame, got {type(frame).__name__}; use mask_pii for text"
        )
    if columns is None:
        columns = [
            c
            for c in frame.columns
            if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c].dtype)
        ]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataValidationError(
            f"cannot mask missing column(s) {missing}; the frame has {list(frame.columns)}"
        )
    out = frame.copy()
    for col in columns:
        out[col] = out[col].map(mask_pii)
    return out


# --------------------------------------------------------------------------- survey frames
def _require_columns(frame: Any, columns: dict[str, str], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise DataValidationError(
            f"{what} must be a DataFrame of survey answers, got {type(frame).__name__}"
        )
    for col, option in columns.items():
        if col not in frame.columns:
            raise DataValidationError(
                f"the survey frame has no {col!r} column (columns: {', '.join(map(str, frame.columns))}); "
                f"pass {option}= naming the right column"
            )


def _as_dates(values: Any, name: str) -> pd.Series:
    dates = values if isinstance(values, pd.Series) else pd.Series(values)
    if not pd.api.types.is_datetime64_any_dtype(dates):
        try:
            dates = pd.to_datetime(dates, errors="raise", format="mixed")
        except (ValueError, TypeError):
            raise DataValidationError(
                f"{name} contains values that are not dates; parse it with pd.to_datetime first"
            ) from None
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_localize(None)
    n_missing = int(dates.isna().sum())
    if n_missing:
        raise DataValidationError(
            f"{n_missing} answer(s) have no date in {name}; drop them or fill the date column"
        )
    return dates


def _buckets_of(
    frame: pd.DataFrame,
    answer_col: str,
    bucket_col: str | None,
    rules: AttributionRules | str | Path | Mapping | None,
) -> pd.Series:
    if bucket_col is not None:
        _require_columns(frame, {bucket_col: "bucket_col"}, "the survey frame")
        return frame[bucket_col].astype(object)
    _require_columns(frame, {answer_col: "answer_col"}, "the survey frame")
    return classify_answers(frame[answer_col], rules=rules)


def wilson_interval(k, n, alpha: float) -> tuple[Any, Any]:
    """Wilson score interval of a proportion ``k / n``; NaN where ``n`` is 0.

    Parameters
    ----------
    k : int or array-like
        Successes (answers in a bucket, detected pseudo-campaigns).
    n : int or array-like
        Trials, same shape as ``k``.
    alpha : float
        One minus the interval level.

    Returns
    -------
    lower, upper : float or numpy.ndarray
        Floats for scalar ``k`` and ``n``, else arrays of their shape.

    Notes
    -----
    The Wilson interval stays inside [0, 1] and keeps its coverage for small ``n`` and
    shares near 0 or 1, where the normal approximation does not.
    """
    scalar = np.ndim(k) == 0 and np.ndim(n) == 0
    k = np.atleast_1d(np.asarray(k, dtype=float))
    n = np.atleast_1d(np.asarray(n, dtype=float))
    lower = np.full(k.shape, np.nan)
    upper = np.full(k.shape, np.nan)
    ok = n > 0
    if ok.any():
        lo, hi = proportion_confint(k[ok], n[ok], alpha=alpha, method="wilson")
        lower[ok], upper[ok] = lo, hi
    if scalar:
        return float(lower[0]), float(upper[0])
    return lower, upper


def _check_dark(dark: Sequence[str]) -> tuple[str, ...]:
    if isinstance(dark, str):
        dark = (dark,)
    dark = tuple(dark)
    if not dark:
        raise ParameterError("dark must name at least one bucket, e.g. dark=('podcast',)")
    return dark


def dark_social_share(
    buckets: pd.Series,
    dates: pd.Series,
    *,
    freq: Literal["W", "MS"] = "W",
    dark: Sequence[str] = DARK_BUCKETS,
    alpha: float = ALPHA,
) -> pd.DataFrame:
    """Share of answers naming a dark-social channel per week or month, with Wilson intervals.

    Parameters
    ----------
    buckets : pandas.Series
        Buckets from :func:`classify_answers`.
    dates : pandas.Series
        Submission dates on the same index (for example ``frame["submitted_at"]``).
        Time-zone-aware dates are converted to local wall time.
    freq : {"W", "MS"}, default "W"
        ``"W"`` for weeks starting on Monday, ``"MS"`` for calendar months. Periods without
        answers are kept with ``n = 0``.
    dark : sequence of str, default :data:`DARK_BUCKETS`
        Buckets counted as dark social.
    alpha : float, default 0.05
        Intervals have coverage ``1 - alpha``.

    Returns
    -------
    pandas.DataFrame
        Indexed by period start (``period``), columns ``n_leads`` (all answers, blanks
        included), ``n`` (non-blank answers), ``response_rate`` (``n / n_leads``), ``k``
        (dark-social answers), ``share`` (``k / n``), ``lower`` and ``upper`` (Wilson
        interval of ``share``; NaN when ``n = 0``), and ``share_of_leads``
        (``k / n_leads``).

    Raises
    ------
    DataValidationError
        If the two Series are not aligned, a date is missing, or every answer is blank.
    ParameterError
        If ``freq`` or ``alpha`` is invalid.

    Notes
    -----
    Blank answers are excluded from the denominator of ``share``: a blank says nothing
    about the channel, and counting it as "not dark" would make the share fall whenever
    the question is skipped more often. The response rate is reported next to it so a
    change in who answers stays visible.
    """
    if freq not in ("W", "MS"):
        raise ParameterError(f"freq must be 'W' (weekly) or 'MS' (monthly), got {freq!r}")
    alpha = check_alpha(alpha)
    dark = _check_dark(dark)
    buckets = _check_answers(buckets, "buckets")
    dates = _check_answers(dates, "dates")
    if not buckets.index.equals(dates.index):
        raise DataValidationError(
            "buckets and dates have different indexes; take both from the same survey frame"
        )
    dates = _as_dates(dates, "dates")
    answered = buckets != BLANK
    if not answered.any():
        raise DataValidationError(
            "every answer is blank; check that the answer column is the "
            "'How did you hear about us?' field"
        )
    period = dates.dt.to_period("W-SUN" if freq == "W" else "M").dt.start_time
    frame = pd.DataFrame(
        {
            "period": period.to_numpy(),
            "lead": 1,
            "answered": answered.to_numpy(dtype=int),
            "dark": buckets.isin(dark).to_numpy(dtype=int),
        }
    )
    grouped = frame.groupby("period")[["lead", "answered", "dark"]].sum()
    full = pd.date_range(
        grouped.index.min(), grouped.index.max(), freq="W-MON" if freq == "W" else "MS"
    )
    grouped = grouped.reindex(full, fill_value=0)
    n_leads = grouped["lead"].to_numpy()
    n = grouped["answered"].to_numpy()
    k = grouped["dark"].to_numpy()
    lower, upper = wilson_interval(k, n, alpha)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame(
            {
                "n_leads": n_leads,
                "n": n,
                "response_rate": np.where(n_leads > 0, n / np.maximum(n_leads, 1), np.nan),
                "k": k,
                "share": np.where(n > 0, k / np.maximum(n, 1), np.nan),
                "lower": lower,
                "upper": upper,
                "share_of_leads": np.where(n_leads > 0, k / np.maximum(n_leads, 1), np.nan),
            },
            index=pd.DatetimeIndex(full, name="period"),
        )
    out.attrs["level"] = 1 - alpha
    return out


def _answers(n) -> str:
    n = int(n)
    return "no answer" if n == 0 else ("one answer" if n == 1 else f"{n} answers")


# --------------------------------------------------------------------------- before / after
@dataclass(frozen=True)
class MentionsResult:
    """Mentions of a channel or campaign before and after a launch date.

    Attributes
    ----------
    launch : pandas.Timestamp
        First day of the "after" window (the launch day counts as after).
    label : str
        What was counted (buckets and keywords).
    table : pandas.DataFrame
        Rows ``before`` and ``after``; columns ``start``, ``end`` (inclusive), ``days``,
        ``n`` (non-blank answers), ``k`` (mentions), ``share``, ``lower``, ``upper``
        (Wilson) and ``per_day`` (mentions per day).
    diff, diff_lower, diff_upper, diff_pvalue : float
        Share after minus share before, its Newcombe interval and the score-test p-value.
    rate_ratio, rr_lower, rr_upper, rr_pvalue : float
        Mentions per day after / before (Poisson), its score interval and p-value.
    alpha : float
        Intervals have coverage ``1 - alpha``.
    """

    launch: pd.Timestamp
    label: str
    table: pd.DataFrame
    diff: float
    diff_lower: float
    diff_upper: float
    diff_pvalue: float
    rate_ratio: float
    rr_lower: float
    rr_upper: float
    rr_pvalue: float
    alpha: float

    def summary_frame(self) -> pd.DataFrame:
        """Return the before/after table with the comparison rows appended.

        Returns
        -------
        pandas.DataFrame
            Columns ``estimate``, ``lower``, ``upper``, ``p_value``; rows ``share_before``,
            ``share_after``, ``share_difference``, ``mentions_per_day_ratio``.
        """
        t = self.table
        return pd.DataFrame(
            {
                "estimate": [
                    t.at["before", "share"],
                    t.at["after", "share"],
                    self.diff,
                    self.rate_ratio,
                ],
                "lower": [
                    t.at["before", "lower"],
                    t.at["after", "lower"],
                    self.diff_lower,
                    self.rr_lower,
                ],
                "upper": [
                    t.at["before", "upper"],
                    t.at["after", "upper"],
                    self.diff_upper,
                    self.rr_upper,
                ],
                "p_value": [np.nan, np.nan, self.diff_pvalue, self.rr_pvalue],
            },
            index=["share_before", "share_after", "share_difference", "mentions_per_day_ratio"],
        )

    @property
    def comparable(self) -> bool:
        """Whether both sides hold enough answers to compare (:data:`MIN_MENTION_ANSWERS`)."""
        n = self.table["n"]
        return bool((n >= MIN_MENTION_ANSWERS).all())

    def report(self) -> str:
        """Describe the change in mentions in one plain-language paragraph.

        Returns
        -------
        str
            A paragraph for marketing readers. When a side holds fewer than
            :data:`MIN_MENTION_ANSWERS` answers it says so instead of comparing.
        """
        t = self.table
        level = f"{1 - self.alpha:.0%}"
        b, a = t.loc["before"], t.loc["after"]
        launch = day(self.launch)
        if not self.comparable:
            few = [
                side
                for side, row in (("before", b), ("after", a))
                if row["n"] < MIN_MENTION_ANSWERS
            ]
            return (
                f"Too few survey answers {' and '.join(few)} the launch on {launch} to compare "
                f"mentions of {self.label}: {_answers(b['n'])} in the {int(b['days'])} days "
                f"before and {_answers(a['n'])} in the {int(a['days'])} days from launch; the "
                f"comparison needs at least {MIN_MENTION_ANSWERS} on each side."
            )
        # the campaign page's formatters, so that "12%" here is "12%" in its table
        text = (
            f"Before {launch}, {int(b['k'])} of {plural(int(b['n']), 'answer')} "
            f"({percent(b['share'], signed=False)}) mentioned {self.label} over "
            f"{int(b['days'])} days; from launch, {int(a['k'])} of {int(a['n'])} "
            f"({percent(a['share'], signed=False)}) over {int(a['days'])} days."
        )
        caveat = (
            " Self-reported answers suffer from recall bias, so read this next to the search "
            "and traffic signals. Blank answers are left out of every share."
        )
        if b["k"] + a["k"] == 0:
            return f"{text} No answer named it on either side, so there is no change to measure."

        def pts(x) -> str:
            return number(x * 100, signed=True)

        text += (
            f" The share changed by {pts(self.diff)} points ({level} interval "
            f"{pts(self.diff_lower)} to {pts(self.diff_upper)})"
        )
        if b["k"] > 0:
            text += (
                f"; mentions per day were {number(self.rate_ratio)} times the earlier rate "
                f"({level} interval {number(self.rr_lower)} to {number(self.rr_upper)})."
            )
        else:
            text += (
                "; no answer named it before launch, so there is no earlier rate to compare with."
            )
        if np.isfinite(self.diff_pvalue):
            sure = "unlikely to be chance" if self.diff_pvalue < self.alpha else "could be chance"
            text += f" This change is {sure} ({format_p(self.diff_pvalue)})."
        return text + caveat

    def __repr__(self) -> str:
        t = self.table
        sides = ", ".join(
            f"{side}={int(t.at[side, 'k'])}/{int(t.at[side, 'n'])}" for side in ("before", "after")
        )
        what = (
            f"share change {self.diff * 100:+.1f} points"
            if self.comparable
            else "too few answers to compare"
        )
        return (
            f"MentionsResult(label={self.label!r}, launch={self.launch:%Y-%m-%d}, {sides}: {what})"
        )


def mentions_around(
    launch: str | pd.Timestamp,
    answers_frame: pd.DataFrame,
    *,
    bucket: str | Sequence[str] | None = None,
    keywords: Sequence[str] | None = None,
    before_days: int = 28,
    after_days: int = 28,
    date_col: str = "submitted_at",
    answer_col: str = "answer",
    bucket_col: str | None = None,
    rules: AttributionRules | str | Path | Mapping | None = None,
    alpha: float = ALPHA,
) -> MentionsResult:
    """Compare how often answers mention a channel or campaign before and after a launch.

    Parameters
    ----------
    launch : str or pandas.Timestamp
        Launch date; the launch day belongs to the "after" window.
    answers_frame : pandas.DataFrame
        Survey answers with a date column and an answer (or bucket) column.
    bucket : str or sequence of str, optional
        Bucket(s) counted as a mention, e.g. ``"podcast"``.
    keywords : sequence of str, optional
        Words counted as a mention (whole words, case and accents ignored), e.g. the name
        of the show: ``["lenny"]``. An answer is a mention if it is in ``bucket`` or
        contains a keyword. Give ``bucket``, ``keywords`` or both.
    before_days, after_days : int, default 28
        Window lengths in days: ``[launch - before_days, launch)`` and
        ``[launch, launch + after_days)``.
    date_col : str, default "submitted_at"
        Column with the submission time.
    answer_col : str, default "answer"
        Column with the raw answer.
    bucket_col : str, optional
        Column with precomputed buckets; default classify ``answer_col`` with ``rules``.
    rules : AttributionRules, str, pathlib.Path, dict or None, optional
        Rules for :func:`classify_answers`.
    alpha : float, default 0.05
        Intervals have coverage ``1 - alpha``.

    Returns
    -------
    MentionsResult
        Counts, shares with Wilson intervals, the difference in shares (Newcombe interval,
        score test) and the ratio of mentions per day (Poisson score interval and test).

    Raises
    ------
    DataValidationError
        If a column is missing or every answer is blank. A window with fewer than
        :data:`MIN_MENTION_ANSWERS` non-blank answers is not an error: the result's
        ``comparable`` is False, its statistics are NaN and :meth:`MentionsResult.report`
        says there are too few answers to compare.
    InterventionDateError
        If the launch date is not a date.
    ParameterError
        If neither ``bucket`` nor ``keywords`` is given, or a window length is not positive.
    """
    alpha = check_alpha(alpha)
    if bucket is None and not keywords:
        raise ParameterError("give bucket= (e.g. 'podcast') or keywords= (e.g. ['show name'])")
    for name, days in (("before_days", before_days), ("after_days", after_days)):
        if not isinstance(days, int | np.integer) or days < 1:
            raise ParameterError(f"{name} must be a positive number of days, got {days!r}")
    launch_ts = as_date(launch, "launch", error=InterventionDateError)
    _require_columns(answers_frame, {date_col: "date_col"}, "answers_frame")
    dates = _as_dates(answers_frame[date_col], f"column {date_col!r}")
    buckets = _buckets_of(answers_frame, answer_col, bucket_col, rules)
    answered = buckets != BLANK
    if not answered.any():
        raise DataValidationError(
            f"every answer in {answer_col!r} is blank; check that it is the "
            "'How did you hear about us?' field"
        )
    wanted = (bucket,) if isinstance(bucket, str) else tuple(bucket or ())
    known = set(_resolve_rules(rules).buckets) | set(buckets.dropna().unique())
    unknown = [b for b in wanted if b not in known]
    if unknown:
        raise ParameterError(
            f"bucket {unknown[0]!r} is not a bucket of the rules; use one of "
            f"{', '.join(sorted(map(str, known - {BLANK})))} or keywords="
        )
    mention = buckets.isin(wanted)
    if keywords:
        if answer_col not in answers_frame.columns:
            raise DataValidationError(
                f"keywords need the raw answers but there is no {answer_col!r} column; "
                "pass answer_col="
            )
        regexes = [_compile(_normalise(k).rstrip("*"), False) for k in keywords if _normalise(k)]
        norm = answers_frame[answer_col].map(
            lambda v: "" if _is_blank(v, _default_rules()) else _normalise(v)
        )
        mention = mention | norm.map(lambda s: any(r.search(s) for r in regexes))
    mention = mention & answered
    label_parts = [" or ".join(w.replace("_", " ") for w in wanted)] if wanted else []
    if keywords:
        label_parts.append(" or ".join(f"“{k}”" for k in keywords))
    label = " or ".join(label_parts)

    day = dates.dt.normalize()
    windows = {
        "before": (launch_ts.normalize() - pd.Timedelta(days=before_days), launch_ts.normalize()),
        "after": (launch_ts.normalize(), launch_ts.normalize() + pd.Timedelta(days=after_days)),
    }
    rows = {}
    for name, (start, end) in windows.items():
        inside = (day >= start) & (day < end)
        n = int((inside & answered).sum())
        k = int((inside & mention).sum())
        lo, hi = proportion_confint(k, n, alpha=alpha, method="wilson") if n else (np.nan,) * 2
        days = (end - start).days
        rows[name] = {
            "start": start,
            "end": end - pd.Timedelta(days=1),
            "days": days,
            "n": n,
            "k": k,
            "share": k / n if n else np.nan,
            "lower": lo,
            "upper": hi,
            "per_day": k / days,
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    b, a = rows["before"], rows["after"]
    if min(b["n"], a["n"]) < MIN_MENTION_ANSWERS:
        # too few answers on a side: the result says so instead of comparing
        nan = float("nan")
        return MentionsResult(
            launch=launch_ts, label=label, table=table, diff=nan, diff_lower=nan,
            diff_upper=nan, diff_pvalue=nan, rate_ratio=nan, rr_lower=nan, rr_upper=nan,
            rr_pvalue=nan, alpha=alpha,
        )  # fmt: skip
    # statsmodels divides by zero shares on the way (all or no answers naming it); the
    # results it returns are still defined, so its numpy warnings are noise
    with np.errstate(divide="ignore", invalid="ignore"):
        d_lo, d_hi = confint_proportions_2indep(
            a["k"], a["n"], b["k"], b["n"], method="newcomb", compare="diff", alpha=alpha
        )
        d_test = _two_proportion_test(
            a["k"], a["n"], b["k"], b["n"], method="score", compare="diff"
        )
        # The Poisson comparison is undefined when there are no mentions at all.
        if a["k"] + b["k"] > 0:
            rr = (a["k"] / a["days"]) / (b["k"] / b["days"]) if b["k"] > 0 else np.inf
            rr_lo, rr_hi = confint_poisson_2indep(
                a["k"], a["days"], b["k"], b["days"], method="score", compare="ratio", alpha=alpha
            )
            rr_p = float(
                _poisson_rate_test(a["k"], a["days"], b["k"], b["days"], method="score").pvalue
            )
        else:
            rr, rr_lo, rr_hi, rr_p = np.nan, np.nan, np.nan, np.nan
    return MentionsResult(
        launch=launch_ts,
        label=label,
        table=table,
        diff=a["share"] - b["share"],
        diff_lower=float(d_lo),
        diff_upper=float(d_hi),
        diff_pvalue=float(d_test.pvalue),
        rate_ratio=float(rr),
        rr_lower=float(rr_lo),
        rr_upper=float(rr_hi),
        rr_pvalue=rr_p,
        alpha=alpha,
    )


# --------------------------------------------------------------------------- gap with software
def _norm_source(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "UNKNOWN"
    key = re.sub(r"[^A-Z0-9]+", "_", str(value).upper()).strip("_")
    return _SOURCE_ALIASES.get(key, key) or "UNKNOWN"


@dataclass(frozen=True)
class AttributionGap:
    """Self-reported buckets against the source recorded by analytics software.

    Attributes
    ----------
    crosstab : pandas.DataFrame
        Lead counts, rows = self-reported bucket (precedence order, then ``other`` and
        ``blank``), columns = software source (normalised to the HubSpot enum), with
        ``Total`` margins.
    software_dark_sources : tuple of str
        Sources whose leads enter the headline (default Direct and Organic Search).
    dark : tuple of str
        Buckets counted as dark social.
    k, n : int
        Leads from those sources whose answer names a dark channel, and non-blank answers
        from those sources.
    n_blank : int
        Blank answers from those sources (left out of ``n``).
    share, lower, upper : float
        ``k / n`` and its Wilson interval.
    alpha : float
        Intervals have coverage ``1 - alpha``.
    """

    crosstab: pd.DataFrame
    software_dark_sources: tuple[str, ...]
    dark: tuple[str, ...]
    k: int
    n: int
    n_blank: int
    share: float
    lower: float
    upper: float
    alpha: float

    def share_frame(self) -> pd.DataFrame:
        """Return the crosstab as column shares: what leads of each source said.

        Returns
        -------
        pandas.DataFrame
            Each software-source column divided by its total (``Total`` row and column
            dropped), so a column sums to 1.
        """
        body = self.crosstab.drop(index="Total", columns="Total")
        return body / body.sum(axis=0).replace(0, np.nan)

    def report(self) -> str:
        """State the headline gap in one plain-language paragraph.

        Returns
        -------
        str
            A paragraph for marketing readers.
        """
        names = " or ".join(s.replace("_", " ").title() for s in self.software_dark_sources)
        level = f"{1 - self.alpha:.0%}"
        return (
            f"Of the {self.n} leads that the analytics software attributed to {names} and "
            f"who answered the question, {self.k} ({rounded_percent(self.share, signed=False)}; "
            f"{level} interval {rounded_percent(self.lower, signed=False)} to "
            f"{rounded_percent(self.upper, signed=False)}) said they heard of us through a "
            f"dark-social channel ({', '.join(b.replace('_', ' ') for b in self.dark)}). "
            f"{self.n_blank} more left the answer blank. Software attribution credits these "
            "leads to a channel that only carried the last click."
        )


def attribution_gap(
    frame: pd.DataFrame,
    *,
    answer_col: str = "answer",
    source_col: str = "software_source",
    bucket_col: str | None = None,
    software_dark_sources: Sequence[str] = SOFTWARE_DARK_SOURCES,
    dark: Sequence[str] = DARK_BUCKETS,
    rules: AttributionRules | str | Path | Mapping | None = None,
    alpha: float = ALPHA,
) -> AttributionGap:
    """Cross-tabulate self-reported buckets against software attribution.

    Parameters
    ----------
    frame : pandas.DataFrame
        Survey answers with the software-attributed source of each lead.
    answer_col : str, default "answer"
        Column with the raw answer (classified with ``rules``).
    source_col : str, default "software_source"
        Column with the software source (HubSpot enum such as ``DIRECT_TRAFFIC`` or labels
        such as "Direct traffic"; normalised to upper snake case, with ``Direct`` and
        ``Organic`` read as ``DIRECT_TRAFFIC`` and ``ORGANIC_SEARCH``).
    bucket_col : str, optional
        Column with precomputed buckets; overrides ``answer_col``.
    software_dark_sources : sequence of str, default ("DIRECT_TRAFFIC", "ORGANIC_SEARCH")
        Sources whose leads enter the headline share (add ``"UNASSIGNED"`` for GA4).
    dark : sequence of str, default :data:`DARK_BUCKETS`
        Buckets counted as dark social.
    rules : AttributionRules, str, pathlib.Path, dict or None, optional
        Rules for :func:`classify_answers`.
    alpha : float, default 0.05
        Intervals have coverage ``1 - alpha``.

    Returns
    -------
    AttributionGap
        The crosstab and the headline share with its Wilson interval.

    Raises
    ------
    DataValidationError
        If a column is missing, every answer is blank, or no lead comes from
        ``software_dark_sources``.
    """
    alpha = check_alpha(alpha)
    dark = _check_dark(dark)
    _require_columns(frame, {source_col: "source_col"}, "frame")
    buckets = _buckets_of(frame, answer_col, bucket_col, rules)
    if not (buckets != BLANK).any():
        raise DataValidationError(
            f"every answer in {bucket_col or answer_col!r} is blank; check that it is the "
            "'How did you hear about us?' field"
        )
    sources = frame[source_col].map(_norm_source)
    wanted = tuple(_norm_source(s) for s in software_dark_sources)
    tab = pd.crosstab(buckets.rename("bucket"), sources.rename("software_source"))
    order = list(_resolve_rules(rules).buckets) if bucket_col is None else []
    order += [b for b in sorted(tab.index) if b not in order and b not in (OTHER, BLANK)]
    order += [OTHER, BLANK]
    tab = tab.reindex([b for b in order if b in tab.index or b in (OTHER, BLANK)], fill_value=0)
    cols = sorted(tab.columns, key=lambda c: (c not in wanted, c))
    tab = tab[cols]
    tab["Total"] = tab.sum(axis=1)
    tab.loc["Total"] = tab.sum(axis=0)
    in_scope = sources.isin(wanted)
    if not in_scope.any():
        raise DataValidationError(
            f"no lead has a {source_col!r} in {list(wanted)} (found "
            f"{sorted(sources.unique())[:8]}); set software_dark_sources= to the labels you use"
        )
    answered = in_scope & (buckets != BLANK)
    n = int(answered.sum())
    k = int((answered & buckets.isin(dark)).sum())
    n_blank = int((in_scope & (buckets == BLANK)).sum())
    if n == 0:
        share, lower, upper = np.nan, np.nan, np.nan
    else:
        share = k / n
        lower, upper = (float(v) for v in proportion_confint(k, n, alpha=alpha, method="wilson"))
    return AttributionGap(
        crosstab=tab,
        software_dark_sources=wanted,
        dark=dark,
        k=k,
        n=n,
        n_blank=n_blank,
        share=share,
        lower=lower,
        upper=upper,
        alpha=alpha,
    )
