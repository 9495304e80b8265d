"""The data a run of ``darksocial report`` has read, handed to its notebooks.

The runner reads and checks the data folder once before any notebook starts; it writes
what it read to a file in the run's temporary folder, and the campaign notebooks read
that file instead of the folder (their ``data_cache`` parameter). Nothing is reused
between runs: the file is deleted with the run's temporary folder, and it is ignored
when any file of the folder changed since it was written.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["read_data_cache", "write_data_cache"]


def _folder_fingerprint(folder: Path, skip: Iterable[str] = ()) -> list[tuple[str, int, int]]:
    """Every file under ``folder`` with its size and modification time.

    Folders the scan does not read are left out: ``skip`` (the run's reports folder) and
    darksocial's own report folders, which this very run writes into while its notebooks
    read the cache.
    """
    from darksocial.io.folder import is_own_output

    skipped = {Path(p).resolve() for p in skip}
    out = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [
            d
            for d in dirs
            if Path(root, d).resolve() not in skipped and not is_own_output(Path(root, d))
        ]
        for name in files:
            path = Path(root, name)
            try:
                st = path.stat()
            except OSError:
                continue
            out.append((path.relative_to(folder).as_posix(), st.st_size, st.st_mtime_ns))
    return sorted(out)


def write_data_cache(
    sources: Any,
    folder: str | os.PathLike,
    directory: str | os.PathLike,
    *,
    skip: Iterable[str | os.PathLike] = (),
) -> Path:
    """Write the data read from ``folder`` for the notebooks of this run.

    The runner reads the data folder once (to check it) before any notebook starts; the
    notebooks then read this file instead of the folder. It lives in the run's temporary
    folder and is deleted with it: nothing is reused between runs.

    Parameters
    ----------
    sources : darksocial.io.Sources
        What :func:`darksocial.io.load_folder` returned for ``folder``.
    folder : str or path-like
        The data folder.
    directory : str or path-like
        A temporary folder of this run.
    skip : iterable of str or path-like, optional
        Folders under ``folder`` that the run writes into and the scan skips (the reports
        folder): their changes do not make the cache stale.

    Returns
    -------
    pathlib.Path
        The file, for the notebooks' ``data_cache`` parameter.
    """
    import pickle

    folder = Path(folder).resolve()
    path = Path(directory) / "data.pickle"
    skip = [str(Path(p).resolve()) for p in skip]
    payload = {
        "folder": str(folder),
        "skip": skip,
        "files": _folder_fingerprint(folder, skip),
        "sources": sources,
    }
    with open(path, "wb") as fh:
        pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def read_data_cache(path: str | os.PathLike, folder: str | os.PathLike) -> Any | None:
    """The data :func:`write_data_cache` wrote for ``folder``, or None to read the folder.

    None when the file is gone (a notebook run by hand after the run), was written for
    another folder, or when a file of the folder changed since it was written. Only pass a
    file that the runner of this run wrote: it is a pickle, which can run code when read.

    Parameters
    ----------
    path : str or path-like
        The file named by the notebook's ``data_cache`` parameter.
    folder : str or path-like
        The data folder the notebook reads.

    Returns
    -------
    darksocial.io.Sources or None
    """
    import pickle

    folder = Path(folder).resolve()
    try:
        with open(path, "rb") as fh:
            payload = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    if not isinstance(payload, dict) or payload.get("folder") != str(folder):
        return None
    if payload.get("files") != _folder_fingerprint(folder, payload.get("skip") or ()):
        return None
    return payload.get("sources")
