"""League tables of units (branches, stores, hotels): funnel limits, shrunk estimates, rank intervals.

A network's units are compared with the network, never ranked on their raw estimates alone:

* **Funnel plot.** Each unit's estimate against its sample size, with control limits around the
  network's value at 95 % and 99.8 %, whose width shrinks with √n (Spiegelhalter, D. J. (2005),
  Funnel plots for comparing institutional performance, *Statistics in Medicine* 24(8),
  1185-1202). A unit's standard error under the null is the network's per-response standard
  deviation over √n. Over-dispersion (real differences between units beyond sampling noise, which
  would flag many units) is tested with the winsorised z-scores of section 6 of that paper (10 %
  in each tail, so the outliers the funnel is looking for do not inflate it): ``I·φ`` against
  χ² with ``I − 1`` degrees of freedom; where present, the limits widen by the additive
  random-effects variance ``τ² = (I·φ − (I − 1)) / (Σw − Σw²/Σw)`` with ``w = 1/s²``. Units beyond
  the 99.8 % limits are the findings (about 3 in 1,000 by chance alone); 95 % marks a unit to watch.
* **Shrunk estimates.** A small unit's estimate is noisy, and its extreme values are often luck.
  The normal-normal model ``θᵢ ~ N(μ, τ²)``, ``yᵢ | θᵢ ~ N(θᵢ, sᵢ²)`` with ``τ²`` by the method of
  moments (DerSimonian, R. & Laird, N. (1986), Meta-analysis in clinical trials, *Controlled
  Clinical Trials* 7(3), 177-188) pulls each unit towards the network's mean by ``Bᵢ = sᵢ² / (sᵢ² +
  τ²)``; the interval is the plug-in posterior variance ``(1 − Bᵢ)·sᵢ²`` plus ``Bᵢ²`` times the
  variance of the estimated mean (Morris, C. N. (1983), Parametric empirical Bayes inference:
  theory and applications, *JASA* 78(381), 47-55).
* **Rank intervals.** Each unit's rank (1 = best) among parametric-bootstrap draws of every unit's
  estimate, ``yᵢ* ~ N(yᵢ, sᵢ²)``; the 2.5 % and 97.5 % quantiles of its rank are its 95 % rank
  interval (Goldstein, H. & Spiegelhalter, D. J. (1996), League tables and their limitations,
  *JRSS A* 159(3), 385-443; Marshall, E. C. & Spiegelhalter, D. J. (1998), Reliability of league
  tables of in vitro fertilisation clinics, *BMJ* 316, 1701-1704). "3rd best" is never said when
  the interval spans 2-17.

Everything is computed for all units at once (arrays, no loop over units).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from cxlib.stats.metrics import top_two_box

#: Control limits of the funnel: the watch line and the alarm line (Spiegelhalter 2005: 2 and 3 SD).
WATCH_LEVEL, ALARM_LEVEL = 0.95, 0.998
#: Share of units winsorised in each tail before over-dispersion is estimated (Spiegelhalter 2005).
WINSOR_SHARE = 0.10
#: Significance of the χ² test of over-dispersion.
DISPERSION_ALPHA = 0.05
#: Bootstrap draws behind the rank intervals.
RANK_DRAWS = 2000


def metric_points(frame: pd.DataFrame, metric: str, scale_high: int | None = None) -> pd.Series:
    """Per response, the points whose mean is ``metric``: NPS −100/0/100 (detractor, passive,
    promoter), CSAT top-two-box and ``satisfied`` 0/100, CES its rating; missing stays missing."""
    if metric == "nps":
        scores = frame["nps"].astype("float64")
        points = np.select([scores >= 9, scores >= 7], [100.0, 0.0], -100.0)
        return pd.Series(points, index=frame.index).where(scores.notna())
    if metric == "ces":
        return frame["ces"].astype("float64")
    flags = top_two_box(frame["csat"], scale_high) if metric == "csat" else frame["satisfied"]
    return 100 * flags.astype("Float64").astype("float64")


@dataclass(frozen=True)
class Dispersion:
    """Spiegelhalter's over-dispersion: ``phi`` (winsorised mean squared z), the χ² test's ``p_value``,
    whether it is ``present`` and the additive between-unit variance ``tau2`` (0 when absent)."""

    phi: float
    p_value: float
    present: bool
    tau2: float


def _moment_tau2(q: float, units: int, weights: np.ndarray) -> float:
    """Method-of-moments between-unit variance ``(Q − (I − 1)) / (Σw − Σw²/Σw)``, at least 0."""
    denominator = weights.sum() - (weights**2).sum() / weights.sum()
    return float(max(0.0, (q - (units - 1)) / denominator)) if denominator > 0 else 0.0


def overdispersion(values: np.ndarray, se: np.ndarray, target: float) -> Dispersion:
    """Over-dispersion of unit ``values`` (standard errors ``se``) around ``target`` (Spiegelhalter
    2005, section 6): z-scores winsorised at :data:`WINSOR_SHARE` in each tail, ``φ = Σz²/I``, and
    ``I·φ`` tested against χ² on ``I − 1`` degrees of freedom; when significant, the additive
    random-effects ``τ²`` of the winsorised z-scores."""
    z = (values - target) / se
    low, high = np.quantile(z, [WINSOR_SHARE, 1 - WINSOR_SHARE])
    z = np.clip(z, low, high)
    units = len(z)
    phi = float((z**2).mean())
    p_value = float(scipy_stats.chi2.sf(units * phi, units - 1))
    present = p_value < DISPERSION_ALPHA
    tau2 = _moment_tau2(units * phi, units, 1 / se**2) if present else 0.0
    return Dispersion(phi, p_value, present, tau2)


def funnel_limits(
    target: float, sd: float, n: np.ndarray, level: float, tau2: float = 0.0, bounds: tuple | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Control limits at ``level`` for units of size ``n``: ``target ± z·√(sd²/n + τ²)``, within the
    scale's ``bounds`` (Spiegelhalter 2005, with the additive random-effects ``tau2``)."""
    z = scipy_stats.norm.ppf(0.5 + level / 2)
    half = z * np.sqrt(sd**2 / np.asarray(n, dtype=float) + tau2)
    low, high = target - half, target + half
    if bounds is not None:
        low, high = np.clip(low, *bounds), np.clip(high, *bounds)
    return low, high


def shrink(
    values: np.ndarray, se: np.ndarray, confidence: float = 0.95, bounds: tuple | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float]:
    """Empirical-Bayes estimates of the normal-normal model (DerSimonian & Laird 1986; Morris 1983):
    returns (shrunk, low, high, mean, τ²)."""
    weights = 1 / se**2
    fixed = (weights * values).sum() / weights.sum()
    tau2 = _moment_tau2(float((weights * (values - fixed) ** 2).sum()), len(values), weights)
    total = 1 / (se**2 + tau2)
    mean = float((total * values).sum() / total.sum())
    factor = se**2 / (se**2 + tau2)  # Bᵢ, the pull towards the mean
    shrunk = mean + (1 - factor) * (values - mean)
    variance = (1 - factor) * se**2 + factor**2 / total.sum()
    half = scipy_stats.norm.ppf(0.5 + confidence / 2) * np.sqrt(variance)
    low, high = shrunk - half, shrunk + half
    if bounds is not None:
        low, high = np.clip(low, *bounds), np.clip(high, *bounds)
    return shrunk, low, high, mean, tau2


def rank_intervals(
    values: np.ndarray,
    se: np.ndarray,
    higher_is_better: bool = True,
    confidence: float = 0.95,
    draws: int = RANK_DRAWS,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each unit's rank (1 = best) and its interval over parametric-bootstrap draws of every unit's
    estimate (Goldstein & Spiegelhalter 1996): returns (rank, low, high)."""
    sign = -1.0 if higher_is_better else 1.0
    rank = scipy_stats.rankdata(sign * values, method="min")
    rng = np.random.default_rng(seed)
    simulated = values + se * rng.standard_normal((draws, len(values)))
    ranks = (sign * simulated).argsort(axis=1).argsort(axis=1) + 1
    tail = (1 - confidence) / 2
    low, high = np.quantile(ranks, [tail, 1 - tail], axis=0, method="inverted_cdf")
    return rank.astype(int), low.astype(int), high.astype(int)


def league(
    values: pd.Series,
    n: pd.Series,
    sd: float,
    target: float,
    higher_is_better: bool = True,
    bounds: tuple[float, float] | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """The league table of units: funnel position, shrunk estimate and rank interval.

    Parameters
    ----------
    values, n : pandas.Series
        Each unit's estimate and (effective) number of responses, indexed by unit.
    sd : float
        The network's per-response standard deviation on the estimate's scale (NPS points of
        −100/0/100, a percentage's 0/100, a mean's raw scale).
    target : float
        The network's value, the funnel's centre.
    higher_is_better : bool
        False for a measure where less is better (customer effort).
    bounds : tuple of float, optional
        The scale's bounds; limits and intervals stay within them.
    seed : int
        Seed of the rank bootstrap.

    Returns
    -------
    pandas.DataFrame
        Indexed by unit: ``value``, ``n``, ``se``, ``z``, the funnel limits ``watch_low``,
        ``watch_high``, ``alarm_low``, ``alarm_high``, ``position`` (``below``/``above`` the alarm
        limits, ``watch_below``/``watch_above`` between the lines, else ``within``), ``side``
        (``weak``/``strong`` for units beyond the alarm limits, else empty), ``shrunk``,
        ``shrunk_low``, ``shrunk_high``, ``rank``, ``rank_low``, ``rank_high``. ``attrs`` hold
        ``target``, ``sd``, the :class:`Dispersion` fields, ``units`` and ``bounds``.
    """
    y = values.to_numpy(dtype=float)
    size = n.to_numpy(dtype=float)
    se = sd / np.sqrt(size)
    dispersion = overdispersion(y, se, target)
    table = pd.DataFrame({"value": y, "n": n.to_numpy(), "se": se}, index=values.index)
    table["z"] = (y - target) / np.sqrt(se**2 + dispersion.tau2)
    for name, level in (("watch", WATCH_LEVEL), ("alarm", ALARM_LEVEL)):
        table[f"{name}_low"], table[f"{name}_high"] = funnel_limits(
            target, sd, size, level, dispersion.tau2, bounds
        )
    table["position"] = np.select(
        [y < table["alarm_low"], y > table["alarm_high"], y < table["watch_low"], y > table["watch_high"]],
        ["below", "above", "watch_below", "watch_above"],
        "within",
    )
    good, bad = ("above", "below") if higher_is_better else ("below", "above")
    table["side"] = np.select([table["position"] == bad, table["position"] == good], ["weak", "strong"], "")
    shrunk, low, high, _, tau2 = shrink(y, se, bounds=bounds)
    table["shrunk"], table["shrunk_low"], table["shrunk_high"] = shrunk, low, high
    table["rank"], table["rank_low"], table["rank_high"] = rank_intervals(y, se, higher_is_better, seed=seed)
    table.attrs.update(
        {
            "target": float(target),
            "sd": float(sd),
            "phi": dispersion.phi,
            "dispersion_p": dispersion.p_value,
            "overdispersed": dispersion.present,
            "tau2": dispersion.tau2,
            "shrink_tau2": tau2,
            "units": len(table),
            "higher_is_better": higher_is_better,
            "bounds": bounds,
        }
    )
    return table
