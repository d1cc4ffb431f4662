"""Time ``cxwb run demo`` against its floor, ``--jobs 2`` against ``--jobs 1`` on both demos, and
print the HTML size per client.

The floor is the same number of trivial notebooks (one per step) that only do the step's
imports, executed through papermill, each on a new kernel: what a papermill pipeline pays before
doing any work. Runs of the pipeline and of the floor alternate, so that a change in the machine's
load weighs on both alike. Run ``python benchmarks/pipeline.py [--repeat N]``; it prints medians in
seconds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill

from cxlib.run.execute import KERNEL_NAME
from cxlib.steps import STEPS

IMPORTS = "import cxlib\nfrom cxlib.steps import overview\nimport pandas, plotly.express"


def time_cxwb(clients: list[str], out: Path, jobs: int = 1) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cxlib", "run", *clients, "--out", str(out), "--jobs", str(jobs)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def time_floor(workdir: Path) -> float:
    notebook = nbformat.v4.new_notebook(
        metadata={"kernelspec": {"name": KERNEL_NAME, "display_name": KERNEL_NAME, "language": "python"}}
    )
    notebook.cells.append(nbformat.v4.new_code_cell(IMPORTS))
    source = workdir / "floor.ipynb"
    nbformat.write(notebook, source)
    started = time.perf_counter()
    for index in range(len(STEPS)):
        papermill.execute_notebook(
            str(source),
            str(workdir / f"floor-{index}.ipynb"),
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            shutdown_kernel="immediate",
        )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        workdir = Path(temporary)
        pipeline, floor, serial, parallel = [], [], [], []
        for _ in range(arguments.repeat):
            pipeline.append(time_cxwb(["demo"], workdir / "reports"))
            floor.append(time_floor(workdir))
        for _ in range(arguments.repeat):
            serial.append(time_cxwb(["demo", "northwind"], workdir / "reports", jobs=1))
            parallel.append(time_cxwb(["demo", "northwind"], workdir / "reports", jobs=2))
        print(f"steps per client: {len(STEPS)}; repeats: {arguments.repeat}")
        for label, runs in (
            ("cxwb run demo", pipeline),
            (f"floor, {len(STEPS)} trivial notebooks", floor),
            ("cxwb run demo northwind --jobs 1", serial),
            ("cxwb run demo northwind --jobs 2", parallel),
        ):
            each = ", ".join(f"{x:.2f}" for x in runs)
            print(f"{label} (median): {statistics.median(runs):.2f} s  runs: {each}")
        print(f"ratio to the floor: {statistics.median(pipeline) / statistics.median(floor):.2f}x")
        print(
            f"--jobs 2 speed-up on both demos: {statistics.median(serial) / statistics.median(parallel):.2f}x"
        )
        for client in ("demo", "northwind"):
            html = sum(path.stat().st_size for path in (workdir / "reports" / client).glob("*.html"))
            print(f"HTML size, {client}: {html / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
