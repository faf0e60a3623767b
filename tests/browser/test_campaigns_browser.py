"""Campaign pages in a real browser: list -> campaign, every chart drawn, the breakdown switch keeps
the date range in the URL, and a CSV downloads."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_pages import wait_for_charts

pytestmark = pytest.mark.browser


def test_list_then_campaign_with_charts(signed_in, site_url, console_errors, screenshots):
    page = signed_in
    page.click("nav a:text('Campaigns')")
    page.wait_for_url(re.compile(r".*/campaigns(\?.*)?$"))
    assert page.locator("table#campaigns tbody tr").count() == 6
    assert page.locator("#kpis .kpi").count() == 8
    wait_for_charts(page)
    page.screenshot(path=str(screenshots / "campaigns.png"), full_page=True)
    page.locator("table#campaigns tbody tr[data-row-key=cmp_glow_autumn] a").first.click()
    page.wait_for_url(re.compile(r".*/campaigns/cmp_glow_autumn\?.*start=.*"))
    assert page.locator("h1#campaign-name").inner_text() == "Autumn serum launch"
    assert wait_for_charts(page) >= 5
    assert page.locator("#lift-box").count() == 1
    page.screenshot(path=str(screenshots / "campaign-detail.png"), full_page=True)
    page.click("p.tabs a:text('region')")
    page.wait_for_url(re.compile(r".*by=region.*"))
    assert "start=" in page.url
    assert page.locator("table#campaign-breakdown tbody tr").count() >= 1
    with page.expect_download() as download:
        page.locator("a.csv[href*='table=breakdown']").click()
    assert download.value.suggested_filename == "campaign-cmp_glow_autumn-breakdown.csv"
    page.click("p.tabs a:text('age band × device')")
    page.wait_for_url(re.compile(r".*by=segment.*"))
    assert page.locator("table#campaign-breakdown thead").inner_text().startswith("Age band")
    assert page.locator("table#campaign-breakdown tbody tr").count() >= 1
    assert console_errors == []
