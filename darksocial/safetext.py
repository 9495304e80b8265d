"""Text from input files made safe to show: cleaned, masked, shortened and escaped.

Every value that comes from an input file (campaign names, ids and notes, survey answers,
queries, page paths, error messages that quote them) is *text*, never markup. It reaches
each kind of output through one function here:

========================  ==========================================================
output                    function
========================  ==========================================================
HTML                      :func:`html_text` (``darksocial.formatting.escape``)
Markdown                  :func:`markdown_text`
error messages, logs      :func:`safe_message` (personal data masked, no server paths)
``summary.json``          :func:`clean` (applied by ``reporting.publish_summary``)
figure labels             :func:`clean`; mathtext is off (``darksocial.theme``)
========================  ==========================================================

All of them run in time linear in the length of the text: a 100,000-character answer
is masked in milliseconds, not seconds.

:func:`mask_pii` replaces personal data with a tag: e-mail addresses (``[email]``,
``marie@localhost`` and the full-width ``＠`` included), bank accounts whose IBAN checksum
holds (``[iban]``), card numbers that pass the Luhn check (``[card]``) and phone numbers
(``[phone]``: 9 to 15 digits, or 8 after ``+``/``00``, in any national or international
format, glued to letters or not; a longer run of digits, such as two numbers in a row, is
masked whole). Years, dates and small counts are kept.
"""

from __future__ import annotations

import html
import re
from typing import Any

__all__ = [
    "ANSWER_DISPLAY_LIMIT",
    "MESSAGE_LIMIT",
    "clean",
    "html_text",
    "mask_pii",
    "markdown_text",
    "safe_message",
    "shorten",
]

#: Characters of an answer, note or query shown in a report; longer text is cut with "…".
#: The whole text is still classified and masked.
ANSWER_DISPLAY_LIMIT = 300
#: Characters of an error message shown in a report, ``status.json`` or the index.
MESSAGE_LIMIT = 500

# Bidirectional controls (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI, LRM, RLM, ALM):
# "\u202egnp.exe" displays as "exe.png". Other control characters (C0 and C1, except tab
# and newline) have no business in a report either.
_UNSAFE = re.compile(
    "[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
)
_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_SPACES = re.compile(r"\s+")


def clean(text: Any) -> Any:
    """Remove bidirectional and other control characters from text.

    Parameters
    ----------
    text : str or any
        Non-text values are returned unchanged.

    Returns
    -------
    str or any

    Examples
    --------
    >>> clean("\\u202egnp.exe")
    'gnp.exe'
    """
    if not isinstance(text, str):
        return text
    return _UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def shorten(text: Any, limit: int = ANSWER_DISPLAY_LIMIT) -> str:
    """Cut text longer than ``limit`` characters, marking the cut with "…".

    Parameters
    ----------
    text : object
        Converted with ``str``.
    limit : int, default ANSWER_DISPLAY_LIMIT

    Returns
    -------
    str

    Examples
    --------
    >>> shorten("a" * 10, limit=4)
    'aaa…'
    """
    text = str(text)
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + "…"


def html_text(text: Any, *, limit: int | None = None) -> str:
    """Text for HTML: controls removed, optionally shortened, then HTML-escaped.

    Parameters
    ----------
    text : object
        Converted with ``str``.
    limit : int, optional
        Cut at this many characters (see :func:`shorten`).

    Returns
    -------
    str
    """
    text = clean(str(text))
    if limit is not None:
        text = shorten(text, limit)
    return html.escape(text, quote=True)


def markdown_text(text: Any, *, limit: int | None = None) -> str:
    """Text for Markdown: shown literally, never a link, image, heading, HTML or maths.

    Controls are removed, runs of white space (newlines included) become one space, and
    every character that can open Markdown syntax is escaped with a backslash, which
    CommonMark (JupyterLab's and nbconvert's renderers) shows as the character itself:
    ``[x](u)`` is not a link, ``&#58;`` not an entity, ``<b>`` not a tag, ``$x$`` not
    maths, ``http://x`` and ``www.x`` not autolinks, ``*x*`` not emphasis, a leading ``#``,
    ``-`` or ``1.`` not a heading or a list. Commas, brackets, slashes and quotes are left
    as they are, so the Markdown source stays readable.

    Parameters
    ----------
    text : object
        Converted with ``str``.
    limit : int, optional
        Cut at this many characters first (see :func:`shorten`).

    Returns
    -------
    str

    Examples
    --------
    >>> print(markdown_text("[click](javascript:alert(1))"))
    \\[click\\](javascript\\:alert(1))
    """
    text = _SPACES.sub(" ", clean(str(text))).strip()
    if limit is not None:
        text = shorten(text, limit)
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    text = _WWW.sub(r"\1\\.", text)
    return _LINE_START.sub(r"\1\\\2", text)


#: Characters that open Markdown (CommonMark, GFM, maths) syntax anywhere in a line.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&$~|#!{}:@^=])")
#: GFM's "www." autolinks need no colon.
_WWW = re.compile(r"(?i)\b(www)\.")
#: A line that starts with a list marker ("- ", "+ ", "1. ", "2) ").
_LINE_START = re.compile(r"^(\d*)([-+.)])")


# --------------------------------------------------------------------------- personal data
# Local part: one run of allowed characters, matched only from its start (the lookbehind)
# and atomically, so a long run without "@" is read once, not once per position.
_EMAIL = re.compile(
    r"(?<![\w.+\-%])(?>[\w.+\-%]+)[@\uff20\ufe6b]"
    r"(?>[\w\-]+)(?:[.\uff0e](?>[\w\-]+))*",
    re.UNICODE,
)
# A run of digits with at most three separators between two digits (spaces, dots,
# dashes, slashes, brackets), optionally after "+" or "(": matched atomically, so a run is
# read once. Letters around it do not matter ("tel0612345678", "0612345678pls").
_DIGITS = re.compile(r"(?:\+|\b00|\()?(?>\d(?:[ \t.\-/()\u00a0]{0,3}\d)*)\)?")
# Start of an IBAN: two letters and two check digits, not inside a longer word.
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}")
_IBAN_BODY = re.compile(r"(?: ?[A-Za-z0-9]){11,30}")


#: IBAN letters as the numbers of the mod-97 check (A = 10 ... Z = 35).
_IBAN_LETTERS = str.maketrans({chr(65 + i): str(10 + i) for i in range(26)})


def _iban_ok(compact: str) -> bool:
    if not 15 <= len(compact) <= 34 or not compact[2:4].isdigit() or not compact.isascii():
        return False
    moved = (compact[4:] + compact[:4]).upper().translate(_IBAN_LETTERS)
    return moved.isdigit() and int(moved) % 97 == 1


def _mask_ibans(text: str) -> str:
    out, pos = [], 0
    for start in _IBAN_START.finditer(text):
        if start.start() < pos:
            continue
        body = _IBAN_BODY.match(text, start.end())
        if body is None:
            continue
        candidate = text[start.start() : body.end()]
        # the longest run of words that passes the checksum ("FR76 3000 ... 189 merci")
        ends = [i for i, ch in enumerate(candidate) if ch == " "] + [len(candidate)]
        for end in reversed(ends):
            if _iban_ok(candidate[:end].replace(" ", "")):
                out.append(text[pos : start.start()])
                out.append("[iban]")
                pos = start.start() + end
                break
    out.append(text[pos:])
    return "".join(out)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


#: A date, with or without an hour: "12/03/2025 14", "2025-01-15" are not phone numbers.
_DATE_LIKE = re.compile(r"\(?\d{1,4}([./-])\d{1,2}\1\d{1,4}(?:[ T]\d{1,2})?\)?")


_RANGE_SPLIT = re.compile(r"\.\.|[–—]|\s+")
#: The copy number a browser adds to a download saved twice: "... 2026-07-11 (1).xlsx".
_COPY_NUMBER = re.compile(r"\(\d{1,2}\)")
#: A real ISO date (month 01-12, day 01-31), the form a file name's date takes.
_ISO_DATE = re.compile(r"(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])")


def _digits_sub(match: re.Match) -> str:
    text = match.group(0)
    if _DATE_LIKE.fullmatch(text):
        return text
    parts = [p for p in _RANGE_SPLIT.split(text) if p]
    if len(parts) > 1 and all(_DATE_LIKE.fullmatch(p) for p in parts):
        return text  # a date range, "2032-01-01..2032-01-03", is not a card or a phone
    if len(parts) == 2 and _ISO_DATE.fullmatch(parts[0]) and _COPY_NUMBER.fullmatch(parts[1]):
        # a file name's date and the browser's copy number, "2026-07-11 (1)" (read as
        # [phone] in a real report's data table); "(06) 12-34-5678" stays a phone
        return text
    digits = "".join(ch for ch in text if ch.isdigit())
    n = len(digits)
    if 13 <= n <= 19 and digits.isascii() and _luhn_ok(digits):
        return "[card]"
    international = text.startswith(("+", "00"))
    # 8 digits or fewer stay: years, counts and dates like 2025-01-15 remain readable.
    if n >= 9 or (international and n >= 8):
        return "[phone]"
    return text


def mask_pii(text: Any) -> Any:
    """Mask e-mail addresses, bank accounts, card and phone numbers in a piece of text.

    Parameters
    ----------
    text : str or any
        Text to mask. Non-text values (NaN, numbers) are returned unchanged.

    Returns
    -------
    str or any
        The text with e-mail addresses replaced by ``[email]``, IBANs that pass their
        checksum by ``[iban]``, card numbers that pass the Luhn check by ``[card]`` and
        phone numbers (9 digits or more, or 8 after an international prefix) by
        ``[phone]``. Years, dates and small numbers are kept. Linear time in the length.

    Examples
    --------
    >>> mask_pii("Call me on 06 12 34 56 78 or jo@ex.com, 3 colleagues in 2025")
    'Call me on [phone] or [email], 3 colleagues in 2025'
    >>> mask_pii("IBAN FR76 3000 6000 0112 3456 7890 189, card 4111 1111 1111 1111")
    'IBAN [iban], card [card]'
    """
    if not isinstance(text, str):
        return text
    text = _EMAIL.sub("[email]", text)
    text = _mask_ibans(text)
    return _DIGITS.sub(_digits_sub, text)


#: Absolute paths (POSIX or Windows) in a message; the reader gets the file name only.
_ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])(?:[A-Za-z]:[\\/]|/)(?:[^\s'\"<>:\\/]+[\\/])+")


def safe_message(text: Any, *, limit: int = MESSAGE_LIMIT) -> str:
    """An error message fit to publish: masked, without server paths, one line, shortened.

    Parameters
    ----------
    text : object
        The message (converted with ``str``).
    limit : int, default MESSAGE_LIMIT

    Returns
    -------
    str
        Personal data masked (:func:`mask_pii`), folders of absolute paths dropped (the file
        name stays), controls removed, white space collapsed to one line.

    Examples
    --------
    >>> safe_message("/srv/data/survey.csv: cannot read date 'jo@ex.com'")
    "survey.csv: cannot read date '[email]'"
    """
    text = _SPACES.sub(" ", clean(mask_pii(str(text)))).strip()
    return shorten(_ABSOLUTE_PATH.sub("", text), limit)
