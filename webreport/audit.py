"""The audit log: who opened a user-level page or exported / downloaded an audience, when, from where.

One JSON object per line in `AUDIT_LOG` (default `instance/audit.log`, owner-only). Each record is one
`write()` on a file opened with O_APPEND, so lines from concurrent workers never interleave.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

from flask import current_app, g, request


def record(outcome: str, action: str, target: str, **details) -> None:
    """Append one record: outcome (allowed / denied / done), action (e.g. user_preview), target (path, run)."""
    entry = {
        "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "user": getattr(g, "user", None),
        "role": getattr(g, "role", None),
        "outcome": outcome,
        "action": action,
        "target": target,
        "remote_addr": request.remote_addr,
        **details,
    }
    line = (json.dumps(entry, sort_keys=True, default=str) + "\n").encode()
    path = current_app.config["AUDIT_LOG"]
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def read(path: str) -> list[dict]:
    """Every record, oldest first (for tests and `reelmart`-side review)."""
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
