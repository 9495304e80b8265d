"""Tests for darksocial.attribution: classifier, shares, before/after, gap, PII masking."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from darksocial.attribution import (
    BLANK,
    OTHER,
    attribution_gap,
    classify_answers,
    dark_social_share,
    explain_answers,
    load_rules,
    mask_pii,
    mask_pii_frame,
    mentions_around,
    plot_dark_social_share,
    unclassified,
)
from darksocial.errors import DataFormatError, DataValidationError, ParameterError

KNOWN_EN = {
    "Heard you on a podcast": "podcast",
    "podacst": "podcast",
    "Lenny's Podcast episode": "podcast",
    "LinkedIn": "linkedin",
    "linkdin post": "linkedin",
    "Linked in": "linkedin",
    "youtbe": "youtube_video",
    "a TikTok video": "youtube_video",
    "My colleague told me": "word_of_mouth",
    "coworkers": "word_of_mouth",
    "a freind": "word_of_mouth",
    "my boss": "word_of_mouth",
    "recommended by our CTO": "word_of_mouth",
    "Slack community": "community",
    "reddit": "community",
    "Discord server": "community",
    "Saw your booth at the trade show": "event",
    "webinar": "event",
    "Google": "search",
    "googled you": "search",
    "bing search": "search",
    "G2": "review_site",
    "Capterra reviews": "review_site",
    "the newsletter": "newsletter_blog",
    "your blog": "newsletter_blog",
    "ChatGPT": "ai_assistant",
    "asked Perplexity": "ai_assistant",
    "our agency": "partner",
    "used it at my previous company": "existing_customer",
    "Facebook ad": "social_media",
    "saw an ad on instagram": "social_media",
    "our Facebook group": "community",
    "liknedin": "linkedin",  # adjacent letters swapped
    "webianire": "event",
    "your email": "newsletter_blog",
    "internet": "search",
    "blah": OTHER,
    "black friday": OTHER,
    "I submitted the form": OTHER,
}
KNOWN_FR = {
    "Un collègue": "word_of_mouth",
    "un collegue": "word_of_mouth",
    "COLEGUE": "word_of_mouth",
    "recommandé par un ami": "word_of_mouth",
    "bouche à oreille": "word_of_mouth",
    "Bouche a oreille": "word_of_mouth",
    "balado": "podcast",
    "un épisode de Génération Do It Yourself": "podcast",
    "Salon VivaTech": "event",
    "une conférence": "event",
    "webinaire": "event",
    "recherche Google": "search",
    "moteur de recherche": "search",
    "infolettre": "newsletter_blog",
    "groupe Facebook": "community",
    "la communauté": "community",
    "déjà client": "existing_customer",
    "notre agence": "partner",
    "une vidéo sur LinkedIn": "linkedin",
    "demandé à l'IA": "ai_assistant",
    "vu une pub sur fb": "social_media",
    "réseaux sociaux": "social_media",
    "un mail": "newsletter_blog",
    "djéà client": "existing_customer",
    "au hasard": OTHER,
}


@pytest.mark.parametrize(("answer", "bucket"), list(KNOWN_EN.items()))
def test_classify_english(answer, bucket):
    assert classify_answers(pd.Series([answer])).iloc[0] == bucket


@pytest.mark.parametrize(("answer", "bucket"), list(KNOWN_FR.items()))
def test_classify_french(answer, bucket):
    assert classify_answers(pd.Series([answer])).iloc[0] == bucket


def test_classify_keeps_index_and_marks_blanks():
    answers = pd.Series(
        [
            "",
            "   ",
            None,
            np.nan,
            "-",
            "N/A",
            "n/a",
            "jo@example.com",
            "rappelez-moi au 06 12 34 56 78",
            "podcast",
        ],
        index=list("abcdefghij"),
    )
    out = classify_answers(answers)
    assert out.index.equals(answers.index)
    assert out.name == "bucket"
    assert out.tolist() == [BLANK] * 9 + ["podcast"]
    assert answers.iloc[0] == ""  # input untouched


def test_precedence_named_channel_beats_search_and_weak_patterns():
    answers = pd.Series(
        [
            "heard on a podcast then googled you",
            "a colleague shared your LinkedIn post",
            "saw a video",  # weak pattern alone is enough
            "heard you on LinkedIn",  # weak podcast phrase loses to a strong linkedin match
        ]
    )
    assert classify_answers(answers).tolist() == [
        "podcast",
        "linkedin",
        "youtube_video",
        "linkedin",
    ]


def test_fuzzy_matching_respects_exact_list_and_length():
    # "stack" is one edit from "slack" but slack is exact-only; "fiend" is one edit from
    # "friend" (6 letters) and matches; "ami" (3 letters) never matches fuzzily.
    answers = pd.Series(["stack", "fiend", "amo"])
    assert classify_answers(answers).tolist() == [OTHER, "word_of_mouth", OTHER]


def test_explain_answers_lists_matches_and_masks():
    out = explain_answers(pd.Series(["podcast, mail me at jo@example.com"]))
    assert out.loc[0, "bucket"] == "podcast"
    assert "podcast:podcast" in out.loc[0, "matched"]
    assert "[email]" in out.loc[0, "answer"]


def test_unclassified_most_frequent_first_and_grouped():
    answers = pd.Series(["Blah", "blah!", "podcast", "Other thing", "BLAH", "", "my cat"])
    buckets = classify_answers(answers)
    table = unclassified(answers, buckets)
    assert table["count"].tolist() == [3, 1, 1]
    assert table.loc[0, "answer"].lower() == "blah"
    assert_allclose(table["share"].sum(), 1.0)
    assert table["answer"].tolist()[1:] == ["my cat", "Other thing"]


def test_user_rules_add_bucket_and_language(tmp_path):
    path = tmp_path / "rules.yml"
    path.write_text(
        "buckets:\n"
        "  podcast:\n"
        "    patterns:\n"
        "      de: [podcastfolge]\n"
        "  direct_mail:\n"
        "    patterns:\n"
        "      en: [postcard, flyer]\n"
        "      de: [postkarte]\n",
        encoding="utf-8",
    )
    rules = load_rules(path, extend=True)
    assert "direct_mail" in rules.buckets
    assert "de" in rules.languages
    out = classify_answers(
        pd.Series(["Postkarte", "a flyer", "Podcastfolge", "collègue"]), rules=rules
    )
    assert out.tolist() == ["direct_mail", "direct_mail", "podcast", "word_of_mouth"]
    # Without extend the file replaces the defaults: the French word is now unmatched.
    alone = classify_answers(pd.Series(["collègue", "flyer"]), rules=path)
    assert alone.tolist() == [OTHER, "direct_mail"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "buckets:\n  podcast:\n    patterns:\n      en: [podcast]\nlanguage: en\n",
            "unknown key",
        ),
        ("buckets:\n  podcast:\n    description: no patterns\n", "has no patterns"),
        ("buckets:\n  podcast:\n    paterns:\n      en: [podcast]\n", "unknown key"),
        ("buckets:\n  other:\n    patterns:\n      en: [x]\n", "reserved"),
        ("buckets: [podcast\n", "not valid YAML"),
        (
            "precedence: [tv]\nbuckets:\n  podcast:\n    patterns:\n      en: [podcast]\n",
            "unknown bucket",
        ),
    ],
)
def test_bad_rules_file_gives_one_line_message(tmp_path, text, message):
    path = tmp_path / "rules.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFormatError, match=message) as info:
        load_rules(path)
    assert "\n" not in str(info.value)
    assert str(path) in str(info.value)


def test_wilson_share_matches_hand_computation():
    # 40 non-blank answers in one week, 12 of them dark; 10 blanks on top.
    buckets = pd.Series(["podcast"] * 12 + ["search"] * 28 + [BLANK] * 10)
    dates = pd.Series(pd.Timestamp("2025-03-05") + pd.to_timedelta(np.arange(50) % 5, "D"))
    out = dark_social_share(buckets, dates, freq="W")
    assert len(out) == 1
    row = out.iloc[0]
    assert out.index[0] == pd.Timestamp("2025-03-03")  # Monday of that week
    assert (row["n_leads"], row["n"], row["k"]) == (50, 40, 12)
    assert_allclose(row["response_rate"], 0.8)
    assert_allclose(row["share_of_leads"], 12 / 50)
    # Wilson by hand: centre (p + z^2/2n) / (1 + z^2/n), half-width
    # z / (1 + z^2/n) * sqrt(p(1-p)/n + z^2/4n^2), with p = 0.3, n = 40, z = 1.959964.
    z, n, p = 1.959963984540054, 40, 0.3
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    assert_allclose([row["lower"], row["upper"]], [centre - half, centre + half], rtol=1e-10)
    assert_allclose([row["lower"], row["upper"]], [0.180748, 0.454300], atol=1e-6)


def test_share_over_months_recovers_simulated_rates(rng):
    # Dark share 20% Jan-Mar then 40% Apr-Jun; monthly estimates cover the truth.
    dates = pd.Series(pd.date_range("2025-01-01", "2025-06-30", freq="D").repeat(20))
    truth = np.where(dates.dt.month <= 3, 0.2, 0.4)
    buckets = pd.Series(np.where(rng.random(len(dates)) < truth, "podcast", "search"))
    out = dark_social_share(buckets, dates, freq="MS")
    assert list(out.index.month) == [1, 2, 3, 4, 5, 6]
    expected = np.array([0.2] * 3 + [0.4] * 3)
    assert np.all((out["lower"] < expected) & (expected < out["upper"]))
    assert_allclose(out["share"], expected, atol=0.05)
    ax = plot_dark_social_share(out)
    assert_allclose(ax.lines[0].get_ydata(), out["share"])
    assert ax.collections, "the Wilson band is drawn"


def test_share_keeps_empty_weeks_and_rejects_all_blank():
    buckets = pd.Series(["podcast", "search"])
    dates = pd.Series(pd.to_datetime(["2025-01-06", "2025-01-27"]))
    out = dark_social_share(buckets, dates)
    assert out["n"].tolist() == [1, 0, 0, 1]
    assert np.isnan(out["share"].iloc[1])
    with pytest.raises(DataValidationError, match="every answer is blank"):
        dark_social_share(pd.Series([BLANK, BLANK]), dates)
    with pytest.raises(ParameterError, match="freq"):
        dark_social_share(buckets, dates, freq="D")


def _survey(rng, launch="2025-03-01"):
    days = pd.date_range("2025-01-01", "2025-04-30", freq="D")
    dates = days.repeat(10)
    after = dates >= pd.Timestamp(launch)
    p = np.where(after, 0.30, 0.10)
    podcast = rng.random(len(dates)) < p
    answers = np.where(podcast, "heard you on the Acme podcast", "google")
    answers[::17] = ""
    return pd.DataFrame(
        {
            "submitted_at": dates + pd.Timedelta(hours=9),
            "answer": answers,
            "software_source": np.where(
                np.arange(len(dates)) % 2, "DIRECT_TRAFFIC", "PAID_SEARCH"
            ),
        }
    )


def test_mentions_around_detects_simulated_jump(rng):
    frame = _survey(rng)
    res = mentions_around("2025-03-01", frame, bucket="podcast", before_days=28, after_days=28)
    t = res.table
    assert t.loc["before", "start"] == pd.Timestamp("2025-02-01")
    assert t.loc["after", "end"] == pd.Timestamp("2025-03-28")
    assert t.loc["before", "n"] + t.loc["after", "n"] < 2 * 28 * 10  # blanks excluded
    assert res.diff_lower < 0.20 < res.diff_upper
    assert res.rr_lower < 3.0 < res.rr_upper
    assert res.diff_pvalue < 1e-6
    assert "mentioned podcast over 28 days" in res.report()
    by_keyword = mentions_around("2025-03-01", frame, keywords=["acme"])
    assert by_keyword.table["k"].tolist() == t["k"].tolist()


def test_mentions_around_no_change_is_not_significant(rng):
    frame = _survey(rng, launch="2030-01-01")  # same 10% rate throughout
    res = mentions_around("2025-03-01", frame, bucket="podcast")
    assert res.diff_lower < 0 < res.diff_upper
    assert res.rr_lower < 1 < res.rr_upper


def test_survey_without_date_column_says_which_option(rng):
    frame = _survey(rng).rename(columns={"submitted_at": "Create Date"})
    with pytest.raises(
        DataValidationError, match="no 'submitted_at' column.*Create Date.*date_col="
    ):
        mentions_around("2025-03-01", frame, bucket="podcast")
    res = mentions_around("2025-03-01", frame, bucket="podcast", date_col="Create Date")
    assert res.table["n"].min() > 0


def test_all_blank_survey_is_rejected(rng):
    frame = _survey(rng).assign(answer="  ")
    with pytest.raises(DataValidationError, match="every answer .* is blank"):
        mentions_around("2025-03-01", frame, bucket="podcast")
    with pytest.raises(DataValidationError, match="every answer .* is blank"):
        attribution_gap(frame)


def test_attribution_gap_headline_and_crosstab():
    frame = pd.DataFrame(
        {
            "answer": [
                "podcast",
                "a colleague",
                "google",
                "",
                "podcast",
                "linkedin",
                "g2",
                "blah",
            ],
            "software_source": [
                "DIRECT_TRAFFIC",
                "Direct traffic",
                "ORGANIC_SEARCH",
                "DIRECT_TRAFFIC",
                "PAID_SOCIAL",
                "Organic Search",
                "ORGANIC_SEARCH",
                "direct",
            ],
        }
    )
    gap = attribution_gap(frame)
    # Direct/Organic leads: podcast, colleague, google, blank, linkedin, g2, blah.
    # Non-blank: 6; dark (podcast, word_of_mouth, linkedin): 3.
    assert (gap.k, gap.n, gap.n_blank) == (3, 6, 1)
    assert_allclose(gap.share, 0.5)
    ref_lo, ref_hi = 0.18761, 0.81239  # Wilson, k = 3, n = 6
    assert_allclose([gap.lower, gap.upper], [ref_lo, ref_hi], atol=1e-5)
    tab = gap.crosstab
    assert tab.loc["podcast", "DIRECT_TRAFFIC"] == 1
    assert tab.loc["podcast", "PAID_SOCIAL"] == 1
    assert tab.loc["Total", "Total"] == len(frame)
    assert list(tab.columns[:2]) == ["DIRECT_TRAFFIC", "ORGANIC_SEARCH"]
    assert_allclose(gap.share_frame().sum(axis=0), 1.0)
    assert "3 (50%" in gap.report()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("06 12 34 56 78", "[phone]"),
        ("+33 6 12 34 56 78", "[phone]"),
        ("(555) 123-4567", "[phone]"),
        ("+1 555-123-4567", "[phone]"),
        ("06.12.34.56.78", "[phone]"),
        ("jo.doe+hdyh@example.co.uk", "[email]"),
        ("3 colleagues in 2025", "3 colleagues in 2025"),
        ("on 2025-01-15 at 10:30", "on 2025-01-15 at 10:30"),
        ("top 10 list, 500 people", "top 10 list, 500 people"),
        ("call 0612345678 or mail a@b.fr", "call [phone] or mail [email]"),
    ],
)
def test_mask_pii(text, expected):
    assert mask_pii(text) == expected


def test_mask_pii_frame_masks_text_columns_only():
    frame = pd.DataFrame({"answer": ["reach me 06 12 34 56 78", np.nan], "n": [612345678, 2]})
    out = mask_pii_frame(frame)
    assert out["answer"].iloc[0] == "reach me [phone]"
    assert out["n"].tolist() == [612345678, 2]
    assert frame["answer"].iloc[0] == "reach me 06 12 34 56 78"


def test_mentions_around_rejects_an_unknown_bucket():
    import pandas as pd

    from darksocial.attribution import mentions_around
    from darksocial.errors import ParameterError

    frame = pd.DataFrame(
        {
            "submitted_at": pd.date_range("2025-01-01", periods=60),
            "answer": ["a podcast", "google"] * 30,
        }
    )
    with pytest.raises(ParameterError, match="bucket 'podcst' is not a bucket of the rules"):
        mentions_around("2025-02-01", frame, bucket="podcst")
    assert mentions_around("2025-02-01", frame, bucket="podcast") is not None


@pytest.mark.parametrize(
    ("before", "after"),
    [(["a podcast"], ["google"]), ([], ["google", "a podcast"]), (["google"], [])],
    ids=["one-answer-each", "none-before", "none-after"],
)
def test_too_few_answers_on_a_side_say_so_in_words(before, after):
    import math

    from darksocial.attribution import MIN_MENTION_ANSWERS, mentions_around

    frame = pd.DataFrame(
        {
            "submitted_at": pd.to_datetime(
                ["2025-02-20"] * len(before) + ["2025-03-05"] * len(after)
            ),
            "answer": before + after,
        }
    )
    res = mentions_around("2025-03-01", frame, bucket="podcast")
    assert not res.comparable
    assert res.table["n"].tolist() == [len(before), len(after)]
    text = res.report()
    assert text.startswith("Too few survey answers")
    assert f"at least {MIN_MENTION_ANSWERS} on each side" in text
    for shown in (text, repr(res), str(res)):
        assert "nan" not in shown.lower() and "n/a" not in shown
    assert math.isnan(res.diff)  # nothing measured, and the numbers say so


def test_no_mention_on_either_side_is_no_change_not_nan():
    frame = pd.DataFrame(
        {
            "submitted_at": pd.to_datetime(["2025-02-20"] * 6 + ["2025-03-05"] * 6),
            "answer": ["google"] * 12,
        }
    )
    res = mentions_around("2025-03-01", frame, bucket="podcast")
    assert res.comparable
    text = res.report()
    assert "No answer named it on either side" in text
    assert "nan" not in text.lower() and "n/a" not in text


def test_mentions_report_uses_the_page_formatters():
    """Whole percents as on the tables, a rate ratio in significant figures, minus signs."""
    from darksocial.attribution import MentionsResult
    from darksocial.formatting import number, percent

    days = pd.date_range("2025-01-01", periods=30, freq="D")
    table = pd.DataFrame(
        {
            "start": [days[0], days[15]],
            "end": [days[14], days[29]],
            "days": [15, 15],
            "k": [20, 3],
            "n": [173, 200],
            "share": [20 / 173, 3 / 200],
        },
        index=["before", "after"],
    )
    res = MentionsResult(
        label="podcast",
        launch=days[15],
        table=table,
        alpha=0.05,
        diff=-0.101,
        diff_lower=-0.152,
        diff_upper=-0.05,
        diff_pvalue=0.0001,
        rate_ratio=20.0,
        rr_lower=3.41,
        rr_upper=117.26,
        rr_pvalue=0.0001,
    )
    text = res.report()
    assert "20 of 173 answers (12%)" in text and "11.6%" not in text
    assert f"({percent(3 / 200, signed=False)})" in text
    assert "20 times the earlier rate (95% interval 3.4 to 117)" in text
    assert f"changed by {number(-10.1, signed=True)} points" in text and "-10" not in text
