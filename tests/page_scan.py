"""The page scanner: what a client page must never say (configuration language, leaked values,
copy an editor would reject), declared as a tuple of rules.

A client page is read as its reader sees it: the visible text of the HTML (scripts and styles left
out; a download link's text is read, so it must say what the file holds, not its name) and the texts
of its charts (titles, labels, hover text); rules marked ``formats`` read the number formats of its
charts instead (a Spanish percent axis must carry the locale's space) and the month names of their
date axes; rules marked ``printed`` read what prints (the visible text without the ``cx-screen-only``
elements the print style hides, nor the charts' hover texts), rules marked ``captions`` read the
captions under charts, one a line, and rules with ``locales`` apply to pages in those Babel locales
only.
Each :class:`Rule` is a pattern with the languages it applies to; :func:`scan` returns every hit.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from pydantic import BaseModel

from cxlib.core.i18n import CATALOGUE
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
#: Third parties whose survey figures a CX text is tempted to quote (consultancies, vendors, research
#: firms), and the subjects of such figures ("70 % of CRM projects fail").
THIRD_PARTIES: tuple[str, ...] = (
    "PwC",
    "PWC",
    "KPMG",
    "Gartner",
    "Forrester",
    "McKinsey",
    "Deloitte",
    "Bain",
    "Accenture",
    "Zendesk",
    "Temkin",
    "Salesforce",
    "Nielsen",
    "Harvard Business Review",
    "proyectos de CRM",
    "CRM projects",
)
#: A sentence (its decimal points kept: "67.5 %") naming one of :data:`THIRD_PARTIES` and holding a
#: percentage, without a year to cite it by: a figure not computed from the client's data, quoted bare.
BARE_THIRD_PARTY_PERCENT = re.compile(
    r"(?:(?<=[.!?]\s)|^)"
    rf"(?=(?:[^.!?]|\.(?=\d))*?\b(?:{'|'.join(re.escape(name) for name in THIRD_PARTIES)})\b)"
    r"(?=(?:[^.!?]|\.(?=\d))*?\d[\s\u00a0\u202f]?%)"
    r"(?!(?:[^.!?]|\.(?=\d))*?\b(?:19|20)\d\d\b)"
    r"(?:[^.!?]|\.(?=\d))+",
    re.M,
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
    """One thing a client page must never say: ``pattern`` in pages of ``languages``, in the text a
    reader sees or, with ``formats``, in the number formats of its charts (:func:`chart_formats`)."""

    name: str
    pattern: re.Pattern[str]
    languages: tuple[str, ...] = ("es", "en")
    formats: bool = False
    printed: bool = False
    locales: tuple[str, ...] | None = None
    captions: bool = False


#: The names of the dimensions a report breaks figures down by (segment, channel, unit…), in each
#: language, as the catalogue writes them alone (an axis title: ``Segmento``).
DIMENSION_NAMES: dict[str, set[str]] = {
    language: {
        texts[language]
        for key, texts in CATALOGUE.items()
        if key.startswith(("overview.axis.", "diagnosis.group.")) and texts[language][:1].isupper()
    }
    for language in ("es", "en")
}
#: plotly.js's own Spanish month abbreviations (capitalised): what a chart's ticks read unless the
#: chart config gives the locale's (``ene``…).
PLOTLY_SHORT_MONTHS = {
    "es": ("Ene", "Feb", "Mar", "Abr", "May", "Jun", "Jul", "Ago", "Sep", "Oct", "Nov", "Dic")
}
SPANISH_MONTHS = "Ene|Feb|Mar|Abr|May|Jun|Jul|Ago|Sept?|Oct|Nov|Dic"


def _words(words: tuple[str, ...] | set[str]) -> str:
    return "|".join(sorted((re.escape(word) for word in words), key=len, reverse=True))


def _identifier_pattern() -> re.Pattern[str]:
    names = schema_identifiers()
    whole = _words({name for name in names if not name.endswith("_")})
    prefixed = _words({name for name in names if name.endswith("_")})
    return re.compile(rf"(?<![\w-])(?:{whole})(?![\w-])|(?<![\w-])(?:{prefixed})(?:\*|\w+)")


RULES: tuple[Rule, ...] = (
    # a touchpoint's code ("TP-APP-03", "TP04") is the consultant's (checks page); the client reads its name
    Rule("internal code in parentheses", re.compile(r"\([A-Z]{2,}(?:-[A-Z]+)*-?\d{1,3}\)")),
    # a need is connected when it has a continuous experience, as the connected-experience paragraph says
    Rule(
        "episodic experiences counted as connected",
        re.compile(r"ya tienen? una experiencia conectada|already ha(?:s|ve) a connected experience"),
    ),
    Rule("configuration file", re.compile(r"client\.ya?ml", re.IGNORECASE)),
    Rule("input file name", re.compile(r"\b[\w-]+\.(?:csv|xlsx|parquet|sav)\b")),
    Rule("schema identifier", _identifier_pattern()),
    Rule("leaked missing value", re.compile(r"(?<![\w-])(?:nan|NaN|None|null|NaT|<NA>)(?![\w-])")),
    Rule("p written as zero", re.compile(r"\bp\s*=\s*0[.,]0+(?![\d])")),
    Rule(
        "markup shown as text",
        re.compile(r"</?(?:a|b|br|div|em|i|p|script|span|strong|u)\b[^<>]*>", re.IGNORECASE),
    ),
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
    # d3's percent type ("%" closing the format, after no other directive) closes the sign up: "42%"
    Rule("chart percent without the locale's space", re.compile(r"^[^%\n]*%$", re.M), ("es",), formats=True),
    # the tool's commands and the input's columns are the consultant's (checks.html)
    Rule("tool command", re.compile(r"\bcxwb\b")),
    Rule("column value hint", re.compile(r"\b\w+\s*=\s*(?:sí|si|yes|no|true|false|verdadero|falso)\b", re.I)),
    # the run is the consultant's: a client page states the data's cut-off, not when it ran
    Rule("run wording", re.compile(r"Última ejecución|\b[Ee]sta ejecución|Pasos del análisis"), ("es",)),
    Rule("run wording", re.compile(r"\bLast run\b|\b[Tt]his run\b|\bAnalysis steps\b"), ("en",)),
    Rule(
        "explained variance explained",
        re.compile(r"\bexplica\w*\s[^.:]{0,40}?\bde (?:la|su) varianza explicada", re.I),
        ("es",),
    ),
    Rule(
        "explained variance explained",
        re.compile(r"\bexplains?\s[^.:]{0,40}?\bof (?:the|its) explained variance", re.I),
        ("en",),
    ),
    Rule("a name repeated in a list", re.compile(r"(?<!\w)(\w[^,;()\n]{3,80}?)(?:, | y | and )\1(?!\w)")),
    Rule("9C name translated word for word", re.compile(r"\b(?:Collaborators|Conduction)\b"), ("en",)),
    Rule(
        "screen instruction in print",
        re.compile(r"\bcursor\b|\bdescarg\w* (?:el|la|los|las|este|esta)\b|\bse descarga\b", re.I),
        ("es",),
        printed=True,
    ),
    Rule(
        "screen instruction in print",
        re.compile(r"\bhover\b|\bdownload (?:the|a|this|it)\b|\bto download\b", re.I),
        ("en",),
        printed=True,
    ),
    # one style of a count out of a total (Translator.ratio): "0 / 10", never "0/3" ("24/7" is a name)
    Rule("count without spaces", re.compile(r"(?<![\w/.,])(?!24/7\b)\d+/\d+(?![\w/])")),
    # Spanish months in lower case, in text and on chart ticks (Translator.month, short_months)
    Rule("capitalised Spanish month", re.compile(rf"\b(?:{SPANISH_MONTHS})\.? \d{{4}}\b"), ("es",)),
    Rule("capitalised Spanish month", re.compile(rf"\b(?:{SPANISH_MONTHS})\b"), ("es",), formats=True),
    # a signed figure that rounds to zero is no trend (Translator.trend says "estable"/"stable")
    Rule("needless precision", re.compile(r"(?<![\w.,])[+\-\u2212]0[.,]00\d*(?![\d])")),
    # a dimension named inside a sentence or title is a common noun (Translator.inline)
    Rule(
        "capitalised dimension mid-sentence",
        re.compile(rf"\b(?:por|según|de) (?:{_words(DIMENSION_NAMES['es'])})\b"),
        ("es",),
    ),
    Rule(
        "capitalised dimension mid-sentence",
        re.compile(rf"\bby (?:{_words(DIMENSION_NAMES['en'])})\b"),
        ("en",),
    ),
    # a chart's caption is a sentence (Translator.sentence)
    Rule("caption in lower case", re.compile(r"^[a-zà-ÿ]", re.M), captions=True),
    # English service-design words in a Spanish page (the catalogue says them in Spanish; a client's
    # own names, such as an initiative "Integrar back office…", are the client's words)
    Rule(
        "English word in Spanish",
        re.compile(
            r"\b(?:[Ff]rontstage|[Bb]ackstage|(?:Front|Middle|Back) office|front, middle|top-\d|KPIs?)\b"
        ),
        ("es",),
    ),
    # an ambiguous "$" amount says which currency (Translator.money: "$250,000 MXN")
    Rule(
        "dollar sign without a currency code",
        re.compile(r"(?<![A-Z])\$(?>\s?\d[\d,.]*(?:\s?(?:k|M|mil)\b)?)(?!\s?[A-Z]{3}\b)"),
        locales=("es_MX",),
    ),
    # es_MX writes "0.2", "99.8 %" and "1,000" (Translator.number/percent), never "0,2" or "1.000"
    Rule(
        "number outside the locale's style",
        re.compile(r"(?<![\d,.])\d{1,3},\d{1,2}(?![\d])|\bcada \d{1,3}\.\d{3}\b|\bcada \d{4,}\b"),
        ("es",),
        locales=("es_MX",),
    ),
    # the human value chain reads complaints right after the customers' experience, never after
    # retention (a complaint comes before a customer leaves), and its section holds more than one chain
    Rule(
        "value chain read backwards",
        re.compile(
            r"(?:Retención de clientes|Customer retention) → (?:Quejas|Complaints)|Una sola cadena|One chain:"
        ),
    ),
    # a third party's figure is quoted with its source (author, year, title) or not at all
    Rule("third-party percentage without its source", BARE_THIRD_PARTY_PERCENT),
    # a stage's r² is read within the stage, never as a share of all customers' NPS variance
    Rule(
        "stage r² read as explained variance",
        re.compile(r"Varianza del NPS explicada por la satisfacción|NPS variance explained by satisfaction"),
    ),
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


def chart_blocks(page: str) -> list[dict]:
    """The plotly figures of a report page (its ``data-cx-chart`` JSON blocks, whatever the order of
    the script's attributes: the exported page writes ``data-cx-chart`` first)."""
    blocks = re.findall(r'<script\b[^>]*\bdata-cx-chart="[^"]*"[^>]*>(.*?)</script>', page, re.S)
    return [json.loads(block) for block in blocks]


#: Keys of a plotly figure that hold a number format, and a template's ``%{value:format}``.
FORMAT_KEYS = frozenset({"tickformat", "hoverformat", "valueformat"})
TEMPLATE_FORMAT = re.compile(r"%\{[^}:]*:([^}]*)\}")


def _formats(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in FORMAT_KEYS and isinstance(value, str):
                yield value
            elif key.endswith("template") and isinstance(value, str):
                yield from TEMPLATE_FORMAT.findall(value)
            else:
                yield from _formats(value)
    elif isinstance(node, list):
        for value in node:
            yield from _formats(value)


def _months(chart: dict, formats: list[str]) -> list[str]:
    """The abbreviated month names a chart with a month format (``%b``) shows: its config's
    (``config.locales``), else plotly.js's own for its locale."""
    if not any("%b" in fmt for fmt in formats):
        return []
    config = chart.get("config") or {}
    language = config.get("locale", "en")
    given = (config.get("locales") or {}).get(language, {}).get("format", {}).get("shortMonths")
    return [" ".join(given or PLOTLY_SHORT_MONTHS.get(language, ()))]


def chart_formats(page: str) -> str:
    """The number and date formats of a page's charts (axis tick and hover formats, the formats of
    hover and text templates), one a line, and the month names of a chart with a month format."""
    lines = []
    for chart in chart_blocks(page):
        formats = list(_formats(chart))
        lines += formats + _months(chart, formats)
    return "\n".join(lines)


def captions(page: str) -> str:
    """The captions under a page's charts (their takeaways), one a line."""
    found = re.findall(r'<p class="cx-takeaway">(.*?)</p>', page, re.S)
    return "\n".join(html.unescape(re.sub(r"<[^>]+>", "", text)).strip() for text in found)


#: Table cells end with a break the rules never match across, so two cells never read as one phrase
#: ("12" then "% need resolved" is not "12 %").
CELLS = ("td", "th")
CELL_BREAK = " ¦ "


class _Printed(HTMLParser):
    """The text of a page that prints: no scripts, styles nor ``cx-screen-only`` elements."""

    VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden: list[str] = []  # the tags open inside a hidden element, the hidden one first
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        if self.hidden or tag in ("script", "style") or "cx-screen-only" in classes:
            self.hidden.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.hidden and tag in self.hidden:
            while self.hidden and self.hidden.pop() != tag:
                pass
        elif not self.hidden and tag in CELLS:
            self.parts.append(CELL_BREAK)

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def printed_text(page: str) -> str:
    """What prints of a report page: its visible text without the screen-only elements."""
    parser = _Printed()
    parser.feed(page)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def page_text(page: str) -> str:
    """What a reader sees of a report page: visible text and the texts of its charts."""
    texts = [text for chart in chart_blocks(page) for text in _chart_texts(chart)]
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"</t[dh]>", CELL_BREAK, page, flags=re.I)
    visible = re.sub(r"<[^>]+>", " ", page + " " + " ".join(texts))
    return re.sub(r"\s+", " ", html.unescape(visible))


@dataclass(frozen=True)
class Hit:
    """One rule's match in one page, with some context."""

    rule: str
    match: str
    context: str


def scan(page: str, language: str, locale: str | None = None) -> list[Hit]:
    """Every hit of :data:`RULES` (those of ``language``, and of ``locale`` when given) in a report
    page's HTML."""
    texts = {
        "text": page_text(page),
        "formats": chart_formats(page),
        "printed": printed_text(page),
        "captions": captions(page),
    }
    return [
        Hit(rule.name, found.group(0), text[max(0, found.start() - 60) : found.end() + 60])
        for rule in RULES
        if language in rule.languages and (rule.locales is None or locale in rule.locales)
        for text in (texts[_reads(rule)],)
        for found in rule.pattern.finditer(text)
    ]


def _reads(rule: Rule) -> str:
    """Which text of a page ``rule`` reads."""
    return next((kind for kind in ("formats", "printed", "captions") if getattr(rule, kind)), "text")


def client_pages(client_report: Path) -> list[Path]:
    """A client's report pages: the index and every step page (the consultant's checks page and the
    bundle, which repeats the pages, left out)."""
    return sorted(
        path
        for path in client_report.glob("*.html")
        if path.name != "checks.html" and not path.name.endswith("-report.html")
    )
