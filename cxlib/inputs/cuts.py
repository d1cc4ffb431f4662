"""Per-segment deliverables: a client's tables filtered to one value of one survey field.

A cut is written ``field=value``: ``field`` is a typed survey field (``segment``, ``segment_2``,
``channel``, ``unit``, ``stage``, ``touchpoint_id``) or the export column it comes from (``Class``,
``Región``, ``Hotel``), its case, accents and spaces aside; ``value`` one of its values, matched
case- and accent-insensitively when that names one value. Each cut's report folder is named after
its field and value (``segment-pyme``, ``segment-日本``), with a hash of both when that name alone
could be another's.
Every table holding that typed column keeps only the matching rows, so each step recomputes its
figures (and its small-sample cautions) on the cut; tables without the column stay whole.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from cxlib.core.exceptions import CxError
from cxlib.core.method import fold_name
from cxlib.inputs.client import Client

CUT_FIELDS = ("segment", "channel", "unit", "stage", "touchpoint_id")
#: Characters of a value kept in its cut's folder name (a folder name holds at most 255 bytes).
SLUG_VALUE_LENGTH = 48


class CutError(CxError):
    """A ``--cut`` (or ``cuts:`` entry) that names no field or value of this client."""


@dataclass(frozen=True)
class Cut:
    """One cut: the typed column, the value kept, how reports name it, and its folder name's part
    (:func:`_cut_slug`)."""

    column: str
    value: str
    label: str
    slug: str


def _readable_slug(column: str, value: str) -> str:
    return f"{column.replace('_', '-')}-{fold_name(value)[:SLUG_VALUE_LENGTH].rstrip('-')}"


def _cut_slug(column: str, value: str, others: Counter[str]) -> str:
    """The cut's part of its report folder's name, ``<slug>--<cut slug>``: ``segment-pyme``.

    ``others`` counts the readable slugs of every value of every field the client can be cut by.
    A readable slug that is empty or shared with another (field, value) there (``Pyme`` and
    ``PyME``, ``が`` and ``か``) gets ``_`` and a hash of the exact field and value, so distinct cuts
    never share a folder and each folder names one cut (readable slugs hold no ``_``).
    """
    readable = _readable_slug(column, value)
    if readable.endswith("-") or others[readable] > 1:
        digest = hashlib.sha256(f"{column}={value}".encode()).hexdigest()[:8]
        return f"{readable.rstrip('-')}_{digest}"
    return readable


def _matching_value(values: list[str], wanted: str, text: str) -> str | None:
    """The value ``wanted`` names: itself, else the only value equal to it ignoring case, else the
    only one ignoring case and accents; ``None`` for none.

    Raises
    ------
    CutError
        When ``wanted`` names several values, listing them.
    """
    folds: tuple[Callable[[str], str], ...] = (str, str.casefold, fold_name)
    for fold in folds:
        found = sorted(value for value in values if fold(value) == fold(wanted))
        if len(found) > 1:
            raise CutError(
                f"--cut {text!r}: {wanted!r} names several values ({', '.join(found)}); write one exactly"
            )
        if found:
            return found[0]
    return None


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
        named = sorted(name for name, typed in client.field_names().items() if typed in columns)
        raise CutError(f"--cut {text!r}: write field=value with a field of {', '.join(named)}")
    values = {name: [str(value) for value in survey[name].dropna().unique()] for name in columns}
    value = _matching_value(values[column], wanted, text)
    if value is None:
        listed = ", ".join(sorted(values[column]))
        raise CutError(f"--cut {text!r}: {field_name} has no value {wanted!r}; its values are {listed}")
    others = Counter(_readable_slug(name, other) for name, named in values.items() for other in named)
    return Cut(column, value, f"{client.source_of(column)} = {value}", _cut_slug(column, value, others))


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
            "waves": [],  # so are its earlier waves
        }
    )
    cut_client = copy.copy(client)
    cut_client.config, cut_client.tables = config, tables
    if "survey" in tables and client.survey_fingerprints is not None:
        cut_client.survey_fingerprints = client.survey_fingerprints.loc[tables["survey"].index]
    return cut_client
