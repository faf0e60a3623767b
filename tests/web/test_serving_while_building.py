"""A real `dbt build` + publish while the site is being served: no request fails, and the new data
appears once the snapshot is swapped in."""

from __future__ import annotations

import http.cookiejar
import json
import threading
import time
import urllib.parse
import urllib.request
from datetime import date

import pytest

from reelmart.simulate import SCALES, PlatformSimulator
from reelmart.warehouse import WarehousePaths, build
from tests.conftest import TEST_PASSWORD, TEST_USER
from tests.web.live_server import live_server

pytestmark = pytest.mark.slow
PAGES = ["/api/overview", "/", "/videos", "/quality", "/api/videos?limit=5"]


@pytest.fixture
def rebuildable(tiny_warehouse, scratch_copy) -> WarehousePaths:
    """A private copy of the tiny instance (exports, build database, published snapshot)."""
    return scratch_copy(tiny_warehouse, serving=True)


def _signed_in_opener(base: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = urllib.parse.urlencode({"username": TEST_USER, "password": TEST_PASSWORD}).encode()
    opener.open(f"{base}/login", data=form, timeout=30)
    return opener


def test_requests_survive_a_build_and_see_the_new_data(rebuildable, monkeypatch):
    from werkzeug.security import generate_password_hash

    from webreport import create_app

    app = create_app({
        "SECRET_KEY": "serving-test", "WTF_CSRF_ENABLED": False,
        "SERVING_DB": str(rebuildable.serving_db), "DOCS_HTML": str(rebuildable.docs_html),
        "USERS": {TEST_USER: generate_password_hash(TEST_PASSWORD)},
    })
    # Build what the pages read (a real dbt build, incremental); only tests wholly inside that selection.
    monkeypatch.setenv("DBT_INDIRECT_SELECTION", "cautious")
    PlatformSimulator(SCALES["tiny"], rebuildable.data_dir, seed=11, progress=False).append_days(1)
    outcomes: list[tuple[str, int | str]] = []
    last_days: list[str] = []
    stop = threading.Event()

    with live_server(app) as base:
        opener = _signed_in_opener(base)
        before = json.load(opener.open(f"{base}/api/overview", timeout=30))["end"]

        def fire() -> None:
            i = 0
            while not stop.is_set():
                path = PAGES[i % len(PAGES)]
                i += 1
                try:
                    with opener.open(base + path, timeout=30) as response:
                        body = response.read()
                        outcomes.append((path, response.status))
                        if path == "/api/overview":
                            last_days.append(json.loads(body)["end"])
                except Exception as error:  # any HTTP error or connection failure is a failed request
                    outcomes.append((path, repr(error)))

        clients = [threading.Thread(target=fire) for _ in range(2)]
        for thread in clients:
            thread.start()
        try:
            build(rebuildable, select="+rpt_platform_daily",
                  docs=False, quiet=True)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and (not last_days or last_days[-1] == before):
                time.sleep(0.2)
        finally:
            stop.set()
            for thread in clients:
                thread.join()

    failed = [o for o in outcomes if o[1] != 200]
    assert failed == []
    assert len(outcomes) > 20
    assert before in last_days
    assert date.fromisoformat(last_days[-1]) == date.fromisoformat(before).fromordinal(
        date.fromisoformat(before).toordinal() + 1)
