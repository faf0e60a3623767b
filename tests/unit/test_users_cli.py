"""`reelmart users add NAME --role`: roles in the users file, owner-only, and a reset ends open sessions."""

from __future__ import annotations

import json
import stat

import pytest
from werkzeug.security import check_password_hash

from reelmart import cli
from webreport.sessions import SessionStore


@pytest.fixture
def instance(tmp_path, monkeypatch):
    monkeypatch.setenv("REELMART_INSTANCE", str(tmp_path))
    monkeypatch.setenv("REELMART_PASSWORD", "a long enough password")
    return tmp_path


def _users(instance) -> dict:
    return json.loads((instance / "users.json").read_text())


def test_roles_are_written_kept_and_checked(instance, capsys):
    assert cli.main(["users", "add", "alice", "--role", "privileged"]) == 0
    assert cli.main(["users", "add", "bob"]) == 0
    users = _users(instance)
    assert users["alice"]["role"] == "privileged" and users["bob"]["role"] == "analyst"
    assert check_password_hash(users["alice"]["password_hash"], "a long enough password")
    assert stat.S_IMODE((instance / "users.json").stat().st_mode) == 0o600
    assert cli.main(["users", "add", "alice"]) == 0  # a password reset keeps the role
    assert _users(instance)["alice"]["role"] == "privileged"
    assert "alice (privileged)" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["users", "add", "carol", "--role", "admin"])
    assert "carol" not in _users(instance)


def test_a_reset_ends_the_users_sessions(instance, capsys):
    store = SessionStore(instance / "sessions.sqlite")
    alice, bob = store.create("alice", 12), store.create("bob", 12)
    assert cli.main(["users", "add", "alice", "--role", "analyst"]) == 0
    assert store.user_of(alice) is None and store.user_of(bob) == "bob"
    assert "1 session(s) ended" in capsys.readouterr().out
