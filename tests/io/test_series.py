"""io.load_series_csv: one column of a plain dated CSV (the source of ``darksocial plan --csv``)."""

from __future__ import annotations

import pandas as pd
import pytest

from darksocial import planning
from darksocial.errors import DataFormatError, DataValidationError
from darksocial.io import load_series_csv


def test_load_series_csv_reads_a_column_on_sorted_dates(tmp_path):
    path = tmp_path / "clicks.csv"
    path.write_text("date,clicks,other\n2025-01-02,5,1\n2025-01-01,3,2\n")
    y = load_series_csv(path, "clicks")
    assert y.name == "clicks" and y.index.name == "date"
    assert list(y.index) == [pd.Timestamp("2025-01-01"), pd.Timestamp("2025-01-02")]
    assert y.tolist() == [3.0, 5.0]
    # planning's CSV branch is this loader
    pd.testing.assert_series_equal(planning.load_series("clicks", csv=path), y)


def test_load_series_csv_errors_name_the_fix(tmp_path):
    path = tmp_path / "clicks.csv"
    path.write_text("date,clicks\n2025-01-01,3\n2025-01-01,4\n")
    with pytest.raises(DataValidationError, match="use --column with one of clicks"):
        load_series_csv(path, "nope")
    with pytest.raises(DataValidationError, match="more than once"):
        load_series_csv(path, "clicks")
    empty = tmp_path / "empty.csv"
    empty.write_text("date,clicks\n")
    with pytest.raises(DataFormatError):
        load_series_csv(empty, "clicks")
