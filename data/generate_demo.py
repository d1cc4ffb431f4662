"""Generate the committed demo clients (seeded, so every run writes the same files).

Run ``python data/generate_demo.py``. Two clients are written under ``data/clients/``:

* ``demo``: Banco Meridiano, a Mexican retail bank, reported in Spanish. Its survey is a
  ``;``-separated cp1252 export with Spanish column names, day-first dates and decimal commas,
  exactly as Excel in Mexico writes it.
* ``northwind``: Northwind Mobile, a British mobile operator, reported in English, with a UTF-8
  survey whose columns and scales (1-7 satisfaction, yes/no resolution) differ from the canonical ones,
  and an Excel ``units.xlsx``.

Planted structure that later steps must find (and the tests check):

* NPS is driven by two pillars per client (demo: resolution and personalisation; northwind:
  time & effort and expectations); the other pillars barely matter.
* Two stages per client are moments of truth: there, the touchpoint's own satisfaction moves NPS
  (demo: "Soporte" and "Resolución de problemas"; northwind: "Set up" and "Get help").
* One touchpoint degrades mid-year (demo ``TP-APP-03`` from 2025-07-01; northwind ``TP07`` from
  2025-06-01).
* Employee experience per unit drives customer experience per unit, which drives retention.
* One initiative (a CRM) touches no pillar, touchpoint or pain point: it has no experience case.
* ``demo-seguimiento`` is the bank's follow-up wave a year later (2026, ``baseline: demo``): after
  the first wave of initiatives, customers rate Resolution and Time & effort clearly higher, the
  transfer touchpoint is fixed; the other pillars are generated as before and move only by a
  point or two (a new sample of units and customers).
* Leaders rate Time & effort highly in the self-assessment while customers rate it lowest (demo).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from demo_specs import SPECS, DemoSpec  # data/demo_specs.py, beside this script

from cxlib.core.method import PILLARS

CLIENTS_DIR = Path(__file__).resolve().parent / "clients"


def _latent_pillars(
    rng: np.random.Generator, n: int, unit_effect: np.ndarray, pillar_means: dict[str, float]
) -> pd.DataFrame:
    """Pillar perceptions on a 0..1 scale: a general halo, a unit effect, and pillar-specific noise."""
    halo = rng.normal(0, 0.12, n)
    return pd.DataFrame(
        {
            p: np.clip(pillar_means[p] + halo + 0.5 * unit_effect + rng.normal(0, 0.17, n), 0, 1)
            for p in PILLARS
        }
    )


def _to_scale(share: np.ndarray, low: int, high: int, rng: np.random.Generator) -> np.ndarray:
    return np.clip(np.rint(low + share * (high - low) + rng.normal(0, 0.35, len(share))), low, high).astype(
        int
    )


def make_survey(
    spec: DemoSpec, rng: np.random.Generator, unit_ex: pd.Series, touchpoints: pd.DataFrame
) -> pd.DataFrame:
    n = spec.n_responses
    units = rng.choice(spec.units, n)
    unit_effect = 0.12 * unit_ex.reindex(units).to_numpy()
    pillar_means = {p: 0.62 for p in PILLARS} | spec.assessment.get("customer_means", {})
    pillars = _latent_pillars(rng, n, unit_effect, pillar_means)
    weights = np.array([spec.driver_weights[p] for p in PILLARS])
    drive = pillars.to_numpy() @ weights / weights.sum()
    chosen_tp = touchpoints.sample(n, replace=True, random_state=spec.seed)
    # Moments of truth: at these stages, how the touchpoint itself went moves recommendation strongly.
    # Elsewhere an equally large part of NPS is unrelated to the touchpoint, so CSAT tracks NPS less.
    touchpoint_experience = rng.normal(0, 0.1, n)
    at_moment = chosen_tp["stage"].isin(spec.moment_stages).to_numpy()
    unrelated = rng.normal(0, 0.1, n)
    nps = np.clip(
        np.rint(
            10 * drive
            + 1.2
            + 15 * np.where(at_moment, touchpoint_experience, unrelated)
            + rng.normal(0, 0.7, n)
        ),
        0,
        10,
    ).astype(int)
    csat = _to_scale(np.clip(drive + touchpoint_experience, 0, 1), *spec.csat_scale, rng)
    ces = _to_scale(np.clip(1 - pillars["time_effort"] + rng.normal(0, 0.1, n), 0, 1), 1, 7, rng)
    yes_label = "Sí" if spec.config["language"] == "es" else "Yes"
    satisfied = np.where(drive + rng.normal(0, 0.1, n) > 0.55, yes_label, "No")
    dates = spec.year_start + pd.to_timedelta(rng.uniform(0, 364.99, n), unit="D")
    group = np.select([nps >= 9, nps >= 7], ["promoter", "passive"], "detractor")
    pick = {g: rng.choice(spec.comments[g], n) for g in ("detractor", "passive", "promoter")}
    texts = np.select(
        [group == "promoter", group == "passive"], [pick["promoter"], pick["passive"]], pick["detractor"]
    )
    texts = np.where(rng.random(n) < 0.62, texts, "")
    segments = rng.choice(spec.config["segments"], n, p=[0.6, 0.25, 0.15])
    columns = spec.survey_columns
    survey = pd.DataFrame(
        {
            columns["response_id"]: [f"{spec.slug[:2].upper()}{i:06d}" for i in range(1, n + 1)],
            columns["date"]: dates.strftime(spec.survey_format["date_format"]),
            columns["segment"]: segments,
            columns["channel"]: chosen_tp["channel"].to_numpy(),
            columns["unit"]: units,
            columns["stage"]: chosen_tp["stage"].to_numpy(),
            columns["touchpoint_id"]: chosen_tp["touchpoint_id"].to_numpy(),
            columns["nps"]: nps,
            columns["csat"]: csat,
            columns["ces"]: ces,
            columns["satisfied"]: satisfied,
        }
    )
    for pillar in PILLARS:
        survey[spec.item_columns[pillar]] = _to_scale(pillars[pillar].to_numpy(), *spec.item_scale, rng)
    survey[columns["comment"]] = texts
    tenure = np.round(rng.gamma(2.0, 3.0, n), 1)
    survey[columns["tenure_years"]] = (
        [f"{t:.1f}".replace(".", ",") for t in tenure] if spec.survey_format["decimal"] == "," else tenure
    )
    survey[columns["products"]] = rng.integers(1, 6, n)
    item = spec.participation_item
    willing = np.clip(
        0.25 + 0.2 * (segments == spec.config["segments"][1]) + 0.3 * (drive - 0.6), 0, 1
    ) > rng.random(n)
    survey[item["column"]] = (
        np.where(willing, yes_label, "No")
        if item["scale"] == "yes/no"
        else np.clip(np.rint(2.5 + 2 * willing + rng.normal(0, 0.8, n)), 1, 5).astype(int)
    )
    # Cross-sell: promoters take another product more often (its own random stream, so every other
    # column keeps its draws).
    buying = np.random.default_rng(spec.seed + 1)
    took = buying.random(n) < np.clip(0.18 + 0.14 * (nps >= 9) - 0.08 * (nps <= 6), 0, 1)
    survey[columns["cross_sell"]] = np.where(took, yes_label, "No")
    survey.loc[rng.random(n) < 0.03, columns["segment"]] = ""  # real exports have gaps
    return survey.sort_values(columns["response_id"])


def make_journey(spec: DemoSpec, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    texts = spec.journey_texts
    for order, (stage, touchpoints) in enumerate(spec.stages + spec.internal_stages, start=1):
        for tp_id, touchpoint, channel in touchpoints:
            human = channel in texts["human_channels"]
            pain = rng.random() < 0.45
            rows.append(
                {
                    "stage": stage,
                    "stage_order": order,
                    "touchpoint_id": tp_id,
                    "touchpoint": touchpoint,
                    "channel": channel,
                    "owner": rng.choice(texts["owners"]),
                    "customer_action": rng.choice(texts["actions"]),
                    "frontstage": rng.choice(texts["frontstage"]),
                    "backstage": rng.choice(texts["backstage"]),
                    "support_process": rng.choice(texts["support"]),
                    "kpi": rng.choice(texts["kpis"]),
                    "pain_point": rng.choice(texts["pains"]) if pain else "",
                    "pain_severity": int(rng.integers(2, 6)) if pain else "",
                    "opportunity": rng.choice(texts["opportunities"]) if rng.random() < 0.5 else "",
                    "moment_of_truth": "yes"
                    if tp_id == spec.degrading_touchpoint or rng.random() < 0.2
                    else "no",
                    "declared_emotion": int(rng.integers(-2, 3)),
                    "human_served": "yes" if human else "no",
                    "internal": "yes" if stage in dict(spec.internal_stages) else "no",
                    "value_promise": texts["promise"],
                    "customer_need": spec.needs.get(stage, stage),
                    "participation_level": int(rng.choice([0, 1, 1, 2, 2, 3])),
                    "archetype": rng.choice(
                        ["respond_to_desire", "curated_offering", "coach_behaviour", "episodic", ""],
                        p=[0.25, 0.1, 0.1, 0.35, 0.2],
                    ),
                }
            )
    journey = pd.DataFrame(rows)
    targets = rng.random(len(journey)) < 0.4
    journey["target_participation_level"] = np.where(
        targets, np.minimum(journey["participation_level"] + rng.integers(1, 3, len(journey)), 5), pd.NA
    )
    journey["target_archetype"] = np.where(
        rng.random(len(journey)) < 0.3,
        rng.choice(["coach_behaviour", "automatic_execution", "curated_offering"], len(journey)),
        "",
    )
    return journey


def make_interactions(spec: DemoSpec, rng: np.random.Generator, journey: pd.DataFrame) -> pd.DataFrame:
    days = 365
    n = spec.interactions_per_day * days
    touchpoint_quality = pd.Series(rng.uniform(0.62, 0.85, len(journey)), index=journey["touchpoint_id"])
    tp = rng.choice(journey["touchpoint_id"].to_numpy(), n)
    day = rng.integers(0, days, n)
    # Contacts cluster in business hours (9-19); on human-served channels the share outside them grows over
    # the year when the spec plants a capacity risk (myth 1: more connection floods fixed staff).
    human = journey.set_index("touchpoint_id")["human_served"].eq("yes").reindex(tp).to_numpy()
    out_of_hours = 0.1 + np.where(human, spec.out_of_hours_growth * day / days, 0.0)
    late = rng.random(n) < out_of_hours
    hour = np.where(late, rng.choice(np.r_[0:8, 20:24], n), rng.integers(9, 19, n)) + rng.random(n)
    timestamp = spec.year_start + pd.to_timedelta(day, unit="D") + pd.to_timedelta(hour, unit="h")
    quality = touchpoint_quality.reindex(tp).to_numpy()
    degraded = (tp == spec.degrading_touchpoint) & (timestamp >= pd.Timestamp(spec.degrade_from))
    quality = np.where(degraded, quality - 0.22, quality)
    score = np.clip(np.rint(1 + 4 * quality + rng.normal(0, 0.7, n)), 1, 5).astype(int)
    success = np.where(rng.random(n) < quality + 0.1, "yes", "no")
    duration = np.round(rng.gamma(2.0, 120.0, n) * np.where(degraded, 1.6, 1.0))
    frame = pd.DataFrame(
        {
            "timestamp": timestamp.floor("s"),
            "touchpoint_id": tp,
            "score": score,
            "success": success,
            "duration_seconds": duration.astype(int),
        }
    )
    return frame.sort_values("timestamp").assign(
        timestamp=lambda f: f["timestamp"].dt.strftime("%Y-%m-%d %H:%M:%S")
    )


def make_employees(spec: DemoSpec, rng: np.random.Generator, unit_ex: pd.Series) -> pd.DataFrame:
    n = spec.n_employees
    units = rng.choice(spec.units, n)
    role_index = rng.choice(len(spec.roles), n, p=None)
    ex = unit_ex.reindex(units).to_numpy() + rng.normal(0, 0.9, n)
    frame = pd.DataFrame(
        {
            "respondent_id": [f"E{i:04d}" for i in range(1, n + 1)],
            "unit": units,
            "role": [spec.roles[i][0] for i in role_index],
            "office": [spec.roles[i][1] for i in role_index],
            "enps": np.clip(np.rint(7 + 1.3 * ex), 0, 10).astype(int),
            "engagement": np.clip(np.rint(3.5 + 0.6 * ex), 1, 5).astype(int),
        }
    )
    for pillar in PILLARS:
        frame[f"enable_{pillar}"] = np.clip(np.rint(3.3 + 0.5 * ex + rng.normal(0, 0.7, n)), 1, 5).astype(int)
    culture = rng.normal(0, 1, n) + 0.5 * ex
    spanish = spec.config["language"] == "es"
    culture_items = (
        ("enfoque_en_el_cliente", "autonomía", "reconocimiento")
        if spanish
        else ("customer_focus", "autonomy", "recognition")
    )
    behaviour_items = (
        ("va_más_allá", "comparte_aprendizajes") if spanish else ("goes_extra_mile", "shares_feedback")
    )
    for item in (f"culture_{name}" for name in culture_items):
        frame[item] = np.clip(np.rint(3.4 + 0.7 * culture + rng.normal(0, 0.6, n)), 1, 5).astype(int)
    for item in (f"behaviour_{name}" for name in behaviour_items):
        frame[item] = np.clip(np.rint(3.3 + 0.6 * culture + rng.normal(0, 0.7, n)), 1, 5).astype(int)
    return frame


def make_units(spec: DemoSpec, rng: np.random.Generator, unit_ex: pd.Series) -> pd.DataFrame:
    cx = 0.7 * unit_ex + rng.normal(0, 0.5, len(unit_ex))
    customers = rng.integers(4000, 30000, len(unit_ex))
    return pd.DataFrame(
        {
            "unit": unit_ex.index,
            "region": [
                spec.config["_regions"][i % len(spec.config["_regions"])] for i in range(len(unit_ex))
            ],
            "customers": customers,
            "retention": np.round(np.clip(0.84 + 0.03 * cx + rng.normal(0, 0.01, len(cx)), 0, 1), 3),
            "revenue": np.round(customers * rng.uniform(90, 140, len(cx)) * (1 + 0.05 * cx), -2),
            "complaints": np.clip(np.rint(customers / 400 * (1 - 0.25 * cx)), 0, None).astype(int),
        }
    )


def make_assessment(spec: DemoSpec, rng: np.random.Generator) -> pd.DataFrame:
    plan = spec.assessment
    rows = []
    for respondent, area in plan["respondents"]:
        for pillar, prefix in zip(PILLARS, plan["item_prefixes"], strict=True):
            for number in range(1, 5):
                mean = plan["self_means"][pillar]
                score = int(np.clip(np.rint(mean + rng.normal(0, 0.8)), 1, 5))
                evidence = rng.choice(plan["evidence"]) if rng.random() > 0.18 else ""
                rows.append(
                    {
                        "respondent": respondent,
                        "area": area,
                        "pillar": plan["pillar_labels"][pillar],
                        "item_id": f"{prefix}{number}",
                        "score": score,
                        "evidence": evidence,
                        "date": plan["date"],
                    }
                )
    return pd.DataFrame(rows)


def make_logo(name: str, colour: str, path: Path) -> None:
    """A plain word-mark logo: the client's name in white on its brand colour (Pillow's own font)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=44)
    width = int(font.getlength(name)) + 48
    image = Image.new("RGB", (width, 80), colour)
    ImageDraw.Draw(image).text((24, 40), name, fill="white", font=font, anchor="lm")
    image.save(path, optimize=True)


def write_client(spec: DemoSpec) -> None:
    rng = np.random.default_rng(spec.seed)
    folder = CLIENTS_DIR / spec.slug
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*"):
        old.unlink()
    config = {key: value for key, value in spec.config.items() if not key.startswith("_")}
    header = f"# Demo client generated by data/generate_demo.py (seed {spec.seed}); do not edit by hand.\n"
    (folder / "client.yaml").write_text(
        header + yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    if "brand" in config:
        make_logo(config["name"], config["brand"]["primary"], folder / config["brand"]["logo"])
    unit_ex = pd.Series(rng.normal(0, 1, len(spec.units)), index=spec.units)
    journey = make_journey(spec, rng)
    touchpoints = journey[["stage", "touchpoint_id", "channel"]]
    fmt = spec.survey_format
    survey = make_survey(spec, rng, unit_ex, touchpoints)
    survey.to_csv(
        folder / "survey.csv",
        sep=fmt["sep"],
        encoding=fmt["encoding"],
        index=False,
        quoting=csv.QUOTE_MINIMAL,
    )
    journey.to_csv(folder / "journey.csv", index=False)
    make_interactions(spec, rng, journey).to_csv(folder / "interactions.csv", index=False)
    make_employees(spec, rng, unit_ex).to_csv(folder / "employees.csv", index=False)
    units = make_units(spec, rng, unit_ex)
    if spec.config["language"] == "en":
        units.to_excel(folder / "units.xlsx", index=False)
    else:
        units.to_csv(folder / "units.csv", index=False)
    make_assessment(spec, rng).to_csv(folder / "assessment.csv", index=False)
    pd.DataFrame(spec.initiatives).to_csv(folder / "initiatives.csv", index=False)
    ecosystem = pd.DataFrame(spec.ecosystem, columns=["dimension", "score", "evidence"])
    if spec.ecosystem_over_time:
        ecosystem[["score_past", "score_target"]] = spec.ecosystem_over_time
    ecosystem.to_csv(folder / "ecosystem.csv", index=False)
    print(f"wrote {folder}")


if __name__ == "__main__":
    for demo_spec in SPECS:
        write_client(demo_spec)
