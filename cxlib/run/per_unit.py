"""``cxwb run --per-unit``: one short deliverable per unit (branch, store, hotel) of a network.

Each unit's page says where it stands: for every metric, its value with interval and n against the
network's, its place on the funnel and its rank with the rank interval (the league table of
:mod:`cxlib.steps.units`), and the themes its customers' comments raise against the network's
share (Wilson intervals, :func:`cxlib.stats.estimators.wilson_interval`). Everything is computed
once for the whole network (one league table per metric, one comment analysis); the pages are then
rendered from those tables with the project's templates, in chunks spread over ``--jobs`` worker
processes or the tasks of a Dask cluster (``--scheduler``), never one notebook per unit. They are
written to ``<out>/<slug>/units/`` (an index and one page per unit), swapped in at once.

No unit with fewer responses than ``privacy.min_group`` gets a page, and a unit's themes are shown
only from that many comments on.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import unicodedata
import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from cxlib.core.exceptions import CxError
from cxlib.core.files import swap_folder
from cxlib.core.i18n import Translator
from cxlib.core.paths import resolve_client_dir
from cxlib.inputs.client import Client, load_client
from cxlib.render.brand import brand_of
from cxlib.render.export import footer_text, page_css
from cxlib.render.unit_pages import UnitPage, render_chunk, render_index
from cxlib.stats.estimators import SMALL_SAMPLE, wilson_interval
from cxlib.steps import diagnosis, units

#: The folder of the per-unit pages inside a client's report.
UNITS_DIR_NAME = "units"
#: Themes listed per unit, the most mentioned first.
TOP_THEMES = 5
#: Pages rendered per task: small enough to spread over workers, large enough to pay a task's cost.
CHUNK = 50


class PerUnitError(CxError):
    """A client whose survey cannot give per-unit deliverables (no unit field, too few units)."""


def unit_file(name: str, taken: set[str]) -> str:
    """A plain file name for a unit (``Sucursal León`` → ``sucursal-leon.html``), unique in ``taken``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "unit"
    candidate, number = stem, 2
    while candidate in taken:
        candidate, number = f"{stem}-{number}", number + 1
    taken.add(candidate)
    return f"{candidate}.html"


def theme_shares(client: Client) -> tuple[pd.DataFrame, pd.Series, pd.Series] | None:
    """Per unit and theme, the share of the unit's comments raising it with its Wilson interval
    (columns ``share``, ``low``, ``high`` over the themes; a row per unit), each unit's number of
    comments and the network's share per theme; ``None`` without comments or themes."""
    comments = client.comments()
    if comments.empty:
        return None
    flags = diagnosis.comment_themes(client, comments).astype(bool)
    if flags.empty or not flags.shape[1]:
        return None
    unit = client.tables["survey"].loc[flags.index, "unit"].astype("string")
    counts, n = flags.groupby(unit).sum(), flags.groupby(unit).size()
    low, high = wilson_interval(counts.to_numpy(), np.broadcast_to(n.to_numpy()[:, None], counts.shape))
    intervals = {
        "share": counts.div(n, axis=0),
        "low": pd.DataFrame(low, index=counts.index, columns=counts.columns),
        "high": pd.DataFrame(high, index=counts.index, columns=counts.columns),
    }
    return pd.concat(intervals, axis=1), n, flags.mean()


Records = dict[str, dict[object, dict]]


def _league_rows(
    tables: dict[str, pd.DataFrame], records: Records, unit: object, t: Translator
) -> list[list[str]]:
    """One row per metric: the unit's value with interval, n, the network's value, rank, funnel."""
    rows = []
    for metric, table in tables.items():
        if unit not in records[metric]:
            continue
        row = records[metric][unit]
        decimals = 2 if metric == "ces" else 1
        rows.append(
            [
                t(f"metric.{metric}"),
                t.interval(row["value"], row["low"], row["high"], decimals),
                t.number(row["n"]),
                t.number(table.attrs["target"], decimals),
                units.rank_cell(row, table.attrs["units"], t),
                units.position_cell(row, t),
            ]
        )
    return rows


def _summary(records: Records, unit: object, t: Translator) -> str:
    """The unit's standing in one sentence: the metrics where it is beyond the funnel's alarm limits."""
    sides = {
        side: [t(f"metric.{m}") for m, rows in records.items() if rows.get(unit, {}).get("side") == side]
        for side in ("weak", "strong")
    }
    parts = [t(f"unit_page.{side}", metrics=", ".join(found)) for side, found in sides.items() if found]
    return " ".join(parts) if parts else t("unit_page.within")


def _theme_rows(themes, unit: str, minimum: int, t: Translator) -> tuple[list[list[str]], str]:
    """The unit's most mentioned themes against the network, and the note under them."""
    if themes is None:
        return [], t("unit_page.no_comments")
    intervals, n, network = themes
    if unit not in n.index or n[unit] < minimum:
        return [], t("unit_page.few_comments", minimum=t.number(minimum))
    shares = intervals.loc[unit].unstack(0).sort_values("share", ascending=False).head(TOP_THEMES)
    rows = [
        [str(theme), t.interval(row.share, row.low, row.high, 0, percent=True), t.percent(network[theme], 0)]
        for theme, row in zip(shares.index, shares.itertuples(), strict=True)
    ]
    return rows, t("unit_page.themes_note", n=t.number(n[unit]))


def unit_pages(client: Client, t: Translator, when: dt.datetime) -> tuple[list[UnitPage], dict, dict]:
    """Every unit's page values, the values all pages share and the index's, from the network's
    league tables and comments.

    Raises
    ------
    PerUnitError
        When the survey maps no unit, or has too few units for a league table.
    """
    tables = units.league_tables(client)
    if not tables:
        raise PerUnitError(
            f"{client.config.slug}: --per-unit needs the survey's unit field (survey.fields.unit in "
            f"client.yaml) and at least {units.MIN_UNITS} units with {client.config.privacy.min_group} "
            "responses or more"
        )
    minimum = client.config.privacy.min_group
    themes = theme_shares(client)
    first = next(iter(tables))
    ordered = tables[first].sort_values(["rank", "value"]).index
    ranked = list(dict.fromkeys([*ordered, *(unit for table in tables.values() for unit in table.index)]))
    taken: set[str] = set()
    common = {
        "language": t.language,
        "client_name": client.config.name,
        "back_label": t("unit_page.back"),
        "footer": footer_text(t, when),
        "league_heading": t("unit_page.league_heading"),
        "league_labels": [
            t("waves.col.measure"),
            t("unit_page.col.unit"),
            t("diagnosis.col.n"),
            t("unit_page.col.network"),
            t("units.col.rank"),
            t("units.col.funnel"),
        ],
        "league_note": t("unit_page.league_note", **units.funnel_facts(t)),
        "themes_heading": t("unit_page.themes_heading"),
        "theme_labels": [t("unit_page.col.theme"), t("unit_page.col.unit_share"), t("unit_page.col.network")],
    }
    records = {metric: table.to_dict("index") for metric, table in tables.items()}
    pages, listed = [], []
    for unit in ranked:
        name = str(unit)
        rows = _league_rows(tables, records, unit, t)
        theme_rows, theme_note = _theme_rows(themes, name, minimum, t)
        n = max(found[unit]["n"] for found in records.values() if unit in found)
        summary = _summary(records, unit, t)
        page = UnitPage(
            unit_file(name, taken),
            {
                "page_title": t("unit_page.title", unit=name),
                "summary": summary,
                "league": rows,
                "small": t("unit_page.small", n=t.number(n)) if n < SMALL_SAMPLE else "",
                "themes": theme_rows,
                "themes_note": theme_note,
            },
        )
        pages.append(page)
        standing = records[first].get(unit)
        listed.append(
            {
                "href": page.file,
                "name": name,
                "cells": [
                    rows[0][1] if standing is not None else "–",
                    units.rank_cell(standing, tables[first].attrs["units"], t)
                    if standing is not None
                    else "–",
                    summary,
                ],
            }
        )
    index = {
        "page_title": t("unit_page.index_title"),
        "intro": t("unit_page.index_intro", count=t.number(len(pages)), metric=t(f"metric.{first}")),
        "labels": [
            t("units.col.unit"),
            t(f"metric.{first}"),
            t("units.col.rank"),
            t("unit_page.col.standing"),
        ],
        "units": listed,
        "back_label": t("report.back_to_index"),
    }
    return pages, common, index


def _chunks(pages: list[UnitPage]) -> list[list[UnitPage]]:
    return [pages[start : start + CHUNK] for start in range(0, len(pages), CHUNK)]


def _render_all(pages: list[UnitPage], folder: Path, common: dict, jobs: int, scheduler: str | None) -> int:
    """Render every page: on the Dask cluster at ``scheduler`` (``local``: a local cluster of
    ``jobs`` workers), else over ``jobs`` worker processes, else here."""
    chunks = _chunks(pages)
    if scheduler:
        from distributed import Client as DaskClient
        from distributed import LocalCluster

        from cxlib.run.cluster import LOCAL_SCHEDULER, check_scheduler

        if scheduler == LOCAL_SCHEDULER:
            with (
                LocalCluster(
                    n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None
                ) as cluster,
                DaskClient(cluster) as dask_client,
            ):
                return sum(
                    dask_client.gather(
                        dask_client.map(render_chunk, chunks, folder=str(folder), common=common)
                    )
                )
        check_scheduler(scheduler)
        with DaskClient(scheduler) as dask_client:
            return sum(
                dask_client.gather(dask_client.map(render_chunk, chunks, folder=str(folder), common=common))
            )
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            return sum(pool.map(render_chunk, chunks, [str(folder)] * len(chunks), [common] * len(chunks)))
    return sum(render_chunk(chunk, str(folder), common) for chunk in chunks)


def write_unit_pages(
    client_name: str, out_dir: Path, jobs: int = 1, scheduler: str | None = None
) -> tuple[int, float, Path]:
    """Write the per-unit deliverables of one client into ``<out>/<slug>/units/``, swapped in at once.

    Returns
    -------
    tuple of (int, float, pathlib.Path)
        How many unit pages were written, the seconds it took (computing and rendering) and the
        units' index page.
    """
    started = time.perf_counter()
    client = load_client(resolve_client_dir(client_name))
    t = client.translator(escaped=False)  # the templates escape
    when = dt.datetime.now()
    pages, common, index_values = unit_pages(client, t, when)
    brand = brand_of(client.config, client.directory)
    common |= {"css": page_css(brand), "logo": brand.logo_html()}
    report = Path(out_dir) / client.config.slug
    report.mkdir(parents=True, exist_ok=True)
    build = report / f".{UNITS_DIR_NAME}-build-{uuid.uuid4().hex[:8]}"
    build.mkdir()
    count = _render_all(pages, build, common, jobs, scheduler)
    render_index(build, common | index_values)
    swap_folder(build, report / UNITS_DIR_NAME)
    return count, time.perf_counter() - started, report / UNITS_DIR_NAME / "index.html"
