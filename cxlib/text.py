"""Public import path kept for users' notebooks, which call ``cxlib.text.sentiment`` and
``cxlib.text.themes``.

The code lives in :mod:`cxlib.stats.text`, :mod:`cxlib.stats.themes` and
:mod:`cxlib.stats.personal_data`; this module only
re-exports their public API.
"""

from cxlib.stats.personal_data import mask_personal_data
from cxlib.stats.text import calibrated_sentiment, fold, rating_labels, sentiment
from cxlib.stats.themes import discover_themes, keyword_themes, named_themes, themes

__all__ = [
    "calibrated_sentiment",
    "discover_themes",
    "fold",
    "keyword_themes",
    "mask_personal_data",
    "named_themes",
    "rating_labels",
    "sentiment",
    "themes",
]
