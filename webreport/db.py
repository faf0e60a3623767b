"""Short read-only connections to the serving snapshot, and the only place SQL is executed.

A connection per call: DuckDB lets many read-only connections share the file, and a fresh one
sees a snapshot published with os.replace() since the last call. Parameters are always bound.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from flask import current_app


class SnapshotMissing(RuntimeError):
    """No warehouse has been published yet."""


def connect() -> duckdb.DuckDBPyConnection:
    path = Path(current_app.config["SERVING_DB"])
    if not path.exists():
        raise SnapshotMissing(f"no published warehouse at {path}; run `reelmart build`")
    return duckdb.connect(str(path), read_only=True, config={"threads": 1})


def fetch_all(sql: str, params: dict | list | None = None) -> list[dict]:
    with connect() as con:
        cursor = con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def fetch_one(sql: str, params: dict | list | None = None) -> dict | None:
    rows = fetch_all(sql, params)
    return rows[0] if rows else None


def relation_exists(name: str) -> bool:
    row = fetch_one("select count(*) as n from information_schema.tables where table_name = ?", [name])
    return bool(row and row["n"])
