"""Deep-page direct as a dark-social proxy: leakage recovery and ITS on simulated truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from darksocial.direct import MIN_LEAKAGE_DAYS, dark_social_series, fit_direct
from darksocial.errors import DataValidationError, ParameterError
from darksocial.its import Intervention

ALPHA_TRUE = 0.3
START, LAUNCH, END = "2023-07-01", "2025-03-03", "2025-04-27"
LIFT = 30.0  # extra dark-social sessions per day during the campaign


def _ar1(rng, n, phi=0.5, sd=0.1):
    e = rng.normal(0, sd * np.sqrt(1 - phi**2), n)
    out = np.empty(n)
    out[0] = rng.normal(0, sd)
    for t in range(1, n):
        out[t] = phi * out[t - 1] + e[t]
    return out


def _world(
    rng,
    *,
    dark_lift=0.0,
    organic_lift=0.0,
    branded_lift=0.0,
    alpha=ALPHA_TRUE,
):
    """Daily site with a known leakage rate from non-branded organic and known lifts.

    ``organic_lift`` multiplies non-branded organic during the campaign (an SEO push);
    ``branded_lift`` adds branded organic clicks; ``dark_lift`` adds dark-social sessions.
    """
    idx = pd.date_range(START, "2025-06-30", freq="D", name="date")
    n = len(idx)
    days = (idx - idx[0]).days.to_numpy()
    dow = np.array([1.1, 1.15, 1.1, 1.05, 1.0, 0.7, 0.65])[idx.dayofweek]
    yearly = 1 + 0.15 * np.sin(2 * np.pi * days / 365.25)
    on = ((idx >= LAUNCH) & (idx <= END)).astype(float)
    nonbranded_mu = 500 * dow * yearly * np.exp(_ar1(rng, n, sd=0.2)) * (1 + organic_lift * on)
    nonbranded = rng.poisson(nonbranded_mu).astype(float)
    branded = rng.poisson(200 * dow * np.exp(_ar1(rng, n, sd=0.1)) + branded_lift * on)
    dark_mu = 150 * dow * yearly * np.exp(_ar1(rng, n, sd=0.08)) + dark_lift * on
    leak = rng.binomial(nonbranded.astype(int), alpha)
    deep = rng.poisson(dark_mu) + leak
    shallow = rng.poisson(400 * dow, n)
    direct_landing = pd.DataFrame(
        {
            "direct_sessions": (deep + shallow).astype(float),
            "deep_direct_sessions": deep.astype(float),
            "shallow_direct_sessions": shallow.astype(float),
            "missing": False,
        },
        index=idx,
    )
    search = pd.DataFrame(
        {
            "branded_clicks": branded.astype(float),
            "nonbranded_clicks": nonbranded,
            "missing": False,
        },
        index=idx,
    )
    return {"direct_landing": direct_landing, "search_console": search}


def _campaign():
    return Intervention("push", LAUNCH, end=END, shape="level")


def _avg(res):
    return res.effects_by_intervention.loc[("push", "average")]


def test_leakage_alpha_recovered_on_pre_period(rng):
    w = _world(rng, dark_lift=LIFT)
    frame = dark_social_series(w["direct_landing"], organic=w["search_console"], pre_end=LAUNCH)
    a = frame.attrs
    assert a["leakage_method"] == "estimated"
    assert a["leakage_driver"] == "nonbranded_clicks"
    assert a["leakage_lower"] < ALPHA_TRUE < a["leakage_upper"]
    assert abs(a["leakage_alpha"] - ALPHA_TRUE) < 0.04
    assert a["pre_end"] == pd.Timestamp(LAUNCH) - pd.Timedelta(days=1)
    # the columns obey their definitions exactly
    np.testing.assert_allclose(
        frame["organic_leakage"], a["leakage_alpha"] * w["search_console"]["nonbranded_clicks"]
    )
    np.testing.assert_allclose(
        frame["dark_social"], frame["deep_direct_sessions"] - frame["organic_leakage"]
    )
    # leakage share is leakage / deep over the pre-period; truth ~ 0.3 * 500 / (150 + 150)
    assert 0.4 < a["leakage_share"] < 0.6
    assert "upper bound" in a["leakage_note"]


def test_dark_social_lift_recovered(rng):
    w = _world(rng, dark_lift=LIFT)
    res = fit_direct(w, _campaign(), series="dark_social")
    avg = _avg(res)
    assert avg["lower"] < LIFT < avg["upper"]
    assert abs(avg["estimate"] - LIFT) < 8
    assert res.y.attrs["leakage_method"] == "estimated"
    # the raw deep series with non-branded clicks as control finds the same sessions
    deep = _avg(fit_direct(w, _campaign(), series="deep"))
    assert deep["lower"] < LIFT < deep["upper"]


def test_organic_only_campaign_vanishes_after_adjustment(rng):
    # an SEO push lifts non-branded organic by 40 %: deep direct rises through leakage only
    w = _world(rng, organic_lift=0.4)
    raw = _avg(fit_direct(w, _campaign(), series="deep", controls=None))
    adjusted = _avg(fit_direct(w, _campaign(), series="dark_social"))
    # ~50 leaked sessions a day in spring (0.3 * 40 % of ~420 clicks)
    assert raw["lower"] > 0
    assert 25 < raw["estimate"] < 100
    assert adjusted["lower"] < 0 < adjusted["upper"]
    assert abs(adjusted["estimate"]) < 0.25 * raw["estimate"]


def test_total_organic_driver_removes_real_dark_social(rng):
    # the campaign lifts dark social and branded search; leakage comes from non-branded
    w = _world(rng, dark_lift=LIFT, branded_lift=150.0)
    sc = w["search_console"]
    total = (sc["branded_clicks"] + sc["nonbranded_clicks"]).rename("organic_total")
    good = dark_social_series(w["direct_landing"], organic=sc, pre_end=LAUNCH)
    bad = dark_social_series(w["direct_landing"], organic=total, pre_end=LAUNCH)
    assert bad.attrs["leakage_driver"] == "organic_total"
    fit_kw = {"controls": None, "seasonality": "auto"}
    right = _avg(fit_direct(good, _campaign(), series="dark_social", **fit_kw))
    wrong = _avg(fit_direct(bad, _campaign(), series="dark_social", **fit_kw))
    assert right["lower"] < LIFT < right["upper"]
    # alpha * 150 extra branded clicks are subtracted as if they were leakage
    assert wrong["upper"] < LIFT
    assert wrong["estimate"] < right["estimate"] - 0.5 * bad.attrs["leakage_alpha"] * 150


def test_given_and_no_leakage(rng):
    w = _world(rng)
    dl, sc = w["direct_landing"], w["search_console"]
    before = dl.copy()
    given = dark_social_series(dl, organic=sc["nonbranded_clicks"], leakage=0.25)
    assert given.attrs["leakage_method"] == "given"
    np.testing.assert_allclose(given["organic_leakage"], 0.25 * sc["nonbranded_clicks"])
    assert np.isnan(given.attrs["leakage_std_err"])
    none = dark_social_series(dl, leakage=None)
    np.testing.assert_array_equal(none["dark_social"], dl["deep_direct_sessions"])
    assert none.attrs["leakage_method"] == "none"
    assert none["organic_leakage"].eq(0).all()
    pd.testing.assert_frame_equal(dl, before)  # input untouched


def test_negative_estimate_clipped_to_zero(rng):
    idx = pd.date_range("2024-01-01", periods=200, freq="D")
    organic = pd.Series(rng.normal(500, 60, 200), index=idx, name="nonbranded_clicks")
    deep = pd.Series(400 - 0.2 * organic.to_numpy() + rng.normal(0, 5, 200), index=idx)
    frame = dark_social_series(deep, organic=organic, seasonality=None)
    assert frame.attrs["leakage_raw"] < -0.1
    assert frame.attrs["leakage_alpha"] == 0.0
    np.testing.assert_allclose(frame["dark_social"], deep)
    assert "set to 0" in frame.attrs["leakage_note"]
    assert "campaign periods included" in frame.attrs["leakage_note"]


def test_outage_days_stay_missing(rng):
    w = _world(rng)
    dl = w["direct_landing"].copy()
    dl.loc["2024-08-12":"2024-08-15", ["deep_direct_sessions", "direct_sessions"]] = np.nan
    frame = dark_social_series(dl, organic=w["search_console"], pre_end=LAUNCH)
    assert frame["missing"].sum() == 4
    assert frame.loc["2024-08-12":"2024-08-15", "dark_social"].isna().all()
    assert frame.attrs["n_pre"] == (pd.Timestamp(LAUNCH) - pd.Timestamp(START)).days - 4


def test_sample_uses_nonbranded_clicks(sample_dir):
    from darksocial.io import load_sample

    s = load_sample()
    frame = dark_social_series(s, pre_end=s.campaigns["launch"].min(), holidays="FR")
    assert frame.attrs["leakage_driver"] == "nonbranded_clicks"
    assert frame.attrs["pre_end"] == pd.Timestamp("2025-02-02")
    assert frame["missing"].sum() == 4  # the GA4 outage, never zero-filled
    # the sample has no leakage by construction: what is estimated is shared demand
    # noise, so the estimate is an upper bound, well below all of deep direct
    assert 0 < frame.attrs["leakage_share"] < 0.8


def test_bad_inputs_say_how_to_fix(rng):
    w = _world(rng)
    dl, sc = w["direct_landing"], w["search_console"]
    with pytest.raises(ParameterError, match="organic="):
        dark_social_series(dl)
    with pytest.raises(ParameterError, match="leakage="):
        dark_social_series(dl, organic=sc, leakage="guess")
    with pytest.raises(ParameterError, match=">= 0"):
        dark_social_series(dl, organic=sc, leakage=-0.1)
    with pytest.raises(DataValidationError, match="deep_direct_sessions"):
        dark_social_series(sc, leakage=None)
    with pytest.raises(DataValidationError, match="one row per day"):
        dark_social_series(dl.resample("W").sum(), leakage=None)
    with pytest.raises(DataValidationError, match=str(MIN_LEAKAGE_DAYS)):
        dark_social_series(dl, organic=sc, pre_end="2023-07-20")
    with pytest.raises(ParameterError, match="outside the data"):
        dark_social_series(dl, organic=sc, pre_end="2030-01-01")
    with pytest.raises(DataValidationError, match="nonbranded_clicks"):
        dark_social_series(dl, organic=sc[["branded_clicks"]])
    with pytest.raises(ParameterError, match="series="):
        fit_direct(w, _campaign(), series="shallow")
    with pytest.raises(DataValidationError, match="direct_landing"):
        fit_direct({"search_console": sc}, _campaign())
