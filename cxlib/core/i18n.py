"""The es/en catalogue of every report string, and locale-aware number and date formatting.

Strings live in ``catalogue.yaml`` beside this module, one key per string with an ``es`` and an
``en`` text (a test checks both exist). Numbers and dates are formatted with Babel
(https://babel.pocoo.org), so a Mexican report reads ``1,234.5`` and a Spanish one ``1.234,5``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import yaml
from babel import Locale
from babel.dates import format_date, get_month_names
from babel.numbers import (
    format_compact_currency,
    format_currency,
    format_decimal,
    format_percent,
    get_currency_symbol,
)

LANGUAGES: tuple[str, ...] = ("es", "en")
CATALOGUE: dict[str, dict[str, str]] = yaml.safe_load(
    (Path(__file__).with_name("catalogue.yaml")).read_text(encoding="utf-8")
)


MISSING = "–"
#: The house style of a percentage, one per language whatever the country: Spanish separates the
#: sign with a non-breaking space (``42 %``, as the RAE and ISO 80000 write it, and as the catalogue's
#: own "95 %" does), English writes it closed up (``42%``).
PERCENT_SIGN: dict[str, str] = {"es": "\u00a0%", "en": "%"}
#: The decimals of each kind of figure, so that one figure reads the same on every page and in the
#: deck (``48.1 [47.5; 48.7]`` everywhere, never ``48 [47; 49]`` elsewhere): NPS and pillar scores
#: (0-100) and their gaps to target with one decimal, means of 1-5 scales with two, shares with none
#: in running text.
DECIMALS: dict[str, int] = {"nps": 1, "pillar": 1, "gap": 1, "scale": 2, "share": 0}
#: Currency symbols several currencies write alike (``$`` for MXN, USD, CAD…): an amount whose
#: locale symbol is one of these also names its ISO code (``$250,000 MXN``).
AMBIGUOUS_SYMBOLS: frozenset[str] = frozenset({"$", "¥", "kr", "kr."})
#: A weekly trend whose slope rounds to zero at this many decimals reads as stable.
TREND_DECIMALS = 2


def _missing(value: object) -> bool:
    """None, NaN or pandas' NA."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


@dataclass(frozen=True)
class Translator:
    """Translate catalogue keys and format numbers for one language and Babel locale.

    Parameters
    ----------
    language : {"es", "en"}
        The report language.
    locale : str
        A Babel locale such as ``es_MX`` or ``en_GB``; it must belong to ``language``.
    """

    language: str
    locale: str
    #: Client-specific texts that replace catalogue keys (e.g. ``metric.satisfied`` from ``label:``).
    labels: dict[str, str] = field(default_factory=dict, compare=False)

    def __call__(self, key: str, **values: object) -> str:
        """Return the text of ``key`` in the report language, with ``{name}`` fields filled."""
        if key in self.labels:
            return self.labels[key]
        try:
            text = CATALOGUE[key][self.language]
        except KeyError as missing:
            raise KeyError(f"catalogue.yaml has no {self.language!r} text for {key!r}") from missing
        return text.format(**values) if values else text

    def with_labels(self, labels: dict[str, str]) -> Translator:
        """This translator with client-specific texts for some keys (client data: escape on display)."""
        return replace(self, labels={**self.labels, **labels})

    def number(self, value: float | None, decimals: int = 0) -> str:
        """Format a number with the locale's separators and a fixed number of decimals ("–" when missing)."""
        if _missing(value):
            return MISSING
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, share: float | None, decimals: int = 0) -> str:
        """Format a share in 0..1 as a percentage in the language's house style (:data:`PERCENT_SIGN`;
        "–" when missing)."""
        if _missing(share):
            return MISSING
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
        return format_percent(share, format=pattern, locale=self.locale).replace(
            "%", PERCENT_SIGN[self.language]
        )

    def interval(
        self,
        value: float | None,
        low: float | None,
        high: float | None,
        decimals: int = 1,
        percent: bool = False,
    ) -> str:
        """An estimate with its interval, ``value [low; high]`` ("–" when the estimate is missing):
        the one way every report writes an interval, in both languages."""
        if _missing(value):
            return MISSING
        return f"{self._figure(value, decimals, percent)} {self.bounds(low, high, decimals, percent)}"

    def bounds(self, low: float, high: float, decimals: int = 1, percent: bool = False) -> str:
        """An interval alone, ``[low; high]``, where the estimate is shown apart (a table column)."""
        return f"[{self._figure(low, decimals, percent)}; {self._figure(high, decimals, percent)}]"

    def _figure(self, value: float, decimals: int, percent: bool) -> str:
        return self.percent(value, decimals) if percent else self.number(value, decimals)

    def money(self, value: float | None, currency: str) -> str:
        """An amount in ``currency`` (ISO 4217) in the locale's currency pattern, without cents
        (``MX$250,000``, ``250.000 €``; "–" when missing). Where the locale's symbol is ambiguous
        (:data:`AMBIGUOUS_SYMBOLS`: ``$`` for pesos in Mexico) the ISO code follows
        (``$250,000 MXN``)."""
        if _missing(value):
            return MISSING
        pattern = Locale.parse(self.locale).currency_formats["standard"].pattern.split(";")[0]
        whole = re.sub(r"0\.0+", "0", pattern)
        amount = format_currency(value, currency, format=whole, locale=self.locale, currency_digits=False)
        return amount + self._currency_code(currency)

    def money_short(self, value: float | None, currency: str) -> str:
        """An amount in ``currency`` in the locale's compact form, for axis ticks (``$250 k MXN``,
        ``2,5 M €``, ``£1m``; "–" when missing; the code follows an ambiguous symbol as in
        :meth:`money`)."""
        if _missing(value):
            return MISSING
        amount = format_compact_currency(value, currency, locale=self.locale, fraction_digits=1)
        return amount + self._currency_code(currency)

    def _currency_code(self, currency: str) -> str:
        """``" MXN"`` (non-breaking space) after an amount whose symbol is ambiguous here, else ``""``."""
        symbol = get_currency_symbol(currency, locale=self.locale)
        return f"\u00a0{currency}" if symbol in AMBIGUOUS_SYMBOLS else ""

    def ratio(self, part: float, whole: float) -> str:
        """A count out of a total, ``12 / 6,000``: the one way every page writes one."""
        return f"{self.number(part)} / {self.number(whole)}"

    def trend(self, slope: float | None) -> str:
        """A signed trend (``+0.04``, ``-0.12``) with :data:`TREND_DECIMALS` decimals, or the word
        for stable (catalogue ``trend.stable``) when it rounds to zero: a slope of ``-0.001`` a
        week is no trend a reader can act on ("–" when missing)."""
        if _missing(slope):
            return MISSING
        if round(abs(slope), TREND_DECIMALS) == 0:
            return self("trend.stable")
        return ("+" if slope > 0 else "") + self.number(slope, TREND_DECIMALS)

    def inline(self, name: str) -> str:
        """A dimension's name (``Segmento``, ``Customer type``) as it reads inside a sentence or
        title: its first letter lower-cased when it is a capitalised common word (``segmento``,
        ``customer type``); an acronym or a name with inner capitals (``NPS``, ``iPhone``) is left
        as written, and so are a question (``How did you book?``), which reads as the survey asked it,
        and a name in title case (``Type of Travel``), a label as the consultant typed it.
        Use it only on dimension names, never on proper names."""
        question = name.rstrip().endswith("?") or name.lstrip().startswith("¿")
        titled = any(word[:1].isupper() for word in name.split()[1:])  # Type of Travel: a label as typed
        if len(name) > 1 and name[0].isupper() and name[1].islower() and not (question or titled):
            return name[0].lower() + name[1:]
        return name

    @staticmethod
    def sentence(text: str) -> str:
        """``text`` with its first letter capitalised, for a caption that opens with a filled field
        (``participación en las respuestas: …`` → ``Participación en las respuestas: …``)."""
        return text[:1].upper() + text[1:]

    def p_value(self, p: float) -> str:
        """``= 0.042`` or ``< 0.001`` (APA style), to follow a "p" ("–" when missing)."""
        if _missing(p):
            return MISSING
        return f"< {self.number(0.001, 3)}" if p < 0.001 else f"= {self.number(p, 3)}"

    def p_cell(self, p: float) -> str:
        """A p value alone, for a table column: ``0.042`` or ``< 0.001`` ("–" when missing)."""
        return self.p_value(p).removeprefix("= ")

    def plural(self, key: str, count: float, **values: object) -> str:
        """The text of ``key`` in the form the language's plural rule gives ``count`` (Babel/CLDR):
        the catalogue holds ``<key>.one`` and ``<key>.other`` (and ``<key>.many`` where a language
        has it); a form the catalogue lacks falls back to ``other``. ``count``, formatted, fills
        ``{count}``."""
        form = Locale.parse(self.locale).plural_form(abs(count))
        chosen = f"{key}.{form}" if f"{key}.{form}" in CATALOGUE else f"{key}.other"
        return self(chosen, **({"count": self.number(count)} | values))

    def date(self, value: dt.date | dt.datetime, length: str = "medium") -> str:
        """Format a date in the locale's words (``3 mar 2025``, ``Mar 3, 2025``)."""
        return format_date(value, format=length, locale=self.locale)

    def date_text(self, text: str) -> str:
        """A date written as ``YYYY-MM-DD`` text (front matter, a form) in the locale's words, in
        long form; any other text as given."""
        try:
            return self.date(dt.date.fromisoformat(text), "long")
        except ValueError:
            return text

    def month(self, value: dt.date | dt.datetime) -> str:
        """Format a month as abbreviated name and year (``mar 2025``; Spanish months in lower case,
        as the RAE writes them mid-sentence, like :func:`short_months` on chart ticks)."""
        return format_date(value, format="MMM yyyy", locale=self.locale)


def short_months(locale: str) -> list[str]:
    """The locale's abbreviated month names, January first, as :meth:`Translator.month` writes
    them (``ene``… in Spanish, ``Jan``… in English): the chart config gives them to plotly.js, whose
    own Spanish names are capitalised (``Ene``), so ticks and text read alike."""
    names = get_month_names("abbreviated", locale=locale)
    return [str(names[month]) for month in range(1, 13)]


def translator(language: str, locale: str | None = None) -> Translator:
    """Build a :class:`Translator`, defaulting the locale to the bare language."""
    chosen = locale or language
    if Locale.parse(chosen).language != language:
        raise ValueError(f"locale {chosen!r} does not belong to language {language!r}")
    return Translator(language=language, locale=chosen)
