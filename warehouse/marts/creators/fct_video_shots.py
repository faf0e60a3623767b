"""Shots of every video that has a file in the video folder (thin wrapper over models_ml.creators.shots)."""

import logging
from pathlib import Path

SELECT_TYPED = """
    cast(video_id as bigint) as video_id,
    cast(shot_index as integer) as shot_index,
    cast(start_frame as integer) as start_frame,
    cast(end_frame as integer) as end_frame,
    cast(start_seconds as double) as start_seconds,
    cast(end_seconds as double) as end_seconds,
    cast(boundary_kind as varchar) as boundary_kind,
    cast(brightness as double) as brightness,
    cast(motion as double) as motion,
    cast(keyframe_frame as integer) as keyframe_frame,
    cast(keyframe_sharpness as double) as keyframe_sharpness,
    cast(shot_stay_share as double) as shot_stay_share,
    cast(is_thumbnail as boolean) as is_thumbnail,
    cast(fps as double) as fps,
    cast(keyframe_jpeg as blob) as keyframe_jpeg
"""


def model(dbt, session):
    dbt.config(materialized="table")
    folder = dbt.config.get("creator_video_dir")

    from models_ml.creators.shots import SHOT_COLUMNS, analyse_files

    videos = dbt.ref("dim_videos").project("video_id").df()
    known = set(videos["video_id"].astype(int))
    files = {}
    for path in sorted(Path(folder).glob("*.mp4")) if folder and Path(folder).is_dir() else []:
        if path.stem.isdigit() and int(path.stem) in known:
            files[int(path.stem)] = path
    curves = dbt.ref("fct_video_retention_curve").project("video_id, second_index, views_at_risk").df()
    curves = curves[curves["video_id"].isin(list(files))]
    shots, failed = analyse_files(files, curves)
    for item in failed:
        logging.getLogger("reelmart.creators").warning("video file skipped: %(path)s: %(reason)s", item)
    if shots.empty:
        import pandas as pd

        shots = pd.DataFrame({c: pd.Series(dtype="object") for c in SHOT_COLUMNS})
    return session.from_df(shots).project(SELECT_TYPED)
