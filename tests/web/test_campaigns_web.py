"""Campaign report pages on the tiny warehouse: auth, bad input, page == API == CSV == warehouse."""

from __future__ import annotations

import csv
import io
import json

import duckdb
import pytest

from tests.web.html_tables import read_table

CAMPAIGN = "cmp_glow_autumn"
DETAIL_TABLES = ("daily", "breakdown", "funnel", "lift", "deciles", "fatigue", "placement", "comments")


def _csv(response) -> list[dict]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _warehouse(tiny_warehouse, sql: str, params=()) -> list[tuple]:
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def test_pages_need_login(client):
    for url in ("/campaigns", f"/campaigns/{CAMPAIGN}"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    for url in ("/api/campaigns", f"/api/campaigns/{CAMPAIGN}"):
        assert client.get(url).status_code == 401


@pytest.mark.parametrize("url,status", [
    ("/campaigns/cmp_missing", 404),
    ("/api/campaigns/cmp_missing", 404),
    ("/campaigns/cmp;drop", 400),
    ("/campaigns/" + "x" * 101, 400),
    (f"/campaigns/{CAMPAIGN}?by=age", 400),
    (f"/campaigns/{CAMPAIGN}?format=csv&table=users", 400),
    (f"/campaigns/{CAMPAIGN}?format=xlsx", 400),
    (f"/campaigns/{CAMPAIGN}?start=2026-13-01", 400),
    ("/campaigns?advertiser=adv_missing", 400),
    ("/campaigns?start=2026-10-10&end=2026-10-01", 400),
])
def test_bad_input_is_a_clear_error(logged_in, url, status):
    assert logged_in.get(url).status_code == status


def test_list_matches_the_warehouse_and_its_csv(logged_in, tiny_warehouse):
    data = logged_in.get("/api/campaigns").json
    expected = _warehouse(tiny_warehouse, """
        select sum(impressions), sum(clicks), sum(conversions) from fct_campaign_daily
        where date_day between ? and ?""", (data["start"], data["end"]))[0]
    assert (data["current"]["impressions"], data["current"]["clicks"], data["current"]["conversions"]) == expected
    assert data["current"]["ctr"] == pytest.approx(expected[1] / expected[0])
    assert {row["campaign_id"] for row in data["rows"]} == {
        r[0] for r in _warehouse(tiny_warehouse, "select campaign_id from rpt_campaign_summary")}
    assert data["totals"]["impressions"] == expected[0]
    html = logged_in.get("/campaigns").get_data(as_text=True)
    headers, rows = read_table(html, "campaigns")
    assert {row["key"] for row in rows} == {row["campaign_id"] for row in data["rows"]}
    exported = _csv(logged_in.get("/campaigns?format=csv"))
    assert [row["campaign_name"] for row in exported] == [row["campaign_name"] for row in data["rows"]]
    for column in ("ctr", "cpa", "roas"):
        assert column in exported[0]


def test_advertiser_filter_and_period_comparison(logged_in):
    data = logged_in.get("/api/campaigns?advertiser=adv_glowup&start=2026-10-08&end=2026-10-14").json
    assert {row["advertiser_id"] for row in data["rows"]} == {"adv_glowup"}
    assert (data["previous"]["start"], data["previous"]["end"]) == ("2026-10-01", "2026-10-07")
    assert "kpis" in logged_in.get("/campaigns?advertiser=adv_glowup").get_data(as_text=True)


def test_campaign_page_sections_and_lift_match_the_mart(logged_in, tiny_warehouse):
    page = logged_in.get(f"/campaigns/{CAMPAIGN}").get_data(as_text=True)
    for anchor in ("lift-box", "uplift", "placement", "breakdown", "funnel", "fatigue", "comments", "chart-delivery"):
        assert f'id="{anchor}"' in page, anchor
    data = logged_in.get(f"/api/campaigns/{CAMPAIGN}").json
    (incremental, lower, upper), = _warehouse(tiny_warehouse, """
        select incremental_conversions, incremental_conversions_ci_lower, incremental_conversions_ci_upper
        from fct_campaign_lift where campaign_id = ?""", (CAMPAIGN,))
    assert data["lift"]["incremental_conversions"] == pytest.approx(incremental)
    assert (data["lift"]["incremental_conversions_ci_lower"], data["lift"]["incremental_conversions_ci_upper"]) == \
        pytest.approx((lower, upper))
    json.dumps(data, allow_nan=False)  # no Infinity (an unbounded iCPA) in the API
    plays, views_2s, views_6s, p25, p50, p75, p100 = (row["views"] for row in data["funnel"])
    assert plays >= views_2s >= views_6s and plays >= p25 >= p50 >= p75 >= p100
    daily_total = sum(row["impressions"] for row in data["daily"])
    assert sum(row["impressions"] for row in data["breakdown"]) == daily_total == data["current"]["impressions"]
    if data["uplift"]["fit_status"] == "fitted":
        assert [row["uplift_decile"] for row in data["uplift"]["deciles"]] == list(range(1, 11))
        assert data["uplift"]["deciles"][-1]["share_targeted"] == pytest.approx(1.0)


@pytest.mark.parametrize("by", ["ad_group", "ad", "region", "segment"])
def test_breakdowns_add_up(logged_in, by):
    data = logged_in.get(f"/api/campaigns/{CAMPAIGN}?by={by}").json
    assert data["by"] == by
    assert sum(row["spend"] for row in data["breakdown"]) == pytest.approx(float(data["current"]["spend"]))
    html = logged_in.get(f"/campaigns/{CAMPAIGN}?by={by}").get_data(as_text=True)
    _, rows = read_table(html, "campaign-breakdown")
    assert len(rows) == len(data["breakdown"])


@pytest.mark.parametrize("table", DETAIL_TABLES)
def test_every_table_downloads_as_csv(logged_in, table):
    rows = _csv(logged_in.get(f"/campaigns/{CAMPAIGN}?format=csv&table={table}"))
    data = logged_in.get(f"/api/campaigns/{CAMPAIGN}").json
    counts = {"daily": len(data["daily"]), "breakdown": len(data["breakdown"]), "funnel": 7,
              "deciles": len(data["uplift"]["deciles"]), "fatigue": len(data["fatigue"]["frequency"]),
              "placement": sum(row["action"] != "insufficient_data" for row in data["placement"]["segments"]),
              "comments": len(data["ad_comments"]["rows"])}
    if table in counts:
        assert len(rows) == counts[table]
    else:
        assert len(rows) == (5 if data["lift"] and data["lift"]["error_message"] is None else 0)


def test_placement_on_page_is_the_advertisers(logged_in, tiny_warehouse):
    data = logged_in.get(f"/api/campaigns/{CAMPAIGN}").json
    (n,), = _warehouse(tiny_warehouse, """
        select count(*) from rpt_placement_recommendations where advertiser_id = 'adv_glowup'""")
    assert len(data["placement"]["segments"]) == n
    for plan in data["placement"]["plan"]:
        assert plan["expected_gain_ci_lower"] <= plan["expected_gain"] <= plan["expected_gain_ci_upper"]
