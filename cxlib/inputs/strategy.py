"""The consultant's strategic declarations in ``client.yaml``: hypotheses to test against the
measurements (seed 001) and the ecosystem's actors (seed 003).

.. code-block:: yaml

    hypotheses:
      - statement: Los clientes a los que resolvimos su necesidad nos recomiendan más
        group: {field: satisfied, equals: yes}      # this group against the rest (or versus:)
        outcome: nps
        expect: higher
      - statement: La resolución pesa más que el tiempo en la recomendación
        driver: resolution                           # a pillar or a numeric survey field
        than: time_effort                            # optional: against another driver
        outcome: nps
      - statement: En la sucursal, la cita previa se nota en la satisfacción
        where: {touchpoint_id: TP-SUC-01}            # only these responses
        group: {field: channel, equals: Sucursal}
        outcome: csat
    actors:
      - {name: Banco central, type: regulator, dimension: context, influence: 5, relation: 0,
         target_relation: 1}
"""

from __future__ import annotations

import difflib
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from cxlib.core.method import NINE_C, normalise_name, vocabulary_aliases

#: The kinds of actor of an ecosystem (seed 003: allies, suppliers, regulators, communities…).
ACTOR_TYPES: tuple[str, ...] = (
    "customer",
    "ally",
    "supplier",
    "regulator",
    "community",
    "employee",
    "competitor",
    "other",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def ninec_key(name: str) -> str:
    """The 9C key for any accepted spelling (key, Spanish or English label); raises ``ValueError``
    naming the valid keys."""
    aliases = vocabulary_aliases("ninec", NINE_C)
    key = aliases.get(normalise_name(name))
    if key is None:
        close = difflib.get_close_matches(normalise_name(name), list(aliases), n=1, cutoff=0.6)
        hint = f" (did you mean '{aliases[close[0]]}'?)" if close else ""
        raise ValueError(f"unknown 9C dimension {name!r}{hint}; use one of {', '.join(NINE_C)}")
    return key


Scalar = str | bool | float


class Group(_Strict):
    """Respondents whose ``field`` equals ``equals`` (one value or a list), against those equal to
    ``versus`` (the rest of the respondents when absent)."""

    field: str = Field(min_length=1)
    equals: Scalar | list[Scalar]
    versus: Scalar | list[Scalar] | None = None


class Hypothesis(_Strict):
    """One strategic hypothesis tied to measured fields: a group comparison or a driver (optionally
    against another driver), its outcome and the expected direction."""

    statement: str = Field(min_length=1)
    outcome: str = Field(min_length=1)
    expect: Literal["higher", "lower"] = "higher"
    group: Group | None = None
    driver: str | None = None
    than: str | None = None
    where: dict[str, Scalar] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_form(self) -> Hypothesis:
        if (self.group is None) == (self.driver is None):
            raise ValueError("give either group: (a comparison of respondents) or driver: (an association)")
        if self.than is not None and self.driver is None:
            raise ValueError("than: compares two drivers; give driver: too")
        return self


class Actor(_Strict):
    """An actor of the ecosystem: its kind, the 9C dimension it belongs to, its influence on the
    experience (1-5) and the relation today and the one sought (−2 tense … +2 strong alliance)."""

    name: str = Field(min_length=1)
    type: Literal[ACTOR_TYPES] = "other"  # type: ignore[valid-type]
    dimension: Annotated[str, AfterValidator(ninec_key)]
    influence: int = Field(ge=1, le=5)
    relation: int = Field(ge=-2, le=2)
    target_relation: int | None = Field(default=None, ge=-2, le=2)
