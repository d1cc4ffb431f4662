"""Find and read a client's input tables by base name: CSV, XLSX, Parquet, SPSS ``.sav`` or Stata
``.dta``.

Spanish-market CSVs exported from Excel are usually ``;``-separated, cp1252-encoded and use a
decimal comma; :func:`read_table` detects encoding and separator and reports what it found, so the
schema can read ``3,5`` as 3.5. Every cell is read as text: typing happens in
:mod:`cxlib.inputs.schema`, where a bad cell can be reported by row and column.

Market-research exports are recognised as they come: SPSS and Stata files with their value labels
applied (so ``client.yaml`` ``values:`` can recode them), the codes under the labels kept beside them
(so a labelled 1-5 scale is read as its codes) and variable labels as display names (read with
pyreadstat, https://github.com/Roche/pyreadstat); Qualtrics CSV exports by their three header rows
(column name, question text, an ``{"ImportId": ...}`` row), the question text becoming the
column's display name and the data starting at spreadsheet row 4, whether the export holds numeric
values or choice text (the labels are then read like any labels-only export,
:mod:`cxlib.inputs.scales`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import os
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyreadstat
from openpyxl.utils.exceptions import InvalidFileException
from pyarrow import csv as arrow_csv

from cxlib.core.exceptions import Problem
from cxlib.core.guard import (
    MAX_TABLE_BYTES,
    ClientFileError,
    check_size,
    client_file,
    display_name,
    read_client_bytes,
)
from cxlib.core.paths import INBOX_DIR_NAME, INBOX_DONE_DIR_NAME

TABLE_NAMES: tuple[str, ...] = (
    "assessment",
    "survey",
    "journey",
    "interactions",
    "employees",
    "units",
    "initiatives",
    "ecosystem",
)
EXTENSIONS: tuple[str, ...] = (".csv", ".xlsx", ".parquet", ".sav", ".dta")
#: Labelled statistical files: extension → ``RawTable.kind``.
LABELLED_KINDS: dict[str, str] = {"sav": "spss", "dta": "stata"}
#: The table that may also arrive in pieces, as files dropped in the client's inbox.
STREAMED_TABLE = "interactions"
#: Extensions of the files an inbox accepts (both can be written whole and renamed into place).
INBOX_EXTENSIONS: tuple[str, ...] = (".csv", ".parquet")
#: A Qualtrics export's third header row holds cells like ``{"ImportId":"QID4"}``.
QUALTRICS_IMPORT_ID = r'^\{\s*"ImportId"'
#: Spreadsheet row of the first data row (the header is row 1).
FIRST_DATA_ROW = 2
# A cell may be as long as a table file may be: the csv module's default limit (128 KB) would stop a
# long comment with an error instead of reading it (or reporting its line as ragged).
csv.field_size_limit(MAX_TABLE_BYTES)


@dataclass(frozen=True)
class RawTable:
    """A table as read from disk: all cells as text, plus how the file was decoded."""

    path: Path
    frame: pd.DataFrame
    encoding: str | None
    separator: str | None
    #: ``csv``, ``qualtrics``, ``xlsx``, ``parquet``, ``spss`` or ``stata``.
    kind: str = "csv"
    #: Column → its question text (Qualtrics' second header row, SPSS or Stata variable labels).
    display_names: dict[str, str] = field(default_factory=dict)
    #: Column with value labels (SPSS, Stata) → its codes as text cells, beside ``frame``'s labels.
    codes: dict[str, pd.Series] = field(default_factory=dict)

    @property
    def decimal_comma(self) -> bool:
        return self.separator == ";"


def find_table(client_dir: Path, base_name: str) -> tuple[Path | None, list[Problem]]:
    """Return the file holding table ``base_name`` (any of :data:`EXTENSIONS`), or ``None`` when absent.

    A folder with a table's name, or a link leading outside the client folder (or nowhere), is
    refused (:func:`~cxlib.core.guard.client_file`): client data stays inside its folder, where the
    manifest's hashes can vouch for it.
    """
    candidates = [client_dir / f"{base_name}{ext}" for ext in EXTENSIONS]
    found = [path for path in candidates if path.exists() or path.is_symlink()]
    for path in found:
        try:
            client_file(client_dir, path.name, "the table")
        except ClientFileError as error:
            return None, [error.problem]
    if len(found) > 1:
        names = " and ".join(path.name for path in found)
        return None, [Problem(found[0].name, None, None, f"both {names} exist; keep only one of them")]
    return (found[0] if found else None), []


def inbox_files(client_dir: Path, done: bool = False) -> list[Path]:
    """Measurement files in the client's ``inbox/`` waiting to be taken in (or, with ``done``, those
    ``cxwb watch`` has taken in, in ``inbox/done/``), by name.

    Only ``interactions-*.csv`` and ``interactions-*.parquet`` count; hidden files (``.name``) are
    files still being written, which a writer renames into place when complete. A link or a folder
    with such a name is listed too, never followed here: its reader's guard
    (:func:`~cxlib.core.guard.client_file`) refuses it unless it is a file inside the client folder.
    """
    folder = client_dir / INBOX_DIR_NAME
    if done:
        folder = folder / INBOX_DONE_DIR_NAME
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.glob(f"{STREAMED_TABLE}-*")
        if path.suffix.lower() in INBOX_EXTENSIONS and not path.name.startswith(".")
    )


class EncodingError(ValueError):
    """Text in an encoding the reader cannot tell apart from noise (UTF-16 without its BOM)."""


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-16 (with its byte-order mark) or UTF-8 (with or without BOM), falling
    back to cp1252, then latin-1.

    Raises
    ------
    EncodingError
        When the text holds NUL bytes without a UTF-16 byte-order mark.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        raise EncodingError(
            "it contains NUL bytes, as UTF-16 without a byte-order mark does; save it as CSV UTF-8"
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any byte string")


def lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their endings, one at a time: reading a header or the first rows
    of a large export does not split (or copy) the whole text."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def sniff_separator(text: str) -> str:
    """Pick the field separator among ``, ; tab |``.

    The header row decides when one candidate clearly dominates it: column names hold no free text,
    while data cells (evidence, comments) may hold any of the candidates. Otherwise the first lines
    go to :class:`csv.Sniffer`.
    """
    first_lines = list(itertools.islice(lines(text), 20))
    header = first_lines[0].rstrip("\r\n") if first_lines else ""
    counts = sorted(((header.count(candidate), candidate) for candidate in ",;\t|"), reverse=True)
    if counts[0][0] > 0 and counts[0][0] > counts[1][0]:
        return counts[0][1]
    sample = "".join(first_lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return counts[0][1]


def read_table(path: Path, root: Path | None = None) -> tuple[RawTable | None, list[Problem]]:
    """Read one table as text cells; blank rows are dropped but keep their row numbers.

    The returned frame's index is the spreadsheet row number of each record. ``path`` must be a
    file inside ``root`` (the client folder; by default the file's own folder), no larger than
    :data:`~cxlib.core.guard.MAX_TABLE_BYTES` (:mod:`cxlib.core.guard`); problems name it relative
    to ``root``.
    """
    root, located = (path.parent if root is None else root).absolute(), path.absolute()
    name = display_name(root, located)
    encoding = separator = header = None
    display_names: dict[str, str] = {}
    codes: dict[str, pd.Series] = {}
    kind = path.suffix.lower().lstrip(".")
    try:
        source = path if kind == "csv" else check_size(root, located, "the table")
        if kind == "xlsx":
            frame = pd.read_excel(source, dtype=str, engine="openpyxl")
        elif kind == "parquet":
            frame = _as_text(pd.read_parquet(source))
        elif kind in LABELLED_KINDS:
            if kind == "sav":
                data, meta = pyreadstat.read_sav(str(source))
            else:
                data, meta = pyreadstat.read_dta(str(source))
            kind = LABELLED_KINDS[kind]
            frame, codes = _labelled(_as_text(data), meta.variable_value_labels)
            display_names = {
                column: label
                for column, label in zip(meta.column_names, meta.column_labels, strict=True)
                if label
            }
        else:
            data = read_client_bytes(root, located, "the table")
            if not data.strip():
                return None, [
                    Problem(name, None, None, "is empty; add a header row and data, or delete the file")
                ]
            frame, header, encoding, separator = _csv_cells(data)
            data = None
    except ClientFileError as error:
        return None, [error.problem]
    except EncodingError as error:
        return None, [Problem(name, None, None, f"cannot be read: {error}")]
    except (
        OSError,
        ValueError,
        KeyError,
        csv.Error,
        pd.errors.ParserError,
        pyreadstat.ReadstatError,
    ) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        line = re.search(r"in line (\d+)", reason)
        return None, [
            Problem(
                name,
                int(line.group(1)) if line else None,
                None,
                f"cannot be read ({reason}); re-export it as CSV (UTF-8) or XLSX",
            )
        ]
    except (zipfile.BadZipFile, InvalidFileException, ElementTree.ParseError) as error:
        return None, [
            Problem(
                name,
                None,
                None,
                f"is not a valid .xlsx workbook ({type(error).__name__}); re-save it in Excel as .xlsx or "
                "export CSV",
            )
        ]
    except Exception as error:  # a damaged binary file can fail anywhere inside its parser library
        if kind == "csv":
            raise
        return None, [
            Problem(name, None, None, f"is damaged ({type(error).__name__}); export it again from its source")
        ]
    if frame.columns.empty:
        return None, [Problem(name, None, None, "is empty; add a header row and data, or delete the file")]
    repeated = _repeated_headers(source, kind, header)
    if repeated:
        return None, [
            Problem(name, 1, column, f"appears {count} times in the header; keep one column of that name")
            for column, count in repeated.items()
        ]
    frame = text_cells(frame, FIRST_DATA_ROW)
    if kind == "csv" and len(frame) >= 2 and frame.iloc[1].str.contains(QUALTRICS_IMPORT_ID, na=False).any():
        kind = "qualtrics"
        display_names = {column: text for column, text in frame.iloc[0].items() if pd.notna(text)}
        frame = frame.iloc[2:]
    frame = frame.dropna(how="all")
    if frame.empty:
        return None, [Problem(name, None, None, "has a header but no data rows; add data or delete the file")]
    codes = {
        column: text_cells(cells.to_frame(), FIRST_DATA_ROW)[column].loc[frame.index]
        for column, cells in codes.items()
    }
    return RawTable(path, frame, encoding, separator, kind, display_names, codes), []


def _csv_cells(data: bytes) -> tuple[pd.DataFrame, list[str], str, str]:
    """A CSV file's text cells, its header as written, its encoding and its separator. Arrow's
    reader decodes the file's own bytes where it can (:data:`ARROW_ENCODINGS`), so the decoded text,
    which :func:`decode_text` checks and :func:`sniff_separator` reads, is not held beside the table."""
    text, encoding = decode_text(data)
    separator = sniff_separator(text)
    header = next(csv.reader(lines(text), delimiter=separator), [])
    if encoding not in ARROW_ENCODINGS:
        return read_csv_cells(text, separator), header, encoding, separator
    del text
    frame = _arrow_cells(data, encoding, separator, header, has_header=True)
    if frame is None:
        frame = read_csv_cells(decode_text(data)[0], separator)
    return frame, header, encoding, separator


def read_csv_cells(text: str, separator: str, names: list[str] | None = None) -> pd.DataFrame:
    """CSV text as text cells (``names``: the header, when ``text`` has none).

    A line with more fields than the header is an error: pandas would otherwise take the extra
    field of a first line as the row index (or drop it), shifting or losing cells silently.

    Raises
    ------
    RaggedLinesError
        Naming the first line with too many fields; it holds every such line and the cells of the
        others.
    pandas.errors.ParserError
        When the text cannot be read as CSV otherwise.
    """
    header = names or next(csv.reader(lines(text), delimiter=separator), [])
    fast = _arrow_cells(text.encode("utf-8"), "utf-8", separator, header, has_header=not names)
    if fast is not None:
        return fast
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            return pd.read_csv(
                io.StringIO(text),
                sep=separator,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
                index_col=False,
                header=None if names else "infer",
                names=names,
            )
        except (pd.errors.ParserWarning, pd.errors.ParserError) as error:
            ragged = _ragged_lines(text, separator, names, len(header))  # the error path only
            raise (ragged or pd.errors.ParserError(str(error))) from error


@dataclass(frozen=True)
class RefusedLine:
    """A CSV record that is not a row of its header: its row, its text as written, and why.

    ``row`` counts the records of the text from 1 (a record may span lines inside quotes): it is
    the spreadsheet row when the text starts with its header.
    """

    row: int
    text: str
    reason: str


class RaggedLinesError(pd.errors.ParserError):
    """Records of a CSV with more fields than its header: ``lines`` lists them, ``cells`` are the
    text's cells as :func:`read_csv_cells` reads them with each of those records blank, so every
    other record keeps its row."""

    def __init__(self, message: str, lines: list[RefusedLine], cells: pd.DataFrame):
        super().__init__(message)
        self.lines, self.cells = lines, cells


def _ragged_lines(text: str, separator: str, names: list[str] | None, width: int) -> RaggedLinesError | None:
    """The records of ``text`` with more than ``width`` fields, found by one pass of the csv module,
    and the other records' cells; ``None`` when there are none (or the csv module cannot read it)."""
    physical = list(lines(text))
    reader = csv.reader(physical, delimiter=separator)
    ragged, counts, spans, start = [], [], [], 0
    try:
        for row, fields in enumerate(reader, start=1):
            if len(fields) > width:
                spans.append((start, reader.line_num))
                counts.append(len(fields))
                reason = f"has {len(fields)} fields where the header has {width}"
                ragged.append(RefusedLine(row, "".join(physical[start : reader.line_num]), reason))
            start = reader.line_num
    except csv.Error:
        return None
    if not ragged:
        return None
    bounds = [0, *itertools.chain.from_iterable(spans), len(physical)]  # kept, ragged, kept, …, kept
    blanked = "\n".join(["".join(physical[begin:end]) for begin, end in itertools.pairwise(bounds)][::2])
    return RaggedLinesError(
        f"Expected {width} fields in line {ragged[0].row}, saw {counts[0]}",
        ragged,
        read_csv_cells(blanked, separator, names),
    )


#: Bytes Arrow parses per block: each block becomes one chunk of every column, and the work done per
#: chunk afterwards (conversion to pandas, trimming) is cheaper on a few large chunks than on one
#: per megabyte; a 130 MB survey still splits into enough blocks for every core.
ARROW_BLOCK_BYTES = 16 << 20


#: Encodings Arrow's CSV reader decodes itself (by Python's codecs, block by block).
ARROW_ENCODINGS = ("utf-8", "cp1252", "latin-1")


def _arrow_cells(
    data: bytes, encoding: str, separator: str, header: list[str], has_header: bool
) -> pd.DataFrame | None:
    """The cells of a regular CSV read by Apache Arrow's multithreaded parser (several times faster
    than pandas' on survey-sized files), or ``None`` when the file needs pandas' reading: a blank
    line, a row with fewer or more fields than the header, a blank or repeated column name, or
    anything else Arrow refuses. Both readers give the same text cells."""
    if not header or "" in header or len(set(header)) < len(header):
        return None
    try:
        table = arrow_csv.read_csv(
            io.BytesIO(data),
            read_options=arrow_csv.ReadOptions(
                column_names=header,
                skip_rows=1 if has_header else 0,
                block_size=ARROW_BLOCK_BYTES,
                encoding=encoding,
            ),
            parse_options=arrow_csv.ParseOptions(
                delimiter=separator, newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=arrow_csv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowException:  # ArrowInvalid and every other refusal
        return None
    return table.to_pandas(types_mapper={pa.string(): pd.StringDtype(na_value=np.nan)}.get)


def text_cells(frame: pd.DataFrame, first_row: int) -> pd.DataFrame:
    """Cells as stripped text with empty ones missing, indexed by spreadsheet row from ``first_row``."""
    frame.columns = [str(column).strip() for column in frame.columns]
    frame = frame.apply(_stripped_cells)
    frame.index = pd.RangeIndex(first_row, first_row + len(frame))
    return frame


def _stripped_cells(column: pd.Series) -> pd.Series:
    """One column's cells without surrounding whitespace, empty ones missing. Arrow-backed text is
    trimmed by Arrow's ``utf8_trim_whitespace`` (the same Unicode whitespace as ``str.strip``) and
    its empty cells become missing through the validity bitmap, many times faster than pandas'
    string methods and ``mask`` on survey-sized columns."""
    if not isinstance(column.array, pd.arrays.ArrowStringArray):
        stripped = column.str.strip()
        return stripped.mask(stripped.eq(""))
    trimmed = pc.utf8_trim_whitespace(pa.array(column.array))
    chunks = []
    for chunk in trimmed.chunks if isinstance(trimmed, pa.ChunkedArray) else [trimmed]:
        chunk = pa.concat_arrays([chunk]) if chunk.offset else chunk  # a bitmap from bit 0
        filled = pc.fill_null(pc.not_equal(chunk, ""), False)
        chunks.append(
            pa.Array.from_buffers(chunk.type, len(chunk), [filled.buffers()[1], *chunk.buffers()[1:]])
        )
    return pd.Series(pa.chunked_array(chunks, type=trimmed.type), dtype=column.dtype, index=column.index)


#: Bytes at the end of what was read that must be unchanged for new rows to be read as appended.
CURSOR_TAIL_BYTES = 4096


@dataclass(frozen=True)
class CsvCursor:
    """How far a growing CSV has been read: bytes, records, and what identifies its content so far."""

    offset: int
    records: int
    header: tuple[str, ...]
    encoding: str
    separator: str
    head_hash: str
    tail_hash: str


def _hash(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


class NotAppendedError(ValueError):
    """The file changed other than by appended lines (rewritten, truncated, edited, re-encoded)."""


class MalformedLinesError(ValueError):
    """New lines that do not parse as rows of the header (more fields than columns, a quote never
    closed).

    ``cursor`` is past every new line, ``lines`` are the refused ones (``row``: their spreadsheet
    row), ``cells`` the other new lines as text cells indexed by spreadsheet row.
    """

    def __init__(self, message: str, cursor: CsvCursor, refused: list[RefusedLine], cells: pd.DataFrame):
        super().__init__(message)
        self.cursor, self.lines, self.cells = cursor, refused, cells

    @property
    def first_row(self) -> int:
        """The spreadsheet row of the first refused line."""
        return self.lines[0].row


def read_appended_csv(
    path: Path, cursor: CsvCursor | None, root: Path | None = None
) -> tuple[pd.DataFrame, CsvCursor | None]:
    """The complete lines added to a CSV since ``cursor`` (from the start when ``None``), as text
    cells indexed by spreadsheet row, and the cursor after them (``None`` while not even the header
    line is complete). A last line without its newline is still being written: it is left for the
    next read. ``path`` must be a file inside ``root`` (the client folder; by default the file's own
    folder), never reached through a link leading out (:mod:`cxlib.core.guard`).

    Raises
    ------
    ClientFileError
        When the file is not one inside ``root``.
    NotAppendedError
        When the bytes already read changed, or the file cannot be read as lines (UTF-16, or a header
        the csv module refuses).
    MalformedLinesError
        When a new line has more fields than the header (the error carries the cursor past them and
        the other new lines' cells).
    """
    located = client_file(path.parent if root is None else root, path.absolute(), "the table")
    with os.fdopen(os.open(located, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)), "rb") as stream:
        already = b""
        if cursor is not None:
            start = max(0, cursor.offset - CURSOR_TAIL_BYTES)
            stream.seek(start)
            already = stream.read(cursor.offset - start)
            if _hash(already) != cursor.tail_hash:
                raise NotAppendedError("the rows already read changed")
        data = stream.read()
    complete = data[: data.rfind(b"\n") + 1]
    if cursor is None:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise NotAppendedError("it is UTF-16, which cannot be read line by line")
        if not complete:
            return pd.DataFrame(), None
        try:
            text, encoding = decode_text(complete)
            header_line, _, body = text.partition("\n")
            header_line = header_line.rstrip("\r")
            separator = sniff_separator(header_line)
            header = tuple(next(csv.reader([header_line], delimiter=separator), ()))
        except (EncodingError, csv.Error) as error:  # read whole instead, where problems are located
            raise NotAppendedError(f"its header cannot be read line by line ({error})") from error
        if not any(header):
            raise NotAppendedError("its first line is empty, not a header")
        head_hash, records = _hash(complete[: complete.find(b"\n") + 1]), 0
    else:
        encoding, separator, header = cursor.encoding, cursor.separator, cursor.header
        head_hash, records = cursor.head_hash, cursor.records
        try:
            body = complete.decode(encoding.removesuffix("-sig"))
        except UnicodeDecodeError:  # the text read so far was plain ASCII, this is cp1252 or latin-1
            body, encoding = decode_text(complete)
    offset = (cursor.offset if cursor else 0) + len(complete)
    tail_hash = _hash((already + complete)[-CURSOR_TAIL_BYTES:])
    try:
        frame = (
            read_csv_cells(body, separator, list(header))
            if body
            else pd.DataFrame(columns=list(header), dtype="string")
        )
    except pd.errors.ParserError as error:
        ragged = error if isinstance(error, RaggedLinesError) else _all_refused(body, list(header), error)
        moved = CsvCursor(
            offset, records + len(ragged.cells), header, encoding, separator, head_hash, tail_hash
        )
        refused = [replace(line, row=line.row + FIRST_DATA_ROW + records - 1) for line in ragged.lines]
        cells = text_cells(ragged.cells, FIRST_DATA_ROW + records).dropna(how="all")
        raise MalformedLinesError(str(error), moved, refused, cells) from error
    cells = text_cells(frame, FIRST_DATA_ROW + records).dropna(how="all")
    return cells, CsvCursor(offset, records + len(frame), header, encoding, separator, head_hash, tail_hash)


def _all_refused(body: str, header: list[str], error: pd.errors.ParserError) -> RaggedLinesError:
    """New lines that cannot be read at all (a quote never closed): every one refused, as one."""
    blank = pd.DataFrame(index=range(body.count("\n")), columns=header)
    return RaggedLinesError(str(error), [RefusedLine(1, body, f"cannot be read ({error})")], blank)


def _repeated_headers(path: Path, kind: str, header: list[str] | None) -> dict[str, int]:
    """Header names that appear more than once, as written (pandas would rename them ``name.1``);
    ``header`` is a CSV file's, as read."""
    if kind == "csv":
        header = header or []
    elif kind == "xlsx":
        first = pd.read_excel(path, header=None, nrows=1, dtype=str, engine="openpyxl")
        header = first.iloc[0].tolist() if len(first) else []  # a blank first row reads as no row
    else:
        return {}
    counts = pd.Series([str(name).strip() for name in header]).value_counts()
    return counts[counts > 1].to_dict()


def _labelled(
    frame: pd.DataFrame, value_labels: dict[str, dict[object, str]]
) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """``frame``'s cells with each column's value labels applied (a code without a label kept as
    written), and the codes of each labelled column as they were."""
    codes = {column: frame[column] for column in value_labels if column in frame}
    labelled = {
        column: cells.map({_code_text(code): label for code, label in value_labels[column].items()}).fillna(
            cells
        )
        for column, cells in codes.items()
    }
    return frame.assign(**labelled), codes


def _code_text(code: object) -> str:
    """A value-label code as :func:`_as_text` writes its cells (``1.0`` → ``"1"``)."""
    return str(int(code)) if isinstance(code, float) and code.is_integer() else str(code)


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A typed frame (Parquet, SPSS) as text cells, like a CSV: whole numbers without ``.0``."""
    columns = {}
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
            values = values.astype("Int64")
        columns[str(column)] = values.astype("string")
    return pd.DataFrame(columns, index=frame.index)
