"""Survey weights: raking to population margins, Kish's effective sample size, and the
representativeness of a sample.

- **Raking** (iterative proportional fitting; Deming, W. E. & Stephan, F. F. (1940), On a least
  squares adjustment of a sampled frequency table when the expected marginal totals are known,
  *Annals of Mathematical Statistics* 11(4), 427-444): each respondent's weight is multiplied, field
  by field, by population share / weighted sample share of its category until every weighted
  margin matches the population's.
- **Effective sample size** (Kish, L. (1965), *Survey Sampling*, Wiley, section 11.7):
  ``n_eff = (Σw)² / Σw²`` and the design effect ``deff = n / n_eff``. Estimates with weights use
  *effective weights*, ``w · Σw / Σw²`` within each group, whose sum is the group's ``n_eff``: fed
  to the usual count-based intervals (Wilson, adjusted Wald, t) they give weighted point estimates
  with intervals as wide as the effective sample warrants.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import chisquare

#: Raking stops when no weighted margin is further than this from its population share.
RAKING_TOLERANCE = 1e-6
RAKING_ITERATIONS = 200


class RakingError(ValueError):
    """Raking did not converge (margins that cannot all be met, e.g. an empty cell)."""


@dataclass(frozen=True)
class DesignEffect:
    """Kish's effective sample size and design effect of a set of weights."""

    n: int
    n_effective: float
    deff: float


def design_effect(weights: pd.Series) -> DesignEffect:
    """``n``, ``n_eff = (Σw)² / Σw²`` and ``deff = n / n_eff`` over the non-missing weights."""
    valid = pd.Series(weights, dtype="float64").dropna()
    n_effective = float(valid.sum() ** 2 / (valid**2).sum()) if len(valid) else 0.0
    return DesignEffect(len(valid), n_effective, len(valid) / n_effective if n_effective else float("nan"))


def effective_totals(
    indicators: pd.DataFrame, weights: pd.Series, membership: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Effective counts of each indicator column inside and outside each group at once.

    ``membership`` is respondents × groups (booleans); returns (inside, outside) frames of groups ×
    indicators, where a side's weighted counts are scaled by that side's ``Σw / Σw²``, so they sum
    to its effective sample size (plain counts when every weight is 1).
    """
    member = membership.to_numpy("float64")  # respondents × groups, as one BLAS product below
    weight = pd.Series(weights, dtype="float64").to_numpy()
    weighted = indicators.to_numpy("float64") * weight[:, None]
    sums, weight_sums, square_sums = member.T @ weighted, member.T @ weight, member.T @ weight**2
    rest_sums = weighted.sum(axis=0) - sums
    rest_weights, rest_squares = weight.sum() - weight_sums, (weight**2).sum() - square_sums
    with np.errstate(invalid="ignore", divide="ignore"):
        sides = (
            sums * (weight_sums / square_sums)[:, None],
            rest_sums * (rest_weights / rest_squares)[:, None],
        )
    inside, outside = (
        pd.DataFrame(side, index=membership.columns, columns=indicators.columns).fillna(0.0) for side in sides
    )
    return inside, outside


def rake(frame: pd.DataFrame, margins: dict[str, pd.Series]) -> pd.Series:
    """Weights (mean 1) that make the sample's weighted shares of each ``margins`` field equal the
    population shares given (field → share per category; shares are normalised).

    Raises
    ------
    RakingError
        When a share is not a positive finite number, or the margins are not met within
        :data:`RAKING_TOLERANCE` after :data:`RAKING_ITERATIONS` rounds. Weights are never infinite;
        only a respondent with no category on a raking field has none (and is left out of estimates).
    """
    for field, shares in margins.items():
        values = shares.to_numpy("float64")
        if not (np.isfinite(values).all() and (values > 0).all()):
            raise RakingError(f"the population shares of {field} must be positive finite numbers")
    weights = pd.Series(1.0, index=frame.index)
    targets = {field: shares / shares.sum() for field, shares in margins.items()}
    for _ in range(RAKING_ITERATIONS):
        worst = 0.0
        for field, shares in targets.items():
            current = weights.groupby(frame[field], observed=True).sum() / weights.sum()
            worst = max(worst, float((current.reindex(shares.index, fill_value=0) - shares).abs().max()))
            factor = (shares / current.reindex(shares.index)).replace([np.inf], np.nan)
            weights = weights * frame[field].map(factor).astype(float)
        if worst < RAKING_TOLERANCE and weights.notna().any() and np.isfinite(weights.dropna()).all():
            return weights / weights.mean()
    raise RakingError(
        f"raking did not meet the population margins within {RAKING_TOLERANCE:g} "
        f"after {RAKING_ITERATIONS} rounds"
    )


def margin_comparison(frame: pd.DataFrame, margins: dict[str, pd.Series], weights: pd.Series) -> pd.DataFrame:
    """Per field and category: sample share, weighted share and population share, with each
    field's chi-square goodness-of-fit test of the unweighted sample counts against the population
    shares (Pearson 1900; ``p`` small means the raw sample is not representative on that field)."""
    rows = []
    for field, shares in margins.items():
        population = shares / shares.sum()
        counts = frame[field].value_counts().reindex(population.index, fill_value=0)
        weighted = weights.groupby(frame[field], observed=True).sum().reindex(population.index, fill_value=0)
        test = chisquare(counts.to_numpy(), population.to_numpy() * counts.sum())
        for category in population.index:
            rows.append(
                {
                    "field": field,
                    "category": category,
                    "n": int(counts[category]),
                    "sample": counts[category] / counts.sum(),
                    "weighted": weighted[category] / weighted.sum(),
                    "population": population[category],
                    "chi2": test.statistic,
                    "p": test.pvalue,
                }
            )
    return pd.DataFrame(rows)
