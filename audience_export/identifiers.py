"""The identifier store: raw e-mail, phone and mobile ad id, kept out of the serving snapshot.

The report site needs no raw identifier, so the snapshot it serves holds none. `dim_user_identifiers` is a
view in the build (so its values never sit in the build database's blocks either); at publish,
`split_from_snapshot` reads it once into its own DuckDB file beside the snapshot
(`<data dir>/private/identifiers.duckdb`, owner-only, replaced atomically) and drops the view from the
snapshot being published. Only the audience export (`audience_export.snapshot`) opens the store.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import duckdb

RELATION = "dim_user_identifiers"
COLUMNS = ("user_id", "email", "phone", "country_code", "zip", "maid")


class IdentifierStoreMissing(RuntimeError):
    """No identifier store beside the snapshot: nothing to export from (publish the warehouse first)."""


def store_path(snapshot: str | os.PathLike) -> Path:
    """The store of a snapshot `<data dir>/serving/reelmart.duckdb`: `<data dir>/private/identifiers.duckdb`."""
    return Path(snapshot).resolve().parent.parent / "private" / "identifiers.duckdb"


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def split_from_snapshot(snapshot: str | os.PathLike, store: str | os.PathLike) -> int | None:
    """Copy the identifiers out of `snapshot` (a file about to be published) into `store`, then drop them
    from the snapshot. Returns the rows stored, or None when the snapshot has no identifier relation (a
    partial build): the previous store is then left as it is."""
    snapshot, store = Path(snapshot), Path(store)
    with duckdb.connect(str(snapshot)) as con:
        kind = con.execute(
            "select table_type from information_schema.tables where table_name = ?", [RELATION]
        ).fetchall()
        if not kind:
            return None
        _private_dir(store.parent)
        tmp = store.with_name(f".{store.name}.{uuid.uuid4().hex}.tmp")
        try:
            # written inside the owner-only folder, so no one else can open it before the chmod
            con.execute(f"attach '{_quoted(tmp)}' as identifier_store")
            columns = ", ".join(COLUMNS)
            con.execute(f"create table identifier_store.{RELATION} as select {columns} from {RELATION}")
            con.execute("detach identifier_store")
            os.chmod(tmp, 0o600)
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, store)
        finally:
            tmp.unlink(missing_ok=True)
            Path(f"{tmp}.wal").unlink(missing_ok=True)
        drop = "view" if kind[0][0] == "VIEW" else "table"
        con.execute(f"drop {drop} {RELATION}")
        con.execute("checkpoint")
    with duckdb.connect(str(store), read_only=True) as check:
        return check.execute(f"select count(*) from {RELATION}").fetchall()[0][0]


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def connect_store(store: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the identifier store (only the audience export calls this)."""
    store = Path(store)
    if not store.exists():
        raise IdentifierStoreMissing(
            f"no identifier store at {store}: publish the warehouse (reelmart build / reelmart publish) first"
        )
    return duckdb.connect(str(store), read_only=True)
