"""Time ``cxwb run demo`` against its floor, and print the HTML size per client.

The floor is the same number of trivial notebooks (one per step) that only do the step's
imports, executed through papermill on the same kernel: what any papermill-based pipeline pays.
Run ``python benchmarks/pipeline.py [--repeat N]``; it prints medians in seconds.
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

from cxlib.run.runner import KERNEL_NAME
from cxlib.steps import STEPS

IMPORTS = "import cxlib\nfrom cxlib.steps import overview\nimport pandas, plotly.express"


def time_cxwb(clients: list[str], out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cxlib", "run", *clients, "--out", str(out)], check=True, capture_output=True
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
        pipeline = [time_cxwb(["demo"], workdir / "reports") for _ in range(arguments.repeat)]
        floor = [time_floor(workdir) for _ in range(arguments.repeat)]
        time_cxwb(["northwind"], workdir / "reports")
        print(f"steps per client: {len(STEPS)}; repeats: {arguments.repeat}")
        print(
            f"cxwb run demo (median): {statistics.median(pipeline):.2f} s  runs: "
            f"{', '.join(f'{x:.2f}' for x in pipeline)}"
        )
        print(
            f"floor, {len(STEPS)} trivial notebook(s) (median): {statistics.median(floor):.2f} s  runs: "
            f"{', '.join(f'{x:.2f}' for x in floor)}"
        )
        print(f"ratio: {statistics.median(pipeline) / statistics.median(floor):.2f}x")
        for client in ("demo", "northwind"):
            html = sum(path.stat().st_size for path in (workdir / "reports" / client).glob("*.html"))
            print(f"HTML size, {client}: {html / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
