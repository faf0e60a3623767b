"""The creator studio pages in a real browser at desktop and phone widths: every chart draws (retention
with its peer band, traffic sources, new vs returning, followers), the studio sections are there, and
at 390 px the page never scrolls sideways (wide tables scroll in their own box)."""

from __future__ import annotations

import re

import duckdb
import pytest

from tests.browser.conftest import signed_in_context
from tests.browser.test_pages import wait_for_charts

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def studio_ids(tiny_warehouse) -> tuple[int, int]:
    """The most viewed video with a key moment, and its creator."""
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        return con.execute(
            "select r.video_id, r.creator_id from fct_video_retention as r "
            "where r.video_id in (select video_id from fct_video_key_moments) order by r.views desc limit 1"
        ).fetchone()


@pytest.mark.parametrize("width", [1440, 390])
def test_studio_pages_draw_and_fit_the_screen(browser, site_url, screenshots, studio_ids, width):
    video_id, creator_id = studio_ids
    context, page, errors = signed_in_context(browser, site_url, width)
    pages = {
        "studio-video": (f"/videos/{video_id}", ["#chart-retention", "#chart-traffic", "#hook-summary",
                                                 "#key-moments", "#traffic-table"]),
        "studio-creator": (f"/creators/{creator_id}", ["#chart-audience", "#chart-followers", "#chart-traffic",
                                                      "#chart-traffic-daily", "#hooks-table", "#traffic-table"]),
    }
    for name, (path, parts) in pages.items():
        page.goto(site_url + path)
        assert wait_for_charts(page) >= 2, name
        for selector in parts:
            assert page.locator(selector).count() == 1, (name, selector)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        for right in page.locator("div.chart").evaluate_all("els => els.map(e => e.getBoundingClientRect().right)"):
            assert right <= width, name
        page.screenshot(path=str(screenshots / f"{name}-{width}.png"), full_page=True)
    # the retention chart draws the peer band and the curve; the studio nav jumps to the hook
    page.goto(f"{site_url}/videos/{video_id}")
    wait_for_charts(page)
    assert page.locator("#chart-retention svg path").count() >= 2
    page.click("nav.studio-nav a[href='#hook']")
    assert page.locator("#hook").is_visible()
    assert errors == []
    context.close()


@pytest.fixture(scope="module")
def creator_with_audience_windows(tiny_warehouse) -> int:
    """A creator whose category has per-audience posting windows (the web test's choice)."""
    from tests.web.test_creators_posting_web import _creator_with_audience_windows

    creator_id, audiences = _creator_with_audience_windows(tiny_warehouse)
    assert audiences
    return creator_id


def test_best_time_to_post_reads_on_a_phone(browser, site_url, screenshots, creator_with_audience_windows):
    """Issue 17 nits at 390 px: each audience's windows are a table of their own under a heading with the
    audience's share (the window is each row's first cell, no column repeats the country); both posting tables fit
    the phone without scrolling; a window shrunk to its category's mean prints no zero-width interval."""
    context, page, errors = signed_in_context(browser, site_url, 390)
    page.goto(f"{site_url}/creators/{creator_with_audience_windows}")
    wait_for_charts(page)
    tables = page.locator("#audience-posting-times table")
    assert tables.count() >= 1
    assert page.locator("#audience-posting-times h4.audience").count() == tables.count()
    for i in range(tables.count()):
        table = tables.nth(i)
        assert table.locator("thead th").first.inner_text() == "Published (UTC)"
        firsts = table.locator("tbody tr td:first-child")
        for k in range(firsts.count()):
            assert re.fullmatch(r"\d\d:00-\d\d:00", firsts.nth(k).inner_text()), firsts.nth(k).inner_text()
        assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth + 1")  # no scroll
        assert table.evaluate("t => t.getBoundingClientRect().right") <= 390
    assert page.locator("table#posting-times").evaluate(
        "t => t.parentElement.scrollWidth <= t.parentElement.clientWidth + 1")
    posting = page.locator("table#posting-times tbody").inner_text()
    assert not re.search(r"(\d+\.\d%) \[\1, \1\]", posting), posting  # no "26.8% [26.8%, 26.8%]"
    if "(category mean)" in posting:
        assert page.locator("#posting-flat").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("#category-text").screenshot(path=str(screenshots / "studio-best-time-390.png"))
    assert errors == []
    context.close()
