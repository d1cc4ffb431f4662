"""The unit league table of the diagnosis: every outcome by unit against the network.

Shown on the diagnosis page (``notebooks/01_diagnosis.py``) wherever the survey maps a ``unit``
(branch, store, hotel). The maths is :mod:`cxlib.stats.league` (Spiegelhalter's funnel with
over-dispersion, empirical-Bayes shrinkage, bootstrap rank intervals); this module feeds it each
metric by unit (:func:`~cxlib.stats.metrics.metric_by`: the metric's own interval and n, weighted
when the survey is) and builds the tables, the funnel plots and the published findings.

No unit with fewer responses than ``privacy.min_group`` is shown, placed or ranked: a handful of
customers of one branch would be recognisable.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib.core.exceptions import CxError
from cxlib.core.i18n import Translator
from cxlib.inputs.client import Client
from cxlib.render.charts import ACCENT, PRIMARY, label_points, with_takeaway
from cxlib.render.summary import rank_text, spread_text
from cxlib.stats.estimators import SMALL_SAMPLE
from cxlib.stats.league import ALARM_LEVEL, WATCH_LEVEL, funnel_limits, league, metric_points
from cxlib.stats.metrics import metric_by

#: The metrics ranked, in the report's order.
LEAGUE_METRICS: tuple[str, ...] = ("nps", "csat", "ces", "satisfied")
#: Customer effort: the less, the better (Dixon, M., Freeman, K. & Toman, N. (2010), Stop trying to
#: delight your customers, *Harvard Business Review* 88(7/8), 116-122).
LOWER_IS_BETTER = frozenset({"ces"})
#: Fewest units for a league table: with fewer, a network mean and its over-dispersion mean little.
MIN_UNITS = 5
WEAK_COLOUR, STRONG_COLOUR = "#C0392B", "#1E8449"


def _decimals(metric: str) -> int:
    return 2 if metric == "ces" else 1


def metric_bounds(client: Client, metric: str) -> tuple[float, float]:
    """The bounds of ``metric``'s reported scale: NPS −100..100, a percentage 0..100, a mean its scale."""
    if metric == "nps":
        return (-100.0, 100.0)
    if metric == "ces":
        low, high = client.survey_scales["ces"].bounds
        return (float(low), float(high))
    return (0.0, 100.0)


class HierarchyError(CxError):
    """A ``parent`` column of the units table that does not make a tree (a unit its own ancestor)."""


def hierarchy(client: Client) -> list[pd.Series]:
    """The levels above the units, from the units table's ``parent`` column (branch → region →
    country): level ``k`` maps each unit of the survey to its ancestor ``k`` steps up (a unit whose
    line ends earlier keeps its top ancestor); a unit missing from the units table has none. Empty
    without a ``parent`` column or a ``unit`` field. The levels stop where every unit has reached
    its top.

    Raises
    ------
    HierarchyError
        When a unit is its own ancestor, naming the units table's row and the fix.
    """
    survey, table = client.tables.get("survey"), client.tables.get("units")
    if survey is None or table is None or "unit" not in survey or "parent" not in table:
        return []
    parents = table.dropna(subset=["parent"]).set_index(table["unit"].astype(str))["parent"].astype(str)
    parents = parents[parents.index != parents]
    units = pd.Series(survey["unit"].dropna().astype(str).unique())
    units = units[units.isin(parents.index)]
    current = pd.Series(units.to_numpy(), index=units.to_numpy())
    levels = []
    for _ in range(len(parents) + 1):
        step = current.map(parents).fillna(current)
        if step.equals(current):
            return levels
        levels.append(step)
        current = step
    looped = table[table["unit"].astype(str).isin(current.unique())].index[0]
    raise HierarchyError(
        f"{client.sources['units'].name}:{looped}: parent: the units' parents go round in a circle; "
        "give each unit the unit above it (branch → region → country), leaving the top one's parent empty"
    )


def level_groups(client: Client, level: int) -> pd.Series:
    """Each survey response's group at ``level`` of the network: its unit at 0, its unit's ancestor
    ``level`` steps up above (:func:`hierarchy`; missing where its unit has none)."""
    units = client.tables["survey"]["unit"]
    if level == 0:
        return units
    return units.astype("string").map(hierarchy(client)[level - 1]).astype("category")


def level_facts(client: Client, level: int, t: Translator) -> dict[str, str]:
    """The network level's number and its groups, for ``units.level_heading``."""
    groups = level_groups(client, level).dropna().unique()
    return {"depth": t.number(level + 1), "count": t.number(len(groups))}


def level_table(client: Client, level: int, t: Translator) -> pd.DataFrame:
    """Every metric of each group of ``level`` (all its units' responses pooled), with its interval
    and n, groups under ``privacy.min_group`` responses left out: the roll-up shown where a level has
    too few groups for a league table."""
    survey = client.tables["survey"].assign(unit=level_groups(client, level))
    minimum = client.config.privacy.min_group
    columns: dict[str, pd.Series] = {}
    for metric in LEAGUE_METRICS:
        if metric not in survey or survey[metric].notna().sum() == 0:
            continue
        bounds = metric_bounds(client, metric)
        scale_high = client.survey_scales["csat"].bounds[1] if metric == "csat" else None
        by_group = metric_by(survey, metric, "unit", scale_high, bounds=bounds if metric == "ces" else None)
        by_group = by_group[by_group["n"] >= minimum]
        columns[t(f"metric.{metric}")] = pd.Series(
            [
                f"{t.interval(row.value, row.low, row.high, _decimals(metric))} (n = {t.number(row.n)})"
                for row in by_group.itertuples()
            ],
            index=by_group.index.astype(str),
        )
    shown = pd.DataFrame(columns).fillna("–")
    return shown.rename_axis(t("units.col.group")).reset_index()


def league_tables(client: Client, seed: int = 0, level: int = 0) -> dict[str, pd.DataFrame]:
    """Per available metric, the league table of units (:func:`cxlib.stats.league.league`) with each
    unit's own interval (``low``, ``high``); empty without a ``unit`` field or with fewer than
    :data:`MIN_UNITS` units of at least ``privacy.min_group`` responses. ``attrs["hidden"]`` counts
    the units left out for privacy. At ``level`` 1, 2… the units are their ancestors of that level
    (:func:`level_groups`): every response of a region's branches is the region's."""
    survey = client.tables["survey"]
    if "unit" not in survey:
        return {}
    survey = survey.assign(unit=level_groups(client, level))
    minimum = client.config.privacy.min_group
    tables = {}
    for metric in LEAGUE_METRICS:
        if metric not in survey or survey[metric].notna().sum() == 0:
            continue
        bounds = metric_bounds(client, metric)
        scale_high = client.survey_scales["csat"].bounds[1] if metric == "csat" else None
        by_unit = metric_by(survey, metric, "unit", scale_high, bounds=bounds if metric == "ces" else None)
        shown = by_unit[by_unit["n"] >= minimum]
        if len(shown) < MIN_UNITS:
            continue
        points = metric_points(survey, metric, scale_high)
        rows = points.notna() & survey["unit"].isin(shown.index)
        weights = survey.loc[rows, "weight"] if "weight" in survey else None
        target = float(np.average(points[rows], weights=weights))
        sd = float(np.sqrt(np.average((points[rows] - target) ** 2, weights=weights)))
        table = league(
            shown["value"], shown["n"], sd, target, metric not in LOWER_IS_BETTER, bounds, seed=seed
        )
        table[["low", "high"]] = shown[["low", "high"]]
        table.attrs["hidden"] = len(by_unit) - len(shown)
        tables[metric] = table
    return tables


def hidden_count(tables: dict[str, pd.DataFrame]) -> int:
    """The most units any metric's league table left out for having fewer than ``privacy.min_group``
    responses."""
    return max(table.attrs["hidden"] for table in tables.values())


def position_cell(row: pd.Series, t: Translator) -> str:
    """Where a unit lies on the funnel, in words (beyond the alarm limits, between the lines, within)."""
    return t(f"units.position.{row['position']}", limit=t.percent(ALARM_LEVEL, 1))


def funnel_facts(t: Translator) -> dict[str, str]:
    """The alarm limit and its false-alarm rate for ``units.text``, in the locale's numbers."""
    return {
        "limit": t.percent(ALARM_LEVEL, 1),
        "chance": t.number(round((1 - ALARM_LEVEL) * 1000)),
        "per": t.number(1000),
    }


def rank_cell(row: pd.Series, units: int, t: Translator) -> str:
    """A unit's rank with its 95 % rank interval and the number of units: ``4 (2–9) of 14``."""
    return rank_text(row["rank"], row["rank_low"], row["rank_high"], units, t)


def league_display(table: pd.DataFrame, metric: str, t: Translator) -> pd.DataFrame:
    """The league table for the report, best first: each unit's value with its interval and n, its
    place on the funnel, its shrunk estimate and its rank interval; units under n = 30 cautioned.
    The funnel column is left out when every unit is within, the caution column when none is small."""
    decimals = _decimals(metric)
    ordered = table.sort_values(["rank", "value"])
    units = table.attrs["units"]
    shown = pd.DataFrame(
        {
            t("units.col.unit"): ordered.index.astype(str),
            t("diagnosis.col.n"): [t.number(n) for n in ordered["n"]],
            t(f"metric.{metric}"): [
                t.interval(row.value, row.low, row.high, decimals) for row in ordered.itertuples()
            ],
            t("units.col.funnel"): [position_cell(row, t) for _, row in ordered.iterrows()],
            t("units.col.shrunk"): [
                t.interval(row.shrunk, row.shrunk_low, row.shrunk_high, decimals)
                for row in ordered.itertuples()
            ],
            t("units.col.rank"): [rank_cell(row, units, t) for _, row in ordered.iterrows()],
            t("diagnosis.col.caution"): [
                t("diagnosis.small") if n < SMALL_SAMPLE else "" for n in ordered["n"]
            ],
        }
    )
    # a column that says the same of every unit tells nothing: every unit within the funnel (the
    # takeaway says so), no unit under n = 30
    silent = [
        column
        for column, says_nothing in (
            (t("units.col.funnel"), ordered["position"].eq("within").all()),
            (t("diagnosis.col.caution"), ordered["n"].ge(SMALL_SAMPLE).all()),
        )
        if says_nothing
    ]
    return shown.drop(columns=silent)


def _flagged(table: pd.DataFrame, side: str) -> pd.DataFrame:
    """The units beyond the alarm limits on ``side`` (``weak`` or ``strong``), furthest first."""
    found = table[table["side"] == side]
    return found.reindex(found["z"].abs().sort_values(ascending=False).index)


def unit_facts(table: pd.DataFrame, unit: object, metric: str, t: Translator) -> str:
    """One unit's figures for a sentence: ``name: value [low; high], n = …, rank 12 (9-14) of 14``."""
    row = table.loc[unit]
    return t(
        "units.unit_facts",
        unit=unit,
        value=t.interval(row["value"], row["low"], row["high"], _decimals(metric)),
        n=t.number(row["n"]),
        rank=rank_cell(row, table.attrs["units"], t),
    )


def ends(table: pd.DataFrame) -> tuple[object, object]:
    """The best and the worst unit of the league table (its ranks follow the values)."""
    ordered = table.sort_values("value", ascending=not table.attrs["higher_is_better"], kind="stable")
    return ordered.index[0], ordered.index[-1]


def league_takeaway(table: pd.DataFrame, metric: str, t: Translator) -> tuple[str, dict[str, str]]:
    """What the league shows, its spread first (:func:`cxlib.render.summary.spread_text`), then the
    funnel as the supporting test: the weak and strong units beyond its alarm limits, furthest first,
    each with its value, interval, n and rank interval (``units.flagged``), or that none is
    (``units.none``)."""
    key, values = _funnel_takeaway(table, metric, t)
    spread = spread_text(metric, league_results({metric: table})[metric], t)
    return "units.led", {"spread": spread, "funnel": t(key, **values)}


def _funnel_takeaway(table: pd.DataFrame, metric: str, t: Translator) -> tuple[str, dict[str, str]]:
    """The funnel's verdict: ``units.flagged`` with the units beyond its alarm limits, or ``units.none``."""
    values = {
        "metric": t(f"metric.{metric}"),
        "target": t.number(table.attrs["target"], _decimals(metric)),
        "units": t.number(table.attrs["units"]),
        "level": t.percent(ALARM_LEVEL, 1),
    }
    parts = [
        t.plural(
            f"units.{side}", len(found), list="; ".join(unit_facts(table, u, metric, t) for u in found.index)
        )
        for side in ("weak", "strong")
        for found in [_flagged(table, side)]
        if len(found)
    ]
    if not parts:
        return "units.none", values
    return "units.flagged", values | {"found": " ".join(parts)}


def dispersion_note(table: pd.DataFrame, metric: str, t: Translator) -> tuple[str, dict[str, str]] | None:
    """When units differ beyond sampling noise: φ, its test and the between-unit τ that widened the
    funnel's limits (``units.overdispersed``); ``None`` otherwise."""
    if not table.attrs["overdispersed"]:
        return None
    return "units.overdispersed", {
        "metric": t(f"metric.{metric}"),
        "phi": t.number(table.attrs["phi"], 2),
        "p": t.p_value(table.attrs["dispersion_p"]),
        "tau": t.number(np.sqrt(table.attrs["tau2"]), _decimals(metric)),
    }


def funnel_chart(table: pd.DataFrame, metric: str, t: Translator) -> go.Figure:
    """Each unit's value against its number of responses, with the network's value and the funnel's
    95 % and 99.8 % limits (widened for over-dispersion where present); units beyond the alarm
    limits are coloured and named."""
    attrs = table.attrs
    colours = np.select(
        [table["side"] == "weak", table["side"] == "strong", table["position"] != "within"],
        [WEAK_COLOUR, STRONG_COLOUR, ACCENT],
        PRIMARY,
    )
    names = [str(unit) if side else "" for unit, side in zip(table.index, table["side"], strict=True)]
    decimals = _decimals(metric)
    hover = [
        f"{unit}: {t.interval(row.value, row.low, row.high, decimals)}, n = {t.number(row.n)}"
        for unit, row in zip(table.index, table.itertuples(), strict=True)
    ]
    figure = go.Figure(
        go.Scatter(
            x=table["n"],
            y=table["value"],
            mode="markers+text",
            marker={"size": 10, "color": colours},
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            name=t("units.col.unit"),
            showlegend=False,
        )
    )
    grid = np.linspace(table["n"].min(), table["n"].max(), 80)
    for level, dash in ((WATCH_LEVEL, "dash"), (ALARM_LEVEL, "dot")):
        low, high = funnel_limits(attrs["target"], attrs["sd"], grid, level, attrs["tau2"], attrs["bounds"])
        name = t("units.limit", level=t.percent(level, 0 if level == WATCH_LEVEL else 1))
        for values, show in ((low, True), (high, False)):
            figure.add_scatter(
                x=grid,
                y=values,
                mode="lines",
                line={"color": "#7F8C8D", "dash": dash, "width": 1},
                name=name,
                legendgroup=name,
                showlegend=show,
                hoverinfo="skip",
            )
    figure.add_hline(y=attrs["target"], line_color="#7F8C8D", line_width=1)
    figure.update_layout(
        title=t("units.funnel_title", metric=t(f"metric.{metric}")),
        xaxis_title=t("units.axis.n"),
        yaxis_title=t(f"metric.{metric}"),
        height=480,
    )
    # the axis holds the funnel's alarm limits too (widest at the smallest unit), not only the points
    label_points(
        figure,
        names,
        [10] * len(table),
        y_low=table["alarm_low"],
        y_high=table["alarm_high"],
        key_title=t("units.col.unit") + ":",
    )
    key, values = league_takeaway(table, metric, t)
    return with_takeaway(figure, key, **values)


def _published_unit(table: pd.DataFrame, unit: object) -> dict:
    """One unit's figures as the summary reads them: value, interval, n, z and rank interval."""
    row = table.loc[unit]
    return {
        "unit": str(unit),
        "side": row["side"],
        "value": float(row["value"]),
        "low": float(row["low"]),
        "high": float(row["high"]),
        "n": int(row["n"]),
        "z": float(row["z"]),
        "rank": int(row["rank"]),
        "rank_low": int(row["rank_low"]),
        "rank_high": int(row["rank_high"]),
    }


def league_results(tables: dict[str, pd.DataFrame]) -> dict:
    """What the league table publishes for the summary: per metric, the network's value, the number
    of units ranked and hidden, the over-dispersion test, the best and worst unit (``ends``) and
    every unit beyond the funnel's alarm limits, each with its figures."""
    return {
        metric: {
            "target": table.attrs["target"],
            "units": table.attrs["units"],
            "hidden": table.attrs["hidden"],
            "overdispersed": bool(table.attrs["overdispersed"]),
            "phi": float(table.attrs["phi"]),
            "dispersion_p": float(table.attrs["dispersion_p"]),
            "ends": [_published_unit(table, unit) for unit in ends(table)],
            "flagged": [_published_unit(table, unit) for unit in table.index[table["side"] != ""]],
        }
        for metric, table in tables.items()
    }
