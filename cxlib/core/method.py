"""Fixed vocabulary of the method: the six KPMG pillars, the 9C dimensions and the office layers.

Labels live in the es/en catalogue (``cxlib/catalogue.yaml``) under ``pillar.<key>``,
``ninec.<key>`` and ``office.<key>``; :func:`normalise_name` lets a client write either the key
or the label in either language ("Tiempo y esfuerzo", "time & effort", "time_effort").
"""

from __future__ import annotations

import re
import unicodedata

#: KPMG's six pillars of customer-experience excellence (seed 004).
PILLARS: tuple[str, ...] = (
    "personalisation",
    "integrity",
    "expectations",
    "resolution",
    "time_effort",
    "empathy",
)

#: The nine dimensions of the 9C balance of experiential capital (seed 003).
NINE_C: tuple[str, ...] = (
    "clients",
    "community",
    "collaborators",
    "communication",
    "context",
    "culture",
    "channels",
    "creativity",
    "conduction",
)

#: Connected customer experiences (seed 000, Siggelkow & Terwiesch), plus "episodic" for none.
ARCHETYPES: tuple[str, ...] = (
    "episodic",
    "respond_to_desire",
    "curated_offering",
    "coach_behaviour",
    "automatic_execution",
)

#: Front, middle and back office (KPMG's connected-enterprise view, seed 004).
OFFICES: tuple[str, ...] = ("front", "middle", "back")


def normalise_name(text: str) -> str:
    """Fold a name to lowercase ASCII words joined by ``_`` ("Tiempo y esfuerzo" → "tiempo_y_esfuerzo")."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def fold_name(text: str) -> str:
    """``text`` in lower case without accents, its words joined by ``-``, every other letter kept
    ("Región Norte" → ``region-norte``, "日本" → ``日本``)."""
    bare = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    kept = (
        char if char.isalnum() or unicodedata.category(char).startswith("M") else " "
        for char in unicodedata.normalize("NFC", bare).casefold()
    )
    return "-".join("".join(kept).split())


#: Other spellings clients use for pillar names, beyond keys and catalogue labels.
PILLAR_SPELLINGS = {"personalization": "personalisation", "time_and_effort": "time_effort"}


def vocabulary_aliases(
    prefix: str, keys: tuple[str, ...], extra: dict[str, str] | None = None
) -> dict[str, str]:
    """Map every accepted spelling (key, Spanish label, English label, ``extra``) to its key."""
    from cxlib.core.i18n import CATALOGUE

    aliases: dict[str, str] = {}
    for key in keys:
        aliases[normalise_name(key)] = key
        for label in CATALOGUE[f"{prefix}.{key}"].values():
            aliases[normalise_name(label)] = key
    aliases.update(extra or {})
    return aliases
