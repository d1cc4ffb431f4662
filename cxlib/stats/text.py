"""Sentiment of free-text comments in Spanish and English, and the themes they mention.

Sentiment is lexicon- and rule-based, vectorised over integer token arrays
(:mod:`cxlib.stats.vectorise`):

- **Lexicons**: English uses VADER's lexicon (Hutto, C. J. & Gilbert, E. (2014), VADER: a
  parsimonious rule-based model for sentiment analysis of social media text, *ICWSM-14*), read from
  the ``vaderSentiment`` package. Spanish uses ElhPolar (Saralegi, X. & San Vicente, I. (2013),
  Elhuyar at TASS 2013, *SEPLN TASS workshop*, 143-150; LGPLLR, shipped in ``lexicons/``), a
  lemma lexicon matched on the word or, failing that, on its Snowball stem (Porter, M. F. (2001),
  *Snowball: a language for stemming algorithms*; PyStemmer, the Snowball project's C build).
  ``lexicon.yaml`` adds customer-service multi-word expressions ("on hold", "nobody called me
  back", "sin problemas").
- **Rules** (VADER's, Hutto & Gilbert 2014, section 3; Taboada, M. et al. (2011), Lexicon-based
  methods for sentiment analysis, *Computational Linguistics* 37(2), 267-307): a negator up to three
  words before a sentiment word in the same clause flips and dampens it (×-0.74); an intensifier or
  downtoner just before it adds or removes 0.293; in a sentence with a contrast word ("but", "pero",
  "sin embargo") the words before it count ×0.5 and those after ×1.5. The sum is normalised to
  VADER's compound score in (-1, 1) and labelled with VADER's thresholds (±0.05).

When comments come with a rating, :func:`calibrated_sentiment` also fits a TF-IDF word n-gram
logistic regression on the client's own comments (scikit-learn) and keeps it only where its
cross-validated performance beats both the lexicon and the majority class.

The themes comments mention are in :mod:`cxlib.stats.themes`. Nothing is downloaded at run time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import Stemmer
import yaml
from scipy.stats import binomtest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedGroupKFold, cross_validate
from vaderSentiment import vaderSentiment as vader

from cxlib.core.distinct import on_distinct
from cxlib.stats.sentiment_model import model_reading
from cxlib.stats.vectorise import WORD_CHARACTERS, Split, as_arrow, in_chunks, split, transform

LABELS = ("negative", "neutral", "positive")
#: VADER's normalisation constant and label thresholds (Hutto & Gilbert 2014).
VADER_ALPHA = 15.0
VADER_THRESHOLD = 0.05
#: Valence given to ElhPolar's positive and negative entries, on VADER's -4..4 scale.
ELHPOLAR_VALENCE = 2.0
NEGATION_SCOPE = 3
CONTRAST_BEFORE, CONTRAST_AFTER = 0.5, 1.5
SENTENCE_END = (".", "!", "?")
CLAUSE_END = (".", "!", "?", ";", ":", ",")
STEMMERS = {"es": "spanish", "en": "english"}


def fold(text: pd.Series) -> pd.Series:
    """Lowercase and strip accents ("Pésimo" → "pesimo"): Unicode lower case, compatibility
    decomposition (NFKD), then every character outside ASCII dropped, by Arrow's string kernels
    (texts already in ASCII, which decomposition leaves as they are, are only lowercased).
    Missing texts stay missing."""
    array = as_arrow(text, missing=None)
    ascii_only = pc.fill_null(pc.string_is_ascii(array), True)
    folded = pc.ascii_lower(array)
    if not pc.all(ascii_only).as_py():
        other = pc.invert(ascii_only)
        rest = pc.utf8_normalize(pc.utf8_lower(pc.filter(array, other)), "NFKD")
        folded = pc.replace_with_mask(folded, other, pc.replace_substring_regex(rest, r"[^\x00-\x7f]+", ""))
    return pd.Series(folded, index=text.index, dtype="str")


def _fold_word(word: str) -> str:
    return fold(pd.Series([word])).iloc[0]


@lru_cache(maxsize=1)
def rules() -> dict:
    """Negators, boosters, contrast words and phrases of ``lexicon.yaml``."""
    return yaml.safe_load(Path(__file__).with_name("lexicon.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=2)
def _language_lexicon(language: str) -> tuple[dict[str, float], dict[str, float], tuple[str, ...]]:
    """(word → valence, stem → valence, phrases to join) for one language, all accent-folded.

    Phrases (multi-word entries) are joined with ``_`` before tokenising so that they score once.
    """
    config = rules()
    if language == "en":
        words: dict[str, float] = {}
        for line in (files("vaderSentiment") / "vader_lexicon.txt").read_text(encoding="utf-8").splitlines():
            word, valence = line.split("\t")[:2]
            words[word] = float(valence)
    else:
        table = pd.read_csv(
            Path(__file__).with_name("lexicons") / "elhpolar_es.tsv",
            sep="\t",
            names=["entry", "polarity"],
            dtype=str,
        )
        entries = fold(table["entry"]).str.replace("_", " ")
        valence = np.where(table["polarity"] == "positive", ELHPOLAR_VALENCE, -ELHPOLAR_VALENCE)
        # ElhPolar is a bare polarity list: its entries for operators ("no", "pero", "poco") are
        # dropped, since the negation, contrast and intensifier rules handle those words.
        negators, boosters, contrast = _word_sets(language)
        operators = negators | set(boosters) | contrast
        words = {
            entry: value
            for entry, value in zip(entries, valence.tolist(), strict=True)
            if entry not in operators
        }
    words |= {_fold_word(phrase): float(value) for phrase, value in config["phrases"][language].items()}
    multi = tuple(sorted((word for word in words if " " in word), key=len, reverse=True))
    words = {word.replace(" ", "_"): value for word, value in words.items()}
    stems: dict[str, float] = {}
    if language == "es":
        single = pd.Series({word: value for word, value in words.items() if "_" not in word})
        stemmed = pd.Series(_stem(list(single.index), language), index=single.index)
        stems = single.groupby(stemmed.to_numpy()).mean().to_dict()
    return words, stems, multi


#: Stems already computed, per language: the sentiment scorer, the emotion cues and the theme
#: namer of one run read much the same words.
_STEMS: dict[str, dict[str, str]] = {language: {} for language in STEMMERS}


def _stem(words: list[str], language: str) -> list[str]:
    """The Snowball stem of each of ``words`` (each distinct word stemmed once per process)."""
    known = _STEMS[language]
    new = list(dict.fromkeys(word for word in words if word not in known))
    known.update(zip(new, Stemmer.Stemmer(STEMMERS[language]).stemWords(new), strict=True))
    return [known[word] for word in words]


@lru_cache(maxsize=2)
def _phrase_pattern(language: str) -> re.Pattern | None:
    phrases = _language_lexicon(language)[2] + tuple(
        _fold_word(word) for word in rules()["contrast"][language] if " " in word
    )
    if not phrases:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(phrase) for phrase in phrases) + r")\b")


def _word_sets(language: str) -> tuple[set[str], dict[str, float], set[str]]:
    """Negators, boosters and contrast words, folded, with phrases joined by ``_``."""
    config = rules()
    negators = {_fold_word(word) for word in config["negators"][language]}
    boosters = {_fold_word(word): value for word, value in config["boosters"].get(language, {}).items()}
    if language == "en":
        negators |= set(vader.NEGATE)
        boosters |= {word: value for word, value in vader.BOOSTER_DICT.items() if " " not in word}
    contrast = {_fold_word(word).replace(" ", "_") for word in config["contrast"][language]}
    return negators, boosters, contrast


#: The scorer's tokens: runs of these word characters (folded text, apostrophes kept), and each
#: of these punctuation marks on its own.
TOKEN_CHARACTERS, PUNCTUATION = WORD_CHARACTERS + "'", ".!?;:,"


def join_phrases(folded: pd.Series, pattern: re.Pattern | None) -> pd.Series:
    """``folded`` with each match of ``pattern`` (multi-word phrases) joined by ``_``, so that a
    phrase is one token; only the texts Arrow's RE2 finds a phrase in are rewritten."""
    if pattern is None:
        return folded
    found = pc.match_substring_regex(as_arrow(folded), pattern.pattern).to_numpy(zero_copy_only=False)
    joined = folded.copy()
    joined[found] = folded[found].str.replace(pattern, _underscored, regex=True)
    return joined


def _underscored(match: re.Match) -> str:
    """A matched phrase with its spaces as ``_``."""
    return match.group(0).replace(" ", "_")


def tokens(comments: pd.Series, language: str) -> Split:
    """The tokens (:data:`TOKEN_CHARACTERS`, :data:`PUNCTUATION`) of each comment, folded and with
    the lexicon's phrases joined by ``_``, in order (:func:`cxlib.stats.vectorise.split`)."""
    folded = fold(comments).fillna("").reset_index(drop=True)
    return split(join_phrases(folded, _phrase_pattern(language)), TOKEN_CHARACTERS, PUNCTUATION)


def sentiment(comments: pd.Series, language: str) -> pd.DataFrame:
    """Per comment: sentiment words found (``positive``, ``negative``), a ``score`` in (-1, 1) and a
    ``label`` (``positive``, ``neutral``, ``negative``; missing without a comment): the reading of the
    model shipped for ``language`` (:mod:`cxlib.stats.sentiment_model`, trained on public labelled
    corpora; ``score`` its probability of positive minus negative), or the lexicon's
    (:func:`lexicon_sentiment`) where none ships.

    Parameters
    ----------
    comments
        Free text, one comment per row; missing values stay missing.
    language
        ``"es"`` or ``"en"``.
    """
    return on_distinct(  # each distinct text read once
        comments,
        lambda texts: model_reading(fold(texts).fillna(""), _lexicon_scores(texts, language), language),
    )


def lexicon_sentiment(comments: pd.Series, language: str) -> pd.DataFrame:
    """:func:`sentiment` by the lexicon and rules alone, with VADER's compound ``score``."""
    return on_distinct(comments, lambda texts: _lexicon_scores(texts, language))  # each text scored once


def operators_before(
    found: Split, negators: set[str], boosters: dict[str, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Per token: whether a negator stands up to :data:`NEGATION_SCOPE` tokens before it in its
    clause, and the boost of the intensifiers or downtoners one or two tokens before it (the
    second ×0.95). The tokens before are read by shifting whole arrays (a clause's tokens are
    consecutive)."""
    is_negator = found.isin(negators)
    boosting = found.lookup(boosters, 0.0)
    clause = np.cumsum(found.starts() | found.isin(CLAUSE_END))
    negated = np.zeros(len(clause), dtype=bool)
    boost = np.zeros(len(clause))
    for distance in range(1, NEGATION_SCOPE + 1):
        same = clause[distance:] == clause[:-distance]
        negated[distance:] |= same & is_negator[:-distance]
        if distance <= 2:
            boost[distance:] += np.where(same, boosting[:-distance], 0.0) * (1.0 - 0.05 * (distance - 1))
    return negated, boost


def _valences(found: Split, language: str) -> np.ndarray:
    """Each token's lexicon valence (0 when unknown), by word then by stem; each distinct token
    is looked up once."""
    words, stems, _ = _language_lexicon(language)
    return by_word_or_stem(found, words, stems, language).astype(float).fillna(0.0).to_numpy()[found.code]


def by_word_or_stem(found: Split, words: dict, stems: dict, language: str) -> pd.Series:
    """Per distinct token of ``found``: its entry in ``words``, else its Snowball stem's entry in
    ``stems`` (missing where neither has one); only the tokens ``words`` lacks are stemmed."""
    vocabulary = pd.Series(found.vocabulary, dtype=object)
    entry = vocabulary.map(words)
    if stems:
        unknown = entry.isna().to_numpy()
        entry[unknown] = pd.Series(_stem(vocabulary[unknown].tolist(), language)).map(stems).to_numpy()
    return entry


def _contrast_weights(found: Split, contrast: set[str]) -> np.ndarray:
    """Per token: :data:`CONTRAST_BEFORE` before the first contrast word of its sentence,
    :data:`CONTRAST_AFTER` after it, 1 in sentences without one (and on the word itself)."""
    sentence = np.cumsum(found.starts() | found.isin(SENTENCE_END))
    at = np.flatnonzero(found.isin(contrast))
    first = np.full(sentence[-1] + 1 if len(sentence) else 0, -1)
    with_contrast, first_at = np.unique(sentence[at], return_index=True)
    first[with_contrast] = at[first_at]
    token_first = first[sentence]
    position = np.arange(len(sentence))
    return np.select(
        [(token_first >= 0) & (position < token_first), (token_first >= 0) & (position > token_first)],
        [CONTRAST_BEFORE, CONTRAST_AFTER],
        1.0,
    )


def _lexicon_scores(comments: pd.Series, language: str) -> pd.DataFrame:
    """:func:`sentiment` of each entry of ``comments`` (indexed from 0), by the lexicon and rules,
    a chunk of comments at a time (:func:`~cxlib.stats.vectorise.in_chunks`)."""
    return in_chunks(comments, lambda chunk: _chunk_scores(chunk, language))


def _chunk_scores(comments: pd.Series, language: str) -> pd.DataFrame:
    """:func:`_lexicon_scores` of one chunk of comments."""
    found = tokens(comments, language)
    negators, boosters, contrast = _word_sets(language)
    valence = _valences(found, language)
    negated, boost = operators_before(found, negators, boosters)
    valence = valence + np.sign(valence) * boost
    valence = np.where(negated, valence * vader.N_SCALAR, valence)
    weighted = valence * _contrast_weights(found, contrast)
    total = np.bincount(found.doc, weighted, minlength=len(comments))
    positive = np.bincount(found.doc, weighted > 0, minlength=len(comments)).astype(int)
    negative = np.bincount(found.doc, weighted < 0, minlength=len(comments)).astype(int)
    score = total / np.sqrt(total**2 + VADER_ALPHA)
    label = pd.Series(
        np.select([score >= VADER_THRESHOLD, score <= -VADER_THRESHOLD], ["positive", "negative"], "neutral"),
        dtype=object,
    ).where(comments.notna().to_numpy())
    return pd.DataFrame(
        {"positive": positive, "negative": negative, "score": score, "label": label.to_numpy()}
    )


def rating_labels(scores: pd.Series, low: float, high: float, nps: bool = False) -> pd.Series:
    """The sentiment a rating implies: on NPS's 0-10, detractors (0-6) ``negative``, passives
    (7-8) ``neutral``, promoters (9-10) ``positive`` (Reichheld 2003); on any other scale, below
    the midpoint ``negative``, at it ``neutral``, above it ``positive``."""
    if nps:
        labels = np.select([scores <= 6, scores <= 8], ["negative", "neutral"], "positive")
    else:
        middle = (low + high) / 2
        labels = np.select([scores < middle, scores == middle], ["negative", "neutral"], "positive")
    return pd.Series(labels, index=scores.index, dtype=object).where(scores.notna())


#: Fewest rated comments, and fewest per label, before a client's own classifier is tried.
MIN_CALIBRATION = 100
MIN_PER_LABEL = 10
#: Cross-validation folds: five, or three above :data:`LARGE_CALIBRATION` rated comments, where
#: the estimate is already tight and each fold costs most.
CALIBRATION_FOLDS, LARGE_CALIBRATION_FOLDS, LARGE_CALIBRATION = 5, 3, 5000
#: Most rated comments the classifier is cross-validated on (a seeded random sample above it).
CALIBRATION_SAMPLE = 10_000


@dataclass(frozen=True)
class Calibration:
    """How sentiment was decided for one client's comments.

    ``method`` is ``"classifier"`` when the client's own model was used, else ``"lexicon"``;
    accuracies and macro-F1 are cross-validated on the ``n`` rated comments (the lexicon's are
    plain, since it is not fitted); ``repeats`` of them repeat another's text word for word (they
    are always in the same fold); ``majority`` is the share of the commonest label and ``p_value``
    the one-sided binomial test of the classifier's accuracy against it.
    """

    method: str
    n: int
    lexicon_accuracy: float
    lexicon_f1: float
    classifier_accuracy: float = float("nan")
    classifier_f1: float = float("nan")
    majority: float = float("nan")
    p_value: float = float("nan")
    repeats: int = 0


def _features() -> TfidfVectorizer:
    """TF-IDF word unigrams and bigrams, the features of the client's own sentiment classifier (the
    usual strong baseline for review sentiment: Wang, S. & Manning, C. (2012), Baselines and
    bigrams, *ACL* 2, 90-94).

    Character n-grams within words were dropped: on two public Spanish review corpora rated 1-5
    (Cuban hotels and Mexican restaurants, 10,000 reviews each, 3-fold grouped cross-validation)
    they added 0.5 and 2.7 points of macro-F1, the second on a corpus whose classifier never beats
    its 95.6% majority (so the lexicon reads it either way), while multiplying the cost of the fits
    by three to six."""
    return TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=50_000)


def _classifier() -> LogisticRegression:
    """A class-balanced logistic regression on :func:`_features`, to a relative tolerance of 1e-3
    (the default 1e-4 doubled the cost of a fit and moved macro-F1 by 0.2 points on the Cuban
    hotel reviews)."""
    return LogisticRegression(max_iter=2000, tol=1e-3, class_weight="balanced")


def calibrated_sentiment(
    comments: pd.Series, language: str, ratings: pd.Series, alpha: float = 0.05
) -> tuple[pd.DataFrame, Calibration]:
    """:func:`sentiment`, replaced by the client's own text classifier where that is clearly better.

    ``ratings`` holds the label each comment's rating implies (:func:`rating_labels`; missing where
    unrated). The classifier is cross-validated (stratified 5-fold, 3-fold above
    :data:`LARGE_CALIBRATION`, grouped by text: identical comments, after folding case and
    accents, are never in both the training and the test folds, or a repeated "Muy buen trato"
    would be graded on its own answer; Kaufman, S. et al. (2012), Leakage in data mining, *ACM
    TKDD* 6(4), 15) on the rated comments, or on a seeded random sample of
    :data:`CALIBRATION_SAMPLE` of them when there are more (the accuracy of a sample of that size is
    known within about ±1 point, Wilson 95%). It is used only when its macro-F1 beats the lexicon's
    and its accuracy beats the majority label's share (one-sided binomial test at ``alpha``), both
    measured on the same comments. The TF-IDF features are fitted once on those comments' text
    (unsupervised: no rating is seen), and only the classifier is refitted per fold. Then every
    comment of the cross-validation gets its out-of-fold prediction (a model that never saw it) and
    every other comment the majority vote of the fold models, none of which saw it.

    The frame returned is :func:`sentiment`'s with one more column, ``lexicon``: the lexicon's own
    label, which never saw a rating, for any view set against the ratings the classifier learnt from.
    """
    lexicon = lexicon_sentiment(comments, language)
    lexicon["lexicon"] = lexicon["label"]
    rated = ratings.reindex(comments.index).notna() & comments.notna()
    n = int(rated.sum())
    if n == 0:
        return lexicon, Calibration("lexicon", 0, float("nan"), float("nan"))
    checked = rated.index[rated]
    if n > CALIBRATION_SAMPLE:
        checked = checked[np.sort(np.random.default_rng(0).choice(n, CALIBRATION_SAMPLE, replace=False))]
        n = CALIBRATION_SAMPLE
    truth = ratings.reindex(comments.index)[checked].astype(str)
    lexicon_accuracy = accuracy_score(truth, lexicon.loc[checked, "label"])
    lexicon_f1 = f1_score(truth, lexicon.loc[checked, "label"], average="macro")
    counts = truth.value_counts()
    if n < MIN_CALIBRATION or counts.min() < MIN_PER_LABEL or len(counts) < 2:
        return lexicon, Calibration("lexicon", n, lexicon_accuracy, lexicon_f1)
    text = fold(comments[checked]).fillna("")
    groups = pd.factorize(text)[0]
    repeats = n - int(groups.max()) - 1
    folds = min(LARGE_CALIBRATION_FOLDS if n > LARGE_CALIBRATION else CALIBRATION_FOLDS, n - repeats)
    if folds < 2:
        return lexicon, Calibration("lexicon", n, lexicon_accuracy, lexicon_f1, repeats=repeats)
    vectorizer = _features()
    features = vectorizer.fit_transform(text)
    fitted = cross_validate(
        _classifier(),
        features,
        truth,
        groups=groups,
        cv=StratifiedGroupKFold(folds, shuffle=True, random_state=0),
        return_estimator=True,
        return_indices=True,
    )
    predicted = pd.Series("", index=checked, dtype=object)
    for model, held_out in zip(fitted["estimator"], fitted["indices"]["test"], strict=True):
        predicted.iloc[held_out] = model.predict(features[held_out])
    accuracy = accuracy_score(truth, predicted)
    macro_f1 = f1_score(truth, predicted, average="macro")
    majority = counts.max() / n
    p_value = binomtest(int(round(accuracy * n)), n, majority, alternative="greater").pvalue
    better = macro_f1 > lexicon_f1 and p_value < alpha
    calibration = Calibration(
        "classifier" if better else "lexicon",
        n,
        lexicon_accuracy,
        lexicon_f1,
        accuracy,
        macro_f1,
        majority,
        p_value,
        repeats,
    )
    if not better:
        return lexicon, calibration
    labels = pd.Series(pd.NA, index=comments.index, dtype=object)
    labels[checked] = predicted
    others = comments.notna() & ~comments.index.isin(checked)
    if others.any():
        labels[others] = _vote(fitted["estimator"], vectorizer, comments[others])
    return lexicon.assign(label=labels), calibration


def _vote(models: list, vectorizer: object, comments: pd.Series) -> np.ndarray:
    """The commonest label the ``models`` give each comment (each distinct text predicted once; a
    tie goes to the first model)."""
    codes, distinct = pd.factorize(comments)
    features = transform(vectorizer, fold(pd.Series(distinct, dtype=object)))
    votes = pd.DataFrame({number: model.predict(features) for number, model in enumerate(models)})
    winner = votes.apply(lambda column: votes.eq(column, axis=0).sum(axis=1)).idxmax(axis=1)
    chosen = votes.to_numpy()[np.arange(len(votes)), winner.to_numpy()]
    return chosen[codes]
