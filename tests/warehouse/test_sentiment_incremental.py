"""fct_comment_sentiment is incremental: a new export day scores only the new comments.

On a private copy of the tiny instance, one day is appended and the sentiment model is rebuilt with
a *different* model (an artifact trained on half the seed). Rows scored before must come back
byte-for-byte with their old model_version; exactly the new comment_ids carry the new version.
A rescore of everything would stamp every row with the new version and fail the test. A few rows of
the first day are deleted first, standing in for late-arriving comments of an old export day: a
watermark on export_date would never score them; the anti-join on comment_id must.
"""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest

from models_ml.sentiment import CommentSentimentModel
from reelmart.simulate import SCALES, PlatformSimulator
from reelmart.warehouse import run_dbt
from tests.conftest import copy_instance, project_dir


def _scores(db_path) -> pd.DataFrame:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute("select * from fct_comment_sentiment order by comment_id").df()


def _comment_ids(db_path) -> set[int]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return {row[0] for row in con.execute("select comment_id from fct_comments").fetchall()}


@pytest.fixture(scope="module")
def appended(tiny_warehouse, tmp_path_factory):
    """A copy of the tiny instance with one more export day, rebuilt up to fct_comment_sentiment
    with an artifact model; returns (paths, scores before, artifact version)."""
    paths = copy_instance(tiny_warehouse, tmp_path_factory.mktemp("sentiment-incremental"))
    with duckdb.connect(str(paths.build_db)) as con:
        con.execute("""delete from fct_comment_sentiment where comment_id in (
            select comment_id from fct_comment_sentiment
            where comment_date = (select min(comment_date) from fct_comment_sentiment)
            order by comment_id limit 5)""")
    before = _scores(paths.build_db)

    seed = pd.read_csv(project_dir() / "seeds" / "comment_sentiment_labels.csv", dtype=str, keep_default_na=False)
    half = seed.iloc[::2]
    artifact = paths.data_dir / "artifact"
    model = CommentSentimentModel(random_state=0).fit(half["text"].tolist(), half["label"].tolist())
    model.save(artifact)

    PlatformSimulator(SCALES["tiny"], paths.data_dir, seed=11, progress=False).append_days(1)
    run_dbt(["run", "--select", "+fct_comment_sentiment",
             "--vars", json.dumps({"sentiment_model_path": str(artifact)})], paths, quiet=True)
    return paths, before, model.version_


def test_previously_scored_rows_are_unchanged(appended):
    paths, before, _ = appended
    after = _scores(paths.build_db)
    kept = after[after["comment_id"].isin(before["comment_id"])].reset_index(drop=True)
    assert len(kept) == len(before)
    pd.testing.assert_frame_equal(kept, before, check_exact=True)


def test_only_new_comments_were_scored_by_the_new_model(appended):
    paths, before, artifact_version = appended
    after = _scores(paths.build_db)
    assert artifact_version not in set(before["model_version"])
    new_ids = _comment_ids(paths.build_db) - set(before["comment_id"])
    assert len(new_ids) > 10
    late = after[after["comment_date"] == after["comment_date"].min()]
    assert (late["model_version"] == artifact_version).sum() == 5  # the old day's unscored comments
    assert set(after["comment_id"]) == set(before["comment_id"]) | new_ids
    assert after["comment_id"].is_unique
    rescored = after[after["model_version"] == artifact_version]
    assert set(rescored["comment_id"]) == new_ids
    fresh = after[after["comment_id"].isin(new_ids)]
    assert (fresh[["p_negative", "p_neutral", "p_positive"]].sum(axis=1) - 1).abs().max() < 1e-9
    with duckdb.connect(str(paths.build_db), read_only=True) as con:
        new_days = con.execute("select count(distinct comment_date) from fct_comment_sentiment "
                               "where model_version = ?", [artifact_version]).fetchall()[0][0]
    assert new_days >= 1
