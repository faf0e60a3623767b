"""Placement: an advertiser's budget plan from the holdouts, with its evidence, uncertainty and backtest,
in the advertiser's words. Data: rpt_placement_plan, rpt_placement_recommendations, rpt_placement_backtest
(method in docs/campaigns.md, "Placement optimisation")."""

from __future__ import annotations

import re

from flask import Blueprint, jsonify, url_for

from webreport import params, report_settings
from webreport.pages import render_page
from webreport.queries import placement
from webreport.tables import Column, Table, csv_response

bp = Blueprint("placement", __name__)
NAV = ("Placement", "placement.index")
MARTS = ("rpt_placement_plan", "rpt_placement_recommendations", "rpt_placement_backtest", "rpt_report_settings")
TABLES = ("segments", "plan", "backtest")
_ADVERTISER_ID = re.compile(r"[A-Za-z0-9_\-]{1,100}")
SEGMENT_TYPES = {"age_band_device": "age band × device", "uplift_decile": "uplift decile"}
ACTION_WORDS = {
    "shift_toward": "Spend more here", "shift_away": "Spend less here", "hold": "Keep as is",
    "not_enough_evidence": "Not enough evidence yet", "insufficient_data": "Too little data to measure",
}


def _parse_advertiser(advertiser_id: str) -> dict:
    if not _ADVERTISER_ID.fullmatch(advertiser_id or ""):
        params.bad_request("An advertiser id is letters, digits, '_' or '-' (at most 100 characters).")
    return params.found(placement.advertiser(advertiser_id), f"No placement plan for advertiser {advertiser_id}.")


def _level() -> str:
    """The site's interval level ('95%'): every range on these pages is at it (var interval_level)."""
    return report_settings.get().level


def _segments_table(rows: list[dict]) -> Table:
    return Table(id="placement-segments", rows=rows, columns=[
        Column("segment_type", "Segment type"), Column("campaign_id", "Campaign"), Column("segment", "Segment"),
        Column("action_words", "Recommendation"), Column("spend", "Spend", "currency"),
        Column("budget_change", "Budget change", "currency"),
        Column("expected_gain", "Expected extra conversions", "number"),
        Column("expected_gain_ci_lower", f"Gain {_level()} low", "number"),
        Column("expected_gain_ci_upper", f"Gain {_level()} high", "number"),
        Column("return_per_1000", "Conv. per ¥1,000 so far", "number",
               tooltip="Incremental conversions per 1,000 CNY spent in the segment, measured against its holdout "
                       "and shrunk toward the campaign's (hierarchical Bayes)."),
        Column("marginal_return_per_1000", "Conv. per extra ¥1,000", "number",
               tooltip="What the next 1,000 CNY would buy: the return so far times the campaign's marginal/average "
                       "ratio from its frequency response."),
        Column("chance_above_average", "Chance it beats your average", "percent"),
        Column("raw_return_per_1000", "Raw holdout estimate", "number"),
        Column("raw_return_per_1000_se", "± s.e.", "number"),
        Column("arm_treated_users", "Treated users measured", "int"),
        Column("arm_holdout_users", "Holdout users measured", "int"),
        Column("reason", "Why"),
    ])


def _plan_table(rows: list[dict]) -> Table:
    return Table(id="placement-plan", rows=rows, columns=[
        Column("segment_type", "Segment type"), Column("status", "Plan"), Column("budget_moved", "Budget moved", "currency"),
        Column("expected_gain", "Expected extra conversions", "number"),
        Column("expected_gain_ci_lower", f"{_level()} low", "number"),
        Column("expected_gain_ci_upper", f"{_level()} high", "number"),
        Column("chance_of_gain", "Chance of a gain", "percent"), Column("segments_toward", "Receive", "int"),
        Column("segments_away", "Give", "int"), Column("segments_hold", "Hold", "int"),
        Column("segments_not_enough_evidence", "Not enough evidence", "int"),
        Column("segments_insufficient_data", "Too little data", "int"),
    ])


def _backtest_table(rows: list[dict]) -> Table:
    return Table(id="placement-backtest", rows=rows, columns=[
        Column("segment_type", "Segment type"), Column("segments_moved", "Segments moved", "int"),
        Column("budget_moved", "Budget moved (2nd half)", "currency"),
        Column("predicted_gain", "Predicted extra conversions", "number"),
        Column("predicted_gain_ci_lower", f"{_level()} low", "number"),
        Column("predicted_gain_ci_upper", f"{_level()} high", "number"),
        Column("realised_gain", "Measured extra conversions", "number"),
        Column("realised_gain_ci_lower", f"{_level()} low", "number"),
        Column("realised_gain_ci_upper", f"{_level()} high", "number"),
        Column("segments_not_evaluable", "Not measurable", "int"),
    ])


def _detail(advertiser_id: str) -> dict:
    info = _parse_advertiser(advertiser_id)
    aid = info["advertiser_id"]
    segments = [{**row, "action_words": ACTION_WORDS.get(row["action"], row["action"])}
                for row in placement.segments(aid)]
    plans = placement.plans(aid)
    return {
        "advertiser": info, "plans": plans, "campaigns": placement.campaigns(aid), "segments": segments,
        "moves": [row for row in segments if row["budget_change"]],
        "backtest": placement.backtest(aid), "segment_types": SEGMENT_TYPES,
    }


@bp.get("/placement")
def index():
    rows = placement.advertisers()
    for row in rows:
        row["url"] = url_for("placement.detail", advertiser_id=row["advertiser_id"])
    return render_page("placement/index.html", marts=MARTS, rows=rows, segment_types=SEGMENT_TYPES)


@bp.get("/placement/<advertiser_id>")
def detail(advertiser_id: str):
    d = _detail(advertiser_id)
    tables = {"segments": _segments_table(d["segments"]), "plan": _plan_table(d["plans"]),
              "backtest": _backtest_table(d["backtest"])}
    if params.format_arg() == "csv":
        name = params.choice_arg("table", TABLES, "segments")
        return csv_response(tables[name], f"placement-{d['advertiser']['advertiser_id']}-{name}.csv")
    csv_urls = {name: url_for("placement.detail", advertiser_id=d["advertiser"]["advertiser_id"], format="csv",
                              table=name) for name in TABLES}
    return render_page("placement/detail.html", marts=MARTS, tables=tables, csv_urls=csv_urls, **d)


@bp.get("/api/placement/<advertiser_id>")
def api_detail(advertiser_id: str):
    d = _detail(advertiser_id)
    return jsonify({"advertiser": d["advertiser"], "plans": d["plans"], "campaigns": d["campaigns"],
                    "segments": d["segments"], "backtest": d["backtest"]})
