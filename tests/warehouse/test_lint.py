"""SQL lint in the suite: sqlfluff (dbt templater, .sqlfluff) at 0 findings over the warehouse's staging layer.

The whole project is linted by `make lint`; a full run takes minutes (README, "SQL lint"), so the suite
lints the staging models, the layer every other model reads, on every run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_staging_sql_has_no_lint_findings(tiny_warehouse, tmp_path):
    env = dict(os.environ, DBT_PROFILES_DIR=str(PROJECT), DBT_SEND_ANONYMOUS_USAGE_STATS="false",
               REELMART_LANDING=str(tiny_warehouse.landing), REELMART_BUILD_DB=str(tmp_path / "lint.duckdb"),
               DBT_TARGET_PATH=str(tmp_path / "target"), DBT_LOG_PATH=str(tmp_path / "logs"))
    sqlfluff = Path(sys.executable).with_name("sqlfluff")
    result = subprocess.run([str(sqlfluff), "lint", "warehouse/staging", "--format", "github-annotation-native"],
                            cwd=PROJECT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
