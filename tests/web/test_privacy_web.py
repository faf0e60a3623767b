"""Issue 16 on the report site: CSV formula injection, throttled and constant-cost logins, server-side
sessions that logout and their lifetime end, no-store and Secure cookies, out-of-range dates, strict JSON,
roles for user-level pages, the audit log, and no quasi-identifiers in the analysts' rejects sample."""

from __future__ import annotations

import csv
import io
import json
import re
import time

import pytest
from werkzeug.security import generate_password_hash

from tests.conftest import PRIVILEGED_PASSWORD, PRIVILEGED_USER, TEST_PASSWORD, TEST_USER
from webreport import audit, auth
from webreport.tables import Column, Table, csv_response

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"click\")", "=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(A1)",
            "\t=1+1", "\r=1+1"]


def _strict_json(text: str):
    """json.loads that refuses NaN / Infinity, as browsers' JSON.parse and most clients do."""
    def refuse(name):
        raise ValueError(f"bare {name} is not JSON")
    return json.loads(text, parse_constant=refuse)


def _login(client, user=TEST_USER, password=TEST_PASSWORD):
    return client.post("/login", data={"username": user, "password": password})


# --- CSV ----------------------------------------------------------------------------------------------------


def test_csv_cells_that_spreadsheets_run_as_formulas_are_neutralised(app):
    rows = [{"text": value, "n": -5, "x": -1.5} for value in FORMULAS] + [{"text": "plain - text", "n": 1, "x": 2.0}]
    table = Table(columns=[Column("text", "Text"), Column("n", "N", "int"), Column("x", "X", "number")], rows=rows)
    with app.test_request_context("/"):
        body = csv_response(table, "x.csv").get_data(as_text=True)
    parsed = list(csv.DictReader(io.StringIO(body, newline="")))
    assert len(parsed) == len(rows)  # a carriage return does not split a row
    for row, value in zip(parsed, FORMULAS, strict=False):
        assert row["text"] == "'" + value.replace("\r", "\n")
        assert row["n"] == "-5" and row["x"] == "-1.5"  # numbers stay numbers
    assert parsed[-1]["text"] == "plain - text"
    assert not any(re.match(r"^[=+\-@\t\r]", row["text"]) for row in parsed[:-1])


def test_a_route_csv_carries_no_formula(logged_in, monkeypatch):
    """A creator whose handle is a formula (creators choose their handles) reaches the CSV neutralised."""
    from webreport.queries import ranked

    real = ranked.top

    def hostile(*args, **kwargs):
        rows = real(*args, **kwargs)
        for row, value in zip(rows, FORMULAS, strict=False):
            row["handle"] = value
        return rows

    monkeypatch.setattr(ranked, "top", hostile)
    body = logged_in.get("/creators?format=csv").get_data(as_text=True)
    handles = [row["handle"] for row in csv.DictReader(io.StringIO(body, newline=""))]
    assert handles[:len(FORMULAS)] == ["'" + value.replace("\r", "\n") for value in FORMULAS]


# --- login: throttling, constant cost ---------------------------------------------------------------------------


def test_failed_logins_are_throttled_with_backoff_and_429(app, monkeypatch):
    client = app.test_client()
    allowed = app.config["LOGIN_FAILURES_ALLOWED"]
    for _ in range(allowed):
        assert _login(client, password="wrong").status_code == 401
    response = _login(client, password="wrong")  # the first failure over the limit locks for 1 s
    assert response.status_code == 429 and response.headers["Retry-After"] == "1"
    # while locked even the right password is refused without being checked
    checked = []
    monkeypatch.setattr(auth, "check_password_hash", lambda *a: checked.append(a) or True)
    locked = _login(client)
    assert locked.status_code == 429 and checked == [] and "Too many failed sign-ins" in locked.get_data(as_text=True)
    monkeypatch.undo()
    time.sleep(1.1)
    second = _login(client, password="wrong")
    assert second.status_code == 429 and second.headers["Retry-After"] == "2"  # doubled
    time.sleep(2.1)
    assert _login(client).status_code == 302  # the right password after the lock: signed in, count cleared
    assert _login(app.test_client(), password="wrong").status_code == 401


def test_throttling_also_counts_per_address_across_user_names(app):
    client = app.test_client()
    limit = app.config["LOGIN_FAILURES_ALLOWED"] * 4
    statuses = [_login(client, user=f"guess{i}", password="x").status_code for i in range(limit + 1)]
    assert statuses[:limit] == [401] * limit and statuses[limit] == 429


def test_unknown_user_costs_the_same_password_check(app, monkeypatch):
    """No timing oracle: an unknown user name runs the same hash check as a known one."""
    calls = []
    real = auth.check_password_hash
    monkeypatch.setattr(auth, "check_password_hash", lambda stored, pw: calls.append(stored) or real(stored, pw))
    client = app.test_client()
    assert _login(client, user="nobody-here", password="whatever").status_code == 401
    assert _login(client, user=TEST_USER, password="whatever").status_code == 401
    assert len(calls) == 2
    method = [stored.split("$", 1)[0] for stored in calls]
    assert method[0] == method[1]  # same algorithm and cost parameters
    # and the same order of time (a loose bound: the check dominates; a skipped check is ~100x faster)
    timings = {}
    for user in ("nobody-here", TEST_USER):
        started = time.perf_counter()
        _login(app.test_client(), user=user, password="whatever")
        timings[user] = time.perf_counter() - started
    assert timings["nobody-here"] > timings[TEST_USER] / 5


# --- sessions ---------------------------------------------------------------------------------------------------


def test_logout_ends_the_session_for_a_copied_cookie(app):
    victim = app.test_client()
    assert _login(victim).status_code == 302
    cookie = victim.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/api/overview").status_code == 200
    assert victim.post("/logout").status_code == 302
    assert thief.get("/api/overview").status_code == 401
    assert thief.get("/").status_code == 302


def test_sessions_end_after_their_lifetime(app, monkeypatch):
    client = app.test_client()
    assert _login(client).status_code == 302
    assert client.get("/api/overview").status_code == 200
    cookie = client.get_cookie("session")
    assert cookie.expires is not None  # the browser drops it too, 12 h after sign-in
    lifetime = app.config["SESSION_LIFETIME_HOURS"] * 3600
    assert lifetime == 12 * 3600
    store = app.extensions["reelmart_sessions"]
    later = time.time() + lifetime + 1
    monkeypatch.setattr(store, "clock", lambda: later)
    assert client.get("/api/overview").status_code == 401


def test_session_lifetime_is_configurable(tiny_warehouse):
    from webreport import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "k", "SERVING_DB": str(tiny_warehouse.serving_db),
                      "USERS": {TEST_USER: generate_password_hash(TEST_PASSWORD)}, "SESSION_LIFETIME_HOURS": 2})
    assert app.permanent_session_lifetime.total_seconds() == 7200
    with pytest.raises(ValueError, match="SESSION_LIFETIME_HOURS"):
        create_app({"TESTING": True, "SECRET_KEY": "k", "SESSION_LIFETIME_HOURS": 0})


def test_the_cookie_holds_no_user_name_and_a_forged_session_is_refused(app):
    client = app.test_client()
    with client.session_transaction() as session:  # signed with the app's key, as a thief with the key could
        session["user"] = TEST_USER
        session["sid"] = "made-up"
    assert client.get("/api/overview").status_code == 401


def test_secure_cookie_setting_for_tls(tiny_warehouse):
    from webreport import create_app

    def cookie_header(secure: bool) -> str:
        app = create_app({"TESTING": True, "SECRET_KEY": "k", "SERVING_DB": str(tiny_warehouse.serving_db),
                          "USERS": {TEST_USER: generate_password_hash(TEST_PASSWORD)},
                          "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": secure})
        response = _login(app.test_client())
        return response.headers["Set-Cookie"]

    assert "Secure" in cookie_header(True) and "HttpOnly" in cookie_header(True)
    assert "Secure" not in cookie_header(False)


# --- caching, dates, JSON --------------------------------------------------------------------------------------


def test_data_responses_are_no_store_and_assets_cacheable(logged_in):
    for url in ("/", "/api/overview", "/videos?format=csv", "/quality", "/api/", "/login"):
        response = logged_in.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
    page = logged_in.get("/").get_data(as_text=True)
    vega = re.search(r'src="(/assets/vega-[0-9a-f]+\.js)"', page).group(1)
    asset = logged_in.get(vega)
    assert "no-store" not in asset.headers["Cache-Control"] and "max-age" in asset.headers["Cache-Control"]


def _get_routes(app, sample: dict[str, str]) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "site.vega_js", "audiences.download"):
            continue
        if any(arg not in sample for arg in rule.arguments):
            continue
        urls.append(rule.rule.replace("<", "{").replace(">", "}").format(**sample)
                    if rule.arguments else rule.rule)
    return urls


@pytest.fixture
def route_samples(tiny_warehouse):
    import duckdb

    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        def one(sql):
            return str(con.execute(sql).fetchall()[0][0])
        return {
            "video_id": one("select min(video_id) from dim_videos"),
            "creator_id": one("select min(creator_id) from dim_creators"),
            "experiment_id": one("select min(experiment_id) from dim_experiments"),
            "campaign_id": one("select min(campaign_id) from fct_campaign_daily"),
            "name": "beauty_fans",
            "user_id": one("select min(user_id) from fct_recommendations"),
            "run_id": "20260101T000000000000Z-00000000",
        }


@pytest.mark.parametrize("start,end", [("0001-01-01", "0001-01-14"), ("9999-12-18", "9999-12-31"),
                                       ("0001-01-01", ""), ("", "0001-01-01"), ("9999-12-31", "")])
def test_out_of_range_dates_are_400_on_every_route(app, privileged, route_samples, start, end):
    urls = _get_routes(app, route_samples)
    assert len(urls) >= 45
    statuses = {}
    for url in urls:
        query = "&".join(f"{k}={v}" for k, v in (("start", start), ("end", end)) if v)
        response = privileged.get(f"{url}?{query}")
        statuses[url] = response.status_code
        assert response.status_code != 500, url
        if response.status_code == 400 and privileged.get(url).status_code == 200:  # the dates' fault
            message = response.get_data(as_text=True)
            assert "must be a date from 1970-01-01 to 2999-12-31" in message, url
    # every page with a date picker says 400 (20 of them gave 500 before)
    assert sum(status == 400 for status in statuses.values()) >= 20, statuses


def test_json_is_strict_everywhere(app, privileged, route_samples):
    """No bare NaN / Infinity on any JSON route (the planning page's JSON had NaN)."""
    urls = [u for u in _get_routes(app, route_samples) if u.startswith("/api/")]
    urls += ["/experiments/planning?format=json", "/experiments/planning?format=json&baseline=0&mde=0"]
    checked = []
    for url in urls:
        response = privileged.get(url)
        if response.mimetype == "application/json":
            _strict_json(response.get_data(as_text=True))
            checked.append(url)
    assert len(checked) >= 20 and "/experiments/planning?format=json" in checked


def test_nan_and_infinity_become_null(app):
    with app.app_context():
        text = app.json.dumps({"a": float("nan"), "b": [1.0, float("inf")], "c": {"d": -float("inf")}, "e": 1.5})
    assert _strict_json(text) == {"a": None, "b": [1.0, None], "c": {"d": None}, "e": 1.5}


# --- roles, audit ------------------------------------------------------------------------------------------------


def test_user_level_pages_need_the_privileged_role_and_are_audited(app, logged_in, privileged, route_samples):
    user_id = route_samples["user_id"]
    for url in (f"/recommendations/users/{user_id}", f"/api/recommendations/users/{user_id}"):
        response = logged_in.get(url)
        assert response.status_code == 403 and "privileged role" in response.get_data(as_text=True)
        assert privileged.get(url).status_code == 200
    records = audit.read(app.config["AUDIT_LOG"])
    assert [(r["user"], r["role"], r["outcome"], r["target"]) for r in records] == [
        (TEST_USER, "analyst", "denied", f"/recommendations/users/{user_id}"),
        (PRIVILEGED_USER, "privileged", "allowed", f"/recommendations/users/{user_id}"),
        (TEST_USER, "analyst", "denied", f"/api/recommendations/users/{user_id}"),
        (PRIVILEGED_USER, "privileged", "allowed", f"/api/recommendations/users/{user_id}"),
    ]
    assert all(r["action"] == "recommendations.user_preview" and r["ts"] for r in records)


def test_analysts_cannot_export_audiences(app, logged_in):
    response = logged_in.post("/audiences/beauty_fans/export", data={"destination": "csv"})
    assert response.status_code == 403
    page = logged_in.get("/audiences/beauty_fans").get_data(as_text=True)
    assert 'id="export-form"' not in page and "privileged role" in page
    assert audit.read(app.config["AUDIT_LOG"])[-1]["outcome"] == "denied"


def test_analysts_see_no_quasi_identifiers_in_the_rejects_sample(logged_in, privileged):
    quasi = {"user_id", "zip", "birth_year", "gender", "region", "country_code"}
    sample = logged_in.get("/api/quality?limit=1000").json["sample"]
    assert sample, "the tiny platform has rejected rows"
    for row in sample:
        assert "reject_id" not in row
        assert not quasi & set(json.loads(row["record_json"]))
    page = logged_in.get("/quality?limit=1000").get_data(as_text=True)
    assert "birth_year" not in page and "&#34;zip&#34;" not in page and '"zip"' not in page
    full = privileged.get("/api/quality?limit=1000").json["sample"]
    assert any(quasi & set(json.loads(row["record_json"])) for row in full)  # the privileged role sees them


def test_roles_from_the_users_file(tiny_warehouse, tmp_path):
    from webreport import create_app

    users = tmp_path / "users.json"
    users.write_text(json.dumps({
        "old": generate_password_hash("old-format-pw"),  # a bare hash, as written before roles: an analyst
        "boss": {"password_hash": generate_password_hash(PRIVILEGED_PASSWORD), "role": "privileged"},
    }))
    app = create_app({"TESTING": True, "SECRET_KEY": "k", "SERVING_DB": str(tiny_warehouse.serving_db),
                      "USERS_FILE": str(users), "WTF_CSRF_ENABLED": False})
    old, boss = app.test_client(), app.test_client()
    assert _login(old, "old", "old-format-pw").status_code == 302
    assert _login(boss, "boss", PRIVILEGED_PASSWORD).status_code == 302
    uid = 1
    assert old.get(f"/api/recommendations/users/{uid}").status_code == 403
    assert boss.get(f"/api/recommendations/users/{uid}").status_code in (200, 404)
