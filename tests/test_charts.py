"""The chart helpers every step shares: percent axes in the language's style, one small-sample note."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from cxlib.core.i18n import translator
from cxlib.render.charts import (
    PERCENT,
    interval_bars,
    percent_hover,
    pop_small_rows,
    pop_takeaway,
    small_rows_note,
    with_small_rows,
    with_takeaway,
)


@pytest.mark.parametrize(("language", "sign"), [("es", "\u00a0%"), ("en", "%")])
def test_percent_bars_plot_percentages_with_the_languages_sign(language, sign):
    t = translator(language)
    table = pd.DataFrame(
        {"value": [0.42, 0.3], "low": [0.35, 0.2], "high": [0.5, 0.4], "n": [200, 120]}, index=["A", "B"]
    )
    figure = interval_bars(table, "t", "share", "group", t, percent=True, value_range=(0, 1))
    assert figure.layout.xaxis.ticksuffix == sign and figure.layout.xaxis.tickformat is None
    assert list(figure.data[0].x) == pytest.approx([30, 42])
    assert list(figure.layout.xaxis.range) == [0, PERCENT]
    assert percent_hover(t, "y", 1) == f"%{{y:.1f}}{sign}"


def test_small_rows_get_one_note_naming_them_or_saying_all():
    t = translator("es")
    pillars = pd.DataFrame({"Pilar": ["Integridad", "Empatía", "Resolución"]})
    table = with_small_rows(pillars, [True, False, True])
    key, values = small_rows_note(*pop_small_rows(table), t)
    assert key == "report.small_rows.some" and values["rows"] == "Integridad y Resolución"
    assert small_rows_note(["a", "b"], [True, True], t)[0] == "report.small_rows.all"
    assert small_rows_note(["a"], [False], t) is None
    figure = with_takeaway(with_small_rows(go.Figure(), [True, False], ["Ventas", "Soporte"]), "k", v=1)
    assert pop_small_rows(figure) == (["Ventas", "Soporte"], [True, False])
    assert pop_takeaway(figure) == ("k", {"v": "1"}) and figure.layout.meta is None
    assert pop_small_rows(pd.DataFrame()) == ([], [])  # an empty, unmarked table
