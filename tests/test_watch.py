"""``cxwb watch`` and ``cxwb alerts`` against a real HTTP receiver and SMTP server on loopback.

The client is a copy of ``demo-seguimiento`` whose measurements are generated here: 16 stable
weeks, then a planted drop at one touchpoint, appended while the watcher runs.
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from aiosmtpd.controller import Controller
from loopback import WebhookReceiver

from cxlib.cli import main
from cxlib.core.guard import ClientFileError
from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.alert_log import AlertLogError, alert_statuses, read_events, status_event
from cxlib.inputs.client import check_client
from cxlib.inputs.config import load_config
from cxlib.inputs.tables import (
    FIRST_DATA_ROW,
    CsvCursor,
    MalformedLinesError,
    NotAppendedError,
    RaggedLinesError,
    read_appended_csv,
    read_csv_cells,
    read_table,
    text_cells,
)
from cxlib.run import delivery
from cxlib.run.output import ClientLock
from cxlib.run.watch import Watcher, WatchError

HEADER = "timestamp,touchpoint_id,score,success,duration_seconds\n"
FIRST_MONDAY = pd.Timestamp("2025-01-06")
DEGRADED = "TP-APP-03"


def weeks_of_measurements(first_week: int, weeks: int, drop: float = 0.0, seed: int = 0) -> str:
    """CSV lines: 80 measurements a week at two touchpoints; ``drop`` lowers TP-APP-03's quality."""
    rng = np.random.default_rng(seed + first_week)
    rows = 80 * weeks
    stamps = (
        FIRST_MONDAY
        + pd.Timedelta(weeks=first_week)
        + pd.to_timedelta(np.sort(rng.uniform(0, 7 * weeks, rows)), unit="D")
    )
    touchpoint = np.where(rng.random(rows) < 0.5, DEGRADED, "TP-SUC-01")
    quality = 0.8 - np.where(touchpoint == DEGRADED, drop, 0.0)
    score = np.clip(np.rint(1 + 4 * quality + rng.normal(0, 0.6, rows)), 1, 5).astype(int)
    success = np.where(rng.random(rows) < quality, "yes", "no")
    frame = pd.DataFrame(
        {
            "timestamp": stamps.strftime("%Y-%m-%d %H:%M:%S"),
            "touchpoint_id": touchpoint,
            "score": score,
            "success": success,
            "duration_seconds": rng.integers(10, 600, rows),
        }
    )
    return frame.to_csv(index=False, header=False)


class Mailbox:
    """An SMTP server on loopback (aiosmtpd) that keeps every message."""

    def __init__(self):
        self.messages: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope.content.decode("utf-8", errors="replace"))
        return "250 OK"


@pytest.fixture
def receiver():
    server = WebhookReceiver()
    yield server
    server.close()


@pytest.fixture
def mailbox():
    box = Mailbox()
    with socket.socket() as probe:  # a free port (aiosmtpd's controller cannot take port 0)
        probe.bind(("127.0.0.1", 0))
        box.port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    yield box
    controller.stop()


def watched_client(tmp_path: Path, alerts: dict, weeks: int = 16) -> Path:
    client = tmp_path / "client"
    shutil.copytree(DEMO_CLIENTS_DIR / "demo-seguimiento", client)
    (client / "interactions.csv").write_text(HEADER + weeks_of_measurements(0, weeks), encoding="utf-8")
    config = yaml.safe_load((client / "client.yaml").read_text(encoding="utf-8"))
    config["alerts"] = alerts
    (client / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return client


def append(client: Path, text: str) -> None:
    with open(client / "interactions.csv", "a", encoding="utf-8") as stream:
        stream.write(text)


def test_alarm_delivered_once_by_webhook_and_email_retried_and_not_repeated_after_restart(
    tmp_path, receiver, mailbox, monkeypatch
):
    client = watched_client(
        tmp_path,
        {
            "webhook": receiver.url,
            "email": {
                "smtp": f"127.0.0.1:{mailbox.port}",
                "from": "cx@example.com",
                "to": ["owner@example.com"],
            },
        },
    )
    out = tmp_path / "reports"
    watcher = Watcher(client, out, render=False, log=lambda message: None)
    assert watcher.poll()["raised"] == 0  # 16 stable weeks: nothing to say
    receiver.up = False
    append(client, weeks_of_measurements(16, 3, drop=0.35))
    summary = watcher.poll()
    assert summary["raised"] >= 1
    log = out / "demo-seguimiento" / "alerts.jsonl"
    events = read_events(log)
    raised = [event for event in events if event["event"] == "raised"]
    assert {event["touchpoint_id"] for event in raised} == {DEGRADED}
    assert all(event["level"] == "alarm" and event["promise"] for event in raised)
    failed = [event for event in events if event["event"] == "attempt" and not event["ok"]]
    assert {event["channel"] for event in failed} == {"webhook"} and "503" in failed[0]["error"]
    assert len(mailbox.messages) == len(raised)
    assert DEGRADED in mailbox.messages[0] and "transferencias SPEI" in mailbox.messages[0]
    outbox = json.loads((out / "demo-seguimiento" / "alerts.outbox.json").read_text())
    assert [item["channel"] for item in outbox] == ["webhook"] * len(raised) and outbox[0]["attempts"] == 1

    # the receiver comes back: the next attempt after the back-off delivers
    receiver.up = True
    monkeypatch.setattr(delivery, "FIRST_RETRY_SECONDS", 0.0)
    assert watcher.poll()["delivered"] == len(raised)
    assert [alert["alert_id"] for alert in receiver.received] == [event["alert_id"] for event in raised]
    assert receiver.received[0]["link"].endswith("03_journey.html#alerts") and receiver.received[0]["text"]
    assert json.loads((out / "demo-seguimiento" / "alerts.outbox.json").read_text()) == []

    # a restart, and the episode going on for another week: nothing is raised or sent again
    restarted = Watcher(client, out, render=False, log=lambda message: None)
    append(client, weeks_of_measurements(19, 1, drop=0.35))
    assert restarted.poll()["raised"] == 0
    assert len(receiver.received) == len(raised) and len(mailbox.messages) == len(raised)
    assert restarted.state.rows == 80 * 20


def test_bad_rows_are_quarantined_and_inbox_files_taken_in(tmp_path):
    client = watched_client(tmp_path, {})
    out = tmp_path / "reports"
    watcher = Watcher(client, out, render=False, log=lambda message: None)
    watcher.poll()
    # a bad score, an unknown touchpoint, and a line still being written
    append(
        client, "2025-04-28 10:00:00,TP-APP-03,9,yes,10\n2025-04-28 10:05:00,TP-XX,3,yes,10\n2025-04-28 11"
    )
    assert watcher.poll()["rows"] == 0
    quarantine = client / "inbox" / "quarantine"
    errors = (quarantine / "interactions.errors.txt").read_text(encoding="utf-8")
    first = 80 * 16 + 2
    assert f"interactions.csv:{first}: score: 9 is outside 1..5" in errors
    assert f"interactions.csv:{first + 1}: touchpoint_id: 'TP-XX' is not a touchpoint_id" in errors
    assert pd.read_csv(quarantine / "interactions.rejected.csv")["touchpoint_id"].tolist() == [
        "TP-APP-03",
        "TP-XX",
    ]
    append(client, ":00:00,TP-SUC-01,4,yes,30\n")  # the line is complete now
    assert watcher.poll()["rows"] == 1

    # an inbox file, written under a hidden name and renamed into place: 3 good rows, 1 bad
    inbox = client / "inbox"
    inbox.mkdir(exist_ok=True)
    lines = "2025-04-29 09:00:00,TP-SUC-01,4,yes,30\n" * 3 + "2025-04-29 09:00:00,TP-SUC-01,4,maybe,30\n"
    (inbox / ".interactions-0429.csv").write_text(HEADER + lines, encoding="utf-8")
    assert watcher.poll()["rows"] == 0  # hidden: still being written
    (inbox / ".interactions-0429.csv").rename(inbox / "interactions-0429.csv")
    assert watcher.poll()["rows"] == 3
    assert len(pd.read_csv(inbox / "done" / "interactions-0429.csv")) == 3
    assert (quarantine / "interactions-0429.csv").is_file()  # the original, untouched
    assert "inbox/interactions-0429.csv:5: success: 'maybe' is not yes/no" in (
        quarantine / "interactions-0429.errors.txt"
    ).read_text(encoding="utf-8")
    assert watcher.state.quarantined == 3

    # cxwb run reads what the watcher took in: the main file's bad rows are still there to fix
    loaded, problems = check_client(client)
    assert {problem.file for problem in problems} == {"interactions.csv"}
    assert len(loaded.tables["interactions"]) == 80 * 16 + 3 + 3  # the main file, its bad rows too, and done/

    # an edit of rows already read: everything is read again, nothing counted twice
    text = (client / "interactions.csv").read_text(encoding="utf-8").replace("TP-XX", "TP-SUC-01")
    (client / "interactions.csv").write_text(text, encoding="utf-8")
    watcher.poll()
    assert watcher.state.rows == 80 * 16 + 2 + 3
    assert pd.read_csv(quarantine / "interactions.rejected.csv")["score"].tolist() == [9]  # found again, once

    # the fixed rejected rows of the inbox file go back into the inbox and are taken in
    rejected = quarantine / "interactions-0429.rejected.csv"
    rejected.write_text(rejected.read_text(encoding="utf-8").replace("maybe", "no"), encoding="utf-8")
    rejected.rename(inbox / "interactions-0429-fixed.csv")
    assert watcher.poll()["rows"] == 1


def test_a_second_watcher_is_refused_and_ctrl_c_stops_cleanly(tmp_path):
    client = watched_client(tmp_path, {})
    out = tmp_path / "reports"
    command = [sys.executable, "-m", "cxlib", "watch", str(client), "--out", str(out), "--every", "0.2"]
    first = subprocess.Popen([*command, "--no-refresh"], stderr=subprocess.PIPE, text=True)
    state = out / "demo-seguimiento" / "watch.state.json"
    deadline = time.monotonic() + 60
    while not state.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    second = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert second.returncode == 2
    assert f"another 'cxwb watch' of this client is running (pid {first.pid})" in second.stderr
    first.send_signal(signal.SIGINT)
    _, messages = first.communicate(timeout=30)
    assert first.returncode == 130 and "Traceback" not in messages
    assert "stopped; its state is saved" in messages
    assert not (out / ".watch-demo-seguimiento").exists()
    assert json.loads(state.read_text())["rows"] == 80 * 16


def test_lock_held_by_a_live_process_refuses_in_process(tmp_path):
    client = watched_client(tmp_path, {})
    out = tmp_path / "reports"
    out.mkdir()
    held = ClientLock(out, "demo-seguimiento", kind="watch")
    assert held.acquire() is None
    with pytest.raises(WatchError, match="another 'cxwb watch'"):
        Watcher(client, out, render=False, log=lambda message: None).run(every=0.1, polls=1)
    held.release()


@pytest.mark.slow
def test_journey_page_and_index_show_open_and_acknowledged_alerts(tmp_path, receiver, capsys):
    client = watched_client(tmp_path, {"webhook": receiver.url})
    append(client, weeks_of_measurements(16, 3, drop=0.35))
    out = tmp_path / "reports"
    assert Watcher(client, out, log=lambda message: None).run(every=0.1, polls=1) == 0
    report = out / "demo-seguimiento"
    page = (report / "03_journey.html").read_text(encoding="utf-8")
    assert 'id="alert-log"' in page and "Abierta" in page
    alert_id = receiver.received[0]["alert_id"]
    assert main(["alerts", str(client), "--out", str(out)]) == 0
    assert alert_id in capsys.readouterr().out
    assert main(["alerts", str(client), "--out", str(out), "--ack", alert_id]) == 2  # --by is required
    code = main(
        ["alerts", str(client), "--out", str(out), "--ack", alert_id, "--by", "<b>Ana</b>", "--note", "SPEI"]
    )
    assert code == 0
    assert Watcher(client, out, log=lambda message: None).run(every=0.1, polls=1) == 0
    page = (report / "03_journey.html").read_text(encoding="utf-8")
    assert "Atendida" in page and "&lt;b&gt;Ana&lt;/b&gt;" in page and "<b>Ana</b>" not in page
    index = (report / "index.html").read_text(encoding="utf-8")
    assert 'class="cx-alerts"' in index and "1 atendidas" in index
    assert len(receiver.received) == len({alert["alert_id"] for alert in receiver.received})


def test_alert_statuses_by_hand():
    raised = {
        "event": "raised",
        "level": "alarm",
        "touchpoint_id": "T",
        "touchpoint": "Tp",
        "metric": "score",
    }
    events = [
        raised | {"alert_id": "a", "at": "2026-01-01T10:00:00+00:00"},
        raised | {"alert_id": "b", "at": "2026-01-01T11:00:00+00:00"},
        {"event": "attempt", "alert_id": "a", "level": "alarm", "channel": "webhook", "ok": True, "at": "x"},
        {
            "event": "acknowledged",
            "alert_id": "a",
            "at": "2026-01-01T12:30:00+00:00",
            "by": "Ana",
            "note": "ok",
        },
        {"event": "closed", "alert_id": "b", "at": "2026-01-01T12:00:00+00:00", "by": "Luis", "note": None},
    ]
    statuses = alert_statuses(events).set_index("alert_id")
    assert statuses.loc["a", "status"] == "acknowledged" and statuses.loc["a", "hours_to_acknowledge"] == 2.5
    assert statuses.loc["b", "status"] == "closed" and statuses.loc["b", "hours_to_acknowledge"] == 1.0
    assert statuses.loc["a", "delivered"] == ["webhook"] and statuses.loc["b", "delivered"] == []
    with pytest.raises(AlertLogError, match="open alerts: a"):
        status_event(events, "zz", "acknowledged", "Ana", None)


def test_retry_back_off_doubles_up_to_five_minutes():
    assert [delivery.retry_delay(n) for n in (1, 2, 3, 9, 20)] == [2, 4, 8, 300, 300]


def test_password_in_client_yaml_is_refused(tmp_path):
    client = watched_client(
        tmp_path, {"email": {"smtp": "localhost:25", "from": "a@b.c", "to": ["d@e.f"], "password": "hunter2"}}
    )
    config, problems = load_config(client)
    assert config is None
    assert [str(problem) for problem in problems] == [
        "client.yaml: alerts.email: never write the SMTP password in client.yaml; put it in an environment "
        "variable and give its name as password_env"
    ]


def test_appended_csv_reader_leaves_partial_lines_and_notices_edits(tmp_path):
    path = tmp_path / "interactions.csv"
    path.write_text("a;b\n1;x\n2;y\n3;", encoding="cp1252")
    cells, cursor = read_appended_csv(path, None)
    assert cells.index.tolist() == [2, 3] and cells["b"].tolist() == ["x", "y"] and cursor.separator == ";"
    with open(path, "a", encoding="cp1252") as stream:
        stream.write("zé\n\n4;w\n")
    cells, cursor = read_appended_csv(path, cursor)
    assert cells.index.tolist() == [4, 6] and cells["b"].tolist() == ["zé", "w"]
    assert isinstance(cursor, CsvCursor) and read_appended_csv(path, cursor)[0].empty
    with open(path, "a", encoding="cp1252") as stream:
        stream.write("5;v;extra\n")
    with pytest.raises(MalformedLinesError) as malformed:
        read_appended_csv(path, cursor)
    assert malformed.value.first_row == 7 and read_appended_csv(path, malformed.value.cursor)[0].empty
    path.write_text("a;b\n1;X\n", encoding="cp1252")
    with pytest.raises(NotAppendedError):
        read_appended_csv(path, cursor)


def test_a_first_row_with_an_extra_field_is_refused_not_shifted(tmp_path):
    """pandas reads ``5,v,extra`` under ``a,b`` as index 5 with a = v: the reader refuses it instead."""
    path = tmp_path / "interactions.csv"
    path.write_text("a,b\n5,v,extra\n6,w\n", encoding="utf-8")
    table, problems = read_table(path)
    assert table is None and "Expected 2 fields in line 2, saw 3" in problems[0].message


def test_missing_smtp_password_variable_is_a_failed_attempt_that_says_what_to_set(monkeypatch):
    from cxlib.inputs.config import EmailAlerts

    monkeypatch.delenv("CXWB_TEST_SMTP_PASSWORD", raising=False)
    settings = EmailAlerts.model_validate(
        {
            "smtp": "127.0.0.1:1",
            "from": "a@b.c",
            "to": ["d@e.f"],
            "username": "a",
            "password_env": "CXWB_TEST_SMTP_PASSWORD",
        }
    )
    with pytest.raises(delivery.DeliveryError, match="CXWB_TEST_SMTP_PASSWORD .* is not set"):
        delivery.send_email(settings, "subject", "text")


GOOD_LINE = "2025-04-29 09:00:00,TP-SUC-01,4,yes,30\n"


def test_inbox_links_leading_out_and_folders_are_quarantined_as_they_are_never_read(tmp_path):
    client = watched_client(tmp_path, {})
    watcher = Watcher(client, tmp_path / "reports", render=False, log=lambda message: None)
    watcher.poll()
    secret = tmp_path / "elsewhere" / "secret.csv"
    secret.parent.mkdir()
    secret.write_text(HEADER + GOOD_LINE * 3, encoding="utf-8")
    inbox = client / "inbox"
    inbox.mkdir(exist_ok=True)
    (inbox / "interactions-linked.csv").symlink_to(secret)
    (inbox / "interactions-gone.parquet").symlink_to(client / "missing.parquet")
    (inbox / "interactions-folder.csv").mkdir()
    assert watcher.poll()["rows"] == 0 and watcher.state.rows == 80 * 16
    quarantine = inbox / "quarantine"
    assert (quarantine / "interactions-linked.csv").readlink() == secret  # the link itself, moved
    assert (quarantine / "interactions-folder.csv").is_dir()
    assert not list(inbox.glob("interactions-*")) and not list(quarantine.glob("*.rejected*"))
    reasons = {
        "interactions-linked": "inbox/interactions-linked.csv: is a link to a file outside the client folder",
        "interactions-gone": "inbox/interactions-gone.parquet: is a link to a missing file",
        "interactions-folder": "inbox/interactions-folder.csv: is a folder, not a file",
    }
    for stem, reason in reasons.items():
        assert reason in (quarantine / f"{stem}.errors.txt").read_text(encoding="utf-8")
    assert secret.read_text(encoding="utf-8") == HEADER + GOOD_LINE * 3


def test_the_main_file_is_read_inside_the_client_folder_only(tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text(HEADER + GOOD_LINE, encoding="utf-8")
    client = tmp_path / "client"
    client.mkdir()
    (client / "interactions.csv").symlink_to(secret)
    with pytest.raises(ClientFileError, match="interactions.csv: is a link to a file outside"):
        read_appended_csv(client / "interactions.csv", None, client)


def test_ragged_inbox_lines_are_quarantined_and_the_other_rows_taken_in(tmp_path):
    client = watched_client(tmp_path, {})
    watcher = Watcher(client, tmp_path / "reports", render=False, log=lambda message: None)
    watcher.poll()
    inbox = client / "inbox"
    inbox.mkdir(exist_ok=True)
    ragged = [
        "2025-04-29 10:00:00,TP-SUC-01,4,yes,30,extra\n",
        '2025-04-29 11:00:00,TP-SUC-01,"4",yes,30,x,"y\nz"\n',
    ]
    text = HEADER + GOOD_LINE * 10 + ragged[0] + GOOD_LINE * 10 + ragged[1]
    (inbox / "interactions-0429.csv").write_text(text, encoding="utf-8")
    assert watcher.poll()["rows"] == 20
    assert len(pd.read_csv(inbox / "done" / "interactions-0429.csv")) == 20
    quarantine = inbox / "quarantine"
    assert (quarantine / "interactions-0429.csv").read_text(encoding="utf-8") == text  # the original
    assert (quarantine / "interactions-0429.rejected-lines.txt").read_text(encoding="utf-8") == "".join(
        ragged
    )
    errors = (quarantine / "interactions-0429.errors.txt").read_text(encoding="utf-8")
    assert "2 row(s) of inbox/interactions-0429.csv refused" in errors
    assert (
        "inbox/interactions-0429.csv:12: has 6 fields where the header has 5; the line was not read" in errors
    )
    assert "inbox/interactions-0429.csv:23: has 7 fields where the header has 5" in errors
    assert watcher.state.quarantined == 2
    loaded, problems = check_client(client)
    assert problems == [] and len(loaded.tables["interactions"]) == 80 * 16 + 20

    # a ragged line appended to the main file: the lines around it are taken in
    append(client, GOOD_LINE + ragged[0] + GOOD_LINE)
    assert watcher.poll()["rows"] == 2
    errors = (quarantine / "interactions.errors.txt").read_text(encoding="utf-8")
    assert f"interactions.csv:{80 * 16 + 3}: has 6 fields where the header has 5" in errors
    assert (quarantine / "interactions.rejected-lines.txt").read_text(encoding="utf-8") == ragged[0]


def test_ragged_records_keep_the_other_rows_in_place():
    text = 'a,b\n1,x\n2,y,extra\n3,"multi\nline"\n4,z,"q\nq"\n5,w\n'
    with pytest.raises(RaggedLinesError) as ragged:
        read_csv_cells(text, ",")
    assert str(ragged.value) == "Expected 2 fields in line 3, saw 3"
    assert [(line.row, line.text) for line in ragged.value.lines] == [(3, "2,y,extra\n"), (5, '4,z,"q\nq"\n')]
    cells = text_cells(ragged.value.cells, FIRST_DATA_ROW).dropna(how="all")
    assert cells.index.tolist() == [2, 4, 6] and cells["b"].tolist() == ["x", "multi\nline", "w"]
