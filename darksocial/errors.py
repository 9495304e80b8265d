"""Project exceptions.

Every exception raised on bad input derives from :class:`DarkSocialError` and carries a
one-line message that says what is wrong and how to fix it. The command-line interface
prints that line and exits non-zero instead of showing a traceback.
"""

from __future__ import annotations

__all__ = [
    "DarkSocialError",
    "DataFormatError",
    "DataValidationError",
    "InterventionDateError",
    "ParameterError",
    "ReportError",
    "UnusableExportError",
]


class DarkSocialError(Exception):
    """Base class of every error darksocial raises on purpose."""


class DataFormatError(DarkSocialError, ValueError):
    """A file is not the export it should be (wrong type, missing column, bad encoding)."""


class UnusableExportError(DataFormatError):
    """A file is a recognised export, read fine, but in a shape no analysis can use (a Meta
    export not broken down by day). In a data folder it is listed as not used, with the fix."""


class DataValidationError(DarkSocialError, ValueError):
    """Data loaded fine but cannot be analysed as given (gaps, duplicates, constants)."""


class InterventionDateError(DataValidationError):
    """A campaign date lies outside the data or leaves too short a pre-period."""


class ParameterError(DarkSocialError, ValueError):
    """An option or report parameter has an unknown name or an invalid value."""


class ReportError(DarkSocialError, RuntimeError):
    """A report notebook failed while executing or exporting."""
