"""Step 06, ecosystem: the 9C balance of experiential capital (seed 003).

Each dimension is scored 1-5 with evidence in the ``ecosystem`` table: one documented judgement per
dimension (n = 1), so no interval can be computed and the report says so. The balance is the mean
and the spread between the strongest and weakest dimensions; each dimension is linked to the pillars
it most bears on, with the customers' score and gap from the diagnosis.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cxlib.core.i18n import Translator
from cxlib.core.method import NINE_C
from cxlib.render.charts import PRIMARY
from cxlib.render.results import frame as results_frame

#: The pillars each 9C dimension bears on most directly.
DIMENSION_PILLARS: dict[str, tuple[str, ...]] = {
    "clients": ("personalisation", "empathy"),
    "community": ("personalisation", "expectations"),
    "collaborators": ("empathy", "resolution"),
    "communication": ("expectations", "integrity"),
    "context": ("integrity",),
    "culture": ("empathy", "integrity"),
    "channels": ("time_effort",),
    "creativity": ("personalisation", "expectations"),
    "conduction": ("integrity", "resolution"),
}
STRENGTH, WEAKNESS = 4, 2


def balance(ecosystem: pd.DataFrame) -> pd.DataFrame:
    """Scores in 9C order with evidence; dimensions missing from the table are kept with no score."""
    table = ecosystem.set_index("dimension")[["score"] + (["evidence"] if "evidence" in ecosystem else [])]
    return table.reindex(list(NINE_C))


def strengths(table: pd.DataFrame) -> list[str]:
    """Dimensions scored 4 or 5."""
    return table.index[table["score"] >= STRENGTH].tolist()


def weaknesses(table: pd.DataFrame) -> list[str]:
    """Dimensions scored 1 or 2."""
    return table.index[table["score"] <= WEAKNESS].tolist()


def radar(table: pd.DataFrame, t: Translator) -> go.Figure:
    """The 9C radar (1-5)."""
    labels = [t(f"ninec.{d}") for d in table.index]
    scores = table["score"].tolist()
    figure = go.Figure(
        go.Scatterpolar(
            r=scores + scores[:1],
            theta=labels + labels[:1],
            fill="toself",
            name="9C",
            line={"color": PRIMARY},
            hovertemplate="%{theta}: %{r}<extra></extra>",
        )
    )
    figure.update_layout(
        title=t("ecosystem.radar_title"),
        polar={"radialaxis": {"range": [0, 5], "tickvals": [1, 2, 3, 4, 5]}},
        height=520,
        showlegend=False,
    )
    return figure


def balance_facts(table: pd.DataFrame, t: Translator) -> dict[str, str]:
    scores = table["score"].dropna()
    return {"mean": t.number(scores.mean(), 1), "spread": t.number(scores.max() - scores.min(), 0)}


def names(dimensions: list[str], t: Translator) -> str:
    return ", ".join(t(f"ninec.{d}") for d in dimensions) or "–"


def dimension_table(table: pd.DataFrame, diagnosis: dict | None, t: Translator) -> pd.DataFrame:
    """Each dimension with its score, evidence and the related pillars' customer score and gap."""
    pillars = results_frame((diagnosis or {}).get("pillars"))

    def related(dimension: str) -> str:
        parts = []
        for pillar in DIMENSION_PILLARS[dimension]:
            if pillar in pillars.index and pd.notna(pillars.at[pillar, "current"]):
                row = pillars.loc[pillar]
                gap = (
                    f"; {t('diagnosis.col.gap').lower()} {t.number(row['gap'], 0)}"
                    if pd.notna(row.get("gap"))
                    else ""
                )
                parts.append(
                    f"{t('pillar.' + pillar)} {t.interval(row['current'], row['low'], row['high'], 0)}{gap}"
                )
        return " · ".join(parts) or "–"

    return pd.DataFrame(
        {
            t("ecosystem.col.dimension"): [t(f"ninec.{d}") for d in table.index],
            t("ecosystem.col.score"): [t.number(s, 0) if pd.notna(s) else "–" for s in table["score"]],
            t("ecosystem.col.evidence"): [
                e if isinstance(e, str) else t("diagnosis.unsupported")
                for e in table.get("evidence", pd.Series(index=table.index))
            ],
            t("ecosystem.col.pillars"): [related(d) for d in table.index],
        }
    )


def step_results(table: pd.DataFrame) -> dict:
    return {
        "scores": table["score"].to_dict(),
        "strengths": strengths(table),
        "weaknesses": weaknesses(table),
    }
