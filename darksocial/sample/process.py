"""The daily generating process: expected values, campaign lifts, noise and truth."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

import holidays
import numpy as np
import pandas as pd

from darksocial import config
from darksocial.errors import ParameterError
from darksocial.sample import marketing, search, traffic
from darksocial.sample.scenario import (
    METRICS,
    Campaign,
    Scenario,
    ads_kernel,
    effect_profile,
)
from darksocial.sample.signals import ad_delivery, ar1_noise

__all__ = ["GENERATOR_VERSION", "SampleData", "SimulatedSeries", "simulate", "simulate_series"]

#: Bumped whenever the same seed would give different numbers.
GENERATOR_VERSION = "1.0"

# Independent random streams, one per component, so adding draws to one file never
# changes another file's numbers.
_STREAMS = ("noise", "search", "traffic", "landing", "bigquery", "meta", "survey", "trends")


def _streams(seed: int) -> dict[str, np.random.Generator]:
    children = np.random.SeedSequence(seed).spawn(len(_STREAMS))
    return {name: np.random.default_rng(s) for name, s in zip(_STREAMS, children, strict=True)}


def _circular_gauss(doy: np.ndarray, center: float, sd: float) -> np.ndarray:
    d = (doy - center + 182.625) % 365.25 - 182.625
    return np.exp(-0.5 * (d / sd) ** 2)


def seasonality(
    scenario: Scenario,
    index: pd.DatetimeIndex | None = None,
    *,
    weekly: bool = True,
    yearly: bool = True,
) -> pd.Series:
    """Return the multiplicative calendar factor shared by every series.

    Parameters
    ----------
    scenario : Scenario
        Supplies the weekday factors and the summer, Christmas and holiday dips.
    index : pandas.DatetimeIndex, optional
        Days to evaluate, the scenario's days by default.
    weekly : bool, optional
        Include the weekday profile (True by default).
    yearly : bool, optional
        Include the summer, Christmas and public-holiday dips (True by default).

    Returns
    -------
    pandas.Series
        Weekday factor (mean 1) x (1 - summer dip) x (1 - Christmas dip) x (1 - holiday
        dip on French public holidays falling on a weekday).
    """
    idx = scenario.index if index is None else index
    wk = np.asarray(scenario.weekday_factors, dtype=float)
    wk = wk / wk.mean()
    doy = np.asarray(idx.dayofyear, dtype=float)
    summer = scenario.summer_dip * _circular_gauss(doy, 222.0, 12.0)  # mid-August
    xmas = scenario.christmas_dip * _circular_gauss(doy, 362.0, 4.5)  # Dec 24 - Jan 2
    fr = holidays.France(years=sorted(set(idx.year)))
    is_hol = np.array([d.date() in fr and d.dayofweek < 5 for d in idx])
    f = np.ones(len(idx))
    if weekly:
        f = f * wk[idx.dayofweek]
    if yearly:
        f = f * (1 - summer) * (1 - xmas) * (1 - scenario.holiday_dip * is_hol)
    return pd.Series(f, index=idx, name="seasonality")


@dataclass(frozen=True)
class SampleData:
    """Everything :func:`simulate` draws, in memory.

    Attributes
    ----------
    scenario : Scenario
        The scenario simulated.
    expected : pandas.DataFrame
        Daily expected values (DatetimeIndex ``date``, freq "D"): the metrics
        ``branded_clicks``, ``branded_impressions``, ``direct_sessions``,
        ``deep_direct_sessions`` and the helpers ``shallow_direct_sessions``,
        ``nonbrand_clicks``, ``nonbrand_impressions``, ``leads``.
    baseline : pandas.DataFrame
        Same columns, expected values without any campaign.
    observed : pandas.DataFrame
        Realised daily counts of the same columns (the truth of the process, including
        anonymized queries and the GA4 outage days, which the export files lack).
    lifts : dict of str to pandas.DataFrame
        Per campaign id, its expected additive lift per day and metric.
    truth : dict
        The content of ``TRUTH.json``.
    ga4_channels, landing_pages, search_rows, meta_ads, survey, trends : pandas.DataFrame
        Tidy detail tables the export writers format.
    ga4_events : list of dict
        Thinned GA4 BigQuery-export events (one dict per event row).
    """

    scenario: Scenario
    expected: pd.DataFrame
    baseline: pd.DataFrame
    observed: pd.DataFrame
    lifts: dict[str, pd.DataFrame]
    truth: dict[str, Any]
    ga4_channels: pd.DataFrame = field(repr=False)
    landing_pages: pd.DataFrame = field(repr=False)
    search_rows: pd.DataFrame = field(repr=False)
    meta_ads: pd.DataFrame = field(repr=False)
    survey: pd.DataFrame = field(repr=False)
    trends: pd.DataFrame = field(repr=False)
    ga4_events: list[dict] = field(repr=False)

    def lift_frame(self) -> pd.DataFrame:
        """Return all campaign lifts as one tidy table.

        Returns
        -------
        pandas.DataFrame
            Columns ``date``, ``campaign``, ``metric``, ``lift`` (expected additive
            lift per day), one row per day, campaign and metric.
        """
        parts = []
        for cid, frame in self.lifts.items():
            long = frame[list(METRICS)].rename_axis("date").reset_index()
            long = long.melt(id_vars="date", var_name="metric", value_name="lift")
            long.insert(1, "campaign", cid)
            parts.append(long)
        return pd.concat(parts, ignore_index=True)

    def truth_frame(self) -> pd.DataFrame:
        """Return the per-campaign truth as a tidy table.

        Returns
        -------
        pandas.DataFrame
            Columns ``campaign``, ``shape``, ``window_start``, ``window_end``,
            ``metric``, ``average``, ``cumulative``, ``relative``.
        """
        rows = []
        for cid, c in self.truth["campaigns"].items():
            for metric, v in c["metrics"].items():
                rows.append(
                    {
                        "campaign": cid,
                        "shape": c["shape"],
                        "window_start": pd.Timestamp(c["window_start"]),
                        "window_end": pd.Timestamp(c["window_end"]),
                        "metric": metric,
                        **v,
                    }
                )
        return pd.DataFrame(rows)


def _campaign_lifts(
    scn: Scenario, base: pd.DataFrame
) -> tuple[dict[str, pd.DataFrame], dict[str, np.ndarray]]:
    idx = base.index
    lifts, profiles = {}, {}
    for c in scn.campaigns:
        delivery = ad_delivery(c, idx) if c.ads_lag else None
        prof = effect_profile(c, idx, delivery=delivery)
        profiles[c.id] = prof
        e = c.effects
        direct = e["direct_sessions"] * (
            base["shallow_direct_sessions"] + base["deep_direct_sessions"]
        )
        deep = e["deep_direct_sessions"] * base["deep_direct_sessions"]
        frame = pd.DataFrame(
            {
                "branded_clicks": e["branded_clicks"] * base["branded_clicks"] * prof,
                "branded_impressions": e["branded_impressions"]
                * base["branded_impressions"]
                * prof,
                "direct_sessions": direct * prof,
                "deep_direct_sessions": deep * prof,
                "shallow_direct_sessions": (direct - deep) * prof,
                "leads": c.lead_lift * base["leads"] * prof,
            },
            index=idx,
        )
        lifts[c.id] = frame
    return lifts, profiles


def _r(x: float, nd: int = 6) -> float:
    # Rounded so TRUTH.json does not depend on the last bits of floating point.
    return float(round(float(x), nd))


def _truth(scn, expected, lifts) -> dict[str, Any]:
    camps = {}
    for c in scn.campaigns:
        w = slice(c.launch, c.window_end)
        metrics = {}
        for m in METRICS:
            lift = lifts[c.id][m].loc[w]
            without = (expected[m] - lifts[c.id][m]).loc[w]
            metrics[m] = {
                "average": _r(lift.mean()),
                "cumulative": _r(lift.sum()),
                "relative": _r(lift.sum() / without.sum()),
            }
        camps[c.id] = {
            "shape": c.shape,
            "window_start": f"{c.launch:%Y-%m-%d}",
            "window_end": f"{c.window_end:%Y-%m-%d}",
            "effects_at_full_strength": {m: _r(v) for m, v in c.effects.items()},
            "metrics": metrics,
        }
        if c.shape == "ramp":
            camps[c.id]["ramp_days"] = c.ramp_days
        if c.shape == "pulse":
            camps[c.id]["half_life_days"] = _r(c.half_life)
        if c.ads_lag:
            camps[c.id]["follows"] = "ads_to_search"
    kernel = ads_kernel()
    ads = {}
    for c in scn.campaigns:
        if not c.ads_lag:
            continue
        imp = ad_delivery(c, expected.index).sum()
        ads[c.id] = {
            "metric": "branded_clicks",
            "lags_days": list(range(len(kernel))),
            "kernel": [_r(k) for k in kernel],
            "peak_lag_days": int(np.argmax(kernel)),
            "share_within_7_days": _r(kernel[:7].sum()),
            "ad_impressions_expected": _r(imp, 1),
            "branded_clicks_per_1000_ad_impressions": _r(
                lifts[c.id]["branded_clicks"].sum() / imp * 1000
            ),
            "branded_impressions_per_1000_ad_impressions": _r(
                lifts[c.id]["branded_impressions"].sum() / imp * 1000
            ),
            "note": "lift_t = beta_t * sum_k kernel[k] * delivery[t-k], delivery scaled to "
            "mean 1 over the flight; the lift keeps coming up to 10 days after the flight ends",
        }
    out: dict[str, Any] = {
        "generator": {
            "module": "darksocial.sample",
            "seed": int(scn.seed),
            "version": GENERATOR_VERSION,
        },
        "period": {"start": f"{scn.start:%Y-%m-%d}", "end": f"{scn.end:%Y-%m-%d}"},
        "site": scn.site,
        "time_zone": "Europe/Paris",
        "metrics": {
            "branded_clicks": "daily Search Console clicks on brand queries, including "
            "anonymized brand queries",
            "branded_impressions": "daily Search Console impressions on brand queries, "
            "including anonymized brand queries",
            "direct_sessions": "GA4 Session default channel group = Direct, sessions per day",
            "deep_direct_sessions": "Direct sessions landing on a page at least two path "
            "segments deep (not home, not a top-level section)",
        },
        "definitions": {
            "window": "[window_start, window_end] inclusive",
            "average": "mean over the window of the expected additive lift (units per day)",
            "cumulative": "sum over the window of the expected additive lift",
            "relative": "cumulative / sum over the window of the expected value without "
            "this campaign",
        },
        "campaigns": camps,
        "ads_to_search": ads,
        "ga4_outage": [f"{d:%Y-%m-%d}" for d in scn.outage_days],
    }
    return out


def simulate(scenario: Scenario | None = None, *, seed: int | None = None) -> SampleData:
    """Simulate a scenario's daily data in memory, without writing files.

    Parameters
    ----------
    scenario : Scenario, optional
        What to simulate; :meth:`Scenario.trackmytools` by default.
    seed : int, optional
        Overrides ``scenario.seed``.

    Returns
    -------
    SampleData
        Expected, baseline and observed daily frames, per-campaign lifts, the truth
        dictionary and the detail tables behind each export file.

    Examples
    --------
    >>> from darksocial.sample import simulate
    >>> data = simulate()
    >>> data.truth["campaigns"]["newsletter-relaunch"]["metrics"]["branded_clicks"]["cumulative"]
    0.0
    """
    scn = Scenario.trackmytools() if scenario is None else scenario
    if seed is not None:
        scn = scn.replace(seed=int(seed))
    rngs = _streams(scn.seed)
    idx = scn.index
    n = len(idx)
    years = np.asarray((idx - scn.start).days, dtype=float) / 365.25
    season = seasonality(scn, idx).to_numpy()
    base = pd.DataFrame(
        {k: scn.base_levels[k] * (1 + scn.growth[k] * years) * season for k in scn.base_levels},
        index=idx,
    )
    lifts, profiles = _campaign_lifts(scn, base)
    expected = base.copy()
    for frame in lifts.values():
        for col in frame:
            if col in expected:  # direct_sessions is rebuilt from its two parts below
                expected[col] = expected[col] + frame[col]
    expected["direct_sessions"] = (
        expected["shallow_direct_sessions"] + expected["deep_direct_sessions"]
    )
    base["direct_sessions"] = base["shallow_direct_sessions"] + base["deep_direct_sessions"]
    cols = [
        *METRICS,
        "shallow_direct_sessions",
        "nonbrand_clicks",
        "nonbrand_impressions",
        "leads",
    ]
    expected, base = expected[cols], base[cols]
    expected.index.freq = base.index.freq = "D"

    rng = rngs["noise"]
    common = ar1_noise(rng, n, scn.phi)
    noise = {}
    for name in ("branded", "nonbrand", "shallow", "deep"):
        own = ar1_noise(rng, n, scn.phi)
        z = np.sqrt(scn.common_share) * common + np.sqrt(1 - scn.common_share) * own
        noise[name] = np.exp(scn.noise_sd * z - scn.noise_sd**2 / 2)

    obs = pd.DataFrame(index=idx)
    sr = search.simulate_search(scn, expected, noise, rngs["search"])
    obs["branded_clicks"] = sr.daily["branded_clicks"]
    obs["branded_impressions"] = sr.daily["branded_impressions"]
    shallow = rng.poisson(expected["shallow_direct_sessions"].to_numpy() * noise["shallow"])
    deep = rng.poisson(expected["deep_direct_sessions"].to_numpy() * noise["deep"])
    obs["direct_sessions"] = shallow + deep
    obs["deep_direct_sessions"] = deep
    obs["shallow_direct_sessions"] = shallow
    obs["nonbrand_clicks"] = sr.daily["nonbrand_clicks"]
    obs["nonbrand_impressions"] = sr.daily["nonbrand_impressions"]
    obs["leads"] = rng.poisson(expected["leads"].to_numpy())
    obs = obs.astype("int64")
    obs.index.freq = "D"

    truth = _truth(scn, expected, lifts)
    truth["search_console"] = sr.truth
    meta = marketing.simulate_meta_ads(scn, rngs["meta"])
    channels = traffic.simulate_channels(scn, expected, obs, season, meta, rngs["traffic"])
    landing = traffic.simulate_landing_pages(scn, base, lifts, obs, rngs["landing"])
    events = traffic.simulate_bigquery_events(scn, channels, landing, rngs["bigquery"])
    survey = marketing.simulate_survey(scn, base, lifts, obs, rngs["survey"])
    trends = search.simulate_trends(scn, expected, rngs["trends"])
    truth["survey"] = marketing.survey_truth(survey)
    return SampleData(
        scenario=scn,
        expected=expected,
        baseline=base,
        observed=obs,
        lifts=lifts,
        truth=truth,
        ga4_channels=channels,
        landing_pages=landing,
        search_rows=sr.rows,
        meta_ads=meta,
        survey=survey,
        trends=trends,
        ga4_events=events,
    )


class SimulatedSeries(NamedTuple):
    """What :func:`simulate_series` returns: ``y, controls, truth = simulate_series(...)``."""

    y: pd.Series
    controls: pd.DataFrame
    truth: dict[str, Any]


def simulate_series(
    n_days: int = 365,
    *,
    start: str = "2024-01-01",
    launch: str | pd.Timestamp | None = None,
    effect: float = 0.15,
    shape: Literal["level", "ramp", "pulse"] = "level",
    ramp_days: int = 21,
    half_life: float = 6.0,
    end: str | pd.Timestamp | None = None,
    window_days: int = 56,
    level: float = 200.0,
    trend: float = 0.1,
    weekly: bool = True,
    yearly: bool = True,
    phi: float = 0.5,
    noise_sd: float = 0.08,
    n_controls: int = 1,
    control_share: float = 0.6,
    counts: bool = True,
    seed: int = config.SEED,
) -> SimulatedSeries:
    """Simulate one daily series with a known injected effect, plus control series.

    A small helper for power analysis and tests: the outcome and the controls share the
    calendar factor and a common AR(1) noise component; only the outcome gets the effect.

    Parameters
    ----------
    n_days : int, optional
        Number of days, 365 by default.
    start : str, optional
        First day, "2024-01-01" by default.
    launch : str or pandas.Timestamp, optional
        First day of the effect; by default 8 weeks before the last day.
    effect : float, optional
        Relative lift at full strength (0.15 = +15 %), 0.15 by default. Use 0 for a
        no-effect series.
    shape : {"level", "ramp", "pulse"}, optional
        Effect shape, "level" by default.
    ramp_days : int, optional
        Days to the plateau of a ramp, 21 by default.
    half_life : float, optional
        Half-life in days of a pulse, 6 by default.
    end : str or pandas.Timestamp, optional
        Last day of the effect; None keeps it on.
    window_days : int, optional
        Length of the truth window from launch, 56 by default (cut at ``end`` or at the
        last day).
    level : float, optional
        Expected value at ``start`` before seasonality, 200 by default.
    trend : float, optional
        Linear growth per year, 0.1 by default.
    weekly, yearly : bool, optional
        Include the B2B weekday profile and the summer/Christmas/holiday dips (True).
    phi : float, optional
        AR(1) coefficient of the log-scale noise, 0.5 by default.
    noise_sd : float, optional
        Stationary standard deviation of the log-scale noise, 0.08 by default.
    n_controls : int, optional
        Number of control series without the effect, 1 by default.
    control_share : float, optional
        Share of noise variance common to outcome and controls, 0.6 by default.
    counts : bool, optional
        Draw Poisson counts (True) or return the continuous noisy values (False).
    seed : int, optional
        Random seed, :data:`darksocial.config.SEED` by default.

    Returns
    -------
    SimulatedSeries
        ``y`` (pandas.Series with a daily DatetimeIndex), ``controls`` (DataFrame with
        columns ``x1``, ``x2``...) and ``truth``: a dict with ``launch``, ``window_end``,
        ``shape``, ``effect``, ``average``, ``cumulative``, ``relative`` (over the window,
        from expected values) and the Series ``expected``, ``counterfactual``, ``lift``.

    Raises
    ------
    ParameterError
        If the launch leaves no pre-period or lies after the last day.

    Examples
    --------
    >>> from darksocial.sample import simulate_series
    >>> y, controls, truth = simulate_series(400, effect=0.2, seed=1)
    >>> round(truth["relative"], 3)
    0.2
    """
    if n_days < 28:
        raise ParameterError(f"n_days={n_days} is too short; simulate at least 28 days")
    if not 0 <= control_share <= 1:
        raise ParameterError("control_share must lie between 0 and 1")
    idx = pd.date_range(start, periods=n_days, freq="D", name="date")
    launch_ts = idx[-1] - pd.Timedelta(days=55) if launch is None else pd.Timestamp(launch)
    if not idx[0] < launch_ts <= idx[-1]:
        raise ParameterError(
            f"launch {launch_ts:%Y-%m-%d} must fall after {idx[0]:%Y-%m-%d} and by "
            f"{idx[-1]:%Y-%m-%d}; move launch or simulate more days"
        )
    camp = Campaign(
        id="simulated",
        name="simulated",
        channel="other",
        content_type="event",
        launch=launch_ts,
        end=end,
        shape=shape,
        effects={"branded_clicks": effect},
        ramp_days=ramp_days,
        half_life=half_life,
    )
    scn = Scenario(
        start=idx[0],
        end=idx[-1],
        campaigns=(),
        outage=None,
        phi=phi,
        noise_sd=noise_sd,
    )
    season = seasonality(scn, idx, weekly=weekly, yearly=yearly).to_numpy()
    years = np.arange(n_days) / 365.25
    cf = level * (1 + trend * years) * season
    lift = effect * cf * effect_profile(camp, idx)
    mu = cf + lift
    rng = np.random.default_rng(seed)
    common = ar1_noise(rng, n_days, phi)

    def draw(m: np.ndarray) -> np.ndarray:
        z = np.sqrt(control_share) * common + np.sqrt(1 - control_share) * ar1_noise(
            rng, n_days, phi
        )
        v = m * np.exp(noise_sd * z - noise_sd**2 / 2)
        return rng.poisson(v).astype(float) if counts else v

    y = pd.Series(draw(mu), index=idx, name="y")
    controls = pd.DataFrame(
        {f"x{j + 1}": draw(cf * (0.5 + 0.5 * (j + 1))) for j in range(n_controls)}, index=idx
    )
    wend = min(launch_ts + pd.Timedelta(days=window_days - 1), idx[-1])
    if end is not None:
        wend = min(wend, pd.Timestamp(end))
    w = (idx >= launch_ts) & (idx <= wend)
    truth = {
        "launch": launch_ts,
        "window_end": wend,
        "shape": shape,
        "effect": effect,
        "average": float(lift[w].mean()),
        "cumulative": float(lift[w].sum()),
        "relative": float(lift[w].sum() / cf[w].sum()),
        "expected": pd.Series(mu, index=idx, name="expected"),
        "counterfactual": pd.Series(cf, index=idx, name="counterfactual"),
        "lift": pd.Series(lift, index=idx, name="lift"),
    }
    return SimulatedSeries(y, controls, truth)
