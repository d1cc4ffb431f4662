"""Atomic file and folder writes (a reader never sees a half-written report), and spreadsheet
cells that never execute."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pandas as pd


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically (:func:`write_bytes_atomic`)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def swap_folder(built: Path, target: Path) -> None:
    """Replace folder ``target`` by ``built``: two renames, so ``target`` is never half-written.

    The previous ``target`` is moved aside first and deleted only after ``built`` is in place; if
    the second rename fails, the previous folder is put back.
    """
    retired = target.with_name(f".retired-{target.name}-{uuid.uuid4().hex[:8]}")
    had_previous = target.exists()
    if had_previous:
        os.replace(target, retired)
    try:
        os.replace(built, target)
    except BaseException:
        if had_previous:
            os.replace(retired, target)
        raise
    if had_previous:
        shutil.rmtree(retired, ignore_errors=True)


#: A spreadsheet reads a text cell starting with one of these as a formula (OWASP, "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _neutralised(labels: pd.Index | pd.Series) -> pd.Index | pd.Series:
    text = labels.astype("string")
    risky = text.str.startswith(FORMULA_TRIGGERS).fillna(False).to_numpy(dtype=bool)
    return labels.where(~risky, "'" + text)


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell, header and index label that a spreadsheet would run as a
    formula prefixed with ``'`` (OWASP's CSV-injection guidance:
    https://owasp.org/www-community/attacks/CSV_Injection), so client text is stored as text."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = _neutralised(safe[column])
    safe.columns = _neutralised(safe.columns.astype(str))
    if not isinstance(safe.index, pd.RangeIndex):
        safe.index = _neutralised(safe.index.astype(str))
    return safe
