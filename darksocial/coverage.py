"""What a data folder can support, decided before any notebook runs.

:func:`assess` lists each file found and what it was recognised as, which metrics can be
measured for which campaigns, which report sections will run, and what each missing
export would add. ``darksocial check --data DIR`` prints it; ``darksocial report`` prints
one line per source before running.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from darksocial.attribution import MIN_MENTION_ANSWERS
from darksocial.campaign import (
    METRICS,
    MIN_PRE_PERIODS,
    available_metrics,
    check_covers,
    controls_allowed,
    frequency_word,
    metric_series,
    missing_reason,
    period_code,
    period_last_day,
    period_word,
)
from darksocial.cleaning import find_gaps
from darksocial.errors import DataValidationError, InterventionDateError
from darksocial.formatting import plural

__all__ = ["SOURCE_EXPORTS", "SOURCE_LABELS", "Coverage", "assess"]

#: Each source, what it adds to the reports, and the export that provides it (menu path).
SOURCE_EXPORTS: dict[str, tuple[str, str]] = {
    "search_console": (
        "branded search (with a query filter or the bulk export), or total search clicks",
        "Search Console → Performance → Search results → Export → Download CSV (twice for "
        "branded search: with the filter Query containing your brand, then Query not containing "
        "it)",
    ),
    "ga4_channels": (
        "direct sessions per day",
        "GA4 → Reports → Acquisition → Traffic acquisition (Session default channel group), add "
        "Date → Share this report → Download file → CSV",
    ),
    "direct_landing": (
        "direct sessions on deep pages, the trace of shared links",
        "GA4 → Reports → Engagement → Landing page, add Date, filter Session default channel "
        "group = Direct → Share this report → Download file → CSV",
    ),
    "ga4_events": (
        "raw direct sessions from the BigQuery export (a cross-check)",
        "BigQuery → your analytics_<property> dataset → export events_* tables as JSON or Parquet",
    ),
    "trends": (
        "Google Trends interest in the brand, for teams without Search Console",
        "trends.google.com → Explore → your brand term (and a category term) → ⤓ download CSV",
    ),
    "meta_ads": (
        "Meta spend and impressions, and how branded search follows the ads",
        "Meta Ads Manager → Reports → Export table data, broken down by Day → CSV",
    ),
    "linkedin_ads": (
        "LinkedIn spend and impressions",
        "LinkedIn Campaign Manager → Analyze → Export → Campaign performance, by day",
    ),
    "survey": (
        'what people answered to "How did you hear about us?"',
        "your form or CRM (HubSpot, Typeform...) → export the answers with their dates as CSV",
    ),
}

#: Plain names of the sources, for reports and `darksocial check`.
SOURCE_LABELS = {
    "campaigns": "campaign calendar",
    "search_console": "Search Console",
    "ga4_channels": "GA4 traffic acquisition",
    "direct_landing": "GA4 landing pages (Direct)",
    "ga4_events": "GA4 BigQuery events",
    "trends": "Google Trends",
    "meta_ads": "Meta ads",
    "linkedin_ads": "LinkedIn ads",
    "survey": "survey answers",
}

#: Fewest survey answers before and after launch to compare mentions.
MIN_SURVEY_ANSWERS = MIN_MENTION_ANSWERS


def _series(sources, metric: str) -> pd.Series | None:
    try:
        y, _ = metric_series(sources, metric)
    except DataValidationError:
        return None
    y = y.dropna()
    return y if len(y) else None


@dataclass(frozen=True)
class Coverage:
    """What a data folder supports: files, metrics, campaigns, sections.

    Attributes
    ----------
    files : pandas.DataFrame
        One row per file found, and per file of a Search Console export: ``path``,
        ``recognised`` (as what), ``use`` (what that file of the export gave) and ``note``
        (why it is not used).
    metrics : pandas.DataFrame
        One row per metric: ``available``, ``source``, ``from``, ``to``, ``frequency``,
        ``gaps`` (``", 16 days missing in 1 gap"`` or empty), ``launches`` (the launch dates
        it can measure, ``"2025-02-02 to 2026-04-04"``), ``controls`` and, when unavailable,
        ``needs`` (the export that would add it) and
        ``why`` (what to change when that export is already there, else empty).
    campaigns : pandas.DataFrame or None
        Campaign x metric: ``"measured"`` or why not; None without a campaign calendar.
    sources : pandas.DataFrame
        One row per source: present or not, and what it adds.
    settings : pandas.DataFrame
        Brand, country, currency, time zone, and where each came from.
    """

    files: pd.DataFrame
    metrics: pd.DataFrame
    campaigns: pd.DataFrame | None
    sources: pd.DataFrame
    settings: pd.DataFrame

    def lines(self) -> list[str]:
        """One line per source: what was found, or what its export would add."""
        out = []
        for name, row in self.sources.iterrows():
            label = SOURCE_LABELS.get(name, name)
            if row["present"]:
                out.append(f"  found    {label:<28} {row['detail']}")
            elif row["unused"]:
                out.append(f"  unusable {label:<28} {row['detail']}")
            else:
                out.append(f"  missing  {label:<28} would add {row['adds']}")
        return out

    def report(self) -> str:
        """The whole assessment as one plain-text screen."""
        lines = ["Files"]
        for row in self.files.itertuples(index=False):
            what = (
                f"{row.recognised}, not used"
                if row.note and row.recognised
                else (row.recognised or "not used")
            )
            what += f": {row.use}" if getattr(row, "use", "") else ""
            note = f": {row.note}" if row.note else ""
            lines.append(f"  {row.path:<48} {what}{note}")
        lines += ["", "Sources"] + self.lines()
        lines += ["", "Settings"]
        for name, row in self.settings.iterrows():
            lines.append(f"  {name:<10} {row['value'] or '-':<30} {row['from']}")
        lines += ["", "Metrics"]
        for name, row in self.metrics.iterrows():
            if row["available"]:
                ctrl = row["controls"] or "no control series"
                lines.append(
                    f"  {name:<22} {row['from']} to {row['to']}, {row['frequency']}"
                    f"{row['gaps']}, from {row['source']}; control: {ctrl}"
                )
            elif row.get("why"):
                lines.append(f"  {name:<22} not available: {row['why']}")
            else:
                needs = str(row["needs"]).split(" (")[0]
                lines.append(f"  {name:<22} not available: needs {needs}")
        lines += ["", "Campaigns"]
        if self.campaigns is None:
            spans = [
                f"      {name:<22} {row['launches']}"
                for name, row in self.metrics.iterrows()
                if row["available"] and row.get("launches")
            ]
            lines.append(
                "  no campaign calendar in the folder: add campaigns.yml (a `campaigns:` list "
                "of id, name, launch, end...; see the README)"
                + (". The launch dates each metric can measure:" if spans else "")
            )
            lines += spans
            return "\n".join(lines)
        if not len(self.campaigns.columns):
            lines.append("  no metric is available, so no campaign can be measured")
        for cid, row in self.campaigns.iterrows() if len(self.campaigns.columns) else ():
            measured = [m for m, v in row.items() if v == "measured"]
            lines.append(
                f"  {cid}: "
                + (
                    f"measured on {', '.join(measured)}"
                    if measured
                    else "cannot be measured on these data"
                )
            )
            for m, v in row.items():
                if v != "measured":
                    lines.append(f"      {m}: {v}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.report()


def assess(sources) -> Coverage:
    """Say what a loaded data folder supports.

    Parameters
    ----------
    sources : darksocial.io.Sources
        From :func:`darksocial.io.load_folder`.

    Returns
    -------
    Coverage
    """
    root = Path(sources.directory) if sources.directory else None

    def shown(path: Path) -> str:
        return str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)

    file_rows = []
    for e in sources.exports:
        label = SOURCE_LABELS.get(e.kind, "") if e.kind else ""
        if e.kind == "ga4_channels" and e.source is None:
            # a GA4 table the reports cannot use: its note says which (no Date, no channel);
            # kept under the source it would feed, but not called traffic acquisition
            label = "GA4"
        # an export unzipped loose is its daily table: that file's use goes on its own line
        own = next((what for p, what in e.parts if p == e.path), "") if e.source else ""
        file_rows.append({"path": shown(e.path), "recognised": label, "use": own, "note": e.note})
        # the other files of an export that is not used (Queries.csv beside an hourly chart)
        # are not used either: each says so, not what it would have given
        file_rows += [
            {"path": shown(p), "recognised": label, "use": what, "note": ""}
            if e.source
            else {
                "path": shown(p),
                "recognised": label,
                "use": "",
                "note": f"part of the export of {shown(e.path)}, which is not used",
            }
            for p, what in e.parts
            if p != e.path
        ]
    files = pd.DataFrame(file_rows, columns=["path", "recognised", "use", "note"])
    src_rows = []
    for name, (adds, how) in SOURCE_EXPORTS.items():
        df = getattr(sources, name, None)
        detail = ""
        if df is not None:
            detail = _span(df)
        unused = [e for e in sources.exports if e.kind == name and e.source is None]
        if df is None and unused:
            # one of fifteen GA4 files (an ecommerce table) stood for them all here
            detail = (
                f"in the folder but not used: {unused[0].note}"
                if len(unused) == 1
                else f"in the folder but not used: {len(unused)} files, each named, with why, "
                "by darksocial check"
            )
        src_rows.append(
            {
                "source": name,
                "present": df is not None,
                "unused": bool(unused) and df is None,
                "detail": detail,
                "adds": adds,
                "how": how,
            }
        )
    metric_rows = []
    for m, spec in METRICS.items():
        y = _series(sources, m)
        if y is None:
            metric_rows.append(
                {"metric": m, "available": False, "needs": spec.needs, "why": _why(sources, m)}
            )
            continue
        full, controls = metric_series(sources, m)
        shown = ", ".join(_control_names(sources, controls)) if controls is not None else ""
        calendar = sources.campaigns if sources.campaigns is not None else {"launch": []}
        launches = pd.Series(pd.to_datetime(calendar["launch"]))
        launches = launches[(launches > y.index[0]) & (launches <= y.index[-1])]
        if controls is not None and len(launches):
            # as the model will take them (campaign.select_controls): not 24 names when
            # the history before launch supports 2 columns
            seen = int(y.loc[y.index < launches.min()].notna().sum())
            cap = controls_allowed(y, launches.min())
            if controls.shape[1] > cap:
                shown = (
                    f"{controls.shape[1]} series, as {cap} summary trend"
                    f"{'s' if cap > 1 else ''} of them (too many for {seen} periods before "
                    "launch): " + shown
                )
        metric_rows.append(
            {
                "metric": m,
                "available": True,
                "source": SOURCE_LABELS.get(_y_source(sources, m), ""),
                "from": f"{y.index[0]:%Y-%m-%d}",
                "to": f"{_last(y.index):%Y-%m-%d}",
                "frequency": frequency_word(y.index),
                "gaps": _gaps(full),
                "launches": _launch_span(y),
                "controls": shown,
                "needs": "",
                "why": "",
            }
        )
    metrics = pd.DataFrame(metric_rows).set_index("metric")
    chosen = available_metrics(sources)
    camp = {}
    for cid in sources.campaigns.index if sources.campaigns is not None else ():
        camp[str(cid)] = {m: _campaign_status(sources, m, cid) for m in chosen}
    campaigns = (
        pd.DataFrame(
            [[camp[c][m] for m in chosen] for c in camp], index=list(camp), columns=chosen
        )
        if sources.campaigns is not None
        else None
    )
    return Coverage(
        files=files,
        metrics=metrics,
        campaigns=campaigns,
        sources=pd.DataFrame(src_rows).set_index("source"),
        settings=sources.settings.frame(),
    )


def _launch_span(y: pd.Series) -> str:
    """The launch dates a series can measure: after its first 28 days (12 weeks, 12 months).

    ``"2025-02-02 to 2026-04-04"``, or empty when the series is too short for any.
    """
    try:
        need = MIN_PRE_PERIODS[period_code(y.index)]
    except DataValidationError:
        return ""
    if len(y) <= need:
        return ""
    return f"{y.index[need]:%Y-%m-%d} to {y.index[-1]:%Y-%m-%d}"


def _control_names(sources, controls: pd.DataFrame) -> list[str]:
    """Each control as the data name it: a Trends term as downloaded, not its column."""
    from darksocial.io.trends import term_names

    frame = getattr(sources, "trends", None)
    names = {}
    if frame is not None:
        cols = [c for c in frame.columns if c != "missing"]
        names = dict(zip(cols, term_names(frame), strict=True))
    return [names.get(c, c) for c in controls.columns]


def _why(sources, metric: str) -> str:
    """Why a metric is missing when its export is in the folder (empty: the export is not)."""
    if metric == "brand_interest" and getattr(sources, "trends", None) is not None:
        return missing_reason(sources, metric)  # the download is there; `brand:` is not
    return ""


def _y_source(sources, metric: str) -> str:
    y, _ = metric_series(sources, metric)
    return y.attrs.get("source", METRICS[metric].source)


def _campaign_status(sources, metric: str, campaign_id) -> str:
    """``"measured"``, or why not: the campaign report's own rule (:func:`check_covers`)."""
    if _series(sources, metric) is None:
        return "no data"
    try:
        check_covers(sources, metric, campaign_id)
    except InterventionDateError as exc:
        return str(exc)
    return "measured"


def _last(index: pd.DatetimeIndex) -> pd.Timestamp:
    """The last day the dates cover: a weekly or monthly series' last period's last day (as
    the pages date it; `check` said "to 2022-07-01" where the pages said 31 Jul 2022)."""
    return period_last_day(index[-1], period_code(index))


def _span(df: pd.DataFrame) -> str:
    n = len(df.attrs.get("paths") or [1])
    files = f", {plural(n, 'file')}" if n > 1 else ""
    if isinstance(df.index, pd.DatetimeIndex) and len(df.index):
        freq = frequency_word(df.index)
        return f"{df.index[0]:%Y-%m-%d} to {_last(df.index):%Y-%m-%d}, {freq}{_gaps(df)}{files}"
    for col in ("submitted_at", "launch"):
        if col in df.columns and df[col].notna().any():
            return (
                f"{plural(len(df), 'row')}, {df[col].min():%Y-%m-%d} to "
                f"{df[col].max():%Y-%m-%d}{files}"
            )
    return f"{plural(len(df), 'row')}{files}"


def _gaps(df: pd.DataFrame | pd.Series) -> str:
    """``, 13 days missing in 5 gaps`` for periods missing inside an export's dates.

    A frame's gaps are its ``missing`` rows; a metric's series' are its empty periods (a
    branded export's gap beside an unfiltered export that covers it).
    """
    if isinstance(df, pd.Series):
        inside = df.loc[df.first_valid_index() : df.last_valid_index()]
        gaps = find_gaps(inside.isna())
    elif "missing" not in df.columns:
        return ""
    else:
        gaps = find_gaps(df)
    if not len(gaps):
        return ""
    return (
        f", {plural(int(gaps['periods'].sum()), period_word(df.index))} missing in "
        f"{plural(len(gaps), 'gap')}"
    )
