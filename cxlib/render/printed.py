"""Print layout: the paper sizes a report prints on, and a wide map printed as tables.

A map of rows × columns (the journey map: lanes × stages) is too wide and too dense to print as one
picture: scaled to a page, its text falls to 3-5 pt. In print it becomes HTML tables instead, each
holding a group of consecutive columns with the row labels repeated, every group sized to fit one
printed page at :data:`MAP_FONT_PT` (at least 7 pt, the smallest size an executive reads on paper).
The page carries one set of tables per paper (:data:`PAPERS`); the printer shows the set of the
paper it prints on (``html[data-paper]``, :func:`cxlib.render.pdf.print_pdf`), so an A3 page
usually holds the whole map where A4 needs two or three.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from plotly.colors import hex_to_rgb, unlabel_rgb


@dataclass(frozen=True)
class Paper:
    """A landscape sheet inside the report's print margins (10 mm, 14 mm at the bottom for the
    footer), in CSS pixels at 96 dpi."""

    #: The name ``--paper`` takes and CSS ``@page { size }`` understands.
    name: str
    width: int
    height: int


PAPERS: dict[str, Paper] = {
    "a4": Paper("a4", 1047, 703),  # 297 × 210 mm less margins: 277 × 186 mm
    "a3": Paper("a3", 1511, 1031),  # 420 × 297 mm less margins: 400 × 273 mm
}
#: Text size of a printed map, in points, and its line height in CSS pixels (1.2 em, as the
#: stylesheet's ``table.cx-map``).
MAP_FONT_PT = 8
MAP_LINE_PX = MAP_FONT_PT * 96 / 72 * 1.2
#: Width of the row labels' column, and a cell's padding plus spacing across and down, in CSS pixels
#: (as the stylesheet's ``table.cx-map``).
LABEL_WIDTH, CELL_PADDING, ROW_PADDING = 150, 10, 8
#: Average width of a character of the report's sans-serif font, in em, with a margin for the
#: space lost at the end of wrapped lines (measured on the demos' printed maps).
CHAR_EM = 0.55
#: Share of a page a group's table may fill (the rest holds its caption or a heading above).
PAGE_SHARE = 0.88


#: What separates a cell's items on its lines.
SEPARATOR = " · "


def _lines(items: list[str], characters: int) -> int:
    """Printed lines of a cell's items, one after another, at ``characters`` per line."""
    return max(1, math.ceil(len(SEPARATOR.join(items)) / characters))


def table_height(items: pd.DataFrame, width: float) -> float:
    """Estimated printed height of ``items`` (rows × columns of lists of text) as one table ``width``
    CSS pixels wide, with its row of column names, in CSS pixels."""
    em = CHAR_EM * MAP_FONT_PT * 96 / 72
    characters = max(1, int(((width - LABEL_WIDTH) / max(len(items.columns), 1) - CELL_PADDING) / em))
    label_characters = max(1, int((LABEL_WIDTH - CELL_PADDING) / em))
    height = max(_lines([str(column)], characters) for column in items.columns) * MAP_LINE_PX + ROW_PADDING
    for label, cells in items.iterrows():
        lines = max(_lines([str(label)], label_characters), *(_lines(cell, characters) for cell in cells))
        height += lines * MAP_LINE_PX + ROW_PADDING
    return height


def column_groups(items: pd.DataFrame, paper: Paper, room_above: float = 0.0) -> list[list[str]]:
    """The fewest groups of consecutive columns, as even as possible, whose tables each fit one page
    of ``paper``, the first below ``room_above`` CSS pixels of what precedes it on its page (so the
    smaller groups come first; a single column too dense for a page is a group of its own, which
    then runs on)."""
    columns = list(items.columns)
    page = PAGE_SHARE * paper.height
    for count in range(1, len(columns) + 1):
        sizes = [len(group) for group in np.array_split(np.arange(len(columns)), count)][::-1]
        starts = np.cumsum([0, *sizes])
        groups = [columns[start:end] for start, end in zip(starts[:-1], starts[1:], strict=True)]
        rooms = [page - room_above] + [page] * (count - 1)
        if all(
            table_height(items[group], paper.width) <= room for group, room in zip(groups, rooms, strict=True)
        ):
            return groups
    return [[column] for column in columns]


def _text_colour(background: str) -> str:
    """Dark text on a light cell, white on a dark one (relative luminance below one half)."""
    red, green, blue = hex_to_rgb(background) if background.startswith("#") else unlabel_rgb(background)
    return "#FFFFFF" if 0.2126 * red + 0.7152 * green + 0.0722 * blue < 128 else "#1C2833"


def _table(items: pd.DataFrame, shades: pd.DataFrame, caption: str) -> str:
    """One printed table: a caption, the column names, then a row per label (all text escaped)."""
    head = "".join(f'<th scope="col">{html.escape(str(column))}</th>' for column in items.columns)
    rows = []
    for label in items.index:
        cells = []
        for column in items.columns:
            shade = shades.at[label, column]
            style = f' style="background:{shade}; color:{_text_colour(shade)}"' if shade else ""
            text = html.escape(SEPARATOR.join(items.at[label, column]))
            cells.append(f"<td{style}>{text}</td>")
        rows.append(f'<tr><th scope="row">{html.escape(str(label))}</th>{"".join(cells)}</tr>')
    return (
        f'<table class="cx-map"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr><td></td>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def printed_map(
    items: pd.DataFrame,
    shades: pd.DataFrame,
    caption: Callable[[int, int, int], str],
    room_above: float = 0.0,
) -> str:
    """A map printed as tables, one set per paper of :data:`PAPERS` (:func:`column_groups`), hidden on
    screen.

    Parameters
    ----------
    items
        Rows × columns; each cell a list of texts, printed one after another (client text: escaped
        here). The index holds the row labels, the columns the column names.
    shades
        Same shape: each cell's background colour (``#RRGGBB`` or ``rgb(r, g, b)``), or ``""``.
    caption
        A table's caption (plain text) from the 1-based positions of its first and last columns and
        the column count.
    room_above
        CSS pixels that what precedes the map takes on the first table's page
        (:func:`column_groups`).
    """
    sets = []
    for paper in PAPERS.values():
        tables = []
        for group in column_groups(items, paper, room_above):
            first = items.columns.get_loc(group[0]) + 1
            tables.append(
                _table(
                    items[group], shades[group], caption(first, first + len(group) - 1, len(items.columns))
                )
            )
        sets.append(f'<div class="cx-paper-{paper.name}">{"".join(tables)}</div>')
    return f'<div class="cx-print-only cx-printed-map">{"".join(sets)}</div>'
