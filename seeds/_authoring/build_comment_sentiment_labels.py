"""Rebuild seeds/comment_sentiment_labels.csv from the hand-written phrase banks.

Why a script: the labeled set is synthetic (written for Reelmart, not copied from any dataset),
and committing the generator makes it reproducible and reviewable. Every (language, label,
category) cell gets a fixed quota so the platform simulator can sample phrasing from any cell.

    .venv/bin/python seeds/_authoring/build_comment_sentiment_labels.py
"""

from __future__ import annotations

import csv
import random
import re
import sys
from pathlib import Path

from opencc import OpenCC

sys.path.insert(0, str(Path(__file__).resolve().parent))
from phrase_banks import (  # noqa: E402
    CATEGORIES,
    EMOJI,
    GENERIC,
    HASHTAGS,
    ITEMS,
    KAOMOJI,
    MENTION_LEAD,
    MENTIONS,
    MIXED,
    PHRASES,
    SHORT,
    SUFFIX,
    URL_LINES,
)

OUT = Path(__file__).resolve().parents[1] / "comment_sentiment_labels.csv"
SEED = 20261125
# Rows per (language, label) summed over the 12 categories: 1800 zh, 1440 en, 360 mixed;
# labels 40% negative, 25% neutral, 35% positive.
QUOTA = {
    ("zh", "negative"): 60, ("zh", "neutral"): 38, ("zh", "positive"): 53,
    ("en", "negative"): 48, ("en", "neutral"): 30, ("en", "positive"): 42,
    ("mixed", "negative"): 12, ("mixed", "neutral"): 8, ("mixed", "positive"): 10,
}
TRADITIONAL_SHARE = 0.15  # zh rows written in traditional characters (Taiwan / Hong Kong viewers)

_S2T = OpenCC("s2t")


def timestamp(rng: random.Random) -> str:
    return f"{rng.randint(0, 3)}:{rng.randint(0, 59):02d}"


def elongate(text: str, lang: str, rng: random.Random) -> str:
    """Stretch one word the way people type when excited or annoyed (sooooo, 哈哈哈哈哈哈)."""
    if lang == "en":
        patterns = [(r"\bso\b", "s" + "o" * rng.randint(3, 7)), (r"\bgood\b", "g" + "o" * rng.randint(3, 6) + "d"),
                    (r"\blove\b", "l" + "o" * rng.randint(3, 6) + "ve"), (r"\byes+\b", "ye" + "s" * rng.randint(4, 8)),
                    (r"\bomg\b", "omg" + "g" * rng.randint(2, 5)), (r"\bmid\b", "miiii" + "d"), (r"!+", "!" * rng.randint(4, 8))]
    else:
        patterns = [(r"哈+", "哈" * rng.randint(5, 12)), (r"啊+", "啊" * rng.randint(4, 8)), (r"6+", "6" * rng.randint(4, 9)),
                    (r"！+", "！" * rng.randint(3, 6)), (r"？+", "？" * rng.randint(3, 5))]
    rng.shuffle(patterns)
    for pattern, repl in patterns:
        if re.search(pattern, text):
            return re.sub(pattern, repl, text, count=1)
    return text


def base_text(lang: str, label: str, category: str, rng: random.Random) -> str:
    roll = rng.random()
    if lang == "mixed":
        template = rng.choice(MIXED[label])
        item = rng.choice(ITEMS[category]["zh"])
    elif roll < 0.45:
        return rng.choice(PHRASES[category][lang][label]).replace("{ts}", timestamp(rng))
    elif roll < 0.52:
        return rng.choice(SHORT[lang][label])
    else:
        template = rng.choice(GENERIC[lang][label])
        item = rng.choice(ITEMS[category][lang])
    return template.replace("{item}", item).replace("{ts}", timestamp(rng))


def decorate(text: str, lang: str, label: str, category: str, rng: random.Random) -> str:
    script = "en" if lang == "en" else "zh"
    if rng.random() < 0.15:
        text = elongate(text, script, rng)
    if rng.random() < 0.18:
        sep = "" if script == "zh" else " "
        text = text + sep + rng.choice(SUFFIX[script][label])
    if rng.random() < 0.38:
        text = text + " " + rng.choice(EMOJI[label]) * rng.choice([1, 1, 1, 2, 3])
    elif rng.random() < 0.08:
        text = text + " " + rng.choice(KAOMOJI[label])
    if rng.random() < 0.09:
        lead = rng.choice(MENTION_LEAD[script][label]).format(m=rng.choice(MENTIONS[script]))
        text = lead + " " + text
    if rng.random() < 0.10:
        tags = rng.sample(HASHTAGS[category][script], k=rng.choice([1, 1, 2]))
        text = text + " " + " ".join(tags)
    if label in URL_LINES[script] and rng.random() < 0.05:
        text = text + " " + rng.choice(URL_LINES[script][label])
    if script == "en" and rng.random() < 0.3:
        text = text[:1].upper() + text[1:]
    if lang == "zh" and rng.random() < TRADITIONAL_SHARE:
        text = _S2T.convert(text)
    return text


def build(seed: int = SEED) -> list[dict[str, str]]:
    """All rows, deduplicated on exact text, in a shuffled but seed-fixed order."""
    rng = random.Random(seed)
    seen: set[str] = set()
    rows: list[dict[str, str]] = []
    for (lang, label), quota in QUOTA.items():
        for category in CATEGORIES:
            made, attempts = 0, 0
            while made < quota:
                attempts += 1
                if attempts > quota * 200:
                    raise RuntimeError(f"phrase bank too small for {lang}/{label}/{category}")
                text = decorate(base_text(lang, label, category, rng), lang, label, category, rng).strip()
                if text in seen:
                    continue
                seen.add(text)
                rows.append({"text": text, "label": label, "language": lang, "category": category})
                made += 1
    rng.shuffle(rows)
    for i, row in enumerate(rows, start=1):
        row["comment_id"] = f"c{i:05d}"
    return rows


def main() -> None:
    rows = build()
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["comment_id", "text", "label", "language", "category"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT}")


if __name__ == "__main__":
    main()
