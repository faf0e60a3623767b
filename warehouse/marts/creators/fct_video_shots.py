"""Shots of every video that has a file in the video folder (thin wrapper over models_ml.creators.shots).

The file analysis is int_video_file_shots (incremental: each file version decoded once); this table takes
the current version of each file and adds what depends on the viewers (stay share, thumbnail) every build.
"""


def model(dbt, session):
    dbt.config(materialized="table")
    folder = dbt.config.get("creator_video_dir")
    max_rows = int(dbt.config.get("driver_max_rows"))

    import pandas as pd

    from models_ml.creators.shots import (
        FILE_SHOT_COLUMNS,
        SHOT_COLUMNS,
        file_versions,
        select_typed,
        shots_with_retention,
        video_files,
    )
    from reelmart.frames import from_pandas, to_pandas

    versions = {}
    found = video_files(folder, None) if folder else {}
    if found:
        # only the videos with a file reach the driver (bounded): their ids, shots and retention curves
        ids = ", ".join(map(str, sorted(found)))
        known = to_pandas(dbt.ref("dim_videos").filter(f"video_id in ({ids})"), ["video_id"], max_rows=max_rows)
        versions = file_versions({v: found[v] for v in known["video_id"].astype(int)})
    if not versions:
        return from_pandas(pd.DataFrame({c: pd.Series(dtype="object") for c in SHOT_COLUMNS}), select_typed(SHOT_COLUMNS), session)
    ids = ", ".join(map(str, sorted(versions)))
    # the current version of each file present now, analysed by int_video_file_shots (this build or earlier)
    current = pd.DataFrame([(v, size, mtime) for v, (size, mtime) in versions.items()],
                           columns=["video_id", "file_size", "file_mtime_ns"])
    analysed = to_pandas(dbt.ref("int_video_file_shots").filter(f"video_id in ({ids})"), FILE_SHOT_COLUMNS,
                         max_rows=max_rows)
    file_shots = analysed.merge(current.astype("int64"), on=["video_id", "file_size", "file_mtime_ns"])[FILE_SHOT_COLUMNS]
    curves = to_pandas(dbt.ref("fct_video_retention_curve").filter(f"video_id in ({ids})"),
                       ["video_id", "second_index", "views_at_risk"], order_by="video_id, second_index",
                       max_rows=max_rows)
    shots = shots_with_retention(file_shots, curves)
    if shots.empty:
        shots = pd.DataFrame({c: pd.Series(dtype="object") for c in SHOT_COLUMNS})
    return from_pandas(shots, select_typed(SHOT_COLUMNS), session)
