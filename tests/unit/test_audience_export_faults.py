"""Fault suite for the audience export: a killed export publishes nothing, leaves only temporary files the
next run removes (or none, on SIGTERM), and every file written is readable by its owner only. Also the
destinations' documented rules (Google without Country/Zip, TikTok's phone and '+tag' rules, minimum
sizes as floors)."""

from __future__ import annotations

import csv
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from audience_export import AudienceTooSmallError, ExportLedger, export_audience, synthetic
from audience_export.destinations import get_destination
from audience_export.normalise import sha256_hex

# A child that exports 3,000 members in chunks of 500, pausing 3 s after each file (time to be killed).
CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from audience_export import export, synthetic
    out, ledger, marker, mode = sys.argv[1:5]
    real = export._write_file
    def slow(path, table, file_format):
        info = real(path, table, file_format)
        Path(marker).write_text(str(path))
        time.sleep(3)
        return info
    export._write_file = slow
    members = synthetic.messy_members(3000, seed=5)
    if mode == "cli":
        import signal
        from reelmart.commands import audiences
        signal.signal(signal.SIGTERM, audiences._terminated)
    export.export_audience(members, "killed", "csv", out, ledger, "v1", chunk_size=500)
""")


def _start_child(tmp_path: Path, mode: str) -> tuple[subprocess.Popen, Path]:
    marker = tmp_path / "marker"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path / "out"), str(tmp_path / "l.sqlite"),
                              str(marker), mode])
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert child.poll() is None, "the export child died before writing"
        assert time.monotonic() < deadline, "the export child never wrote its first file"
        time.sleep(0.05)
    return child, marker


def _temporary(tmp_path: Path) -> list[Path]:
    return sorted(p for p in tmp_path.rglob("*") if p.name.startswith(".tmp"))


def test_killed_export_publishes_nothing_and_the_next_run_cleans_up(tmp_path):
    child, _ = _start_child(tmp_path, "library")
    left = _temporary(tmp_path)
    child.send_signal(signal.SIGKILL)
    child.wait(30)
    # what the kill left: a temporary run folder of hashed identifiers, no run, no ledger entry
    assert any(p.parent.name == "csv" and p.is_dir() for p in left), left
    assert not [p for p in (tmp_path / "out" / "killed" / "csv").iterdir() if not p.name.startswith(".tmp")]
    assert ExportLedger(tmp_path / "l.sqlite").runs() == []

    result = export_audience(synthetic.messy_members(3000, seed=5), "killed", "csv", tmp_path / "out",
                             tmp_path / "l.sqlite", "v1", chunk_size=500)
    assert _temporary(tmp_path) == []  # the killed run's files are gone, the new run left none
    runs = ExportLedger(tmp_path / "l.sqlite").runs()
    assert [r.run_id for r in runs] == [result.run_id]
    assert result.manifest["previous_run_id"] is None  # the killed run never counted as a previous run
    assert sorted(p.name for p in (tmp_path / "out" / "killed" / "csv").iterdir()) == [result.run_id]


def test_terminated_cli_export_removes_its_temporary_files(tmp_path):
    child, _ = _start_child(tmp_path, "cli")
    assert _temporary(tmp_path)
    child.send_signal(signal.SIGTERM)
    assert child.wait(30) == 128 + signal.SIGTERM
    assert _temporary(tmp_path) == []
    assert ExportLedger(tmp_path / "l.sqlite").runs() == []


def test_exports_of_one_ledger_run_one_at_a_time(tmp_path):
    """A second export waits for the first (so cleaning never removes a live run's files)."""
    child, _ = _start_child(tmp_path, "library")
    try:
        probe = subprocess.run(
            [sys.executable, "-c", textwrap.dedent("""
                import fcntl, os, sys
                fd = os.open(sys.argv[1], os.O_RDWR)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    sys.exit(3)
            """), str(tmp_path / "l.sqlite.lock")], timeout=30)
        assert probe.returncode == 3  # the lock is held by the running export
    finally:
        child.kill()
        child.wait(30)


def _modes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode) for p in root.rglob("*")}


def test_export_files_and_ledger_are_owner_only(tmp_path):
    old = os.umask(0o022)  # a permissive umask: the modes must not depend on it
    try:
        export_audience(synthetic.messy_members(200, seed=1), "a", "tiktok", tmp_path / "out",
                        tmp_path / "ledger" / "l.sqlite", "v1", force_min_size=1)
    finally:
        os.umask(old)
    modes = {**_modes(tmp_path / "out"), **_modes(tmp_path / "ledger")}
    assert modes
    loose = {name: oct(mode) for name, mode in modes.items() if mode & 0o077}
    assert loose == {}


# --- destinations' documented rules ------------------------------------------------------------------------


def _one(**identifiers) -> pa.Table:
    base = {"user_id": 1, "email": None, "phone": None, "country_code": "US", "zip": "94016", "maid": None}
    return pa.Table.from_pylist([{**base, **identifiers}])


def _written(tmp_path: Path, destination: str, table: pa.Table, **kwargs) -> list[dict]:
    result = export_audience(table, "rules", destination, tmp_path / destination, tmp_path / f"{destination}.sqlite",
                             "v1", force_min_size=1, **kwargs)
    with open(next(result.run_dir.glob("full-*.csv")), newline="") as fh:
        return list(csv.DictReader(fh))


def test_google_gets_no_country_or_zip_without_names(tmp_path):
    rows = _written(tmp_path, "google", _one(email="Jane.Doe+ads@Example.com", phone="+1 415 555 0132"))
    assert list(rows[0]) == ["Email", "Phone"]  # Country and Zip match only with First and Last Name
    assert rows[0]["Email"] == sha256_hex("jane.doe+ads@example.com")  # Google keeps '+tags'
    assert rows[0]["Phone"] == sha256_hex("+14155550132")
    text = next((tmp_path / "google").rglob("full-*.csv")).read_text()
    assert "94016" not in text and ",US" not in text


def test_tiktok_strips_plus_tags_and_hashes_digits_only_phones(tmp_path):
    rows = _written(tmp_path, "tiktok", _one(email="Jane.Doe+ads@Example.com", phone="+1 415 555 0132"))
    assert rows[0]["Email_SHA256"] == sha256_hex("jane.doe@example.com")
    assert rows[0]["Phone_SHA256"] == sha256_hex("14155550132")
    older = _written(tmp_path / "e164", "tiktok", _one(phone="+1 415 555 0132"), phone_format="e164")
    assert older[0]["Phone_SHA256"] == sha256_hex("+14155550132")


def test_minimum_sizes_are_floors_only_force_lowers(tmp_path):
    table = synthetic.messy_members(300, seed=2)
    for destination, floor in (("google", 1_000), ("tiktok", 1_000), ("meta", 100)):
        assert get_destination(destination, min_size=10).min_size == floor
        assert get_destination(destination, min_size=5_000).min_size == 5_000
        assert get_destination(destination, force_min_size=10).min_size == 10
    with pytest.raises(AudienceTooSmallError, match="only an explicit --force-min-size lowers"):
        export_audience(table, "floor", "google", tmp_path / "o", tmp_path / "l.sqlite", "v1", min_size=10)
    assert not list(tmp_path.rglob("*.csv"))
    forced = export_audience(table, "floor", "google", tmp_path / "o", tmp_path / "l.sqlite", "v1",
                             force_min_size=10)
    assert forced.manifest["format"]["min_size"] == 10


def test_fake_snapshot_definition_minimum_cannot_lower_the_destination(tmp_path):
    """An audience defined with min_size 5 still meets Google's 1,000 unless forced."""
    from audience_export.snapshot import AudienceError, export_from_snapshot

    db = tmp_path / "serving" / "reelmart.duckdb"
    db.parent.mkdir()
    table = synthetic.messy_members(80, seed=3)
    with duckdb.connect(str(db)) as con:
        con.register("ids", table)
        con.execute("create table dim_user_identifiers as select * from ids")
        con.execute("create table aud_small as select user_id from ids")
        con.execute("""create table rpt_audience_definitions as select * from (values
            ('small', 'd', 'o', 'google', 5, 'email,phone', 'v1'))
            t(audience_name, description, owner, destinations, min_size, allowed_columns, definition_version)""")
    with pytest.raises(AudienceTooSmallError, match="minimum of 1,000"):
        export_from_snapshot(db, "small", "google", tmp_path / "o", tmp_path / "l.sqlite")
    assert export_from_snapshot(db, "small", "google", tmp_path / "o", tmp_path / "l.sqlite",
                                force_min_size=5).counts["written"] > 5
    with pytest.raises(AudienceError, match="no identifier store"):
        with duckdb.connect(str(db)) as con:
            con.execute("drop table dim_user_identifiers")
        export_from_snapshot(db, "small", "google", tmp_path / "o", tmp_path / "l.sqlite", force_min_size=5)
