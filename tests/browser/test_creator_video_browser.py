"""The video page's edit suggestions in a real browser: retention chart drawn with its shot ticks, keyframe
images loaded (behind the login), no CSP or console error, the section inside a phone's width (390 px)."""

from __future__ import annotations

import duckdb
import pytest

from tests.browser.test_pages import wait_for_charts

pytestmark = pytest.mark.browser


def test_suggestions_with_keyframes_on_a_phone(signed_in, site_url, tiny_warehouse, console_errors, screenshots):
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        video_id = con.execute("select min(video_id) from fct_video_edit_suggestions").fetchone()[0]
    page = signed_in
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site_url}/videos/{video_id}")
    assert wait_for_charts(page) >= 1
    # the chart has a tick per shot start (vega draws ticks as rect marks)
    assert page.locator("#chart-retention svg .mark-tick path, #chart-retention svg .mark-rect path").count() > 0
    images = page.locator("#edit-suggestion-list img")
    assert images.count() >= 1
    images.first.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=images.first.element_handle())
    # this section fits the phone: the list and the shot table's scroll box end inside 390 px (the page
    # as a whole is wider because of other sections' tables, which is not this test's business)
    assert page.evaluate("document.getElementById('edit-suggestion-list').getBoundingClientRect().right") <= 390
    assert page.evaluate("document.getElementById('video-shots').closest('.table-wrap')"
                         ".getBoundingClientRect().right") <= 390
    assert page.evaluate("(() => { const l = document.getElementById('edit-suggestion-list');"
                         " return l.scrollWidth <= l.clientWidth; })()")
    page.locator("#edit-suggestions").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "video-edit-suggestions-390.png"), full_page=True)
    assert console_errors == []
