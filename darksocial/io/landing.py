"""Landing-page rules of the dark-social heuristic: which direct sessions are "deep".

Direct sessions that land on the home page, a top-level section page or an app/login
page are plausibly typed or bookmarked; direct sessions landing deeper (an article, a
product page) are dark-social candidates (Madrigal 2012; Groupon's "at least one
sub-folder" rule). The rules are regular expressions on the URL path, so sites with
flat slugs (``/my-long-post/``) can list their section fronts explicitly instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

__all__ = ["DEFAULT_SHALLOW", "PathRules"]

#: Paths that count as shallow (typed/bookmarked): home, one-segment sections, app pages.
DEFAULT_SHALLOW: tuple[str, ...] = (
    r"^/?$",
    r"^/[^/]+/?$",
    r"^/(login|signin|sign-in|account|app|dashboard|cart|checkout)(/|$)",
)


@dataclass(frozen=True)
class PathRules:
    """Rules splitting landing pages into shallow and deep.

    Parameters
    ----------
    shallow : tuple of str
        Regular expressions (Python and RE2 compatible, searched in the path without
        host and query string); a path matching any of them is shallow. Defaults to
        :data:`DEFAULT_SHALLOW`: ``/``, one-segment section pages such as ``/pricing`` or
        ``/blog``, and app/login/cart pages.
    not_set : tuple of str
        Landing-page values GA4 uses when it has no page (``(not set)``, empty); they
        count as shallow because nothing shows they were shared.

    Examples
    --------
    >>> rules = PathRules()
    >>> rules.classify(pd.Series(["/", "/blog", "/blog/how-to", "(not set)"])).tolist()
    ['shallow', 'shallow', 'deep', 'shallow']
    """

    shallow: tuple[str, ...] = DEFAULT_SHALLOW
    not_set: tuple[str, ...] = ("", "(not set)", "(other)")

    def pattern(self) -> str:
        """Return one regular expression matching every shallow path."""
        return "|".join(f"({p})" for p in self.shallow)

    def classify(self, pages: pd.Series) -> pd.Series:
        """Label each landing page ``"deep"`` or ``"shallow"``.

        Parameters
        ----------
        pages : pandas.Series of str
            Landing pages: paths (``/blog/a``), paths with query string or full URLs.

        Returns
        -------
        pandas.Series of str
            ``"deep"`` or ``"shallow"``, same index.
        """
        raw = pages.fillna("").astype(str).str.strip()
        path = raw.str.replace(r"^[a-zA-Z]+://[^/]+", "", regex=True).str.replace(
            r"[?#].*$", "", regex=True
        )
        rx = re.compile(self.pattern(), re.IGNORECASE)
        shallow = path.map(lambda p: rx.search(p) is not None).astype(bool)
        shallow |= raw.isin(self.not_set) | path.eq("")
        return shallow.map({True: "shallow", False: "deep"})
