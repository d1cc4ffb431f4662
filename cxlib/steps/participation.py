"""Step 02, participation: the participation ladder, connected experiences, myth risk checks.

* Ladder (``cxlib/participation.yaml``): six levels from no participation to community-led, each
  with an example and the policies it requires. The recommended next step for a touchpoint is
  always one level up (the method scales participation through incremental changes), never beyond
  its target.
* Connected experiences (Siggelkow, N. & Terwiesch, C. (2019), *Connected Strategy*, Harvard
  Business Review Press): respond to desire, curated offering, coach behaviour, automatic
  execution; declared in the journey or inferred from the touchpoint's words.
* Myth checks (same source): capacity, data, complexity and internal customers, each computed from
  the client's data, or "not assessable" with what to provide.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import yaml
from statsmodels.stats.proportion import proportions_ztest

from cxlib.core.i18n import Translator
from cxlib.core.method import ARCHETYPES
from cxlib.inputs.client import Client
from cxlib.render.charts import ACCENT, PRIMARY, interval_bars, with_takeaway, wrapped
from cxlib.render.touchpoints import touchpoint_names
from cxlib.stats.metrics import proportion_interval, share_by, top_two_box
from cxlib.stats.text import fold

MAX_LEVEL = 5
#: Archetypes that keep a continuous relationship rather than an episodic one.
CONTINUOUS = ("coach_behaviour", "automatic_execution")
#: The next connected experience worth trying, one step more connected (potential when none is declared).
NEXT_ARCHETYPE = {
    "episodic": "respond_to_desire",
    "respond_to_desire": "curated_offering",
    "curated_offering": "coach_behaviour",
    "coach_behaviour": "automatic_execution",
    "automatic_execution": "automatic_execution",
}
BUSINESS_HOURS = (9, 19)
#: Capacity risk thresholds: growth of human-served weekly volume, rise of the out-of-hours share.
VOLUME_GROWTH_RISK, OUT_OF_HOURS_RISE = 0.2, 0.02
#: A customer task served through this many channels or more is flagged as redundant.
REDUNDANT_CHANNELS = 3
#: How many redundant tasks a myth check names before saying how many more there are.
REDUNDANT_EXAMPLES = 4


@lru_cache(maxsize=1)
def _definitions() -> dict:
    return yaml.safe_load(Path(__file__).with_name("participation.yaml").read_text(encoding="utf-8"))


def ladder(language: str, industry: str | None = None) -> pd.DataFrame:
    """The ladder in the report language: level, name, description, example, policies.

    ``industry`` is a key of ``participation.yaml``'s ``industries`` (:func:`industry_key`); each
    level's example is of that industry, and empty for any other (an airline's check-in in a bank's
    report would illustrate nothing the client does).
    """
    return pd.DataFrame(
        [
            {
                "level": step["level"],
                **step[language],
                "example": step["examples"].get(industry, {}).get(language, ""),
                "policies": step["policies"],
            }
            for step in _definitions()["ladder"]
        ]
    ).set_index("level")


def industry_key(industry: str) -> str | None:
    """The ladder-example industry a client's free-text ``industry`` names (``Banca minorista`` →
    ``bank``), by the accent-insensitive words of ``participation.yaml``; ``None`` when none match."""
    words = set(fold(pd.Series([industry])).iloc[0].split())
    return next(
        (key for key, names in _definitions()["industries"].items() if words & set(names)),
        None,
    )


def fit_ceiling(journey: pd.DataFrame) -> pd.Series:
    """The highest ladder level each touchpoint can reach given what it is (``participation.yaml``
    ``fit``: channels and words, accent-insensitive); :data:`MAX_LEVEL` when no rule applies.

    A card delivery, an identity check or a signature serves one customer's own transaction: nothing
    a customer contributes there serves other customers, so contribution and the levels above it
    (Deloitte, 2020 Global Marketing Trends) are not steps for it.
    """
    channel = (
        fold(journey["channel"].fillna("")) if "channel" in journey else pd.Series("", index=journey.index)
    )
    words = fold(journey["touchpoint"].fillna(""))
    ceiling = pd.Series(float(MAX_LEVEL), index=journey.index)
    for rule in _definitions()["fit"]:
        matches = channel.isin(rule["channels"]) | words.str.contains(
            _words_pattern(rule["words"]), regex=True
        )
        ceiling = ceiling.where(~matches, np.minimum(ceiling, rule["max_level"]))
    return ceiling


def _words_pattern(words: list[str]) -> str:
    """A regular expression matching any of ``words`` as whole words (spaces: any whitespace)."""
    return r"\b(?:" + "|".join(word.replace(" ", r"\s+") for word in words) + r")\b"


def recommendations(journey: pd.DataFrame, language: str) -> pd.DataFrame:
    """Per touchpoint: current and target level, the next incremental step and the policies it needs.

    The next step is ``current + 1``, never beyond the touchpoint's target (nor the top of the
    ladder); a touchpoint at its target has no next step, and neither has one without a declared
    target (``no_target``: the consultant is told to declare it). Touchpoints without a current
    level are ``not_assessed``. A touchpoint below its target but already at the highest level it
    can reach (:func:`fit_ceiling`) is ``unfit``: no step is recommended.
    """
    steps = ladder(language)
    table = journey[["touchpoint_id", "touchpoint", "stage"]].copy()
    table["touchpoint"] = touchpoint_names(journey).to_numpy()  # the client's names, never the ids
    current = (
        journey["participation_level"]
        if "participation_level" in journey
        else pd.Series(np.nan, index=journey.index)
    )
    target = (
        journey["target_participation_level"]
        if "target_participation_level" in journey
        else pd.Series(np.nan, index=journey.index)
    )
    table["current"], table["target"] = current, target
    ceiling = np.minimum(target.clip(upper=MAX_LEVEL), fit_ceiling(journey))
    table["next"] = np.where(current.notna() & (current < ceiling), current + 1, np.nan)
    table["status"] = np.select(
        [current.isna(), target.isna(), table["next"].isna() & (current < target)],
        ["not_assessed", "no_target", "unfit"],
        np.where(table["next"].isna(), "at_target", "step"),
    )
    table["policies"] = table["next"].map(
        lambda level: steps.at[int(level), "policies"] if pd.notna(level) else []
    )
    return table


def ladder_chart(table: pd.DataFrame, t: Translator) -> go.Figure:
    """Touchpoints per ladder level: now, after the recommended step, and at target."""
    steps = ladder(t.language)
    levels = list(steps.index)
    labels = [f"{level} · {steps.at[level, 'name']}" for level in levels]
    after = table["next"].fillna(table["current"])
    figure = go.Figure()
    for series, key, colour in (
        (table["current"], "participation.now", PRIMARY),
        (after, "participation.after_step", "#16A085"),
        (table["target"], "participation.target", ACCENT),
    ):
        counts = series.dropna().astype(int).value_counts().reindex(levels, fill_value=0)
        figure.add_bar(
            x=labels,
            y=counts,
            name=t(key),
            marker_color=colour,
            hovertemplate="%{x}: %{y}<extra>" + t(key) + "</extra>",
        )
    figure.update_layout(
        barmode="group",
        title=t("participation.ladder_title", n=int(table["current"].notna().sum())),
        xaxis_title=t("participation.level_axis"),
        yaxis_title=t("participation.touchpoints_axis"),
    )
    return figure


def recommendation_table(table: pd.DataFrame, t: Translator) -> pd.DataFrame:
    """The touchpoints with a next step, the step and its policies, for the report."""
    steps = ladder(t.language)
    todo = table[table["status"] == "step"].sort_values(["next", "stage"], ascending=[False, True])
    return pd.DataFrame(
        {
            t("journey.col.touchpoint"): todo["touchpoint"].to_numpy(),
            t("journey.col.stage"): todo["stage"].to_numpy(),
            t("participation.col.now"): [
                f"{int(level)} · {steps.at[int(level), 'name']}" for level in todo["current"]
            ],
            t("participation.col.next"): [
                f"{int(level)} · {steps.at[int(level), 'name']}" for level in todo["next"]
            ],
            t("participation.col.target"): [
                f"{int(level)}" if pd.notna(level) else "–" for level in todo["target"]
            ],
            t("participation.col.policies"): [
                ", ".join(t(f"policy.{policy}") for policy in policies) for policies in todo["policies"]
            ],
        }
    )


def infer_archetype(journey: pd.DataFrame, language: str) -> pd.Series:
    """The connected experience suggested by a touchpoint's words (first matching archetype, else
    episodic)."""
    words = fold(
        journey[[c for c in ("touchpoint", "customer_action", "frontstage", "channel") if c in journey]]
        .fillna("")
        .agg(" ".join, axis=1)
    )
    inferred = pd.Series("episodic", index=journey.index)
    for archetype in ARCHETYPES[1:]:  # in order of connectedness: a later, more connected match wins
        keywords = _definitions()["archetype_keywords"][archetype][language]
        inferred[words.str.contains(_words_pattern(keywords), regex=True)] = archetype
    return inferred


def connected_experiences(journey: pd.DataFrame, language: str) -> pd.DataFrame:
    """Per touchpoint: current and potential archetype, whether each was declared or inferred, and
    continuity."""
    inferred = infer_archetype(journey, language)
    declared = (
        journey["archetype"]
        if "archetype" in journey
        else pd.Series(pd.NA, index=journey.index, dtype="string")
    )
    current = declared.fillna(inferred)
    declared_target = (
        journey["target_archetype"]
        if "target_archetype" in journey
        else pd.Series(pd.NA, index=journey.index, dtype="string")
    )
    potential = declared_target.fillna(current.map(NEXT_ARCHETYPE))
    continuous = (
        journey["continuous"].astype("boolean").fillna(current.isin(CONTINUOUS))
        if "continuous" in journey
        else current.isin(CONTINUOUS)
    )
    need = (
        journey["customer_need"].fillna(journey["stage"]) if "customer_need" in journey else journey["stage"]
    )
    return pd.DataFrame(
        {
            "touchpoint_id": journey["touchpoint_id"],
            "touchpoint": journey["touchpoint"],
            "need": need,
            "current": current,
            "current_source": np.where(declared.notna(), "declared", "inferred"),
            "potential": potential,
            "potential_source": np.where(declared_target.notna(), "declared", "inferred"),
            "continuous": continuous.astype(bool),
        }
    )


def continuity_facts(experiences: pd.DataFrame, t: Translator) -> dict[str, str]:
    """Share of continuous touchpoints now and if every potential experience were realised."""
    potential_continuous = experiences["potential"].isin(CONTINUOUS)
    return {
        "n": t.number(len(experiences)),
        "continuous": t.number(int(experiences["continuous"].sum())),
        "share": t.percent(experiences["continuous"].mean(), 0),
        "potential_share": t.percent(potential_continuous.mean(), 0),
        "declared": t.number(int((experiences["current_source"] == "declared").sum())),
    }


def needs_matrix_chart(experiences: pd.DataFrame, t: Translator) -> go.Figure:
    """Which customer needs each connected experience covers: touchpoints per need × archetype, now and
    potential."""
    needs = list(dict.fromkeys(experiences["need"]))
    figure = go.Figure()
    for column, symbol, key, offset in (
        ("current", "circle", "participation.now", -0.15),
        ("potential", "diamond-open", "participation.potential", 0.15),
    ):
        counts = experiences.groupby(["need", column]).size().rename("n").reset_index()
        figure.add_scatter(
            x=[ARCHETYPES.index(a) + offset for a in counts[column]],
            y=counts["need"],
            mode="markers+text",
            text=counts["n"],
            textposition="middle right",
            marker={
                "size": 10 + 5 * counts["n"],
                "symbol": symbol,
                "color": PRIMARY if column == "current" else ACCENT,
            },
            name=t(key),
            hovertemplate="%{y}: %{text}<extra>" + t(key) + "</extra>",
        )
    figure.update_xaxes(
        tickvals=list(range(len(ARCHETYPES))),
        ticktext=[wrapped(t(f"archetype.{a}")) for a in ARCHETYPES],
        range=[-0.6, len(ARCHETYPES) - 0.4],
        title_text=t("participation.archetype_axis"),
    )
    figure.update_yaxes(
        categoryorder="array", categoryarray=needs[::-1], title_text=t("participation.need_axis")
    )
    figure.update_layout(title=t("participation.matrix_title"), height=max(380, 120 + 45 * len(needs)))
    now, potential = continuous_needs(experiences)
    if now == len(needs):  # every need is already continuous: "7 of 7 have, 7 could" would say nothing
        return with_takeaway(
            figure, "participation.takeaway.matrix_all", all=t.plural("participation.count.all", now)
        )
    return with_takeaway(
        figure,
        "participation.takeaway.matrix",
        needs=t.number(len(needs)),
        now=t.plural("participation.count.continuous", now),
        potential=t.plural("participation.count.potential", potential),
    )


def continuous_needs(experiences: pd.DataFrame) -> tuple[int, int]:
    """How many customer needs have a continuous experience (:data:`CONTINUOUS`) now, and how many
    would if every touchpoint's potential were realised.

    The same definition as :func:`continuity_facts`, so the chart's takeaway and the paragraph above
    it cannot disagree: episodic touchpoints and one-off responses to a desire do not keep a
    relationship going (Siggelkow & Terwiesch, 2019, ch. 2).
    """
    now = experiences.loc[experiences["continuous"], "need"].nunique()
    potential = experiences.loc[
        experiences["continuous"] | experiences["potential"].isin(CONTINUOUS), "need"
    ].nunique()
    return int(now), int(potential)


@dataclass
class MythCheck:
    """One myth risk check: ``risk``, ``ok`` or ``not_assessable``, with its evidence sentence keys and
    values."""

    myth: str
    status: str
    evidence: list[tuple[str, dict]] = field(default_factory=list)


def _human_touchpoints(client: Client) -> set[str]:
    journey = client.tables["journey"]
    return set(journey.loc[journey["human_served"].fillna(False).astype(bool), "touchpoint_id"])


def capacity_check(client: Client, t: Translator) -> MythCheck:
    """Myth 1: more connection is always better. Demand on human-served touchpoints, its growth,
    the growth of contacts outside business hours (two-proportion z test) and the load per
    front-office person."""
    if not client.has("interactions", "journey") or "human_served" not in client.tables["journey"]:
        return MythCheck(
            "capacity",
            "not_assessable",
            [("participation.provide", {"what": "interactions + journey.human_served"})],
        )
    interactions = client.tables["interactions"]
    human = interactions[interactions["touchpoint_id"].isin(_human_touchpoints(client))]
    if human.empty:
        return MythCheck("capacity", "ok", [("participation.capacity.no_human", {})])
    weeks = human["timestamp"].dt.to_period("W-SUN")
    weekly = human.groupby(weeks).size()
    first, last = weekly.iloc[:13].mean(), weekly.iloc[-13:].mean()
    growth = last / first - 1
    hour = human["timestamp"].dt.hour
    outside = (
        (hour < BUSINESS_HOURS[0]) | (hour >= BUSINESS_HOURS[1]) | (human["timestamp"].dt.day_of_week >= 5)
    )
    quarter = human["timestamp"].dt.quarter
    early, late = outside[quarter == quarter.min()], outside[quarter == quarter.max()]
    _, p_value = proportions_ztest([late.sum(), early.sum()], [len(late), len(early)], alternative="larger")
    low, high = proportion_interval([early.sum(), late.sum()], [len(early), len(late)])
    rise = late.mean() - early.mean()
    evidence = [
        (
            "participation.capacity.volume",
            {"first": t.number(first), "last": t.number(last), "growth": t.percent(growth, 0)},
        ),
        (
            "participation.capacity.hours",
            {
                "early": t.interval(early.mean(), low[0], high[0], percent=True),
                "n_early": t.number(len(early)),
                "late": t.interval(late.mean(), low[1], high[1], percent=True),
                "n_late": t.number(len(late)),
                "p": t.p_value(p_value),
            },
        ),
    ]
    if client.has("employees") and "office" in client.tables["employees"]:
        front = int((client.tables["employees"]["office"] == "front").sum())
        if front:
            evidence.append(
                (
                    "participation.capacity.load",
                    {"load": t.number(last / front, 1), "people": t.number(front)},
                )
            )
    risky = growth > VOLUME_GROWTH_RISK or (p_value < 0.05 and rise > OUT_OF_HOURS_RISE)
    return MythCheck("capacity", "risk" if risky else "ok", evidence)


def data_check(client: Client, t: Translator) -> MythCheck:
    """Myth 2: more data is better. Measures without a pain point or KPI, pain points no measure covers,
    unused survey columns."""
    if not client.has("journey") or not (client.has("interactions") or client.has("survey")):
        return MythCheck(
            "data",
            "not_assessable",
            [("participation.provide", {"what": "journey + interactions or survey"})],
        )
    journey = client.tables["journey"].set_index("touchpoint_id")
    measured = (
        set(client.tables["interactions"]["touchpoint_id"].dropna()) if client.has("interactions") else set()
    )
    if client.has("survey") and "touchpoint_id" in client.tables["survey"]:
        measured |= set(client.tables["survey"]["touchpoint_id"].dropna())
    has_purpose = (
        journey.get("pain_point", pd.Series(index=journey.index, dtype="string")).notna()
        | journey.get("kpi", pd.Series(index=journey.index, dtype="string")).notna()
    )
    without_purpose = sorted(tp for tp in measured if tp in journey.index and not has_purpose[tp])
    pains = journey.index[journey.get("pain_point", pd.Series(index=journey.index, dtype="string")).notna()]
    uncovered = sorted(set(pains) - measured)
    unused = client.unused_columns.get("survey", [])
    evidence = [
        (
            "participation.data.purpose",
            {
                "n": t.number(len(without_purpose)),
                "measured": t.number(len(measured)),
                "examples": ", ".join(without_purpose[:5]) or "–",
            },
        ),
        (
            "participation.data.uncovered",
            {
                "n": t.number(len(uncovered)),
                "pains": t.number(len(pains)),
                "examples": ", ".join(uncovered[:5]) or "–",
            },
        ),
    ]
    if client.has("survey"):
        evidence.append(
            (
                "participation.data.unused",
                {"n": t.number(len(unused)), "examples": ", ".join(unused[:5]) or "–"},
            )
        )
    risky = bool(uncovered) or len(without_purpose) > 0.25 * max(len(measured), 1) or bool(unused)
    return MythCheck("data", "risk" if risky else "ok", evidence)


def complexity_check(client: Client, t: Translator) -> MythCheck:
    """Myth 3: connected experiences are add-ons. Channels per customer task; tasks served through
    :data:`REDUNDANT_CHANNELS` or more channels add cost and complexity."""
    journey = client.tables["journey"] if client.has("journey") else None
    if journey is None or "customer_action" not in journey or journey["customer_action"].isna().all():
        return MythCheck(
            "complexity", "not_assessable", [("participation.provide", {"what": "journey.customer_action"})]
        )
    channels = (
        journey.dropna(subset=["customer_action"])
        .groupby("customer_action")["channel"]
        .nunique()
        .sort_values(ascending=False)
    )
    redundant = channels[channels >= REDUNDANT_CHANNELS]
    evidence = [
        (
            "participation.complexity.tasks",
            {
                "tasks": t.number(len(channels)),
                "mean": t.number(channels.mean(), 1),
                "redundant": t.number(len(redundant)),
                "examples": listed([f"{task} ({n})" for task, n in redundant.items()], t, REDUNDANT_EXAMPLES),
            },
        )
    ]
    return MythCheck("complexity", "risk" if len(redundant) else "ok", evidence)


def listed(items: list[str], t: Translator, limit: int) -> str:
    """``items`` joined for a sentence: the first ``limit`` and, when there are more, how many more
    (so a count stated before the list always matches it); ``–`` when there is none."""
    if not items:
        return "–"
    shown = "; ".join(items[:limit])
    rest = len(items) - limit
    return shown if rest <= 0 else f"{shown}; {t.plural('participation.count.more', rest)}"


def internal_check(client: Client, t: Translator) -> MythCheck:
    """Myth 4: connected experiences are only for external customers. Are internal journeys (legal, IT, HR)
    mapped at all?"""
    if not client.has("journey"):
        return MythCheck("internal", "not_assessable", [("participation.provide", {"what": "journey"})])
    journey = client.tables["journey"]
    internal = (
        journey["internal"].fillna(False).astype(bool)
        if "internal" in journey
        else pd.Series(False, index=journey.index)
    )
    if internal.any():
        return MythCheck(
            "internal",
            "ok",
            [
                (
                    "participation.internal.mapped",
                    {
                        "n": t.number(int(internal.sum())),
                        "stages": ", ".join(journey.loc[internal, "stage"].unique()),
                    },
                )
            ],
        )
    return MythCheck("internal", "risk", [("participation.internal.none", {})])


def myth_checks(client: Client, t: Translator) -> list[MythCheck]:
    """The four myth checks in the order of the source article."""
    return [
        capacity_check(client, t),
        data_check(client, t),
        complexity_check(client, t),
        internal_check(client, t),
    ]


def myth_table(checks: list[MythCheck], t: Translator) -> pd.DataFrame:
    """The checks as a report table: myth, status and evidence sentences."""
    return pd.DataFrame(
        {
            t("participation.col.myth"): [t(f"participation.myth.{check.myth}") for check in checks],
            t("participation.col.status"): [t(f"participation.status.{check.status}") for check in checks],
            t("participation.col.evidence"): [
                " ".join(t(key, **values) for key, values in check.evidence) for check in checks
            ],
        }
    )


def willingness(client: Client, by: str = "segment") -> pd.DataFrame | None:
    """Share of customers willing to participate, by segment dimension ``by``, with Wilson
    intervals, weighted with survey weights (``None`` if participation or the dimension is not
    mapped)."""
    survey = client.tables["survey"] if client.has("survey") else None
    if survey is None or "participation" not in survey or by not in survey:
        return None
    scale = client.survey_scales.get("participation")
    flags = (
        survey["participation"]
        if scale is None or scale.is_binary
        else top_two_box(survey["participation"], scale.bounds[1])
    )
    return share_by(survey, flags, by)


def willingness_chart(table: pd.DataFrame, t: Translator, by: str = "segment") -> go.Figure:
    """Willingness to participate by segment dimension ``by`` (share with Wilson interval and n)."""
    return interval_bars(
        table,
        t("participation.willingness_title", group=t.inline(t(f"overview.axis.{by}"))),
        t("participation.willingness_axis"),
        t(f"overview.axis.{by}"),
        t,
        percent=True,
        value_range=(0, 1),
    )


def ladder_table(t: Translator, industry: str | None = None) -> pd.DataFrame:
    """The ladder itself, for the report, with examples of ``industry`` (:func:`ladder`)."""
    steps = ladder(t.language, industry)
    return pd.DataFrame(
        {
            t("participation.col.level"): steps.index,
            t("participation.col.name"): steps["name"].to_numpy(),
            t("participation.col.description"): steps["description"].to_numpy(),
            t("participation.col.example"): steps["example"].replace("", "–").to_numpy(),
            t("participation.col.policies"): [
                ", ".join(t(f"policy.{p}") for p in policies) or "–" for policies in steps["policies"]
            ],
        }
    )


def step_counts(table: pd.DataFrame) -> dict[str, int]:
    """How many touchpoints have a next step, are at target, lack a current level or a target, or
    are already as high as what they are allows (``unfit``)."""
    counts = table["status"].value_counts()
    return {
        "steps": int(counts.get("step", 0)),
        "at_target": int(counts.get("at_target", 0)),
        "open": int(counts.get("not_assessed", 0) + counts.get("no_target", 0)),
        "unfit": int(counts.get("unfit", 0)),
    }


def touchpoints_with(table: pd.DataFrame, status: str) -> str:
    """The touchpoints of one ``status`` (``not_assessed``, ``no_target``), named for the
    consultant's check (``''`` when there is none)."""
    rows = table[table["status"] == status]
    return ", ".join(rows["touchpoint"] + " (" + rows["touchpoint_id"] + ")")


def step_results(checks: list[MythCheck], experiences: pd.DataFrame) -> dict:
    """What the participation step publishes (myth statuses, continuity)."""
    return {
        "myths": {check.myth: check.status for check in checks},
        "continuous_share": float(experiences["continuous"].mean()),
        "touchpoints": len(experiences),
    }
