"""Comment analytics on public review corpora that this project did not generate.

First the three-class table of the readings a client without ratings can get: per held-out public
corpus (none of them seen in training; see data/public/README.md), n, accuracy, macro-F1 and the
majority label's share, for the lexicon and for the shipped model (cxlib.stats.sentiment_model),
side by side. Then, per rated corpus: the lexicon's accuracy and macro-F1 against the reviewers'
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

from cxlib.stats import sentiment_model
from cxlib.stats.text import (
    calibrated_sentiment,
    discover_themes,
    lexicon_sentiment,
    rating_labels,
    sentiment,
)

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


def three_class_corpora() -> dict[str, tuple[pd.Series, pd.Series, str]]:
    """name → (texts, three-class labels, language) of each held-out corpus present."""
    found = {}
    if (PUBLIC / "twitter_airline_sentiment.csv").exists():
        frame = pd.read_csv(PUBLIC / "twitter_airline_sentiment.csv")
        found["English airline tweets (annotated)"] = (frame["text"], frame["airline_sentiment"], "en")
    if (PUBLIC / "ba_reviews.csv").exists():
        frame = pd.read_csv(PUBLIC / "ba_reviews.csv").dropna(subset=["rating"])
        found["English airline reviews (1-10)"] = (
            frame["content"],
            rating_labels(frame["rating"], 1, 10),
            "en",
        )
    for language, name in (("en", "English"), ("es", "Spanish")):
        if (PUBLIC / f"opener_{language}_train.json").exists():
            found[f"{name} hotel review sentences (OpeNER)"] = (*opener(language), language)
    return found | spanish_reviews()


def reading_table() -> None:
    """The three-class table: lexicon and shipped model side by side on each held-out corpus."""
    print("## Three classes without ratings: lexicon vs shipped model (held-out public corpora)")
    header = f"{'accuracy':>11} {'macro-F1':>8}"
    print(f"{'corpus':42} {'n':>7} {'majority':>8} | lexicon {header} | model {header}")
    for name, (texts, labels, language) in three_class_corpora().items():
        readings = {
            "lexicon": lexicon_sentiment(texts, language)["label"],
            "model": sentiment(texts, language)["label"],
        }
        cells = [
            f"{accuracy_score(labels, reading):11.3f} {f1_score(labels, reading, average='macro'):8.3f}"
            if sentiment_model.reading(language) == "model" or key == "lexicon"
            else f"{'(none)':>11} {'':8}"
            for key, reading in readings.items()
        ]
        majority = labels.value_counts(normalize=True).max()
        print(f"{name:42} {len(labels):7,} {majority:8.3f} | lexicon {cells[0]} | model {cells[1]}")


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
