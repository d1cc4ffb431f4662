"""The six-pillar self-assessment: question bank, item and pillar scores, disagreement, evidence.

Scores are answered on 1-5 and reported on 0-100 (``(score - 1) / 4 * 100``), the scale shared with
customer pillar scores and targets. A pillar's interval is a t interval over respondents' pillar
means (each leader or area is one observation), so five respondents give a wide, honest interval.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from cxlib.config import ClientConfig
from cxlib.method import PILLARS
from cxlib.metrics import mean_interval

#: Answers whose spread (max − min, on 1-5) reaches this are flagged as a disagreement.
DISAGREEMENT_SPREAD = 2
SCORE_LOW, SCORE_HIGH = 1, 5


@lru_cache(maxsize=1)
def _standard_bank() -> pd.DataFrame:
    items = yaml.safe_load((Path(__file__).with_name("question_bank.yaml")).read_text(encoding="utf-8"))
    return pd.DataFrame(items).fillna({"seed": False}).set_index("id")


def question_bank(config: ClientConfig | None = None) -> pd.DataFrame:
    """The question bank (id → pillar, es, en, seed), with the client's own questions appended."""
    bank = _standard_bank()
    if config is None or not config.questions:
        return bank
    extra = pd.DataFrame([question.model_dump() for question in config.questions]).assign(seed=False).set_index("id")
    return pd.concat([bank, extra[~extra.index.isin(bank.index)]])


def to_hundred(scores: pd.Series | np.ndarray, low: float = SCORE_LOW, high: float = SCORE_HIGH):
    """Rescale ratings on ``low``..``high`` to 0-100."""
    return (scores - low) / (high - low) * 100


def item_scores(assessment: pd.DataFrame, bank: pd.DataFrame, language: str) -> pd.DataFrame:
    """Per item: respondents, mean (1-5), spread, 0-100 score and a disagreement flag."""
    grouped = assessment.groupby(["pillar", "item_id"], observed=True)["score"]
    items = grouped.agg(n="count", mean="mean", sd="std", low="min", high="max").reset_index()
    items["spread"] = items["high"] - items["low"]
    items["score"] = to_hundred(items["mean"])
    items["disagreement"] = items["spread"] >= DISAGREEMENT_SPREAD
    items["question"] = items["item_id"].map(bank[language])
    items["pillar"] = pd.Categorical(items["pillar"], PILLARS, ordered=True)
    return items.sort_values(["pillar", "item_id"]).reset_index(drop=True)


def pillar_scores(assessment: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Per pillar: 0-100 score with a t interval over respondents, respondent count and spread."""
    per_respondent = assessment.groupby(["pillar", "respondent"], observed=True)["score"].mean().reset_index()
    per_respondent["score"] = to_hundred(per_respondent["score"])
    grouped = per_respondent.groupby("pillar", observed=True)["score"].agg(["mean", "std", "count", "min", "max"])
    low, high = mean_interval(grouped["mean"], grouped["std"], grouped["count"], confidence)
    result = pd.DataFrame(
        {"score": grouped["mean"], "low": low, "high": high, "n": grouped["count"], "lowest": grouped["min"], "highest": grouped["max"]}
    )
    return result.reindex([p for p in PILLARS if p in result.index])


def evidence_table(assessment: pd.DataFrame, bank: pd.DataFrame, language: str) -> pd.DataFrame:
    """Every answer with its evidence; ``supported`` is False where no evidence was given."""
    table = assessment.assign(question=assessment["item_id"].map(bank[language]), supported=assessment["evidence"].notna() if "evidence" in assessment else False)
    order = pd.Categorical(table["pillar"], PILLARS, ordered=True)
    columns = [c for c in ("pillar", "item_id", "question", "respondent", "area", "score", "evidence", "supported") if c in table]
    return table.assign(pillar=order).sort_values(["pillar", "item_id", "respondent"])[columns].reset_index(drop=True)


def check_items(assessment: pd.DataFrame, bank: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Masks of answers whose item id is unknown, and whose pillar differs from the item's pillar."""
    known = assessment["item_id"].isin(bank.index)
    expected = assessment["item_id"].map(bank["pillar"])
    return ~known & assessment["item_id"].notna(), known & assessment["pillar"].notna() & (assessment["pillar"] != expected)
