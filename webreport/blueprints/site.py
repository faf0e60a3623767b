"""Site-wide routes: the dbt docs of the published warehouse, the charting library, the API index."""

from __future__ import annotations

import functools
import hashlib
import threading
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from webreport.params import not_found

bp = Blueprint("site", __name__)
_bundle_lock = threading.Lock()

# dbt's static docs page is one HTML file of inline scripts and styles (AngularJS, which evaluates
# templates): it gets its own policy; it is our build's output and still may not be framed.
DOCS_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'; font-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@functools.cache
def vega_bundle() -> tuple[str, str]:
    """Vega + Vega-Lite + vega-embed from vl-convert (no CDN), built once per process, and its digest."""
    with _bundle_lock:
        import vl_convert

        code = vl_convert.javascript_bundle()
        return code, hashlib.sha256(code.encode()).hexdigest()[:16]


@bp.get("/assets/vega-<digest>.js")
def vega_js(digest: str):
    code, current = vega_bundle()
    response = Response(code, mimetype="text/javascript")
    if digest == current:  # the URL names the content: cache it for good
        response.cache_control.public = True
        response.cache_control.max_age = 31536000
        response.cache_control.immutable = True
    return response


def vega_url() -> str:
    return url_for("site.vega_js", digest=vega_bundle()[1])


@bp.get("/docs")
def dbt_docs():
    path = Path(current_app.config["DOCS_HTML"])
    if not path.exists():
        not_found("The dbt docs have not been generated: run `reelmart build` (without --no-docs).")
    response = Response(path.read_bytes(), mimetype="text/html")
    response.headers["Content-Security-Policy"] = DOCS_POLICY
    return response


@bp.get("/api/")
def api_index():
    """Every JSON route of the site, so API users can discover them."""
    routes = sorted({rule.rule for rule in current_app.url_map.iter_rules() if rule.rule.startswith("/api/")})
    return jsonify({"routes": routes, "host": request.host_url})
