"""The site's guard rails: login, CSRF, headers, errors without stack traces."""

from __future__ import annotations

import re

from tests.conftest import TEST_PASSWORD, TEST_USER


def test_health_is_public(client):
    response = client.get("/health")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_pages_need_login(client):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/api/overview").status_code == 401


def test_wrong_password_is_refused(client):
    response = client.post("/login", data={"username": TEST_USER, "password": "nope"})
    assert response.status_code == 401
    assert b"wrong password" in response.data


def test_login_redirect_stays_on_site(client):
    response = client.post("/login", data={"username": TEST_USER, "password": TEST_PASSWORD,
                                           "next": "https://evil.example/steal"})
    assert response.headers["Location"] == "/"


def test_quality_page_shows_marts_and_rejects(logged_in, tiny_warehouse):
    page = logged_in.get("/quality").get_data(as_text=True)
    assert "fct_watch_events" in page and "dim_users" in page
    assert "watch_events" in page and "duplicate:" in page
    data = logged_in.get("/api/quality").json
    marts = {m["mart"]: m["row_count"] for m in data["marts"]}
    assert marts["fct_watch_events"] > 1000
    assert all(source["is_reconciled"] for source in data["sources"])


def test_security_headers(logged_in):
    headers = logged_in.get("/").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_flags(client):
    response = client.post("/login", data={"username": TEST_USER, "password": TEST_PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_csrf_required_on_forms(app):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    assert client.post("/login", data={"username": TEST_USER, "password": TEST_PASSWORD}).status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"username": TEST_USER, "password": TEST_PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_unknown_page_is_a_clean_404(logged_in):
    response = logged_in.get("/no/such/page")
    assert response.status_code == 404
    assert b"Traceback" not in response.data
    assert logged_in.get("/api/no-such").json["error"] == "Not Found"


def test_missing_snapshot_is_a_503_with_a_message(app, logged_in, tmp_path):
    app.config["SERVING_DB"] = str(tmp_path / "missing.duckdb")
    response = logged_in.get("/")
    assert response.status_code == 503 and b"reelmart build" in response.data
