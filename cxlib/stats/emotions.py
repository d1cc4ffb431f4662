"""Customer-service emotions in free-text comments (Spanish and English), read offline with the
curated lexicon ``emotions.yaml`` (its header cites the sources of the six emotions), and their
relation to an outcome.

Matching follows the sentiment lexicon of :mod:`cxlib.stats.text`: comments are lowercased and
stripped of accents, the lexicon's phrases are joined before tokenising so that they match first,
and a single-word cue matches a word or, failing that, the word's Snowball stem (Porter, M. F.
(2001), *Snowball: a language for stemming algorithms*). A negator up to three words before a cue in
the same clause (the sentiment rules' negators; Taboada, M. et al. (2011), Lexicon-based methods for
sentiment analysis, *Computational Linguistics* 37(2), 267-307) turns it into the emotion the
lexicon's ``negated`` table names, or drops it. A comment may carry several emotions, or none.

The lexicon is never fitted to a client's ratings, so comparing the outcome of comments that carry
an emotion with the others is not circular (Kriegeskorte, N. et al. (2009), Circular analysis in
systems neuroscience, *Nature Neuroscience* 12, 535-540). That comparison is a difference of means
of the respondents' outcome scores with Welch's interval (Welch, B. L. (1947), The generalization of
"Student's" problem when several different population variances are involved, *Biometrika* 34,
28-35), made simultaneous over the emotions compared (Bonferroni; Dunn, O. J. (1961), *JASA* 56(293),
52-64), so that "finding" and "the interval excludes 0" agree.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import stats as scipy_stats

from cxlib.core.distinct import on_distinct
from cxlib.stats.metrics import share_by, simultaneous_level
from cxlib.stats.text import (
    PUNCTUATION,
    TOKEN_CHARACTERS,
    _stem,
    _word_sets,
    by_word_or_stem,
    fold,
    join_phrases,
    operators_before,
)
from cxlib.stats.vectorise import in_chunks, split

#: Fewest comments with and without an emotion before its outcome is compared.
MIN_COMPARED = 10


@lru_cache(maxsize=1)
def lexicon_data() -> dict:
    """The emotions, the negation table and the cues of ``emotions.yaml`` (package data)."""
    return yaml.safe_load(Path(__file__).with_name("emotions.yaml").read_text(encoding="utf-8"))


def emotion_names() -> tuple[str, ...]:
    """The six emotions, in reporting order."""
    return tuple(lexicon_data()["emotions"])


def _fold_all(words: list[str]) -> list[str]:
    return fold(pd.Series(words, dtype=object)).tolist()


@lru_cache(maxsize=2)
def _cues(language: str) -> tuple[dict[str, str], dict[str, str], re.Pattern | None]:
    """(token → emotion, stem → emotion, pattern joining phrases) for one language, folded; a
    phrase's token is its words joined by ``_``."""
    tokens: dict[str, str] = {}
    for emotion, cues in lexicon_data()["cues"][language].items():
        for cue in _fold_all([str(cue) for cue in cues]):
            tokens.setdefault(cue.replace(" ", "_"), emotion)
    single = [token for token in tokens if "_" not in token]
    stems = {}
    for token, stem in zip(single, _stem(single, language), strict=True):
        stems.setdefault(stem, tokens[token])
    phrases = sorted((token.replace("_", " ") for token in tokens if "_" in token), key=len, reverse=True)
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, phrases)) + r")\b") if phrases else None
    return tokens, stems, pattern


def emotions(comments: pd.Series, language: str) -> pd.DataFrame:
    """Per comment, one boolean column per emotion (:func:`emotion_names`): true where the comment
    carries a cue of it (missing comments carry none).

    Parameters
    ----------
    comments
        Free text, one comment per row.
    language
        ``"es"`` or ``"en"``.
    """
    return on_distinct(comments, lambda texts: in_chunks(texts, lambda chunk: _read(chunk, language))).astype(
        bool
    )


def _read(comments: pd.Series, language: str) -> pd.DataFrame:
    """:func:`emotions` of each entry of ``comments`` (indexed from 0); each distinct token is
    looked up and stemmed once, and negation is read by shifting whole token arrays."""
    tokens_of, stems, pattern = _cues(language)
    folded = join_phrases(fold(comments).fillna("").reset_index(drop=True), pattern)
    found = split(folded, TOKEN_CHARACTERS, PUNCTUATION)
    cue = by_word_or_stem(found, tokens_of, stems, language)
    names = pd.Index(emotion_names())
    plain = names.get_indexer(cue)[found.code]  # each token's emotion (-1 for none), per distinct token
    flipped = names.get_indexer(cue.map(lexicon_data()["negated"]))[found.code]
    column = np.where(operators_before(found, _word_sets(language)[0], {})[0], flipped, plain)
    table = np.zeros((len(comments), len(names)), dtype=bool)
    table[found.doc[column >= 0], column[column >= 0]] = True
    return pd.DataFrame(table, columns=list(emotion_names()))


def emotion_shares(frame: pd.DataFrame, flags: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Long table of the share of comments carrying each emotion, overall or per group of ``by``:
    ``group``, ``emotion``, ``share`` (0..1) with its Wilson interval (``low``, ``high``; weighted,
    with the effective ``n``, when ``frame`` has survey weights: :func:`cxlib.stats.metrics.share_by`)
    and ``n`` (comments).

    Parameters
    ----------
    frame
        The survey rows of the comments (same index as ``flags``).
    flags
        :func:`emotions` of those comments.
    by
        A column of ``frame`` to group by, or ``None`` for one overall group.
    """
    grouped = frame.assign(_all="") if by is None else frame
    key = "_all" if by is None else by
    tables = [
        share_by(grouped, flags[emotion], key).rename_axis("group").reset_index().assign(emotion=emotion)
        for emotion in flags.columns
    ]
    long = pd.concat(tables, ignore_index=True).rename(columns={"value": "share"})
    return long[["group", "emotion", "share", "low", "high", "n"]]


def compare_flags(
    flags: pd.DataFrame, score: pd.Series, confidence: float = 0.95, family: int | None = None
) -> pd.DataFrame:
    """Per flag column (an emotion), the mean ``score`` of the rows that carry it against those that
    do not: ``emotion`` (the column), ``n_with``, ``mean_with``, ``n_without``, ``mean_without``,
    ``difference`` with its Welch interval (``low``, ``high``), simultaneous over the family of
    comparisons, ``p_adjusted`` (Bonferroni) and ``finding`` (the interval excludes 0). Columns with
    fewer than :data:`MIN_COMPARED` rows on either side are listed without a comparison.

    Parameters
    ----------
    flags
        Boolean columns, such as :func:`emotions` of the comments.
    score
        Each row's outcome as a number (an NPS answer coded −100, 0 or 100 by
        :func:`outcome_score`, a top-two-box CSAT or a yes/no outcome coded 0 or 100, or any
        measure); missing scores are left out.
    confidence
        Joint level of the simultaneous intervals.
    family
        How many comparisons the intervals are simultaneous over: by default the columns compared
        here; more when this call is one of several (one buying-behaviour field among others).
    """
    rated = score.notna()
    values = score[rated].to_numpy(dtype=float)
    present = flags[rated].to_numpy(dtype=bool)
    n_with = present.sum(axis=0)
    n_without = len(values) - n_with
    sums = values @ present
    squares = (values**2) @ present
    total, total_squares = values.sum(), (values**2).sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_with = sums / n_with
        mean_without = (total - sums) / n_without
        var_with = (squares - n_with * mean_with**2) / (n_with - 1)
        var_without = (total_squares - squares - n_without * mean_without**2) / (n_without - 1)
        se2_with, se2_without = var_with / n_with, var_without / n_without
        standard_error = np.sqrt(se2_with + se2_without)
        freedom = (se2_with + se2_without) ** 2 / (
            se2_with**2 / (n_with - 1) + se2_without**2 / (n_without - 1)
        )
    compared = (n_with >= MIN_COMPARED) & (n_without >= MIN_COMPARED) & (standard_error > 0)
    difference = np.where(compared, mean_with - mean_without, np.nan)
    tests = family if family is not None else int(compared.sum())
    level = simultaneous_level(confidence, tests)
    with np.errstate(invalid="ignore"):
        half = scipy_stats.t.ppf(0.5 + level / 2, freedom) * standard_error
        p_value = 2 * scipy_stats.t.sf(np.abs(difference) / standard_error, freedom)
    adjusted = np.full(len(difference), np.nan)
    adjusted[compared] = np.minimum(p_value[compared] * max(tests, 1), 1.0)
    low, high = difference - half, difference + half
    return pd.DataFrame(
        {
            "emotion": list(flags.columns),
            "n_with": n_with,
            "mean_with": np.where(n_with > 0, mean_with, np.nan),
            "n_without": n_without,
            "mean_without": np.where(n_without > 0, mean_without, np.nan),
            "difference": difference,
            "low": np.where(compared, low, np.nan),
            "high": np.where(compared, high, np.nan),
            "p_adjusted": adjusted,
            "finding": compared & ((low > 0) | (high < 0)),
        }
    )


def outcome_score(values: pd.Series, metric: str, bounds: tuple[float, float] | None = None) -> pd.Series:
    """An outcome as a per-respondent score whose mean is the metric: NPS answers coded 100
    (promoter, 9-10), 0 (passive) and −100 (detractor, 0-6), so the mean is the NPS (Reichheld,
    F. F. (2003), The one number you need to grow, *HBR* 81(12)); CSAT 100 in its top two boxes,
    else 0; a yes/no outcome 100 or 0."""
    if metric == "nps":
        coded = np.select([values >= 9, values >= 7], [100.0, 0.0], -100.0)
    elif metric == "csat" and bounds is not None:
        coded = np.where(values >= bounds[1] - 1, 100.0, 0.0)
    else:
        coded = np.where(values.astype("boolean").fillna(False), 100.0, 0.0)
    return pd.Series(coded, index=values.index).where(values.notna())
