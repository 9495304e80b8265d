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

from darksocial import config, errors
from darksocial.errors import (
    DarkSocialError,
    DataFormatError,
    DataValidationError,
    InterventionDateError,
    ParameterError,
    ReportError,
)

__version__ = "0.1.0"

#: Submodules loaded lazily on attribute access.
_SUBMODULES = {
    "adlag",
    "attribution",
    "brand",
    "campaign",
    "campaign_report",
    "checks",
    "cleaning",
    "direct",
    "formatting",
    "io",
    "its",
    "overview",
    "planning",
    "portfolio",
    "reporting",
    "sample",
    "scorecard",
}
#: Functions re-exported at the top level, by the module that defines them.
_FUNCTIONS = {
    "load_sample": "io",
    "inspect": "io",
    "fit": "its",
    "analyze_campaign": "campaign",
}

__all__ = sorted(
    {
        "DarkSocialError",
        "DataFormatError",
        "DataValidationError",
        "InterventionDateError",
        "ParameterError",
        "ReportError",
        "__version__",
        "config",
        "errors",
        *_SUBMODULES,
        *_FUNCTIONS,
    }
)


def __getattr__(name: str) -> Any:
    if name == "campaign_report":
        # the module and its main function share a name: the function is what users call
        return importlib.import_module("darksocial.campaign_report").campaign_report
    if name in _SUBMODULES:
        return importlib.import_module(f"darksocial.{name}")
    if name in _FUNCTIONS:
        return getattr(importlib.import_module(f"darksocial.{_FUNCTIONS[name]}"), name)
    raise AttributeError(f"module 'darksocial' has no attribute {name!r}")
