"""Step 03, journey: the journey map, emotion curve, moments of truth, touchpoint scorecard, monitoring.

The map is one plotly figure: stages across, an emotion curve on top (declared emotion from the
``journey`` table against measured emotion from survey scores, with t intervals), and below it one
lane per aspect (customer actions, touchpoints and channels, frontstage, backstage, support
processes, owners, KPIs, pain points coloured by severity, opportunities, moments of truth).

Moments of truth are found by a stage-level driver analysis (:func:`stage_drivers`): for each
stage, how much of the variance in recommendation the satisfaction with that stage's touchpoint
explains.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from cxlib.core.files import spreadsheet_safe
from cxlib.core.i18n import MISSING, Translator
from cxlib.inputs.alert_log import ALERT_LOG_NAME, alert_statuses, read_events
from cxlib.inputs.client import Client
from cxlib.render import printed
from cxlib.render.charts import (
    ACCENT,
    PERCENT,
    PRIMARY,
    error_bars,
    interval_line,
    percent_axis,
    percent_hover,
    with_takeaway,
    wrap_category_ticks,
)
from cxlib.render.touchpoints import touchpoint_names
from cxlib.stats.estimators import SMALL_SAMPLE, fisher_interval
from cxlib.stats.metrics import mean_interval, metric_by, proportion_interval
from cxlib.stats.monitoring import MonitoringRun

#: Lanes of the map, top to bottom, as journey columns.
LANES: tuple[str, ...] = (
    "customer_action",
    "touchpoint",
    "frontstage",
    "backstage",
    "support_process",
    "owner",
    "kpi",
    "pain_point",
    "opportunity",
    "moment_of_truth",
)
#: The map's lanes are laid out for a plot this wide in CSS pixels (a report page on screen or on
#: A4 landscape, less the lane names); each cell's text wraps to its column's width at MAP_FONT px.
MAP_PLOT_WIDTH, MAP_FONT, MAP_LINE = 810, 11, 14
#: Heights in CSS pixels: the emotion curve, the title and legend above, the stage names below.
EMOTION_HEIGHT, MAP_TOP, MAP_BOTTOM = 170, 110, 50
#: CSS pixels the step's title, introduction and the map's heading take above the printed map on
#: its first page (:func:`printed_map`).
MAP_ROOM_ABOVE = 240
#: Lines of text a map cell shows at most (every lane is as tall as the fullest cell).
CELL_LINES = 5
PAIN_LANE_CODE, TRUTH_LANE_CODE = 1, 7  # colour codes: pain severity adds 1..5 to PAIN_LANE_CODE
#: Cell colours by code (0 to TRUTH_LANE_CODE, as a share of it): plain, pain by severity, moments of truth.
MAP_COLOURS = [
    [0, "#F4F6F7"],
    [1 / 7, "#FCF3CF"],
    [3 / 7, "#F8C471"],
    [5 / 7, "#EC7063"],
    [6 / 7, "#CB4335"],
    [1, "#AED6F1"],
]


def stages(journey: pd.DataFrame) -> list[str]:
    """Stage names in journey order."""
    return journey.sort_values("stage_order").drop_duplicates("stage")["stage"].tolist()


def _cell(items: list[str], width: int) -> tuple[str, str]:
    """Cell text and the full text for hovering, from a cell's distinct ``items``. The cell shows
    whole items, each wrapped to ``width`` characters (never cut: a pain point keeps its severity),
    as many as fit in :data:`CELL_LINES` lines, then "+k" for the rest (all of them are in the
    hover, the printed map and the workbook)."""
    shown: list[str] = []
    for number, item in enumerate(items):
        wrapped = textwrap.wrap(item, width)
        room = CELL_LINES - len(shown) - (number < len(items) - 1)  # keep a line for "+k"
        if len(wrapped) > room and shown:
            shown.append(f"+{len(items) - number}")
            break
        shown += wrapped[:CELL_LINES]
    return "<br>".join(shown), "<br>".join(items)


def cell_width(stage_count: int) -> int:
    """Characters per line in a map cell: its column's share of :data:`MAP_PLOT_WIDTH`, less the gap
    and a margin, at about 0.6 em per character."""
    return max(8, int((MAP_PLOT_WIDTH / max(stage_count, 1) - 14) / (0.6 * MAP_FONT)))


def lane_items(journey: pd.DataFrame, lane: str, t: Translator) -> pd.Series:
    """Per touchpoint, what it contributes to ``lane`` (empty string when nothing)."""
    if lane == "touchpoint":
        return journey["touchpoint"].fillna("") + " (" + journey["channel"].fillna("") + ")"
    if lane == "pain_point" and "pain_severity" in journey:
        severity = (" [" + journey["pain_severity"].astype("Int64").astype("string") + "]").fillna("")
        return (journey["pain_point"] + severity).fillna("")
    if lane == "moment_of_truth":
        flag = (
            journey["moment_of_truth"].fillna(False).astype(bool)
            if "moment_of_truth" in journey
            else pd.Series(False, index=journey.index)
        )
        return journey["touchpoint"].where(flag, "").fillna("")
    return journey[lane].fillna("") if lane in journey else pd.Series("", index=journey.index)


def map_items(journey: pd.DataFrame, t: Translator) -> pd.DataFrame:
    """Lanes × stages: each cell's distinct items (lists of text, in journey order)."""
    order = stages(journey)
    items = pd.DataFrame(index=list(LANES), columns=order, dtype=object)
    for lane in LANES:
        texts = lane_items(journey, lane, t)
        for stage in order:
            items.at[lane, stage] = list(
                dict.fromkeys(text for text in texts[journey["stage"] == stage] if text)
            )
    return items


def map_cells(journey: pd.DataFrame, t: Translator) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Lanes × stages: short text, full text and a colour code (pain severity, moments of truth)."""
    order = stages(journey)
    short, full, code = (pd.DataFrame(index=list(LANES), columns=order, dtype=object) for _ in range(3))
    width = cell_width(len(order))
    items = map_items(journey, t)
    for lane in LANES:
        for stage in order:
            in_stage = journey["stage"] == stage
            short.at[lane, stage], full.at[lane, stage] = _cell(items.at[lane, stage], width)
            if lane == "pain_point" and "pain_severity" in journey and short.at[lane, stage]:
                severity = journey.loc[in_stage, "pain_severity"].max()
                code.at[lane, stage] = PAIN_LANE_CODE + (severity if pd.notna(severity) else 0)
            elif lane == "moment_of_truth":
                code.at[lane, stage] = TRUTH_LANE_CODE if short.at[lane, stage] else 0
            else:
                code.at[lane, stage] = 0
    return short, full, code.astype(float)


def _survey_with_stage(client: Client) -> pd.DataFrame:
    """The survey with each response's journey stage (from its stage, or its touchpoint)."""
    survey = client.tables["survey"]
    if "stage" in survey:
        return survey
    if "touchpoint_id" in survey and client.has("journey"):
        stage_of = client.tables["journey"].set_index("touchpoint_id")["stage"]
        return survey.assign(stage=survey["touchpoint_id"].map(stage_of))
    return survey.assign(stage=pd.NA)


def measured_emotion(client: Client) -> pd.DataFrame:
    """Per stage: the survey's satisfaction rescaled to the emotion scale −2..2, with a t interval.

    CSAT is used when mapped (``(x − mid) / half-range × 2``), otherwise NPS (``(x − 5) / 2.5``).
    """
    survey = _survey_with_stage(client)
    if "csat" in survey:
        low, high = client.survey_scales["csat"].bounds
        score = (survey["csat"] - (low + high) / 2) / ((high - low) / 2) * 2
    elif "nps" in survey:
        score = (survey["nps"] - 5) / 2.5
    else:
        return pd.DataFrame(columns=["value", "low", "high", "n"])
    grouped = score.groupby(survey["stage"], observed=True).agg(["mean", "std", "count"])
    low, high = mean_interval(grouped["mean"], grouped["std"], grouped["count"], bounds=(-2, 2))
    return pd.DataFrame(
        {"value": grouped["mean"], "low": low, "high": high, "n": grouped["count"].astype(int)}
    )


def journey_map(client: Client, t: Translator) -> go.Figure:
    """The journey map: emotion curve over the lanes, as wide as the page (cell text wrapped to the
    columns, each lane as tall as its fullest cell), interactive on screen; in print the tables of
    :func:`printed_map` take its place (:meth:`cxlib.render.report.Report.chart`)."""
    journey = client.tables["journey"]
    order = stages(journey)
    short, full, code = map_cells(journey, t)
    lines = max(2, int(short.map(lambda text: text.count("<br>") + 1 if text else 1).to_numpy().max()))
    lanes_height = float(len(LANES) * (lines * MAP_LINE + 12))
    plot_height = EMOTION_HEIGHT + lanes_height
    figure = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[EMOTION_HEIGHT / plot_height, lanes_height / plot_height],
        vertical_spacing=0.02,
    )
    if "declared_emotion" in journey:
        declared = journey.groupby("stage")["declared_emotion"].mean().reindex(order)
        figure.add_scatter(
            x=order,
            y=declared,
            mode="lines+markers",
            name=t("journey.declared_emotion"),
            line={"color": ACCENT, "dash": "dot"},
            row=1,
            col=1,
        )
    if client.has("survey"):
        measured = measured_emotion(client).reindex(order)
        figure.add_trace(interval_line(order, measured, t("journey.measured_emotion")), row=1, col=1)
    lane_labels = [t(f"journey.lane.{lane}") for lane in LANES]
    figure.add_heatmap(
        x=order,
        y=lane_labels,
        z=code.to_numpy(),
        text=short.to_numpy(),
        texttemplate="%{text}",
        textfont={"size": MAP_FONT},
        customdata=full.to_numpy(),
        hovertemplate="%{y} · %{x}<br>%{customdata}<extra></extra>",
        showscale=False,
        xgap=3,
        ygap=3,
        zmin=0,
        zmax=TRUTH_LANE_CODE,
        colorscale=MAP_COLOURS,
        row=2,
        col=1,
    )
    figure.update_yaxes(range=[-2.3, 2.3], title_text=t("journey.emotion_axis"), zeroline=True, row=1, col=1)
    figure.update_yaxes(autorange="reversed", row=2, col=1)
    figure.update_xaxes(side="top", row=1, col=1)
    wrap_category_ticks(figure, order, width=cell_width(len(order)))
    figure.update_layout(
        title=t("journey.map_title", name=client.config.name),
        height=int(MAP_TOP + plot_height + MAP_BOTTOM),
        legend={
            "orientation": "h",
            "yref": "container",
            "y": 1,
            "yanchor": "top",
            "x": 1,
            "xanchor": "right",
        },
        margin={"l": 150, "r": 20, "t": MAP_TOP, "b": MAP_BOTTOM},
    )
    return figure


def printed_map(client: Client, t: Translator) -> str:
    """The journey map for print (:func:`cxlib.render.printed.printed_map`): the emotion declared and
    measured (with its interval and n), then every lane's items in full, coloured as on screen,
    split into groups of stages that each fit a printed page with the lane names repeated."""
    journey = client.tables["journey"]
    order = stages(journey)
    items = map_items(journey, t)
    shades = map_cells(journey, t)[2].map(
        lambda code: sample_colorscale(MAP_COLOURS, code / TRUTH_LANE_CODE)[0] if code else ""
    )
    emotion = pd.DataFrame(columns=order, dtype=object)
    if "declared_emotion" in journey:
        declared = journey.groupby("stage")["declared_emotion"].mean().reindex(order)
        emotion.loc[t("journey.declared_emotion")] = [[t.number(value, 1)] for value in declared]
    if client.has("survey"):
        measured = measured_emotion(client).reindex(order)
        emotion.loc[t("journey.measured_emotion")] = [
            [t("journey.measured_cell", interval=t.interval(row.value, row.low, row.high), n=t.number(row.n))]
            if pd.notna(row.value)
            else [MISSING]
            for row in measured.itertuples()
        ]
    items.index = [t(f"journey.lane.{lane}") for lane in LANES]
    shades.index = items.index
    title = t("journey.map_title", name=client.config.name)

    def caption(first: int, last: int, count: int) -> str:
        if first == 1 and last == count:
            return title
        return t("journey.print_caption", title=title, first=first, last=last, count=count)

    return printed.printed_map(
        pd.concat([emotion, items]), pd.concat([emotion.map(lambda _: ""), shades]), caption, MAP_ROOM_ABOVE
    )


def stage_drivers(client: Client, confidence: float = 0.95) -> pd.DataFrame | None:
    """Per stage: how much of the variance in NPS the stage's touchpoint satisfaction explains.

    For the responses about each stage, the squared correlation between CSAT and NPS (``r2``,
    with a Fisher z interval, :func:`cxlib.stats.estimators.fisher_interval`), and ``share``, the stage's
    ``r2`` over the sum across stages. Unlike a pooled regression on stage dummies, this does not
    grow with the number of responses a stage happens to have. Stages with fewer than
    :data:`~cxlib.stats.estimators.SMALL_SAMPLE` responses are left out.
    ``None`` without NPS, CSAT and stages.
    """
    survey = _survey_with_stage(client)
    if not {"nps", "csat"} <= set(survey.columns) or survey["stage"].isna().all():
        return None
    valid = survey.dropna(subset=["nps", "csat", "stage"])
    x, y = valid["csat"].astype(float), valid["nps"].astype(float)
    sums = (
        pd.DataFrame({"n": 1, "x": x, "y": y, "xx": x * x, "yy": y * y, "xy": x * y})
        .groupby(valid["stage"], observed=True)
        .sum()
    )
    sums = sums[sums["n"] >= SMALL_SAMPLE]
    covariance = sums["xy"] - sums["x"] * sums["y"] / sums["n"]
    r = covariance / np.sqrt(
        (sums["xx"] - sums["x"] ** 2 / sums["n"]) * (sums["yy"] - sums["y"] ** 2 / sums["n"])
    )
    r_low, r_high = fisher_interval(r, sums["n"], confidence)
    weights = pd.DataFrame(
        {
            "r": r,
            "r2": r**2,
            "low": np.where(r_low > 0, r_low**2, 0.0),
            "high": np.maximum(r_low**2, r_high**2),
            "n": sums["n"].astype(int),
        }
    )
    weights["share"] = weights["r2"] / weights["r2"].sum()
    order = stages(client.tables["journey"]) if client.has("journey") else sorted(weights.index)
    weights = weights.reindex([stage for stage in order if stage in weights.index])
    weights.attrs["n"] = int(sums["n"].sum())
    return weights


def investment_by_stage(client: Client) -> pd.Series | None:
    """Share of the initiatives' cost per stage (a cost is split evenly over the touchpoints it lists)."""
    if not client.has("initiatives", "journey"):
        return None
    initiatives = client.tables["initiatives"].dropna(subset=["touchpoints"])
    stage_of = client.tables["journey"].set_index("touchpoint_id")["stage"]
    listed = initiatives.assign(touchpoint=initiatives["touchpoints"]).explode("touchpoint")
    listed["cost_share"] = listed["cost"] / listed.groupby(level=0)["touchpoint"].transform("size")
    by_stage = listed.groupby(listed["touchpoint"].map(stage_of))["cost_share"].sum()
    return by_stage / by_stage.sum() if by_stage.sum() > 0 else None


def moments_chart(weights: pd.DataFrame, investment: pd.Series | None, t: Translator) -> go.Figure:
    """Each stage's explained share of NPS variance (r², with interval) beside its share of investment."""
    order = weights.sort_values("r2", ascending=False).index
    figure = go.Figure(
        go.Bar(
            x=list(order),
            y=weights.loc[order, "r2"] * PERCENT,
            name=t("journey.importance_share"),
            marker_color=PRIMARY,
            error_y=error_bars(
                weights.loc[order, "r2"], weights.loc[order, "low"], weights.loc[order, "high"], scale=PERCENT
            ),
            customdata=weights.loc[order, "n"],
            hovertemplate=f"%{{x}}: {percent_hover(t, 'y')} (n = %{{customdata}})<extra></extra>",
        )
    )
    if investment is not None:
        figure.add_bar(
            x=list(order),
            y=investment.reindex(order).fillna(0) * PERCENT,
            name=t("journey.investment_share"),
            marker_color=ACCENT,
            hovertemplate=f"%{{x}}: {percent_hover(t, 'y')}<extra></extra>",
        )
    figure.update_layout(
        barmode="group",
        title=t("journey.moments_title", n=t.number(weights.attrs["n"])),
        yaxis_title=t("journey.share_axis"),
        xaxis_title=t("journey.stage_axis"),
    )
    percent_axis(figure, t, "y")
    return wrap_category_ticks(figure, list(order))


def moments_of_truth(weights: pd.DataFrame, top: int = 2) -> list[str]:
    """The stages whose satisfaction explains the most NPS variance."""
    return weights.sort_values("r2", ascending=False).index[:top].tolist()


def scorecard(client: Client, run: MonitoringRun) -> pd.DataFrame:
    """Per touchpoint: volume, mean score and success rate with intervals, 12-week trend, rank, status."""
    aggregates = run.aggregates
    totals = aggregates.groupby("touchpoint_id")[
        ["n_score", "sum_score", "sumsq_score", "n_success", "successes"]
    ].sum()
    mean = totals["sum_score"] / totals["n_score"]
    sd = np.sqrt((totals["sumsq_score"] - totals["n_score"] * mean**2) / (totals["n_score"] - 1))
    mean_low, mean_high = mean_interval(mean, sd, totals["n_score"], bounds=(1, 5))
    rate = totals["successes"] / totals["n_success"]
    rate_low, rate_high = proportion_interval(totals["successes"], totals["n_success"])
    recent = run.charts[run.charts["week"] > run.charts["week"].max() - pd.Timedelta(weeks=12)]
    slope = recent.groupby("touchpoint_id").apply(
        lambda weeks: (
            np.polyfit(np.arange(len(weeks)), weeks["mean"], 1)[0]
            if weeks["mean"].notna().sum() > 2
            else np.nan
        ),
        include_groups=False,
    )  # one small fit per touchpoint, never per measurement
    card = pd.DataFrame(
        {
            "n": totals["n_score"],
            "score": mean,
            "score_low": mean_low,
            "score_high": mean_high,
            "rate": rate,
            "rate_low": rate_low,
            "rate_high": rate_high,
            "trend": slope.reindex(totals.index),
        }
    )
    ongoing = run.alerts[run.alerts["ongoing"] & (run.alerts["level"] == "alarm")]["touchpoint_id"]
    card["status"] = np.where(card.index.isin(set(ongoing)), "alarm", "ok")
    journey = client.tables["journey"].set_index("touchpoint_id")
    card = card.join(journey[["stage", "touchpoint", "channel"]], how="left")
    card["touchpoint"] = touchpoint_names(client.tables["journey"]).reindex(card.index)
    if (
        client.has("survey")
        and "touchpoint_id" in client.tables["survey"]
        and "nps" in client.tables["survey"]
    ):
        nps_by = metric_by(client.tables["survey"], "nps", "touchpoint_id")
        card = card.join(nps_by[["value", "low", "high", "n"]].add_prefix("nps_"), how="left")
    card["rank"] = card["score"].rank(ascending=False, method="min").astype(int)
    return card.sort_values("rank")


def scorecard_takeaway(card: pd.DataFrame, t: Translator) -> tuple[str, dict[str, str]]:
    """What the scorecard shows: touchpoints in alarm and on watch, and the lowest mean score."""
    scored = card.dropna(subset=["score"])
    lowest = scored["score"].idxmin() if len(scored) else None
    values = {
        "n": t.number(len(card)),
        "alarm": t.plural("journey.count.alarm", int((card["status"] == "alarm").sum())),
        "watch": t("journey.count.watch", count=t.number(int((card["status"] == "watch").sum()))),
    }
    if lowest is None:
        return "journey.takeaway.scorecard_unscored", values
    row = scored.loc[lowest]
    values["lowest"] = (
        f"{row['touchpoint']}: {t.interval(row['score'], row['score_low'], row['score_high'], 2)}"
    )
    return "journey.takeaway.scorecard", values


def scorecard_table(card: pd.DataFrame, t: Translator) -> pd.DataFrame:
    """The scorecard formatted for the report."""
    table = pd.DataFrame(
        {
            t("journey.col.rank"): card["rank"].to_numpy(),
            t("journey.col.touchpoint"): card["touchpoint"].fillna("").to_numpy(),
            t("journey.col.stage"): card["stage"].to_numpy(),
            t("journey.col.volume"): [t.number(n) for n in card["n"]],
            t("journey.col.score"): [
                t.interval(v, lo, hi, 2)
                for v, lo, hi in zip(card["score"], card["score_low"], card["score_high"], strict=True)
            ],
            t("journey.col.rate"): [
                t.interval(v, lo, hi, 1, percent=True)
                for v, lo, hi in zip(card["rate"], card["rate_low"], card["rate_high"], strict=True)
            ],
            t("journey.col.trend"): [t.trend(slope) for slope in card["trend"]],
        }
    )
    if "nps_value" in card:
        table[t("journey.col.nps")] = [
            t.interval(v, lo, hi, 1) + (f" ⚠ n = {int(n)}" if pd.notna(n) and n < SMALL_SAMPLE else "")
            for v, lo, hi, n in zip(
                card["nps_value"], card["nps_low"], card["nps_high"], card["nps_n"], strict=True
            )
        ]
    table[t("journey.col.status")] = [t(f"journey.status.{s}") for s in card["status"]]
    return table


def alert_table(run: MonitoringRun, client: Client, t: Translator) -> pd.DataFrame:
    """Alarm and watch episodes, each tied to the touchpoint's value promise."""
    alerts = run.alerts
    names = touchpoint_names(client.tables["journey"])
    show = lambda value, metric: t.percent(value, 1) if metric == "rate" else t.number(value, 2)  # noqa: E731
    return pd.DataFrame(
        {
            t("journey.col.level"): [t(f"journey.level.{level}") for level in alerts["level"]],
            t("journey.col.touchpoint"): [names.get(tp, tp) for tp in alerts["touchpoint_id"]],
            t("journey.col.metric"): [t(f"journey.metric.{m}") for m in alerts["metric"]],
            t("journey.col.weeks"): [
                f"{t.date(a)} – {t.date(b)} ({n})"
                for a, b, n in zip(alerts["first_week"], alerts["last_week"], alerts["weeks"], strict=True)
            ],
            t("journey.col.worst"): [
                f"{show(w, m)} < {show(lim, m)} ({t('journey.centre')} {show(c, m)})"
                for w, lim, c, m in zip(
                    alerts["worst"], alerts["limit"], alerts["centre"], alerts["metric"], strict=True
                )
            ],
            t("journey.col.promise"): alerts["promise"].fillna(t("journey.no_promise")).to_numpy(),
        }
    )


def unpromised_touchpoints(run: MonitoringRun, client: Client) -> str:
    """The touchpoints with an alert but no declared value promise, named for the consultant's
    check (``''`` when every one has a promise)."""
    alerts = run.alerts.loc[run.alerts["promise"].isna()]
    names = client.tables["journey"].set_index("touchpoint_id")["touchpoint"]
    return ", ".join(f"{names.get(tp, tp)} ({tp})" for tp in alerts["touchpoint_id"].drop_duplicates())


def control_chart(run: MonitoringRun, touchpoint_id: str, label: str, t: Translator) -> go.Figure:
    """The touchpoint's EWMA chart of mean score and p-chart of success rate, alerts marked."""
    chart = run.charts[run.charts["touchpoint_id"] == touchpoint_id]
    weeks = chart["week"].dt.strftime("%Y-%m-%d")
    figure = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        subplot_titles=(t("journey.ewma_title"), t("journey.pchart_title")),
    )
    figure.add_scatter(
        x=weeks,
        y=chart["mean"],
        mode="markers",
        name=t("journey.weekly_mean"),
        marker={"color": "#ABB2B9"},
        row=1,
        col=1,
    )
    figure.add_scatter(
        x=weeks, y=chart["ewma"], mode="lines", name="EWMA", line={"color": PRIMARY}, row=1, col=1
    )
    for column in ("ewma_low", "ewma_high"):
        figure.add_scatter(
            x=weeks,
            y=chart[column],
            mode="lines",
            line={"color": "#C0392B", "dash": "dash"},
            showlegend=column == "ewma_low",
            name=t("journey.control_limits"),
            row=1,
            col=1,
        )
    alerts = chart[chart["score_alert"]]
    figure.add_scatter(
        x=alerts["week"].dt.strftime("%Y-%m-%d"),
        y=alerts["ewma"],
        mode="markers",
        marker={"color": "#C0392B", "size": 9, "symbol": "x"},
        name=t("journey.alert"),
        row=1,
        col=1,
    )
    figure.add_scatter(
        x=weeks,
        y=chart["rate"] * PERCENT,
        mode="lines+markers",
        name=t("journey.metric.rate"),
        line={"color": "#16A085"},
        customdata=chart["n_success"],
        hovertemplate=f"%{{x}}: {percent_hover(t, 'y', 1)} (n = %{{customdata}})<extra></extra>",
        row=2,
        col=1,
    )
    figure.add_scatter(
        x=weeks,
        y=chart["rate_low"] * PERCENT,
        mode="lines",
        line={"color": "#C0392B", "dash": "dash"},
        showlegend=False,
        row=2,
        col=1,
    )
    rate_alerts = chart[chart["rate_alert"]]
    figure.add_scatter(
        x=rate_alerts["week"].dt.strftime("%Y-%m-%d"),
        y=rate_alerts["rate"] * PERCENT,
        mode="markers",
        showlegend=False,
        marker={"color": "#C0392B", "size": 9, "symbol": "x"},
        row=2,
        col=1,
    )
    baseline_end = chart.loc[chart["baseline"], "week"].max().strftime("%Y-%m-%d")
    figure.add_vline(x=baseline_end, line_dash="dot", line_color="#7F8C8D")
    figure.update_yaxes(title_text=t("journey.metric.score"), row=1, col=1)
    percent_axis(figure, t, "y", row=2, col=1).update_yaxes(title_text=t("journey.metric.rate"), row=2, col=1)
    figure.update_xaxes(title_text=t("journey.week_axis"), row=2, col=1)
    figure.update_xaxes(hoverformat="%-d %b %Y")  # the week's Monday, in the report's language
    figure.update_layout(title=t("journey.control_title", touchpoint=label), height=620)
    episodes = run.alerts[run.alerts["touchpoint_id"] == touchpoint_id]
    if episodes.empty:
        return with_takeaway(figure, "journey.takeaway.control_ok", touchpoint=label)
    latest = episodes.sort_values("last_week").iloc[-1]

    def shown(value: float) -> str:
        return t.number(value, 2) if latest["metric"] == "score" else t.percent(value, 1)

    return with_takeaway(  # an episode that ended is told as ended, never as going on
        figure,
        f"journey.takeaway.control_{latest['level']}{'' if latest['ongoing'] else '_ended'}",
        touchpoint=label,
        weeks=t.number(int(latest["weeks"])),
        since=t.date(latest["first_week"]),
        until=t.date(latest["last_week"]),
        worst=shown(latest["worst"]),
        centre=shown(latest["centre"]),
    )


def export_workbook(
    path: Path,
    client: Client,
    t: Translator,
    card: pd.DataFrame | None = None,
    run: MonitoringRun | None = None,
) -> Path:
    """Write the map (and the scorecard and alerts, when monitored) to an Excel workbook, atomically."""
    short, full, _ = map_cells(client.tables["journey"], t)
    sheet_map = full.replace("<br>", "\n", regex=True)
    sheet_map.index = [t(f"journey.lane.{lane}") for lane in sheet_map.index]
    temporary = path.with_name(f".{path.name}.tmp.xlsx")
    with pd.ExcelWriter(temporary, engine="openpyxl") as writer:
        spreadsheet_safe(sheet_map).to_excel(writer, sheet_name=t("journey.sheet.map")[:31])
        if card is not None and run is not None:
            spreadsheet_safe(scorecard_table(card, t)).to_excel(
                writer, sheet_name=t("journey.sheet.scorecard")[:31], index=False
            )
            spreadsheet_safe(alert_table(run, client, t)).to_excel(
                writer, sheet_name=t("journey.sheet.alerts")[:31], index=False
            )
        spreadsheet_safe(client.tables["journey"]).to_excel(
            writer, sheet_name=t("journey.sheet.journey")[:31], index=False
        )
    temporary.replace(path)
    return path


def since_facts(run: MonitoringRun, t: Translator) -> dict[str, str]:
    """What this run processed, for ``journey.since.<mode>``."""
    facts = {"n": t.number(run.new_rows), "last": t.date(run.last_timestamp)}
    return facts | ({"since": t.date(run.since)} if run.since is not None else {})


#: Investment share within this many points of the moments' importance counts as matching it.
INVESTMENT_TOLERANCE = 0.10


def moments_facts(weights: pd.DataFrame, investment: pd.Series | None, t: Translator) -> dict[str, str]:
    """The moments of truth, their share of explained variance and of investment."""
    strongest = set(moments_of_truth(weights))
    top = [stage for stage in weights.index if stage in strongest]  # named in journey order
    facts = {"stages": ", ".join(top), "importance": t.percent(weights.loc[top, "share"].sum(), 0)}
    if investment is not None:
        facts["investment"] = t.percent(investment.reindex(top).fillna(0).sum(), 0)
    return facts


def investment_balance(weights: pd.DataFrame, investment: pd.Series) -> str:
    """Whether the moments of truth get less, about as much, or more of the investment than their
    share of explained variance (within :data:`INVESTMENT_TOLERANCE`): the sentence's key."""
    top = list(moments_of_truth(weights))
    importance = float(weights.loc[top, "share"].sum())
    invested = float(investment.reindex(top).fillna(0).sum())
    if invested < importance - INVESTMENT_TOLERANCE:
        return "journey.investment_under"
    if invested > importance + INVESTMENT_TOLERANCE:
        return "journey.investment_over"
    return "journey.investment_matched"


def alert_log(report_dir: Path) -> pd.DataFrame:
    """The alerts ``cxwb watch`` raised for this client and their status
    (:func:`~cxlib.inputs.alert_log.alert_statuses`); empty when it never watched."""
    return alert_statuses(read_events(report_dir / ALERT_LOG_NAME))


def alert_log_facts(statuses: pd.DataFrame, t: Translator) -> dict[str, object]:
    """How many alerts are open, acknowledged and closed, and the median hours to acknowledge
    (from raised to acknowledged, or closed when closed directly) over the ``n`` answered ones."""
    counts = statuses["status"].value_counts()
    answered = statuses["hours_to_acknowledge"].dropna()
    return {
        "total": len(statuses),
        "open": int(counts.get("open", 0)),
        "acknowledged": int(counts.get("acknowledged", 0)),
        "closed": int(counts.get("closed", 0)),
        "hours": t.number(answered.median(), 1),
        "n": len(answered),
    }


def alert_log_table(statuses: pd.DataFrame, t: Translator) -> pd.DataFrame:
    """One row per alert: touchpoint, level, metric, when raised, status, who answered and how fast."""
    raised = pd.to_datetime(statuses["raised_at"], utc=True)
    answered_by = statuses["closed_by"].fillna(statuses["acknowledged_by"])
    return pd.DataFrame(
        {
            t("journey.col.touchpoint"): statuses["touchpoint"],
            t("journey.col.level"): [t(f"journey.level.{level}") for level in statuses["level"]],
            t("journey.col.metric"): [t(f"journey.metric.{metric}") for metric in statuses["metric"]],
            t("journey.col.raised"): [t.date(moment, "medium") for moment in raised],
            t("journey.col.alert_status"): [
                t(f"journey.alert_status.{status}") for status in statuses["status"]
            ],
            t("journey.col.answered_by"): answered_by.fillna(MISSING),
            t("journey.col.hours_to_acknowledge"): [
                t.number(hours, 1) for hours in statuses["hours_to_acknowledge"]
            ],
            t("journey.col.note"): statuses["note"].fillna(""),
        }
    )


def alarm_touchpoints(run: MonitoringRun, client: Client) -> list[tuple[str, str]]:
    """(touchpoint id, label) of every touchpoint with an alarm episode, longest first."""
    names = touchpoint_names(client.tables["journey"])
    alarms = run.alerts[run.alerts["level"] == "alarm"].sort_values("weeks", ascending=False)
    return [(tp, names.get(tp, tp)) for tp in dict.fromkeys(alarms["touchpoint_id"])]


def step_results(
    client: Client, run: MonitoringRun | None, card: pd.DataFrame | None, weights: pd.DataFrame | None
) -> dict:
    """What the journey step publishes: the alarms going on, every alarm episode with its state
    (``episodes``), moments of truth and the scorecard."""
    published: dict = {
        "moments": {},
        "alarms": None,
        "scorecard": {},
    }  # alarms stay None when nothing was monitored
    if weights is not None:
        published["moments"] = weights[["r2", "low", "high", "n", "share"]].to_dict(orient="index")
        published["moments_of_truth"] = moments_of_truth(weights)
    if run is not None and card is not None:
        names = client.tables["journey"].set_index("touchpoint_id")["touchpoint"]
        ongoing = run.alerts[run.alerts["ongoing"] & (run.alerts["level"] == "alarm")]
        published["alarms"] = [
            {
                "touchpoint_id": row.touchpoint_id,
                "touchpoint": names.get(row.touchpoint_id, row.touchpoint_id),
                "metric": row.metric,
                "since": row.first_week,
                "weeks": row.weeks,
                "worst": row.worst,
                "limit": row.limit,
                "centre": row.centre,
                "promise": row.promise if isinstance(row.promise, str) else None,
            }
            for row in ongoing.itertuples()
        ]
        episodes = run.alerts[run.alerts["level"] == "alarm"]
        published["episodes"] = [  # every alarm episode with its state, for the consistency rules
            {
                "touchpoint_id": row.touchpoint_id,
                "metric": row.metric,
                "since": row.first_week,
                "until": row.last_week,
                "ongoing": row.ongoing,
            }
            for row in episodes.itertuples()
        ]
        totals = run.aggregates.groupby("touchpoint_id")[
            ["n_score", "sum_score", "sumsq_score", "n_success", "successes"]
        ].sum()
        published["scorecard"] = totals.to_dict(orient="index")
        published["last_timestamp"] = run.last_timestamp
    return published
