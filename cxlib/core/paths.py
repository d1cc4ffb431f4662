"""Every path the workbook uses derives from here (cookiecutter-data-science's "one place")."""

from __future__ import annotations

from pathlib import Path

from cxlib.core.exceptions import ClientNotFoundError

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent
NOTEBOOKS_DIR = PROJECT_DIR / "notebooks"
DEMO_CLIENTS_DIR = PROJECT_DIR / "data" / "clients"
DEFAULT_REPORTS_DIR = PROJECT_DIR / "reports"
TEMPLATES_DIR = PACKAGE_DIR / "render" / "templates"
CLIENT_CONFIG_NAME = "client.yaml"
INTERACTIVE_DIR_NAME = "interactive"
#: A client's drop folder for new touchpoint measurements (``inbox/interactions-*.csv|parquet``),
#: and its sub-folders for files ``cxwb watch`` has taken in and for the rows it refused.
INBOX_DIR_NAME = "inbox"
INBOX_DONE_DIR_NAME = "done"
INBOX_QUARANTINE_DIR_NAME = "quarantine"
#: A file in a client's build folder naming the build folder of its baseline, when ``cxwb run`` runs
#: both: a step that reads the baseline's results reads this run's, not the report published before.
BASELINE_BUILD_NAME = ".baseline-build"


def interactive_report_dir(slug: str) -> Path:
    """Where a notebook run by hand (no ``report_dir``) writes its files: ``reports/<slug>/interactive/``.

    ``cxwb run`` keeps this folder when it replaces ``reports/<slug>/``.
    """
    return DEFAULT_REPORTS_DIR / slug / INTERACTIVE_DIR_NAME


def resolve_client_dir(name: str | Path) -> Path:
    """Turn a command-line argument into a client folder.

    A bare slug (no path separator, not an existing folder) means ``data/clients/<slug>``.

    Raises
    ------
    ClientNotFoundError
        When neither the path nor ``data/clients/<slug>`` holds a ``client.yaml``.
    """
    candidate = Path(name).expanduser()
    if not candidate.is_dir() and len(candidate.parts) == 1:
        candidate = DEMO_CLIENTS_DIR / candidate
    if not (candidate / CLIENT_CONFIG_NAME).is_file():
        known = ", ".join(
            sorted(p.name for p in DEMO_CLIENTS_DIR.glob("*") if (p / CLIENT_CONFIG_NAME).is_file())
        )
        raise ClientNotFoundError(
            f"{name}: not a client folder (no {CLIENT_CONFIG_NAME} found at {candidate}). "
            f"Give the path of a client folder, create one with 'cxwb new DIR', "
            f"or use a demo slug ({known or 'none installed'})."
        )
    return candidate.resolve()
