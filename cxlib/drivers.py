"""Public import path kept for users' notebooks, which call ``cxlib.drivers.relative_weights``.

The code lives in :mod:`cxlib.stats.drivers`; this module only re-exports its public API.
"""

from cxlib.stats.drivers import (
    priority_matrix,
    relative_weights,
)

__all__ = [
    "priority_matrix",
    "relative_weights",
]
