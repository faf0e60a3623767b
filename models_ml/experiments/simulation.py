"""Synthetic sufficient statistics in the warehouse's shape, for benchmarks and tests.

Draws each arm's sample moments from their sampling distributions (not from user-level data), so
a million-user experiment costs as much as a hundred-user one. The true relative lift of every
variant x metric is returned in `true_lift` so that coverage can be checked.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models_ml.experiments.analysis import INPUT_COLUMNS

__all__ = ["simulate_sufficient_statistics", "METRIC_TYPE_CYCLE"]

# Metric i has type METRIC_TYPE_CYCLE[i % 10]; even-numbered binomial/mean metrics have a covariate.
METRIC_TYPE_CYCLE = ["binomial", "mean", "ratio", "binomial", "mean", "mean", "ratio", "binomial", "mean", "ratio"]


def _correlated_means(rng, mu_x, mu_y, sd_x, sd_y, rho, n):
    """Sample means of (X, Y) with correlation rho over n units."""
    z_x, z_y = rng.standard_normal(mu_x.shape), rng.standard_normal(mu_x.shape)
    mean_x = mu_x + sd_x / np.sqrt(n) * z_x
    mean_y = mu_y + sd_y / np.sqrt(n) * (rho * z_x + np.sqrt(1 - rho**2) * z_y)
    return mean_x, mean_y


def _sample_variance(rng, sd, n):
    return sd**2 * rng.chisquare(np.maximum(n - 1, 1)) / np.maximum(n - 1, 1)


def simulate_sufficient_statistics(
    n_experiments: int = 1000,
    n_metrics: int = 10,
    n_variants: int = 3,
    users_range: tuple[float, float] = (1e3, 1e6),
    share_null: float = 0.5,
    lift_scale: float = 0.03,
    random_state: int = 0,
) -> pd.DataFrame:
    """One row per experiment x variant (control first) x metric, dimension 'overall', day 14.

    `n_variants` counts the control. Users per arm are a multinomial split with equal weights,
    the same for every metric of an experiment. A share `share_null` of variant x metric pairs
    has no effect; the others a relative lift ~ N(0, lift_scale^2).
    """
    rng = np.random.default_rng(random_state)
    E, M, V = n_experiments, n_metrics, n_variants
    shape = (E, M, V)
    total = np.exp(rng.uniform(np.log(users_range[0]), np.log(users_range[1]), E)).astype(np.int64)
    users = rng.multinomial(total, np.full(V, 1 / V))  # (E, V)
    n = np.broadcast_to(users[:, None, :], shape).astype(float)

    lift = np.where(rng.uniform(size=shape) < share_null, 0.0, rng.normal(0, lift_scale, shape))
    lift[:, :, 0] = 0.0
    metric_type = np.array([METRIC_TYPE_CYCLE[m % len(METRIC_TYPE_CYCLE)] for m in range(M)])
    has_covariate = (np.arange(M) % 2 == 0) & (metric_type != "ratio")
    kind = np.broadcast_to(metric_type[None, :, None], shape)
    covariate = np.broadcast_to(has_covariate[None, :, None], shape)

    nan = np.full(shape, np.nan)
    cols = {c: nan.copy() for c in INPUT_COLUMNS if c.endswith(("sum", "squares", "product"))}
    rho = rng.uniform(0.3, 0.8, (E, M, 1)) * np.ones(shape)

    # binomial: Y and a 0/1 pre-period covariate X, P(Y=1 | X) chosen to give P(Y=1) = p (1 + lift)
    p_base = rng.uniform(0.01, 0.3, (E, M, 1)) * np.ones(shape)
    p_treat = np.clip(p_base * (1 + lift), 0, 1)
    b = kind == "binomial"
    n_int = n.astype(np.int64)
    x_sum = rng.binomial(n_int, p_base)
    p1 = np.minimum(0.95, 2.5 * p_treat)
    p0 = np.clip((p_treat - p_base * p1) / (1 - p_base), 0, 1)
    both = rng.binomial(x_sum, p1)
    y_only = rng.binomial(n_int - x_sum, p0)
    plain = rng.binomial(n_int, p_treat)
    y_sum = np.where(covariate, both + y_only, plain)
    cols["main_sum"][b] = y_sum[b]
    cols["main_sum_squares"][b] = y_sum[b]
    bc = b & covariate
    cols["covariate_sum"][bc] = x_sum[bc]
    cols["covariate_sum_squares"][bc] = x_sum[bc]
    cols["main_covariate_sum_product"][bc] = both[bc]

    # mean: Y with a pre-period covariate X of the same distribution, correlation rho
    mu = rng.uniform(1, 10, (E, M, 1)) * np.ones(shape)
    sd = mu * rng.uniform(0.5, 3, (E, M, 1))
    m = kind == "mean"
    mean_x, mean_y = _correlated_means(rng, mu, mu * (1 + lift), sd, sd, np.where(covariate, rho, 0.0), n)
    var_x, var_y = _sample_variance(rng, sd, n), _sample_variance(rng, sd, n)
    cov_xy = rho * np.sqrt(var_x * var_y)
    cols["main_sum"][m] = (n * mean_y)[m]
    cols["main_sum_squares"][m] = ((n - 1) * var_y + n * mean_y**2)[m]
    mc = m & covariate
    cols["covariate_sum"][mc] = (n * mean_x)[mc]
    cols["covariate_sum_squares"][mc] = ((n - 1) * var_x + n * mean_x**2)[mc]
    cols["main_covariate_sum_product"][mc] = ((n - 1) * cov_xy + n * mean_x * mean_y)[mc]

    # ratio: numerator M and denominator D per user, correlated; R = sum M / sum D
    mu_d = rng.uniform(2, 20, (E, M, 1)) * np.ones(shape)
    sd_d = mu_d * rng.uniform(0.5, 1.5, (E, M, 1))
    ratio = rng.uniform(0.05, 2, (E, M, 1)) * (1 + lift)
    mu_m = ratio * mu_d
    sd_m = mu_m * rng.uniform(0.5, 2, (E, M, 1))
    rho_md = rng.uniform(0.3, 0.9, (E, M, 1)) * np.ones(shape)
    r = kind == "ratio"
    mean_d, mean_m = _correlated_means(rng, mu_d, mu_m, sd_d, sd_m, rho_md, n)
    var_d, var_m = _sample_variance(rng, sd_d, n), _sample_variance(rng, sd_m, n)
    cols["main_sum"][r] = (n * mean_m)[r]
    cols["main_sum_squares"][r] = ((n - 1) * var_m + n * mean_m**2)[r]
    cols["denominator_sum"][r] = (n * mean_d)[r]
    cols["denominator_sum_squares"][r] = ((n - 1) * var_d + n * mean_d**2)[r]
    cols["main_denominator_sum_product"][r] = ((n - 1) * rho_md * np.sqrt(var_m * var_d) + n * mean_m * mean_d)[r]

    e_idx, m_idx, v_idx = np.meshgrid(np.arange(E), np.arange(M), np.arange(V), indexing="ij")
    frame = pd.DataFrame(
        {
            "experiment_id": np.char.add("exp_", e_idx.ravel().astype(str)),
            "variant_id": np.char.add("v", v_idx.ravel().astype(str)),
            "variant_name": np.where(v_idx.ravel() == 0, "control", np.char.add("treatment_", v_idx.ravel().astype(str))),
            "is_control": v_idx.ravel() == 0,
            "variant_weight": np.full(E * M * V, 1 / V),
            "metric_id": np.char.add("metric_", m_idx.ravel().astype(str)),
            "metric_type": kind.ravel(),
            "dimension_name": "overall",
            "dimension_value": "all",
            "day_index": 14,
            "n_users": n.ravel().astype(np.int64),
            **{c: v.ravel() for c, v in cols.items()},
            "true_lift": lift.ravel(),
        }
    )
    return frame[INPUT_COLUMNS + ["true_lift"]]
