"""Build the warehouse with dbt and publish a serving snapshot.

Why a snapshot: a read-write DuckDB connection (dbt build) locks the file against every other
process, readers included. dbt therefore builds into its own file; after a successful build the
file is copied to a temporary name beside the served one, stamped with build metadata, and
`os.replace()`d onto it. Readers holding the old file keep reading it; new connections see the
new data; a failed build publishes nothing.

Why a green marker: the build file changes whether or not its tests pass, and a plain `dbt build`
can run without this module. dbt's hooks (warehouse/macros/build_status.sql) and `build` below write
`<build db>.status.json`; `publish` copies only a build marked green. One build per data folder at a
time (a lock file), one publish at a time (another), and the publish lock holder removes the temp
files of publishes that were killed.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[1]
log = logging.getLogger(__name__)


class BuildError(RuntimeError):
    """dbt failed, or the build cannot be published; nothing was published."""


# Relations left out of the serving snapshot (dropped from the copy before it is swapped in). Another
# module may append to it, e.g. identifier tables that only the audience export reads.
NOT_PUBLISHED: list[str] = []

# Why publish refuses, per marker status.
REFUSALS = {
    "building": "the last build did not finish (it was killed, or is still running)",
    "failed": "the last build failed",
    "untested": "the build database was changed without running its tests (dbt run/seed, or a build without tests)",
}


@dataclass(frozen=True)
class WarehousePaths:
    """Where one Reelmart instance keeps its data. Everything lives under `data_dir` (git-ignored)."""

    data_dir: Path

    @classmethod
    def default(cls) -> WarehousePaths:
        return cls(Path(os.environ.get("REELMART_DATA", PROJECT_DIR / "data")).resolve())

    @property
    def landing(self) -> Path:
        return Path(os.environ.get("REELMART_LANDING", self.data_dir / "landing"))

    @property
    def ground_truth(self) -> Path:
        return self.data_dir / "ground_truth"

    @property
    def build_db(self) -> Path:
        return self.data_dir / "warehouse" / "build.duckdb"

    @property
    def serving_db(self) -> Path:
        return self.data_dir / "serving" / "reelmart.duckdb"

    @property
    def docs_html(self) -> Path:
        return self.data_dir / "serving" / "dbt-docs.html"

    @property
    def dbt_target(self) -> Path:
        return self.data_dir / "dbt-target"

    @property
    def dbt_logs(self) -> Path:
        return self.data_dir / "dbt-logs"

    @property
    def build_status(self) -> Path:
        """The green-build marker written by dbt's hooks (macros/build_status.sql) and by `build`."""
        return self.build_db.with_name(self.build_db.name + ".status.json")


def dbt_env(paths: WarehousePaths) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DBT_TARGET_PATH": str(paths.dbt_target),
        "DBT_LOG_PATH": str(paths.dbt_logs),
        "REELMART_LANDING": str(paths.landing),
        "REELMART_BUILD_DB": str(paths.build_db),
        "REELMART_DATA": str(paths.data_dir),
    })
    env.setdefault("REELMART_SPARK_DIR", str(paths.data_dir / "spark"))  # the Spark target's scratch (docs/spark.md)
    return env


def drop_stale_partial_parse(target: Path, macro_dir: Path) -> bool:
    """Delete dbt's saved parse when a macro file changed after it; True if it did.

    dbt 1.11's partial parsing can lose a macro that was renamed or added in an edited file and then
    fails with "'<macro>' is undefined" (seen after pulling a change to warehouse/macros). A full parse
    costs a few seconds, so pay it whenever macros changed.
    """
    saved = target / "partial_parse.msgpack"
    if not saved.exists():
        return False
    parsed_at = saved.stat().st_mtime
    if any(path.stat().st_mtime > parsed_at for path in macro_dir.rglob("*.sql")):
        saved.unlink()
        return True
    return False


def _die_with_parent() -> None:
    """In the dbt child: get SIGTERM when the parent dies, even by SIGKILL (Linux), so no dbt is orphaned."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def run_dbt(args: list[str], paths: WarehousePaths, quiet: bool = False) -> subprocess.CompletedProcess:
    """Run a dbt command from the project folder against this instance's files."""
    paths.build_db.parent.mkdir(parents=True, exist_ok=True)
    if drop_stale_partial_parse(paths.dbt_target, PROJECT_DIR / "warehouse" / "macros"):
        log.info("macros changed since the last parse: dbt parses the whole project")
    dbt = Path(sys.executable).with_name("dbt")
    command = [str(dbt), *args]
    log.info("running %s", " ".join(command))
    started = time.time()
    result = subprocess.run(command, cwd=PROJECT_DIR, env=dbt_env(paths), text=True,
                            stdout=subprocess.PIPE if quiet else None, stderr=subprocess.STDOUT if quiet else None,
                            preexec_fn=_die_with_parent if sys.platform == "linux" else None)
    if result.returncode != 0:
        tail = (result.stdout or "")[-4000:] if quiet else ""
        failures = describe_failures(paths, since=started)
        raise BuildError(f"dbt {' '.join(args)} failed with exit code {result.returncode}\n{tail}"
                         + (f"\n{failures}" if failures else ""))
    return result


def describe_failures(paths: WarehousePaths, since: float = 0.0, sample_rows: int = 3) -> str:
    """What failed in the last dbt invocation, with a few rows of each failed test (they name the file).

    A test's rows say what is wrong (e.g. the reject-rate test returns source, export day, file and
    rate), so the message a user sees names the file instead of only the test.
    """
    results_path = paths.dbt_target / "run_results.json"
    if not results_path.exists() or results_path.stat().st_mtime < since:
        return ""  # dbt stopped before writing results (e.g. a parse error): its output says why
    try:
        results = json.loads(results_path.read_text())["results"]
    except (ValueError, KeyError):
        return ""
    lines = []
    failed = [r for r in results if r.get("status") in ("fail", "error")]
    for result in failed[:10]:
        lines.append(f"- {result['unique_id']}: {result['status']}: {(result.get('message') or '').strip()[:300]}")
        code = result.get("compiled_code")
        if result["status"] == "fail" and code and result["unique_id"].startswith("test."):
            try:
                with duckdb.connect(str(paths.build_db), read_only=True) as con:
                    cursor = con.execute(f"select * from ({code}) as failing limit {int(sample_rows)}")
                    names = [d[0] for d in cursor.description]
                    for row in cursor.fetchall():
                        lines.append("    " + ", ".join(f"{n}={v}" for n, v in zip(names, row, strict=True)))
            except duckdb.Error:
                pass
    return "\n".join(lines)


def read_build_status(paths: WarehousePaths) -> dict:
    """The marker as a dict, {"status": "missing"} when there is none or it cannot be read."""
    try:
        return json.loads(paths.build_status.read_text().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return {"status": "missing"}


def write_build_status(paths: WarehousePaths, status: str, detail: str = "") -> None:
    """Atomically replace the marker (the Python side of macros/build_status.sql)."""
    paths.build_status.parent.mkdir(parents=True, exist_ok=True)
    record = {"status": status, "command": "reelmart build", "detail": detail,
              "written_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    tmp = paths.build_status.with_name(f".{paths.build_status.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps(record) + "\n")
    os.replace(tmp, paths.build_status)


@contextlib.contextmanager
def exclusive_lock(path: Path, what: str):
    """Hold an advisory lock on `path` for one build/publish; refuse at once if another process holds it.

    The kernel drops the lock when its holder dies, so a killed run never leaves a stale lock.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BuildError(f"another {what} of {path.parent.parent} is running ({holder}); "
                             f"wait for it to finish and try again") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield


def build(paths: WarehousePaths, full_refresh: bool = False, select: str | None = None, docs: bool = True,
          quiet: bool = False, extra_vars: dict | None = None, refit: bool = False, exclude: str | None = None) -> dict:
    """`dbt build` (seeds, models, tests), then publish the snapshot. Returns the build metadata.

    refit: refit the scheduled models now (var refit) instead of keeping their last fit.
    exclude: dbt selectors of nodes not to build (as `dbt build --exclude`).
    """
    if not any(paths.landing.glob("*/**/*.parquet")):
        raise BuildError(f"no raw exports under {paths.landing}: run `reelmart generate` first")
    on_spark = on_spark_target()
    if on_spark and not full_refresh:
        # plain Parquet tables cannot replace rows by key: an incremental rerun would append a re-sent event
        # twice (docs/spark.md "Known gaps"), so a Spark build rebuilds its tables whole
        log.info("Spark target: a full refresh (Parquet tables cannot replace rows by key)")
        full_refresh = True
    args = ["build"]
    if full_refresh:
        args.append("--full-refresh")
    if select:
        args += ["--select", *select.split()]
        if on_spark:  # a test is run only when all its parents are selected (a model left out fails no test)
            args += ["--indirect-selection", "cautious"]
    if exclude:
        args += ["--exclude", *exclude.split()]
    if refit:
        extra_vars = {**(extra_vars or {}), "refit": True}
    if extra_vars:
        args += ["--vars", json.dumps(extra_vars)]
    with exclusive_lock(paths.build_db.parent / ".build.lock", "build"):
        started = time.perf_counter()
        write_build_status(paths, "building")
        try:
            run_dbt(args, paths, quiet=quiet)
        except BuildError as exc:
            write_build_status(paths, "failed", str(exc).splitlines()[0])
            raise BuildError(f"{exc}\nnothing was published; the site still serves the last good build") from None
        if on_spark:
            _import_spark_build(paths)
        with duckdb.connect(str(paths.build_db)) as con:
            drop_leftover_temp_tables(con)
        write_build_status(paths, "green")
        seconds = time.perf_counter() - started
        if docs:  # after a Spark build, of the DuckDB file it was copied into: the docs of what is served,
            # without starting a second Spark session (docs/spark.md)
            run_dbt(["docs", "generate", "--static", *(["--target", "duckdb"] if on_spark else [])], paths, quiet=True)
        return publish(paths, build_seconds=seconds)


def on_spark_target() -> bool:
    """True when dbt builds on Spark (profiles.yml target `spark`, chosen by REELMART_TARGET)."""
    return os.environ.get("REELMART_TARGET") == "spark"


def drop_leftover_temp_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Drop the `<model>__dbt_tmp<timestamp>` tables dbt-duckdb leaves behind after each run of an incremental
    Python model; left alone they pile up in the build database, one per model and build (issue 19)."""
    names = [row[0] for row in con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' "
        "and table_type = 'BASE TABLE' and regexp_matches(table_name, '__dbt_tmp[0-9]+$')").fetchall()]
    for name in names:
        con.execute(f'drop table "{name}"')
    return names


def _import_spark_build(paths: WarehousePaths) -> None:
    """A Spark build's tables become the build file that publish copies (reelmart/spark_import.py)."""
    from reelmart.spark_import import import_spark_tables, spark_dir

    try:
        import_spark_tables(spark_dir(paths.data_dir) / "spark-warehouse", paths.build_db)
    except (OSError, duckdb.Error) as exc:
        write_build_status(paths, "failed", f"copying the Spark tables failed: {exc}")
        raise BuildError(f"copying the Spark tables into {paths.build_db} failed: {exc}") from exc


def _remove_stale_temp_files(paths: WarehousePaths) -> list[Path]:
    """Temp copies left by killed publishes (only called under the publish lock, so none is in use)."""
    patterns = [f".{paths.serving_db.name}.*.tmp", f".{paths.docs_html.name}.*.tmp"]
    stale = [p for pattern in patterns for p in paths.serving_db.parent.glob(pattern) if p.is_file()]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def keep_private(snapshot_tmp: Path, paths: WarehousePaths) -> None:
    """Publish hook (issue 16): snapshot and build database owner-only, their folders too; raw identifiers
    moved out of the snapshot into the store only the audience export opens."""
    from audience_export.identifiers import split_from_snapshot, store_path

    for folder in (snapshot_tmp.parent, paths.build_db.parent):
        os.chmod(folder, 0o700)
    for path in (snapshot_tmp, paths.build_db):
        os.chmod(path, 0o600)
    split_from_snapshot(snapshot_tmp, store_path(paths.serving_db))


def publish(paths: WarehousePaths, build_seconds: float | None = None) -> dict:
    """Copy the built file next to the served one, stamp it, and swap it in atomically.

    Refuses (BuildError) unless the build is marked green; the serving snapshot is then left as it was.
    """
    marker = read_build_status(paths)
    if marker["status"] != "green":
        reason = REFUSALS.get(marker["status"], f"no successful build at {paths.build_db}")
        detail = f" ({marker['detail']})" if marker.get("detail") else ""
        raise BuildError(f"not publishing: {reason}{detail}. Run `reelmart build` and publish after it succeeds; "
                         f"the site keeps serving the last published build.")
    serving_dir = paths.serving_db.parent
    serving_dir.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(serving_dir / ".publish.lock", "publish"):
        for path in _remove_stale_temp_files(paths):
            log.info("removed %s, left by a killed publish", path.name)
        info = _swap_in_snapshot(paths, serving_dir, build_seconds)
    log.info("published %s", paths.serving_db)
    return info


def _swap_in_snapshot(paths: WarehousePaths, serving_dir: Path, build_seconds: float | None) -> dict:
    tmp = serving_dir / f".{paths.serving_db.name}.{uuid.uuid4().hex}.tmp"
    try:
        shutil.copyfile(paths.build_db, tmp)
        keep_private(tmp, paths)
        info = {
            "published_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "build_seconds": build_seconds,
            "landing_path": str(paths.landing),
        }
        with duckdb.connect(str(tmp)) as con:
            for relation in NOT_PUBLISHED:
                con.execute(f'drop table if exists "{relation}"')
            drop_leftover_temp_tables(con)
            con.execute("create or replace table reelmart_build_info (key varchar, value varchar)")
            con.executemany("insert into reelmart_build_info values (?, ?)",
                            [(k, json.dumps(v)) for k, v in info.items()])
            con.execute("checkpoint")
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, paths.serving_db)
    finally:
        tmp.unlink(missing_ok=True)
    docs = paths.dbt_target / "static_index.html"
    if docs.exists():
        docs_tmp = serving_dir / f".{paths.docs_html.name}.{uuid.uuid4().hex}.tmp"
        shutil.copyfile(docs, docs_tmp)
        os.replace(docs_tmp, paths.docs_html)
    return info


def publish_pending(paths: WarehousePaths) -> dict | None:
    """Publish a green build that is newer than the served snapshot, if there is one; else do nothing.

    A plain `dbt build` marks its build green or failed (dbt's on-run-end hook) but cannot copy it: dbt holds
    DuckDB's write lock until it exits. So whoever reads the snapshot next publishes it first: `reelmart serve`
    at start, the site before a request (reelmart.site), the audience export. A failed, untested or unfinished
    build is never published; neither is a build file dbt still holds (the next reader tries again). Returns the
    publish metadata, or None when nothing was published.
    """
    if read_build_status(paths)["status"] != "green" or not paths.build_db.exists():
        return None
    try:
        marked_at = paths.build_status.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    with contextlib.suppress(FileNotFoundError):
        if paths.serving_db.stat().st_mtime_ns >= marked_at:
            return None  # published after the build was marked (reelmart build / publish) or already on demand
    try:  # dbt still running (its on-run-end hook has written the marker, it has not exited): try later
        duckdb.connect(str(paths.build_db), read_only=True).close()
    except duckdb.Error:  # IOException from another process's lock (ConnectionException within this one)
        return None
    try:
        info = publish(paths)
    except BuildError as exc:  # another process is publishing it right now, or the marker changed meanwhile
        log.info("not published on demand: %s", exc)
        return None
    log.info("published the build a plain dbt build left green")
    return info
