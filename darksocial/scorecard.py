"""A dark-social scorecard: every signal of every campaign in one table and one figure.

A campaign that reaches people through dark social leaves several independent traces:
more branded search, more direct visits to deep pages, more answers naming the channel in
"How did you hear about us?", and (for paid campaigns) branded search that follows the
ads. :func:`scorecard` puts them side by side from plain tidy tables, so it does not care
how each estimate was made; :class:`Scorecard` gives the table, a verdict per signal
("up", "no change", "down": does the interval exclude zero?) and one sentence per
campaign saying whether the signals agree; :func:`plot_scorecard` (from
:mod:`darksocial.plotting`) draws the grid.

The adapters :func:`estimates_from_its`, :func:`mentions_frame` and :func:`ads_frame`
turn :class:`darksocial.its.ImpactResult`, :class:`darksocial.attribution.MentionsResult`
and :class:`darksocial.adlag.AdLagResult` objects into those tables.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from darksocial.config import ALPHA
from darksocial.errors import DataValidationError, ParameterError
from darksocial.formatting import interval, join_words, number, percent, points, significant
from darksocial.plotting import VERDICT_COLORS, plot_scorecard  # re-exported from plotting

__all__ = [
    "NOT_MEASURED",
    "SIGNAL_LABELS",
    "VERDICT_COLORS",
    "Scorecard",
    "ads_frame",
    "estimates_from_its",
    "mentions_frame",
    "plot_scorecard",
    "scorecard",
]

#: Reader-facing names of the usual signals; other metric names are shown with "_" -> " ".
SIGNAL_LABELS = {
    "branded_search": "branded search",
    "branded_clicks": "branded search",
    "branded_impressions": "branded impressions",
    "deep_direct": "deep-page direct",
    "deep_direct_sessions": "deep-page direct",
    "dark_social": "dark social (leakage-adjusted)",
    "direct": "direct",
    "direct_sessions": "direct",
    "mentions": "self-reported mentions",
    "ads_share": "ads-to-search share",
}

#: Verdict of a signal that has no estimate for a campaign.
NOT_MEASURED = "not measured"

_ORDER = ("branded_search", "branded_clicks", "branded_impressions", "deep_direct")
_ORDER += ("deep_direct_sessions", "dark_social", "direct", "direct_sessions")
_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight")


# --------------------------------------------------------------------------- formatting
def _interval_text(scale: str, est: float, lo: float, hi: float, unit: str = "") -> str:
    # the same formatter as the campaign reports and the overview's tables, so a lift
    # reads "+3.6% (−2.9% to +10%)" everywhere
    if scale == "absolute" and unit:
        return f"{number(est, signed=True)} {unit} ({interval(lo, hi, kind='number')})"
    if scale == "relative":
        return f"{percent(est)} ({interval(lo, hi)})"
    if scale == "points":
        return f"{points(est)} points ({points(lo)} to {points(hi)})"
    if scale == "share":
        est_s, lo_s, hi_s = (percent(v, signed=False) for v in (est, lo, hi))
        return f"{est_s} ({lo_s} to {hi_s})"
    return f"{significant(est)} ({significant(lo)} to {significant(hi)})"


def _verdict(lo: float, hi: float) -> str:
    if lo > 0:
        return "up"
    if hi < 0:
        return "down"
    return "no change"


def _word(n: int) -> str:
    return _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)


# --------------------------------------------------------------------------- inputs
def _numeric(frame: pd.DataFrame, cols: Sequence[str], what: str) -> pd.DataFrame:
    out = frame.copy()
    for col in cols:
        try:
            out[col] = pd.to_numeric(out[col], errors="raise").astype(float)
        except (TypeError, ValueError):
            raise DataValidationError(
                f"column {col!r} of {what} must be numeric; fix or drop the non-numeric values."
            ) from None
    return out


def _require(frame: Any, cols: Sequence[str], what: str, hint: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise DataValidationError(f"{what} must be a DataFrame ({hint}).")
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise DataValidationError(
            f"{what} lacks column(s) {missing} (it has {list(frame.columns)}); {hint}."
        )
    return frame


def _check_interval(frame: pd.DataFrame, est: str, lo: str, hi: str, what: str) -> None:
    vals = frame[[est, lo, hi]]
    partial = vals.notna().any(axis=1) & vals.isna().any(axis=1)
    if partial.any():
        bad = sorted(set(frame.loc[partial, "campaign"].astype(str)))
        raise DataValidationError(
            f"{what}: campaign(s) {bad} have {est} but no complete {lo}/{hi} interval; give "
            "all three or drop the row."
        )
    flipped = frame[lo] > frame[hi]
    if flipped.any():
        bad = sorted(set(frame.loc[flipped, "campaign"].astype(str)))
        raise DataValidationError(f"{what}: campaign(s) {bad} have {lo} > {hi}; swap the bounds.")


def _calendar(campaigns: Any) -> pd.DataFrame | None:
    if campaigns is None:
        return None
    if not isinstance(campaigns, pd.DataFrame):
        raise DataValidationError(
            "campaigns must be the calendar DataFrame of darksocial.io.load_campaigns."
        )
    cal = campaigns.copy()
    for key in ("campaign", "id"):
        if key in cal.columns:
            cal = cal.set_index(key)
            break
    cal.index = cal.index.astype(str)
    if cal.index.has_duplicates:
        dup = sorted(set(cal.index[cal.index.duplicated()]))
        raise DataValidationError(f"the campaign calendar lists {dup} twice; keep one row each.")
    if "launch" in cal.columns:
        cal = cal.sort_values("launch", kind="stable")
    return cal


def _its_rows(estimates: pd.DataFrame, labels: Mapping[str, str]) -> list[dict]:
    _require(
        estimates,
        ["campaign", "metric"],
        "estimates",
        "expected columns campaign, metric, estimate, lower, upper, p_value, relative, "
        "relative_lower, relative_upper (see estimates_from_its)",
    )
    cols = set(estimates.columns)
    has_abs = {"estimate", "lower", "upper"} <= cols
    has_rel = {"relative", "relative_lower", "relative_upper"} <= cols
    if not (has_abs or has_rel):
        raise DataValidationError(
            "estimates need estimate/lower/upper or relative/relative_lower/relative_upper "
            f"columns (it has {list(estimates.columns)})."
        )
    num = [c for c in ("estimate", "lower", "upper", "p_value") if c in cols]
    num += [c for c in ("relative", "relative_lower", "relative_upper") if c in cols]
    est = _numeric(estimates, num, "estimates")
    est["campaign"] = est["campaign"].astype(str)
    est["metric"] = est["metric"].astype(str)
    dup = est.duplicated(["campaign", "metric"], keep=False)
    if dup.any():
        pairs = sorted(set(zip(est.loc[dup, "campaign"], est.loc[dup, "metric"], strict=True)))
        raise DataValidationError(
            f"estimates has several rows for {pairs[:3]}; keep one row per campaign and metric."
        )
    if has_abs:
        _check_interval(est, "estimate", "lower", "upper", "estimates")
    if has_rel:
        _check_interval(est, "relative", "relative_lower", "relative_upper", "estimates")
    rows = []
    for _, r in est.iterrows():
        g = r.get
        abs_vals = [g("estimate", np.nan), g("lower", np.nan), g("upper", np.nan)]
        rel_vals = [
            g("relative", np.nan),
            g("relative_lower", np.nan),
            g("relative_upper", np.nan),
        ]
        if np.isfinite(rel_vals).all():
            scale, shown = "relative", rel_vals
        elif np.isfinite(abs_vals).all():
            scale, shown = "absolute", abs_vals
        else:
            continue  # an empty row is a signal not measured
        rows.append(
            {
                "campaign": r["campaign"],
                "signal": r["metric"],
                "label": labels.get(r["metric"], r["metric"].replace("_", " ")),
                "scale": scale,
                "estimate": shown[0],
                "lower": shown[1],
                "upper": shown[2],
                "p_value": g("p_value", np.nan),
                "unit": g("unit", "") if isinstance(g("unit", ""), str) else "",
                "abs_estimate": abs_vals[0],
                "abs_lower": abs_vals[1],
                "abs_upper": abs_vals[2],
            }
        )
    return rows


def _mention_rows(mentions: pd.DataFrame, cal: pd.DataFrame | None, label: str) -> list[dict]:
    _require(
        mentions,
        ["campaign", "diff", "diff_lower", "diff_upper"],
        "mentions",
        "expected columns campaign, before, after, diff, diff_lower, diff_upper "
        "(see mentions_frame)",
    )
    num = ("before", "after", "diff", "diff_lower", "diff_upper", "p_value")
    m = _numeric(mentions, [c for c in num if c in mentions.columns], "mentions")
    m["campaign"] = m["campaign"].astype(str)
    if m["campaign"].duplicated().any():
        dup = sorted(set(m.loc[m["campaign"].duplicated(), "campaign"]))
        raise DataValidationError(f"mentions has several rows for {dup}; keep one per campaign.")
    _check_interval(m, "diff", "diff_lower", "diff_upper", "mentions")
    rows = []
    for _, r in m.dropna(subset=["diff"]).iterrows():
        what = r.get("label")
        if not isinstance(what, str) or not what:
            what = None
            if cal is not None and "channel" in cal.columns and r["campaign"] in cal.index:
                ch = cal.at[r["campaign"], "channel"]
                what = str(ch).replace("_", " ") if isinstance(ch, str) and ch else None
        rows.append(
            {
                "campaign": r["campaign"],
                "signal": "mentions",
                "label": label,
                "mention_of": what,
                "scale": "points",
                "estimate": r["diff"],
                "lower": r["diff_lower"],
                "upper": r["diff_upper"],
                "p_value": r.get("p_value", np.nan),
                "before": r.get("before", np.nan),
                "after": r.get("after", np.nan),
            }
        )
    return rows


def _ads_rows(ads: pd.DataFrame, label: str) -> list[dict]:
    _require(
        ads,
        ["campaign", "share", "share_lower", "share_upper"],
        "ads",
        "expected columns campaign, share, share_lower, share_upper (see ads_frame)",
    )
    cols = [c for c in ("share", "share_lower", "share_upper", "p_value") if c in ads.columns]
    a = _numeric(ads, cols, "ads")
    a["campaign"] = a["campaign"].astype(str)
    if a["campaign"].duplicated().any():
        dup = sorted(set(a.loc[a["campaign"].duplicated(), "campaign"]))
        raise DataValidationError(f"ads has several rows for {dup}; keep one per campaign.")
    _check_interval(a, "share", "share_lower", "share_upper", "ads")
    return [
        {
            "campaign": r["campaign"],
            "signal": "ads_share",
            "label": label,
            "scale": "share",
            "estimate": r["share"],
            "lower": r["share_lower"],
            "upper": r["share_upper"],
            "p_value": r.get("p_value", np.nan),
            "within_days": r.get("within", np.nan),
        }
        for _, r in a.dropna(subset=["share"]).iterrows()
    ]


def _ads_with_search(data: pd.DataFrame) -> pd.Series:
    """Ads-to-search verdicts that never say more than the campaign's branded search.

    The ads-to-search share says how many branded clicks came soon after an ad; it is
    not a lift. When the campaign's branded search was measured and did not rise, a share
    above zero is "unconfirmed" (counted as no change), never "up": the overview and the
    campaign report must not disagree on whether branded search rose.
    """
    verdict = data["verdict"].copy()
    search = data[data["signal"].isin(["branded_search", "branded_clicks"])]
    flat = set(search.loc[search["verdict"] != "up", "campaign"])
    ads = (data["signal"] == "ads_share") & (data["verdict"] == "up")
    verdict[ads & data["campaign"].isin(flat)] = "unconfirmed"
    return verdict


# --------------------------------------------------------------------------- the card
def _subject(r: pd.Series) -> str:
    if r["signal"] == "mentions":
        return f"{r['mention_of']} mentions" if r.get("mention_of") else "mentions"
    return r["label"]


def _phrase(r: pd.Series) -> str:
    """One signal in words: 'branded search +16% (+10% to +23%)'."""
    nums = _interval_text(r["scale"], r["estimate"], r["lower"], r["upper"], r["unit"])
    if r["signal"] != "mentions" or r["verdict"] == "no change":
        return f"{_subject(r)} {nums}"
    pts = points(abs(r["estimate"])).lstrip("+")
    unit = "point" if pts == "1" else "points"
    lo, hi = points(r["lower"]), points(r["upper"])
    return f"{_subject(r)} {r['verdict']} {pts} {unit} ({lo} to {hi})"


def _clauses(rows: pd.DataFrame) -> list[str]:
    """'branded search and deep-page direct rose': one clause per verb, in signal order."""
    groups: dict[str, list[str]] = {}
    for _, r in rows.iterrows():
        if r["signal"] == "ads_share":
            subject = "the ads"
            verb = {
                "up": "were followed by branded search",
                "no change": "were not measurably followed by branded search",
                "down": "were followed by less branded search",
                "unconfirmed": "were followed by branded clicks, but branded search did not rise",
            }[r["verdict"]]
        else:
            subject = _subject(r)
            still = "did not change" if r["signal"] == "mentions" else "did not move"
            verb = {"up": "rose", "no change": still, "down": "fell"}[r["verdict"]]
        groups.setdefault(verb, []).append(subject)
    return [f"{join_words(subjects)} {verb}" for verb, subjects in groups.items()]


def _agreement(rows: pd.DataFrame) -> tuple[str, str]:
    """The consensus word and the sentence for one campaign's measured signals."""
    k = len(rows)
    if k == 0:
        return "none", "No signal was measured for this campaign."
    details = "; ".join(_phrase(r) for _, r in rows.iterrows())
    # an unconfirmed ads-to-search share counts as no change
    verdicts = set(rows["verdict"].replace("unconfirmed", "no change"))
    if k == 1:
        return "single", (
            f"Only one signal was measured, so agreement cannot be judged: {details}; "
            "confirm with a second signal before acting."
        )
    if verdicts == {"up"}:
        return "up", f"{_word(k).capitalize()} of {_word(k)} signals agree on a lift: {details}."
    if verdicts == {"no change"}:
        ads = (
            "; some branded clicks came soon after an ad, but branded search did not rise"
            if "unconfirmed" in set(rows["verdict"])
            else ""
        )
        return "no change", (f"No signal moved ({details}){ads}; there is no evidence of a lift.")
    if verdicts == {"down"}:
        return "down", f"{_word(k).capitalize()} of {_word(k)} signals agree on a fall: {details}."
    if verdicts == {"up", "no change"}:
        ups = rows[rows["verdict"] == "up"]
        n_up = len(ups)
        lead = _clauses(ups)
        rest = _clauses(rows[rows["verdict"] != "up"])
        if n_up > k - n_up:
            note = ""
            flat = set(rows.loc[rows["verdict"] == "no change", "signal"])
            if flat & {"direct", "direct_sessions"} and set(ups["signal"]) & {
                "deep_direct",
                "deep_direct_sessions",
            }:
                note = (
                    " (all direct sessions include home-page visits, so a rise on deep pages "
                    "can be too small to show in the total)"
                )
            return "up", (
                f"{_word(n_up).capitalize()} of {_word(k)} signals point to a lift: "
                f"{join_words(lead)}; {join_words(rest)}{note} ({details})."
            )
        return "mixed", (
            f"Mixed signals: {join_words(lead)}, but {join_words(rest)}; treat the lift with "
            f"caution ({details})."
        )
    first = "up" if "up" in verdicts else "down"
    lead = _clauses(rows[rows["verdict"] == first])
    rest = _clauses(rows[rows["verdict"] != first])
    what = "lift" if first == "up" else "change"
    return "mixed", (
        f"Signals disagree: {join_words(lead)}, but {join_words(rest)}; treat the {what} with caution "
        f"({details})."
    )


class Scorecard:
    """Dark-social signals of several campaigns, with verdicts and an agreement sentence.

    Build it with :func:`scorecard`.

    Attributes
    ----------
    data : pandas.DataFrame
        One row per measured campaign and signal: ``campaign``, ``signal``, ``label``,
        ``scale`` (``"relative"``, ``"absolute"``, ``"points"`` or ``"share"``),
        ``estimate``, ``lower``, ``upper`` (the numbers shown and judged), ``p_value``,
        ``verdict``, ``text``, and the absolute effect (``abs_*``), the shares
        ``before``/``after`` and ``mention_of`` where they apply.
    campaigns : list of str
        Campaign ids, in calendar (launch) order.
    names : dict
        Display name of each campaign (the calendar ``name``, else the id).
    signals : list of str
        Signal keys, in column order.
    alpha : float
        Intervals are ``1 - alpha`` intervals.
    """

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        campaigns: Sequence[str],
        names: Mapping[str, str],
        signals: Sequence[str],
        labels: Mapping[str, str],
        alpha: float,
    ):
        self.data = data
        self.campaigns = list(campaigns)
        self.names = dict(names)
        self.signals = list(signals)
        self._labels = dict(labels)
        self.alpha = alpha

    def __repr__(self) -> str:
        return (
            f"<Scorecard {len(self.campaigns)} campaigns x {len(self.signals)} signals "
            f"({', '.join(self.signals)})>"
        )

    def _rows(self, campaign: str) -> pd.DataFrame:
        part = self.data[self.data["campaign"] == campaign]
        order = {s: i for i, s in enumerate(self.signals)}
        return part.sort_values("signal", key=lambda s: s.map(order), kind="stable")

    def verdicts(self) -> pd.DataFrame:
        """Verdict of every signal and the agreement sentence, one row per campaign.

        Returns
        -------
        pandas.DataFrame
            Index ``campaign``; one column per signal with ``"up"`` (the interval is
            above 0), ``"down"`` (below 0), ``"no change"`` (it contains 0) or
            ``"not measured"``; ``consensus`` (``"up"``, ``"no change"``, ``"down"``,
            ``"mixed"``, ``"single"`` when one signal was measured, ``"none"``) and
            ``agreement``, the sentence.
        """
        out = pd.DataFrame(NOT_MEASURED, index=pd.Index(self.campaigns, name="campaign"),
                           columns=self.signals)  # fmt: skip
        for _, r in self.data.iterrows():
            out.at[r["campaign"], r["signal"]] = r["verdict"]
        agree = {c: _agreement(self._rows(c)) for c in self.campaigns}
        out["consensus"] = [agree[c][0] for c in self.campaigns]
        out["agreement"] = [agree[c][1] for c in self.campaigns]
        return out

    def table(self) -> pd.DataFrame:
        """The scorecard as formatted text, one row per campaign.

        Returns
        -------
        pandas.DataFrame
            Index ``campaign``; ``name``, one column per signal (named by its label) with
            the estimate and interval as text (``"+16% (+10% to +23%)"``; relative lifts in
            %, mentions in percentage points, ads-to-search as a share) or ``"-"``, and
            ``agreement``.
        """
        v = self.verdicts()
        out = pd.DataFrame(index=v.index)
        out["name"] = [self.names[c] for c in self.campaigns]
        for s in self.signals:
            out[self._labels[s]] = "-"
        for _, r in self.data.iterrows():
            out.at[r["campaign"], self._labels[r["signal"]]] = r["text"]
        out["agreement"] = v["agreement"]
        return out

    def frame(self) -> pd.DataFrame:
        """The scorecard's numbers, one row per campaign.

        Returns
        -------
        pandas.DataFrame
            Index ``campaign``; for each signal ``<signal>_estimate``, ``_lower``,
            ``_upper`` (the scale shown: relative lift, share difference as a fraction, or
            share) and ``_p_value``; for ITS signals with absolute effects also
            ``<signal>_abs_estimate``, ``_abs_lower``, ``_abs_upper``; for mentions
            ``mentions_before`` and ``mentions_after``. NaN where not measured.
        """
        out = pd.DataFrame(index=pd.Index(self.campaigns, name="campaign"))
        for s in self.signals:
            part = self.data[self.data["signal"] == s].set_index("campaign")
            cols = ["estimate", "lower", "upper", "p_value"]
            cols += [c for c in ("abs_estimate", "abs_lower", "abs_upper") if c in part]
            cols += [c for c in ("before", "after") if c in part and s == "mentions"]
            for c in cols:
                vals = part[c].reindex(out.index).astype(float)
                if c.startswith("abs_") and vals.isna().all():
                    continue
                out[f"{s}_{c}"] = vals
        return out

    def report(self) -> str:
        """One plain-language sentence per campaign on whether its signals agree.

        Returns
        -------
        str
            Paragraph of ``"<campaign name>: <agreement sentence>"`` lines, followed by
            how verdicts are decided.
        """
        v = self.verdicts()
        lines = [f"{self.names[c]}: {v.at[c, 'agreement']}" for c in self.campaigns]
        lines.append(
            f"A signal counts as up or down when its {1 - self.alpha:.0%} interval excludes "
            "zero. Lifts are relative to what the model expected without the campaign; "
            "mentions are percentage-point changes in the share of survey answers."
        )
        return "\n".join(lines)

    def summary(self) -> ScorecardSummary:
        """The table and the report, renderable as text or HTML.

        Returns
        -------
        ScorecardSummary
            ``str()`` gives text; ``_repr_html_`` renders in notebooks and HTML reports.
        """
        return ScorecardSummary(self)

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()

    def plot_data(self) -> pd.DataFrame:
        """The tidy data drawn by :func:`darksocial.plotting.plot_scorecard`.

        Returns
        -------
        pandas.DataFrame
            One row per campaign and signal (measured or not): ``campaign``, ``name``,
            ``signal``, ``label``, ``row``, ``col``, ``estimate``, ``lower``, ``upper``,
            ``verdict``, ``scale``, ``half_range`` (the signal's value at the edge of its cell,
            per scale: a signal may be relative for one campaign and in units for another),
            ``unit`` (of an absolute change),
            ``x``, ``x_lower``, ``x_upper`` (positions in the grid: cell ``col`` spans
            ``[col, col + 1]``, zero at ``col + 0.5``) and ``y`` (= ``row``).
        """
        rows = []
        half_width = 0.4
        for j, s in enumerate(self.signals):
            part = self.data[self.data["signal"] == s]
            # one range per scale: a signal can be a relative lift for one campaign and a
            # change in units for another (zero in most periods before its launch)
            halves = {}
            for scale_, sub in part.groupby("scale"):
                bound = sub[["estimate", "lower", "upper"]].abs().to_numpy()
                top = np.nanmax(bound) if bound.size else np.nan
                halves[scale_] = float(top) * 1.05 if np.isfinite(top) and top > 0 else 1.0
            first = part["scale"].iloc[0] if len(part) else "absolute"
            for i, c in enumerate(self.campaigns):
                hit = part[part["campaign"] == c]
                scale = first
                if len(hit):
                    r = hit.iloc[0]
                    est, lo, hi, verdict = r["estimate"], r["lower"], r["upper"], r["verdict"]
                    scale = r["scale"]
                else:
                    est = lo = hi = np.nan
                    verdict = NOT_MEASURED
                half = halves.get(scale, 1.0)
                center = j + 0.5
                rows.append(
                    {
                        "campaign": c,
                        "name": self.names[c],
                        "signal": s,
                        "label": self._labels[s],
                        "row": i,
                        "col": j,
                        "estimate": est,
                        "lower": lo,
                        "upper": hi,
                        "verdict": verdict,
                        "scale": scale,
                        "half_range": half,
                        "unit": hit.iloc[0]["unit"] if len(hit) else "",
                        "x": center + half_width * est / half,
                        "x_lower": center + half_width * lo / half,
                        "x_upper": center + half_width * hi / half,
                        "y": float(i),
                    }
                )
        return pd.DataFrame(rows)

    def plot(self, *, ax: Any = None) -> Any:
        """Draw the scorecard grid; see :func:`darksocial.plotting.plot_scorecard`.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; default the current Axes.

        Returns
        -------
        matplotlib.axes.Axes
            The Axes drawn on.
        """
        return plot_scorecard(self, ax=ax)


class ScorecardSummary:
    """Printable and HTML-renderable view of a :class:`Scorecard`.

    Parameters
    ----------
    card : Scorecard
        The scorecard.
    """

    def __init__(self, card: Scorecard):
        self.card = card
        self.table = card.table()
        self.text = card.report()

    def __str__(self) -> str:
        with pd.option_context("display.width", 160, "display.max_colwidth", 60):
            body = self.table.drop(columns=["agreement"]).to_string()
        return f"Dark-social scorecard\n{body}\n\n{self.text}"

    def _repr_html_(self) -> str:
        table = self.table.drop(columns=["agreement"]).to_html(border=0, escape=True)
        items = "".join(f"<li>{html.escape(line)}</li>" for line in self.text.split("\n"))
        return f"<h4>Dark-social scorecard</h4>{table}<ul>{items}</ul>"


def scorecard(
    estimates: pd.DataFrame | None = None,
    *,
    mentions: pd.DataFrame | None = None,
    ads: pd.DataFrame | None = None,
    campaigns: pd.DataFrame | None = None,
    labels: Mapping[str, str] | None = None,
    alpha: float = ALPHA,
) -> Scorecard:
    """Build a dark-social scorecard from tidy per-campaign tables.

    Parameters
    ----------
    estimates : pandas.DataFrame, optional
        One row per campaign and ITS metric: ``campaign``, ``metric`` (e.g.
        ``"branded_search"``, ``"deep_direct"``; see :data:`SIGNAL_LABELS`), and the
        relative lift ``relative``, ``relative_lower``, ``relative_upper`` and/or the
        absolute effect ``estimate``, ``lower``, ``upper``; optional ``p_value`` and
        ``unit`` (words after an absolute effect, e.g. ``"clicks a day"``). The
        relative lift is shown and judged when present. :func:`estimates_from_its` builds
        this table from ITS results.
    mentions : pandas.DataFrame, optional
        Self-reported mentions, one row per campaign: ``campaign``, ``diff``,
        ``diff_lower``, ``diff_upper`` (share after minus share before, as fractions),
        optional ``before``, ``after``, ``p_value`` and ``label`` (what was mentioned, e.g.
        ``"podcast"``; default the calendar ``channel``). See :func:`mentions_frame`.
    ads : pandas.DataFrame, optional
        Ads-to-search share for paid campaigns: ``campaign``, ``share``, ``share_lower``,
        ``share_upper`` (share of branded search that followed the ads), optional
        ``within`` and ``p_value``. See :func:`ads_frame`.
    campaigns : pandas.DataFrame, optional
        The campaign calendar (:func:`darksocial.io.load_campaigns`, indexed by id or with
        a ``campaign``/``id`` column): gives the rows (in launch order, campaigns without
        any estimate included), display ``name`` and ``channel``. Default: the campaigns
        found in the other tables, in order of appearance.
    labels : mapping, optional
        Reader-facing names of signals, overriding :data:`SIGNAL_LABELS`.
    alpha : float, default 0.05
        Level of the given intervals, used in the wording only.

    Returns
    -------
    Scorecard
        With ``table()``, ``frame()``, ``verdicts()``, ``report()``, ``summary()``,
        ``plot_data()`` and ``plot()``.

    Raises
    ------
    DataValidationError
        If a table lacks a column, holds non-numeric values, repeats a campaign, has an
        interval with lower > upper, or names a campaign absent from the calendar.
    ParameterError
        If no table is given or ``alpha`` is not between 0 and 1.

    Notes
    -----
    A signal is ``"up"`` when its interval lies above zero, ``"down"`` when below, and
    ``"no change"`` otherwise; the sentence of each campaign is built from those verdicts
    and quotes the same numbers, so words and intervals cannot disagree. "No change" means
    the data cannot tell the effect from zero, not that it is zero.

    Examples
    --------
    >>> import pandas as pd
    >>> est = pd.DataFrame({"campaign": ["podcast"] * 2,
    ...                     "metric": ["branded_search", "deep_direct"],
    ...                     "relative": [0.16, 0.15], "relative_lower": [0.10, 0.09],
    ...                     "relative_upper": [0.23, 0.21]})
    >>> scorecard(est).verdicts().at["podcast", "agreement"]
    'Two of two signals agree on a lift: branded search +16% (+10% to +23%); deep-page direct +15% (+9% to +21%).'
    """  # noqa: E501
    if not 0 < alpha < 1:
        raise ParameterError(f"alpha={alpha} must be between 0 and 1, e.g. 0.05.")
    if estimates is None and mentions is None and ads is None:
        raise ParameterError("give at least one of estimates=, mentions= or ads=.")
    lab = {**SIGNAL_LABELS, **dict(labels or {})}
    cal = _calendar(campaigns)
    rows: list[dict] = []
    its_signals: list[str] = []
    if estimates is not None:
        its_rows = _its_rows(estimates, lab)
        rows += its_rows
        found = list(dict.fromkeys(estimates["metric"].astype(str)))
        its_signals = [m for m in _ORDER if m in found] + [m for m in found if m not in _ORDER]
    if mentions is not None:
        rows += _mention_rows(mentions, cal, lab["mentions"])
    if ads is not None:
        rows += _ads_rows(ads, lab["ads_share"])
    signals = (
        its_signals + ["mentions"] * (mentions is not None) + ["ads_share"] * (ads is not None)
    )
    data = pd.DataFrame(rows)
    base_cols = ["campaign", "signal", "label", "scale", "estimate", "lower", "upper", "p_value"]
    if data.empty:
        data = pd.DataFrame(columns=base_cols)
    data["verdict"] = [
        _verdict(lo, hi) for lo, hi in zip(data["lower"], data["upper"], strict=True)
    ]
    data["verdict"] = _ads_with_search(data)
    # the words after an absolute change; none for mentions and the ads share
    data["unit"] = data["unit"].fillna("") if "unit" in data else ""
    data["text"] = [
        _interval_text(s, e, lo, hi, u)
        for s, e, lo, hi, u in zip(
            data["scale"],
            data["estimate"],
            data["lower"],
            data["upper"],
            data["unit"],
            strict=True,
        )
    ]

    seen = list(dict.fromkeys(data["campaign"]))
    if cal is not None:
        unknown = [c for c in seen if c not in cal.index]
        if unknown:
            raise DataValidationError(
                f"campaign(s) {unknown} are not in the campaign calendar (ids: "
                f"{list(cal.index)}); fix the ids or add them to campaigns.yml."
            )
        ids = list(cal.index)
        names = {
            c: str(cal.at[c, "name"])
            if "name" in cal.columns and pd.notna(cal.at[c, "name"])
            else c
            for c in ids
        }
    else:
        ids = seen
        names = {c: c for c in ids}
    labels_used = {s: lab.get(s, s.replace("_", " ")) for s in signals}
    taken = list(labels_used.values())
    # two metrics with one reader-facing name (branded_clicks, branded_search) keep apart
    labels_used = {s: f"{v} ({s})" if taken.count(v) > 1 else v for s, v in labels_used.items()}
    if len(data):
        data["label"] = data["signal"].map(labels_used)
    return Scorecard(
        data.reset_index(drop=True),
        campaigns=ids,
        names=names,
        signals=signals,
        labels=labels_used,
        alpha=alpha,
    )


# --------------------------------------------------------------------------- adapters
def estimates_from_its(result: Any, metric: str) -> pd.DataFrame:
    """Per-campaign rows of an ITS result, in the layout :func:`scorecard` reads.

    Parameters
    ----------
    result : darksocial.its.ImpactResult
        A fit with one or several campaigns.
    metric : str
        Signal name to give the rows, e.g. ``"branded_search"`` or ``"deep_direct"``.

    Returns
    -------
    pandas.DataFrame
        One row per campaign: ``campaign``, ``metric``, ``estimate``, ``lower``,
        ``upper`` (average effect per period over the campaign's window, original units),
        ``p_value``, ``relative``, ``relative_lower``, ``relative_upper`` (relative
        effect over the same window).
    """
    eff = result.effects_by_intervention
    pvals = result.p_value_by_intervention
    rows = []
    for iv in result.interventions:
        avg, rel = eff.loc[(iv.name, "average")], eff.loc[(iv.name, "relative")]
        rows.append(
            {
                "campaign": iv.name,
                "metric": metric,
                "estimate": float(avg["estimate"]),
                "lower": float(avg["lower"]),
                "upper": float(avg["upper"]),
                "p_value": float(pvals[iv.name]),
                "relative": float(rel["estimate"]),
                "relative_lower": float(rel["lower"]),
                "relative_upper": float(rel["upper"]),
            }
        )
    return pd.DataFrame(rows)


def mentions_frame(
    results: Mapping[str, Any], *, labels: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Turn :func:`darksocial.attribution.mentions_around` results into the mentions table.

    Parameters
    ----------
    results : mapping of str to MentionsResult
        Campaign id to its before/after comparison.
    labels : mapping of str to str, optional
        What each campaign's mentions are about, e.g. ``{"podcast-s1": "podcast"}``
        (default: the calendar channel, filled in by :func:`scorecard`).

    Returns
    -------
    pandas.DataFrame
        ``campaign``, ``before``, ``after`` (shares), ``diff``, ``diff_lower``,
        ``diff_upper``, ``p_value`` and ``label``. Results with too few answers on a
        side to compare (``comparable`` False) are left out.
    """
    rows = []
    for cid, res in results.items():
        if not getattr(res, "comparable", True):
            continue  # too few answers on a side: nothing measured
        t = res.table
        rows.append(
            {
                "campaign": str(cid),
                "before": float(t.at["before", "share"]),
                "after": float(t.at["after", "share"]),
                "diff": float(res.diff),
                "diff_lower": float(res.diff_lower),
                "diff_upper": float(res.diff_upper),
                "p_value": float(res.diff_pvalue),
                "label": (labels or {}).get(cid),
            }
        )
    return pd.DataFrame(rows)


def ads_frame(results: Mapping[str, Any], *, within: int = 7) -> pd.DataFrame:
    """Turn :func:`darksocial.adlag.fit_ad_lag` results into the ads table.

    Parameters
    ----------
    results : mapping of str to AdLagResult
        Campaign id (a paid campaign) to its distributed-lag fit.
    within : int, default 7
        Horizon in days of the share (lags 0..``within``, capped at each fit's max lag).

    Returns
    -------
    pandas.DataFrame
        ``campaign``, ``share``, ``share_lower``, ``share_upper`` and ``within``.
    """
    rows = []
    for cid, res in results.items():
        w = min(int(within), res.max_lag)
        s = res.share_within(w)
        rows.append(
            {
                "campaign": str(cid),
                "share": float(s["estimate"]),
                "share_lower": float(s["lower"]),
                "share_upper": float(s["upper"]),
                "within": w,
            }
        )
    return pd.DataFrame(rows)
