"""Issue 17: shot analysis is incremental. A build decodes only the video files that are new or changed
(keyed by size and modification time, int_video_file_shots) and keeps the earlier results of the others;
the shots it serves equal a full refresh's.

A private copy of the session's tiny instance (two planted files): the rows of one file are marked in the
build database (a re-analysis would overwrite the mark), the other file is overwritten with new content,
and a third file appears; then an incremental build of the shot models, then a full refresh of them.
"""

from __future__ import annotations

import shutil

import duckdb
import pytest

from reelmart.warehouse import run_dbt

SHOTS = "select * exclude (brightness) from fct_video_shots where video_id = ? order by shot_index"
SELECT = ["--select", "int_video_file_shots+", "--exclude", "resource_type:unit_test"]


def _rows(db, sql: str, params=()) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


@pytest.fixture(scope="module")
def rebuilt(tiny_warehouse, scratch_copy) -> dict:
    paths = scratch_copy(tiny_warehouse)  # copytree's copy2: the files' modification times are kept
    folder = paths.landing / "video_files"
    kept, changed = sorted(folder.glob("*.mp4"), key=lambda p: int(p.stem))
    kept_id, changed_id = int(kept.stem), int(changed.stem)
    db = paths.build_db
    before = {v: _rows(db, SHOTS, [v]) for v in (kept_id, changed_id)}
    with duckdb.connect(str(db)) as con:
        con.execute("update int_video_file_shots set brightness = -1 where video_id = ?", [kept_id])
        new_id = con.execute("select min(video_id) from dim_videos where video_id not in (?, ?)",
                             [kept_id, changed_id]).fetchone()[0]
    old_content = changed.read_bytes()
    shutil.copyfile(kept, changed)  # new content (and size, and time) under the same name
    (folder / f"{new_id}.mp4").write_bytes(old_content)  # a file that was not there
    run_dbt(["build", *SELECT], paths, quiet=True)
    incremental = {
        "cache": _rows(db, "select video_id, file_size, count(*), min(brightness) from int_video_file_shots "
                           "group by video_id, file_size order by video_id, file_size"),
        "served": {v: _rows(db, SHOTS, [v]) for v in (kept_id, changed_id, new_id)},
        "kept_brightness": _rows(db, "select distinct brightness from fct_video_shots where video_id = ?", [kept_id]),
    }
    run_dbt(["build", "--full-refresh", *SELECT], paths, quiet=True)
    full = {v: _rows(db, SHOTS, [v]) for v in (kept_id, changed_id, new_id)}
    return {"ids": (kept_id, changed_id, new_id), "sizes": (kept.stat().st_size, len(old_content)),
            "before": before, "incremental": incremental, "full": full,
            "full_cache": _rows(db, "select distinct video_id, file_size from int_video_file_shots order by 1")}


def test_unchanged_file_is_not_decoded_again(rebuilt):
    """The marked rows survive the build: the kept file's earlier result was reused, not recomputed."""
    assert rebuilt["incremental"]["kept_brightness"] == [(-1.0,)]


def test_changed_and_new_files_are_analysed(rebuilt):
    kept_id, changed_id, new_id = rebuilt["ids"]
    kept_size, old_size = rebuilt["sizes"]
    versions = {(video, size) for video, size, _, _ in rebuilt["incremental"]["cache"]}
    # the changed file has rows for its new version (and keeps the old ones, unused); the new file has rows
    assert versions == {(kept_id, kept_size), (changed_id, old_size), (changed_id, kept_size), (new_id, old_size)}
    served = rebuilt["incremental"]["served"]
    geometry = [row[1:6] for row in rebuilt["before"][kept_id]]  # shot_index, frames, seconds
    assert [row[1:6] for row in served[changed_id]] == geometry  # it now holds the kept file's content
    assert [row[1:6] for row in served[new_id]] == [row[1:6] for row in rebuilt["before"][changed_id]]


def test_incremental_shots_equal_a_full_refresh(rebuilt):
    """Every served column but the marked brightness is what a full refresh computes; the full refresh
    keeps only the current file versions."""
    assert rebuilt["incremental"]["served"] == rebuilt["full"]
    assert all(rows for rows in rebuilt["full"].values())
    kept_id, changed_id, new_id = rebuilt["ids"]
    assert rebuilt["full_cache"] == sorted([(kept_id, rebuilt["sizes"][0]), (changed_id, rebuilt["sizes"][0]),
                                            (new_id, rebuilt["sizes"][1])])
