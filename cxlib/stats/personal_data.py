"""Personal data removed from free text before any of it is analysed or shown.

One regular expression of named alternatives scans each distinct text once; at each position the
first alternative that matches wins, so the order below is the precedence:

- ordinary text that looks like personal data, kept as written: dates and date ranges, times and
  time ranges, years and year ranges, prices (with a currency sign, code or word), aircraft and
  model numbers ("747-400", "A320-200") and order, booking and flight numbers after their word
  ("pedido 4512378", "flight BA 2490");
- URLs and e-mail addresses, then social-media handles (``@name``);
- IBAN account numbers, payment-card numbers (13-19 digits in groups) and national identity
  formats: Mexico's CURP and RFC, Spain's DNI and NIE, Chile's RUT/RUN, Colombia's cédula
  (written with thousands dots or after "CC"/"cédula"), the UK's National Insurance number (with
  or without spaces);
- phone numbers (eight or more digits with spaces, dots, dashes, parentheses or a leading +) and
  any other run of six or more digits (account, policy and NHS numbers);
- a name introduced by "me llamo", "mi nombre es", "soy", "my name is", "I'm" or "I am" (one to
  three capitalised whole words; not a loyalty tier, a nationality or a brand run into one word:
  "I am Gold", "I am British", "I am OneWorld" stay).

This follows data minimisation (GDPR art. 5(1)(c)): verbatims keep their meaning, not the
identifiers. Each match is replaced by a bracketed tag such as ``[e-mail]``, so the sentence still
reads ("call me on [tel.]"). Precision and recall per kind are measured on a labelled corpus by
``benchmarks/masking.py``.
"""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cxlib.core.distinct import on_distinct

_CAPITALISED = r"[A-ZÁÉÍÓÚÑ][a-záéíóúñü]+\b"
_NOT_A_NAME = (
    r"(?!(?:Gold|Silver|Bronze|Platinum|Diamond|Emerald|Sapphire|Ruby|Premier|Executive|Elite|"
    r"Star|Member|Business|First|Economy|Premium|Blue|Black|Plus|Prime|British|English|Spanish|"
    r"American|Mexican|Canadian|Irish|Scottish|Welsh|Chilean|Colombian|Peruvian|Argentinian|"
    r"Mexicano|Mexicana|Chileno|Chilena|Colombiano|Colombiana|Peruano|Peruana|Cliente|Socio|"
    r"Socia|Usuario|Usuaria)\b)"
)
_DATE = r"\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}"
_TIME = r"\d{1,2}[:.h]\d{2}(?:\s?[ap]\.?m\.?|\s?h(?:rs?)?)?"
_AMOUNT = r"\d[\d.,]*(?:[ \u00a0]\d{3})*(?:[.,]\d{1,2})?"
_CURRENCY = r"(?:US\$|[$€£]|(?:USD|EUR|GBP|MXN|COP|CLP|PEN|ARS)\b)"
_CURRENCY_WORD = (
    r"(?:€|(?:pesos|euros|dólares|dolares|dollars|pounds|libras|soles|USD|EUR|GBP|MXN|COP|CLP|PEN)\b)"
)

#: (name, pattern, tag), in precedence order; a tag of ``None`` keeps the text as it is.
PATTERNS: tuple[tuple[str, str, str | None], ...] = (
    ("date_range", rf"\b{_DATE}(?:\s?(?:[-–]|al?|to|until|hasta)\s?{_DATE})?\b", None),
    ("time_range", rf"\b{_TIME}(?:\s?(?:[-–]|a|to|until|hasta)\s?{_TIME})?(?!\d)", None),
    ("year_range", r"\b(?:19|20)\d{2}(?:\s?[-–/]\s?(?:(?:19|20)\d{2}|\d{2}))?\b(?![-/.]\d)", None),
    ("price", rf"{_CURRENCY}\s?{_AMOUNT}|\b{_AMOUNT}\s?{_CURRENCY_WORD}", None),
    ("model", r"\b(?:[AB]?\d{3}|[A-Z]{1,3}\d{2,3})-\d{1,3}(?:[A-Z]{1,3})?\b", None),
    (
        "reference",
        r"(?i:\b(?:pedido|orden|order|booking|reserva|reservation|localizador|ref(?:erence|erencia)?|"
        r"flight|vuelo|ticket|factura|invoice)\s*(?:n[ºo°.]*\s*|#|number\s|número\s)?:?\s*)"
        r"[A-Z]{0,3}\s?\d[\d-]*\b",
        None,
    ),
    ("url", r"\b(?:https?://|www\.)[^\s<>\"]+", "[url]"),
    ("email", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", "[e-mail]"),
    ("handle", r"(?<![\w@])@\w{2,}", "[handle]"),
    ("iban", r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b", "[account]"),
    ("card", r"(?<!\w)\d{4}(?:[ -]?\d{4}){2}(?:[ -]?\d{1,7})(?!\w)", "[card]"),
    ("curp", r"\b[A-Z][AEIOUX][A-Z]{2}\d{6}[HM][A-Z]{5}[A-Z0-9]\d\b", "[id]"),
    ("rfc", r"\b[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}\b", "[id]"),
    ("nie", r"\b[XYZ]-?\d{7}-?[A-Z]\b", "[id]"),
    ("dni", r"\b\d{8}-?[A-Z]\b", "[id]"),
    ("rut", r"\b\d{1,2}\.?\d{3}\.?\d{3}-[\dkK]\b", "[id]"),
    ("cedula", r"\b\d{1,3}(?:\.\d{3}){2,3}\b", "[id]"),
    (
        "cedula_cc",
        r"(?P<label>(?i:\b(?:c\.?c\.?|c[eé]dula)(?:\s+(?:de\s+ciudadan[ií]a|n[oº°.]*))?\s*:?\s*))"
        r"\d[\d.\s]{5,}\d",
        "[id]",
    ),
    ("ni", r"\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", "[id]"),
    ("phone", r"(?<![\w.,])(?=(?:[\s().+-]*\d){8})\+?\(?\d[\d\s().-]{5,}\d(?!\w)", "[tel.]"),
    ("number", r"\b\d{6,}\b", "[number]"),
    (
        "name",
        rf"(?P<intro>(?i:\b(?:me llamo|mi nombre es|my name is|i[’']m|i am|soy)\s+))"
        rf"{_NOT_A_NAME}{_CAPITALISED}(?:\s+{_NOT_A_NAME}{_CAPITALISED}){{0,2}}",
        "[name]",
    ),
)

#: Where an alternative may start: every one begins at a word boundary, a symbol, a capital, or
#: (an e-mail address) a run of address characters reaching an ``@``; the scanner skips the other
#: positions (inside lower-case words) without trying its alternatives one by one.
_MAY_START = r"(?=\b|[^\w\s]|[A-Z]|[\w.+-]*@)"
_SCANNER = re.compile(
    _MAY_START + "(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern, _ in PATTERNS) + ")"
)
_TAGS = {name: tag for name, _, tag in PATTERNS}

#: What any masked alternative needs somewhere in the text, in RE2 syntax for Arrow (no
#: look-arounds; ``\p{Nd}`` and ``\p{Z}`` as Python's Unicode ``\d`` and ``\s``): a URL's start, an
#: ``@``, six digits in a row, eight digits apart only by spaces, dots, dashes, parentheses or ``+``
#: (phone, card), two capitals before two digits (IBAN, National Insurance), a dotted cédula, a
#: RUT's check digit, a cédula's label before a digit, or a name's introduction before a capital.
#: A text without any is returned as it is, unscanned: the scanner (Python's regular expressions,
#: which try every alternative at every position) is the cost of masking.
_MAY_MASK = (
    r"https?://|www\.|@|\p{Nd}{6}|\p{Nd}(?:[\s\p{Z}().+-]*\p{Nd}){7}|[A-Z]{2}[\s\p{Z}]?\p{Nd}{2}|"
    r"\p{Nd}{1,3}\.\p{Nd}{3}\.\p{Nd}{3}|\p{Nd}{3}-[\p{Nd}kK]|"
    r"(?i:c\.?c\.?|c[eé]dula)(?i:[\s\p{Z}]+(?:de[\s\p{Z}]+ciudadan[ií]a|n[oº°.]*))?[\s\p{Z}]*:?[\s\p{Z}]*\p{Nd}|"
    r"(?i:me llamo|mi nombre es|my name is|i[’']m|i am|soy)[\s\p{Z}]+[A-ZÁÉÍÓÚÑ]"
)


def _replace(match: re.Match) -> str:
    """The tag of the alternative that matched (the words introducing a name or a cédula kept), or
    the text itself for a look-alike."""
    tag = _TAGS[match.lastgroup]  # the alternative's group closes after those nested in it
    if tag is None:
        return match.group(0)
    return (match.group("intro") or match.group("label") or "") + tag


def mask_personal_data(comments: pd.Series) -> pd.Series:
    """Comments with personal data (see the module docstring) replaced by tags such as ``[e-mail]``,
    ``[tel.]``, ``[id]`` and ``[name]``; missing comments stay missing. Each distinct text is
    scanned once."""
    return on_distinct(comments, _masked)


def _masked(texts: pd.Series) -> pd.Series:
    """``texts`` masked, scanning only those that may hold something to mask (:data:`_MAY_MASK`)."""
    masked = texts.astype("string")
    may = pc.match_substring_regex(pa.array(texts, type=pa.large_string()), _MAY_MASK).fill_null(False)
    may = may.to_numpy(zero_copy_only=False)
    masked[may] = masked[may].str.replace(_SCANNER, _replace, regex=True)
    return masked
