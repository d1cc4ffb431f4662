"""Atomic file and folder writes (a reader never sees a half-written report), and spreadsheet
cells that never execute."""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Callable
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


#: ``renameat2(2)`` flags (``<linux/fs.h>``) and the "current folder" descriptor (``<fcntl.h>``).
_AT_FDCWD, _RENAME_NOREPLACE, _RENAME_EXCHANGE = -100, 1, 2


def _libc_renameat2() -> Callable[..., int] | None:
    """glibc's ``renameat2`` (2.28 or later), or ``None`` on a C library without it."""
    try:
        return ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None


_RENAMEAT2 = _libc_renameat2() if sys.platform.startswith("linux") else None


def _rename_atomically(source: Path, target: Path, flags: int) -> bool:
    """``renameat2(source, target, flags)``; ``False`` where the system or the file system cannot
    do it (no such call, ``ENOSYS``, or flags it does not support, ``EINVAL``).

    Raises
    ------
    OSError
        Any other failure, with its ``errno`` (``EEXIST`` for a target that ``RENAME_NOREPLACE``
        finds, ``ENOENT`` for a target that ``RENAME_EXCHANGE`` does not).
    """
    if _RENAMEAT2 is None:
        return False
    if _RENAMEAT2(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(target), flags) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL):
        return False
    raise OSError(code, os.strerror(code), str(source), None, str(target))


def swap_folder(built: Path, target: Path) -> None:
    """Replace folder ``target`` by ``built`` so that a reader of ``target`` always finds either the
    previous folder or the new one, complete, and concurrent swaps into one ``target`` leave one.

    On Linux, ``renameat2(2)`` moves ``built`` to ``target`` in one step: with ``RENAME_NOREPLACE``
    when there is no ``target``, else (or when another swap put one there first) with
    ``RENAME_EXCHANGE``, which exchanges the two folders at once; the previous folder, now at
    ``built``, is then deleted. Where ``renameat2`` is unavailable (another system, or a file
    system without these flags), two renames are used instead: the previous ``target`` is moved
    aside to ``.retired-<name>-<id>``, ``built`` renamed into place and the retired folder deleted
    (put back if the second rename fails); there ``target`` is missing for the instant between the
    two renames, and concurrent swaps of one ``target`` can fail.
    """
    while True:
        try:
            done = _rename_atomically(built, target, _RENAME_NOREPLACE)
        except FileExistsError:
            try:
                done = _rename_atomically(built, target, _RENAME_EXCHANGE)
            except FileNotFoundError:  # the target went away meanwhile: move into its place
                continue
            if done:
                shutil.rmtree(built, ignore_errors=True)  # the previous folder, exchanged into it
        break
    if not done:
        _swap_by_two_renames(built, target)


def _swap_by_two_renames(built: Path, target: Path) -> None:
    """:func:`swap_folder` where ``renameat2`` is unavailable: move ``target`` aside, then ``built`` in."""
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
