"""What every source of ``darksocial fetch`` shares: errors, retries, atomic files, state."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from darksocial.errors import DarkSocialError

T = TypeVar("T")

#: Tries of one API call before giving up on a rate limit or a server error.
MAX_TRIES = 5
#: First wait (seconds) after a rate limit or server error; doubled after each try.
FIRST_WAIT = 2.0
#: Hidden file at the data folder's root recording, per source, what is final on disk.
#: Its leading dot keeps it out of the folder scan; it never holds a credential.
STATE_FILE = ".darksocial-fetch.json"


class FetchError(DarkSocialError, RuntimeError):
    """A source could not be fetched; the message is one line naming the source."""


class Retry(Exception):  # noqa: N818 - a signal, not an error the user sees
    """Raised by a source's error classifier: the call may succeed if tried again."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


@dataclass
class Secrets:
    """Credential strings known to this run, removed from every line that leaves it."""

    values: set[str] = field(default_factory=set)

    def add(self, *values: object) -> None:
        """Remember secret values (tokens, private keys) to redact."""
        for v in values:
            if isinstance(v, str) and len(v) >= 6:
                self.values.add(v)

    def redact(self, text: str) -> str:
        """Return ``text`` with every known secret replaced by ``***``."""
        for v in sorted(self.values, key=len, reverse=True):
            text = text.replace(v, "***")
        return text


def call(
    source: str,
    fn: Callable[[], T],
    classify: Callable[[BaseException], None],
    *,
    sleep: Callable[[float], None] = time.sleep,
    log: Callable[[str], None] | None = None,
) -> T:
    """Call ``fn``, retrying with exponential backoff when ``classify`` raises :class:`Retry`.

    ``classify`` turns the client library's exception into :class:`Retry` (rate limit,
    server error) or :class:`FetchError` (one line saying what to do); an exception it
    lets through is a bug and propagates.
    """
    wait = FIRST_WAIT
    for attempt in range(1, MAX_TRIES + 1):
        try:
            return fn()
        except (FetchError, Retry):
            raise
        except Exception as exc:  # noqa: BLE001 - classified below
            try:
                classify(exc)
            except Retry as retry:
                if attempt == MAX_TRIES:
                    raise FetchError(
                        f"{source}: {retry.what}, still after {MAX_TRIES} tries; wait an hour "
                        "(or until the quota resets) and run `darksocial fetch` again"
                    ) from None
                if log is not None:
                    log(f"{source}: {retry.what}; trying again in {wait:g} s")
                sleep(wait)
                wait *= 2
                continue
            raise
    raise AssertionError("unreachable")  # pragma: no cover


# --- files ----------------------------------------------------------------------------------


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The CSV text of ``rows``: UTF-8, ``\\n`` line ends, minimal quoting (deterministic)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV this package wrote before (empty when there is none)."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_atomic(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` through a temporary file and :func:`os.replace`.

    A failure or interruption leaves the old file (or none) in place, never a partial one.
    Returns False, touching nothing, when the file already holds exactly ``text``.
    """
    data = text.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return True


def read_state(directory: Path) -> dict[str, Any]:
    """The fetch state of a data folder: per source, its identity and last final day."""
    path = directory / STATE_FILE
    if not path.is_file():
        return {}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return {}  # a damaged state only costs a full re-fetch
    return state if isinstance(state, dict) else {}


def state_text(state: dict[str, Any]) -> str:
    """The state file's text (sorted keys: a re-run writes the same bytes)."""
    return json.dumps(state, indent=2, sort_keys=True) + "\n"


# --- dates ----------------------------------------------------------------------------------


def day(value: object) -> pd.Timestamp:
    """A date-like value as a midnight :class:`pandas.Timestamp`."""
    return pd.Timestamp(str(value)).normalize()


def iso(value: pd.Timestamp) -> str:
    """``YYYY-MM-DD``."""
    return value.strftime("%Y-%m-%d")


def number(value: object) -> str:
    """A count or amount as written: integers without ``.0``, others as given."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


#: Months fetched on a folder's first run (the Search Console API keeps 16).
FIRST_RUN_MONTHS = 16


def first_day(cfg: dict, today: pd.Timestamp) -> pd.Timestamp:
    """The first day a source's history starts on: the settings' ``start``, else 16 months back."""
    if cfg.get("start"):
        return day(cfg["start"])
    return today - pd.DateOffset(months=FIRST_RUN_MONTHS) + pd.Timedelta(days=1)


def fetch_window(
    cfg: dict, state: dict | None, identity: dict, today: pd.Timestamp, not_final_days: int
) -> tuple[bool, pd.Timestamp, pd.Timestamp]:
    """The days a source must fetch: from what is not yet final to the last final day.

    Parameters
    ----------
    cfg : dict
        The source's settings (an optional ``start``).
    state : dict or None
        What the last run recorded (``identity``, ``final_through``).
    identity : dict
        What the source is (a property, a dataset); a different one starts afresh.
    today : pandas.Timestamp
    not_final_days : int
        The last days the API may still revise.

    Returns
    -------
    same, start, final
        Whether the state is this source's, the first day to fetch and the last final day;
        nothing to fetch when ``start > final``.
    """
    same = bool(state and state.get("identity") == identity)
    start = first_day(cfg, today)
    if same and state.get("final_through"):
        start = max(start, day(state["final_through"]) + pd.Timedelta(days=1))
    return same, start, today - pd.Timedelta(days=not_final_days)
