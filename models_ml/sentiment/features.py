"""Hashed character and word n-gram features, computed with numpy over a whole batch.

Why not scikit-learn's vectorizers: their analyzers build every n-gram as a Python string, one
document at a time, which alone would use most of the scoring budget (measured in
docs/sentiment.md). Here the batch is joined into one string, viewed as UTF-32 code
points, and each character n-gram is hashed with vectorised 64-bit arithmetic; word tokens
(Latin words, emoji, kaomoji, placeholders) come from one regex pass and a memoised hash.

Grain: one row per comment; columns are the hash buckets seen at least ``min_df`` times in
training (a bucket table maps a 2**22 hash space to those columns), weighted as sublinear TF x
IDF and L2-normalised per row (the same weighting as TfidfVectorizer(sublinear_tf=True)).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize as l2_normalize

from .normalize import _WORD_TOKEN
from .segment import segment_codes

HASH_BITS = 22
_MASK32 = np.uint32((1 << HASH_BITS) - 1)
_FNV32 = np.uint32(0x01000193)
_WORD_SALT = np.uint64(0x9E3779B97F4A7C15)
_BIGRAM_SALT = np.uint64(0x632BE59BD9B4E019)
_SEGMENT_SALT = np.uint64(0x2545F4914F6CDD1D)
_SEGMENT_BIGRAM_SALT = np.uint64(0x5851F42D4C957F2D)
_NEWLINE = 10
_SPACE = 32
_LATIN = re.compile(r"[a-z0-9]")


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, so that nearby n-grams land in unrelated buckets."""
    h = h ^ (h >> np.uint32(16))
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h & _MASK32


def _bucket64(h: np.ndarray) -> np.ndarray:
    """Fold 64-bit token hashes to a bucket."""
    return _fmix32((h ^ (h >> np.uint64(32))).astype(np.uint32))


class _TokenHashes(dict):
    """Memoised, process-independent 64-bit hashes of word tokens (Python's hash() is salted)."""

    def __missing__(self, token: str) -> int:
        value = int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")
        if len(self) > 2_000_000:
            self.clear()
        self[token] = value
        return value


_TOKEN_HASHES = _TokenHashes()


class HashedNgramFeaturizer:
    """Sublinear TF-IDF over hashed char n-grams plus word uni/bigrams; fit once, transform fast.

    ``use_jieba`` adds the words of Chinese runs (jieba's dictionary and rule without its HMM, computed
    for the whole batch by `segment.segment_codes`; words of one character left out) as unigrams and
    as bigrams of consecutive words, a view of their own beside the char n-grams and word tokens.
    """

    def __init__(
        self,
        char_ngram_range: tuple[int, int] = (1, 3),
        word_ngram_max: int = 2,
        min_df: int = 1,
        use_jieba: bool = False,
        keep_names: bool = True,
    ) -> None:
        self.char_ngram_range = tuple(char_ngram_range)
        self.word_ngram_max = word_ngram_max
        self.min_df = min_df
        self.use_jieba = use_jieba
        self.keep_names = keep_names

    # -- hashing: each returns (doc id per slot, bucket per slot, valid per slot) in doc order ----
    def _char_slots(self, joined: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Slots are (position, n) for every n in the range, laid out position-major.

        Position-major means the slots are already sorted by document, so a CSR matrix can be
        built from them without a sort.
        """
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        length = len(codes)
        lo, hi = self.char_ngram_range
        widths = list(range(lo, hi + 1))
        is_sep = codes == _NEWLINE
        seps_before = np.zeros(length + hi, dtype=np.int64)
        np.cumsum(is_sep, out=seps_before[1 : length + 1])
        seps_before[length + 1 :] = -1  # windows running past the end are invalid
        doc = seps_before[:length]
        buckets = np.empty((length, len(widths)), dtype=np.uint32)
        valid = np.empty((length, len(widths)), dtype=bool)
        padded = np.concatenate((codes, np.zeros(hi, dtype=np.uint32)))
        h = np.full(length, 0x811C9DC5, dtype=np.uint32)
        for n in range(1, hi + 1):
            h ^= padded[n - 1 : n - 1 + length]
            h *= _FNV32
            if n < lo:
                continue
            j = n - lo
            buckets[:, j] = _fmix32(h ^ np.uint32(n))
            valid[:, j] = seps_before[n : n + length] == doc
        if lo == 1:
            valid[:, 0] &= codes != _SPACE  # a lone space says nothing
        n_slots = len(widths)
        return np.repeat(doc, n_slots), buckets.ravel(), valid.ravel()

    def _tokens(self, joined: str) -> list[str]:
        return _WORD_TOKEN.findall(joined)

    @staticmethod
    def _segmented_words(joined: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Words of two or more characters of the Chinese runs: (doc, start, length, hash), by position."""
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        start, length, hashes = segment_codes(codes)
        multi = length > 1
        start, length, hashes = start[multi], length[multi], hashes[multi]
        doc = np.cumsum(codes == _NEWLINE)[start] if len(start) else start
        return doc, start, length, hashes

    def _segment_slots(self, joined: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Slots are (word, unigram/bigram) pairs of the segmented words, word-major (document order)."""
        doc, _, _, hashes = self._segmented_words(joined)
        count = len(hashes)
        buckets = np.empty((count, 2), dtype=np.uint32)
        valid = np.ones((count, 2), dtype=bool)
        buckets[:, 0] = _bucket64(hashes ^ _SEGMENT_SALT)
        following = np.append(hashes[1:], np.uint64(0))
        with np.errstate(over="ignore"):
            buckets[:, 1] = _bucket64(hashes * np.uint64(0x100000001B3) ^ following ^ _SEGMENT_BIGRAM_SALT)
        valid[:, 1] = np.append(doc[1:] == doc[:-1], False)
        return np.repeat(doc, 2), buckets.ravel(), valid.ravel()

    def _word_slots(self, tokens: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Slots are (token, unigram/bigram) pairs, token-major (so again in document order)."""
        count = len(tokens)
        if count == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.uint32), np.zeros(0, bool)
        hashes = np.fromiter(map(_TOKEN_HASHES.__getitem__, tokens), dtype=np.uint64, count=count)
        is_sep = hashes == np.uint64(_TOKEN_HASHES["\n"])
        doc = np.cumsum(is_sep) - is_sep  # a separator belongs to the document it closes
        width = 2 if self.word_ngram_max >= 2 else 1
        buckets = np.empty((count, width), dtype=np.uint32)
        valid = np.empty((count, width), dtype=bool)
        buckets[:, 0] = _bucket64(hashes ^ _WORD_SALT)
        valid[:, 0] = ~is_sep
        if width == 2:
            following = np.append(hashes[1:], np.uint64(0))
            with np.errstate(over="ignore"):
                bigram = hashes * np.uint64(0x100000001B3) ^ following ^ _BIGRAM_SALT
            buckets[:, 1] = _bucket64(bigram)
            valid[:, 1] = ~is_sep & np.append(~is_sep[1:], False)
        return np.repeat(doc, width), buckets.ravel(), valid.ravel()

    # -- fit / transform ---------------------------------------------------------------------
    def fit(self, texts: Sequence[str]) -> HashedNgramFeaturizer:
        """Learn the active buckets, their IDF and (optionally) a readable name for each."""
        n_docs = len(texts)
        joined = "\n".join(texts)
        blocks = [self._char_slots(joined)]
        if self.word_ngram_max >= 1:
            blocks.append(self._word_slots(self._tokens(joined)))
        if self.use_jieba:
            blocks.append(self._segment_slots(joined))
        doc = np.concatenate([d[v] for d, _, v in blocks]).astype(np.uint64)
        bucket = np.concatenate([b[v] for _, b, v in blocks]).astype(np.uint64)
        unique = np.unique(doc << np.uint64(HASH_BITS) | bucket)
        df = np.bincount((unique & np.uint64(_MASK32)).astype(np.int64), minlength=1 << HASH_BITS)
        active = np.flatnonzero(df >= self.min_df)
        self.active_buckets_ = active.astype(np.int64)
        self.idf_ = np.log((1 + n_docs) / (1 + df[active])) + 1.0
        self._table = None
        self.feature_names_, self.fragment_mask_ = self._names(joined) if self.keep_names else (None, None)
        return self

    def _names(self, joined: str) -> tuple[np.ndarray, np.ndarray]:
        """One readable n-gram per active column (the first one seen), for explanations.

        Also a mask of Latin char-n-gram fragments ("ood", "t b"): the word features already
        carry English words whole, so explanations skip these fragments.
        """
        names: dict[int, str] = {}
        words: set[int] = set()
        _, buckets, valid = self._char_slots(joined)
        lo, hi = self.char_ngram_range
        n_slots = hi - lo + 1
        slots = np.flatnonzero(valid)
        first_bucket, first = np.unique(buckets[slots], return_index=True)
        for bucket, slot in zip(first_bucket.tolist(), slots[first].tolist(), strict=True):
            pos, n = divmod(slot, n_slots)
            names[bucket] = joined[pos : pos + lo + n]
        if self.word_ngram_max >= 1:
            tokens = [t.replace(" ", "") for t in self._tokens(joined)]
            _, buckets, valid = self._word_slots(tokens)
            width = 2 if self.word_ngram_max >= 2 else 1
            for slot in np.flatnonzero(valid).tolist():
                pos, kind = divmod(slot, width)
                label = tokens[pos] if kind == 0 else tokens[pos] + " " + tokens[pos + 1]
                bucket = int(buckets[slot])
                if bucket not in names:
                    words.add(bucket)
                    names[bucket] = label
        if self.use_jieba:
            doc, start, length, _ = self._segmented_words(joined)
            _, buckets, valid = self._segment_slots(joined)
            for slot in np.flatnonzero(valid).tolist():
                i, kind = divmod(slot, 2)
                label = joined[start[i]:start[i] + length[i]]
                if kind == 1:
                    label += " " + joined[start[i + 1]:start[i + 1] + length[i + 1]]
                bucket = int(buckets[slot])
                if bucket not in names:
                    words.add(bucket)
                    names[bucket] = label
        active = self.active_buckets_.tolist()
        labels = np.array([names.get(b, f"#{b}") for b in active], dtype=object)
        fragment = np.array(
            [b not in words and _LATIN.search(names.get(b, "")) is not None for b in active], dtype=bool
        )
        return labels, fragment

    @property
    def n_features(self) -> int:
        return len(self.active_buckets_)

    def _bucket_table(self) -> np.ndarray:
        if getattr(self, "_table", None) is None:
            table = np.full(1 << HASH_BITS, -1, dtype=np.int32)
            table[self.active_buckets_] = np.arange(len(self.active_buckets_), dtype=np.int32)
            self._table = table
        return self._table

    def _counts(self, doc: np.ndarray, buckets: np.ndarray, valid: np.ndarray, n_docs: int) -> sp.csr_matrix:
        """CSR of raw counts (duplicates not yet summed) straight from document-ordered slots."""
        cols = self._bucket_table()[buckets]
        keep = valid & (cols >= 0)
        indptr = np.zeros(n_docs + 1, dtype=np.int64)
        np.cumsum(np.bincount(doc[keep], minlength=n_docs), out=indptr[1:])
        cols = cols[keep]
        return sp.csr_matrix((np.ones(len(cols)), cols, indptr), shape=(n_docs, self.n_features))

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Rows of L2-normalised sublinear TF-IDF; a text with no known n-gram is an all-zero row."""
        n_docs = len(texts)
        if n_docs == 0:
            return sp.csr_matrix((0, self.n_features))
        joined = "\n".join(texts)
        X = self._counts(*self._char_slots(joined), n_docs)
        if self.word_ngram_max >= 1:
            # Adding two CSR matrices sums duplicate entries, which gives term counts.
            X = X + self._counts(*self._word_slots(self._tokens(joined)), n_docs)
        if self.use_jieba:
            X = X + self._counts(*self._segment_slots(joined), n_docs)
        if self.word_ngram_max < 1 and not self.use_jieba:
            X.sum_duplicates()
        np.log(X.data, out=X.data)
        X.data += 1.0
        X.data *= self.idf_[X.indices]
        return l2_normalize(X, copy=False)

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self.fit(texts).transform(texts)

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_table"] = None  # 16 MB, rebuilt on first use
        return state
