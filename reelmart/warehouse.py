"""Build the warehouse with dbt and publish a serving snapshot.

Why a snapshot: a read-write DuckDB connection (dbt build) locks the file against every other
process, readers included. dbt therefore builds into its own file; after a successful build the
file is copied to a temporary name beside the served one, stamped with build metadata, and
`os.replace()`d onto it. Readers holding the old file keep reading it; new connections see the
new data; a failed build publishes nothing.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
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
    """dbt failed; nothing was published."""


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


def run_dbt(args: list[str], paths: WarehousePaths, quiet: bool = False) -> subprocess.CompletedProcess:
    """Run a dbt command from the project folder against this instance's files."""
    paths.build_db.parent.mkdir(parents=True, exist_ok=True)
    if drop_stale_partial_parse(paths.dbt_target, PROJECT_DIR / "warehouse" / "macros"):
        log.info("macros changed since the last parse: dbt parses the whole project")
    dbt = Path(sys.executable).with_name("dbt")
    command = [str(dbt), *args]
    log.info("running %s", " ".join(command))
    result = subprocess.run(command, cwd=PROJECT_DIR, env=dbt_env(paths), text=True,
                            stdout=subprocess.PIPE if quiet else None, stderr=subprocess.STDOUT if quiet else None)
    if result.returncode != 0:
        tail = (result.stdout or "")[-4000:] if quiet else ""
        raise BuildError(f"dbt {' '.join(args)} failed with exit code {result.returncode}\n{tail}")
    return result


def build(paths: WarehousePaths, full_refresh: bool = False, select: str | None = None, docs: bool = True,
          quiet: bool = False) -> dict:
    """`dbt build` (seeds, models, tests), then publish the snapshot. Returns the build metadata."""
    if not any(paths.landing.glob("*/**/*.parquet")):
        raise BuildError(f"no raw exports under {paths.landing}: run `reelmart generate` first")
    args = ["build"]
    if full_refresh:
        args.append("--full-refresh")
    if select:
        args += ["--select", select]
    started = time.perf_counter()
    run_dbt(args, paths, quiet=quiet)
    seconds = time.perf_counter() - started
    if docs:
        run_dbt(["docs", "generate", "--static"], paths, quiet=True)
    return publish(paths, build_seconds=seconds)


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
    """Copy the built file next to the served one, stamp it, and swap it in atomically."""
    serving_dir = paths.serving_db.parent
    serving_dir.mkdir(parents=True, exist_ok=True)
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
    log.info("published %s", paths.serving_db)
    return info
