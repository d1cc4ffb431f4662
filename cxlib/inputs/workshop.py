"""Workshop input: fill in the six-pillar self-assessment item by item, with evidence, in JupyterLab.

:class:`AssessmentStore` holds the load and save logic (testable without a browser): saving
validates the answers, keeps a timestamped backup of the previous table under
``<client>/backups/`` and replaces the client's ``assessment`` table atomically, in the format it
already has (CSV or XLSX). :func:`assessment_editor` builds the ipywidgets form on top of it.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from cxlib.core.exceptions import CxError, ValidationError
from cxlib.core.files import spreadsheet_safe
from cxlib.core.i18n import translator
from cxlib.core.method import PILLARS
from cxlib.inputs.client import check_client
from cxlib.inputs.question_bank import question_bank
from cxlib.inputs.schema import TABLES
from cxlib.inputs.tables import find_table

COLUMNS = [column.name for column in TABLES["assessment"].columns]


class AssessmentStore:
    """Load and save one client's self-assessment answers."""

    def __init__(self, client_dir: str | Path):
        self.client_dir = Path(client_dir)
        client, problems = check_client(self.client_dir)
        if client is None:
            raise ValidationError(str(self.client_dir), problems)
        self.config = client.config
        self.bank = question_bank(client.config)

    @property
    def path(self) -> Path:
        """The assessment file: the existing one, or ``assessment.csv`` for a new one."""
        found, problems = find_table(self.client_dir, "assessment")
        if problems:
            raise ValidationError(str(self.client_dir), problems)
        return found or self.client_dir / "assessment.csv"

    def load(self) -> pd.DataFrame:
        """All saved answers as text cells in the canonical columns (empty when none yet)."""
        if not self.path.is_file():
            return pd.DataFrame(columns=COLUMNS)
        reader = pd.read_excel if self.path.suffix == ".xlsx" else pd.read_csv
        frame = reader(self.path, dtype=str, keep_default_na=False)
        return frame.reindex(columns=COLUMNS, fill_value="")

    def answers_for(self, respondent: str) -> dict[str, tuple[int | None, str]]:
        """The respondent's saved answers: item id → (score, evidence)."""
        saved = self.load()
        mine = saved[saved["respondent"] == respondent]
        return {
            row.item_id: (int(float(row.score)) if row.score else None, row.evidence)
            for row in mine.itertuples()
        }

    def save(self, respondent: str, area: str, answers: dict[str, tuple[int | None, str]]) -> Path:
        """Replace the respondent's answers, back up the previous file, and write atomically.

        Unanswered items (score ``None``) are left out. The saved folder is validated before the
        new file replaces the old one, so a bad save never replaces a good table.

        Raises
        ------
        CxError
            When the respondent is empty or an answer is invalid (the previous file is unchanged).
        """
        if not respondent.strip():
            raise CxError("write the respondent's name before saving")
        saved = self.load()
        rows = [
            {
                "respondent": respondent,
                "area": area,
                "pillar": self.bank["pillar"].get(item),
                "item_id": item,
                "score": str(score),
                "evidence": evidence.strip(),
                "date": dt.date.today().isoformat(),
            }
            for item, (score, evidence) in answers.items()
            if score is not None
        ]
        table = pd.concat(
            [saved[saved["respondent"] != respondent], pd.DataFrame(rows, columns=COLUMNS)], ignore_index=True
        )
        target = self.path
        with tempfile.TemporaryDirectory(dir=self.client_dir) as staging:
            trial = Path(staging) / target.name
            self._write(table, trial)
            self._check(trial)
            if target.is_file():
                backups = self.client_dir / "backups"
                backups.mkdir(exist_ok=True)
                stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
                shutil.copy2(target, backups / f"{target.stem}-{stamp}{target.suffix}")
            os.replace(trial, target)
        return target

    def _write(self, table: pd.DataFrame, path: Path) -> None:
        if path.suffix == ".xlsx":
            spreadsheet_safe(table).to_excel(path, index=False)
        else:
            table.to_csv(path, index=False, encoding="utf-8")

    def _check(self, trial: Path) -> None:
        """Validate the assessment as it would be saved, in a copy of the client's configuration."""
        with tempfile.TemporaryDirectory() as scratch:
            shutil.copy2(self.client_dir / "client.yaml", Path(scratch) / "client.yaml")
            shutil.copy2(trial, Path(scratch) / trial.name)
            _, problems = check_client(Path(scratch))
        if problems:
            raise CxError(
                "not saved; the answers have problems:\n" + "\n".join(f"  {problem}" for problem in problems)
            )


@dataclass
class AssessmentEditor:
    """The form and its controls; displays as the form in JupyterLab."""

    widget: widgets.VBox
    scores: dict[str, widgets.ToggleButtons]
    evidence: dict[str, widgets.Textarea]
    respondent: widgets.Text
    area: widgets.Text
    status: widgets.HTML
    load_button: widgets.Button
    save_button: widgets.Button

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def assessment_editor(client_dir: str | Path, respondent: str = "", area: str = "") -> AssessmentEditor:
    """An ipywidgets form: one row per question (score 1-5 and evidence), grouped by pillar.

    Typing a respondent's name and pressing "Load" shows their saved answers; "Save" writes them
    through :class:`AssessmentStore`.
    """
    store = AssessmentStore(client_dir)
    t = translator(store.config.language, store.config.locale)
    who = widgets.Text(value=respondent, description=t("workshop.respondent"))
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

    def load(_=None) -> None:
        saved = store.answers_for(who.value.strip())
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
            status.value = html.escape(t("workshop.saved", file=path.name))
        except CxError as error:
            status.value = f'<span style="color:#922B21">{html.escape(str(error))}</span>'

    load_button = widgets.Button(description=t("workshop.load"))
    save_button = widgets.Button(description=t("workshop.save"), button_style="primary")
    load_button.on_click(load)
    save_button.on_click(save)
    if respondent:
        load()
    layout = widgets.VBox([widgets.HBox([who, where, load_button, save_button]), status, accordion])
    return AssessmentEditor(layout, scores, evidence, who, where, status, load_button, save_button)
