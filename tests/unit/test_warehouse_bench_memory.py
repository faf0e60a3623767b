"""reelmart bench warehouse --build-only: a build's sampled memory attributed to the dbt nodes running then."""

from __future__ import annotations

import json

import pytest

from reelmart.bench.node_memory import node_memory, node_memory_from_target, node_name, node_windows
from reelmart.bench.table import measure

MB = 2**20
T0 = 1_765_000_000.0  # 2025-12-06 05:46:40 UTC


def _stamp(seconds: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(T0 + seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _result(name: str, start: float, end: float) -> dict:
    return {"unique_id": f"model.reelmart.{name}",
            "timing": [{"name": "compile", "started_at": _stamp(start - 0.5), "completed_at": _stamp(start)},
                       {"name": "execute", "started_at": _stamp(start), "completed_at": _stamp(end)}]}


def test_memory_is_attributed_to_the_nodes_running_at_each_sample():
    # a runs 0-4 s alone; b 5-9 s; c 7-8 s beside b and takes the peak; d has no execute phase
    results = [_result("a", 0, 4), _result("b", 5, 9), _result("c", 7, 8), {"unique_id": "seed.reelmart.d"}]
    rss = {0: 100, 1: 300, 2: 250, 3: 200, 4: 200, 5: 200, 6: 400, 7: 500, 7.5: 900, 8: 600, 9: 600, 10: 600}
    timeline = [(T0 + t, mb * MB) for t, mb in rss.items()]
    assert [w[0] for w in node_windows(results)] == ["a", "b", "c"]
    rows = {row["node"]: row for row in node_memory(timeline, results)}
    assert rows["c"]["peak MB"] == pytest.approx(900) and rows["c"]["rise MB"] == pytest.approx(900 - 400)
    assert rows["c"]["running beside it at its peak"] == "b"
    assert rows["b"]["peak MB"] == pytest.approx(900) and rows["b"]["rise MB"] == pytest.approx(700)
    assert rows["a"]["peak MB"] == pytest.approx(300) and rows["a"]["rise MB"] == pytest.approx(200)
    assert rows["a"]["running beside it at its peak"] == "" and rows["a"]["seconds"] == pytest.approx(4)
    assert [row["node"] for row in node_memory(timeline, results, top=2)] == ["b", "c"]  # same peak: larger rise first


def test_a_node_shorter_than_the_sampling_interval_gets_the_nearest_sample(tmp_path):
    results = [_result("quick", 1.2, 1.3)]
    timeline = [(T0 + 1.0, 50 * MB), (T0 + 2.0, 80 * MB)]
    (tmp_path / "run_results.json").write_text(json.dumps({"results": results}))
    [row] = node_memory_from_target(timeline, tmp_path)
    assert row["peak MB"] == pytest.approx(80) and row["rise MB"] == pytest.approx(30)
    assert node_memory([], results) == []


def test_measure_records_its_samples_in_time_order():
    timeline: list = []
    with measure(poll_seconds=0.01, timeline=timeline) as m:
        block = bytearray(64 * MB)
        block[::4096] = b"x" * len(block[::4096])
        for _ in range(30):
            if len(timeline) >= 3:
                break
            __import__("time").sleep(0.01)
    assert len(timeline) >= 2
    assert [t for t, _ in timeline] == sorted(t for t, _ in timeline)
    assert max(rss for _, rss in timeline) / MB == pytest.approx(m.peak_rss_mb, rel=0.01)


def test_tests_are_named_by_their_name_not_their_hash():
    assert node_name("test.reelmart.not_null_dim_users_user_id.241ee496ff") == "not_null_dim_users_user_id"
    assert node_name("model.reelmart.dim_users") == "dim_users"
    assert node_name("unit_test.reelmart.dim_users.dedupe_rule") == "dedupe_rule"


def test_incremental_only_times_a_build_without_full_refresh(tmp_path, monkeypatch):
    from reelmart.bench import warehouse as bench
    from reelmart.warehouse import WarehousePaths

    calls = []
    monkeypatch.setattr(bench, "run_dbt", lambda args, paths, quiet=False: calls.append(args))
    monkeypatch.setattr(bench, "node_memory_from_target", lambda timeline, target, top: [])
    paths = WarehousePaths(tmp_path)
    paths.build_db.parent.mkdir(parents=True, exist_ok=True)
    paths.build_db.write_bytes(b"")
    incremental, _ = bench.build_memory_rows(paths, full_refresh=False)
    full, _ = bench.build_memory_rows(paths)
    assert calls == [["build"], ["build", "--full-refresh"]]
    assert (incremental["build"], full["build"]) == ("incremental", "full")
