"""Sentiment report pages on the tiny warehouse: auth, bad input, page == API == CSV == warehouse, and
comment text (Chinese, emoji, HTML) rendered escaped."""

from __future__ import annotations

import csv
import io
import json
import shutil

import duckdb
import pytest

from tests.conftest import TEST_PASSWORD, TEST_USER
from tests.web.html_tables import read_table

PAGES = ["/sentiment", "/sentiment/categories", "/sentiment/creators", "/sentiment/campaigns", "/sentiment/videos",
         "/sentiment/comments", "/sentiment/model"]
APIS = ["/api/sentiment/trend", "/api/sentiment/categories", "/api/sentiment/creators", "/api/sentiment/campaigns",
        "/api/sentiment/videos", "/api/sentiment/comments", "/api/sentiment/model"]


def _warehouse(tiny_warehouse, sql: str, params=()) -> list[tuple]:
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def _csv(response) -> list[dict]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_pages_need_login(client):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    for url in APIS:
        assert client.get(url).status_code == 401, url


def test_every_page_and_api_answers(logged_in):
    for url in PAGES:
        response = logged_in.get(url)
        assert response.status_code == 200, url
        assert 'href="/sentiment/sentiment.css"' in response.get_data(as_text=True)
    for url in APIS:
        assert logged_in.get(url).status_code == 200, url
    assert 'href="/sentiment' in logged_in.get("/").get_data(as_text=True)  # in the navigation


@pytest.mark.parametrize("url,status", [
    ("/sentiment?start=2026-13-01", 400),
    ("/sentiment?start=2026-10-10&end=2026-10-01", 400),
    ("/sentiment?on=comment", 400),
    ("/sentiment/creators?sort=handle", 400),
    ("/sentiment/creators?min_comments=0", 400),
    ("/sentiment/creators?category=food;drop", 400),
    ("/sentiment/videos?limit=9999", 400),
    ("/sentiment/videos?format=csv&table=users", 400),
    ("/sentiment/comments?label=angry", 400),
    ("/sentiment/comments?video=abc", 400),
    ("/sentiment/comments?video=1999999999", 404),
    ("/api/sentiment/comments?video=1999999999", 404),
    ("/sentiment/model?version=v1-<script>", 400),
    ("/sentiment/model?version=v1-0000000000", 404),
    ("/api/sentiment/model?version=v1-0000000000", 404),
    ("/sentiment?format=xlsx", 400),
])
def test_bad_input_is_a_clear_error(logged_in, url, status):
    response = logged_in.get(url)
    assert response.status_code == status
    if url.startswith("/api/"):
        assert response.json["message"]


def test_trend_matches_the_scored_comments(logged_in, tiny_warehouse):
    data = logged_in.get("/api/sentiment/trend").json
    comments, positive, negative, score = _warehouse(tiny_warehouse, """
        select count(*), count(*) filter (where sentiment_label = 'positive'),
               count(*) filter (where sentiment_label = 'negative'), sum(cast(sentiment_score as decimal(18, 6)))
        from fct_comment_sentiment where comment_date between ? and ?""", (data["start"], data["end"]))[0]
    current = data["current"]
    assert (current["comments"], current["positive_comments"], current["negative_comments"]) == (
        comments, positive, negative)
    assert current["positive_share"] == pytest.approx(positive / comments)
    assert current["negative_share"] == pytest.approx(negative / comments)
    assert current["mean_sentiment"] == pytest.approx(float(score) / comments)
    assert data["totals"]["comments"] == comments
    assert data["totals"]["positive_share"] == pytest.approx(positive / comments)  # from summed parts
    ads = logged_in.get("/api/sentiment/trend?on=ad").json["current"]["comments"]
    videos = logged_in.get("/api/sentiment/trend?on=video").json["current"]["comments"]
    assert ads + videos == comments and videos > 0


def test_trend_page_table_and_csv_agree(logged_in):
    page = logged_in.get("/sentiment").get_data(as_text=True)
    keys, rows = read_table(page, "sentiment-daily")
    api_rows = logged_in.get("/api/sentiment/trend").json["rows"]
    assert [r["key"] for r in rows] == [r["date_day"] for r in api_rows]
    csv_rows = _csv(logged_in.get("/sentiment?format=csv"))
    assert [int(r["comments"]) for r in csv_rows] == [r["comments"] for r in api_rows]
    assert "Positive share = positive_comments / comments" in page  # metric tooltip from the warehouse


def test_categories_and_creators_roll_up_video_comments(logged_in, tiny_warehouse):
    data = logged_in.get("/api/sentiment/categories").json
    (video_comments,), = _warehouse(tiny_warehouse, "select count(*) from fct_comment_sentiment "
                                                    "where video_id is not null and comment_date between ? and ?",
                                    (data["start"], data["end"]))
    assert sum(r["comments"] for r in data["rows"]) == video_comments
    means = [r["mean_sentiment"] for r in data["rows"]]
    assert means == sorted(means, reverse=True)
    creators = logged_in.get("/api/sentiment/creators?min_comments=1&limit=500").json
    assert sum(r["comments"] for r in creators["rows"]) == video_comments
    ranked = logged_in.get("/api/sentiment/creators?sort=-negative_share&min_comments=2").json["rows"]
    assert ranked and all(r["comments"] >= 2 for r in ranked)
    shares = [r["negative_share"] for r in ranked]
    assert shares == sorted(shares, reverse=True)


def test_most_positive_and_negative_videos_respect_the_minimum(logged_in, tiny_warehouse):
    data = logged_in.get("/api/sentiment/videos?min_comments=2&limit=10").json
    best, worst = data["most_positive"], data["most_negative"]
    assert best and worst
    assert all(r["comments"] >= 2 for r in best + worst)
    assert [r["mean_sentiment"] for r in best] == sorted((r["mean_sentiment"] for r in best), reverse=True)
    assert [r["mean_sentiment"] for r in worst] == sorted(r["mean_sentiment"] for r in worst)
    assert best[0]["mean_sentiment"] > worst[0]["mean_sentiment"]
    top = best[0]
    (comments, score), = _warehouse(tiny_warehouse, """
        select count(*), sum(cast(sentiment_score as decimal(18, 6))) from fct_comment_sentiment
        where video_id = ? and comment_date between ? and ?""", (top["video_id"], data["start"], data["end"]))
    assert top["comments"] == comments and top["mean_sentiment"] == pytest.approx(float(score) / comments)
    csv_rows = _csv(logged_in.get("/sentiment/videos?min_comments=2&limit=10&format=csv&table=negative"))
    assert [int(r["video_id"]) for r in csv_rows] == [r["video_id"] for r in worst]


def test_sample_comments_filter_by_label_and_video(logged_in, tiny_warehouse):
    negative = logged_in.get("/api/sentiment/comments?label=negative&limit=20").json["rows"]
    assert negative and {r["sentiment_label"] for r in negative} == {"negative"}
    assert all(r["comment_text"] for r in negative)
    (video_id,), = _warehouse(tiny_warehouse, "select video_id from fct_comment_sentiment where video_id is not null "
                                              "group by video_id order by count(*) desc, video_id limit 1")
    rows = logged_in.get(f"/api/sentiment/comments?video={video_id}&limit=500").json["rows"]
    assert rows and {r["video_id"] for r in rows} == {video_id}
    page = logged_in.get(f"/sentiment/comments?video={video_id}").get_data(as_text=True)
    assert page.count("<li data-comment-id=") == min(50, len(rows))


def test_model_page_shows_the_evaluation(logged_in, tiny_warehouse):
    data = logged_in.get("/api/sentiment/model").json
    expected = dict(_warehouse(tiny_warehouse, "select metric, value from fct_model_evaluations "
                                               "where model_name = 'comment_sentiment'"))
    assert data["summary"]["macro_f1"] == pytest.approx(expected["macro_f1"])
    assert {r["label"]: r["recall"] for r in data["per_class"]} == pytest.approx(
        {c: expected[f"recall_{c}"] for c in ("negative", "neutral", "positive")})
    matrix = data["confusion_matrix"]
    assert [r["true_label"] for r in matrix] == data["classes"] == ["negative", "neutral", "positive"]
    assert sum(r[c] for r in matrix for c in data["classes"]) == data["summary"]["n"]
    version = data["summary"]["model_version"]
    assert [v["model_version"] for v in data["versions_in_use"]] == [version]
    page = logged_in.get("/sentiment/model").get_data(as_text=True)
    assert version in page and 'id="confusion-matrix"' in page
    assert logged_in.get(f"/sentiment/model?version={version}").status_code == 200


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)> 太好看了😍'


@pytest.fixture
def hostile_client(tiny_warehouse, tmp_path):
    """The app over a copy of the snapshot with one extra comment whose text and terms are HTML."""
    from werkzeug.security import generate_password_hash

    from webreport import create_app

    db = tmp_path / "hostile.duckdb"
    shutil.copyfile(tiny_warehouse.serving_db, db)
    with duckdb.connect(str(db)) as con:
        row = con.execute("select * from fct_comments where video_id is not null "
                          "order by comment_date desc, comment_id limit 1").df()
        row["comment_id"] = 9_999_999_999
        row["comment_text"] = XSS
        con.register("hostile", row)
        con.execute("insert into fct_comments by name select * from hostile")
        con.execute("""insert into fct_comment_sentiment by name
            select comment_id, user_id, video_id, ad_id, comment_date, 'positive' as sentiment_label,
                   0.01 as p_negative, 0.01 as p_neutral, 0.98 as p_positive, 0.97 as sentiment_score,
                   '<b>bold</b> | 好看 | 😍' as top_terms, 'v1-test' as model_version
            from fct_comments where comment_id = 9999999999""")
        video_id = int(row["video_id"].iloc[0])
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SERVING_DB": str(db), "DOCS_HTML": str(tmp_path / "d"),
                      "USERS": {TEST_USER: generate_password_hash(TEST_PASSWORD)}, "WTF_CSRF_ENABLED": False,
                      "QUERY_CACHE": False})
    client = app.test_client()
    assert client.post("/login", data={"username": TEST_USER, "password": TEST_PASSWORD}).status_code == 302
    return client, video_id


def test_comment_text_and_terms_are_rendered_inert(hostile_client):
    client, video_id = hostile_client
    response = client.get(f"/sentiment/comments?video={video_id}&limit=500")
    page = response.get_data(as_text=True)
    assert 'data-comment-id="9999999999"' in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; 太好看了😍" in page
    assert "<script>alert" not in page and "<img src=x" not in page
    assert '<span class="term">&lt;b&gt;bold&lt;/b&gt;</span><span class="term">好看</span>' in page
    assert "<b>bold</b>" not in page
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    data = client.get(f"/api/sentiment/comments?video={video_id}&limit=500").json
    hostile = next(r for r in data["rows"] if r["comment_id"] == 9_999_999_999)
    assert hostile["comment_text"] == XSS  # the API returns the text itself (JSON-encoded), unchanged
    csv_rows = _csv(client.get(f"/sentiment/comments?video={video_id}&limit=500&format=csv"))
    assert any(r["comment_text"] == XSS for r in csv_rows)
    assert json.loads(client.get("/api/sentiment/trend").get_data(as_text=True))["current"]["comments"] > 0
