"""``client.yaml``: the client's identity, language, targets and survey-export mappings.

Validated with pydantic; every problem becomes a :class:`~cxlib.core.exceptions.Problem` naming the
key path in ``client.yaml`` and what to write instead.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Literal

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
from cxlib.core.method import PILLAR_SPELLINGS, PILLARS, normalise_name, vocabulary_aliases
from cxlib.core.paths import CLIENT_CONFIG_NAME

SCALE_PATTERN = re.compile(r"^(\d+)-(\d+)$")


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


class FieldMapping(Strict):
    """Where a canonical survey field is in the export, and on what scale it was asked."""

    column: str
    scale: str | None = None

    @field_validator("scale")
    @classmethod
    def _scale_is_known(cls, value: str | None) -> str | None:
        return None if value is None else parse_scale(value).text


def pillar_key(name: str) -> str:
    """The pillar key for any accepted spelling; raises ``ValueError`` naming the valid keys."""
    key = vocabulary_aliases("pillar", PILLARS, PILLAR_SPELLINGS).get(normalise_name(name))
    if key is None:
        raise ValueError(f"unknown pillar {name!r}; use one of {', '.join(PILLARS)}")
    return key


PillarName = Annotated[str, AfterValidator(pillar_key)]


class SurveyItem(Strict):
    """A survey question that rates one pillar from the customer's side."""

    column: str
    pillar: PillarName
    scale: str = "1-5"

    @field_validator("scale")
    @classmethod
    def _scale_is_known(cls, value: str) -> str:
        return parse_scale(value).text


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
        """Allow ``nps: "Column name"`` as short for ``nps: {column: "Column name"}``."""
        if isinstance(value, dict):
            return {key: {"column": item} if isinstance(item, str) else item for key, item in value.items()}
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
        return value


class ClientConfig(Strict):
    """The validated content of ``client.yaml``."""

    name: str = Field(min_length=1)
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    language: Literal["es", "en"]
    locale: str | None = None
    industry: str = Field(min_length=1)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    segments: list[str] = Field(default_factory=list)
    pillar_targets: dict[str, float] = Field(default_factory=dict)
    survey: SurveyMapping = Field(default_factory=SurveyMapping)
    questions: list[Question] = Field(default_factory=list)
    strategic_question: str | None = None
    touchpoint_promises: dict[str, str] = Field(default_factory=dict)
    plan_start: dt.date | None = None
    baseline: str | None = None

    @field_validator("pillar_targets")
    @classmethod
    def _targets_on_known_pillars(cls, value: dict[str, float]) -> dict[str, float]:
        targets: dict[str, float] = {}
        for name, target in value.items():
            key = pillar_key(name)
            if not 0 <= target <= 100:
                raise ValueError(f"target for {name!r} is {target}; targets are on a 0-100 scale")
            targets[key] = target
        return targets

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


def load_config(client_dir: Path) -> tuple[ClientConfig | None, list[Problem]]:
    """Read and validate ``client.yaml``; return the config (or ``None``) and every problem found."""
    path = client_dir / CLIENT_CONFIG_NAME
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, [
            Problem(CLIENT_CONFIG_NAME, None, None, "missing; create it with 'cxwb new DIR' and edit it")
        ]
    except UnicodeDecodeError:
        return None, [Problem(CLIENT_CONFIG_NAME, None, None, "is not UTF-8 text; save it as UTF-8")]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        reason = getattr(error, "problem", None) or "invalid YAML"
        return None, [
            Problem(
                CLIENT_CONFIG_NAME, row, None, f"YAML syntax error ({reason}); check indentation and quotes"
            )
        ]
    if not isinstance(raw, dict):
        return None, [
            Problem(CLIENT_CONFIG_NAME, None, None, "must be a mapping of keys (name, slug, language, ...)")
        ]
    try:
        return ClientConfig.model_validate(raw), []
    except ValidationError as error:
        return None, [_problem_from_pydantic(item) for item in error.errors()]


def _problem_from_pydantic(item: dict) -> Problem:
    location = ".".join(str(part) for part in item["loc"]) or None
    message = item["msg"].removeprefix("Value error, ")
    hints = {
        "missing": "add this key",
        "extra_forbidden": "remove this key or fix its spelling",
        "literal_error": "use one of the values listed",
        "string_pattern_mismatch": "see the comment in the scaffolded client.yaml for the format",
    }
    hint = hints.get(item["type"])
    return Problem(CLIENT_CONFIG_NAME, None, location, f"{message}; {hint}" if hint else message)
