"""Tokens and n-gram matrices of many comments, computed with array operations.

scikit-learn's text vectorisers analyse one document at a time in Python: on a few hundred
thousand distinct comments, building the n-grams costs far more than the models that read them.
Here the comments are split into tokens on their bytes (:func:`split`: one lookup table over the
whole Arrow buffer, then Arrow's white-space split and dictionary encoding), each distinct token is
read once, and the matrices are built from integer arrays:

- :func:`transform` gives exactly the matrix a fitted ``TfidfVectorizer`` or ``CountVectorizer``,
  or a ``HashingVectorizer``, gives for texts folded by :func:`cxlib.stats.text.fold` (lower case,
  ASCII). A word unigram's column is looked up once per distinct token, and a bigram's once per
  distinct pair of consecutive tokens of one text; character n-grams within words (``char_wb``)
  are the product of a text × distinct-word count matrix and the vectoriser's own reading of each
  distinct word, since such an n-gram never crosses a word. Any other analyser, and texts that are
  not folded, go to scikit-learn.
- :func:`split` is also the tokeniser of the lexicon scorer and of the emotion cues.

Texts are vectorised :data:`CHUNK` at a time, so the tokens of a million texts are never all in
memory at once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse
from sklearn.base import clone
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize

#: Texts vectorised at a time, and threads working on chunks at once.
CHUNK = 50_000
WORKERS = min(2, os.cpu_count() or 1)

Vectorizer = CountVectorizer | HashingVectorizer


@dataclass(frozen=True)
class Split:
    """Texts split into tokens: token ``i`` is ``vocabulary[code[i]]``, of text ``doc[i]``; a text's
    tokens are consecutive and in order, and ``texts`` is how many texts were split."""

    doc: np.ndarray
    code: np.ndarray
    vocabulary: np.ndarray
    texts: int

    def lookup(self, mapping: dict, default: object = np.nan, dtype: object = float) -> np.ndarray:
        """``mapping`` of each token (``default`` where absent), read once per distinct token."""
        values = pd.Series(self.vocabulary, dtype=object).map(mapping)
        return values.where(values.notna(), default).to_numpy(dtype=dtype)[self.code]

    def keep(self, kept: np.ndarray) -> Split:
        """Only the tokens where ``kept`` is true."""
        return Split(self.doc[kept], self.code[kept], self.vocabulary, self.texts)

    def starts(self) -> np.ndarray:
        """Whether each token is the first of its text."""
        first = np.ones(len(self.doc), dtype=bool)
        first[1:] = self.doc[1:] != self.doc[:-1]
        return first

    def isin(self, values: object) -> np.ndarray:
        """Whether each token is one of ``values``, read once per distinct token."""
        return pd.Series(self.vocabulary, dtype=object).isin(values).to_numpy()[self.code]

    def counts(self) -> sparse.csr_matrix:
        """Texts × distinct tokens: how often each token occurs in each text."""
        shape = (self.texts, len(self.vocabulary))
        return sparse.csr_matrix((np.ones(len(self.doc)), (self.doc, self.code)), shape=shape)


def as_arrow(texts: pd.Series, missing: str | None = "") -> pa.LargeStringArray:
    """``texts`` as one Arrow string array (without a copy when they are already Arrow strings),
    missing texts as ``missing`` (kept missing when it is ``None``); anything that is not a string
    is written as one."""
    if texts.dtype == object or not pd.api.types.is_string_dtype(texts.dtype):
        texts = texts.astype("string")
    array = pa.array(texts.array, from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    array = array.cast(pa.large_string())
    return array if missing is None else pc.fill_null(array, missing)


#: The characters of scikit-learn's word tokens in folded text (``\\w``), and Python's white space
#: (what ``str.split()`` splits on) among ASCII characters.
WORD_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"
WHITE_SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
#: The ASCII characters of words split on white space (``char_wb``'s words).
NOT_WHITE_SPACE = "".join(sorted(set(map(chr, range(128))) - set(WHITE_SPACE)))


def split(texts: pd.Series, token: str, alone: str = "") -> Split:
    """The tokens of ``texts``: each maximal run of the characters of ``token``, and each character
    of ``alone`` on its own (punctuation, say); every other character separates tokens.

    Works on the bytes of the texts (one lookup table over the whole Arrow buffer, then Arrow's
    white-space split), so it is meant for ASCII text such as :func:`cxlib.stats.text.fold` gives.
    """
    array = as_arrow(texts)
    kind = np.zeros(256, dtype=np.uint8)
    kind[np.frombuffer(token.encode("ascii"), dtype=np.uint8)] = 1
    kind[np.frombuffer(alone.encode("ascii"), dtype=np.uint8)] = 2
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[array.offset : array.offset + len(array) + 1]
    data = np.frombuffer(array.buffers()[2] or b"", dtype=np.uint8)[offsets[0] : offsets[-1]]
    offsets = offsets - offsets[0]
    of_byte = kind[data]
    spaced = np.where(of_byte == 0, np.uint8(32), data)
    if alone:  # " x " for each character standing alone: a space inserted before and after it
        alone_at = np.flatnonzero(of_byte == 2)
        spaced = np.insert(spaced, np.concatenate([alone_at, alone_at + 1]), np.uint8(32))
        offsets = offsets + 2 * np.searchsorted(alone_at, offsets)
    spaced_array = pa.LargeStringArray.from_buffers(
        len(array), pa.py_buffer(offsets.astype(np.int64)), pa.py_buffer(spaced.tobytes())
    )
    lists = pc.ascii_split_whitespace(spaced_array)
    encoded = pc.dictionary_encode(pc.list_flatten(lists))
    tokens = Split(
        pc.list_parent_indices(lists).to_numpy(),
        encoded.indices.to_numpy(),
        encoded.dictionary.to_numpy(zero_copy_only=False).astype(object),
        len(array),
    )
    return tokens.keep(tokens.vocabulary[tokens.code] != "") if (tokens.vocabulary == "").any() else tokens


def chunked(texts: pd.Series, compute: Callable[[pd.Series], object]) -> list:
    """``compute`` of each run of :data:`CHUNK` texts of ``texts``, in order; the chunks are shared
    among :data:`WORKERS` threads (Arrow's kernels and NumPy's array operations release Python's
    global lock, so the threads run on separate cores)."""
    starts = range(0, max(len(texts), 1), CHUNK)
    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(lambda start: compute(texts.iloc[start : start + CHUNK]), starts))


def in_chunks(texts: pd.Series, compute: Callable[[pd.Series], pd.DataFrame]) -> pd.DataFrame:
    """``compute`` of ``texts`` (indexed from 0) by :func:`chunked`, the results stacked in order
    and indexed from 0."""
    return pd.concat(chunked(texts, compute), ignore_index=True)


def transform(vectorizer: Vectorizer, texts: pd.Series) -> sparse.csr_matrix:
    """``vectorizer.transform(texts)``, computed with array operations where they give the same
    matrix (word unigrams and bigrams, or ``char_wb`` n-grams, of folded texts), else by
    ``vectorizer`` itself.

    Parameters
    ----------
    vectorizer
        A fitted ``TfidfVectorizer`` or ``CountVectorizer``, or a ``HashingVectorizer``.
    texts
        The texts, folded by :func:`cxlib.stats.text.fold`; missing texts read as empty.
    """
    return sparse.vstack(transform_chunks(vectorizer, texts, lambda matrix: matrix), format="csr")


def transform_chunks(
    vectorizer: Vectorizer, texts: pd.Series, reduce: Callable[[sparse.csr_matrix], object]
) -> list:
    """``reduce`` of each chunk's rows of :func:`transform` (a chunk of :data:`CHUNK` texts, in
    order), so that only the reductions of a large matrix, never the matrix, are held at once."""
    texts = texts.fillna("").reset_index(drop=True)
    if not _supported(vectorizer) or not _folded(texts):
        return chunked(texts, lambda chunk: reduce(vectorizer.transform(chunk)))
    counting = (
        clone(vectorizer).set_params(norm=None) if isinstance(vectorizer, HashingVectorizer) else vectorizer
    )
    return chunked(texts, lambda chunk: reduce(_weighted(vectorizer, _counts(counting, chunk))))


def _weighted(vectorizer: Vectorizer, counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """``counts`` weighted and normalised as ``vectorizer`` does (row by row, so chunk by chunk)."""
    counts.sort_indices()
    if isinstance(vectorizer, TfidfVectorizer):
        if vectorizer.sublinear_tf:
            np.log(counts.data, counts.data)
            counts.data += 1.0
        if vectorizer.use_idf:
            counts.data *= vectorizer.idf_[counts.indices]
    elif not isinstance(vectorizer, HashingVectorizer):
        return counts.astype(vectorizer.dtype)
    return normalize(counts, norm=vectorizer.norm, copy=False) if vectorizer.norm else counts


def _supported(vectorizer: Vectorizer) -> bool:
    """Whether :func:`transform` computes ``vectorizer``'s matrix itself."""
    plain = (
        vectorizer.preprocessor is None
        and vectorizer.tokenizer is None
        and vectorizer.strip_accents is None
        and not vectorizer.binary
        and not (isinstance(vectorizer, HashingVectorizer) and vectorizer.alternate_sign)
    )
    low, high = vectorizer.ngram_range
    words = vectorizer.analyzer == "word" and 1 == low <= high <= 2
    return plain and (vectorizer.analyzer == "char_wb" or words)


def _folded(texts: pd.Series) -> bool:
    """Whether every text is lower-case ASCII, as :func:`cxlib.stats.text.fold` leaves it."""
    array = as_arrow(texts)
    ascii_only = pc.all(pc.string_is_ascii(array)).as_py() is not False
    return ascii_only and not pc.any(pc.match_substring_regex(array, "[A-Z]")).as_py()


def _counts(vectorizer: Vectorizer, texts: pd.Series) -> sparse.csr_matrix:
    """The n-gram counts of ``texts``, before any weighting or normalisation."""
    if vectorizer.analyzer == "char_wb":
        words = split(texts, NOT_WHITE_SPACE)
        return words.counts() @ _read_alone(vectorizer, words.vocabulary)
    tokens = split(texts, WORD_CHARACTERS)
    pattern, stop = re.compile(vectorizer.token_pattern), set(vectorizer.get_stop_words() or ())
    is_token = [pattern.fullmatch(piece) is not None and piece not in stop for piece in tokens.vocabulary]
    tokens = tokens.keep(np.array(is_token, dtype=bool)[tokens.code])
    docs, columns = [tokens.doc], [_columns(vectorizer, tokens.vocabulary)[tokens.code]]
    if vectorizer.ngram_range[1] == 2:  # consecutive tokens of one text, each distinct pair read once
        same = tokens.doc[1:] == tokens.doc[:-1]
        size = len(tokens.vocabulary)
        key = tokens.code[:-1][same].astype(np.int64) * size + tokens.code[1:][same]
        pair_of, pairs = pd.factorize(key)
        words = pd.Series(tokens.vocabulary, dtype=object)
        names = words.iloc[pairs // size].to_numpy() + " " + words.iloc[pairs % size].to_numpy()
        docs.append(tokens.doc[:-1][same])
        columns.append(_columns(vectorizer, names)[pair_of])
    doc, column = np.concatenate(docs), np.concatenate(columns)
    found = column >= 0
    features = (
        vectorizer.n_features if isinstance(vectorizer, HashingVectorizer) else len(vectorizer.vocabulary_)
    )
    return sparse.csr_matrix(
        (np.ones(int(found.sum())), (doc[found], column[found])), shape=(tokens.texts, features)
    )


def _columns(vectorizer: Vectorizer, terms: np.ndarray) -> np.ndarray:
    """The column of each of ``terms`` (whole n-grams) in ``vectorizer``'s matrix, -1 for a term
    outside a fitted vocabulary."""
    if isinstance(vectorizer, HashingVectorizer):
        hasher = FeatureHasher(vectorizer.n_features, input_type="string", alternate_sign=False)
        return hasher.transform([[term] for term in terms]).indices if len(terms) else np.empty(0, np.int64)
    return pd.Series(terms, dtype=object).map(vectorizer.vocabulary_).fillna(-1).to_numpy(dtype=np.int64)


def _read_alone(vectorizer: Vectorizer, words: np.ndarray) -> sparse.csr_matrix:
    """Each distinct word's character n-gram counts, as ``vectorizer`` reads a text of that word alone."""
    if isinstance(vectorizer, HashingVectorizer):
        return vectorizer.transform(words).astype(float)
    return CountVectorizer.transform(vectorizer, words).astype(float)
