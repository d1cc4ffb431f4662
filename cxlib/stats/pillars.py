"""Customer scores on the six pillars: each response's 0-100 pillar score and each pillar's mean.

A pillar's score for one response is the mean of its mapped survey items, each rescaled from its
own scale to 0-100; a pillar's score for a group is the (weighted) mean of those, with a t interval
on Kish's effective sample size when the survey is weighted (Kish, L. (1965), *Survey Sampling*,
Wiley, section 11.7). Shared by the diagnosis and by the comparison of survey waves.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from cxlib.core.method import PILLARS
from cxlib.stats.estimators import to_hundred
from cxlib.stats.metrics import mean_interval


def pillar_frame(survey: pd.DataFrame, items: Iterable[Any]) -> pd.DataFrame:
    """Per survey response, each pillar's 0-100 score: the mean of its mapped ``items`` (each with
    ``column``, ``pillar`` and ``scale.bounds``, as ``Client.survey_items``), rescaled by its own scale."""
    scored: dict[str, list[pd.Series]] = {}
    for item in items:
        low, high = item.scale.bounds
        scored.setdefault(item.pillar, []).append(
            to_hundred(survey[item.column].astype("float64"), low, high)
        )
    return pd.DataFrame(
        {pillar: pd.concat(columns, axis=1).mean(axis=1) for pillar, columns in scored.items()},
        index=survey.index,
    )[[p for p in PILLARS if p in scored]]


def pillar_scores(
    pillar_frame: pd.DataFrame, confidence: float = 0.95, weights: pd.Series | None = None
) -> pd.DataFrame:
    """Per pillar: mean 0-100 score with t interval, n and standard deviation; with survey
    ``weights``, the weighted mean, with ``n`` and the interval on Kish's effective sample size."""
    values = pillar_frame.to_numpy(dtype=float)
    present = ~np.isnan(values)
    raw = (
        np.ones(len(pillar_frame)) if weights is None else weights.reindex(pillar_frame.index).to_numpy(float)
    )
    column_weights = np.where(present, raw[:, None], 0.0)
    totals, squares = column_weights.sum(axis=0), (column_weights**2).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        effective = column_weights * (totals / squares)  # sums to each pillar's effective n
        n = effective.sum(axis=0)
        means = (np.where(present, values, 0.0) * effective).sum(axis=0) / n
        deviations = np.where(present, values - means, 0.0)
        sds = np.sqrt((effective * deviations**2).sum(axis=0) / (n - 1))
    low, high = mean_interval(means, sds, n, confidence, (0, 100))
    return pd.DataFrame(
        {"value": means, "low": low, "high": high, "n": np.floor(n + 1e-9).astype(int), "sd": sds},
        index=pillar_frame.columns,
    )
