"""Executed notebook → self-contained HTML report, in-process with nbconvert.

The project's own ``cxreport`` template (``cxlib/templates/cxreport``) drops code, prompts,
stream and plain-text output and markdown notes, and inlines the CSS. Every page of an output
folder loads one shared copy of plotly.js, ``<out>/assets/plotly-<version>.min.js``, by a relative
path (:func:`write_shared_assets`), so a page makes no network request when opened and a client's
pages weigh kilobytes, not megabytes each. The single file to e-mail is the bundle
(:mod:`cxlib.render.bundle`).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from cxlib.core.files import write_text_atomic
from cxlib.core.i18n import Translator
from cxlib.core.paths import PACKAGE_DIR, TEMPLATES_DIR
from cxlib.render.brand import HOUSE, Brand

#: The output folder's folder of files every page shares, beside the client folders.
ASSETS_DIR_NAME = "assets"
#: The plotly.js the reports load: a partial bundle of this version holding only these trace types
#: (``cxlib/render/assets/plotly-cx.min.js``, 1.2 MB instead of 4.8 MB; ``tools/plotly-bundle/``).
PLOTLY_JS_VERSION = "4.1.1"
REPORT_TRACES = ("bar", "heatmap", "scatter", "scatterpolar")
PLOTLY_FILE = f"plotly-cx-{PLOTLY_JS_VERSION}.min.js"
#: How a page in ``<out>/<slug>/`` loads the shared plotly.js.
PLOTLY_SRC = f"../{ASSETS_DIR_NAME}/{PLOTLY_FILE}"
#: The package's copies: the partial plotly.js (also what kaleido draws slide charts with) and the
#: script that draws a page's charts.
ASSETS_SOURCE_DIR = PACKAGE_DIR / "render" / "assets"
PLOTLY_CORE = ASSETS_SOURCE_DIR / "plotly-cx.min.js"


def write_shared_assets(out_dir: Path) -> Path:
    """Write plotly.js into ``<out>/assets/`` unless it is there already, and return its path (the
    version is in the name, so pages of an earlier run keep the copy they were drawn with)."""
    path = out_dir / ASSETS_DIR_NAME / PLOTLY_FILE
    script = plotly_js()
    if not path.is_file() or path.stat().st_size != len(script.encode("utf-8")):
        write_text_atomic(path, script)
    return path


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """The reports' plotly.js (see :data:`REPORT_TRACES`), followed by ``charts-in-turn.js``, which
    makes a page draw its charts one at a time so that the first shows at once."""
    return "\n".join(
        path.read_text(encoding="utf-8") for path in (PLOTLY_CORE, ASSETS_SOURCE_DIR / "charts-in-turn.js")
    )


@lru_cache(maxsize=1)
def report_css() -> str:
    """The report stylesheet, shared by step reports and index pages."""
    return (TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")


def page_css(brand: Brand) -> str:
    """The stylesheet of one client's pages: the report's, in the client's colours."""
    return f"{report_css()}\n{brand.css()}"


@lru_cache(maxsize=1)
def _exporter() -> HTMLExporter:
    exporter = HTMLExporter(template_name="cxreport", extra_template_basedirs=[str(TEMPLATES_DIR)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def footer_text(t: Translator, when: dt.datetime) -> str:
    """The footer line every page carries."""
    return t("report.generated", date=t.date(when, "long"))


def notebook_to_html(
    notebook_path: Path, t: Translator, page_title: str, when: dt.datetime, brand: Brand = HOUSE
) -> str:
    """Render an executed notebook as a report page in the language of ``t`` and the client's brand."""
    notebook = nbformat.read(notebook_path, as_version=4)
    resources = {
        "cx": {
            "language": t.language,
            "page_title": page_title,
            "css": page_css(brand),
            "logo": brand.logo_html(),
            "plotly_src": PLOTLY_SRC,
            "back_label": t("report.back_to_index"),
            "failed_note": t("report.step_failed"),
            "footer": footer_text(t, when),
        }
    }
    body, _ = _exporter().from_notebook_node(notebook, resources=resources)
    return body
