"""Loaders for real marketing exports, and the bundled sample in one call.

Every loader returns a tidy DataFrame: a DatetimeIndex named ``date`` of local dates
with an explicit frequency, snake_case columns, numbers as floats, a boolean
``missing`` column marking periods absent from the export (their values are NaN, never
0), and provenance in ``DataFrame.attrs`` (``source``, ``variant``, ``path``,
``raw_headers``...). Survey answers and campaigns are one row per record instead.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd

from darksocial import config
from darksocial.brand import BrandClassifier
from darksocial.cleaning import find_gaps
from darksocial.io._text import fail
from darksocial.io.ads import load_linkedin_ads, load_meta_ads
from darksocial.io.calendar import load_campaigns
from darksocial.io.detect import detect, inspect, load
from darksocial.io.ga4 import load_direct_landing, load_ga4_channels, read_ga4
from darksocial.io.ga4_bigquery import bigquery_sql, load_ga4_events
from darksocial.io.landing import PathRules
from darksocial.io.search_console import load_search_console, read_search_console_queries
from darksocial.io.survey import load_survey
from darksocial.io.trends import load_trends

__all__ = [
    "BRAND_FILE",
    "DATA_LAYOUT",
    "find_source",
    "SAMPLE_BRAND",
    "SAMPLE_FILES",
    "PathRules",
    "Sources",
    "bigquery_sql",
    "detect",
    "inspect",
    "load",
    "load_campaigns",
    "load_direct_landing",
    "load_ga4_channels",
    "load_ga4_events",
    "load_linkedin_ads",
    "load_meta_ads",
    "load_sample",
    "load_search_console",
    "load_survey",
    "load_trends",
    "read_ga4",
    "read_search_console_queries",
]

#: Brand of the bundled TrackMyTools sample (misspellings are caught by edit distance).
SAMPLE_BRAND = BrandClassifier(("trackmytools", "track my tools"))

#: Sample file of each source, relative to the sample folder.
SAMPLE_FILES = {
    "campaigns": "campaigns.yml",
    "ga4_channels": "ga4/Traffic_acquisition_Session_default_channel_group.csv",
    "direct_landing": "ga4/Landing_page_Landing_page.csv",
    "ga4_events": "ga4/bigquery",
    "search_console": "search_console/searchdata_site_impression.csv",
    "trends": "google_trends/multiTimeline.csv",
    "meta_ads": "meta_ads/TrackMyTools-Campaigns-1-Jan-202431-Dec-2025.csv",
    "survey": "survey/how_did_you_hear.csv",
}


@dataclass(frozen=True)
class Sources:
    """Every sample source, loaded and tidy.

    Attributes
    ----------
    campaigns : pandas.DataFrame
        Campaign calendar indexed by ``id``.
    ga4_channels : pandas.DataFrame
        Daily GA4 sessions per channel, ``total``, ``missing``.
    direct_landing : pandas.DataFrame
        Daily direct sessions split into deep and shallow landing pages.
    ga4_events : pandas.DataFrame
        Daily sessions from the BigQuery events (GA4 and raw channels, raw/deep direct).
    search_console : pandas.DataFrame
        Daily branded, non-branded and anonymized clicks and impressions.
    trends : pandas.DataFrame
        Weekly Google Trends interest per term.
    meta_ads : pandas.DataFrame
        Daily Meta impressions and spend (per campaign in ``attrs["long"]``).
    survey : pandas.DataFrame
        One row per "How did you hear about us?" answer.
    """

    campaigns: pd.DataFrame
    ga4_channels: pd.DataFrame
    direct_landing: pd.DataFrame
    ga4_events: pd.DataFrame
    search_console: pd.DataFrame
    trends: pd.DataFrame
    meta_ads: pd.DataFrame
    survey: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        """Return one row per source: rows, first/last date, frequency, gaps, file."""
        rows = []
        for f in fields(self):
            df = getattr(self, f.name)
            if isinstance(df.index, pd.DatetimeIndex):
                start, end, freq = df.index.min(), df.index.max(), df.index.freqstr
            else:
                col = next(c for c in ("submitted_at", "launch") if c in df.columns)
                start, end, freq = df[col].min(), df[col].max(), "records"
            gaps = find_gaps(df) if "missing" in df.columns else pd.DataFrame({"periods": []})
            rows.append(
                {
                    "source": f.name,
                    "variant": df.attrs.get("variant"),
                    "rows": len(df),
                    "start": start,
                    "end": end,
                    "freq": freq,
                    "gaps": len(gaps),
                    "missing_periods": int(gaps["periods"].sum()),
                    "file": Path(df.attrs.get("path", "")).name,
                }
            )
        return pd.DataFrame(rows).set_index("source")

    def _repr_html_(self) -> str:
        return self.summary().to_html()

    def __repr__(self) -> str:
        return f"Sources(\n{self.summary().to_string()}\n)"


#: Where :func:`load_sample` looks for each source in a data folder: glob patterns relative
#: to the folder, tried in order, first match wins. Your exports keep the names the tools
#: give them (``Traffic_acquisition_…csv``, ``<Account>-Campaigns-…csv``, ``multiTimeline.csv``).
DATA_LAYOUT = {
    "campaigns": ("campaigns.yml", "campaigns.yaml", "campaigns.csv"),
    "ga4_channels": ("ga4/Traffic_acquisition*.csv", "ga4/*channel*.csv"),
    "direct_landing": ("ga4/Landing_page*.csv", "ga4/*anding*.csv"),
    "ga4_events": ("ga4/bigquery",),
    "search_console": (
        "search_console/searchdata_site_impression*.csv",
        "search_console/*.csv",
        "search_console/*.json",
    ),
    "trends": ("google_trends/multiTimeline*.csv", "google_trends/*.csv"),
    "meta_ads": ("meta_ads/*.csv",),
    "survey": ("survey/*.csv", "survey/*.xlsx"),
}

#: Optional file in a data folder with the brand's search terms (``terms:`` and
#: ``exclude:`` lists); without it the terms are guessed from the Search Console site URL.
BRAND_FILE = "brand.yml"


def find_source(directory: Path, name: str) -> Path:
    """Return the file (or folder) of one source in a data folder.

    Parameters
    ----------
    directory : pathlib.Path
        The data folder.
    name : str
        A key of :data:`DATA_LAYOUT`.

    Returns
    -------
    pathlib.Path
        The first match of the source's patterns.

    Raises
    ------
    DataFormatError
        If nothing matches; the message lists the patterns.
    """
    for pattern in DATA_LAYOUT[name]:
        matches = sorted(directory.glob(pattern))
        if matches:
            return matches[0]
    hint = (
        "; run `darksocial sample`" if directory.resolve() == config.SAMPLE_DIR.resolve() else ""
    )
    raise fail(
        directory / DATA_LAYOUT[name][0],
        f"no {name} export in {directory} (looked for {', '.join(DATA_LAYOUT[name])}){hint}",
    )


def _brand_for(directory: Path) -> BrandClassifier | None:
    import yaml

    path = directory / BRAND_FILE
    if not path.exists():
        is_sample = directory.resolve() == config.SAMPLE_DIR.resolve()
        return SAMPLE_BRAND if is_sample else None
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, ValueError, UnicodeDecodeError):
        raise fail(path, "is not valid YAML; write `terms: [mybrand, my brand]`") from None
    terms = spec.get("terms") if isinstance(spec, dict) else None
    if not terms or not all(isinstance(t, str) and t.strip() for t in terms):
        raise fail(path, "needs a `terms:` list of brand spellings, e.g. [acme, acme app]")
    exclude = spec.get("exclude") or ()
    return BrandClassifier(tuple(terms), exclude=tuple(exclude))


def load_sample(
    directory: str | Path = config.SAMPLE_DIR,
    *,
    rules: PathRules | None = None,
    brand: BrandClassifier | None = None,
) -> Sources:
    """Load every source of a data folder: the bundled sample, or your own exports.

    Parameters
    ----------
    directory : str or pathlib.Path, default ``config.SAMPLE_DIR``
        Folder laid out like ``data/sample``: each source in its sub-folder, found by the
        patterns of :data:`DATA_LAYOUT` (the file names the tools give their exports).
    rules : PathRules, optional
        Landing-page rules for deep vs shallow direct sessions.
    brand : BrandClassifier, optional
        Brand terms for Search Console. By default: the folder's ``brand.yml``, else the
        sample's brand for the sample, else terms guessed from the site URL.

    Returns
    -------
    Sources
        The tidy frames; ``sources.summary()`` lists ranges, frequencies and gaps.

    Raises
    ------
    DataFormatError
        If a source is missing (the message lists the patterns looked for) or malformed.

    Examples
    --------
    >>> sources = load_sample()  # doctest: +SKIP
    >>> sources.ga4_channels["direct"].head()  # doctest: +SKIP
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise fail(directory, "data folder not found; give a folder laid out like data/sample")
    p = {name: find_source(directory, name) for name in DATA_LAYOUT}
    return Sources(
        campaigns=load_campaigns(p["campaigns"]),
        ga4_channels=load_ga4_channels(p["ga4_channels"]),
        direct_landing=load_direct_landing(p["direct_landing"], rules=rules),
        ga4_events=load_ga4_events(p["ga4_events"], rules=rules),
        search_console=load_search_console(
            p["search_console"], brand=brand or _brand_for(directory)
        ),
        trends=load_trends(p["trends"]),
        meta_ads=load_meta_ads(p["meta_ads"]),
        survey=load_survey(p["survey"]),
    )
