"""Server-side sessions and login throttling, in one SQLite file every worker process shares.

A session is a random id; the cookie carries it (signed by Flask), the server keeps only its SHA-256 with
the user name and an absolute expiry. Ending a session deletes its row, so a copied cookie stops working
the moment its owner signs out, and every session ends `SESSION_LIFETIME_HOURS` after sign-in.

Throttling: each failed sign-in counts against the user name and against the client address. Past a
threshold (`LOGIN_FAILURES_ALLOWED` for a name, 4 times that for an address, within
`LOGIN_FAILURE_WINDOW_S`) each further failure locks that key for twice as long as the one before
(1 s, 2 s, 4 s, ... at most `LOGIN_MAX_LOCK_S`). A success clears the name's count, not the address's.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import sqlite3
import time
from pathlib import Path

from flask import Flask, current_app

_SCHEMA = """
create table if not exists sessions (
    sid_sha256 text primary key,
    username text not null,
    created_at real not null,
    expires_at real not null
);
create table if not exists login_failures (
    key text primary key,
    failures integer not null,
    first_at real not null,
    locked_until real not null
);
"""
IP_FACTOR = 4


def _digest(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


class SessionStore:
    def __init__(self, path: str | os.PathLike, failures_allowed: int = 5, window_s: float = 900,
                 max_lock_s: float = 900) -> None:
        self.path = Path(path)
        self.failures_allowed = failures_allowed
        self.window_s = window_s
        self.max_lock_s = max_lock_s
        self.clock = time.time  # replaceable in tests
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            # created owner-only: it holds who is signed in
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        with self._connect() as con:
            con.executescript(_SCHEMA)

    @contextlib.contextmanager
    def _connect(self):
        """Autocommit (each statement its own transaction unless one is begun); closed on exit."""
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            yield con
        finally:
            con.close()

    # sessions
    def create(self, username: str, lifetime_hours: float) -> str:
        sid = secrets.token_urlsafe(32)
        now = self.clock()
        with self._connect() as con:
            con.execute("delete from sessions where expires_at <= ?", (now,))
            con.execute("insert into sessions values (?, ?, ?, ?)",
                        (_digest(sid), username, now, now + lifetime_hours * 3600))
        return sid

    def user_of(self, sid) -> str | None:
        """The signed-in user of a live session id, or None (unknown, revoked or expired)."""
        if not isinstance(sid, str):
            return None
        with self._connect() as con:
            row = con.execute("select username from sessions where sid_sha256 = ? and expires_at > ?",
                              (_digest(sid), self.clock())).fetchone()
        return row[0] if row else None

    def revoke(self, sid: str) -> None:
        with self._connect() as con:
            con.execute("delete from sessions where sid_sha256 = ?", (_digest(sid),))

    def revoke_user(self, username: str) -> int:
        """End every session of a user (a password reset, a leaked cookie); returns how many."""
        with self._connect() as con:
            return con.execute("delete from sessions where username = ?", (username,)).rowcount

    # throttling
    @staticmethod
    def login_keys(username: str, address: str) -> tuple[str, str]:
        return f"user:{username}", f"ip:{address}"

    def _allowed(self, key: str) -> int:
        return self.failures_allowed * (IP_FACTOR if key.startswith("ip:") else 1)

    def locked_for(self, keys) -> int:
        """Seconds until every key may try again (0: not locked)."""
        now = self.clock()
        with self._connect() as con:
            rows = con.execute(
                f"select max(locked_until) from login_failures where key in ({','.join('?' for _ in keys)})",
                tuple(keys)).fetchone()
        until = rows[0] or 0
        return max(0, int(until - now + 0.999)) if until > now else 0

    def record_failure(self, keys) -> int:
        """Count one failure against each key; the seconds the sign-in is now locked for (0: not locked)."""
        now = self.clock()
        wait = 0.0
        with self._connect() as con:
            con.execute("begin immediate")  # workers count the same key one after another
            for key in keys:
                row = con.execute("select failures, first_at from login_failures where key = ?", (key,)).fetchone()
                failures, first_at = (row if row and now - row[1] <= self.window_s else (0, now))
                failures += 1
                over = failures - self._allowed(key)
                lock = min(self.max_lock_s, 2.0 ** (over - 1)) if over > 0 else 0.0
                wait = max(wait, lock)
                con.execute("insert or replace into login_failures values (?, ?, ?, ?)",
                            (key, failures, first_at, now + lock))
            con.execute("commit")
        return int(wait + 0.999) if wait else 0

    def clear_failures(self, key: str) -> None:
        with self._connect() as con:
            con.execute("delete from login_failures where key = ?", (key,))


def store() -> SessionStore:
    return current_app.extensions["reelmart_sessions"]


def init_app(app: Flask) -> None:
    app.extensions["reelmart_sessions"] = SessionStore(
        app.config["SESSIONS_DB"],
        failures_allowed=int(app.config["LOGIN_FAILURES_ALLOWED"]),
        window_s=float(app.config["LOGIN_FAILURE_WINDOW_S"]),
        max_lock_s=float(app.config["LOGIN_MAX_LOCK_S"]),
    )
