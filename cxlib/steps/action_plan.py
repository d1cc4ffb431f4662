"""Step 05, action plan: initiative evaluation, prioritisation and the three-wave roadmap.

It reads the results the earlier steps published (:mod:`cxlib.results`): pillar gaps and impact
slopes from the diagnosis, the capacity myth from participation, moments of truth and alarms from
the journey.

Predicted impact (in outcome points, e.g. NPS) of a set of initiatives: for every pillar, the share
of its gap the set closes times the pillar's impact slope (:func:`cxlib.steps.diagnosis.impact_slopes`),
summed over pillars. An initiative declaring the strongest external effect (+2) is assumed to close a
share of each touched pillar's gap given by the scenario (:data:`CLOSURE_SCENARIOS`: low, central,
high), +1 half that. Initiatives touching the same pillar combine sub-additively: each closes its
share of what is still open, so together they close ``1 − Π(1 − c_i)`` of the gap, never more than
the whole gap (the independent-effects union of Bliss, C. I. (1939), The toxicity of poisons applied
jointly, *Annals of Applied Biology* 26(3), 585-615). The interval combines the low scenario with the
slopes' lower bounds and the high scenario with their upper bounds, so it widens with the closure
assumption; predictions stay on the outcome's scale (NPS −100..100, shares 0..100).

Seed 002: an investment with no pillar, no touchpoint with a pain point, moment of truth or alarm,
and no declared external effect has no experience case; one that loads fixed human capacity is
flagged against myth 1 of connected strategy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from cxlib.core.i18n import Translator
from cxlib.inputs.client import Client
from cxlib.render.charts import ACCENT, PRIMARY, label_points, money_log_axis, with_takeaway
from cxlib.render.results import frame as results_frame

#: Share of a touched pillar's gap closed by an initiative with the strongest declared external effect
#: (+2), in the low, central and high scenario.
CLOSURE_SCENARIOS = {"low": 0.25, "central": 0.5, "high": 0.75}
#: The scale of each outcome in points (NPS, CSAT top-two-box %, % satisfied).
OUTCOME_BOUNDS = {"nps": (-100.0, 100.0), "csat": (0.0, 100.0), "satisfied": (0.0, 100.0)}
WAVES = (1, 2, 3)
OFFICE_ORDER = ("front", "middle", "back")


def _listed(value) -> list[str]:
    return list(value) if isinstance(value, list) else []


def role_offices(client: Client) -> dict[str, str]:
    """Each role's office (front, middle or back), the most common answer in the employee survey."""
    if not client.has("employees") or "office" not in client.tables["employees"]:
        return {}
    employees = client.tables["employees"].dropna(subset=["role", "office"])
    return employees.groupby("role")["office"].agg(lambda offices: offices.mode().iloc[0]).to_dict()


def evaluate(
    client: Client, diagnosis: dict | None, participation: dict | None, journey: dict | None
) -> pd.DataFrame:
    """One row per initiative: predicted impact with interval, cost ratio, office, and the flags."""
    initiatives = client.tables["initiatives"].set_index("initiative_id")
    pillars = results_frame((diagnosis or {}).get("pillars"))
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
    rows = []
    for initiative_id, row in initiatives.iterrows():
        touched_pillars, touchpoints, roles = (
            _listed(row.get("pillars")),
            _listed(row.get("touchpoints")),
            _listed(row.get("roles")),
        )
        effect = max(float(row.get("effect_external") or 0), 0.0)
        closures = {
            pillar: effect / 2
            for pillar in touched_pillars
            if pillar in pillars.index and pd.notna(pillars.at[pillar, "gap"]) and "slope" in pillars
        }
        impact = combined_impact([closures], pillars)
        relevant = set(touchpoints) & (pained | in_moment | alarmed)
        experience_case = bool(touched_pillars or relevant) and effect > 0
        loads = bool(row.get("loads_human_capacity")) if pd.notna(row.get("loads_human_capacity")) else False
        role_office = [offices[role] for role in roles if role in offices]
        office = (
            pd.Series(role_office).mode().iloc[0]
            if role_office
            else ("front" if set(touchpoints) & human else "back")
        )
        rows.append(
            {
                "initiative_id": initiative_id,
                "name": row["name"],
                "cost": row["cost"],
                "effort": row.get("effort"),
                "duration": row.get("duration_months"),
                "wave": row.get("wave"),
                "owner": row.get("owner"),
                "kpi": row.get("kpi"),
                "pillars": touched_pillars,
                "touchpoints": touchpoints,
                "closures": closures,
                "office": office,
                "impact": impact[0],
                "impact_low": impact[1],
                "impact_high": impact[2],
                "impact_per_million": impact[0] / row["cost"] * 1e6 if row["cost"] else np.nan,
                "no_experience_case": not experience_case,
                "loads_capacity": loads or (capacity_risk and bool(set(touchpoints) & human)),
                "touches_alarm": bool(set(touchpoints) & alarmed),
                "touches_moment": bool(set(touchpoints) & in_moment),
            }
        )
    return pd.DataFrame(rows).set_index("initiative_id").sort_values("impact_per_million", ascending=False)


def closed_shares(closures: list[dict[str, float]], full_closure: float) -> dict[str, float]:
    """Share of each pillar's gap closed by a set of initiatives, sub-additively: each initiative
    (``{pillar: effect / 2}``) closes ``effect / 2 × full_closure`` of what is still open."""
    still_open: dict[str, float] = {}
    for initiative in closures:
        for pillar, effect in initiative.items():
            still_open[pillar] = still_open.get(pillar, 1.0) * (1 - min(effect * full_closure, 1.0))
    return {pillar: 1 - remaining for pillar, remaining in still_open.items()}


def combined_impact(closures: list[dict[str, float]], pillars: pd.DataFrame) -> np.ndarray:
    """Outcome points gained by a set of initiatives: central, low and high.

    Central: the central closure scenario times each pillar's slope. Low and high: per pillar, the
    smallest and largest product of the low or high scenario's closed points with the slope's
    interval bounds, summed over pillars (conservative).
    """
    central, low, high = (
        closed_shares(closures, CLOSURE_SCENARIOS[name]) for name in ("central", "low", "high")
    )
    impact = np.zeros(3)
    for pillar in central:
        gap = max(pillars.at[pillar, "gap"], 0.0)
        slope, slope_low, slope_high = pillars.loc[pillar, ["slope", "slope_low", "slope_high"]].astype(float)
        products = [
            gap * share * bound for share in (low[pillar], high[pillar]) for bound in (slope_low, slope_high)
        ]
        impact += (gap * central[pillar] * slope, min(products), max(products))
    return impact


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
            t("plan.col.cost"): [t.money(c, currency) for c in evaluation["cost"]],
            t("plan.col.ratio"): [
                t.number(r, 2) if pd.notna(r) else "–" for r in evaluation["impact_per_million"]
            ],
            t("plan.col.wave"): [int(w) if pd.notna(w) else "–" for w in evaluation["wave"]],
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
            error_y={
                "type": "data",
                "symmetric": False,
                "array": evaluation["impact_high"] - evaluation["impact"],
                "arrayminus": evaluation["impact"] - evaluation["impact_low"],
                "color": "#566573",
            },
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
    """Start and end dates: wave 1 starts at ``plan_start``; each later wave when half of the
    previous wave's initiatives have ended (the waves overlap, as connected fronts are built)."""
    plan = evaluation.copy()
    plan["wave"] = plan["wave"].fillna(1).astype(int)
    plan["duration"] = plan["duration"].fillna(6).astype(float)
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


def wave_predictions(plan: pd.DataFrame, diagnosis: dict | None, outcome: str) -> dict[int, list[float]]:
    """The outcome expected at the end of each wave, ``[central, low, high]``, on the outcome's scale:
    the headline value plus the combined impact of every initiative up to that wave. Empty without
    the diagnosis' gaps and slopes."""
    pillars = results_frame((diagnosis or {}).get("pillars"))
    base = ((diagnosis or {}).get("metrics") or {}).get(outcome, {}).get("value")
    if base is None or pillars.empty or "slope" not in pillars:
        return {}
    low_bound, high_bound = OUTCOME_BOUNDS.get(outcome, (-np.inf, np.inf))
    return {
        wave: np.clip(
            base + combined_impact(list(plan.loc[plan["wave"] <= wave, "closures"]), pillars),
            low_bound,
            high_bound,
        ).tolist()
        for wave in WAVES
        if (plan["wave"] == wave).any()
    }


def wave_table(plan: pd.DataFrame, diagnosis: dict | None, outcome: str, t: Translator) -> pd.DataFrame:
    """Per wave: dates, initiatives, offices, owners, KPIs, and the pillar and outcome targets reached
    by the end of the wave (current score plus the gaps closed so far, capped at the target)."""
    pillars = results_frame((diagnosis or {}).get("pillars"))
    predictions = wave_predictions(plan, diagnosis, outcome)
    rows = []
    for wave in WAVES:
        members = plan[plan["wave"] == wave]
        if members.empty:
            continue
        so_far = list(plan.loc[plan["wave"] <= wave, "closures"])
        targets = []
        for pillar, share in closed_shares(so_far, CLOSURE_SCENARIOS["central"]).items():
            current, gap = pillars.at[pillar, "current"], max(pillars.at[pillar, "gap"], 0.0)
            reached = current + gap * share  # never beyond the target: at most the whole gap closes
            targets.append(f"{t('pillar.' + pillar)} {t.number(current, 0)} → {t.number(reached, 0)}")
        outcome_target = t.interval(*predictions[wave]) if wave in predictions else "–"
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


def plan_start(client: Client, today: pd.Timestamp | None = None) -> pd.Timestamp:
    """``plan_start`` from client.yaml, else the first day of the month after the run date."""
    if client.config.plan_start is not None:
        return pd.Timestamp(client.config.plan_start)
    return (pd.Timestamp(today or pd.Timestamp.today()) + pd.offsets.MonthBegin(1)).normalize()


def step_results(
    evaluation: pd.DataFrame, outcome: str, waves: dict[int, list[float]], currency: str
) -> dict:
    """What the action plan publishes: initiatives by impact per cost (in ``currency``) with their
    flags, and the outcome expected after each wave (``[central, low, high]``)."""
    columns = [
        "name",
        "cost",
        "impact",
        "impact_low",
        "impact_high",
        "impact_per_million",
        "wave",
        "no_experience_case",
        "loads_capacity",
    ]
    return {
        "outcome": outcome,
        "currency": currency,
        "initiatives": evaluation[columns].to_dict(orient="index"),
        "waves": {str(wave): prediction for wave, prediction in waves.items()},
    }
