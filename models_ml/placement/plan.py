"""The placement plan: per advertiser and segment family, which segments get more budget, which less.

Steps (docs/campaigns.md, "Placement optimisation"):
1. Per campaign x segment, the holdout difference per user (Welch; an arm without conversions makes the
   segment not estimable, as in the campaign lift), scaled to the segment's treated users: incremental
   conversions and value, and the return per 1,000 CNY of the segment's spend.
2. Returns are shrunk toward their campaign's by hierarchical Bayes (HierarchicalShrinkage).
3. The marginal return = rho_c x the average return; rho_c from the campaign's frequency response
   (FrequencyResponse), with its uncertainty; when the response is not identified rho is drawn from its
   wide interval (uniform on [0, 1] without a fit), and the report says so.
4. A campaign whose overall holdout difference is not above zero at the plan's confidence gets no plan.
5. Per draw from the joint posterior the advertiser's average marginal return (spend-weighted) is the
   reference; a segment is moved toward when P(marginal > reference) >= confidence, away when
   P(marginal < reference) >= confidence. The move is sized to bring its marginal return to the reference
   on the fitted curve, capped at `shift_share` of its spend; the plan is budget-neutral.
6. Gains are computed per posterior draw on the curve, so the expected gain and its interval are
   posterior summaries given the data, the same data that picked the segments: the selection is in the
   conditioning, not ignored (no sum of naive intervals over the extremes).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.base import BaseEstimator

from models_ml.placement.response import FrequencyResponse, gain_fraction, saturation_from_ratio
from models_ml.placement.returns import holdout_difference
from models_ml.placement.shrinkage import HierarchicalShrinkage

__all__ = ["CELL_COLUMNS", "CELL_ORDER", "MAX_DRIVER_CELLS", "PLAN_COLUMNS", "SUMMARY_COLUMNS", "BACKTEST_COLUMNS", "PLAN_COLUMN_TYPES",
           "SUMMARY_COLUMN_TYPES", "BACKTEST_COLUMN_TYPES", "PlacementPlanner", "backtest"]

SEGMENT_KEYS = ["advertiser_id", "campaign_id", "segment_type", "segment", "audience_filter"]
ADDITIVE = [
    "treated_users", "spend", "odd_day_spend", "impressions", "arm_treated_users", "arm_holdout_users",
    "treated_conversions", "treated_conversions_sum_squares", "holdout_conversions",
    "holdout_conversions_sum_squares", "treated_value", "treated_value_sum_squares", "holdout_value",
    "holdout_value_sum_squares",
]
CELL_COLUMNS = [*SEGMENT_KEYS, "exposure_tier", *ADDITIVE]
# How the dbt Python models read the cells: in this order (a fit sees the same frame on every engine),
# and at most this many onto the driver (docs/spark.md).
CELL_ORDER = "campaign_id, segment_type, segment, exposure_tier, period"
MAX_DRIVER_CELLS = 1_000_000
# The family whose segments partition each campaign's whole study: campaign totals and tiers come from it.
PARTITION_FAMILY = "age_band_device"
ACTIONS = ("shift_toward", "shift_away", "hold", "not_enough_evidence", "insufficient_data")

# The columns of the plan, its summary and its backtest with their SQL types: the published types (the
# rpt_placement_* contracts), which the dbt Python models cast to (reelmart.frames.select_typed).
PLAN_COLUMN_TYPES = {
    "advertiser_id": "varchar", "campaign_id": "varchar", "segment_type": "varchar", "segment": "varchar",
    "action": "varchar", "reason": "varchar", "return_rank": "integer", "treated_users": "bigint",
    "arm_treated_users": "bigint", "arm_holdout_users": "bigint", "spend": "decimal(38,6)",
    "incremental_conversions": "double", "incremental_conversions_se": "double",
    "incremental_value": "double", "incremental_value_se": "double", "raw_return_per_1000": "double",
    "raw_return_per_1000_se": "double", "return_per_1000": "double", "return_per_1000_se": "double",
    "shrinkage": "double", "marginal_ratio": "double", "marginal_ratio_ci_lower": "double",
    "marginal_ratio_ci_upper": "double", "marginal_basis": "varchar", "marginal_return_per_1000": "double",
    "marginal_return_ci_lower": "double", "marginal_return_ci_upper": "double",
    "advertiser_return_per_1000": "double", "advertiser_marginal_return_per_1000": "double",
    "chance_above_average": "double", "campaign_has_effect": "boolean", "budget_change": "double",
    "expected_gain": "double", "expected_gain_se": "double", "expected_gain_ci_lower": "double",
    "expected_gain_ci_upper": "double", "audience_filter": "varchar", "target_audience": "varchar",
}
SUMMARY_COLUMN_TYPES = {
    "advertiser_id": "varchar", "segment_type": "varchar", "status": "varchar", "budget_moved": "double",
    "expected_gain": "double", "expected_gain_ci_lower": "double", "expected_gain_ci_upper": "double",
    "chance_of_gain": "double", "segments_toward": "integer", "segments_away": "integer",
    "segments_hold": "integer", "segments_not_enough_evidence": "integer",
    "segments_insufficient_data": "integer",
}
BACKTEST_COLUMN_TYPES = {
    "advertiser_id": "varchar", "segment_type": "varchar", "plan_period": "varchar",
    "evaluation_period": "varchar", "segments_moved": "integer", "budget_moved": "double",
    "predicted_gain": "double", "predicted_gain_ci_lower": "double", "predicted_gain_ci_upper": "double",
    "realised_gain": "double", "realised_gain_ci_lower": "double", "realised_gain_ci_upper": "double",
    "segments_not_evaluable": "integer",
}
PLAN_COLUMNS = list(PLAN_COLUMN_TYPES)
SUMMARY_COLUMNS = list(SUMMARY_COLUMN_TYPES)
BACKTEST_COLUMNS = list(BACKTEST_COLUMN_TYPES)


def _segments(cells: pd.DataFrame, min_arm_users: int) -> pd.DataFrame:
    """Sum the tiers of each segment and estimate its raw holdout return."""
    segments = cells.groupby(SEGMENT_KEYS, dropna=False, sort=True)[ADDITIVE].sum().reset_index()
    d, se, reason = holdout_difference(
        segments["arm_treated_users"], segments["treated_conversions"], segments["treated_conversions_sum_squares"],
        segments["arm_holdout_users"], segments["holdout_conversions"], segments["holdout_conversions_sum_squares"],
        min_arm_users)
    dv, sev, _ = holdout_difference(
        segments["arm_treated_users"], segments["treated_value"], segments["treated_value_sum_squares"],
        segments["arm_holdout_users"], segments["holdout_value"], segments["holdout_value_sum_squares"],
        min_arm_users)
    spend = segments["spend"].to_numpy(dtype=float)
    reason = np.where((reason == None) & (spend <= 0), "no_spend", reason)  # noqa: E711
    n = segments["treated_users"].to_numpy(dtype=float)
    segments["reason"] = reason
    segments["estimable"] = reason == None  # noqa: E711
    segments["incremental_conversions"] = n * d
    segments["incremental_conversions_se"] = n * se
    segments["incremental_value"] = n * dv
    segments["incremental_value_se"] = n * sev
    with np.errstate(divide="ignore", invalid="ignore"):
        segments["raw_return_per_1000"] = np.where(segments["estimable"], 1000 * n * d / spend, np.nan)
        segments["raw_return_per_1000_se"] = np.where(segments["estimable"], 1000 * n * se / spend, np.nan)
    return segments


def _campaign_effects(cells: pd.DataFrame, confidence: float, min_arm_users: int) -> pd.DataFrame:
    """Each campaign's overall holdout difference and whether it is above zero at `confidence` (two-sided)."""
    family = cells[cells["segment_type"] == PARTITION_FAMILY]
    totals = family.groupby("campaign_id")[ADDITIVE].sum()
    d, se, reason = holdout_difference(
        totals["arm_treated_users"], totals["treated_conversions"], totals["treated_conversions_sum_squares"],
        totals["arm_holdout_users"], totals["holdout_conversions"], totals["holdout_conversions_sum_squares"],
        min_arm_users)
    z = stats.norm.ppf(0.5 + confidence / 2)
    return pd.DataFrame({"has_effect": (reason == None) & (d - z * se > 0)}, index=totals.index)  # noqa: E711


def _frequency_responses(cells: pd.DataFrame, confidence: float, max_ratio_width: float,
                         min_arm_users: int) -> dict[str, FrequencyResponse]:
    family = cells[cells["segment_type"] == PARTITION_FAMILY]
    tiers = family.groupby(["campaign_id", "exposure_tier"])[ADDITIVE].sum().reset_index()
    d, se, _ = holdout_difference(
        tiers["arm_treated_users"], tiers["treated_conversions"], tiers["treated_conversions_sum_squares"],
        tiers["arm_holdout_users"], tiers["holdout_conversions"], tiers["holdout_conversions_sum_squares"],
        min_arm_users)
    tiers["uplift"], tiers["uplift_se"] = d, se
    with np.errstate(divide="ignore", invalid="ignore"):
        # exposure from the days the tiers were not drawn from (odd_day_spend: see int_placement_cells); a
        # constant factor does not change the marginal/average ratio
        tiers["exposure"] = tiers["odd_day_spend"] / tiers["treated_users"]
    return {campaign: FrequencyResponse(confidence=confidence, max_ratio_width=max_ratio_width).fit(
        part["exposure"], part["uplift"], part["uplift_se"], part["treated_users"])
        for campaign, part in tiers.groupby("campaign_id")}


class PlacementPlanner(BaseEstimator):
    """fit(cells) -> self, cells at CELL_COLUMNS grain for one period. Learned: plan_ (PLAN_COLUMNS, one row
    per campaign x segment), summary_ (SUMMARY_COLUMNS, per advertiser x segment type), and the posterior
    draws behind them (gain_draws_, segments_) for backtests. `confidence` is the decision rule (how sure a shift
    must be); `interval_level` the level of the reported intervals (None: the same as confidence), so the site's
    one interval level does not change which segments move."""

    def __init__(self, confidence: float = 0.9, shift_share: float = 0.2, min_arm_users: int = 20,
                 max_ratio_width: float = 0.4, n_draws: int = 4000, random_state: int = 0,
                 interval_level: float | None = None):
        self.confidence = confidence
        self.interval_level = interval_level
        self.shift_share = shift_share
        self.min_arm_users = min_arm_users
        self.max_ratio_width = max_ratio_width
        self.n_draws = n_draws
        self.random_state = random_state

    def fit(self, cells: pd.DataFrame) -> PlacementPlanner:
        missing = [c for c in CELL_COLUMNS if c not in cells.columns]
        if missing:
            raise ValueError(f"placement cells lack columns: {missing}")
        if not 0.5 < self.confidence < 1 or not 0 < self.shift_share <= 1:
            raise ValueError("confidence must be in (0.5, 1) and shift_share in (0, 1]")
        if self.interval_level is not None and not 0 < self.interval_level < 1:
            raise ValueError(f"interval_level must be in (0, 1), got {self.interval_level}")
        cells = cells.copy()
        cells[ADDITIVE] = cells[ADDITIVE].astype(float)
        rng = np.random.default_rng(self.random_state)
        seg = _segments(cells, self.min_arm_users)
        effects = _campaign_effects(cells, self.confidence, self.min_arm_users)
        seg["campaign_has_effect"] = seg["campaign_id"].map(effects["has_effect"]).fillna(False).astype(bool)
        self.responses_ = _frequency_responses(cells, self.confidence, self.max_ratio_width, self.min_arm_users)

        n_seg = len(seg)
        est = seg["estimable"].to_numpy()
        theta = np.full((self.n_draws, n_seg), np.nan)
        post_mean = np.full(n_seg, np.nan)
        post_sd = np.full(n_seg, np.nan)
        shrink = np.full(n_seg, np.nan)
        if est.any():
            groups = (seg.loc[est, "campaign_id"] + "|" + seg.loc[est, "segment_type"]).to_numpy()
            hb = HierarchicalShrinkage().fit(seg.loc[est, "raw_return_per_1000"],
                                             seg.loc[est, "raw_return_per_1000_se"], groups)
            post_mean[est], post_sd[est], shrink[est] = hb.posterior_mean_, hb.posterior_sd_, hb.shrinkage_
            theta[:, est] = hb.sample(self.n_draws, rng)
        rho = np.ones((self.n_draws, n_seg))
        for campaign, response in self.responses_.items():
            rho[:, (seg["campaign_id"] == campaign).to_numpy()] = response.sample_ratio(self.n_draws, rng)[:, None]
        marginal = rho * theta
        spend = seg["spend"].to_numpy(dtype=float)

        action = np.where(est, "not_enough_evidence", "insufficient_data").astype(object)
        reason = np.where(est, None, seg["reason"]).astype(object)
        change = np.zeros(n_seg)
        p_up = np.full(n_seg, np.nan)
        reference = np.full((self.n_draws, n_seg), np.nan)
        avg_reference = np.full(n_seg, np.nan)
        has_effect = seg["campaign_has_effect"].to_numpy()
        reason[est & ~has_effect] = "no plan: the campaign's holdout shows no effect at this confidence"
        for _, index in seg.groupby(["advertiser_id", "segment_type"]).indices.items():
            universe = index[est[index] & has_effect[index]]
            if len(universe) == 0:
                continue
            weights = spend[universe] / spend[universe].sum()
            ref = marginal[:, universe] @ weights
            reference[:, index] = ref[:, None]
            avg_reference[index] = float(np.mean(theta[:, universe] @ weights))
            gap = marginal[:, universe] - ref[:, None]
            up = (gap > 0).mean(axis=0)
            p_up[universe] = up
            lo, hi = np.quantile(gap, [(1 - self.confidence) / 2, (1 + self.confidence) / 2], axis=0)
            toward = universe[up >= self.confidence]
            away = universe[1 - up >= self.confidence]
            middle = ~((up >= self.confidence) | (1 - up >= self.confidence))
            # hold = the segment's own data (not only its campaign's) says it is close to the average
            near = middle & ((hi - lo) <= np.abs(ref.mean())) & (shrink[universe] < 0.5)
            action[universe[near]] = "hold"
            reason[universe[near]] = "its marginal return is close to the advertiser's average"
            reason[universe[middle & ~near]] = "too uncertain to tell whether it beats the advertiser's average"
            if len(toward) == 0 or len(away) == 0:
                note = ("no segment is confidently below average to fund it" if len(toward)
                        else "no segment is confidently above average to receive it")
                action[np.concatenate([toward, away])] = "hold"
                reason[np.concatenate([toward, away])] = f"differs from the average, but {note}"
                continue
            k = saturation_from_ratio(np.median(rho[:, universe], axis=0))
            ratio = np.mean(marginal[:, universe], axis=0) / ref.mean()
            with np.errstate(divide="ignore", invalid="ignore"):
                target = np.where(ratio > 0, np.log(np.maximum(ratio, 1e-12)) / np.maximum(k, 1e-9), -np.inf)
            share = np.clip(target, -self.shift_share, self.shift_share)
            pos = {s: share[i] * spend[s] for i, s in enumerate(universe) if s in set(toward)}
            neg = {s: share[i] * spend[s] for i, s in enumerate(universe) if s in set(away)}
            receive, give = sum(pos.values()), -sum(neg.values())
            moved = min(receive, give)
            for s, amount in pos.items():
                change[s] = amount * moved / receive
            for s, amount in neg.items():
                change[s] = amount * moved / give
            action[toward], action[away] = "shift_toward", "shift_away"
            reason[toward] = "marginal return above the advertiser's average with the plan's confidence"
            reason[away] = "marginal return below the advertiser's average with the plan's confidence"

        with np.errstate(divide="ignore", invalid="ignore"):
            fraction = np.where(spend > 0, change / spend, 0.0)
        k_draws = saturation_from_ratio(rho)
        gains = np.where(change != 0, np.nan_to_num(theta) * spend / 1000 * gain_fraction(k_draws, fraction), 0.0)
        q_lo, q_hi = self._interval_quantiles()

        out = seg[["advertiser_id", "campaign_id", "segment_type", "segment", "audience_filter", "treated_users",
                   "arm_treated_users", "arm_holdout_users", "spend", "incremental_conversions",
                   "incremental_conversions_se", "incremental_value", "incremental_value_se", "raw_return_per_1000",
                   "raw_return_per_1000_se", "campaign_has_effect"]].copy()
        out["action"], out["reason"] = action, reason
        out["return_per_1000"], out["return_per_1000_se"], out["shrinkage"] = post_mean, post_sd, shrink
        out["marginal_ratio"] = np.where(est, np.median(rho, axis=0), np.nan)
        out["marginal_ratio_ci_lower"] = np.where(est, np.quantile(rho, q_lo, axis=0), np.nan)
        out["marginal_ratio_ci_upper"] = np.where(est, np.quantile(rho, q_hi, axis=0), np.nan)
        out["marginal_basis"] = [self.responses_[c].status_ if c in self.responses_ else "not identified: no tiers"
                                 for c in seg["campaign_id"]]
        with np.errstate(invalid="ignore"):
            out["marginal_return_per_1000"] = np.where(est, np.nanmean(marginal, axis=0), np.nan)
            out["marginal_return_ci_lower"] = np.where(est, np.nanquantile(marginal, q_lo, axis=0), np.nan)
            out["marginal_return_ci_upper"] = np.where(est, np.nanquantile(marginal, q_hi, axis=0), np.nan)
            out["advertiser_marginal_return_per_1000"] = np.nanmean(reference, axis=0)
        out["advertiser_return_per_1000"] = avg_reference
        out["chance_above_average"] = p_up
        out["budget_change"] = change
        out["expected_gain"] = gains.mean(axis=0)
        out["expected_gain_se"] = gains.std(axis=0)
        out["expected_gain_ci_lower"] = np.quantile(gains, q_lo, axis=0)
        out["expected_gain_ci_upper"] = np.quantile(gains, q_hi, axis=0)
        out["target_audience"] = np.where(out["action"] == "shift_toward", "aud_persuadables_" + out["campaign_id"],
                                          None)
        ranked = out[est].groupby(["advertiser_id", "segment_type"])["return_per_1000"].rank(
            ascending=False, method="first")
        out["return_rank"] = pd.array(np.full(n_seg, pd.NA), dtype="Int64")
        out.loc[ranked.index, "return_rank"] = ranked.astype("int64")
        self.plan_ = out[PLAN_COLUMNS].reset_index(drop=True)
        self.gain_draws_, self.segments_ = gains, seg
        self.theta_draws_, self.ratio_draws_ = theta, rho
        self.summary_ = self._summarise(out, gains, q_lo, q_hi)
        return self

    def _summarise(self, out: pd.DataFrame, gains: np.ndarray, q_lo: float, q_hi: float) -> pd.DataFrame:
        rows = []
        for (advertiser, kind), index in out.groupby(["advertiser_id", "segment_type"]).indices.items():
            counts = out["action"].iloc[index].value_counts()
            total = gains[:, index].sum(axis=1)
            moved = float(out["budget_change"].iloc[index].clip(lower=0).sum())
            if moved > 0:
                status = "plan"
            elif not out["campaign_has_effect"].iloc[index].any():
                status = "no plan: no campaign of the advertiser shows an effect"
            else:
                status = "no plan: no segment differs from the average with the plan's confidence"
            rows.append({
                "advertiser_id": advertiser, "segment_type": kind, "status": status, "budget_moved": moved,
                "expected_gain": float(total.mean()), "expected_gain_ci_lower": float(np.quantile(total, q_lo)),
                "expected_gain_ci_upper": float(np.quantile(total, q_hi)),
                "chance_of_gain": float((total > 0).mean()) if moved > 0 else None,
                **{f"segments_{a.replace('shift_', '')}": int(counts.get(a, 0)) for a in ACTIONS},
            })
        return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)

    def _interval_quantiles(self) -> tuple[float, float]:
        level = self.confidence if self.interval_level is None else self.interval_level
        return (1 - level) / 2, (1 + level) / 2


def backtest(cells: pd.DataFrame, plan_period: str = "first_half", evaluation_period: str = "second_half",
             **planner_params) -> pd.DataFrame:
    """What the plan built on one period would have gained in the next, judged by that period's holdout.

    The plan's budget shares are applied to the evaluation period's spend. Predicted gain: the plan's own
    posterior on that spend. Realised gain: the evaluation period's raw (unshrunk, independent of the
    selection) segment returns on the same curves. `cells` carries a `period` column.
    """
    if "period" not in cells.columns:
        raise ValueError("backtest needs cells with a 'period' column")
    planner = PlacementPlanner(**planner_params).fit(cells[cells["period"] == plan_period])
    late = _segments(cells[cells["period"] == evaluation_period].astype({c: float for c in ADDITIVE}),
                     planner.min_arm_users).set_index(["campaign_id", "segment_type", "segment"])
    plan = planner.plan_
    rng = np.random.default_rng(planner.random_state + 1)
    q_lo, q_hi = planner._interval_quantiles()
    rows = []
    for (advertiser, kind), index in plan.groupby(["advertiser_id", "segment_type"]).indices.items():
        moved_rows = [i for i in index if plan["budget_change"].iloc[i] != 0]
        predicted = np.zeros(planner.n_draws)
        realised = np.zeros(planner.n_draws)
        not_evaluable, moved = 0, 0.0
        for i in moved_rows:
            row = plan.iloc[i]
            key = (row["campaign_id"], row["segment_type"], row["segment"])
            share = row["budget_change"] / row["spend"]
            k = saturation_from_ratio(planner.ratio_draws_[:, i])
            if key not in late.index or not late.loc[key, "estimable"]:
                not_evaluable += 1
                continue
            late_spend = float(late.loc[key, "spend"])
            moved += max(share, 0) * late_spend
            curve = late_spend / 1000 * gain_fraction(k, share)
            predicted += planner.theta_draws_[:, i] * curve
            raw = late.loc[key, "raw_return_per_1000"] + late.loc[key, "raw_return_per_1000_se"] * rng.standard_normal(
                planner.n_draws)
            realised += raw * curve
        has_plan = bool(moved_rows)
        rows.append({
            "advertiser_id": advertiser, "segment_type": kind, "plan_period": plan_period,
            "evaluation_period": evaluation_period, "segments_moved": len(moved_rows), "budget_moved": moved,
            **{f"{name}_gain{suffix}": (float(f(draws)) if has_plan else None)
               for name, draws in (("predicted", predicted), ("realised", realised))
               for suffix, f in (("", np.mean), ("_ci_lower", lambda x: np.quantile(x, q_lo)),
                                 ("_ci_upper", lambda x: np.quantile(x, q_hi)))},
            "segments_not_evaluable": not_evaluable,
        })
    return pd.DataFrame(rows, columns=BACKTEST_COLUMNS)
