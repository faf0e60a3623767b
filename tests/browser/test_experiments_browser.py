"""Experiment pages in a real browser: sign in, open the list, open one experiment, the CI chart is
drawn, the CUPED toggle keeps the state in the URL, and the planning page computes."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_pages import wait_for_charts

pytestmark = pytest.mark.browser


def test_list_then_experiment_with_ci_chart(signed_in, site_url, console_errors, screenshots):
    page = signed_in
    page.click("nav a:text('Experiments')")
    page.wait_for_url(re.compile(r".*/experiments(\?.*)?$"))
    rows = page.locator("table#experiment-list tbody tr")
    assert rows.count() == 4
    assert page.locator("table#experiment-list [data-badge], table#experiment-list .badge.ok").count() >= 4
    page.screenshot(path=str(screenshots / "experiments.png"), full_page=True)
    page.locator("table#experiment-list tbody tr[data-row-key=exp_feed_ranking_v2] a").first.click()
    page.wait_for_url(re.compile(r".*/experiments/exp_feed_ranking_v2(\?.*)?$"))
    assert page.locator("h1#experiment-title").inner_text() == "Feed ranking v2"
    assert wait_for_charts(page) == 3
    # the interval chart: one rule (CI) and one point per metric x variant, plus the zero line
    intervals = page.locator("#chart-lift svg .mark-rule line")
    assert intervals.count() >= page.locator("table#results tbody tr").count() + 1
    assert page.locator("#chart-lift svg .mark-symbol path").count() == page.locator("table#results tbody tr").count()
    page.screenshot(path=str(screenshots / "experiment-detail.png"), full_page=True)
    page.click("a#cuped-off")
    page.wait_for_url(re.compile(r".*analysis=unadjusted.*"))
    assert page.locator("a#cuped-off.active").count() == 1
    wait_for_charts(page)
    assert console_errors == []


def test_planning_page(signed_in, site_url, console_errors):
    page = signed_in
    page.goto(f"{site_url}/experiments/planning")
    page.fill("input[name=effect]", "0.1")
    page.click("#plan-form button[type=submit]")
    page.wait_for_url(re.compile(r".*effect=0.1.*"))
    assert re.search(r"\d", page.locator("#sample-size").inner_text())
    assert console_errors == []
