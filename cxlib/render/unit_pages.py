"""The per-unit pages' rendering (``cxwb run --per-unit``, :mod:`cxlib.run.per_unit`): one page of
already formatted values into the project's template, written atomically.

Kept apart from the computation so that a worker process or a Dask worker that renders a chunk of
pages imports jinja2 and the file helpers only, not the statistics and notebook stack.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cxlib.core.files import write_text_atomic
from cxlib.render.pages import PAGES


@dataclass(frozen=True)
class UnitPage:
    """One unit's page: its file name and the template's values, already in the client's language."""

    file: str
    values: dict


def render_chunk(pages: list[UnitPage], folder: str, common: dict) -> int:
    """Render and write (atomically) the pages of one chunk into ``folder``; returns how many."""
    template = PAGES.get_template("unit.html.j2")
    for page in pages:
        write_text_atomic(Path(folder) / page.file, template.render(**common, **page.values))
    return len(pages)


def render_index(folder: Path, values: dict) -> None:
    """Write the units' index page into ``folder``."""
    write_text_atomic(folder / "index.html", PAGES.get_template("units_index.html.j2").render(**values))
