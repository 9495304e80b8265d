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
* :class:`OverviewReport` turns all of it into the report's sections (HTML, figures and
  Stylers, plus thin ``show_*`` methods), and :func:`overview_report` builds it from the
  notebook's parameters.

Everything that comes from data is HTML-escaped and personal data in survey answers is
masked before it is shown; numbers go through :mod:`darksocial.formatting`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from darksocial import config
from darksocial.campaign import (
    DEFAULT_METRICS,
    METRICS,
    CampaignAnalysis,
    campaign_analysis,
    evaluation_window,
    fit_metrics,
)
from darksocial.errors import DataValidationError, ParameterError
from darksocial.formatting import day, escape, interval, join_words, number, percent, styled_table

__all__ = [
    "OverviewReport",
    "ads_to_search",
    "analyze_campaigns",
    "bucket_mix",
    "campaign_effects",
    "overview_report",
    "plot_bucket_mix",
    "pool_content_types",
]

#: Days after an ad counted in the ads-to-search share (lags 0..7, as ``adlag`` counts).
ADS_WITHIN = 7

#: Buckets shown by name in the bucket-mix figure; the rest are grouped as "other".
MIX_TOP = 7


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
        Loaded data, e.g. ``darksocial.io.load_sample()``.
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
        One analysis per campaign that launches inside every metric's data, in launch
        order. They share the fitted models, so each gives the same numbers as
        :func:`darksocial.campaign.analyze_campaign` for that campaign.

    Raises
    ------
    ParameterError
        If ``metrics`` is empty or names an unknown metric.
    DataValidationError
        If a metric has no data at all.
    InterventionDateError
        If no campaign of the calendar launches inside the data.
    """
    results, options = fit_metrics(sources, metrics, alpha=alpha, seed=seed, **fit_options)
    # A campaign must be in every model (the spans of the metrics may differ).
    fitted = set.intersection(*({iv.name for iv in r.interventions} for r in results.values()))
    campaigns = sources.campaigns
    return {
        str(cid): campaign_analysis(sources, cid, results, options, alpha=alpha, seed=seed)
        for cid in campaigns.sort_values("launch", kind="stable").index
        if str(cid) in fitted
    }


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
        lower total; ``inf`` when the interval reaches zero).
    """
    frames = []
    for cid, a in analyses.items():
        eff = a.effects_frame().reset_index()
        row = a.campaign
        spend = row.get("spend")
        spend = float(spend) if spend is not None and not pd.isna(spend) else np.nan
        eff.insert(0, "campaign", cid)
        eff.insert(1, "name", str(row.get("name", cid)))
        eff.insert(2, "content_type", str(row.get("content_type", "unknown")))
        eff.insert(3, "channel", str(row.get("channel", "unknown")))
        eff.insert(4, "spend", spend)
        eff.insert(5, "window_start", a.window[0])
        eff.insert(6, "window_end", a.window[1])
        total, lo, hi = eff["cumulative"], eff["cumulative_lower"], eff["cumulative_upper"]
        eff["cost_per_unit"] = np.where(total > 0, spend / total.where(total > 0), np.nan)
        eff["cost_lower"] = np.where(hi > 0, spend / hi.where(hi > 0), np.nan)
        eff["cost_upper"] = np.where(lo > 0, spend / lo.where(lo > 0), np.inf)
        frames.append(eff)
    if not frames:
        raise DataValidationError(
            "no campaign could be analysed; check that campaigns.yml launches fall inside the data"
        )
    return pd.concat(frames, ignore_index=True)


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
        ``fragile`` (fewer than 3 campaigns) and ``note`` (plain words).
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
    sizes = table.groupby(["metric", "content_type"])["campaign"].transform("size")
    pooled = pd.DataFrame()
    if (sizes >= 2).any():
        pooled = portfolio.pool_by(table[sizes >= 2], by="content_type", alpha=alpha)
    rows = []
    for (metric, group), part in table.groupby(["metric", "content_type"], sort=True):
        k = len(part)
        base = {
            "metric": metric,
            "content_type": group,
            "k": k,
            "campaigns": ", ".join(part["name"]),
            "spend": float(part["spend"].sum(min_count=1)),
        }
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
    return pd.DataFrame(rows)


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
        None when the Meta export has no delivery at all.

    Notes
    -----
    Controls: non-branded search clicks (demand and seasonality) and one 0/1 column per
    non-paid campaign window. With a single ad flight, individual lag coefficients are
    poorly separated; read the cumulative response and the share within a week.
    """
    from darksocial import adlag

    ads = _meta_impressions(sources)
    if ads is None:
        return None
    sc = sources.search_console
    search = sc["branded_clicks"].astype(float)
    controls = sc[["nonbranded_clicks"]].astype(float).copy()
    cal = sources.campaigns
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
        Buckets kept by name (the most frequent overall); the rest are summed as
        ``"other"``.

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
    from darksocial.attribution import BLANK, OTHER

    if freq not in ("MS", "W"):
        raise ParameterError(f"freq must be 'W' (weekly) or 'MS' (monthly), got {freq!r}")
    dates = pd.to_datetime(dates)
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_localize(None)
    answered = buckets != BLANK
    b, d = buckets[answered], dates[answered]
    order = [x for x in b.value_counts().index if x != OTHER]
    named = order[:top]
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


def plot_bucket_mix(mix: pd.DataFrame, *, ax: Any = None) -> Any:
    """Draw the bucket mix as stacked areas over time.

    Parameters
    ----------
    mix : pandas.DataFrame
        Output of :func:`bucket_mix`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default the current Axes.

    Returns
    -------
    matplotlib.axes.Axes
        One stacked area per bucket, labelled with the bucket in words.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        ax = plt.gca()
    data = mix.fillna(0.0)
    colors = plt.get_cmap("tab10").colors
    ax.stackplot(
        data.index,
        *[data[c].to_numpy() for c in data.columns],
        labels=[str(c).replace("_", " ") for c in data.columns],
        colors=[colors[i % len(colors)] for i in range(len(data.columns))],
        alpha=0.85,
    )
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of answers")
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda y, _: f"{y:.0%}"))
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    return ax


# --------------------------------------------------------------------------- the report
@dataclass
class OverviewReport:
    """The overview report: every campaign, the survey and the ads, section by section.

    Attributes
    ----------
    sources : darksocial.io.Sources
        The loaded data.
    analyses : dict of str to darksocial.campaign.CampaignAnalysis
        One per analysed campaign (:func:`analyze_campaigns`).
    alpha : float
        One minus the interval level.
    freq : str
        Period of the survey shares (``"MS"`` or ``"W"``).
    max_lag : int
        Largest lag of the ads-to-search model.
    cache : dict
        Results computed once for several sections.
    """

    sources: Any
    analyses: dict[str, CampaignAnalysis]
    alpha: float = config.ALPHA
    freq: str = "MS"
    max_lag: int = 14
    cache: dict[str, Any] = field(default_factory=dict, repr=False)

    # -- shared pieces ---------------------------------------------------------------------
    @property
    def level(self) -> int:
        """Interval level in percent (95 for alpha = 0.05)."""
        return int(round((1 - self.alpha) * 100))

    @property
    def metrics(self) -> list[str]:
        """Metrics analysed, in the order given."""
        first = next(iter(self.analyses.values()))
        return list(first.results)

    def effects(self) -> pd.DataFrame:
        """Every campaign's effect on every metric (:func:`campaign_effects`), cached.

        Returns
        -------
        pandas.DataFrame
        """
        if "effects" not in self.cache:
            self.cache["effects"] = campaign_effects(self.analyses)
        return self.cache["effects"]

    def pooled(self) -> pd.DataFrame:
        """Relative lifts by content type (:func:`pool_content_types`), cached.

        Returns
        -------
        pandas.DataFrame
        """
        if "pooled" not in self.cache:
            self.cache["pooled"] = pool_content_types(self.effects(), alpha=self.alpha)
        return self.cache["pooled"]

    def skipped(self) -> list[str]:
        """Calendar campaigns left out because they launch outside the data.

        Returns
        -------
        list of str
        """
        return [str(c) for c in self.sources.campaigns.index if str(c) not in self.analyses]

    def _name(self, cid: str) -> str:
        return str(self.sources.campaigns.loc[cid].get("name", cid))

    # -- bottom line -----------------------------------------------------------------------
    def bottom_line(self) -> str:
        """A few plain sentences on the whole calendar (Markdown, escaped).

        Returns
        -------
        str
            Which campaigns lifted which metric, which content type did best (with the
            caveat when types have a single campaign), the survey gap and the ads.
        """
        eff = self.effects()
        n = eff["campaign"].nunique()
        lines = []
        for metric in self.metrics:
            part = eff[eff["metric"] == metric]
            up = part[part["direction"] == "up"]
            down = part[part["direction"] == "down"]
            label = METRICS[metric].label
            if len(up):
                names = join_words(
                    [f"{escape(r.name)} ({percent(r.relative)})" for r in up.itertuples()]
                )
                text = f"**{label.capitalize()}:** {len(up)} of {n} campaigns lifted it: {names}."
            else:
                text = f"**{label.capitalize()}:** no campaign lifted it measurably."
            if len(down):
                text += f" It fell after {join_words([escape(x) for x in down['name']])}."
            lines.append(f"- {text}")
        moved = eff.groupby("campaign")["significant"].any()
        still = [self._name(c) for c in moved.index[~moved]]
        if still:
            lines.append(
                f"- We cannot tell whether {join_words([escape(x) for x in still])} moved any "
                "signal: the intervals include zero."
            )
        best = self._best_content_type()
        if best:
            lines.append(f"- {best}")
        gap = self.gap()
        if gap is not None and np.isfinite(gap.share):
            lines.append(
                f"- **What people say:** {percent(gap.share, signed=False)} of the leads that "
                "analytics credited to Direct or Organic Search named a dark-social channel "
                f"when asked ({self.level}% interval "
                f"{percent(gap.lower, signed=False)} to {percent(gap.upper, signed=False)})."
            )
        ads = self.ads_share()
        if ads is not None:
            cid, share = ads
            verdict = (
                "were followed by more branded search"
                if share["lower"] > 0
                else "were not measurably followed by more branded search"
            )
            lines.append(
                f"- **Ads:** the {escape(self._name(cid))} {verdict}: about "
                f"{percent(share['estimate'], signed=False)} of branded clicks during the "
                f"campaign came within {ADS_WITHIN} days of an ad ({self.level}% interval "
                f"{interval(share['lower'], share['upper'])})."
            )
        head = f"**{n} campaigns** measured against what the models expect without them."
        return head + "\n\n" + "\n".join(lines)

    def _best_content_type(self) -> str | None:
        pooled = self.pooled()
        metric = self.metrics[0]
        part = pooled[pooled["metric"] == metric]
        if part.empty:
            return None
        best = part.loc[part["estimate"].idxmax()]
        what = str(best["content_type"]).replace("_", " ")
        ci = interval(best["lower"], best["upper"])
        sure = (
            "its interval is above zero" if best["lower"] > 0 else "but its interval includes zero"
        )
        text = (
            f"**Best content type for {METRICS[metric].label}:** {escape(what)} "
            f"({percent(best['estimate'])}, {self.level}% interval {ci}; {sure})."
        )
        if (part["k"] == 1).all():
            text += (
                " Every content type has a single campaign, so this ranks campaigns, not "
                "content types: another campaign of the same type could do better or worse."
            )
        elif part["fragile"].any():
            text += " Some content types have fewer than three campaigns: treat their pooled lift as fragile."
        return text

    # -- every campaign --------------------------------------------------------------------
    def campaigns_table(self):
        """One row per campaign: content type, spend, lift per metric and cost per unit.

        Returns
        -------
        pandas.io.formats.style.Styler
        """
        eff = self.effects()
        out = {}
        first = eff.drop_duplicates("campaign").set_index("campaign")
        out["Content type"] = first["content_type"].str.replace("_", " ").to_numpy()
        out["Spend"] = [f"€{number(v)}" if pd.notna(v) else "n/a" for v in first["spend"]]
        for metric in self.metrics:
            part = eff[eff["metric"] == metric].set_index("campaign")
            unit = METRICS[metric].unit.rstrip("s")
            short = _SHORT.get(metric, METRICS[metric].label)
            out[f"{short}: lift ({self.level}% interval)"] = [
                f"{percent(r.relative)} ({interval(r.relative_lower, r.relative_upper)})"
                for r in part.itertuples()
            ]
            out[f"{short}: cost per extra {unit}"] = [
                _cost(r.cost_per_unit, r.cost_lower, r.cost_upper) for r in part.itertuples()
            ]
        table = pd.DataFrame(out, index=first["name"].rename("Campaign"))
        return styled_table(table)

    def campaigns_html(self) -> str:
        """The paragraph that explains the campaigns table, then the table.

        Returns
        -------
        str
        """
        intro = (
            "<p>Relative lift: the change against what the model expects without the "
            f"campaign, over the campaign's window, with its {self.level}% interval. Cost "
            "per extra click or session: spend divided by the total extra clicks or "
            "sessions over the window (range from the interval; “no measurable lift” when "
            "the estimate is not above zero).</p>"
        )
        return intro + self.campaigns_table().to_html()

    def scorecard(self):
        """The dark-social scorecard: ITS lifts, survey mentions and the ads share.

        Returns
        -------
        darksocial.scorecard.Scorecard
        """
        if "scorecard" in self.cache:
            return self.cache["scorecard"]
        from darksocial import scorecard as sc

        eff = self.effects()
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

    def scorecard_figure(self):
        """The scorecard grid (campaigns by signals, coloured by verdict).

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        card = self.scorecard()
        fig, ax = plt.subplots(
            figsize=(2.0 * len(card.signals) + 3.5, 0.55 * len(card.campaigns) + 1.6)
        )
        card.plot(ax=ax)
        ax.set_title("Dark-social signals per campaign (dot: estimate, line: interval)")
        fig.tight_layout()
        return fig

    def agreement_html(self) -> str:
        """One sentence per campaign on whether its signals agree (escaped HTML list).

        Returns
        -------
        str
        """
        card = self.scorecard()
        v = card.verdicts()
        items = "".join(
            f"<li><b>{escape(card.names[c])}.</b> {escape(v.at[c, 'agreement'])}</li>"
            for c in card.campaigns
        )
        note = (
            f"A signal counts as up or down when its {self.level}% interval excludes zero. "
            "Lifts are relative to what the model expected without the campaign; mentions "
            "are percentage-point changes in the share of survey answers naming the "
            "campaign's channel, same number of days before and after launch."
        )
        return f"<ul>{items}</ul><p><i>{escape(note)}</i></p>"

    def forest_figure(self):
        """Forest plot of the relative lifts, one panel per metric.

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        from darksocial import portfolio

        eff = self.effects()
        metrics = self.metrics
        pooled = self.pooled()
        pooled = pooled[pooled["pooled"]]
        n = eff["campaign"].nunique() + len(pooled) // max(len(metrics), 1)
        fig, axes = plt.subplots(
            1, len(metrics), figsize=(4.2 * len(metrics) + 3, 0.45 * n + 1.6), sharey=True,
            squeeze=False,
        )  # fmt: skip
        for ax, metric in zip(axes[0], metrics, strict=True):
            part = eff[eff["metric"] == metric]
            table = pd.DataFrame(
                {
                    "campaign": part["name"]
                    + " ("
                    + part["content_type"].str.replace("_", " ")
                    + ")",
                    "metric": metric,
                    "content_type": part["content_type"].str.replace("_", " "),
                    "estimate": part["relative"],
                    "lower": part["relative_lower"],
                    "upper": part["relative_upper"],
                }
            )
            pool = None
            if len(pooled):
                pool = pooled[pooled["metric"] == metric].assign(
                    content_type=lambda d: d["content_type"].str.replace("_", " ")
                )
            portfolio.forest_plot(table, pooled=pool, metric=metric, ax=ax)
            ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: f"{x:+.0%}"))
            ax.set_xlabel(f"relative lift ({self.level}% interval)")
            ax.set_title(METRICS[metric].label.capitalize())
        fig.tight_layout()
        return fig

    def show_campaigns(self) -> None:
        """Display the campaigns table, the scorecard with its sentences and the forest plot."""
        from IPython.display import HTML, display

        display(HTML(self.campaigns_html()))
        display(HTML("<h3>Do the signals agree?</h3>"))
        fig = self.scorecard_figure()
        display(fig)
        _close(fig)
        display(HTML(self.agreement_html()))
        display(HTML("<h3>Lifts side by side</h3>"))
        fig = self.forest_figure()
        display(fig)
        _close(fig)

    # -- content types ---------------------------------------------------------------------
    def content_type_table(self):
        """Relative lift per content type and metric, pooled where possible.

        Returns
        -------
        pandas.io.formats.style.Styler
        """
        p = self.pooled()
        out: dict[str, Any] = {}
        first = p.drop_duplicates("content_type").set_index("content_type")
        out["Campaigns"] = first["k"].map(number).to_numpy()
        out["Spend"] = [f"€{number(v)}" if pd.notna(v) else "n/a" for v in first["spend"]]
        for metric in self.metrics:
            part = p[p["metric"] == metric].set_index("content_type").reindex(first.index)
            out[f"{_SHORT.get(metric, METRICS[metric].label)}: lift ({self.level}% interval)"] = [
                f"{percent(r.estimate)} ({interval(r.lower, r.upper)})" for r in part.itertuples()
            ]
        out["Note"] = [
            "single campaign: not pooled" if k == 1 else note or "pooled"
            for k, note in zip(first["k"], first["note"].fillna(""), strict=True)
        ]
        index = pd.Index(first.index.str.replace("_", " "), name="Content type")
        return styled_table(pd.DataFrame(out, index=index))

    def content_type_html(self) -> str:
        """The content-type section: what could be pooled, in words, then the table.

        Returns
        -------
        str
        """
        p = self.pooled()
        per_type = p.groupby("content_type")["k"].max()
        if (per_type == 1).all():
            words = (
                f"Each of the {len(per_type)} content types has a single campaign, so no "
                "pooling is possible: the table shows each campaign's own lift under its "
                "content type. It cannot tell whether a content type works in general; run "
                "at least two or three campaigns of a type before comparing types."
            )
        else:
            pooled = sorted(per_type.index[per_type >= 2])
            single = sorted(per_type.index[per_type == 1])
            words = (
                f"Campaigns of the same type are pooled ({join_words([t.replace('_', ' ') for t in pooled])}) "
                "with a random-effects meta-analysis whose interval stays honest with few "
                "campaigns; fewer than three campaigns make a pooled lift fragile."
            )
            if single:
                words += (
                    f" {join_words([t.replace('_', ' ') for t in single]).capitalize()} "
                    f"{'has' if len(single) == 1 else 'have'} a single campaign, shown as it is."
                )
        return f"<p>{escape(words)}</p>" + self.content_type_table().to_html()

    def show_content_types(self) -> None:
        """Display the content-type section."""
        from IPython.display import HTML, display

        display(HTML(self.content_type_html()))

    # -- what people say -------------------------------------------------------------------
    def survey(self) -> pd.DataFrame | None:
        """The survey answers with their bucket, or None without a survey.

        Returns
        -------
        pandas.DataFrame or None
            The survey frame plus a ``bucket`` column (:func:`classify_answers`).
        """
        if "survey" not in self.cache:
            from darksocial import attribution

            s = getattr(self.sources, "survey", None)
            if s is None or s.empty or "answer" not in s.columns:
                self.cache["survey"] = None
            else:
                self.cache["survey"] = s.assign(bucket=attribution.classify_answers(s["answer"]))
        return self.cache["survey"]

    def mentions(self) -> dict[str, Any]:
        """Survey mentions of each campaign's channel before and after launch.

        Returns
        -------
        dict of str to darksocial.attribution.MentionsResult
            Campaigns whose content type has a survey bucket and whose windows hold answers.
        """
        if "mentions" not in self.cache:
            out = {}
            for cid, a in self.analyses.items():
                try:
                    res = a.mentions()
                except DataValidationError:
                    res = None  # no answers in one window: nothing to compare
                if res is not None:
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
        """
        if "gap" not in self.cache:
            from darksocial import attribution

            s = self.survey()
            ok = s is not None and "software_source" in s.columns
            self.cache["gap"] = (
                attribution.attribution_gap(s, bucket_col="bucket", alpha=self.alpha)
                if ok
                else None
            )
        return self.cache["gap"]

    def survey_figure(self):
        """Two panels: the dark-social share over time and the mix of answers.

        Returns
        -------
        matplotlib.figure.Figure or None
        """
        import matplotlib.pyplot as plt

        from darksocial import attribution

        share = self.dark_share()
        if share is None:
            return None
        s = self.survey()
        fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(11, 7.5), sharex=True)
        attribution.plot_dark_social_share(share, ax=ax1)
        ax1.set_ylim(0, max(0.2, float(np.nanmax(share["upper"])) * 1.15))
        ax1.set_ylabel("share naming a dark channel")
        period = "week" if self.freq == "W" else "month"
        ax1.set_title(f"Answers naming a dark-social channel, per {period}")
        for cid, a in self.analyses.items():
            ax1.axvline(a.window[0], color="0.6", linestyle=":", linewidth=1)
            ax1.annotate(
                self._short_name(cid), (a.window[0], 0.02), xycoords=("data", "axes fraction"),
                rotation=90, va="bottom", ha="right", fontsize=8, color="0.35",
            )  # fmt: skip
        ax1.legend(loc="upper left", frameon=False)
        mix = bucket_mix(s["bucket"], s["submitted_at"], freq=self.freq)
        plot_bucket_mix(mix, ax=ax2)
        ax2.set_title(f"What people answered, per {period} (blank answers left out)")
        ax2.set_xlabel(period)
        fig.tight_layout()
        return fig

    def _short_name(self, cid: str) -> str:
        name = self._name(cid)
        return name if len(name) <= 28 else name[:26] + "…"

    def gap_html(self) -> str:
        """The gap with software attribution: headline sentence and cross-tab.

        Returns
        -------
        str
        """
        gap = self.gap()
        if gap is None:
            return "<p><i>The survey export has no software source column: no comparison.</i></p>"
        level = f"{self.level}%"
        names = " or ".join(s.replace("_", " ").title() for s in gap.software_dark_sources)
        sentence = (
            f"Of the {number(gap.n)} leads that the analytics software attributed to {names} "
            f"and who answered the question, {number(gap.k)} "
            f"({percent(gap.share, signed=False)}; {level} interval "
            f"{percent(gap.lower, signed=False)} to {percent(gap.upper, signed=False)}) said "
            "they heard of us through a dark-social channel; "
            f"{number(gap.n_blank)} more left the answer blank. Software attribution credits "
            "these leads to the channel that only carried the last click."
        )
        tab = gap.crosstab.copy()
        tab.index = [str(i).replace("_", " ") for i in tab.index]
        tab.columns = [str(c).replace("_", " ").capitalize() for c in tab.columns]
        tab = tab.map(number)
        table = styled_table(
            tab, caption="Leads by what they said (rows) and what analytics recorded (columns)"
        ).to_html()
        return f"<p>{escape(sentence)}</p>{table}"

    def unclassified_html(self, *, top: int = 8) -> str:
        """How many answers no rule matched, and the most common ones (PII masked).

        Parameters
        ----------
        top : int, default 8
            Answers listed.

        Returns
        -------
        str
        """
        from darksocial import attribution

        s = self.survey()
        if s is None:
            return ""
        rest = attribution.unclassified(s["answer"], s["bucket"], mask=True)
        answered = int((s["bucket"] != attribution.BLANK).sum())
        n = int(rest["count"].sum()) if len(rest) else 0
        text = (
            f"{number(n)} of {number(answered)} non-blank answers "
            f"({percent(n / answered if answered else np.nan, signed=False)}) matched no "
            "channel rule and count as “other”."
        )
        if not n:
            return f"<p>{escape(text)}</p>"
        table = pd.DataFrame(
            {"Answers": rest["count"].head(top).map(number).to_numpy()},
            index=pd.Index(rest["answer"].head(top).map(attribution.mask_pii), name="Answer"),
        )
        text += " The most common, as written (personal data masked):"
        return f"<p>{escape(text)}</p>" + styled_table(table).to_html()

    def show_survey(self) -> None:
        """Display the survey section: share over time, mix, gap and unclassified answers."""
        from IPython.display import HTML, display

        fig = self.survey_figure()
        if fig is None:
            display(HTML("<p><i>No survey answers were provided.</i></p>"))
            return
        display(fig)
        _close(fig)
        display(HTML("<h3>What analytics misses</h3>"))
        display(HTML(self.gap_html()))
        display(HTML(self.unclassified_html()))

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

    def ads_html(self) -> str:
        """The ads section in words: response per 1,000 impressions and the share.

        Returns
        -------
        str
        """
        res = self.ad_lag()
        if res is None:
            return (
                "<p><i>The Meta export shows no ad delivery: nothing to relate to search.</i></p>"
            )
        within = min(ADS_WITHIN, res.max_lag)
        cum = res.cumulative(within)
        total = res.cumulative(res.max_lag)
        level = f"{self.level}%"
        verdict = (
            "Ads were followed by more branded search."
            if cum["lower"] > 0
            else "We cannot rule out that the ads brought no extra branded search."
        )
        parts = [
            f"Over {number(res.n_obs)} days, each 1,000 Meta impressions was followed by "
            f"{_num2(cum['estimate'])} extra branded search clicks within {within} days of "
            f"the ad ({level} interval {_num2(cum['lower'])} to {_num2(cum['upper'])}). "
            f"{verdict}"
        ]
        others = self._ads_overlaps(res)
        if others and res.max_lag > within:
            parts.append(
                f"Beyond {within} days the running total becomes uncertain ({level} interval "
                f"{_num2(total['lower'])} to {_num2(total['upper'])} at {res.max_lag} days): "
                f"{join_words(others)} ran during or right after the flight, and the model cannot tell "
                "their late effects apart."
            )
        share = self.ads_share()
        if share is not None:
            cid, s = share
            start, end = self.analyses[cid].window
            parts.append(
                f"From {day(start)} to {day(end)} ({self._name(cid)}), about "
                f"{percent(s['estimate'], signed=False)} of branded search clicks came "
                f"within {within} days of an ad ({level} interval "
                f"{interval(s['lower'], s['upper'])})."
            )
        parts.append(
            "This is an observational estimate with non-branded search and the other "
            "campaigns' windows as controls. With a single ad flight the day-by-day "
            "response is poorly separated, so read the running total (figure), not the "
            "individual days."
        )
        return "".join(f"<p>{escape(p)}</p>" for p in parts)

    def _ads_overlaps(self, res) -> list[str]:
        """Names of the non-paid campaigns running during the flight or its lags."""
        ads = res.data["ads"]
        on = ads.index[ads > 0]
        if on.empty:
            return []
        start, end = on[0], on[-1] + pd.Timedelta(days=res.max_lag)
        return [
            self._name(cid)
            for cid, a in self.analyses.items()
            if str(a.campaign.get("channel")) != "paid_social"
            and a.window[0] <= end
            and a.window[1] >= start
        ]

    def ads_figure(self):
        """Running total of extra branded clicks per 1,000 impressions, by days after the ad.

        Returns
        -------
        matplotlib.figure.Figure or None
        """
        import matplotlib.pyplot as plt

        from darksocial import adlag

        res = self.ad_lag()
        if res is None:
            return None
        fig, ax = plt.subplots(figsize=(9, 3.6))
        adlag.plot_ad_lag(res, cumulative=True, ax=ax)
        ax.set_ylabel("extra branded clicks\nper 1,000 impressions")
        ax.set_title(
            f"Branded search clicks after Meta ads: running total with {self.level}% interval"
        )
        ax.axvline(min(ADS_WITHIN, res.max_lag), color="0.6", linestyle=":", linewidth=1)
        fig.tight_layout()
        return fig

    def show_ads(self) -> None:
        """Display the ads section: sentences and the cumulative lag figure."""
        from IPython.display import HTML, display

        display(HTML(self.ads_html()))
        fig = self.ads_figure()
        if fig is not None:
            display(fig)
            _close(fig)

    # -- caveats and summary ---------------------------------------------------------------
    def caveats(self) -> list[str]:
        """What a reader should keep in mind, in plain words.

        Returns
        -------
        list of str
        """
        from darksocial.campaign import _plain_warning

        notes = []
        sc = getattr(self.sources, "search_console", None)
        if sc is not None and {"anonymized_clicks", "clicks"} <= set(sc.columns):
            total = float(sc["clicks"].sum())
            if total > 0:
                share = float(sc["anonymized_clicks"].sum()) / total
                notes.append(
                    f"Search Console hides rare queries: {percent(share, signed=False)} of "
                    "clicks come from anonymized queries that cannot be classified as branded. "
                    "Branded search is a lower bound, and so are the lifts in clicks."
                )
        per_type = self.pooled().groupby("content_type")["k"].max()
        if (per_type < 3).any():
            counts = ", ".join(f"{t.replace('_', ' ')}: {k}" for t, k in per_type.items())
            notes.append(
                f"Few campaigns per content type ({counts}): comparisons between content "
                "types are comparisons between campaigns, not evidence about the types."
            )
        notes.append(
            "Survey answers rely on memory (recall bias): people name the channel they "
            "remember, often the last or the most social one, and many skip the question."
        )
        pairs = set()
        for cid, a in self.analyses.items():
            for other in a.overlapping:
                if other in self.analyses:
                    pairs.add(tuple(sorted((cid, other))))
        if pairs:
            text = "; ".join(f"{self._name(a)} and {self._name(b)}" for a, b in sorted(pairs))
            notes.append(
                f"Overlapping campaigns ({text}): both are in the model, which splits the "
                "joint lift between them; that split is less certain than either total."
            )
        if self.ad_lag() is not None:
            notes.append(
                "The ads-to-search link is observational: a push elsewhere at the time of the "
                "flight would be partly credited to the ads."
            )
        skipped = self.skipped()
        if skipped:
            notes.append(
                f"Not analysed, because they launch outside the data: {', '.join(skipped)}."
            )
        first = next(iter(self.analyses.values()))
        seen = set()
        for metric, res in first.results.items():
            for warning in getattr(res.diagnostics, "warnings", ()) or ():
                plain = _plain_warning(warning, METRICS[metric].label)
                if plain is None or plain in seen:
                    continue
                seen.add(plain)
                if plain.startswith("missing:"):
                    notes.append(
                        f"{METRICS[metric].label.capitalize()}: {plain.split(':')[1]} days are "
                        "missing from the export (a tracking outage); they are left out of "
                        "the model, not counted as zero."
                    )
                else:
                    notes.append(plain)
        return notes

    def caveats_markdown(self) -> str:
        """The caveats as a Markdown list (escaped).

        Returns
        -------
        str
        """
        return "\n".join(f"- {escape(n)}" for n in self.caveats())

    def headline(self) -> str:
        """One line for the reports index.

        Returns
        -------
        str
        """
        eff = self.effects()
        metric = self.metrics[0]
        part = eff[eff["metric"] == metric]
        up = int((part["direction"] == "up").sum())
        text = f"{up} of {len(part)} campaigns lifted {METRICS[metric].label}"
        if up:
            best = part.loc[part["relative"].idxmax()]
            text += (
                f"; largest: {best['name']} {percent(best['relative'])} "
                f"({interval(best['relative_lower'], best['relative_upper'])})"
            )
        gap = self.gap()
        if gap is not None and np.isfinite(gap.share):
            text += (
                f"; {percent(gap.share, signed=False)} of Direct/Organic leads named dark social"
            )
        return text

    def summary(self) -> dict[str, Any]:
        """Headline numbers for ``summary.json``.

        Returns
        -------
        dict
            ``report``, ``alpha``, ``headline`` (the index line), ``campaigns`` (per
            campaign: name, content type, window and per metric estimate, lower, upper,
            relative, relative_lower, relative_upper, p_value, significant, model),
            ``attribution_gap`` and ``ads_share`` (None when not measured).
        """
        campaigns = {}
        for cid, a in self.analyses.items():
            s = a.summary()
            metrics = {
                m: {
                    k: v[k]
                    for k in (
                        "estimate",
                        "lower",
                        "upper",
                        "relative",
                        "relative_lower",
                        "relative_upper",
                        "p_value",
                        "significant",
                        "model",
                    )
                }  # fmt: skip
                for m, v in s["metrics"].items()
            }
            campaigns[cid] = {
                "name": s["name"],
                "content_type": str(a.campaign.get("content_type")),
                "window": s["window"],
                "metrics": metrics,
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
        return {
            "report": "overview",
            "alpha": self.alpha,
            "headline": self.headline(),
            "campaigns": campaigns,
            "attribution_gap": gap_out,
            "ads_share": ads_out,
        }


def overview_report(
    *,
    data_dir: str | Path = "",
    metrics=("branded_clicks", "direct_sessions", "deep_direct_sessions"),
    alpha: float = config.ALPHA,
    seed: int = config.SEED,
    freq: str = "MS",
    max_lag: int = 14,
) -> OverviewReport:
    """Validate the overview parameters, load the data and fit every metric once.

    Parameters
    ----------
    data_dir : str or path-like, optional
        Folder laid out like ``data/sample``; empty for the bundled sample.
    metrics : sequence of str
        Metrics to analyse (keys of :data:`darksocial.campaign.METRICS`).
    alpha : float, default 0.05
        One minus the interval level.
    seed : int, optional
        Seed of every simulation.
    freq : {"MS", "W"}, default "MS"
        Period of the survey shares: calendar months or weeks.
    max_lag : int, default 14
        Largest lag (days) of the ads-to-search model.

    Returns
    -------
    OverviewReport

    Raises
    ------
    ParameterError
        For an unknown metric or frequency, an alpha outside (0, 0.5) or a max_lag that
        is not a whole number of days between 1 and 60.
    """
    from darksocial.io import load_sample

    if not 0 < float(alpha) < 0.5:
        raise ParameterError(f"alpha={alpha!r} must be between 0 and 0.5 (0.05 gives 95%)")
    if freq not in ("MS", "W"):
        raise ParameterError(f"freq={freq!r} must be 'MS' (monthly) or 'W' (weekly)")
    if isinstance(max_lag, bool) or not isinstance(max_lag, int) or not 1 <= max_lag <= 60:
        raise ParameterError(f"max_lag={max_lag!r} must be a whole number of days from 1 to 60")
    metrics = list(metrics)
    unknown = [m for m in metrics if m not in METRICS]
    if unknown or not metrics:
        raise ParameterError(
            f"unknown metric {', '.join(map(repr, unknown)) or '(none given)'}; choose from "
            f"{', '.join(METRICS)}"
        )
    sources = load_sample(Path(data_dir) if data_dir else config.SAMPLE_DIR)
    analyses = analyze_campaigns(sources, metrics=metrics, alpha=float(alpha), seed=int(seed))
    return OverviewReport(
        sources=sources, analyses=analyses, alpha=float(alpha), freq=freq, max_lag=max_lag
    )


# --------------------------------------------------------------------------- helpers
_SHORT = {
    "branded_clicks": "Branded search",
    "branded_impressions": "Branded impressions",
    "direct_sessions": "Direct",
    "deep_direct_sessions": "Deep-page direct",
}


def _cost(est: float, lo: float, hi: float) -> str:
    if not np.isfinite(est):
        return "no measurable lift"
    low = f"€{number(lo, digits=2)}" if np.isfinite(lo) else "n/a"
    high = f"€{number(hi, digits=2)}" if np.isfinite(hi) else "no upper bound"
    return f"€{number(est, digits=2)} ({low} to {high})"


def _num2(x: float) -> str:
    return number(x, signed=True, digits=2)


def _close(fig) -> None:
    import matplotlib.pyplot as plt

    plt.close(fig)
