"""Export one audience to one destination: full / add / remove files, a manifest, a ledger entry.

Grain: one written row per distinct member key (the SHA-256 of the destination row, see destinations.py).
Normalisation and hashing run in DuckDB (see normalise.py); only hashed identifiers ever reach a file.

Atomicity: every file is written and fsynced inside `<out>/<audience>/<destination>/.tmp-<run_id>/`,
the directory is renamed to `<run_id>/` in one step, and only then is the ledger entry committed. If
anything fails before the rename, the temporary directory is removed; if the ledger commit fails, the
renamed directory is removed. A killed process can leave only `.tmp-*` files, never a run; exports of one
ledger run one at a time (a lock file beside it), and each removes the `.tmp-*` files of killed ones first.
Every file and folder written is owner-only (hashed identifiers are still personal data).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from audience_export.destinations import Destination, get_destination
from audience_export.ledger import ExportLedger, RunRecord
from audience_export.normalise import SqlParams, normalised_members_sql, resolve_slow_phones

IDENTIFIER_COLUMNS = ("user_id", "email", "phone", "country_code", "zip", "maid")
AUDIENCE_NAME_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-]{0,127}")
WRITER_THREADS = 2  # the target machine has two cores
KEY_BYTES = 32  # a member key is a SHA-256 digest
log = logging.getLogger(__name__)


class AudienceTooSmallError(ValueError):
    """The audience has fewer matchable members than the destination accepts."""


@dataclass
class ExportResult:
    run_id: str
    run_dir: Path
    manifest: dict
    timings: dict[str, float]  # seconds per phase: normalise_hash, diff, write, ledger

    @property
    def counts(self) -> dict:
        return self.manifest["counts"]


def _as_arrow(members) -> pa.Table:
    if isinstance(members, pa.Table):
        table = members
    elif isinstance(members, pd.DataFrame):
        table = pa.Table.from_pandas(members, preserve_index=False)
    elif isinstance(members, duckdb.DuckDBPyRelation):
        table = members.to_arrow_table()
    else:
        raise TypeError(
            f"members must be a pyarrow Table, pandas DataFrame or DuckDB relation, not {type(members)}"
        )
    missing = [c for c in IDENTIFIER_COLUMNS if c not in table.column_names]
    if missing:
        raise ValueError(f"members lack identifier columns: {', '.join(missing)}")
    casts = {c: table[c].cast(pa.string()) for c in IDENTIFIER_COLUMNS if c != "user_id"}
    return pa.table({"user_id": table["user_id"], **casts})


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _private_file(path: Path):
    """A new file only its owner can read (hashed identifiers are still personal data)."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")


def _private_dirs(root: Path, leaf: Path) -> None:
    """`leaf` and the folders between `root` and it, created owner-only."""
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    for folder in [*reversed(leaf.relative_to(root).parents[:-1]), leaf.relative_to(root)]:
        (root / folder).mkdir(mode=0o700, exist_ok=True)


def _write_file(path: Path, table: pa.Table, file_format: str) -> dict:
    """Write one chunk durably; return its name, rows, bytes and SHA-256 (computed on the bytes written)."""
    sink = pa.BufferOutputStream()
    if file_format == "csv":
        # headers and cells (hex digests, ISO codes, validated zips) never need quoting; platforms
        # document the bare header line (`Email,Phone,Country,Zip`)
        pacsv.write_csv(table, sink, pacsv.WriteOptions(quoting_style="none", quoting_header="none"))
    else:
        pq.write_table(table, sink, compression="zstd")
    data = sink.getvalue()
    with _private_file(path) as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return {
        "name": path.name,
        "rows": table.num_rows,
        "bytes": data.size,
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def _chunks(table: pa.Table, rows: int | None):
    if table.num_rows == 0 or rows is None:
        yield table
        return
    for start in range(0, table.num_rows, rows):
        yield table.slice(start, rows)


def _write_kind(pool: ThreadPoolExecutor, tmp: Path, kind: str, table: pa.Table, dest: Destination) -> list:
    """Submit one kind's chunks to the pool (Arrow's writers release the GIL); futures in file order."""
    ext = "parquet" if dest.file_format == "parquet" else "csv"
    return [
        pool.submit(_write_file, tmp / f"{kind}-{number:05d}.{ext}", chunk, dest.file_format)
        for number, chunk in enumerate(_chunks(table, dest.chunk_rows), start=1)
    ]


def _link_kind(tmp: Path, source: list[dict], kind: str) -> list[dict]:
    """First run: `add` is `full`, byte for byte; hard links avoid writing it twice."""
    files = []
    for info in source:
        name = info["name"].replace(info["kind"], kind, 1)
        os.link(tmp / info["name"], tmp / name)
        files.append({**info, "kind": kind, "name": name})
    return files


def _build_rows(con: duckdb.DuckDBPyConnection, dest: Destination, members: int) -> tuple[dict, pa.Table]:
    """Normalise + hash in DuckDB; return member / unmatched counts and the rows, sorted by member key.

    Two statements over the data: the normalisation (materialised, since the few phone numbers SQL cannot
    decide are looked up in between) and one query that resolves those, hashes and keys; the rows are then
    put in key order by `sorted_by_member_key`.
    """
    p = SqlParams()
    # only the identifiers this destination uses: DuckDB then skips normalising the others
    used = [c for c in ("email", "maid", "country", "zip") if _uses(dest, c)]
    keep = ", ".join(["user_id", "phone_e164", "phone_status", "phone_raw", "region", *used])
    con.execute(
        f"create or replace temp table normalised as select {keep} from ({normalised_members_sql(p)})",
        p.values,
    )
    slow = con.execute(
        "select distinct phone_raw, region from normalised where phone_status = 'slow'"
    ).fetchall()
    if slow:
        resolved = resolve_slow_phones(slow)
        con.register(
            "slow_phones",
            pa.table(
                {
                    "phone_raw": pa.array([s[0] for s in slow], pa.string()),
                    "region": pa.array([s[1] for s in slow], pa.string()),
                    "e164": pa.array(resolved, pa.string()),
                }
            ),
        )
        source = """(
            select n.* exclude (phone_e164, phone_status, phone_raw, region),
                   coalesce(n.phone_e164, s.e164) as phone_e164
            from normalised n
            left join slow_phones s
              on n.phone_status = 'slow' and n.phone_raw = s.phone_raw and n.region is not distinct from s.region
        )"""
    else:
        source = "normalised"
    cols = ",\n".join(f'{expr} as "{header}"' for header, expr in dest.columns)
    # the key hashes the written cells: read them from the subquery instead of hashing every identifier twice
    key = " || chr(31) || ".join(f"""coalesce("{header}", '')""" for header in dest.headers)
    rows = sorted_by_member_key(con.sql(f"""
        select *, unhex(sha256({key})) as member_key
        from (select {cols} from {source} where {dest.matched}) as written
    """).to_arrow_table())
    con.execute("drop table normalised")  # raw identifiers: gone before anything is written
    if slow:
        con.unregister("slow_phones")
    # the normalisation keeps one row per input member, so the unmatched are the rows not selected
    return {"members": members, "unmatched": members - rows.num_rows}, _drop_duplicate_keys(rows)


def _uses(dest: Destination, column: str) -> bool:
    pattern = re.compile(rf"\b{column}\b")
    return any(pattern.search(expr) for _, expr in dest.columns) or bool(pattern.search(dest.matched))


def sorted_by_member_key(rows: pa.Table) -> pa.Table:
    """The rows in byte order of `member_key` (32-byte SHA-256 digests), the order of SQL's ORDER BY member_key.

    A sort on each key's first 8 bytes as one unsigned integer does the work (a database sort of the rows
    moves every written cell); only if two different keys share those 8 bytes do all 32 decide. Rows with
    equal keys are equal rows (the key hashes the written cells), so their order among themselves is moot.
    """
    if rows.num_rows < 2:
        return rows
    keys = rows["member_key"].combine_chunks().cast(pa.binary(KEY_BYTES))
    data = keys.buffers()[1]
    words = np.frombuffer(data, dtype=">u8", count=(keys.offset + len(keys)) * KEY_BYTES // 8)
    words = words.reshape(-1, KEY_BYTES // 8)[keys.offset:]
    order = np.argsort(words[:, 0], kind="stable")
    first = words[order, 0]
    tied = np.flatnonzero(first[1:] == first[:-1])
    if tied.size and (words[order[tied]] != words[order[tied + 1]]).any():
        order = np.lexsort(words.T[::-1])
    return rows.take(pa.array(order))


def _drop_duplicate_keys(rows: pa.Table) -> pa.Table:
    """Members sharing every identifier are one row for the platform; rows arrive sorted by key."""
    if rows.num_rows < 2:
        return rows
    keys = rows["member_key"].combine_chunks()
    repeat = pc.equal(keys.slice(1), keys.slice(0, len(keys) - 1))
    keep = pa.concat_arrays([pa.array([True]), pc.invert(repeat)])
    return rows if pc.all(keep).as_py() else rows.filter(keep)


def new_run_id(now: datetime) -> str:
    return f"{now:%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:8]}"


def export_audience(
    members,
    audience_name: str,
    destination: str,
    out_dir: str | os.PathLike,
    ledger: ExportLedger | str | os.PathLike,
    definition_version: str,
    min_size: int | None = None,
    chunk_size: int | None = None,
    phone_format: str | None = None,
    force_min_size: int | None = None,
) -> ExportResult:
    """Normalise, hash and write one audience for one destination; diff against its previous run.

    `members` holds the identifier columns of `dim_user_identifiers`. `min_size` raises the
    destination's minimum audience size (never lowers it); `force_min_size` replaces it, lower included.
    `chunk_size` sets rows per file. Raises AudienceTooSmallError (nothing written) when fewer than the
    minimum members can be matched.
    """
    if not AUDIENCE_NAME_RE.fullmatch(audience_name):
        raise ValueError(f"audience name {audience_name!r} must be letters, digits, '_' or '-'")
    dest = get_destination(destination, phone_format=phone_format, min_size=min_size,
                           force_min_size=force_min_size, chunk_rows=chunk_size)
    ledger = ledger if isinstance(ledger, ExportLedger) else ExportLedger(ledger)
    with ledger.exclusive():
        clean_stale_files(Path(out_dir), ledger)
        return _export_locked(members, audience_name, dest, Path(out_dir), ledger, definition_version,
                              force_min_size)


def clean_stale_files(out_dir: Path, ledger: ExportLedger) -> int:
    """Remove what killed exports left behind: `.tmp-*` run folders (hashed identifiers), staged ledger
    member files, DuckDB spill folders. Call only while holding the ledger's lock: no other export of
    this ledger is running, so every temporary file found is stale. Returns how many were removed."""
    stale = [*out_dir.glob("*/*/.tmp-*"), *ledger.members_dir.glob(".tmp-*"),
             *ledger.path.parent.glob(".tmp-duckdb-*")]
    for path in stale:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    if stale:
        log.warning("removed %d temporary file(s) left by an interrupted export: %s", len(stale),
                    ", ".join(p.name for p in stale[:5]))
    return len(stale)


def _export_locked(members, audience_name: str, dest: Destination, out_dir: Path, ledger: ExportLedger,
                   definition_version: str, force_min_size: int | None) -> ExportResult:
    now = datetime.now(UTC)
    run_id = new_run_id(now)

    timings: dict[str, float] = {}
    started = time.perf_counter()
    # spills of the normalisation (raw identifiers) go to an owner-only folder that the next run cleans
    spill = ledger.path.parent / f".tmp-duckdb-{run_id}"
    spill.mkdir(mode=0o700)
    con = duckdb.connect(config={"temp_directory": str(spill)})
    try:
        table = _as_arrow(members)
        con.register("members", table)
        counts, full_with_key = _build_rows(con, dest, table.num_rows)
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    written = full_with_key.num_rows
    if written < dest.min_size:
        raise AudienceTooSmallError(
            f"audience {audience_name!r} has {written:,} matchable members for {dest.name}, below its "
            f"minimum of {dest.min_size:,} ({counts['unmatched']:,} of {counts['members']:,} members had no "
            f"usable identifier); nothing was exported"
            + ("" if force_min_size is not None else " (only an explicit --force-min-size lowers the minimum)")
        )
    timings["normalise_hash"] = time.perf_counter() - started
    started = time.perf_counter()
    previous = ledger.previous_run(audience_name, dest.name)
    if previous is None:  # first run: everything is added (written as hard links to `full`)
        added, removed = full_with_key, full_with_key.slice(0, 0)
    else:
        prior = ledger.read_members(previous)
        keys, prior_keys = full_with_key["member_key"], prior["member_key"]
        added = full_with_key.filter(pc.invert(pc.is_in(keys, value_set=prior_keys.combine_chunks())))
        removed = prior.filter(pc.invert(pc.is_in(prior_keys, value_set=keys.combine_chunks())))
    added, removed = (t.select(dest.headers) for t in (added, removed))
    timings["diff"] = time.perf_counter() - started
    started = time.perf_counter()

    audience_dir = out_dir / audience_name / dest.name
    _private_dirs(out_dir, audience_dir)
    tmp = audience_dir / f".tmp-{run_id}"
    final = audience_dir / run_id
    manifest = {
        "audience": audience_name,
        "destination": dest.name,
        "run_id": run_id,
        "run_ts": now.isoformat(),
        "definition_version": definition_version,
        "previous_run_id": previous.run_id if previous else None,
        "counts": {**counts, "written": written, "added": added.num_rows, "removed": removed.num_rows},
        "format": {
            "file_format": dest.file_format,
            "columns": dest.headers,
            "chunk_rows": dest.chunk_rows,
            "phone_format": dest.phone_format,
            "min_size": dest.min_size,
            "member_key": "sha256 of the written row's columns joined by U+001F",
        },
    }
    staged = None
    pool = ThreadPoolExecutor(max_workers=WRITER_THREADS)
    try:
        tmp.mkdir(mode=0o700)
        with pool:
            # the ledger's member file is staged alongside; it is committed only after the rename below
            staged_future = pool.submit(ledger.stage_members, run_id, full_with_key)
            full = full_with_key.drop_columns(["member_key"])
            kinds = {
                "full": _write_kind(pool, tmp, "full", full, dest),
                "remove": _write_kind(pool, tmp, "remove", removed, dest),
            }
            if previous is not None:
                kinds["add"] = _write_kind(pool, tmp, "add", added, dest)
        # leaving the pool waited for every task; now surface the first failure, if any
        if staged_future.exception() is None:
            staged = staged_future.result()
        results = {kind: [f.result() for f in futures] for kind, futures in kinds.items()}
        staged = staged_future.result()
        files = [{"kind": "full", **info} for info in results["full"]]
        if previous is None:
            files += _link_kind(tmp, files, "add")
        else:
            files += [{"kind": "add", **info} for info in results["add"]]
        files += [{"kind": "remove", **info} for info in results["remove"]]
        manifest["files"] = files
        manifest_bytes = json.dumps(manifest, indent=2, sort_keys=True).encode()
        with _private_file(tmp / "manifest.json") as fh:
            fh.write(manifest_bytes)
            fh.flush()
            os.fsync(fh.fileno())
        _fsync(tmp)
        os.rename(tmp, final)
        _fsync(audience_dir)
    except BaseException:
        # interrupted (an error, Ctrl-C, SIGTERM) maybe while writers still run: let running chunks end,
        # drop queued ones, then remove everything this run wrote
        pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(tmp, ignore_errors=True)
        ledger.staging_path(run_id).unlink(missing_ok=True)
        raise

    timings["write"] = time.perf_counter() - started
    started = time.perf_counter()
    record = RunRecord(
        run_id=run_id,
        audience=audience_name,
        destination=dest.name,
        run_ts=now.isoformat(),
        definition_version=definition_version,
        out_dir=str(final),
        checksums={f["name"]: f["sha256"] for f in files},
        **manifest["counts"],
    )
    try:
        ledger.record_run(record, staged, hashlib.sha256(manifest_bytes).hexdigest())
    except BaseException:
        shutil.rmtree(final, ignore_errors=True)
        staged.unlink(missing_ok=True)
        raise
    timings["ledger"] = time.perf_counter() - started
    return ExportResult(run_id=run_id, run_dir=final, manifest=manifest, timings=timings)
