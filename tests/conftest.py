"""Shared fixtures. Every build of the session is costly, so the builds are shared; add to them, don't repeat them.

Fixtures and helpers (backward compatible; other modules may rely on each):

- `tiny_warehouse` (session): `WarehousePaths` of the `tiny` platform (600 users, 21 days, seed 11), built
  (full refresh, with dbt docs), green and published, once per session. Read it; never write to it.
- `tiny_demo` (session): the same build as made by `reelmart demo --scale tiny --seed 11` (`prepare_demo`):
  `.paths` (= tiny_warehouse), `.instance` (its instance folder) and `.login` (the demo user, password).
  The demo command is tested on it instead of simulating and building the same platform a second time.
  It is built in a child process started at the end of collection, and the test modules that need it (any
  test whose fixtures reach `tiny_demo`) run after the others, so the build overlaps the unit tests
  instead of holding up the session for two minutes; the fixture waits for the child. The modules that read
  a build made at lower priority (a 20k build, a module's own background build) run after those, and the
  Spark tests last (tests/spark/conftest.py).
- `copy_instance(source, target, serving=False)`: a private, writable copy of an instance (exports, ground
  truth, build database, model cache; the published snapshot with serving=True) for a test that rebuilds.
  Copying the DuckDB file costs well under a second; a build costs a minute.
- `scratch_copy(source, serving=False)` (session, factory): the same copy, always at one folder of the session
  (replacing the previous scratch copy), so that dbt's saved parse is handed on from copy to copy: the first
  dbt call on a fresh `copy_instance` parses the whole project, most of a small call's CPU (README, "Known
  gaps"). For a test (or a module fixture that keeps only what it read) that rebuilds a copy with dbt.
- `warehouse_20k(seed)` (session, factory): the `20k` platform of that seed, simulated once per session and
  built up to every mart in `SELECT_20K[seed]` in one dbt run (models and seeds, no data tests: those run in
  the tiny build), in a child process from the end of collection on. A 20k ground-truth test adds the marts
  it reads to `SELECT_20K` instead of simulating.
- `app`, `client`, `logged_in` (analyst), `privileged` (function): the Flask app over the tiny snapshot.
- A module's own long build can run beside the tests too (tests/background.py): declare
  `BACKGROUND_AT_START = "f"` (f(work_dir) runs from the end of collection on) or `BACKGROUND_FROM_TINY = "f"`
  (f(tiny_data_dir, work_dir) runs as soon as the tiny build is ready; it may copy_instance it), a
  module-level function returning a JSON-able dict; a fixture gets `(work_dir, that dict)` from
  `background_result(request)`, which waits for it. Test modules that build in-process work as before.

The session runs on 2 cores, and most of it is one Python process: the builds above run in child processes
so that the second core is busy too (the Spark build as well: tests/spark/conftest.py). That process is the
critical path, so every child but the tiny build runs at lower priority (tests/background.py, NICE) on the CPU
it leaves.
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

from tests import background

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


TINY_FIXTURES = frozenset({"tiny_demo", "tiny_warehouse"})
_tiny: dict = {}  # the tiny build's Child (tests/background.py) and its folders
_module_builds: dict[str, tuple[Path, background.Child]] = {}  # module name -> (work dir, its background build)
_builds_20k: dict[int, tuple[Path, background.Child]] = {}  # seed -> (data dir, its background build)


def _needs_tiny(item) -> bool:
    return bool(TINY_FIXTURES & set(getattr(item, "fixturenames", ())))


def _waits_for(item) -> int:
    """0: for no build; 1: for the tiny build; 2: for a child at lower priority (a 20k build, the module's own)."""
    module = getattr(item, "module", None)
    if ("warehouse_20k" in getattr(item, "fixturenames", ())
            or any(hasattr(module, name) for name in ("BACKGROUND_AT_START", "BACKGROUND_FROM_TINY"))):
        return 2
    return int(_needs_tiny(item))


@pytest.hookimpl(tryfirst=True)  # before tests/spark/conftest.py, which then moves the Spark tests to the very end
def pytest_collection_modifyitems(session, config, items):
    """Whole modules (so that a module's fixtures are set up once) in the order of what they wait for: first the
    ones that need no build, then the ones that need the tiny build, then the ones that read a build made at
    lower priority (tests/background.py), which has had the longest to finish by then; the order is otherwise
    unchanged."""
    def module(item) -> str:
        return item.nodeid.split("::")[0]

    group: dict[str, int] = {}
    for item in items:
        group[module(item)] = max(group.get(module(item), 0), _waits_for(item))
    items.sort(key=lambda item: group[module(item)])  # stable


def pytest_collection_finish(session):
    if session.config.option.collectonly:
        return
    if any(_needs_tiny(item) for item in session.items):
        _start_tiny(session.config)
    _start_module_builds(session, "BACKGROUND_AT_START")
    if any("warehouse_20k" in getattr(item, "fixturenames", ()) for item in session.items):
        _start_20k(session.config)


def pytest_unconfigure(config):
    background.kill_all()


def prepare_tiny_demo(data_dir: str, instance: str) -> dict:
    """What `reelmart demo --scale tiny --seed 11` does before serving (run in the tiny build's child)."""
    from reelmart.cli import build_parser
    from reelmart.commands.platform import prepare_demo

    os.environ["REELMART_INSTANCE"] = instance
    login = prepare_demo(build_parser().parse_args(["demo", "--scale", "tiny", "--seed", "11", "--data-dir", data_dir]))
    return {"login": list(login)}


def _start_tiny(config) -> None:
    if _tiny:
        return
    factory = config._tmp_path_factory  # the fixture's tmp_path_factory (pytest's tmpdir plugin)
    data_dir, instance = factory.mktemp("reelmart-data"), factory.mktemp("demo-instance")
    _tiny.update(data_dir=data_dir, instance=instance, child=background.Child(
        "tiny demo build", "tests.conftest", "prepare_tiny_demo", [data_dir, instance],
        log=data_dir.parent / "tiny-build.log", result=data_dir.parent / "tiny-build.json",
        nice=0))  # half the tests wait for it: normal priority (tests/background.py)


@pytest.fixture(scope="session")
def tiny_demo(request) -> TinyDemo:
    """`reelmart demo --scale tiny --seed 11` up to serving: simulate, full build with docs, publish, demo login."""
    from reelmart.warehouse import WarehousePaths

    _start_tiny(request.config)  # normally done at the end of collection
    login = tuple(_tiny["child"].wait()["login"])
    _start_module_builds(request.session, "BACKGROUND_FROM_TINY")
    return TinyDemo(WarehousePaths(_tiny["data_dir"]), _tiny["instance"], login)


def _start_module_builds(session, when: str) -> None:
    """Start the background build of every collected module that declares `when` = "function name":
    BACKGROUND_AT_START (at the end of collection) runs function(work dir), BACKGROUND_FROM_TINY (as soon
    as the tiny build is ready) function(tiny data dir, work dir); each returns a JSON-able dict."""
    modules = {item.module for item in session.items if getattr(item, "module", None) is not None}
    for module in sorted(modules, key=lambda m: m.__name__):
        function = getattr(module, when, None)
        if function and module.__name__ not in _module_builds:
            short = module.__name__.rsplit(".", 1)[-1]
            work = session.config._tmp_path_factory.mktemp(short)
            args = [_tiny["data_dir"], work] if when == "BACKGROUND_FROM_TINY" else [work]
            _module_builds[module.__name__] = (work, background.Child(
                f"{short}.{function}", module.__name__, function, args,
                log=work / "background.log", result=work / "background.json"))


def background_result(request) -> tuple[Path, dict]:
    """For a fixture of a module that declares BACKGROUND_AT_START or BACKGROUND_FROM_TINY: (its work dir, what
    its function returned), once its child is done. Starts it now if the session did not (a module run alone)."""
    when = "BACKGROUND_FROM_TINY" if hasattr(request.module, "BACKGROUND_FROM_TINY") else "BACKGROUND_AT_START"
    if when == "BACKGROUND_FROM_TINY":
        request.getfixturevalue("tiny_demo")
    if request.module.__name__ not in _module_builds:
        _start_module_builds(request.session, when)
    work, child = _module_builds[request.module.__name__]
    return work, child.wait()


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
def scratch_copy(tmp_path_factory):
    """scratch_copy(source, serving=False) -> WarehousePaths: `copy_instance` of `source`, always to the same
    folder of the session, replacing the previous scratch copy (so its user must be done with it: a function
    fixture, or a module fixture that keeps only what it read). dbt's saved parse is valid only for one build
    file path (dbt hashes the profile's connection, path included), so a fresh copy at a new path parses the
    whole project again; at one path, the saved parse of an earlier copy is handed on and dbt re-parses nothing
    (dbt itself checks that the project, vars and profile are unchanged and parses in full if not)."""
    root = tmp_path_factory.mktemp("scratch-instance")
    saved = root / "partial_parse.msgpack"

    def copy(source: WarehousePaths, serving: bool = False) -> WarehousePaths:
        data = root / "data"
        if data.exists():
            parsed = data / "dbt-target" / saved.name
            if parsed.exists() and not saved.exists():
                shutil.copy2(parsed, saved)  # copy2: its time, which drop_stale_partial_parse compares
            shutil.rmtree(data)
        paths = copy_instance(source, data, serving=serving)
        if saved.exists():
            paths.dbt_target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(saved, paths.dbt_target / saved.name)
        return paths

    return copy


def build_20k(data_dir: str, seed: str) -> dict:
    """Simulate the 20k platform of `seed` and build SELECT_20K[seed] (run in a child: see warehouse_20k)."""
    from reelmart.simulate import SCALES, PlatformSimulator
    from reelmart.warehouse import WarehousePaths, run_dbt

    paths = WarehousePaths(Path(data_dir))
    PlatformSimulator(SCALES["20k"], paths.data_dir, seed=int(seed), progress=False).run()
    run_dbt(["build", "--select", *SELECT_20K[int(seed)], "--exclude", "resource_type:test", "resource_type:unit_test"],
            paths, quiet=True)
    return {}


def _start_20k(config) -> None:
    for seed in SELECT_20K:
        if seed not in _builds_20k:
            data_dir = config._tmp_path_factory.mktemp(f"reelmart-20k-seed{seed}")
            _builds_20k[seed] = (data_dir, background.Child(
                f"20k seed {seed} build", "tests.conftest", "build_20k", [data_dir, seed],
                log=data_dir.parent / f"{data_dir.name}.log", result=data_dir.parent / f"{data_dir.name}.json"))


@pytest.fixture(scope="session")
def warehouse_20k(request):
    """warehouse_20k(seed) -> WarehousePaths: the 20k platform of `seed`, simulated and built up to
    SELECT_20K[seed] once per session (build database only: nothing is published). Each seed is built in a
    child process from the end of collection on (tests/background.py); the call waits for it."""
    from reelmart.warehouse import WarehousePaths

    def get(seed: int) -> WarehousePaths:
        _start_20k(request.config)  # normally done at the end of collection
        data_dir, child = _builds_20k[seed]
        child.wait()
        return WarehousePaths(data_dir)

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
