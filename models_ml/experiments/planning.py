"""Planning an experiment from the history of a past one: baseline, per-user variance, users and days.

The warehouse supplies the control arm's sufficient statistics of one metric (overall, last day)
and how many users the experiment took in; everything computed from them lives here, so the
report page only renders the numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np

from models_ml.experiments.power import minimum_detectable_effect, sample_size_per_variant
from models_ml.experiments.statistics import (
    ProportionStatistic,
    RatioStatistic,
    SampleMeanStatistic,
    TestStatistic,
)

__all__ = ["ExperimentPlan", "plan_experiment", "control_statistic"]


@dataclass(frozen=True)
class ExperimentPlan:
    baseline_mean: float
    baseline_stddev: float
    history_users: float
    sample_size_per_variant: float
    total_users: float
    users_per_day: float
    days_needed: int | None
    mde_at_history_size: float
    days_observed: int

    def as_dict(self) -> dict:
        return asdict(self)


def control_statistic(stats: Mapping, metric_type: str) -> TestStatistic:
    """The statistic of one arm from its sums (`n_users`, `main_sum`, ...), as the analysis builds it."""
    n = float(stats["n_users"])
    if metric_type == "binomial":
        return ProportionStatistic(n=n, sum=stats["main_sum"])
    main = SampleMeanStatistic(n=n, sum=stats["main_sum"], sum_squares=stats["main_sum_squares"])
    if metric_type == "ratio":
        return RatioStatistic(
            n=n, m_statistic=main,
            d_statistic=SampleMeanStatistic(n=n, sum=stats["denominator_sum"],
                                            sum_squares=stats["denominator_sum_squares"]),
            m_d_sum_of_products=stats["main_denominator_sum_product"])
    if metric_type != "mean":
        raise ValueError(f"unknown metric_type {metric_type!r}; expected binomial, mean or ratio")
    return main


def plan_experiment(stats: Mapping, metric_type: str, effect: float, alpha: float = 0.05, power: float = 0.8,
                    arms: int = 2) -> ExperimentPlan:
    """Users per arm and days to detect a relative `effect`, and the MDE with as many users as the history.

    `stats`: the control arm's sums of one metric plus `last_day_index` (days observed - 1) and
    `experiment_users` (analysed users of all arms, to get the intake per day).
    """
    if arms < 2:
        raise ValueError("an experiment has at least two arms")
    stat = control_statistic(stats, metric_type)
    n = float(stats["n_users"])
    mean, variance = float(np.asarray(stat.mean)), float(np.asarray(stat.variance))
    per_variant = float(sample_size_per_variant(effect, mean, variance, power=power, alpha=alpha))
    # the control arm's users: what one more run of the same length would give each arm
    mde = float(minimum_detectable_effect(mean, variance, n, power=power, alpha=alpha))
    days_observed = int(stats["last_day_index"]) + 1
    users_per_day = float(stats["experiment_users"]) / days_observed if days_observed else 0.0
    total = per_variant * arms if math.isfinite(per_variant) else math.nan
    days = math.ceil(total / users_per_day) if users_per_day and math.isfinite(total) else None
    return ExperimentPlan(
        baseline_mean=mean, baseline_stddev=math.sqrt(max(variance, 0.0)), history_users=n,
        sample_size_per_variant=per_variant, total_users=total, users_per_day=users_per_day,
        days_needed=days, mde_at_history_size=mde, days_observed=days_observed,
    )
