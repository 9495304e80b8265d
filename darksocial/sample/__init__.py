"""Simulated TrackMyTools data with known campaign effects, in real export formats.

``darksocial.sample`` simulates a fictional B2B SaaS, TrackMyTools (tool tracking for
construction teams, site ``https://www.trackmytools.com/``, time zone Europe/Paris), over
2024-01-01 to 2025-12-31, and writes ``data/sample/`` as the files users export from GA4,
Search Console, Google Trends, Meta Ads Manager and HubSpot. Because the effects are
injected, ``data/sample/TRUTH.json`` holds the answer every analysis should recover.
The generator is public so you can simulate your own scenario (or a power analysis)
without writing files.

Generating process
------------------
For each base series (brand impressions and clicks, non-brand impressions and clicks,
shallow and deep Direct sessions, form leads) the expected value on day ``t`` without
campaigns is::

    base(t) = level * (1 + growth * years since start) * weekday(t)
              * (1 - summer dip(t)) * (1 - Christmas dip(t)) * (1 - holiday dip(t))

with a B2B weekday profile (weekends about 40 % of weekdays), a Gaussian dip centred on
mid-August (30 %) and on Christmas week (45 %), and a 45 % dip on French public holidays
falling on weekdays (``holidays.France``). Each campaign ``c`` adds

    lift_c(t) = effect_c[metric] * base(t) * profile_c(t)

where ``profile_c`` is "level" (1 from launch to end), "ramp" (linear build-up over
``ramp_days``, then 1), "pulse" (``0.5 ** (days since launch / half_life)``), all 0 before
launch and after ``end``; for paid social the profile is the daily ad delivery (mean 1
over the flight) convolved with a lag kernel peaking at 2 days (``ads_kernel``). Effects
add up when campaigns overlap; a campaign's truth is its own lift. Deep-page Direct
sessions get proportionally larger lifts than Direct as a whole (dark social lands on
deep pages); ``direct_sessions`` = shallow + deep.

Observations multiply the expected value by ``exp(sd * z_t - sd**2 / 2)`` with ``z`` an
AR(1) path (``phi = 0.5``, unit variance; 40 % of its variance is common to all series)
and draw Poisson counts. Search impressions are split over queries (brand, misspelt
brand, non-brand, near-miss non-brand, anonymized long tail) and country x device cells
multinomially; clicks are binomial with query-specific click-through rates, so the
brand click total (the truth, including anonymized brand queries) is the sum of its
rows. GA4 loses four days of data (2024-08-12 to 2024-08-15) to a tracking outage.

Truth (``TRUTH.json``): for each campaign and metric, over the window [launch,
window_end] (``evaluation_end``, else ``end``, else launch + 55 days), the mean and sum
of the expected additive lift and the relative lift (sum of lift / sum of the expected
value without that campaign), all computed from expected values, not from the noisy
draws.

Examples
--------
>>> from darksocial.sample import simulate, simulate_series
>>> data = simulate()  # the TrackMyTools scenario, in memory
>>> data.truth_frame().query("metric == 'branded_clicks'")  # doctest: +SKIP
>>> y, controls, truth = simulate_series(400, effect=0.1, shape="ramp", seed=3)
"""

from __future__ import annotations

from darksocial.sample.export import render_sample, write_sample
from darksocial.sample.process import (
    GENERATOR_VERSION,
    SampleData,
    SimulatedSeries,
    seasonality,
    simulate,
    simulate_series,
)
from darksocial.sample.scenario import (
    METRICS,
    SHAPES,
    Campaign,
    Scenario,
    ads_kernel,
    effect_profile,
)
from darksocial.sample.signals import ad_delivery

#: The default scenario behind ``data/sample`` (seed :data:`darksocial.config.SEED`).
TRACKMYTOOLS = Scenario.trackmytools()

__all__ = [
    "GENERATOR_VERSION",
    "METRICS",
    "SHAPES",
    "TRACKMYTOOLS",
    "Campaign",
    "SampleData",
    "Scenario",
    "SimulatedSeries",
    "ad_delivery",
    "ads_kernel",
    "effect_profile",
    "render_sample",
    "seasonality",
    "simulate",
    "simulate_series",
    "write_sample",
]
