"""Shots of the video files, kept between builds (thin wrapper over models_ml.creators.shots).

Incremental: a build decodes only the files whose (video_id, size, modification time) it has not seen
and appends their shots; rows of earlier versions stay, and fct_video_shots reads the current version of
each file. `dbt build --full-refresh` analyses every file again. On Spark each file is decoded in an
executor (one file per partition); the driver only lists the files.
"""

import logging


def model(dbt, session):
    dbt.config(materialized="incremental", incremental_strategy="append")
    folder = dbt.config.get("creator_video_dir")

    from models_ml.creators.shots import (
        FILE_COLUMNS,
        FILE_SHOT_COLUMNS,
        analyse_file_shots,
        file_table,
        select_typed,
        video_files,
    )
    from reelmart.frames import from_pandas, is_spark, map_pandas, to_pandas

    max_rows = int(dbt.config.get("driver_max_rows"))
    files = video_files(folder, None)
    if files:
        # only the ids of the videos with a file reach the driver (bounded)
        ids = ", ".join(map(str, sorted(files)))
        known = to_pandas(dbt.ref("dim_videos").filter(f"video_id in ({ids})"), ["video_id"], max_rows=max_rows)
        files = {v: files[v] for v in sorted(known["video_id"].astype(int))}
    listed = file_table(files)  # size and modification time read once, here, before any decoding
    if dbt.is_incremental:
        kept = to_pandas(session.sql(f"select distinct video_id, file_size, file_mtime_ns from {dbt.this}"),
                         ["video_id", "file_size", "file_mtime_ns"])
        listed = listed.merge(kept.astype("int64"), how="left", indicator=True,
                              on=["video_id", "file_size", "file_mtime_ns"])
        listed = listed.loc[listed["_merge"] == "left_only", FILE_COLUMNS].reset_index(drop=True)
    log = logging.getLogger("reelmart.creators")
    log.info("video files: %d to analyse, %d kept from earlier builds", len(listed), len(files) - len(listed))
    todo = from_pandas(listed, select_typed(FILE_COLUMNS), session)
    if is_spark(todo) and len(listed):
        todo = todo.repartition(len(listed))  # one file per task: decoding is the cost

    def decode(batch):
        shots, failed = analyse_file_shots(batch)
        for item in failed:  # on Spark this is the executor's log
            logging.getLogger("reelmart.creators").warning("video file skipped: %(path)s: %(reason)s", item)
        return shots

    return map_pandas(todo, decode, FILE_COLUMNS, select_typed(FILE_SHOT_COLUMNS), session, order_by="video_id")
