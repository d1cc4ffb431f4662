"""A filtered view of a client: which values of which survey fields, and which dates, are kept.

A :class:`View` keeps, in every table holding a filtered column, the rows whose value is one of
those chosen, exactly as a cut does (:func:`cxlib.inputs.cuts.apply_cut`): a view of one value of
one field *is* that cut, so every figure computed on it equals the one ``cxwb run --cut`` delivers.
A date range keeps the survey responses dated within it.

:class:`Filterable` prepares a client once per session (each filtered column factorised into
integer codes, the survey's dates as integers), so a view's tables are cut with integer
comparisons, never by re-reading or re-validating the client.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cxlib.inputs.client import Client
from cxlib.inputs.cuts import CUT_FIELDS

#: The survey fields a view can filter, in the filter bar's order (segment dimensions come first).
FILTER_FIELDS = ("unit", "channel", "touchpoint_id")


#: The day number of a missing date (``NaT`` as an integer): outside every date range.
NO_DAY = np.iinfo("int64").min


def _days(dates: pd.Series) -> np.ndarray:
    """Dates as whole day numbers (``NO_DAY`` where missing)."""
    return pd.to_datetime(dates).to_numpy(dtype="datetime64[D]").astype("int64")


@dataclass(frozen=True)
class View:
    """The rows a view keeps: per column, the values chosen (a column not named keeps every row), and
    the survey's dates from ``start`` to ``end`` (inclusive days; ``None`` for no bound)."""

    chosen: tuple[tuple[str, tuple[str, ...]], ...] = ()
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None

    @property
    def whole(self) -> bool:
        """True when the view keeps every row."""
        return not self.chosen and self.start is None and self.end is None

    def cut_text(self) -> str | None:
        """``field=value`` when the view is one value of one field and no dates (a standing cut of
        ``client.yaml`` can say it), else ``None``."""
        if self.start is None and self.end is None and len(self.chosen) == 1 and len(self.chosen[0][1]) == 1:
            column, (value,) = self.chosen[0]
            return f"{column}={value}"
        return None


def filter_columns(client: Client) -> list[str]:
    """The survey columns a view of this client can filter: its segment dimensions, then unit,
    channel and touchpoint, those the survey has (each a field a cut can name)."""
    survey = client.tables.get("survey")
    if survey is None:
        return []
    wanted = [*client.segment_dimensions, *FILTER_FIELDS]
    return [
        column
        for column in dict.fromkeys(wanted)
        if column in survey and column.rstrip("_0123456789") in CUT_FIELDS
    ]


@dataclass
class Filterable:
    """A client prepared for fast views: per table and filtered column, integer codes of its values
    (``pandas.factorize``) and the values they stand for; the survey's dates as day numbers."""

    client: Client
    columns: list[str] = field(init=False)
    codes: dict[tuple[str, str], np.ndarray] = field(init=False)
    values: dict[tuple[str, str], pd.Index] = field(init=False)
    days: np.ndarray | None = field(init=False)

    def __post_init__(self) -> None:
        self.columns = filter_columns(self.client)
        self.codes, self.values = {}, {}
        for name, table in self.client.tables.items():
            for column in self.columns:
                if column in table:
                    codes, uniques = pd.factorize(table[column].astype("string"))
                    self.codes[name, column], self.values[name, column] = codes, pd.Index(uniques)
        survey = self.client.tables.get("survey")
        self.days = _days(survey["date"]) if survey is not None and "date" in survey else None

    def choices(self, column: str) -> list[str]:
        """The survey's values of ``column``, sorted (what the filter bar offers)."""
        return sorted(self.values["survey", column])

    def date_range(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """The first and last survey date, or ``None`` without dates."""
        dated = self.days[self.days != NO_DAY] if self.days is not None else np.array([])
        if not len(dated):
            return None
        return tuple(pd.Timestamp(day, unit="D") for day in (dated.min(), dated.max()))

    def mask(self, name: str, view: View) -> np.ndarray | None:
        """The rows of table ``name`` the view keeps, or ``None`` when it keeps them all."""
        keep = None
        for column, values in view.chosen:
            if (name, column) not in self.codes:
                continue
            wanted = self.values[name, column].get_indexer(list(values))
            rows = np.isin(self.codes[name, column], wanted[wanted >= 0])
            keep = rows if keep is None else keep & rows
        if name == "survey" and self.days is not None and (view.start is not None or view.end is not None):
            low = NO_DAY + 1 if view.start is None else _days(pd.Series([view.start]))[0]
            high = np.iinfo("int64").max if view.end is None else _days(pd.Series([view.end]))[0]
            dated = (self.days >= low) & (self.days <= high)
            keep = dated if keep is None else keep & dated
        return keep

    def apply(self, view: View) -> Client:
        """A copy of the client whose tables keep only the view's rows (as
        :func:`cxlib.inputs.cuts.apply_cut` keeps a cut's); the whole client for the whole view."""
        if view.whole:
            return self.client
        tables = {}
        for name, table in self.client.tables.items():
            keep = self.mask(name, view)
            tables[name] = table if keep is None else table[keep]
        viewed = copy.copy(self.client)
        viewed.tables = tables
        if "survey" in tables and self.client.survey_fingerprints is not None:
            viewed.survey_fingerprints = self.client.survey_fingerprints.loc[tables["survey"].index]
        return viewed
