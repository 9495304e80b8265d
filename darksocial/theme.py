"""One look for every report figure, and figure text that is never read as markup.

:func:`report_theme` sets seaborn's theme (white grid, colour-blind-safe palette, readable
font sizes) for the figures a report draws, and turns off matplotlib's mathtext: text from
data (a campaign named ``$$$ Big Savings $$$``) is drawn literally, never parsed as TeX.
The report pages apply it once, when they are built; plot functions never change global
state themselves, so calling them in JupyterLab keeps your own style.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from typing import Any

__all__ = [
    "BAND_COLOUR",
    "OBSERVED_COLOUR",
    "PAGE_STYLE",
    "PALETTE",
    "WINDOW_COLOUR",
    "Chart",
    "figure_html",
    "report_theme",
]

#: seaborn's colour-blind-safe palette, shared by every report figure.
PALETTE = "colorblind"

# Each colour with the word captions use for it, so a caption names what the reader sees.
#: The campaign's window (a shaded span): seaborn colorblind orange.
WINDOW_COLOUR = ("#de8f05", "orange")
#: Expected values without the campaign and effects, with their interval band.
BAND_COLOUR = ("#0173b2", "blue")
#: Observed values.
OBSERVED_COLOUR = ("#222222", "black")

#: Pixels per inch of report figures: a 6.4-inch figure is 640 px wide, so a phone
#: (390 px) shows it at 60% and 11 pt labels stay about 9 px high.
FIGURE_DPI = 100

#: Figures wider than this (pixels) show at 70% of their size on a phone, scrolling
#: sideways inside their box, instead of shrinking their labels below legibility.
WIDE_FIGURE_PX = 700

#: CSS every report page adds once: a phone-width viewport, tables that scroll inside
#: their own box instead of widening the page, figures no wider than the screen.
PAGE_STYLE = """<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
.jp-RenderedHTMLCommon table, .rendered_html table {
  display: block; max-width: 100%; overflow-x: auto;
  /* a table wider than the screen scrolls sideways: a shadow at the edge that hides columns
     says so (the white covers scroll with the content, the shadows stay at the edges) */
  background:
    linear-gradient(to right, #fff 30%, rgba(255, 255, 255, 0)) left center,
    linear-gradient(to left, #fff 30%, rgba(255, 255, 255, 0)) right center,
    radial-gradient(farthest-side at 0 50%, rgba(0, 0, 0, .22), rgba(0, 0, 0, 0)) left center,
    radial-gradient(farthest-side at 100% 50%, rgba(0, 0, 0, .22), rgba(0, 0, 0, 0)) right center;
  background-repeat: no-repeat;
  background-size: 40px 100%, 40px 100%, 14px 100%, 14px 100%;
  background-attachment: local, local, scroll, scroll; }
/* the row stripes see-through, so the shadows show on every row */
.jp-RenderedHTMLCommon tbody tr:nth-child(odd), .rendered_html tbody tr:nth-child(odd) {
  background: transparent; }
.jp-RenderedHTMLCommon tbody tr:nth-child(even), .rendered_html tbody tr:nth-child(even) {
  background: rgba(0, 0, 0, .04); }
.jp-RenderedHTMLCommon tbody tr:hover, .rendered_html tbody tr:hover {
  background: rgba(0, 0, 0, .07); }
.jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { white-space: normal; }
figure.ds-figure { margin: 0.5em 0 1.2em 0; max-width: 100%; overflow-x: auto; }
figure.ds-figure img { max-width: 100%; height: auto; }

figure.ds-figure figcaption { font-size: 0.9em; color: #444; max-width: 46em; }
figure.ds-wide::before { display: none; }
@media (max-width: 600px) {
  figure.ds-wide img { max-width: none; width: calc(var(--natural-width) * 0.7); }
  /* a figure wider than the phone scrolls sideways: say so above it (an opaque image
     hides the tables' edge shadow; a reader took the cut figure for the whole) */
  figure.ds-wide::before { display: block; content: "Wider than the screen: swipe sideways →";
    font-size: 0.8em; color: #666; margin-bottom: 2px; position: sticky; left: 0; }
  body, .jp-Notebook { padding: 0 !important; }
  .jp-Cell, .jp-OutputArea-output { padding-left: 4px !important; padding-right: 4px !important; }
  .jp-RenderedHTMLCommon { font-size: 15px; }
}
</style>"""


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


def figure_html(fig, *, alt: str, caption: str | None = None) -> str:
    """A figure as an HTML ``<figure>``: a compact PNG with alt text and an optional caption.

    The PNG is reduced to a 256-colour palette (report figures use a handful of colours),
    which keeps a campaign page's four figures to a few hundred kilobytes in all.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure; not closed here.
    alt : str
        What the figure shows, in one sentence (escaped here).
    caption : str, optional
        HTML caption shown under the figure (the caller escapes data in it).

    Returns
    -------
    str
    """
    from PIL import Image

    img = _rendered(fig).quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    img.save(out, format="PNG")
    data = base64.b64encode(out.getvalue()).decode("ascii")
    w, h = img.size
    cap = f"<figcaption>{caption}</figcaption>" if caption else ""
    # a wide figure scrolls sideways inside its box on a phone rather than shrinking
    # its labels below legibility
    wide = " ds-wide" if w > WIDE_FIGURE_PX else ""
    return (
        f'<figure class="ds-figure{wide}"><img src="data:image/png;base64,{data}" '
        f'width="{w}" height="{h}" style="--natural-width: {w}px" '
        f'alt="{html.escape(alt, quote=True)}">{cap}</figure>'
    )


def _rendered(fig):
    """The figure's pixels at :data:`FIGURE_DPI` on white, as an RGB image.

    Read from matplotlib's raw RGBA buffer: the same pixels as through an intermediate PNG,
    without encoding and decoding one (a sixth of a report figure's time).
    """
    from PIL import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="rgba", dpi=FIGURE_DPI, facecolor="white")
    raw = buf.getbuffer()
    # matplotlib sizes its canvas as int(inches * dpi), the figure's bounding box at that dpi
    width = int(fig.get_figwidth() * FIGURE_DPI)
    height = len(raw) // (4 * width) if width else 0
    if width and len(raw) == 4 * width * height:
        return Image.frombuffer("RGBA", (width, height), raw, "raw", "RGBA", 0, 1).convert("RGB")
    buf = io.BytesIO()  # a size we did not foresee: through a PNG, as matplotlib writes it
    fig.savefig(buf, format="png", dpi=FIGURE_DPI, facecolor="white")
    buf.seek(0)
    return Image.open(buf).convert("RGB")


@dataclass
class Chart:
    """A report figure with its alt text and caption; displays as :func:`figure_html`.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    alt : str
        What the figure shows, in one sentence.
    caption : str, optional
        HTML caption.
    """

    figure: Any
    alt: str
    caption: str | None = None

    def _repr_html_(self) -> str:
        return figure_html(self.figure, alt=self.alt, caption=self.caption)

    def close(self) -> None:
        """Close the matplotlib figure."""
        import matplotlib.pyplot as plt

        plt.close(self.figure)


def describe_figure(fig) -> str:
    """A fallback alt text for a figure: its title and what its axes show.

    Parameters
    ----------
    fig : matplotlib.figure.Figure

    Returns
    -------
    str
        E.g. ``"Chart: Direct sessions by weekday. Sessions a day against weekday."``
    """
    sup = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) is not None else ""
    parts = []
    for ax in fig.axes:
        title = ax.get_title() or ax.get_title(loc="left")
        y, x = ax.get_ylabel(), ax.get_xlabel()
        axes = f"{y} against {x}" if y and x else (y or x)
        text = "; ".join(t for t in (title, axes) if t)
        if text and text not in parts:
            parts.append(text)
    body = ". ".join([t for t in [sup, *parts[:4]] if t])
    return f"Chart: {body}." if body else "Chart."
