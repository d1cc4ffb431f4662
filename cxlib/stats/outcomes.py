"""Do a survey's outcomes agree? Rank correlations between outcomes, and with the drivers.

Two outcomes of one survey (a 0-10 rating and a yes/no "would recommend", NPS and CSAT) should
rise and fall together; when they do not, a report built on one of them says something else than
one built on the other, and the consultant must know before choosing the headline.

Each pair is compared with Spearman's rank correlation ρ over the respondents who answered both
(ranks suit 0-10, 1-5 and yes/no answers alike), with a Fisher z interval whose standard error is
Bonett & Wright's ``sqrt((1 + ρ²/2) / (n − 3))`` for rank correlations (Bonett, D. G. & Wright,
T. A. (2000), Sample size requirements for estimating Pearson, Kendall and Spearman correlations,
*Psychometrika* 65(1), 23-28). Every interval of one comparison (all outcome pairs and every
outcome with every driver) is a Bonferroni simultaneous interval (Dunn 1961), so an outcome
related to nothing has every interval include 0 with at least the stated confidence.

Two outcomes *disagree* when the interval of their (direction-aligned) correlation lies wholly
below :data:`AGREEMENT_FLOOR`, Cohen's (1988) "medium" correlation: at best weakly related, they
are not two readings of one experience. An outcome *relates to nothing* when its intervals with
every other outcome and every driver include 0. Correlations are unweighted: they describe how the
answers go together, not a population figure.

:func:`segment_tests` compares each segment with the rest on any outcome, as
:func:`~cxlib.stats.metrics.nps_segment_tests` does for NPS.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from cxlib.stats.metrics import (
    bonferroni,
    difference_test,
    mean_interval,
    nps_segment_tests,
    simultaneous_level,
    top_two_box,
)
from cxlib.stats.weighting import effective_totals

#: Below this aligned correlation two outcomes are at best weakly related (Cohen 1988, r = 0.3).
AGREEMENT_FLOOR = 0.3


def correlation_interval(rho, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Fisher z interval of Spearman correlations ``rho`` over ``n`` pairs (vectorised), with
    Bonett & Wright's (2000) standard error; missing where ``n`` ≤ 3."""
    rho, n = np.asarray(rho, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.arctanh(np.clip(rho, -0.999999, 0.999999))
        se = np.sqrt((1 + rho**2 / 2) / (n - 3))
        half = scipy_stats.norm.ppf(0.5 + confidence / 2) * se
    low, high = np.tanh(z - half), np.tanh(z + half)
    return np.where(n > 3, low, np.nan), np.where(n > 3, high, np.nan)


def outcome_agreement(
    outcomes: pd.DataFrame,
    drivers: pd.DataFrame | None = None,
    direction: dict[str, int] | None = None,
    confidence: float = 0.95,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every pair of ``outcomes`` and every outcome with every driver, as simultaneous intervals.

    Parameters
    ----------
    outcomes : DataFrame
        One column per outcome as answered (score or 0/1), one row per respondent.
    drivers : DataFrame, optional
        Driver columns (pillar scores), same rows.
    direction : dict, optional
        ``-1`` for an outcome where a higher answer means a worse experience (an effort score), so
        its agreement with the others is read with the sign turned.
    confidence : float
        Joint level of all the intervals (Bonferroni).

    Returns
    -------
    (DataFrame, DataFrame)
        The outcome pairs (``first``, ``second``, ``rho``, ``low``, ``high``, ``n``, ``aligned_high``
        and ``disagree``), and per outcome (index) ``related`` (some interval with another outcome or a
        driver excludes 0), ``strongest`` (the largest ``|ρ|`` with a driver, ``NaN`` without drivers)
        and ``n``.
    """
    drivers = pd.DataFrame(index=outcomes.index) if drivers is None else drivers
    direction = direction or {}
    frame = outcomes.join(drivers.add_prefix("driver:")).astype("float64")
    rho = frame.corr(method="spearman")
    present = frame.notna().astype("float64")
    counts = pd.DataFrame(
        present.T.to_numpy() @ present.to_numpy(), index=frame.columns, columns=frame.columns
    )
    names = list(outcomes.columns)
    driver_names = [column for column in frame.columns if column not in names]
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    tests = len(pairs) + len(names) * len(driver_names)
    level = simultaneous_level(confidence, tests)
    first, second = [a for a, _ in pairs], [b for _, b in pairs]
    values = np.array([rho.at[a, b] for a, b in pairs], dtype=float)
    sizes = np.array([counts.at[a, b] for a, b in pairs], dtype=float)
    low, high = correlation_interval(values, sizes, level)
    signs = np.array([direction.get(a, 1) * direction.get(b, 1) for a, b in pairs], dtype=float)
    aligned_high = np.where(signs > 0, high, -low)
    table = pd.DataFrame(
        {"first": first, "second": second, "rho": values, "low": low, "high": high, "n": sizes.astype(int)}
    )
    table["aligned_high"] = aligned_high
    table["disagree"] = aligned_high < AGREEMENT_FLOOR
    with_drivers = rho.loc[names, driver_names]
    driver_low, driver_high = correlation_interval(with_drivers, counts.loc[names, driver_names], level)
    excludes_zero = pd.DataFrame((driver_low > 0) | (driver_high < 0), index=names).any(axis=1)
    for a, b, lo, hi in zip(first, second, low, high, strict=True):
        if lo > 0 or hi < 0:
            excludes_zero[a] = excludes_zero[b] = True
    strongest = with_drivers.abs().max(axis=1) if driver_names else pd.Series(np.nan, index=names)
    summary = pd.DataFrame(
        {"related": excludes_zero, "strongest": strongest, "n": outcomes.notna().sum().astype(int)},
        index=names,
    )
    return table, summary


def mean_comparison(
    values: pd.Series,
    weights: pd.Series,
    membership: pd.DataFrame,
    confidence: float = 0.95,
    bounds: tuple[float, float] | None = None,
) -> tuple[pd.Series, pd.Series, tuple, tuple]:
    """A mean score (CES) of each group of ``membership`` (respondents × groups; groups may overlap,
    as themes do) and of the rest: the effective sizes of both sides, and each side as (mean, low,
    high, variance of the mean over 100²), the layout :func:`~cxlib.stats.metrics.difference_test`
    reads (its values in points, its variances on the 0-1 scale). Intervals are t intervals within
    ``bounds``; with survey ``weights`` the sums are effective sums (Kish; :mod:`cxlib.stats.weighting`)."""
    x = pd.Series(values).astype("Float64").astype("float64")
    valid = x.notna()
    indicators = pd.DataFrame({"valid": 1.0, "x": x[valid], "x2": x[valid] ** 2}, index=x[valid].index)
    sides = effective_totals(indicators, weights[valid], membership[valid.to_numpy()])
    estimates = []
    for side in sides:
        total, sums, squares = (side[column].to_numpy() for column in ("valid", "x", "x2"))
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = sums / total
            variance = (squares / total - mean**2) * total / (total - 1)
            low, high = mean_interval(mean, np.sqrt(variance), total, confidence, bounds)
            estimates.append((mean, low, high, variance / total / 100**2))
    return sides[0]["valid"], sides[1]["valid"], estimates[0], estimates[1]


def _share_sides(flags: pd.Series, weights: pd.Series, membership: pd.DataFrame) -> list[tuple]:
    """Each group's and its rest's (percentage, Agresti-Caffo variance, effective size) of true
    ``flags`` (the variance on the scale :func:`~cxlib.stats.metrics.difference_test` reads)."""
    indicators = pd.DataFrame({"yes": flags.astype(float), "valid": 1.0}, index=flags.index)
    sides = []
    for side in effective_totals(indicators, weights, membership):
        yes, total = side["yes"].to_numpy(), side["valid"].to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            value = 100 * yes / total
        adjusted = (yes + 1) / (total + 2)
        sides.append((value, adjusted * (1 - adjusted) / (total + 2), total))
    return sides


def segment_tests(
    frame: pd.DataFrame, metric: str, by: str, scale_high: int | None = None, confidence: float = 0.95
) -> pd.DataFrame:
    """Each group of ``by`` against the rest of the sample on ``metric``, corrected for testing
    every group (Bonferroni p-values and simultaneous intervals; Dunn 1961).

    NPS is :func:`~cxlib.stats.metrics.nps_segment_tests` (Rocks 2016). CSAT (top-two-box share,
    needs ``scale_high``) and the yes/no ``satisfied`` compare percentages with the Agresti-Caffo
    variance (Agresti, A. & Caffo, B. (2000), *The American Statistician* 54(4), 280-288); CES
    compares means (Welch's unpooled variances, normal reference). With a ``weight`` column each
    side's sums are effective sums (Kish; :mod:`cxlib.stats.weighting`).

    Returns
    -------
    DataFrame
        Indexed by group: ``value`` (the group's), ``rest``, ``difference`` with simultaneous
        ``low`` and ``high``, ``p_value``, ``p_adjusted``, ``significant`` and ``n``.
    """
    if metric == "nps":
        return nps_segment_tests(frame, by, confidence).rename(columns={"nps": "value", "nps_rest": "rest"})
    answers = top_two_box(frame["csat"], scale_high) if metric == "csat" else frame[metric]
    x = answers.astype("Float64").astype("float64")
    valid = x.notna() & frame[by].notna()
    x = x[valid]
    weights = frame.loc[valid, "weight"] if "weight" in frame else pd.Series(1.0, index=x.index)
    membership = pd.get_dummies(frame.loc[valid, by]).astype(bool)
    membership = membership.loc[:, membership.any()]
    if metric == "ces":
        total, rest_total, inside, outside = mean_comparison(x, weights, membership, confidence)
        (value, _, _, variance), (rest, _, _, rest_variance) = inside, outside
        total, rest_total = total.to_numpy(), rest_total.to_numpy()
    else:
        (value, variance, total), (rest, rest_variance, rest_total) = _share_sides(x, weights, membership)
    testable = (total > 1) & (rest_total > 1)
    test = difference_test(
        value, rest, variance, rest_variance, simultaneous_level(confidence, int(testable.sum()))
    )
    result = pd.DataFrame(
        {
            "value": value,
            "rest": rest,
            "difference": test.difference,
            "low": test.low,
            "high": test.high,
            "p_value": test.p_value,
            "n": np.floor(total + 1e-9).astype(int),
        },
        index=membership.columns,
    )
    testable &= result["p_value"].notna().to_numpy()
    result["p_adjusted"] = np.nan
    if testable.any():
        result.loc[testable, "p_adjusted"] = bonferroni(result.loc[testable, "p_value"])
    result["significant"] = result["p_adjusted"] < 1 - confidence
    return result
