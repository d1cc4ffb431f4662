"""Redraw time of each step's explorer (cxlib.explore) at 10,000 and 100,000 survey rows.

The Spanish demo's survey is resampled (rows drawn with replacement, new response ids) to each
size in memory; the client is prepared once (:class:`cxlib.explore.view.Filterable`, as a session
does), then each step's redraw is timed as the filter bar runs it: the view ``segment=PyME``
applied to the tables, and the step's figures recomputed on it
(:data:`cxlib.explore.figures.STEP_FIGURES`, the deliverable's own functions). Drawing in the
browser is not included. Run ``python benchmarks/explore.py [--rows N ...] [--repeat K]``; it
prints the median seconds per step and size.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time

import numpy as np

from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.explore.figures import STEP_FIGURES
from cxlib.explore.view import Filterable, View
from cxlib.inputs.client import Client, load_client


def resampled(client: Client, rows: int, seed: int = 0) -> Client:
    """The client with its survey resampled to ``rows`` responses (fingerprints left out)."""
    survey = client.tables["survey"]
    drawn = survey.iloc[np.random.default_rng(seed).integers(0, len(survey), rows)].reset_index(drop=True)
    drawn["response_id"] = [f"R{i:07d}" for i in range(rows)]
    bigger = copy.copy(client)
    bigger.tables = {**client.tables, "survey": drawn}
    bigger.survey_fingerprints = None
    return bigger


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    demo = load_client(DEMO_CLIENTS_DIR / "demo")
    t = demo.translator()
    view = View((("segment", ("PyME",)),))
    print(f"{'step':<22}" + "".join(f"{rows:>12,} rows" for rows in arguments.rows))
    timings: dict[str, list[float]] = {step: [] for step in STEP_FIGURES}
    for rows in arguments.rows:
        client = resampled(demo, rows)
        started = time.perf_counter()
        data = Filterable(client)
        print(f"prepare ({rows:,} rows): {time.perf_counter() - started:.3f} s")
        for step, figures in STEP_FIGURES.items():
            seconds = []
            for _ in range(arguments.repeat):
                started = time.perf_counter()
                figures(data.apply(view), t)
                seconds.append(time.perf_counter() - started)
            timings[step].append(statistics.median(seconds))
    for step, seconds in timings.items():
        print(f"{step:<22}" + "".join(f"{value:>15.2f} s" for value in seconds))


if __name__ == "__main__":
    main()
