"""Chart builders shared by the steps: every bar with an interval shows its n, small cells are marked.

Figures use the report theme installed by :func:`cxlib.render.report.setup`; titles and axis labels are
passed in already translated. A chart carries its takeaway, a catalogue key and the values that fill
it (:func:`with_takeaway`); :meth:`cxlib.render.report.Report.chart` writes it under the chart, so no
chart reaches a report without a sentence saying what it shows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib.core.i18n import Translator
from cxlib.stats.estimators import SMALL_SAMPLE

SMALL_COLOUR = "#B2BABB"
#: The house colours of the main and the second series; a client's ``brand:`` replaces them when a
#: chart is rendered (:class:`cxlib.render.brand.Brand`).
PRIMARY = "#1B4F72"
ACCENT = "#E67E22"


TAKEAWAY = "cx_takeaway"


def with_takeaway(figure: go.Figure, key: str, **values: object) -> go.Figure:
    """Attach the sentence that says what ``figure`` shows (catalogue ``key`` filled with ``values``)."""
    figure.update_layout(
        meta={TAKEAWAY: {"key": key, "values": {name: str(v) for name, v in values.items()}}}
    )
    return figure


def pop_takeaway(figure: go.Figure) -> tuple[str, dict[str, str]] | None:
    """Remove and return a figure's takeaway (``None`` if it has none)."""
    meta = figure.layout.meta if isinstance(figure.layout.meta, dict) else {}
    takeaway = meta.get(TAKEAWAY)
    if takeaway is None:
        return None
    figure.update_layout(meta=None)
    return takeaway["key"], takeaway["values"]


def interval_takeaway(
    table: pd.DataFrame, measure: str, group: str, t: Translator, decimals: int = 1, percent: bool = False
) -> tuple[str, dict[str, str]]:
    """What an interval chart shows: the highest and lowest group with their intervals and n, and
    whether those intervals are apart.

    Non-overlapping 95% intervals imply a significant difference; overlapping ones are reported
    as "no clear difference", which is conservative (Schenker, N. & Gentleman, J. F. (2001), On
    judging the significance of differences by examining the overlap between confidence
    intervals, *The American Statistician* 55(3), 182-186).
    """
    rows = table.dropna(subset=["value"])
    if len(rows) < 2:
        return "chart.takeaway.single", {"group": group}
    highest, lowest = rows["value"].idxmax(), rows["value"].idxmin()

    def shown(name) -> str:
        row = rows.loc[name]
        interval = t.interval(row["value"], row["low"], row["high"], decimals, percent=percent)
        return f"{name}: {interval} (n = {t.number(row['n'])})"

    apart = rows.at[lowest, "high"] < rows.at[highest, "low"]
    key = "chart.takeaway.apart" if apart else "chart.takeaway.overlap"
    return key, {"measure": measure, "group": group, "highest": shown(highest), "lowest": shown(lowest)}


def interval_bars(
    table: pd.DataFrame,
    title: str,
    value_title: str,
    category_title: str,
    t: Translator,
    percent: bool = False,
    decimals: int = 1,
    value_range: tuple[float, float] | None = None,
    measure: str | None = None,
) -> go.Figure:
    """Horizontal bars of ``table['value']`` with ``low``/``high`` error bars and ``n`` on each bar,
    and the takeaway of :func:`interval_takeaway` (``measure`` names the value in it; by default
    ``value_title``).

    Rows flagged ``small`` (by default: ``n`` below :data:`~cxlib.stats.estimators.SMALL_SAMPLE`) are greyed
    and marked "⚠ n < 30".
    """
    rows = table.iloc[::-1]
    small = rows["small"].to_numpy(dtype=bool) if "small" in rows else rows["n"].to_numpy() < SMALL_SAMPLE

    def show(value: float) -> str:
        return t.percent(value, decimals) if percent else t.number(value, decimals)

    text = [
        f"{show(v)} [{show(lo)}; {show(hi)}] n = {t.number(n)}" + (f" ⚠ n < {SMALL_SAMPLE}" if s else "")
        for v, lo, hi, n, s in zip(rows["value"], rows["low"], rows["high"], rows["n"], small, strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            x=rows["value"],
            y=[str(label) for label in rows.index],
            orientation="h",
            text=text,
            textposition="outside",
            cliponaxis=False,
            marker_color=np.where(small, SMALL_COLOUR, PRIMARY),
            error_x={
                "type": "data",
                "symmetric": False,
                "array": rows["high"] - rows["value"],
                "arrayminus": rows["value"] - rows["low"],
                "color": "#566573",
            },
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    figure.update_layout(
        title=title,
        xaxis_title=value_title,
        yaxis_title=category_title,
        height=max(300, 90 + 40 * len(rows)),
        margin={"r": 220},
    )
    if percent:
        figure.update_xaxes(tickformat=".0%")
    if value_range is not None:
        figure.update_xaxes(range=list(value_range))
    key, values = interval_takeaway(table, measure or value_title, category_title, t, decimals, percent)
    return with_takeaway(figure, key, **values)


def money_log_axis(figure: go.Figure, amounts: pd.Series, currency: str, t: Translator) -> go.Figure:
    """Put ``amounts`` (positive money) on a logarithmic x axis whose ticks are 1, 2 and 5 times a
    power of ten, written as money in the locale's compact form (``$2 k``, ``$50 k``, ``$1 M``)
    instead of plotly's bare log labels ("2 3 4 … 1M")."""
    positive = amounts[amounts > 0]
    if positive.empty:
        return figure
    first, last = np.floor(np.log10(positive.min())), np.ceil(np.log10(positive.max()))
    ticks = [
        step * 10.0**power
        for power in np.arange(first, last + 1)
        for step in (1, 2, 5)
        if positive.min() / 2 <= step * 10.0**power <= positive.max() * 2
    ]
    labels = [t.money_short(tick, currency) for tick in ticks]
    figure.update_xaxes(type="log", tickvals=ticks, ticktext=labels)
    return figure
