"""Dark-social scorecard: verdicts follow intervals, sentences quote them, plot shows them."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from darksocial.errors import DataValidationError, ParameterError
from darksocial.scorecard import (
    NOT_MEASURED,
    VERDICT_COLORS,
    Scorecard,
    ads_frame,
    estimates_from_its,
    mentions_frame,
    plot_scorecard,
    scorecard,
)


def _calendar():
    return pd.DataFrame(
        {
            "name": ["Podcast S1", "Spring ads", "Newsletter"],
            "channel": ["podcast", "paid_social", "email"],
            "launch": pd.to_datetime(["2025-02-03", "2025-04-22", "2025-11-12"]),
        },
        index=pd.Index(["podcast", "ads", "newsletter"], name="id"),
    )


def _estimates():
    return pd.DataFrame(
        {
            "campaign": ["podcast", "podcast", "ads", "ads", "newsletter", "newsletter"],
            "metric": ["branded_search", "deep_direct"] * 3,
            "estimate": [40.0, 35.0, 12.0, 1.0, 0.5, -2.0],
            "lower": [25.0, 20.0, 3.0, -8.0, -9.0, -11.0],
            "upper": [55.0, 50.0, 21.0, 10.0, 10.0, 7.0],
            "p_value": [1e-5, 1e-4, 0.01, 0.8, 0.9, 0.7],
            "relative": [0.16, 0.15, 0.05, 0.004, 0.002, -0.01],
            "relative_lower": [0.10, 0.09, 0.012, -0.03, -0.04, -0.05],
            "relative_upper": [0.23, 0.21, 0.09, 0.04, 0.04, 0.03],
        }
    )


def _mentions():
    return pd.DataFrame(
        {
            "campaign": ["podcast", "newsletter"],
            "before": [0.01, 0.03],
            "after": [0.13, 0.035],
            "diff": [0.12, 0.005],
            "diff_lower": [0.05, -0.02],
            "diff_upper": [0.19, 0.03],
        }
    )


def _ads():
    return pd.DataFrame(
        {"campaign": ["ads"], "share": [0.01], "share_lower": [-0.002], "share_upper": [0.022]}
    )


def _card():
    return scorecard(_estimates(), mentions=_mentions(), ads=_ads(), campaigns=_calendar())


def test_sentences_quote_the_numbers():
    v = _card().verdicts()
    assert v.at["podcast", "agreement"] == (
        "Three of three signals agree on a lift: branded search +16% (+10% to +23%); "
        "deep-page direct +15% (+9.0% to +21%); podcast mentions up 12 points (+5 to +19)."
    )
    assert v.at["ads", "agreement"] == (
        "Mixed signals: branded search rose, but deep-page direct did not move and the "
        "ads were not measurably followed by branded search; treat the lift with caution "
        "(branded search +5.0% (+1.2% to +9.0%); deep-page direct +0.4% (−3.0% to +4.0%); "
        "ads-to-search share 1.0% (−0.2% to 2.2%))."
    )
    assert v.at["newsletter", "agreement"].startswith("No signal moved (branded search +0.2%")
    assert v.at["newsletter", "agreement"].endswith("there is no evidence of a lift.")
    # what was mentioned comes from the calendar channel when the table has no label
    assert "email mentions +0.5 points (−2 to +3)" in v.at["newsletter", "agreement"]
    assert v["consensus"].tolist() == ["up", "mixed", "no change"]
    assert v.loc["podcast", "ads_share"] == NOT_MEASURED


def test_verdicts_match_intervals_on_random_tables(rng):
    n = 40
    centre = rng.normal(0, 0.1, size=(n, 2))
    half = rng.uniform(0.01, 0.15, size=(n, 2))
    est = pd.DataFrame(
        {
            "campaign": np.repeat([f"c{i}" for i in range(n)], 2),
            "metric": ["branded_search", "deep_direct"] * n,
            "relative": centre.ravel(),
            "relative_lower": (centre - half).ravel(),
            "relative_upper": (centre + half).ravel(),
        }
    )
    card = scorecard(est)
    v = card.verdicts()
    table = card.table()
    for _, r in est.iterrows():
        word = v.at[r["campaign"], r["metric"]]
        lo, hi = r["relative_lower"], r["relative_upper"]
        assert word == ("up" if lo > 0 else "down" if hi < 0 else "no change")
    for c, row in v.iterrows():
        words = {row["branded_search"], row["deep_direct"]}
        sentence = row["agreement"]
        # the sentence never contradicts the verdicts, and quotes each signal's numbers
        if words == {"up"}:
            assert sentence.startswith("Two of two signals agree on a lift")
        elif words == {"down"}:
            assert sentence.startswith("Two of two signals agree on a fall")
        elif words == {"no change"}:
            assert sentence.startswith("No signal moved")
        elif words == {"up", "no change"}:  # one of two rose: not a majority
            assert sentence.startswith("Mixed signals")
        else:
            assert sentence.startswith("Signals disagree")
        if len(words) > 1:
            for label, key in (
                ("branded search", "branded_search"),
                ("deep-page direct", "deep_direct"),
            ):
                verb = {"up": "rose", "down": "fell", "no change": "did not move"}[row[key]]
                assert f"{label} {verb}" in sentence
        for text in table.loc[c, ["branded search", "deep-page direct"]]:
            assert text in sentence
    # a positive interval is never printed as a decrease, and vice versa
    for c in table.index:
        for key, label in (
            ("branded_search", "branded search"),
            ("deep_direct", "deep-page direct"),
        ):
            lo_text = table.at[c, label].split("(")[1].split(" to ")[0]
            if v.at[c, key] == "up":
                assert lo_text.startswith("+")
            if v.at[c, key] == "down":
                assert table.at[c, label].split(" to ")[1].startswith("−")


def test_table_frame_and_calendar_order():
    card = _card()
    assert card.campaigns == ["podcast", "ads", "newsletter"]  # launch order
    table = card.table()
    assert table["name"].tolist() == ["Podcast S1", "Spring ads", "Newsletter"]
    assert table.at["podcast", "branded search"] == "+16% (+10% to +23%)"
    assert table.at["podcast", "self-reported mentions"] == "+12 points (+5 to +19)"
    assert table.at["ads", "self-reported mentions"] == "-"
    frame = card.frame()
    est = _estimates().set_index(["campaign", "metric"])
    for c in card.campaigns:
        for m in ("branded_search", "deep_direct"):
            assert frame.at[c, f"{m}_estimate"] == est.at[(c, m), "relative"]
            assert frame.at[c, f"{m}_abs_upper"] == est.at[(c, m), "upper"]
            assert frame.at[c, f"{m}_p_value"] == est.at[(c, m), "p_value"]
    assert frame.at["podcast", "mentions_after"] == 0.13
    assert np.isnan(frame.at["ads", "mentions_estimate"])
    assert frame.at["ads", "ads_share_lower"] == -0.002
    report = card.report()
    assert report.splitlines()[0].startswith("Podcast S1: Three of three")
    assert "95% interval excludes zero" in report
    html = card._repr_html_()
    assert "<table" in html and "Spring ads" in html


def test_absolute_only_single_signal_and_unmeasured_campaign():
    est = pd.DataFrame(
        {
            "campaign": ["podcast"],
            "metric": ["branded_search"],
            "estimate": [-30.0],
            "lower": [-50.0],
            "upper": [-10.0],
        }  # fmt: skip
    )
    card = scorecard(est, campaigns=_calendar())
    v = card.verdicts()
    assert v.at["podcast", "branded_search"] == "down"
    assert v.at["podcast", "agreement"] == (
        "Only one signal was measured, so agreement cannot be judged: branded search −30 "
        "(−50 to −10); confirm with a second signal before acting."
    )
    assert v.at["ads", "consensus"] == "none"
    assert v.at["ads", "agreement"] == "No signal was measured for this campaign."


def test_metrics_sharing_a_label_stay_apart():
    est = _estimates()
    est.loc[est["metric"] == "deep_direct", "metric"] = "branded_clicks"
    table = scorecard(est).table()
    assert {"branded search (branded_search)", "branded search (branded_clicks)"} <= set(
        table.columns
    )


def test_plot_draws_plot_data():
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection, PathCollection

    from darksocial.plotting import _cell_text

    card = _card()
    fig, ax = plt.subplots()
    out = plot_scorecard(card, ax=ax)
    assert out is ax
    data = card.plot_data()
    measured = data[data["verdict"] != NOT_MEASURED]
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sorted(s.get_label() for s in scatters) == sorted(set(measured["verdict"]))
    for s in scatters:
        part = measured[measured["verdict"] == s.get_label()]
        np.testing.assert_allclose(s.get_offsets(), part[["x", "y"]].to_numpy())
        np.testing.assert_allclose(
            s.get_facecolor()[0][:3],
            plt.matplotlib.colors.to_rgb(VERDICT_COLORS[s.get_label()]),
        )
    (lines,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    segs = np.array(lines.get_segments())
    np.testing.assert_allclose(segs[:, 0, 0], measured["x_lower"])
    np.testing.assert_allclose(segs[:, 1, 0], measured["x_upper"])
    # dots sit at the estimate on each signal's own scale, zero at the cell centre
    np.testing.assert_allclose(
        data["x"], data["col"] + 0.5 + 0.4 * data["estimate"] / data["half_range"]
    )
    assert (measured["x_lower"] > measured["col"]).all()
    assert (measured["x_upper"] < measured["col"] + 1).all()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Podcast S1", "Spring ads",
                                                            "Newsletter"]  # fmt: skip
    assert sum(t.get_text() == "n/a" for t in ax.texts) == (data["verdict"] == NOT_MEASURED).sum()
    assert ax.get_xticklabels()[0].get_text() == "branded search\n(±24%)"
    # every measured cell carries its estimate in its own unit (a column may mix a relative
    # lift with a change in clicks a day, on two scales of one width)
    written = [t for t in ax.texts if t.get_text() != "n/a"]
    assert [t.get_text() for t in written] == [
        "+16%", "+5.0%", "+0.2%", "+15%", "+0.4%", "−1.0%", "+12 pts", "+0.5 pts", "1.0%"
    ]  # fmt: skip
    # signal names wrapped under their cells ("self-reported mentions" ran into the next)
    for tick in ax.get_xticklabels():
        assert all(len(line) <= 16 for line in tick.get_text().split("\n")[:-1])
    # centred on their cells (a long label next to a dot at the edge ran into the next)
    np.testing.assert_allclose([t.xy[0] for t in written], measured["col"] + 0.5)
    clicks = pd.Series({"scale": "absolute", "estimate": 6.1, "unit": "clicks a day"})
    assert _cell_text(clicks) == "+6.1 clicks a day"
    assert _cell_text(pd.Series({"scale": "points", "estimate": 0.11, "unit": ""})) == "+11 pts"
    # each verdict its own colour: "unconfirmed" and "no change" were the same grey
    assert len(set(VERDICT_COLORS.values())) == len(VERDICT_COLORS)


def test_adapters_carry_numbers_over(rng):
    from darksocial.adlag import fit_ad_lag
    from darksocial.attribution import mentions_around

    days = pd.date_range("2025-01-01", "2025-04-30", freq="D")
    dates = days[rng.integers(0, len(days), 600)]
    after = dates >= "2025-03-01"
    p = np.where(after, 0.25, 0.05)
    answers = np.where(rng.random(600) < p, "a podcast", "google")
    survey = pd.DataFrame({"submitted_at": dates, "answer": answers})
    m = mentions_around("2025-03-01", survey, bucket="podcast")
    mf = mentions_frame({"podcast": m}, labels={"podcast": "podcast"})
    assert mf.loc[0, "diff"] == m.diff and mf.loc[0, "diff_upper"] == m.diff_upper
    assert mf.loc[0, "after"] == m.table.at["after", "share"]

    ads = pd.Series(np.where(rng.random(len(days)) < 0.5, 10.0, 0.0), index=days)
    lagged = sum(w * ads.shift(k, fill_value=0) for k, w in enumerate([2.0, 1.0, 0.5]))
    search = 100 + lagged + rng.normal(0, 2, len(days))
    fit = fit_ad_lag(ads, search, max_lag=5, seasonality="none")
    af = ads_frame({"ads": fit}, within=3)
    share = fit.share_within(3)
    assert af.loc[0, "share"] == share["estimate"] and af.loc[0, "within"] == 3

    card = scorecard(mentions=mf, ads=af)
    v = card.verdicts()
    assert v.at["podcast", "mentions"] == "up"  # simulated jump from 5 % to 25 %
    assert v.at["ads", "ads_share"] == "up"  # truth: about 0.15 of search follows ads
    assert abs(af.loc[0, "share"] - lagged.mean() / search.mean()) < 0.02


def test_bad_tables_say_how_to_fix():
    est = _estimates()
    with pytest.raises(ParameterError, match="at least one"):
        scorecard()
    with pytest.raises(DataValidationError, match="metric"):
        scorecard(est.drop(columns=["metric"]))
    with pytest.raises(DataValidationError, match="one row per campaign and metric"):
        scorecard(pd.concat([est, est.iloc[:1]]))
    flipped = est.assign(relative_lower=est["relative_upper"] + 1)
    with pytest.raises(DataValidationError, match="swap the bounds"):
        scorecard(flipped)
    partial = est.assign(relative_upper=np.nan)
    partial.loc[1:, "relative_upper"] = est.loc[1:, "relative_upper"]
    with pytest.raises(DataValidationError, match="complete"):
        scorecard(partial)
    with pytest.raises(DataValidationError, match="not in the campaign calendar"):
        scorecard(est.replace({"campaign": {"ads": "tv"}}), campaigns=_calendar())
    with pytest.raises(DataValidationError, match="numeric"):
        scorecard(est.assign(relative=["x"] * len(est)))
    with pytest.raises(DataValidationError, match="share_lower"):
        scorecard(ads=_ads().drop(columns=["share_lower"]))
    with pytest.raises(ParameterError, match="Scorecard"):
        plot_scorecard(est)


def test_sample_end_to_end(sample_dir):
    from darksocial.attribution import mentions_around
    from darksocial.io import load_sample
    from darksocial.its import Intervention, fit

    s = load_sample()
    truth = json.loads((sample_dir / "TRUTH.json").read_text())["campaigns"]
    ivs = [
        Intervention(cid, s.campaigns.at[cid, "launch"], end=t["window_end"], shape="level")
        for cid, t in truth.items()
    ]
    sc, dl = s.search_console, s.direct_landing
    kw = {
        "controls": sc[["nonbranded_clicks"]],
        "seasonality": ["dayofweek", (365.25, 12)],
        "holidays": "FR",
        "transform": "log",
    }
    est = pd.concat(
        [
            estimates_from_its(fit(sc["branded_clicks"], ivs, **kw), "branded_search"),
            estimates_from_its(fit(dl["deep_direct_sessions"], ivs, **kw), "deep_direct"),
        ]
    )
    launch = s.campaigns["launch"]
    mentions = mentions_frame(
        {
            "podcast-s1": mentions_around(
                launch["podcast-s1"], s.survey, bucket="podcast", before_days=56, after_days=56
            ),
            "toolexpo-2025": mentions_around(
                launch["toolexpo-2025"], s.survey, bucket="event", before_days=56, after_days=56
            ),
        }  # fmt: skip
    )
    card = scorecard(est, mentions=mentions, campaigns=s.campaigns)
    assert isinstance(card, Scorecard)
    v = card.verdicts()
    assert v.at["podcast-s1", "branded_search"] == "up"
    assert v.at["podcast-s1", "deep_direct"] == "up"
    assert v.at["podcast-s1", "mentions"] == "up"
    assert v.at["podcast-s1", "consensus"] == "up"
    assert v.at["newsletter-relaunch", "branded_search"] == "no change"
    assert v.at["newsletter-relaunch", "deep_direct"] == "no change"
    # true relative lifts of the podcast (TRUTH.json) fall inside the intervals shown
    f = card.frame()
    for key, metric in (
        ("branded_search", "branded_clicks"),
        ("deep_direct", "deep_direct_sessions"),
    ):
        rel = truth["podcast-s1"]["metrics"][metric]["relative"]
        assert f.at["podcast-s1", f"{key}_lower"] < rel < f.at["podcast-s1", f"{key}_upper"]
    assert card.table().index.tolist() == list(s.campaigns.sort_values("launch").index)


def test_a_majority_of_signals_up_is_a_lift_and_ads_never_outrun_search():
    est = pd.DataFrame(
        {
            "campaign": ["pod"] * 3 + ["meta"] * 3,
            "metric": ["branded_search", "deep_direct", "direct"] * 2,
            "relative": [0.14, 0.10, 0.036, 0.04, 0.012, -0.06],
            "relative_lower": [0.056, 0.036, -0.029, -0.072, -0.074, -0.13],
            "relative_upper": [0.22, 0.18, 0.10, 0.16, 0.11, 0.026],
        }
    )
    mentions = pd.DataFrame(
        {"campaign": ["pod"], "diff": [0.11], "diff_lower": [0.06], "diff_upper": [0.16]}
    )
    ads = pd.DataFrame(
        {"campaign": ["meta"], "share": [0.075], "share_lower": [0.001], "share_upper": [0.15]}
    )
    v = scorecard(est, mentions=mentions, ads=ads).verdicts()
    # the podcast: search, deep-page direct and mentions rose; all direct did not move
    assert v.at["pod", "consensus"] == "up"
    assert v.at["pod", "agreement"].startswith("Three of four signals point to a lift")
    assert "caution" not in v.at["pod", "agreement"]
    # branded search did not rise after the ads: the ads-to-search share is not "up"
    assert v.at["meta", "branded_search"] == "no change"
    assert v.at["meta", "ads_share"] == "unconfirmed"
    assert v.at["meta", "consensus"] == "no change"
    assert "branded search did not rise" in v.at["meta", "agreement"]


def test_a_signal_relative_for_one_campaign_and_in_units_for_another():
    import matplotlib.pyplot as plt

    # the second campaign's metric was zero in most periods before its launch: no
    # relative lift, its change in clicks a day (the overview passes it so)
    est = pd.DataFrame(
        {
            "campaign": ["a", "b"],
            "metric": ["search_clicks", "search_clicks"],
            "estimate": [30.0, 0.2],
            "lower": [10.0, -0.3],
            "upper": [50.0, 0.6],
            "relative": [0.15, np.nan],
            "relative_lower": [0.05, np.nan],
            "relative_upper": [0.25, np.nan],
            "unit": ["clicks a day", "clicks a day"],
        }
    )
    card = scorecard(est)
    assert card.data["text"].tolist() == [
        "+15% (+5.0% to +25%)",
        "+0.2 clicks a day (−0.3 to +0.6)",
    ]
    data = card.plot_data().set_index("campaign")
    # each scale has its own range, so both intervals fill their cell and stay inside it
    assert data.loc["a", "half_range"] == pytest.approx(0.25 * 1.05)
    assert data.loc["b", "half_range"] == pytest.approx(0.6 * 1.05)
    assert (data["x_lower"] > data["col"]).all() and (data["x_upper"] < data["col"] + 1).all()
    fig, ax = plt.subplots()
    plot_scorecard(card, ax=ax)
    assert ax.get_xticklabels()[0].get_text().endswith("(±26%; ±0.63 clicks a day)")
    plt.close(fig)
    # a range above one is rounded as the cells are: "±1.48 clicks a day" on a real overview
    est.loc[1, ["lower", "upper"]] = [-0.5, 1.41]
    fig, ax = plt.subplots()
    plot_scorecard(scorecard(est), ax=ax)
    assert ax.get_xticklabels()[0].get_text().endswith("(±26%; ±1.5 clicks a day)")
    plt.close(fig)
