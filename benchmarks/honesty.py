"""Findings against noise: the demo clients and copies whose outcome was shuffled across rows.

Runs ``cxwb run`` on ``demo``, ``northwind`` and a copy of each with its NPS column permuted (the
link between the outcome and everything else destroyed), then prints, for each: the driver
verdict with R² and its bootstrap interval, the overall F test, the top drivers with their share
intervals, and the action plan's expected NPS per wave. A shuffled copy must show no driver.

    .venv/bin/python benchmarks/honesty.py
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.config import load_config
from cxlib.inputs.tables import find_table, read_table
from cxlib.run.runner import run


def shuffled_copy(slug: str, target: Path, seed: int = 11) -> Path:
    """A copy of a demo client whose mapped NPS column is permuted, in the export's own format."""
    shutil.copytree(DEMO_CLIENTS_DIR / slug, target)
    config, _ = load_config(target)
    path, _ = find_table(target, "survey")
    raw, _ = read_table(path)
    column = config.survey.fields["nps"].column
    frame = raw.frame.copy()
    frame[column] = np.random.default_rng(seed).permutation(frame[column].to_numpy())
    (target / "client.yaml").write_text(
        (target / "client.yaml").read_text(encoding="utf-8").replace(f"slug: {slug}", f"slug: {target.name}"),
        encoding="utf-8",
    )
    frame.to_csv(path, sep=raw.separator, encoding=raw.encoding, index=False)
    return target


def describe(report: Path) -> None:
    diagnosis = json.loads((report / "01_diagnosis.results.json").read_text(encoding="utf-8"))
    plan = json.loads((report / "05_action_plan.results.json").read_text(encoding="utf-8"))
    verdict = "explains" if diagnosis["explains"] else "explains nothing (no drivers shown)"
    print(
        f"{report.name:>20}: R² {diagnosis['r2']:.4f} [{diagnosis['r2_low']:.4f}; {diagnosis['r2_high']:.4f}]"
        f"  F-test p {diagnosis['f_p']:.3g}  → {verdict}"
    )
    if diagnosis["explains"]:
        pillars = sorted(diagnosis["pillars"].items(), key=lambda item: -item[1].get("share", 0))[:2]
        for pillar, row in pillars:
            interval = f"[{row['share_low']:.1%}; {row['share_high']:.1%}]"
            tie = "" if row["separable"] else " (not separable from the next)"
            print(f"{'':>22}{pillar}: share {row['share']:.1%} {interval}{tie}")
    nps = diagnosis["metrics"]["nps"]["value"]
    waves = "; ".join(
        f"wave {wave}: {central:.1f} [{low:.1f}; {high:.1f}]"
        for wave, (central, low, high) in plan["waves"].items()
    )
    print(f"{'':>22}NPS now {nps:.1f}; expected {waves or 'no prediction (no drivers)'}")


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        clients = [
            str(DEMO_CLIENTS_DIR / "demo"),
            str(DEMO_CLIENTS_DIR / "northwind"),
            str(shuffled_copy("demo", folder / "demo-shuffled")),
            str(shuffled_copy("northwind", folder / "northwind-shuffled")),
        ]
        started = time.perf_counter()
        code = run(clients, folder / "reports", jobs=2)
        print(f"cxwb run on 4 clients: exit {code} in {time.perf_counter() - started:.1f} s")
        for slug in ("demo", "northwind", "demo-shuffled", "northwind-shuffled"):
            describe(folder / "reports" / slug)


if __name__ == "__main__":
    main()
