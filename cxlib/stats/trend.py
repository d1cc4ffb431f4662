"""A measure tracked over survey waves: wave-to-wave changes and the trend, with multiplicity control.

Each wave gives every measure (NPS, CSAT, CES, a pillar…) as the mean of per-response points with
its standard deviation and (effective) number of responses: NPS as the mean of −100/0/100 points,
a top-two-box share or a yes/no as the mean of 0/100 points, CES and the pillars as their mean
score. Waves are independent samples of customers, so:

* **Wave-to-wave change.** The difference of two consecutive waves' means with the normal
  (large-sample) interval ``Δ ± z·√(s₁²/n₁ + s₂²/n₂)`` and its two-sided p-value (Welch's
  unequal-variance statistic, whose t reference is the normal at survey sizes).
* **Trend.** The slope per wave of the inverse-variance weighted least-squares line through the
  wave means, with its known-variance standard error ``1 / √Σwᵢ(xᵢ − x̄_w)²`` (the fixed-effect
  meta-regression slope: Borenstein, M. et al. (2009), *Introduction to Meta-Analysis*, Wiley,
  chapter 20).
* **Multiplicity.** A client with 4 waves and 10 measures asks 30 wave-to-wave questions: at
  5 % each, one or two would come out "significant" by chance alone. The p-values of one family
  (every change of every measure; separately, every measure's trend) are adjusted with Holm's
  step-down method, which keeps the chance of any false finding in the family at most ``alpha``
  whatever the dependence between tests (Holm, S. (1979), A simple sequentially rejective multiple
  test procedure, *Scandinavian Journal of Statistics* 6(2), 65-70). Benjamini–Hochberg's false
  discovery rate (Benjamini, Y. & Hochberg, Y. (1995), *JRSS B* 57(1), 289-300) is available with
  ``method="fdr_bh"`` for long programmes where a few false leads are acceptable.

Everything is computed for all measures and waves at once (grouped arrays, no loop over rows).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

#: The family-wise error rate (Holm) or false discovery rate (Benjamini–Hochberg) of each family.
ALPHA = 0.05
#: Holm (family-wise error) by default; ``fdr_bh`` for Benjamini–Hochberg.
METHOD = "holm"
#: The columns a wave summary holds per measure.
SUMMARY_COLUMNS = ("value", "low", "high", "n", "sd")


def adjust_p(p_values: np.ndarray, method: str = METHOD) -> np.ndarray:
    """Multiplicity-adjusted p-values of one family: Holm's step-down ``max_{j≤i} (m − j + 1)·p₍ⱼ₎``
    (``"holm"``) or Benjamini–Hochberg's step-up ``min_{j≥i} m·p₍ⱼ₎ / j`` (``"fdr_bh"``), at most 1,
    in the input's order. A change is significant when its adjusted p-value is below ``alpha``."""
    p_values = np.asarray(p_values, dtype=float)
    m = len(p_values)
    order = np.argsort(p_values, kind="stable")
    ranks = np.arange(1, m + 1)
    if method == "holm":
        stepped = np.maximum.accumulate((m - ranks + 1) * p_values[order])
    elif method == "fdr_bh":
        stepped = np.minimum.accumulate((m / ranks * p_values[order])[::-1])[::-1]
    else:
        raise ValueError(f"unknown multiplicity method {method!r}; use 'holm' or 'fdr_bh'")
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(stepped, 1.0)
    return adjusted


def _adjust(p_values: pd.Series, alpha: float, method: str) -> tuple[np.ndarray, np.ndarray]:
    """Adjusted p-values of one family and whether each is below ``alpha``."""
    adjusted = adjust_p(p_values.to_numpy(dtype=float), method)
    return adjusted, adjusted < alpha


def wave_changes(
    summary: pd.DataFrame, confidence: float = 0.95, alpha: float = ALPHA, method: str = METHOD
) -> pd.DataFrame:
    """Every measure's change between consecutive waves, tested, with multiplicity control.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per measure and wave: ``measure``, ``wave`` (0, 1, … in time order) and
        ``value``, ``n``, ``sd`` (the per-response standard deviation on the value's scale).
    confidence : float
        Level of each change's interval.
    alpha : float
        Family-wise error rate (Holm) or false discovery rate (Benjamini–Hochberg).
    method : str
        ``"holm"`` or ``"fdr_bh"`` (:func:`adjust_p`).

    Returns
    -------
    pandas.DataFrame
        One row per measure and pair of consecutive waves it has: ``measure``, ``wave_from``,
        ``wave_to``, ``before``, ``now``, ``change``, ``low``, ``high``, ``p_value``, ``p_adjusted``
        (over every row: the family) and ``significant``.
    """
    order = pd.Series(pd.factorize(summary["measure"])[0], index=summary.index)
    ordered = summary.assign(_order=order).sort_values(["_order", "wave"]).drop(columns="_order")
    previous = ordered.groupby("measure", sort=False)[["wave", "value", "n", "sd"]].shift()
    pairs = ordered.assign(
        wave_from=previous["wave"], before=previous["value"], n_before=previous["n"], sd_before=previous["sd"]
    ).dropna(subset=["wave_from"])
    se = np.sqrt(pairs["sd"] ** 2 / pairs["n"] + pairs["sd_before"] ** 2 / pairs["n_before"])
    change = pairs["value"] - pairs["before"]
    half = scipy_stats.norm.ppf(0.5 + confidence / 2) * se
    p_value = pd.Series(2 * scipy_stats.norm.sf(np.abs(change / se)), index=pairs.index)
    table = pd.DataFrame(
        {
            "measure": pairs["measure"],
            "wave_from": pairs["wave_from"].astype(int),
            "wave_to": pairs["wave"].astype(int),
            "before": pairs["before"],
            "now": pairs["value"],
            "change": change,
            "low": change - half,
            "high": change + half,
            "p_value": p_value,
        }
    ).reset_index(drop=True)
    table["p_adjusted"], table["significant"] = _adjust(table["p_value"], alpha, method)
    return table


def wave_trends(
    summary: pd.DataFrame, confidence: float = 0.95, alpha: float = ALPHA, method: str = METHOD
) -> pd.DataFrame:
    """Every measure's trend per wave: the inverse-variance weighted slope over the wave order.

    Parameters
    ----------
    summary : pandas.DataFrame
        As for :func:`wave_changes`.
    confidence, alpha, method
        As for :func:`wave_changes`; the family is every measure's slope.

    Returns
    -------
    pandas.DataFrame
        Indexed by measure (those with 3 waves or more): ``waves``, ``slope`` (change per wave),
        ``low``, ``high``, ``p_value``, ``p_adjusted``, ``significant``.
    """
    frame = summary.assign(weight=summary["n"] / summary["sd"] ** 2)
    grouped = frame.groupby("measure", sort=False)
    waves = grouped["wave"].transform("size")
    frame = frame[waves >= 3]
    if frame.empty:
        columns = ["waves", "slope", "low", "high", "p_value", "p_adjusted", "significant"]
        return pd.DataFrame(columns=columns, index=pd.Index([], name="measure"))
    grouped = frame.groupby("measure", sort=False)
    total = grouped["weight"].transform("sum")
    x_mean = (frame["weight"] * frame["wave"]).groupby(frame["measure"], sort=False).transform("sum") / total
    y_mean = (frame["weight"] * frame["value"]).groupby(frame["measure"], sort=False).transform("sum") / total
    dx = frame["wave"] - x_mean
    sxx = (frame["weight"] * dx**2).groupby(frame["measure"], sort=False).sum()
    sxy = (frame["weight"] * dx * (frame["value"] - y_mean)).groupby(frame["measure"], sort=False).sum()
    slope, se = sxy / sxx, 1 / np.sqrt(sxx)
    half = scipy_stats.norm.ppf(0.5 + confidence / 2) * se
    table = pd.DataFrame(
        {
            "waves": grouped.size(),
            "slope": slope,
            "low": slope - half,
            "high": slope + half,
            "p_value": 2 * scipy_stats.norm.sf(np.abs(slope / se)),
        }
    )
    table["p_adjusted"], table["significant"] = _adjust(table["p_value"], alpha, method)
    return table
