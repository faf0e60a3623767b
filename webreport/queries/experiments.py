"""Queries of the experiment reports: every SQL string of webreport/blueprints/experiments.py.

The numbers come from the marts of issue 5: dim_experiments (with its health flags),
rpt_experiment_decisions, fct_experiment_health, dim_experiment_metrics, fct_experiment_sufficient_stats
and fct_experiment_results (computed by models_ml.experiments in the warehouse). Nothing here recomputes a statistic; planning reads the
control arms' sufficient statistics and leaves the arithmetic to models_ml.
"""

from __future__ import annotations

from webreport.db import fetch_all, fetch_one

ANALYSES = ("cuped", "unadjusted")
DIMENSIONS = ("overall", "country", "device_os", "user_type")

# Result columns the page, the CSV and the JSON share, in display order.
RESULT_COLUMNS = (
    "metric_id", "metric_label", "metric_type", "role", "desired_direction", "unit", "variant_id", "variant_name",
    "dimension_name", "dimension_value", "day_index", "baseline_users", "variant_users", "baseline_value",
    "variant_value", "relative_lift", "relative_ci_lower_adjusted", "relative_ci_upper_adjusted", "relative_ci_lower",
    "relative_ci_upper", "absolute_lift", "absolute_ci_lower", "absolute_ci_upper", "p_value", "p_value_adjusted",
    "is_significant", "is_good_news", "is_bad_news",
    "minimum_detectable_effect", "non_inferiority_margin", "non_inferiority_p_value", "is_non_inferior",
    "chance_to_win", "risk_control", "risk_variant", "bayes_relative_lift", "bayes_ci_lower", "bayes_ci_upper",
    "cuped", "theta", "error_message", "analysis", "alpha", "correction", "sequential",
)
_FROM_ROLES = {"metric_label": "roles.metric_label", "role": "roles.role",
               "desired_direction": "roles.desired_direction", "unit": "m.unit"}
_RESULT_SELECT = ", ".join(f"{_FROM_ROLES[c]} as {c}" if c in _FROM_ROLES else f"r.{c}" for c in RESULT_COLUMNS)


def experiments() -> list[dict]:
    """Every experiment with its health flags, decision and triage columns (CUPED analysis)."""
    return fetch_all(
        """
        select e.*, d.* exclude (experiment_id, analysis)
        from dim_experiments as e
        left join rpt_experiment_decisions as d on e.experiment_id = d.experiment_id and d.analysis = 'cuped'
        order by e.start_date desc, e.experiment_id
        """
    )


def corrections() -> list[str]:
    """The multiple-testing corrections the results were computed with (one var, so normally one)."""
    return [row["correction"] for row in fetch_all(
        "select distinct correction from fct_experiment_results where dimension_name = 'overall' order by 1")]


def decision(experiment_id: str, analysis: str) -> dict | None:
    return fetch_one(
        "select * from rpt_experiment_decisions where experiment_id = ? and analysis = ?", [experiment_id, analysis]
    )


def experiment(experiment_id: str) -> dict | None:
    rows = [row for row in experiments() if row["experiment_id"] == experiment_id]
    return rows[0] if rows else None


def experiment_ids() -> list[str]:
    return [row["experiment_id"] for row in fetch_all("select experiment_id from dim_experiments order by 1")]


def metric_definitions() -> list[dict]:
    return fetch_all("select * from dim_experiment_metrics order by sort_order")


def results(experiment_id: str, analysis: str, dimension_name: str = "overall",
            metric_id: str | None = None) -> list[dict]:
    """Results of one experiment on its last day: metric x variant (x dimension value), by role."""
    return fetch_all(
        f"""
        select {_RESULT_SELECT}
        from fct_experiment_results as r
        inner join dim_experiments as e on r.experiment_id = e.experiment_id and r.day_index = e.last_day_index
        inner join dim_experiment_metrics as m on r.metric_id = m.metric_id
        inner join dim_experiment_metric_roles as roles
            on r.experiment_id = roles.experiment_id and r.metric_id = roles.metric_id
        where r.experiment_id = ? and r.analysis = ? and r.dimension_name = ?
          and (? is null or r.metric_id = ?)
        order by roles.role_order, roles.sort_order, r.variant_id, r.dimension_value
        """,
        [experiment_id, analysis, dimension_name, metric_id, metric_id],
    )


def segment_family_size(experiment_id: str, analysis: str) -> int:
    """How many segment comparisons (all dimensions, metrics, variants) the last day's correction spans."""
    row = fetch_one(
        """
        select count(*) as n
        from fct_experiment_results as r
        inner join dim_experiments as e on r.experiment_id = e.experiment_id and r.day_index = e.last_day_index
        where r.experiment_id = ? and r.analysis = ? and r.dimension_name != 'overall' and r.error_message is null
        """,
        [experiment_id, analysis],
    )
    return int(row["n"]) if row else 0


def lift_over_time(experiment_id: str, analysis: str, metric_id: str) -> list[dict]:
    """Cumulative lift per day of one metric (overall), with the calendar date of each day."""
    return fetch_all(
        """
        select r.variant_id, r.variant_name, r.day_index,
               cast(e.start_date + r.day_index as date) as date_day,
               r.variant_users, r.baseline_users, r.relative_lift, r.relative_ci_lower, r.relative_ci_upper,
               r.relative_ci_lower_adjusted, r.relative_ci_upper_adjusted, r.p_value, r.p_value_adjusted,
               r.is_significant, r.error_message
        from fct_experiment_results as r
        inner join dim_experiments as e on r.experiment_id = e.experiment_id
        where r.experiment_id = ? and r.analysis = ? and r.metric_id = ? and r.dimension_name = 'overall'
        order by r.variant_id, r.day_index
        """,
        [experiment_id, analysis, metric_id],
    )


def health(experiment_id: str) -> list[dict]:
    return fetch_all(
        "select * from fct_experiment_health where experiment_id = ? order by not is_control, variant_id",
        [experiment_id],
    )


def control_statistics(experiment_id: str, metric_id: str) -> dict | None:
    """The control arm's sufficient statistics of a metric (overall, last day): planning's history."""
    return fetch_one(
        """
        select s.*, e.last_day_index, e.start_date, e.analysis_end_date,
               (select sum(h.analysed_users) from fct_experiment_health as h
                where h.experiment_id = s.experiment_id) as experiment_users
        from fct_experiment_sufficient_stats as s
        inner join dim_experiments as e on s.experiment_id = e.experiment_id and s.day_index = e.last_day_index
        where s.experiment_id = ? and s.metric_id = ? and s.dimension_name = 'overall' and s.is_control
        """,
        [experiment_id, metric_id],
    )
