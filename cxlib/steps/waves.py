"""A programme tracked over many survey waves: every headline metric and pillar across waves.

A client lists its earlier measurements under ``waves:`` in ``client.yaml``, oldest first, each by
its data ``folder`` (a client folder of that wave, read and validated through the guard like any
client: :func:`cxlib.inputs.client.check_client`) and/or its ``report`` folder (the results a
``cxwb run`` of that wave published). This measurement is the last wave. Shown on the diagnosis
page (``notebooks/01_diagnosis.py``): the trend of every metric and pillar with its intervals,
every wave-to-wave change tested with Holm's multiplicity control (:mod:`cxlib.stats.trend`); on
the plan's page (``notebooks/05_action_plan.py``), the back-test of each wave's plan against the
change measured by the next wave, for the initiatives done in between (:func:`backtest_pairs`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cxlib.core.exceptions import CxError
from cxlib.core.guard import ClientFileError
from cxlib.core.i18n import Translator
from cxlib.core.method import PILLARS
from cxlib.inputs.client import Client, check_client, wave_folder
from cxlib.render.charts import PRIMARY, error_bars, with_takeaway
from cxlib.render.results import frame as results_frame
from cxlib.render.results import load as load_results
from cxlib.stats.league import metric_points
from cxlib.stats.metrics import metric_by
from cxlib.stats.pillars import pillar_frame, pillar_scores
from cxlib.stats.trend import ALPHA, wave_changes, wave_trends

#: The headline metrics tracked, in the report's order.
HEADLINE: tuple[str, ...] = ("nps", "csat", "ces", "satisfied")
#: Measures where a fall is an improvement (customer effort).
LOWER_IS_BETTER = frozenset({"metric.ces"})
#: A line colour per pillar (the house's main colour first).
PILLAR_COLOURS = ("#1B4F72", "#E67E22", "#1E8449", "#8E44AD", "#C0392B", "#7F8C8D")


class WaveError(CxError):
    """A wave listed in ``client.yaml`` that cannot be read: its folder or report is missing or invalid."""


@dataclass(frozen=True)
class WaveData:
    """One measurement: its ``label``, its ``summary`` (:func:`client_summary`), and where known the
    diagnosis and plan it published (``diagnosis``, ``plan``) and the initiatives done by then (``done``)."""

    label: str
    summary: pd.DataFrame
    diagnosis: dict | None = None
    plan: dict | None = None
    done: frozenset[str] | None = None


def _decimals(measure: str) -> int:
    return 2 if measure == "metric.ces" else 1


def client_summary(client: Client) -> pd.DataFrame:
    """Every headline metric and pillar of one measurement, weighted when the survey is.

    Returns
    -------
    pandas.DataFrame
        Indexed by measure (``metric.nps``, ``pillar.integrity``…): ``value``, ``low``, ``high``
        (the metric's own 95 % interval, as the diagnosis shows it), ``n`` (effective when
        weighted) and ``sd``, the per-response standard deviation of the points the value is the
        mean of (:func:`cxlib.stats.league.metric_points`; a pillar's 0-100 score).
    """
    survey = client.tables["survey"]
    weights = survey["weight"] if "weight" in survey else None
    rows = {}
    for metric in HEADLINE:
        if metric not in survey or survey[metric].notna().sum() == 0:
            continue
        bounds = client.survey_scales[metric].bounds if metric in client.survey_scales else None
        scale_high = bounds[1] if bounds else None
        estimate = metric_by(survey.assign(_all=0), metric, "_all", scale_high, bounds=bounds).iloc[0]
        points = metric_points(survey, metric, scale_high)
        present = points.notna()
        mean = np.average(points[present], weights=None if weights is None else weights[present])
        variance = np.average(
            (points[present] - mean) ** 2, weights=None if weights is None else weights[present]
        )
        rows[f"metric.{metric}"] = {
            **estimate[["value", "low", "high", "n"]].to_dict(),
            "sd": float(np.sqrt(variance * present.sum() / max(present.sum() - 1, 1))),
        }
    if client.survey_items:
        scores = pillar_scores(pillar_frame(survey, client.survey_items), weights=weights)
        for pillar, row in scores.iterrows():
            rows[f"pillar.{pillar}"] = row[["value", "low", "high", "n", "sd"]].to_dict()
    return pd.DataFrame.from_dict(rows, orient="index", dtype=float)


def _share_sd(share: float) -> float:
    """Standard deviation of 0/100 points with mean ``share`` (0..1)."""
    return 100 * float(np.sqrt(share * (1 - share)))


def results_summary(diagnosis: dict) -> pd.DataFrame:
    """:func:`client_summary` from a diagnosis's published results (``01_diagnosis.results.json``):
    NPS's standard deviation from its promoter and detractor counts, a share's from its value, CES
    and the pillars from their published standard deviations."""
    metrics = diagnosis.get("metrics", {})
    rows = {}
    for metric in HEADLINE:
        if metric not in metrics:
            continue
        published = metrics[metric]
        if metric == "nps":
            counts = published["counts"]
            total = sum(counts.values())
            promoters, detractors = counts["promoters"] / total, counts["detractors"] / total
            sd = 100 * float(np.sqrt(promoters + detractors - (promoters - detractors) ** 2))
        elif metric == "ces":
            sd = published["sd"]
        else:
            sd = _share_sd(published["value"] / 100)
        rows[f"metric.{metric}"] = {key: published[key] for key in ("value", "low", "high", "n")} | {"sd": sd}
    pillars = results_frame(diagnosis.get("pillars"))
    if "current" in pillars:
        for pillar, row in pillars.dropna(subset=["current", "sd"]).iterrows():
            rows[f"pillar.{pillar}"] = {
                "value": row["current"],
                "low": row["low"],
                "high": row["high"],
                "n": row["n"],
                "sd": row["sd"],
            }
    return pd.DataFrame.from_dict(rows, orient="index", dtype=float)


def done_initiatives(client: Client) -> frozenset[str]:
    """The initiatives marked ``done`` in a measurement's initiatives table (none without one)."""
    initiatives = client.tables.get("initiatives")
    if initiatives is None or "done" not in initiatives:
        return frozenset()
    return frozenset(initiatives.loc[initiatives["done"].fillna(False).astype(bool), "initiative_id"])


def _report_folder(client: Client, report_dir: Path, name: str, where: str) -> Path:
    """The report folder of a wave: relative to the client folder, else the slug of a report in this
    run's output folder (beside this run's folder or its build folder)."""
    candidates = [client.directory / name, report_dir.parent / name, report_dir.parent.parent / name]
    found = next((folder for folder in candidates if (folder / "01_diagnosis.results.json").is_file()), None)
    if found is None:
        raise WaveError(
            f"{where}: report {name!r} holds no diagnosis results; give the folder of a cxwb run report of "
            "that wave (relative to the client folder) or the slug of one in the output folder"
        )
    return found


def _wave_client(client: Client, number: int, where: str) -> Client:
    """The client folder of the ``number``-th wave, inside this client's folder
    (:func:`~cxlib.inputs.client.wave_folder`) and validated (every file read through its own guard)."""
    name = client.config.waves[number - 1].folder
    try:
        folder = wave_folder(client, number)
    except ClientFileError as error:
        raise WaveError(f"{where}: folder: {error}") from None
    wave, problems = check_client(folder)
    if wave is None or problems:
        listed = "; ".join(str(problem) for problem in problems[:3])
        raise WaveError(
            f"{where}: folder {name!r} has problems ({listed}); run cxwb validate {folder} and fix them"
        )
    if "survey" not in wave.tables:
        raise WaveError(f"{where}: folder {name!r} has no survey table; add that wave's survey to it")
    return wave


def load_waves(client: Client, report_dir: str | Path, current_label: str) -> list[WaveData]:
    """Every wave listed under ``waves:`` in ``client.yaml``, oldest first, then this measurement
    (labelled ``current_label``); empty when no wave is listed.

    A wave with a report takes its figures from it (what was reported then) and its plan; a wave
    with a folder gives the initiatives done by then, and its figures when it has no report.

    Raises
    ------
    WaveError
        When a listed wave's folder or report cannot be read, naming the wave and the fix.
    """
    if not client.config.waves or "survey" not in client.tables:
        return []
    waves = []
    for number, wave in enumerate(client.config.waves, start=1):
        where = f"client.yaml: waves: {number} ({wave.label})"
        diagnosis = plan = done = summary = None
        if wave.report:
            folder = _report_folder(client, Path(report_dir), wave.report, where)
            diagnosis, plan = load_results(folder, "01_diagnosis"), load_results(folder, "05_action_plan")
            summary = results_summary(diagnosis)
        if wave.folder:
            wave_client = _wave_client(client, number, where)
            done = done_initiatives(wave_client)
            if summary is None:
                summary = client_summary(wave_client)
        waves.append(WaveData(wave.label, summary, diagnosis, plan, done))
    return [*waves, WaveData(current_label, client_summary(client), done=done_initiatives(client))]


def wave_table(waves: list[WaveData]) -> pd.DataFrame:
    """The waves' summaries as one long table: ``measure``, ``wave`` (0 = oldest), ``label`` and the
    summary's columns, measures in the report's order (metrics, then pillars)."""
    table = (
        pd.concat([wave.summary.assign(wave=number, label=wave.label) for number, wave in enumerate(waves)])
        .rename_axis("measure")
        .reset_index()
    )
    order = [f"metric.{m}" for m in HEADLINE] + [f"pillar.{p}" for p in PILLARS]
    table["order"] = table["measure"].map({measure: k for k, measure in enumerate(order)})
    return table.sort_values(["order", "wave"]).drop(columns="order").reset_index(drop=True)


def _improved(measure: str, change: float) -> bool:
    return (change < 0) if measure in LOWER_IS_BETTER else (change > 0)


def _verdict(measure: str, change: float, significant: bool, t: Translator) -> str:
    if not significant:
        return t("summary.not_significant")
    return t("summary.significant_up" if _improved(measure, change) else "summary.significant_down")


def trend_display(table: pd.DataFrame, trends: pd.DataFrame, t: Translator) -> pd.DataFrame:
    """Every measure by wave with its interval and n, and its trend per wave with its interval and
    Holm-adjusted p-value."""
    labels = table.drop_duplicates("wave").sort_values("wave")["label"].tolist()
    wide = {}
    for measure, rows in table.groupby("measure", sort=False):
        decimals = _decimals(measure)
        cells = {
            row.label: f"{t.interval(row.value, row.low, row.high, decimals)} (n = {t.number(row.n)})"
            for row in rows.itertuples()
        }
        trend = trends.loc[measure] if measure in trends.index else None
        wide[t(measure)] = {label: cells.get(label, "–") for label in labels} | {
            t("waves.col.trend"): "–"
            if trend is None
            else t.interval(trend["slope"], trend["low"], trend["high"], _decimals(measure)),
            t("waves.col.p"): "–" if trend is None else t.p_cell(trend["p_adjusted"]),
            t("waves.col.verdict"): "–"
            if trend is None
            else _verdict(measure, trend["slope"], bool(trend["significant"]), t),
        }
    shown = pd.DataFrame.from_dict(wide, orient="index")
    return shown.rename_axis(t("waves.col.measure")).reset_index()


def change_display(changes: pd.DataFrame, labels: list[str], t: Translator) -> pd.DataFrame:
    """Every wave-to-wave change: measure, the two waves, the change with its 95 % interval, the
    Holm-adjusted p-value and the verdict (for effort, a fall is an improvement)."""
    return pd.DataFrame(
        {
            t("waves.col.measure"): [t(measure) for measure in changes["measure"]],
            t("waves.col.between"): [
                t("waves.between", before=labels[a], after=labels[b])
                for a, b in zip(changes["wave_from"], changes["wave_to"], strict=True)
            ],
            t("waves.col.change"): [
                t.interval(row.change, row.low, row.high, _decimals(row.measure))
                for row in changes.itertuples()
            ],
            t("waves.col.p"): [t.p_cell(p) for p in changes["p_adjusted"]],
            t("waves.col.verdict"): [
                _verdict(row.measure, row.change, row.significant, t) for row in changes.itertuples()
            ],
        }
    )


def change_takeaway(changes: pd.DataFrame, labels: list[str], t: Translator) -> tuple[str, dict[str, str]]:
    """The significant wave-to-wave changes after Holm's adjustment, each with its interval
    (``waves.changed``), or that none is (``waves.none``), with how many changes were tested."""
    found = changes[changes["significant"]]
    values = {"tests": t.number(len(changes)), "alpha": t.percent(ALPHA, 0)}  # this chart's family
    if found.empty:
        return "waves.none", values
    listed = "; ".join(
        t(
            "waves.change_facts",
            measure=t(row.measure),
            before=labels[row.wave_from],
            after=labels[row.wave_to],
            change=t.interval(row.change, row.low, row.high, _decimals(row.measure)),
            direction=t("waves.better" if _improved(row.measure, row.change) else "waves.worse"),
        )
        for row in found.itertuples()
    )
    return "waves.changed", values | {"count": t.number(len(found)), "list": listed}


def _add_series(figure: go.Figure, rows: pd.DataFrame, name: str, colour: str, **where: int) -> None:
    """One measure across waves: its values joined by a line, each with its interval as error bars."""
    figure.add_trace(
        go.Scatter(
            x=rows["label"],
            y=rows["value"],
            mode="lines+markers",
            name=name,
            line={"color": colour},
            error_y=error_bars(rows["value"], rows["low"], rows["high"]),
            customdata=np.stack([rows["low"], rows["high"], rows["n"]], axis=1),
            hovertemplate=(
                f"{name} · %{{x}}: %{{y:.1f}} [%{{customdata[0]:.1f}}; %{{customdata[1]:.1f}}] "
                "n = %{customdata[2]:,.0f}<extra></extra>"
            ),
        ),
        **where,
    )


def metrics_chart(table: pd.DataFrame, changes: pd.DataFrame, t: Translator) -> go.Figure | None:
    """The headline metrics across waves, one panel per metric (each on its own scale), with their
    95 % intervals; ``None`` without any."""
    metrics = [m for m in table["measure"].unique() if m.startswith("metric.")]
    if not metrics:
        return None
    figure = make_subplots(rows=1, cols=len(metrics), subplot_titles=[t(m) for m in metrics])
    for column, measure in enumerate(metrics, start=1):
        _add_series(figure, table[table["measure"] == measure], t(measure), PRIMARY, row=1, col=column)
        figure.update_xaxes(title_text=t("waves.axis.wave"), row=1, col=column)
    figure.update_yaxes(title_text=t("waves.axis.value"), row=1, col=1)
    figure.update_layout(title=t("waves.metrics_title"), showlegend=False, height=420)
    key, values = change_takeaway(changes[changes["measure"].isin(metrics)], _labels(table), t)
    return with_takeaway(figure, key, **values)


def pillars_chart(table: pd.DataFrame, changes: pd.DataFrame, t: Translator) -> go.Figure | None:
    """The pillars' 0-100 customer scores across waves, a line each with its 95 % intervals;
    ``None`` without pillars."""
    pillars = [m for m in table["measure"].unique() if m.startswith("pillar.")]
    if not pillars:
        return None
    figure = go.Figure()
    for measure, colour in zip(pillars, PILLAR_COLOURS, strict=False):
        _add_series(figure, table[table["measure"] == measure], t(measure), colour)
    figure.update_layout(
        title=t("waves.pillars_title"),
        xaxis_title=t("waves.axis.wave"),
        yaxis_title=t("waves.axis.pillar"),
        height=460,
    )
    key, values = change_takeaway(changes[changes["measure"].isin(pillars)], _labels(table), t)
    return with_takeaway(figure, key, **values)


def _labels(table: pd.DataFrame) -> list[str]:
    """The waves' labels, oldest first."""
    return table.drop_duplicates("wave").sort_values("wave")["label"].tolist()


@dataclass(frozen=True)
class WaveAnalysis:
    """The waves (``table``: :func:`wave_table`), their ``labels``, every wave-to-wave change
    (:func:`cxlib.stats.trend.wave_changes`) and every measure's trend
    (:func:`~cxlib.stats.trend.wave_trends`)."""

    table: pd.DataFrame
    labels: list[str]
    changes: pd.DataFrame
    trends: pd.DataFrame


def intro_facts(analysis: WaveAnalysis, t: Translator) -> dict[str, str]:
    """How many changes the family tests and its error rate, for ``waves.text``."""
    return {"tests": t.number(len(analysis.changes)), "alpha": t.percent(ALPHA, 0)}


def analyse(waves: list[WaveData]) -> WaveAnalysis:
    """Changes and trends of the measures of ``waves`` (:func:`load_waves`), Holm-adjusted per family."""
    table = wave_table(waves)
    return WaveAnalysis(table, _labels(table), wave_changes(table), wave_trends(table))


@dataclass(frozen=True)
class BacktestPair:
    """What the per-wave back-test needs for one pair of consecutive waves: their labels, the earlier
    wave's published ``plan`` and ``diagnosis``, the measured ``changes`` (``measure``, ``change``,
    ``low``, ``high``) and the initiatives ``done`` in between."""

    before: str
    after: str
    plan: dict
    diagnosis: dict
    changes: pd.DataFrame
    done: list[str]


def backtest_pairs(waves: list[WaveData], analysis: WaveAnalysis) -> list[BacktestPair]:
    """Each pair of consecutive waves whose earlier wave published a plan and whose later wave
    marked initiatives done since (those done by the earlier wave, where known, are not counted
    again): the inputs of :func:`cxlib.steps.action_plan.backtest` for that pair."""
    pairs = []
    for number, (earlier, later) in enumerate(zip(waves, waves[1:], strict=False)):
        if not (earlier.plan and earlier.diagnosis and later.done):
            continue
        done = sorted(later.done - (earlier.done or frozenset()))
        changes = analysis.changes[analysis.changes["wave_from"] == number]
        if done:
            pairs.append(
                BacktestPair(
                    earlier.label,
                    later.label,
                    earlier.plan,
                    earlier.diagnosis,
                    changes[["measure", "change", "low", "high"]],
                    done,
                )
            )
    return pairs


def backtest_facts(pair: BacktestPair) -> dict[str, str]:
    """The pair's waves and the names of the initiatives done in between, for ``waves.backtest_text``."""
    initiatives = pair.plan.get("initiatives", {})
    names = [str(initiatives.get(initiative, {}).get("name") or initiative) for initiative in pair.done]
    return {"before": pair.before, "after": pair.after, "names": ", ".join(names)}


def waves_results(analysis: WaveAnalysis) -> dict:
    """What the waves publish for the summary: the labels and every significant change."""
    found = analysis.changes[analysis.changes["significant"]]
    return {
        "labels": analysis.labels,
        "tests": len(analysis.changes),
        "significant": [
            {
                "measure": row.measure,
                "before": analysis.labels[row.wave_from],
                "after": analysis.labels[row.wave_to],
                "change": float(row.change),
                "low": float(row.low),
                "high": float(row.high),
                "p_adjusted": float(row.p_adjusted),
            }
            for row in found.itertuples()
        ],
    }
