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

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from darksocial import config
from darksocial.cleaning import period_last_day
from darksocial.errors import DataValidationError, InterventionDateError, ParameterError
from darksocial.formatting import (
    day,
    interval,
    join_words,
    number,
    p_value,
    percent,
    plural,
    upper_first,
)
from darksocial.safetext import markdown_text

__all__ = [
    "DEFAULT_FIT",
    "DEFAULT_METRICS",
    "METRICS",
    "OUTSIDE_DATA",
    "PATTERN_PREFIX",
    "PERCENT_SPAN",
    "PERIODS_PER_CONTROL",
    "PLACEBO_DOUBTS",
    "CampaignAnalysis",
    "MetricSpec",
    "analyze_campaign",
    "available_metrics",
    "calendar_interventions",
    "campaign_analysis",
    "check_covers",
    "controls_allowed",
    "evaluation_window",
    "fit_each",
    "fit_joint",
    "fit_metrics",
    "metric_series",
    "period_last_day",
    "period_start",
    "placebo_verdict",
    "select_controls",
    "uncovered_periods",
    "uncovered_sentence",
]

#: Days in the default evaluation window when a campaign has no end date (8 weeks).
DEFAULT_WINDOW_DAYS = 56


@dataclass(frozen=True)
class MetricSpec:
    """Where a metric's series and its controls come from.

    Parameters
    ----------
    name : str
        Metric name used in tables and ``summary.json``.
    label : str
        Plain-language name for reports.
    unit : str
        What one unit is (``"clicks"``, ``"sessions"``, ``"index points"``).
    sources : tuple of (str, str)
        ``(source, column)`` pairs of :class:`darksocial.io.Sources` that can hold the
        series, tried in order; the first with data wins. The column ``"brand"`` of
        ``trends`` is the term that matches the brand settings.
    controls : tuple of (str, str)
        ``(source, column)`` pairs used as control series: they share the market's ups and
        downs but should not move with the campaign. A control the data lack is left out
        (the report says so). ``"other"`` of ``trends`` is every non-brand term.
    needs : str
        The export that provides the metric, with its menu path, for "what is missing".
    """

    name: str
    label: str
    unit: str
    sources: tuple[tuple[str, str], ...]
    controls: tuple[tuple[str, str], ...] = ()
    needs: str = ""
    count: bool = True
    #: The largest value the series can take (a Trends index: 100), for ``fit(ceiling=)``.
    ceiling: float | None = None

    @property
    def source(self) -> str:
        """The first source that can hold the metric."""
        return self.sources[0][0]


_GSC_BRANDED = (
    "a Search Console Performance export filtered to brand queries (Search Console → "
    "Performance → Search results → + Add filter → Query → Queries containing your brand → "
    "Export → Download CSV), or the bulk export / API rows by query"
)
_GSC_ANY = "a Search Console Performance export (Search Console → Performance → Export)"
_GA4_LANDING = (
    "a GA4 landing-page export of Direct sessions by date (GA4 → Reports → Engagement → "
    "Landing page, add Date as secondary dimension and filter Session default channel group = "
    "Direct → Share → Download file)"
)
_GA4_CHANNELS = (
    "a GA4 traffic acquisition export by date (GA4 → Reports → Acquisition → Traffic "
    "acquisition: Session default channel group, add Date → Share → Download file)"
)
_TRENDS = (
    "a Google Trends download of your brand term (trends.google.com → Explore → the brand "
    "term → ⤓ Interest over time)"
)

#: Metrics a campaign report can analyse. Non-branded search is the control where the data
#: have it: it follows demand and seasonality but a brand campaign should not move it (the
#: placebo in space checks that it did not).
METRICS: dict[str, MetricSpec] = {
    m.name: m
    for m in (
        MetricSpec(
            "branded_clicks",
            "branded search clicks",
            "clicks",
            (("search_console", "branded_clicks"),),
            (("search_console", "nonbranded_clicks"),),
            needs=_GSC_BRANDED,
        ),
        MetricSpec(
            "branded_impressions",
            "branded search impressions",
            "impressions",
            (("search_console", "branded_impressions"),),
            (("search_console", "nonbranded_impressions"),),
            needs=_GSC_BRANDED,
        ),
        MetricSpec(
            "search_clicks",
            "search clicks, branded and non-branded together",
            "clicks",
            (("search_console", "clicks"),),
            needs=_GSC_ANY,
        ),
        MetricSpec(
            "brand_interest",
            "Google Trends interest in the brand",
            "index points",
            (("trends", "brand"),),
            (("trends", "other"),),
            needs=_TRENDS,
            count=False,
            ceiling=100.0,
        ),
        MetricSpec(
            "direct_sessions",
            "direct sessions",
            "sessions",
            (("direct_landing", "direct_sessions"), ("ga4_channels", "direct")),
            (("search_console", "nonbranded_clicks"),),
            needs=_GA4_CHANNELS,
        ),
        MetricSpec(
            "deep_direct_sessions",
            "direct sessions on deep pages",
            "sessions",
            (("direct_landing", "deep_direct_sessions"),),
            (("search_console", "nonbranded_clicks"),),
            needs=_GA4_LANDING,
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


class _Diverged(ArithmeticError):
    """A fit whose simulated paths ran far outside the data (see ``triangulate``)."""


#: Why a campaign's change on a metric is given in its units, not as a percentage
#: (:meth:`CampaignAnalysis.sparse_metrics`), for sentences.
NO_PERCENT = (
    "without a percentage that means anything (its expected level is near zero, or too "
    "uncertain to divide by)"
)


#: What a campaign report analyses by default.
DEFAULT_METRICS = ("branded_clicks", "direct_sessions", "deep_direct_sessions")

#: Model options of the campaign report. The log transform makes seasonality and lifts
#: multiplicative (a podcast lifts weekdays more than weekends); a series with a zero day
#: falls back to the original scale (see :func:`prepare_metric`). "auto" seasonality is day
#: of week, plus a smooth yearly shape and a year-end dummy once there are 18 months of data.
#: Public holidays are those of the data folder's ``country`` setting (``holidays=`` to
#: override).
DEFAULT_FIT: dict[str, Any] = {
    "model": "segmented",
    "method": "intervention",
    "transform": "log",
    "seasonality": "auto",
}

#: Fewest observed periods before launch for the main estimate, by data frequency: four
#: weeks of days, twelve weeks, twelve months. Below it the report skips the metric.
MIN_PRE_PERIODS = {"D": 28, "W": 12, "M": 12}


def period_start(index: pd.DatetimeIndex, day) -> pd.Timestamp:
    """The first day of the period of ``index`` that holds ``day``.

    Weekly and monthly series date each period by its first day, so a launch on Tuesday
    29 June falls in the week dated Sunday 27 June: that week is the campaign's first, not
    the last before it (a real Trends download put a launch week's peak of 100 into the
    history and measured only the week after). Daily data, or a day no period of
    ``index`` holds: ``day`` itself.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        A series' dates (gaps allowed).
    day : date-like

    Returns
    -------
    pandas.Timestamp
    """
    day = pd.Timestamp(day)
    if len(index) < 2:
        return day
    freq = period_code(index)
    if freq == "D":
        return day
    before = index[index <= day]
    if len(before) and day <= period_last_day(before[-1], freq):
        return pd.Timestamp(before[-1])
    return day


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
    campaigns: pd.DataFrame,
    *,
    data_start: pd.Timestamp,
    data_end: pd.Timestamp,
    observed: pd.DatetimeIndex | None = None,
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
    observed : pandas.DatetimeIndex, optional
        The dates with data: a campaign whose whole window has none (it falls between two
        exports) is left out too; its term would be zero on every date the model sees, and
        the fit of every other campaign failed with it. On weekly or monthly dates a
        campaign starts with the period that holds its launch (:func:`period_start`).

    Returns
    -------
    list of darksocial.its.Intervention
    """
    from darksocial.its import Intervention

    out = []
    for cid in campaigns.sort_values("launch").index:
        start, end = evaluation_window(campaigns, cid, data_end=data_end)
        if observed is not None:  # a weekly series: the week that holds the launch
            start = period_start(observed, start)
        if start <= pd.Timestamp(data_start) or start > pd.Timestamp(data_end):
            continue
        if observed is not None and not ((observed >= start) & (observed <= end)).any():
            continue
        out.append(Intervention(str(cid), start, end=end, evaluation_end=end))
    return out


def metric_series(sources, metric: str) -> tuple[pd.Series, pd.DataFrame | None]:
    """Return a metric's series and its control series.

    Parameters
    ----------
    sources : darksocial.io.Sources
        Loaded data (:func:`darksocial.io.load_folder`).
    metric : str
        A key of :data:`METRICS`.

    Returns
    -------
    y : pandas.Series
        The metric, NaN where the export has no data; ``attrs["source"]`` names the
        source used.
    controls : pandas.DataFrame or None
        Control series on the same dates; None when the data have none of them.

    Raises
    ------
    ParameterError
        If the metric is unknown.
    DataValidationError
        If the data lack the metric (the message names the export that would add it).
    """
    if metric not in METRICS:
        raise ParameterError(f"unknown metric {metric!r}; choose from {', '.join(METRICS)}")
    spec = METRICS[metric]
    y = None
    for source, column in spec.sources:
        y = _column(sources, source, column)
        if y is not None and y.notna().any():
            y.attrs["source"] = source
            break
        y = None
    if y is None:
        trends = getattr(sources, "trends", None)
        if metric == "brand_interest" and trends is not None:
            raise DataValidationError(_trends_brand_fix(sources, trends))
        raise DataValidationError(f"the data folder has no {spec.label}; it needs {spec.needs}")
    found = {}
    for source, column in spec.controls:
        if source == "trends" and column == "other":
            for name in _trends_terms(sources, brand=False):
                found[name] = _column(sources, "trends", name)
            continue
        c = _column(sources, source, column)
        if c is not None and c.notna().any():
            found[column] = c
    found = {k: v for k, v in found.items() if v is not None}
    if not found:
        return y, None
    controls = pd.concat(found, axis=1).reindex(y.index)
    return y, controls


def _trends_brand_fix(sources, trends: pd.DataFrame) -> str:
    """The Trends download is there but no term is the brand: say so, with the line to add."""
    settings = getattr(sources, "settings", None)
    brand = tuple(getattr(settings, "brand", ()) or ())
    terms = [str(t) for t in trends.attrs.get("terms") or [c for c in trends if c != "missing"]]
    files = [Path(str(p)).name for p in trends.attrs.get("paths") or [] if p]
    several = len(files) > 1
    where = (
        f"the Google Trends download{'s' if several else ''} "
        f"{', '.join(files) or ''}{' ' if files else ''}hold{'' if several else 's'} "
        f"{', '.join(terms)}"
    )
    # a download for another place names its terms "toilet paper (USA)"; the setting is the term
    plain = list(dict.fromkeys(re.sub(r"\s+\([^()]*\)$", "", t) for t in terms))
    lines = " or ".join(f"`brand: [{_yaml_list([*brand, t])}]`" for t in plain)
    one = len(plain) == 1
    if not brand:
        if one:
            return (
                f"{where}, but no brand is set, so it is not read as your brand: if "
                f"{plain[0]} is your brand, add {lines} to darksocial.yml"
            )
        return (
            f"{where}, but no brand is set, so none of them is read as your brand: add the "
            f"one that is your brand to darksocial.yml, {lines} (the others become its controls)"
        )
    return (
        f"{where}, and {'it does not match' if one else 'none of them matches'} the brand "
        f"terms ({', '.join(brand)}): if {'it' if one else 'one of them'} is your brand, add "
        f"it to darksocial.yml, {lines}; otherwise download your brand term from Google Trends"
    )


def _yaml_list(terms: Sequence[str]) -> str:
    """Terms as the items of a YAML flow list, quoted where YAML would misread them."""
    out = []
    for t in dict.fromkeys(str(t) for t in terms):
        special = re.search(r"[,\[\]{}#&*!|>'\"%@`]|: |^[-?:\s]|\s$", t)
        out.append(json.dumps(t, ensure_ascii=False) if special else t)
    return ", ".join(out)


def available_metrics(sources) -> list[str]:
    """The metrics a campaign report measures on these data, in report order.

    Branded search clicks when the data separate them; otherwise total search clicks (said
    to be such) and Google Trends interest in the brand; then direct and deep-page direct
    sessions where GA4 provides them.

    Parameters
    ----------
    sources : darksocial.io.Sources

    Returns
    -------
    list of str
        Keys of :data:`darksocial.campaign.METRICS`; empty when the folder has no series.
    """
    have = set()
    for m in METRICS:
        try:
            y, _ = metric_series(sources, m)
        except DataValidationError:
            continue
        if y.notna().any():
            have.add(m)
    order = ["branded_clicks"]
    if "branded_clicks" not in have:
        order += ["search_clicks", "brand_interest"]
    order += ["direct_sessions", "deep_direct_sessions"]
    return [m for m in order if m in have]


#: Longest page filter a metric's label quotes (``/blog/``, ``/products/shoes/``); a longer
#: one, such as a regular expression of page addresses, is named "the filtered pages".
PAGE_FILTER_CHARS = 30


def metric_label(sources, metric: str) -> str:
    """A metric's label for these data: a filtered Search Console export says what it covers.

    Google Trends interest in the brand names its place when the folder's downloads cover
    several (``"Google Trends interest in the brand (India)"``; see
    :func:`darksocial.io.folder.load_folder`).

    ``"search clicks, branded and non-branded together (/blog/ pages only)"`` when the
    export's ``Filters.csv`` holds a page filter; the plain label otherwise. A long filter
    (a regular expression of 16 page addresses) reads "the filtered pages": the label heads
    sentences, tables and figure titles, and the data section spells the filter out once.
    """
    spec = METRICS[metric]
    trends = getattr(sources, "trends", None)
    if spec.source == "trends" and trends is not None and trends.attrs.get("brand_place"):
        # downloads for several places: the brand term is measured in one of them
        return f"{spec.label} ({trends.attrs['brand_place']})"
    sc = getattr(sources, "search_console", None)
    if sc is None or spec.source != "search_console":
        return spec.label
    scope = []
    page = sc.attrs.get("page_filter")
    if page:
        page = str(page).strip()
        outside = page.startswith("-")
        page = page[1:] if outside else page.lstrip("+")
        if len(page) > PAGE_FILTER_CHARS:
            scope.append("pages outside the filter" if outside else "the filtered pages")
        else:
            scope.append(f"pages outside {page}" if outside else f"{page} pages")
    for key, word in (("country_filter", "from"), ("device_filter", "on")):
        value = sc.attrs.get(key)
        if value:
            scope.append(f"{word} {str(value).lstrip('+')}")
    return f"{spec.label} ({' '.join(scope)} only)" if scope else spec.label


def missing_reason(sources, metric: str) -> str:
    """Why the data lack a metric, and which export would add it (one sentence, no period)."""
    try:
        metric_series(sources, metric)
    except DataValidationError as exc:
        return str(exc)
    return f"the {METRICS[metric].label} series was not asked for in this report"


def missing_controls(sources, metric: str) -> list[str]:
    """Controls of a metric that the data lack (the report runs without them and says so)."""
    spec = METRICS[metric]
    out = []
    for source, column in spec.controls:
        if source == "trends":
            if not _trends_terms(sources, brand=False):
                out.append("another Google Trends term in the same download")
            continue
        c = _column(sources, source, column)
        if c is None or c.isna().all():
            out.append(column.replace("_", " ").replace("nonbranded", "non-branded search"))
    return out


def _trends_terms(sources, *, brand: bool) -> list[str]:
    """Trends columns whose term matches the brand settings (or, ``brand=False``, the rest)."""
    trends = getattr(sources, "trends", None)
    if trends is None:
        return []
    settings = getattr(sources, "settings", None)
    classifier = settings.classifier() if settings is not None else None
    from darksocial.io.trends import term_names

    terms = term_names(trends)
    cols = [c for c in trends.columns if c != "missing"]
    if classifier is None:
        return []
    out = []
    for term, col in zip(terms, cols, strict=True):
        is_brand = bool(classifier.is_brand(str(term)))
        if is_brand == brand:
            out.append(col)
    return out


def _control_label(sources, source: str, column: str) -> str:
    """A control series' name in the report: ``"non-branded search clicks"``,
    ``"Google Trends interest in altcoin"``."""
    if source == "trends":
        trends = sources.trends
        cols = [c for c in trends.columns if c != "missing"]
        terms = trends.attrs.get("terms") or []
        term = terms[cols.index(column)] if len(terms) == len(cols) else column
        return f"Google Trends interest in {str(term).replace('_', ' ')}"
    return column.replace("_", " ").replace("nonbranded", "non-branded search")


def _column(sources, source: str, column: str) -> pd.Series | None:
    frame = getattr(sources, source, None)
    if frame is None:
        return None
    if source == "trends" and column == "brand":
        terms = _trends_terms(sources, brand=True)
        if not terms:
            return None
        column = terms[0]
    if column not in frame.columns:
        return None
    y = frame[column].astype(float).rename(column)
    if "missing" in frame.columns:
        y = y.where(~frame["missing"].astype(bool))
    return y


_EFFECT_COLUMNS = [
    "label",
    "unit",
    "period",
    "observed",
    "counterfactual",
    "average",
    "average_lower",
    "average_upper",
    "cumulative",
    "cumulative_lower",
    "cumulative_upper",
    "relative",
    "relative_lower",
    "relative_upper",
    "p_value",
    "significant",
    "borderline",
    "direction",
    "model",
    "method",
]


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
    skipped: dict[str, str] = field(default_factory=dict)
    #: What the refits of the checks share, prepared once: (metric, history, options) ->
    #: the inputs of :func:`fit_joint` (:func:`_joint_inputs`).
    _prepared: dict[tuple, tuple] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def effects_frame(self) -> pd.DataFrame:
        """Return one row per metric with the campaign's effect over its window.

        Returns
        -------
        pandas.DataFrame
            Indexed by metric: ``label, unit, period, unit_text`` (the average effect's
            unit in words, ``"clicks a day"``), ``observed, counterfactual, average,
            average_lower, average_upper, cumulative, cumulative_lower, cumulative_upper,
            relative, relative_lower, relative_upper, p_value, significant, borderline,
            direction, model, method``. ``significant`` is True when the relative interval
            excludes zero (the average one where the relative one is undefined);
            ``borderline`` when it does but the p-value is not below ``alpha`` (the two can
            disagree at the edge: the interval is read off simulated paths, the
            intervention method's p is a Wald test); ``direction`` is ``"up"``, ``"down"``
            or ``"no clear change"``.
        """
        rows = []
        for metric, res in self.results.items():
            eff = res.effects_by_intervention.loc[self.campaign_id]
            p = float(res.p_value_by_intervention[self.campaign_id])
            lo, hi = _deciding_interval(eff)
            significant = bool(lo > 0 or hi < 0)
            direction = ("up" if lo > 0 else "down") if significant else "no clear change"
            window = res.y.loc[slice(*res.windows[self.campaign_id])]
            observed = float(window.mean())
            rows.append(
                {
                    "metric": metric,
                    "label": metric_label(self.sources, metric),
                    "unit": METRICS[metric].unit,
                    "period": period_word(res.y.index),
                    "unit_text": self._unit(metric),
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
                    # observed over expected, as the sentence reads them (_relative_point)
                    "relative": _relative_point(res, self.campaign_id),
                    "p_value": p,
                    "significant": significant,
                    # the interval (quantiles of simulated paths) and the model's p (a Wald
                    # test, intervention method) can disagree at the edge: a real monthly
                    # Trends series read "rose ... unlikely to be noise (p = 0.06)"
                    "borderline": significant and p >= self.alpha,
                    "direction": direction,
                    "model": res.model,
                    "method": res.method,
                }
            )
        if not rows:
            return pd.DataFrame(columns=["metric", *_EFFECT_COLUMNS]).set_index("metric")
        return pd.DataFrame(rows).set_index("metric")

    def bottom_line(self, *, placebos: Mapping[str, Any] | None = None) -> str:
        """Say, in plain words, what the campaign did to each metric (Markdown).

        Parameters
        ----------
        placebos : mapping of str to darksocial.checks.PlaceboInTime, optional
            Placebo checks in time by metric (see :meth:`placebo_in_time`). Where one finds
            the model's intervals too narrow on this series, that metric's verdict is the
            reconciled one (:func:`placebo_verdict`): a change the model calls significant
            but the placebo check does not is worded "could be noise" (or "the checks
            cannot confirm it" when there are too few fake launch dates to tell) from the
            headline on, and the model's p-value is quoted as overstated.

        Returns
        -------
        str
            One headline sentence, then one bullet per metric with the lift per day, the
            relative lift with its interval, the total and how sure we are. The wording
            follows the intervals: "rose" only when the interval is above zero, and only
            when the placebo check does not say it could be noise.
        """
        eff = self.effects_frame()
        placebos = dict(placebos or {})
        name = self.campaign.get("name")
        # Data reach this Markdown only through markdown_text: a name like
        # "[x](javascript:...)" or "$$$ Big Savings $$$" is shown as written.
        name = markdown_text(self.campaign_id if name is None or pd.isna(name) else name)
        start = self.first_day
        n, period = self.periods(), self.period
        span = plural(n // 7, "week") if period == "day" and n % 7 == 0 else plural(n, period)
        if eff.empty and not self.skipped:
            trends = getattr(self.sources, "trends", None)
            if trends is not None:
                # a Trends download without a brand term: say so here, not "no series"
                several = len([p for p in trends.attrs.get("paths") or [] if p]) > 1
                return (
                    f"**We could not measure {name}: the data folder's Google Trends "
                    + ("downloads are" if several else "download is")
                    + " not read as your brand.** "
                    + markdown_text(upper_first(missing_reason(self.sources, "brand_interest")))
                    + "."
                )
            return (
                f"**This data folder holds no series {name} can be measured on.** Branded "
                "search comes from Search Console or Google Trends, direct traffic from GA4. "
                "*The data used* below says which export adds each."
            )
        if eff.empty:
            # "Search clicks, ...: the data of search clicks, ... run from" said it twice
            why = " ".join(
                f"{markdown_text(upper_first(METRICS[m].label))}: "
                f"{markdown_text(r.replace(_data_of(METRICS[m].label), 'its data', 1))}."
                for m, r in self.skipped.items()
            )
            plain = [self._plain_levels(m) for m in self.skipped]
            return (
                f"**We could not measure {name}: no series in this data folder covers "
                f"its launch with enough history.** {why}"
                + "".join(f" {markdown_text(p)}" for p in plain if p)
            )
        reconciled = {
            m: placebo_verdict(bool(eff.loc[m, "significant"]), placebos.get(m)) for m in eff.index
        }
        doubted = [m for m in eff.index if reconciled[m] in PLACEBO_DOUBTS]
        moved = eff.drop(index=doubted)
        up = [markdown_text(r.label) for r in moved.itertuples() if r.direction == "up"]
        down = [markdown_text(r.label) for r in moved.itertuples() if r.direction == "down"]
        if up and not down:
            head = f"{name} lifted {join_words(up)}."
        elif down and not up:
            head = f"{name} was followed by a fall in {join_words(down)}."
        elif up and down:
            head = f"{name} lifted {join_words(up)}, but {join_words(down)} fell."
        elif doubted:
            head = ""
        else:
            labels = [markdown_text(label) for label in eff["label"]]
            head = f"We cannot tell whether {name} moved {join_words(labels)}."
        sparse = self.sparse_metrics()
        for m in doubted:
            r = eff.loc[m]
            label = markdown_text(r["label"])
            size = percent(abs(r["relative"]), signed=False)
            change = "rise" if r["direction"] == "up" else "fall"
            change = f"{size} {change}"
            if m in sparse:
                # mostly zeros before launch: in its own units, as the bullet below
                size = f"{number(abs(r['average']))} {markdown_text(self._unit(m))}"
                change = f"{change.split()[-1]} of {size}"
            but = PLACEBO_DOUBTS[reconciled[m]]
            if head:
                verb = "rose" if r["direction"] == "up" else "fell"
                head += f" {upper_first(label)} {verb} by {size}, but {but}."
            else:
                head = f"{name} was followed by a {change} in {label}, but {but}."
        level = int(round((1 - self.alpha) * 100))
        lines = [
            f"**{head}** Measured over {span} from {day(start)} to "
            f"{day(self.last_day)}, against what the model expects without any campaign."
        ]
        for r in eff.itertuples():
            verdict, sure = _metric_verdict(
                r, reconciled[r.Index], placebos.get(r.Index), alpha=self.alpha
            )
            total = (
                f", about {number(r.cumulative, signed=True)} in total"
                if METRICS[r.Index].count
                else ""
            )
            per = "" if not METRICS[r.Index].count else f" a {r.period}"
            if r.Index in sparse:
                # mostly zeros: a percentage of a level near zero means nothing
                ci = (
                    f"{level}% interval {number(r.average_lower, signed=True)} to "
                    f"{number(r.average_upper, signed=True)}"
                )
                size = f"({ci})"
            else:
                ci = f"{level}% interval {interval(r.relative_lower, r.relative_upper)}"
                size = f"({percent(r.relative)}, {ci})"
            if r.direction == "no clear change" and reconciled[r.Index] == "model":
                # "no clear change" read as "the campaign did nothing" on a site too small
                # to show one: say how large a change this series could have shown
                if r.Index in sparse:
                    # the wider side: an upper end floored at what was observed
                    # (its.results._effects) says nothing of the series' noise
                    half = max(r.average - r.average_lower, r.average_upper - r.average)
                    reach = f"{number(half)} {markdown_text(r.unit)}{per}"
                else:
                    half = (r.relative_upper - r.relative_lower) / 2
                    reach = percent(half, signed=False)
                est = r.average if r.Index in sparse else r.relative
                # (an estimate beyond that size, in a lopsided interval, would contradict it)
                if np.isfinite(half) and abs(est) < half and not r.p_value < self.alpha:
                    sure += (
                        f"; on this series only a change of more than about ±{reach} would "
                        "stand out from its ups and downs"
                    )
            lines.append(
                f"- **{markdown_text(upper_first(r.label))}: {verdict}.** "
                f"{number(r.average, signed=True)} {markdown_text(r.unit)}{per} "
                f"{size}{total}; {sure}."
            )
        if "search_clicks" in eff.index and "branded_clicks" not in eff.index:
            lines.append(
                "- Search clicks are branded and non-branded together: this export cannot "
                "separate searches for the brand, so a change here is not a change in branded "
                "search (see *Branded search* below for how to export it)."
            )
        return "\n".join(lines)

    def sparse_metrics(self) -> dict[str, tuple[int, int]]:
        """Metrics that are zero in most periods before launch: ``{metric: (zeros, periods)}``.

        On such a series the expected level is near zero and a relative lift swings
        without meaning (0.2 clicks a day against 0.04 expected is "+400%", with an
        interval of ±1,500%): the bottom line gives those metrics in counts, and a caveat
        says why. A metric whose relative lift has no bound (the expected level could be
        none at all: some of the model's paths total zero or less, see
        :func:`darksocial.its.results._relative`) is read in counts too, as is one whose
        expected level is unknown to within a factor of :data:`PERCENT_SPAN` (its relative
        interval's ``(1 + upper) / (1 + lower)``, at the fit's level, 95% by default); its
        zeros are then fewer than half.
        """
        out = {}
        for metric, res in self.results.items():
            launch = self._first_of(res)
            zeros = _mostly_zero_before(res.y, launch)
            if zeros is None and _unbounded(res, self.campaign_id):
                pre = res.y.loc[: launch - pd.Timedelta(days=1)].dropna()
                zeros = (int((pre == 0).sum()), len(pre))
            if zeros is not None:
                out[metric] = zeros
        return out

    def _plain_levels(self, metric: str) -> str | None:
        """The metric's plain averages before and during the window, where the data hold both.

        For a campaign no model could measure (too little history): a €4,000 trade show's
        page gave no number at all, though the data covered it. Said to be a plain
        comparison, which takes trends and seasons for effects.
        """
        try:
            y, _ = metric_series(self.sources, metric)
        except DataValidationError:
            return None
        y = y.dropna()
        if y.empty or not isinstance(y.index, pd.DatetimeIndex):
            return None
        first = period_start(y.index, self.window[0])
        before, during = y[y.index < first], y.loc[first : self.window[1]]
        if before.empty or during.empty:
            return None
        unit = period_word(y.index)
        per = f" a {unit}" if METRICS[metric].count else ""
        return (
            f"For reference, without a model: {METRICS[metric].label} averaged "
            f"{number(before.mean())}{per} in the {plural(len(before), unit)} before launch "
            f"and {number(during.mean())}{per} during the campaign (a plain before-and-after "
            "comparison, which takes trends and seasons for effects)."
        )

    def no_percent_reason(self, metric: str) -> str:
        """Why one metric's change is read in its units, in words (:meth:`sparse_metrics`).

        The reason that applies, not all three (a page read "zero in most periods before
        launch, or an expected level so uncertain it could be none at all, or is unknown to
        within a factor of four" for a metric that had one of them).
        """
        zeros, periods = self.sparse_metrics().get(metric, (0, 0))
        kind = self._no_percent_kind(metric)
        if kind == "zeros":
            unit = period_word(self.results[metric].y.index)
            return f"zero in {zeros} of the {plural(periods, unit)} before launch"
        if kind == "unbounded":
            return "an expected level so uncertain it could be none at all"
        return f"an expected level unknown to within a factor of {PERCENT_SPAN:g}"

    def _no_percent_kind(self, metric: str) -> str:
        """Which of :meth:`sparse_metrics`' reasons holds: zeros, unbounded or span."""
        zeros, periods = self.sparse_metrics().get(metric, (0, 0))
        if periods and zeros > periods / 2:
            return "zeros"
        if self.results[metric].effects_for(self.campaign_id).loc["relative"].isna().all():
            return "unbounded"
        return "span"

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
        settings = getattr(self.sources, "settings", None)
        how = (getattr(settings, "inferred", None) or {}).get("brand", "")
        if "site address" in how and "branded_clicks" in self.results:
            # a domain can be an everyday word: kwara.gov.ng's "kwara" is a state's name
            notes.append(
                f"The brand terms ({', '.join(settings.brand)}) were guessed {how}, not "
                "stated in darksocial.yml: if one is also an everyday search (a place, a "
                "common word), branded search counts searches that are not for the brand. "
                "List the brand's own terms under brand: in darksocial.yml."
            )
        # a metric without a control: said in its section, but the bottom line's verdict
        # stood alone (a real Trends brand "lifted" in an election month, no word of news)
        alone = [METRICS[m].label for m in self.results if not self.model_controls(m)]
        if alone:
            notes.append(
                f"{upper_first(join_words(alone))} {'has' if len(alone) == 1 else 'have'} no "
                "comparison series: what the model expects comes from its own trend and "
                "season only, so news or an event that moved the whole market at launch "
                "would read as the campaign's effect."
            )
        survey = getattr(self.sources, "survey", None)
        undated = int((getattr(survey, "attrs", None) or {}).get("undated") or 0)
        if undated:
            was, it = ("was", "it") if undated == 1 else ("were", "they")
            notes.append(
                f"{plural(undated, 'survey answer')} without a submission date {was} left "
                f"out: {it} cannot be placed before or after launch."
            )
        start, planned = evaluation_window(self.sources.campaigns, self.campaign_id)
        if planned > self.last_day:
            # a campaign running past the data was cut short without a word ("Evaluated 1 Feb
            # to 5 Feb (5 days)" for a window to 14 Feb)
            covered = (self.last_day - start).days + 1
            notes.append(
                f"The calendar runs this campaign's window to {day(planned)}, but the data end "
                f"on {day(self.last_day)}: the report covers {covered} of its "
                f"{(planned - start).days + 1} days. Export the rest and run it again."
            )
        if self.overlapping:
            names = self.sources.campaigns.get("name", pd.Series(dtype=object))
            notes.append(
                "Other campaigns ran during this window ("
                + ", ".join(
                    str(names.get(c)) if isinstance(names.get(c), str) and names.get(c) else c
                    for c in self.overlapping
                )
                + "). The model estimates each campaign's share jointly, which widens the "
                "intervals; the split between overlapping campaigns is the least certain part."
            )
        if self.data_start is not None:
            pre_days = (self.first_day - self.data_start).days
            if pre_days < 365:
                before = self.periods(self.data_start, self.first_day - pd.Timedelta(days=1))
                pre = plural(before, self.period)
                notes.append(
                    f"Only {pre} of history before launch: with less than a "
                    "year the model cannot learn yearly seasonality, so seasonal swings may be "
                    "mistaken for campaign effects."
                )
        for metric, res in self.results.items():
            # a long gap just before launch: the expected level leans on older data, which
            # only the figure showed (a real export: 7 days with data in the 9 months)
            recent = res.y.loc[self.window[0] - pd.Timedelta(days=90) : self.window[0]].iloc[:-1]
            if len(recent) and recent.notna().mean() < 0.5:
                word = PERIOD_WORDS[res.freq]
                notes.append(
                    f"{upper_first(METRICS[metric].label)}: only "
                    f"{plural(int(recent.notna().sum()), word)} of the {plural(len(recent), word)} "
                    "before launch have data (a gap in the export), so what the model "
                    "expects leans on older data; if the site was live then, export that "
                    "period again."
                )
        for metric, (zeros, n) in self.sparse_metrics().items():
            res = self.results[metric]
            label = upper_first(METRICS[metric].label)
            units = "counts" if METRICS[metric].count else "index points"
            kind = self._no_percent_kind(metric)
            # "with data" where the export has gaps: "zero on 55 of the 92 days before
            # launch" beside "Only 98 days of history" read as a contradiction
            span = self.periods(
                res.y.first_valid_index(), self.first_day - pd.Timedelta(days=1), metric=metric
            )
            seen = plural(n, PERIOD_WORDS[res.freq]) + (" with data" if n < span else "")
            notes.append(
                f"{label} was zero on {zeros} of the {seen} before launch: a percentage "
                f"change of so small a level swings without meaning, so read the change in "
                f"{units}, not the relative lift."
                if kind == "zeros"
                else f"{label}: what the model expects without the campaign is so uncertain "
                "that it could be none at all, and a percentage of none has no bound, so read "
                f"the change in {units}, not the relative lift."
                if kind == "unbounded"
                else f"{label}: what the model expects without the campaign is uncertain by "
                f"more than a factor of {PERCENT_SPAN:g}, so a "
                f"percentage of it says little: read the change in {units}, not the relative "
                "lift."
            )
        for res in self.results.values():
            notes.extend(getattr(res, "notes", ()))
        missing = {}
        for metric, res in self.results.items():
            label = METRICS[metric].label
            period = PERIOD_WORDS[res.freq]
            for warning in getattr(res.diagnostics, "warnings", ()) or ():
                if warning.code == "missing_values":
                    missing[label] = (warning.n, period)
                    continue
                plain = self.warning_sentence(metric, warning)
                if plain is not None:
                    notes.append(plain)
        for metric, res in self.results.items():
            label = METRICS[metric].label
            if label not in missing:
                continue
            ranges = uncovered_periods(self.sources, metric, res.y)
            if not ranges:
                continue
            n, period = missing[label]
            gap = sum(k for _, _, k in ranges)
            notes.append(uncovered_sentence(label, ranges, period))
            if n > gap:
                missing[label] = (n - gap, period)
            else:
                del missing[label]
        if missing:
            periods = {period for _, period in missing.values()}
            what = f"{periods.pop()}s" if len(periods) == 1 else "dates"
            notes.append(
                f"Some {what} are missing from the exports ("
                + ", ".join(f"{label}: {plural(n, p)}" for label, (n, p) in missing.items())
                # "a tracking outage" was said of a Search Console export's gap too
                + "; an outage, or days the export does not hold); they are left out of the "
                "models, not counted as zero."
            )
        return notes

    @property
    def first_day(self) -> pd.Timestamp:
        """The first day the evaluation window covers, as a page dates it.

        Weekly or monthly data: the first day of the period that holds the launch (a launch
        on Tuesday 29 June is measured from the week of 27 June, :func:`period_start`).
        Daily data: the launch day.
        """
        res = self._period_result()
        return self.window[0] if res is None else self._first_of(res)

    def _first_of(self, res) -> pd.Timestamp:
        """The first date of this campaign's window in one fit (its launch's week or month)."""
        if self.campaign_id not in res.windows:
            return self.window[0]
        return pd.Timestamp(res.windows[self.campaign_id][0])

    @property
    def last_day(self) -> pd.Timestamp:
        """The last day the evaluation window covers, as a page dates it.

        A weekly or monthly series dates each period by its first day: the window holds
        the periods dated up to :attr:`window`'s end, and the last of them runs to its own
        last day (a campaign ending Wednesday 17 May on Sunday-dated weeks is measured
        through the week of 14-20 May: ``20 May``). Daily data: the window's end.
        """
        end = self.window[1]
        res = self._period_result()
        if res is None or res.freq == "D":
            return end
        dated = res.y.index[res.y.index <= end]
        return period_last_day(dated[-1] if len(dated) else end, res.freq)

    # -- checks ------------------------------------------------------------------------------
    @property
    def duration(self) -> int:
        """Length of the evaluation window in days."""
        return (self.window[1] - self.window[0]).days + 1

    @property
    def period(self) -> str:
        """``"day"``, ``"week"`` or ``"month"``: the period the page counts time in.

        The finest period among the measured series (a daily series beside a weekly one
        keeps the page in days); ``"day"`` when none was measured.
        """
        codes = {res.freq for res in self.results.values()}
        return next((PERIOD_WORDS[c] for c in ("D", "W", "M") if c in codes), "day")

    def _period_result(self):
        """The first measured result in the page's :attr:`period`, or None."""
        return next(
            (r for r in self.results.values() if PERIOD_WORDS[r.freq] == self.period), None
        )

    def periods(self, start=None, end=None, *, metric: str | None = None) -> int:
        """How many :attr:`period` s the data hold from ``start`` to ``end``, both included.

        Parameters
        ----------
        start, end : pandas.Timestamp, optional
            The evaluation window's ends by default.
        metric : str, optional
            Count in this metric's own period instead (its weeks for a weekly series
            beside a daily one).

        Returns
        -------
        int
            Days for daily data (:attr:`duration` for the window); for weekly or monthly
            data the weeks or months of the series dated in the range (a window of the
            weekly dates 2 Apr to 14 May is 7 weeks, not 43 days).
        """
        start = self.window[0] if start is None else pd.Timestamp(start)
        end = self.window[1] if end is None else pd.Timestamp(end)
        res = self.results[metric] if metric is not None else self._period_result()
        if res is None or res.freq == "D":
            return (end - start).days + 1
        index = res.y.index
        start = period_start(index, start)  # from the week or month that holds it
        return int(((index >= start) & (index <= end)).sum())

    def _joint_fit(self, metric: str, *, start=None, extra=(), **overrides):
        """Fit the report's joint model (every calendar campaign) with optional changes.

        The same as :func:`fit_joint`, without redoing what refits share: the series,
        controls, options and calendar terms are prepared once per metric, history and
        options (30 placebo refits differ only in their extra campaign), and the headline
        fit itself is returned rather than fitted again.
        """
        options = {**self.options, **overrides}
        if start is None and not extra and options == self.options and metric in self.results:
            return self.results[metric]
        key = (
            metric,
            None if start is None else pd.Timestamp(start),
            repr(sorted(options.items())),
        )
        if key not in self._prepared:
            self._prepared[key] = _joint_inputs(self.sources, metric, options, start=start)
        return _fit_joint_inputs(
            metric, *self._prepared[key], extra=extra, alpha=self.alpha, seed=self.seed
        )

    def _effect_row(self, res, name: str, *, sparse: bool = False) -> dict[str, Any]:
        eff = res.effects_for(name)
        lo, hi = float(eff.loc["relative", "lower"]), float(eff.loc["relative", "upper"])
        a, b = _deciding_interval(eff, sparse=sparse)
        excludes = a > 0 or b < 0
        return {
            "estimate": _relative_point(res, name),
            "lower": lo,
            "upper": hi,
            "average": float(eff.loc["average", "estimate"]),
            "average_lower": float(eff.loc["average", "lower"]),
            "average_upper": float(eff.loc["average", "upper"]),
            "p_value": res.p_value_for(name),
            "significant": bool(excludes),
        }

    def _unit(self, metric: str) -> str:
        """A metric's average effect's unit in words: ``"clicks a day"``, ``"index points"``."""
        res = self.results[metric]
        per = f" a {period_word(res.y.index)}" if METRICS[metric].count else ""
        return f"{METRICS[metric].unit}{per}"

    def placebo_in_time(self, metric: str = "branded_clicks", *, n_placebos: int = 30):
        """Add fake campaigns at dates before launch when no campaign ran, one at a time.

        Each placebo is a campaign of the same length as this one, placed where no calendar
        campaign was running (nor in the two weeks after one ended), at least 90 days into
        the data; it is fitted in the same joint model as the real campaigns, so the check
        re-runs exactly the analysis behind the headline. The real effect's rank among the
        placebo effects gives a calibrated p-value.

        The effect ranked is the relative one, except for a metric zero in most periods
        before launch (:meth:`sparse_metrics`): there it is the average effect in the
        metric's own units, and a fake launch counts as significant when that effect's
        interval excludes zero. The p-value's formula is the same rank, but the statistic
        is a different one, not an equivalent: each relative effect is the average one over
        its own window's expected level, which differs from one fake launch to the next,
        so the two can rank the placebos differently (see
        :class:`darksocial.checks.PlaceboInTime`). On a level near zero the relative
        effect divides by almost nothing and its rank means little.

        Parameters
        ----------
        metric : str, default "branded_clicks"
        n_placebos : int, default 30
            Fake launch dates, spread evenly over the free periods; a fake window needs
            data on as many of its periods as the campaign's own window has (at most 80%),
            so none falls in a long gap of the export.

        Returns
        -------
        darksocial.checks.PlaceboInTime
        """
        import numpy as np

        from darksocial import checks
        from darksocial.errors import DarkSocialError
        from darksocial.its import Intervention

        sparse = metric in self.sparse_metrics()
        result = self.results[metric]
        real = self._effect_row(result, self.campaign_id, sparse=sparse)
        y = result.y
        # the campaign's own window as the fit counts it: on weekly data from the week that
        # holds the launch (a fake window ending in that week overlapped the real one)
        first, last = (pd.Timestamp(d) for d in result.windows[self.campaign_id])
        busy = pd.Series(False, index=y.index)
        for cid in self.sources.campaigns.index:
            a, b = evaluation_window(self.sources.campaigns, cid)
            busy |= (y.index >= period_start(y.index, a)) & (y.index <= b + pd.Timedelta(days=14))
        # as many periods as the real window (a 14-day window from a Tuesday is 3 weeks)
        length = int(((y.index >= first) & (y.index <= last)).sum())
        candidates = []
        first_ok = y.first_valid_index() + pd.Timedelta(days=90)
        # a fake window inside a long gap of the export measures nothing: each needs data
        # on as many of its periods as the campaign's own window has (at most 80%)
        seen = y.notna()
        need = min(0.8, float(seen.loc[first:last].mean()))
        for i in range(len(y.index) - length + 1):
            fake_start, end = y.index[i], y.index[i + length - 1]
            if end >= first:
                break
            if (
                fake_start >= first_ok
                and not busy.loc[fake_start:end].any()
                and seen.loc[fake_start:end].mean() >= need
            ):
                candidates.append((fake_start, end))
        if len(candidates) > n_placebos:
            picks = np.linspace(0, len(candidates) - 1, n_placebos).round().astype(int)
            candidates = [candidates[i] for i in picks]
        rows, failed = [], 0
        for fake_start, end in candidates:
            fake = Intervention("placebo", fake_start, end=end, evaluation_end=end)
            try:
                res = self._joint_fit(metric, extra=[fake])
            except DarkSocialError:
                failed += 1
                continue
            rows.append(
                {
                    "launch": fake_start,
                    "window_end": end,
                    **self._effect_row(res, "placebo", sparse=sparse),
                }
            )
        placebos = pd.DataFrame(rows)
        n = len(placebos)
        if n and not sparse and _to_units(placebos):
            # a fake launch without a bounded percentage would rank as smaller than the real
            # effect and read "between n/a and n/a": the real one is compared in units too
            sparse = True
            real = self._effect_row(self.results[metric], self.campaign_id, sparse=True)
        col = "average" if sparse else "estimate"
        if n:
            p = (1 + int((placebos[col].abs() >= abs(real[col])).sum())) / (1 + n)
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
            statistic="average" if sparse else "relative",
            unit=self._unit(metric) if sparse else "",
        )

    def control_series(self, metric: str | None = None) -> dict[str, pd.Series]:
        """The series a metric's model takes as controls, named for the report.

        Parameters
        ----------
        metric : str, optional
            A measured metric; the first one (the headline) by default.

        Returns
        -------
        dict of str to pandas.Series
            Non-branded search clicks, with non-branded search impressions beside them,
            for Search Console and GA4 metrics; every other Google Trends term for Google
            Trends interest in the brand (``"Google Trends interest in altcoin"``). Series
            the data lack are left out; empty when the metric has no control.
        """
        metric = metric or next(iter(self.results), None)
        if metric is None:
            return {}
        out = {}
        for source, column in METRICS[metric].controls:
            if source == "trends" and column == "other":
                columns = _trends_terms(self.sources, brand=False)
            elif column == "nonbranded_clicks":
                # both sides of non-branded search, which a brand campaign should not move
                columns = [column, "nonbranded_impressions"]
            else:
                columns = [column]
            for col in columns:
                s = _column(self.sources, source, col)
                if s is not None and s.notna().any():
                    out[_control_label(self.sources, source, col)] = s
        return out

    def model_controls(self, metric: str) -> dict[str, str]:
        """The control series a metric's model was fitted with, as the report names them.

        Only the controls the fit used: a control missing on some days, or constant, is
        left out of the model (:func:`prepare_metric` says so in a caveat) and is not here.

        Parameters
        ----------
        metric : str
            A measured metric.

        Returns
        -------
        dict of str to str
            Report name (``"non-branded search clicks"``, ``"Google Trends interest in
            altcoin"``) -> the source it comes from (``"search_console"``, ``"trends"``,
            ...), in the model's column order; empty when the model has no control.
        """
        return dict(self._control_names(metric, sources=True).values())

    def warning_sentence(self, metric: str, warning) -> str | None:
        """One diagnostics warning of a metric's model in words (:func:`plain_warning`).

        A jumping control is named as the report names it, and whether it makes the lift
        understated or overstated follows the sign of the model's coefficient on it.

        Parameters
        ----------
        metric : str
            A measured metric.
        warning : darksocial.its.FitWarning
            One of its model's ``diagnostics.warnings``.

        Returns
        -------
        str or None
            The sentence, or None for a warning that is not for this reader.
        """
        res = self.results[metric]
        return plain_warning(
            warning,
            METRICS[metric].label,
            period=PERIOD_WORDS[res.freq],
            control=self._control_names(metric).get(str(warning.control)),
            slope=_control_slope(res, warning.control),
        )

    def _control_names(self, metric: str, *, sources: bool = False) -> dict[str, Any]:
        """The model's control columns -> their report names (and sources, ``sources=True``)."""
        res = self.results[metric]
        columns = list(getattr(res, "design", pd.DataFrame()).columns)
        out = {}
        for source, column in METRICS[metric].controls:
            names = (
                _trends_terms(self.sources, brand=False)
                if source == "trends" and column == "other"
                else [column]
            )
            for name in names:
                if name in columns:
                    label = _control_label(self.sources, source, name)
                    out[name] = (label, source) if sources else label
        # too many controls for the history: their shared patterns stand for them
        patterns = [c for c in columns if c.startswith(PATTERN_PREFIX)]
        if patterns:
            source = METRICS[metric].controls[0][0]
            n = len(self.control_series(metric))
            what = (
                f"the {n} other Google Trends terms"
                if source == "trends"
                else (f"the {n} control series")
            )
            for col in patterns:
                i = int(col[len(PATTERN_PREFIX) :])
                label = f"summary trend {i} of {what}"
                out[col] = (label, source) if sources else label
        return out

    def placebo_in_space(
        self, series: dict[str, pd.Series] | None = None, *, metric: str | None = None
    ):
        """Run the same joint analysis on series the campaign should not move.

        Parameters
        ----------
        series : dict of str to pandas.Series, optional
            Named series; by default the controls of ``metric``'s model
            (:meth:`control_series`): non-branded search, or the other Google Trends
            terms.
        metric : str, optional
            The metric whose controls are checked; the first measured one by default.

        Returns
        -------
        darksocial.checks.PlaceboInSpace or None
            None when the data hold none of the default series.
        """
        from darksocial import checks, its

        if series is None:
            series = self.control_series(metric)
            if not series:
                return None
        applied, _ = its.effective_transform(
            self.options.get("model", "segmented"), self.options.get("transform")
        )
        rows = []
        for name, s in series.items():
            s = s.astype(float).loc[s.first_valid_index() : s.last_valid_index()]
            ivs = calendar_interventions(
                self.sources.campaigns,
                data_start=s.index[0],
                data_end=s.index[-1],
                observed=s.index[s.notna().to_numpy()],
            )
            options = dict(self.options)
            if applied == "log" and (s.dropna() <= 0).any():
                # as for a metric (prepare_metric): a log scale cannot hold a zero week
                options["transform"] = None
            # other Trends terms are a 0-100 index too
            of = metric if metric is not None else next(iter(self.results), None)
            options = _with_ceiling(options, of, s)
            res = its.fit(s, ivs, alpha=self.alpha, seed=self.seed, **options)
            # mostly zeros before launch, as sparse_metrics: a percentage of a level near
            # zero means nothing ("moved too (-100%, -100% to -100%)"), so the change, and
            # whether its interval excludes zero, is in the series' own units
            # (likewise where the relative change has no bound: see sparse_metrics)
            sparse = _mostly_zero_before(s, self._first_of(res)) is not None or _unbounded(
                res, self.campaign_id
            )
            row = self._effect_row(res, self.campaign_id, sparse=sparse)
            moved = bool(row["significant"])
            if sparse:
                unit = (
                    " index points"
                    if name.startswith("Google Trends")
                    else f" {'impressions' if 'impressions' in name else 'clicks'} a "
                    f"{period_word(s.index)}"
                )
                size = (
                    f"{number(row['average'], signed=True)}{unit}, "
                    f"{number(row['average_lower'], signed=True)} to "
                    f"{number(row['average_upper'], signed=True)}"
                )
            else:
                size = f"{percent(row['estimate'])}, {interval(row['lower'], row['upper'])}"
            verdict = "moved too" if moved else "showed no clear change"
            rows.append(
                {
                    "series": name,
                    **row,
                    "moved": moved,
                    "sentence": f"{upper_first(name)} {verdict} ({size})",
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
            Compared on the relative effect, or on the average effect in the metric's own
            units for a metric zero in most periods before launch (:meth:`sparse_metrics`).
        """
        import time

        import numpy as np

        from darksocial import checks
        from darksocial.errors import DarkSocialError

        headline = str(self.options.get("model"))
        combos = [(m, "intervention", None) for m in models or TRIANGULATION_MODELS]
        combos = [(headline, "intervention", None)] + [c for c in combos if c[0] != headline]
        combos += [
            (headline, "counterfactual", None),
            ("negbin" if headline != "negbin" else "segmented", "counterfactual", None),
        ]
        # the CausalImpact method (Bayesian structural counterfactual, about a second a fit)
        if headline != "structural":
            combos.append(("structural", "counterfactual", None))
        # a shorter history only when there is more than 12 months before launch
        first = self.results[metric].y.first_valid_index()
        if first < self.window[0] - pd.DateOffset(months=12):
            combos.append((headline, "intervention", 12))
        sparse = metric in self.sparse_metrics()
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
                if _zero_window(res, self.campaign_id):
                    raise _Diverged(_ZERO_WINDOW)
                effect = self._effect_row(res, self.campaign_id, sparse=sparse)
                top = float(np.nanmax(np.abs(res.y.to_numpy(dtype=float))))
                lo, hi = effect["average_lower"], effect["average_upper"]
                stray = res.share_above_ceiling(self.campaign_id)
                if stray > 2 * self.alpha:
                    # its interval is bounded to the 0-100 index, but a model whose paths
                    # leave the index this often is not one to compare (a count model on a
                    # sparse Trends term read "-12 (-330 to +1.4)"; after the bound "-41% to
                    # over +10,000%")
                    n = len(res.draws.cf_draws)
                    raise _Diverged(
                        f"{number(round(stray * n))} of its {number(n)} simulated paths leave "
                        "the top of the 0–100 index over the window"
                    )
                if np.isclose(lo, hi) and np.isfinite(lo):
                    # no variation to learn from (a count model on a term that is zero
                    # before launch read "0 | 0 to 0 | p = 1.00")
                    raise _Diverged(
                        "its interval has no width: the series gave the model "
                        "no variation to learn from"
                    )
                if max(abs(lo), abs(hi)) > 100 * max(top, 1.0):
                    # paths that ran away from the data (a count counterfactual forecast
                    # across a year-long gap read "-1,903,269 to +3.3 clicks a day" on a
                    # site of at most 18): not an estimate to compare
                    raise _Diverged(
                        f"its interval ({number(lo, signed=True)} to "
                        f"{number(hi, signed=True)} a {period_word(res.y.index)}) is far "
                        f"outside anything the series has seen (at most {number(top)})"
                    )
                edge = ""
                p = effect.get("p_value", np.nan)
                if np.isfinite(p) and (p < self.alpha) != bool(effect["significant"]):
                    # "+42 (-13 to +48), p = 0.04, excludes zero: no" read as an error
                    holds = "excludes" if effect["significant"] else "holds"
                    edge = (
                        f"at the edge: its test gives {p_value(p)} while its interval {holds} zero"
                    )
                row.update(effect, note=edge)
                before = res.y.loc[: self._first_of(res) - pd.Timedelta(days=1)]
                row["n_pre"] = int(before.notna().sum())
            except DarkSocialError as exc:
                row.update(note=f"failed: {exc}")
            except _Diverged as exc:
                row.update(note=f"could not be estimated on this series: {exc}")
            except (ValueError, np.linalg.LinAlgError) as exc:
                # a model the series cannot support (a count model on a mostly-zero series
                # overflows): that row says so; the other rows and the report still stand
                row.update(note=f"could not be fitted on this series ({type(exc).__name__})")
            row["seconds"] = time.perf_counter() - t0
            rows.append(row)
        table = pd.DataFrame(rows)
        if not sparse and "average" in table:
            # a fitted row whose percentage has no bound would read as one that could not
            # be fitted
            sparse = _to_units(table)
        return checks.Triangulation(
            table=table,
            alpha=self.alpha,
            statistic="average" if sparse else "relative",
            unit=self._unit(metric) if sparse else "",
        )

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
            interval, cumulative, relative lift with interval, p-value, model and method,
            and ``sparse`` (no percentage that means anything, see :meth:`sparse_metrics`: the relative lift swings
            without meaning, the index reads the change in units).
        """
        eff = self.effects_frame()
        sparse = self.sparse_metrics()
        metrics = {}
        for metric, r in eff.iterrows():
            metrics[metric] = {
                "label": r["label"],
                # zero in most periods before launch: read the change in units, not relative
                "sparse": metric in sparse,
                "unit_text": r["unit_text"],
                "unit": r["unit"],
                "period": r["period"],
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
            "name": (
                str(self.campaign["name"])
                if pd.notna(self.campaign.get("name"))
                else self.campaign_id
            ),
            # the last day the data cover, as the page dates it (a weekly window ends on its
            # last week's Sunday: the index read "to 2 Aug" where the page read "to 8 Aug")
            "window": [self.first_day.date().isoformat(), self.last_day.date().isoformat()],
            "alpha": self.alpha,
            "metrics": metrics,
        }


#: What the headline (and the reports index) says after "but" about a change the model
#: calls significant and the placebo check does not confirm (:func:`placebo_verdict`).
PLACEBO_DOUBTS = {
    "could be noise": "the placebo check says it could be noise",
    "unconfirmed": "the checks cannot confirm it",
}


def placebo_verdict(significant: bool, check=None) -> str:
    """Reconcile the model's verdict on a metric with its placebo check in time.

    The placebo check only overrules the model when it finds the model's intervals too
    narrow on this series (:attr:`darksocial.checks.PlaceboInTime.intervals_too_narrow`):
    the model's p-value then overstates how sure we are and the calibrated p is the one
    to read.

    Parameters
    ----------
    significant : bool
        Whether the model's interval excludes zero.
    check : darksocial.checks.PlaceboInTime, optional
        The placebo check in time on the same metric.

    Returns
    -------
    str
        ``"model"`` (no check, or it trusts the model's intervals: the model's verdict
        stands), ``"confirmed"`` (a significant change the calibrated p confirms),
        ``"could be noise"`` (a significant change that placebo changes as large make
        noise-like), ``"unconfirmed"`` (a significant change the placebo check has too
        few fake launch dates to confirm) or ``"no clear change"`` (not significant).
    """
    if check is None or not check.intervals_too_narrow:
        return "model"
    if not significant:
        return "no clear change"
    return {"rare": "confirmed", "too few": "unconfirmed"}.get(check.verdict, "could be noise")


def _deciding_interval(eff: pd.DataFrame, *, sparse: bool = False) -> tuple[float, float]:
    """The interval whose exclusion of zero makes an effect significant.

    The relative effect's; the average effect's for a metric zero in most periods before
    launch (read in its own units), and where the relative one is undefined: its.results
    leaves it NaN when the expected total is zero or less, and a clear +2 index points a
    week (+1.0 to +3.0) read "no clear change".
    """
    row = "average" if sparse else "relative"
    lo, hi = float(eff.loc[row, "lower"]), float(eff.loc[row, "upper"])
    if not (np.isfinite(lo) and np.isfinite(hi)):
        lo, hi = float(eff.loc["average", "lower"]), float(eff.loc["average", "upper"])
    return lo, hi


#: A relative lift is read in the metric's units when the expected total (what the model
#: expects without the campaign) is uncertain by more than this factor (the upper end of its
#: 95% interval over the lower). The percentage's interval is ``observed / expected - 1``
#: over the model's paths: on a real site of 2.6 clicks a day it read "+6.1%, 95% interval
#: -41% to +1,481%" (expected total from 0.2 to 4.6 a day, a factor of 27), beside "-1.9 to
#: +2.5 clicks a day", and "only a change of more than about +-761% would stand out".
PERCENT_SPAN = 4.0


def _with_ceiling(options: dict[str, Any], metric: str | None, y: pd.Series) -> dict:
    """``options`` with the metric's ``ceiling`` (a Trends index: 100) where ``y`` keeps to it."""
    top = METRICS[metric].ceiling if metric in METRICS else None
    if top is None or float(y.max()) > top:  # a hand-merged file can run past 100
        return options
    return {"ceiling": top, **options}


#: Why a count model's intervention estimate on a window of zeros is no result.
_ZERO_WINDOW = (
    "every period of the window is zero, and a count model's change toward zero has no finite size"
)


def _zero_window(res, name: str) -> bool:
    """A count model's intervention step over a window of zeros: no finite estimate.

    A log link's step toward nothing runs to minus infinity: a real 12-day window without a
    click read "0 | n/a | p = 1.00" as a result, and the headline "0 clicks a day (95%
    interval n/a to n/a)".
    """
    if res.model not in ("poisson", "negbin") or res.method != "intervention":
        return False
    seen = res.y.loc[slice(*res.windows[name])].dropna()
    return bool(len(seen)) and not seen.any()


def _relative_point(res, name: str) -> float:
    """A campaign's relative change as the pages read it: observed over expected, minus 1.

    The engine's relative estimate on the original scale is R CausalImpact's mean of the
    per-path ratios, which paths with small expected totals pull away from the point: a
    real export read "-0.3 clicks a day (+25%)" against 11 expected. The pages say "X
    against Y expected", so their percentage is ``X / Y - 1``, inside the same interval
    (its ends are quantiles of the per-path ratios; the ratio falls as a path's total rises,
    so the point's ratio lies between them). NaN where the engine's is (no bound).
    """
    eff = res.effects_for(name)
    rel = float(eff.loc["relative", "estimate"])
    a, b = res.windows[name]
    total = float(res.y.loc[a:b].sum())
    base = total - float(eff.loc["cumulative", "estimate"])
    return total / base - 1 if np.isfinite(rel) and base > 0 else rel


def _unbounded(res, name: str) -> bool:
    """Whether a campaign's relative effect has no bound, or none worth reading.

    No bound: the relative row is NaN (see :meth:`CampaignAnalysis.sparse_metrics`). None
    worth reading: the expected total's interval spans more than :data:`PERCENT_SPAN`; as
    the relative interval is ``total / expected - 1`` at the expected total's quantiles,
    that span is ``(1 + upper) / (1 + lower)``.
    """
    rel = res.effects_for(name).loc["relative"]
    if rel.isna().all():
        return True
    lo, hi = float(rel["lower"]), float(rel["upper"])
    return bool(lo > -1 and (1 + hi) / (1 + lo) > PERCENT_SPAN)


def _to_units(table: pd.DataFrame) -> bool:
    """Compare a check's rows in the metric's units when any has no bounded percentage.

    A row fitted without a bounded percentage (:func:`darksocial.its.results._relative`)
    has NaN relative columns and a finite average effect; then ``significant`` is recomputed
    in place from every row's average interval, and True is returned.
    """
    if not (table["estimate"].isna() & table["average"].notna()).any():
        return False
    lo, hi = table["average_lower"], table["average_upper"]
    # a row without an interval stays without a verdict ("n/a", not "no")
    table["significant"] = ((lo > 0) | (hi < 0)).astype(object).where(lo.notna() & hi.notna())
    return True


def uncovered_periods(sources, metric: str, y: pd.Series) -> list[tuple]:
    """``(first, last, periods)`` of each range of ``y`` that no export of its source covers.

    Read off the joined source's ``attrs["uncovered_columns"]`` (else ``attrs["uncovered"]``,
    :func:`darksocial.io.folder._join`): the days between the date ranges of the exports that
    hold the metric's column, missing because nobody exported them.
    """
    out = []
    for source, column in METRICS[metric].sources:
        frame = getattr(sources, source, None)
        attrs = {} if frame is None else frame.attrs
        ranges = (attrs.get("uncovered_columns") or {}).get(column, attrs.get("uncovered"))
        for a, b in ranges or []:
            inside = y.loc[a:b]
            if len(inside) and inside.isna().all():
                out.append((pd.Timestamp(a), pd.Timestamp(b), len(inside)))
    return out


def uncovered_sentence(label: str, ranges: list[tuple], period: str) -> str:
    """Say which ranges no export covers (:func:`uncovered_periods`), and the fix."""
    gap = sum(k for _, _, k in ranges)
    return (
        f"{upper_first(label)}: no export in the folder covers "
        + join_words([f"{day(a)} to {day(b)}" for a, b, _ in ranges])
        + f" ({plural(gap, period)}, between the dates of two exports); they are left out of "
        "the model, not counted as zero. Export that period to fill the gap."
    )


def _mostly_zero_before(series: pd.Series, launch) -> tuple[int, int] | None:
    """``(zeros, periods)`` of a series zero in most periods with data before launch, else None.

    The one rule of :meth:`CampaignAnalysis.sparse_metrics` and of the placebo in space's
    controls: on such a series a percentage of a level near zero means nothing.
    """
    pre = series.loc[: launch - pd.Timedelta(days=1)].dropna()
    zeros = int((pre == 0).sum())
    return (zeros, len(pre)) if len(pre) and zeros > len(pre) / 2 else None


def _metric_verdict(r, reconciled: str, check, *, alpha: float = config.ALPHA) -> tuple[str, str]:
    """The bold verdict of one bottom-line bullet and how sure we are, in words."""
    moved = "rose" if r.direction == "up" else "fell"
    if reconciled == "model":
        if r.direction == "no clear change":
            if np.isfinite(r.p_value) and r.p_value < alpha:
                # the other edge: the interval just reaches zero while the test passes; "we
                # cannot tell it apart from noise (p = 0.04)" read as a contradiction
                way = "rise" if r.average > 0 else "fall"
                return "no clear change", (
                    f"at the edge: its interval just reaches zero, but the model's test "
                    f"gives {p_value(r.p_value)}, so read it as a weak sign of a {way}, not "
                    "a sure one"
                )
            return "no clear change", f"we cannot tell it apart from noise ({p_value(r.p_value)})"
        sure = f"unlikely to be noise ({p_value(r.p_value)})"
        if r.borderline:
            sure = (
                f"at the edge: its interval just excludes zero, but the model's test gives "
                f"{p_value(r.p_value)}, so read it as a weak sign, not a sure one"
            )
        if check is None or check.verdict in ("rare", "not run"):
            return moved, sure
        # the check trusts the model's intervals but does not confirm the change on its
        # own: say so here, or this bullet and the placebo section read as a contradiction
        n, k = len(check.placebos), check.n_as_large
        doubt = (
            f"the placebo check's {plural(n, 'fake launch date')} are too few to confirm it "
            f"on their own (calibrated p = {check.p_value:.2f})"
            if check.verdict == "too few"
            else f"the placebo check is less sure (calibrated p = {check.p_value:.2f}: {k} of "
            f"the {n} fake launch dates {'was' if k == 1 else 'were'} as large)"
        )
        return moved, (
            f"{sure}; {doubt}, but it finds the model's intervals sound on this series, so "
            "the model's verdict stands"
        )
    n = len(check.placebos)
    narrow = (
        f"intervals are too narrow on this series (it called "
        f"{percent(check.false_positive_rate, signed=False)} of "
        f"{plural(n, 'fake launch date')} before the campaign significant; expected: "
        f"{check.alpha:.0%})"
    )
    overstated = f"The model's own {p_value(r.p_value)} overstates how sure we are: its {narrow}"
    calibrated = f"calibrated p = {check.p_value:.2f}"
    k = check.n_as_large
    as_large = f"{k} of the {n} fake launch dates {'was' if k == 1 else 'were'} as large"
    too_few = (
        f"{plural(n, 'fake launch date')} are too few for the placebo check to call any "
        f"change unusual ({calibrated} is the smallest they can give; it needs at least "
        f"{check.placebos_needed}, which a longer history before launch would add)"
    )
    if reconciled == "confirmed":
        return moved, (
            f"unlikely to be noise: the placebo check confirms it ({calibrated}). {overstated}"
        )
    if reconciled == "could be noise":
        return f"{moved}, but this could be noise", (
            "the placebo check says a change this large happens without any campaign on "
            f"this series ({as_large}; {calibrated}). {overstated}"
        )
    if reconciled == "unconfirmed":
        return f"{moved}, but the checks cannot confirm it", f"{too_few}. {overstated}"
    # not significant: the placebo check cannot make it surer than the model
    placebo = {
        "rare": f"the placebo check alone finds it rare ({calibrated}), not enough to "
        "call it a change",
        "too few": too_few,
    }.get(check.verdict, f"the placebo check agrees ({calibrated}; {as_large})")
    return "no clear change", (
        f"we cannot tell it apart from noise ({p_value(r.p_value)}), and the model's "
        f"{narrow}, so even that p overstates how sure we are; {placebo}"
    )


def analyze_campaign(
    sources,
    campaign_id: str,
    *,
    metrics=None,
    alpha: float = config.ALPHA,
    seed: int = config.SEED,
    **fit_options: Any,
) -> CampaignAnalysis:
    """Estimate one campaign's effect on each dark-social metric the data support.

    Parameters
    ----------
    sources : darksocial.io.Sources
        Loaded data, e.g. ``darksocial.io.load_folder("exports/acme")``.
    campaign_id : str
        Campaign id from the calendar.
    metrics : sequence of str, optional
        Keys of :data:`METRICS`; by default every metric the data support
        (:func:`available_metrics`).
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
        ``results`` holds the metrics that could be estimated; ``skipped`` says, for each
        other requested metric, why not (no export, launch outside its data, too little
        history).

    Raises
    ------
    ParameterError
        Unknown campaign or metric.
    """
    _campaign_row(sources.calendar(), campaign_id)
    if metrics is None:
        metrics = available_metrics(sources) or list(DEFAULT_METRICS)
    results, options, skipped = fit_each(
        sources, metrics, alpha=alpha, seed=seed, campaign_id=campaign_id, **fit_options
    )
    outside = [m for m, why in skipped.items() if OUTSIDE_DATA in why]
    if not results and outside and len(outside) == len(skipped):
        raise InterventionDateError(
            f"campaign {campaign_id!r} launches outside every series it could be measured on ("
            + "; ".join(skipped[m].split(OUTSIDE_DATA)[0] for m in outside)
            + "); check its launch date in the calendar or export a range that covers it"
        )
    return campaign_analysis(
        sources, campaign_id, results, options, alpha=alpha, seed=seed, skipped=skipped
    )


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
        If the data lack a metric, or no campaign launches inside its data
        (:func:`fit_each` skips such metrics instead).
    """
    metrics = _check_metrics(metrics)
    options = {**DEFAULT_FIT, **fit_options}
    results = {m: fit_joint(sources, m, options, alpha=alpha, seed=seed) for m in metrics}
    return results, options


def fit_each(
    sources,
    metrics=DEFAULT_METRICS,
    *,
    alpha: float = config.ALPHA,
    seed: int = config.SEED,
    campaign_id: str | None = None,
    **fit_options: Any,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """Fit each metric's joint model; skip, with the reason, those the data cannot support.

    Parameters
    ----------
    sources : darksocial.io.Sources
    metrics : sequence of str, optional
    alpha : float, default 0.05
    seed : int, optional
    campaign_id : str, optional
        A campaign every fit must contain: a metric whose data do not cover its launch (with
        :data:`MIN_PRE_PERIODS` before it) is skipped.
    **fit_options
        Passed to :func:`darksocial.its.fit`, overriding :data:`DEFAULT_FIT`.

    Returns
    -------
    results : dict of str to darksocial.its.ImpactResult
    options : dict
        The model options asked for (a fit may differ, e.g. no log with zero days: see
        ``fit.notes``).
    skipped : dict of str to str
        Metric -> one sentence saying why it was not estimated and what would fix it.
    """
    metrics = _check_metrics(metrics)
    options = {**DEFAULT_FIT, **fit_options}
    results, skipped = {}, {}
    for m in metrics:
        try:
            if campaign_id is not None:
                check_covers(sources, m, campaign_id)
            res = fit_joint(sources, m, options, alpha=alpha, seed=seed)
        except DataValidationError as exc:
            skipped[m] = str(exc) if campaign_id is not None else _calendar_reason(sources, m, exc)
            continue
        if campaign_id is not None and _zero_window(res, campaign_id):
            skipped[m] = _ZERO_WINDOW
        else:
            results[m] = res
    return results, options, skipped


def _calendar_reason(sources, metric: str, exc: DataValidationError) -> str:
    """Why a joint fit of every campaign failed, in the calendar's words where they apply.

    An overview read "The pre-period before 2026-06-01 has 7 non-missing periods but
    model='segmented', method='intervention' needs at least 8; ... (seasonality=None, fewer
    controls)" where :func:`check_covers` says "the data of direct sessions hold 7 days
    before launch; the estimate needs at least 28 days": the first campaign, in launch
    order, whose own check fails gives the reason.
    """
    if "pre-period" not in str(exc):
        # another failure (a count model's zero weekday...) is the engine's own to say
        return str(exc)
    for cid in sources.calendar().index:
        try:
            check_covers(sources, metric, cid)
        except DataValidationError as why:
            return str(why)
    return str(exc)


#: What :func:`check_covers` says of a metric whose data do not reach the launch: the
#: campaign report's page says so ("not measured"); ``darksocial report --campaign ID``
#: and a calendar none of whose launches the data reach stop with it (exit 2).
OUTSIDE_DATA = " and do not cover the launch on "


def _check_metrics(metrics) -> list[str]:
    metrics = list(metrics)
    if not metrics:
        raise ParameterError("metrics is empty; name at least one of " + ", ".join(METRICS))
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise ParameterError(
            f"unknown metric {', '.join(map(repr, unknown))}; choose from {', '.join(METRICS)}"
        )
    return metrics


def check_covers(sources, metric: str, campaign_id: str) -> None:
    """Raise InterventionDateError when a metric's data cannot measure the campaign.

    The campaign's launch must fall inside the metric's data, with at least
    :data:`MIN_PRE_PERIODS` observed periods before it; the message says which and how to
    fix it. The campaign report and the overview apply the same rule.
    """
    y, _ = metric_series(sources, metric)
    observed = y.dropna()
    row = _campaign_row(sources.calendar(), campaign_id)
    launch = pd.Timestamp(row["launch"])
    label = METRICS[metric].label
    first = period_start(observed.index, launch)  # the week or month that holds it
    if observed.empty or first > observed.index[-1] or first < observed.index[0]:
        span = (
            f"run from {day(observed.index[0])} to "
            f"{day(period_last_day(observed.index[-1], period_code(observed.index)))}"
            if len(observed) > 1
            else "hold no date"
            if observed.empty
            else f"hold one date, {day(observed.index[0])}"
        )
        raise InterventionDateError(
            f"{_data_of(label)} {span}{OUTSIDE_DATA}{day(launch)}; "
            "export a range that starts well before launch and runs past it"
        )
    start, end = evaluation_window(sources.campaigns, campaign_id, data_end=observed.index[-1])
    if observed.loc[first:end].empty:
        # between two exports: every date of the window is missing
        raise InterventionDateError(
            f"{_data_of(label)} have no date from {day(start)} to {day(end)}, the "
            "campaign's window (it falls between two exports, or in a gap); export that "
            "period"
        )
    pre = int((observed.index < first).sum())
    need = MIN_PRE_PERIODS[period_code(y.index)]
    if pre < need:
        unit = period_word(y.index)
        raise InterventionDateError(
            f"{_data_of(label)} hold {plural(pre, unit)} before launch; the estimate needs "
            f"at least {plural(need, unit)} "
            + (_nothing_earlier(sources, metric, observed.index[0]) or "(export a longer history)")
        )


def _data_of(label: str) -> str:
    """``the data of <label>``, closed by a comma when the label holds one.

    "the data of search clicks, branded and non-branded together hold 17 days" read as a list.
    """
    return f"the data of {label}" + ("," if "," in label else "")


#: A Search Console date filter that asked for the last N days or months, in the UI
#: languages seen in real exports' Filters.csv ("Last 12 months", "Últimos 3 meses",
#: "Afgelopen 3 maanden"), accents stripped and lower case.
_LAST_PERIODS = re.compile(
    r"(?:last|ultimos|afgelopen)\s+(?P<n>\d+)\s+"
    r"(?:(?P<months>months?|meses|maanden)|days?|dias|dagen)"
)


def _nothing_earlier(sources, metric: str, first: pd.Timestamp) -> str | None:
    """Say so when the export already asked for more history than the data hold.

    "Export a longer history" was impossible advice for a real site whose Search Console
    export asked for the last 12 months and held 34 days: the site had no earlier data.
    """
    for source, _ in METRICS[metric].sources:
        frame = getattr(sources, source, None)
        asked = None if frame is None else frame.attrs.get("date_filter")
        plain = unicodedata.normalize("NFKD", str(asked or "")).encode("ascii", "ignore")
        m = _LAST_PERIODS.fullmatch(plain.decode().strip().lower())
        if m is None or not len(frame.index):
            continue
        if frame.dropna(how="all").index[0] < first - pd.Timedelta(days=7):
            # the export holds earlier dates in other columns (an unfiltered export joined
            # with a short branded one): the metric's own export is what was short
            continue
        n = int(m.group("n"))
        start = frame.index[-1] - (
            pd.DateOffset(months=n) if m.group("months") else pd.Timedelta(days=n)
        )
        if start < first - pd.Timedelta(days=7):
            return (
                "and Search Console has no earlier data for this site (the export asked "
                + (  # the filter as written where it is not English: "'Últimos 3 meses'"
                    f"for the {str(asked).strip().lower()}"
                    if plain.decode().strip().lower().startswith("last")
                    else f"for '{str(asked).strip()}'"
                )
                + f"; its data start {day(first)}): the campaign cannot be measured on it"
            )
    return None


def period_code(index: pd.DatetimeIndex) -> str:
    """``"D"``, ``"W"`` or ``"M"``: the period of a series, from its frequency.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        The series' dates, read by :func:`darksocial.its.frequency_family` (a missing day,
        week or month does not change the answer).

    Returns
    -------
    str
        The key of :data:`MIN_PRE_PERIODS`.
    """
    from darksocial.its import frequency_family

    family = frequency_family(index, "the series", regular=False)
    if family not in MIN_PRE_PERIODS:
        raise DataValidationError(
            f"the series is {'quarterly' if family == 'Q' else 'yearly'}; a campaign report needs "
            "daily, weekly or monthly data: export the series by day, week or month"
        )
    return family


def frequency_word(index: pd.DatetimeIndex) -> str:
    """``"daily"``, ``"weekly"`` or ``"monthly"``: how often a series is observed, for tables."""
    return {"D": "daily", "W": "weekly", "M": "monthly"}[period_code(index)]


#: The word of each period code (:func:`period_code`), for the prose.
PERIOD_WORDS = {"D": "day", "W": "week", "M": "month"}


def period_word(index: pd.DatetimeIndex) -> str:
    """``"day"``, ``"week"`` or ``"month"``: the period of a series, for the prose."""
    return PERIOD_WORDS[period_code(index)]


def prepare_metric(
    sources, metric: str, options: dict[str, Any], *, start=None
) -> tuple[pd.Series, pd.DataFrame | None, dict[str, Any], list[str]]:
    """A metric's series, usable controls and model options, with what was changed and why.

    - Controls missing where the metric is observed, or constant, are left out.
    - The log transform needs every value above zero: with a zero day the model works on
      the original scale (effects are then additive; the relative lift is unchanged in
      meaning).
    - Public holidays are the data folder's ``country`` setting unless ``holidays`` is given.

    Returns
    -------
    y, controls, options, notes
        ``notes`` are plain sentences for the report's caveats.
    """
    y, controls = metric_series(sources, metric)
    label = METRICS[metric].label
    observed = y.dropna()
    if observed.empty:
        raise DataValidationError(f"the {label} series has no data at all; check the export")
    if observed.nunique() == 1:
        raise DataValidationError(
            f"the {label} series is {number(observed.iloc[0])} on every "
            f"{period_word(y.index)} of the export, so there is no change to measure; check "
            "that the export covers the site and period you meant"
        )
    first = max(observed.index[0], pd.Timestamp(start)) if start else observed.index[0]
    y = y.loc[first : observed.index[-1]]
    notes: list[str] = []
    if controls is not None:
        controls = controls.loc[y.index]
        seen = y.notna()
        keep = []
        for col in controls.columns:
            gaps = int(controls.loc[seen, col].isna().sum())
            name = col.replace("_", " ").replace("nonbranded", "non-branded search")
            if gaps:
                notes.append(
                    f"{upper_first(label)}: the control series ({name}) is missing on "
                    f"{plural(gaps, period_word(y.index))} of the data, so the model runs "
                    "without it; seasonal and market swings are then less well accounted for."
                )
            elif controls.loc[seen, col].nunique() <= 1:
                notes.append(f"{upper_first(label)}: the control ({name}) is constant; left out.")
            else:
                keep.append(col)
        controls = controls[keep] if keep else None
    from darksocial.its import effective_transform

    options = dict(options)
    applied, _ = effective_transform(options.get("model", "segmented"), options.get("transform"))
    if applied == "log" and (observed <= 0).any():
        zeros = int((y <= 0).sum())
        options["transform"] = None
        notes.append(
            f"{upper_first(label)} is zero on {plural(zeros, period_word(y.index))}, and a "
            "log scale cannot hold zero: this model works on the original scale, where "
            "effects add up instead of multiplying."
        )
    options = _with_ceiling(options, metric, y)
    if "holidays" not in options:
        settings = getattr(sources, "settings", None)
        country = getattr(settings, "country", None)
        options["holidays"] = holiday_country(country)
    return y, controls, options, notes


def holiday_country(country: str | None) -> str | None:
    if not country:
        return None
    import holidays as holidays_pkg

    return country if country in holidays_pkg.list_supported_countries() else None


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
        Options for :func:`darksocial.its.fit` (``model``, ``transform``...), adapted to
        the data by :func:`prepare_metric`.
    alpha : float, default 0.05
    seed : int, optional
    start : str or pandas.Timestamp, optional
        Leave out the data before this date (a shorter history).
    extra : sequence of darksocial.its.Intervention
        Further campaigns, e.g. a placebo launch.

    Returns
    -------
    darksocial.its.ImpactResult
        ``notes`` lists what :func:`prepare_metric` (and the engine) changed, in words.

    Raises
    ------
    DataValidationError
        If the data lack the metric or it has no data at all.
    InterventionDateError
        If no campaign of the calendar launches inside the metric's data.
    """
    inputs = _joint_inputs(sources, metric, options, start=start)
    return _fit_joint_inputs(metric, *inputs, extra=extra, alpha=alpha, seed=seed)


def _joint_inputs(sources, metric: str, options: dict[str, Any], *, start=None) -> tuple:
    """What :func:`fit_joint` fits: ``y, controls, options, notes`` and the calendar terms."""
    y, controls, options, notes = prepare_metric(sources, metric, options, start=start)
    ivs = calendar_interventions(
        sources.calendar(),
        data_start=y.index[0],
        data_end=y.index[-1],
        observed=y.index[y.notna().to_numpy()],
    )
    if controls is not None and ivs:
        launch = min(pd.Timestamp(iv.start) for iv in ivs)
        controls, note = select_controls(y, controls, launch, label=METRICS[metric].label)
        notes.extend([note] if note else [])
    return y, controls, options, notes, ivs


#: Periods of history before launch each control needs: more controls than that over-fit
#: the few periods there are (a real folder of 20 weekly Trends downloads fitted the brand
#: term on 19 other terms with 26 weeks before launch, with no word of warning).
PERIODS_PER_CONTROL = 10
#: Column names of the shared patterns that stand for too many controls.
PATTERN_PREFIX = "controls_pattern_"


def controls_allowed(y: pd.Series, launch) -> int:
    """How many control columns the history of ``y`` before ``launch`` supports.

    One per :data:`PERIODS_PER_CONTROL` periods with data before launch, at least one.
    """
    seen = int(y.loc[y.index < pd.Timestamp(launch)].notna().sum())
    return max(1, seen // PERIODS_PER_CONTROL)


def select_controls(
    y: pd.Series, controls: pd.DataFrame, launch, *, label: str = "the metric"
) -> tuple[pd.DataFrame, str | None]:
    """As many control columns as the history before launch supports.

    At most one per :data:`PERIODS_PER_CONTROL` periods with data before launch (at least
    one). With more candidates, the model gets their main shared patterns instead: the
    first principal components of the candidates before launch (each standardized, on the
    log scale where it is above zero), as many as allowed, named ``controls_pattern_1``...
    They are found from the controls alone, never from the metric, so the choice cannot
    flatter the fit: picking the candidates that correlated most with the metric did (on
    pure noise, 24 candidates and 26 weeks before launch, the two picked excluded zero
    from a 95% interval 12.6% of the time, two random ones 6.3%), and every placebo
    launch would have reused controls chosen with the weeks it tests. R CausalImpact
    averages over subsets with its spike-and-slab prior instead.

    Parameters
    ----------
    y : pandas.Series
        The metric (only its dates with data before launch are read).
    controls : pandas.DataFrame
        Candidate controls on ``y``'s index.
    launch : pandas.Timestamp
        The first launch: the history before it sets the number of columns and the patterns.
    label : str, optional
        The metric's name, for the note.

    Returns
    -------
    controls : pandas.DataFrame
        The controls as given, or ``controls_pattern_1``... on the same index.
    note : str or None
        A sentence for the report's caveats when patterns stand for the controls.
    """
    seen = (y.index < launch) & y.notna().to_numpy()
    cap = controls_allowed(y, launch)
    if controls.shape[1] <= cap:
        return controls, None
    values = controls.astype(float)
    values = values.apply(lambda c: np.log(c) if (c.dropna() > 0).all() else c)
    pre = values[seen].dropna()
    centre, scale = pre.mean(), pre.std(ddof=0).replace(0.0, np.nan)
    usable = scale.notna()
    z = (values.loc[:, usable] - centre[usable]) / scale[usable]
    _, sv, vt = np.linalg.svd(z.loc[pre.index].to_numpy(), full_matrices=False)
    k = min(cap, int(np.sum(sv > sv[0] * 1e-8)))
    scores = z.fillna(0.0).to_numpy() @ vt[:k].T
    out = pd.DataFrame(
        scores, index=controls.index, columns=[f"{PATTERN_PREFIX}{i + 1}" for i in range(k)]
    )
    # keep the sign readable: each pattern rises with the candidates on average
    out = out * np.sign(vt[:k].sum(axis=1) + 1e-12)
    share = float(np.sum(sv[:k] ** 2) / np.sum(sv**2))
    period = period_word(y.index)
    trends = "one summary trend" if k == 1 else f"{k} summary trends"
    note = (
        f"{upper_first(label)}: {controls.shape[1]} comparison series are too many for "
        f"{plural(int(seen.sum()), period)} of history before launch (the model needs about "
        f"{PERIODS_PER_CONTROL} {period}s per series), so it is compared with {trends} of "
        f"their common ups and downs instead, which hold {share:.0%} of those ups and downs "
        f"before launch; they are computed from those series alone, never from {label} "
        "(principal components)."
    )
    return out, note


def _fit_joint_inputs(metric, y, controls, options, notes, ivs, *, extra, alpha, seed):
    from darksocial import its

    if not ivs and not extra:
        raise InterventionDateError(
            f"no campaign of the calendar launches inside the {METRICS[metric].label} data "
            f"({y.index[0]:%d %b %Y} to {y.index[-1]:%d %b %Y}); check the launch dates in "
            "the calendar or export a range that covers them"
        )
    # each fit gets its own copies: a result keeps the series it was fitted on
    return its.fit(
        y.copy(),
        [*ivs, *extra],
        controls=None if controls is None else controls.copy(),
        alpha=alpha,
        seed=seed,
        notes=list(notes),
        **dict(options),
    )


def campaign_analysis(
    sources,
    campaign_id: str,
    results: dict[str, Any],
    options: dict[str, Any],
    *,
    alpha: float = config.ALPHA,
    seed: int = config.SEED,
    skipped: dict[str, str] | None = None,
) -> CampaignAnalysis:
    """Read one campaign's analysis off joint fits made by :func:`fit_each`.

    Parameters
    ----------
    sources : darksocial.io.Sources
    campaign_id : str
        A campaign present in every fit.
    results, options
        What :func:`fit_each` (or :func:`fit_metrics`) returned.
    alpha : float, default 0.05
    seed : int, optional
    skipped : dict, optional
        Metrics that could not be estimated, with the reason.

    Returns
    -------
    CampaignAnalysis
    """
    campaigns = sources.calendar()
    ends = [res.y.index[-1] for res in results.values()]
    starts = [res.y.first_valid_index() for res in results.values()]
    window = evaluation_window(campaigns, campaign_id, data_end=max(ends) if ends else None)
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
        data_start=min(starts) if starts else None,
        overlapping=overlapping,
        sources=sources,
        seed=seed,
        skipped=dict(skipped or {}),
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


def _control_slope(result, control) -> float | None:
    """A fitted model's coefficient on one control column; None when it has none.

    Parameters
    ----------
    result : darksocial.its.ImpactResult
    control : str or None
        The control's column name (``FitWarning.control``).

    Returns
    -------
    float or None
    """
    params = getattr(result, "params", None)
    if control is None or params is None or control not in params.index:
        return None
    return float(params.loc[control, "estimate"])


def plain_warning(
    warning,
    label: str,
    *,
    period: str = "day",
    control: str | None = None,
    slope: float | None = None,
) -> str | None:
    """Say an ITS diagnostics warning in words for a marketing reader.

    Parameters
    ----------
    warning : darksocial.its.FitWarning
        One of ``result.diagnostics.warnings``.
    label : str
        The metric's label, e.g. ``"branded clicks"``.
    period : str, default "day"
        The series' period (``"week"``, ``"month"``), for the sentences that count time.
    control : str, optional
        The report's name of a jumping control (``"Google Trends interest in Michelob
        Ultra"``, as the download spells the term); its column name otherwise.
    slope : float, optional
        The model's coefficient on a jumping control (the fitted ``params``): a control
        that moves against the metric (a negative coefficient) turns an understated lift
        into an overstated one. Taken as positive when not given.

    Returns
    -------
    str or None
        The sentence, or None when the warning is not for this reader: autocorrelation (the
        model's errors allow for it) and missing values (callers gather those across
        metrics from ``warning.n``).
    """
    code = warning.code
    if code in ("autocorrelation", "missing_values"):
        return None
    if code == "level_shift":
        return (
            f"The history of {label} shows an unexplained shift around {day(warning.date)}. "
            "If something else changed then (tracking, pricing, site), the baseline the "
            "campaign is compared with may be off."
        )
    if code == "control_jump":
        change = f" ({percent(warning.change)} after launch against before)"
        if warning.n:
            # the diagnostics compare the campaign's window with as many periods before it
            span = plural(warning.n, period)
            change = (
                f" ({percent(warning.change)} in the {span} from launch against the {span} before)"
            )
        # the model expects the metric to follow its control by its coefficient: a control
        # the campaign pushed up raises what is expected when that coefficient is positive
        # (the lift reads smaller) and lowers it when it is negative (the lift reads larger)
        effect = "may be off"
        pushed = (
            0.0 if warning.change is None else warning.change * (1 if slope is None else slope)
        )
        if warning.change is None:
            change = ""
        elif pushed > 0:
            effect = "is understated"
        elif pushed < 0:
            effect = "is overstated"
        return (
            f"The control series ({control or warning.control.replace('_', ' ')}) also moved "
            "at launch"
            f"{change}, by a plain before/after comparison; the placebo in space, which "
            "allows for its trend and seasons, is the sharper test of whether the campaign "
            f"moved it. If it did, the lift in {label} {effect}."
        )
    if code == "short_pre_period":
        return f"Little history before launch for {label}: the baseline rests on few {period}s."
    return f"{upper_first(label)}: {warning}"
