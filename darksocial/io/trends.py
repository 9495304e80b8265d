"""Google Trends ``multiTimeline.csv`` downloads."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from darksocial.cleaning import regularize
from darksocial.io._text import fail, provenance, read_table, read_text, snake, to_dates

__all__ = ["LESS_THAN_ONE", "load_trends"]

#: Value given to Google Trends' ``<1`` cells (non-zero but below 1 on the 0-100 scale).
LESS_THAN_ONE = 0.5
_TIME_COLUMNS = {
    "day": ("D", ("%Y-%m-%d",)),
    "jour": ("D", ("%Y-%m-%d",)),
    "week": ("W-SUN", ("%Y-%m-%d",)),
    "semaine": ("W-SUN", ("%Y-%m-%d",)),
    "month": ("MS", ("%Y-%m",)),
    "mois": ("MS", ("%Y-%m",)),
}


def load_trends(path: str | Path) -> pd.DataFrame:
    """Load a Google Trends ``multiTimeline.csv``.

    Parameters
    ----------
    path : str or pathlib.Path
        The downloaded file (``Category:`` preamble optional, Excel re-saves accepted).

    Returns
    -------
    pandas.DataFrame
        Frame on the file's grid (``D`` for Day, ``W-SUN`` for Week, ``MS`` for Month
        columns) with one float column per search term in snake_case and ``missing``.
        ``<1`` becomes :data:`LESS_THAN_ONE` (0.5). ``attrs`` holds ``geo``, ``terms``
        (raw names), ``category`` and the frequency. Values are relative (max = 100
        across all terms of the file); two downloads are not comparable without a
        common anchor term.
    """
    path = Path(path)
    text, encoding = read_text(path)
    lines = text.split("\n")
    start = next(
        (
            i
            for i, ln in enumerate(lines)
            if ln.split(",")[0].strip().lower() in _TIME_COLUMNS and "," in ln
        ),
        None,
    )
    if start is None:
        raise fail(
            path, "no Day, Week or Month header line; expected a Google Trends multiTimeline.csv"
        )
    category = next((ln.split(":", 1)[1].strip(" ,") for ln in lines[:start] if ":" in ln), None)
    raw = read_table(
        text, delimiter=",", skip=start, path=path, what="a Google Trends multiTimeline.csv"
    )
    raw = raw.loc[:, [c for c in raw.columns if not c.startswith("Unnamed")]]
    time_col = raw.columns[0]
    freq, formats = _TIME_COLUMNS[time_col.strip().lower()]
    raw = raw[raw[time_col].str.strip() != ""]
    if raw.empty or raw.shape[1] < 2:
        raise fail(path, "no data rows or no search-term column under the header")
    index = to_dates(raw[time_col], path=path, column=time_col, formats=formats)
    terms, geos, data = [], set(), {}
    for col in raw.columns[1:]:
        m = re.match(r"^(.*?):\s*\((.*)\)\s*$", col)
        term, geo = (m.group(1), m.group(2)) if m else (col, None)
        geos.add(geo)
        terms.append(term)
        values = raw[col].str.strip().replace({"<1": str(LESS_THAN_ONE), "": None})
        num = pd.to_numeric(values, errors="coerce")
        bad = num.isna() & values.notna()
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            raise fail(
                path, f"column '{col}' row {row + 1}: '{raw[col].iloc[row]}' is not a number or <1"
            )
        data[snake(term)] = num.astype(float).to_numpy()
    df = pd.DataFrame(data, index=index)
    out = regularize(df, freq, duplicates="error")
    geo = geos.pop() if len(geos) == 1 else sorted(g for g in geos if g)
    return provenance(
        out,
        source="google_trends",
        variant=f"multitimeline_{time_col.strip().lower()}",
        path=path,
        encoding=encoding,
        raw_headers=list(raw.columns),
        geo=geo,
        terms=terms,
        category=category,
        freq=freq,
    )
