"""Experiment report pages on the tiny warehouse: auth, bad input, CSV == JSON, CUPED toggle, planning."""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re

import duckdb
import pytest

from webreport.blueprints.experiments import decision_hint, health_badges

EXPERIMENT = "exp_feed_ranking_v2"


def test_pages_need_login(client):
    for url in ("/experiments", f"/experiments/{EXPERIMENT}", "/experiments/planning"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/api/experiments").status_code == 401
    assert client.get(f"/api/experiments/{EXPERIMENT}/results.csv").status_code == 401


def test_list_shows_every_experiment_with_health_and_hint(logged_in, tiny_warehouse):
    """The list renders the warehouse's flags and decisions; it decides nothing itself."""
    page = logged_in.get("/experiments").get_data(as_text=True)
    data = logged_in.get("/api/experiments").json
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        flags = {row[0]: row[1:] for row in con.execute(
            "select experiment_id, has_srm, has_multiple_exposures, is_too_few_users from dim_experiments").fetchall()}
        decisions = dict(con.execute(
            "select experiment_id, decision from rpt_experiment_decisions where analysis = 'cuped'").fetchall())
    assert {row["experiment_id"] for row in data["experiments"]} == set(flags)
    for row in data["experiments"]:
        assert row["experiment_id"] in page and row["decision_text"]
        assert row["health"] == (", ".join(b["label"] for b in row["badges"]) or "OK")
        keys = {b["key"] for b in row["badges"]}
        assert (("srm" in keys), ("multiple_exposures" in keys), ("too_few_users" in keys)) == flags[row["experiment_id"]]
        assert row["decision"]["code"] == decisions[row["experiment_id"]]


def test_list_headline_decision_and_power_speak_of_one_primary_metric(logged_in, tiny_warehouse):
    """Issue 15: the list's headline and the decision hint name the same (primary) metric and variant, and a
    headline significant under the corrected rule is never called underpowered."""
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        primary = dict(con.execute(
            "select experiment_id, metric_id from dim_experiment_metric_roles where is_primary").fetchall())
        counts = con.execute("""
            select count(*) filter (where is_primary) from dim_experiment_metric_roles group by experiment_id
        """).fetchall()
        significant = dict(con.execute("""
            select d.experiment_id, r.is_significant
            from rpt_experiment_decisions as d
            inner join dim_experiments as e on d.experiment_id = e.experiment_id
            inner join fct_experiment_results as r
                on r.experiment_id = d.experiment_id and r.analysis = d.analysis and r.metric_id = d.goal_metric_id
                and r.variant_name = d.goal_variant_name and r.day_index = e.last_day_index
                and r.dimension_name = 'overall'
            where d.analysis = 'cuped'
        """).fetchall())
    assert counts and all(count == 1 for (count,) in counts)
    rows = logged_in.get("/api/experiments").json["experiments"]
    for row in rows:
        assert row["goal_metric_id"] == primary[row["experiment_id"]]
        if row["decision"]["code"] in ("ship", "guardrail_unproven"):
            assert (row["decision_metric_id"], row["decision_variant_name"]) == (row["goal_metric_id"],
                                                                              row["goal_variant_name"])
        if significant.get(row["experiment_id"]):
            assert row["power_status"] == "ready"


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
            elif value is None:  # JSON has no infinity: an unbounded adjusted interval is null there
                assert line[key] == "" or math.isinf(float(line[key])), key
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
    for marker in ('id="chart-goal"', 'id="chart-secondary"', 'id="chart-timeseries"', 'id="chart-segments"',
                   'id="health"', "Chance to win", "Risk (ship)", 'id="decision"', 'id="section-guardrail"'):
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


def test_decision_hint_words_every_warehouse_decision():
    def hint(code, lift=None):
        return decision_hint({"decision": code, "decision_variant_name": "b", "decision_metric_label": "Watch",
                              "decision_relative_lift": lift})
    assert hint("fix_assignment")["level"] == "bad"
    assert "too few" in hint("keep_running_too_few_users")["text"]
    assert hint("ship", 0.1)["text"] == "Ship b: Watch +10.0% (significant)."
    assert hint("dont_ship", -0.02)["text"].startswith("Don't ship b: Watch -2.0%")
    assert hint("no_effect")["text"].startswith("No detectable")
    assert hint("keep_running")["text"].startswith("Keep")
    assert decision_hint(None)["text"] == "No results yet."
    healthy = {"has_srm": False, "has_multiple_exposures": False, "is_too_few_users": False}
    assert [b["key"] for b in health_badges({**healthy, "has_multiple_exposures": True,
                                             "multiple_exposure_share": 0.02})] == ["multiple_exposures"]


def test_formats_carry_units_and_never_print_minus_zero():
    from webreport.blueprints.experiments import (
        format_difference,
        format_interval,
        format_lift,
        format_metric_value,
        format_p,
    )

    assert format_p(0.0004) == "<0.001" and format_p(0.0123) == "0.012" and format_p(None) == "–"
    assert format_lift(0.0612) == "+6.1%" and format_lift(-0.00004) == "0.0%" and format_lift(-0.2) == "-20.0%"
    assert format_metric_value(0.482, "rate") == "48.2%" and format_metric_value(19.5, "currency") == "¥19.50"
    assert format_difference(0.0123, "rate") == "+1.23 pp" and format_difference(-3.0, "currency") == "-¥3.00"
    assert format_difference(-0.00001, "rate") == "0.00 pp"
    assert format_interval(-1.7, 0.25) == "[-100.0%, +25.0%]"
    assert format_interval(-math.inf, math.inf) == "[-100.0%, +∞]"


def test_experiment_formats_live_in_the_tables_module():
    """One home for number formats (issue 13): the experiment units are kinds of webreport.tables.format_value,
    so a template's `fmt` filter and the experiment tables print a value alike."""
    from webreport.blueprints.experiments import DIFFERENCE_KINDS, UNIT_KINDS
    from webreport.tables import NUMERIC_KINDS, format_value

    assert set(UNIT_KINDS.values()) | set(DIFFERENCE_KINDS.values()) <= NUMERIC_KINDS
    assert format_value(0.0123, "pp") == "+1.23 pp" and format_value(-0.00001, "pp") == "0.00 pp"
    assert format_value(-3.0, "signed_currency") == "-¥3.00" and format_value(0.0, "signed_currency") == "¥0.00"
    assert format_value(0.0612, "lift") == "+6.1%" and format_value(float("nan"), "lift") == "–"
    assert format_value(0.0004, "p_value") == "<0.001" and format_value(42.4, "seconds") == "42 s"


def test_page_sections_follow_the_warehouse_roles_and_significance(logged_in, tiny_warehouse):
    """Sections and verdicts are what dim_experiment_metric_roles and fct_experiment_results say."""
    rows = logged_in.get(f"/api/experiments/{EXPERIMENT}").json["results"]
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        roles = dict(con.execute("select metric_id, role from dim_experiment_metric_roles where experiment_id = ?",
                                 [EXPERIMENT]).fetchall())
    page = logged_in.get(f"/experiments/{EXPERIMENT}").get_data(as_text=True)
    for row in rows:
        assert row["role"] == roles[row["metric_id"]]
        assert row["is_significant"] == (row["error_message"] is None and row["p_value_adjusted"] < row["alpha"])
        news = "good" if row["is_good_news"] else "bad" if row["is_bad_news"] else "none"
        marker = f'class="news-{news}" data-metric="{row["metric_id"]}" data-variant="{row["variant_id"]}"'
        assert marker in page or row["error_message"], marker
        section = page.index(f'id="section-{row["role"]}"')
        assert page.index(f'data-metric="{row["metric_id"]}"', section) > section


_ROW = re.compile(r'<tr class="news-(\w+)" data-metric="([^"]+)" data-variant="([^"]+)"(?: data-segment="([^"]*)")?>'
                  r'(.*?)</tr>', re.S)
_INTERVAL_CELL = re.compile(r'<td class="num interval"[^>]*>([^<]*)</td>')
_CHART = re.compile(r'id="(chart-[a-z]+)" data-spec="([^"]*)"')
_NEWS = {"good": "better", "bad": "worse", "none": "not significant", "untested": "not tested"}


def _bounds(text: str) -> tuple[float, float]:
    low, high = text.strip("[]").split(", ")
    return tuple(math.inf if b == "+∞" else float(b.rstrip("%")) / 100 for b in (low, high))


def _excludes_zero(low: float | None, high: float | None) -> bool:
    return (low is not None and low > 0) or (high is not None and high < 0)


@pytest.mark.parametrize("analysis", ["cuped", "unadjusted"])
def test_colour_interval_and_hint_agree_for_every_metric_of_every_experiment(logged_in, analysis):
    """Issue 15, one significance rule: on every experiment's page, each result row's colour, its printed
    interval and its chart interval say the same (significant after the correction <=> the interval
    excludes 0), the API's adjusted interval agrees, and the decision hint names a row coloured its way."""
    experiments = logged_in.get("/api/experiments").json["experiments"]
    assert len(experiments) >= 4
    checked = excluded = 0
    for experiment in experiments:
        experiment_id = experiment["experiment_id"]
        page = logged_in.get(f"/experiments/{experiment_id}?analysis={analysis}").get_data(as_text=True)
        api = {(r["metric_id"], r["variant_id"]): r for r in
               logged_in.get(f"/api/experiments/{experiment_id}?analysis={analysis}").json["results"]}
        shown = {}
        for news, metric, variant, segment, body in _ROW.findall(page):
            if segment:
                continue  # segment rows: checked below through their chart
            row = api[(metric, variant)]
            shown[(metric, variant)] = news
            significant = bool(row["is_significant"])
            assert (news in ("good", "bad")) == significant, (experiment_id, metric, variant, news)
            if news == "untested":
                continue
            printed = _excludes_zero(*_bounds(_INTERVAL_CELL.search(body).group(1)))
            stored = _excludes_zero(row["relative_ci_lower_adjusted"], row["relative_ci_upper_adjusted"])
            assert printed == stored == significant, (experiment_id, metric, variant, row)
            checked += 1
            excluded += significant
        assert set(shown) == set(api), experiment_id  # every overall result is on the page
        for chart_id, spec_text in _CHART.findall(page):
            if chart_id == "chart-timeseries":
                continue
            for value in json.loads(html.unescape(spec_text))["data"]["values"]:
                if value["news"] == "not tested":
                    continue
                drawn = _excludes_zero(value["relative_ci_lower_adjusted"], value["relative_ci_upper_adjusted"])
                assert drawn == (value["news"] in ("better", "worse")), (experiment_id, chart_id, value)
        code = re.search(r'id="decision" data-decision="([^"]*)"', page).group(1)
        news_of = {role: {k: v for k, v in shown.items() if api[k]["role"] == role} for role in ("goal", "guardrail")}
        if code in ("ship", "guardrail_unproven", "dont_ship", "dont_ship_guardrail") and analysis == "cuped":
            variant = next(r["variant_id"] for r in api.values() if r["variant_name"] == experiment["decision_variant_name"])
            expected = "good" if code in ("ship", "guardrail_unproven") else "bad"
            assert shown[(experiment["decision_metric_id"], variant)] == expected, (experiment_id, code)
        if code in ("ship", "guardrail_unproven", "keep_running", "no_effect"):
            assert "bad" not in {**news_of["goal"], **news_of["guardrail"]}.values(), (experiment_id, code)
        if code in ("keep_running", "no_effect"):
            primary = [v for k, v in news_of["goal"].items() if api[k]["metric_id"] == experiment["goal_metric_id"]]
            assert "good" not in primary, (experiment_id, code)
    assert checked > 20 and 0 < excluded < checked


def test_list_interval_follows_the_colour(logged_in):
    """The list names the correction its colours follow; its primary-metric interval is the adjusted one: it
    excludes 0 exactly when the cell is coloured, and
    the cell is coloured as the same row on the experiment's report, an experiment with a sample-ratio mismatch
    included (the default demo's Creator badge read grey beside an interval excluding 0; its badge and hint now
    carry the warning, as GrowthBook's do)."""
    page = logged_in.get("/experiments").get_data(as_text=True)
    corrections = {r["correction"] for e in logged_in.get("/api/experiments").json["experiments"]
                   for r in logged_in.get(f"/api/experiments/{e['experiment_id']}").json["results"]}
    names = {"holm": "Holm-Bonferroni", "bh": "Benjamini-Hochberg", "none": "no"}
    assert re.search(r'id="list-correction">([^<]*)<', page).group(1) == " / ".join(names[c] for c in sorted(corrections))
    rows = re.findall(r'<tr data-row-key="([^"]+)">(.*?)</tr>', page, re.S)
    experiments = {e["experiment_id"]: e for e in logged_in.get("/api/experiments").json["experiments"]}
    assert len(rows) == len(experiments) >= 4
    for key, body in rows:
        news, interval = re.search(r'<td class="goal news-(\w+)".*?<span class="meta">([^<]*)</span>', body, re.S).groups()
        assert _excludes_zero(*_bounds(interval)) == (news in ("good", "bad")), (key, news, interval)
        goal = experiments[key]
        variant_id = next(r["variant_id"] for r in logged_in.get(f"/api/experiments/{key}").json["results"]
                          if r["metric_id"] == goal["goal_metric_id"] and r["variant_name"] == goal["goal_variant_name"])
        report = logged_in.get(f"/experiments/{key}").get_data(as_text=True)
        on_report = re.search(rf'<tr class="news-(\w+)" data-metric="{goal["goal_metric_id"]}" '
                              rf'data-variant="{re.escape(variant_id)}">', report).group(1)
        assert on_report == news, (key, on_report, news)



def test_the_primary_metric_is_marked_on_the_report(logged_in):
    """Issue 15 ("primary metrics are unmarked"): on each report, the rows of exactly one metric, the one the
    list heads with (the first goal), carry the "primary" mark, in the goal section."""
    for experiment in logged_in.get("/api/experiments").json["experiments"]:
        page = logged_in.get(f"/experiments/{experiment['experiment_id']}").get_data(as_text=True)
        marked = set(re.findall(r'<tr class="news-\w+" data-metric="([^"]+)" data-variant="[^"]+">\s*<td>[^<]*'
                                r'<span class="badge primary" data-primary="1"', page))
        assert marked == {experiment["goal_metric_id"]}, experiment["experiment_id"]
        goal_section = page[page.index('id="section-goal"'):page.index("</section>", page.index('id="section-goal"'))]
        assert 'data-primary="1"' in goal_section


def test_each_section_chart_has_a_scale_fitted_to_its_own_rows(logged_in):
    """Issue 15 ("one shared ±150% axis squashes the main metrics"): each role section's chart spans its own
    estimates and the intervals of its coloured rows (bounds below -100% drawn at -100%), padded by at most 8%
    a side; a grey row's interval asks only for room around its estimate, and where it runs past the scale it is
    drawn to the edge and dashed (its whole interval stays in the table). So neither a wide guardrail nor a wide
    inconclusive secondary metric squashes the significant ones."""
    charts_seen = dashed = 0
    for experiment in logged_in.get("/api/experiments").json["experiments"]:
        page = logged_in.get(f"/experiments/{experiment['experiment_id']}").get_data(as_text=True)
        for chart_id, spec_text in _CHART.findall(page):
            if chart_id not in ("chart-goal", "chart-guardrail", "chart-secondary"):
                continue
            spec = json.loads(html.unescape(spec_text))
            low, high = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
            own = [0.0]
            for v in spec["data"]["values"]:
                lift, lower, upper = v["relative_lift"], v["relative_ci_lower_adjusted"], v["relative_ci_upper_adjusted"]
                if lift is None:
                    continue
                own.append(lift)
                assert lower is None or low - 1e-12 <= lower, (chart_id, v)  # drawn inside the scale
                assert upper is None or upper <= high + 1e-12, (chart_id, v)
                if v["news"] in ("better", "worse"):
                    assert not v["past_scale"] and lower >= -1.0, (chart_id, v)  # coloured: drawn whole
                    own += [lower, upper]
                else:
                    room = max(2 * abs(lift), 0.02)
                    own += [lift - room, lift + room]
                    printed = _bounds(v["interval"]) if v["interval"] != "–" else (None, None)
                    runs_past = any(b is not None and not (low - 1e-9 <= max(b, -1.0) <= high + 1e-9) for b in printed)
                    assert v["past_scale"] == runs_past, (chart_id, v, low, high)
                    dashed += runs_past
            span = max(own) - min(own)
            assert low <= min(own) + 1e-12 and high >= max(own) - 1e-12, (chart_id, low, high, own)
            assert high - low <= span * 1.16 + 1e-9 or (span == 0 and high - low <= 0.1), (chart_id, low, high, own)
            charts_seen += 1
    assert charts_seen >= 8 and dashed > 0
