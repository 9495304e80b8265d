"""One formatter for every number a page states: signs, significant figures, minus signs."""

from __future__ import annotations

import math

import pytest

from darksocial import formatting as fmt

MINUS = "\u2212"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (20.0, "20"),
        (3.41, "3.4"),
        (117.26, "117"),
        (1250.4, "1,250"),
        (9.96, "10"),
        (0.00234, "0.0023"),
        (0.5, "0.5"),
        (0.0, "0"),
        (-1.53, MINUS + "1.5"),
        (float("nan"), "n/a"),
    ],
)
def test_figures_keeps_two_significant_figures_and_whole_numbers_from_ten(value, text):
    assert fmt.figures(value) == text


@pytest.mark.parametrize(
    ("formatter", "value"),
    [
        (fmt.number, -7.8),
        (fmt.percent, -0.004),
        (fmt.fixed_percent, -0.004),
        (fmt.rounded_percent, -0.03),
        (fmt.rounded_percent, -0.004),
        (fmt.points, -0.03),
        (fmt.points, -0.004),
        (fmt.significant, -1234.5),
        (fmt.figures, -0.2),
    ],
)
def test_every_formatter_writes_negatives_with_the_minus_sign(formatter, value):
    text = formatter(value)
    assert text.startswith(MINUS) and "-" not in text
    # the number itself is unchanged: only the sign's character differs
    back = float(text.replace(MINUS, "-").replace(",", "").rstrip("%"))
    assert math.copysign(1, back) == -1


def test_positive_numbers_are_unchanged_by_the_minus_sign():
    assert fmt.fixed_percent(0.163) == "+16.3%"
    assert fmt.rounded_percent(0.004) == "+0.4%"
    assert fmt.points(0.03) == "+3"
    assert fmt.significant(12.345) == "+12.3"


def test_axis_ticks_use_the_minus_sign_too():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    fmt.percent_ticks(ax.xaxis, signed=True)
    fmt.count_ticks(ax.yaxis)
    assert ax.xaxis.get_major_formatter()(-0.2, 0) == MINUS + "20%"
    assert ax.xaxis.get_major_formatter()(0.4, 0) == "+40%"
    assert ax.yaxis.get_major_formatter()(-1234.0, 0) == MINUS + "1,234"
    plt.close(fig)


def test_absurd_relative_changes_print_capped_not_as_forty_digits():
    # a 69-day real export's counterfactual gave +3.2e36: printed digit by digit it was
    # "+322416966499552353419593558931959447552%", which the masker read as a phone number
    from darksocial.formatting import fixed_percent, interval, percent, rounded_percent

    for show in (percent, fixed_percent, rounded_percent):
        assert show(3.2e36) == "over +10,000%"
        assert show(-250.0) == "below \u221210,000%"
    assert percent(15.7) == "+1,570%"
    assert interval(-0.88, 3.2e36) == "\u221288% to over +10,000%"
    assert percent(0.163) == "+16%" and fixed_percent(0.163) == "+16.3%"


def test_a_table_with_a_named_index_has_one_header_row():
    # pandas puts the index's name on a second header row, under the column labels
    import pandas as pd

    frame = pd.DataFrame(
        {"From": ["1 Jan 2020"], "To": ["1 Jun 2025"]},
        index=pd.Index(["trends"], name="Source <b>"),
    )
    html = fmt.styled_table(frame).to_html()
    head = html.split("<thead>")[1].split("</thead>")[0]
    assert head.count("<tr>") == 1
    assert "Source &lt;b&gt;" in head and "<b>" not in head
    assert head.index("Source") < head.index("From")
    assert fmt.styled_table(frame)._repr_html_().count("</tr>\n  </thead>") == 1
    # the Styler's data keep the index; a table with several index levels names each
    assert fmt.styled_table(frame).data.index.name == "Source <b>"
    levels = pd.MultiIndex.from_tuples([("arima", "intervention")], names=["Model", "Method"])
    head = fmt.styled_table(pd.DataFrame({"Lift": ["+4%"]}, index=levels)).to_html()
    head = head.split("<thead>")[1].split("</thead>")[0]
    assert head.count("<tr>") == 1
    assert head.index("Model") < head.index("Method") < head.index("Lift")


def test_a_named_index_is_kept_beside_a_named_column_axis():
    # the column axis' name sits where the index name would go: the index name vanished
    import pandas as pd

    frame = pd.DataFrame({"Lift": ["+4%"]}, index=pd.Index(["arima"], name="Model"))
    frame.columns.name = "Effect"
    head = fmt.styled_table(frame).to_html().split("<thead>")[1].split("</thead>")[0]
    assert "Model" in head and "Effect" in head and "Lift" in head


def test_a_count_of_thousands_is_separated_as_other_numbers_are():
    # "zero on 2510 days" beside "all 3,182 days" on a real page
    from darksocial.formatting import plural

    assert plural(2510, "day") == "2,510 days" and plural(1, "week") == "1 week"
