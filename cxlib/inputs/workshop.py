"""Workshop input: fill in the six-pillar self-assessment item by item, with evidence, in JupyterLab.

:class:`AssessmentStore` holds the load and save logic (testable without a browser). It reads and
writes the client's ``assessment`` table through the product's own reader, keeping the file's
format, encoding and separator. A save can never lose an answer:

* respondents are matched case- and accent-insensitively ("ceo" is "CEO");
* only the answers a save touches change (score, evidence, area, date); every other answer keeps
  its area, evidence and date;
* saving merges by (respondent, item) into the table as it is on disk at that moment, under a lock
  file, so two people saving at once both keep their answers; an answer someone else changed since
  this editor loaded it is not overwritten: the save is refused with when and what, to reload;
* a read-only file or folder gives a message, never a traceback; the table is validated before it
  replaces the old one, atomically, keeping its permissions;
* every save keeps a timestamped copy of the previous table under ``<client>/backups/``;
  :meth:`AssessmentStore.backups` lists them and :meth:`AssessmentStore.restore` puts one back;
* the table, its backups and the lock are files inside the client folder (:mod:`cxlib.core.guard`):
  a link leading out of it (the table, a backup, the ``backups`` folder) is refused, never read
  or written through.

:func:`assessment_editor` builds the ipywidgets form on top of it; choosing a respondent loads them.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import html
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from cxlib.core.exceptions import CxError, ValidationError
from cxlib.core.files import spreadsheet_safe
from cxlib.core.guard import ClientFileError, client_file
from cxlib.core.i18n import translator
from cxlib.core.method import PILLARS, normalise_name
from cxlib.inputs.client import Client, check_assessment_items, check_client
from cxlib.inputs.config import load_config
from cxlib.inputs.question_bank import question_bank
from cxlib.inputs.schema import TABLES, ProblemCollector, type_table
from cxlib.inputs.tables import RawTable, find_table, read_table

COLUMNS = [column.name for column in TABLES["assessment"].columns]
#: Where the kept copies of earlier tables go, inside the client folder.
BACKUPS_DIR_NAME = "backups"
#: The folder a save writes and validates its table in, inside the client folder (named by no message).
STAGING_PREFIX = ".workshop-"
#: The formats a save can write back as they are.
WRITABLE = (".csv", ".xlsx", ".parquet")
Answers = dict[str, tuple[int | None, str]]


class ConflictError(CxError):
    """Someone changed answers this editor is about to save since it loaded them."""


@dataclass
class Loaded:
    """What an editor loaded for one respondent: the spelling on file and the answers it saw."""

    respondent: str
    answers: Answers = field(default_factory=dict)


def _answer(row) -> tuple[int | None, str]:
    """A saved row as (score, evidence), the form an editor shows and compares."""
    score = row.score if pd.notna(row.score) and row.score != "" else None
    return (int(float(score)) if score is not None else None, row.evidence if pd.notna(row.evidence) else "")


def identity(name: object) -> str:
    """A respondent's identity: case-, accent- and spacing-insensitive."""
    return normalise_name(str(name))


class AssessmentStore:
    """Load and save one client's self-assessment answers without ever losing one."""

    def __init__(self, client_dir: str | Path):
        self.client_dir = Path(client_dir)
        client, problems = check_client(self.client_dir)
        if client is None:
            raise ValidationError(str(self.client_dir), problems)
        self.config = client.config
        self.bank = question_bank(client.config)
        self.loaded: dict[str, Loaded] = {}

    @property
    def path(self) -> Path:
        """The assessment file: the existing one, or ``assessment.csv`` for a new one."""
        found, problems = find_table(self.client_dir, "assessment")
        if problems:
            raise ValidationError(str(self.client_dir), problems)
        return found or self.client_dir / "assessment.csv"

    def _read(self) -> tuple[pd.DataFrame, RawTable | None]:
        """The table on disk as text cells (canonical columns first), and how it was read."""
        if not self.path.is_file():
            return pd.DataFrame(columns=COLUMNS, dtype="string"), None
        raw, problems = read_table(self.path, self.client_dir)
        if raw is None:
            if "no data rows" in " ".join(problem.message for problem in problems):
                return pd.DataFrame(columns=COLUMNS, dtype="string"), None
            raise ValidationError(str(self.client_dir), problems)
        frame = raw.frame.astype("string")
        extra = [column for column in frame.columns if column not in COLUMNS]
        return frame.reindex(columns=COLUMNS + extra).reset_index(drop=True), raw

    def load(self) -> pd.DataFrame:
        """All saved answers as text cells in the canonical columns (empty when none yet)."""
        return self._read()[0]

    def respondents(self) -> list[str]:
        """The respondents on file, as first written."""
        names = self.load()["respondent"].dropna()
        return list(dict.fromkeys(names[~names.map(identity).duplicated()]))

    def answers_for(self, respondent: str) -> Answers:
        """The respondent's saved answers (item id → (score, evidence)), remembered as loaded."""
        saved = self.load()
        mine = saved[saved["respondent"].map(identity, na_action="ignore") == identity(respondent)]
        answers = {row.item_id: _answer(row) for row in mine.itertuples()}
        spelling = mine["respondent"].iloc[0] if len(mine) else respondent.strip()
        self.loaded[identity(respondent)] = Loaded(spelling, answers)
        return answers

    def save(self, respondent: str, area: str, answers: Answers) -> Path:
        """Merge the respondent's answers into the table on disk and write it atomically.

        Only answers that differ from what was loaded (or that are new) are written; unanswered
        items (score ``None``) change nothing. The merge happens under a lock, against the table
        as it is now, so other people's saves are kept.

        Raises
        ------
        ConflictError
            When an answer being saved was changed on disk since it was loaded.
        CxError
            When the respondent is empty, an answer is invalid, the format cannot be written, or the
            file or folder is read-only (the previous file is unchanged in every case).
        """
        if not respondent.strip():
            raise CxError("write the respondent's name before saving")
        target = self.path
        if target.suffix not in WRITABLE:
            raise CxError(f"{target.name}: the workshop saves {', '.join(WRITABLE)} tables; convert it first")
        loaded = self.loaded.get(identity(respondent), Loaded(respondent.strip()))
        touched = {
            item: (score, (evidence or "").strip())
            for item, (score, evidence) in answers.items()
            if score is not None and (score, (evidence or "").strip()) != loaded.answers.get(item)
        }
        if not touched:
            return target
        try:
            with self._lock():
                table, raw = self._read()
                self._refuse_conflicts(table, loaded, touched)
                merged = self._merge(table, loaded.respondent, area.strip(), touched)
                self._replace(merged, raw, target)
        except PermissionError as error:
            written = Path(error.filename) if error.filename else self.client_dir
            staged = [path for path in (written, *written.parents) if path.name.startswith(STAGING_PREFIX)]
            shown = staged[0].parent if staged else written
            raise CxError(
                f"not saved: {shown} cannot be written (permission denied); "
                "ask for write access or save a copy of the client folder"
            ) from error
        self.loaded[identity(respondent)] = Loaded(loaded.respondent, {**loaded.answers, **touched})
        return target

    @contextmanager
    def _lock(self) -> Iterator[None]:
        """An exclusive lock on ``<client>/.assessment.lock`` for the read-merge-write of a save
        (never opened through a link)."""
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        try:
            descriptor = os.open(self.client_dir / ".assessment.lock", flags, 0o666)
        except OSError as error:
            if error.errno != errno.ELOOP:
                raise
            raise ClientFileError(
                ".assessment.lock", "is a link; delete it, the workshop makes its own"
            ) from error
        with os.fdopen(descriptor, "r+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _refuse_conflicts(self, table: pd.DataFrame, loaded: Loaded, touched: Answers) -> None:
        on_disk = table[table["respondent"].map(identity, na_action="ignore") == identity(loaded.respondent)]
        changed = []
        for row in on_disk.fillna("").itertuples():
            if row.item_id not in touched:
                continue
            if _answer(row) != loaded.answers.get(row.item_id):
                changed.append(f"{row.item_id} (saved {row.date or 'undated'})")
        if changed:
            raise ConflictError(
                f"not saved: {loaded.respondent}'s answers to {', '.join(changed)} changed since you loaded "
                f"them ({dt.datetime.fromtimestamp(self.path.stat().st_mtime):%Y-%m-%d %H:%M}); "
                "press Load to see them, then save again"
            )

    def _merge(self, table: pd.DataFrame, respondent: str, area: str, touched: Answers) -> pd.DataFrame:
        """The table with the touched (respondent, item) answers updated or added."""
        mine = table["respondent"].map(identity, na_action="ignore") == identity(respondent)
        today = dt.date.today().isoformat()
        rows = []
        for item, (score, evidence) in touched.items():
            existing = table.index[mine & (table["item_id"] == item)]
            values = {
                "pillar": self.bank["pillar"].get(item, pd.NA),
                "score": str(score),
                "evidence": evidence or pd.NA,
                "date": today,
            }
            if area:
                values["area"] = area
            if len(existing):
                for column, value in values.items():
                    table.loc[existing, column] = value
            else:
                previous_area = table.loc[mine, "area"].dropna()
                fallback = previous_area.iloc[-1] if len(previous_area) else pd.NA
                rows.append({"respondent": respondent, "item_id": item, "area": fallback} | values)
        return pd.concat([table, pd.DataFrame(rows, dtype="string")], ignore_index=True) if rows else table

    def _replace(self, table: pd.DataFrame, raw: RawTable | None, target: Path) -> None:
        """Validate ``table`` as it would be saved, back the old file up, and swap the new one in.

        The old file must be one inside the client folder: a link leading out is refused, neither
        copied into the backups nor replaced.
        """
        present = target.exists() or target.is_symlink()
        if present:
            client_file(self.client_dir, target.name, "the assessment")
        if present and not target.stat().st_mode & 0o222:
            raise CxError(f"not saved: {target.name} is read-only; make it writable or save a copy")
        with tempfile.TemporaryDirectory(dir=self.client_dir, prefix=STAGING_PREFIX) as staging:
            trial = Path(staging) / target.name
            self._write(table, raw, trial)
            self._check(trial, target.name)
            if present:
                shutil.copymode(target, trial)
                backups = self._backups_dir()
                backups.mkdir(exist_ok=True)
                stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
                shutil.copy2(target, backups / f"{target.stem}-{stamp}{target.suffix}")
            os.replace(trial, target)

    def _write(self, table: pd.DataFrame, raw: RawTable | None, path: Path) -> None:
        """Write in the file's own format, encoding and separator (UTF-8 CSV for a new table)."""
        if path.suffix == ".xlsx":
            spreadsheet_safe(table).to_excel(path, index=False)
        elif path.suffix == ".parquet":
            table.to_parquet(path, index=False)
        else:
            encoding = raw.encoding if raw and raw.encoding else "utf-8"
            separator = raw.separator if raw and raw.separator else ","
            try:
                table.to_csv(path, index=False, encoding=encoding, sep=separator)
            except UnicodeEncodeError as error:
                character = error.object[error.start : error.end]
                raise CxError(
                    f"not saved: {path.name} is {encoding} text, which cannot hold {character!r}; remove it, "
                    "or save the table as CSV UTF-8 first"
                ) from error

    def _check(self, trial: Path, name: str) -> None:
        """Validate the table as it would be saved as ``name``, where it is: read inside the client
        folder and typed as :func:`~cxlib.inputs.client.check_client` types the assessment, against
        ``client.yaml`` and its question bank as they are now (the files client.yaml names stay
        where they are; only an unusable client.yaml stops the check)."""
        config, problems = load_config(self.client_dir)
        if config is not None:  # what else client.yaml gets wrong (a missing logo) is not the answers'
            raw, read_problems = read_table(trial, self.client_dir)
            problems = [replace(problem, file=name) for problem in read_problems]  # not the staging folder
            if raw is not None:
                collector = ProblemCollector(name)
                typed = type_table(raw.frame, TABLES["assessment"], collector, raw.decimal_comma)
                check_assessment_items(Client(self.client_dir, config, {"assessment": typed}), collector)
                problems += collector.problems
        if problems:
            raise CxError(
                "not saved; the answers have problems:\n" + "\n".join(f"  {problem}" for problem in problems)
            )

    def _backups_dir(self) -> Path:
        """``<client>/backups``, refused when it is a link leading out of the client folder."""
        folder = self.client_dir / BACKUPS_DIR_NAME
        if not folder.resolve().is_relative_to(self.client_dir.resolve()):
            raise ClientFileError(
                BACKUPS_DIR_NAME,
                "is a link to a folder outside the client folder; make it a folder inside the client folder",
            )
        return folder

    def backups(self) -> list[Path]:
        """The kept copies of earlier tables, oldest first."""
        folder = self._backups_dir()
        return sorted(folder.glob("assessment-*")) if folder.is_dir() else []

    def restore(self, backup: str | Path) -> Path:
        """Put a kept copy back as the assessment table (the current one is backed up first).

        Raises
        ------
        CxError
            When ``backup`` is not the name of a kept copy.
        ClientFileError
            When the copy (or the table it replaces) is a link leading out of the client folder.
        """
        name = Path(backup).name
        kept = [path.name for path in self.backups()]
        if name not in kept:
            raise CxError(f"no backup named {name}; choose one of {kept}")
        source = client_file(self.client_dir, Path(BACKUPS_DIR_NAME) / name, "the backup")
        target = self.client_dir / f"assessment{Path(name).suffix}"
        with self._lock():
            raw, problems = read_table(source, self.client_dir)
            if raw is None:
                raise ValidationError(str(self.client_dir), problems)
            self._replace(raw.frame.astype("string").reset_index(drop=True), raw, target)
        self.loaded.clear()
        return target


@dataclass
class AssessmentEditor:
    """The form and its controls; displays as the form in JupyterLab."""

    widget: widgets.VBox
    scores: dict[str, widgets.ToggleButtons]
    evidence: dict[str, widgets.Textarea]
    respondent: widgets.Combobox
    area: widgets.Text
    status: widgets.HTML
    load_button: widgets.Button
    save_button: widgets.Button

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def assessment_editor(client_dir: str | Path, respondent: str = "", area: str = "") -> AssessmentEditor:
    """An ipywidgets form: one row per question (score 1-5 and evidence), grouped by pillar.

    Choosing or typing a respondent loads their saved answers ("Load" reloads); "Save" merges them
    through :class:`AssessmentStore`. Every outcome, including a refusal, shows in the status line.
    """
    store = AssessmentStore(client_dir)
    t = translator(store.config.language, store.config.locale)
    who = widgets.Combobox(
        value=respondent,
        options=store.respondents(),
        description=t("workshop.respondent"),
        ensure_option=False,
    )
    where = widgets.Text(value=area, description=t("workshop.area"))
    status = widgets.HTML()
    scores: dict[str, widgets.ToggleButtons] = {}
    evidence: dict[str, widgets.Textarea] = {}
    sections = []
    for pillar in PILLARS:
        rows = []
        for item, question in store.bank[store.bank["pillar"] == pillar][t.language].items():
            scores[item] = widgets.ToggleButtons(
                options=[("–", None), ("1", 1), ("2", 2), ("3", 3), ("4", 4), ("5", 5)], value=None
            )
            evidence[item] = widgets.Textarea(
                placeholder=t("workshop.evidence_hint"), layout=widgets.Layout(width="95%", height="48px")
            )
            rows.append(
                widgets.VBox(
                    [
                        widgets.HTML(f"<b>{html.escape(item)}</b> {html.escape(question)}"),
                        scores[item],
                        evidence[item],
                    ]
                )
            )
        sections.append(widgets.VBox(rows))
    accordion = widgets.Accordion(children=sections, titles=tuple(t(f"pillar.{p}") for p in PILLARS))

    def show_error(error: CxError) -> None:
        status.value = f'<span style="color:#922B21">{html.escape(str(error))}</span>'

    def load(_=None) -> None:
        try:
            saved = store.answers_for(who.value.strip())
        except CxError as error:
            show_error(error)
            return
        for item in scores:
            scores[item].value, evidence[item].value = saved.get(item, (None, ""))
        status.value = html.escape(t("workshop.loaded", n=len(saved)))

    def save(_=None) -> None:
        try:
            path = store.save(
                who.value.strip(),
                where.value.strip(),
                {item: (scores[item].value, evidence[item].value) for item in scores},
            )
        except CxError as error:
            show_error(error)
            return
        who.options = store.respondents()
        status.value = html.escape(t("workshop.saved", file=path.name))

    load_button = widgets.Button(description=t("workshop.load"))
    save_button = widgets.Button(description=t("workshop.save"), button_style="primary")
    load_button.on_click(load)
    save_button.on_click(save)

    def chosen(change: dict) -> None:  # choosing a respondent on file loads them
        if identity(change["new"]) in {identity(name) for name in who.options}:
            load()

    who.observe(chosen, names="value")
    if respondent:
        load()
    layout = widgets.VBox([widgets.HBox([who, where, load_button, save_button]), status, accordion])
    return AssessmentEditor(layout, scores, evidence, who, where, status, load_button, save_button)
