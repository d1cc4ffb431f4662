"""The self-assessment question bank: the standard items and a client's own questions.

The standard bank (``question_bank.yaml``) holds four or more items per pillar in Spanish and
English, including the nine items of the method's source article (``seed: true``); a client adds
its own under ``questions:`` in ``client.yaml``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from cxlib.inputs.config import ClientConfig


@lru_cache(maxsize=1)
def _standard_bank() -> pd.DataFrame:
    items = yaml.safe_load(Path(__file__).with_name("question_bank.yaml").read_text(encoding="utf-8"))
    return pd.DataFrame(items).fillna({"seed": False}).set_index("id")


def question_bank(config: ClientConfig | None = None) -> pd.DataFrame:
    """The question bank (id → pillar, es, en, seed), with the client's own questions appended."""
    bank = _standard_bank()
    if config is None or not config.questions:
        return bank
    extra = (
        pd.DataFrame([question.model_dump() for question in config.questions])
        .assign(seed=False)
        .set_index("id")
    )
    return pd.concat([bank, extra[~extra.index.isin(bank.index)]])


def check_items(assessment: pd.DataFrame, bank: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Masks of answers whose item id is unknown, and whose pillar differs from the item's pillar."""
    known = assessment["item_id"].isin(bank.index)
    expected = assessment["item_id"].map(bank["pillar"])
    return ~known & assessment["item_id"].notna(), known & assessment["pillar"].notna() & (
        assessment["pillar"] != expected
    )
