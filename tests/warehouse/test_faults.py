"""Fault suite (issue 16): corrupted exports, killed builds and publishes, two builds at once.

Each test works on a private copy of the session's tiny instance (built, green and published; `scratch_copy`,
which hands dbt's saved parse on from test to test), so the builds here are incremental and nothing else is
disturbed. They build FAULT_SELECT (`_build`): the quality
marts and the watch events with their parents and tests, which is where each fault shows. Each asserts what
the user sees (the error message, the marker, the rejects) and that the published snapshot was neither lost
nor partial.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import psutil
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from reelmart.warehouse import BuildError, WarehousePaths, build, publish, read_build_status, run_dbt

pytestmark = pytest.mark.slow
# Every fault below shows in these marts or their tests (reject reasons, the reject-rate and reconciliation
# tests, the export-day test of fct_watch_events); the rest of the project is not rebuilt for it.
FAULT_SELECT = "+fct_rejects +rpt_source_reconciliation +rpt_source_file_quality +fct_watch_events"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _query(db: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _day_folders(paths: WarehousePaths, table: str) -> list[Path]:
    return sorted((paths.landing / table).glob("export_date=*"))


def _new_day(paths: WarehousePaths, table: str) -> Path:
    """The folder of the export day after the last one (created)."""
    last = _day_folders(paths, table)[-1].name.split("=")[1]
    day = time.strftime("%Y-%m-%d", time.gmtime(time.mktime(time.strptime(last, "%Y-%m-%d")) + 36 * 3600))
    folder = paths.landing / table / f"export_date={day}"
    folder.mkdir()
    return folder


def _valid_rows(paths: WarehousePaths, n: int, first_id: int, day: Path | None = None) -> pa.Table:
    """n watch events that pass validation (copies of valid ones of `day`, default the last, under new ids)."""
    day = day or _day_folders(paths, "watch_events")[-1]
    table = pq.read_table(next(day.glob("*.parquet")))
    ids = set(r[0] for r in _query(paths.build_db, "select event_id from int_watch_events_validated"))
    keep = [i for i, event_id in enumerate(table.column("event_id").to_pylist()) if event_id in ids][:n]
    rows = table.take(keep).to_pylist()
    for offset, row in enumerate(rows):
        row["event_id"] = first_id + offset
    return pa.Table.from_pylist(rows, schema=table.schema)


def _build(paths: WarehousePaths) -> dict:
    """`build` of FAULT_SELECT, with only the tests wholly inside it: a test tying a selected mart to one that is
    not rebuilt here (e.g. daily sums against fct_watch_events) would compare new rows with stale ones."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DBT_INDIRECT_SELECTION", "cautious")
        return build(paths, select=FAULT_SELECT, docs=False, quiet=True)


@pytest.fixture
def instance(tiny_warehouse, scratch_copy) -> WarehousePaths:
    paths = scratch_copy(tiny_warehouse, serving=True)
    assert read_build_status(paths)["status"] == "green"
    return paths


def test_bad_rows_are_quarantined_with_their_reason(instance):
    """2099 and 2999 timestamps and a user_id of 'u123' are rejected per row; the build stays green."""
    good = _valid_rows(instance, 30, first_id=9_000_000_000)
    bad = good.slice(0, 3).to_pylist()
    for offset, (row, ts) in enumerate(zip(bad, ["2099-01-01T00:00:00", "2999-06-01T12:00:00", None], strict=True)):
        row["event_id"] = 9_100_000_000 + offset
        if ts:
            row["event_ts"] = ts
    rows = [{**row, "user_id": str(row["user_id"])} for row in good.to_pylist() + bad]
    rows[-1]["user_id"] = "u123"
    schema = good.schema.set(good.schema.get_field_index("user_id"), pa.field("user_id", pa.string()))
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), _new_day(instance, "watch_events") / "part-00000.parquet")

    _build(instance)

    reasons = dict(_query(instance.serving_db, "select record_key, reject_reason from fct_rejects "
                                                "where record_key in ('9100000000', '9100000001', '9100000002')"))
    assert reasons == {"9100000000": "future_timestamp", "9100000001": "future_timestamp",
                       "9100000002": "unparseable_value"}
    loaded = _query(instance.serving_db, "select count(*), max(event_date) from fct_watch_events "
                                         "where event_id between 9000000000 and 9199999999")[0]
    assert loaded[0] == 30 and loaded[1].year < 2099
    assert _query(instance.serving_db, "select count(*) from fct_recommendations")[0][0] > 0


def test_a_bad_file_fails_the_build_and_a_late_file_is_backfilled(instance, capsys, monkeypatch):
    """A file missing watch_seconds fails the build naming it; a late file names the backfill command."""
    served = _digest(instance.serving_db)
    drifted = _valid_rows(instance, 40, first_id=9_200_000_000).drop_columns(["watch_seconds"])
    old_day = _day_folders(instance, "watch_events")[1]
    late = _valid_rows(instance, 25, first_id=9_300_000_000, day=old_day)
    bad_file = _new_day(instance, "watch_events") / "part-00000.parquet"
    pq.write_table(drifted, bad_file)
    pq.write_table(late, old_day / "part-00001.parquet")

    with pytest.raises(BuildError) as failure:
        _build(instance)
    message = str(failure.value)
    day = old_day.name.split("=")[1]
    assert f"{bad_file.parent.name}/part-00000.parquet: 40 of 40 rows rejected, mostly missing_column" in message
    assert f"run `reelmart backfill --export-date {day}`" in message
    assert "nothing was published" in message
    assert read_build_status(instance)["status"] == "failed"
    with pytest.raises(BuildError, match="not publishing: the last build failed"):
        publish(instance)
    assert _digest(instance.serving_db) == served  # the site keeps the last good build

    bad_file.unlink()
    from reelmart import warehouse
    from reelmart.cli import main

    # the command as a user runs it, building FAULT_SELECT (no docs) instead of the whole project like _build
    whole_build = warehouse.build
    monkeypatch.setattr(warehouse, "build", lambda paths, **options: whole_build(
        paths, **{**options, "select": FAULT_SELECT, "docs": False}))
    monkeypatch.setenv("DBT_INDIRECT_SELECTION", "cautious")
    assert main(["backfill", "--data-dir", str(instance.data_dir), "--export-date", day]) == 0
    assert f"reloaded export days {day}" in capsys.readouterr().out
    assert _query(instance.serving_db, "select count(*) from fct_watch_events "
                                       "where event_id between 9300000000 and 9300000024")[0][0] == 25
    counts = _query(instance.serving_db, "select count(*) from fct_rejects where reject_reason = 'missing_column'")
    assert counts[0][0] == 0


def test_a_redelivered_export_day_is_refused_saying_so(instance):
    """The same export day delivered again (a copy of its file beside the original): the copy's rows are the
    duplicates (the first file by name keeps its events, build after build), and the build fails saying the
    day was delivered twice and what to do, not "fix the file"; removing the copy makes the build green."""
    served = _digest(instance.serving_db)
    day = _day_folders(instance, "watch_events")[-1]
    original = sorted(day.glob("*.parquet"))[0]
    copy = day / "zz-redelivered.parquet"
    shutil.copy(original, copy)

    with pytest.raises(BuildError) as failure:
        _build(instance)
    message = str(failure.value)
    export_date = day.name.split("=")[1]
    assert f"{day.name}/zz-redelivered.parquet" in message
    assert f"export day {export_date} was delivered twice" in message
    assert "Remove the re-delivered file and rebuild" in message
    assert f"{day.name}/{original.name}" not in message  # the original keeps its rows
    assert _digest(instance.serving_db) == served

    copy.unlink()
    _build(instance)
    assert read_build_status(instance)["status"] == "green"


def test_reconciliation_counts_rows_from_the_parquet_footers(tiny_warehouse):
    for table, file_rows, raw_rows in _query(tiny_warehouse.serving_db,
                                             "select source_table, file_rows, raw_rows from rpt_source_reconciliation"):
        footers = sum(pq.ParquetFile(f).metadata.num_rows for f in (tiny_warehouse.landing / table).rglob("*.parquet"))
        assert file_rows == footers == raw_rows, table
    per_file = _query(tiny_warehouse.serving_db, "select count(*), count(*) filter (where footer_rows = raw_rows) "
                                                 "from rpt_source_file_quality")[0]
    assert per_file[0] == len(list(tiny_warehouse.landing.rglob("*.parquet"))) == per_file[1]


def _dbt_children(process: psutil.Process) -> list[psutil.Process]:
    return [p for p in process.children(recursive=True) if "dbt" in " ".join(p.cmdline())]


def test_killed_build_leaves_no_dbt_and_publishes_nothing_and_a_second_build_is_refused(instance):
    served = _digest(instance.serving_db)
    parent = subprocess.Popen([str(Path(sys.executable).with_name("reelmart")), "build", "--no-docs",
                               "--data-dir", str(instance.data_dir)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not _dbt_children(psutil.Process(parent.pid)) and time.monotonic() < deadline:
            time.sleep(0.2)
        children = _dbt_children(psutil.Process(parent.pid))
        assert children, "dbt never started"
        with pytest.raises(BuildError, match="another build of .* is running"):
            build(instance, docs=False, quiet=True)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=30)
        _, alive = psutil.wait_procs(children, timeout=30)
        assert not alive, "dbt outlived the killed build"
    finally:
        if parent.poll() is None:
            parent.kill()
    assert read_build_status(instance)["status"] == "building"
    with pytest.raises(BuildError, match="the last build did not finish"):
        publish(instance)
    assert _digest(instance.serving_db) == served


def test_killed_publish_leaves_the_snapshot_whole_and_its_temp_file_is_removed_next_time(instance):
    served = _digest(instance.serving_db)
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        import reelmart.warehouse as w
        os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)  # die just before the swap
        w.publish(w.WarehousePaths(Path({str(instance.data_dir)!r})))
    """)
    killed = subprocess.run([sys.executable, "-c", script], timeout=120)
    assert killed.returncode == -signal.SIGKILL
    leftovers = list(instance.serving_db.parent.glob(".reelmart.duckdb.*.tmp"))
    assert leftovers and _digest(instance.serving_db) == served
    publish(instance)
    assert not list(instance.serving_db.parent.glob(".*.tmp"))
    assert _query(instance.serving_db, "select count(*) from fct_watch_events")[0][0] > 0


def test_a_plain_dbt_build_leaves_the_same_marker_and_is_published_on_demand_only_when_green(instance, tmp_path):
    """dbt's own hooks write the marker: green after a build with tests, untested after `dbt run`, failed.
    dbt cannot publish (it holds the build file's lock), so the next reader publishes a newer green build:
    publish_pending (called by `reelmart serve`, the site before requests, the audience export). A build that
    failed or ran without tests, or a build file dbt still holds, is not published; `reelmart publish` refuses
    them saying why."""
    from reelmart.site import add_publish_on_demand
    from reelmart.warehouse import publish_pending
    from webreport import create_app

    assert publish_pending(instance) is None  # reelmart build published after marking: nothing pending
    instance.serving_db.unlink()  # as on a fresh clone: nothing served yet
    run_dbt(["build", "--select", "stg_platform__ads"], instance, quiet=True)
    marker = read_build_status(instance)
    assert marker["status"] == "green" and marker["command"] == "build"
    info = publish_pending(instance)
    assert info and instance.serving_db.exists()
    assert _query(instance.serving_db, "select count(*) from fct_watch_events")[0][0] > 0
    served = _digest(instance.serving_db)
    assert publish_pending(instance) is None and _digest(instance.serving_db) == served

    run_dbt(["run", "--select", "stg_platform__ads"], instance, quiet=True)  # untested
    assert read_build_status(instance)["status"] == "untested"
    with pytest.raises(BuildError, match="changed without running its tests"):
        publish(instance)
    assert publish_pending(instance) is None and _digest(instance.serving_db) == served
    # a model that cannot run (its view cannot read a file that is not Parquet): the build fails. Not with
    # --vars: dbt parses the whole project again when its vars change, and again when they change back.
    unreadable = _day_folders(instance, "watch_events")[-1] / "zz-not-parquet.parquet"
    unreadable.write_bytes(b"PAR1 not a Parquet file")
    with pytest.raises(BuildError, match="stg_platform__watch_events: error"):
        run_dbt(["build", "--select", "stg_platform__watch_events"], instance, quiet=True)
    assert read_build_status(instance)["status"] == "failed"
    with pytest.raises(BuildError, match="not publishing: the last build failed"):
        publish(instance)
    assert publish_pending(instance) is None and _digest(instance.serving_db) == served

    unreadable.unlink()
    run_dbt(["build", "--select", "stg_platform__ads"], instance, quiet=True)
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
                               "print('locked', flush=True); time.sleep(120)", str(instance.build_db)],
                              stdout=subprocess.PIPE, text=True)
    try:  # another process writing the build file: dbt between its on-run-end hook and its exit
        assert holder.stdout.readline().strip() == "locked"
        assert publish_pending(instance) is None
    finally:
        holder.kill()
        holder.wait()
    assert _digest(instance.serving_db) == served

    app = add_publish_on_demand(create_app({"TESTING": True, "SECRET_KEY": "t", "SERVING_DB": str(instance.serving_db),
                                            "DOCS_HTML": str(tmp_path / "d.html"), "USERS": {}}), instance, every=0)
    app.test_client().get("/login")  # any request: the site publishes the pending green build first
    assert _digest(instance.serving_db) != served
    assert publish_pending(instance) is None


def test_a_fresh_clone_has_the_folder_dbt_builds_into():
    project = Path(__file__).resolve().parents[2]
    tracked = subprocess.run(["git", "ls-files", "--error-unmatch", "data/warehouse/.gitkeep"], cwd=project,
                             capture_output=True, text=True)
    assert tracked.returncode == 0, "data/warehouse/ must ship with the clone (profiles.yml builds into it)"
