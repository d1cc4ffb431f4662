"""Chart builders shared by the steps: every bar with an interval shows its n, small cells are marked.

Figures use the report theme installed by :func:`cxlib.render.report.setup`; titles and axis labels are
passed in already translated.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib.core.i18n import Translator
from cxlib.stats.estimators import SMALL_SAMPLE

SMALL_COLOUR = "#B2BABB"
MAIN_COLOUR = "#1B4F72"


def interval_bars(
    table: pd.DataFrame,
    title: str,
    value_title: str,
    category_title: str,
    t: Translator,
    percent: bool = False,
    decimals: int = 1,
    value_range: tuple[float, float] | None = None,
) -> go.Figure:
    """Horizontal bars of ``table['value']`` with ``low``/``high`` error bars and ``n`` on each bar.

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
            marker_color=np.where(small, SMALL_COLOUR, MAIN_COLOUR),
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
    return figure
