"""Bring a data folder up to date from the APIs: ``darksocial fetch``.

One small module per source writes the file the existing loaders already read:
:mod:`~darksocial.fetch.search_console` (Search Analytics API rows),
:mod:`~darksocial.fetch.ga4` (GA4 Data API CSVs), :mod:`~darksocial.fetch.bigquery` (the
GA4 export's daily session aggregate, computed in BigQuery) and
:mod:`~darksocial.fetch.meta` (Meta campaign insights as an Ads Manager CSV).
:func:`fetch_folder` runs them. The API clients are optional extras
(``pip install -e .[google]``, ``.[meta]``), imported only when a source is fetched.
"""

from darksocial.fetch._common import STATE_FILE, FetchError
from darksocial.fetch.runner import SOURCES, fetch_folder

__all__ = ["SOURCES", "STATE_FILE", "FetchError", "fetch_folder"]
