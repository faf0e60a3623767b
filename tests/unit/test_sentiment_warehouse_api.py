"""The models_ml.sentiment functions behind the warehouse's Python models: score_comments (rows of
fct_comment_sentiment), evaluation_rows / model_evaluation (rows of fct_model_evaluations)."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from models_ml.sentiment import (
    COMMENT_SENTIMENT_COLUMNS,
    EVALUATION_COLUMNS,
    CommentSentimentModel,
    evaluation_rows,
    model_evaluation,
    score_comments,
)

TEXTS = ["太好看了😍", "绝绝子 爱了", "love it 🔥", "so good", "真难看 🙄", "垃圾 下头", "waste of money", "mid 👎",
         "几号色？", "在哪买", "what song is this", "link?"] * 4
LABELS = (["positive"] * 4 + ["negative"] * 4 + ["neutral"] * 4) * 4


@pytest.fixture(scope="module")
def model() -> CommentSentimentModel:
    return CommentSentimentModel(random_state=0, calibration_cv=3).fit(TEXTS, LABELS)


def _comments(texts: list[str]) -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame({"comment_id": range(1, n + 1), "user_id": [7] * n, "video_id": [10] * n,
                         "ad_id": [None] * n, "comment_date": [date(2026, 10, 1)] * n, "comment_text": texts,
                         "export_date": [date(2026, 10, 1)] * n})


def test_score_comments_has_the_mart_columns_and_the_version(model):
    scored = score_comments(model, _comments(["爱了爱了😍", "真难看", "<b>?</b>", ""]), top_n=2)
    assert list(scored.columns) == COMMENT_SENTIMENT_COLUMNS
    assert (scored["model_version"] == model.version_).all()
    assert list(scored["comment_id"]) == [1, 2, 3, 4]
    assert scored.loc[0, "sentiment_label"] == "positive" and scored.loc[1, "sentiment_label"] == "negative"
    assert (scored[["p_negative", "p_neutral", "p_positive"]].sum(axis=1) - 1).abs().max() < 1e-9
    assert scored.loc[3, "top_terms"] == ""  # empty text: priors and no explanation, not an error


def test_score_comments_on_nothing_needs_no_model():
    empty = score_comments(None, _comments([]))
    assert list(empty.columns) == COMMENT_SENTIMENT_COLUMNS and len(empty) == 0
    with pytest.raises(ValueError):
        score_comments(None, _comments(["hi"]))
    with pytest.raises(KeyError):
        score_comments(None, _comments(["hi"]).drop(columns="comment_date"))


def test_evaluation_rows_are_long_and_carry_the_matrix():
    evaluation = {"n": 10, "cv": 5, "classes": ["negative", "positive"], "accuracy": 0.9, "accuracy_std": 0.01,
                  "macro_f1": 0.88, "macro_f1_std": 0.02, "log_loss": 0.3, "params": {"C": 3.0},
                  "confusion_matrix": [[4, 1], [0, 5]],
                  "per_class": {"negative": {"precision": 1.0, "recall": 0.8, "f1": 0.89, "support": 5},
                                "positive": {"precision": 0.83, "recall": 1.0, "f1": 0.91, "support": 5}}}
    rows = evaluation_rows(evaluation, "v1-abc", pd.Timestamp("2026-10-30 12:00"), "test")
    assert list(rows.columns) == EVALUATION_COLUMNS
    assert rows["metric"].is_unique and len(rows) == 3 + 2 * 3
    values = dict(zip(rows["metric"], rows["value"], strict=True))
    assert values["recall_negative"] == 0.8 and values["macro_f1"] == 0.88
    for details in map(json.loads, rows["details"]):
        assert details["confusion_matrix"] == [[4, 1], [0, 5]] and details["source"] == "test"
    macro = json.loads(rows.loc[rows["metric"] == "macro_f1", "details"].iloc[0])
    assert macro["std"] == 0.02


def test_model_evaluation_of_an_artifact_without_evaluation_json(model, tmp_path):
    artifact = model.save(tmp_path / "artifact")
    labels = pd.DataFrame({"text": TEXTS, "label": LABELS})
    as_of = pd.Timestamp("2026-10-30")
    rows = model_evaluation(str(artifact), labels, as_of)
    assert set(rows["model_version"]) == {model.version_}
    created = pd.Timestamp(json.loads((artifact / "metadata.json").read_text())["created_at"]).tz_convert(None)
    assert (rows["evaluated_at"] == created).all()  # fixed by the artifact, not the build's clock
    details = json.loads(rows["details"].iloc[0])
    assert "not cross-validated" in details["source"] and details["n"] == len(TEXTS)
    (artifact / "evaluation.json").write_text(json.dumps({
        "n": 3, "cv": 3, "classes": ["negative", "positive"], "accuracy": 0.5, "macro_f1": 0.4,
        "confusion_matrix": [[1, 0], [1, 1]], "per_class": {}, "labels_file": "mine.csv"}))
    saved = model_evaluation(str(artifact), labels, as_of)
    assert dict(zip(saved["metric"], saved["value"], strict=True))["macro_f1"] == 0.4
    assert "mine.csv" in json.loads(saved["details"].iloc[0])["source"]


def test_model_evaluation_without_artifact_cross_validates_the_same_model():
    labels = pd.DataFrame({"text": TEXTS, "label": LABELS})
    rows = model_evaluation(None, labels, pd.Timestamp("2026-10-30"), cv=3)
    trained = CommentSentimentModel(random_state=0).fit(TEXTS, LABELS)
    assert set(rows["model_version"]) == {trained.version_}  # the version fct_comment_sentiment stamps
    details = json.loads(rows["details"].iloc[0])
    assert details["cv"] == 3 and sum(map(sum, details["confusion_matrix"])) == len(TEXTS)
    assert (rows["evaluated_at"] == pd.Timestamp("2026-10-30")).all()


def test_fits_in_parallel_threads_are_reproducible():
    """dbt runs Python models in threads; liblinear's global RNG made parallel fits differ (~1e-6)."""
    import threading

    texts, labels = TEXTS * 5, LABELS * 5  # enough rows that a fit takes long enough to overlap
    reference = CommentSentimentModel(random_state=0).fit(texts, labels).predict_proba(TEXTS)
    results: dict[int, object] = {}

    def fit(key: int) -> None:
        results[key] = CommentSentimentModel(random_state=0).fit(texts, labels).predict_proba(TEXTS)

    threads = [threading.Thread(target=fit, args=(k,)) for k in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for proba in results.values():
        assert (proba == reference).all()
