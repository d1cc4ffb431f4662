"""Faults outside the workbook end a run with an answer (issue 26): a ``--scheduler`` port where
something other than Dask listens, a worker process killed mid-step, a ``CXWB_CHROMIUM`` that
cannot run, impossible values in ``client.yaml``."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import threading
import time
from pathlib import Path

import nbformat
import pytest
import yaml

from cxlib.cli import main
from cxlib.inputs.config import EmailAlerts, load_config
from cxlib.run import cluster, runner
from cxlib.run.execute import WorkerPool
from cxlib.steps import STEP_BY_NAME, Step


class Peer:
    """A listening socket on loopback that accepts connections and answers each with ``reply``
    (nothing at all when empty)."""

    def __init__(self, reply: bytes = b""):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.address = f"tcp://127.0.0.1:{self.socket.getsockname()[1]}"
        self.accepted: list[socket.socket] = []
        self.reply = reply
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:  # closed
                return
            self.accepted.append(connection)
            if self.reply:
                connection.sendall(self.reply)

    def close(self) -> None:
        self.socket.close()
        for connection in self.accepted:
            connection.close()


HTTP_REPLY = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nhi"
PEERS = {
    "silent": b"",
    "http": HTTP_REPLY,
    "random bytes": bytes(range(256)) * 16,
    "a huge length then nothing": (2**40).to_bytes(8, "little"),
}


@pytest.mark.parametrize("reply", PEERS.values(), ids=PEERS.keys())
def test_a_scheduler_port_that_is_not_dask_is_one_line_within_the_connect_timeout(
    reply, scaffolded, tmp_path, capsys
):
    peer = Peer(reply)
    started = time.monotonic()
    try:
        code = main(["run", str(scaffolded), "--out", str(tmp_path / "out"), "--scheduler", peer.address])
    finally:
        peer.close()
    assert time.monotonic() - started < cluster.CONNECT_TIMEOUT + 5
    assert code == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"cxwb: --scheduler {peer.address}: cannot reach a Dask")


@pytest.mark.parametrize(("make", "problem"), [("file", "is not executable"), ("folder", "is a folder")])
def test_pdf_with_a_chromium_that_cannot_run_is_refused_before_anything_runs(
    make, problem, scaffolded, tmp_path, monkeypatch, capsys
):
    chromium = tmp_path / "chromium"
    if make == "file":
        chromium.touch(mode=0o644)
    else:
        chromium.mkdir()
    monkeypatch.setenv("CXWB_CHROMIUM", str(chromium))
    assert main(["run", str(scaffolded), "--out", str(tmp_path / "out"), "--pdf"]) == 2
    message = capsys.readouterr().err
    assert f"cxwb: --pdf needs Chromium at {chromium}, which {problem}" in message
    assert "kernel 'cxwb'" not in message  # refused before the workers start
    assert not (tmp_path / "out").exists()


def test_an_smtp_port_that_does_not_exist_is_refused():
    with pytest.raises(ValueError, match="port 99999 does not exist"):
        EmailAlerts.model_validate({"smtp": "mail.example.com:99999", "from": "a@b.c", "to": ["d@e.f"]})
    assert EmailAlerts.model_validate({"smtp": "mail:65535", "from": "a@b.c", "to": ["d@e.f"]}).port == 65535


def test_a_date_the_calendar_refuses_is_located_at_its_key(scaffolded):
    text = (scaffolded / "client.yaml").read_text(encoding="utf-8")
    (scaffolded / "client.yaml").write_text(text + "plan_start: 2026-13-45\n", encoding="utf-8")
    row = len(text.splitlines()) + 1
    config, problems = load_config(scaffolded)
    assert config is None and len(problems) == 1
    assert str(problems[0]).startswith(f"client.yaml:{row}: plan_start: ")
    assert "month" in str(problems[0]) and "YYYY-MM-DD" in str(problems[0])


def sleepy_overview(folder: Path, seconds: int) -> Step:
    """The overview step with one more cell that sleeps, so that a test can act while it runs."""
    notebook = nbformat.read(STEP_BY_NAME["00_overview"].notebook, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(f"import time\n\ntime.sleep({seconds})"))
    folder.mkdir()
    nbformat.write(notebook, folder / "00_overview.ipynb")
    return Step("00_overview", directory=folder)


@pytest.mark.slow
def test_a_killed_worker_fails_its_step_and_the_other_clients_finish(scaffolded, tmp_path, monkeypatch):
    twin = tmp_path / "twin"
    shutil.copytree(scaffolded, twin)
    config = yaml.safe_load((twin / "client.yaml").read_text(encoding="utf-8"))
    (twin / "client.yaml").write_text(yaml.safe_dump(config | {"slug": "twin"}), encoding="utf-8")
    step = sleepy_overview(tmp_path / "slow", 6)
    monkeypatch.setattr(runner, "select_steps", lambda names: (step,))
    out = tmp_path / "out"
    pool = WorkerPool(2)
    victim = next(iter(pool.workers))
    outcome = {}
    running = threading.Thread(
        target=lambda: outcome.setdefault(
            "code", runner.run([str(scaffolded), str(twin)], out, jobs=2, pool=pool)
        )
    )
    running.start()
    deadline = time.monotonic() + 120
    while len(list(out.glob(".build-*/00_overview.ipynb"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)  # both clients' steps have started, one on each worker
    time.sleep(1)
    os.kill(victim.pid, signal.SIGKILL)
    running.join(timeout=300)
    assert outcome["code"] == 1
    statuses = {}
    for slug in ("acme", "twin"):
        manifest = json.loads(next(out.glob(f"{slug}*/manifest.json")).read_text())
        entry = next(entry for entry in manifest["steps"] if entry["step"] == "00_overview")
        statuses[slug] = (entry["status"], entry["error"])
    assert sorted(status for status, _ in statuses.values()) == ["failed", "ok"]
    assert any("worker process died" in (error or "") for _, error in statuses.values())
    assert not list(out.glob(".build-*")) and not list(out.glob(".lock-*"))


@pytest.mark.slow
def test_a_killed_worker_is_no_traceback_on_the_command_line(scaffolded, tmp_path):
    """The command line's own pool: ``cxwb run`` exits 1 with the step failed and no traceback."""
    import subprocess
    import sys

    slow = tmp_path / "slow"
    sleepy_overview(slow, 6)
    out = tmp_path / "out"
    command = subprocess.Popen(
        [sys.executable, "-c", RUN_WITH_SLOW_STEP, str(slow), str(scaffolded), str(out)],
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not list(out.glob(".build-*/00_overview.ipynb")) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)
    workers = Path(f"/proc/{command.pid}/task/{command.pid}/children").read_text().split()
    os.kill(int(workers[0]), signal.SIGKILL)
    _, errors = command.communicate(timeout=300)
    assert command.returncode == 1, errors
    assert "Traceback" not in errors and "BrokenProcessPool" not in errors
    assert "00_overview: failed" in errors and "worker process died" in errors
    manifest = json.loads((out / "acme" / "manifest.json").read_text())
    assert manifest["status"] == "failed"


RUN_WITH_SLOW_STEP = """
import sys
from pathlib import Path
from cxlib import cli
from cxlib.run import runner
from cxlib.steps import Step
slow, client, out = sys.argv[1:]
step = Step("00_overview", directory=Path(slow))
runner.select_steps = lambda names: (step,)
sys.exit(cli.main(["run", client, "--out", out, "--steps", "00"]))
"""
