"""Personal data removed from free text before any of it is analysed or shown.

Vectorised regular expressions, applied in this order (the longer, more specific formats first so
that a phone pattern never eats half of an identity number):

- URLs and e-mail addresses, then social-media handles (``@name``);
- IBAN account numbers, payment-card numbers (13-19 digits in groups) and national identity
  formats: Mexico's CURP and RFC, Spain's DNI and NIE, Chile's RUT/RUN, Colombia's cédula
  (written with thousands dots or after "CC"/"cédula"), the UK's National Insurance number;
- phone numbers (seven or more digits with spaces, dots, dashes, parentheses or a leading +) and
  any other run of six or more digits (account, policy, order and NHS numbers);
- a name introduced by "me llamo", "mi nombre es", "soy", "my name is", "I'm" or "I am" (one to
  three capitalised words).

This follows data minimisation (GDPR art. 5(1)(c)): verbatims keep their meaning, not the
identifiers. Each match is replaced by a bracketed tag such as ``[e-mail]``.
"""

from __future__ import annotations

import pandas as pd

from cxlib.core.distinct import on_distinct

_CAPITALISED = r"[A-ZÁÉÍÓÚÑ][a-záéíóúñü]+"

#: (pattern, replacement), applied in order.
PATTERNS: tuple[tuple[str, str], ...] = (
    (r"\b(?:https?://|www\.)[^\s<>\"]+", "[url]"),
    (r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", "[e-mail]"),
    (r"(?<![\w@])@\w{2,}", "[handle]"),
    (r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b", "[account]"),
    (r"(?<!\w)\d{4}(?:[ -]?\d{4}){2}(?:[ -]?\d{1,7})(?!\w)", "[card]"),
    (r"\b[A-Z][AEIOUX][A-Z]{2}\d{6}[HM][A-Z]{5}[A-Z0-9]\d\b", "[id]"),  # CURP (Mexico)
    (r"\b[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}\b", "[id]"),  # RFC (Mexico)
    (r"\b[XYZ]-?\d{7}-?[A-Z]\b", "[id]"),  # NIE (Spain)
    (r"\b\d{8}-?[A-Z]\b", "[id]"),  # DNI (Spain)
    (r"\b\d{1,2}\.?\d{3}\.?\d{3}-[\dkK]\b", "[id]"),  # RUT/RUN (Chile)
    (r"\b\d{1,3}(?:\.\d{3}){2,3}\b", "[id]"),  # cédula written with dots (Colombia)
    (r"(?i)\b(?:c\.?c\.?|c[eé]dula)(?:\s+(?:de\s+ciudadan[ií]a|n[oº°.]*))?\s*:?\s*\d[\d.\s]{5,}\d", "[id]"),
    (r"\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", "[id]"),  # UK NI number
    (r"(?<!\w)\+?\(?\d[\d\s().-]{5,}\d(?!\w)", "[tel.]"),
    (r"\b\d{6,}\b", "[number]"),
    (
        rf"(?P<intro>(?i:\b(?:me llamo|mi nombre es|my name is|i[’']m|i am|soy)\s+))"
        rf"{_CAPITALISED}(?:\s+{_CAPITALISED}){{0,2}}",
        r"\g<intro>[name]",
    ),
)


def mask_personal_data(comments: pd.Series) -> pd.Series:
    """Comments with personal data (see the module docstring) replaced by tags such as ``[e-mail]``,
    ``[tel.]``, ``[id]`` and ``[name]``; missing comments stay missing. Each distinct text is
    masked once."""
    return on_distinct(comments, _masked)


def _masked(texts: pd.Series) -> pd.Series:
    text = texts.astype("string")
    for pattern, replacement in PATTERNS:
        text = text.str.replace(pattern, replacement, regex=True)
    return text
