"""Every report page and API route through the Flask test client: login, filters, CSV = table rows,
400 on bad input, 404 on unknown ids, escaped text."""

from __future__ import annotations

import csv
import html as html_lib
import io
import json
import re
import shutil

import duckdb
import pytest

from tests.web.html_tables import read_table

XSS = "<script>alert(1)</script>"
XSS_TITLE = '"><img src=x onerror=alert(2)>'


@pytest.fixture(scope="module")
def sample_ids(tiny_warehouse) -> dict:
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        video_id, creator_id = con.execute(
            "select video_id, creator_id from dim_videos order by views desc, video_id limit 1").fetchone()
        first, last = con.execute("select min(date_day), max(date_day) from rpt_platform_daily").fetchone()
    return {"video": video_id, "creator": creator_id, "first_day": first, "last_day": last}


def routes(ids: dict) -> list[str]:
    return ["/", "/videos", f"/videos/{ids['video']}", "/creators", f"/creators/{ids['creator']}", "/users",
            "/quality", "/api/overview", "/api/videos", f"/api/videos/{ids['video']}", "/api/creators",
            f"/api/creators/{ids['creator']}", "/api/users", "/api/quality", "/api/", "/docs"]


def test_every_route_needs_login(client, sample_ids):
    for url in routes(sample_ids):
        response = client.get(url)
        if url.startswith("/api/"):
            assert response.status_code == 401, url
            assert response.json["error"] == "Unauthorized"
        else:
            assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_every_route_answers_when_signed_in(logged_in, sample_ids):
    for url in routes(sample_ids):
        response = logged_in.get(url)
        assert response.status_code == 200, url
        if url.startswith("/api/"):
            assert response.is_json, url


def test_overview_kpis_compare_with_the_previous_period(logged_in, tiny_warehouse):
    data = logged_in.get("/api/overview?start=2026-10-08&end=2026-10-14").json
    assert (data["start"], data["end"]) == ("2026-10-08", "2026-10-14")
    assert (data["previous"]["start"], data["previous"]["end"]) == ("2026-10-01", "2026-10-07")
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        views, completed, active = con.execute(
            "select count(*), count(*) filter (where is_completed), count(distinct user_id) "
            "from fct_watch_events where event_date between '2026-10-08' and '2026-10-14'").fetchone()
    current = data["current"]
    assert current["views"] == views and current["active_users"] == active
    assert current["completion_rate"] == pytest.approx(completed / views)
    assert len(data["daily"]) == 7 and data["totals"]["views"] == views
    page = logged_in.get("/?start=2026-10-08&end=2026-10-14").get_data(as_text=True)
    assert f"{views:,}" in page and "vs" in page
    assert "Completion rate = completed_views / views" in page  # metric tooltip from rpt_metric_definitions


def test_one_default_range_on_every_dated_report(logged_in, sample_ids):
    """The last 28 days of data (or all of it if shorter), the same on every report."""
    from datetime import timedelta

    data = logged_in.get("/api/overview").json
    assert data["end"] == sample_ids["last_day"].isoformat()
    assert data["start"] == max(sample_ids["last_day"] - timedelta(days=27), sample_ids["first_day"]).isoformat()
    for url in ("/api/campaigns", "/api/videos", "/api/creators"):
        other = logged_in.get(url).json
        assert (other["start"], other["end"]) == (data["start"], data["end"]), url


def test_video_filters_and_sorting(logged_in):
    rows = logged_in.get("/api/videos?category=food&sort=-completion_rate&min_views=5&limit=500").json["rows"]
    assert rows and {row["category"] for row in rows} == {"food"}
    assert all(row["views"] >= 5 for row in rows)
    rates = [row["completion_rate"] for row in rows]
    assert rates == sorted(rates, reverse=True)
    ascending = logged_in.get("/api/videos?sort=views&limit=20&min_views=0").json["rows"]
    assert [r["views"] for r in ascending] == sorted(r["views"] for r in ascending)


def test_videos_csv_is_exactly_the_table(logged_in):
    query = "category=music&sort=-engagement_rate&limit=25&min_views=1&start=2026-10-03&end=2026-10-16"
    page = logged_in.get(f"/videos?{query}").get_data(as_text=True)
    columns, table_rows = read_table(page, "videos")
    response = logged_in.get(f"/videos?{query}&format=csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    csv_rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(csv_rows[0]) == columns
    assert [r["video_id"] for r in csv_rows] == [r["key"] for r in table_rows]
    for csv_row, table_row in zip(csv_rows, table_rows, strict=True):
        for column in ("views", "watch_seconds", "completion_rate", "engagement_rate"):
            assert float(csv_row[column]) == pytest.approx(float(table_row["values"][column]))
    api_rows = logged_in.get(f"/api/videos?{query}").json["rows"]
    assert [str(r["video_id"]) for r in api_rows] == [r["video_id"] for r in csv_rows]


@pytest.mark.parametrize("page, table_id, key", [
    ("/?start=2026-10-02&end=2026-10-09", "daily", "date_day"),
    ("/creators?category=pets&limit=10", "creators", "creator_id"),
    ("/quality?source=watch_events", "reasons", None),
    ("/users?dimension=country_code", "dist-country_code", "value"),
])
def test_other_csv_downloads_match_their_tables(logged_in, page, table_id, key):
    columns, table_rows = read_table(logged_in.get(page).get_data(as_text=True), table_id)
    sep = "&" if "?" in page else "?"
    csv_rows = list(csv.DictReader(io.StringIO(logged_in.get(f"{page}{sep}format=csv").get_data(as_text=True))))
    assert len(csv_rows) == len(table_rows) > 0
    if key:
        assert [r[key] for r in csv_rows] == [r["key"] for r in table_rows]


def test_detail_pages_and_their_csv(logged_in, sample_ids):
    video = logged_in.get(f"/api/videos/{sample_ids['video']}?start=2026-10-01&end=2026-10-21").json
    assert video["video"]["video_id"] == sample_ids["video"]
    assert sum(day["views"] for day in video["daily"]) == video["totals"]["views"] > 0
    rows = list(csv.DictReader(io.StringIO(logged_in.get(
        f"/videos/{sample_ids['video']}?start=2026-10-01&end=2026-10-21&format=csv").get_data(as_text=True))))
    assert [r["date_day"] for r in rows] == [d["date_day"] for d in video["daily"]]
    creator = logged_in.get(f"/api/creators/{sample_ids['creator']}").json
    assert creator["creator"]["creator_id"] == sample_ids["creator"] and creator["daily"]
    page = logged_in.get(f"/creators/{sample_ids['creator']}").get_data(as_text=True)
    assert creator["creator"]["handle"] in page


def test_users_page_shows_groups_only(logged_in, tiny_warehouse):
    data = logged_in.get("/api/users").json
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        users = con.execute("select count(*) from dim_users").fetchone()[0]
    for dimension, rows in data["distributions"].items():
        assert sum(r["users"] for r in rows) == users, dimension
        assert all(r["users"] >= data["min_group"] or r["value"] == "other (small groups)" for r in rows)
    assert sum(r["users"] for r in data["activity"]) == users
    assert sum(r["mean_affinity"] for r in data["affinity"]) == pytest.approx(1.0)
    page = logged_in.get("/users").get_data(as_text=True)
    assert "@" not in page and "user_id" not in page  # no identifiers, no per-user rows


def test_quality_page_has_rejects_and_reconciliation(logged_in):
    page = logged_in.get("/quality").get_data(as_text=True)
    assert "fct_watch_events" in page and "dim_users" in page and "duplicate" in page
    data = logged_in.get("/api/quality?source=comments&reason=invalid_encoding&limit=5").json
    assert all(source["is_reconciled"] for source in data["sources"])
    assert data["sample"] and {(r["source_table"], r["reject_reason"]) for r in data["sample"]} == {
        ("comments", "invalid_encoding")}
    assert all("email" not in r["record_json"] and "phone" not in r["record_json"] for r in data["sample"])


BAD_REQUESTS = [
    "/?start=2026-13-01", "/?start=10/01/2026", "/?end=2026-10-01'--", "/?start=2026-10-10&end=2026-10-01",
    "/api/overview?start=%27%3B%20drop%20table%20dim_users%3B--", "/videos?category=food'%20or%201=1--",
    "/videos?sort=title;drop", "/videos?limit=-1", "/videos?limit=1e9", "/videos/abc", "/videos/1%20or%201=1",
    "/api/videos/-5", "/creators?sort=handle", "/creators/1;select", "/users?dimension=email",
    "/quality?source=../../etc/passwd", "/quality?reason=%3Cscript%3E", "/videos?format=xlsx",
]


@pytest.mark.parametrize("url", BAD_REQUESTS)
def test_bad_input_is_a_400_with_a_message(logged_in, url):
    response = logged_in.get(url)
    assert response.status_code == 400, url
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "duckdb" not in body.lower()
    if url.startswith("/api/"):
        assert response.json["error"] == "Bad Request" and response.json["message"]
    else:
        assert "400" in body and "<script>" not in body


@pytest.mark.parametrize("url", ["/videos/999999999", "/api/videos/1", "/creators/42", "/api/creators/999999999"])
def test_unknown_ids_are_404(logged_in, url):
    response = logged_in.get(url)
    assert response.status_code == 404
    assert "No " in response.get_data(as_text=True)


@pytest.fixture
def hostile_app(app, tiny_warehouse, tmp_path, sample_ids):
    """The app over a copy of the snapshot with a script-tag comment and an attribute-breaking title."""
    db = tmp_path / "hostile.duckdb"
    shutil.copyfile(tiny_warehouse.serving_db, db)
    with duckdb.connect(str(db)) as con:
        con.execute(
            "insert into fct_comments select 999999999, user_id, ?, null, 'video', "
            "timestamp '2026-10-15 12:00:00', date '2026-10-15', ?, date '2026-10-15' from dim_users limit 1",
            [sample_ids["video"], XSS])
        con.execute("update dim_videos set title = ? where video_id = ?", [XSS_TITLE, sample_ids["video"]])
    app.config["SERVING_DB"] = str(db)
    return app


def test_comment_and_title_payloads_are_rendered_inert(hostile_app, logged_in, sample_ids):
    page = logged_in.get(f"/videos/{sample_ids['video']}?start=2026-10-01&end=2026-10-21").get_data(as_text=True)
    assert XSS not in page and XSS_TITLE not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in page
    listing = logged_in.get("/videos?min_views=0&limit=500&start=2026-10-01&end=2026-10-21").get_data(as_text=True)
    assert XSS_TITLE not in listing and "<img src=x" not in listing  # also inside the chart's JSON attribute
    api = logged_in.get(f"/api/videos/{sample_ids['video']}?start=2026-10-01&end=2026-10-21").json
    assert XSS in [c["comment_text"] for c in api["comments"]]  # the API returns data, as JSON


def _untitled_axes(spec: dict) -> list[str]:
    """Channels x / y used by a chart (or its layers) of which no encoding carries an axis title."""
    encodings = [spec.get("encoding") or {}] + [layer.get("encoding") or {} for layer in spec.get("layer", [])]
    missing = []
    for channel in ("x", "y"):
        used = [e[channel] for e in encodings if channel in e and e[channel].get("axis", {}) is not None]
        if used and not any(isinstance(e.get("title"), str) and e["title"].strip() for e in used):
            missing.append(channel)
    return missing


def test_every_chart_has_axis_titles(logged_in, sample_ids):
    """Issue 15: axis titles (with units) on every chart of the site-wide pages and the campaign pages."""
    pages = ["/", "/videos", f"/videos/{sample_ids['video']}", "/creators", f"/creators/{sample_ids['creator']}",
             "/users", "/quality", "/campaigns", "/campaigns/cmp_glow_autumn", "/sentiment", "/sentiment/categories",
             "/sentiment/creators"]
    charts_seen = 0
    for url in pages:
        page = logged_in.get(url).get_data(as_text=True)
        for raw in re.findall(r'data-spec="([^"]*)"', page):
            spec = json.loads(html_lib.unescape(raw))
            charts_seen += 1
            assert _untitled_axes(spec) == [], (url, spec.get("title"))
    assert charts_seen >= 10
