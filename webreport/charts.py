"""Vega-Lite specs for the report pages, built in Python and rendered in the browser by static/charts.js.

Every helper returns a plain dict (JSON-serialisable): a template puts it in
`{{ chart(spec) }}` (templates/_macros.html), or a route returns it as JSON for `data-spec-url`.
The data is inlined; values are converted to JSON-friendly types here, so views can pass query rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from markupsafe import Markup

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
FORMATS = {"percent": ".1%", "int": ",d", "number": ",.1f", "hours": ",.1f", "currency": ",.2f", "ratio": ",.2f"}
ACCENT = "#e0245e"
UNITS = {"percent": "%", "currency": "CNY", "hours": "hours", "int": None, "number": None, "ratio": None}


def axis_title(label: str, value_format: str = "number") -> str:
    """An axis title with its unit, e.g. 'CTR (%)', 'Spend (CNY)'; every chart's axes get one."""
    unit = UNITS.get(value_format)
    return f"{label} ({unit})" if unit and f"({unit})" not in label else label


def _humanize(field: str) -> str:
    return field.replace("_", " ").strip().capitalize()


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _values(rows: Sequence[dict], fields: Sequence[str]) -> list[dict]:
    return [{field: _plain(row.get(field)) for field in fields} for row in rows]


def _base(title: str | None, height: int) -> dict:
    spec = {"$schema": SCHEMA, "width": "container", "height": height, "padding": 10,
            "autosize": {"type": "fit", "contains": "padding"},
            "config": {"view": {"stroke": None}, "axis": {"labelFontSize": 11, "titleFontSize": 12},
                       "font": "Noto Sans CJK SC, Noto Sans, sans-serif"}}
    if title:
        spec["title"] = {"text": title, "anchor": "start", "fontSize": 13}
    return spec


def time_series(rows: Sequence[dict], x: str, series: dict[str, str], title: str | None = None,
                value_format: str = "number", y_title: str | None = None, height: int = 220,
                x_title: str = "Day (UTC)") -> dict:
    """One line per entry of `series` ({field: legend label}) over the date field `x`; hours are
    converted from seconds when value_format == 'hours'. The y title defaults to the one series' label
    (or 'Value') with its unit."""
    if y_title is None:
        y_title = next(iter(series.values())) if len(series) == 1 else "Value"
    y_title = axis_title(y_title, value_format)
    values = _values(rows, [x, *series])
    if value_format == "hours":
        for row in values:
            for field in series:
                row[field] = None if row[field] is None else row[field] / 3600
    spec = _base(title, height)
    spec.update({
        "data": {"values": values},
        "transform": [{"fold": list(series), "as": ["series_field", "value"]},
                      {"calculate": f"{_label_lookup(series)}[datum.series_field]", "as": "series"}],
        "mark": {"type": "line", "point": True, "tooltip": True},
        "encoding": {
            "x": {"field": x, "type": "temporal", "title": x_title, "axis": {"format": "%b %d"}},
            "y": {"field": "value", "type": "quantitative", "title": y_title,
                  "axis": {"format": FORMATS.get(value_format, ",.1f")}},
            "color": {"field": "series", "type": "nominal", "title": None,
                      "legend": {"orient": "top"} if len(series) > 1 else None,
                      "scale": {"range": [ACCENT, "#3b6fb6", "#2e9b6a", "#8c5fc4"]}},
            "tooltip": [{"field": x, "type": "temporal", "title": "day"},
                        {"field": "series", "type": "nominal"},
                        {"field": "value", "type": "quantitative", "format": FORMATS.get(value_format, ",.1f")}],
        },
    })
    return spec


def _label_lookup(series: dict[str, str]) -> str:
    """A Vega expression object literal mapping field -> label (labels are JSON-quoted)."""
    return "{" + ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in series.items()) + "}"


def bar_chart(rows: Sequence[dict], category: str, value: str, title: str | None = None,
              value_format: str = "int", sort: str | None = "-x", ordinal: bool = False,
              height: int | None = None, value_title: str | None = None, category_title: str | None = None) -> dict:
    """Horizontal bars of `value` per `category` (sorted by value unless sort=None, e.g. for bands
    or histogram bins, where `ordinal` keeps the given order). Axis titles default to the field names."""
    value_title = axis_title(value_title or _humanize(value), value_format)
    category_title = category_title or _humanize(category)
    values = _values(rows, [category, value])
    if value_format == "hours":
        for row in values:
            row[value] = None if row[value] is None else row[value] / 3600
    spec = _base(title, height or max(80, 22 * len(values) + 30))
    spec.update({
        "data": {"values": values},
        "mark": {"type": "bar", "color": ACCENT, "tooltip": True},
        "encoding": {
            "y": {"field": category, "type": "ordinal" if ordinal else "nominal", "title": category_title,
                  "sort": None if ordinal or sort is None else sort},
            "x": {"field": value, "type": "quantitative", "title": value_title,
                  "axis": {"format": FORMATS.get(value_format, ",d")}},
            "tooltip": [{"field": category, "type": "nominal"},
                        {"field": value, "type": "quantitative", "format": FORMATS.get(value_format, ",d")}],
        },
    })
    return spec


def interval_chart(rows: Sequence[dict], label: str, estimate: str, lower: str, upper: str,
                   title: str | None = None, value_format: str = "percent", zero: float = 0.0,
                   value_title: str | None = None, height: int | None = None,
                   label_title: str | None = None) -> dict:
    """Point estimate with its confidence/credible interval per row, and a reference line at `zero`
    (no effect): the component the experiment and lift pages reuse. An interval that crosses the
    line is drawn grey, one wholly on a side of it in the accent colour."""
    value_title = axis_title(value_title or _humanize(estimate), value_format)
    values = _values(rows, [label, estimate, lower, upper])
    for row in values:
        lo, hi = row[lower], row[upper]
        row["_crosses_zero"] = zero is not None and (lo is None or hi is None or (lo <= zero <= hi))
    fmt = FORMATS.get(value_format, ",.2f")
    spec = _base(title, height or max(80, 32 * len(values) + 40))
    color = {"field": "_crosses_zero", "type": "nominal", "legend": None,
             "scale": {"domain": [True, False], "range": ["#8a94a6", ACCENT]}}
    y = {"field": label, "type": "nominal", "title": label_title or _humanize(label), "sort": None}
    spec.update({
        "data": {"values": values},
        "layer": [
            {"mark": {"type": "rule", "strokeWidth": 3},
             "encoding": {"y": y, "x": {"field": lower, "type": "quantitative", "title": value_title,
                                        "axis": {"format": fmt}},
                          "x2": {"field": upper}, "color": color}},
            {"mark": {"type": "point", "filled": True, "size": 80, "tooltip": True},
             "encoding": {"y": y, "x": {"field": estimate, "type": "quantitative"}, "color": color,
                          "tooltip": [{"field": label, "type": "nominal"},
                                      {"field": estimate, "type": "quantitative", "format": fmt},
                                      {"field": lower, "type": "quantitative", "format": fmt},
                                      {"field": upper, "type": "quantitative", "format": fmt}]}},
        ],
    })
    if zero is not None:  # zero=None: no reference line (e.g. CTR intervals, where 0 is no benchmark)
        spec["layer"].append({"data": {"values": [{"zero": zero}]},
                              "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#1d2330"},
                              "encoding": {"x": {"field": "zero", "type": "quantitative"}}})
    return spec


def sparkline(values: Sequence[float | Decimal | None], width: int = 72, height: int = 18, label: str = "") -> Markup:
    """A tiny inline SVG line of `values` (e.g. spend per day) for a table cell; None counts as 0. Built
    from numbers only, so the markup is safe; the aria-label says what it shows."""
    points = [float(v or 0) for v in values]
    if len(points) < 2:
        return Markup("")
    top = max(points) or 1.0
    step = (width - 2) / (len(points) - 1)
    coords = " ".join(f"{1 + i * step:.1f},{height - 1 - (v / top) * (height - 2):.1f}" for i, v in enumerate(points))
    title = Markup.escape(label)
    return Markup(f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
                  f'role="img" aria-label="{title}"><title>{title}</title><polyline points="{coords}"/></svg>')


def retention_curve(curve: Sequence[dict], moments: Sequence[dict], title: str | None = None,
                    height: int = 240) -> dict:
    """A video's retention (share of views still on their first pass) per second, its peers' quartile
    band, and a rule per key moment (dips red, holds green)."""
    values = _values(curve, ["second_index", "retention", "peer_retention_p25", "peer_retention_median",
                             "peer_retention_p75", "views_at_risk"])
    marks = _values(moments, ["second_index", "moment_type", "hazard", "baseline_hazard", "exits", "views_at_risk"])
    x = {"field": "second_index", "type": "quantitative", "title": "Second of the video"}
    percent = {"format": FORMATS["percent"]}
    spec = _base(title, height)
    spec["layer"] = [
        {"data": {"values": values}, "mark": {"type": "area", "opacity": 0.25, "color": "#3b6fb6"},
         "encoding": {"x": x, "y": {"field": "peer_retention_p25", "type": "quantitative",
                                    "title": axis_title("Still watching", "percent"), "axis": percent},
                      "y2": {"field": "peer_retention_p75"}}},
        {"data": {"values": values}, "mark": {"type": "line", "color": ACCENT, "tooltip": True},
         "encoding": {"x": x, "y": {"field": "retention", "type": "quantitative"},
                      "tooltip": [{"field": "second_index", "title": "second"},
                                  {"field": "retention", "format": FORMATS["percent"], "title": "still watching"},
                                  {"field": "peer_retention_median", "format": FORMATS["percent"],
                                   "title": "peer median"},
                                  {"field": "views_at_risk", "format": ",d", "title": "viewers"}]}},
    ]
    if marks:
        spec["layer"].append(
            {"data": {"values": marks}, "mark": {"type": "rule", "strokeDash": [4, 3], "tooltip": True},
             "encoding": {"x": x, "color": {"field": "moment_type", "type": "nominal", "title": "Key moment",
                                            "scale": {"domain": ["dip", "hold"], "range": ["#c0392b", "#2e9b6a"]}},
                          "tooltip": [{"field": "second_index", "title": "second"}, {"field": "moment_type"},
                                      {"field": "exits", "format": ",d", "title": "left"},
                                      {"field": "views_at_risk", "format": ",d", "title": "of viewers"},
                                      {"field": "hazard", "format": ".1%", "title": "leave rate"},
                                      {"field": "baseline_hazard", "format": ".1%", "title": "usual rate"}]}})
    return spec
