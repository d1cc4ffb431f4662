"""The personal-data masker measured on its labelled corpus (tests/masking_corpus.py): precision
and recall of at least 0.95 overall, and no look-alike (aircraft type, date range, price, order
number, "I am OneWorld") ever masked."""

from __future__ import annotations

import pandas as pd
from masking_corpus import corpus, scores

from cxlib.stats.personal_data import mask_personal_data


def test_masking_is_precise_and_complete_on_the_labelled_corpus():
    examples = corpus()
    assert len(examples) >= 300
    masked = mask_personal_data(pd.Series([text for text, _ in examples])).tolist()
    recall, precision = scores(examples, masked)
    assert recall.loc["overall", "recall"] >= 0.95 and precision.loc["overall", "precision"] >= 0.95
    assert (recall["recall"] >= 0.9).all() and (precision["precision"] >= 0.9).all()
    changed = [text for (text, truth), out in zip(examples, masked, strict=True) if not truth and out != text]
    assert not changed


def test_masks_keep_the_sentence_readable():
    texts = pd.Series(
        [
            "on an older 747-400 with proper business class seats, call me on 020 7946 0958",
            "I am OneWorld Emerald; my NI number is AB 123456 C",
        ]
    )
    assert mask_personal_data(texts).tolist() == [
        "on an older 747-400 with proper business class seats, call me on [tel.]",
        "I am OneWorld Emerald; my NI number is [id]",
    ]
