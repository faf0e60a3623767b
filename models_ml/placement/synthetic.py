"""Synthetic placement cells with a planted spend response, for tests and the backtest benchmark.

Per campaign: segments with a per-user effect cap, exposure tiers with spend per treated user e_t, and the
effect cap x (1 - exp(-e / phi)): the same shape the simulator plants. Conversions are Bernoulli, so the
sufficient statistics are what the warehouse would compute.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TIER_EXPOSURE = np.array([0.25, 0.5, 0.9, 1.5, 3.0])  # spend per treated user per tier, x the campaign's phi


def synthetic_cells(n_campaigns: int = 3, n_segments: int = 12, users: int = 60_000, null_campaign: bool = True,
                    holdout_share: float = 0.15, base_rate: float = 0.04, effect: float = 0.02,
                    periods: tuple[str, ...] = ("full",), random_state: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(cells at CELL_COLUMNS grain with a 'period' column, truth per segment and period with the response curve).

    Each period is an independent draw of the same users' outcomes (same segments, tiers and effects).

    Campaign 0 belongs to advertiser 'adv_a', the others to 'adv_b'; with null_campaign the last campaign
    has no effect and its own advertiser 'adv_null'. users = study users per campaign.
    """
    rng = np.random.default_rng(random_state)
    rows, truth = [], []
    for c in range(n_campaigns):
        advertiser = "adv_null" if null_campaign and c == n_campaigns - 1 else ("adv_a" if c == 0 else "adv_b")
        cap_scale = 0.0 if advertiser == "adv_null" else effect * rng.uniform(0.7, 1.4)
        phi = 1.0
        shares = rng.dirichlet(np.full(n_segments, 2.0))
        caps = cap_scale * rng.lognormal(0, 0.6, n_segments)
        for s in range(n_segments):
            n_seg = rng.binomial(users, shares[s])
            tier_users = rng.multinomial(n_seg, np.full(len(TIER_EXPOSURE), 1 / len(TIER_EXPOSURE)))
            tier_holdout = rng.binomial(tier_users, holdout_share)
            for period, (t, e) in ((p, te) for p in periods for te in enumerate(TIER_EXPOSURE * phi)):
                holdout = tier_holdout[t]
                treated = tier_users[t] - holdout
                p0 = base_rate * (0.7 + 0.15 * t)
                tau = caps[s] * -np.expm1(-e / phi)
                yt = rng.binomial(treated, min(p0 + tau, 1.0))
                yh = rng.binomial(holdout, p0)
                value_t, value_h = 50.0 * yt, 50.0 * yh
                rows.append({
                    "advertiser_id": advertiser, "campaign_id": f"cmp_{c}", "segment_type": "age_band_device",
                    "segment": f"seg {s:02d}", "audience_filter": f"segment = {s}", "exposure_tier": t + 1,
                    "period": period, "treated_users": treated, "spend": treated * e, "odd_day_spend": treated * e / 2,
                    "impressions": treated,
                    "arm_treated_users": treated, "arm_holdout_users": holdout,
                    "treated_conversions": yt, "treated_conversions_sum_squares": yt,
                    "holdout_conversions": yh, "holdout_conversions_sum_squares": yh,
                    "treated_value": value_t, "treated_value_sum_squares": 50.0 * value_t,
                    "holdout_value": value_h, "holdout_value_sum_squares": 50.0 * value_h,
                    "_tau": tau, "_cap": caps[s], "_phi": phi, "_exposure": e,
                })
    cells = pd.DataFrame(rows)
    cells["_incremental"] = cells["treated_users"] * cells["_tau"]
    cells["_marginal_sum"] = cells["treated_users"] * cells["_cap"] * cells["_exposure"] / cells["_phi"] * np.exp(
        -cells["_exposure"] / cells["_phi"])
    truth = cells.groupby(["period", "advertiser_id", "campaign_id", "segment_type", "segment"]).agg(
        spend=("spend", "sum"), incremental=("_incremental", "sum"), marginal_sum=("_marginal_sum", "sum"),
    ).reset_index()
    truth["true_average_return_per_1000"] = 1000 * truth["incremental"] / truth["spend"]
    truth["true_marginal_return_per_1000"] = 1000 * truth["marginal_sum"] / truth["spend"]
    return cells.drop(columns=[c for c in cells.columns if c.startswith("_")]), truth.assign(
        response_cells=[cells[(cells["campaign_id"] == r.campaign_id) & (cells["segment"] == r.segment)
                               & (cells["period"] == r.period)][
            ["treated_users", "_cap", "_exposure", "_phi"]].to_numpy() for r in truth.itertuples()])


def true_gain(truth_row_cells: np.ndarray, change_share: float) -> float:
    """True extra incremental conversions when a segment's spend (delivery) changes by change_share."""
    n, cap, e, phi = truth_row_cells.T
    return float(np.sum(n * cap * (np.exp(-e / phi) - np.exp(-(1 + change_share) * e / phi))))
