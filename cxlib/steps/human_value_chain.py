"""Step 04, the human value chain: employee experience → customer experience → business results.

* Pillar × role: how each role enables each pillar (``enable_<pillar>`` items, 1-5 → 0-100).
  Cells with fewer respondents than :func:`cell_minimum` (:data:`MIN_CELL`, or the client's
  ``privacy.min_group`` if larger) show no number; where a pillar would hide a single cell, the
  next smallest is hidden too (complementary suppression), so no hidden cell can be worked out
  from the others and a total; cells under :data:`~cxlib.stats.estimators.SMALL_SAMPLE` carry a caution.
* Confidentiality: no employee figure (matrix cells, unit scores, outlier leads, published results)
  describes fewer people than :func:`cell_minimum`, the one threshold the page's promise states.
* Linkage across units: Pearson correlations with Fisher z intervals
  (:func:`cxlib.stats.estimators.fisher_interval`). A link is reported as a finding only when its
  interval excludes zero; with a dozen units intervals are wide. The chain as a whole (employees →
  customers → results, with its indirect effect) is read once, by :mod:`cxlib.steps.chain`: a
  second, partial-regression path model beside it gave a standardised indirect effect without
  bounds (the partial slope of the result on customers, controlling for employees, is unbounded
  when the two are almost collinear across a dozen units) and a verdict contradicting the chain's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib.core.i18n import Translator
from cxlib.core.method import PILLARS
from cxlib.inputs.client import Client
from cxlib.render.charts import PRIMARY, label_points, with_small_rows, with_takeaway
from cxlib.stats.estimators import SMALL_SAMPLE, IntervalFinding, fisher_interval, slope_interval, to_hundred
from cxlib.stats.metrics import Estimate, metric_by, nps

#: Cells with fewer respondents than this show no number at all.
MIN_CELL = 10
#: Units need this many survey responses and employee respondents to enter the linkage.
MIN_UNIT_RESPONSES = 10
#: Fewer usable units than this and no correlation across units is computed at all.
MIN_UNITS = 5


def cell_minimum(min_group: int) -> int:
    """The fewest employees any figure of this step may describe: :data:`MIN_CELL`, or the client's
    ``privacy.min_group`` when larger. The page's promise states this number, and every employee
    group shown (matrix cells, unit scores, outlier leads) meets it."""
    return max(MIN_CELL, min_group)


def enablement_columns(employees: pd.DataFrame) -> list[str]:
    """The ``enable_<pillar>`` columns present, in pillar order."""
    return [f"enable_{pillar}" for pillar in PILLARS if f"enable_{pillar}" in employees]


def pillar_role_matrix(employees: pd.DataFrame, by: str = "role", min_group: int = MIN_CELL) -> pd.DataFrame:
    """Long table: per group (role or office) and pillar, the 0-100 enablement mean, sd and n;
    ``shown`` is false for cells under :func:`cell_minimum` and their complements; the threshold is
    kept in ``attrs["minimum"]``."""
    columns = enablement_columns(employees)
    long = employees.melt(id_vars=[by], value_vars=columns, var_name="pillar", value_name="score").dropna(
        subset=["score", by]
    )
    long["pillar"] = long["pillar"].str.removeprefix("enable_")
    long["score"] = to_hundred(long["score"])
    cells = long.groupby([by, "pillar"], observed=True)["score"].agg(["mean", "std", "count"]).reset_index()
    cells["shown"] = cells["count"] >= cell_minimum(min_group)
    cells["small"] = cells["count"] < SMALL_SAMPLE
    suppressed = _complementary_suppression(cells.rename(columns={by: "group", "count": "n"}))
    suppressed.attrs["minimum"] = cell_minimum(min_group)
    return suppressed


def _complementary_suppression(cells: pd.DataFrame) -> pd.DataFrame:
    """Within each pillar, a lone hidden cell takes the smallest shown cell with it, so no hidden
    value can be recovered from the shown ones and an overall figure."""
    hidden = (~cells["shown"]).groupby(cells["pillar"]).transform("sum")
    lone = cells[(hidden == 1) & cells["shown"]]
    partners = lone.loc[lone.groupby("pillar")["n"].idxmin()].index
    return cells.assign(shown=cells["shown"] & ~cells.index.isin(partners))


def matrix_chart(cells: pd.DataFrame, title: str, group_title: str, t: Translator) -> go.Figure:
    """Heatmap of enablement by group × pillar; hidden cells show "n < minimum" instead of a number, and
    the groups with a cell under :data:`~cxlib.stats.estimators.SMALL_SAMPLE` get one caution under
    the chart (:func:`~cxlib.render.charts.with_small_rows`)."""
    groups = sorted(cells["group"].unique())
    pillars = [p for p in PILLARS if p in set(cells["pillar"])]
    grid = cells.set_index(["group", "pillar"])
    values = np.full((len(groups), len(pillars)), np.nan)
    text = np.full((len(groups), len(pillars)), "", dtype=object)
    hover = np.full((len(groups), len(pillars)), "", dtype=object)
    for i, group in enumerate(groups):
        for j, pillar in enumerate(pillars):
            if (group, pillar) not in grid.index:
                continue
            cell = grid.loc[(group, pillar)]
            if cell["shown"]:
                values[i, j] = cell["mean"]
                text[i, j] = t.number(cell["mean"], 0)
            else:
                text[i, j] = f"n < {cells.attrs.get('minimum', MIN_CELL)}"
            hover[i, j] = t(
                "value_chain.cell_hover",
                n=int(cell["n"]),
                sd=t.number(cell["std"], 1) if pd.notna(cell["std"]) else "–",
            )
    figure = go.Figure(
        go.Heatmap(
            z=values,
            x=[t(f"pillar.{p}") for p in pillars],
            y=groups,
            text=text,
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate="%{y} · %{x}: %{text}<br>%{customdata}<extra></extra>",
            colorscale="RdYlGn",
            zmin=0,
            zmax=100,
            colorbar={"title": {"text": "0-100", "side": "right"}},
            xgap=2,
            ygap=2,
        )
    )
    figure.update_layout(
        title=title,
        xaxis_title=t("diagnosis.pillar_axis"),
        yaxis_title=group_title,
        height=max(360, 110 + 44 * len(groups)),
    )
    small = [grid.loc[group, "small"].any() for group in groups]
    with_small_rows(figure, small, groups)
    return with_takeaway(figure, "value_chain.weakest", cells=weakest_text(cells, t))


def weakest_cells(cells: pd.DataFrame, count: int = 3) -> pd.DataFrame:
    """The shown cells with the lowest enablement (where to act first)."""
    return cells[cells["shown"]].nsmallest(count, "mean")


#: The survey's yes/no buying-behaviour fields, shown per unit as the share of its answers.
CUSTOMER_BEHAVIOURS = ("repurchase", "cross_sell", "churned")
#: The employee figures per unit, hidden for units under :func:`cell_minimum` respondents.
EMPLOYEE_MEASURES = ("enps", "engagement", "enablement", "culture", "employee_behaviour")


def unit_scores(client: Client) -> pd.DataFrame:
    """Per unit: employee eNPS, engagement, enablement, culture and behaviour (the means of the
    ``culture_`` and ``behaviour_`` items, 0-100); customer NPS and buying behaviour (the share
    saying yes to each of :data:`CUSTOMER_BEHAVIOURS` the survey maps); business results.

    Units with fewer than :data:`MIN_UNIT_RESPONSES` survey responses or employee respondents are
    kept in the table but flagged ``thin`` and left out of the linkage; a unit with fewer employee
    respondents than :func:`cell_minimum` has no employee figure at all.
    """
    employees = client.tables["employees"]
    frame = pd.DataFrame(index=pd.Index(sorted(employees["unit"].dropna().unique()), name="unit"))
    if "enps" in employees:
        frame["enps"] = _enps(employees).reindex(frame.index)
    if "engagement" in employees:
        frame["engagement"] = to_hundred(employees.groupby("unit")["engagement"].mean()).reindex(frame.index)
    columns = enablement_columns(employees)
    if columns:
        frame["enablement"] = to_hundred(employees.groupby("unit")[columns].mean().mean(axis=1)).reindex(
            frame.index
        )
    for measure, prefix in (("culture", "culture_"), ("employee_behaviour", "behaviour_")):
        items = [column for column in employees if column.startswith(prefix)]
        if items:
            frame[measure] = to_hundred(employees.groupby("unit")[items].mean().mean(axis=1)).reindex(
                frame.index
            )
    frame["employees_n"] = employees["unit"].value_counts().reindex(frame.index).fillna(0).astype(int)
    private = frame["employees_n"] < cell_minimum(client.config.privacy.min_group)
    frame.loc[private, [c for c in EMPLOYEE_MEASURES if c in frame]] = np.nan
    survey = client.tables["survey"]
    if "nps" in survey and "unit" in survey:
        customer = metric_by(survey, "nps", "unit")
        frame["nps"], frame["nps_low"], frame["nps_high"] = (
            customer[c].reindex(frame.index) for c in ("value", "low", "high")
        )
        frame["customers_n"] = customer["n"].reindex(frame.index).fillna(0).astype(int)
    for behaviour in CUSTOMER_BEHAVIOURS:  # the customers' buying behaviour, % of each unit's answers
        if behaviour in survey and "unit" in survey:
            said = survey[behaviour].astype("boolean").astype(float)
            frame[behaviour] = (said.groupby(survey["unit"]).mean() * 100).reindex(frame.index)
    if client.has("units"):
        units = client.tables["units"].set_index("unit")
        for column in ("retention", "revenue", "complaints", "customers"):
            if column in units:
                frame[column] = units[column].reindex(frame.index)
        if {"complaints", "customers"} <= set(units.columns):
            frame["complaints_rate"] = frame["complaints"] / frame["customers"] * 1000
        if {"revenue", "customers"} <= set(units.columns):
            frame["revenue_per_customer"] = frame["revenue"] / frame["customers"]
    frame["thin"] = (frame["employees_n"] < MIN_UNIT_RESPONSES) | (
        frame.get("customers_n", 0) < MIN_UNIT_RESPONSES
    )
    return frame


def _enps(employees: pd.DataFrame) -> pd.Series:
    """Employee NPS per unit (promoters 9-10 minus detractors 0-6), the same arithmetic as customer NPS."""
    return metric_by(employees.rename(columns={"enps": "nps"}), "nps", "unit")["value"]


@dataclass(frozen=True)
class Correlation(IntervalFinding):
    """A Pearson correlation across units with its Fisher z interval."""

    x: str
    y: str
    r: float
    low: float
    high: float
    n: int


def correlation(x: pd.Series, y: pd.Series, confidence: float = 0.95) -> Correlation:
    """Pearson r of two unit-level series with a Fisher z interval (pairs with a missing value dropped)."""
    pairs = pd.concat([x, y], axis=1).dropna()
    n = len(pairs)
    if n < 4:
        return Correlation(x.name, y.name, np.nan, np.nan, np.nan, n)
    r = float(np.corrcoef(pairs.iloc[:, 0], pairs.iloc[:, 1])[0, 1])
    low, high = fisher_interval(r, n, confidence)
    return Correlation(x.name, y.name, r, float(low), float(high), n)


def linkage(units: pd.DataFrame, ex: str, cx: str, results: list[str]) -> list[Correlation]:
    """Correlations EX–CX and CX–each result across the units that are not thin."""
    usable = units[~units["thin"]]
    links = [correlation(usable[ex], usable[cx])]
    links += [correlation(usable[cx], usable[result]) for result in results]
    links += [correlation(usable[ex], usable[result]) for result in results]
    return links


def ex_cx_slope(units: pd.DataFrame, ex: str, cx: str = "nps") -> dict[str, float]:
    """The EX → CX link as a slope across the units that are not thin, the units of
    :func:`linkage`: customer points per point of the EX measure
    (:func:`~cxlib.stats.estimators.slope_interval`), with the units' mean EX and the best-quartile
    unit's EX (the 75th percentile of unit scores, the internal benchmark the diagnosis uses for
    targets), from which the action plan reads how far an initiative can move EX."""
    usable = units[~units["thin"]]
    fit = slope_interval(usable[ex], usable[cx])
    return {
        "slope": fit.slope,
        "slope_low": fit.low,
        "slope_high": fit.high,
        "slope_finding": fit.finding,
        "ex_mean": float(usable[ex].mean()),
        "ex_benchmark": float(usable[ex].quantile(0.75)),
    }


#: The fewest units a point's value is estimated from: ten observations per predictor (Harrell, F. E.
#: (2015), *Regression Modeling Strategies*, 2nd ed., Springer, section 4.4), for one predictor.
MIN_VALUE_UNITS = 10


def point_value(units: pd.DataFrame, cx: str = "nps") -> dict[str, float] | None:
    """The money one outcome point is associated with a year, across the units that are not thin,
    in the units table's currency (its ``revenue`` is a year's): the least-squares slope of
    retention on the unit's ``cx`` (:func:`~cxlib.stats.estimators.slope_interval`) times the
    network's revenue, that is the customers kept per point valued at what a customer brings (the
    loyalty economics of Reichheld, F. F. (2003), The one number you need to grow, *Harvard Business
    Review* 81(12)).

    An association across units, not an experiment: it is offered only where it is clear, so
    ``None`` with fewer than :data:`MIN_VALUE_UNITS` units, without retention and revenue per unit,
    or when the slope's interval includes zero or lies below it (the plan then shows the cost per
    expected point instead)."""
    if not {cx, "retention", "revenue"} <= set(units.columns):
        return None
    usable = units[~units["thin"]].dropna(subset=[cx, "retention"])
    if len(usable) < MIN_VALUE_UNITS:
        return None
    fit = slope_interval(usable[cx], usable["retention"])
    if not fit.low > 0:
        return None
    revenue = float(units["revenue"].sum())
    return {
        "value": fit.slope * revenue,
        "low": fit.low * revenue,
        "high": fit.high * revenue,
        "retention": fit.slope,
        "units": fit.n,
    }


def result_columns(units: pd.DataFrame) -> list[str]:
    """The business results available per unit, in reporting order."""
    return [c for c in ("retention", "revenue_per_customer", "complaints_rate") if c in units]


def correlation_table(links: list[Correlation], t: Translator) -> pd.DataFrame:
    """Correlations with intervals, n and whether they count as a finding."""
    return pd.DataFrame(
        {
            t("value_chain.col.link"): [
                f"{t('value_chain.measure.' + link.x)} ↔ {t('value_chain.measure.' + link.y)}"
                for link in links
            ],
            t("value_chain.col.r"): [t.interval(link.r, link.low, link.high, 2) for link in links],
            t("value_chain.col.units"): [link.n for link in links],
            t("value_chain.col.finding"): [
                t("value_chain.finding_yes") if link.finding else t("value_chain.finding_no")
                for link in links
            ],
        }
    )


def quadrant_chart(units: pd.DataFrame, ex: str, cx: str, outliers: list[str], t: Translator) -> go.Figure:
    """Units by EX (x) and CX (y), quadrant lines at the means, outliers named."""
    usable = units[~units["thin"]]
    labels = [unit if unit in outliers else "" for unit in usable.index]
    figure = go.Figure(
        go.Scatter(
            x=usable[ex],
            y=usable[cx],
            mode="markers+text",
            text=labels,
            textposition="top center",
            marker={
                "size": 13,
                "color": ["#C0392B" if unit in outliers else PRIMARY for unit in usable.index],
            },
            customdata=np.stack(
                [usable.index, usable["employees_n"], usable.get("customers_n", usable["employees_n"])],
                axis=1,
            ),
            hovertemplate=(
                "%{customdata[0]}<br>EX %{x:.1f} (n = %{customdata[1]})"
                "<br>CX %{y:.1f} (n = %{customdata[2]})<extra></extra>"
            ),
        )
    )
    figure.add_vline(x=usable[ex].mean(), line_dash="dot", line_color="#7F8C8D")
    figure.add_hline(y=usable[cx].mean(), line_dash="dot", line_color="#7F8C8D")
    figure.update_layout(
        title=t("value_chain.quadrant_title", n=len(usable)),
        xaxis_title=t(f"value_chain.measure.{ex}"),
        yaxis_title=t(f"value_chain.measure.{cx}"),
        height=520,
    )
    return label_points(figure, labels, [13] * len(usable))


def outlier_units(units: pd.DataFrame, ex: str, cx: str, distance: float = 1.5, most: int = 4) -> list[str]:
    """Units far from the others: standardised distance from the centre of EX and CX above ``distance``,
    farthest first."""
    usable = units[~units["thin"]]
    standard = (usable[[ex, cx]] - usable[[ex, cx]].mean()) / usable[[ex, cx]].std(ddof=1)
    far = np.sqrt((standard**2).sum(axis=1))
    return far[far > distance].sort_values(ascending=False).index[:most].tolist()


def enough_units(units: pd.DataFrame) -> bool:
    """True when at least :data:`MIN_UNITS` units have enough customer and employee responses."""
    return int((~units["thin"]).sum()) >= MIN_UNITS


def ex_measure(units: pd.DataFrame) -> str | None:
    """The employee-experience measure for the linkage: enablement, else eNPS, else engagement."""
    return next((column for column in ("enablement", "enps", "engagement") if column in units), None)


def explain_outliers(
    client: Client, units: pd.DataFrame, outliers: list[str], ex: str, cx: str, t: Translator, cells: int = 2
) -> pd.DataFrame:
    """For each outlier unit, its quadrant and the role × pillar cells that differ most from all units:
    only cells the matrix itself would show (at least :func:`cell_minimum` people, complementary
    suppression applied), so no lead describes a smaller group than the page promises."""
    employees = client.tables["employees"]
    overall = pillar_role_matrix(employees).set_index(["group", "pillar"])["mean"]
    usable = units[~units["thin"]]
    minimum = cell_minimum(client.config.privacy.min_group)
    rows = []
    for unit in outliers:
        local = pillar_role_matrix(
            employees[employees["unit"] == unit], min_group=client.config.privacy.min_group
        )
        local = local[local["shown"]].set_index(["group", "pillar"])
        deviation = (local["mean"] - overall.reindex(local.index)).dropna()
        high_ex, high_cx = usable.at[unit, ex] >= usable[ex].mean(), usable.at[unit, cx] >= usable[cx].mean()
        direction = deviation.nlargest(cells) if high_ex else deviation.nsmallest(cells)
        rows.append(
            {
                t("value_chain.col.unit"): unit,
                t("value_chain.col.quadrant"): t(
                    f"value_chain.quadrant.{'high' if high_ex else 'low'}_{'high' if high_cx else 'low'}"
                ),
                t(f"value_chain.measure.{ex}"): t.number(usable.at[unit, ex], 1),
                t(f"value_chain.measure.{cx}"): t.number(usable.at[unit, cx], 1),
                t("value_chain.col.cells"): "; ".join(
                    f"{role} · {t('pillar.' + pillar)} ({'+' if d > 0 else ''}{t.number(d, 0)}, n = "
                    f"{int(local.at[(role, pillar), 'n'])})"
                    for (role, pillar), d in direction.items()
                )
                or t("value_chain.no_cells", minimum=t.number(minimum)),
            }
        )
    return pd.DataFrame(rows)


def culture_behaviour(employees: pd.DataFrame) -> pd.DataFrame | None:
    """Correlations (with Fisher intervals) between every culture item and every behaviour item."""
    culture = [c for c in employees if c.startswith("culture_")]
    behaviours = [c for c in employees if c.startswith("behaviour_")]
    if not culture or not behaviours:
        return None
    rows = [correlation(employees[c], employees[b]) for c in culture for b in behaviours]
    return pd.DataFrame(
        [{"culture": r.x, "behaviour": r.y, "r": r.r, "low": r.low, "high": r.high, "n": r.n} for r in rows]
    )


def item_label(column: str) -> str:
    """``culture_customer_focus`` → ``customer focus``."""
    return column.split("_", 1)[1].replace("_", " ")


def culture_chart(table: pd.DataFrame, t: Translator) -> go.Figure:
    """Heatmap of culture × behaviour correlations, interval and n on hover."""
    culture, behaviours = list(dict.fromkeys(table["culture"])), list(dict.fromkeys(table["behaviour"]))
    grid = table.set_index(["culture", "behaviour"])
    z = [[grid.at[(c, b), "r"] for b in behaviours] for c in culture]
    text = [[t.number(grid.at[(c, b), "r"], 2) for b in behaviours] for c in culture]
    hover = [
        [
            f"[{t.number(grid.at[(c, b), 'low'], 2)}; {t.number(grid.at[(c, b), 'high'], 2)}] n = "
            f"{int(grid.at[(c, b), 'n'])}"
            for b in behaviours
        ]
        for c in culture
    ]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=[item_label(b) for b in behaviours],
            y=[item_label(c) for c in culture],
            text=text,
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate="%{y} → %{x}: r = %{text} %{customdata}<extra></extra>",
            colorscale="RdBu",
            zmin=-1,
            zmax=1,
            xgap=2,
            ygap=2,
        )
    )
    figure.update_layout(
        title=t("value_chain.culture_title", n=int(table["n"].max())),
        xaxis_title=t("value_chain.behaviours_axis"),
        yaxis_title=t("value_chain.culture_axis"),
        height=max(320, 120 + 60 * len(culture)),
    )
    return figure


def weakest_text(cells: pd.DataFrame, t: Translator) -> str:
    """The weakest shown cells as "role · pillar (score, n)"."""
    return "; ".join(
        f"{row.group} · {t('pillar.' + row.pillar)} ({t.number(row.mean, 0)}, n = {row.n})"
        for row in weakest_cells(cells).itertuples()
    )


def correlation_facts(link: Correlation, t: Translator) -> dict[str, str]:
    """A correlation's figures for a sentence."""
    return {
        "r": t.number(link.r, 2),
        "low": t.number(link.low, 2),
        "high": t.number(link.high, 2),
        "n": str(link.n),
    }


def point_value_facts(value: dict[str, float], currency: str, t: Translator) -> dict[str, str]:
    """A point's value (:func:`point_value`) for ``value_chain.point_value`` and the plan's source."""
    return {
        "value": f"{t.money(value['value'], currency)} [{t.money(value['low'], currency)}; "
        f"{t.money(value['high'], currency)}]",
        "retention": t.percent(value["retention"], 2),
        "units": t.number(value["units"], 0),
    }


def strongest_culture(table: pd.DataFrame, t: Translator) -> dict[str, str]:
    """The culture → behaviour pair with the largest correlation."""
    row = table.loc[table["r"].abs().idxmax()]
    return {
        "culture": item_label(row["culture"]),
        "behaviour": item_label(row["behaviour"]),
        "r": t.number(row["r"], 2),
        "low": t.number(row["low"], 2),
        "high": t.number(row["high"], 2),
    }


def employee_nps(employees: pd.DataFrame) -> Estimate | None:
    """The employees' Net Promoter Score (eNPS) with its interval and n, from the ``enps`` answers
    on 0-10 (``None`` when the survey has none)."""
    if "enps" not in employees or employees["enps"].notna().sum() == 0:
        return None
    return nps(employees["enps"])


def step_results(
    links: list[Correlation] | None,
    ex: str | None,
    cells: pd.DataFrame | None,
    enps: Estimate | None = None,
    slope: dict[str, float] | None = None,
    value: dict[str, float] | None = None,
) -> dict:
    """What the human value chain publishes: the eNPS, the EX → CX link and the other links, the
    weakest cells (the chain itself: :func:`cxlib.steps.chain.chain_results`). The EX → CX link
    carries its slope (:func:`ex_cx_slope`) when ``slope`` is given;
    ``point_value`` is the value of one NPS point across units (:func:`point_value`), when clear."""
    published: dict = {"ex_measure": ex, "point_value": value}
    if enps is not None:
        published["enps"] = {"value": enps.value, "low": enps.low, "high": enps.high, "n": enps.n}
    if links:
        published["ex_cx"] = {
            "r": links[0].r,
            "low": links[0].low,
            "high": links[0].high,
            "n": links[0].n,
            "finding": links[0].finding,
            **(slope or {}),
        }
        published["links"] = [
            {
                "x": link.x,
                "y": link.y,
                "r": link.r,
                "low": link.low,
                "high": link.high,
                "n": link.n,
                "finding": link.finding,
            }
            for link in links
        ]
    if cells is not None:
        published["weakest"] = weakest_cells(cells)[["group", "pillar", "mean", "n"]].to_dict(
            orient="records"
        )
    return published
