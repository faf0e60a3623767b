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
    cast(keyframe_jpeg as binary) as keyframe_jpeg
"""


FILES_TYPED = """
    cast(video_id as bigint) as video_id,
    cast(path as varchar) as path
"""


def model(dbt, session):
    dbt.config(materialized="table")
    folder = dbt.config.get("creator_video_dir")
    max_rows = int(dbt.config.get("driver_max_rows"))

    import pandas as pd

    from models_ml.creators.shots import SHOT_COLUMNS, analyse_files
    from reelmart.frames import from_pandas, map_pandas, to_pandas

    files = {}
    for path in sorted(Path(folder).glob("*.mp4")) if folder and Path(folder).is_dir() else []:
        if path.stem.isdigit():
            files[int(path.stem)] = path
    # only the videos with a file reach the driver: their ids (integers from the file names), then their
    # retention curves (bounded)
    if files:
        known = dbt.ref("dim_videos").filter(f"video_id in ({', '.join(map(str, files))})")
        known = to_pandas(known, ["video_id"], max_rows=max_rows)["video_id"].astype(int)
        files = {v: files[v] for v in sorted(set(known))}
    if not files:
        return from_pandas(pd.DataFrame({c: pd.Series(dtype="object") for c in SHOT_COLUMNS}), SELECT_TYPED, session)
    curves = dbt.ref("fct_video_retention_curve").filter(f"video_id in ({', '.join(map(str, files))})")
    curves = to_pandas(curves, ["video_id", "second_index", "views_at_risk"], order_by="video_id, second_index",
                       max_rows=max_rows)

    def analyse(frame):
        shots, failed = analyse_files(dict(zip(frame["video_id"].astype(int), frame["path"], strict=True)), curves)
        for item in failed:
            logging.getLogger("reelmart.creators").warning("video file skipped: %(path)s: %(reason)s", item)
        return shots

    # decoding and shot detection per file: on Spark in the executors (which must see the video folder)
    listed = from_pandas(pd.DataFrame({"video_id": list(files), "path": [str(p) for p in files.values()]}),
                         FILES_TYPED, session)
    return map_pandas(listed, analyse, ["video_id", "path"], SELECT_TYPED, session, order_by="video_id")
