"""A client folder, loaded and validated in one pass.

:func:`check_client` reads ``client.yaml`` and every input table present, types them against
:mod:`cxlib.schema`, checks references between tables, and returns every problem it finds.
:func:`load_client` does the same and raises :class:`~cxlib.core.exceptions.ValidationError` when
anything is wrong, so no step ever runs on bad input.
"""

from __future__ import annotations

import hashlib
import html
import os
import pickle
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from cxlib.core.exceptions import ClientNotFoundError, Problem, ValidationError
from cxlib.core.guard import ClientFileError, client_file, read_client_bytes
from cxlib.core.i18n import Translator, translator
from cxlib.core.method import fold_name, normalise_name
from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.commentary import Commentary, read_commentary
from cxlib.inputs.config import (
    BREAKDOWN_FIELDS,
    BREAKDOWN_PERIODS,
    CLIENT_CONFIG_NAME,
    ClientConfig,
    ColumnMapping,
    Scale,
    code_key,
    load_config,
    parse_scale,
)
from cxlib.inputs.question_bank import check_items, question_bank
from cxlib.inputs.scales import ScaleReading, numbered_codes, recognise
from cxlib.inputs.schema import (
    POPULATION,
    SURVEY_FIELDS,
    SURVEY_OUTCOMES,
    TABLES,
    ColumnSpec,
    ProblemCollector,
    listed_columns,
    map_distinct,
    suggest,
    type_column,
    type_table,
)
from cxlib.inputs.tables import STREAMED_TABLE, TABLE_NAMES, RawTable, find_table, inbox_files, read_table
from cxlib.stats.personal_data import mask_personal_data
from cxlib.stats.themes import named_themes
from cxlib.stats.weighting import RakingError, rake

#: (table, column, referenced table, referenced column): values must exist in the referenced table.
REFERENCES: tuple[tuple[str, str, str, str], ...] = (
    ("interactions", "touchpoint_id", "journey", "touchpoint_id"),
    ("survey", "touchpoint_id", "journey", "touchpoint_id"),
    ("survey", "stage", "journey", "stage"),
    ("survey", "unit", "units", "unit"),
    ("employees", "unit", "units", "unit"),
    ("initiatives", "touchpoints", "journey", "touchpoint_id"),
)


@dataclass(frozen=True)
class SurveyItemColumn:
    """A pillar item of the survey: its canonical column, source column, pillar and scale."""

    column: str
    source: str
    pillar: str
    scale: Scale


@dataclass
class Client:
    """A validated client: configuration, typed tables and where each came from."""

    directory: Path
    config: ClientConfig
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    sources: dict[str, Path] = field(default_factory=dict)
    survey_scales: dict[str, Scale] = field(default_factory=dict)
    survey_items: list[SurveyItemColumn] = field(default_factory=list)
    unused_columns: dict[str, list[str]] = field(default_factory=dict)
    #: Typed survey column of each segment dimension → the export's column name (``None``: canonical).
    segment_dimensions: dict[str, str | None] = field(default_factory=dict)
    #: Export column → how its labels were read as codes (SPSS or Stata codes, or a recognised scale).
    scale_readings: dict[str, ScaleReading] = field(default_factory=dict)
    #: Export column → cells set to missing by its ``missing:`` codes ("not applicable").
    not_applicable: dict[str, int] = field(default_factory=dict)
    #: Catalogue key → the client's own text per language (survey ``label:``, segment columns).
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Survey column → its question text (Qualtrics' second header row, SPSS or Stata variable labels).
    display_names: dict[str, str] = field(default_factory=dict)
    #: Population shares the survey was raked to (typed column → share per category), if any.
    margins: dict[str, pd.Series] = field(default_factory=dict)
    #: The consultant's ``commentary.md`` for this client, rendered and sanitised (``None``: none).
    commentary: Commentary | None = None
    #: Table → how its file was read (``csv``, ``qualtrics``, ``xlsx``, ``parquet``, ``spss``, ``stata``).
    formats: dict[str, str] = field(default_factory=dict)
    #: A hash of each raw survey row over every export column but those unique to each row (ids,
    #: row counters), so repeated submissions can be found on all the data, not only the mapped part.
    survey_fingerprints: pd.Series | None = None
    #: Measurement files from the client's inbox (taken in by ``cxwb watch``, then still waiting)
    #: that ``interactions`` holds besides its main file.
    inbox_parts: list[Path] = field(default_factory=list)

    def comments(self) -> pd.Series:
        """The survey's non-empty comments with personal data masked
        (:func:`~cxlib.stats.personal_data.mask_personal_data`): the only form in which comments
        are analysed or shown."""
        survey = self.tables.get("survey")
        if survey is None or "comment" not in survey:
            return pd.Series(dtype="string")
        comments = survey["comment"].dropna()
        return mask_personal_data(comments[comments.str.strip().ne("")])

    def report_labels(self, language: str) -> dict[str, str]:
        """The client's texts in ``language``, for :meth:`Translator.with_labels` (client data, so
        escape them where they go into HTML unescaped)."""
        return {key: texts[language] for key, texts in self.labels.items() if language in texts}

    def translator(self, *, escaped: bool = True) -> Translator:
        """The one translator of every client deliverable: the client's language and locale with its
        own texts (:meth:`report_labels`, e.g. the outcome's ``label:``) in place of the catalogue's.

        Parameters
        ----------
        escaped : bool
            HTML-escape the client's texts: for pages written as HTML text and for the deck (whose
            slide text is unescaped back); ``False`` for templates that escape themselves (the index).
        """
        language = self.config.language
        labels = self.report_labels(language)
        return translator(language, self.config.locale).with_labels(
            {key: html.escape(text) for key, text in labels.items()} if escaped else labels
        )

    def has(self, *names: str) -> bool:
        """True when every named table is present."""
        return all(name in self.tables for name in names)

    def source_of(self, column: str) -> str:
        """The export column a typed survey column was read from."""
        items = {item.column: item.source for item in self.survey_items}
        dimensions = {name: source for name, source in self.segment_dimensions.items() if source}
        mapping = self.config.survey.fields.get(column)
        return items.get(column) or dimensions.get(column) or (mapping.columns[0] if mapping else column)

    def field_names(self) -> dict[str, str]:
        """Every name a consultant may give a typed survey column by, with that column: the column
        itself and the export column it was mapped from (``Segmento`` → ``segment``, ``Hotel`` →
        ``unit``)."""
        sources = {column: column for column in self.tables.get("survey", {})}
        sources |= {
            mapping.columns[0]: name for name, mapping in self.config.survey.fields.items() if name in sources
        }
        return sources | {source: column for column, source in self.segment_dimensions.items() if source}

    def survey_column(self, name: str) -> str | None:
        """The typed survey column a consultant's field name means (:meth:`field_names`), matched
        exactly, else ignoring case, accents and spaces (``hotel`` → ``Hotel`` → ``unit``); ``None``
        for none."""
        names = self.field_names()
        folded = {fold_name(str(known)): column for known, column in names.items()}
        return names.get(name) or folded.get(fold_name(name))

    def breakdown_column(self, name: str) -> str | None:
        """The survey column a breakdown's ``by`` groups by: ``month`` or ``quarter`` when the survey
        has dates, else a grouping field (:data:`~cxlib.inputs.config.BREAKDOWN_FIELDS`, any segment
        dimension) by any name :meth:`survey_column` accepts (``Hotel`` → ``unit``); ``None`` for none."""
        survey = self.tables.get("survey", {})
        if name in BREAKDOWN_PERIODS:
            return name if "date" in survey else None
        column = self.survey_column(name)
        return column if column in self.breakdown_columns() else None

    def breakdown_columns(self) -> list[str]:
        """The survey's columns a breakdown may group by: its segment dimensions and grouping fields."""
        survey = self.tables.get("survey", {})
        return [column for column in [*self.segment_dimensions, *BREAKDOWN_FIELDS[1:]] if column in survey]

    def survey_values(self, column: str) -> dict[str, str]:
        """A survey column's values keyed by their case- and accent-insensitive spelling, letters of
        every script kept (:func:`~cxlib.core.method.fold_name`)."""
        return {
            fold_name(str(value)): str(value) for value in self.tables["survey"][column].dropna().unique()
        }

    def column_label(self, column: str) -> str:
        """How reports name a typed survey column: its question text, else its export column."""
        source = self.source_of(column)
        return self.display_names.get(source, source)

    def input_hashes(self) -> dict[str, str]:
        """SHA-256 of ``client.yaml`` and each input file, for the run manifest."""
        files = [self.directory / "client.yaml", *self.sources.values(), *self.inbox_parts]
        return {
            path.relative_to(self.directory).as_posix(): hashlib.sha256(
                read_client_bytes(self.directory, path)
            ).hexdigest()
            for path in files
        }


def _field_scale(spec: ColumnSpec, declared: str | None) -> Scale | None:
    """The scale of a survey field: as declared in client.yaml, else the canonical one (if it is a scale)."""
    if declared:
        return parse_scale(declared)
    if spec.kind == "bool":
        return parse_scale("yes/no")
    if spec.low is not None and spec.high is not None:
        return parse_scale(f"{spec.low:g}-{spec.high:g}")
    return None


def _survey_spec(field_name: str, scale: Scale) -> ColumnSpec:
    base = SURVEY_FIELDS[field_name]
    if scale.is_binary:
        return ColumnSpec(base.name, "bool", required=base.required, unique=base.unique)
    low, high = scale.bounds
    return ColumnSpec(base.name, "integer", required=base.required, low=low, high=high)


def _labels_listed(raw: pd.Series, labels: pd.Series) -> str:
    """The labels flagged in ``labels`` with their row counts, most frequent first (ten at most)."""
    seen = raw[labels].value_counts()
    return ", ".join(f"'{value}' ({count} rows)" for value, count in seen.head(10).items())


def _recoded(
    raw: pd.Series, mapping: ColumnMapping, collector: ProblemCollector, label: str, where: str
) -> pd.Series:
    """Cells recoded by ``values:``; the labels without a recode are one problem, listing them."""
    recoded = map_distinct(raw, code_key).map(mapping.recodes)
    unmapped = raw.notna() & recoded.isna()
    if unmapped.any():
        known = ", ".join(f"'{value}'" for value in mapping.values)
        collector.file(
            f"label(s) {_labels_listed(raw, unmapped)} have no recode in client.yaml {where}.values "
            f"(recoded: {known}); add each label under values:, or under missing: if it means no answer",
            label,
        )
    return recoded.astype("string")


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def _read_labels(
    raw: pd.Series,
    codes: pd.Series | None,
    scale: Scale,
    collector: ProblemCollector,
    label: str,
    where: str,
    client: Client,
) -> pd.Series:
    """A numeric scale's cells as numbers where they are written as labels.

    An SPSS column's codes are used when every one is a number within the scale (noted as running
    opposite to their labels when a common scale's labels say so: 1 = "Strongly agree"); otherwise labels
    are read by their number (``5 - Strongly agree``) or as a common scale
    (:func:`~cxlib.inputs.scales.recognise`), the reading kept in ``client.scale_readings`` for the
    consultant's page. Labels none of these reads are one problem for the column, listing them.
    """
    low, high = scale.bounds
    if codes is not None:
        numbers = pd.to_numeric(codes, errors="coerce")
        if numbers.notna().eq(codes.notna()).all() and numbers.dropna().between(low, high).all():
            pairs = pd.DataFrame({"label": raw, "code": numbers}).dropna().drop_duplicates()
            labelled = pairs[pairs["label"] != codes[pairs.index]].sort_values("code")
            if not labelled.empty:
                read = tuple(zip(labelled["label"], labelled["code"].astype(int), strict=True))
                worded = recognise(list(labelled["label"]), scale)
                opposite = len(worded) == 1 and all(
                    dict(worded[0].codes)[text] == low + high - code for text, code in read
                )
                client.scale_readings[label] = ScaleReading("codes_reversed" if opposite else "codes", read)
            return codes
    labels = [value for value in raw.dropna().unique() if not _is_number(value)]
    if not labels:
        return raw
    found = numbered_codes(labels, scale)
    rest = [value for value in labels if value not in found]
    readings = recognise(rest, scale) if rest else []
    if rest and len(readings) != 1:
        reason = (
            f"could be read as {' or as '.join(f'{r.family} ({r.describe()})' for r in readings)}"
            if readings
            else f"are neither numbers on the {scale.text} scale nor the labels of a common scale"
        )
        collector.file(
            f"label(s) {_labels_listed(raw, raw.isin(rest))} {reason}; give each label its code under "
            f"client.yaml {where}.values, or define the scale once under scales: and name it as scale:, "
            "or list a label under missing: if it means no answer",
            label,
        )
        return raw.mask(raw.isin(rest))  # one problem for the column, not one per row
    found |= dict(readings[0].codes) if readings else {}
    family = readings[0].family if readings else "numbered"
    ordered = tuple(sorted(found.items(), key=lambda pair: pair[1]))
    client.scale_readings[label] = ScaleReading(family, ordered)
    return raw.where(~raw.isin(list(found)), raw.map({text: str(code) for text, code in found.items()}))


def _prepare_cells(
    raw: RawTable,
    source: str,
    mapping: ColumnMapping | None,
    scale: Scale | None,
    collector: ProblemCollector,
    where: str,
    client: Client,
) -> tuple[pd.Series, int]:
    """Apply a mapping's ``missing`` codes (matched on labels and, in SPSS files, on codes too) and
    ``values`` recodes to raw text cells; without recodes, read a numeric scale's labels
    (:func:`_read_labels`).

    Returns the cells to type and how many were not-applicable codes.
    """
    cells, codes = raw.frame[source], raw.codes.get(source)
    missing = mapping.missing_keys if mapping is not None else set()
    not_applicable = pd.Series(False, index=cells.index)
    if missing:  # each distinct cell keyed once, only where there are codes to find
        not_applicable = map_distinct(cells, code_key).isin(missing)
        if codes is not None:
            not_applicable |= map_distinct(codes, code_key).isin(missing)
    if codes is not None:
        codes = codes.mask(not_applicable)
    cells = cells.mask(not_applicable)
    if mapping is not None and mapping.values:
        cells = _recoded(cells, mapping, collector, source, where)
    elif scale is not None and not scale.is_binary:
        cells = _read_labels(cells, codes, scale, collector, source, where, client)
    return cells, int(not_applicable.sum())


def _type_mapped(
    raw: RawTable,
    source: str,
    spec: ColumnSpec,
    mapping: ColumnMapping | None,
    scale: Scale | None,
    collector: ProblemCollector,
    where: str,
    client: Client,
) -> pd.Series:
    """Type one export column through its mapping: codes, recodes or labels, typing, then reversal."""
    cells, not_applicable = _prepare_cells(raw, source, mapping, scale, collector, where, client)
    if mapping is not None and mapping.missing:
        client.not_applicable[source] = not_applicable
    typed = type_column(cells, spec, collector, raw.decimal_comma, label=source)
    if mapping is not None and mapping.reverse:
        if scale is None or scale.is_binary:
            collector.file(f"reverse: true needs a numeric scale in client.yaml {where}", source)
        else:
            low, high = scale.bounds
            typed = low + high - typed
    return typed


def _segment_columns(sources: list[str], mapped: bool) -> dict[str, str | None]:
    """Typed column of each segment dimension: ``segment``, then ``segment_2``, ``segment_3``…"""
    names = ["segment"] + [f"segment_{number}" for number in range(2, len(sources) + 1)]
    return dict(zip(names, [source if mapped else None for source in sources], strict=True))


def _type_survey(
    raw: RawTable, config: ClientConfig, collector: ProblemCollector, client: Client
) -> pd.DataFrame:
    """Type the survey through the client's mappings: only mapped or canonically named columns are read."""
    frame = raw.frame
    typed = pd.DataFrame(index=frame.index)
    mappings = config.survey.fields
    for field_name, base_spec in SURVEY_FIELDS.items():
        mapping = config.resolved(mappings[field_name]) if field_name in mappings else None
        sources = mapping.columns if mapping else [field_name]
        absent = [source for source in sources if source not in frame.columns]
        if absent:
            if mapping:
                for source in absent:
                    collector.file(
                        f"column '{source}' named in client.yaml survey.fields.{field_name} is not in the "
                        f"file{suggest(source, list(frame.columns))}; {listed_columns(list(frame.columns))}; "
                        "fix the mapping or the export",
                        source,
                    )
            elif base_spec.required:
                collector.file(
                    f"missing required column; add it or map it in client.yaml survey.fields.{field_name}",
                    field_name,
                )
            continue
        scale = _field_scale(base_spec, mapping.scale if mapping else None)
        if field_name == "nps" and scale.bounds != (0, 10):
            collector.file(
                f"NPS needs a 0-10 scale, client.yaml declares {scale.text}; map a 0-10 question", sources[0]
            )
            continue
        spec = base_spec if scale is None else _survey_spec(field_name, scale)
        if mapping and mapping.date_format:
            spec = replace(spec, date_format=mapping.date_format)
        if scale is not None:
            client.survey_scales[field_name] = scale
        if mapping and mapping.label:
            client.labels[f"metric.{field_name}"] = dict(mapping.label)
        columns = _segment_columns(sources, bool(mapping)) if field_name == "segment" else {field_name: None}
        for column, source in zip(columns, sources, strict=True):
            where = f"survey.fields.{field_name}"
            typed[column] = _type_mapped(raw, source, spec, mapping, scale, collector, where, client)
        if field_name == "segment":
            client.segment_dimensions = columns
            for column, source in columns.items():
                if source is not None:  # a mapped dimension is named after its export column
                    name = raw.display_names.get(source, source)
                    for key in (f"overview.axis.{column}", f"diagnosis.group.{column}"):
                        client.labels[key] = {"es": name, "en": name}
    if not any(name in typed.columns for name in SURVEY_OUTCOMES):
        collector.file(f"no outcome column; provide or map at least one of {', '.join(SURVEY_OUTCOMES)}")
    elif config.primary_outcome and config.primary_outcome not in typed.columns:
        mapped = ", ".join(name for name in SURVEY_OUTCOMES if name in typed.columns)
        collector.file(
            f"client.yaml primary_outcome: {config.primary_outcome} is not in the survey; map it under "
            f"survey.fields.{config.primary_outcome} or choose one of {mapped}"
        )
    for item in map(config.resolved, config.survey.items):
        if item.column not in frame.columns:
            collector.file(
                "survey item named in client.yaml survey.items is not in the file"
                f"{suggest(item.column, list(frame.columns))}; {listed_columns(list(frame.columns))}; "
                "fix the mapping",
                item.column,
            )
            continue
        scale = parse_scale(item.scale or "1-5")
        column = f"item_{normalise_name(item.column)}"
        spec = (
            ColumnSpec(column, "bool")
            if scale.is_binary
            else ColumnSpec(column, "integer", low=scale.bounds[0], high=scale.bounds[1])
        )
        typed[column] = _type_mapped(raw, item.column, spec, item, scale, collector, "survey.items", client)
        client.survey_items.append(SurveyItemColumn(column, item.column, item.pillar, scale))
    used = (
        {column for mapping in mappings.values() for column in mapping.columns}
        | set(SURVEY_FIELDS)
        | {item.column for item in config.survey.items}
    )
    client.unused_columns["survey"] = [column for column in frame.columns if column not in used]
    _check_segments(typed, config, collector, client)
    if "weight" in typed:
        source = client.source_of("weight")
        weights = typed["weight"]
        collector.rows(  # negative weights are already outside the field's range
            source,
            weights.isna() | weights.eq(0),
            lambda row: "empty weight" if pd.isna(weights[row]) else "weight 0",
            "give every response a positive weight (or leave survey.fields.weight out)",
        )
    return typed


def _read_population(client: Client) -> tuple[pd.DataFrame | None, list[Problem]]:
    """``weighting.population`` read as every table is (:func:`~cxlib.inputs.tables.read_table`,
    inside the client folder) and typed: one positive, finite share per field and category."""
    name = client.config.weighting.population
    try:
        client_file(client.directory, name, "the population shares")
    except ClientFileError as error:
        return None, [Problem(CLIENT_CONFIG_NAME, None, "weighting.population", f"{name} {error.reason}")]
    raw, problems = read_table(client.directory / name, client.directory)
    if raw is None:
        return None, problems
    collector = ProblemCollector(name)
    population = type_table(raw.frame, POPULATION, collector, raw.decimal_comma)
    if collector.problems:
        return None, collector.problems
    shares = population["share"]
    collector.rows("share", shares.eq(0), lambda row: "share 0", "give every category a positive share")
    key = population["field"] + "\x1f" + population["category"].map(fold_name)
    collector.rows(
        "category",
        key.duplicated(),
        lambda row: f"{population.at[row, 'category']!r} appears twice for {population.at[row, 'field']}",
        "keep one row per field and category",
    )
    return (None if collector.problems else population), collector.problems


def _rake_survey(client: Client) -> list[Problem]:
    """Weights raked to ``weighting.population`` (:func:`~cxlib.stats.weighting.rake`), stored as
    the survey's ``weight``; problems when the population file does not match the survey."""
    weighting = client.config.weighting
    survey = client.tables.get("survey")
    if weighting is None or survey is None:
        return []
    population, problems = _read_population(client)
    if population is None:
        return problems
    name = weighting.population
    margins = {}
    for field_name in weighting.by:
        column = client.survey_column(field_name)
        if column is None:
            problems.append(
                Problem(
                    CLIENT_CONFIG_NAME,
                    None,
                    "weighting.by",
                    f"{field_name!r} is not a survey field of this client",
                )
            )
            continue
        rows = population["field"] == field_name
        folded = population.loc[rows, "category"].map(fold_name)
        given = dict(zip(folded, population.loc[rows, "category"], strict=True))
        seen = client.survey_values(column)
        unmatched = sorted(set(seen) - set(given)), sorted(set(given) - set(seen))
        if not rows.any() or any(unmatched):
            problems.append(
                Problem(
                    name,
                    None,
                    field_name,
                    f"categories must match the survey's: survey has {', '.join(sorted(seen.values()))}; "
                    f"population has {', '.join(sorted(given.values())) or 'none'}",
                )
            )
            continue
        margins[column] = pd.Series(
            population.loc[rows, "share"].to_numpy(),
            index=folded.map(seen).to_numpy(),
        )
    if problems:
        return problems
    try:
        client.tables["survey"] = survey.assign(weight=rake(survey, margins))
    except RakingError as error:
        return [Problem(name, None, None, f"{error}; check the shares and that no category is empty")]
    client.margins = margins
    return []


def _check_segments(typed: pd.DataFrame, config: ClientConfig, collector: ProblemCollector, client: Client):
    """Segment values must be listed in ``segments``: a list checks the first dimension, a mapping
    ``{column: [values]}`` each dimension it names. One problem per distinct unknown value."""
    if isinstance(config.segments, list):
        allowed = {"segment": config.segments} if config.segments else {}
    else:
        by_source = {source or "segment": column for column, source in client.segment_dimensions.items()}
        allowed = {by_source[name]: values for name, values in config.segments.items() if name in by_source}
        for name in config.segments:
            if name not in by_source:
                collector.file(
                    f"client.yaml segments names '{name}', which is not a segment column"
                    f"{suggest(name, list(by_source))}; use one of {', '.join(by_source)}"
                )
    for column, values in allowed.items():
        if column not in typed:
            continue
        source = client.segment_dimensions.get(column) or "segment"
        collector.distinct(
            source,
            typed[column].where(typed[column].notna() & ~typed[column].isin(values)),
            lambda value, values=values: (
                f"segment '{value}' is not in client.yaml segments{suggest(value, values)}"
            ),
            f"use one of {', '.join(values)} or add it to segments",
        )


def _check_references(client: Client, collectors: dict[str, ProblemCollector]) -> None:
    """Values that must exist in another table (:data:`REFERENCES`), each checked by
    :func:`_check_reference`."""
    for table, column, target, target_column in REFERENCES:
        if (
            not client.has(table, target)
            or column not in client.tables[table]
            or target_column not in client.tables[target]
        ):
            continue
        values = client.tables[table][column].explode()  # list cells (initiatives' touchpoints) flattened
        _check_reference(client, values, column, collectors[table], target, target_column)


def _check_reference(
    client: Client,
    values: pd.Series,
    column: str,
    collector: ProblemCollector,
    target: str,
    target_column: str,
) -> None:
    """Each unknown value is reported once, at its first row with its row count, and with the
    closest known value when one is near (``Dual fuel`` vs ``Dual Fuel``)."""
    known = [str(value) for value in client.tables[target][target_column].dropna().unique()]
    target_file = client.sources[target].name
    collector.distinct(
        column,
        values.where(values.notna() & ~values.isin(known)),
        lambda value: f"'{value}' is not a {target_column} in {target_file}{suggest(str(value), known)}",
        f"use a {target_column} listed in {target_file} or add it there",
    )


def type_interactions(
    client: Client, frame: pd.DataFrame, file_name: str, decimal_comma: bool
) -> tuple[pd.DataFrame, ProblemCollector]:
    """Type touchpoint measurements read as text (a file, or rows appended to one) as
    :func:`check_client` does, touchpoints checked against the journey.

    Returns the typed rows and the collector, whose ``bad_rows`` are the rows with a problem.
    """
    collector = ProblemCollector(file_name)
    typed = type_table(frame, TABLES[STREAMED_TABLE], collector, decimal_comma)
    if "touchpoint_id" in typed and client.has("journey"):
        _check_reference(
            client, typed["touchpoint_id"], "touchpoint_id", collector, "journey", "touchpoint_id"
        )
    return typed, collector


def _add_inbox_parts(client: Client) -> list[Problem]:
    """Add the inbox's measurement files (taken in, then waiting) to ``interactions``, each
    validated on its own so problems name its file and rows."""
    frames = [client.tables[STREAMED_TABLE]] if client.has(STREAMED_TABLE) else []
    problems: list[Problem] = []
    for path in [*inbox_files(client.directory, done=True), *inbox_files(client.directory)]:
        raw, read_problems = read_table(path, client.directory)
        problems += read_problems
        if raw is None:
            continue
        name = path.relative_to(client.directory).as_posix()
        typed, collector = type_interactions(client, raw.frame, name, raw.decimal_comma)
        problems += collector.problems
        frames.append(typed)
        client.inbox_parts.append(path)
    if client.inbox_parts:
        client.tables[STREAMED_TABLE] = concat_typed(frames)
    return problems


def concat_typed(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Stack typed parts of one table; a column keeps the type it has where present (a part
    without ``success`` must not turn the others' yes/no into objects)."""
    dtypes = {}
    for frame in frames:
        for column, dtype in frame.dtypes.items():
            dtypes.setdefault(column, dtype)
    return pd.concat(frames, ignore_index=True).astype(dtypes)


def _check_promises(client: Client) -> list[Problem]:
    """Every touchpoint with a declared value promise must exist in the journey."""
    if not client.config.touchpoint_promises or not client.has("journey"):
        return []
    known = set(client.tables["journey"]["touchpoint_id"].dropna())
    return [
        Problem(
            "client.yaml",
            None,
            f"touchpoint_promises.{touchpoint}",
            f"'{touchpoint}' is not a touchpoint_id in {client.sources['journey'].name}; use an id listed "
            "there",
        )
        for touchpoint in client.config.touchpoint_promises
        if touchpoint not in known
    ]


def check_assessment_items(client: Client, collector: ProblemCollector) -> None:
    """Every assessment row asks a question of the question bank, under that question's pillar
    (used by :func:`check_client` and by the workshop before it saves)."""
    assessment = client.tables["assessment"]
    if not {"item_id", "pillar"} <= set(assessment.columns):
        return
    bank = question_bank(client.config)
    unknown, wrong_pillar = check_items(assessment, bank)
    collector.rows(
        "item_id",
        unknown,
        lambda row: f"unknown question '{assessment.at[row, 'item_id']}'",
        "use an id from cxlib/inputs/question_bank.yaml or add the question under 'questions:' in "
        "client.yaml",
    )
    collector.rows(
        "pillar",
        wrong_pillar,
        lambda row: (
            f"question {assessment.at[row, 'item_id']} belongs to "
            f"{bank.at[assessment.at[row, 'item_id'], 'pillar']}, not {assessment.at[row, 'pillar']}"
        ),
        "correct the pillar or the question id",
    )


#: Rows read first to tell which columns repeat (see :func:`_row_fingerprints`).
FINGERPRINT_HEAD_ROWS = 1000


def _row_fingerprints(frame: pd.DataFrame) -> pd.Series:
    """One 64-bit hash per row over the columns that are not unique to each row (vectorised).

    A column that repeats a value (or has a gap) within its first rows repeats in the whole table,
    so only the columns unique so far are counted in full."""
    head = frame.head(FINGERPRINT_HEAD_ROWS)
    repeating = [
        column
        for column in frame.columns
        if head[column].nunique() < len(head) or frame[column].nunique() < len(frame)
    ]
    return pd.util.hash_pandas_object(frame[repeating], index=False)


def breakdown_problems(client: Client) -> list[Problem]:
    """``breakdowns:`` must pair an outcome this survey has with a field it can be grouped by
    (:meth:`Client.breakdown_column`); one problem per bad entry, at its key, with a did-you-mean."""
    survey = client.tables.get("survey")
    if survey is None or not client.config.breakdowns:
        return []
    outcomes = [name for name in SURVEY_OUTCOMES if name in survey]
    fields = [client.source_of(column) for column in client.breakdown_columns()]
    fields += list(BREAKDOWN_PERIODS) if "date" in survey else []
    problems = []
    for index, entry in enumerate(client.config.breakdowns):
        if entry.metric not in survey:
            problems.append(
                Problem(
                    CLIENT_CONFIG_NAME,
                    None,
                    f"breakdowns.{index}.metric",
                    f"{entry.metric!r} is not in this survey{suggest(entry.metric, outcomes)}; use one of "
                    f"{', '.join(outcomes)}, or map it under survey.fields",
                )
            )
        if client.breakdown_column(entry.by) is None:
            dated = "" if "date" in survey else " (month and quarter need a date field)"
            problems.append(
                Problem(
                    CLIENT_CONFIG_NAME,
                    None,
                    f"breakdowns.{index}.by",
                    f"{entry.by!r} is not a field this survey can be broken down by"
                    f"{suggest(entry.by, fields)}; use one of {', '.join(fields)}{dated}",
                )
            )
    return problems


def _check_theme_names(client: Client) -> list[Problem]:
    """``comments.names`` must name themes that discovery finds in these comments."""
    settings = client.config.comments
    if not settings.names or settings.keywords:
        return []
    _, discovered = named_themes(client.comments(), client.config.language, settings.theme_count)
    unknown = [name for name in settings.names if name not in discovered]
    listed = "; ".join(discovered) or "none (too few comments)"
    return [
        Problem(
            CLIENT_CONFIG_NAME,
            None,
            "comments.names",
            f"{name!r} is not a theme found in the comments; the themes are: {listed}",
        )
        for name in unknown
    ]


def wave_folder(client: Client, number: int) -> Path:
    """The folder of the ``number``-th wave listed under ``waves:`` (from 1), checked to hold that
    wave's ``client.yaml`` inside the client folder (:func:`~cxlib.core.guard.client_file`).

    Raises
    ------
    ClientFileError
        When that folder is outside the client folder, is missing or has no ``client.yaml``.
    """
    wave = client.config.waves[number - 1]
    config = client_file(
        client.directory, Path(wave.folder) / CLIENT_CONFIG_NAME, "that wave's client folder"
    )
    return config.parent


def _check_waves(client: Client) -> list[Problem]:
    """Each wave's ``folder:`` holds a client folder inside this one, and no ``report:`` climbs out
    with ``..`` or is absolute (a report is named relative to the client folder or by its slug)."""
    problems = []
    for number, wave in enumerate(client.config.waves or [], start=1):
        where = f"waves: {number} ({wave.label})"
        if wave.folder:
            try:
                wave_folder(client, number)
            except ClientFileError as error:
                problems.append(Problem(CLIENT_CONFIG_NAME, None, where, f"folder: {error}"))
        if wave.report and (Path(wave.report).is_absolute() or ".." in Path(wave.report).parts):
            problems.append(
                Problem(
                    CLIENT_CONFIG_NAME,
                    None,
                    where,
                    f"report: {wave.report!r} must be a report folder inside the client folder or the "
                    "slug of a report in the output folder, without '..'",
                )
            )
    return problems


def check_client(client_dir: Path) -> tuple[Client | None, list[Problem]]:
    """Validate a client folder; return the loaded client (``None`` if unusable) and all problems."""
    config, problems = load_config(client_dir)
    if config is None:
        return None, problems
    client = Client(directory=client_dir, config=config)
    collectors: dict[str, ProblemCollector] = {}
    for name in TABLE_NAMES:
        path, found_problems = find_table(client_dir, name)
        problems += found_problems
        if path is None:
            continue
        raw, read_problems = read_table(path, client_dir)
        problems += read_problems
        if raw is None:
            continue
        collector = collectors[name] = ProblemCollector(path.name)
        client.formats[name] = raw.kind
        if name == "survey":
            client.display_names = raw.display_names
            client.survey_fingerprints = _row_fingerprints(raw.frame)
            client.tables[name] = _type_survey(raw, config, collector, client)
        else:
            client.tables[name] = type_table(raw.frame, TABLES[name], collector, raw.decimal_comma)
        client.sources[name] = path
    _check_references(client, collectors)
    problems += _add_inbox_parts(client)
    problems += _check_promises(client)
    problems += _check_theme_names(client)
    problems += _check_waves(client)
    problems += breakdown_problems(client)
    problems += _rake_survey(client)
    client.commentary, commentary_problems = read_commentary(client_dir, config.language)
    problems += commentary_problems
    if "assessment" in client.tables:
        check_assessment_items(client, collectors["assessment"])
    for collector in collectors.values():
        problems += collector.problems
    return client, problems


#: The validated client a run hands to its step kernels, in the client's build folder (never published).
VALIDATED_CLIENT_NAME = ".validated-client.pickle"


def save_validated(client: Client, folder: Path) -> Path:
    """Write the validated client (typed tables and all) for the run's step kernels, atomically.

    ``cxwb run`` validates each client once and every step reads this instead of validating again
    (:func:`load_validated`). It is a pickle, written and read by the same run in its own build
    folder, and removed before the report is published.
    """
    handle, temporary = tempfile.mkstemp(prefix=f".{VALIDATED_CLIENT_NAME}.", dir=folder)
    with os.fdopen(handle, "wb") as stream:
        pickle.dump(client, stream, protocol=pickle.HIGHEST_PROTOCOL)
    path = folder / VALIDATED_CLIENT_NAME
    os.replace(temporary, path)
    return path


def load_validated(folder: Path, client_dir: Path) -> Client | None:
    """The client :func:`save_validated` left in ``folder`` for ``client_dir``, or ``None``."""
    path = folder / VALIDATED_CLIENT_NAME
    if not path.is_file():
        return None
    with open(path, "rb") as stream:
        client = pickle.load(stream)  # noqa: S301 (written by this run, in its own build folder)
    return client if Path(client.directory).resolve() == Path(client_dir).resolve() else None


#: The environment variable naming the client a step notebook opens when its ``client_dir`` is empty.
CLIENT_ENV = "CXWB_CLIENT"


#: The client a step notebook opens when neither ``client_dir`` nor :data:`CLIENT_ENV` names one.
DEMO_CLIENT = DEMO_CLIENTS_DIR / "demo"


def client_folder(client_dir: str | Path) -> Path:
    """The client folder a step notebook was given: ``client_dir``; when it is empty (a notebook
    opened as shipped), the folder named by :data:`CLIENT_ENV`; without either, the demo client.

    Raises
    ------
    ClientNotFoundError
        When none of the three is there (an installation without the demo), saying how to set one.
    """
    folder = str(client_dir).strip() or os.environ.get(CLIENT_ENV, "").strip()
    if folder:
        return Path(folder)
    if (DEMO_CLIENT / CLIENT_CONFIG_NAME).is_file():
        return DEMO_CLIENT
    raise ClientNotFoundError(
        "client_dir is not set: write the client folder in the notebook's parameters cell "
        '(client_dir = "data/clients/demo"), or start JupyterLab with '
        f"{CLIENT_ENV}=path/to/client, or run the step with 'cxwb run DIR --steps NN'"
    )


def load_client(client_dir: Path) -> Client:
    """Load a valid client folder.

    Raises
    ------
    ValidationError
        Listing every problem, when the folder has any.
    """
    client, problems = check_client(client_dir)
    if problems:
        raise ValidationError(str(client_dir), problems)
    return client
