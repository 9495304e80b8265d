"""A data folder as a team has it: exports as downloaded, recognised by their content.

A data folder holds the campaign calendar (the one required file), an optional settings
file ``darksocial.yml`` at its root, and any exports, with the names the tools gave them, in
any sub-folders. Each file is recognised by what it contains (as ``darksocial inspect``
does), never by a required name; a folder holding a Search Console Performance export
(``Dates.csv`` or ``Chart.csv`` beside ``Queries.csv``...) or GA4 BigQuery ``events_*``
files counts as one export. Two exports of the same source for different periods are
joined; overlapping days that disagree are an error naming both files.

Every source but the calendar is optional: :class:`Sources` holds ``None`` for what the
folder lacks, and :mod:`darksocial.coverage` says what each missing export would add.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from darksocial import config
from darksocial.brand import BrandClassifier
from darksocial.cleaning import find_gaps, period_last_day, regularize
from darksocial.errors import DarkSocialError, UnusableExportError
from darksocial.io._text import country_code, fail, read_text
from darksocial.io.landing import PathRules
from darksocial.io.trends import term_names

__all__ = [
    "BRAND_FILE",
    "SETTINGS_FILE",
    "Export",
    "is_own_output",
    "Settings",
    "Sources",
    "load_folder",
    "load_sample",
    "read_settings",
    "scan_folder",
]

#: Settings of a data folder, at its root: brand terms, country, currency, time zone.
SETTINGS_FILE = "darksocial.yml"
#: Older settings file with only the brand terms (``terms:`` and ``exclude:``); still read.
BRAND_FILE = "brand.yml"

#: What each recognised export feeds: ``detect`` source name -> :class:`Sources` field.
_FIELD_OF = {
    "campaigns": "campaigns",
    "ga4_channels": "ga4_channels",
    "ga4_landing": "direct_landing",
    "ga4_bigquery": "ga4_events",
    "search_console": "search_console",
    "google_trends": "trends",
    "meta_ads": "meta_ads",
    "linkedin_ads": "linkedin_ads",
    "survey": "survey",
}

#: Names (lower case) of the files of a Search Console Performance export.
_GSC_DAILY = ("chart.csv", "dates.csv")
_GSC_PARTS = {
    "queries.csv",
    "pages.csv",
    "countries.csv",
    "devices.csv",
    "filters.csv",
    "search appearance.csv",
    "chart.csv",
    "dates.csv",
}
#: Files of the GA4 BigQuery export: ``events_YYYYMMDD`` (or intraday) as NDJSON or Parquet.
_EVENTS = re.compile(r"^events_(intraday_)?\d{8}\.(json|ndjson|jsonl|parquet)(\.gz)?$", re.I)
_SKIP = re.compile(r"^(\.|__MACOSX$|~\$|\.ipynb_checkpoints$|Thumbs\.db$|desktop\.ini$)", re.I)


# --- settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """What the report needs to know about the company behind a data folder.

    Attributes
    ----------
    brand : tuple of str
        Brand search terms (misspellings within one edit are caught); empty when unknown.
    exclude : tuple of str
        Queries that contain a brand term but are not about the brand ("acme corp jobs").
    country : str or None
        ISO 3166 alpha-2 code; its public holidays enter the models.
    currency : str or None
        ISO 4217 code of the spend figures.
    time_zone : str or None
        IANA name of the analytics property's time zone (dates are local to it).
    inferred : dict
        Setting name -> where its value was inferred from, for the settings the folder's
        ``darksocial.yml`` did not state.
    unknown : dict
        Setting name -> why the data could not tell it (``"Search Console's top countries
        are close: Philippines 10 clicks, United States 8"``).
    path : str or None
        The settings file read, if any.
    overridden : tuple of str
        Settings a report parameter replaced for one run.
    fetch : dict
        What ``darksocial fetch`` pulls and with which credentials: the validated
        ``search_console``, ``ga4``, ``bigquery``, ``meta`` and ``credentials`` settings.
    """

    brand: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    country: str | None = None
    currency: str | None = None
    time_zone: str | None = None
    inferred: Mapping[str, str] = field(default_factory=dict)
    unknown: Mapping[str, str] = field(default_factory=dict)
    path: str | None = None
    overridden: tuple[str, ...] = ()
    fetch: Mapping[str, Any] = field(default_factory=dict)

    def classifier(self) -> BrandClassifier | None:
        """The brand classifier of these terms, or None when no term is known."""
        if not self.brand:
            return None
        return BrandClassifier(self.brand, exclude=self.exclude)

    def infer(self, name: str, value: Any, how: str) -> Settings:
        """Return a copy with ``name`` set to ``value`` if it was not stated, noting how."""
        if not value or getattr(self, name):
            return self
        value = tuple(value) if name == "brand" else value
        return replace(self, **{name: value}, inferred={**self.inferred, name: how})

    def override(self, **values: Any) -> Settings:
        """Return a copy with the given non-empty values set for one run (``-p country US``).

        Raises
        ------
        ParameterError
            If a value has the wrong form.
        """
        from darksocial.errors import ParameterError

        changes: dict[str, Any] = {}
        for name, value in values.items():
            if value in (None, "", (), []):
                continue
            if name == "brand":
                terms = _terms([value] if isinstance(value, str) else value)
                if not terms:
                    raise ParameterError(f"brand={value!r} must be a list of brand terms")
                changes["brand"] = terms
            elif name == "country":
                if not (isinstance(value, str) and _ISO_COUNTRY.match(value)):
                    raise ParameterError(f"country={value!r} is not a two-letter ISO code (US)")
                changes["country"] = value.upper()
            elif name == "currency":
                if not (isinstance(value, str) and _ISO_CURRENCY.match(value)):
                    raise ParameterError(f"currency={value!r} is not a three-letter ISO code")
                changes["currency"] = value.upper()
            else:
                raise ParameterError(f"{name} is not a setting a report parameter can override")
        if not changes:
            return self
        inferred = {k: v for k, v in self.inferred.items() if k not in changes}
        unknown = {k: v for k, v in self.unknown.items() if k not in changes}
        return replace(
            self,
            **changes,
            inferred=inferred,
            unknown=unknown,
            overridden=(*self.overridden, *changes),
        )

    def frame(self) -> pd.DataFrame:
        """One row per setting: value and where it came from."""
        rows = []
        for name in ("brand", "country", "currency", "time_zone"):
            value = getattr(self, name)
            shown = ", ".join(value) if isinstance(value, tuple) else value
            if name in self.overridden:
                origin = "report parameter"
            elif name in self.inferred:
                origin = f"inferred {self.inferred[name]}"
            elif value:
                origin = Path(self.path).name if self.path else "given"
            else:
                origin = f"unknown ({self.unknown[name]})" if name in self.unknown else "unknown"
            rows.append({"setting": name, "value": shown or "", "from": origin})
        return pd.DataFrame(rows).set_index("setting")


_ISO_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_ISO_CURRENCY = re.compile(r"^[A-Za-z]{3}$")


def read_settings(directory: str | Path) -> Settings:
    """Read a data folder's ``darksocial.yml`` (or the older ``brand.yml``).

    Parameters
    ----------
    directory : str or pathlib.Path
        The data folder.

    Returns
    -------
    Settings
        Empty settings when the folder has neither file.

    Raises
    ------
    DataFormatError
        If the file is not valid YAML or a value has the wrong form; the message shows the
        expected form.
    """
    import yaml

    directory = Path(directory)
    path = directory / SETTINGS_FILE
    if not path.is_file():
        path = directory / BRAND_FILE
        if not path.is_file():
            return Settings()
    example = (
        "write e.g. `brand: [acme, acme app]`, `country: US`, `currency: USD`"
        if path.name == SETTINGS_FILE
        else "write `terms: [mybrand, my brand]`"
    )
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, ValueError, UnicodeDecodeError):
        raise fail(path, f"is not valid YAML; {example}") from None
    if not isinstance(spec, dict):
        raise fail(path, f"must be a mapping of setting: value; {example}")
    if path.name == BRAND_FILE:
        spec = {"brand": {"terms": spec.get("terms"), "exclude": spec.get("exclude")}}
        if not _terms(spec["brand"]["terms"]):
            raise fail(path, "needs a `terms:` list of brand spellings, e.g. [acme, acme app]")
    known = {"brand", "country", "currency", "time_zone", *FETCH_KEYS}
    unknown = sorted(set(spec) - known)
    if unknown:
        raise fail(
            path,
            f"has unknown setting {', '.join(unknown)}; it accepts {', '.join(sorted(known))}",
        )
    brand = spec.get("brand")
    exclude: object = None
    if isinstance(brand, dict):
        brand, exclude = brand.get("terms"), brand.get("exclude")
    elif isinstance(brand, str):
        brand = [brand]
    terms = _terms(brand) if brand is not None else ()
    if brand is not None and not terms:
        raise fail(path, f"`brand` must be a list of brand spellings; {example}")
    excludes = _terms([exclude] if isinstance(exclude, str) else exclude) if exclude else ()
    country, currency, tz = spec.get("country"), spec.get("currency"), spec.get("time_zone")
    if country is not None and not (isinstance(country, str) and _ISO_COUNTRY.match(country)):
        raise fail(path, f"country {country!r} is not a two-letter ISO code such as US, GB, FR")
    if currency is not None and not (isinstance(currency, str) and _ISO_CURRENCY.match(currency)):
        raise fail(path, f"currency {currency!r} is not a three-letter ISO code such as USD, EUR")
    if tz is not None:
        tz = _check_time_zone(path, tz)
    return Settings(
        brand=terms,
        exclude=excludes,
        country=country.upper() if country else None,
        currency=currency.upper() if currency else None,
        time_zone=tz,
        path=str(path),
        fetch=_fetch_settings(path, spec),
    )


#: Settings read by ``darksocial fetch``: the APIs to pull from and where credentials are.
FETCH_KEYS = ("search_console", "ga4", "bigquery", "meta", "credentials")
#: Per API: its required keys with their form, and the optional ones.
_FETCH_SPEC = {
    "search_console": (
        {"site": (r"^(sc-domain:[^\s/]+|https?://\S+)$", "sc-domain:acme.com")},
        ("start",),
    ),
    "ga4": ({"property": (r"^\d+$", '"123456"')}, ("start",)),
    "bigquery": (
        {
            "dataset": (r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_]+$", "my-project.analytics_123456"),
            "maximum_bytes_billed": (r"^[1-9]\d*$", "10000000000"),
        },
        ("start", "project", "location"),
    ),
    "meta": ({"ad_account": (r"^act_\d+$", "act_1234567890")}, ("start",)),
}
_CREDENTIAL_FORMS = (
    "credentials: {google: application_default} (or {key_file: /path/outside/the/folder.json} "
    "or {key_file_env: GOOGLE_APPLICATION_CREDENTIALS}), meta: {token_env: META_ACCESS_TOKEN}"
)


def _fetch_settings(path: Path, spec: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the ``darksocial fetch`` settings; credentials are only *where* they are."""
    out: dict[str, Any] = {}
    for name, (required, optional) in _FETCH_SPEC.items():
        if name not in spec:
            continue
        value = spec[name]
        example = ", ".join(f"{k}: {form}" for k, (_, form) in required.items())
        if not isinstance(value, dict):
            raise fail(path, f"`{name}` must be a mapping, e.g. `{name}: {{{example}}}`")
        unknown = sorted(set(value) - set(required) - set(optional))
        if unknown:
            raise fail(
                path,
                f"`{name}` has unknown key {', '.join(unknown)}; it accepts "
                f"{', '.join([*required, *optional])}",
            )
        clean: dict[str, Any] = {}
        for key, (pattern, form) in required.items():
            text = str(value.get(key, "")).strip()
            if not re.match(pattern, text):
                raise fail(path, f"`{name}: {key}` must look like {form}; found {text!r}")
            clean[key] = text
        for key in optional:
            if value.get(key) in (None, ""):
                continue
            if key == "start":
                try:
                    clean[key] = pd.Timestamp(str(value[key])).strftime("%Y-%m-%d")
                except ValueError:
                    raise fail(path, f"`{name}: start` must be a date, YYYY-MM-DD") from None
            else:
                clean[key] = str(value[key]).strip()
        out[name] = clean
    if "credentials" in spec:
        out["credentials"] = _credential_settings(path, spec["credentials"])
    return out


def _credential_settings(path: Path, value: object) -> dict[str, Any]:
    if not isinstance(value, dict) or set(value) - {"google", "meta"}:
        raise fail(path, f"`credentials` must be {_CREDENTIAL_FORMS}")
    out: dict[str, Any] = {}
    google = value.get("google", "application_default")
    if google == "application_default":
        out["google"] = {"application_default": True}
    elif isinstance(google, dict) and set(google) == {"key_file"}:
        key_file = Path(str(google["key_file"])).expanduser()
        key_file = key_file if key_file.is_absolute() else (path.parent / key_file)
        if key_file.resolve().is_relative_to(path.parent.resolve()):
            raise fail(
                path,
                "`credentials: google: key_file` is inside the data folder; keep keys out of "
                "it (the folder is shared with reports): move the file and give its new path",
            )
        out["google"] = {"key_file": str(key_file)}
    elif isinstance(google, dict) and set(google) == {"key_file_env"}:
        out["google"] = {"key_file_env": _env_name(path, google["key_file_env"])}
    else:
        raise fail(path, f"`credentials: google` must be one of: {_CREDENTIAL_FORMS}")
    meta = value.get("meta", {"token_env": "META_ACCESS_TOKEN"})
    if not (isinstance(meta, dict) and set(meta) == {"token_env"}):
        raise fail(
            path,
            "`credentials: meta` names the environment variable holding the token, "
            "`meta: {token_env: META_ACCESS_TOKEN}`; a token is never written in this file",
        )
    out["meta"] = {"token_env": _env_name(path, meta["token_env"])}
    return out


def _env_name(path: Path, name: object) -> str:
    if not (isinstance(name, str) and re.fullmatch(r"[A-Z_][A-Z0-9_]*", name)):
        # never echo the value: it may be the secret itself, pasted by mistake
        raise fail(
            path,
            "`credentials` names an environment variable (upper case, e.g. "
            "META_ACCESS_TOKEN), not its value; a credential is never written in this file",
        )
    return name


def _terms(values: object) -> tuple[str, ...]:
    if not isinstance(values, list | tuple):
        return ()
    if not all(isinstance(v, str) and v.strip() for v in values):
        return ()
    return tuple(v.strip() for v in values)


def _check_time_zone(path: Path, tz: object) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        raise fail(
            path, f"time_zone {tz!r} is not an IANA time zone such as Europe/Paris"
        ) from None
    return str(tz)


# --- scanning -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    """One file (or export folder) found in a data folder, and what it was recognised as.

    Attributes
    ----------
    path : pathlib.Path
        The file, or the folder of a Search Console Performance export or of GA4 events.
    source : str or None
        The :class:`Sources` field it feeds; None when it is not used.
    note : str
        Why it is not used (not recognised, a part of an export without its daily table...).
    kind : str or None
        The source it was recognised as even when it is not used (an empty Meta download is
        ``"meta_ads"``; a GA4 table that is neither traffic acquisition nor landing pages
        by date is ``"ga4_channels"``, the source it would feed); None when not recognised.
    parts : tuple of (pathlib.Path, str)
        The files of a Search Console Performance export (or members of its zip, sheets of
        its workbook), each with what it gave the report; filled in by :func:`load_folder`.
    """

    path: Path
    source: str | None
    note: str = ""
    kind: str | None = None
    parts: tuple[tuple[Path, str], ...] = ()

    def __post_init__(self) -> None:
        if self.kind is None and self.source is not None:
            object.__setattr__(self, "kind", self.source)


def scan_folder(directory: str | Path, *, skip: Iterable[str | Path] = ()) -> list[Export]:
    """Recognise every export in a data folder by its content.

    Darksocial's own outputs are not exports: a reports folder inside the data folder, a
    run folder, a report page, ``summary.json``, ``status.json`` or an executed report
    notebook (:func:`is_own_output`) is neither read nor listed.

    Parameters
    ----------
    directory : str or pathlib.Path
        The data folder; sub-folders are searched too.
    skip : iterable of str or pathlib.Path, optional
        Folders not to look into, such as the reports folder of the run (``darksocial
        report --reports-dir`` inside the data folder).

    Returns
    -------
    list of Export
        Every file or export folder found, used or not, in path order.

    Raises
    ------
    DataFormatError
        If the folder does not exist.
    """
    from darksocial.io.detect import detect

    directory = Path(directory)
    if not directory.is_dir():
        raise fail(
            directory, "data folder not found; give the folder that holds your campaign calendar"
        )
    found: list[Export] = []
    gsc_folders: set[Path] = set()
    tables: list[Export] = []
    skipped = {Path(p).resolve() for p in skip}
    for entry, kind in _entries(directory, skipped):
        if kind == "search_console" and entry.is_dir():
            gsc_folders.add(entry)
        if kind is not None:
            found.append(Export(entry, kind))
            continue
        try:
            detection = detect(entry)
        except DarkSocialError as exc:
            found.append(Export(entry, None, _short(exc, entry)))
            continue
        name = detection.source
        if name == "ga4" and detection.loader.__name__ == "load_ga4_channels":
            name = "ga4_channels"
        if name == "meta_ads" and _no_data(entry):
            found.append(
                Export(entry, None, "a Meta export that says 'No data available.'", "meta_ads")
            )
        elif name in _FIELD_OF:
            found.append(Export(entry, _FIELD_OF[name]))
        elif name == "search_console_table" and entry.parent in gsc_folders:
            continue  # a table of that export in another UI language (Pays.csv, Filtres.csv)
        elif name == "search_console_table":
            table = Export(entry, None, _table_note(entry), "search_console")
            tables.append(table)
            found.append(table)
        else:
            # a GA4 table, but no traffic acquisition or landing pages by date: the note
            # says what it is; its kind keeps the report from saying the folder has no GA4
            # export
            note = _ga4_reason(entry)
            from darksocial.io.ga4 import LANDING_PAGE_EXPORT

            kind = "direct_landing" if LANDING_PAGE_EXPORT in note else "ga4_channels"
            found.append(Export(entry, None, note, kind))
    # an export unzipped loose (Chart.csv, Queries.csv... straight in a folder): its tables
    # sit beside its daily table and belong to it, like the tables of an export folder
    loose = {e.path.parent for e in found if e.source == "search_console" and e.path.is_file()}
    beside = {id(t) for t in tables if t.path.parent in loose}
    return [e for e in found if id(e) not in beside]


def _entries(directory: Path, skip: set[Path] = frozenset()) -> Iterable[tuple[Path, str | None]]:
    """Walk the folder; yield export folders with their source, and files to detect."""
    for path in sorted(directory.iterdir(), key=lambda p: p.name.lower()):
        if _SKIP.match(path.name) or path.name in (SETTINGS_FILE, BRAND_FILE):
            continue
        if (path.is_dir() and path.resolve() in skip) or is_own_output(path):
            continue
        if path.is_dir():
            names = {p.name.lower() for p in path.iterdir() if p.is_file()}
            if names & set(_GSC_DAILY):
                yield path, "search_console"
                # anything else in the export folder that is not part of it (the Table.csv
                # and Metadata.csv of a Core Web Vitals export are part of that export)
                for p in sorted(path.iterdir()):
                    if (
                        p.is_file()
                        and p.name.lower() not in _GSC_PARTS
                        and not _SKIP.match(p.name)
                        and not is_own_output(p)
                        and not _report_table(p)
                    ):
                        yield p, None
                continue
            if any(_EVENTS.match(n) for n in names):
                yield path, "ga4_events"
                continue
            yield from _entries(path, skip)
        elif path.is_file():
            yield path, None


def _table_note(path: Path) -> str:
    """Why a Search Console table by query, page, country... without dates is not used.

    "Keep the export's files together" was the only fix given, also to a script's table of
    pages (``page,clicks,impressions,ctr,position``) beside the folder's own ``Chart.csv``.
    """
    from darksocial.io import search_console

    try:
        head = search_console.first_header(read_text(path)[0][:2000])
    except DarkSocialError:
        head = []
    by = head[0] if head and head[0] else "query or page"
    return (
        f"Search Console clicks by {by} with no dates; the reports need clicks by day: the "
        "Performance export's Dates.csv or Chart.csv (kept in one folder with the tables "
        "exported with it), or API rows with the date dimension"
    )


def _report_table(path: Path) -> bool:
    """A table of a Search Console report other than Performance (``Metadata.csv``...)."""
    from darksocial.io.search_console import first_header, is_report_table

    try:
        text = read_text(path)[0]
    except DarkSocialError:
        return False
    return is_report_table(first_header(text))


# --- darksocial's own outputs ------------------------------------------------------------------

#: A run folder's name: ``reporting`` stamps each run ``YYYYMMDD-HHMMSS[-key]``.
_RUN_ID = re.compile(r"^\d{8}-\d{6}(-.+)?$")
#: ``config.HTML_GENERATOR_TAG``, and the marks of pages written before they carried it: the
#: report page's Content-Security-Policy, the index's title, a ``latest`` link's redirect.
_OWN_PAGE = re.compile(
    r"""<meta\s+name=["']generator["']\s+content=["']darksocial["']"""
    r"""|<meta\s+content=["']darksocial["']\s+name=["']generator["']"""  # as nbconvert writes
    r"|default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"
    r"|<title>darksocial reports</title>"
    r"|<meta http-equiv='refresh' content='0; url=\d{8}-\d{6}[^'/]*/[^'/]+\.html'>",
    re.I,
)
#: Larger JSON files are exports (GA4, Search Console API rows), never a run's record.
_OWN_JSON_MAX_BYTES = 2_000_000


def is_own_output(path: str | Path) -> bool:
    """Whether a file or folder is one darksocial wrote: a report, not an export.

    Recognised by content, wherever it lies: a reports folder (its ``index.html``, or
    report folders holding run folders), a report's folder of runs, a run folder
    (``YYYYMMDD-HHMMSS...`` holding ``status.json`` or the executed notebook, also while the
    run is under way), a report or index page, ``summary.json``, ``status.json`` and an
    executed report notebook.

    Parameters
    ----------
    path : str or pathlib.Path
        A file or folder inside a data folder.

    Returns
    -------
    bool
    """
    path = Path(path)
    try:
        if path.is_dir():
            return (
                _is_run_folder(path)
                or _holds_runs(path)
                or _own_file(path / "index.html")
                or any(_holds_runs(p) for p in _subfolders(path))
            )
        return path.is_file() and _own_file(path)
    except OSError:
        return False


def _subfolders(path: Path) -> list[Path]:
    return [p for p in path.iterdir() if p.is_dir() and not _SKIP.match(p.name)]


def _is_run_folder(path: Path) -> bool:
    if not _RUN_ID.match(path.name):
        return False
    # a run under way has only its executed notebook so far, named after its report
    return _own_file(path / "status.json") or (path / f"{path.parent.name}.ipynb").is_file()


def _holds_runs(path: Path) -> bool:
    return any(_is_run_folder(p) for p in _subfolders(path) if _RUN_ID.match(p.name))


def _own_file(path: Path) -> bool:
    suffix = path.suffix.lower()
    if suffix not in (".html", ".htm", ".json", ".ipynb") or not path.is_file():
        return False
    if suffix in (".html", ".htm"):
        with path.open("rb") as fh:
            head = fh.read(8192).decode("utf-8", "replace")
        return bool(_OWN_PAGE.search(head))
    if suffix == ".json" and path.stat().st_size > _OWN_JSON_MAX_BYTES:
        return False
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return False
    if not isinstance(data, dict):
        return False
    if suffix == ".ipynb":
        # executed by papermill from one of the report notebooks
        papermill = (data.get("metadata") or {}).get("papermill")
        source = Path(str((papermill or {}).get("input_path") or "")).name
        return bool(source) and (config.NOTEBOOKS_DIR / source).is_file()
    if {"notebook", "run_id", "status"} <= data.keys():
        return True  # a run's status.json
    sections = data.get("sections")  # a report's summary.json
    return (
        isinstance(sections, dict)
        and bool(sections)
        and all(
            isinstance(v, dict) and v.get("status") in ("ran", "skipped")
            for v in sections.values()
        )
    )


def _ga4_reason(path: Path) -> str:
    from darksocial.io.ga4 import unused_reason

    try:
        return unused_reason(path)
    except DarkSocialError as exc:
        return _short(exc, path)


def _no_data(path: Path) -> bool:
    """An Ads Manager download of a period without delivery: a header and one message row."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return b"No data available." in head and head.count(b"\n") <= 2


def _short(exc: Exception, path: Path) -> str:
    text = str(exc)
    for prefix in (f"{path}: ", f"{path.name}: "):
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


# --- loading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sources:
    """Every source of a data folder, loaded and tidy; ``None`` for what the folder lacks.

    Attributes
    ----------
    campaigns : pandas.DataFrame or None
        Campaign calendar indexed by ``id``; None when the folder has none (what the
        exports hold can still be checked and explored; :meth:`calendar` requires it).
    ga4_channels : pandas.DataFrame or None
        GA4 sessions per channel by period, ``total``, ``missing``.
    direct_landing : pandas.DataFrame or None
        GA4 direct sessions split into deep and shallow landing pages.
    ga4_events : pandas.DataFrame or None
        Daily sessions from the BigQuery events (GA4 and raw channels, raw/deep direct).
    search_console : pandas.DataFrame or None
        Daily clicks and impressions; branded and non-branded where the export allows it
        (``attrs["query_filter"]``, ``attrs["page_filter"]`` say what it covers).
    trends : pandas.DataFrame or None
        Google Trends interest per term (0-100 index).
    meta_ads : pandas.DataFrame or None
        Daily Meta impressions and spend (per campaign in ``attrs["long"]``).
    linkedin_ads : pandas.DataFrame or None
        Daily LinkedIn impressions and spend.
    survey : pandas.DataFrame or None
        One row per "How did you hear about us?" answer.
    settings : Settings
        Brand, country, currency and time zone, stated or inferred.
    exports : tuple of Export
        Every file found in the folder and what it was recognised as.
    directory : str or None
        The data folder.
    """

    campaigns: pd.DataFrame | None
    ga4_channels: pd.DataFrame | None = None
    direct_landing: pd.DataFrame | None = None
    ga4_events: pd.DataFrame | None = None
    search_console: pd.DataFrame | None = None
    trends: pd.DataFrame | None = None
    meta_ads: pd.DataFrame | None = None
    linkedin_ads: pd.DataFrame | None = None
    survey: pd.DataFrame | None = None
    settings: Settings = field(default_factory=Settings)
    exports: tuple[Export, ...] = ()
    directory: str | None = None

    def calendar(self) -> pd.DataFrame:
        """The campaign calendar, which every campaign analysis needs.

        Returns
        -------
        pandas.DataFrame
            :attr:`campaigns`.

        Raises
        ------
        DataFormatError
            If the data folder has no calendar, with the fix.
        """
        if self.campaigns is None:
            from darksocial.io.calendar import NO_CALENDAR

            raise fail(Path(self.directory or "the data folder"), NO_CALENDAR)
        return self.campaigns

    def available(self) -> list[str]:
        """Names of the sources the folder provides."""
        return [f.name for f in fields(self) if isinstance(getattr(self, f.name), pd.DataFrame)]

    def summary(self) -> pd.DataFrame:
        """Return one row per source present: rows, first date, last day, frequency, gaps, files.

        ``end`` is the last day the data cover: a weekly or monthly series' last period runs
        to its week's or month's last day.

        ``rows`` counts the periods (or records) with data, ``periods`` every period from
        the first date to the last: a day missing from the export is a gap, not a row.
        """
        rows = []
        for name in self.available():
            df = getattr(self, name)
            if isinstance(df.index, pd.DatetimeIndex):
                start, end = df.index.min(), df.index.max()
                freq = df.index.freqstr or "irregular"
                # a week or month is dated by its first day: the data run to its last
                # ("To 11 Apr 2021" for the week of 11-17 April)
                end = period_last_day(end, freq)
            else:
                col = next((c for c in ("submitted_at", "launch") if c in df.columns), None)
                start = df[col].min() if col else pd.NaT
                ends = [df[c] for c in ("end", "evaluation_end", col) if c and c in df.columns]
                end = pd.concat(ends).max() if ends else pd.NaT
                freq = "records"
            gaps = find_gaps(df) if "missing" in df.columns else pd.DataFrame({"periods": []})
            paths = df.attrs.get("paths") or [df.attrs.get("path", "")]
            observed = (
                int((~df["missing"].astype(bool)).sum()) if "missing" in df.columns else len(df)
            )
            rows.append(
                {
                    "source": name,
                    "variant": df.attrs.get("variant"),
                    "rows": observed,
                    "periods": len(df),
                    "start": start,
                    "end": end,
                    "freq": freq,
                    "gaps": len(gaps),
                    "missing_periods": int(gaps["periods"].sum()) if len(gaps) else 0,
                    "file": ", ".join(Path(str(p)).name for p in paths if p),
                    # a GA4 table by Date + hour is read as days: say so beside "daily"
                    "summed_from": df.attrs.get("summed_from"),
                }
            )
        # a folder without a calendar or a readable export has no row at all
        columns = ["source", "variant", "rows", "periods", "start", "end", "freq", "gaps"]
        columns += ["missing_periods", "file", "summed_from"]
        return pd.DataFrame(rows, columns=columns).set_index("source")

    def _repr_html_(self) -> str:
        return self.summary().to_html()

    def __repr__(self) -> str:
        return f"Sources(\n{self.summary().to_string()}\n)"


def load_folder(
    directory: str | Path,
    *,
    rules=None,
    brand: BrandClassifier | None = None,
    skip: Iterable[str | Path] = (),
) -> Sources:
    """Load every export of a data folder, recognised by content; all but the calendar optional.

    Parameters
    ----------
    directory : str or pathlib.Path
        The data folder: the campaign calendar (``campaigns.yml`` or a CSV), an optional
        ``darksocial.yml``, and exports as downloaded, in any sub-folders. Darksocial's own
        reports in it are not read (:func:`scan_folder`).
    rules : darksocial.io.PathRules, optional
        Landing-page rules for deep vs shallow direct sessions.
    brand : BrandClassifier, optional
        Brand terms; by default the settings' ``brand``, else guessed from the Search Console
        site URL.
    skip : iterable of str or pathlib.Path, optional
        Folders not to look into (the reports folder of a run).

    Returns
    -------
    Sources
        ``None`` for each source the folder lacks; ``sources.exports`` lists every file and
        what it was recognised as; ``sources.settings`` what was stated or inferred.

    Raises
    ------
    DataFormatError
        If the folder is missing, has several campaign calendars, an export cannot be
        read, or two exports of one source disagree on a day they share.
    """
    from darksocial.io import ads, calendar, ga4, ga4_bigquery, search_console, survey, trends

    directory = Path(directory)
    exports = scan_folder(directory, skip=skip)
    settings = read_settings(directory)
    if brand is not None:
        settings = replace(settings, brand=tuple(brand.terms), exclude=tuple(brand.exclude))
    by_source: dict[str, list[Path]] = {}
    for e in exports:
        if e.source:
            by_source.setdefault(e.source, []).append(e.path)
    calendars = by_source.get("campaigns", [])
    # a campaigns.yml (or campaigns.csv) beside a team's content calendar is the calendar:
    # the spreadsheet read as one too had stopped the folder ("several campaign calendars")
    named = [
        p for p in calendars if p.suffix.lower() in (".yml", ".yaml") or p.stem == "campaigns"
    ]
    others = [p for p in calendars if p not in named] if len(named) == 1 else []
    calendars = named if others else calendars
    if len(calendars) > 1:
        raise fail(
            directory,
            "has several campaign calendars ("
            + ", ".join(str(p.relative_to(directory)) for p in calendars)
            + "); keep one",
        )
    classifier = brand or settings.classifier()
    loaders = {
        "ga4_channels": ga4.load_ga4_channels,
        "direct_landing": lambda p: ga4.load_direct_landing(p, rules=rules),
        "ga4_events": lambda p: (
            ga4_bigquery.load_ga4_sessions_daily(p)
            if p.is_file() and p.suffix.lower() == ".csv"
            else ga4_bigquery.load_ga4_events(p, rules=rules)
        ),
        "search_console": lambda p: search_console.load_search_console(p, brand=classifier),
        "trends": trends.load_trends,
        "meta_ads": ads.load_meta_ads,
        "linkedin_ads": ads.load_linkedin_ads,
        "survey": survey.load_survey,
    }
    # without a calendar the exports are still read, checked and explored; a campaign's
    # analysis asks for it (Sources.calendar)
    frames: dict[str, Any] = {
        "campaigns": calendar.load_campaigns(calendars[0]) if calendars else None
    }
    read = calendars[0].name if calendars else ""
    unused: dict[Path, str] = dict.fromkeys(
        others, f"another campaign calendar; {read} is the one read"
    )
    parts: dict[Path, tuple[tuple[Path, str], ...]] = {}
    trends_loaded: list[tuple[Path, pd.DataFrame]] = []
    for name, loader in loaders.items():
        paths = by_source.get(name)
        if not paths:
            continue
        loaded = []
        for p in paths:
            df = None
            try:
                df = loader(p)
                loaded.append((p, _by_day_or_coarser(name, p, df)))
            except UnusableExportError as exc:
                unused[p] = _short(exc, p)
            if df is not None:  # its files, listed even when the export is not used
                parts[p] = tuple((Path(f), what) for f, what in df.attrs.get("parts", ()))
        if name == "trends":
            trends_loaded = loaded  # joined below: which place is the brand's needs the country
        elif loaded:
            frames[name] = _join(name, loaded)
    settings = _infer(settings, frames)
    if trends_loaded:
        frames["trends"], dropped, uses = _join_trends(
            trends_loaded, settings, frames["campaigns"]
        )
        # the country of the place the brand term was downloaded for ("(South Korea)"): its
        # public holidays; a folder of Trends alone had none, without a word why
        places = {pl for pl in _trends_places(frames["trends"]) if pl}
        place = frames["trends"].attrs.get("brand_place") or (
            places.pop() if len(places) == 1 else None
        )
        settings = settings.infer(
            "country", country_code(place), f"from the Google Trends place ({place})"
        )
        unused.update(dropped)
        parts.update({p: ((p, what),) for p, what in uses.items()})
    exports = [
        Export(e.path, None, unused[e.path], e.kind, parts.get(e.path, ()))
        if e.path in unused
        else replace(e, parts=parts[e.path])
        if parts.get(e.path)
        else e
        for e in exports
    ]
    return Sources(**frames, settings=settings, exports=tuple(exports), directory=str(directory))


#: The time range of a Google Trends download with values at this step.
_TRENDS_RANGES = {"8min": "Past day", "h": "Past 7 days"}


def _by_day_or_coarser(name: str, path: Path, df: pd.DataFrame) -> pd.DataFrame:
    """Refuse an export with values at steps shorter than a day: the models need days.

    A Google Trends download of the past hour to past 7 days (values every minute, 8
    minutes or hour) and a Search Console "Last 24 hours" export (clicks by hour) load
    fine on their own, but no report can use them; in a data folder they are listed as
    not used, with the range to export instead, and the rest of the folder runs.
    """
    step = df.index.freq if isinstance(df.index, pd.DatetimeIndex) else None
    if not isinstance(step, pd.offsets.Tick) or step.nanos >= pd.Timedelta(days=1).value:
        return df
    minutes = int(step.nanos // 60_000_000_000)
    every = (
        "hour"
        if minutes == 60
        else f"{minutes // 60} hours"
        if minutes % 60 == 0
        else "minute"
        if minutes == 1
        else f"{minutes} minutes"
    )
    if name == "trends":
        download = _TRENDS_RANGES.get(df.index.freqstr)
        what = f" (a '{download}' download)" if download else ""
        raise UnusableExportError(
            f"{path.name}: Google Trends values every {every}{what}; the reports need values "
            "by day, week or month: in Google Trends choose a time range of 90 days or more "
            "(values by day or week), then download again"
        )
    if name == "search_console":
        raise UnusableExportError(
            f"{path.name}: Search Console clicks every {every} (a 'Last 24 hours' export); "
            "the reports need clicks by day: in Search Console choose a date range of 3 "
            "months or more and export again"
        )
    raise UnusableExportError(
        f"{path.name}: values every {every}; the reports need values by day, week or "
        "month: export it again by day"
    )


def _infer(settings: Settings, frames: dict[str, Any]) -> Settings:
    sc = frames.get("search_console")
    if sc is not None:
        terms = sc.attrs.get("brand_terms")
        if terms and not settings.brand:
            how = (
                "from the Search Console query filter"
                if sc.attrs.get("query_filter")
                else "from the Search Console site address"
            )
            settings = settings.infer("brand", terms, how)
        settings = settings.infer(
            "country", sc.attrs.get("top_country"), "from the top country in Search Console"
        )
        close = sc.attrs.get("countries_close")
        if close and not settings.country:
            settings = replace(
                settings,
                unknown={
                    **settings.unknown,
                    "country": f"Search Console's top countries are close: {close}",
                },
            )
    for name in ("meta_ads", "linkedin_ads"):
        df = frames.get(name)
        if df is not None:
            currency = df.attrs.get("currency")
            if isinstance(currency, str) and _ISO_CURRENCY.match(currency):
                settings = settings.infer(
                    "currency", currency.upper(), f"from the {name.split('_')[0].title()} export"
                )
    return settings


# --- joining several exports of one source ---------------------------------------------------


def _join(name: str, loaded: list[tuple[Path, pd.DataFrame]]) -> pd.DataFrame:
    if name == "search_console":
        loaded = [(p, _search_role(df)) for p, df in loaded]
    if len(loaded) == 1:
        path, df = loaded[0]
        df.attrs["paths"] = [str(path)]
        return df
    if not isinstance(loaded[0][1].index, pd.DatetimeIndex):
        return _join_records(loaded)
    if name in ("meta_ads", "linkedin_ads"):
        return _join_ads(name, loaded)
    freqs = {df.index.freqstr for _, df in loaded}
    if len(freqs) > 1:
        listing = ", ".join(f"{p.name} ({df.index.freqstr})" for p, df in loaded)
        raise fail(
            loaded[0][0].parent,
            f"holds {name} exports of different granularity ({listing}); export them all by "
            "day (or all by week) and keep one granularity",
        )
    freq = freqs.pop()
    out: pd.DataFrame | None = None
    origin: pd.DataFrame | None = None  # which file each value came from, per column
    for path, df in sorted(loaded, key=lambda x: x[1].index.min()):
        values = df.drop(columns=["missing"], errors="ignore")
        if "missing" in df.columns:
            values = values.where(~df["missing"].astype(bool), np.nan)
        if out is None:
            out = values.copy()
            origin = pd.DataFrame(str(path), index=values.index, columns=values.columns)
            attrs = dict(df.attrs)
            continue
        _check_agreement(name, out, origin, values, path)
        out = out.combine_first(values)
        new = pd.DataFrame(str(path), index=values.index, columns=values.columns)
        origin = origin.reindex(index=out.index, columns=out.columns).combine_first(new)
        for key, value in df.attrs.items():
            if key in _FILLED and attrs.get(key) is None:
                attrs[key] = value  # the first export's blank (no query filter) is no answer
            else:
                attrs.setdefault(key, value)
    numeric = out.select_dtypes("number").columns
    out = out.sort_index()
    joined = regularize(out[list(numeric)], freq)
    joined.attrs = attrs
    joined.attrs["paths"] = [str(p) for p, _ in loaded]
    # periods between two exports that no file covers: not an outage of the tracking, a
    # range nobody exported (two real Dates.csv 57 days apart were called "a tracking
    # outage"): (first, last) of each such range, for the pages to say so
    joined.attrs["uncovered"] = _uncovered(joined.index, [df for _, df in loaded])
    # and per column: a branded export's gap is not covered by an unfiltered export beside it
    # (16 days between two branded exports were "a tracking outage" next to total search)
    joined.attrs["uncovered_columns"] = {
        col: _uncovered(
            joined.index,
            [df for _, df in loaded if col in df.columns and df[col].notna().any()],
        )
        for col in joined.columns
        if col != "missing"
    }
    if name == "trends":  # each column's term, from whichever download holds it
        term_of = {}
        for _, df in loaded:
            cols = [c for c in df.columns if c != "missing"]
            terms = df.attrs.get("terms") or []
            if len(terms) == len(cols):
                term_of.update(zip(cols, terms, strict=True))
        joined.attrs["terms"] = [
            term_of.get(c, c.replace("_", " ")) for c in joined.columns if c != "missing"
        ]
    return joined


#: What a joined export takes from a later export when the first has none: who the brand
#: is and where the audience is (a branded export's query filter names the brand). A
#: scope filter (pages, country, device) is not filled so: one /blog/ export joined to a
#: whole-site one would label every series "/blog/ pages only".
_FILLED = frozenset(
    {"brand_terms", "query_filter", "top_country", "countries_close", "brand_share"}
)


def _uncovered(index: pd.DatetimeIndex, frames: list[pd.DataFrame]) -> list[tuple]:
    """``(first, last)`` of each run of ``index`` outside every frame's date range."""
    covered = pd.Series(False, index=index)
    for df in frames:
        covered |= (index >= df.index.min()) & (index <= df.index.max())
    runs = (covered != covered.shift()).cumsum()[~covered]
    return [(g.index[0], g.index[-1]) for _, g in runs.groupby(runs) if len(g)]


def _check_agreement(name, out, origin, values, path) -> None:
    common = out.index.intersection(values.index)
    cols = [
        c
        for c in out.columns.intersection(values.columns)
        if pd.api.types.is_numeric_dtype(out[c])
    ]
    if not len(common) or not cols:
        return
    a, b = out.loc[common, cols], values.loc[common, cols]
    both = a.notna() & b.notna()
    tol = np.maximum(1.0, 0.01 * a.abs())
    bad = both & ((a - b).abs() > tol)
    if not bad.to_numpy().any():
        return
    day = bad.any(axis=1).idxmax()
    col = bad.loc[day].idxmax()
    other = Path(origin.loc[day, col])
    fix = (
        "Google Trends scales each download to its own peak (100), so downloads cannot be "
        "joined: download the whole period once, with up to five terms together"
        if name == "trends"
        else "exports of two sites, or with other filters, each go in a data folder of their "
        "own; for one site, keep one of the two for the days they share, or export them "
        "again with the same settings"
        if name == "search_console"
        else "keep one of the two for the days they share, or export them again with the "
        "same settings"
    )
    from darksocial.coverage import SOURCE_LABELS

    raise fail(
        path,
        # with its folder: two exports' charts are both "Gráfico.csv" (a real folder's
        # "disagrees with Gráfico.csv" did not say which)
        f"disagrees with {other.parent.name}/{other.name} on {day:%Y-%m-%d} "
        f"({col.replace('_', ' ')}: "
        f"{b.loc[day, col]:g} against {a.loc[day, col]:g}), and both are "
        f"{SOURCE_LABELS.get(name, name)} exports; {fix}",
    )


def _join_ads(name: str, loaded: list[tuple[Path, pd.DataFrame]]) -> pd.DataFrame:
    """Ads exports hold rows per day and campaign (or ad): exports of other campaigns or other
    periods add up; a day and campaign found in two exports must agree."""
    from darksocial.io.ads import ads_daily

    longs = []
    for path, df in loaded:
        long = df.attrs.get("long")
        if not isinstance(long, pd.DataFrame) or "campaign" not in long.columns:
            raise fail(
                path,
                f"cannot be joined with the other {name} exports (no per-campaign "
                "rows); keep one export covering every campaign",
            )
        longs.append(long.assign(_file=str(path)))
    long = pd.concat(longs, ignore_index=True)
    metrics = list(long.select_dtypes("number").columns)
    keys = ["date", "campaign"]
    dup = long[long.duplicated(keys, keep=False)]
    for _, group in dup.groupby(keys, sort=True):
        files = group["_file"].unique()
        if len(files) < 2:
            continue
        values = group[metrics].fillna(0.0)
        spread = (values.max() - values.min()).abs()
        if (spread > np.maximum(1.0, 0.01 * values.max().abs())).any():
            col = spread.idxmax()
            day, campaign = group.iloc[0]["date"], group.iloc[0]["campaign"]
            raise fail(
                Path(files[1]),
                f"and {Path(files[0])} are both {name} exports and disagree on "
                f"{pd.Timestamp(day):%Y-%m-%d} for campaign {campaign!r} ({col}); keep one of "
                "the two for the days they share, or export them again with the same settings",
            )
    long = long.drop_duplicates(keys).drop(columns="_file")
    first = loaded[0][1]
    skip = ("long", "path", "source", "variant", "paths")
    attrs = {k: v for k, v in first.attrs.items() if k not in skip}
    currencies = {df.attrs.get("currency") for _, df in loaded} - {None}
    if len(currencies) > 1:
        raise fail(
            loaded[0][0].parent,
            f"holds {name} exports in several currencies ({', '.join(sorted(currencies))}); "
            "export them in one currency",
        )
    out = ads_daily(loaded[0][0], long, name, str(first.attrs.get("variant")), **attrs)
    out.attrs["paths"] = [str(p) for p, _ in loaded]
    return out


def _join_records(loaded: list[tuple[Path, pd.DataFrame]]) -> pd.DataFrame:
    frames = [df for _, df in loaded]
    out = pd.concat(frames, ignore_index=not frames[0].index.name).drop_duplicates()
    out.attrs = dict(frames[0].attrs)
    out.attrs["paths"] = [str(p) for p, _ in loaded]
    return out


# --- Google Trends: one granularity, the brand term in one place ---------------------------

#: A Trends term column: ``term: (place)``, as the download's header writes it.
#: How Trends' UI languages write "Worldwide", the place of a download made without one.
_WORLDWIDE = frozenset(
    {
        "worldwide", "weltweit", "monde entier", "dans le monde entier", "todo el mundo",
        "in tutto il mondo", "tutto il mondo", "todo o mundo", "em todo o mundo",
        "wereldwijd", "cały świat", "по всему миру", "у всьому світі", "전 세계", "全世界",
        "世界", "全球",
    }
)  # fmt: skip
#: The word for each Trends granularity, finest first.
_TRENDS_STEPS = {"D": "day", "W-SUN": "week", "MS": "month"}


def _join_trends(
    loaded: list[tuple[Path, pd.DataFrame]], settings: Settings, campaigns: pd.DataFrame | None
) -> tuple[pd.DataFrame, dict[Path, str], dict[Path, str]]:
    """Join a folder's Google Trends downloads, with one granularity and the brand in one place.

    Trends gives days for at most 9 months and weeks for at most 5 years, so a folder
    often holds a long monthly download beside a weekly one: the downloads of one
    granularity are joined (:func:`_one_granularity`) and the others are listed as not
    used, not a stop. A term downloaded for several places gives one series per place
    (``pm_modi_india``, ``pm_modi_worldwide``); when that term is the brand, one place is
    measured (:func:`_one_place`) and the others are listed.

    Returns
    -------
    tuple
        The joined frame; the reason each download not used is not; what each download of
        a choice gives (the Files line of ``darksocial check``). When the downloads were for
        several places, the frame's ``attrs["brand_place"]`` is the brand term's place and
        ``attrs["brand_place_how"]`` how it was chosen (empty when no choice was needed).
    """
    places = {pl for _, df in loaded for pl in _trends_places(df) if pl}
    if len(places) > 1:
        loaded = [(p, _with_geo(df)) for p, df in loaded]
    classifier = settings.classifier()
    loaded, repeats = _one_download(loaded)
    loaded, unused = _one_granularity(loaded, classifier, campaigns)
    unused = {**repeats, **unused}
    loaded, dropped, uses, how = _one_place(loaded, classifier, settings.country)
    measured = {}  # brand term -> its place, in the downloads kept
    for p, df in loaded:
        cols = _brand_columns(df, classifier)
        places_of = df.attrs.get("places") or _trends_places(df)
        measured.update({term_names(df)[i]: places_of[i] for i in cols})
        if (unused or len(places) > 1) and cols and p not in uses:
            # name the place and step measured, not just "Google Trends"
            terms = [term_names(df)[i] for i in cols]
            uses[p] = f"brand interest in {', '.join(terms)}, by {_step(df)}"
    joined = _join("trends", loaded)
    brand_places = set(measured.values())
    if len(places) > 1 and len(brand_places) == 1 and None not in brand_places:
        # for the pages: "Google Trends interest in the brand (India)", and why that place
        joined.attrs["brand_place"] = brand_places.pop()
        joined.attrs["brand_place_how"] = how
    return joined, {**unused, **dropped}, uses


def _step(df: pd.DataFrame) -> str:
    return _TRENDS_STEPS.get(df.index.freqstr, df.index.freqstr)


def _trends_places(df: pd.DataFrame) -> list[str | None]:
    """The place of each term column of a Trends download (None where the header has none)."""
    cols = [c for c in df.columns if c != "missing"]
    places = list(df.attrs.get("places") or [])  # load_trends reads them off the header
    if len(places) == len(cols):
        return places
    geo = df.attrs.get("geo")
    return [geo if isinstance(geo, str) and geo else None] * len(cols)


def _with_geo(df: pd.DataFrame) -> pd.DataFrame:
    """Trends downloads for other places are other series: name each column with its place."""
    from darksocial.io._text import column_key

    cols = [c for c in df.columns if c != "missing"]
    places = _trends_places(df)
    if not any(places):
        return df
    names: dict[str, str] = {}
    for c, term, pl in zip(cols, term_names(df), places, strict=True):
        # from the term, not the column: one download's `acme: (France)` and `acme: (Spain)`
        # are acme_france and acme_spain, not acme_france and acme_2_spain
        base = f"{column_key(term)}_{column_key(pl)}" if pl else c
        name, k = base, 2
        while name in names.values() or name == "missing":
            name, k = f"{base}_{k}", k + 1
        names[c] = name
    out = df.rename(columns=names)
    out.attrs = dict(df.attrs)
    out.attrs["terms"] = [
        f"{t} ({pl})" if pl else t for t, pl in zip(term_names(df), places, strict=True)
    ]
    out.attrs["places"] = places
    return out


def _brand_columns(df: pd.DataFrame, classifier: BrandClassifier | None) -> list[int]:
    if classifier is None:
        return []
    return [i for i, t in enumerate(term_names(df)) if classifier.is_brand(t)]


def _files(paths: Iterable[Path]) -> str:
    return ", ".join(p.name for p in paths)


def _one_download(
    loaded: list[tuple[Path, pd.DataFrame]],
) -> tuple[list[tuple[Path, pd.DataFrame]], dict[Path, str]]:
    """Keep one of several downloads of the same query (same terms, places and dates).

    Google Trends samples its data anew for each download, so two downloads of one query
    disagree (a real pair read 100 against 0 on one week) and cannot be joined; the run
    stopped with "download the whole period once", which both already were. The original
    (``multiTimeline.csv`` before the browser's ``multiTimeline (1).csv``) is used; each other
    is listed as not used, with why.
    """

    def query(df: pd.DataFrame) -> tuple:
        return (
            tuple(term_names(df)),
            tuple(_trends_places(df)),
            df.attrs.get("category"),
            df.index.freqstr,
        )

    def first_copy(item) -> tuple:
        # the browser's later copy is "multiTimeline (1).csv": the original comes first
        name = re.sub(r"\s*\(\d+\)(?=\.[^.]+$)", "", item[0].name)
        return (name, name != item[0].name, item[0].name, str(item[0]))

    kept: list[tuple[Path, pd.DataFrame]] = []
    unused: dict[Path, str] = {}
    for p, df in sorted(loaded, key=first_copy):
        same = next(
            (q for q, o in kept if query(o) == query(df) and o.index.equals(df.index)), None
        )
        if same is None:
            kept.append((p, df))
        else:
            unused[p] = (
                f"a second download of the query of {same.name} (same terms, category and "
                "dates); Google Trends samples each download anew, so two may differ and "
                f"cannot be joined: {same.name} is used. Keep one download of each query"
            )
    return kept, unused


def _one_granularity(
    loaded: list[tuple[Path, pd.DataFrame]],
    classifier: BrandClassifier | None,
    campaigns: pd.DataFrame | None,
) -> tuple[list[tuple[Path, pd.DataFrame]], dict[Path, str]]:
    """Keep the Trends downloads of one granularity; say why each other one is not used.

    The kept granularity is that of the downloads holding the brand term (all of them when
    none does), then the one on which the most campaigns have enough periods before their
    launch to be measured, then the finest: days and weeks show a campaign's weeks that
    months average away.
    """
    groups: dict[str, list[tuple[Path, pd.DataFrame]]] = {}
    for p, df in loaded:
        groups.setdefault(df.index.freqstr, []).append((p, df))
    if len(groups) < 2:
        return loaded, {}
    from darksocial.campaign import MIN_PRE_PERIODS

    steps = list(_TRENDS_STEPS)

    def measurable(freq: str) -> int:
        index = pd.DatetimeIndex(sorted(set().union(*(df.index for _, df in groups[freq]))))
        need = MIN_PRE_PERIODS.get(freq[0], 12)
        launches = pd.to_datetime((campaigns if campaigns is not None else {}).get("launch", []))
        return sum(
            1
            for launch in launches.dropna()
            if index[0] < launch <= index[-1] and (index < launch).sum() >= need
        )

    branded = [f for f, g in groups.items() if any(_brand_columns(df, classifier) for _, df in g)]
    candidates = branded or list(groups)
    counts = {f: measurable(f) for f in groups}
    fineness = {f: steps.index(f) if f in steps else len(steps) for f in groups}
    kept = min(candidates, key=lambda f: (-counts[f], fineness[f]))
    keep = groups[kept]
    word = _TRENDS_STEPS.get(kept, kept)
    unused = {}
    for freq, group in groups.items():
        if freq == kept:
            continue
        why = (
            "it holds the brand term"
            if branded and freq not in branded
            else "it has enough periods before more campaigns' launch"
            if counts[kept] > counts[freq]
            else "it is finer"
        )
        own = _TRENDS_STEPS.get(freq, freq)
        for p, df in group:
            unused[p] = (
                f"by {own} ({df.index[0]:%Y-%m-%d} to {df.index[-1]:%Y-%m-%d}), while "
                f"{_files(q for q, _ in keep)}, by {word}, is measured ({why}) and one "
                "granularity is used (Trends gives weeks for at most 5 years, days for at "
                f"most 9 months); to measure by {own} instead, move "
                f"{_files(q for q, _ in keep)} out of the data folder"
            )
    return keep, unused


def _one_place(
    loaded: list[tuple[Path, pd.DataFrame]],
    classifier: BrandClassifier | None,
    country: str | None,
) -> tuple[list[tuple[Path, pd.DataFrame]], dict[Path, str], dict[Path, str], str]:
    """Measure the brand term in one place; drop its columns for the other places.

    The place is the country setting's (``country: IN`` picks ``(India)``, in any UI
    language), else Worldwide, else that of the first download in path order. The brand
    term in another place is not a control: interest in the brand there can move with the
    campaign too (Worldwide includes every country). A download left without a column is
    listed as not used; other terms in it stay controls. The last item returned says
    how the place was chosen (``"chosen by `country: IN`"``), empty when there was no choice.
    """
    found = []  # (download number, column, term, place) of each brand column
    for k, (_, df) in enumerate(loaded):
        cols = [c for c in df.columns if c != "missing"]
        terms, places = term_names(df), df.attrs.get("places") or _trends_places(df)
        found += [(k, cols[i], terms[i], places[i]) for i in _brand_columns(df, classifier)]
    order = list(dict.fromkeys(pl for *_, pl in found))
    if len(order) < 2:
        return loaded, {}, {}, ""
    local = [pl for pl in order if country and pl and country_code(pl) == country]
    world = [pl for pl in order if pl and pl.casefold() in _WORLDWIDE]
    chosen = (local or world or order)[0]
    unset = f"none is for `country: {country}`" if country else "no `country:` is set"
    why = (
        f"chosen by `country: {country}`"
        if local
        else f"chosen as the worldwide series since {unset}"
        if world
        else f"chosen as the first download since {unset}"
    )
    measured = ", ".join(t for _, _, t, pl in found if pl == chosen)
    home = loaded[next(k for k, _, _, pl in found if pl == chosen)][0]
    uses = {home: f"brand interest in {measured}, {why}"}
    keep, unused = [], {}
    for k, (p, df) in enumerate(loaded):
        drop = [(c, t, pl) for j, c, t, pl in found if j == k and pl != chosen]
        if not drop:
            keep.append((p, df))
            continue
        code = country_code(drop[0][2] or "")
        fix = (
            f"set `country: {code}` in {SETTINGS_FILE}"
            if code and code != country
            else f"move {home.name} out of the data folder"
            if p != home
            else ""
        )
        reason = (
            f"{', '.join(t for _, t, _ in drop)}: the brand term in another place; "
            f"{measured} ({home.name}) is measured, {why}, and interest in the brand elsewhere "
            "can move with the campaign, so it is not a control either"
            + (f"; to measure {drop[0][2]} instead, {fix}" if fix else "")
        )
        rest = df.drop(columns=[c for c, _, _ in drop])
        if not [c for c in rest.columns if c != "missing"]:
            unused[p] = reason
            continue
        rest.attrs = dict(df.attrs)
        left = [i for i, c in enumerate(c for c in df.columns if c != "missing") if c in rest]
        for key in ("terms", "places", "raw_headers"):
            values = list(df.attrs.get(key) or [])
            offset = 1 if key == "raw_headers" else 0
            if len(values) == len(left) + len(drop) + offset:
                rest.attrs[key] = values[:offset] + [values[i + offset] for i in left]
        keep.append((p, rest))
        uses[p] = f"{uses[p]}; not used: {reason}" if p == home else f"not used: {reason}"
    return keep, unused, uses, why


def _search_role(df: pd.DataFrame) -> pd.DataFrame:
    """A query-filtered export is a branded or non-branded series, not total search."""
    role = df.attrs.get("query_filter")
    if role not in ("branded", "nonbranded"):
        return df
    out = df.copy()
    cols = ["clicks", "impressions", "anonymized_clicks", "anonymized_impressions"]
    out[[c for c in cols if c in out.columns]] = np.nan
    if "anonymized_click_share" in out.columns:
        out["anonymized_click_share"] = np.nan
    out.attrs = dict(df.attrs)
    return out


def load_sample(
    directory: str | Path = config.SAMPLE_DIR,
    *,
    rules: PathRules | None = None,
    brand: BrandClassifier | None = None,
) -> Sources:
    """Load the bundled sample (or, as an alias of :func:`load_folder`, any data folder).

    Parameters
    ----------
    directory : str or pathlib.Path, default ``config.SAMPLE_DIR``
        The data folder.
    rules : PathRules, optional
        Landing-page rules for deep vs shallow direct sessions.
    brand : BrandClassifier, optional
        Brand terms; by default those of the folder's ``darksocial.yml``.

    Returns
    -------
    Sources

    Examples
    --------
    >>> sources = load_sample()  # doctest: +SKIP
    >>> sources.ga4_channels["direct"].head()  # doctest: +SKIP
    """
    directory = Path(directory)
    if not directory.exists() and directory.resolve() == config.SAMPLE_DIR.resolve():
        raise fail(directory, "the sample data is missing; run `darksocial sample`")
    return load_folder(directory, rules=rules, brand=brand)
