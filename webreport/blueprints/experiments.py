"""Experiments: the list with health badges and a decision hint, one experiment's results (metric x
variant, lift with CI, p-values or chance to win, CUPED toggle, cumulative lift, segments, health),
CSV/JSON of every number, and a planning page (sample size, MDE, duration from historical variance).

Statistics come from fct_experiment_results (models_ml.experiments, run in the warehouse); this
module only chooses rows and turns them into pages. Planning calls models_ml.experiments.power.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from webreport import charts, params
from webreport.pages import render_page, url_with
from webreport.queries import experiments as q
from webreport.tables import Column, Table, csv_response

bp = Blueprint("experiments", __name__)
NAV = ("Experiments", "experiments.index")
MARTS = ("dim_experiments", "fct_experiment_results", "fct_experiment_health", "dim_experiment_metrics")
SRM_THRESHOLD = 0.001  # GrowthBook's default: below it the traffic split is called broken
MULTIPLE_EXPOSURE_THRESHOLD = 0.01  # share of exposed users seen in more than one arm
_EXPERIMENT_ID = re.compile(r"[A-Za-z0-9_\-]{1,100}")
VIEWS = ("frequentist", "bayesian")


# ---- decisions and badges (pure functions, tested directly) ------------------------------------

def health_badges(experiment: dict) -> list[dict]:
    """Problems that make the results untrustworthy or premature: SRM, multiple exposures, too few users."""
    badges = []
    srm = experiment.get("srm_p_value")
    if srm is not None and srm < SRM_THRESHOLD:
        badges.append({"key": "srm", "label": "SRM", "level": "bad",
                       "title": f"Sample ratio mismatch: p = {srm:.2g} < {SRM_THRESHOLD}. Users per arm do not "
                                "match the configured weights; do not trust any metric."})
    share = experiment.get("multiple_exposure_share") or 0.0
    if share > MULTIPLE_EXPOSURE_THRESHOLD:
        badges.append({"key": "multiple_exposures", "label": "Multiple exposures", "level": "warn",
                       "title": f"{share:.1%} of exposed users saw more than one arm (excluded from the analysis)."})
    if experiment.get("is_too_few_users"):
        badges.append({"key": "too_few_users", "label": "Too few users", "level": "warn",
                       "title": "An arm has fewer analysed users than the configured minimum."})
    return badges


def decision_hint(experiment: dict, primary: list[dict], alpha: float) -> dict:
    """A one-line recommendation from the health badges and the primary metrics' adjusted p-values."""
    badges = {badge["key"] for badge in health_badges(experiment)}
    if "srm" in badges:
        return {"level": "bad", "text": "Fix the assignment first: sample ratio mismatch."}
    if "too_few_users" in badges:
        return {"level": "warn", "text": "Keep running: too few users to decide."}
    tested = [r for r in primary if r.get("error_message") is None]
    losers = [r for r in tested if r["p_value_adjusted"] < alpha and r["relative_lift"] < 0]
    winners = [r for r in tested if r["p_value_adjusted"] < alpha and r["relative_lift"] > 0]
    if losers:
        worst = min(losers, key=lambda r: r["relative_lift"])
        return {"level": "bad", "text": f"Don't ship {worst['variant_name']}: {worst['metric_label']} "
                                        f"{worst['relative_lift']:+.1%} (significant)."}
    if winners:
        best = max(winners, key=lambda r: r["relative_lift"])
        return {"level": "good", "text": f"Ship {best['variant_name']}: {best['metric_label']} "
                                         f"{best['relative_lift']:+.1%} (significant)."}
    if experiment.get("status") != "finished":
        return {"level": "neutral", "text": "Keep running: no significant difference on the primary metrics yet."}
    return {"level": "neutral", "text": "No detectable effect on the primary metrics."}


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
    primary = q.primary_results("cuped")
    for row in rows:
        own = [r for r in primary if r["experiment_id"] == row["experiment_id"]]
        alpha = own[0]["alpha"] if own else 0.05
        row["badges"] = health_badges(row)
        row["health"] = ", ".join(b["label"] for b in row["badges"]) or "OK"
        row["decision"] = decision_hint(row, own, alpha)
        row["decision_text"] = row["decision"]["text"]
    return rows


@bp.get("/experiments")
def index():
    rows = _list_rows()
    table = Table(
        id="experiments",
        columns=[
            Column("experiment_name", "Experiment",
                   link=lambda r: url_for("experiments.detail", experiment_id=r["experiment_id"])),
            Column("status", "Status"),
            Column("start_date", "Start", "date"),
            Column("end_date", "End", "date"),
            Column("variants", "Arms", "int"),
            Column("analysed_users", "Users analysed", "int", tooltip="First exposed in the window, one arm only."),
            Column("multiple_exposure_users", "Multiple exposures", "int",
                   tooltip="Users seen in more than one arm: excluded and counted."),
            Column("srm_p_value", "SRM p-value", "ratio", tooltip=f"Flagged below {SRM_THRESHOLD}."),
            Column("health", "Health"),
            Column("decision_text", "Decision hint"),
        ],
        rows=rows, row_key="experiment_id",
    )
    if params.format_arg() == "csv":
        return csv_response(table, "experiments.csv")
    return render_page("experiments/index.html", marts=MARTS, table=table, rows=rows,
                       csv_url=url_with(format="csv"))


@bp.get("/api/experiments")
def api_index():
    rows = _list_rows()
    return jsonify({"experiments": rows, "srm_threshold": SRM_THRESHOLD})


# ---- one experiment -----------------------------------------------------------------------------

def _results_table(rows: list[dict], view: str, table_id: str = "results", by_segment: bool = False) -> Table:
    columns = [Column("metric_label", "Metric"), Column("variant_name", "Variant")]
    if by_segment:
        columns.append(Column("dimension_value", "Segment"))
    columns += [
        Column("baseline_users", "Control users", "int"),
        Column("variant_users", "Variant users", "int"),
        Column("baseline_value", "Control", "ratio", tooltip="Per user (ratio metrics: sum / sum), unadjusted."),
        Column("variant_value", "Variant", "ratio"),
        Column("relative_lift", "Lift", "percent", tooltip="(variant - control) / control."),
        Column("relative_ci_lower", "CI low", "percent"),
        Column("relative_ci_upper", "CI high", "percent"),
    ]
    if view == "bayesian":
        columns += [
            Column("chance_to_win", "Chance to win", "percent"),
            Column("risk_variant", "Risk (ship)", "percent", tooltip="Expected relative loss if the variant ships."),
            Column("risk_control", "Risk (keep)", "percent", tooltip="Expected relative loss of keeping the control."),
        ]
    else:
        columns += [
            Column("p_value_adjusted", "p (adjusted)", "ratio",
                   tooltip="Corrected over metrics x variants of this experiment (see correction)."),
            Column("p_value", "p (raw)", "ratio"),
        ]
    columns += [Column("cuped", "CUPED", "bool"), Column("error_message", "Note")]
    return Table(id=table_id, columns=columns, rows=rows)


def _lift_chart(rows: list[dict], view: str, title: str) -> dict:
    lower, upper = ("bayes_ci_lower", "bayes_ci_upper") if view == "bayesian" else ("relative_ci_lower",
                                                                                     "relative_ci_upper")
    estimate = "bayes_relative_lift" if view == "bayesian" else "relative_lift"
    labelled = [{**r, "label": f"{r['metric_label']} · {r['variant_name']}"} for r in rows]
    return charts.interval_chart(labelled, "label", estimate, lower, upper, title=title, value_title="Lift")


def _timeseries_chart(rows: list[dict], metric_label: str) -> dict:
    by_day: dict = {}
    for row in rows:
        day = by_day.setdefault(row["date_day"], {"date_day": row["date_day"]})
        day[f"lift__{row['variant_name']}"] = row["relative_lift"]
        day[f"low__{row['variant_name']}"] = row["relative_ci_lower"]
        day[f"high__{row['variant_name']}"] = row["relative_ci_upper"]
    series = {}
    for name in dict.fromkeys(r["variant_name"] for r in rows):
        series.update({f"lift__{name}": f"{name} lift", f"low__{name}": f"{name} CI low",
                       f"high__{name}": f"{name} CI high"})
    return charts.time_series(list(by_day.values()), "date_day", series, value_format="percent",
                              title=f"Cumulative lift of {metric_label} by day (watch for novelty effects)")


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
        return csv_response(_results_table(rows, view), f"{experiment['experiment_id']}-{analysis}.csv")
    primary = [r for r in rows if any(m["metric_id"] == r["metric_id"] and m["is_primary"] for m in definitions)]
    alpha = rows[0]["alpha"] if rows else 0.05
    experiment["badges"] = health_badges(experiment)
    decision = decision_hint(experiment, primary, alpha)
    metric_label = next(m["label"] for m in definitions if m["metric_id"] == metric_id)
    segment_rows = q.results(experiment["experiment_id"], analysis, dimension, metric_id)
    health_rows = q.health(experiment["experiment_id"])
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
    ], rows=health_rows)
    return render_page(
        "experiments/detail.html", marts=MARTS, experiment=experiment, decision=decision, analysis=analysis,
        view=view, metric_id=metric_id, metric_label=metric_label, dimension=dimension, definitions=definitions,
        table=_results_table(rows, view), lift_chart=_lift_chart(rows, view, f"Lift with {1 - alpha:.0%} interval"),
        timeseries_chart=_timeseries_chart(q.lift_over_time(experiment["experiment_id"], analysis, metric_id),
                                           metric_label),
        segment_table=_results_table(segment_rows, view, "segments", by_segment=True),
        segment_chart=_lift_chart([{**r, "metric_label": r["dimension_value"]} for r in segment_rows], view,
                                  f"{metric_label} by {dimension}"),
        health_table=health_table, srm_threshold=SRM_THRESHOLD, dimensions=[d for d in q.DIMENSIONS if d != "overall"],
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
    table = Table(id="results", columns=[Column(c, c) for c in q.RESULT_COLUMNS], rows=rows)
    return csv_response(table, f"{experiment['experiment_id']}-{analysis}-{dimension}.csv")


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


def plan(stats: dict, metric_type: str, effect: float, alpha: float, power: float, arms: int) -> dict:
    """Baseline, per-user variance, sample size, MDE and duration from a control arm's statistics."""
    import numpy as np

    from models_ml.experiments import (
        ProportionStatistic,
        RatioStatistic,
        SampleMeanStatistic,
        minimum_detectable_effect,
        sample_size_per_variant,
    )

    n = float(stats["n_users"])
    if metric_type == "binomial":
        stat = ProportionStatistic(n=n, sum=stats["main_sum"])
    else:
        stat = SampleMeanStatistic(n=n, sum=stats["main_sum"], sum_squares=stats["main_sum_squares"])
    if metric_type == "ratio":
        stat = RatioStatistic(
            n=n, m_statistic=stat,
            d_statistic=SampleMeanStatistic(n=n, sum=stats["denominator_sum"],
                                            sum_squares=stats["denominator_sum_squares"]),
            m_d_sum_of_products=stats["main_denominator_sum_product"])
    mean, variance = float(np.asarray(stat.mean)), float(np.asarray(stat.variance))
    per_variant = float(sample_size_per_variant(effect, mean, variance, power=power, alpha=alpha))
    observed_n = n  # users the control arm had: what one more run of the same length would give
    mde = float(minimum_detectable_effect(mean, variance, observed_n, power=power, alpha=alpha))
    days_observed = int(stats["last_day_index"]) + 1
    users_per_day = float(stats["experiment_users"]) / days_observed if days_observed else 0.0
    total = per_variant * arms if math.isfinite(per_variant) else math.nan
    days = math.ceil(total / users_per_day) if users_per_day and math.isfinite(total) else None
    return {"baseline_mean": mean, "baseline_stddev": math.sqrt(max(variance, 0.0)), "history_users": n,
            "sample_size_per_variant": per_variant, "total_users": total, "users_per_day": users_per_day,
            "days_needed": days, "mde_at_history_size": mde, "days_observed": days_observed}


@bp.get("/experiments/planning")
def planning():
    definitions = q.metric_definitions()
    metric_id = params.choice_arg("metric", [m["metric_id"] for m in definitions], _default_metric(definitions))
    experiment_ids = q.experiment_ids()
    source = params.choice_arg("source", experiment_ids, experiment_ids[0] if experiment_ids else None)
    effect = _float_arg("effect", 0.05, 0.001, 10.0)
    alpha = _float_arg("alpha", 0.05, 0.0001, 0.5)
    power = _float_arg("power", 0.8, 0.5, 0.999)
    arms = params.int_arg("arms", 2, 2, 10)
    metric = next(m for m in definitions if m["metric_id"] == metric_id)
    stats = q.control_statistics(source, metric_id) if source else None
    result = plan(stats, metric["metric_type"], effect, alpha, power, arms) if stats else None
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
