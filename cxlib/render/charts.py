"""Chart builders shared by the steps: every bar with an interval shows its n, small cells are marked.

Figures use the report theme installed by :func:`cxlib.render.report.setup`; titles and axis labels are
passed in already translated. A chart carries its takeaway, a catalogue key and the values that fill
it (:func:`with_takeaway`); :meth:`cxlib.render.report.Report.chart` writes it under the chart, so no
chart reaches a report without a sentence saying what it shows.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from babel.lists import format_list

from cxlib.core.i18n import PERCENT_SIGN, Translator
from cxlib.stats.estimators import SMALL_SAMPLE

SMALL_COLOUR = "#B2BABB"
#: The house colours of the main and the second series; a client's ``brand:`` replaces them when a
#: chart is rendered (:class:`cxlib.render.brand.Brand`).
PRIMARY = "#1B4F72"
ACCENT = "#E67E22"
#: Characters per line of a wrapped category name (a column of about 110 px at 14 px).
WRAP_WIDTH = 14
#: Font size of value labels written on charts (the report theme's text is 14 px).
LABEL_SIZE = 12


TAKEAWAY = "cx_takeaway"
#: The ``attrs`` key of a report table's small-sample rows (:func:`with_small_rows`).
SMALL_ROWS = "cx_small_rows"
#: A share (0..1) is plotted times this, as a percentage: plotly's own percent format (``.0%``)
#: closes the sign up ("42%") in every language, so a percent axis or hover writes the number and
#: the language's sign itself (:func:`percent_axis`, :func:`percent_hover`).
PERCENT = 100


def percent_axis(figure: go.Figure, t: Translator, axis: str = "x", **where: object) -> go.Figure:
    """Write the ticks of a percent axis (values plotted as percentages, times :data:`PERCENT`) in the
    language's house style: ``42 %`` in Spanish, ``42%`` in English (:data:`~cxlib.core.i18n.PERCENT_SIGN`).
    The decimal and group separators are the locale's, from the report theme's ``separators``.

    Parameters
    ----------
    figure : plotly.graph_objects.Figure
        The chart, its percent values already times :data:`PERCENT`.
    t : Translator
        The report's translator (its language gives the sign).
    axis : {"x", "y"}
        The percent axis.
    **where
        Which subplot's axis (``row=2, col=1``), as plotly's ``update_xaxes`` takes them.
    """
    update = figure.update_xaxes if axis == "x" else figure.update_yaxes
    update(ticksuffix=PERCENT_SIGN[t.language], **where)
    return figure


def percent_hover(t: Translator, variable: str = "x", decimals: int = 0) -> str:
    """The hover placeholder of a percentage (``variable`` plotted times :data:`PERCENT`), with
    ``decimals`` decimals and the language's sign: ``%{x:.1f}\u00a0%`` in Spanish, ``%{x:.1f}%`` in
    English (the decimal mark is the locale's, from the theme's ``separators``)."""
    return f"%{{{variable}:.{decimals}f}}{PERCENT_SIGN[t.language]}"


def _meta(figure: go.Figure) -> dict:
    return dict(figure.layout.meta) if isinstance(figure.layout.meta, dict) else {}


def _pop_meta(figure: go.Figure, key: str) -> object:
    """Remove and return one of the figure's report notes (``None`` if it has none)."""
    meta = _meta(figure)
    found = meta.pop(key, None)
    figure.update_layout(meta=meta or None, overwrite=True)
    return found


def with_takeaway(figure: go.Figure, key: str, **values: object) -> go.Figure:
    """Attach the sentence that says what ``figure`` shows (catalogue ``key`` filled with ``values``)."""
    takeaway = {"key": key, "values": {name: str(v) for name, v in values.items()}}
    figure.update_layout(meta=_meta(figure) | {TAKEAWAY: takeaway}, overwrite=True)
    return figure


def pop_takeaway(figure: go.Figure) -> tuple[str, dict[str, str]] | None:
    """Remove and return a figure's takeaway (``None`` if it has none)."""
    takeaway = _pop_meta(figure, TAKEAWAY)
    return None if takeaway is None else (takeaway["key"], takeaway["values"])


def with_small_rows(
    shown: pd.DataFrame | go.Figure, small: Iterable[bool], names: Iterable[object] = ()
) -> pd.DataFrame | go.Figure:
    """Mark which rows of a report table, or of a chart (a matrix's rows, named by ``names``), rest
    on a small sample (one flag per row): the table or chart then carries one caution under it
    naming those rows (:func:`small_rows_note`), never one per row or cell. A table's rows are named
    by its first column."""
    flags = [bool(flag) for flag in small]
    if isinstance(shown, pd.DataFrame):
        shown.attrs[SMALL_ROWS] = flags
    else:
        rows = {"names": [str(name) for name in names], "small": flags}
        shown.update_layout(meta=_meta(shown) | {SMALL_ROWS: rows}, overwrite=True)
    return shown


def pop_small_rows(shown: pd.DataFrame | go.Figure) -> tuple[list[str], list[bool]]:
    """The row names and small-sample flags marked by :func:`with_small_rows` (removed from a chart,
    whose data must not carry them to the page); no rows when none were marked."""
    if isinstance(shown, pd.DataFrame):
        small = shown.attrs.get(SMALL_ROWS, [])
        return ([str(name) for name in shown.iloc[:, 0]] if small else []), small
    rows = _pop_meta(shown, SMALL_ROWS) or {"names": [], "small": []}
    return rows["names"], rows["small"]


def small_rows_note(names: list[str], small: list[bool], t: Translator) -> tuple[str, dict[str, str]] | None:
    """The one small-sample caution of rows marked by :func:`with_small_rows`: a catalogue key and
    its values, naming the affected rows, or saying every row is affected (``None`` when no row
    is)."""
    if not any(small):
        return None
    values = {"threshold": t.number(SMALL_SAMPLE)}
    if all(small):
        return "report.small_rows.all", values
    affected = [name for name, flag in zip(names, small, strict=True) if flag]
    return "report.small_rows.some", values | {"rows": format_list(affected, locale=t.locale)}


def interval_takeaway(
    table: pd.DataFrame, measure: str, group: str, t: Translator, decimals: int = 1, percent: bool = False
) -> tuple[str, dict[str, str]]:
    """What an interval chart shows: the highest and lowest group with their intervals and n, and
    whether those intervals are apart. The caption opens with ``measure`` (capitalised) and names
    the ``group`` dimension inside the sentence (:meth:`~cxlib.core.i18n.Translator.inline`).

    Non-overlapping 95% intervals imply a significant difference; overlapping ones are reported
    as "no clear difference", which is conservative (Schenker, N. & Gentleman, J. F. (2001), On
    judging the significance of differences by examining the overlap between confidence
    intervals, *The American Statistician* 55(3), 182-186).
    """
    group = t.inline(group)  # a dimension's name inside the sentence: "según segmento"
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
    # the measure opens the caption ("Participación en las respuestas: …")
    values = {"measure": t.sentence(measure), "group": group}
    return key, values | {"highest": shown(highest), "lowest": shown(lowest)}


def error_bars(value, low, high, scale: float = 1.0, **style: object) -> dict:
    """A plotly ``error_x``/``error_y`` drawing each point's interval ``[low; high]`` around
    ``value`` (arrays or Series of equal length), all multiplied by ``scale`` (100 for percents)."""
    return {
        "type": "data",
        "symmetric": False,
        "array": (high - value) * scale,
        "arrayminus": (value - low) * scale,
        **style,
    }


def interval_line(x, frame: pd.DataFrame, name: str, colour: str = PRIMARY) -> go.Scatter:
    """A line with markers through ``frame["value"]`` at ``x``, each point's ``[low; high]`` drawn as
    an error bar and its ``n`` on hover (a measured curve beside declared or target ones)."""
    return go.Scatter(
        x=x,
        y=frame["value"],
        mode="lines+markers",
        name=name,
        line={"color": colour},
        error_y=error_bars(frame["value"], frame["low"], frame["high"]),
        customdata=frame["n"],
        hovertemplate="%{x}: %{y:.2f} (n = %{customdata})<extra></extra>",
    )


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
    scale = PERCENT if percent else 1
    small = rows["small"].to_numpy(dtype=bool) if "small" in rows else rows["n"].to_numpy() < SMALL_SAMPLE

    caution = f" ⚠ n < {SMALL_SAMPLE}"
    text = [
        f"{t.interval(v, lo, hi, decimals, percent)} n = {t.number(n)}" + (caution if s else "")
        for v, lo, hi, n, s in zip(rows["value"], rows["low"], rows["high"], rows["n"], small, strict=True)
    ]
    labels = [str(label) for label in rows.index]
    figure = go.Figure(
        go.Bar(
            x=rows["value"] * scale,
            y=labels,
            orientation="h",
            marker_color=np.where(small, SMALL_COLOUR, PRIMARY),
            error_x=error_bars(rows["value"], rows["low"], rows["high"], scale=scale, color="#566573"),
            customdata=text,
            hovertemplate="%{y}: %{customdata}<extra></extra>",
            showlegend=False,
        )
    )
    add_whisker_labels(figure, labels, rows["value"] * scale, rows["high"] * scale, text)
    figure.update_layout(
        title=title,
        xaxis_title=value_title,
        yaxis_title=category_title,
        height=max(300, 90 + 40 * len(rows)),
    )
    if percent:
        percent_axis(figure, t)
    if value_range is not None:
        figure.update_xaxes(range=[bound * scale for bound in value_range])
    key, values = interval_takeaway(table, measure or value_title, category_title, t, decimals, percent)
    return with_takeaway(figure, key, **values)


def add_whisker_labels(
    figure: go.Figure, categories: list[str], values: pd.Series, highs: pd.Series, text: list[str]
) -> go.Figure:
    """Write each horizontal bar's label beyond the end of its error bar, never across it.

    Plotly places a bar's own ``textposition="outside"`` text at the end of the bar, where the
    whisker runs through it ("60.7%" read as "-60.7%"). The labels are instead a text-only trace at
    the furthest of the bar's end, the whisker's end and zero, and the right margin widens to hold
    the longest.
    """
    ends = np.fmax(np.fmax(values.to_numpy(dtype=float), highs.to_numpy(dtype=float)), 0.0)
    figure.add_scatter(
        x=ends,
        y=categories,
        mode="text",
        text=[f"  {label}" for label in text],
        textposition="middle right",
        textfont={"size": LABEL_SIZE},
        cliponaxis=False,
        hoverinfo="skip",
        showlegend=False,
    )
    longest = max((len(label) for label in text), default=0)
    figure.update_layout(margin={"r": max(60, int(longest * LABEL_SIZE * 0.62) + 30)})
    return figure


def wrapped(text: object, width: int = WRAP_WIDTH) -> str:
    """``text`` broken into lines of at most ``width`` characters (plotly's ``<br>``), so that long
    category names stand in columns instead of running into their neighbours."""
    return "<br>".join(textwrap.wrap(str(text), width, break_long_words=False)) or str(text)


def wrap_category_ticks(
    figure: go.Figure, categories: list, axis: str = "x", width: int = WRAP_WIDTH
) -> go.Figure:
    """Write the category ticks of every ``axis`` (``"x"`` or ``"y"``, all subplots) wrapped
    (:func:`wrapped`) and level, in the order given."""
    update = figure.update_xaxes if axis == "x" else figure.update_yaxes
    update(
        tickmode="array",
        tickvals=list(categories),
        ticktext=[wrapped(category, width) for category in categories],
        tickangle=0,
    )
    return figure


def month_axis(figure: go.Figure, axis: str = "x") -> go.Figure:
    """A date axis of months: ticks and hover as abbreviated month and year in the report's language
    (the chart config's plotly.js ``locale``), ticks spaced by plotly so their labels never meet."""
    figure.update_layout({f"{axis}axis": {"type": "date", "tickformat": "%b %Y", "hoverformat": "%b %Y"}})
    return figure


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


#: The plot area a labelled scatter is laid out for, in CSS pixels: narrower than a report page's
#: (about 930 px on screen and on an A4 landscape page), so labels placed here stay apart there.
REFERENCE_PLOT_WIDTH = 820
#: What a figure's height loses to its title, axis titles and tick labels, in CSS pixels.
FRAME_HEIGHT = 170
#: Average width and line height of a 14 px label character, in CSS pixels (generous for Arial).
CHAR_WIDTH, LINE_HEIGHT = 8.0, 18.0
#: Where a label may stand around its point, tried in this order: (plotly textposition, x, y)
#: as multiples of the distance needed to clear the marker.
LABEL_POSITIONS = (
    ("top center", 0, -1),
    ("bottom center", 0, 1),
    ("middle right", 1, 0),
    ("middle left", -1, 0),
    ("top right", 1, -1),
    ("top left", -1, -1),
    ("bottom right", 1, 1),
    ("bottom left", -1, 1),
)


Box = tuple[float, float, float, float]


def _overlaps(box: Box, boxes: list[Box]) -> bool:
    """Whether ``box`` (left, top, right, bottom) meets any of ``boxes``."""
    left, top, right, bottom = box
    return any(
        left < other_right and other_left < right and top < other_bottom and other_top < bottom
        for other_left, other_top, other_right, other_bottom in boxes
    )


def label_points(
    figure: go.Figure,
    labels: list[str],
    marker_sizes: list[float] | np.ndarray,
    y_low: pd.Series | None = None,
    y_high: pd.Series | None = None,
    key_title: str = "",
    x_range: tuple[float, float] | None = None,
) -> go.Figure:
    """Label the points of ``figure``'s first (scatter) trace so that no label runs into another
    label, a marker, an error bar or the plot's edge.

    Each label takes the first free place of :data:`LABEL_POSITIONS` around its point, in a layout of
    the plot at :data:`REFERENCE_PLOT_WIDTH`; the axis ranges are fixed to that layout (with room
    for the whiskers ``y_low``..``y_high``; ``x_range``, when given, is the x axis's). A point whose
    name finds no free place is numbered instead, and the numbers are named in a key under the chart
    (``key_title``: what they are). This
    is the greedy fixed-candidate approach of cartographic point labelling (Christensen, Marks &
    Shieber (1995), An empirical study of algorithms for point-feature label placement, *ACM
    Transactions on Graphics* 14(3), 203-232).
    """
    trace = figure.data[0]
    log_x = figure.layout.xaxis.type == "log"
    x = np.log10(np.asarray(trace.x, dtype=float)) if log_x else np.asarray(trace.x, dtype=float)
    y = np.asarray(trace.y, dtype=float)
    low = y if y_low is None else np.asarray(y_low, dtype=float)
    high = y if y_high is None else np.asarray(y_high, dtype=float)
    x_range = _padded(x.min(), x.max(), 0.08) if x_range is None else x_range
    y_range = _padded(min(y.min(), low.min()), max(y.max(), high.max()), 0.12)
    width = REFERENCE_PLOT_WIDTH
    height = float(figure.layout.height or 440) - FRAME_HEIGHT

    def px(value, axis_range, size):
        return (value - axis_range[0]) / (axis_range[1] - axis_range[0]) * size

    centre_x = px(x, x_range, width)
    centre_y = height - px(y, y_range, height)
    radii = np.asarray(marker_sizes, dtype=float) / 2
    obstacles = [
        (cx - r, cy - r, cx + r, cy + r) for cx, cy, r in zip(centre_x, centre_y, radii, strict=True)
    ]
    obstacles += [
        (cx - 5, height - px(hi, y_range, height), cx + 5, height - px(lo, y_range, height))
        for cx, lo, hi in zip(centre_x, low, high, strict=True)
        if hi > lo
    ]

    def place(text: str, point: int, placed: list) -> str | None:
        text_width, text_height = CHAR_WIDTH * len(text) + 4, LINE_HEIGHT
        for position, horizontal, vertical in LABEL_POSITIONS:
            middle_x = centre_x[point] + horizontal * (radii[point] + 3 + text_width / 2)
            middle_y = centre_y[point] + vertical * (radii[point] + 2 + text_height / 2)
            box = (
                middle_x - text_width / 2,
                middle_y - text_height / 2,
                middle_x + text_width / 2,
                middle_y + text_height / 2,
            )
            inside = box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height
            if inside and not _overlaps(box, obstacles + placed):
                placed.append(box)
                return position
        return None

    placed: list = []
    order = np.argsort(-np.asarray([len(label) for label in labels]))  # the longest names first
    texts, positions, keyed = list(labels), ["top center"] * len(labels), []
    for point in order:
        if not labels[point]:
            continue
        position = place(labels[point], point, placed)
        if position is None:
            keyed.append(point)
        else:
            positions[point] = position
    for number, point in enumerate(sorted(keyed), start=1):
        texts[point] = str(number)
        positions[point] = place(texts[point], point, placed) or "middle center"
    figure.update_traces(text=texts, textposition=positions, cliponaxis=False, selector=0)
    figure.update_xaxes(range=list(x_range))
    figure.update_yaxes(range=list(y_range))
    if keyed:
        key = " · ".join(f"{number}: {labels[point]}" for number, point in enumerate(sorted(keyed), start=1))
        lines = textwrap.wrap(f"{key_title} {key}".strip(), 140)
        figure.add_annotation(
            text="<br>".join(lines),
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            yshift=-70,
            xanchor="left",
            yanchor="top",
            align="left",
            showarrow=False,
            font={"size": LABEL_SIZE},
        )
        figure.update_layout(margin={"b": 80 + LINE_HEIGHT * len(lines)})
    return figure


def _padded(low: float, high: float, share: float) -> tuple[float, float]:
    span = (high - low) or abs(high) or 1.0
    return low - share * span, high + share * span
