"""The project's page templates (``render/templates/pages``): one jinja2 environment for the
runner's indexes, checks and skipped-step pages and for the per-unit pages.

Autoescaped, so every client text is escaped; strict, so a missing value is an error, not a blank.
Imports jinja2 only, so a worker rendering pages does not load the statistics stack.
"""

from __future__ import annotations

import jinja2

from cxlib.core.paths import TEMPLATES_DIR

PAGES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "pages"), autoescape=True, undefined=jinja2.StrictUndefined
)
