"""Train the shipped sentiment models (cxlib/stats/models/sentiment_<language>.npz) on public
labelled corpora whose licences allow distributing a model trained on them.

Prints where each corpus came from, its size per label, the held-out scores of the fitted model on
the part of the training corpus it never saw (and the lexicon's on the same texts), and the same
with the training labels shuffled, where the held-out score must fall to chance. The corpora are
not in the repository; see data/public/README.md for where to get them.

    python tools/train_sentiment.py            # both languages
    python tools/train_sentiment.py en --check  # scores only, nothing written

Method: multinomial logistic regression (class-balanced, L2) on the features of
:func:`cxlib.stats.sentiment_model.features`; held-out split stratified, seeded. The inverse
regularisation strength C is chosen among :data:`C_GRID` by stratified cross-validation (macro-F1) on
the training part of the split only, so the printed held-out scores do not select it and no corpus of
``benchmarks/text.py`` is looked at; the shipped model is then fitted on the whole corpus with it.
Class-balanced weights were compared with none by the same cross-validation (C 1.0: macro-F1 0.707
and 0.706) and kept, so that the posteriors carry uniform priors
(:attr:`cxlib.stats.sentiment_model.ShippedModel.priors`).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict, train_test_split

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cxlib.stats import sentiment_model  # noqa: E402
from cxlib.stats.text import _lexicon_scores, fold  # noqa: E402

PUBLIC = ROOT / "data" / "public"
#: Inverse regularisation strengths tried, the folds that choose among them, and the share of each
#: corpus held out for the printed scores.
C_GRID = (0.1, 0.3, 1.0, 3.0)
C_FOLDS = 3
HELD_OUT = 0.2
SEED = 0


@dataclass(frozen=True)
class Corpus:
    """Labelled texts of one public corpus, with where they came from and under what licence."""

    name: str
    source: str
    licence: str
    texts: pd.Series
    labels: pd.Series


def _tsv(name: str, columns: list[str]) -> pd.DataFrame:
    """A headerless tab-separated file of ``data/public``, read as text (quotes not special)."""
    return pd.read_csv(PUBLIC / name, sep="\t", header=None, names=columns, quoting=3, dtype=str)


def goemotions() -> Corpus:
    """GoEmotions (Demszky, D. et al. (2020), GoEmotions: a dataset of fine-grained emotions, *ACL*,
    4040-4054): 58k English Reddit comments, emotions grouped by the authors into positive,
    negative, ambiguous and neutral; comments with one group among positive, negative, neutral kept."""
    splits = ("train", "dev", "test")
    frames = [_tsv(f"goemotions_group_{split}.tsv", ["text", "group", "id"]) for split in splits]
    frame = pd.concat(frames, ignore_index=True)
    groups = {"1": "negative", "2": "neutral", "3": "positive"}
    single = frame[frame["group"].isin(groups)]
    return Corpus(
        "GoEmotions (sentiment groups)",
        "github.com/google-research/google-research goemotions, grouped copy data/group/*.tsv of "
        "github.com/monologg/GoEmotions-pytorch",
        "CC BY 4.0",
        single["text"].reset_index(drop=True),
        single["group"].map(groups).reset_index(drop=True),
    )


def labelled_sentences() -> Corpus:
    """Sentiment Labelled Sentences (Kotzias, D. et al. (2015), From group to individual labels
    using deep features, *KDD*, 597-606): 3,000 English sentences from Amazon product, Yelp
    restaurant and IMDb film reviews, labelled positive or negative (no neutral)."""
    frame = pd.concat(
        [_tsv(f"uci_{name}_labelled.txt", ["text", "y"]) for name in ("amazon_cells", "yelp", "imdb")],
        ignore_index=True,
    ).dropna()
    return Corpus(
        "Sentiment Labelled Sentences (UCI)",
        "UCI Machine Learning Repository; copy *_labelled.txt of github.com/varunchitale/SentimentAnalysis",
        "CC BY 4.0",
        frame["text"].reset_index(drop=True),
        frame["y"].str.strip().map({"0": "negative", "1": "positive"}).reset_index(drop=True),
    )


#: XED's Plutchik emotions (1 anger, 2 anticipation, 3 disgust, 4 fear, 5 joy, 6 sadness,
#: 7 surprise, 8 trust) by polarity; anticipation and surprise carry none.
XED_POLARITY = {
    "1": "negative",
    "3": "negative",
    "4": "negative",
    "6": "negative",
    "5": "positive",
    "8": "positive",
}


def xed_spanish() -> Corpus:
    """XED (Öhman, E. et al. (2020), XED: a multilingual dataset for sentiment analysis and emotion
    detection, *COLING*, 6542-6552): film subtitles annotated with Plutchik's emotions, projected
    to Spanish over aligned subtitles; a line is positive or negative when all its polar emotions
    agree (the projections have no neutral lines)."""
    lines = (PUBLIC / "xed_es_projections.tsv").read_text(encoding="utf-8").splitlines()
    # the last tab separates the emotions (some lines hold tabs in their text)
    frame = pd.Series(lines, dtype=object).str.rsplit("\t", n=1, expand=True)
    frame = frame.set_axis(["text", "emotions"], axis=1).dropna()
    polarity = (
        frame["emotions"]
        .str.split(r",\s*")
        .map(lambda emotions: {XED_POLARITY[emotion] for emotion in emotions if emotion in XED_POLARITY})
    )
    labels = polarity.map(lambda found: next(iter(found)) if len(found) == 1 else None)
    kept = labels.notna() & frame["text"].notna()
    return Corpus(
        "XED film subtitles (es)",
        "github.com/Helsinki-NLP/XED Projections/es-projections.tsv",
        "CC BY 4.0",
        frame.loc[kept, "text"].reset_index(drop=True),
        labels[kept].reset_index(drop=True),
    )


#: The corpora each language's model is trained on.
TRAINING = {"en": (goemotions, labelled_sentences), "es": (xed_spanish,)}


def corpus_of(language: str) -> Corpus:
    """The language's training corpora, concatenated (name, source and licence joined)."""
    parts = [load() for load in TRAINING[language]]
    return Corpus(
        " + ".join(part.name for part in parts),
        "; ".join(part.source for part in parts),
        "; ".join(part.licence for part in parts),
        pd.concat([part.texts for part in parts], ignore_index=True),
        pd.concat([part.labels for part in parts], ignore_index=True),
    )


def _classifier(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=300, tol=1e-3, class_weight="balanced")


def fit(texts: pd.Series, labels: pd.Series, language: str, c: float) -> LogisticRegression:
    """The logistic regression (inverse regularisation strength ``c``) on the features of ``texts``."""
    return _classifier(c).fit(featurise(texts, language), labels.to_numpy(dtype=str))


def split(corpus: Corpus) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Training texts, held-out texts, training labels, held-out labels (stratified, seeded)."""
    return train_test_split(
        corpus.texts, corpus.labels, test_size=HELD_OUT, stratify=corpus.labels, random_state=SEED
    )


def choose_c(corpus: Corpus, language: str) -> float:
    """The C of :data:`C_GRID` with the best macro-F1 in stratified :data:`C_FOLDS`-fold
    cross-validation on the training part of :func:`split` (printed per C)."""
    texts, _, labels, _ = split(corpus)
    features, truth = featurise(texts, language), labels.to_numpy(dtype=str)
    folds = StratifiedKFold(C_FOLDS, shuffle=True, random_state=SEED)
    found = {}
    for c in C_GRID:
        predicted = cross_val_predict(_classifier(c), features, truth, cv=folds)
        found[c] = f1_score(truth, predicted, average="macro")
        print(f"  C {c:<5} cross-validated on the training part: {scores(truth, predicted)}")
    return max(found, key=found.get)


def featurise(texts: pd.Series, language: str) -> object:
    """:func:`cxlib.stats.sentiment_model.features` of ``texts``."""
    texts = texts.reset_index(drop=True)
    return sentiment_model.features(fold(texts).fillna(""), _lexicon_scores(texts, language))


def scores(truth: pd.Series, predicted: np.ndarray) -> str:
    """Accuracy and macro-F1, printed."""
    return (
        f"accuracy {accuracy_score(truth, predicted):.3f}  "
        f"macro-F1 {f1_score(truth, predicted, average='macro'):.3f}"
    )


def held_out(corpus: Corpus, language: str, c: float, shuffled: bool = False) -> dict[str, float]:
    """Fit (inverse regularisation strength ``c``) on the training part of :func:`split` (labels
    shuffled if asked) and score on the held-out part; prints the model's and the lexicon's scores
    and the majority share. Returns the model's scores."""
    train_texts, test_texts, train_labels, test_labels = split(corpus)
    if shuffled:
        train_labels = train_labels.sample(frac=1, random_state=SEED).set_axis(train_labels.index)
    model = fit(train_texts, train_labels, language, c)
    predicted = model.predict(featurise(test_texts, language))
    lexicon = _lexicon_scores(test_texts.reset_index(drop=True), language)["label"].to_numpy(dtype=str)
    majority = test_labels.value_counts(normalize=True).max()
    tag = "shuffled labels" if shuffled else "held out"
    print(
        f"  {tag:16} n {len(test_labels):,}  model {scores(test_labels, predicted)}  majority {majority:.3f}"
    )
    if not shuffled:
        print(f"  {'':16} n {len(test_labels):,}  lexicon {scores(test_labels, lexicon)}")
    return {
        "accuracy": float(accuracy_score(test_labels, predicted)),
        "macro_f1": float(f1_score(test_labels, predicted, average="macro")),
        "majority": float(majority),
        "n": len(test_labels),
    }


def train(language: str, write: bool = True) -> None:
    """Report the held-out scores (real and shuffled), then fit on the whole corpus and save."""
    corpus = corpus_of(language)
    print(f"\n## {language}: {corpus.name}\n  source: {corpus.source}\n  licence: {corpus.licence}")
    print(f"  {len(corpus.texts):,} texts, labels {corpus.labels.value_counts().to_dict()}")
    c = choose_c(corpus, language)
    print(f"  chosen C {c}")
    real = held_out(corpus, language, c)
    shuffled = held_out(corpus, language, c, shuffled=True)
    if not write:
        return
    model = fit(corpus.texts, corpus.labels, language, c)
    about = {
        "corpora": corpus.name,
        "sources": corpus.source,
        "licences": corpus.licence,
        "n": len(corpus.texts),
        "held_out": real,
        "held_out_shuffled": shuffled,
        "C": c,
    }
    shipped = sentiment_model.ShippedModel(
        model.coef_.astype(np.float32), model.intercept_.astype(np.float32), tuple(model.classes_), about
    )
    path = sentiment_model.model_path(language)
    sentiment_model.save(shipped, path)
    print(f"  written {path.relative_to(ROOT)} ({path.stat().st_size / 1e6:.1f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("languages", nargs="*", default=list(TRAINING))
    parser.add_argument("--check", action="store_true", help="print scores only, write nothing")
    arguments = parser.parse_args()
    for language in arguments.languages:
        train(language, write=not arguments.check)


if __name__ == "__main__":
    main()
