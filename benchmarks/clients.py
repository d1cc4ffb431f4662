"""Many clients: N small clients (default 40) run with ``--jobs 2`` locally and on a local Dask cluster.

Each client is a copy of ``demo-seguimiento`` (3,000 survey responses, 54,750 measurements) under its
own slug, run through every step. It prints the wall time and clients per minute of
``cxwb run ... --jobs 2`` and of ``cxwb run ... --scheduler local --jobs 2`` (two Dask worker
processes, one task per client). Run ``python benchmarks/clients.py [--clients N]``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from cxlib.core.paths import DEMO_CLIENTS_DIR


def make_clients(folder: Path, count: int) -> list[str]:
    clients = []
    for index in range(count):
        client = folder / f"client{index:02d}"
        shutil.copytree(DEMO_CLIENTS_DIR / "demo-seguimiento", client)
        config = yaml.safe_load((client / "client.yaml").read_text(encoding="utf-8"))
        config.pop("baseline", None)
        config |= {"slug": f"client-{index:02d}", "name": f"Client {index:02d}", "cuts": []}
        (client / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        clients.append(str(client))
    return clients


def timed_run(clients: list[str], out: Path, *options: str) -> tuple[float, int]:
    started = time.perf_counter()
    finished = subprocess.run(
        [sys.executable, "-m", "cxlib", "run", *clients, "--out", str(out), *options],
        capture_output=True,
        text=True,
    )
    if finished.returncode != 0:
        print(finished.stderr[-2000:], file=sys.stderr)
    return time.perf_counter() - started, finished.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=40)
    count = parser.parse_args().clients
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        clients = make_clients(folder, count)
        for label, options in (
            ("local runner, --jobs 2", ["--jobs", "2"]),
            ("Dask LocalCluster, 2 workers", ["--scheduler", "local", "--jobs", "2"]),
        ):
            seconds, code = timed_run(clients, folder / label.split(",")[0].replace(" ", "-"), *options)
            print(
                f"{label}: {count} clients in {seconds:.1f} s, {count / seconds * 60:.1f} clients/min "
                f"(exit code {code})",
                flush=True,
            )


if __name__ == "__main__":
    main()
