"""Shots of every video that has a file in the video folder (thin wrapper over models_ml.creators.shots).

The file analysis is int_video_file_shots (incremental: each file version decoded once); this table takes
the current version of each file and adds what depends on the viewers (stay share, thumbnail) every build.
"""

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

    import pandas as pd

    from models_ml.creators.shots import (
        FILE_SHOT_COLUMNS,
        SHOT_COLUMNS,
        file_versions,
        shots_with_retention,
        video_files,
    )

    videos = dbt.ref("dim_videos").project("video_id").df()
    versions = file_versions(video_files(folder, videos["video_id"]))
    # the current version of each file present now, analysed by int_video_file_shots (this build or earlier)
    current = pd.DataFrame([(v, size, mtime) for v, (size, mtime) in versions.items()],
                           columns=["video_id", "file_size", "file_mtime_ns"])
    analysed = dbt.ref("int_video_file_shots").df()
    file_shots = analysed.merge(current.astype("int64"), on=["video_id", "file_size", "file_mtime_ns"])[FILE_SHOT_COLUMNS]
    curves = dbt.ref("fct_video_retention_curve").project("video_id, second_index, views_at_risk").df()
    curves = curves[curves["video_id"].isin(list(versions))]
    shots = shots_with_retention(file_shots, curves)
    if shots.empty:
        shots = pd.DataFrame({c: pd.Series(dtype="object") for c in SHOT_COLUMNS})
    return session.from_df(shots).project(SELECT_TYPED)
