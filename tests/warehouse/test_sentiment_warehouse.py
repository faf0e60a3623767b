"""Comment sentiment in the warehouse, on the session's tiny build: fct_comment_sentiment, the daily
marts, dim_users' sentiment columns and the model's evaluation rows."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest
import yaml
from sklearn.metrics import f1_score

from tests.conftest import project_dir
from tests.contracts import duckdb_type

CATEGORIES = yaml.safe_load((project_dir() / "dbt_project.yml").read_text())["vars"]["categories"]
DAILY_MARTS = ["fct_sentiment_daily", "fct_video_sentiment_daily", "fct_creator_sentiment_daily",
               "fct_campaign_sentiment_daily"]


def _df(tiny_warehouse, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        return con.execute(sql).df()


def test_one_row_per_clean_comment(tiny_warehouse):
    scored = _df(tiny_warehouse, "select comment_id from fct_comment_sentiment")
    comments = _df(tiny_warehouse, "select comment_id from fct_comments")
    assert len(scored) > 100
    assert scored["comment_id"].is_unique
    assert set(scored["comment_id"]) == set(comments["comment_id"])


def test_types_match_the_documented_columns(tiny_warehouse):
    """dbt cannot enforce a contract on a Python model; this is that check."""
    spec = yaml.safe_load((project_dir() / "warehouse/marts/sentiment/_sentiment__models.yml").read_text())
    documented = next(m for m in spec["models"] if m["name"] == "fct_comment_sentiment")["columns"]
    built = _df(tiny_warehouse, "select column_name, data_type from information_schema.columns "
                                "where table_name = 'fct_comment_sentiment' order by ordinal_position")
    assert [(c["name"], duckdb_type(c["data_type"])) for c in documented] == list(
        built.itertuples(index=False, name=None))


def test_probabilities_are_calibrated_shares(tiny_warehouse):
    rows = _df(tiny_warehouse, "select * from fct_comment_sentiment")
    probabilities = rows[["p_negative", "p_neutral", "p_positive"]]
    assert ((probabilities >= 0) & (probabilities <= 1)).all().all()
    assert (probabilities.sum(axis=1) - 1).abs().max() < 1e-9
    assert (rows["sentiment_score"] - (rows["p_positive"] - rows["p_negative"])).abs().max() < 1e-12
    assert set(rows["sentiment_label"]) == {"negative", "neutral", "positive"}
    # the label is the most probable class, except inside the neutral band
    confident = rows[(rows["p_positive"] - rows["p_negative"]).abs() >= 0.05]
    argmax = probabilities.loc[confident.index].idxmax(axis=1).str.removeprefix("p_")
    assert (argmax == confident["sentiment_label"]).all()
    assert rows["model_version"].nunique() == 1 and rows["model_version"].iloc[0].startswith("v4-")
    assert (rows["top_terms"].str.len() > 0).mean() > 0.9


def test_labels_agree_with_the_planted_labels(tiny_warehouse):
    planted = pd.read_parquet(tiny_warehouse.ground_truth / "comment_labels.parquet")
    scored = _df(tiny_warehouse, "select comment_id, sentiment_label from fct_comment_sentiment")
    joined = scored.merge(planted, on="comment_id", how="inner")
    assert len(joined) == len(scored)
    macro_f1 = f1_score(joined["planted_label"], joined["sentiment_label"], average="macro")
    # Chance is ~0.33. The simulator draws comments from the seed phrasing the model trains on, so
    # this is optimistic (see docs/sentiment.md for out-of-template quality); 0.9 catches a broken join,
    # shuffled labels or swapped probability columns.
    assert macro_f1 >= 0.9, macro_f1


def test_daily_marts_reconcile_with_the_scores(tiny_warehouse):
    totals = _df(tiny_warehouse, """
        select count(*) as comments,
               count(*) filter (where sentiment_label = 'positive') as positive_comments,
               count(*) filter (where sentiment_label = 'neutral') as neutral_comments,
               count(*) filter (where sentiment_label = 'negative') as negative_comments,
               sum(cast(sentiment_score as decimal(18, 6))) as sentiment_score_sum,
               count(*) filter (where video_id is not null) as video_comments
        from fct_comment_sentiment""").iloc[0]
    parts = ["comments", "positive_comments", "neutral_comments", "negative_comments", "sentiment_score_sum"]
    sums = "select " + ", ".join(f"sum({p}) as {p}" for p in parts) + " from {}"
    for mart in DAILY_MARTS:
        got = _df(tiny_warehouse, sums.format(mart)).iloc[0]
        assert (got["positive_comments"] + got["neutral_comments"] + got["negative_comments"]) == got["comments"]
    platform = _df(tiny_warehouse, sums.format("fct_sentiment_daily")).iloc[0]
    assert [platform[p] for p in parts] == pytest.approx([totals[p] for p in parts])  # DECIMAL read as float
    videos = _df(tiny_warehouse, sums.format("fct_video_sentiment_daily")).iloc[0]
    ads = _df(tiny_warehouse, sums.format("fct_campaign_sentiment_daily")).iloc[0]
    assert videos["comments"] == totals["video_comments"]
    assert videos["comments"] + ads["comments"] == totals["comments"]
    assert videos["sentiment_score_sum"] + ads["sentiment_score_sum"] == pytest.approx(totals["sentiment_score_sum"])
    creators = _df(tiny_warehouse, sums.format("fct_creator_sentiment_daily")).iloc[0]
    assert creators["comments"] == videos["comments"]  # every tiny video has a valid creator
    mapped = _df(tiny_warehouse, "select count(*) filter (where campaign_id is null) as unmapped, count(*) as n "
                                 "from fct_campaign_sentiment_daily").iloc[0]
    assert mapped["n"] > 0 and mapped["unmapped"] == 0


def test_dim_users_carries_each_users_sentiment(tiny_warehouse):
    users = _df(tiny_warehouse, "select * from dim_users").set_index("user_id")
    expected = _df(tiny_warehouse, """
        select scores.user_id, videos.category, scores.sentiment_label,
               cast(scores.sentiment_score as decimal(18, 6)) as score
        from fct_comment_sentiment as scores left join dim_videos as videos on scores.video_id = videos.video_id""")
    expected["score"] = expected["score"].astype(float)
    for column in ["positive_comments", "neutral_comments", "negative_comments", "sentiment_score_mean",
                   *(f"sentiment_{c}" for c in CATEGORIES)]:
        assert column in users.columns, column
    labels = expected.pivot_table(index="user_id", columns="sentiment_label", values="score", aggfunc="size",
                                  fill_value=0).reindex(users.index, fill_value=0)
    for label in ("positive", "neutral", "negative"):
        assert (users[f"{label}_comments"] == labels[label]).all(), label
    assert (users["positive_comments"] + users["neutral_comments"] + users["negative_comments"]
            == users["comments"]).all()
    mean = expected.groupby("user_id")["score"].mean().reindex(users.index)
    assert (users["sentiment_score_mean"].isna() == mean.isna()).all()
    assert (users["sentiment_score_mean"] - mean).abs().max() < 1e-9
    by_category = expected.dropna(subset=["category"]).pivot_table(
        index="user_id", columns="category", values="score", aggfunc="mean").reindex(users.index)
    checked = 0
    for category in CATEGORIES:
        got = users[f"sentiment_{category}"]
        want = by_category[category] if category in by_category.columns else pd.Series(float("nan"), users.index)
        assert (got.isna() == want.isna()).all(), category
        assert ((got - want).abs().fillna(0) < 1e-9).all(), category
        checked += int(got.notna().sum())
    assert checked > 50
    assert users["sentiment_score_mean"].dropna().between(-1, 1).all()


def test_evaluation_rows_describe_the_scoring_model(tiny_warehouse):
    rows = _df(tiny_warehouse, "select * from fct_model_evaluations where model_name = 'comment_sentiment'")
    version = _df(tiny_warehouse, "select distinct model_version from fct_comment_sentiment")["model_version"]
    assert list(version) == list(rows["model_version"].unique())
    metrics = dict(zip(rows["metric"], rows["value"], strict=True))
    assert {"accuracy", "macro_f1", "log_loss"} <= set(metrics)
    for label in ("negative", "neutral", "positive"):
        assert 0.5 < metrics[f"precision_{label}"] <= 1 and 0.5 < metrics[f"recall_{label}"] <= 1
    assert 0.9 < metrics["macro_f1"] <= 1 and 0.9 < metrics["accuracy"] <= 1
    details = json.loads(rows.loc[rows["metric"] == "macro_f1", "details"].iloc[0])
    matrix = details["confusion_matrix"]
    assert details["classes"] == ["negative", "neutral", "positive"] and details["cv"] == 5
    assert sum(map(sum, matrix)) == details["n"] == 3612
    recall_negative = matrix[0][0] / sum(matrix[0])
    assert recall_negative == pytest.approx(metrics["recall_negative"])
    last_comment = _df(tiny_warehouse, "select max(commented_at) as t from fct_comments")["t"].iloc[0]
    assert (rows["evaluated_at"] == last_comment).all()
