"""Campaign pages in a real browser: list -> campaign, every chart drawn, the breakdown switch keeps
the date range in the URL, and a CSV downloads."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import signed_in_context
from tests.browser.test_pages import wait_for_charts

pytestmark = pytest.mark.browser


def test_list_then_campaign_with_charts(signed_in, site_url, console_errors, screenshots):
    page = signed_in
    page.click("nav a:text('Campaigns')")
    page.wait_for_url(re.compile(r".*/campaigns(\?.*)?$"))
    assert page.locator("table#campaigns tbody tr").count() == 6
    assert page.locator("#kpis .kpi").count() == 8
    assert page.locator("table#campaigns svg.spark").count() >= 1
    wait_for_charts(page)
    page.screenshot(path=str(screenshots / "campaigns.png"), full_page=True)
    page.locator("table#campaigns tbody tr[data-row-key=cmp_noodle_delivery] a").first.click()
    page.wait_for_url(re.compile(r".*/campaigns/cmp_noodle_delivery\?.*start=.*"))
    assert page.locator("h1#campaign-name").inner_text() == "Delivery coupons"
    assert wait_for_charts(page) >= 5
    assert _axis_titles_missing(page) == []
    assert page.locator("#lift-box").count() == 1
    page.screenshot(path=str(screenshots / "campaign-detail.png"), full_page=True)
    page.click("p.tabs a:text('region')")
    page.wait_for_url(re.compile(r".*by=region.*"))
    assert "start=" in page.url
    assert page.locator("table#campaign-breakdown tbody tr").count() >= 1
    with page.expect_download() as download:
        page.locator("a.csv[href*='table=breakdown']").click()
    assert download.value.suggested_filename == "campaign-cmp_noodle_delivery-breakdown.csv"
    page.click("p.tabs a:text('age band × device')")
    page.wait_for_url(re.compile(r".*by=segment.*"))
    assert page.locator("table#campaign-breakdown thead").inner_text().startswith("Age band")
    assert page.locator("table#campaign-breakdown tbody tr").count() >= 1
    assert console_errors == []


def _axis_titles_missing(page) -> list[str]:
    """Charts with an x or y axis drawn without a title (every axis names its quantity and unit)."""
    return page.evaluate("""() => [...document.querySelectorAll('div.chart')].flatMap(chart =>
        [...chart.querySelectorAll('g.role-axis[aria-roledescription=axis]')]  // grid-only axes have no role
            .filter(axis => !axis.querySelector('g.role-axis-title text'))
            .map(() => chart.id || chart.getAttribute('aria-label')))""")


def test_sorting_spend_starts_with_the_biggest(signed_in, site_url):
    page = signed_in
    page.goto(f"{site_url}/campaigns")
    page.click("table#campaigns th[data-key=spend] button")
    spend = [float(v) for v in page.locator("table#campaigns tbody td:nth-child(3)").evaluate_all(
        "cells => cells.map(c => c.dataset.sort)")]
    assert spend == sorted(spend, reverse=True) and spend[0] > spend[-1]


def test_out_of_range_dates_say_which_dates_the_data_covers(signed_in, site_url, console_errors):
    """Dates without data: the report over its default dates with a message naming the dates covered; no
    empty frames, no failed request in the console. Presets stay inside the data; the range follows the nav."""
    page = signed_in
    page.goto(f"{site_url}/campaigns?start=2025-01-01&end=2025-01-31&advertiser=adv_glowup")
    page.wait_for_url(re.compile(r".*/campaigns\?advertiser=adv_glowup$"))
    assert "the data covers 2026-10-01 to 2026-10-21" in page.locator("p.flash").inner_text()
    assert page.locator("table#campaigns tbody tr").count() == 2
    wait_for_charts(page)
    coverage = page.locator("nav.presets .coverage").inner_text()
    assert coverage == "Data covers 2026-10-01 to 2026-10-21"
    assert page.get_attribute("input[name=start]", "min") == "2026-10-01"
    page.click("nav.presets a:text('Last 7 days')")
    page.wait_for_url(re.compile(r".*start=2026-10-15&end=2026-10-21.*"))
    page.click("nav.nav a:text('Experiments')")  # a page without a date picker keeps the range for the next
    page.click("nav.nav a:text('Videos')")
    assert "start=2026-10-15" in page.url and "end=2026-10-21" in page.url
    assert console_errors == []


@pytest.mark.parametrize("width", [390, 1440])
def test_campaign_pages_fit_the_screen(browser, site_url, screenshots, width):
    """At 390 px the nav collapses behind a menu that also holds sign-out, charts fit and the page never
    scrolls sideways (wide tables scroll in their own box); the detail page is under 5,000 px at 1440 (the issue
    measured 6,450 px) with at most seven charts. Screenshots of both pages at both widths."""
    context, page, errors = signed_in_context(browser, site_url, width)
    for name, path in (("campaign-list", "/campaigns"), ("campaign-detail", "/campaigns/cmp_noodle_delivery")):
        page.goto(site_url + path)
        wait_for_charts(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        for box in page.locator("div.chart").evaluate_all("els => els.map(e => e.getBoundingClientRect().right)"):
            assert box <= width, name
        if name == "campaign-detail":  # issue 15 measured 6,450 px and eight charts, impressions beside plays
            charts = page.locator("div.chart").evaluate_all("els => els.map(e => e.id)")
            assert "chart-delivery" not in charts and len(charts) <= 7, charts
            if width == 1440:  # 4,721 px at the default demo (placement rows folded; 6,219 px before)
                assert page.evaluate("document.documentElement.scrollHeight") < 5000
        if width == 390:
            assert not page.locator("nav.nav").is_visible() and not page.locator("form.logout button").is_visible()
            page.click("label.nav-toggle-label")
            assert page.locator("nav.nav a:text('Experiments')").is_visible()
            assert page.locator("form.logout button").is_visible()  # sign-out reachable
            page.click("label.nav-toggle-label")
        else:
            assert page.locator("nav.nav").is_visible() and not page.locator("label.nav-toggle-label").is_visible()
        page.screenshot(path=str(screenshots / f"{name}-{width}.png"), full_page=True)
    assert errors == []
    context.close()
