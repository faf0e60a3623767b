"""Login, roles and server-side sessions for the report site. Every page except /health and static files
needs a signed-in user; user-level pages need the `privileged` role and are written to the audit log.

Users, password hashes and roles come from configuration: `USERS` (a mapping) or the JSON file at
`USERS_FILE`, written by `reelmart users add NAME --role ROLE`: {"name": {"password_hash": "<werkzeug
hash>", "role": "analyst"}}. A bare hash string (the format before roles) is an analyst.

Sessions live on the server (webreport/sessions.py): the signed cookie carries only a random session id,
so logout, an expired lifetime (`SESSION_LIFETIME_HOURS`, default 12) or a revoked id ends the session
even for a copy of the cookie. Failed logins are throttled per user name and per client address with an
exponential backoff (429 with Retry-After), and an unknown user name costs the same password check as a
known one, so the response time does not tell which user names exist.
"""

from __future__ import annotations

import functools
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.security import check_password_hash, generate_password_hash

from webreport import audit, sessions

bp = Blueprint("auth", __name__)
PUBLIC_ENDPOINTS = {"auth.login", "auth.health", "static"}
ANALYST, PRIVILEGED = "analyst", "privileged"
# analyst: aggregates only; privileged: also user-level pages (a viewer's history) and audience exports
ROLES = (ANALYST, PRIVILEGED)


@dataclass(frozen=True)
class Account:
    password_hash: str
    role: str = ANALYST


def _account(value) -> Account:
    if isinstance(value, str):  # users file written before roles existed
        return Account(value)
    role = value.get("role", ANALYST)
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r} in the users file; roles: {', '.join(ROLES)}")
    return Account(value["password_hash"], role)


def configured_users() -> dict[str, Account]:
    users = current_app.config.get("USERS")
    if not users:
        path = Path(current_app.config["USERS_FILE"])
        users = json.loads(path.read_text()) if path.exists() else {}
    return {name: _account(value) for name, value in users.items()}


@functools.cache
def _dummy_hash() -> str:
    """A hash made like the real ones, checked for unknown user names so that they cost the same time."""
    return generate_password_hash(secrets.token_hex(16))


def check_credentials(username: str, password: str) -> Account | None:
    account = configured_users().get(username)
    stored = account.password_hash if account else _dummy_hash()
    ok = check_password_hash(stored, password)
    return account if ok and account is not None else None


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths, so the login form is no open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("overview.index")


def _too_many(retry_after: int):
    message = f"Too many failed sign-ins. Try again in {retry_after} s."
    response = current_app.make_response(
        (render_template("login.html", error=message, next=request.form.get("next", "")), 429))
    response.headers["Retry-After"] = str(retry_after)
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        username = request.form.get("username", "")[:200]
        password = request.form.get("password", "")[:1000]
        throttle = sessions.store()
        keys = throttle.login_keys(username, request.remote_addr or "")
        wait = throttle.locked_for(keys)
        if wait:
            return _too_many(wait)
        account = check_credentials(username, password)
        if account is not None:
            throttle.clear_failures(keys[0])
            session.clear()
            session["sid"] = throttle.create(username, current_app.config["SESSION_LIFETIME_HOURS"])
            session.permanent = True
            return redirect(_safe_next(request.form.get("next")))
        wait = throttle.record_failure(keys)
        if wait:
            return _too_many(wait)
        error = "Unknown user or wrong password."
    return render_template("login.html", error=error, next=request.args.get("next", "")), (401 if error else 200)


@bp.post("/logout")
def logout():
    sid = session.get("sid")
    if sid:
        sessions.store().revoke(sid)
    session.clear()
    flash("Signed out.")
    return redirect(url_for("auth.login"))


@bp.get("/health")
def health():
    return jsonify({"status": "ok"})


def role() -> str | None:
    return getattr(g, "role", None)


def user_level(action: str):
    """For views that show one person's data or release identifiers: privileged role only; each call audited."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if role() != PRIVILEGED:
                audit.record("denied", action, request.path)
                abort(403, description="This page shows one person's data: it needs the privileged role "
                                       "(`reelmart users add NAME --role privileged`).")
            audit.record("allowed", action, request.path)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    sessions.init_app(app)

    @app.before_request
    def require_login():
        g.user, g.role = None, None
        sid = session.get("sid")
        username = sessions.store().user_of(sid) if sid else None
        account = configured_users().get(username) if username else None
        if account is not None:
            g.user, g.role = username, account.role
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None and request.path.startswith("/static/"):
            return None
        if g.user is None:
            if request.path.startswith("/api/"):
                abort(401, description="Sign in first: this API needs an authenticated session.")
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return None
