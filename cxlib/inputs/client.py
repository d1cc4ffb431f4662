"""A client folder, loaded and validated in one pass.

:func:`check_client` reads ``client.yaml`` and every input table present, types them against
:mod:`cxlib.schema`, checks references between tables, and returns every problem it finds.
:func:`load_client` does the same and raises :class:`~cxlib.core.exceptions.ValidationError` when
anything is wrong, so no step ever runs on bad input.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cxlib.core.exceptions import Problem, ValidationError
from cxlib.core.method import normalise_name
from cxlib.inputs.config import ClientConfig, Scale, load_config, parse_scale
from cxlib.inputs.question_bank import check_items, question_bank
from cxlib.inputs.schema import (
    SURVEY_FIELDS,
    SURVEY_OUTCOMES,
    TABLES,
    ColumnSpec,
    ProblemCollector,
    type_column,
    type_table,
)
from cxlib.inputs.tables import TABLE_NAMES, RawTable, find_table, read_table

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

    def has(self, *names: str) -> bool:
        """True when every named table is present."""
        return all(name in self.tables for name in names)

    def input_hashes(self) -> dict[str, str]:
        """SHA-256 of ``client.yaml`` and each input file, for the run manifest."""
        files = [self.directory / "client.yaml", *self.sources.values()]
        return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in files}


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


def _type_survey(
    raw: RawTable, config: ClientConfig, collector: ProblemCollector, client: Client
) -> pd.DataFrame:
    """Type the survey through the client's mappings: only mapped or canonically named columns are read."""
    frame = raw.frame
    typed = pd.DataFrame(index=frame.index)
    mappings = config.survey.fields
    for field_name, base_spec in SURVEY_FIELDS.items():
        mapping = mappings.get(field_name)
        source = mapping.column if mapping else field_name
        if source not in frame.columns:
            if mapping:
                collector.file(
                    f"column '{source}' named in client.yaml survey.fields.{field_name} is not in the file; "
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
                f"NPS needs a 0-10 scale, client.yaml declares {scale.text}; map a 0-10 question", source
            )
            continue
        spec = base_spec if scale is None else _survey_spec(field_name, scale)
        if scale is not None:
            client.survey_scales[field_name] = scale
        typed[field_name] = type_column(frame[source], spec, collector, raw.decimal_comma, label=source)
    if not any(name in typed.columns for name in SURVEY_OUTCOMES):
        collector.file(f"no outcome column; provide or map at least one of {', '.join(SURVEY_OUTCOMES)}")
    for item in config.survey.items:
        if item.column not in frame.columns:
            collector.file(
                "survey item named in client.yaml survey.items is not in the file; fix the mapping",
                item.column,
            )
            continue
        scale = parse_scale(item.scale)
        column = f"item_{normalise_name(item.column)}"
        spec = (
            ColumnSpec(column, "bool")
            if scale.is_binary
            else ColumnSpec(column, "integer", low=scale.bounds[0], high=scale.bounds[1])
        )
        typed[column] = type_column(frame[item.column], spec, collector, raw.decimal_comma, label=item.column)
        client.survey_items.append(SurveyItemColumn(column, item.column, item.pillar, scale))
    used = (
        {mapping.column for mapping in mappings.values()}
        | set(SURVEY_FIELDS)
        | {item.column for item in config.survey.items}
    )
    client.unused_columns["survey"] = [column for column in frame.columns if column not in used]
    if config.segments and "segment" in typed.columns:
        unknown = typed["segment"].notna() & ~typed["segment"].isin(config.segments)
        collector.rows(
            mappings["segment"].column if "segment" in mappings else "segment",
            unknown,
            lambda row: f"segment '{typed.at[row, 'segment']}' is not in client.yaml segments",
            f"use one of {', '.join(config.segments)} or add it to segments",
        )
    return typed


def _check_references(client: Client, collectors: dict[str, ProblemCollector]) -> None:
    for table, column, target, target_column in REFERENCES:
        if (
            not client.has(table, target)
            or column not in client.tables[table]
            or target_column not in client.tables[target]
        ):
            continue
        values = client.tables[table][column]
        known = set(client.tables[target][target_column].dropna())
        flat = (
            values.explode()
            if values.map(lambda v: isinstance(v, list), na_action="ignore").any()
            else values
        )
        unknown = flat.notna() & ~flat.isin(known)
        bad_rows = values.index.to_series().isin(flat.index[unknown])
        target_file = client.sources[target].name
        collectors[table].rows(
            column,
            bad_rows,
            lambda row, values=values, target_column=target_column, target_file=target_file: (
                f"'{values[row]}' is not a {target_column} in {target_file}"
            ),
            f"use a {target_column} listed in {target_file} or add it there",
        )


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


def _check_assessment_items(client: Client, collector: ProblemCollector) -> None:
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
        raw, read_problems = read_table(path)
        problems += read_problems
        if raw is None:
            continue
        collector = collectors[name] = ProblemCollector(path.name)
        if name == "survey":
            client.tables[name] = _type_survey(raw, config, collector, client)
        else:
            client.tables[name] = type_table(raw.frame, TABLES[name], collector, raw.decimal_comma)
        client.sources[name] = path
    _check_references(client, collectors)
    problems += _check_promises(client)
    if "assessment" in client.tables:
        _check_assessment_items(client, collectors["assessment"])
    for collector in collectors.values():
        problems += collector.problems
    return client, problems


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
