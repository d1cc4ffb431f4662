"""The journey map in the deck: the report's map figure cut into slides of whole lanes, each slide's
picture as wide as the slide's content area, so that its text reads at the report's size.

The report's map (:func:`cxlib.steps.journey.journey_map`) is one tall figure, 1,100 CSS pixels wide:
the emotion curve above ten lanes of text at 11 px. Put whole on a 16:9 slide it shrinks to a third of
the slide's width and its text to about 3 pt. Here the figure is cut, between lanes, into parts whose
height fits the content area when the part is as wide as that area: the first part holds the emotion
curve (with its legend) and the first lanes, each next part the lanes that follow, every part with
the stage names under it. Drawn at :data:`~cxlib.render.slides.IMAGE_WIDTH` CSS pixels and placed
12.3 inches wide, a part's 11 px text prints at about 9 pt, which a committee reads on a projector
(Duarte, N. (2008), *slide:ology*, O'Reilly, ch. 7: text no smaller than the room can read).
"""

from __future__ import annotations

import base64
import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

#: Heights in CSS pixels, in every part: the legend above the curve, the stage names below the lanes,
#: and the gap between the curve and the lanes.
LEGEND_PX, STAGES_PX, GAP_PX = 40, 50, 20
#: Height of the emotion curve in the deck, in CSS pixels (the report's is 170: a slide has less room).
CURVE_PX = 140


def _array(values: object) -> np.ndarray:
    """A trace's array as numpy: plotly's typed-array form (``{"dtype", "bdata", "shape"}``, how a
    figure's numbers are stored in a notebook) decoded, any other form as it is."""
    if isinstance(values, dict) and "bdata" in values:
        array = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
        shape = [int(size) for size in str(values.get("shape", len(array))).split(",")]
        return array.reshape(shape)
    return np.asarray(values)


def _lane_height(figure: go.Figure, lanes: int) -> float:
    """The height of one lane of the report's map, in CSS pixels: the lanes' share of the plot area
    (the heatmap's ``yaxis2`` domain) divided among them."""
    layout = figure.layout
    plot = layout.height - layout.margin.t - layout.margin.b
    low, high = layout.yaxis2.domain if layout.yaxis2.domain else (0.0, 1.0)
    return plot * (high - low) / lanes


def lane_groups(lanes: int, lane_px: float, room_px: float) -> list[range]:
    """Consecutive lanes per part: the first part, below the emotion curve, as many as fit ``room_px``
    CSS pixels of height; the others the fewest parts that fit, as even as possible. At least one
    lane a part (a lane taller than the room runs over)."""
    first = min(lanes, max(1, math.floor((room_px - LEGEND_PX - CURVE_PX - GAP_PX - STAGES_PX) / lane_px)))
    fits = max(1, math.floor((room_px - STAGES_PX) / lane_px))
    rest = np.array_split(np.arange(first, lanes), math.ceil((lanes - first) / fits)) if lanes > first else []
    return [range(first)] + [range(int(part[0]), int(part[-1]) + 1) for part in rest]


def map_parts(figure: dict, width: int, room_px: float) -> list[dict]:
    """The report's journey map figure (a plotly dict: line traces of the emotion curve on ``y``, a
    heatmap of the lanes on ``y2``) cut into parts :func:`lane_groups` sizes for a picture ``width``
    CSS pixels wide and at most ``room_px`` tall; each part a plotly dict, without the figure's title
    (the slide carries it), ``width`` wide and as tall as its lanes need."""
    source = go.Figure(figure)
    heatmap = next(trace for trace in source.data if trace.type == "heatmap")
    curves = [trace for trace in source.data if trace.type != "heatmap"]
    lane_px = _lane_height(source, len(heatmap.y))
    ticks = {key: source.layout.xaxis2[key] for key in ("tickmode", "tickvals", "ticktext", "tickangle")}
    parts = []
    for number, lanes in enumerate(lane_groups(len(heatmap.y), lane_px, room_px)):
        with_curve = number == 0 and bool(curves)
        lanes_px = lane_px * len(lanes)
        top = LEGEND_PX if with_curve else 0
        plot_px = lanes_px + (CURVE_PX + GAP_PX if with_curve else 0)
        part = (
            make_subplots(
                rows=2,
                cols=1,
                shared_xaxes=True,
                row_heights=[CURVE_PX / plot_px, lanes_px / plot_px],
                vertical_spacing=GAP_PX / plot_px,
            )
            if with_curve
            else go.Figure()
        )
        rows = list(lanes)
        cut = heatmap.to_plotly_json() | {
            "y": [heatmap.y[row] for row in rows],
            "z": _array(heatmap.z)[rows].tolist(),
            "text": [list(heatmap.text[row]) for row in rows],
            "customdata": [list(heatmap.customdata[row]) for row in rows],
        }
        cut.pop("xaxis", None), cut.pop("yaxis", None)
        if with_curve:
            for curve in curves:
                part.add_trace(curve, row=1, col=1)
            part.add_trace(go.Heatmap(cut), row=2, col=1)
            curve_axis = {key: source.layout.yaxis[key] for key in ("range", "title", "zeroline")}
            part.update_yaxes(**curve_axis, row=1, col=1)
            part.update_xaxes(showticklabels=False, row=1, col=1)
        else:
            part.add_trace(go.Heatmap(cut))
        part.update_yaxes(autorange="reversed", row=2 if with_curve else None, col=1 if with_curve else None)
        part.update_xaxes(
            **ticks, side="bottom", row=2 if with_curve else None, col=1 if with_curve else None
        )
        part.update_layout(
            template=source.layout.template,
            legend=source.layout.legend,
            showlegend=with_curve,
            width=width,
            height=math.ceil(top + plot_px + STAGES_PX),
            margin={"l": source.layout.margin.l, "r": source.layout.margin.r, "t": top, "b": STAGES_PX},
        )
        parts.append(part.to_dict())
    return parts
