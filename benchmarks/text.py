"""Comment analytics on public review corpora that this project did not generate.

Prints, per corpus: the lexicon's accuracy and macro-F1 against the reviewers' own labels, the
"always positive" baseline, the share of texts with no sentiment word, the client-calibrated
classifier's cross-validated figures and whether it is used, the same with the labels shuffled
(the classifier must then be refused), the discovered themes, how many themes differ on the
rating from the rest (real and shuffled), and throughput. English also runs vaderSentiment's own
analyser for reference.

The corpora are not in the repository (see data/public/README.md); missing ones are skipped.

    python benchmarks/text.py
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score

from cxlib.stats.text import calibrated_sentiment, discover_themes, rating_labels, sentiment

PUBLIC = Path(__file__).resolve().parents[1] / "data" / "public"


def corpora() -> dict[str, tuple[pd.Series, pd.Series, str]]:
    """name → (texts, labels, language) for each corpus present."""
    found = {}
    if (PUBLIC / "ba_reviews.csv").exists():
        frame = pd.read_csv(PUBLIC / "ba_reviews.csv")
        labels = frame["recommended"].map({"yes": "positive", "no": "negative"})
        found["English airline reviews vs recommended"] = (frame["content"], labels, "en")
    if (PUBLIC / "cuba_hotels_sentiment.xlsx").exists():
        frame = pd.read_excel(PUBLIC / "cuba_hotels_sentiment.xlsx")
        texts = frame["Title"].fillna("") + ". " + frame["Opinion"].fillna("")
        found["Spanish hotel reviews (1-5)"] = (texts, rating_labels(frame["Class"], 1, 5), "es")
    if (PUBLIC / "restmex_restaurants.xlsx").exists():
        frame = pd.read_excel(PUBLIC / "restmex_restaurants.xlsx")
        texts = frame["Title"].fillna("") + ". " + frame["Opinion"].fillna("")
        found["Spanish restaurant reviews (1-5)"] = (texts, rating_labels(frame["Polarity"], 1, 5), "es")
    return found


def main() -> None:
    for name, (texts, labels, language) in corpora().items():
        print(f"\n## {name}: {len(texts):,} texts, labels {labels.value_counts().to_dict()}")
        started = time.perf_counter()
        lexicon = sentiment(texts, language)
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
