"""The shared page frame: navigation, the global date range, build time and dbt-docs links.

A report view calls `render_page(template, marts=[...], date_range=dr, **context)`; the base layout
then shows the date picker for `dr` (state in the URL), links each mart to its dbt docs, and the
navigation from the blueprint registry. `report_args()` gives the current URL parameters so links
and forms keep the filters.
"""

from __future__ import annotations

import duckdb
from flask import Flask, g, render_template, request, url_for

from webreport import charts, metrics, report_settings
from webreport.db import SnapshotMissing
from webreport.params import DateRange
from webreport.queries import common
from webreport.tables import format_value, sort_value


def dbt_docs_url(mart: str) -> str:
    return url_for("site.dbt_docs") + f"#!/model/model.reelmart.{mart}"


def render_page(template: str, *, marts: list[str] | tuple[str, ...] = (), date_range: DateRange | None = None,
                **context) -> str:
    return render_template(template, page_marts=list(marts), date_range=date_range, **context)


def report_args(**overrides) -> dict[str, str]:
    """The request's query parameters with `overrides` applied (None removes a key)."""
    args = {key: value for key, value in request.args.items() if key != "format"}
    for key, value in overrides.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = str(value)
    return args


def url_with(endpoint: str | None = None, **overrides) -> str:
    """A URL to `endpoint` (default: this page) keeping the current filters and date range."""
    values = dict(request.view_args or {}) if endpoint is None else {}
    return url_for(endpoint or request.endpoint, **values, **report_args(**overrides))


def _build_published_at() -> str | None:
    try:
        return common.build_info().get("published_at")
    except (SnapshotMissing, duckdb.Error):  # no snapshot or no build info: the frame still renders
        return None


def _metric_tooltip(name: str) -> str:
    try:
        return metrics.get(name).tooltip
    except (KeyError, SnapshotMissing):
        return ""


def init_app(app: Flask) -> None:
    from webreport.blueprints import NAV_ITEMS

    app.jinja_env.filters["fmt"] = format_value
    app.jinja_env.filters["sort_value"] = sort_value
    from webreport.blueprints.site import vega_url

    app.jinja_env.globals.update(url_with=url_with, dbt_docs_url=dbt_docs_url, metric_tooltip=_metric_tooltip,
                                 vega_url=vega_url, report_args=report_args, report_settings=report_settings.get)

    @app.context_processor
    def frame() -> dict:
        if not getattr(g, "user", None):
            return {"nav_items": []}
        return {
            "nav_items": NAV_ITEMS,
            "active_blueprint": request.blueprint,
            "published_at": _build_published_at(),
            "charts": charts,
        }
