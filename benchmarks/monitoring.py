"""Time and peak memory of touchpoint monitoring on N measurements (default 10,000,000).

Generates a year of measurements over 50 touchpoints in memory (one of them degrading in July),
then times a full run, an incremental run that adds one more week, and the scorecard. Run
``python benchmarks/monitoring.py [--rows N]``.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from cxlib.stats.monitoring import monitor


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measurements(rows: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    touchpoints = np.array([f"TP{i:02d}" for i in range(50)])
    tp = rng.integers(0, len(touchpoints), rows)
    stamps = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.uniform(0, 365, rows), unit="D")
    quality = 0.7 + 0.01 * (tp % 10) - np.where((tp == 7) & (stamps >= pd.Timestamp("2025-07-01")), 0.2, 0)
    return pd.DataFrame(
        {
            "timestamp": stamps,
            "touchpoint_id": touchpoints[tp],
            "score": np.clip(np.rint(1 + 4 * quality + rng.normal(0, 0.7, rows)), 1, 5),
            "success": pd.array(rng.random(rows) < quality + 0.1, dtype="boolean"),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    rows = parser.parse_args().rows
    started = time.perf_counter()
    data = measurements(rows).sort_values("timestamp", ignore_index=True)
    print(
        f"generate {rows:,} measurements: {time.perf_counter() - started:6.2f} s  peak RSS {peak_mb():7.0f} "
        "MB"
    )
    cut = data["timestamp"].max() - pd.Timedelta(days=7)
    with tempfile.TemporaryDirectory() as folder:
        state = Path(folder) / "monitoring.state.json"
        started = time.perf_counter()
        full = monitor(data[data["timestamp"] <= cut], {}, state)
        print(
            f"full run ({full.new_rows:,} rows):     {time.perf_counter() - started:6.2f} s  peak RSS "
            f"{peak_mb():7.0f} MB"
        )
        started = time.perf_counter()
        incremental = monitor(data, {}, state)
        print(
            f"incremental run (+{incremental.new_rows:,} rows): {time.perf_counter() - started:6.2f} s  "
            f"peak RSS {peak_mb():7.0f} MB"
        )
    alarms = incremental.alerts[incremental.alerts["level"] == "alarm"]
    print(
        f"alarm episodes: {len(alarms)}; TP07 first alarm week: "
        f"{alarms.loc[alarms['touchpoint_id'] == 'TP07', 'first_week'].min():%Y-%m-%d}"
    )


if __name__ == "__main__":
    main()
