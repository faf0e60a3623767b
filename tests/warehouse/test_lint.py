"""SQL lint in the suite: sqlfluff (dbt templater, .sqlfluff) at 0 findings over every model in warehouse/.

The same command as `make lint`, on two processes, in a child process started at the end of collection;
what it costs is measured in README.md ("SQL lint").
Macros are not linted on their own (.sqlfluffignore): a macro file renders to nothing outside a model.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.background import lower_priority
from tests.conftest import background_result

PROJECT = Path(__file__).resolve().parents[2]


def lintable_files() -> set[str]:
    """Every SQL file dbt treats as a model, analysis or data test (macros are ignored by .sqlfluffignore)."""
    warehouse = PROJECT / "warehouse"
    return {str(path.relative_to(PROJECT)) for path in warehouse.rglob("*.sql")
            if "macros" not in path.relative_to(warehouse).parts}


# sqlfluff runs in a child process from the end of collection on, beside the other tests (tests/conftest.py,
# background_result); the test reads its report.
BACKGROUND_AT_START = "lint_in_child"


def lint_in_child(work: str) -> dict:
    """`sqlfluff lint warehouse` as `make lint` runs it, its JSON report written to <work>/report.json."""
    work = Path(work)
    env = dict(os.environ, DBT_PROFILES_DIR=str(PROJECT), DBT_SEND_ANONYMOUS_USAGE_STATS="false",
               REELMART_LANDING=str(work / "landing"), REELMART_BUILD_DB=str(work / "lint.duckdb"),
               DBT_TARGET_PATH=str(work / "target"), DBT_LOG_PATH=str(work / "logs"))
    sqlfluff = Path(sys.executable).with_name("sqlfluff")
    # an hour, as the Spark build's: at lower priority (tests/background.py) on a machine busy with other work it
    # took more than 15 minutes
    result = subprocess.run([str(sqlfluff), "lint", "warehouse", "--processes", "2", "--format", "json",
                             "--nofail"],
                            cwd=PROJECT, env=env, capture_output=True, text=True, timeout=3600,
                            preexec_fn=lower_priority(0))  # dies with its parent (a killed session left it running)
    (work / "report.json").write_text(result.stdout)
    return {"returncode": result.returncode, "stderr_tail": result.stderr[-4000:]}


@pytest.mark.slow
def test_warehouse_sql_has_no_lint_findings(request):
    work, result = background_result(request)
    assert result["returncode"] == 0, result["stderr_tail"]
    report = json.loads((work / "report.json").read_text())

    findings = [f"{entry['filepath']}:{v['start_line_no']}: {v['code']} {v['description']}"
                for entry in report for v in entry["violations"]]
    assert findings == [], "\n".join(findings[:100])
    # a file sqlfluff skipped (too large, not found by the dbt templater) would pass unseen
    assert {entry["filepath"] for entry in report} == lintable_files()
