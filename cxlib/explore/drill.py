"""What lies behind a point of an explorer's chart: the group's responses, its masked comments, a
touchpoint's weekly measurements, a unit's scores.

A group with fewer responses than ``privacy.min_group`` lists nothing but a caution (a drill-down
is no way around the confidentiality the deliverable keeps); comments are only ever shown masked
(:meth:`cxlib.inputs.client.Client.comments`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxlib.core.i18n import Translator
from cxlib.explore.figures import Shown, unit_score_table
from cxlib.inputs.client import Client
from cxlib.stats.monitoring import weekly_aggregates
from cxlib.steps import diagnosis, human_value_chain

#: The most comments a drill-down lists (the newest first).
MAX_COMMENTS = 20


def group_rows(client: Client, by: str, group: object) -> pd.Index:
    """The survey rows of one group of ``by`` (a survey column, or ``month``/``quarter`` of the date)."""
    survey = client.tables["survey"]
    if by in diagnosis.PERIODS:
        periods = survey["date"].dt.to_period(diagnosis.PERIODS[by]).dt.to_timestamp()
        return survey.index[periods == pd.Timestamp(group)]
    return survey.index[survey[by].astype("string") == str(group)]


def comment_table(client: Client, rows: pd.Index, t: Translator) -> pd.DataFrame:
    """The masked comments of the responses ``rows``, newest first, with their date and NPS."""
    comments = client.comments()
    comments = comments[comments.index.isin(rows)]
    survey = client.tables["survey"].loc[comments.index]
    order = survey["date"].sort_values(ascending=False).index if "date" in survey else survey.index
    order = order[:MAX_COMMENTS]
    table = pd.DataFrame({t("diagnosis.col.quote"): comments.loc[order].to_numpy()})
    if "date" in survey:
        table.insert(
            0,
            t("overview.axis.month"),
            [t.month(date) if pd.notna(date) else "" for date in survey.loc[order, "date"]],
        )
    if "nps" in survey:
        table[t("metric.nps")] = [t.number(v) if pd.notna(v) else "" for v in survey.loc[order, "nps"]]
    return table


def weekly_table(client: Client, touchpoint: str, t: Translator) -> pd.DataFrame | None:
    """A touchpoint's weekly measurements (:func:`cxlib.stats.monitoring.weekly_aggregates`): per
    week, the interactions scored, the mean score and the success rate."""
    interactions = client.tables.get("interactions")
    if interactions is None or "touchpoint_id" not in interactions:
        return None
    mine = interactions[interactions["touchpoint_id"].astype("string") == str(touchpoint)]
    if not len(mine):
        return None
    weeks = weekly_aggregates(mine).sort_values("week", ascending=False)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = weeks["sum_score"] / weeks["n_score"]
        success = weeks["successes"] / weeks["n_success"]
    return pd.DataFrame(
        {
            t("explore.col.week"): [t.date(week) for week in weeks["week"]],
            t("explore.col.measured"): [t.number(n) for n in weeks["n_score"]],
            t("explore.col.mean_score"): ["" if pd.isna(v) else t.number(v, 2) for v in mean],
            t("explore.col.success"): ["" if pd.isna(v) else t.percent(v, 1) for v in success],
        }
    )


def drill(client: Client, by: str, group: object, t: Translator) -> list[Shown]:
    """What lies behind one group of ``by``: its metrics and masked comments; a touchpoint's weekly
    measurements; a unit's scores. Nothing but a caution under ``privacy.min_group`` responses."""
    rows = group_rows(client, by, group)
    minimum = client.config.privacy.min_group
    label = t.month(pd.Timestamp(group)) if by in diagnosis.PERIODS else str(group)
    shown = [Shown("drill:title", caution=t("explore.drill_title", group=label, n=t.number(len(rows))))]
    if len(rows) < minimum:
        return [*shown, Shown("drill:private", caution=t("explore.drill_private", minimum=t.number(minimum)))]
    survey = client.tables["survey"].loc[rows]
    metrics = diagnosis.overall_metrics(survey, client.survey_scales)
    shown.append(Shown("drill:metrics", table=diagnosis.metric_table(metrics, t)))
    if by == "unit" and client.has("employees"):
        scores = human_value_chain.unit_scores(client)
        if group in scores.index:
            shown.append(Shown("drill:unit", table=unit_score_table(scores.loc[[group]], t)))
    if by == "touchpoint_id":
        weekly = weekly_table(client, str(group), t)
        if weekly is not None:
            shown.append(Shown("drill:weekly", table=weekly))
    comments = comment_table(client, rows, t)
    if len(comments):
        shown.append(Shown("drill:comments", table=comments))
    return shown
