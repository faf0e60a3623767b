"""Issue 16 at rest: no raw identifier in the serving snapshot or the build database, the identifier store
only the export opens, owner-only files, and a web connection that cannot reach the raw landing files."""

from __future__ import annotations

import stat

import duckdb
import pytest

from audience_export.identifiers import RELATION, store_path


def _raw_values(tiny_warehouse) -> list[str]:
    with duckdb.connect(str(store_path(tiny_warehouse.serving_db)), read_only=True) as con:
        rows = con.execute(f"select email, phone, maid from {RELATION}").fetchall()
    return sorted({v.strip() for row in rows for v in row if v and len(v.strip()) >= 8})


def test_the_store_holds_every_valid_user_and_the_snapshot_none(tiny_warehouse):
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        assert con.execute("select count(*) from information_schema.tables where table_name = ?",
                           [RELATION]).fetchall()[0][0] == 0
        users = con.execute("select count(*) from dim_users").fetchall()[0][0]
    with duckdb.connect(str(store_path(tiny_warehouse.serving_db)), read_only=True) as con:
        stored, emails = con.execute(f"select count(*), count(email) from {RELATION}").fetchall()[0]
    assert stored == users and emails > 0


@pytest.mark.parametrize("which", ["serving_db", "build_db"])
def test_no_raw_identifier_in_the_snapshot_or_build_files(tiny_warehouse, which):
    """Byte-level: not one raw e-mail, phone or MAID anywhere in the file (dropped data included)."""
    data = getattr(tiny_warehouse, which).read_bytes()
    raw = _raw_values(tiny_warehouse)
    assert len(raw) > 300
    leaked = [value for value in raw if value.encode() in data]
    assert leaked == []


def test_files_at_rest_are_owner_only(tiny_warehouse):
    paths = [tiny_warehouse.serving_db, tiny_warehouse.build_db, store_path(tiny_warehouse.serving_db)]
    for path in paths:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700, path.parent


def test_the_web_connection_reads_no_file_but_the_snapshot(app, tiny_warehouse):
    """The snapshot's staging views read the landing files (raw identifiers); the web's connection cannot."""
    from webreport import db

    with app.app_context(), db.connect() as con:
        assert con.execute("select count(*) from dim_users").fetchall()[0][0] > 0
        with pytest.raises(duckdb.Error, match="disabled by configuration"):
            con.execute("select email_raw from stg_platform__users limit 1").fetchall()
        with pytest.raises(duckdb.Error):
            con.execute(f"attach '{store_path(tiny_warehouse.serving_db)}' as s (read_only)")
