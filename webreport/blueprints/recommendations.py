"""Recommendations: the recommender's offline evaluation by model (with vs without the comment-sentiment
signal), and a per-user preview by pseudonymous user id: recent views next to the top-K and its reasons."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, request, url_for

from webreport import auth, charts, params
from webreport.pages import render_page, url_with
from webreport.queries import recommendations as queries
from webreport.tables import Column, Table, csv_response

bp = Blueprint("recommendations", __name__)
NAV = ("Recommendations", "recommendations.index")
MARTS = ("fct_model_evaluations", "fct_recommendations", "dim_users", "dim_videos", "fct_watch_events")


def _evaluation_table(rows: list[dict]) -> Table:
    k = next((row["k"] for row in rows if row.get("k")), 10)
    return Table(
        id="rec-evaluation",
        columns=[
            Column("label", "Model"),
            Column("precision_at_k", f"P@{k}", "percent", tooltip=f"Hits in the top {k} / {k}, mean over users."),
            Column("recall_at_k", f"R@{k}", "percent", tooltip="Hits / relevant test videos, mean over users."),
            Column("ndcg_at_k", f"NDCG@{k}", "percent", tooltip="Discounted hits / ideal, mean over users."),
            Column("map_at_k", f"MAP@{k}", "percent", tooltip=f"Average precision over min({k}, relevant)."),
            Column("catalogue_coverage", "Coverage", "percent",
                   tooltip="Share of the catalogue in at least one list."),
            Column("ndcg_gain_of_full", "Full model's NDCG gain", "percent",
                   tooltip="Full model's NDCG minus this model's, paired over the same users."),
            Column("gain_se", "± SE", "percent", tooltip="Paired standard error of the gain."),
            Column("users_evaluated", "Users", "int"),
            Column("model_version", "Version"),
        ],
        rows=rows, row_key="model_name",
    )


def _selection_table(rows: list[dict]) -> Table:
    k = next((row["k"] for row in rows if row.get("k")), 10)
    return Table(
        id="rec-selection",
        columns=[
            Column("label", "Candidate"),
            Column("served_text", "Served"),
            Column("ndcg_at_k", f"Validation NDCG@{k}", "percent",
                   tooltip="On each viewer's latest 20% of the training interactions, best setting of the grid."),
            Column("recall_at_k", f"Validation R@{k}", "percent"),
            Column("gain_over_blend", "vs rank blend", "percent",
                   tooltip="This candidate's NDCG minus the rank blend's, paired over the same viewers."),
            Column("gain_se", "± SE", "percent", tooltip="Paired standard error of that difference."),
            Column("settings", "Chosen settings"),
            Column("grid_size", "Settings tried", "int"),
            Column("users", "Viewers", "int"),
        ],
        rows=rows, row_key="family",
    )


def _served_sentence(rows: list[dict]) -> str | None:
    """One sentence on what is served and why, from the selection rows."""
    served = next((row for row in rows if row["served"]), None)
    if served is None:
        return None
    others = [row for row in rows if not row["served"] and row["ndcg_at_k"] is not None]
    runner = max(others, key=lambda row: row["ndcg_at_k"], default=None)
    text = (f"Serving the {served['label']}: validation NDCG {served['ndcg_at_k']:.2%} on "
            f"{served['users']:,} viewers")
    if runner is None:
        return text + "."
    if runner["ndcg_at_k"] > served["ndcg_at_k"]:
        return (text + f"; the {runner['label']} scored {runner['ndcg_at_k']:.2%}, a lead within two standard "
                       "errors of the blend, so the steadier blend stays.")
    return text + f", ahead of the {runner['label']} ({runner['ndcg_at_k']:.2%}), the best of the rest."


def _sentiment_rows(rows: list[dict]) -> list[dict]:
    """With vs without the comment-sentiment term, for the full model and for ALS alone."""
    by_name = {row["model_name"]: row for row in rows}
    out = []
    for label, with_name, without_name in (("Full model", "recommender_full", "recommender_full_no_sentiment"),
                                           ("ALS alone", "recommender_als", "recommender_als_no_sentiment")):
        if with_name in by_name and without_name in by_name:
            with_, without = by_name[with_name]["ndcg_at_k"], by_name[without_name]["ndcg_at_k"]
            out.append({"model": label, "with_sentiment": with_, "without_sentiment": without,
                        "difference": None if with_ is None or without is None else with_ - without})
    return out


@bp.get("/recommendations")
def index():
    rows = queries.evaluation()
    table = _evaluation_table(rows)
    candidates = queries.selection()
    for row in candidates:
        row["served_text"] = "served" if row["served"] else ""
    if params.format_arg() == "csv":
        return csv_response(table, "recommender-evaluation.csv")
    k = next((row["k"] for row in rows if row.get("k")), 10)
    ndcg = charts.bar_chart(rows, "label", "ndcg_at_k", title=f"NDCG@{k} by model", value_format="percent",
                            sort=None, value_title=f"NDCG@{k}")
    coverage = charts.bar_chart(rows, "label", "catalogue_coverage", title="Catalogue coverage by model",
                                value_format="percent", sort=None, value_title="share of videos")
    sentiment = Table(
        id="rec-sentiment",
        columns=[Column("model", "Model"), Column("with_sentiment", f"NDCG@{k} with sentiment", "percent"),
                 Column("without_sentiment", f"NDCG@{k} without", "percent"),
                 Column("difference", "Difference", "percent")],
        rows=_sentiment_rows(rows), row_key="model",
    )
    reasons = Table(id="rec-reasons", columns=[Column("reason", "Reason"),
                                               Column("recommendations", "Recommendations", "int", total="sum")],
                    rows=queries.reason_counts(), row_key="reason", with_totals=True)
    return render_page("recommendations/index.html", marts=MARTS, table=table, sentiment=sentiment, reasons=reasons,
                       ndcg_chart=ndcg, coverage_chart=coverage, summary=queries.summary(),
                       sample_users=queries.sample_users(), csv_url=url_with(format="csv"), k=k,
                       selection=_selection_table(candidates), served_sentence=_served_sentence(candidates),
                       fits=queries.fits())


@bp.get("/recommendations/user")
def lookup():
    """The preview form: a user id typed in goes to that user's page (validated there)."""
    raw = (request.args.get("user_id") or "").strip()
    params.parse_id(raw, "user")
    return redirect(url_for("recommendations.user_preview", user_id=raw))


@bp.get("/api/recommendations/evaluation")
def api_evaluation():
    rows = queries.evaluation()
    candidates = queries.selection()
    return jsonify({"models": rows, "sentiment": _sentiment_rows(rows), "selection": candidates,
                    "served": next((row["family"] for row in candidates if row["served"]), None)})


def _preview(user_id: str) -> dict:
    uid = params.parse_id(user_id, "user")
    profile = params.found(queries.user(uid), f"No user with id {uid}.")
    return {"user": profile, "history": queries.recent_history(uid), "recommendations": queries.recommendations(uid)}


@bp.get("/recommendations/users/<user_id>")
@auth.user_level("recommendations.user_preview")
def user_preview(user_id: str):
    data = _preview(user_id)
    history = Table(
        id="rec-history",
        columns=[Column("event_at", "Viewed at"), Column("title", "Video"), Column("category", "Category"),
                 Column("completion_ratio", "Completion", "percent"),
                 Column("is_liked", "Liked", "bool"), Column("is_shared", "Shared", "bool")],
        rows=data["history"],
    )
    recs = Table(
        id="rec-list",
        columns=[Column("rank", "Rank", "int"), Column("title", "Video"), Column("category", "Category"),
                 Column("creator_handle", "Creator"), Column("published_at", "Published", "date"),
                 Column("reason", "Why"), Column("score", "Score", "ratio",
                                                 tooltip="Ranker score; orders this list only.")],
        rows=data["recommendations"], row_key="video_id",
    )
    return render_page("recommendations/user.html", marts=MARTS, profile=data["user"], history=history, recs=recs)


@bp.get("/api/recommendations/users/<user_id>")
@auth.user_level("recommendations.user_preview")
def api_user_preview(user_id: str):
    return jsonify(_preview(user_id))
