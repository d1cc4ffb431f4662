"""The organisation's legitimacy for the common good (seed 003: the balance of experiential capital
"aims to estimate its legitimacy for the common good"): the culture and community evidence brought
together, measured sources apart from judgements.

Measured sources, each on 0-100 with its 95% interval and n:

* customers' trust: the integrity pillar of the customer survey (as the diagnosis publishes it);
* the leaders' self-assessment of integrity (each respondent's mean answer, t interval over
  respondents, as the diagnosis scores it);
* employees' view of the culture: the mean of the employee survey's ``culture_`` items per
  respondent, rescaled from 1-5, with a t interval.

Judgements (n = 1, no interval): the consultant's 9C scores of culture, community and social &
environmental context (1-5 rescaled to 0-100), and the relation with community and regulator actors
weighted by their influence (−2..2 rescaled to 0-100).

The indicator is the equal-weight mean of the measured sources, with the interval of a mean of
independent estimates (``se = sqrt(Σ se_i²) / k``, each ``se_i`` read off its interval's half-width):
a composite by convention, not a validated scale, and the report says so. Sources whose intervals do
not overlap disagree, and the report says that too rather than hide it in the mean.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from cxlib.core.i18n import Translator
from cxlib.stats.estimators import SMALL_SAMPLE, to_hundred
from cxlib.stats.metrics import mean as mean_estimate

#: The 9C dimensions that carry the common-good evidence.
COMMON_GOOD = ("culture", "community", "context")
#: Actor kinds whose relation speaks for the organisation's standing in its community.
COMMUNITY_ACTORS = ("community", "regulator", "ally")
COLUMNS = ["value", "low", "high", "n", "measured"]


def _row(value: float, low: float, high: float, n: float, measured: bool) -> list:
    return [float(value), float(low), float(high), int(n), measured]


def sources(
    diagnosis: dict | None,
    assessment: pd.DataFrame | None,
    employees: pd.DataFrame | None,
    balance: pd.DataFrame,
    actors: pd.DataFrame,
) -> pd.DataFrame:
    """Every available source of legitimacy evidence on 0-100, indexed by source key
    (``customers``, ``self``, ``employees``, ``ninec.<dimension>``, ``actors``), with ``value``,
    ``low``, ``high``, ``n`` and ``measured``."""
    rows: dict[str, list] = {}
    integrity = ((diagnosis or {}).get("pillars") or {}).get("integrity") or {}
    if integrity.get("current") is not None:
        rows["customers"] = _row(
            integrity["current"], integrity["low"], integrity["high"], integrity["n"], True
        )
    if assessment is not None and "pillar" in assessment and assessment["pillar"].eq("integrity").any():
        answers = assessment[assessment["pillar"].eq("integrity")]
        per_person = to_hundred(answers.groupby("respondent", observed=True)["score"].mean().astype(float))
        estimate = mean_estimate(per_person, bounds=(0, 100))
        rows["self"] = _row(estimate.value, estimate.low, estimate.high, estimate.n, True)
    culture = [c for c in (employees.columns if employees is not None else []) if c.startswith("culture_")]
    if culture:
        per_person = to_hundred(employees[culture].astype(float).mean(axis=1), 1, 5)
        estimate = mean_estimate(per_person, bounds=(0, 100))
        rows["employees"] = _row(estimate.value, estimate.low, estimate.high, estimate.n, True)
    for dimension in COMMON_GOOD:
        score = balance["score"].get(dimension, np.nan) if "score" in balance else np.nan
        if pd.notna(score):
            value = to_hundred(float(score), 1, 5)
            rows[f"ninec.{dimension}"] = _row(value, np.nan, np.nan, 1, False)
    community = actors[actors["type"].isin(COMMUNITY_ACTORS)] if len(actors) else actors
    if len(community):
        relation = np.average(community["relation"], weights=community["influence"])
        rows["actors"] = _row((relation + 2) / 4 * 100, np.nan, np.nan, len(community), False)
    return pd.DataFrame.from_dict(rows, orient="index", columns=COLUMNS)


def indicator(table: pd.DataFrame, confidence: float = 0.95) -> dict | None:
    """The equal-weight mean of the measured sources with its interval (``value``, ``low``,
    ``high``, ``sources``, ``disagree``: some measured intervals do not overlap), or ``None``
    without any measured source."""
    measured = table[table["measured"].astype(bool)]
    if measured.empty:
        return None
    z = scipy_stats.norm.ppf(0.5 + confidence / 2)
    se = (measured["high"] - measured["low"]) / (2 * z)
    value = float(measured["value"].mean())
    half = z * float(np.sqrt((se**2).sum())) / len(measured)
    return {
        "value": value,
        "low": max(value - half, 0.0),
        "high": min(value + half, 100.0),
        "sources": len(measured),
        "disagree": bool(measured["low"].max() > measured["high"].min()),
        "small": bool(measured["n"].min() < SMALL_SAMPLE),
    }


def sources_table(table: pd.DataFrame, t: Translator) -> pd.DataFrame:
    """The sources for the report: what each is, its 0-100 figure with interval and n, and whether
    it is measured or a judgement."""
    return pd.DataFrame(
        {
            t("legitimacy.col.source"): [
                t("legitimacy.source.ninec", dimension=t(key))
                if key.startswith("ninec.")
                else t(f"legitimacy.source.{key}")
                for key in table.index
            ],
            t("legitimacy.col.value"): [
                t.interval(row.value, row.low, row.high, 0) if row.measured else t.number(row.value, 0)
                for row in table.itertuples()
            ],
            t("legitimacy.col.n"): [t.number(n) for n in table["n"]],
            t("legitimacy.col.kind"): [
                t("legitimacy.measured") if measured else t("legitimacy.judgement")
                for measured in table["measured"]
            ],
        }
    )


def judgement_checks(table: pd.DataFrame, estimate: dict | None, t: Translator) -> list[dict[str, str]]:
    """One consultant check per judgement (9C score, actors) outside the measured indicator's
    interval: the consultant's view and the data disagree."""
    if estimate is None:
        return []
    judged = table[~table["measured"].astype(bool)]
    outside = judged[(judged["value"] < estimate["low"]) | (judged["value"] > estimate["high"])]
    measured = t.interval(estimate["value"], estimate["low"], estimate["high"], 0)
    return [
        {
            "source": t("legitimacy.source.ninec", dimension=t(key))
            if key.startswith("ninec.")
            else t(f"legitimacy.source.{key}"),
            "judged": t.number(row.value, 0),
            "measured": measured,
        }
        for key, row in outside.iterrows()
    ]


def estimate_facts(estimate: dict, t: Translator) -> dict[str, str]:
    """The indicator's sentence figures: value with interval and the number of measured sources."""
    return {
        "value": t.interval(estimate["value"], estimate["low"], estimate["high"], 0),
        "sources": t.number(estimate["sources"]),
    }
