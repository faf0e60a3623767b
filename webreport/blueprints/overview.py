"""Overview: what was built and when, how big each mart is, and what was rejected."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from webreport import queries

bp = Blueprint("overview", __name__)


@bp.get("/")
def index():
    return render_template("overview.html", **queries.warehouse_overview())


@bp.get("/api/overview")
def api_overview():
    return jsonify(queries.warehouse_overview())
