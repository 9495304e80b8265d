"""darksocial: measure the sharing analytics cannot see.

A research workbench for dark social. It loads real marketing exports (GA4, Search
Console, Google Trends, ads platforms, "How did you hear about us?" answers), fits
interrupted time-series models of campaign effects on branded search and direct
traffic, and renders parameterized notebooks into HTML reports.

Submodules are imported on first use, so ``import darksocial`` and the command line stay
fast::

    import darksocial as ds
    sources = ds.load_sample()                      # every sample source, tidy
    res = ds.its.fit(y, ds.its.Intervention("podcast", "2025-02-03"))
    report = ds.campaign_report(campaign_id="podcast-s1")
"""

from __future__ import annotations

import importlib
from typing import Any

from darksocial import config, errors  # noqa: F401 (re-exported through __all__)
from darksocial.errors import (  # noqa: F401 (re-exported through __all__)
    DarkSocialError,
    DataFormatError,
    DataValidationError,
    InterventionDateError,
    ParameterError,
    ReportError,
    UnusableExportError,
)

__version__ = "0.1.0"

#: Submodules loaded lazily on attribute access.
_SUBMODULES = (
    "adlag",
    "attribution",
    "brand",
    "campaign",
    "checks",
    "cleaning",
    "direct",
    "explore",
    "formatting",
    "io",
    "its",
    "overview",
    "pages",
    "planning",
    "plotting",
    "portfolio",
    "reporting",
    "sample",
    "scorecard",
    "validation",
)
#: Functions re-exported at the top level, by the module that defines them.
_FUNCTIONS = {
    "load_sample": "io",
    "inspect": "io",
    "fit": "its",
    "analyze_campaign": "campaign",
    "campaign_report": "pages.campaign",
    "overview_report": "pages.overview",
}

__all__ = sorted([*errors.__all__, "__version__", "config", "errors", *_SUBMODULES, *_FUNCTIONS])


def __getattr__(name: str) -> Any:
    if name in _FUNCTIONS:
        return getattr(importlib.import_module(f"darksocial.{_FUNCTIONS[name]}"), name)
    if name in _SUBMODULES:
        return importlib.import_module(f"darksocial.{name}")
    raise AttributeError(f"module 'darksocial' has no attribute {name!r}")
