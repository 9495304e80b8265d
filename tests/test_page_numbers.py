"""A page's sentences never disagree with its tables or its figures (sample data).

Every number stated in the prose of a campaign report section must be the number its
table shows, after the same rounding; the running total drawn ends at the total stated;
the overview's verdicts are the campaign reports'.
"""

from __future__ import annotations

import re

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from darksocial.formatting import number  # noqa: E402
from darksocial.its.plotting import campaign_plot_data  # noqa: E402
from darksocial.pages.campaign import campaign_report  # noqa: E402

_NUMBER = re.compile(r"[+−-]?\d[\d,]*(?:\.\d+)?%?")


def _split(html: str) -> tuple[str, str]:
    """(prose, tables) of a section's HTML, as text."""
    html = re.sub(r"<style.*?</style>", "", html, flags=re.S)
    tables = " ".join(re.findall(r"<table.*?</table>", html, flags=re.S))
    prose = re.sub(r"<table.*?</table>", " ", html, flags=re.S)
    text = lambda h: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", h)).replace("&nbsp;", " ")  # noqa: E731
    return text(prose), text(tables)


@pytest.fixture(scope="module")
def podcast():
    return campaign_report(campaign_id="podcast-s1")


@pytest.fixture(scope="module")
def newsletter():
    return campaign_report(campaign_id="newsletter-relaunch")


@pytest.mark.parametrize("metric", ["branded_clicks", "direct_sessions", "deep_direct_sessions"])
def test_metric_sentence_numbers_are_the_table_numbers_and_the_figure_total(podcast, metric):
    prose, tables = _split(podcast.metric_html(metric))
    signed = [n for n in _NUMBER.findall(prose) if n[0] in "+−" or n.endswith("%")]
    assert signed, prose
    cells = set(_NUMBER.findall(tables))
    for n in signed:
        assert n in cells, f"{n} in the sentence is not in the table: {prose}"
    # the running total drawn ends at the total the sentence states
    res = podcast.analysis.results[metric]
    data = campaign_plot_data(res, "podcast-s1")
    last = data.loc[data["panel"] == "cumulative", "value"].iloc[-1]
    total = number(last, signed=True)
    assert f"{total} in total" in prose
    assert total in tables
    assert f"{total} {podcast.analysis.effects_frame().loc[metric, 'unit']} in total" in (
        podcast.metric_chart(metric).alt
    )


def test_figures_are_light_and_described(podcast):
    html = podcast.metric_chart("branded_clicks")._repr_html_()
    assert len(html) < 80_000  # four such figures and the page stay under 600 KB
    alt = re.search(r'alt="([^"]*)"', html).group(1)
    assert alt.startswith("Branded search clicks from 28 days before launch")
    assert "orange" in html and "blue" in html  # the caption names the colours drawn


def test_bottom_line_numbers_are_the_sections_numbers(podcast):
    bottom = podcast.bottom_line_markdown(n_placebos=10)
    for metric in podcast.analysis.results:
        _, tables = _split(podcast.metric_html(metric))
        cells = set(_NUMBER.findall(tables))
        line = next(
            ln for ln in bottom.splitlines()
            if podcast.analysis.effects_frame().loc[metric, "label"].lower() in ln.lower()
            and ln.startswith("- ")
        )  # fmt: skip
        for n in _NUMBER.findall(line.split(";")[0]):
            if n[0] in "+−" or n.endswith("%"):
                assert n in cells, f"{n} of the bottom line is not in the {metric} table"


def test_survey_sentence_numbers_are_in_its_tables(podcast):
    prose, tables = _split(podcast.survey_section().html)
    cells = set(_NUMBER.findall(tables))
    first = prose.split(" The share changed")[0]
    shares = [n for n in _NUMBER.findall(first) if n.endswith("%")]
    assert shares == ["0.7%", "12%"]
    assert all(n in cells for n in shares)
    # the answer mix leaves blanks out, as the mentions table does
    assert "20 12%" in tables


def test_no_lift_is_never_vouched_for(newsletter):
    metric = newsletter.headline_metric
    in_space = newsletter.analysis.placebo_in_space()
    row = newsletter.analysis.effects_frame().loc[metric]
    assert not row.significant
    text = in_space.report(lift=bool(row.significant))
    assert "supports" not in text and "no lift for this check to explain" in text
    assert "a change in the campaign's metrics does not come from" not in text


def test_triangulation_sentence_names_the_direction_of_significant_rows(podcast):
    import pandas as pd

    from darksocial.checks import Triangulation

    table = pd.DataFrame(
        {
            "model": ["segmented", "negbin", "arima"],
            "method": ["intervention"] * 3,
            "pre_period": ["all"] * 3,
            "estimate": [0.02, -0.34, 0.01],
            "lower": [-0.05, -0.5, -0.04],
            "upper": [0.09, -0.1, 0.06],
            "significant": [False, True, False],
        }
    )
    text = Triangulation(table=table, alpha=0.05).report()
    assert (
        "1 of 3 finds a significant effect, a fall (negative binomial count model, step at launch: −34%)"
        in text
    )
    assert "−34%" in text and "+2.0%" in text  # the range, rounded as the table
    assert "the conclusion depends on the modelling choice" in text  # the others rise
    # every estimate a rise, some without an interval clear of zero (a real weekly Trends
    # folder, +26 to +42 index points, read "the conclusion depends on the modelling choice")
    same_way = table.assign(estimate=[0.30, 0.26, 0.42], lower=[0.1, -0.02, 0.2])
    same_way = same_way.assign(upper=[0.5, 0.5, 0.6], significant=[True, False, True])
    text = Triangulation(table=same_way, alpha=0.05).report()
    assert "2 of 3 find a significant effect, all rises" in text
    assert "the others point the same way, but their intervals include zero" in text
    assert "the direction does not depend on the modelling choice" in text


def test_triangulation_does_not_vouch_for_agreement_beside_a_row_at_the_edge():
    # a real Trends page: "+0.5% to +12%", one row p = 0.03 with "0% to +27%", under "the
    # conclusion (no detectable lift) does not depend on the modelling choice"
    import pandas as pd

    from darksocial.checks import Triangulation

    table = pd.DataFrame(
        {
            "model": ["segmented", "arima", "negbin"],
            "method": ["intervention"] * 3,
            "pre_period": ["all"] * 3,
            "estimate": [0.005, 0.11, 0.12],
            "lower": [-0.08, -0.02, -0.001],
            "upper": [0.09, 0.25, 0.27],
            "significant": [False, False, False],
            "p_value": [0.9, 0.08, 0.03],
        }
    )
    text = Triangulation(table=table, alpha=0.05).report()
    assert "does not depend on the modelling choice" not in text
    assert "but 1 of them comes close (a test p below 0.05)" in text
    text = Triangulation(table=table.assign(p_value=0.5), alpha=0.05).report()
    assert "the conclusion (no detectable lift) does not depend on the modelling" in text


def test_triangulation_with_one_fitted_row_compares_nothing():
    # a real merged Trends file: one of seven rows could be fitted, and the sentence read
    # "the lift ranges from +1,309% to +1,309%. All of them find a significant increase"
    import pandas as pd

    from darksocial.checks import Triangulation

    table = pd.DataFrame(
        {
            "model": ["segmented", "negbin"],
            "method": ["intervention", "counterfactual"],
            "pre_period": ["all", "all"],
            "estimate": [float("nan"), 13.09],
            "lower": [float("nan"), 9.0],
            "upper": [float("nan"), 16.0],
            "significant": [False, True],
            "note": ["failed: the control is a combination of the others", ""],
        }
    )
    text = Triangulation(table=table, alpha=0.05).report()
    assert "ranges from" not in text and "All of them" not in text
    assert text.startswith(
        "Only one of the 2 model, method and pre-period choices could be fitted"
    )
    assert (
        "negative binomial count model, forecast from before launch: +1,309%; it finds an effect whose interval excludes zero"
        in text
    )


def test_the_placebo_histogram_counts_whole_launches_and_keeps_its_legend_off_the_data(podcast):
    # real reports: ticks at "2.5 / 7.5 / 12.5 fake launches", and a legend on the red line
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.4, 3.8))
    podcast.placebo_in_time().plot(ax=ax)
    ticks = ax.get_yticks()
    assert np.allclose(ticks, np.round(ticks))
    fig.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    assert legend.y1 < ax.get_window_extent().y0  # below the axes
    plt.close(fig)


def test_a_lopsided_relative_interval_is_explained_and_a_balanced_one_is_not():
    # a real page read "-0.2 a day (-1.5 to +1.1)" beside "-8.7% (-39% to +90%)": the
    # ratio's interval reaches further up, which read as a mistake without a word
    from darksocial.pages.campaign import _lopsided

    assert _lopsided(-0.087, -0.39, 0.90)
    assert not _lopsided(0.13, 0.047, 0.23)  # the sample podcast's
    assert not _lopsided(0.1, float("nan"), 0.5) and not _lopsided(0.1, 0.1, 0.5)


def test_the_bottom_line_says_when_other_models_do_not_find_the_change(podcast):
    # a real page's bottom line read "lifted" while its model comparison, far below, said
    # "the conclusion depends on the modelling choice; report it with caution"
    from darksocial.pages.campaign import campaign_report

    assert "Not every model agrees" not in podcast.bottom_line_markdown()  # all 7 agree
    page = campaign_report(campaign_id="shorts-summer")
    tri = page.triangulation().table.dropna(subset=["estimate"])
    k, n = int(tri["significant"].eq(True).sum()), len(tri)
    assert page.analysis.effects_frame().loc["branded_clicks", "significant"] and 0 < k < n
    text = page.bottom_line_markdown()
    assert f"**Not every model agrees**: {k} of the {n} model, method and history" in text
    assert "Not every model agrees" not in page.bottom_line_markdown(triangulate=False)
