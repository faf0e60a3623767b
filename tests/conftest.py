"""Shared fixtures: one tiny simulated platform built into a warehouse per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")

pytest_plugins = ["tests.build_counter"]  # counts and times every dbt call and simulator run of the session

TEST_USER, TEST_PASSWORD = "tester", "correct horse battery"
# a second login with the privileged role (user-level pages, audience exports); TEST_USER is an analyst
PRIVILEGED_USER, PRIVILEGED_PASSWORD = "steward", "privileged horse battery"


@pytest.fixture(scope="session")
def tiny_warehouse(tmp_path_factory) -> WarehousePaths:  # noqa: F821
    """Generate the `tiny` scale (600 users, 21 days) and build + publish it once per session."""
    from reelmart.simulate import SCALES, PlatformSimulator
    from reelmart.warehouse import WarehousePaths, build

    paths = WarehousePaths(tmp_path_factory.mktemp("reelmart-data"))
    PlatformSimulator(SCALES["tiny"], paths.data_dir, seed=11, progress=False).run()
    build(paths, full_refresh=True, docs=True, quiet=True)
    return paths


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
