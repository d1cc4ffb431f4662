"""Interval estimates used throughout the reports.

Every share or rate shown in a report carries its sample size and an interval from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats
from statsmodels.stats.proportion import proportion_confint

#: Below this many responses a figure is shown with a visible caution.
SMALL_SAMPLE = 30


def wilson_interval(successes, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion, vectorised over arrays.

    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
    *Journal of the American Statistical Association*, 22(158), 209-212. Computed with
    ``statsmodels.stats.proportion.proportion_confint(method="wilson")``.
    """
    low, high = proportion_confint(
        np.asarray(successes), np.asarray(n), alpha=1 - confidence, method="wilson"
    )
    return np.asarray(low, dtype=float), np.asarray(high, dtype=float)


def share_table(labels: pd.Series, confidence: float = 0.95) -> pd.DataFrame:
    """Counts and shares of each label with Wilson intervals; missing labels are excluded.

    Returns a frame indexed by label with ``n`` (count), ``total``, ``share``, ``low``, ``high``
    and ``small`` (the total is below :data:`SMALL_SAMPLE`), sorted by count.
    """
    counts = labels.dropna().value_counts()
    total = int(counts.sum())
    low, high = (
        wilson_interval(counts.to_numpy(), total, confidence) if total else (np.array([]), np.array([]))
    )
    return pd.DataFrame(
        {
            "n": counts,
            "total": total,
            "share": counts / total if total else counts,
            "low": low,
            "high": high,
            "small": total < SMALL_SAMPLE,
        },
        index=counts.index,
    )


def fisher_interval(r, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Confidence interval of a Pearson correlation by Fisher's z transformation, vectorised.

    Fisher, R. A. (1921). On the "probable error" of a coefficient of correlation deduced from a
    small sample. *Metron*, 1, 3-32: ``tanh(atanh(r) ± z / sqrt(n − 3))``.
    """
    z = np.arctanh(np.clip(np.asarray(r, dtype=float), -0.999999, 0.999999))
    half = scipy_stats.norm.ppf(0.5 + confidence / 2) / np.sqrt(np.asarray(n, dtype=float) - 3)
    return np.tanh(z - half), np.tanh(z + half)


class IntervalFinding:
    """Mixin for estimates with ``low`` and ``high``: a *finding* is an interval that excludes zero."""

    low: float
    high: float

    @property
    def finding(self) -> bool:
        """True when the interval excludes zero."""
        return self.low > 0 or self.high < 0


@dataclass(frozen=True)
class Slope(IntervalFinding):
    """A least-squares slope of ``y`` on ``x`` with its t interval, over ``n`` pairs."""

    slope: float
    low: float
    high: float
    n: int


def slope_interval(x: pd.Series, y: pd.Series, confidence: float = 0.95) -> Slope:
    """Ordinary least-squares slope of ``y`` on ``x`` (pairs with a missing value dropped) with its
    t interval on ``n − 2`` degrees of freedom, ``b ± t · s / sqrt(Σ(x − x̄)²)`` (Draper, N. R. &
    Smith, H. (1998), *Applied Regression Analysis*, 3rd ed., Wiley, ch. 1; computed with
    ``scipy.stats.linregress``). Fewer than 4 pairs, or an ``x`` without spread, give no slope."""
    pairs = pd.concat([x, y], axis=1).dropna().to_numpy(dtype=float)
    n = len(pairs)
    if n < 4 or np.ptp(pairs[:, 0]) == 0:
        return Slope(np.nan, np.nan, np.nan, n)
    fit = scipy_stats.linregress(pairs[:, 0], pairs[:, 1])
    half = scipy_stats.t.ppf(0.5 + confidence / 2, n - 2) * fit.stderr
    return Slope(float(fit.slope), float(fit.slope - half), float(fit.slope + half), n)


#: The self-assessment's answer scale (1-5), the default of :func:`to_hundred`.
SCORE_LOW, SCORE_HIGH = 1, 5


def to_hundred(scores: pd.Series | np.ndarray, low: float = SCORE_LOW, high: float = SCORE_HIGH):
    """Rescale ratings on ``low``..``high`` to 0-100 (``(score - low) / (high - low) * 100``)."""
    return (scores - low) / (high - low) * 100
