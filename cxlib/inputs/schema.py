"""Canonical input tables: their columns, types and ranges, and vectorised typing of raw text.

Each table is declared once as a :class:`TableSpec`. :func:`type_table` turns a table of text
cells into typed columns and returns every bad cell as a :class:`~cxlib.core.exceptions.Problem`
(``file:row: column: message`` with what to do). The checks are column-wise pandas operations, so
a survey of a million rows is checked without a Python loop over rows.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cxlib.core.distinct import on_distinct
from cxlib.core.exceptions import Problem
from cxlib.core.i18n import Translator
from cxlib.core.method import (
    ARCHETYPES,
    NINE_C,
    OFFICES,
    PILLAR_SPELLINGS,
    PILLARS,
    fold_name,
    normalise_name,
    vocabulary_aliases,
)

#: At most this many rows are listed for one kind of problem in one column; the rest are counted.
MAX_ROWS_LISTED = 10
YES = {"yes", "y", "si", "s", "true", "1", "x"}
NO = {"no", "n", "false", "0"}
VOCABULARIES = {
    "pillar": lambda: vocabulary_aliases("pillar", PILLARS, PILLAR_SPELLINGS),
    "ninec": lambda: vocabulary_aliases("ninec", NINE_C),
    "office": lambda: vocabulary_aliases("office", OFFICES),
    "archetype": lambda: vocabulary_aliases("archetype", ARCHETYPES),
}


@dataclass(frozen=True)
class ColumnSpec:
    """One canonical column.

    ``kind`` is one of ``text`` (free text), ``category`` (a label), ``number``, ``integer``,
    ``date``, ``bool`` (yes/no), ``vocab`` (a fixed vocabulary such as the pillars) or ``list``
    (several labels in one cell, separated by ``;``, ``,`` or ``|``).
    """

    name: str
    kind: str
    required: bool = False
    low: float | None = None
    high: float | None = None
    vocabulary: str | None = None
    unique: bool = False
    example: str = ""
    #: For dates: an explicit ``strftime`` format (``%m/%d/%Y``) when the export writes neither ISO
    #: nor day-first dates.
    date_format: str | None = None


@dataclass(frozen=True)
class TableSpec:
    """A canonical table: its fixed columns and the column families allowed by prefix."""

    name: str
    columns: tuple[ColumnSpec, ...]
    prefixes: tuple[ColumnSpec, ...] = ()
    unique_together: tuple[str, ...] = ()
    one_of: tuple[str, ...] = field(default=())

    def column(self, name: str) -> ColumnSpec | None:
        """The spec of ``name``: a fixed column or a member of a prefixed family."""
        for spec in self.columns:
            if spec.name == name:
                return spec
        for family in self.prefixes:
            if name.startswith(family.name) and len(name) > len(family.name):
                return ColumnSpec(name=name, kind=family.kind, low=family.low, high=family.high)
        return None


def _scale(name: str, low: float, high: float, example: str, required: bool = False) -> ColumnSpec:
    return ColumnSpec(name, "integer", required=required, low=low, high=high, example=example)


def _pillar_family(prefix: str, example: str) -> tuple[ColumnSpec, ...]:
    return tuple(_scale(f"{prefix}{pillar}", 1, 5, example) for pillar in PILLARS)


SURVEY_FIELDS: dict[str, ColumnSpec] = {
    spec.name: spec
    for spec in (
        ColumnSpec("response_id", "category", unique=True, example="R0001"),  # review scrapes have none
        ColumnSpec("date", "date", example="2025-03-14"),
        ColumnSpec("segment", "category", example="Mass market"),
        ColumnSpec("channel", "category", example="Branch"),
        ColumnSpec("unit", "category", example="North"),
        ColumnSpec("stage", "category", example="Onboarding"),
        ColumnSpec("touchpoint_id", "category", example="TP01"),
        _scale("nps", 0, 10, "9"),
        _scale("csat", 1, 5, "4"),
        _scale("ces", 1, 7, "2"),
        ColumnSpec("satisfied", "bool", example="yes"),
        ColumnSpec("comment", "text", example="Quick and friendly service"),
        ColumnSpec("tenure_years", "number", low=0, example="3.5"),
        ColumnSpec("purchase_frequency", "number", low=0, example="12"),
        ColumnSpec("products", "integer", low=0, example="2"),
        ColumnSpec("repurchase", "bool", example="yes"),  # bought again, or renewed
        ColumnSpec("cross_sell", "bool", example="no"),  # bought another product or service
        ColumnSpec("churned", "bool", example="no"),  # left, or cancelled
        ColumnSpec("participation", "bool", example="yes"),
        ColumnSpec("weight", "number", low=0, example="1.25"),
    )
}
#: Survey fields that carry an outcome; a survey needs at least one of them.
SURVEY_OUTCOMES: tuple[str, ...] = ("nps", "csat", "ces", "satisfied")

#: ``weighting.population``: the population share of each category of each weighting field.
POPULATION = TableSpec(
    "population",
    (
        ColumnSpec("field", "category", required=True, example="segment"),
        ColumnSpec("category", "category", required=True, example="PyME"),
        ColumnSpec("share", "number", required=True, low=0, example="0.25"),
    ),
)

TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "assessment",
            (
                ColumnSpec("respondent", "category", required=True, example="Ana López"),
                ColumnSpec("area", "category", example="Operations"),
                ColumnSpec("pillar", "vocab", required=True, vocabulary="pillar", example="resolution"),
                ColumnSpec("item_id", "category", required=True, example="RES1"),
                _scale("score", 1, 5, "3", required=True),
                ColumnSpec(
                    "evidence", "text", example="72% of complaints closed at first contact (Q1 report)"
                ),
                ColumnSpec("date", "date", example="2025-11-20"),
            ),
            unique_together=("respondent", "item_id"),
        ),
        TableSpec(
            "journey",
            (
                ColumnSpec("stage", "category", required=True, example="Onboarding"),
                ColumnSpec("stage_order", "integer", required=True, low=1, example="2"),
                ColumnSpec("touchpoint_id", "category", required=True, unique=True, example="TP01"),
                ColumnSpec("touchpoint", "text", required=True, example="Account opening in branch"),
                ColumnSpec("channel", "category", required=True, example="Branch"),
                ColumnSpec("owner", "category", example="Branch network"),
                ColumnSpec("customer_action", "text", example="Brings ID and signs contract"),
                ColumnSpec("frontstage", "text", example="Advisor opens the account"),
                ColumnSpec("backstage", "text", example="KYC check"),
                ColumnSpec("support_process", "text", example="Core banking"),
                ColumnSpec("kpi", "text", example="Time to open"),
                ColumnSpec("pain_point", "text", example="Long wait"),
                _scale("pain_severity", 1, 5, "3"),
                ColumnSpec("opportunity", "text", example="Pre-fill online"),
                ColumnSpec("moment_of_truth", "bool", example="yes"),
                _scale("declared_emotion", -2, 2, "1"),
                ColumnSpec("human_served", "bool", example="yes"),
                ColumnSpec("internal", "bool", example="no"),
                ColumnSpec("value_promise", "text", example="Open your account in 20 minutes"),
                ColumnSpec("customer_need", "text", example="Open an account"),
                _scale("participation_level", 0, 5, "1"),
                _scale("target_participation_level", 0, 5, "2"),
                ColumnSpec("archetype", "vocab", vocabulary="archetype", example="respond_to_desire"),
                ColumnSpec("target_archetype", "vocab", vocabulary="archetype", example="coach_behaviour"),
                ColumnSpec("continuous", "bool", example="no"),
                _scale("target_emotion", -2, 2, "1"),
                ColumnSpec("target_change", "text", example="Pre-filled form; fewer steps"),
            ),
        ),
        TableSpec(
            "interactions",
            (
                ColumnSpec("timestamp", "date", required=True, example="2025-03-14 10:32"),
                ColumnSpec("touchpoint_id", "category", required=True, example="TP01"),
                _scale("score", 1, 5, "4"),
                ColumnSpec("success", "bool", example="yes"),
                ColumnSpec("duration_seconds", "number", low=0, example="340"),
            ),
            one_of=("score", "success"),
        ),
        TableSpec(
            "employees",
            (
                ColumnSpec("respondent_id", "category", required=True, unique=True, example="E001"),
                ColumnSpec("unit", "category", required=True, example="North"),
                ColumnSpec("role", "category", required=True, example="Advisor"),
                ColumnSpec("office", "vocab", vocabulary="office", example="front"),
                _scale("enps", 0, 10, "8"),
                _scale("engagement", 1, 5, "4"),
            )
            + _pillar_family("enable_", "4"),
            prefixes=(
                ColumnSpec("culture_", "integer", low=1, high=5),
                ColumnSpec("behaviour_", "integer", low=1, high=5),
            ),
        ),
        TableSpec(
            "units",
            (
                ColumnSpec("unit", "category", required=True, unique=True, example="North"),
                ColumnSpec("region", "category", example="Centre"),
                ColumnSpec("parent", "category", example="North region"),
                ColumnSpec("customers", "integer", low=0, example="12000"),
                ColumnSpec("retention", "number", low=0, high=1, example="0.86"),
                ColumnSpec("revenue", "number", low=0, example="1500000"),
                ColumnSpec("complaints", "integer", low=0, example="35"),
            ),
        ),
        TableSpec(
            "initiatives",
            (
                ColumnSpec("initiative_id", "category", required=True, unique=True, example="IN01"),
                ColumnSpec("name", "text", required=True, example="Callback instead of queue"),
                ColumnSpec("cost", "number", required=True, low=0, example="250000"),
                _scale("effort", 1, 5, "3"),
                ColumnSpec("duration_months", "number", low=0, high=120, example="6"),
                _scale("wave", 1, 3, "1"),
                ColumnSpec("owner", "category", example="Contact centre"),
                ColumnSpec("pillars", "list", vocabulary="pillar", example="resolution; time_effort"),
                ColumnSpec("touchpoints", "list", example="TP01"),
                ColumnSpec("roles", "list", example="Advisor"),
                _scale("effect_external", -2, 2, "2"),
                _scale("effect_internal", -2, 2, "1"),
                ColumnSpec("loads_human_capacity", "bool", example="no"),
                ColumnSpec("kpi", "text", example="First-contact resolution"),
                ColumnSpec("segments", "list", example="Premium"),
                ColumnSpec("channels", "list", example="App"),
                ColumnSpec("units", "list", example="North"),
                ColumnSpec("reach", "number", low=0, high=1, example="0.3"),
                ColumnSpec("months_to_effect", "number", low=0, high=120, example="12"),
                ColumnSpec("done", "bool", example="no"),
                ColumnSpec("value_per_point", "number", low=0, example="150000"),
                ColumnSpec("value_source", "text", example="Finance: churn model 2025"),
            ),
        ),
        TableSpec(
            "ecosystem",
            (
                ColumnSpec(
                    "dimension", "vocab", required=True, unique=True, vocabulary="ninec", example="clients"
                ),
                _scale("score", 1, 5, "3", required=True),
                ColumnSpec("evidence", "text", example="Active customer panel since 2023"),
                _scale("score_past", 1, 5, "2"),
                _scale("score_target", 1, 5, "4"),
            ),
        ),
    )
}


def suggest(name: str, choices: list[str] | tuple[str, ...]) -> str:
    """A 'did you mean' hint for a misspelt name, or '': a choice that differs only in case, accents,
    spaces or punctuation (``'leisure '`` → ``'Leisure'``, ``nps`` → ``NPS``) first, else the
    closest spelling ignoring case (:func:`difflib.get_close_matches`, Ratcliff-Obershelp)."""
    choices = [str(choice) for choice in choices]
    same = [choice for choice in choices if fold_name(choice) == fold_name(str(name))]
    folded = {choice.casefold().strip(): choice for choice in choices}
    close = same or [
        folded[match]
        for match in difflib.get_close_matches(str(name).casefold().strip(), list(folded), n=1, cutoff=0.6)
    ]
    return f" (did you mean '{close[0]}'?)" if close else ""


#: Column names listed in a missing-column problem before "and N more".
MAX_COLUMNS_LISTED = 40


def listed_columns(columns: list[str]) -> str:
    """A file's columns for a problem message: ``the file's columns are a, b, c`` (at most
    :data:`MAX_COLUMNS_LISTED`, then how many more)."""
    shown = ", ".join(f"'{column}'" for column in columns[:MAX_COLUMNS_LISTED])
    more = len(columns) - MAX_COLUMNS_LISTED
    return f"the file's columns are {shown}" + (f" and {more} more" if more > 0 else "")


def needed_files(tables: list[str], t: Translator) -> str:
    """The files a skipped step needs, each with its required columns (a survey: an outcome column
    or a mapping in ``client.yaml``), for the consultant's page: ``journey.csv (columns stage,
    touchpoint_id, …)``."""
    needs = []
    for table in tables:
        if table == "survey":
            needs.append(t("checks.survey_columns", outcomes=", ".join(SURVEY_OUTCOMES)))
            continue
        spec = TABLES[table]
        names = [column.name for column in spec.columns if column.required]
        needs.append(
            t("checks.columns", columns=", ".join(names + ["/".join(spec.one_of)] * bool(spec.one_of)))
        )
    return "; ".join(f"{table}.csv ({need})" for table, need in zip(tables, needs, strict=True))


class ProblemCollector:
    """Collects problems for one file, listing at most :data:`MAX_ROWS_LISTED` rows per kind.

    ``bad_rows`` holds every row with a problem, listed or not, and ``file_level`` whether a problem
    concerns the whole file (a missing or unknown column): ``cxwb watch`` quarantines those rows.
    """

    def __init__(self, file_name: str):
        self.file_name = file_name
        self.problems: list[Problem] = []
        self.bad_rows: set[int] = set()
        self.file_level = False

    def file(self, message: str, column: str | None = None) -> None:
        self.problems.append(Problem(self.file_name, None, column, message))
        self.file_level = True

    def rows(self, column: str, bad: pd.Series, message_for_value, hint: str) -> None:
        """Report every row where ``bad`` is true; ``message_for_value(value)`` says what is wrong."""
        flagged = bad[bad.fillna(False).astype(bool)]
        if flagged.empty:
            return
        self.bad_rows.update(flagged.index.tolist())
        for row in flagged.index[:MAX_ROWS_LISTED]:
            self.problems.append(
                Problem(self.file_name, int(row), column, f"{message_for_value(row)}; {hint}")
            )
        remaining = len(flagged) - MAX_ROWS_LISTED
        if remaining > 0:
            self.problems.append(
                Problem(
                    self.file_name, None, column, f"{remaining} more row(s) with the same problem; {hint}"
                )
            )

    def distinct(self, column: str, values: pd.Series, message_for_value, hint: str) -> None:
        """Report each distinct non-missing value of ``values`` once: at its first row, with how many
        rows hold it (a misspelt label in 3,000 rows is one problem, not 3,000)."""
        present = values.dropna()
        if present.empty:
            return
        self.bad_rows.update(present.index.tolist())
        rows_by_value = present.index.to_series().groupby(present.to_numpy(), sort=False)
        for value, rows in list(rows_by_value)[:MAX_ROWS_LISTED]:
            count = len(rows)
            where = (
                f" ({count} rows: {', '.join(str(row) for row in rows.iloc[:5])}{', …' if count > 5 else ''})"
            )
            self.problems.append(
                Problem(
                    self.file_name,
                    int(rows.iloc[0]),
                    column,
                    f"{message_for_value(value)}{where if count > 1 else ''}; {hint}",
                )
            )
        remaining = present.nunique() - MAX_ROWS_LISTED
        if remaining > 0:
            self.problems.append(
                Problem(
                    self.file_name, None, column, f"{remaining} more distinct value(s) like these; {hint}"
                )
            )


def map_distinct(text: pd.Series, function) -> pd.Series:
    """Apply ``function`` to each distinct value once and map the results back (no loop over rows);
    missing cells stay missing."""
    return on_distinct(text, lambda distinct: pd.Series([*map(function, distinct.iloc[:-1]), None]))


def parse_bool(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse yes/no answers in Spanish or English; return (booleans, bad mask)."""
    folded = map_distinct(text, normalise_name)
    parsed = pd.Series(pd.NA, index=text.index, dtype="boolean")
    parsed[folded.isin(YES)] = True
    parsed[folded.isin(NO)] = False
    return parsed, text.notna() & parsed.isna()


def _to_float(cell: str, decimal_comma: bool) -> float:
    try:
        return float(cell.replace(",", ".") if decimal_comma else cell)
    except ValueError:
        return np.nan


def parse_number(text: pd.Series, decimal_comma: bool) -> tuple[pd.Series, pd.Series]:
    """Parse numbers, accepting a decimal comma where the file uses one; return (floats, bad mask).

    Each distinct cell is parsed once (survey scales have a handful of distinct values), which is
    far faster than ``pd.to_numeric`` on text, whose per-cell fallback dominated validation.
    """
    numbers = map_distinct(text, lambda cell: _to_float(cell, decimal_comma)).astype("float64")
    numbers = numbers.where(np.isfinite(numbers))  # "inf" and "nan" are not measurements
    return numbers, text.notna() & numbers.isna()


#: Day-first formats tried, in order, on cells that are not ISO 8601 (each is a vectorised pass).
DAY_FIRST_FORMATS = ("%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d-%m-%Y", "%d.%m.%Y")


def parse_dates(text: pd.Series, date_format: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse ISO dates (``2025-03-14``, with optional time) or day-first ``14/03/2025``; with
    ``date_format`` (e.g. ``%m/%d/%Y`` for US exports), exactly that format.

    A timestamp with a UTC offset (``2025-03-14T10:00:00+02:00``) is converted to UTC; one without
    is read as written. The result carries no time zone, so offsets and plain timestamps mix.
    """
    if date_format is not None:
        parsed = pd.to_datetime(text, format=date_format, errors="coerce")
        return parsed, text.notna() & parsed.isna()
    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True).dt.tz_localize(None)
    for day_first_format in DAY_FIRST_FORMATS:
        pending = parsed.isna() & text.notna()
        if not pending.any():
            break
        parsed[pending] = pd.to_datetime(text[pending], format=day_first_format, errors="coerce")
    return parsed, text.notna() & parsed.isna()


def type_column(
    raw: pd.Series,
    spec: ColumnSpec,
    collector: ProblemCollector,
    decimal_comma: bool,
    label: str | None = None,
) -> pd.Series:
    """Type one column of text cells per ``spec``, reporting bad cells to ``collector``."""
    column = label or spec.name
    if spec.required:
        collector.rows(column, raw.isna(), lambda row: "empty", "fill in a value in every row")
    if spec.kind in ("text", "category"):
        typed = raw.astype("string")
    elif spec.kind == "bool":
        typed, bad = parse_bool(raw)
        collector.rows(column, bad, lambda row: f"'{raw[row]}' is not yes/no", "write yes or no (sí/no)")
    elif spec.kind == "date":
        typed, bad = parse_dates(raw, spec.date_format)
        hint = (
            f"write dates as {spec.date_format} (client.yaml date_format)"
            if spec.date_format
            else "write YYYY-MM-DD (or DD/MM/YYYY), or give the export's date_format in client.yaml"
        )
        collector.rows(column, bad, lambda row: f"'{raw[row]}' is not a date", hint)
    elif spec.kind in ("number", "integer"):
        typed, bad = parse_number(raw, decimal_comma)
        collector.rows(
            column, bad, lambda row: f"'{raw[row]}' is not a number", "write a plain number such as 4 or 3.5"
        )
        if spec.kind == "integer":
            fractional = typed.notna() & (typed != np.floor(typed))
            collector.rows(
                column,
                fractional,
                lambda row: f"{raw[row]} is not a whole number",
                "use whole numbers on this scale",
            )
        outside = pd.Series(False, index=raw.index)
        if spec.low is not None:
            outside |= typed < spec.low
        if spec.high is not None:
            outside |= typed > spec.high
        bounds = f"{spec.low:g}..{spec.high:g}" if spec.high is not None else f"at least {spec.low:g}"
        collector.rows(
            column,
            outside,
            lambda row: f"{raw[row]} is outside {bounds}",
            f"correct the value or its scale ({bounds})",
        )
    elif spec.kind == "vocab":
        aliases = VOCABULARIES[spec.vocabulary]()
        typed = map_distinct(raw, normalise_name).map(aliases).astype("string")
        allowed = sorted(set(aliases.values()))
        collector.rows(
            column,
            raw.notna() & typed.isna(),
            lambda row: f"unknown {spec.vocabulary} '{raw[row]}'{suggest(normalise_name(raw[row]), allowed)}",
            f"use one of {', '.join(allowed)}",
        )
    elif spec.kind == "list":
        typed = raw.str.split(r"\s*[;,|]\s*", regex=True)
        if spec.vocabulary:
            aliases = VOCABULARIES[spec.vocabulary]()
            names = typed.explode().dropna()
            unknown = names[~names.map(normalise_name).isin(aliases)]
            collector.rows(
                column,
                raw.index.to_series().isin(unknown.index),
                lambda row: f"unknown {spec.vocabulary} in '{raw[row]}'",
                f"use names from {', '.join(sorted(set(aliases.values())))}, separated by ';'",
            )
            typed = typed.map(
                lambda names: [aliases.get(normalise_name(n), n) for n in names], na_action="ignore"
            )
    else:
        raise ValueError(f"unknown column kind {spec.kind!r}")
    if spec.unique:
        duplicated = raw.notna() & raw.duplicated(keep="first")
        collector.rows(
            column, duplicated, lambda row: f"duplicate id '{raw[row]}'", "every id must appear once"
        )
    return typed


def type_table(
    frame: pd.DataFrame, spec: TableSpec, collector: ProblemCollector, decimal_comma: bool
) -> pd.DataFrame:
    """Check the columns of a fixed-layout table and type every cell."""
    known = [column.name for column in spec.columns]
    unknown = [column for column in frame.columns if spec.column(column) is None]
    prefixes = ", ".join(f"{family.name}*" for family in spec.prefixes)
    allowed = ", ".join(known) + (f" or a column named {prefixes}" if prefixes else "")
    for column in unknown[:MAX_ROWS_LISTED]:
        collector.file(
            f"unknown column{suggest(column, known)}; rename it to one of {allowed}, or remove it", column
        )
    if len(unknown) > MAX_ROWS_LISTED:
        collector.file(
            f"{len(unknown) - MAX_ROWS_LISTED} more unknown column(s); keep only the columns {allowed}"
        )
    for column_spec in spec.columns:
        if column_spec.required and column_spec.name not in frame.columns:
            collector.file("missing required column; add it with a value in every row", column_spec.name)
    if spec.one_of and not any(name in frame.columns for name in spec.one_of):
        collector.file(f"needs at least one of the columns {', '.join(spec.one_of)}")
    typed = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        column_spec = spec.column(column)
        if column_spec is not None:
            typed[column] = type_column(frame[column], column_spec, collector, decimal_comma)
    if spec.unique_together and set(spec.unique_together) <= set(frame.columns):
        duplicated = frame.duplicated(list(spec.unique_together), keep="first")
        key = " + ".join(spec.unique_together)
        collector.rows(
            key, duplicated, lambda row: "this combination appears twice", f"keep one row per {key}"
        )
    return typed
