"""The alert log, ``alerts.jsonl`` in a client's report folder: every alert and what became of it.

One JSON object per line, appended and never rewritten, so the log is the record of the closed loop
that CX platforms keep for each alert:

* ``raised``: ``cxwb watch`` found a new alarm (or watch) episode; it carries the touchpoint, the
  value promise at stake, the figures and the link to the report;
* ``attempt``: one delivery attempt on one channel (``webhook`` or ``email``), ``ok`` or its error;
* ``acknowledged`` and ``closed``: someone (``by``, with a ``note``) took it on or closed it
  (``cxwb alerts --ack`` / ``--close``).

An alert is one episode at one level: an episode that escalates from watch to alarm is raised
again. Deliveries are *at least once*: an attempt that reached the receiver just before the watcher
was killed, and so was never logged, is repeated; receivers can drop repeats by ``alert_id`` and
``level``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pandas as pd

from cxlib.core.exceptions import CxError

ALERT_LOG_NAME = "alerts.jsonl"
#: Events that change an alert's status, in the order the status moves.
STATUS_EVENTS = ("acknowledged", "closed")
STATUS_COLUMNS = [
    "alert_id",
    "level",
    "touchpoint_id",
    "touchpoint",
    "metric",
    "promise",
    "first_week",
    "raised_at",
    "status",
    "acknowledged_at",
    "acknowledged_by",
    "closed_at",
    "closed_by",
    "note",
    "delivered",
    "hours_to_acknowledge",
]


class AlertLogError(CxError):
    """The alert log cannot be read, or an acknowledgement names no alert in it."""


def now() -> str:
    """The current UTC time as the log writes it (ISO 8601, seconds)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def read_events(path: Path) -> list[dict]:
    """Every event of the log (none when the file does not exist).

    A last line cut short by a crash mid-write is ignored; a damaged line elsewhere is an error.

    Raises
    ------
    AlertLogError
        Naming the file and line of an event that is not JSON.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    events = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            events.append(json.loads(line))
        except ValueError as error:
            if number == len(lines):
                break  # an append cut short; its event is repeated by the writer's next run
            raise AlertLogError(
                f"{path}:{number}: not a JSON event ({error}); restore the line or remove it"
            ) from error
    return events


def append_events(path: Path, events: list[dict]) -> None:
    """Append events, one line each, in one write flushed to disk (``O_APPEND``)."""
    if not events:
        return
    data = "".join(json.dumps(event, ensure_ascii=False, default=str) + "\n" for event in events)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(descriptor, data.encode("utf-8"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def raised_keys(events: list[dict]) -> set[tuple[str, str]]:
    """``(alert_id, level)`` of every alert the log has raised."""
    return {(event["alert_id"], event["level"]) for event in events if event["event"] == "raised"}


def delivery_attempts(events: list[dict]) -> dict[tuple[str, str, str], list[dict]]:
    """Attempts per ``(alert_id, level, channel)``, oldest first."""
    attempts: dict[tuple[str, str, str], list[dict]] = {}
    for event in events:
        if event["event"] == "attempt":
            attempts.setdefault((event["alert_id"], event["level"], event["channel"]), []).append(event)
    return attempts


def alert_statuses(events: list[dict]) -> pd.DataFrame:
    """One row per alert (episode and level): open, acknowledged or closed, by whom and when,
    the channels it reached, and the hours from raised to acknowledged (or closed, if closed
    without an acknowledgement)."""
    rows: dict[tuple[str, str], dict] = {}
    for event in events:
        if event["event"] == "raised":
            rows[(event["alert_id"], event["level"])] = {
                column: event.get(column) for column in STATUS_COLUMNS[:7]
            } | {"raised_at": event["at"], "status": "open", "delivered": []}
    for event in events:
        kind = event["event"]
        matching = [row for key, row in rows.items() if key[0] == event.get("alert_id")]
        for row in matching:
            if kind == "attempt" and event["ok"] and event["channel"] not in row["delivered"]:
                row["delivered"].append(event["channel"])
            elif kind in STATUS_EVENTS and row["status"] != "closed":
                row["status"] = kind
                row[f"{kind}_at"], row[f"{kind}_by"] = event["at"], event["by"]
                row["note"] = event.get("note") or row.get("note")
    table = pd.DataFrame(list(rows.values()), columns=STATUS_COLUMNS)
    if table.empty:
        return table
    raised = pd.to_datetime(table["raised_at"], utc=True)
    answered = pd.to_datetime(table["acknowledged_at"].fillna(table["closed_at"]), utc=True)
    table["hours_to_acknowledge"] = (answered - raised).dt.total_seconds() / 3600
    return table.sort_values("raised_at", ignore_index=True)


def status_event(events: list[dict], alert_id: str, kind: str, by: str, note: str | None) -> dict:
    """The ``acknowledged`` or ``closed`` event for an alert of the log.

    Raises
    ------
    AlertLogError
        When the log raised no alert with that id (the message lists the open ones).
    """
    statuses = alert_statuses(events)
    if alert_id not in set(statuses.get("alert_id", [])):
        still_open = (
            statuses.loc[statuses["status"] != "closed", "alert_id"].tolist() if len(statuses) else []
        )
        raise AlertLogError(
            f"no alert '{alert_id}' in the log; open alerts: {', '.join(still_open) or 'none'} "
            "(list them with 'cxwb alerts DIR')"
        )
    return {"event": kind, "alert_id": alert_id, "at": now(), "by": by, "note": note}
