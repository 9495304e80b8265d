"""One look for every report figure, and figure text that is never read as markup.

:func:`report_theme` sets seaborn's theme (white grid, colour-blind-safe palette, readable
font sizes) for the figures a report draws, and turns off matplotlib's mathtext: text from
data (a campaign named ``$$$ Big Savings $$$``) is drawn literally, never parsed as TeX.
The report pages apply it once, when they are built; plot functions never change global
state themselves, so calling them in JupyterLab keeps your own style.
"""

from __future__ import annotations

__all__ = ["PALETTE", "report_theme"]

#: seaborn's colour-blind-safe palette, shared by every report figure.
PALETTE = "colorblind"


def report_theme() -> None:
    """Apply the report style to matplotlib (seaborn theme; literal text, no mathtext).

    Examples
    --------
    >>> from darksocial.theme import report_theme
    >>> report_theme()  # doctest: +SKIP
    """
    import matplotlib as mpl
    import seaborn as sns

    sns.set_theme(
        context="notebook",
        style="whitegrid",
        palette=PALETTE,
        rc={
            "figure.dpi": 100,
            "axes.titleweight": "bold",
            "axes.spines.right": False,
            "axes.spines.top": False,
            "legend.frameon": False,
        },
    )
    # figure text comes from data: draw "$50 ... $99" as written, never as TeX
    mpl.rcParams["text.parse_math"] = False
