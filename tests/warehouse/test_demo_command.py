"""`reelmart demo` up to the point where it hands over to gunicorn: data, build, publish, login.

The session's tiny warehouse is built by this very command (tests/conftest.py, `tiny_demo`), so the
platform is simulated and built once for both.
"""

from __future__ import annotations

import json

from werkzeug.security import check_password_hash

from reelmart.commands.platform import demo_credentials
from reelmart.warehouse import read_build_status


def test_demo_prepares_a_served_warehouse_and_a_login(tiny_demo, monkeypatch):
    monkeypatch.setenv("REELMART_INSTANCE", str(tiny_demo.instance))
    user, password = tiny_demo.login
    assert tiny_demo.paths.serving_db == tiny_demo.paths.data_dir / "serving" / "reelmart.duckdb"
    assert tiny_demo.paths.serving_db.exists() and tiny_demo.paths.docs_html.exists()
    assert read_build_status(tiny_demo.paths)["status"] == "green"
    users = json.loads((tiny_demo.instance / "users.json").read_text())
    assert check_password_hash(users[user]["password_hash"], password) and users[user]["role"] == "analyst"
    # a second run reuses the same demo login
    assert demo_credentials() == (user, password)
