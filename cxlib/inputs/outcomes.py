"""The survey's outcomes: which are mapped, which one heads the report, and how each is modelled.

A survey may map several outcomes (NPS, CSAT, CES, a yes/no "satisfied" or "would recommend").
The diagnosis analyses each of them; ``primary_outcome:`` in ``client.yaml`` chooses the one that
heads the report (default: NPS, else CSAT, else the yes/no outcome, else CES, the first with more
than :data:`~cxlib.stats.estimators.SMALL_SAMPLE` answers). ``outcome_form:`` chooses how a rating
outcome enters the driver models: ``mean``, its score (the 0-10 NPS question, the 1-5 CSAT score),
or ``top2``, whether the answer is in the scale's top two boxes (9-10 for NPS, 4-5 on a 1-5 CSAT).
The yes/no outcome is always a share, and CES (an effort score, whose top boxes mean effort, not
satisfaction) always its mean. Every driver model names its outcome as modelled
(:func:`modelled_label`), so an R² is never read as that of another model.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cxlib.core.i18n import Translator
from cxlib.inputs.client import Client
from cxlib.stats.estimators import SMALL_SAMPLE
from cxlib.stats.metrics import top_two_box

#: The outcomes, in the default order of preference for the headline.
OUTCOME_ORDER: tuple[str, ...] = ("nps", "csat", "satisfied", "ces")
#: Outcomes whose ``top2`` form exists (rating scales where the top boxes mean a good experience).
TOP_TWO_OUTCOMES: frozenset[str] = frozenset({"nps", "csat"})


def mapped_outcomes(client: Client) -> list[str]:
    """The outcomes the survey holds with more than :data:`SMALL_SAMPLE` answers, the headline
    (:func:`primary_outcome`) first, then in :data:`OUTCOME_ORDER`."""
    survey = client.tables.get("survey")
    if survey is None:
        return []
    present = [name for name in OUTCOME_ORDER if name in survey and survey[name].notna().sum() > SMALL_SAMPLE]
    chosen = client.config.primary_outcome
    return sorted(present, key=lambda name: name != chosen)


def primary_outcome(client: Client) -> str | None:
    """The headline outcome: ``primary_outcome:`` when the survey has it, else the first mapped
    outcome of :data:`OUTCOME_ORDER` (``None`` without any)."""
    return next(iter(mapped_outcomes(client)), None)


def outcome_form(client: Client, name: str) -> str:
    """How ``name`` enters the driver models: ``share`` (yes/no), ``mean`` or ``top2``."""
    if name == "satisfied":
        return "share"
    return client.config.outcome_form if name in TOP_TWO_OUTCOMES else "mean"


def outcome_bounds(client: Client, name: str) -> tuple[int, int]:
    """The outcome's scale (0-10 for NPS, the mapped scale otherwise; 0-1 for yes/no)."""
    if name == "nps":
        return (0, 10)
    scale = client.survey_scales.get(name)
    return scale.bounds if scale is not None else (0, 1)


def modelled_outcome(client: Client, name: str) -> pd.Series:
    """The outcome as the driver models read it (floats, missing kept): the score, the top-two-box
    indicator (0/1) or the yes/no answer (0/1), per :func:`outcome_form`."""
    values = client.tables["survey"][name]
    if outcome_form(client, name) == "top2":
        values = top_two_box(values, outcome_bounds(client, name)[1])
    return values.astype("Float64").astype("float64")


def outcome_name(name: str, t: Translator) -> str:
    """The outcome's own name: the client's ``label:`` when it gave one, else NPS, CSAT, CES or the
    yes/no outcome's catalogue name."""
    key = f"metric.{name}"
    return t(key) if key in t.labels or name == "satisfied" else t(f"outcome.name.{name}")


def modelled_label(name: str, form: str, bounds: tuple[int, int], t: Translator) -> str:
    """The outcome exactly as modelled, in the report language: "CSAT (mean of the 1-5 score)",
    "CSAT (share in the top two boxes, 4-5)", or the yes/no outcome's name."""
    low, high = bounds
    if form == "share":
        return outcome_name(name, t)
    return t(f"outcome.form.{form}", outcome=outcome_name(name, t), low=low, high=high, top=high - 1)


def client_label(client: Client, name: str, t: Translator) -> str:
    """:func:`modelled_label` of ``name`` as this client's ``outcome_form:`` models it."""
    return modelled_label(name, outcome_form(client, name), outcome_bounds(client, name), t)


def model_label(facts: Mapping, t: Translator) -> str:
    """The outcome of a driver model as modelled, from the model's ``attrs`` or the diagnosis's
    published results (``outcome``, ``outcome_form``, ``outcome_bounds``); results published before
    ``outcome_form`` existed are named by their metric."""
    form = facts.get("outcome_form")
    if form is None:
        return t(f"metric.{facts['outcome']}")
    return modelled_label(facts["outcome"], form, tuple(facts["outcome_bounds"]), t)
