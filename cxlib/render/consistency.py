"""Consistency rules between steps, declared as data: each reads published results and either
reconciles the prose (a summary sentence that says why both figures are true) or raises a check
on the consultant's page.

Steps never read each other's code, only their published results (:mod:`cxlib.render.results`),
so every rule here reads the same figures the pages quote.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cxlib.core.i18n import Translator
from cxlib.render.results import frame as results_frame
from cxlib.render.results import load

#: The largest gaps a rule compares with (as many as the summary lists).
LARGEST_GAPS = 2


@dataclass(frozen=True)
class Reconciliation:
    """What a rule found: a summary sentence (``check=False``) or a consultant check (``True``)."""

    rule: str
    text: str
    check: bool = False


@dataclass(frozen=True)
class Rule:
    """One consistency rule: its name, the steps whose results it reads, and what it finds in them."""

    name: str
    steps: tuple[str, ...]
    find: Callable[[dict[str, dict], Translator], list[Reconciliation]]


def _strength_with_a_large_gap(published: dict[str, dict], t: Translator) -> list[Reconciliation]:
    """A 9C strength whose linked pillar has one of the largest gaps to target: both are true (the
    organisation holds the capital, the customers do not feel it yet), and the summary says so."""
    ecosystem, pillars = published["06_ecosystem"], results_frame(published["01_diagnosis"].get("pillars"))
    if "gap" not in pillars or pillars["gap"].dropna().empty:
        return []
    largest = pillars["gap"].dropna().pipe(lambda gaps: gaps[gaps > 0].nlargest(LARGEST_GAPS))
    found = []
    for dimension in ecosystem.get("strengths", []):
        for pillar in ecosystem.get("links", {}).get(dimension, []):
            if pillar in largest.index:
                found.append(
                    Reconciliation(
                        "strength_with_a_large_gap",
                        t(
                            "consistency.strength_gap",
                            dimension=t(f"ninec.{dimension}"),
                            score=t.number(ecosystem["scores"][dimension], 0),
                            pillar=t(f"pillar.{pillar}"),
                            gap=t.interval(
                                largest[pillar],
                                pillars.at[pillar, "target"] - pillars.at[pillar, "high"],
                                pillars.at[pillar, "target"] - pillars.at[pillar, "low"],
                            ),
                            n=t.number(pillars.at[pillar, "n"], 0),
                        ),
                    )
                )
    return found


#: Every cross-step rule, in the order its sentences appear.
RULES: tuple[Rule, ...] = (
    Rule("strength_with_a_large_gap", ("01_diagnosis", "06_ecosystem"), _strength_with_a_large_gap),
)


def reconcile(report_dir: Path, t: Translator, rules: tuple[Rule, ...] = RULES) -> list[Reconciliation]:
    """What every rule whose steps all published results finds in ``report_dir``."""
    found: list[Reconciliation] = []
    for rule in rules:
        published = {step: load(report_dir, step) for step in rule.steps}
        if all(isinstance(results, dict) for results in published.values()):
            found += rule.find(published, t)
    return found
