"""Experiment pages in a real browser: sign in, open the list, open one experiment, the CI charts are
drawn, the CUPED toggle keeps the state in the URL, the planning page computes, and each defect of
issue 15 stays fixed: chart and table share the corrected significance rule, colours mean good or bad
news, one chart (and scale) per role section, formats with units, a colour per variant over time, and a
Bayesian table that fits."""

from __future__ import annotations

import json
import re

import pytest

from tests.browser.test_pages import wait_for_charts

pytestmark = pytest.mark.browser
EXPERIMENT = "exp_feed_ranking_v2"


def _spec(page, chart_id: str) -> dict:
    return json.loads(page.locator(f"#{chart_id}").get_attribute("data-spec"))


def test_list_then_experiment_with_ci_chart(signed_in, site_url, console_errors, screenshots):
    page = signed_in
    page.click("nav a:text('Experiments')")
    page.wait_for_url(re.compile(r".*/experiments(\?.*)?$"))
    rows = page.locator("table#experiment-list tbody tr")
    assert rows.count() == 4
    assert page.locator("table#experiment-list [data-badge], table#experiment-list .badge.ok").count() >= 4
    # triage columns: days, goal lift with its interval, chance to win, power status
    header = page.locator("table#experiment-list thead").inner_text()
    for column in ("Days", "Primary metric: lift [interval]", "Chance to win", "Power"):
        assert column in header
    assert page.locator("table#experiment-list [data-power]").count() == 4
    assert re.search(r"[+-]?\d+\.\d%\s+\[", page.locator("table#experiment-list td.goal").first.inner_text())
    page.screenshot(path=str(screenshots / "experiments.png"), full_page=True)
    page.locator(f"table#experiment-list tbody tr[data-row-key={EXPERIMENT}] a").first.click()
    page.wait_for_url(re.compile(rf".*/experiments/{EXPERIMENT}(\?.*)?$"))
    assert page.locator("h1#experiment-title").inner_text() == "Feed ranking v2"
    assert wait_for_charts(page) >= 4
    rows_shown = page.locator("section.role-section table.results tbody tr").count()
    points = sum(page.locator(f"#chart-{role} svg g.mark-symbol.role-mark path").count()
                 for role in ("goal", "guardrail", "secondary"))
    assert points == rows_shown
    page.screenshot(path=str(screenshots / "experiment-detail.png"), full_page=True)
    page.click("a#cuped-off")
    page.wait_for_url(re.compile(r".*analysis=unadjusted.*"))
    assert page.locator("a#cuped-off.active").count() == 1
    wait_for_charts(page)
    assert console_errors == []


def test_sections_by_role_each_with_its_own_chart_and_the_same_significance_as_the_table(signed_in, site_url,
                                                                                         console_errors):
    page = signed_in
    page.goto(f"{site_url}/experiments/{EXPERIMENT}")
    wait_for_charts(page)
    assert page.locator("#section-goal h3").inner_text() == "Goal metrics"
    assert page.locator("#section-guardrail h3").inner_text() == "Guardrails"
    verdict_to_news = {"Better": "better", "Worse": "worse", "Not significant": "not significant",
                       "Not tested": "not tested"}
    for role in ("goal", "guardrail", "secondary"):
        table = page.locator(f"#results-{role} tbody tr")
        verdicts = [verdict_to_news[table.nth(i).locator(".verdict").inner_text()] for i in range(table.count())]
        spec = _spec(page, f"chart-{role}")
        assert [v["news"] for v in spec["data"]["values"]] == verdicts  # one rule in chart and table
        assert len(spec["data"]["values"]) == table.count()  # its own rows, so its own scale
    assert "Holm-Bonferroni correction" in page.locator("#significance-rule").inner_text()
    assert console_errors == []


def test_colours_mean_good_or_bad_news_and_formats_carry_units(signed_in, site_url, console_errors):
    page = signed_in
    page.goto(f"{site_url}/experiments/{EXPERIMENT}")
    wait_for_charts(page)
    green, red = "rgb(29, 107, 71)", "rgb(163, 18, 61)"
    for verdict, colour in ((".verdict.good", green), (".verdict.bad", red)):
        legend = page.locator(f"#significance-rule {verdict}")
        assert legend.evaluate("e => getComputedStyle(e).color") == colour
    cells = page.locator("section.role-section table.results tbody tr")
    for i in range(cells.count()):
        row = cells.nth(i)
        tds = [row.locator("td").nth(k).inner_text() for k in range(9)]
        metric, control, lift, interval, difference, p_value = tds[0], tds[2], tds[4], tds[5], tds[6], tds[7]
        assert re.fullmatch(r"<0\.001|[01]\.\d{3}|–", p_value), p_value
        assert re.fullmatch(r"[+-]\d+\.\d%|0\.0%|–", lift), lift
        bounds = [float(x) for x in re.findall(r"[+-]?\d+\.\d", interval)]
        assert all(b >= -100 for b in bounds), interval
        assert not re.search(r"-0\.0+(?![0-9])", row.inner_text()), row.inner_text()
        if metric in ("Completion rate", "Retained day 7+", "Liked a video", "Ad CTR", "Converted"):
            assert control.endswith("%") and difference.endswith(" pp"), (metric, control, difference)
        if metric == "Revenue per user":
            assert control.startswith("¥") and "¥" in difference
    assert console_errors == []


def test_over_time_chart_has_a_colour_and_a_band_per_variant(signed_in, site_url, console_errors):
    page = signed_in
    page.goto(f"{site_url}/experiments/exp_ad_load?metric=watch_seconds")
    wait_for_charts(page)
    spec = _spec(page, "chart-timeseries")
    variants = {v["variant"] for v in spec["data"]["values"]}
    assert variants == {"ad_load_plus1", "ad_load_plus2"}
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks[:2] == ["area", "line"]
    assert page.locator("#chart-timeseries svg .mark-area path").count() == len(variants)
    assert "fixed-horizon" in spec["title"]["subtitle"]
    assert console_errors == []


def test_bayesian_table_fits_without_hidden_columns(signed_in, site_url, console_errors):
    page = signed_in
    page.goto(f"{site_url}/experiments/{EXPERIMENT}?view=bayesian")
    wait_for_charts(page)
    for role in ("goal", "guardrail", "secondary"):
        table = page.locator(f"#results-{role}")
        assert "Chance to win" in table.locator("thead").inner_text()
        fits = table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth + 1")
        assert fits, role
    assert console_errors == []


def test_segments_are_exploratory_and_corrected_over_the_experiment(signed_in, site_url, console_errors):
    page = signed_in
    page.goto(f"{site_url}/experiments/exp_autoplay_next?dimension=country&metric=watch_seconds#segments")
    wait_for_charts(page)
    assert page.locator("#exploratory").inner_text() == "exploratory"
    assert re.search(r"corrected over all [\d,]+ segment comparisons", page.locator("#segment-note").inner_text())
    # the planted null: no segment coloured as significant
    assert page.locator("table#segments tr.news-good, table#segments tr.news-bad").count() == 0
    assert console_errors == []


@pytest.mark.parametrize("width", [1440, 390])
def test_screenshots_at_desktop_and_phone_width(signed_in, site_url, console_errors, screenshots, width):
    page = signed_in
    page.set_viewport_size({"width": width, "height": 900})
    for name, path in (("experiment-list", "/experiments"), ("experiment-report", f"/experiments/{EXPERIMENT}")):
        page.goto(site_url + path)
        wait_for_charts(page)
        page.screenshot(path=str(screenshots / f"{name}-{width}.png"), full_page=True)
    if width == 390:  # the list is one card per experiment: no column wider than the phone
        page.goto(site_url + "/experiments")
        widths = page.locator("table#experiment-list tbody tr").evaluate_all("rows => rows.map(r => r.scrollWidth)")
        assert max(widths) <= 390
    assert console_errors == []


def test_planning_page(signed_in, site_url, console_errors):
    page = signed_in
    page.goto(f"{site_url}/experiments/planning")
    page.fill("input[name=effect]", "0.1")
    page.click("#plan-form button[type=submit]")
    page.wait_for_url(re.compile(r".*effect=0.1.*"))
    assert re.search(r"\d", page.locator("#sample-size").inner_text())
    assert console_errors == []
