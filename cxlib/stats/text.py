"""Offline sentiment and themes of free-text comments, in Spanish and English.

A lexicon approach (``cxlib/lexicon.yaml``): whole-word matches after lowercasing and accent
folding, with simple negation (a positive word within two words after a negator counts as
negative), in the spirit of Hu, M. & Liu, B. (2004), Mining and summarizing customer reviews,
*KDD '04*, 168-177, and Taboada et al. (2011), Lexicon-based methods for sentiment analysis,
*Computational Linguistics* 37(2), 267-307. Everything is vectorised with pandas string methods;
nothing is downloaded.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml


@lru_cache(maxsize=1)
def lexicon() -> dict:
    """The sentiment and theme word lists."""
    return yaml.safe_load(Path(__file__).with_name("lexicon.yaml").read_text(encoding="utf-8"))


def fold(text: pd.Series) -> pd.Series:
    """Lowercase and strip accents ("Pésimo" → "pesimo"), vectorised."""
    return (
        text.astype("string")
        .str.lower()
        .str.normalize("NFKD")
        .str.encode("ascii", "ignore")
        .str.decode("ascii")
    )


def _words(words: list[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


def sentiment(comments: pd.Series, language: str) -> pd.DataFrame:
    """Per comment: positive and negative hits, a score (positive − negative) and a label.

    Labels are ``positive``, ``negative``, ``neutral``, or missing where there is no comment.
    """
    words = lexicon()
    folded = fold(comments)
    positive, negative, negators = (
        _words(words[key][language]) for key in ("positive", "negative", "negators")
    )
    positive_hits = folded.str.count(rf"\b(?:{positive})\b")
    negative_hits = folded.str.count(rf"\b(?:{negative})\b")
    negated = folded.str.count(rf"\b(?:{negators})\b\s+(?:\w+\s+)?(?:{positive})\b")
    score = (positive_hits - negated) - (negative_hits + negated)
    label = pd.Series(
        np.select([score > 0, score < 0], ["positive", "negative"], "neutral"), index=comments.index
    )
    label = label.where(folded.notna())
    return pd.DataFrame(
        {"positive": positive_hits, "negative": negative_hits + negated, "score": score, "label": label}
    )


def themes(comments: pd.Series, language: str) -> pd.DataFrame:
    """Boolean frame: one column per theme, true where the comment mentions it."""
    folded = fold(comments)
    return pd.DataFrame(
        {
            theme: folded.str.contains(rf"\b(?:{_words(by_language[language])})\b", regex=True)
            .fillna(False)
            .astype(bool)
            for theme, by_language in lexicon()["themes"].items()
        },
        index=comments.index,
    )


#: E-mail addresses and phone numbers (7+ digits, with spaces, dots, dashes, parentheses or a +).
EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
PHONE = r"(?<!\w)\+?(?:\(?\d[\d\s().-]{5,}\d)(?!\w)"


def mask_personal_data(comments: pd.Series) -> pd.Series:
    """Comments with e-mail addresses and phone numbers replaced by ``[e-mail]`` and ``[tel.]``,
    before any verbatim reaches a report (vectorised regular expressions)."""
    text = comments.astype("string")
    return text.str.replace(EMAIL, "[e-mail]", regex=True).str.replace(PHONE, "[tel.]", regex=True)
