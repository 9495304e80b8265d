"""Report pages: what each report notebook displays, section by section.

One module per report notebook, holding only display (HTML, figures, prose) cut into
section functions; the analyses live in the modules below (:mod:`darksocial.campaign`,
:mod:`darksocial.overview`, :mod:`darksocial.explore`...). :func:`resolve_report_params`
is the one place that turns a notebook's parameters into checked values and loaded data.

- :mod:`darksocial.pages.campaign`: the campaign impact report.
- :mod:`darksocial.pages.params`: data-folder default, parameter checks, default metrics.
"""

from darksocial.pages.params import ReportParams, resolve_report_params

__all__ = ["ReportParams", "resolve_report_params"]
