"""Campaign report pages on the tiny warehouse: auth, bad input, page == API == CSV == warehouse."""

from __future__ import annotations

import csv
import io
import json
import re

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
    for anchor in ("lift-box", "uplift", "placement", "breakdown", "funnel", "fatigue", "comments", "chart-spend"):
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


def test_funnel_steps_are_each_a_subset_of_the_step_they_follow(logged_in):
    """6 seconds and 25% of the ad are not nested (an ad under 24 s), so the page shows two funnels from plays
    and each step's share is of the step it is a subset of, never of a step from the other funnel."""
    funnel = logged_in.get(f"/api/campaigns/{CAMPAIGN}").json["funnel"]
    by_step = {row["step"]: row for row in funnel}
    assert by_step["25% watched"]["previous_step"] == "Plays"
    assert by_step["6-second views"]["previous_step"] == "2-second views"
    assert {row["measured_by"] for row in funnel if row["previous_step"]} == {"Seconds watched",
                                                                            "Share of the ad watched"}
    for row in funnel:
        if row["previous_step"]:
            previous = by_step[row["previous_step"]]
            assert row["views"] <= previous["views"]
            assert row["share_of_previous"] == pytest.approx(row["views"] / previous["views"])
            assert row["measured_by"] == previous["measured_by"] or previous["step"] == "Plays"
    html = logged_in.get(f"/campaigns/{CAMPAIGN}").get_data(as_text=True)
    headers, rows = read_table(html, "campaign-funnel")
    assert "previous_step" in headers and len(rows) == len(funnel)


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
        assert len(rows) == (4 if data["lift"] and data["lift"]["error_message"] is None else 0)


def test_placement_on_page_is_the_advertisers(logged_in, tiny_warehouse):
    data = logged_in.get(f"/api/campaigns/{CAMPAIGN}").json
    (n,), = _warehouse(tiny_warehouse, """
        select count(*) from rpt_placement_recommendations where advertiser_id = 'adv_glowup'""")
    assert len(data["placement"]["segments"]) == n
    for plan in data["placement"]["plan"]:
        assert plan["expected_gain_ci_lower"] <= plan["expected_gain"] <= plan["expected_gain_ci_upper"]


def _section_order(page: str, ids: list[str]) -> list[int]:
    return [page.index(f'id="{anchor}"') for anchor in ids]


def test_detail_reads_headline_trend_lift_breakdowns_targeting(logged_in):
    """A shorter page in the order an advertiser reads it; no impressions-vs-plays chart (identical lines), no
    model hyper-parameters, one interval level (95%), and spend, CTR, CPA and ROAS trends."""
    page = logged_in.get(f"/campaigns/{CAMPAIGN}").get_data(as_text=True)
    order = _section_order(page, ["kpis", "trend", "lift", "breakdown", "targeting"])
    assert order == sorted(order)
    for chart in ("chart-spend", "chart-ctr", "chart-cpa", "chart-roas"):
        assert f'id="{chart}"' in page, chart
    assert "chart-delivery" not in page and "Plays" not in page.split('id="breakdown"')[0]
    for internal in ("n_estimators", "learning_rate", "num_leaves", "x_learner", "lgbm"):
        assert internal not in page, internal
    assert "90% CI" not in page.split('id="placement"')[0]  # placement keeps its own level (its mart's)
    assert "95% interval" in page
    # the placement plan's segment rows (30 at the default demo, 1,500 px) fold away like the per-day table
    folded = page[page.index('<details id="placement-rows">'):]
    assert 'id="campaign-placement"' in folded[:folded.index("</details>")]


def test_attributed_and_incremental_side_by_side(logged_in, tiny_warehouse):
    """Conversions attributed by click and view add up; CPA and ROAS are populated wherever the campaign has
    attributed conversions, and the list puts them beside the incremental ones from the holdout."""
    data = logged_in.get("/api/campaigns").json
    for row in data["rows"]:
        assert row["conversions"] == row["click_through_conversions"] + row["view_through_conversions"]
        if row["flight_conversions"]:
            assert row["flight_cpa"] == pytest.approx(float(row["flight_spend"]) / row["flight_conversions"])
            assert row["flight_roas"] == pytest.approx(float(row["flight_conversion_value"]) / float(row["flight_spend"]))
    assert sum(row["flight_conversions"] for row in data["rows"]) > 0
    html = logged_in.get("/campaigns").get_data(as_text=True)
    period, _ = read_table(html, "campaigns")
    assert not any(key.startswith(("flight_", "incremental_")) for key in period)  # one window per table
    headers, rows = read_table(html, "campaign-flights")
    assert headers[-5:] == ["incremental_conversions", "flight_cpa", "incremental_cpa", "flight_roas",
                            "incremental_roas"]
    assert {row["key"] for row in rows} == {row["campaign_id"] for row in data["rows"]}
    # an interval that includes no effect reads "inconclusive (lower to upper)", never a bare number
    inconclusive = sum(row[estimate] is not None and row[verdict] == "inconclusive" for row in data["rows"]
                       for estimate, verdict in (("incremental_conversions", "conversions_verdict"),
                                                 ("incremental_cpa", "conversions_verdict"),
                                                 ("incremental_roas", "value_verdict")))
    assert inconclusive > 0
    assert len(re.findall(r">inconclusive \([^)]* to [^)]*\)<", html)) == inconclusive
    flights = _csv(logged_in.get("/campaigns?format=csv&table=flights"))
    assert len(flights) == len(rows) and "incremental_roas" in flights[0]
    detail = logged_in.get(f"/api/campaigns/{CAMPAIGN}").json
    measures = {row["measure"]: row for row in detail["attributed_vs_incremental"]}
    if measures:
        assert set(measures) == {"Conversions", "Conversion value (CNY)", "CPA (CNY)", "ROAS"}
        assert measures["Conversions"]["attributed"] == detail["campaign"]["conversions"]


def test_list_has_sparklines_pacing_and_reach(logged_in):
    data = logged_in.get("/api/campaigns").json
    html = logged_in.get("/campaigns").get_data(as_text=True)
    assert html.count('<svg class="spark"') == sum(1 for row in data["rows"] if row["spend"])
    for row in data["rows"]:
        if row["pacing"] is not None:
            assert row["pacing"] == pytest.approx(float(row["spend"]) / row["budget_in_period"])
        assert row["flight_reach"] is None or row["flight_reach"] > 0
    headers, _ = read_table(html, "campaigns")
    assert "pacing" in headers
    flight_headers, _ = read_table(html, "campaign-flights")
    assert {"flight_reach", "flight_frequency"} <= set(flight_headers)


def test_fatigue_is_not_drawn_from_a_handful_of_clicks(logged_in):
    data = logged_in.get(f"/api/campaigns/{CAMPAIGN}").json
    clicks = sum(row["clicks"] for row in data["fatigue"]["frequency"])
    page = logged_in.get(f"/campaigns/{CAMPAIGN}").get_data(as_text=True)
    assert ('id="chart-fatigue"' in page) == (clicks >= 50)
    assert ('id="fatigue-note"' in page) == (clicks < 50)
    for row in data["fatigue"]["frequency"]:
        assert 0 <= row["ctr_ci_lower"] <= row["ctr"] <= row["ctr_ci_upper"] <= 1


def test_dates_outside_the_data(logged_in):
    """A page goes back to its default dates with a message naming the dates covered; the API says 400."""
    response = logged_in.get("/campaigns?start=2025-01-01&end=2025-01-31&by=ad")
    assert response.status_code == 302 and response.headers["Location"] == "/campaigns?by=ad"
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "No data from 2025-01-01 to 2025-01-31: the data covers 2026-10-01 to 2026-10-21." in page
    api = logged_in.get("/api/campaigns?start=2025-01-01&end=2025-01-31")
    assert api.status_code == 400 and "the data covers 2026-10-01 to 2026-10-21" in api.json["message"]
    assert logged_in.get("/campaigns?format=csv&start=2027-01-01&end=2027-01-02").status_code == 400


def test_cvr_is_click_through_conversions_per_click(logged_in, tiny_warehouse):
    """A view-through conversion had no click, so it cannot be in a per-click rate (issue 15)."""
    rows = _warehouse(tiny_warehouse, "select cvr, click_through_conversions, conversions, clicks "
                                      "from rpt_campaign_summary where clicks > 0")
    assert rows and any(ct < total for _, ct, total, _ in rows)  # some view-through conversions exist
    for cvr, click_through, _, clicks in rows:
        assert cvr == pytest.approx(click_through / clicks)
    (numerator,), = _warehouse(tiny_warehouse, "select numerator_parts from rpt_metric_definitions "
                                               "where metric_name = 'cvr'")
    assert numerator == "click_through_conversions"
    data = logged_in.get("/api/campaigns").json
    for row in data["rows"]:
        if row["clicks"]:
            assert row["cvr"] == pytest.approx(row["click_through_conversions"] / row["clicks"])


def test_list_tiles_are_what_an_advertiser_reads(logged_in):
    """The list's tiles: no 'Completion' (it was VTR 100%, impressions watched to the end, a fraction of a percent
    in the simulator and easily read as video completion); CPM instead, equal to 1000 x spend / impressions."""
    html = logged_in.get("/campaigns").get_data(as_text=True)
    kpis = html.split('id="kpis"')[1].split("</section>")[0]
    labels = [re.sub(r"<[^>]+>|ⓘ", "", label).strip() for label in re.findall(r'class="kpi-label">(.*?)</div>', kpis)]
    assert labels == ["Spend", "Impressions", "Clicks", "CTR", "Conversions (attributed)", "CPA (attributed)",
                      "ROAS (attributed)", "CPM"]
    current = logged_in.get("/api/campaigns").json["current"]
    cpm = 1000 * float(current["spend"]) / current["impressions"]
    assert current["cpm"] == pytest.approx(cpm)
    values = re.findall(r'class="kpi-value">(.*?)</div>', kpis)
    assert values[-1] == f"¥{cpm:,.2f}"
    detail = logged_in.get(f"/campaigns/{CAMPAIGN}").get_data(as_text=True)
    assert ">VTR 100%<" in detail and "Completion<" not in detail
