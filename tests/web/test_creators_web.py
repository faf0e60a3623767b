"""The creator-studio part of a video page: retention facts, the curve with its peer band, key moments."""

from __future__ import annotations

import html
import json
import re

import duckdb


def _video_with_moments(paths) -> tuple[int, list[tuple[int, str]]]:
    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        video_id = con.execute("select video_id from fct_video_key_moments group by video_id "
                               "order by count(*) desc, video_id limit 1").fetchone()[0]
        moments = con.execute("select second_index, moment_type from fct_video_key_moments where video_id = ? "
                              "order by second_index", [video_id]).fetchall()
    return video_id, moments


def test_video_page_shows_retention_curve_and_key_moments(logged_in, tiny_warehouse):
    video_id, moments = _video_with_moments(tiny_warehouse)
    assert moments, "the tiny warehouse has planted dips: some video must have a key moment"
    page = logged_in.get(f"/videos/{video_id}").get_data(as_text=True)
    assert 'id="retention-facts"' in page and "3-second hold" in page
    table = page[page.index('id="key-moments"'):page.index("</table>", page.index('id="key-moments"'))]
    rows = re.findall(r"<tr><td>(\d+)</td><td>(dip|hold)</td>", table)
    assert [(int(s), kind) for s, kind in rows] == moments
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        floor = con.execute("select creator_min_hazard_ratio from rpt_report_settings").fetchone()[0]
    assert f"leave more than {floor:.3g}x as fast" in page  # the effect floor the detector used (the var)
    spec = json.loads(html.unescape(re.search(r'id="chart-retention"\s+data-spec="([^"]+)"', page).group(1)))
    band, curve, rules = spec["layer"][:3]  # a video with a file adds shot ticks after these
    assert band["encoding"]["y"]["field"] == "peer_retention_p25" and curve["encoding"]["y"]["field"] == "retention"
    assert [(m["second_index"], m["moment_type"]) for m in rules["data"]["values"]] == moments


def test_video_api_returns_the_curve(logged_in, tiny_warehouse):
    video_id, moments = _video_with_moments(tiny_warehouse)
    body = logged_in.get(f"/api/videos/{video_id}").json
    curve = body["retention_curve"]
    assert [row["second_index"] for row in curve] == list(range(body["retention"]["duration_seconds"] + 1))
    assert curve[0]["views_at_risk"] == body["retention"]["views"]
    assert [(m["second_index"], m["moment_type"]) for m in body["key_moments"]] == moments


def test_video_without_views_says_so(logged_in, tiny_warehouse):
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        row = con.execute("select video_id from dim_videos where video_id not in "
                          "(select video_id from fct_video_retention) limit 1").fetchone()
    assert row is not None, "the tiny export has unviewed videos"
    page = logged_in.get(f"/videos/{row[0]}").get_data(as_text=True)
    assert 'id="retention-none"' in page
