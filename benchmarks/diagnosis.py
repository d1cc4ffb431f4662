"""Time and peak memory of the diagnosis on generated surveys of 250,000, 500,000 and 1,000,000 rows,
and on a client of real long reviews.

Each survey is written as a CSV in the Spanish demo's export format (``;``, cp1252, day-first
dates, decimal commas) beside a copy of its ``client.yaml`` and ``assessment.csv``, then read and
validated by ``check_client`` and analysed with the same cxlib calls the 01_diagnosis notebook
makes (metrics, breakdowns, trends, segment tests, pillar scores, drivers, impact slopes, targets,
profiles, comments). Each size runs in its own process, and its survey is written by yet another, so
the peak resident memory printed is the diagnosis's own.

By default the survey resamples the demo's rows, so its comments repeat the demo's ~1,800 texts.
``--distinct-texts`` gives 40% of the rows a comment of two or three sentences drawn from real
public reviews (British Airways reviews in ``data/public/ba_reviews.csv``, English) and from the
demo's 18 Spanish comments, so almost every comment is a distinct text (about 400,000 at 1,000,000
rows); without the public file, the demo's comments alone are recombined (said in the output).
``--reviews`` times the diagnosis of the public British Airways review export as a client (about
1,300 long reviews, the "recommended" answer as its outcome), mapped as tests/test_public_data.py
maps it.

Run ``python benchmarks/diagnosis.py [--rows N ...] [--distinct-texts] [--reviews]``; it prints
seconds per stage (the comments split into masking, sentiment, themes, representativeness, theme
table, quotes and emotions), the total and the peak resident memory per size, so the slope shows.
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
import yaml

from cxlib.core.i18n import translator
from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import Client, check_client
from cxlib.stats import emotions
from cxlib.stats.text import Calibration, calibrated_sentiment, sentiment
from cxlib.stats.themes import named_themes, representativeness
from cxlib.steps import diagnosis

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_public_data import AIRLINE_REVIEWS as PUBLIC_REVIEWS  # noqa: E402
from test_public_data import review_client  # noqa: E402 (the public reviews as the tests map them)

#: Share of rows with a comment in ``--distinct-texts`` mode, and fewest and most sentences per comment.
COMMENT_SHARE, FEWEST_SENTENCES, MOST_SENTENCES = 0.4, 2, 3


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_survey(rows: int, template: pd.DataFrame) -> pd.DataFrame:
    """Resample the demo survey's rows (keeping its structure) and give them new ids."""
    rng = np.random.default_rng(7)
    survey = template.iloc[rng.integers(0, len(template), rows)].reset_index(drop=True)
    survey[template.columns[0]] = [f"B{i:07d}" for i in range(rows)]
    return survey


def sentences(texts: pd.Series) -> pd.Series:
    """The distinct sentences of ``texts`` (split after ``.``, ``!`` or ``?``), 15 to 300 characters."""
    split = texts.str.replace(r"\s+", " ", regex=True).str.split(r"(?<=[.!?])\s+", regex=True).explode()
    split = split.str.strip()
    return pd.Series(split[split.str.len().between(15, 300)].unique())


def sentence_pool(demo_comments: pd.Series) -> pd.Series:
    """Sentences comments are built from: the public reviews' and the demo's, or the demo's alone."""
    spanish = sentences(demo_comments[demo_comments.str.strip().ne("")])
    if not PUBLIC_REVIEWS.is_file():
        print(f"  ({PUBLIC_REVIEWS} absent: comments recombine the demo's {len(spanish):,} sentences)")
        return spanish
    english = sentences(pd.read_csv(PUBLIC_REVIEWS, usecols=["content"])["content"].dropna())
    print(f"  (comments recombine {len(english):,} review and {len(spanish):,} demo sentences)")
    return pd.concat([english, spanish], ignore_index=True)


def distinct_comments(rows: int, pool: pd.Series) -> pd.Series:
    """A comment on :data:`COMMENT_SHARE` of ``rows`` (else empty): :data:`FEWEST_SENTENCES` to
    :data:`MOST_SENTENCES` sentences of ``pool`` drawn at random, joined with a space."""
    rng = np.random.default_rng(11)
    comments = pd.Series("", index=range(rows), dtype=object)
    commented = rng.random(rows) < COMMENT_SHARE
    count = int(commented.sum())
    length = rng.integers(FEWEST_SENTENCES, MOST_SENTENCES + 1, count)
    parts = pool.to_numpy()[rng.integers(0, len(pool), (count, MOST_SENTENCES))]
    parts[np.arange(MOST_SENTENCES)[None, :] >= length[:, None]] = ""
    joined = pd.DataFrame(parts).agg(" ".join, axis=1).str.strip()
    comments[commented] = joined.to_numpy()
    return comments


def demo_folder(folder: Path, rows: int, distinct: bool) -> None:
    """The generated survey beside copies of the demo's ``client.yaml`` and ``assessment.csv``."""
    for name in ("client.yaml", "assessment.csv"):
        shutil.copy2(DEMO_CLIENTS_DIR / "demo" / name, folder / name)
    template = pd.read_csv(
        DEMO_CLIENTS_DIR / "demo" / "survey.csv", sep=";", encoding="cp1252", dtype=str, keep_default_na=False
    )
    survey = make_survey(rows, template)
    if distinct:
        column = yaml.safe_load((folder / "client.yaml").read_text(encoding="utf-8"))["survey"]["fields"][
            "comment"
        ]
        survey[column] = distinct_comments(rows, sentence_pool(template[column]))
    survey.to_csv(folder / "survey.csv", sep=";", encoding="cp1252", errors="replace", index=False)


class Stages:
    """Seconds per stage, printed as each ends, with the CPU seconds of this process (which a
    machine busy with other work inflates less than the wall clock) and the peak resident memory."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self.started = time.perf_counter()
        self.cpu_started = time.process_time()

    def __call__(self, name: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.timings[name] = now - self.started
        print(
            f"  {name:<48} {self.timings[name]:7.2f} s (CPU {cpu - self.cpu_started:7.2f} s)"
            f"   peak RSS {peak_mb():6.0f} MB",
            flush=True,
        )
        self.started, self.cpu_started = now, cpu


def survey_stages(client: Client, stage: Stages) -> str:
    """The notebook's survey analyses (metrics to drivers); returns the top drivers."""
    t = translator("es", "es_MX")
    survey = client.tables["survey"]
    diagnosis.metric_table(diagnosis.overall_metrics(survey, client.survey_scales), t)
    stage("overall NPS, CSAT, CES, % resolved")
    for metric, by in diagnosis.available_breakdowns(client):
        diagnosis.breakdown(client, metric, by)
    for metric in diagnosis.available_trends(client):
        diagnosis.breakdown(client, metric, "month")
        diagnosis.trend_takeaway(client, metric, t)
    for dimension in client.segment_dimensions:
        diagnosis.segment_test_table(client, t, dimension)
    stage("breakdowns, trends, segment tests")
    frame = diagnosis.customer_pillar_frame(client)
    scores = diagnosis.customer_pillar_scores(frame)
    diagnosis.self_vs_customer(diagnosis.assessment_pillar_scores(client.tables["assessment"]), scores)
    targets = diagnosis.pillar_targets(client, frame, scores)
    diagnosis.target_table(targets, t)
    for dimension in client.segment_dimensions:
        diagnosis.segment_profile(client, t, dimension)
    stage("pillar scores, targets, profiles")
    weights = diagnosis.pillar_drivers(client, frame)
    diagnosis.impact_slopes(client, frame)
    diagnosis.item_drivers(client)
    stage("pillar and item drivers, impact slopes")
    return ", ".join(weights.index[:2])


def comment_stages(client: Client, stage: Stages) -> None:
    """:func:`~cxlib.steps.diagnosis.comment_analysis` and the notebook's comment views, phase by phase."""
    t = client.translator()
    language, settings = client.config.language, client.config.comments
    comments = client.comments()
    stage(f"comments: masking ({len(comments):,}, {comments.nunique():,} distinct)")
    ratings = diagnosis.comment_ratings(client, comments.index)
    if ratings is None:
        reading = sentiment(comments, language).assign(lexicon=lambda frame: frame["label"])
        calibration = Calibration("lexicon", 0, float("nan"), float("nan"))
    else:
        reading, calibration = calibrated_sentiment(comments, language, ratings)
    stage(f"comments: sentiment ({calibration.method})")
    flags = named_themes(comments, language, settings.theme_count, settings.names)[0]
    stage(f"comments: themes ({len(flags.columns)})")
    scores = representativeness(comments, flags, language)
    stage("comments: representativeness")
    analysis = diagnosis.CommentAnalysis(comments, reading, calibration, flags, scores, True)
    diagnosis.sentiment_method(analysis, t)
    if "nps" in client.tables["survey"]:
        diagnosis.sentiment_chart(client, analysis, t)
    diagnosis.theme_table(client, analysis, t)
    diagnosis.theme_takeaway(client, analysis, t)
    stage("comments: theme table and takeaway")
    diagnosis.example_quotes(client, analysis, t)
    stage("comments: quotes")
    emotions.emotions(comments, language)
    stage("comments: emotions")


def measure(rows: int, distinct: bool) -> None:
    """One size: every stage's seconds and the peak memory so far. The survey is written by another
    process, so the peak is the diagnosis's own, not that of building the test data."""
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "big"
        folder.mkdir()
        mode = ["--distinct-texts"] if distinct else []
        subprocess.run(
            [sys.executable, __file__, "--write", str(folder), "--one", str(rows), *mode], check=True
        )
        size = (folder / "survey.csv").stat().st_size / 1e6
        print(f"{rows:,} rows ({size:.0f} MB CSV)", flush=True)
        stage = Stages()
        client = check_and_time(folder, stage)
        drivers = survey_stages(client, stage)
        comment_stages(client, stage)
    summary(stage, f"top drivers: {drivers}")


def measure_reviews() -> None:
    """The public review export as a client: reading it and its comments' analysis."""
    if not PUBLIC_REVIEWS.is_file():
        print(f"{PUBLIC_REVIEWS} absent (see data/public/README.md): --reviews skipped")
        return
    with tempfile.TemporaryDirectory() as temporary:
        folder = review_client(Path(temporary) / "reviews")
        print(f"public airline reviews ({PUBLIC_REVIEWS.stat().st_size / 1e6:.1f} MB CSV)", flush=True)
        stage = Stages()
        client = check_and_time(folder, stage)
        survey = client.tables["survey"]
        diagnosis.metric_table(diagnosis.overall_metrics(survey, client.survey_scales), client.translator())
        stage("overall % satisfied")
        comment_stages(client, stage)
    summary(stage, f"{len(survey):,} reviews")


def check_and_time(folder: Path, stage: Stages) -> Client:
    client, problems = check_client(folder)
    if problems:
        sys.exit(f"benchmark input did not validate: {problems[:3]}")
    stage("read + validate (check_client)")
    return client


def summary(stage: Stages, note: str) -> None:
    timings = stage.timings
    after = sum(v for k, v in timings.items() if not k.startswith("read"))
    comments = sum(v for k, v in timings.items() if k.startswith("comments"))
    print(
        f"  total {sum(timings.values()):.2f} s (analysis after reading {after:.2f} s, comments "
        f"{comments:.2f} s); {note}; peak RSS {peak_mb():.0f} MB",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[250_000, 500_000, 1_000_000])
    parser.add_argument("--distinct-texts", action="store_true", help="comments are distinct real sentences")
    parser.add_argument("--reviews", action="store_true", help="only the public long-review client")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a size measured in this process
    parser.add_argument("--write", type=Path, help=argparse.SUPPRESS)  # only write that size's folder
    arguments = parser.parse_args()
    if arguments.write:
        demo_folder(arguments.write, arguments.one, arguments.distinct_texts)
        return
    if arguments.reviews:
        measure_reviews()
        return
    if arguments.one:
        measure(arguments.one, arguments.distinct_texts)
        return
    mode = ["--distinct-texts"] if arguments.distinct_texts else []
    for rows in arguments.rows:
        subprocess.run([sys.executable, __file__, "--one", str(rows), *mode], check=True)


if __name__ == "__main__":
    main()
