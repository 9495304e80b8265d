"""Signals shared by the sample's components: paid-ad delivery and autocorrelated noise.

They sit below :mod:`darksocial.sample.process` (which assembles the day-by-day sample)
and the component modules (:mod:`~darksocial.sample.marketing`,
:mod:`~darksocial.sample.traffic`) that process calls, so the components do not import
the process that imports them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from darksocial.errors import ParameterError
from darksocial.sample.scenario import Campaign

__all__ = ["AD_CPM_EUR", "AD_WEEKEND_FACTOR", "ad_delivery", "ar1_noise"]

#: Ad delivery assumptions for paid-social campaigns (Meta): cost per 1,000 impressions in
#: EUR and the weekend delivery multiplier.
AD_CPM_EUR = 7.0
AD_WEEKEND_FACTOR = 0.85


def ad_delivery(campaign: Campaign, index: pd.DatetimeIndex) -> np.ndarray:
    """Return the expected daily ad impressions of a paid campaign.

    Parameters
    ----------
    campaign : Campaign
        A campaign with an ``end`` date and a ``spend``.
    index : pandas.DatetimeIndex
        Daily dates.

    Returns
    -------
    numpy.ndarray
        Impressions per day: spend spread over the flight at :data:`AD_CPM_EUR`, with
        weekends at :data:`AD_WEEKEND_FACTOR`; zero outside the flight.
    """
    if campaign.end is None:
        raise ParameterError(f"paid campaign {campaign.id!r} needs an end date")
    on = (index >= campaign.launch) & (index <= campaign.end)
    w = np.where(index.dayofweek >= 5, AD_WEEKEND_FACTOR, 1.0) * on
    spend = campaign.spend * w / w.sum()
    return spend / AD_CPM_EUR * 1000.0


def ar1_noise(rng: np.random.Generator, n: int, phi: float) -> np.ndarray:
    """Return an AR(1) path with unit stationary variance, started at stationarity.

    Parameters
    ----------
    rng : numpy.random.Generator
        The component's random stream.
    n : int
        Length.
    phi : float
        Autocorrelation, in (-1, 1).

    Returns
    -------
    numpy.ndarray
    """
    z = rng.standard_normal(n)
    e = np.empty(n)
    e[0] = z[0]
    s = np.sqrt(1 - phi**2)
    for t in range(1, n):
        e[t] = phi * e[t - 1] + s * z[t]
    return e
