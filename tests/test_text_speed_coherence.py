"""Issue 29, items 1 and 6: themes split when their comments hold unrelated topics (a coherence
measure with a floor), and the fast paths of the comments pipeline give what the slow ones gave."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from cxlib.stats import themes
from cxlib.stats.personal_data import _SCANNER, _replace, mask_personal_data
from tests.masking_corpus import LOOK_ALIKES, corpus

TOPICS = (
    ("fila", "sucursal", "espera", "larga", "horas", "turno"),
    ("aplicación", "cae", "pago", "transferencia", "error", "actualización"),
    ("tarjeta", "comisión", "cobro", "anualidad", "cargo", "cuota"),
)


def planted() -> pd.Series:
    """60 comments on each of three topics that share no word (three words of the topic each)."""
    rng = np.random.default_rng(0)
    return pd.Series([" ".join(rng.choice(words, 3, replace=False)) for words in TOPICS for _ in range(60)])


def topic_themes(found: themes.DiscoveredThemes) -> list[list[int]]:
    """Per planted topic, how many of its 60 comments each theme flags."""
    return [found.flags.iloc[60 * topic : 60 * (topic + 1)].sum().tolist() for topic in range(len(TOPICS))]


def test_a_theme_holding_two_unrelated_topics_is_split(monkeypatch):
    comments = planted()
    with monkeypatch.context() as unsplit:
        unsplit.setattr(themes, "COHERENCE_FLOOR", -np.inf)
        merged = themes.discover_themes(comments, "es", count=2)
    # two NMF themes for three topics: one theme holds two topics that never share a comment
    assert len(merged.terms) == 2 and sorted(map(max, topic_themes(merged))) == [60, 60, 60]
    assert any(row.count(60) == 1 and 0 in row for row in topic_themes(merged))
    assert sum(1 for column in np.array(topic_themes(merged)).T if (column == 60).sum() == 2) == 1
    split = themes.discover_themes(comments, "es", count=2)
    counts = np.array(topic_themes(split))
    assert counts.shape == (3, 3)
    assert sorted(counts.max(axis=1)) == [60, 60, 60] and (counts == 60).sum(axis=0).tolist() == [1, 1, 1]
    for name, words in split.terms.items():  # each theme is named by one topic's words only
        topic = {token for token in TOPICS for token in token if token in " ".join(words)}
        assert topic and any(topic <= set(words_of) for words_of in TOPICS), name


def test_npmi_is_one_for_words_always_together_and_minus_one_for_words_never_together():
    # four comments: "a b" twice, "c d" twice; one group of each pair, one group of all four
    matrix = sparse.csr_matrix(np.array([[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 1]], float))
    single = np.ones(4, dtype=bool)
    together, mixed = themes.npmi_coherence([np.array([0, 1]), np.arange(4)], matrix, single)
    assert together == pytest.approx(1.0)
    assert mixed == pytest.approx((2 * 1.0 + 4 * -1.0) / 6)  # two pairs meet, four never do
    assert mixed < themes.COHERENCE_FLOOR < together


def test_coherent_themes_are_left_as_they_are():
    """The three topics asked for as three themes: each already coherent, none split."""
    found = themes.discover_themes(planted(), "es", count=3)
    assert len(found.terms) == 3 and (np.array(topic_themes(found)) == 60).sum() == 3


def test_masking_only_the_texts_that_may_hold_personal_data_changes_nothing():
    texts = (
        [text for text, _ in corpus()]
        + list(LOOK_ALIKES)
        + [
            "Llámame al ５５ １２３４ ５６７８",  # Unicode digits are digits to the scanner too
            "cc 1.234.567 de Bogotá",
            "rut 1234.567-k",
            "I am Gold and my name is Ana Pérez",
            "nothing here at all",
            None,
        ]
    )
    comments = pd.Series(texts, dtype=object)
    scanned = comments.astype("string").str.replace(_SCANNER, _replace, regex=True)
    assert mask_personal_data(comments).fillna("<none>").tolist() == scanned.fillna("<none>").tolist()
    assert mask_personal_data(comments).ne(comments).sum() > 250  # measured 275: the corpus masks


def test_theme_names_are_phrases_of_the_comments_on_long_texts():
    """The array-built phrases: every name is a run of words of one clause of some comment."""
    reviews = pd.Series(
        [
            "The cabin crew were friendly and attentive. Seat was narrow, legroom poor.",
            "Friendly cabin crew, good food; the seat was narrow and the legroom poor.",
            "Cabin crew friendly. Food cold. Seat narrow!",
        ]
        * 20
    )
    weights = np.array([[1.0, 0.2], [0.3, 1.0], [0.5, 0.5]] * 20)
    names = themes.theme_phrases(reviews, weights, "en", 2)
    assert all(names) and len({name for theme in names for name in theme}) == sum(map(len, names))
    assert all(any(name in text for text in reviews) for theme in names for name in theme)
