"""Campaigns: delivery, KPIs, pacing and attributed versus incremental results over the date range, and one
campaign's page in the order an advertiser reads it: headline, trend, lift, breakdowns, targeting (uplift,
placement, ad comments)."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

from flask import Blueprint, jsonify, url_for

from models_ml.experiments import wilson_interval
from webreport import charts, metrics, params, report_settings
from webreport.blueprints.placement import SEGMENT_TYPES
from webreport.pages import render_page, url_with
from webreport.queries import campaigns
from webreport.queries import placement as placement_queries
from webreport.tables import Column, Table, csv_response, format_value

bp = Blueprint("campaigns", __name__)
NAV = ("Campaigns", "campaigns.index")
MARTS = ("fct_campaign_daily", "rpt_campaign_summary", "fct_campaign_lift", "rpt_metric_definitions", "rpt_report_settings")
DETAIL_MARTS = ("fct_campaign_daily", "fct_campaign_region_daily", "fct_campaign_segment_daily", "fct_campaign_lift",
                "fct_campaign_uplift_deciles", "fct_model_evaluations", "fct_ad_fatigue", "rpt_placement_recommendations",
                "rpt_placement_plan", "dim_campaign_ads", "rpt_report_settings")
RATIOS = ["ctr", "cvr", "cpm", "cpc", "cpa", "roas", "vtr_100"]
HIDDEN_PARTS = ["conversion_value", "ad_views_p100"]
# Breakdown tabs: ?by= key -> tab label; the columns naming a row (key, name, detail or "" for none).
BREAKDOWN_TABS = {"ad_group": "ad group", "ad": "ad", "region": "region", "segment": "age band × device"}
BREAKDOWN_COLUMNS = {"ad_group": ("Ad group", "Name", "Placement"), "ad": ("Ad", "Name", "Format"),
                     "region": ("Country", "Region", ""), "segment": ("Age band", "Device", "")}
DETAIL_TABLES = ("daily", "breakdown", "funnel", "lift", "deciles", "fatigue", "placement", "comments")
_CAMPAIGN_ID = re.compile(r"[A-Za-z0-9_\-]{1,100}")
MIN_FATIGUE_CLICKS = 50  # below this many clicks the fatigue chart is not drawn: the table says why
VERDICT_TEXT = {"positive": "positive", "negative": "negative", "inconclusive": "inconclusive"}


def _parse_campaign(campaign_id: str) -> dict:
    if not _CAMPAIGN_ID.fullmatch(campaign_id or ""):
        params.bad_request("A campaign id is letters, digits, '_' or '-' (at most 100 characters).")
    return params.found(campaigns.campaign(campaign_id), f"No campaign with id {campaign_id}.")


def _performance_columns(first: list[Column]) -> list[Column]:
    return [
        *first,
        Column("spend", "Spend", "currency", total="sum"),
        Column("impressions", "Impressions", "int", total="sum"),
        Column("clicks", "Clicks", "int", total="sum"),
        Column("conversions", "Conversions", "int", total="sum",
               tooltip=f"Attributed conversions: {report_settings.get().attribution} "
                       "(attribution_click_window_days / attribution_view_window_days)."),
        Column("view_through_conversions", "of which view-through", "int", total="sum",
               tooltip="Conversions credited to an impression (no click in the click window)."),
        Column("ctr", "CTR", "percent", metric="ctr", total="metric"),
        Column("cpm", "CPM", "currency", metric="cpm", total="metric"),
        Column("cpc", "CPC", "currency", metric="cpc", total="metric"),
        Column("cpa", "CPA", "currency", metric="cpa", total="metric"),
        Column("roas", "ROAS", "ratio", metric="roas", total="metric"),
        Column("vtr_100", "VTR 100%", "percent", metric="vtr_100", total="metric"),
    ]


# --- campaign list ----------------------------------------------------------------------------------
def _interval_text(estimate, lower, upper, verdict, kind: str) -> str | None:
    """An incremental figure as a reader should take it: the estimate when its interval excludes zero
    effect, else 'inconclusive' with the interval (the point estimate alone would mislead)."""
    if verdict is None or estimate is None:
        return None
    bounds = f"{format_value(lower, kind)} to {format_value(upper, kind) if upper is not None else '∞'}"
    if verdict == "inconclusive":
        return f"inconclusive ({bounds})"
    return f"{format_value(estimate, kind)} ({bounds})"


def _flight_days_in(row: dict, start: date, end: date, bounds: tuple[date, date] | None) -> int:
    """Days of the campaign's flight inside [start, end] and inside the data."""
    first = max(start, row["start_date"], bounds[0] if bounds else start)
    last = min(end, row["end_date"], bounds[1] if bounds else end)
    return max((last - first).days + 1, 0)


def _add_pacing(rows: list[dict], start: date, end: date, bounds) -> None:
    for row in rows:
        days = _flight_days_in(row, start, end, bounds) if row.get("start_date") and row.get("end_date") else 0
        budget = float(row["daily_budget"]) * days if row.get("daily_budget") is not None else None
        row["budget_in_period"] = budget
        row["pacing"] = float(row["spend"] or 0) / budget if budget else None


def _add_flight_ratios(rows: list[dict]) -> None:
    """Attributed CPA and ROAS over the flight so far, the window of the holdout lift they sit beside."""
    for row in rows:
        parts = {"spend": row.get("flight_spend"), "conversions": row.get("flight_conversions"),
                 "conversion_value": row.get("flight_conversion_value")}
        row["flight_cpa"] = metrics.ratio("cpa", parts)
        row["flight_roas"] = metrics.ratio("roas", parts)


def _list_filters() -> dict:
    bounds = campaigns.date_bounds()
    date_range = params.date_range(bounds)
    advertiser_ids = [a["advertiser_id"] for a in campaigns.advertisers()]
    advertiser = params.choice_arg("advertiser", advertiser_ids)
    return {"date_range": date_range, "advertiser": advertiser}


def _kpis(f: dict) -> dict:
    current_range, previous_range = f["date_range"], f["date_range"].previous()
    current = campaigns.totals(current_range.start, current_range.end, advertiser_id=f["advertiser"])
    previous = campaigns.totals(previous_range.start, previous_range.end, advertiser_id=f["advertiser"]) \
        if f["date_range"].previous_is_covered else {}
    metrics.add_ratios([current, previous], RATIOS)
    return {"current": current, "previous": previous, "previous_range": previous_range}


def _daily_series(date_range: params.DateRange, spend_rows: list[dict]) -> dict[str, list]:
    """Spend per day of the range per campaign, zero on days without delivery (sparkline input)."""
    days = [date_range.start + timedelta(days=i) for i in range(date_range.days)]
    by_campaign: dict[str, dict] = {}
    for row in spend_rows:
        by_campaign.setdefault(row["campaign_id"], {})[row["date_day"]] = row["spend"]
    return {cid: [spend.get(day, 0) for day in days] for cid, spend in by_campaign.items()}


def _list_table(f: dict) -> Table:
    dr = f["date_range"]
    rows = metrics.add_ratios(campaigns.campaign_list(dr.start, dr.end, f["advertiser"]), RATIOS)
    _add_pacing(rows, dr.start, dr.end, dr.bounds)
    _add_flight_ratios(rows)
    series = _daily_series(dr, campaigns.daily_spend(dr.start, dr.end, advertiser_id=f["advertiser"]))
    args = dr.as_args()

    def spark(row: dict):
        return charts.sparkline(series.get(row["campaign_id"], []), label=f"Spend per day, {dr.start} to {dr.end}")

    return Table(
        id="campaigns",
        columns=[
            Column("campaign_name", "Campaign",
                   link=lambda r: url_for("campaigns.detail", campaign_id=r["campaign_id"], **args)),
            Column("advertiser_name", "Advertiser"),
            Column("spend", "Spend", "currency", total="sum", extra=spark),
            Column("pacing", "Pacing", "percent",
                   tooltip="Spend / (daily budget × flight days in the period): 100% spends the budget exactly."),
            Column("impressions", "Impressions", "int", total="sum"),
            Column("ctr", "CTR", "percent", metric="ctr", total="metric"),
            Column("conversions", "Conversions", "int", total="sum",
                   tooltip=f"Attributed in the period: {report_settings.get().attribution}."),
            Column("cpa", "CPA", "currency", metric="cpa", total="metric"),
            Column("roas", "ROAS", "ratio", metric="roas", total="metric"),
        ],
        rows=rows, row_key="campaign_id", with_totals=True, hidden_parts=HIDDEN_PARTS,
    )


def _flight_table(rows: list[dict], args: dict) -> Table:
    """Attributed beside incremental, both over each campaign's flight so far (the lift study's window),
    never beside a figure of another window."""
    return Table(
        id="campaign-flights",
        columns=[
            Column("campaign_name", "Campaign",
                   link=lambda r: url_for("campaigns.detail", campaign_id=r["campaign_id"], **args) + "#lift"),
            Column("flight_spend", "Spend", "currency"),
            Column("flight_reach", "Reach", "int", tooltip="Distinct users reached over the flight so far."),
            Column("flight_frequency", "Frequency", "ratio", metric="frequency"),
            Column("flight_conversions", "Conv. attributed", "int"),
            Column("incremental_conversions", "Conv. incremental", "number",
                   display=lambda r: _interval_text(r["incremental_conversions"], r["incremental_conversions_ci_lower"],
                                                    r["incremental_conversions_ci_upper"], r["conversions_verdict"],
                                                    "number"),
                   tooltip="Conversions caused by the campaign (randomised holdout), with the interval."),
            Column("flight_cpa", "CPA attributed", "currency",
                   tooltip="Spend / attributed conversions over the flight so far: what the ad platform reports."),
            Column("incremental_cpa", "iCPA", "currency",
                   display=lambda r: _interval_text(r["incremental_cpa"], r["incremental_cpa_ci_lower"],
                                                    r["incremental_cpa_ci_upper"], r["conversions_verdict"],
                                                    "currency"),
                   tooltip="Spend / conversions caused by the campaign (randomised holdout, flight so far), with "
                           "its interval; 'inconclusive' when the interval includes no effect."),
            Column("flight_roas", "ROAS attributed", "ratio",
                   tooltip="Attributed conversion value / spend over the flight so far."),
            Column("incremental_roas", "iROAS", "ratio",
                   display=lambda r: _interval_text(r["incremental_roas"], r["incremental_roas_ci_lower"],
                                                    r["incremental_roas_ci_upper"], r["value_verdict"], "ratio"),
                   tooltip="Incremental conversion value / spend (holdout lift over the flight so far), with its "
                           "interval; 'inconclusive' when the interval includes no effect."),
        ],
        rows=rows, row_key="campaign_id",
    )


@bp.get("/campaigns")
def index():
    f = _list_filters()
    table = _list_table(f)
    flights = _flight_table(table.rows, f["date_range"].as_args())
    if params.format_arg() == "csv":
        if params.choice_arg("table", ("campaigns", "flights"), "campaigns") == "flights":
            return csv_response(flights, "campaign-flights.csv")
        return csv_response(table, f"campaigns-{f['date_range'].start}-{f['date_range'].end}.csv")
    advertiser_filter = {"name": "advertiser", "label": "Advertiser", "blank": "All advertisers",
                         "options": [(a["advertiser_id"], a["advertiser_name"]) for a in campaigns.advertisers()],
                         "selected": f["advertiser"]}
    return render_page("campaigns/index.html", marts=MARTS, date_range=f["date_range"], kpis=_kpis(f), table=table,
                       flights=flights, filters=[advertiser_filter], csv_url=url_with(format="csv"),
                       flights_csv_url=url_with(format="csv", table="flights"), level=report_settings.get().level)


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
    """Two funnels from plays, not one: seconds watched (2 s, 6 s) and the share of the ad watched (quartiles)
    are each nested, but 6 s is more than 25% of an ad shorter than 24 s and less of a longer one."""
    steps = [("video_plays", "Plays", None, None),
             ("video_views_2s", "2-second views", "Seconds watched", "video_plays"),
             ("video_views_6s", "6-second views", "Seconds watched", "video_views_2s"),
             ("ad_views_p25", "25% watched", "Share of the ad watched", "video_plays"),
             ("ad_views_p50", "50% watched", "Share of the ad watched", "ad_views_p25"),
             ("ad_views_p75", "75% watched", "Share of the ad watched", "ad_views_p50"),
             ("ad_views_p100", "Completed", "Share of the ad watched", "ad_views_p75")]
    impressions = totals.get("impressions") or 0
    labels = {key: label for key, label, _, _ in steps}
    rows = []
    for key, label, measure, previous in steps:
        views = totals.get(key) or 0
        before = (totals.get(previous) or 0) if previous else None
        rows.append({"step": label, "measured_by": measure or "Started playing", "previous_step": labels.get(previous),
                     "views": views, "share_of_impressions": views / impressions if impressions else None,
                     "share_of_previous": views / before if before else None})
    return Table(id="campaign-funnel", rows=rows, row_key="step", columns=[
        Column("measured_by", "Measured by"), Column("step", "Step"),
        Column("views", "Impressions reaching it", "int"),
        Column("share_of_impressions", "Share of impressions", "percent",
               tooltip="Impressions reaching the step / all impressions (VTR for the quartiles)."),
        Column("previous_step", "Of step"),
        Column("share_of_previous", "Share of that step", "percent",
               tooltip="Impressions reaching the step / those reaching the step it is a subset of."),
    ])


def _lift_table(info: dict, lift: dict | None) -> Table:
    """Attributed (what the platform credits) beside incremental (what the holdout proves) over the flight so
    far: conversions, conversion value, CPA and ROAS, each incremental figure with its interval and verdict."""
    rows = []
    if lift and lift.get("error_message") is None:
        parts = {"spend": info.get("spend"), "conversions": info.get("conversions"),
                 "conversion_value": info.get("conversion_value")}
        for key, label, kind, attributed, verdict in (
                ("incremental_conversions", "Conversions", "number", info.get("conversions"),
                 lift["conversions_verdict"]),
                ("incremental_value", "Conversion value (CNY)", "currency", info.get("conversion_value"),
                 lift["value_verdict"]),
                ("incremental_cpa", "CPA (CNY)", "currency", metrics.ratio("cpa", parts), lift["conversions_verdict"]),
                ("incremental_roas", "ROAS", "ratio", metrics.ratio("roas", parts), lift["value_verdict"])):
            rows.append({"measure": label, "attributed": attributed, "incremental": lift.get(key),
                         "ci_lower": lift.get(f"{key}_ci_lower"), "ci_upper": lift.get(f"{key}_ci_upper"),
                         "verdict": verdict, "kind": kind,
                         "shown": _interval_text(lift.get(key), lift.get(f"{key}_ci_lower"),
                                                 lift.get(f"{key}_ci_upper"), verdict, kind)})
    settings = report_settings.get()
    level = settings.level
    return Table(id="campaign-lift", rows=rows, row_key="measure", columns=[
        Column("measure", "Measure"),
        Column("attributed", "Attributed", "ratio",
               display=lambda r: format_value(r["attributed"], "int" if r["kind"] == "number" else r["kind"]),
               tooltip=f"Last-touch attribution ({settings.attribution_short}) over the flight so far."),
        Column("incremental", f"Incremental ({level} interval)", "ratio", display=lambda r: r["shown"],
               tooltip="Caused by the campaign: treatment minus holdout, scaled to the treatment group."),
        Column("ci_lower", f"{level} lower", "ratio", display=lambda r: format_value(r["ci_lower"], r["kind"])),
        Column("ci_upper", f"{level} upper", "ratio",
               display=lambda r: format_value(r["ci_upper"], r["kind"]) if r["ci_upper"] is not None else "∞",
               tooltip="∞ for an iCPA whose interval reaches zero incremental conversions."),
        Column("verdict", "Verdict"),
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
    """CTR per bucket with its Wilson score interval at the pages' interval level, so a bucket with a handful
    of clicks shows how little it says (the statistic: models_ml.experiments.wilson_interval)."""
    rows = metrics.add_ratios(campaigns.fatigue(cid, dimension), ["ctr"])
    lower, upper = wilson_interval([row["clicks"] for row in rows], [row["impressions"] for row in rows],
                                   report_settings.get().z)
    for row, low, high in zip(rows, lower, upper, strict=True):
        row["ctr_ci_lower"] = None if math.isnan(low) else float(low)
        row["ctr_ci_upper"] = None if math.isnan(high) else float(high)
    return rows


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
        Column("expected_gain_ci_lower", f"Gain {report_settings.get().level} lower", "number"),
        Column("expected_gain_ci_upper", f"Gain {report_settings.get().level} upper", "number"),
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


def _trend_charts(daily: list[dict], daily_budget) -> dict:
    """Spend against the daily budget, CTR, CPA and ROAS per day: four small charts, one unit each."""
    budget = float(daily_budget) if daily_budget is not None else None
    spend_rows = [{**row, "daily_budget": budget} for row in daily]
    series = {"spend": "Spend"} | ({"daily_budget": "Daily budget"} if budget is not None else {})
    return {
        "spend": charts.time_series(spend_rows, "date_day", series, title="Spend per day", value_format="currency",
                                    y_title="Spend", height=160),
        "ctr": charts.time_series(daily, "date_day", {"ctr": "CTR"}, title="CTR per day", value_format="percent",
                                  height=160),
        "cpa": charts.time_series(daily, "date_day", {"cpa": "CPA"}, title="CPA per day (attributed)",
                                  value_format="currency", height=160),
        "roas": charts.time_series(daily, "date_day", {"roas": "ROAS"}, title="ROAS per day (attributed)",
                                   value_format="ratio", y_title="ROAS (value / spend)", height=160),
    }


def _detail(campaign_id: str) -> dict:
    info = _parse_campaign(campaign_id)
    cid = info["campaign_id"]
    date_range = params.date_range(campaigns.date_bounds())
    by = params.choice_arg("by", tuple(BREAKDOWN_TABS), "ad_group")
    previous_range = date_range.previous()
    current = campaigns.totals(date_range.start, date_range.end, campaign_id=cid)
    previous = campaigns.totals(previous_range.start, previous_range.end, campaign_id=cid) \
        if date_range.previous_is_covered else {}
    metrics.add_ratios([current, previous], RATIOS)
    pacing = {**info, "spend": current.get("spend")}
    _add_pacing([pacing], date_range.start, date_range.end, date_range.bounds)
    lift = campaigns.lift(cid)
    level = report_settings.get().level
    fatigue_rows = _fatigue_rows(cid, "frequency")
    comments, has_sentiment = _comments_table(cid)
    return {
        "campaign": info, "date_range": date_range, "by": by, "level": level,
        "kpis": {"current": current, "previous": previous, "previous_range": previous_range},
        "pacing": {"budget": pacing["budget_in_period"], "pacing": pacing["pacing"]},
        "daily": _daily_table(cid, date_range), "breakdown": _breakdown_table(cid, by, date_range),
        "funnel": _funnel_table(current), "lift_row": lift, "deciles": _deciles_table(cid),
        "evaluation": campaigns.uplift_evaluation(cid), "fit_status": campaigns.uplift_fit_status(cid),
        "fatigue": Table(id="campaign-fatigue", rows=fatigue_rows, row_key="bucket", columns=[
            Column("bucket_label", "Impression # per user"), Column("impressions", "Impressions", "int"),
            Column("clicks", "Clicks", "int"), Column("ctr", "CTR", "percent", metric="ctr"),
            Column("ctr_ci_lower", f"CTR {level} lower", "percent"),
            Column("ctr_ci_upper", f"CTR {level} upper", "percent")]),
        "fatigue_clicks": sum(row["clicks"] or 0 for row in fatigue_rows),
        "placement": _placement_table(info["advertiser_id"]), "plan": placement_queries.plans(info["advertiser_id"]),
        "placement_segments": campaigns.placement(info["advertiser_id"]),
        "comments": comments, "has_sentiment": has_sentiment,
    }


@bp.get("/campaigns/<campaign_id>")
def detail(campaign_id: str):
    d = _detail(campaign_id)
    d["lift"] = _lift_table(d["campaign"], d["lift_row"])
    if params.format_arg() == "csv":
        name = params.choice_arg("table", DETAIL_TABLES, "daily")
        return csv_response(d[name], f"campaign-{d['campaign']['campaign_id']}-{name}.csv")
    lift = d["lift_row"]
    lift_chart = None
    if lift and lift.get("error_message") is None:
        lift_chart = charts.interval_chart(
            [{"label": "Conversions", "estimate": lift["lift"], "lower": lift["lift_ci_lower"],
              "upper": lift["lift_ci_upper"]}],
            "label", "estimate", "lower", "upper", title=f"Relative lift with its {d['level']} interval",
            value_format="percent", value_title="Lift over the holdout", label_title="Outcome", height=120)
    z = report_settings.get().z
    placement_rows = [{"label": f"{r['campaign_id']} · {r['segment']}", "estimate": r["return_per_1000"],
                      "lower": r["return_per_1000"] - z * r["return_per_1000_se"],
                      "upper": r["return_per_1000"] + z * r["return_per_1000_se"]}
                      for r in d["placement"].rows if r["action"] in ("shift_toward", "shift_away")
                      and r["return_per_1000_se"] is not None]
    fatigue_chart = None
    if d["fatigue_clicks"] >= MIN_FATIGUE_CLICKS:
        fatigue_chart = charts.interval_chart(
            [r for r in d["fatigue"].rows if r["ctr"] is not None], "bucket_label", "ctr", "ctr_ci_lower",
            "ctr_ci_upper", title=f"CTR by impression frequency ({d['level']} intervals)", value_format="percent",
            value_title="CTR", label_title="Impression # per user", zero=None)
    charts_ = {
        **_trend_charts(d["daily"].rows, d["campaign"].get("daily_budget")),
        "lift": lift_chart,
        "qini": _qini_chart(d["deciles"].rows),
        "fatigue": fatigue_chart,
        "placement": charts.interval_chart(placement_rows, "label", "estimate", "lower", "upper",
                                           title=f"Incremental conversions per ¥1,000 ({d['level']} interval)",
                                           value_format="number",
                                           value_title="Incremental conversions per ¥1,000", label_title="Segment")
        if placement_rows else None,
    }
    csv_urls = {name: url_with(format="csv", table=name) for name in DETAIL_TABLES}
    by_links = {key: url_with(by=key) for key in BREAKDOWN_TABS}
    return render_page("campaigns/detail.html", marts=DETAIL_MARTS, charts_=charts_, csv_urls=csv_urls,
                       by_links=by_links, breakdown_tabs=BREAKDOWN_TABS, lift_table=d["lift"], segment_types=SEGMENT_TYPES,
                       min_fatigue_clicks=MIN_FATIGUE_CLICKS, **d)


@bp.get("/api/campaigns/<campaign_id>")
def api_detail(campaign_id: str):
    d = _detail(campaign_id)
    return jsonify({
        **d["date_range"].as_args(), "campaign": d["campaign"], "by": d["by"],
        "current": d["kpis"]["current"], "previous": {**d["kpis"]["previous"], **d["kpis"]["previous_range"].as_args()},
        "pacing": d["pacing"], "daily": d["daily"].rows, "breakdown": d["breakdown"].rows, "funnel": d["funnel"].rows,
        "lift": d["lift_row"],
        "attributed_vs_incremental": [{k: v for k, v in row.items() if k not in ("kind", "shown")}
                                      for row in _lift_table(d["campaign"], d["lift_row"]).rows],
        "uplift": {"fit_status": d["fit_status"], "evaluation": d["evaluation"], "deciles": d["deciles"].rows},
        "fatigue": {"frequency": d["fatigue"].rows},
        "placement": {"plan": d["plan"], "segments": d["placement_segments"]},
        "ad_comments": {"has_sentiment": d["has_sentiment"], "rows": d["comments"].rows},
    })
