"""Touchpoint monitoring: weekly control charts, alerts on significant drops, incremental runs.

Measurements (``interactions``) are aggregated per touchpoint and week (Monday to Sunday). Two
charts per touchpoint, following Montgomery, D. C. (2012), *Introduction to Statistical Quality
Control*, 7th ed., Wiley:

* mean score: EWMA chart (section 9.2) with λ = 0.2 and L = 3 on weekly means,
  ``z_t = λ x̄_t + (1 − λ) z_{t−1}``, ``z_0 = μ0``, limits ``μ0 ± L sqrt(v_t + σ² / N_0)`` where
  ``v_t = (1 − λ)² v_{t−1} + λ² σ² / n_t`` is the variance of ``z_t`` for weeks of ``n_t``
  measurements (``v_0 = 0``). With equal weekly counts ``n`` this is Montgomery's
  ``σ² / n · λ / (2 − λ) (1 − (1 − λ)^{2t})``; with unequal counts it is the same sum with each
  week's own ``σ² / n_t``, so a week still filling up (as ``cxwb watch`` judges it) gets the wider
  limits its few measurements warrant;
* success rate: p-chart with variable sample size (section 7.2.2), limits
  ``p̄ ± 3 sqrt(p̄ (1 − p̄) (1 / n_t + 1 / n_0))``.

``μ0``, ``σ`` and ``p̄`` come from the touchpoint's first :data:`BASELINE_WEEKS` weeks
(phase I: ``N_0`` scores, ``n_0`` success answers); later weeks are judged against them. The
``σ² / N_0`` and ``1 / n_0`` terms add the uncertainty of the estimated centre line, without which an EWMA
chart with estimated parameters raises far more false alarms than its nominal rate (Jones, L. A.,
Champ, C. W. & Rigdon, S. E. (2001), The performance of exponentially weighted moving average
charts with estimated parameters, *Technometrics* 43(2), 156-167).
A drop alert is raised where the EWMA falls below its lower limit or the weekly success rate below
the p-chart's lower limit. Consecutive alerting weeks form one episode; an episode of
:data:`SUSTAINED_WEEKS` weeks or more is an *alarm*, a single week a *watch* (with dozens of
touchpoints charted weekly, a few single-week signals a year are expected by chance).

Incremental runs keep the weekly sums in a JSON state file and aggregate only the measurements
after the last processed timestamp; since sums of whole-number scores are exact, an incremental
run gives the same charts and alerts as a full run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.signal import lfilter

from cxlib.core.files import write_text_atomic
from cxlib.core.i18n import Translator

BASELINE_WEEKS = 13
EWMA_LAMBDA = 0.2
EWMA_L = 3.0
P_CHART_SIGMAS = 3.0
STATE_VERSION = 1
#: An episode this many weeks long is an alarm; a single week outside the limits is a "watch".
SUSTAINED_WEEKS = 2
SUM_COLUMNS = ["n_score", "sum_score", "sumsq_score", "n_success", "successes"]


def weekly_aggregates(interactions: pd.DataFrame) -> pd.DataFrame:
    """Per touchpoint and week: counts, sums and sums of squares of scores, and successes."""
    week = interactions["timestamp"].dt.to_period("W-SUN").dt.start_time
    score = (
        interactions["score"].astype("float64")
        if "score" in interactions
        else pd.Series(np.nan, index=interactions.index)
    )
    success = (
        interactions["success"].astype("float64")
        if "success" in interactions
        else pd.Series(np.nan, index=interactions.index)
    )
    frame = pd.DataFrame(
        {
            "touchpoint_id": interactions["touchpoint_id"].astype(str),
            "week": week,
            "n_score": score.notna().astype(int),
            "sum_score": score.fillna(0),
            "sumsq_score": (score**2).fillna(0),
            "n_success": success.notna().astype(int),
            "successes": success.fillna(0),
        }
    )
    return frame.groupby(["touchpoint_id", "week"], as_index=False)[SUM_COLUMNS].sum()


def merge_aggregates(*parts: pd.DataFrame) -> pd.DataFrame:
    """Add weekly aggregates together (the same touchpoint and week are summed)."""
    present = [part for part in parts if len(part)]
    if not present:
        return pd.DataFrame(
            {"touchpoint_id": pd.Series(dtype="object"), "week": pd.Series(dtype="datetime64[ns]")}
            | {column: pd.Series(dtype="float64") for column in SUM_COLUMNS}
        )
    combined = pd.concat(present, ignore_index=True)
    return (
        combined.groupby(["touchpoint_id", "week"], as_index=False)[SUM_COLUMNS]
        .sum()
        .sort_values(["touchpoint_id", "week"])
    )


def ewma(values: np.ndarray, start: float, smoothing: float = EWMA_LAMBDA) -> np.ndarray:
    """``z_t = λ x_t + (1 − λ) z_{t−1}`` with ``z_0 = start``."""
    filtered, _ = lfilter([smoothing], [1, -(1 - smoothing)], values, zi=[(1 - smoothing) * start])
    return filtered


def ewma_variance(counts: np.ndarray, variance: float, smoothing: float = EWMA_LAMBDA) -> np.ndarray:
    """Variance of the EWMA of weekly means with ``counts`` measurements a week:
    ``v_t = (1 − λ)² v_{t−1} + λ² σ² / n_t`` with ``v_0 = 0``."""
    filtered, _ = lfilter(
        [smoothing**2], [1, -((1 - smoothing) ** 2)], variance / np.asarray(counts, dtype="float64"), zi=[0.0]
    )
    return filtered


def control_charts(aggregates: pd.DataFrame, baseline_weeks: int = BASELINE_WEEKS) -> pd.DataFrame:
    """Weekly chart values and limits for every touchpoint (one row per touchpoint and week)."""
    frames = []
    for _, weeks in aggregates.sort_values("week").groupby(
        "touchpoint_id", sort=True
    ):  # loops over touchpoints
        weeks = weeks.reset_index(drop=True)
        base = weeks.iloc[:baseline_weeks]
        chart = weeks[["touchpoint_id", "week", "n_score", "n_success"]].copy()
        chart["period"] = np.arange(1, len(weeks) + 1)
        chart["baseline"] = chart["period"] <= baseline_weeks
        with np.errstate(invalid="ignore", divide="ignore"):
            chart["mean"] = weeks["sum_score"] / weeks["n_score"]
            chart["rate"] = weeks["successes"] / weeks["n_success"]
            n_base = base["n_score"].sum()
            centre = base["sum_score"].sum() / n_base
            variance = (base["sumsq_score"].sum() - n_base * centre**2) / (n_base - 1)
            rate_n = base["n_success"].sum()
            rate_centre = base["successes"].sum() / rate_n
            rate_half = P_CHART_SIGMAS * np.sqrt(
                rate_centre * (1 - rate_centre) * (1 / weeks["n_success"] + 1 / rate_n)
            )
        observed = chart["mean"].notna().to_numpy()
        chart["ewma"] = np.nan
        if observed.any() and np.isfinite(centre):
            chart.loc[observed, "ewma"] = ewma(chart.loc[observed, "mean"].to_numpy(), centre)
            counts = chart.loc[observed, "n_score"].to_numpy()
            half_width = EWMA_L * np.sqrt(ewma_variance(counts, variance) + variance / n_base)
            chart.loc[observed, "ewma_low"] = centre - half_width
            chart.loc[observed, "ewma_high"] = centre + half_width
        chart["centre"], chart["rate_centre"] = centre, rate_centre
        chart["rate_low"], chart["rate_high"] = (
            (rate_centre - rate_half).clip(lower=0),
            (rate_centre + rate_half).clip(upper=1),
        )
        frames.append(chart)
    charts = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if charts.empty:
        return charts
    judged = ~charts["baseline"]
    charts["score_alert"] = judged & (charts["ewma"] < charts["ewma_low"])
    charts["rate_alert"] = judged & (charts["rate"] < charts["rate_low"])
    return charts


def alerts(charts: pd.DataFrame, promises: dict[str, str]) -> pd.DataFrame:
    """One row per alarm episode: consecutive alerting weeks of one touchpoint and metric.

    Each alert carries its :func:`alert_ids` id and the value promise declared for the touchpoint
    in ``client.yaml``.
    """
    rows = []
    for metric, flag, value, limit in (
        ("score", "score_alert", "ewma", "ewma_low"),
        ("rate", "rate_alert", "rate", "rate_low"),
    ):
        flagged = charts[charts[flag]].copy()
        if flagged.empty:
            continue
        previous = charts.groupby("touchpoint_id")[flag].shift(fill_value=False)
        flagged["episode_start"] = ~previous[flagged.index].to_numpy()
        flagged["episode"] = flagged.groupby("touchpoint_id")["episode_start"].cumsum()
        episodes = (
            flagged.groupby(["touchpoint_id", "episode"])
            .agg(
                first_week=("week", "min"),
                last_week=("week", "max"),
                weeks=("week", "size"),
                worst=(value, "min"),
                limit=(limit, "last"),
                centre=("centre" if metric == "score" else "rate_centre", "first"),
            )
            .reset_index()
        )
        episodes["metric"] = metric
        rows.append(episodes.drop(columns="episode"))
    if not rows:
        return pd.DataFrame(
            columns=[
                "alert_id",
                "touchpoint_id",
                "metric",
                "first_week",
                "last_week",
                "weeks",
                "worst",
                "limit",
                "centre",
                "promise",
                "level",
                "ongoing",
            ]
        )
    result = pd.concat(rows, ignore_index=True).sort_values(["first_week", "touchpoint_id"])
    result["promise"] = result["touchpoint_id"].map(promises)
    result["level"] = np.where(result["weeks"] >= SUSTAINED_WEEKS, "alarm", "watch")
    result["ongoing"] = result["last_week"] == charts["week"].max()
    result.insert(0, "alert_id", alert_ids(result))
    return result.reset_index(drop=True)


def alert_ids(episodes: pd.DataFrame) -> pd.Series:
    """A stable id per alarm episode, ``<touchpoint>/<metric>/<first week>``: an episode that goes
    on for more weeks keeps its id, so an alert is raised once however long it lasts."""
    return (
        episodes["touchpoint_id"].astype(str)
        + "/"
        + episodes["metric"]
        + "/"
        + episodes["first_week"].dt.strftime("%Y-%m-%d")
    )


@dataclass
class MonitoringRun:
    """What one monitoring run read and found."""

    aggregates: pd.DataFrame
    charts: pd.DataFrame
    alerts: pd.DataFrame
    mode: str  # full | incremental | reprocessed
    since: pd.Timestamp | None
    new_rows: int
    last_timestamp: pd.Timestamp


def _read_state(path: Path) -> dict | None:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if state.get("version") == STATE_VERSION else None


def monitor(
    interactions: pd.DataFrame, promises: dict[str, str], state_path: Path | None = None
) -> MonitoringRun:
    """Run the control charts, incrementally when ``state_path`` holds a previous run's state.

    Only measurements after the previous run's last timestamp are aggregated. If the rows up to that
    timestamp are no longer the same number (the data were edited), everything is reprocessed and
    the mode says so. The new state is written atomically to ``state_path``.
    """
    state = _read_state(state_path) if state_path else None
    timestamps = interactions["timestamp"]
    mode, since = "full", None
    if state is not None:
        since = pd.Timestamp(state["last_timestamp"])
        already = timestamps <= since
        if int(already.sum()) == state["rows_through_last"]:
            previous = pd.DataFrame(state["aggregates"]).assign(
                week=lambda frame: pd.to_datetime(frame["week"])
            )
            aggregates = merge_aggregates(previous, weekly_aggregates(interactions[~already]))
            mode = "incremental"
        else:
            mode = "reprocessed"
    if mode != "incremental":
        aggregates = merge_aggregates(weekly_aggregates(interactions))
    new_rows = int((timestamps > since).sum()) if mode == "incremental" else len(interactions)
    last = timestamps.max()
    charts = control_charts(aggregates)
    if state_path is not None:
        saved = aggregates.assign(week=aggregates["week"].dt.strftime("%Y-%m-%d"))
        write_text_atomic(
            state_path,
            json.dumps(
                {
                    "version": STATE_VERSION,
                    "last_timestamp": last.isoformat(),
                    "rows_through_last": int((timestamps <= last).sum()),
                    "aggregates": saved.to_dict(orient="records"),
                }
            ),
        )
    return MonitoringRun(aggregates, charts, alerts(charts, promises), mode, since, new_rows, last)


def monitoring_facts(t: Translator) -> dict[str, str]:
    """The control charts' settings for ``journey.monitoring_text``, in the locale's numbers."""
    return {"smoothing": t.number(EWMA_LAMBDA, 1)}
