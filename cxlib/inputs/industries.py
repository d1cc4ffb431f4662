"""The industries ``cxwb new DIR --industry NAME`` scaffolds for, and their example content
(``industries.yaml``). Kept apart from :mod:`cxlib.inputs.scaffold` so that the command line can list
them without importing pandas."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

#: The industries ``cxwb new --industry`` knows; ``generic`` names no trade.
INDUSTRIES: tuple[str, ...] = ("bank", "telco", "retail", "hotel", "utility", "public", "generic")


#: The block of ``industries.yaml`` whose examples every industry shares.
SHARED = "every_industry"


@lru_cache(maxsize=1)
def industry_examples() -> dict[str, dict[str, dict[str, str | list[str]]]]:
    """``industries.yaml``: industry → language → example key → its text (``segments``: a list),
    the examples of :data:`SHARED` included in each."""
    data = yaml.safe_load(Path(__file__).with_name("industries.yaml").read_text(encoding="utf-8"))
    shared = data.pop(SHARED)
    return {
        industry: {language: shared[language] | examples for language, examples in languages.items()}
        for industry, languages in data.items()
    }
