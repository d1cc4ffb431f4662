"""Consistency rules between steps, declared as data: each reads published results and either
reconciles the prose (a summary sentence that says why both figures are true) or raises a check
on the consultant's page.

Steps never read each other's code, only their published results (:mod:`cxlib.render.results`),
so every rule here reads the same figures the pages quote. The rules:

- ``strength_with_a_large_gap``: a 9C strength whose linked pillar has one of the largest gaps to
  target (reconciled: the organisation holds the capital, the customers do not feel it yet);
- ``largest_gap_outside_fix_first``: the pillar with the summary's largest gap (and wave 1's work)
  falls outside the priority matrix's "fix first" quadrant (reconciled: the gap compares a pillar
  with its target, the matrix compares pillars with each other); a wave 1 that leaves every
  "fix first" pillar to later waves is a consultant check;
- ``target_already_reached``: a pillar's target below its current score's interval or within it (the
  gap is not told apart from zero), which the plan would still work on: a consultant check;
- ``alarm_in_its_current_state``: the summary calls a touchpoint in alarm only while its episode
  goes on (:func:`current_alarms`); a published alarm whose episode ended is a consultant check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from cxlib.core.i18n import Translator
from cxlib.inputs.outcomes import model_label
from cxlib.render.checks import Check
from cxlib.render.results import frame as results_frame
from cxlib.render.results import load
from cxlib.stats.drivers import priority_matrix

#: The largest gaps a rule compares with (as many as the summary lists).
LARGEST_GAPS = 2
#: The wave whose work the summary names first.
FIRST_WAVE = 1


@dataclass(frozen=True)
class Reconciliation:
    """What a rule found: a summary sentence (``check=False``) or a consultant check (``True``); the
    rule's name and the page with the detail are filled in by :func:`reconcile`."""

    text: str
    check: bool = False
    rule: str = ""
    href: str = ""


@dataclass(frozen=True)
class Rule:
    """One consistency rule: its name, the steps whose results it needs, the steps it also reads when
    they published (``None`` in ``published`` otherwise), and what it finds in them."""

    name: str
    steps: tuple[str, ...]
    find: Callable[[dict[str, dict | None], Translator], list[Reconciliation]]
    href: str
    optional: tuple[str, ...] = ()


def _gaps(diagnosis: dict) -> pd.DataFrame:
    """The diagnosis's pillars with a positive gap to target, largest first (as the summary lists them)."""
    pillars = results_frame(diagnosis.get("pillars"))
    if "gap" not in pillars:
        return pillars.iloc[0:0]
    return pillars[pillars["gap"] > 0].sort_values("gap", ascending=False)


def _gap_interval(pillars: pd.DataFrame, pillar: str, t: Translator) -> str:
    """A pillar's gap to target with its interval (the target minus the current score's interval)."""
    row = pillars.loc[pillar]
    return t.interval(row["gap"], row["target"] - row["high"], row["target"] - row["low"])


def _strength_with_a_large_gap(published: dict[str, dict | None], t: Translator) -> list[Reconciliation]:
    """A 9C strength whose linked pillar has one of the largest gaps to target: both are true (the
    organisation holds the capital, the customers do not feel it yet), and the summary says so."""
    ecosystem, pillars = published["06_ecosystem"], _gaps(published["01_diagnosis"])
    largest = pillars.index[:LARGEST_GAPS]
    return [
        Reconciliation(
            t(
                "consistency.strength_gap",
                dimension=t(f"ninec.{dimension}"),
                score=t.number(ecosystem["scores"][dimension], 0),
                pillar=t(f"pillar.{pillar}"),
                gap=_gap_interval(pillars, pillar, t),
                n=t.number(pillars.at[pillar, "n"], 0),
            ),
        )
        for dimension in ecosystem.get("strengths", [])
        for pillar in ecosystem.get("links", {}).get(dimension, [])
        if pillar in largest
    ]


def _pillar_initiatives(plan: dict | None, wave: int | None = None) -> dict[str, list[str]]:
    """Each pillar the plan's initiatives (of ``wave``, or of every wave) work on, with their names."""
    initiatives = results_frame((plan or {}).get("initiatives"))
    if initiatives.empty or "closures" not in initiatives:
        return {}
    if wave is not None:  # an initiative without a declared wave goes in the first (the plan's roadmap)
        initiatives = initiatives[initiatives["wave"].fillna(FIRST_WAVE) == wave]
    worked: dict[str, list[str]] = {}
    for name, closures in zip(initiatives["name"], initiatives["closures"], strict=True):
        for pillar in closures or {}:  # a plan has tens of initiatives, each a few pillars
            worked.setdefault(pillar, []).append(name)
    return worked


def _largest_gap_outside_fix_first(published: dict[str, dict | None], t: Translator) -> list[Reconciliation]:
    """The priority matrix (:func:`cxlib.stats.drivers.priority_matrix`, from the published shares of
    the outcome's explained variance and current scores) against the summary's priorities. The pillar
    with the largest gap to target outside the "fix first" quadrant is no contradiction, and the
    summary says why: the gap compares the pillar with its target, the matrix with the other pillars
    (it explains less of the outcome than the average pillar, or already scores above the average
    one). A wave 1 that works on no "fix first" pillar while the matrix has some is a check for the
    consultant, who sets the waves."""
    diagnosis, plan = published["01_diagnosis"], published["05_action_plan"]
    pillars = results_frame(diagnosis.get("pillars"))
    if not diagnosis.get("explains") or not {"share", "current"} <= set(pillars):
        return []
    rated = pillars.dropna(subset=["share", "current"])
    matrix = priority_matrix(rated[["share"]], rated["current"])
    first_wave = _pillar_initiatives(plan, FIRST_WAVE)
    found = []
    gaps = _gaps(diagnosis)
    largest = gaps.index[0] if len(gaps) else None
    if largest in matrix.index and matrix.at[largest, "quadrant"] != "fix":
        row, outcome = matrix.loc[largest], model_label(diagnosis, t)
        reasons = []
        if row["importance"] < matrix["importance"].mean():
            reasons.append(
                t(
                    "consistency.matrix_gap.less_important",
                    share=t.interval(
                        row["importance"],
                        pillars.at[largest, "share_low"],
                        pillars.at[largest, "share_high"],
                        0,
                        percent=True,
                    ),
                    outcome=outcome,
                    average=t.percent(matrix["importance"].mean(), 0),
                )
            )
        if row["performance"] >= matrix["performance"].mean():
            reasons.append(
                t(
                    "consistency.matrix_gap.strong",
                    current=t.number(row["performance"], 1),
                    average=t.number(matrix["performance"].mean(), 1),
                )
            )
        wave = first_wave.get(largest)
        found.append(
            Reconciliation(
                t(
                    "consistency.matrix_gap",
                    pillar=t(f"pillar.{largest}"),
                    gap=_gap_interval(gaps, largest, t),
                    n=t.number(gaps.at[largest, "n"], 0),
                    wave=t("consistency.matrix_gap.wave", initiatives=", ".join(wave)) if wave else "",
                    quadrant=t(f"diagnosis.quadrant.{row['quadrant']}"),
                    reasons=t("consistency.and").join(reasons),
                ),
            )
        )
    fix = matrix.index[matrix["quadrant"] == "fix"]
    if first_wave and len(fix) and not fix.intersection(list(first_wave)).size:
        found.append(
            Reconciliation(
                t(
                    "consistency.check.wave_without_fix",
                    pillars=", ".join(t(f"pillar.{pillar}") for pillar in fix),
                    worked=", ".join(t(f"pillar.{pillar}") for pillar in first_wave),
                ),
                check=True,
            )
        )
    return found


def target_source(source: str, units: float | None, t: Translator) -> str:
    """Where a pillar's target comes from (``source`` of
    :func:`cxlib.steps.diagnosis.pillar_targets`): agreed with the client, the internal benchmark
    of ``units`` units, or none."""
    if source == "internal":
        return t("diagnosis.source.internal", units=t.number(units))
    return t(f"diagnosis.source.{source}")


def _target_already_reached(published: dict[str, dict | None], t: Translator) -> list[Reconciliation]:
    """A target the current score already exceeds (the target lies below the score's 95 % interval)
    or cannot be told apart from (it lies within the interval): the gap the plan would close is zero
    or not measurably different from zero. A check for the consultant, who sets the targets, naming
    the plan's initiatives that still work on the pillar."""
    pillars = results_frame(published["01_diagnosis"].get("pillars"))
    if not {"target", "low", "high"} <= set(pillars):
        return []
    reached = pillars[pillars["target"].notna() & (pillars["target"] <= pillars["high"])]
    worked = _pillar_initiatives(published["05_action_plan"])
    return [
        Reconciliation(
            t(
                "consistency.check.target_exceeded"
                if row["target"] < row["low"]
                else "consistency.check.target_within",
                pillar=t(f"pillar.{pillar}"),
                target=t.number(row["target"], 0),
                current=t.interval(row["current"], row["low"], row["high"]),
                n=t.number(row["n"], 0),
            )
            + " "
            + t(
                f"consistency.check.target_advice.{row['source']}",
                source=target_source(row["source"], row.get("units"), t),
            )
            + (
                " " + t("consistency.check.target_worked", initiatives=", ".join(worked[pillar]))
                if pillar in worked
                else ""
            ),
            check=True,
        )
        for pillar, row in reached.iterrows()
    ]


def _episode(record: dict) -> tuple[str, str, str]:
    """The episode an alarm or an episode record belongs to: touchpoint, metric and first week."""
    return record["touchpoint_id"], record["metric"], record["since"]


def current_alarms(journey: dict) -> list[dict]:
    """The journey's published alarms whose episode goes on: the only ones the summary may call
    current. An alarm whose episode the journey published as ended is left out
    (:func:`_alarm_in_its_current_state` tells the consultant)."""
    ended = {_episode(episode) for episode in journey.get("episodes") or [] if not episode["ongoing"]}
    return [alarm for alarm in journey.get("alarms") or [] if _episode(alarm) not in ended]


def _alarm_in_its_current_state(published: dict[str, dict | None], t: Translator) -> list[Reconciliation]:
    """Every alarm the journey published as current, against its episode: one that ended is never
    called current in the summary (:func:`current_alarms`), and the consultant is told."""
    journey = published["03_journey"]
    until = {_episode(episode): episode["until"] for episode in journey.get("episodes") or []}
    kept = current_alarms(journey)
    return [
        Reconciliation(
            t(
                "consistency.check.alarm_ended",
                touchpoint=alarm["touchpoint"],
                metric=t(f"journey.metric.{alarm['metric']}"),
                since=t.date(pd.Timestamp(alarm["since"])),
                until=t.date(pd.Timestamp(until[_episode(alarm)])),
            ),
            check=True,
        )
        for alarm in journey.get("alarms") or []
        if alarm not in kept
    ]


#: Every cross-step rule, in the order its sentences appear.
RULES: tuple[Rule, ...] = (
    Rule(
        "strength_with_a_large_gap",
        ("01_diagnosis", "06_ecosystem"),
        _strength_with_a_large_gap,
        "06_ecosystem.html",
    ),
    Rule(
        "largest_gap_outside_fix_first",
        ("01_diagnosis",),
        _largest_gap_outside_fix_first,
        "01_diagnosis.html#drivers",
        optional=("05_action_plan",),
    ),
    Rule(
        "target_already_reached",
        ("01_diagnosis",),
        _target_already_reached,
        "01_diagnosis.html#targets",
        optional=("05_action_plan",),
    ),
    Rule(
        "alarm_in_its_current_state", ("03_journey",), _alarm_in_its_current_state, "03_journey.html#alerts"
    ),
)


def reconcile(report_dir: Path, t: Translator, rules: tuple[Rule, ...] = RULES) -> list[Reconciliation]:
    """What every rule whose needed steps all published results finds in ``report_dir``."""
    found: list[Reconciliation] = []
    for rule in rules:
        published = {step: load(report_dir, step) for step in rule.steps + rule.optional}
        if all(isinstance(published[step], dict) for step in rule.steps):
            found += [replace(item, rule=rule.name, href=rule.href) for item in rule.find(published, t)]
    return found


def consultant_checks(report_dir: Path, t: Translator) -> list[Check]:
    """The rules' findings addressed to the consultant, for the checks page (``checks.html``)."""
    return [Check("consistency", found.text) for found in reconcile(report_dir, t) if found.check]
