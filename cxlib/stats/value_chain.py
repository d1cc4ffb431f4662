"""The human value chain estimated as one chain across units: a serial path model.

KPMG's chain runs culture → employee experience → employee behaviour → customer experience →
customer behaviour → business results. Each node is measured once per unit (a branch, a store),
so the unit is the link between the employee survey, the customer survey and the results table,
and it is the unit of analysis.

The model (a serial, or sequential, mediation chain):

* **Links.** Each node is regressed on the one before it, by ordinary least squares on
  standardised unit scores (``statsmodels.OLS``), so each path coefficient is a standardised beta
  (the two nodes' correlation) with its OLS t-test p-value and Fisher's z interval, which stays
  within the coefficient's bounds of -1 and 1 (Fisher, R. A. (1921), *Metron* 1, 3-32). With a
  dozen units, one predictor per regression is what the data carry (about ten units per
  predictor: Harrell, F. E. (2015), *Regression Modeling Strategies*, 2nd ed., Springer, section
  4.4); the full serial model that
  regresses every node on all earlier ones (Hayes, A. F. (2013), *Introduction to Mediation,
  Moderation, and Conditional Process Analysis*, Guilford, model 6) needs far more units.
* **Indirect effect.** The product of the path coefficients, with a percentile bootstrap interval
  (Preacher, K. J. & Hayes, A. F. (2008), Asymptotic and resampling strategies for assessing and
  comparing indirect effects in multiple mediator models, *Behavior Research Methods* 40(3),
  879-891): a product of coefficients is skewed, so a normal (Sobel) interval is wrong, and the
  causal-steps reading of Baron, R. M. & Kenny, D. A. (1986), *Journal of Personality and Social
  Psychology* 51(6), 1173-1182, which asks every step to be significant without testing the
  product, is shown here only as the per-link intervals. The bootstrap resamples whole units, so
  every measure of a unit (its employees, its customers, its results) moves together: a cluster
  bootstrap at the unit level (Field, C. A. & Welsh, A. H. (2007), Bootstrapping clustered data,
  *JRSS B* 69(3), 369-390).
* **What the chain carries.** The total association of the first node with the last is their
  standardised slope (their correlation). In a chain where each node depends on the one before,
  the product of the links is what that association would be if it ran entirely along the chain;
  ``carried`` = indirect / total, with its bootstrap interval, says how much of it does (only when
  the total's interval excludes zero; a ratio to a total indistinguishable from zero means nothing).
* **Where it breaks.** The weakest link: among links whose interval includes zero, the one with the
  largest p-value.
* **Null test.** The employee-side scores are permuted across units (unit labels shuffled), which
  destroys the employee → customer link while keeping each side's own structure; the permutation
  p-value of the indirect effect is the share of permutations whose indirect effect is at least as
  large in absolute value (Good, P. (2005), *Permutation, Parametric and Bootstrap Tests of
  Hypotheses*, 3rd ed., Springer).

All resampling is vectorised over draws (numpy), never a loop over units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from cxlib.stats.estimators import IntervalFinding, fisher_interval

#: The chain's nodes in order (KPMG's human value chain).
NODES: tuple[str, ...] = (
    "culture",
    "ex",
    "employee_behaviour",
    "cx",
    "customer_behaviour",
    "results",
)
#: Nodes measured on the employee side (shuffled against the customer side in the null test).
EMPLOYEE_SIDE: tuple[str, ...] = ("culture", "ex", "employee_behaviour")
#: Fewest units the chain is estimated on at all, and fewest before its intervals are read
#: without a caution (ten per predictor, Harrell 2015).
MIN_CHAIN_UNITS, FEW_UNITS = 5, 10
BOOTSTRAP = 2000
PERMUTATIONS = 2000


@dataclass(frozen=True)
class Link(IntervalFinding):
    """One standardised path ``source → target`` with its Fisher z interval and OLS p-value."""

    source: str
    target: str
    beta: float
    low: float
    high: float
    p_value: float
    n: int


@dataclass(frozen=True)
class ChainModel(IntervalFinding):
    """A serial path model across units: its links, the indirect effect (the product of the links)
    with its bootstrap interval (``low``, ``high``), the total association of the first node with
    the last, the share of it the chain carries, and the permutation p-value of the indirect effect
    with the employee side shuffled across units (over ``permutations`` of them)."""

    nodes: tuple[str, ...]
    links: tuple[Link, ...]
    indirect: float
    low: float
    high: float
    total: float
    total_low: float
    total_high: float
    carried: float
    carried_low: float
    carried_high: float
    permutation_p: float
    permutations: int
    n: int

    @property
    def holds(self) -> bool:
        """True when every link and the indirect effect have intervals that exclude zero."""
        return self.finding and all(link.finding for link in self.links)

    @property
    def weakest(self) -> Link | None:
        """Where the chain breaks: the link with the largest p-value among those whose interval
        includes zero (``None`` when every link holds)."""
        broken = [link for link in self.links if not link.finding]
        return max(broken, key=lambda link: link.p_value) if broken else None

    @property
    def few_units(self) -> bool:
        """True under :data:`FEW_UNITS` units: the intervals are wide, read with caution."""
        return self.n < FEW_UNITS


def _standardised(data: np.ndarray, axis: int) -> np.ndarray:
    centred = data - data.mean(axis=axis, keepdims=True)
    spread = data.std(axis=axis, ddof=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return centred / spread


def _adjacent_slopes(standard: np.ndarray) -> np.ndarray:
    """Standardised slopes of each column on the one before, over the last two axes
    (``... × units × nodes``): the correlations of adjacent columns."""
    n = standard.shape[-2]
    return (standard[..., :-1] * standard[..., 1:]).sum(axis=-2) / (n - 1)


def _end_to_end(standard: np.ndarray) -> np.ndarray:
    n = standard.shape[-2]
    return (standard[..., 0] * standard[..., -1]).sum(axis=-1) / (n - 1)


def _link(standard: np.ndarray, position: int, nodes: Sequence[str], confidence: float) -> Link:
    """OLS of node ``position + 1`` on node ``position`` (standardised): the slope is their
    correlation, its p-value the OLS t test, and its interval Fisher's z interval, which stays
    within -1 and 1 (:func:`~cxlib.stats.estimators.fisher_interval`)."""
    fit = sm.OLS(standard[:, position + 1], sm.add_constant(standard[:, position])).fit()
    beta = float(fit.params[1])
    low, high = fisher_interval(beta, len(standard), confidence)
    return Link(
        nodes[position],
        nodes[position + 1],
        beta,
        float(low),
        float(high),
        float(fit.pvalues[1]),
        len(standard),
    )


def _percentile(draws: np.ndarray, confidence: float) -> tuple[float, float]:
    draws = draws[np.isfinite(draws)]
    if len(draws) == 0:
        return np.nan, np.nan
    tail = (1 - confidence) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    return float(low), float(high)


def chain_model(
    frame: pd.DataFrame,
    nodes: Sequence[str],
    shuffled: Sequence[str] = EMPLOYEE_SIDE,
    bootstrap: int = BOOTSTRAP,
    permutations: int = PERMUTATIONS,
    confidence: float = 0.95,
    seed: int = 0,
) -> ChainModel | None:
    """Estimate the chain ``nodes[0] → nodes[1] → … → nodes[-1]`` across the rows (units) of
    ``frame`` that have every node.

    Parameters
    ----------
    frame
        One row per unit, one column per node (any scale: each is standardised).
    nodes
        The chain's columns in order, at least three (two links).
    shuffled
        The columns permuted together across units in the null test (the employee side); the
        permutation test is skipped when none of them, or all of them, are in ``nodes``.
    bootstrap, permutations
        Number of unit resamples and of permutations.
    confidence
        Of every interval.
    seed
        Of the bootstrap and the permutations.

    Returns
    -------
    ChainModel or None
        ``None`` with fewer than :data:`MIN_CHAIN_UNITS` complete units or a node without spread.
    """
    nodes = tuple(nodes)
    data = frame[list(nodes)].dropna().to_numpy(dtype=float)
    n = len(data)
    if len(nodes) < 3 or n < MIN_CHAIN_UNITS or np.any(data.std(axis=0, ddof=1) == 0):
        return None
    standard = _standardised(data, axis=0)
    links = tuple(_link(standard, position, nodes, confidence) for position in range(len(nodes) - 1))
    indirect = float(np.prod([link.beta for link in links]))
    total = float(_end_to_end(standard))
    rng = np.random.default_rng(seed)
    resampled = _standardised(data[rng.integers(0, n, (bootstrap, n))], axis=1)  # draws × units × nodes
    draw_indirect = _adjacent_slopes(resampled).prod(axis=-1)
    draw_total = _end_to_end(resampled)
    low, high = _percentile(draw_indirect, confidence)
    total_low, total_high = _percentile(draw_total, confidence)
    carried = carried_low = carried_high = np.nan
    if total_low > 0 or total_high < 0:
        carried = indirect / total
        carried_low, carried_high = _percentile(draw_indirect / draw_total, confidence)
    side = [position for position, node in enumerate(nodes) if node in set(shuffled)]
    permutation_p = np.nan
    if 0 < len(side) < len(nodes):
        permutation_p = _permutation_p(standard, side, indirect, permutations, rng)
    return ChainModel(
        nodes,
        links,
        indirect,
        low,
        high,
        total,
        total_low,
        total_high,
        float(carried),
        float(carried_low),
        float(carried_high),
        permutation_p,
        permutations if np.isfinite(permutation_p) else 0,
        n,
    )


def _permutation_p(
    standard: np.ndarray, side: list[int], observed: float, permutations: int, rng: np.random.Generator
) -> float:
    """Share of permutations of the ``side`` columns across units (together) whose indirect effect
    is at least ``|observed|``, counting the observed arrangement (Phipson, B. & Smyth, G. K.
    (2010), Permutation p-values should never be zero, *SAGMB* 9(1), article 39)."""
    n = len(standard)
    order = rng.permuted(np.tile(np.arange(n), (permutations, 1)), axis=1)
    permuted = np.broadcast_to(standard, (permutations, *standard.shape)).copy()
    permuted[:, :, side] = standard[order][:, :, side]
    effects = _adjacent_slopes(permuted).prod(axis=-1)
    return float((1 + np.sum(np.abs(effects) >= abs(observed) - 1e-12)) / (permutations + 1))


def shuffle_units(frame: pd.DataFrame, columns: Sequence[str], seed: int) -> pd.DataFrame:
    """``frame`` with the ``columns`` (together) given to other units at random: the unit labels
    of one side shuffled, which destroys any link between that side and the other."""
    order = np.random.default_rng(seed).permutation(len(frame))
    shuffled = frame.copy()
    present = [column for column in columns if column in frame]
    shuffled[present] = frame[present].to_numpy()[order]
    return shuffled
