"""The batch segmenter against its oracle, jieba itself (`jieba.lcut(run, HMM=False)` on each CJK run)."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from models_ml.sentiment.features import HashedNgramFeaturizer
from models_ml.sentiment.segment import segment, segment_codes

jieba = pytest.importorskip("jieba")
jieba.setLogLevel(logging.WARNING)

SEED_FILE = Path(__file__).resolve().parents[2] / "seeds" / "comment_sentiment_labels.csv"
_RUN = re.compile(r"[\u4e00-\u9fff]+")


def _jieba(text: str) -> list[str]:
    return [w for run in _RUN.findall(text) for w in jieba.lcut(run, HMM=False)]


def test_same_words_as_jieba_on_every_seed_comment() -> None:
    texts = pd.read_csv(SEED_FILE, dtype=str, keep_default_na=False)["text"].tolist()
    texts += [
        "", "no chinese here 😍", "中华人民共和国成立了", "这个色号绝绝子😍yyds", "破防了家人们谁懂啊",
        "一二三四五六七八九十百千万", "不是不好，是太好了！！！", "研究生命的起源", "结婚的和尚未结婚的",
        "乒乓球拍卖完了", "他说的确实在理", "南京市长江大桥", "我 我 我", "龍門客棧",  # traditional stays as is here
    ]
    ours = segment(texts)
    assert len(ours) == len(texts)
    mismatches = [(t, o, _jieba(t)) for t, o in zip(texts, ours, strict=True) if o != _jieba(t)]
    assert not mismatches, mismatches[:3]
    assert sum(map(len, ours)) > 10_000  # the seed really was segmented


def test_positions_lengths_and_hashes() -> None:
    text = "好看\n南京市长江大桥ab长江"
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    start, length, hashes = segment_codes(codes)
    words = [text[s:s + n] for s, n in zip(start.tolist(), length.tolist(), strict=True)]
    assert words == ["好看", "南京市", "长江大桥", "长江"]
    assert list(start) == sorted(start)
    assert hashes[1] != hashes[2] and hashes[1] != hashes[3]  # distinct words, distinct hashes
    assert segment_codes(np.zeros(0, dtype=np.uint32))[0].size == 0


def test_word_view_adds_multi_character_words_and_their_bigrams() -> None:
    texts = ["南京市长江大桥 好看", "长江大桥"]
    plain = HashedNgramFeaturizer((1, 2)).fit(texts)
    words = HashedNgramFeaturizer((1, 2), use_jieba=True).fit(texts)
    added = set(words.feature_names_) - set(plain.feature_names_)
    assert {"南京市", "长江大桥", "南京市 长江大桥"} <= added
    X = words.transform(["长江大桥", "unseen"])
    names = {words.feature_names_[j] for j in X[0].indices}
    assert "长江大桥" in names and "南京市" not in names
    assert np.isclose(np.sqrt(X[0].multiply(X[0]).sum()), 1.0) and X[1].nnz == 0
