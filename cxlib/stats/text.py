"""Sentiment of free-text comments in Spanish and English, and the themes they mention.

Sentiment is lexicon- and rule-based, vectorised over tokens with pandas:

- **Lexicons**: English uses VADER's lexicon (Hutto, C. J. & Gilbert, E. (2014), VADER: a
  parsimonious rule-based model for sentiment analysis of social media text, *ICWSM-14*), read from
  the ``vaderSentiment`` package. Spanish uses ElhPolar (Saralegi, X. & San Vicente, I. (2013),
  Elhuyar at TASS 2013, *SEPLN TASS workshop*, 143-150; LGPLLR, shipped in ``lexicons/``), a
  lemma lexicon matched on the word or, failing that, on its Snowball stem (Porter, M. F. (2001),
  *Snowball: a language for stemming algorithms*). ``lexicon.yaml`` adds customer-service
  multi-word expressions ("on hold", "nobody called me back", "sin problemas").
- **Rules** (VADER's, Hutto & Gilbert 2014, section 3; Taboada, M. et al. (2011), Lexicon-based
  methods for sentiment analysis, *Computational Linguistics* 37(2), 267-307): a negator up to three
  words before a sentiment word in the same clause flips and dampens it (×-0.74); an intensifier or
  downtoner just before it adds or removes 0.293; in a sentence with a contrast word ("but", "pero",
  "sin embargo") the words before it count ×0.5 and those after ×1.5. The sum is normalised to
  VADER's compound score in (-1, 1) and labelled with VADER's thresholds (±0.05).

When comments come with a rating, :func:`calibrated_sentiment` also fits a TF-IDF word and
character n-gram logistic regression on the client's own comments (scikit-learn) and keeps it only
where its cross-validated performance beats both the lexicon and the majority class.

Themes are either configured keyword lists, matched as whole phrases (:func:`keyword_themes`), or
discovered in the comments by non-negative matrix factorisation of TF-IDF unigrams and bigrams
(:func:`discover_themes`; Lee, D. D. & Seung, H. S. (1999), Learning the parts of objects by
non-negative matrix factorization, *Nature* 401, 788-791). Nothing is downloaded at run time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import snowballstemmer
import stopwordsiso
import yaml
from scipy import sparse
from scipy.stats import binomtest
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedGroupKFold, cross_validate
from sklearn.pipeline import make_union
from vaderSentiment import vaderSentiment as vader

from cxlib.core.distinct import on_distinct

LABELS = ("negative", "neutral", "positive")
#: VADER's normalisation constant and label thresholds (Hutto & Gilbert 2014).
VADER_ALPHA = 15.0
VADER_THRESHOLD = 0.05
#: Valence given to ElhPolar's positive and negative entries, on VADER's -4..4 scale.
ELHPOLAR_VALENCE = 2.0
NEGATION_SCOPE = 3
CONTRAST_BEFORE, CONTRAST_AFTER = 0.5, 1.5
TOKEN = r"[a-z0-9_']+|[.!?;:,]"
SENTENCE_END = (".", "!", "?")
CLAUSE_END = (".", "!", "?", ";", ":", ",")
STEMMERS = {"es": "spanish", "en": "english"}


def fold(text: pd.Series) -> pd.Series:
    """Lowercase and strip accents ("Pésimo" → "pesimo"), vectorised."""
    return (
        text.astype("string")
        .str.lower()
        .str.normalize("NFKD")
        .str.encode("ascii", "ignore")
        .str.decode("ascii")
    )


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


def _stem(words: list[str], language: str) -> list[str]:
    return snowballstemmer.stemmer(STEMMERS[language]).stemWords(words)


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


def tokens(comments: pd.Series, language: str) -> pd.DataFrame:
    """One row per token: ``doc`` (position of the comment), ``token`` (folded, phrases joined with
    ``_``), ``position`` in the comment, and ``clause`` and ``sentence`` numbers within it."""
    folded = fold(comments).fillna("").reset_index(drop=True)
    pattern = _phrase_pattern(language)
    if pattern is not None:
        folded = folded.str.replace(pattern, lambda match: match.group(0).replace(" ", "_"), regex=True)
    exploded = folded.str.findall(TOKEN).explode().dropna()
    frame = pd.DataFrame({"doc": exploded.index.to_numpy(), "token": exploded.to_numpy(dtype=str)})
    by_doc = frame.groupby("doc", sort=False)
    frame["position"] = by_doc.cumcount()
    frame["clause"] = frame["token"].isin(CLAUSE_END).groupby(frame["doc"]).cumsum()
    frame["sentence"] = frame["token"].isin(SENTENCE_END).groupby(frame["doc"]).cumsum()
    return frame


def _valences(frame: pd.DataFrame, language: str) -> pd.Series:
    """Each token's lexicon valence (0 when unknown), by word then by stem."""
    words, stems, _ = _language_lexicon(language)
    valence = frame["token"].map(words)
    if stems:
        unknown = pd.Series(frame.loc[valence.isna(), "token"].unique())
        stem_of = dict(zip(unknown, _stem(unknown.tolist(), language), strict=True))
        valence = valence.fillna(frame["token"].map(stem_of).map(stems))
    return valence.astype(float).fillna(0.0)


def sentiment(comments: pd.Series, language: str) -> pd.DataFrame:
    """Per comment: sentiment words found (``positive``, ``negative``), VADER's compound ``score``
    in (-1, 1) and a ``label`` (``positive``, ``neutral``, ``negative``; missing without a comment).

    Parameters
    ----------
    comments
        Free text, one comment per row; missing values stay missing.
    language
        ``"es"`` or ``"en"``.
    """
    return on_distinct(comments, lambda texts: _lexicon_scores(texts, language))  # each text scored once


def _lexicon_scores(comments: pd.Series, language: str) -> pd.DataFrame:
    """:func:`sentiment` of each entry of ``comments`` (indexed from 0), by the lexicon and rules."""
    frame = tokens(comments, language)
    negators, boosters, contrast = _word_sets(language)
    valence = _valences(frame, language)
    clause = [frame["doc"], frame["clause"]]
    negated = pd.Series(False, index=frame.index)
    boost = pd.Series(0.0, index=frame.index)
    for distance in range(1, NEGATION_SCOPE + 1):
        previous = frame["token"].groupby(clause).shift(distance)
        negated |= previous.isin(negators)
        if distance <= 2:
            boost += previous.map(boosters).astype(float).fillna(0.0) * (1.0 - 0.05 * (distance - 1))
    valence = valence + np.sign(valence) * boost
    valence = valence.where(~negated, valence * vader.N_SCALAR)
    contrast_at = frame["position"].where(frame["token"].isin(contrast))
    first_contrast = contrast_at.groupby([frame["doc"], frame["sentence"]]).transform("min")
    weight = np.select(
        [frame["position"] < first_contrast, frame["position"] > first_contrast],
        [CONTRAST_BEFORE, CONTRAST_AFTER],
        1.0,
    )
    weighted = valence * weight
    documents = pd.RangeIndex(len(comments))
    total = weighted.groupby(frame["doc"]).sum().reindex(documents, fill_value=0.0)
    positive = weighted.gt(0).groupby(frame["doc"]).sum().reindex(documents, fill_value=0)
    negative = weighted.lt(0).groupby(frame["doc"]).sum().reindex(documents, fill_value=0)
    score = total / np.sqrt(total**2 + VADER_ALPHA)
    label = pd.Series(
        np.select([score >= VADER_THRESHOLD, score <= -VADER_THRESHOLD], ["positive", "negative"], "neutral"),
        dtype=object,
    ).where(comments.notna().to_numpy())
    return pd.DataFrame(
        {
            "positive": positive.to_numpy(),
            "negative": negative.to_numpy(),
            "score": score.to_numpy(),
            "label": label.to_numpy(),
        }
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


def _features() -> object:
    """TF-IDF word (1-2) and character (3-5, within words) n-grams, the features of the client's own
    sentiment classifier (the usual strong baseline for review sentiment: Wang, S. & Manning, C.
    (2012), Baselines and bigrams, *ACL* 2, 90-94)."""
    return make_union(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=50_000),
        TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True, max_features=20_000
        ),
    )


def _classifier() -> LogisticRegression:
    """A class-balanced logistic regression on :func:`_features`."""
    return LogisticRegression(max_iter=2000, class_weight="balanced")


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
    lexicon = sentiment(comments, language)
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
    features = vectorizer.transform(fold(pd.Series(distinct, dtype=object)).fillna(""))
    votes = pd.DataFrame({number: model.predict(features) for number, model in enumerate(models)})
    winner = votes.apply(lambda column: votes.eq(column, axis=0).sum(axis=1)).idxmax(axis=1)
    chosen = votes.to_numpy()[np.arange(len(votes)), winner.to_numpy()]
    return chosen[codes]


def keyword_themes(comments: pd.Series, keywords: dict[str, list[str]]) -> pd.DataFrame:
    """Boolean frame, one column per configured theme: true where the comment holds one of its
    words or phrases as whole words (accent- and case-insensitive; "on time" does not match
    "every time")."""
    folded = fold(comments)
    return pd.DataFrame(
        {
            theme: folded.str.contains(
                r"\b(?:"
                + "|".join(
                    re.escape(_fold_word(phrase)).replace(r"\ ", r"\s+")
                    for phrase in sorted(phrases, key=len, reverse=True)
                )
                + r")\b",
                regex=True,
            )
            .fillna(False)
            .astype(bool)
            for theme, phrases in keywords.items()
        },
        index=comments.index,
    )


THEME_TOKEN = r"\b[a-z][a-z]+\b"
#: Share of a comment's theme weight a theme needs for the comment to count as mentioning it.
THEME_SHARE = 0.3
DEFAULT_THEME_COUNT = 8
#: Fewest comments per discovered theme: fewer comments give fewer themes.
COMMENTS_PER_THEME = 25
#: Most comments a text model (TF-IDF vocabulary, theme factorisation) is fitted on; above it, a
#: seeded random sample of this many, and the model is then applied to every distinct comment.
FIT_SAMPLE = 20_000


@dataclass(frozen=True)
class DiscoveredThemes:
    """Themes found in the comments: ``flags`` (comment × theme booleans) and ``terms`` (each
    theme's top terms, best first)."""

    flags: pd.DataFrame
    terms: dict[str, list[str]]


@lru_cache(maxsize=2)
def stop_words(language: str) -> tuple[str, ...]:
    """Stop words of the stopwords-iso collection (https://github.com/stopwords-iso), folded and
    split as the theme vectoriser splits words ("ain't" gives "ain")."""
    folded = fold(pd.Series(sorted(stopwordsiso.stopwords(language))))
    return tuple(sorted(set(folded.str.findall(THEME_TOKEN).explode().dropna())))


def discover_themes(
    comments: pd.Series, language: str, count: int | None = None, top_terms: int = 3
) -> DiscoveredThemes:
    """Themes discovered in the comments by NMF on TF-IDF unigrams and bigrams without stop words.

    Each theme is named by its ``top_terms`` heaviest terms ("espera · fila · horas"). A comment
    mentions a theme when that theme holds at least :data:`THEME_SHARE` of its NMF weight. The
    number of themes is ``count`` (default :data:`DEFAULT_THEME_COUNT`), capped at one per
    :data:`COMMENTS_PER_THEME` comments; the factorisation is seeded, so a rerun gives the same
    themes. Above :data:`FIT_SAMPLE` comments, the vocabulary and the factorisation are fitted on a
    seeded random sample of that many, then every distinct comment is projected on the themes.
    """
    present = comments.dropna()
    empty = DiscoveredThemes(pd.DataFrame(index=comments.index), {})
    components = min(count or DEFAULT_THEME_COUNT, len(present) // COMMENTS_PER_THEME)
    if components < 1:
        return empty
    fitted_on = fit_sample(present)
    vectorizer = TfidfVectorizer(
        ngram_range=(1, 2),
        min_df=max(3, int(0.002 * len(fitted_on))),
        max_df=0.5,
        stop_words=list(stop_words(language)),
        token_pattern=THEME_TOKEN,
        sublinear_tf=True,
    )
    try:
        matrix = vectorizer.fit_transform(fold(fitted_on))
    except ValueError:  # no term left after stop words and frequency limits
        return empty
    components = min(components, matrix.shape[1])
    model = NMF(components, init="nndsvda", random_state=0, max_iter=400)
    model.fit(matrix)
    fitted_weights = model.transform(matrix)
    terms = {
        " · ".join(phrases): phrases
        for phrases in theme_phrases(fitted_on, fitted_weights, language, top_terms)
    }
    codes, distinct = pd.factorize(present)
    weights = model.transform(vectorizer.transform(fold(pd.Series(distinct, dtype=object))))
    total = weights.sum(axis=1, keepdims=True)
    share = np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)
    flags = pd.DataFrame((share >= THEME_SHARE)[codes], index=present.index, columns=list(terms))
    return DiscoveredThemes(flags.reindex(comments.index, fill_value=False), terms)


def fit_sample(comments: pd.Series) -> pd.Series:
    """The comments a text model is fitted on: all of them up to :data:`FIT_SAMPLE`, else a seeded
    random sample of that many (in their original order)."""
    if len(comments) <= FIT_SAMPLE:
        return comments
    chosen = np.sort(np.random.default_rng(0).choice(len(comments), FIT_SAMPLE, replace=False))
    return comments.iloc[chosen]


#: Longest phrase, in words, that names a theme.
PHRASE_WORDS = 5
#: Weight of a phrase's probability in its theme against its lift in the relevance that ranks the
#: phrases naming a theme (Sievert & Shirley 2014's λ, the value their users preferred).
RELEVANCE_LAMBDA = 0.6
#: Comments, per theme, whose phrases may name it: those where the theme weighs most.
NAMING_COMMENTS = 300
#: A word as written (a phrase holding digits is never a name), and what ends a phrase:
#: punctuation, symbols, markup and the tags that replace personal data ("[tel.]").
SURFACE_WORD = r"(?u)\b\w+\b"
PHRASE_BREAK = r"\[[^\]]*\]|<[^>]*>|[^\w\s']+"


def theme_phrases(texts: pd.Series, weights: np.ndarray, language: str, wanted: int) -> list[list[str]]:
    """The ``wanted`` phrases that name each theme, as the customers wrote them (accents and case
    kept): word sequences of up to :data:`PHRASE_WORDS` words within one clause, neither starting
    nor ending with a stop word, ranked by their relevance to the theme (Sievert, C. & Shirley, K.
    (2014), LDAvis: a method for visualizing and interpreting topics, *Workshop on Interactive
    Language Learning, Visualization, and Interfaces*, 63-70):
    λ·log p(phrase | theme) + (1 - λ)·log(p(phrase | theme) / p(phrase)), λ = :data:`RELEVANCE_LAMBDA`.

    Phrases are matched on their Snowball stems, accent-folded ("comisión" and "comisiones" are one
    phrase), and shown in their commonest written form. A longer phrase absorbs the shorter ones
    whose content words it holds, and a phrase names one theme only, so names never repeat.

    Parameters
    ----------
    texts
        The comments the themes were fitted on.
    weights
        Their theme weights (comments × themes, non-negative); only the :data:`NAMING_COMMENTS`
        comments where each theme weighs most are read.
    language
        ``"es"`` or ``"en"`` (stop words and stems).
    wanted
        Phrases per theme.
    """
    total = weights.sum(axis=1, keepdims=True)
    share = np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)
    chosen = np.unique(np.argsort(-share, axis=0, kind="stable")[:NAMING_COMMENTS].ravel())
    clauses = (
        texts.iloc[chosen].reset_index(drop=True).astype(str).str.split(PHRASE_BREAK, regex=True).explode()
    )
    counter = CountVectorizer(
        lowercase=False, token_pattern=SURFACE_WORD, ngram_range=(1, PHRASE_WORDS), binary=True
    )
    try:
        by_clause = counter.fit_transform(clauses)
    except ValueError:  # no word at all
        return [[] for _ in range(weights.shape[1])]
    owner = sparse.csr_matrix(
        (np.ones(len(clauses)), (clauses.index.to_numpy(), np.arange(len(clauses)))),
        shape=(len(chosen), len(clauses)),
    )
    present = (owner @ by_clause).astype(bool).astype(float)  # comment × phrase, 0/1
    surface = pd.Series(counter.get_feature_names_out())
    words = fold(surface).str.lower().str.split().explode()
    vocabulary = words.unique()
    stems = pd.Series(_stem(list(vocabulary), language), index=vocabulary)[words].set_axis(words.index)
    stop = words.isin(stop_words(language)) | words.str.len().eq(1)
    by_phrase = stop.groupby(level=0)
    candidate = ~by_phrase.first() & ~by_phrase.last() & ~surface.str.contains(r"[\d_]")
    key = stems.groupby(level=0).agg(" ".join)
    content = stems[~stop].groupby(level=0).agg(frozenset).reindex(surface.index)
    frequency = np.asarray(present.sum(axis=0)).ravel()
    mass = np.asarray(present.T @ share[chosen]).T  # theme × phrase
    phrases = pd.DataFrame({"surface": surface, "key": key, "content": content, "frequency": frequency})
    phrases = phrases[candidate.to_numpy()]
    grouped = phrases.sort_values("frequency", ascending=False, kind="stable").groupby("key", sort=False)
    forms = grouped.first()  # the commonest written form of each stemmed phrase
    mass = (
        pd.DataFrame(mass[:, phrases.index], columns=phrases["key"]).T.groupby(level=0).sum().T[forms.index]
    )
    in_theme = mass.to_numpy() / np.maximum(mass.to_numpy().sum(axis=1, keepdims=True), 1e-12)
    overall = grouped["frequency"].sum()[forms.index].to_numpy() / frequency.sum()
    with np.errstate(divide="ignore"):
        relevance = RELEVANCE_LAMBDA * np.log(in_theme) + (1 - RELEVANCE_LAMBDA) * np.log(in_theme / overall)
    used: set[str] = set()
    names = []
    for row in relevance:
        ranked = forms.iloc[np.argsort(-row, kind="stable")[: wanted * 4]]
        ranked = ranked[~ranked.index.isin(used) & np.isfinite(np.sort(row)[::-1][: len(ranked)])]
        picked = _absorbing(ranked["content"].tolist(), wanted)
        used |= set(ranked.index[picked])
        names.append(ranked["surface"].iloc[picked].tolist())
    return names


def _absorbing(content: list[frozenset[str]], wanted: int) -> list[int]:
    """Positions of the first ``wanted`` phrases of a ranked list, given their content-word stems,
    where a phrase absorbs the earlier ones whose words it holds ("fila", "larga", "fila es larga"
    gives "fila es larga") and is skipped when it shares a word with a chosen one it does not hold
    ("servicio pero la fila" after "fila es larga")."""
    chosen: list[int] = []
    for position, words in enumerate(content):
        absorbed = [other for other in chosen if content[other] <= words]
        if not words or any(words & content[other] for other in chosen if other not in absorbed):
            continue
        chosen = [other for other in chosen if other not in absorbed] + [position]
        if len(chosen) == wanted:
            break
    return chosen


def named_themes(
    comments: pd.Series, language: str, count: int | None = None, names: dict[str, str] | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """Discovered themes (:func:`discover_themes`) renamed by ``names`` (shown name → new name);
    several themes given one new name are merged (a comment mentions the merged theme when it
    mentions any of them). Also returns the discovered names, to check ``names`` against."""
    flags = discover_themes(comments, language, count).flags
    if flags.empty:
        return flags, []
    names = names or {}
    target = [names.get(column, column) for column in flags.columns]
    return flags.T.groupby(target, sort=False).any().T, list(flags.columns)


def representativeness(comments: pd.Series, flags: pd.DataFrame, language: str | None = None) -> pd.DataFrame:
    """Per comment and theme: how well the comment stands for the theme (0 for comments that do
    not mention it); the highest is the theme's most representative comment.

    The score is the cosine similarity of the comment's TF-IDF vector to the mean vector of the
    other comments that mention the theme (its own copies left out, so a text repeated a hundred
    times is not similar to its theme because it is most of it), times the theme's share of the
    comment's similarities to all themes' mean vectors: a comment close to its theme and to no
    other ranks first, one that only shares a theme's common words ranks low (the centroid
    ranking of Rocchio, J. J. (1971), Relevance feedback in information retrieval, in *The SMART
    retrieval system*, 313-323, weighted by the theme's weight in the comment). The TF-IDF weights
    are fitted on :func:`fit_sample` of the comments, without the ``language``'s stop words when
    it is given ("más" links nothing);
    each distinct comment is vectorised once."""
    present = comments.notna()
    scores = pd.DataFrame(0.0, index=comments.index, columns=flags.columns)
    if not present.any() or flags.empty:
        return scores
    codes, distinct = pd.factorize(comments[present])
    vectorizer = TfidfVectorizer(
        sublinear_tf=True,
        stop_words=list(stop_words(language)) if language else None,
        token_pattern=THEME_TOKEN,
    ).fit(fold(fit_sample(comments[present])))
    matrix = vectorizer.transform(fold(pd.Series(distinct, dtype=object)))
    members = flags[present].to_numpy(dtype=float)
    mentions = np.column_stack(  # how many comments of each distinct text mention each theme
        [np.bincount(codes, column, len(distinct)) for column in members.T]
    )
    sums = np.asarray(matrix.T @ mentions)  # each theme's summed vector (terms × themes)
    dots = np.asarray(matrix @ sums)  # each distinct text against each sum, rows of unit norm
    # without the text's own copies: x·(s - m·x) = x·s - m, and |s - m·x|² = |s|² - 2m·x·s + m²
    own = mentions * np.asarray(matrix.multiply(matrix).sum(axis=1))
    rest = np.sqrt(np.maximum((sums**2).sum(axis=0) - 2 * own * dots + own * mentions, 0))
    similarity = np.divide(dots - own, rest, out=np.zeros_like(dots), where=rest > 1e-12)
    similarity = np.clip(similarity, 0, None)
    total = similarity.sum(axis=1, keepdims=True)
    weight = np.divide(similarity, total, out=np.zeros_like(similarity), where=total > 0)
    scores.loc[present] = np.where(members > 0, (similarity * weight)[codes], 0.0)
    return scores


def themes(
    comments: pd.Series, language: str, keywords: dict[str, list[str]] | None = None, count: int | None = None
) -> pd.DataFrame:
    """Boolean frame, one column per theme: true where the comment mentions it.

    With ``keywords`` (theme → words or phrases), the configured themes (:func:`keyword_themes`);
    otherwise themes discovered in these comments (:func:`discover_themes`), named by their top terms.
    """
    if keywords:
        return keyword_themes(comments, keywords)
    return named_themes(comments, language, count)[0]
