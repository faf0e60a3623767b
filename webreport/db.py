"""Short read-only connections to the serving snapshot, and the only place the report site executes SQL
(an audience export started from the site runs in the audience export domain, audience_export.snapshot).

Each worker process keeps one read-only DuckDB database open per published snapshot (opening the
file costs tens of milliseconds; a cursor on an open database costs microseconds) and runs every
query on a fresh cursor. The snapshot is identified by the file's inode, size and mtime: a build
publishes with os.replace(), so the next query sees a new identity and opens the new file; the
previous generation is closed one publish later, when no request can still be using it. The app
never opens the build database, so `dbt build` is never blocked. Parameters are always bound. Once the
snapshot is attached, file access is switched off for that database: the snapshot's staging views over the
raw landing files (which hold raw identifiers) cannot be read from the web process, nor any other file.

Results are cached per snapshot: a published snapshot never changes (a new build is a new file
swapped in with os.replace), so a result keyed by the file's identity (inode, size, mtime), the SQL
and the parameters stays valid until the next publish, after which the key no longer matches.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path

import duckdb
from flask import current_app

CACHE_ENTRIES = 512
SNAPSHOT_CATALOG = "snapshot"


class SnapshotMissing(RuntimeError):
    """No warehouse has been published yet."""


class _ResultCache:
    """A small thread-safe LRU of query results (lists of row dicts), one per worker process."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            if key not in self._data:
                return None
            self._data.move_to_end(key)
            return self._data[key]

    def put(self, key, value) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.entries:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


_cache = _ResultCache(CACHE_ENTRIES)


def snapshot_path() -> Path:
    return Path(current_app.config["SERVING_DB"])


def snapshot_identity() -> tuple:
    """Changes whenever a new snapshot is published (os.replace gives the path a new inode)."""
    path = snapshot_path()
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        raise SnapshotMissing(f"no published warehouse at {path}; run `reelmart build`") from None
    return (str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns)


class _Snapshots:
    """The open read-only databases of this process: the current snapshot and the one before."""

    KEEP = 2

    def __init__(self) -> None:
        self._open: OrderedDict[tuple, duckdb.DuckDBPyConnection] = OrderedDict()
        self._lock = threading.Lock()

    def cursor(self, identity: tuple) -> duckdb.DuckDBPyConnection:
        with self._lock:
            database = self._open.get(identity)
            if database is None:
                # An in-memory instance that attaches the file: duckdb.connect(path) would reuse any
                # instance already open on that path in this process, i.e. the old snapshot.
                database = duckdb.connect(":memory:", config={"threads": 1})
                quoted = identity[0].replace("'", "''")
                database.execute(f"attach '{quoted}' as {SNAPSHOT_CATALOG} (read_only)")
                # no file beyond the snapshot: views over the landing exports (raw identifiers) stay closed
                database.execute("set enable_external_access = false")
                self._open[identity] = database
                while len(self._open) > self.KEEP:
                    _, oldest = self._open.popitem(last=False)
                    oldest.close()
            cursor = database.cursor()
        cursor.execute(f"use {SNAPSHOT_CATALOG}")
        return cursor

    def close_all(self) -> None:
        with self._lock:
            while self._open:
                self._open.popitem()[1].close()


_snapshots = _Snapshots()


def connect() -> duckdb.DuckDBPyConnection:
    """A cursor on the current snapshot; close it (or use it in a `with`) when done."""
    return _snapshots.cursor(snapshot_identity())


def _params_key(params: dict | list | tuple | None):
    if params is None:
        return ()
    if isinstance(params, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in params.items()))
    return tuple(_freeze(v) for v in params)


def _freeze(value):
    return tuple(value) if isinstance(value, list) else value


def fetch_all(sql: str, params: dict | list | None = None) -> list[dict]:
    """Rows as dicts. Cached per snapshot; callers get their own copies of the row dicts."""
    key = (snapshot_identity(), sql, _params_key(params))
    if current_app.config.get("QUERY_CACHE", True):
        cached = _cache.get(key)
        if cached is not None:
            return [dict(row) for row in cached]
    with _snapshots.cursor(key[0]) as con:
        cursor = con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    if current_app.config.get("QUERY_CACHE", True):
        _cache.put(key, rows)
    return [dict(row) for row in rows]


def fetch_one(sql: str, params: dict | list | None = None) -> dict | None:
    rows = fetch_all(sql, params)
    return rows[0] if rows else None


def relation_exists(name: str) -> bool:
    row = fetch_one("select count(*) as n from information_schema.tables where table_name = ?", [name])
    return bool(row and row["n"])
