"""``cxwb new DIR [--industry NAME]``: a client folder that validates, to be filled in with the client's
data. Its example rows are neutral (``generic``) or of the client's trade (``industries.yaml``), in the
report language, so that a row kept by mistake never puts another trade's content in a report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import yaml

from cxlib.core.exceptions import CxError
from cxlib.inputs.industries import INDUSTRIES, industry_examples
from cxlib.inputs.schema import SURVEY_FIELDS, TABLES
from cxlib.inputs.tables import TABLE_NAMES

CLIENT_YAML = """\
# Client configuration for cx-workbook. Check it with: cxwb validate {folder}
name: {name}                  # the client's name, as it appears on every report
slug: {slug}                  # lowercase letters, digits, - or _; names the report folder
language: {language}          # report language: es or en
locale: {locale}              # number and date format, e.g. es_MX, es_CO, es_CL, es_ES, en_GB, en_US
industry: {industry}          # the client's trade, as reports name it
currency: {currency}          # ISO 4217 code, e.g. MXN, COP, CLP, EUR, USD, GBP
segments: {segments}          # segment values as written in the survey's (first) segment column;
                              # with several segment columns: {{Class: [Eco, Business], Region: [North]}}

# Target experience per pillar on a 0-100 scale (personalisation, integrity, expectations,
# resolution, time_effort, empathy; Spanish names such as "Tiempo y esfuerzo" also work).
pillar_targets:
  resolution: 80

# Employee results never describe fewer people than this (units, role × pillar cells, leads).
privacy: {{min_group: 5}}

# First month of the action plan's roadmap (default: the month after the run).
# plan_start: 2026-01-01

# The strategic question and each touchpoint's value promise: monitoring alerts name the promise at stake.
strategic_question: {strategic_question}
touchpoint_promises:
  TP01: {value_promise}

# Where 'cxwb watch' delivers new alarms (the SMTP password comes from the environment variable
# password_env names, never from this file).
# alerts:
#   webhook: https://hooks.example.com/cx
#   email: {{smtp: "smtp.example.com:587", from: cx@example.com, to: [owner@example.com],
#           password_env: CXWB_SMTP_PASSWORD, starttls: true}}
#   min_level: alarm

# The diagnosis's charts of an outcome (nps, csat, ces, satisfied) by a field (a segment column,
# unit, channel, stage, touchpoint_id, month or quarter); by default NPS, CSAT, CES and satisfied by
# segment and channel.
# breakdowns: [{{metric: nps, by: unit}}, {{metric: csat, by: quarter}}]

# The client's logo and colours on every page, the bundle, the PDF and the slides. The logo is a
# PNG or JPEG file in this folder (embedded, at most 512 KB); colours are #RRGGBB, and primary must
# read on white (contrast at least 3:1).
# brand: {{logo: logo.png, primary: "#0B5FFF", accent: "#D35400"}}

# How the survey export maps onto the workbook's canonical fields, with no edit to the export
# (CSV, XLSX, Parquet, SPSS .sav with its value labels, or a Qualtrics CSV export). A field not
# listed here is read from a column with its canonical name ({fields}).
# Scales: 0-10, 1-5, 1-7 or yes/no. NPS needs 0-10. On any field or item:
#   missing: [0, 99]           codes meaning "no answer / not applicable": blank before range checks
#   values: {{raw label: value}}  recode the export's labels (case- and accent-insensitive) first
#   reverse: true              a negatively worded item, reversed on its scale
#   label: {{en: ..., es: ...}}   how reports name an outcome
survey:
  fields:
    nps: {{column: nps, scale: 0-10}}
    # segment: [Class, Type of Travel]      # one column or a list; each is a breakdown dimension
    # csat: {{column: "Overall satisfaction", scale: 1-7}}
    # satisfied:
    #   column: satisfaction
    #   scale: yes/no
    #   values: {{satisfied: yes, neutral or dissatisfied: no}}
    #   label: {{en: Satisfied passengers, es: Pasajeros satisfechos}}
  items: []
    # - {{column: "Staff knew my history", pillar: personalisation, scale: 1-5, missing: [0]}}
    # - {{column: "It took a lot of effort", pillar: time_effort, scale: 1-7, reverse: true}}
"""


#: Table → column → the key of ``industries.yaml`` giving its example; other columns keep the neutral
#: example of their :class:`~cxlib.inputs.schema.ColumnSpec`. A segment list takes the first segment.
EXAMPLE_COLUMNS: dict[str, dict[str, str]] = {
    "survey": {
        "segment": "segments",
        "channel": "channel",
        "unit": "unit",
        "stage": "stage",
        "comment": "comment",
    },
    "assessment": {"area": "area", "evidence": "evidence"},
    "journey": {
        name: name
        for name in (
            "stage",
            "touchpoint",
            "channel",
            "owner",
            "customer_action",
            "frontstage",
            "backstage",
            "support_process",
            "kpi",
            "pain_point",
            "opportunity",
            "value_promise",
            "customer_need",
        )
    },
    "employees": {"unit": "unit", "role": "role"},
    "units": {"unit": "unit", "region": "region"},
    "initiatives": {
        "name": "initiative",
        "owner": "owner",
        "kpi": "kpi",
        "roles": "role",
        "segments": "segments",
        "channels": "channel",
        "units": "unit",
        "value_source": "value_source",
    },
    "ecosystem": {"evidence": "ecosystem_evidence"},
}


def _example_row(table: str, examples: dict[str, str | list[str]]) -> dict[str, str]:
    columns = SURVEY_FIELDS.values() if table == "survey" else TABLES[table].columns
    keys = EXAMPLE_COLUMNS.get(table, {})
    row = {spec.name: spec.example for spec in columns}
    for column, key in keys.items():
        value = examples[key]
        row[column] = value[0] if isinstance(value, list) else value
    return row


def scaffold_client(folder: Path, language: str = "en", industry: str = "generic") -> list[Path]:
    """Create ``folder`` with a commented ``client.yaml`` and one template table per input.

    Parameters
    ----------
    folder
        The new client folder (created; it may exist if empty).
    language
        The report language, ``es`` or ``en``: also the language of the example rows.
    industry
        One of :data:`INDUSTRIES`: whose example rows, segments, question and promise to write.

    Returns
    -------
    list of Path
        The files written, ``client.yaml`` first.

    Raises
    ------
    CxError
        When ``folder`` exists and is not empty (nothing is overwritten), or ``industry`` is unknown.
    """
    if industry not in INDUSTRIES:
        raise CxError(f"unknown industry {industry!r}; use one of {', '.join(INDUSTRIES)}")
    examples = industry_examples()[industry][language]
    if folder.exists() and any(folder.iterdir()):
        raise CxError(f"{folder} exists and is not empty; choose a new folder name (nothing was written)")
    folder.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9_-]+", "-", folder.name.lower()).strip("-") or "client"
    locale = {"es": "es_MX", "en": "en_GB"}[language]
    text = CLIENT_YAML.format(
        folder=folder,
        name=json.dumps(folder.name, ensure_ascii=False),  # a JSON string is a valid YAML scalar
        slug=json.dumps(slug),
        language=language,
        locale=locale,
        industry=json.dumps(examples["industry"], ensure_ascii=False),
        currency="MXN" if language == "es" else "GBP",
        segments=yaml.safe_dump(examples["segments"], default_flow_style=True, allow_unicode=True).strip(),
        strategic_question=json.dumps(examples["strategic_question"], ensure_ascii=False),
        value_promise=json.dumps(examples["value_promise"], ensure_ascii=False),
        fields=", ".join(SURVEY_FIELDS),
    )
    written = [folder / "client.yaml"]
    written[0].write_text(text, encoding="utf-8")
    for table in TABLE_NAMES:
        path = folder / f"{table}.csv"
        pd.DataFrame([_example_row(table, examples)]).to_csv(path, index=False)
        written.append(path)
    return written
