"""GA4 traffic: sessions by channel, Direct landing pages and thinned BigQuery events."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from darksocial.sample.scenario import Scenario
from darksocial.sample.signals import ar1_noise

__all__ = [
    "BIGQUERY_THINNING",
    "CHANNELS",
    "DEEP_PAGES",
    "SHALLOW_PAGES",
    "bigquery_window",
    "simulate_bigquery_events",
    "simulate_channels",
    "simulate_landing_pages",
]

#: GA4 default channel groups in the channel export: (expected sessions per day on
#: 2024-01-01 before seasonality, engaged-session rate, key-event rate per session).
CHANNELS = {
    "Direct": (None, 0.62, 0.012),
    "Organic Search": (None, 0.68, 0.010),
    "Paid Search": (55.0, 0.55, 0.014),
    "Organic Social": (36.0, 0.45, 0.004),
    "Paid Social": (3.0, 0.35, 0.003),
    "Referral": (46.0, 0.70, 0.015),
    "Email": (16.0, 0.66, 0.010),
    "Unassigned": (7.0, 0.30, 0.0),
}
#: Organic Search clicks that land as GA4 Organic Search sessions (other engines add,
#: consent refusals remove).
SEARCH_TO_SESSIONS = 0.93
#: Raw no-referrer sessions that GA4 credits to Organic Search (last non-direct click),
#: as a share of expected Direct sessions.
REATTRIBUTED_DIRECT = 0.10

#: Direct landing pages that are home, a top-level section or ``(not set)``.
SHALLOW_PAGES = {
    "/": 0.52, "/login": 0.20, "/pricing": 0.08, "/features": 0.05, "/blog": 0.04,
    "/customers": 0.03, "/integrations": 0.025, "/contact": 0.02, "/fr": 0.015,
    "(not set)": 0.02,
}  # fmt: skip
#: Deep pages (two or more path segments): dark-social candidates when landed on directly.
DEEP_PAGES = (
    "/blog/how-to-stop-losing-tools-on-site", "/blog/tool-tracking-qr-vs-bluetooth",
    "/blog/construction-tool-inventory-template", "/features/bluetooth-tags/setup",
    "/features/qr-codes/print-labels", "/customers/dupont-btp", "/customers/nordbau-gmbh",
    "/blog/best-tool-tracking-software", "/blog/fr/suivi-outillage-chantier",
    "/fr/logiciel-suivi-outillage", "/features/check-in-check-out", "/integrations/procore",
    "/blog/tool-theft-on-construction-sites", "/customers/lefevre-electricite",
    "/features/maintenance-reminders", "/blog/fr/inventaire-outillage-modele",
    "/integrations/excel-import", "/features/bluetooth-tags/battery-life",
)  # fmt: skip
#: Share of a campaign's deep direct lift that lands on its own ``landing_paths``.
CAMPAIGN_PAGE_SHARE = 0.5
#: Probability that a simulated session is kept in the BigQuery sample.
BIGQUERY_THINNING = 1 / 50


def simulate_channels(scn: Scenario, expected, obs, season, meta, rng) -> pd.DataFrame:
    """Draw GA4 sessions per day and default channel group.

    Parameters
    ----------
    scn : Scenario
        The scenario.
    expected, obs : pandas.DataFrame
        Expected and observed daily metrics (Direct and search clicks come from there).
    season : numpy.ndarray
        Daily calendar factor.
    meta : pandas.DataFrame
        Meta Ads delivery (landing-page views become Paid Social sessions).
    rng : numpy.random.Generator
        Random stream.

    Returns
    -------
    pandas.DataFrame
        Long table ``date``, ``channel``, ``sessions``, ``engaged_sessions``,
        ``key_events``, ``raw_direct`` (sessions without referrer or campaign that GA4
        credits to the channel by last non-direct click), every day including outage days.
    """
    idx = obs.index
    n = len(idx)
    years = np.asarray((idx - scn.start).days, dtype=float) / 365.25

    def noisy(level):
        z = ar1_noise(rng, n, scn.phi)
        return level * (1 + 0.10 * years) * season * np.exp(scn.noise_sd * z - scn.noise_sd**2 / 2)

    email_extra = np.zeros(n)
    sends = [d for d in idx if d.dayofweek == 1 and d.day <= 7]  # first Tuesday monthly
    relaunch = [c for c in scn.campaigns if c.channel == "email"]
    for c in relaunch:
        sends = [d for d in sends if d < c.launch]
        sends += list(pd.date_range(c.launch, scn.end, freq="28D"))
    days = np.asarray(idx.values, dtype="datetime64[D]")
    for s in sends:
        d = (days - np.datetime64(s.date(), "D")).astype(int)
        boost = 260.0 if relaunch and s >= relaunch[0].launch else 140.0
        email_extra += np.where(d >= 0, boost * 0.45 ** np.maximum(d, 0), 0.0)
    paid_social_extra = np.zeros(n)
    if len(meta):
        lpv = meta.groupby("day")["landing_page_views"].sum()
        paid_social_extra = lpv.reindex(idx, fill_value=0).to_numpy(dtype=float)

    reattributed = rng.poisson(REATTRIBUTED_DIRECT * expected["direct_sessions"].to_numpy())
    sessions = {
        "Direct": obs["direct_sessions"].to_numpy(),
        "Organic Search": rng.poisson(
            SEARCH_TO_SESSIONS * (obs["branded_clicks"] + obs["nonbrand_clicks"]).to_numpy()
        )
        + reattributed,
    }
    for ch, (level, *_rates) in CHANNELS.items():
        if level is None:
            continue
        mu = noisy(level)
        if ch == "Email":
            mu = mu + email_extra
        if ch == "Paid Social":
            mu = mu + paid_social_extra
        sessions[ch] = rng.poisson(mu)
    parts = []
    for ch, (_, engaged, key) in CHANNELS.items():
        s = sessions[ch]
        e = rng.binomial(s, engaged)
        parts.append(
            pd.DataFrame(
                {
                    "date": idx,
                    "channel": ch,
                    "sessions": s,
                    "engaged_sessions": e,
                    "key_events": rng.binomial(e, min(1.0, key * 1.6)),
                    "raw_direct": reattributed if ch == "Organic Search" else 0,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def simulate_landing_pages(scn: Scenario, base, lifts, obs, rng) -> pd.DataFrame:
    """Split each day's Direct sessions over landing pages.

    Parameters
    ----------
    scn : Scenario
        The scenario.
    base : pandas.DataFrame
        Expected values without campaigns.
    lifts : dict of str to pandas.DataFrame
        Per-campaign lifts; half of each deep lift lands on the campaign's own pages.
    obs : pandas.DataFrame
        Observed ``shallow_direct_sessions`` and ``deep_direct_sessions``.
    rng : numpy.random.Generator
        Random stream.

    Returns
    -------
    pandas.DataFrame
        Long table ``date``, ``landing_page``, ``sessions``, ``deep`` (bool), zero rows
        dropped, every day including outage days.
    """
    shallow_pages = list(SHALLOW_PAGES)
    p_shallow = np.array(list(SHALLOW_PAGES.values()))
    p_shallow = p_shallow / p_shallow.sum()
    w = 1.0 / np.arange(1, len(DEEP_PAGES) + 1) ** 0.9
    w = w / w.sum()
    camp = [c for c in scn.campaigns if c.landing_paths]
    deep_pages = list(DEEP_PAGES) + [p for c in camp for p in c.landing_paths]
    base_deep = base["deep_direct_sessions"].to_numpy()
    rows = []
    for t, day in enumerate(obs.index):
        general = base_deep[t]
        extra = []
        for c in scn.campaigns:
            lift = lifts[c.id]["deep_direct_sessions"].iloc[t]
            if c.landing_paths:
                general += (1 - CAMPAIGN_PAGE_SHARE) * lift
                extra += [CAMPAIGN_PAGE_SHARE * lift / len(c.landing_paths)] * len(c.landing_paths)
            else:
                general += lift
        p = np.concatenate([general * w, np.asarray(extra, dtype=float)])
        deep = rng.multinomial(int(obs["deep_direct_sessions"].iloc[t]), p / p.sum())
        shallow = rng.multinomial(int(obs["shallow_direct_sessions"].iloc[t]), p_shallow)
        for page, s in zip(shallow_pages, shallow, strict=True):
            if s:
                rows.append((day, page, int(s), False))
        # Campaign pages can repeat a general deep page: sum them.
        merged: dict[str, int] = {}
        for page, s in zip(deep_pages, deep, strict=True):
            merged[page] = merged.get(page, 0) + int(s)
        rows += [(day, page, s, True) for page, s in merged.items() if s]
    return pd.DataFrame(rows, columns=["date", "landing_page", "sessions", "deep"])


def bigquery_window(scn: Scenario) -> pd.DatetimeIndex:
    """Return the days covered by the BigQuery event sample.

    24 days before to 24 days after the launch of the first campaign with a hard-edged
    level effect (the podcast in the TrackMyTools scenario), clipped to the scenario; the
    last 7 weeks when there is no such campaign. (Seven weeks keeps the thinned sample
    near 6 MB.)

    Parameters
    ----------
    scn : Scenario
        The scenario.

    Returns
    -------
    pandas.DatetimeIndex
        Daily dates.
    """
    level = [
        c
        for c in scn.campaigns
        if c.shape == "level" and not c.ads_lag and any(c.effects.values())
    ]
    if level:
        lo = max(level[0].launch - pd.Timedelta(days=24), scn.start)
        hi = min(level[0].launch + pd.Timedelta(days=24), scn.end)
    else:
        lo, hi = max(scn.end - pd.Timedelta(days=48), scn.start), scn.end
    return pd.date_range(lo, hi, freq="D", name="date")


_TZ = ZoneInfo("Europe/Paris")
_HOURS = np.array(
    [1, 1, 1, 1, 1, 2, 4, 8, 11, 12, 12, 11, 8, 10, 11, 11, 10, 8, 6, 5, 4, 3, 2, 1], float
)
_REFERRERS = [
    "https://www.capterra.fr/software/1023456/trackmytools",
    "https://www.batiactu.com/",
    "https://www.g2.com/products/trackmytools/reviews",
    "https://forum.chantier.pro/",
]
_DEVICES = [
    ("desktop", "Windows", "Chrome", 0.52),
    ("desktop", "Macintosh", "Safari", 0.10),
    ("mobile", "Android", "Chrome", 0.20),
    ("mobile", "iOS", "Safari", 0.15),
    ("tablet", "iOS", "Safari", 0.03),
]
_GEO = [
    ("France", "Île-de-France", "Paris", 0.30),
    ("France", "Auvergne-Rhône-Alpes", "Lyon", 0.18),
    ("France", "Occitanie", "Toulouse", 0.10),
    ("France", "Hauts-de-France", "Lille", 0.10),
    ("France", "Pays de la Loire", "Nantes", 0.08),
    ("Belgium", "Brussels", "Brussels", 0.10),
    ("Switzerland", "Geneva", "Geneva", 0.06),
    ("Canada", "Quebec", "Montreal", 0.08),
]
# Raw session source by GA4 channel: (source, medium, campaign, page referrer, URL suffix).
_RAW = {
    "Organic Search": ("google", "organic", "(organic)", "https://www.google.com/", ""),
    "Paid Search": ("google", "cpc", "brand_search_fr", "https://www.google.com/", "?gclid=EAIaIQobChMI"),
    "Organic Social": ("linkedin.com", "referral", "(referral)", "https://www.linkedin.com/", ""),
    "Paid Social": ("facebook", "paid_social", "spring_awareness_2025", "",
                    "?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring_awareness_2025"),
    "Email": ("newsletter", "email", "monthly_newsletter", "",
              "?utm_source=newsletter&utm_medium=email&utm_campaign=monthly_newsletter"),
    "Unassigned": ("flyer", "qr", "toolexpo_flyer", "",
                   "?utm_source=flyer&utm_medium=qr&utm_campaign=toolexpo_flyer"),
}  # fmt: skip
_PAGES_BY_CHANNEL = {
    "Organic Search": ["/", "/features", "/blog/how-to-stop-losing-tools-on-site",
                       "/fr/logiciel-suivi-outillage", "/pricing", "/blog/best-tool-tracking-software"],
    "Paid Search": ["/", "/pricing", "/features"],
    "Organic Social": ["/blog/tool-theft-on-construction-sites", "/customers/dupont-btp", "/"],
    "Paid Social": ["/features/bluetooth-tags/setup", "/"],
    "Email": ["/blog/tool-tracking-qr-vs-bluetooth", "/features/maintenance-reminders"],
    "Referral": ["/", "/pricing", "/customers"],
    "Unassigned": ["/events/toolexpo-2025", "/"],
}  # fmt: skip


def _p(key, value):
    if isinstance(value, int):
        return {"key": key, "value": {"int_value": str(value)}}
    return {"key": key, "value": {"string_value": value}}


def _title(path: str) -> str:
    if path in ("/", "(not set)"):
        return "TrackMyTools – Tool tracking for construction teams"
    last = path.rstrip("/").rsplit("/", 1)[-1].replace("-", " ")
    return f"{last.capitalize()} | TrackMyTools"


def _pick(rng, table):
    k = int(rng.choice(len(table), p=[r[-1] for r in table]))
    return table[k][:-1]


def simulate_bigquery_events(scn: Scenario, channels, landing, rng) -> list[dict]:
    """Draw a thinned sample of sessions as GA4 BigQuery-export event rows.

    Parameters
    ----------
    scn : Scenario
        The scenario.
    channels : pandas.DataFrame
        Output of :func:`simulate_channels`.
    landing : pandas.DataFrame
        Output of :func:`simulate_landing_pages`.
    rng : numpy.random.Generator
        Random stream.

    Returns
    -------
    list of dict
        Event rows (``events_YYYYMMDD`` schema, INT64 as strings), ordered by
        ``event_timestamp`` within each day; none on GA4 outage days. Each session is
        kept with probability :data:`BIGQUERY_THINNING`.
    """
    site = scn.site.rstrip("/")
    host = site.split("//", 1)[1]
    outage = set(scn.outage_days)
    users: list[list] = []  # [user_pseudo_id, sessions so far, first-touch source tuple]
    events: list[dict] = []
    by_day_ch = channels.set_index(["date", "channel"])
    for day in bigquery_window(scn):
        if day in outage:
            continue
        sessions = []  # (ga4 channel, raw key or None, landing path, suffix)
        lp = landing[landing["date"] == day]
        for page, s in zip(lp["landing_page"], lp["sessions"], strict=True):
            for _ in range(rng.binomial(s, BIGQUERY_THINNING)):
                path = "/" if page == "(not set)" else page
                suffix = ""
                u = rng.random()
                if u < 0.03:
                    suffix = "?fbclid=IwAR" + "".join(rng.choice(list("abcdefXYZ0123456789"), 20))
                elif u < 0.05:
                    suffix = "?li_fat_id=" + f"{rng.integers(10**7, 10**8):x}-c0de-4f1e-9a0b"
                sessions.append(("Direct", None, path, suffix))
        for ch in CHANNELS:
            if ch == "Direct":
                continue
            row = by_day_ch.loc[(day, ch)]
            k = rng.binomial(int(row["sessions"]), BIGQUERY_THINNING)
            k_raw = (
                rng.hypergeometric(
                    int(row["raw_direct"]), int(row["sessions"] - row["raw_direct"]), k
                )
                if k
                else 0
            )  # noqa: E501
            pages = _PAGES_BY_CHANNEL[ch]
            for j in range(k):
                path = pages[int(rng.integers(len(pages)))]
                sessions.append((ch, None if j < k_raw else ch, path, ""))
        rows = []
        for ch, raw, path, suffix in sessions:
            hour = int(rng.choice(24, p=_HOURS / _HOURS.sum()))
            local = day + pd.Timedelta(seconds=hour * 3600 + int(rng.integers(3600)))
            epoch = int(local.tz_localize(_TZ).timestamp())
            ts = epoch * 1_000_000 + int(rng.integers(1_000_000))
            if raw is None and ch != "Direct":
                new = False  # reattributed raw direct: a returning user by definition
            else:
                new = bool(rng.random() < (0.35 if raw is None else 0.55))
            if raw == "Referral":
                ref = _REFERRERS[int(rng.integers(len(_REFERRERS)))]
                src = (ref.split("/")[2].removeprefix("www."), "referral", "(referral)", ref, "")
            elif raw is not None:
                src = _RAW[raw]
            else:
                src = None
            if new or not users:
                uid = f"{rng.integers(10**8, 2 * 10**9)}.{epoch}"
                first = src or ("(direct)", "(none)", "(direct)")
                users.append([uid, 1, first[:3]])
                user = users[-1]
                new = True
            else:
                user = users[int(rng.integers(len(users)))]
                user[1] += 1
            last_click = src[:3] if src else ("(direct)", "(none)", "(direct)")
            if ch != "Direct" and src is None:  # raw direct credited to an earlier source
                last_click = _RAW[ch][:3]
            rows.extend(_session_events(rng, day, ts, epoch, user, new, ch, src, last_click,
                                        f"{site}{path}{suffix}", path, host, scn))  # fmt: skip
        rows.sort(key=lambda r: (int(r["event_timestamp"]), r["user_pseudo_id"], r["event_name"]))
        events.extend(rows)
    return events


def _session_events(rng, day, ts, epoch, user, new, ch, src, last_click, url, path, host, scn):
    engaged = rng.random() < CHANNELS[ch][1]
    base = [_p("ga_session_id", epoch), _p("ga_session_number", user[1]),
            _p("page_location", url), _p("page_title", _title(path))]  # fmt: skip
    if src and src[3]:
        base.append(_p("page_referrer", src[3]))
    traffic = [_p("source", src[0]), _p("medium", src[1]), _p("campaign", src[2])] if src else []
    device = _pick(rng, _DEVICES)
    geo = _pick(rng, _GEO)
    tagged = src is not None and ("utm_" in src[4] or src[1] == "cpc")
    common = {
        "user_pseudo_id": user[0],
        "device": {
            "category": device[0],
            "operating_system": device[1],
            "web_info": {"browser": device[2], "hostname": host},
        },
        "geo": {"country": geo[0], "region": geo[1], "city": geo[2]},
        "traffic_source": {"name": user[2][2], "medium": user[2][1], "source": user[2][0]},
        "stream_id": "4218830127",
        "platform": "WEB",
    }
    if tagged:
        common["collected_traffic_source"] = {
            "manual_campaign_name": src[2],
            "manual_source": src[0],
            "manual_medium": src[1],
        }
        if src[1] == "cpc":
            common["collected_traffic_source"]["gclid"] = "EAIaIQobChMI"
    common["session_traffic_source_last_click"] = {
        "cross_channel_campaign": {
            "campaign_name": last_click[2],
            "source": last_click[0],
            "medium": last_click[1],
            "default_channel_group": ch,
        }
    }
    date = f"{day:%Y%m%d}"

    def ev(name, t, params):
        return {"event_date": date, "event_timestamp": str(t), "event_name": name,
                "event_params": params, **common}  # fmt: skip

    out = []
    if new:
        out.append(ev("first_visit", ts, [*base, *traffic]))
    out.append(ev("session_start", ts, [*base, *traffic]))
    pv = [*base, *traffic, _p("entrances", 1)]
    if engaged:
        pv.append(_p("engaged_session_event", 1))
    out.append(ev("page_view", ts, pv))
    if engaged:
        msec = int(rng.gamma(2.0, 25_000))
        out.append(ev("user_engagement", ts + msec * 1000,
                      [*base, _p("engagement_time_msec", msec), _p("session_engaged", "1")]))  # fmt: skip
    return out
