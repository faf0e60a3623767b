"""Reelmart's report site: a Flask application factory over the serving snapshot.

Configuration comes from (in order) defaults, `instance/config.json`, environment variables
prefixed REELMART_ (e.g. REELMART_SERVING_DB), then `test_config`. Behind TLS, set
`SESSION_COOKIE_SECURE` (REELMART_SESSION_COOKIE_SECURE=true) so the session cookie is never sent in clear.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import tempfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from webreport import auth, errors, pages, security
from webreport.blueprints import REPORT_BLUEPRINTS

PROJECT_DIR = Path(__file__).resolve().parents[1]


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(Path(os.environ.get("REELMART_INSTANCE", PROJECT_DIR / "instance"))))
    data_dir = Path(os.environ.get("REELMART_DATA", PROJECT_DIR / "data"))
    app.config.from_mapping(
        SERVING_DB=str(data_dir / "serving" / "reelmart.duckdb"),
        DOCS_HTML=str(data_dir / "serving" / "dbt-docs.html"),
        USERS_FILE=str(Path(app.instance_path) / "users.json"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=False,
        SESSION_LIFETIME_HOURS=12,
        LOGIN_FAILURES_ALLOWED=5,
        LOGIN_FAILURE_WINDOW_S=900,
        LOGIN_MAX_LOCK_S=900,
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=1 << 20,
    )
    config_file = Path(app.instance_path) / "config.json"
    if config_file.exists():
        app.config.from_file(str(config_file), load=json.load)
    app.config.from_prefixed_env("REELMART")
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    _session_config(app)

    app.json = ReportJSONProvider(app)
    security.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    pages.init_app(app)
    for blueprint in REPORT_BLUEPRINTS:
        app.register_blueprint(blueprint)
    return app


def _session_config(app: Flask) -> None:
    """Session lifetime, and where sessions, login failures and the audit log live (owner-only files).

    A test app (TESTING) without explicit paths gets a fresh folder of its own, so tests never share
    sessions or throttling state."""
    hours = float(app.config["SESSION_LIFETIME_HOURS"])
    if not 0 < hours <= 24 * 90:
        raise ValueError(f"SESSION_LIFETIME_HOURS must be between 0 and 2160, not {hours}")
    app.config["SESSION_LIFETIME_HOURS"] = hours
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=hours)
    state = Path(tempfile.mkdtemp(prefix="reelmart-web-")) if app.testing else Path(app.instance_path)
    app.config.setdefault("SESSIONS_DB", str(state / "sessions.sqlite"))
    app.config.setdefault("AUDIT_LOG", str(state / "audit.log"))


def _finite(value):
    """NaN and infinities become null: bare NaN is not JSON and breaks every strict parser."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    return value


class ReportJSONProvider(DefaultJSONProvider):
    """ISO dates and plain numbers in the API (Flask's default writes HTTP dates and decimal strings);
    valid JSON only (NaN / infinity written as null)."""

    @staticmethod
    def default(o):
        if isinstance(o, datetime | date):
            return o.isoformat()
        if isinstance(o, Decimal):
            return float(o) if o.is_finite() else None
        return DefaultJSONProvider.default(o)

    def dumps(self, obj, **kwargs):
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        try:
            return json.dumps(obj, allow_nan=False, **kwargs)
        except ValueError:  # a NaN somewhere: clean the whole value (rare, so the common path stays fast)
            return json.dumps(_finite(obj), allow_nan=False, **kwargs)


def _instance_secret(instance: Path) -> str:
    """A per-installation signing key, created once, so sessions survive restarts and workers agree."""
    instance.mkdir(parents=True, exist_ok=True)
    key_file = instance / "secret_key"
    if not key_file.exists():
        tmp = key_file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(secrets.token_hex(32))
        tmp.chmod(0o600)
        try:
            os.link(tmp, key_file)  # atomic create-if-absent: concurrent workers agree on one key
        except FileExistsError:
            pass
        tmp.unlink(missing_ok=True)
    return key_file.read_text().strip()
