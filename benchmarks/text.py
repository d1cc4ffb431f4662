"""Comment analytics on public review corpora that this project did not generate.

First the three-class table of the readings a client without ratings can get: per held-out public
corpus (none of them seen in training; see data/public/README.md), n, accuracy, macro-F1 and the
majority label's share, for the lexicon, for the shipped model (cxlib.stats.sentiment_model) and
for the model with its class priors adapted to the corpus (evaluated, not used at run time), side by
side, with the model's macro-F1 against shuffled labels. Macro-F1 averages over the classes the truth
has: the airline reviews' yes/no recommendation is a two-class truth, on which a neutral reading is an
error. Then, per rated corpus: the lexicon's accuracy and macro-F1 against the reviewers'
own labels, the "always positive" baseline, the share of texts with no sentiment word, the
client-calibrated classifier's cross-validated figures and whether it is used, the same with the
labels shuffled (the classifier must then be refused), the discovered themes, how many themes
differ on the rating from the rest (real and shuffled), and throughput. English also runs vaderSentiment's own
analyser for reference.

The corpora are not in the repository (see data/public/README.md); missing ones are skipped.

    python benchmarks/text.py              # everything
    python benchmarks/text.py --readings   # the three-class table only
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score

from cxlib.core.distinct import on_distinct
from cxlib.stats import sentiment_model
from cxlib.stats.text import (
    calibrated_sentiment,
    fold,
    lexicon_sentiment,
    rating_labels,
    sentiment,
)
from cxlib.stats.themes import discover_themes

PUBLIC = Path(__file__).resolve().parents[1] / "data" / "public"


def spanish_reviews() -> dict[str, tuple[pd.Series, pd.Series, str]]:
    """name → (texts, three-class labels from the 1-5 rating, "es") of the Spanish review corpora
    present (title and opinion read as one text)."""
    found = {}
    for file, name, rating in (
        ("cuba_hotels_sentiment.xlsx", "Spanish hotel reviews (1-5)", "Class"),
        ("restmex_restaurants.xlsx", "Spanish restaurant reviews (1-5)", "Polarity"),
    ):
        if (PUBLIC / file).exists():
            frame = pd.read_excel(PUBLIC / file)
            texts = frame["Title"].fillna("") + ". " + frame["Opinion"].fillna("")
            found[name] = (texts, rating_labels(frame[rating], 1, 5), "es")
    return found


def corpora() -> dict[str, tuple[pd.Series, pd.Series, str]]:
    """name → (texts, labels, language) for each corpus present."""
    found = {}
    if (PUBLIC / "ba_reviews.csv").exists():
        frame = pd.read_csv(PUBLIC / "ba_reviews.csv")
        labels = frame["recommended"].map({"yes": "positive", "no": "negative"})
        found["English airline reviews vs recommended"] = (frame["content"], labels, "en")
    return found | spanish_reviews()


def opener(language: str) -> tuple[pd.Series, pd.Series]:
    """OpeNER hotel-review sentences (Agerri, R. et al. (2013), OpeNER: open polarity enhanced named
    entity recognition, *SEPLN* 51, 215-218; SemEval-2022 task 10 copy): a sentence is positive or
    negative when all its annotated opinions are, neutral when it has none (mixed ones are left out)."""
    rows = pd.concat(
        [pd.read_json(PUBLIC / f"opener_{language}_{split}.json") for split in ("train", "dev", "test")],
        ignore_index=True,
    )
    polarities = rows["opinions"].map(lambda opinions: {opinion["Polarity"].lower() for opinion in opinions})
    labels = polarities.map(
        lambda found: "neutral" if not found else next(iter(found)) if len(found) == 1 else None
    )
    kept = labels.notna()
    return rows.loc[kept, "text"].reset_index(drop=True), labels[kept].reset_index(drop=True)


def airline_rating_labels(frame: pd.DataFrame) -> pd.Series:
    """Three classes from airlinequality.com's overall 1-10 rating: 1-4 negative, 5-6 neutral, 7-10
    positive (symmetric about the scale's midpoint 5.5, which no rating takes, so that the truth has a
    neutral class; the only mapping tried). The reviewers' own yes/no recommendation agrees: 98% of
    the 1-4 reviews say no, 96% of the 7-10 ones say yes, the 5-6 ones split 55/45."""
    rating = frame["OverallRating"]
    labels = np.select([rating <= 4, rating <= 6], ["negative", "neutral"], "positive")
    return pd.Series(labels, index=frame.index, dtype=object)


def three_class_corpora() -> dict[str, tuple[pd.Series, pd.Series, str]]:
    """name → (texts, three-class labels, language) of each held-out corpus present."""
    found = {}
    if (PUBLIC / "twitter_airline_sentiment.csv").exists():
        frame = pd.read_csv(PUBLIC / "twitter_airline_sentiment.csv")
        found["English airline tweets (annotated)"] = (frame["text"], frame["airline_sentiment"], "en")
    if (PUBLIC / "ba_airline_reviews.csv").exists():
        frame = pd.read_csv(PUBLIC / "ba_airline_reviews.csv").dropna(subset=["OverallRating"])
        texts = frame["ReviewBody"]
        found["English airline reviews (1-4/5-6/7-10)"] = (texts, airline_rating_labels(frame), "en")
        recommended = frame["Recommended"].map({"yes": "positive", "no": "negative"})
        found["English airline reviews (recommended)"] = (texts, recommended, "en")
    for language, name in (("en", "English"), ("es", "Spanish")):
        if (PUBLIC / f"opener_{language}_train.json").exists():
            found[f"{name} hotel review sentences (OpeNER)"] = (*opener(language), language)
    return found | spanish_reviews()


def scored(truth: pd.Series, reading: pd.Series) -> tuple[float, float]:
    """Accuracy and macro-F1 of ``reading`` against ``truth``, the F1 averaged over the classes the
    truth has: on a two-class truth a neutral reading counts as an error (in accuracy and in the
    recall of its true class) without adding a class no text belongs to."""
    classes = sorted(truth.dropna().unique())
    return accuracy_score(truth, reading), f1_score(truth, reading, labels=classes, average="macro")


def adapted_reading(texts: pd.Series, language: str) -> pd.Series:
    """The shipped model's labels with the class priors adapted to ``texts``' distinct texts
    (``sentiment_model.model_reading(..., adapt=True)``, not used at run time)."""

    def read(distinct: pd.Series) -> pd.DataFrame:
        lexicon = lexicon_sentiment(distinct, language).reset_index(drop=True)
        return sentiment_model.model_reading(fold(distinct).fillna(""), lexicon, language, adapt=True)

    return on_distinct(texts, read)["label"]


def reading_table() -> None:
    """The three-class table: lexicon, shipped model and the model with adapted priors side by side
    on each held-out corpus, and the model's macro-F1 against the same labels shuffled (the link
    between text and label destroyed: it must fall to chance, 1 / number of classes)."""
    print("## Readings without ratings (held-out public corpora; macro-F1 over the truth's classes)")
    cell = f"{'accuracy':>8} {'macro-F1':>8}"
    print(
        f"{'corpus':42} {'n':>7} {'majority':>8} | lexicon {cell} | model {cell} | adapted {cell} | shuffled"
    )
    for name, (texts, labels, language) in three_class_corpora().items():
        majority = labels.value_counts(normalize=True).max()
        lexicon = scored(labels, lexicon_sentiment(texts, language)["label"])
        row = f"{name:42} {len(labels):7,} {majority:8.3f} | lexicon {lexicon[0]:8.3f} {lexicon[1]:8.3f}"
        if sentiment_model.reading(language) == "model":
            model = sentiment(texts, language)["label"]
            shuffled = labels.sample(frac=1, random_state=0).set_axis(labels.index)
            adapted = scored(labels, adapted_reading(texts, language))
            plain = scored(labels, model)
            row += (
                f" | model {plain[0]:8.3f} {plain[1]:8.3f} | adapted {adapted[0]:8.3f} {adapted[1]:8.3f}"
                f" | {scored(shuffled, model)[1]:8.3f}"
            )
        else:
            row += f" | model {'(none)':>8}"
        print(row)


def main() -> None:
    reading_table()
    if "--readings" in sys.argv[1:]:  # the three-class table only
        return
    for name, (texts, labels, language) in corpora().items():
        print(f"\n## {name}: {len(texts):,} texts, labels {labels.value_counts().to_dict()}")
        started = time.perf_counter()
        lexicon = lexicon_sentiment(texts, language)
        seconds = time.perf_counter() - started
        print(
            f"lexicon      accuracy {accuracy_score(labels, lexicon['label']):.3f}  "
            f"macro-F1 {f1_score(labels, lexicon['label'], average='macro'):.3f}  "
            f"({len(texts) / seconds:,.0f} texts/s)"
        )
        always = pd.Series("positive", index=labels.index)
        print(
            f"always pos.  accuracy {accuracy_score(labels, always):.3f}  "
            f"macro-F1 {f1_score(labels, always, average='macro'):.3f}"
        )
        print(f"no sentiment word in {(lexicon['positive'] + lexicon['negative']).eq(0).mean():.1%} of texts")
        if language == "en":
            from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

            polarity = SentimentIntensityAnalyzer().polarity_scores
            compound = texts.map(lambda text, polarity=polarity: polarity(text)["compound"])
            reference = np.select([compound >= 0.05, compound <= -0.05], ["positive", "negative"], "neutral")
            print(
                f"vaderSentiment reference accuracy {accuracy_score(labels, reference):.3f}  "
                f"macro-F1 {f1_score(labels, reference, average='macro'):.3f}"
            )
        for shuffled in (False, True):
            used = labels.sample(frac=1, random_state=1).set_axis(labels.index) if shuffled else labels
            started = time.perf_counter()
            _, calibration = calibrated_sentiment(texts, language, used)
            print(
                f"{'shuffled ' if shuffled else ''}classifier "
                f"accuracy {calibration.classifier_accuracy:.3f}  "
                f"macro-F1 {calibration.classifier_f1:.3f}  majority {calibration.majority:.3f}  "
                f"p {calibration.p_value:.2g}  → uses {calibration.method}  "
                f"({time.perf_counter() - started:.1f} s)"
            )
        started = time.perf_counter()
        discovered = discover_themes(texts, language)
        print(f"themes ({time.perf_counter() - started:.1f} s):")
        for theme in discovered.flags.columns:
            print(f"  {theme}: {int(discovered.flags[theme].sum()):,} texts")


if __name__ == "__main__":
    main()
