"""Export runs: diffs, minimum sizes, chunking, atomicity, manifests, PII, ledger, and the CLI."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from audience_export import AudienceTooSmallError, ExportLedger, export_audience, synthetic
from audience_export import export as export_module
from audience_export.normalise import normalise_email, normalise_phone, sha256_hex
from reelmart import cli


def members(user_ids: list[int]) -> pa.Table:
    """Members with clean, distinct, valid identifiers (so row counts are predictable)."""
    return pa.table(
        {
            "user_id": pa.array(user_ids, pa.int64()),
            "email": [f"  User{u}@Example.COM " for u in user_ids],
            "phone": [f"+86 138-{u // 10000:04d}-{u % 10000:04d}" for u in user_ids],
            "country_code": ["CN"] * len(user_ids),
            "zip": ["100000"] * len(user_ids),
            "maid": [None] * len(user_ids),
        }
    )


def read_rows(run_dir: Path, kind: str) -> list[dict]:
    rows = []
    for path in sorted(run_dir.glob(f"{kind}-*.csv")):
        with open(path, newline="") as fh:
            rows += list(csv.DictReader(fh))
    return rows


def test_three_runs_full_add_remove(tmp_path):
    ledger = ExportLedger(tmp_path / "ledger.sqlite")
    runs = []
    for ids in ([1, 2, 3, 4], [2, 3, 4, 5, 6], [5, 6, 7]):
        runs.append(
            export_audience(members(ids), "buyers", "meta", tmp_path / "out", ledger, "v1", force_min_size=1)
        )
    email = {u: sha256_hex(f"user{u}@example.com") for u in range(1, 8)}

    def emails(run, kind):
        return sorted(r["email"] for r in read_rows(run.run_dir, kind))

    assert emails(runs[0], "full") == emails(runs[0], "add") == sorted(email[u] for u in [1, 2, 3, 4])
    assert emails(runs[0], "remove") == []
    assert emails(runs[1], "add") == sorted(email[u] for u in [5, 6])
    assert emails(runs[1], "remove") == [email[1]]
    assert emails(runs[2], "full") == sorted(email[u] for u in [5, 6, 7])
    assert emails(runs[2], "add") == [email[7]]
    assert emails(runs[2], "remove") == sorted(email[u] for u in [2, 3, 4])
    assert runs[2].counts == {"members": 3, "unmatched": 0, "written": 3, "added": 1, "removed": 3}
    assert runs[2].manifest["previous_run_id"] == runs[1].run_id
    recorded = ledger.runs("buyers", "meta")
    assert [r.run_id for r in recorded] == [r.run_id for r in runs]
    assert ledger.read_members(recorded[-1]).num_rows == 3
    # another destination has its own history
    other = export_audience(members([1]), "buyers", "google", tmp_path / "out", ledger, "v1", force_min_size=1)
    assert other.counts["added"] == 1 and other.counts["removed"] == 0


def test_changed_phone_is_remove_plus_add(tmp_path):
    ledger = ExportLedger(tmp_path / "l.sqlite")
    export_audience(members([1, 2]), "a", "tiktok", tmp_path, ledger, "v1", force_min_size=1)
    changed = members([1, 2]).to_pylist()
    changed[1]["phone"] = "+86 139 0000 0002"
    second = export_audience(pa.Table.from_pylist(changed), "a", "tiktok", tmp_path, ledger, "v2", force_min_size=1)
    assert (second.counts["added"], second.counts["removed"]) == (1, 1)
    assert read_rows(second.run_dir, "add")[0]["Phone_SHA256"] == sha256_hex("8613900000002")
    assert second.manifest["definition_version"] == "v2"


def test_refuses_below_minimum_and_writes_nothing(tmp_path):
    ledger = ExportLedger(tmp_path / "l.sqlite")
    with pytest.raises(
        AudienceTooSmallError, match=r"50 matchable members for google, below its minimum of 1,000"
    ):
        export_audience(members(list(range(50))), "small", "google", tmp_path / "out", ledger, "v1")
    with pytest.raises(AudienceTooSmallError, match="minimum of 100"):
        export_audience(members(list(range(99))), "small", "meta", tmp_path / "out", ledger, "v1")
    assert not (tmp_path / "out").exists()
    assert ledger.runs() == []
    ok = export_audience(members(list(range(100))), "small", "meta", tmp_path / "out", ledger, "v1")
    assert ok.counts["written"] == 100


def test_unmatched_members_are_counted_not_written(tmp_path):
    rows = members([1, 2, 3]).to_pylist()
    rows[0].update(email="not given", phone="n/a")
    rows[1].update(email="", phone="12345", maid="AECE52E7-03EE-455A-B3C4-E57283966239")
    result = export_audience(
        pa.Table.from_pylist(rows), "u", "google", tmp_path, tmp_path / "l.sqlite", "v1", force_min_size=1
    )
    assert result.counts["unmatched"] == 2 and result.counts["written"] == 1  # google cannot use a MAID
    result = export_audience(
        pa.Table.from_pylist(rows), "u", "tiktok", tmp_path, tmp_path / "l.sqlite", "v1", force_min_size=1
    )
    assert result.counts["unmatched"] == 1 and result.counts["written"] == 2
    assert read_rows(result.run_dir, "full")[0]["MAID_SHA256"] in {
        sha256_hex("aece52e7-03ee-455a-b3c4-e57283966239"),
        "",
    }


def test_chunking_and_manifest_checksums(tmp_path):
    result = export_audience(
        members(list(range(25))),
        "c",
        "meta",
        tmp_path,
        tmp_path / "l.sqlite",
        "v1",
        force_min_size=1,
        chunk_size=10,
    )
    full = sorted(p.name for p in result.run_dir.glob("full-*.csv"))
    assert full == ["full-00001.csv", "full-00002.csv", "full-00003.csv"]
    assert [len((result.run_dir / n).read_text().splitlines()) - 1 for n in full] == [10, 10, 5]
    assert len(read_rows(result.run_dir, "full")) == 25
    manifest = json.loads((result.run_dir / "manifest.json").read_text())
    assert manifest["counts"]["written"] == 25
    names = {f["name"] for f in manifest["files"]}
    assert names == {p.name for p in result.run_dir.iterdir()} - {"manifest.json"}
    for f in manifest["files"]:
        assert hashlib.sha256((result.run_dir / f["name"]).read_bytes()).hexdigest() == f["sha256"]
    ledger = ExportLedger(tmp_path / "l.sqlite")
    record = ledger.runs()[0]
    assert (
        record.checksums["manifest.json"]
        == hashlib.sha256((result.run_dir / "manifest.json").read_bytes()).hexdigest()
    )
    assert (tmp_path / "members" / record.members_file).exists()


def test_default_chunk_limits_apply(tmp_path):
    result = export_audience(
        members(list(range(10_001))), "big", "meta", tmp_path, tmp_path / "l.sqlite", "v1"
    )
    assert [f["rows"] for f in result.manifest["files"] if f["kind"] == "full"] == [10_000, 1]


def test_interrupted_export_leaves_no_file_and_no_ledger_entry(tmp_path, monkeypatch):
    ledger = ExportLedger(tmp_path / "l.sqlite")
    first = export_audience(
        members([1, 2, 3]), "i", "meta", tmp_path / "out", ledger, "v1", force_min_size=1, chunk_size=1
    )
    real_write = export_module._write_file
    calls = {"n": 0}

    def failing_write(path, table, file_format):
        calls["n"] += 1
        if calls["n"] == 3:
            path.write_bytes(b"partial")  # a half-written chunk on disk when the failure hits
            raise OSError("disk full (injected)")
        return real_write(path, table, file_format)

    monkeypatch.setattr(export_module, "_write_file", failing_write)
    with pytest.raises(OSError, match="injected"):
        export_audience(
            members([2, 3, 4, 5]), "i", "meta", tmp_path / "out", ledger, "v1", force_min_size=1, chunk_size=1
        )
    run_dirs = list((tmp_path / "out" / "i" / "meta").iterdir())
    assert run_dirs == [first.run_dir]
    assert [r.run_id for r in ledger.runs()] == [first.run_id]
    assert sorted(p.name for p in (tmp_path / "members").iterdir()) == [f"{first.run_id}.parquet"]

    # a failing ledger commit removes the already renamed run directory too
    monkeypatch.setattr(export_module, "_write_file", real_write)
    monkeypatch.setattr(
        ExportLedger, "record_run", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("db locked"))
    )
    with pytest.raises(RuntimeError, match="db locked"):
        export_audience(members([9]), "i", "meta", tmp_path / "out", ledger, "v1", force_min_size=1)
    assert list((tmp_path / "out" / "i" / "meta").iterdir()) == [first.run_dir]


def _digit_forms(phone: str) -> set[str]:
    digits = re.sub(r"\D", "", phone)
    forms = {phone.strip(), digits}
    e164 = normalise_phone(phone, "CN") or normalise_phone(phone, "GB") or normalise_phone(phone, "US")
    if e164:
        forms |= {e164, e164[1:]}
    return {f for f in forms if len(re.sub(r"\D", "", f)) >= 7}


@pytest.mark.parametrize("destination", ["google", "meta", "tiktok", "csv", "parquet"])
def test_no_raw_pii_in_any_file(tmp_path, destination):
    table = synthetic.messy_members(400, seed=5)
    ledger = tmp_path / "l.sqlite"
    export_audience(table.slice(0, 300), "pii", destination, tmp_path / "out", ledger, "v1", force_min_size=1)
    export_audience(table.slice(100, 300), "pii", destination, tmp_path / "out", ledger, "v1", force_min_size=1)
    needles = set()
    for raw in table["email"].to_pylist():
        if raw and raw.strip():
            needles |= {raw.strip(), raw.strip().lower()}
            if normalise_email(raw):
                needles.add(normalise_email(raw))
    for raw in table["phone"].to_pylist():
        if raw:
            needles |= _digit_forms(raw)
    needles = {n.encode() for n in needles if len(n) >= 7}
    assert len(needles) > 300
    files = [p for p in (tmp_path / "out").rglob("*") if p.is_file()] + list((tmp_path / "members").iterdir())
    assert len(files) >= 7
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".parquet":  # also check decoded values, not just the compressed bytes
            data += "\n".join(map(str, pq.read_table(path).to_pylist())).encode()
        leaked = [n for n in needles if n in data]
        assert leaked == [], f"{path.name} contains raw identifiers: {leaked[:3]}"


# ------------------------------------------------------------------------------------------------
# CLI
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def snapshot(tmp_path) -> Path:
    """A tiny serving snapshot with two audiences, the identifier mart and the definitions table."""
    db = tmp_path / "serving.duckdb"
    table = synthetic.messy_members(60, seed=9)
    with duckdb.connect(str(db)) as con:
        con.register("ids", table)
        con.execute("create table dim_user_identifiers as select * from ids")
        con.execute("create table aud_buyers as select user_id from ids where user_id <= 40")
        con.execute("create view aud_lapsed as select user_id from dim_user_identifiers where user_id > 30")
        con.execute("""create table rpt_audience_definitions as
            select * from (values
              ('buyers', 'bought in 30 days', 'growth', 'meta,csv,parquet', 5, 'email,phone', 'v3'),
              ('lapsed', 'no visit in 60 days', 'crm', 'csv', 5, 'email', 'v1'))
            t(audience_name, description, owner, destinations, min_size, allowed_columns, definition_version)""")
    return db


def run_cli(*argv: str) -> int:
    return cli.main(["audiences", *argv])


def test_cli_list_overlap_export(snapshot, tmp_path, capsys):
    ledger = str(tmp_path / "ledger.sqlite")
    assert run_cli("list", "--db", str(snapshot), "--ledger", ledger) == 0
    out = capsys.readouterr().out
    assert re.search(r"\| buyers\s+\| 40 ", out) and re.search(r"\| lapsed\s+\| 30 ", out)
    assert run_cli("overlap", "buyers", "lapsed", "--db", str(snapshot)) == 0
    out = capsys.readouterr().out
    assert re.search(r"\| 40\s+\| 30\s+\| 10\s+\| 60\s+\| 0.1667", out)
    assert (
        run_cli(
            "export",
            "buyers",
            "--destination",
            "csv",
            "--out",
            str(tmp_path / "x"),
            "--db",
            str(snapshot),
            "--ledger",
            ledger,
        )
        == 0
    )
    manifest = json.loads(next((tmp_path / "x" / "buyers" / "csv").glob("*/manifest.json")).read_text())
    assert manifest["definition_version"] == "v3" and manifest["counts"]["members"] == 40
    assert run_cli("list", "--db", str(snapshot), "--ledger", ledger) == 0
    assert re.search(r"\| buyers .* csv", capsys.readouterr().out)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "nobody", "--destination", "csv"], "unknown audience 'nobody'"),
        (["export", "buyers; drop table aud_buyers", "--destination", "csv"], "unknown audience"),
        (["export", "buyers", "--destination", "myspace"], "unknown destination 'myspace'"),
        (["export", "lapsed", "--destination", "meta"], "may only go to: csv"),
        (["export", "buyers", "--destination", "meta", "--min-size", "1000"], "below its minimum of 1,000"),
        (["overlap", "buyers", "ghosts"], "unknown audience 'ghosts'"),
    ],
)
def test_cli_user_errors_are_one_line_exit_2(snapshot, tmp_path, capsys, argv, message):
    extra = ["--db", str(snapshot), "--ledger", str(tmp_path / "l.sqlite")]
    if argv[0] == "export":
        extra += ["--out", str(tmp_path / "out")]
    assert run_cli(*argv, *extra) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err
    with duckdb.connect(str(snapshot), read_only=True) as con:
        assert con.execute("select count(*) from aud_buyers").fetchall()[0][0] == 40


def test_cli_missing_snapshot(tmp_path, capsys):
    assert run_cli("list", "--db", str(tmp_path / "none.duckdb")) == 2
    assert "no serving snapshot" in capsys.readouterr().err
