"""cxlib.stats.vectorise gives scikit-learn's matrices, computed with array operations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer, TfidfVectorizer

from cxlib.stats import emotions, text, vectorise
from cxlib.stats.text import fold
from cxlib.stats.themes import THEME_TOKEN

TEXTS = fold(
    pd.Series(
        [
            "El servicio fue pésimo, pero la app funciona bien.",
            "No me llamaron nunca!!! 3 horas en espera... ¿Por qué?",
            "",
            None,
            "a b c  d\te\x1cf",
            "don't stop_me now: it's 10:30 (flight BA-747)",
            "Muy buen trato, muy buen trato y buen trato.",
            "x",
            "   ",
            "the staff were kind and the room was clean and quiet",
        ]
        * 3
    )
)

VECTORIZERS = {
    "tf-idf bigrams, stop words, own pattern": lambda: TfidfVectorizer(
        ngram_range=(1, 2),
        stop_words=["el", "la", "the", "and"],
        token_pattern=THEME_TOKEN,
        sublinear_tf=True,
    ),
    "tf-idf unigrams": lambda: TfidfVectorizer(token_pattern=THEME_TOKEN),
    "counts with bigrams": lambda: CountVectorizer(ngram_range=(1, 2)),
    "char_wb tf-idf": lambda: TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True),
    "hashed words": lambda: HashingVectorizer(
        ngram_range=(1, 2), n_features=2**10, alternate_sign=False, norm=None, lowercase=False
    ),
    "hashed char_wb, l2": lambda: HashingVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), n_features=2**10, alternate_sign=False, lowercase=False
    ),
}


@pytest.mark.parametrize("name", list(VECTORIZERS))
def test_transform_equals_scikit_learn(name, monkeypatch):
    monkeypatch.setattr(vectorise, "CHUNK", 7)  # several chunks, one ending mid-way
    vectorizer = VECTORIZERS[name]()
    if not isinstance(vectorizer, HashingVectorizer):
        vectorizer.fit(TEXTS.fillna("").iloc[:12])
    expected = vectorizer.transform(TEXTS.fillna(""))
    got = vectorise.transform(vectorizer, TEXTS)
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype
    assert abs(got - expected).max() < 1e-12
    assert got.nnz == expected.nnz


def test_texts_not_folded_go_to_scikit_learn():
    vectorizer = CountVectorizer().fit(["Pésimo servicio"])
    texts = pd.Series(["Pésimo servicio", "SERVICIO"])
    assert (vectorise.transform(vectorizer, texts) != vectorizer.transform(texts)).nnz == 0
    assert vectorise.transform(vectorizer, texts).toarray().tolist() == [[1, 1], [0, 1]]


def test_split_keeps_punctuation_as_tokens():
    found = vectorise.split(
        pd.Series(["hola, que tal!!", None, "don't"]), text.TOKEN_CHARACTERS, text.PUNCTUATION
    )
    assert found.vocabulary[found.code].tolist() == ["hola", ",", "que", "tal", "!", "!", "don't"]
    assert found.doc.tolist() == [0, 0, 0, 0, 0, 0, 2]
    assert found.starts().tolist() == [True, False, False, False, False, False, True]


def test_scores_do_not_depend_on_chunks(monkeypatch):
    comments = pd.Series(
        ["No es malo, pero tampoco bueno.", "Excelente atención", None, "muy mal servicio", "sin problemas"]
        * 4
    )
    whole = text.lexicon_sentiment(comments, "es")
    monkeypatch.setattr(vectorise, "CHUNK", 3)
    chunked = text._lexicon_scores(comments.reset_index(drop=True), "es")
    pd.testing.assert_frame_equal(chunked.reset_index(drop=True), whole.reset_index(drop=True))
    assert np.isfinite(whole["score"]).all()


def test_emotion_negation_within_clause():
    read = emotions.emotions(
        pd.Series(["no estoy satisfecho", "estoy satisfecho", "no, estoy satisfecho"]), "es"
    )
    assert read["satisfaction"].tolist() == [False, True, True]
