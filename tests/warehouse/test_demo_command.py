"""`reelmart demo` up to the point where it hands over to gunicorn: data, build, publish, login."""

from __future__ import annotations

import json

from werkzeug.security import check_password_hash

from reelmart.cli import build_parser
from reelmart.commands.platform import demo_credentials, prepare_demo


def test_demo_prepares_a_served_warehouse_and_a_login(tmp_path, monkeypatch):
    monkeypatch.setenv("REELMART_INSTANCE", str(tmp_path / "instance"))
    args = build_parser().parse_args(["demo", "--scale", "tiny", "--data-dir", str(tmp_path / "data")])
    user, password = prepare_demo(args)
    assert (tmp_path / "data" / "serving" / "reelmart.duckdb").exists()
    users = json.loads((tmp_path / "instance" / "users.json").read_text())
    assert check_password_hash(users[user]["password_hash"], password) and users[user]["role"] == "analyst"
    # a second run reuses the same demo login
    assert demo_credentials() == (user, password)
