"""Creator studio audience (issue 17): traffic sources in the export and the marts, new vs returning
viewers, follower growth, and older exports without the traffic_source column."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from reelmart.simulate.generator import TRAFFIC_SOURCES
from reelmart.warehouse import run_dbt


def _df(db: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).df()


@pytest.fixture(scope="module")
def events(tiny_warehouse) -> pd.DataFrame:
    return _df(tiny_warehouse.serving_db, "select * from fct_watch_events")


def test_export_has_a_traffic_source_and_its_truth(tiny_warehouse):
    raw = pq.read_table(sorted((tiny_warehouse.landing / "watch_events").glob("*/*.parquet"))[0]).to_pandas()
    assert set(raw["traffic_source"]) <= set(TRAFFIC_SOURCES)
    truth = json.loads((tiny_warehouse.ground_truth / "truth.json").read_text())["traffic_sources"]
    assert truth["sources"] == list(TRAFFIC_SOURCES)
    for mix in truth["probabilities"].values():
        assert sum(mix["follower"].values()) == pytest.approx(1) and sum(mix["non_follower"].values()) == pytest.approx(1)
        assert mix["non_follower"]["following"] == 0


def test_marts_split_views_by_source_and_add_up(tiny_warehouse, events):
    by_source = events.groupby("traffic_source").size()
    assert set(by_source.index) <= set(TRAFFIC_SOURCES)  # the simulator always sends a known source
    video = _df(tiny_warehouse.serving_db, "select * from fct_video_traffic_daily")
    creator = _df(tiny_warehouse.serving_db, "select * from fct_creator_traffic_daily")
    assert video.groupby("traffic_source")["views"].sum().to_dict() == by_source.to_dict()
    assert creator.groupby("traffic_source")["views"].sum().to_dict() == by_source.to_dict()
    one = video.sort_values("views").iloc[-1]
    expected = events[(events.video_id == one.video_id) & (events.event_date == one.event_date)
                      & (events.traffic_source == one.traffic_source)]
    assert one["views"] == len(expected) and one["follows"] == expected["is_followed"].sum()


def test_source_shares_match_the_planted_mix(tiny_warehouse, events):
    """The warehouse's shares are the simulator's realised ones (valid views are almost all of them), and
    the planted search-heavy categories show more search."""
    truth = json.loads((tiny_warehouse.ground_truth / "truth.json").read_text())["traffic_sources"]
    planted = pd.Series(truth["views_by_source"]) / sum(truth["views_by_source"].values())
    measured = events["traffic_source"].value_counts(normalize=True).reindex(planted.index, fill_value=0)
    assert (measured - planted).abs().max() < 0.01, (measured, planted)
    search = events.assign(search=events.traffic_source == "search").groupby("category")["search"].mean()
    heavy = search[search.index.isin(truth["search_heavy_categories"])]
    assert heavy.min() > search[~search.index.isin(truth["search_heavy_categories"])].max()


def test_following_views_come_from_earlier_followers(events):
    firsts = (events[events.is_followed].groupby(["user_id", "creator_id"])["event_date"].min()
              .rename("first_follow").reset_index())
    following = events[events.traffic_source == "following"].merge(firsts, on=["user_id", "creator_id"], how="left")
    assert len(following) > 50
    earlier = (following["first_follow"] < following["event_date"]).mean()
    # the follow itself can sit in a rejected row (the export's planted dirt), so not exactly all
    assert earlier > 0.97, earlier


def test_new_returning_viewers_and_followers_follow_their_definitions(tiny_warehouse, events):
    got = _df(tiny_warehouse.serving_db, "select * from fct_creator_audience_daily").set_index(
        ["creator_id", "event_date"]).sort_index()
    e = events.copy()
    e["first_day"] = e.groupby(["creator_id", "user_id"])["event_date"].transform("min")
    follow_day = e[e.is_followed].groupby(["creator_id", "user_id"])["event_date"].min().rename("follow_day")
    e = e.join(follow_day, on=["creator_id", "user_id"])
    viewer_days = e.drop_duplicates(["creator_id", "user_id", "event_date"])
    expected = pd.DataFrame({
        "viewers": viewer_days.groupby(["creator_id", "event_date"]).size(),
        "new_viewers": viewer_days[viewer_days.event_date == viewer_days.first_day].groupby(["creator_id", "event_date"]).size(),
        "views": e.groupby(["creator_id", "event_date"]).size(),
        "new_followers": viewer_days[viewer_days.event_date == viewer_days.follow_day].groupby(
            ["creator_id", "event_date"]).size(),
    }).fillna(0).astype("int64").sort_index()
    assert len(got) == len(expected)
    for column in expected:
        assert (got[column].to_numpy() == expected[column].to_numpy()).all(), column
    assert (got["returning_viewers"] == got["viewers"] - got["new_viewers"]).all()
    # each viewer is new exactly once per creator; followers_to_date is the running sum
    assert got["new_viewers"].sum() == e.drop_duplicates(["creator_id", "user_id"]).shape[0]
    running = got.groupby(level="creator_id")["new_followers"].cumsum()
    assert (got["followers_to_date"] == running).all()


@pytest.mark.slow
def test_an_older_export_without_traffic_source_loads_as_unknown(tiny_warehouse, scratch_copy):
    """The column is optional: a file without it is not rejected (its views are 'unknown'), and an export
    where no file has it yet still builds."""
    paths = scratch_copy(tiny_warehouse)
    files = sorted((paths.landing / "watch_events").glob("*/*.parquet"))
    old = files[0]
    pq.write_table(pq.read_table(old).drop_columns(["traffic_source"]), old)
    run_dbt(["run", "--select", "stg_platform__watch_events"], paths, quiet=True)
    staged = _df(paths.build_db, "select source_file, traffic_source, reject_reason, missing_columns "
                                 "from stg_platform__watch_events")
    from_old = staged[staged.source_file.str.endswith(f"{old.parent.name}/{old.name}")]
    assert len(from_old) > 0 and (from_old.traffic_source == "unknown").all()
    assert from_old.missing_columns.isna().all() and from_old.reject_reason.ne("missing_column").all()
    assert (staged.loc[~staged.index.isin(from_old.index), "traffic_source"] != "unknown").all()

    for f in files[1:]:
        pq.write_table(pq.read_table(f).drop_columns(["traffic_source"]), f)
    run_dbt(["run", "--select", "stg_platform__watch_events"], paths, quiet=True)
    staged = _df(paths.build_db, "select traffic_source, count(*) as n, count(reject_reason) as rejected "
                                 "from stg_platform__watch_events group by traffic_source")
    assert staged.traffic_source.tolist() == ["unknown"]
