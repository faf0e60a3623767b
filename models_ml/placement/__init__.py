"""Placement: where an advertiser's next yuan buys the most incremental conversions, with honest uncertainty.

Pure functions and estimators over per-cell sufficient statistics (campaign x segment x exposure tier
x period, from the warehouse): holdout returns per segment with Welch standard errors, empirical-Bayes
shrinkage toward the campaign, a frequency-response fit for the marginal return, and a plan whose gains
are posterior draws (so the interval accounts for having picked the extremes). No I/O.
See docs/campaigns.md ("Placement optimisation").
"""

from models_ml.placement.plan import (
    CELL_COLUMNS,
    PLAN_COLUMNS,
    PlacementPlanner,
    backtest,
)
from models_ml.placement.response import (
    FrequencyResponse,
    gain_fraction,
    marginal_ratio,
    saturation_from_ratio,
)
from models_ml.placement.returns import holdout_difference
from models_ml.placement.shrinkage import HierarchicalShrinkage

__all__ = [
    "CELL_COLUMNS",
    "PLAN_COLUMNS",
    "HierarchicalShrinkage",
    "FrequencyResponse",
    "PlacementPlanner",
    "backtest",
    "gain_fraction",
    "holdout_difference",
    "marginal_ratio",
    "saturation_from_ratio",
]
