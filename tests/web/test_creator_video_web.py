"""The video page's edit suggestions (issue 17): suggestion with its evidence and keyframe, shot ticks on
the retention chart; keyframes served only to a signed-in user."""

from __future__ import annotations

import html
import json
import re

import duckdb


def _video_with_suggestion(paths) -> tuple[int, dict, list[float]]:
    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        row = con.execute("select video_id, shot_index, suggestion, exits_in_shot, viewers_at_shot_start "
                          "from fct_video_edit_suggestions order by video_id, shot_index limit 1").df()
        assert len(row), "the tiny warehouse plants dips at shots of its video files"
        video_id = int(row["video_id"][0])
        starts = [r[0] for r in con.execute("select start_seconds from fct_video_shots where video_id = ? "
                                            "and shot_index > 1 order by shot_index", [video_id]).fetchall()]
    return video_id, row.iloc[0].to_dict(), starts


def test_video_page_shows_suggestion_with_evidence_keyframe_and_shot_ticks(logged_in, tiny_warehouse):
    video_id, suggestion, starts = _video_with_suggestion(tiny_warehouse)
    page = logged_in.get(f"/videos/{video_id}").get_data(as_text=True)
    section = page[page.index('id="edit-suggestion-list"'):page.index("</ul>", page.index('id="edit-suggestion-list"'))]
    assert html.escape(suggestion["suggestion"]) in section
    assert f"{suggestion['exits_in_shot']:,} of {suggestion['viewers_at_shot_start']:,}" in section
    assert f'/videos/{video_id}/shots/{suggestion["shot_index"]}.jpg' in section
    assert 'id="video-shots"' in page and "(thumbnail)" in page
    spec = json.loads(html.unescape(re.search(r'id="chart-retention"\s+data-spec="([^"]+)"', page).group(1)))
    ticks = spec["layer"][-1]
    assert ticks["mark"]["type"] == "tick"
    assert [v["second"] for v in ticks["data"]["values"]] == starts


def test_keyframes_are_jpeg_with_clear_errors(logged_in, tiny_warehouse):
    video_id, suggestion, _ = _video_with_suggestion(tiny_warehouse)
    url = f"/videos/{video_id}/shots/{suggestion['shot_index']}.jpg"
    image = logged_in.get(url)
    assert image.status_code == 200 and image.mimetype == "image/jpeg" and image.data[:2] == b"\xff\xd8"
    assert logged_in.get(f"/videos/{video_id}/shots/999.jpg").status_code == 404
    assert logged_in.get(f"/videos/{video_id}/shots/x.jpg").status_code == 400


def test_keyframe_route_redirects_an_anonymous_visitor(app, tiny_warehouse):
    video_id, suggestion, _ = _video_with_suggestion(tiny_warehouse)
    response = app.test_client().get(f"/videos/{video_id}/shots/{suggestion['shot_index']}.jpg")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_video_without_a_file_says_so(logged_in, tiny_warehouse):
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        video_id = con.execute("select video_id from fct_video_retention where video_id not in "
                               "(select video_id from fct_video_shots) order by video_id limit 1").fetchone()[0]
    page = logged_in.get(f"/videos/{video_id}").get_data(as_text=True)
    assert 'id="edit-suggestions-none"' in page
