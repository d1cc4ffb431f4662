"""Themes of free-text comments: configured keyword lists, or themes discovered in the comments,
named in the customers' own words, and how well each comment stands for its themes.

Configured themes are keyword lists matched as whole phrases (:func:`keyword_themes`). Discovered
themes come from non-negative matrix factorisation of TF-IDF unigrams and bigrams
(:func:`discover_themes`; Lee, D. D. & Seung, H. S. (1999), Learning the parts of objects by
non-negative matrix factorization, *Nature* 401, 788-791), are named by their most relevant
phrases as written (:func:`theme_phrases`) and ranked comment by comment for quotes
(:func:`representativeness`). Nothing is downloaded at run time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import stopwordsiso
from scipy import sparse
from sklearn.decomposition import NMF, non_negative_factorization
from sklearn.feature_extraction.text import TfidfVectorizer

from cxlib.stats.text import _fold_word, _stem, fold
from cxlib.stats.vectorise import transform, transform_chunks


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
    A theme whose top words rarely occur together (:func:`npmi_coherence` below
    :data:`COHERENCE_FLOOR`) is split in two (:func:`split_incoherent`), so two unrelated topics are
    never one theme; there may then be more themes than ``count``.
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
    topics = NMF(components, init="nndsvda", random_state=0, max_iter=400).fit(matrix).components_
    for _ in range(SPLIT_ROUNDS):  # a half may itself hold two topics
        before, topics = len(topics), split_incoherent(topics, matrix, vectorizer.get_feature_names_out())
        if len(topics) == before:
            break
    fitted_weights = project(matrix, topics)
    terms = {
        " · ".join(phrases): phrases
        for phrases in theme_phrases(fitted_on, fitted_weights, language, top_terms)
    }
    codes, distinct = pd.factorize(present)
    weights = transform_chunks(
        vectorizer, fold(pd.Series(distinct, dtype=object)), lambda rows: project(rows, topics)
    )
    share = _row_shares(np.vstack(weights))
    flags = pd.DataFrame((share >= THEME_SHARE)[codes], index=present.index, columns=list(terms))
    return DiscoveredThemes(flags.reindex(comments.index, fill_value=False), terms)


def project(matrix: sparse.spmatrix, topics: np.ndarray) -> np.ndarray:
    """Each row of ``matrix`` as non-negative weights on the ``topics`` (themes × terms), solved as
    NMF's own ``transform`` solves it (coordinate descent, ``topics`` held fixed)."""
    return non_negative_factorization(
        matrix, H=topics, n_components=len(topics), update_H=False, max_iter=400, random_state=0
    )[0]


#: Top words of a theme whose co-occurrence measures its coherence (Röder et al. 2015 use 10), of
#: those weighing at least this share of its heaviest word's weight (a theme of a few words is not
#: judged on words it barely holds).
COHERENCE_WORDS, COHERENCE_WEIGHT = 10, 0.2
#: Mean NPMI of a theme's top words below which it is split. NPMI is 0 for words that occur
#: together as often as chance has them, -1 for words that never meet: a theme whose comments are
#: two topics that never meet scores about -0.4 (tests/test_text_speed_coherence.py). Measured:
#: the public airline reviews' eight themes 0.05 to 0.14 (none split); the demos' themes 0.1 to 1,
#: except those that merged unrelated comment templates (-0.42 to -0.65 on the bank, -0.43 on the
#: telecom), which are split.
COHERENCE_FLOOR = -0.2
#: Most rounds of splitting: each may split every theme still below the floor in two.
SPLIT_ROUNDS = 3


def npmi_coherence(groups: list[np.ndarray], matrix: sparse.spmatrix, single: np.ndarray) -> np.ndarray:
    """Each group of comments' mean normalised pointwise mutual information over the pairs of the
    :data:`COHERENCE_WORDS` single words that weigh most in its comments (the C_NPMI coherence of
    Röder, M., Both, A. & Hinneburg, A. (2015), Exploring the space of topic coherence measures,
    *WSDM*, 399-408, with co-occurrence in one comment of all of ``matrix``; NPMI from Bouma, G.
    (2009), Normalized (pointwise) mutual information in collocation extraction, *GSCL*, 31-40):
    NPMI(a, b) = log(p(a, b) / (p(a) p(b))) / -log p(a, b), -1 for words never in one comment.
    Missing for a group with fewer than two such words.

    Parameters
    ----------
    groups
        Row positions in ``matrix`` of each group's comments (a theme's members).
    matrix
        Comments × terms TF-IDF weights.
    single
        Per term, whether it is one word (bigrams co-occur with their own words, so they are left out).
    """
    scores = np.full(len(groups), np.nan)
    binary = (matrix > 0).astype(float).tocsc()
    for position, rows in enumerate(groups):
        weights = np.where(single, np.asarray(matrix[rows].mean(axis=0)).ravel(), 0.0)
        top = _top(weights, COHERENCE_WORDS)
        top = top[weights[top] >= max(COHERENCE_WEIGHT * weights.max(), 1e-12)]
        if len(top) < 2:
            continue
        columns = binary[:, top]
        together = (columns.T @ columns).toarray() / binary.shape[0]
        alone = np.diag(together)
        with np.errstate(divide="ignore", invalid="ignore"):
            npmi = np.log(together / np.outer(alone, alone)) / -np.log(together)
        npmi = np.where(together >= 1, 1.0, np.where(together > 0, npmi, -1.0))
        scores[position] = npmi[np.triu_indices(len(top), 1)].mean()
    return scores


def split_incoherent(topics: np.ndarray, matrix: sparse.spmatrix, terms: np.ndarray) -> np.ndarray:
    """``topics`` with each theme whose comments (those where it holds :data:`THEME_SHARE` of the
    weight) fall below :data:`COHERENCE_FLOOR` (:func:`npmi_coherence`) replaced by the two themes
    a two-theme NMF finds among those comments, when each half is more coherent than the theme and
    the main theme of :data:`COMMENTS_PER_THEME` of them or more (else the theme is kept as it is).
    """
    single = ~pd.Index(terms).str.contains(" ")
    share = _row_shares(project(matrix, topics))
    kept = []
    for position, topic in enumerate(topics):
        members = np.flatnonzero(share[:, position] >= THEME_SHARE)
        coherence = npmi_coherence([members], matrix, single)[0] if len(members) else np.nan
        kept.append(topic[None, :])
        if not coherence < COHERENCE_FLOOR or len(members) < 2 * COMMENTS_PER_THEME:
            continue
        halves = NMF(2, init="nndsvda", random_state=0, max_iter=400).fit(matrix[members])
        side = halves.transform(matrix[members]).argmax(axis=1)
        parts = [members[side == half] for half in (0, 1)]
        if (
            min(map(len, parts)) >= COMMENTS_PER_THEME
            and (npmi_coherence(parts, matrix, single) > coherence).all()
        ):
            kept[-1] = halves.components_
    return np.vstack(kept)


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
    whose content words it holds, and a phrase names one theme only, so names never repeat. The
    phrases are built with array operations over the words of the comments read (each distinct
    word folded and stemmed once), so long reviews cost their length, not their phrase count.

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
    share = _row_shares(weights)
    chosen = np.unique(np.argsort(-share, axis=0, kind="stable")[:NAMING_COMMENTS].ravel())
    words = _clause_words(texts.iloc[chosen])
    if words.empty:
        return [[] for _ in range(weights.shape[1])]
    vocabulary = _word_table(words["word"], language)
    occurrences = _phrase_occurrences(words, vocabulary).drop_duplicates(["doc", "surface"])
    surfaces = occurrences.groupby("surface", sort=False).agg(key=("key", "first"), frequency=("doc", "size"))
    forms = (  # the commonest written form of each stemmed phrase (alphabetically first on a tie)
        surfaces.reset_index()
        .sort_values(["frequency", "surface"], ascending=[False, True], kind="stable")
        .drop_duplicates("key")
        .set_index("key")["surface"]
    )
    key = pd.Index(forms.index).get_indexer(occurrences["key"])
    by_key = sparse.csr_matrix(
        (np.ones(len(key)), (key, occurrences["doc"].to_numpy())), shape=(len(forms), len(chosen))
    )
    mass = np.asarray((by_key @ share[chosen]).T)  # theme × phrase
    in_theme = mass / np.maximum(mass.sum(axis=1, keepdims=True), 1e-12)
    overall = np.bincount(key, minlength=len(forms)) / len(key)
    with np.errstate(divide="ignore"):
        relevance = RELEVANCE_LAMBDA * np.log(in_theme) + (1 - RELEVANCE_LAMBDA) * np.log(in_theme / overall)
    used: set[str] = set()
    names = []
    for row in relevance:
        top = _top(row, wanted * 4)
        top = top[np.isfinite(row[top]) & ~forms.index[top].isin(list(used))]
        ranked = forms.iloc[top]
        picked = _absorbing(_content_stems(ranked, vocabulary), wanted)
        used |= set(ranked.index[picked])
        names.append(ranked.iloc[picked].tolist())
    return names


def _row_shares(weights: np.ndarray) -> np.ndarray:
    """Each row of ``weights`` divided by its sum (rows of zeros stay zero)."""
    total = weights.sum(axis=1, keepdims=True)
    return np.divide(weights, total, out=np.zeros_like(weights, dtype=float), where=total > 0)


def _clause_words(texts: pd.Series) -> pd.DataFrame:
    """One row per word as written (:data:`SURFACE_WORD`): ``doc`` (position of its text), ``clause``
    (a number unique across texts; clauses end at :data:`PHRASE_BREAK`) and ``word``."""
    clauses = texts.reset_index(drop=True).astype(object).astype(str).str.split(PHRASE_BREAK, regex=True)
    clauses = clauses.explode()
    found = pd.Series(clauses.to_numpy(), dtype=object).str.findall(SURFACE_WORD).explode().dropna()
    return pd.DataFrame(
        {
            "doc": clauses.index.to_numpy()[found.index.to_numpy()],
            "clause": found.index.to_numpy(),
            "word": found.to_numpy(dtype=object),
        }
    )


def _word_table(words: pd.Series, language: str) -> pd.DataFrame:
    """Per distinct written word: its accent-folded Snowball ``stem``, whether it is a ``stop`` word
    (or a single letter, or folds to nothing) and whether it holds a ``digit`` (or ``_``)."""
    distinct = pd.Index(words.unique())
    folded = fold(pd.Series(distinct, dtype=object)).fillna("")
    return pd.DataFrame(
        {
            "stem": _stem(folded.tolist(), language),
            "stop": (folded.isin(stop_words(language)) | folded.str.len().le(1)).to_numpy(dtype=bool),
            "digit": distinct.str.contains(r"[\d_]", regex=True),
        },
        index=distinct,
    )


def _phrase_occurrences(words: pd.DataFrame, vocabulary: pd.DataFrame) -> pd.DataFrame:
    """Every candidate phrase in the text: ``doc``, ``surface`` (words as written, joined by spaces)
    and ``key`` (their stems), for runs of 1 to :data:`PHRASE_WORDS` words of one clause that start
    and end with a content word and hold no digit. Runs of each length extend those one word
    shorter, as whole arrays."""
    attributes = vocabulary.loc[words["word"]]
    word = words["word"].to_numpy(dtype=object)
    stem = attributes["stem"].to_numpy(dtype=object)
    stop = attributes["stop"].to_numpy(dtype=bool)
    digit = attributes["digit"].to_numpy(dtype=bool)
    clause, doc = words["clause"].to_numpy(), words["doc"].to_numpy()
    surface, key, has_digit = word, stem, digit
    within = np.ones(len(word), dtype=bool)  # the run starting here stays in one clause
    found = []
    for length in range(1, min(PHRASE_WORDS, len(word)) + 1):
        starts = len(word) - length + 1
        if length > 1:
            within = within[:starts] & (clause[length - 1 :] == clause[:starts])
            surface = surface[:starts] + " " + word[length - 1 :]
            key = key[:starts] + " " + stem[length - 1 :]
            has_digit = has_digit[:starts] | digit[length - 1 :]
        keep = within & ~stop[:starts] & ~stop[length - 1 :] & ~has_digit
        found.append(pd.DataFrame({"doc": doc[:starts][keep], "surface": surface[keep], "key": key[keep]}))
    return pd.concat(found, ignore_index=True)


def _top(values: np.ndarray, count: int) -> np.ndarray:
    """Positions of the ``count`` largest ``values``, largest first, ties in position order (as a
    stable sort of all of them would give, without sorting all of them)."""
    if len(values) > count:
        threshold = np.partition(values, len(values) - count)[len(values) - count]
        candidates = np.flatnonzero(values >= threshold)
    else:
        candidates = np.arange(len(values))
    return candidates[np.argsort(-values[candidates], kind="stable")][:count]


def _content_stems(forms: pd.Series, vocabulary: pd.DataFrame) -> list[frozenset[str]]:
    """The stems of each phrase's content (non-stop) words, for :func:`_absorbing`."""
    words = forms.reset_index(drop=True).str.split(" ").explode()
    content = vocabulary.loc[words.to_numpy(), ["stem", "stop"]].set_axis(words.index)
    stems = content.loc[~content["stop"], "stem"].groupby(level=0).agg(frozenset)
    return stems.reindex(range(len(forms)), fill_value=frozenset()).tolist()


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
    matrix = transform(vectorizer, fold(pd.Series(distinct, dtype=object)))
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
