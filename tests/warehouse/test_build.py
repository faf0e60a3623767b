"""dbt build on a tiny simulated export: reconciliation, rejects, publishing."""

from __future__ import annotations

import json

import duckdb
import pytest

from reelmart.warehouse import BuildError, WarehousePaths, build


def test_every_source_reconciles(tiny_warehouse):
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        rows = con.execute("select source_table, raw_rows, clean_rows, rejected_rows, is_reconciled "
                           "from rpt_source_reconciliation").fetchall()
    assert len(rows) == 16
    for source, raw, clean, rejected, ok in rows:
        assert ok and raw == clean + rejected, source


def test_rejects_are_exactly_the_injected_dirt(tiny_warehouse):
    truth = json.loads((tiny_warehouse.ground_truth / "truth.json").read_text())
    injected = {(table, reason): n for table, reasons in truth["injected_dirty_rows"].items()
                for reason, n in reasons.items() if n}
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        found = dict(((s, r), n) for s, r, n in con.execute(
            "select source_table, reject_reason, count(*) from fct_rejects group by all").fetchall())
        leaked = con.execute("select count(*) from fct_rejects where record_json ilike '%email%' "
                             "or record_json ilike '%phone%'").fetchall()[0][0]
    assert found == injected
    assert leaked == 0


def test_published_snapshot_has_build_info(tiny_warehouse):
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        info = dict(con.execute("select key, value from reelmart_build_info").fetchall())
    assert "published_at" in info and json.loads(info["build_seconds"]) > 0
    assert tiny_warehouse.docs_html.exists()


# Building twice gives identical marts, and an incremental day equals a full refresh for every table:
# tests/warehouse/test_incremental.py (on the builds it makes anyway).


def test_failed_build_publishes_nothing(tmp_path):
    with pytest.raises(BuildError, match="no raw exports"):
        build(WarehousePaths(tmp_path), quiet=True)
    assert not (tmp_path / "serving").exists()
