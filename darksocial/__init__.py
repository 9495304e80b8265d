"""darksocial: measure the sharing analytics cannot see.

A research workbench for dark social. It loads real marketing exports (GA4, Search
Console, Google Trends, ads platforms, "How did you hear about us?" answers), fits
interrupted time-series models of campaign effects on branded search and direct
traffic, and renders parameterized notebooks into HTML reports.
"""

from __future__ import annotations

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

__all__ = [
    "DarkSocialError",
    "DataFormatError",
    "DataValidationError",
    "InterventionDateError",
    "ParameterError",
    "ReportError",
    "__version__",
    "config",
    "errors",
]
