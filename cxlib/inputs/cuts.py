"""Per-segment deliverables: a client's tables filtered to one value of one survey field.

A cut is written ``field=value``: ``field`` is a typed survey field (``segment``, ``segment_2``,
``channel``, ``unit``, ``stage``, ``touchpoint_id``) or the export column a segment dimension comes
from (``Class``, ``Región``); ``value`` one of its values, matched case- and accent-insensitively.
Every table holding that typed column keeps only the matching rows, so each step recomputes its
figures (and its small-sample cautions) on the cut; tables without the column stay whole.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from cxlib.core.exceptions import CxError
from cxlib.core.method import normalise_name
from cxlib.inputs.client import Client

CUT_FIELDS = ("segment", "channel", "unit", "stage", "touchpoint_id")


class CutError(CxError):
    """A ``--cut`` (or ``cuts:`` entry) that names no field or value of this client."""


@dataclass(frozen=True)
class Cut:
    """One cut: the typed column, the value kept, and how the consultant wrote them."""

    column: str
    value: str
    label: str

    @property
    def slug(self) -> str:
        """``segment-pyme``: used in the cut's report folder, ``<slug>--<cut slug>``."""
        return normalise_name(f"{self.column} {self.value}").replace("_", "-")


def resolve_cut(client: Client, text: str) -> Cut:
    """The :class:`Cut` that ``field=value`` names for this client.

    Raises
    ------
    CutError
        Naming the fields (or, for a known field, the values) this client's survey has.
    """
    field_name, separator, wanted = (part.strip() for part in text.partition("="))
    survey = client.tables.get("survey")
    if survey is None:
        raise CutError(f"--cut {text!r}: {client.config.slug} has no survey to cut")
    columns = [column for column in survey.columns if re.sub(r"_\d+$", "", column) in CUT_FIELDS]
    column = client.survey_column(field_name)
    if not separator or not wanted or column not in columns:
        named = sorted(set(columns) | {source for source in client.segment_dimensions.values() if source})
        raise CutError(f"--cut {text!r}: write field=value with a field of {', '.join(named)}")
    values = client.survey_values(column)
    value = values.get(normalise_name(wanted))
    if value is None:
        listed = ", ".join(sorted(values.values()))
        raise CutError(f"--cut {text!r}: {field_name} has no value {wanted!r}; its values are {listed}")
    return Cut(column, value, f"{client.source_of(column)} = {value}")


def apply_cut(client: Client, cut: Cut) -> Client:
    """A copy of ``client`` whose tables keep only the cut's rows, whose slug is
    ``<slug>--<cut slug>`` and whose name carries the cut, so every page names it."""
    tables = {
        name: table[table[cut.column].astype("string") == cut.value] if cut.column in table else table
        for name, table in client.tables.items()
    }
    config = client.config.model_copy(
        update={
            "slug": f"{client.config.slug}--{cut.slug}",
            "name": f"{client.config.name} · {cut.label}",
            "baseline": None,  # a baseline is the whole client's: comparing a cut with it would mislead
            "cuts": [],
        }
    )
    cut_client = copy.copy(client)
    cut_client.config, cut_client.tables = config, tables
    if "survey" in tables and client.survey_fingerprints is not None:
        cut_client.survey_fingerprints = client.survey_fingerprints.loc[tables["survey"].index]
    return cut_client
