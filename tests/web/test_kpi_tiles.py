"""KPI tiles colour a change by whether it is good news, not by its sign."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("value", "previous", "higher_is_better", "expected"),
    [(12.0, 10.0, True, "better"), (12.0, 10.0, False, "worse"), (8.0, 10.0, False, "better"),
     (8.0, 10.0, True, "worse")],
)
def test_change_is_judged_by_the_metric_direction(app, value, previous, higher_is_better, expected):
    with app.test_request_context():
        kpi = app.jinja_env.get_template("_macros.html").module.kpi
        html = str(kpi("CPA", value, previous, "currency", higher_is_better=higher_is_better))
    assert f" {expected}" in html
    assert ("up" if value > previous else "down") in html


def test_no_previous_period_has_no_verdict(app):
    with app.test_request_context():
        kpi = app.jinja_env.get_template("_macros.html").module.kpi
        html = str(kpi("Views", 10, None, "int"))
    assert "better" not in html and "worse" not in html and "no previous period" in html
