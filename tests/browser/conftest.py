"""Browser-test fixtures: the app on a live server over the session's tiny warehouse, and Debian's
chromium (Playwright cannot download its own browsers here) launched through pytest-playwright."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import TEST_PASSWORD, TEST_USER, project_dir
from tests.web.live_server import live_server

SCREENSHOTS = project_dir() / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is not installed: run .ci/install-browser (make browser-deps)")
    return {**browser_type_launch_args, "executable_path": chromium, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 900}, "accept_downloads": True}


@pytest.fixture(scope="session")
def site_url(tiny_warehouse, tmp_path_factory):
    """The real app (CSRF on, as in production) served over HTTP for the whole session."""
    from werkzeug.security import generate_password_hash

    from webreport import create_app

    state = tmp_path_factory.mktemp("web-state")
    app = create_app({
        "SECRET_KEY": "browser-test-secret",
        "SERVING_DB": str(tiny_warehouse.serving_db),
        "DOCS_HTML": str(tiny_warehouse.docs_html),
        # privileged: the browser tests walk user-level pages and the audience export too
        "USERS": {TEST_USER: {"password_hash": generate_password_hash(TEST_PASSWORD), "role": "privileged"}},
        "SESSIONS_DB": str(state / "sessions.sqlite"),
        "AUDIT_LOG": str(state / "audit.log"),
    })
    with live_server(app) as url:
        yield url


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def console_errors(page) -> list[str]:
    """Console errors and uncaught exceptions of the page (CSP violations are console errors)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def signed_in(page, site_url, console_errors):
    """A page signed in through the real login form."""
    page.goto(f"{site_url}/")
    assert "/login" in page.url
    page.fill("input[name=username]", TEST_USER)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site_url}/")
    return page


def signed_in_context(browser, site_url: str, width: int):
    """A new browser context `width` px wide (844 px high at 390, a phone; 900 otherwise), signed in through
    the login form: (context, page, console errors and uncaught exceptions). The caller closes the context."""
    context = browser.new_context(viewport={"width": width, "height": 844 if width == 390 else 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{site_url}/login")
    page.fill("input[name=username]", TEST_USER)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site_url}/")
    return context, page, errors
