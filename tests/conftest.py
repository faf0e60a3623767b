"""Shared fixtures. Every build of the session is costly, so the builds are shared; add to them, don't repeat them.

Fixtures and helpers (backward compatible; other modules may rely on each):

- `tiny_warehouse` (session): `WarehousePaths` of the `tiny` platform (600 users, 21 days, seed 11), built
  (full refresh, with dbt docs), green and published, once per session. Read it; never write to it.
- `tiny_demo` (session): the same build as made by `reelmart demo --scale tiny --seed 11` (`prepare_demo`):
  `.paths` (= tiny_warehouse), `.instance` (its instance folder) and `.login` (the demo user, password).
  The demo command is tested on it instead of simulating and building the same platform a second time.
- `copy_instance(source, target, serving=False)`: a private, writable copy of an instance (exports, ground
  truth, build database, model cache; the published snapshot with serving=True) for a test that rebuilds.
  Copying the DuckDB file costs well under a second; a build costs a minute.
- `warehouse_20k(seed)` (session, factory): the `20k` platform of that seed, simulated once per session and
  built up to every mart in `SELECT_20K[seed]` in one dbt run (models and seeds, no data tests: those run in
  the tiny build). A 20k ground-truth test adds the marts it reads to `SELECT_20K` instead of simulating.
- `app`, `client`, `logged_in` (analyst), `privileged` (function): the Flask app over the tiny snapshot.

tests/build_counter.py prints, at the end of a session, every dbt call and simulator run with its time and
the test that made it; `--durations=25` (pyproject) lists the slowest tests.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from reelmart.warehouse import WarehousePaths

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")

pytest_plugins = ["tests.build_counter"]  # counts and times every dbt call and simulator run of the session

TEST_USER, TEST_PASSWORD = "tester", "correct horse battery"
# a second login with the privileged role (user-level pages, audience exports); TEST_USER is an analyst
PRIVILEGED_USER, PRIVILEGED_PASSWORD = "steward", "privileged horse battery"


# The marts the 20k ground-truth tests read, per simulator seed: one dbt run per seed builds them all.
SELECT_20K = {
    7: ["+fct_experiment_results", "+fct_experiment_health", "+dim_experiments", "+rpt_experiment_decisions",
        "+fct_campaign_lift"],
    23: ["+fct_category_terms", "+fct_video_key_moments", "+rpt_category_audience_posting_times"],
}


@dataclass(frozen=True)
class TinyDemo:
    paths: WarehousePaths
    instance: Path
    login: tuple[str, str]


@pytest.fixture(scope="session")
def tiny_demo(tmp_path_factory) -> TinyDemo:
    """`reelmart demo --scale tiny --seed 11` up to serving: simulate, full build with docs, publish, demo login."""
    from reelmart.cli import build_parser
    from reelmart.commands.platform import prepare_demo
    from reelmart.warehouse import WarehousePaths

    data_dir = tmp_path_factory.mktemp("reelmart-data")
    instance = tmp_path_factory.mktemp("demo-instance")
    args = build_parser().parse_args(["demo", "--scale", "tiny", "--seed", "11", "--data-dir", str(data_dir)])
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REELMART_INSTANCE", str(instance))
        login = prepare_demo(args)
    return TinyDemo(WarehousePaths(data_dir), instance, login)


@pytest.fixture(scope="session")
def tiny_warehouse(tiny_demo) -> WarehousePaths:
    """The `tiny` scale (600 users, 21 days, seed 11), built and published once per session (see tiny_demo)."""
    return tiny_demo.paths


def copy_instance(source: WarehousePaths, target: Path, serving: bool = False) -> WarehousePaths:
    """A private copy of an instance that a test may rebuild: exports, ground truth, build database (with its
    green marker) and the sentiment model cache; with serving=True the published snapshot too."""
    from reelmart.warehouse import WarehousePaths

    names = ["landing", "ground_truth", "warehouse", "model-cache"] + (["serving"] if serving else [])
    for name in names:
        if (source.data_dir / name).exists():
            shutil.copytree(source.data_dir / name, target / name)
    return WarehousePaths(target)


@pytest.fixture(scope="session")
def warehouse_20k(tmp_path_factory):
    """warehouse_20k(seed) -> WarehousePaths: the 20k platform of `seed`, simulated and built up to
    SELECT_20K[seed] once per session (build database only: nothing is published)."""
    from reelmart.simulate import SCALES, PlatformSimulator
    from reelmart.warehouse import WarehousePaths, run_dbt

    built: dict[int, WarehousePaths] = {}

    def get(seed: int) -> WarehousePaths:
        if seed not in built:
            paths = WarehousePaths(tmp_path_factory.mktemp(f"reelmart-20k-seed{seed}"))
            PlatformSimulator(SCALES["20k"], paths.data_dir, seed=seed, progress=False).run()
            run_dbt(["build", "--select", *SELECT_20K[seed], "--exclude", "resource_type:test", "resource_type:unit_test"],
                    paths, quiet=True)
            built[seed] = paths
        return built[seed]

    return get


@pytest.fixture
def app(tiny_warehouse, tmp_path):
    from werkzeug.security import generate_password_hash

    from webreport import create_app

    return create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SERVING_DB": str(tiny_warehouse.serving_db),
        "DOCS_HTML": str(tiny_warehouse.docs_html),
        "USERS": {TEST_USER: generate_password_hash(TEST_PASSWORD),
                  PRIVILEGED_USER: {"password_hash": generate_password_hash(PRIVILEGED_PASSWORD), "role": "privileged"}},
        "WTF_CSRF_ENABLED": False,
    })


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def logged_in(client):
    response = client.post("/login", data={"username": TEST_USER, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def privileged(app):
    """A client signed in with the privileged role (its own client, so it can sit beside `logged_in`)."""
    client = app.test_client()
    response = client.post("/login", data={"username": PRIVILEGED_USER, "password": PRIVILEGED_PASSWORD})
    assert response.status_code == 302
    return client


def project_dir() -> Path:
    return Path(__file__).resolve().parents[1]
