"""Recommendation models on the tiny warehouse: top-K lists for exactly the active users, nothing already
watched, the sentiment join, the evaluation rows in fct_model_evaluations, and the Python mart's types."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml

from tests.conftest import project_dir
from tests.contracts import duckdb_type

K = 10
MODELS = {"recommender_most_popular", "recommender_item_knn", "recommender_als", "recommender_ease",
          "recommender_blend", "recommender_full", "recommender_full_no_sentiment", "recommender_als_no_sentiment"}
FAMILIES = ("popular", "knn", "als", "ease", "blend", "ltr")


def _query(paths, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_project_defaults_match_the_tests():
    project = yaml.safe_load((project_dir() / "dbt_project.yml").read_text())
    assert project["vars"]["recommendation_k"] == K


def test_one_row_per_active_user_and_rank(tiny_warehouse):
    active = {row[0] for row in _query(tiny_warehouse,
                                       "select user_id from int_recommendation_users_selected where is_active")}
    assert len(active) > 50
    lists = _query(tiny_warehouse, """
        select user_id, count(*), count(distinct rank), min(rank), max(rank), count(distinct video_id)
        from fct_recommendations group by user_id
    """)
    assert {row[0] for row in lists} == active
    assert all(row[1:] == (K, K, 1, K, K) for row in lists), [row for row in lists if row[1:] != (K, K, 1, K, K)][:3]


def test_active_means_a_view_in_the_last_days_of_data(tiny_warehouse):
    project = yaml.safe_load((project_dir() / "dbt_project.yml").read_text())
    days = project["vars"]["recommendation_active_days"]
    expected = {row[0] for row in _query(tiny_warehouse, f"""
        select distinct user_id from fct_watch_events
        where event_date > (select max(event_date) from fct_watch_events) - interval {int(days)} day
    """)}
    served = {row[0] for row in _query(tiny_warehouse, "select distinct user_id from fct_recommendations")}
    assert served == expected


def test_no_already_watched_video_is_recommended(tiny_warehouse):
    (seen,), = _query(tiny_warehouse, """
        select count(*) from fct_recommendations as recs
        inner join fct_watch_events as events on recs.user_id = events.user_id and recs.video_id = events.video_id
    """)
    assert seen == 0


def test_scores_order_each_list_and_rows_explain_themselves(tiny_warehouse):
    (misordered,), = _query(tiny_warehouse, """
        select count(*) from (
            select score < lead(score) over (partition by user_id order by rank) as worse_above
            from fct_recommendations
        ) where worse_above
    """)
    assert misordered == 0
    (versions, empty_reasons), = _query(
        tiny_warehouse, "select count(distinct model_version), count(*) filter (where reason = '') "
                        "from fct_recommendations")
    assert versions == 1 and empty_reasons == 0


def test_interactions_carry_the_users_comment_sentiment(tiny_warehouse):
    """The sentiment column is the real join: equal to the mean of fct_comment_sentiment per user x video."""
    (with_sentiment, mismatches), = _query(tiny_warehouse, """
        with expected as (
            select user_id, video_id, avg(sentiment_score) as mean_score
            from fct_comment_sentiment where video_id is not null group by user_id, video_id
        )
        select count(interactions.mean_comment_sentiment),
               count(*) filter (where abs(interactions.mean_comment_sentiment - expected.mean_score) > 1e-9
                                or (expected.mean_score is null) <> (interactions.mean_comment_sentiment is null))
        from int_user_video_interactions_aggregated as interactions
        left join expected on interactions.user_id = expected.user_id and interactions.video_id = expected.video_id
    """)
    assert with_sentiment > 0
    assert mismatches == 0


def test_interactions_one_row_per_user_and_video_with_every_view(tiny_warehouse):
    (pairs, views), = _query(tiny_warehouse,
                             "select count(*), sum(views) from int_user_video_interactions_aggregated")
    (expected_pairs, expected_views), = _query(
        tiny_warehouse, "select count(distinct (user_id, video_id)), count(*) from fct_watch_events")
    assert (pairs, views) == (expected_pairs, expected_views)


def test_evaluation_rows_in_model_evaluations(tiny_warehouse):
    rows = _query(tiny_warehouse, """
        select model_name, metric, value, model_version, evaluated_at, details from fct_model_evaluations
        where model_name like 'recommender%' and model_name not like 'recommender_candidate_%'
    """)
    assert {row[0] for row in rows} == MODELS
    metrics = {(row[0], row[1]): row[2] for row in rows}
    for model in MODELS:
        for metric in (f"precision_at_{K}", f"recall_at_{K}", f"ndcg_at_{K}", f"map_at_{K}", "catalogue_coverage"):
            assert 0.0 <= metrics[(model, metric)] <= 1.0, (model, metric)
        assert metrics[(model, "users_evaluated")] > 0
    assert metrics[("recommender_full", f"ndcg_at_{K}")] > 0
    assert metrics[("recommender_full", f"ndcg_at_{K}_gain_of_full")] == 0.0
    # every model scored on the same users, so the paired gains line up with the NDCG differences
    for model in MODELS:
        gain = metrics[("recommender_full", f"ndcg_at_{K}")] - metrics[(model, f"ndcg_at_{K}")]
        assert metrics[(model, f"ndcg_at_{K}_gain_of_full")] == pytest.approx(gain, abs=1e-9)
    assert len({row[3] for row in rows}) == len(MODELS)  # one version per model
    assert all(row[4] is not None and row[5].startswith("{") for row in rows)


def test_python_mart_types_match_its_documented_columns(tiny_warehouse):
    documented = yaml.safe_load(Path(project_dir(), "warehouse/marts/recommendations/_recommendations__models.yml")
                                .read_text())["models"][0]
    expected = {column["name"]: duckdb_type(column["data_type"]) for column in documented["columns"]}
    built = dict(_query(tiny_warehouse, "select column_name, data_type from information_schema.columns "
                                        "where table_name = 'fct_recommendations' order by ordinal_position"))
    assert built == expected


def test_the_served_family_is_the_validation_winner(tiny_warehouse):
    """int_recommender_selected records every candidate's validation score; fct_recommendations serves
    the one marked served, which is the leader unless the blend is within two paired standard errors."""
    import json

    rows = _query(tiny_warehouse, """
        select model_name, metric, value, details from fct_model_evaluations
        where model_name like 'recommender_candidate_%'
    """)
    values = {(row[0], row[1]): row[2] for row in rows}
    details = {row[0]: json.loads(row[3]) for row in rows}
    assert set(details) == {f"recommender_candidate_{family}" for family in FAMILIES}
    served = [name for name in details if values[(name, "served")] == 1.0]
    assert len(served) == 1 and all(values[(name, "served")] in (0.0, 1.0) for name in details)
    ndcg = {name: values[(name, f"validation_ndcg_at_{K}")] for name in details}
    leader = max(ndcg, key=ndcg.get)
    if served[0] != leader:
        assert served[0] == "recommender_candidate_blend"
        gain = values[(leader, f"validation_ndcg_at_{K}_gain_over_blend")]
        assert gain <= 2 * details[leader]["gain_se"] + 1e-12
    assert all(d["served_family"] == details[served[0]]["family"] for d in details.values())
    # fct_recommendations was fitted with the served family's settings: its model_version hashes them
    from models_ml.recommend.selection import served_params

    assert served_params(details[served[0]])["ranking"] == details[served[0]]["family"]
    (reasons,), = _query(tiny_warehouse, "select count(distinct reason) from fct_recommendations")
    assert reasons > 20  # sentences from the data, not a handful of templates
