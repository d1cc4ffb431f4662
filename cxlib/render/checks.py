"""What the consultant must see and the client must not: configuration hints and data checks.

Two readers, two places. A client page speaks only of the client's business; everything addressed
to the consultant ("add X to client.yaml", a touchpoint without a declared promise, an unmapped
field, a typed figure the data measure differently) is recorded by the step as a *check*: written
to ``<step>.checks.json`` beside its report and shown in the notebook when it runs interactively.
The runner gathers every step's checks, and those of the cross-step rules
(:mod:`cxlib.render.consistency`), into the consultant's page ``<slug>/checks.html``, linked from
the client index by a link the bundle drops: it is never in the bundle, the PDF or the deck.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from cxlib.core.files import write_text_atomic

SUFFIX = ".checks.json"
PAGE_NAME = "checks.html"


@dataclass(frozen=True)
class Check:
    """One note for the consultant: the step that raised it and its text (plain, in the client's
    language; escaped when shown)."""

    step: str
    text: str


def record(report_dir: Path, step: str, checks: list[Check]) -> Path:
    """Write a step's checks beside its report (the whole list, so a re-run replaces it)."""
    path = Path(report_dir) / f"{step}{SUFFIX}"
    write_text_atomic(path, json.dumps([asdict(check) for check in checks], ensure_ascii=False, indent=1))
    return path


def load_checks(report_dir: Path) -> list[Check]:
    """Every step's checks in the report folder, in step order (an unreadable file counts as none)."""
    checks: list[Check] = []
    for path in sorted(Path(report_dir).glob(f"*{SUFFIX}")):
        try:
            checks += [Check(**entry) for entry in json.loads(path.read_text(encoding="utf-8"))]
        except (OSError, ValueError, TypeError):
            continue
    return checks
