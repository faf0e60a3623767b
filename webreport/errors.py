"""Error pages and JSON errors: a message for the user, never a stack trace."""

from __future__ import annotations

import logging
import re

import duckdb
from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from webreport.db import SnapshotMissing

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _render(status: int, title: str, message: str):
    if _wants_json():
        return jsonify({"error": title, "message": message}), status
    return render_template("error.html", status=status, title=title, message=message), status


def _snapshot_mismatch(exc: Exception, missing: str, title: str, message: str):
    """A 503 naming what the snapshot lacks (the first group of `missing` in DuckDB's message), logged."""
    log.warning("%s on %s: %s", title, request.path, exc)
    found = re.search(missing, str(exc))
    return _render(503, title, message.format(f" ({found.group(1)})" if found else ""))


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return _render(exc.code or 500, exc.name, exc.description or exc.name)

    @app.errorhandler(SnapshotMissing)
    def snapshot_missing(exc: SnapshotMissing):
        return _render(503, "Warehouse not built yet", str(exc))

    @app.errorhandler(duckdb.CatalogException)
    def mart_missing(exc: duckdb.CatalogException):
        """A page whose marts the published build does not have (e.g. a Spark build of the models verified
        there, docs/spark.md): say which, instead of an internal error."""
        return _snapshot_mismatch(exc, r"with name (\w+) does not exist", "Report not in this build",
                                  "The published warehouse does not have the marts this page reads{}. "
                                  "Build them (`reelmart build`) and publish.")

    @app.errorhandler(duckdb.BinderException)
    def snapshot_from_another_version(exc: duckdb.BinderException):
        """A snapshot published by another version of Reelmart: a column this page reads is not in it."""
        return _snapshot_mismatch(exc, r'column "(\w+)" not found', "Warehouse built by another version",
                                  "The published warehouse lacks a column this page reads{}: it was built by "
                                  "another version of Reelmart. Rebuild it (`reelmart build`) and publish.")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error on %s", request.path)
        return _render(500, "Internal error", "Something went wrong; the error was logged.")
