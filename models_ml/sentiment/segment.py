"""Chinese word segmentation for a whole batch at once: jieba's dictionary, jieba's rule, numpy speed.

Why not call jieba: `jieba.lcut` walks each sentence in Python, one character at a time, which
costs tens of microseconds per comment (docs/sentiment.md measures it), more than the rest of the
scoring together. This module computes the same segmentation as `jieba.lcut(run, HMM=False)` for
every run of CJK characters of a batch, with vectorised numpy over all runs together:

1. every substring of up to `max_len` characters is hashed (a 64-bit polynomial over code points)
   and looked up in jieba's dictionary (`dict.txt` of the installed jieba, read without importing it);
   a substring that is not a prefix of any dictionary word stops the extension, as in jieba's DAG;
2. the route of highest total log-frequency is found right to left, by dynamic programming over the
   distance to the run's end (all runs advance together); ties go to the longer word, as in jieba;
3. the route is followed from each run's start.

`tests/unit/test_sentiment_segment.py` checks the words against jieba itself on real text.
Grain: one word per (run, route step); words are returned as (start position, length, hash).
"""

from __future__ import annotations

import importlib.util
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

_P = np.uint64(0x100000001B3)
_H0 = np.uint64(0xCBF29CE484222325)
CJK_LO, CJK_HI = 0x4E00, 0x9FFF  # the runs features.py treats as Chinese


def _dictionary_path() -> Path:
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("jieba is not installed; its dictionary is needed for Chinese word features")
    return Path(list(spec.submodule_search_locations)[0]) / "dict.txt"


def _substring_hashes(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray, max_len: int):
    """Yield (L, positions, hashes) of the substrings codes[p:p+L] for L = 1..max_len within [start, end).

    `starts`/`ends` give, for every position p considered, the end of its run; positions whose
    substring would cross the run's end drop out. The caller may prune `positions` between
    lengths by sending back a mask (generator protocol: `send(mask)`).
    """
    positions = starts
    h = np.full(len(positions), _H0, dtype=np.uint64)
    run_end = ends
    with np.errstate(over="ignore"):
        for L in range(1, max_len + 1):
            inside = positions + L <= run_end
            positions, h, run_end = positions[inside], h[inside], run_end[inside]
            if len(positions) == 0:
                return
            h = h * _P + codes[positions + L - 1].astype(np.uint64)
            keep = yield L, positions, h
            if keep is not None:
                positions, h, run_end = positions[keep], h[keep], run_end[keep]


class Dictionary:
    """jieba's dictionary as sorted 64-bit keys: every word and every prefix of a word.

    `logp_` is log(freq) - log(total) for words (exactly as jieba computes it, with math.log) and NaN
    for prefixes that are not words themselves; `total_` is jieba's total frequency.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        freq: dict[str, int] = {}
        total = 0
        for line in Path(path or _dictionary_path()).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line:
                continue
            word, count = line.split(" ")[:2]
            freq[word] = int(count)  # a repeated word keeps its last count but adds to the total, as in jieba
            total += int(count)
        words = [w for w in freq if all(CJK_LO <= ord(ch) <= CJK_HI for ch in w)]
        log_total = math.log(total)
        self.total_ = total
        self.max_len_ = max(map(len, words))
        codes = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32)
        lengths = np.array([len(w) for w in words], dtype=np.int64)
        ends = np.cumsum(lengths)
        starts = ends - lengths
        word_logp = np.array([math.log(freq[w]) - log_total if freq[w] else math.nan for w in words])
        keys, logp = [], []
        for L, positions, h in _substring_hashes(codes, starts, ends, self.max_len_):
            word = np.searchsorted(starts, positions, side="right") - 1
            keys.append(h)
            logp.append(np.where(positions + L == ends[word], word_logp[word], np.nan))
        keys, logp = np.concatenate(keys), np.concatenate(logp)
        order = np.argsort(keys, kind="stable")
        keys, logp = keys[order], logp[order]
        first = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        self.keys_ = keys[first]
        self.logp_ = np.fmax.reduceat(logp, first)  # a key that is a word and a prefix of others is a word

    def lookup(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(is a word or a prefix of one, log-probability or NaN) for each hash."""
        i = np.searchsorted(self.keys_, hashes)
        i[i == len(self.keys_)] = 0
        found = self.keys_[i] == hashes
        return found, np.where(found, self.logp_[i], np.nan)


@lru_cache(maxsize=1)
def default_dictionary() -> Dictionary:
    """jieba's dictionary, read once per process."""
    return Dictionary()


def segment_codes(codes: np.ndarray, dictionary: Dictionary | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Words of every CJK run in `codes` (UTF-32 code points): (start position, length, hash), by position.

    The same words as `jieba.lcut(run, HMM=False)` on each run (characters U+4E00..U+9FFF),
    computed for all runs of the batch together.
    """
    d = dictionary or default_dictionary()
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.uint64))
    positions = np.flatnonzero((codes >= CJK_LO) & (codes <= CJK_HI))
    if len(positions) == 0:
        return empty
    new_run = np.r_[True, positions[1:] != positions[:-1] + 1]
    run_start = positions[new_run]
    run_end = positions[np.r_[new_run[1:], True]] + 1
    end_of = run_end[np.cumsum(new_run) - 1]

    # 1. the DAG: every dictionary word starting at each position (extension stops off the prefix set)
    cand: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    single_hash = np.zeros(len(codes), dtype=np.uint64)
    has_word = np.zeros(len(codes), dtype=bool)
    steps = _substring_hashes(codes, positions, end_of, d.max_len_)
    try:
        L, p, h = next(steps)
        while True:
            found, logp = d.lookup(h)
            word = ~np.isnan(logp)
            cand.append((p[word], np.full(int(word.sum()), L), logp[word], h[word]))
            has_word[p[word]] = True
            if L == 1:
                single_hash[p] = h
            L, p, h = steps.send(found)
    except StopIteration:
        pass
    alone = positions[~has_word[positions]]  # no word starts here: the character alone, frequency 1
    cand.append((alone, np.ones(len(alone), np.int64), np.full(len(alone), 0.0 - math.log(d.total_)),
                 single_hash[alone]))
    c_pos, c_len, c_logp, c_hash = (np.concatenate(x) for x in zip(*cand, strict=True))

    # 2. best route, right to left: positions at distance 1 from their run's end first, then 2, ...
    to_end = run_end[np.searchsorted(run_start, c_pos, side="right") - 1] - c_pos
    order = np.lexsort((-c_len, c_pos, to_end))
    c_pos, c_len, c_logp, c_hash, to_end = c_pos[order], c_len[order], c_logp[order], c_hash[order], to_end[order]
    bounds = np.searchsorted(to_end, np.arange(1, int(to_end[-1]) + 2))
    route = np.zeros(len(codes) + 1)
    best_len = np.zeros(len(codes), dtype=np.int64)
    best_hash = np.zeros(len(codes), dtype=np.uint64)
    for s, e in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        if s == e:
            continue
        p, length = c_pos[s:e], c_len[s:e]
        value = c_logp[s:e] + route[p + length]
        seg = np.flatnonzero(np.r_[True, p[1:] != p[:-1]])
        best = np.maximum.reduceat(value, seg)
        hit = np.flatnonzero(value == np.repeat(best, np.diff(np.r_[seg, len(value)])))
        first = hit[np.searchsorted(hit, seg)]  # the longest word among equal scores, as jieba's max((score, end))
        route[p[seg]] = best
        best_len[p[seg]] = length[first]
        best_hash[p[seg]] = c_hash[s:e][first]

    # 3. follow the route from each run's start
    out_pos, frontier, ends = [], run_start, run_end
    while len(frontier):
        out_pos.append(frontier)
        nxt = frontier + best_len[frontier]
        more = nxt < ends
        frontier, ends = nxt[more], ends[more]
    start = np.sort(np.concatenate(out_pos))
    return start, best_len[start], best_hash[start]


def segment(texts: list[str], dictionary: Dictionary | None = None, min_len: int = 1) -> list[list[str]]:
    """The words of each text's CJK runs (other characters are skipped), words shorter than `min_len` left out."""
    joined = "\n".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    start, length, _ = segment_codes(codes, dictionary)
    doc = np.cumsum(codes == 10)[start] if len(start) else start
    out: list[list[str]] = [[] for _ in texts]
    for d, s, n in zip(doc.tolist(), start.tolist(), length.tolist(), strict=True):
        if n >= min_len:
            out[d].append(joined[s:s + n])
    return out
