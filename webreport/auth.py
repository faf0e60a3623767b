"""Login for the report site. Every page except /health and static files needs a signed-in user.

Users and password hashes come from configuration: `USERS` (a mapping) or the JSON file at
`USERS_FILE` ({"name": "<werkzeug password hash>"}), written by `reelmart users add`.
"""

from __future__ import annotations

import json
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
from werkzeug.security import check_password_hash

bp = Blueprint("auth", __name__)
PUBLIC_ENDPOINTS = {"auth.login", "auth.health", "static"}


def configured_users() -> dict[str, str]:
    users = current_app.config.get("USERS")
    if users:
        return dict(users)
    path = Path(current_app.config["USERS_FILE"])
    if path.exists():
        return json.loads(path.read_text())
    return {}


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths, so the login form is no open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("overview.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        username = request.form.get("username", "")
        password = request.form.get("password", "")
        stored = configured_users().get(username)
        if stored and check_password_hash(stored, password):
            session.clear()
            session["user"] = username
            session.permanent = False
            return redirect(_safe_next(request.form.get("next")))
        error = "Unknown user or wrong password."
    return render_template("login.html", error=error, next=request.args.get("next", "")), (401 if error else 200)


@bp.post("/logout")
def logout():
    session.clear()
    flash("Signed out.")
    return redirect(url_for("auth.login"))


@bp.get("/health")
def health():
    return jsonify({"status": "ok"})


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.before_request
    def require_login():
        g.user = session.get("user")
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None and request.path.startswith("/static/"):
            return None
        if g.user is None or g.user not in configured_users():
            if request.path.startswith("/api/"):
                abort(401, description="Sign in first: this API needs an authenticated session.")
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return None
