"""The report site in a real browser: login, every page with its charts, date range, drill-down, CSV,
and Chinese text drawn with a CJK font."""

from __future__ import annotations

import csv
import io
import re

import pytest

pytestmark = pytest.mark.browser

PAGES = {"overview": "/", "videos": "/videos", "creators": "/creators", "users": "/users", "quality": "/quality"}


def wait_for_charts(page) -> int:
    """Wait until every chart container has been drawn (class chart-ready, an SVG inside)."""
    expected = page.locator("div.chart").count()
    if expected:
        page.wait_for_function(
            "n => document.querySelectorAll('div.chart.chart-ready svg').length === n", arg=expected, timeout=20000)
    assert page.locator("div.chart.chart-error").count() == 0
    return expected


@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_with_charts(signed_in, site_url, console_errors, screenshots, name):
    page = signed_in
    page.goto(site_url + PAGES[name])
    assert page.locator("nav a[aria-current=page]").count() == 1
    charts = wait_for_charts(page)
    assert charts >= 1
    marks = page.locator("div.chart svg .mark-line path, div.chart svg .mark-rect path, "
                         "div.chart svg .mark-symbol path, div.chart svg .mark-rule line")
    assert marks.count() > 0
    page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)
    assert console_errors == []


def test_date_range_change_keeps_state_in_url(signed_in, site_url, console_errors):
    page = signed_in
    page.goto(f"{site_url}/videos?category=food")
    start = page.input_value("input[name=start]")
    page.fill("input[name=start]", "2026-10-05")
    page.fill("input[name=end]", "2026-10-07")
    page.click("form.daterange button[type=submit]")
    page.wait_for_url(re.compile(r".*start=2026-10-05.*"))
    assert "end=2026-10-07" in page.url and "category=food" in page.url
    assert page.input_value("input[name=start]") == "2026-10-05" != start
    assert "2026-10-05 and 2026-10-07" in page.locator("main p.meta").first.inner_text()
    wait_for_charts(page)
    page.click("nav a:text('Creators')")
    assert "start=2026-10-05" in page.url
    assert console_errors == []


def test_drill_down_from_videos_to_video_and_creator(signed_in, site_url, console_errors, screenshots):
    page = signed_in
    page.goto(f"{site_url}/videos")
    first = page.locator("table#videos tbody tr").first
    title = first.locator("td").nth(1).inner_text()
    first.locator("td a").first.click()
    page.wait_for_url(re.compile(r".*/videos/\d+.*"))
    assert page.locator("h1#video-title").inner_text() == title
    wait_for_charts(page)
    page.screenshot(path=str(screenshots / "video-detail.png"), full_page=True)
    page.locator("dl.facts a").first.click()
    page.wait_for_url(re.compile(r".*/creators/\d+.*"))
    wait_for_charts(page)
    assert page.locator("table#creator-daily tbody tr").count() >= 1
    page.screenshot(path=str(screenshots / "creator-detail.png"), full_page=True)
    assert console_errors == []


def test_sorting_a_table_in_the_browser(signed_in, site_url):
    """A numeric column sorts largest first on the first click, then reverses; text sorts A to Z first."""
    page = signed_in
    page.goto(f"{site_url}/videos")
    page.click("table#videos th[data-key=views] button")
    values = [float(v) for v in page.locator("table#videos tbody td:nth-child(5)").evaluate_all(
        "cells => cells.map(c => c.dataset.sort)")]
    assert values == sorted(values, reverse=True) and len(values) > 1
    assert page.get_attribute("table#videos th[data-key=views]", "aria-sort") == "descending"
    page.click("table#videos th[data-key=views] button")
    values = [float(v) for v in page.locator("table#videos tbody td:nth-child(5)").evaluate_all(
        "cells => cells.map(c => c.dataset.sort)")]
    assert values == sorted(values)
    page.click("table#videos th[data-key=title] button")
    titles = page.locator("table#videos tbody td:nth-child(2)").evaluate_all("cells => cells.map(c => c.dataset.sort)")
    assert page.get_attribute("table#videos th[data-key=title]", "aria-sort") == "ascending"
    assert titles == sorted(titles, key=lambda t: t.lower()) or titles[0] <= titles[-1]


def test_csv_download_has_the_table_rows(signed_in, site_url):
    page = signed_in
    page.goto(f"{site_url}/videos?category=music&limit=20")
    shown = page.locator("table#videos tbody tr").evaluate_all("rows => rows.map(r => r.dataset.rowKey)")
    with page.expect_download() as download_info:
        page.click("a.csv")
    download = download_info.value
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert [row["video_id"] for row in rows] == shown
    assert {row["category"] for row in rows} == {"music"}


def test_chinese_title_is_drawn_with_a_cjk_font(signed_in, site_url, screenshots):
    page = signed_in
    api = page.request.get(f"{site_url}/api/videos?limit=200&min_views=0").json()
    chinese = next(row for row in api["rows"] if re.fullmatch(r"[\u4e00-\u9fff\s，！？]+", row["title"]))
    page.goto(f"{site_url}/videos/{chinese['video_id']}")
    heading = page.locator("h1#video-title")
    assert heading.inner_text() == chinese["title"]
    # Which font chromium actually used for the heading's glyphs (no font: tofu boxes from a fallback).
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "h1#video-title"})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    assert any("CJK" in font["familyName"] and font["glyphCount"] > 0 for font in fonts), fonts
    # CJK glyphs are full-width: about one em per character.
    width, size, chars = heading.evaluate(
        "el => { const r = document.createRange(); r.selectNodeContents(el); "
        "return [r.getBoundingClientRect().width, parseFloat(getComputedStyle(el).fontSize), "
        "el.textContent.replace(/\\s/g, '').length]; }")
    assert width / (size * chars) > 0.9
    heading.screenshot(path=str(screenshots / "chinese-title.png"))
