"""The sections of the explore-sources report, ready to display.

The notebook ``notebooks/explore-sources.ipynb`` is a thin template: it calls
:func:`explore_page` once, then one method per section; each returns a
:class:`darksocial.pages.sections.Section` that displays itself and whose text tests can
read. The tables and series come from :mod:`darksocial.explore`.

A section whose source is absent or too short shows one sentence saying what is missing
and which export would add it (with its menu path); ``summary.json`` records each
section as ran or skipped, with why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from darksocial import explore, plotting
from darksocial.coverage import SOURCE_EXPORTS, SOURCE_LABELS
from darksocial.errors import DataValidationError
from darksocial.formatting import (
    day,
    escape,
    finite_or_none,
    join_words,
    number,
    percent,
    plural,
    styled_table,
)
from darksocial.pages.sections import (
    PAGE_HEAD,
    Section,
    SectionedPage,
    missing_sentence,
    not_used_sentence,
    source_table,
)

__all__ = ["ExplorePage", "direct_sentence", "display_table", "explore_page"]

#: Fewest days of a daily series for the day-of-week profile (two of each weekday).
MIN_WEEKDAY_DAYS = 14
#: Fewest weeks for the yearly shape to say anything.
MIN_SHAPE_WEEKS = 4

_LABELS = SOURCE_LABELS
_SEARCH = ("branded_clicks", "nonbranded_clicks", "search_clicks")
_DIRECT = ("direct_sessions", "deep_direct_sessions")


@dataclass
class ExplorePage(SectionedPage):
    """The explore-sources page: one method per section, each returning a Section.

    Attributes
    ----------
    sources : darksocial.io.Sources
        The loaded data folder.
    sections : dict of str to Section
        Sections built so far.
    """

    sources: Any
    sections: dict[str, Section] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict, repr=False)

    #: The section whose method has another name.
    SECTION_METHODS = {"sources": "sources_table"}

    #: Section names, in page order.
    SECTIONS = (
        "sources",
        "gaps",
        "anomalies",
        "weekly_seasonality",
        "yearly_shape",
        "search_shares",
        "trends_vs_search",
        "direct_check",
    )

    def main(self) -> pd.DataFrame:
        """The daily series of :func:`darksocial.explore.main_series`, cached.

        Returns
        -------
        pandas.DataFrame
        """
        if "main" not in self.cache:
            self.cache["main"] = explore.main_series(self.sources)
        return self.cache["main"]

    def _no_daily(self, name: str) -> Section | None:
        if self.main().shape[1]:
            return None
        why = (
            "No daily series to look at: "
            f"{SOURCE_EXPORTS['search_console'][1]} adds search clicks by day, and "
            f"{SOURCE_EXPORTS['ga4_channels'][1]} adds direct sessions by day."
        )
        return Section.skip(name, why)

    # -- sections ------------------------------------------------------------------------
    def sources_table(self) -> Section:
        """Each source present with its dates, frequency and gaps; what is missing.

        Returns
        -------
        Section
        """
        src = self.sources
        table = source_table(src).set_index("Source")
        parts = [PAGE_HEAD, styled_table(table).to_html()]
        settings = getattr(src, "settings", None)
        if settings is not None:
            frame = settings.frame()
            parts.append(styled_table(frame, caption="Settings").to_html())
        # an export in the folder that cannot be used is listed under "Files not used"
        # with why, never as missing
        kinds = {e.kind for e in getattr(src, "exports", ()) or () if e.kind}
        absent = [n for n in SOURCE_EXPORTS if getattr(src, n, None) is None and n not in kinds]
        items = [
            f"<li>{escape(_LABELS[n])}: adds {escape(SOURCE_EXPORTS[n][0])}; "
            f"{escape(SOURCE_EXPORTS[n][1])}.</li>"
            for n in absent
        ]
        if getattr(src, "campaigns", None) is None:
            # a first look at a folder's exports, before anyone wrote the calendar
            items.insert(
                0,
                "<li>campaign calendar: adds the campaign reports and the overview (what each "
                "campaign did to these series); campaigns.yml in the data folder, a "
                "<code>campaigns:</code> list of id, name, launch and end dates "
                "(<code>darksocial check</code> lists the launch dates each series can "
                "measure).</li>",
            )
        if items:
            parts.append("<p>Not in this folder:</p><ul>" + "".join(items) + "</ul>")
        unused = [e for e in getattr(src, "exports", ()) if not e.source]
        if unused:
            parts.append(
                "<p>Files not used:</p><ul>"
                + "".join(f"<li>{escape(e.path.name)}: {escape(e.note)}</li>" for e in unused)
                + "</ul>"
            )
        return self._keep(Section("sources", parts=parts))

    def gaps(self) -> Section:
        """Every run of missing periods inside each dated source's own range.

        Returns
        -------
        Section
        """
        dated = [
            n
            for n in self.sources.available()
            if "missing" in getattr(getattr(self.sources, n), "columns", ())
        ]
        if not dated:
            has = not_used_sentence(
                self.sources, ("search_console", "trends", "ga4_channels", "direct_landing")
            )
            why = (
                f"No dated export to check for gaps: {has}."
                if has
                else "No dated export to check for gaps: the folder holds only the calendar"
                + (" and survey answers" if self.sources.survey is not None else "")
                + f". {SOURCE_EXPORTS['search_console'][1]} or "
                f"{SOURCE_EXPORTS['ga4_channels'][1]} would add daily series."
            )
            return self._keep(Section.skip("gaps", why))
        gaps = explore.gap_table(self.sources)
        if gaps.empty:
            text = (
                "No gaps: every dated export is complete from its first to its last day "
                f"({', '.join(_LABELS.get(n, n) for n in dated)})."
            )
            return self._keep(Section("gaps", parts=[f"<p>{escape(text)}</p>"]))
        gaps = gaps.assign(source=gaps["source"].map(lambda n: _LABELS.get(n, n)))
        html = display_table(gaps.set_index("source")).to_html()
        return self._keep(Section("gaps", parts=[html]))

    def anomalies(self) -> Section:
        """Flagged outliers and outages in the main daily series.

        Returns
        -------
        Section
        """
        skipped = self._no_daily("anomalies")
        if skipped:
            return self._keep(skipped)
        main = self.main()
        labels = main.attrs["labels"]
        flagged = explore.anomaly_table(main)
        rule = (
            " A zero or near-zero day is an outage only where the series' usual level makes "
            "it implausible as a count; days with no data at all are gaps, not flagged days."
        )
        missing = {labels.get(c, c): n for c, n in _missing_days(main).items() if n}
        if missing:
            rule += " Days with no data (see Gaps): " + join_words(
                [f"{plural(n, 'day')} in {label}" for label, n in missing.items()]
            )
            rule += "."
        if flagged.empty:
            text = "No day flagged: no outlier and no outage inside any series' own range."
            return self._keep(Section("anomalies", parts=[f"<p>{escape(text + rule)}</p>"]))
        flagged = flagged.assign(series=flagged["series"].map(labels))
        counts = [
            plural(int((flagged["kind"] == kind).sum()), f"{kind} day")
            for kind in ("outage", "outlier")
            if (flagged["kind"] == kind).any()
        ]
        text = f"{join_words(counts)} flagged.{rule}"
        html = display_table(
            flagged.set_index(["date", "series"]), caption="Flagged days"
        ).to_html()
        return self._keep(Section("anomalies", parts=[f"<p>{escape(text)}</p>", html]))

    def weekly_seasonality(self) -> Section:
        """Mean of each daily series by day of week.

        Returns
        -------
        Section
        """
        import matplotlib.pyplot as plt

        skipped = self._no_daily("weekly_seasonality")
        if skipped:
            return self._keep(skipped)
        main = self.main()
        days = int(main.notna().any(axis=1).sum())
        if days < MIN_WEEKDAY_DAYS:
            why = (
                f"Too short for a day-of-week profile: {number(days)} day(s) of data, at "
                f"least {MIN_WEEKDAY_DAYS} needed; export a longer date range."
            )
            return self._keep(Section.skip("weekly_seasonality", why))
        fig, ax = plt.subplots(figsize=(6.4, 4))
        profile = explore.weekday_profile(main)
        plotting.plot_weekday_profile(profile, labels=main.attrs["labels"], ax=ax)
        ax.set_title("Mean by day of week, relative to an average day", fontsize="medium")
        fig.tight_layout()
        sentence = explore.weekend_sentence(profile, main.attrs["labels"])
        parts: list[Any] = [fig] + ([f"<p>{escape(sentence)}</p>"] if sentence else [])
        return self._keep(Section("weekly_seasonality", parts=parts))

    def yearly_shape(self) -> Section:
        """Weekly means of the search and the direct series over time.

        Returns
        -------
        Section
        """
        import matplotlib.pyplot as plt

        skipped = self._no_daily("yearly_shape")
        if skipped:
            trends = self._trends_over_time()
            return self._keep(trends if trends is not None else skipped)
        main = self.main()
        weekly = explore.yearly_shape(main)
        n_weeks = int(weekly.notna().any(axis=1).sum())
        if n_weeks < MIN_SHAPE_WEEKS:
            why = (
                f"Too short for a yearly shape: {number(n_weeks)} week(s) of data, at least "
                f"{MIN_SHAPE_WEEKS} needed; export a longer date range."
            )
            return self._keep(Section.skip("yearly_shape", why))
        groups = [
            (cols, title)
            for cols, title in (
                ([c for c in _SEARCH if c in weekly.columns], "Search Console clicks"),
                ([c for c in _DIRECT if c in weekly.columns], "GA4 direct sessions"),
            )
            if cols
        ]
        fig, axes = plt.subplots(len(groups), 1, figsize=(11, 3.5 * len(groups)), squeeze=False)
        for ax, (cols, title) in zip(axes[:, 0], groups, strict=True):
            plotting.plot_yearly_shape(
                weekly[cols],
                labels=main.attrs["labels"],
                campaigns=self.sources.campaigns,
                ax=ax,
            )
            ax.set_title(f"{title}, weekly mean per day")
        fig.tight_layout()
        return self._keep(Section("yearly_shape", parts=[fig]))

    def search_shares(self) -> Section:
        """Branded and anonymized shares of Search Console clicks.

        Returns
        -------
        Section
        """
        import matplotlib.pyplot as plt

        sc = self.sources.search_console
        if sc is None:
            has = not_used_sentence(self.sources, ("search_console",))
            why = (
                f"No Search Console series to look at: {has}."
                if has
                else missing_sentence(
                    "No Search Console export in this folder",
                    "search_console",
                    adds="the branded and anonymized shares of search clicks",
                )
            )
            return self._keep(Section.skip("search_shares", why))
        need = ("clicks", "branded_clicks", "anonymized_clicks")
        lacking = [c for c in need if c not in sc.columns or not sc[c].notna().any()]
        if lacking and "branded_clicks" not in lacking:
            # rows by query (API, bulk export) have the branded split but not the clicks
            # of anonymized queries: it said the export "does not separate branded" queries
            why = (
                "The Search Console export holds clicks by query, which leave out the "
                "queries Search Console anonymizes, so the anonymized share of all clicks "
                "cannot be computed (branded and non-branded clicks are in the series "
                "above); an unfiltered Performance export (Search Console → Performance → "
                "Export) beside it would add the total."
            )
            return self._keep(Section.skip("search_shares", why))
        if lacking:
            why = (
                "The Search Console export does not separate branded or anonymized queries "
                "(an unfiltered Performance export holds total clicks only), so these shares "
                "cannot be computed; the bulk export (Search Console → Settings → Bulk data "
                "export to BigQuery) or the API rows by query would add them."
            )
            return self._keep(Section.skip("search_shares", why))
        shares = explore.search_shares(sc)
        fig, ax = plt.subplots(figsize=(11, 3.8))
        plotting.plot_search_shares(shares, ax=ax)
        ax.set_title("Share of Search Console clicks, per week")
        ax.set_xlabel("week")
        fig.tight_layout()
        return self._keep(Section("search_shares", parts=[fig]))

    def trends_vs_search(self) -> Section:
        """Google Trends against Search Console branded clicks, weekly, on one scale.

        Returns
        -------
        Section
        """
        import matplotlib.pyplot as plt

        src = self.sources
        if src.trends is None:
            why = missing_sentence(
                "No Google Trends export in this folder",
                "trends",
                adds="a cross-check of brand interest against branded search",
            )
            return self._keep(Section.skip("trends_vs_search", why))
        sc = src.search_console
        if sc is None or "branded_clicks" not in sc.columns or not sc["branded_clicks"].any():
            why = (
                "Google Trends is here but there are no branded search clicks to compare it "
                "with: a Search Console Performance export filtered to queries containing the "
                "brand (Search Console → Performance → + Add filter → Query → Export) would "
                "add them."
            )
            return self._keep(Section.skip("trends_vs_search", why))
        try:
            tvs = explore.trends_vs_search(src.trends, sc, term=self._brand_term())
        except DataValidationError as exc:
            why = f"Google Trends cannot be set against Search Console: {exc}."
            if explore.is_monthly(src.trends.index):
                why = (
                    "Google Trends cannot be set against Search Console: the Trends export is "
                    "monthly (Trends gives months for ranges over five years); download a "
                    "range under five years to get weeks."
                )
            return self._keep(Section.skip("trends_vs_search", why))
        fig, ax = plt.subplots(figsize=(11, 3.8))
        plotting.plot_trends_vs_search(tvs, ax=ax)
        ax.set_title("Brand interest: Google Trends and Search Console branded clicks")
        fig.tight_layout()
        corr = tvs.attrs["correlation"]
        text = (
            f"<p>Correlation of the weekly values: <b>{corr:.2f}</b>.</p>"
            if pd.notna(corr)
            else "<p>Too few common weeks to correlate the two.</p>"
        )
        return self._keep(Section("trends_vs_search", parts=[fig, text]))

    def _trends_over_time(self) -> Section | None:
        """A folder with Google Trends and no daily series: the download over time.

        Trends downloads over more than nine months are weekly or monthly, so the daily
        sections have nothing to show; the series themselves, with the launches, are
        still worth a look before any model (a folder of Trends alone showed nothing).
        """
        import matplotlib.pyplot as plt

        trends = self.sources.trends
        if trends is None or not len(trends.index):
            return None
        cols, terms = _trends_terms(trends)
        period = (
            "month"
            if explore.is_monthly(trends.index)
            else "day"
            if explore.is_daily(trends.index)
            else "week"
        )
        rows = -(-len(cols) // 4)  # the legend below, four terms a row
        fig, ax = plt.subplots(figsize=(11, 3.2 + 0.28 * rows))
        plotting.plot_yearly_shape(
            trends[cols],
            labels=dict(zip(cols, terms, strict=True)),
            campaigns=self.sources.campaigns,
            ax=ax,
        )
        # a hand-merged download can hold twenty terms: below the axes, not over the lines
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.22),
            ncol=min(4, len(cols)),
            frameon=False,
            fontsize="small",
        )
        ax.set_xlabel(period)
        ax.set_ylabel("interest (0-100)")
        ax.set_title(f"Google Trends interest, as downloaded (one value a {period})")
        fig.tight_layout()
        why = (
            "No Search Console or GA4 series here"
            if period == "day"
            else f"No daily series here: the Google Trends download is {period}ly"
        )
        text = (
            f"{why}; its {period}s are shown as they are. Dotted lines mark campaign "
            f"launches. Trends scales each download so that its highest {period} is 100."
        )
        return Section("yearly_shape", parts=[fig, f"<p>{escape(text)}</p>"])

    def _brand_term(self) -> str | None:
        trends = self.sources.trends
        settings = getattr(self.sources, "settings", None)
        classifier = settings.classifier() if settings is not None else None
        cols, terms = _trends_terms(trends)
        if classifier is not None:
            for term, col in zip(terms, cols, strict=True):
                if classifier.is_brand(str(term)):
                    return col
        return cols[0] if cols else None

    def direct_check(self) -> Section:
        """BigQuery raw direct sessions against GA4 Direct, with the deep share.

        Returns
        -------
        Section
        """
        import matplotlib.pyplot as plt

        events = self.sources.ga4_events
        if events is None:
            why = missing_sentence(
                "No GA4 BigQuery events in this folder",
                "ga4_events",
                adds="the check of raw direct sessions against GA4's Direct channel",
            )
            return self._keep(Section.skip("direct_check", why))
        try:
            dc = explore.direct_check(events)
        except DataValidationError as exc:
            return self._keep(Section.skip("direct_check", f"{exc}."))
        fig, ax = plt.subplots(figsize=(11, 3.8))
        plotting.plot_direct_check(dc, ax=ax)
        ax.set_title("Direct sessions in the BigQuery sample, per day")
        fig.tight_layout()
        return self._keep(Section("direct_check", parts=[fig, direct_sentence(dc)]))

    # -- summary -------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        """Headline numbers and section outcomes for ``summary.json``.

        Returns
        -------
        dict
            :func:`darksocial.explore.summary` plus ``sections`` (name -> ``status`` and
            ``why``); no NaN anywhere.
        """
        out = explore.summary(self.sources)
        out["sections"] = self.section_records()
        return finite_or_none(out)


def explore_page(
    data_dir: str | Path = "",
    *,
    country: str = "",
    currency: str = "",
    brand=(),
    data_cache: str | Path = "",
) -> ExplorePage:
    """Load a data folder for the explore-sources report.

    Parameters
    ----------
    data_dir : str or path-like, optional
        The data folder (exports as downloaded and a campaign calendar); empty for the
        bundled sample.

    country, currency, brand : optional
        Override the data folder's settings (``darksocial.yml``) for this run.
    data_cache : str or path-like, optional
        The data ``darksocial report`` already read (see
        :func:`darksocial.pages.params.resolve_report_params`); empty to read the folder.

    Returns
    -------
    ExplorePage

    Raises
    ------
    DataFormatError
        If the folder is missing, has no calendar, or an export cannot be read.
    """
    from darksocial.pages.params import resolve_report_params
    from darksocial.theme import report_theme

    report_theme()

    params = resolve_report_params(
        data_dir=data_dir, data_cache=data_cache, country=country, currency=currency, brand=brand
    )
    return ExplorePage(params.sources)


# --------------------------------------------------------------------------- display helpers
def display_table(frame: pd.DataFrame, *, caption: str | None = None, digits: int | None = None):
    """Format a table for a report: dates as "12 Aug 2024", numbers with separators.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table (index included); text is HTML-escaped.
    caption : str, optional
        Caption shown above the table.
    digits : int, optional
        Decimals of float columns; by default as :func:`darksocial.formatting.number`.

    Returns
    -------
    pandas.io.formats.style.Styler
        Missing values read "n/a"; no "NaT", "nan" or "None" text.
    """
    out = frame.copy()
    if isinstance(out.index, pd.MultiIndex):
        out.index = pd.MultiIndex.from_arrays(
            [
                _date_labels(level)
                for level in (out.index.get_level_values(i) for i in range(out.index.nlevels))
            ],
            names=[None if n is None else str(n).replace("_", " ") for n in out.index.names],
        )
    else:
        out.index = pd.Index(_date_labels(out.index), name=out.index.name)
    for col in out.columns:
        values = out[col]
        if pd.api.types.is_datetime64_any_dtype(values):
            out[col] = values.map(lambda v: "n/a" if pd.isna(v) else day(v))
        elif pd.api.types.is_bool_dtype(values):
            out[col] = values.map({True: "yes", False: "no"})
        elif pd.api.types.is_numeric_dtype(values):
            out[col] = values.map(lambda v: number(v, digits=digits))
        else:
            out[col] = values.map(lambda v: "" if v is None or _isna(v) else _text(v))
    out.columns = [str(c).replace("_", " ") for c in out.columns]
    return styled_table(out, caption=caption)


def direct_sentence(data: pd.DataFrame) -> str:
    """Say what :func:`darksocial.explore.direct_check` found, in one HTML sentence.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`darksocial.explore.direct_check`.

    Returns
    -------
    str
    """
    raw, ga4 = data.attrs["raw_total"], data.attrs["ga4_total"]
    days = int(data["raw_direct"].notna().sum())
    if ga4 > 0:
        diff = raw / ga4 - 1
        compare = (
            f"{percent(abs(diff), signed=False)} {'more' if diff > 0 else 'fewer'} than"
            if abs(diff) >= 0.005
            else "as many as"
        )
    else:
        compare = "while GA4 shows none in"
    share = data.attrs["deep_share_total"]
    deep = (
        f" <b>{percent(share, signed=False)}</b> of these raw direct sessions landed on a "
        "deep page."
        if pd.notna(share)
        else ""
    )
    return (
        f"<p>Over {number(days)} days of BigQuery events, <b>{number(raw)}</b> sessions arrived "
        f"with no source, click ID or referrer: {compare} the <b>{number(ga4)}</b> GA4 puts in "
        f"its Direct channel.{deep}</p>"
    )


def _isna(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _text(v) -> str:
    if isinstance(v, pd.Timestamp):
        return day(v)
    return str(v)


def _trends_terms(trends: pd.DataFrame) -> tuple[list[str], list[str]]:
    """A Trends download's term columns and their terms (:func:`~darksocial.io.trends.term_names`)."""
    from darksocial.io.trends import term_names

    return [c for c in trends.columns if c != "missing"], term_names(trends)


def _date_labels(values: pd.Index) -> pd.Index:
    if isinstance(values, pd.DatetimeIndex):
        return pd.Index([day(v) for v in values], name=values.name)
    return values


def _missing_days(main: pd.DataFrame) -> dict[str, int]:
    """Each series' days with no value inside its own range (first to last value)."""
    out = {}
    for col in main.columns:
        y = main[col]
        first, last = y.first_valid_index(), y.last_valid_index()
        out[col] = 0 if first is None else int(y.loc[first:last].isna().sum())
    return out
