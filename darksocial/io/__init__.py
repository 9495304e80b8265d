"""Loaders for real marketing exports, and the bundled sample in one call.

Every loader returns a tidy DataFrame: a DatetimeIndex named ``date`` of local dates
with an explicit frequency, snake_case columns, numbers as floats, a boolean
``missing`` column marking periods absent from the export (their values are NaN, never
0), and provenance in ``DataFrame.attrs`` (``source``, ``variant``, ``path``,
``raw_headers``...). Survey answers and campaigns are one row per record instead.
"""

from __future__ import annotations

from darksocial.io.ads import load_linkedin_ads, load_meta_ads
from darksocial.io.calendar import load_campaigns
from darksocial.io.detect import detect, infer_frequency, inspect, load
from darksocial.io.folder import (
    BRAND_FILE,
    SETTINGS_FILE,
    Export,
    Settings,
    Sources,
    is_own_output,
    load_folder,
    load_sample,
    read_settings,
    scan_folder,
)
from darksocial.io.ga4 import load_direct_landing, load_ga4_channels, read_ga4
from darksocial.io.ga4_bigquery import bigquery_sql, load_ga4_events
from darksocial.io.landing import PathRules
from darksocial.io.search_console import (
    load_search_console,
    read_search_console_queries,
    read_search_console_table,
)
from darksocial.io.series import load_series, load_series_csv
from darksocial.io.survey import load_survey
from darksocial.io.trends import load_trends

__all__ = [
    "BRAND_FILE",
    "SETTINGS_FILE",
    "SAMPLE_FILES",
    "Export",
    "PathRules",
    "Settings",
    "Sources",
    "is_own_output",
    "load_folder",
    "read_settings",
    "scan_folder",
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
    "load_series",
    "load_series_csv",
    "load_survey",
    "load_trends",
    "read_ga4",
    "read_search_console_queries",
    "read_search_console_table",
    "infer_frequency",
]

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
