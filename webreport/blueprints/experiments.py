"""Experiments: the list with health badges and a decision hint, one experiment's results (metric x
variant, lift with CI, p-values or chance to win, CUPED toggle, cumulative lift, segments, health),
CSV/JSON of every number, and a planning page (sample size, MDE, duration from historical variance).

Statistics come from fct_experiment_results (models_ml.experiments, run in the warehouse), health
flags from dim_experiments and the decision from rpt_experiment_decisions; this module only
chooses rows and turns them into pages. Planning calls models_ml.experiments.plan_experiment.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from models_ml.experiments import plan_experiment
from webreport import charts, params, report_settings
from webreport.pages import render_page, url_with
from webreport.queries import experiments as q
from webreport.tables import Column, Table, csv_response, format_value

bp = Blueprint("experiments", __name__)
NAV = ("Experiments", "experiments.index")
MARTS = ("dim_experiments", "rpt_experiment_decisions", "fct_experiment_results", "dim_experiment_metric_roles",
         "fct_experiment_health", "dim_experiment_metrics")
_EXPERIMENT_ID = re.compile(r"[A-Za-z0-9_\-]{1,100}")
VIEWS = ("frequentist", "bayesian")


# ---- health and decision: decided in the warehouse (dim_experiments, rpt_experiment_decisions) ---

def health_badges(experiment: dict) -> list[dict]:
    """Badges for the health flags dim_experiments decided (SRM, multiple exposures, too few users)."""
    badges = []
    if experiment.get("has_srm"):
        badges.append({"key": "srm", "label": "SRM", "level": "bad",
                       "title": f"Sample ratio mismatch: p = {experiment['srm_p_value']:.2g}. Users per arm do "
                                "not match the configured weights; do not trust any metric."})
    if experiment.get("has_multiple_exposures"):
        share = experiment.get("multiple_exposure_share") or 0.0
        badges.append({"key": "multiple_exposures", "label": "Multiple exposures", "level": "warn",
                       "title": f"{share:.1%} of exposed users saw more than one arm (excluded from the analysis)."})
    if experiment.get("is_too_few_users"):
        badges.append({"key": "too_few_users", "label": "Too few users", "level": "warn",
                       "title": "An arm has fewer analysed users than the configured minimum."})
    return badges


_DECISION_LEVELS = {"fix_assignment": "bad", "keep_running_too_few_users": "warn", "dont_ship_guardrail": "bad",
                    "dont_ship": "bad", "guardrail_unproven": "warn", "ship": "good", "keep_running": "neutral", "no_effect": "neutral"}


def decision_hint(decision: dict | None) -> dict:
    """The warehouse's decision (a row of rpt_experiment_decisions) in words."""
    code = (decision or {}).get("decision")
    if code is None:
        return {"level": "neutral", "text": "No results yet.", "code": None}
    lift = decision.get("decision_relative_lift")
    subject = (f"{decision.get('decision_variant_name')}: {decision.get('decision_metric_label')} "
               f"{format_lift(lift)} (significant)." if lift is not None else "")
    text = {
        "fix_assignment": "Fix the assignment first: sample ratio mismatch.",
        "keep_running_too_few_users": "Keep running: too few users to decide.",
        "dont_ship_guardrail": f"Don't ship {decision.get('decision_variant_name')}: guardrail "
                               f"{decision.get('decision_metric_label')} {format_lift(lift)} (significantly worse).",
        "dont_ship": f"Don't ship {subject}",
        "guardrail_unproven": f"Not yet: {decision.get('decision_variant_name')} wins on "
                              f"{decision.get('decision_metric_label')} ({format_lift(lift)}), but guardrail "
                              f"{decision.get('unproven_guardrail_metric_label')} may be down by more than its "
                              f"{_margin(decision.get('unproven_guardrail_margin'))} margin (its uncorrected interval "
                              f"{format_interval(decision.get('unproven_guardrail_ci_lower'), decision.get('unproven_guardrail_ci_upper'))}).",
        "ship": f"Ship {subject}",
        "keep_running": "Keep running: no significant difference on the goal metrics yet.",
        "no_effect": "No detectable effect on the goal metrics.",
    }[code]
    if code == "dont_ship_guardrail" and decision.get("goal_won_but_blocked"):
        text += " A goal metric improved, but a guardrail breach stops the ship."
    unproven = decision.get("guardrails_not_shown_non_inferior") or 0
    if code == "ship" and unproven:
        text += f" Check the guardrails: {unproven} not yet shown non-inferior."
    return {"level": _DECISION_LEVELS[code], "text": text, "code": code}


# ---- formats: units, signed lifts, percentage points, p-values ----------------------------------

def _margin(value) -> str:
    return "–" if _missing(value) else f"{float(value):.0%}"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# A metric's unit -> the tables.format_value kind of its values and of a difference between two of them.
UNIT_KINDS = {"rate": "rate", "currency": "currency", "seconds": "seconds", "count": "ratio"}
DIFFERENCE_KINDS = {"rate": "pp", "currency": "signed_currency", "seconds": "signed_seconds", "count": "signed"}


def format_lift(value) -> str:
    """A relative lift as a signed percentage; never "-0.0%"."""
    return format_value(value, "lift")


def format_p(value) -> str:
    return format_value(value, "p_value")


def format_metric_value(value, unit: str) -> str:
    """A per-user value in the metric's unit: rate as %, currency in CNY, seconds, counts."""
    return format_value(value, UNIT_KINDS.get(unit, "ratio"))


def format_difference(value, unit: str) -> str:
    """An absolute difference: percentage points for rates, ¥ for money."""
    return format_value(value, DIFFERENCE_KINDS.get(unit, "signed"))


def format_interval(lower, upper) -> str:
    """The relative CI; a bound below -100% (impossible for a non-negative metric) shows as -100%, an
    unbounded upper bound (corrected p-value of 1) as +∞."""
    if _missing(lower) or _missing(upper):
        return "–"
    high = "+∞" if math.isinf(upper) else format_lift(upper)
    return f"[{format_lift(max(lower, -1.0))}, {high}]"


def _news(row: dict) -> str:
    """good / bad / none / untested: colour by whether the move is good news for this metric."""
    if row.get("error_message"):
        return "untested"
    if row.get("is_good_news"):
        return "good"
    if row.get("is_bad_news"):
        return "bad"
    return "none"


_VERDICTS = {"good": "Better", "bad": "Worse", "none": "Not significant", "untested": "Not tested"}


def _present(row: dict) -> dict:
    """Display strings of one result row (the raw numbers stay for CSV and JSON)."""
    unit = row.get("unit") or "count"
    news = _news(row)
    guardrail = None
    if row.get("role") == "guardrail":
        margin = row.get("non_inferiority_margin")
        if news == "bad":
            guardrail = "Breached"
        elif _missing(margin):
            guardrail = "No margin set"
        elif row.get("is_non_inferior"):
            guardrail = f"Non-inferior (margin {margin:.0%})"
        else:
            guardrail = f"Not shown (margin {margin:.0%})"
    return {
        **row,
        "news": news,
        "verdict": _VERDICTS[news],
        "baseline_text": format_metric_value(row.get("baseline_value"), unit),
        "variant_text": format_metric_value(row.get("variant_value"), unit),
        "lift_text": format_lift(row.get("relative_lift")),
        "ci_text": format_interval(row.get("relative_ci_lower_adjusted"), row.get("relative_ci_upper_adjusted")),
        "ci_raw_text": format_interval(row.get("relative_ci_lower"), row.get("relative_ci_upper")),
        "difference_text": format_difference(row.get("absolute_lift"), unit),
        "p_text": format_p(row.get("p_value_adjusted")),
        "p_raw_text": format_p(row.get("p_value")),
        "chance_text": format_value(row.get("chance_to_win"), "rate"),
        "risk_variant_text": format_value(row.get("risk_variant"), "percent"),
        "bayes_lift_text": format_lift(row.get("bayes_relative_lift")),
        "bayes_ci_text": format_interval(row.get("bayes_ci_lower"), row.get("bayes_ci_upper")),
        "guardrail_text": guardrail,
        "mde_text": format_value(row.get("minimum_detectable_effect"), "rate"),
    }


# ---- parameters ---------------------------------------------------------------------------------

def _experiment_or_404(experiment_id: str) -> dict:
    if not _EXPERIMENT_ID.fullmatch(experiment_id or ""):
        params.bad_request("An experiment id is letters, digits, '_' or '-' (at most 100).")
    return params.found(q.experiment(experiment_id), f"No experiment with id {experiment_id}.")


def _metric_ids() -> list[str]:
    return [m["metric_id"] for m in q.metric_definitions()]


def _default_metric(definitions: list[dict]) -> str:
    primary = [m["metric_id"] for m in definitions if m["is_primary"]]
    return (primary or [definitions[0]["metric_id"]])[0]


def _analysis() -> str:
    return params.choice_arg("analysis", q.ANALYSES, "cuped")


# ---- the list -----------------------------------------------------------------------------------

def _list_rows() -> list[dict]:
    rows = q.experiments()
    for row in rows:
        row["badges"] = health_badges(row)
        row["health"] = ", ".join(b["label"] for b in row["badges"]) or "OK"
        row["decision"] = decision_hint(row)
        row["decision_text"] = row["decision"]["text"]
        row["goal"] = _present({
            "unit": "rate", "relative_lift": row.get("goal_relative_lift"),
            "relative_ci_lower_adjusted": row.get("goal_ci_lower"), "relative_ci_upper_adjusted": row.get("goal_ci_upper"),
            "is_good_news": row.get("goal_is_good_news"), "is_bad_news": row.get("goal_is_bad_news"),
            "chance_to_win": row.get("goal_chance_to_win"),
            "minimum_detectable_effect": row.get("goal_minimum_detectable_effect"),
            "error_message": None if row.get("goal_metric_id") else "no goal result",
        })  # an SRM experiment is coloured by the same rule as on its report; its badge and hint say not to trust it
    return rows


_LIST_COLUMNS = [
    Column("experiment_id", "Experiment id"),
    Column("experiment_name", "Experiment"),
    Column("status", "Status"),
    Column("days_running", "Days running", "int"),
    Column("analysed_users", "Users analysed", "int"),
    Column("goal_metric_label", "Primary metric"),
    Column("goal_variant_name", "Variant"),
    Column("goal_relative_lift", "Lift", "percent"),
    Column("goal_ci_lower", "CI low", "percent"),
    Column("goal_ci_upper", "CI high", "percent"),
    Column("goal_chance_to_win", "Chance to win", "percent"),
    Column("power_status", "Power"),
    Column("goal_minimum_detectable_effect", "Detectable lift now", "percent"),
    Column("target_lift", "Target lift", "percent"),
    Column("srm_p_value", "SRM p-value", "ratio"),
    Column("multiple_exposure_users", "Multiple exposures", "int"),
    Column("health", "Health"),
    Column("decision_text", "Decision hint"),
]


@bp.get("/experiments")
def index():
    rows = _list_rows()
    if params.format_arg() == "csv":
        return csv_response(Table(id="experiments", columns=_LIST_COLUMNS, rows=rows), "experiments.csv")
    corrections = " / ".join(_CORRECTION_NAMES.get(c, c) for c in q.corrections()) or "the configured"
    return render_page("experiments/index.html", marts=MARTS, rows=rows, csv_url=url_with(format="csv"),
                       correction_name=corrections)


@bp.get("/api/experiments")
def api_index():
    rows = _list_rows()
    for row in rows:
        row.pop("goal")
    return jsonify({"experiments": rows})


# ---- one experiment -----------------------------------------------------------------------------

_NEWS_COLOURS = {"better": "#2e9b6a", "worse": "#d1244f", "not significant": "#8a94a6", "not tested": "#c9ced6"}
_NEWS_LEGEND = {"good": "better", "bad": "worse", "none": "not significant", "untested": "not tested"}


def _finite_edges(values: list[float | None], pad: float = 0.08) -> tuple[float, float]:
    """A scale's domain from the finite values (0 included), padded; where unbounded bounds are drawn."""
    finite = [v for v in values if v is not None and math.isfinite(v)] + [0.0]
    low, high = min(finite), max(finite)
    margin = (high - low) * pad or 0.05
    return low - margin, high + margin


def _percent_format(low: float, high: float) -> str:
    """Whole percents on a wide scale, one decimal on a narrow one (else ticks repeat "1% 1% 1%")."""
    return ".1%" if high - low < 0.2 else ".0%"


def _interval_keys(view: str) -> tuple[str, str, str]:
    """Estimate and interval columns a view draws: the frequentist view draws the adjusted interval,
    which excludes 0 exactly when the corrected p-value is significant (the colour's rule)."""
    if view == "bayesian":
        return "bayes_relative_lift", "bayes_ci_lower", "bayes_ci_upper"
    return "relative_lift", "relative_ci_lower_adjusted", "relative_ci_upper_adjusted"


def _lift_chart(rows: list[dict], view: str, title: str, label_key: str = "metric_label") -> dict:
    """Lift and interval per row, coloured by good or bad news under the corrected rule. The scale fits this
    section's estimates and the intervals of its coloured rows (a bound below -100% is drawn at -100%); a grey
    row's interval only asks for room around its estimate, and where it runs past the scale (or is unbounded,
    corrected p-value of 1) it is drawn dashed to the chart's edge, so a wide inconclusive interval cannot
    squash the significant ones (the table and tooltip print it whole)."""
    estimate, lower, upper = _interval_keys(view)

    def unbounded(r: dict) -> bool:
        return any(not _missing(r.get(k)) and math.isinf(r[k]) for k in (lower, upper))

    def sets_scale(r: dict) -> bool:
        return r.get("news") in ("good", "bad") and not unbounded(r)

    # a row whose interval does not set the scale asks for room around its estimate (twice its size, at least
    # 2 points), not for its whole interval
    room = [v for r in rows if not sets_scale(r) and not _missing(r.get(estimate))
            for v in (r[estimate] - max(2 * abs(r[estimate]), 0.02), r[estimate] + max(2 * abs(r[estimate]), 0.02))]
    low_edge, high_edge = _finite_edges(
        [r.get(estimate) for r in rows] + room
        + [v for r in rows if sets_scale(r) for v in (None if _missing(r.get(lower)) else max(r[lower], -1.0),
                                                        r.get(upper))])
    labelled = []
    for r in rows:
        low, high = r.get(lower), r.get(upper)
        if unbounded(r):
            drawn = (low_edge, high_edge)
        else:
            drawn = (None if _missing(low) else max(low, -1.0, low_edge), None if _missing(high) else min(high, high_edge))
        clipped = unbounded(r) or (not _missing(low) and max(low, -1.0) < low_edge) or (
            not _missing(high) and high > high_edge)
        labelled.append({**r, "label": f"{r[label_key]} · {r['variant_name']}", lower: drawn[0], upper: drawn[1],
                         "interval": format_interval(low, high), "past_scale": clipped})
    spec = charts.interval_chart(labelled, "label", estimate, lower, upper, title=title,
                                 value_title="Lift vs control",
                                 height=36 * len(rows) + 120)  # title, legend and axis take ~120 px
    spec["layer"][0]["encoding"]["y"]["title"] = None  # the row labels name metric and variant
    spec["layer"][0]["encoding"]["x"]["axis"] = {"format": _percent_format(low_edge, high_edge), "tickCount": 8,
                                                 "labelOverlap": "greedy"}
    spec["layer"][0]["encoding"]["x"]["scale"] = {"domain": [low_edge, high_edge], "clamp": True}
    spec["layer"][0]["encoding"]["strokeDash"] = {"condition": {"test": "datum.past_scale", "value": [3, 3]},
                                                  "value": [1, 0]}
    for value, row in zip(spec["data"]["values"], labelled, strict=True):
        value["news"] = _NEWS_LEGEND[row["news"]]
        value["interval"] = row["interval"]
        value["past_scale"] = row["past_scale"]
    spec["layer"][1]["encoding"]["tooltip"] = [
        {"field": "label", "type": "nominal", "title": "metric"},
        {"field": estimate, "type": "quantitative", "format": ".1%", "title": "lift"},
        {"field": "interval", "type": "nominal"}, {"field": "news", "type": "nominal", "title": "verdict"}]
    present = [news for news in _NEWS_COLOURS if news in {v["news"] for v in spec["data"]["values"]}]
    # the legend lists only the verdicts present, so it fits a phone; the colours stay fixed
    color = {"field": "news", "type": "nominal", "title": None, "legend": {"orient": "top", "values": present},
             "scale": {"domain": list(_NEWS_COLOURS), "range": list(_NEWS_COLOURS.values())}}
    for layer in spec["layer"][:2]:
        layer["encoding"]["color"] = color
    return spec


def _timeseries_chart(rows: list[dict], metric_label: str, sequential: bool) -> dict:
    """Cumulative lift per variant by day with its interval as a band (one colour per variant)."""
    values = [{"date_day": r["date_day"].isoformat() if hasattr(r["date_day"], "isoformat") else r["date_day"],
               "variant": r["variant_name"], "lift": r["relative_lift"],
               "low": None if _missing(r["relative_ci_lower_adjusted"]) else max(r["relative_ci_lower_adjusted"], -1.0),
               "high": r["relative_ci_upper_adjusted"]} for r in rows if not r.get("error_message")]
    kind = "always-valid (sequential) intervals" if sequential else "fixed-horizon intervals: valid at the planned end only"
    # The first days' intervals are very wide (unbounded while the corrected p-value is 1): fit the scale to
    # the lifts from day 3 and the bounded intervals of the settled second half, and clip the rest.
    tested = [r for r in rows if not r.get("error_message")]
    half = max((r["day_index"] for r in tested), default=0) / 2

    def bounded(v: dict) -> bool:
        return not (_missing(v["high"]) or math.isinf(v["high"]))

    bounds = [b for v, r in zip(values, tested, strict=True) if r["day_index"] >= 3
              for b in ((v["low"], v["high"], v["lift"]) if bounded(v) and r["day_index"] >= half else (v["lift"],))
              if not _missing(b)] or [v["lift"] for v in values if not _missing(v["lift"])]
    low, high = (min(bounds), max(bounds)) if bounds else (0.0, 0.0)
    margin = (high - low) * 0.05 or 0.01
    y_scale = {"domain": [low - margin, high + margin], "clamp": True, "nice": False} if bounds else {}
    if bounds:  # an unbounded interval (corrected p-value of 1) fills the band to the edges of the scale
        for v in values:
            if not bounded(v) and not _missing(v["high"]):
                v["low"], v["high"] = low - margin, high + margin
    x = {"field": "date_day", "type": "temporal", "title": "Day",
         "axis": {"format": "%b %d", "labelOverlap": "greedy", "labelSeparation": 8}}
    color = {"field": "variant", "type": "nominal", "title": "Variant", "scale": {"scheme": "tableau10"},
             "legend": {"orient": "top"}}
    return {
        "$schema": charts.SCHEMA, "width": "container", "height": 240, "padding": 10,
        "autosize": {"type": "fit", "contains": "padding"},
        "title": {"text": f"Cumulative lift of {metric_label} by day", "subtitle": kind, "anchor": "start",
                  "fontSize": 13},
        "config": {"view": {"stroke": None}, "font": "Noto Sans CJK SC, Noto Sans, sans-serif"},
        "data": {"values": values},
        "layer": [
            {"mark": {"type": "area", "opacity": 0.18, "clip": True},
             "encoding": {"x": x, "y": {"field": "low", "type": "quantitative", "scale": y_scale},
                          "y2": {"field": "high"},
                          "color": color}},
            {"mark": {"type": "line", "point": True, "tooltip": True, "clip": True},
             "encoding": {"x": x, "color": color,
                          "y": {"field": "lift", "type": "quantitative", "title": "Cumulative relative lift",
                                "axis": {"format": _percent_format(*y_scale["domain"]) if bounds else ".0%"},
                                "scale": y_scale},
                          "tooltip": [{"field": "date_day", "type": "temporal", "title": "day"},
                                      {"field": "variant", "type": "nominal"},
                                      {"field": "lift", "type": "quantitative", "format": ".1%"},
                                      {"field": "low", "type": "quantitative", "format": ".1%", "title": "CI low"},
                                      {"field": "high", "type": "quantitative", "format": ".1%",
                                       "title": "CI high"}]}},
            {"data": {"values": [{"zero": 0}]}, "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#1d2330"},
             "encoding": {"y": {"field": "zero", "type": "quantitative"}}},
        ],
    }


_CORRECTION_NAMES = {"holm": "Holm-Bonferroni", "bh": "Benjamini-Hochberg", "none": "no"}
_ROLE_TITLES = {"goal": "Goal metrics", "guardrail": "Guardrails", "secondary": "Secondary metrics"}
_ROLE_NOTES = {
    "goal": "The metrics this experiment is meant to move; they decide ship or don't ship.",
    "guardrail": "Must not get worse: a significant move the wrong way stops a ship. With a margin, the "
                 "non-inferiority test asks whether the interval rules out a drop larger than the margin.",
    "secondary": "Shown for understanding; they decide nothing.",
}


def _sections(rows: list[dict], view: str) -> list[dict]:
    sections = []
    for role in ("goal", "guardrail", "secondary"):
        own = [r for r in rows if r["role"] == role]
        if own:
            sections.append({"role": role, "title": _ROLE_TITLES[role], "note": _ROLE_NOTES[role], "rows": own,
                             "chart": _lift_chart(own, view, f"{_ROLE_TITLES[role]}: lift with interval")})
    return sections


def _csv_table(rows: list[dict]) -> Table:
    return Table(id="results", columns=[Column(c, c) for c in q.RESULT_COLUMNS], rows=rows)


@bp.get("/experiments/<experiment_id>")
def detail(experiment_id: str):
    experiment = _experiment_or_404(experiment_id)
    analysis = _analysis()
    view = params.choice_arg("view", VIEWS, "frequentist")
    definitions = q.metric_definitions()
    metric_id = params.choice_arg("metric", [m["metric_id"] for m in definitions], _default_metric(definitions))
    dimension = params.choice_arg("dimension", [d for d in q.DIMENSIONS if d != "overall"], "country")
    rows = q.results(experiment["experiment_id"], analysis)
    if params.format_arg() == "csv":
        return csv_response(_csv_table(rows), f"{experiment['experiment_id']}-{analysis}.csv")
    alpha = rows[0]["alpha"] if rows else report_settings.get().alpha
    correction = rows[0]["correction"] if rows else "holm"
    experiment["badges"] = health_badges(experiment)
    experiment["srm_text"] = format_p(experiment.get("srm_p_value"))
    decision_row = q.decision(experiment["experiment_id"], analysis)
    decision = decision_hint(decision_row)
    metric_label = next(m["label"] for m in definitions if m["metric_id"] == metric_id)
    primary = (decision_row or {}).get("goal_metric_id")  # the first goal: the list's headline, the ship decider
    presented = [{**_present(r), "is_primary": r["metric_id"] == primary} for r in rows]
    segment_rows = [_present(r) for r in q.results(experiment["experiment_id"], analysis, dimension, metric_id)]
    segment_family = q.segment_family_size(experiment["experiment_id"], analysis)
    health_table = Table(id="health", columns=[
        Column("variant_name", "Arm"),
        Column("traffic_weight", "Weight", "ratio"),
        Column("expected_share", "Expected share", "percent"),
        Column("observed_share", "Observed share", "percent"),
        Column("exposed_users", "Exposed", "int"),
        Column("multiple_exposure_users", "Multiple exposures (excluded)", "int"),
        Column("analysed_users", "Analysed", "int"),
        Column("expected_users", "Expected", "number"),
        Column("srm_chi_square_contribution", "Chi-square part", "ratio"),
        Column("out_of_window_exposures", "Exposures outside dates", "int"),
        Column("is_too_few_users", "Too few users", "bool"),
    ], rows=q.health(experiment["experiment_id"]))
    return render_page(
        "experiments/detail.html", marts=MARTS, experiment=experiment, decision=decision, analysis=analysis,
        view=view, metric_id=metric_id, metric_label=metric_label, dimension=dimension, definitions=definitions,
        sections=_sections(presented, view), alpha=alpha, correction=correction, interval=f"{1 - alpha:.0%}",
        correction_name=_CORRECTION_NAMES.get(correction, correction),
        timeseries_chart=_timeseries_chart(q.lift_over_time(experiment["experiment_id"], analysis, metric_id),
                                           metric_label, bool(experiment.get("is_sequential"))),
        segment_rows=segment_rows, segment_family=segment_family,
        segment_chart=_lift_chart(segment_rows, view, f"{metric_label} by {dimension} (exploratory)",
                                  label_key="dimension_value") if segment_rows else None,
        health_table=health_table, dimensions=[d for d in q.DIMENSIONS if d != "overall"],
        csv_url=url_with(format="csv"),
        json_url=url_for("experiments.api_detail", experiment_id=experiment["experiment_id"], analysis=analysis),
    )


@bp.get("/api/experiments/<experiment_id>")
def api_detail(experiment_id: str):
    """Every number of the experiment page: health, and the results of every metric x variant x
    dimension value on the last day (`?analysis=cuped|unadjusted`, `?dimension=` to narrow)."""
    experiment = _experiment_or_404(experiment_id)
    analysis = _analysis()
    dimension = params.choice_arg("dimension", q.DIMENSIONS, "overall")
    rows = q.results(experiment["experiment_id"], analysis, dimension)
    return jsonify({"experiment": experiment, "badges": health_badges(experiment), "analysis": analysis,
                    "dimension": dimension, "health": q.health(experiment["experiment_id"]), "results": rows})


@bp.get("/api/experiments/<experiment_id>/results.csv")
def api_results_csv(experiment_id: str):
    """The same rows as the JSON's `results`, every column, as CSV."""
    experiment = _experiment_or_404(experiment_id)
    analysis = _analysis()
    dimension = params.choice_arg("dimension", q.DIMENSIONS, "overall")
    rows = q.results(experiment["experiment_id"], analysis, dimension)
    return csv_response(_csv_table(rows), f"{experiment['experiment_id']}-{analysis}-{dimension}.csv")


@bp.get("/api/experiments/<experiment_id>/timeseries")
def api_timeseries(experiment_id: str):
    experiment = _experiment_or_404(experiment_id)
    analysis = _analysis()
    definitions = q.metric_definitions()
    metric_id = params.choice_arg("metric", [m["metric_id"] for m in definitions], _default_metric(definitions))
    return jsonify({"experiment_id": experiment["experiment_id"], "analysis": analysis, "metric_id": metric_id,
                    "rows": q.lift_over_time(experiment["experiment_id"], analysis, metric_id)})


# ---- planning -----------------------------------------------------------------------------------

def _float_arg(name: str, default: float, minimum: float, maximum: float) -> float:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (minimum <= value <= maximum):
        params.bad_request(f"Parameter '{name}' must be a number from {minimum:g} to {maximum:g}.")
    return value


@bp.get("/experiments/planning")
def planning():
    definitions = q.metric_definitions()
    metric_id = params.choice_arg("metric", [m["metric_id"] for m in definitions], _default_metric(definitions))
    experiment_ids = q.experiment_ids()
    source = params.choice_arg("source", experiment_ids, experiment_ids[0] if experiment_ids else None)
    effect = _float_arg("effect", 0.05, 0.001, 10.0)
    alpha = _float_arg("alpha", report_settings.get().alpha, 0.0001, 0.5)
    power = _float_arg("power", 0.8, 0.5, 0.999)
    arms = params.int_arg("arms", 2, 2, 10)
    metric = next(m for m in definitions if m["metric_id"] == metric_id)
    stats = q.control_statistics(source, metric_id) if source else None
    result = plan_experiment(stats, metric["metric_type"], effect, alpha, power, arms).as_dict() if stats else None
    inputs = {"metric": metric_id, "source": source, "effect": effect, "alpha": alpha, "power": power, "arms": arms}
    if request.args.get("format") == "json":
        return jsonify({"inputs": inputs, "metric": metric, "plan": result})
    start = stats["start_date"] if stats else None
    return render_page("experiments/planning.html", marts=("fct_experiment_sufficient_stats", "dim_experiments"),
                       definitions=definitions, experiment_ids=experiment_ids, inputs=inputs, metric=metric,
                       plan=result, history_window=(start, start + timedelta(days=int(stats["last_day_index"])))
                       if stats else None)


@bp.get("/experiments/experiments.css")
def stylesheet():
    """Badge and tab styles of these pages (the CSP allows only same-origin stylesheets)."""
    return Response(render_template("experiments/experiments.css"), mimetype="text/css")
