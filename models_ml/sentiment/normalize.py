"""Text normalisation for short-video comments (Chinese, English and code-switched).

Why batch-first: scoring must reach tens of thousands of comments per second, and per-comment
Python calls dominate at ~20 characters a comment. `normalize_batch` joins the batch with
newlines and runs each step (NFKC, lower-casing, traditional -> simplified, placeholders,
squeezing) once over the joined string, so the cost is C-speed regex work, not Python loops.

Steps, in order (each is tested in tests/unit/test_sentiment_normalize.py):

1. ``None``/NaN/NA become ``""``, other non-strings ``str(x)``; text is truncated to
   ``MAX_CHARS`` (512) characters *before* anything else; newlines become spaces.
2. Unicode NFKC (full-width -> half-width: ``ＡＢＣ！`` -> ``ABC!``), lower-case, emoji
   variation selectors and zero-width joiners dropped (``❤️`` -> ``❤``).
3. Traditional -> simplified Chinese with a character map built once from OpenCC's t2s
   dictionary (OpenCC's own phrase-level converter is too slow per comment, see docs/sentiment.md; the map is a
   numpy gather over code points).
4. URLs -> ``<url>``, @mentions -> ``<user>``, ``#tag`` -> ``<hashtag> tag`` (the tag word is kept).
5. Runs of one character are squeezed: Latin letters to 2 (``sooooo`` -> ``soo``), anything else
   to 3 (``哈哈哈哈哈`` -> ``哈哈哈``, ``!!!!!`` -> ``!!!``, ``666666`` -> ``666``); whitespace collapsed.

Emoji, kaomoji and slang are left in the text: they are some of the strongest sentiment
signals in comments. ``word_tokens`` pulls them out as whole tokens. Empty or whitespace-only
input (and None / NaN / pandas NA) normalises to ``""``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np

MAX_CHARS = 512
PLACEHOLDERS = ("<url>", "<user>", "<hashtag>")

_URL = re.compile(r"(?:https?://|www\.)[^\s\n]+")
_MENTION = re.compile(r"@[\w.\-]+")
_HASHTAG = re.compile(r"#(\w+)")
_LETTER_RUN = re.compile(r"([a-z])\1{2,}")
_OTHER_RUN = re.compile(r"([^\na-z\s])\1{3,}")
_SPACES = re.compile(r" {2,}")
_EDGE_SPACES = re.compile(r" ?\n ?")
_INVISIBLE = (0xFE0F, 0xFE0E, 0x200D, 0x200B, 0x0000)

EMOJI_CLASS = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff"
# A kaomoji (after NFKC): optional arm, a bracketed face with no CJK ideographs and no Latin words,
# optional arm or flipped table ("︵" becomes "(" under NFKC).
KAOMOJI_PATTERN = (
    r"[ヾ٩ʕ╮\\]?\((?:[^()\n\s\u4e00-\u9fffa-z0-9]|[a-z0-9](?![a-z0-9])){1,14}\)[ノﾉ╭╯۶وo✧]*(?: ?\( ?┻━┻)?"
)
_WORD_TOKEN = re.compile(
    r"\n|<url>|<user>|<hashtag>|" + KAOMOJI_PATTERN + r"|[" + EMOJI_CLASS + r"]|[a-z0-9][a-z0-9']*"
)


@lru_cache(maxsize=1)
def _t2s_codepoints() -> np.ndarray:
    """Code point -> code point map (traditional -> simplified, invisible marks -> NUL).

    Built once from OpenCC's t2s conversion of every single character in its dictionary. A
    numpy gather over the UTF-32 code points is faster than ``str.translate`` with a dict.
    """
    import opencc
    from opencc import OpenCC

    converter = OpenCC("t2s")
    table = np.arange(0x110000, dtype=np.uint32)
    dictionary = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    for line in dictionary.read_text(encoding="utf-8").splitlines():
        traditional = line.split("\t", 1)[0]
        if len(traditional) != 1:
            continue
        simplified = converter.convert(traditional)
        if len(simplified) == 1:
            table[ord(traditional)] = ord(simplified)
    table[list(_INVISIBLE)] = 0
    return table


def to_simplified(text: str) -> str:
    """Character-level traditional -> simplified conversion; also drops emoji variation selectors.

    Phrase-level variants (OpenCC's TSPhrases) are ignored: for sentiment features the character
    map is what matters, and OpenCC's own converter is too slow per comment.
    """
    if text.isascii():
        return text
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    return _t2s_codepoints()[codes].tobytes().decode("utf-32-le").replace("\x00", "")


def _clean_input(text: object, max_chars: int = MAX_CHARS) -> str:
    """Any input -> a newline-free string; None, NaN and pandas' NA become ""."""
    if not isinstance(text, str):
        if text is None or (isinstance(text, float) and math.isnan(text)) or _is_pandas_missing(text):
            return ""
        text = str(text)
    return text[:max_chars].replace("\n", " ")


def _is_pandas_missing(value: object) -> bool:
    try:
        import pandas as pd

        return pd.isna(value) is True
    except (ImportError, TypeError, ValueError):
        return False


def _normalize_joined(joined: str) -> str:
    joined = to_simplified(unicodedata.normalize("NFKC", joined).lower().replace("\t", " "))
    joined = _URL.sub(" <url> ", joined)
    joined = _MENTION.sub(" <user> ", joined)
    joined = _HASHTAG.sub(r" <hashtag> \1 ", joined)
    joined = _LETTER_RUN.sub(r"\1\1", joined)
    joined = _OTHER_RUN.sub(r"\1\1\1", joined)
    joined = _SPACES.sub(" ", joined)
    return _EDGE_SPACES.sub("\n", joined)


def normalize_batch(texts: Iterable[object], max_chars: int = MAX_CHARS) -> list[str]:
    """Normalise many comments at once; output has one string per input, in order.

    Each input is truncated to ``max_chars`` characters *before* normalisation, so one pasted
    essay cannot dominate a batch's cost.
    """
    # Fast path: plain strings are only sliced here; newlines inside a comment are rare, so
    # they are detected on the joined string and only then replaced comment by comment.
    cleaned = [t[:max_chars] if t.__class__ is str else _clean_input(t, max_chars) for t in texts]
    if not cleaned:
        return []
    joined = "\n".join(cleaned)
    if joined.count("\n") != len(cleaned) - 1:
        joined = "\n".join(t.replace("\n", " ") for t in cleaned)
    # NFKC never produces a newline, so splitting on "\n" after the joined pass gives back
    # exactly one string per input.
    joined = joined.replace("\r", " ").replace("\x00", "")
    out = _normalize_joined(joined).split("\n")
    out[0] = out[0].lstrip(" ")
    out[-1] = out[-1].rstrip(" ")
    return out


def normalize(text: object, max_chars: int = MAX_CHARS) -> str:
    """Normalise one comment (see the module docstring for the steps)."""
    return normalize_batch([text], max_chars)[0]


def word_tokens(normalized: str) -> list[str]:
    """Whole-word tokens of a normalised comment: Latin words, emoji, kaomoji, placeholders.

    Chinese is left to character n-grams (see features.py); kaomoji lose inner spaces so that
    one face is one token.
    """
    return [t.replace(" ", "") for t in _WORD_TOKEN.findall(normalized) if t != "\n"]
