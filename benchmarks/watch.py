"""Latency and load of ``cxwb watch``: a running watcher, measurements appended to it, a webhook on loopback.

1. Latency (``min_level: watch``, ``--every 1``): after 16 stable weeks at six touchpoints, each trial
   appends one week in which one more touchpoint drops (one write, flushed to disk). It prints the
   seconds from that write to the webhook receiving the touchpoint's alert.
2. Load (``min_level: alarm``): a year of measurements at every touchpoint of the journey, one of
   them degrading from week 30, appended in batches as fast as they can be written. It prints the
   rows per second the watcher absorbs (rows / time from the first append to the watcher's state
   holding every row) and which alarms were delivered: the planted one, once.

Run ``python benchmarks/watch.py [--rows N] [--trials N]``. The client is a copy of
``demo-seguimiento`` in a temporary folder; nothing of the project's data changes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from cxlib.core.paths import DEMO_CLIENTS_DIR, PROJECT_DIR

sys.path.insert(0, str(PROJECT_DIR / "tests"))
from loopback import WebhookReceiver  # noqa: E402 (the tests' receiver, found through the path above)

HEADER = "timestamp,touchpoint_id,score,success,duration_seconds\n"
FIRST_MONDAY = pd.Timestamp("2025-01-06")


def measurements(
    touchpoints: list[str], first_week: int, weeks: int, rows: int, drops: dict, seed: int
) -> str:
    """CSV lines for ``weeks`` weeks; ``drops`` maps a touchpoint to (from week, quality drop)."""
    rng = np.random.default_rng(seed)
    offsets = np.sort(rng.uniform(0, 7 * weeks, rows))
    stamps = FIRST_MONDAY + pd.Timedelta(weeks=first_week) + pd.to_timedelta(offsets, unit="D")
    chosen = np.asarray(touchpoints)[rng.integers(0, len(touchpoints), rows)]
    week = first_week + (offsets // 7).astype(int)
    quality = np.full(rows, 0.8)
    for touchpoint, (from_week, drop) in drops.items():
        quality -= np.where((chosen == touchpoint) & (week >= from_week), drop, 0.0)
    score = np.clip(np.rint(1 + 4 * quality + rng.normal(0, 0.7, rows)), 1, 5).astype(int)
    frame = pd.DataFrame(
        {
            "timestamp": stamps.strftime("%Y-%m-%d %H:%M:%S"),
            "touchpoint_id": chosen,
            "score": score,
            "success": np.where(rng.random(rows) < quality, "yes", "no"),
            "duration_seconds": rng.integers(10, 600, rows),
        }
    )
    return frame.to_csv(index=False, header=False)


def make_client(folder: Path, webhook: str, min_level: str) -> tuple[Path, list[str]]:
    client = folder / "client"
    shutil.copytree(DEMO_CLIENTS_DIR / "demo-seguimiento", client)
    config = yaml.safe_load((client / "client.yaml").read_text(encoding="utf-8"))
    config["alerts"] = {"webhook": webhook, "min_level": min_level}
    (client / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    touchpoints = pd.read_csv(client / "journey.csv")["touchpoint_id"].tolist()
    return client, touchpoints


def append(path: Path, text: str) -> float:
    """Append and flush to disk; return the time the write completed."""
    with open(path, "a", encoding="utf-8") as stream:
        stream.write(text)
        stream.flush()
        os.fsync(stream.fileno())
    return time.time()


def rows_taken(state: Path) -> int:
    try:
        return json.loads(state.read_text(encoding="utf-8"))["rows"]
    except (OSError, ValueError, KeyError):
        return -1


def start_watcher(client: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cxlib",
            "watch",
            str(client),
            "--out",
            str(out),
            "--every",
            "1",
            "--no-refresh",
        ],
        stderr=subprocess.DEVNULL,
    )


def wait_for(condition, timeout: float = 600.0) -> float:
    deadline = time.time() + timeout
    while not condition():
        if time.time() > deadline:
            raise TimeoutError("the watcher did not catch up")
        time.sleep(0.02)
    return time.time()


def latency(trials: int) -> None:
    receiver = WebhookReceiver()
    with tempfile.TemporaryDirectory() as folder:
        client, touchpoints = make_client(Path(folder), receiver.url, "watch")
        watched = touchpoints[: trials + 1]
        baseline = measurements(watched, 0, 16, 16 * 120 * len(watched), {}, seed=1)
        (client / "interactions.csv").write_text(HEADER + baseline, encoding="utf-8")
        out = Path(folder) / "reports"
        state = out / "demo-seguimiento" / "watch.state.json"
        watcher = start_watcher(client, out)
        try:
            wait_for(lambda: rows_taken(state) == baseline.count("\n"))
            seconds = []
            for trial in range(trials):
                touchpoint = watched[trial]
                week = measurements(
                    watched, 16 + trial, 1, 120 * len(watched), {touchpoint: (0, 0.4)}, seed=10 + trial
                )
                written = append(client / "interactions.csv", week)
                arrived = wait_for(
                    lambda touchpoint=touchpoint: any(
                        body["touchpoint_id"] == touchpoint for _, body in receiver.arrivals
                    )
                )
                seconds.append(arrived - written)
                print(
                    f"trial {trial + 1}: {touchpoint} dropped in week {17 + trial}: "
                    f"alert received {seconds[-1]:.2f} s after the write"
                )
            print(
                f"latency from write to webhook (--every 1): median {np.median(seconds):.2f} s, "
                f"max {max(seconds):.2f} s over {trials} trials"
            )
        finally:
            watcher.terminate()
            watcher.wait()


def load(rows: int, batches: int) -> None:
    receiver = WebhookReceiver()
    with tempfile.TemporaryDirectory() as folder:
        client, touchpoints = make_client(Path(folder), receiver.url, "alarm")
        planted = touchpoints[3]
        baseline_rows = rows // 4
        baseline = measurements(touchpoints, 0, 13, baseline_rows, {}, seed=2)
        (client / "interactions.csv").write_text(HEADER + baseline, encoding="utf-8")
        per_batch = (rows - baseline_rows) // batches
        weeks_per_batch = 39 / batches
        texts = [
            measurements(
                touchpoints,
                13 + round(index * weeks_per_batch),
                max(1, round((index + 1) * weeks_per_batch) - round(index * weeks_per_batch)),
                per_batch,
                {planted: (30, 0.2)},
                seed=100 + index,
            )
            for index in range(batches)
        ]
        total = baseline_rows + per_batch * batches
        out = Path(folder) / "reports"
        state = out / "demo-seguimiento" / "watch.state.json"
        watcher = start_watcher(client, out)
        try:
            wait_for(lambda: rows_taken(state) == baseline_rows)
            first = time.time()
            for text in texts:
                append(client / "interactions.csv", text)
            written = time.time()
            done = wait_for(lambda: rows_taken(state) == total)
            time.sleep(2)  # let the last deliveries land
        finally:
            watcher.terminate()
            watcher.wait()
        absorbed = total - baseline_rows
        print(
            f"load: {absorbed:,} rows appended in {batches} batches over {written - first:.2f} s; "
            f"the watcher held them all {done - first:.2f} s after the first append: "
            f"{absorbed / (done - first):,.0f} rows/s"
        )
        alarms = [body for _, body in receiver.arrivals]
        planted_alarms = [body for body in alarms if body["touchpoint_id"] == planted]
        print(
            f"alarms delivered: {len(alarms)} ({len(planted_alarms)} at the planted touchpoint {planted}: "
            f"{', '.join(body['alert_id'] for body in planted_alarms)}; others: "
            f"{', '.join(body['alert_id'] for body in alarms if body['touchpoint_id'] != planted) or 'none'})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000, help="measurements in the load test")
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--trials", type=int, default=5)
    arguments = parser.parse_args()
    latency(arguments.trials)
    load(arguments.rows, arguments.batches)


if __name__ == "__main__":
    main()
