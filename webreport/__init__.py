"""Reelmart's report site: a Flask application factory over the serving snapshot.

Configuration comes from (in order) defaults, `instance/config.json`, environment variables
prefixed REELMART_ (e.g. REELMART_SERVING_DB), then `test_config`.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import date, datetime
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

    app.json = ReportJSONProvider(app)
    security.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    pages.init_app(app)
    for blueprint in REPORT_BLUEPRINTS:
        app.register_blueprint(blueprint)
    return app


class ReportJSONProvider(DefaultJSONProvider):
    """ISO dates and plain numbers in the API (Flask's default writes HTTP dates and decimal strings)."""

    @staticmethod
    def default(o):
        if isinstance(o, datetime | date):
            return o.isoformat()
        if isinstance(o, Decimal):
            return float(o)
        return DefaultJSONProvider.default(o)


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
