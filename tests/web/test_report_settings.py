"""One interval level site-wide and the attribution windows: pages print what rpt_report_settings (the dbt vars)
says, and the marts were computed at that level (issue 15)."""

from __future__ import annotations

import re

import duckdb
import pytest

from tests.conftest import TEST_PASSWORD, TEST_USER, project_dir
from tests.web.placement_plan import ADVERTISER, serving_copy_with_plan

# a campaign of the placement fixture's advertiser with a lift estimate on the tiny platform (its lift table states
# the interval level and windows; cmp_glow_autumn has no holdout converter there)
CAMPAIGN = "cmp_glow_retarget"


def _text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _rows(db, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_one_interval_level_var_feeds_every_mart(tiny_warehouse):
    """The vars experiment_alpha / campaign_lift_alpha are gone; the experiments' alpha and the lift's alpha are
    1 - interval_level, and the pages' settings row carries the level and the attribution windows."""
    project = (project_dir() / "dbt_project.yml").read_text()
    assert "experiment_alpha" not in project and "campaign_lift_alpha" not in project
    assert re.search(r"^  interval_level: 0\.95$", project, re.M)
    db = tiny_warehouse.serving_db
    assert _rows(db, "select * from rpt_report_settings") == [(0.95, 7, 1, 0.9, 5, 1.5)]
    assert _rows(db, "select distinct alpha from fct_experiment_results") == [(pytest.approx(0.05),)]
    assert _rows(db, "select distinct alpha from fct_campaign_lift") == [(pytest.approx(0.05),)]


def _client_on(db, tmp_path):
    from werkzeug.security import generate_password_hash

    from webreport import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SERVING_DB": str(db), "DOCS_HTML": str(tmp_path / "d.html"),
                      "USERS": {TEST_USER: generate_password_hash(TEST_PASSWORD)}, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    assert client.post("/login", data={"username": TEST_USER, "password": TEST_PASSWORD}).status_code == 302
    return client


@pytest.fixture
def other_settings(tiny_warehouse, tmp_path):
    """A serving copy whose settings say 80% intervals, 3-day click and 2-day view windows, a 75% placement rule,
    a 2.5x key-moment floor: every page must follow (a page with its own number would still say 95%, 7 days, 90%
    or 1.5x)."""
    db = serving_copy_with_plan(tiny_warehouse.serving_db, tmp_path)
    with duckdb.connect(str(db)) as con:
        con.execute("update rpt_report_settings set interval_level = 0.8, attribution_click_window_days = 3, "
                    "attribution_view_window_days = 2, placement_confidence = 0.75, creator_min_hazard_ratio = 2.5")
    return _client_on(db, tmp_path)


def test_campaign_pages_state_the_settings(other_settings):
    listing = _text(other_settings.get("/campaigns"))
    assert "last touch: a click within 3 days, else an impression within 2 days" in listing
    assert "(80% intervals)" in listing and "within 7 days" not in listing and "95% interval" not in listing
    detail = other_settings.get(f"/campaigns/{CAMPAIGN}").get_data(as_text=True)
    assert "a click within 3 days, else an impression within 2 days" in detail
    assert "3-day click, 2-day view" in detail and "7-day" not in detail
    assert "80% lower" in detail and "80% interval" in detail
    assert not re.search(r"(90|95)% (interval|lower|upper|CI|range)", detail)


def test_video_page_states_the_key_moment_floor(other_settings, tiny_warehouse):
    video_id = _rows(tiny_warehouse.serving_db, "select min(video_id) from fct_video_retention")[0][0]
    page = _text(other_settings.get(f"/videos/{video_id}"))
    assert "leave more than 2.5x as fast" in page and "1.5x" not in page


def test_placement_pages_state_the_level_and_their_own_decision_rule(other_settings):
    for url in ("/placement", f"/placement/{ADVERTISER}"):
        text = _text(other_settings.get(url))
        assert "at least 75% sure" in text, url
        assert "80% range" in text and not re.search(r"(90|95)% (interval|range|low|high)|90% sure", text), url
    assert "80% range 0.1 to 0.9" in _text(other_settings.get(f"/placement/{ADVERTISER}"))


def test_planning_defaults_to_the_sites_alpha(other_settings):
    data = other_settings.get("/experiments/planning?format=json").json
    assert data["inputs"]["alpha"] == pytest.approx(0.2)


def test_campaign_placement_summary_is_the_placement_plan(other_settings, tiny_warehouse, tmp_path):
    """The campaign page states the plan's totals as rpt_placement_plan has them (0.5, 0.1 to 0.9 in the fixture),
    not a sum of segment standard errors in quadrature, so it agrees with the placement page."""
    text = _text(other_settings.get(f"/campaigns/{CAMPAIGN}"))
    assert "expected gain 0.5 incremental conversions (80% interval 0.1 to 0.9)" in text
    data = other_settings.get(f"/api/campaigns/{CAMPAIGN}").json
    placement = other_settings.get(f"/api/placement/{ADVERTISER}").json
    assert data["placement"]["plan"] == placement["plans"]
