"""Save an explorer's view as a standing cut of ``client.yaml``, so the next ``cxwb run`` delivers it.

Only a view of one value of one field is a cut (``cuts: [segment=PyME]``); the cut is checked
against the client (:func:`cxlib.inputs.cuts.resolve_cut`) and written as its typed field, once. The
file is written as the workshop writes the assessment (:mod:`cxlib.inputs.workshop`): read through
the guard, the new text validated as a whole ``client.yaml`` before it replaces the old one
atomically, the previous file kept under ``<client>/backups/``, and nothing written when the file
changed on disk meanwhile. Only the ``cuts:`` block changes; every other line is kept as it was.
"""

from __future__ import annotations

import datetime as dt
import re

import yaml
from pydantic import ValidationError

from cxlib.core.exceptions import CxError
from cxlib.core.files import write_bytes_atomic, write_text_atomic
from cxlib.core.guard import read_client_bytes
from cxlib.core.paths import CLIENT_CONFIG_NAME
from cxlib.explore.view import View
from cxlib.inputs.client import Client
from cxlib.inputs.config import ClientConfig
from cxlib.inputs.cuts import resolve_cut

#: The top-level ``cuts:`` key and the lines of its block (indented, list items, blanks, comments).
CUTS_BLOCK = re.compile(r"^cuts:.*\n?(?:(?:[ \t-].*|#.*|[ \t]*)(?:\n|$))*", re.MULTILINE)


class SaveViewError(CxError):
    """A view that cannot be saved as a cut, or a ``client.yaml`` that could not be written."""


def _with_cuts(text: str, cuts: list[str]) -> str:
    """``text`` with its ``cuts:`` block (or a new one at the end) listing ``cuts``."""
    block = "cuts:\n" + yaml.safe_dump(cuts, allow_unicode=True, default_flow_style=False, indent=2)
    if CUTS_BLOCK.search(text):
        return CUTS_BLOCK.sub(lambda _match: block, text, count=1)
    return text + ("" if text.endswith("\n") or not text else "\n") + block


def save_view(client: Client, view: View) -> str:
    """Add the view's cut to ``client.yaml`` (unless it is there already); return what was done.

    Raises
    ------
    SaveViewError
        When the view is not one value of one field, or the file changed meanwhile, or the result
        would not be a valid ``client.yaml``.
    cxlib.inputs.cuts.CutError
        When the cut names no field or value of the client.
    """
    text = view.cut_text()
    if text is None:
        raise SaveViewError(
            "not saved: a standing cut is one value of one field, without dates; choose just one value"
        )
    cut = resolve_cut(client, text)
    folder = client.directory
    before = read_client_bytes(folder, CLIENT_CONFIG_NAME, "client.yaml")
    raw = yaml.safe_load(before.decode("utf-8")) or {}
    cuts = [str(entry) for entry in raw.get("cuts") or []]
    named = {(resolved.column, resolved.value) for resolved in (resolve_cut(client, entry) for entry in cuts)}
    if (cut.column, cut.value) in named:
        return f"{CLIENT_CONFIG_NAME} already delivers {cut.label}"
    new_text = _with_cuts(before.decode("utf-8"), [*cuts, f"{cut.column}={cut.value}"])
    parsed = yaml.safe_load(new_text)
    if {key: value for key, value in parsed.items() if key != "cuts"} != {
        key: value for key, value in raw.items() if key != "cuts"
    }:
        raise SaveViewError(
            f"not saved: {CLIENT_CONFIG_NAME}'s cuts: block could not be edited alone; add it by hand"
        )
    try:
        ClientConfig.model_validate(parsed)
    except ValidationError as error:
        raise SaveViewError(
            f"not saved: {CLIENT_CONFIG_NAME} would not be valid ({error.error_count()} problems)"
        ) from error
    if read_client_bytes(folder, CLIENT_CONFIG_NAME, "client.yaml") != before:
        raise SaveViewError(f"not saved: {CLIENT_CONFIG_NAME} changed since it was read; save the view again")
    backups = folder / "backups"
    backups.mkdir(exist_ok=True)
    write_bytes_atomic(backups / f"client-{dt.datetime.now():%Y%m%dT%H%M%S%f}.yaml", before)
    write_text_atomic(folder / CLIENT_CONFIG_NAME, new_text)
    return f"{CLIENT_CONFIG_NAME}: the next cxwb run also delivers {cut.label}"
