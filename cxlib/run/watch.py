"""``cxwb watch``: measurements monitored as they arrive, alerts delivered, the report kept current.

The method asks to check the value promise at every interaction and to react fast when a touchpoint
stops keeping it (seed 001). Every ``--every`` seconds the watcher:

1. reads what is new: lines appended to the client's ``interactions.csv`` (a file in another
   format is re-read whole when it changes), and files ``interactions-*.csv|parquet`` dropped in
   the client's ``inbox/`` (write them under a hidden name, ``.name``, and rename them into place);
2. validates only those rows, as ``cxwb validate`` would. Bad rows never stop the watch: they are
   quarantined in ``inbox/quarantine/`` (``<name>.rejected.csv`` with the rows,
   ``<name>.rejected-lines.txt`` with lines that are no rows of the header, as written,
   ``<name>.errors.txt`` with the usual ``file:row: column: message`` lines); an inbox file is moved
   to ``inbox/done/`` when taken in whole, or to ``inbox/quarantine/`` with its good rows copied
   to ``inbox/done/``, so every row is in exactly one place and ``cxwb run`` reads the same
   measurements (the main file, then ``inbox/done/``, then the inbox). Files are read only inside
   the client folder (:mod:`cxlib.core.guard`): a link leading out, or a folder named like an inbox
   file, is moved to ``inbox/quarantine/`` as it is, never read;
3. adds their weekly sums to the monitoring state and recomputes the control charts
   (:mod:`cxlib.stats.monitoring`; a week still filling up is judged on its own count);
4. raises each new episode at or above ``alerts.min_level`` once in ``alerts.jsonl``
   (:mod:`cxlib.inputs.alert_log`) and delivers it (:mod:`cxlib.run.delivery`);
5. when an alert or its status changed, re-runs step ``03_journey`` (and so the client index)
   through ``cxwb run`` in the background, so the report shows what the watcher saw.

Its state (weekly sums, how far each file was read) is written atomically after every poll, so
Ctrl-C or a crash loses nothing: a restart goes on from the state without re-alerting. If a file's
rows already read change, everything is read again (alerts already raised are not raised again).
On the first start, episodes already over in the history are recorded, not delivered; an episode
still going on is delivered. One watcher per client: a second is refused (``.watch-<slug>`` in the
output folder holds the pid of the first).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from cxlib.core.exceptions import CxError, Problem, ValidationError
from cxlib.core.files import write_text_atomic
from cxlib.core.guard import ClientFileError, read_client_bytes
from cxlib.core.i18n import translator
from cxlib.core.paths import INBOX_DIR_NAME, INBOX_DONE_DIR_NAME, INBOX_QUARANTINE_DIR_NAME
from cxlib.inputs.alert_log import ALERT_LOG_NAME, append_events, now, raised_keys, read_events
from cxlib.inputs.client import Client, check_client, type_interactions
from cxlib.inputs.tables import (
    FIRST_DATA_ROW,
    STREAMED_TABLE,
    CsvCursor,
    EncodingError,
    MalformedLinesError,
    NotAppendedError,
    RaggedLinesError,
    RawTable,
    RefusedLine,
    decode_text,
    find_table,
    inbox_files,
    read_appended_csv,
    read_csv_cells,
    read_table,
    sniff_separator,
    text_cells,
)
from cxlib.run.delivery import deliver_due, outbox, write_outbox
from cxlib.run.output import (
    OUTBOX_NAME,
    WATCH_STATE_NAME,
    ClientLock,
    prepare_output,
    watch_files_lock,
)
from cxlib.stats.monitoring import alerts, control_charts, merge_aggregates, weekly_aggregates

STATE_VERSION = 1
LEVELS = ("watch", "alarm")
#: Seconds between polls when ``--every`` is not given.
DEFAULT_EVERY = 5.0
JOURNEY_STEP = "03_journey"


class WatchError(CxError):
    """The watch cannot start (another watcher, no measurements table, an unusable client)."""


@dataclass
class WatchState:
    """What the watcher has taken in, saved after every poll."""

    aggregates: pd.DataFrame
    main: CsvCursor | None = None
    #: Signature (size, modification time) of a main file that is not a growing CSV.
    main_signature: list[int] | None = None
    #: Files of ``inbox/done/`` whose rows the aggregates hold, with their row counts.
    done: dict[str, int] = field(default_factory=dict)
    #: ``alert_id|level`` of episodes already over when the watch first started (never delivered).
    seen: set[str] = field(default_factory=set)
    rows: int = 0
    #: Rows quarantined since the files were last read from the start.
    quarantined: int = 0
    #: What the report showed when last refreshed (alert episodes and statuses).
    rendered: str = ""

    def to_json(self) -> str:
        aggregates = self.aggregates.assign(week=self.aggregates["week"].dt.strftime("%Y-%m-%d"))
        return json.dumps(
            {
                "version": STATE_VERSION,
                "saved": now(),
                "main": asdict(self.main) if self.main else None,
                "main_signature": self.main_signature,
                "done": self.done,
                "seen": sorted(self.seen),
                "rows": self.rows,
                "quarantined": self.quarantined,
                "rendered": self.rendered,
                "aggregates": aggregates.to_dict(orient="records"),
            },
            ensure_ascii=False,
        )

    @classmethod
    def read(cls, path: Path) -> WatchState | None:
        """The saved state, or ``None`` when there is none (or it is from another version)."""
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if saved.get("version") != STATE_VERSION:
            return None
        main = saved["main"]
        return cls(
            aggregates=merge_aggregates(
                pd.DataFrame(saved["aggregates"]).assign(week=lambda frame: pd.to_datetime(frame["week"]))
                if saved["aggregates"]
                else pd.DataFrame()
            ),
            main=CsvCursor(**main | {"header": tuple(main["header"])}) if main else None,
            main_signature=saved["main_signature"],
            done=saved["done"],
            seen=set(saved["seen"]),
            rows=saved["rows"],
            quarantined=saved["quarantined"],
            rendered=saved["rendered"],
        )


def empty_aggregates() -> pd.DataFrame:
    return merge_aggregates(pd.DataFrame())


def _level_rank(level: str) -> int:
    return LEVELS.index(level)


def _signature(path: Path) -> list[int]:
    info = path.stat()
    return [info.st_size, info.st_mtime_ns]


def _unique_path(folder: Path, name: str) -> Path:
    """``folder/name``, or ``folder/<stem>-2<suffix>``… when that name is taken."""
    candidate, counter = folder / name, 2
    while candidate.exists():
        candidate = folder / f"{Path(name).stem}-{counter}{Path(name).suffix}"
        counter += 1
    return candidate


class Watcher:
    """One client's watch; :meth:`poll` does one round, :meth:`run` loops until Ctrl-C.

    Parameters
    ----------
    client_dir : Path
        The client folder.
    out_dir : Path
        The output folder of ``cxwb run``; the watcher's files go to ``<out>/<slug>/``.
    render : bool
        Refresh the journey page and index through ``cxwb run`` when alerts change.
    log : callable
        Where progress lines go (stderr by default).
    """

    def __init__(
        self,
        client_dir: Path,
        out_dir: Path,
        render: bool = True,
        log: Callable[[str], None] | None = None,
    ):
        self.log = log or (lambda message: print(message, file=sys.stderr, flush=True))
        self.client = _watchable_client(client_dir, self.log)
        self.config = self.client.config
        self.out_dir = prepare_output(out_dir)
        self.report_dir = self.out_dir / self.config.slug
        self.render = render
        self.t = translator(self.config.language, self.config.locale)
        self.lock = ClientLock(self.out_dir, self.config.slug, kind="watch")
        self.render_process: subprocess.Popen | None = None
        #: The alert episodes (id, level, ongoing) as last computed; ``None`` before the first poll.
        self.alert_status: str | None = None
        self.state = WatchState.read(self.report_dir / WATCH_STATE_NAME)
        self.first_start = self.state is None
        main, _ = find_table(self.client.directory, STREAMED_TABLE)
        self.main_path = main
        self.inbox = self.client.directory / INBOX_DIR_NAME
        self.render_log = self.out_dir / f".watch-{self.config.slug}.render.log"

    # -- reading -----------------------------------------------------------------------------

    def _take_rows(self, cells: pd.DataFrame, file_name: str, decimal_comma: bool) -> pd.DataFrame:
        """Validate text rows; quarantine the bad ones; return the good ones typed."""
        if cells.empty:
            return pd.DataFrame()
        typed, collector = type_interactions(self.client, cells, file_name, decimal_comma)
        bad = cells.index.isin(list(collector.bad_rows)) | collector.file_level
        if bad.any():
            self._quarantine(file_name, cells[bad], collector.problems)
        return typed[~bad]

    def _quarantine(
        self, file_name: str, rows: pd.DataFrame, problems: list[Problem], lines: Sequence[str] = ()
    ) -> None:
        """Keep refused ``rows`` (as cells) or ``lines`` (as written) of ``file_name`` in
        ``inbox/quarantine/``, with the ``problems`` saying why."""
        folder = self._quarantine_dir()
        stem = Path(file_name).stem
        if len(rows):
            rejected = folder / f"{stem}.rejected.csv"  # its own columns: fixed, it can go back in the inbox
            rows.to_csv(rejected, mode="a", header=not rejected.exists(), index=False)
        if lines:
            with open(folder / f"{stem}.rejected-lines.txt", "a", encoding="utf-8") as rejected_lines:
                rejected_lines.writelines(lines)
        with open(folder / f"{stem}.errors.txt", "a", encoding="utf-8") as errors:
            errors.write(f"# {now()}: {len(rows) + len(lines)} row(s) of {file_name} refused\n")
            errors.writelines(f"{problem}\n" for problem in problems)
        self.state.quarantined += len(rows) + len(lines)
        for problem in problems[:5]:
            self.log(f"{self.config.slug}: quarantined: {problem}")
        if len(problems) > 5:
            self.log(f"{self.config.slug}: quarantined: {len(problems) - 5} more problem(s) in {folder}")

    def _quarantine_lines(self, file_name: str, refused: list[RefusedLine]) -> None:
        """Quarantine lines that are no rows of their header, each named by its spreadsheet row."""
        hint = (
            "the line was not read: give it as many fields as the header (quote a cell holding the "
            "separator), then drop it in the inbox under the header"
        )
        problems = [Problem(file_name, line.row, None, f"{line.reason}; {hint}") for line in refused]
        self._quarantine(file_name, pd.DataFrame(), problems, [line.text for line in refused])

    def _read_main(self) -> tuple[pd.DataFrame, bool]:
        """New rows of the main file, and whether everything must be read again."""
        if self.main_path is None or not self.main_path.is_file():
            return pd.DataFrame(), False
        name = self.main_path.name
        if self.main_path.suffix.lower() == ".csv" and self.state.main_signature is None:
            try:
                cells, cursor = read_appended_csv(self.main_path, self.state.main, self.client.directory)
            except (NotAppendedError, ClientFileError) as error:
                if self.state.main is not None:
                    reason = error.reason if isinstance(error, ClientFileError) else error
                    self.log(f"{self.config.slug}: {name}: {reason}; reading everything again")
                    return pd.DataFrame(), True
                self.state.main_signature = []  # read whole (by read_table) whenever it changes from now on
                return self._read_main()
            except MalformedLinesError as error:
                self.state.main = error.cursor
                self._quarantine_lines(name, error.lines)
                return self._take_rows(error.cells, name, error.cursor.separator == ";"), False
            self.state.main = cursor
            return self._take_rows(cells, name, cursor is not None and cursor.separator == ";"), False
        signature = _signature(self.main_path)
        if signature == self.state.main_signature:
            return pd.DataFrame(), False
        if self.state.main_signature:  # changed since it was read: everything again
            self.state.main_signature = signature
            return pd.DataFrame(), True
        self.state.main_signature = signature
        raw, problems = read_table(self.main_path, self.client.directory)
        if raw is None:
            self._quarantine(name, pd.DataFrame(), problems)
            return pd.DataFrame(), False
        return self._take_rows(raw.frame, name, raw.decimal_comma), False

    def _take_inbox(self) -> None:
        """Move each new inbox file to ``done/`` (its good rows) and ``quarantine/`` (the file, when
        it had bad rows)."""
        done = self.inbox / INBOX_DONE_DIR_NAME
        for path in inbox_files(self.client.directory):
            raw, problems, refused = self._read_inbox(path)
            name = f"{INBOX_DIR_NAME}/{path.name}"
            if raw is None:  # a link or folder is moved as it is: never followed
                self._quarantine(name, pd.DataFrame(), problems)
                os.replace(path, _unique_path(self._quarantine_dir(), path.name))
                continue
            if refused:
                self._quarantine_lines(name, refused)
            typed, collector = type_interactions(self.client, raw.frame, name, raw.decimal_comma)
            bad = raw.frame.index.isin(list(collector.bad_rows)) | collector.file_level
            done.mkdir(parents=True, exist_ok=True)
            if not bad.any() and not refused:
                os.replace(path, _unique_path(done, path.name))
                continue
            if bad.any():
                self._quarantine(name, raw.frame[bad], collector.problems)
            if (~bad).any():
                good = raw.frame[~bad]
                write_text_atomic(
                    _unique_path(done, f"{path.stem}.csv"), good.to_csv(index=False, sep=raw.separator or ",")
                )
            os.replace(path, _unique_path(self._quarantine_dir(), path.name))

    def _read_inbox(self, path: Path) -> tuple[RawTable | None, list[Problem], list[RefusedLine]]:
        """An inbox file as :func:`~cxlib.inputs.tables.read_table` reads it inside the client
        folder; a CSV refused for lines with more fields than its header is read without them,
        returned apart to be quarantined (the other rows keep their spreadsheet rows)."""
        raw, problems = read_table(path, self.client.directory)
        if raw is not None or path.suffix.lower() != ".csv":
            return raw, problems, []
        try:  # the error path only: the refused file is read again to find its ragged lines
            text, encoding = decode_text(read_client_bytes(self.client.directory, path, "the table"))
            separator = sniff_separator(text)
            read_csv_cells(text, separator)
        except RaggedLinesError as ragged:
            cells = text_cells(ragged.cells, FIRST_DATA_ROW).dropna(how="all")
            return RawTable(path, cells, encoding, separator), [], ragged.lines
        except (ClientFileError, EncodingError, ValueError, csv.Error):  # refused for another reason
            pass
        return None, problems, []

    def _quarantine_dir(self) -> Path:
        folder = self.inbox / INBOX_QUARANTINE_DIR_NAME
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _read_done(self) -> tuple[list[pd.DataFrame], bool]:
        """Rows of ``inbox/done/`` files not yet in the aggregates; whether one already in them is gone."""
        present = {path.name: path for path in inbox_files(self.client.directory, done=True)}
        if set(self.state.done) - set(present):
            return [], True
        frames = []
        for name, path in present.items():
            if name in self.state.done:
                continue
            raw, problems = read_table(path, self.client.directory)
            shown = f"{INBOX_DIR_NAME}/{INBOX_DONE_DIR_NAME}/{name}"
            if raw is None:
                self._quarantine(shown, pd.DataFrame(), problems)
            rows = self._take_rows(raw.frame, shown, raw.decimal_comma) if raw is not None else pd.DataFrame()
            frames.append(rows)
            self.state.done[name] = len(rows)
        return frames, False

    def _new_rows(self) -> tuple[pd.DataFrame, bool]:
        """Everything new since the last poll, and whether the aggregates were rebuilt."""
        self._take_inbox()
        main_rows, again = self._read_main()
        done_frames, gone = self._read_done()
        if again or gone:
            self.state = WatchState(empty_aggregates(), seen=self.state.seen, rendered=self.state.rendered)
            if self.main_path is not None:  # the main file's bad rows are found again as it is re-read
                for suffix in (".rejected.csv", ".rejected-lines.txt", ".errors.txt"):
                    quarantined = self.inbox / INBOX_QUARANTINE_DIR_NAME / f"{self.main_path.stem}{suffix}"
                    quarantined.unlink(missing_ok=True)
            main_rows, _ = self._read_main()
            done_frames, _ = self._read_done()
        frames = [frame for frame in [main_rows, *done_frames] if len(frame)]
        rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        return rows, again or gone

    # -- one poll ------------------------------------------------------------------------------

    def poll(self) -> dict:
        """Take in what is new, raise and deliver alerts, refresh the report; return a summary."""
        started = time.perf_counter()
        if self.state is None:
            self.state = WatchState(empty_aggregates())
        rows, rebuilt = self._new_rows()
        raised: list[dict] = []
        if len(rows) or rebuilt or self.alert_status is None:
            self.state.rows += len(rows)
            if len(rows):
                self.state.aggregates = merge_aggregates(self.state.aggregates, weekly_aggregates(rows))
            raised = self._raise_alerts()
        with watch_files_lock(self.out_dir, self.config.slug):
            self.report_dir.mkdir(exist_ok=True)
            append_events(self.report_dir / ALERT_LOG_NAME, raised)
            write_text_atomic(self.report_dir / WATCH_STATE_NAME, self.state.to_json())
        self.first_start = False
        delivered = self._deliver()
        self._refresh_report()
        summary = {
            "rows": len(rows),
            "raised": len(raised),
            "delivered": delivered,
            "seconds": time.perf_counter() - started,
        }
        if len(rows) or raised or delivered:
            self.log(
                f"{self.config.slug}: {len(rows):,} new measurement(s), {len(raised)} alert(s) raised, "
                f"{delivered} delivered ({summary['seconds']:.2f} s)"
            )
        return summary

    def _raise_alerts(self) -> list[dict]:
        """``raised`` events for episodes at or above the minimum level not raised before."""
        if self.state.aggregates.empty:
            self.alert_status = "[]"
            return []
        charts = control_charts(self.state.aggregates)
        found = alerts(charts, self.config.touchpoint_promises)
        minimum = _level_rank(self.config.alerts.min_level)
        already = {f"{alert_id}|{level}" for alert_id, level in raised_keys(self._events())} | self.state.seen
        names = self.client.tables["journey"].set_index("touchpoint_id")["touchpoint"]
        events = []
        for episode in found.itertuples():
            key = f"{episode.alert_id}|{episode.level}"
            if _level_rank(episode.level) < minimum or key in already:
                continue
            if self.first_start and not episode.ongoing:
                self.state.seen.add(key)  # over before the watch began: history, not news
                continue
            events.append(self._raised_event(episode, names))
        self.alert_status = found[["alert_id", "level", "ongoing"]].to_json(orient="values")
        return events

    def _raised_event(self, episode, names: pd.Series) -> dict:
        link = f"{self.report_link()}#alerts"
        return {
            "event": "raised",
            "alert_id": episode.alert_id,
            "level": episode.level,
            "at": now(),
            "client": self.config.slug,
            "client_name": self.config.name,
            "client_dir": str(self.client.directory),
            "touchpoint_id": episode.touchpoint_id,
            "touchpoint": str(names.get(episode.touchpoint_id, episode.touchpoint_id)),
            "metric": episode.metric,
            "promise": episode.promise if isinstance(episode.promise, str) else None,
            "first_week": episode.first_week.strftime("%Y-%m-%d"),
            "last_week": episode.last_week.strftime("%Y-%m-%d"),
            "weeks": int(episode.weeks),
            "worst": float(episode.worst),
            "limit": float(episode.limit),
            "centre": float(episode.centre),
            "link": link,
        }

    def report_link(self) -> str:
        """The journey page's address: under ``alerts.report_url`` when set, else its local file."""
        base = self.config.alerts.report_url
        if base:
            return f"{base.rstrip('/')}/{self.config.slug}/{JOURNEY_STEP}.html"
        return (self.report_dir / f"{JOURNEY_STEP}.html").as_uri()

    def _events(self) -> list[dict]:
        return read_events(self.report_dir / ALERT_LOG_NAME)

    def _deliver(self) -> int:
        """Try what is due in the outbox; log each attempt; rewrite the outbox."""
        events = self._events()
        attempts = deliver_due(events, self.config.alerts, self.t)
        for attempt in attempts:
            outcome = "delivered" if attempt["ok"] else f"failed ({attempt['error']}); will retry"
            alert = f"alert {attempt['alert_id']} ({attempt['level']})"
            self.log(f"{self.config.slug}: {alert} {attempt['channel']}: {outcome}")
        with watch_files_lock(self.out_dir, self.config.slug):
            append_events(self.report_dir / ALERT_LOG_NAME, attempts)
            write_outbox(self.report_dir / OUTBOX_NAME, outbox([*events, *attempts], self.config.alerts))
        return sum(attempt["ok"] for attempt in attempts)

    # -- the report ----------------------------------------------------------------------------

    def _shown(self) -> str:
        """What the report must show: the episodes' levels and the alerts' statuses."""
        statuses = [
            (event["alert_id"], event["event"])
            for event in self._events()
            if event["event"] in ("raised", "acknowledged", "closed")
        ]
        return json.dumps([self.alert_status, statuses])

    def _refresh_report(self) -> None:
        """Start ``cxwb run CLIENT --steps 03_journey`` when what the report shows changed (one at a time)."""
        if not self.render:
            return
        if self.render_process is not None:
            code = self.render_process.poll()
            if code is None:
                return
            self.render_process = None
            if code == 0:
                self.log(f"{self.config.slug}: report refreshed → {self.report_dir / 'index.html'}")
            else:
                messages = self.render_log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
                self.log(
                    f"{self.config.slug}: the report could not be refreshed (cxwb run exited {code}: "
                    f"{' / '.join(messages[-3:])}; all of it in {self.render_log}); "
                    "alerts are still delivered"
                )
        shown = self._shown()
        if shown == self.state.rendered and (self.report_dir / f"{JOURNEY_STEP}.html").is_file():
            return
        self.state.rendered = shown
        with watch_files_lock(self.out_dir, self.config.slug):
            write_text_atomic(self.report_dir / WATCH_STATE_NAME, self.state.to_json())
        with open(self.render_log, "w", encoding="utf-8") as messages:
            self.render_process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "cxlib",
                    "run",
                    str(self.client.directory),
                    "--out",
                    str(self.out_dir),
                    "--steps",
                    JOURNEY_STEP,
                ],
                stdout=subprocess.DEVNULL,
                stderr=messages,
            )

    # -- the loop ------------------------------------------------------------------------------

    def run(self, every: float = DEFAULT_EVERY, polls: int | None = None) -> int:
        """Poll every ``every`` seconds (``polls`` times, or until Ctrl-C); return the exit code."""
        owner = self.lock.acquire()
        if owner is not None:
            raise WatchError(
                f"{self.config.slug}: another 'cxwb watch' of this client is running (pid {owner}); "
                "stop it first (Ctrl-C) or watch another client"
            )
        self.log(
            f"{self.config.slug}: watching {self.main_path or 'no main file'} and {self.inbox}/ "
            f"every {every:g} s (alerts.jsonl in {self.report_dir}); Ctrl-C stops"
        )
        done = 0
        try:
            while polls is None or done < polls:
                self.poll()
                done += 1
                if polls is None or done < polls:
                    time.sleep(every)
            if self.render_process is not None:
                self.render_process.wait()
                self._refresh_report()
        except KeyboardInterrupt:
            if self.render_process is not None:
                self.render_process.wait()
            self.log(
                f"{self.config.slug}: stopped; its state is saved, the next 'cxwb watch' goes on from it"
            )
            return 130
        except OSError as error:
            raise WatchError(
                f"{self.config.slug}: stopped: {error.filename or self.report_dir}: {error.strerror}; free "
                "space or fix permissions, then start 'cxwb watch' again (it goes on from its saved state)"
            ) from error
        finally:
            self.lock.release()
        return 0


def _watchable_client(client_dir: Path, log: Callable[[str], None]) -> Client:
    """Load the client; problems in its measurements are the watcher's to quarantine, problems in
    ``client.yaml`` or the journey stop it, others only stop the report's refresh."""
    client, problems = check_client(client_dir)
    if client is None:
        raise ValidationError(str(client_dir), problems)
    measurements = {path.relative_to(client_dir).as_posix() for path in client.inbox_parts}
    if STREAMED_TABLE in client.sources:
        measurements.add(client.sources[STREAMED_TABLE].name)
    fatal = [
        problem
        for problem in problems
        if problem.file == "client.yaml"
        or ("journey" in client.sources and problem.file == client.sources["journey"].name)
    ]
    if fatal:
        raise ValidationError(str(client_dir), fatal)
    if not client.has("journey"):
        raise WatchError(
            f"{client_dir}: there is no journey table; alerts name touchpoints from it, so add journey.csv"
        )
    others = [
        problem
        for problem in problems
        if problem.file not in measurements and not problem.file.startswith(f"{INBOX_DIR_NAME}/")
    ]
    for problem in others:
        log(f"{client.config.slug}: {problem} (the report cannot be refreshed until this is fixed)")
    return client
