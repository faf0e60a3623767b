"""Sentiment pages in a real browser: every chart drawn (no CSP or console errors), the section tabs keep
the date range, a video drills down to its comments, and Chinese comments are drawn with a CJK font."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_pages import wait_for_charts

pytestmark = pytest.mark.browser


def test_sections_render_with_charts(signed_in, site_url, console_errors, screenshots):
    page = signed_in
    page.click("nav.nav a:text('Sentiment')")
    page.wait_for_url(re.compile(r".*/sentiment(\?.*)?$"))
    assert page.locator("#kpis .kpi").count() == 4
    assert wait_for_charts(page) == 2
    assert page.locator("div.chart svg .mark-line path").count() > 0
    page.screenshot(path=str(screenshots / "sentiment-trend.png"), full_page=True)
    page.fill("input[name=start]", "2026-10-05")
    page.fill("input[name=end]", "2026-10-15")
    page.click("form.daterange button[type=submit]")
    page.wait_for_url(re.compile(r".*start=2026-10-05.*"))
    for tab, charts in (("Categories", 2), ("Creators", 1), ("Model", 0)):
        page.click(f"nav.sentiment-tabs a:text('{tab}')")
        page.wait_for_load_state()
        if tab != "Model":
            assert "start=2026-10-05" in page.url, tab
        assert wait_for_charts(page) == charts, tab
        page.screenshot(path=str(screenshots / f"sentiment-{tab.lower()}.png"), full_page=True)
    assert page.locator("table#confusion-matrix tbody tr").count() == 3
    # drawn once (no heatmap beside the table); the diagonal is the correct cells, green, not red
    assert page.locator("#chart-confusion").count() == 0
    assert page.locator("table#confusion-matrix td.correct").count() == 3
    assert page.locator("table#confusion-matrix td.error").count() == 6
    assert page.locator("table#confusion-matrix td.correct").first.evaluate(
        "td => getComputedStyle(td).color") == "rgb(31, 122, 77)"
    assert console_errors == []


def test_video_drills_down_to_its_comments(signed_in, site_url, console_errors, screenshots):
    page = signed_in
    page.goto(f"{site_url}/sentiment/videos?min_comments=2")
    first = page.locator("table#videos-negative tbody tr").first
    video_id = first.get_attribute("data-row-key")
    first.locator("a").first.click()
    page.wait_for_url(re.compile(rf".*/sentiment/comments\?.*video={video_id}.*"))
    items = page.locator("ul#sample-comments li[data-comment-id]")
    assert items.count() >= 2
    assert page.locator("ul#sample-comments .label").count() == items.count()
    page.screenshot(path=str(screenshots / "sentiment-video-comments.png"), full_page=True)
    assert console_errors == []


def test_chinese_comment_is_drawn_with_a_cjk_font(signed_in, site_url, screenshots):
    page = signed_in
    rows = page.request.get(f"{site_url}/api/sentiment/comments?limit=300").json()["rows"]
    chinese = next(row for row in rows if re.fullmatch(r"[\u4e00-\u9fff，。！？]{4,}", row["comment_text"]))
    page.goto(f"{site_url}/sentiment/comments?limit=300")
    selector = f"li[data-comment-id='{chinese['comment_id']}'] p.comment-text"
    text = page.locator(selector)
    assert text.inner_text() == chinese["comment_text"]
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    assert any("CJK" in font["familyName"] and font["glyphCount"] > 0 for font in fonts), fonts
    width, size, chars = text.evaluate(
        "el => { const r = document.createRange(); r.selectNodeContents(el); "
        "return [r.getBoundingClientRect().width, parseFloat(getComputedStyle(el).fontSize), "
        "el.textContent.replace(/\\s/g, '').length]; }")
    assert width / (size * chars) > 0.9  # full-width glyphs, not narrow tofu boxes
    text.screenshot(path=str(screenshots / "sentiment-chinese-comment.png"))
