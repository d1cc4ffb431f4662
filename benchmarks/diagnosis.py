"""Time and peak memory of the diagnosis on a generated survey of N rows (default 1,000,000).

The survey is written as a CSV in the Spanish demo's export format (``;``, cp1252, day-first
dates, decimal commas) beside a copy of its ``client.yaml`` and ``assessment.csv``, then read and
validated by ``check_client`` and analysed with the same cxlib calls the 01_diagnosis notebook
makes. Run ``python benchmarks/diagnosis.py [--rows N]``; it prints seconds per stage and the
process's peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import shutil
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    arguments = parser.parse_args()
    timings: dict[str, float] = {}

    def stage(name: str, started: float) -> float:
        now = time.perf_counter()
        timings[name] = now - started
        print(f"{name:<38} {timings[name]:7.2f} s   peak RSS {peak_mb():8.0f} MB", flush=True)
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
        started = time.perf_counter()
        make_survey(arguments.rows, template).to_csv(
            folder / "survey.csv", sep=";", encoding="cp1252", index=False
        )
        size = (folder / "survey.csv").stat().st_size / 1e6
        started = stage(f"write {arguments.rows:,} rows ({size:.0f} MB CSV)", started)
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
        diagnosis.segment_test_table(client, t)
        started = stage("breakdowns, trends, segment tests", started)
        frame = diagnosis.customer_pillar_frame(client)
        scores = diagnosis.customer_pillar_scores(frame)
        diagnosis.self_vs_customer(diagnosis.assessment_pillar_scores(client.tables["assessment"]), scores)
        diagnosis.pillar_targets(client, frame, scores)
        started = stage("customer pillar scores, targets", started)
        weights = diagnosis.pillar_drivers(client, frame, bootstrap=500)
        started = stage("relative weights + 500 bootstraps", started)
        sentiment, themes = diagnosis.comment_analysis(client)
        diagnosis.theme_table(client, themes, t)
        diagnosis.example_quotes(client, sentiment, themes, t)
        stage(f"sentiment + themes ({len(sentiment):,} comments)", started)
    print(
        "total analysis after reading: "
        f"{sum(v for k, v in timings.items() if not k.startswith(('write', 'read'))):.2f} s; "
        f"top drivers: {', '.join(weights.index[:2])}; peak RSS {peak_mb():.0f} MB"
    )


if __name__ == "__main__":
    main()
