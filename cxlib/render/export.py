"""Executed notebook → self-contained HTML report, in-process with nbconvert.

The project's own ``cxreport`` template (``cxlib/templates/cxreport``) drops code, prompts,
stream and plain-text output and markdown notes, and inlines the CSS and one copy of plotly.js,
so the page makes no network request when opened.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from plotly.offline import get_plotlyjs

from cxlib.core.i18n import Translator
from cxlib.core.paths import TEMPLATES_DIR


@lru_cache(maxsize=1)
def report_css() -> str:
    """The report stylesheet, shared by step reports and index pages."""
    return (TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")


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


def notebook_to_html(notebook_path: Path, t: Translator, page_title: str, when: dt.datetime) -> str:
    """Render an executed notebook as a report page in the language of ``t``."""
    notebook = nbformat.read(notebook_path, as_version=4)
    resources = {
        "cx": {
            "language": t.language,
            "page_title": page_title,
            "css": report_css(),
            "plotlyjs": get_plotlyjs(),
            "back_label": t("report.back_to_index"),
            "failed_note": t("report.step_failed"),
            "footer": footer_text(t, when),
        }
    }
    body, _ = _exporter().from_notebook_node(notebook, resources=resources)
    return body
