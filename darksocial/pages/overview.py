"""The sections of the dark-social overview report, ready to display.

The notebook ``notebooks/dark-social-overview.ipynb`` is a thin template: it calls
:func:`overview_page` once, then one method per section; each method returns a
:class:`Section` that displays itself (HTML and figures) and whose text tests can read
without running a notebook. The numbers come from :class:`darksocial.overview.OverviewReport`.

A section whose data the folder lacks (or holds too little of) shows one sentence saying
what is missing and which export would add it (with its menu path), and the rest of the
report runs; each section's outcome (ran / skipped, and why) goes to ``summary.json``.

Everything that comes from data (campaign names, survey answers) is HTML-escaped and
personal data in survey answers is masked; numbers go through :mod:`darksocial.formatting`,
spend in the data folder's currency.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from darksocial import config, plotting
from darksocial.campaign import (
    METRICS,
    NO_PERCENT,
    missing_reason,
    uncovered_periods,
    uncovered_sentence,
)
from darksocial.coverage import SOURCE_EXPORTS
from darksocial.errors import ParameterError
from darksocial.formatting import (
    escape,
    finite_or_none,
    interval,
    join_words,
    money,
    number,
    percent,
    percent_ticks,
    plural,
    styled_table,
    upper_first,
)
from darksocial.overview import ADS_WITHIN, OverviewReport, lift_text
from darksocial.pages.sections import (
    PAGE_HEAD,
    Section,
    SectionedPage,
    missing_sentence,
    not_used_sentence,
    unused_exports,
)
from darksocial.theme import Chart

__all__ = ["OverviewPage", "Section", "missing_sentence", "overview_page", "overview_report"]

#: Short metric names for table headers.
_SHORT = {
    "branded_clicks": "Branded search",
    "branded_impressions": "Branded impressions",
    "search_clicks": "All search",
    "brand_interest": "Brand interest (Trends)",
    "direct_sessions": "Direct",
    "deep_direct_sessions": "Deep-page direct",
}

#: Sources the overview reads, in the order the data section lists them.
_OVERVIEW_SOURCES = ("search_console", "trends", "ga4_channels", "direct_landing", "survey",
                     "meta_ads")  # fmt: skip


# --------------------------------------------------------------------------- the page
@dataclass
class OverviewPage(SectionedPage):
    """The overview report page: one method per section, each returning a :class:`Section`.

    Attributes
    ----------
    report : darksocial.overview.OverviewReport
        The numbers.
    sections : dict of str to Section
        Sections built so far, by name.
    """

    report: OverviewReport
    sections: dict[str, Section] = field(default_factory=dict)

    #: Section names, in page order.
    SECTIONS = ("data", "bottom_line", "campaigns", "content_types", "survey", "ads", "caveats")

    @property
    def level(self) -> int:
        """Interval level in percent."""
        return self.report.level

    def _money(self, value, *, digits: int | None = None) -> str:
        if value is None or pd.isna(value):
            return (
                "not given"  # as the content type (the campaign page: "not given in the calendar")
            )
        return money(value, self.report.currency, digits=digits)

    # -- data ----------------------------------------------------------------------------
    def data(self) -> Section:
        """What the report rests on: the exports found, the settings, what is left out.

        Returns
        -------
        Section
        """
        rep = self.report
        src = rep.sources
        present = [n for n in _OVERVIEW_SOURCES if getattr(src, n, None) is not None]
        # an export in the folder that cannot be used is "not used: why", never "missing"
        unusable = {
            e.kind: e for e in getattr(src, "exports", ()) or () if e.kind and e.source is None
        }
        absent = [n for n in _OVERVIEW_SOURCES if n not in present and n not in unusable]
        labels = {
            "search_console": "Search Console",
            "trends": "Google Trends",
            "ga4_channels": "GA4 traffic acquisition",
            "direct_landing": "GA4 landing pages",
            "survey": "survey answers",
            "meta_ads": "Meta ads",
        }
        parts = [PAGE_HEAD]
        found = join_words([labels[n] for n in present]) if present else "no export"
        text = f"This folder holds the campaign calendar and {found}."
        settings = getattr(src, "settings", None)
        if settings is not None and settings.inferred:
            text += " Inferred, not stated in darksocial.yml: " + "; ".join(
                f"{k} {_setting(getattr(settings, k))} ({how})"
                for k, how in settings.inferred.items()
            )
            text += "."
        parts.append(f"<p>{escape(text)}</p>")
        sc = getattr(src, "search_console", None)
        if sc is not None:
            notes = []
            if sc.attrs.get("page_filter"):
                notes.append(f"pages {sc.attrs['page_filter']}")
            if sc.attrs.get("country_filter"):
                notes.append(f"country {sc.attrs['country_filter']}")
            if notes:
                parts.append(
                    "<p>"
                    + escape(
                        "The Search Console export is filtered to "
                        + " and ".join(notes)
                        + ": its figures cover that part of the site only, not the whole site."
                    )
                    + "</p>"
                )
        items = [
            f"{upper_first(METRICS[m].label)}: {why}" for m, why in rep.skipped_metrics.items()
        ]
        items += [
            f"{rep.name(c)}: not measured; {why}" for c, why in rep.skipped_campaigns.items()
        ]
        if items:
            parts.append(
                "<p>Left out:</p><ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"
            )
        parts += unused_exports(getattr(src, "exports", ()))
        if absent:
            parts.append(
                "<p>Not in this folder (each would add to the report):</p><ul>"
                + "".join(
                    f"<li>{escape(labels[n])}: {escape(SOURCE_EXPORTS[n][0])}; "
                    f"{escape(SOURCE_EXPORTS[n][1])}.</li>"
                    for n in absent
                )
                + "</ul>"
            )
        return self._keep(Section("data", parts=parts))

    # -- bottom line ---------------------------------------------------------------------
    def _no_campaigns(self, name: str) -> Section | None:
        """The skipped section when no campaign could be measured, else None."""
        rep = self.report
        if rep.analyses:
            return None
        if name != "bottom_line":
            # the reason and its fix once, in the bottom line: a real overview repeated the
            # same long sentence in three sections
            return Section.skip(
                name, "Not run: no campaign could be measured (the bottom line says why)."
            )
        trends = getattr(rep.sources, "trends", None)
        if not rep.requested and trends is not None:
            # the terms as downloaded (it showed the columns' "صادرات_به_عراق"), and "no brand
            # is set" where none is (it said the terms "do not match the brand")
            why = (
                "No campaign can be measured: "
                + missing_reason(rep.sources, "brand_interest")
                + "; the folder holds no other series (a Search Console Performance export would add "
                "search clicks)."
            )
        elif not rep.requested:
            why = (
                "No campaign can be measured: the folder holds no series to measure it on. "
                f"{SOURCE_EXPORTS['search_console'][1]} adds search clicks; "
                f"{SOURCE_EXPORTS['ga4_channels'][1]} adds direct sessions; "
                f"{SOURCE_EXPORTS['trends'][1]} adds brand interest."
            )
        elif rep.skipped_campaigns and not all(m in rep.skipped_metrics for m in rep.requested):
            cid, first = next(iter(rep.skipped_campaigns.items()))
            # each reason ends with its own fix ("export a longer history"; or that Search
            # Console has no earlier data, where "export a range that starts well before the
            # first launch" contradicted it)
            more = len(rep.skipped_campaigns) - 1
            why = (
                "No campaign of the calendar can be measured: each launches outside the data "
                f"or with too little history before it. {rep.name(cid)}: {first.rstrip('.')}"
                + (
                    f". {plural(more, 'other campaign')} cannot be measured either; each report says why."
                    if more
                    else "."
                )
            )
        else:
            why = "No campaign can be measured: " + "; ".join(rep.skipped_metrics.values())
            why = why.rstrip(".") + "."
        return Section.skip(name, why)

    def bottom_line(self) -> Section:
        """A few plain sentences on the whole calendar.

        Returns
        -------
        Section
            Which campaigns lifted which metric, which content type did best (with the
            caveat when types have a single campaign), the survey gap and the ads.
        """
        skipped = self._no_campaigns("bottom_line")
        if skipped:
            return self._keep(skipped)
        rep = self.report
        eff = rep.effects()
        n = eff["campaign"].nunique()
        lines = []
        for metric in rep.metrics:
            part = eff[eff["metric"] == metric]
            up = part[part["direction"] == "up"]
            down = part[part["direction"] == "down"]
            label = METRICS[metric].label
            if len(up):
                names = join_words(
                    [
                        f"{escape(r.name)} ({escape(lift_text(r, with_interval=False))})"
                        for r in up.itertuples()
                    ]
                )
                text = (
                    f"<b>{escape(upper_first(label))}:</b> {len(up)} of {len(part)} campaigns "
                    f"lifted it: {names}."
                )
            else:
                text = f"<b>{escape(upper_first(label))}:</b> no campaign lifted it measurably."
            if len(down):
                text += f" It fell after {join_words([escape(x) for x in down['name']])}."
            if metric == "search_clicks":
                text += (
                    " These are all search clicks: the export cannot separate branded search, "
                    "so a lift may come from non-branded queries too."
                )
            lines.append(text)
        moved = eff.groupby("campaign")["significant"].any()
        if moved.any():
            # a campaign report doubts a lift its placebo check cannot confirm; this page
            # runs no placebo check (30 refits a campaign and signal), so it says so
            lines.append(
                "A lift here rests on each model's interval alone. Each campaign's own "
                "report also tests it against fake launch dates before the campaign (a "
                "placebo check) and says when that test cannot confirm it; so does the "
                "reports index. Read a lift with that verdict before acting on it."
            )
        still = [rep.name(c) for c in moved.index[~moved]]
        if still:
            lines.append(
                f"We cannot tell whether {join_words([escape(x) for x in still])} moved any "
                "signal: the intervals include zero."
            )
        best = self._best_content_type()
        if best:
            lines.append(best)
        gap = rep.gap()
        if gap is not None and np.isfinite(gap.share):
            lines.append(
                f"<b>What people say:</b> {percent(gap.share, signed=False)} of the leads that "
                "analytics credited to Direct or Organic Search named a dark-social channel "
                f"when asked ({self.level}% interval "
                f"{percent(gap.lower, signed=False)} to {percent(gap.upper, signed=False)})."
            )
        ads = rep.ads_share()
        if ads is not None:
            cid, share = ads
            # the verdict on branded search is the campaign report's; the ads-to-search
            # share only says how much of it came soon after an ad
            search = eff[(eff["campaign"] == cid) & (eff["metric"] == "branded_clicks")]
            rose = not search.empty and search["direction"].iloc[0] == "up"
            timing = (
                f"about {percent(share['estimate'], signed=False)} of branded clicks during "
                f"the campaign came within {ADS_WITHIN} days of an ad ({self.level}% interval "
                f"{percent(share['lower'], signed=False)} to {percent(share['upper'], signed=False)})"
            )
            if search.empty:
                text = f"the {escape(rep.name(cid))}: {timing}."
            elif rose and share["lower"] > 0:
                text = (
                    f"the {escape(rep.name(cid))} were followed by more branded search: {timing}."
                )
            else:
                r = search.iloc[0]
                text = (
                    f"branded search showed no clear change during the {escape(rep.name(cid))}: "
                    f"{escape(lift_text(r))}"
                    if not rose
                    else f"branded search rose during the {escape(rep.name(cid))}"
                )
                text += f"; {timing}."
            lines.append(f"<b>Ads:</b> {text}")
        head = (
            f"<p><b>{number(n)} campaign{'s' if n != 1 else ''}</b> measured against what "
            f"the models expect without {'them' if n != 1 else 'it'}.</p>"
        )
        body = "<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>"
        return self._keep(Section("bottom_line", parts=[head + body]))

    def _best_content_type(self) -> str | None:
        rep = self.report
        pooled = rep.pooled()
        metric = rep.metrics[0]
        part = pooled[(pooled["metric"] == metric) & pooled["estimate"].notna()]
        if part.empty:
            return None
        best = part.loc[part["estimate"].idxmax()]
        # a "best" type needs a rival and a lift we can tell apart from noise
        if part["content_type"].nunique() < 2 or not best["lower"] > 0:
            return None
        what = str(best["content_type"]).replace("_", " ")
        ci = interval(best["lower"], best["upper"])
        sure = (
            "its interval is above zero" if best["lower"] > 0 else "but its interval includes zero"
        )
        text = (
            f"<b>Best content type for {escape(METRICS[metric].label)}:</b> {escape(what)} "
            f"({percent(best['estimate'])}, {self.level}% interval {ci}; {sure})."
        )
        if (part["k"] == 1).all():
            text += (
                " Every content type has a single campaign, so this ranks campaigns, not "
                "content types: another campaign of the same type could do better or worse."
            )
        elif part["fragile"].any():
            text += (
                " Some content types have fewer than three campaigns: treat their pooled lift "
                "as fragile."
            )
        return text

    # -- every campaign ------------------------------------------------------------------
    def campaigns_table(self):
        """One row per campaign: content type, spend, lift per metric and cost per unit.

        Returns
        -------
        pandas.io.formats.style.Styler
        """
        rep = self.report
        eff = rep.effects()
        out = {}
        first = eff.drop_duplicates("campaign").set_index("campaign")
        out["Content type"] = (
            first["content_type"].str.replace("_", " ").fillna("not given").to_numpy()
        )
        out["Spend"] = [self._money(v) for v in first["spend"]]
        for metric in rep.metrics:
            part = eff[eff["metric"] == metric].set_index("campaign").reindex(first.index)
            spec = METRICS[metric]
            short = _SHORT.get(metric, spec.label)
            out[f"{short}: lift ({self.level}% interval)"] = [
                lift_text(r) for r in part.itertuples()
            ]
            if spec.count:
                unit = spec.unit.rstrip("s")
                out[f"{short}: cost per extra {unit}"] = [self._cost(r) for r in part.itertuples()]
        table = pd.DataFrame(out, index=first["name"].rename("Campaign"))
        return styled_table(table)

    def _cost(self, r) -> str:
        if pd.isna(r.average):
            return "not measured"
        if pd.isna(r.spend):
            return "no spend given"
        if not bool(r.cost_measured):
            return "no measurable lift"
        low = self._money(r.cost_lower, digits=2)
        high = (
            self._money(r.cost_upper, digits=2) if np.isfinite(r.cost_upper) else "no upper bound"
        )
        return f"{self._money(r.cost_per_unit, digits=2)} ({low} to {high})"

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
            "the interval includes zero).</p>"
        )
        return intro + self.campaigns_table().to_html()

    def scorecard_figure(self):
        """The scorecard grid (campaigns by signals, coloured by verdict).

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        from darksocial.theme import FIGURE_DPI, WIDE_FIGURE_PX

        card = self.report.scorecard()
        # at least a wide figure's width: its 8.5-point cell labels shrank to about 7 px on
        # a phone, where a wide figure scrolls sideways at 70% of its size instead
        width = max(2.0 * len(card.signals) + 3.5, (WIDE_FIGURE_PX + 1) / FIGURE_DPI)
        fig, ax = plt.subplots(figsize=(width, 0.55 * len(card.campaigns) + 1.6))
        card.plot(ax=ax)
        # two lines: on one, a card of one or two signals cut the title at both ends
        ax.set_title("Dark-social signals per campaign\n(dot: estimate, line: interval)")
        fig.tight_layout()
        return fig

    def agreement_html(self) -> str:
        """One sentence per campaign on whether its signals agree (escaped HTML list).

        Returns
        -------
        str
        """
        card = self.report.scorecard()
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

        rep = self.report
        eff = rep.effects()
        # a metric zero in most periods before launch for every campaign has no panel
        metrics = self._drawn_metrics()
        pooled = rep.pooled()
        pooled = pooled[pooled["pooled"]]
        n = eff["campaign"].nunique() + len(pooled) // max(len(metrics), 1)
        fig, axes = plt.subplots(
            1, len(metrics), figsize=(4.2 * len(metrics) + 3, 0.45 * n + 1.6), sharey=True,
            squeeze=False,
        )  # fmt: skip
        for ax, metric in zip(axes[0], metrics, strict=True):
            # a metric zero in most periods before launch has no relative lift to draw
            part = eff[(eff["metric"] == metric) & eff["relative"].notna()]
            kind = part["content_type"].str.replace("_", " ")
            table = pd.DataFrame(
                {
                    # a campaign without a content type is named alone (its "(None)" was NaN)
                    "campaign": part["name"] + (" (" + kind + ")").fillna(""),
                    "metric": metric,
                    "content_type": kind.fillna("not given"),
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
            plotting.plot_forest(portfolio.forest_data(table, pooled=pool, metric=metric), ax=ax)
            percent_ticks(ax.xaxis, signed=True)
            ax.set_xlabel(f"relative lift ({self.level}% interval)")
            # wrapped to the panel's width: "Google Trends interest in the brai" was cut
            ax.set_title(textwrap.fill(upper_first(METRICS[metric].label), width=30))
        fig.tight_layout()
        return fig

    def _drawn_metrics(self) -> list[str]:
        """Metrics with a relative lift for at least one campaign (the forest's panels)."""
        eff = self.report.effects()
        have = set(eff.loc[eff["relative"].notna(), "metric"])
        return [m for m in self.report.metrics if m in have]

    def campaigns(self) -> Section:
        """The campaigns table, the scorecard with its sentences and the forest plot.

        Returns
        -------
        Section
        """
        skipped = self._no_campaigns("campaigns")
        if skipped:
            return self._keep(skipped)
        parts: list[Any] = [self.campaigns_html(), "<h3>Do the signals agree?</h3>"]
        n = len(self.report.analyses)
        parts += [
            Chart(
                self.scorecard_figure(),
                alt=f"A grid of {plural(n, 'campaign')} (rows) by signal (columns): each dot "
                "is the estimate and its line the interval, green when the signal rose, "
                "grey when it showed no clear change, orange when it fell.",
            ),
            self.agreement_html(),
        ]
        parts.append("<h3>Lifts side by side</h3>")
        drawn = self._drawn_metrics()
        if drawn:
            parts.append(
                Chart(
                    self.forest_figure(),
                    alt=f"The relative lift of each of {plural(n, 'campaign')} with its "
                    "interval, one panel per metric; the vertical line at zero is no change.",
                )
            )
            left = [METRICS[m].label for m in self.report.metrics if m not in drawn]
            if left:
                parts.append(
                    f"<p>Not drawn: {escape(join_words(left))}, {NO_PERCENT} for every "
                    "campaign; the changes are in the table above, in their own units.</p>"
                )
            # a campaign without a percentage on a metric the figure draws for others
            eff = self.report.effects()
            off = eff[eff["metric"].isin(drawn) & eff["relative"].isna()]
            if len(off):
                each = [f"{r['name']} on {METRICS[r['metric']].label}" for _, r in off.iterrows()]
                parts.append(
                    f"<p>Not in the figure: {escape(join_words(each))}, {NO_PERCENT}; the "
                    "changes are in the table above, in their own units.</p>"
                )
        else:
            parts.append(
                f"<p>No relative lift to draw: every measured signal is {NO_PERCENT}; the "
                "changes are in the table above, in their own units.</p>"
            )
        return self._keep(Section("campaigns", parts=parts))

    # -- content types -------------------------------------------------------------------
    def content_type_table(self):
        """Relative lift per content type and metric, pooled where possible.

        Returns
        -------
        pandas.io.formats.style.Styler
        """
        rep = self.report
        p = rep.pooled()
        out: dict[str, Any] = {}
        first = p.drop_duplicates("content_type").set_index("content_type")
        spend = p.groupby("content_type")["spend"].max().reindex(first.index)
        eff = rep.effects()
        # every campaign of the type, pooled or left out (zero before launch)
        out["Campaigns"] = (
            eff.groupby("content_type")["campaign"].nunique().reindex(first.index).map(number)
        )
        out["Spend"] = [self._money(v) for v in spend]
        for metric in rep.metrics:
            part = p[p["metric"] == metric].set_index("content_type").reindex(first.index)
            out[f"{_SHORT.get(metric, METRICS[metric].label)}: lift ({self.level}% interval)"] = [
                f"{percent(r.estimate)} ({interval(r.lower, r.upper)})"
                if pd.notna(r.estimate)
                else "in units (see the campaigns table)"
                if isinstance(r.left_out, str) and r.left_out
                else "not measured"
                for r in part.itertuples()
            ]
        ks = p.groupby("content_type")["k"].max().reindex(first.index)
        out["Note"] = [
            "single campaign: not pooled" if k == 1 else note or "pooled"
            for k, note in zip(ks, first["note"].fillna(""), strict=True)
        ]
        table = pd.DataFrame(out)
        table.index = pd.Index(first.index.str.replace("_", " "), name="Content type")
        return styled_table(table)

    def content_types(self) -> Section:
        """The content-type section: what could be pooled, in words, then the table.

        Returns
        -------
        Section
        """
        skipped = self._no_campaigns("content_types")
        if skipped:
            return self._keep(skipped)
        eff = self.report.effects()
        untyped = list(dict.fromkeys(eff.loc[eff["content_type"].isna(), "name"]))
        if untyped and eff["content_type"].isna().all():
            # a content calendar without a type column: "pooled (None)" read as a type
            words = (
                "The calendar gives no content type, so campaigns cannot be compared by type: "
                "add a content_type column (podcast, short_video, event, webinar, newsletter, "
                "paid_social...)."
            )
            return self._keep(Section("content_types", parts=[f"<p>{escape(words)}</p>"]))
        p = self.report.pooled()
        if p.empty or p["estimate"].isna().all():
            words = (
                f"No relative lift to compare by content type: every measured signal is "
                f"{NO_PERCENT}. Each campaign's change is in the table of campaigns, in its own "
                "units."
            )
            return self._keep(Section("content_types", parts=[f"<p>{escape(words)}</p>"]))
        per_type = p.groupby("content_type")["k"].max()
        per_type = per_type[per_type > 0]
        if (per_type == 1).all():
            words = (
                f"Each of the {len(per_type)} content types has a single campaign, so no "
                "pooling is possible: the table shows each campaign's own lift under its "
                "content type. It cannot tell whether a content type works in general; run "
                "at least two or three campaigns of a type before comparing types."
            )
            if len(per_type) == 1:
                words = (
                    "There is a single campaign, so no pooling is possible: the table shows "
                    "its own lift. Run at least two or three campaigns of a type before "
                    "comparing types."
                )
        else:
            pooled = sorted(per_type.index[per_type >= 2])
            single = sorted(per_type.index[per_type == 1])
            words = (
                "Campaigns of the same type are pooled "
                f"({join_words([t.replace('_', ' ') for t in pooled])}) with a random-effects "
                "meta-analysis whose interval stays honest with few campaigns; fewer than "
                "three campaigns make a pooled lift fragile."
            )
            if single:
                words += (
                    f" {join_words([t.replace('_', ' ') for t in single]).capitalize()} "
                    f"{'has' if len(single) == 1 else 'have'} a single campaign, shown as it is."
                )
        left = list(dict.fromkeys(eff.loc[eff["sparse"], "name"]))
        if left:
            words += (
                f" Left out of the lifts by content type: {join_words(left)}, {NO_PERCENT}; "
                "the changes are in the campaigns table, in their own units."
            )
        if untyped:
            words += (
                f" Without a content type in the calendar, and so left out: {join_words(untyped)}."
            )
        html = f"<p>{escape(words)}</p>" + self.content_type_table().to_html()
        return self._keep(Section("content_types", parts=[html]))

    def content_type_html(self) -> str:
        """The content-type section's HTML (for tests and other pages).

        Returns
        -------
        str
        """
        return self.content_types().html

    # -- what people say -----------------------------------------------------------------
    def survey_figure(self):
        """Two panels: the dark-social share over time and the mix of answers.

        Returns
        -------
        matplotlib.figure.Figure or None
        """
        import matplotlib.pyplot as plt

        from darksocial.overview import bucket_mix

        rep = self.report
        share = rep.dark_share()
        if share is None:
            return None
        s = rep.survey()
        fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(11, 7.5), sharex=True)
        plotting.plot_dark_social_share(share, ax=ax1)
        upper = share["upper"].to_numpy(dtype=float)
        top = float(np.nanmax(upper)) if np.isfinite(upper).any() else 0.0
        ax1.set_ylim(0, max(0.2, top * 1.15))
        ax1.set_ylabel("share naming a dark channel")
        period = "week" if rep.freq == "W" else "month"
        ax1.set_title(f"Answers naming a dark-social channel, per {period}")
        for cid, a in rep.analyses.items():
            ax1.axvline(a.window[0], color="0.6", linestyle=":", linewidth=1)
            ax1.annotate(
                self._short_name(cid), (a.window[0], 0.02), xycoords=("data", "axes fraction"),
                rotation=90, va="bottom", ha="right", fontsize=8, color="0.35",
            )  # fmt: skip
        ax1.legend(loc="upper left", frameon=False)
        # answers naming a calendar campaign ("ToolExpo") count as its channel here
        mix = bucket_mix(s.get("mix_bucket", s["bucket"]), s["submitted_at"], freq=rep.freq)
        plotting.plot_bucket_mix(mix, ax=ax2)
        ax2.set_title(f"What people answered, per {period} (blank answers left out)")
        ax2.set_xlabel(period)
        fig.tight_layout()
        return fig

    def _short_name(self, cid: str) -> str:
        name = self.report.name(cid)
        return name if len(name) <= 28 else name[:26] + "…"

    def gap_html(self) -> str:
        """The gap with software attribution: headline sentence and cross-tab.

        Returns
        -------
        str
        """
        rep = self.report
        gap = rep.gap()
        if gap is None:
            s = rep.survey()
            if s is not None and "software_source" not in s.columns:
                why = (
                    "The survey export has no column with the source analytics recorded for "
                    "each lead, so what people say cannot be set against software "
                    "attribution; export the answers with the lead's original source (HubSpot: "
                    "Original Source) to add it."
                )
            else:
                why = (
                    "No answering lead was credited to Direct or Organic Search by analytics, "
                    "so there is no gap with software attribution to measure."
                )
            return f"<p><i>{escape(why)}</i></p>"
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

        s = self.report.survey()
        if s is None:
            return ""
        mixed = s.get("mix_bucket", s["bucket"])
        rest = attribution.unclassified(s["answer"], mixed, mask=True)
        answered = int((s["bucket"] != attribution.BLANK).sum())
        n = int(rest["count"].sum()) if len(rest) else 0
        if not answered:
            return "<p>Every answer is blank.</p>"
        text = (
            f"{number(n)} of {number(answered)} non-blank answers "
            f"({percent(n / answered, signed=False)}) matched no channel rule and count as "
            "“other”."
        )
        named = (s["bucket"] != mixed) & (s["bucket"] == attribution.OTHER)
        if named.any():
            example = attribution.mask_pii(str(s.loc[named, "answer"].value_counts().index[0]))
            text += (
                f" {number(int(named.sum()))} more name a campaign of the calendar "
                f"(“{example}”) and count as its channel in the answer mix; the shares above "
                "count channel words only."
            )
        if not n:
            return f"<p>{escape(text)}</p>"
        table = pd.DataFrame(
            {"Answers": rest["count"].head(top).map(number).to_numpy()},
            index=pd.Index(rest["answer"].head(top).map(attribution.mask_pii), name="Answer"),
        )
        text += " The most common, as written (personal data masked):"
        return f"<p>{escape(text)}</p>" + styled_table(table).to_html()

    def survey(self) -> Section:
        """The survey section: share over time, mix, gap and unclassified answers.

        Returns
        -------
        Section
        """
        from darksocial import attribution

        s = self.report.survey()
        if s is None:
            has = not_used_sentence(self.report.sources, ("survey",))
            why = (
                f"No survey answers could be read: {has}."
                if has
                else missing_sentence("No survey answers in this folder", "survey")
            )
            return self._keep(Section.skip("survey", why))
        if not int((s["bucket"] != attribution.BLANK).sum()):
            why = (
                "Every survey answer is blank: check that the export's answer column is the "
                "“How did you hear about us?” field."
            )
            return self._keep(Section.skip("survey", why))
        parts: list[Any] = [
            Chart(
                self.survey_figure(),
                alt="Top: the share of survey answers naming a dark-social channel over time, "
                "with its interval and dotted lines at campaign launches. Bottom: the mix of "
                "answers by channel over time.",
            ),
            "<h3>What analytics misses</h3>",
        ]
        parts += [self.gap_html(), self.unclassified_html()]
        return self._keep(Section("survey", parts=parts))

    # -- ads to branded search -----------------------------------------------------------
    def ads_html(self) -> str:
        """The ads section in words: response per 1,000 impressions and the share.

        Returns
        -------
        str
        """
        rep = self.report
        res = rep.ad_lag()
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
        others = rep.ads_overlaps(res)
        if others and res.max_lag > within:
            parts.append(
                f"Beyond {within} days the running total becomes uncertain ({level} interval "
                f"{_num2(total['lower'])} to {_num2(total['upper'])} at {res.max_lag} days): "
                f"{join_words(others)} ran during or right after the flight, and the model "
                "cannot tell their late effects apart."
            )
        share = rep.ads_share()
        if share is not None:
            cid, s = share
            analysis = rep.analyses[cid]
            from darksocial.formatting import day

            parts.append(
                f"From {day(analysis.window[0])} to {day(analysis.last_day)} "
                f"({rep.name(cid)}), about "
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

    def ads_figure(self):
        """Running total of extra branded clicks per 1,000 impressions, by days after the ad.

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        res = self.report.ad_lag()
        fig, ax = plt.subplots(figsize=(9, 3.6))
        plotting.plot_ad_lag(res, cumulative=True, ax=ax)
        ax.set_ylabel("extra branded clicks\nper 1,000 impressions")
        ax.set_title(
            f"Branded search clicks after Meta ads: running total with {self.level}% interval"
        )
        ax.axvline(min(ADS_WITHIN, res.max_lag), color="0.6", linestyle=":", linewidth=1)
        fig.tight_layout()
        return fig

    def ads(self) -> Section:
        """The ads section: sentences and the cumulative lag figure.

        Returns
        -------
        Section
        """
        from darksocial.overview import ads_needs

        rep = self.report
        why = ads_needs(rep.sources)
        if why is None and rep.ad_lag() is None:
            why = "the ads-to-search model could not be fitted on these data"
        if why is not None:
            sentence = f"Ads to branded search is not measured: {why}."
            if getattr(rep.sources, "meta_ads", None) is None:
                sentence += f" {SOURCE_EXPORTS['meta_ads'][1]} would add it."
            elif getattr(rep.sources, "search_console", None) is None or "separate" in why:
                sentence += (
                    " Two Search Console Performance exports, one filtered to queries "
                    "containing the brand and one to queries not containing it (Search "
                    "Console → Performance → + Add filter → Query → Export), would add it."
                )
            return self._keep(Section.skip("ads", sentence))
        chart = Chart(
            self.ads_figure(),
            alt="The running total of extra branded search clicks per 1,000 Meta ad "
            "impressions, by days after the ad, with its interval.",
        )
        return self._keep(Section("ads", parts=[self.ads_html(), chart]))

    # -- caveats and summary -------------------------------------------------------------
    def caveat_list(self) -> list[str]:
        """What a reader should keep in mind, in plain words.

        Returns
        -------
        list of str
        """
        from darksocial.campaign import PERIOD_WORDS

        rep = self.report
        notes = []
        sc = getattr(rep.sources, "search_console", None)
        if (
            sc is not None
            and "branded_clicks" in rep.metrics
            and {"anonymized_clicks", "clicks"} <= set(sc.columns)
        ):
            total = float(sc["clicks"].sum())
            anon = float(sc["anonymized_clicks"].sum())
            if total > 0 and np.isfinite(anon):
                notes.append(
                    f"Search Console hides rare queries: {percent(anon / total, signed=False)} "
                    "of clicks come from anonymized queries that cannot be classified as "
                    "branded. Branded search is a lower bound, and so are the lifts in clicks."
                )
        if "search_clicks" in rep.metrics:
            notes.append(
                "Search is measured as all search clicks, branded and non-branded together: "
                "the export cannot separate brand queries, so a lift there may come from "
                "non-branded search (seasonality, rankings)."
            )
        if "brand_interest" in rep.metrics:
            # the campaign reports read a mostly-zero index in index points, not as a
            # relative change: the caveat said "read its lift as a relative change" there
            in_points = any("brand_interest" in a.sparse_metrics() for a in rep.analyses.values())
            notes.append(
                "Google Trends interest is a sampled 0-100 index, not a count: read its "
                "change in index points (or as a relative change where the tables give one), "
                "not as searches."
                if in_points
                else "Google Trends interest is a sampled 0-100 index, not a count: read its "
                "lift as a relative change in interest, not as searches."
            )
        pooled = rep.pooled()
        if len(pooled):
            # a type counts all its campaigns, those left out of its pooled lift too
            per_type = rep.effects().groupby("content_type")["campaign"].nunique()
            if (per_type < 3).any() and len(per_type) > 1:
                counts = ", ".join(f"{t.replace('_', ' ')}: {k}" for t, k in per_type.items())
                notes.append(
                    f"Few campaigns per content type ({counts}): comparisons between content "
                    "types are comparisons between campaigns, not evidence about the types."
                )
        if rep.survey() is not None:
            notes.append(
                "Survey answers rely on memory (recall bias): people name the channel they "
                "remember, often the last or the most social one, and many skip the question."
            )
        pairs = set()
        for cid, a in rep.analyses.items():
            for other in a.overlapping:
                if other in rep.analyses:
                    pairs.add(tuple(sorted((cid, other))))
        if pairs:
            text = "; ".join(f"{rep.name(a)} and {rep.name(b)}" for a, b in sorted(pairs))
            notes.append(
                f"Overlapping campaigns ({text}): both are in the model, which splits the "
                "joint lift between them; that split is less certain than either total."
            )
        if rep.ad_lag() is not None:
            notes.append(
                "The ads-to-search link is observational: a push elsewhere at the time of the "
                "flight would be partly credited to the ads."
            )
        skipped = rep.skipped()
        if skipped:
            # each with its own reason, as the data section gives it (a window between two
            # exports was "launch outside the data or too early in it")
            notes.append(
                "Not analysed: "
                + "; ".join(
                    f"{rep.name(c)} ({rep.skipped_campaigns[c]})"
                    if rep.skipped_campaigns.get(c)
                    else rep.name(c)
                    for c in skipped
                )
                + "."
            )
        seen = set()
        for metric in rep.metrics:
            analysis = next(a for a in rep.analyses.values() if metric in a.results)
            res = analysis.results[metric]
            label = METRICS[metric].label
            period = PERIOD_WORDS[res.freq]
            for note in getattr(res, "notes", ()) or ():
                if note not in seen:
                    seen.add(note)
                    notes.append(str(note))
            for warning in getattr(res.diagnostics, "warnings", ()) or ():
                if warning.code == "missing_values":
                    ranges = uncovered_periods(analysis.sources, metric, res.y)
                    n = warning.n - sum(k for _, _, k in ranges)
                    plain = " ".join(
                        ([uncovered_sentence(label, ranges, period)] if ranges else [])
                        + (
                            [
                                f"{upper_first(label)}: {plural(n, period)} "
                                f"{'is' if n == 1 else 'are'} missing from the export "
                                "(an outage, or days it does not hold); they are left out of "
                                "the model, not "
                                "counted as zero."
                            ]
                            if n > 0
                            else []
                        )
                    )
                else:
                    plain = analysis.warning_sentence(metric, warning)
                if plain is None or plain in seen:
                    continue
                seen.add(plain)
                notes.append(plain)
        return notes

    def caveats(self) -> Section:
        """The caveats as a list.

        Returns
        -------
        Section
        """
        notes = self.caveat_list()
        if not notes:
            notes = ["Nothing beyond the intervals shown."]
        html = "<ul>" + "".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul>"
        return self._keep(Section("caveats", parts=[html]))

    def summary(self) -> dict[str, Any]:
        """Headline numbers and section outcomes for ``summary.json``.

        Returns
        -------
        dict
            :meth:`darksocial.overview.OverviewReport.summary` plus ``sections`` (name ->
            ``status`` "ran" or "skipped" and ``why``); no NaN anywhere (None instead).
        """
        out = self.report.summary()
        out["sections"] = self.section_records()
        return finite_or_none(out)


def overview_report(
    *,
    data_dir: str | Path = "",
    metrics=(),
    alpha: float = config.ALPHA,
    seed: int = config.SEED,
    freq: str = "MS",
    max_lag: int = 14,
    country: str = "",
    currency: str = "",
    brand=(),
    data_cache: str | Path = "",
) -> OverviewReport:
    """Validate the overview parameters, load the data folder and fit every metric once.

    Parameters
    ----------
    data_dir : str or path-like, optional
        The data folder (exports as downloaded, with a campaign calendar); empty for the
        bundled sample.
    metrics : sequence of str, optional
        Metrics to analyse (keys of :data:`darksocial.campaign.METRICS`); empty for every
        metric the data support.
    alpha : float, default 0.05
        One minus the interval level.
    seed : int, optional
        Seed of every simulation.
    freq : {"MS", "W"}, default "MS"
        Period of the survey shares: calendar months or weeks.
    max_lag : int, default 14
        Largest lag (days) of the ads-to-search model.
    country, currency, brand : optional
        Override the data folder's settings (``darksocial.yml``) for this run.
    data_cache : str or path-like, optional
        The data ``darksocial report`` already read (see
        :func:`darksocial.pages.params.resolve_report_params`); empty to read the folder.

    Returns
    -------
    OverviewReport
        Metrics asked for that the data lack are in ``skipped_metrics``, with the export
        that would add them.

    Raises
    ------
    ParameterError
        For an unknown metric or frequency, an alpha outside (0, 0.5) or a max_lag that
        is not a whole number of days between 1 and 60.
    DataFormatError
        If the folder is missing, has no calendar, or an export cannot be read.
    """
    from darksocial.overview import analyze_available
    from darksocial.pages.params import resolve_report_params

    if freq not in ("MS", "W"):
        raise ParameterError(f"freq={freq!r} must be 'MS' (monthly) or 'W' (weekly)")
    if isinstance(max_lag, bool) or not isinstance(max_lag, int) or not 1 <= max_lag <= 60:
        raise ParameterError(f"max_lag={max_lag!r} must be a whole number of days from 1 to 60")
    params = resolve_report_params(
        data_dir=data_dir,
        data_cache=data_cache,
        metrics=list(metrics or ()),
        alpha=alpha,
        seed=seed,
        country=country,
        currency=currency,
        brand=brand,
    )
    analyses, skipped, left_out = ({}, {}, {})
    if params.metrics:
        analyses, skipped, left_out = analyze_available(
            params.sources, metrics=params.metrics, alpha=params.alpha, seed=params.seed
        )
    return OverviewReport(
        sources=params.sources,
        analyses=analyses,
        alpha=params.alpha,
        freq=freq,
        max_lag=max_lag,
        requested=list(params.metrics),
        skipped_metrics={**params.skipped_metrics, **skipped},
        skipped_campaigns=left_out,
    )


def overview_page(**params: Any) -> OverviewPage:
    """Check the overview notebook's parameters, load the data, fit, and return the page.

    Parameters
    ----------
    **params
        The notebook's parameters, as :func:`overview_report` takes them (``data_dir``,
        ``metrics``, ``alpha``, ``seed``, ``freq``, ``max_lag``, ``country``, ``currency``,
        ``brand``, ``data_cache``).

    Returns
    -------
    OverviewPage

    Raises
    ------
    ParameterError
        As :func:`overview_report`.
    """
    from darksocial.theme import report_theme

    report_theme()
    return OverviewPage(overview_report(**params))


def _num2(x: float) -> str:
    return number(x, signed=True, digits=2)


def _setting(value) -> str:
    return ", ".join(value) if isinstance(value, tuple) else str(value)
