"""A single dated series: one column of a plain CSV, or one metric of a data folder."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pandas as pd

from darksocial import config
from darksocial.errors import DataFormatError, DataValidationError
from darksocial.io._text import read_table, read_text, to_dates, to_number
from darksocial.io.folder import load_sample

__all__ = ["load_series", "load_series_csv"]


def load_series_csv(path: str | Path, column: str) -> pd.Series:
    """Load one column of a CSV as a series on its dates (``darksocial plan --csv``).

    Parameters
    ----------
    path : str or pathlib.Path
        A CSV file with a ``date`` column (or dates in the first column) and one column
        per series.
    column : str
        The column to load.

    Returns
    -------
    pandas.Series
        The values as floats on a sorted DatetimeIndex named ``date``, named ``column``.

    Raises
    ------
    DataFormatError
        The file cannot be read, has no data rows, or its date column is not dates.
    DataValidationError
        The column is missing (the message lists the ones there are), or a date repeats.
    """
    path = Path(path)
    text, _ = read_text(path)
    df = read_table(text, path=path, what="a CSV with a 'date' column and one column per series")
    df.columns = [str(c).strip() for c in df.columns]
    df = df[[c for c in df.columns if not c.startswith("Unnamed:")]]
    if df.empty:
        raise DataFormatError(
            f"{path.name}: no data rows under the header; give a CSV with one row per date."
        )
    date_col = "date" if "date" in df.columns else df.columns[0]
    col = column
    if col not in df.columns or col == date_col:
        others = ", ".join(c for c in df.columns if c != date_col) or "none"
        raise DataValidationError(
            f"{path.name} has no column {col!r}; use --column with one of {others}."
        )
    try:
        dates = to_dates(df[date_col], path=path, column=date_col)
    except DataFormatError:
        try:  # timestamps such as "2024-01-01 00:00:00" or "2024-01-01T00:00"
            dates = pd.DatetimeIndex(pd.to_datetime(df[date_col], format="ISO8601"))
        except (TypeError, ValueError):
            raise DataFormatError(
                f"{path.name}: column {date_col!r} is not dates (first value "
                f"{df[date_col].iloc[0]!r}); put YYYY-MM-DD dates in a 'date' column."
            ) from None
    dup = dates.duplicated()
    if dup.any():
        raise DataValidationError(
            f"{path.name}: column {date_col!r} lists {dates[dup][0]:%Y-%m-%d} more than once "
            f"({int(dup.sum())} repeated dates); keep one row per date (sum them first)."
        )
    values = to_number(df[col], path=path, column=col)
    return pd.Series(
        values.to_numpy(), index=pd.DatetimeIndex(dates, name="date"), name=col
    ).sort_index()


def load_series(
    metric: str,
    *,
    data: str | Path | None = None,
    csv: str | Path | None = None,
    column: str | None = None,
) -> pd.Series:
    """Load one daily series for planning: a column of a CSV, or a metric of a data folder.

    Parameters
    ----------
    metric : str
        Column to find in the loaded sample (e.g. ``"branded_clicks"``, ``"direct"``,
        ``"direct_sessions"``), or in the CSV when ``column`` is not given.
    data : str or pathlib.Path, optional
        Folder laid out like ``data/sample`` (default ``config.SAMPLE_DIR``); ignored when
        ``csv`` is given.
    csv : str or pathlib.Path, optional
        A CSV file with a ``date`` column (or dates in the first column).
    column : str, optional
        Column of ``csv`` to use (default ``metric``).

    Returns
    -------
    pandas.Series
        The series on a DatetimeIndex, named ``metric``; loaded from the sample, its
        ``attrs["campaigns"]`` holds the campaign calendar (pass it as ``exclude=``).

    Raises
    ------
    DataFormatError
        If the file cannot be read or has no dates.
    DataValidationError
        If the metric or column is not found (the message lists the ones that are).
    """
    if csv is not None:
        return load_series_csv(csv, column or metric)
    sources = load_sample(Path(data) if data is not None else config.SAMPLE_DIR)
    found = []
    for f in fields(sources):
        df = getattr(sources, f.name)
        if not isinstance(df, pd.DataFrame) or not isinstance(df.index, pd.DatetimeIndex):
            continue
        if metric in df.columns:
            out = df[metric].astype(float).rename(metric)
            # past campaigns, so that planning can keep pseudo-campaigns away from them
            out.attrs["campaigns"] = sources.campaigns
            out.attrs["country"] = sources.settings.country
            return out
        found += [c for c in df.columns if c != "missing"]
    raise DataValidationError(
        f"metric {metric!r} is not in the data; use one of {', '.join(sorted(set(found)))}."
    )
