"""Per-unit deliverables: ``cxwb run NETWORK --per-unit`` on a generated 300-unit network.

The network is ``tests/synthetic.unit_network`` (300 branches of 40-160 responses, 10 planted weak
branches whose customers score 3 points lower on 0-10) with a comment on every other response,
the planted branches' customers complaining about queues more often. It prints the league table's
findings (the planted weak branches found per metric, and any other unit flagged), then times
``cxwb run NETWORK --steps 00 --per-unit`` with ``--jobs 2`` and with ``--scheduler local --jobs 2``
(a local Dask cluster of two worker processes): the wall time of the whole command and of the
per-unit phase it reports (one league table per metric, one comment analysis, then every page
rendered from those tables). Run ``python benchmarks/per_unit.py [--units N]``.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from synthetic import edit_config, unit_network  # noqa: E402

from cxlib.inputs.client import load_client  # noqa: E402
from cxlib.steps import units  # noqa: E402

COMMENTS = (
    "The staff were friendly and helpful",
    "I waited in a long queue to be served",
    "The app works well for transfers",
    "Fees were higher than I expected",
    "They solved my problem quickly",
)


def network(folder: Path, count: int) -> tuple[Path, list[str]]:
    """The generated network with comments: the planted weak branches mention queues three times as often."""
    folder, planted = unit_network(folder, units=count, weak=max(1, count // 30))
    survey = pd.read_csv(folder / "survey.csv")
    rng = np.random.default_rng(11)
    weak = survey["branch"].isin(planted).to_numpy()
    queue = rng.random(len(survey)) < np.where(weak, 0.6, 0.2)
    other = rng.choice(np.array(COMMENTS)[[0, 2, 3, 4]], len(survey))
    survey["comment"] = np.where(queue, COMMENTS[1], other)
    survey.loc[rng.random(len(survey)) < 0.5, "comment"] = ""
    survey.to_csv(folder / "survey.csv", index=False)
    edit_config(
        folder,
        lambda config: (
            config["survey"]["fields"].update({"comment": "comment"})
            or config.update({"comments": {"keywords": {"Queues": ["queue", "waited"], "Fees": ["fees"]}}})
        ),
    )
    return folder, planted


def findings(folder: Path, planted: list[str]) -> None:
    tables = units.league_tables(load_client(folder))
    for metric, table in tables.items():
        weak = set(table.index[table["side"] == "weak"])
        strong = int((table["side"] == "strong").sum())
        print(
            f"  {metric}: {len(weak & set(planted))}/{len(planted)} planted weak found; "
            f"{len(weak - set(planted))} other weak, {strong} strong; "
            f"over-dispersion {'yes' if table.attrs['overdispersed'] else 'no'} "
            f"(φ = {table.attrs['phi']:.2f})"
        )


def timed(folder: Path, out: Path, *options: str) -> tuple[float, float, int]:
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cxlib",
            "run",
            str(folder),
            "--out",
            str(out),
            "--steps",
            "00",
            "--per-unit",
            *options,
        ],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    found = re.search(r"(\d+) unit pages in ([\d.]+) s", done.stdout)
    if done.returncode or not found:
        raise SystemExit(f"cxwb run failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return wall, float(found.group(2)), int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=300)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder, planted = network(Path(temporary) / "network", arguments.units)
        print(f"network: {arguments.units} units, planted weak: {', '.join(planted)}")
        findings(folder, planted)
        for label, options in (
            ("--jobs 2", ("--jobs", "2")),
            ("--scheduler local --jobs 2", ("--scheduler", "local", "--jobs", "2")),
        ):
            wall, phase, pages = timed(folder, Path(temporary) / "out", *options)
            print(f"{label}: {pages} unit pages; per-unit phase {phase:.1f} s; whole command {wall:.1f} s")


if __name__ == "__main__":
    main()
