"""One guard for every reader of a client's files: nothing is read from outside the client folder.

Client data is confidential and the run manifest vouches for it by the hashes of the files in the
client folder, so a file the workbook reads (a table, ``weighting.population``, ``commentary.md``
and its images, the logo, a file dropped in the inbox, the workshop's assessment and its backups,
``client.yaml`` itself) must be a regular file inside that folder. :func:`client_file` resolves a
name or path and refuses an absolute path or ``..`` leading elsewhere, a link (at any level) whose
target lies outside the folder or nowhere, and a folder; :func:`read_client_bytes` then opens the
resolved file without following a link swapped in since, and refuses it by its size before reading
a byte (a 2 GB export would otherwise be read whole before anything could say it is too large).
"""

from __future__ import annotations

import os
from pathlib import Path

from cxlib.core.exceptions import CxError, Problem

#: The largest table file read (bytes): a million-row survey export is about 150 MB.
MAX_TABLE_BYTES = 1 << 30
#: A client configuration is a page of keys: a larger file is a mistake (an export saved under its name).
MAX_CONFIG_BYTES = 1 << 20


class ClientFileError(CxError):
    """A client file that cannot be read: outside the folder, missing, a folder, too large.

    ``name`` is the file as the consultant knows it (relative to the client folder), ``reason``
    what is wrong and what to do; :attr:`problem` locates it for a validation report.
    """

    def __init__(self, name: str, reason: str):
        self.name, self.reason = name, reason
        super().__init__(f"{name}: {reason}")

    @property
    def problem(self) -> Problem:
        return Problem(self.name, None, None, self.reason)


def display_name(client_dir: Path, name: str | Path) -> str:
    """``name`` as the consultant wrote it, relative to the client folder where it lies there."""
    path = Path(name)
    if path.is_absolute():
        try:
            return path.relative_to(client_dir).as_posix()
        except ValueError:
            return str(path)
    return path.as_posix()


def client_file(client_dir: Path, name: str | Path, what: str = "the file") -> Path:
    """The resolved path of ``name`` (relative to ``client_dir``, or a path inside it), checked to be
    a regular file inside the client folder.

    Raises
    ------
    ClientFileError
        When it leads outside the folder (an absolute path elsewhere, ``..``, or a link), is a link
        to nothing, is missing or is not a file; the message says what to do.
    """
    client_dir = Path(client_dir)
    root = client_dir.resolve()
    shown = display_name(client_dir, name)
    given = Path(name)
    path = given if given.is_absolute() else client_dir / given
    target = path.resolve()
    linked = any(part.is_symlink() for part in (path, *path.parents))
    if not target.is_relative_to(root):
        reason = "is a link to a file outside the client folder" if linked else "is outside the client folder"
        raise ClientFileError(
            shown, f"{reason}; copy {what} into the client folder and name it relative to client.yaml"
        )
    if not target.exists():
        if linked:
            raise ClientFileError(shown, f"is a link to a missing file; copy {what} into the client folder")
        raise ClientFileError(shown, f"not found in the client folder; put {what} there or fix the name")
    if not target.is_file():
        raise ClientFileError(shown, f"is a folder, not a file; save {what} there as a file")
    return target


def read_client_bytes(
    client_dir: Path, name: str | Path, what: str = "the file", limit: int = MAX_TABLE_BYTES
) -> bytes:
    """The bytes of a client file checked by :func:`client_file`, refused unread above ``limit``.

    Raises
    ------
    ClientFileError
        As :func:`client_file`, when the file is larger than ``limit``, or when it cannot be read.
    """
    path = client_file(client_dir, name, what)
    shown = display_name(Path(client_dir), name)
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        raise ClientFileError(shown, f"cannot be read ({error.strerror}); check its permissions") from error
    with os.fdopen(handle, "rb") as stream:
        _refuse_large(shown, os.fstat(stream.fileno()).st_size, limit, what)
        return stream.read(limit + 1)


def check_size(
    client_dir: Path, name: str | Path, what: str = "the file", limit: int = MAX_TABLE_BYTES
) -> Path:
    """:func:`client_file`, also refusing a file larger than ``limit`` (for readers that open the
    path themselves: Excel, Parquet, SPSS)."""
    path = client_file(client_dir, name, what)
    _refuse_large(display_name(Path(client_dir), name), path.stat().st_size, limit, what)
    return path


def _refuse_large(shown: str, size: int, limit: int, what: str) -> None:
    if size > limit:
        raise ClientFileError(
            shown, f"is {_size(size)}, more than the {_size(limit)} allowed; {_shrink(what)}"
        )


def _size(count: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"


def _shrink(what: str) -> str:
    if what == "the table":
        return "export only the columns client.yaml maps, or split the file by period"
    return f"save {what} smaller"
