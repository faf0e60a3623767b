"""Video shots and edit suggestions (issue 17) on the session's tiny warehouse, against the simulator's
planted files: shots found within a frame, suggestions on the shots where the dips were planted."""

from __future__ import annotations

import json

import duckdb
import pytest

from models_ml.creators.shots import SHOT_COLUMNS, match_boundaries

SHOT_TYPES = {"video_id": "BIGINT", "shot_index": "INTEGER", "start_frame": "INTEGER", "end_frame": "INTEGER",
              "start_seconds": "DOUBLE", "end_seconds": "DOUBLE", "boundary_kind": "VARCHAR",
              "brightness": "DOUBLE", "motion": "DOUBLE", "keyframe_frame": "INTEGER",
              "keyframe_sharpness": "DOUBLE", "shot_stay_share": "DOUBLE", "is_thumbnail": "BOOLEAN",
              "fps": "DOUBLE", "keyframe_jpeg": "BLOB"}


@pytest.fixture(scope="module")
def video(tiny_warehouse):
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        shots = con.execute("select * from fct_video_shots order by video_id, shot_index").df()
        types = dict(con.execute("select column_name, data_type from information_schema.columns "
                                 "where table_name = 'fct_video_shots'").fetchall())
        suggestions = con.execute("select * from fct_video_edit_suggestions").df()
        dips = con.execute("select video_id, second_index from fct_video_key_moments where moment_type = 'dip'").df()
    truth = json.loads((tiny_warehouse.ground_truth / "truth.json").read_text())["video_files"]["files"]
    return shots, types, suggestions, dips, truth


def test_shots_of_every_planted_file_with_types_and_one_thumbnail(video):
    shots, types, _, _, truth = video
    assert types == SHOT_TYPES and list(SHOT_TYPES) == SHOT_COLUMNS
    assert truth, "the tiny platform plants video files"
    assert set(shots["video_id"]) == {f["video_id"] for f in truth}
    for f in truth:
        mine = shots[shots["video_id"] == f["video_id"]]
        found = mine["start_frame"].tolist()[1:]
        assert match_boundaries(f["boundaries"], found)["precision"] == 1.0
        assert mine["end_frame"].max() == f["n_frames"]
        assert mine["is_thumbnail"].sum() == 1
        assert all(bytes(j)[:2] == b"\xff\xd8" for j in mine["keyframe_jpeg"])
    cuts = [b for f in truth for b, k in zip(f["boundaries"], f["kinds"], strict=True) if k == "cut"]
    found_cuts = [b for f in truth for b in shots[shots["video_id"] == f["video_id"]]["start_frame"].tolist()[1:]]
    assert match_boundaries(cuts, found_cuts)["recall"] == 1.0


def test_suggestions_name_the_shot_where_the_dip_was_planted(video):
    """By time, not by number: a missed boundary earlier in the video renumbers the later shots."""
    shots, _, suggestions, dips, truth = video
    planted = {(f["video_id"], d["second"]) for f in truth for d in f["dip_shots"]}
    detected = {(v, s) for v, s in zip(dips["video_id"], dips["second_index"], strict=True)
                if any(v == pv and abs(s - ps) <= 2 for pv, ps in planted)}
    assert detected, "at least one planted dip on a file video is detected in the tiny platform"
    for row in suggestions.itertuples():
        inside = [s for v, s in planted if v == row.video_id and row.start_seconds <= s + 0.5 < row.end_seconds]
        assert inside, f"suggestion {row.suggestion!r} holds no planted dip"
        # the suggested shot is the planted one: its ends are true boundaries (or the video's ends)
        f = next(f for f in truth if f["video_id"] == row.video_id)
        ends = [0, *f["boundaries"], f["n_frames"]]
        fps = f["fps"]
        assert min(abs(row.start_seconds * fps - b) for b in ends) <= 1
    for video_id, second in detected:
        assert any(r.video_id == video_id and r.start_seconds <= second + 0.5 < r.end_seconds
                   for r in suggestions.itertuples())
    row = suggestions.iloc[0]
    assert row["suggestion"].startswith(f"Trim {int(row['start_seconds']) // 60}:{int(row['start_seconds']) % 60:02d}-")
    assert f"(shot {row['shot_index']})" in row["suggestion"] and "% of viewers leave there" in row["suggestion"]
    assert row["exits_in_shot"] <= row["viewers_at_shot_start"]


def test_typical_rate_is_the_median_of_the_true_peers_own_leave_shares(tiny_warehouse):
    """The "N x the typical rate" of each suggestion recomputed in pandas from the retention marts: the peers
    are the other peer-eligible videos of the category and length bucket with a curve at the shot's first
    second (retention > 0) and the second after its last; each peer's own leave share, their median, and no
    rate below min_peers. (The constructed-peers case is the dbt unit test in _creators__video_unit_tests.yml.)"""
    from pathlib import Path

    import numpy as np
    import yaml

    root = Path(__file__).resolve().parents[2]
    min_peers = yaml.safe_load((root / "dbt_project.yml").read_text())["vars"]["creator_retention"]["min_peers"]
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        suggestions = con.execute("select * from fct_video_edit_suggestions").df()
        videos = con.execute("select video_id, category, length_bucket, is_peer_eligible "
                             "from fct_video_retention").df().set_index("video_id")
        curves = con.execute("select video_id, second_index, retention from fct_video_retention_curve").df()
    assert len(suggestions) > 0
    retention = curves.set_index(["video_id", "second_index"])["retention"]
    for row in suggestions.itertuples():
        first = int(np.floor(row.start_seconds))
        last = max(first, int(np.ceil(row.end_seconds)) - 1)
        me = videos.loc[row.video_id]
        peers = videos[(videos["category"] == me["category"]) & (videos["length_bucket"] == me["length_bucket"])
                       & videos["is_peer_eligible"] & (videos.index != row.video_id)].index
        shares = [1 - retention[(p, last + 1)] / retention[(p, first)] for p in peers
                  if (p, first) in retention.index and (p, last + 1) in retention.index and retention[(p, first)] > 0]
        assert row.peer_videos == len(shares)
        if len(shares) >= min_peers:
            assert row.typical_leave_share == pytest.approx(float(np.median(shares)))
            assert f"{row.leave_share / row.typical_leave_share:.1f}x the typical rate for" in row.suggestion
        else:
            assert np.isnan(row.typical_leave_share) and "typical rate" not in row.suggestion
