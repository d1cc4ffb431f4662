"""Pros and cons of each investment (seed 002: "analyse the experience you will deliver after the
investment and weigh the pros and cons; sometimes what we need is a well-equipped utility car, not a
Ferrari without extras").

Each initiative of the action plan's evaluation (:func:`cxlib.steps.action_plan.evaluate`) is weighed
on what it delivers and what it costs and risks, from the data:

Pros
    The pillars it helps, the journey's pain points it addresses at its touchpoints (with their
    severity), the moments of truth and alarms it touches, its reach with its interval, the outcome
    points it adds at full effect with their interval (said to be indistinguishable from zero when
    the interval includes it) and the employees' side when its internal effect is positive.
Cons
    Cost, time to full effect and effort; fixed human capacity it loads (myth 1 of connected
    strategy); the touchpoints served by people it acts on (the last mile, seed 001: where the
    human contact must be kept); a negative effect on employees, with the share of staff in the roles
    it names; no experience case.

The plan is ranked on both sides at once, not on points per cost alone: non-dominated sorting
(Pareto fronts; Deb, K., Pratap, A., Agarwal, S. & Meyarivan, T. (2002), A fast and elitist
multiobjective genetic algorithm: NSGA-II, *IEEE Transactions on Evolutionary Computation* 6(2),
182-197) on the conservative experience effect (the interval's lower bound, higher is better), the
cost and the number of risks (lower is better). Front 1 holds the initiatives no other beats on all
three. A *Ferrari without extras* costs at least the plan's median and delivers an experience effect
whose upper bound is below the plan's median effect, or has no experience case; a *well-equipped
utility car* costs at most the median and its effect is clearly positive (lower bound above zero)
and at least the median.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxlib.core.i18n import Translator

#: Risk flags counted on the cons side (columns of the weighed plan).
RISKS = ("loads_capacity", "hurts_employees", "no_experience_case")


def _listed(value: object) -> list[str]:
    return list(value) if isinstance(value, list) else []


def pareto_fronts(objectives: np.ndarray) -> np.ndarray:
    """The Pareto front (1, 2, …) of each row of ``objectives`` (rows × criteria, every criterion to
    be minimised; NaN counts as the worst value): front 1 is the rows no other row dominates, front 2
    those dominated only by front 1, and so on (Deb et al. 2002)."""
    values = np.where(np.isnan(objectives), np.inf, objectives)
    # dominates[i, j]: row i is no worse than j on every criterion and better on at least one.
    no_worse = (values[:, None, :] <= values[None, :, :]).all(axis=2)
    better = (values[:, None, :] < values[None, :, :]).any(axis=2)
    dominates = no_worse & better
    fronts = np.zeros(len(values), dtype=int)
    remaining = np.ones(len(values), dtype=bool)
    front = 0
    while remaining.any():  # at most one pass per front
        front += 1
        beaten = (dominates[remaining][:, remaining]).any(axis=0)
        current = np.flatnonzero(remaining)[~beaten]
        fronts[current] = front
        remaining[current] = False
    return fronts


def pain_points(journey: pd.DataFrame | None) -> pd.DataFrame:
    """The journey's pain points by touchpoint (``touchpoint``, ``pain_point``, ``pain_severity``,
    ``human_served``), indexed by touchpoint id."""
    if journey is None or "pain_point" not in journey:
        return pd.DataFrame(columns=["touchpoint", "pain_point", "pain_severity", "human_served"])
    table = journey.set_index("touchpoint_id")
    return pd.DataFrame(
        {
            "touchpoint": table["touchpoint"],
            "pain_point": table["pain_point"],
            "pain_severity": table.get("pain_severity", pd.Series(np.nan, index=table.index)),
            "human_served": table.get("human_served", pd.Series(False, index=table.index))
            .astype("boolean")
            .fillna(False),
        }
    )


def weigh(evaluation: pd.DataFrame, journey: pd.DataFrame | None) -> pd.DataFrame:
    """``evaluation`` with the pros and cons of each initiative: ``pains`` (the pain points it
    addresses, as ``(touchpoint, pain point, severity)``), ``human_touchpoints`` (touchpoints served
    by people it acts on), ``hurts_employees``, ``risks`` (how many of :data:`RISKS`), ``front``
    (Pareto front on conservative effect, cost and risks), ``ferrari`` and ``utility`` (seed 002),
    sorted by front, then by effect."""
    pains = pain_points(journey)
    helps = evaluation["effect_internal"].astype(float) > 0 if "effect_internal" in evaluation else False
    touched = evaluation["touchpoints"].map(_listed)
    pained = pains[pains["pain_point"].notna()]
    weighed = evaluation.assign(
        pains=touched.map(
            lambda ids: [
                (pained.at[i, "touchpoint"], pained.at[i, "pain_point"], pained.at[i, "pain_severity"])
                for i in ids
                if i in pained.index
            ]
        ),
        human_touchpoints=touched.map(
            lambda ids: [
                pains.at[i, "touchpoint"] for i in ids if i in pains.index and pains.at[i, "human_served"]
            ]
        ),
        hurts_employees=evaluation["effect_internal"].astype(float).lt(0)
        if "effect_internal" in evaluation
        else False,
        helps_employees=helps,
    )
    weighed["risks"] = weighed[list(RISKS)].astype(bool).sum(axis=1)
    effect_low = weighed["impact_low"].astype(float)
    objectives = np.column_stack(
        [-effect_low.to_numpy(), weighed["cost"].astype(float).to_numpy(), weighed["risks"].to_numpy(float)]
    )
    weighed["front"] = pareto_fronts(objectives)
    median_cost, median_effect = weighed["cost"].median(), weighed["impact"].median()
    dear = weighed["cost"] >= median_cost
    small = weighed["impact_high"].astype(float) < median_effect
    weighed["ferrari"] = dear & (small | weighed["no_experience_case"].astype(bool))
    weighed["utility"] = (
        weighed["cost"].le(median_cost) & effect_low.gt(0) & weighed["impact"].ge(median_effect)
    )
    return weighed.sort_values(["front", "impact"], ascending=[True, False], na_position="last")


def _pros(row: pd.Series, outcome: str, t: Translator) -> str:
    parts = []
    if row["pillars"]:
        parts.append(", ".join(t(f"pillar.{p}") for p in row["pillars"]))
    if row["pains"]:
        pains = "; ".join(
            f"{pain} ({touchpoint}, {t('pros.severity', value=t.number(severity))})"
            if pd.notna(severity)
            else f"{pain} ({touchpoint})"
            for touchpoint, pain, severity in row["pains"]
        )
        parts.append(t.plural("pros.pains", len(row["pains"]), pains=pains))
    if row.get("touches_moment"):
        parts.append(t("plan.flag.moment"))
    if row.get("touches_alarm"):
        parts.append(t("plan.flag.alarm"))
    if pd.notna(row.get("reach")):
        parts.append(
            t(
                "pros.reach",
                value=t.interval(row["reach"], row["reach_low"], row["reach_high"], 0, percent=True),
            )
        )
    if pd.notna(row.get("impact")):
        key = "pros.effect" if row["impact_low"] > 0 else "pros.effect_unclear"
        parts.append(
            t(
                key,
                outcome=t(f"metric.{outcome}"),
                value=t.interval(row["impact"], row["impact_low"], row["impact_high"]),
            )
        )
    if row["helps_employees"]:
        parts.append(t("pros.employees"))
    return " · ".join(parts) or "–"


def _cons(row: pd.Series, currency: str, t: Translator) -> str:
    parts = [t.money(row["cost"], currency)]
    if pd.notna(row.get("months_to_effect")):
        parts.append(t("pros.months", months=t.number(row["months_to_effect"])))
    if pd.notna(row.get("effort")):
        parts.append(t("pros.effort", value=t.number(row["effort"])))
    if row["loads_capacity"]:
        parts.append(t("plan.flag.capacity"))
    if row["human_touchpoints"]:
        parts.append(t("pros.human", touchpoints=", ".join(row["human_touchpoints"])))
    if row["hurts_employees"]:
        share = [row.get(column, np.nan) for column in ("staff_reach", "staff_reach_low", "staff_reach_high")]
        parts.append(
            t("pros.hurts_staff", share=t.interval(*share, 0, percent=True))
            if pd.notna(share[0])
            else t("pros.hurts_employees")
        )
    if row["no_experience_case"]:
        parts.append(t("plan.flag.no_case"))
    return " · ".join(parts)


def _balance(row: pd.Series, t: Translator) -> str:
    label = t("pros.front", front=t.number(row["front"]))
    if row["ferrari"]:
        return f"{label} · {t('pros.ferrari')}"
    if row["utility"]:
        return f"{label} · {t('pros.utility')}"
    return label


def pros_cons_table(weighed: pd.DataFrame, outcome: str, currency: str, t: Translator) -> pd.DataFrame:
    """The pros and cons for the report, one row per initiative in the order of :func:`weigh`."""
    rows = [row for _, row in weighed.iterrows()]  # one row per initiative: a short table
    return pd.DataFrame(
        {
            t("plan.col.initiative"): weighed["name"].to_numpy(),
            t("pros.col.pros"): [_pros(row, outcome, t) for row in rows],
            t("pros.col.cons"): [_cons(row, currency, t) for row in rows],
            t("pros.col.balance"): [_balance(row, t) for row in rows],
        }
    )


def names(weighed: pd.DataFrame, flag: str) -> str:
    """The names of the initiatives carrying ``flag`` (``ferrari``, ``utility``) or on front 1
    (``front``), in the order of :func:`weigh`."""
    chosen = weighed["front"].eq(1) if flag == "front" else weighed[flag].astype(bool)
    return ", ".join(weighed.loc[chosen, "name"])
