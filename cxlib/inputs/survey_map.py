"""``cxwb map EXPORT``: a starting ``survey:`` mapping for ``client.yaml``, guessed from an export.

The export (CSV, XLSX, Parquet, SPSS ``.sav``, Stata ``.dta`` or a Qualtrics CSV) is read through
:func:`~cxlib.inputs.tables.read_table`. Each column is classified from its cells, its value labels
(:attr:`~cxlib.inputs.tables.RawTable.codes`) and its question text
(:attr:`~cxlib.inputs.tables.RawTable.display_names`): an id, a date, a rating on a numeric scale
(0-10, 1-5, 1-7, read from codes, numbers or the words of a common scale,
:func:`~cxlib.inputs.scales.recognise`), a yes/no answer, a segment-like category (few distinct
values), a free-text comment, or something else. Ratings become the outcomes their question names
(likelihood to recommend: NPS; satisfaction: CSAT; effort: CES) or pillar items whose pillar the
consultant chooses; the printed YAML lists the edits it needs before ``cxwb validate`` accepts it,
and every column it did not map as a comment, with a did-you-mean towards the canonical fields.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cxlib.core.exceptions import CxError
from cxlib.core.method import PILLAR_SPELLINGS, PILLARS, normalise_name, vocabulary_aliases
from cxlib.inputs.config import parse_scale
from cxlib.inputs.scales import numbered_codes, recognise
from cxlib.inputs.schema import SURVEY_FIELDS, SURVEY_OUTCOMES, parse_bool, parse_dates, parse_number, suggest
from cxlib.inputs.tables import EXTENSIONS, read_table

#: The pillar an item is given until the consultant chooses it (``cxwb validate`` refuses it).
PILLAR_PLACEHOLDER = "CHOOSE_PILLAR"
#: Numeric scales tried, in order, on a column's numbers or labels.
CANDIDATE_SCALES: tuple[str, ...] = ("1-5", "1-7", "0-10", "1-4", "1-6", "1-10")
#: Codes exports use for "no answer" beside a scale.
NO_ANSWER_CODES: frozenset[float] = frozenset({-99.0, -1.0, 98.0, 99.0, 999.0})
#: A category with at most this many distinct values (and under half the rows) is segment-like.
MAX_SEGMENT_VALUES = 12
#: Mean length, in characters, above which a text column reads as free comments.
COMMENT_LENGTH = 30
#: Words (folded, in ``normalise_name`` form) that name each outcome (and a comment) in a column's name,
#: question or labels; a word of the column must start with one.
CUES: dict[str, tuple[str, ...]] = {
    "nps": ("recommend", "recomend", "likely", "probab", "nps"),
    "csat": ("satisf", "csat"),
    "ces": ("effort", "esfuerzo", "easy", "facil", "ces"),
    "resolved": ("resol", "resuel", "solved", "fixed", "again", "volver", "return"),
    "comment": (
        "comment",
        "comentario",
        "why",
        "por_que",
        "porque",
        "tell_us",
        "cuentanos",
        "opinion",
        "feedback",
        "suger",
        "suggest",
        "review",
        "resena",
        "motivo",
        "reason",
    ),
}
#: The cues of the outcomes a rating or a yes/no answer can measure.
OUTCOME_CUES: tuple[str, ...] = ("nps", "csat", "ces", "resolved")
#: Words of a yes/no answer's negative label ("neutral or dissatisfied", "No lo recomendaría").
NEGATIVE = re.compile(r"(^|_)(no|not|never|nunca|neutral)(_|$)|(^|_)(dis|in|un|des)satisf")
#: A column name meaning a response id.
ID_NAME = re.compile(r"(^|_)(id|response_?id|respondent(_?id)?|resp|folio|record_?id)$")


@dataclass
class Column:
    """One export column as the guesser sees it."""

    name: str
    question: str
    cells: pd.Series
    codes: pd.Series | None

    @property
    def words(self) -> str:
        """The column's name, question text and labels, folded, for cue words."""
        labels = " ".join(map(str, self.cells.dropna().unique()[:MAX_SEGMENT_VALUES]))
        return normalise_name(f"{self.name} {self.question} {labels}")

    def cue(self, field_name: str) -> bool:
        """Whether a word of the column's starts with a cue of ``field_name`` (see :data:`CUES`)."""
        return any(re.search(rf"(^|_){word}", self.words) for word in CUES[field_name])

    def pillar(self) -> str | None:
        """The pillar the column's name or question names (``time_effort``, ``Empatía``), if one."""
        aliases = vocabulary_aliases("pillar", PILLARS, PILLAR_SPELLINGS)
        named = {key for spelling, key in aliases.items() if re.search(rf"(^|_){spelling}(_|$)", self.words)}
        return named.pop() if len(named) == 1 else None

    def described(self) -> str:
        """``'Q1' ("Overall, how satisfied are you?")``."""
        text = self.question if len(self.question) <= 60 else f"{self.question[:57]}…"
        return f"'{self.name}'" + (f' ("{text}")' if text and text != self.name else "")


@dataclass
class Guess:
    """What a column was read as: ``kind`` (``id``, ``date``, ``scale``, ``yes/no``, ``category``,
    ``comment``, ``number``, ``text``, ``empty``), the mapping entry it gives and a note."""

    kind: str
    entry: dict[str, object] = field(default_factory=dict)
    note: str = ""


def _whole_numbers(cells: pd.Series, decimal_comma: bool) -> pd.Series | None:
    """The cells as numbers when every one is a whole number, else ``None``."""
    numbers, bad = parse_number(cells, decimal_comma)
    if bad.any() or (numbers != numbers.round()).any():
        return None
    return numbers


def _numeric_scale(values: set[float]) -> tuple[str, list[int]] | None:
    """A scale for these distinct whole numbers, with its no-answer codes (a 0 beside 1-5 or 1-7)."""
    missing = sorted(values & NO_ANSWER_CODES)
    rest = values - NO_ANSWER_CODES
    if len(rest) < 3 or min(rest) < 0:
        return None
    low, high = min(rest), max(rest)
    if high <= 10 and (high >= 8 or (low == 0 and high > 7)):
        return "0-10", [int(code) for code in missing]
    for text in ("1-5", "1-7"):
        top = parse_scale(text).bounds[1]
        if high <= top and (high > 4 or text == "1-5"):
            return text, [int(code) for code in sorted({0.0} & rest) + missing]
    return None


def _worded_scale(labels: list[str], numbers: pd.Series) -> tuple[str, str] | None:
    """The candidate scale whose bounds hold ``numbers`` and whose common scale (or numbered labels)
    reads every label in exactly one way, with the reading's family; a scale whose number of points
    equals the number of labels and numbers seen is preferred."""
    fits = []
    for text in CANDIDATE_SCALES:
        scale = parse_scale(text)
        low, high = scale.bounds
        if not numbers.between(low, high).all():
            continue
        rest = [label for label in labels if label not in numbered_codes(labels, scale)]
        readings = recognise(rest, scale) if rest else []
        if not rest or len(readings) == 1:
            fits.append((text, readings[0].family if readings else "numbered", high - low + 1))
    seen = len(labels) + numbers.nunique()
    chosen = [fit for fit in fits if fit[2] == seen] or fits
    return chosen[0][:2] if chosen else None


def _binary(column: Column, labels: list[str]) -> Guess | None:
    """A yes/no answer: cells read as yes/no, or two labels of an outcome (satisfied or not,
    would recommend or not, resolved or not), the negative one recoded to no."""
    if not parse_bool(column.cells)[1].any():
        return Guess("yes/no", {"scale": "yes/no"})
    if len(labels) == 2 and any(column.cue(name) for name in OUTCOME_CUES):
        negative = [bool(NEGATIVE.search(normalise_name(label))) for label in labels]
        if sum(negative) == 1:
            values = {
                label: "no" if is_negative else "yes"
                for label, is_negative in zip(labels, negative, strict=True)
            }
            return Guess("yes/no", {"scale": "yes/no", "values": values}, "check which label means yes")
    return None


def _coded_scale(column: Column, numbers: pd.Series, labels: list[str]) -> Guess | None:
    """A labelled column's codes as a scale when the labels of its codes on the scale are a common
    scale's and the others mean no answer (``0 = Not applicable``, ``99 = No answer``)."""
    found = _numeric_scale(set(numbers.unique()))
    if found is None or not found[1]:
        return None
    scale, missing = found
    answered = set(column.cells.loc[numbers.index[~numbers.isin(missing)]])
    readings = recognise([label for label in labels if label in answered], parse_scale(scale))
    if len(readings) != 1:
        return None
    return Guess(
        "scale",
        {"scale": scale, "missing": missing},
        f"codes under the labels of the {readings[0].family} scale",
    )


def classify(column: Column, rows: int, decimal_comma: bool = False) -> Guess:
    """What ``column`` holds, from its codes or cells, labels and question text; ``rows`` is the
    export's number of rows, ``decimal_comma`` whether its numbers write ``3,5``."""
    cells = column.cells.dropna()
    if cells.empty:
        return Guess("empty", note="no answers")
    distinct = cells.unique()
    if ID_NAME.search(normalise_name(column.name)) and cells.is_unique:
        return Guess("id")
    worded = parse_number(pd.Series(distinct, dtype=object), decimal_comma)[1]
    labels = [str(value) for value in distinct[worded.to_numpy()]]
    numbers = _whole_numbers(column.codes.dropna() if column.codes is not None else cells, decimal_comma)
    if numbers is not None and (column.codes is None or not labels):
        found = _numeric_scale(set(numbers.unique()))
        if found is not None:
            scale, missing = found
            return Guess("scale", {"scale": scale} | ({"missing": missing} if missing else {}))
        if set(numbers.unique()) <= {0.0, 1.0}:
            return Guess("yes/no", {"scale": "yes/no"})
    if labels:
        numbered = _whole_numbers(cells[~cells.isin(labels)], decimal_comma)
        reading = _worded_scale(labels, numbered if numbered is not None else pd.Series([], dtype=float))
        if reading:
            scale, family = reading
            return Guess("scale", {"scale": scale}, f"labels read on the {family} scale")
    coded = (
        _coded_scale(column, numbers, labels) if numbers is not None and column.codes is not None else None
    )
    if coded is not None:
        return coded
    binary = _binary(column, labels) if len(distinct) <= 2 else None
    if binary is not None:
        return binary
    if not labels:
        return Guess("number", note=f"{len(distinct)} distinct values")
    if not parse_dates(cells)[1].any():
        return Guess("date")
    if (column.cue("comment") and not column.cue("csat")) or cells.str.len().mean() > COMMENT_LENGTH:
        return Guess("comment")
    if len(distinct) <= MAX_SEGMENT_VALUES and len(distinct) <= rows / 2:
        return Guess("category", note=f"{len(distinct)} values")
    return Guess("text", note=f"{len(distinct)} distinct values")


def _flow(entry: dict[str, object]) -> str:
    """``{column: "Q1", scale: "1-5"}``: a YAML flow mapping, its values as JSON (valid YAML)."""
    return (
        "{"
        + ", ".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in entry.items())
        + "}"
    )


@dataclass
class Mapping:
    """The guessed mapping: canonical fields, items, segment columns and the columns left out."""

    fields: dict[str, tuple[dict[str, object], str]] = field(default_factory=dict)
    segments: list[Column] = field(default_factory=list)
    items: list[tuple[dict[str, object], str]] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)

    def _outcome(self, column: Column, scale: str) -> str | None:
        """The free outcome a rating on ``scale`` measures: NPS for a 0-10 likelihood to recommend
        (or the first 0-10 rating), CSAT or CES for a shorter scale whose question names it."""
        if scale == "0-10":
            return None if "nps" in self.fields else "nps"
        return next((name for name in ("csat", "ces") if name not in self.fields and column.cue(name)), None)

    def assign(self, column: Column, guess: Guess) -> None:
        """Give ``column`` the first free field its kind and cue words fit, else an item or a note."""
        entry = {"column": column.name} | guess.entry
        note = "; ".join(filter(None, [column.described(), guess.note]))
        if guess.kind == "scale":
            pillar = column.pillar()
            outcome = None if pillar else self._outcome(column, str(entry["scale"]))
            if outcome is not None:
                self.fields[outcome] = (entry, note)
            else:
                named = (
                    f"{note}; its question names {pillar}: check" if pillar else f"EDIT its pillar: {note}"
                )
                item = {"column": column.name, "pillar": pillar or PILLAR_PLACEHOLDER} | guess.entry
                self.items.append((item, named))
            return
        target = {
            "id": "response_id",
            "date": "date",
            "yes/no": "satisfied",
            "comment": "comment",
        }.get(guess.kind)
        if guess.kind == "yes/no" and not any(column.cue(name) for name in OUTCOME_CUES):
            target = None  # a yes/no answer that names no outcome (a product held, a channel used)
        if target is not None and target not in self.fields:
            self.fields[target] = (entry, note)
        elif guess.kind == "category":
            self.segments.append(column)
        else:
            reason = f"{guess.kind}" + (f", {guess.note}" if guess.note else "")
            self.unmapped.append(f"{column.described()}: {reason}{suggest(column.name, list(SURVEY_FIELDS))}")


def guess_mapping(path: Path) -> str:
    """The starting ``segments:`` and ``survey:`` blocks of ``client.yaml`` for the export at ``path``,
    as commented YAML text that names the edits it needs before it validates.

    Parameters
    ----------
    path
        A survey export: ``.csv`` (plain or Qualtrics), ``.xlsx``, ``.parquet``, SPSS ``.sav`` or
        Stata ``.dta``.

    Returns
    -------
    str
        YAML to paste into ``client.yaml`` (replacing its ``segments:`` and ``survey:``).

    Raises
    ------
    CxError
        When the file has another extension, or cannot be read (its problems, located).
    """
    if path.suffix.lower() not in EXTENSIONS:
        raise CxError(
            f"{path}: is not a survey export; give a {', '.join(EXTENSIONS[:-1])} or {EXTENSIONS[-1]} file"
        )
    if not path.is_file():
        raise CxError(f"{path}: no such file; give the path of the survey export")
    raw, problems = read_table(path)
    if raw is None:
        raise CxError("; ".join(str(problem) for problem in problems))
    columns = [
        Column(str(name), raw.display_names.get(name, ""), raw.frame[name], raw.codes.get(name))
        for name in raw.frame.columns
    ]
    mapping = Mapping()
    # A rating whose question names an outcome takes it before one that fits only by its scale.
    for column in sorted(columns, key=lambda column: not any(column.cue(name) for name in OUTCOME_CUES)):
        mapping.assign(column, classify(column, len(raw.frame), raw.decimal_comma))
    position = {column.name: number for number, column in enumerate(columns)}
    mapping.items.sort(key=lambda item: position[str(item[0]["column"])])  # in the export's order
    return _render(mapping, path, raw.kind)


def _render(mapping: Mapping, path: Path, kind: str) -> str:
    target = f"survey{path.suffix.lower()}"
    edits = [
        f"copy the export into the client folder as {target} and remove any other survey.* file there",
        "replace client.yaml's segments: and survey: with the blocks below",
    ]
    if not set(mapping.fields) & set(SURVEY_OUTCOMES):
        edits.append(
            f"map an outcome ({', '.join(SURVEY_OUTCOMES)}): no column reads as one; name its column under "
            "survey.fields"
        )
    placeholders = sum(entry["pillar"] == PILLAR_PLACEHOLDER for entry, _ in mapping.items)
    if placeholders:
        edits.append(
            f"replace each {PILLAR_PLACEHOLDER} ({placeholders} item(s)) with the pillar the question rates: "
            f"{', '.join(PILLARS)}"
        )
    lines = [
        f"# A starting survey mapping for {path.name} ({kind}), guessed by 'cxwb map' from its columns,",
        "# value labels and question texts. Edits before 'cxwb validate' accepts it:",
        *(f"#   {number}. {edit}" for number, edit in enumerate(edits, start=1)),
        "# Then check every guess: the scales, which label means yes, the outcome each rating measures.",
    ]
    values = [
        [str(value) for value in column.cells.value_counts().index[:MAX_SEGMENT_VALUES]]
        for column in mapping.segments
    ]
    if len(mapping.segments) == 1:
        lines.append(f"segments: {json.dumps(values[0], ensure_ascii=False)}")
    elif mapping.segments:
        by_column = {column.name: listed for column, listed in zip(mapping.segments, values, strict=True)}
        lines.append(f"segments: {json.dumps(by_column, ensure_ascii=False)}")
    else:
        lines.append("segments: []")
    lines += ["survey:", "  fields:"]
    if mapping.segments:
        names = [column.name for column in mapping.segments]
        described = ", ".join(column.described() for column in mapping.segments)
        lines.append(f"    segment: {json.dumps(names, ensure_ascii=False)}  # {described}")
    for name in SURVEY_FIELDS:
        if name in mapping.fields:
            entry, note = mapping.fields[name]
            value = json.dumps(entry["column"], ensure_ascii=False) if len(entry) == 1 else _flow(entry)
            lines.append(f"    {name}: {value}  # {note}")
    if mapping.items:
        lines.append("  items:")
        lines += [f"    - {_flow(entry)}  # {note}" for entry, note in mapping.items]
    else:
        lines.append("  items: []")
    if mapping.unmapped:
        lines.append("# Columns not mapped (map one under survey.fields if it is a canonical field):")
        lines += [f"#   {text}" for text in mapping.unmapped]
    return "\n".join(lines) + "\n"
