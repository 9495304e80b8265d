"""A single dated series from a plain CSV: a ``date`` column and one column per series."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from darksocial.errors import DataFormatError, DataValidationError
from darksocial.io._text import read_table, read_text, to_dates, to_number

__all__ = ["load_series_csv"]


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
