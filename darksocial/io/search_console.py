"""Google Search Console: UI export (zip or folder), Search Analytics API rows, bulk export.

All variants produce daily totals; the query-level variants (API rows with a ``query``
dimension and the bulk export ``searchdata_site_impression``) also split them into
branded, non-branded and anonymized clicks and impressions.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from darksocial.brand import BrandClassifier, brand_share
from darksocial.cleaning import regularize
from darksocial.errors import ParameterError
from darksocial.io._text import (
    fail,
    map_columns,
    provenance,
    read_table,
    read_text,
    to_dates,
    to_number,
)

__all__ = ["brand_from_site", "load_search_console", "read_search_console_queries"]

SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": ("Date", "data_date", "Datum"),
    "query": ("Top queries", "query", "Query", "Requêtes les plus fréquentes", "Requête"),
    "page": ("Top pages", "page", "url", "Pages les plus populaires"),
    "clicks": ("Clicks", "clicks", "Clics"),
    "impressions": ("Impressions", "impressions"),
    "ctr": ("CTR", "ctr"),
    "position": ("Position", "position"),
    "site_url": ("site_url",),
    "is_anonymized_query": ("is_anonymized_query",),
    "search_type": ("search_type", "Search type"),
    "sum_top_position": ("sum_top_position",),
}
DAILY_COLUMNS = (
    "clicks",
    "impressions",
    "branded_clicks",
    "branded_impressions",
    "nonbranded_clicks",
    "nonbranded_impressions",
    "anonymized_clicks",
    "anonymized_impressions",
    "anonymized_click_share",
)


def brand_from_site(site: str) -> BrandClassifier | None:
    """Guess brand terms from a site URL (``https://www.acme-tools.com/`` -> ``acmetools``)."""
    host = re.sub(r"^(sc-domain:|[a-z]+://)", "", str(site).strip().lower()).split("/")[0]
    labels = [x for x in host.split(".") if x not in ("www", "m", "")]
    if len(labels) < 2:
        return None
    return BrandClassifier(tuple(dict.fromkeys((labels[-2], labels[-2].replace("-", " ")))))


def _as_brand(brand: BrandClassifier | Sequence[str] | str | None) -> BrandClassifier | None:
    if brand is None or isinstance(brand, BrandClassifier):
        return brand
    if not isinstance(brand, str | Sequence) or not all(isinstance(b, str) for b in brand):
        raise ParameterError(
            f"brand={brand!r} is not a list of brand terms; pass e.g. brand=['acme']"
        )
    return BrandClassifier((brand,) if isinstance(brand, str) else tuple(brand))


def load_search_console(
    path: str | Path,
    *,
    brand: BrandClassifier | Sequence[str] | str | None = None,
    search_type: str | None = "web",
) -> pd.DataFrame:
    """Load a Search Console export as daily clicks and impressions.

    Parameters
    ----------
    path : str or pathlib.Path
        A UI export (the downloaded zip or its unzipped folder), a bulk-export table
        saved as CSV (``searchdata_site_impression`` columns), Search Analytics API rows
        (JSON response or CSV with ``date`` and ``query`` columns).
    brand : BrandClassifier or sequence of str, optional
        Brand terms. By default they are guessed from the site URL (``site_url`` column
        or the URLs in ``Pages.csv``); ``attrs["brand_terms"]`` says which were used.
    search_type : str or None, default "web"
        Keep only this search type when the file has a ``search_type`` column; None keeps
        all.

    Returns
    -------
    pandas.DataFrame
        Daily frame (``date`` index, freq ``D``) with ``clicks``, ``impressions``,
        ``branded_clicks``, ``branded_impressions``, ``nonbranded_clicks``,
        ``nonbranded_impressions``, ``anonymized_clicks``, ``anonymized_impressions``,
        ``anonymized_click_share`` and ``missing``. Columns the variant cannot provide
        are NaN (e.g. branded counts from a UI export without a query filter).
        ``attrs["brand_share"]`` is a :class:`darksocial.brand.BrandShare` over the
        whole period; branded counts are a lower bound because of anonymized queries.
    """
    path = Path(path)
    if path.is_dir() or (path.is_file() and zipfile.is_zipfile(path)):
        return _ui_export(path, _as_brand(brand))
    if path.suffix.lower() == ".zip" and path.is_file():
        raise fail(path, _BAD_ZIP)
    text, _ = read_text(path)
    if text.lstrip().startswith(("{", "[")):
        return _api_json(path, text, _as_brand(brand))
    raw = read_table(text, path=path, what="a Search Console bulk export or API rows CSV")
    mapping = map_columns(raw.columns, SYNONYMS, path=path)
    df = raw.rename(columns=mapping)
    if "date" not in df.columns or "query" not in df.columns:
        raise fail(
            path,
            "expected a Search Console bulk export (data_date, query, clicks, impressions) "
            "or API rows (date, query, clicks, impressions); found " + ", ".join(raw.columns),
        )
    variant = "bulk_export" if "is_anonymized_query" in df.columns else "api_rows_csv"
    return _query_rows(path, df, _as_brand(brand), variant, search_type, list(raw.columns))


def _query_rows(
    path: Path,
    df: pd.DataFrame,
    brand: BrandClassifier | None,
    variant: str,
    search_type: str | None,
    raw_headers: list[str],
) -> pd.DataFrame:
    for col in ("clicks", "impressions"):
        if col not in df.columns:
            raise fail(path, f"missing column '{col}'")
        df[col] = to_number(df[col], path=path, column=col)
    if df.empty:
        raise fail(path, "no rows; the export is empty")
    df["date"] = to_dates(df["date"], path=path, column="date")
    if search_type is not None and "search_type" in df.columns:
        df = df[df["search_type"].astype(str).str.lower() == search_type.lower()].copy()
    if brand is None and "site_url" in df.columns:
        brand = brand_from_site(df["site_url"].iloc[0])
    df["query"] = df["query"].fillna("").astype(str)
    if "is_anonymized_query" in df.columns:
        anon = df["is_anonymized_query"].astype(str).str.lower().isin(["true", "1"])
        anon |= df["query"].str.strip().eq("")
        anon_known = True
    else:
        anon = df["query"].str.strip().eq("")
        anon_known = bool(anon.any())
    is_brand = brand.classify(df["query"]) & ~anon if brand is not None else None
    daily = pd.DataFrame(
        {"date": df["date"], "clicks": df["clicks"], "impressions": df["impressions"]}
    )
    for metric in ("clicks", "impressions"):
        if is_brand is not None:
            daily[f"branded_{metric}"] = df[metric].where(is_brand, 0.0)
            daily[f"nonbranded_{metric}"] = df[metric].where(~is_brand & ~anon, 0.0)
        daily[f"anonymized_{metric}"] = df[metric].where(anon, 0.0)
    daily = daily.groupby("date").sum()
    if not anon_known:
        daily[["anonymized_clicks", "anonymized_impressions"]] = np.nan
    daily["anonymized_click_share"] = daily["anonymized_clicks"] / daily["clicks"]
    out = regularize(daily.reindex(columns=list(DAILY_COLUMNS)), "D")
    share = brand_share(df.assign(is_anonymized_query=anon), brand) if brand is not None else None
    return provenance(
        out,
        source="search_console",
        variant=variant,
        path=path,
        raw_headers=raw_headers,
        brand_terms=tuple(brand.terms) if brand is not None else None,
        brand_share=share,
    )


def _api_json(path: Path, text: str, brand: BrandClassifier | None) -> pd.DataFrame:
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail(path, f"line {exc.lineno}: invalid JSON ({exc.msg})") from None
    rows = payload.get("rows") if isinstance(payload, dict) else payload
    if not isinstance(rows, list) or (rows and "keys" not in rows[0]):
        raise fail(path, "JSON is not a Search Analytics API response (no 'rows' with 'keys')")
    if not rows:
        raise fail(path, "the API response has no rows; widen the date range")
    keys = [r["keys"] for r in rows]
    date_first = bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(keys[0][0])))
    if len(keys[0]) < 2:
        raise fail(path, "API rows need the dimensions ['date', 'query']")
    df = pd.DataFrame(
        {
            "date": [k[0] if date_first else k[1] for k in keys],
            "query": [k[1] if date_first else k[0] for k in keys],
            "clicks": [r.get("clicks", 0) for r in rows],
            "impressions": [r.get("impressions", 0) for r in rows],
        }
    )
    return _query_rows(path, df, brand, "api_rows_json", None, ["keys", "clicks", "impressions"])


_BAD_ZIP = (
    "not a readable zip archive (damaged or incomplete download); download the Search "
    "Console export again"
)


class _Folder:
    """Uniform access to the CSVs of a UI export, zipped or not."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.is_dir():
            self.names = {p.name.lower(): p.name for p in path.iterdir() if p.is_file()}
            self._zip = None
        else:
            try:
                self._zip = zipfile.ZipFile(path)
            except zipfile.BadZipFile:
                raise fail(path, _BAD_ZIP) from None
            self.names = {
                Path(n).name.lower(): n for n in self._zip.namelist() if not n.endswith("/")
            }

    def text(self, name: str) -> str | None:
        key = self.names.get(name.lower())
        if key is None:
            return None
        if self._zip is None:
            return read_text(self.path / key)[0]
        try:
            raw = self._zip.read(key)
        except (zipfile.BadZipFile, OSError, EOFError):
            raise fail(self.path, f"{key} inside cannot be extracted; {_BAD_ZIP}") from None
        try:
            return (
                raw.decode("utf-8-sig")
                if raw[:2] not in (b"\xff\xfe", b"\xfe\xff")
                else raw.decode("utf-16")
            )
        except UnicodeDecodeError:
            raise fail(self.path, f"{key} inside is not UTF-8 or UTF-16 text") from None


def read_search_console_queries(path: str | Path) -> pd.DataFrame:
    """Read ``Queries.csv`` of a UI export (zip or folder) as a tidy table.

    Parameters
    ----------
    path : str or pathlib.Path
        The zip or folder.

    Returns
    -------
    pandas.DataFrame
        Columns ``query``, ``clicks``, ``impressions``, ``ctr`` (fraction), ``position``
        for the whole period of the export (the UI keeps at most 1,000 rows and omits
        anonymized queries).
    """
    path = Path(path)
    folder = _Folder(path)
    text = folder.text("Queries.csv")
    if text is None:
        raise fail(path, "no Queries.csv inside; expected a Search Console Performance export")
    return _metric_table(path / "Queries.csv", text, "query")


def _metric_table(path: Path, text: str, key: str) -> pd.DataFrame:
    raw = read_table(text, delimiter=",", path=path)
    mapping = map_columns(
        raw.columns, SYNONYMS, path=path, required=(key, "clicks", "impressions")
    )
    df = raw.rename(columns=mapping)[list(mapping.values())]
    for col in ("clicks", "impressions", "ctr", "position"):
        if col in df.columns:
            df[col] = to_number(df[col], path=path, column=col)
    return df


def _ui_export(path: Path, brand: BrandClassifier | None) -> pd.DataFrame:
    folder = _Folder(path)
    name = next((n for n in ("Chart.csv", "Dates.csv") if folder.text(n) is not None), None)
    if name is None:
        raise fail(
            path,
            "no Chart.csv or Dates.csv inside; expected a Search Console Performance export "
            f"(found {', '.join(sorted(folder.names.values())) or 'no files'})",
        )
    dates = _metric_table(path / name, folder.text(name), "date")
    dates["date"] = to_dates(dates["date"], path=path / name, column="Date")
    dates = dates.set_index("date").sort_index()
    queries = folder.text("Queries.csv")
    pages = folder.text("Pages.csv")
    if brand is None and pages is not None:
        urls = _metric_table(path / "Pages.csv", pages, "page")["page"]
        brand = brand_from_site(urls.iloc[0]) if len(urls) else None
    filters = {}
    if folder.text("Filters.csv") is not None:
        ftab = read_table(folder.text("Filters.csv"), delimiter=",", path="Filters.csv")
        if ftab.shape[1] >= 2:
            filters = dict(
                zip(ftab.iloc[:, 0].str.strip(), ftab.iloc[:, 1].str.strip(), strict=True)
            )
    daily = pd.DataFrame(index=dates.index, columns=list(DAILY_COLUMNS), dtype=float)
    daily["clicks"], daily["impressions"] = dates["clicks"], dates["impressions"]
    query_filter = filters.get("Query") or filters.get("Requête")
    if query_filter and brand is not None:
        term = query_filter.lstrip("+-").strip()
        if brand.is_brand(term) and query_filter.startswith("+"):
            daily["branded_clicks"], daily["branded_impressions"] = (
                dates["clicks"],
                dates["impressions"],
            )
        elif brand.is_brand(term) and query_filter.startswith("-"):
            daily["nonbranded_clicks"] = dates["clicks"]
            daily["nonbranded_impressions"] = dates["impressions"]
    share = None
    if queries is not None and brand is not None:
        qt = _metric_table(path / "Queries.csv", queries, "query")
        visible = brand_share(qt, brand, anonymized=None)
        # Chart totals include anonymized queries; Queries.csv does not.
        anon_c = max(
            float(dates["clicks"].sum()) - visible.branded_clicks - visible.nonbranded_clicks, 0.0
        )
        anon_i = max(
            float(dates["impressions"].sum())
            - visible.branded_impressions
            - visible.nonbranded_impressions,
            0.0,
        )
        share = type(visible)(
            visible.branded_clicks,
            visible.branded_impressions,
            visible.nonbranded_clicks,
            visible.nonbranded_impressions,
            anon_c if not query_filter else float("nan"),
            anon_i if not query_filter else float("nan"),
        )
    out = regularize(daily, "D")
    return provenance(
        out,
        source="search_console",
        variant=f"ui_export_{'zip' if path.is_file() else 'folder'}_{name.split('.')[0].lower()}",
        path=path,
        raw_headers=sorted(folder.names.values()),
        filters=filters,
        brand_terms=tuple(brand.terms) if brand is not None else None,
        brand_share=share,
    )
