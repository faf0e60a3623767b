"""Shots of the video files, kept between builds (thin wrapper over models_ml.creators.shots).

Incremental: a build decodes only the files whose (video_id, size, modification time) it has not seen
and appends their shots; rows of earlier versions stay, and fct_video_shots reads the current version of
each file. `dbt build --full-refresh` analyses every file again.
"""

import logging

SELECT_TYPED = """
    cast(video_id as bigint) as video_id,
    cast(file_size as bigint) as file_size,
    cast(file_mtime_ns as bigint) as file_mtime_ns,
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
    cast(fps as double) as fps,
    cast(keyframe_jpeg as binary) as keyframe_jpeg
"""


def model(dbt, session):
    dbt.config(materialized="incremental", incremental_strategy="append")
    folder = dbt.config.get("creator_video_dir")

    import pandas as pd

    from models_ml.creators.shots import FILE_SHOT_COLUMNS, analyse_file_shots, file_versions, video_files
    from reelmart.frames import from_pandas, to_pandas

    max_rows = int(dbt.config.get("driver_max_rows"))
    files = video_files(folder, None)
    if files:
        # only the ids of the videos with a file reach the driver (bounded)
        ids = ", ".join(map(str, sorted(files)))
        known = to_pandas(dbt.ref("dim_videos").filter(f"video_id in ({ids})"), ["video_id"], max_rows=max_rows)
        files = {v: files[v] for v in sorted(known["video_id"].astype(int))}
    seen = set()
    if dbt.is_incremental:
        kept = to_pandas(session.sql(f"select distinct video_id, file_size, file_mtime_ns from {dbt.this}"),
                         ["video_id", "file_size", "file_mtime_ns"])
        seen = set(zip(kept["video_id"].astype(int), kept["file_size"].astype(int), kept["file_mtime_ns"].astype(int),
                       strict=True))
    versions = file_versions(files)
    todo = {video_id: path for video_id, path in files.items() if (video_id, *versions[video_id]) not in seen}
    shots, failed = analyse_file_shots(todo)
    log = logging.getLogger("reelmart.creators")
    for item in failed:
        log.warning("video file skipped: %(path)s: %(reason)s", item)
    log.info("video files: %d analysed, %d kept from earlier builds", len(todo) - len(failed), len(files) - len(todo))
    if shots.empty:
        shots = pd.DataFrame({c: pd.Series(dtype="object") for c in FILE_SHOT_COLUMNS})
    return from_pandas(shots, SELECT_TYPED, session)
