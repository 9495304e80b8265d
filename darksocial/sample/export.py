"""Format simulated data as the real export files and write them atomically."""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from darksocial import config
from darksocial.errors import ParameterError
from darksocial.sample.process import SampleData, simulate
from darksocial.sample.scenario import Scenario
from darksocial.sample.search import BRAND_QUERIES, NONBRAND_QUERIES
from darksocial.sample.traffic import BIGQUERY_THINNING, bigquery_window

__all__ = ["render_sample", "write_sample"]

_COUNTRY = {"fra": "France", "bel": "Belgium", "che": "Switzerland", "can": "Canada",
            "usa": "United States", "gbr": "United Kingdom"}  # fmt: skip
_DEVICE = {"DESKTOP": "Desktop", "MOBILE": "Mobile", "TABLET": "Tablet"}
_TAIL_PAGES = ("/blog/how-to-stop-losing-tools-on-site", "/blog/tool-tracking-qr-vs-bluetooth",
               "/blog/construction-tool-inventory-template", "/blog/tool-theft-on-construction-sites",
               "/features/check-in-check-out", "/blog/fr/inventaire-outillage-modele")  # fmt: skip


def _csv(rows, header=None) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if header:
        w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def _num(x: float, nd: int = 2) -> str:
    """Fixed decimals without trailing zeros: 7.20 -> 7.2, 3.00 -> 3."""
    s = f"{x:.{nd}f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _ga4_preamble(title: str, start, end, segment: str) -> str:
    return (
        "# ----------------------------------------\n"
        f"# {title}\n"
        "# Account: TrackMyTools\n"
        "# Property: TrackMyTools - GA4\n"
        "# ----------------------------------------\n"
        "# \n"
        f"# {segment}\n"
        f"# Start date: {start:%Y%m%d}\n"
        f"# End date: {end:%Y%m%d}\n"
    )


def _ga4_channels(d: SampleData) -> str:
    scn = d.scenario
    t = d.ga4_channels
    t = t[(t["sessions"] > 0) & ~t["date"].isin(scn.outage_days)]
    t = t.sort_values(["date", "sessions", "channel"], ascending=[True, False, True])
    rows = [
        (f"{r.date:%Y%m%d}", r.channel, r.sessions, r.engaged_sessions, r.key_events)
        for r in t.itertuples()
    ]
    head = _ga4_preamble("Traffic acquisition: Session default channel group", scn.start,
                         scn.end, "All Users")  # fmt: skip
    return head + _csv(
        rows,
        ["Date", "Session default channel group", "Sessions", "Engaged sessions", "Key events"],
    )


def _ga4_landing(d: SampleData) -> str:
    scn = d.scenario
    t = d.landing_pages
    t = t[~t["date"].isin(scn.outage_days)]
    t = t.sort_values(["date", "sessions", "landing_page"], ascending=[True, False, True])
    rows = [(f"{r.date:%Y%m%d}", r.landing_page, r.sessions) for r in t.itertuples()]
    head = _ga4_preamble("Landing page: Landing page", scn.start, scn.end,
                         "Session default channel group exactly matches Direct")  # fmt: skip
    return head + _csv(rows, ["Date", "Landing page", "Sessions"])


def _bigquery(d: SampleData) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for ev in d.ga4_events:
        line = json.dumps(ev, ensure_ascii=False, separators=(",", ":"))
        out.setdefault(f"ga4/bigquery/events_{ev['event_date']}.json", []).append(line)
    return {k: "\n".join(v) + "\n" for k, v in out.items()}


def _ui_window(scn: Scenario) -> tuple[pd.Timestamp, pd.Timestamp]:
    lo = scn.end - pd.DateOffset(months=16) + pd.Timedelta(days=1)
    return max(lo, scn.start), scn.end


def _gsc_table(t: pd.DataFrame, key: str, label: str, names=None) -> str:
    g = t.groupby(key, sort=False)[["clicks", "impressions", "sum_top_position"]].sum()
    g = g.reset_index().sort_values(["clicks", "impressions", key], ascending=[False, False, True])
    rows = []
    for r in g.head(1000).itertuples(index=False):
        k, c, i, s = r
        ctr = "0%" if c == 0 else f"{_num(100 * c / i)}%"
        rows.append((names.get(k, k) if names else k, c, i, ctr, _num(s / i + 1)))
    return _csv(rows, [label, "Clicks", "Impressions", "CTR", "Position"])


def _search_console(d: SampleData) -> dict[str, str]:
    scn = d.scenario
    rows = d.search_rows
    # Brand and non-brand anonymized searches share the empty query: one row per key.
    keys = ["date", "query", "is_anonymized_query", "country", "device"]
    bulk = rows.groupby(keys, sort=True)[["impressions", "clicks", "sum_top_position"]].sum()
    bulk = bulk.reset_index()
    site = scn.site
    lines = [
        (f"{r.date:%Y-%m-%d}", site, r.query, "true" if r.is_anonymized_query else "false",
         r.country, "WEB", r.device, r.impressions, r.clicks, r.sum_top_position)
        for r in bulk.itertuples()
    ]  # fmt: skip
    out = {
        "search_console/searchdata_site_impression.csv": _csv(
            lines,
            [
                "data_date",
                "site_url",
                "query",
                "is_anonymized_query",
                "country",
                "search_type",
                "device",
                "impressions",
                "clicks",
                "sum_top_position",
            ],
        )  # fmt: skip
    }
    lo, hi = _ui_window(scn)
    ui = rows[(rows["date"] >= lo) & (rows["date"] <= hi)].copy()
    page_of = {(q.text, q.kind): q.page for q in BRAND_QUERIES}
    page_of |= {(q.text, q.kind): q.page for q in NONBRAND_QUERIES}
    ui["page"] = [
        site + page_of[(q, k)].lstrip("/") for q, k in zip(ui["query"], ui["kind"], strict=True)
    ]  # noqa: E501
    # Anonymized non-brand searches land on many pages: rotate them over the long tail.
    tail = ui["is_anonymized_query"] & (ui["kind"] != "brand")
    ui.loc[tail, "page"] = [site + _TAIL_PAGES[i % len(_TAIL_PAGES)].lstrip("/")
                            for i in range(int(tail.sum()))]  # fmt: skip
    named = ui[~ui["is_anonymized_query"]]
    base = "search_console/ui_export/"
    out[base + "Queries.csv"] = _gsc_table(named, "query", "Top queries")
    out[base + "Pages.csv"] = _gsc_table(ui, "page", "Top pages")
    out[base + "Countries.csv"] = _gsc_table(ui, "country", "Country", _COUNTRY)
    out[base + "Devices.csv"] = _gsc_table(ui, "device", "Device", _DEVICE)
    daily = ui.groupby("date")[["clicks", "impressions", "sum_top_position"]].sum()
    chart = [
        (f"{day:%Y-%m-%d}", r.clicks, r.impressions,
         "0%" if r.clicks == 0 else f"{_num(100 * r.clicks / r.impressions)}%",
         _num(r.sum_top_position / r.impressions + 1))
        for day, r in daily.iterrows()
    ]  # fmt: skip
    out[base + "Chart.csv"] = _csv(chart, ["Date", "Clicks", "Impressions", "CTR", "Position"])
    span = f"{lo.day} {lo:%b %Y}-{hi.day} {hi:%b %Y}"
    out[base + "Filters.csv"] = _csv([("Search type", "Web"), ("Date", span)], ["Filter", "Value"])
    return out


def _trends(d: SampleData) -> str:
    w = d.trends
    scaled = w / w.to_numpy().max() * 100

    def cell(v: float) -> str:
        if 0 < v < 0.5:
            return "<1"
        return str(int(np.floor(v + 0.5)))

    rows = [(f"{wk:%Y-%m-%d}", cell(r.brand), cell(r.category)) for wk, r in scaled.iterrows()]
    return "Category: All categories\n\n" + _csv(
        rows, ["Week", "trackmytools: (Worldwide)", "tool tracking: (Worldwide)"]
    )


def _meta_name(scn: Scenario) -> str:
    def dm(ts: pd.Timestamp) -> str:
        return f"{ts.day}-{ts:%b-%Y}"

    return f"meta_ads/TrackMyTools-Campaigns-{dm(scn.start)}{dm(scn.end)}.csv"


def _meta(d: SampleData) -> str:
    scn = d.scenario
    m = d.meta_ads.sort_values(["day", "campaign_name"])
    header = ["Campaign name", "Day", "Reach", "Impressions", "Frequency", "Currency",
              "Amount spent (EUR)", "Link clicks", "CPC (cost per link click) (EUR)",
              "CTR (link click-through rate)", "Clicks (all)", "Landing page views", "Leads",
              "Reporting starts", "Reporting ends"]  # fmt: skip

    def g(x: float) -> str:
        return f"{x:.8g}"

    def blank(v) -> str:
        return "" if v == 0 else str(v)

    def row(name, day, reach, imp, spent, link, clicks, lpv, leads, start, end):
        return [name, day, str(reach), str(imp), g(imp / reach) if reach else "", "EUR",
                _num(spent, 2), blank(link), g(spent / link) if link else "",
                g(100 * link / imp) if imp else "", blank(clicks), blank(lpv), blank(leads),
                start, end]  # fmt: skip

    lines = []
    if len(m):
        # Reach over the whole period is unique people, well below the sum of daily reach.
        total_reach = int(round(m["reach"].sum() * 0.38))
        lines.append(row("", "", total_reach, int(m["impressions"].sum()),
                         float(m["amount_spent"].sum()), int(m["link_clicks"].sum()),
                         int(m["clicks_all"].sum()), int(m["landing_page_views"].sum()),
                         int(m["leads"].sum()), f"{scn.start:%Y-%m-%d}", f"{scn.end:%Y-%m-%d}"))  # fmt: skip
        for r in m.itertuples():
            day = f"{r.day:%Y-%m-%d}"
            lines.append(row(r.campaign_name, day, r.reach, r.impressions, r.amount_spent,
                             r.link_clicks, r.clicks_all, r.landing_page_views, r.leads, day, day))  # fmt: skip

    def field(s: str) -> str:
        # Ads Manager quotes fields holding spaces, commas or quotes, and nothing else.
        if any(ch in s for ch in ' ,"'):
            return '"' + s.replace('"', '""') + '"'
        return s

    body = [",".join(field(x) for x in header)]
    body += [",".join(field(x) for x in line) for line in lines]
    if not lines:
        body = ['"No data available."']
    return "\n".join(body) + "\n"


def _survey(d: SampleData) -> str:
    s = d.survey.sort_values("record_id")
    rows = [
        (r.record_id, f"{r.create_date:%Y-%m-%d %H:%M}", r.original_source, r.drill_down, r.answer)
        for r in s.itertuples()
    ]
    return _csv(rows, ["Record ID", "Create Date", "Original Source",
                       "Original Source Drill-Down 1", "How did you hear about us?"])  # fmt: skip


def _campaigns(d: SampleData) -> str:
    items = []
    for c in d.scenario.campaigns:
        item = {
            "id": c.id,
            "name": c.name,
            "channel": c.channel,
            "content_type": c.content_type,
            "launch": c.launch.date(),
            "end": c.end.date() if c.end is not None else None,
            "spend": float(c.spend),
            "notes": c.notes,
        }
        if c.evaluation_end is not None:
            item["evaluation_end"] = c.evaluation_end.date()
        items.append(item)
    head = "# Campaign calendar of the fictional TrackMyTools (generated by darksocial.sample).\n"
    return head + yaml.safe_dump(
        {"campaigns": items}, sort_keys=False, allow_unicode=True, width=88
    )


def _readme(d: SampleData) -> str:
    scn = d.scenario
    win = bigquery_window(scn)
    lo, hi = _ui_window(scn)
    n_sessions = len({(e["user_pseudo_id"], e["event_params"][0]["value"]["int_value"])
                      for e in d.ga4_events})  # fmt: skip
    outage = ", ".join(d.truth["ga4_outage"]) or "none"
    return f"""# TrackMyTools sample data

Generated by `darksocial sample` (module `darksocial.sample`, generator version
{d.truth["generator"]["version"]}, seed {scn.seed}). Do not edit by hand: regenerate.
TrackMyTools is a fictional B2B SaaS (tool tracking for construction teams), site
`{scn.site}`, property time zone Europe/Paris, daily data {scn.start:%Y-%m-%d} to
{scn.end:%Y-%m-%d}. Every file imitates a real export; see `../../shared/docs/data-formats.md`
(section numbers below).

| path | imitates |
|---|---|
| `campaigns.yml` | the team's campaign calendar (id, name, channel, content_type, launch, end, spend, notes, evaluation_end) |
| `darksocial.yml` | the folder's settings: brand terms, country (public holidays), currency, time zone |
| `TRUTH.json` | not an export: the injected effects per campaign and metric, the ad-to-search lag kernel, the outage days |
| `ga4/Traffic_acquisition_Session_default_channel_group.csv` | GA4 UI CSV (1.1), sessions by date and default channel group; rows sorted by date, then sessions descending |
| `ga4/Landing_page_Landing_page.csv` | GA4 UI CSV (1.1), Direct sessions only, by date and landing page; per day the rows sum to the Direct row of the channel file |
| `ga4/bigquery/events_YYYYMMDD.json` | GA4 BigQuery export (1.3), newline-delimited JSON, {win[0]:%Y-%m-%d} to {win[-1]:%Y-%m-%d} |
| `search_console/searchdata_site_impression.csv` | Search Console bulk export table (2.3) saved from BigQuery, full period |
| `search_console/ui_export/*.csv` | Search Console UI export (2.1): Queries, Pages, Countries, Devices, Chart, Filters; last 16 months ({lo:%Y-%m-%d} to {hi:%Y-%m-%d}) |
| `google_trends/multiTimeline.csv` | Google Trends download (3.1), weekly, brand and category term |
| `{_meta_name(scn)}` | Meta Ads Manager export broken down by day (4.1), first row = account totals |
| `survey/how_did_you_hear.csv` | HubSpot contacts export with a free-text "How did you hear about us?" (5) |

Things to know:

- GA4 tracking outage: {outage}. Both GA4 UI files have no rows for those days (GA4
  omits zero rows); Search Console is unaffected.
- GA4 "Direct" uses last non-direct attribution: some raw no-referrer sessions appear under
  Organic Search in the UI files. The BigQuery events show them (no source/medium
  parameters, `session_traffic_source_last_click` = Organic Search).
- The BigQuery sample keeps each simulated session with probability
  {BIGQUERY_THINNING:.2f} (1 in {round(1 / BIGQUERY_THINNING)}): {n_sessions} sessions, not the
  full traffic. It includes untagged social clicks (`fbclid=`, `li_fat_id=` in the landing
  URL, no referrer), which GA4 counts as Direct but are social, not dark.
- Search Console: anonymized queries are rows with an empty `query` and
  `is_anonymized_query = true`; they hold about
  {100 * d.truth["search_console"]["anonymized_click_share"]:.0f} % of clicks, and about
  {100 * d.truth["search_console"]["anonymized_click_share_brand"]:.0f} % of brand clicks
  (rare brand long-tail searches). `branded_clicks` in `TRUTH.json` counts them; a query
  classifier cannot. The UI `Queries.csv` omits anonymized queries; `Chart.csv`
  includes them. Near-miss non-brand queries (`track tools`, `my tools`, ...) are traps
  for a sloppy brand regex.
- The `newsletter-relaunch` campaign has no effect on search or direct traffic (the
  false-positive check); `meta-ads-spring` and `webinar-series-may` overlap, and each one's
  truth is its own additive contribution.
- Survey answers are free text in French and English with typos and blanks; a few hold
  made-up personal data (`@example.com` addresses, phone numbers) to test redaction.
"""


#: The sample folder's settings: stated, so nothing about the sample company is inferred.
SETTINGS_TEXT = """\
# Settings of the TrackMyTools data folder (read by darksocial.io.load_folder).
brand:
  terms: [trackmytools, track my tools]
country: FR
currency: EUR
time_zone: Europe/Paris
"""


def render_sample(data: SampleData) -> dict[str, str]:
    """Format simulated data as the text of every sample file.

    Parameters
    ----------
    data : SampleData
        Output of :func:`darksocial.sample.simulate`.

    Returns
    -------
    dict of str to str
        Relative path (forward slashes) to file content, in a fixed order.
    """
    out = {
        "README.md": _readme(data),
        "campaigns.yml": _campaigns(data),
        "darksocial.yml": SETTINGS_TEXT,
        "TRUTH.json": json.dumps(data.truth, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
        "ga4/Traffic_acquisition_Session_default_channel_group.csv": _ga4_channels(data),
        "ga4/Landing_page_Landing_page.csv": _ga4_landing(data),
        "google_trends/multiTimeline.csv": _trends(data),
        _meta_name(data.scenario): _meta(data),
        "survey/how_did_you_hear.csv": _survey(data),
    }
    out |= _search_console(data)
    out |= _bigquery(data)
    return out


def _file_names(scn: Scenario) -> set[str]:
    """Every path write_sample can write for a scenario (without simulating it)."""
    fixed = {
        "README.md", "campaigns.yml", "darksocial.yml", "TRUTH.json",
        "ga4/Traffic_acquisition_Session_default_channel_group.csv",
        "ga4/Landing_page_Landing_page.csv", "google_trends/multiTimeline.csv",
        _meta_name(scn), "survey/how_did_you_hear.csv",
        "search_console/searchdata_site_impression.csv",
    }  # fmt: skip
    ui = {f"search_console/ui_export/{n}.csv" for n in
          ("Queries", "Pages", "Countries", "Devices", "Chart", "Filters")}  # fmt: skip
    bq = {f"ga4/bigquery/events_{d:%Y%m%d}.json" for d in bigquery_window(scn)}
    return fixed | ui | bq


def _check_target(directory: Path, allowed: set[str]) -> None:
    if directory.exists() and not directory.is_dir():
        raise ParameterError(f"{directory} is a file; pass a folder to write the sample into")
    if not directory.exists():
        return
    foreign = sorted(
        p.relative_to(directory).as_posix()
        for p in directory.rglob("*")
        if not p.is_dir() and p.relative_to(directory).as_posix() not in allowed
    )
    if foreign:
        more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
        raise ParameterError(
            f"refusing to write the sample into {directory}: it holds files the generator "
            f"does not write ({foreign[0]}{more}); choose an empty or new folder"
        )


def write_sample(
    directory: str | Path = config.SAMPLE_DIR,
    *,
    seed: int = config.SEED,
    scenario: Scenario | None = None,
) -> list[Path]:
    """Simulate the TrackMyTools sample and write it in the real export formats.

    The output is deterministic byte for byte for a given seed. Files are first written
    to a temporary sibling folder, which then replaces ``directory``, so a failure never
    leaves a half-written sample.

    Parameters
    ----------
    directory : str or pathlib.Path, optional
        Folder to write, ``data/sample`` by default. It must not exist, be empty, or hold
        only files this function writes.
    seed : int, optional
        Random seed, :data:`darksocial.config.SEED` by default.
    scenario : Scenario, optional
        Scenario to simulate, :meth:`Scenario.trackmytools` by default; ``seed``
        replaces its seed.

    Returns
    -------
    list of pathlib.Path
        The files written, sorted.

    Raises
    ------
    ParameterError
        If ``directory`` is a file or holds files the generator does not write.

    Examples
    --------
    >>> from darksocial.sample import write_sample
    >>> paths = write_sample("/tmp/trackmytools-sample")  # doctest: +SKIP
    """
    directory = Path(directory)
    scn = (scenario or Scenario.trackmytools()).replace(seed=int(seed))
    _check_target(directory, _file_names(scn))  # fail fast, before simulating
    files = render_sample(simulate(scn))
    _check_target(directory, set(files))
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.tmp-", dir=directory.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; the sample is ordinary data
    old = tmp.with_name(tmp.name.replace(".tmp-", ".old-"))
    try:
        for rel, text in files.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        if directory.exists():
            directory.rename(old)
            try:
                tmp.rename(directory)
            except BaseException:
                old.rename(directory)
                raise
            shutil.rmtree(old)
        else:
            tmp.rename(directory)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return sorted(directory / rel for rel in files)
