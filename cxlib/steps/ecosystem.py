"""Step 06, ecosystem: the 9C balance of experiential capital (seed 003).

Each dimension is scored 1-5 with evidence in the ``ecosystem`` table: one documented judgement per
dimension (n = 1), so no interval can be computed and the report says so. The balance is the mean
and the spread between the strongest and weakest dimensions; each dimension is linked to the pillars
it most bears on, with the customers' score and gap from the diagnosis.

Evidence is the consultant's typed text, and may quote a figure the data measure (“NPS de 18
puntos”). Each such figure is declared once in :data:`QUOTED_FIGURES`; the report quotes the
measured figure from the step that publishes it, with its interval and n, and the consultant is
told where the typed number differs (:func:`measured_evidence`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from cxlib.core.i18n import DECIMALS, Translator
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


@dataclass(frozen=True)
class QuotedFigure:
    """A figure consultants quote in typed evidence that a step measures: the name it goes by,
    and where the measured estimate (``value``, ``low``, ``high``, ``n``) is published."""

    name: str
    step: str
    path: tuple[str, ...]

    @property
    def pattern(self) -> re.Pattern[str]:
        """The name followed by a number ("NPS de 18 puntos", "eNPS: 12", "NPS of 18 points")."""
        return re.compile(
            rf"(?<![\w-]){re.escape(self.name)}(?![\w-])(?:\s*(?:de|of|=|:))?\s*"
            r"(?P<number>[-+−]?\d+(?:[.,]\d+)?)(?:\s*(?:puntos|points|pts))?",
            re.IGNORECASE if self.name.islower() else 0,
        )


#: Every figure typed evidence may quote, and the step that measures it.
QUOTED_FIGURES: tuple[QuotedFigure, ...] = (
    QuotedFigure("NPS", "01_diagnosis", ("metrics", "nps")),
    QuotedFigure("eNPS", "04_human_value_chain", ("enps",)),
)


def _estimate(published: dict[str, dict | None], figure: QuotedFigure) -> dict | None:
    node: object = published.get(figure.step)
    for key in figure.path:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) and node.get("value") is not None else None


def measured_evidence(
    table: pd.DataFrame, published: dict[str, dict | None], t: Translator
) -> tuple[pd.Series, list[dict[str, str]]]:
    """The evidence with every quoted figure of :data:`QUOTED_FIGURES` replaced by the measured one
    (with its interval and n), and one consultant check per quote that falls outside the measured
    interval (``dimension``, ``quoted``, ``measured``). Figures no step measured stay as typed."""
    evidence = table.get("evidence", pd.Series(index=table.index, dtype="string")).astype("string")
    checks: list[dict[str, str]] = []
    for figure in QUOTED_FIGURES:
        estimate = _estimate(published, figure)
        if estimate is None:
            continue
        measured = (
            f"{figure.name} {t.interval(estimate['value'], estimate['low'], estimate['high'])} "
            f"(n = {t.number(estimate['n'])})"
        )
        quotes = evidence.str.extract(figure.pattern.pattern, flags=figure.pattern.flags)["number"]
        typed = pd.to_numeric(quotes.str.replace(",", ".").str.replace("−", "-"), errors="coerce")
        outside = typed.notna() & ~typed.between(estimate["low"], estimate["high"])
        checks += [
            {"dimension": t(f"ninec.{dimension}"), "quoted": f"{figure.name} {quote}", "measured": measured}
            for dimension, quote in quotes[outside].items()
        ]
        evidence = evidence.str.replace(figure.pattern, measured, regex=True)
    return evidence, checks


def balance(ecosystem: pd.DataFrame) -> pd.DataFrame:
    """Scores in 9C order with evidence and, where the consultant gave them, the past and target
    scores (:mod:`cxlib.steps.ecosystem_time`); dimensions missing from the table are kept with no
    score."""
    optional = [column for column in ("evidence", "score_past", "score_target") if column in ecosystem]
    return ecosystem.set_index("dimension")[["score", *optional]].reindex(list(NINE_C))


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
                    f"; {t('diagnosis.col.gap').lower()} {t.number(row['gap'], DECIMALS['gap'])}"
                    if pd.notna(row.get("gap"))
                    else ""
                )
                score = t.interval(row["current"], row["low"], row["high"], DECIMALS["pillar"])
                parts.append(f"{t('pillar.' + pillar)} {score}{gap}")
        return " · ".join(parts) or "–"

    return pd.DataFrame(
        {
            t("ecosystem.col.dimension"): [t(f"ninec.{d}") for d in table.index],
            t("ecosystem.col.score"): [t.number(s, 0) if pd.notna(s) else "–" for s in table["score"]],
            t("ecosystem.col.evidence"): table.get("evidence", pd.Series(index=table.index, dtype="string"))
            .astype("string")
            .fillna(t("diagnosis.unsupported"))
            .to_numpy(),
            t("ecosystem.col.pillars"): [related(d) for d in table.index],
        }
    )


def step_results(table: pd.DataFrame) -> dict:
    """What the ecosystem step publishes: scores, strengths, weaknesses and each dimension's
    linked pillars (:data:`DIMENSION_PILLARS`, for the cross-step consistency rules)."""
    return {
        "scores": table["score"].to_dict(),
        "links": {dimension: list(DIMENSION_PILLARS[dimension]) for dimension in table.index},
        "strengths": strengths(table),
        "weaknesses": weaknesses(table),
    }
