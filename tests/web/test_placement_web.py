"""Placement pages on the tiny warehouse: auth, bad input, page == API == CSV == warehouse, and the plan in words."""

from __future__ import annotations

import csv
import io
import re

import duckdb
import pytest

from tests.conftest import TEST_PASSWORD, TEST_USER
from tests.web.html_tables import read_table
from tests.web.placement_plan import ADVERTISER, MOVED, serving_copy_with_plan


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _warehouse(db, sql: str, params=()) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def test_pages_need_login(client):
    for url in ("/placement", f"/placement/{ADVERTISER}"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get(f"/api/placement/{ADVERTISER}").status_code == 401


@pytest.mark.parametrize("url,status", [
    ("/placement/adv_missing", 404), ("/api/placement/adv_missing", 404), ("/placement/adv;drop", 400),
    ("/placement/" + "x" * 101, 400), (f"/placement/{ADVERTISER}?format=csv&table=nope", 400),
])
def test_bad_input_is_a_clear_4xx(logged_in, url, status):
    response = logged_in.get(url)
    assert response.status_code == status
    assert "Traceback" not in response.get_data(as_text=True)


def test_page_api_csv_and_warehouse_agree(logged_in, tiny_warehouse):
    db = tiny_warehouse.serving_db
    data = logged_in.get(f"/api/placement/{ADVERTISER}").json
    (n,), = _warehouse(db, "select count(*) from rpt_placement_recommendations where advertiser_id = ?", [ADVERTISER])
    assert len(data["segments"]) == n > 0
    html = logged_in.get(f"/placement/{ADVERTISER}").get_data(as_text=True)
    _, rows = read_table(html, "placement-segments")
    assert len(rows) == n
    for table, expected in (("segments", n), ("plan", len(data["plans"])), ("backtest", len(data["backtest"]))):
        response = logged_in.get(f"/placement/{ADVERTISER}?format=csv&table={table}")
        assert response.mimetype == "text/csv"
        assert len(list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))) == expected
    kinds = {row[0] for row in _warehouse(db, "select segment_type from rpt_placement_plan where advertiser_id = ?",
                                          [ADVERTISER])}
    assert {plan["segment_type"] for plan in data["plans"]} == kinds


def test_no_plan_reads_as_no_change_with_the_reason(logged_in, tiny_warehouse):
    plans = _warehouse(tiny_warehouse.serving_db, "select segment_type, budget_moved, status from rpt_placement_plan "
                       "where advertiser_id = ?", [ADVERTISER])
    text = _text(logged_in.get(f"/placement/{ADVERTISER}"))
    for _, moved, status in plans:
        if not moved:
            assert "No change recommended" in text
            assert status.removeprefix("no plan: ").capitalize().replace("'", "&#39;") in text
    index = _text(logged_in.get("/placement"))
    assert "Placement: where your next yuan buys the most" in index


def test_campaign_page_links_to_the_plan(logged_in):
    html = logged_in.get("/campaigns/cmp_glow_autumn").get_data(as_text=True)
    assert f'href="/placement/{ADVERTISER}"' in html


def test_a_plan_reads_in_words(tiny_warehouse, tmp_path):
    from werkzeug.security import generate_password_hash

    from webreport import create_app

    db = serving_copy_with_plan(tiny_warehouse.serving_db, tmp_path)
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SERVING_DB": str(db), "DOCS_HTML": str(tmp_path / "d.html"),
                      "USERS": {TEST_USER: generate_password_hash(TEST_PASSWORD)}, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    client.post("/login", data={"username": TEST_USER, "password": TEST_PASSWORD})
    text = _text(client.get(f"/placement/{ADVERTISER}"))
    toward, away = _warehouse(db, "select segment from rpt_placement_recommendations where advertiser_id = ? "
                              "and budget_change != 0 order by budget_change desc", [ADVERTISER])
    assert f"Move ¥{MOVED:.2f} from 1 segment(s) to 1 segment(s)" in text
    assert "about 0.5 extra conversions" in text and "95% range 0.1 to 0.9" in text
    assert f"Add ¥{MOVED:.2f} to {toward[0]}" in text and f"Take ¥{MOVED:.2f} from {away[0]}" in text
    assert "96.00% chance it beats your average" in text
    assert "it promised 0.3 extra conversions (0.1 to 0.6) and the second half measured 0.2 (-0.4 to 0.8)" in text
