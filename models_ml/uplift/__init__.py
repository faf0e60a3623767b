"""Per-user uplift (CATE) for campaigns with a randomised holdout: meta-learners, metrics, synthetic data."""

from models_ml.uplift.learners import DRLearner, RLearner, SLearner, TLearner, XLearner
from models_ml.uplift.metrics import (
    perfect_qini_curve,
    perfect_uplift_curve,
    qini_auc_score,
    qini_curve,
    random_qini_curve,
    random_uplift_curve,
    uplift_at_k,
    uplift_auc_score,
    uplift_by_decile,
    uplift_curve,
)
from models_ml.uplift.selection import LearnerSelector, r_loss
from models_ml.uplift.synthetic import (
    FEATURES,
    NIE_WAGER_SETUPS,
    SemiSyntheticData,
    UpliftData,
    make_nie_wager_data,
    make_uplift_data,
)

__all__ = [
    "DRLearner",
    "FEATURES",
    "LearnerSelector",
    "NIE_WAGER_SETUPS",
    "RLearner",
    "SemiSyntheticData",
    "SLearner",
    "TLearner",
    "UpliftData",
    "XLearner",
    "make_nie_wager_data",
    "make_uplift_data",
    "perfect_qini_curve",
    "perfect_uplift_curve",
    "qini_auc_score",
    "qini_curve",
    "r_loss",
    "random_qini_curve",
    "random_uplift_curve",
    "uplift_at_k",
    "uplift_auc_score",
    "uplift_by_decile",
    "uplift_curve",
]
