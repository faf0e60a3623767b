"""Comment sentiment: the daily trend, sentiment by category / creator / campaign, the most positive and
most negative videos, sample comments with the terms behind their label, and the model's evaluation.

Shares and the mean score are the metrics positive_share, negative_share and mean_sentiment (var
`metrics`) computed from summed additive parts, so a totals row or a KPI equals the warehouse's figure.
"""

from __future__ import annotations

import json
import re

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from webreport import charts, metrics, params
from webreport.pages import render_page, url_with
from webreport.queries import common, sentiment
from webreport.tables import Column, Table, csv_response

bp = Blueprint("sentiment", __name__)
NAV = ("Sentiment", "sentiment.index")
RATIOS = list(sentiment.RATIO_KEYS)
PARTS = ["positive_comments", "neutral_comments", "negative_comments", "sentiment_score_sum"]
SECTIONS = [("sentiment.index", "Trend"), ("sentiment.categories", "Categories"),
            ("sentiment.creators", "Creators"), ("sentiment.campaigns", "Campaigns"),
            ("sentiment.videos", "Videos"), ("sentiment.comments", "Comments"), ("sentiment.model", "Model")]
SORT_LABELS = {"comments": "Comments", "positive_share": "Positive share", "negative_share": "Negative share",
               "mean_sentiment": "Mean sentiment"}
_VERSION = re.compile(r"[A-Za-z0-9._\-]{1,64}")


def _date_range() -> params.DateRange:
    return params.date_range(common.platform_date_bounds())


def _sentiment_columns() -> list[Column]:
    """The additive parts and the three ratios computed from them (totals recomputed from sums)."""
    return [
        Column("comments", "Comments", "int", total="sum"),
        Column("positive_comments", "Positive", "int", total="sum"),
        Column("neutral_comments", "Neutral", "int", total="sum"),
        Column("negative_comments", "Negative", "int", total="sum"),
        Column("positive_share", "Positive share", "percent", metric="positive_share", total="metric"),
        Column("negative_share", "Negative share", "percent", metric="negative_share", total="metric"),
        Column("mean_sentiment", "Mean sentiment", "ratio", metric="mean_sentiment", total="metric"),
    ]


def _render(template: str, marts: tuple[str, ...], **context) -> str:
    """A page of this area: the shared frame plus the section tabs (`date_range` in context, if any)."""
    context.setdefault("date_range", None)
    return render_page(template, marts=marts, sections=SECTIONS, **context)


# --- trend by day -------------------------------------------------------------------------------------
def _trend() -> dict:
    date_range = _date_range()
    commented_on = params.choice_arg("on", sentiment.COMMENTED_ON)
    rows = metrics.add_ratios(sentiment.daily(date_range.start, date_range.end, commented_on), RATIOS)
    table = Table(id="sentiment-daily", columns=[Column("date_day", "Day", "date"), *_sentiment_columns()],
                  rows=rows, row_key="date_day", with_totals=True, hidden_parts=["sentiment_score_sum"])
    previous_range = date_range.previous()
    current = sentiment.totals(date_range.start, date_range.end, commented_on)
    previous = sentiment.totals(previous_range.start, previous_range.end, commented_on)
    for parts in (current, previous):
        parts.update({name: metrics.ratio(name, parts) for name in RATIOS})
    return {"date_range": date_range, "on": commented_on, "table": table, "current": current, "previous": previous,
            "previous_range": previous_range}


@bp.get("/sentiment")
def index():
    t = _trend()
    if params.format_arg() == "csv":
        return csv_response(t["table"], f"sentiment-daily-{t['date_range'].start}-{t['date_range'].end}.csv")
    shares = charts.time_series(t["table"].rows, "date_day", {"positive_share": "Positive", "negative_share": "Negative"},
                                title="Share of comments positive and negative per day", value_format="percent")
    volume = charts.time_series(t["table"].rows, "date_day", {"comments": "Comments"}, title="Comments per day",
                                value_format="int")
    on_filter = {"name": "on", "label": "Comments on", "blank": "Videos and ads",
                 "options": [("video", "Videos"), ("ad", "Ads")], "selected": t["on"]}
    return _render("sentiment/index.html", ("fct_sentiment_daily", "fct_comment_sentiment"),
                   filters=[on_filter], shares=shares, volume=volume, csv_url=url_with(format="csv"), **t)


@bp.get("/api/sentiment/trend")
def api_trend():
    t = _trend()
    return jsonify({**t["date_range"].as_args(), "on": t["on"], "current": t["current"],
                    "previous": {**t["previous"], **t["previous_range"].as_args()},
                    "rows": t["table"].rows, "totals": t["table"].totals()})


# --- by category ----------------------------------------------------------------------------------------
def _categories() -> dict:
    date_range = _date_range()
    rows = metrics.add_ratios(sentiment.by_category(date_range.start, date_range.end), RATIOS)
    table = Table(id="sentiment-categories",
                  columns=[Column("category", "Category"), Column("videos", "Videos commented", "int"),
                           *_sentiment_columns()],
                  rows=rows, row_key="category", with_totals=True, hidden_parts=["sentiment_score_sum"])
    return {"date_range": date_range, "table": table}


@bp.get("/sentiment/categories")
def categories():
    c = _categories()
    if params.format_arg() == "csv":
        return csv_response(c["table"], f"sentiment-categories-{c['date_range'].start}-{c['date_range'].end}.csv")
    chart = charts.bar_chart(c["table"].rows, "category", "mean_sentiment", value_format="ratio",
                             title="Mean sentiment of video comments by category", value_title="Mean sentiment")
    negative = charts.bar_chart(c["table"].rows, "category", "negative_share", value_format="percent",
                                title="Share of comments negative by category", value_title="Negative share")
    return _render("sentiment/categories.html", ("fct_video_sentiment_daily",), chart=chart,
                   negative=negative, csv_url=url_with(format="csv"), **c)


@bp.get("/api/sentiment/categories")
def api_categories():
    c = _categories()
    return jsonify({**c["date_range"].as_args(), "rows": c["table"].rows, "totals": c["table"].totals()})


# --- by creator -----------------------------------------------------------------------------------------
def _creators() -> dict:
    date_range = _date_range()
    category = params.choice_arg("category", common.video_categories())
    sort, descending = params.sort_arg(sentiment.SORT_KEYS, "-comments")
    min_comments = params.int_arg("min_comments", 3, 1, 1_000_000)
    limit = params.int_arg("limit", 50, 1, 500)
    rows = sentiment.by_creator(date_range.start, date_range.end, category, min_comments, sort, descending, limit)
    metrics.add_ratios(rows, RATIOS)
    args = date_range.as_args()
    table = Table(id="sentiment-creators", columns=[
        Column("creator_id", "Creator", link=lambda r: url_for("creators.detail", creator_id=r["creator_id"], **args)),
        Column("handle", "Handle"), Column("primary_category", "Category"), *_sentiment_columns()],
        rows=rows, row_key="creator_id", with_totals=True, hidden_parts=["sentiment_score_sum"])
    return {"date_range": date_range, "category": category, "sort": sort, "descending": descending,
            "min_comments": min_comments, "limit": limit, "table": table}


@bp.get("/sentiment/creators")
def creators():
    c = _creators()
    if params.format_arg() == "csv":
        return csv_response(c["table"], f"sentiment-creators-{c['date_range'].start}-{c['date_range'].end}.csv")
    value_format = "int" if c["sort"] == "comments" else ("ratio" if c["sort"] == "mean_sentiment" else "percent")
    chart = charts.bar_chart(c["table"].rows[:15], "handle", c["sort"], value_format=value_format, sort=None,
                             title=f"Top {min(15, len(c['table'].rows))} creators by {SORT_LABELS[c['sort']].lower()}")
    filters = [
        {"name": "category", "label": "Category", "blank": "All categories",
         "options": [(x, x) for x in common.video_categories()], "selected": c["category"]},
        {"name": "sort", "label": "Rank by", "blank": None,
         "options": [(f"{p}{k}", f"{v} {'(high first)' if p else '(low first)'}") for k, v in SORT_LABELS.items()
                     for p in ("-", "")],
         "selected": ("-" if c["descending"] else "") + c["sort"]},
    ]
    return _render("sentiment/creators.html", ("fct_creator_sentiment_daily", "dim_creators"),
                   chart=chart, filters=filters, csv_url=url_with(format="csv"), **c)


@bp.get("/api/sentiment/creators")
def api_creators():
    c = _creators()
    return jsonify({**c["date_range"].as_args(), "category": c["category"], "sort": c["sort"],
                    "descending": c["descending"], "min_comments": c["min_comments"], "limit": c["limit"],
                    "rows": c["table"].rows, "totals": c["table"].totals()})


# --- by campaign (ad comments) --------------------------------------------------------------------------
def _campaigns() -> dict:
    date_range = _date_range()
    rows = metrics.add_ratios(sentiment.by_campaign(date_range.start, date_range.end), RATIOS)
    args = date_range.as_args()
    table = Table(id="sentiment-campaigns", columns=[
        Column("campaign_id", "Campaign",
               link=lambda r: url_for("campaigns.detail", campaign_id=r["campaign_id"], **args)),
        Column("campaign_name", "Name"), Column("advertiser_name", "Advertiser"), *_sentiment_columns()],
        rows=rows, row_key="campaign_id", with_totals=True, hidden_parts=["sentiment_score_sum"])
    return {"date_range": date_range, "table": table}


@bp.get("/sentiment/campaigns")
def campaigns():
    c = _campaigns()
    if params.format_arg() == "csv":
        return csv_response(c["table"], f"sentiment-campaigns-{c['date_range'].start}-{c['date_range'].end}.csv")
    return _render("sentiment/campaigns.html", ("fct_campaign_sentiment_daily", "dim_campaign_ads"),
                   csv_url=url_with(format="csv"), **c)


@bp.get("/api/sentiment/campaigns")
def api_campaigns():
    c = _campaigns()
    return jsonify({**c["date_range"].as_args(), "rows": c["table"].rows, "totals": c["table"].totals()})


# --- most positive / most negative videos ----------------------------------------------------------------
def _videos() -> dict:
    date_range = _date_range()
    category = params.choice_arg("category", common.video_categories())
    min_comments = params.int_arg("min_comments", 3, 1, 1_000_000)
    limit = params.int_arg("limit", 20, 1, 200)
    args = date_range.as_args()
    tables = {}
    for key, most_positive in (("positive", True), ("negative", False)):
        rows = sentiment.ranked_videos(date_range.start, date_range.end, category, min_comments, most_positive, limit)
        tables[key] = Table(id=f"videos-{key}", columns=[
            Column("video_id", "Video", link=lambda r: url_for("sentiment.comments", video=r["video_id"], **args)),
            Column("title", "Title"), Column("category", "Category"), Column("handle", "Creator"),
            *_sentiment_columns()], rows=metrics.add_ratios(rows, RATIOS), row_key="video_id")
    return {"date_range": date_range, "category": category, "min_comments": min_comments, "limit": limit,
            "tables": tables}


@bp.get("/sentiment/videos")
def videos():
    v = _videos()
    if params.format_arg() == "csv":
        which = params.choice_arg("table", tuple(v["tables"]), "positive")
        return csv_response(v["tables"][which], f"sentiment-videos-most-{which}.csv")
    filters = [{"name": "category", "label": "Category", "blank": "All categories",
                "options": [(x, x) for x in common.video_categories()], "selected": v["category"]},
               {"name": "min_comments", "label": "At least", "blank": None,
                "options": [(str(n), f"{n} comments") for n in sorted({1, 3, 5, 10, 20, v["min_comments"]})],
                "selected": str(v["min_comments"])}]
    csv_urls = {key: url_with(format="csv", table=key) for key in v["tables"]}
    return _render("sentiment/videos.html", ("fct_video_sentiment_daily", "dim_videos"),
                   filters=filters, csv_urls=csv_urls, **v)


@bp.get("/api/sentiment/videos")
def api_videos():
    v = _videos()
    return jsonify({**v["date_range"].as_args(), "category": v["category"], "min_comments": v["min_comments"],
                    "limit": v["limit"], "most_positive": v["tables"]["positive"].rows,
                    "most_negative": v["tables"]["negative"].rows})


# --- sample comments ------------------------------------------------------------------------------------
def _comments() -> dict:
    date_range = _date_range()
    label = params.choice_arg("label", sentiment.LABELS)
    category = params.choice_arg("category", common.video_categories())
    raw_video = request.args.get("video")
    video = None
    if raw_video:
        video_id = params.parse_id(raw_video, "video")
        video = params.found(sentiment.video(video_id), f"No video with id {video_id}.")
    limit = params.int_arg("limit", 50, 1, 500)
    rows = sentiment.sample_comments(date_range.start, date_range.end, label, category,
                                     video["video_id"] if video else None, limit)
    for row in rows:
        row["terms"] = [term for term in (row["top_terms"] or "").split(" | ") if term]
    table = Table(id="sentiment-comments", columns=[
        Column("comment_id", "Comment"), Column("comment_date", "Day", "date"), Column("video_id", "Video"),
        Column("ad_id", "Ad"), Column("category", "Category"), Column("comment_text", "Text"),
        Column("sentiment_label", "Label"), Column("p_negative", "P(negative)", "ratio"),
        Column("p_neutral", "P(neutral)", "ratio"), Column("p_positive", "P(positive)", "ratio"),
        Column("top_terms", "Terms behind the label"), Column("model_version", "Model")], rows=rows,
        row_key="comment_id")
    return {"date_range": date_range, "label": label, "category": category, "video": video, "limit": limit,
            "table": table}


@bp.get("/sentiment/comments")
def comments():
    c = _comments()
    if params.format_arg() == "csv":
        return csv_response(c["table"], f"sentiment-comments-{c['date_range'].start}-{c['date_range'].end}.csv")
    filters = [{"name": "label", "label": "Label", "blank": "All labels",
                "options": [(x, x) for x in sentiment.LABELS], "selected": c["label"]},
               {"name": "category", "label": "Category", "blank": "All categories",
                "options": [(x, x) for x in common.video_categories()], "selected": c["category"]}]
    return _render("sentiment/comments.html", ("fct_comment_sentiment", "fct_comments"),
                   filters=filters, csv_url=url_with(format="csv"), **c)


@bp.get("/api/sentiment/comments")
def api_comments():
    c = _comments()
    rows = [{k: v for k, v in row.items() if k != "terms"} for row in c["table"].rows]
    return jsonify({**c["date_range"].as_args(), "label": c["label"], "category": c["category"],
                    "video": c["video"], "limit": c["limit"], "rows": rows})


# --- the model's evaluation -----------------------------------------------------------------------------
def _model() -> dict:
    versions = sentiment.evaluated_versions()
    raw = request.args.get("version")
    if raw:
        if not _VERSION.fullmatch(raw):
            params.bad_request("A model version is letters, digits, '.', '_' or '-' (at most 64 characters).")
        if raw not in versions:
            params.not_found(f"No evaluation of sentiment model version {raw}.")
    in_use = sentiment.model_versions()
    version = raw or (in_use[0]["model_version"] if in_use and in_use[0]["model_version"] in versions
                      else (versions[0] if versions else None))
    if version is None:
        params.not_found("No sentiment model evaluation in the warehouse yet; run `reelmart build`.")
    rows = sentiment.evaluation(version)
    values = {row["metric"]: row["value"] for row in rows}
    details = json.loads(rows[0]["details"]) if rows else {}
    classes = details.get("classes") or []
    per_class = [{"label": c, "precision": values.get(f"precision_{c}"), "recall": values.get(f"recall_{c}"),
                  "f1": values.get(f"f1_{c}"),
                  "support": sum(details["confusion_matrix"][i]) if details.get("confusion_matrix") else None}
                 for i, c in enumerate(classes)]
    matrix = [{"true_label": c, **{p: n for p, n in zip(classes, counts, strict=True)},
               "_share": {p: (n / sum(counts) if sum(counts) else None) for p, n in zip(classes, counts, strict=True)}}
              for c, counts in zip(classes, details.get("confusion_matrix") or [], strict=False)]
    summary = {"model_version": version, "accuracy": values.get("accuracy"), "macro_f1": values.get("macro_f1"),
               "log_loss": values.get("log_loss"), "evaluated_at": rows[0]["evaluated_at"] if rows else None,
               "source": details.get("source"), "n": details.get("n"), "cv": details.get("cv"),
               "macro_f1_std": next((json.loads(r["details"]).get("std") for r in rows if r["metric"] == "macro_f1"),
                                    None)}
    class_table = Table(id="model-classes", columns=[
        Column("label", "Class"), Column("precision", "Precision", "percent"), Column("recall", "Recall", "percent"),
        Column("f1", "F1", "percent"), Column("support", "Labeled comments", "int")], rows=per_class,
        row_key="label")
    return {"versions": versions, "in_use": in_use, "summary": summary, "classes": classes, "matrix": matrix,
            "class_table": class_table}


@bp.get("/sentiment/model")
def model():
    m = _model()
    if params.format_arg() == "csv":
        return csv_response(m["class_table"], f"sentiment-model-{m['summary']['model_version']}.csv")
    return _render("sentiment/model.html", ("fct_model_evaluations", "fct_comment_sentiment"),
                   csv_url=url_with(format="csv"), **m)


@bp.get("/api/sentiment/model")
def api_model():
    m = _model()
    return jsonify({"summary": m["summary"], "per_class": m["class_table"].rows, "classes": m["classes"],
                    "confusion_matrix": [{k: v for k, v in row.items() if k != "_share"} for row in m["matrix"]],
                    "versions_evaluated": m["versions"],
                    "versions_in_use": m["in_use"]})


@bp.get("/sentiment/sentiment.css")
def stylesheet():
    """Tab, label and comment styles of these pages (the CSP allows only same-origin stylesheets)."""
    return Response(render_template("sentiment/sentiment.css"), mimetype="text/css")
