"""Interrupted time-series engine: campaign effects with honest intervals.

>>> from darksocial.its import fit, Intervention
>>> res = fit(y, [Intervention("tv", "2025-03-03", shape="ramp")])  # doctest: +SKIP
>>> res.effects, res.p_value, res.report()                          # doctest: +SKIP
"""

from __future__ import annotations

from darksocial.its._validate import frequency_family
from darksocial.its.design import Intervention
from darksocial.its.diagnostics import WARNING_CODES, Diagnostics, FitWarning
from darksocial.its.fitting import fit
from darksocial.its.models import newey_west_lags
from darksocial.its.results import ImpactResult, ImpactSummary
from darksocial.its.spec import COUNT_MODELS, METHODS, MODELS, effective_transform

__all__ = [
    "COUNT_MODELS",
    "METHODS",
    "MODELS",
    "WARNING_CODES",
    "Diagnostics",
    "FitWarning",
    "ImpactResult",
    "ImpactSummary",
    "Intervention",
    "effective_transform",
    "fit",
    "frequency_family",
    "newey_west_lags",
]
