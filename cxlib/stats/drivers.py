"""Key driver analysis: Johnson's relative weights with bootstrap intervals, and the priority matrix.

Johnson, J. W. (2000). A heuristic method for estimating the relative weight of predictor
variables in multiple regression. *Multivariate Behavioral Research*, 35(1), 1-19. The raw
weights partition the model's R² among correlated drivers; ``share`` is each weight over R².
Intervals are percentile bootstrap intervals (Tonidandel, LeBreton & Johnson, 2009, *Psychological
Methods* 14(4), 387-399). For a binary outcome the weights are those of the linear probability
model (point-biserial correlations), a common approximation of Tonidandel & LeBreton's (2010)
logistic variant.

Above :data:`BOOTSTRAP_ROWS` rows, each bootstrap replicate resamples that many rows and its
deviation from the full-sample estimate is scaled by ``sqrt(m / n)`` (the m-out-of-n bootstrap of
Bickel, Götze & van Zwet, 1997, *Statistica Sinica* 7, 1-31), so a million-row survey costs the
same as a 50,000-row one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BOOTSTRAP_ROWS = 50_000


def _weights_from_correlations(correlations: np.ndarray) -> np.ndarray:
    """Raw relative weights from a full correlation matrix whose last row/column is the outcome."""
    predictors = correlations[:-1, :-1]
    with_outcome = correlations[:-1, -1]
    eigenvalues, eigenvectors = np.linalg.eigh(predictors)
    root = eigenvectors @ np.diag(np.sqrt(np.clip(eigenvalues, 0, None))) @ eigenvectors.T
    beta = np.linalg.lstsq(root, with_outcome, rcond=None)[0]
    return (root**2) @ (beta**2)


def _correlations(values: np.ndarray) -> np.ndarray:
    return np.corrcoef(values, rowvar=False)


def relative_weights(
    frame: pd.DataFrame,
    outcome: str,
    drivers: list[str],
    bootstrap: int = 500,
    confidence: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Johnson's relative weights of ``drivers`` on ``outcome``, with bootstrap intervals.

    Rows with a missing value in the outcome or any driver are left out (listwise).

    Parameters
    ----------
    frame : DataFrame
        One row per respondent.
    outcome : str
        Column of the outcome (NPS 0-10, CSAT, or a binary satisfied flag).
    drivers : list of str
        Driver columns (pillar scores or items).
    bootstrap : int
        Bootstrap replicates for the intervals (0 for none).
    confidence : float
        Level of the percentile intervals.
    seed : int
        Seed of the bootstrap, so a report is reproducible.

    Returns
    -------
    DataFrame
        Indexed by driver: ``weight`` (raw weight, sums to R²), ``share`` (weight / R²), ``low`` and
        ``high`` (interval of ``weight``), sorted by weight; ``attrs`` holds ``r2`` and ``n``.
    """
    data = frame[list(drivers) + [outcome]].astype("float64").dropna().to_numpy()
    n = len(data)
    if n <= len(drivers) + 2:
        raise ValueError(f"relative weights need more than {len(drivers) + 2} complete rows, got {n}")
    weights = _weights_from_correlations(_correlations(data))
    r2 = float(weights.sum())
    result = pd.DataFrame(
        {"weight": weights, "share": weights / r2 if r2 > 0 else np.nan},
        index=pd.Index(drivers, name="driver"),
    )
    if bootstrap:
        rng = np.random.default_rng(seed)
        rows = min(n, BOOTSTRAP_ROWS)
        scale = np.sqrt(rows / n)
        replicates = np.empty((bootstrap, len(drivers)))
        for replicate in range(bootstrap):  # loops over replicates, never over rows
            sample = data[rng.integers(0, n, rows)]
            replicates[replicate] = _weights_from_correlations(_correlations(sample))
        deviations = (replicates - replicates.mean(axis=0)) * scale + weights
        tail = (1 - confidence) / 2
        result["low"] = np.quantile(deviations, tail, axis=0)
        result["high"] = np.quantile(deviations, 1 - tail, axis=0)
    result = result.sort_values("weight", ascending=False)
    result.attrs.update({"r2": r2, "n": n})
    return result


def priority_matrix(weights: pd.DataFrame, performance: pd.Series) -> pd.DataFrame:
    """Importance × performance: each driver's share of R² against its 0-100 performance.

    Quadrants split at the mean importance and mean performance: ``fix`` (important, weak),
    ``keep`` (important, strong), ``monitor`` (less important, weak) and ``maintain`` (less
    important, strong).
    """
    matrix = pd.DataFrame({"importance": weights["share"], "performance": performance.reindex(weights.index)})
    important = matrix["importance"] >= matrix["importance"].mean()
    strong = matrix["performance"] >= matrix["performance"].mean()
    matrix["quadrant"] = np.select(
        [important & ~strong, important & strong, ~important & ~strong],
        ["fix", "keep", "monitor"],
        "maintain",
    )
    return matrix
