"""The campaign calendar (YAML or CSV), validated."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import yaml

from darksocial.errors import DataFormatError, DataValidationError
from darksocial.io._text import (
    NUMERIC_DATE,
    fail,
    header_key,
    local_dates,
    provenance,
    read_table,
    read_text,
    strip_accents,
    to_number,
)
from darksocial.safetext import clean, mask_pii, safe_message

__all__ = ["ID_MAX_LENGTH", "ID_PATTERN", "NO_CALENDAR", "load_campaigns"]

#: What a data folder without a calendar lacks, and the fix (after the folder's name).
NO_CALENDAR = (
    "has no campaign calendar; add campaigns.yml (a `campaigns:` list of id, name, launch, "
    "end...) or a spreadsheet saved as CSV with a campaign and a start date column"
)

COLUMNS = ("name", "channel", "content_type", "launch", "end", "spend", "notes", "evaluation_end")
#: The calendar's fields as a marketing team's own spreadsheet heads them ("Campaign, Start
#: date, End date, Budget" was "not a recognised export", and the folder had no calendar).
#: A bare "Date" is not a launch: ads and analytics tables are by date.
SYNONYMS: dict[str, tuple[str, ...]] = {
    # not a content calendar's "Slug": blank for drafts, or a path ("/blog/x"), it made ids
    # the calendar never meant; ids are then made from the names
    "id": ("campaign id", "key"),
    # content calendars: "Topic", "Title/Topic", "PublishDate" in two real ones
    "name": ("campaign", "campaign name", "title", "topic", "title topic", "post title"),
    "launch": (
        "launch date",
        "start",
        "start date",
        "starts",
        "go live",
        "go-live date",
        "live date",
        "release date",
        "publish date",
        "publishdate",
        "publication date",
        "published",
    ),
    "end": ("end date", "ends", "finish", "stop", "stop date"),
    "spend": ("budget", "cost", "amount"),
    "channel": ("platform", "medium"),
    "content_type": ("content type", "type", "format"),
    "notes": ("note", "description", "comment", "comments"),
    "evaluation_end": ("evaluation end",),
    "keywords": ("keyword",),
}
#: Longest campaign id: it names report folders and ``latest-<id>.html`` links.
ID_MAX_LENGTH = 64
#: What a campaign id may hold: letters, digits, ``-``, ``_`` and ``.``, starting with a
#: letter or digit. An id is a file name as it is, so two ids never share a report link.
ID_PATTERN = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{ID_MAX_LENGTH - 1}}}")


def _quote(value) -> str:
    """A value from the calendar, quoted in an error message (masked, shortened)."""
    return f"'{safe_message(value, limit=60)}'"


def _check_ids(ids: pd.Series, path: Path) -> None:
    """Ids name files and links: check them before anything runs."""
    for i, cid in enumerate(ids):
        if not ID_PATTERN.fullmatch(cid):
            why = (
                f"is {len(cid)} characters long"
                if len(cid) > ID_MAX_LENGTH
                else "holds characters an id cannot hold"
            )
            raise fail(
                path,
                f"campaign {i + 1}: id {_quote(cid)} {why}; ids use letters, digits, '-', '_' "
                f"and '.', start with a letter or digit and are at most {ID_MAX_LENGTH} "
                "characters (e.g. podcast-s1)",
            )
    folded = ids.str.casefold()
    dup = ids[folded.duplicated()]
    if len(dup):
        first = ids[folded == dup.iloc[0].casefold()].iloc[0]
        same = "is used twice" if first == dup.iloc[0] else f"differs from '{first}' only in case"
        raise DataValidationError(
            f"{path.name}: campaign id '{dup.iloc[0]}' {same}; ids must be unique"
        )


def _keywords(value, path: Path, cid: str) -> list[str]:
    """Optional words that name the campaign in survey answers: a YAML list, or text
    separated by semicolons in a CSV."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    if isinstance(value, str):
        value = [v.strip() for v in value.split(";")]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(path, f"campaign '{cid}': keywords must be a list of words, e.g. [tool crib]")
    return [v for v in value if v.strip()]


class _DatesAsText(yaml.SafeLoader):
    """Safe YAML loading that leaves dates as text.

    PyYAML turns ``2025-13-01`` into a Python date and raises a bare ValueError when the
    date does not exist; as text, the date is parsed below with an error that names the
    campaign and the field.
    """


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _numeric_dates(df: pd.DataFrame, path: Path) -> dict[str, pd.Series]:
    """The calendar's dates written as numbers (01/12/2025), read in one order for all.

    Each value was read on its own: "01/12/2025" (1 December in the spreadsheet that wrote
    it) became 12 January beside "14/12/2025", 14 December, and the campaign was "not
    covered" by data that held it. Day first or month first is decided over every launch,
    end and evaluation end together (:func:`darksocial.io._text.local_dates`); dates that
    read both ways are refused with the fix.
    """
    cols = [c for c in ("launch", "end", "evaluation_end") if c in df.columns]
    stacked = pd.concat([df[c].astype("string").rename(c) for c in cols], keys=cols)
    # a date written as numbers (the form local_dates reads in one order for all)
    numbers = stacked[stacked.fillna("").str.strip().str.match(NUMERIC_DATE)]
    if numbers.empty:
        return {}
    read = local_dates(numbers, path=path, column="launch/end", what="the campaigns")
    return {c: read.xs(c) for c in cols if c in read.index.get_level_values(0)}


def _canonical(df: pd.DataFrame) -> pd.DataFrame:
    """Fields under their calendar names; an id made from the name where there is none.

    A spreadsheet's "Reddit AMA" becomes the id ``reddit-ama`` (a second "Reddit AMA"
    ``reddit-ama-2``): ids name the report files, so they keep to :data:`ID_PATTERN`.
    """
    lookup = {header_key(n): canon for canon, names in SYNONYMS.items() for n in (canon, *names)}
    renamed = {}
    for col in df.columns:
        canon = lookup.get(header_key(str(col)))
        if canon is not None and canon not in renamed.values() and canon not in df.columns:
            renamed[col] = canon
    df = df.rename(columns=renamed)
    if "id" not in df.columns and "name" in df.columns and df["name"].notna().all():
        words = (re.sub(r"[^a-z0-9]+", "-", strip_accents(str(n)).lower()) for n in df["name"])
        slugs = [(w.strip("-") or "campaign")[:56] for w in words]
        ids: list[str] = []
        for slug in slugs:
            # unique against every id already made ("Reddit AMA", "reddit-ama-2", "Reddit
            # AMA" had made reddit-ama-2 twice)
            k, made = 1, slug
            while made in ids:
                k += 1
                made = f"{slug}-{k}"
            ids.append(made)
        df.insert(0, "id", ids)
    return df


def load_campaigns(path: str | Path) -> pd.DataFrame:
    """Load and validate a campaign calendar.

    Parameters
    ----------
    path : str or pathlib.Path
        YAML with a top-level ``campaigns:`` list of mappings, or CSV with one row per
        campaign; fields ``id`` and ``launch`` required, optional ``name``, ``channel``,
        ``content_type``, ``end``, ``spend``, ``notes``, ``evaluation_end``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``id``, sorted by launch, with the columns above; dates as
        Timestamps (NaT when absent), ``spend`` as float.

    Raises
    ------
    DataFormatError
        If the file is not a calendar or a date cannot be read.
    DataValidationError
        If ids repeat or a campaign ends before it launches.
    """
    path = Path(path)
    text, _ = read_text(path)
    if path.suffix.lower() in (".yml", ".yaml"):
        try:
            payload = yaml.load(text, Loader=_DatesAsText)  # noqa: S506 - a SafeLoader
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}: " if mark is not None else ""
            raise fail(path, f"{where}invalid YAML") from None
        items = payload.get("campaigns") if isinstance(payload, dict) else payload
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise fail(path, "expected a top-level 'campaigns:' list of mappings")
        df = pd.DataFrame(items)
        variant = "yaml"
    else:
        df = read_table(
            text, path=path, what="a campaign calendar CSV (id, launch, end...)"
        ).replace({"": None})
        df.columns = [c.strip().lower() for c in df.columns]
        variant = "csv"
    if df.empty:
        raise fail(path, "no campaigns listed")
    df = _canonical(df)
    for col in ("id", "launch"):
        if col not in df.columns:
            if variant == "csv":
                found = ", ".join(df.columns)
                raise fail(path, f"no '{col}' column (found {found}); add it to the header")
            raise fail(path, f"every campaign needs '{col}'; add it to each entry")
        if df[col].isna().any():
            i = int(df[col].isna().to_numpy().nonzero()[0][0])
            who = f"campaign {_quote(df['id'].iloc[i])}" if col != "id" else f"campaign {i + 1}"
            raise fail(path, f"{who} has no '{col}'; every campaign needs one")
    df["id"] = df["id"].astype(str).str.strip()
    _check_ids(df["id"], path)
    numeric = _numeric_dates(df, path)
    for col in ("launch", "end", "evaluation_end"):
        if col not in df.columns:
            df[col] = pd.NaT
            continue
        values = df[col]
        parsed = pd.to_datetime(values.astype("string"), errors="coerce", format="mixed")
        if col in numeric:
            parsed.loc[numeric[col].index] = numeric[col]
        bad = parsed.isna() & values.notna()
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise fail(
                path,
                f"campaign '{df['id'].iloc[i]}': cannot read {col} date {_quote(values.iloc[i])}; "
                "use YYYY-MM-DD",
            )
        df[col] = parsed.dt.normalize()
    late = df["end"].notna() & (df["end"] < df["launch"])
    if late.any():
        i = int(late.to_numpy().nonzero()[0][0])
        raise DataValidationError(
            f"{path.name}: campaign '{df['id'].iloc[i]}' ends {df['end'].iloc[i]:%Y-%m-%d} before it "
            f"launches {df['launch'].iloc[i]:%Y-%m-%d}; fix the dates"
        )
    for col in COLUMNS:
        if col not in df.columns:
            df[col] = None
    for i, value in enumerate(df["spend"]):
        try:
            to_number(pd.Series([value], dtype="string"), path=path, column="spend")
        except DataFormatError:
            raise fail(
                path,
                f"campaign '{df['id'].iloc[i]}': spend {_quote(value)} is not a number; "
                "write e.g. 12000",
            ) from None
    df["spend"] = to_number(df["spend"].astype("string"), path=path, column="spend").to_numpy()
    df["keywords"] = [
        _keywords(v, path, cid)
        for v, cid in zip(df.get("keywords", [None] * len(df)), df["id"], strict=True)
    ]
    # text is shown in reports: no bidirectional controls anywhere, no personal data in notes
    for col in ("name", "channel", "content_type", "notes"):
        df[col] = df[col].map(clean)
    # "Podcast", "Short video": the types the reports pool and the survey buckets know are
    # written podcast, short_video (a spreadsheet's capitals matched none of them)
    df["content_type"] = df["content_type"].map(
        lambda v: re.sub(r"[\s-]+", "_", v.strip().lower()) if isinstance(v, str) else v
    )
    df["notes"] = df["notes"].map(mask_pii)
    out = df.set_index("id")[[*COLUMNS, "keywords"]].sort_values("launch", kind="stable")
    return provenance(out, source="campaigns", variant=variant, path=path)
