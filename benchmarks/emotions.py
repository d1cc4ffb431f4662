"""The emotion lexicon (cxlib.stats.emotions) on public labelled emotion corpora it was not written from.

Prints, per corpus and emotion: the texts labelled with it (support), the lexicon's precision,
recall and F1, the share of texts it flags, and the same F1 with the gold labels shuffled (chance),
then the share of texts with no emotion found and the throughput. Each corpus labels only some of
the six emotions, mapped from its own categories as ``MAPPINGS`` says; the others are not scored.

Corpora (not in the repository; see data/public/README.md; missing ones are skipped):

* GoEmotions, test split (5,427 English Reddit comments, 27 emotions + neutral, multi-label;
  Demszky, D. et al. (2020), GoEmotions: a dataset of fine-grained emotions, *ACL*, 4040-4054;
  CC BY 4.0): ``data/original/test.tsv`` and ``labels.txt`` of github.com/monologg/GoEmotions-pytorch.
* EmoEvent, whole corpus (8,409 Spanish and 7,303 English tweets on events of April 2019, Ekman's
  six emotions + other, the majority of three annotators; Plaza-del-Arco, F. M. et al. (2020),
  EmoEvent, *LREC*, 1492-1498): ``emoevent_{es,en}.csv`` of github.com/fmplaza/EmoEvent. The
  lexicon is not fitted, so it is scored on every tweet, not only a test split.
* XED (English film subtitles annotated with Plutchik's eight emotions, and their Spanish
  projections; Öhman, E. et al. (2020), XED: a multilingual dataset for sentiment analysis and
  emotion detection, *COLING*, 6542-6552; CC BY 4.0), the only corpus here that labels trust.

    python benchmarks/emotions.py
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score, precision_score, recall_score

from cxlib.stats.emotions import emotion_names, emotions

PUBLIC = Path(__file__).resolve().parents[1] / "data" / "public"

#: Each corpus's own categories behind each of the six emotions (emotions absent are not scored).
MAPPINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "goemotions": {
        "frustration": ("anger", "annoyance"),
        "worry": ("fear", "nervousness"),
        "disappointment": ("disappointment", "sadness"),
        "satisfaction": ("joy", "admiration", "excitement", "love", "relief"),
        "gratitude": ("gratitude",),
    },
    "emoevent": {
        "frustration": ("anger",),
        "worry": ("fear",),
        "disappointment": ("sadness",),
        "satisfaction": ("joy",),
    },
    "xed": {
        "frustration": ("anger",),
        "worry": ("fear",),
        "disappointment": ("sadness",),
        "satisfaction": ("joy",),
        "trust": ("trust",),
    },
}
XED_LABELS = ("anger", "anticipation", "disgust", "fear", "joy", "sadness", "surprise", "trust")


def _gold(labels: pd.Series, mapping: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """Per text, one boolean column per mapped emotion, from a Series of label sets."""
    return pd.DataFrame(
        {
            emotion: labels.map(lambda found, names=names: bool(set(found) & set(names)))
            for emotion, names in mapping.items()
        }
    )


def corpora() -> dict[str, tuple[pd.Series, pd.DataFrame, str]]:
    """name → (texts, gold emotions, language) for each corpus present in ``data/public``."""
    found = {}
    goemotions, names = PUBLIC / "goemotions_test.tsv", PUBLIC / "goemotions_labels.txt"
    if goemotions.exists() and names.exists():
        labels = names.read_text(encoding="utf-8").split()
        frame = pd.read_csv(
            goemotions, sep="\t", header=None, names=["text", "ids", "id"], quoting=csv.QUOTE_NONE
        )
        sets = frame["ids"].astype(str).str.split(",").map(lambda ids: {labels[int(i)] for i in ids})
        found["GoEmotions test (en)"] = (frame["text"], _gold(sets, MAPPINGS["goemotions"]), "en")
    for language in ("es", "en"):
        path = PUBLIC / f"emoevent_{language}.csv"
        if path.exists():
            frame = pd.read_csv(path, sep="\t", dtype=str).dropna(subset=["tweet", "emotion"])
            frame = frame.reset_index(drop=True)
            sets = frame["emotion"].map(lambda label: {label})
            found[f"EmoEvent ({language})"] = (frame["tweet"], _gold(sets, MAPPINGS["emoevent"]), language)
    for language, file in (("en", "xed_en_annotated.tsv"), ("es", "xed_es_projections.tsv")):
        path = PUBLIC / file
        if path.exists():
            frame = pd.read_csv(
                path,
                sep="\t",
                header=None,
                names=["text", "ids"],
                quoting=csv.QUOTE_NONE,
                dtype=str,
                on_bad_lines="skip",  # two Spanish lines hold stray tabs
            )
            frame = frame.dropna().reset_index(drop=True)
            sets = (
                frame["ids"]
                .str.split(",")
                .map(lambda ids: {XED_LABELS[int(i) - 1] for i in ids if i.strip()})
            )
            found[f"XED ({language})"] = (frame["text"], _gold(sets, MAPPINGS["xed"]), language)
    return found


def scores(flags: pd.DataFrame, gold: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Per gold emotion: support, precision, recall, F1, share flagged and F1 against shuffled gold."""
    rng = np.random.default_rng(seed)
    rows = []
    for emotion in gold.columns:
        truth, predicted = gold[emotion].to_numpy(), flags[emotion].to_numpy()
        rows.append(
            {
                "emotion": emotion,
                "support": int(truth.sum()),
                "precision": precision_score(truth, predicted, zero_division=0),
                "recall": recall_score(truth, predicted, zero_division=0),
                "f1": f1_score(truth, predicted, zero_division=0),
                "flagged": predicted.mean(),
                "f1_shuffled": f1_score(rng.permutation(truth), predicted, zero_division=0),
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    found = corpora()
    if not found:
        print(f"no corpus in {PUBLIC} (see data/public/README.md)")
        return
    for name, (texts, gold, language) in found.items():
        start = time.perf_counter()
        flags = emotions(texts, language)
        seconds = time.perf_counter() - start
        table = scores(flags, gold)
        print(f"\n{name}: {len(texts):,} texts, {len(texts) / seconds:,.0f} texts/s")
        print(table.to_string(index=False, float_format=lambda value: f"{value:.3f}"))
        print(
            f"macro-F1 {table['f1'].mean():.3f} (shuffled {table['f1_shuffled'].mean():.3f}); "
            f"texts with no emotion found: {(~flags[list(emotion_names())].any(axis=1)).mean():.1%}"
        )


if __name__ == "__main__":
    main()
