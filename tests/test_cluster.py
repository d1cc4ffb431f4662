"""``cxwb run --scheduler``: clients as tasks on a Dask ``LocalCluster`` of two worker processes.

Only loopback is used. The clients are copies of ``demo-seguimiento`` under other slugs, run for one
quick step.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import dask
import pytest
import yaml
from distributed import LocalCluster

from cxlib.cli import main
from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.run.cluster import ClusterError, check_shared_storage, run_on_cluster

pytestmark = pytest.mark.slow
STEP = "06_ecosystem"


def small_clients(folder: Path, count: int) -> list[Path]:
    clients = []
    for index in range(count):
        client = folder / f"client{index}"
        shutil.copytree(DEMO_CLIENTS_DIR / "demo-seguimiento", client)
        config = yaml.safe_load((client / "client.yaml").read_text(encoding="utf-8"))
        config |= {"slug": f"small-{index}", "name": f"Small {index}", "cuts": []}
        (client / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        clients.append(client)
    return clients


def test_local_cluster_runs_each_client_like_a_local_run(tmp_path, capsys):
    clients = small_clients(tmp_path, 2)
    out = tmp_path / "reports"
    code = main(
        ["run", *map(str, clients), "--out", str(out), "--scheduler", "local", "--jobs", "2", "--steps", STEP]
    )
    assert code == 0
    messages = capsys.readouterr().err
    assert "2 worker(s)" in messages
    for index in range(2):
        manifest = json.loads((out / f"small-{index}" / "manifest.json").read_text())
        assert manifest["status"] == "ok" and manifest["inputs"]["client.yaml"]
        assert f"small-{index} {STEP}: ok" in messages and f"small-{index}: ok →" in messages
        assert not list(out.glob(f".build-small-{index}-*")) and not (out / f".lock-small-{index}").exists()
    assert "Small 0" in (out / "index.html").read_text(encoding="utf-8")


def test_a_killed_worker_fails_its_client_and_the_other_finishes(tmp_path, capsys):
    clients = small_clients(tmp_path, 2)
    out = tmp_path / "reports"
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        outcome = {}
        runner = threading.Thread(
            target=lambda: outcome.setdefault(
                "code",
                run_on_cluster(list(map(str, clients)), out, cluster.scheduler_address, step_names=[STEP]),
            )
        )
        runner.start()
        deadline = time.monotonic() + 120
        while len(list(out.glob(".build-small-*"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)  # both clients are running, one on each worker
        victim = next(iter(cluster.workers.values()))
        os.kill(victim.process.process.pid, signal.SIGKILL)
        runner.join(timeout=300)
    finally:
        cluster.close()
    assert outcome["code"] == 1
    messages = capsys.readouterr().err
    lost = [line for line in messages.splitlines() if "its worker was lost" in line]
    assert len(lost) == 1
    survivor = "small-1" if lost[0].startswith("small-0") else "small-0"
    assert json.loads((out / survivor / "manifest.json").read_text())["status"] == "ok"
    assert not (out / lost[0].split(":")[0] / "manifest.json").exists()  # nothing half-written published
    deadline = time.monotonic() + 30
    while processes_naming(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not processes_naming(tmp_path)  # the lost client's cxwb and its workers did not hang on


def processes_naming(path: Path) -> list[str]:
    """Command lines of the live processes that mention ``path`` (Linux /proc)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # ended meanwhile
            continue
        if str(path) in text:
            found.append(text)
    return found


class BlindWorkers:
    """Stands in for a Dask client whose second worker mounts nothing."""

    def run(self, function, *arguments):
        return {"tcp://10.0.0.1:1": function(*arguments), "tcp://10.0.0.2:1": [arguments[0]]}


def test_workers_that_cannot_see_the_output_folder_are_refused(tmp_path):
    clients = small_clients(tmp_path, 1)
    with pytest.raises(ClusterError, match=r"tcp://10\.0\.0\.2:1 cannot see .*\.probe-"):
        check_shared_storage(BlindWorkers(), tmp_path, clients)
    assert not list(tmp_path.glob(".probe-*"))


def test_unreachable_scheduler_is_one_clear_error(tmp_path, capsys):
    clients = small_clients(tmp_path, 1)
    code = main(["run", str(clients[0]), "--out", str(tmp_path / "r"), "--scheduler", "tcp://127.0.0.1:9"])
    assert code == 2
    assert "cannot reach a Dask scheduler there" in capsys.readouterr().err
