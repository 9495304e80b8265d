"""What the overview and explore pages share: sections that display themselves.

A report page is a set of :class:`Section` objects, one per notebook cell; each ran or was
skipped with one sentence saying what is missing and which export would add it, and the
page's ``summary.json`` records each outcome. :class:`SectionedPage` builds, keeps and
lists them for any page class that names its sections in ``SECTIONS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from darksocial.coverage import SOURCE_EXPORTS, SOURCE_LABELS
from darksocial.formatting import day, escape, join_words, number, plural
from darksocial.theme import PAGE_STYLE

__all__ = [
    "PAGE_HEAD",
    "Section",
    "SectionedPage",
    "missing_sentence",
    "not_used_sentence",
    "source_table",
    "unused_exports",
]


@dataclass
class Section:
    """One section of a report page: its status and what it shows.

    Attributes
    ----------
    name : str
        Key in ``summary.json``'s ``sections``.
    status : {"ran", "skipped"}
        Skipped when its data are absent or too short.
    why : str or None
        For a skipped section, one sentence: what is missing and which export adds it.
    parts : list
        HTML strings and matplotlib figures, in display order.
    """

    name: str
    status: Literal["ran", "skipped"] = "ran"
    why: str | None = None
    parts: list[Any] = field(default_factory=list)

    @classmethod
    def skip(cls, name: str, why: str) -> Section:
        """A skipped section that shows its one sentence.

        Parameters
        ----------
        name : str
        why : str

        Returns
        -------
        Section
        """
        return cls(name, "skipped", why, [f"<p><i>{escape(why)}</i></p>"])

    @property
    def html(self) -> str:
        """The text of the section (figures left out), as HTML."""
        return "\n".join(p for p in self.parts if isinstance(p, str))

    @property
    def figures(self) -> list[Any]:
        """The section's matplotlib figures."""
        from darksocial.theme import Chart

        return [
            p.figure if isinstance(p, Chart) else p for p in self.parts if not isinstance(p, str)
        ]

    def record(self) -> dict[str, Any]:
        """The section's entry in ``summary.json``: ``status`` and ``why`` (None if it ran)."""
        return {"status": self.status, "why": self.why}

    def close(self) -> None:
        """Close the section's figures (once displayed or not needed)."""
        import matplotlib.pyplot as plt

        for fig in self.figures:
            plt.close(fig)

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, display

        from darksocial.theme import Chart, describe_figure

        for part in self.parts:
            if isinstance(part, str):
                display(HTML(part))
            elif isinstance(part, Chart):
                display(HTML(part._repr_html_()))
            else:  # a bare figure: alt text from its titles and axis labels
                display(HTML(Chart(part, alt=describe_figure(part))._repr_html_()))
        self.close()

    def _repr_html_(self) -> str:
        return self.html


#: What every report page shows first: the phone-width style and a link to the index
#: (reports/<notebook>/<run>/page.html, so the index is two folders up).
PAGE_HEAD = PAGE_STYLE + "<p><a href='../../index.html'>All reports</a></p>"


def missing_sentence(what: str, source: str, *, adds: str | None = None) -> str:
    """Say that an export is missing and how to get it, in one sentence.

    Parameters
    ----------
    what : str
        What is missing, e.g. ``"No survey answers in this folder"``.
    source : str
        A key of :data:`darksocial.coverage.SOURCE_EXPORTS`.
    adds : str, optional
        What the export would add; by default what ``SOURCE_EXPORTS`` says.

    Returns
    -------
    str
    """
    default_adds, how = SOURCE_EXPORTS[source]
    return f"{what}: {how} would add {adds or default_adds}."


def unused_exports(exports, *, limit: int = 12) -> list[str]:
    """The paragraphs that list a data folder's unusable exports and other files.

    Every export recognised but not used is named with its file and why (the first
    ``limit``, then how many more); notes and files of other tools are counted, not named.
    The overview listed one file per source, under the source's name ("GA4 traffic
    acquisition" for a Pages and screens table), and dropped the rest.

    Parameters
    ----------
    exports : iterable of darksocial.io.folder.Export
        ``Sources.exports``.
    limit : int, optional
        How many files to name.

    Returns
    -------
    list of str
        HTML paragraphs (none when every file is used).
    """
    exports = list(exports or ())
    # exports recognised but unusable matter to the reader; notes and other files do not
    unused = [e for e in exports if e.source is None and e.kind is not None]
    others = sum(1 for e in exports if e.source is None and e.kind is None)
    parts = []
    if unused:
        items = "".join(
            f"<li>{escape(e.path.name)}: {escape(e.note or 'not readable')}</li>"
            for e in unused[:limit]
        )
        more = f"<li>and {len(unused) - limit} more</li>" if len(unused) > limit else ""
        parts.append(f"<p>Exports in the folder that are not used:</p><ul>{items}{more}</ul>")
    if others:
        # counted here; the explore page names them (this said "darksocial check lists
        # them", a command a reader of the page does not run)
        what = "other file" if others == 1 else "other files"
        parts.append(
            f"<p>{others} {what} in the folder (notes, files of other tools) not read; the "
            "page <i>The data, source by source</i> names them.</p>"
        )
    return parts


def not_used_sentence(sources, kinds: tuple[str, ...]) -> str:
    """``"X in the data folder is not used (why)"`` for exports of ``kinds`` it could not use.

    Every page's sections use it (campaign report, overview, explore).

    A section must not say the folder has no such export when it holds one that is unusable
    (a Search Console chart by month, a GA4 table without dates): empty when there is none.
    More than two are counted and named, their reasons left to the data section.
    """
    unused = [
        e
        for e in getattr(sources, "exports", ())
        if e.kind in kinds and e.source is None and e.note
    ]
    if not unused:
        return ""
    if len(unused) > 2:
        # fifteen GA4 downloads repeated the same 200-character fix fifteen times here
        names = join_words(
            [e.path.name for e in unused[:4]]
            + ([f"{len(unused) - 4} more"] if len(unused) > 4 else [])
        )
        return (
            f"{len(unused)} exports in the data folder are not used ({names}; the data "
            "section above lists them with why)"
        )
    return "; ".join(f"{e.path.name} in the data folder is not used ({e.note})" for e in unused)


class SectionedPage:
    """Keep the sections a page builds and list them in page order.

    A page class sets ``SECTIONS`` (names in page order), holds a ``sections`` dict, and has
    one method per section returning a :class:`Section`; ``SECTION_METHODS`` maps a section
    name to its method's name where they differ.
    """

    SECTIONS: tuple[str, ...] = ()
    SECTION_METHODS: dict[str, str] = {}
    sections: dict[str, Section]

    def _keep(self, section: Section) -> Section:
        self.sections[section.name] = section
        return section

    def all_sections(self) -> list[Section]:
        """Build every section not built yet (figures closed) and return them in page order.

        Returns
        -------
        list of Section
        """
        out = []
        for name in self.SECTIONS:
            if name not in self.sections:
                getattr(self, self.SECTION_METHODS.get(name, name))().close()
            out.append(self.sections[name])
        return out

    def section_records(self) -> dict[str, dict[str, Any]]:
        """Each section's ``summary.json`` entry (``status``, ``why``), by name."""
        return {s.name: s.record() for s in self.all_sections()}


def source_table(sources):
    """Each source present with its dates, frequency and gaps, in a reader's words.

    The one data table of the campaign and explore pages (the explore page showed
    ``ui_export_csv_chart`` and ``D`` where the campaign page said "daily").

    Parameters
    ----------
    sources : darksocial.io.Sources
        Each source is named as ``darksocial check`` names it
        (:data:`darksocial.coverage.SOURCE_LABELS`).

    Returns
    -------
    pandas.DataFrame
        Columns ``Source, From, To, Frequency, With data, Gaps, File``.
    """
    import pandas as pd

    summary = sources.summary().reset_index()
    ends = pd.to_datetime(summary["end"])
    # data dated after today (a real GA4 table re-dated to 2032) were said only on the
    # command line; a calendar may well hold next month's campaign, and a Trends download's
    # current week or month runs past today by its nature: the last period's own date counts
    soon = pd.Timestamp.today().normalize() + pd.Timedelta(days=1)
    late = [
        name != "campaigns"
        and isinstance(getattr(getattr(sources, name, None), "index", None), pd.DatetimeIndex)
        and getattr(sources, name).index.max() > soon
        for name in summary["source"]
    ]
    return pd.DataFrame(
        {
            "Source": [SOURCE_LABELS.get(n, n.replace("_", " ")) for n in summary["source"]],
            "From": pd.to_datetime(summary["start"]).map(day),
            "To": [
                day(e) + (" (after today: check the file's dates)" if x else "")
                for e, x in zip(ends, late, strict=True)
            ],
            "Frequency": [
                _freq_word(f) + (f" (summed from {h}ly rows)" if isinstance(h, str) else "")
                for f, h in zip(summary["freq"], summary["summed_from"], strict=True)
            ],
            # rows with data, out of the periods the dates span: a missing day is a gap
            "With data": [
                _with_data(int(n), int(p), f)
                for n, p, f in zip(
                    summary["rows"], summary["periods"], summary["freq"], strict=True
                )
            ],
            "Gaps": [
                "none" if g == 0 else f"{g} ({plural(int(m), _unit(f))} missing)"
                for g, m, f in zip(
                    summary["gaps"], summary["missing_periods"], summary["freq"], strict=True
                )
            ],
            # twenty Trends downloads made a row a phone's screen tall
            "File": [_files_cell(f) for f in summary["file"]],
        }
    )


def _files_cell(files: str) -> str:
    """A data table's file cell: up to three names, then how many there are in all."""
    names = [f for f in str(files).split(", ") if f]
    if len(names) <= 3:
        return ", ".join(names)
    return f"{names[0]}, {names[1]} and {len(names) - 2} more"


def _freq_word(freq) -> str:
    # any weekly anchor (Trends weeks start on Sunday, a Search Console chart's on Monday)
    code = "W" if str(freq).startswith("W-") else str(freq)
    return {"D": "daily", "W": "weekly", "MS": "monthly", "records": "one row per record"}.get(
        code, str(freq)
    )


def _unit(freq) -> str:
    """The period of a ``Sources.summary`` frequency, for counts: day, week, month, hour."""
    code = str(freq).split("-")[0].upper()
    if code == "RECORDS":
        return "record"
    return {"D": "day", "W": "week", "MS": "month", "M": "month", "ME": "month", "H": "hour"}.get(
        code, "period"
    )


def _with_data(rows: int, periods: int, freq) -> str:
    """``474 of 487 days`` (days with data of those the dates span), ``all 487 days``."""
    unit = _unit(freq)
    if unit == "record":
        return f"{number(rows)} {unit}" + ("" if rows == 1 else "s")
    if rows < periods:
        return f"{number(rows)} of {number(periods)} {unit}s"
    return f"all {number(periods)} {unit}" + ("" if periods == 1 else "s")
