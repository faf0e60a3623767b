"""reelmart bench warehouse: the per-stage split of a build read from dbt's run_results.json (issue 19)."""

from __future__ import annotations

import json
import math

from reelmart.bench.warehouse import stage_of, stage_rows, stage_seconds
from reelmart.warehouse import WarehousePaths


def _node(path: list[str], language: str = "sql") -> dict:
    return {"resource_type": "model", "fqn": ["reelmart", *path], "language": language}


def test_stage_names():
    assert stage_of(_node(["intermediate", "validation", "int_x_checked"])) == "intermediate/validation sql"
    assert stage_of(_node(["marts", "ml", "deeper", "fct_y"], "python")) == "marts/ml python"
    assert stage_of(_node(["staging", "platform", "stg_z"])) == "staging/platform sql"
    assert stage_of({"resource_type": "test"}) == "tests"
    assert stage_of({"resource_type": "seed"}) == "seeds"


def test_stage_seconds_sum_node_times_and_name_the_slowest(tmp_path):
    paths = WarehousePaths(tmp_path)
    paths.dbt_target.mkdir(parents=True)
    nodes = {"model.reelmart.a": _node(["marts", "core", "a"]), "model.reelmart.b": _node(["marts", "core", "b"]),
             "test.reelmart.t": {"resource_type": "test"}}
    (paths.dbt_target / "manifest.json").write_text(json.dumps({"nodes": nodes}))
    results = [{"unique_id": "model.reelmart.a", "execution_time": 1.5},
               {"unique_id": "model.reelmart.b", "execution_time": 4.0},
               {"unique_id": "test.reelmart.t", "execution_time": 0.5},
               {"unique_id": "operation.reelmart.hook", "execution_time": 0.1}]
    (paths.dbt_target / "run_results.json").write_text(json.dumps({"results": results}))
    stages = stage_seconds(paths)
    assert stages["marts/core sql"] == {"nodes": 2, "seconds": 5.5, "slowest": ("b", 4.0)}
    assert stages["tests"]["seconds"] == 0.5 and stages["operations"]["nodes"] == 1
    rows = stage_rows("tiny", {"marts/core sql": {"nodes": 2, "seconds": 11.0}}, stages)
    assert rows[0]["stage"] == "marts/core sql" and rows[0]["incremental / full"] == 0.5
    assert rows[0]["slowest node (incremental)"] == "b 4.0 s"
    assert math.isnan(next(r for r in rows if r["stage"] == "tests")["incremental / full"])
