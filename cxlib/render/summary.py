"""The executive summary on the client's ``index.html`` and the comparison with a baseline run.

Findings are sentences from the catalogue filled with the figures the steps published
(:mod:`cxlib.results`): each carries its value, interval and n, and links to the detail. Nothing
is written for a particular client. :func:`progress` compares this run with a baseline run of the
same client (``baseline`` in ``client.yaml``) and tests every change: NPS with the two-sample
adjusted-Wald test (Rocks 2016), CSAT with a two-proportion z test, means with Welch's t test, and
Bonferroni's correction across all of them, with simultaneous intervals.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats
from statsmodels.stats.proportion import proportions_ztest

from cxlib.core.i18n import Translator
from cxlib.inputs.outcomes import model_label
from cxlib.render.consistency import current_alarms, reconcile, target_source
from cxlib.render.results import frame as results_frame
from cxlib.render.results import load
from cxlib.stats.estimators import SMALL_SAMPLE
from cxlib.stats.metrics import bonferroni, difference_test, nps_components, simultaneous_level

TOP = 2


@dataclass(frozen=True)
class Finding:
    """One sentence of the summary, and the page (and anchor) with the detail."""

    section: str
    text: str
    href: str


def findings(report_dir: Path, t: Translator) -> list[Finding]:
    """The key findings of every step that published results, in method order."""
    found: list[Finding] = []
    diagnosis = load(report_dir, "01_diagnosis")
    if diagnosis:
        metrics = diagnosis["metrics"]
        for name, metric in metrics.items():
            caution = f" {t('diagnosis.small')}" if metric["n"] < SMALL_SAMPLE else ""
            caution += f" {t('summary.ces_direction')}" if name == "ces" else ""
            found.append(
                Finding(
                    "summary.section.metrics",
                    t(
                        "summary.metric",
                        metric=t(f"metric.{name}"),
                        value=t.interval(
                            metric["value"], metric["low"], metric["high"], 2 if name == "ces" else 1
                        ),
                        n=t.number(metric["n"]),
                    )
                    + caution,
                    "01_diagnosis.html",
                )
            )
        pillars = results_frame(diagnosis["pillars"])
        if "gap" in pillars:
            for pillar, row in pillars[pillars["gap"] > 0].nlargest(TOP, "gap").iterrows():
                found.append(
                    Finding(
                        "summary.section.gaps",
                        t(
                            "summary.gap",
                            pillar=t(f"pillar.{pillar}"),
                            gap=t.number(row["gap"], 1),
                            current=t.interval(row["current"], row["low"], row["high"]),
                            target=t.number(row["target"], 0),
                            n=t.number(row["n"]),
                            source=target_source(row["source"], row.get("units"), t),
                        ),
                        "01_diagnosis.html#targets",
                    )
                )
        if "share" in pillars and diagnosis.get("explains") is False:
            found.append(
                Finding(
                    "summary.section.drivers",
                    t(
                        "summary.no_drivers",
                        outcome=model_label(diagnosis, t),
                        r2=t.interval(
                            diagnosis["r2"], diagnosis["r2_low"], diagnosis["r2_high"], 1, percent=True
                        ),
                        n=t.number(diagnosis["n_drivers"]),
                    ),
                    "01_diagnosis.html#drivers",
                )
            )
        elif "share" in pillars and diagnosis.get("r2"):
            for pillar, row in pillars.nlargest(TOP, "share").iterrows():
                found.append(
                    Finding(
                        "summary.section.drivers",
                        t(
                            "summary.driver",
                            pillar=t(f"pillar.{pillar}"),
                            outcome=model_label(diagnosis, t),
                            share=t.interval(
                                row["share"], row["share_low"], row["share_high"], 0, percent=True
                            ),
                            n=t.number(diagnosis["n_drivers"]),
                        ),
                        "01_diagnosis.html#drivers",
                    )
                )
        found += _league_findings(diagnosis.get("league") or {}, t)
        sentence = emotion_sentence(diagnosis.get("emotions"), t)
        if sentence:
            found.append(Finding("summary.section.emotions", sentence, "01_diagnosis.html#comment-emotions"))
    journey = load(report_dir, "03_journey")
    if journey and journey.get("alarms") is not None:
        alarms = current_alarms(journey)  # never an episode that ended
        for alarm in alarms:
            value = (lambda x: t.percent(x, 1)) if alarm["metric"] == "rate" else (lambda x: t.number(x, 2))
            found.append(
                Finding(
                    "summary.section.alarms",
                    t(
                        "summary.alarm",
                        touchpoint=alarm["touchpoint"],
                        metric=t(f"journey.metric.{alarm['metric']}"),
                        since=t.date(pd.Timestamp(alarm["since"])),
                        worst=value(alarm["worst"]),
                        centre=value(alarm["centre"]),
                        limit=value(alarm["limit"]),
                        promise=alarm["promise"] or t("journey.no_promise"),
                    ),
                    "03_journey.html#alerts",
                )
            )
        if not alarms:
            found.append(
                Finding("summary.section.alarms", t("journey.none_in_alarm"), "03_journey.html#alerts")
            )
    found += _hypothesis_findings((journey or {}).get("hypotheses") or [], t)
    chain = load(report_dir, "04_human_value_chain")
    if chain and chain.get("enps"):
        enps = chain["enps"]
        found.append(
            Finding(
                "summary.section.ex_cx",
                t(
                    "summary.enps",
                    value=t.interval(enps["value"], enps["low"], enps["high"]),
                    n=t.number(enps["n"]),
                )
                + (f" {t('diagnosis.small')}" if enps["n"] < SMALL_SAMPLE else ""),
                "04_human_value_chain.html",
            )
        )
    if chain and chain.get("ex_cx"):
        link = chain["ex_cx"]
        found.append(
            Finding(
                "summary.section.ex_cx",
                t(
                    "summary.ex_cx_yes" if link["finding"] else "summary.ex_cx_no",
                    measure=t(f"value_chain.measure.{chain['ex_measure']}"),
                    r=t.interval(link["r"], link["low"], link["high"], 2),
                    n=link["n"],
                ),
                "04_human_value_chain.html#linkage",
            )
        )
    found += [
        Finding("summary.section.consistency", found_by_rule.text, found_by_rule.href)
        for found_by_rule in reconcile(report_dir, t)
        if not found_by_rule.check
    ]
    plan = load(report_dir, "05_action_plan")
    if plan:
        initiatives = results_frame(plan["initiatives"])
        ranked = initiatives.sort_values("impact_per_million", ascending=False)
        for _, row in ranked[~ranked["no_experience_case"].astype(bool)].head(3).iterrows():
            found.append(
                Finding(
                    "summary.section.initiatives",
                    t(
                        "summary.initiative",
                        name=row["name"],
                        outcome=t(f"metric.{plan['outcome']}"),
                        impact=t.interval(row["impact"], row["impact_low"], row["impact_high"]),
                        cost=t.money(row["cost"], plan["currency"]),
                        wave=int(row["wave"]) if pd.notna(row["wave"]) else "–",
                    ),
                    "05_action_plan.html#initiatives",
                )
            )
        no_case = initiatives.loc[initiatives["no_experience_case"].astype(bool), "name"]
        if len(no_case):
            found.append(
                Finding(
                    "summary.section.initiatives",
                    t.plural("plan.no_case_sentence", len(no_case), names=", ".join(no_case)),
                    "05_action_plan.html#initiatives",
                )
            )
        found += _backtest_findings(plan, t)
    return found


def leader(shares: list[dict]) -> tuple[dict, dict | None]:
    """The largest of ``shares`` (each with ``share`` and its interval's ``low`` and ``high``) and,
    when its interval overlaps the next largest one's, that next one: ``None`` when the largest
    stands clear of it (its lower bound above the other's upper bound), so that "the most frequent"
    is said only of a share the data set apart (Schenker, N., and Gentleman, J. F. (2001), "On judging
    the significance of differences by examining the overlap between confidence intervals", *The
    American Statistician* 55(3): non-overlapping 95 % intervals differ at least at the 5 % level).

    Raises
    ------
    ValueError
        When ``shares`` is empty.
    """
    ranked = sorted(shares, key=lambda share: share["share"], reverse=True)
    top = ranked[0]
    second = ranked[1] if len(ranked) > 1 else None
    return top, second if second is not None and top["low"] <= second["high"] else None


def emotion_sentence(emotions: dict | None, t: Translator) -> str | None:
    """The emotions' sentence of the summary and the deck (:func:`cxlib.steps.emotions.published`):
    the emotion that goes with a lower outcome, with its share of the comments (Wilson interval, n)
    and the difference with its simultaneous interval, when step 01 found one (never on shuffled
    ratings); otherwise the most frequent emotion with its share when its interval stands clear of
    the next one's (:func:`leader`), else the two with similar shares, and that none goes with a
    lower outcome. ``None`` without comments or without any emotion in them."""
    if not emotions or not emotions.get("comments") or not emotions["shares"]:
        return None
    shares = emotions["shares"]
    lower = emotions.get("lower")
    top, similar = leader([{"emotion": name} | share for name, share in shares.items()])
    name = lower["emotion"] if lower else top["emotion"]
    share = shares[name]
    values = {
        "emotion": t(f"emotions.name.{name}"),
        "share": t.interval(share["share"], share["low"], share["high"], percent=True),
        "n": t.number(share["n"]),
    }
    caution = f" {t('diagnosis.small')}" if share["n"] < SMALL_SAMPLE else ""
    if lower:
        difference = t.interval(lower["difference"], lower["low"], lower["high"], 1)
        metric = t(f"metric.{emotions['metric']}")
        return t("summary.emotion_lower", metric=metric, difference=difference, **values) + caution
    if similar is not None:
        values |= {
            "other": t.inline(t(f"emotions.name.{similar['emotion']}")),
            "other_share": t.interval(similar["share"], similar["low"], similar["high"], percent=True),
        }
    sentence = t("summary.emotion_similar" if similar else "summary.emotion_common", **values) + caution
    if emotions.get("metric"):
        sentence += " " + t("summary.emotion_no_lower", metric=t(f"metric.{emotions['metric']}"))
    return sentence


def _hypothesis_findings(hypotheses: list[dict], t: Translator) -> list[Finding]:
    """One sentence per strategic hypothesis the journey step tested: its verdict and what was
    measured, with its interval and n (:mod:`cxlib.steps.hypotheses` publishes them). Those the
    data could not test carry no figure: the journey page lists them, the summary does not."""
    found = []
    for tested in hypotheses:
        if tested["verdict"] == "not_testable":
            continue
        value = t.interval(tested["effect"], tested["low"], tested["high"], tested["decimals"])
        text = t(
            "summary.hypothesis",
            statement=tested["statement"],
            verdict=t(f"hypotheses.verdict.{tested['verdict']}"),
            measured=t(f"hypotheses.unit.{tested['unit']}", value=value),
            n=t.number(tested["n"]),
        )
        found.append(Finding("summary.section.hypotheses", text, "03_journey.html#hypotheses"))
    return found


def rank_text(rank: int, low: int, high: int, units: int, t: Translator) -> str:
    """A rank with its 95 % interval and the number ranked, ``4 (2–9) of 14``: never a rank alone."""
    return t(
        "units.rank_cell", rank=t.number(rank), low=t.number(low), high=t.number(high), units=t.number(units)
    )


def spread_text(metric: str, published: dict, t: Translator) -> str:
    """How far apart the units are on ``metric``, from its published league (``ends``, ``phi``…, as
    :func:`cxlib.steps.units.league_results` writes it): the best and the worst unit, each with its
    value, interval, n and rank interval, and whether the units differ more than sampling noise
    explains (the over-dispersion test: φ and its p)."""
    decimals = 2 if metric == "ces" else 1
    best, worst = (
        t(
            "units.spread_end",
            unit=unit["unit"],
            value=t.interval(unit["value"], unit["low"], unit["high"], decimals),
            n=t.number(unit["n"]),
            rank=rank_text(unit["rank"], unit["rank_low"], unit["rank_high"], published["units"], t),
        )
        for unit in published["ends"]
    )
    verdict = "real" if published["overdispersed"] else "noise"
    return t("units.spread", metric=t(f"metric.{metric}"), best=best, worst=worst) + t(
        f"units.spread.{verdict}", phi=t.number(published["phi"], 2), p=t.p_value(published["dispersion_p"])
    )


def _spread_findings(league: dict, t: Translator) -> list[Finding]:
    """The story of the units, told first: the spread of the league's first metric (the headline
    one, :func:`spread_text`)."""
    metric, published = next(iter(league.items()), (None, {}))
    if "ends" not in published:
        return []
    return [Finding("summary.section.units", spread_text(metric, published, t), "01_diagnosis.html#units")]


def _league_findings(league: dict, t: Translator) -> list[Finding]:
    """The units of the diagnosis's league table (:mod:`cxlib.steps.units`): first their spread
    (:func:`_spread_findings`), then, as the supporting test, the units outside the funnel's alarm
    limits: per metric the :data:`TOP` furthest below and above the network, each with value,
    interval, n and rank interval, and how many more there are; or one sentence that none is."""
    found = _spread_findings(league, t)
    for metric, table in league.items():
        decimals = 2 if metric == "ces" else 1
        ranked = sorted(table["flagged"], key=lambda unit: (unit["side"] != "weak", -abs(unit["z"])))
        shown = [
            unit for side in ("weak", "strong") for unit in [u for u in ranked if u["side"] == side][:TOP]
        ]
        for unit in shown:
            rank = rank_text(unit["rank"], unit["rank_low"], unit["rank_high"], table["units"], t)
            text = t(
                f"summary.unit_{unit['side']}",
                metric=t(f"metric.{metric}"),
                unit=unit["unit"],
                target=t.number(table["target"], decimals),
                value=t.interval(unit["value"], unit["low"], unit["high"], decimals),
                n=t.number(unit["n"]),
                rank=rank,
            )
            caution = f" {t('diagnosis.small')}" if unit["n"] < SMALL_SAMPLE else ""
            found.append(Finding("summary.section.units", text + caution, "01_diagnosis.html#units"))
        if len(ranked) > len(shown):
            more = t.plural("summary.units_more", len(ranked) - len(shown), metric=t(f"metric.{metric}"))
            found.append(Finding("summary.section.units", more, "01_diagnosis.html#units"))
    if league and not any(table["flagged"] for table in league.values()):
        metrics = ", ".join(t(f"metric.{metric}") for metric in league)
        units = max(table["units"] for table in league.values())
        found.append(
            Finding(
                "summary.section.units",
                t("summary.units_none", units=t.number(units), metrics=metrics),
                "01_diagnosis.html#units",
            )
        )
    return found


def _backtest_findings(plan: dict, t: Translator) -> list[Finding]:
    """What the baseline's plan predicted for the outcome, for the initiatives now done, against the
    change this measurement recorded (the plan's back-test), with both intervals and the verdict."""
    outcome = f"metric.{plan['outcome']}"
    checked = (plan.get("backtest") or {}).get(outcome)
    if not checked:
        return []
    sentence = t(
        "plan.backtest_sentence",
        predicted=t.interval(checked["predicted"], checked["predicted_low"], checked["predicted_high"]),
        outcome=t(outcome),
        observed=t.interval(checked["observed"], checked["observed_low"], checked["observed_high"]),
    )
    verdict = t(f"plan.verdict.{checked['verdict']}")
    return [Finding("summary.section.backtest", f"{sentence} {verdict}.", "05_action_plan.html#backtest")]


def _welch(
    mean_a, sd_a, n_a, mean_b, sd_b, n_b, confidence: float = 0.95
) -> tuple[float, float, float, float]:
    """Difference a − b with Welch's interval and two-sided p-value (from summary statistics)."""
    se = np.sqrt(sd_a**2 / n_a + sd_b**2 / n_b)
    df = se**4 / ((sd_a**2 / n_a) ** 2 / (n_a - 1) + (sd_b**2 / n_b) ** 2 / (n_b - 1))
    difference = mean_a - mean_b
    half = scipy_stats.t.ppf(0.5 + confidence / 2, df) * se
    return (
        difference,
        difference - half,
        difference + half,
        float(2 * scipy_stats.t.sf(abs(difference / se), df)),
    )


def progress(current_dir: Path, baseline_dir: Path) -> pd.DataFrame | None:
    """Changes from the baseline run to this one, each tested; ``None`` when either has no diagnosis."""
    now, before = load(current_dir, "01_diagnosis"), load(baseline_dir, "01_diagnosis")
    if not now or not before:
        return None
    rows = []
    if "nps" in now["metrics"] and "nps" in before["metrics"]:
        counts_now, counts_before = (list(m["metrics"]["nps"]["counts"].values()) for m in (now, before))
        value_now, _, _, var_now = nps_components(*counts_now)
        value_before, _, _, var_before = nps_components(*counts_before)
        test = difference_test(value_now, value_before, var_now, var_before, 0.95)
        rows.append(
            (
                "metric.nps",
                before["metrics"]["nps"],
                now["metrics"]["nps"],
                float(test.difference),
                float(test.low),
                float(test.high),
                float(test.p_value),
            )
        )
    if "csat" in now["metrics"] and "csat" in before["metrics"]:
        a, b = now["metrics"]["csat"]["counts"], before["metrics"]["csat"]["counts"]
        _, p_value = proportions_ztest([a["successes"], b["successes"]], [a["n"], b["n"]])
        p_a, p_b = a["successes"] / a["n"], b["successes"] / b["n"]
        half = scipy_stats.norm.ppf(0.975) * np.sqrt(
            p_a * (1 - p_a) / a["n"] + p_b * (1 - p_b) / b["n"]
        )  # Wald interval of the difference
        rows.append(
            (
                "metric.csat",
                before["metrics"]["csat"],
                now["metrics"]["csat"],
                100 * (p_a - p_b),
                100 * (p_a - p_b - half),
                100 * (p_a - p_b + half),
                float(p_value),
            )
        )
    if "ces" in now["metrics"] and "ces" in before["metrics"]:
        a, b = now["metrics"]["ces"], before["metrics"]["ces"]
        rows.append(("metric.ces", b, a, *_welch(a["value"], a["sd"], a["n"], b["value"], b["sd"], b["n"])))
    pillars_now, pillars_before = results_frame(now["pillars"]), results_frame(before["pillars"])
    for pillar in pillars_now.index.intersection(pillars_before.index):
        a, b = pillars_now.loc[pillar], pillars_before.loc[pillar]
        if pd.notna(a.get("sd")) and pd.notna(b.get("sd")):
            rows.append(
                (
                    f"pillar.{pillar}",
                    {"value": b["current"], "low": b["low"], "high": b["high"], "n": b["n"]},
                    {"value": a["current"], "low": a["low"], "high": a["high"], "n": a["n"]},
                    *_welch(a["current"], a["sd"], a["n"], b["current"], b["sd"], b["n"]),
                )
            )
    table = pd.DataFrame(rows, columns=["measure", "before", "now", "change", "low", "high", "p_value"])
    return _bonferroni(table)


def _bonferroni(table: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Bonferroni-adjusted p-values and simultaneous intervals for ``m`` changes: each 95% interval
    is widened around its change to level ``1 − alpha / m`` (normal approximation, Dunn 1961), so a
    change is significant exactly when its interval excludes 0."""
    tests = len(table)
    if not tests:
        return table.assign(p_adjusted=[], significant=[])
    level = simultaneous_level(1 - alpha, tests)
    widen = scipy_stats.norm.ppf(0.5 + level / 2) / scipy_stats.norm.ppf(1 - alpha / 2)
    half = (table["high"] - table["low"]) / 2 * widen
    centre = (table["high"] + table["low"]) / 2
    table = table.assign(low=centre - half, high=centre + half)
    table["p_adjusted"] = bonferroni(table["p_value"])
    table["significant"] = table["p_adjusted"] < alpha
    return table


#: Measures where a fall is an improvement (customer effort).
LOWER_IS_BETTER = {"metric.ces"}


def _with_n(t: Translator, estimate: dict, places: int) -> str:
    """``value [low; high] (n = N)`` for a published estimate."""
    interval = t.interval(estimate["value"], estimate["low"], estimate["high"], places)
    return f"{interval} (n = {t.number(estimate['n'])})"


def progress_rows(table: pd.DataFrame, t: Translator) -> list[dict[str, str]]:
    """The comparison formatted for the index page; for effort (CES) a fall counts as an improvement."""
    improved = [(row.change < 0) == (row.measure in LOWER_IS_BETTER) for row in table.itertuples()]
    decimals = [2 if row.measure == "metric.ces" else 1 for row in table.itertuples()]
    return [
        {
            "measure": t(row.measure),
            "before": _with_n(t, row.before, places),
            "now": _with_n(t, row.now, places),
            "change": t.interval(row.change, row.low, row.high, places),
            "p": t.p_cell(row.p_adjusted),
            "verdict": t(
                "summary.significant_up"
                if row.significant and better
                else "summary.significant_down"
                if row.significant
                else "summary.not_significant"
            ),
            "status": "up" if row.significant and better else "down" if row.significant else "flat",
        }
        for row, better, places in zip(table.itertuples(), improved, decimals, strict=True)
    ]
