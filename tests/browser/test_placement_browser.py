"""The placement page in a real browser: nav -> advertiser -> the plan in words, evidence and backtest, CSV.

Served from a copy of the tiny warehouse with a two-segment plan written in (tests/web/placement_plan.py),
since 600 users support no shift; the no-plan wording is covered in tests/web/test_placement_web.py.
"""

from __future__ import annotations

import re

import pytest

from tests.web.placement_plan import ADVERTISER, MOVED, serving_copy_with_plan

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_url(tiny_warehouse, tmp_path_factory):
    from werkzeug.security import generate_password_hash

    from tests.conftest import TEST_PASSWORD, TEST_USER
    from tests.web.live_server import live_server
    from webreport import create_app

    db = serving_copy_with_plan(tiny_warehouse.serving_db, tmp_path_factory.mktemp("placement"))
    app = create_app({"SECRET_KEY": "browser-test-secret", "SERVING_DB": str(db),
                      "DOCS_HTML": str(tiny_warehouse.docs_html),
                      "USERS": {TEST_USER: generate_password_hash(TEST_PASSWORD)}})
    with live_server(app) as url:
        yield url


def test_placement_plan_evidence_and_backtest(signed_in, console_errors, screenshots):
    page = signed_in
    page.click("nav a:text('Placement')")
    page.wait_for_url(re.compile(r".*/placement(\?.*)?$"))
    assert page.locator("table#placement-advertisers tbody tr").count() >= 2
    page.locator(f"table#placement-advertisers a[href='/placement/{ADVERTISER}']").first.click()
    page.wait_for_url(re.compile(rf".*/placement/{ADVERTISER}$"))
    summary = page.locator("#plan-age_band_device").inner_text()
    assert f"Move ¥{MOVED:.2f} from 1 segment(s) to 1 segment(s)" in summary
    assert page.locator("#plan-age_band_device ul.moves li").count() == 2
    assert "chance it beats your average" in summary
    assert page.locator("ul.campaign-evidence li").count() >= 1
    assert "promised" in page.locator("#backtest-age_band_device").inner_text()
    rows = page.locator("table#placement-segments tbody tr")
    assert rows.count() >= 2
    assert page.locator("table#placement-segments tbody tr", has_text="Spend more here").count() == 1
    page.screenshot(path=str(screenshots / "placement.png"), full_page=True)
    with page.expect_download() as download:
        page.locator("a.csv[href*='table=segments']").click()
    assert download.value.suggested_filename == f"placement-{ADVERTISER}-segments.csv"
    assert console_errors == []
