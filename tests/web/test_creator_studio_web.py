"""The creator studio sections of the creator and video pages (issue 17): traffic sources, new vs
returning viewers, followers and hooks, checked against the marts."""

from __future__ import annotations

import re
import shutil

import duckdb
import pytest

from tests.conftest import TEST_PASSWORD, TEST_USER


def _one(paths, sql: str, params=None):
    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        return con.execute(sql, params or []).fetchone()


@pytest.fixture(scope="module")
def busiest(tiny_warehouse) -> tuple[int, int]:
    """The most viewed video with at least 3 seconds and its creator."""
    return _one(tiny_warehouse, "select video_id, creator_id from fct_video_retention where duration_seconds >= 3 "
                                "order by views desc, video_id limit 1")


@pytest.fixture(scope="module")
def hook_video(tiny_warehouse) -> tuple[int, int]:
    """The most viewed peer-eligible video (3 s or longer) of the category with the most such videos, and its
    creator: the tiny build's one category with at least min_peers (5) other videos to compare a hook with."""
    return _one(tiny_warehouse, """
        with eligible as (
            select video_id, creator_id, category, views, count(*) over (partition by category) as videos
            from fct_video_retention where is_peer_eligible and duration_seconds >= 3)
        select video_id, creator_id from eligible order by videos desc, views desc, video_id limit 1""")


def test_creator_page_shows_audience_traffic_and_hooks(logged_in, tiny_warehouse, busiest):
    _, creator_id = busiest
    page = logged_in.get(f"/creators/{creator_id}").get_data(as_text=True)
    for anchor in ('id="audience"', 'id="chart-audience"', 'id="chart-followers"', 'id="traffic-table"',
                   'id="chart-traffic-daily"', 'id="hooks-table"'):
        assert anchor in page, anchor
    views = dict(re.findall(r'<tr data-source="(\w+)"><td>[^<]+</td><td class="num">([\d,]+)</td>', page))
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        expected = dict(con.execute("select traffic_source, sum(views) from fct_creator_traffic_daily "
                                    "where creator_id = ? group by 1", [creator_id]).fetchall())
    assert {k: int(v.replace(",", "")) for k, v in views.items()} == {k: int(v) for k, v in expected.items()}


def test_creator_api_adds_up(logged_in, tiny_warehouse, busiest):
    _, creator_id = busiest
    body = logged_in.get(f"/api/creators/{creator_id}").json
    audience, traffic = body["audience"], body["traffic_sources"]
    assert audience and traffic and body["hooks"]
    assert sum(t["views"] for t in traffic) == sum(a["views"] for a in audience)
    assert sum(t["view_share"] for t in traffic) == pytest.approx(1)
    new_viewers = sum(a["new_viewers"] for a in audience)
    distinct = _one(tiny_warehouse, "select count(distinct user_id) from fct_watch_events where creator_id = ?",
                    [creator_id])[0]
    assert new_viewers == distinct  # the whole range: each viewer is new exactly once
    assert audience[-1]["followers_to_date"] == sum(a["new_followers"] for a in audience)


def test_video_page_compares_the_hook_with_the_best_of_the_category(logged_in, tiny_warehouse, hook_video, busiest):
    video_id, _ = hook_video
    body = logged_in.get(f"/api/videos/{video_id}").json
    hook = body["hook"]
    assert [s["second_index"] for s in hook["seconds"]] == [0, 1, 2, 3]
    own = _one(tiny_warehouse, "select retention from fct_video_retention_curve where video_id = ? and second_index = 3",
               [video_id])[0]
    assert hook["retention"] == pytest.approx(own)
    category_best, n_best = _one(tiny_warehouse, """
        with hooks as (
            select c.retention, row_number() over (order by c.retention desc, c.video_id) as place,
                   count(*) over () as n
            from fct_video_retention as r join fct_video_retention_curve as c
              on c.video_id = r.video_id and c.second_index = 3
            where r.is_peer_eligible and r.category = (select category from fct_video_retention where video_id = ?))
        select avg(retention), count(*) from hooks where place <= greatest(1, ceil(0.1 * n))""", [video_id])
    assert hook["category_best"] == pytest.approx(category_best) and hook["best_videos"] == n_best
    assert hook["category_best"] >= hook["category_median"]
    page = logged_in.get(f"/videos/{video_id}").get_data(as_text=True)
    assert 'id="hook-table"' in page and 'id="traffic-table"' in page and 'id="chart-retention"' in page
    assert sum(t["views"] for t in body["traffic_sources"]) == sum(d["views"] for d in body["daily"])
    # the most viewed video of all is alone in its category in the tiny build: no comparison, and it says so
    lonely = logged_in.get(f"/api/videos/{busiest[0]}").json["hook"]
    assert lonely["too_few_peers"] and lonely["peer_videos"] < lonely["min_peers"] == 5
    assert 'id="hook-too-few-peers"' in logged_in.get(f"/videos/{busiest[0]}").get_data(as_text=True)


def test_studio_sections_say_so_when_there_is_nothing(logged_in, tiny_warehouse):
    creator = _one(tiny_warehouse, "select creator_id from dim_creators where creator_id not in "
                                   "(select creator_id from fct_creator_audience_daily) limit 1")
    if creator is not None:
        text = logged_in.get(f"/creators/{creator[0]}").get_data(as_text=True)
        assert 'id="audience-none"' in text and 'id="traffic-none"' in text and 'id="hooks-none"' in text
    unviewed = _one(tiny_warehouse, "select video_id from dim_videos where video_id not in "
                                    "(select video_id from fct_video_retention) limit 1")[0]
    text = logged_in.get(f"/videos/{unviewed}").get_data(as_text=True)
    assert 'id="hook-none"' in text and 'id="traffic-none"' in text and 'id="retention-none"' in text


def _client_with_min_peers(tiny_warehouse, folder, min_peers: int):
    """A client over a copy of the snapshot whose settings say a comparison needs `min_peers` peer videos."""
    from werkzeug.security import generate_password_hash

    from webreport import create_app

    db = folder / f"serving-min-peers-{min_peers}.duckdb"
    shutil.copy(tiny_warehouse.serving_db, db)
    with duckdb.connect(str(db)) as con:
        con.execute("update rpt_report_settings set creator_min_peers = ?", [min_peers])
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SERVING_DB": str(db), "DOCS_HTML": str(folder / "d.html"),
                      "USERS": {TEST_USER: generate_password_hash(TEST_PASSWORD)}, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    assert client.post("/login", data={"username": TEST_USER, "password": TEST_PASSWORD}).status_code == 302
    return client


def test_hook_says_too_few_peers_below_the_minimum_and_compares_from_it(tiny_warehouse, hook_video, tmp_path):
    """Issue 17: the hook compares a video with its category only when at least min_peers other peer-eligible
    videos stand behind the median and the best tenth (var creator_retention.min_peers via rpt_report_settings);
    below it the section says "too few peers" and shows no category number. Checked on both sides of the
    boundary, on the video and on the creator page."""
    video_id, creator_id = hook_video
    eligible, others = _one(tiny_warehouse, """
        select count(*) filter (where r.video_id = ?), count(*) filter (where r.video_id != ?)
        from fct_video_retention as r
        where r.is_peer_eligible and r.category = (select category from fct_video_retention where video_id = ?)
          and r.duration_seconds >= 3""", [video_id, video_id, video_id])
    assert eligible == 1 and others >= 1
    for min_peers, enough in ((others, True), (others + 1, False)):
        client = _client_with_min_peers(tiny_warehouse, tmp_path, min_peers)
        hook = client.get(f"/api/videos/{video_id}").json["hook"]
        assert hook["peer_videos"] == others and hook["too_few_peers"] is not enough
        page = client.get(f"/videos/{video_id}").get_data(as_text=True)
        numbers = (hook["category_median"], hook["category_best"])
        if enough:
            assert None not in numbers and 'id="hook-table"' in page and 'id="hook-too-few-peers"' not in page
        else:
            assert numbers == (None, None) and hook["hook_rank"] is None
            assert all(s["category_median"] is None and s["category_best"] is None for s in hook["seconds"])
            assert 'id="hook-too-few-peers"' in page and 'id="hook-table"' not in page
            assert f"{others} other video" in page and f"at least {min_peers}" in page
        hooks = {h["video_id"]: h for h in client.get(f"/api/creators/{creator_id}").json["hooks"]}
        assert (hooks[video_id]["best_hook_retention"] is not None) is enough
