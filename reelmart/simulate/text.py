"""Comment and title text for the simulator.

Comments are drawn from the labeled seed set (seeds/comment_sentiment_labels.csv) by language,
sentiment and video category, so that the demo reads like a real platform and the sentiment model
meets the phrasing it was trained on. Titles come from small per-category phrase banks.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from reelmart.simulate.config import CATEGORIES

LABELS = ("negative", "neutral", "positive")
SEED_LABELS_PATH = Path(__file__).resolve().parents[2] / "seeds" / "comment_sentiment_labels.csv"

CATEGORY_ZH = {
    "beauty": "美妆", "gaming": "游戏", "food": "美食", "travel": "旅行", "music": "音乐",
    "dance": "舞蹈", "comedy": "搞笑", "sports": "运动", "tech": "数码", "pets": "萌宠",
    "fashion": "穿搭", "education": "知识",
}
TITLE_ZH = ["{c}日常分享", "一分钟学会{c}技巧", "今天的{c}vlog", "{c}合集｜第{n}期", "这个{c}绝了！", "挑战{n}天{c}"]
TITLE_EN = ["My {c} routine", "{c} hack you need", "Day {n} of {c}", "Rating {c} trends", "POV: {c} gone right",
            "{c} in 60 seconds"]
EMOJI = {"positive": ["😍", "👍", "🔥", "❤️", "😂"], "neutral": ["🤔", "👀", ""], "negative": ["😡", "👎", "🙄", "💔"]}


class CommentBank:
    """Seed comments indexed by (language, label, category) for vectorised sampling."""

    def __init__(self, path: Path = SEED_LABELS_PATH):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        missing = {"text", "label", "language", "category"} - set(frame.columns)
        if missing:
            raise ValueError(f"{path}: missing columns {sorted(missing)}")
        frame = frame[frame["text"].str.strip() != ""]
        self._texts: dict[tuple[str, str, str], np.ndarray] = {}
        for (language, label, category), group in frame.groupby(["language", "label", "category"]):
            self._texts[(language, label, category)] = group["text"].to_numpy(dtype=object)
        self._by_language_label = {
            key: frame.loc[(frame["language"] == key[0]) & (frame["label"] == key[1]), "text"].to_numpy(dtype=object)
            for key in {(lang, lab) for lang, lab, _ in self._texts}
        }

    def sample(self, rng: np.random.Generator, languages: np.ndarray, labels: np.ndarray,
               categories: np.ndarray) -> np.ndarray:
        """One comment text per row; an emoji is appended to a fifth of them for variety."""
        out = np.empty(len(labels), dtype=object)
        keys = pd.DataFrame({"lang": languages, "label": labels, "cat": categories})
        for (language, label, category), index in keys.groupby(["lang", "label", "cat"]).indices.items():
            pool = self._texts.get((language, label, category))
            if pool is None or len(pool) == 0:
                pool = self._by_language_label.get((language, label))
            if pool is None or len(pool) == 0:
                pool = self._by_language_label.get(("en", label), np.array(["ok"], dtype=object))
            out[index] = pool[rng.integers(0, len(pool), size=len(index))]
        decorate = rng.random(len(out)) < 0.2
        for label in LABELS:
            rows = np.flatnonzero(decorate & (labels == label))
            if len(rows):
                emoji = np.array(EMOJI[label], dtype=object)[rng.integers(0, len(EMOJI[label]), len(rows))]
                out[rows] = out[rows] + emoji
        return out


def video_titles(rng: np.random.Generator, categories: np.ndarray, languages: np.ndarray) -> np.ndarray:
    """A short title per video in its creator's language."""
    numbers = rng.integers(1, 100, size=len(categories))
    zh_pick = rng.integers(0, len(TITLE_ZH), size=len(categories))
    en_pick = rng.integers(0, len(TITLE_EN), size=len(categories))
    return np.array([
        TITLE_ZH[z].format(c=CATEGORY_ZH[c], n=n) if lang == "zh" else TITLE_EN[e].format(c=c.title(), n=n)
        for c, lang, n, z, e in zip(categories, languages, numbers, zh_pick, en_pick, strict=True)
    ], dtype=object)


def hashtags(categories: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    extra = np.array(["#fyp", "#viral", "#daily", "#推荐", "#上热门", ""], dtype=object)
    picks = extra[rng.integers(0, len(extra), size=len(categories))]
    return np.array([f"#{c} #{CATEGORY_ZH[c]} {p}".strip() for c, p in zip(categories, picks, strict=True)],
                    dtype=object)


assert set(CATEGORY_ZH) == set(CATEGORIES)
