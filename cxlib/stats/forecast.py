"""Forecast arithmetic of an action plan: reach, ramp-up, the sub-additive union of closures and
the outcome points they are worth.

Reach
    The share of the outcome's respondents an initiative touches (weighted by the survey weights
    when present), with a Wilson interval on Kish's effective sample size (Wilson 1927; Kish, L.
    (1965), *Survey Sampling*, Wiley).
Ramp-up
    An initiative acts from its go-live and its effect grows along a logistic S-curve, the shape of
    adoption of an innovation (Griliches, Z. (1957), Hybrid corn: an exploration in the economics of
    technological change, *Econometrica* 25(4), 501-522; Rogers, E. M. (2003), *Diffusion of
    Innovations*, 5th ed., Free Press, ch. 7), rescaled to run from 0 at go-live to 1 at the
    initiative's time to full effect. Customers' evaluations follow a service change with a lag,
    not at once (Bolton, R. N. & Drew, J. H. (1991), A longitudinal analysis of the impact of
    service changes on customer attitudes, *Journal of Marketing* 55(1), 1-9); the default time to
    full effect, :data:`DEFAULT_MONTHS_TO_EFFECT`, is one annual survey cycle, the horizon at which
    a yearly tracking survey measures the change.
Union
    Initiatives touching one pillar close it sub-additively, as independent actions (Bliss, C. I.
    (1939), The toxicity of poisons applied jointly, *Annals of Applied Biology* 26(3), 585-615):
    shares ``c_i`` close ``1 − Π(1 − c_i)`` together, never more than the whole gap. An initiative
    reaching a share ``r`` of customers and closing ``c`` of the gap among them closes ``r·c`` of the
    whole gap, and reach sets are treated as independent of one another.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxlib.stats.estimators import wilson_interval

#: Months from go-live to full effect when an initiative does not declare ``months_to_effect``.
DEFAULT_MONTHS_TO_EFFECT = 12.0
#: The logistic runs from 2% to 98% of its ceiling over the time to full effect before rescaling.
_LOGISTIC_SPAN = 2 * np.log(49.0)
#: Average days in a month, to turn dates into months.
DAYS_PER_MONTH = 30.4375


def ramp(months_live: np.ndarray | float, months_to_effect: np.ndarray | float) -> np.ndarray:
    """Share of the full effect reached ``months_live`` months after go-live (0 before it, 1 from
    ``months_to_effect`` on): a logistic S-curve rescaled to that range; a time to effect of 0
    means the whole effect at go-live."""
    live, horizon = np.broadcast_arrays(
        np.asarray(months_live, dtype=float), np.asarray(months_to_effect, dtype=float)
    )
    safe = np.where(horizon > 0, horizon, 1.0)
    steepness = _LOGISTIC_SPAN / safe

    def logistic(months: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-steepness * (months - safe / 2)))

    start, end = logistic(np.zeros_like(live)), logistic(safe)
    share = (logistic(np.clip(live, 0, safe)) - start) / (end - start)
    return np.where(live < 0, 0.0, np.where(horizon > 0, share, 1.0))


def reach_shares(members: pd.DataFrame, weights: pd.Series | None = None) -> pd.DataFrame:
    """Weighted share of respondents in each column of a boolean ``members`` frame (one column per
    initiative), with its Wilson interval on Kish's effective sample size.

    Returns
    -------
    DataFrame
        Indexed by ``members``' columns: ``reach``, ``reach_low``, ``reach_high`` and ``n`` (the
        respondents, unweighted).
    """
    weight = np.ones(len(members)) if weights is None else weights.to_numpy(dtype=float)
    matrix = members.to_numpy(dtype=float)
    share = weight @ matrix / weight.sum()
    effective = weight.sum() ** 2 / (weight**2).sum()
    low, high = wilson_interval(share * effective, np.full(len(share), effective))
    return pd.DataFrame(
        {"reach": share, "reach_low": low, "reach_high": high, "n": len(members)}, index=members.columns
    )


def union(shares: np.ndarray) -> np.ndarray:
    """Share of each pillar's gap closed by initiatives closing ``shares`` (initiatives × pillars)
    of it each, independently: ``1 − Π(1 − c_i)`` per pillar."""
    return 1 - np.prod(1 - np.clip(shares, 0, 1), axis=0)


def _points(closed: dict[str, np.ndarray], slopes: dict[str, np.ndarray]) -> np.ndarray:
    """``[central, low, high]`` outcome points (last axis) from the gap points each scenario closes
    (pillars on the last axis): central is the central closure times the slope; low and high are,
    per pillar, the smallest and largest product of the low or high closure with either slope
    bound, summed over pillars (conservative)."""
    products = np.stack(
        [closed[name] * slopes[bound] for name in ("low", "high") for bound in ("low", "high")]
    )
    return np.stack(
        [
            (closed["central"] * slopes["slope"]).sum(axis=-1),
            products.min(axis=0).sum(axis=-1),
            products.max(axis=0).sum(axis=-1),
        ],
        axis=-1,
    )


def outcome_points(
    shares: dict[str, np.ndarray], gaps: np.ndarray, slopes: dict[str, np.ndarray]
) -> np.ndarray:
    """Outcome points of a set of initiatives together, ``[central, low, high]``, from per-scenario
    closure ``shares`` (initiatives × pillars, keyed ``central``, ``low``, ``high``), the pillar
    ``gaps`` and the ``slopes`` (keyed ``slope``, ``low``, ``high``); shares on one pillar combine
    by :func:`union`."""
    return _points({name: union(share) * gaps for name, share in shares.items()}, slopes)


def standalone_points(
    shares: dict[str, np.ndarray], gaps: np.ndarray, slopes: dict[str, np.ndarray]
) -> np.ndarray:
    """Outcome points of each initiative alone (initiatives × ``[central, low, high]``), as
    :func:`outcome_points` computes them for a set."""
    return _points({name: np.clip(share, 0, 1) * gaps for name, share in shares.items()}, slopes)
