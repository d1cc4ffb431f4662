"""``cxwb alerts``: list a client's alerts and record who acknowledged or closed them."""

from __future__ import annotations

from pathlib import Path

from cxlib.core.exceptions import CxError, ValidationError
from cxlib.inputs.alert_log import ALERT_LOG_NAME, alert_statuses, append_events, read_events, status_event
from cxlib.inputs.config import load_config
from cxlib.run.output import prepare_output, watch_files_lock

LISTED_COLUMNS = {
    "alert_id": "id",
    "level": "level",
    "touchpoint": "touchpoint",
    "raised_at": "raised (UTC)",
    "status": "status",
    "acknowledged_by": "acknowledged by",
    "closed_by": "closed by",
    "hours_to_acknowledge": "hours to acknowledge",
}


def _report_dir(client_dir: Path, out_dir: Path) -> tuple[str, Path]:
    config, problems = load_config(client_dir)
    if config is None:
        raise ValidationError(str(client_dir), problems)
    return config.slug, prepare_output(out_dir) / config.slug


def list_alerts(client_dir: Path, out_dir: Path, include_closed: bool = False) -> str:
    """The client's alerts as a text table: open and acknowledged ones (and closed, if asked)."""
    slug, report_dir = _report_dir(client_dir, out_dir)
    statuses = alert_statuses(read_events(report_dir / ALERT_LOG_NAME))
    if statuses.empty:
        log = report_dir / ALERT_LOG_NAME
        return f"{slug}: no alerts yet ({log} is empty or absent; 'cxwb watch' writes it)"
    counts = statuses["status"].value_counts()
    summary = ", ".join(f"{counts.get(status, 0)} {status}" for status in ("open", "acknowledged", "closed"))
    shown = statuses if include_closed else statuses[statuses["status"] != "closed"]
    table = shown[list(LISTED_COLUMNS)].rename(columns=LISTED_COLUMNS)
    table["hours to acknowledge"] = table["hours to acknowledge"].round(1)
    listing = (
        table.astype(object).fillna("").to_string(index=False)
        if len(table)
        else "(none open; --all lists closed ones)"
    )
    return f"{slug}: {len(statuses)} alert(s): {summary}\n{listing}"


def acknowledge(client_dir: Path, out_dir: Path, alert_id: str, kind: str, by: str, note: str | None) -> str:
    """Record that ``by`` acknowledged (``kind="acknowledged"``) or closed an alert; return a confirmation.

    Raises
    ------
    CxError
        When the log has no alert with that id, or the alert is already closed.
    """
    slug, report_dir = _report_dir(client_dir, out_dir)
    log = report_dir / ALERT_LOG_NAME
    with watch_files_lock(report_dir.parent, slug):
        events = read_events(log)
        event = status_event(events, alert_id, kind, by, note)
        statuses = alert_statuses(events)
        if (statuses.loc[statuses["alert_id"] == alert_id, "status"] == "closed").all():
            raise CxError(f"alert '{alert_id}' is already closed; nothing recorded")
        append_events(log, [event])
    return (
        f"{slug}: alert {alert_id} {kind} by {by}; the journey page shows it at its next refresh "
        "('cxwb watch' refreshes it, or run 'cxwb run' again)"
    )
