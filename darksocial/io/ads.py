"""Paid-social exports: Meta Ads Manager CSV and LinkedIn Campaign Manager reports."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from darksocial.cleaning import regularize
from darksocial.errors import ParameterError, UnusableExportError
from darksocial.io._text import (
    decimal_mark,
    fail,
    header_key,
    map_columns,
    provenance,
    read_table,
    read_text,
    snake,
    to_dates,
    to_number,
)

__all__ = ["ads_daily", "is_no_data", "load_linkedin_ads", "load_meta_ads"]

META: dict[str, tuple[str, ...]] = {
    "campaign": ("Campaign name", "Nom de la campagne", "Ad set name", "Ad name"),
    "date": ("Day", "Jour", "Date"),
    "reporting_starts": ("Reporting starts", "Début des rapports"),
    "reporting_ends": ("Reporting ends", "Fin des rapports"),
    "impressions": ("Impressions",),
    "reach": ("Reach", "Couverture"),
    "spend": ("Amount spent", "Montant dépensé"),
    "link_clicks": ("Link clicks", "Clics sur un lien"),
    "clicks": ("Clicks (all)", "Clics (tous)"),
    "results": ("Results", "Résultats"),
}
LINKEDIN: dict[str, tuple[str, ...]] = {
    "date": (
        "Start Date (in UTC)",
        "Start Date",
        "Date de début (UTC)",
        "Data de início (em UTC)",
    ),
    "campaign": ("Campaign Name", "Nom de la campagne", "Nome da campanha"),
    "campaign_group": ("Campaign Group Name",),
    "impressions": ("Impressions", "Impressões"),
    "clicks": ("Clicks", "Clics", "Cliques"),
    "spend": ("Total Spent", "Total dépensé", "Total gasto"),
    "currency": ("Currency", "Devise", "Moeda"),
    "reach": ("Reach",),
    "leads": ("Leads",),
    "total_engagements": ("Total Engagements",),
}
_METRICS = (
    "impressions",
    "spend",
    "reach",
    "link_clicks",
    "clicks",
    "results",
    "leads",
    "total_engagements",
)


def ads_daily(
    path: Path,
    long: pd.DataFrame,
    source: str,
    variant: str,
    start: object = None,
    end: object = None,
    **attrs: object,
) -> pd.DataFrame:
    """Sum an ads export's rows per day and campaign into one regular daily frame.

    Used by the loaders here and by the data-folder scan, which joins several exports of
    one platform before calling it.

    Parameters
    ----------
    path : pathlib.Path
        The export, recorded as provenance.
    long : pandas.DataFrame
        One row per date and campaign (or ad): a ``date`` and a ``campaign`` column and
        the metric columns.
    source, variant : str
        Provenance: the platform and the export's layout.
    start, end : date-like, optional
        Widen the daily index to these dates (days without delivery are missing).
    **attrs
        Further provenance kept in ``DataFrame.attrs``.

    Returns
    -------
    pandas.DataFrame
        Daily sums of the metrics and the number of ``campaigns`` delivering, on a
        regular daily index with a ``missing`` column; ``long`` kept in ``attrs``.
    """
    metrics = [c for c in _METRICS if c in long.columns]
    wide = long.groupby("date")[metrics].sum(min_count=1)
    wide["campaigns"] = long.groupby("date")["campaign"].nunique()
    out = regularize(wide, "D", start=start, end=end)
    return provenance(out, source=source, variant=variant, path=path, long=long, **attrs)


def load_meta_ads(path: str | Path, *, no_delivery: str = "missing") -> pd.DataFrame:
    """Load a Meta Ads Manager export broken down by day.

    Parameters
    ----------
    path : str or pathlib.Path
        ``<Account>-Campaigns-<start><end>.csv`` (or the same report saved as ``.xlsx``)
        with a ``Day`` column (Breakdown -> By time -> Day) or with ``Reporting starts``
        equal to ``Reporting ends`` on each row.

    Returns
    -------
    pandas.DataFrame
        Daily totals over campaigns (``impressions``, ``spend``, ``reach``,
        ``link_clicks``... as exported, ``campaigns`` = number of campaigns with a row)
        and ``missing``. Days without any row are NaN with ``missing=True``: for ads
        this usually means no delivery, so ``fillna(0)`` is often right, but it is your
        call. ``attrs["long"]`` holds the per-campaign daily rows; ``attrs["currency"]``
        the ISO 4217 code from the ``Currency`` column or the ``Amount spent (EUR)``
        header (any case; None when the export does not say); ``attrs["totals"]`` the
        unlabelled account-totals row Meta puts first. A report without a campaign or
        ad name column counts its rows as one unnamed campaign.

    Raises
    ------
    DataFormatError
        On a missing date/metric column or spend in several currencies.
    UnusableExportError
        On ``No data available.`` exports and a report not broken down by day (by month,
        week or not at all); in a data folder such an export is listed as not used.
    """
    path = Path(path)
    text, encoding = read_text(path)
    if any(_NO_DATA.fullmatch(line) for line in text.split("\n")[:3]):
        # read fine, nothing to use: in a data folder it is listed as not used
        raise UnusableExportError(
            f"{path.name}: Meta reports 'No data available.'; widen the date range or check "
            "the ad account"
        )
    raw = read_table(text, path=path, what="a Meta Ads Manager CSV export")
    headers = list(raw.columns)
    # pandas renames a repeated header ("Ad name" twice) "Ad name.1": keep the first
    raw = raw.loc[
        :, [not re.search(r"\.\d+$", c) or c.rsplit(".", 1)[0] not in headers for c in headers]
    ]
    stripped = {c: _CURRENCY_SUFFIX.sub("", c) for c in raw.columns}
    mapping = map_columns(stripped.values(), META, path=path)
    inverse = {raw_name: mapping[s] for raw_name, s in stripped.items() if s in mapping}
    df = raw.rename(columns=inverse)[list(inverse.values())]
    if not {"impressions", "spend"} & set(df.columns):
        raise fail(
            path,
            "no 'Impressions' or 'Amount spent' column; expected a Meta Ads Manager export "
            f"(found {', '.join(headers)})",
        )
    currency = _currency(path, headers, raw)
    if "campaign" not in df.columns:
        # a report without a name column (Ads Manager lets you remove it): one unnamed row
        # per day and breakdown value
        df["campaign"] = "(not named)"
    if "date" not in df.columns:
        if (
            "reporting_starts" in df.columns
            and (df["reporting_starts"] == df["reporting_ends"]).iloc[1:].all()
        ):
            df["date"] = df["reporting_starts"]
        else:
            raise UnusableExportError(
                f"{Path(path).name}: not broken down by day{_rows_cover(raw, df)}; in Ads "
                "Manager choose Breakdown > By time > Day and export again"
            )
    totals = None
    first = df.iloc[0] if len(df) else None
    if (
        first is not None
        and str(first["campaign"]).strip() == ""
        and "campaign" in inverse.values()
    ):
        totals = first.to_dict()
        df = df.iloc[1:]
    if df.empty:
        raise fail(path, "no campaign rows; export the report with at least one day of delivery")
    df = df.reset_index(drop=True)
    df["date"] = to_dates(df["date"], path=path, column="Day")
    mark = decimal_mark(df[[c for c in _METRICS if c in df.columns]])
    for col in (c for c in _METRICS if c in df.columns):
        df[col] = to_number(df[col], path=path, column=col, decimal=mark)
    long = df[["date", "campaign", *[c for c in _METRICS if c in df.columns]]]
    if no_delivery not in ("missing", "zero"):
        raise ParameterError(f"no_delivery={no_delivery!r}; use 'missing' or 'zero'")
    out = ads_daily(
        path,
        long,
        "meta_ads",
        "ads_manager_csv",
        encoding=encoding,
        raw_headers=headers,
        currency=currency,
        totals=totals,
        start=_bound(totals, "reporting_starts"),
        end=_bound(totals, "reporting_ends"),
    )
    if no_delivery == "zero":
        out = out.fillna(0.0).assign(missing=False)
        out.attrs["no_delivery"] = "zero"
    return out


#: The single row of an empty Ads Manager export (after the header, or alone).
_NO_DATA = re.compile(r'\s*"?No data available\."?[,;\s]*')
#: A currency code at the end of a Meta header: ``Amount spent (USD)``, ``CPM (...) (EUR)``.
_CURRENCY_SUFFIX = re.compile(r"\s*\(([A-Z]{3})\)\s*$")


#: Meta's time breakdowns other than Day: header (any case) -> the period of one row.
_PERIOD_COLUMNS = {
    "week": "week",
    "2 weeks": "two weeks",
    "month": "month",
    "semaine": "week",
    "2 semaines": "two weeks",
    "mois": "month",
}


def _rows_cover(raw: pd.DataFrame, df: pd.DataFrame) -> str:
    """What one row of an export not broken down by day covers, in words, for its message.

    A report broken down by month or week has one row per period (``Month`` holds
    ``2024-03-01 - 2024-03-11``), beside the ``Reporting starts``/``ends`` of the whole
    report, which then are not what a row covers.
    """
    for column in raw.columns:
        period = _PERIOD_COLUMNS.get(header_key(column))
        if period is None:
            continue
        values = sorted({str(v).strip() for v in raw[column] if str(v).strip()})
        if values:
            shown = values[0] if len(values) == 1 else f"{values[0]}, ..., {values[-1]}"
            return f" (one row per {period}: {shown})"
    if "reporting_starts" in df.columns and len(df):
        first, last = df["reporting_starts"].iloc[-1], df["reporting_ends"].iloc[-1]
        return f" (each row covers {first}..{last})"
    return ""


def is_no_data(line: str) -> bool:
    """True for the ``"No data available."`` row of an empty Ads Manager export."""
    return bool(_NO_DATA.fullmatch(line))


def _iso_currency(code: object) -> str | None:
    import pycountry

    text = str(code).strip().upper() if code is not None else ""
    return text if len(text) == 3 and pycountry.currencies.get(alpha_3=text) else None


def _currency(path: Path, headers: list[str], raw: pd.DataFrame) -> str | None:
    """The ISO 4217 code of an ads export: from its ``Currency`` column or its headers."""
    column = next(
        (c for c in raw.columns if header_key(c) in ("currency", "devise", "moeda", "moneda")),
        None,
    )
    if column is not None:
        codes = sorted({c for c in map(_iso_currency, raw[column]) if c})
        if len(codes) > 1:
            raise fail(
                path,
                f"spend in several currencies ({', '.join(codes)}); export one ad account "
                "(one currency) per file",
            )
        if codes:
            return codes[0]
    spent = [h for h in headers if re.match(r"(?i)^(amount spent|montant dépensé|total spent)", h)]
    for header in spent + headers:
        m = _CURRENCY_SUFFIX.search(header)
        if m and _iso_currency(m.group(1)):
            return m.group(1)
    return None


def _bound(totals: dict | None, key: str) -> pd.Timestamp | None:
    value = (totals or {}).get(key)
    parsed = pd.to_datetime(value, errors="coerce") if value else pd.NaT
    return None if pd.isna(parsed) else parsed


def load_linkedin_ads(path: str | Path) -> pd.DataFrame:
    """Load a LinkedIn Campaign Manager "Campaign performance" export.

    Parameters
    ----------
    path : str or pathlib.Path
        The downloaded CSV: usually UTF-16, tab-separated, with a few preamble lines
        before the ``Start Date (in UTC)`` header.

    Returns
    -------
    pandas.DataFrame
        Daily totals over campaigns (``impressions``, ``clicks``, ``spend``...,
        ``campaigns``) and ``missing``; ``attrs["long"]`` holds per-campaign rows and
        ``attrs["currency"]`` the currency.
    """
    path = Path(path)
    text, encoding = read_text(path)
    lines = text.split("\n")
    start = next(
        (i for i, ln in enumerate(lines) if re.match(r'^"?(Start Date|Date de d|Data de in)', ln)),
        None,
    )
    if start is None:
        raise fail(
            path,
            "no 'Start Date (in UTC)' header line; expected a LinkedIn Campaign Manager export",
        )
    raw = read_table(text, skip=start, path=path, what="a LinkedIn Campaign Manager export")
    mapping = map_columns(
        raw.columns, LINKEDIN, path=path, required=("date", "campaign", "impressions")
    )
    df = raw.rename(columns=mapping)[list(mapping.values())]
    df = df[df["date"].str.strip().ne("") & df["date"].str.strip().ne("-")]
    if df.empty:
        raise fail(path, "no campaign rows under the header; widen the date range")
    df = df.reset_index(drop=True)
    df["date"] = to_dates(
        df["date"],
        path=path,
        column="Start Date (in UTC)",
        formats=("%m/%d/%Y", "%Y-%m-%d", "%d/%m/%Y"),
    )
    mark = decimal_mark(df[[c for c in _METRICS if c in df.columns]])
    for col in (c for c in _METRICS if c in df.columns):
        df[col] = to_number(df[col], path=path, column=col, decimal=mark)
    currency = _currency(path, list(raw.columns), raw)
    long = df[["date", "campaign", *[c for c in _METRICS if c in df.columns]]]
    return ads_daily(
        path,
        long,
        "linkedin_ads",
        "campaign_manager_" + ("utf16" if encoding == "utf-16" else snake(encoding)),
        encoding=encoding,
        raw_headers=list(raw.columns),
        currency=currency,
    )
