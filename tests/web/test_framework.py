"""The shared report framework: parameter parsing, metric definitions, tables, CSV, charts, nav, assets."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from flask import url_for
from werkzeug.exceptions import BadRequest, NotFound

from webreport import charts, metrics, params
from webreport.tables import Column, Table, csv_response


def test_date_range_defaults_to_the_last_28_days_of_data(app):
    with app.test_request_context("/"):
        dr = params.date_range((date(2026, 10, 1), date(2026, 10, 30)))
    assert (dr.start, dr.end, dr.days) == (date(2026, 10, 3), date(2026, 10, 30), 28)
    assert dr.previous() == params.DateRange(date(2026, 9, 5), date(2026, 10, 2))
    with app.test_request_context("/"):  # shorter data: all of it
        assert params.date_range((date(2026, 10, 1), date(2026, 10, 21))).days == 21


def test_date_presets_stay_inside_the_data(app):
    with app.test_request_context("/"):
        dr = params.date_range((date(2026, 10, 1), date(2026, 10, 21)))
    presets = dr.presets()
    assert [p["label"] for p in presets] == ["Last 7 days", "Last 14 days", "All data (21 days)"]
    assert all("2026-10-01" <= p["args"]["start"] <= p["args"]["end"] <= "2026-10-21" for p in presets)
    assert [p["active"] for p in presets] == [False, False, True]


@pytest.mark.parametrize("query", ["start=2025-01-01&end=2025-01-31", "start=2026-11-01", "end=2026-09-30"])
def test_a_range_outside_the_data_names_the_dates_covered(app, query):
    with app.test_request_context(f"/api/overview?{query}"), pytest.raises(BadRequest) as error:
        params.date_range((date(2026, 10, 1), date(2026, 10, 30)))
    assert "the data covers 2026-10-01 to 2026-10-30" in error.value.description


@pytest.mark.parametrize("value, kind, text", [
    (-0.0001, "ratio", "0.00"), (-0.004, "currency", "¥0.00"), (-0.00001, "percent", "0.00%"),
    (-0.01, "number", "0.0"), (-0.5, "ratio", "-0.50"), (-12.0, "currency", "¥-12.00"), (0.0, "ratio", "0.00"),
])
def test_no_negative_zero(value, kind, text):
    from webreport.tables import format_value
    assert format_value(value, kind) == text


def test_date_range_from_the_url(app):
    with app.test_request_context("/?start=2026-10-02&end=2026-10-05"):
        dr = params.date_range((date(2026, 10, 1), date(2026, 10, 30)))
    assert dr == params.DateRange(date(2026, 10, 2), date(2026, 10, 5))
    assert dr.previous() == params.DateRange(date(2026, 9, 28), date(2026, 10, 1))


@pytest.mark.parametrize("query, message", [
    ("start=2026-1-01", "YYYY-MM-DD"),
    ("end=yesterday", "YYYY-MM-DD"),
    ("start=2026-02-30", "not a real calendar date"),
    ("start=2026-10-05&end=2026-10-01", "after the end date"),
    ("start=2020-01-01&end=2026-01-01", "at most 366 days"),
    ("start=2026-10-01'%20or%20'1'='1", "YYYY-MM-DD"),
])
def test_bad_dates_are_400_with_a_message(app, query, message):
    with app.test_request_context(f"/?{query}"), pytest.raises(BadRequest) as error:
        params.date_range((date(2026, 10, 1), date(2026, 10, 30)))
    assert message in error.value.description


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "1 or 1=1", "", "99999999999999999999", "0x10"])
def test_bad_ids_are_400(app, value):
    with app.test_request_context("/"), pytest.raises(BadRequest, match="400"):
        params.parse_id(value, "video")


def test_choice_sort_and_int_args(app):
    with app.test_request_context("/?category=food&sort=-views&limit=7"):
        assert params.choice_arg("category", ["food", "pets"]) == "food"
        assert params.sort_arg(["views", "likes"], "likes") == ("views", True)
        assert params.int_arg("limit", 50, 1, 500) == 7
    with app.test_request_context("/?category=food;drop table x&sort=views--&limit=501"):
        for call in (lambda: params.choice_arg("category", ["food"]), lambda: params.sort_arg(["views"], "views"),
                     lambda: params.int_arg("limit", 50, 1, 500)):
            with pytest.raises(BadRequest):
                call()
    with app.test_request_context("/"), pytest.raises(NotFound):
        params.found(None, "nothing here")


def test_metric_definitions_come_from_the_dbt_var(app, tiny_warehouse):
    import yaml

    from tests.conftest import project_dir

    declared = yaml.safe_load((project_dir() / "dbt_project.yml").read_text())["vars"]["metrics"]
    with app.app_context():
        defined = metrics.definitions()
    assert list(defined) == [m["name"] for m in declared]
    for m in declared:
        metric = defined[m["name"]]
        assert metric.numerator == tuple(m["numerator"]) and metric.denominator == m["denominator"]
        assert metric.multiplier == m["multiplier"] and m["description"] in metric.tooltip
    assert {"ctr", "cvr", "cpm", "cpc", "cpa", "roas", "completion_rate", "engagement_rate"} <= set(defined)


def test_metric_python_and_sql_agree_with_the_warehouse(app, tiny_warehouse):
    """dim_users' rates come from the dbt macro; the app's ratio() and Metric.sql() must give the same."""
    with app.app_context():
        completion, engagement = metrics.get("completion_rate"), metrics.get("engagement_rate")
        cpm = metrics.get("cpm")
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        rows = con.execute(
            f"select views, completed_views, likes, comments, shares, follows, completion_rate, engagement_rate, "
            f"{completion.sql()} as completion_sql, {engagement.sql()} as engagement_sql "
            f"from dim_users order by user_id limit 200").df().to_dict("records")
    for row in rows:
        for metric, stored, via_sql in ((completion, "completion_rate", "completion_sql"),
                                        (engagement, "engagement_rate", "engagement_sql")):
            if row["views"]:
                assert metric.compute(row) == pytest.approx(row[stored])
                assert row[via_sql] == pytest.approx(row[stored])
            else:
                assert metric.compute(row) is None
    assert cpm.compute({"spend": 5, "impressions": 2000}) == pytest.approx(2.5)
    assert cpm.compute({"spend": 5, "impressions": 0}) is None


def test_totals_row_sums_parts_and_recomputes_ratios(app):
    rows = [{"day": "a", "views": 10, "completed_views": 9}, {"day": "b", "views": 90, "completed_views": 9}]
    with app.app_context():
        metrics.add_ratios(rows, ["completion_rate"])
        table = Table([Column("day", "Day"), Column("views", "Views", "int", total="sum"),
                       Column("completion_rate", "CR", "percent", metric="completion_rate", total="metric")],
                      rows, with_totals=True)
        totals = table.totals()
    assert totals["views"] == 100
    assert totals["completion_rate"] == pytest.approx(18 / 100)  # not the mean of 0.9 and 0.1


def test_csv_has_exactly_the_rows_and_columns(app):
    table = Table([Column("id", "Id"), Column("title", "Title")],
                  [{"id": 1, "title": "a,b \"quoted\""}, {"id": 2, "title": None}])
    with app.test_request_context("/"):
        response = csv_response(table, "x.csv")
    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True) == 'id,title\n1,"a,b ""quoted"""\n2,\n'


def test_interval_chart_spec_has_estimate_interval_and_zero_line():
    spec = charts.interval_chart([
        {"arm": "B", "lift": 0.05, "lo": 0.01, "hi": 0.09},
        {"arm": "C", "lift": 0.01, "lo": -0.02, "hi": 0.04},
    ], "arm", "lift", "lo", "hi", title="Lift")
    rule, point, zero = spec["layer"]
    assert rule["encoding"]["x"]["field"] == "lo" and rule["encoding"]["x2"]["field"] == "hi"
    assert point["encoding"]["x"]["field"] == "lift"
    assert zero["data"]["values"] == [{"zero": 0.0}]
    assert [row["_crosses_zero"] for row in spec["data"]["values"]] == [False, True]


def test_time_series_converts_hours_and_dates():
    spec = charts.time_series([{"d": date(2026, 10, 1), "s": 7200}], "d", {"s": "Watch"}, value_format="hours")
    assert spec["data"]["values"] == [{"d": "2026-10-01", "s": 2.0}]


def test_navigation_comes_from_the_blueprint_registry(logged_in, app):
    from webreport.blueprints import NAV_ITEMS, REPORT_BLUEPRINTS

    assert {bp.name for bp in REPORT_BLUEPRINTS} <= set(app.blueprints)
    page = logged_in.get("/").get_data(as_text=True)
    for label, endpoint in NAV_ITEMS:
        with app.test_request_context("/"):
            href = url_for(endpoint)
        assert f'href="{href}?start=' in page and f">{label}</a>" in page
    assert ("Videos", "videos.index") in NAV_ITEMS


def test_vega_bundle_is_served_and_cached(logged_in, client):
    page = logged_in.get("/").get_data(as_text=True)
    import re

    url = re.search(r'src="(/assets/vega-[0-9a-f]+\.js)"', page).group(1)
    response = logged_in.get(url)
    assert response.status_code == 200 and b"vegaEmbed" in response.data
    assert "immutable" in response.headers["Cache-Control"]
    assert "<script>" not in page  # no inline scripts: CSP is script-src 'self'


def test_dbt_docs_need_login_and_link_each_mart(client, logged_in):
    page = logged_in.get("/videos").get_data(as_text=True)
    assert "/docs#!/model/model.reelmart.fct_video_daily" in page
    response = logged_in.get("/docs")
    assert response.status_code == 200 and b"dbt" in response.data
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    logged_in.post("/logout")
    assert logged_in.get("/docs").status_code == 302


def test_a_page_whose_marts_the_build_lacks_says_which_instead_of_failing(tmp_path):
    """A published build without a page's marts (a Spark build of the models verified there, docs/spark.md)."""
    from werkzeug.security import generate_password_hash

    from webreport import create_app

    snapshot = tmp_path / "reelmart.duckdb"
    duckdb.connect(str(snapshot)).close()
    client = create_app({"TESTING": True, "SECRET_KEY": "x", "SERVING_DB": str(snapshot), "WTF_CSRF_ENABLED": False,
                         "USERS": {"a": generate_password_hash("pw")}}).test_client()
    assert client.post("/login", data={"username": "a", "password": "pw"}).status_code == 302
    page, api = client.get("/quality"), client.get("/api/quality")
    assert page.status_code == api.status_code == 503
    assert b"Report not in this build" in page.data and b"does not have the marts this page reads (" in page.data
    assert api.get_json()["error"] == "Report not in this build" and "(" in api.get_json()["message"]


def test_a_snapshot_from_another_version_says_so_instead_of_failing(tiny_warehouse, tmp_path):
    """A published build whose marts lack a column the code reads (built by an older version)."""
    import shutil

    from werkzeug.security import generate_password_hash

    from webreport import create_app

    snapshot = tmp_path / "reelmart.duckdb"
    shutil.copyfile(tiny_warehouse.serving_db, snapshot)
    with duckdb.connect(str(snapshot)) as con:
        video = con.execute("select min(video_id) from dim_videos").fetchone()[0]
        con.execute("alter table rpt_report_settings drop column creator_min_hazard_ratio")
    client = create_app({"TESTING": True, "SECRET_KEY": "x", "SERVING_DB": str(snapshot), "WTF_CSRF_ENABLED": False,
                         "USERS": {"a": generate_password_hash("pw")}}).test_client()
    assert client.post("/login", data={"username": "a", "password": "pw"}).status_code == 302
    page = client.get(f"/videos/{video}")
    assert page.status_code == 503 and b"Warehouse built by another version" in page.data
    assert b"(creator_min_hazard_ratio)" in page.data and b"Traceback" not in page.data
