"""The ecosystem over time and its actors (seed 003): the 9C balance in a spiral from the past through
the present to the future, and the network of actors (allies, suppliers, regulators, communities…)
the experience happens in.

The balance at each moment is the consultant's judgement (``score_past``, ``score`` and
``score_target`` in the ``ecosystem`` table, 1-5): one documented score per dimension and moment
(n = 1), so no interval; the report says so. Actors are declared in ``client.yaml`` (``actors:``,
:class:`cxlib.inputs.strategy.Actor`): each with its kind, the 9C dimension it belongs to, its
influence on the experience (1-5) and the relation today and sought (−2 tense … +2 strong alliance).
A dimension's network is summarised as its actors' relation weighted by their influence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib.core.i18n import Translator
from cxlib.core.method import NINE_C
from cxlib.inputs.strategy import Actor
from cxlib.render.charts import ACCENT, PRIMARY, label_points, with_takeaway

MOMENTS = ("score_past", "score", "score_target")
#: Colours of the actor kinds on the map.
ACTOR_COLOURS = {
    "customer": "#2E86C1",
    "ally": "#1E8449",
    "supplier": "#7D3C98",
    "regulator": "#B03A2E",
    "community": "#D68910",
    "employee": "#17A589",
    "competitor": "#566573",
    "other": "#95A5A6",
}


def over_time(table: pd.DataFrame) -> pd.DataFrame:
    """The balance at each moment (:data:`MOMENTS`, missing where not scored) with the change so far
    (``moved``: present − past) and the change to go (``to_go``: target − present), in 9C order."""
    scores = table.reindex(columns=list(MOMENTS)).astype(float)
    return scores.assign(
        moved=scores["score"] - scores["score_past"], to_go=scores["score_target"] - scores["score"]
    )


def has_time(table: pd.DataFrame) -> bool:
    """True when the consultant scored the past or the target of any dimension."""
    return bool(table.reindex(columns=["score_past", "score_target"]).notna().any().any())


def spiral_chart(scores: pd.DataFrame, t: Translator) -> go.Figure:
    """The 9C radar at past, present and target (1-5), one closed trace each."""
    labels = [t(f"ninec.{d}") for d in scores.index]
    figure = go.Figure()
    styles = {
        "score_past": ("#95A5A6", "dot", "none"),
        "score": (PRIMARY, "solid", "toself"),
        "score_target": ("#1E8449", "dash", "none"),
    }
    for moment, (colour, dash, fill) in styles.items():
        values = scores[moment]
        if values.isna().all():
            continue
        figure.add_scatterpolar(
            r=values.tolist() + values.tolist()[:1],
            theta=labels + labels[:1],
            name=t(f"ecotime.moment.{moment}"),
            line={"color": colour, "dash": dash},
            fill=fill,
            opacity=0.9,
            hovertemplate="%{theta}: %{r}<extra>" + t(f"ecotime.moment.{moment}") + "</extra>",
        )
    figure.update_layout(
        title=t("ecotime.chart_title"),
        polar={"radialaxis": {"range": [0, 5], "tickvals": [1, 2, 3, 4, 5]}},
        height=540,
        legend={"orientation": "h", "y": -0.1},
    )
    return figure


def _score(value: float, t: Translator) -> str:
    return t.number(value, 0) if pd.notna(value) else "–"


def _signed(value: float, t: Translator) -> str:
    return "–" if pd.isna(value) else ("+" if value > 0 else "") + t.number(value, 0)


def time_table(scores: pd.DataFrame, t: Translator) -> pd.DataFrame:
    """Each dimension's past, present and target score, the change so far and the change to go."""
    return pd.DataFrame(
        {
            t("ecosystem.col.dimension"): [t(f"ninec.{d}") for d in scores.index],
            t("ecotime.moment.score_past"): [_score(v, t) for v in scores["score_past"]],
            t("ecotime.moment.score"): [_score(v, t) for v in scores["score"]],
            t("ecotime.moment.score_target"): [_score(v, t) for v in scores["score_target"]],
            t("ecotime.col.moved"): [_signed(v, t) for v in scores["moved"]],
            t("ecotime.col.to_go"): [_signed(v, t) for v in scores["to_go"]],
        }
    )


def time_facts(scores: pd.DataFrame, t: Translator) -> dict[str, str]:
    """The balance's mean at each moment, and the dimensions with the most ground to cover."""
    means = scores[list(MOMENTS)].mean()
    to_go = scores["to_go"].dropna()
    widest = to_go[to_go == to_go.max()].index.tolist() if len(to_go) and to_go.max() > 0 else []
    return {
        "past": t.number(means["score_past"], 1) if pd.notna(means["score_past"]) else "–",
        "present": t.number(means["score"], 1),
        "target": t.number(means["score_target"], 1) if pd.notna(means["score_target"]) else "–",
        "widest": ", ".join(t(f"ninec.{d}") for d in widest) or "–",
    }


#: Catalogue suffixes of the relations −2..2 (``ecotime.relation.<key>``).
RELATION_KEYS = ("m2", "m1", "0", "p1", "p2")


def actors_frame(actors: list[Actor]) -> pd.DataFrame:
    """The declared actors as a frame (``name``, ``type``, ``dimension``, ``influence``, ``relation``,
    ``target_relation``), in declared order."""
    columns = ["name", "type", "dimension", "influence", "relation", "target_relation"]
    return pd.DataFrame([actor.model_dump() for actor in actors], columns=columns)


def networks(actors: pd.DataFrame) -> pd.DataFrame:
    """Per 9C dimension with actors: how many, their influence-weighted relation today and sought
    (−2..2), in 9C order."""
    if actors.empty:
        return pd.DataFrame(columns=["actors", "relation", "target_relation"])
    weighted = actors.assign(
        today=actors["relation"] * actors["influence"],
        sought=actors["target_relation"].fillna(actors["relation"]) * actors["influence"],
    ).groupby("dimension")
    totals = weighted[["today", "sought", "influence"]].sum()
    table = pd.DataFrame(
        {
            "actors": weighted.size(),
            "relation": totals["today"] / totals["influence"],
            "target_relation": totals["sought"] / totals["influence"],
        }
    )
    return table.reindex([d for d in NINE_C if d in table.index])


def actors_map(actors: pd.DataFrame, t: Translator) -> go.Figure:
    """The actors map: relation today (x, −2..2) against influence (y, 1-5), one colour per kind,
    with an arrow to the relation sought where it differs."""
    figure = go.Figure()
    # A small vertical spread keeps actors with the same relation and influence apart.
    offsets = actors.groupby(["relation", "influence"]).cumcount() * 0.3
    sizes = 8 + 4 * actors["influence"]
    figure.add_scatter(
        x=actors["relation"],
        y=actors["influence"] + offsets,
        mode="markers+text",
        marker={"size": sizes, "color": actors["type"].map(ACTOR_COLOURS), "opacity": 0.85},
        customdata=np.stack([actors["name"], actors["dimension"].map(lambda d: t(f"ninec.{d}"))], axis=1),
        hovertemplate="%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
        showlegend=False,
    )
    for kind in actors["type"].drop_duplicates():  # the kinds' key, one entry each
        figure.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=t(f"ecotime.actor.{kind}"),
            marker={"size": 12, "color": ACTOR_COLOURS[kind]},
        )
    moving = actors[actors["target_relation"].notna() & actors["target_relation"].ne(actors["relation"])]
    for index, actor in moving.iterrows():  # a few arrows
        figure.add_annotation(
            x=actor["target_relation"],
            y=actor["influence"] + offsets[index],
            ax=actor["relation"],
            ay=actor["influence"] + offsets[index],
            xref="x",
            yref="y",
            axref="x",
            ayref="y",
            showarrow=True,
            arrowhead=2,
            arrowcolor=ACCENT,
            opacity=0.7,
        )
    figure.update_layout(
        title=t("ecotime.actors_title"),
        xaxis={
            "title": t("ecotime.relation_axis"),
            "range": [-2.6, 2.6],
            "tickvals": [-2, -1, 0, 1, 2],
            "ticktext": [t(f"ecotime.relation.{v}") for v in RELATION_KEYS],
        },
        yaxis={"title": t("ecotime.influence_axis"), "tickvals": [1, 2, 3, 4, 5]},
        height=560,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        margin={"t": 110},
    )
    label_points(
        figure,
        actors["name"].tolist(),
        sizes.to_numpy(),
        key_title=t("ecotime.col.actor") + ":",
        x_range=(-2.6, 2.6),
    )
    return _actors_takeaway(figure, actors, moving, t)


#: How many of the relations furthest from the one sought the actors map's takeaway names.
NAMED_MOVES = 3


def _actors_takeaway(
    figure: go.Figure, actors: pd.DataFrame, moving: pd.DataFrame, t: Translator
) -> go.Figure:
    """The map's takeaway: the relations that must move most (distance to the one sought, weighted
    by the actor's influence), or that none is sought to change."""
    if moving.empty:
        return with_takeaway(figure, "ecotime.actors_takeaway_none", count=t.number(len(actors)))
    distance = (moving["target_relation"] - moving["relation"]).abs() * moving["influence"]
    furthest = moving.loc[distance.sort_values(ascending=False, kind="stable").index[:NAMED_MOVES]]
    names = "; ".join(
        f"{row['name']} ({_relation_name(row['relation'], t)} → {_relation_name(row['target_relation'], t)})"
        for _, row in furthest.iterrows()
    )
    return with_takeaway(
        figure,
        "ecotime.actors_takeaway",
        names=names,
        moving=t.number(len(moving)),
        count=t.number(len(actors)),
    )


def _relation_name(value: float, t: Translator) -> str:
    """A relation (−2..2) as the map's axis names it."""
    return t(f"ecotime.relation.{dict(zip((-2, -1, 0, 1, 2), RELATION_KEYS, strict=True))[int(value)]}")


def actors_table(actors: pd.DataFrame, t: Translator) -> pd.DataFrame:
    """The actors for the report: name, kind, dimension, influence and relation today → sought."""
    relation = {v: t(f"ecotime.relation.{k}") for v, k in zip((-2, -1, 0, 1, 2), RELATION_KEYS, strict=True)}
    return pd.DataFrame(
        {
            t("ecotime.col.actor"): actors["name"].to_numpy(),
            t("ecotime.col.type"): [t(f"ecotime.actor.{kind}") for kind in actors["type"]],
            t("ecosystem.col.dimension"): [t(f"ninec.{d}") for d in actors["dimension"]],
            t("ecotime.col.influence"): actors["influence"].map(t.number).to_numpy(),
            t("ecotime.col.relation"): [
                relation[int(today)]
                if pd.isna(sought) or sought == today
                else f"{relation[int(today)]} → {relation[int(sought)]}"
                for today, sought in zip(actors["relation"], actors["target_relation"], strict=True)
            ],
        }
    )
