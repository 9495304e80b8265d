"""Every campaign side by side: the analysis behind the dark-social overview report.

The overview answers the marketing lead's questions across the whole calendar: which
campaigns lifted which signal, which content type did best, what people say when asked
"How did you hear about us?", and how branded search follows paid ads.

* :func:`analyze_campaigns` fits each metric **once**, with every calendar campaign in the
  model, and returns one :class:`darksocial.campaign.CampaignAnalysis` per campaign. A
  single fit already holds every campaign's effect, so this gives exactly the numbers of
  :func:`darksocial.campaign.analyze_campaign` for a fraction of the time.
* :func:`campaign_effects` is the tidy table (one row per campaign and metric) with the
  cost of one incremental click or session; :func:`pool_content_types` pools it by
  content type and says so honestly when a type has a single campaign.
* :func:`ads_to_search` fits the ads-to-branded-search lag on the Meta export.
* :class:`OverviewReport` holds all of it, computed once, for the report page
  (:mod:`darksocial.pages.overview`, which turns it into sections: HTML, figures and
  prose); :func:`darksocial.pages.overview.overview_report` builds it from the notebook's
  parameters.

Every source but the calendar may be missing: a metric the data cannot support is left
out with the reason (:attr:`OverviewReport.skipped_metrics`), a campaign no metric covers
too (:attr:`OverviewReport.skipped_campaigns`), and the survey and ads analyses return None
without their exports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from darksocial import config
from darksocial.campaign import (
    DEFAULT_METRICS,
    METRICS,
    NO_PERCENT,
    CampaignAnalysis,
    campaign_analysis,
    evaluation_window,
)
from darksocial.errors import DataValidationError, ParameterError
from darksocial.formatting import day, finite_or_none, given_text, interval, number, percent
from darksocial.plotting import plot_bucket_mix  # re-exported: its home is plotting

__all__ = [
    "OverviewReport",
    "ads_needs",
    "ads_to_search",
    "analyze_available",
    "analyze_campaigns",
    "bucket_mix",
    "calendar_buckets",
    "campaign_effects",
    "plot_bucket_mix",
    "pool_content_types",
]

#: Days after an ad counted in the ads-to-search share (lags 0..7, as ``adlag`` counts).
ADS_WITHIN = 7

#: Buckets shown by name in the bucket-mix figure (every dark-social bucket, then the most
#: frequent others up to this many); the rest are grouped as "other".
MIX_TOP = 7


#: Words too common to tie an answer to a campaign by name.
_NAME_STOPWORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "and",
        "de",
        "la",
        "le",
        "les",
        "du",
        "des",
        "et",
        "un",
        "une",
        "on",
        "in",
        "at",
        "for",
        "by",
        "with",
        "from",
        "to",
    ]
)


def _words(text: str) -> list[str]:
    # in any script: an ASCII-only reading dropped every Cyrillic keyword
    from darksocial.brand import words

    return words(text)


def calendar_buckets(answers: pd.Series, buckets: pd.Series, campaigns) -> pd.Series:
    """Give "other" answers that name a calendar campaign that campaign's channel.

    A generic rule cannot know that "ToolExpo" is an event or "the tool crib" a podcast;
    the calendar can. An unclassified answer counts as a campaign's bucket
    (:data:`darksocial.campaign.CONTENT_BUCKETS` of its ``content_type``) when it contains
    one of the campaign's ``keywords``, or when every word of it is a word of the
    campaign's name (at least one of them not a common word) and of no other campaign.

    Parameters
    ----------
    answers : pandas.Series
        Raw answers.
    buckets : pandas.Series
        :func:`darksocial.attribution.classify_answers` of ``answers``.
    campaigns : pandas.DataFrame or None
        The calendar (``name``, ``content_type``, optional ``keywords``).

    Returns
    -------
    pandas.Series
        ``buckets`` with those answers moved out of ``"other"``.
    """
    from darksocial.attribution import OTHER
    from darksocial.campaign import CONTENT_BUCKETS

    if campaigns is None or not len(campaigns):
        return buckets
    named = []
    for _, row in campaigns.iterrows():
        bucket = CONTENT_BUCKETS.get(str(row.get("content_type")))
        if bucket is None:
            continue
        keywords = row.get("keywords")
        keywords = [_words(k) for k in keywords] if isinstance(keywords, list | tuple) else []
        name = row.get("name")
        name_words = set(_words(name)) if isinstance(name, str) else set()
        named.append((bucket, [k for k in keywords if k], name_words))
    if not named:
        return buckets
    out = buckets.copy()
    for i in buckets.index[buckets == OTHER]:
        words = _words(answers.loc[i])
        if not words:
            continue
        text = " " + " ".join(words) + " "
        hits = {b for b, kws, _ in named if any(f" {' '.join(k)} " in text for k in kws)}
        if not hits and any(
            w not in _NAME_STOPWORDS and len(w) >= 4 and w.isalpha() for w in words
        ):
            hits = {b for b, _, nw in named if nw and set(words) <= nw}
        if len(hits) == 1:
            out.loc[i] = hits.pop()
    return out


# --------------------------------------------------------------------------- analysis
def analyze_campaigns(
    sources,
    *,
    metrics=DEFAULT_METRICS,
    alpha: float = config.ALPHA,
    seed: int = config.SEED,
    **fit_options: Any,
) -> dict[str, CampaignAnalysis]:
    """Estimate every calendar campaign's effect on each metric with one fit per metric.

    Parameters
    ----------
    sources : darksocial.io.Sources
        Loaded data, e.g. ``darksocial.io.load_folder(directory)``.
    metrics : sequence of str, optional
        Keys of :data:`darksocial.campaign.METRICS`; ``DEFAULT_METRICS`` by default.
    alpha : float, default 0.05
        One minus the interval level.
    seed : int, optional
        Seed of every simulation.
    **fit_options
        Passed to :func:`darksocial.its.fit`, overriding ``DEFAULT_FIT``.

    Returns
    -------
    dict of str to darksocial.campaign.CampaignAnalysis
        One analysis per campaign that launches inside at least one metric's data, in
        launch order, holding the metrics whose data cover it. They share the fitted
        models, so each gives the same numbers as
        :func:`darksocial.campaign.analyze_campaign` for that campaign. Metrics the data
        cannot support are left out; :func:`analyze_available` says why.

    Raises
    ------
    ParameterError
        If ``metrics`` is empty or names an unknown metric.
    """
    analyses, _, _ = analyze_available(
        sources, metrics=metrics, alpha=alpha, seed=seed, **fit_options
    )
    return analyses


def analyze_available(
    sources,
    *,
    metrics=DEFAULT_METRICS,
    alpha: float = config.ALPHA,
    seed: int = config.SEED,
    **fit_options: Any,
) -> tuple[dict[str, CampaignAnalysis], dict[str, str], dict[str, str]]:
    """Analyse what the data support, and say why the rest was left out.

    Parameters
    ----------
    sources : darksocial.io.Sources
        Loaded data; every source but the calendar may be missing.
    metrics : sequence of str, optional
        Keys of :data:`darksocial.campaign.METRICS`.
    alpha : float, default 0.05
        One minus the interval level.
    seed : int, optional
        Seed of every simulation.
    **fit_options
        Passed to :func:`darksocial.its.fit`.

    Returns
    -------
    analyses : dict of str to darksocial.campaign.CampaignAnalysis
        As :func:`analyze_campaigns`.
    skipped_metrics : dict of str to str
        Metric -> one sentence saying why it was not estimated and which export adds it.
    skipped_campaigns : dict of str to str
        Campaign id -> why no metric measures it (launch outside the data, too little
        history before it).

    Raises
    ------
    ParameterError
        If ``metrics`` is empty or names an unknown metric.
    """
    from darksocial.campaign import check_covers, fit_each
    from darksocial.errors import InterventionDateError

    results, options, skipped = fit_each(sources, metrics, alpha=alpha, seed=seed, **fit_options)
    fitted = {m: {iv.name for iv in r.interventions} for m, r in results.items()}
    analyses: dict[str, CampaignAnalysis] = {}
    left_out: dict[str, str] = {}
    for cid in sources.calendar().sort_values("launch", kind="stable").index:
        cid = str(cid)
        mine = {m: r for m, r in results.items() if cid in fitted[m]}
        # the campaign report's rule: enough periods before launch (9 weeks of a weekly
        # series were measured here, "+13% (-32% to +92%)", and refused there)
        short = {}
        for m in list(mine):
            try:
                check_covers(sources, m, cid)
            except InterventionDateError as exc:
                short[m] = str(exc)
                del mine[m]
        # why a metric's joint fit left the campaign out, in the campaign report's words
        # (its window between two exports read "its launch ... falls outside the data or
        # has too little history", with the launch inside the dates it quoted)
        for m in results:
            if m not in mine and m not in short:
                try:
                    check_covers(sources, m, cid)
                except InterventionDateError as exc:
                    short[m] = str(exc)
        if not mine:
            left_out[cid] = (
                "; ".join(short.values())
                if short
                else _why_not_measured(sources, cid, results, skipped)
            )
            continue
        others = {**skipped, **short}
        for m in results:
            if m not in mine and m not in short:
                others[m] = _outside_words(sources, cid, results[m])
        analyses[cid] = campaign_analysis(
            sources, cid, mine, options, alpha=alpha, seed=seed, skipped=others
        )
    return analyses, skipped, left_out


def _outside_words(sources, cid: str, res) -> str:
    launch = pd.Timestamp(sources.campaigns.loc[cid, "launch"])
    y = res.y.dropna()
    return (
        f"its launch on {day(launch)} falls outside the data ({day(y.index[0])} to "
        f"{day(y.index[-1])}) or has too little history before it"
    )


def _why_not_measured(sources, cid: str, results, skipped) -> str:
    if results:
        first = next(iter(results.values()))
        return _outside_words(sources, cid, first)
    if skipped:
        return "no metric could be estimated on these data"
    return "no metric was asked for"


def campaign_effects(analyses: dict[str, CampaignAnalysis]) -> pd.DataFrame:
    """Return every campaign's effect on every metric as one tidy table.

    Parameters
    ----------
    analyses : dict of str to darksocial.campaign.CampaignAnalysis
        Output of :func:`analyze_campaigns`.

    Returns
    -------
    pandas.DataFrame
        One row per campaign and metric: ``campaign``, ``name``, ``content_type``,
        ``channel``, ``spend``, ``window_start``, ``window_end``, ``metric``, then the
        columns of :meth:`darksocial.campaign.CampaignAnalysis.effects_frame`, and
        ``cost_per_unit`` (spend / total incremental units, NaN unless the total is
        positive) with ``cost_lower`` (spend / upper total) and ``cost_upper`` (spend /
        lower total; ``inf`` when the interval reaches zero), and ``cost_measured``
        (True only for a count metric whose lift interval lies above zero, with a spend:
        otherwise there is no measurable lift to put a cost on). ``sparse`` marks a metric
        zero in most periods before launch
        (:meth:`~darksocial.campaign.CampaignAnalysis.sparse_metrics`): its ``relative``
        columns are NaN and its change is the ``average`` one, in its own units
        (:func:`lift_text`).
    """
    frames = []
    for cid, a in analyses.items():
        eff = a.effects_frame().reset_index()
        row = a.campaign
        spend = row.get("spend")
        spend = float(spend) if spend is not None and not pd.isna(spend) else np.nan
        eff.insert(0, "campaign", cid)
        # a calendar without these columns held None: the overview showed "None" as a
        # content type and pooled such campaigns as one type
        eff.insert(1, "name", given_text(row.get("name")) or str(cid))
        eff.insert(2, "content_type", given_text(row.get("content_type")))
        eff.insert(3, "channel", given_text(row.get("channel")))
        eff.insert(4, "spend", spend)
        eff.insert(5, "window_start", a.first_day)
        eff.insert(6, "window_end", a.window[1])
        # a metric zero in most periods before launch has an expected level near zero, so
        # its relative lift swings without meaning (+152%, -525% to +867% for 0.1 click a
        # day on a real Search Console export): its change is read in its own units, as
        # the campaign report reads it
        eff["sparse"] = eff["metric"].isin(list(a.sparse_metrics()))
        for col in ("relative", "relative_lower", "relative_upper"):
            eff[col] = eff[col].where(~eff["sparse"])
        total, lo, hi = eff["cumulative"], eff["cumulative_lower"], eff["cumulative_upper"]
        eff["cost_per_unit"] = np.where(total > 0, spend / total.where(total > 0), np.nan)
        eff["cost_lower"] = np.where(hi > 0, spend / hi.where(hi > 0), np.nan)
        eff["cost_upper"] = np.where(lo > 0, spend / lo.where(lo > 0), np.inf)
        # a cost per extra unit only means something for a count whose lift is measured
        counts = eff["metric"].map(lambda m: METRICS[m].count).astype(bool)
        eff["cost_measured"] = counts & (eff["direction"] == "up") & np.isfinite(spend)
        frames.append(eff)
    if not frames:
        raise DataValidationError(
            "no campaign could be analysed; check that campaigns.yml launches fall inside the data"
        )
    return pd.concat(frames, ignore_index=True)


def lift_text(row, *, with_interval: bool = True) -> str:
    """A campaign's change on one metric in words: ``+16% (+10% to +23%)``.

    The relative lift where there is one; for a metric zero in most periods before launch
    the average change in its own units, ``+0.1 clicks a day (−0.3 to +0.5)``; ``not
    measured`` without an estimate.

    Parameters
    ----------
    row : namedtuple or pandas.Series
        A row of :func:`campaign_effects`.
    with_interval : bool, default True
        Add the interval in brackets.
    """
    get = row.get if isinstance(row, pd.Series) else lambda k: getattr(row, k)
    if pd.notna(get("relative")):
        text = percent(get("relative"))
        lo, hi, kind = get("relative_lower"), get("relative_upper"), "percent"
    elif pd.notna(get("average")):
        text = f"{number(get('average'), signed=True)} {get('unit_text')}"
        lo, hi, kind = get("average_lower"), get("average_upper"), "number"
    else:
        return "not measured"
    return f"{text} ({interval(lo, hi, kind=kind)})" if with_interval else text


def pool_content_types(effects: pd.DataFrame, *, alpha: float = config.ALPHA) -> pd.DataFrame:
    """Pool the relative lifts of the campaigns of each content type, per metric.

    Groups with at least two campaigns are pooled with
    :func:`darksocial.portfolio.pool_by` (random effects, HKSJ interval); a group with a
    single campaign keeps that campaign's own estimate and says that nothing was pooled.

    Parameters
    ----------
    effects : pandas.DataFrame
        Output of :func:`campaign_effects`.
    alpha : float, default 0.05
        Level of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per metric and content type: ``metric``, ``content_type``, ``k``
        (campaigns), ``campaigns`` (their names), ``estimate``, ``lower``, ``upper``
        (relative lift), ``spend`` (total), ``pooled`` (False for a single campaign),
        ``fragile`` (fewer than 3 campaigns) and ``note`` (plain words). Campaigns
        without a relative lift (``sparse`` in :func:`campaign_effects`) are left out of
        ``k`` and the lift and named in ``left_out``; a group with none but them has a row
        without a lift (``k`` 0).
    """
    from darksocial import portfolio

    table = pd.DataFrame(
        {
            "campaign": effects["campaign"],
            "name": effects["name"],
            "metric": effects["metric"],
            "content_type": effects["content_type"],
            "estimate": effects["relative"],
            "lower": effects["relative_lower"],
            "upper": effects["relative_upper"],
            "spend": effects["spend"],
        }
    )
    # a metric zero in most periods before launch has no relative lift to pool: such a
    # campaign is left out of its group's lift, and named
    everyone = table
    table = table[table["estimate"].notna()]
    sizes = table.groupby(["metric", "content_type"])["campaign"].transform("size")
    pooled = pd.DataFrame()
    if (sizes >= 2).any():
        pooled = portfolio.pool_by(table[sizes >= 2], by="content_type", alpha=alpha)
    rows = []
    for (metric, group), whole in everyone.groupby(["metric", "content_type"], sort=True):
        part = whole[whole["estimate"].notna()]
        k = len(part)
        base = {
            "metric": metric,
            "content_type": group,
            "k": k,
            "campaigns": ", ".join(part["name"]),
            "spend": float(part["spend"].sum(min_count=1)),
            "left_out": ", ".join(whole.loc[whole["estimate"].isna(), "name"]),
        }
        if k == 0:
            rows.append(
                {
                    **base,
                    "estimate": np.nan,
                    "lower": np.nan,
                    "upper": np.nan,
                    "pooled": False,
                    "fragile": True,
                    "note": f"{NO_PERCENT}: no relative lift to pool; the change is in the "
                    "campaigns table, in its units",
                }
            )
            continue
        if k == 1:
            r = part.iloc[0]
            rows.append(
                {
                    **base,
                    "estimate": r["estimate"],
                    "lower": r["lower"],
                    "upper": r["upper"],
                    "pooled": False,
                    "fragile": True,
                    "note": "one campaign: nothing to pool, this is that campaign's own lift",
                }
            )
            continue
        p = pooled[(pooled["metric"] == metric) & (pooled["content_type"] == group)].iloc[0]
        rows.append(
            {
                **base,
                "estimate": p["estimate"],
                "lower": p["lower"],
                "upper": p["upper"],
                "pooled": True,
                "fragile": bool(p["fragile"]),
                "note": p["note"],
            }
        )
    columns = ["metric", "content_type", "k", "campaigns", "spend", "left_out", "estimate"]
    columns += ["lower", "upper", "pooled", "fragile", "note"]
    return pd.DataFrame(rows, columns=columns)


def ads_needs(sources) -> str | None:
    """Why the ads-to-search analysis cannot run on these data (None when it can).

    Parameters
    ----------
    sources : darksocial.io.Sources

    Returns
    -------
    str or None
        One sentence naming what is missing.
    """
    meta = getattr(sources, "meta_ads", None)
    if meta is None:
        # a Meta export the folder holds but cannot use (one row for the whole period) was
        # "there is no Meta ads export" beside the data section naming it
        unused = [
            e
            for e in getattr(sources, "exports", ())
            if e.kind == "meta_ads" and e.source is None and e.note
        ]
        if unused:
            return f"{unused[0].path.name} is not used ({unused[0].note})"
        return "there is no Meta ads export"
    if _meta_impressions(sources) is None:
        return "the Meta export shows no ad delivery"
    sc = getattr(sources, "search_console", None)
    if sc is None:
        return "there is no Search Console export to relate the ads to"
    need = ("branded_clicks", "nonbranded_clicks")
    if any(c not in sc.columns or sc[c].notna().sum() == 0 for c in need):
        return (
            "the Search Console export does not separate branded from non-branded search "
            "(an unfiltered Performance export holds total search only)"
        )
    return None


def _meta_impressions(sources) -> pd.Series | None:
    meta = getattr(sources, "meta_ads", None)
    if meta is None or "impressions" not in getattr(meta, "columns", ()):
        return None
    # Ads Manager omits days without delivery: a missing day is zero impressions.
    imp = meta["impressions"].astype(float).fillna(0.0)
    return None if float(imp.sum()) <= 0 else imp / 1000.0


def ads_to_search(
    sources, *, max_lag: int = 14, alpha: float = config.ALPHA, paid_channel: str = "paid_social"
):
    """Fit how branded search clicks follow Meta ad impressions (per 1,000).

    Parameters
    ----------
    sources : darksocial.io.Sources
        Loaded data with ``meta_ads`` and ``search_console``.
    max_lag : int, default 14
        Largest lag in days.
    alpha : float, default 0.05
        Interval level of the result.
    paid_channel : str, default "paid_social"
        Calendar ``channel`` of the campaigns the ads belong to; the evaluation windows
        of all *other* campaigns enter as controls, so their lifts are not credited to
        ads that ran at the same time.

    Returns
    -------
    darksocial.adlag.AdLagResult or None
        None when the data cannot support it (:func:`ads_needs` says why).

    Notes
    -----
    Controls: non-branded search clicks (demand and seasonality) and one 0/1 column per
    non-paid campaign window. With a single ad flight, individual lag coefficients are
    poorly separated; read the cumulative response and the share within a week.
    """
    from darksocial import adlag

    if ads_needs(sources) is not None:
        return None
    ads = _meta_impressions(sources)
    sc = sources.search_console
    search = sc["branded_clicks"].astype(float)
    controls = sc[["nonbranded_clicks"]].astype(float).copy()
    cal = sources.calendar()
    for cid, row in cal.iterrows():
        if str(row.get("channel")) == paid_channel:
            continue
        a, b = evaluation_window(cal, cid)
        on = (controls.index >= a) & (controls.index <= b)
        if on.any():
            controls[f"window_{cid}"] = on.astype(float)
    keep = search.notna() & controls.notna().all(axis=1)
    return adlag.fit_ad_lag(
        ads, search[keep], controls=controls[keep], max_lag=int(max_lag), alpha=alpha
    )


def _window_share(result, sources, window, within: int) -> pd.Series:
    """Share of the branded clicks of ``window`` that followed the ads within ``within`` days.

    :meth:`AdLagResult.share_within` divides by every branded click of the fitted days (two
    years), which makes any flight look negligible; the ad-driven clicks all fall around
    the flight, so rescaling to the clicks of the campaign window is exact (the total is
    treated as fixed in both).
    """
    s = result.share_within(within)
    clicks = result.data["search"].loc[window[0] : window[1]].sum()
    factor = float(s["total"] / clicks) if clicks > 0 else np.nan
    out = s[["estimate", "std_err", "lower", "upper"]] * factor
    out["ad_driven"] = s["ad_driven"]
    out["window_clicks"] = float(clicks)
    return out


def bucket_mix(
    buckets: pd.Series, dates: pd.Series, *, freq: str = "MS", top: int = MIX_TOP
) -> pd.DataFrame:
    """Share of each answer bucket per period (blank answers left out).

    Parameters
    ----------
    buckets : pandas.Series
        Output of :func:`darksocial.attribution.classify_answers`.
    dates : pandas.Series
        Submission dates on the same index.
    freq : {"MS", "W"}, default "MS"
        Calendar months or weeks starting on Monday.
    top : int, default 7
        Buckets kept by name: every dark-social bucket present
        (:data:`darksocial.attribution.DARK_BUCKETS`), then the most frequent others up to
        ``top`` in all (at least one); the rest are summed as ``"other"``.

    Returns
    -------
    pandas.DataFrame
        Indexed by period start, one column per bucket (most frequent first, ``other``
        last), rows summing to 1 (NaN rows for periods without an answer). ``attrs["n"]``
        holds the answers per period.

    Raises
    ------
    ParameterError
        If ``freq`` is not "MS" or "W".
    """
    from darksocial.attribution import BLANK, DARK_BUCKETS, OTHER

    if freq not in ("MS", "W"):
        raise ParameterError(f"freq must be 'W' (weekly) or 'MS' (monthly), got {freq!r}")
    dates = pd.to_datetime(dates)
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_localize(None)
    answered = buckets != BLANK
    b, d = buckets[answered], dates[answered]
    order = [x for x in b.value_counts().index if x != OTHER]
    # every dark-social channel by name, however rare: those are what the report is about
    dark = [x for x in order if x in DARK_BUCKETS]
    named = dark + [x for x in order if x not in dark][: max(1, top - len(dark))]
    named = [x for x in order if x in named]
    b = b.where(b.isin(named), OTHER)
    period = d.dt.to_period("W-SUN" if freq == "W" else "M").dt.start_time
    counts = pd.crosstab(period.rename("period"), b.rename("bucket"))
    full = pd.date_range(
        counts.index.min(), counts.index.max(), freq="W-MON" if freq == "W" else "MS"
    )
    counts = counts.reindex(full, fill_value=0)
    cols = [c for c in named if c in counts.columns] + ([OTHER] if OTHER in counts.columns else [])
    counts = counts[cols]
    n = counts.sum(axis=1)
    out = counts.div(n.where(n > 0), axis=0)
    out.index.name = "period"
    out.attrs["n"] = n
    return out


# --------------------------------------------------------------------------- the report
@dataclass
class OverviewReport:
    """Everything the overview report shows, computed once: campaigns, survey, ads.

    The page (:class:`darksocial.pages.overview.OverviewPage`) turns it into sections.

    Attributes
    ----------
    sources : darksocial.io.Sources
        The loaded data.
    analyses : dict of str to darksocial.campaign.CampaignAnalysis
        One per analysed campaign (:func:`analyze_available`); may be empty.
    alpha : float
        One minus the interval level.
    freq : str
        Period of the survey shares (``"MS"`` or ``"W"``).
    max_lag : int
        Largest lag of the ads-to-search model.
    requested : list of str, optional
        Metrics analysed, in report order; by default those of the analyses.
    skipped_metrics : dict of str to str
        Metrics left out, each with one sentence saying why.
    skipped_campaigns : dict of str to str
        Campaigns no metric measures, each with why.
    cache : dict
        Results computed once for several sections.
    """

    sources: Any
    analyses: dict[str, CampaignAnalysis]
    alpha: float = config.ALPHA
    freq: str = "MS"
    max_lag: int = 14
    requested: list[str] | None = None
    skipped_metrics: dict[str, str] = field(default_factory=dict)
    skipped_campaigns: dict[str, str] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def level(self) -> int:
        """Interval level in percent (95 for alpha = 0.05)."""
        return int(round((1 - self.alpha) * 100))

    @property
    def metrics(self) -> list[str]:
        """Metrics estimated for at least one campaign, in report order."""
        have: list[str] = []
        for a in self.analyses.values():
            have += [m for m in a.results if m not in have]
        if self.requested is None:
            return have
        return [m for m in self.requested if m in have]

    @property
    def currency(self) -> str | None:
        """ISO code of the spend figures (the data folder's setting), None when unknown."""
        settings = getattr(self.sources, "settings", None)
        return getattr(settings, "currency", None)

    def effects(self) -> pd.DataFrame:
        """Every campaign's effect on every metric (:func:`campaign_effects`), cached.

        Returns
        -------
        pandas.DataFrame
            Empty when no campaign was analysed.
        """
        if "effects" not in self.cache:
            self.cache["effects"] = (
                campaign_effects(self.analyses) if self.analyses else pd.DataFrame()
            )
        return self.cache["effects"]

    def pooled(self) -> pd.DataFrame:
        """Relative lifts by content type (:func:`pool_content_types`), cached.

        Returns
        -------
        pandas.DataFrame
        """
        if "pooled" not in self.cache:
            eff = self.effects()
            self.cache["pooled"] = (
                pool_content_types(eff, alpha=self.alpha) if len(eff) else pd.DataFrame()
            )
        return self.cache["pooled"]

    def skipped(self) -> list[str]:
        """Calendar campaigns left out because no metric's data cover them.

        Returns
        -------
        list of str
        """
        return [str(c) for c in self.sources.campaigns.index if str(c) not in self.analyses]

    def name(self, cid: str) -> str:
        """The campaign's name in the calendar (its id when it has none).

        Parameters
        ----------
        cid : str

        Returns
        -------
        str
        """
        name = self.sources.campaigns.loc[cid].get("name", cid)
        return str(cid) if pd.isna(name) else str(name)

    def scorecard(self):
        """The dark-social scorecard: ITS lifts, survey mentions and the ads share.

        Returns
        -------
        darksocial.scorecard.Scorecard or None
            None when no campaign was analysed.
        """
        if "scorecard" in self.cache:
            return self.cache["scorecard"]
        from darksocial import scorecard as sc

        eff = self.effects()
        if eff.empty:
            self.cache["scorecard"] = None
            return None
        estimates = pd.DataFrame(
            {
                "campaign": eff["campaign"],
                "metric": eff["metric"],
                "estimate": eff["average"],
                "lower": eff["average_lower"],
                "upper": eff["average_upper"],
                "p_value": eff["p_value"],
                "relative": eff["relative"],
                "relative_lower": eff["relative_lower"],
                "relative_upper": eff["relative_upper"],
                # the units of a change read without a relative lift (a mostly-zero metric)
                "unit": eff["unit_text"],
            }
        )
        mentions = self.mentions()
        ment = sc.mentions_frame(mentions, labels={c: m.label for c, m in mentions.items()})
        ads = None
        share = self.ads_share()
        if share is not None:
            cid, s = share
            ads = pd.DataFrame(
                [
                    {
                        "campaign": cid,
                        "share": s["estimate"],
                        "share_lower": s["lower"],
                        "share_upper": s["upper"],
                        "within": ADS_WITHIN,
                    }
                ]
            )
        cal = self.sources.campaigns.loc[list(self.analyses)]
        card = sc.scorecard(
            estimates,
            mentions=ment if len(ment) else None,
            ads=ads,
            campaigns=cal,
            alpha=self.alpha,
        )
        self.cache["scorecard"] = card
        return card

    # -- what people say -------------------------------------------------------------------
    def survey(self) -> pd.DataFrame | None:
        """The survey answers with their bucket, or None without a survey.

        Returns
        -------
        pandas.DataFrame or None
            The survey frame plus a ``bucket`` column (:func:`classify_answers`) and a
            ``mix_bucket`` column, the same except that an answer naming a calendar
            campaign counts as that campaign's channel (:func:`calendar_buckets`; the
            answer-mix figure uses it).
        """
        if "survey" not in self.cache:
            from darksocial import attribution

            s = getattr(self.sources, "survey", None)
            if s is None or s.empty or "answer" not in s.columns:
                self.cache["survey"] = None
            else:
                buckets = attribution.classify_answers(s["answer"])
                campaigns = getattr(self.sources, "campaigns", None)
                self.cache["survey"] = s.assign(
                    bucket=buckets,
                    mix_bucket=calendar_buckets(s["answer"], buckets, campaigns),
                )
        return self.cache["survey"]

    def mentions(self) -> dict[str, Any]:
        """Survey mentions of each campaign's channel before and after launch.

        Returns
        -------
        dict of str to darksocial.attribution.MentionsResult
            Campaigns whose content type has a survey bucket and whose windows hold
            enough answers to compare.
        """
        if "mentions" not in self.cache:
            out = {}
            for cid, a in self.analyses.items():
                try:
                    res = a.mentions()
                except DataValidationError:
                    res = None  # e.g. every answer blank: nothing to compare
                if res is not None and getattr(res, "comparable", True):
                    out[cid] = res
            self.cache["mentions"] = out
        return self.cache["mentions"]

    def dark_share(self) -> pd.DataFrame | None:
        """Share of answers naming a dark-social channel per period.

        Returns
        -------
        pandas.DataFrame or None
            :func:`darksocial.attribution.dark_social_share` output.
        """
        from darksocial import attribution

        s = self.survey()
        if s is None:
            return None
        freq = "W" if self.freq == "W" else "MS"
        return attribution.dark_social_share(
            s["bucket"], s["submitted_at"], freq=freq, alpha=self.alpha
        )

    def gap(self):
        """Self-reported channel against software attribution, cached.

        Returns
        -------
        darksocial.attribution.AttributionGap or None
            None without a survey, without its software source column, or without a lead
            that analytics credited to Direct or Organic Search.
        """
        if "gap" not in self.cache:
            from darksocial import attribution

            s = self.survey()
            gap = None
            if s is not None and "software_source" in s.columns:
                try:
                    gap = attribution.attribution_gap(s, bucket_col="bucket", alpha=self.alpha)
                except DataValidationError:
                    gap = None
                if gap is not None and not gap.n:
                    gap = None
            self.cache["gap"] = gap
        return self.cache["gap"]

    # -- ads to branded search -------------------------------------------------------------
    def ad_lag(self):
        """The ads-to-search lag model (:func:`ads_to_search`), cached; None without ads.

        Returns
        -------
        darksocial.adlag.AdLagResult or None
        """
        if "ad_lag" not in self.cache:
            self.cache["ad_lag"] = ads_to_search(
                self.sources, max_lag=self.max_lag, alpha=self.alpha
            )
        return self.cache["ad_lag"]

    def paid_campaign(self) -> str | None:
        """The analysed paid-social campaign the Meta ads belong to (None when not exactly one).

        Returns
        -------
        str or None
        """
        paid = [
            cid
            for cid, a in self.analyses.items()
            if str(a.campaign.get("channel")) == "paid_social"
        ]
        return paid[0] if len(paid) == 1 else None

    def ads_share(self) -> tuple[str, pd.Series] | None:
        """Share of the paid campaign's branded clicks that followed its ads within 7 days.

        Returns
        -------
        tuple of (str, pandas.Series) or None
            The campaign id and ``estimate``, ``std_err``, ``lower``, ``upper``,
            ``ad_driven``, ``window_clicks``; None without ads or a single paid campaign.
        """
        res = self.ad_lag()
        cid = self.paid_campaign()
        if res is None or cid is None:
            return None
        within = min(ADS_WITHIN, res.max_lag)
        return cid, _window_share(res, self.sources, self.analyses[cid].window, within)

    def ads_overlaps(self, res) -> list[str]:
        """Names of the non-paid campaigns running during the flight or its lags.

        Parameters
        ----------
        res : darksocial.adlag.AdLagResult

        Returns
        -------
        list of str
        """
        ads = res.data["ads"]
        on = ads.index[ads > 0]
        if on.empty:
            return []
        start, end = on[0], on[-1] + pd.Timedelta(days=res.max_lag)
        return [
            self.name(cid)
            for cid, a in self.analyses.items()
            if str(a.campaign.get("channel")) != "paid_social"
            and a.window[0] <= end
            and a.window[1] >= start
        ]

    # -- summary ---------------------------------------------------------------------------
    def headline(self) -> str:
        """One line for the reports index.

        Returns
        -------
        str
        """
        eff = self.effects()
        parts = []
        if len(eff) and self.metrics:
            metric = self.metrics[0]
            part = eff[eff["metric"] == metric]
            up = int((part["direction"] == "up").sum())
            text = f"{up} of {len(part)} campaigns lifted {METRICS[metric].label}"
            if len(part) == 1:
                # "0 of 1 campaigns lifted" on the index of a one-campaign calendar
                text = (
                    f"The campaign {'lifted' if up else 'did not measurably lift'} "
                    f"{METRICS[metric].label}"
                )
            if self.skipped_campaigns:
                # "0 of 1 campaigns lifted" in a calendar of two: the other was not measured
                n = len(self.skipped_campaigns)
                measured = "measured campaign" if len(part) == 1 else "measured campaigns"
                text = (
                    f"{up} of {len(part)} {measured} lifted {METRICS[metric].label} "
                    f"({n} not measured)"
                )
            ranked = part[(part["direction"] == "up") & part["relative"].notna()]
            if up and len(ranked) and len(part) > 1:  # "largest" of one campaign
                best = ranked.loc[ranked["relative"].idxmax()]
                text += f"; largest: {best['name']} {lift_text(best)}"
            parts.append(text)
        else:
            parts.append("no campaign could be measured on these data")
        gap = self.gap()
        if gap is not None and np.isfinite(gap.share):
            parts.append(
                f"{percent(gap.share, signed=False)} of Direct/Organic leads named dark social"
            )
        return "; ".join(parts)

    def summary(self) -> dict[str, Any]:
        """Headline numbers for ``summary.json``.

        Returns
        -------
        dict
            ``report``, ``alpha``, ``headline`` (the index line), ``metrics`` (analysed),
            ``skipped_metrics`` (metric -> why), ``campaigns`` (per campaign: name,
            content type, window and per metric estimate, lower, upper, relative,
            relative_lower, relative_upper, p_value, significant, model),
            ``skipped_campaigns`` (id -> why), ``attribution_gap`` and ``ads_share``
            (None when not measured). Numbers that could not be computed are None.
        """
        keys = (
            "estimate", "lower", "upper", "relative", "relative_lower", "relative_upper",
            "p_value", "significant", "model",
        )  # fmt: skip
        campaigns = {}
        for cid, a in self.analyses.items():
            s = a.summary()
            campaigns[cid] = {
                "name": s["name"],
                "content_type": given_text(a.campaign.get("content_type")),
                "window": s["window"],
                "metrics": {m: {k: v.get(k) for k in keys} for m, v in s["metrics"].items()},
            }
        gap = self.gap()
        gap_out = None
        if gap is not None:
            gap_out = {
                "share": gap.share,
                "lower": gap.lower,
                "upper": gap.upper,
                "k": gap.k,
                "n": gap.n,
            }
        ads = self.ads_share()
        ads_out = None
        if ads is not None:
            cid, s = ads
            ads_out = {
                "campaign": cid,
                "within_days": min(ADS_WITHIN, self.max_lag),
                "share": float(s["estimate"]),
                "lower": float(s["lower"]),
                "upper": float(s["upper"]),
            }
        return finite_or_none(
            {
                "report": "overview",
                "alpha": self.alpha,
                "headline": self.headline(),
                "metrics": list(self.metrics),
                "skipped_metrics": dict(self.skipped_metrics),
                "campaigns": campaigns,
                "skipped_campaigns": dict(self.skipped_campaigns),
                "attribution_gap": gap_out,
                "ads_share": ads_out,
            }
        )
