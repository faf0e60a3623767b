"""Comment normalisation: each documented step, and the degenerate inputs."""

from __future__ import annotations

import math

import pytest

from models_ml.sentiment import MAX_CHARS, normalize, normalize_batch, word_tokens
from models_ml.sentiment.normalize import to_simplified


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ１２３！", "abc123!"),  # full-width -> half-width (NFKC), lower-case
        ("這個遊戲真的絕了", "这个游戏真的绝了"),  # traditional -> simplified
        ("哈哈哈哈哈哈哈", "哈哈哈"),  # CJK runs squeezed to 3
        ("哈哈哈", "哈哈哈"),  # a run of 3 is left alone
        ("sooooo good", "soo good"),  # Latin letter runs squeezed to 2
        ("good", "good"),
        ("太好了!!!!!!", "太好了!!!"),
        ("666666", "666"),
        ("yyds 绝绝子 no cap fr fr", "yyds 绝绝子 no cap fr fr"),  # slang untouched
        ("  too   many    spaces  ", "too many spaces"),
    ],
)
def test_normalize_steps(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_placeholders_keep_hashtag_words() -> None:
    text = "@jess.lee look https://shop.example.com/p/1?x=2 #OOTD #穿搭"
    assert normalize(text) == "<user> look <url> <hashtag> ootd <hashtag> 穿搭"
    assert normalize("链接 www.example.com/a 看") == "链接 <url> 看"


def test_emoji_and_kaomoji_are_kept_as_tokens() -> None:
    assert normalize("好看😍😍") == "好看😍😍"
    assert normalize("love it ❤️") == "love it ❤"  # variation selector dropped, heart kept
    tokens = word_tokens(normalize("绝了 (≧▽≦) 😭 so good (╯°□°）╯︵ ┻━┻"))
    assert "(≧▽≦)" in tokens
    assert "😭" in tokens
    assert any(t.startswith("(╯°□°)") for t in tokens)
    assert {"so", "good"} <= set(tokens)


def test_timestamps_and_parentheses_are_not_kaomoji() -> None:
    assert word_tokens(normalize("(2:15) what song")) == ["2", "15", "what", "song"]


@pytest.mark.parametrize("empty", ["", "   ", "\n\t ", None, math.nan])
def test_empty_inputs_normalise_to_empty_string(empty) -> None:
    assert normalize(empty) == ""


def test_overlong_text_is_truncated() -> None:
    assert MAX_CHARS == 512
    assert len(normalize("ab" * 1000)) == MAX_CHARS
    assert normalize("ab" * 1000) == normalize("ab" * 256)
    assert len(normalize("ab" * 1000, max_chars=10)) == 10


def test_batch_keeps_one_output_per_input_even_with_newlines() -> None:
    texts = ["line one\nline two", "", "这个\r\n好看", None, "  ", "ok"]
    out = normalize_batch(texts)
    assert out == [normalize(t) for t in texts]
    assert out[0] == "line one line two"
    assert len(out) == len(texts)
    assert normalize_batch([]) == []


def test_to_simplified_is_character_level_and_leaves_ascii_alone() -> None:
    assert to_simplified("說話 學習 開心") == "说话 学习 开心"
    assert to_simplified("plain ascii") == "plain ascii"
