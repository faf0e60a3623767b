"""Best time to post (issue 17) in the creator page's "What works in <category>" section and the API."""

from __future__ import annotations

import duckdb


def _creator_with_windows(paths) -> tuple[int, list[int]]:
    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        creator_id, category = con.execute(
            "select creator_id, primary_category from dim_creators where primary_category in "
            "(select category from rpt_category_posting_times) order by creator_id limit 1").fetchone()
        hours = [r[0] for r in con.execute("select bucket_start_hour from rpt_category_posting_times "
                                           "where category = ? order by bucket_start_hour", [category]).fetchall()]
    return creator_id, hours


def test_creator_page_shows_best_time_to_post(logged_in, tiny_warehouse):
    creator_id, hours = _creator_with_windows(tiny_warehouse)
    page = logged_in.get(f"/creators/{creator_id}").get_data(as_text=True)
    section = page[page.index('id="category-text"'):page.index("</section>", page.index('id="category-text"'))]
    assert "Best time to post" in section
    table = section[section.index('id="posting-times"'):]
    rows = [table.index(f'data-row-key="{h}"') for h in hours]
    assert rows == sorted(rows)
    assert f"{hours[0]:02d}:00-" in table and "%, " in table  # window label, estimate with its interval


def test_creator_api_returns_posting_times(logged_in, tiny_warehouse):
    creator_id, hours = _creator_with_windows(tiny_warehouse)
    rows = logged_in.get(f"/api/creators/{creator_id}").json["posting_times"]
    assert [r["bucket_start_hour"] for r in rows] == hours
    for r in rows:
        assert r["watch_through_lower"] <= r["watch_through"] <= r["watch_through_upper"]
        assert not r["is_best_time"] or r["watch_through_lower"] > r["category_watch_through"]


def _creator_with_audience_windows(paths) -> tuple[int, set[str]]:
    """A creator whose category has audience windows, and the audiences with 10%+ of their views that have rows."""
    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        creator_id, category = con.execute(
            "select creator_id, primary_category from dim_creators where primary_category in "
            "(select category from rpt_category_audience_posting_times) order by creator_id limit 1").fetchone()
        shares = con.execute(
            "select coalesce(u.country_code, 'unknown'), count(*) / sum(count(*)) over () from fct_watch_events e "
            "left join dim_users u on e.user_id = u.user_id where e.creator_id = ? group by 1", [creator_id]).fetchall()
        with_rows = {r[0] for r in con.execute("select distinct audience from rpt_category_audience_posting_times "
                                               "where category = ?", [category]).fetchall()}
    return creator_id, {a for a, share in shares if share >= 0.10} & with_rows


def test_creator_page_and_api_show_the_windows_of_the_creators_audience(logged_in, tiny_warehouse):
    creator_id, audiences = _creator_with_audience_windows(tiny_warehouse)
    assert audiences
    rows = logged_in.get(f"/api/creators/{creator_id}").json["audience_posting_times"]
    assert {r["audience"] for r in rows} == audiences
    shares = [r["view_share"] for r in rows]
    assert shares == sorted(shares, reverse=True) and min(shares) >= 0.10
    for r in rows:
        assert r["lift_lower"] <= r["lift"] <= r["lift_upper"] and 0 <= r["q_value"] <= 1
    page = logged_in.get(f"/creators/{creator_id}").get_data(as_text=True)
    table = page[page.index('id="audience-posting-times"'):]
    table = table[:table.index("</table>")]
    assert "Best time to post for your audience" in page
    assert table.count("<tr") == len(rows) + 1 and f"{rows[0]['bucket_start_hour']:02d}:00-" in table
    assert " [" in table and table.count(">x") >= len(rows)  # odds ratio with its interval
