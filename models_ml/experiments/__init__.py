"""Experiment statistics: sufficient statistics in, A/B-test and holdout results out (gbstats-compatible).

Pure Python over numpy/scipy/pandas; the warehouse computes the sufficient statistics, this
package turns them into lifts, intervals, p-values, chance to win and risk. See
docs/experiments-statistics.md for the formulas and how to read the results.
"""

from models_ml.experiments.analysis import INPUT_COLUMNS, OUTPUT_COLUMNS, AnalysisConfig, analyze
from models_ml.experiments.bayesian import (
    BayesianTestResult,
    EffectBayesianABTest,
    EffectBayesianConfig,
    GaussianPrior,
)
from models_ml.experiments.corrections import (
    adjust_p_values,
    adjusted_intervals,
    benjamini_hochberg,
    holm_bonferroni,
)
from models_ml.experiments.frequentist import (
    FrequentistConfig,
    FrequentistTestResult,
    OneSidedTreatmentGreaterTTest,
    OneSidedTreatmentLesserTTest,
    SequentialConfig,
    SequentialTwoSidedTTest,
    TwoSidedTTest,
)
from models_ml.experiments.holdout import HOLDOUT_INPUT_COLUMNS, HOLDOUT_OUTPUT_COLUMNS, holdout_lift
from models_ml.experiments.planning import ExperimentPlan, control_statistic, plan_experiment
from models_ml.experiments.power import minimum_detectable_effect, power, sample_size_per_variant
from models_ml.experiments.proportions import wilson_interval
from models_ml.experiments.srm import check_srm, srm_by_slice, srm_p_values
from models_ml.experiments.statistics import (
    ProportionStatistic,
    RatioStatistic,
    RegressionAdjustedRatioStatistic,
    RegressionAdjustedStatistic,
    SampleMeanStatistic,
    compute_theta,
)

__all__ = [
    "INPUT_COLUMNS",
    "OUTPUT_COLUMNS",
    "HOLDOUT_INPUT_COLUMNS",
    "HOLDOUT_OUTPUT_COLUMNS",
    "AnalysisConfig",
    "analyze",
    "holdout_lift",
    "ProportionStatistic",
    "SampleMeanStatistic",
    "RatioStatistic",
    "RegressionAdjustedStatistic",
    "RegressionAdjustedRatioStatistic",
    "compute_theta",
    "FrequentistConfig",
    "SequentialConfig",
    "FrequentistTestResult",
    "TwoSidedTTest",
    "OneSidedTreatmentGreaterTTest",
    "OneSidedTreatmentLesserTTest",
    "SequentialTwoSidedTTest",
    "GaussianPrior",
    "EffectBayesianConfig",
    "BayesianTestResult",
    "EffectBayesianABTest",
    "check_srm",
    "srm_p_values",
    "srm_by_slice",
    "ExperimentPlan",
    "plan_experiment",
    "control_statistic",
    "adjust_p_values",
    "adjusted_intervals",
    "holm_bonferroni",
    "benjamini_hochberg",
    "power",
    "minimum_detectable_effect",
    "wilson_interval",
    "sample_size_per_variant",
]
