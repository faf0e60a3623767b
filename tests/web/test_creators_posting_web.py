"""Best time to post (issue 17) in the creator page's "What works in <category>" section and the API."""

from __future__ import annotations

import re

import duckdb
import pytest


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
    # window label, estimate with its interval (or the category mean where no window stands out)
    assert f"{hours[0]:02d}:00-" in table and ("%, " in table or "% (category mean)" in table)


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
    assert "Best time to post for your audience" in page
    # one table per audience under a heading with its share; the window is each row's first cell
    headings = re.findall(r'<h4 class="audience" data-audience="([^"]+)">Your viewers in \1\s+\(([\d.]+)% of', page)
    assert [a for a, _ in headings] == list(dict.fromkeys(r["audience"] for r in rows))
    for audience, share in headings:
        own = [r for r in rows if r["audience"] == audience]
        assert float(share) == pytest.approx(100 * own[0]["view_share"], abs=0.05)
        table = page[page.index(f'id="audience-posting-times-{audience}"'):]
        table = table[:table.index("</table>")]
        assert table.count("<tr") == len(own) + 1 and table.count(">x") >= len(own)  # odds with its interval
        first_cells = re.findall(r"<tr data-row-key[^>]*>\s*<td[^>]*>([^<]*)</td>", table)
        assert first_cells == [f"{r['bucket_start_hour']:02d}:00-{r['bucket_end_hour']:02d}:00" for r in own]
        assert audience not in re.sub(r"<[^>]+>", "", table.split("<tbody>")[1])  # not repeated on each row


def test_windows_shrunk_to_the_mean_show_no_zero_width_interval(logged_in, tiny_warehouse):
    """Tiny data: every window is shrunk to its category's mean (prior sd 0), so the page says no window stands
    out and prints the mean without an interval, instead of "26.8% [26.8%, 26.8%]"."""
    creator_id, _ = _creator_with_windows(tiny_warehouse)
    rows = logged_in.get(f"/api/creators/{creator_id}").json["posting_times"]
    flat = all(r["watch_through_upper"] - r["watch_through_lower"] <= 1e-12 for r in rows)
    page = logged_in.get(f"/creators/{creator_id}").get_data(as_text=True)
    table = page[page.index('id="posting-times"'):]
    table = table[:table.index("</table>")]
    cells = re.findall(r"\d+\.\d%(?: \[[^\]]*\]| \(category mean\))", table)
    assert len(cells) == len(rows)
    assert ('id="posting-flat"' in page) == flat
    for row, cell in zip(rows, cells, strict=True):
        zero_width = row["watch_through_upper"] - row["watch_through_lower"] <= 1e-12
        assert cell.endswith("(category mean)") == zero_width, cell
        if not zero_width:
            low, high = (float(b.rstrip("%")) for b in cell.split(" [")[1].rstrip("]").split(", "))
            assert low < high, cell


def test_posting_interval_text():
    from webreport.blueprints.creators import _percent_interval

    assert _percent_interval({"watch_through": 0.268, "watch_through_lower": 0.268,
                              "watch_through_upper": 0.268}) == "26.8% (category mean)"
    assert _percent_interval({"watch_through": 0.31, "watch_through_lower": 0.25,
                              "watch_through_upper": 0.37}) == "31.0% [25.0%, 37.0%]"
