"""The output folder: checked before anything runs, one lock per client, stale builds recovered.

A run builds each client in ``.build-<slug>-<id>`` and swaps it in (:func:`cxlib.core.files.swap_folder`):
on Linux the build and the previous report exchange places in one step, so the previous report is
left under the build's name and deleted at once; where that is unavailable, the previous report is
moved aside as ``.retired-<slug>-<id>`` for the instant of the swap. A run that is killed can leave
either behind: the next run of that client deletes stale builds (an unfinished build, or a previous
report exchanged out) and puts a retired report back when its replacement never landed. Only the
holder of a client's lock (``.lock-<slug>``, holding its pid) touches that client's folders, so two
runs of one client never interleave: the second is refused while the first runs.

``cxwb watch`` keeps its own files in the client's report folder (:data:`WATCH_FILES`: the alert
log, the outbox, its state). It writes them only inside :func:`watch_files_lock`, and a run copies
their latest version into its build inside the same lock, up to the swap, so no alert appended
while a report is rebuilt is lost.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cxlib.core.exceptions import CxError
from cxlib.inputs.alert_log import ALERT_LOG_NAME

WATCH_STATE_NAME = "watch.state.json"
OUTBOX_NAME = "alerts.outbox.json"
#: Files ``cxwb watch`` owns in a client's report folder; every rebuild of the report keeps them.
WATCH_FILES = (ALERT_LOG_NAME, OUTBOX_NAME, WATCH_STATE_NAME)


class OutputFolderError(CxError):
    """The output folder cannot be written (a file, read-only, full, no permission)."""


def prepare_output(out_dir: Path) -> Path:
    """Create ``out_dir`` if needed and prove it is writable, or say why not.

    Raises
    ------
    OutputFolderError
        With the reason and what to do.
    """
    out_dir = out_dir.expanduser().resolve()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out_dir, prefix=".probe-"):
            pass
    except FileExistsError as error:
        raise OutputFolderError(f"--out {out_dir} is a file, not a folder; give a folder") from error
    except OSError as error:
        raise OutputFolderError(
            f"--out {out_dir}: cannot write reports there ({error.strerror}); give a folder you can write to"
        ) from error
    return out_dir


def is_internal(folder: Path) -> bool:
    """Builds, retired reports and locks: never a client's report."""
    return folder.name.startswith(".")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


class ClientLock:
    """``.lock-<slug>`` in the output folder, created exclusively and holding the owner's pid
    (``.watch-<slug>`` for the client's watcher, with ``kind="watch"``)."""

    def __init__(self, out_dir: Path, slug: str, kind: str = "lock"):
        self.path = out_dir / f".{kind}-{slug}"
        self.held = False

    def acquire(self) -> int | None:
        """Take the lock; return ``None`` on success, or the pid of the live run holding it."""
        for _ in range(2):
            try:
                handle = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                try:
                    owner = int(self.path.read_text(encoding="ascii").strip() or 0)
                except (OSError, ValueError):
                    owner = 0
                if owner and _alive(owner):
                    return owner
                self.path.unlink(missing_ok=True)  # left by a run that died
                continue
            with os.fdopen(handle, "w", encoding="ascii") as stream:
                stream.write(str(os.getpid()))
            self.held = True
            return None
        return -1

    def release(self) -> None:
        if self.held:
            self.path.unlink(missing_ok=True)
            self.held = False


def recover_stale(out_dir: Path, slug: str) -> list[str]:
    """Delete the client's stale builds; put back a retired report whose replacement never landed.

    A ``.build-<slug>-<id>`` left by a killed run is never the report in place: either a build that
    was not swapped in, or the previous report a swap exchanged out of ``<slug>`` before deleting
    it. A ``.retired-<slug>-<id>`` is left only by the two-rename swap (systems without
    ``renameat2``), killed between its renames when ``<slug>`` is missing: it is the last good
    report, so it goes back into place; beside a ``<slug>``, it is deleted.

    Call only while holding the client's :class:`ClientLock`. Returns what was done, for the log.
    """
    done = []
    pattern = re.compile(rf"^\.(build|retired)-{re.escape(slug)}-[0-9a-f]{{8}}$")
    target = out_dir / slug
    for folder in sorted(out_dir.iterdir()):
        match = pattern.match(folder.name)
        if not match or not folder.is_dir():
            continue
        if match.group(1) == "retired" and not target.exists():
            os.replace(folder, target)
            done.append(f"put back the report left in {folder.name}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
            done.append(f"removed {folder.name} left by an interrupted run")
    return done


@contextmanager
def watch_files_lock(out_dir: Path, slug: str) -> Iterator[None]:
    """Hold the exclusive lock on the client's :data:`WATCH_FILES` (``flock`` on
    ``.watchfiles-<slug>``, released by the system if the holder dies)."""
    with open(out_dir / f".watchfiles-{slug}", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def carry_watch_files(published: Path, build: Path) -> None:
    """Copy the watcher's files from the report in place into a build (hold :func:`watch_files_lock`)."""
    for name in WATCH_FILES:
        if (published / name).is_file():
            shutil.copy2(published / name, build / name)
