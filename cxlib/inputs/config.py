"""``client.yaml``: the client's identity, language, targets and survey-export mappings.

Validated with pydantic; every problem becomes a :class:`~cxlib.core.exceptions.Problem` naming the
key path in ``client.yaml`` and what to write instead.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Annotated, Literal, TypeVar

import yaml
from babel import Locale, UnknownLocaleError
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from cxlib.core.exceptions import Problem
from cxlib.core.guard import MAX_CONFIG_BYTES, ClientFileError, read_client_bytes
from cxlib.core.images import MAX_IMAGE_BYTES, image_type
from cxlib.core.method import PILLAR_SPELLINGS, PILLARS, normalise_name, vocabulary_aliases
from cxlib.core.paths import CLIENT_CONFIG_NAME
from cxlib.inputs.strategy import Actor, Hypothesis

SCALE_PATTERN = re.compile(r"^(\d+)-(\d+)$")
#: The name of a scale defined under ``scales:`` in ``client.yaml`` (``agreement``, ``sat_5``).
SCALE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class Strict(BaseModel):
    """Base model: unknown keys are errors (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Scale(Strict):
    """A response scale: numeric ``low``..``high``, or ``yes/no``."""

    text: str

    @property
    def is_binary(self) -> bool:
        return self.text == "yes/no"

    @property
    def bounds(self) -> tuple[int, int]:
        if self.is_binary:
            return (0, 1)
        low, high = SCALE_PATTERN.match(self.text).groups()
        return int(low), int(high)


def parse_scale(text: str) -> Scale:
    """Parse ``"0-10"``, ``"1-5"``, ``"1-7"`` or ``"yes/no"`` (any ``low-high`` is accepted)."""
    cleaned = str(text).strip().lower().replace(" ", "")
    if cleaned in {"yes/no", "si/no", "sí/no", "binary"}:
        return Scale(text="yes/no")
    match = SCALE_PATTERN.match(cleaned)
    if not match or int(match.group(1)) >= int(match.group(2)):
        raise ValueError(f"scale {text!r} is not one of 0-10, 1-5, 1-7, yes/no (or another low-high range)")
    return Scale(text=cleaned)


#: A raw cell value as written in client.yaml: YAML reads ``yes`` as True and ``0`` as a number.
RawValue = str | bool | int | float


def code_key(value: object) -> str:
    """The comparable form of a raw code or label: numbers by value (``0``, ``"0.0"`` → ``"0"``),
    ``yes``/``True`` alike, text case- and accent-insensitive (``"Sí"`` → ``"si"``)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value).strip()
    try:
        return f"{float(text.replace(',', '.')):g}"
    except ValueError:
        return normalise_name(text)


def canonical_text(value: RawValue) -> str:
    """A recode target as the text the typing step reads (``True`` → ``yes``, ``4.0`` → ``4``)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class ColumnMapping(Strict):
    """How one export column is read: scale, not-applicable codes, label recodes, reversal, label.

    ``missing`` lists codes meaning "no answer / not applicable" (e.g. ``[0, 99]``): those cells
    become missing before range checks. ``values`` recodes raw labels (case- and accent-insensitive)
    to canonical values before typing. ``reverse`` reverses a numeric scale (``low + high - x``), for
    negatively worded items. ``label`` names the field in reports, per language.
    """

    scale: str | None = None
    missing: list[RawValue] = Field(default_factory=list)
    values: dict[RawValue, RawValue] = Field(default_factory=dict)
    reverse: bool = False
    label: dict[Literal["es", "en"], str] = Field(default_factory=dict)

    @field_validator("scale")
    @classmethod
    def _scale_is_known(cls, value: str | None) -> str | None:
        """A range (``1-5``, ``yes/no``), or the name of a scale under ``scales:`` (checked by
        :class:`ClientConfig`)."""
        if value is None:
            return None
        try:
            return parse_scale(value).text
        except ValueError:
            if SCALE_NAME.match(str(value)):
                return value
            raise

    @property
    def missing_keys(self) -> set[str]:
        return {code_key(code) for code in self.missing}

    @property
    def recodes(self) -> dict[str, str]:
        return {code_key(raw): canonical_text(target) for raw, target in self.values.items()}


class NamedScale(Strict):
    """A response scale defined once under ``scales:`` for fields and items to name as their
    ``scale:``: its range, its label recodes, its not-applicable codes and whether it runs from
    good to bad (``reverse``)."""

    scale: str
    missing: list[RawValue] = Field(default_factory=list)
    values: dict[RawValue, RawValue] = Field(default_factory=dict)
    reverse: bool = False

    @field_validator("scale")
    @classmethod
    def _scale_is_a_range(cls, value: str) -> str:
        return parse_scale(value).text


class FieldMapping(ColumnMapping):
    """Where a canonical survey field is in the export; ``segment`` may name several columns.
    ``date_format`` reads a date field written neither as ISO nor day-first (``"%m/%d/%Y"``)."""

    column: str | list[str]
    date_format: str | None = None

    @field_validator("date_format")
    @classmethod
    def _date_format_has_a_directive(cls, value: str | None) -> str | None:
        if value is not None and not any(code in value for code in ("%d", "%m", "%Y", "%y", "%b")):
            raise ValueError(f"date_format {value!r} has no date directive; write it like %m/%d/%Y")
        return value

    @property
    def columns(self) -> list[str]:
        return self.column if isinstance(self.column, list) else [self.column]


def pillar_key(name: str) -> str:
    """The pillar key for any accepted spelling; raises ``ValueError`` naming the valid keys."""
    aliases = vocabulary_aliases("pillar", PILLARS, PILLAR_SPELLINGS)
    key = aliases.get(normalise_name(name))
    if key is None:
        close = difflib.get_close_matches(normalise_name(name), list(aliases), n=1, cutoff=0.6)
        hint = f" (did you mean '{aliases[close[0]]}'?)" if close else ""
        raise ValueError(f"unknown pillar {name!r}{hint}; use one of {', '.join(PILLARS)}")
    return key


PillarName = Annotated[str, AfterValidator(pillar_key)]


def _closest(name: str, choices: list[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices``, or ''."""
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class SurveyItem(ColumnMapping):
    """A survey question that rates one pillar from the customer's side."""

    column: str
    pillar: PillarName
    scale: str | None = "1-5"


class Question(Strict):
    """A self-assessment item the client adds to the question bank (``cxlib/question_bank.yaml``)."""

    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    pillar: PillarName
    es: str = Field(min_length=1)
    en: str = Field(min_length=1)


class SurveyMapping(Strict):
    """How the client's survey export maps onto canonical fields (see
    ``cxlib.inputs.schema.SURVEY_FIELDS``)."""

    fields: dict[str, FieldMapping] = Field(default_factory=dict)
    items: list[SurveyItem] = Field(default_factory=list)

    @field_validator("fields", mode="before")
    @classmethod
    def _short_form(cls, value: object) -> object:
        """Allow ``nps: "Column name"`` (or a list, for ``segment``) as short for ``{column: ...}``."""
        if isinstance(value, dict):
            return {
                key: {"column": item} if isinstance(item, str | list) else item for key, item in value.items()
            }
        return value

    @field_validator("fields")
    @classmethod
    def _fields_are_canonical(cls, value: dict[str, FieldMapping]) -> dict[str, FieldMapping]:
        from cxlib.inputs.schema import SURVEY_FIELDS

        unknown = sorted(set(value) - set(SURVEY_FIELDS))
        if unknown:
            raise ValueError(
                f"unknown survey field(s) {', '.join(unknown)}; canonical fields are "
                f"{', '.join(SURVEY_FIELDS)}"
            )
        several = sorted(
            name for name, mapping in value.items() if len(mapping.columns) > 1 and name != "segment"
        )
        if several:
            raise ValueError(f"{', '.join(several)}: only segment may name several columns; name one column")
        return value


ColumnMappingT = TypeVar("ColumnMappingT", bound=ColumnMapping)


#: What a breakdown may group by besides the survey's grouping fields: the response's month or quarter
#: (from its ``date``).
BREAKDOWN_PERIODS: tuple[str, ...] = ("month", "quarter")
#: The survey fields a breakdown may group by (every segment dimension counts as ``segment``).
BREAKDOWN_FIELDS: tuple[str, ...] = ("segment", "channel", "unit", "stage", "touchpoint_id")


class Breakdown(Strict):
    """One chart of the diagnosis (``breakdowns:`` in ``client.yaml``): an outcome ``metric`` (``nps``,
    ``csat``, ``ces`` or ``satisfied``) by ``by``, a grouping field named by its typed name or its
    export column (a segment dimension, ``unit``, ``channel``, ``stage``, ``touchpoint_id``) or a
    period (``month``, ``quarter``). Whether the survey has them is checked when the client is loaded
    (:func:`cxlib.inputs.client.breakdown_problems`)."""

    metric: str
    by: str = Field(min_length=1)

    @field_validator("metric")
    @classmethod
    def _metric_is_an_outcome(cls, value: str) -> str:
        from cxlib.inputs.schema import SURVEY_OUTCOMES, suggest

        key = normalise_name(value)
        if key not in SURVEY_OUTCOMES:
            raise ValueError(
                f"metric {value!r} is not an outcome{suggest(value, SURVEY_OUTCOMES)}; "
                f"use one of {', '.join(SURVEY_OUTCOMES)}"
            )
        return key


class Wave(Strict):
    """An earlier measurement of the client (``waves:`` in ``client.yaml``, oldest first): its
    ``label`` as the report names it (``Ola 1 · 2024``), and its data ``folder`` (a client folder of
    that wave, with its own ``client.yaml``) or its ``report`` folder (a ``cxwb run`` report of that
    wave, or the slug of one in the run's output folder), or both, each relative to the client
    folder. A report gives the figures published then and the plan behind the per-wave back-test;
    a folder gives the initiatives done by that wave."""

    label: str = Field(min_length=1)
    folder: str | None = None
    report: str | None = None

    @model_validator(mode="after")
    def _has_a_source(self) -> Wave:
        if not self.folder and not self.report:
            raise ValueError(
                f"wave {self.label!r}: give its folder: (its data) or report: (its report folder)"
            )
        return self


class Privacy(Strict):
    """Confidentiality of employee results: no group smaller than ``min_group`` is ever shown."""

    min_group: int = Field(5, ge=2)


class Comments(Strict):
    """How the survey's comments are read (``comments:`` in ``client.yaml``).

    Themes are discovered in the comments (``theme_count`` of them, named by their top terms)
    unless ``keywords`` lists them (theme → words or phrases). ``names`` renames discovered themes
    by their shown name; giving several the same new name merges them.
    """

    theme_count: int = Field(8, ge=2, le=20)
    names: dict[str, Annotated[str, Field(min_length=1)]] = Field(default_factory=dict)
    keywords: dict[str, Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]] = Field(
        default_factory=dict
    )


class Weighting(Strict):
    """Raking of the survey to population margins (``weighting:`` in ``client.yaml``): ``by`` lists
    survey fields (``segment``, ``channel``… or a segment dimension's export column) and
    ``population`` a CSV in the client folder with columns ``field``, ``category`` and ``share``
    (shares or counts; each field's are normalised)."""

    by: list[Annotated[str, Field(min_length=1)]] = Field(min_length=1)
    population: str = Field(min_length=1)


class EmailAlerts(Strict):
    """E-mail delivery of alerts (``alerts.email``): ``smtp: host:port``, ``from``, ``to``.

    The SMTP password never goes in ``client.yaml``: ``password_env`` names the environment
    variable that holds it (with ``username``); ``starttls`` upgrades the connection first.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    smtp: str = Field(pattern=r"^[^\s:]+:\d{1,5}$")
    sender: str = Field(alias="from", pattern=r"^[^@\s]+@[^@\s]+$")
    to: list[Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")]] = Field(min_length=1)
    username: str | None = None
    password_env: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    starttls: bool = False

    @field_validator("smtp")
    @classmethod
    def _port_exists(cls, value: str) -> str:
        port = int(value.rsplit(":", 1)[1])
        if not 1 <= port <= 65535:
            raise ValueError(
                f"port {port} does not exist (ports are 1 to 65535); write host:port, "
                "e.g. smtp.example.com:587"
            )
        return value

    @model_validator(mode="before")
    @classmethod
    def _no_secret_here(cls, value: object) -> object:
        if isinstance(value, dict) and "password" in value:
            raise ValueError(
                "never write the SMTP password in client.yaml; put it in an environment variable and "
                "give its name as password_env"
            )
        return value

    @property
    def host(self) -> str:
        return self.smtp.rsplit(":", 1)[0]

    @property
    def port(self) -> int:
        return int(self.smtp.rsplit(":", 1)[1])


class Alerts(Strict):
    """Where ``cxwb watch`` delivers new alarms (``alerts:`` in ``client.yaml``).

    ``min_level`` is ``alarm`` (two or more weeks out of control, the default) or ``watch`` (also
    single weeks). ``report_url`` is the address where the output folder is published, for the
    link in each alert; without it the link is the report's local file.
    """

    webhook: str | None = Field(None, pattern=r"^https?://\S+$")
    email: EmailAlerts | None = None
    min_level: Literal["watch", "alarm"] = "alarm"
    report_url: str | None = Field(None, pattern=r"^(https?|file)://\S+$")


#: A colour as ``#RRGGBB``.
HEX_COLOUR = r"^#[0-9A-Fa-f]{6}$"
#: The least contrast against white a brand's primary colour may have: headings and chart marks are
#: drawn in it (WCAG 2.1, success criteria 1.4.3 for large text and 1.4.11 for graphics: 3:1).
MIN_PRIMARY_CONTRAST = 3.0
#: Logo files: PNG or JPEG (what every browser, PDF and PowerPoint shows), decoded whole, at most
#: this size, since every page embeds the logo.
LOGO_FORMATS = ("PNG", "JPEG")
MAX_LOGO_BYTES = MAX_IMAGE_BYTES


def contrast_with_white(colour: str) -> float:
    """The WCAG 2.1 contrast ratio of ``#RRGGBB`` against white: (1.05) / (L + 0.05), where L is the
    colour's relative luminance from linearised sRGB channels (W3C, Web Content Accessibility
    Guidelines 2.1, definitions of "relative luminance" and "contrast ratio")."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


class Brand(Strict):
    """The client's logo and colours on every deliverable (``brand:`` in ``client.yaml``).

    ``logo`` is a PNG or JPEG file in the client folder (embedded, never linked); ``primary`` colours
    headings and the main chart marks and must read on white; ``accent`` the second series.
    """

    logo: str | None = Field(None, min_length=1)
    primary: str | None = Field(None, pattern=HEX_COLOUR)
    accent: str | None = Field(None, pattern=HEX_COLOUR)

    @field_validator("primary")
    @classmethod
    def _readable_on_white(cls, colour: str | None) -> str | None:
        if colour is not None and contrast_with_white(colour) < MIN_PRIMARY_CONTRAST:
            raise ValueError(
                f"{colour} is too light to read on white (contrast "
                f"{contrast_with_white(colour):.1f}:1, at least {MIN_PRIMARY_CONTRAST:.0f}:1 needed); "
                "choose a darker shade of the brand colour and give the light one as accent"
            )
        return colour


def logo_problems(brand: Brand, client_dir: Path) -> list[Problem]:
    """What is wrong with ``brand.logo``: outside the client folder, missing, too big, or not a
    whole PNG or JPEG image (:func:`read_logo`)."""
    if brand.logo is None:
        return []
    try:
        read_logo(brand, client_dir)
    except ClientFileError as error:
        return [Problem(CLIENT_CONFIG_NAME, None, "brand.logo", f"{brand.logo!r} {error.reason}")]
    return []


def read_logo(brand: Brand, client_dir: Path) -> tuple[str, bytes]:
    """The logo's MIME type and bytes, read through :func:`~cxlib.core.guard.read_client_bytes`
    (inside the client folder, at most :data:`MAX_LOGO_BYTES`) and decoded whole.

    Raises
    ------
    ClientFileError
        Saying what is wrong with the file and what to do.
    """
    data = read_client_bytes(client_dir, brand.logo, "the logo", MAX_LOGO_BYTES)
    mime = image_type(data, LOGO_FORMATS)
    if mime is None:
        raise ClientFileError(brand.logo, "is not a whole PNG or JPEG image; export the logo again as PNG")
    return mime, data


class ClientConfig(Strict):
    """The validated content of ``client.yaml``."""

    name: str = Field(min_length=1)
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    language: Literal["es", "en"]
    locale: str | None = None
    industry: str = Field(min_length=1)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    #: Allowed segment values: a list for the (first) segment column, or ``{column: [values]}``.
    segments: list[str] | dict[str, list[str]] = Field(default_factory=list)
    #: Target per pillar on 0-100; each key and value is checked on its own, so every bad entry is reported.
    pillar_targets: dict[PillarName, Annotated[float, Field(ge=0, le=100)]] = Field(default_factory=dict)
    #: Named response scales (``agreement: {scale: 1-5, values: {...}}``) fields and items refer to.
    scales: dict[Annotated[str, Field(pattern=SCALE_NAME.pattern)], NamedScale] = Field(default_factory=dict)
    survey: SurveyMapping = Field(default_factory=SurveyMapping)
    questions: list[Question] = Field(default_factory=list)
    strategic_question: str | None = None
    touchpoint_promises: dict[str, str] = Field(default_factory=dict)
    #: Strategic hypotheses tested against the measurements (:mod:`cxlib.steps.hypotheses`).
    hypotheses: list[Hypothesis] = Field(default_factory=list)
    #: The ecosystem's actors (allies, suppliers, regulators, communities…) for the 9C step.
    actors: list[Actor] = Field(default_factory=list)
    plan_start: dt.date | None = None
    baseline: str | None = None
    #: Earlier measurements, oldest first, tracked with this one (:mod:`cxlib.steps.waves`).
    waves: list[Wave] = Field(default_factory=list)
    privacy: Privacy = Field(default_factory=Privacy)
    comments: Comments = Field(default_factory=Comments)
    weighting: Weighting | None = None
    #: Standing per-segment deliverables, each ``field=value`` (``segment=PyME``): ``cxwb run``
    #: writes each beside the whole client's report.
    cuts: list[Annotated[str, Field(pattern=r"^[^=]+=.+$")]] = Field(default_factory=list)
    alerts: Alerts = Field(default_factory=Alerts)
    #: The diagnosis's metric × field charts, in order; ``None`` draws the default
    #: (:data:`cxlib.steps.diagnosis.BREAKDOWNS`), an empty list none.
    breakdowns: list[Breakdown] | None = None
    #: The headline outcome (drivers, priorities, themes and quotes); ``None``: NPS, else CSAT, else
    #: satisfied, else CES. Every mapped outcome is analysed as well (:mod:`cxlib.inputs.outcomes`).
    primary_outcome: Literal["nps", "csat", "ces", "satisfied"] | None = None
    #: How a rating outcome enters the driver models: ``mean`` (its score) or ``top2`` (whether it
    #: is in the scale's top two boxes).
    outcome_form: Literal["mean", "top2"] = "mean"
    brand: Brand = Field(default_factory=Brand)

    @model_validator(mode="after")
    def _scale_names_are_defined(self) -> ClientConfig:
        mappings = [(f"survey.fields.{name}", mapping) for name, mapping in self.survey.fields.items()]
        mappings += [(f"survey.items ({item.column})", item) for item in self.survey.items]
        unknown = [
            f"{where}.scale {mapping.scale!r}{_closest(mapping.scale, list(self.scales))}"
            for where, mapping in mappings
            if mapping.scale and SCALE_NAME.match(mapping.scale) and mapping.scale not in self.scales
        ]
        if unknown:
            defined = ", ".join(self.scales) or "none"
            raise ValueError(
                f"{'; '.join(unknown)}: not a range such as 1-5, 0-10 or yes/no, nor a scale defined under "
                f"scales: (defined: {defined}); write the range or define the scale under scales:"
            )
        return self

    def resolved(self, mapping: ColumnMappingT) -> ColumnMappingT:
        """``mapping`` with the scale it names under ``scales:`` filled in: that scale's range, its
        recodes under the mapping's own, its not-applicable codes with the mapping's own, and
        reversed when either says so; the mapping itself when its scale is a range."""
        named = self.scales.get(mapping.scale) if mapping.scale else None
        if named is None:
            return mapping
        return mapping.model_copy(
            update={
                "scale": named.scale,
                "missing": [*named.missing, *mapping.missing],
                "values": named.values | mapping.values,
                "reverse": named.reverse or mapping.reverse,
            }
        )

    @model_validator(mode="after")
    def _one_source_of_weights(self) -> ClientConfig:
        if self.weighting is not None and "weight" in self.survey.fields:
            raise ValueError("give survey.fields.weight or weighting, not both")
        return self

    @model_validator(mode="after")
    def _locale_matches_language(self) -> ClientConfig:
        if self.locale is not None:
            try:
                parsed = Locale.parse(self.locale)
            except (ValueError, UnknownLocaleError) as error:
                raise ValueError(
                    f"locale {self.locale!r} is not a known locale such as es_MX or en_GB"
                ) from error
            if parsed.language != self.language:
                raise ValueError(f"locale {self.locale!r} does not match language {self.language!r}")
        return self


class CalendarRefused(str):
    """A date-shaped value of ``client.yaml`` the calendar refuses (``2026-13-45``), kept as text with
    its row, so that validation reports it at its key."""

    row: int


class _ConfigLoader(yaml.SafeLoader):
    """YAML's safe loader, except that a date-shaped value the calendar refuses is read as
    :class:`CalendarRefused` text instead of stopping the whole file unnamed."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> object:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            refused = CalendarRefused(self.construct_scalar(node))
            refused.row = node.start_mark.line + 1
            return refused


_ConfigLoader.add_constructor("tag:yaml.org,2002:timestamp", _ConfigLoader.construct_yaml_timestamp)


def _read_yaml(path: Path) -> tuple[object, Problem | None]:
    """The parsed ``client.yaml``, or the one problem that stops it being read."""
    row, message = None, None
    try:
        if not (path.exists() or path.is_symlink()):
            raise FileNotFoundError(path)
        text = read_client_bytes(path.parent, path.name, "client.yaml", MAX_CONFIG_BYTES).decode("utf-8")
        return yaml.load(text, Loader=_ConfigLoader), None
    except ClientFileError as error:
        message = error.reason
    except FileNotFoundError:
        message = "missing; create it with 'cxwb new DIR' and edit it"
    except UnicodeDecodeError:
        message = "is not UTF-8 text; save it as UTF-8"
    except OSError as error:
        message = f"cannot be read ({error.strerror}); check its permissions"
    except RecursionError:
        message = "is nested too deeply to be a client configuration; fix its structure"
    except ValueError as error:  # a value YAML recognises but cannot build, e.g. the number "._"
        message = f"holds an invalid value ({error}); quote it to keep it as text"
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        reason = getattr(error, "problem", None) or "invalid YAML"
        message = f"YAML syntax error ({reason}); check indentation and quotes"
    return None, Problem(CLIENT_CONFIG_NAME, row, None, message)


def load_config(client_dir: Path) -> tuple[ClientConfig | None, list[Problem]]:
    """Read and validate ``client.yaml``; return the config (or ``None``) and every problem found."""
    raw, problem = _read_yaml(client_dir / CLIENT_CONFIG_NAME)
    if problem is not None:
        return None, [problem]
    if not isinstance(raw, dict):
        return None, [
            Problem(CLIENT_CONFIG_NAME, None, None, "must be a mapping of keys (name, slug, language, ...)")
        ]
    try:
        config = ClientConfig.model_validate(raw)
    except ValidationError as error:
        return None, [_problem_from_pydantic(item) for item in error.errors()]
    return config, logo_problems(config.brand, client_dir)


def _problem_from_pydantic(item: dict) -> Problem:
    location = ".".join(str(part) for part in item["loc"] if part != "[key]") or None
    message = item["msg"].removeprefix("Value error, ")
    hints = {
        "missing": "add this key",
        "extra_forbidden": "remove this key or fix its spelling",
        "literal_error": "use one of the values listed",
        "string_pattern_mismatch": "see the comment in the scaffolded client.yaml for the format",
        "less_than_equal": "targets and scores are on the scale given in the comment of client.yaml",
        "greater_than_equal": "targets and scores are on the scale given in the comment of client.yaml",
        "date_from_datetime_parsing": "write a date of the calendar as YYYY-MM-DD",
    }
    hint = hints.get(item["type"])
    row = item["input"].row if isinstance(item.get("input"), CalendarRefused) else None
    return Problem(CLIENT_CONFIG_NAME, row, location, f"{message}; {hint}" if hint else message)
