"""Campaigns: delivery and KPIs over the date range, and one campaign's breakdowns, view funnel, holdout
lift, uplift (Qini), creative fatigue, ad-comment sentiment and the advertiser's placement recommendation."""

from __future__ import annotations

import re

from flask import Blueprint, jsonify, url_for

from webreport import charts, metrics, params
from webreport.pages import render_page, url_with
from webreport.queries import campaigns
from webreport.tables import Column, Table, csv_response

bp = Blueprint("campaigns", __name__)
NAV = ("Campaigns", "campaigns.index")
MARTS = ("fct_campaign_daily", "rpt_campaign_summary", "fct_campaign_lift", "rpt_metric_definitions")
DETAIL_MARTS = ("fct_campaign_daily", "fct_campaign_region_daily", "fct_campaign_segment_daily", "fct_campaign_lift",
                "fct_campaign_uplift_deciles", "fct_model_evaluations", "fct_ad_fatigue", "rpt_placement_recommendations", "dim_campaign_ads")
RATIOS = ["ctr", "cvr", "cpm", "cpc", "cpa", "roas", "vtr_100"]
HIDDEN_PARTS = ["conversion_value", "ad_views_p100"]
# Breakdown tabs: ?by= key -> tab label; the columns naming a row (key, name, detail or "" for none).
BREAKDOWN_TABS = {"ad_group": "ad group", "ad": "ad", "region": "region", "segment": "age band × device"}
BREAKDOWN_COLUMNS = {"ad_group": ("Ad group", "Name", "Placement"), "ad": ("Ad", "Name", "Format"),
                     "region": ("Country", "Region", ""), "segment": ("Age band", "Device", "")}
DETAIL_TABLES = ("daily", "breakdown", "funnel", "lift", "deciles", "fatigue", "placement", "comments")
_CAMPAIGN_ID = re.compile(r"[A-Za-z0-9_\-]{1,100}")


def _parse_campaign(campaign_id: str) -> dict:
    if not _CAMPAIGN_ID.fullmatch(campaign_id or ""):
        params.bad_request("A campaign id is letters, digits, '_' or '-' (at most 100 characters).")
    return params.found(campaigns.campaign(campaign_id), f"No campaign with id {campaign_id}.")


def _performance_columns(first: list[Column]) -> list[Column]:
    return [
        *first,
        Column("impressions", "Impressions", "int", total="sum"),
        Column("clicks", "Clicks", "int", total="sum"),
        Column("spend", "Spend", "currency", total="sum"),
        Column("conversions", "Conversions", "int", total="sum"),
        Column("ctr", "CTR", "percent", metric="ctr", total="metric"),
        Column("cvr", "CVR", "percent", metric="cvr", total="metric"),
        Column("cpm", "CPM", "currency", metric="cpm", total="metric"),
        Column("cpc", "CPC", "currency", metric="cpc", total="metric"),
        Column("cpa", "CPA", "currency", metric="cpa", total="metric"),
        Column("roas", "ROAS", "ratio", metric="roas", total="metric"),
        Column("vtr_100", "Completion", "percent", metric="vtr_100", total="metric"),
    ]


# --- campaign list ----------------------------------------------------------------------------------
def _list_filters() -> dict:
    date_range = params.date_range(campaigns.date_bounds(), default_days=31)
    advertiser_ids = [a["advertiser_id"] for a in campaigns.advertisers()]
    advertiser = params.choice_arg("advertiser", advertiser_ids)
    return {"date_range": date_range, "advertiser": advertiser}


def _kpis(f: dict) -> dict:
    current_range, previous_range = f["date_range"], f["date_range"].previous()
    current = campaigns.totals(current_range.start, current_range.end, advertiser_id=f["advertiser"])
    previous = campaigns.totals(previous_range.start, previous_range.end, advertiser_id=f["advertiser"])
    metrics.add_ratios([current, previous], RATIOS)
    return {"current": current, "previous": previous, "previous_range": previous_range}


def _list_table(f: dict) -> Table:
    rows = metrics.add_ratios(campaigns.campaign_list(f["date_range"].start, f["date_range"].end, f["advertiser"]),
                              RATIOS)
    args = f["date_range"].as_args()
    return Table(
        id="campaigns",
        columns=_performance_columns([
            Column("campaign_name", "Campaign",
                   link=lambda r: url_for("campaigns.detail", campaign_id=r["campaign_id"], **args)),
            Column("advertiser_name", "Advertiser"),
            Column("objective", "Objective"),
        ]) + [
            Column("incremental_conversions", "Incremental conv. (flight)", "number",
                   tooltip="Holdout lift over the whole flight so far: conversions caused by the campaign."),
            Column("incremental_roas", "iROAS (flight)", "ratio",
                   tooltip="Incremental conversion value per unit of spend, holdout lift over the flight."),
            Column("conversions_p_value", "p-value", "ratio", tooltip="Two-sided p-value of no effect on conversions."),
        ],
        rows=rows, row_key="campaign_id", with_totals=True, hidden_parts=HIDDEN_PARTS,
    )


@bp.get("/campaigns")
def index():
    f = _list_filters()
    table = _list_table(f)
    if params.format_arg() == "csv":
        return csv_response(table, f"campaigns-{f['date_range'].start}-{f['date_range'].end}.csv")
    chart = charts.bar_chart([r for r in table.rows if r.get("spend")], "campaign_name", "spend",
                             title="Spend in the period", value_format="currency")
    advertiser_filter = {"name": "advertiser", "label": "Advertiser", "blank": "All advertisers",
                         "options": [(a["advertiser_id"], a["advertiser_name"]) for a in campaigns.advertisers()],
                         "selected": f["advertiser"]}
    return render_page("campaigns/index.html", marts=MARTS, date_range=f["date_range"], kpis=_kpis(f), table=table,
                       chart=chart, filters=[advertiser_filter], csv_url=url_with(format="csv"))


@bp.get("/api/campaigns")
def api_index():
    f = _list_filters()
    kpis = _kpis(f)
    table = _list_table(f)
    return jsonify({**f["date_range"].as_args(), "advertiser": f["advertiser"], "current": kpis["current"],
                    "previous": {**kpis["previous"], **kpis["previous_range"].as_args()},
                    "rows": table.rows, "totals": table.totals()})


# --- one campaign -----------------------------------------------------------------------------------
def _daily_table(cid: str, date_range: params.DateRange) -> Table:
    rows = metrics.add_ratios(campaigns.campaign_daily(cid, date_range.start, date_range.end), RATIOS)
    return Table(id="campaign-daily", columns=_performance_columns([Column("date_day", "Day", "date")]),
                 rows=rows, row_key="date_day", with_totals=True, hidden_parts=HIDDEN_PARTS)


def _breakdown_table(cid: str, by: str, date_range: params.DateRange) -> Table:
    rows = metrics.add_ratios(campaigns.breakdown(cid, by, date_range.start, date_range.end), RATIOS)
    labels = BREAKDOWN_COLUMNS[by]
    first = [Column("segment_id", labels[0]), Column("name", labels[1])]
    if labels[2]:
        first.append(Column("detail", labels[2]))
    return Table(id="campaign-breakdown", columns=_performance_columns(first), rows=rows, row_key="segment_id",
                 with_totals=True, hidden_parts=HIDDEN_PARTS)


def _funnel_table(totals: dict) -> Table:
    steps = [("video_plays", "Plays"), ("video_views_2s", "2-second views"), ("video_views_6s", "6-second views"),
             ("ad_views_p25", "25% watched"), ("ad_views_p50", "50% watched"), ("ad_views_p75", "75% watched"),
             ("ad_views_p100", "Completed")]
    impressions = totals.get("impressions") or 0
    rows = [{"step": label, "views": totals.get(key) or 0,
             "share_of_impressions": (totals.get(key) or 0) / impressions if impressions else None}
            for key, label in steps]
    return Table(id="campaign-funnel", rows=rows, row_key="step", columns=[
        Column("step", "Step"), Column("views", "Impressions reaching it", "int"),
        Column("share_of_impressions", "Share of impressions", "percent",
               tooltip="Impressions reaching the step / all impressions (VTR for the quartiles)."),
    ])


def _lift_table(lift: dict | None) -> Table:
    rows = []
    if lift and lift.get("error_message") is None:
        for key, label, scale in (("incremental_conversions", "Incremental conversions", 1),
                                  ("lift", "Lift (%)", 100), ("incremental_value", "Incremental value (CNY)", 1),
                                  ("incremental_cpa", "iCPA (CNY)", 1), ("incremental_roas", "iROAS", 1)):
            def scaled(value, scale=scale):
                return None if value is None else value * scale

            rows.append({"measure": label, "estimate": scaled(lift.get(key)),
                         "ci_lower": scaled(lift.get(f"{key}_ci_lower")), "ci_upper": scaled(lift.get(f"{key}_ci_upper")),
                         "p_value": lift.get("lift_p_value" if key == "lift" else
                                             "value_p_value" if key in ("incremental_value", "incremental_roas")
                                             else "conversions_p_value")})
    return Table(id="campaign-lift", rows=rows, row_key="measure", columns=[
        Column("measure", "Measure"), Column("estimate", "Estimate", "ratio"),
        Column("ci_lower", "90% CI lower", "ratio"),
        Column("ci_upper", "90% CI upper", "ratio", tooltip="Empty for an iCPA whose interval reaches zero conversions (∞)."),
        Column("p_value", "p-value", "ratio"),
    ])


def _deciles_table(cid: str) -> Table:
    return Table(id="campaign-deciles", rows=campaigns.uplift_deciles(cid), row_key="uplift_decile", columns=[
        Column("uplift_decile", "Decile", "int", tooltip="1 = the tenth of the study predicted most persuadable."),
        Column("users", "Users", "int"), Column("spend", "Spend", "currency"),
        Column("eval_treated_users", "Eval. treated", "int"), Column("eval_holdout_users", "Eval. holdout", "int"),
        Column("observed_uplift", "Observed uplift", "percent",
               tooltip="Treated minus holdout conversion rate on the evaluation split (not used to fit)."),
        Column("mean_predicted_uplift", "Predicted uplift", "percent"),
        Column("qini", "Qini (cumulative)", "number",
               tooltip="Incremental converters among the top deciles: treated converters minus holdout converters "
                       "scaled to the treated count (evaluation split)."),
    ])


def _fatigue_rows(cid: str, dimension: str) -> list[dict]:
    return metrics.add_ratios(campaigns.fatigue(cid, dimension), ["ctr"])


def _placement_table(advertiser_id: str) -> Table:
    """The rankable segments (enough users per arm and some spend); the rest stay in the mart and the API."""
    rows = [row for row in campaigns.placement(advertiser_id) if row["action"] != "insufficient_data"]
    return Table(id="campaign-placement", rows=rows, columns=[
        Column("campaign_id", "Campaign"), Column("segment_type", "Segment type"), Column("segment", "Segment"),
        Column("action", "Action"), Column("return_rank", "Rank", "int"), Column("spend", "Spend", "currency"),
        Column("incremental_conversions", "Incremental conv.", "number"),
        Column("return_per_1000", "Incr. conv. per ¥1,000", "number",
               tooltip="Incremental conversions per 1,000 CNY of spend in the segment (holdout within the segment)."),
        Column("return_per_1000_se", "± s.e.", "number"),
        Column("budget_change", "Budget change", "currency"), Column("expected_gain", "Expected gain", "number"),
        Column("expected_gain_ci_lower", "Gain 90% lower", "number"),
        Column("expected_gain_ci_upper", "Gain 90% upper", "number"),
        Column("target_audience", "Audience"), Column("audience_filter", "Audience filter"),
    ])


def _comments_table(cid: str) -> tuple[Table, bool]:
    rows, has_sentiment = campaigns.ad_comments(cid)
    return Table(id="campaign-comments", rows=rows, columns=[
        Column("label", "Sentiment" if has_sentiment else "Day"), Column("comments", "Comments on the ads", "int"),
    ]), has_sentiment


def _qini_chart(deciles: list[dict]) -> dict | None:
    if not deciles:
        return None
    points = [{"share_targeted": 0.0, "curve": "Model", "incremental": 0.0},
              {"share_targeted": 0.0, "curve": "Random", "incremental": 0.0}]
    for row in deciles:
        points.append({"share_targeted": row["share_targeted"], "curve": "Model", "incremental": row["qini"]})
        points.append({"share_targeted": row["share_targeted"], "curve": "Random", "incremental": row["qini_random"]})
    return {
        "$schema": charts.SCHEMA, "width": "container", "height": 220,
        "autosize": {"type": "fit", "contains": "padding"},
        "title": {"text": "Qini curve (evaluation split)", "anchor": "start", "fontSize": 13},
        "config": {"view": {"stroke": None}},
        "data": {"values": points},
        "mark": {"type": "line", "point": True, "tooltip": True},
        "encoding": {
            "x": {"field": "share_targeted", "type": "quantitative", "title": "Share of the study targeted",
                  "axis": {"format": ".0%"}},
            "y": {"field": "incremental", "type": "quantitative", "title": "Incremental converters"},
            "color": {"field": "curve", "type": "nominal", "title": None, "legend": {"orient": "top"},
                      "scale": {"range": [charts.ACCENT, "#8a94a6"]}},
        },
    }


def _detail(campaign_id: str) -> dict:
    info = _parse_campaign(campaign_id)
    cid = info["campaign_id"]
    date_range = params.date_range(campaigns.date_bounds(), default_days=31)
    by = params.choice_arg("by", tuple(BREAKDOWN_TABS), "ad_group")
    previous_range = date_range.previous()
    current = campaigns.totals(date_range.start, date_range.end, campaign_id=cid)
    previous = campaigns.totals(previous_range.start, previous_range.end, campaign_id=cid)
    metrics.add_ratios([current, previous], RATIOS)
    comments, has_sentiment = _comments_table(cid)
    return {
        "campaign": info, "date_range": date_range, "by": by,
        "kpis": {"current": current, "previous": previous, "previous_range": previous_range},
        "daily": _daily_table(cid, date_range), "breakdown": _breakdown_table(cid, by, date_range),
        "funnel": _funnel_table(current), "lift_row": campaigns.lift(cid), "deciles": _deciles_table(cid),
        "evaluation": campaigns.uplift_evaluation(cid), "fit_status": campaigns.uplift_fit_status(cid),
        "fatigue": Table(id="campaign-fatigue", rows=_fatigue_rows(cid, "frequency"), row_key="bucket", columns=[
            Column("bucket_label", "Impression # per user"), Column("impressions", "Impressions", "int"),
            Column("clicks", "Clicks", "int"), Column("ctr", "CTR", "percent", metric="ctr")]),
        "launch_age": _fatigue_rows(cid, "days_since_launch"),
        "placement": _placement_table(info["advertiser_id"]), "plan": campaigns.placement_plan(info["advertiser_id"]),
        "placement_segments": campaigns.placement(info["advertiser_id"]),
        "comments": comments, "has_sentiment": has_sentiment,
    }


@bp.get("/campaigns/<campaign_id>")
def detail(campaign_id: str):
    d = _detail(campaign_id)
    d["lift"] = _lift_table(d["lift_row"])
    if params.format_arg() == "csv":
        name = params.choice_arg("table", DETAIL_TABLES, "daily")
        return csv_response(d[name], f"campaign-{d['campaign']['campaign_id']}-{name}.csv")
    lift = d["lift_row"]
    lift_chart = None
    if lift and lift.get("error_message") is None:
        lift_chart = charts.interval_chart(
            [{"label": "Lift", "estimate": lift["lift"], "lower": lift["lift_ci_lower"], "upper": lift["lift_ci_upper"]}],
            "label", "estimate", "lower", "upper", title="Relative lift with 90% CI", value_format="percent")
    placement_rows = [{"label": f"{r['campaign_id']} · {r['segment']}", "estimate": r["return_per_1000"],
                      "lower": r["return_per_1000"] - 1.6449 * r["return_per_1000_se"],
                      "upper": r["return_per_1000"] + 1.6449 * r["return_per_1000_se"]}
                      for r in d["placement"].rows if r["action"] in ("shift_toward", "shift_away")
                      and r["return_per_1000_se"] is not None]
    charts_ = {
        "series": charts.time_series(d["daily"].rows, "date_day", {"impressions": "Impressions",
                                                                  "video_plays": "Plays"}, title="Delivery per day"),
        "rates": charts.time_series(d["daily"].rows, "date_day", {"ctr": "CTR", "vtr_100": "Completion"},
                                    title="CTR and completion per day", value_format="percent"),
        "funnel": charts.bar_chart(d["funnel"].rows, "step", "views", title="Video-view funnel", sort=None,
                                   ordinal=True),
        "lift": lift_chart,
        "qini": _qini_chart(d["deciles"].rows),
        "fatigue": charts.bar_chart(d["fatigue"].rows, "bucket_label", "ctr", title="CTR by impression frequency",
                                    value_format="percent", sort=None, ordinal=True),
        "launch_age": charts.bar_chart(d["launch_age"], "bucket_label", "ctr", value_format="percent", sort=None,
                                       ordinal=True, title="CTR by days since the ad launched"),
        "placement": charts.interval_chart(placement_rows, "label", "estimate", "lower", "upper",
                                           title="Incremental conversions per ¥1,000 (90% CI)", value_format="number")
        if placement_rows else None,
    }
    csv_urls = {name: url_with(format="csv", table=name) for name in DETAIL_TABLES}
    by_links = {key: url_with(by=key) for key in BREAKDOWN_TABS}
    return render_page("campaigns/detail.html", marts=DETAIL_MARTS, charts_=charts_, csv_urls=csv_urls,
                       by_links=by_links, breakdown_tabs=BREAKDOWN_TABS, lift_table=d["lift"], **d)


@bp.get("/api/campaigns/<campaign_id>")
def api_detail(campaign_id: str):
    d = _detail(campaign_id)
    return jsonify({
        **d["date_range"].as_args(), "campaign": d["campaign"], "by": d["by"],
        "current": d["kpis"]["current"], "previous": {**d["kpis"]["previous"], **d["kpis"]["previous_range"].as_args()},
        "daily": d["daily"].rows, "breakdown": d["breakdown"].rows, "funnel": d["funnel"].rows,
        "lift": d["lift_row"], "uplift": {"fit_status": d["fit_status"], "evaluation": d["evaluation"],
                                          "deciles": d["deciles"].rows},
        "fatigue": {"frequency": d["fatigue"].rows, "days_since_launch": d["launch_age"]},
        "placement": {"plan": d["plan"], "segments": d["placement_segments"]},
        "ad_comments": {"has_sentiment": d["has_sentiment"], "rows": d["comments"].rows},
    })
