"""Time and peak memory of the diagnosis on generated surveys of 250,000, 500,000 and 1,000,000 rows.

Each survey is written as a CSV in the Spanish demo's export format (``;``, cp1252, day-first
dates, decimal commas) beside a copy of its ``client.yaml`` and ``assessment.csv``, then read and
validated by ``check_client`` and analysed with the same cxlib calls the 01_diagnosis notebook
makes (metrics, breakdowns, trends, segment tests, pillar scores, drivers, impact slopes, targets,
profiles, comments). Each size runs in its own process, so its peak resident memory is its own.
Run ``python benchmarks/diagnosis.py [--rows N ...]``; it prints seconds per stage, the total and
the peak memory per size, so the slope shows.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from cxlib.core.i18n import translator
from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import check_client
from cxlib.steps import diagnosis


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_survey(rows: int, template: pd.DataFrame) -> pd.DataFrame:
    """Resample the demo survey's rows (keeping its structure) and give them new ids."""
    rng = np.random.default_rng(7)
    survey = template.iloc[rng.integers(0, len(template), rows)].reset_index(drop=True)
    survey[template.columns[0]] = [f"B{i:07d}" for i in range(rows)]
    return survey


def measure(rows: int) -> None:
    """One size: every stage's seconds and the peak memory so far."""
    timings: dict[str, float] = {}

    def stage(name: str, started: float) -> float:
        now = time.perf_counter()
        timings[name] = now - started
        print(f"  {name:<44} {timings[name]:7.2f} s   peak RSS {peak_mb():8.0f} MB", flush=True)
        return now

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "big"
        folder.mkdir()
        for name in ("client.yaml", "assessment.csv"):
            shutil.copy2(DEMO_CLIENTS_DIR / "demo" / name, folder / name)
        template = pd.read_csv(
            DEMO_CLIENTS_DIR / "demo" / "survey.csv",
            sep=";",
            encoding="cp1252",
            dtype=str,
            keep_default_na=False,
        )
        make_survey(rows, template).to_csv(folder / "survey.csv", sep=";", encoding="cp1252", index=False)
        size = (folder / "survey.csv").stat().st_size / 1e6
        print(f"{rows:,} rows ({size:.0f} MB CSV)", flush=True)
        started = time.perf_counter()
        client, problems = check_client(folder)
        if problems:
            sys.exit(f"benchmark input did not validate: {problems[:3]}")
        started = stage("read + validate (check_client)", started)
        t = translator("es", "es_MX")
        survey = client.tables["survey"]
        diagnosis.metric_table(diagnosis.overall_metrics(survey, client.survey_scales), t)
        started = stage("overall NPS, CSAT, CES, % resolved", started)
        for metric, by in diagnosis.available_breakdowns(client):
            diagnosis.breakdown(client, metric, by)
        for metric in diagnosis.available_trends(client):
            diagnosis.breakdown(client, metric, "month")
            diagnosis.trend_takeaway(client, metric, t)
        for dimension in client.segment_dimensions:
            diagnosis.segment_test_table(client, t, dimension)
        started = stage("breakdowns, trends, segment tests", started)
        frame = diagnosis.customer_pillar_frame(client)
        scores = diagnosis.customer_pillar_scores(frame)
        diagnosis.self_vs_customer(diagnosis.assessment_pillar_scores(client.tables["assessment"]), scores)
        targets = diagnosis.pillar_targets(client, frame, scores)
        diagnosis.target_table(targets, t)
        for dimension in client.segment_dimensions:
            diagnosis.segment_profile(client, t, dimension)
        started = stage("pillar scores, targets, profiles", started)
        weights = diagnosis.pillar_drivers(client, frame)
        diagnosis.impact_slopes(client, frame)
        diagnosis.item_drivers(client)
        started = stage("pillar and item drivers, impact slopes", started)
        comments = diagnosis.comment_analysis(client)
        diagnosis.theme_table(client, comments, t)
        diagnosis.example_quotes(client, comments, t)
        stage(f"comments: sentiment, themes, quotes ({len(comments.comments):,})", started)
    print(
        f"  total {sum(timings.values()):.2f} s (analysis after reading "
        f"{sum(v for k, v in timings.items() if not k.startswith('read')):.2f} s); top drivers: "
        f"{', '.join(weights.index[:2])}; peak RSS {peak_mb():.0f} MB",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[250_000, 500_000, 1_000_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a size measured in this process
    arguments = parser.parse_args()
    if arguments.one:
        measure(arguments.one)
        return
    for rows in arguments.rows:
        subprocess.run([sys.executable, __file__, "--one", str(rows)], check=True)


if __name__ == "__main__":
    main()
