"""Numbers as a marketing lead reads them: thousands separators, percentages, intervals.

Every figure that reaches a report goes through these helpers, so the same number is
written the same way in the bottom line, the tables and ``index.html``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from darksocial.safetext import clean, html_text, mask_pii

__all__ = [
    "finite_or_none",
    "count_ticks",
    "day",
    "escape",
    "figures",
    "fixed_percent",
    "given_text",
    "interval",
    "join_words",
    "number",
    "p_value",
    "percent",
    "percent_ticks",
    "plural",
    "points",
    "rounded_percent",
    "significant",
    "styled_table",
    "upper_first",
]

#: Proper minus sign, so negative numbers do not read as hyphens.
MINUS = "\u2212"


#: Relative changes beyond this many times the baseline print as "over +10,000%": a model
#: whose forecast is that uncertain gives tails that mean nothing digit by digit (a 69-day
#: series printed "+322416966499552353419593558931959447552%", which the personal-data
#: masker then took for a phone number).
PERCENT_CAP = 100.0


def _capped(x: float, signed: bool) -> str | None:
    """``"over +10,000%"`` / ``"below −10,000%"`` beyond :data:`PERCENT_CAP`, else None."""
    if abs(x) < PERCENT_CAP:
        return None
    cap = f"{PERCENT_CAP * 100:,.0f}%"
    if x > 0:
        return f"over {'+' if signed else ''}{cap}"
    return f"below {MINUS}{cap}"


def _finite(x) -> bool:
    try:
        return x is not None and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def number(x, *, signed: bool = False, digits: int | None = None) -> str:
    """Format a count or a per-day amount: ``1,234``, ``+35``, ``−7.8``.

    Parameters
    ----------
    x : float
        The value; NaN or None gives ``"n/a"``.
    signed : bool, default False
        Write ``+`` before positive values (effects).
    digits : int, optional
        Decimals; by default none from 10 upwards, one below.

    Returns
    -------
    str
    """
    if not _finite(x):
        return "n/a"
    x = float(x)
    if digits is None:
        digits = 0 if abs(x) >= 10 or x.is_integer() else 1
    text = f"{abs(x):,.{digits}f}"
    if float(text.replace(",", "")) == 0:
        return text
    return _with_sign(text, x, signed)


def percent(x, *, signed: bool = True) -> str:
    """Format a relative lift: ``+16%``, ``+5.9%``, ``−0.4%``.

    Parameters
    ----------
    x : float
        A fraction (0.16 for 16%).
    signed : bool, default True
        Write ``+`` before positive values.

    Returns
    -------
    str
    """
    if not _finite(x):
        return "n/a"
    capped = _capped(float(x), signed)
    if capped:
        return capped
    pct = float(x) * 100
    text = f"{abs(pct):,.0f}%" if abs(pct) >= 9.5 else f"{abs(pct):.1f}%"
    if text in ("0.0%", "0%"):
        return "0%"
    return _with_sign(text, pct, signed)


def fixed_percent(x, digits: int = 1) -> str:
    """Format a fraction as a signed percentage with fixed decimals: ``+16.3%``, ``−0.4%``.

    Used where estimates of different sizes stand side by side (a triangulation table, a
    power plan), so that their decimals line up; :func:`percent` rounds large values.

    Parameters
    ----------
    x : float
        A fraction (0.163 for 16.3%).
    digits : int, default 1
        Decimals.

    Returns
    -------
    str
    """
    capped = _capped(float(x), True) if _finite(x) else None
    return capped or _minus(f"{x * 100:+,.{digits}f}%")


def rounded_percent(x, *, signed: bool = True) -> str:
    """Format a fraction as a whole percentage, keeping one significant digit below 1%.

    ``+16%``, ``−3%``, ``+0.4%``: a small positive bound never prints as ``0%``. Used by the
    scorecard, whose rows mix lifts of very different sizes.

    Parameters
    ----------
    x : float
        A fraction.
    signed : bool, default True
        Write ``+`` before positive values.

    Returns
    -------
    str
    """
    spec = "+" if signed else ""
    capped = _capped(float(x), signed) if _finite(x) else None
    if capped:
        return capped
    if 0 < abs(x) < 0.01:
        return _minus(f"{x * 100:{spec}.1g}%")
    return _minus(f"{x:{spec}.0%}")


def points(x) -> str:
    """Format a difference of two fractions in percentage points, signed: ``+3``, ``−0.4``.

    Parameters
    ----------
    x : float
        A difference of fractions (0.03 for 3 points).

    Returns
    -------
    str
        The number of points, without the word "points".
    """
    v = x * 100
    return _minus(f"{v:+.1g}" if 0 < abs(v) < 1 else f"{v:+.0f}")


def significant(x, digits: int = 3) -> str:
    """Format a signed amount to ``digits`` significant digits: ``+1.23e+03``, ``+12.3``.

    Parameters
    ----------
    x : float
    digits : int, default 3

    Returns
    -------
    str
    """
    return _minus(f"{x:+,.{digits}g}")


def figures(x, digits: int = 2, *, signed: bool = False) -> str:
    """Format an amount or a ratio to ``digits`` significant figures, whole from 10 up.

    ``20``, ``3.4``, ``117``, ``0.0023``, ``1,250``, ``−0.004``: for numbers whose size is
    not known in advance (a rate ratio, a response per unit of ads), where
    :func:`number`'s one decimal would print a small value as ``0.0``.

    Parameters
    ----------
    x : float
        The value; NaN or None gives ``"n/a"``.
    digits : int, default 2
        Significant figures below 10 (larger numbers keep all their whole digits).
    signed : bool, default False
        As in :func:`number`.

    Returns
    -------
    str
        Negative values start with the minus sign (U+2212).
    """
    if not _finite(x):
        return "n/a"
    x = float(x)
    r = float(f"{abs(x):.{digits}g}")
    if abs(x) >= 9.5 or r >= 10:
        text = f"{abs(x):,.0f}"
    elif r == 0:
        return "0"
    else:
        text = f"{r:.{max(0, digits - 1 - math.floor(math.log10(r)))}f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
    return _with_sign(text, x, signed)


def _with_sign(text: str, x: float, signed: bool) -> str:
    # the sign of x before its unsigned text: "+" only when asked, the minus sign always
    return ("+" if x > 0 and signed else MINUS if x < 0 else "") + text


def _minus(text: str) -> str:
    # Python writes an ASCII hyphen; prose gets the minus sign, as number() writes it
    return text.replace("-", MINUS)


def percent_ticks(axis, *, signed: bool = False) -> None:
    """Label an axis' ticks as whole percentages (``40%``, ``−20%``; ``+40%`` when signed).

    Parameters
    ----------
    axis : matplotlib.axis.Axis
        ``ax.xaxis`` or ``ax.yaxis``, whose values are fractions.
    signed : bool, default False
        Write ``+`` before positive values (effects).
    """
    from matplotlib.ticker import FuncFormatter

    spec = "+.0%" if signed else ".0%"
    axis.set_major_formatter(FuncFormatter(lambda v, _: _minus(f"{v:{spec}}")))


def count_ticks(axis) -> None:
    """Label an axis' ticks as whole numbers with thousands separators (``12,000``, ``−300``).

    Parameters
    ----------
    axis : matplotlib.axis.Axis
        ``ax.xaxis`` or ``ax.yaxis``.
    """
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _: _minus(f"{v:,.0f}")))


def interval(lower, upper, *, kind: str = "percent") -> str:
    """Format an interval: ``+8.4% to +25%``.

    Parameters
    ----------
    lower, upper : float
        Bounds.
    kind : {"percent", "number"}, default "percent"
        How to write each bound.

    Returns
    -------
    str
    """
    fmt = percent if kind == "percent" else (lambda v: number(v, signed=True))
    return f"{fmt(lower)} to {fmt(upper)}"


def p_value(p) -> str:
    """Format a p-value with its ``p`` so it reads in a sentence: ``p = 0.03``, ``p < 0.001``.

    Parameters
    ----------
    p : float

    Returns
    -------
    str
    """
    if not _finite(p):
        return "p n/a"
    p = float(p)
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}" if p < 0.01 else f"p = {p:.2f}"


def join_words(items) -> str:
    """Join words as a sentence lists them: ``a``, ``a and b``, ``a, b and c``.

    Parameters
    ----------
    items : iterable of str

    Returns
    -------
    str
    """
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def plural(n: int, word: str) -> str:
    """Count a word: ``1 week``, ``3 weeks``, ``2,510 days`` (thousands separated).

    Parameters
    ----------
    n : int
    word : str
        The singular; an ``s`` is added for other counts.

    Returns
    -------
    str
    """
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def day(ts) -> str:
    """Write a date as a reader does: ``3 Feb 2025``.

    Parameters
    ----------
    ts : pandas.Timestamp or datetime

    Returns
    -------
    str
    """
    return f"{ts.day} {ts.strftime('%b %Y')}"


def escape(text, *, limit: int | None = None) -> str:
    """HTML-escape a string that came from data (campaign names, survey answers).

    Bidirectional and other control characters are removed first
    (:func:`darksocial.safetext.html_text`); Markdown takes
    :func:`darksocial.safetext.markdown_text` instead.

    Parameters
    ----------
    text : object
    limit : int, optional
        Cut the text at this many characters, marked with "…" (long survey answers).

    Returns
    -------
    str
    """
    return html_text(text, limit=limit)


class _Table(Styler):
    """A report table whose index names sit on the column labels' row.

    pandas writes the names of a named index on a second header row, under the column
    labels, with blank cells beside them: a stakeholder reads two header rows for one
    table. Here each name heads its own index column on the labels' row (escaped; pandas
    does not escape names). :attr:`data` keeps the frame's index as it was.
    """

    def to_html(self, *args, **kwargs):
        names = [n for n in self.data.index.names if n is not None]
        # a named column axis takes the labels' row's first cell: pandas' two rows then
        if (
            len(names) < self.data.index.nlevels
            or self.data.columns.nlevels > 1
            or self.data.columns.name is not None
        ):
            return super().to_html(*args, **kwargs)
        self.hide(axis="index", names=True)
        html = super().to_html(*args, **kwargs)
        head, sep, rest = html.partition("</thead>")
        for name in names:
            cell = f'<th class="index_name" >{escape(clean(str(name)))}</th>'
            head = _BLANK_HEADER.sub(lambda _m, cell=cell: cell, head, count=1)
        return head + sep + rest


_BLANK_HEADER = re.compile(r'<th class="blank(?: level\d+)?" >&nbsp;</th>')


def styled_table(
    frame: pd.DataFrame, formats: Mapping[str, object] | None = None, *, caption=None
):
    """Return a Styler that renders a table for a report: formatted, escaped, no index noise.

    Text cells are cleaned of control characters and personal data is masked
    (:func:`darksocial.safetext.mask_pii`) before pandas escapes them.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    formats : mapping, optional
        Column to a formatter (callable or format string).
    caption : str, optional
        Caption shown above the table (escaped).

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    # pandas escapes the HTML; here text cells (answers, queries, page paths) lose their
    # bidirectional controls and personal data
    frame = frame.rename(index=clean, columns=clean).map(
        lambda v: mask_pii(clean(v)) if isinstance(v, str) else v
    )
    styler = _Table(frame).format(formats or {}, na_rep="n/a", escape="html")
    styler = styler.format_index(escape="html", axis=0).format_index(escape="html", axis=1)
    if caption:
        styler = styler.set_caption(escape(caption))
    return styler.set_table_styles(
        [
            {"selector": "th, td", "props": "padding: 4px 10px; text-align: right;"},
            {"selector": "th.row_heading, th.index_name", "props": "text-align: left;"},
            {"selector": "caption", "props": "caption-side: top; font-weight: bold;"},
        ]
    )


#: Symbols written before an amount; any other ISO code is written after it ("1,200 CHF").
_CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}


def money(x, currency: str | None, *, digits: int | None = None) -> str:
    """An amount with its currency: ``$1,200``, ``€3.50``, ``1,200 CHF``; ``n/a`` if missing.

    Parameters
    ----------
    x : float
    currency : str or None
        ISO 4217 code (the data folder's ``currency`` setting); None writes the bare number.
    digits : int, optional
        Decimals, as :func:`number`.
    """
    if not _finite(x):
        return "n/a"
    text = number(x, digits=digits)
    code = (currency or "").upper()
    if code in _CURRENCY_SYMBOLS:
        sign = "−" if text.startswith(("−", "-")) else ""
        return f"{sign}{_CURRENCY_SYMBOLS[code]}{text.lstrip('−-')}"
    return f"{text} {code}" if code else text


def given_text(value: Any) -> str | None:
    """A calendar field as text, or None where the calendar gives none (None, NaN, blank).

    One rule for the overview and the campaign page (the overview showed "None" as a
    content type where the campaign page said "not given in the calendar").
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def finite_or_none(value: Any) -> Any:
    """Replace NaN and infinite numbers by None, recursively (``summary.json`` is JSON).

    Parameters
    ----------
    value : any
        A number, or a dict, list or tuple of them.

    Returns
    -------
    any
        The same structure with non-finite floats as None and numpy scalars as Python ones.
    """
    if isinstance(value, dict):
        return {str(k): finite_or_none(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite_or_none(v) for v in value]
    if isinstance(value, np.generic):  # numpy scalars as Python ones
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NaT:
        return None
    return value


def upper_first(text: str) -> str:
    """The text with its first letter in capitals and the rest as written.

    ``str.capitalize`` lowers the rest: "Google Trends interest" would read "Google trends
    interest".
    """
    return text[:1].upper() + text[1:]
