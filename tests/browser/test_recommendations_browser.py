"""Recommendation pages in a real browser: evaluation charts drawn, a user id typed into the form opens
that user's preview with history and list side by side, a bad id gets a readable error."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_pages import wait_for_charts

pytestmark = pytest.mark.browser


def test_evaluation_then_user_preview(signed_in, site_url, console_errors, screenshots):
    page = signed_in
    page.click("nav a:text('Recommendations')")
    page.wait_for_url(re.compile(r".*/recommendations(\?.*)?$"))
    assert page.locator("table#rec-evaluation tbody tr").count() == 8
    assert page.locator("table#rec-selection tbody tr").count() == 6  # one per candidate family
    assert page.locator("#rec-served").inner_text().startswith("Serving the ")
    assert page.locator("table#rec-sentiment tbody tr").count() == 2
    assert wait_for_charts(page) == 2
    page.screenshot(path=str(screenshots / "recommendations.png"), full_page=True)

    user_id = page.locator("#rec-sample-users a").first.inner_text()
    page.fill("#rec-user-form input[name=user_id]", user_id)
    page.click("#rec-user-form button[type=submit]")
    page.wait_for_url(re.compile(rf".*/recommendations/users/{user_id}$"))
    assert page.locator("h1#rec-user-title").inner_text() == f"Recommendations for user {user_id}"
    assert page.locator("table#rec-list tbody tr").count() == 10
    assert page.locator("table#rec-history tbody tr").count() >= 1
    # sorting the list by score in the browser keeps its rows
    page.click("table#rec-list th[data-key=score] button")
    assert page.locator("table#rec-list tbody tr").count() == 10
    page.screenshot(path=str(screenshots / "recommendations-user.png"), full_page=True)
    assert console_errors == []


def test_unknown_user_is_a_readable_404(signed_in, site_url):
    page = signed_in
    response = page.goto(f"{site_url}/recommendations/users/1")
    assert response.status == 404
    assert "No user with id 1" in page.content()
