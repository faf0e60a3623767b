"""Users: distributions of the profile mart dim_users over the whole data window. Only groups of at
least `queries.users.MIN_GROUP` users are shown; no single user's data appears."""

from __future__ import annotations

from flask import Blueprint, jsonify

from webreport import charts, metrics, params
from webreport.pages import render_page, url_with
from webreport.queries import users
from webreport.tables import Column, Table, csv_response

bp = Blueprint("users", __name__)
NAV = ("Users", "users.index")
MARTS = ("dim_users",)


def _distribution_table(dimension: str) -> Table:
    return Table(
        id=f"dist-{dimension}",
        columns=[Column("value", users.DIMENSIONS[dimension]), Column("users", "Users", "int", total="sum"),
                 Column("share", "Share", "percent")],
        rows=users.distribution(dimension), row_key="value", with_totals=True,
    )


def _data() -> dict:
    summary = users.summary()
    metrics.add_ratios([summary], ["engagement_rate", "completion_rate"])
    return {
        "summary": summary,
        "distributions": {dimension: users.distribution(dimension) for dimension in users.DIMENSIONS},
        "affinity": users.affinity_averages(),
        "activity": users.activity_histogram(),
        "min_group": users.MIN_GROUP,
    }


@bp.get("/users")
def index():
    dimension = params.choice_arg("dimension", users.DIMENSIONS, "age_band")
    if params.format_arg() == "csv":
        return csv_response(_distribution_table(dimension), f"users-by-{dimension}.csv")
    data = _data()
    dist_charts = {d: charts.bar_chart(rows[:20], "value", "users", title=f"Users by {label.lower()}",
                                       sort=None if d == "age_band" else "-x", ordinal=d == "age_band")
                   for d, label in users.DIMENSIONS.items() for rows in [data["distributions"][d]]}
    affinity_chart = charts.bar_chart(data["affinity"], "category", "mean_affinity", value_format="percent",
                                      title="Average share of watch time per category (users with views)")
    activity_chart = charts.bar_chart(data["activity"], "active_days", "users", ordinal=True, sort=None,
                                      title="Users by number of active days")
    return render_page("users/index.html", marts=MARTS, data=data, dist_charts=dist_charts,
                       affinity_chart=affinity_chart, activity_chart=activity_chart, dimensions=users.DIMENSIONS,
                       dimension=dimension, table=_distribution_table(dimension), csv_url=url_with(format="csv"))


@bp.get("/api/users")
def api_index():
    return jsonify(_data())
