"""Every client page speaks the client's language: no configuration, no leaked values, edited copy.

The scanner (:mod:`page_scan`) runs over both demos and over two generated clients in real export
shapes (an SPSS export reported in English, a Qualtrics export reported in Spanish); the real
public airline export of ``data/public`` is scanned too when it is present.
"""

from __future__ import annotations

import re

import pytest
import synthetic
from page_scan import BARE_THIRD_PARTY_PERCENT, RULES, client_pages, page_text, scan
from test_public_data import AIRLINE, airline_client

from cxlib.core.i18n import CATALOGUE
from cxlib.run.runner import run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def export_pages(tmp_path_factory):
    """Reports of the real-export fixtures: ``{slug: (report folder, language)}``."""
    clients = tmp_path_factory.mktemp("scan-exports")
    folders = {"airline": "en", "qualtrics": "es"}
    synthetic.spss_airline(clients / "airline")
    synthetic.qualtrics_csat(clients / "qualtrics")
    if AIRLINE.is_file():
        airline_client(clients / "public-airline")
        folders["public-airline"] = "en"
    out = clients / "reports"
    assert run([str(clients / slug) for slug in folders], out, jobs=2) == 0
    return {slug: (out / slug, language) for slug, language in folders.items()}


def _hits(folder, language, locale=None) -> dict[str, list[str]]:
    found = {}
    for page in client_pages(folder):
        hits = scan(page.read_text(encoding="utf-8"), language, locale)
        if hits:
            found[page.name] = [f"{hit.rule}: «{hit.match}» in …{hit.context}…" for hit in hits]
    return found


@pytest.mark.parametrize(
    ("slug", "language", "locale"), [("demo", "es", "es_MX"), ("northwind", "en", "en_GB")]
)
def test_demo_pages_pass_the_scanner(demo_reports, slug, language, locale):
    assert _hits(demo_reports / slug, language, locale) == {}


def test_export_pages_pass_the_scanner(export_pages):
    for folder, language in export_pages.values():
        assert _hits(folder, language) == {}


@pytest.mark.parametrize(
    ("language", "text", "rule"),
    [
        ("es", "Sin promesa declarada en client.yaml", "configuration file"),
        ("en", "add participation_level to the journey", "schema identifier"),
        ("en", "each culture question (culture_*)", "schema identifier"),
        ("en", "the mean is nan", "leaked missing value"),
        ("en", "segment None", "leaked missing value"),
        ("es", "(p = 0.000, prueba)", "p written as zero"),
        ("es", "Pésimo servicio &lt;b&gt;telefónico&lt;/b&gt; &amp; muchas vueltas", "markup shown as text"),
        ("es", "la autonomia del equipo", "accentless Spanish"),
        ("es", "va mas alla", "accentless Spanish"),
        ("es", "la atencion", "accentless -ción/-sión"),
        ("es", "De 32 puntos, 1 están en alarma", "one with a plural verb"),
        ("en", "Of 27 touchpoints, 1 are in alarm", "one with a plural verb"),
        ("es", "el 42% de los clientes", "percent without the locale's space"),
        ("en", "42 % of customers", "percent with a space"),
        ("es", "Aún no hay alertas: cxwb watch las entrega", "tool command"),
        ("en", "{total} alert(s) delivered by cxwb watch", "tool command"),
        ("es", "agregue puntos de contacto con internal = sí.", "column value hint"),
        ("en", "add touchpoints with internal = yes.", "column value hint"),
        ("es", "Última ejecución 3 de mayo", "run wording"),
        ("es", "Esta ejecución procesó todas las mediciones", "run wording"),
        ("en", "This run processed every measurement", "run wording"),
        (
            "es",
            "Calidad explica 42 % [39 %; 45 %] de la varianza explicada de NPS",
            "explained variance explained",
        ),
        ("en", "it explains 42% of its explained variance", "explained variance explained"),
        (
            "es",
            "los dueños de (Transferencias SPEI en app y Transferencias SPEI en app)",
            "a name repeated in a list",
        ),
        ("en", "owners of Card app, Card app and Branch", "a name repeated in a list"),
        ("en", "Collaborators and Conduction score low", "9C name translated word for word"),
        ("es", "Pase el cursor sobre una celda", "screen instruction in print"),
        (
            "es",
            '<a class="cx-download" href="m.xlsx">Descargar el mapa en Excel</a>',
            "screen instruction in print",
        ),
        ("en", "Hover over a cell to see all of it.", "screen instruction in print"),
        ("es", "Tamaño de los segmentos ¦ 0/3", "count without spaces"),
        ("en", "effort 3/5", "count without spaces"),
        ("es", "12 meses con datos desde Ene 2025", "capitalised Spanish month"),
        ("es", "Tendencia -0.001", "needless precision"),
        ("en", "Trend +0.000", "needless precision"),
        ("es", "NPS por Segmento (IC 95 %)", "capitalised dimension mid-sentence"),
        ("es", "no muestran una diferencia clara según Canal.", "capitalised dimension mid-sentence"),
        ("en", "Responses by Channel (n = 3,879)", "capitalised dimension mid-sentence"),
        ("es", "Frontstage ¦ Backstage ¦ KPI", "English word in Spanish"),
        ("es", "Habilitación por front, middle y back office", "English word in Spanish"),
        ("es", "CSAT (% top-2)", "English word in Spanish"),
        ("es", "Retención de clientes → Quejas por cada 1,000 clientes", "value chain read backwards"),
        ("en", "One chain: from culture to results", "value chain read backwards"),
        ("es", "Varianza del NPS explicada por la satisfacción", "stage r² read as explained variance"),
        ("en", "NPS variance explained by satisfaction at each stage", "stage r² read as explained variance"),
        (
            "es",
            "Según PwC, la mala actitud del personal es la segunda razón (67 %) por la que un cliente se va.",
            "third-party percentage without its source",
        ),
        ("en", "About 70% of CRM projects lose money.", "third-party percentage without its source"),
        ("en", "NPS is 12. Gartner says 70.5% fail", "third-party percentage without its source"),
    ],
)
def test_scanner_catches_each_rule(language, text, rule):
    assert rule in {hit.rule for hit in scan(f"<main><p>{text}</p></main>", language)}


@pytest.mark.parametrize(
    "text", ["límites del 99,8 %", "λ = 0,2", "unas 2 de cada 1.000", "Quejas por cada 1000"]
)
def test_scanner_catches_numbers_outside_the_locale(text):
    page = f"<main><p>{text}</p></main>"
    assert "number outside the locale's style" in {hit.rule for hit in scan(page, "es", "es_MX")}
    assert scan(page, "es", "es_ES") == []


def test_screen_only_text_is_not_read_as_printed():
    page = (
        '<main><p>El mapa.<span class="cx-screen-only"> Pase el cursor sobre una celda.</span></p>'
        '<p class="cx-screen-only"><a class="cx-download" href="m.xlsx">Descargar el mapa</a></p></main>'
    )
    assert scan(page, "es", "es_MX") == []


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "es",
            "1 está en alarma; 2,1 son altos; la atención; 42\u00a0%; p < 0,001; A, B y C; Datos al 3 mayo",
        ),
        ("en", "1 is in alarm; 2.1 are high; 42%; p < 0.001; None of the pillars"),
    ],
)
def test_scanner_passes_edited_copy(language, text):
    hits = [hit for hit in scan(f"<main><p>{text}</p></main>", language) if hit.match != "None"]
    assert hits == []


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "es",
            "Cultura y resultados (KPMG). El 42\u00a0% de los comentarios [39\u00a0%; 45\u00a0%] lo dice.",
        ),
        ("en", "Gartner (2019), CRM strategy survey: 70% of CRM projects fail."),
    ],
)
def test_a_cited_or_unrelated_percentage_is_not_a_third_party_hit(language, text):
    rule = "third-party percentage without its source"
    assert rule not in {hit.rule for hit in scan(f"<main><p>{text}</p></main>", language)}


@pytest.mark.parametrize("language", ["es", "en"])
def test_no_catalogue_text_quotes_a_bare_third_party_percentage(language):
    """Every copy text a client page can carry, filled with a sample figure, is free of a bare third
    party's percentage (the catalogue's own copy, not only what the demos happen to show)."""
    texts = [re.sub(r"\{[^{}]*\}", "42 %", texts[language]) for texts in CATALOGUE.values()]
    hits = [text for text in texts if BARE_THIRD_PARTY_PERCENT.search(text)]
    assert hits == []


def test_scanner_reads_chart_text_and_download_links():
    chart = '{"data": [{"type": "heatmap", "x": ["va mas alla"], "z": [[1]]}], "layout": {}}'
    page = (
        f'<main><script type="application/json" data-cx-chart="c1">{chart}</script>'
        '<a class="cx-download" href="03_journey_map.xlsx" download>Mapa (03_journey_map.xlsx)</a></main>'
    )
    assert "va mas alla" in page_text(page) and "input file name" in {hit.rule for hit in scan(page, "es")}
    described = '<main><a class="cx-download" href="03_journey_map.xlsx" download>Mapa en Excel</a></main>'
    assert scan(described, "es") == []
    assert {rule.name for rule in RULES} >= {"configuration file", "schema identifier"}


def _chart_page(layout: str, template: str) -> str:
    chart = f'{{"data": [{{"type": "bar", "hovertemplate": "{template}"}}], "layout": {layout}}}'
    return f'<main><script data-cx-chart="c1" type="application/json">{chart}</script></main>'


def test_scanner_reads_the_percent_formats_of_charts():
    closed_up = _chart_page('{"yaxis": {"tickformat": ".0%"}}', "%{x}: %{y:.1%}")
    assert sorted(hit.match for hit in scan(closed_up, "es")) == [".0%", ".1%"]
    assert scan(closed_up, "en") == []
    spaced = _chart_page(
        '{"yaxis": {"ticksuffix": "\\u00a0%"}, "xaxis": {"tickformat": "%b %Y", "hoverformat": "%-d %b %Y"}}',
        "%{x}: %{y:.1f}\\u00a0% (n = %{customdata})",
    )
    assert scan(spaced, "es") == []


@pytest.mark.parametrize(
    ("text", "hits"), [("$9,000,000 · $250 k", 2), ("$9,000,000\u00a0MXN · $250\u00a0k\u00a0MXN", 0)]
)
def test_scanner_catches_a_dollar_amount_without_its_currency(text, hits):
    rule = "dollar sign without a currency code"
    page = f"<main><p>{text}</p></main>"
    assert sum(hit.rule == rule for hit in scan(page, "es", "es_MX")) == hits
    assert scan(page, "en", "en_GB") == []


def test_scanner_reads_captions_and_the_month_names_of_charts():
    caption = '<main><p class="cx-takeaway">participación en las respuestas: el valor más alto…</p></main>'
    assert {hit.rule for hit in scan(caption, "es")} == {"caption in lower case"}
    assert scan(caption.replace(">participación", ">Participación"), "es") == []
    plotly_months = _chart_page('{"xaxis": {"tickformat": "%b %Y"}}', "%{x}").replace(
        '"layout"', '"config": {"locale": "es"}, "layout"'
    )
    assert {hit.match for hit in scan(plotly_months, "es")} >= {"Ene", "Dic"}
    own_months = plotly_months.replace(
        '"config": {"locale": "es"}',
        '"config": {"locale": "es", "locales": {"es": {"format": {"shortMonths": ["ene", "dic"]}}}}',
    )
    assert scan(own_months, "es") == []
