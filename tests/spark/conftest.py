"""The Spark build of the tiny platform, started in the background as soon as the session knows it needs it.

It is the longest single build of the suite (a JVM, a Derby metastore, dbt-spark's round trips) and mostly
waits or runs the JVM, while the rest of the session is largely one busy Python process. So when a collected
test asks for `spark_build`, a child process simulates the tiny platform (seed 11, as `tiny_warehouse`) and
builds the whole project on a local Spark session from the end of collection on (but for the data tests the
equality test proves: tests/spark/proved_by_equality.py); the tests that need it run last and the fixture
waits for it.
The child is started with `REELMART_TARGET=spark` in its own environment only, so the DuckDB builds of the
session are untouched; it runs at lower priority (tests/background.py), dies with the session (PR_SET_PDEATHSIG;
killed at exit too), and its wall and CPU seconds (the JVM's included) are in tests/build_counter.py's table.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

SPARK_SELECT = ""  # the whole project, as `REELMART_TARGET=spark reelmart build` without --select
ROOT = Path(__file__).resolve().parents[2]
SEED = 11  # the seed of tests/conftest.py tiny_warehouse: the equality test compares the two builds
JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
# Spark settings of this build only (docs/spark.md "The suite's Spark build"): on tiny data a query's cost is its
# fixed overhead, and generating and compiling Java code per query (Janino, then the JIT) was a quarter of the
# JVM's samples; interpreted operators, one shuffle partition, no adaptive re-planning and no compression of a
# few kilobytes cost less CPU. None changes what a query returns (the equality test holds it to that).
SPARK_SHUFFLE_PARTITIONS = "1"
SPARK_CONF = {"spark.sql.codegen.wholeStage": "false", "spark.sql.codegen.factoryMode": "NO_CODEGEN",
              "spark.sql.adaptive.enabled": "false", "spark.rdd.compress": "false", "spark.shuffle.compress": "false",
              "spark.shuffle.spill.compress": "false"}
_CHILD = textwrap.dedent("""
    import ctypes, json, os, resource, sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[4])
    from reelmart.simulate import SCALES, PlatformSimulator
    from reelmart.warehouse import WarehousePaths, build, run_dbt
    from tests.spark.proved_by_equality import builtin_tests_proved_by_equality

    if sys.platform == "linux":  # PR_SET_CHILD_SUBREAPER: the JVM that dbt leaves behind is reaped (and counted) here
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(36, 1)
    paths = WarehousePaths(Path(sys.argv[1]))
    started = time.perf_counter()
    PlatformSimulator(SCALES["tiny"], paths.data_dir, seed=int(sys.argv[2]), progress=False).run()
    run_dbt(["parse"], paths, quiet=True)  # the project as Spark builds it (the build's own parse is then partial)
    manifest = json.loads((paths.dbt_target / "manifest.json").read_text())
    left_out = sorted(manifest["nodes"][uid]["name"] for uid in builtin_tests_proved_by_equality(manifest))
    build(paths, full_refresh=True, select=sys.argv[3], docs=False, quiet=True, exclude=" ".join(left_out))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the JVM exits once dbt, its parent, is gone
        try:
            if os.waitpid(-1, os.WNOHANG) == (0, 0):
                time.sleep(0.2)
        except ChildProcessError:
            break
    cpu = sum(getattr(resource.getrusage(who), field) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for field in ("ru_utime", "ru_stime"))
    print(json.dumps({"wall_s": time.perf_counter() - started, "cpu_s": cpu}), flush=True)
""")
_background: dict = {}


def _spark_unavailable() -> str | None:
    try:
        import dbt.adapters.sparksession  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as exc:
        return f"the Spark target is not installed: {exc}"
    if not shutil.which("java"):
        return "the Spark target needs Java 17"
    return None


def _start(data_dir: Path) -> subprocess.Popen:
    from tests.background import lower_priority

    env = {**os.environ, "REELMART_TARGET": "spark",
           # a short-lived JVM on tiny data: the quick JIT tier only and one GC thread cost less CPU in the same
           # wall time (README "Known gaps"); neither changes what a query returns
           "JAVA_TOOL_OPTIONS": f"{os.environ.get('JAVA_TOOL_OPTIONS', '')} {JVM_OPTIONS}".strip(),
           "REELMART_SPARK_SHUFFLE_PARTITIONS": SPARK_SHUFFLE_PARTITIONS,  # profiles.yml
           "PYSPARK_SUBMIT_ARGS": " ".join(f"--conf {key}={value}" for key, value in SPARK_CONF.items()) + " pyspark-shell"}
    log = open(data_dir.parent / "spark-build.log", "w")  # noqa: SIM115  (closed with the process, below)
    process = subprocess.Popen([sys.executable, "-c", _CHILD, str(data_dir), str(SEED), SPARK_SELECT, str(ROOT)],
                               env=env, stdout=subprocess.PIPE, stderr=log, text=True,
                               preexec_fn=lower_priority())  # on the CPU the session leaves
    process.log = log
    return process


def _needs_spark(item) -> bool:
    return "spark_build" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(session, config, items):
    """The tests that wait for the Spark build run last, so the build has the whole session to finish."""
    items[:] = [item for item in items if not _needs_spark(item)] + [item for item in items if _needs_spark(item)]


def pytest_collection_finish(session):
    if not session.config.option.collectonly and any(_needs_spark(item) for item in session.items):
        _ensure_started()


def _ensure_started() -> None:
    if _background:
        return
    reason = _spark_unavailable()
    if reason:
        _background["skip"] = reason
        return
    root = Path(tempfile.mkdtemp(prefix="reelmart-spark-"))
    _background.update(root=root, data_dir=root / "data", started=time.monotonic(),
                       process=_start(root / "data"))


def pytest_unconfigure(config):
    process = _background.get("process")
    if process is not None:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.log.close()
    if "root" in _background:
        shutil.rmtree(_background["root"], ignore_errors=True)


@pytest.fixture(scope="session")
def spark_build(tiny_warehouse):
    """WarehousePaths of the Spark build of the tiny platform (the whole project), published like a Spark user's.

    Asks for tiny_warehouse first, so that a session of Spark tests alone builds it while Spark runs."""
    from reelmart.warehouse import WarehousePaths

    _ensure_started()  # normally done at the end of collection
    if "skip" in _background:
        pytest.skip(_background["skip"])
    process, waited = _background["process"], time.monotonic()
    try:
        out, _ = process.communicate(timeout=3600)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("the Spark build did not finish within an hour")
    if process.returncode != 0:
        log = (_background["root"] / "spark-build.log").read_text()[-4000:]
        pytest.fail(f"the Spark build failed (exit {process.returncode}):\n{log}")
    from tests import build_counter

    measured = json.loads(out.strip().splitlines()[-1])  # simulation, dbt and the JVM
    build_counter.record("Spark build of the tiny platform (background)", measured["wall_s"], measured["cpu_s"],
                         waited=time.monotonic() - waited)
    return WarehousePaths(_background["data_dir"])
