"""The target journey (seed 004: project the *experiencia meta* from the diagnosis): today's journey
and the journey the plan aims at, stage by stage, with what changes where and which initiative does it.

Each touchpoint's target comes from the consultant, never from a model:

* declared in the ``journey`` table (``target_emotion`` on −2..2, ``target_change`` in words);
* else derived from the plan: the initiatives whose ``touchpoints`` include it and whose declared
  external effect is positive address its pain point, and its target emotion is today's declared
  emotion raised by the strongest such effect (``effect_external``, −2..2), capped at +2;
* else unchanged.

The expected emotion curve is therefore the consultant's target: the report labels it so and never
calls it a forecast (the action plan forecasts outcome points with intervals; this curve has none).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib.core.i18n import Translator
from cxlib.render.charts import ACCENT, interval_line, wrap_category_ticks

#: Colour of the target curve (the plan's green).
TARGET_COLOUR = "#1E8449"
EMOTION_RANGE = (-2.0, 2.0)


def _listed(value: object) -> list[str]:
    return list(value) if isinstance(value, list) else []


def acting_initiatives(initiatives: pd.DataFrame | None) -> pd.DataFrame:
    """One row per (touchpoint, initiative) pair where an initiative with a positive declared external
    effect acts on a touchpoint: ``touchpoint_id``, ``initiative`` (its name) and ``effect``."""
    columns = ["touchpoint_id", "initiative", "effect"]
    if initiatives is None or "touchpoints" not in initiatives:
        return pd.DataFrame(columns=columns)
    effect = (
        initiatives["effect_external"].astype(float)
        if "effect_external" in initiatives
        else pd.Series(np.nan, index=initiatives.index)
    )
    pairs = pd.DataFrame(
        {
            "touchpoint_id": initiatives["touchpoints"].map(_listed),
            "initiative": initiatives["name"],
            "effect": effect,
        }
    ).explode("touchpoint_id")
    return pairs[pairs["touchpoint_id"].notna() & pairs["effect"].gt(0)].reset_index(drop=True)[columns]


def target_touchpoints(journey: pd.DataFrame, initiatives: pd.DataFrame | None) -> pd.DataFrame:
    """Per touchpoint, today and the target: ``emotion`` (declared today), ``target_emotion``,
    ``source`` (``declared``, ``plan`` or ``unchanged``), ``initiatives`` (names acting on it),
    ``pain_point`` and ``pain_addressed``, ``change`` (the declared change, if any) and ``changes``
    (whether the target differs from today at all: :func:`_changes`)."""
    table = journey.set_index("touchpoint_id")
    acting = acting_initiatives(initiatives)
    by_touchpoint = acting.groupby("touchpoint_id")
    names = {touchpoint: [str(name) for name in group] for touchpoint, group in by_touchpoint["initiative"]}
    strongest = by_touchpoint["effect"].max().reindex(table.index)
    today = (
        table["declared_emotion"].astype(float)
        if "declared_emotion" in table
        else pd.Series(np.nan, index=table.index)
    )
    declared = (
        table["target_emotion"].astype(float)
        if "target_emotion" in table
        else pd.Series(np.nan, index=table.index)
    )
    from_plan = (today + strongest).clip(*EMOTION_RANGE)
    target = declared.fillna(from_plan).fillna(today)
    source = np.where(declared.notna(), "declared", np.where(strongest.notna(), "plan", "unchanged"))
    pain = (
        table["pain_point"] if "pain_point" in table else pd.Series(pd.NA, index=table.index, dtype="string")
    )
    change = (
        table["target_change"]
        if "target_change" in table
        else pd.Series(pd.NA, index=table.index, dtype="string")
    )
    addressed = pain.notna() & (strongest.notna() | declared.gt(today))
    return pd.DataFrame(
        {
            "stage": table["stage"],
            "stage_order": table["stage_order"],
            "touchpoint": table["touchpoint"],
            "emotion": today,
            "target_emotion": target,
            "source": source,
            "initiatives": [names.get(touchpoint, []) for touchpoint in table.index],
            "pain_point": pain,
            "pain_addressed": addressed,
            "change": change,
            "changes": _changes(today, target, addressed, change),
        },
        index=table.index,
    )


def _changes(today: pd.Series, target: pd.Series, addressed: pd.Series, change: pd.Series) -> pd.Series:
    """Whether a touchpoint's target differs from today: its emotion moves (by 0.05 or more, half the
    shown precision), a pain point is addressed, or the consultant declares a change in words. An
    initiative acting on a touchpoint already at +2 with no pain point changes nothing the target can
    show, so it is not counted as a change."""
    moves = (target - today).abs().ge(0.05) | (today.isna() & target.notna())
    return moves | addressed | change.notna()


def stage_targets(touchpoints: pd.DataFrame) -> pd.DataFrame:
    """Per stage, in journey order: today's and the target emotion (means over its touchpoints), the
    pain points today and those the target leaves, and how many touchpoints change."""
    grouped = touchpoints.assign(
        has_pain=touchpoints["pain_point"].notna(),
        pain_left=touchpoints["pain_point"].notna() & ~touchpoints["pain_addressed"],
        changed=touchpoints["changes"],
    ).groupby("stage", sort=False)
    table = grouped.agg(
        order=("stage_order", "min"),
        emotion=("emotion", "mean"),
        target_emotion=("target_emotion", "mean"),
        pains=("has_pain", "sum"),
        pains_left=("pain_left", "sum"),
        changes=("changed", "sum"),
    )
    return table.sort_values("order")


def target_chart(stages: pd.DataFrame, measured: pd.DataFrame | None, t: Translator) -> go.Figure:
    """Today's emotion curve (declared, and measured with its interval when the survey has it) beside
    the consultant's target curve, by stage; the target is labelled as a target, not a forecast."""
    order = stages.index.tolist()
    figure = go.Figure()
    figure.add_scatter(
        x=order,
        y=stages["emotion"],
        mode="lines+markers",
        name=t("journey.declared_emotion"),
        line={"color": ACCENT, "dash": "dot"},
    )
    if measured is not None and len(measured):
        today = measured.reindex(order)
        figure.add_trace(interval_line(order, today, t("journey.measured_emotion")))
    figure.add_scatter(
        x=order,
        y=stages["target_emotion"],
        mode="lines+markers",
        name=t("target.curve"),
        line={"color": TARGET_COLOUR, "dash": "dash", "width": 3},
        customdata=np.stack([stages["pains"], stages["pains_left"]], axis=1),
        hovertemplate="%{x}: %{y:.1f}<br>"
        + t("target.hover_pains")
        + " %{customdata[0]} → %{customdata[1]}<extra></extra>",
    )
    figure.update_layout(
        title=t("target.title"),
        yaxis={"range": [-2.3, 2.3], "title": t("journey.emotion_axis"), "zeroline": True},
        xaxis={"title": t("target.stage_axis")},
        height=460,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        margin={"t": 110},
    )
    return wrap_category_ticks(figure, order)


def _emotion(value: float, t: Translator) -> str:
    return t.number(value, 1) if pd.notna(value) else "–"


def changes_table(touchpoints: pd.DataFrame, t: Translator) -> pd.DataFrame:
    """The touchpoints whose target differs from today, in journey order: stage, touchpoint, today
    (pain point and emotion), the target emotion, what changes and which initiatives do it."""
    changed = touchpoints[touchpoints["changes"]].sort_values("stage_order", kind="stable")

    def what(row: pd.Series) -> str:
        if pd.notna(row["change"]):
            return str(row["change"])
        if row["pain_addressed"]:
            return t("target.pain_addressed", pain=row["pain_point"])
        return t("target.improved")

    return pd.DataFrame(
        {
            t("target.col.stage"): changed["stage"].to_numpy(),
            t("target.col.touchpoint"): changed["touchpoint"].to_numpy(),
            t("target.col.today"): [
                t("target.today_cell", pain=row["pain_point"], emotion=_emotion(row["emotion"], t))
                if pd.notna(row["pain_point"])
                else t("target.today_no_pain", emotion=_emotion(row["emotion"], t))
                for _, row in changed.iterrows()
            ],
            t("target.col.target"): [_emotion(value, t) for value in changed["target_emotion"]],
            t("target.col.change"): [what(row) for _, row in changed.iterrows()],
            t("target.col.initiatives"): [
                ", ".join(names) if names else t("target.declared") for names in changed["initiatives"]
            ],
        }
    )


def target_facts(touchpoints: pd.DataFrame, stages: pd.DataFrame, t: Translator) -> dict[str, str]:
    """Figures for the target's summary sentence: touchpoints that change, pain points addressed of
    those today, and the stage whose emotion rises most."""
    rise = (stages["target_emotion"] - stages["emotion"]).dropna()
    return {
        "changed": t.number(int(touchpoints["changes"].sum())),
        "touchpoints": t.number(len(touchpoints)),
        "addressed": t.number(int(touchpoints["pain_addressed"].sum())),
        "pains": t.number(int(touchpoints["pain_point"].notna().sum())),
        "stage": str(rise.idxmax()) if len(rise) and rise.max() > 0 else "–",
        "rise": t.number(rise.max(), 1) if len(rise) else "–",
    }
