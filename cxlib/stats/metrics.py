"""Customer metrics with honest intervals: NPS, CSAT, CES and binary satisfaction.

Every estimate carries its sample size and a confidence interval; grouped versions compute all
groups at once with pandas (no loop over rows).

Methods
-------
* NPS, adjusted Wald (default): Rocks, B. (2016). Interval estimation for the "Net Promoter
  Score". *The American Statistician*, 70(4), 365-372 (arXiv:1601.07235). Add 0.75, 1.5 and 0.75
  pseudo-observations to detractors, passives and promoters (n + 3), then use the variance of a
  difference of two multinomial proportions, ``(p_pro + p_det - (p_pro - p_det)**2) / n``.
  ``method="wald"`` uses the raw counts.
* CSAT top-two-box and binary outcomes: Wilson (1927) score interval, or the adjusted Wald interval
  of Agresti, A. & Coull, B. A. (1998). Approximate is better than "exact" for interval estimation
  of binomial proportions. *The American Statistician*, 52(2), 119-126.
* CES: mean with Student's t interval.
* Two-sample NPS test: observed difference with the sum of the two adjusted-Wald variances (Rocks 2016,
  section 4), normal approximation, two-sided.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from cxlib.stats.estimators import SMALL_SAMPLE, wilson_interval
from cxlib.stats.weighting import effective_totals

#: Pseudo-observations added to (detractors, passives, promoters) by the adjusted-Wald method.
NPS_PSEUDO_COUNTS = (0.75, 1.5, 0.75)
NPS_METHODS = ("adjusted-wald", "wald")
PROPORTION_METHODS = ("wilson", "adjusted-wald")


@dataclass(frozen=True)
class Estimate:
    """A metric estimate: point value, interval, sample size and method."""

    value: float
    low: float
    high: float
    n: int
    method: str
    confidence: float = 0.95

    @property
    def small(self) -> bool:
        """True when ``n`` is below :data:`~cxlib.stats.estimators.SMALL_SAMPLE` (the report shows a
        caution)."""
        return self.n < SMALL_SAMPLE


def _z(confidence: float) -> float:
    return float(scipy_stats.norm.ppf(0.5 + confidence / 2))


def nps_components(detractors, passives, promoters, confidence: float = 0.95, method: str = "adjusted-wald"):
    """Vectorised NPS from counts: returns (value, low, high, variance) arrays on the -100..100 scale.

    ``value`` is the observed NPS; the interval (and the variance, on the -1..1 scale) follow
    ``method``. The adjusted-Wald interval is centred on the adjusted estimate; where the observed
    NPS falls outside it (only with a handful of unanimous answers, e.g. n = 1), the interval is
    extended to the observed value, so a figure shown always lies inside its interval. Groups with
    no responses give NaN.
    """
    if method not in NPS_METHODS:
        raise ValueError(f"unknown NPS method {method!r}; use one of {NPS_METHODS}")
    detractors, passives, promoters = (np.asarray(x, dtype=float) for x in (detractors, passives, promoters))
    n = detractors + passives + promoters
    with np.errstate(invalid="ignore", divide="ignore"):
        value = (promoters - detractors) / n
        if method == "adjusted-wald":
            add_det, add_pas, add_pro = NPS_PSEUDO_COUNTS
            n_adj = n + add_det + add_pas + add_pro
            p_pro, p_det = (promoters + add_pro) / n_adj, (detractors + add_det) / n_adj
        else:
            n_adj, p_pro, p_det = n, promoters / n, detractors / n
        centre = p_pro - p_det
        variance = (p_pro + p_det - centre**2) / n_adj
        half = _z(confidence) * np.sqrt(variance)
    empty = n == 0
    value, low, high = (
        np.where(empty, np.nan, x)
        for x in (
            value,
            np.minimum(np.clip(centre - half, -1, 1), value),
            np.maximum(np.clip(centre + half, -1, 1), value),
        )
    )
    return 100 * value, 100 * low, 100 * high, np.where(empty, np.nan, variance)


def nps_counts(scores: pd.Series) -> tuple[int, int, int]:
    """(detractors 0-6, passives 7-8, promoters 9-10) among non-missing 0-10 scores."""
    valid = pd.Series(scores).dropna()
    return int((valid <= 6).sum()), int(((valid >= 7) & (valid <= 8)).sum()), int((valid >= 9).sum())


def nps(scores, confidence: float = 0.95, method: str = "adjusted-wald") -> Estimate:
    """Net Promoter Score of 0-10 ratings with its interval (Rocks 2016).

    Parameters
    ----------
    scores : array-like
        Likelihood-to-recommend ratings on 0-10; missing values are ignored.
    confidence : float
        Confidence level of the interval.
    method : {"adjusted-wald", "wald"}
        Interval method; adjusted Wald adds 0.75/1.5/0.75 pseudo-observations.

    Returns
    -------
    Estimate
        ``value`` on -100..100, ``low``, ``high`` and ``n``.
    """
    counts = nps_counts(pd.Series(scores, dtype="float64"))
    value, low, high, _ = nps_components(*counts, confidence=confidence, method=method)
    return Estimate(float(value), float(low), float(high), sum(counts), method, confidence)


def proportion_interval(successes, n, confidence: float = 0.95, method: str = "wilson"):
    """Vectorised interval for proportions: Wilson (default) or Agresti-Coull adjusted Wald."""
    successes, n = np.asarray(successes, dtype=float), np.asarray(n, dtype=float)
    if method == "wilson":
        return wilson_interval(successes, n, confidence)
    if method == "adjusted-wald":
        z = _z(confidence)
        n_adj = n + z**2
        p_adj = (successes + z**2 / 2) / n_adj
        half = z * np.sqrt(p_adj * (1 - p_adj) / n_adj)
        return np.clip(p_adj - half, 0, 1), np.clip(p_adj + half, 0, 1)
    raise ValueError(f"unknown proportion method {method!r}; use one of {PROPORTION_METHODS}")


def proportion(flags, confidence: float = 0.95, method: str = "wilson") -> Estimate:
    """Share of true values (missing ignored) as a percentage with its interval."""
    valid = pd.Series(flags).dropna().astype(bool)
    low, high = proportion_interval([valid.sum()], [len(valid)], confidence, method)
    value = valid.mean() if len(valid) else np.nan
    return Estimate(
        100 * float(value), 100 * float(low[0]), 100 * float(high[0]), len(valid), method, confidence
    )


def top_two_box(scores, scale_high: int) -> pd.Series:
    """True where a rating is in the top two boxes of a scale ending at ``scale_high`` (missing stays
    missing)."""
    scores = pd.Series(scores, dtype="float64")
    return (scores >= scale_high - 1).astype("boolean").mask(scores.isna())


def csat(scores, scale_high: int, confidence: float = 0.95, method: str = "wilson") -> Estimate:
    """CSAT as the top-two-box share, in percent, with a Wilson or adjusted-Wald interval."""
    return proportion(top_two_box(scores, scale_high), confidence, method)


def mean_interval(means, sds, n, confidence: float = 0.95, bounds: tuple[float, float] | None = None):
    """Vectorised Student's t interval for means, truncated to the scale's ``bounds`` if given (a
    mean of 1-5 ratings cannot lie outside 1..5, whatever a small sample's t interval says)."""
    means, sds, n = (np.asarray(x, dtype=float) for x in (means, sds, n))
    with np.errstate(invalid="ignore", divide="ignore"):
        half = scipy_stats.t.ppf(0.5 + confidence / 2, np.maximum(n - 1, 1)) * sds / np.sqrt(n)
    half = np.where(n > 1, half, np.nan)
    low, high = means - half, means + half
    if bounds is not None:
        low, high = np.clip(low, *bounds), np.clip(high, *bounds)
    return low, high


def mean(values, confidence: float = 0.95, bounds: tuple[float, float] | None = None) -> Estimate:
    """Mean with a t interval (CES, scores), within the scale's ``bounds``; missing values ignored."""
    valid = pd.Series(values, dtype="float64").dropna()
    low, high = mean_interval([valid.mean()], [valid.std(ddof=1)], [len(valid)], confidence, bounds)
    return Estimate(float(valid.mean()), float(low[0]), float(high[0]), len(valid), "t", confidence)


@dataclass(frozen=True)
class NpsDifference:
    """Two-sample NPS comparison: difference (a − b) with interval, z and two-sided p-value."""

    difference: float
    low: float
    high: float
    z: float
    p_value: float


def nps_difference(a, b, confidence: float = 0.95) -> NpsDifference:
    """Test whether two groups' NPS differ (adjusted Wald variances summed; Rocks 2016)."""
    (_, _, _, var_a), (_, _, _, var_b) = (
        nps_components(*nps_counts(pd.Series(s, dtype="float64"))) for s in (a, b)
    )
    return difference_test(nps(a).value, nps(b).value, float(var_a), float(var_b), confidence)


def difference_test(value_a, value_b, var_a, var_b, confidence: float = 0.95) -> NpsDifference:
    """Difference a − b of NPS values (−100..100) given their variances (on −1..1), vectorised:
    normal interval and two-sided p-value (Rocks 2016, section 4)."""
    se = 100 * np.sqrt(np.asarray(var_a) + np.asarray(var_b))
    difference = np.asarray(value_a) - np.asarray(value_b)
    z = difference / se
    half = _z(confidence) * se
    p_value = 2 * scipy_stats.norm.sf(np.abs(z))
    return NpsDifference(difference, difference - half, difference + half, z, p_value)


def metric_by(
    frame: pd.DataFrame,
    metric: str,
    by: str,
    scale_high: int | None = None,
    confidence: float = 0.95,
    bounds: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """One metric for every group of ``by``, all groups at once.

    ``metric`` is ``nps`` (column ``nps``), ``csat`` (top-two-box of ``csat``, needs
    ``scale_high``), ``ces`` (mean of ``ces``) or ``satisfied`` (share of true). Returns a frame
    indexed by group with ``value``, ``low``, ``high``, ``n`` and ``small``, sorted by group.

    With a ``weight`` column (survey weights), each group's estimate is weighted and its interval
    and ``n`` use the group's effective sample size (Kish; :mod:`cxlib.stats.weighting`).
    """
    codes, groups = pd.factorize(frame[by], sort=True)  # once: every sum below is a bincount
    weights = np.ones(len(frame))
    if "weight" in frame:
        weights = frame["weight"].to_numpy("float64", na_value=np.nan)
    codes = np.where(np.isnan(weights), -1, codes)  # a respondent without a weight is left out

    def effective_sums(valid: np.ndarray, *values: np.ndarray) -> tuple[np.ndarray, ...]:
        """Per group, over the valid rows: the effective sample size and the sums of each of
        ``values`` times the effective weights ``w · Σw / Σw²`` (all ones without survey weights;
        Kish, :mod:`cxlib.stats.weighting`)."""
        valid = valid & (codes >= 0)
        keys, weight = codes[valid], weights[valid]
        totals = np.bincount(keys, weight, len(groups))
        with np.errstate(invalid="ignore", divide="ignore"):
            scale = totals / np.bincount(keys, weight**2, len(groups))
        return (totals * scale, *(np.bincount(keys, weight * v[valid], len(groups)) * scale for v in values))

    if metric == "nps":
        scores = frame["nps"].to_numpy("float64", na_value=np.nan)
        valid = ~np.isnan(scores)
        n, det, pas, pro = effective_sums(valid, scores <= 6, (scores >= 7) & (scores <= 8), scores >= 9)
        value, low, high, _ = nps_components(det, pas, pro, confidence)
        result = pd.DataFrame({"value": value, "low": low, "high": high, "n": n})
    elif metric in ("csat", "satisfied"):
        flags = top_two_box(frame["csat"], scale_high) if metric == "csat" else frame["satisfied"]
        valid = flags.notna().to_numpy()
        n, hits = effective_sums(valid, flags.astype("Float64").fillna(0).to_numpy("float64"))
        low, high = proportion_interval(hits, n, confidence)
        with np.errstate(invalid="ignore", divide="ignore"):
            result = pd.DataFrame({"value": 100 * hits / n, "low": 100 * low, "high": 100 * high, "n": n})
    elif metric == "ces":
        scores = frame["ces"].to_numpy("float64", na_value=np.nan)
        valid = ~np.isnan(scores)
        n, sums = effective_sums(valid, scores)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = sums / n
            deviations = np.where(valid, scores - means[np.maximum(codes, 0)], 0.0) ** 2
            sds = np.sqrt(effective_sums(valid, deviations)[1] / (n - 1))
        low, high = mean_interval(means, sds, n, confidence, bounds)
        result = pd.DataFrame({"value": means, "low": low, "high": high, "n": n})
    else:
        raise ValueError(f"unknown metric {metric!r}; use nps, csat, ces or satisfied")
    present = np.bincount(codes[valid & (codes >= 0)], minlength=len(groups)) > 0
    result = result[present].set_axis(pd.Index(groups[present], name=by))
    result["n"] = np.floor(result["n"] + 1e-9).astype(int)
    result["small"] = result["n"] < SMALL_SAMPLE
    return result


def share_by(frame: pd.DataFrame, flags: pd.Series, by: str, confidence: float = 0.95) -> pd.DataFrame:
    """Share of true ``flags`` in each group of ``by``, on 0..1, with Wilson intervals and ``n``
    (weighted, with the effective ``n``, when ``frame`` has survey weights; :func:`metric_by`)."""
    table = metric_by(frame.assign(satisfied=flags), "satisfied", by, confidence=confidence)
    return (table[["value", "low", "high"]] / 100).assign(n=table["n"])


def simultaneous_level(confidence: float, tests: int) -> float:
    """The per-test confidence level that gives ``tests`` Bonferroni simultaneous intervals of joint
    level ``confidence`` (Dunn, O. J. (1961), Multiple comparisons among means, *JASA* 56(293),
    52-64): with p-values multiplied by ``tests``, "significant" and "the interval excludes 0" agree."""
    return 1 - (1 - confidence) / max(tests, 1)


def bonferroni(p_values) -> np.ndarray:
    """Bonferroni-adjusted p-values: each multiplied by the number of tests, capped at 1."""
    p_values = np.asarray(p_values, dtype=float)
    return np.minimum(p_values * len(p_values), 1.0)


def nps_segment_tests(frame: pd.DataFrame, by: str, confidence: float = 0.95) -> pd.DataFrame:
    """Each group's NPS against the rest of the sample, corrected for testing every group.

    Bonferroni-adjusted p-values (``p_adjusted``) and simultaneous intervals of the difference at
    level ``1 − (1 − confidence) / m`` for ``m`` groups (``low``, ``high``), so "significant" and
    "the interval excludes 0" always agree (Dunn, O. J. (1961), Multiple comparisons among means,
    *JASA* 56(293), 52-64). ``p_value`` is the unadjusted two-sample test of Rocks (2016). With a
    ``weight`` column, each side's counts are effective counts (Kish; :mod:`cxlib.stats.weighting`).
    """
    columns = ["nps", by] + (["weight"] if "weight" in frame else [])
    valid = frame[columns][frame["nps"].notna() & frame[by].notna()]
    scores, groups = valid["nps"], valid[by]
    flags = pd.DataFrame({"det": scores <= 6, "pas": scores.between(7, 8), "pro": scores >= 9})
    weights = valid["weight"] if "weight" in valid else pd.Series(1.0, index=valid.index)
    membership = pd.get_dummies(groups).astype(bool)
    inside, outside = effective_totals(flags, weights, membership.loc[:, membership.any()])
    value_in, _, _, var_in = nps_components(inside["det"], inside["pas"], inside["pro"], confidence)
    value_out, _, _, var_out = nps_components(outside["det"], outside["pas"], outside["pro"], confidence)
    testable = inside.sum(axis=1).gt(0) & outside.sum(axis=1).gt(0)
    simultaneous = simultaneous_level(confidence, int(testable.sum()))
    test = difference_test(value_in, value_out, var_in, var_out, simultaneous)
    result = pd.DataFrame(
        {
            "nps": value_in,
            "nps_rest": value_out,
            "difference": test.difference,
            "low": test.low,
            "high": test.high,
            "p_value": test.p_value,
            "n": np.floor(inside.sum(axis=1) + 1e-9).astype(int),
        },
        index=inside.index,
    )
    testable &= result["p_value"].notna()
    result["p_adjusted"] = np.nan
    if testable.any():
        result.loc[testable, "p_adjusted"] = bonferroni(result.loc[testable, "p_value"])
    result["significant"] = result["p_adjusted"] < 1 - confidence
    return result
