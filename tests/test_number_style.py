"""One number style on every client page and in the deck (partner review): one way to write a
count, a trend, an amount, a month and a dimension's name, and one rounding per kind of figure."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cxlib.core.i18n import DECIMALS, short_months, translator
from cxlib.render.brand import HOUSE
from cxlib.render.charts import interval_takeaway
from cxlib.render.report import chart_config
from cxlib.render.slides import _Deck, format_decimals, house_percent, native_chart


@pytest.mark.parametrize(
    ("language", "locale", "currency", "amount", "short"),
    [
        ("es", "es_MX", "MXN", "$250,000\u00a0MXN", "$250\u00a0k\u00a0MXN"),
        ("en", "en_GB", "GBP", "£250,000", "£250k"),
        ("en", "en_GB", "MXN", "MX$250,000", "MX$250k"),
        ("es", "es_ES", "EUR", "250.000\u00a0€", None),
    ],
)
def test_an_ambiguous_currency_symbol_names_its_currency(language, locale, currency, amount, short):
    t = translator(language, locale)
    assert t.money(250_000, currency) == amount
    if short is not None:
        assert t.money_short(250_000, currency).replace(" ", "\u00a0") == short.replace(" ", "\u00a0")


@pytest.mark.parametrize(
    ("slope", "es", "en"),
    [
        (-0.001, "estable", "stable"),
        (0.004, "estable", "stable"),
        (0.0151, "+0.02", "+0.02"),
        (-0.12, "-0.12", "-0.12"),
    ],
)
def test_a_trend_that_rounds_to_zero_reads_as_stable(slope, es, en):
    assert translator("es", "es_MX").trend(slope) == es
    assert translator("en", "en_GB").trend(slope) == en
    assert translator("en").trend(float("nan")) == "–"


def test_a_count_out_of_a_total_has_one_style():
    assert translator("es", "es_MX").ratio(0, 3) == "0 / 3"
    assert translator("en", "en_GB").ratio(6000, 6000) == "6,000 / 6,000"


@pytest.mark.parametrize(
    ("name", "inline"),
    [
        ("Segmento", "segmento"),
        ("Customer type", "customer type"),
        ("NPS", "NPS"),
        ("iPhone", "iPhone"),
        ("How did you book?", "How did you book?"),
        ("¿Cómo reservó?", "¿Cómo reservó?"),
        ("Type of Travel", "Type of Travel"),
    ],
)
def test_a_dimension_name_inside_a_sentence_is_a_common_noun(name, inline):
    assert translator("en").inline(name) == inline


def test_spanish_months_are_lower_case_in_text_and_on_chart_ticks():
    t = translator("es", "es_MX")
    assert t.month(dt.date(2025, 1, 1)) == "ene 2025"
    months = short_months("es_MX")
    assert months[0] == "ene" and all(month == month.lower() for month in months)
    config = chart_config("es_MX")
    assert config["locale"] == "es" and config["locales"]["es"]["format"]["shortMonths"] == months
    assert chart_config("en_GB")["locales"]["en"]["format"]["shortMonths"][0] == "Jan"


def test_a_chart_caption_opens_with_a_capital_and_names_the_dimension_in_lower_case():
    t = translator("es", "es_MX")
    table = pd.DataFrame(
        {"value": [0.6, 0.4], "low": [0.55, 0.35], "high": [0.65, 0.45], "n": [300, 200]}, index=["A", "B"]
    )
    key, values = interval_takeaway(table, "participación en las respuestas", "Segmento", t, percent=True)
    text = t(key, **values)
    assert text.startswith("Participación en las respuestas: ") and values["group"] == "segmento"
    key, values = interval_takeaway(table.assign(low=0.3, high=0.7), "x", "Segmento", t)
    assert t(key, **values).endswith("según segmento.")


def test_one_rounding_per_kind_of_figure():
    assert DECIMALS["nps"] == 1 and DECIMALS["pillar"] == 1 and DECIMALS["gap"] == 1
    t = translator("es", "es_MX")
    assert t.interval(48.123, 47.49, 48.71, DECIMALS["pillar"]) == "48.1 [47.5; 48.7]"


@pytest.mark.parametrize(("fmt", "decimals"), [("0.0", 1), ("0%", 2), ("0.00", 2), ("0.0%", 3), ("0", 0)])
def test_deck_chart_values_are_stored_as_they_are_shown(fmt, decimals):
    assert format_decimals(fmt) == decimals


def test_a_native_deck_chart_holds_its_values_as_shown_with_the_house_percent():
    deck = _Deck(HOUSE, "Banco", "es")
    slide = deck.slide("Pilares")
    chart = native_chart(deck, slide, "bar", "Pilares", {"Meta": [68.9543450115994, 12.04]}, ["A", "B"])
    assert list(chart.plots[0].series[0].values) == [69.0, 12.0]
    shares = native_chart(deck, slide, "bar", "Pesos", {"Peso": [0.123456]}, ["A"], number_format="0%")
    assert list(shares.plots[0].series[0].values) == [0.12]
    assert shares.plots[0].data_labels.number_format == '0"\u00a0"%'
    assert house_percent("0%", "en") == "0%" and house_percent("0.0", "es") == "0.0"
