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
        log.warning("missing relation on %s: %s", request.path, exc)
        found = re.search(r"with name (\w+) does not exist", str(exc))
        mart = f" ({found.group(1)})" if found else ""
        return _render(503, "Report not in this build",
                       f"The published warehouse does not have the marts this page reads{mart}. "
                       "Build them (`reelmart build`) and publish.")

    @app.errorhandler(duckdb.BinderException)
    def snapshot_from_another_version(exc: duckdb.BinderException):
        """A snapshot published by another version of Reelmart: a column this page reads is not in it."""
        log.warning("column missing on %s: %s", request.path, exc)
        found = re.search(r'column "(\w+)" not found', str(exc))
        column = f" ({found.group(1)})" if found else ""
        return _render(503, "Warehouse built by another version",
                       f"The published warehouse lacks a column this page reads{column}: it was built by another "
                       "version of Reelmart. Rebuild it (`reelmart build`) and publish.")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error on %s", request.path)
        return _render(500, "Internal error", "Something went wrong; the error was logged.")
