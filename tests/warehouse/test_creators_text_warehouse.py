"""Creator-text marts (issue 17) on the session's tiny warehouse: the Python marts' columns and types against
their YAML (dbt cannot enforce contracts on Python models), the wrappers against the models_ml functions run
on the intermediate model, and the additive counts against the videos."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pytest
import yaml

from models_ml.creators.text import category_term_effects, term_config, term_cooccurrence, video_terms
from tests.contracts import duckdb_type

ROOT = Path(__file__).resolve().parents[2]
MARTS_YML = ROOT / "warehouse" / "marts" / "creators" / "_creators__text.yml"


@pytest.fixture(scope="module")
def built(tiny_warehouse):
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        videos = con.execute("select * from int_video_text_engagement").df()
        terms = con.execute("select * from fct_category_terms").df()
        pairs = con.execute("select * from fct_term_cooccurrence").df()
        types = {name: dict(con.execute("select column_name, data_type from information_schema.columns "
                                        "where table_name = ? order by ordinal_position", [name]).fetchall())
                 for name in ("fct_category_terms", "fct_term_cooccurrence", "rpt_creator_title_suggestions",
                              "rpt_category_script_outline")}
        suggestions = con.execute("select * from rpt_creator_title_suggestions").df()
    settings = yaml.safe_load((ROOT / "dbt_project.yml").read_text())["vars"]["creator_text"]
    return videos, terms, pairs, types, term_config(settings), suggestions


def test_python_marts_have_the_documented_columns_and_types(built):
    types = built[3]
    documented = {m["name"]: m["columns"] for m in yaml.safe_load(MARTS_YML.read_text())["models"]}
    for name, got in types.items():
        expected = {c["name"]: duckdb_type(c["data_type"]) for c in documented[name]}
        assert got == expected, name


def test_term_table_is_the_model_run_on_the_intermediate_videos(built):
    videos, terms, _, _, config, _ = built
    assert len(terms) > 0  # the tiny platform has enough videos per category for some terms
    expected = category_term_effects(videos, config)
    got = terms.sort_values(["category", "rank_in_category"], ignore_index=True)
    expected = expected.sort_values(["category", "rank_in_category"], ignore_index=True)
    assert got[["category", "term", "term_type", "videos_with"]].equals(
        expected[["category", "term", "term_type", "videos_with"]].astype(got[["category", "term", "term_type",
                                                                               "videos_with"]].dtypes))
    np.testing.assert_allclose(got["engagement_lift"], expected["engagement_lift"].astype(float), atol=1e-9)
    # counts: views with + without a term are the category's eligible views
    eligible = videos[(videos["views"] >= config.min_views) & (videos["duration_seconds"] > 0)]
    per_category = eligible.groupby("category")["views"].sum()
    np.testing.assert_array_equal(got["views_with"] + got["views_without"], got["category"].map(per_category))
    assert (got.groupby("category")["prior_sd"].nunique() == 1).all()
    assert (got["engagement_lift_lower"] <= got["engagement_lift_upper"]).all()


def test_cooccurrence_counts_match_the_videos(built):
    videos, _, pairs, _, config, _ = built
    expected = term_cooccurrence(videos, config)
    assert len(pairs) == len(expected)
    terms = video_terms(videos).merge(videos[["video_id", "category"]], on="video_id")
    for row in pairs.head(20).itertuples():
        sets = terms[terms["category"] == row.category].groupby("video_id")["term"].agg(set)
        assert row.videos_both == sum({row.term_a, row.term_b} <= s for s in sets)
        assert row.category_videos == (videos["category"] == row.category).sum()
    assert all(a < b for a, b in zip(pairs["term_a"], pairs["term_b"], strict=True))
    assert not pairs.duplicated(["category", "term_a", "term_b"]).any()


def test_planted_terms_reach_the_titles_in_their_language(tiny_warehouse, built):
    """The simulator's planted items are in the export: each title term in the title's language."""
    videos = built[0]
    items = json.loads((tiny_warehouse.ground_truth / "truth.json").read_text())["title_terms"]["items"]
    assert {i["category"] for i in items} == set(videos["category"])
    lifted = [i for i in items if i["true_quality_lift"] > 0]
    assert lifted and all(i["true_quality_lift"] > 0 for i in lifted)
    found = 0
    for item in (i for i in items if i["kind"] == "title_term"):
        zh, en = item["surfaces"]
        part = videos[videos["category"] == item["category"]]
        with_zh = part["title"].str.contains(zh, regex=False) & (part["language"] == "zh")
        with_en = part["title"].str.lower().str.contains(en, regex=False) & (part["language"] == "en")
        found += int(with_zh.sum() + with_en.sum())
        assert not (part["title"].str.contains(zh, regex=False) & (part["language"] == "en")).any()
    assert found > 0


def test_suggestions_add_lifted_terms_to_the_creators_latest_title(built):
    videos, terms, _, _, _, suggestions = built
    latest = videos.sort_values(["published_at", "video_id"]).groupby("creator_id").tail(1).set_index("creator_id")
    lifted = terms[terms["engagement_lift_lower"] > 0].groupby("category")["term"].agg(set)
    for row in suggestions.itertuples():
        assert row.base_title == latest.loc[row.creator_id, "title"]
        assert row.base_title in row.title and row.predicted_gain > 0
        assert set(row.added_terms.split()) <= lifted[row.category]
        assert all(f"{term}: lift" in row.evidence for term in row.added_terms.split())


@pytest.mark.slow
def test_planted_terms_recovered_on_a_held_out_seed(warehouse_20k):
    """Seed 23 at 20k was never used while choosing the method (seed 7 was). Measured 0.60 [0.46, 0.73]
    precision@k there, against 0.15 for a list of the most used terms (docs/creator-studio.md); the bar
    leaves room for platform noise, not for a method that ranks by popularity."""
    from models_ml.creators.text import score_planted_terms

    paths = warehouse_20k(23)  # built up to fct_category_terms, with its seeds (SELECT_20K)
    planted = json.loads((paths.ground_truth / "truth.json").read_text())["title_terms"]["items"]
    with duckdb.connect(str(paths.build_db), read_only=True) as con:
        table = con.execute("select * from fct_category_terms").df()
    score = score_planted_terms(table, planted)
    popular = score_planted_terms(table.assign(by_use=-table["videos_with"]), planted, order="by_use")
    print(score, popular)
    assert score["precision_at_k"] >= 0.45 and score["precision_at_k"] > popular["precision_at_k"] + 0.2
    assert score["controls_in_top_k"] <= 3
