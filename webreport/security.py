"""Security headers (no-store on data responses) and CSRF protection for every response and form."""

from __future__ import annotations

from flask import Flask, request
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


# static assets (code, styles) carry no data and may be cached
CACHEABLE_ENDPOINTS = {"static", "site.vega_js"}


def init_app(app: Flask) -> None:
    csrf.init_app(app)

    @app.after_request
    def set_security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if request.endpoint not in CACHEABLE_ENDPOINTS:
            # report pages, JSON and CSV hold warehouse data: no copy in browser or proxy caches
            response.headers["Cache-Control"] = "no-store"
        return response
