"""Public import path kept for users' notebooks, which call ``cxlib.metrics.nps``.

The code lives in :mod:`cxlib.stats.metrics`; this module only re-exports its public API.
"""

from cxlib.stats.metrics import (
    Estimate,
    NpsDifference,
    csat,
    difference_test,
    mean,
    mean_interval,
    metric_by,
    nps,
    nps_components,
    nps_counts,
    nps_difference,
    nps_segment_tests,
    proportion,
    proportion_interval,
    top_two_box,
)

__all__ = [
    "Estimate",
    "NpsDifference",
    "csat",
    "difference_test",
    "mean",
    "mean_interval",
    "metric_by",
    "nps",
    "nps_components",
    "nps_counts",
    "nps_difference",
    "nps_segment_tests",
    "proportion",
    "proportion_interval",
    "top_two_box",
]
