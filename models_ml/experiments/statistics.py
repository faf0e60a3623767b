"""Per-arm sufficient statistics as small value objects, modelled on gbstats 0.8.0.

Every field may be a Python number or a numpy array: one object then holds the statistics of
many arms at once, and every property is computed element-wise. That is what lets `analyze`
run thousands of comparisons without a Python loop while the scalar API stays readable.

Conventions follow gbstats so that results agree with it: a mean over zero units is 0, a
variance over one unit (or fewer) is 0, a ratio whose denominator sums to 0 is 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ArrayLike = float | np.ndarray

__all__ = [
    "ArrayLike",
    "ProportionStatistic",
    "SampleMeanStatistic",
    "RatioStatistic",
    "RegressionAdjustedStatistic",
    "RegressionAdjustedRatioStatistic",
    "TestStatistic",
    "compute_theta",
    "create_joint_statistic",
]


def _as_float(x: ArrayLike) -> np.ndarray:
    return np.asarray(x, dtype=float)


def safe_divide(numerator: ArrayLike, denominator: ArrayLike) -> np.ndarray:
    """numerator / denominator, with 0 wherever the denominator is 0 (gbstats' convention)."""
    num, den = np.broadcast_arrays(_as_float(numerator), _as_float(denominator))
    out = np.zeros(num.shape, dtype=float)
    np.divide(num, den, out=out, where=den != 0)
    return out


@dataclass(frozen=True)
class SampleMeanStatistic:
    """A per-user metric summarised by n, sum and sum of squares (gbstats' count metric)."""

    n: ArrayLike
    sum: ArrayLike
    sum_squares: ArrayLike

    @property
    def mean(self) -> np.ndarray:
        return safe_divide(self.sum, self.n)

    @property
    def unadjusted_mean(self) -> np.ndarray:
        return self.mean

    @property
    def variance(self) -> np.ndarray:
        """Unbiased sample variance; 0 with fewer than two units."""
        n, s, ss = _as_float(self.n), _as_float(self.sum), _as_float(self.sum_squares)
        return np.where(n > 1, safe_divide(ss - safe_divide(s**2, n), n - 1), 0.0)

    @property
    def stddev(self) -> np.ndarray:
        return np.sqrt(np.maximum(self.variance, 0.0))

    @property
    def has_zero_variance(self) -> np.ndarray:
        return self.variance <= 0.0


@dataclass(frozen=True)
class ProportionStatistic:
    """A 0/1 metric per user (converted or not): n and the number of successes."""

    n: ArrayLike
    sum: ArrayLike

    @property
    def sum_squares(self) -> ArrayLike:
        return self.sum

    @property
    def mean(self) -> np.ndarray:
        return safe_divide(self.sum, self.n)

    @property
    def unadjusted_mean(self) -> np.ndarray:
        return self.mean

    @property
    def variance(self) -> np.ndarray:
        """Bernoulli variance p(1-p), as gbstats (no n-1 correction)."""
        p = self.mean
        return p * (1 - p)

    @property
    def stddev(self) -> np.ndarray:
        return np.sqrt(np.maximum(self.variance, 0.0))

    @property
    def has_zero_variance(self) -> np.ndarray:
        return self.variance <= 0.0


BaseStatistic = SampleMeanStatistic | ProportionStatistic


@dataclass(frozen=True)
class RatioStatistic:
    """A ratio of two per-user sums (e.g. watch seconds per impression) with users as the unit.

    The variance is the delta-method variance of sum(M)/sum(D) per user, so the test can treat
    the ratio like a mean with n = users.
    """

    n: ArrayLike
    m_statistic: BaseStatistic
    d_statistic: BaseStatistic
    m_d_sum_of_products: ArrayLike

    @property
    def mean(self) -> np.ndarray:
        return safe_divide(self.m_statistic.sum, self.d_statistic.sum)

    @property
    def unadjusted_mean(self) -> np.ndarray:
        return self.mean

    @property
    def covariance(self) -> np.ndarray:
        n = _as_float(self.n)
        m_sum, d_sum = _as_float(self.m_statistic.sum), _as_float(self.d_statistic.sum)
        cov = safe_divide(_as_float(self.m_d_sum_of_products) - safe_divide(m_sum * d_sum, n), n - 1)
        return np.where(n > 1, cov, 0.0)

    @property
    def variance(self) -> np.ndarray:
        m_mean, d_mean = self.m_statistic.mean, self.d_statistic.mean
        with np.errstate(divide="ignore", invalid="ignore"):
            var = (
                self.m_statistic.variance / d_mean**2
                - 2 * self.covariance * m_mean / d_mean**3
                + m_mean**2 * self.d_statistic.variance / d_mean**4
            )
        return np.where((d_mean == 0) | (_as_float(self.n) <= 1), 0.0, var)

    @property
    def stddev(self) -> np.ndarray:
        return np.sqrt(np.maximum(self.variance, 0.0))

    @property
    def has_zero_variance(self) -> np.ndarray:
        return self.variance <= 0.0


@dataclass(frozen=True)
class RegressionAdjustedStatistic:
    """CUPED: the post-exposure metric adjusted by its pre-exposure value, Y - theta * X.

    `theta` is set by the test from both arms pooled (`compute_theta`), never per arm, so the
    adjustment cannot create a difference between arms that was not in Y.
    """

    n: ArrayLike
    post_statistic: BaseStatistic
    pre_statistic: BaseStatistic
    post_pre_sum_of_products: ArrayLike
    theta: ArrayLike = 0.0

    @property
    def mean(self) -> np.ndarray:
        return self.post_statistic.mean - _as_float(self.theta) * self.pre_statistic.mean

    @property
    def unadjusted_mean(self) -> np.ndarray:
        return self.post_statistic.mean

    @property
    def covariance(self) -> np.ndarray:
        n = _as_float(self.n)
        post_sum, pre_sum = _as_float(self.post_statistic.sum), _as_float(self.pre_statistic.sum)
        cov = safe_divide(
            _as_float(self.post_pre_sum_of_products) - safe_divide(post_sum * pre_sum, n), n - 1
        )
        return np.where(n > 1, cov, 0.0)

    @property
    def variance(self) -> np.ndarray:
        theta = _as_float(self.theta)
        var = (
            self.post_statistic.variance
            + theta**2 * self.pre_statistic.variance
            - 2 * theta * self.covariance
        )
        return np.where(_as_float(self.n) <= 1, 0.0, var)

    @property
    def stddev(self) -> np.ndarray:
        return np.sqrt(np.maximum(self.variance, 0.0))

    @property
    def has_zero_variance(self) -> np.ndarray:
        return self.variance <= 0.0


@dataclass(frozen=True)
class RegressionAdjustedRatioStatistic:
    """CUPED for a ratio metric: the linearised ratio adjusted by one pre-exposure covariate X.

    Not in gbstats 0.8.0. The ratio R = sum(M)/sum(D) is linearised per user as
    u = (M - R D) / mean(D) (its delta-method influence function), and u is adjusted by
    theta * (X - mean X) exactly as `RegressionAdjustedStatistic` adjusts Y. It needs the extra
    cross product sum(D * X) (`denominator_covariate_sum_product`).
    """

    n: ArrayLike
    ratio_statistic: RatioStatistic
    pre_statistic: BaseStatistic
    m_pre_sum_of_products: ArrayLike
    d_pre_sum_of_products: ArrayLike
    theta: ArrayLike = 0.0

    @property
    def mean(self) -> np.ndarray:
        return self.ratio_statistic.mean - _as_float(self.theta) * self.pre_statistic.mean

    @property
    def unadjusted_mean(self) -> np.ndarray:
        return self.ratio_statistic.mean

    @property
    def covariance(self) -> np.ndarray:
        """cov(u, X) = (cov(M, X) - R cov(D, X)) / mean(D)."""
        n = _as_float(self.n)
        ratio = self.ratio_statistic
        pre_sum = _as_float(self.pre_statistic.sum)

        def cov(sum_of_products: ArrayLike, other_sum: ArrayLike) -> np.ndarray:
            centred = _as_float(sum_of_products) - safe_divide(_as_float(other_sum) * pre_sum, n)
            return safe_divide(centred, n - 1)

        cov_mx = cov(self.m_pre_sum_of_products, ratio.m_statistic.sum)
        cov_dx = cov(self.d_pre_sum_of_products, ratio.d_statistic.sum)
        out = safe_divide(cov_mx - ratio.mean * cov_dx, ratio.d_statistic.mean)
        return np.where(n > 1, out, 0.0)

    @property
    def variance(self) -> np.ndarray:
        theta = _as_float(self.theta)
        var = self.ratio_statistic.variance + theta**2 * self.pre_statistic.variance - 2 * theta * self.covariance
        return np.where(_as_float(self.n) <= 1, 0.0, var)

    @property
    def stddev(self) -> np.ndarray:
        return np.sqrt(np.maximum(self.variance, 0.0))

    @property
    def has_zero_variance(self) -> np.ndarray:
        return self.variance <= 0.0


TestStatistic = (
    SampleMeanStatistic
    | ProportionStatistic
    | RatioStatistic
    | RegressionAdjustedStatistic
    | RegressionAdjustedRatioStatistic
)
AdjustedStatistic = RegressionAdjustedStatistic | RegressionAdjustedRatioStatistic


def create_joint_statistic(a: BaseStatistic, b: BaseStatistic, n: ArrayLike) -> BaseStatistic:
    """Both arms pooled into one statistic of the same kind (used for the pooled theta)."""
    if isinstance(a, ProportionStatistic) and isinstance(b, ProportionStatistic):
        return ProportionStatistic(n=n, sum=_as_float(a.sum) + _as_float(b.sum))
    if isinstance(a, SampleMeanStatistic) and isinstance(b, SampleMeanStatistic):
        return SampleMeanStatistic(
            n=n,
            sum=_as_float(a.sum) + _as_float(b.sum),
            sum_squares=_as_float(a.sum_squares) + _as_float(b.sum_squares),
        )
    raise ValueError("Statistic types for a metric must be the same in every variant.")


def compute_theta(a: AdjustedStatistic, b: AdjustedStatistic) -> np.ndarray:
    """Pooled CUPED coefficient cov(Y, X) / var(X) over both arms; 0 when either has no variance.

    gbstats 0.8.0 pools the two arms of each comparison (not all arms of the experiment), so a
    control compared with two treatments may carry two slightly different thetas.
    """
    n = _as_float(a.n) + _as_float(b.n)
    joint_pre = create_joint_statistic(a.pre_statistic, b.pre_statistic, n)
    if isinstance(a, RegressionAdjustedRatioStatistic):
        joint_ratio = RatioStatistic(
            n=n,
            m_statistic=create_joint_statistic(
                a.ratio_statistic.m_statistic, b.ratio_statistic.m_statistic, n
            ),
            d_statistic=create_joint_statistic(
                a.ratio_statistic.d_statistic, b.ratio_statistic.d_statistic, n
            ),
            m_d_sum_of_products=_as_float(a.ratio_statistic.m_d_sum_of_products)
            + _as_float(b.ratio_statistic.m_d_sum_of_products),
        )
        joint = RegressionAdjustedRatioStatistic(
            n=n,
            ratio_statistic=joint_ratio,
            pre_statistic=joint_pre,
            m_pre_sum_of_products=_as_float(a.m_pre_sum_of_products) + _as_float(b.m_pre_sum_of_products),
            d_pre_sum_of_products=_as_float(a.d_pre_sum_of_products) + _as_float(b.d_pre_sum_of_products),
        )
        post_variance = joint_ratio.variance
    else:
        joint_post = create_joint_statistic(a.post_statistic, b.post_statistic, n)
        joint = RegressionAdjustedStatistic(
            n=n,
            post_statistic=joint_post,
            pre_statistic=joint_pre,
            post_pre_sum_of_products=_as_float(a.post_pre_sum_of_products)
            + _as_float(b.post_pre_sum_of_products),
        )
        post_variance = joint_post.variance
    pre_variance = joint_pre.variance
    degenerate = (pre_variance == 0) | (post_variance == 0)
    return np.where(degenerate, 0.0, safe_divide(joint.covariance, pre_variance))
