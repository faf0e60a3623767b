"""`make clean` removes generated data and builds but keeps the tracked data/warehouse/.gitkeep."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import project_dir


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_clean_keeps_the_tracked_gitkeep(tmp_path):
    shutil.copy(project_dir() / "Makefile", tmp_path / "Makefile")
    warehouse = tmp_path / "data" / "warehouse"
    (warehouse / "snapshots").mkdir(parents=True)
    (warehouse / ".gitkeep").write_text("")
    (warehouse / "reelmart.duckdb").write_text("build")
    (warehouse / "snapshots" / "serving.duckdb").write_text("snapshot")
    (tmp_path / "data" / "raw" / "2026-01-01").mkdir(parents=True)
    (tmp_path / "data" / "raw" / "2026-01-01" / "watch.parquet").write_text("rows")
    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "manifest.json").write_text("{}")

    subprocess.run(["make", "clean"], cwd=tmp_path, check=True, capture_output=True)

    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert left == ["Makefile", "data", "data/warehouse", "data/warehouse/.gitkeep"]
    # and a second run (nothing to delete, or no data/ at all) still succeeds
    subprocess.run(["make", "clean"], cwd=tmp_path, check=True, capture_output=True)
    shutil.rmtree(tmp_path / "data")
    subprocess.run(["make", "clean"], cwd=tmp_path, check=True, capture_output=True)
