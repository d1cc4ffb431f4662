"""The page scanner: what a client page must never say (configuration language, leaked values,
copy an editor would reject), declared as a tuple of rules.

A client page is read as its reader sees it: the visible text of the HTML (scripts and styles left
out; a download link's text is read, so it must say what the file holds, not its name) and the texts
of its charts (titles, labels, hover text).
Each :class:`Rule` is a pattern with the languages it applies to; :func:`scan` returns every hit.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from cxlib.inputs.config import ClientConfig
from cxlib.inputs.schema import SURVEY_FIELDS, TABLES

#: Common Spanish words written without their accent, as they must never appear in a Spanish page
#: (words ending in "-ción"/"-sión" are caught by their own rule).
ACCENTLESS_SPANISH: tuple[str, ...] = (
    "accion",
    "algun",
    "alla",
    "analisis",
    "area",
    "areas",
    "atencion",
    "autonomia",
    "categoria",
    "categorias",
    "credito",
    "despues",
    "dia",
    "dias",
    "dificil",
    "economico",
    "educacion",
    "facil",
    "indice",
    "informacion",
    "metrica",
    "metricas",
    "minimo",
    "maximo",
    "mas",
    "metodo",
    "ningun",
    "numero",
    "numeros",
    "pagina",
    "podria",
    "podrian",
    "politica",
    "politicas",
    "proposito",
    "rapido",
    "sera",
    "segun",
    "tambien",
    "tecnologia",
    "telefono",
    "ultimo",
    "ultimos",
    "unico",
    "util",
    "utiles",
    "basico",
    "critico",
    "criticos",
    "practica",
    "practicas",
    "estadistica",
    "perdida",
    "perdidas",
    "codigo",
    "caracteristicas",
    "limite",
    "limites",
    "tipico",
    "epoca",
)
#: Plural verbs that cannot follow "1 <noun>".
PLURAL_VERBS: dict[str, tuple[str, ...]] = {
    "es": (
        "están",
        "son",
        "tienen",
        "podrían",
        "pueden",
        "han",
        "caen",
        "cumplen",
        "superan",
        "quedan",
        "muestran",
        "requieren",
        "necesitan",
        "alcanzan",
        "estaban",
    ),
    "en": ("are", "have", "were", "need", "fall", "meet", "exceed"),
}


def _snake(names: set[str]) -> set[str]:
    return {name for name in names if "_" in name.strip("_")}


def _model_keys(model: type[BaseModel]) -> set[str]:
    """Every field name of a pydantic model and of the models it nests."""
    keys: set[str] = set()
    for name, info in model.model_fields.items():
        keys.add(name)
        for candidate in getattr(info.annotation, "__args__", ()) + (info.annotation,):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                keys |= _model_keys(candidate)
    return keys


def schema_identifiers() -> set[str]:
    """The snake_case names of the input schema and of ``client.yaml``'s keys."""
    columns = {spec.name for table in TABLES.values() for spec in table.columns} | set(SURVEY_FIELDS)
    prefixes = {spec.name for table in TABLES.values() for spec in table.prefixes}
    return _snake(columns | _model_keys(ClientConfig)) | prefixes


@dataclass(frozen=True)
class Rule:
    """One thing a client page must never say: ``pattern`` in pages of ``languages``."""

    name: str
    pattern: re.Pattern[str]
    languages: tuple[str, ...] = ("es", "en")


def _words(words: tuple[str, ...] | set[str]) -> str:
    return "|".join(sorted((re.escape(word) for word in words), key=len, reverse=True))


def _identifier_pattern() -> re.Pattern[str]:
    names = schema_identifiers()
    whole = _words({name for name in names if not name.endswith("_")})
    prefixed = _words({name for name in names if name.endswith("_")})
    return re.compile(rf"(?<![\w-])(?:{whole})(?![\w-])|(?<![\w-])(?:{prefixed})(?:\*|\w+)")


RULES: tuple[Rule, ...] = (
    Rule("configuration file", re.compile(r"client\.ya?ml", re.IGNORECASE)),
    Rule("input file name", re.compile(r"\b[\w-]+\.(?:csv|xlsx|parquet|sav)\b")),
    Rule("schema identifier", _identifier_pattern()),
    Rule("leaked missing value", re.compile(r"(?<![\w-])(?:nan|NaN|None|null|NaT|<NA>)(?![\w-])")),
    Rule("p written as zero", re.compile(r"\bp\s*=\s*0[.,]0+(?![\d])")),
    Rule("accentless Spanish", re.compile(rf"\b(?:{_words(ACCENTLESS_SPANISH)})\b", re.IGNORECASE), ("es",)),
    Rule("accentless -ción/-sión", re.compile(r"\b\w+[cs]ion\b", re.IGNORECASE), ("es",)),
    Rule(
        "one with a plural verb",
        re.compile(rf"(?<![\d.,])\b1\s+(?:[^\W\d]+\s+){{0,2}}(?:{_words(PLURAL_VERBS['es'])})\b"),
        ("es",),
    ),
    Rule(
        "one with a plural verb",
        re.compile(rf"(?<![\d.,])\b1\s+(?:[^\W\d]+\s+){{0,2}}(?:{_words(PLURAL_VERBS['en'])})\b"),
        ("en",),
    ),
    Rule("percent without the locale's space", re.compile(r"\d%"), ("es",)),
    Rule("percent with a space", re.compile(r"\d[ \u00a0\u202f]%"), ("en",)),
)

#: Keys of a plotly figure whose strings a reader sees.
CHART_TEXT_KEYS = frozenset(
    {"text", "hovertext", "name", "ticktext", "title", "hovertemplate", "x", "y", "theta"}
)


def _chart_texts(node: object, visible: bool = False) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _chart_texts(value, visible or key in CHART_TEXT_KEYS)
    elif isinstance(node, list):
        for value in node:
            yield from _chart_texts(value, visible)
    elif visible and isinstance(node, str):
        yield re.sub(r"%\{[^}]*\}|<extra>.*?</extra>", " ", node)


def page_text(page: str) -> str:
    """What a reader sees of a report page: visible text and the texts of its charts."""
    charts = re.findall(r'<script type="application/json" data-cx-chart="[^"]*">(.*?)</script>', page, re.S)
    texts = [text for chart in charts for text in _chart_texts(json.loads(chart))]
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    visible = re.sub(r"<[^>]+>", " ", page + " " + " ".join(texts))
    return re.sub(r"\s+", " ", html.unescape(visible))


@dataclass(frozen=True)
class Hit:
    """One rule's match in one page, with some context."""

    rule: str
    match: str
    context: str


def scan(page: str, language: str) -> list[Hit]:
    """Every hit of :data:`RULES` (those of ``language``) in a report page's HTML."""
    text = page_text(page)
    return [
        Hit(rule.name, found.group(0), text[max(0, found.start() - 60) : found.end() + 60])
        for rule in RULES
        if language in rule.languages
        for found in rule.pattern.finditer(text)
    ]


def client_pages(client_report: Path) -> list[Path]:
    """A client's report pages: the index and every step page (the consultant's checks page and the
    bundle, which repeats the pages, left out)."""
    return sorted(
        path
        for path in client_report.glob("*.html")
        if path.name != "checks.html" and not path.name.endswith("-report.html")
    )
