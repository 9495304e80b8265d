"""Meta Ads daily delivery and "How did you hear about us?" form answers."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from darksocial.sample.scenario import Scenario
from darksocial.sample.signals import AD_CPM_EUR, ad_delivery

__all__ = ["ANSWER_GROUPS", "simulate_meta_ads", "simulate_survey", "survey_truth"]


def simulate_meta_ads(scn: Scenario, rng) -> pd.DataFrame:
    """Draw daily Meta Ads Manager metrics for the paid-social campaigns.

    Parameters
    ----------
    scn : Scenario
        The scenario; campaigns with ``ads_lag=True`` are the Meta campaigns.
    rng : numpy.random.Generator
        Random stream.

    Returns
    -------
    pandas.DataFrame
        One row per campaign and delivery day: ``campaign``, ``campaign_name``, ``day``,
        ``reach``, ``impressions``, ``amount_spent``, ``link_clicks``, ``clicks_all``,
        ``landing_page_views``, ``leads``.
    """
    idx = scn.index
    parts = []
    for c in scn.campaigns:
        if not c.ads_lag:
            continue
        exp = ad_delivery(c, idx)
        on = exp > 0
        days = idx[on]
        imp = rng.poisson(exp[on] * np.exp(rng.normal(0, 0.08, on.sum())))
        k = np.arange(on.sum())
        freq = 1.18 + 0.012 * k + rng.normal(0, 0.02, on.sum())
        link = rng.binomial(imp, 0.0085)
        parts.append(
            pd.DataFrame(
                {
                    "campaign": c.id,
                    "campaign_name": f"TrackMyTools – {c.name}",
                    "day": days,
                    "reach": np.round(imp / freq).astype(int),
                    "impressions": imp,
                    "amount_spent": np.round(
                        imp * AD_CPM_EUR / 1000 * np.exp(rng.normal(0, 0.03, on.sum())), 2
                    ),
                    "link_clicks": link,
                    "clicks_all": link + rng.binomial(imp, 0.009),
                    "landing_page_views": rng.binomial(link, 0.78),
                    "leads": rng.binomial(link, 0.004),
                }
            )
        )
    if not parts:
        return pd.DataFrame(
            columns=["campaign", "campaign_name", "day", "reach", "impressions", "amount_spent",
                     "link_clicks", "clicks_all", "landing_page_views", "leads"]
        )  # fmt: skip
    return pd.concat(parts, ignore_index=True)


#: Baseline probability of each answer group (before campaigns add their own).
ANSWER_GROUPS = {
    "google": 0.22,
    "word_of_mouth": 0.16,
    "blank": 0.17,
    "linkedin": 0.09,
    "other": 0.08,
    "review_site": 0.06,
    "existing": 0.04,
    "chatgpt": 0.04,
    "newsletter": 0.03,
    "event": 0.02,
    "youtube": 0.02,
    "facebook_ad": 0.01,
    "webinar": 0.01,
    "podcast": 0.01,
}

_TEXT = {
    "podcast": (
        ["The Tool Crib podcast", "heard about you on a podcast", "Podcast (Tool Crib)",
         "podcast ad", "the tool crib"],
        ["podcast The Tool Crib", "entendu dans un podcast", "pub dans le podcast Tool Crib",
         "Podcast"],
    ),
    "facebook_ad": (
        ["Facebook ad", "saw an ad on instagram", "facebook", "Insta ad"],
        ["pub facebook", "publicité sur Instagram", "vu une pub sur fb"],
    ),
    "webinar": (
        ["webinar", "the site managers webinar", "webinar with your partner"],
        ["webinaire", "le webinar chefs de chantier", "webinaire partenaire"],
    ),
    "youtube": (
        ["YouTube shorts", "youtube", "saw your short videos on youtube", "video tips on YouTube"],
        ["youtube", "vidéos youtube", "les shorts youtube"],
    ),
    "event": (
        ["ToolExpo", "met you at ToolExpo Lyon", "trade show"],
        ["salon ToolExpo", "au salon à Lyon", "stand ToolExpo Lyon"],
    ),
    "google": (
        ["Google", "google search", "searched online"],
        ["google", "recherche google", "internet"],
    ),
    "word_of_mouth": (
        ["a colleague", "friend recommended you", "word of mouth", "my boss"],
        ["un collègue", "bouche à oreille", "recommandé par un ami", "mon chef de chantier"],
    ),
    "linkedin": (["LinkedIn", "linkedin post", "saw a post on LinkedIn"],
                 ["linkedin", "un post linkedin"]),
    "review_site": (["Capterra", "G2", "capterra"], ["comparateur logiciels", "Capterra"]),
    "chatgpt": (["ChatGPT", "asked chat gpt", "Perplexity"], ["chatgpt", "demandé à ChatGPT"]),
    "newsletter": (["newsletter", "your newsletter", "email"], ["la newsletter", "mail"]),
    "existing": (["used it at my previous company", "already a customer"], ["déjà client"]),
    "other": (["other", "don't remember", "?", "n/a"], ["autre", "je ne sais plus"]),
    "blank": ([""], [""]),
}  # fmt: skip

# HubSpot Original Source given the true answer group: (source, drill-down 1, probability).
_SOURCE = {
    "search": [("ORGANIC_SEARCH", "google", 0.78), ("PAID_SEARCH", "google", 0.12),
               ("DIRECT_TRAFFIC", "", 0.10)],
    "dark": [("DIRECT_TRAFFIC", "", 0.55), ("ORGANIC_SEARCH", "google", 0.38),
             ("REFERRALS", "linkedin.com", 0.07)],
    "linkedin": [("SOCIAL_MEDIA", "LinkedIn", 0.45), ("DIRECT_TRAFFIC", "", 0.35),
                 ("ORGANIC_SEARCH", "google", 0.20)],
    "facebook_ad": [("PAID_SOCIAL", "Facebook", 0.60), ("DIRECT_TRAFFIC", "", 0.20),
                    ("ORGANIC_SEARCH", "google", 0.20)],
    "event": [("OFFLINE", "IMPORT", 0.45), ("DIRECT_TRAFFIC", "", 0.30),
              ("ORGANIC_SEARCH", "google", 0.25)],
    "review_site": [("REFERRALS", "capterra.com", 0.70), ("ORGANIC_SEARCH", "google", 0.30)],
    "newsletter": [("EMAIL_MARKETING", "newsletter", 0.75), ("DIRECT_TRAFFIC", "", 0.25)],
}  # fmt: skip
_SOURCE_OF = {
    "google": "search", "word_of_mouth": "dark", "blank": "dark", "linkedin": "linkedin",
    "other": "dark", "review_site": "review_site", "existing": "dark", "chatgpt": "dark",
    "newsletter": "newsletter", "event": "event", "youtube": "dark", "facebook_ad": "facebook_ad",
    "webinar": "dark", "podcast": "dark",
}  # fmt: skip
_NAMES = ["jean.dupont", "m.martin", "sophie.bernard", "luc.petit", "j.smith", "a.moreau"]


def _typo(rng, s: str) -> str:
    if len(s) < 4:
        return s
    i = int(rng.integers(1, len(s) - 1))
    op = rng.integers(3)
    if op == 0:
        return s[: i - 1] + s[i] + s[i - 1] + s[i + 1 :]
    if op == 1:
        return s[:i] + s[i + 1 :]
    return s[:i] + s[i] + s[i:]


def _answer(rng, group: str) -> str:
    en, fr = _TEXT[group]
    pool = fr if rng.random() < 0.62 else en
    s = pool[int(rng.integers(len(pool)))]
    if s and rng.random() < 0.15:
        s = _typo(rng, s)
    if s and rng.random() < 0.3:
        s = s.lower()
    u = rng.random()
    if u < 0.012:
        s = f"{s} - {_NAMES[int(rng.integers(len(_NAMES)))]}@example.com".lstrip(" -")
    elif u < 0.02:
        s = f"{s} rappelez-moi au 06 {rng.integers(10, 99)} {rng.integers(10, 99)} {rng.integers(10, 99)} {rng.integers(10, 99)}".strip()  # noqa: E501
    return s


def simulate_survey(scn: Scenario, base, lifts, obs, rng) -> pd.DataFrame:
    """Draw HubSpot contacts with a free-text "How did you hear about us?" answer.

    Parameters
    ----------
    scn : Scenario
        The scenario.
    base : pandas.DataFrame
        Expected values without campaigns (uses ``leads``).
    lifts : dict of str to pandas.DataFrame
        Per-campaign expected lifts (uses ``leads``).
    obs : pandas.DataFrame
        Observed daily counts; ``leads`` is the number of contacts per day.
    rng : numpy.random.Generator
        Random stream.

    Returns
    -------
    pandas.DataFrame
        Columns ``record_id``, ``create_date`` (Timestamp to the minute),
        ``original_source``, ``drill_down``, ``answer`` (what the CSV holds) and the
        hidden truth ``group`` (answer group) and ``campaign`` (id of the campaign that
        brought the contact, "" for baseline contacts).
    """
    groups = list(ANSWER_GROUPS)
    p0 = np.array([ANSWER_GROUPS[g] for g in groups])
    p0 = p0 / p0.sum()
    camp_by_id = {c.id: c for c in scn.campaigns}
    ids = [c.id for c in scn.campaigns]
    lift_leads = np.column_stack([lifts[i]["leads"].to_numpy() for i in ids]) if ids else None
    total = base["leads"].to_numpy() + (lift_leads.sum(axis=1) if ids else 0)
    rows = []
    record = 30_412_000_000
    for t, day in enumerate(obs.index):
        minutes = np.sort(rng.integers(7 * 60, 20 * 60, int(obs["leads"].iloc[t])))
        for minute in minutes:
            cid = ""
            if ids:
                shares = lift_leads[t] / total[t]
                u = rng.random()
                cum = np.cumsum(shares)
                j = int(np.searchsorted(cum, u, side="right"))
                if j < len(ids):
                    cid = ids[j]
            mention = camp_by_id[cid].mention if cid else None
            if mention and rng.random() < 0.65:
                group = mention
            else:
                group = groups[int(rng.choice(len(groups), p=p0))]
            src_opts = _SOURCE[_SOURCE_OF[group]]
            k = int(rng.choice(len(src_opts), p=[o[2] for o in src_opts]))
            source, drill = src_opts[k][:2]
            if source == "DIRECT_TRAFFIC":
                drill = "www.trackmytools.com/" + ("pricing" if rng.random() < 0.5 else "demo")
            record += int(rng.integers(1, 60))
            rows.append(
                (
                    record,
                    day + pd.Timedelta(minutes=int(minute)),
                    source,
                    drill,
                    _answer(rng, group),
                    group,
                    cid,
                )
            )
    return pd.DataFrame(
        rows,
        columns=["record_id", "create_date", "original_source", "drill_down", "answer", "group",
                 "campaign"],
    )  # fmt: skip


def survey_truth(survey: pd.DataFrame) -> dict[str, Any]:
    """Summarise the survey's hidden truth for ``TRUTH.json``.

    Parameters
    ----------
    survey : pandas.DataFrame
        The frame from :func:`simulate_survey`.

    Returns
    -------
    dict
        Row count, contacts per answer group, and contacts brought by each campaign.
    """
    by_campaign = survey.loc[survey["campaign"] != "", "campaign"].value_counts()
    return {
        "rows": len(survey),
        "answer_groups": {k: int(v) for k, v in sorted(survey["group"].value_counts().items())},
        "contacts_brought_by_campaign": {k: int(v) for k, v in sorted(by_campaign.items())},
        "note": "a campaign's contacts answer with its mention 65 % of the time; the rest "
        "answer like baseline contacts",
    }
