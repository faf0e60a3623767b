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


# ---- creator studio (issue 17, text): planted title terms and hashtags with a known lift ------------
# (zh, en) surfaces of one term: a video's title carries the surface of its language.
TITLE_TERMS = [("开箱", "unboxing"), ("教程", "tutorial"), ("测评", "review"), ("干货", "tips"),
               ("揭秘", "secrets"), ("治愈", "relaxing"), ("新手", "beginner"), ("爆笑", "hilarious"),
               ("宝藏", "treasure"), ("避坑", "mistakes"), ("平价", "budget"), ("翻车", "fail")]
HASHTAG_TERMS = ["#howto", "#好物推荐", "#lifehack", "#干货分享", "#stitch", "#每日打卡", "#duet", "#涨知识"]
TERMS_LIFTED, TERMS_CONTROL = 2, 1  # title terms per category: with a lift, and planted with none
HASHTAGS_LIFTED, HASHTAGS_CONTROL = 1, 1
TERM_VIDEO_SHARE = 0.2  # each planted term or hashtag is on this share of its category's videos
TERM_LIFT_RANGE = (0.5, 0.9)  # added to the video's quality (logit scale of the viewer's enjoyment)


def plan_title_terms(rng: np.random.Generator, video_category: np.ndarray) -> dict:
    """Per category, which terms and hashtags are planted, their lift, and which videos carry them.

    Returns {"items": [dict(category, kind, zh, en | tag, lift)], "videos": bool array (n_videos, n_items),
    "quality_shift": per-video sum of the lifts of the items it carries}."""
    items = []
    for c, category in enumerate(CATEGORIES):
        terms = rng.choice(len(TITLE_TERMS), size=TERMS_LIFTED + TERMS_CONTROL, replace=False)
        for i, t in enumerate(terms):
            lift = float(rng.uniform(*TERM_LIFT_RANGE)) if i < TERMS_LIFTED else 0.0
            items.append({"category": category, "category_index": c, "kind": "title_term",
                          "zh": TITLE_TERMS[t][0], "en": TITLE_TERMS[t][1], "lift": round(lift, 4)})
        tags = rng.choice(len(HASHTAG_TERMS), size=HASHTAGS_LIFTED + HASHTAGS_CONTROL, replace=False)
        for i, t in enumerate(tags):
            lift = float(rng.uniform(*TERM_LIFT_RANGE)) if i < HASHTAGS_LIFTED else 0.0
            items.append({"category": category, "category_index": c, "kind": "hashtag",
                          "tag": HASHTAG_TERMS[t], "lift": round(lift, 4)})
    category_of_item = np.array([item["category_index"] for item in items])
    carries = (video_category[:, None] == category_of_item[None, :]) & (
        rng.random((len(video_category), len(items))) < TERM_VIDEO_SHARE)
    lifts = np.array([item["lift"] for item in items])
    return {"items": items, "videos": carries, "quality_shift": carries.astype(float) @ lifts}


def add_planted_terms(plan: dict, titles: np.ndarray, tags: np.ndarray, languages: np.ndarray) -> tuple:
    """Titles with the planted terms of their video in front (in the title's language), hashtags with
    the planted tags appended."""
    titles, tags = titles.copy(), tags.copy()
    for v in np.flatnonzero(plan["videos"].any(axis=1)):
        items = [plan["items"][i] for i in np.flatnonzero(plan["videos"][v])]
        words = [item["zh"] if languages[v] == "zh" else item["en"] for item in items if item["kind"] == "title_term"]
        if words:
            titles[v] = ("｜".join(words) + "｜" + titles[v] if languages[v] == "zh"
                         else " ".join(w.title() for w in words) + ": " + titles[v])
        extra = [item["tag"] for item in items if item["kind"] == "hashtag"]
        if extra:
            tags[v] = (tags[v] + " " + " ".join(extra)).strip()
    return titles, tags
