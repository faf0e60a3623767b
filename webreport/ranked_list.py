"""The ranked list page shared by videos and creators: filters, table, chart, CSV and JSON, so the two
pages cannot drift apart. A blueprint describes its page with a `RankedPage` and routes to `index` and
`api_index`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import jsonify

from webreport import charts, metrics, params
from webreport.pages import render_page, url_with
from webreport.queries import common, ranked
from webreport.tables import Column, Table, csv_response

RATIOS = list(ranked.RATIO_KEYS)


@dataclass(frozen=True)
class RankedPage:
    ranking: ranked.Ranking
    table_id: str  # also the CSV file name prefix
    template: str
    marts: tuple[str, ...]
    sort_labels: dict[str, str]  # sort key -> label, in the "Rank by" menu's order
    columns: Callable[[dict], list[Column]]  # (date range URL args) -> the table's columns
    hidden_parts: tuple[str, ...]
    chart_label: str  # the column naming a bar
    chart_title: str  # e.g. "Top videos"


def filters(page: RankedPage) -> dict:
    date_range = params.date_range(common.platform_date_bounds())
    category = params.choice_arg("category", common.video_categories())
    sort, descending = params.sort_arg(page.ranking.sort_keys, "-watch_seconds")
    limit = params.int_arg("limit", 50, 1, 500)
    min_views = params.int_arg("min_views", 10, 0, 1_000_000)
    return {"date_range": date_range, "category": category, "sort": sort, "descending": descending,
            "limit": limit, "min_views": min_views}


def table(page: RankedPage, f: dict) -> Table:
    rows = ranked.top(page.ranking, f["date_range"].start, f["date_range"].end, f["category"], f["sort"],
                      f["descending"], f["limit"], f["min_views"])
    metrics.add_ratios(rows, RATIOS)
    return Table(id=page.table_id, columns=page.columns(f["date_range"].as_args()), rows=rows,
                 row_key=page.ranking.key, with_totals=True, hidden_parts=list(page.hidden_parts))


def index(page: RankedPage):
    f = filters(page)
    t = table(page, f)
    if params.format_arg() == "csv":
        return csv_response(t, f"{page.table_id}-{f['date_range'].start}-{f['date_range'].end}.csv")
    value_format = "percent" if f["sort"] in ranked.RATIO_KEYS else ("hours" if f["sort"] == "watch_seconds" else "int")
    chart = charts.bar_chart(t.rows[:15], page.chart_label, f["sort"], value_format=value_format,
                             title=f"Top {min(15, len(t.rows))} by {page.sort_labels[f['sort']].lower()}",
                             value_title=page.sort_labels[f["sort"]])
    category_filter = {"name": "category", "label": "Category", "blank": "All categories",
                       "options": [(c, c) for c in common.video_categories()], "selected": f["category"]}
    sort_filter = {"name": "sort", "label": "Rank by", "blank": None,
                   "options": [(f"-{k}", v) for k, v in page.sort_labels.items()],
                   "selected": ("-" if f["descending"] else "") + f["sort"]}
    return render_page(page.template, marts=page.marts, date_range=f["date_range"], table=t, chart=chart,
                       filters=[category_filter, sort_filter], f=f, csv_url=url_with(format="csv"),
                       chart_title=page.chart_title)


def api_index(page: RankedPage):
    f = filters(page)
    t = table(page, f)
    return jsonify({**f["date_range"].as_args(), "category": f["category"], "sort": f["sort"],
                    "descending": f["descending"], "limit": f["limit"], "min_views": f["min_views"],
                    "rows": t.rows, "totals": t.totals()})
