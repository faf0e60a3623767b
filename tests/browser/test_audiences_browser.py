"""Audiences in a real browser: list -> audience with charts drawn, export through the form (real CSRF
token), the run page lists the files, and a file downloads."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_pages import wait_for_charts

pytestmark = pytest.mark.browser


def test_list_audience_export_and_download(signed_in, site_url, console_errors, screenshots):
    page = signed_in
    page.click("nav a:text('Audiences')")
    page.wait_for_url(re.compile(r".*/audiences(\?.*)?$"))
    assert page.locator("table#audiences tbody tr").count() == 6
    assert page.locator("table#audience-overlap tbody tr").count() == 6
    wait_for_charts(page)
    page.screenshot(path=str(screenshots / "audiences.png"), full_page=True)
    page.locator("table#audiences tbody tr[data-row-key=beauty_fans] a").first.click()
    page.wait_for_url(re.compile(r".*/audiences/beauty_fans$"))
    assert wait_for_charts(page) == 4
    page.screenshot(path=str(screenshots / "audience-detail.png"), full_page=True)
    page.select_option("#export-form select[name=destination]", "csv")
    page.fill("#export-form input[name=min_size]", "1")
    page.check("#export-form input[name=force_min_size]")
    page.click("#export-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/audiences/runs/[0-9]{8}T[0-9]{12}Z-[0-9a-f]{8}$"))
    assert page.locator("table#run-files tbody tr").count() == 4  # full, add, remove, manifest
    with page.expect_download() as download:
        page.locator("table#run-files a:text('full-00001.csv')").click()
    assert download.value.suggested_filename == "full-00001.csv"
    header = open(download.value.path()).readline().strip()
    assert header == "email_sha256,phone_sha256,maid_sha256,country"
    page.screenshot(path=str(screenshots / "audience-export-run.png"), full_page=True)
    assert console_errors == []
