"""Scenario specification: campaigns, base levels, noise and the TrackMyTools default."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from darksocial import config
from darksocial.errors import ParameterError

__all__ = [
    "METRICS",
    "SHAPES",
    "Campaign",
    "Scenario",
    "ads_kernel",
    "effect_profile",
]

#: Metrics that carry campaign effects and get a truth entry per campaign.
METRICS = ("branded_clicks", "branded_impressions", "direct_sessions", "deep_direct_sessions")
#: Effect shapes the ITS engine knows.
SHAPES = ("level", "ramp", "pulse")
#: Content types allowed in ``campaigns.yml``.
CONTENT_TYPES = ("podcast", "short_video", "event", "newsletter", "paid_social", "webinar")

Shape = Literal["level", "ramp", "pulse"]


def ads_kernel(*, max_lag: int = 10, ratio: float = 0.5) -> np.ndarray:
    """Return the lag kernel from ad delivery to branded search.

    Weights are proportional to ``(k + 1) ** 2 * ratio ** k`` for lags ``k = 0..max_lag``
    and sum to one; with the defaults the kernel peaks at lag 2 days.

    Parameters
    ----------
    max_lag : int, optional
        Longest lag in days, 10 by default.
    ratio : float, optional
        Geometric decay per day, 0.5 by default.

    Returns
    -------
    numpy.ndarray
        The ``max_lag + 1`` weights.
    """
    k = np.arange(max_lag + 1, dtype=float)
    w = (k + 1) ** 2 * ratio**k
    return w / w.sum()


@dataclass(frozen=True)
class Campaign:
    """One marketing campaign and the effect it injects.

    Parameters
    ----------
    id : str
        Slug used in ``campaigns.yml`` and ``TRUTH.json``, e.g. ``"podcast-s1"``.
    name : str
        Human name.
    channel : str
        Where it ran: podcast, youtube, event, email, paid_social...
    content_type : str
        One of podcast, short_video, event, newsletter, paid_social, webinar.
    launch : str or pandas.Timestamp
        First day of the campaign (local date).
    end : str or pandas.Timestamp, optional
        Last day; the effect switches off after it. None means it runs on.
    spend : float, optional
        Spend in EUR, 0 by default.
    notes : str, optional
        Free text written to ``campaigns.yml``.
    shape : {"level", "ramp", "pulse"}, optional
        Effect shape, "level" by default.
    effects : mapping of str to float, optional
        Relative lift per metric (0.15 = +15 % of the no-campaign expectation) at full
        strength. Missing metrics get no effect.
    ramp_days : int, optional
        Days to reach the plateau for ``shape="ramp"``, 21 by default.
    half_life : float, optional
        Half-life in days for ``shape="pulse"``, 6 by default.
    ads_lag : bool, optional
        If True, the effect follows daily ad delivery through :func:`ads_kernel`
        instead of a hard-edged shape (paid social), False by default.
    evaluation_end : str or pandas.Timestamp, optional
        Overrides the truth window end (otherwise ``end``, else launch + 55 days).
    lead_lift : float, optional
        Relative lift of form submissions while the effect is on, 0 by default.
    mention : str, optional
        Answer group respondents use when the campaign brought them (survey).
    landing_paths : sequence of str, optional
        Deep pages that receive half of the campaign's deep direct lift.
    """

    id: str
    name: str
    channel: str
    content_type: str
    launch: pd.Timestamp
    end: pd.Timestamp | None = None
    spend: float = 0.0
    notes: str = ""
    shape: Shape = "level"
    effects: Mapping[str, float] = field(default_factory=dict)
    ramp_days: int = 21
    half_life: float = 6.0
    ads_lag: bool = False
    evaluation_end: pd.Timestamp | None = None
    lead_lift: float = 0.0
    mention: str | None = None
    landing_paths: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "launch", _day(self.launch, f"campaign {self.id!r} launch"))
        if self.end is not None:
            set_(self, "end", _day(self.end, f"campaign {self.id!r} end"))
            if self.end < self.launch:
                raise ParameterError(
                    f"campaign {self.id!r} ends ({self.end:%Y-%m-%d}) before it launches "
                    f"({self.launch:%Y-%m-%d}); fix the end date"
                )
        if self.evaluation_end is not None:
            set_(self, "evaluation_end", _day(self.evaluation_end, f"{self.id!r} evaluation_end"))
        if self.shape not in SHAPES:
            raise ParameterError(
                f"campaign {self.id!r} has shape {self.shape!r}; use one of {', '.join(SHAPES)}"
            )
        if self.content_type not in CONTENT_TYPES:
            raise ParameterError(
                f"campaign {self.id!r} has content_type {self.content_type!r}; use one of "
                f"{', '.join(CONTENT_TYPES)}"
            )
        unknown = sorted(set(self.effects) - set(METRICS))
        if unknown:
            raise ParameterError(
                f"campaign {self.id!r} has effects on unknown metric(s) {unknown}; use "
                f"{', '.join(METRICS)}"
            )
        set_(self, "effects", {m: float(self.effects.get(m, 0.0)) for m in METRICS})
        set_(self, "landing_paths", tuple(self.landing_paths))
        if self.ramp_days < 1 or self.half_life <= 0:
            raise ParameterError(f"campaign {self.id!r}: ramp_days must be >= 1 and half_life > 0")

    @property
    def window_end(self) -> pd.Timestamp:
        """Last day of the truth window: ``evaluation_end``, else ``end``, else launch + 55."""
        if self.evaluation_end is not None:
            return self.evaluation_end
        if self.end is not None:
            return self.end
        return self.launch + pd.Timedelta(days=55)


def _day(value: object, what: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{what} {value!r} is not a date; write it as YYYY-MM-DD") from exc
    if ts is pd.NaT:
        raise ParameterError(f"{what} is missing; write it as YYYY-MM-DD")
    return ts.normalize()


def effect_profile(campaign: Campaign, index: pd.DatetimeIndex, *, delivery=None) -> np.ndarray:
    """Return a campaign's effect strength (0 to about 1) on each day of ``index``.

    Parameters
    ----------
    campaign : Campaign
        The campaign.
    index : pandas.DatetimeIndex
        Daily dates.
    delivery : numpy.ndarray, optional
        Daily ad delivery (any scale) aligned with ``index``; required when
        ``campaign.ads_lag`` is True. It is scaled to mean 1 over the flight and
        convolved with :func:`ads_kernel`.

    Returns
    -------
    numpy.ndarray
        Multiplier of the campaign's relative effects: "level" is 1 from launch to end,
        "ramp" rises linearly to 1 over ``ramp_days``, "pulse" is ``0.5 ** (d / half_life)``
        at ``d`` days after launch; every shape is 0 before launch and after ``end``.
    """
    days = np.asarray((index - campaign.launch).days, dtype=float)
    on = days >= 0
    if campaign.end is not None:
        on &= index <= campaign.end
    if campaign.ads_lag:
        if delivery is None:
            raise ParameterError(f"campaign {campaign.id!r} follows ads; pass its delivery")
        x = np.where(on, np.asarray(delivery, dtype=float), 0.0)
        x = x / x[on].mean()
        w = ads_kernel()
        return np.convolve(x, w)[: len(x)]
    if campaign.shape == "level":
        prof = np.ones_like(days)
    elif campaign.shape == "ramp":
        prof = np.minimum(1.0, (days + 1) / campaign.ramp_days)
    else:
        prof = 0.5 ** (np.maximum(days, 0) / campaign.half_life)
    return np.where(on, prof, 0.0)


#: Expected daily level of each base series on 2024-01-01 before seasonality.
BASE_LEVELS = {
    "branded_impressions": 700.0,
    "branded_clicks": 215.0,
    "shallow_direct_sessions": 620.0,
    "deep_direct_sessions": 200.0,
    "nonbrand_impressions": 14000.0,
    "nonbrand_clicks": 300.0,
    "leads": 2.6,
}
#: Linear growth per year of each base series.
GROWTH = {
    "branded_impressions": 0.18,
    "branded_clicks": 0.18,
    "shallow_direct_sessions": 0.10,
    "deep_direct_sessions": 0.14,
    "nonbrand_impressions": 0.22,
    "nonbrand_clicks": 0.22,
    "leads": 0.15,
}


def _default_campaigns() -> tuple[Campaign, ...]:
    return (
        Campaign(
            id="podcast-s1",
            name="The Tool Crib podcast, season 1 sponsorship",
            channel="podcast",
            content_type="podcast",
            launch="2025-02-03",
            end="2025-03-30",
            spend=12000,
            notes="Host-read ads in 8 weekly episodes; no tracking link, promo code only.",
            shape="level",
            effects={
                "branded_clicks": 0.16,
                "branded_impressions": 0.14,
                "direct_sessions": 0.06,
                "deep_direct_sessions": 0.15,
            },
            lead_lift=0.20,
            mention="podcast",
            landing_paths=(
                "/blog/the-tool-crib-podcast-season-1",
                "/features/qr-codes/print-labels",
            ),
        ),
        Campaign(
            id="meta-ads-spring",
            name="Meta awareness ads, spring 2025",
            channel="paid_social",
            content_type="paid_social",
            launch="2025-04-22",
            end="2025-05-25",
            evaluation_end="2025-06-08",
            spend=9000,
            notes="Facebook and Instagram video ads, France and Belgium; "
            "effect on search follows delivery with a lag (see TRUTH.json ads_to_search).",
            shape="level",
            ads_lag=True,
            effects={
                "branded_clicks": 0.08,
                "branded_impressions": 0.09,
                "direct_sessions": 0.03,
                "deep_direct_sessions": 0.08,
            },
            lead_lift=0.15,
            mention="facebook_ad",
            landing_paths=("/features/bluetooth-tags/setup",),
        ),
        Campaign(
            id="webinar-series-may",
            name="Site managers webinar series",
            channel="webinar",
            content_type="webinar",
            launch="2025-05-06",
            end="2025-06-08",
            spend=2500,
            notes="Five live webinars with a partner; overlaps the Meta ads.",
            shape="level",
            effects={
                "branded_clicks": 0.10,
                "branded_impressions": 0.10,
                "direct_sessions": 0.04,
                "deep_direct_sessions": 0.12,
            },
            lead_lift=0.12,
            mention="webinar",
            landing_paths=("/webinars/site-managers-2025/replay",),
        ),
        Campaign(
            id="shorts-summer",
            name="YouTube Shorts: 60-second tool tips",
            channel="youtube",
            content_type="short_video",
            launch="2025-06-30",
            end="2025-08-24",
            spend=6000,
            notes="Three shorts a week; audience builds over about three weeks.",
            shape="ramp",
            ramp_days=21,
            effects={
                "branded_clicks": 0.13,
                "branded_impressions": 0.12,
                "direct_sessions": 0.05,
                "deep_direct_sessions": 0.14,
            },
            lead_lift=0.20,
            mention="youtube",
            landing_paths=("/blog/tool-tips-shorts",),
        ),
        Campaign(
            id="toolexpo-2025",
            name="ToolExpo Lyon 2025 booth",
            channel="event",
            content_type="event",
            launch="2025-09-16",
            spend=18000,
            notes="Three-day trade show; demo booth and talk on day one.",
            shape="pulse",
            half_life=6.0,
            effects={
                "branded_clicks": 0.40,
                "branded_impressions": 0.38,
                "direct_sessions": 0.12,
                "deep_direct_sessions": 0.30,
            },
            lead_lift=0.80,
            mention="event",
            landing_paths=("/events/toolexpo-2025", "/customers/dupont-btp"),
        ),
        Campaign(
            id="newsletter-relaunch",
            name="Newsletter relaunch",
            channel="email",
            content_type="newsletter",
            launch="2025-11-12",
            evaluation_end="2025-12-14",
            spend=800,
            notes="Redesigned monthly newsletter to the existing list; expected to move "
            "nothing outside the Email channel (the no-effect check).",
            shape="level",
            effects={},
        ),
    )


@dataclass(frozen=True)
class Scenario:
    """Everything the generator needs to simulate a site's daily data.

    Parameters
    ----------
    start, end : str or pandas.Timestamp, optional
        First and last day (inclusive), 2024-01-01 and 2025-12-31 by default.
    seed : int, optional
        Seed of every random draw, :data:`darksocial.config.SEED` by default.
    campaigns : sequence of Campaign, optional
        The campaigns; the TrackMyTools calendar by default.
    base_levels : mapping of str to float, optional
        Expected daily level at ``start`` of each base series (keys as in
        ``BASE_LEVELS``: branded_impressions, branded_clicks, shallow_direct_sessions,
        deep_direct_sessions, nonbrand_impressions, nonbrand_clicks, leads).
    growth : mapping of str to float, optional
        Linear growth per year of each base series.
    phi : float, optional
        AR(1) coefficient of the log-scale noise, 0.5 by default.
    noise_sd : float, optional
        Stationary standard deviation of the log-scale noise, 0.08 by default.
    common_share : float, optional
        Share of the noise variance common to all series, 0.4 by default.
    weekday_factors : sequence of float, optional
        Monday-to-Sunday multipliers (normalised to mean 1).
    summer_dip, christmas_dip, holiday_dip : float, optional
        Depth of the mid-August dip (0.30), the Christmas week dip (0.45) and the dip on
        French public holidays (0.45), as fractions of the expected value.
    outage : tuple of str, optional
        First and last day of a GA4 tracking outage (GA4 files lose those rows),
        2024-08-12 to 2024-08-15 by default; None for no outage.
    site : str, optional
        Site URL, ``https://www.trackmytools.com/``.
    """

    start: pd.Timestamp = pd.Timestamp("2024-01-01")
    end: pd.Timestamp = pd.Timestamp("2025-12-31")
    seed: int = config.SEED
    campaigns: Sequence[Campaign] = field(default_factory=_default_campaigns)
    base_levels: Mapping[str, float] = field(default_factory=lambda: dict(BASE_LEVELS))
    growth: Mapping[str, float] = field(default_factory=lambda: dict(GROWTH))
    phi: float = 0.5
    noise_sd: float = 0.08
    common_share: float = 0.4
    weekday_factors: Sequence[float] = (1.10, 1.14, 1.12, 1.08, 0.94, 0.48, 0.42)
    summer_dip: float = 0.30
    christmas_dip: float = 0.45
    holiday_dip: float = 0.45
    outage: tuple[str, str] | None = ("2024-08-12", "2024-08-15")
    site: str = "https://www.trackmytools.com/"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "start", _day(self.start, "scenario start"))
        set_(self, "end", _day(self.end, "scenario end"))
        if self.end <= self.start + pd.Timedelta(days=27):
            raise ParameterError("the scenario must cover at least 4 weeks; move start or end")
        set_(self, "campaigns", tuple(self.campaigns))
        ids = [c.id for c in self.campaigns]
        if len(set(ids)) != len(ids):
            raise ParameterError(f"campaign ids must be unique; got {ids}")
        for c in self.campaigns:
            if not (self.start < c.launch <= self.end) or c.window_end > self.end:
                raise ParameterError(
                    f"campaign {c.id!r} window {c.launch:%Y-%m-%d}..{c.window_end:%Y-%m-%d} "
                    f"must lie after {self.start:%Y-%m-%d} and end by {self.end:%Y-%m-%d}"
                )
        missing = sorted(set(BASE_LEVELS) - set(self.base_levels))
        if missing:
            raise ParameterError(f"base_levels lacks {missing}; give a level for each")
        set_(self, "base_levels", {**BASE_LEVELS, **self.base_levels})
        set_(self, "growth", {**GROWTH, **self.growth})
        if not (-1 < self.phi < 1) or self.noise_sd < 0 or not 0 <= self.common_share <= 1:
            raise ParameterError("need -1 < phi < 1, noise_sd >= 0 and 0 <= common_share <= 1")
        if len(self.weekday_factors) != 7:
            raise ParameterError("weekday_factors needs 7 numbers, Monday first")
        if self.outage is not None:
            lo, hi = (_day(d, "outage date") for d in self.outage)
            set_(self, "outage", (f"{lo:%Y-%m-%d}", f"{hi:%Y-%m-%d}"))
        for c in self.campaigns:
            lift_direct = c.effects["direct_sessions"] * self._direct_level
            lift_deep = (
                c.effects["deep_direct_sessions"] * self.base_levels["deep_direct_sessions"]
            )
            if lift_deep > lift_direct + 1e-9:
                raise ParameterError(
                    f"campaign {c.id!r}: the deep direct lift exceeds the direct lift (deep "
                    "pages are part of direct); raise direct_sessions or lower deep_direct_sessions"
                )

    @property
    def _direct_level(self) -> float:
        return (
            self.base_levels["shallow_direct_sessions"] + self.base_levels["deep_direct_sessions"]
        )

    @property
    def index(self) -> pd.DatetimeIndex:
        """Daily dates from start to end inclusive."""
        return pd.date_range(self.start, self.end, freq="D", name="date")

    @property
    def outage_days(self) -> pd.DatetimeIndex:
        """Days GA4 recorded nothing (empty if no outage)."""
        if self.outage is None:
            return pd.DatetimeIndex([], name="date")
        return pd.date_range(*self.outage, freq="D", name="date")

    def replace(self, **changes) -> Scenario:
        """Return a copy with some fields changed.

        Parameters
        ----------
        **changes
            Field names and new values, as for :func:`dataclasses.replace`.

        Returns
        -------
        Scenario
            The new scenario.
        """
        return dataclasses.replace(self, **changes)

    @classmethod
    def trackmytools(cls, *, seed: int = config.SEED) -> Scenario:
        """Return the default TrackMyTools scenario behind ``data/sample``.

        Parameters
        ----------
        seed : int, optional
            Random seed, :data:`darksocial.config.SEED` by default.

        Returns
        -------
        Scenario
            Two years (2024-2025) with six campaigns: a level step (podcast), a lagged
            paid-social flight overlapping a webinar series, a three-week ramp (shorts),
            a decaying pulse (trade show) and a newsletter with no effect.
        """
        return cls(seed=seed)
