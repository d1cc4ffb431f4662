"""Response scales written as words: common ordinal scales recognised by their labels.

An export often holds a rating's labels instead of its codes ("Strongly agree", "Totalmente de
acuerdo", "Muy satisfecho"). The labels of the common ordinal families (agreement, satisfaction,
likelihood, frequency, ease, quality; Likert 1932; the verbal anchors of Vagias 2006, *Likert-type
scale response anchors*, Clemson University) in English and Spanish, 4 to 7 points, are listed in
``scales.yaml``; a numbered scale whose middle points are numbers (the 0-10 "likely to recommend",
Reichheld 2003) is recognised by the words of its two ends, whatever its length (up to 11 points).
Labels written with their number (``5 - Strongly agree``, ``0 = Not at all likely``) are read by it.

:func:`recognise` maps a column's labels onto the declared scale's codes, or says why it cannot:
a reading is taken only when one family with the declared number of points holds every label seen,
so a label is never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from cxlib.core.method import normalise_name
from cxlib.inputs.config import Scale

#: A label that starts with its number: ``5 - Strongly agree``, ``0 = Not at all likely``, ``7. Always``.
NUMBERED_LABEL = re.compile(r"^\s*(\d{1,2})\s*(?:[-–—=.:)]|\s)\s*[^\d\s]")


@dataclass(frozen=True)
class ScaleReading:
    """How a column's labels were read as codes: ``family`` (``agreement``…, ``numbered`` for
    labels carrying their number, ``codes`` for an SPSS file's codes under its labels) and each
    label with its code, from the lowest code."""

    family: str
    codes: tuple[tuple[str, int], ...]

    def describe(self) -> str:
        """``'Strongly disagree' = 1, 'Disagree' = 2, …``."""
        return ", ".join(f"'{label}' = {code}" for label, code in self.codes)


@lru_cache(maxsize=1)
def known_scales() -> dict[str, dict[int | str, list[frozenset[str]]]]:
    """``scales.yaml``: family → number of points (or ``anchors``) → the folded spellings of each
    point, from the lowest."""
    data = yaml.safe_load(Path(__file__).with_name("scales.yaml").read_text(encoding="utf-8"))
    return {
        family: {
            points: [frozenset(normalise_name(spelling) for spelling in spellings) for spellings in positions]
            for points, positions in lengths.items()
        }
        for family, lengths in data.items()
    }


def numbered_codes(labels: list[str], scale: Scale) -> dict[str, int]:
    """The labels that start with a number within ``scale``'s bounds, with that number."""
    low, high = scale.bounds
    found = {label: int(match.group(1)) for label in labels if (match := NUMBERED_LABEL.match(label))}
    return {label: code for label, code in found.items() if low <= code <= high}


def _positions(points: list[frozenset[str]], codes: list[int], labels: list[str]) -> dict[str, int] | None:
    """Each label's code when every label is one of ``points`` (spellings by position), else ``None``."""
    by_spelling = {
        spelling: code for spellings, code in zip(points, codes, strict=True) for spelling in spellings
    }
    found = {label: by_spelling.get(normalise_name(label)) for label in labels}
    return None if None in found.values() else found


def recognise(labels: list[str], scale: Scale) -> list[ScaleReading]:
    """The readings of ``labels`` (the distinct non-numeric cells of a column) on a numeric
    ``scale``: one per family whose list for the scale's number of points holds every label, else
    one per family whose two end words hold them (the other cells being numbers). Several distinct
    readings mean the labels are ambiguous; none, that they are no scale this module knows."""
    low, high = scale.bounds
    points = high - low + 1
    readings: dict[tuple[tuple[str, int], ...], str] = {}
    for kind in (points, "anchors"):
        for family, lengths in known_scales().items():
            spellings = lengths.get(kind)
            codes = list(range(low, high + 1)) if kind == points else [low, high]
            found = _positions(spellings, codes, labels) if spellings else None
            if found is not None:
                readings.setdefault(tuple(sorted(found.items(), key=lambda pair: pair[1])), family)
        if readings:
            break
    return [ScaleReading(family, codes) for codes, family in readings.items()]
