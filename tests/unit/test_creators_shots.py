"""Shot boundaries, flashes, dissolves and the thumbnail on a real H.264 file with planted truth."""

from __future__ import annotations

import json

import numpy as np
import pytest

from models_ml.creators.shots import ShotConfig, analyse_video, choose_thumbnail, match_boundaries
from reelmart.cli import main
from reelmart.simulate.video_files import VideoPlan, plan_video, render


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """10 s at 24 fps: a cut at frame 60, a flash of two frames at 95-96 (no cut), a 12-frame dissolve
    124-135 (boundary: its middle, 130), a cut at 190; shot 3 is dark and shot 2 blurred."""
    plan = VideoPlan(video_id=1, fps=24, n_frames=240, boundaries=[60, 130, 190],
                     kinds=["cut", "dissolve", "cut"], dissolves=[(124, 135)], flashes=[(95, 96)],
                     shot_brightness=[0.9, 0.9, 0.35, 0.8], shot_blur=[False, True, False, False])
    path = tmp_path_factory.mktemp("video") / "planted.mp4"
    render(plan, path, np.random.default_rng(3))
    return plan, path


def test_cuts_and_dissolve_found_within_one_frame_and_flash_is_no_cut(planted):
    plan, path = planted
    result = analyse_video(path)
    assert (result.width, result.height, result.n_frames) == (360, 640, 240)
    score = match_boundaries(plan.boundaries, result.boundaries, tolerance=1)
    assert score["f1"] == 1.0, (result.boundaries, plan.boundaries)
    assert result.kinds == ["cut", "dissolve", "cut"]
    assert {95, 96} <= set(result.flashes)
    shots = result.shots
    assert [s["shot_index"] for s in shots] == [1, 2, 3, 4]
    assert shots[2]["brightness"] == min(s["brightness"] for s in shots)  # the dark shot
    assert all(s["motion"] > 0 for s in shots)
    # thumbnail: sharp and well lit, so neither the blurred shot 2 nor the dark shot 3
    assert sum(s["is_thumbnail"] for s in shots) == 1
    assert next(s for s in shots if s["is_thumbnail"])["shot_index"] in (1, 4)
    assert result.keyframes[1].shape == (320, 180, 3)
    assert result.shot_at(2.6) == 2 and result.shot_at(9.0) == 4


def test_the_plain_difference_detector_would_take_the_flash_for_cuts(planted):
    """The flash test is what keeps the flash out: with the return window switched off it is a cut."""
    plan, path = planted
    result = analyse_video(path, ShotConfig(flash_similarity=0.0))
    assert any(94 <= b <= 98 for b in result.boundaries)


def test_thumbnail_comes_from_a_well_retained_shot():
    shots = [{"shot_index": i, "keyframe_sharpness": s} for i, s in [(1, 50.0), (2, 900.0), (3, 300.0)]]
    assert choose_thumbnail(shots) == 2
    assert choose_thumbnail(shots, {1: 0.9, 2: 0.2, 3: 0.8}) == 3  # shot 2 is where viewers had left
    assert choose_thumbnail([]) is None


def test_match_boundaries_is_one_to_one_within_tolerance():
    score = match_boundaries([10, 50, 90], [11, 12, 49, 200], tolerance=1)
    assert (score["tp"], score["found"], score["true"]) == (2, 4, 3)
    assert score["precision"] == 0.5 and score["recall"] == pytest.approx(2 / 3)


def test_planned_dips_sit_inside_a_shot_away_from_its_boundaries():
    for seed in range(20):
        plan = plan_video(np.random.default_rng(seed), 7, 40, [8, 25])
        for dip in plan.dip_shots:
            middle = (dip["second"] + 0.5) * plan.fps
            assert all(abs(middle - b) > plan.fps for b in plan.boundaries)
            assert plan.shot_of_second(dip["second"] + 0.5) == dip["shot_index"]


def test_cli_prints_shots_as_json_and_rejects_a_non_video(planted, tmp_path, capsys):
    _, path = planted
    thumb = tmp_path / "thumb.jpg"
    assert main(["creators", "analyse-video", str(path), "--json", "--thumbnail", str(thumb)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["shots"]) == 4 and out["thumbnail_shot"] in (1, 4)
    assert thumb.read_bytes()[:2] == b"\xff\xd8"  # a JPEG
    bogus = tmp_path / "notes.mp4"
    bogus.write_text("not a video")
    assert main(["creators", "analyse-video", str(bogus)]) == 2
    assert "not a readable video file" in capsys.readouterr().err
    assert main(["creators", "analyse-video", str(tmp_path / "missing.mp4")]) == 2


def test_file_shots_then_retention_rows_per_shot_and_undecodable_files_reported(planted, tmp_path):
    """What the build does with a folder of files: int_video_file_shots (analyse_file_shots over the file
    table) then fct_video_shots (shots_with_retention)."""
    import pandas as pd

    from models_ml.creators.shots import (
        FILE_SHOT_COLUMNS,
        SHOT_COLUMNS,
        analyse_file_shots,
        file_table,
        select_typed,
        shots_with_retention,
    )

    _, path = planted
    bogus = tmp_path / "2.mp4"
    bogus.write_bytes(b"\x00" * 100)
    files = file_table({2: bogus, 1: path})
    assert files["video_id"].tolist() == [1, 2] and files["file_size"].tolist() == [path.stat().st_size, 100]
    file_shots, failed = analyse_file_shots(files)
    assert list(file_shots.columns) == FILE_SHOT_COLUMNS
    assert set(file_shots["file_mtime_ns"]) == {path.stat().st_mtime_ns}
    assert [f["video_id"] for f in failed] == [2] and "not a readable video file" in failed[0]["reason"]
    # viewers leave during shot 1 (seconds 0-2) and stay afterwards: shot 1 is not a thumbnail candidate
    curve = pd.DataFrame({"video_id": 1, "second_index": range(11),
                          "views_at_risk": [100, 60, 40, 40, 40, 40, 40, 40, 40, 40, 40]})
    shots = shots_with_retention(file_shots, curve)
    assert list(shots.columns) == SHOT_COLUMNS
    assert shots["shot_index"].tolist() == [1, 2, 3, 4] and set(shots["video_id"]) == {1}
    assert shots["shot_stay_share"].iloc[0] == pytest.approx(40 / 100)
    assert shots.loc[shots["is_thumbnail"], "shot_index"].tolist() == [4]
    # no decodable file: an empty frame with the columns, castable by the model's select list
    empty, failed = analyse_file_shots(file_table({2: bogus}))
    assert empty.empty and list(empty.columns) == FILE_SHOT_COLUMNS and len(failed) == 1
    assert "cast(keyframe_jpeg as binary) as keyframe_jpeg" in select_typed(FILE_SHOT_COLUMNS)
