"""Step 01, several outcomes: the driver model of each mapped outcome side by side, each segment
against the rest on every outcome, and the consultant's check that the outcomes agree
(:mod:`cxlib.stats.outcomes`).

The diagnosis fits its pillar model once per outcome (:func:`cxlib.steps.diagnosis.pillar_drivers`
with ``target``); this module shows those models together, each named as modelled
(:func:`cxlib.inputs.outcomes.model_label`), and tells the consultant when two outcomes disagree or
when one relates to nothing, so that the headline (``primary_outcome:``) is chosen knowingly.
"""

from __future__ import annotations

import pandas as pd

from cxlib.core.i18n import Translator
from cxlib.inputs.client import Client
from cxlib.inputs.outcomes import mapped_outcomes, model_label, outcome_name
from cxlib.render.charts import with_small_rows
from cxlib.stats.drivers import R2_FLOOR
from cxlib.stats.estimators import SMALL_SAMPLE
from cxlib.stats.outcomes import outcome_agreement, segment_tests

#: Outcomes where a higher answer means a worse experience (an effort score).
REVERSED: dict[str, int] = {"ces": -1}
#: Pillars named per outcome in :func:`driver_table`.
TOP_PILLARS = 2


def driver_table(models: dict[str, pd.DataFrame], t: Translator) -> pd.DataFrame:
    """One row per outcome's pillar model (:func:`cxlib.steps.diagnosis.pillar_drivers`): the
    outcome as modelled, R² with its bootstrap interval, n, and the pillars that explain it most
    with their shares, or that none does (the model's F test or R² floor not met)."""
    rows = []
    for weights in models.values():
        attrs = weights.attrs
        if attrs["explains"]:
            top = weights.head(TOP_PILLARS)
            shares = [
                t.interval(*values, 0, percent=True)
                for values in top[["share", "share_low", "share_high"]].to_numpy()
            ]
            strongest = "; ".join(
                f"{t(f'pillar.{pillar}')} {share}" for pillar, share in zip(top.index, shares, strict=True)
            )
        else:
            strongest = t("diagnosis.outcomes_none", floor=t.percent(R2_FLOOR, 0))
        rows.append(
            {
                t("diagnosis.col.outcome_modelled"): model_label(attrs, t),
                t("diagnosis.col.r2_pillars"): t.interval(
                    attrs["r2"], attrs.get("r2_low"), attrs.get("r2_high"), 1, percent=True
                ),
                t("diagnosis.col.n"): t.number(attrs["n"]),
                t("diagnosis.col.strongest_pillars"): strongest,
            }
        )
    return pd.DataFrame(rows)


def agreement(client: Client, pillar_frame: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`~cxlib.stats.outcomes.outcome_agreement` of the mapped outcomes as answered (the score,
    or yes/no as 0/1), with the customer pillar scores as drivers when there are any."""
    survey = client.tables["survey"]
    names = mapped_outcomes(client)
    answers = pd.DataFrame({name: survey[name].astype("Float64").astype("float64") for name in names})
    return outcome_agreement(answers, pillar_frame, REVERSED)


def agreement_checks(
    client: Client, pairs: pd.DataFrame, summary: pd.DataFrame, t: Translator
) -> list[tuple[str, dict[str, str]]]:
    """The consultant's checks (catalogue key and values): each pair of outcomes that disagree, and
    each outcome related to nothing (only with something to relate it to)."""
    checks = []
    for row in pairs[pairs["disagree"]].itertuples():
        checks.append(
            (
                "outcomes.check.disagree",
                {
                    "first": outcome_name(row.first, t),
                    "first_column": client.source_of(row.first),
                    "second": outcome_name(row.second, t),
                    "second_column": client.source_of(row.second),
                    "rho": t.number(row.rho, 2),
                    "interval": t.bounds(row.low, row.high, 2),
                    "n": t.number(row.n),
                },
            )
        )
    comparable = len(summary) > 1 or summary["strongest"].notna().any()
    for name, row in summary[~summary["related"]].iterrows() if comparable else ():
        checks.append(
            (
                "outcomes.check.unrelated",
                {
                    "outcome": outcome_name(name, t),
                    "column": client.source_of(name),
                    "strongest": t.number(row["strongest"], 2),
                    "n": t.number(row["n"]),
                },
            )
        )
    return checks


def segment_outcomes(client: Client) -> list[str]:
    """The mapped outcomes beside NPS (whose segment tests have their own table), in report order."""
    return [name for name in mapped_outcomes(client) if name != "nps"]


def segment_table(client: Client, t: Translator, by: str) -> pd.DataFrame:
    """Each segment of dimension ``by`` against the rest on every outcome of :func:`segment_outcomes`
    (:func:`~cxlib.stats.outcomes.segment_tests`): one column per outcome with the difference and
    its Bonferroni simultaneous interval (a difference is clear exactly when it excludes 0);
    segments under :data:`SMALL_SAMPLE` responses carry the small-sample caution."""
    survey = client.tables["survey"]
    sizes = survey[by].value_counts().sort_index()
    table = pd.DataFrame(
        {t(f"overview.axis.{by}"): sizes.index, t("diagnosis.col.n"): [t.number(n) for n in sizes]}
    )
    for name in segment_outcomes(client):
        scale_high = client.survey_scales["csat"].bounds[1] if name == "csat" else None
        tests = segment_tests(survey, name, by, scale_high).reindex(sizes.index)
        decimals = 2 if name == "ces" else 1
        table[t("diagnosis.col.segment_difference", metric=t(f"metric.{name}"))] = [
            t.interval(row.difference, row.low, row.high, decimals) for row in tests.itertuples()
        ]
    return with_small_rows(table, sizes.to_numpy() < SMALL_SAMPLE)
