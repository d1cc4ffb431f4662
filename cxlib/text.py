"""Public import path kept for users' notebooks, which call ``cxlib.text.sentiment`` and
``cxlib.text.themes``.

The code lives in :mod:`cxlib.stats.text`; this module only re-exports its public API.
"""

from cxlib.stats.text import (
    fold,
    lexicon,
    sentiment,
    themes,
)

__all__ = [
    "fold",
    "lexicon",
    "sentiment",
    "themes",
]
