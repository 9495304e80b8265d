"""The sections of the campaign impact report, ready to display.

The notebook ``notebooks/campaign-impact.ipynb`` is a thin template: it calls
:func:`campaign_report` once, shows the bottom line, then one ``*_section`` method per
section; each returns a :class:`~darksocial.pages.sections.Section` that displays itself
(HTML and figures) and whose text tests can read without running a notebook. Figures,
tables and sentences also have their own methods (:meth:`CampaignReport.metric_chart`,
:meth:`CampaignReport.metric_html`...).

A section whose data the folder lacks (or holds too little of) shows one sentence saying
what is missing and which export would add it, and the rest of the report runs; each
section's outcome (ran / skipped, and why) goes to ``summary.json``, as on the overview
and explore pages (:class:`~darksocial.pages.sections.SectionedPage`).

Everything that comes from data (campaign names, survey answers) is HTML-escaped; numbers
go through :mod:`darksocial.formatting`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from darksocial import config
from darksocial.campaign import (
    METRICS,
    PERIOD_WORDS,
    PLACEBO_DOUBTS,
    CampaignAnalysis,
    campaign_analysis,
    fit_each,
    metric_label,
    missing_reason,
    period_last_day,
    placebo_verdict,
)
from darksocial.checks import METHOD_WORDS, MODEL_WORDS
from darksocial.coverage import MIN_SURVEY_ANSWERS, SOURCE_EXPORTS
from darksocial.errors import ParameterError
from darksocial.formatting import (
    day,
    escape,
    finite_or_none,
    given_text,
    interval,
    join_words,
    money,
    number,
    p_value,
    percent,
    plural,
    styled_table,
    upper_first,
)
from darksocial.pages.sections import (
    PAGE_HEAD,
    Section,
    SectionedPage,
    not_used_sentence,
    source_table,
    unused_exports,
)
from darksocial.safetext import ANSWER_DISPLAY_LIMIT, markdown_text
from darksocial.theme import Chart

__all__ = ["CampaignReport", "campaign_report"]


@dataclass
class CampaignReport(SectionedPage):
    """One campaign's report: the analysis, the checks run for it, and its sections.

    Each ``*_section`` method returns a :class:`~darksocial.pages.sections.Section` that
    displays itself (HTML and figures); the bottom line and the caveats are always shown.

    Attributes
    ----------
    analysis : darksocial.campaign.CampaignAnalysis
        The fitted models, one per metric.
    checks : dict
        Results of the checks run so far (``placebo_in_time``, ``placebo_in_space``,
        ``triangulation``, ``mentions``), used by :meth:`summary`.
    sections : dict of str to Section
        Sections built so far, by name.
    """

    analysis: CampaignAnalysis
    checks: dict[str, Any] = field(default_factory=dict)
    sections: dict[str, Section] = field(default_factory=dict)

    #: Section names, in page order.
    SECTIONS = (
        "data",
        "search",
        "direct",
        "triangulation",
        "placebo_in_time",
        "placebo_in_space",
        "survey",
    )
    SECTION_METHODS = {name: f"{name}_section" for name in SECTIONS}

    @property
    def headline_metric(self) -> str | None:
        """The metric the checks run on: the first measured one."""
        return next(iter(self.analysis.results), None)

    # -- header and data ---------------------------------------------------------------------
    def header_html(self) -> str:
        """The campaign's name, channel, dates and spend as an HTML block.

        Returns
        -------
        str
        """
        row = self.analysis.campaign
        start = self.analysis.first_day
        spend = row.get("spend")
        facts = [
            ("Campaign", escape(_given(row.get("name"), self.analysis.campaign_id))),
            ("Channel", escape(_given(row.get("channel")))),
            ("Content type", escape(_given(row.get("content_type")).replace("_", " "))),
            (
                # a campaign no series could measure was "Evaluated" all the same
                "Evaluated" if self.analysis.results else "Window (not measured)",
                f"{day(start)} to {day(self.analysis.last_day)} "
                f"({plural(self.analysis.periods(), self.analysis.period)})",
            ),
            (
                "Spend",
                money(spend, self._settings().currency)
                if spend is not None and not pd.isna(spend)
                else _given(None),  # it read "n/a" where the overview said "none given"
            ),
        ]
        launch, end = row.get("launch"), row.get("end")
        end = end if isinstance(end, pd.Timestamp) and not pd.isna(end) else None
        if pd.Timestamp(launch) != start or (end is not None and end != self.analysis.last_day):
            # weekly data measure whole weeks: "28 Feb 2021 to 3 Apr 2021 (5 weeks)" for a
            # campaign of 1 to 28 March read as the wrong dates without the calendar's own
            shown = day(launch) + (f" to {day(end)}" if end is not None else "")
            facts.insert(4, ("In the calendar", shown))
        notes = row.get("notes")
        if isinstance(notes, str) and notes.strip():
            facts.append(("Notes", escape(notes)))
        cells = "".join(
            f"<tr><th style='text-align:left;padding-right:1em'>{k}</th><td>{v}</td></tr>"
            for k, v in facts
        )
        return f"{PAGE_HEAD}<table>{cells}</table>"

    def _settings(self):
        from darksocial.io import Settings

        return getattr(self.analysis.sources, "settings", None) or Settings()

    def data_html(self) -> str:
        """The data section: sources table, settings, and what missing exports would add.

        Returns
        -------
        str
        """
        parts = [self.sources_table().to_html()]
        settings = self._settings()
        facts = []
        if settings.country:
            facts.append(f"public holidays of {escape(settings.country)}")
        else:
            why = settings.unknown.get("country")  # "...are close: Philippines 10 clicks, ..."
            facts.append(
                "no public holidays ("
                + (f"{escape(why)}; " if why else "")
                + "set <code>country</code> in darksocial.yml to add them)"
            )
        if settings.currency:
            facts.append(f"spend in {escape(settings.currency)}")
        if settings.time_zone:
            facts.append(f"dates in the {escape(settings.time_zone)} time zone")
        inferred = [
            f"{escape(k.replace('_', ' '))} {escape(v)}" for k, v in settings.inferred.items()
        ]
        text = "The models use " + ", ".join(facts) + "."
        if inferred:
            text += " Inferred, not stated in darksocial.yml: " + "; ".join(inferred) + "."
        if settings.brand:
            text += " Brand terms: " + escape(", ".join(settings.brand)) + "."
        parts.append(f"<p>{text}</p>")
        sc = getattr(self.analysis.sources, "search_console", None)
        if sc is not None:
            scope = _search_scope(sc)
            if scope:
                parts.append(f"<p>{escape(scope)}</p>")
        start, end = self.analysis.window
        for name, what in (("meta_ads", "Meta ads"), ("linkedin_ads", "LinkedIn ads")):
            ads = getattr(self.analysis.sources, name, None)
            if ads is None or not len(ads.index):
                continue
            if ads.index[0] > end or ads.index[-1] < start:
                parts.append(
                    f"<p>The {what} export covers {day(ads.index[0])} to "
                    f"{day(ads.index[-1])}, not this campaign's window: it says nothing "
                    "about this campaign's ads. Export the campaign's period, broken down by "
                    "day, to add spend and impressions.</p>"
                )
        parts += unused_exports(getattr(self.analysis.sources, "exports", ()))
        missing = [
            (name, adds, how)
            for name, (adds, how) in SOURCE_EXPORTS.items()
            if name in _CAMPAIGN_SOURCES
            and getattr(self.analysis.sources, name, None) is None
            and not any(e.kind == name for e in getattr(self.analysis.sources, "exports", ()))
        ]
        if missing:
            items = "".join(
                f"<li><b>{escape(upper_first(adds))}</b>: {escape(how)}.</li>"
                for _, adds, how in missing
            )
            parts.append(
                f"<p>Not in this data folder, and what each would add:</p><ul>{items}</ul>"
            )
        return "\n".join(parts)

    def data_section(self) -> Section:
        """The data section (:meth:`data_html`).

        Returns
        -------
        Section
        """
        return self._keep(Section("data", parts=[self.data_html()]))

    def sources_table(self):
        """Each source with its dates, frequency and gaps, formatted for the report.

        Returns
        -------
        pandas.io.formats.style.Styler
        """
        return styled_table(source_table(self.analysis.sources).set_index("Source"))

    # -- metrics -------------------------------------------------------------------------------
    def metric_figure(self, metric: str, *, weekly: bool | None = None):
        """This campaign's figure on one metric: context, zoom, its effect and its total.

        Parameters
        ----------
        metric : str
        weekly : bool, optional
            Average the zoom by week from launch; by default for daily data, whose
            weekday cycle hides a lift (display only: the model stays daily).

        Returns
        -------
        matplotlib.figure.Figure
            Drawn by :func:`darksocial.its.plotting.plot_campaign`: only this campaign's
            window is shaded, and the running total ends at the total the text states.
        """
        from darksocial.campaign import period_word
        from darksocial.its.plotting import plot_campaign

        result = self._result(metric)
        label = metric_label(self.analysis.sources, metric)
        spec = METRICS[metric]
        return plot_campaign(
            result,
            self.analysis.campaign_id,
            unit=spec.unit,
            period=period_word(result.y.index),
            weekly=result.freq == "D" if weekly is None else weekly,
            count=spec.count,
            title=upper_first(label),
        )

    def metric_chart(self, metric: str):
        """The metric's figure with its alt text and a caption naming what each colour shows.

        Parameters
        ----------
        metric : str

        Returns
        -------
        darksocial.theme.Chart
        """
        from darksocial.its.plotting import ZOOM_BEFORE, campaign_plot_data
        from darksocial.theme import BAND_COLOUR, OBSERVED_COLOUR, WINDOW_COLOUR

        result = self._result(metric)
        row = self.analysis.effects_frame().loc[metric]
        label = row.label
        start, end = result.windows[self.analysis.campaign_id]
        level = int(round((1 - self.analysis.alpha) * 100))
        weekly = result.freq == "D"
        verdict = {"up": "rose", "down": "fell", "no clear change": "showed no clear change"}[
            row.direction
        ]
        count = METRICS[metric].count
        # the zoom in the series' own period: 28 days (four weeks), 4 weeks or 4 months
        n, unit = ZOOM_BEFORE[result.freq]
        weeks, rest = divmod(n, 7)
        lead = (plural(weeks, "week") if unit == "day" and not rest else plural(n, unit)).replace(
            "4 ", "four ", 1
        )
        alt = (
            f"{upper_first(label)} from {plural(n, unit)} before launch to "
            f"the end of the campaign's window ({day(start)} to "
            f"{day(period_last_day(end, result.freq))}), observed against "
            f"expected without the campaign: it {verdict}"
            + (f", {number(row.cumulative, signed=True)} {row.unit} in total." if count else ".")
        )
        caption = (
            f"Top: the whole history, the campaign's window in {WINDOW_COLOUR[1]} and the "
            f"zoomed period in grey. Below, from {lead} before launch (the campaign's "
            f"window between the dotted {WINDOW_COLOUR[1]} lines, under the {WINDOW_COLOUR[1]} "
            "bar): "
            f"{OBSERVED_COLOUR[1]}, observed; {BAND_COLOUR[1]} dashed line and band, what "
            f"the model expects without this campaign ({level}% interval)"
            + (", as weekly averages of daily values" if weekly else "")
            + (
                " (drawn no lower than zero, since "
                + (
                    f"there cannot be fewer than no {row.unit}"
                    if count
                    else "the index cannot go lower"
                )
                + "; the model adds effects up on the original scale and reaches below zero "
                "here)"
                if campaign_plot_data(result, self.analysis.campaign_id, weekly=weekly).attrs[
                    "floored"
                ]
                else ""
            )
            + f"; then this campaign's effect per {row.period}"
            + (
                ", and its running total over the window, ending at the total stated below"
                if count
                else ""
            )
            + ". Only this campaign's effect is drawn; other campaigns' effects are left out."
        )
        return Chart(self.metric_figure(metric), alt=alt, caption=caption)

    def metric_html(self, metric: str) -> str:
        """The effect of the campaign on one metric as a sentence and a small table.

        Parameters
        ----------
        metric : str

        Returns
        -------
        str
        """
        row = self.analysis.effects_frame().loc[metric]
        level = int(round((1 - self.analysis.alpha) * 100))
        verdict = {
            "up": "rose",
            "down": "fell",
            "no clear change": "showed no clear change",
        }[row.direction]
        per = f" a {row.period}" if METRICS[metric].count else ""
        level_words = (
            f"{number(row.observed)} {escape(row.unit)}{per} against "
            if METRICS[metric].count
            else f"an index of {number(row.observed)} on average against "
        )
        sparse = metric in self.analysis.sparse_metrics()
        # mostly zeros before launch: as in the bottom line, the interval is in the metric's
        # own units, since a percentage of a level near zero means nothing
        size = (
            f"{level}% interval {number(row.average_lower, signed=True)} to "
            f"{number(row.average_upper, signed=True)}"
            if sparse
            else f"{percent(row.relative)}; {level}% interval "
            f"{interval(row.relative_lower, row.relative_upper)}"
        )
        sentence = (
            f"<p><b>{escape(upper_first(row.label))} {verdict}</b> during the "
            f"campaign: {level_words}"
            f"{number(row.counterfactual)} expected without it"
            + (
                # the model on the original scale can expect less than none (a real
                # merged Trends file: "an index of 64 on average against -13 expected"):
                # the expected total is floored at zero (its.results._effects), and a
                # floored zero says so
                " (the model's own forecast is below zero, where this series never goes, "
                "so it is taken as zero: the model fits this series poorly, so read this "
                "estimate with care)"
                if row.counterfactual <= 0 < row.observed
                else ""
            )
            + f", {number(row.average, signed=True)}{per or ' index points'} ({size})"
            + (
                f", {number(row.cumulative, signed=True)} in total"
                if METRICS[metric].count
                else ""
            )
            + f"; {escape(p_value(row.p_value))}{self._doubt(metric, row)}."
            + self._before_words(metric, per)
            + "</p>"
        )
        table = pd.DataFrame(
            {
                "Estimate": [
                    number(row.average, signed=True),
                    number(row.cumulative, signed=True),
                    percent(row.relative),
                ],
                f"{level}% interval": [
                    interval(row.average_lower, row.average_upper, kind="number"),
                    interval(row.cumulative_lower, row.cumulative_upper, kind="number"),
                    interval(row.relative_lower, row.relative_upper),
                ],
            },
            index=[
                f"Per {row.period} ({row.unit})" if METRICS[metric].count else "Index points",
                f"Total ({row.unit})",
                "Relative lift",
            ],
        )
        if not METRICS[metric].count:  # a total of index points means nothing
            table = table.drop(index=f"Total ({row.unit})")
        note = ""
        if sparse:
            table = table.drop(index="Relative lift")
        elif _lopsided(row.relative, row.relative_lower, row.relative_upper):
            # "-0.2 a day (-1.5 to +1.1)" beside "-8.7% (-39% to +90%)" read as a mistake
            note = (
                "<p><i>The relative lift is observed over expected, so where the expected "
                "level is uncertain its interval reaches further up than down; the interval "
                + (f"per {escape(row.period)}" if METRICS[metric].count else "in index points")
                + " does not.</i></p>"
            )
        return sentence + styled_table(table).to_html() + note

    def _metric_parts(self, metric: str) -> list[Any]:
        """One metric's figure and numbers, or why it was not measured."""
        if metric not in self.analysis.results:
            return [self._not_measured(metric)]
        return [self.baseline_html(metric), self.metric_chart(metric), self.metric_html(metric)]

    def baseline_html(self, metric: str) -> str:
        """What a metric is compared with: its own history, and the controls the model used.

        Parameters
        ----------
        metric : str
            A measured metric.

        Returns
        -------
        str
            One paragraph naming the control series the fit actually used (not the ones
            a data folder could have held), or saying there is none and what that means.
        """
        label = metric_label(self.analysis.sources, metric)
        controls = self.analysis.model_controls(metric)
        if not controls:
            return (
                f"<p>No control series for {escape(label)}: what it would have been without "
                "the campaign comes from its own trend and seasonal pattern only, so a change "
                "that hit the whole market at launch would read as an effect.</p>"
            )
        why = {
            "trends": "searches for other terms move with the season and the market, but "
            "this campaign should not move them",
            "search_console": "non-branded search moves with demand and the season, but a "
            "campaign for the brand should not move it",
        }
        names = list(controls)
        shared = [n for n in names if n.startswith("summary trend ")]
        if len(shared) > 1:
            # "summary trend 1 of the 4 other terms, summary trend 2 of the 4 other terms
            # and ..." read as one
            whom = shared[0].split(" of ", 1)[1]
            names = [f"{len(shared)} summary trends of the common ups and downs of {whom}"] + [
                n for n in names if n not in shared
            ]
        shown = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        reasons = list(dict.fromkeys(why.get(source, "") for source in controls.values()))
        reason = "; ".join(r for r in reasons if r) or "the campaign should not move it"
        return (
            f"<p>What {escape(label)} would have been without the campaign comes from its own "
            f"trend and seasonal pattern and from {escape(shown)} "
            f"{'as a control' if len(names) == 1 and not shared[1:] else 'as controls'}: "
            f"{escape(reason)}.</p>"
        )

    def _not_measured(self, metric: str) -> str:
        spec = METRICS[metric]
        why = self.analysis.skipped.get(metric)
        if why is None:
            why = missing_reason(self.analysis.sources, metric)
        label = upper_first(spec.label)
        return f"<p><i>{escape(label)} not measured: {escape(why)}.</i></p>"

    def search_section(self) -> Section:
        """The branded-search section, with whatever search data the folder holds.

        Branded search clicks when the data separate them; otherwise total search clicks,
        said to be such, with how to export branded search; and Google Trends interest in
        the brand when there is no branded Search Console series.

        Returns
        -------
        Section
        """
        res = self.analysis.results
        if "branded_clicks" in res:
            return self._keep(Section("search", parts=self._metric_parts("branded_clicks")))
        parts: list[Any] = []
        if "search_clicks" in res:
            parts.append(
                "<p>This Search Console export has no query filter, so searches for the "
                "brand cannot be separated from the rest: below are <b>"
                + escape(metric_label(self.analysis.sources, "search_clicks"))
                + "</b>. A lift here is not a lift in branded "
                "search. To measure branded search, export the Performance report twice: "
                "once with the filter <i>Query → Queries containing</i> your brand, once "
                "with <i>Queries not containing</i> it, and drop both exports in the data "
                "folder.</p>"
            )
            parts += self._metric_parts("search_clicks")
        if "brand_interest" in res:
            read = (
                "Read the change in index points: a percentage of this level means little "
                f"({self.analysis.no_percent_reason('brand_interest')})."
                if "brand_interest" in self.analysis.sparse_metrics()
                else "Read the relative change."
            )
            parts.append(
                "<p>Google Trends interest in the brand: a 0–100 index of how often people "
                "searched for it (100 is the busiest period of the download), not a count "
                f"of clicks. {read}</p>"
            )
            parts += self._metric_parts("brand_interest")
        if parts:
            return self._keep(Section("search", parts=parts))
        tried = [
            m
            for m in ("branded_clicks", "search_clicks", "brand_interest")
            if m in self.analysis.skipped
        ]
        if tried:
            why = "; ".join(self.analysis.skipped[m] for m in tried)
            shown = "".join(self._not_measured(m) for m in tried)
            return self._keep(Section("search", "skipped", why, [shown]))
        if getattr(self.analysis.sources, "trends", None) is not None:
            why = missing_reason(self.analysis.sources, "brand_interest")
            return self._keep(Section.skip("search", f"Branded search not measured: {why}."))
        has = not_used_sentence(self.analysis.sources, ("search_console", "trends"))
        return self._keep(
            Section.skip(
                "search",
                f"Branded search not measured: {has or 'this data folder has no Search Console or Google Trends export'}. "
                f"Add {METRICS['branded_clicks'].needs}; or "
                f"{METRICS['brand_interest'].needs}.",
            )
        )

    def direct_section(self) -> Section:
        """The direct-traffic section: all direct sessions, then deep-page ones.

        Returns
        -------
        Section
        """
        metrics = ("direct_sessions", "deep_direct_sessions")
        if any(m in self.analysis.results for m in metrics):
            parts = [part for m in metrics for part in self._metric_parts(m)]
            return self._keep(Section("direct", parts=parts))
        tried = [m for m in metrics if m in self.analysis.skipped]
        if tried:
            why = "; ".join(self.analysis.skipped[m] for m in tried)
            shown = "".join(self._not_measured(m) for m in tried)
            return self._keep(Section("direct", "skipped", why, [shown]))
        has = not_used_sentence(
            self.analysis.sources, ("ga4_channels", "direct_landing", "ga4_events")
        )
        # a GA4 file that is not used names its own fix (the traffic acquisition menu path):
        # the same path again after it read twice in one paragraph
        add = (
            f"For deep pages, add {METRICS['deep_direct_sessions'].needs}."
            if has and "Traffic acquisition" in has
            else f"Add {METRICS['direct_sessions'].needs}; and for deep pages, "
            f"{METRICS['deep_direct_sessions'].needs}."
        )
        return self._keep(
            Section.skip(
                "direct",
                f"Direct traffic not measured: {has or 'this data folder has no GA4 export'}. "
                + add,
            )
        )

    def _result(self, metric: str):
        if metric not in self.analysis.results:
            raise ParameterError(f"metric {metric!r} was not analysed in this report")
        return self.analysis.results[metric]

    # -- checks --------------------------------------------------------------------------------
    def triangulation(self, metric: str | None = None):
        """Run (once) and return the triangulation of the headline metric.

        Parameters
        ----------
        metric : str, default "branded_clicks"

        Returns
        -------
        darksocial.checks.Triangulation
        """
        if "triangulation" not in self.checks:
            self.checks["triangulation"] = self.analysis.triangulate(
                metric or self.headline_metric
            )
        return self.checks["triangulation"]

    def triangulation_table(self, metric: str | None = None):
        """The triangulation as a formatted table.

        Parameters
        ----------
        metric : str, default "branded_clicks"

        Returns
        -------
        pandas.io.formats.style.Styler
        """
        check = self.triangulation(metric)
        tri = check.frame()
        level = int(round((1 - self.analysis.alpha) * 100))
        est, lower, upper = check.columns
        if check.statistic == "average":
            # mostly zeros before launch: in the metric's own units, as its section
            head, size, kind = f"Average effect ({check.unit})", _signed_number, "number"
        else:
            head, size, kind = "Relative lift", percent, "percent"
        table = pd.DataFrame(
            {
                "Model": tri["model"].map(lambda m: upper_first(MODEL_WORDS.get(m, m))),
                "Method": tri["method"].map(lambda m: upper_first(METHOD_WORDS.get(m, m))),
                "History used": tri["pre_period"].map(
                    lambda p: "all" if p in (None, "all") or pd.isna(p) else f"last {p}"
                ),
                head: tri[est].map(size),
                f"{level}% interval": [
                    interval(lo, hi, kind=kind) if pd.notna(lo) else "n/a"
                    for lo, hi in zip(tri[lower], tri[upper], strict=True)
                ],
                # "= 0.008" wrapped after "=" in a narrow column
                "p-value": tri["p_value"].map(
                    lambda p: p_value(p).replace("p ", "", 1).replace(" ", "\u00a0")
                ),
                "Interval excludes zero": [
                    "n/a" if pd.isna(s) else ("yes" if s else "no") for s in tri["significant"]
                ],
                "Note": tri["note"].fillna("").map(_short_note),
            }
        )
        return styled_table(table.set_index(["Model", "Method", "History used"]))

    def triangulation_section(self, *, enabled: bool = True, metric: str | None = None) -> Section:
        """The triangulation sentence and table.

        Parameters
        ----------
        enabled : bool, default True
            False shows a note that the check was switched off.
        metric : str, optional
            The metric to check; the first measured one by default.

        Returns
        -------
        Section
        """
        if not enabled:
            why = "Skipped in this run (parameter triangulate is off)."
            return self._keep(Section.skip("triangulation", why))
        metric = metric or self.headline_metric
        if metric is None:
            why = "Not run: no metric could be measured."
            return self._keep(Section.skip("triangulation", why))
        tri = self.triangulation(metric)
        label = METRICS[metric].label
        parts = [
            f"<p>On {escape(label)}. {escape(tri.report())}</p>",
            self.triangulation_table(metric).to_html(),
            "<p><i>A step at launch fits one model to every date, with a term for the "
            "campaign's window; a forecast fits only the history before launch and projects "
            "it over the window (R CausalImpact's method). The first row is the model of the "
            "rest of this report.</i></p>",
        ]
        # the table's Note cells are cut at 80 characters; the notes in full below it (a
        # real export's row read "failed: The series is zero on every Wednesday and
        # Thursday before launch, so ..." and the sentence said "see the notes")
        long = [r for r in tri.frame().itertuples() if len(str(r.note or "")) > 80]
        if long:
            items = "".join(
                f"<li>{escape(upper_first(MODEL_WORDS.get(r.model, r.model)))}, "
                f"{escape(METHOD_WORDS.get(r.method, r.method))}: {escape(str(r.note))}</li>"
                for r in long
            )
            parts.append(f"<p>Notes:</p><ul>{items}</ul>")
        first = self.analysis.results[metric].y.first_valid_index()
        months = (self.analysis.window[0] - first).days // 30
        if first >= self.analysis.window[0] - pd.DateOffset(months=12):
            parts.append(
                "<p><i>The row fitted on only the last 12 months before launch needs more "
                f"than 12 months of history; these data start {plural(months, 'month')} "
                "before launch.</i></p>"
            )
        return self._keep(Section("triangulation", parts=parts))

    def placebo_in_time(self, *, n_placebos: int = 30):
        """Run (once) and return the placebo check in time on the headline metric.

        Parameters
        ----------
        n_placebos : int, default 30

        Returns
        -------
        darksocial.checks.PlaceboInTime
        """
        if "placebo_in_time" not in self.checks:
            self.checks["placebo_in_time"] = self.analysis.placebo_in_time(
                self.headline_metric, n_placebos=n_placebos
            )
        return self.checks["placebo_in_time"]

    def placebo_in_space(self):
        """Run (once) and return the placebo check in space, or None without its series.

        Returns
        -------
        darksocial.checks.PlaceboInSpace or None
        """
        if "placebo_in_space" not in self.checks:
            self.checks["placebo_in_space"] = self.analysis.placebo_in_space()
        return self.checks["placebo_in_space"]

    def placebo_in_time_section(self, *, n_placebos: int = 30) -> Section:
        """The placebo check in time: its sentence and figure, or why it could not run.

        Parameters
        ----------
        n_placebos : int, default 30

        Returns
        -------
        Section
        """
        import matplotlib.pyplot as plt

        metric = self.headline_metric
        if metric is None:
            why = "Not run: no metric could be measured."
            return self._keep(Section.skip("placebo_in_time", why))
        in_time = self.placebo_in_time(n_placebos=n_placebos)
        label = METRICS[metric].label
        if len(in_time.placebos) < _MIN_PLACEBOS:
            # in the series' own period: fake launches start 90 days into the data
            y = self._result(metric).y
            period = PERIOD_WORDS[self._result(metric).freq]
            first = y.first_valid_index()
            skip = self.analysis.periods(first, first + pd.Timedelta(days=89), metric=metric)
            need = self.analysis.periods(metric=metric)
            why = (
                f"Placebo in time not run: it needs at least {_MIN_PLACEBOS} fake "
                f"launches, each followed by {plural(need, period)} without any "
                f"campaign, after the first {plural(skip, period)} of the {label} data; "
                "this history "
                f"leaves room for {len(in_time.placebos)}. A longer export would add it."
            )
            return self._keep(Section.skip("placebo_in_time", why))
        fig, ax = plt.subplots(figsize=(5.4, 3.8))
        in_time.plot(ax=ax)
        fig.tight_layout()
        if in_time.statistic == "average":
            what = f"The average effect ({in_time.unit})"
            at = f"{number(in_time.real['average'], signed=True)} {in_time.unit}"
        else:
            what, at = "The relative effect", percent(in_time.real["estimate"])
        chart = Chart(
            fig,
            alt=(
                f"{what} on {label} at "
                f"{plural(len(in_time.placebos), 'fake launch date')} "
                "before the campaign, as grey bars, against the real campaign's effect, "
                f"a red line at {at}."
            ),
        )
        sentence = (
            f"<p><b>Placebo in time</b> (on {escape(label)}). {escape(in_time.report())}</p>"
        )
        return self._keep(Section("placebo_in_time", parts=[sentence, chart]))

    def placebo_in_space_section(self) -> Section:
        """The placebo check in space in one sentence, or why it could not run.

        Returns
        -------
        Section
        """
        metric = self.headline_metric
        if metric is None:
            # the placebo-in-time section already says so on the page
            why = "Not run: no metric could be measured."
            return self._keep(Section("placebo_in_space", "skipped", why))
        in_space = self.placebo_in_space()
        if in_space is None:
            return self._keep(Section.skip("placebo_in_space", _no_control(metric)))
        row = self.analysis.effects_frame().loc[metric]
        text = in_space.report(lift=bool(row.significant))
        sentence = f"<p><b>Placebo in space.</b> {escape(text)}</p>"
        return self._keep(Section("placebo_in_space", parts=[sentence]))

    # -- survey --------------------------------------------------------------------------------
    def mentions(self):
        """Run (once) and return the survey mentions before and after launch, or None.

        Returns
        -------
        darksocial.attribution.MentionsResult or None
        """
        if "mentions" not in self.checks:
            self.checks["mentions"] = self.analysis.mentions()
        return self.checks["mentions"]

    def survey_section(self) -> Section:
        """The survey section: mentions before vs after, and the channels people named.

        Returns
        -------
        Section
        """
        from darksocial import attribution

        survey = getattr(self.analysis.sources, "survey", None)
        if survey is None or survey.empty:
            adds, how = SOURCE_EXPORTS["survey"]
            has = not_used_sentence(self.analysis.sources, ("survey",))
            why = (
                f"No survey answers could be read: {has}."
                if has
                else f"No survey answers in this data folder. An export of {adds} would add "
                f"this section: {how}."
            )
            return self._keep(Section.skip("survey", why))
        parts = []
        res = self.mentions()
        thin = res is not None and not res.comparable
        if thin:
            t = res.table
            parts.append(
                "<p>Too few answers to compare mentions before and after launch: "
                f"{plural(int(t.loc['before', 'n']), 'answer')} in the "
                f"{plural(int(t.loc['before', 'days']), 'day')} before and "
                f"{plural(int(t.loc['after', 'n']), 'answer')} in the "
                f"{plural(int(t.loc['after', 'days']), 'day')} from launch; the comparison "
                f"needs at least {MIN_SURVEY_ANSWERS} on each side.</p>"
            )
        elif res is not None:
            parts.append(f"<p>{escape(res.report())}</p>")
            t = res.table
            table = pd.DataFrame(
                {
                    "From": pd.to_datetime(t["start"]).map(day).to_numpy(),
                    "To": pd.to_datetime(t["end"]).map(day).to_numpy(),
                    "Answers": t["n"].map(number).to_numpy(),
                    "Mentions": t["k"].map(number).to_numpy(),
                    "Share": t["share"].map(lambda v: percent(v, signed=False)).to_numpy(),
                    "Interval": [
                        f"{percent(lo, signed=False)} to {percent(hi, signed=False)}"
                        for lo, hi in zip(t["lower"], t["upper"], strict=True)
                    ],
                },
                index=[str(i).capitalize() for i in t.index],
            )
            parts.append(styled_table(table, caption=f"Answers naming {res.label}").to_html())
        start, end = self.analysis.window[0], self.analysis.last_day
        during = survey[
            (survey["submitted_at"] >= start)
            & (survey["submitted_at"] < end + pd.Timedelta(days=1))
        ]
        if not during.empty:
            buckets = attribution.classify_answers(during["answer"])
            counts = buckets.value_counts()
            # shares of the answers given, as in the mentions table: blanks apart
            blank = int(counts.pop("blank")) if "blank" in counts.index else 0
            share = counts / counts.sum()
            top = pd.DataFrame(
                {
                    "Answers": counts.map(number).to_numpy(),
                    "Share": share.map(lambda v: percent(v, signed=False)).to_numpy(),
                },
                index=[str(b).replace("_", " ") for b in counts.index],
            ).head(8)
            caption = f"What {plural(int(counts.sum()), 'answer')} during the campaign named"
            parts.append(styled_table(top, caption=caption).to_html())
            if blank:
                parts.append(
                    f"<p>{plural(blank, 'answer')} left blank, not counted in the shares.</p>"
                )
            bucket = res.label if res is not None and not thin else None
            examples = during.loc[buckets[buckets == _bucket_of(self.analysis)].index, "answer"]
            examples = examples.dropna().map(attribution.mask_pii).drop_duplicates().head(5)
            if len(examples) and bucket:
                items = "".join(
                    f"<li>“{escape(a, limit=ANSWER_DISPLAY_LIMIT)}”</li>" for a in examples
                )
                parts.append(f"<p>Some answers, as written:</p><ul>{items}</ul>")
        if not parts:
            why = (
                "No survey answer falls within the campaign's window, and its content type "
                "names no channel to count."
            )
            return self._keep(Section.skip("survey", why))
        return self._keep(Section("survey", parts=["\n".join(parts)]))

    # -- bottom line ---------------------------------------------------------------------------
    def bottom_line_markdown(self, *, n_placebos: int = 30, triangulate: bool = True) -> str:
        """The analysis's bottom line, reconciled with the placebo check in time.

        The placebo check in time runs first (its result is kept for the placebo section).
        When it finds the model's own intervals too narrow on this series (far more fake
        launches "significant" than ``alpha``), the headline metric's verdict is the
        reconciled one (:func:`darksocial.campaign.placebo_verdict`): a change the
        calibrated p-value does not confirm is not called "unlikely to be noise", from
        the headline sentence on.

        Parameters
        ----------
        n_placebos : int, default 30
        triangulate : bool, default True
            Whether the other models' verdict joins the bottom line (False in a run with
            the model comparison switched off, which it would otherwise run).

        Returns
        -------
        str
            Markdown.
        """
        text = self.analysis.bottom_line(placebos=self._placebo_checks(n_placebos))
        return text + self._moved_too() + (self._models_disagree() if triangulate else "")

    def _models_disagree(self) -> str:
        """A bullet when the headline's change is not found by every other model.

        A real monthly Trends page read "Arcane series release lifted Google Trends interest"
        in its bottom line while its model comparison, far below, said "the conclusion
        depends on the modelling choice; report it with caution". The other way round (no
        clear change, a few other choices finding one) is left to the model comparison:
        with seven choices some find a change by chance alone, and a bullet would claim
        more than the headline's own test.
        """
        metric = self.headline_metric
        if metric is None:
            return ""
        tri = self.triangulation(metric)
        ok = tri.table.dropna(subset=[tri.columns[0]])
        sig = ok["significant"].eq(True)
        k, n = int(sig.sum()), len(ok)
        if n < 2 or k in (0, n):
            return ""
        if not bool(self.analysis.effects_frame().loc[metric, "significant"]):
            return ""
        return (
            f"\n- **Not every model agrees**: {k} of the {n} model, method and history "
            "choices find a clear change, the others none (see *Does the conclusion depend "
            "on the model?*); report it with caution."
        )

    def _before_words(self, metric: str, per: str) -> str:
        """`` Before launch it averaged 4.9 a day (the 28 days the figure shows).``

        The plain level before launch beside the model's expected one: a reader compared
        "7.6 a day against 1.5 expected" with the 4.9 a day of the weeks before and could
        not tell where the 1.5 came from.
        """
        from darksocial.its.plotting import ZOOM_BEFORE

        res = self._result(metric)
        n, unit = ZOOM_BEFORE[res.freq]
        lo = res.y.index.get_loc(res.windows[self.analysis.campaign_id][0])
        before = res.y.iloc[max(lo - n, 0) : lo]
        if not before.notna().any():
            return ""
        level = f"{number(before.mean())}{per}" if per else f"an index of {number(before.mean())}"
        return (
            f" In the {plural(len(before), unit)} before launch (as the figure shows them) it "
            f"averaged {level}"
            + (
                f", on the {plural(int(before.notna().sum()), unit)} with data"
                if before.isna().any()
                else ""
            )
            + "."
        )

    def _doubt(self, metric: str, row) -> str:
        """``", but the checks cannot confirm it (...)"`` where the bottom line says so.

        The sentence under a figure read "rose ... p < 0.001" while the bottom line, over
        the same numbers, said the placebo check finds the model's intervals too narrow.
        """
        check = self._placebo_checks().get(metric)
        doubt = PLACEBO_DOUBTS.get(placebo_verdict(bool(row.significant), check))
        if not doubt:
            return ""
        return (
            f", but {doubt}: the model's intervals are too narrow on this series (see the "
            "bottom line and the placebo check)"
        )

    def _moved_too(self) -> str:
        """A bullet when series the campaign should not move rose or fell with the headline.

        A real weekly Trends download read "lifted ... unlikely to be noise (p = 0.006)"
        while the placebo section found two other coins' interest "moved too: the lift may
        not be the campaign"; the bottom line now says so too.
        """
        same = self._moved_with_headline()
        if not same:
            return ""
        row = self.analysis.effects_frame().loc[self.headline_metric]
        names = join_words([markdown_text(n) for n in same])
        verb = "rose" if row.direction == "up" else "fell"
        return (
            f"\n- **But {names} {verb} too**, though the campaign should not move "
            f"{'it' if len(same) == 1 else 'them'}: part or all of the change in "
            f"{markdown_text(row.label)} may come from the market, not the campaign (see "
            "*Placebo checks*)."
        )

    def _moved_with_headline(self) -> list[str]:
        """Series of the placebo in space that moved with a significant headline change."""
        metric = self.headline_metric
        if metric is None:
            return []
        row = self.analysis.effects_frame().loc[metric]
        in_space = self.placebo_in_space() if row.significant else None
        if in_space is None or in_space.table.empty:
            return []
        t = in_space.table
        size = t["average"].where(t["estimate"].isna(), t["estimate"])
        same = t[t["moved"].astype(bool) & ((size > 0) == (row.direction == "up"))]
        return [str(n) for n in same["series"]]

    def _placebo_checks(self, n_placebos: int = 30) -> dict:
        """The placebo check in time by metric, when it has enough fake launches to count."""
        metric = self.headline_metric
        if metric is None:
            return {}
        in_time = self.placebo_in_time(n_placebos=n_placebos)
        return {metric: in_time} if len(in_time.placebos) >= _MIN_PLACEBOS else {}

    # -- caveats and summary ---------------------------------------------------------------------
    def caveats(self) -> list[str]:
        """The analysis's caveats plus those the checks raised, each once.

        Returns
        -------
        list of str
        """
        notes = list(self.analysis.caveats())
        from darksocial import checks

        for metric, res in self.analysis.results.items():
            # campaigns enter the model as a level over their window
            warning = checks.calibration_warning(res.model, res.method, shape="level")
            if warning:
                notes.append(f"{upper_first(METRICS[metric].label)}: {warning}")
        seen, out = set(), []
        for n in notes:
            key = n.split(":", 1)[-1].strip()[:60]
            if key not in seen:
                seen.add(key)
                out.append(n)
        return out

    def caveats_markdown(self) -> str:
        """The caveats as a Markdown list (data escaped with ``safetext.markdown_text``).

        Returns
        -------
        str
        """
        notes = self.caveats()
        if not notes and not self.analysis.results:
            # a campaign no series could measure: "nothing calls for a caveat" beside "not
            # measured" read as if all were well
            return "Nothing was measured for this campaign: the bottom line says why."
        if not notes:
            return "Nothing in the data or the model checks calls for a caveat."
        return "\n".join(f"- {markdown_text(n)}" for n in notes)

    def summary(self) -> dict[str, Any]:
        """Headline numbers for ``summary.json``: the analysis, the checks that ran, and each
        section's outcome (``ran`` or ``skipped`` with why). Missing numbers are null.

        Sections not built yet are built first (with their default options), so that every
        section has its outcome.

        Returns
        -------
        dict
        """
        sections = self.section_records()
        out = self.analysis.summary()
        pit = self.checks.get("placebo_in_time")
        if pit is not None and sections["placebo_in_time"]["status"] == "ran":
            out["placebo_in_time_p"] = float(pit.p_value)
            out["placebo_intervals_too_narrow"] = bool(pit.intervals_too_narrow)
            for metric, check in self._placebo_checks().items():
                entry = out["metrics"].get(metric)
                verdict = placebo_verdict(bool(entry and entry["significant"]), check)
                if entry is not None and verdict != "model":
                    entry["placebo_verdict"] = verdict
        moved = self._moved_with_headline()
        if moved:
            out["metrics"][self.headline_metric]["moved_too"] = moved
        if "triangulation" in self.checks:
            out["triangulation"] = self.checks["triangulation"].agreement
        m = self.checks.get("mentions")
        survey_ran = sections["survey"]["status"] == "ran"
        if m is not None and survey_ran and m.comparable:
            out["survey_mentions"] = {
                "label": m.label,
                "diff": float(m.diff),
                "diff_lower": float(m.diff_lower),
                "diff_upper": float(m.diff_upper),
                "p_value": float(m.diff_pvalue),
            }
        out["skipped_metrics"] = dict(self.analysis.skipped)
        out["sections"] = sections
        out["settings"] = {k: v for k, v in self._settings().frame()["value"].items() if v}
        return finite_or_none(out)


def campaign_report(
    *,
    campaign_id: str,
    data_dir: str | Path = "",
    metrics=(),
    model: str = "segmented",
    alpha: float = config.ALPHA,
    seed: int = config.SEED,
    country: str = "",
    currency: str = "",
    brand=(),
    data_cache: str | Path = "",
) -> CampaignReport:
    """Validate the report parameters, load the data and fit every metric it supports.

    Parameters
    ----------
    campaign_id : str
        Campaign id from the calendar.
    data_dir : str or path-like, optional
        The data folder (see :func:`darksocial.io.load_folder`); empty for the bundled sample.
    metrics : sequence of str, optional
        Metrics to analyse (keys of :data:`darksocial.campaign.METRICS`); empty for every
        metric the data support. One the data lack is reported as not measured.
    model : str, default "segmented"
        ITS model for every metric.
    alpha : float, default 0.05
        One minus the interval level.
    seed : int, optional
        Seed of every simulation.
    country, currency, brand : optional
        Override the data folder's settings (``darksocial.yml``) for this run.
    data_cache : str or path-like, optional
        The data ``darksocial report`` has already read from ``data_dir``
        (:func:`darksocial.io.cache.write_data_cache`); the folder is read when it is
        empty, gone or out of date.

    Returns
    -------
    CampaignReport

    Raises
    ------
    ParameterError
        For an unknown campaign, metric or model, or an alpha outside (0, 0.5).
    """
    from darksocial.pages.params import resolve_report_params
    from darksocial.theme import report_theme

    report_theme()

    params = resolve_report_params(
        data_cache=data_cache,
        data_dir=data_dir,
        metrics=metrics,
        alpha=alpha,
        seed=seed,
        model=model,
        country=country,
        currency=currency,
        brand=brand,
    )
    options: dict[str, Any] = {"model": model}
    if model == "structural":
        options["method"] = "counterfactual"
    # not analyze_campaign, which stops on a launch outside every series: in a folder's
    # run that campaign (next month's, or a typo) gets a page saying why it was not
    # measured, and the other campaigns' reports run (`darksocial report --campaign ID`
    # for it alone stops before any notebook, with that line)
    results, options, skipped = fit_each(
        params.sources,
        list(params.metrics) or ["branded_clicks"],
        alpha=params.alpha,
        seed=params.seed,
        campaign_id=campaign_id,
        **options,
    )
    analysis = campaign_analysis(
        params.sources,
        campaign_id,
        results,
        options,
        alpha=params.alpha,
        seed=params.seed,
        skipped=skipped,
    )
    if not params.metrics:
        analysis.skipped.clear()
    analysis.skipped.update(params.skipped_metrics)
    return CampaignReport(analysis=analysis)


def _bucket_of(analysis: CampaignAnalysis) -> str | None:
    from darksocial.campaign import CONTENT_BUCKETS

    return CONTENT_BUCKETS.get(str(analysis.campaign.get("content_type")))


def _signed_number(value) -> str:
    """A signed number for a table cell; ``n/a`` for a row that could not be fitted."""
    return number(value, signed=True)


def _short_note(note: str) -> str:
    note = str(note)
    return note if len(note) <= 80 else note[:77] + "..."


#: Fewest placebo launches for the placebo-in-time check to say anything.
_MIN_PLACEBOS = 5

#: Sources the campaign report reads (for "what a missing export would add").
_CAMPAIGN_SOURCES = ("search_console", "ga4_channels", "direct_landing", "trends", "survey")


def _no_control(metric: str) -> str:
    """Why the placebo in space cannot run on a metric: the control series it lacks."""
    if any(source == "trends" for source, _ in METRICS[metric].controls):
        return (
            "Placebo in space not run: it needs a second Google Trends term, one a brand "
            "campaign should not move (a category term such as the product type), which "
            "the model would also use as a control. Add a Google Trends download of such a "
            "term (trends.google.com → Explore → the term, or + Compare beside the brand "
            "term → ⤓ Interest over time)."
        )
    return (
        "Placebo in space not run: it needs non-branded search, which a brand "
        "campaign should not move. Add a Search Console export filtered to "
        "queries not containing the brand, or the bulk export."
    )


def _lopsided(estimate: float, lower: float, upper: float) -> bool:
    """Whether a relative interval reaches over twice as far above its estimate as below."""
    up, down = upper - estimate, estimate - lower
    return math.isfinite(up) and math.isfinite(down) and 0 < down < up / 2


def _given(value, default: str = "not given in the calendar") -> str:
    """A calendar field as text; missing (None, NaN or blank) as ``default``."""
    return given_text(value) or default


def _search_scope(sc: pd.DataFrame) -> str:
    """What a Search Console export covers, when a filter narrows it."""
    parts = []
    for key, what in (
        ("page_filter", "pages"),
        ("country_filter", "country"),
        ("device_filter", "device"),
    ):
        value = sc.attrs.get(key)
        if value:
            parts.append(f"{what} {value}")
    if not parts:
        return ""
    return (
        "The Search Console export is filtered to "
        + " and ".join(parts)
        + ": its search numbers are about that part of the site only, not the whole site."
    )
