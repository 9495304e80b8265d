"""The sections of the campaign impact report, ready to display.

The notebook ``notebooks/campaign-impact.ipynb`` is a thin template: it calls
:func:`campaign_report` once and then one ``show_*`` method per section. Each section
also has a method that returns its content (HTML text, a figure or a table) so that tests
can check what a reader sees without running a notebook.

Everything that comes from data (campaign names, survey answers) is HTML-escaped; numbers
go through :mod:`darksocial.formatting`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from darksocial import config
from darksocial.campaign import METRICS, CampaignAnalysis, analyze_campaign
from darksocial.errors import ParameterError
from darksocial.formatting import escape, interval, number, p_value, percent, plural, styled_table

__all__ = ["CampaignReport", "campaign_report"]

MODELS = ("segmented", "arima", "structural", "poisson", "negbin")


@dataclass
class CampaignReport:
    """One campaign's report: the analysis plus the checks run for its sections.

    Attributes
    ----------
    analysis : darksocial.campaign.CampaignAnalysis
        The fitted models, one per metric.
    checks : dict
        Results of the checks run so far (``placebo_in_time``, ``placebo_in_space``,
        ``triangulation``, ``mentions``), used by :meth:`summary`.
    """

    analysis: CampaignAnalysis
    checks: dict[str, Any] = field(default_factory=dict)

    # -- header and data ---------------------------------------------------------------------
    def header_html(self) -> str:
        """The campaign's name, channel, dates and spend as an HTML block.

        Returns
        -------
        str
        """
        row = self.analysis.campaign
        start, end = self.analysis.window
        spend = row.get("spend")
        facts = [
            ("Campaign", f"{escape(row.get('name', self.analysis.campaign_id))}"),
            ("Channel", escape(row.get("channel", "n/a"))),
            ("Content type", escape(str(row.get("content_type", "n/a")).replace("_", " "))),
            ("Evaluated", f"{start:%d %b %Y} to {end:%d %b %Y} ({self.analysis.duration} days)"),
            ("Spend", f"€{number(spend)}" if spend is not None and not pd.isna(spend) else "n/a"),
        ]
        notes = row.get("notes")
        if isinstance(notes, str) and notes.strip():
            facts.append(("Notes", escape(notes)))
        cells = "".join(
            f"<tr><th style='text-align:left;padding-right:1em'>{k}</th><td>{v}</td></tr>"
            for k, v in facts
        )
        return f"<table>{cells}</table>"

    def sources_table(self):
        """Each source with its dates, frequency and gaps, formatted for the report.

        Returns
        -------
        pandas.io.formats.style.Styler
        """
        summary = self.analysis.sources.summary().reset_index()
        table = pd.DataFrame(
            {
                "Source": summary["source"].str.replace("_", " "),
                "From": pd.to_datetime(summary["start"]).dt.strftime("%d %b %Y"),
                "To": pd.to_datetime(summary["end"]).dt.strftime("%d %b %Y"),
                "Frequency": summary["freq"].map(_freq_word),
                "Rows": summary["rows"].map(number),
                "Gaps": [
                    "none" if g == 0 else f"{g} ({plural(int(m), 'period')} missing)"
                    for g, m in zip(summary["gaps"], summary["missing_periods"], strict=True)
                ],
                "File": summary["file"],
            }
        )
        return styled_table(table.set_index("Source"))

    # -- metrics -------------------------------------------------------------------------------
    def metric_figure(self, metric: str):
        """The three-panel figure of one metric (observed vs expected, daily, cumulative).

        Parameters
        ----------
        metric : str

        Returns
        -------
        matplotlib.figure.Figure
        """
        result = self._result(metric)
        return result.plot(
            title=f"{METRICS[metric].label.capitalize()} ({METRICS[metric].unit} a day)"
        )

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
        sentence = (
            f"<p><b>{escape(row.label.capitalize())} {verdict}</b> during the campaign: "
            f"{number(row.observed)} {escape(row.unit)} a day against "
            f"{number(row.counterfactual)} expected without it, "
            f"{number(row.average, signed=True)} a day ({percent(row.relative)}; "
            f"{level}% interval {interval(row.relative_lower, row.relative_upper)}), "
            f"{number(row.cumulative, signed=True)} in total; {p_value(row.p_value)}.</p>"
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
            index=[f"Per day ({row.unit})", f"Total ({row.unit})", "Relative lift"],
        )
        return sentence + styled_table(table).to_html()

    def show_metric(self, metric: str) -> None:
        """Display one metric's figure and numbers (nothing if the metric was not analysed).

        Parameters
        ----------
        metric : str
        """
        from IPython.display import HTML, display

        if metric not in self.analysis.results:
            display(HTML(f"<p><i>{escape(METRICS[metric].label)} was not analysed.</i></p>"))
            return
        fig = self.metric_figure(metric)
        display(fig)
        _close(fig)
        display(HTML(self.metric_html(metric)))

    def _result(self, metric: str):
        if metric not in self.analysis.results:
            raise ParameterError(f"metric {metric!r} was not analysed in this report")
        return self.analysis.results[metric]

    # -- checks --------------------------------------------------------------------------------
    def triangulation(self, metric: str = "branded_clicks"):
        """Run (once) and return the triangulation of the headline metric.

        Parameters
        ----------
        metric : str, default "branded_clicks"

        Returns
        -------
        darksocial.checks.Triangulation
        """
        if "triangulation" not in self.checks:
            self.checks["triangulation"] = self.analysis.triangulate(metric)
        return self.checks["triangulation"]

    def triangulation_table(self, metric: str = "branded_clicks"):
        """The triangulation as a formatted table.

        Parameters
        ----------
        metric : str, default "branded_clicks"

        Returns
        -------
        pandas.io.formats.style.Styler
        """
        tri = self.triangulation(metric).frame()
        level = int(round((1 - self.analysis.alpha) * 100))
        table = pd.DataFrame(
            {
                "Model": tri["model"],
                "Method": tri["method"],
                "History used": tri["pre_period"].map(
                    lambda p: "all" if p in (None, "all") or pd.isna(p) else f"last {p}"
                ),
                "Relative lift": tri["estimate"].map(percent),
                f"{level}% interval": [
                    interval(lo, hi) if pd.notna(lo) else "n/a"
                    for lo, hi in zip(tri["lower"], tri["upper"], strict=True)
                ],
                "p-value": tri["p_value"].map(lambda p: p_value(p).replace("p ", "", 1)),
                "Note": tri["note"].fillna("").map(_short_note),
            }
        )
        return styled_table(table.set_index(["Model", "Method", "History used"]))

    def show_triangulation(self, *, enabled: bool = True, metric: str = "branded_clicks") -> None:
        """Display the triangulation sentence, table and forest plot.

        Parameters
        ----------
        enabled : bool, default True
            False shows a note that the check was switched off.
        metric : str, default "branded_clicks"
        """
        from IPython.display import HTML, display

        if not enabled:
            display(
                HTML("<p><i>Skipped in this run (parameter <code>triangulate</code>).</i></p>")
            )
            return
        tri = self.triangulation(metric)
        display(HTML(f"<p>{escape(tri.report())}</p>"))
        display(self.triangulation_table(metric))

    def placebos(self, *, n_placebos: int = 30, metric: str = "branded_clicks"):
        """Run (once) and return the placebo checks in time and in space.

        Parameters
        ----------
        n_placebos : int, default 30
        metric : str, default "branded_clicks"

        Returns
        -------
        tuple
            ``(PlaceboInTime, PlaceboInSpace)``.
        """
        if "placebo_in_time" not in self.checks:
            self.checks["placebo_in_time"] = self.analysis.placebo_in_time(
                metric, n_placebos=n_placebos
            )
            self.checks["placebo_in_space"] = self.analysis.placebo_in_space()
        return self.checks["placebo_in_time"], self.checks["placebo_in_space"]

    def show_placebos(self, *, n_placebos: int = 30) -> None:
        """Display both placebo checks: a sentence and a figure each.

        Parameters
        ----------
        n_placebos : int, default 30
        """
        import matplotlib.pyplot as plt
        from IPython.display import HTML, display

        in_time, in_space = self.placebos(n_placebos=n_placebos)
        display(HTML(f"<p><b>Placebo in time.</b> {escape(in_time.report())}</p>"))
        fig, ax = plt.subplots(figsize=(9, 3.2))
        in_time.plot(ax=ax)
        fig.tight_layout()
        display(fig)
        _close(fig)
        display(HTML(f"<p><b>Placebo in space.</b> {escape(in_space.report())}</p>"))

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

    def survey_html(self) -> str:
        """The survey section: mentions before vs after, and the channels people named.

        Returns
        -------
        str
        """
        from darksocial import attribution

        survey = getattr(self.analysis.sources, "survey", None)
        if survey is None or survey.empty:
            return "<p><i>No survey answers were provided.</i></p>"
        parts = []
        res = self.mentions()
        if res is not None:
            parts.append(f"<p>{escape(res.report())}</p>")
            t = res.table
            table = pd.DataFrame(
                {
                    "From": pd.to_datetime(t["start"]).dt.strftime("%d %b %Y").to_numpy(),
                    "To": pd.to_datetime(t["end"]).dt.strftime("%d %b %Y").to_numpy(),
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
        start, end = self.analysis.window
        during = survey[
            (survey["submitted_at"] >= start)
            & (survey["submitted_at"] <= end + pd.Timedelta(days=1))
        ]
        if not during.empty:
            buckets = attribution.classify_answers(during["answer"])
            counts = buckets.value_counts()
            share = counts / counts.sum()
            top = pd.DataFrame(
                {
                    "Answers": counts.map(number).to_numpy(),
                    "Share": share.map(lambda v: percent(v, signed=False)).to_numpy(),
                },
                index=[str(b).replace("_", " ") for b in counts.index],
            ).head(8)
            parts.append(
                styled_table(top, caption="What people answered during the campaign").to_html()
            )
            bucket = res.label if res is not None else None
            examples = during.loc[buckets[buckets == _bucket_of(self.analysis)].index, "answer"]
            examples = examples.dropna().map(attribution.mask_pii).drop_duplicates().head(5)
            if len(examples) and bucket:
                items = "".join(f"<li>“{escape(a)}”</li>" for a in examples)
                parts.append(f"<p>Some answers, as written:</p><ul>{items}</ul>")
        return "\n".join(parts)

    def show_survey(self) -> None:
        """Display the survey section."""
        from IPython.display import HTML, display

        display(HTML(self.survey_html()))

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
                notes.append(f"{METRICS[metric].label.capitalize()}: {warning}")
        seen, out = set(), []
        for n in notes:
            key = n.split(":", 1)[-1].strip()[:60]
            if key not in seen:
                seen.add(key)
                out.append(n)
        return out

    def caveats_markdown(self) -> str:
        """The caveats as a Markdown list (escaped).

        Returns
        -------
        str
        """
        notes = self.caveats()
        if not notes:
            return "Nothing in the data or the model checks calls for a caveat."
        return "\n".join(f"- {escape(n)}" for n in notes)

    def summary(self) -> dict[str, Any]:
        """Headline numbers for ``summary.json``: the analysis plus the checks that ran.

        Returns
        -------
        dict
        """
        out = self.analysis.summary()
        if "placebo_in_time" in self.checks:
            out["placebo_in_time_p"] = float(self.checks["placebo_in_time"].p_value)
        if "triangulation" in self.checks:
            out["triangulation"] = self.checks["triangulation"].agreement
        if self.checks.get("mentions") is not None:
            m = self.checks["mentions"]
            out["survey_mentions"] = {
                "label": m.label,
                "diff": float(m.diff),
                "diff_lower": float(m.diff_lower),
                "diff_upper": float(m.diff_upper),
                "p_value": float(m.diff_pvalue),
            }
        return out


def campaign_report(
    *,
    campaign_id: str,
    data_dir: str | Path = "",
    metrics=("branded_clicks", "direct_sessions", "deep_direct_sessions"),
    model: str = "segmented",
    alpha: float = config.ALPHA,
    seed: int = config.SEED,
) -> CampaignReport:
    """Validate the report parameters, load the data and fit every metric.

    Parameters
    ----------
    campaign_id : str
        Campaign id from the calendar.
    data_dir : str or path-like, optional
        Folder laid out like ``data/sample``; empty for the bundled sample.
    metrics : sequence of str
        Metrics to analyse (keys of :data:`darksocial.campaign.METRICS`).
    model : str, default "segmented"
        ITS model for every metric.
    alpha : float, default 0.05
        One minus the interval level.
    seed : int, optional
        Seed of every simulation.

    Returns
    -------
    CampaignReport

    Raises
    ------
    ParameterError
        For an unknown campaign, metric or model, or an alpha outside (0, 0.5).
    """
    from darksocial.io import load_sample

    if model not in MODELS:
        raise ParameterError(f"model={model!r} is not one of {', '.join(MODELS)}")
    if not 0 < float(alpha) < 0.5:
        raise ParameterError(f"alpha={alpha!r} must be between 0 and 0.5 (0.05 gives 95%)")
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise ParameterError(
            f"unknown metric {', '.join(map(repr, unknown))}; choose from {', '.join(METRICS)}"
        )
    sources = load_sample(Path(data_dir) if data_dir else config.SAMPLE_DIR)
    options: dict[str, Any] = {"model": model}
    if model in ("poisson", "negbin"):
        options["transform"] = None  # the log link already makes effects multiplicative
    if model == "structural":
        options["method"] = "counterfactual"
    analysis = analyze_campaign(
        sources, campaign_id, metrics=list(metrics), alpha=float(alpha), seed=int(seed), **options
    )
    return CampaignReport(analysis=analysis)


def _bucket_of(analysis: CampaignAnalysis) -> str | None:
    from darksocial.campaign import CONTENT_BUCKETS

    return CONTENT_BUCKETS.get(str(analysis.campaign.get("content_type")))


def _freq_word(freq) -> str:
    return {"D": "daily", "W-SUN": "weekly", "MS": "monthly", "records": "one row per record"}.get(
        str(freq), str(freq)
    )


def _short_note(note: str) -> str:
    note = str(note)
    return note if len(note) <= 80 else note[:77] + "..."


def _close(fig) -> None:
    import matplotlib.pyplot as plt

    plt.close(fig)
