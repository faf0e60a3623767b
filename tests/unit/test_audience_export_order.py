"""Audience export files in member-key order: the NumPy sort equals SQL's ORDER BY member_key, byte for byte."""

from __future__ import annotations

import hashlib
import os
import random

import duckdb
import pyarrow as pa

from audience_export import synthetic
from audience_export.destinations import get_destination
from audience_export.export import _as_arrow, _build_rows, sorted_by_member_key


def _keyed(keys: list[bytes]) -> pa.Table:
    return pa.table({"row": list(range(len(keys))), "member_key": pa.array(keys, pa.binary())})


def test_keys_sharing_their_first_eight_bytes_are_ordered_by_all_32():
    rng = random.Random(3)
    prefix = os.urandom(8)
    keys = [prefix + bytes(rng.randrange(256) for _ in range(24)) for _ in range(50)]
    keys += [os.urandom(32) for _ in range(200)]
    keys += [keys[0], keys[7], b"\xff" * 32, b"\x00" * 32]  # repeats and the extremes
    rng.shuffle(keys)
    table = _keyed(keys)
    ordered = sorted_by_member_key(table)
    assert ordered["member_key"].to_pylist() == sorted(keys)
    assert ordered.schema == table.schema
    assert sorted_by_member_key(table.slice(5, 100))["member_key"].to_pylist() == sorted(keys[5:105])
    assert sorted_by_member_key(table.slice(0, 1)).num_rows == 1


def test_keys_hash_the_written_cells_and_rows_come_in_key_order_for_every_destination():
    """The reference is the definition in the manifest: sha256 of the written cells joined by U+001F,
    rows in byte order of that key (what ORDER BY member_key over the hashed identifiers gave)."""
    members = _as_arrow(synthetic.messy_members(1_000, seed=11))
    for name in ("google", "meta", "tiktok", "parquet"):  # csv has the columns of parquet
        dest = get_destination(name)
        con = duckdb.connect()
        con.register("members", members)
        _, rows = _build_rows(con, dest, members.num_rows)
        cells = zip(*(rows[header].to_pylist() for header in dest.headers), strict=True)
        keys = [hashlib.sha256("\x1f".join(cell or "" for cell in row).encode()).digest() for row in cells]
        assert rows["member_key"].to_pylist() == keys == sorted(keys), name
        assert rows.num_rows > 700 and rows.column_names == [*dest.headers, "member_key"], name
