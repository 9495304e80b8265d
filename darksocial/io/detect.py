"""Recognise which export a path is, load it, and summarise it on one screen."""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from darksocial.cleaning import find_gaps
from darksocial.io import ads, calendar, ga4, ga4_bigquery, search_console, survey, trends
from darksocial.io._text import (
    Section,
    fail,
    header_key,
    is_workbook_file,
    read_text,
    split_sections,
)

__all__ = ["Detection", "detect", "infer_frequency", "inspect", "load"]

#: Columns only a Google Ads report has (English and French UI, as ``header_key`` reads
#: them): cost per click, cost per conversion, conversion rate, optimisation score; the
#: Google Ads Editor's campaign and ad exports have none of these, but an ad group or a
#: bid strategy.
_GOOGLE_ADS = frozenset(
    {"avg cpc", "cpc moy", "max cpc", "cpc max", "cost conv", "cout conv", "conv rate"}
    | {"optimization score", "optimisation score"}
    | {"ad group", "bid strategy type", "target cpa"}
)
#: Bing Webmaster Tools columns that no Search Console export writes ("Date","Clicks",
#: "Impressions","Avg. CTR" by day, dates like "12/27/2025 12:00:00 AM"; "Keyword",...,
#: "Avg. Position" by query).
_BING = frozenset({"avg ctr", "avg position"})
#: A plain ``Cost`` beside these is a Google Ads report too: GA4 says "Google Ads cost",
#: Meta and LinkedIn "Amount spent" and "Total Spent", Search Console has no cost.
_BESIDE_COST = frozenset({"conversions", "clicks", "clics", "impressions"})


@dataclass(frozen=True)
class Detection:
    """What a path was recognised as.

    Attributes
    ----------
    source : str
        ``ga4``, ``ga4_landing``, ``ga4_bigquery``, ``search_console``,
        ``search_console_table`` (one table of a Search Console Performance export that is
        not its daily series: ``Queries.csv``, ``Pages.csv``, ``Countries.csv``,
        ``Devices.csv``, ``Search appearance.csv``, ``Filters.csv``, in any UI language),
        ``google_trends``, ``meta_ads``, ``linkedin_ads``, ``survey`` or ``campaigns``.
    loader : callable
        The function that loads it (takes the path first).
    """

    source: str
    loader: Callable[..., pd.DataFrame]


#: File endings of a GA4 BigQuery export (a UI report may be called ``Events_Event_name.csv``).
_EVENT_FILES = (".json", ".ndjson", ".jsonl", ".parquet", ".json.gz")
#: A data folder's settings, read with the folder, not an export.
_SETTINGS_FILES = ("darksocial.yml", "darksocial.yaml", "brand.yml", "brand.yaml")


def _google_ads_header(section: Section) -> list[str] | None:
    """The header of a Google Ads report, below the UI's title lines; ``None`` if not one."""
    # a UI download starts with its name and period ("Campaign report", "All time")
    for fields in (section.header, *section.rows[:2]):
        low = {header_key(h) for h in fields}
        if low & _GOOGLE_ADS or ({"cost", "cout"} & low and low & _BESIDE_COST):
            return fields
        if sum(1 for f in fields if f) > 1:
            return None
    return None


def _dated(section: Section, header: list[str], names: tuple[str, ...]) -> bool:
    """Whether the first rows hold a date under a column of ``names`` (any written form).

    "2025-03-03", "03/03/2025", "March 3, 2025" (a Notion export) all count; a notes line
    does not.
    """
    keys = {header_key(n) for n in names}
    cols = [i for i, h in enumerate(header) if header_key(h) in keys]
    cells = [row[i] for row in section.rows[:5] for i in cols if i < len(row) and row[i]]
    if not cells:
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas' "could not infer format" for prose
        parsed = pd.to_datetime(pd.Series(cells), errors="coerce", format="mixed")
    return bool(parsed.notna().any())


def _keys(header: list[str], synonyms: dict) -> set[str]:
    lookup = {header_key(s): k for k, names in synonyms.items() for s in (k, *names)}
    return {lookup[header_key(h)] for h in header if header_key(h) in lookup}


def detect(path: str | Path) -> Detection:
    """Recognise the export at ``path`` from its content (and name for folders/zips).

    Parameters
    ----------
    path : str or pathlib.Path
        A file, a Search Console zip or folder, or a folder of GA4 ``events_*`` files.

    Returns
    -------
    Detection
        The source and its loader.

    Raises
    ------
    DataFormatError
        If the path is missing or matches no supported export.
    """
    path = Path(path)
    if not path.exists():
        raise fail(path, f"file not found at {path}; check the path")
    if path.is_dir():
        names = {p.name.lower() for p in path.iterdir()}
        if any(n.startswith("events_") and n.endswith(_EVENT_FILES) for n in names):
            return Detection("ga4_bigquery", ga4_bigquery.load_ga4_events)
        if names & {"chart.csv", "dates.csv", "queries.csv"} or search_console.is_ui_export(path):
            return Detection("search_console", search_console.load_search_console)
        raise fail(path, "folder is neither a Search Console export nor GA4 events_* files")
    suffix = path.suffix.lower()
    workbook = suffix in (".xlsx", ".xlsm") or (
        zipfile.is_zipfile(path) and search_console.is_workbook(path)
    )
    if workbook:
        # a Performance export downloaded as Excel has the CSVs as sheets
        if search_console.is_performance_workbook(path):
            return Detection("search_console", search_console.load_search_console)
        if not is_workbook_file(path):
            # named .xlsx but not one: the survey loader says what the file is
            return Detection("survey", survey.load_survey)
        # any other workbook (a Meta Ads Manager .xlsx...) is recognised by its columns,
        # read as the CSV it would have been saved as
    elif suffix == ".zip" or zipfile.is_zipfile(path):
        return Detection("search_console", search_console.load_search_console)
    if suffix == ".parquet":
        return Detection("ga4_bigquery", ga4_bigquery.load_ga4_events)
    if suffix in (".yml", ".yaml"):
        if path.name.lower() in _SETTINGS_FILES:
            raise fail(
                path,
                "this is a data folder's settings file (brand, country, currency), not an "
                "export; it is read with the folder (darksocial report --data FOLDER)",
            )
        return Detection("campaigns", calendar.load_campaigns)
    text, _ = read_text(path)
    head = text[:4000]
    if head.lstrip().startswith(("{", "[")):
        if "dimensionHeaders" in head:
            return Detection("ga4", ga4.read_ga4)
        if '"event_name"' in head or '"event_params"' in head:
            return Detection("ga4_bigquery", ga4_bigquery.load_ga4_events)
        if '"keys"' in head:
            return Detection("search_console", search_console.load_search_console)
        raise fail(path, "JSON is neither a GA4 runReport, GA4 events nor Search Console rows")
    if any(ads.is_no_data(line) for line in head.split("\n")[:3]):
        return Detection("meta_ads", ads.load_meta_ads)
    if re.search(r"^\"?(Start Date \(in UTC\)|Campaign Performance Report)", head, re.MULTILINE):
        return Detection("linkedin_ads", ads.load_linkedin_ads)
    if head.startswith("Category:") or trends.is_trends(head) or trends.side_table(head):
        # a by-region or related-queries table (in any UI language) is Trends' too: its
        # loader says what it is and which download to make instead
        return Detection("google_trends", trends.load_trends)
    first = head.lstrip().splitlines()[0] if head.strip() else ""
    if {"session_date", "raw_channel", "landing_depth", "sessions"} <= {
        c.strip().strip('"') for c in first.split(",")
    }:
        return Detection("ga4_bigquery", ga4_bigquery.load_ga4_sessions_daily)
    sections = split_sections(head)
    header = sections[0].header if sections else []
    low = {header_key(h) for h in header}
    ads_header = _google_ads_header(sections[0]) if sections else None
    if ads_header is not None:
        # before Search Console: a Google Ads time series (Date, Clicks, Impressions, Avg.
        # CPC, Cost) was read as a Search Console chart and stopped the folder on its dates;
        # a report was called "a GA4 table without a Date column", with GA4's menu path
        shown = ", ".join(h for h in ads_header[:4] if h)
        raise fail(
            path,
            f"a Google Ads report ({shown}, ...): the reports do not read Google Ads; ads "
            "to branded search reads Meta or LinkedIn ads broken down by day",
        )
    if low & _BING and low & {"clicks", "impressions"}:
        # before Search Console: a Bing daily export was taken for a Search Console chart and
        # stopped its folder on its dates ("12/27/2025 12:00:00 AM"); with other dates its
        # Bing clicks would have been joined to Google's
        shown = ", ".join(h for h in header[:4] if h) + (", ..." if len(header) > 4 else "")
        raise fail(
            path,
            f"a Bing Webmaster Tools export ({shown}): Bing's clicks, not Google's; the "
            "reports read Google Search Console (Performance → Search results → Export)",
        )
    kind = search_console.table_kind(header)
    if kind in search_console.CHART_KINDS:
        return Detection("search_console", search_console.load_search_console)
    if kind is not None:
        return Detection("search_console_table", search_console.read_search_console_table)
    if search_console.other_report(header):
        # page indexing, Core Web Vitals...: its loader says it has no clicks, and what to
        # export instead; in a data folder it is listed as an unused Search Console export
        return Detection("search_console", search_console.load_search_console)
    if search_console.is_report_table(header):
        raise fail(path, search_console.REPORT_TABLE_NOTE)
    if "data date" in low or {"date", "query"} <= low:
        return Detection("search_console", search_console.load_search_console)
    # the Ads Manager's own words, in every UI language the loader knows (a French export,
    # "Début des rapports ... Montant dépensé (EUR)", was "not a recognised export")
    starts = {header_key(h) for h in ads.META["reporting_starts"]}
    spent = tuple(header_key(h) for h in ads.META["spend"])
    if low & starts or any(h.startswith(spent) for h in low):
        return Detection("meta_ads", ads.load_meta_ads)
    gkeys = set()
    for s in sections:
        keys = _keys(s.header, ga4.SYNONYMS)
        if "date_hour" in keys:
            keys.add("date")
        # a date and a channel in the same table; a home-page export has both, apart
        if {"date", "channel"} <= keys:
            return Detection("ga4", ga4.load_ga4_channels)
        if {"date", "landing_page"} <= keys:
            return Detection("ga4_landing", ga4.load_direct_landing)
        gkeys |= keys
    # An answer column alone, or an id with campaign dates, is enough to know what the file
    # is meant to be: its loader then names the column that is missing.
    if "answer" in _keys(header, survey.SYNONYMS):
        return Detection("survey", survey.load_survey)
    cal = _keys(header, calendar.SYNONYMS)
    # a team's own spreadsheet: "Campaign, Start date, End date, Budget" (a performance table
    # by campaign has counts beside its dates); its rows hold dates under the launch or end
    # column (a notes file whose first line quoted "Topic,Slug,PublishDate" had made a
    # second calendar of its folder)
    dated = bool(sections) and _dated(
        sections[0],
        header,
        ("launch", "end", *calendar.SYNONYMS["launch"], *calendar.SYNONYMS["end"]),
    )
    if dated and (
        ("id" in cal and cal & {"launch", "end"})
        or ({"name", "launch"} <= cal and not low & {"clicks", "impressions", "sessions", "users"})
    ):
        return Detection("campaigns", calendar.load_campaigns)
    if gkeys - {"date", "date_hour", "channel", "landing_page", "nth_day"} or "nth_day" in gkeys:
        # "Nth day" is GA4's own dimension: a home-page download of tables by Nth day with
        # metrics the synonyms do not know (Average engagement time) was "not a recognised
        # export"
        return Detection("ga4", ga4.read_ga4)
    if re.match(r"#\s*-{10,}", head):
        # the dashed preamble of a GA4 UI download, in a language or of a report whose
        # columns the synonyms do not know
        return Detection("ga4", ga4.read_ga4)
    if survey.worded_columns(header) and "submitted_at" in _keys(header, survey.SYNONYMS):
        # the question in a form's own words ("How did you first hear about Acme?"), beside
        # a submission date: after every analytics check, so no report column is taken;
        # two such columns are the loader's to refuse, naming both
        return Detection("survey", survey.load_survey)
    if trends.lost_places(text):
        # a Trends download whose columns were renamed: its loader refuses it, with the fix
        return Detection("google_trends", trends.load_trends)
    raise fail(
        path,
        "not a recognised export; expected GA4, Search Console, Google Trends, Meta or "
        "LinkedIn ads, survey answers or a campaign calendar",
    )


def load(path: str | Path, **options: object) -> pd.DataFrame:
    """Detect the export at ``path`` and load it with its loader.

    Parameters
    ----------
    path : str or pathlib.Path
        Any supported export.
    **options
        Passed to the loader (e.g. ``brand=`` for Search Console).

    Returns
    -------
    pandas.DataFrame
        The loader's tidy frame.
    """
    return detect(path).loader(path, **options)


def _date_span(df: pd.DataFrame) -> tuple[pd.Series | pd.Index | None, str]:
    if isinstance(df.index, pd.DatetimeIndex):
        return df.index, df.index.freqstr or infer_frequency(df.index)
    for col in ("date", "submitted_at", "launch"):
        if col in df.columns:
            dates = pd.DatetimeIndex(df[col].dropna())
            return dates, infer_frequency(dates) if col == "date" else "events"
    return None, "none"


_WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


def infer_frequency(dates: pd.Index | pd.Series) -> str:
    """Tell the grid of some dates that carry no ``freq``: ``D``, ``W-SUN``, ``MS``, ``ME``, ``h``.

    Dates may repeat (a table of records has one row per date and dimension value) and
    some periods may be absent; the answer then says how many, e.g. ``D (2 missing)``.

    Parameters
    ----------
    dates : pandas.Index or pandas.Series
        Timestamps, in any order.

    Returns
    -------
    str
        The pandas frequency string, possibly followed by the number of missing periods,
        ``"single date"``, or ``"irregular"`` when no grid fits.
    """
    days = pd.DatetimeIndex(pd.unique(pd.DatetimeIndex(dates).dropna())).sort_values()
    if len(days) < 2:
        return "single date" if len(days) else "none"
    steps = days.to_series().diff().dropna()
    if (days != days.normalize()).any():
        hours = steps / pd.Timedelta(hours=1)
        freq = "h" if hours.min() == 1 and (hours == hours.round()).all() else None
    elif (days.day == 1).all() and steps.dt.days.min() >= 28:
        freq = "MS"
    elif days.is_month_end.all() and steps.dt.days.min() >= 28:
        freq = "ME"  # monthly too, as darksocial.its.frequency_family reads it
    elif (steps.dt.days % 7 == 0).all() and days.dayofweek.nunique() == 1:
        freq = f"W-{_WEEKDAYS[days[0].dayofweek]}"
    elif steps.dt.days.min() == 1 or len(days) == 2:
        freq = "D"
    else:
        return "irregular"
    if freq is None:
        return "irregular"
    grid = pd.date_range(days[0], days[-1], freq=freq)
    missing = len(grid.difference(days))
    return f"{freq} ({missing} missing)" if missing else freq


def inspect(path: str | Path, *, brand: list[str] | None = None) -> str:
    """Load an export and return a one-screen plain-text summary.

    Parameters
    ----------
    path : str or pathlib.Path
        Any supported export.
    brand : list of str, optional
        Brand terms for Search Console files (guessed from the site URL by default).

    Returns
    -------
    str
        Source and variant, date range, frequency, gaps, columns and, where it applies,
        the branded and anonymized shares.
    """
    found = detect(path)
    options = {"brand": brand} if brand and found.source == "search_console" else {}
    df = found.loader(path, **options)
    attrs = df.attrs
    dates, freq = _date_span(df)
    lines = [
        f"file       {path}",
        f"source     {attrs.get('source', found.source)} ({attrs.get('variant', '?')}), "
        f"loaded with {found.loader.__module__.rsplit('.', 1)[-1]}.{found.loader.__name__}",
        f"rows       {len(df):,}",
    ]
    if dates is not None and len(dates):
        lines.append(
            f"dates      {dates.min():%Y-%m-%d} .. {dates.max():%Y-%m-%d}   frequency {freq}"
        )
    if "missing" in df.columns:
        gaps = find_gaps(df)
        if gaps.empty:
            lines.append("gaps       none")
        else:
            runs = ", ".join(
                f"{r.start:%Y-%m-%d}..{r.end:%Y-%m-%d} ({r.periods})"
                for r in gaps.head(4).itertuples()
            )
            more = f" +{len(gaps) - 4} more" if len(gaps) > 4 else ""
            lines.append(
                f"gaps       {len(gaps)} run(s), {int(gaps['periods'].sum())} period(s) missing: {runs}{more}"
            )
    if "date" in df.columns and not isinstance(df.index, pd.DatetimeIndex):
        keys = ["date", *(c for c in df.columns if c != "date" and df[c].dtype == object)]
        repeated = df.duplicated(keys)
        if repeated.any():
            lines.append(
                f"repeats    {int(repeated.sum()):,} row(s) repeat a date (first "
                f"{df['date'][repeated].iloc[0]:%Y-%m-%d}): one row per date and dimension "
                "value is expected; check for a missing dimension column or duplicated rows"
            )
    cols = [c for c in df.columns if c != "missing"]
    lines.append(f"columns    {', '.join(map(str, cols[:14]))}{' ...' if len(cols) > 14 else ''}")
    for key in ("geo", "currency", "time_zone", "language"):
        if attrs.get(key):
            lines.append(f"{key:<10} {attrs[key]}")
    if attrs.get("top_country"):
        lines.append(f"country    {attrs['top_country']} (most clicks)")
    if attrs.get("filters"):
        shown = "; ".join(f"{k}: {v}" for k, v in attrs["filters"].items())
        role = attrs.get("query_filter")
        covers = f" -> a {role.replace('nonb', 'non-b')} series" if role else ""
        lines.append(f"filters    {shown}{covers}"[:200])
    share = attrs.get("brand_share")
    if share is not None:
        lines.append(f"brand      terms {', '.join(attrs.get('brand_terms') or ())}")
        lines.append(f"           {share.report()}")
    elif "anonymized_click_share" in df.columns and df["anonymized_click_share"].notna().any():
        total = df["anonymized_clicks"].sum() / df["clicks"].sum()
        lines.append(f"anonymized {total:.1%} of clicks come from anonymized queries")
    return "\n".join(lines)
