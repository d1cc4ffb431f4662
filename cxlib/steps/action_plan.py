"""Step 05, action plan: initiative evaluation, prioritisation and the three-wave roadmap.

It reads the results the earlier steps published (:mod:`cxlib.results`): pillar gaps and impact
slopes from the diagnosis, the capacity myth from participation, moments of truth and alarms from
the journey.

Predicted impact (in outcome points, e.g. NPS), audited line by line as reach × gap closed ×
slope × ramp-up = points (:func:`decomposition`):

- *reach*: the share of the outcome's respondents the initiative touches, measured from what it
  targets (:func:`measured_reach`); a declared ``reach`` replaces it as the consultant's assumption.
- *gap closed*: an initiative declaring the strongest external effect (+2) closes a share of each
  touched pillar's gap among the customers it reaches, given by the scenario
  (:data:`CLOSURE_SCENARIOS`: low, central, high), +1 half that.
- *slope*: the pillar's impact slope (outcome points per pillar point) with its interval, from the
  diagnosis' relative weights; none when the diagnosis found no driver, so nothing is claimed.
- *ramp-up*: the share of its full effect reached by a date, along an S-curve from go-live to
  ``months_to_effect`` (:func:`cxlib.stats.forecast.ramp`, sources cited there).

Initiatives on one pillar combine sub-additively, as independent actions (Bliss, C. I. (1939), The
toxicity of poisons applied jointly, *Annals of Applied Biology* 26(3), 585-615): together they close
``1 − Π(1 − r_i c_i)`` of the gap, never more than the whole gap. The interval combines the low
scenario and the reach's lower bound with the slopes' lower bounds, and the high ones with the upper
bounds; predictions stay on the outcome's scale (NPS −100..100, shares 0..100). Money needs a
declared value of one outcome point with its source; without it the plan shows cost per point.

Seed 002: an investment with no pillar, no touchpoint with a pain point, moment of truth or alarm,
and no declared external effect has no experience case; one that loads fixed human capacity is
flagged against myth 1 of connected strategy.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from cxlib.core.i18n import DECIMALS, Translator
from cxlib.core.method import fold_name
from cxlib.core.paths import BASELINE_BUILD_NAME
from cxlib.inputs.client import Client
from cxlib.render.charts import ACCENT, PRIMARY, error_bars, label_points, money_log_axis, with_takeaway
from cxlib.render.money import MONEY_COLUMNS, money_cells
from cxlib.render.results import frame as results_frame
from cxlib.stats import forecast
from cxlib.stats.estimators import wilson_interval

#: Share of a touched pillar's gap closed by an initiative with the strongest declared external effect
#: (+2) among the customers it reaches, in the central scenario (each initiative's ``closure``).
CENTRAL_CLOSURE = 0.5
#: The low and high scenarios close this multiple of an initiative's central share (at most the gap).
SCENARIO_RATIOS = {"low": 0.5, "central": 1.0, "high": 1.5}
#: The scale of each outcome in points (NPS, CSAT top-two-box %, % satisfied).
OUTCOME_BOUNDS = {"nps": (-100.0, 100.0), "csat": (0.0, 100.0), "satisfied": (0.0, 100.0)}
WAVES = (1, 2, 3)
OFFICE_ORDER = ("front", "middle", "back")
#: The initiative columns naming the customers it targets, and the survey field each is matched on.
CUSTOMER_TARGETS = {"segments": "segment", "channels": "channel", "units": "unit"}
#: The reach used by the forecast and its interval (a declared reach has none).
REACH_COLUMNS = ("reach", "reach_low", "reach_high")
#: The reach measured from the data and its interval, shown beside a declared one.
MEASURED_REACH = ("reach_measured", "reach_measured_low", "reach_measured_high")
#: The employees an initiative reaches (:func:`staff_reach`), with the interval.
STAFF_REACH = ("staff_reach", "staff_reach_low", "staff_reach_high")
#: Months after go-live over which an initiative's return is counted.
RETURN_HORIZON_MONTHS = 36


def closure_scenarios(central: np.ndarray | float) -> dict[str, np.ndarray]:
    """The share of a touched gap closed in each scenario (:data:`SCENARIO_RATIOS`) from the
    central share(s), at most the whole gap."""
    shares = np.asarray(central, float)
    return {scenario: np.minimum(shares * ratio, 1.0) for scenario, ratio in SCENARIO_RATIOS.items()}


#: The three scenarios as the plan configures them, for the report's text.
CLOSURE_SCENARIOS = {scenario: float(share) for scenario, share in closure_scenarios(CENTRAL_CLOSURE).items()}


def _listed(value) -> list[str]:
    return list(value) if isinstance(value, list) else []


def role_offices(client: Client) -> dict[str, str]:
    """Each role's office (front, middle or back), the most common answer in the employee survey."""
    if not client.has("employees") or "office" not in client.tables["employees"]:
        return {}
    employees = client.tables["employees"].dropna(subset=["role", "office"])
    return employees.groupby("role")["office"].agg(lambda offices: offices.mode().iloc[0]).to_dict()


def _flags(
    initiatives: pd.DataFrame, client: Client, participation: dict | None, journey: dict | None
) -> pd.DataFrame:
    """Per initiative: the office it lands in and the seed 002 flags (no experience case, loads
    fixed human capacity, touches an alarm or a moment of truth)."""
    journey_table = (
        client.tables["journey"].set_index("touchpoint_id") if client.has("journey") else pd.DataFrame()
    )
    moments = set((journey or {}).get("moments_of_truth", []))
    alarmed = {alarm["touchpoint_id"] for alarm in (journey or {}).get("alarms") or []}
    pained = (
        set(journey_table.index[journey_table["pain_point"].notna()])
        if "pain_point" in journey_table
        else set()
    )
    in_moment = (
        set(journey_table.index[journey_table["stage"].isin(moments)]) if len(journey_table) else set()
    )
    human = (
        set(journey_table.index[journey_table["human_served"].fillna(False).astype(bool)])
        if "human_served" in journey_table
        else set()
    )
    capacity_risk = (participation or {}).get("myths", {}).get("capacity") == "risk"
    offices = role_offices(client)
    rows = {}
    for initiative_id, row in initiatives.iterrows():  # one row per initiative: a short table
        touchpoints, roles = set(_listed(row.get("touchpoints"))), _listed(row.get("roles"))
        effect = max(float(row.get("effect_external") or 0), 0.0)
        experience_case = bool(_listed(row.get("pillars")) or touchpoints & (pained | in_moment | alarmed))
        loads = bool(row.get("loads_human_capacity")) if pd.notna(row.get("loads_human_capacity")) else False
        role_office = [offices[role] for role in roles if role in offices]
        rows[initiative_id] = {
            "office": pd.Series(role_office).mode().iloc[0]
            if role_office
            else ("front" if touchpoints & human else "back"),
            "no_experience_case": not (experience_case and effect > 0),
            "loads_capacity": loads or (capacity_risk and bool(touchpoints & human)),
            "touches_alarm": bool(touchpoints & alarmed),
            "touches_moment": bool(touchpoints & in_moment),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def _member_of(values: pd.Series, wanted: list[str]) -> pd.Series:
    """Which ``values`` are among ``wanted``, names compared folded (case and accents aside)."""
    folded = {fold_name(str(name)) for name in wanted}
    categories = pd.Series(values.dropna().unique())
    chosen = set(categories[categories.map(lambda name: fold_name(str(name)) in folded)])
    return values.isin(chosen)


def measured_reach(client: Client, initiatives: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Each initiative's reach measured on the outcome's respondents (survey weights when present).

    An initiative that names customers (``segments``, ``channels``, ``units``) reaches the responses
    of those customers, whatever touchpoints it acts through; one that names only ``touchpoints``
    reaches the responses about them (the survey's touchpoint field), else their share of the
    measured interactions, else the responses at their journey stages; one that names neither
    reaches everyone. Returns ``reach``, ``reach_low``, ``reach_high``, ``n`` and ``basis`` (what
    the reach was measured on: ``customers``, ``touchpoints``, ``interactions``, ``stages``,
    ``everyone`` or ``none`` when the data lack the field).
    """
    survey = client.tables["survey"] if client.has("survey") else pd.DataFrame()
    respondents = survey[survey[outcome].notna()] if outcome in survey else survey.iloc[:0]
    weights = respondents["weight"] if "weight" in respondents else None
    stages = (
        client.tables["journey"].set_index("touchpoint_id")["stage"] if client.has("journey") else pd.Series()
    )
    interactions = (
        client.tables["interactions"]["touchpoint_id"].value_counts() if client.has("interactions") else None
    )
    members, basis = {}, {}
    for initiative_id, row in initiatives.iterrows():  # a short table: one mask over the survey each
        customer_fields = {
            field: _listed(row.get(column))
            for column, field in CUSTOMER_TARGETS.items()
            if _listed(row.get(column))
        }
        touchpoints = _listed(row.get("touchpoints"))
        if customer_fields:
            present = all(field in respondents for field in customer_fields)
            basis[initiative_id] = "customers" if present else "none"
            mask = pd.Series(present, index=respondents.index)
            for field, wanted in customer_fields.items():
                mask &= _member_of(respondents[field], wanted) if present else False
        elif touchpoints and "touchpoint_id" in respondents:
            basis[initiative_id], mask = "touchpoints", _member_of(respondents["touchpoint_id"], touchpoints)
        elif touchpoints and interactions is not None:
            basis[initiative_id] = "interactions"
            mask = None
        elif touchpoints and "stage" in respondents and len(stages):
            touched_stages = stages.reindex(touchpoints).dropna().tolist()
            basis[initiative_id], mask = "stages", _member_of(respondents["stage"], touched_stages)
        else:
            basis[initiative_id], mask = ("everyone" if not touchpoints else "none"), None
        if mask is not None:
            members[initiative_id] = mask.to_numpy(dtype=bool)
    reach = (
        forecast.reach_shares(pd.DataFrame(members, index=respondents.index), weights)
        if members and len(respondents)
        else pd.DataFrame(columns=["reach", "reach_low", "reach_high", "n"], dtype=float)
    )
    for initiative_id in [key for key, kind in basis.items() if kind == "interactions"]:  # a few at most
        volume = interactions.reindex(_listed(initiatives.at[initiative_id, "touchpoints"])).fillna(0).sum()
        total = interactions.sum()
        low, high = wilson_interval(volume, total)
        reach.loc[initiative_id] = [volume / total, float(low), float(high), total]
    reach = reach.reindex(initiatives.index)
    kinds = pd.Series(basis).reindex(reach.index)
    reach.loc[kinds.eq("everyone"), ["reach", "reach_low", "reach_high"]] = 1.0
    return reach.assign(n=reach["n"].fillna(len(respondents)), basis=kinds)


def staff_reach(client: Client, initiatives: pd.DataFrame) -> pd.DataFrame:
    """Each initiative's reach among employees: the share of the employee survey's respondents in
    the roles it names (``roles``; everyone when it names none), with its Wilson interval
    (:func:`forecast.reach_shares`). Missing without an employee survey giving roles."""
    columns = list(STAFF_REACH)
    if not client.has("employees") or "role" not in client.tables["employees"]:
        return pd.DataFrame(np.nan, index=initiatives.index, columns=columns)
    roles = client.tables["employees"]["role"]
    members = pd.DataFrame(
        {
            initiative_id: _member_of(roles, _listed(wanted)) if _listed(wanted) else roles.notna()
            for initiative_id, wanted in initiatives["roles"].items()
        }
        if "roles" in initiatives
        else {initiative_id: roles.notna() for initiative_id in initiatives.index},
        index=roles.index,
    )
    shares = forecast.reach_shares(members[roles.notna()])
    return shares[["reach", "reach_low", "reach_high"]].set_axis(columns, axis=1)


def pillar_model(diagnosis: dict | None, require_link: bool = True) -> pd.DataFrame:
    """The pillars the diagnosis measured with a gap and an impact slope, gaps below 0 read as 0.

    With ``require_link``, empty when the diagnosis found no driver of the outcome (its model does
    not explain it), so the plan claims no outcome points where the data show no link.
    """
    pillars = results_frame((diagnosis or {}).get("pillars"))
    unlinked = require_link and not (diagnosis or {}).get("explains")
    if pillars.empty or "slope" not in pillars or unlinked:
        return pd.DataFrame(columns=["current", "gap", "slope", "slope_low", "slope_high"], dtype=float)
    model = pillars.dropna(subset=["gap", "slope"])[["current", "gap", "slope", "slope_low", "slope_high"]]
    return model.astype(float).assign(gap=lambda frame: frame["gap"].clip(lower=0))


def closure_matrix(plan: pd.DataFrame, pillars: pd.DataFrame) -> np.ndarray:
    """Initiatives × pillars: the effect code halved (+2 → 1, +1 → 0.5) where an initiative touches
    the pillar, else 0; times a scenario's share it is the share of the gap it closes among the
    customers it reaches."""
    return np.array(
        [[closures.get(pillar, 0.0) for pillar in pillars.index] for closures in plan["closures"]],
        dtype=float,
    ).reshape(len(plan), len(pillars))


def closed_shares(
    plan: pd.DataFrame,
    pillars: pd.DataFrame,
    progress: np.ndarray | float = 1.0,
    scenario: str = "central",
    reach: str = "reach",
) -> np.ndarray:
    """Share of each pillar's whole gap each initiative closes (initiatives × pillars): its ``reach``
    column × its ``closure`` in the ``scenario`` (:func:`closure_scenarios`) × the effect code
    halved × the ramp-up reached (``progress``, one per initiative or one for all)."""
    effect = closure_matrix(plan, pillars) * np.broadcast_to(np.asarray(progress, float), len(plan))[:, None]
    closure = closure_scenarios(plan["closure"].to_numpy(float))[scenario]
    return (plan[reach].to_numpy(float) * closure)[:, None] * effect


def scenario_shares(
    plan: pd.DataFrame, pillars: pd.DataFrame, progress: np.ndarray | float = 1.0
) -> dict[str, np.ndarray]:
    """:func:`closed_shares` per scenario, with the reach's interval: its low bound in the low
    scenario, its high bound in the high one."""
    return {
        scenario: closed_shares(plan, pillars, progress, scenario, column)
        for scenario, column in (("central", "reach"), ("low", "reach_low"), ("high", "reach_high"))
    }


def slope_bounds(pillars: pd.DataFrame) -> dict[str, np.ndarray]:
    """The pillars' impact slopes and their interval bounds, as :func:`forecast.outcome_points` reads them."""
    return {
        "slope": pillars["slope"].to_numpy(),
        "low": pillars["slope_low"].to_numpy(),
        "high": pillars["slope_high"].to_numpy(),
    }


def evaluate(
    client: Client, diagnosis: dict | None, participation: dict | None, journey: dict | None
) -> pd.DataFrame:
    """One row per initiative: reach (measured, declared and used), time to full effect, the
    outcome points it adds alone at full effect with their interval, cost per point, office and flags.

    ``impact`` is missing (not 0) when the diagnosis found no driver: the plan then claims nothing.
    """
    initiatives = client.tables["initiatives"].set_index("initiative_id")
    outcome = (diagnosis or {}).get("impact_outcome") or "nps"
    measured = measured_reach(client, initiatives, outcome)
    declared = initiatives["reach"] if "reach" in initiatives else pd.Series(np.nan, index=initiatives.index)
    column = partial(_column, initiatives)
    plan = pd.DataFrame(
        {
            "name": initiatives["name"],
            "cost": initiatives["cost"],
            "effort": column("effort"),
            "duration": column("duration_months"),
            "wave": column("wave"),
            "owner": column("owner"),
            "kpi": column("kpi"),
            "pillars": initiatives["pillars"].map(_listed),
            "touchpoints": initiatives["touchpoints"].map(_listed),
            "closures": initiatives.apply(
                lambda row: {
                    pillar: max(float(row.get("effect_external") or 0), 0.0) / 2
                    for pillar in _listed(row.get("pillars"))
                },
                axis=1,
            ),
            "effect_internal": column("effect_internal"),
            "reach_measured": measured["reach"],
            "reach_measured_low": measured["reach_low"],
            "reach_measured_high": measured["reach_high"],
            "reach_n": measured["n"],
            "reach_basis": measured["basis"],
            "reach_declared": declared.astype(float),
            "months_to_effect": column("months_to_effect")
            .astype(float)
            .fillna(forecast.DEFAULT_MONTHS_TO_EFFECT),
            "value_per_point": column("value_per_point").astype(float),
            "value_low": column("value_per_point").astype(float),
            "value_high": column("value_per_point").astype(float),
            "value_source": column("value_source"),
            "closure": CENTRAL_CLOSURE,
        }
    )
    plan = plan.join(staff_reach(client, initiatives)).join(
        _flags(initiatives, client, participation, journey)
    )
    return assign_waves(assess(used_reach(plan), diagnosis))


def assign_waves(evaluation: pd.DataFrame) -> pd.DataFrame:
    """``evaluation`` (ranked by :func:`assess`) with each initiative's ``wave`` and ``wave_source``.

    An initiative without an experience case is not scheduled (``wave`` missing, ``wave_source``
    ``unscheduled``) until it has one, as seed 002 asks. A wave declared in the initiatives table
    is the consultant's decision and is kept (``declared``; :func:`sequencing_conflicts` checks
    it). The others are derived (``derived``) by effect per cost within capacity: in the order of
    :func:`assess` (points per unit of cost, best first), into the first wave with room, a wave
    holding at most an equal share of the scheduled initiatives (``ceil(n / 3)``, declared ones
    included); what does not fit goes to the last wave."""
    unscheduled = evaluation["no_experience_case"].astype(bool)
    declared = evaluation["wave"].notna() & ~unscheduled
    open_ = (evaluation["wave"].isna() & ~unscheduled).to_numpy()
    capacity = -(-int((~unscheduled).sum()) // len(WAVES))
    taken = evaluation.loc[declared, "wave"].astype(int).value_counts()
    free = [max(capacity - int(taken.get(wave, 0)), 0) for wave in WAVES]
    slots = np.concatenate([np.repeat(WAVES, free), np.full(int(open_.sum()), WAVES[-1])])
    wave = evaluation["wave"].astype(float).where(~unscheduled)
    wave[open_] = slots[: int(open_.sum())]
    source = np.select([unscheduled, declared], ["unscheduled", "declared"], "derived")
    return evaluation.assign(wave=wave, wave_source=source)


def sequencing_conflicts(evaluation: pd.DataFrame) -> pd.DataFrame:
    """Pairs of scheduled initiatives where a later wave holds one with clearly more effect per cost
    than one in an earlier wave: the later one's points per million of cost at the low end of its
    interval exceed the earlier one's at the high end (the intervals do not overlap). Columns
    ``later``, ``later_wave``, ``earlier``, ``earlier_wave`` (names) and each one's points per
    million ``[central, low, high]`` (``later_ratio``, ``earlier_ratio``); empty when none."""
    scheduled = evaluation[evaluation["wave"].notna() & (evaluation["cost"] > 0)]
    scheduled = scheduled.dropna(subset=["impact", "impact_low", "impact_high"])
    ratios = scheduled[["impact", "impact_low", "impact_high"]].to_numpy(float) / (
        scheduled["cost"].to_numpy(float)[:, None] / 1e6
    )
    wave = scheduled["wave"].to_numpy(float)
    later, earlier = np.nonzero(
        (wave[:, None] > wave[None, :]) & (ratios[:, 1][:, None] > ratios[:, 2][None, :])
    )
    return pd.DataFrame(
        {
            "later": scheduled["name"].to_numpy()[later],
            "later_wave": wave[later].astype(int),
            "later_ratio": list(ratios[later]),
            "earlier": scheduled["name"].to_numpy()[earlier],
            "earlier_wave": wave[earlier].astype(int),
            "earlier_ratio": list(ratios[earlier]),
        }
    )


def sequencing_facts(evaluation: pd.DataFrame, t: Translator) -> list[dict[str, str]]:
    """One consultant check per initiative that :func:`sequencing_conflicts` finds in a later wave
    than initiatives it clearly beats, naming them, where both waves were declared (the
    consultant's decision; derived waves follow effect per cost already), for
    ``plan.check.sequencing``."""
    declared = evaluation.loc[evaluation["wave_source"].eq("declared"), "name"]
    conflicts = sequencing_conflicts(evaluation)
    conflicts = conflicts[conflicts["later"].isin(declared) & conflicts["earlier"].isin(declared)]
    return [
        {
            "later": later,
            "later_wave": t.number(pairs["later_wave"].iloc[0]),
            "later_ratio": t.interval(*pairs["later_ratio"].iloc[0], 2),
            "earlier": "; ".join(
                t("plan.check.sequencing_earlier", name=row.earlier, wave=t.number(row.earlier_wave))
                + f" {t.interval(*row.earlier_ratio, 2)}"
                for row in pairs.itertuples()
            ),
        }
        for later, pairs in conflicts.groupby("later", sort=False)
    ]


def used_reach(plan: pd.DataFrame) -> pd.DataFrame:
    """``plan`` with the reach the forecast uses (:data:`REACH_COLUMNS`): the declared reach where
    there is one (the consultant's assumption, without interval), else the measured one with its."""
    declared = plan["reach_declared"].notna()
    return plan.assign(
        reach=plan["reach_declared"].fillna(plan["reach_measured"]),
        reach_low=np.where(declared, plan["reach_declared"], plan["reach_measured_low"]),
        reach_high=np.where(declared, plan["reach_declared"], plan["reach_measured_high"]),
    )


def assess(plan: pd.DataFrame, diagnosis: dict | None) -> pd.DataFrame:
    """``plan`` with the outcome points each initiative adds alone at full effect (``impact``,
    ``impact_low``, ``impact_high``: reach × closure × gap × slope, :func:`forecast.standalone_points`)
    and ``impact_per_million`` of cost, sorted by it. Missing (not 0) without a reach or when the
    diagnosis found no driver."""
    pillars = pillar_model(diagnosis)
    plan = plan.assign(impact=np.nan, impact_low=np.nan, impact_high=np.nan)
    if len(pillars):
        shares = scenario_shares(plan.assign(**{c: plan[c].fillna(0) for c in REACH_COLUMNS}), pillars)
        plan[["impact", "impact_low", "impact_high"]] = forecast.standalone_points(
            shares, pillars["gap"].to_numpy(), slope_bounds(pillars)
        )
        plan.loc[plan["reach"].isna(), ["impact", "impact_low", "impact_high"]] = np.nan
    plan["impact_per_million"] = plan["impact"] / plan["cost"].where(plan["cost"] > 0) * 1e6
    return plan.sort_values("impact_per_million", ascending=False, na_position="last")


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column of ``frame``, or an empty one when the client did not give it."""
    return frame[name] if name in frame else pd.Series(np.nan, index=frame.index, dtype=object)


def decomposition(plan: pd.DataFrame, pillars: pd.DataFrame, progress: pd.Series) -> pd.DataFrame:
    """One row per initiative and pillar it touches: reach × gap closed among the reached customers
    (pillar points, central scenario) × slope × ramp-up reached (``progress``, per initiative) =
    outcome points, with the points' low and high bounds as in :func:`forecast.outcome_points`."""
    touched = pd.DataFrame(closure_matrix(plan, pillars), index=plan.index, columns=pillars.index).stack()
    touched = touched[touched > 0].rename("effect").reset_index()
    touched.columns = ["initiative_id", "pillar", "effect"]
    rows = touched.join(
        plan[["name", *REACH_COLUMNS, *MEASURED_REACH, "reach_declared", "closure"]], on="initiative_id"
    )
    rows = rows[rows["reach"].notna()].join(pillars, on="pillar")
    rows["ramp"] = progress.reindex(rows["initiative_id"]).to_numpy()
    rows["position"] = plan.index.get_indexer(rows["initiative_id"])
    closed = {
        scenario: rows["gap"] * share * rows["effect"]
        for scenario, share in closure_scenarios(rows["closure"].to_numpy(float)).items()
    }
    return _line_points(rows, closed)


def _line_points(rows: pd.DataFrame, closed: dict[str, pd.Series]) -> pd.DataFrame:
    """``rows`` with ``gap_closed`` (the ``closed`` points among those reached, central) and the
    outcome points reach × closed × slope × ramp, central, and its low and high bounds: per row the
    smallest and largest product of the low or high scenario (with the reach's bound) and either
    slope bound, as :func:`forecast.outcome_points` bounds a set."""
    rows["gap_closed"] = closed["central"]
    rows["points"] = rows["reach"] * closed["central"] * rows["slope"] * rows["ramp"]
    products = np.stack(
        [
            rows[reach] * closed[scenario] * rows[bound] * rows["ramp"]
            for scenario, reach in (("low", "reach_low"), ("high", "reach_high"))
            for bound in ("slope_low", "slope_high")
        ]
    )
    rows["points_low"], rows["points_high"] = products.min(axis=0), products.max(axis=0)
    return rows


def internal_link(value_chain: dict | None, outcome: str) -> dict | None:
    """The EX → CX link the human value chain measured across units (:mod:`cxlib.steps.human_value_chain`
    publishes it), as the internal effect goes through it; ``None`` when there is none to go
    through: no link measured (no employee survey, too few units), its correlation's or its slope's
    interval includes 0 (as on a shuffled outcome), or the plan's outcome is not the one it was
    measured on (customer NPS)."""
    link = (value_chain or {}).get("ex_cx") or {}
    if outcome != "nps" or not (link.get("finding") and link.get("slope_finding")):
        return None
    return {
        key: link[key] for key in ("slope", "slope_low", "slope_high", "ex_mean", "ex_benchmark", "n")
    } | {"measure": value_chain["ex_measure"]}


def internal_lines(plan: pd.DataFrame, link: dict | None, progress: pd.Series) -> pd.DataFrame:
    """One line per initiative declaring an internal effect (``effect_internal``, −2..+2, on
    employees and internal customers; seed 002 asks to weigh it), in the units of
    :func:`decomposition`: the share of employees it reaches (:func:`staff_reach`) × the points of
    the EX measure it moves among them × the link's slope (outcome points per EX point, with its
    interval) × ramp-up = outcome points. An effect code of ±2 moves EX by the initiative's closure
    share of the room the units leave (the best-quartile unit's EX less the units' mean), ±1 half
    that, signed: a negative effect lowers EX. Without a ``link`` (:func:`internal_link`) the line
    has no points: the declared internal effect is shown unquantified (``quantified`` false)."""
    effect = pd.to_numeric(plan["effect_internal"], errors="coerce")
    rows = plan.loc[effect.fillna(0).ne(0), ["name", "closure", *STAFF_REACH]].rename(
        columns=dict(zip(STAFF_REACH, REACH_COLUMNS, strict=True))
    )
    rows = rows.assign(
        effect_internal=effect,
        ramp=progress.reindex(rows.index),
        position=plan.index.get_indexer(rows.index),
        quantified=link is not None,
        measure=(link or {}).get("measure"),
    )
    if link is None:
        missing = ["gap_closed", "slope", "slope_low", "slope_high", "points", "points_low", "points_high"]
        return rows.assign(**dict.fromkeys(missing, np.nan))
    room = max(link["ex_benchmark"] - link["ex_mean"], 0.0)
    rows = rows.assign(slope=link["slope"], slope_low=link["slope_low"], slope_high=link["slope_high"])
    moved = {
        scenario: rows["effect_internal"] / 2 * share * room
        for scenario, share in closure_scenarios(rows["closure"].to_numpy(float)).items()
    }
    return _line_points(rows, moved)


def evaluation_table(evaluation: pd.DataFrame, outcome: str, currency: str, t: Translator) -> pd.DataFrame:
    """The evaluation for the report: impact with interval, cost, ratio and flags."""
    flags = []
    for row in evaluation.itertuples():
        marks = [t("plan.flag.no_case")] if row.no_experience_case else []
        marks += [t("plan.flag.capacity")] if row.loads_capacity else []
        marks += [t("plan.flag.alarm")] if row.touches_alarm else []
        marks += [t("plan.flag.moment")] if row.touches_moment else []
        flags.append("; ".join(marks) or "–")
    return pd.DataFrame(
        {
            t("plan.col.initiative"): evaluation["name"].to_numpy(),
            t("plan.col.pillars"): [
                ", ".join(t(f"pillar.{p}") for p in pillars) or "–" for pillars in evaluation["pillars"]
            ],
            t("plan.col.impact", outcome=t(f"metric.{outcome}")): [
                t.interval(v, lo, hi)
                for v, lo, hi in zip(
                    evaluation["impact"], evaluation["impact_low"], evaluation["impact_high"], strict=True
                )
            ],
            t("plan.col.reach"): [t.percent(share, 1) for share in evaluation["reach"]],
            t("plan.col.months_to_effect"): [t.number(months) for months in evaluation["months_to_effect"]],
            t("plan.col.cost"): [t.money(c, currency) for c in evaluation["cost"]],
            t("plan.col.ratio"): [
                t.number(r, 2) if pd.notna(r) else "–" for r in evaluation["impact_per_million"]
            ],
            t("plan.col.wave"): [
                int(w) if pd.notna(w) else t("plan.not_scheduled") for w in evaluation["wave"]
            ],
            t("plan.col.flags"): flags,
        }
    )


def priority_chart(evaluation: pd.DataFrame, outcome: str, currency: str, t: Translator) -> go.Figure:
    """Impact (with interval) against cost; bubble size is effort, red marks no experience case."""
    colours = np.where(
        evaluation["no_experience_case"],
        "#C0392B",
        np.where(evaluation["loads_capacity"], ACCENT, PRIMARY),
    ).tolist()
    effort = evaluation["effort"].fillna(3).astype(float)
    figure = go.Figure(
        go.Scatter(
            x=evaluation["cost"],
            y=evaluation["impact"],
            mode="markers+text",
            text=evaluation["name"],
            textposition="top center",
            marker={"size": 10 + 5 * effort, "color": colours, "opacity": 0.8},
            error_y=error_bars(
                evaluation["impact"], evaluation["impact_low"], evaluation["impact_high"], color="#566573"
            ),
            customdata=np.stack(
                [
                    effort.map(t.number),
                    evaluation["wave"].map(t.number),
                    evaluation["cost"].map(lambda cost: t.money(cost, currency)),
                ],
                axis=1,
            ),
            hovertemplate="%{text}<br>%{y:.1f} · %{customdata[2]}<br>"
            + t("plan.col.effort")
            + " %{customdata[0]} · "
            + t("plan.col.wave")
            + " %{customdata[1]}<extra></extra>",
        )
    )
    figure.add_hline(y=evaluation["impact"].median(), line_dash="dot", line_color="#7F8C8D")
    figure.add_vline(x=evaluation["cost"].median(), line_dash="dot", line_color="#7F8C8D")
    figure.update_layout(
        title=t("plan.priority_title", outcome=t(f"metric.{outcome}")),
        xaxis_title=t("plan.cost_axis", currency=currency),
        yaxis_title=t("plan.impact_axis", outcome=t(f"metric.{outcome}")),
        height=560,
    )
    money_log_axis(figure, evaluation["cost"], currency, t)
    return label_points(
        figure,
        list(evaluation["name"]),
        10 + 5 * effort,
        evaluation["impact_low"],
        evaluation["impact_high"],
        key_title=t("plan.col.initiative") + ":",
    )


def schedule(evaluation: pd.DataFrame, plan_start: pd.Timestamp) -> pd.DataFrame:
    """Start and end dates of the initiatives with a wave (:func:`assign_waves`; those without an
    experience case are left out): wave 1 starts at ``plan_start``; each later wave when half of
    the previous wave's initiatives have ended (the waves overlap, as connected fronts are built)."""
    plan = evaluation[evaluation["wave"].notna()].copy()
    plan["wave"] = plan["wave"].astype(int)
    plan["duration"] = plan["duration"].fillna(6).astype(float)
    plan["start_month"] = 0.0
    start = 0.0
    for wave in WAVES:
        members = plan["wave"] == wave
        plan.loc[members, "start_month"] = start
        if members.any():
            start += float(plan.loc[members, "duration"].median())
    plan["start"] = [plan_start + pd.DateOffset(months=int(m)) for m in plan["start_month"]]
    plan["end"] = [
        s + pd.DateOffset(days=int(round(d * 30.4)))
        for s, d in zip(plan["start"], plan["duration"], strict=True)
    ]
    return plan.sort_values(["wave", "start", "office"])


def gantt(plan: pd.DataFrame, t: Translator) -> go.Figure:
    """The roadmap: one bar per initiative, coloured by front, middle or back office, grouped by wave."""
    chart = plan.assign(
        office_label=plan["office"].map(lambda office: t(f"office.{office}")),
        label=[f"{t('plan.col.wave')} {w} · {n}" for w, n in zip(plan["wave"], plan["name"], strict=True)],
    )
    figure = px.timeline(
        chart,
        x_start="start",
        x_end="end",
        y="label",
        color="office_label",
        text="owner",
        category_orders={"office_label": [t(f"office.{o}") for o in OFFICE_ORDER]},
        labels={"office_label": t("value_chain.office_axis"), "label": t("plan.col.initiative")},
        title=t("plan.gantt_title"),
    )
    figure.update_yaxes(autorange="reversed", title_text="")
    # Month names in the report's language: the page's plotly.js config carries its locale.
    figure.update_xaxes(tickformat="%b %Y", title_text=t("plan.month_axis"))
    figure.update_traces(hovertemplate="%{y}<br>%{base|%-d %b %Y} – %{x|%-d %b %Y}<br>%{text}<extra></extra>")
    figure.update_layout(height=max(380, 120 + 40 * len(plan)))
    return with_takeaway(
        figure,
        "plan.takeaway.gantt",
        n=t.number(len(plan)),
        waves=t.number(plan["wave"].nunique()),
        start=t.month(plan["start"].min()),
        end=t.month(plan["end"].max()),
    )


def progress_at(plan: pd.DataFrame, when: pd.Timestamp | pd.Series) -> np.ndarray:
    """Share of its full effect each initiative of a scheduled ``plan`` has reached at ``when`` (one
    date, or one per initiative): :func:`forecast.ramp` from its end date, the go-live."""
    live = (when - plan["end"]).dt.days.to_numpy(float) / forecast.DAYS_PER_MONTH
    return forecast.ramp(live, plan["months_to_effect"].to_numpy(float))


def plan_points(plan: pd.DataFrame, pillars: pd.DataFrame, progress: np.ndarray | float = 1.0) -> np.ndarray:
    """Outcome points of every initiative of ``plan`` with a reach, together, ``[central, low, high]``."""
    usable = plan["reach"].notna().to_numpy()
    progress = np.broadcast_to(np.asarray(progress, float), len(plan))[usable]
    shares = scenario_shares(plan[usable], pillars, progress)
    return forecast.outcome_points(shares, pillars["gap"].to_numpy(), slope_bounds(pillars))


def horizons(plan: pd.DataFrame) -> dict[str, pd.Timestamp]:
    """The dates a forecast is given for: the end of each wave, when its initiatives and every
    earlier wave's have gone live, and ``full``, when every initiative has reached its full effect."""
    ends = plan.groupby("wave")["end"].max().reindex(list(WAVES)).cummax().dropna()
    full = plan["end"] + pd.to_timedelta(plan["months_to_effect"] * forecast.DAYS_PER_MONTH, unit="D")
    return {str(wave): end for wave, end in ends.items() if (plan["wave"] == wave).any()} | {
        "full": full.max().ceil("D")  # the day the last one reaches its full effect, not the one before
    }


def wave_predictions(plan: pd.DataFrame, diagnosis: dict | None, outcome: str) -> dict[str, list[float]]:
    """The outcome expected at each horizon (:func:`horizons`), ``[central, low, high]``, on the
    outcome's scale: the headline value plus the points of every initiative by the ramp-up it has
    reached by then. The range carries both uncertainties, added bound to bound (conservative): the
    headline's own interval (today's level is measured on a sample) and the plan's low and high
    scenarios, so a forecast is never narrower than the measurement it starts from. Empty when the
    diagnosis found no driver of the outcome."""
    pillars = pillar_model(diagnosis)
    measured = ((diagnosis or {}).get("metrics") or {}).get(outcome, {})
    if measured.get("value") is None or pillars.empty:
        return {}
    base = np.array(
        [measured["value"], measured.get("low", measured["value"]), measured.get("high", measured["value"])]
    )
    low_bound, high_bound = OUTCOME_BOUNDS.get(outcome, (-np.inf, np.inf))
    return {
        horizon: np.clip(
            base + plan_points(plan, pillars, progress_at(plan, when)), low_bound, high_bound
        ).tolist()
        for horizon, when in horizons(plan).items()
    }


def wave_table(plan: pd.DataFrame, diagnosis: dict | None, outcome: str, t: Translator) -> pd.DataFrame:
    """Per wave: dates, initiatives, offices, owners, KPIs, and the pillar and outcome targets reached
    by the end of the wave with the ramp-up reached by then (current score plus the gaps closed so
    far, never beyond the target)."""
    gaps = pillar_model(diagnosis, require_link=False)
    predictions = wave_predictions(plan, diagnosis, outcome)
    ends = horizons(plan)
    rows = []
    for wave in WAVES:
        members = plan[plan["wave"] == wave]
        if members.empty:
            continue
        usable = plan["reach"].notna().to_numpy()
        progress = progress_at(plan[usable], ends[str(wave)])
        closed = (
            forecast.union(scenario_shares(plan[usable], gaps, progress)["central"]) * gaps["gap"].to_numpy()
        )
        places = DECIMALS["pillar"]
        targets = [
            f"{t('pillar.' + pillar)} {t.number(current, places)} → {t.number(current + points, places)}"
            for pillar, current, points in zip(gaps.index, gaps["current"], closed, strict=True)
            if points > 0
        ]
        outcome_target = t.interval(*predictions[str(wave)]) if str(wave) in predictions else "–"
        rows.append(
            {
                t("plan.col.wave"): wave,
                t("plan.col.dates"): f"{t.month(members['start'].min())} – {t.month(members['end'].max())}",
                t("plan.col.initiatives"): ", ".join(members["name"]),
                t("plan.col.offices"): ", ".join(
                    t(f"office.{o}") for o in OFFICE_ORDER if o in set(members["office"])
                ),
                t("plan.col.owners"): ", ".join(sorted(set(members["owner"].dropna()))),
                t("plan.col.kpis"): ", ".join(members["kpi"].dropna()),
                t("plan.col.pillar_targets"): "; ".join(targets) or "–",
                t("plan.col.outcome_target", outcome=t(f"metric.{outcome}")): outcome_target,
            }
        )
    return pd.DataFrame(rows)


def _unsigned_zero(values: list[float], decimals: int) -> np.ndarray:
    """``values`` rounded to ``decimals``, a figure that rounds to zero written without a sign
    (a negative effect at 0 % of its ramp-up is 0.00, not -0.00)."""
    return np.round(np.asarray(values, float), decimals) + 0.0


def decomposition_table(
    rows: pd.DataFrame, outcome: str, t: Translator, internal: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The decomposition for the report, one line per initiative and pillar: reach (the consultant's
    assumption beside the measured one when both exist), pillar points closed among the reached
    customers, slope with its interval, ramp-up reached, and the outcome points with their interval.
    Each initiative's internal effect (``internal``, :func:`internal_lines`) follows as a line of its
    own: employees reached, points of the EX measure moved, the EX → CX slope, and the points, or
    "not quantified" with the declared effect where no link was measured."""
    measured = rows["reach_measured"].map(lambda share: t.percent(share, 1))
    reach = np.where(
        rows["reach_declared"].notna(),
        [
            t("plan.reach_declared", declared=t.percent(declared, 1), measured=shown)
            for declared, shown in zip(rows["reach_declared"], measured, strict=True)
        ],
        [
            f"{shown} {t.bounds(low, high, 1, percent=True)}"
            for shown, low, high in zip(
                measured, rows["reach_measured_low"], rows["reach_measured_high"], strict=True
            )
        ],
    )
    lines = [
        _decomposition_lines(
            rows,
            [t(f"pillar.{pillar}") for pillar in rows["pillar"]],
            reach,
            [t.number(points, 1) for points in rows["gap_closed"]],
            [
                t.interval(*_unsigned_zero([p, lo, hi], 2), 2)
                for p, lo, hi in rows[["points", "points_low", "points_high"]].to_numpy()
            ],
            outcome,
            t,
        )
    ]
    if internal is not None and len(internal):
        lines.append(
            _decomposition_lines(
                internal,
                [t("plan.internal_line")] * len(internal),
                [
                    t("plan.staff_reach", reach=t.interval(share, low, high, 1, percent=True))
                    for share, low, high in internal[["reach", "reach_low", "reach_high"]].to_numpy()
                ],
                [
                    f"{t.number(points, 1)} · {t(f'value_chain.measure.{measure}')}" if quantified else "–"
                    for points, measure, quantified in internal[
                        ["gap_closed", "measure", "quantified"]
                    ].to_numpy()
                ],
                [
                    t.interval(*_unsigned_zero([p, lo, hi], 2), 2)
                    if quantified
                    else t("plan.internal_unquantified", effect=f"{effect:+.0f}".replace("-", "−"))
                    for p, lo, hi, effect, quantified in internal[
                        ["points", "points_low", "points_high", "effect_internal", "quantified"]
                    ].to_numpy()
                ],
                outcome,
                t,
            )
        )
    table = pd.concat(lines, ignore_index=True).sort_values("position", kind="stable")
    return table.drop(columns="position").reset_index(drop=True)


def _decomposition_lines(
    rows: pd.DataFrame,
    measure: list[str],
    reach: list[str] | np.ndarray,
    moved: list[str],
    points: list[str],
    outcome: str,
    t: Translator,
) -> pd.DataFrame:
    """The decomposition table's columns for ``rows`` (pillar or internal lines), with the
    initiative's ``position`` in the plan to interleave them."""
    return pd.DataFrame(
        {
            t("plan.col.initiative"): rows["name"].to_numpy(),
            t("plan.col.pillar"): measure,
            t("plan.col.reach"): reach,
            t("plan.col.gap_closed"): moved,
            t("plan.col.slope", outcome=t(f"metric.{outcome}")): [
                t.interval(s, lo, hi, 2)
                for s, lo, hi in rows[["slope", "slope_low", "slope_high"]].to_numpy()
            ],
            t("plan.col.ramp"): [t.percent(share) for share in rows["ramp"]],
            t("plan.col.points", outcome=t(f"metric.{outcome}")): points,
            "position": rows["position"].to_numpy(),
        }
    )


def internal_text(link: dict | None, outcome: str, t: Translator) -> tuple[str, dict[str, str]]:
    """The sentence under the decomposition on its internal lines: the EX → CX link they go
    through, with its slope, interval and units, and that they are not added to the waves'
    forecast; or, without a link, why they are not quantified."""
    if link is None:
        return "plan.internal_none_text", {"outcome": t(f"metric.{outcome}")}
    return "plan.internal_text", {
        "outcome": t(f"metric.{outcome}"),
        "measure": t(f"value_chain.measure.{link['measure']}"),
        "slope": t.interval(link["slope"], link["slope_low"], link["slope_high"], 2),
        "n": t.number(link["n"]),
        "room": t.number(max(link["ex_benchmark"] - link["ex_mean"], 0.0), 1),
    }


def reach_range(plan: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The low and high reach of each initiative for the sensitivity, a range of its own (not a
    multiple of the forecast, which the closure already scales): the Wilson interval of the measured
    reach (Wilson 1927, on Kish's effective n; :func:`measured_reach`) where the forecast uses it;
    for a declared reach, the range between the declared and the measured reach, or, where nothing
    was measured, the declared reach halved and 1.5 times (at most everyone)."""
    declared, measured = plan["reach_declared"], plan["reach_measured"]
    ends = {
        "low": np.where(measured.notna(), np.fmin(declared, measured), declared * 0.5),
        "high": np.where(measured.notna(), np.fmax(declared, measured), np.minimum(declared * 1.5, 1.0)),
    }
    low, high = (
        pd.Series(np.where(declared.isna(), plan[f"reach_measured_{side}"], ends[side]), index=plan.index)
        for side in ("low", "high")
    )
    return low, high


def sensitivity(plan: pd.DataFrame, diagnosis: dict | None, outcome: str) -> pd.DataFrame:
    """The forecast at the last wave's end, central, when one assumption at a time moves to its low
    and high value: reach to the ends of its range (:func:`reach_range`), time to full effect doubled
    or halved, the low or high closure scenario, the slopes' lower or upper bounds. Rows sorted by
    swing; ``attrs["base"]`` holds the forecast as configured. Empty without a driver of the outcome."""
    pillars = pillar_model(diagnosis)
    base = ((diagnosis or {}).get("metrics") or {}).get(outcome, {}).get("value")
    if base is None or pillars.empty:
        return pd.DataFrame(columns=["assumption", "low", "high"])
    when = max(day for key, day in horizons(plan).items() if key != "full")
    gaps = pillars["gap"].to_numpy()

    def central(variant: pd.DataFrame, closure: str = "central", slope: str = "slope") -> float:
        usable = variant[variant["reach"].notna()]
        shares = closed_shares(usable, pillars, progress_at(usable, when), closure)
        bounds = np.clip(
            base + (forecast.union(shares) * gaps * pillars[slope].to_numpy()).sum(),
            *OUTCOME_BOUNDS.get(outcome, (-np.inf, np.inf)),
        )
        return float(bounds)

    reach_low, reach_high = reach_range(plan)
    timed = {scale: plan.assign(months_to_effect=plan["months_to_effect"] * scale) for scale in (2.0, 0.5)}
    table = pd.DataFrame(
        [
            ("reach", central(plan.assign(reach=reach_low)), central(plan.assign(reach=reach_high))),
            ("months_to_effect", central(timed[2.0]), central(timed[0.5])),
            ("closure", central(plan, closure="low"), central(plan, closure="high")),
            ("slope", central(plan, slope="slope_low"), central(plan, slope="slope_high")),
        ],
        columns=["assumption", "low", "high"],
    )
    table = table.iloc[(table["high"] - table["low"]).abs().argsort()[::-1]].reset_index(drop=True)
    table.attrs.update({"base": central(plan), "when": when})
    return table


def tornado_chart(table: pd.DataFrame, outcome: str, t: Translator) -> go.Figure:
    """The sensitivity as a tornado: one bar per assumption from its low to its high value's
    forecast, around the forecast as configured, widest swing on top."""
    base = table.attrs["base"]
    labels = [t(f"plan.assumption.{name}") for name in table["assumption"]]
    figure = go.Figure()
    for side, colour in (("low", ACCENT), ("high", PRIMARY)):
        figure.add_trace(
            go.Bar(
                y=labels,
                x=table[side] - base,
                base=base,
                orientation="h",
                marker_color=colour,
                name=t(f"plan.assumption_{side}"),
                hovertemplate="%{y}: %{x:.1f}<extra></extra>",
            )
        )
    figure.add_vline(x=base, line_color="#566573")
    figure.update_layout(
        barmode="overlay",
        title=t("plan.tornado_title", outcome=t(f"metric.{outcome}"), date=t.month(table.attrs["when"])),
        xaxis_title=t("plan.tornado_axis", outcome=t(f"metric.{outcome}")),
        yaxis={"autorange": "reversed"},
        height=360,
    )
    widest = table.iloc[0]
    return with_takeaway(
        figure,
        "plan.takeaway.tornado",
        assumption=t(f"plan.assumption.{widest['assumption']}"),
        low=t.number(widest["low"], 1),
        high=t.number(widest["high"], 1),
        base=t.number(base, 1),
    )


def valued(plan: pd.DataFrame, value_chain: dict | None, outcome: str, t: Translator) -> pd.DataFrame:
    """``plan`` with the value of one outcome point where the consultant declared none: the value
    the human value chain measured across units (:func:`cxlib.steps.human_value_chain.point_value`,
    NPS only), with its interval and its source named; a declared value always wins."""
    measured = (value_chain or {}).get("point_value")
    if not measured or outcome != "nps":
        return plan
    open_ = plan["value_per_point"].isna()
    source = t("plan.value_from_units", units=t.number(measured["units"], 0))
    return plan.assign(
        value_per_point=plan["value_per_point"].where(~open_, measured["value"]),
        value_low=plan["value_low"].where(~open_, measured["low"]),
        value_high=plan["value_high"].where(~open_, measured["high"]),
        value_source=plan["value_source"].where(~open_, source),
    )


def returns(plan: pd.DataFrame, horizon_months: int = RETURN_HORIZON_MONTHS) -> pd.DataFrame:
    """Money per initiative with a value of one outcome point (a year's value, declared or measured
    by :func:`valued`, with its source): the yearly benefit at full effect, the return over
    ``horizon_months`` after go-live (benefit accrued along the ramp-up, less cost, over cost) and
    the payback month, each central, low and high from the points' interval and the value's
    (low points at the low value, high at the high). Every initiative also gets its cost per
    expected point (cost over the central, high and low points)."""
    points = plan[["impact", "impact_low", "impact_high"]].to_numpy(float)
    months = np.arange(horizon_months) + 0.5
    accrued = (
        np.cumsum(forecast.ramp(months[None, :], plan["months_to_effect"].to_numpy(float)[:, None]), axis=1)
        / 12
    )  # years of full effect accrued by the end of each month after go-live
    yearly = points * plan[["value_per_point", "value_low", "value_high"]].to_numpy(float)
    cost = plan["cost"].to_numpy(float)[:, None]
    benefit = yearly[:, :, None] * accrued[:, None, :]  # initiatives × (central, low, high) × months
    covered = benefit >= cost[:, :, None]
    payback = np.where(covered.any(axis=2), covered.argmax(axis=2) + 1.0, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_point = np.where(points > 0, cost / points, np.nan)
    frame = pd.DataFrame(index=plan.index)
    for position, suffix in enumerate(("", "_low", "_high")):
        frame[f"benefit{suffix}"] = yearly[:, position]
        frame[f"return{suffix}"] = (benefit[:, position, -1] - cost[:, 0]) / cost[:, 0]
        frame[f"payback{suffix}"] = payback[:, position]
    frame["cost_per_point"], frame["cost_per_point_low"], frame["cost_per_point_high"] = (
        per_point[:, 0],
        per_point[:, 2],
        per_point[:, 1],
    )
    return frame.assign(value_source=plan["value_source"], valued=plan["value_per_point"].notna())


def money_scale_facts(
    evaluation: pd.DataFrame, value_chain: dict | None, client: Client, outcome: str, t: Translator
) -> dict[str, str] | None:
    """The figures behind the measured value of one point (:func:`valued`), for a consultant check
    (``plan.check.money_scale``) when no initiative valued with it pays back within the horizon:
    the value, the units' yearly revenue and the revenue per customer, so a revenue given in
    thousands or per month is caught before the client reads the returns. ``None`` otherwise."""
    measured = (value_chain or {}).get("point_value")
    units = client.tables.get("units")
    if not measured or outcome != "nps" or units is None or "revenue" not in units:
        return None
    money = returns(evaluation)
    from_units = evaluation["value_source"].eq(
        t("plan.value_from_units", units=t.number(measured["units"], 0))
    )
    if not from_units.any() or (money.loc[from_units, "return"] > 0).any():
        return None
    currency = client.config.currency
    revenue = float(units["revenue"].sum())
    customers = float(units["customers"].sum()) if "customers" in units else np.nan
    return {
        "outcome": t(f"metric.{outcome}"),
        "value": t.money(measured["value"], currency),
        "units": t.number(len(units)),
        "revenue": t.money(revenue, currency),
        "per_customer": t.money(revenue / customers, currency) if customers > 0 else "–",
    }


def money_table(plan: pd.DataFrame, currency: str, t: Translator) -> pd.DataFrame:
    """Money for the report: where a point's value is declared, the yearly benefit, the return and
    the payback with their intervals and the value's source; elsewhere the cost per expected point
    (the texts of :func:`cxlib.render.money.money_cells`, as the deck shows them)."""
    cells = money_cells(returns(plan), currency, RETURN_HORIZON_MONTHS, t)
    return pd.DataFrame(
        {
            t("plan.col.initiative"): plan["name"].to_numpy(),
            t("plan.col.cost_per_point"): cells["cost_per_point"].to_numpy(),
            t("plan.col.benefit"): cells["benefit"].to_numpy(),
            t("plan.col.return", years=RETURN_HORIZON_MONTHS // 12): cells["return"].to_numpy(),
            t("plan.col.payback"): cells["payback"].to_numpy(),
            t("plan.col.value_source"): cells["value_source"].to_numpy(),
        }
    )


def plan_start(client: Client, today: pd.Timestamp | None = None) -> pd.Timestamp:
    """``plan_start`` from client.yaml, else the first day of the month after the run date."""
    if client.config.plan_start is not None:
        return pd.Timestamp(client.config.plan_start)
    return (pd.Timestamp(today or pd.Timestamp.today()) + pd.offsets.MonthBegin(1)).normalize()


def step_results(
    evaluation: pd.DataFrame,
    outcome: str,
    waves: dict[str, list[float]],
    currency: str,
    checked: pd.DataFrame | None = None,
) -> dict:
    """What the action plan publishes: initiatives by impact per cost (in ``currency``) with their
    reach, time to full effect, closures, flags, wave (``None`` when not scheduled: no experience
    case, :func:`assign_waves`) and money (:data:`~cxlib.render.money.MONEY_COLUMNS`, from
    :func:`returns` over ``return_months``), the outcome expected at each horizon
    (``[central, low, high]``; keys are the waves and ``full``), and the back-test against this
    measurement when there is one (:func:`backtest`, by measure)."""
    columns = [
        "name",
        "cost",
        "impact",
        "impact_low",
        "impact_high",
        "impact_per_million",
        "wave",
        "wave_source",
        "no_experience_case",
        "loads_capacity",
        "closures",
        *REACH_COLUMNS,
        "reach_basis",
        "months_to_effect",
        "closure",
    ]
    return {
        "outcome": outcome,
        "currency": currency,
        "initiatives": evaluation[columns]
        .join(returns(evaluation)[list(MONEY_COLUMNS)].drop(columns="value_source"))
        .join(evaluation["value_source"])
        .to_dict(orient="index"),
        "return_months": RETURN_HORIZON_MONTHS,
        "waves": waves,
        "backtest": checked.to_dict(orient="index") if checked is not None else None,
    }


def own_wave_progress(plan: pd.DataFrame) -> pd.Series:
    """Share of its full effect each initiative of a scheduled ``plan`` reaches by its wave's end."""
    ends = horizons(plan)
    return pd.Series(progress_at(plan, plan["wave"].astype(str).map(ends)), index=plan.index)


def baseline_dir(client: Client, report_dir: Path) -> Path | None:
    """The baseline run's report folder (``baseline`` in client.yaml), holding the baseline's
    diagnosis and plan: its build folder when ``cxwb run`` runs both clients (named by
    :data:`~cxlib.core.paths.BASELINE_BUILD_NAME`), else a folder of that name beside the client
    folder or beside this run's folder; ``None`` when there is none."""
    name = client.config.baseline
    pointer = report_dir / BASELINE_BUILD_NAME
    same_run = [Path(pointer.read_text(encoding="utf-8"))] if pointer.is_file() else []
    candidates = (
        [*same_run, client.directory / name, report_dir.parent / name, report_dir.parent.parent / name]
        if name
        else []
    )
    return next(
        (
            folder
            for folder in candidates
            if all((folder / f"{step}.results.json").is_file() for step in ("01_diagnosis", "05_action_plan"))
        ),
        None,
    )


def done_initiatives(client: Client) -> list[str]:
    """The initiatives marked ``done`` in this measurement's initiatives table."""
    initiatives = client.tables["initiatives"]
    if "done" not in initiatives:
        return []
    return initiatives.loc[initiatives["done"].fillna(False).astype(bool), "initiative_id"].tolist()


def backtest(
    baseline_plan: dict, baseline_diagnosis: dict, changes: pd.DataFrame, done: list[str]
) -> pd.DataFrame:
    """The baseline plan's forecast for the initiatives now ``done``, at full effect, against the
    change measured between the baseline and this measurement (``changes``:
    :func:`cxlib.render.summary.progress`), on the outcome and on every pillar they touch.

    Returns one row per measure (``metric.<outcome>``, ``pillar.<name>``): ``predicted``,
    ``predicted_low``, ``predicted_high``, ``observed``, ``observed_low``, ``observed_high`` and
    ``verdict`` (``consistent`` when the intervals overlap, ``over`` when the measured change is
    below the forecast, ``under`` when above).
    """
    initiatives = results_frame(baseline_plan["initiatives"])
    initiatives = initiatives.loc[initiatives.index.intersection(done)]
    initiatives = initiatives[initiatives["reach"].notna()]
    if "closure" not in initiatives:  # a baseline published before the closure was per initiative
        initiatives = initiatives.assign(closure=CENTRAL_CLOSURE)
    gaps = pillar_model(baseline_diagnosis, require_link=False)
    shares = scenario_shares(initiatives, gaps)
    closed = {scenario: forecast.union(share) * gaps["gap"].to_numpy() for scenario, share in shares.items()}
    predicted = {
        f"pillar.{pillar}": [closed["central"][k], closed["low"][k], closed["high"][k]]
        for k, pillar in enumerate(gaps.index)
        if closed["high"][k] > 0
    }
    linked = pillar_model(baseline_diagnosis)
    if len(linked):
        predicted = {
            f"metric.{baseline_plan['outcome']}": plan_points(initiatives, linked).tolist(),
            **predicted,
        }
    observed = changes.set_index("measure")
    rows = pd.DataFrame.from_dict(
        predicted, orient="index", columns=["predicted", "predicted_low", "predicted_high"]
    )
    rows = rows[rows.index.isin(observed.index)]
    rows[["observed", "observed_low", "observed_high"]] = observed.loc[
        rows.index, ["change", "low", "high"]
    ].to_numpy()
    rows["verdict"] = np.select(
        [rows["observed_high"] < rows["predicted_low"], rows["observed_low"] > rows["predicted_high"]],
        ["over", "under"],
        "consistent",
    )
    return rows


def backtest_table(rows: pd.DataFrame, t: Translator) -> pd.DataFrame:
    """The back-test for the report: measure, predicted and observed change with intervals, verdict."""
    return pd.DataFrame(
        {
            t("plan.col.measure"): [t(measure) for measure in rows.index],
            t("plan.col.predicted"): [
                t.interval(*values)
                for values in rows[["predicted", "predicted_low", "predicted_high"]].to_numpy()
            ],
            t("plan.col.observed"): [
                t.interval(*values)
                for values in rows[["observed", "observed_low", "observed_high"]].to_numpy()
            ],
            t("plan.col.verdict"): [t(f"plan.verdict.{verdict}") for verdict in rows["verdict"]],
        }
    )
