"""One campaign, every dark-social signal: the analysis behind the campaign report.

This module is the glue between the loaders (:mod:`darksocial.io`) and the ITS engine
(:mod:`darksocial.its`): it picks each metric's series and controls, puts *every*
campaign of the calendar into the model (so an overlapping or earlier campaign is not
mistaken for this one's effect), fits, and turns the numbers into the plain words a
marketing lead reads first.

Conventions
-----------
- A campaign's **evaluation window** runs from its launch (inclusive) to its
  ``evaluation_end``, else its ``end``, else ``launch + 55`` days (8 weeks), both ends
  inclusive, clipped to the data.
- Each campaign enters the model as a ``"level"`` effect over its window (switched off
  after it), so its coefficient is its *average* effect over that window whatever the
  true shape (step, ramp, decaying pulse).
- Effects are additive on the original scale (clicks or sessions per day); the relative
  lift divides by the counterfactual over the same window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from darksocial import config
from darksocial.errors import DataValidationError, InterventionDateError, ParameterError
from darksocial.formatting import (
    day,
    escape,
    interval,
    join_words,
    number,
    p_value,
    percent,
    plural,
)

__all__ = [
    "DEFAULT_FIT",
    "DEFAULT_METRICS",
    "METRICS",
    "CampaignAnalysis",
    "MetricSpec",
    "analyze_campaign",
    "calendar_interventions",
    "campaign_analysis",
    "evaluation_window",
    "fit_joint",
    "fit_metrics",
    "metric_series",
]

#: Days in the default evaluation window when a campaign has no end date (8 weeks).
DEFAULT_WINDOW_DAYS = 56


@dataclass(frozen=True)
class MetricSpec:
    """Where a metric's daily series and its controls come from.

    Parameters
    ----------
    name : str
        Metric name used in tables and ``summary.json``.
    label : str
        Plain-language name for reports.
    unit : str
        What one unit is (``"clicks"``, ``"sessions"``).
    source : str
        Attribute of :class:`darksocial.io.Sources` holding the series.
    column : str
        Column of that frame.
    controls : tuple of (str, str)
        ``(source, column)`` pairs used as control series: they share the market's ups and
        downs but should not move with the campaign.
    """

    name: str
    label: str
    unit: str
    source: str
    column: str
    controls: tuple[tuple[str, str], ...] = ()


#: Metrics a campaign report can analyse. Non-branded search is the control everywhere: it
#: follows demand and seasonality but a brand campaign should not move it (the placebo in
#: space checks that it did not).
METRICS: dict[str, MetricSpec] = {
    m.name: m
    for m in (
        MetricSpec(
            "branded_clicks",
            "branded search clicks",
            "clicks",
            "search_console",
            "branded_clicks",
            (("search_console", "nonbranded_clicks"),),
        ),
        MetricSpec(
            "branded_impressions",
            "branded search impressions",
            "impressions",
            "search_console",
            "branded_impressions",
            (("search_console", "nonbranded_impressions"),),
        ),
        MetricSpec(
            "direct_sessions",
            "direct sessions",
            "sessions",
            "direct_landing",
            "direct_sessions",
            (("search_console", "nonbranded_clicks"),),
        ),
        MetricSpec(
            "deep_direct_sessions",
            "direct sessions on deep pages",
            "sessions",
            "direct_landing",
            "deep_direct_sessions",
            (("search_console", "nonbranded_clicks"),),
        ),
    )
}

#: Survey bucket (see ``darksocial/data/attribution_rules.yml``) that names each content type.
CONTENT_BUCKETS = {
    "podcast": "podcast",
    "short_video": "youtube_video",
    "video": "youtube_video",
    "event": "event",
    "webinar": "event",
    "newsletter": "newsletter_blog",
    "paid_social": "social_media",
}

#: Models of the report's triangulation table (intervention method). The structural model
#: takes tens of seconds with daily seasonality regressors, too slow for every scheduled
#: report; the calibration benchmark covers it.
TRIANGULATION_MODELS = ("segmented", "arima", "negbin")

#: What a campaign report analyses by default.
DEFAULT_METRICS = ("branded_clicks", "direct_sessions", "deep_direct_sessions")

#: Model options of the campaign report. The log transform makes seasonality and lifts
#: multiplicative (a podcast lifts weekdays more than weekends); "auto" seasonality is day of
#: week, plus a smooth yearly shape and a year-end dummy once there are 18 months of data;
#: French public holidays because the sample company is French (pass ``holidays`` for yours).
DEFAULT_FIT: dict[str, Any] = {
    "model": "segmented",
    "method": "intervention",
    "transform": "log",
    "seasonality": "auto",
    "holidays": "FR",
}


def evaluation_window(
    campaigns: pd.DataFrame, campaign_id: str, *, data_end: pd.Timestamp | None = None
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return the first and last day over which a campaign is evaluated.

    Parameters
    ----------
    campaigns : pandas.DataFrame
        Calendar indexed by campaign id, with ``launch`` and optional ``end`` and
        ``evaluation_end`` columns (as :func:`darksocial.io.load_campaigns` returns it).
    campaign_id : str
        Which campaign.
    data_end : pandas.Timestamp, optional
        Last date of the data; the window is clipped to it.

    Returns
    -------
    tuple of pandas.Timestamp
        Launch day and last day, both inclusive.

    Raises
    ------
    ParameterError
        If the campaign id is not in the calendar.
    """
    row = _campaign_row(campaigns, campaign_id)
    start = pd.Timestamp(row["launch"])
    end = None
    for col in ("evaluation_end", "end"):
        value = row.get(col)
        if value is not None and not pd.isna(value):
            end = pd.Timestamp(value)
            break
    if end is None:
        end = start + pd.Timedelta(days=DEFAULT_WINDOW_DAYS - 1)
    if data_end is not None:
        end = min(end, pd.Timestamp(data_end))
    return start, end


def _campaign_row(campaigns: pd.DataFrame, campaign_id: str) -> pd.Series:
    if campaign_id not in campaigns.index:
        known = ", ".join(map(str, campaigns.index))
        raise ParameterError(f"campaign {campaign_id!r} is not in the calendar; known: {known}")
    return campaigns.loc[campaign_id]


def calendar_interventions(
    campaigns: pd.DataFrame, *, data_start: pd.Timestamp, data_end: pd.Timestamp
) -> list:
    """Turn the campaign calendar into ITS interventions.

    Every campaign that launches inside the data becomes one
    :class:`darksocial.its.Intervention` over its evaluation window (see
    :func:`evaluation_window`), with shape ``"level"``: its coefficient is the average
    effect over the window whatever the true shape, and no ramp length or half-life has to
    be estimated (their uncertainty would not be in the intervals). Campaigns launching
    outside the data are left out.

    Parameters
    ----------
    campaigns : pandas.DataFrame
        Calendar indexed by campaign id.
    data_start, data_end : pandas.Timestamp
        First and last date of the series to be analysed.

    Returns
    -------
    list of darksocial.its.Intervention
    """
    from darksocial.its import Intervention

    out = []
    for cid in campaigns.sort_values("launch").index:
        start, end = evaluation_window(campaigns, cid, data_end=data_end)
        if start <= pd.Timestamp(data_start) or start > pd.Timestamp(data_end):
            continue
        out.append(Intervention(str(cid), start, end=end, evaluation_end=end))
    return out


def metric_series(sources, metric: str) -> tuple[pd.Series, pd.DataFrame | None]:
    """Return a metric's daily series and its control series.

    Parameters
    ----------
    sources : darksocial.io.Sources
        Loaded data (:func:`darksocial.io.load_sample`).
    metric : str
        A key of :data:`METRICS`.

    Returns
    -------
    y : pandas.Series
        The metric, NaN where the export has no data.
    controls : pandas.DataFrame or None
        Control series on the same dates.

    Raises
    ------
    ParameterError
        If the metric is unknown or the data lack it.
    """
    if metric not in METRICS:
        raise ParameterError(f"unknown metric {metric!r}; choose from {', '.join(METRICS)}")
    spec = METRICS[metric]
    y = _column(sources, spec.source, spec.column, metric)
    if not spec.controls:
        return y, None
    controls = pd.concat(
        {col: _column(sources, src, col, metric) for src, col in spec.controls}, axis=1
    ).reindex(y.index)
    return y, controls


def _column(sources, source: str, column: str, metric: str) -> pd.Series:
    frame = getattr(sources, source, None)
    if frame is None or column not in getattr(frame, "columns", ()):
        raise ParameterError(
            f"metric {metric!r} needs column {column!r} of {source}, which the data lack"
        )
    y = frame[column].astype(float).rename(column)
    if "missing" in frame.columns:
        y = y.where(~frame["missing"].astype(bool))
    return y


@dataclass
class CampaignAnalysis:
    """The effects of one campaign on each dark-social metric.

    Attributes
    ----------
    campaign_id : str
    campaign : pandas.Series
        The campaign's calendar row.
    window : tuple of pandas.Timestamp
        First and last day of the evaluation window.
    results : dict of str to darksocial.its.ImpactResult
        One fitted model per metric (every calendar campaign in it).
    options : dict
        The model options used.
    alpha : float
        One minus the interval level.
    """

    campaign_id: str
    campaign: pd.Series
    window: tuple[pd.Timestamp, pd.Timestamp]
    results: dict[str, Any]
    options: dict[str, Any]
    alpha: float = config.ALPHA
    anonymized_share: float | None = None
    data_start: pd.Timestamp | None = None
    overlapping: list[str] = field(default_factory=list)
    sources: Any = field(default=None, repr=False)
    seed: int = config.SEED

    def effects_frame(self) -> pd.DataFrame:
        """Return one row per metric with the campaign's effect over its window.

        Returns
        -------
        pandas.DataFrame
            Indexed by metric: ``label, unit, observed, counterfactual, average,
            average_lower, average_upper, cumulative, cumulative_lower, cumulative_upper,
            relative, relative_lower, relative_upper, p_value, significant, direction,
            model, method``. ``significant`` is True when the relative interval excludes
            zero; ``direction`` is ``"up"``, ``"down"`` or ``"no clear change"``.
        """
        rows = []
        for metric, res in self.results.items():
            eff = res.effects_by_intervention.loc[self.campaign_id]
            p = float(res.p_value_by_intervention[self.campaign_id])
            lo, hi = eff.loc["relative", "lower"], eff.loc["relative", "upper"]
            significant = bool(lo > 0 or hi < 0)
            direction = ("up" if lo > 0 else "down") if significant else "no clear change"
            window = res.y.loc[self.window[0] : self.window[1]]
            observed = float(window.mean())
            rows.append(
                {
                    "metric": metric,
                    "label": METRICS[metric].label,
                    "unit": METRICS[metric].unit,
                    "observed": observed,
                    "counterfactual": observed - float(eff.loc["average", "estimate"]),
                    **{
                        f"{k}{suffix}": float(eff.loc[k, col])
                        for k in ("average", "cumulative", "relative")
                        for suffix, col in (
                            ("", "estimate"),
                            ("_lower", "lower"),
                            ("_upper", "upper"),
                        )
                    },
                    "p_value": p,
                    "significant": significant,
                    "direction": direction,
                    "model": res.model,
                    "method": res.method,
                }
            )
        return pd.DataFrame(rows).set_index("metric")

    def bottom_line(self) -> str:
        """Say, in plain words, what the campaign did to each metric (Markdown).

        Returns
        -------
        str
            One headline sentence, then one bullet per metric with the lift per day, the
            relative lift with its interval, the total and how sure we are. The wording
            follows the intervals: "rose" only when the interval is above zero.
        """
        eff = self.effects_frame()
        name = escape(self.campaign.get("name", self.campaign_id))
        start, end = self.window
        weeks = (end - start).days // 7 + 1
        up = [r.label for r in eff.itertuples() if r.direction == "up"]
        down = [r.label for r in eff.itertuples() if r.direction == "down"]
        if up and not down:
            head = f"{name} lifted {join_words(up)}."
        elif down and not up:
            head = f"{name} was followed by a fall in {join_words(down)}."
        elif up and down:
            head = f"{name} lifted {join_words(up)}, but {join_words(down)} fell."
        else:
            head = f"We cannot tell whether {name} moved {join_words(list(eff['label']))}."
        level = int(round((1 - self.alpha) * 100))
        lines = [
            f"**{head}** Measured over {plural(weeks, 'week')} from {day(start)} to "
            f"{day(end)}, against what the model expects without any campaign."
        ]
        for r in eff.itertuples():
            ci = f"{level}% interval {interval(r.relative_lower, r.relative_upper)}"
            if r.direction == "no clear change":
                verdict = "no clear change"
                sure = f"we cannot tell it apart from noise ({p_value(r.p_value)})"
            else:
                verdict = "rose" if r.direction == "up" else "fell"
                sure = f"unlikely to be noise ({p_value(r.p_value)})"
            lines.append(
                f"- **{r.label.capitalize()}: {verdict}.** {number(r.average, signed=True)} "
                f"{r.unit} a day ({percent(r.relative)}, {ci}), about "
                f"{number(r.cumulative, signed=True)} in total; {sure}."
            )
        return "\n".join(lines)

    def caveats(self) -> list[str]:
        """List what a reader should keep in mind, in plain words.

        Returns
        -------
        list of str
            Anonymized queries, overlapping campaigns, short pre-period, model warnings.
        """
        notes = []
        if self.anonymized_share is not None and self.anonymized_share > 0.05:
            notes.append(
                f"Search Console hides rare queries: {self.anonymized_share:.0%} of clicks in "
                "the window come from anonymized queries, some of them branded. Branded counts "
                "are a lower bound, so the true lift in branded search may be larger."
            )
        if self.overlapping:
            notes.append(
                "Other campaigns ran during this window ("
                + ", ".join(self.overlapping)
                + "). The model estimates each campaign's share jointly, which widens the "
                "intervals; the split between overlapping campaigns is the least certain part."
            )
        if self.data_start is not None:
            pre_days = (self.window[0] - self.data_start).days
            if pre_days < 365:
                notes.append(
                    f"Only {pre_days} days of history before launch: with less than a year the "
                    "model cannot learn yearly seasonality, so seasonal swings may be "
                    "mistaken for campaign effects."
                )
        missing = {}
        for metric, res in self.results.items():
            label = METRICS[metric].label
            for warning in getattr(res.diagnostics, "warnings", ()) or ():
                plain = _plain_warning(warning, label)
                if plain is None:
                    continue
                if plain.startswith("missing:"):
                    missing[label] = int(plain.split(":")[1])
                else:
                    notes.append(plain)
        if missing:
            notes.append(
                "Some days are missing from the exports ("
                + ", ".join(f"{label}: {plural(n, 'day')}" for label, n in missing.items())
                + ", a tracking outage); they are left out of the models, not counted as zero."
            )
        return notes

    # -- checks ------------------------------------------------------------------------------
    @property
    def duration(self) -> int:
        """Length of the evaluation window in days."""
        return (self.window[1] - self.window[0]).days + 1

    def _joint_fit(self, metric: str, *, start=None, extra=(), **overrides):
        """Fit the report's joint model (every calendar campaign) with optional changes."""
        return fit_joint(
            self.sources,
            metric,
            {**self.options, **overrides},
            alpha=self.alpha,
            seed=self.seed,
            start=start,
            extra=extra,
        )

    def _effect_row(self, res, name: str) -> dict[str, Any]:
        eff = res.effects_by_intervention.loc[name]
        lo, hi = float(eff.loc["relative", "lower"]), float(eff.loc["relative", "upper"])
        return {
            "estimate": float(eff.loc["relative", "estimate"]),
            "lower": lo,
            "upper": hi,
            "average": float(eff.loc["average", "estimate"]),
            "average_lower": float(eff.loc["average", "lower"]),
            "average_upper": float(eff.loc["average", "upper"]),
            "p_value": float(res.p_value_by_intervention[name]),
            "significant": bool(lo > 0 or hi < 0),
        }

    def placebo_in_time(self, metric: str = "branded_clicks", *, n_placebos: int = 30):
        """Add fake campaigns at dates before launch when no campaign ran, one at a time.

        Each placebo is a campaign of the same length as this one, placed where no calendar
        campaign was running (nor in the two weeks after one ended), at least 90 days into
        the data; it is fitted in the same joint model as the real campaigns, so the check
        re-runs exactly the analysis behind the headline. The real effect's rank among the
        placebo effects gives a calibrated p-value.

        Parameters
        ----------
        metric : str, default "branded_clicks"
        n_placebos : int, default 30
            Fake launch dates, spread evenly over the free periods.

        Returns
        -------
        darksocial.checks.PlaceboInTime
        """
        import numpy as np

        from darksocial import checks
        from darksocial.errors import DarkSocialError
        from darksocial.its import Intervention

        real = self._effect_row(self.results[metric], self.campaign_id)
        y = self.results[metric].y
        busy = pd.Series(False, index=y.index)
        for cid in self.sources.campaigns.index:
            a, b = evaluation_window(self.sources.campaigns, cid)
            busy |= (y.index >= a) & (y.index <= b + pd.Timedelta(days=14))
        length = self.duration
        candidates = []
        first_ok = y.first_valid_index() + pd.Timedelta(days=90)
        for fake_start in y.index[y.index < self.window[0]]:
            end = fake_start + pd.Timedelta(days=length - 1)
            if (
                fake_start >= first_ok
                and end < self.window[0]
                and not busy.loc[fake_start:end].any()
            ):
                candidates.append(fake_start)
        if len(candidates) > n_placebos:
            picks = np.linspace(0, len(candidates) - 1, n_placebos).round().astype(int)
            candidates = [candidates[i] for i in picks]
        rows, failed = [], 0
        for fake_start in candidates:
            end = fake_start + pd.Timedelta(days=length - 1)
            fake = Intervention("placebo", fake_start, end=end, evaluation_end=end)
            try:
                res = self._joint_fit(metric, extra=[fake])
            except DarkSocialError:
                failed += 1
                continue
            rows.append(
                {"launch": fake_start, "window_end": end, **self._effect_row(res, "placebo")}
            )
        placebos = pd.DataFrame(rows)
        n = len(placebos)
        if n:
            p = (1 + int((placebos["estimate"].abs() >= abs(real["estimate"])).sum())) / (1 + n)
            fpr = float(placebos["significant"].mean())
        else:
            p, fpr = float("nan"), float("nan")
        return checks.PlaceboInTime(
            placebos=placebos,
            real=pd.Series({"launch": self.window[0], "window_end": self.window[1], **real}),
            p_value=float(p),
            false_positive_rate=fpr,
            n_failed=failed,
            model=str(self.options.get("model")),
            method=str(self.options.get("method")),
            alpha=self.alpha,
        )

    def placebo_in_space(self, series: dict[str, pd.Series] | None = None):
        """Run the same joint analysis on series the campaign should not move.

        Parameters
        ----------
        series : dict of str to pandas.Series, optional
            Named series; by default non-branded search clicks and impressions.

        Returns
        -------
        darksocial.checks.PlaceboInSpace
        """
        from darksocial import checks, its

        if series is None:
            sc = self.sources.search_console
            series = {
                "non-branded search clicks": sc["nonbranded_clicks"],
                "non-branded search impressions": sc["nonbranded_impressions"],
            }
        rows = []
        for name, s in series.items():
            s = s.astype(float).loc[s.first_valid_index() : s.last_valid_index()]
            ivs = calendar_interventions(
                self.sources.campaigns, data_start=s.index[0], data_end=s.index[-1]
            )
            res = its.fit(s, ivs, alpha=self.alpha, seed=self.seed, **self.options)
            row = self._effect_row(res, self.campaign_id)
            moved = bool(row["significant"])
            verdict = "moved too" if moved else "did not move"
            rows.append(
                {
                    "series": name,
                    **row,
                    "moved": moved,
                    "sentence": (
                        f"{name[:1].upper() + name[1:]} {verdict} ({percent(row['estimate'])}, "
                        f"{interval(row['lower'], row['upper'])})"
                    ),
                }
            )
        return checks.PlaceboInSpace(table=pd.DataFrame(rows), alpha=self.alpha)

    def triangulate(self, metric: str = "branded_clicks", *, models=None):
        """Estimate the campaign with other models, both methods and a shorter history.

        Every row fits the joint model (all calendar campaigns) so it answers the same
        question as the headline: the headline model with the counterfactual method (fit
        before the first campaign, forecast after), the other models, and the headline model
        on only the last 12 months before launch.

        Parameters
        ----------
        metric : str, default "branded_clicks"
        models : sequence of str, optional
            Models to compare; :data:`TRIANGULATION_MODELS` by default.

        Returns
        -------
        darksocial.checks.Triangulation
        """
        import time

        from darksocial import checks
        from darksocial.errors import DarkSocialError

        headline = str(self.options.get("model"))
        combos = [(m, "intervention", None) for m in models or TRIANGULATION_MODELS]
        combos = [(headline, "intervention", None)] + [c for c in combos if c[0] != headline]
        combos += [
            (headline, "counterfactual", None),
            ("negbin" if headline != "negbin" else "segmented", "counterfactual", None),
            (headline, "intervention", 12),
        ]
        rows = []
        for model, method, months in combos:
            start = self.window[0] - pd.DateOffset(months=months) if months else None
            t0 = time.perf_counter()
            row = {
                "model": model,
                "method": method,
                "pre_period": f"{months} months" if months else "all",
            }
            try:
                res = self._joint_fit(metric, start=start, model=model, method=method)
                row.update(self._effect_row(res, self.campaign_id), note="")
                row["n_pre"] = int(res.y.loc[: self.window[0]].notna().sum()) - 1
            except DarkSocialError as exc:
                row.update(note=f"failed: {exc}")
            row["seconds"] = time.perf_counter() - t0
            rows.append(row)
        return checks.Triangulation(table=pd.DataFrame(rows), alpha=self.alpha)

    def mentions(self, *, bucket: str | None = None, days: int | None = None):
        """Compare survey mentions of the campaign's channel before and after launch.

        Parameters
        ----------
        bucket : str, optional
            Attribution bucket to count; by default the one matching the campaign's
            ``content_type`` (:data:`CONTENT_BUCKETS`). Answers containing one of the
            calendar's ``keywords`` for the campaign (its name, the show's name) count too.
        days : int, optional
            Days before and after launch; the window length by default.

        Returns
        -------
        darksocial.attribution.MentionsResult or None
            None when there is no survey, or neither a bucket nor keywords to count.
        """
        from darksocial import attribution

        survey = getattr(self.sources, "survey", None)
        bucket = bucket or CONTENT_BUCKETS.get(str(self.campaign.get("content_type")))
        # the calendar's keywords catch what no generic rule can: the show's or the event's name
        keywords = self.campaign.get("keywords")
        keywords = list(keywords) if isinstance(keywords, list | tuple) and keywords else None
        if survey is None or survey.empty or (bucket is None and keywords is None):
            return None
        days = days or self.duration
        return attribution.mentions_around(
            self.window[0],
            survey,
            bucket=bucket,
            keywords=keywords,
            before_days=days,
            after_days=days,
            alpha=self.alpha,
        )

    def summary(self) -> dict[str, Any]:
        """Headline numbers for ``summary.json`` (via :func:`darksocial.reporting.publish_summary`).

        Returns
        -------
        dict
            ``campaign``, ``window``, and per metric the estimate (average per day),
            interval, cumulative, relative lift with interval, p-value, model and method.
        """
        eff = self.effects_frame()
        metrics = {}
        for metric, r in eff.iterrows():
            metrics[metric] = {
                "estimate": r["average"],
                "lower": r["average_lower"],
                "upper": r["average_upper"],
                "cumulative": r["cumulative"],
                "cumulative_lower": r["cumulative_lower"],
                "cumulative_upper": r["cumulative_upper"],
                "relative": r["relative"],
                "relative_lower": r["relative_lower"],
                "relative_upper": r["relative_upper"],
                "p_value": r["p_value"],
                "significant": bool(r["significant"]),
                "model": r["model"],
                "method": r["method"],
            }
        return {
            "campaign": self.campaign_id,
            "name": str(self.campaign.get("name", self.campaign_id)),
            "window": [self.window[0].date().isoformat(), self.window[1].date().isoformat()],
            "alpha": self.alpha,
            "metrics": metrics,
        }


def analyze_campaign(
    sources,
    campaign_id: str,
    *,
    metrics=DEFAULT_METRICS,
    alpha: float = config.ALPHA,
    seed: int = config.SEED,
    **fit_options: Any,
) -> CampaignAnalysis:
    """Estimate one campaign's effect on each dark-social metric.

    Parameters
    ----------
    sources : darksocial.io.Sources
        Loaded data, e.g. ``darksocial.io.load_sample()``.
    campaign_id : str
        Campaign id from the calendar.
    metrics : sequence of str, optional
        Keys of :data:`METRICS`; :data:`DEFAULT_METRICS` by default.
    alpha : float, default 0.05
        One minus the interval level.
    seed : int, optional
        Seed of every simulation; the same inputs and seed give the same numbers.
    **fit_options
        Passed to :func:`darksocial.its.fit`, overriding :data:`DEFAULT_FIT`
        (``model="arima"``, ``transform=None``, ...).

    Returns
    -------
    CampaignAnalysis

    Raises
    ------
    ParameterError
        Unknown campaign or metric, or a metric the data lack.
    InterventionDateError
        The campaign launches outside the data or with too short a pre-period.
    """
    row = _campaign_row(sources.campaigns, campaign_id)
    results, options = fit_metrics(sources, metrics, alpha=alpha, seed=seed, **fit_options)
    for res in results.values():
        if campaign_id not in {iv.name for iv in res.interventions}:
            raise _outside(
                campaign_id, pd.Timestamp(row["launch"]), res.y.index[0], res.y.index[-1]
            )
    return campaign_analysis(sources, campaign_id, results, options, alpha=alpha, seed=seed)


def fit_metrics(
    sources,
    metrics=DEFAULT_METRICS,
    *,
    alpha: float = config.ALPHA,
    seed: int = config.SEED,
    **fit_options: Any,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Fit one joint model per metric, with every calendar campaign in it.

    Parameters
    ----------
    sources : darksocial.io.Sources
        Loaded data.
    metrics : sequence of str, optional
        Keys of :data:`METRICS`.
    alpha : float, default 0.05
    seed : int, optional
    **fit_options
        Passed to :func:`darksocial.its.fit`, overriding :data:`DEFAULT_FIT`.

    Returns
    -------
    results : dict of str to darksocial.its.ImpactResult
        One fit per metric, on the metric's own span of data.
    options : dict
        The model options used.

    Raises
    ------
    ParameterError
        If ``metrics`` is empty or names an unknown metric.
    DataValidationError
        If a metric has no data at all.
    InterventionDateError
        If no campaign of the calendar launches inside a metric's data.
    """
    metrics = list(metrics)
    if not metrics:
        raise ParameterError("metrics is empty; name at least one of " + ", ".join(METRICS))
    options = {**DEFAULT_FIT, **fit_options}
    results = {m: fit_joint(sources, m, options, alpha=alpha, seed=seed) for m in metrics}
    return results, options


def fit_joint(
    sources,
    metric: str,
    options: dict[str, Any],
    *,
    alpha: float = config.ALPHA,
    seed: int = config.SEED,
    start=None,
    extra=(),
):
    """Fit one metric's joint model: every calendar campaign in it, plus ``extra`` ones.

    Parameters
    ----------
    sources : darksocial.io.Sources
    metric : str
        A key of :data:`METRICS`.
    options : dict
        Options for :func:`darksocial.its.fit` (``model``, ``transform``...). The count
        models drop ``transform``: their log link already makes effects multiplicative.
    alpha : float, default 0.05
    seed : int, optional
    start : str or pandas.Timestamp, optional
        Leave out the data before this date (a shorter history).
    extra : sequence of darksocial.its.Intervention
        Further campaigns, e.g. a placebo launch.

    Returns
    -------
    darksocial.its.ImpactResult

    Raises
    ------
    DataValidationError
        If the metric has no data at all.
    InterventionDateError
        If no campaign of the calendar launches inside the metric's data.
    """
    from darksocial import its

    y, controls = metric_series(sources, metric)
    observed = y.dropna()
    if observed.empty:
        raise DataValidationError(f"{metric} has no data at all; check the export")
    first = max(observed.index[0], pd.Timestamp(start)) if start else observed.index[0]
    y = y.loc[first : observed.index[-1]]
    controls = None if controls is None else controls.loc[y.index]
    ivs = calendar_interventions(sources.campaigns, data_start=y.index[0], data_end=y.index[-1])
    if not ivs and not extra:
        raise InterventionDateError(
            f"no campaign of the calendar launches inside the {metric} data "
            f"({y.index[0].date()} to {y.index[-1].date()}); check the launch dates in "
            "campaigns.yml or export a range that covers them"
        )
    options = dict(options)
    if options.get("model") in ("poisson", "negbin"):
        options["transform"] = None
    return its.fit(y, [*ivs, *extra], controls=controls, alpha=alpha, seed=seed, **options)


def campaign_analysis(
    sources,
    campaign_id: str,
    results: dict[str, Any],
    options: dict[str, Any],
    *,
    alpha: float = config.ALPHA,
    seed: int = config.SEED,
) -> CampaignAnalysis:
    """Read one campaign's analysis off joint fits made by :func:`fit_metrics`.

    Parameters
    ----------
    sources : darksocial.io.Sources
    campaign_id : str
        A campaign present in every fit.
    results, options
        What :func:`fit_metrics` returned.
    alpha : float, default 0.05
    seed : int, optional

    Returns
    -------
    CampaignAnalysis
    """
    campaigns = sources.campaigns
    last = next(iter(results.values())).y
    data_start = last.first_valid_index()
    window = evaluation_window(campaigns, campaign_id, data_end=last.index[-1])
    overlapping = [
        str(cid)
        for cid in campaigns.index
        if cid != campaign_id and _overlaps(campaigns, cid, window, data_end=window[1])
    ]
    return CampaignAnalysis(
        campaign_id=str(campaign_id),
        campaign=campaigns.loc[campaign_id],
        window=window,
        results=results,
        options=options,
        alpha=alpha,
        anonymized_share=_anonymized_share(sources, window),
        data_start=data_start,
        overlapping=overlapping,
        sources=sources,
        seed=seed,
    )


def _outside(cid, start, data_start, data_end) -> Exception:
    return InterventionDateError(
        f"campaign {cid!r} launches on {start.date()}, outside the data "
        f"({data_start.date()} to {data_end.date()}); export a range that covers the launch "
        "and at least a year before it"
    )


def _overlaps(campaigns, cid, window, *, data_end) -> bool:
    start, end = evaluation_window(campaigns, cid, data_end=None)
    return start <= window[1] and end >= window[0]


def _anonymized_share(sources, window) -> float | None:
    sc = getattr(sources, "search_console", None)
    if sc is None or "anonymized_clicks" not in sc.columns or "clicks" not in sc.columns:
        return None
    w = sc.loc[window[0] : window[1]]
    total = w["clicks"].sum()
    return float(w["anonymized_clicks"].sum() / total) if total > 0 else None


# --- formatting ---------------------------------------------------------------------------


def _plain_warning(warning: str, label: str) -> str | None:
    """Say an ITS diagnostics warning in words for a marketing reader (None: not for them)."""
    import re

    if warning.startswith("Residuals are autocorrelated"):
        return None  # the model's errors allow for it; a diagnostics detail, not a caveat
    match = re.match(r"(\d+) values of y are missing", warning)
    if match:
        return f"missing:{match.group(1)}"
    match = re.search(r"level shift around (\d{4}-\d{2}-\d{2})", warning)
    if match:
        when = day(pd.Timestamp(match.group(1)))
        return (
            f"The history of {label} shows an unexplained shift around {when}. If something "
            "else changed then (tracking, pricing, site), the baseline the campaign is "
            "compared with may be off."
        )
    match = re.match(r"Control '([^']+)' itself jumps", warning)
    if match:
        return (
            f"The control series ({match.group(1).replace('_', ' ')}) also moved at launch; "
            f"if the campaign moved it too, the lift in {label} is understated."
        )
    if "pre-period is short" in warning:
        return f"Little history before launch for {label}: the baseline rests on few days."
    return f"{label.capitalize()}: {warning}"
