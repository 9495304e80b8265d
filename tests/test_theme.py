"""Report figures share one seaborn theme, and text from data is drawn literally."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from darksocial.theme import report_theme  # noqa: E402


@pytest.fixture
def restore_rc():
    saved = mpl.rcParams.copy()
    yield
    mpl.rcParams.update(saved)


def test_dollar_signs_in_data_are_text_not_mathtext(restore_rc):
    mpl.rcParams["text.parse_math"] = True  # matplotlib's default (a page may have run already)
    fig, ax = plt.subplots()
    ax.set_title("$$$ Big Savings $$$")
    with pytest.raises(ValueError):  # matplotlib's default parses it as TeX and fails
        fig.canvas.draw()
    plt.close(fig)
    report_theme()  # the pages apply it before drawing any figure
    fig, ax = plt.subplots()
    ax.set_title("$$$ Big Savings $$$ and $50 to $99")
    ax.set_xlabel("$x$")
    fig.canvas.draw()  # drawn as written
    assert ax.title.get_text() == "$$$ Big Savings $$$ and $50 to $99"
    assert mpl.rcParams["text.parse_math"] is False
    assert mpl.rcParams["axes.grid"] is True  # seaborn's whitegrid
    plt.close(fig)


def test_a_table_wider_than_the_screen_shows_that_it_scrolls():
    # on a phone the triangulation table scrolled sideways with nothing to say so: a shadow
    # at the edge that hides columns (covers that scroll with the content, shadows that do
    # not), and row stripes the shadow shows through
    from darksocial.theme import PAGE_STYLE

    table = PAGE_STYLE.split(".jp-RenderedHTMLCommon table, .rendered_html table {")[1]
    table = table.split("}")[0]
    assert "overflow-x: auto" in table
    assert "background-attachment: local, local, scroll, scroll" in table
    assert "radial-gradient(farthest-side at 100% 50%" in table
    assert (
        "tbody tr:nth-child(odd), .rendered_html tbody tr:nth-child(odd) {\n  background: transparent"
        in PAGE_STYLE
    )


def test_a_figure_wider_than_a_phone_says_that_it_scrolls():
    # a phone showed the overview's lift chart cut at the right, its intervals out of
    # sight, and nothing said the rest was a swipe away
    from darksocial.theme import PAGE_STYLE

    phone = PAGE_STYLE.split("@media (max-width: 600px) {")[1]
    assert 'figure.ds-wide::before { display: block; content: "Wider than the screen' in phone
    assert "figure.ds-wide::before { display: none; }" in PAGE_STYLE.split("@media")[0]
