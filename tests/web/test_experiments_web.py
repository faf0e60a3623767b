"""Experiment report pages on the tiny warehouse: auth, bad input, CSV == JSON, CUPED toggle, planning."""

from __future__ import annotations

import csv
import io
import math

import duckdb
import pytest

from webreport.blueprints.experiments import SRM_THRESHOLD, decision_hint, health_badges

EXPERIMENT = "exp_feed_ranking_v2"


def test_pages_need_login(client):
    for url in ("/experiments", f"/experiments/{EXPERIMENT}", "/experiments/planning"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/api/experiments").status_code == 401
    assert client.get(f"/api/experiments/{EXPERIMENT}/results.csv").status_code == 401


def test_list_shows_every_experiment_with_health_and_hint(logged_in, tiny_warehouse):
    page = logged_in.get("/experiments").get_data(as_text=True)
    data = logged_in.get("/api/experiments").json
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        ids = {row[0] for row in con.execute("select experiment_id from dim_experiments").fetchall()}
    assert {row["experiment_id"] for row in data["experiments"]} == ids
    for row in data["experiments"]:
        assert row["experiment_id"] in page and row["decision_text"]
        assert row["health"] == (", ".join(b["label"] for b in row["badges"]) or "OK")
    assert data["srm_threshold"] == SRM_THRESHOLD


@pytest.mark.parametrize("url,status", [
    ("/experiments/exp_missing", 404),
    ("/api/experiments/exp_missing", 404),
    ("/experiments/exp;drop", 400),
    (f"/experiments/{EXPERIMENT}?analysis=raw", 400),
    (f"/experiments/{EXPERIMENT}?metric=nope", 400),
    (f"/experiments/{EXPERIMENT}?dimension=age", 400),
    (f"/api/experiments/{EXPERIMENT}?dimension=age", 400),
    ("/experiments/planning?effect=abc", 400),
    ("/experiments/planning?power=2", 400),
    ("/experiments/planning?source=exp_missing", 400),
])
def test_bad_input_is_a_clear_error(logged_in, url, status):
    assert logged_in.get(url).status_code == status


@pytest.mark.parametrize("analysis", ["cuped", "unadjusted"])
@pytest.mark.parametrize("dimension", ["overall", "country"])
def test_csv_has_the_same_numbers_as_json(logged_in, analysis, dimension):
    query = f"analysis={analysis}&dimension={dimension}"
    rows = logged_in.get(f"/api/experiments/{EXPERIMENT}?{query}").json["results"]
    response = logged_in.get(f"/api/experiments/{EXPERIMENT}/results.csv?{query}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(lines) == len(rows) > 0
    for line, row in zip(lines, rows, strict=True):
        for key, value in row.items():
            if isinstance(value, bool):
                assert line[key] == str(value), key
            elif isinstance(value, float):
                assert math.isclose(float(line[key]), value, rel_tol=1e-12, abs_tol=0) or (
                    math.isnan(value) and line[key] in ("nan", "")), key
            elif value is None:
                assert line[key] == "", key
            else:
                assert line[key] == str(value), key


def test_cuped_toggle_switches_the_numbers(logged_in):
    on = {(r["metric_id"], r["variant_id"]): r for r in
          logged_in.get(f"/api/experiments/{EXPERIMENT}?analysis=cuped").json["results"]}
    off = {(r["metric_id"], r["variant_id"]): r for r in
           logged_in.get(f"/api/experiments/{EXPERIMENT}?analysis=unadjusted").json["results"]}
    assert on.keys() == off.keys()
    key = ("videos_watched", f"{EXPERIMENT}:ranking_v2")
    assert on[key]["cuped"] and not off[key]["cuped"]
    assert on[key]["baseline_value"] == off[key]["baseline_value"]
    assert on[key]["relative_ci_lower"] != off[key]["relative_ci_lower"]
    page_on = logged_in.get(f"/experiments/{EXPERIMENT}?analysis=cuped").get_data(as_text=True)
    page_off = logged_in.get(f"/experiments/{EXPERIMENT}?analysis=unadjusted").get_data(as_text=True)
    assert 'id="cuped-on">on' in page_on and page_on != page_off


def test_experiment_page_has_every_section(logged_in):
    page = logged_in.get(f"/experiments/{EXPERIMENT}?view=bayesian&dimension=device_os").get_data(as_text=True)
    for marker in ('id="chart-lift"', 'id="chart-timeseries"', 'id="chart-segments"', 'id="health"',
                   "Chance to win", "Risk (ship)", 'id="decision"'):
        assert marker in page, marker
    csv_page = logged_in.get(f"/experiments/{EXPERIMENT}?format=csv")
    assert csv_page.mimetype == "text/csv"


def test_timeseries_is_cumulative_by_day(logged_in):
    rows = logged_in.get(f"/api/experiments/{EXPERIMENT}/timeseries?metric=watch_seconds").json["rows"]
    days = [r["day_index"] for r in rows]
    assert days == list(range(days[0], days[0] + len(days)))
    users = [r["variant_users"] for r in rows]
    assert users == sorted(users)


def test_planning_uses_the_control_arm_variance(logged_in, tiny_warehouse):
    from models_ml.experiments import sample_size_per_variant

    data = logged_in.get(
        f"/experiments/planning?metric=videos_watched&source={EXPERIMENT}&effect=0.1&format=json").json
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        n, total, squares = con.execute("""
            select s.n_users, s.main_sum, s.main_sum_squares
            from fct_experiment_sufficient_stats as s
            inner join dim_experiments as e on s.experiment_id = e.experiment_id and s.day_index = e.last_day_index
            where s.experiment_id = ? and s.metric_id = 'videos_watched' and s.dimension_name = 'overall'
              and s.is_control
        """, [EXPERIMENT]).fetchone()
    mean, variance = total / n, (squares - total**2 / n) / (n - 1)
    assert math.isclose(data["plan"]["baseline_mean"], mean)
    assert data["plan"]["sample_size_per_variant"] == float(sample_size_per_variant(0.1, mean, variance))
    assert data["plan"]["days_needed"] >= 1
    page = logged_in.get("/experiments/planning").get_data(as_text=True)
    assert 'id="sample-size"' in page


def _primary(lift: float, p_adjusted: float) -> dict:
    return {"variant_name": "b", "metric_label": "Watch", "relative_lift": lift, "p_value_adjusted": p_adjusted,
            "error_message": None}


def test_decision_hint_rules():
    healthy = {"srm_p_value": 0.4, "multiple_exposure_share": 0.005, "is_too_few_users": False, "status": "finished"}
    assert decision_hint({**healthy, "srm_p_value": 1e-6}, [_primary(0.1, 0.001)], 0.05)["level"] == "bad"
    assert "too few" in decision_hint({**healthy, "is_too_few_users": True}, [], 0.05)["text"]
    assert decision_hint(healthy, [_primary(0.1, 0.001)], 0.05)["text"].startswith("Ship b")
    assert decision_hint(healthy, [_primary(0.1, 0.001), _primary(-0.02, 0.01)], 0.05)["text"].startswith("Don't")
    assert decision_hint(healthy, [_primary(0.1, 0.2)], 0.05)["text"].startswith("No detectable")
    assert decision_hint({**healthy, "status": "running"}, [_primary(0.1, 0.2)], 0.05)["text"].startswith("Keep")
    assert [b["key"] for b in health_badges({**healthy, "multiple_exposure_share": 0.02})] == ["multiple_exposures"]
