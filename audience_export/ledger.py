"""The export ledger: which members went to which destination, kept apart from the warehouse.

The warehouse is rebuilt from scratch at will; the ledger must not be, or every rebuild would turn the
next export into "add everyone, remove no one". So it is a SQLite file of its own
(default `data/ledger/audience_exports.sqlite`) holding one row per successful run, plus one Parquet file
per run (beside the SQLite file, under `members/`) with the run's written rows: the 32-byte member key
and the hashed identifier columns exactly as uploaded, so that a later run can write a `remove` file.
Hashes are incompressible, so a run costs about 32 bytes of key plus ~30 bytes per hashed column and
member (zstd on hex): 88 MB for a 1M-member Google run.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

DEFAULT_LEDGER_PATH = Path("data/ledger/audience_exports.sqlite")

_SCHEMA = """
create table if not exists runs (
    run_id text primary key,
    audience text not null,
    destination text not null,
    run_ts text not null,
    definition_version text not null,
    members integer not null,
    written integer not null,
    unmatched integer not null,
    added integer not null,
    removed integer not null,
    checksums text not null,
    out_dir text not null,
    members_file text not null,
    members_sha256 text not null
);
create index if not exists runs_by_audience on runs (audience, destination, run_ts);
"""


@dataclass
class RunRecord:
    """One successful export run (counts are rows; checksums map file name -> SHA-256)."""

    run_id: str
    audience: str
    destination: str
    run_ts: str
    definition_version: str
    members: int
    written: int
    unmatched: int
    added: int
    removed: int
    out_dir: str
    checksums: dict[str, str] = field(default_factory=dict)
    members_file: str = ""
    members_sha256: str = ""


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ExportLedger:
    """Runs and their member keys; `previous_run` is what the next export diffs against."""

    def __init__(self, path: str | os.PathLike = DEFAULT_LEDGER_PATH) -> None:
        self.path = Path(path)
        self.members_dir = self.path.parent / "members"
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.members_dir.mkdir(mode=0o700, exist_ok=True)
        if not self.path.exists():  # owner-only from its first byte (SQLite's journals copy its mode)
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        with self._connect() as con:
            con.executescript(_SCHEMA)

    @contextlib.contextmanager
    def exclusive(self):
        """Hold the ledger's lock (an flock on `<ledger>.lock`, released if the process dies): one export
        of this ledger at a time, so temporary files found while holding it belong to killed runs."""
        fd = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield self
        finally:
            os.close(fd)  # closing releases the lock

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=30)
        con.row_factory = sqlite3.Row
        return con

    @staticmethod
    def _record(row: sqlite3.Row) -> RunRecord:
        values = dict(row)
        values["checksums"] = json.loads(values["checksums"])
        return RunRecord(**values)

    def previous_run(self, audience: str, destination: str) -> RunRecord | None:
        """The latest successful run of this audience to this destination, or None."""
        with self._connect() as con:
            row = con.execute(
                "select * from runs where audience = ? and destination = ? order by run_ts desc, rowid desc limit 1",
                (audience, destination),
            ).fetchone()
        return self._record(row) if row else None

    def get(self, run_id: str) -> RunRecord | None:
        """One run by id (bound parameter), or None."""
        with self._connect() as con:
            row = con.execute("select * from runs where run_id = ?", (run_id,)).fetchone()
        return self._record(row) if row else None

    def runs(self, audience: str | None = None, destination: str | None = None) -> list[RunRecord]:
        """Runs, oldest first, optionally for one audience and/or destination."""
        with self._connect() as con:
            rows = con.execute(
                "select * from runs where (? is null or audience = ?) and (? is null or destination = ?)"
                " order by run_ts, rowid",
                (audience, audience, destination, destination),
            ).fetchall()
        return [self._record(r) for r in rows]

    def members_path(self, record: RunRecord) -> Path:
        return self.members_dir / record.members_file

    def read_members(self, record: RunRecord) -> pa.Table:
        """The rows written by a run (member_key plus the destination's columns)."""
        return pq.read_table(self.members_path(record))

    def staging_path(self, run_id: str) -> Path:
        return self.members_dir / f".tmp-{run_id}.parquet"

    def stage_members(self, run_id: str, members: pa.Table) -> Path:
        """Write a run's member rows under a temporary name (fsynced); `record_run` makes them final."""
        tmp = self.staging_path(run_id)
        try:
            with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
                pq.write_table(members, fh, compression="zstd")
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return tmp

    def record_run(self, record: RunRecord, staged: Path, manifest_sha256: str | None = None) -> None:
        """Make the staged member file final, then commit the run's row; on failure neither remains.

        Call only once the export files are in their final place: a ledger entry promises they exist.
        """
        name = f"{record.run_id}.parquet"
        final = self.members_dir / name
        try:
            os.replace(staged, final)
            _fsync_dir(self.members_dir)
            record.members_file = name
            record.members_sha256 = _file_sha256(final)
            if manifest_sha256:
                record.checksums = {**record.checksums, "manifest.json": manifest_sha256}
            values = asdict(record)
            values["checksums"] = json.dumps(values["checksums"], sort_keys=True)
            columns = ", ".join(values)
            placeholders = ", ".join("?" for _ in values)
            with self._connect() as con:  # commits on success, rolls back on exception
                con.execute(f"insert into runs ({columns}) values ({placeholders})", tuple(values.values()))
        except BaseException:
            staged.unlink(missing_ok=True)
            final.unlink(missing_ok=True)
            raise


def _file_sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
